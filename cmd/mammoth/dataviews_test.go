package main

import (
	"context"
	"strings"
	"testing"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
)

// TestGoldenDataviews runs the discovery commands against the harness's
// fake, whose demo dataview sits in folder "Imports" of project 4.
func TestGoldenDataviews(t *testing.T) {
	t.Parallel()
	onlyDataview := map[string]string{"MAMMOTH_PROJECT_ID": "", "MAMMOTH_DATASET_ID": ""}
	cases := []struct {
		name, cmdline string
		env           map[string]string
	}{
		{"workspaces_list", "workspaces list", nil},
		{"workspaces_list_json", "workspaces list --output json", nil},
		{"projects_list", "projects list", nil},
		{"projects_list_jsonl", "projects list --output jsonl", nil},
		{"projects_list_no_workspace", "projects list", map[string]string{"MAMMOTH_WORKSPACE_ID": ""}},
		{"datasets_list", "datasets list", nil},
		{"dataviews_list", "dataviews list", nil},
		{"dataviews_list_no_dataset", "dataviews list", map[string]string{"MAMMOTH_DATASET_ID": ""}},
		{"dataviews_columns", "dataviews columns", nil},
		{"dataviews_columns_json", "dataviews columns --output json", onlyDataview},
		{"dataviews_columns_only_dataview", "dataviews columns --workspace 4 --dataview 2311", onlyDataview},
		{"exports_list_only_dataview", "exports list --dataview 2311", onlyDataview},
		{"exports_list_dataview_not_found", "exports list --dataview 999", onlyDataview},
		{"exports_list_dataview_not_found_json", "exports list --dataview 999 --output json", onlyDataview},
		{"exports_list_wrong_dataset", "exports list --dataview 2311 --dataset 7", map[string]string{"MAMMOTH_PROJECT_ID": ""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.srv.AddDataview(mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 9, DatasetID: 7, DataviewID: 70})
			for k, v := range tc.env {
				h.env[k] = v
			}
			golden(t, tc.name, tc.cmdline, h.run(tc.cmdline))
		})
	}
}

func TestDataviewFlag_AloneIsEnoughAndVerboseSaysWhere(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["MAMMOTH_PROJECT_ID"], h.env["MAMMOTH_DATASET_ID"] = "", ""
	h.srv.ClearRequests()
	res := h.run("exports get 101 --verbose")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Contains(t, res.stderr, "mammoth: dataview 2311 of workspace 4 is in project 4, dataset 121 (found by browsing the workspace; --project 4 --dataset 121 skips the search)")
	assert.Contains(t, res.stdout, "101")
	assert.Equal(t, 1, h.srv.RequestCount(mammothtest.RouteGetExport))
	assert.Equal(t, "/api/v2/workspaces/4/projects/4/datasets/121/dataviews/2311/pipeline/exports/101", lastPath(h.srv, mammothtest.RouteGetExport))

	// With every id given, nothing is looked up.
	h.env["MAMMOTH_PROJECT_ID"], h.env["MAMMOTH_DATASET_ID"] = "4", "121"
	h.srv.ClearRequests()
	res = h.run("exports get 101 --verbose")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.NotContains(t, res.stderr, "found by browsing")
	assert.Zero(t, h.srv.RequestCount(mammothtest.RouteBrowseWorkspace)+h.srv.RequestCount(mammothtest.RouteBrowseProject)+h.srv.RequestCount(mammothtest.RouteBrowseFolder))

	// --project alone narrows the search to that project.
	h.env["MAMMOTH_DATASET_ID"] = ""
	h.srv.ClearRequests()
	res = h.run("exports list")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Zero(t, h.srv.RequestCount(mammothtest.RouteBrowseWorkspace))
	assert.Positive(t, h.srv.RequestCount(mammothtest.RouteBrowseProject))
}

func lastPath(srv *mammothtest.Server, route mammothtest.Route) string {
	var path string
	for _, r := range srv.Requests() {
		if r.Route == route {
			path = r.Path
		}
	}
	return path
}

func TestDataviewsCommands_ListEveryPage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for p := 10; p < 260; p++ {
		h.srv.AddProject(4, p, "")
	}
	res := h.run("projects list --output jsonl")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, 251, strings.Count(res.stdout, "\n"))
	assert.Equal(t, 3, h.srv.RequestCount(mammothtest.RouteListProjects))
}

func TestWhere_WorksWithADataviewFoundFromItsID(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.env["MAMMOTH_PROJECT_ID"], h.env["MAMMOTH_DATASET_ID"] = "", ""
	res := h.runArgs(context.Background(), "exports", "download-csv", "--poll-interval", "1ms",
		"--dataview", "2311", "--where", "revenue > 17000")
	assert.Equal(t, exitOK, res.code, res.stderr)
	assert.Equal(t, "region,month,orders,revenue\nnorth,2025-09,412,18230.50\nwest,2025-09,455,20112.75\n", res.stdout)
	assert.Positive(t, h.srv.RequestCount(mammothtest.RouteBrowseWorkspace))
}
