package mammothtest_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/internal/schematest"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDiscoveryBodies_MatchTheAPISchemas checks every kind of answer the
// fake sends on the discovery routes against the schema the API declares
// for its status, in the facts kept under testdata/schema.
func TestDiscoveryBodies_MatchTheAPISchemas(t *testing.T) {
	t.Parallel()
	facts, err := schematest.Load(filepath.Join("..", "testdata", "schema", "pipeline.json"))
	require.NoError(t, err)
	s := mammothtest.NewServer()
	t.Cleanup(s.Close)
	ref := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
	s.AddWorkspace(4, "Sales")
	s.AddProject(4, 7, "Quarterly")
	s.AddFolder(4, 7, 3, 0, "Raw")
	s.AddFolder(4, 7, 5, 3, "Older")
	s.AddDataset(4, 7, 121, 5, "orders")
	s.AddDataview(ref)
	s.NameDataview(ref, "Orders by region")
	s.SetPipelineColumns(ref,
		[]mammoth.Column{{DisplayName: "id", InternalName: "column_1", Type: mammoth.ColumnTypeNumeric}},
		[]mammoth.Column{{DisplayName: "Region", InternalName: "column_a1", Type: mammoth.ColumnTypeText}})
	s.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})
	s.AddDataview(mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 0, DataviewID: 9})

	tests := []struct {
		path   string
		status int
	}{
		{"/workspaces?limit=1", 200},
		{"/workspaces/4/projects", 200},
		{"/browse", 200},
		{"/workspaces/4/browse", 200},
		{"/workspaces/4/browse?level=1", 200},
		{"/workspaces/4/projects/7/browse", 200},
		{"/workspaces/4/projects/7/folders/3/browse?fields=__min", 200},
		{"/workspaces/4/projects/7/browse?level=3", 400},
		{"/workspaces/4/projects/7/datasets", 200},
		{"/workspaces/4/projects/7/datasets/121/dataviews", 200},
		{"/workspaces/4/projects/7/datasets/122/dataviews", 404},
		{"/workspaces/4/projects/7/datasets/121/dataviews/2311", 200},
		{"/workspaces/4/projects/7/datasets/121/dataviews/2311?fields=__full&sequence=1", 200},
		{"/workspaces/4/projects/7/datasets/121/dataviews/2311?fields=__min", 200},
		{"/workspaces/4/projects/7/datasets/121/dataviews/2311?sequence=2", 400},
		{"/workspaces/4/projects/7/datasets/121/dataviews/2312", 404},
		{"/workspaces/4/projects/7/workflows/workspace-exports", 200},
	}
	for _, tt := range tests {
		a := raw(t, s, "GET", tt.path, nil)
		require.Equal(t, tt.status, a.status, "%s: %s", tt.path, a.body)
		path, _, _ := strings.Cut(tt.path, "?")
		assert.Empty(t, facts.CheckResponse("GET", path, tt.status, a.body), "%s: %s", tt.path, a.body)
		var v any
		require.NoError(t, json.Unmarshal(a.body, &v), tt.path)
		// The dataviews list is read as {"dataviews": [...]} (the schema
		// declares one DataviewInfo, which any object matches): each entry
		// is a DataviewInfo.
		if obj, ok := v.(map[string]any); ok {
			list, _ := obj["dataviews"].([]any)
			for i, dv := range list {
				b, _ := json.Marshal(dv)
				assert.Empty(t, facts.Check("DataviewInfo", b), "%s: dataviews[%d]", tt.path, i)
			}
		}
	}

	// A 202 job answer.
	s.AnswerDataviewWithJobs(ref, 1)
	a := raw(t, s, "GET", "/workspaces/4/projects/7/datasets/121/dataviews/2311", nil)
	require.Equal(t, 202, a.status)
	assert.Empty(t, facts.CheckResponse("GET", "/workspaces/4/projects/7/datasets/121/dataviews/2311", 202, a.body), "%s", a.body)
}

// TestDiscoveryFacts_RefuseWrongBodies shows the check can fail on the
// discovery schemas.
func TestDiscoveryFacts_RefuseWrongBodies(t *testing.T) {
	t.Parallel()
	facts, err := schematest.Load(filepath.Join("..", "testdata", "schema", "pipeline.json"))
	require.NoError(t, err)
	bad := map[string]string{
		"WorkspacesSchema": `{"workspaces":[{"id":0}],"next":""}`,
		"ProjectList":      `{"projects":[{"id":"7"}],"next":""}`,
		"DatasetsList":     `{"datasets":[{"status":"fine"}],"next":""}`,
		"DataviewInfo":     `{"draft_mode":"on","created_at":12}`,
		"JobResponse":      `{"job":{"id":1}}`,
	}
	for name, body := range bad {
		assert.NotEmpty(t, facts.Check(name, []byte(body)), "%s should not match %s", body, name)
	}
	assert.NotEmpty(t, facts.CheckResponse("GET", "/workspaces/4/browse", 404, []byte(`{}`)), "404 is not declared for browse")
	assert.Empty(t, facts.Check("ProjectList", []byte(`{"projects":[],"next":"x"}`)))
}
