package mammothtest_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestURLAndCredentials(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/api/v2$`, s.URL())
	assert.NotEmpty(t, s.APIKey())
	assert.NotEmpty(t, s.APISecret())
	assert.NotEqual(t, s.APIKey(), s.APISecret())
	other := newServer(t)
	assert.NotEqual(t, s.APISecret(), other.APISecret(), "each server makes its own secret")

	fixed := newServer(t, mammothtest.WithCredentials("k", "s"))
	assert.Equal(t, "k", fixed.APIKey())
	assert.Equal(t, "s", fixed.APISecret())
	a := rawWith(t, fixed, "GET", dvPath(testRef)+exportsSuffix, nil, map[string]string{"X-API-KEY": "k", "X-API-SECRET": "s"})
	assert.Equal(t, http.StatusOK, a.status)
}

func TestUnauthorizedHasNoBody(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	path := dvPath(testRef) + exportsSuffix
	tests := []struct {
		name    string
		headers map[string]string
	}{
		{"no headers", nil},
		{"key only", map[string]string{"X-API-KEY": s.APIKey()}},
		{"secret only", map[string]string{"X-API-SECRET": s.APISecret()}},
		{"wrong secret", map[string]string{"X-API-KEY": s.APIKey(), "X-API-SECRET": s.APISecret() + "x"}},
		{"wrong key", map[string]string{"X-API-KEY": "nope", "X-API-SECRET": s.APISecret()}},
		{"swapped", map[string]string{"X-API-KEY": s.APISecret(), "X-API-SECRET": s.APIKey()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for _, method := range []string{"GET", "POST"} {
				a := rawWith(t, s, method, path, nil, tt.headers)
				assert.Equal(t, http.StatusUnauthorized, a.status)
				assert.Empty(t, a.body)
			}
			a := rawWith(t, s, "GET", "/jobs/1", nil, tt.headers)
			assert.Equal(t, http.StatusUnauthorized, a.status)
			assert.Empty(t, a.body)
		})
	}
	// Header names are case-insensitive on the wire.
	a := rawWith(t, s, "GET", path, nil, map[string]string{"x-api-key": s.APIKey(), "x-api-secret": s.APISecret()})
	assert.Equal(t, http.StatusOK, a.status)
}

func TestNotFoundBodies(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	other := testRef
	other.DatasetID++
	paths := []string{
		dvPath(other) + exportsSuffix,
		dvPath(other) + exportsSuffix + "/1",
		dvPath(testRef) + exportsSuffix + "/999999",
		"/jobs/999999",
		"/no/such/thing",
		"/workspaces/4",
	}
	for _, path := range paths {
		a := raw(t, s, "GET", path, nil)
		assert.Equal(t, http.StatusNotFound, a.status, path)
		assert.JSONEq(t, `{"status_code":404,"detail":"Not Found","extra":{}}`, string(a.body), path)
		assert.Equal(t, "application/json", a.header.Get("Content-Type"))
	}
	for _, method := range []string{"PATCH", "DELETE"} {
		a := raw(t, s, method, dvPath(testRef)+exportsSuffix+"/999999", `{"patches":[]}`)
		assert.Equal(t, http.StatusNotFound, a.status, method)
	}
	a := raw(t, s, "POST", dvPath(other)+exportsSuffix, s3Spec(other))
	assert.Equal(t, http.StatusNotFound, a.status)

	a = raw(t, s, "PUT", dvPath(testRef)+exportsSuffix, nil)
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
	assert.JSONEq(t, `{"status_code":405,"detail":"Method Not Allowed","extra":{}}`, string(a.body))
}

func TestBadPathIDs(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct{ path, key string }{
		{"/workspaces/x/projects/7/datasets/121/dataviews/2311/pipeline/exports", "workspace_id"},
		{"/workspaces/0/projects/7/datasets/121/dataviews/2311/pipeline/exports", "workspace_id"},
		{"/workspaces/4/projects/0/datasets/121/dataviews/2311/pipeline/exports", "project_id"},
		{"/workspaces/4/projects/7/datasets/-1/dataviews/2311/pipeline/exports", "dataset_id"},
		{"/workspaces/4/projects/7/datasets/121/dataviews/0/pipeline/exports", "dataview_id"},
		{"/workspaces/4/projects/7/datasets/121/dataviews/99999999999999999999/pipeline/exports", "dataview_id"},
		{dvPath(testRef) + exportsSuffix + "/abc", "export_id"},
		{dvPath(testRef) + exportsSuffix + "/-3", "export_id"},
		{"/jobs/1.5", "job_id"},
	}
	for _, tt := range tests {
		a := raw(t, s, "GET", tt.path, nil)
		require.Equal(t, http.StatusBadRequest, a.status, tt.path)
		body := a.object(t)
		assert.EqualValues(t, 400, body["status_code"])
		assert.Contains(t, body["detail"], "Validation failed for GET")
		extra := body["extra"].([]any)
		require.Len(t, extra, 1, tt.path)
		item := extra[0].(map[string]any)
		assert.Equal(t, tt.key, item["key"], tt.path)
		assert.Equal(t, "path", item["source"])
		assert.NotEmpty(t, item["message"])
	}
}

// seedVaried seeds 12 exports with every combination the filter tests need.
func seedVaried(s *mammothtest.Server) []int {
	handlers := []mammoth.HandlerType{mammoth.HandlerTypeS3, mammoth.HandlerTypePostgres, mammoth.HandlerTypeInternalDataset}
	statuses := []mammoth.ExportStatus{mammoth.ExportStatusAdded, mammoth.ExportStatusExecuted, mammoth.ExportStatusSuspended, mammoth.ExportStatusEdited}
	var exps []mammoth.ItemExportInfo
	for i := range 12 {
		exps = append(exps, mammoth.ItemExportInfo{
			Sequence:         mammoth.Ptr(i % 3),
			SubSequence:      mammoth.Ptr(i / 3),
			HandlerType:      handlers[i%3],
			TriggerType:      mammoth.TriggerTypePipeline,
			Status:           statuses[i%4],
			EndOfPipeline:    mammoth.Ptr(i%2 == 0),
			Runnable:         mammoth.Ptr(i%3 != 2),
			Reordered:        mammoth.Ptr(i%4 == 1),
			DataPassThrough:  mammoth.Ptr(false),
			TargetProperties: mammoth.RawTargetProperties{"n": i},
			LastModifiedTime: &mammoth.Timestamp{Time: time.Date(2025, 10, 19, 14, 17, 7, 810308000, time.UTC).Add(time.Duration(11-i) * time.Minute)},
		})
	}
	return s.SeedExports(testRef, exps...)
}

// listIDs lists with a raw query and returns the ids of the page.
func listIDs(t *testing.T, s *mammothtest.Server, query string) []int {
	t.Helper()
	a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?"+query, nil)
	require.Equal(t, http.StatusOK, a.status, "%s: %s", query, a.body)
	var ids []int
	for _, e := range a.object(t)["exports"].([]any) {
		ids = append(ids, num(t, e.(map[string]any)["id"]))
	}
	return ids
}

func TestListFilters(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := seedVaried(s)
	pick := func(idx ...int) []int {
		var out []int
		for _, i := range idx {
			out = append(out, ids[i])
		}
		return out
	}
	tests := []struct {
		query string
		want  []int
	}{
		{"", pick(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"sequence=1", pick(1, 4, 7, 10)},
		{"status=suspended", pick(2, 6, 10)},
		{"handler_type=postgres", pick(1, 4, 7, 10)},
		{"reorderd=true", pick(1, 5, 9)},
		{"reorderd=False", pick(0, 2, 3, 4, 6, 7, 8, 10, 11)},
		{"end_of_pipeline=1", pick(0, 2, 4, 6, 8, 10)},
		{"end_of_pipeline=off", pick(1, 3, 5, 7, 9, 11)},
		{"runnable=no", pick(2, 5, 8, 11)},
		{"runnable=yes", pick(0, 1, 3, 4, 6, 7, 9, 10)},
		{"status=executed&handler_type=postgres", pick(1)},
		{"sequence=0&end_of_pipeline=true&runnable=true", pick(0, 6)},
		{"handler_type=s3&reorderd=0&status=added", pick(0)},
		{"sequence=2&runnable=true", nil},
		{"sequence=", pick(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)},
		{"status=edited&limit=1", pick(3)},
		{"status=edited&limit=1&offset=1", pick(7)},
		{"status=edited&offset=5", nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			t.Parallel()
			assert.Equal(t, tt.want, listIDs(t, s, tt.query))
		})
	}
	// The correctly spelled name is not a filter: the API spells it
	// "reorderd".
	assert.Len(t, listIDs(t, s, "reordered=true"), 12)
}

func TestListBooleanForms(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SeedExports(testRef,
		mammoth.ItemExportInfo{Runnable: mammoth.Ptr(true)},
		mammoth.ItemExportInfo{Runnable: mammoth.Ptr(false)},
		mammoth.ItemExportInfo{}, // null matches neither
	)
	for _, v := range []string{"true", "True", "TRUE", "1", "yes", "Yes", "on", "t", "y"} {
		assert.Len(t, listIDs(t, s, "runnable="+v), 1, v)
	}
	for _, v := range []string{"false", "False", "0", "no", "off", "OFF", "f", "n"} {
		assert.Len(t, listIDs(t, s, "runnable="+v), 1, v)
	}
	for _, v := range []string{"maybe", "2", "tru", "null"} {
		a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?runnable="+v, nil)
		assert.Equal(t, http.StatusBadRequest, a.status, v)
	}
}

func TestListBadQueries(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	tests := []struct{ query, key string }{
		{"limit=101", "limit"},
		{"limit=-1", "limit"},
		{"limit=ten", "limit"},
		{"offset=-5", "offset"},
		{"offset=x", "offset"},
		{"sequence=first", "sequence"},
		{"status=running", "status"},
		{"handler_type=dropbox", "handler_type"},
		{"reorderd=sometimes", "reorderd"},
		{"end_of_pipeline=2", "end_of_pipeline"},
		{"fields=id,colour", "fields"},
		{"fields=__everything", "fields"},
		{"sort=id", "sort"},
		{"sort=(id:up)", "sort"},
		{"sort=(name:asc)", "sort"},
		{"sort=(target_properties:asc)", "sort"},
	}
	for _, tt := range tests {
		a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?"+tt.query, nil)
		require.Equal(t, http.StatusBadRequest, a.status, tt.query)
		body := a.object(t)
		assert.EqualValues(t, 400, body["status_code"])
		item := body["extra"].([]any)[0].(map[string]any)
		assert.Equal(t, tt.key, item["key"], tt.query)
		assert.Equal(t, "query", item["source"], tt.query)
	}
	// Every problem is reported, not only the first.
	a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?limit=500&status=nope", nil)
	assert.Len(t, a.object(t)["extra"], 2)
}

var (
	minFields      = []string{"id", "dataview_id", "sequence", "sub_sequence", "handler_type", "trigger_type", "end_of_pipeline", "status", "target_properties", "runnable"}
	standardFields = append(append([]string(nil), minFields...), "reordered", "data_pass_through", "additional_properties", "condition", "last_modified_time", "execution_start_time", "execution_end_time")
	fullFields     = append(append([]string(nil), standardFields...), "last_run_result", "error_info")
)

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	slices.Sort(out)
	return out
}

func TestListFieldPresets(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := seedVaried(s)
	tests := []struct {
		fields string
		want   []string
	}{
		{"", standardFields},
		{"__standard", standardFields},
		{"__min", minFields},
		{"__full", fullFields},
		{"sequence,status", []string{"sequence", "status"}},
		{"__min,error_info", append(append([]string(nil), minFields...), "error_info")},
		{"id", []string{"id"}},
	}
	for _, tt := range tests {
		t.Run("fields="+tt.fields, func(t *testing.T) {
			t.Parallel()
			q := "limit=3"
			if tt.fields != "" {
				q += "&fields=" + url.QueryEscape(tt.fields)
			}
			a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?"+q, nil)
			require.Equal(t, http.StatusOK, a.status, "%s", a.body)
			exps := a.object(t)["exports"].([]any)
			require.Len(t, exps, 3)
			for _, e := range exps {
				assert.Equal(t, sorted(tt.want), keys(e.(map[string]any)))
			}
			// Keys come in the API's order.
			var page struct{ Exports []json.RawMessage }
			require.NoError(t, json.Unmarshal(a.body, &page))
			assert.Equal(t, tt.want, keyOrder(t, page.Exports[0]))

			one := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"/"+strconv.Itoa(ids[0])+"?"+q, nil)
			require.Equal(t, http.StatusOK, one.status)
			assert.Equal(t, tt.want, keyOrder(t, one.body))
			assert.Equal(t, sorted(tt.want), keys(one.object(t)))
		})
	}
}

func TestListValuesAndTimestamps(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	id := s.SeedExports(testRef, mammoth.ItemExportInfo{
		HandlerType:      mammoth.HandlerTypeS3,
		TriggerType:      mammoth.TriggerTypeNone,
		TargetProperties: mammoth.RawTargetProperties{"file": "a.csv"},
		LastModifiedTime: &mammoth.Timestamp{Time: time.Date(2025, 10, 19, 14, 17, 7, 810308000, time.UTC)},
	})[0]
	a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"/"+strconv.Itoa(id)+"?fields=__full", nil)
	require.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, `{
		"id": `+strconv.Itoa(id)+`, "dataview_id": 2311, "sequence": null, "sub_sequence": null,
		"handler_type": "s3", "trigger_type": "none", "end_of_pipeline": null, "status": "added",
		"target_properties": {"file": "a.csv"}, "runnable": null, "reordered": null,
		"data_pass_through": null, "additional_properties": null, "condition": null,
		"last_modified_time": "2025-10-19T14:17:07.810308", "execution_start_time": null,
		"execution_end_time": null, "last_run_result": null, "error_info": null}`, string(a.body))
}

func TestListSort(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := seedVaried(s)
	rev := func() []int {
		out := make([]int, len(ids))
		for i, id := range ids {
			out[len(ids)-1-i] = id
		}
		return out
	}
	assert.Equal(t, ids, listIDs(t, s, "sort="+url.QueryEscape("(id:asc)")))
	assert.Equal(t, rev(), listIDs(t, s, "sort="+url.QueryEscape("(id:desc)")))
	// Seeded so that later exports were modified earlier.
	assert.Equal(t, rev(), listIDs(t, s, "sort="+url.QueryEscape("(last_modified_time:asc)")))
	got := listIDs(t, s, "sort="+url.QueryEscape("(sequence:desc),(id:desc)"))
	assert.Equal(t, []int{ids[11], ids[8], ids[5], ids[2], ids[10], ids[7], ids[4], ids[1], ids[9], ids[6], ids[3], ids[0]}, got)
	// Paging through a sorted list keeps the order.
	page1 := listIDs(t, s, "limit=5&sort="+url.QueryEscape("(id:desc)"))
	page2 := listIDs(t, s, "limit=5&offset=5&sort="+url.QueryEscape("(id:desc)"))
	assert.Equal(t, rev()[:10], append(page1, page2...))
}

func TestListSortNullsLastAscending(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	ids := s.SeedExports(testRef,
		mammoth.ItemExportInfo{Sequence: mammoth.Ptr(2)},
		mammoth.ItemExportInfo{},
		mammoth.ItemExportInfo{Sequence: mammoth.Ptr(1)},
	)
	assert.Equal(t, []int{ids[2], ids[0], ids[1]}, listIDs(t, s, "sort="+url.QueryEscape("(sequence:asc)")))
	assert.Equal(t, []int{ids[1], ids[0], ids[2]}, listIDs(t, s, "sort="+url.QueryEscape("(sequence:desc)")))
}

func TestListPagingAndNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		form mammothtest.NextLinkForm
		want func(s *mammothtest.Server) string
	}{
		{"absolute", mammothtest.NextLinkAbsolute, func(s *mammothtest.Server) string { return s.URL() + dvPath(testRef) + exportsSuffix }},
		{"relative", mammothtest.NextLinkRelative, func(s *mammothtest.Server) string { return "api/v2" + dvPath(testRef) + exportsSuffix }},
		{"none", mammothtest.NextLinkNone, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t, mammothtest.WithNextLink(tt.form))
			s.SeedExports(testRef, make([]mammoth.ItemExportInfo, 120)...)
			a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?status=added&fields=__min", nil)
			require.Equal(t, http.StatusOK, a.status)
			page := a.object(t)
			assert.EqualValues(t, 50, page["limit"])
			assert.EqualValues(t, 0, page["offset"])
			assert.Len(t, page["exports"], 50)
			next := page["next"].(string)
			if tt.want == nil {
				assert.Empty(t, next)
				return
			}
			base, query, ok := strings.Cut(next, "?")
			require.True(t, ok, next)
			assert.Equal(t, tt.want(s), base)
			q, err := url.ParseQuery(query)
			require.NoError(t, err)
			assert.Equal(t, url.Values{"status": {"added"}, "fields": {"__min"}, "limit": {"50"}, "offset": {"50"}}, q)

			// Follow the links to the end.
			seen := len(page["exports"].([]any))
			for hops := 0; next != "" && hops < 5; hops++ {
				link := next
				if tt.form == mammothtest.NextLinkRelative {
					link = strings.TrimSuffix(s.URL(), "/api/v2") + "/" + next
				}
				a := raw(t, s, "GET", link, nil)
				require.Equal(t, http.StatusOK, a.status)
				page = a.object(t)
				seen += len(page["exports"].([]any))
				next = page["next"].(string)
			}
			assert.Equal(t, 120, seen)
			assert.Empty(t, next)
			assert.EqualValues(t, 100, page["offset"])
		})
	}
}

func TestListEdgePages(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SeedExports(testRef, make([]mammoth.ItemExportInfo, 10)...)
	tests := []struct {
		query    string
		n        int
		wantNext bool
	}{
		{"limit=10", 10, false},
		{"limit=9", 9, true},
		{"limit=100", 10, false},
		{"offset=10", 0, false},
		{"offset=1000", 0, false},
		{"limit=0", 0, false},
		{"limit=0&status=added", 0, false},
		{"limit=5&offset=5&status=added", 5, false},
		{"limit=4&offset=5&status=added", 4, true},
	}
	for _, tt := range tests {
		a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?"+tt.query, nil)
		require.Equal(t, http.StatusOK, a.status)
		page := a.object(t)
		assert.Len(t, page["exports"], tt.n, tt.query)
		assert.Equal(t, tt.wantNext, page["next"] != "", tt.query)
		assert.Contains(t, string(a.body), `"exports":[`, "exports is a list, never null")
	}
}

func TestListEmptyDataview(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix, nil)
	require.Equal(t, http.StatusOK, a.status)
	assert.JSONEq(t, `{"limit":50,"offset":0,"next":"","exports":[]}`, string(a.body))
}
