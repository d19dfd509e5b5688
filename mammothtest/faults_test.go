package mammothtest_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// send sends a request with the server's credentials and returns the
// transport error, if any, instead of failing the test.
func send(s *mammothtest.Server, method, path, body string) (*http.Response, []byte, error) {
	req, err := http.NewRequest(method, s.URL()+path, strings.NewReader(body))
	if err != nil {
		return nil, nil, err
	}
	req.Header.Set("X-API-KEY", s.APIKey())
	req.Header.Set("X-API-SECRET", s.APISecret())
	// A fresh connection each time, so a reset affects only this request.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return resp, data, err
}

func TestFaultStatusAndRetryAfter(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 503, RetryAfter: "1", Count: 2})
	path := dvPath(testRef) + exportsSuffix
	for i := range 2 {
		a := raw(t, s, "GET", path, nil)
		assert.Equal(t, http.StatusServiceUnavailable, a.status, i)
		assert.Equal(t, "1", a.header.Get("Retry-After"))
		assert.JSONEq(t, `{"status_code":503,"detail":"Service Unavailable","extra":{}}`, string(a.body))
	}
	assert.Equal(t, http.StatusOK, raw(t, s, "GET", path, nil).status)
	assert.Equal(t, 3, s.RequestCount(mammothtest.RouteListExports))
}

func TestFaultCounts(t *testing.T) {
	t.Parallel()
	path := dvPath(testRef) + exportsSuffix
	statuses := func(s *mammothtest.Server, n int) []int {
		var out []int
		for range n {
			out = append(out, raw(t, s, "GET", path, nil).status)
		}
		return out
	}
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Status: 500})
	assert.Equal(t, []int{500, 200, 200}, statuses(s, 3), "Count 0 means once")

	s.InjectFault(mammothtest.Fault{Status: 502, Count: -1})
	assert.Equal(t, []int{502, 502, 502}, statuses(s, 3), "negative means until cleared")
	s.ClearFaults()
	assert.Equal(t, []int{200}, statuses(s, 1))

	s.InjectFault(mammothtest.Fault{Status: 429, Count: 1})
	s.InjectFault(mammothtest.Fault{Status: 503, Count: 2})
	assert.Equal(t, []int{429, 503, 503, 200}, statuses(s, 4), "faults apply in order")
}

func TestFaultMatching(t *testing.T) {
	t.Parallel()
	exports := dvPath(testRef) + exportsSuffix
	tests := []struct {
		name  string
		fault mammothtest.Fault
		hit   []bool // GET list, POST add, GET job
	}{
		{"any", mammothtest.Fault{Status: 503, Count: -1}, []bool{true, true, true}},
		{"method", mammothtest.Fault{Method: "post", Status: 503, Count: -1}, []bool{false, true, false}},
		{"route", mammothtest.Fault{Route: mammothtest.RouteGetJob, Status: 503, Count: -1}, []bool{false, false, true}},
		{"suffix", mammothtest.Fault{PathSuffix: "/pipeline/exports", Status: 503, Count: -1}, []bool{true, true, false}},
		{"all conditions", mammothtest.Fault{Method: "GET", PathSuffix: "/exports", Route: mammothtest.RouteListExports, Status: 503, Count: -1}, []bool{true, false, false}},
		{"mismatch", mammothtest.Fault{Method: "GET", Route: mammothtest.RouteAddExport, Status: 503, Count: -1}, []bool{false, false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			s.InjectFault(tt.fault)
			got := []bool{
				raw(t, s, "GET", exports, nil).status == 503,
				raw(t, s, "POST", exports, s3Spec(testRef)).status == 503,
				raw(t, s, "GET", "/jobs/1", nil).status == 503,
			}
			assert.Equal(t, tt.hit, got)
		})
	}
}

func TestFault401HasNoBody(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Status: 401})
	a := raw(t, s, "GET", dvPath(testRef)+exportsSuffix, nil)
	assert.Equal(t, http.StatusUnauthorized, a.status)
	assert.Empty(t, a.body)
}

func TestFaultDelay(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteGetJobs, Delay: 100 * time.Millisecond})
	start := time.Now()
	a := raw(t, s, "GET", "/jobs?job_ids=1", nil)
	assert.Equal(t, http.StatusOK, a.status)
	assert.GreaterOrEqual(t, time.Since(start), 100*time.Millisecond)

	// A client that gives up is not kept waiting, nor is Close.
	s.InjectFault(mammothtest.Fault{Delay: time.Hour})
	c := newClient(t, s, mammoth.WithTimeout(50*time.Millisecond), mammoth.WithMaxRetries(0))
	_, err := c.Exports.ListExports(context.Background(), testRef, nil)
	require.Error(t, err)

	s.InjectFault(mammothtest.Fault{Delay: time.Hour})
	go func() { _, _, _ = send(s, "GET", "/jobs/1", "") }()
	require.Eventually(t, func() bool { return s.RequestCount(mammothtest.RouteGetJob) == 1 }, 5*time.Second, time.Millisecond)
	done := make(chan struct{})
	go func() { s.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close waited for a delayed request")
	}
}

func TestFaultResetBeforeHandling(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteAddExport, Reset: true})
	_, _, err := send(s, "POST", dvPath(testRef)+exportsSuffix, `{"DATAVIEW_ID":2311}`)
	require.Error(t, err)
	assert.Empty(t, s.Exports(testRef), "the server did not act")
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	assert.Nil(t, reqs[0].Body, "the body was never read")
}

func TestFaultAfterHandling(t *testing.T) {
	t.Parallel()
	t.Run("reset", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteAddExport, AfterHandling: true})
		_, _, err := send(s, "POST", dvPath(testRef)+exportsSuffix, `{"DATAVIEW_ID":2311,"handler_type":"s3","trigger_type":"none","run_immediately":true}`)
		require.Error(t, err)
		assert.Len(t, s.Exports(testRef), 1, "the server acted although the client saw a reset")
		assert.Len(t, s.Jobs(), 1)
	})
	t.Run("status", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, AfterHandling: true, Status: 502})
		id := s.SeedExports(testRef, mammoth.ItemExportInfo{})[0]
		resp, body, err := send(s, "DELETE", exportPath(id), "")
		require.NoError(t, err)
		assert.Equal(t, http.StatusBadGateway, resp.StatusCode)
		assert.Contains(t, string(body), `"status_code":502`)
		assert.Empty(t, s.Exports(testRef), "the delete happened")
	})
	t.Run("sdk does not repeat an add that may have happened", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteAddExport, AfterHandling: true, Reset: true})
		c := newClient(t, s)
		_, err := c.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "a.csv"})
		require.Error(t, err)
		assert.Equal(t, 1, s.RequestCount(mammothtest.RouteAddExport))
		assert.Len(t, s.Exports(testRef), 1)
	})
}

func TestFaultResetAfterBytes(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SeedExports(testRef, make([]mammoth.ItemExportInfo, 20)...)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, ResetAfterBytes: 100})
	resp, body, err := send(s, "GET", dvPath(testRef)+exportsSuffix, "")
	require.Error(t, err, "the body is cut short")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Len(t, body, 100)
	assert.True(t, strings.HasPrefix(string(body), `{"limit":50,`))

	// A short answer is sent whole.
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteGetJobs, ResetAfterBytes: 100})
	_, body, err = send(s, "GET", "/jobs?job_ids=1", "")
	require.NoError(t, err)
	assert.JSONEq(t, `{"jobs":[]}`, string(body))
}

func TestSDKRetriesInjectedFaults(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 503, Count: 2})
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteGetJob, Reset: true, Count: 2})
	c := newClient(t, s)
	ctx := context.Background()
	_, err := c.Exports.ListExports(ctx, testRef, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, s.RequestCount(mammothtest.RouteListExports))

	change, err := c.Exports.CreateS3Export(ctx, testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	_, err = c.Jobs.WaitForJob(ctx, change.Job.ID, fastWait)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, s.RequestCount(mammothtest.RouteGetJob), 4)

	// A Retry-After longer than the client will wait is returned at once.
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 429, RetryAfter: "120"})
	_, err = c.Exports.ListExports(ctx, testRef, nil)
	var apiErr *mammoth.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 2*time.Minute, apiErr.RetryAfter)
	assert.ErrorIs(t, err, mammoth.ErrRateLimited)
}

func TestRequestsRecordTheWire(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := newClient(t, s, mammoth.WithUserAgent("acme/1.0"))
	ctx := context.Background()
	_, err := c.Exports.ListExports(ctx, testRef, &mammoth.ListExportsOptions{Status: mammoth.ExportStatusExecuted, Runnable: mammoth.Ptr(true)})
	require.NoError(t, err)
	_, err = c.Exports.CreateS3Export(ctx, testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)

	reqs := s.Requests()
	require.Len(t, reqs, 2)
	list, add := reqs[0], reqs[1]
	assert.Equal(t, mammothtest.RouteListExports, list.Route)
	assert.Equal(t, "GET", list.Method)
	assert.Equal(t, "/api/v2"+dvPath(testRef)+exportsSuffix, list.Path)
	assert.Equal(t, "executed", list.Query().Get("status"))
	assert.Equal(t, "true", list.Query().Get("runnable"))
	assert.Equal(t, s.APIKey(), list.Header.Get("X-Api-Key"))
	assert.Equal(t, "4", list.Header.Get("X-Workspace-Id"))
	assert.Contains(t, list.Header.Get("User-Agent"), "acme/1.0")
	assert.Empty(t, list.Body)

	assert.Equal(t, mammothtest.RouteAddExport, add.Route)
	assert.Equal(t, "application/json", add.Header.Get("Content-Type"))
	assert.Equal(t, []string{"DATAVIEW_ID", "sequence", "TRIGGER_ID", "end_of_pipeline", "handler_type", "trigger_type",
		"target_properties", "additional_properties", "condition", "run_immediately", "validate_only"}, keyOrder(t, add.Body))

	// The log is a copy.
	reqs[0].Header.Set("X-Api-Key", "changed")
	assert.Equal(t, s.APIKey(), s.Requests()[0].Header.Get("X-Api-Key"))

	s.ClearRequests()
	assert.Empty(t, s.Requests())
	assert.Zero(t, s.RequestCount(mammothtest.RouteListExports))
}

func TestRequestLogSize(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithRequestLogSize(3))
	for _, q := range []string{"a", "b", "c", "d", "e"} {
		raw(t, s, "GET", dvPath(testRef)+exportsSuffix+"?sort="+q, nil)
	}
	reqs := s.Requests()
	require.Len(t, reqs, 3)
	assert.Equal(t, []string{"sort=c", "sort=d", "sort=e"}, []string{reqs[0].RawQuery, reqs[1].RawQuery, reqs[2].RawQuery})
	assert.Equal(t, 5, s.RequestCount(mammothtest.RouteListExports))

	none := newServer(t, mammothtest.WithRequestLogSize(0))
	raw(t, none, "GET", "/jobs/1", nil)
	assert.Empty(t, none.Requests())
	assert.Equal(t, 1, none.RequestCount(mammothtest.RouteGetJob))
}
