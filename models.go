package mammoth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
)

// DataviewRef names the dataview an export operation is about: the four ids
// in the API's path /workspaces/{w}/projects/{p}/datasets/{d}/dataviews/{v}.
// WorkspaceID, ProjectID and DataviewID must be at least 1; DatasetID at
// least 0. WorkspaceID is also sent as the X-WORKSPACE-ID header.
type DataviewRef struct {
	WorkspaceID, ProjectID, DatasetID, DataviewID int
}

// ItemExportInfo describes one export in a dataview's pipeline, as the API
// returns it. Every field is optional: which ones are filled depends on the
// fields preset requested ([FieldsMin], [FieldsStandard], [FieldsFull]), and
// the API may send null for any of them. Enum fields hold "" when absent.
type ItemExportInfo struct {
	ID                   *int                `json:"id,omitempty"`
	DataviewID           *int                `json:"dataview_id,omitempty"`
	Sequence             *int                `json:"sequence,omitempty"`
	SubSequence          *int                `json:"sub_sequence,omitempty"`
	HandlerType          HandlerType         `json:"handler_type,omitempty"`
	TriggerType          TriggerType         `json:"trigger_type,omitempty"`
	EndOfPipeline        *bool               `json:"end_of_pipeline,omitempty"`
	Status               ExportStatus        `json:"status,omitempty"`
	TargetProperties     RawTargetProperties `json:"target_properties,omitempty"`
	Runnable             *bool               `json:"runnable,omitempty"`
	Reordered            *bool               `json:"reordered,omitempty"`
	DataPassThrough      *bool               `json:"data_pass_through,omitempty"`
	AdditionalProperties map[string]any      `json:"additional_properties,omitempty"`
	Condition            map[string]any      `json:"condition,omitempty"`
	LastModifiedTime     *Timestamp          `json:"last_modified_time,omitempty"`
	ExecutionStartTime   *Timestamp          `json:"execution_start_time,omitempty"`
	ExecutionEndTime     *Timestamp          `json:"execution_end_time,omitempty"`
	LastRunResult        map[string]any      `json:"last_run_result,omitempty"`
	ErrorInfo            map[string]any      `json:"error_info,omitempty"`
}

// Format implements [fmt.Formatter]: e prints as fmt prints a struct, its
// maps in their JSON form with the values of secret-looking keys replaced
// by "[REDACTED]" at any depth.
func (e ItemExportInfo) Format(f fmt.State, verb rune) { formatRedacted(f, verb, e) }

// LogValue implements [slog.LogValuer], logging e's JSON form redacted.
func (e ItemExportInfo) LogValue() slog.Value { return redactedLogValue(e) }

// MarshalJSON implements [json.Marshaler], writing e as the API sent it but
// with the values of secret-looking keys of its maps replaced by
// "[REDACTED]" at any depth. Decoding is not affected; [WireJSON] writes
// the values in the clear.
func (e ItemExportInfo) MarshalJSON() ([]byte, error) { return redactedJSON(e) }

func (e ItemExportInfo) wireValue(depth int) any {
	// The fields of ItemExportInfo, in order, with the maps in wire form.
	w := struct {
		ID                   *int           `json:"id,omitempty"`
		DataviewID           *int           `json:"dataview_id,omitempty"`
		Sequence             *int           `json:"sequence,omitempty"`
		SubSequence          *int           `json:"sub_sequence,omitempty"`
		HandlerType          HandlerType    `json:"handler_type,omitempty"`
		TriggerType          TriggerType    `json:"trigger_type,omitempty"`
		EndOfPipeline        *bool          `json:"end_of_pipeline,omitempty"`
		Status               ExportStatus   `json:"status,omitempty"`
		TargetProperties     map[string]any `json:"target_properties,omitempty"`
		Runnable             *bool          `json:"runnable,omitempty"`
		Reordered            *bool          `json:"reordered,omitempty"`
		DataPassThrough      *bool          `json:"data_pass_through,omitempty"`
		AdditionalProperties map[string]any `json:"additional_properties,omitempty"`
		Condition            map[string]any `json:"condition,omitempty"`
		LastModifiedTime     *Timestamp     `json:"last_modified_time,omitempty"`
		ExecutionStartTime   *Timestamp     `json:"execution_start_time,omitempty"`
		ExecutionEndTime     *Timestamp     `json:"execution_end_time,omitempty"`
		LastRunResult        map[string]any `json:"last_run_result,omitempty"`
		ErrorInfo            map[string]any `json:"error_info,omitempty"`
	}{
		e.ID, e.DataviewID, e.Sequence, e.SubSequence, e.HandlerType, e.TriggerType, e.EndOfPipeline, e.Status,
		wireProps(e.TargetProperties, depth), e.Runnable, e.Reordered, e.DataPassThrough,
		wireProps(e.AdditionalProperties, depth), wireProps(e.Condition, depth), e.LastModifiedTime, e.ExecutionStartTime,
		e.ExecutionEndTime, wireProps(e.LastRunResult, depth), wireProps(e.ErrorInfo, depth),
	}
	return w
}

// PipelineExportsPaginated is one page of a dataview's exports.
//
// Next is the API's link to the following page; it may be empty, an absolute
// URL or a relative path. [ExportsService.AllExports] pages by offset and does
// not depend on it.
type PipelineExportsPaginated struct {
	Limit   *int              `json:"limit,omitempty"`
	Offset  *int              `json:"offset,omitempty"`
	Next    string            `json:"next"`
	Exports []*ItemExportInfo `json:"exports"`
}

// MarshalJSON implements [json.Marshaler], writing the exports redacted as
// [ItemExportInfo.MarshalJSON] does; [WireJSON] writes them in the clear.
func (p PipelineExportsPaginated) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p PipelineExportsPaginated) wireValue(depth int) any {
	type plain PipelineExportsPaginated
	return struct {
		plain
		Exports any `json:"exports"` // the last field, so the key order stays
	}{plain(p), wireCopy(p.Exports, depth)}
}

// PipelineExportsModificationResp is the API's immediate answer to a change in
// a pipeline that did not start a background job: for an add, it means the
// export was not added or was added in draft mode.
//
// FutureID, when set, is the id of a job that can be polled with
// [JobsService.GetJob].
type PipelineExportsModificationResp struct {
	TriggerID int          `json:"trigger_id"`
	Status    ExportStatus `json:"status,omitempty"`
	FutureID  *int         `json:"future_id,omitempty"`
}

// AddExportSpec is the body of an add-export request.
//
// It always marshals all eleven keys, as the API's own clients send them:
// an unset Sequence or TriggerID goes out as null; unset TargetProperties,
// AdditionalProperties and Condition as {}; an unset EndOfPipeline as true
// (the API's default). DataviewID may be left 0: [ExportsService.AddExport]
// fills it from the [DataviewRef].
type AddExportSpec struct {
	// DataviewID is the dataview the export belongs to (key DATAVIEW_ID).
	DataviewID int
	// Sequence is the export's position in the pipeline; nil lets the API
	// choose. It cannot be combined with EndOfPipeline true.
	Sequence *int
	// TriggerID, when set, edits the existing trigger with that id instead of
	// adding a new one (key TRIGGER_ID).
	TriggerID *int
	// EndOfPipeline places the export after every pipeline step; nil means
	// true.
	EndOfPipeline *bool
	// HandlerType is the destination kind. Required.
	HandlerType HandlerType
	// TriggerType says when the export runs. Required.
	TriggerType TriggerType
	// TargetProperties configures the destination: one of the typed
	// *TargetProperties structs, or [RawTargetProperties].
	TargetProperties TargetProperties
	// AdditionalProperties is passed to the API as is.
	AdditionalProperties map[string]any
	// Condition filters the rows exported, in the API's condition format.
	Condition map[string]any
	// RunImmediately runs the export as soon as it is added.
	RunImmediately bool
	// ValidateOnly asks the API to check the spec without adding anything.
	ValidateOnly bool
}

// Format implements [fmt.Formatter]: s prints as fmt prints a struct, its
// target properties through their own Format method and its maps in their
// JSON form, secrets replaced by "[REDACTED]" at any depth.
func (s AddExportSpec) Format(f fmt.State, verb rune) { formatRedacted(f, verb, s) }

// LogValue implements [slog.LogValuer], logging s's JSON form redacted.
func (s AddExportSpec) LogValue() slog.Value { return redactedLogValue(s) }

// addExportSpecWire fixes the key order and spelling of AddExportSpec on the
// wire. The object fields hold their value, or emptyJSONObject for {}.
type addExportSpecWire struct {
	DataviewID           int         `json:"DATAVIEW_ID"`
	Sequence             *int        `json:"sequence"`
	TriggerID            *int        `json:"TRIGGER_ID"`
	EndOfPipeline        bool        `json:"end_of_pipeline"`
	HandlerType          HandlerType `json:"handler_type"`
	TriggerType          TriggerType `json:"trigger_type"`
	TargetProperties     any         `json:"target_properties"`
	AdditionalProperties any         `json:"additional_properties"`
	Condition            any         `json:"condition"`
	RunImmediately       bool        `json:"run_immediately"`
	ValidateOnly         bool        `json:"validate_only"`
}

// emptyJSONObject encodes as {}.
var emptyJSONObject = struct{}{}

var emptyObject = json.RawMessage("{}")

// wire returns the spec as it goes on the wire: encoding it gives the body
// [ExportsService.AddExport] sends, the bytes of [WireJSON].
func (s AddExportSpec) wire() *addExportSpecWire { return s.wireAt(0) }

// wireAt is wire for a spec nested depth levels down (see wireEncoder).
func (s AddExportSpec) wireAt(depth int) *addExportSpecWire {
	w := &addExportSpecWire{
		DataviewID:           s.DataviewID,
		Sequence:             s.Sequence,
		TriggerID:            s.TriggerID,
		EndOfPipeline:        s.EndOfPipeline == nil || *s.EndOfPipeline,
		HandlerType:          s.HandlerType,
		TriggerType:          s.TriggerType,
		TargetProperties:     emptyJSONObject,
		AdditionalProperties: emptyJSONObject,
		Condition:            emptyJSONObject,
		RunImmediately:       s.RunImmediately,
		ValidateOnly:         s.ValidateOnly,
	}
	switch tp := defaultDatabaseHandler(s.TargetProperties, s.HandlerType); {
	case isNil(tp):
	case implementsWire(tp): // a struct or a non-nil map: never null
		w.TargetProperties = tp.(wireEncoder).wireValue(depth + 1)
	case neverNullJSON(tp):
		w.TargetProperties = tp
	default:
		w.TargetProperties = targetJSON{tp}
	}
	if s.AdditionalProperties != nil {
		w.AdditionalProperties = wireProps(s.AdditionalProperties, depth)
	}
	if s.Condition != nil {
		w.Condition = wireProps(s.Condition, depth)
	}
	return w
}

var jsonMarshalerType = reflect.TypeFor[json.Marshaler]()

func implementsWire(v any) bool { _, ok := v.(wireEncoder); return ok }

// neverNullJSON reports whether v, not nil, is a struct or map that
// encoding/json writes as an object by itself: no MarshalJSON of its own
// that could answer null.
func neverNullJSON(v any) bool {
	t := reflect.TypeOf(v)
	k := t.Kind()
	return (k == reflect.Struct || k == reflect.Map) && !t.Implements(jsonMarshalerType)
}

// targetJSON encodes target properties that may encode as null as {}
// instead.
type targetJSON struct{ v TargetProperties }

func (t targetJSON) MarshalJSON() ([]byte, error) {
	b, err := WireJSON(t.v)
	if err != nil {
		return nil, fmt.Errorf("mammoth: encoding target_properties: %w", err)
	}
	if bytes.Equal(b, []byte("null")) {
		return emptyObject, nil
	}
	return b, nil
}

// MarshalJSON implements [json.Marshaler], writing all eleven keys as
// [ExportsService.AddExport] sends them, except that secrets are replaced by
// "[REDACTED]": the secret fields of typed target properties and the values
// of secret-looking keys of every map, at any depth. [WireJSON] writes the
// body AddExport sends, secrets included.
func (s AddExportSpec) MarshalJSON() ([]byte, error) { return redactedJSON(s) }

func (s AddExportSpec) wireValue(depth int) any { return s.wireAt(depth) }

// MarshalJSON implements [json.Marshaler], writing p with the secrets of its
// Value redacted, as [AddExportSpec.MarshalJSON] does; [WireJSON] writes
// what [ExportsService.EditExport] sends.
func (p PatchOp) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p PatchOp) wireValue(depth int) any {
	return struct {
		Op    PatchOperation `json:"op"`
		Path  PatchPath      `json:"path"`
		Value any            `json:"value"`
	}{p.Op, p.Path, wireCopy(p.Value, depth)}
}

// UnmarshalJSON implements [json.Unmarshaler]. Target properties decode as
// [RawTargetProperties], since the wire does not say which typed struct
// they came from; an absent end_of_pipeline stays nil.
func (s *AddExportSpec) UnmarshalJSON(data []byte) error {
	var w struct {
		DataviewID           int                 `json:"DATAVIEW_ID"`
		Sequence             *int                `json:"sequence"`
		TriggerID            *int                `json:"TRIGGER_ID"`
		EndOfPipeline        *bool               `json:"end_of_pipeline"`
		HandlerType          HandlerType         `json:"handler_type"`
		TriggerType          TriggerType         `json:"trigger_type"`
		TargetProperties     RawTargetProperties `json:"target_properties"`
		AdditionalProperties map[string]any      `json:"additional_properties"`
		Condition            map[string]any      `json:"condition"`
		RunImmediately       bool                `json:"run_immediately"`
		ValidateOnly         bool                `json:"validate_only"`
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	*s = AddExportSpec{
		DataviewID:           w.DataviewID,
		Sequence:             w.Sequence,
		TriggerID:            w.TriggerID,
		EndOfPipeline:        w.EndOfPipeline,
		HandlerType:          w.HandlerType,
		TriggerType:          w.TriggerType,
		AdditionalProperties: w.AdditionalProperties,
		Condition:            w.Condition,
		RunImmediately:       w.RunImmediately,
		ValidateOnly:         w.ValidateOnly,
	}
	if w.TargetProperties != nil {
		s.TargetProperties = w.TargetProperties
	}
	return nil
}

// Job is a background job that carries out work the API accepted with a 202,
// such as adding or running an export. Poll it with [JobsService.GetJob] or
// wait for it with [JobsService.WaitForJob].
type Job struct {
	ID     int       `json:"id"`
	Status JobStatus `json:"status"`
	// Response is the job's result as the API sent it: usually an object
	// (for a CSV export it holds "url"), sometimes an array, empty while the
	// job runs. [Job.ResponseObject] decodes the object form.
	Response      json.RawMessage `json:"response,omitempty"`
	LastUpdatedAt *Timestamp      `json:"last_updated_at,omitempty"`
	CreatedAt     *Timestamp      `json:"created_at,omitempty"`
	// Path is the API path that started the job.
	Path string `json:"path,omitempty"`
	// Operation names what the job does.
	Operation string `json:"operation,omitempty"`
}

// ResponseObject decodes the job's response as a JSON object. It returns an
// empty map when the response is absent or null, and an error when the
// response is an array or another non-object value.
func (j *Job) ResponseObject() (map[string]any, error) {
	trimmed := bytes.TrimSpace(j.Response)
	if len(trimmed) == 0 || bytes.Equal(trimmed, []byte("null")) {
		return map[string]any{}, nil
	}
	var m map[string]any
	if err := json.Unmarshal(trimmed, &m); err != nil {
		return nil, fmt.Errorf("mammoth: job %d response is not an object: %w", j.ID, err)
	}
	if m == nil {
		m = map[string]any{}
	}
	return m, nil
}

// ExportChange is the API's answer to a change in a dataview's pipeline
// (add, edit, command, delete): applied at once (200/201, Modification),
// carried out by a background job (202, Job), or neither (empty or null body).
type ExportChange struct {
	// Modification is set when the API answered 200 or 201 with a
	// modification response.
	Modification *PipelineExportsModificationResp
	// Job is set when the API answered 202: the change runs in the background.
	Job *Job
	// Pending is true when the change is held in the dataview's draft, not
	// live: the API answered 201 with a modification whose status says the
	// change was taken (added, edited, deleted or suspended). It goes live
	// with [PipelinesService.SubmitDraft] and is dropped by
	// [PipelinesService.DiscardDraft].
	//
	// The API cannot say more: a 201 means "not done, or done in draft",
	// with no field to tell which, so a refusal that reports one of those
	// statuses would also read as pending; and an edit in draft is answered
	// 200, like a live edit, so Pending stays false for it. Where it
	// matters, read Pipeline.DraftMode with [PipelinesService.GetPipeline]:
	// "dirty" means changes are held.
	Pending bool
}

// JobID returns the id of the job that carries out the change: Job.ID, or
// Modification.FutureID when that is set. ok is false when there is no job
// to wait for.
func (c *ExportChange) JobID() (id int, ok bool) {
	switch {
	case c == nil:
		return 0, false
	case c.Job != nil:
		return c.Job.ID, true
	case c.Modification != nil && c.Modification.FutureID != nil:
		return *c.Modification.FutureID, true
	}
	return 0, false
}

// PublishJob is the API's answer to a publish-to-database request.
type PublishJob struct {
	StatusCode    *int    `json:"status_code,omitempty"`
	JobID         *int    `json:"job_id,omitempty"`
	FailureReason *string `json:"failure_reason,omitempty"`
}

// Ptr returns a pointer to a copy of v, for the optional fields of requests
// and options: Ptr(50), Ptr(true).
func Ptr[T any](v T) *T { return &v }
