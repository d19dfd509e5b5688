package mammoth

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
)

// Every decoder is fuzzed for two properties: it never panics, and what it
// accepts survives a round trip through its own encoding unchanged.

func fuzzRoundTrip[T any](t *testing.T, data []byte) {
	var v T
	if json.Unmarshal(data, &v) != nil {
		return
	}
	first, err := json.Marshal(&v)
	if err != nil {
		t.Fatalf("re-encoding %q: %v", data, err)
	}
	var again T
	if err := json.Unmarshal(first, &again); err != nil {
		t.Fatalf("decoding our own encoding %s: %v", first, err)
	}
	second, err := json.Marshal(&again)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Fatalf("round trip changed the value:\n%s\n%s", first, second)
	}
}

func FuzzDecodeExport(f *testing.F) {
	f.Add([]byte(fullExportJSON))
	f.Add([]byte(`{"id":null,"handler_type":"snowflake","status":"archived","target_properties":null}`))
	f.Add([]byte(`{"last_modified_time":1700000000123,"execution_end_time":"2025-10-19 14:18:00Z"}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRoundTrip[ItemExportInfo](t, data) })
}

func FuzzDecodePage(f *testing.F) {
	f.Add([]byte(`{"limit":10,"offset":5,"next":"<url>?limit=10&offset=5","exports":[` + fullExportJSON + `]}`))
	f.Add([]byte(`{"next":"","exports":[],"total":0}`))
	f.Add([]byte(`{"next":null,"exports":null}`))
	f.Fuzz(func(t *testing.T, data []byte) { fuzzRoundTrip[PipelineExportsPaginated](t, data) })
}

func FuzzDecodeChange(f *testing.F) {
	f.Add(202, []byte(`{"job":{"id":7,"status":"processing","response":{}}}`))
	f.Add(201, []byte(`{"trigger_id":12,"status":"added","future_id":99}`))
	f.Add(200, []byte(`null`))
	f.Add(200, []byte(`{"status":"deleted"}`))
	f.Add(204, []byte(``))
	f.Fuzz(func(t *testing.T, status int, data []byte) {
		trimmed := bytes.TrimSpace(data)
		resp := &response{StatusCode: status, Empty: len(trimmed) == 0 || string(trimmed) == "null"}
		change, err := decodeChange("Fuzz", resp, data)
		if err != nil {
			if change != nil {
				t.Fatal("an error comes with no change")
			}
			return
		}
		if change == nil {
			t.Fatal("no error and no change")
		}
		if status == 202 && !resp.Empty && change.Job == nil {
			t.Fatalf("a 202 accepted without a job: %q", data)
		}
		if change.Job != nil && change.Modification != nil {
			t.Fatal("a change is a job or a modification, not both")
		}
		change.JobID()
	})
}

func FuzzDecodeJob(f *testing.F) {
	f.Add([]byte(`{"job":{"id":10,"status":"success","response":{"url":"https://x"},"last_updated_at":"2021-08-10T10:00:00","created_at":"2014-11-08T10:20:10.061977","path":"/p","operation":"o"}}`))
	f.Add([]byte(`{"id":91,"status":"failure","response":{"response":{"detail":"boom"}}}`))
	f.Add([]byte(`{"job":{"id":1,"status":"error","response":["a",1]}}`))
	f.Add([]byte(`{"job":null,"id":3,"status":"processing"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		job, err := decodeJob(data)
		if err != nil {
			return
		}
		if job.Status == "" {
			t.Fatalf("a job without a status was accepted: %q", data)
		}
		if failureReason(job, newMasker(testSecret)) == "" {
			t.Fatal("a failure always has a reason")
		}
		_, _ = job.ResponseObject()
		fuzzRoundTrip[Job](t, data)
	})
}

func FuzzTimestamp(f *testing.F) {
	for _, s := range []string{
		`"2021-08-10T10:00:00"`, `"2014-11-08T10:20:10.061977"`, `"2025-08-06T10:56:20.123Z"`,
		`"2025-08-06 10:56:20Z"`, `"2025-10-19T14:17:07.810308+00:00Z"`, `"2025-10-19T09:17:07.5-05:00"`,
		`1700000000`, `1700000000123`, `1.5`, `"1700000000"`, `"2025-10-19"`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var ts Timestamp
		if ts.UnmarshalJSON(data) != nil || ts.IsZero() {
			return
		}
		out, err := json.Marshal(ts)
		if err != nil {
			// Years outside 0..9999 have no RFC 3339 form.
			if ts.Year() < 0 || ts.Year() > 9999 {
				return
			}
			t.Fatalf("encoding %v: %v", ts.Time, err)
		}
		var back Timestamp
		if err := json.Unmarshal(out, &back); err != nil {
			t.Fatalf("decoding our own %s: %v", out, err)
		}
		if !back.Equal(ts.Time) {
			t.Fatalf("round trip of %q: %v became %v", data, ts.Time, back.Time)
		}
	})
}

func FuzzAPIError(f *testing.F) {
	f.Add(404, []byte(`{"status_code":404,"detail":"Not Found","extra":{}}`))
	f.Add(401, []byte(``))
	f.Add(401, []byte(`{"message":"bad creds"}`))
	f.Add(422, []byte(`{"status_code":422,"detail":[{"loc":["body"],"msg":"x"}],"extra":[1]}`))
	f.Add(502, []byte(`<html>502</html>`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := newAPIError(newMasker(testSecret), "GET", "/p", status, body, 0)
		if e.StatusCode != status || !bytes.Equal(e.Body, body) {
			t.Fatal("status and body are kept as sent")
		}
		if e.Error() == "" {
			t.Fatal("an empty message")
		}
		if len(e.Extra) > 0 && !json.Valid(e.Extra) {
			t.Fatalf("extra %q is not JSON", e.Extra)
		}
	})
}

func FuzzQueryEncoder(f *testing.F) {
	f.Add("__full", 10, 20, "(id:asc)", 3, "executed", true, "s3", false, true, uint8(0xff))
	f.Add("", 0, 0, "", 0, "", false, "", false, false, uint8(0))
	f.Add("a,b&c=d", 100, 7, "(x:desc),(y:asc)", 0, "weird status", true, "new/handler", true, false, uint8(0x55))
	f.Fuzz(func(t *testing.T, fields string, limit, offset int, sort string, sequence int, status string,
		reordered bool, handler string, endOfPipeline, runnable bool, set uint8) {
		opts := &ListExportsOptions{Fields: fields, Offset: offset, Sort: sort, Status: ExportStatus(status), HandlerType: HandlerType(handler)}
		want := url.Values{}
		add := func(k, v string) {
			if v != "" {
				want.Set(k, v)
			}
		}
		add("fields", fields)
		add("sort", sort)
		add("status", status)
		add("handler_type", handler)
		if offset != 0 {
			want.Set("offset", strconv.Itoa(offset))
		}
		if set&1 != 0 {
			opts.Limit = &limit
			want.Set("limit", strconv.Itoa(limit))
		}
		if set&2 != 0 {
			opts.Sequence = &sequence
			want.Set("sequence", strconv.Itoa(sequence))
		}
		if set&4 != 0 {
			opts.Reordered = &reordered
			want.Set("reorderd", strconv.FormatBool(reordered))
		}
		if set&8 != 0 {
			opts.EndOfPipeline = &endOfPipeline
			want.Set("end_of_pipeline", strconv.FormatBool(endOfPipeline))
		}
		if set&16 != 0 {
			opts.Runnable = &runnable
			want.Set("runnable", strconv.FormatBool(runnable))
		}
		if got := opts.encode(); got != want.Encode() {
			t.Fatalf("query %q, want %q", got, want.Encode())
		}
		viaReflection, err := encodeQuery(opts)
		if err != nil {
			t.Fatal(err)
		}
		if viaReflection != want.Encode() {
			t.Fatalf("go-querystring's query %q, want %q", viaReflection, want.Encode())
		}
	})
}
