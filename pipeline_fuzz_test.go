package mammoth

import (
	"encoding/json"
	"net/http"
	"testing"
)

func FuzzDecodePipeline(f *testing.F) {
	for _, seed := range []string{
		`{"state":"modified","execution_state":null,"executing_task_id":7158,"staged_task_ids":[2241],"draft_mode":"clean","auto_run":"True","stats":{"export_stats":[{"export_id":1,"execution_stats":{"current":null,"previous":{"start_time":"x","end_time":null}}}]}}`,
		`{"auto_run":false}`, `{"auto_run":"False"}`, `{"auto_run":" true "}`, `{}`, `null`, `{"state":7}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fuzzRoundTrip[Pipeline](t, data)
		var p Pipeline
		if json.Unmarshal(data, &p) == nil {
			// Settled and Failed are total and agree with each other.
			if p.Failed() && !p.Settled() {
				t.Fatalf("failed but not settled: %+v", p)
			}
		}
	})
}

func FuzzDecodePipelineItem(f *testing.F) {
	for _, seed := range []string{
		`{"item_type":"task","id":1,"row_count":3}`, `{"handler_type":null}`, `{"id":2}`,
		`{"item_type":"export","has_refferror":true,"execution_end_time":"2021-10-29T18:05:39.287890"}`, `{"item_type":"other"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var it PipelineItem
		if json.Unmarshal(data, &it) != nil {
			return
		}
		if it.Type == "" {
			t.Fatalf("an item always gets a type: %s", data)
		}
		fuzzRoundTrip[PipelineItem](t, data)
	})
}

func FuzzDecodePipelineChange(f *testing.F) {
	for _, seed := range []string{
		`[{"trigger_id":2,"status":"added","future_id":null}]`, `null`, ``, `{"auto_run":"True"}`,
		`{"type_of_modification":"manual_run","status":"processing"}`, `{"job":{"id":1,"status":"processing"}}`,
		`{"trigger_id":5}`, `[]`, `[null]`, `{"x":1}`,
	} {
		f.Add([]byte(seed), 200)
		f.Add([]byte(seed), 202)
	}
	f.Fuzz(func(t *testing.T, data []byte, status int) {
		resp := &response{StatusCode: status}
		trimmed := json.RawMessage(data)
		if len(data) == 0 || string(data) == "null" {
			resp.Empty = true
		} else if !json.Valid(data) {
			return // do() refuses these before decoding
		}
		change, err := decodePipelineChange("Fuzz", resp, trimmed)
		if err != nil {
			if _, ok := err.(*DecodeError); !ok {
				t.Fatalf("not a *DecodeError: %T %v", err, err)
			}
			return
		}
		set := 0
		for _, isSet := range []bool{change.Exports != nil, change.Modification != nil, change.AutoRun != nil, change.Job != nil} {
			if isSet {
				set++
			}
		}
		if set > 1 {
			t.Fatalf("more than one shape for %s: %+v", data, change)
		}
		if status == http.StatusAccepted && !resp.Empty && change.Job == nil {
			t.Fatalf("a 202 without a job decoded: %s", data)
		}
	})
}
