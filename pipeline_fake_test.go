package mammoth_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var pipeWait = &mammoth.WaitOptions{PollInterval: time.Millisecond}

func exportIDs(srv *mammothtest.Server, ref mammoth.DataviewRef) []int {
	var ids []int
	for _, e := range srv.Exports(ref) {
		ids = append(ids, *e.ID)
	}
	return ids
}

func TestDraft_EnterAddListSubmit_TheExportGoesLiveAndItsJobRuns(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()

	mode, err := client.Pipelines.EnterDraft(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, mammoth.DraftModeClean, mode)

	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "draft.csv"})
	require.NoError(t, err)
	assert.True(t, change.Pending, "a 201 in draft is pending")
	require.NotNil(t, change.Modification)
	id := change.Modification.TriggerID
	assert.Nil(t, change.Job)

	page, err := client.Exports.ListExports(ctx, ref, nil)
	require.NoError(t, err)
	assert.Empty(t, page.Exports, "a pending export is not live")
	p, err := client.Pipelines.GetPipeline(ctx, ref, nil)
	require.NoError(t, err)
	assert.Equal(t, mammoth.DraftModeDirty, p.DraftMode)

	p, err = client.Pipelines.SubmitDraft(ctx, ref, pipeWait)
	require.NoError(t, err)
	assert.True(t, p.Settled())
	assert.Equal(t, mammoth.DraftModeOff, p.DraftMode)

	exp, err := client.Exports.GetExport(ctx, ref, id, nil)
	require.NoError(t, err, "the export is live under the id the 201 gave")
	assert.Equal(t, mammoth.ExportStatusExecuted, exp.Status, "its job ran")
	jobs := srv.Jobs()
	require.Len(t, jobs, 1)
	assert.Equal(t, mammoth.JobStatusSuccess, jobs[0].Status)
	assert.Equal(t, "add_export", jobs[0].Operation)
	assert.Equal(t, mammoth.DraftModeOff, srv.Pipeline(ref).DraftMode)
}

func TestDraft_PipelineTriggeredExportRunsWithTheSubmittedRun(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	var states []mammoth.PipelineExecutionState
	err := client.Pipelines.InDraft(ctx, ref, func(ctx context.Context) error {
		_, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{
			File: "each-run.csv", TriggerType: mammoth.TriggerTypePipeline, RunImmediately: mammoth.Ptr(false)})
		return err
	}, &mammoth.WaitOptions{PollInterval: time.Millisecond, OnPipelinePoll: func(p *mammoth.Pipeline) {
		states = append(states, p.ExecutionState)
	}})
	require.NoError(t, err)
	assert.Equal(t, []mammoth.PipelineExecutionState{"submitted", "running", "exports_running", "idle"}, states,
		"the wait sees every step, exports included")
	exports := srv.Exports(ref)
	require.Len(t, exports, 1)
	assert.Equal(t, mammoth.ExportStatusExecuted, exports[0].Status)
	full, err := client.Pipelines.GetPipeline(ctx, ref, &mammoth.GetPipelineOptions{Fields: mammoth.FieldsFull})
	require.NoError(t, err)
	require.NotNil(t, full.Stats)
	require.Len(t, full.Stats.ExportStats, 1)
	assert.Equal(t, *exports[0].ID, full.Stats.ExportStats[0].ExportID)
	assert.NotNil(t, full.Stats.ExportStats[0].ExecutionStats.Current)
	assert.NotNil(t, full.Stats.LastRunAt)
}

func TestDraft_EnterDeleteDiscard_TheExportIsStillThere(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	ids := srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})

	_, err := client.Pipelines.EnterDraft(ctx, ref)
	require.NoError(t, err)
	change, err := client.Exports.DeleteExport(ctx, ref, ids[0], nil)
	require.NoError(t, err)
	assert.True(t, change.Pending)
	assert.Equal(t, mammoth.ExportStatusDeleted, change.Modification.Status)
	assert.Equal(t, ids, exportIDs(srv, ref), "a pending delete is not live")

	mode, err := client.Pipelines.DiscardDraft(ctx, ref)
	require.NoError(t, err)
	assert.Equal(t, mammoth.DraftModeOff, mode)
	assert.Equal(t, ids, exportIDs(srv, ref))
	_, err = client.Exports.GetExport(ctx, ref, ids[0], nil)
	require.NoError(t, err)
}

func TestDraft_EditsAreHeldAndAnswered200(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	ids := srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})
	_, err := client.Pipelines.EnterDraft(ctx, ref)
	require.NoError(t, err)
	change, err := client.Exports.SuspendExport(ctx, ref, ids[0])
	require.NoError(t, err)
	assert.False(t, change.Pending, "an edit in draft answers 200, which cannot be told from a live edit")
	assert.Equal(t, mammoth.DraftModeDirty, srv.Pipeline(ref).DraftMode, "but the draft is dirty")
	exp, _ := srv.Export(ref, ids[0])
	assert.Equal(t, mammoth.ExportStatusAdded, exp.Status, "not applied yet")

	_, err = client.Pipelines.SubmitDraft(ctx, ref, pipeWait)
	require.NoError(t, err)
	exp, _ = srv.Export(ref, ids[0])
	assert.Equal(t, mammoth.ExportStatusSuspended, exp.Status)
}

func TestDraft_ASecondClientSeesTheDraftTheFirstEntered(t *testing.T) {
	t.Parallel()
	srv, first, ref := fakeAPI()
	defer srv.Close()
	second, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	ctx := context.Background()

	_, err = first.Pipelines.EnterDraft(ctx, ref)
	require.NoError(t, err)
	p, err := second.Pipelines.GetPipeline(ctx, ref, nil)
	require.NoError(t, err)
	assert.Equal(t, mammoth.DraftModeClean, p.DraftMode)
	assert.True(t, p.DraftMode.Active())

	// The second client's add lands in the first one's draft, as the API
	// holds it: its answer says so.
	change, err := second.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "b.csv"})
	require.NoError(t, err)
	assert.True(t, change.Pending)

	// Entering again is refused, and the error carries the draft's state.
	_, err = second.Pipelines.EnterDraft(ctx, ref)
	var ce *mammoth.PipelineCommandError
	require.ErrorAs(t, err, &ce)
	assert.False(t, ce.MayHaveActed)
	assert.Equal(t, mammoth.DraftModeDirty, ce.After.DraftMode)
	var ae *mammoth.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, http.StatusBadRequest, ae.StatusCode)

	// A "crashed" first client: a fresh client submits the draft.
	third, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	_, err = third.Pipelines.SubmitDraft(ctx, ref, pipeWait)
	require.NoError(t, err)
	assert.Len(t, srv.Exports(ref), 1)
	p, err = first.Pipelines.GetPipeline(ctx, ref, nil)
	require.NoError(t, err)
	assert.Equal(t, mammoth.DraftModeOff, p.DraftMode)
}

func TestDraft_IllegalTransitionsAre400s(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	for _, op := range []mammoth.DraftOperation{mammoth.DraftSubmit, mammoth.DraftDiscard, mammoth.DraftExit} {
		_, err := client.Pipelines.DraftCommand(ctx, ref, op)
		var ae *mammoth.APIError
		require.ErrorAs(t, err, &ae, op)
		assert.Equal(t, 400, ae.StatusCode)
		assert.Contains(t, ae.Detail, "not in draft mode")
	}
	_, err := client.Pipelines.EnterDraft(ctx, ref)
	require.NoError(t, err)
	_, err = client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "x.csv"})
	require.NoError(t, err)
	_, err = client.Pipelines.ExitDraft(ctx, ref)
	var ae *mammoth.APIError
	require.ErrorAs(t, err, &ae)
	assert.Contains(t, ae.Detail, "submit or discard them")
	assert.Equal(t, mammoth.DraftModeDirty, srv.Pipeline(ref).DraftMode)
}

func TestDraft_CommandsThatMayHaveActedAreSentOnce(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		fault    mammothtest.Fault
		acted    bool
		wantMode mammoth.DraftMode
	}{
		{"reset after acting", mammothtest.Fault{Reset: true, AfterHandling: true}, true, mammoth.DraftModeClean},
		{"502 after acting", mammothtest.Fault{Status: 502, AfterHandling: true}, true, mammoth.DraftModeClean},
		{"500 before acting", mammothtest.Fault{Status: 500}, true, mammoth.DraftModeOff},
		{"answer cut short", mammothtest.Fault{ResetAfterBytes: 3}, true, mammoth.DraftModeClean},
		{"503 then success", mammothtest.Fault{Status: 503}, false, mammoth.DraftModeClean},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, client, ref := fakeAPI(quickRetries)
			defer srv.Close()
			f := tt.fault
			f.Route = mammothtest.RouteDraftCommand
			srv.InjectFault(f)
			mode, err := client.Pipelines.EnterDraft(context.Background(), ref)
			if tt.name == "503 then success" {
				require.NoError(t, err)
				assert.Equal(t, mammoth.DraftModeClean, mode)
				assert.Equal(t, 2, srv.RequestCount(mammothtest.RouteDraftCommand))
				return
			}
			var ce *mammoth.PipelineCommandError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteDraftCommand), "sent once")
			assert.Equal(t, tt.acted, ce.MayHaveActed)
			require.NotNil(t, ce.After)
			assert.Equal(t, tt.wantMode, ce.After.DraftMode, "the state read afterwards tells the caller what happened")
		})
	}
}

func TestSubmitDraft_LostAnswerIsNotRepeatedAndShowsTheDraftSubmitted(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI(quickRetries)
	defer srv.Close()
	ctx := context.Background()
	_, err := client.Pipelines.EnterDraft(ctx, ref)
	require.NoError(t, err)
	_, err = client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDraftCommand, Reset: true, AfterHandling: true})
	_, err = client.Pipelines.SubmitDraft(ctx, ref, pipeWait)
	var ce *mammoth.PipelineCommandError
	require.ErrorAs(t, err, &ce)
	var te *mammoth.TransportError
	require.ErrorAs(t, err, &te)
	assert.Equal(t, "submit", ce.Command)
	assert.Equal(t, mammoth.DraftModeClean, ce.After.DraftMode, "submitted: the draft is clean")
	assert.Equal(t, 2, srv.RequestCount(mammothtest.RouteDraftCommand), "enter, then submit once; no exit")
	assert.Len(t, srv.Exports(ref), 1)
}

func TestRunPipeline_AgainstTheFake(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline})
	job, err := client.Pipelines.RunPipeline(ctx, ref, &mammoth.RunPipelineOptions{FromSequence: mammoth.Ptr(2)})
	require.NoError(t, err)
	assert.Equal(t, mammoth.JobStatusProcessing, job.Status)
	p, err := client.Pipelines.WaitForPipeline(ctx, ref, pipeWait)
	require.NoError(t, err)
	assert.Equal(t, mammoth.PipelineExecutionIdle, p.ExecutionState)
	assert.Equal(t, mammoth.ExportStatusExecuted, srv.Exports(ref)[0].Status)
	done, err := client.Jobs.GetJob(ctx, job.ID)
	require.NoError(t, err)
	assert.Equal(t, mammoth.JobStatusSuccess, done.Status, "the rerun's job finished with the run")

	srv.FailNextRun(ref)
	_, err = client.Pipelines.RunPipeline(ctx, ref, nil)
	require.NoError(t, err)
	_, err = client.Pipelines.WaitForPipeline(ctx, ref, pipeWait)
	var pf *mammoth.PipelineFailedError
	require.ErrorAs(t, err, &pf)
	assert.Equal(t, mammoth.PipelineExecutionRuntimeError, pf.ExecutionState)

	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteRunPipeline, Status: 500, AfterHandling: true})
	_, err = client.Pipelines.RunPipeline(ctx, ref, nil)
	var ce *mammoth.PipelineCommandError
	require.ErrorAs(t, err, &ce)
	assert.True(t, ce.MayHaveActed)
	assert.Equal(t, mammoth.PipelineExecutionSubmitted, ce.After.ExecutionState, "the run did start")
	assert.Equal(t, 3, srv.RequestCount(mammothtest.RouteRunPipeline))
}

func TestBulkCommands_AgainstTheFake(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	spec := mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}
	ids := srv.SeedExports(ref, spec, spec, spec)

	change, err := client.Pipelines.SuspendExports(ctx, ref, ids[:2])
	require.NoError(t, err)
	require.Len(t, change.Exports, 2)
	assert.Equal(t, mammoth.ExportStatusSuspended, change.Exports[1].Status)
	assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteEditPipeline))
	for i, want := range []mammoth.ExportStatus{"suspended", "suspended", "added"} {
		assert.Equal(t, want, srv.Exports(ref)[i].Status)
	}
	_, err = client.Pipelines.RestoreExports(ctx, ref, ids[:2])
	require.NoError(t, err)
	assert.Equal(t, mammoth.ExportStatusAdded, srv.Exports(ref)[0].Status)

	_, err = client.Pipelines.DiscardExports(ctx, ref, []int{ids[0], 999999})
	require.ErrorIs(t, err, mammoth.ErrNotFound, "an unknown id changes nothing")
	assert.Len(t, srv.Exports(ref), 3)

	// In draft, bulk commands are held too.
	_, err = client.Pipelines.EnterDraft(ctx, ref)
	require.NoError(t, err)
	change, err = client.Pipelines.DiscardExports(ctx, ref, ids[1:])
	require.NoError(t, err)
	assert.Equal(t, mammoth.ExportStatusDeleted, change.Exports[0].Status)
	assert.Len(t, srv.Exports(ref), 3)
	_, err = client.Pipelines.SubmitDraft(ctx, ref, pipeWait)
	require.NoError(t, err)
	assert.Equal(t, []int{ids[0]}, exportIDs(srv, ref))

	change, err = client.Pipelines.SetAutoRun(ctx, ref, false)
	require.NoError(t, err)
	assert.Equal(t, mammoth.Ptr(false), change.AutoRun)
	assert.Equal(t, mammoth.Ptr(false), srv.Pipeline(ref).AutoRun)
	assert.Equal(t, mammoth.DraftModeOff, srv.Pipeline(ref).DraftMode, "auto-run off is not draft mode")
}

func TestItems_AgainstTheFake(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	task := srv.AddTask(ref)
	spec := mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}
	var specs []mammoth.ItemExportInfo
	for range 7 {
		specs = append(specs, spec)
	}
	srv.SeedExports(ref, specs...)
	var tasks, exports int
	for it, err := range client.Pipelines.AllItems(ctx, ref, &mammoth.ListItemsOptions{Limit: mammoth.Ptr(3)}) {
		require.NoError(t, err)
		if it.IsTask() {
			tasks++
			assert.Equal(t, task, *it.ID)
		} else {
			exports++
		}
	}
	assert.Equal(t, 1, tasks)
	assert.Equal(t, 7, exports)
	assert.Equal(t, 3, srv.RequestCount(mammothtest.RouteListItems))
}

func TestPipelineRoutes_FaultsApply(t *testing.T) {
	t.Parallel()
	calls := map[mammothtest.Route]func(*mammoth.Client, mammoth.DataviewRef) error{
		mammothtest.RouteGetPipeline: func(c *mammoth.Client, ref mammoth.DataviewRef) error {
			_, err := c.Pipelines.GetPipeline(context.Background(), ref, nil)
			return err
		},
		mammothtest.RouteEditPipeline: func(c *mammoth.Client, ref mammoth.DataviewRef) error {
			_, err := c.Pipelines.SuspendExports(context.Background(), ref, []int{1})
			return err
		},
		mammothtest.RouteRunPipeline: func(c *mammoth.Client, ref mammoth.DataviewRef) error {
			_, err := c.Pipelines.RunPipeline(context.Background(), ref, nil)
			return err
		},
		mammothtest.RouteListItems: func(c *mammoth.Client, ref mammoth.DataviewRef) error {
			_, err := c.Pipelines.ListItems(context.Background(), ref, nil)
			return err
		},
		mammothtest.RouteDraftCommand: func(c *mammoth.Client, ref mammoth.DataviewRef) error {
			_, err := c.Pipelines.EnterDraft(context.Background(), ref)
			return err
		},
	}
	for route, call := range calls {
		t.Run(string(route), func(t *testing.T) {
			t.Parallel()
			srv, client, ref := fakeAPI(mammoth.WithMaxRetries(0))
			defer srv.Close()
			srv.InjectFault(mammothtest.Fault{Route: route, Status: 403})
			err := call(client, ref)
			require.ErrorIs(t, err, mammoth.ErrForbidden)
			assert.Equal(t, 1, srv.RequestCount(route))
			assert.False(t, errors.Is(err, mammoth.ErrNotFound))
		})
	}
}
