package mammothtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// publishAnswer is the API's ObjectJobSchema.
type publishAnswer struct {
	StatusCode    int     `json:"status_code"`
	JobID         int     `json:"job_id"`
	FailureReason *string `json:"failure_reason"`
}

func validOdbcType(v string) bool {
	return v == string(mammoth.OdbcTypePostgres) || v == string(mammoth.OdbcTypeBigQuery)
}

// Publication returns where the dataview was last asked to be published,
// and whether it has been.
func (s *Server) Publication(ref mammoth.DataviewRef) (Publication, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dv := s.dataviews[ref]; dv != nil && dv.publication != nil {
		return *dv.publication, true
	}
	return Publication{}, false
}

// handlePublish serves POST P/publish-to-db.
func (s *Server) handlePublish(w http.ResponseWriter, r *http.Request, body []byte) {
	var p problems
	ref := pathRef(r, &p)
	var req struct {
		OdbcType         *string `json:"odbc_type"`
		TargetProperties *struct {
			Table *string `json:"table"`
		} `json:"target_properties"`
	}
	switch err := json.Unmarshal(body, &req); {
	case err != nil:
		p.add("body", "", "must be {\"odbc_type\": ..., \"target_properties\": {\"table\": ...}}")
	default:
		switch {
		case req.OdbcType == nil:
			p.add("body", "odbc_type", "field required")
		case !validOdbcType(*req.OdbcType):
			p.add("body", "odbc_type", `must be "postgres" or "bigquery"`)
		}
		switch {
		case req.TargetProperties == nil:
			p.add("body", "target_properties", "field required")
		case req.TargetProperties.Table == nil:
			p.add("body", "target_properties.table", "field required")
		case *req.TargetProperties.Table == "":
			p.add("body", "target_properties.table", "must not be empty")
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
	dv.publication = &Publication{OdbcType: mammoth.OdbcType(*req.OdbcType), Table: *req.TargetProperties.Table}
	j := s.startJobLocked(r, "publish_to_db", emptyResponse, nil)
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, publishAnswer{StatusCode: http.StatusAccepted, JobID: j.id})
}

// handleUpdatePublish serves PATCH P/publish-to-db.
func (s *Server) handleUpdatePublish(w http.ResponseWriter, r *http.Request, body []byte) {
	var p problems
	ref := pathRef(r, &p)
	var req struct {
		Patch *[]struct {
			Op    *string            `json:"op"`
			Path  *string            `json:"path"`
			Value *map[string]string `json:"value"`
		} `json:"patch"`
	}
	var odbcType string
	switch err := json.Unmarshal(body, &req); {
	case err != nil:
		p.add("body", "patch", "must be a list of {op, path, value} objects whose values are odbc types")
	case req.Patch == nil:
		p.add("body", "patch", "field required")
	case len(*req.Patch) == 0:
		p.add("body", "patch", "must hold at least one operation")
	}
	if req.Patch != nil {
		for i, op := range *req.Patch {
			prefix := "patch[" + strconv.Itoa(i) + "]."
			if op.Op == nil || *op.Op != "replace" {
				p.add("body", prefix+"op", `must be "replace"`)
			}
			if op.Path == nil || *op.Path != "credentials" {
				p.add("body", prefix+"path", `must be "credentials"`)
			}
			if op.Value == nil {
				p.add("body", prefix+"value", "field required")
				continue
			}
			for k, v := range *op.Value {
				if !validOdbcType(v) {
					p.add("body", prefix+"value."+k, `must be "postgres" or "bigquery"`)
				}
			}
			if v, ok := (*op.Value)["odbc_type"]; ok {
				odbcType = v
			}
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
	if dv.publication == nil {
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "dataview "+strconv.Itoa(ref.DataviewID)+" is not published", nil)
		return
	}
	if odbcType != "" {
		dv.publication.OdbcType = mammoth.OdbcType(odbcType)
	}
	j := s.startJobLocked(r, "update_publish_to_db", emptyResponse, nil)
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, publishAnswer{StatusCode: http.StatusAccepted, JobID: j.id})
}

func emptyResponse(time.Time) map[string]any { return map[string]any{} }
