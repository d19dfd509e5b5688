package mammothtest_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// discoveryFactsPath holds the facts of the API's OpenAPI document the
// discovery endpoints need: the operations' parameters and answer schemas
// and the component schemas they reach, with only the keywords a body is
// checked against (no descriptions, titles, examples or defaults).
var discoveryFactsPath = filepath.Join("..", "testdata", "schema", "discovery.json")

type discoveryFacts struct {
	Source     string                    `json:"source"`
	Operations map[string]operationFacts `json:"operations"`
	Schemas    map[string]map[string]any `json:"schemas"`
}

type operationFacts struct {
	OperationID string                    `json:"operationId"`
	Parameters  map[string]map[string]any `json:"parameters"`
	Responses   map[string]map[string]any `json:"responses"`
}

func loadDiscoveryFacts(t *testing.T) discoveryFacts {
	t.Helper()
	data, err := os.ReadFile(discoveryFactsPath)
	require.NoError(t, err)
	var f discoveryFacts
	require.NoError(t, json.Unmarshal(data, &f))
	return f
}

// factKeywords are the schema keywords the facts keep.
var factKeywords = []string{
	"type", "enum", "required", "properties", "items", "additionalProperties", "oneOf", "anyOf", "allOf",
	"$ref", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength", "minLength", "minItems", "maxItems",
}

// stripToFacts keeps only the fact keywords of a schema.
func stripToFacts(v any, inProperties bool) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any)
		for k, x := range v {
			switch {
			case inProperties:
				out[k] = stripToFacts(x, false)
			case slices.Contains(factKeywords, k):
				out[k] = stripToFacts(x, k == "properties")
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = stripToFacts(x, false)
		}
		return out
	}
	return v
}

// TestDiscoveryFacts_MatchTheOpenAPIDocument keeps the facts true to the
// document, when it is there to compare with.
func TestDiscoveryFacts_MatchTheOpenAPIDocument(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "openapi", "mammoth-pipeline.json"))
	if err != nil {
		t.Skipf("OpenAPI document not there: %v", err)
	}
	var doc struct {
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	facts := loadDiscoveryFacts(t)
	for name, schema := range facts.Schemas {
		want := stripToFacts(doc.Components.Schemas[name], false)
		assert.Equal(t, want, any(schema), "schema %s", name)
	}
	for key, op := range facts.Operations {
		method, path, _ := strings.Cut(key, " ")
		spec := doc.Paths[path][strings.ToLower(method)]
		require.NotNil(t, spec, key)
		assert.Equal(t, spec["operationId"], op.OperationID, key)
		responses := spec["responses"].(map[string]any)
		assert.Len(t, op.Responses, len(responses), key)
		for status, r := range responses {
			schema := jsonPath(r, "content", "application/json", "schema")
			if schema == nil {
				assert.Nil(t, op.Responses[status], "%s %s", key, status)
				continue
			}
			assert.Equal(t, stripToFacts(schema, false), any(op.Responses[status]), "%s %s", key, status)
		}
	}
}

func jsonPath(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// checker validates JSON values against the facts' schemas.
type checker struct{ schemas map[string]map[string]any }

func (c checker) check(s map[string]any, v any, at string) []string {
	if s == nil {
		return nil
	}
	if ref, ok := s["$ref"].(string); ok {
		target := c.schemas[strings.TrimPrefix(ref, "#/components/schemas/")]
		if target == nil {
			return []string{at + ": unresolved " + ref}
		}
		return c.check(target, v, at)
	}
	var errs []string
	// oneOf is checked as anyOf: the API's own alternatives overlap (a
	// string or a date-time string; two identical error bodies), so no
	// value could match exactly one of them.
	for _, key := range []string{"oneOf", "anyOf"} {
		alts, ok := s[key].([]any)
		if !ok {
			continue
		}
		matched := false
		for _, alt := range alts {
			matched = matched || len(c.check(alt.(map[string]any), v, at)) == 0
		}
		if !matched {
			errs = append(errs, fmt.Sprintf("%s: %v matches none of %s", at, v, key))
		}
	}
	for _, alt := range asList(s["allOf"]) {
		errs = append(errs, c.check(alt.(map[string]any), v, at)...)
	}
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", at, v, enum))
	}
	if typ, ok := s["type"]; ok {
		types := []any{typ}
		if list, ok := typ.([]any); ok {
			types = list
		}
		if !slices.ContainsFunc(types, func(t any) bool { return isJSONType(v, t.(string)) }) {
			return append(errs, fmt.Sprintf("%s: %v is not of type %v", at, v, typ))
		}
	}
	if n, ok := v.(float64); ok {
		if m, ok := s["minimum"].(float64); ok && n < m {
			errs = append(errs, fmt.Sprintf("%s: %v below minimum %v", at, n, m))
		}
		if m, ok := s["maximum"].(float64); ok && n > m {
			errs = append(errs, fmt.Sprintf("%s: %v above maximum %v", at, n, m))
		}
		if m, ok := s["exclusiveMinimum"].(float64); ok && n <= m {
			errs = append(errs, fmt.Sprintf("%s: %v not above %v", at, n, m))
		}
	}
	if str, ok := v.(string); ok {
		if m, ok := s["maxLength"].(float64); ok && float64(len([]rune(str))) > m {
			errs = append(errs, fmt.Sprintf("%s: %q longer than %v", at, str, m))
		}
		if m, ok := s["minLength"].(float64); ok && float64(len([]rune(str))) < m {
			errs = append(errs, fmt.Sprintf("%s: %q shorter than %v", at, str, m))
		}
	}
	if list, ok := v.([]any); ok {
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range list {
				errs = append(errs, c.check(items, x, at+"["+strconv.Itoa(i)+"]")...)
			}
		}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return errs
	}
	for _, req := range asList(s["required"]) {
		if _, ok := obj[req.(string)]; !ok {
			errs = append(errs, at+": missing required "+req.(string))
		}
	}
	props, _ := s["properties"].(map[string]any)
	extra, _ := s["additionalProperties"].(map[string]any)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		switch ps, ok := props[k].(map[string]any); {
		case ok:
			errs = append(errs, c.check(ps, obj[k], at+"."+k)...)
		case extra != nil:
			errs = append(errs, c.check(extra, obj[k], at+"."+k)...)
		}
	}
	return errs
}

func asList(v any) []any { l, _ := v.([]any); return l }

func isJSONType(v any, typ string) bool {
	switch typ {
	case "object":
		_, ok := v.(map[string]any)
		return ok
	case "array":
		_, ok := v.([]any)
		return ok
	case "string":
		_, ok := v.(string)
		return ok
	case "boolean":
		_, ok := v.(bool)
		return ok
	case "null":
		return v == nil
	case "integer":
		n, ok := v.(float64)
		return ok && n == math.Trunc(n)
	case "number":
		_, ok := v.(float64)
		return ok
	}
	return false
}

func TestDiscoveryFacts_CheckerCatchesWrongBodies(t *testing.T) {
	t.Parallel()
	facts := loadDiscoveryFacts(t)
	c := checker{facts.Schemas}
	bad := map[string]string{
		"WorkspacesSchema": `{"workspaces":[{"id":0}],"next":""}`,
		"ProjectList":      `{"projects":[{"id":"7"}],"next":""}`,
		"DatasetsList":     `{"datasets":[{"status":"fine"}],"next":""}`,
		"DataviewInfo":     `{"draft_mode":"on"}`,
		"JobResponse":      `{"job":{"id":1}}`,
	}
	for name, body := range bad {
		var v any
		require.NoError(t, json.Unmarshal([]byte(body), &v))
		assert.NotEmpty(t, c.check(facts.Schemas[name], v, "$"), "%s should not match %s", body, name)
	}
	var v any
	require.NoError(t, json.Unmarshal([]byte(`{"projects":[],"next":"x"}`), &v))
	assert.Empty(t, c.check(facts.Schemas["ProjectList"], v, "$"))
}

// TestDiscoveryBodies_MatchTheAPISchemas checks every kind of answer the
// fake sends on the discovery routes against the schema the API declares
// for its status.
func TestDiscoveryBodies_MatchTheAPISchemas(t *testing.T) {
	t.Parallel()
	facts := loadDiscoveryFacts(t)
	c := checker{facts.Schemas}
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

	const ws = "/workspaces/{workspace_id}"
	const proj = ws + "/projects/{project_id}"
	const p = proj + "/datasets/{dataset_id}/dataviews/{dataview_id}"
	tests := []struct {
		op, path string
		status   int
	}{
		{"GET /workspaces", "/workspaces?limit=1", 200},
		{"GET " + ws + "/projects", "/workspaces/4/projects", 200},
		{"GET /browse", "/browse", 200},
		{"GET " + ws + "/browse", "/workspaces/4/browse", 200},
		{"GET " + ws + "/browse", "/workspaces/4/browse?level=1", 200},
		{"GET " + proj + "/browse", "/workspaces/4/projects/7/browse", 200},
		{"GET " + proj + "/folders/{folder_id}/browse", "/workspaces/4/projects/7/folders/3/browse?fields=__min", 200},
		{"GET " + proj + "/browse", "/workspaces/4/projects/7/browse?level=3", 400},
		{"GET " + proj + "/datasets", "/workspaces/4/projects/7/datasets", 200},
		{"GET " + proj + "/datasets/{dataset_id}/dataviews", "/workspaces/4/projects/7/datasets/121/dataviews", 200},
		{"GET " + proj + "/datasets/{dataset_id}/dataviews", "/workspaces/4/projects/7/datasets/122/dataviews", 404},
		{"GET " + p, "/workspaces/4/projects/7/datasets/121/dataviews/2311", 200},
		{"GET " + p, "/workspaces/4/projects/7/datasets/121/dataviews/2311?fields=__full&sequence=1", 200},
		{"GET " + p, "/workspaces/4/projects/7/datasets/121/dataviews/2311?fields=__min", 200},
		{"GET " + p, "/workspaces/4/projects/7/datasets/121/dataviews/2311?sequence=2", 400},
		{"GET " + p, "/workspaces/4/projects/7/datasets/121/dataviews/2312", 404},
		{"GET " + proj + "/workflows/workspace-exports", "/workspaces/4/projects/7/workflows/workspace-exports", 200},
	}
	for _, tt := range tests {
		a := raw(t, s, "GET", tt.path, nil)
		require.Equal(t, tt.status, a.status, "%s: %s", tt.path, a.body)
		op, ok := facts.Operations[tt.op]
		require.True(t, ok, tt.op)
		schema, declared := op.Responses[strconv.Itoa(tt.status)]
		require.True(t, declared, "%s answers %d, which the API does not declare", tt.path, tt.status)
		var v any
		require.NoError(t, json.Unmarshal(a.body, &v), tt.path)
		if schema == nil {
			continue
		}
		assert.Empty(t, c.check(schema, v, "$"), "%s: %s", tt.path, a.body)
		if obj, ok := v.(map[string]any); ok {
			// The dataviews list is read as {"dataviews": [...]}: each
			// entry is a DataviewInfo.
			for i, dv := range asList(obj["dataviews"]) {
				assert.Empty(t, c.check(facts.Schemas["DataviewInfo"], dv, "$.dataviews["+strconv.Itoa(i)+"]"), tt.path)
			}
		}
	}

	// A 202 job answer.
	s.AnswerDataviewWithJobs(ref, 1)
	a := raw(t, s, "GET", "/workspaces/4/projects/7/datasets/121/dataviews/2311", nil)
	require.Equal(t, 202, a.status)
	var v any
	require.NoError(t, json.Unmarshal(a.body, &v))
	assert.Empty(t, c.check(facts.Operations["GET "+p].Responses["202"], v, "$"), "%s", a.body)
	assert.True(t, reflect.DeepEqual(v.(map[string]any)["job"].(map[string]any)["status"], "processing"))
}
