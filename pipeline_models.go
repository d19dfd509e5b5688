package mammoth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// PipelineState is the state of a pipeline's definition: whether its steps
// are settled, being changed, or broken by a reference error.
type PipelineState string

// Pipeline states known to this version of the SDK.
const (
	PipelineStateReady     PipelineState = "ready"
	PipelineStateModifying PipelineState = "modifying"
	PipelineStateModified  PipelineState = "modified"
	PipelineStateStaged    PipelineState = "staged"
	PipelineStateAnalysing PipelineState = "analysing"
	// PipelineStateRefError means a step refers to something that no longer
	// exists, such as a deleted column.
	PipelineStateRefError PipelineState = "ref_error"
)

var pipelineStates = []PipelineState{
	PipelineStateReady, PipelineStateModifying, PipelineStateModified,
	PipelineStateStaged, PipelineStateAnalysing, PipelineStateRefError,
}

// Values returns every pipeline state this version of the SDK knows.
func (PipelineState) Values() []PipelineState { return slices.Clone(pipelineStates) }

// IsKnown reports whether s is one of [PipelineState.Values].
func (s PipelineState) IsKnown() bool { return slices.Contains(pipelineStates, s) }

// PipelineExecutionState says what a pipeline is running, if anything.
type PipelineExecutionState string

// Pipeline execution states known to this version of the SDK.
const (
	PipelineExecutionIdle           PipelineExecutionState = "idle"
	PipelineExecutionWaitingForLock PipelineExecutionState = "waiting_for_lock"
	PipelineExecutionSubmitted      PipelineExecutionState = "submitted"
	PipelineExecutionRunning        PipelineExecutionState = "running"
	// PipelineExecutionRuntimeError means the last run failed.
	PipelineExecutionRuntimeError PipelineExecutionState = "runtime_error"
	// PipelineExecutionExportsRunning means the steps have run and the
	// exports they trigger are running.
	PipelineExecutionExportsRunning PipelineExecutionState = "exports_running"
)

var pipelineExecutionStates = []PipelineExecutionState{
	PipelineExecutionIdle, PipelineExecutionWaitingForLock, PipelineExecutionSubmitted,
	PipelineExecutionRunning, PipelineExecutionRuntimeError, PipelineExecutionExportsRunning,
}

// Values returns every execution state this version of the SDK knows.
func (PipelineExecutionState) Values() []PipelineExecutionState {
	return slices.Clone(pipelineExecutionStates)
}

// IsKnown reports whether s is one of [PipelineExecutionState.Values].
func (s PipelineExecutionState) IsKnown() bool { return slices.Contains(pipelineExecutionStates, s) }

// DraftMode says whether a dataview is in draft mode: [DraftModeOff] (or ""
// when the API sent none), or in draft with no change held
// ([DraftModeClean]) or with changes held ([DraftModeDirty]).
type DraftMode string

// Draft modes known to this version of the SDK.
const (
	DraftModeOff   DraftMode = "off"
	DraftModeClean DraftMode = "clean"
	DraftModeDirty DraftMode = "dirty"
)

var draftModes = []DraftMode{DraftModeOff, DraftModeClean, DraftModeDirty}

// Values returns every draft mode this version of the SDK knows.
func (DraftMode) Values() []DraftMode { return slices.Clone(draftModes) }

// IsKnown reports whether m is one of [DraftMode.Values].
func (m DraftMode) IsKnown() bool { return slices.Contains(draftModes, m) }

// Active reports whether the dataview is in draft mode: clean or dirty. An
// absent mode ("") counts as off, as the API documents.
func (m DraftMode) Active() bool { return m == DraftModeClean || m == DraftModeDirty }

// Pipeline is a dataview's pipeline as [PipelinesService.GetPipeline]
// returns it. Every field may be unset: which ones the API fills depends on
// the fields requested, and it may send null for any of them.
type Pipeline struct {
	// State is the definition's state; "" when the API sent none.
	State PipelineState `json:"state,omitempty"`
	// ExecutionState is what is running; "" when the API sent none.
	ExecutionState PipelineExecutionState `json:"execution_state,omitempty"`
	// ExecutingTaskID is the task running now, if any.
	ExecutingTaskID *int `json:"executing_task_id,omitempty"`
	// StagedTaskIDs are the tasks waiting to run.
	StagedTaskIDs []int `json:"staged_task_ids,omitempty"`
	// DraftMode is the dataview's draft mode; "" (off) when the API sent
	// none. The older forms some servers send (an object with "active" or
	// "is_draft", or a top-level is_draft or in_draft_mode boolean) read as
	// clean or off, since they do not say whether changes are held.
	DraftMode DraftMode `json:"draft_mode,omitempty"`
	// AutoRun says whether changes run the pipeline by themselves. The API
	// declares a boolean but has been seen to send "True" or "False"; both
	// forms decode.
	AutoRun *bool `json:"auto_run,omitempty"`
	// Stats is filled when [FieldsFull] (or "stats") is requested.
	Stats *PipelineStats `json:"stats,omitempty"`
}

// Settled reports whether nothing is left to run: State is ready or
// ref_error and ExecutionState is idle, runtime_error or unset. A pipeline
// that is "ready" while its exports still run is not settled.
func (p *Pipeline) Settled() bool {
	if p == nil {
		return false
	}
	switch p.State {
	case PipelineStateReady, PipelineStateRefError:
	default:
		return false
	}
	switch p.ExecutionState {
	case PipelineExecutionIdle, PipelineExecutionRuntimeError, "":
		return true
	}
	return false
}

// Failed reports whether a settled pipeline ended in error: State ref_error
// or ExecutionState runtime_error.
func (p *Pipeline) Failed() bool {
	return p.Settled() && (p.State == PipelineStateRefError || p.ExecutionState == PipelineExecutionRuntimeError)
}

// UnmarshalJSON implements [json.Unmarshaler], reading auto_run as a
// boolean or as the strings "True" and "False" (any case).
func (p *Pipeline) UnmarshalJSON(data []byte) error {
	type plain Pipeline
	var w struct {
		plain
		AutoRun     json.RawMessage `json:"auto_run"`
		DraftMode   json.RawMessage `json:"draft_mode"`
		Draft       json.RawMessage `json:"draft"`
		IsDraft     *bool           `json:"is_draft"`
		InDraftMode *bool           `json:"in_draft_mode"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*p = Pipeline(w.plain)
	autoRun, err := decodeLooseBool(w.AutoRun)
	if err != nil {
		return fmt.Errorf("mammoth: pipeline auto_run: %w", err)
	}
	p.AutoRun = autoRun
	if p.DraftMode, err = decodeDraftMode(w.DraftMode, w.Draft, w.IsDraft, w.InDraftMode); err != nil {
		return fmt.Errorf("mammoth: pipeline draft_mode: %w", err)
	}
	return nil
}

// decodeDraftMode reads draft_mode as the API documents it, a string, or in
// the older forms one of its clients still accepts: draft_mode or draft as
// an object with a boolean "active" or "is_draft", or a top-level boolean
// is_draft or in_draft_mode. Those say only whether a draft is open, not
// whether it holds changes, so they read as clean or off.
func decodeDraftMode(mode, draft json.RawMessage, isDraft, inDraftMode *bool) (DraftMode, error) {
	fromBool := func(b bool) DraftMode {
		if b {
			return DraftModeClean
		}
		return DraftModeOff
	}
	for _, raw := range []json.RawMessage{mode, draft} {
		raw = bytes.TrimSpace(raw)
		switch {
		case len(raw) == 0 || string(raw) == "null":
			continue
		case raw[0] == '"':
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", err
			}
			return DraftMode(s), nil
		case raw[0] == '{':
			var legacy struct {
				Active  *bool `json:"active"`
				IsDraft *bool `json:"is_draft"`
			}
			if err := json.Unmarshal(raw, &legacy); err != nil {
				return "", err
			}
			switch {
			case legacy.Active != nil:
				return fromBool(*legacy.Active), nil
			case legacy.IsDraft != nil:
				return fromBool(*legacy.IsDraft), nil
			}
			return "", nil
		case string(raw) == "true" || string(raw) == "false":
			return fromBool(string(raw) == "true"), nil
		default:
			return "", fmt.Errorf("%s is not a draft mode", raw)
		}
	}
	switch {
	case isDraft != nil:
		return fromBool(*isDraft), nil
	case inDraftMode != nil:
		return fromBool(*inDraftMode), nil
	}
	return "", nil
}

// decodeLooseBool reads a JSON boolean, null, or a string holding a
// boolean.
func decodeLooseBool(raw json.RawMessage) (*bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil, err
	}
	switch v := v.(type) {
	case bool:
		return &v, nil
	case string:
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("%q is not a boolean", v)
		}
		return &b, nil
	}
	return nil, fmt.Errorf("%s is not a boolean", raw)
}

// PipelineStats is what the API records about a pipeline's runs and
// changes. The times are kept as the API sends them, since it declares no
// format for them; [Timestamp] can read the forms it has been seen to use.
type PipelineStats struct {
	LastRunBy                 *string               `json:"last_run_by,omitempty"`
	LastRunAt                 *string               `json:"last_run_at,omitempty"`
	LastModifiedBy            *string               `json:"last_modified_by,omitempty"`
	LastModifiedAt            *string               `json:"last_modified_at,omitempty"`
	StateChangedAt            *string               `json:"state_changed_at,omitempty"`
	ExportsExecutionTimestamp *string               `json:"exports_execution_timestamp,omitempty"`
	TaskStats                 []PipelineTaskStats   `json:"task_stats,omitempty"`
	ExportStats               []PipelineExportStats `json:"export_stats,omitempty"`
}

// PipelineTaskStats holds the run times of one task.
type PipelineTaskStats struct {
	TaskID         int                `json:"task_id"`
	ExecutionStats PipelineItemTiming `json:"execution_stats"`
}

// PipelineExportStats holds the run times of one export.
type PipelineExportStats struct {
	ExportID       int                `json:"export_id"`
	ExecutionStats PipelineItemTiming `json:"execution_stats"`
}

// PipelineItemTiming is the current run and the one before it of a task or
// export; either may be nil.
type PipelineItemTiming struct {
	Current  *PipelineItemRun `json:"current,omitempty"`
	Previous *PipelineItemRun `json:"previous,omitempty"`
}

// PipelineItemRun is when one run of a task or export started and ended,
// as the API wrote it (UTC).
type PipelineItemRun struct {
	StartTime *string `json:"start_time,omitempty"`
	EndTime   *string `json:"end_time,omitempty"`
}

// GetPipelineOptions tunes [PipelinesService.GetPipeline].
type GetPipelineOptions struct {
	// Fields is a comma-separated list of fields, or a preset:
	// [FieldsMin], [FieldsStandard] (the API's default) or [FieldsFull],
	// the one that includes Stats.
	Fields string `url:"fields,omitempty"`
}

// RunPipelineOptions tunes [PipelinesService.RunPipeline].
type RunPipelineOptions struct {
	// FromSequence is the task sequence to rerun from; nil reruns the
	// whole pipeline from step 0.
	FromSequence *int
}

// PipelineModificationResp is the API's answer to a pipeline command that
// it carried out, or started, without a background job of its own.
type PipelineModificationResp struct {
	// TypeOfModification names what was done, such as "manual_run" or
	// "discard_pipeline_changes".
	TypeOfModification string `json:"type_of_modification"`
	// Status is "processing", "done" or "error".
	Status    string         `json:"status"`
	HasError  *bool          `json:"has_error,omitempty"`
	ErrorCode *int           `json:"error_code,omitempty"`
	ErrorInfo map[string]any `json:"error_info,omitempty"`
	// FutureID, when set, is a job that can be polled with
	// [JobsService.GetJob].
	FutureID *int           `json:"future_id,omitempty"`
	Param    map[string]any `json:"param,omitempty"`
}

// PipelineChange is the API's answer to a command on a whole pipeline
// (PATCH P/pipeline): at most one of its fields is set, according to the
// answer's shape. An answer of null or with no body leaves them all unset.
type PipelineChange struct {
	// Exports is set for a 200 answer that lists the exports changed, as
	// bulk commands answer; a single export object is a list of one.
	Exports []PipelineExportsModificationResp
	// Modification is set for a 200 modification response.
	Modification *PipelineModificationResp
	// AutoRun is set for a 200 answer to an auto-run change: the new
	// value.
	AutoRun *bool
	// Job is set for a 202 answer: the change runs in the background.
	Job *Job
}

// JobID returns the job that carries out the change, if any: Job.ID, or
// Modification.FutureID, or the one export's FutureID when only one export
// answered with one.
func (c *PipelineChange) JobID() (id int, ok bool) {
	switch {
	case c == nil:
		return 0, false
	case c.Job != nil:
		return c.Job.ID, true
	case c.Modification != nil && c.Modification.FutureID != nil:
		return *c.Modification.FutureID, true
	case len(c.Exports) == 1 && c.Exports[0].FutureID != nil:
		return *c.Exports[0].FutureID, true
	}
	return 0, false
}

// decodePipelineChange reads every answer shape PATCH P/pipeline declares.
func decodePipelineChange(op string, resp *response, raw json.RawMessage) (*PipelineChange, error) {
	if resp.Empty || resp.StatusCode == 204 {
		return &PipelineChange{}, nil
	}
	fail := func(err error) (*PipelineChange, error) {
		return nil, &DecodeError{Operation: op, StatusCode: resp.StatusCode, Err: err}
	}
	raw = bytes.TrimSpace(raw)
	if raw[0] == '[' && resp.StatusCode == 202 {
		return fail(errors.New(`202 response is a list, not {"job": ...}`))
	}
	if raw[0] == '[' {
		var list []PipelineExportsModificationResp
		if err := json.Unmarshal(raw, &list); err != nil {
			return fail(err)
		}
		return &PipelineChange{Exports: list}, nil
	}
	var body struct {
		Job                *Job            `json:"job"`
		TypeOfModification *string         `json:"type_of_modification"`
		AutoRun            json.RawMessage `json:"auto_run"`
		TriggerID          *int            `json:"trigger_id"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return fail(err)
	}
	switch {
	case resp.StatusCode == 202 || body.Job != nil:
		if body.Job == nil {
			return fail(errors.New(`202 response has no "job"`))
		}
		return &PipelineChange{Job: body.Job}, nil
	case body.TypeOfModification != nil:
		m := new(PipelineModificationResp)
		if err := json.Unmarshal(raw, m); err != nil {
			return fail(err)
		}
		return &PipelineChange{Modification: m}, nil
	case len(body.AutoRun) > 0:
		v, err := decodeLooseBool(body.AutoRun)
		if err != nil {
			return fail(fmt.Errorf("auto_run: %w", err))
		}
		return &PipelineChange{AutoRun: v}, nil
	case body.TriggerID != nil:
		var m PipelineExportsModificationResp
		if err := json.Unmarshal(raw, &m); err != nil {
			return fail(err)
		}
		return &PipelineChange{Exports: []PipelineExportsModificationResp{m}}, nil
	}
	// Any other object carries nothing the SDK can report.
	return &PipelineChange{}, nil
}

// PipelineFailedError reports a pipeline that settled in error: State
// [PipelineStateRefError] or ExecutionState [PipelineExecutionRuntimeError].
type PipelineFailedError struct {
	State          PipelineState
	ExecutionState PipelineExecutionState
	// Pipeline is the pipeline as last read.
	Pipeline *Pipeline
}

// Error names the states the pipeline settled in.
func (e *PipelineFailedError) Error() string {
	return fmt.Sprintf("mammoth: pipeline failed: state %q, execution state %q", e.State, e.ExecutionState)
}
