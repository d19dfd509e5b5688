package mammothtest_test

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/internal/schematest"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	pipelineSuffix = "/pipeline"
	draftSuffix    = "/draft-mode"
)

// pythonWaitForPipeline replays the newer Python SDK's wait_for_pipeline:
// GET P/pipeline with no query until state is ready, runtime_error or
// ref_error. It returns the polls' bodies.
func pythonWaitForPipeline(t *testing.T, s *mammothtest.Server) []map[string]any {
	t.Helper()
	var polls []map[string]any
	for range 20 {
		a := raw(t, s, "GET", dvPath(testRef)+pipelineSuffix, nil)
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		body := a.object(t)
		polls = append(polls, body)
		switch body["state"] {
		case "ready", "runtime_error", "ref_error":
			return polls
		}
	}
	t.Fatal("the pipeline never reached a final state")
	return nil
}

// pythonRefresh replays the newer Python SDK's View.refresh(): the
// pipeline's items with the __standard fields, then the dataview at the
// latest task sequence among them (0 without tasks).
func pythonRefresh(t *testing.T, s *mammothtest.Server) map[string]any {
	t.Helper()
	a := raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items?fields=__standard", nil)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	latest := 0
	items, _ := a.object(t)["items"].([]any)
	for _, it := range items {
		item, _ := it.(map[string]any)
		if seq, ok := item["sequence"].(float64); ok && item["item_type"] == "task" && item["status"] != "deleted" && int(seq) > latest {
			latest = int(seq)
		}
	}
	a = raw(t, s, "GET", dvPath(testRef)+"?sequence="+strconv.Itoa(latest), nil)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	view := a.object(t)
	assert.Equal(t, float64(testRef.DataviewID), view["id"])
	assert.Contains(t, view, "metadata")
	return view
}

func draftOp(t *testing.T, s *mammothtest.Server, op string) answer {
	t.Helper()
	return raw(t, s, "POST", dvPath(testRef)+draftSuffix, map[string]any{"draft_operation": op})
}

// TestPythonSDK_DraftContextManagerSubmits replays `with view.draft():`
// ending cleanly: enter, a change, submit, the pipeline wait, the dataview
// re-read, exit.
func TestPythonSDK_DraftContextManagerSubmits(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := draftOp(t, s, "enter")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"draft_mode": "clean"}, a.object(t))

	a = raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	added := a.object(t)
	assert.Equal(t, "added", added["status"])
	assert.NotContains(t, added, "job", "the SDK reads a body without a job as the saved trigger")

	a = draftOp(t, s, "submit")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"draft_mode": "clean"}, a.object(t))
	polls := pythonWaitForPipeline(t, s)
	assert.Equal(t, "staged", polls[0]["state"], "the first poll sees the submitted run")
	assert.Equal(t, "clean", polls[0]["draft_mode"])
	pythonRefresh(t, s)

	a = draftOp(t, s, "exit")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"draft_mode": "off"}, a.object(t))
	exports := s.Exports(testRef)
	require.Len(t, exports, 1)
	assert.Equal(t, num(t, added["trigger_id"]), *exports[0].ID)
}

// TestPythonSDK_DraftContextManagerDiscards replays `with view.draft():`
// ending in an exception: enter, a change, discard, exit, the dataview
// re-read.
func TestPythonSDK_DraftContextManagerDiscards(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})
	require.Equal(t, http.StatusOK, draftOp(t, s, "enter").status)
	a := raw(t, s, "DELETE", dvPath(testRef)+exportsSuffix+"/"+strconv.Itoa(ids[0]), nil)
	require.Equal(t, http.StatusCreated, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"trigger_id": float64(ids[0]), "status": "deleted", "future_id": nil}, a.object(t))

	a = draftOp(t, s, "discard")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"draft_mode": "clean"}, a.object(t))
	a = draftOp(t, s, "exit")
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"draft_mode": "off"}, a.object(t))
	pythonRefresh(t, s)
	assert.Len(t, s.Exports(testRef), 1)
}

// TestPythonSDK_DraftStatus replays get_draft_status: GET P/pipeline with
// no query, reading draft_mode as a string.
func TestPythonSDK_DraftStatus(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	read := func() any {
		a := raw(t, s, "GET", dvPath(testRef)+pipelineSuffix, nil)
		require.Equal(t, http.StatusOK, a.status)
		body := a.object(t)
		assert.NotContains(t, body, "stats", "stats only with __full")
		assert.Equal(t, []string{"auto_run", "draft_mode", "executing_task_id", "execution_state", "staged_task_ids", "state"}, keys(body))
		return body["draft_mode"]
	}
	assert.Equal(t, "off", read())
	draftOp(t, s, "enter")
	assert.Equal(t, "clean", read())
	raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
	assert.Equal(t, "dirty", read())
}

// TestPythonSDK_Rerun replays PipelineAPI.rerun: with from_sequence a JSON
// body; without, no body and no Content-Type at all. Both answer a job,
// which the SDK then polls.
func TestPythonSDK_Rerun(t *testing.T) {
	t.Parallel()
	for _, body := range []any{map[string]any{"from_sequence": 2}, nil} {
		s := newServer(t)
		a := raw(t, s, "POST", dvPath(testRef)+pipelineSuffix+"/rerun", body)
		require.Equal(t, http.StatusAccepted, a.status, "%s", a.body)
		job := a.object(t)["job"].(map[string]any)
		reqs := s.Requests()
		assert.Equal(t, body == nil, reqs[len(reqs)-1].Header.Get("Content-Type") == "")
		final, _ := pollJob(t, s, num(t, job["id"]))
		assert.Equal(t, "success", final["status"])
	}
}

// TestPythonSDK_SetAutoRun replays View.set_auto_run: op "command", a bare
// boolean value, and an object answer (the SDK refuses arrays here).
func TestPythonSDK_SetAutoRun(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := raw(t, s, "PATCH", dvPath(testRef)+pipelineSuffix, map[string]any{
		"patches": []any{map[string]any{"op": "command", "path": "auto_run", "value": false}},
	})
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, map[string]any{"auto_run": false}, a.object(t))
	assert.Equal(t, mammoth.DraftModeOff, s.Pipeline(testRef).DraftMode)
}

func TestDraftMode_Transitions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		from   []string // ops that set the state up
		op     string
		status int
		mode   string
	}{
		{nil, "enter", 200, "clean"},
		{nil, "exit", 400, ""},
		{nil, "submit", 400, ""},
		{nil, "discard", 400, ""},
		{[]string{"enter"}, "enter", 400, ""},
		{[]string{"enter"}, "submit", 200, "clean"},
		{[]string{"enter"}, "discard", 200, "clean"},
		{[]string{"enter"}, "exit", 200, "off"},
		{[]string{"enter", "add"}, "exit", 400, ""},
		{[]string{"enter", "add"}, "submit", 200, "clean"},
		{[]string{"enter", "add"}, "discard", 200, "clean"},
		{[]string{"enter", "add"}, "enter", 400, ""},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.from, "+")+">"+tt.op, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			for _, op := range tt.from {
				if op == "add" {
					require.Equal(t, 201, raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef)).status)
					continue
				}
				require.Equal(t, 200, draftOp(t, s, op).status)
			}
			before := s.Pipeline(testRef).DraftMode
			a := draftOp(t, s, tt.op)
			require.Equal(t, tt.status, a.status, "%s", a.body)
			body := a.object(t)
			if tt.status == 400 {
				assert.Equal(t, []string{"detail", "extra", "status_code"}, keys(body))
				assert.Equal(t, before, s.Pipeline(testRef).DraftMode, "a refused transition changes nothing")
				return
			}
			assert.Equal(t, tt.mode, body["draft_mode"])
		})
	}
}

func TestDraftMode_BadBodies(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, body := range []any{`{"command":"enter"}`, `{"draft_operation":"commit"}`, `[]`, `{"draft_operation":null}`, ""} {
		a := raw(t, s, "POST", dvPath(testRef)+draftSuffix, body)
		assert.Equal(t, http.StatusBadRequest, a.status, "%v: %s", body, a.body)
	}
	assert.Equal(t, mammoth.DraftModeOff, s.Pipeline(testRef).DraftMode)
}

func TestEditPipeline_BadBodies(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	bulk := func(v any) map[string]any {
		return map[string]any{"op": "command", "path": "suspend", "value": v}
	}
	for name, body := range map[string]any{
		"no patches":    map[string]any{},
		"two patches":   map[string]any{"patches": []any{bulk(map[string]any{"export_ids": []int{1}}), bulk(map[string]any{"export_ids": []int{1}})}},
		"zero patches":  map[string]any{"patches": []any{}},
		"bad op":        map[string]any{"patches": []any{map[string]any{"op": "add", "path": "run"}}},
		"bad path":      map[string]any{"patches": []any{map[string]any{"op": "command", "path": "explode"}}},
		"no ids":        map[string]any{"patches": []any{bulk(map[string]any{})}},
		"auto_run null": map[string]any{"patches": []any{map[string]any{"op": "command", "path": "auto_run", "value": nil}}},
	} {
		a := raw(t, s, "PATCH", dvPath(testRef)+pipelineSuffix, body)
		assert.Equal(t, http.StatusBadRequest, a.status, "%s: %s", name, a.body)
	}
	a := raw(t, s, "PATCH", dvPath(testRef)+pipelineSuffix+"?force_run=maybe", map[string]any{
		"patches": []any{map[string]any{"op": "command", "path": "run"}}})
	assert.Equal(t, http.StatusBadRequest, a.status)
	a = raw(t, s, "POST", dvPath(testRef)+pipelineSuffix+"/rerun", map[string]any{"from_sequence": -1})
	assert.Equal(t, http.StatusBadRequest, a.status)
	for _, mp := range [][2]string{{"DELETE", pipelineSuffix}, {"GET", pipelineSuffix + "/rerun"}, {"POST", pipelineSuffix + "/items"}, {"GET", draftSuffix}} {
		assert.Equal(t, http.StatusMethodNotAllowed, raw(t, s, mp[0], dvPath(testRef)+mp[1], nil).status, mp)
	}
	assert.Equal(t, http.StatusUnauthorized, rawWith(t, s, "GET", dvPath(testRef)+pipelineSuffix, nil, nil).status)
	assert.Equal(t, http.StatusNotFound, raw(t, s, "GET", "/workspaces/4/projects/7/datasets/121/dataviews/1/pipeline", nil).status)
}

func TestPipelineRun_MovesThroughTheStatesAsPolledOrAsTimePasses(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline})
	require.Equal(t, 202, raw(t, s, "POST", dvPath(testRef)+pipelineSuffix+"/rerun", map[string]any{}).status)
	var seen []string
	for range 4 {
		body := raw(t, s, "GET", dvPath(testRef)+pipelineSuffix, nil).object(t)
		seen = append(seen, body["state"].(string)+"/"+body["execution_state"].(string))
	}
	assert.Equal(t, []string{"staged/submitted", "ready/running", "ready/exports_running", "ready/idle"}, seen)
	assert.Equal(t, mammoth.ExportStatusExecuted, s.Exports(testRef)[0].Status)

	// With a step duration, time moves it on too; Pipeline() is no poll.
	var mu sync.Mutex
	now := mustTime("2026-01-02T03:04:05Z")
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	s2 := newServer(t, mammothtest.WithPipelineStepDuration(time.Minute), mammothtest.WithClock(clock))
	require.Equal(t, 202, raw(t, s2, "POST", dvPath(testRef)+pipelineSuffix+"/rerun", nil).status)
	assert.Equal(t, mammoth.PipelineExecutionSubmitted, s2.Pipeline(testRef).ExecutionState)
	mu.Lock()
	now = now.Add(5 * time.Minute)
	mu.Unlock()
	p := s2.Pipeline(testRef)
	assert.Equal(t, mammoth.PipelineExecutionIdle, p.ExecutionState)
	assert.True(t, p.Settled())
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestItems_FieldsPagingAndFilters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	task := s.AddTask(testRef)
	s.SeedExports(testRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, Sequence: mammoth.Ptr(1)},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, Status: mammoth.ExportStatusSuspended})
	a := raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items", nil)
	require.Equal(t, http.StatusOK, a.status)
	body := a.object(t)
	items := body["items"].([]any)
	require.Len(t, items, 3)
	last := items[2].(map[string]any) // sorted by id: the task's is highest
	assert.Equal(t, float64(task), last["id"])
	assert.NotContains(t, last, "item_type", "item_type is in no preset")
	assert.Contains(t, last, "row_count")
	assert.NotContains(t, last, "handler_type", "a task has no export keys")
	assert.Contains(t, items[0].(map[string]any), "handler_type")
	assert.NotContains(t, items[0].(map[string]any), "row_count", "an export has no task keys")
	assert.Equal(t, "", body["next"])

	a = raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items?fields=item_type,id&limit=1&offset=1&sort=(id:desc)", nil)
	body = a.object(t)
	assert.Equal(t, []any{map[string]any{"item_type": "export", "id": float64(102)}}, body["items"])
	a = raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items?fields=item_type,id&sort=(sequence:desc),(id:asc)", nil)
	assert.Equal(t, []any{
		map[string]any{"item_type": "export", "id": float64(101)},
		map[string]any{"item_type": "task", "id": float64(task)},
		map[string]any{"item_type": "export", "id": float64(102)},
	}, a.object(t)["items"], "sequence 1 (an export and the task, by id) before the other export's 0")
	assert.Contains(t, body["next"], "offset=2")

	a = raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items?sequence=1&fields=id", nil)
	assert.Equal(t, []any{map[string]any{"id": float64(101)}, map[string]any{"id": float64(task)}}, a.object(t)["items"])
	a = raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items?status=suspended&fields=id", nil)
	assert.Equal(t, []any{map[string]any{"id": float64(102)}}, a.object(t)["items"])
	for _, q := range []string{"limit=101", "offset=-1", "sort=(name:asc)", "status=gone", "fields=nope"} {
		assert.Equal(t, http.StatusBadRequest, raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items?"+q, nil).status, q)
	}
}

// TestPipelineRoutes_BodiesMatchTheOpenAPIDocument drives every new route
// through its answers and checks each body against the facts of
// openapi/mammoth-pipeline.json kept in testdata/schema. The document
// declares the draft-mode 400 without a body and no 404 for it; the fake
// sends the API's error body for both (see the package documentation), so
// error answers are checked against the error schema the other pipeline
// operations declare.
func TestPipelineRoutes_BodiesMatchTheOpenAPIDocument(t *testing.T) {
	t.Parallel()
	facts, err := schematest.Load(filepath.Join("..", "testdata", "schema", "pipeline.json"))
	require.NoError(t, err)
	exportFacts, err := schematest.Load(filepath.Join("..", "testdata", "schema", "exports-jobs.json"))
	require.NoError(t, err)
	s := newServer(t)
	s.AddTask(testRef)
	ids := s.SeedExports(testRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeInternalDataset, TriggerType: mammoth.TriggerTypeNone},
		mammoth.ItemExportInfo{})
	p := dvPath(testRef)
	patch := func(path string, value any) map[string]any {
		return map[string]any{"patches": []any{map[string]any{"op": "command", "path": path, "value": value}}}
	}
	bulk := map[string]any{"export_ids": ids[:2], "task_ids": nil}
	steps := []struct {
		method, path string
		body         any
	}{
		{"GET", p + "/pipeline", nil},
		{"GET", p + "/pipeline?fields=__full", nil},
		{"GET", p + "/pipeline?fields=state,stats", nil},
		{"POST", p + "/pipeline/rerun", map[string]any{"from_sequence": 1}},
		{"POST", p + "/pipeline/rerun", map[string]any{}},
		{"POST", p + "/pipeline/rerun", nil},
		{"GET", p + "/pipeline", nil},
		{"GET", p + "/pipeline?fields=__full", nil},
		{"GET", p + "/pipeline", nil},
		{"GET", p + "/pipeline?fields=__full", nil},
		{"GET", p + "/pipeline/items", nil},
		{"GET", p + "/pipeline/items?fields=__full", nil},
		{"GET", p + "/pipeline/items?fields=__min&limit=1", nil},
		{"GET", p + "/pipeline/items?fields=item_type,has_refferror,reference_errors,error_info", nil},
		{"PATCH", p + "/pipeline", patch("suspend", bulk)},
		{"PATCH", p + "/pipeline", patch("restore", bulk)},
		{"PATCH", p + "/pipeline", patch("auto_run", false)},
		{"PATCH", p + "/pipeline", patch("run", nil)},
		{"PATCH", p + "/pipeline", patch("reset", nil)},
		{"PATCH", p + "/pipeline", patch("reorder", nil)},
		{"PATCH", p + "/pipeline", patch("discard-changes", nil)},
		{"POST", p + "/draft-mode", map[string]any{"draft_operation": "enter"}},
		{"POST", p + "/draft-mode", map[string]any{"draft_operation": "enter"}},
		{"POST", p + "/pipeline/exports", s3Spec(testRef)},
		{"PATCH", p + "/pipeline", patch("discard", map[string]any{"export_ids": ids[2:]})},
		{"GET", p + "/pipeline?fields=__full", nil},
		{"POST", p + "/draft-mode", map[string]any{"draft_operation": "exit"}},
		{"PATCH", p + "/pipeline", patch("submit-changes", nil)},
		{"POST", p + "/draft-mode", map[string]any{"draft_operation": "submit"}},
		{"GET", p + "/pipeline?fields=__full", nil},
		{"POST", p + "/draft-mode", map[string]any{"draft_operation": "discard"}},
		{"POST", p + "/draft-mode", map[string]any{"draft_operation": "exit"}},
		{"POST", p + "/draft-mode", map[string]any{"draft_operation": "bogus"}},
		{"PATCH", p + "/pipeline", patch("discard", map[string]any{"export_ids": []int{999999}})},
		{"PATCH", p + "/pipeline", patch("discard", bulk)},
		{"GET", p + "/pipeline?fields=__full", nil},
		{"GET", "/workspaces/4/projects/7/datasets/121/dataviews/999/pipeline", nil},
		{"GET", "/workspaces/4/projects/7/datasets/121/dataviews/999/pipeline/items", nil},
		{"POST", "/workspaces/4/projects/7/datasets/121/dataviews/999/pipeline/rerun", map[string]any{}},
		{"GET", p + "/pipeline/items?limit=500", nil},
	}
	errSchema := facts.Operations["GET /workspaces/{workspace_id}/projects/{project_id}/datasets/{dataset_id}/dataviews/{dataview_id}/pipeline"].Responses["404"].(map[string]any)
	statuses := map[int]bool{}
	for _, st := range steps {
		a := raw(t, s, st.method, st.path, st.body)
		statuses[a.status] = true
		path, _, _ := strings.Cut(st.path, "?")
		doc := facts
		if strings.Contains(path, "/pipeline/exports") {
			doc = exportFacts
		}
		var errs []string
		if a.status >= 400 {
			var v any
			require.NoError(t, jsonUnmarshal(a.body, &v))
			errs = facts.CheckValue(errSchema, v, "$")
		} else {
			errs = doc.CheckResponse(st.method, path, a.status, a.body)
		}
		assert.Empty(t, errs, "%s %s answered %d %s", st.method, st.path, a.status, a.body)
		if st.body != nil && a.status < 300 {
			b, _ := jsonMarshal(st.body)
			assert.Empty(t, doc.CheckRequest(st.method, path, b), "the test's own request %s %s", st.method, st.path)
		}
	}
	for _, want := range []int{200, 202, 400, 404} {
		assert.True(t, statuses[want], "no answer with status %d was checked", want)
	}
}

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func TestDraftMode_HeldChangesApplyInOrderOnSubmit(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})
	id := strconv.Itoa(ids[0])
	require.Equal(t, 200, draftOp(t, s, "enter").status)

	a := raw(t, s, "PATCH", dvPath(testRef)+exportsSuffix+"/"+id, map[string]any{"patches": []any{}})
	require.Equal(t, 200, a.status)
	assert.Equal(t, "null", string(a.body))
	assert.Equal(t, mammoth.DraftModeClean, s.Pipeline(testRef).DraftMode, "an empty edit holds nothing")

	cmd := func(path string) map[string]any {
		return map[string]any{"patches": []any{map[string]any{"op": "command", "path": path, "value": nil}}}
	}
	require.Equal(t, 200, raw(t, s, "PATCH", dvPath(testRef)+exportsSuffix+"/"+id, cmd("suspend")).status)
	require.Equal(t, 200, raw(t, s, "PATCH", dvPath(testRef)+exportsSuffix+"/"+id, cmd("restore")).status)
	a = raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
	require.Equal(t, 201, a.status)
	added := num(t, a.object(t)["trigger_id"])
	require.Equal(t, 201, raw(t, s, "DELETE", dvPath(testRef)+exportsSuffix+"/"+id, nil).status)
	// A held change to an export that is not live yet is 404.
	assert.Equal(t, 404, raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"/"+strconv.Itoa(added), nil).status)
	assert.Equal(t, mammoth.DraftModeDirty, s.Pipeline(testRef).DraftMode)
	assert.Len(t, s.Exports(testRef), 1, "nothing applied yet")

	require.Equal(t, 200, draftOp(t, s, "submit").status)
	exports := s.Exports(testRef)
	require.Len(t, exports, 1, "the seeded export deleted, the new one added")
	assert.Equal(t, added, *exports[0].ID)
	assert.Equal(t, mammoth.DraftModeClean, s.Pipeline(testRef).DraftMode)
	jobs := s.Jobs()
	require.Len(t, jobs, 1, "the add with run_immediately starts its job")
	assert.Equal(t, "add_export", jobs[0].Operation)
	assert.Equal(t, mammoth.JobStatusProcessing, jobs[0].Status)
	pythonWaitForPipeline(t, s)
	for range 3 {
		raw(t, s, "GET", dvPath(testRef)+pipelineSuffix, nil)
	}
	p := s.Pipeline(testRef)
	assert.True(t, p.Settled())
	assert.Equal(t, mammoth.JobStatusSuccess, s.Jobs()[0].Status, "it finishes with the run")
	assert.Equal(t, mammoth.ExportStatusExecuted, s.Exports(testRef)[0].Status)
}

// TestPipelineRoutes_ConcurrentClients drives the new routes from many
// goroutines at once (run it with -race): every answer is one the routes
// document, and the draft ends in a state some transition leads to.
func TestPipelineRoutes_ConcurrentClients(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := s.SeedExports(testRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})
	bulk := map[string]any{"patches": []any{map[string]any{"op": "command", "path": "suspend", "value": map[string]any{"export_ids": ids}}}}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				var a answer
				switch (g + i) % 6 {
				case 0:
					a = draftOp(t, s, []string{"enter", "submit", "discard", "exit"}[i%4])
				case 1:
					a = raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
				case 2:
					a = raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"?fields=__full", nil)
				case 3:
					a = raw(t, s, "POST", dvPath(testRef)+pipelineSuffix+"/rerun", nil)
				case 4:
					a = raw(t, s, "PATCH", dvPath(testRef)+pipelineSuffix, bulk)
				case 5:
					a = raw(t, s, "GET", dvPath(testRef)+pipelineSuffix+"/items?limit=3", nil)
				}
				if a.status != 200 && a.status != 201 && a.status != 202 && a.status != 400 {
					t.Errorf("unexpected %d: %s", a.status, a.body)
				}
			}
		}()
	}
	wg.Wait()
	s.CompleteRuns()
	p := s.Pipeline(testRef)
	assert.True(t, p.Settled())
	assert.True(t, p.DraftMode.IsKnown())
}
