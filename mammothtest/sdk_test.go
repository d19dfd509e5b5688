package mammothtest_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests drive the server through the SDK, as a user's tests would.

func TestSDKListsSeededExports(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	exps := make([]mammoth.ItemExportInfo, 1234)
	for i := range exps {
		exps[i].HandlerType = mammoth.HandlerTypeS3
		if i%2 == 1 {
			exps[i].HandlerType = mammoth.HandlerTypePostgres
		}
	}
	ids := s.SeedExports(testRef, exps...)
	c := newClient(t, s)
	ctx := context.Background()

	var got []int
	for e, err := range c.Exports.AllExports(ctx, testRef, &mammoth.ListExportsOptions{Limit: mammoth.Ptr(100)}) {
		require.NoError(t, err)
		got = append(got, *e.ID)
	}
	assert.Equal(t, ids, got)

	var postgres int
	for e, err := range c.Exports.AllExports(ctx, testRef, &mammoth.ListExportsOptions{HandlerType: mammoth.HandlerTypePostgres, Fields: mammoth.FieldsMin}) {
		require.NoError(t, err)
		assert.Equal(t, mammoth.HandlerTypePostgres, e.HandlerType)
		postgres++
	}
	assert.Equal(t, 617, postgres)

	page, err := c.Exports.ListExports(ctx, testRef, &mammoth.ListExportsOptions{Reordered: mammoth.Ptr(false), Limit: mammoth.Ptr(10)})
	require.NoError(t, err)
	assert.Empty(t, page.Exports, "seeded exports have no reordered flag")
	reqs := s.Requests()
	assert.Contains(t, reqs[len(reqs)-1].Query(), "reorderd", "the SDK sends the API's spelling")

	one, err := c.Exports.GetExport(ctx, testRef, ids[7], &mammoth.GetExportOptions{Fields: mammoth.FieldsFull})
	require.NoError(t, err)
	assert.Equal(t, ids[7], *one.ID)
}

func TestSDKAddWaitRunSuspendRestoreDelete(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	ctx := context.Background()

	change, err := c.Exports.CreateInternalDatasetExport(ctx, testRef, &mammoth.InternalDatasetExportRequest{DatasetName: "branch"})
	require.NoError(t, err)
	require.NotNil(t, change.Job)
	job, err := c.Jobs.WaitForJob(ctx, change.Job.ID, fastWait)
	require.NoError(t, err)
	assert.Equal(t, mammoth.JobStatusSuccess, job.Status)

	exps := s.Exports(testRef)
	require.Len(t, exps, 1)
	id := *exps[0].ID
	assert.Equal(t, mammoth.ExportStatusExecuted, exps[0].Status)
	assert.NotNil(t, exps[0].TargetProperties["TARGET_DS_ID"])

	change, err = c.Exports.SuspendExport(ctx, testRef, id)
	require.NoError(t, err)
	assert.Equal(t, mammoth.ExportStatusSuspended, change.Modification.Status)
	change, err = c.Exports.RestoreExport(ctx, testRef, id)
	require.NoError(t, err)
	assert.Equal(t, mammoth.ExportStatusExecuted, change.Modification.Status)

	change, err = c.Exports.RunExport(ctx, testRef, id)
	require.NoError(t, err)
	jobID, ok := change.JobID()
	require.True(t, ok)
	_, err = c.Jobs.WaitForJob(ctx, jobID, fastWait)
	require.NoError(t, err)

	jobs, err := c.Jobs.GetJobs(ctx, []int{change.Job.ID, jobID})
	require.NoError(t, err)
	assert.Len(t, jobs, 1)

	change, err = c.Exports.DeleteExport(ctx, testRef, id, nil)
	require.NoError(t, err)
	assert.Equal(t, mammoth.ExportStatusDeleted, change.Modification.Status)
	_, err = c.Exports.GetExport(ctx, testRef, id, nil)
	assert.ErrorIs(t, err, mammoth.ErrNotFound)
}

func TestSDKDraftAdd(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithAddMode(mammothtest.AddAsDraft))
	c := newClient(t, s)
	change, err := c.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	require.NotNil(t, change.Modification)
	assert.Nil(t, change.Job)
	assert.Equal(t, mammoth.ExportStatusAdded, change.Modification.Status)
	_, ok := change.JobID()
	assert.False(t, ok)
}

func TestSDKJobFailureReasons(t *testing.T) {
	t.Parallel()
	for _, shape := range []mammothtest.ReasonShape{mammothtest.ReasonInError, mammothtest.ReasonInFailureReason, mammothtest.ReasonInNestedDetail} {
		s := newServer(t)
		s.FailNextJobs(1, mammothtest.JobFailure{Reason: "warehouse offline", Shape: shape})
		c := newClient(t, s)
		change, err := c.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "a.csv"})
		require.NoError(t, err)
		_, err = c.Jobs.WaitForJob(context.Background(), change.Job.ID, fastWait)
		var failed *mammoth.JobFailedError
		require.ErrorAs(t, err, &failed, "shape %d", shape)
		assert.Equal(t, "warehouse offline", failed.Reason, "shape %d", shape)
		assert.Equal(t, mammoth.JobStatusFailure, failed.Status)
	}
}

func TestSDKErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ctx := context.Background()

	bad, err := mammoth.NewClient(s.APIKey(), "wrong", mammoth.WithBaseURL(s.URL()))
	require.NoError(t, err)
	_, err = bad.Exports.ListExports(ctx, testRef, nil)
	assert.ErrorIs(t, err, mammoth.ErrUnauthorized)

	c := newClient(t, s)
	other := testRef
	other.DataviewID = 1
	_, err = c.Exports.ListExports(ctx, other, nil)
	var apiErr *mammoth.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 404, apiErr.StatusCode)
	assert.Equal(t, "Not Found", apiErr.Detail)

	_, err = c.Jobs.GetJob(ctx, 424242)
	assert.ErrorIs(t, err, mammoth.ErrNotFound)
}

func TestSDKPublish(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s)
	ctx := context.Background()
	pj, err := c.Exports.PublishToDB(ctx, testRef, &mammoth.PublishToDBRequest{OdbcType: mammoth.OdbcTypePostgres, Table: "sales"})
	require.NoError(t, err)
	require.NotNil(t, pj.JobID)
	_, err = c.Jobs.WaitForJob(ctx, *pj.JobID, fastWait)
	require.NoError(t, err)
	pj, err = c.Exports.UpdatePublishToDB(ctx, testRef, mammoth.OdbcTypeBigQuery)
	require.NoError(t, err)
	require.NotNil(t, pj.JobID)
	pub, _ := s.Publication(testRef)
	assert.Equal(t, mammothtest.Publication{OdbcType: mammoth.OdbcTypeBigQuery, Table: "sales"}, pub)
}

func TestSDKDownloadCSV(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SetCSV(testRef, []byte("a,b\n1,2\n"))
	c := newClient(t, s)
	var buf bytes.Buffer
	n, err := c.Exports.DownloadCSV(context.Background(), testRef, &buf, &mammoth.DownloadCSVOptions{Wait: fastWait})
	require.NoError(t, err)
	assert.EqualValues(t, 8, n)
	assert.Equal(t, "a,b\n1,2\n", buf.String())
	assert.Equal(t, 1, s.RequestCount(mammothtest.RouteDownload))
	assert.Zero(t, s.DownloadCredentialLeaks(), "the SDK never sends credentials to the file host")
	assert.Empty(t, s.Exports(testRef), "the temporary export is deleted")
	for _, r := range s.Requests() {
		if r.Route == mammothtest.RouteDownload {
			assert.Empty(t, r.Header.Get("X-Workspace-Id"))
		}
	}
}

func TestSDKConcurrentUse(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithJobPolls(0))
	c := newClient(t, s)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 20 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			change, err := c.Exports.CreateS3Export(ctx, testRef, &mammoth.S3ExportRequest{File: "f.csv"})
			if err == nil {
				_, err = c.Jobs.WaitForJob(ctx, change.Job.ID, fastWait)
			}
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := c.Exports.ListExports(ctx, testRef, &mammoth.ListExportsOptions{Offset: i})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		assert.NoError(t, err)
	}
	exps := s.Exports(testRef)
	assert.Len(t, exps, 20)
	for _, e := range exps {
		assert.Equal(t, mammoth.ExportStatusExecuted, e.Status)
	}
	assert.Equal(t, 20, s.RequestCount(mammothtest.RouteAddExport))
}

func TestSDKDownloadCSVDraftAnswers(t *testing.T) {
	t.Parallel()
	t.Run("future id", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, mammothtest.WithAddMode(mammothtest.AddAsDraftWithFutureID))
		c := newClient(t, s)
		var buf bytes.Buffer
		_, err := c.Exports.DownloadCSV(context.Background(), testRef, &buf, &mammoth.DownloadCSVOptions{Wait: fastWait})
		require.NoError(t, err)
		assert.Equal(t, mammothtest.DefaultCSV, buf.String())
		assert.Empty(t, s.Exports(testRef))
	})
	t.Run("no job", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, mammothtest.WithAddMode(mammothtest.AddAsDraft))
		c := newClient(t, s)
		var buf bytes.Buffer
		_, err := c.Exports.DownloadCSV(context.Background(), testRef, &buf, &mammoth.DownloadCSVOptions{Wait: fastWait})
		require.Error(t, err, "a draft add starts no job, so there is no file")
	})
}
