package mammoth

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// draftServer answers POST draft-mode and GET pipeline like a server that
// keeps one draft, and logs each request as "METHOD path body".
type draftServer struct {
	mu       sync.Mutex
	mode     DraftMode
	log      []string
	pipeline []string // the answers to successive GET pipeline
	fail     map[DraftOperation]int
}

func (d *draftServer) mount(t *testing.T, f *fixture) {
	f.dataview("POST", "/draft-mode", func(w http.ResponseWriter, r *http.Request) {
		assertCredentials(t, r)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		body := readBody(t, r)
		d.mu.Lock()
		defer d.mu.Unlock()
		d.log = append(d.log, "POST draft-mode "+body)
		op := DraftOperation(strings.TrimSuffix(strings.TrimPrefix(body, `{"draft_operation":"`), `"}`))
		if st := d.fail[op]; st != 0 {
			writeJSON(w, st, `{"status_code":`+strconv.Itoa(st)+`,"detail":"no","extra":{}}`)
			return
		}
		switch op {
		case DraftEnter, DraftSubmit, DraftDiscard:
			d.mode = DraftModeClean
		case DraftExit:
			d.mode = DraftModeOff
		}
		writeJSON(w, 200, `{"draft_mode":"`+string(d.mode)+`"}`)
	})
	f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
		d.mu.Lock()
		defer d.mu.Unlock()
		d.log = append(d.log, "GET pipeline "+r.URL.RawQuery)
		answer := `{"state":"ready","execution_state":"idle","draft_mode":"` + string(d.mode) + `"}`
		if len(d.pipeline) > 0 {
			answer, d.pipeline = d.pipeline[0], d.pipeline[1:]
		}
		writeJSON(w, 200, answer)
	})
}

func (d *draftServer) requests() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.log...)
}

const (
	enterReq   = `POST draft-mode {"draft_operation":"enter"}`
	submitReq  = `POST draft-mode {"draft_operation":"submit"}`
	discardReq = `POST draft-mode {"draft_operation":"discard"}`
	exitReq    = `POST draft-mode {"draft_operation":"exit"}`
	pollReq    = `GET pipeline `
)

func TestEnterDraft_Wire(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeOff}
	d.mount(t, f)
	mode, err := f.client.Pipelines.EnterDraft(context.Background(), testRef)
	require.NoError(t, err)
	assert.Equal(t, DraftModeClean, mode)
	assert.Equal(t, []string{enterReq}, d.requests())
}

func TestSubmitDraft_SubmitsWaitsThenExits(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeDirty, pipeline: []string{
		`{"state":"staged","execution_state":"submitted","draft_mode":"clean"}`,
		`{"state":"ready","execution_state":"exports_running","draft_mode":"clean"}`,
	}}
	d.mount(t, f)
	var polled []PipelineExecutionState
	p, err := f.client.Pipelines.SubmitDraft(context.Background(), testRef, &WaitOptions{
		OnPipelinePoll: func(p *Pipeline) { polled = append(polled, p.ExecutionState) },
	})
	require.NoError(t, err)
	assert.Equal(t, []string{submitReq, pollReq, pollReq, pollReq, exitReq}, d.requests())
	assert.Equal(t, []PipelineExecutionState{"submitted", "exports_running", "idle"}, polled)
	assert.Equal(t, &Pipeline{State: PipelineStateReady, ExecutionState: PipelineExecutionIdle, DraftMode: DraftModeOff}, p)
}

func TestSubmitDraft_FailedPipelineStillExits(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeDirty, pipeline: []string{`{"state":"ready","execution_state":"runtime_error","draft_mode":"clean"}`}}
	d.mount(t, f)
	p, err := f.client.Pipelines.SubmitDraft(context.Background(), testRef, nil)
	var pf *PipelineFailedError
	require.ErrorAs(t, err, &pf)
	assert.Nil(t, p)
	assert.Equal(t, PipelineExecutionRuntimeError, pf.ExecutionState)
	assert.Equal(t, DraftModeOff, pf.Pipeline.DraftMode, "left draft mode")
	assert.Equal(t, []string{submitReq, pollReq, exitReq}, d.requests())
}

func TestSubmitDraft_WaitCancelledLeavesTheDraftAndSaysSo(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeDirty, pipeline: []string{`{"state":"modifying","execution_state":"running"}`}}
	d.mount(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	f.client.sleepFn = func(context.Context, time.Duration) error { cancel(); return ctx.Err() }
	_, err := f.client.Pipelines.SubmitDraft(ctx, testRef, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Contains(t, err.Error(), "the changes were submitted")
	assert.Contains(t, err.Error(), "still in draft mode")
	assert.Equal(t, []string{submitReq, pollReq}, d.requests(), "no exit while the pipeline runs")
}

func TestDiscardDraft_DiscardsThenExits(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeDirty}
	d.mount(t, f)
	mode, err := f.client.Pipelines.DiscardDraft(context.Background(), testRef)
	require.NoError(t, err)
	assert.Equal(t, DraftModeOff, mode)
	assert.Equal(t, []string{discardReq, exitReq}, d.requests())
}

func TestDraftCommands_AreNotRetriedWhenTheyMayHaveActed(t *testing.T) {
	t.Parallel()
	for _, status := range []int{500, 502, 504, 408} {
		for _, op := range []DraftOperation{DraftEnter, DraftSubmit, DraftDiscard, DraftExit} {
			t.Run(http.StatusText(status)+"/"+string(op), func(t *testing.T) {
				t.Parallel()
				f := setup(t)
				d := &draftServer{mode: DraftModeClean, fail: map[DraftOperation]int{op: status}}
				d.mount(t, f)
				_, err := f.client.Pipelines.DraftCommand(context.Background(), testRef, op)
				var ce *PipelineCommandError
				require.ErrorAs(t, err, &ce)
				assert.True(t, ce.MayHaveActed)
				assert.Equal(t, string(op), ce.Command)
				require.NotNil(t, ce.After, "the draft state is read afterwards")
				assert.Equal(t, DraftModeClean, ce.After.DraftMode)
				var ae *APIError
				require.ErrorAs(t, err, &ae, "the API's error is still there")
				assert.Equal(t, status, ae.StatusCode)
				assert.Equal(t, []string{`POST draft-mode {"draft_operation":"` + string(op) + `"}`, pollReq}, d.requests(), "sent once")
			})
		}
	}
}

func TestDraftCommands_RefusalsAreRetriedAndReportedAsNotActed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeOff, fail: map[DraftOperation]int{DraftSubmit: 400}}
	d.mount(t, f)
	_, err := f.client.Pipelines.SubmitDraft(context.Background(), testRef, nil)
	var ce *PipelineCommandError
	require.ErrorAs(t, err, &ce)
	assert.False(t, ce.MayHaveActed)
	assert.Equal(t, DraftModeOff, ce.After.DraftMode)
	assert.Contains(t, err.Error(), "afterwards draft mode is off")

	// 503 says the server did not act: retried like any request.
	f2 := setup(t)
	h, count := failing(2, 503, "", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"draft_mode":"clean"}`) })
	f2.dataview("POST", "/draft-mode", h)
	mode, err := f2.client.Pipelines.EnterDraft(context.Background(), testRef)
	require.NoError(t, err)
	assert.Equal(t, DraftModeClean, mode)
	assert.EqualValues(t, 3, count.Load())
}

func TestInDraft_SubmitsWhenFnSucceeds(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeOff}
	d.mount(t, f)
	err := f.client.Pipelines.InDraft(context.Background(), testRef, func(ctx context.Context) error {
		d.mu.Lock()
		d.log = append(d.log, "fn")
		d.mode = DraftModeDirty
		d.mu.Unlock()
		return nil
	}, nil)
	require.NoError(t, err)
	assert.Equal(t, []string{enterReq, "fn", submitReq, pollReq, exitReq}, d.requests())
}

func TestInDraft_DiscardsWhenFnFails(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeOff}
	d.mount(t, f)
	boom := errors.New("boom")
	err := f.client.Pipelines.InDraft(context.Background(), testRef, func(ctx context.Context) error { return boom }, nil)
	assert.Same(t, boom, err, "fn's error is returned as is")
	assert.Equal(t, []string{enterReq, discardReq, exitReq}, d.requests())
}

func TestInDraft_DiscardFailureIsJoinedToFnsError(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeOff, fail: map[DraftOperation]int{DraftDiscard: 400}}
	d.mount(t, f)
	boom := errors.New("boom")
	err := f.client.Pipelines.InDraft(context.Background(), testRef, func(ctx context.Context) error { return boom }, nil)
	require.ErrorIs(t, err, boom)
	var ce *PipelineCommandError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, "discard", ce.Command)
	assert.True(t, strings.HasPrefix(err.Error(), "boom\n"), err.Error())
}

func TestInDraft_DiscardsEvenWhenTheContextIsCancelled(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeOff}
	d.mount(t, f)
	ctx, cancel := context.WithCancel(context.Background())
	err := f.client.Pipelines.InDraft(ctx, testRef, func(ctx context.Context) error {
		cancel()
		return ctx.Err()
	}, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, []string{enterReq, discardReq, exitReq}, d.requests())
}

func TestInDraft_PanicDiscardsAndPanicsOn(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeOff}
	d.mount(t, f)
	assert.PanicsWithValue(t, "kaboom", func() {
		_ = f.client.Pipelines.InDraft(context.Background(), testRef, func(ctx context.Context) error { panic("kaboom") }, nil)
	})
	assert.Equal(t, []string{enterReq, discardReq, exitReq}, d.requests())
}

func TestInDraft_EnterFailureRunsNothing(t *testing.T) {
	t.Parallel()
	f := setup(t)
	d := &draftServer{mode: DraftModeClean, fail: map[DraftOperation]int{DraftEnter: 400}}
	d.mount(t, f)
	ran := false
	err := f.client.Pipelines.InDraft(context.Background(), testRef, func(ctx context.Context) error { ran = true; return nil }, nil)
	var ce *PipelineCommandError
	require.ErrorAs(t, err, &ce)
	assert.False(t, ran)
	assert.Equal(t, DraftModeClean, ce.After.DraftMode, "the caller learns a draft is already open")
}

func TestRunPipeline_NotRetriedWhenItMayHaveActed(t *testing.T) {
	t.Parallel()
	f := setup(t)
	h, count := failing(5, 502, "", okJob)
	f.dataview("POST", "/pipeline/rerun", h)
	f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"state":"staged","execution_state":"submitted","draft_mode":"off"}`)
	})
	_, err := f.client.Pipelines.RunPipeline(context.Background(), testRef, nil)
	var ce *PipelineCommandError
	require.ErrorAs(t, err, &ce)
	assert.EqualValues(t, 1, count.Load())
	assert.True(t, ce.MayHaveActed)
	assert.Equal(t, PipelineExecutionSubmitted, ce.After.ExecutionState, "the caller can see the run started")
}

func TestBulkCommands_RetryRules(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		call      func(*PipelinesService) error
		attempts  int64
		wantCmdEr bool
	}{
		{"suspend is idempotent", func(s *PipelinesService) error {
			_, err := s.SuspendExports(context.Background(), testRef, []int{1})
			return err
		}, 3, false},
		{"auto-run off is idempotent", func(s *PipelinesService) error {
			_, err := s.SetAutoRun(context.Background(), testRef, false)
			return err
		}, 3, false},
		{"auto-run on is not", func(s *PipelinesService) error {
			_, err := s.SetAutoRun(context.Background(), testRef, true)
			return err
		}, 1, true},
		{"restore is not", func(s *PipelinesService) error {
			_, err := s.RestoreExports(context.Background(), testRef, []int{1})
			return err
		}, 1, true},
		{"discard is not", func(s *PipelinesService) error {
			_, err := s.DiscardExports(context.Background(), testRef, []int{1})
			return err
		}, 1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			h, count := failing(2, 502, "", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `null`) })
			f.dataview("PATCH", "/pipeline", h)
			f.dataview("GET", "/pipeline", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
			err := tt.call(f.client.Pipelines)
			assert.Equal(t, tt.attempts, count.Load())
			var ce *PipelineCommandError
			assert.Equal(t, tt.wantCmdEr, errors.As(err, &ce))
			if !tt.wantCmdEr {
				assert.NoError(t, err)
			}
		})
	}
}
