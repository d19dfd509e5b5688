package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

func TestExportsPlan_ShowsAddsChangesDeletesAndExitsSixWhenChangesArePending(t *testing.T) {
	h := newHarness(t)
	h.env["WAREHOUSE_PASSWORD"] = "demo-password"
	golden(t, "plan/plan_prune", "exports plan -f testdata/plan/desired.json --prune", h.run("exports plan -f testdata/plan/desired.json --prune"))
	golden(t, "plan/plan_json", "exports plan -f testdata/plan/desired.json --output json", h.run("exports plan -f testdata/plan/desired.json --output json"))
	for _, r := range h.srv.Requests() {
		assert.Equal(t, "GET", r.Method, "plan only reads")
	}
}

func TestExportsApply_ReachesTheFileAndTheSecondApplyChangesNothing(t *testing.T) {
	h := newHarness(t)
	h.env["WAREHOUSE_PASSWORD"] = "new-password"
	golden(t, "plan/apply_needs_yes", "exports apply -f testdata/plan/desired.json", h.run("exports apply -f testdata/plan/desired.json"))
	assert.Zero(t, h.srv.RequestCount(mammothtest.RouteAddExport))

	golden(t, "plan/apply", "exports apply -f testdata/plan/desired.json --prune --yes", h.run("exports apply -f testdata/plan/desired.json --prune --yes"))
	exports := h.srv.Exports(demoRef)
	require.Len(t, exports, 4)
	byFile := map[string]mammoth.ItemExportInfo{}
	for _, e := range exports {
		if f, ok := e.TargetProperties["file"].(string); ok {
			byFile[f] = e
		}
		if e.HandlerType == mammoth.HandlerTypePostgres {
			assert.Equal(t, "new-password", e.TargetProperties["password"], "the reference was expanded")
			assert.Equal(t, 102, *e.ID, "a change keeps the export's id")
		}
	}
	assert.Equal(t, map[string]any{"column_3": map[string]any{"GTE": map[string]any{"VALUE": 400.0}}}, byFile["big_orders.csv"].Condition)

	again := h.run("exports apply -f testdata/plan/desired.json --prune --yes")
	assert.Equal(t, 0, again.code, again.String())
	assert.Equal(t, "No changes: the pipelines match the file.\n", again.stdout)
	assert.Zero(t, h.run("exports plan -f testdata/plan/desired.json --prune").code)
}

func TestExportsDump_ThenPlanShowsNoChange(t *testing.T) {
	h := newHarness(t)
	dump := h.run("exports dump")
	require.Equal(t, 0, dump.code, dump.String())
	golden(t, "plan/dump", "exports dump", dump)
	assert.NotContains(t, dump.stdout, "demo-password")

	dir := t.TempDir()
	file := filepath.Join(dir, "exports.json")
	require.NoError(t, os.WriteFile(file, []byte(dump.stdout), 0o644))
	missing := h.run("exports plan -f " + file)
	assert.Equal(t, exitUsage, missing.code, missing.String())
	assert.Contains(t, missing.stderr, "MAMMOTH_SECRET_102_PASSWORD is not set")

	h.env["MAMMOTH_SECRET_102_PASSWORD"] = "demo-password"
	plan := h.run("exports plan --prune -f " + file)
	assert.Equal(t, 0, plan.code, plan.String())
	assert.Contains(t, plan.stdout, "0 to add, 0 to change, 0 to delete, 4 unchanged.")

	// dump -f writes the file itself.
	out := filepath.Join(dir, "dumped.json")
	require.Equal(t, 0, h.run("exports dump -f "+out).code)
	written, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, dump.stdout, string(written))
}

func TestExportsPlan_RefusesLiteralSecretsAndBadFiles(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	write := func(body string) string {
		f, err := os.CreateTemp(dir, "*.json")
		require.NoError(t, err)
		_, err = f.WriteString(body)
		require.NoError(t, err)
		require.NoError(t, f.Close())
		return f.Name()
	}
	for name, tc := range map[string]struct{ body, want string }{
		"literal password": {`{"dataviews": [{"exports": [{"handler_type": "postgres", "trigger_type": "none",
			"target_properties": {"host": "h", "username": "u", "password": "hunter2", "database": "d", "table": "t"}}]}]}`,
			"target_properties.password is a secret: write it as a reference to an environment variable, such as ${PASSWORD}"},
		"literal nested secret": {`{"dataviews": [{"exports": [{"handler_type": "generic_rest_api_export", "trigger_type": "none",
			"target_properties": {"base_url": "https://x", "endpoint_path": "/", "request_headers": {"Authorization": "Bearer abc"}}}]}]}`,
			"is a secret"},
		"secret inside a longer string": {`{"dataviews": [{"exports": [{"handler_type": "ftp", "trigger_type": "none",
			"target_properties": {"domain": "d", "username": "u", "password": "x${P}", "directory": "/", "file": "f"}}]}]}`,
			"target_properties.password is a secret"},
		"unknown key":  {`{"dataviews": [{"exports": [{"handler_type": "s3", "trigger_type": "none", "run_immediatly": true}]}]}`, `unknown key "run_immediatly"`},
		"bad json":     {`{"dataviews": [`, "the JSON ends too soon"},
		"no dataviews": {`{"dataviews": []}`, "lists no dataview"},
		"twice":        {`{"dataviews": [{"dataview_id": 2311}, {}]}`, "is the same dataview as dataviews[0]"},
		"no handler":   {`{"dataviews": [{"exports": [{"trigger_type": "none"}]}]}`, `"handler_type" is required`},
		"same place":   {`{"dataviews": [{"exports": [{"handler_type": "s3", "trigger_type": "none", "target_properties": {"file": "a"}}, {"handler_type": "s3", "trigger_type": "pipeline", "target_properties": {"file": "a"}}]}]}`, "same destination"},
	} {
		t.Run(name, func(t *testing.T) {
			r := h.run("exports plan -f " + write(tc.body))
			assert.Equal(t, exitUsage, r.code, r.String())
			assert.Contains(t, r.stderr, tc.want)
			assert.NotContains(t, r.stderr, "hunter2")
		})
	}
	assert.Zero(t, h.srv.RequestCount(mammothtest.RouteAddExport)+h.srv.RequestCount(mammothtest.RouteEditExport))
}

func TestExportsApply_SeveralDataviewsEachOnItsOwn(t *testing.T) {
	h := newHarness(t)
	other := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 4, DatasetID: 121, DataviewID: 2312}
	h.srv.AddDataview(other)
	var file exportsFile
	for _, ref := range []mammoth.DataviewRef{demoRef, other} {
		file.Dataviews = append(file.Dataviews, &fileDataview{WorkspaceID: ref.WorkspaceID, ProjectID: ref.ProjectID, DatasetID: ref.DatasetID, DataviewID: ref.DataviewID,
			Exports: []*fileExport{{Name: "copy", HandlerType: "s3", TriggerType: "none", TargetProperties: map[string]any{"file": "copy.csv"}}}})
	}
	b, err := json.Marshal(file)
	require.NoError(t, err)
	h.stdin = string(b)
	r := h.run("exports apply -f - --yes")
	require.Equal(t, 0, r.code, r.String())
	assert.Equal(t, 2, strings.Count(r.stdout, ": + copy: added"), r.stdout)
	assert.Len(t, h.srv.Exports(demoRef), 5)
	assert.Len(t, h.srv.Exports(other), 1)
}

func TestExportsApply_AsksOnATerminal(t *testing.T) {
	h := newHarness(t)
	h.env["WAREHOUSE_PASSWORD"] = "demo-password"
	h.terminal = true
	h.stdin = "n\n"
	r := h.run("exports apply -f testdata/plan/desired.json")
	assert.Equal(t, exitError, r.code, r.String())
	assert.Contains(t, r.stderr, "Apply 2 changes? [y/N]")
	assert.Contains(t, r.stderr, "nothing was changed")
	assert.Zero(t, h.srv.RequestCount(mammothtest.RouteAddExport)+h.srv.RequestCount(mammothtest.RouteEditExport))

	h.stdin = "yes\n"
	r = h.run("exports apply -f testdata/plan/desired.json")
	assert.Equal(t, 0, r.code, r.String())
	assert.Equal(t, 1, h.srv.RequestCount(mammothtest.RouteAddExport))
	assert.Equal(t, 1, h.srv.RequestCount(mammothtest.RouteEditExport))
}

func TestExportsApply_DraftWhoseChangeFailsLeavesThePipelineAsItWas(t *testing.T) {
	h := newHarness(t)
	h.env["WAREHOUSE_PASSWORD"] = "new-password"
	before := h.srv.Exports(demoRef)
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Status: 400})
	r := h.run("exports apply -f testdata/plan/desired.json --prune --draft --yes")
	assert.Equal(t, exitError, r.code, r.String())
	assert.Contains(t, r.stdout, "- export 103: failed")
	assert.Contains(t, r.stderr, "run the same apply again")
	assert.Equal(t, before, h.srv.Exports(demoRef))
	assert.Equal(t, mammoth.DraftModeOff, h.srv.Pipeline(demoRef).DraftMode)
}

func TestExportsDump_WritesConditionsInTheTextFormWithDisplayNames(t *testing.T) {
	h := newHarness(t)
	h.srv.SetColumns(demoRef, []mammoth.Column{
		{DisplayName: "region", InternalName: "column_1", Type: mammoth.ColumnTypeText},
		{DisplayName: "orders", InternalName: "column_3", Type: mammoth.ColumnTypeNumeric},
	})
	h.srv.SeedExports(demoRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "big.csv"},
			Condition: map[string]any{"AND": []any{
				map[string]any{"column_3": map[string]any{"GTE": map[string]any{"VALUE": 400}}},
				map[string]any{"column_1": map[string]any{"IN_LIST": map[string]any{"VALUE": []any{"north", "west"}}}},
			}}},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "odd.csv"},
			Condition: map[string]any{"column_9": map[string]any{"WEIRD": true}}},
	)
	dump := h.run("exports dump")
	require.Equal(t, 0, dump.code, dump.String())
	assert.Contains(t, dump.stdout, `"condition": "orders >= 400 and region in ('north', 'west')"`)
	assert.Contains(t, dump.stdout, `"condition": {`, "a condition the text form cannot hold stays an object")

	file := filepath.Join(t.TempDir(), "exports.json")
	require.NoError(t, os.WriteFile(file, []byte(dump.stdout), 0o644))
	h.env["MAMMOTH_SECRET_102_PASSWORD"] = "demo-password"
	plan := h.run("exports plan --prune -f " + file)
	assert.Equal(t, 0, plan.code, plan.String())
}

func TestExportsApply_ADataviewThatCannotBePlannedDoesNotStopTheOthers(t *testing.T) {
	h := newHarness(t)
	missing := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 4, DatasetID: 121, DataviewID: 9999}
	var file exportsFile
	for _, ref := range []mammoth.DataviewRef{missing, demoRef} {
		file.Dataviews = append(file.Dataviews, &fileDataview{WorkspaceID: ref.WorkspaceID, ProjectID: ref.ProjectID, DatasetID: ref.DatasetID, DataviewID: ref.DataviewID,
			Exports: []*fileExport{{Name: "copy", HandlerType: "s3", TriggerType: "none", TargetProperties: map[string]any{"file": "copy.csv"}}}})
	}
	b, err := json.Marshal(file)
	require.NoError(t, err)
	h.stdin = string(b)
	r := h.run("exports apply -f - --yes")
	assert.Equal(t, exitNotFound, r.code, r.String())
	assert.Contains(t, r.stdout, "Dataview 9999 (workspace 4, project 4, dataset 121):\n  cannot plan:")
	assert.Contains(t, r.stdout, "dataview 2311: + copy: added")
	assert.Len(t, h.srv.Exports(demoRef), 5)
}

func TestExportsGet_ShowsTheConditionInTheTextFormWithDisplayNames(t *testing.T) {
	h := newHarness(t)
	ids := h.srv.SeedExports(demoRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone,
		TargetProperties: mammoth.RawTargetProperties{"file": "big.csv"},
		Condition:        map[string]any{"column_3": map[string]any{"GTE": map[string]any{"VALUE": 400}}}})
	r := h.run("exports get " + strconv.Itoa(ids[0]))
	require.Equal(t, 0, r.code, r.String())
	assert.Contains(t, r.stdout, "\nwhere               orders >= 400\n")
	r = h.run("exports get 101")
	assert.NotContains(t, r.stdout, "where", "no condition, no line")
	r = h.run("exports get " + strconv.Itoa(ids[0]) + " --output json")
	assert.NotContains(t, r.stdout, "orders >= 400", "JSON keeps the API's object")
}
