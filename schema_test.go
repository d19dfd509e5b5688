package mammoth

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mammoth-io/mammoth-go/internal/schematest"
	"github.com/stretchr/testify/require"
)

// The API's OpenAPI documents are kept beside the project, not in it. The
// schema tests read the facts reduced from them under testdata/schema, so
// that they run on any clone; TestSchemaFacts keeps the two in step.
var schemaDocs = map[string]string{
	"exports-jobs.json": filepath.Join("..", "shared", "openapi", "mammoth-exports-jobs.json"),
	"pipeline.json":     filepath.Join("..", "shared", "openapi", "mammoth-pipeline.json"),
}

var updateSchemaFacts = flag.Bool("update-schema-facts", false, "rewrite testdata/schema from ../shared/openapi")

// TestSchemaFacts checks that testdata/schema holds what the OpenAPI
// documents reduce to, or with -update-schema-facts rewrites it. Without
// the documents there is nothing to compare, and only this test skips.
func TestSchemaFacts(t *testing.T) {
	for name, src := range schemaDocs {
		t.Run(name, func(t *testing.T) {
			doc, err := os.ReadFile(src)
			if err != nil {
				t.Skipf("OpenAPI document not found at %s: %v", src, err)
			}
			facts, err := schematest.Reduce(doc)
			require.NoError(t, err)
			path := filepath.Join("testdata", "schema", name)
			if *updateSchemaFacts {
				require.NoError(t, os.WriteFile(path, append(facts, '\n'), 0o644))
				return
			}
			have, err := os.ReadFile(path)
			require.NoError(t, err)
			require.True(t, bytes.Equal(bytes.TrimSpace(have), facts),
				"%s is stale: run go test -run TestSchemaFacts -update-schema-facts .", path)
		})
	}
}

// loadFacts reads the reduced facts of one document.
func loadFacts(t testing.TB, name string) *schematest.Facts {
	t.Helper()
	f, err := schematest.Load(filepath.Join("testdata", "schema", name))
	require.NoError(t, err)
	return f
}

// openAPISchemas returns the exports and jobs document's component schemas.
func openAPISchemas(t *testing.T) map[string]any {
	t.Helper()
	return loadFacts(t, "exports-jobs.json").Schemas
}

// assertMatchesSchema checks a JSON document against a named component
// schema.
func assertMatchesSchema(t *testing.T, schemas map[string]any, name string, doc []byte) {
	t.Helper()
	f := &schematest.Facts{Schemas: schemas}
	if errs := f.Check(name, doc); len(errs) > 0 {
		t.Errorf("%s does not match schema %s:\n%s", doc, name, strings.Join(errs, "\n"))
	}
}

func checkSchema(schemas map[string]any, s map[string]any, v any, at string) []string {
	return (&schematest.Facts{Schemas: schemas}).CheckValue(s, v, at)
}

func TestSchemaChecker_CatchesWrongBodies(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	spec := schemas["AddExportSpec"].(map[string]any)
	bad := []string{
		`{"handler_type":"s3","trigger_type":"none","run_immediately":true}`,
		`{"DATAVIEW_ID":1,"handler_type":"nope","trigger_type":"none","run_immediately":true}`,
		`{"DATAVIEW_ID":1,"handler_type":"s3","trigger_type":"none","run_immediately":"yes"}`,
		`{"DATAVIEW_ID":1,"handler_type":"s3","trigger_type":"none","run_immediately":true,"target_properties":null}`,
		`{"DATAVIEW_ID":1.5,"handler_type":"s3","trigger_type":"none","run_immediately":true}`,
	}
	for _, doc := range bad {
		var v any
		require.NoError(t, json.Unmarshal([]byte(doc), &v))
		require.NotEmpty(t, checkSchema(schemas, spec, v, "$"), "%s should not match", doc)
	}
}

func TestSchemaChecker_CatchesWrongPipelineBodies(t *testing.T) {
	t.Parallel()
	f := loadFacts(t, "pipeline.json")
	const p = "/workspaces/1/projects/2/datasets/3/dataviews/4"
	bad := []struct {
		method, path string
		status       int
		body         string
	}{
		{"GET", p + "/pipeline", 200, `{"state":"done"}`},
		{"GET", p + "/pipeline", 200, `{"auto_run":"True"}`},
		{"GET", p + "/pipeline", 201, `{}`},
		{"POST", p + "/draft-mode", 200, `{}`},
		{"POST", p + "/draft-mode", 200, `{"draft_mode":"on"}`},
		{"PATCH", p + "/pipeline", 200, `[{"status":"added"}]`},
		{"PATCH", p + "/pipeline", 200, `{"status":"done"}`},
		{"POST", p + "/pipeline/rerun", 200, `{"job":{}}`},
		{"GET", p + "/pipeline/items", 200, `{"items":[]}`},
		{"GET", p + "/pipeline/items", 200, `{"next":"","items":[{"status":"gone"}]}`},
	}
	for _, b := range bad {
		require.NotEmpty(t, f.CheckResponse(b.method, b.path, b.status, []byte(b.body)), "%s %s %d %s should not match", b.method, b.path, b.status, b.body)
	}
	require.NotEmpty(t, f.CheckRequest("PATCH", p+"/pipeline", []byte(`{"patches":[]}`)), "minItems 1")
	require.NotEmpty(t, f.CheckRequest("PATCH", p+"/pipeline", []byte(`{"patches":[{"op":"command","path":"run"},{"op":"command","path":"run"}]}`)), "maxItems 1")
	require.Empty(t, f.CheckRequest("PATCH", p+"/pipeline", []byte(`{"patches":[{"op":"command","path":"suspend","value":{"export_ids":[3,7]}}]}`)))
	require.Empty(t, f.CheckResponse("PATCH", p+"/pipeline", 200, []byte(`null`)))
}
