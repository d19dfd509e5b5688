package mammothtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// pipelinePatchPaths are the paths PATCH P/pipeline accepts.
var pipelinePatchPaths = map[string]bool{
	"auto_run": true, "run": true, "submit-changes": true, "reset": true, "discard-changes": true,
	"suspend": true, "restore": true, "discard": true, "reorder": true,
}

// modificationWire is the API's PipelineModificationResp.
type modificationWire struct {
	TypeOfModification string         `json:"type_of_modification"`
	Status             string         `json:"status"`
	HasError           bool           `json:"has_error"`
	ErrorCode          *int           `json:"error_code"`
	ErrorInfo          map[string]any `json:"error_info"`
	FutureID           *int           `json:"future_id"`
	Param              map[string]any `json:"param"`
}

// handleEditPipeline serves PATCH P/pipeline {"patches": [one patch]}, as
// the package documentation describes.
func (s *Server) handleEditPipeline(w http.ResponseWriter, r *http.Request, body []byte) {
	var p problems
	ref := pathRef(r, &p)
	q := r.URL.Query()
	queryBool(q, "skip_validation", &p)
	queryBool(q, "force_run", &p)
	var req struct {
		Patches *[]struct {
			Op    *string         `json:"op"`
			Path  *string         `json:"path"`
			Value json.RawMessage `json:"value"`
		} `json:"patches"`
	}
	var op, path string
	var value json.RawMessage
	switch {
	case json.Unmarshal(body, &req) != nil:
		p.add("body", "patches", "must be a list of {op, path, value} objects")
	case req.Patches == nil:
		p.add("body", "patches", "field required")
	case len(*req.Patches) != 1:
		p.add("body", "patches", "must hold exactly one patch, got "+strconv.Itoa(len(*req.Patches)))
	default:
		pt := (*req.Patches)[0]
		switch {
		case pt.Op == nil:
			p.add("body", "patches[0].op", "field required")
		case *pt.Op != "command" && *pt.Op != "replace":
			p.add("body", "patches[0].op", `must be "command" or "replace"`)
		default:
			op = *pt.Op
		}
		switch {
		case pt.Path == nil:
			p.add("body", "patches[0].path", "field required")
		case !pipelinePatchPaths[*pt.Path]:
			p.add("body", "patches[0].path", "unknown pipeline patch path "+strconv.Quote(*pt.Path))
		default:
			path = *pt.Path
		}
		value = pt.Value
	}
	_ = op // both ops are accepted for every path; the API does not say which goes with which
	var autoRun bool
	var ids struct {
		TaskIDs   *[]int `json:"task_ids"`
		ExportIDs *[]int `json:"export_ids"`
	}
	switch path {
	case "auto_run":
		if json.Unmarshal(value, &autoRun) != nil || string(value) == "null" || len(value) == 0 {
			p.add("body", "patches[0].value", "must be a boolean")
		}
	case "suspend", "restore", "discard":
		if json.Unmarshal(value, &ids) != nil || len(value) == 0 || string(value) == "null" {
			p.add("body", "patches[0].value", "must be an object {task_ids, export_ids} of integer lists")
		} else if (ids.TaskIDs == nil || len(*ids.TaskIDs) == 0) && (ids.ExportIDs == nil || len(*ids.ExportIDs) == 0) {
			p.add("body", "patches[0].value", "must name at least one task or export")
		}
	}
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	dv := s.lockDataview(w, ref)
	if dv == nil {
		return
	}
	pl := dv.pipe()
	done := func(kind, status string) {
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, modificationWire{TypeOfModification: kind, Status: status})
	}
	switch path {
	case "auto_run":
		pl.autoRun = autoRun
		s.mu.Unlock()
		writeJSON(w, http.StatusOK, map[string]bool{"auto_run": autoRun})
	case "run":
		s.startRunLocked(dv, nil)
		done("manual_run", "processing")
	case "reset":
		done("reset_pipeline", "done")
	case "reorder":
		done("reorder_pipeline", "done")
	case "submit-changes", "discard-changes":
		if !pl.draft.Active() {
			s.mu.Unlock()
			writeError(w, http.StatusBadRequest, "dataview "+strconv.Itoa(ref.DataviewID)+" is not in draft mode", nil)
			return
		}
		if path == "discard-changes" {
			dv.discardLocked()
			done("discard_pipeline_changes", "done")
			return
		}
		s.submitLocked(r, dv)
		done("draft_pipeline_submission", "processing")
	default:
		s.bulkLocked(w, r, dv, path, ids.TaskIDs, ids.ExportIDs)
	}
}

// bulkLocked carries out a bulk suspend, restore or discard and unlocks:
// every id must exist (else 404 and nothing changes) and the command must
// be possible for each export (else 400). The answer lists the exports'
// new statuses; in draft mode the changes are held and the answer lists the
// statuses they will have.
func (s *Server) bulkLocked(w http.ResponseWriter, r *http.Request, dv *dataview, path string, taskIDs, exportIDs *[]int) {
	pl := dv.pipe()
	var tasks []*task
	if taskIDs != nil {
		for _, id := range *taskIDs {
			i := findTask(pl.tasks, id)
			if i < 0 {
				s.mu.Unlock()
				writeError(w, http.StatusNotFound, "task "+strconv.Itoa(id)+" not found", nil)
				return
			}
			tasks = append(tasks, pl.tasks[i])
		}
	}
	var exports []*export
	if exportIDs != nil {
		for _, id := range *exportIDs {
			e := dv.byID[id]
			if e == nil {
				s.mu.Unlock()
				writeError(w, http.StatusNotFound, "export "+strconv.Itoa(id)+" not found", nil)
				return
			}
			exports = append(exports, e)
		}
	}
	op, p := "command", path
	patch := []exportPatch{{Op: &op, Path: &p}}
	for _, e := range exports {
		if msg := rehearse(e, patch); msg != "" {
			s.mu.Unlock()
			writeError(w, http.StatusBadRequest, msg, nil)
			return
		}
	}
	out := make([]modification, 0, len(exports))
	draft := pl.draft.Active()
	for _, e := range exports {
		id := *e.info.ID
		if draft {
			out = append(out, dv.holdLocked(pendingChange{kind: pendingPatches, id: id, patches: patch}, bulkStatus(e, path)))
			continue
		}
		out = append(out, changed(id, bulkStatus(e, path)))
		s.applyPatchesLocked(r, dv, e, patch)
	}
	if !draft {
		for _, t := range tasks {
			switch path {
			case "suspend":
				t.status = mammoth.ExportStatusSuspended
			case "restore":
				t.status = mammoth.ExportStatusExecuted
			case "discard":
				pl.tasks = slices.DeleteFunc(pl.tasks, func(x *task) bool { return x == t })
			}
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

// bulkStatus is the status a bulk command leaves an export in.
func bulkStatus(e *export, path string) mammoth.ExportStatus {
	switch path {
	case "suspend":
		return mammoth.ExportStatusSuspended
	case "discard":
		return mammoth.ExportStatusDeleted
	}
	if e.info.Status == mammoth.ExportStatusSuspended {
		if e.beforeSuspend != "" {
			return e.beforeSuspend
		}
		return mammoth.ExportStatusAdded
	}
	return e.info.Status
}

func findTask(tasks []*task, id int) int {
	for i, t := range tasks {
		if t.id == id {
			return i
		}
	}
	return -1
}
