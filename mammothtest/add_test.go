package mammothtest_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var jobKeys = []string{"created_at", "id", "last_updated_at", "operation", "path", "response", "status"}

func TestAddExportAnswers202WithJob(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, addSpec(testRef, "postgres", "pipeline", false, map[string]any{"table": "t"}))
	require.Equal(t, http.StatusAccepted, a.status, "%s", a.body)
	assert.Equal(t, []string{"job"}, keys(a.object(t)))
	job := a.object(t)["job"].(map[string]any)
	assert.Equal(t, jobKeys, keys(job))
	assert.Equal(t, "processing", job["status"])
	assert.Equal(t, map[string]any{}, job["response"])
	assert.Equal(t, "/api/v2"+dvPath(testRef)+exportsSuffix, job["path"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$`, job["created_at"])
	assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$`, job["last_updated_at"])

	exps := s.Exports(testRef)
	require.Len(t, exps, 1)
	e := exps[0]
	assert.Equal(t, mammoth.ExportStatusAdded, e.Status)
	assert.Equal(t, mammoth.HandlerTypePostgres, e.HandlerType)
	assert.Equal(t, mammoth.TriggerTypePipeline, e.TriggerType)
	assert.Equal(t, testRef.DataviewID, *e.DataviewID)
	assert.Equal(t, mammoth.RawTargetProperties{"table": "t"}, e.TargetProperties)
	assert.True(t, *e.EndOfPipeline)
	assert.True(t, *e.Runnable)
	assert.NotNil(t, e.LastModifiedTime)

	finished, polls := pollJob(t, s, num(t, job["id"]))
	assert.Equal(t, 2, polls, "one poll sees processing, the next success")
	assert.Equal(t, "success", finished["status"])
	assert.Equal(t, map[string]any{}, finished["response"])
	assert.Equal(t, mammoth.ExportStatusAdded, s.Exports(testRef)[0].Status, "not run: stays added")
}

func TestAddS3RunsAndPointsToFile(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
	require.Equal(t, http.StatusAccepted, a.status)
	jobID := num(t, a.object(t)["job"].(map[string]any)["id"])
	exp := s.Exports(testRef)[0]
	assert.Equal(t, mammoth.ExportStatusAdded, exp.Status)

	job, _ := pollJob(t, s, jobID)
	require.Equal(t, "success", job["status"])
	resp := job["response"].(map[string]any)
	assert.Equal(t, []string{"trigger_id", "url"}, keys(resp))
	assert.EqualValues(t, *exp.ID, resp["trigger_id"])
	link := resp["url"].(string)
	assert.True(t, strings.HasPrefix(link, s.FileURL()+"/exports/"), link)
	assert.Contains(t, link, "/temp_export_121_2311.csv?")

	exp = s.Exports(testRef)[0]
	assert.Equal(t, mammoth.ExportStatusExecuted, exp.Status)
	assert.NotNil(t, exp.ExecutionStartTime)
	assert.NotNil(t, exp.ExecutionEndTime)
	assert.Equal(t, "success", exp.LastRunResult["status"])

	dl := rawWith(t, s, "GET", link, nil, nil)
	assert.Equal(t, http.StatusOK, dl.status)
	assert.Equal(t, mammothtest.DefaultCSV, string(dl.body))
}

func TestAddInternalDatasetFillsTargetDatasetID(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	spec := addSpec(testRef, "internal_dataset", "pipeline", true, map[string]any{
		"DS_NAME": "branch", "TARGET_DS_ID": nil, "COLUMN_MAPPING": map[string]any{},
	})
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, spec)
	require.Equal(t, http.StatusAccepted, a.status)
	assert.Nil(t, s.Exports(testRef)[0].TargetProperties["TARGET_DS_ID"])

	job, _ := pollJob(t, s, num(t, a.object(t)["job"].(map[string]any)["id"]))
	assert.Equal(t, "success", job["status"])
	assert.Equal(t, map[string]any{}, job["response"])

	list := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?handler_type=internal_dataset", nil).object(t)
	e := list["exports"].([]any)[0].(map[string]any)
	assert.Equal(t, "executed", e["status"])
	tp := e["target_properties"].(map[string]any)
	assert.Equal(t, "branch", tp["DS_NAME"])
	assert.Positive(t, num(t, tp["TARGET_DS_ID"]))
}

func TestAddDraftModes(t *testing.T) {
	t.Parallel()
	t.Run("draft", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, mammothtest.WithAddMode(mammothtest.AddAsDraft))
		a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
		require.Equal(t, http.StatusCreated, a.status)
		id := *s.Exports(testRef)[0].ID
		assert.JSONEq(t, `{"trigger_id":`+strconv.Itoa(id)+`,"status":"added","future_id":null}`, string(a.body))
		assert.Empty(t, s.Jobs())
	})
	t.Run("draft with future id", func(t *testing.T) {
		t.Parallel()
		s := newServer(t, mammothtest.WithAddMode(mammothtest.AddAsDraftWithFutureID))
		a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
		require.Equal(t, http.StatusCreated, a.status)
		body := a.object(t)
		assert.Equal(t, "added", body["status"])
		assert.EqualValues(t, *s.Exports(testRef)[0].ID, body["trigger_id"])
		job, _ := pollJob(t, s, num(t, body["future_id"]))
		assert.Equal(t, "success", job["status"])
		assert.Contains(t, job["response"], "url")
	})
}

func TestAddValidateOnly(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	spec := s3Spec(testRef)
	spec["validate_only"] = true
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, spec)
	require.Equal(t, http.StatusCreated, a.status)
	assert.JSONEq(t, `{"trigger_id":0,"status":null,"future_id":null}`, string(a.body))
	assert.Empty(t, s.Exports(testRef))
	assert.Empty(t, s.Jobs())
}

func TestAddWithTriggerIDEditsExport(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, Status: mammoth.ExportStatusExecuted})[0]
	spec := addSpec(testRef, "postgres", "schedule", false, map[string]any{"table": "x"})
	spec["TRIGGER_ID"] = id
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, spec)
	require.Equal(t, http.StatusAccepted, a.status)
	exps := s.Exports(testRef)
	require.Len(t, exps, 1)
	assert.Equal(t, mammoth.ExportStatusEdited, exps[0].Status)
	assert.Equal(t, mammoth.HandlerTypePostgres, exps[0].HandlerType)

	spec["TRIGGER_ID"] = 424242
	a = raw(t, s, "POST", dvPath(testRef)+exportsSuffix, spec)
	assert.Equal(t, http.StatusNotFound, a.status)
}

func TestAddBadBodies(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	without := func(key string) map[string]any {
		spec := s3Spec(testRef)
		delete(spec, key)
		return spec
	}
	with := func(key string, v any) map[string]any {
		spec := s3Spec(testRef)
		spec[key] = v
		return spec
	}
	tests := []struct {
		name     string
		body     any
		wantKeys []string
	}{
		{"not json", "{", []string{""}},
		{"empty", "", []string{""}},
		{"array", "[]", []string{""}},
		{"null", "null", []string{""}},
		{"empty object", "{}", []string{"DATAVIEW_ID", "handler_type", "trigger_type", "run_immediately"}},
		{"no DATAVIEW_ID", without("DATAVIEW_ID"), []string{"DATAVIEW_ID"}},
		{"no handler_type", without("handler_type"), []string{"handler_type"}},
		{"no trigger_type", without("trigger_type"), []string{"trigger_type"}},
		{"no run_immediately", without("run_immediately"), []string{"run_immediately"}},
		{"null handler_type", with("handler_type", nil), []string{"handler_type"}},
		{"other dataview", with("DATAVIEW_ID", 1), []string{"DATAVIEW_ID"}},
		{"string DATAVIEW_ID", with("DATAVIEW_ID", "2311"), []string{"DATAVIEW_ID"}},
		{"unknown handler", with("handler_type", "dropbox"), []string{"handler_type"}},
		{"unknown trigger", with("trigger_type", "hourly"), []string{"trigger_type"}},
		{"negative sequence", with("sequence", -1), []string{"sequence"}},
		{"list target", with("target_properties", []any{1}), []string{"target_properties"}},
		{"string flag", with("run_immediately", "yes"), []string{"run_immediately"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, tt.body)
			require.Equal(t, http.StatusBadRequest, a.status, "%s", a.body)
			body := a.object(t)
			assert.EqualValues(t, 400, body["status_code"])
			var got []string
			for _, item := range body["extra"].([]any) {
				got = append(got, item.(map[string]any)["key"].(string))
				assert.Equal(t, "body", item.(map[string]any)["source"])
			}
			assert.Equal(t, tt.wantKeys, got)
		})
	}
	// Optional keys may be left out: the API's defaults apply.
	minimal := map[string]any{"DATAVIEW_ID": testRef.DataviewID, "handler_type": "s3", "trigger_type": "none", "run_immediately": false}
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, minimal)
	require.Equal(t, http.StatusAccepted, a.status, "%s", a.body)
	e := s.Exports(testRef)[0]
	assert.True(t, *e.EndOfPipeline)
	assert.Equal(t, mammoth.RawTargetProperties{}, e.TargetProperties)
	assert.Equal(t, map[string]any{}, e.Condition)
}

func TestJobPolls(t *testing.T) {
	t.Parallel()
	for _, n := range []int{0, 1, 3} {
		t.Run(strconv.Itoa(n), func(t *testing.T) {
			t.Parallel()
			s := newServer(t, mammothtest.WithJobPolls(n))
			a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
			require.Equal(t, http.StatusAccepted, a.status)
			_, polls := pollJob(t, s, num(t, a.object(t)["job"].(map[string]any)["id"]))
			assert.Equal(t, n+1, polls)
		})
	}
}

func TestGetJobs(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var ids []string
	for range 3 {
		a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
		ids = append(ids, strconv.Itoa(num(t, a.object(t)["job"].(map[string]any)["id"])))
	}
	list := func(q string) answer { return raw(t, s, "GET", "/jobs?job_ids="+q, nil) }

	a := list(strings.Join(ids, ","))
	require.Equal(t, http.StatusOK, a.status)
	jobs := a.object(t)["jobs"].([]any)
	require.Len(t, jobs, 3)
	for i, j := range jobs {
		job := j.(map[string]any)
		assert.Equal(t, jobKeys, keys(job))
		assert.Equal(t, ids[i], strconv.Itoa(num(t, job["id"])))
		assert.Equal(t, "processing", job["status"])
	}
	// Each appearance counts as a poll.
	jobs = list(ids[2] + "," + ids[0] + ",999999," + ids[0]).object(t)["jobs"].([]any)
	require.Len(t, jobs, 2, "unknown ids are left out, repeated ones appear once")
	assert.Equal(t, ids[2], strconv.Itoa(num(t, jobs[0].(map[string]any)["id"])))
	assert.Equal(t, "success", jobs[0].(map[string]any)["status"])

	for _, bad := range []string{"", "abc", "1,,2", "1,-2", "1;2"} {
		a := list(bad)
		assert.Equal(t, http.StatusBadRequest, a.status, bad)
		assert.EqualValues(t, 400, a.object(t)["status_code"])
	}
	assert.Equal(t, http.StatusBadRequest, raw(t, s, "GET", "/jobs", nil).status)
}

func TestJobFailureShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		fail       func(s *mammothtest.Server)
		wantStatus string
		wantResp   map[string]any
	}{
		{"FailJobs", func(s *mammothtest.Server) { s.FailJobs("disk full") }, "failure", map[string]any{"error": "disk full"}},
		{"failure_reason", func(s *mammothtest.Server) {
			s.FailNextJobs(1, mammothtest.JobFailure{Reason: "quota", Shape: mammothtest.ReasonInFailureReason})
		}, "failure", map[string]any{"failure_reason": "quota"}},
		{"nested detail", func(s *mammothtest.Server) {
			s.FailNextJobs(1, mammothtest.JobFailure{Reason: "bad creds", Shape: mammothtest.ReasonInNestedDetail, Status: mammoth.JobStatusError})
		}, "error", map[string]any{"response": map[string]any{"detail": "bad creds"}}},
		{"default reason", func(s *mammothtest.Server) { s.FailNextJobs(1, mammothtest.JobFailure{}) }, "failure", map[string]any{"error": "export failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			tt.fail(s)
			a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
			require.Equal(t, http.StatusAccepted, a.status)
			job, _ := pollJob(t, s, num(t, a.object(t)["job"].(map[string]any)["id"]))
			assert.Equal(t, tt.wantStatus, job["status"])
			assert.Equal(t, tt.wantResp, job["response"])
			e := s.Exports(testRef)[0]
			assert.Equal(t, mammoth.ExportStatusAdded, e.Status, "a failed run leaves the export as it was")
			assert.NotEmpty(t, e.ErrorInfo["error"])
			assert.Equal(t, "failure", e.LastRunResult["status"])
		})
	}
}

func TestFailNextJobsCountsDown(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithJobPolls(0))
	s.FailJobs("always")
	s.FailNextJobs(2, mammothtest.JobFailure{Reason: "first two"})
	var got []any
	for range 4 {
		a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
		job, _ := pollJob(t, s, num(t, a.object(t)["job"].(map[string]any)["id"]))
		got = append(got, job["response"].(map[string]any)["error"])
	}
	assert.Equal(t, []any{"first two", "first two", "always", "always"}, got)

	s.FailJobs("")
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
	job, _ := pollJob(t, s, num(t, a.object(t)["job"].(map[string]any)["id"]))
	assert.Equal(t, "success", job["status"])
}

func TestFailJobAndCompleteJobs(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithJobPolls(100))
	var ids []int
	for range 2 {
		a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
		ids = append(ids, num(t, a.object(t)["job"].(map[string]any)["id"]))
	}
	assert.True(t, s.FailJob(ids[1], mammothtest.JobFailure{Reason: "late"}))
	assert.False(t, s.FailJob(424242, mammothtest.JobFailure{}))
	s.CompleteJobs()
	jobs := s.Jobs()
	require.Len(t, jobs, 2)
	assert.Equal(t, mammoth.JobStatusSuccess, jobs[0].Status)
	assert.Equal(t, mammoth.JobStatusFailure, jobs[1].Status)
	assert.JSONEq(t, `{"error":"late"}`, string(jobs[1].Response))
	assert.False(t, s.FailJob(ids[0], mammothtest.JobFailure{}), "finished jobs cannot be made to fail")
}

func TestWithClock(t *testing.T) {
	t.Parallel()
	at := time.Date(2025, 10, 19, 14, 17, 7, 810308000, time.UTC)
	s := newServer(t, mammothtest.WithClock(func() time.Time { return at }))
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
	job := a.object(t)["job"].(map[string]any)
	assert.Equal(t, "2025-10-19T14:17:07.810308", job["created_at"])
	e := raw(t, s, "GET", dvPath(testRef)+exportsSuffix, nil).object(t)["exports"].([]any)[0].(map[string]any)
	assert.Equal(t, "2025-10-19T14:17:07.810308", e["last_modified_time"])
}
