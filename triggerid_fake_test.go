package mammoth_test

import (
	"context"
	"strconv"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var triggerRef = mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}

func TestExportIDOfA202AddComesWithItsFinishedS3Job(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddDataview(triggerRef)
	c := srv.Client()
	ctx := context.Background()

	change, err := c.Exports.CreateS3Export(ctx, triggerRef, &mammoth.S3ExportRequest{File: "sales.csv"})
	require.NoError(t, err)
	require.NotNil(t, change.Job, "202")
	_, ok := change.ExportID()
	assert.False(t, ok, "the add's answer names no export")

	job, err := c.Jobs.WaitForJob(ctx, change.Job.ID, nil)
	require.NoError(t, err)
	id, ok := job.TriggerID()
	require.True(t, ok)
	exports := srv.Exports(triggerRef)
	require.Len(t, exports, 1)
	assert.Equal(t, *exports[0].ID, id)

	// What went over the wire: the job's response carries trigger_id.
	reqs := srv.Requests()
	last := reqs[len(reqs)-1]
	assert.Equal(t, "GET", last.Method)
	assert.Equal(t, "/api/v2/jobs/"+strconv.Itoa(change.Job.ID), last.Path)
	obj, err := job.ResponseObject()
	require.NoError(t, err)
	assert.EqualValues(t, id, obj["trigger_id"])
}

func TestExportIDIsAbsentForOtherHandlersSoFindTheExportByItsProperties(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddDataview(triggerRef)
	c := srv.Client()
	ctx := context.Background()
	_, err := c.Exports.CreateS3Export(ctx, triggerRef, &mammoth.S3ExportRequest{File: "other.csv", RunImmediately: mammoth.Ptr(false)})
	require.NoError(t, err)

	change, err := c.Exports.CreateInternalDatasetExport(ctx, triggerRef, &mammoth.InternalDatasetExportRequest{DatasetName: "Sales by region"})
	require.NoError(t, err)
	job, err := c.Jobs.WaitForJob(ctx, change.Job.ID, nil)
	require.NoError(t, err)
	_, ok := job.TriggerID()
	assert.False(t, ok, "a dataset export's job answers {}")

	found := 0
	opts := &mammoth.ListExportsOptions{HandlerType: mammoth.HandlerTypeInternalDataset}
	for e, err := range c.Exports.AllExports(ctx, triggerRef, opts) {
		require.NoError(t, err)
		if e.TargetProperties["DS_NAME"] == "Sales by region" && *e.ID > found {
			found = *e.ID
		}
	}
	assert.Equal(t, *srv.Exports(triggerRef)[1].ID, found)
	assert.Equal(t, "handler_type=internal_dataset&limit=50", srv.Requests()[len(srv.Requests())-1].RawQuery)
}

func TestExportIDOfADraftAdd(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer(mammothtest.WithAddMode(mammothtest.AddAsDraft))
	t.Cleanup(srv.Close)
	srv.AddDataview(triggerRef)
	change, err := srv.Client().Exports.CreateS3Export(context.Background(), triggerRef, &mammoth.S3ExportRequest{File: "sales.csv"})
	require.NoError(t, err)
	id, ok := change.ExportID()
	require.True(t, ok)
	assert.Equal(t, *srv.Exports(triggerRef)[0].ID, id)
}
