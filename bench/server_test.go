package bench

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// The credentials and dataview every benchmark uses.
const (
	apiKey    = "mk_live_4f9a1c2e7b3d4a5f"
	apiSecret = "ms_live_0c8e2a9b6d7f4e1a3b5c"
	userAgent = "mammoth-go/0.2.0"

	workspaceID = 1
	projectID   = 2
	datasetID   = 3
	// pageDataview answers the list with the same fixed page of pageSize
	// exports on every call. Any other dataview id n holds n generated
	// exports, served page by page.
	pageDataview = 4
	pageSize     = 100
)

// dataviewPrefix is the path of every dataview in workspace 1, project 2,
// dataset 3, up to the dataview id.
const dataviewPrefix = "/api/v2/workspaces/1/projects/2/datasets/3/dataviews/"

// server is a loopback Mammoth API that answers the exports list and add
// endpoints, and counts the TCP connections it accepts.
type server struct {
	*httptest.Server
	conns atomic.Int64
}

// fixedPage is the body of the list answer for pageDataview: a realistic page
// of pageSize exports with every field filled.
var fixedPage = func() []byte {
	var b bytes.Buffer
	writePage(&b, 100_000, 0, pageSize)
	return b.Bytes()
}()

// jobAnswer is the 202 answer to an add.
var jobAnswer = []byte(`{"job": {"id": 48213, "status": "processing", "response": {}, ` +
	`"last_updated_at": "2025-10-19T14:17:07.810308", "created_at": "2025-10-19T14:17:07.402117", ` +
	`"path": "/api/v2/workspaces/1/projects/2/datasets/3/dataviews/4/pipeline/exports", ` +
	`"operation": "add_pipeline_export"}}`)

func newServer(tb testing.TB) *server {
	tb.Helper()
	s := &server{}
	s.Server = httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	s.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	s.Start()
	tb.Cleanup(s.Close)
	return s
}

// baseURL is the API root to give the clients.
func (s *server) baseURL() string { return s.URL + "/api/v2" }

func (s *server) serve(w http.ResponseWriter, r *http.Request) {
	h := r.Header
	if h.Get("X-Api-Key") != apiKey || h.Get("X-Api-Secret") != apiSecret ||
		h.Get("X-Workspace-Id") != "1" || h.Get("User-Agent") == "" || h.Get("Accept") != "application/json" {
		http.Error(w, `{"detail": "bad credentials"}`, http.StatusUnauthorized)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, dataviewPrefix)
	if !ok {
		http.NotFound(w, r)
		return
	}
	id, ok := strings.CutSuffix(rest, "/pipeline/exports")
	dataview, err := strconv.Atoi(id)
	if !ok || err != nil || dataview < 1 {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Method == http.MethodGet && dataview == pageDataview:
		w.Header().Set("Content-Length", strconv.Itoa(len(fixedPage)))
		_, _ = w.Write(fixedPage)
	case r.Method == http.MethodGet:
		q := r.URL.Query()
		limit, offset := 50, 0
		if v := q.Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		if v := q.Get("offset"); v != "" {
			offset, _ = strconv.Atoi(v)
		}
		writePage(w, dataview, offset, limit)
	case r.Method == http.MethodPost && dataview == pageDataview:
		if h.Get("Content-Type") != "application/json" {
			http.Error(w, `{"detail": "want JSON"}`, http.StatusUnsupportedMediaType)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Length", strconv.Itoa(len(jobAnswer)))
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write(jobAnswer)
	default:
		http.Error(w, `{"detail": "Method Not Allowed"}`, http.StatusMethodNotAllowed)
	}
}

// writePage writes the page at offset of a pipeline of total exports,
// generating each export as it goes: no page is held whole in memory.
func writePage(w io.Writer, total, offset, limit int) {
	end := min(offset+limit, total)
	b := make([]byte, 0, 4096)
	b = append(b, `{"limit": `...)
	b = strconv.AppendInt(b, int64(limit), 10)
	b = append(b, `, "offset": `...)
	b = strconv.AppendInt(b, int64(offset), 10)
	b = append(b, `, "next": "`...)
	if end < total {
		b = append(b, dataviewPrefix[1:]...)
		b = strconv.AppendInt(b, int64(total), 10)
		b = append(b, "/pipeline/exports?limit="...)
		b = strconv.AppendInt(b, int64(limit), 10)
		b = append(b, "&offset="...)
		b = strconv.AppendInt(b, int64(end), 10)
	}
	b = append(b, `", "exports": [`...)
	for i := offset; i < end; i++ {
		if i > offset {
			b = append(b, ", "...)
		}
		b = appendExport(b, i)
		if len(b) > 3072 {
			_, _ = w.Write(b)
			b = b[:0]
		}
	}
	b = append(b, "]}"...)
	_, _ = w.Write(b)
}

var (
	handlers   = []string{"s3", "postgres", "internal_dataset", "bigquery", "email"}
	triggers   = []string{"pipeline", "schedule", "none"}
	statuses   = []string{"executed", "executed", "executing", "added", "edited", "suspended"}
	timeOrigin = time.Date(2025, 10, 19, 14, 17, 7, 810308000, time.UTC)
)

// timeLayout is how the API writes the times of an export: no zone,
// microseconds.
const timeLayout = "2006-01-02T15:04:05.000000"

// appendExport appends export number i of a generated pipeline: all 19
// fields filled, target properties shaped as the API sends them for each
// handler type.
func appendExport(b []byte, i int) []byte {
	num := func(b []byte, n int) []byte { return strconv.AppendInt(b, int64(n), 10) }
	boolean := func(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }
	stamp := func(b []byte, t time.Time) []byte {
		b = append(b, '"')
		b = t.AppendFormat(b, timeLayout)
		return append(b, '"')
	}
	handler := handlers[i%len(handlers)]
	status := statuses[i%len(statuses)]
	b = append(b, `{"id": `...)
	b = num(b, 7000+i)
	b = append(b, `, "dataview_id": `...)
	b = num(b, pageDataview)
	b = append(b, `, "sequence": `...)
	b = num(b, i%20)
	b = append(b, `, "sub_sequence": `...)
	b = num(b, i%3)
	b = append(b, `, "handler_type": "`...)
	b = append(b, handler...)
	b = append(b, `", "trigger_type": "`...)
	b = append(b, triggers[i%len(triggers)]...)
	b = append(b, `", "end_of_pipeline": `...)
	b = boolean(b, i%4 != 0)
	b = append(b, `, "status": "`...)
	b = append(b, status...)
	b = append(b, `", "target_properties": `...)
	switch handler {
	case "s3":
		b = append(b, `{"file": "orders_by_region_`...)
		b = num(b, i)
		b = append(b, `.csv", "file_type": "csv", "include_hidden": false, "is_format_set": true, "use_format": true}`...)
	case "postgres":
		b = append(b, `{"host": "analytics-db.internal.acme.example", "port": 5432, "username": "mammoth_writer", `+
			`"password": "********", "database": "analytics", "table": "orders_daily_`...)
		b = num(b, i)
		b = append(b, `"}`...)
	case "internal_dataset":
		b = append(b, `{"DS_NAME": "Orders by region `...)
		b = num(b, i)
		b = append(b, `", "TARGET_DS_ID": `...)
		b = num(b, 1200+i)
		b = append(b, `, "SAVE_AS_DS_MODE": "REPLACE_IN_DS", "COLUMN_MAPPING": {"Region": "Region", `+
			`"Revenue": "Revenue", "Orders": "Orders"}, "TARGET_DS_LABEL_IDS": [12, 19], "TRANSFORM": null}`...)
	case "bigquery":
		b = append(b, `{"selected_profile": {"name": "sales", "value": [["acme-analytics", "sales"]]}, `+
			`"selected_identity": {"identity_config": {"type": "service_account"}, `+
			`"host": "mammoth-export@acme-analytics.iam.gserviceaccount.com"}, "table": "orders_`...)
		b = num(b, i)
		b = append(b, `", "exportType": "UPSERT", "upsertKeys": [{"column": {"display_name": "id"}}]}`...)
	case "email":
		b = append(b, `{"emails": ["ops@acme.example", "finance@acme.example"], "subject": "Daily orders report `...)
		b = num(b, i)
		b = append(b, `", "message": "Attached: today's orders by region.", "resource": "csv"}`...)
	}
	b = append(b, `, "runnable": `...)
	b = boolean(b, status != "suspended")
	b = append(b, `, "reordered": `...)
	b = boolean(b, i%5 == 0)
	b = append(b, `, "data_pass_through": `...)
	b = boolean(b, i%2 == 0)
	b = append(b, `, "additional_properties": {"notify_on_failure": true, "tags": ["nightly", "finance"]}`...)
	b = append(b, `, "condition": {"AND": [{"column_3": {"GTE": {"VALUE": 1000}}}, `+
		`{"column_7": {"IN_RANGE": [{"VALUE": "2025-01-01"}, {"VALUE": "2025-12-31"}]}}]}`...)
	modified := timeOrigin.Add(-time.Duration(i) * 37 * time.Second)
	started := timeOrigin.Add(time.Duration(i) * 61 * time.Second)
	b = append(b, `, "last_modified_time": `...)
	b = stamp(b, modified)
	b = append(b, `, "execution_start_time": `...)
	b = stamp(b, started)
	b = append(b, `, "execution_end_time": `...)
	b = stamp(b, started.Add(1834*time.Millisecond))
	b = append(b, `, "last_run_result": {"status": "success", "rows_exported": `...)
	b = num(b, 48213+i)
	b = append(b, `, "duration_ms": 1834, "job_id": `...)
	b = num(b, 90000+i)
	b = append(b, `}, "error_info": `...)
	if i%7 == 3 {
		b = append(b, `{"code": "TARGET_UNREACHABLE", "message": "connection refused by analytics-db.internal.acme.example:5432", "retries": 3}`...)
	} else {
		b = append(b, `{"code": null, "message": null, "retries": 0}`...)
	}
	return append(b, '}')
}
