package mammoth

import (
	"encoding/json"
	"strconv"
)

// An export is a trigger. The API models a dataview's exports as the
// triggers of its pipeline, so the same id goes by several names: the id
// of an [ItemExportInfo], the exportID argument of this package's calls,
// the TRIGGER_ID an [AddExportSpec] names to replace an export, and the
// "trigger_id" of the API's answers, which say which export a change or a
// job concerns.

// TriggerID returns the id of the export the job ran, read from the
// response's "trigger_id" where the API sends it: the finished job of an
// S3 export (file or CSV), next to the file's "url". ok is false for other
// jobs, including one still processing and those of other handlers, whose
// responses carry no export id.
func (j *Job) TriggerID() (id int, ok bool) {
	if j == nil {
		return 0, false
	}
	var resp struct {
		TriggerID json.RawMessage `json:"trigger_id"`
	}
	if json.Unmarshal(j.Response, &resp) != nil {
		return 0, false
	}
	return positiveID(resp.TriggerID)
}

// positiveID reads an id sent as a JSON integer or as a decimal string.
func positiveID(raw json.RawMessage) (int, bool) {
	var n json.Number
	if len(raw) == 0 || json.Unmarshal(raw, &n) != nil {
		return 0, false
	}
	id, err := strconv.Atoi(n.String())
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}

// ExportID returns the id of the export a change concerns, where the
// answer says it: the modification's trigger_id (an add answered 201 in
// draft mode, an edit, a command, a delete), or the trigger_id of the
// answer's job when it already carries one. ok is false when the answer
// names no export, as the API's usual answer to an add does: 202 with a
// job that is still processing.
//
// For such an add, wait for the job: [Job.TriggerID] of the finished job
// is the export's id for an S3 export. For other handlers the API's
// documents show no trigger_id in the job; find the export by what makes it unique in the dataview (its
// handler type and target properties, such as an S3 export's file name or
// a dataset export's DS_NAME) with [ExportsService.AllExports], the highest
// id winning if there are several.
func (c *ExportChange) ExportID() (id int, ok bool) {
	switch {
	case c == nil:
		return 0, false
	case c.Modification != nil && c.Modification.TriggerID > 0:
		return c.Modification.TriggerID, true
	}
	return c.Job.TriggerID()
}
