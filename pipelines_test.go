package mammoth

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wire records the one request a test handler received.
type wire struct {
	method, path, query, body, contentType string
}

func record(t *testing.T, got *wire, status int, answer string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		assertCredentials(t, r)
		assert.Equal(t, "4", r.Header.Get("X-WORKSPACE-ID"))
		*got = wire{r.Method, r.URL.Path, r.URL.RawQuery, readBody(t, r), r.Header.Get("Content-Type")}
		if answer == "" {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, answer)
	}
}

func TestGetPipeline_SendsFieldsAndDecodesEveryField(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var got wire
	f.dataview("GET", "/pipeline", record(t, &got, 200, `{"state":"modified","execution_state":"exports_running",
		"executing_task_id":7158,"staged_task_ids":[2241,2242],"draft_mode":"dirty","auto_run":"True",
		"stats":{"last_run_by":"user_12","last_run_at":"2024-08-28T13:10:56.826201Z","last_modified_by":null,
		"last_modified_at":"2024-10-29T13:11:44.926101Z","state_changed_at":null,"exports_execution_timestamp":"x",
		"task_stats":[{"task_id":3,"execution_stats":{"current":null,"previous":null}}],
		"export_stats":[{"export_id":6400,"execution_stats":{"current":null,"previous":{"start_time":"2025-10-19T14:17:07.810308+00:00Z","end_time":null}}}]}}`))
	p, err := f.client.Pipelines.GetPipeline(context.Background(), testRef, &GetPipelineOptions{Fields: FieldsFull})
	require.NoError(t, err)
	assert.Equal(t, wire{"GET", testDataviewPath + "/pipeline", "fields=__full", "", ""}, got)
	assert.Equal(t, &Pipeline{
		State: PipelineStateModified, ExecutionState: PipelineExecutionExportsRunning,
		ExecutingTaskID: Ptr(7158), StagedTaskIDs: []int{2241, 2242}, DraftMode: DraftModeDirty, AutoRun: Ptr(true),
		Stats: &PipelineStats{
			LastRunBy: Ptr("user_12"), LastRunAt: Ptr("2024-08-28T13:10:56.826201Z"),
			LastModifiedAt: Ptr("2024-10-29T13:11:44.926101Z"), ExportsExecutionTimestamp: Ptr("x"),
			TaskStats: []PipelineTaskStats{{TaskID: 3}},
			ExportStats: []PipelineExportStats{{ExportID: 6400, ExecutionStats: PipelineItemTiming{
				Previous: &PipelineItemRun{StartTime: Ptr("2025-10-19T14:17:07.810308+00:00Z")}}}},
		},
	}, p)
}

func TestGetPipeline_NilOptionsSendNoQuery(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var got wire
	f.dataview("GET", "/pipeline", record(t, &got, 200, `{}`))
	p, err := f.client.Pipelines.GetPipeline(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.Equal(t, "", got.query)
	assert.Equal(t, &Pipeline{}, p)
	assert.False(t, p.DraftMode.Active(), "an absent draft_mode is off")
}

func TestGetPipeline_AutoRunForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		want    *bool
		wantErr bool
	}{
		{`{"auto_run":true}`, Ptr(true), false},
		{`{"auto_run":false}`, Ptr(false), false},
		{`{"auto_run":"True"}`, Ptr(true), false},
		{`{"auto_run":"False"}`, Ptr(false), false},
		{`{"auto_run":"false"}`, Ptr(false), false},
		{`{"auto_run":null}`, nil, false},
		{`{}`, nil, false},
		{`{"auto_run":"maybe"}`, nil, true},
		{`{"auto_run":1}`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.body, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, tt.body) })
			p, err := f.client.Pipelines.GetPipeline(context.Background(), testRef, nil)
			if tt.wantErr {
				var de *DecodeError
				require.ErrorAs(t, err, &de)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.AutoRun)
		})
	}
}

func TestGetPipeline_DraftModeForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		want    DraftMode
		wantErr bool
	}{
		{`{"draft_mode":"dirty"}`, DraftModeDirty, false},
		{`{"draft_mode":"someday"}`, "someday", false},
		{`{"draft_mode":null}`, "", false},
		{`{"draft_mode":{"active":true}}`, DraftModeClean, false},
		{`{"draft_mode":{"is_draft":false}}`, DraftModeOff, false},
		{`{"draft":{"active":true}}`, DraftModeClean, false},
		{`{"is_draft":true}`, DraftModeClean, false},
		{`{"in_draft_mode":false}`, DraftModeOff, false},
		{`{"draft_mode":"clean","is_draft":false}`, DraftModeClean, false},
		{`{"draft_mode":true}`, DraftModeClean, false},
		{`{"draft_mode":3}`, "", true},
		{`{"draft_mode":[]}`, "", true},
	}
	for _, tt := range tests {
		var p Pipeline
		err := json.Unmarshal([]byte(tt.body), &p)
		if tt.wantErr {
			assert.Error(t, err, tt.body)
			continue
		}
		require.NoError(t, err, tt.body)
		assert.Equal(t, tt.want, p.DraftMode, tt.body)
	}
}

func TestGetPipeline_NullsAndUnknownValuesDecode(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"state":null,"execution_state":"paused","executing_task_id":null,"staged_task_ids":null,"draft_mode":null,"stats":null}`)
	})
	p, err := f.client.Pipelines.GetPipeline(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.Equal(t, &Pipeline{ExecutionState: "paused"}, p)
	assert.False(t, p.ExecutionState.IsKnown())
	assert.False(t, p.Settled(), "an unknown execution state is not settled")
}

func TestGetPipeline_RetriesLikeARead(t *testing.T) {
	t.Parallel()
	f := setup(t)
	h, count := failing(2, 502, "", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"state":"ready"}`) })
	f.dataview("GET", "/pipeline", h)
	_, err := f.client.Pipelines.GetPipeline(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 3, count.Load())
}

func TestPipelines_BadArgumentsSendNothing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx := context.Background()
	ps := f.client.Pipelines
	bad := DataviewRef{WorkspaceID: 1, ProjectID: 1, DataviewID: 0}
	calls := map[string]func() error{
		"GetPipeline":     func() error { _, err := ps.GetPipeline(ctx, bad, nil); return err },
		"RunPipeline ref": func() error { _, err := ps.RunPipeline(ctx, bad, nil); return err },
		"RunPipeline negative": func() error {
			_, err := ps.RunPipeline(ctx, testRef, &RunPipelineOptions{FromSequence: Ptr(-1)})
			return err
		},
		"WaitForPipeline":     func() error { _, err := ps.WaitForPipeline(ctx, testRef, &WaitOptions{PollInterval: -1}); return err },
		"EnterDraft":          func() error { _, err := ps.EnterDraft(ctx, bad); return err },
		"DraftCommand":        func() error { _, err := ps.DraftCommand(ctx, testRef, "commit"); return err },
		"SubmitDraft":         func() error { _, err := ps.SubmitDraft(ctx, testRef, &WaitOptions{Timeout: -1}); return err },
		"DiscardDraft":        func() error { _, err := ps.DiscardDraft(ctx, bad); return err },
		"InDraft nil fn":      func() error { return ps.InDraft(ctx, testRef, nil, nil) },
		"Suspend empty":       func() error { _, err := ps.SuspendExports(ctx, testRef, nil); return err },
		"Restore zero id":     func() error { _, err := ps.RestoreExports(ctx, testRef, []int{3, 0}); return err },
		"Discard repeated id": func() error { _, err := ps.DiscardExports(ctx, testRef, []int{3, 4, 3}); return err },
		"SetAutoRun":          func() error { _, err := ps.SetAutoRun(ctx, bad, true); return err },
		"ListItems limit":     func() error { _, err := ps.ListItems(ctx, testRef, &ListItemsOptions{Limit: Ptr(101)}); return err },
		"ListItems offset":    func() error { _, err := ps.ListItems(ctx, testRef, &ListItemsOptions{Offset: -1}); return err },
		"ListItems sequence":  func() error { _, err := ps.ListItems(ctx, testRef, &ListItemsOptions{Sequence: Ptr(-2)}); return err },
	}
	for name, call := range calls {
		var ve *ValidationError
		assert.ErrorAs(t, call(), &ve, name)
	}
	assert.Zero(t, f.requests.Load())
}

func TestRunPipeline_AlwaysSendsABody(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts *RunPipelineOptions
		body string
	}{
		{"nil options", nil, `{}`},
		{"no sequence", &RunPipelineOptions{}, `{}`},
		{"from 0", &RunPipelineOptions{FromSequence: Ptr(0)}, `{"from_sequence":0}`},
		{"from 3", &RunPipelineOptions{FromSequence: Ptr(3)}, `{"from_sequence":3}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var got wire
			f.dataview("POST", "/pipeline/rerun", record(t, &got, 202, `{"job":{"id":77,"status":"processing"}}`))
			job, err := f.client.Pipelines.RunPipeline(context.Background(), testRef, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, wire{"POST", testDataviewPath + "/pipeline/rerun", "", tt.body, "application/json"}, got)
			assert.Equal(t, &Job{ID: 77, Status: JobStatusProcessing}, job)
		})
	}
}

func TestRunPipeline_AnswerWithoutJobIsADecodeError(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("POST", "/pipeline/rerun", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 202, `{"trigger_id":1}`) })
	_, err := f.client.Pipelines.RunPipeline(context.Background(), testRef, nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, "RunPipeline", de.Operation)
}

func TestSettled_EveryStatePair(t *testing.T) {
	t.Parallel()
	states := append([]PipelineState{""}, PipelineState("").Values()...)
	execs := append([]PipelineExecutionState{""}, PipelineExecutionState("").Values()...)
	require.Len(t, states, 7)
	require.Len(t, execs, 7)
	for _, st := range states {
		for _, ex := range execs {
			p := &Pipeline{State: st, ExecutionState: ex}
			wantSettled := (st == PipelineStateReady || st == PipelineStateRefError) &&
				(ex == PipelineExecutionIdle || ex == PipelineExecutionRuntimeError || ex == "")
			assert.Equal(t, wantSettled, p.Settled(), "%q/%q", st, ex)
			assert.Equal(t, wantSettled && (st == PipelineStateRefError || ex == PipelineExecutionRuntimeError), p.Failed(), "%q/%q", st, ex)
		}
	}
	assert.False(t, (*Pipeline)(nil).Settled())
}

func TestWaitForPipeline_EveryStatePair(t *testing.T) {
	t.Parallel()
	states := append(PipelineState("").Values(), "")
	execs := append(PipelineExecutionState("").Values(), "")
	for _, st := range states {
		for _, ex := range execs {
			t.Run(string(st)+"/"+string(ex), func(t *testing.T) {
				t.Parallel()
				f := setup(t)
				var polls atomic.Int64
				// The first poll sees the pair; later ones a plain ready/idle.
				f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
					if polls.Add(1) == 1 {
						writeJSON(w, 200, mustJSON(t, map[string]any{"state": nullIfEmpty(string(st)), "execution_state": nullIfEmpty(string(ex))}))
						return
					}
					writeJSON(w, 200, `{"state":"ready","execution_state":"idle"}`)
				})
				var seen []Pipeline
				p, err := f.client.Pipelines.WaitForPipeline(context.Background(), testRef, &WaitOptions{
					OnPipelinePoll: func(p *Pipeline) { seen = append(seen, *p) },
				})
				settled := (st == PipelineStateReady || st == PipelineStateRefError) &&
					(ex == PipelineExecutionIdle || ex == PipelineExecutionRuntimeError || ex == "")
				failed := settled && (st == PipelineStateRefError || ex == PipelineExecutionRuntimeError)
				switch {
				case failed:
					var pf *PipelineFailedError
					require.ErrorAs(t, err, &pf)
					assert.Equal(t, st, pf.State)
					assert.Equal(t, ex, pf.ExecutionState)
					assert.Equal(t, &Pipeline{State: st, ExecutionState: ex}, pf.Pipeline)
					assert.EqualValues(t, 1, polls.Load())
				case settled:
					require.NoError(t, err)
					assert.Equal(t, &Pipeline{State: st, ExecutionState: ex}, p)
					assert.EqualValues(t, 1, polls.Load())
				default:
					require.NoError(t, err)
					assert.Equal(t, PipelineStateReady, p.State)
					assert.EqualValues(t, 2, polls.Load(), "a pair that is not settled is polled again")
					assert.Equal(t, []time.Duration{defaultPollInterval}, f.waits())
				}
				assert.Len(t, seen, int(polls.Load()), "OnPipelinePoll sees every poll")
			})
		}
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func TestWaitForPipeline_SameScheduleAsWaitForJob(t *testing.T) {
	t.Parallel()
	const polls = 60
	for _, opts := range []*WaitOptions{nil, {PollInterval: time.Second, MaxPollInterval: 3 * time.Second}} {
		f := setup(t, WithPollInterval(50*time.Millisecond))
		var pipelinePolls, jobPolls atomic.Int64
		f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
			if pipelinePolls.Add(1) < polls {
				writeJSON(w, 200, `{"state":"ready","execution_state":"exports_running"}`)
				return
			}
			writeJSON(w, 200, `{"state":"ready","execution_state":"idle"}`)
		})
		f.handle("GET", "/jobs/9", func(w http.ResponseWriter, r *http.Request) {
			if jobPolls.Add(1) < polls {
				writeJSON(w, 200, `{"job":{"id":9,"status":"processing"}}`)
				return
			}
			writeJSON(w, 200, `{"job":{"id":9,"status":"success"}}`)
		})
		_, err := f.client.Pipelines.WaitForPipeline(context.Background(), testRef, opts)
		require.NoError(t, err)
		pipelineWaits := f.waits()
		require.Len(t, pipelineWaits, polls-1)
		_, err = f.client.Jobs.WaitForJob(context.Background(), 9, opts)
		require.NoError(t, err)
		assert.Equal(t, pipelineWaits, f.waits()[polls-1:], "the same schedule as WaitForJob")
	}
}

func TestWaitForPipeline_ContextAndTimeout(t *testing.T) {
	t.Parallel()
	// A context that ends stops the wait with its error.
	f2 := setup(t)
	f2.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"state":"modifying","execution_state":"running"}`)
	})
	ctx, cancel := context.WithCancel(context.Background())
	f2.client.sleepFn = func(context.Context, time.Duration) error { cancel(); return ctx.Err() }
	_, err := f2.client.Pipelines.WaitForPipeline(ctx, testRef, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), `last state "modifying", execution state "running"`)

	// Timeout bounds the whole wait, with real sleeps.
	f3 := setup(t)
	f3.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"state":"modifying","execution_state":"running"}`)
	})
	f3.client.sleepFn = nil
	_, err = f3.client.Pipelines.WaitForPipeline(context.Background(), testRef, &WaitOptions{PollInterval: time.Millisecond, Timeout: 50 * time.Millisecond})
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestWaitForPipeline_ReadErrorStopsTheWait(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 404, `{"status_code":404,"detail":"Not Found","extra":{}}`)
	})
	_, err := f.client.Pipelines.WaitForPipeline(context.Background(), testRef, nil)
	require.ErrorIs(t, err, ErrNotFound)
}

func TestBulkCommands_OnePatchPerCall(t *testing.T) {
	t.Parallel()
	calls := []struct {
		path string
		call func(*PipelinesService, []int) (*PipelineChange, error)
	}{
		{"suspend", func(s *PipelinesService, ids []int) (*PipelineChange, error) {
			return s.SuspendExports(context.Background(), testRef, ids)
		}},
		{"restore", func(s *PipelinesService, ids []int) (*PipelineChange, error) {
			return s.RestoreExports(context.Background(), testRef, ids)
		}},
		{"discard", func(s *PipelinesService, ids []int) (*PipelineChange, error) {
			return s.DiscardExports(context.Background(), testRef, ids)
		}},
	}
	for _, c := range calls {
		t.Run(c.path, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var got wire
			f.dataview("PATCH", "/pipeline", record(t, &got, 200,
				`[{"trigger_id":3,"status":"suspended","future_id":null},{"trigger_id":7,"status":"suspended","future_id":9}]`))
			ids := []int{3, 7}
			change, err := c.call(f.client.Pipelines, ids)
			require.NoError(t, err)
			assert.Equal(t, wire{"PATCH", testDataviewPath + "/pipeline", "",
				`{"patches":[{"op":"command","path":"` + c.path + `","value":{"export_ids":[3,7]}}]}`, "application/json"}, got)
			assert.Equal(t, &PipelineChange{Exports: []PipelineExportsModificationResp{
				{TriggerID: 3, Status: ExportStatusSuspended}, {TriggerID: 7, Status: ExportStatusSuspended, FutureID: Ptr(9)},
			}}, change)
			assert.EqualValues(t, 1, f.requests.Load())
			_, ok := change.JobID()
			assert.False(t, ok, "two exports, no single job")
		})
	}
}

func TestBulkCommands_ManyIDsStillOneRequest(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var got wire
	f.dataview("PATCH", "/pipeline", record(t, &got, 200, `[]`))
	ids := make([]int, 500)
	for i := range ids {
		ids[i] = i + 1
	}
	_, err := f.client.Pipelines.SuspendExports(context.Background(), testRef, ids)
	require.NoError(t, err)
	assert.EqualValues(t, 1, f.requests.Load())
	assert.Contains(t, got.body, `"export_ids":[1,2,3,`)
}

func TestPipelineChange_AnswerShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		body    string
		want    *PipelineChange
		wantErr string
		jobID   int
	}{
		{name: "array", status: 200, body: `[{"trigger_id":2,"status":"added","future_id":null}]`,
			want: &PipelineChange{Exports: []PipelineExportsModificationResp{{TriggerID: 2, Status: ExportStatusAdded}}}},
		{name: "empty array", status: 200, body: `[]`, want: &PipelineChange{Exports: []PipelineExportsModificationResp{}}},
		{name: "null", status: 200, body: `null`, want: &PipelineChange{}},
		{name: "no body", status: 200, body: ``, want: &PipelineChange{}},
		{name: "204", status: 204, body: ``, want: &PipelineChange{}},
		{name: "modification", status: 200,
			body: `{"type_of_modification":"trigger_pending_chained_updates","status":"done","has_error":false,"error_code":null,"error_info":{"a":1},"future_id":12,"param":null}`,
			want: &PipelineChange{Modification: &PipelineModificationResp{TypeOfModification: "trigger_pending_chained_updates",
				Status: "done", HasError: Ptr(false), ErrorInfo: map[string]any{"a": float64(1)}, FutureID: Ptr(12)}}, jobID: 12},
		{name: "auto run", status: 200, body: `{"auto_run":false}`, want: &PipelineChange{AutoRun: Ptr(false)}},
		{name: "auto run string", status: 200, body: `{"auto_run":"True"}`, want: &PipelineChange{AutoRun: Ptr(true)}},
		{name: "single export object", status: 200, body: `{"trigger_id":5,"status":"suspended","future_id":8}`,
			want: &PipelineChange{Exports: []PipelineExportsModificationResp{{TriggerID: 5, Status: ExportStatusSuspended, FutureID: Ptr(8)}}}, jobID: 8},
		{name: "202 job", status: 202, body: `{"job":{"id":44,"status":"processing"}}`,
			want: &PipelineChange{Job: &Job{ID: 44, Status: JobStatusProcessing}}, jobID: 44},
		{name: "other object", status: 200, body: `{"something":1}`, want: &PipelineChange{}},
		{name: "202 without job", status: 202, body: `{"auto_run":true}`, wantErr: `202 response has no "job"`},
		{name: "202 list", status: 202, body: `[{"trigger_id":1}]`, wantErr: `202 response is a list`},
		{name: "malformed array", status: 200, body: `[{"trigger_id":"x"}]`, wantErr: "decoding 200 response"},
		{name: "bad auto run", status: 200, body: `{"auto_run":"sometimes"}`, wantErr: "auto_run"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("PATCH", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
				if tt.body == "" {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, tt.body)
			})
			f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
			ps := f.client.Pipelines
			for name, call := range map[string]func() (*PipelineChange, error){
				"SetAutoRun":     func() (*PipelineChange, error) { return ps.SetAutoRun(context.Background(), testRef, true) },
				"SuspendExports": func() (*PipelineChange, error) { return ps.SuspendExports(context.Background(), testRef, []int{1}) },
				"RestoreExports": func() (*PipelineChange, error) { return ps.RestoreExports(context.Background(), testRef, []int{1}) },
				"DiscardExports": func() (*PipelineChange, error) { return ps.DiscardExports(context.Background(), testRef, []int{1}) },
			} {
				change, err := call()
				if tt.wantErr != "" {
					var de *DecodeError
					require.ErrorAs(t, err, &de, name)
					assert.Contains(t, err.Error(), tt.wantErr, name)
					continue
				}
				require.NoError(t, err, name)
				assert.Equal(t, tt.want, change, name)
				id, ok := change.JobID()
				assert.Equal(t, tt.jobID != 0, ok, name)
				assert.Equal(t, tt.jobID, id, name)
			}
		})
	}
}

func TestSetAutoRun_Body(t *testing.T) {
	t.Parallel()
	for _, enabled := range []bool{true, false} {
		f := setup(t)
		var got wire
		f.dataview("PATCH", "/pipeline", record(t, &got, 200, `{"auto_run":`+map[bool]string{true: "true", false: "false"}[enabled]+`}`))
		change, err := f.client.Pipelines.SetAutoRun(context.Background(), testRef, enabled)
		require.NoError(t, err)
		assert.Equal(t, Ptr(enabled), change.AutoRun)
		want := `{"patches":[{"op":"command","path":"auto_run","value":false}]}`
		if enabled {
			want = `{"patches":[{"op":"command","path":"auto_run","value":true}]}`
		}
		assert.Equal(t, want, got.body)
	}
}

func TestPipelineCommandError_Message(t *testing.T) {
	t.Parallel()
	err := &PipelineCommandError{Op: "SubmitDraft", Command: "submit", MayHaveActed: true,
		Err: errors.New("connection reset"), After: &Pipeline{DraftMode: DraftModeClean, State: PipelineStateStaged}}
	assert.Equal(t, `mammoth: SubmitDraft: submit failed and may have been carried out (not repeated): connection reset; afterwards draft mode is clean, state "staged", execution state ""`, err.Error())
	err = &PipelineCommandError{Op: "EnterDraft", Command: "enter", Err: errors.New("400"), AfterErr: errors.New("503")}
	assert.Equal(t, `mammoth: EnterDraft: enter failed: 400; the pipeline could not be read afterwards: 503`, err.Error())
}

func TestRunPipeline_MalformedAnswerSaysTheRunMayHaveStarted(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("POST", "/pipeline/rerun", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 202, `{"job":{"id":"x"}}`) })
	f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"state":"staged","execution_state":"submitted"}`)
	})
	_, err := f.client.Pipelines.RunPipeline(context.Background(), testRef, nil)
	var ce *PipelineCommandError
	require.ErrorAs(t, err, &ce)
	assert.True(t, ce.MayHaveActed)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
	assert.Equal(t, PipelineExecutionSubmitted, ce.After.ExecutionState)
}
