package main

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
)

// FuzzReadSpec: any text is either a spec with known keys only, or a usage
// error that says where or what; never a panic.
func FuzzReadSpec(f *testing.F) {
	for _, seed := range []string{
		`{"handler_type": "s3", "trigger_type": "none", "run_immediately": true, "target_properties": {"file": "x.csv"}}`,
		`{"run_immediatly": true}`, `{"sequence": 1.5}`, `[1]`, `{} {}`, `{"a":`, "\n\n  {\"handler_type\"  \"s3\"}", `"x"`, ``, `{"DATAVIEW_ID": -1, "TRIGGER_ID": null}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		spec, err := readSpec(strings.NewReader(text), "-")
		if err != nil {
			var ce *cliError
			if !errors.As(err, &ce) || ce.code != exitUsage || !strings.HasPrefix(ce.msg, "invalid --spec - (stdin): ") {
				t.Fatalf("%q: not a usage error: %v", text, err)
			}
			return
		}
		var keys map[string]json.RawMessage
		if err := json.Unmarshal([]byte(text), &keys); err != nil {
			t.Fatalf("%q accepted, but not a JSON object: %v", text, err)
		}
		for k := range keys {
			if !slices.Contains(specKeys, k) {
				t.Fatalf("%q accepted with unknown key %q", text, k)
			}
		}
		if spec == nil {
			t.Fatalf("%q: nil spec and nil error", text)
		}
	})
}
