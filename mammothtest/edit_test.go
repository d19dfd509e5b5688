package mammothtest_test

import (
	"net/http"
	"strconv"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func command(path string) map[string]any {
	return map[string]any{"patches": []any{map[string]any{"op": "command", "path": path, "value": nil}}}
}

func exportPath(id int) string {
	return dvPath(testRef) + exportsSuffix + "/" + strconv.Itoa(id)
}

func TestCommandsChangeStatus(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, Status: mammoth.ExportStatusExecuted})[0]
	status := func() mammoth.ExportStatus {
		e, ok := s.Export(testRef, id)
		require.True(t, ok)
		return e.Status
	}
	mod := func(st string) string {
		return `{"trigger_id":` + strconv.Itoa(id) + `,"status":"` + st + `","future_id":null}`
	}

	a := raw(t, s, "PATCH", exportPath(id), command("suspend"))
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.JSONEq(t, mod("suspended"), string(a.body))
	assert.Equal(t, mammoth.ExportStatusSuspended, status())

	a = raw(t, s, "PATCH", exportPath(id), command("suspend"))
	assert.JSONEq(t, mod("suspended"), string(a.body), "suspending twice is harmless")

	a = raw(t, s, "PATCH", exportPath(id), command("run"))
	assert.Equal(t, http.StatusBadRequest, a.status, "a suspended export does not run")
	assert.Contains(t, a.object(t)["detail"], "suspended")

	a = raw(t, s, "PATCH", exportPath(id)+"?skip_validation=True", command("restore"))
	require.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, mod("executed"), string(a.body), "restore returns to the status before the suspend")

	a = raw(t, s, "PATCH", exportPath(id), command("run"))
	require.Equal(t, http.StatusAccepted, a.status)
	job := a.object(t)["job"].(map[string]any)
	assert.Equal(t, "run_export", job["operation"])
	assert.Equal(t, "/api/v2"+exportPath(id), job["path"])
	assert.Equal(t, mammoth.ExportStatusExecuting, status())
	done, _ := pollJob(t, s, num(t, job["id"]))
	assert.Equal(t, "success", done["status"])
	assert.Contains(t, done["response"], "url")
	assert.Equal(t, mammoth.ExportStatusExecuted, status())

	a = raw(t, s, "PATCH", exportPath(id), command("discard"))
	require.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, mod("deleted"), string(a.body))
	assert.Empty(t, s.Exports(testRef))
	assert.Equal(t, http.StatusNotFound, raw(t, s, "GET", exportPath(id), nil).status)
}

func TestRestoreOfFreshExportGoesBackToAdded(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, addSpec(testRef, "s3", "pipeline", false, map[string]any{"file": "x.csv"}))
	require.Equal(t, http.StatusAccepted, a.status)
	id := *s.Exports(testRef)[0].ID
	raw(t, s, "PATCH", exportPath(id), command("suspend"))
	a = raw(t, s, "PATCH", exportPath(id), command("restore"))
	assert.Equal(t, "added", a.object(t)["status"])
}

func TestRunFailureRestoresStatus(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypePostgres, Status: mammoth.ExportStatusExecuted})[0]
	s.FailJobs("connection refused")
	a := raw(t, s, "PATCH", exportPath(id), command("run"))
	require.Equal(t, http.StatusAccepted, a.status)
	job, _ := pollJob(t, s, num(t, a.object(t)["job"].(map[string]any)["id"]))
	assert.Equal(t, "failure", job["status"])
	e, _ := s.Export(testRef, id)
	assert.Equal(t, mammoth.ExportStatusExecuted, e.Status)
	assert.Equal(t, map[string]any{"error": "connection refused"}, e.ErrorInfo)

	full := raw(t, s, "GET", exportPath(id)+"?fields=__full", nil).object(t)
	assert.Equal(t, map[string]any{"error": "connection refused"}, full["error_info"])
	std := raw(t, s, "GET", exportPath(id), nil).object(t)
	assert.NotContains(t, std, "error_info", "only __full shows error_info")
}

func TestReplaceParams(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})[0]
	spec := addSpec(testRef, "s3", "schedule", false, map[string]any{"file": "new.csv"})
	spec["end_of_pipeline"] = false
	spec["sequence"] = 2
	body := map[string]any{"patches": []any{map[string]any{"op": "replace", "path": "params", "value": spec}}}
	a := raw(t, s, "PATCH", exportPath(id), body)
	require.Equal(t, http.StatusOK, a.status, "%s", a.body)
	assert.Equal(t, "edited", a.object(t)["status"])
	e, _ := s.Export(testRef, id)
	assert.Equal(t, mammoth.ExportStatusEdited, e.Status)
	assert.Equal(t, mammoth.TriggerTypeSchedule, e.TriggerType)
	assert.Equal(t, "new.csv", e.TargetProperties["file"])
	assert.False(t, *e.EndOfPipeline)
	assert.Equal(t, 2, *e.Sequence)

	spec["run_immediately"] = true
	a = raw(t, s, "PATCH", exportPath(id), body)
	require.Equal(t, http.StatusAccepted, a.status)
	assert.Contains(t, a.object(t), "job")
}

func TestEditBadBodies(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SeedExports(testRef, mammoth.ItemExportInfo{})[0]
	patch := func(op, path string, value any) map[string]any {
		return map[string]any{"patches": []any{map[string]any{"op": op, "path": path, "value": value}}}
	}
	badSpec := s3Spec(testRef)
	delete(badSpec, "handler_type")
	tests := []struct {
		name string
		body any
		key  string
	}{
		{"not json", "{", "patches"},
		{"no patches", map[string]any{}, "patches"},
		{"singular patch", map[string]any{"patch": []any{}}, "patches"},
		{"unknown op", patch("delete", "run", nil), "patches[0].op"},
		{"resume is not a command", patch("command", "resume", nil), "patches[0].path"},
		{"command params", patch("command", "params", nil), "patches[0].path"},
		{"replace a command", patch("replace", "run", nil), "patches[0].path"},
		{"replace without value", patch("replace", "params", nil), "patches[0].value"},
		{"replace with bad spec", patch("replace", "params", badSpec), "patches[0].value.handler_type"},
		{"missing op", map[string]any{"patches": []any{map[string]any{"path": "run"}}}, "patches[0].op"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := raw(t, s, "PATCH", exportPath(id), tt.body)
			require.Equal(t, http.StatusBadRequest, a.status, "%s", a.body)
			item := a.object(t)["extra"].([]any)[0].(map[string]any)
			assert.Equal(t, tt.key, item["key"])
		})
	}
	a := raw(t, s, "PATCH", exportPath(id)+"?skip_validation=perhaps", command("suspend"))
	assert.Equal(t, http.StatusBadRequest, a.status)

	a = raw(t, s, "PATCH", exportPath(id), map[string]any{"patches": []any{}})
	require.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, "null", string(a.body), "no patches: 200 with a JSON null")

	e, _ := s.Export(testRef, id)
	assert.Equal(t, mammoth.ExportStatusAdded, e.Status, "nothing applied")
}

func TestEditAppliesPatchesInOrder(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SeedExports(testRef, mammoth.ItemExportInfo{Status: mammoth.ExportStatusExecuted})[0]
	both := map[string]any{"patches": []any{
		map[string]any{"op": "command", "path": "suspend", "value": nil},
		map[string]any{"op": "command", "path": "restore", "value": nil},
		map[string]any{"op": "command", "path": "suspend", "value": nil},
	}}
	a := raw(t, s, "PATCH", exportPath(id), both)
	assert.Equal(t, "suspended", a.object(t)["status"])

	afterDiscard := map[string]any{"patches": []any{
		map[string]any{"op": "command", "path": "discard", "value": nil},
		map[string]any{"op": "command", "path": "suspend", "value": nil},
	}}
	a = raw(t, s, "PATCH", exportPath(id), afterDiscard)
	assert.Equal(t, http.StatusBadRequest, a.status)
	_, ok := s.Export(testRef, id)
	assert.True(t, ok, "a refused edit changes nothing")
}

func TestDeleteExport(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := s.SeedExports(testRef, mammoth.ItemExportInfo{}, mammoth.ItemExportInfo{}, mammoth.ItemExportInfo{})
	a := raw(t, s, "DELETE", exportPath(ids[1])+"?skip_validation=true", nil)
	require.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, `{"trigger_id":`+strconv.Itoa(ids[1])+`,"status":"deleted","future_id":null}`, string(a.body))
	assert.Equal(t, []int{ids[0], ids[2]}, listIDs(t, s, ""))
	assert.Len(t, s.Exports(testRef), 2)

	a = raw(t, s, "DELETE", exportPath(ids[1]), nil)
	assert.Equal(t, http.StatusNotFound, a.status)
	assert.JSONEq(t, `{"status_code":404,"detail":"Not Found","extra":{}}`, string(a.body))
	assert.Equal(t, http.StatusBadRequest, raw(t, s, "DELETE", exportPath(ids[0])+"?skip_validation=x", nil).status)
}

func TestPublishToDB(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	path := dvPath(testRef) + "/publish-to-db"

	a := raw(t, s, "PATCH", path, map[string]any{"patch": []any{map[string]any{"op": "replace", "path": "credentials", "value": map[string]any{"odbc_type": "bigquery"}}}})
	assert.Equal(t, http.StatusBadRequest, a.status, "nothing published yet")

	a = raw(t, s, "POST", path, map[string]any{"odbc_type": "postgres", "target_properties": map[string]any{"table": "Transaction_view_1"}})
	require.Equal(t, http.StatusAccepted, a.status, "%s", a.body)
	body := a.object(t)
	assert.Equal(t, []string{"failure_reason", "job_id", "status_code"}, keys(body))
	assert.EqualValues(t, 202, body["status_code"])
	assert.Nil(t, body["failure_reason"])
	job, _ := pollJob(t, s, num(t, body["job_id"]))
	assert.Equal(t, "success", job["status"])
	assert.Equal(t, "publish_to_db", job["operation"])
	pub, ok := s.Publication(testRef)
	require.True(t, ok)
	assert.Equal(t, mammothtest.Publication{OdbcType: mammoth.OdbcTypePostgres, Table: "Transaction_view_1"}, pub)

	a = raw(t, s, "PATCH", path, map[string]any{"patch": []any{map[string]any{"op": "replace", "path": "credentials", "value": map[string]any{"odbc_type": "bigquery"}}}})
	require.Equal(t, http.StatusAccepted, a.status, "%s", a.body)
	assert.Positive(t, num(t, a.object(t)["job_id"]))
	pub, _ = s.Publication(testRef)
	assert.Equal(t, mammoth.OdbcTypeBigQuery, pub.OdbcType)

	bad := []struct {
		method string
		body   any
	}{
		{"POST", "{"},
		{"POST", map[string]any{"odbc_type": "mysql", "target_properties": map[string]any{"table": "t"}}},
		{"POST", map[string]any{"odbc_type": "postgres"}},
		{"POST", map[string]any{"odbc_type": "postgres", "target_properties": map[string]any{"table": ""}}},
		{"POST", map[string]any{"target_properties": map[string]any{"table": "t"}}},
		{"PATCH", map[string]any{"patches": []any{}}},
		{"PATCH", map[string]any{"patch": []any{}}},
		{"PATCH", map[string]any{"patch": []any{map[string]any{"op": "add", "path": "credentials", "value": map[string]any{"odbc_type": "postgres"}}}}},
		{"PATCH", map[string]any{"patch": []any{map[string]any{"op": "replace", "path": "table", "value": map[string]any{"odbc_type": "postgres"}}}}},
		{"PATCH", map[string]any{"patch": []any{map[string]any{"op": "replace", "path": "credentials"}}}},
		{"PATCH", map[string]any{"patch": []any{map[string]any{"op": "replace", "path": "credentials", "value": map[string]any{"odbc_type": "oracle"}}}}},
	}
	for _, tt := range bad {
		a := raw(t, s, tt.method, path, tt.body)
		assert.Equal(t, http.StatusBadRequest, a.status, "%s %v", tt.method, tt.body)
		assert.EqualValues(t, 400, a.object(t)["status_code"])
	}
	other := testRef
	other.DataviewID++
	a = raw(t, s, "POST", dvPath(other)+"/publish-to-db", map[string]any{"odbc_type": "postgres", "target_properties": map[string]any{"table": "t"}})
	assert.Equal(t, http.StatusNotFound, a.status)
}

func TestPublishJobCanFail(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithJobPolls(0))
	s.FailNextJobs(1, mammothtest.JobFailure{Reason: "no such schema", Shape: mammothtest.ReasonInFailureReason})
	a := raw(t, s, "POST", dvPath(testRef)+"/publish-to-db", map[string]any{"odbc_type": "postgres", "target_properties": map[string]any{"table": "t"}})
	require.Equal(t, http.StatusAccepted, a.status)
	job, _ := pollJob(t, s, num(t, a.object(t)["job_id"]))
	assert.Equal(t, "failure", job["status"])
	assert.Equal(t, map[string]any{"failure_reason": "no such schema"}, job["response"])
}

func TestFilteredListsFollowChanges(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := s.SeedExports(testRef, make([]mammoth.ItemExportInfo, 5)...)
	const q = "status=suspended&sort=%28id%3Adesc%29"
	assert.Empty(t, listIDs(t, s, q))
	raw(t, s, "PATCH", exportPath(ids[1]), command("suspend"))
	raw(t, s, "PATCH", exportPath(ids[3]), command("suspend"))
	assert.Equal(t, []int{ids[3], ids[1]}, listIDs(t, s, q))
	raw(t, s, "PATCH", exportPath(ids[3]), command("restore"))
	assert.Equal(t, []int{ids[1]}, listIDs(t, s, q))
	s.SeedExports(testRef, mammoth.ItemExportInfo{Status: mammoth.ExportStatusSuspended})
	assert.Len(t, listIDs(t, s, q), 2)
	raw(t, s, "DELETE", exportPath(ids[1]), nil)
	assert.Len(t, listIDs(t, s, q), 1)
}
