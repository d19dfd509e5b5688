package mammoth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// DraftOperation is a command of the API's draft mode.
type DraftOperation string

// The draft operations the API accepts.
const (
	DraftEnter   DraftOperation = "enter"
	DraftSubmit  DraftOperation = "submit"
	DraftDiscard DraftOperation = "discard"
	DraftExit    DraftOperation = "exit"
)

// DraftCommand sends one draft operation and returns the draft mode the API
// answers with. None of them is idempotent: a command that may have reached
// the API is not repeated, and its failure is a [*PipelineCommandError]
// carrying the pipeline (and so the draft mode) as read afterwards.
// EnterDraft, SubmitDraft, DiscardDraft and ExitDraft are the usual ways in.
func (s *PipelinesService) DraftCommand(ctx context.Context, ref DataviewRef, op DraftOperation) (DraftMode, error) {
	return s.draftCommand(ctx, ref, "DraftCommand", op)
}

func (s *PipelinesService) draftCommand(ctx context.Context, ref DataviewRef, method string, op DraftOperation) (DraftMode, error) {
	if err := ref.validate(); err != nil {
		return "", err
	}
	switch op {
	case DraftEnter, DraftSubmit, DraftDiscard, DraftExit:
	default:
		return "", &ValidationError{Field: "op", Reason: fmt.Sprintf("%q is not a draft operation", op)}
	}
	var out struct {
		DraftMode DraftMode `json:"draft_mode"`
	}
	_, err := s.client.do(ctx, &request{
		op: method, method: http.MethodPost, path: ref.path() + "/draft-mode",
		body:        map[string]DraftOperation{"draft_operation": op},
		workspaceID: ref.WorkspaceID,
	}, &out)
	if err != nil {
		return "", s.commandError(ctx, ref, method, string(op), err)
	}
	if out.DraftMode == "" {
		out.DraftMode = DraftModeOff
	}
	return out.DraftMode, nil
}

// EnterDraft puts the dataview in draft mode and returns its mode
// ([DraftModeClean]). From then on its export changes are held until
// [PipelinesService.SubmitDraft] or [PipelinesService.DiscardDraft]; adds
// and deletes are answered with an [ExportChange] whose Pending is true.
//
// The API decides what entering a dataview already in draft does; the fake
// server refuses it with a 400. Check Pipeline.DraftMode first when another
// process may have left the dataview in draft.
func (s *PipelinesService) EnterDraft(ctx context.Context, ref DataviewRef) (DraftMode, error) {
	return s.draftCommand(ctx, ref, "EnterDraft", DraftEnter)
}

// ExitDraft leaves draft mode and returns the mode after it
// ([DraftModeOff]). SubmitDraft and DiscardDraft end with it; call it alone
// to finish one of them that failed after its first step.
func (s *PipelinesService) ExitDraft(ctx context.Context, ref DataviewRef) (DraftMode, error) {
	return s.draftCommand(ctx, ref, "ExitDraft", DraftExit)
}

// SubmitDraft applies the changes held in the dataview's draft, waits as
// [PipelinesService.WaitForPipeline] does until the pipeline has settled
// (exports included), then leaves draft mode. It returns the settled
// pipeline, its DraftMode set to the mode after leaving.
//
// A pipeline that settles in error still leaves draft mode (its changes are
// submitted) and is reported as a [*PipelineFailedError], whose Pipeline
// has the mode after leaving. When the wait
// itself fails (the context or opts.Timeout ran out, the pipeline could not
// be read), the dataview is left in draft mode with its changes submitted,
// and the error says so: wait again and call [PipelinesService.ExitDraft].
func (s *PipelinesService) SubmitDraft(ctx context.Context, ref DataviewRef, opts *WaitOptions) (*Pipeline, error) {
	if err := validateWaitOptions(opts); err != nil {
		return nil, err
	}
	if _, err := s.draftCommand(ctx, ref, "SubmitDraft", DraftSubmit); err != nil {
		return nil, err
	}
	p, waitErr := s.WaitForPipeline(ctx, ref, opts)
	var failed *PipelineFailedError
	switch {
	case errors.As(waitErr, &failed):
		p = failed.Pipeline
	case waitErr != nil:
		return nil, fmt.Errorf("mammoth: SubmitDraft: the changes were submitted, but waiting for the pipeline failed, so dataview %d is still in draft mode: %w", ref.DataviewID, waitErr)
	}
	mode, err := s.draftCommand(ctx, ref, "SubmitDraft", DraftExit)
	if err != nil {
		return nil, errors.Join(err, waitErr)
	}
	p.DraftMode = mode
	if waitErr != nil {
		return nil, waitErr
	}
	return p, nil
}

// DiscardDraft drops the changes held in the dataview's draft, leaves draft
// mode, and returns the mode after leaving ([DraftModeOff]). When the
// discard succeeds and leaving fails, the error is a
// [*PipelineCommandError] for "exit" whose After shows the draft, clean.
func (s *PipelinesService) DiscardDraft(ctx context.Context, ref DataviewRef) (DraftMode, error) {
	if _, err := s.draftCommand(ctx, ref, "DiscardDraft", DraftDiscard); err != nil {
		return "", err
	}
	return s.draftCommand(ctx, ref, "DiscardDraft", DraftExit)
}

// draftCleanupTimeout bounds the discard InDraft sends after fn failed, which
// runs even when ctx is done.
const draftCleanupTimeout = 30 * time.Second

// InDraft enters draft mode, runs fn, and then submits the draft (as
// [PipelinesService.SubmitDraft] does, waiting with opts) if fn returned
// nil, or discards it if fn returned an error.
//
// fn's error wins: it is returned, and errors.Is and errors.As find it; if
// the discard also failed, that failure is joined to it, so that a draft
// left open is not hidden. If fn panics, the draft is discarded and the
// panic goes on with its own value. The discard runs even when ctx is done,
// within 30 seconds, so that a cancelled caller does not leave the draft
// open. When entering fails, fn does not run. When the submit fails, the
// draft is not discarded (it may have been submitted, and fn's changes are
// not thrown away behind the caller's back): the error, a
// [*PipelineCommandError] for a failed submit or exit, says what state the
// dataview was left in.
func (s *PipelinesService) InDraft(ctx context.Context, ref DataviewRef, fn func(ctx context.Context) error, opts *WaitOptions) (err error) {
	if fn == nil {
		return &ValidationError{Field: "fn", Reason: "must not be nil"}
	}
	if err := validateWaitOptions(opts); err != nil {
		return err
	}
	if _, err := s.EnterDraft(ctx, ref); err != nil {
		return err
	}
	discard := func() error {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), draftCleanupTimeout)
		defer cancel()
		_, err := s.DiscardDraft(dctx, ref)
		return err
	}
	panicked := true
	defer func() {
		if panicked {
			_ = discard()
		}
	}()
	fnErr := fn(ctx)
	panicked = false
	if fnErr != nil {
		if derr := discard(); derr != nil {
			return errors.Join(fnErr, fmt.Errorf("mammoth: InDraft: discarding the draft: %w", derr))
		}
		return fnErr
	}
	_, err = s.SubmitDraft(ctx, ref, opts)
	return err
}
