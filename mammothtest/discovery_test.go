package mammothtest_test

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ids reads the "id" of each object of a list.
func ids(t *testing.T, list any) []int {
	t.Helper()
	var out []int
	for _, x := range list.([]any) {
		out = append(out, num(t, x.(map[string]any)["id"]))
	}
	return out
}

func TestDiscoveryLists_PageWithTheAPIsDefaultLimits(t *testing.T) {
	t.Parallel()
	s := mammothtest.NewServer()
	t.Cleanup(s.Close)
	for i := 1; i <= 120; i++ {
		s.AddWorkspace(i, "ws "+strconv.Itoa(1000+i)) // names sort as ids do
		s.AddDataview(mammoth.DataviewRef{WorkspaceID: 1, ProjectID: i, DatasetID: 0, DataviewID: i})
		s.AddDataview(mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 1, DatasetID: i, DataviewID: 1000 + i})
		s.AddDataview(mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 1, DatasetID: 5, DataviewID: 2000 + i})
	}
	tests := []struct {
		path, key    string
		defaultLimit int
		first        int
		total        int
		nextKey      bool
	}{
		{"/workspaces", "workspaces", 10, 1, 120, true},
		{"/workspaces/1/projects", "projects", 10, 1, 120, true},
		{"/workspaces/1/browse", "resources", 10, 1, 120, true},
		{"/workspaces/1/projects/1/datasets", "datasets", 50, 0, 121, true},
		{"/workspaces/1/projects/1/datasets/5/dataviews", "dataviews", 50, 1005, 121, false},
	}
	for _, tt := range tests {
		page := raw(t, s, "GET", tt.path, nil)
		require.Equal(t, http.StatusOK, page.status, "%s: %s", tt.path, page.body)
		obj := page.object(t)
		got := ids(t, obj[tt.key])
		require.Len(t, got, tt.defaultLimit, tt.path)
		assert.Equal(t, tt.defaultLimit, num(t, obj["limit"]), tt.path)
		if tt.nextKey {
			assert.Equal(t, s.URL()+tt.path+"?limit="+strconv.Itoa(tt.defaultLimit)+"&offset="+strconv.Itoa(tt.defaultLimit), obj["next"], tt.path)
		} else {
			assert.NotContains(t, obj, "next", tt.path)
		}

		var all []int
		for offset := 0; offset < tt.total+100; offset += 100 {
			a := raw(t, s, "GET", tt.path+"?limit=100&offset="+strconv.Itoa(offset), nil)
			require.Equal(t, http.StatusOK, a.status, "%s", a.body)
			all = append(all, ids(t, a.object(t)[tt.key])...)
			if next, ok := a.object(t)["next"]; ok && offset+100 >= tt.total {
				assert.Equal(t, "", next, "%s: the last page has no next", tt.path)
			}
		}
		require.Len(t, all, tt.total, tt.path)
		assert.Equal(t, tt.first, all[0], tt.path)
	}
}

func TestDiscoveryLists_RefuseLimitsOutOfRange(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	for _, path := range []string{
		"/workspaces?limit=0", "/workspaces?limit=101", "/workspaces/4/projects?limit=-1",
		"/workspaces/4/projects/7/datasets?limit=101", "/workspaces/4/projects/7/datasets/121/dataviews?limit=0",
		"/workspaces/4/browse?limit=101", "/workspaces/4/browse?level=0", "/workspaces/4/browse?offset=x",
		"/workspaces/4/browse?include_hidden=maybe", "/workspaces/4/projects/7/datasets/121/dataviews/2311?fields=nope",
		"/workspaces/4/projects/7/datasets/121/dataviews/2311?sequence=-1",
	} {
		a := raw(t, s, "GET", path, nil)
		assert.Equal(t, http.StatusBadRequest, a.status, "%s: %s", path, a.body)
	}
	for _, path := range []string{
		"/workspaces?limit=100", "/workspaces/4/projects?limit=0", "/workspaces/4/projects/7/datasets/121/dataviews?limit=1000",
	} {
		a := raw(t, s, "GET", path, nil)
		assert.Equal(t, http.StatusOK, a.status, "%s: %s", path, a.body)
	}
	for _, path := range []string{
		"/workspaces/5/projects", "/workspaces/4/projects/8/browse", "/workspaces/4/projects/7/folders/1/browse",
		"/workspaces/4/projects/7/datasets/122/dataviews", "/workspaces/4/projects/8/workflows/workspace-exports",
	} {
		a := raw(t, s, "GET", path, nil)
		assert.Equal(t, http.StatusNotFound, a.status, "%s: %s", path, a.body)
	}
	a := raw(t, s, "POST", "/workspaces/4/browse", nil)
	assert.Equal(t, http.StatusMethodNotAllowed, a.status)
}

func TestBrowse_NestsContentsAtLevelTwoOnly(t *testing.T) {
	t.Parallel()
	s := mammothtest.NewServer()
	t.Cleanup(s.Close)
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	s.AddProject(1, 2, "P")
	s.AddFolder(1, 2, 10, 0, "Top")
	s.AddFolder(1, 2, 11, 10, "Inner")
	s.AddDataset(1, 2, 3, 11, "D")
	s.AddDataview(ref)
	s.NameDataview(ref, "V")
	s.AddDataset(1, 2, 6, 0, "Top dataset")

	type res = map[string]any
	entries := func(path string) []any {
		a := raw(t, s, "GET", path, nil)
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		return a.object(t)["resources"].([]any)
	}
	brief := func(list []any) []string {
		var out []string
		for _, x := range list {
			r := x.(res)
			out = append(out, r["type"].(string)+":"+strconv.Itoa(num(t, r["id"]))+":"+r["name"].(string))
		}
		return out
	}
	top := entries("/workspaces/1/projects/2/browse")
	assert.Equal(t, []string{"datasource:6:Top dataset", "label:10:Top"}, brief(top))
	assert.Equal(t, []string{"label:11:Inner"}, brief(top[1].(res)["children"].([]any)))
	assert.NotContains(t, top[1].(res)["children"].([]any)[0], "children", "children of children are not listed")
	assert.Equal(t, []any{}, top[0].(res)["children"])

	inner := entries("/workspaces/1/projects/2/folders/11/browse")
	assert.Equal(t, []string{"datasource:3:D"}, brief(inner))
	assert.Equal(t, []string{"dataview:4:V"}, brief(inner[0].(res)["children"].([]any)))

	for _, r := range entries("/workspaces/1/projects/2/browse?level=1") {
		assert.NotContains(t, r, "children")
	}
	assert.Equal(t, []string{"label:10:Top"}, brief(entries("/workspaces/1/projects/2/browse?browse_type=label")))
	assert.Equal(t, []string{"datasource:6:Top dataset"}, brief(entries("/workspaces/1/projects/2/browse?name=Top+dataset")))
	assert.Equal(t, []string{"label:10:Top"}, brief(entries("/workspaces/1/projects/2/browse?ids=10,99")))
	assert.Equal(t, []string{"project:2:P"}, brief(entries("/workspaces/1/browse")))
	assert.Equal(t, []string{"workspace:1:Workspace 1"}, brief(entries("/browse")))

	ds := raw(t, s, "GET", "/workspaces/1/projects/2/datasets?id=3", nil).object(t)["datasets"].([]any)
	require.Len(t, ds, 1)
	assert.Equal(t, "/workspace:Workspace 1:1/project:P:2/label:Top:10/label:Inner:11/datasource:D:3", ds[0].(res)["resource_path"])
}

func TestAddFolder_RefusesMistakesInTheTree(t *testing.T) {
	t.Parallel()
	s := mammothtest.NewServer()
	t.Cleanup(s.Close)
	s.AddFolder(1, 2, 10, 0, "A")
	s.AddFolder(1, 2, 11, 10, "B")
	assert.Panics(t, func() { s.AddFolder(1, 2, 12, 99, "no parent") })
	assert.Panics(t, func() { s.AddFolder(1, 2, 10, 11, "inside its own child") })
	assert.Panics(t, func() { s.AddFolder(1, 2, 0, 0, "no id") })
	assert.Panics(t, func() { s.AddDataset(1, 2, 3, 42, "no folder") })
	assert.Panics(t, func() { s.SetPipelineColumns(testRef) })
}

func TestGetDataview_ServesColumnsPerStepAndFields(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	src := []mammoth.Column{{DisplayName: "id", InternalName: "column_1", Type: mammoth.ColumnTypeNumeric}}
	final := []mammoth.Column{
		{DisplayName: "Region", InternalName: "column_a1", Type: mammoth.ColumnTypeText},
		{DisplayName: "Sales", InternalName: "column_b2", Type: mammoth.ColumnTypeNumeric},
	}
	s.SetPipelineColumns(testRef, src, src, final)
	assert.Equal(t, final, s.Columns(testRef))
	assert.Nil(t, s.Columns(mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 1, DatasetID: 1, DataviewID: 1}))

	base := dvPath(testRef)
	std := raw(t, s, "GET", base, nil).object(t)
	assert.Equal(t, []string{"column_count", "created_at", "data_updated_at", "data_url", "dependencies_info",
		"display_properties", "ds_id", "id", "is_dataview_data_in_sync", "metadata", "name", "original_data_updated",
		"row_count", "status", "sys_cols", "updated_at", "user_display_properties"}, keys(std))
	assert.Equal(t, "column_1", std["metadata"].([]any)[0].(map[string]any)["internal_name"], "sequence 0 is the source")
	assert.Equal(t, 3, num(t, std["row_count"]), "DefaultCSV has three rows")

	full := raw(t, s, "GET", base+"?fields=__full", nil).object(t)
	tw := full["taskwise_info"].(map[string]any)
	assert.Equal(t, []string{"1", "2"}, keys(tw))
	last := tw["2"].(map[string]any)["metadata"].([]any)
	assert.Equal(t, "Sales", last[1].(map[string]any)["display_name"])

	at2 := raw(t, s, "GET", base+"?sequence=2&fields=metadata,name", nil).object(t)
	assert.Equal(t, []string{"metadata", "name"}, keys(at2))
	assert.Len(t, at2["metadata"], 2)

	s.SetColumns(testRef, src)
	assert.Equal(t, src, s.Columns(testRef), "SetColumns replaces the last step")
}

func TestGetDataview_AnswersWithJobsWhileAsked(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithJobPolls(0))
	s.AnswerDataviewWithJobs(testRef, 2)
	for range 2 {
		a := raw(t, s, "GET", dvPath(testRef), nil)
		require.Equal(t, http.StatusAccepted, a.status)
		job := a.object(t)["job"].(map[string]any)
		done, _ := pollJob(t, s, num(t, job["id"]))
		assert.Equal(t, "success", done["status"])
	}
	a := raw(t, s, "GET", dvPath(testRef), nil)
	require.Equal(t, http.StatusOK, a.status)
	assert.Equal(t, 2311, num(t, a.object(t)["id"]))
}

func TestProjectExports_ListsEveryExportOfTheProject(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	other := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 0, DataviewID: 12}
	elsewhere := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 8, DatasetID: 0, DataviewID: 13}
	a := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3}, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3})
	b := s.SeedExports(other, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3})
	s.SeedExports(elsewhere, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3})
	ans := raw(t, s, "GET", "/workspaces/4/projects/7/workflows/workspace-exports", nil)
	require.Equal(t, http.StatusOK, ans.status)
	var list []any
	require.NoError(t, json.Unmarshal(ans.body, &list))
	assert.Equal(t, append(b, a...), ids(t, list), "by dataview id, then export id")
	assert.Equal(t, 12, num(t, list[0].(map[string]any)["dataview_id"]))
	assert.Contains(t, list[0], "last_run_result", "all fields")

	empty := raw(t, s, "GET", "/workspaces/4/projects/8/workflows/workspace-exports", nil)
	require.Equal(t, http.StatusOK, empty.status)
	s.AddProject(4, 9, "none")
	assert.Equal(t, "[]", string(raw(t, s, "GET", "/workspaces/4/projects/9/workflows/workspace-exports", nil).body))
}
