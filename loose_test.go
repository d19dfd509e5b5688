package mammoth

import (
	"context"
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNewClient_PlainHTTPOnlyForLiteralLoopbackOrLocalhost: a name under
// .localhost may be resolved through DNS, and whoever answers would get the
// credentials in clear.
func TestNewClient_PlainHTTPOnlyForLiteralLoopbackOrLocalhost(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{
		"http://api.localhost/api/v2",
		"http://a.b.localhost:8080",
		"http://localhost.evil.example/api/v2",
		"http://127.0.0.1.nip.io/api/v2",
		"http://localhost./api/v2",
		"http://127.1/api/v2",
		"http://0x7f000001/api/v2",
	} {
		_, err := NewClient("k", "s", WithBaseURL(bad))
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, bad)
		assert.Contains(t, ve.Reason, "plain http", bad)
	}
	for _, ok := range []string{
		"http://localhost:8080/api/v2", "http://LOCALHOST/api/v2", "http://127.0.0.1/api/v2",
		"http://127.9.8.7:1/api/v2", "http://[::1]:8080/api/v2", "http://api.localhost/api/v2#",
	} {
		_, err := NewClient("k", "s", WithBaseURL(ok))
		if strings.HasSuffix(ok, "#") {
			assert.Error(t, err, ok)
			continue
		}
		assert.NoError(t, err, ok)
	}
}

// TestNewClient_BaseURLWithAnEmptyQueryOrFragmentIsRefused: "…/v2?" would
// put every request's path into the query.
func TestNewClient_BaseURLWithAnEmptyQueryOrFragmentIsRefused(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	for _, suffix := range []string{"?", "#", "/?", "/#", "?#", "?a=1", "#top", "/api/v2?", "/api/v2#", "/api/v2/?x"} {
		c, err := NewClient("k", "s", WithBaseURL(srv.URL+suffix))
		var ve *ValidationError
		require.ErrorAs(t, err, &ve, suffix)
		assert.Equal(t, "base URL", ve.Field)
		assert.Nil(t, c)
	}
	assert.Zero(t, hits.Load())
}

func TestParseRetryAfter_HugeIsLongerThanAnyBackoffGarbageIsAbsent(t *testing.T) {
	t.Parallel()
	longest := time.Duration(math.MaxInt64)
	for in, want := range map[string]time.Duration{
		"2": 2 * time.Second, " 7 ": 7 * time.Second, "1.5": 1500 * time.Millisecond, "0": 0,
		"1000000": 1e6 * time.Second, "1000001": 1000001 * time.Second, "10000000": 1e7 * time.Second,
		"9223372037": longest, "9223372036": 9223372036 * time.Second, "99999999999999999999": longest, strings.Repeat("9", 400): longest,
		"NaN": 0, "nan": 0, "Inf": 0, "+Inf": 0, "-Inf": 0, "Infinity": 0, "-5": 0, "-0": 0, "+3": 0,
		"1e3": 0, "0x10": 0, "1_000": 0, "abc": 0, "": 0, ".5": 0, "5.": 0, "1.2.3": 0,
		"Wed, 21 Oct 2015 07:28:00 GMT": 0, // in the past
	} {
		got := parseRetryAfter(in)
		assert.Equal(t, want, got, "%q", in)
		assert.GreaterOrEqual(t, got, time.Duration(0), "%q", in)
	}
}

// TestRetry_RetryAfterBeyondAMillionSecondsReturnsAtOnceAndGarbageIsIgnored
// goes through a request: a huge Retry-After is not retried at once, and a
// garbage one leaves the normal backoff.
func TestRetry_RetryAfterBeyondAMillionSecondsReturnsAtOnceAndGarbageIsIgnored(t *testing.T) {
	t.Parallel()
	for _, huge := range []string{"1000001", "1e9", "99999999999999999999"} {
		f := setup(t)
		h, count := failing(100, 429, huge, okPage)
		f.dataview("GET", "/pipeline/exports", h)
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr, huge)
		if huge == "1e9" { // not delay-seconds: absent, so the policy's backoff applies
			assert.Zero(t, apiErr.RetryAfter)
			assert.EqualValues(t, 4, count.Load())
			continue
		}
		assert.Greater(t, apiErr.RetryAfter, DefaultRetryPolicy().MaxBackoff, huge)
		assert.EqualValues(t, 1, count.Load(), "%s: not retried at once", huge)
		assert.Empty(t, f.waits())
	}
	for _, garbage := range []string{"NaN", "-1", "soon", "Inf"} {
		f := setup(t)
		h, count := failing(1, 503, garbage, okPage)
		f.dataview("GET", "/pipeline/exports", h)
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		require.NoError(t, err, garbage)
		assert.EqualValues(t, 2, count.Load())
		waits := f.waits()
		require.Len(t, waits, 1)
		assert.GreaterOrEqual(t, waits[0], time.Duration(0), garbage)
		assert.LessOrEqual(t, waits[0], DefaultRetryPolicy().MinBackoff, "%s: the backoff, not a Retry-After", garbage)
	}
}

// TestRetry_HugeBackoffsDoNotPanic: durations near the largest, whose
// doubling overflows.
func TestRetry_HugeBackoffsDoNotPanic(t *testing.T) {
	t.Parallel()
	for _, p := range []RetryPolicy{
		{MaxRetries: 6, MinBackoff: math.MaxInt64, MaxBackoff: math.MaxInt64},
		{MaxRetries: 6, MinBackoff: math.MaxInt64 / 3, MaxBackoff: math.MaxInt64},
		{MaxRetries: 6, MinBackoff: math.MaxInt64/2 + 1, MaxBackoff: math.MaxInt64 - 1},
		{MaxRetries: 100, MinBackoff: 1, MaxBackoff: math.MaxInt64},
	} {
		f := setup(t, WithRetryPolicy(p))
		h, count := failing(1000, 503, "", okPage)
		f.dataview("GET", "/pipeline/exports", h)
		assert.NotPanics(t, func() { _, _ = f.client.Exports.ListExports(context.Background(), testRef, nil) }, "%+v", p)
		assert.EqualValues(t, p.MaxRetries+1, count.Load())
		for _, w := range f.waits() {
			assert.GreaterOrEqual(t, w, time.Duration(0))
			assert.LessOrEqual(t, w, p.MaxBackoff)
		}
	}
}

// chunkedBody serves n bytes of a JSON string, without a Content-Length.
func chunkedBody(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(200)
		chunk := []byte(strings.Repeat("a", 1<<20))
		_, _ = w.Write([]byte(`"`))
		for left := n - 2; left > 0; left -= len(chunk) {
			_, _ = w.Write(chunk[:min(left, len(chunk))])
		}
		_, _ = w.Write([]byte(`"`))
	}
}

func allocatedBy(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestDo_SuccessBodyJustOverTheCapCostsAboutTheCap: a doubling buffer held
// about 240 MiB for a body of 64 MiB and a byte. Not parallel: it measures
// the whole process.
func TestDo_SuccessBodyJustOverTheCapCostsAboutTheCap(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 64 MiB")
	}
	f := setup(t, WithMaxRetries(0))
	f.handle("GET", "/jobs/1", chunkedBody(maxResponseBody+1))
	f.handle("GET", "/jobs/2", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", strconv.Itoa(maxResponseBody+1))
		w.WriteHeader(200)
		_, _ = w.Write([]byte("{"))
	})
	for id, limit := range map[int]uint64{1: maxResponseBody + 16<<20, 2: 1 << 20} {
		var err error
		got := allocatedBy(func() { _, err = f.client.Jobs.GetJob(context.Background(), id) })
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		assert.True(t, errors.Is(err, errBodyTooLarge), "%v", err)
		t.Logf("job %d: %d MiB allocated", id, got>>20)
		assert.Less(t, got, limit, "job %d", id)
	}
}

// TestDo_SuccessBodyUnderTheCapIsReadWhole, in each way it may arrive.
func TestDo_SuccessBodyUnderTheCapIsReadWhole(t *testing.T) {
	t.Parallel()
	f := setup(t, WithMaxRetries(0))
	var raw []byte
	for i, n := range []int{2, 100, pooledBodyLimit - 1, pooledBodyLimit, pooledBodyLimit + 1, 3*bodyChunk + 7} {
		f.handle("GET", "/jobs/"+strconv.Itoa(10+i), chunkedBody(n))
		_, err := f.client.do(context.Background(), &request{op: "T", method: "GET", path: "/jobs/" + strconv.Itoa(10+i), idempotent: true}, (*rawJSON)(&raw))
		require.NoError(t, err, n)
		assert.Len(t, raw, n)
		assert.Equal(t, byte('"'), raw[0])
		assert.Equal(t, byte('"'), raw[n-1])
	}
}

type rawJSON []byte

func (r *rawJSON) UnmarshalJSON(b []byte) error { *r = append((*r)[:0], b...); return nil }

// BenchmarkDo_SuccessBodyOverTheCap reports what refusing a body of the cap
// and a byte costs, without a Content-Length (B/op).
func BenchmarkDo_SuccessBodyOverTheCap(b *testing.B) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/jobs/1", chunkedBody(maxResponseBody+1))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	c, err := NewClient("k", "s", WithBaseURL(srv.URL), WithMaxRetries(0))
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Jobs.GetJob(context.Background(), 1); !errors.Is(err, errBodyTooLarge) {
			b.Fatal(err)
		}
	}
}
