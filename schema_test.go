package mammoth

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// openAPIPath is the API's own OpenAPI document, kept beside the project
// rather than in it.
var openAPIPath = filepath.Join("..", "shared", "openapi", "mammoth-exports-jobs.json")

// openAPISchemas loads the document's component schemas, or skips the test
// when the document is not there.
func openAPISchemas(t *testing.T) map[string]any {
	t.Helper()
	data, err := os.ReadFile(openAPIPath)
	if err != nil {
		t.Skipf("OpenAPI document not found at %s: %v", openAPIPath, err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	require.NoError(t, json.Unmarshal(data, &doc))
	return doc.Components.Schemas
}

// assertMatchesSchema checks a JSON document against a named component
// schema: the subset of JSON Schema the document uses (type, enum, oneOf,
// $ref, properties, required, minimum, minLength).
func assertMatchesSchema(t *testing.T, schemas map[string]any, name string, doc []byte) {
	t.Helper()
	var v any
	require.NoError(t, json.Unmarshal(doc, &v))
	schema, ok := schemas[name]
	require.True(t, ok, "schema %s not in the document", name)
	if errs := checkSchema(schemas, schema.(map[string]any), v, "$"); len(errs) > 0 {
		t.Errorf("%s does not match schema %s:\n%s", doc, name, strings.Join(errs, "\n"))
	}
}

func checkSchema(schemas map[string]any, s map[string]any, v any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		target, ok := schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		if !ok {
			return []string{at + ": unresolved " + ref}
		}
		return checkSchema(schemas, target, v, at)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		matched := 0
		for _, alt := range alts {
			if len(checkSchema(schemas, alt.(map[string]any), v, at)) == 0 {
				matched++
			}
		}
		if matched != 1 {
			return []string{fmt.Sprintf("%s: %v matches %d of oneOf", at, v, matched)}
		}
		return nil
	}
	var errs []string
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %v not in enum %v", at, v, enum))
	}
	if typ, ok := s["type"].(string); ok && !hasJSONType(v, typ) {
		return append(errs, fmt.Sprintf("%s: %v is not of type %s", at, v, typ))
	}
	if min, ok := s["minimum"].(float64); ok {
		if n, isNum := v.(float64); isNum && n < min {
			errs = append(errs, fmt.Sprintf("%s: %v below minimum %v", at, n, min))
		}
	}
	if minLen, ok := s["minLength"].(float64); ok {
		if str, isStr := v.(string); isStr && float64(len(str)) < minLen {
			errs = append(errs, fmt.Sprintf("%s: %q shorter than %v", at, str, minLen))
		}
	}
	obj, isObj := v.(map[string]any)
	if !isObj {
		return errs
	}
	for _, req := range asStrings(s["required"]) {
		if _, ok := obj[req]; !ok {
			errs = append(errs, at+": missing required "+req)
		}
	}
	props, _ := s["properties"].(map[string]any)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if ps, ok := props[k].(map[string]any); ok {
			errs = append(errs, checkSchema(schemas, ps, obj[k], at+"."+k)...)
		}
	}
	return errs
}

func hasJSONType(v any, typ string) bool {
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

func asStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
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
