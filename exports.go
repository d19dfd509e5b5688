package mammoth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/google/go-querystring/query"
)

// ExportsService works with the exports of a dataview's pipeline. Get it
// from [Client.Exports].
type ExportsService service

// ListExportsOptions filters, sorts and pages [ExportsService.ListExports].
// The zero value (or nil) sends no query and gets the API's defaults: the
// standard fields, 50 exports from offset 0, sorted by id.
type ListExportsOptions struct {
	// Fields is a comma-separated list of fields, or a preset: [FieldsMin],
	// [FieldsStandard] (the API's default) or [FieldsFull], the only one
	// that includes last_run_result and error_info.
	Fields string `url:"fields,omitempty"`
	// Limit is the page size, 0 to 100; nil means the API's default of 50.
	Limit *int `url:"limit,omitempty"`
	// Offset is the position of the first export to return.
	Offset int `url:"offset,omitempty"`
	// Sort orders the results: "(field:asc|desc)" terms joined with commas,
	// such as "(id:asc),(last_modified_time:desc)".
	Sort string `url:"sort,omitempty"`
	// Sequence keeps the export at this position in the pipeline.
	Sequence *int `url:"sequence,omitempty"`
	// Status keeps exports in this status.
	Status ExportStatus `url:"status,omitempty"`
	// Reordered keeps exports whose reordered flag is this value. (The API
	// spells this query parameter "reorderd".)
	Reordered *bool `url:"reorderd,omitempty"`
	// HandlerType keeps exports to this kind of destination.
	HandlerType HandlerType `url:"handler_type,omitempty"`
	// EndOfPipeline keeps exports whose end_of_pipeline flag is this value.
	EndOfPipeline *bool `url:"end_of_pipeline,omitempty"`
	// Runnable keeps exports whose runnable flag is this value.
	Runnable *bool `url:"runnable,omitempty"`
}

// maxPageSize is the largest limit the API accepts.
const maxPageSize = 100

// defaultPageSize is the limit the API applies when none is sent.
const defaultPageSize = 50

func (o *ListExportsOptions) validate() error {
	switch {
	case o == nil:
		return nil
	case o.Limit != nil && (*o.Limit < 0 || *o.Limit > maxPageSize):
		return &ValidationError{Field: "ListExportsOptions.Limit", Reason: "must be between 0 and 100"}
	case o.Offset < 0:
		return &ValidationError{Field: "ListExportsOptions.Offset", Reason: "must not be negative"}
	case o.Sequence != nil && *o.Sequence < 0:
		return &ValidationError{Field: "ListExportsOptions.Sequence", Reason: "must not be negative"}
	}
	return nil
}

// GetExportOptions selects the fields [ExportsService.GetExport] returns.
type GetExportOptions struct {
	// Fields is a comma-separated list of fields, or a preset such as
	// [FieldsFull]; empty means the API's default, [FieldsStandard].
	Fields string `url:"fields,omitempty"`
}

// EditExportOptions tunes [ExportsService.EditExport].
type EditExportOptions struct {
	// SkipValidation asks the API not to validate the pipeline after the
	// change.
	SkipValidation bool `url:"skip_validation,omitempty"`
}

// DeleteExportOptions tunes [ExportsService.DeleteExport].
type DeleteExportOptions struct {
	// SkipValidation asks the API not to validate the pipeline after the
	// deletion.
	SkipValidation bool `url:"skip_validation,omitempty"`
}

func (ref DataviewRef) validate() error {
	switch {
	case ref.WorkspaceID < 1:
		return &ValidationError{Field: "DataviewRef.WorkspaceID", Reason: "must be at least 1"}
	case ref.ProjectID < 1:
		return &ValidationError{Field: "DataviewRef.ProjectID", Reason: "must be at least 1"}
	case ref.DatasetID < 0:
		return &ValidationError{Field: "DataviewRef.DatasetID", Reason: "must not be negative"}
	case ref.DataviewID < 1:
		return &ValidationError{Field: "DataviewRef.DataviewID", Reason: "must be at least 1"}
	}
	return nil
}

// path returns the dataview's API path.
func (ref DataviewRef) path() string {
	b := make([]byte, 0, 96)
	b = append(b, "/workspaces/"...)
	b = strconv.AppendInt(b, int64(ref.WorkspaceID), 10)
	b = append(b, "/projects/"...)
	b = strconv.AppendInt(b, int64(ref.ProjectID), 10)
	b = append(b, "/datasets/"...)
	b = strconv.AppendInt(b, int64(ref.DatasetID), 10)
	b = append(b, "/dataviews/"...)
	b = strconv.AppendInt(b, int64(ref.DataviewID), 10)
	return string(b)
}

func exportsPath(ref DataviewRef) string { return ref.path() + "/pipeline/exports" }

func exportPath(ref DataviewRef, exportID int) string {
	return exportsPath(ref) + "/" + strconv.Itoa(exportID)
}

func validateExportID(id int) error {
	if id < 1 {
		return &ValidationError{Field: "exportID", Reason: "must be at least 1"}
	}
	return nil
}

// encodeQuery encodes an options struct, or nothing for a nil one.
func encodeQuery(opts any) (string, error) {
	if isNil(opts) {
		return "", nil
	}
	v, err := query.Values(opts)
	if err != nil {
		return "", fmt.Errorf("mammoth: encoding query: %w", err)
	}
	return v.Encode(), nil
}

// ListExports returns one page of the dataview's exports. Use
// [ExportsService.AllExports] to walk every page.
//
// A page whose "exports" list is missing or holds a null entry is a
// [*DecodeError]: the SDK never returns a nil *ItemExportInfo in a page.
func (s *ExportsService) ListExports(ctx context.Context, ref DataviewRef, opts *ListExportsOptions) (*PipelineExportsPaginated, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	page := new(PipelineExportsPaginated)
	_, err := s.client.do(ctx, &request{
		op: "ListExports", method: http.MethodGet, path: exportsPath(ref), query: opts.encode(),
		workspaceID: ref.WorkspaceID, idempotent: true,
	}, page)
	if err != nil {
		return nil, err
	}
	if page.Exports == nil {
		return nil, &DecodeError{Operation: "ListExports", StatusCode: http.StatusOK, Err: errors.New(`response has no "exports" list`)}
	}
	for i, e := range page.Exports {
		if e == nil {
			return nil, &DecodeError{Operation: "ListExports", StatusCode: http.StatusOK, Err: fmt.Errorf(`"exports"[%d] is null`, i)}
		}
	}
	return page, nil
}

// AllExports walks every export of the dataview, page after page, starting
// at opts.Offset with pages of opts.Limit (the API's default of 50 when nil).
// The caller's options are copied first and never modified.
//
// Pages are fetched as the loop advances, so memory stays one page deep, and
// no further request is sent once the loop breaks. A failure is yielded once,
// with a nil export, and ends the walk; an export is never nil without an
// error. A server that does not honour the offset (it answers a page that
// is the very page before it again, or says it is at another offset than
// the one asked) ends the walk with a [*DecodeError] instead of looping:
//
//	for exp, err := range client.Exports.AllExports(ctx, ref, nil) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(*exp.ID, exp.Status)
//	}
func (s *ExportsService) AllExports(ctx context.Context, ref DataviewRef, opts *ListExportsOptions) iter.Seq2[*ItemExportInfo, error] {
	var o ListExportsOptions
	if opts != nil {
		o = *opts
	}
	zeroLimit := &ValidationError{Field: "ListExportsOptions.Limit", Reason: "must be at least 1 to page through exports"}
	return walkOffsets("AllExports", o.Offset, o.Limit, zeroLimit, func(offset, limit int) (offsetPage[*ItemExportInfo], error) {
		pageOpts := o
		pageOpts.Offset, pageOpts.Limit = offset, &limit
		page, err := s.ListExports(ctx, ref, &pageOpts)
		if err != nil {
			return offsetPage[*ItemExportInfo]{}, err
		}
		return offsetPage[*ItemExportInfo]{items: page.Exports, offset: page.Offset, limit: page.Limit}, nil
	})
}

// GetExport returns one export of the dataview.
func (s *ExportsService) GetExport(ctx context.Context, ref DataviewRef, exportID int, opts *GetExportOptions) (*ItemExportInfo, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if err := validateExportID(exportID); err != nil {
		return nil, err
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return nil, err
	}
	exp := new(ItemExportInfo)
	_, err = s.client.do(ctx, &request{
		op: "GetExport", method: http.MethodGet, path: exportPath(ref, exportID), query: q,
		workspaceID: ref.WorkspaceID, idempotent: true,
	}, exp)
	if err != nil {
		return nil, err
	}
	return exp, nil
}

// AddExport adds an export to the dataview's pipeline. spec is not modified;
// its DataviewID may be left 0 to take the ref's.
//
// The API normally answers 202: the export is added by a background job,
// returned in the result's Job (wait for it with [JobsService.WaitForJob]).
// A 201 means the export was not added, or was added in draft mode; the
// result's Modification then says which.
//
// Adding is not idempotent, so a failed add is retried only when the API
// provably did not act on it (429, 503, or a connection that failed before
// the request was sent).
func (s *ExportsService) AddExport(ctx context.Context, ref DataviewRef, spec *AddExportSpec) (*ExportChange, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	body, err := prepareSpec(ref, spec, "spec")
	if err != nil {
		return nil, err
	}
	return s.change(ctx, &request{
		op: "AddExport", method: http.MethodPost, path: exportsPath(ref), body: body.wire(),
		workspaceID: ref.WorkspaceID,
	})
}

// prepareSpec validates spec and returns a copy with DATAVIEW_ID filled in.
func prepareSpec(ref DataviewRef, spec *AddExportSpec, field string) (*AddExportSpec, error) {
	if spec == nil {
		return nil, &ValidationError{Field: field, Reason: "must not be nil"}
	}
	s := *spec
	if s.DataviewID == 0 {
		s.DataviewID = ref.DataviewID
	}
	s.TargetProperties = defaultDatabaseHandler(s.TargetProperties, s.HandlerType)
	switch {
	case s.DataviewID != ref.DataviewID:
		return nil, &ValidationError{Field: field + ".DataviewID", Reason: "must match DataviewRef.DataviewID"}
	case s.HandlerType == "":
		return nil, &ValidationError{Field: field + ".HandlerType", Reason: "must be set"}
	case s.TriggerType == "":
		return nil, &ValidationError{Field: field + ".TriggerType", Reason: "must be set"}
	case s.Sequence != nil && *s.Sequence < 0:
		return nil, &ValidationError{Field: field + ".Sequence", Reason: "must not be negative"}
	case s.Sequence != nil && (s.EndOfPipeline == nil || *s.EndOfPipeline):
		return nil, &ValidationError{Field: field + ".Sequence", Reason: "cannot be combined with EndOfPipeline true (nil means true); set EndOfPipeline to Ptr(false)"}
	case s.TriggerID != nil && *s.TriggerID < 0:
		return nil, &ValidationError{Field: field + ".TriggerID", Reason: "must not be negative"}
	}
	if err := Condition(s.Condition).Err(); err != nil {
		return nil, &ValidationError{Field: field + ".Condition", Reason: err.(*ValidationError).Reason}
	}
	if !s.HandlerType.IsKnown() {
		if _, raw := s.TargetProperties.(RawTargetProperties); !raw && !isNil(s.TargetProperties) {
			return nil, &ValidationError{Field: field + ".HandlerType", Reason: fmt.Sprintf("%q is not a known handler type", s.HandlerType)}
		}
	}
	if !isNil(s.TargetProperties) {
		if h := s.TargetProperties.HandlerType(); h != "" && h != s.HandlerType {
			return nil, &ValidationError{Field: field + ".TargetProperties", Reason: fmt.Sprintf("are for handler type %q, not %q", h, s.HandlerType)}
		}
		if err := s.TargetProperties.Validate(); err != nil {
			return nil, err
		}
	}
	return &s, nil
}

// change sends a pipeline change and reads the API's answer into an
// ExportChange: a 202 carries a job, a 200 or 201 a modification response,
// and a 204, an empty body or null carry neither.
func (s *ExportsService) change(ctx context.Context, r *request) (*ExportChange, error) {
	r.allowEmpty = true
	var body changeBody
	resp, err := s.client.do(ctx, r, &body)
	if err != nil {
		return nil, err
	}
	return body.change(r.op, resp)
}

// changeBody holds every answer to a pipeline change, so that one pass
// decodes whichever came.
type changeBody struct {
	Job       *Job         `json:"job"`
	TriggerID *int         `json:"trigger_id"`
	Status    ExportStatus `json:"status"`
	FutureID  *int         `json:"future_id"`
}

func decodeChange(op string, resp *response, raw json.RawMessage) (*ExportChange, error) {
	if resp.Empty || resp.StatusCode == http.StatusNoContent {
		return &ExportChange{}, nil
	}
	var body changeBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, &DecodeError{Operation: op, StatusCode: resp.StatusCode, Err: err}
	}
	return body.change(op, resp)
}

func (body *changeBody) change(op string, resp *response) (*ExportChange, error) {
	if resp.Empty || resp.StatusCode == http.StatusNoContent {
		return &ExportChange{}, nil
	}
	fail := func(err error) (*ExportChange, error) {
		return nil, &DecodeError{Operation: op, StatusCode: resp.StatusCode, Err: err}
	}
	switch {
	case resp.StatusCode == http.StatusAccepted:
		if body.Job == nil {
			return fail(errors.New(`202 response has no "job"`))
		}
		return &ExportChange{Job: body.Job}, nil
	case body.TriggerID != nil:
		return &ExportChange{Modification: &PipelineExportsModificationResp{
			TriggerID: *body.TriggerID, Status: body.Status, FutureID: body.FutureID,
		}, Pending: resp.StatusCode == http.StatusCreated && heldInDraft(body.Status)}, nil
	case body.Job != nil:
		return &ExportChange{Job: body.Job}, nil
	case resp.StatusCode == http.StatusCreated:
		return fail(errors.New(`201 response has no "trigger_id"`))
	}
	// A 200 may carry any object (a delete answers so); nothing to report.
	return &ExportChange{}, nil
}

// heldInDraft reports whether a 201's status says the change was taken,
// which for a 201 means held in a draft.
func heldInDraft(st ExportStatus) bool {
	switch st {
	case ExportStatusAdded, ExportStatusEdited, ExportStatusDeleted, ExportStatusSuspended:
		return true
	}
	return false
}

// PatchOperation is the "op" of a [PatchOp].
type PatchOperation string

// Patch operations.
const (
	// PatchOperationReplace replaces the export's configuration (path
	// [PatchPathParams]) with the patch's Value.
	PatchOperationReplace PatchOperation = "replace"
	// PatchOperationCommand runs a command on the export: run, suspend,
	// restore or discard.
	PatchOperationCommand PatchOperation = "command"
)

// PatchPath is the "path" of a [PatchOp]: what the operation applies to.
type PatchPath string

// Patch paths.
const (
	PatchPathRun     PatchPath = "run"     // run the export now
	PatchPathSuspend PatchPath = "suspend" // stop it running until restored
	PatchPathRestore PatchPath = "restore" // undo a suspend
	PatchPathDiscard PatchPath = "discard" // remove it from the pipeline, as DeleteExport does
	PatchPathParams  PatchPath = "params"  // its configuration, for replace
)

// PatchOp is one change in an [ExportsService.EditExport] request.
type PatchOp struct {
	Op   PatchOperation `json:"op"`
	Path PatchPath      `json:"path"`
	// Value is the new configuration for a replace of [PatchPathParams];
	// nil (sent as null) for commands.
	Value *AddExportSpec `json:"value"`
}

// EditExport applies patches to an export: commands ([PatchOperationCommand]
// with run, suspend, restore or discard) or a new configuration
// ([PatchOperationReplace] of [PatchPathParams]). The answer is a
// modification response (200), a job (202), or empty.
//
// An edit that may start a run (a run command, or a replace whose value
// has RunImmediately set) follows the rule of requests that are not
// idempotent: it is not repeated after a failure that may have reached the
// API. Other edits are idempotent and retried. An edit with a discard
// removes the export: when a retry after an attempt that may have acted
// gets 404, the earlier attempt did it, and EditExport returns an empty
// ExportChange (no Modification, no Job) and a nil error.
func (s *ExportsService) EditExport(ctx context.Context, ref DataviewRef, exportID int, patches []PatchOp, opts *EditExportOptions) (*ExportChange, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if err := validateExportID(exportID); err != nil {
		return nil, err
	}
	if len(patches) == 0 {
		return nil, &ValidationError{Field: "patches", Reason: "must not be empty"}
	}
	body := struct {
		Patches []wireForm `json:"patches"` // PatchOp's MarshalJSON redacts
	}{Patches: make([]wireForm, len(patches))}
	idempotent, discards := true, false
	for i, p := range patches {
		field := "patches[" + strconv.Itoa(i) + "]"
		switch p.Op {
		case PatchOperationCommand:
			switch p.Path {
			case PatchPathRun:
				idempotent = false
			case PatchPathDiscard:
				discards = true
			case PatchPathSuspend, PatchPathRestore:
			default:
				return nil, &ValidationError{Field: field + ".Path", Reason: fmt.Sprintf("%q is not a command (run, suspend, restore, discard)", p.Path)}
			}
			if p.Value != nil {
				return nil, &ValidationError{Field: field + ".Value", Reason: "must be nil for a command"}
			}
		case PatchOperationReplace:
			if p.Path != PatchPathParams {
				return nil, &ValidationError{Field: field + ".Path", Reason: `replace applies only to "params"`}
			}
			spec, err := prepareSpec(ref, p.Value, field+".Value")
			if err != nil {
				return nil, err
			}
			p.Value = spec
			if spec.RunImmediately {
				idempotent = false // the replace runs the export
			}
		default:
			return nil, &ValidationError{Field: field + ".Op", Reason: fmt.Sprintf("%q is not replace or command", p.Op)}
		}
		body.Patches[i] = wireForm{p}
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, &request{
		op: "EditExport", method: http.MethodPatch, path: exportPath(ref, exportID), query: q,
		body: body, workspaceID: ref.WorkspaceID, idempotent: idempotent, goneMeansDone: discards,
	})
}

func (s *ExportsService) command(ctx context.Context, ref DataviewRef, exportID int, path PatchPath) (*ExportChange, error) {
	return s.EditExport(ctx, ref, exportID, []PatchOp{{Op: PatchOperationCommand, Path: path}}, nil)
}

// RunExport runs an export now (the "run" command). The run usually happens
// in a background job, returned in the result.
func (s *ExportsService) RunExport(ctx context.Context, ref DataviewRef, exportID int) (*ExportChange, error) {
	return s.command(ctx, ref, exportID, PatchPathRun)
}

// SuspendExport stops an export from running until it is restored (the
// "suspend" command).
func (s *ExportsService) SuspendExport(ctx context.Context, ref DataviewRef, exportID int) (*ExportChange, error) {
	return s.command(ctx, ref, exportID, PatchPathSuspend)
}

// RestoreExport undoes [ExportsService.SuspendExport] (the "restore"
// command; the API has no "resume").
func (s *ExportsService) RestoreExport(ctx context.Context, ref DataviewRef, exportID int) (*ExportChange, error) {
	return s.command(ctx, ref, exportID, PatchPathRestore)
}

// DeleteExport removes an export from the dataview's pipeline. The answer
// may be a job (202), a modification response (200, or 201 when the export
// could not be deleted or was deleted in draft mode), or empty.
//
// A delete is retried like any idempotent request. When a retry gets 404
// after an attempt that may have acted (a 500, 502, 504 or 408 answer, or a
// connection lost after the request may have been sent), that attempt
// deleted the export: DeleteExport returns an empty ExportChange (no
// Modification, no Job) and a nil error. A 404 on the first attempt, or
// after attempts the API refused (429, 503), is [ErrNotFound].
//
// The "discard" command ([PatchPathDiscard]) has the same effect: by the
// API's documents both remove the export, and [mammothtest] treats them
// alike. What discard adds is where it can be sent: in an
// [ExportsService.EditExport] patch list, after other patches of the same
// request, and in the pipeline's bulk command, which discards several
// exports in one request.
func (s *ExportsService) DeleteExport(ctx context.Context, ref DataviewRef, exportID int, opts *DeleteExportOptions) (*ExportChange, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if err := validateExportID(exportID); err != nil {
		return nil, err
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, &request{
		op: "DeleteExport", method: http.MethodDelete, path: exportPath(ref, exportID), query: q,
		workspaceID: ref.WorkspaceID, idempotent: true, goneMeansDone: true,
	})
}
