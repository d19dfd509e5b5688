package mammothtest

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// timeLayout is how the API writes times: UTC, microseconds, no zone.
const timeLayout = "2006-01-02T15:04:05.000000"

// formatTime writes t the way the API does.
func formatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// problem is one entry of a 400 answer's "extra" list.
type problem struct {
	Message string `json:"message"`
	Key     string `json:"key"`
	Source  string `json:"source"`
}

// problems collects what is wrong with a request.
type problems []problem

func (p *problems) add(source, key, message string) {
	*p = append(*p, problem{Message: message, Key: key, Source: source})
}

// errorBody is the API's error body.
type errorBody struct {
	StatusCode int    `json:"status_code"`
	Detail     string `json:"detail"`
	Extra      any    `json:"extra"`
}

// writeJSON answers status with v encoded as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Everything the server encodes was decoded from JSON or built
		// from plain values, so this cannot happen; answer honestly if it
		// does.
		writeError(w, http.StatusInternalServerError, "Internal Server Error", nil)
		return
	}
	writeRaw(w, status, b)
}

// writeRaw answers status with a body that is already JSON.
func writeRaw(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// writeError answers with the API's error body; a nil extra is sent as {}.
func writeError(w http.ResponseWriter, status int, detail string, extra any) {
	if extra == nil {
		extra = struct{}{}
	}
	if detail == "" {
		detail = http.StatusText(status)
	}
	b, _ := json.Marshal(errorBody{StatusCode: status, Detail: detail, Extra: extra})
	writeRaw(w, status, b)
}

// writeNotFound answers 404 as the API does.
func writeNotFound(w http.ResponseWriter) {
	writeError(w, http.StatusNotFound, "Not Found", nil)
}

// writeProblems answers 400 listing what is wrong with the request.
func writeProblems(w http.ResponseWriter, r *http.Request, p problems) {
	writeError(w, http.StatusBadRequest, "Validation failed for "+r.Method+" "+r.URL.Path, []problem(p))
}

// parseBool reads a query boolean the way the API's server does.
func parseBool(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true", "t", "yes", "y", "on", "1":
		return true, true
	case "false", "f", "no", "n", "off", "0":
		return false, true
	}
	return false, false
}

// parseID reads a decimal id of at least min.
func parseID(v string, min int) (int, bool) {
	if v == "" || len(v) > 18 {
		return 0, false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= min
}
