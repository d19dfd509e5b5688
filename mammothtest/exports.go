package mammothtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// pathRef reads the dataview's ids from the request path.
func pathRef(r *http.Request, p *problems) mammoth.DataviewRef {
	id := func(key string, min int) int {
		n, ok := parseID(r.PathValue(key), min)
		if !ok {
			p.add("path", key, "must be an integer of at least "+strconv.Itoa(min))
		}
		return n
	}
	return mammoth.DataviewRef{
		WorkspaceID: id("workspace_id", 1),
		ProjectID:   id("project_id", 1),
		DatasetID:   id("dataset_id", 0),
		DataviewID:  id("dataview_id", 1),
	}
}

// pathExportID reads the export id from the request path.
func pathExportID(r *http.Request, p *problems) int {
	n, ok := parseID(r.PathValue("export_id"), 0)
	if !ok {
		p.add("path", "export_id", "must be a non-negative integer")
	}
	return n
}

// modification is the API's PipelineExortsModificationResp.
type modification struct {
	TriggerID int                   `json:"trigger_id"`
	Status    *mammoth.ExportStatus `json:"status"`
	FutureID  *int                  `json:"future_id"`
}

// changed is the modification answer for an export now in status st.
func changed(id int, st mammoth.ExportStatus) modification {
	return modification{TriggerID: id, Status: &st}
}

// handleListExports serves GET P/pipeline/exports.
func (s *Server) handleListExports(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	ref := pathRef(r, &p)
	q := r.URL.Query()
	lq := parseListQuery(q, &p)
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	dv := s.lockDataview(w, ref)
	if dv == nil {
		return
	}
	items, more := dv.page(&lq)
	b := make([]byte, 0, 256+len(items)*640)
	b = append(b, `{"limit":`...)
	b = strconv.AppendInt(b, int64(lq.limit), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(lq.offset), 10)
	b = append(b, `,"next":`...)
	b = appendJSONString(b, s.nextLinkFor(r, q, lq, more))
	b = append(b, `,"exports":[`...)
	for i, e := range items {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendExport(b, &e.info, lq.fields)
	}
	s.mu.Unlock()
	b = append(b, "]}"...)
	writeRaw(w, http.StatusOK, b)
}

// nextLinkFor returns the "next" of a page: "" on the last page (or with
// limit 0, which would never advance), else a link in the server's form
// that repeats the request's parameters with the following offset.
func (s *Server) nextLinkFor(r *http.Request, q url.Values, lq listQuery, more bool) string {
	if s.nextLink == NextLinkNone {
		return ""
	}
	return s.pageLink(r, q, pageParams{limit: lq.limit, offset: lq.offset}, more)
}

func appendJSONString(b []byte, v string) []byte {
	enc, _ := json.Marshal(v)
	return append(b, enc...)
}

// handleGetExport serves GET P/pipeline/exports/{export_id}.
func (s *Server) handleGetExport(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	ref := pathRef(r, &p)
	id := pathExportID(r, &p)
	fields := parseFields(r.URL.Query().Get("fields"), &p)
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	_, e := s.lockExport(w, ref, id)
	if e == nil {
		return
	}
	b := appendExport(nil, &e.info, fields)
	s.mu.Unlock()
	writeRaw(w, http.StatusOK, b)
}

// decodeSpec reads an AddExportSpec, adding what is wrong to p with keys
// prefixed by prefix.
func decodeSpec(raw json.RawMessage, ref mammoth.DataviewRef, prefix string, p *problems) *mammoth.AddExportSpec {
	n := len(*p)
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(raw, &keys); err != nil || keys == nil {
		p.add("body", prefix, "must be a JSON object")
		return nil
	}
	for _, k := range []string{"DATAVIEW_ID", "handler_type", "trigger_type", "run_immediately"} {
		if v, ok := keys[k]; !ok || string(v) == "null" {
			p.add("body", prefix+k, "field required")
		}
	}
	spec := new(mammoth.AddExportSpec)
	if err := json.Unmarshal(raw, spec); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			p.add("body", prefix+te.Field, "must not be a JSON "+te.Value)
		} else {
			p.add("body", prefix, "must be a valid AddExportSpec")
		}
	}
	if len(*p) > n {
		return nil
	}
	if spec.DataviewID != ref.DataviewID {
		p.add("body", prefix+"DATAVIEW_ID", fmt.Sprintf("must match the dataview in the path (%d)", ref.DataviewID))
	}
	if !spec.HandlerType.IsKnown() {
		p.add("body", prefix+"handler_type", "unknown handler type "+strconv.Quote(string(spec.HandlerType)))
	}
	if !spec.TriggerType.IsKnown() {
		p.add("body", prefix+"trigger_type", "unknown trigger type "+strconv.Quote(string(spec.TriggerType)))
	}
	if spec.Sequence != nil && *spec.Sequence < 0 {
		p.add("body", prefix+"sequence", "must not be negative")
	}
	if spec.TriggerID != nil && *spec.TriggerID < 0 {
		p.add("body", prefix+"TRIGGER_ID", "must not be negative")
	}
	if len(*p) > n {
		return nil
	}
	return spec
}

// specMap returns one of a decoded spec's objects, {} when absent.
func specMap[M ~map[string]any](m M) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// newExportLocked adds an export built from spec to the dataview.
func (s *Server) newExportLocked(dv *dataview, spec *mammoth.AddExportSpec) *export {
	s.lastExportID++
	return s.newExportWithIDLocked(dv, s.lastExportID, spec)
}

// newExportWithIDLocked adds an export with the given (reserved) id.
func (s *Server) newExportWithIDLocked(dv *dataview, id int, spec *mammoth.AddExportSpec) *export {
	dvID := dv.ref.DataviewID
	e := &export{info: mammoth.ItemExportInfo{
		ID:              &id,
		DataviewID:      &dvID,
		Status:          mammoth.ExportStatusAdded,
		Runnable:        mammoth.Ptr(true),
		Reordered:       mammoth.Ptr(false),
		DataPassThrough: mammoth.Ptr(false),
	}}
	s.applySpecLocked(dv, e, spec)
	dv.put(e)
	return e
}

// applySpecLocked sets an export's configuration from spec.
func (s *Server) applySpecLocked(dv *dataview, e *export, spec *mammoth.AddExportSpec) {
	info := &e.info
	if spec.Sequence != nil || info.Sequence == nil {
		seq := 0
		if spec.Sequence != nil {
			seq = *spec.Sequence
		}
		info.Sequence = mammoth.Ptr(seq)
		info.SubSequence = mammoth.Ptr(dv.nextSubSequence(seq))
	}
	info.HandlerType = spec.HandlerType
	info.TriggerType = spec.TriggerType
	info.EndOfPipeline = mammoth.Ptr(spec.EndOfPipeline == nil || *spec.EndOfPipeline)
	tp, _ := spec.TargetProperties.(mammoth.RawTargetProperties)
	info.TargetProperties = specMap(tp)
	info.AdditionalProperties = specMap(spec.AdditionalProperties)
	info.Condition = specMap(spec.Condition)
	info.LastModifiedTime = &mammoth.Timestamp{Time: s.timestamp()}
	dv.touch()
}

// handleAddExport serves POST P/pipeline/exports, as the package
// documentation describes.
func (s *Server) handleAddExport(w http.ResponseWriter, r *http.Request, body []byte) {
	var p problems
	ref := pathRef(r, &p)
	var spec *mammoth.AddExportSpec
	if len(p) == 0 {
		spec = decodeSpec(body, ref, "", &p)
	}
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	s.mu.Lock()
	dv := s.dataviews[ref]
	var e *export
	if dv != nil && spec.TriggerID != nil {
		e = dv.byID[*spec.TriggerID]
	}
	if dv == nil || (spec.TriggerID != nil && e == nil) {
		s.mu.Unlock()
		writeNotFound(w)
		return
	}
	if msg := s.conditionProblemLocked(ref, spec.Condition); msg != "" {
		s.mu.Unlock()
		writeProblems(w, r, problems{{Message: msg, Key: "condition", Source: "body"}})
		return
	}
	if spec.ValidateOnly {
		s.mu.Unlock()
		m := modification{}
		if spec.TriggerID != nil {
			m.TriggerID = *spec.TriggerID
		}
		writeJSON(w, http.StatusCreated, m)
		return
	}
	if dv.pipe().draft.Active() {
		m := s.holdAddLocked(dv, e, spec)
		s.mu.Unlock()
		writeJSON(w, http.StatusCreated, m)
		return
	}
	status := mammoth.ExportStatusAdded
	if e != nil {
		s.applySpecLocked(dv, e, spec)
		status = mammoth.ExportStatusEdited
		e.info.Status = status
	} else {
		e = s.newExportLocked(dv, spec)
	}
	id := *e.info.ID
	if s.addMode == AddAsDraft {
		s.mu.Unlock()
		writeJSON(w, http.StatusCreated, changed(id, status))
		return
	}
	var j *job
	if spec.RunImmediately {
		j = s.runJobLocked(r, dv, e, "add_export", false)
	} else {
		j = s.startJobLocked(r, "add_export", nil, nil)
	}
	out := j.wire()
	s.mu.Unlock()
	if s.addMode == AddAsDraftWithFutureID {
		m := changed(id, status)
		m.FutureID = &out.ID
		writeJSON(w, http.StatusCreated, m)
		return
	}
	writeJSON(w, http.StatusAccepted, map[string]any{"job": out})
}

// runJobLocked starts a job that runs the export, with the effects the
// package documentation describes. markExecuting shows the export as
// "executing" until the job finishes.
func (s *Server) runJobLocked(r *http.Request, dv *dataview, e *export, operation string, markExecuting bool) *job {
	before := e.info.Status
	if markExecuting {
		e.info.Status = mammoth.ExportStatusExecuting
		dv.touch()
	}
	started := s.timestamp()
	var j *job
	finish := func(now time.Time, status mammoth.ExportStatus, result string) {
		if dv.byID[*e.info.ID] != e {
			return // deleted while running
		}
		if e.info.Status == mammoth.ExportStatusSuspended {
			e.beforeSuspend = status
		} else {
			e.info.Status = status
		}
		e.info.ExecutionStartTime = &mammoth.Timestamp{Time: started}
		e.info.ExecutionEndTime = &mammoth.Timestamp{Time: now}
		e.info.LastRunResult = map[string]any{"status": result, "job_id": float64(j.id)}
		dv.touch()
	}
	succeed := func(now time.Time) map[string]any {
		finish(now, mammoth.ExportStatusExecuted, "success")
		e.info.ErrorInfo = nil
		switch e.info.HandlerType {
		case mammoth.HandlerTypeS3:
			return map[string]any{"url": s.fileLinkLocked(dv.ref, e), "trigger_id": float64(*e.info.ID)}
		case mammoth.HandlerTypeInternalDataset:
			tp := e.info.TargetProperties
			if tp == nil {
				tp = map[string]any{}
				e.info.TargetProperties = tp
			}
			if tp["TARGET_DS_ID"] == nil {
				s.lastDatasetID++
				tp["TARGET_DS_ID"] = float64(s.lastDatasetID)
			}
		}
		return map[string]any{}
	}
	fail := func(now time.Time, reason string) {
		if before == mammoth.ExportStatusExecuting {
			before = mammoth.ExportStatusAdded
		}
		finish(now, before, "failure")
		e.info.ErrorInfo = map[string]any{"error": reason}
	}
	j = s.startJobLocked(r, operation, succeed, fail)
	return j
}

// exportPatch is one item of an EditExport body.
type exportPatch struct {
	Op    *string         `json:"op"`
	Path  *string         `json:"path"`
	Value json.RawMessage `json:"value"`
	spec  *mammoth.AddExportSpec
}

// handleEditExport serves PATCH P/pipeline/exports/{export_id}: the
// patches are all checked, then applied in order.
func (s *Server) handleEditExport(w http.ResponseWriter, r *http.Request, body []byte) {
	var p problems
	ref := pathRef(r, &p)
	id := pathExportID(r, &p)
	skipValidationParam(r, &p)
	var req struct {
		Patches *[]exportPatch `json:"patches"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		p.add("body", "patches", "must be a list of {op, path, value} objects")
	} else if req.Patches == nil {
		p.add("body", "patches", "field required")
	}
	var patches []exportPatch
	if req.Patches != nil {
		patches = *req.Patches
	}
	for i := range patches {
		checkPatch(&patches[i], "patches["+strconv.Itoa(i)+"].", ref, &p)
	}
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	dv, e := s.lockExport(w, ref, id)
	if e == nil {
		return
	}
	if msg := rehearse(e, patches); msg != "" {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, msg, nil)
		return
	}
	if cp := s.patchConditionProblemsLocked(ref, patches); len(cp) > 0 {
		s.mu.Unlock()
		writeProblems(w, r, cp)
		return
	}
	if dv.pipe().draft.Active() && len(patches) > 0 {
		m := dv.holdLocked(pendingChange{kind: pendingPatches, id: id, patches: patches}, mammoth.ExportStatusEdited)
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, m)
		return
	}
	last, status, _ := s.applyPatchesLocked(r, dv, e, patches)
	s.mu.Unlock()
	writeJSON(w, status, last)
}

// applyPatchesLocked applies checked patches to an export in order, and
// returns the last one's answer and status, and the jobs it started.
func (s *Server) applyPatchesLocked(r *http.Request, dv *dataview, e *export, patches []exportPatch) (last any, status int, jobs []*job) {
	id := *e.info.ID
	status = http.StatusOK
	for _, pt := range patches {
		status = http.StatusOK
		switch *pt.Path {
		case "suspend":
			if e.info.Status != mammoth.ExportStatusSuspended {
				e.beforeSuspend = e.info.Status
				e.info.Status = mammoth.ExportStatusSuspended
			}
		case "restore":
			if e.info.Status == mammoth.ExportStatusSuspended {
				e.info.Status = e.beforeSuspend
				if e.info.Status == "" {
					e.info.Status = mammoth.ExportStatusAdded
				}
			}
		case "discard":
			dv.remove(id)
			last = changed(id, mammoth.ExportStatusDeleted)
			continue
		case "run":
			j := s.runJobLocked(r, dv, e, "run_export", true)
			last, status = map[string]any{"job": j.wire()}, http.StatusAccepted
			jobs = append(jobs, j)
			continue
		case "params":
			s.applySpecLocked(dv, e, pt.spec)
			e.info.Status = mammoth.ExportStatusEdited
			if pt.spec.RunImmediately {
				j := s.runJobLocked(r, dv, e, "edit_export", true)
				last, status = map[string]any{"job": j.wire()}, http.StatusAccepted
				jobs = append(jobs, j)
				continue
			}
		}
		dv.touch()
		last = changed(id, e.info.Status)
	}
	return last, status, jobs
}

// checkPatch validates one patch's op, path and value.
func checkPatch(pt *exportPatch, prefix string, ref mammoth.DataviewRef, p *problems) {
	switch {
	case pt.Op == nil:
		p.add("body", prefix+"op", "field required")
	case *pt.Op != "command" && *pt.Op != "replace":
		p.add("body", prefix+"op", `must be "command" or "replace"`)
	}
	switch {
	case pt.Path == nil:
		p.add("body", prefix+"path", "field required")
		return
	case pt.Op == nil:
		return
	case *pt.Op == "command":
		switch *pt.Path {
		case "run", "suspend", "restore", "discard":
		default:
			p.add("body", prefix+"path", `a command must be "run", "suspend", "restore" or "discard"`)
		}
	case *pt.Op == "replace":
		if *pt.Path != "params" {
			p.add("body", prefix+"path", `replace applies only to "params"`)
			return
		}
		if len(pt.Value) == 0 || string(pt.Value) == "null" {
			p.add("body", prefix+"value", "must be an AddExportSpec to replace params")
			return
		}
		pt.spec = decodeSpec(pt.Value, ref, prefix+"value.", p)
	}
}

// rehearse walks the patches over the export's status without changing it,
// and says why they cannot be applied, or "".
func rehearse(e *export, patches []exportPatch) string {
	id := *e.info.ID
	st := e.info.Status
	for i, pt := range patches {
		if st == mammoth.ExportStatusDeleted {
			return fmt.Sprintf("patch %d: export %d was discarded by an earlier patch", i, id)
		}
		switch *pt.Path {
		case "discard":
			st = mammoth.ExportStatusDeleted
		case "suspend":
			st = mammoth.ExportStatusSuspended
		case "restore":
			st = mammoth.ExportStatusAdded
		case "run":
			if st == mammoth.ExportStatusSuspended {
				return fmt.Sprintf("patch %d: export %d is suspended; restore it before running it", i, id)
			}
		}
	}
	return ""
}

// skipValidationParam checks the optional skip_validation boolean; the fake
// validates nothing that it could skip, so its value is otherwise unused.
func skipValidationParam(r *http.Request, p *problems) {
	queryBool(r.URL.Query(), "skip_validation", p)
}

// handleDeleteExport serves DELETE P/pipeline/exports/{export_id}.
func (s *Server) handleDeleteExport(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	ref := pathRef(r, &p)
	id := pathExportID(r, &p)
	skipValidationParam(r, &p)
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	dv, _ := s.lockExport(w, ref, id)
	if dv == nil {
		return
	}
	if dv.pipe().draft.Active() {
		m := dv.holdLocked(pendingChange{kind: pendingDelete, id: id}, mammoth.ExportStatusDeleted)
		s.mu.Unlock()
		writeJSON(w, http.StatusCreated, m)
		return
	}
	dv.remove(id)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, changed(id, mammoth.ExportStatusDeleted))
}
