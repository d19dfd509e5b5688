package mammothtest

import (
	"encoding/json"
	"net/http"
	"strconv"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// pendingKind is what a change held in a draft does when submitted.
type pendingKind int

const (
	pendingAdd     pendingKind = iota // add a new export with the reserved id
	pendingReplace                    // replace an export's configuration (an add with TRIGGER_ID)
	pendingPatches                    // apply export patches (an edit, or a bulk command)
	pendingDelete                     // delete an export
)

// pendingChange is a change held in a draft.
type pendingChange struct {
	kind    pendingKind
	id      int
	spec    *mammoth.AddExportSpec
	patches []exportPatch
}

// holdLocked keeps a change in the dataview's draft, which becomes dirty,
// and returns the modification answer reporting status st.
func (dv *dataview) holdLocked(c pendingChange, st mammoth.ExportStatus) modification {
	pl := dv.pipe()
	pl.pending = append(pl.pending, c)
	pl.draft = mammoth.DraftModeDirty
	return changed(c.id, st)
}

// holdAddLocked holds an add, or an add that names an existing export
// (e), reserving the new export's id.
func (s *Server) holdAddLocked(dv *dataview, e *export, spec *mammoth.AddExportSpec) modification {
	if e != nil {
		return dv.holdLocked(pendingChange{kind: pendingReplace, id: *e.info.ID, spec: spec}, mammoth.ExportStatusEdited)
	}
	s.lastExportID++
	return dv.holdLocked(pendingChange{kind: pendingAdd, id: s.lastExportID, spec: spec}, mammoth.ExportStatusAdded)
}

// submitLocked applies the draft's changes in order, leaving the draft
// clean. What they start (jobs of adds and edits that run at once, and a
// pipeline run when anything changed) finishes with that run. Changes to an
// export that no longer exists are dropped.
func (s *Server) submitLocked(r *http.Request, dv *dataview) {
	pl := dv.pipe()
	pending := pl.pending
	pl.pending = nil
	pl.draft = mammoth.DraftModeClean
	if len(pending) == 0 {
		return
	}
	var jobs []*job
	for _, c := range pending {
		e := dv.byID[c.id]
		switch c.kind {
		case pendingAdd:
			e = s.newExportWithIDLocked(dv, c.id, c.spec)
			if c.spec.RunImmediately {
				jobs = append(jobs, s.runJobLocked(r, dv, e, "add_export", false))
			}
		case pendingReplace:
			if e == nil {
				continue
			}
			s.applySpecLocked(dv, e, c.spec)
			e.info.Status = mammoth.ExportStatusEdited
			if c.spec.RunImmediately {
				jobs = append(jobs, s.runJobLocked(r, dv, e, "edit_export", true))
			}
		case pendingPatches:
			if e == nil || rehearse(e, c.patches) != "" {
				continue
			}
			_, _, started := s.applyPatchesLocked(r, dv, e, c.patches)
			jobs = append(jobs, started...)
		case pendingDelete:
			dv.remove(c.id)
		}
	}
	pl.lastModifiedAt = s.timestamp()
	s.startRunLocked(dv, jobs)
}

// discardLocked drops the draft's changes, leaving it clean. Ids reserved
// for discarded adds are not reused.
func (dv *dataview) discardLocked() {
	pl := dv.pipe()
	pl.pending = nil
	pl.draft = mammoth.DraftModeClean
}

// handleDraftCommand serves POST P/draft-mode {"draft_operation": op}, with
// the transitions the package documentation lists; an illegal one is 400.
func (s *Server) handleDraftCommand(w http.ResponseWriter, r *http.Request, body []byte) {
	var p problems
	ref := pathRef(r, &p)
	var req struct {
		Op *string `json:"draft_operation"`
	}
	var op string
	switch {
	case json.Unmarshal(body, &req) != nil:
		p.add("body", "draft_operation", "body must be a JSON object")
	case req.Op == nil:
		p.add("body", "draft_operation", "field required")
	default:
		op = *req.Op
		switch op {
		case "enter", "exit", "submit", "discard":
		default:
			p.add("body", "draft_operation", `must be one of "enter", "exit", "submit", "discard", got `+strconv.Quote(op))
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
	var refusal string
	name := "dataview " + strconv.Itoa(ref.DataviewID)
	switch {
	case op == "enter" && pl.draft.Active():
		refusal = name + " is already in draft mode"
	case op == "enter":
		pl.draft = mammoth.DraftModeClean
	case !pl.draft.Active():
		refusal = name + " is not in draft mode"
	case op == "submit":
		s.submitLocked(r, dv)
	case op == "discard":
		dv.discardLocked()
	case op == "exit" && pl.draft == mammoth.DraftModeDirty:
		refusal = name + " has changes held in draft mode; submit or discard them before exiting"
	case op == "exit":
		pl.draft = mammoth.DraftModeOff
	}
	mode := pl.draft
	s.mu.Unlock()
	if refusal != "" {
		writeError(w, http.StatusBadRequest, refusal, nil)
		return
	}
	writeJSON(w, http.StatusOK, map[string]mammoth.DraftMode{"draft_mode": mode})
}
