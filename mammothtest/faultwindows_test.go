package mammothtest_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Windows are checked with generous margins: each test opens a window far
// longer than a request takes, and waits for it to close by polling.

func TestFailForAnswersEveryRouteUntilTheWindowCloses(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	exports := dvPath(testRef) + exportsSuffix
	s.FailFor(time.Minute, http.StatusServiceUnavailable)

	for _, path := range []string{exports, exports + "/101", "/jobs/5001", "/no/such/route"} {
		a := raw(t, s, "GET", path, nil)
		assert.Equal(t, http.StatusServiceUnavailable, a.status, path)
		assert.Empty(t, a.header.Get("Retry-After"), "an outage sends no Retry-After")
		assert.JSONEq(t, `{"status_code":503,"detail":"Service Unavailable","extra":{}}`, string(a.body))
	}
	add := raw(t, s, "POST", exports, map[string]any{"DATAVIEW_ID": testRef.DataviewID, "handler_type": "s3",
		"trigger_type": "none", "run_immediately": false, "target_properties": map[string]any{"file": "a.csv"}})
	assert.Equal(t, http.StatusServiceUnavailable, add.status)
	assert.Empty(t, s.Exports(testRef), "a request failed by the window is not acted on")

}

func TestFailForEndsWhenTheWindowCloses(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	exports := dvPath(testRef) + exportsSuffix
	opened := time.Now()
	s.FailFor(200*time.Millisecond, http.StatusBadGateway)
	// Only a status seen within the window proves it open; a slow machine
	// may see none.
	if a := raw(t, s, "GET", exports, nil); time.Since(opened) < 200*time.Millisecond {
		assert.Equal(t, http.StatusBadGateway, a.status)
	}
	require.Eventually(t, func() bool { return raw(t, s, "GET", exports, nil).status == http.StatusOK },
		10*time.Second, 20*time.Millisecond, "the API is back once the window closes")
	assert.GreaterOrEqual(t, time.Since(opened), 200*time.Millisecond)
	assert.Equal(t, http.StatusNotFound, raw(t, s, "GET", "/no/such/route", nil).status)
}

func TestRateLimitForSendsRetryAfter(t *testing.T) {
	t.Parallel()
	exports := dvPath(testRef) + exportsSuffix
	t.Run("as given", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.RateLimitFor(time.Minute, "7")
		a := raw(t, s, "GET", exports, nil)
		assert.Equal(t, http.StatusTooManyRequests, a.status)
		assert.Equal(t, "7", a.header.Get("Retry-After"))
		assert.JSONEq(t, `{"status_code":429,"detail":"Too Many Requests","extra":{}}`, string(a.body))
	})
	t.Run("the seconds left in the window when none is given", func(t *testing.T) {
		t.Parallel()
		s := newServer(t)
		s.RateLimitFor(90*time.Second, "")
		a := raw(t, s, "GET", exports, nil)
		assert.Equal(t, http.StatusTooManyRequests, a.status)
		secs, err := strconv.Atoi(a.header.Get("Retry-After"))
		require.NoError(t, err, "Retry-After %q", a.header.Get("Retry-After"))
		assert.InDelta(t, 90, secs, 5, "rounded up from what is left of 90s")
	})
}

func TestInjectFaultForOneRouteLeavesTheOthersAlone(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	exports := dvPath(testRef) + exportsSuffix
	s.InjectFaultFor(time.Minute, mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 429, RetryAfter: "1", Count: 1})
	for range 3 {
		assert.Equal(t, http.StatusTooManyRequests, raw(t, s, "GET", exports, nil).status, "Count does not limit a window")
	}
	assert.Equal(t, http.StatusNotFound, raw(t, s, "GET", exports+"/999", nil).status, "GetExport is not in the window")
	assert.Equal(t, 3, s.RequestCount(mammothtest.RouteListExports), "failed requests are counted")
}

func TestWindowsApplyBeforeCountedFaults(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	exports := dvPath(testRef) + exportsSuffix
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 500})
	s.FailFor(time.Minute, http.StatusBadGateway)
	assert.Equal(t, http.StatusBadGateway, raw(t, s, "GET", exports, nil).status)

	s.ClearFaults()
	assert.Equal(t, http.StatusOK, raw(t, s, "GET", exports, nil).status, "ClearFaults closes windows and drops counted faults")
}

func TestWindowOfZeroOpensNothing(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.FailFor(0, http.StatusServiceUnavailable)
	s.RateLimitFor(-time.Second, "")
	assert.Equal(t, http.StatusOK, raw(t, s, "GET", dvPath(testRef)+exportsSuffix, nil).status)
}

func TestRequestsRecordWhenTheyArrived(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	before := time.Now()
	raw(t, s, "GET", dvPath(testRef)+exportsSuffix, nil)
	after := time.Now()
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	assert.False(t, reqs[0].Received.Before(before))
	assert.False(t, reqs[0].Received.After(after))
}
