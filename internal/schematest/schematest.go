// Package schematest checks JSON bodies against the facts of the API's
// OpenAPI documents: the schemas' types, enums, required keys and bounds,
// and each operation's request body and answer per status. The facts are
// kept under testdata/schema, reduced from the documents by [Reduce], so
// that the schema tests run on a clone that has no copy of the documents.
//
// To regenerate them after the documents change, from the module root:
//
//	go test -run TestSchemaFacts -update-schema-facts .
package schematest

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"reflect"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Facts is a reduced OpenAPI document.
type Facts struct {
	// Schemas are the component schemas, by name.
	Schemas map[string]any `json:"schemas"`
	// Operations are keyed "METHOD /path/{param}".
	Operations map[string]Operation `json:"operations"`
}

// Operation is what an operation declares of its bodies.
type Operation struct {
	// Request is the request body's schema, or nil.
	Request any `json:"request,omitempty"`
	// Responses maps each declared status to its body's schema, or to nil
	// for a status declared without a body.
	Responses map[string]any `json:"responses"`
}

// schemaKeywords are the keywords a reduction keeps: facts, not prose.
var schemaKeywords = map[string]bool{
	"type": true, "enum": true, "required": true, "properties": true, "items": true,
	"oneOf": true, "anyOf": true, "allOf": true, "$ref": true, "minimum": true, "maximum": true,
	"exclusiveMinimum": true, "exclusiveMaximum": true, "minLength": true, "maxLength": true,
	"minItems": true, "maxItems": true, "additionalProperties": true, "prefixItems": true, "const": true,
	"format": true,
}

// reduceSchema keeps only the keywords of schemaKeywords, recursively.
func reduceSchema(v any) any {
	s, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := make(map[string]any)
	for k, x := range s {
		if !schemaKeywords[k] {
			continue
		}
		switch k {
		case "properties":
			props := make(map[string]any)
			for name, ps := range x.(map[string]any) {
				props[name] = reduceSchema(ps)
			}
			out[k] = props
		case "items", "additionalProperties":
			out[k] = reduceSchema(x)
		case "oneOf", "anyOf", "allOf", "prefixItems":
			list := x.([]any)
			red := make([]any, len(list))
			for i, alt := range list {
				red[i] = reduceSchema(alt)
			}
			out[k] = red
		default:
			out[k] = x
		}
	}
	return out
}

// Reduce turns an OpenAPI document into its Facts, as indented JSON.
func Reduce(doc []byte) ([]byte, error) {
	var d struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(doc, &d); err != nil {
		return nil, err
	}
	f := Facts{Schemas: make(map[string]any), Operations: make(map[string]Operation)}
	for name, s := range d.Components.Schemas {
		f.Schemas[name] = reduceSchema(s)
	}
	for path, ops := range d.Paths {
		for method, raw := range ops {
			var op struct {
				RequestBody struct {
					Content map[string]struct {
						Schema any `json:"schema"`
					} `json:"content"`
				} `json:"requestBody"`
				Responses map[string]struct {
					Content map[string]struct {
						Schema any `json:"schema"`
					} `json:"content"`
				} `json:"responses"`
			}
			if json.Unmarshal(raw, &op) != nil || op.Responses == nil {
				continue // "parameters" and other non-operations
			}
			o := Operation{Responses: make(map[string]any)}
			if c, ok := op.RequestBody.Content["application/json"]; ok {
				o.Request = reduceSchema(c.Schema)
			}
			for status, r := range op.Responses {
				var s any
				if c, ok := r.Content["application/json"]; ok {
					s = reduceSchema(c.Schema)
				}
				o.Responses[status] = s
			}
			f.Operations[strings.ToUpper(method)+" "+path] = o
		}
	}
	return json.MarshalIndent(f, "", " ")
}

// Load reads Facts written by Reduce.
func Load(path string) (*Facts, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := new(Facts)
	if err := json.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return f, nil
}

// Check validates a JSON document against a named component schema and
// returns what does not match.
func (f *Facts) Check(name string, doc []byte) []string {
	s, ok := f.Schemas[name].(map[string]any)
	if !ok {
		return []string{"schema " + name + " not in the document"}
	}
	var v any
	if err := json.Unmarshal(doc, &v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	return f.CheckValue(s, v, "$")
}

// CheckResponse validates an answer to a request against the operation that
// serves it: method and a concrete path, such as "/workspaces/1/…/pipeline".
// A status the operation does not declare, or a body where it declares
// none, is reported too.
func (f *Facts) CheckResponse(method, path string, status int, body []byte) []string {
	key, op, ok := f.operation(method, path)
	if !ok {
		return []string{"no operation for " + method + " " + path}
	}
	s, declared := op.Responses[strconv.Itoa(status)]
	if !declared {
		return []string{fmt.Sprintf("%s does not declare status %d", key, status)}
	}
	if s == nil {
		if len(strings.TrimSpace(string(body))) > 0 {
			return []string{fmt.Sprintf("%s declares no body for %d, got %s", key, status, body)}
		}
		return nil
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []string{fmt.Sprintf("%s %d: not JSON: %v", key, status, err)}
	}
	return f.CheckValue(s.(map[string]any), v, "$")
}

// CheckRequest validates a request body against the operation's.
func (f *Facts) CheckRequest(method, path string, body []byte) []string {
	key, op, ok := f.operation(method, path)
	if !ok {
		return []string{"no operation for " + method + " " + path}
	}
	if op.Request == nil {
		return []string{key + " declares no request body"}
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	return f.CheckValue(op.Request.(map[string]any), v, "$")
}

func (f *Facts) operation(method, path string) (string, Operation, bool) {
	for key, op := range f.Operations {
		m, tmpl, _ := strings.Cut(key, " ")
		if m == method && matchTemplate(tmpl, path) {
			return key, op, true
		}
	}
	return "", Operation{}, false
}

// matchTemplate reports whether path fills tmpl's {params}, segment by
// segment.
func matchTemplate(tmpl, path string) bool {
	ts, ps := strings.Split(tmpl, "/"), strings.Split(path, "/")
	if len(ts) != len(ps) {
		return false
	}
	for i := range ts {
		if strings.HasPrefix(ts[i], "{") && strings.HasSuffix(ts[i], "}") {
			if ps[i] == "" {
				return false
			}
			continue
		}
		if ts[i] != ps[i] {
			return false
		}
	}
	return true
}

// CheckValue validates a decoded JSON value against a schema: the subset of
// JSON Schema the documents use. A oneOf of object schemas that declare no
// additionalProperties cannot tell its alternatives apart when a value
// fits several (the API's pipeline items, which have no discriminator), so
// for those a value must match at least one; any other oneOf exactly one.
func (f *Facts) CheckValue(s map[string]any, v any, at string) []string {
	if ref, ok := s["$ref"].(string); ok {
		target, ok := f.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		if !ok {
			return []string{at + ": unresolved " + ref}
		}
		return f.CheckValue(target, v, at)
	}
	if alts, ok := s["oneOf"].([]any); ok {
		matched, open := 0, true
		for i, alt := range alts {
			am := alt.(map[string]any)
			if sameAsEarlier(alts[:i], am) {
				// The API's documents list the same schema twice (two
				// error bodies alike but for their prose; a string and a
				// date-time string, format being an annotation): the
				// repeat is not another alternative.
				continue
			}
			if len(f.CheckValue(am, v, at)) == 0 {
				matched++
				open = open && f.openObject(am)
			}
		}
		if matched == 0 || (matched > 1 && !open) {
			return []string{fmt.Sprintf("%s: %s matches %d of oneOf", at, short(v), matched)}
		}
		return nil
	}
	if alts, ok := s["anyOf"].([]any); ok {
		for _, alt := range alts {
			if len(f.CheckValue(alt.(map[string]any), v, at)) == 0 {
				return nil
			}
		}
		return []string{fmt.Sprintf("%s: %s matches none of anyOf", at, short(v))}
	}
	var errs []string
	if enum, ok := s["enum"].([]any); ok && !slices.Contains(enum, v) {
		errs = append(errs, fmt.Sprintf("%s: %s not in enum %v", at, short(v), enum))
	}
	if !typeMatches(s["type"], v) {
		return append(errs, fmt.Sprintf("%s: %s is not of type %v", at, short(v), s["type"]))
	}
	if n, isNum := v.(float64); isNum {
		if min, ok := s["minimum"].(float64); ok && n < min {
			errs = append(errs, fmt.Sprintf("%s: %v below minimum %v", at, n, min))
		}
		if max, ok := s["maximum"].(float64); ok && n > max {
			errs = append(errs, fmt.Sprintf("%s: %v above maximum %v", at, n, max))
		}
		if min, ok := s["exclusiveMinimum"].(float64); ok && n <= min {
			errs = append(errs, fmt.Sprintf("%s: %v not above %v", at, n, min))
		}
	}
	if str, isStr := v.(string); isStr {
		if minLen, ok := s["minLength"].(float64); ok && float64(len(str)) < minLen {
			errs = append(errs, fmt.Sprintf("%s: %q shorter than %v", at, str, minLen))
		}
	}
	if list, isList := v.([]any); isList {
		if n, ok := s["minItems"].(float64); ok && float64(len(list)) < n {
			errs = append(errs, fmt.Sprintf("%s: %d items, fewer than %v", at, len(list), n))
		}
		if n, ok := s["maxItems"].(float64); ok && float64(len(list)) > n {
			errs = append(errs, fmt.Sprintf("%s: %d items, more than %v", at, len(list), n))
		}
		if items, ok := s["items"].(map[string]any); ok {
			for i, x := range list {
				errs = append(errs, f.CheckValue(items, x, at+"["+strconv.Itoa(i)+"]")...)
			}
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
			errs = append(errs, f.CheckValue(ps, obj[k], at+"."+k)...)
		} else if ap, ok := s["additionalProperties"].(bool); ok && !ap {
			errs = append(errs, at+": unexpected key "+k)
		}
	}
	return errs
}

// openObject reports whether a schema is an object schema that allows any
// other key, so that its alternatives in a oneOf may overlap.
func (f *Facts) openObject(s map[string]any) bool {
	if ref, ok := s["$ref"].(string); ok {
		t, _ := f.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		return t != nil && f.openObject(t)
	}
	_, restricted := s["additionalProperties"]
	return s["type"] == "object" && !restricted
}

func typeMatches(typ any, v any) bool {
	switch t := typ.(type) {
	case nil:
		return true
	case string:
		return hasJSONType(v, t)
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok && hasJSONType(v, s) {
				return true
			}
		}
		return false
	}
	return false
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

func short(v any) string {
	b, _ := json.Marshal(v)
	if len(b) > 120 {
		return string(b[:120]) + "…"
	}
	return string(b)
}

// sameAsEarlier reports whether s equals one of earlier, ignoring "format".
func sameAsEarlier(earlier []any, s map[string]any) bool {
	strip := func(m map[string]any) map[string]any {
		out := make(map[string]any, len(m))
		for k, v := range m {
			if k != "format" {
				out[k] = v
			}
		}
		return out
	}
	for _, e := range earlier {
		if em, ok := e.(map[string]any); ok && reflect.DeepEqual(strip(em), strip(s)) {
			return true
		}
	}
	return false
}
