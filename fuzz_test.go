package mammoth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
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
			t.Fatal("status and body (which hold no secret) are kept as sent")
		}
		msg := e.Error()
		if msg == "" {
			t.Fatal("an empty message")
		}
		if len(e.Extra) > 0 && !json.Valid(e.Extra) {
			t.Fatalf("extra %q is not JSON", e.Extra)
		}
		if extra := summarizeExtra(e.Extra); len(extra) > maxExtraText || !utf8.ValidString(extra) && utf8.Valid(e.Extra) {
			t.Fatalf("extra summary of %d bytes: %q", len(extra), extra)
		}
	})
}

// FuzzMaskSecret puts any secret NewClient accepts, JSON-escaped in any way
// (each character raw, as a \u escape in either case, or with its short
// escape), into an error body's detail, message and extra (as keys and
// values) and into a failed job's reason, and checks that it shows in none
// of what the SDK makes of them: Detail, Extra and the strings decoded from
// it, Body and what it decodes to, Error(), and the reason.
func FuzzMaskSecret(f *testing.F) {
	f.Add("bG9uZy9zZWNyZXQrd2l0aC9zbGFzaGVz+/==", []byte{0, 1, 2, 3}, "bad ", " value", 400)
	f.Add(`quote"and\backslash/slash`, []byte{3}, "", "", 401)
	f.Add("REDACTED", []byte{1, 0}, "[", "]", 422)
	f.Add("D]a", []byte{0}, "x", "a", 500)
	f.Add(`\u003c`, []byte{0, 3}, "<", ">", 404)
	f.Add("ünïcødé🔑", []byte{1, 2}, "", "", 403)
	f.Fuzz(func(t *testing.T, secret string, pattern []byte, pre, post string, status int) {
		if _, err := NewClient("key", secret); err != nil {
			return // refused up front, so never sent
		}
		m := newMasker(secret)
		if strings.Contains(newAPIError(m, "GET", "/p", status, nil, 0).Error()+reasonPrefix, secret) {
			return // the SDK's own words ("412", "mammoth") are not the answer's
		}
		esc := escapeJSON(secret, pattern)
		quote := func(s string) string { b, _ := json.Marshal(s); return string(b[1 : len(b)-1]) }
		inner := quote(pre) + esc + quote(post)
		body := []byte(`{"status_code":` + strconv.Itoa(status) + `,"detail":"` + inner + `","message":"` + inner +
			`","extra":[{"message":"` + inner + `","key":"k","source":"body"},{"` + esc + `":["` + inner + `",{"n":"` + esc + `"}]}]}`)
		e := newAPIError(m, "GET", "/p", status, body, 0)
		texts := map[string]string{"Detail": e.Detail, "Error()": e.Error(), "Extra": string(e.Extra), "Body": string(e.Body)}
		var decoded any
		if json.Unmarshal(e.Body, &decoded) == nil {
			texts["Body decoded"] = fmtStrings(decoded)
		}
		if json.Unmarshal(e.Extra, &decoded) == nil {
			texts["Extra decoded"] = fmtStrings(decoded)
		}
		job := &Job{Status: JobStatusFailure, Response: json.RawMessage(`{"error":"` + inner + `","detail":{"a":["` + esc + `"]}}`)}
		texts["reason"] = failureReason(job, m)
		job.Response = json.RawMessage(`{"failure_reason":{"x":"` + inner + `"}}`)
		texts["JSON reason"] = failureReason(job, m)
		for what, text := range texts {
			if strings.Contains(text, secret) {
				t.Fatalf("%s holds the secret %q: %q (body %s)", what, secret, text, body)
			}
		}
	})
}

// reasonPrefix is what failureReason adds around a reason of its own.
const reasonPrefix = "job ended with status failure and no reason"

// escapeJSON writes s as the inside of a JSON string, each character
// escaped as pattern says in turn: 0 as Go encodes it, 1 as \u with lower
// hex, 2 with upper hex, 3 with its short escape where it has one.
func escapeJSON(s string, pattern []byte) string {
	var b strings.Builder
	i := 0
	for _, r := range s {
		p := byte(0)
		if len(pattern) > 0 {
			p = pattern[i%len(pattern)] % 4
		}
		i++
		short := map[rune]string{'/': `\/`, '"': `\"`, '\\': `\\`, '\b': `\b`, '\f': `\f`, '\n': `\n`, '\r': `\r`, '\t': `\t`}[r]
		switch {
		case p == 1 || p == 2:
			format := `\u%04x`
			if p == 2 {
				format = `\u%04X`
			}
			if r > 0xffff {
				r1, r2 := utf16.EncodeRune(r)
				b.WriteString(fmt.Sprintf(format+format, r1, r2))
			} else {
				b.WriteString(fmt.Sprintf(format, r))
			}
		case p == 3 && short != "":
			b.WriteString(short)
		default:
			enc, _ := json.Marshal(string(r))
			b.Write(enc[1 : len(enc)-1])
		}
	}
	return b.String()
}

// fmtStrings lists every string in a decoded JSON value, keys included.
func fmtStrings(v any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			b.WriteString(v + "\x00")
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				b.WriteString(k + "\x00")
				walk(e)
			}
		}
	}
	walk(v)
	return b.String()
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
