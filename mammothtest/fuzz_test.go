package mammothtest_test

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// FuzzRequests sends arbitrary methods, paths, queries and bodies: the
// server must answer each one without a server error, and keep serving.
func FuzzRequests(f *testing.F) {
	exports := "/api/v2" + dvPath(testRef) + exportsSuffix
	seeds := []struct{ method, path, query, body string }{
		{"GET", exports, "limit=5&sort=(id:desc)&fields=__full", ""},
		{"GET", exports, "sort=((:", ""},
		{"POST", exports, "", `{"DATAVIEW_ID":2311,"handler_type":"s3","trigger_type":"none","run_immediately":true,"target_properties":{"file":"a"}}`},
		{"POST", exports, "", `{"DATAVIEW_ID":2311,"handler_type":"s3","trigger_type":"none","run_immediately":true,"TRIGGER_ID":101}`},
		{"POST", exports, "", `{"DATAVIEW_ID":1e400}`},
		{"PATCH", exports + "/101", "skip_validation=1", `{"patches":[{"op":"command","path":"run"}]}`},
		{"PATCH", exports + "/101", "", `{"patches":[{"op":"replace","path":"params","value":{"DATAVIEW_ID":2311}}]}`},
		{"PATCH", exports + "/101", "", `{"patches":[null]}`},
		{"DELETE", exports + "/101", "", ""},
		{"POST", "/api/v2" + dvPath(testRef) + "/publish-to-db", "", `{"odbc_type":"postgres","target_properties":{"table":"t"}}`},
		{"PATCH", "/api/v2" + dvPath(testRef) + "/publish-to-db", "", `{"patch":[{"op":"replace","path":"credentials","value":{"odbc_type":1}}]}`},
		{"GET", "/api/v2/jobs", "job_ids=5001,5001,x", ""},
		{"GET", "/api/v2/jobs/5001", "", ""},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, []byte(s.body))
	}
	srv := mammothtest.NewServer(mammothtest.WithJobPolls(0), mammothtest.WithRequestLogSize(0))
	f.Cleanup(srv.Close)
	srv.AddDataview(testRef)
	base := strings.TrimSuffix(srv.URL(), "/api/v2")
	f.Fuzz(func(t *testing.T, method, path, query string, body []byte) {
		switch method {
		case "GET", "POST", "PATCH", "DELETE", "PUT", "HEAD":
		default:
			return
		}
		u, err := url.Parse(base + "/" + strings.TrimPrefix(path, "/"))
		if err != nil || u.Host != strings.TrimPrefix(base, "http://") {
			return
		}
		u.RawQuery = query
		req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header.Set("X-API-KEY", srv.APIKey())
		req.Header.Set("X-API-SECRET", srv.APISecret())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, u, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode >= 500 {
			t.Fatalf("%s %s %q: status %d", method, u, body, resp.StatusCode)
		}
	})
}
