package mammoth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// PipelinesService works with a dataview's pipeline as a whole: its state,
// runs, draft mode and commands on several exports at once. Get it from
// [Client].Pipelines.
//
// Draft mode holds changes to a dataview's exports (adds, edits, deletes)
// without applying them, until they are submitted or discarded. Whether a
// dataview is in draft mode is the API's state, read with
// [PipelinesService.GetPipeline] (Pipeline.DraftMode): the client keeps no
// flag of its own, so another process, or a crash between entering and
// submitting, cannot mislead it.
//
// Reading the pipeline is retried like any other read. Running it, the
// draft commands and the bulk commands that can start work are not
// idempotent: one that may have reached the API is never sent again, and
// its failure is a [*PipelineCommandError] that says so and carries the
// pipeline as read afterwards.
type PipelinesService service

// Format prints the service without its client's credentials.
func (s *PipelinesService) Format(f fmt.State, verb rune) { fmt.Fprint(f, "mammoth.PipelinesService") }

func pipelinePath(ref DataviewRef) string { return ref.path() + "/pipeline" }

// GetPipeline returns the dataview's pipeline: its state, what it is
// running, its draft mode and auto-run setting, and with [FieldsFull] its
// stats. A nil opts sends no query and gets the API's standard fields.
func (s *PipelinesService) GetPipeline(ctx context.Context, ref DataviewRef, opts *GetPipelineOptions) (*Pipeline, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return nil, err
	}
	p := new(Pipeline)
	if _, err := s.client.do(ctx, &request{
		op: "GetPipeline", method: http.MethodGet, path: pipelinePath(ref), query: q,
		workspaceID: ref.WorkspaceID, idempotent: true,
	}, p); err != nil {
		return nil, err
	}
	return p, nil
}

// rerunBody is always sent, as the API requires a body: {} reruns the
// whole pipeline.
type rerunBody struct {
	FromSequence *int `json:"from_sequence,omitempty"`
}

// RunPipeline reruns the dataview's pipeline, from opts.FromSequence or,
// when that is nil (or opts is), from step 0. The API answers with a job;
// the run itself goes on after the job ends, so wait for it with
// [PipelinesService.WaitForPipeline].
//
// A rerun is not idempotent: a request that may have reached the API is not
// repeated, and its failure is a [*PipelineCommandError].
func (s *PipelinesService) RunPipeline(ctx context.Context, ref DataviewRef, opts *RunPipelineOptions) (*Job, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	body := rerunBody{}
	if opts != nil && opts.FromSequence != nil {
		if *opts.FromSequence < 0 {
			return nil, &ValidationError{Field: "RunPipelineOptions.FromSequence", Reason: "must not be negative"}
		}
		body.FromSequence = opts.FromSequence
	}
	var raw json.RawMessage
	resp, err := s.client.do(ctx, &request{
		op: "RunPipeline", method: http.MethodPost, path: pipelinePath(ref) + "/rerun", body: body,
		workspaceID: ref.WorkspaceID,
	}, &raw)
	if err != nil {
		return nil, s.commandError(ctx, ref, "RunPipeline", "rerun", err)
	}
	job, err := decodeJob(raw)
	if err != nil {
		// The API acted on the rerun; say so as for any other failure.
		return nil, s.commandError(ctx, ref, "RunPipeline", "rerun", &DecodeError{Operation: "RunPipeline", StatusCode: resp.StatusCode, Err: err})
	}
	return job, nil
}

// WaitForPipeline polls the pipeline until it is [Pipeline.Settled], and
// returns it. A pipeline that settles in ref_error or runtime_error is a
// [*PipelineFailedError]. It polls on the schedule [JobsService.WaitForJob]
// uses, honours opts' timing fields and the context in the same way, and
// calls opts.OnPipelinePoll after each poll. A state the SDK does not know
// is taken as not settled yet.
func (s *PipelinesService) WaitForPipeline(ctx context.Context, ref DataviewRef, opts *WaitOptions) (*Pipeline, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if err := validateWaitOptions(opts); err != nil {
		return nil, err
	}
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	if opts != nil && opts.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, opts.Timeout)
		defer cancel()
	}
	sched := s.client.pollSchedule(opts)
	for {
		p, err := s.GetPipeline(ctx, ref, nil)
		if err != nil {
			return nil, err
		}
		if opts != nil && opts.OnPipelinePoll != nil {
			opts.OnPipelinePoll(p)
		}
		if p.Settled() {
			if p.Failed() {
				return nil, &PipelineFailedError{State: p.State, ExecutionState: p.ExecutionState, Pipeline: p}
			}
			return p, nil
		}
		if err := s.client.sleep(ctx, sched.next()); err != nil {
			return nil, fmt.Errorf("mammoth: waiting for the pipeline of dataview %d (last state %q, execution state %q): %w",
				ref.DataviewID, p.State, p.ExecutionState, err)
		}
	}
}

// pipelinePatch is the one patch a PATCH P/pipeline carries: the API
// accepts exactly one per request.
type pipelinePatch struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	Value any    `json:"value"`
}

type pipelinePatches struct {
	Patches [1]pipelinePatch `json:"patches"`
}

// bulkValue is the value of a bulk command: the exports it applies to.
type bulkValue struct {
	ExportIDs []int `json:"export_ids"`
}

// SuspendExports suspends several exports of the dataview in one request:
// suspended exports do not run until restored. Suspending is idempotent
// (suspending a suspended export changes nothing), so a failed request is
// retried like a read.
//
// The ids must be distinct and at least 1; nothing is sent otherwise. The
// answer lists each export and its new status in Exports.
func (s *PipelinesService) SuspendExports(ctx context.Context, ref DataviewRef, exportIDs []int) (*PipelineChange, error) {
	return s.bulk(ctx, ref, "SuspendExports", "suspend", exportIDs, true)
}

// RestoreExports restores several suspended exports of the dataview in one
// request. A restore can start the exports' work, so a request that may
// have reached the API is not repeated; its failure is a
// [*PipelineCommandError].
func (s *PipelinesService) RestoreExports(ctx context.Context, ref DataviewRef, exportIDs []int) (*PipelineChange, error) {
	return s.bulk(ctx, ref, "RestoreExports", "restore", exportIDs, false)
}

// DiscardExports removes several exports from the dataview's pipeline in
// one request. It is not repeated once it may have reached the API; its
// failure is a [*PipelineCommandError].
func (s *PipelinesService) DiscardExports(ctx context.Context, ref DataviewRef, exportIDs []int) (*PipelineChange, error) {
	return s.bulk(ctx, ref, "DiscardExports", "discard", exportIDs, false)
}

// bulk sends one bulk command. Every command on the pipeline goes out with
// op "command", as the API's own example does for its commands.
func (s *PipelinesService) bulk(ctx context.Context, ref DataviewRef, op, path string, ids []int, idempotent bool) (*PipelineChange, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, &ValidationError{Field: "exportIDs", Reason: "must not be empty"}
	}
	seen := make(map[int]bool, len(ids))
	for i, id := range ids {
		field := "exportIDs[" + strconv.Itoa(i) + "]"
		if id < 1 {
			return nil, &ValidationError{Field: field, Reason: "must be at least 1"}
		}
		if seen[id] {
			return nil, &ValidationError{Field: field, Reason: "repeats export " + strconv.Itoa(id)}
		}
		seen[id] = true
	}
	value := bulkValue{ExportIDs: append([]int(nil), ids...)}
	return s.patch(ctx, ref, op, path, value, idempotent)
}

// SetAutoRun turns the pipeline's auto-run on or off. Auto-run and draft
// mode are separate settings: turning auto-run off does not enter draft
// mode.
//
// Turning it off is idempotent and retried like a read. Turning it on can
// start the runs that waited for it, so a request that may have reached the
// API is not repeated, and its failure is a [*PipelineCommandError].
func (s *PipelinesService) SetAutoRun(ctx context.Context, ref DataviewRef, enabled bool) (*PipelineChange, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	return s.patch(ctx, ref, "SetAutoRun", "auto_run", enabled, !enabled)
}

func (s *PipelinesService) patch(ctx context.Context, ref DataviewRef, op, path string, value any, idempotent bool) (*PipelineChange, error) {
	var body pipelinePatches
	body.Patches[0] = pipelinePatch{Op: "command", Path: path, Value: value}
	var raw json.RawMessage
	resp, err := s.client.do(ctx, &request{
		op: op, method: http.MethodPatch, path: pipelinePath(ref), body: body,
		workspaceID: ref.WorkspaceID, idempotent: idempotent, allowEmpty: true,
	}, &raw)
	if err != nil {
		if idempotent {
			return nil, err
		}
		return nil, s.commandError(ctx, ref, op, path, err)
	}
	change, err := decodePipelineChange(op, resp, raw)
	if err != nil && !idempotent {
		return nil, s.commandError(ctx, ref, op, path, err)
	}
	return change, err
}

// PipelineCommandError reports a pipeline command (a run, a draft command,
// a bulk command) that failed. When MayHaveActed is true the API may have
// carried it out although no answer said so (the connection broke after
// the request was sent, or the server failed while handling it); the SDK
// does not repeat such a command, and After tells the caller what state the
// pipeline is in now, so that it can decide.
//
// errors.As also finds the underlying error, such as an [*APIError] or a
// [*TransportError].
type PipelineCommandError struct {
	// Op is the SDK method, such as "SubmitDraft".
	Op string
	// Command is what was sent: a draft operation ("enter", "submit",
	// "discard", "exit"), "rerun", or a pipeline patch path ("restore").
	Command string
	// MayHaveActed is false only when the failure proves the API did not
	// act: it refused the request, or the request never left the client.
	MayHaveActed bool
	// After is the pipeline as read right after the failure (its DraftMode
	// says whether the dataview is in draft mode), or nil when it could not
	// be read; AfterErr then says why. It is read even when the caller's
	// context is done, within 10 seconds: that is when it matters most.
	After    *Pipeline
	AfterErr error
	// Err is the failure.
	Err error
}

// Error says which command failed, whether it may have been carried out,
// and the draft mode read afterwards.
func (e *PipelineCommandError) Error() string {
	msg := "mammoth: " + e.Op + ": " + e.Command + " failed"
	if e.MayHaveActed {
		msg += " and may have been carried out (not repeated)"
	}
	msg += ": " + e.Err.Error()
	switch {
	case e.After != nil:
		mode := e.After.DraftMode
		if mode == "" {
			mode = DraftModeOff
		}
		msg += fmt.Sprintf("; afterwards draft mode is %s, state %q, execution state %q", mode, e.After.State, e.After.ExecutionState)
	case e.AfterErr != nil:
		msg += "; the pipeline could not be read afterwards: " + e.AfterErr.Error()
	}
	return msg
}

// Unwrap returns the failure.
func (e *PipelineCommandError) Unwrap() error { return e.Err }

// afterReadTimeout bounds the read of the pipeline's state after a failed
// command.
const afterReadTimeout = 10 * time.Second

// commandError wraps the failure of a command that is not idempotent,
// reading the pipeline's state afterwards. That read runs even when ctx is
// done (the caller needs it most then), within afterReadTimeout; a
// validation error, which sent nothing, is returned as is.
func (s *PipelinesService) commandError(ctx context.Context, ref DataviewRef, op, command string, err error) error {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return err
	}
	ce := &PipelineCommandError{Op: op, Command: command, MayHaveActed: mayHaveActed(err), Err: err}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), afterReadTimeout)
	defer cancel()
	ce.After, ce.AfterErr = s.GetPipeline(rctx, ref, nil)
	return ce
}
