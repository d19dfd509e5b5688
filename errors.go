package mammoth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Sentinel errors matched with [errors.Is] against an [*APIError] of the same
// status code.
var (
	ErrUnauthorized = errors.New("mammoth: unauthorized") // 401
	ErrForbidden    = errors.New("mammoth: forbidden")    // 403
	ErrNotFound     = errors.New("mammoth: not found")    // 404
	ErrRateLimited  = errors.New("mammoth: rate limited") // 429
)

// APIError is a non-2xx answer from the API. Match it with [errors.As], or
// its status with [errors.Is] and [ErrUnauthorized], [ErrForbidden],
// [ErrNotFound] or [ErrRateLimited].
type APIError struct {
	// StatusCode is the HTTP status the API answered.
	StatusCode int
	// Detail is the API's explanation: the error body's "detail" (or, on a
	// 401, "message") when that is a string, its compact JSON text when it
	// is another JSON value (a 422 sends a list), or empty.
	Detail string
	// Extra is the error body's "extra" member as sent, if any: on a 400,
	// what the API found wrong, such as a list of {"message", "key",
	// "source"} objects.
	Extra json.RawMessage
	// Body is the start of the response body (at most 1 MiB).
	Body []byte
	// Method and Path say which request failed. Path has no query string.
	Method string
	Path   string
	// RetryAfter is how long the API asked the caller to wait before trying
	// again (Retry-After header), or 0; never negative. A Retry-After too
	// large to represent is the largest duration.
	RetryAfter time.Duration

	// extraText is Extra summarised and masked when the SDK built the
	// error from an answer.
	extraText string
}

// maxExtraText bounds the summary of Extra that Error includes.
const maxExtraText = 512

// Error returns a one-line summary: method, path, status, detail and what
// Extra says (at most 512 bytes of it), such as
//
//	mammoth: POST /…/pipeline/exports: 400 Validation failed: body.trigger_type: field required
func (e *APIError) Error() string {
	detail := e.Detail
	if detail == "" {
		detail = http.StatusText(e.StatusCode)
	}
	msg := fmt.Sprintf("mammoth: %s %s: %d %s", e.Method, e.Path, e.StatusCode, detail)
	extra := e.extraText
	if extra == "" {
		extra = summarizeExtra(e.Extra)
	}
	if extra != "" {
		msg += ": " + extra
	}
	if e.RetryAfter > 0 {
		msg += " (retry after " + e.RetryAfter.String() + ")"
	}
	return msg
}

// Is reports whether target is the sentinel for e's status code.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// newAPIError builds the error for a non-2xx answer from its (capped) body,
// with the secret masked in the body and in everything read from it.
func newAPIError(m masker, method, path string, status int, body []byte, retryAfter time.Duration) *APIError {
	body = m.bytes(body)
	e := &APIError{StatusCode: status, Method: method, Path: m.str(path), Body: body, RetryAfter: retryAfter}
	var b struct {
		Detail  json.RawMessage `json:"detail"`
		Message json.RawMessage `json:"message"`
		Extra   json.RawMessage `json:"extra"`
	}
	if json.Unmarshal(body, &b) != nil {
		return e
	}
	if string(b.Extra) != "null" {
		e.Extra = b.Extra
		e.extraText = m.str(summarizeExtra(b.Extra))
	}
	if status == http.StatusUnauthorized && len(b.Message) > 0 {
		e.Detail = jsonText(b.Message)
	}
	if e.Detail == "" {
		e.Detail = jsonText(b.Detail)
	}
	e.Detail = m.str(e.Detail)
	return e
}

// summarizeExtra says in one line what an error body's "extra" holds: for
// the API's list of problems, "key: message" for each, joined with "; ";
// for anything else, its compact JSON text. An empty object or list says
// nothing. The result is at most maxExtraText bytes.
func summarizeExtra(raw json.RawMessage) string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if len(raw) == 0 || dec.Decode(&v) != nil {
		return ""
	}
	var parts []string
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		parts = append(parts, v)
	case []any:
		for _, item := range v {
			parts = append(parts, problemText(item))
		}
	case map[string]any:
		if len(v) == 0 {
			return ""
		}
		parts = append(parts, problemText(v))
	default:
		parts = append(parts, jsonText(raw))
	}
	return truncateText(strings.Join(parts, "; "), maxExtraText)
}

// problemText writes one problem of an error body: "key: message" when it
// has a message ("message" or "msg") and names a field ("key", "field" or
// a "loc" path), else its compact JSON.
func problemText(item any) string {
	m, ok := item.(map[string]any)
	if !ok {
		return compactJSON(item)
	}
	msg, _ := m["message"].(string)
	if msg == "" {
		msg, _ = m["msg"].(string)
	}
	if msg == "" {
		return compactJSON(item)
	}
	key, _ := m["key"].(string)
	if key == "" {
		key, _ = m["field"].(string)
	}
	if loc, ok := m["loc"].([]any); ok && key == "" {
		var path []string
		for _, p := range loc {
			path = append(path, strings.Trim(compactJSON(p), `"`))
		}
		key = strings.Join(path, ".")
	}
	if src, _ := m["source"].(string); src != "" && key != "" {
		key = src + "." + key
	}
	if key == "" {
		return msg
	}
	return key + ": " + msg
}

func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}

// truncateText cuts s to at most n bytes on a character boundary, marking
// the cut with "…".
func truncateText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n - len("…")
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// jsonText returns a JSON string's value, or any other JSON value compacted.
func jsonText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) != nil {
		return string(raw)
	}
	return buf.String()
}

// ValidationError reports an argument the SDK refused before sending
// anything.
type ValidationError struct {
	// Field names the argument, in the API's spelling where it has one
	// ("ref.DataviewID", "target_properties.file").
	Field string
	// Reason says what is wrong with it.
	Reason string
}

// Error returns "mammoth: invalid <field>: <reason>".
func (e *ValidationError) Error() string {
	return "mammoth: invalid " + e.Field + ": " + e.Reason
}

// JobFailedError reports a job that ended in [JobStatusFailure] or
// [JobStatusError].
type JobFailedError struct {
	JobID  int
	Status JobStatus
	// Reason is the failure reason the job's response carries, or a generic
	// text when it carries none.
	Reason string
	// Job is the job as last polled.
	Job *Job
}

// Error returns the job id, status and reason.
func (e *JobFailedError) Error() string {
	return "mammoth: job " + strconv.Itoa(e.JobID) + " " + string(e.Status) + ": " + e.Reason
}

// DecodeError reports a 2xx answer whose body is not what the operation
// expects: malformed, cut short, empty or of the wrong shape.
type DecodeError struct {
	// Operation is the SDK method that failed, such as "ListExports".
	Operation string
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// Err is the underlying decoding error.
	Err error
}

// Error says which operation could not read its answer, and why.
func (e *DecodeError) Error() string {
	return fmt.Sprintf("mammoth: %s: decoding %d response: %v", e.Operation, e.StatusCode, e.Err)
}

// Unwrap returns the underlying error.
func (e *DecodeError) Unwrap() error { return e.Err }

// TransportError reports a request that got no HTTP answer: the connection
// failed, was reset, or the attempt timed out ([WithTimeout]). It unwraps to
// the network error, or to [context.DeadlineExceeded] for a timeout.
type TransportError struct {
	Method string
	Path   string
	// Sent is false only when the request provably never left the client,
	// so the API cannot have acted on it.
	Sent bool
	// Err is the underlying error.
	Err error
}

// Error says which request failed and how.
func (e *TransportError) Error() string {
	return "mammoth: " + e.Method + " " + e.Path + ": " + e.Err.Error()
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// Timeout reports whether the failure was a timeout, as [net.Error] does.
func (e *TransportError) Timeout() bool {
	var te interface{ Timeout() bool }
	return errors.Is(e.Err, context.DeadlineExceeded) || (errors.As(e.Err, &te) && te.Timeout())
}

// mayHaveActed reports whether a failed request may have been carried out:
// it may have reached the API and no answer proves that the API refused it.
func mayHaveActed(err error) bool {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return false // refused before anything was sent
	}
	var te *TransportError
	if errors.As(err, &te) {
		return te.Sent
	}
	var ae *APIError
	if errors.As(err, &ae) {
		switch ae.StatusCode {
		case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
			return true
		}
		return false
	}
	// A decode error follows a 2xx answer: the API acted. A cancelled
	// context may have cut the request off at any point.
	return true
}
