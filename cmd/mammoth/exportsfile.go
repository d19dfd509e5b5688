package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/mammoth-io/mammoth-go"
)

// exportsFile is the desired-state file of "mammoth exports plan|apply",
// and what "mammoth exports dump" writes:
//
//	{"dataviews": [{"workspace_id": 1, "project_id": 2, "dataset_id": 3, "dataview_id": 4,
//	  "exports": [{"name": "daily", "handler_type": "s3", "trigger_type": "pipeline",
//	               "target_properties": {"file": "daily.csv"}, "condition": "Sales >= 1000"}]}]}
//
// Each export is an AddExportSpec in the API's own keys plus an optional
// "name", the entry's label in plans. A condition is the text form or the
// API's object. Secret values are references to environment variables,
// "${DB_PASSWORD}", never literal; ${NAME} in any other string value of
// target_properties or additional_properties is expanded too.
type exportsFile struct {
	Dataviews []*fileDataview `json:"dataviews"`
}

// fileDataview is one dataview of the file and its desired exports.
type fileDataview struct {
	WorkspaceID int           `json:"workspace_id"`
	ProjectID   int           `json:"project_id"`
	DatasetID   int           `json:"dataset_id"`
	DataviewID  int           `json:"dataview_id"`
	Exports     []*fileExport `json:"exports"`
}

func (d *fileDataview) ref() mammoth.DataviewRef {
	return mammoth.DataviewRef{WorkspaceID: d.WorkspaceID, ProjectID: d.ProjectID, DatasetID: d.DatasetID, DataviewID: d.DataviewID}
}

// fileExport is one desired export as the file has it.
type fileExport struct {
	Name                 string         `json:"name,omitempty"`
	TriggerID            *int           `json:"TRIGGER_ID,omitempty"`
	Sequence             *int           `json:"sequence,omitempty"`
	EndOfPipeline        *bool          `json:"end_of_pipeline,omitempty"`
	HandlerType          string         `json:"handler_type"`
	TriggerType          string         `json:"trigger_type"`
	TargetProperties     map[string]any `json:"target_properties,omitempty"`
	AdditionalProperties map[string]any `json:"additional_properties,omitempty"`
	// Condition is the text form (a JSON string) or the API's object.
	Condition      json.RawMessage `json:"condition,omitempty"`
	RunImmediately bool            `json:"run_immediately,omitempty"`
	DataviewID     int             `json:"DATAVIEW_ID,omitempty"`
}

// desiredSet is what the file asks of one dataview, ready for Plan.
type desiredSet struct {
	ref   mammoth.DataviewRef
	specs []*mammoth.AddExportSpec
	names []string
}

// loadExportsFile reads and checks the desired-state file, expanding the
// environment references; defaults fills the ids a dataview leaves out.
func loadExportsFile(r io.Reader, name string, defaults mammoth.DataviewRef, getenv func(string) string) ([]desiredSet, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fileError(name, "", err.Error())
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fileError(name, "", "is empty")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var f exportsFile
	if err := dec.Decode(&f); err != nil {
		return nil, fileError(name, "", fileJSONProblem(data, err))
	}
	if dec.More() {
		return nil, fileError(name, "", "more than one JSON document")
	}
	if len(f.Dataviews) == 0 {
		return nil, fileError(name, "", `"dataviews" lists no dataview`)
	}
	sets := make([]desiredSet, 0, len(f.Dataviews))
	seen := map[mammoth.DataviewRef]int{}
	for i, dv := range f.Dataviews {
		where := fmt.Sprintf("dataviews[%d]", i)
		if dv == nil {
			return nil, fileError(name, where, "is null")
		}
		ref := fillRef(dv.ref(), defaults)
		if ref.WorkspaceID <= 0 || ref.ProjectID <= 0 || ref.DatasetID < 0 || ref.DataviewID <= 0 {
			return nil, fileError(name, where, "needs workspace_id, project_id, dataset_id and dataview_id (or the --workspace, --project, --dataset and --dataview flags)")
		}
		if j, dup := seen[ref]; dup {
			return nil, fileError(name, where, fmt.Sprintf("is the same dataview as dataviews[%d]; list its exports once", j))
		}
		seen[ref] = i
		set := desiredSet{ref: ref}
		for j, fe := range dv.Exports {
			at := fmt.Sprintf("%s.exports[%d]", where, j)
			if fe == nil {
				return nil, fileError(name, at, "is null")
			}
			if fe.Name != "" {
				at += fmt.Sprintf(" (%q)", fe.Name)
			}
			spec, err := fe.spec(getenv)
			if err != nil {
				return nil, fileError(name, at, err.Error())
			}
			set.specs = append(set.specs, spec)
			set.names = append(set.names, fe.Name)
		}
		sets = append(sets, set)
	}
	return sets, nil
}

// fillRef takes the ids ref leaves at 0 from defaults.
func fillRef(ref, defaults mammoth.DataviewRef) mammoth.DataviewRef {
	if ref.WorkspaceID == 0 {
		ref.WorkspaceID = defaults.WorkspaceID
	}
	if ref.ProjectID == 0 {
		ref.ProjectID = defaults.ProjectID
	}
	if ref.DatasetID == 0 {
		ref.DatasetID = defaults.DatasetID
	}
	if ref.DataviewID == 0 {
		ref.DataviewID = defaults.DataviewID
	}
	return ref
}

// spec turns a file entry into the AddExportSpec it describes.
func (fe *fileExport) spec(getenv func(string) string) (*mammoth.AddExportSpec, error) {
	if fe.HandlerType == "" {
		return nil, errors.New(`"handler_type" is required`)
	}
	if fe.TriggerType == "" {
		return nil, errors.New(`"trigger_type" is required`)
	}
	tp, err := expandSecrets("target_properties", fe.TargetProperties, getenv)
	if err != nil {
		return nil, err
	}
	ap, err := expandSecrets("additional_properties", fe.AdditionalProperties, getenv)
	if err != nil {
		return nil, err
	}
	spec := &mammoth.AddExportSpec{
		DataviewID: fe.DataviewID, TriggerID: fe.TriggerID, Sequence: fe.Sequence, EndOfPipeline: fe.EndOfPipeline,
		HandlerType: mammoth.HandlerType(fe.HandlerType), TriggerType: mammoth.TriggerType(fe.TriggerType),
		AdditionalProperties: ap, RunImmediately: fe.RunImmediately,
	}
	if tp != nil {
		spec.TargetProperties = mammoth.RawTargetProperties(tp)
	}
	if spec.Condition, err = fileCondition(fe.Condition); err != nil {
		return nil, err
	}
	return spec, nil
}

// fileCondition reads a condition in the text form or as the API's object.
func fileCondition(raw json.RawMessage) (mammoth.Condition, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if raw[0] == '"' {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, err
		}
		c, err := mammoth.ParseCondition(text)
		if err != nil {
			return nil, fmt.Errorf(`"condition": %w`, err)
		}
		return c, nil
	}
	var c mammoth.Condition
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, errors.New(`"condition" must be the text form (a string) or the API's condition object`)
	}
	return c, nil
}

// envRef is a reference to an environment variable, "${NAME}".
var envRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandSecrets expands the environment references of an object and
// checks that every secret value is one: a literal secret in a file under
// version control is a leak.
func expandSecrets(where string, m map[string]any, getenv func(string) string) (map[string]any, error) {
	if m == nil {
		return nil, nil
	}
	secret := secretPaths(m)
	out, err := expandValue(where, "", m, secret, getenv)
	if err != nil {
		return nil, err
	}
	return out.(map[string]any), nil
}

// secretPaths finds where the SDK redacts a value of m: those are its
// secrets, found by the SDK's own rule for target properties.
func secretPaths(m map[string]any) map[string]bool {
	paths := map[string]bool{}
	mapSecrets(m, func(path string) any { paths[path] = true; return nil })
	return paths
}

// mapSecrets copies m with each value the SDK redacts (its secrets)
// replaced by what replace returns for its path ("a.b", "list[2]").
func mapSecrets(m map[string]any, replace func(path string) any) map[string]any {
	var walk func(path string, orig, red any) any
	walk = func(path string, orig, red any) any {
		if s, ok := red.(string); ok && s == "[REDACTED]" && orig != any(s) {
			return replace(path)
		}
		switch o := orig.(type) {
		case map[string]any:
			r, _ := red.(map[string]any)
			out := make(map[string]any, len(o))
			for k, v := range o {
				p := k
				if path != "" {
					p = path + "." + k
				}
				out[k] = walk(p, v, r[k])
			}
			return out
		case []any:
			r, _ := red.([]any)
			out := make([]any, len(o))
			for i, v := range o {
				var rv any
				if i < len(r) {
					rv = r[i]
				}
				out[i] = walk(path+"["+strconv.Itoa(i)+"]", v, rv)
			}
			return out
		}
		return orig
	}
	if m == nil {
		return nil
	}
	red := mammoth.RedactedTargetProperties(mammoth.RawTargetProperties(m))
	return walk("", m, map[string]any(red)).(map[string]any)
}

// expandValue expands the references in v, which stands at rel inside
// the object named where.
func expandValue(where, rel string, v any, secret map[string]bool, getenv func(string) string) (any, error) {
	path := where
	if rel != "" {
		path += "." + rel
	}
	join := func(k string) string {
		if rel == "" {
			return k
		}
		return rel + "." + k
	}
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			e, err := expandValue(where, join(k), v[k], secret, getenv)
			if err != nil {
				return nil, err
			}
			out[k] = e
		}
		return out, nil
	case []any:
		out := make([]any, len(v))
		for i := range v {
			e, err := expandValue(where, rel+"["+strconv.Itoa(i)+"]", v[i], secret, getenv)
			if err != nil {
				return nil, err
			}
			out[i] = e
		}
		return out, nil
	}
	if secret[rel] {
		if s, ok := v.(string); !ok || envRef.FindString(s) != s {
			return nil, fmt.Errorf("%s is a secret: write it as a reference to an environment variable, such as ${%s}, never as a literal", path, envName(rel))
		}
	}
	if s, ok := v.(string); ok {
		return expandRefs(path, s, getenv)
	}
	return v, nil
}

// expandRefs replaces each ${NAME} in s with the variable's value.
func expandRefs(path, s string, getenv func(string) string) (string, error) {
	var missing []string
	out := envRef.ReplaceAllStringFunc(s, func(ref string) string {
		name := ref[2 : len(ref)-1]
		v := getenv(name)
		if v == "" {
			missing = append(missing, name)
		}
		return v
	})
	if len(missing) > 0 {
		return "", fmt.Errorf("%s: environment variable %s is not set", path, strings.Join(missing, ", "))
	}
	return out, nil
}

// envName suggests an environment variable name for a secret's path.
func envName(path string) string {
	name := strings.ToUpper(nonWord.ReplaceAllString(path, "_"))
	return strings.Trim(name, "_")
}

var nonWord = regexp.MustCompile(`[^A-Za-z0-9]+`)

// fileError is a usage error that points into the file.
func fileError(name, where, msg string) error {
	if where != "" {
		return usagef("%s: %s: %s", name, where, msg)
	}
	return usagef("%s: %s", name, msg)
}

// fileJSONProblem says where the JSON of the file went wrong, for a
// person.
func fileJSONProblem(data []byte, err error) string {
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ):
		return fmt.Sprintf("%s: %q must not be %s", position(data, typ.Offset), typ.Field, article(typ.Value))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown key " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return jsonProblem(data, err).Error()
}

// openExportsFile opens the file a -f flag names; "-" is stdin.
func openExportsFile(name string, stdin io.Reader) (io.ReadCloser, error) {
	if name == "" {
		return nil, usagef("missing --file (-f): the desired-state file, or - for stdin")
	}
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, usagef("cannot read %s: %v", name, errors.Unwrap(err))
	}
	return f, nil
}
