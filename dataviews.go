package mammoth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// DataviewsService finds workspaces, projects, datasets and dataviews, and
// reads a dataview's columns. Get it from [Client].Dataviews.
//
// The iterators (AllWorkspaces, AllProjects, AllDatasets, AllDataviews)
// send an explicit limit of 100 and page by offset until the list ends,
// whatever the API's default page size. [DataviewsService.Resolve] finds
// the project and dataset of a dataview from its workspace and id alone.
type DataviewsService service

// Format prints the service without its client's credentials.
func (s *DataviewsService) Format(f fmt.State, verb rune) { fmt.Fprint(f, "mammoth.DataviewsService") }

// GetDataviewOptions tunes [DataviewsService.GetDataview].
type GetDataviewOptions struct {
	// Fields is a comma-separated list of fields, or a preset: [FieldsMin],
	// [FieldsStandard] (the API's default) or [FieldsFull], the only one
	// with TaskwiseInfo, DraftMode and the pipeline fields.
	Fields string
	// Sequence is the pipeline step whose columns Metadata describes; nil
	// means the API's default of 0, the source dataset's columns, not the
	// dataview's (use [DataviewsService.Columns] for those).
	Sequence *int
	// Wait tunes the wait when the API answers 202 with a job instead of
	// the dataview; nil waits as [JobsService.WaitForJob] does by default,
	// on the client's poll schedule ([WithPollInterval]).
	Wait *WaitOptions
}

// maxJobRereads bounds how often one read waits for a job and asks again,
// so that a server answering 202 forever cannot hold a caller for ever.
const maxJobRereads = 5

// GetDataview returns a dataview's information (GET P), every field of the
// API's DataviewInfo that it sends.
//
// When the API answers 202 with a job (the dataview's information is being
// prepared), GetDataview waits for the job with opts.Wait and reads the
// dataview again; a job answer is never returned as a dataview. A job that
// fails is a [*JobFailedError]. An answer with no dataview id is a
// [*DecodeError].
func (s *DataviewsService) GetDataview(ctx context.Context, ref DataviewRef, opts *GetDataviewOptions) (*Dataview, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	var o GetDataviewOptions
	if opts != nil {
		o = *opts
	}
	if o.Sequence != nil && *o.Sequence < 0 {
		return nil, &ValidationError{Field: "GetDataviewOptions.Sequence", Reason: "must not be negative"}
	}
	var q []string
	if o.Fields != "" {
		q = append(q, "fields="+url.QueryEscape(o.Fields))
	}
	if o.Sequence != nil {
		q = append(q, "sequence="+strconv.Itoa(*o.Sequence))
	}
	raw, err := s.getWaiting(ctx, "GetDataview", ref.path(), strings.Join(q, "&"), ref.WorkspaceID, o.Wait)
	if err != nil {
		return nil, err
	}
	dv := new(Dataview)
	if err := json.Unmarshal(raw, dv); err != nil {
		return nil, &DecodeError{Operation: "GetDataview", StatusCode: http.StatusOK, Err: err}
	}
	if !hasKey(raw, "id") {
		return nil, &DecodeError{Operation: "GetDataview", StatusCode: http.StatusOK, Err: errors.New(`response is not a dataview: no "id"`)}
	}
	return dv, nil
}

// getWaiting sends a GET whose answer may be 202 with a job: it waits for
// the job and asks again, at most maxJobRereads times, and returns the
// first answer that is not a job.
func (s *DataviewsService) getWaiting(ctx context.Context, op, path, query string, workspaceID int, wait *WaitOptions) (json.RawMessage, error) {
	for reads := 0; ; reads++ {
		var raw json.RawMessage
		resp, err := s.client.do(ctx, &request{
			op: op, method: http.MethodGet, path: path, query: query,
			workspaceID: workspaceID, idempotent: true,
		}, &raw)
		if err != nil {
			return nil, err
		}
		jobs, isJob, err := jobsAnswer(resp.StatusCode, raw)
		if err != nil {
			return nil, &DecodeError{Operation: op, StatusCode: resp.StatusCode, Err: err}
		}
		if !isJob {
			return raw, nil
		}
		if reads == maxJobRereads {
			return nil, fmt.Errorf("mammoth: %s: the API still answered with a job after %d waits", op, reads)
		}
		for _, job := range jobs {
			if _, err := s.client.Jobs.WaitForJob(ctx, job.ID, wait); err != nil {
				return nil, fmt.Errorf("mammoth: %s: waiting for job %d: %w", op, job.ID, err)
			}
		}
	}
}

// jobsAnswer reports whether an answer is a job rather than the resource:
// any 202, and a 200 that is {"job": {...}} or {"jobs": [...]} without an
// "id" of its own. A 202 must carry at least one job.
func jobsAnswer(status int, raw json.RawMessage) ([]*Job, bool, error) {
	var body struct {
		Job  json.RawMessage   `json:"job"`
		Jobs []json.RawMessage `json:"jobs"`
		ID   json.RawMessage   `json:"id"`
	}
	if json.Unmarshal(raw, &body) != nil {
		if status == http.StatusAccepted {
			return nil, true, errors.New("a 202 answer that is not a job")
		}
		return nil, false, nil
	}
	wrapped := len(body.Job) > 0 || len(body.Jobs) > 0
	if status != http.StatusAccepted && (!wrapped || len(body.ID) > 0) {
		return nil, false, nil
	}
	var jobs []*Job
	if len(body.Job) > 0 && !bytes.Equal(body.Job, []byte("null")) {
		job, err := decodeJob(body.Job)
		if err != nil {
			return nil, true, err
		}
		jobs = append(jobs, job)
	}
	for _, r := range body.Jobs {
		job, err := decodeJob(r)
		if err != nil {
			return nil, true, err
		}
		jobs = append(jobs, job)
	}
	if len(jobs) == 0 {
		return nil, true, errors.New("a 202 answer with no job")
	}
	return jobs, true, nil
}

// hasKey reports whether raw is a JSON object with key set to a non-null
// value.
func hasKey(raw json.RawMessage, key string) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(raw, &m) != nil {
		return false
	}
	v, ok := m[key]
	return ok && !bytes.Equal(v, []byte("null"))
}

// Columns returns the dataview's columns as its pipeline's last step
// leaves them: display name, internal name and type, in the API's order.
// These are the names conditions use; step 0 (the API's default sequence)
// would give the source dataset's columns instead, missing every column a
// pipeline task adds, renames or removes.
//
// It costs one request, GET P?fields=__full: the answer's taskwise_info
// holds each task's columns, keyed by sequence, and the highest sequence
// is the last step; a dataview with no tasks has its columns in metadata.
// Only if the last task's entry carries no column list does it send a
// second request, GET P?sequence=<last>. A 202 answer is waited for, as
// [DataviewsService.GetDataview] does.
func (s *DataviewsService) Columns(ctx context.Context, ref DataviewRef) ([]Column, error) {
	dv, err := s.GetDataview(ctx, ref, &GetDataviewOptions{Fields: FieldsFull})
	if err != nil {
		return nil, err
	}
	metadata := dv.Metadata
	if last, ok := lastStep(dv.TaskwiseInfo); ok {
		if list, ok := metadataList(dv.TaskwiseInfo[strconv.Itoa(last)]["metadata"]); ok && len(list) > 0 {
			metadata = list
		} else {
			atLast, err := s.GetDataview(ctx, ref, &GetDataviewOptions{Sequence: &last})
			if err != nil {
				return nil, err
			}
			metadata = atLast.Metadata
		}
	}
	return parseColumns(metadata)
}

// lastStep returns the highest task sequence among taskwise_info's keys.
func lastStep(info map[string]map[string]any) (int, bool) {
	seqs := make([]int, 0, len(info))
	for k := range info {
		if n, err := strconv.Atoi(strings.TrimSpace(k)); err == nil && n >= 0 {
			seqs = append(seqs, n)
		}
	}
	if len(seqs) == 0 {
		return 0, false
	}
	sort.Ints(seqs)
	return seqs[len(seqs)-1], true
}

// metadataList reads a decoded JSON column list.
func metadataList(v any) ([]map[string]any, bool) {
	list, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]map[string]any, 0, len(list))
	for _, x := range list {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out, true
}

// parseColumns reads column entries: display_name (or name), internal_name
// (or name) and type (TEXT when absent). An entry with neither name is an
// error: a condition could not name it.
func parseColumns(metadata []map[string]any) ([]Column, error) {
	cols := make([]Column, 0, len(metadata))
	for i, m := range metadata {
		str := func(keys ...string) string {
			for _, k := range keys {
				if v, ok := m[k].(string); ok && v != "" {
					return v
				}
			}
			return ""
		}
		c := Column{
			DisplayName:  str("display_name", "name"),
			InternalName: str("internal_name", "name"),
			Type:         ColumnType(strings.ToUpper(str("type"))),
		}
		if c.DisplayName == "" || c.InternalName == "" {
			return nil, &DecodeError{Operation: "Columns", StatusCode: http.StatusOK,
				Err: fmt.Errorf("column %d has no display_name or internal_name", i)}
		}
		if c.Type == "" {
			c.Type = ColumnTypeText
		}
		cols = append(cols, c)
	}
	return cols, nil
}

// ProjectExports returns every export of every dataview of a project
// (GET /workspaces/{w}/projects/{p}/workflows/workspace-exports), in one
// request: the API neither pages nor filters this list. The answer is read
// as a JSON array of exports; an object is read as {"exports": [...]} when
// it has that key, else as a list of one export.
func (s *DataviewsService) ProjectExports(ctx context.Context, workspaceID, projectID int) ([]*ItemExportInfo, error) {
	if err := errors.Join(validateWorkspaceID(workspaceID), validateProjectID(projectID)); err != nil {
		return nil, err
	}
	var raw json.RawMessage
	resp, err := s.client.do(ctx, &request{
		op: "ProjectExports", method: http.MethodGet,
		path:        projectPath(workspaceID, projectID) + "/workflows/workspace-exports",
		workspaceID: workspaceID, idempotent: true,
	}, &raw)
	if err != nil {
		return nil, err
	}
	exports, err := decodeExportList(raw)
	if err != nil {
		return nil, &DecodeError{Operation: "ProjectExports", StatusCode: resp.StatusCode, Err: err}
	}
	return exports, nil
}

func decodeExportList(raw json.RawMessage) ([]*ItemExportInfo, error) {
	var list []*ItemExportInfo
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
		return nonNil(list), nil
	}
	var wrapped struct {
		Exports []*ItemExportInfo `json:"exports"`
	}
	if err := json.Unmarshal(raw, &wrapped); err != nil {
		return nil, err
	}
	if wrapped.Exports != nil {
		return nonNil(wrapped.Exports), nil
	}
	one := new(ItemExportInfo)
	if err := json.Unmarshal(raw, one); err != nil {
		return nil, err
	}
	return []*ItemExportInfo{one}, nil
}

// ResolveCondition returns c in the form the API applies: every column
// named by its internal name at the dataview's last pipeline step, with the
// API's TEXT EQ/NE workaround and operators checked against each column's
// type (see [ParseCondition] and [Col] for writing conditions with display
// names). It never changes c, and resolving its result again changes
// nothing.
//
// It costs the requests of [DataviewsService.Columns], usually one; a
// condition the API would not understand, and the empty condition, cost
// none. An unknown or ambiguous column name, or an operator that does not
// fit a column's type, is a [*ValidationError], the first naming the
// closest columns.
func (s *DataviewsService) ResolveCondition(ctx context.Context, ref DataviewRef, c Condition) (Condition, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	if len(c) == 0 {
		return Condition{}, nil
	}
	cols, err := s.Columns(ctx, ref)
	if err != nil {
		return nil, err
	}
	return resolveCondition(c, cols)
}
