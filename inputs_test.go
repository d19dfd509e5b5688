package mammoth

import (
	"context"
	"encoding/json"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// everyCall calls each public operation with ctx and ref and otherwise
// valid arguments, and returns their errors by name.
func everyCall(c *Client, ctx context.Context, ref DataviewRef, withJobs bool) map[string]error {
	s3 := &S3ExportRequest{File: "a.csv"}
	spec := &AddExportSpec{HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone}
	errs := map[string]error{}
	_, errs["ListExports"] = c.Exports.ListExports(ctx, ref, nil)
	for _, err := range c.Exports.AllExports(ctx, ref, nil) {
		errs["AllExports"] = err
		break
	}
	_, errs["GetExport"] = c.Exports.GetExport(ctx, ref, 1, nil)
	_, errs["AddExport"] = c.Exports.AddExport(ctx, ref, spec)
	_, errs["CreateS3Export"] = c.Exports.CreateS3Export(ctx, ref, s3)
	_, errs["CreateInternalDatasetExport"] = c.Exports.CreateInternalDatasetExport(ctx, ref, &InternalDatasetExportRequest{DatasetName: "d"})
	_, errs["EditExport"] = c.Exports.EditExport(ctx, ref, 1, []PatchOp{{Op: PatchOperationCommand, Path: PatchPathSuspend}}, nil)
	_, errs["RunExport"] = c.Exports.RunExport(ctx, ref, 1)
	_, errs["SuspendExport"] = c.Exports.SuspendExport(ctx, ref, 1)
	_, errs["RestoreExport"] = c.Exports.RestoreExport(ctx, ref, 1)
	_, errs["DeleteExport"] = c.Exports.DeleteExport(ctx, ref, 1, nil)
	_, errs["DownloadCSV"] = c.Exports.DownloadCSV(ctx, ref, io.Discard, nil)
	_, errs["PublishToDB"] = c.Exports.PublishToDB(ctx, ref, &PublishToDBRequest{OdbcType: OdbcTypePostgres, Table: "t"})
	_, errs["UpdatePublishToDB"] = c.Exports.UpdatePublishToDB(ctx, ref, OdbcTypePostgres)
	if !withJobs {
		return errs
	}
	_, errs["GetJob"] = c.Jobs.GetJob(ctx, 1)
	_, errs["GetJobs"] = c.Jobs.GetJobs(ctx, []int{1})
	_, errs["WaitForJob"] = c.Jobs.WaitForJob(ctx, 1, nil)
	return errs
}

func TestInputs_NilContextIsRefusedByEveryCall(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var nilCtx context.Context
	errs := everyCall(f.client, nilCtx, testRef, true)
	require.Len(t, errs, 17)
	for name, err := range errs {
		var ve *ValidationError
		if assert.ErrorAs(t, err, &ve, name) {
			assert.Equal(t, "ctx", ve.Field, name)
		}
	}
	assert.Zero(t, f.requests.Load())
}

func TestInputs_BadDataviewRefIsRefusedByEveryDataviewCall(t *testing.T) {
	t.Parallel()
	f := setup(t)
	bad := []DataviewRef{{}, {WorkspaceID: -1, ProjectID: 1, DataviewID: 1}, {WorkspaceID: 1, ProjectID: 1, DatasetID: -9, DataviewID: 1}}
	for _, ref := range bad {
		for name, err := range everyCall(f.client, context.Background(), ref, false) {
			var ve *ValidationError
			if assert.ErrorAs(t, err, &ve, "%s %+v", name, ref) {
				assert.Contains(t, ve.Field, "DataviewRef.", name)
			}
		}
	}
	assert.Zero(t, f.requests.Load())
}

func TestInputs_NilOptionStructsAndZeroValuesDoNotPanic(t *testing.T) {
	t.Parallel()
	c, err := NewClient("k", "s", nil, WithBaseURL("http://127.0.0.1:1"), WithMaxRetries(0))
	require.NoError(t, err, "a nil Option is skipped")
	assert.NotPanics(t, func() {
		_, _ = json.Marshal(AddExportSpec{})
		_, _ = json.Marshal((*AddExportSpec)(nil))
		_, _ = (&ExportChange{}).JobID()
		_, _ = (&Job{}).ResponseObject()
		_ = (&JobFailedError{}).Error()
		_ = (&APIError{}).Error()
		_ = (&DecodeError{Err: io.EOF}).Error()
		_ = Timestamp{}.String()
		_, _ = c.Exports.EditExport(context.Background(), testRef, 1, []PatchOp{{}}, nil)
		_, _ = c.Jobs.GetJobs(context.Background(), make([]int, 501))
	})
}
