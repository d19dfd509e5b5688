package mammoth

import (
	"context"
	"errors"
	"fmt"
	"strconv"
)

// ApplyOptions tunes [ExportsService.Apply].
type ApplyOptions struct {
	// Draft makes every change inside one draft of the pipeline and submits
	// the draft at the end, so that the pipeline changes all at once; on
	// the first failure the draft is discarded instead and the pipeline is
	// left as it was. See [PipelinesService.InDraft].
	Draft bool
	// Wait, when set, waits for the job of each change before the next one
	// and, once every change is made, for the pipeline to settle, with
	// these timings. A job that fails stops the apply. Nil does not wait.
	Wait *WaitOptions
	// OnChange, when set, is called after each change is made or has
	// failed, on the goroutine that called Apply: for progress reports.
	OnChange func(AppliedChange)
	// MaxReplans bounds how often Apply reads the pipeline again after a
	// failure whose outcome is unknown; 0 means 3, a negative value never.
	MaxReplans int
}

// ApplyResult is what [ExportsService.Apply] did.
type ApplyResult struct {
	// Applied lists the changes made or attempted, in the order they were
	// made.
	Applied []AppliedChange
	// Replans counts how often the pipeline was read again after a
	// failure whose outcome was unknown.
	Replans int
}

// AppliedChange is one change [ExportsService.Apply] made or attempted.
type AppliedChange struct {
	PlannedChange
	// Result is the API's answer to the change, when it gave one.
	Result *ExportChange
	// Job is the change's job as it ended, when [ApplyOptions].Wait was
	// set and the change had a job.
	Job *Job
	// Err is why the change failed; nil when it was made.
	Err error
	// Unknown is true when the change failed in a way that leaves its
	// outcome unknown: it may or may not have taken effect.
	Unknown bool
}

// Apply carries out a plan made by [ExportsService.Plan]: it edits the
// exports that differ in place (a replace of their params, so they keep
// their ids), adds the missing ones and, when the plan prunes, deletes the
// others, in the plan's order, reporting each change through
// opts.OnChange as it happens.
//
// Apply converges. When a change fails in a way that leaves its outcome
// unknown (an add whose answer was lost: a 5xx, a reset after the request
// was sent, an answer cut short), Apply never repeats it blindly: it reads
// the pipeline again, plans what is left against the same desired exports,
// and carries on with that. A failure whose outcome is known (the API
// refused the change) stops the apply with the error. Running Plan and
// Apply again after any failure therefore reaches the desired state without
// adding any export twice.
//
// With opts.Draft the changes are made inside one draft, which is submitted
// at the end; the first failure discards the draft, so the pipeline changes
// all at once or not at all, and nothing is replanned inside the draft.
//
// The returned result lists what was done also when the error is not nil.
func (s *ExportsService) Apply(ctx context.Context, ref DataviewRef, plan *ExportsPlan, opts *ApplyOptions) (*ApplyResult, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if plan == nil {
		return nil, &ValidationError{Field: "plan", Reason: "must not be nil"}
	}
	if plan.Ref != ref {
		return nil, &ValidationError{Field: "plan", Reason: "was made for another dataview"}
	}
	var o ApplyOptions
	if opts != nil {
		o = *opts
	}
	maxReplans := o.MaxReplans
	switch {
	case maxReplans == 0:
		maxReplans = 3
	case maxReplans < 0:
		maxReplans = 0
	}
	a := &applier{s: s, ref: ref, opts: o, result: &ApplyResult{}}
	if o.Draft {
		return a.result, a.inDraft(ctx, plan)
	}
	for {
		err := a.run(ctx, plan)
		var unknown *unknownOutcomeError
		if !errors.As(err, &unknown) {
			if err == nil && o.Wait != nil && a.made > 0 {
				_, err = s.client.Pipelines.WaitForPipeline(ctx, ref, o.Wait)
			}
			return a.result, err
		}
		if a.result.Replans >= maxReplans || !plan.planned || ctx.Err() != nil {
			return a.result, unknown.err
		}
		a.result.Replans++
		if plan, err = s.Plan(ctx, ref, plan.desired, &plan.opts); err != nil {
			return a.result, fmt.Errorf("mammoth: Apply: reading the pipeline again after %w: %w", unknown.err, err)
		}
	}
}

// applier carries out one Apply call.
type applier struct {
	s      *ExportsService
	ref    DataviewRef
	opts   ApplyOptions
	result *ApplyResult
	made   int // changes made, for the final pipeline wait
}

// unknownOutcomeError marks a failed change that may have taken effect.
type unknownOutcomeError struct{ err error }

func (e *unknownOutcomeError) Error() string { return e.err.Error() }
func (e *unknownOutcomeError) Unwrap() error { return e.err }

// run makes the plan's changes in order, stopping at the first failure.
func (a *applier) run(ctx context.Context, plan *ExportsPlan) error {
	for _, c := range plan.Changes {
		switch c.Action {
		case PlanAdd, PlanChange, PlanDelete:
		default:
			continue
		}
		if err := a.apply(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// inDraft makes the plan's changes inside one draft of the pipeline.
func (a *applier) inDraft(ctx context.Context, plan *ExportsPlan) error {
	return a.s.client.Pipelines.InDraft(ctx, a.ref, func(ctx context.Context) error {
		err := a.run(ctx, plan)
		var unknown *unknownOutcomeError
		if errors.As(err, &unknown) {
			return unknown.err
		}
		return err
	}, a.opts.Wait)
}

// apply makes one change and reports it.
func (a *applier) apply(ctx context.Context, c PlannedChange) error {
	ac := AppliedChange{PlannedChange: c}
	ac.Result, ac.Err = a.send(ctx, c)
	if ac.Err == nil {
		a.made++
		if a.opts.Wait != nil {
			if id, ok := ac.Result.JobID(); ok {
				ac.Job, ac.Err = a.s.client.Jobs.WaitForJob(ctx, id, a.opts.Wait)
			}
		}
	} else {
		ac.Unknown = mayHaveActed(ac.Err)
	}
	a.result.Applied = append(a.result.Applied, ac)
	if a.opts.OnChange != nil {
		a.opts.OnChange(ac)
	}
	switch {
	case ac.Err == nil:
		return nil
	case ac.Unknown:
		return &unknownOutcomeError{err: fmt.Errorf("mammoth: Apply: %s %s: %w", c.Action, c.Label(), ac.Err)}
	}
	return fmt.Errorf("mammoth: Apply: %s %s: %w", c.Action, c.Label(), ac.Err)
}

// send makes the API call for one change.
func (a *applier) send(ctx context.Context, c PlannedChange) (*ExportChange, error) {
	switch c.Action {
	case PlanAdd:
		spec := *c.Desired
		spec.TriggerID = nil
		return a.s.AddExport(ctx, a.ref, &spec)
	case PlanChange:
		spec := *c.Desired
		spec.TriggerID = nil
		spec.ValidateOnly = false
		return a.s.EditExport(ctx, a.ref, c.ExportID, []PatchOp{{Op: PatchOperationReplace, Path: PatchPathParams, Value: &spec}}, nil)
	case PlanDelete:
		return a.s.DeleteExport(ctx, a.ref, c.ExportID, nil)
	}
	return nil, errors.New("mammoth: Apply: nothing to do for " + string(c.Action) + " " + strconv.Itoa(c.ExportID))
}
