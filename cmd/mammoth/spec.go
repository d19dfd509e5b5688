package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/mammoth-io/mammoth-go"
)

// maxSpecSize bounds what --spec reads: a spec is a few hundred bytes.
const maxSpecSize = 1 << 20

// readSpec reads an AddExportSpec from a file, or stdin for "-". Unlike
// encoding/json it refuses keys the spec does not have, a misspelt
// "run_immediatly" would otherwise add an export that never runs, and
// keys written in another letter case, and it says where in the text a
// mistake is.
func readSpec(stdin io.Reader, name string) (*mammoth.AddExportSpec, error) {
	var r io.Reader = stdin
	switch name {
	case "":
		return nil, usagef("missing --spec: a JSON file, or - for stdin")
	case "-":
		name = "- (stdin)"
	default:
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("cannot read --spec: %v", err)
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxSpecSize+1))
	switch {
	case err != nil:
		return nil, usagef("cannot read --spec %s: %v", name, err)
	case len(data) > maxSpecSize:
		return nil, usagef("invalid --spec %s: longer than %d bytes", name, maxSpecSize)
	}
	if err := checkSpecText(data); err != nil {
		return nil, usagef("invalid --spec %s: %v", name, err)
	}
	return decodeSpec(data, name)
}

// specKeys are the top-level keys of an AddExportSpec, as the SDK writes
// them.
var specKeys = func() []string {
	data, err := json.Marshal(mammoth.AddExportSpec{})
	if err != nil {
		panic(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(data, &m); err != nil {
		panic(err)
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return keys
}()

// checkSpecText checks that data is one JSON object with known keys.
func checkSpecText(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return errors.New("it is empty; expected a JSON object such as {\"handler_type\": \"s3\", …}")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return jsonProblem(data, err)
	}
	if tok, err := dec.Token(); err != io.EOF {
		at := dec.InputOffset()
		if err == nil {
			at -= int64(len(fmt.Sprint(tok)))
		}
		return fmt.Errorf("%s: more text after the JSON object", position(data, at))
	}
	dec = json.NewDecoder(bytes.NewReader(data))
	if tok, _ := dec.Token(); tok != json.Delim('{') {
		return fmt.Errorf("%s: expected a JSON object, found %s", position(data, int64(len(data)-len(bytes.TrimLeft(data, " \t\r\n")))), jsonKind(top))
	}
	seen := map[string]bool{}
	for dec.More() {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return jsonProblem(data, err)
		}
		key := tok.(string)
		at := position(data, start+int64(len(data[start:])-len(bytes.TrimLeft(data[start:], " \t\r\n,"))))
		switch {
		case !slices.Contains(specKeys, key):
			msg := fmt.Sprintf("%s: unknown key %q", at, key)
			if near := nearest(key, specKeys); near != "" {
				msg += fmt.Sprintf("; did you mean %q?", near)
			}
			return fmt.Errorf("%s (the keys are %s)", msg, strings.Join(specKeys, ", "))
		case seen[key]:
			return fmt.Errorf("%s: key %q given twice", at, key)
		}
		seen[key] = true
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return jsonProblem(data, err)
		}
	}
	return nil
}

// decodeSpec decodes a spec checkSpecText passed, explaining a value of
// the wrong type.
func decodeSpec(data []byte, name string) (*mammoth.AddExportSpec, error) {
	spec := new(mammoth.AddExportSpec)
	err := json.Unmarshal(data, spec)
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return spec, nil
	case errors.As(err, &typeErr):
		// The spec's own decoder counts from the object's first byte.
		lead := int64(len(data) - len(bytes.TrimLeft(data, " \t\r\n")))
		return nil, usagef("invalid --spec %s: %s: %q must be %s, not %s", name,
			position(data, lead+typeErr.Offset), typeErr.Field, jsonTypeName(typeErr.Type.Kind().String()), article(typeErr.Value))
	}
	return nil, usagef("invalid --spec %s: %v", name, err)
}

// jsonProblem says what is wrong with malformed JSON, and where.
func jsonProblem(data []byte, err error) error {
	var syntax *json.SyntaxError
	switch {
	case errors.As(err, &syntax):
		msg := strings.TrimPrefix(syntax.Error(), "json: ")
		for _, e := range syntaxExpectations {
			if strings.HasSuffix(msg, e.after) {
				msg += " (expected " + e.expected + ")"
				break
			}
		}
		return fmt.Errorf("%s: %s", position(data, syntax.Offset), msg)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("%s: the JSON ends too soon; a closing } or ] or a value is missing", position(data, int64(len(data))))
	}
	return err
}

// syntaxExpectations say what JSON expected where encoding/json's syntax
// errors say only what it found.
var syntaxExpectations = []struct{ after, expected string }{
	{"after object key:value pair", "a comma or }"},
	{"after object key", "a colon"},
	{"after array element", "a comma or ]"},
	{"looking for beginning of object key string", `a key in double quotes, or }`},
	{"looking for beginning of value", "a value: a string in double quotes, a number, true, false, null, an object or an array"},
}

// position is a byte offset as a person finds it: line and column.
func position(data []byte, offset int64) string {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := len(before) - bytes.LastIndexByte(before, '\n')
	return fmt.Sprintf("line %d, column %d", line, col)
}

func jsonKind(raw json.RawMessage) string {
	switch t := bytes.TrimSpace(raw); {
	case len(t) == 0:
		return "nothing"
	case t[0] == '[':
		return "an array"
	case t[0] == '"':
		return "a string"
	case t[0] == 't' || t[0] == 'f':
		return "a boolean"
	case t[0] == 'n':
		return "null"
	}
	return "a number"
}

// jsonTypeName names a Go kind as a JSON type, with its article.
func jsonTypeName(kind string) string {
	switch {
	case kind == "bool":
		return "true or false"
	case strings.HasPrefix(kind, "int"), strings.HasPrefix(kind, "uint"), strings.HasPrefix(kind, "float"):
		return "a number"
	case kind == "string":
		return "a string"
	case kind == "map", kind == "struct":
		return "an object"
	case kind == "slice", kind == "array":
		return "an array"
	}
	return kind
}

// article puts "a" or "an" before a JSON type name the decoder reports.
func article(value string) string {
	switch {
	case value == "null":
		return value
	case strings.HasPrefix(value, "number"):
		return "a " + value
	case strings.HasPrefix(value, "a") || strings.HasPrefix(value, "o"):
		return "an " + value
	}
	return "a " + value
}

// nearest returns the word in words closest to w (in letter case,
// transposed, missing or extra letters), if one is close enough to be a
// likely typo.
func nearest(w string, words []string) string {
	best, bestD := "", 3
	for _, c := range words {
		if strings.EqualFold(c, w) {
			return c
		}
		if d := editDistance(strings.ToLower(w), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
