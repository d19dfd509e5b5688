package mammoth

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// failing answers status (with Retry-After when given) to the first n
// requests, then hands over to ok.
func failing(n int64, status int, retryAfter string, ok http.HandlerFunc) (http.HandlerFunc, *atomic.Int64) {
	var count atomic.Int64
	return func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if count.Add(1) <= n {
			if retryAfter != "" {
				w.Header().Set("Retry-After", retryAfter)
			}
			writeJSON(w, status, `{"status_code":`+strconv.Itoa(status)+`,"detail":"try later","extra":{}}`)
			return
		}
		ok(w, r)
	}, &count
}

func okPage(w http.ResponseWriter, _ *http.Request) { writeJSON(w, 200, `{"next":"","exports":[]}`) }

func okJob(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, 202, `{"job":{"id":1,"status":"processing"}}`)
}

var s3Spec = &AddExportSpec{HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone,
	TargetProperties: S3TargetProperties{File: "a.csv"}}

func TestRetry_IdempotentRequestsRetryTransientStatuses(t *testing.T) {
	t.Parallel()
	for _, status := range []int{408, 429, 500, 502, 503, 504} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			h, count := failing(2, status, "", okPage)
			f.dataview("GET", "/pipeline/exports", h)
			_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
			require.NoError(t, err)
			assert.EqualValues(t, 3, count.Load(), "two failures, then success")

			f2 := setup(t)
			h, count = failing(100, status, "", okPage)
			f2.dataview("GET", "/pipeline/exports", h)
			_, err = f2.client.Exports.ListExports(context.Background(), testRef, nil)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, status, apiErr.StatusCode)
			assert.EqualValues(t, 4, count.Load(), "the first attempt and three retries")
		})
	}
}

func TestRetry_ClientErrorsAreNeverRetried(t *testing.T) {
	t.Parallel()
	for _, status := range []int{400, 401, 403, 404, 409, 422, 501} {
		t.Run(strconv.Itoa(status), func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			h, count := failing(100, status, "1", okPage)
			f.dataview("GET", "/pipeline/exports", h)
			_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
			require.Error(t, err)
			assert.EqualValues(t, 1, count.Load())
			assert.Empty(t, f.waits())
		})
	}
}

func TestRetry_MaxRetriesZeroSendsOnce(t *testing.T) {
	t.Parallel()
	f := setup(t, WithMaxRetries(0))
	h, count := failing(100, 503, "", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.Error(t, err)
	assert.EqualValues(t, 1, count.Load())
}

func TestRetry_AddIsRetriedOnlyWhenTheServerDidNotAct(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status   int
		attempts int64
	}{
		{429, 2}, {503, 2}, // the server refused without acting: retried
		{500, 1}, {502, 1}, {504, 1}, {408, 1}, // it may have acted: a retry could add twice
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status), func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			h, count := failing(1, tt.status, "", okJob)
			f.dataview("POST", "/pipeline/exports", h)
			change, err := f.client.Exports.AddExport(context.Background(), testRef, s3Spec)
			assert.EqualValues(t, tt.attempts, count.Load())
			if tt.attempts == 1 {
				var apiErr *APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 1, change.Job.ID)
		})
	}
}

func TestRetry_AddReplaysTheExactBody(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var mu sync.Mutex
	var bodies []string
	var count atomic.Int64
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		bodies = append(bodies, readBody(t, r))
		mu.Unlock()
		if count.Add(1) < 3 {
			writeJSON(w, 503, `{"detail":"busy"}`)
			return
		}
		okJob(w, r)
	})
	_, err := f.client.Exports.AddExport(context.Background(), testRef, s3Spec)
	require.NoError(t, err)
	require.Len(t, bodies, 3)
	assert.Equal(t, bodies[0], bodies[1])
	assert.Equal(t, bodies[0], bodies[2])
	assert.Contains(t, bodies[0], `"file":"a.csv"`)
}

// hijackAndClose drops the connection without answering.
func hijackAndClose(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
	}
}

func TestRetry_ResetAfterTheBodyWasSent(t *testing.T) {
	t.Parallel()
	t.Run("an add is not retried", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		var count atomic.Int64
		f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
			count.Add(1)
			_, _ = io.Copy(io.Discard, r.Body)
			hijackAndClose(w)
		})
		_, err := f.client.Exports.AddExport(context.Background(), testRef, s3Spec)
		var terr *TransportError
		require.ErrorAs(t, err, &terr)
		assert.True(t, terr.Sent)
		assert.False(t, terr.Timeout())
		assert.EqualValues(t, 1, count.Load())
	})
	t.Run("a list is retried", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		var count atomic.Int64
		f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
			if count.Add(1) == 1 {
				hijackAndClose(w)
				return
			}
			okPage(w, r)
		})
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		require.NoError(t, err)
		assert.EqualValues(t, 2, count.Load())
	})
}

func TestRetry_TimeoutOfAnAddIsNotRetried(t *testing.T) {
	t.Parallel()
	// The attempt timeout must outlast writing the request on a loaded
	// machine: one that expires before makes the client retry (rightly: it
	// provably sent nothing), and the test would check that instead.
	f := setup(t, WithTimeout(2*time.Second))
	var count atomic.Int64
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		count.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	_, err := f.client.Exports.AddExport(context.Background(), testRef, s3Spec)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "no answer within 2s")
	var terr *TransportError
	require.ErrorAs(t, err, &terr)
	assert.True(t, terr.Timeout())
	assert.True(t, terr.Sent, "timed out after sending")
	// The request was written, but a loaded server may run the handler
	// only after the client gave up.
	require.Eventually(t, func() bool { return count.Load() > 0 }, time.Minute, time.Millisecond)
	assert.EqualValues(t, 1, count.Load())
}

func TestRetry_TimeoutOfAListIsRetried(t *testing.T) {
	t.Parallel()
	// The first attempt never gets an answer; the others get one at once,
	// but on a loaded machine "at once" can outlast a short timeout, and
	// each attempt that does is retried as well: the retry count is at
	// least one, not exactly one. 2s keeps such stalls rare enough for
	// the default three retries to cover them.
	f := setup(t, WithTimeout(2*time.Second))
	var count atomic.Int64
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) == 1 {
			<-r.Context().Done()
			return
		}
		okPage(w, r)
	})
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, count.Load(), int64(2), "retried after the timeout")
}

// refusedAddress returns a loopback address nothing listens on.
func refusedAddress(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

func TestRetry_AddIsRetriedWhenTheConnectionFailedBeforeSending(t *testing.T) {
	t.Parallel()
	addr := refusedAddress(t)
	var dials atomic.Int64
	tr := http.DefaultTransport.(*http.Transport).Clone()
	dialer := &net.Dialer{}
	tr.DialContext = func(ctx context.Context, network, a string) (net.Conn, error) {
		dials.Add(1)
		return dialer.DialContext(ctx, network, a)
	}
	c, err := NewClient(testKey, testSecret, WithBaseURL("http://"+addr+"/api/v2"), WithHTTPClient(&http.Client{Transport: tr}))
	require.NoError(t, err)
	c.sleepFn = func(ctx context.Context, _ time.Duration) error { return ctx.Err() }
	_, err = c.Exports.AddExport(context.Background(), testRef, s3Spec)
	require.Error(t, err)
	var opErr *net.OpError
	assert.ErrorAs(t, err, &opErr)
	var terr *TransportError
	require.ErrorAs(t, err, &terr)
	assert.False(t, terr.Sent)
	assert.Equal(t, http.MethodPost, terr.Method)
	assert.EqualValues(t, 4, dials.Load(), "nothing reached the server, so every retry was safe")
}

func TestRetry_RunCommandIsNotRetriedButSuspendIs(t *testing.T) {
	t.Parallel()
	f := setup(t)
	h, count := failing(100, 500, "", nil)
	f.dataview("PATCH", "/pipeline/exports/8", h)
	_, err := f.client.Exports.RunExport(context.Background(), testRef, 8)
	require.Error(t, err)
	assert.EqualValues(t, 1, count.Load(), "running twice would export twice")

	count.Store(0)
	_, err = f.client.Exports.SuspendExport(context.Background(), testRef, 8)
	require.Error(t, err)
	assert.EqualValues(t, 4, count.Load(), "suspending twice is harmless")
}

func TestRetry_BackoffIsJitteredWithinADoublingWindow(t *testing.T) {
	t.Parallel()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 5, MinBackoff: 100 * time.Millisecond, MaxBackoff: 400 * time.Millisecond}))
	h, _ := failing(100, 503, "", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.Error(t, err)
	waits := f.waits()
	require.Len(t, waits, 5)
	windows := []time.Duration{100, 200, 400, 400, 400}
	for i, w := range waits {
		assert.GreaterOrEqual(t, w, time.Duration(0))
		assert.LessOrEqual(t, w, windows[i]*time.Millisecond, "wait %d", i)
	}
}

func TestRetry_RetryAfterIsObeyed(t *testing.T) {
	t.Parallel()
	t.Run("seconds", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		h, count := failing(1, 429, "2", okPage)
		f.dataview("GET", "/pipeline/exports", h)
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		require.NoError(t, err)
		assert.EqualValues(t, 2, count.Load())
		assert.Equal(t, []time.Duration{2 * time.Second}, f.waits())
	})
	t.Run("HTTP date", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		when := time.Now().Add(4 * time.Second).UTC().Format(http.TimeFormat)
		h, _ := failing(1, 503, when, okPage)
		f.dataview("GET", "/pipeline/exports", h)
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		require.NoError(t, err)
		waits := f.waits()
		require.Len(t, waits, 1)
		assert.InDelta(t, 3.5*float64(time.Second), float64(waits[0]), float64(1500*time.Millisecond))
	})
	t.Run("longer than the cap returns at once", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		h, count := failing(100, 429, "30", okPage)
		f.dataview("GET", "/pipeline/exports", h)
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		var apiErr *APIError
		require.ErrorAs(t, err, &apiErr)
		assert.ErrorIs(t, err, ErrRateLimited)
		assert.Equal(t, 30*time.Second, apiErr.RetryAfter)
		assert.Contains(t, err.Error(), "retry after 30s")
		assert.EqualValues(t, 1, count.Load())
		assert.Empty(t, f.waits(), "no sleeping")
	})
}

func TestRetry_CancelDuringRetryAfterReturnsAtOnce(t *testing.T) {
	t.Parallel()
	signal := NewLogSignal()
	f := setup(t, WithLogger(slog.New(signal)),
		WithRetryPolicy(RetryPolicy{MaxRetries: 3, MinBackoff: time.Second, MaxBackoff: 20 * time.Second}))
	f.client.sleepFn = nil // a real wait
	h, _ := failing(100, 429, "10", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := f.client.Exports.ListExports(ctx, testRef, nil)
		done <- err
	}()
	signal.Await(t, "mammoth: retrying") // about to wait the 10s
	cancelled := time.Now()
	cancel()
	select {
	case err := <-done:
		// At once next to the 10s wait: the margin is for a loaded
		// machine, where a goroutine can wait a second to run.
		assert.Less(t, time.Since(cancelled), 5*time.Second)
		assert.ErrorIs(t, err, context.Canceled)
	case <-time.After(9 * time.Second):
		t.Fatal("the call did not return after cancel")
	}
	assert.EqualValues(t, 1, f.requests.Load(), "no retry after the cancel")
}

func TestRetry_FailedAttemptsAreDrainedSoTheConnectionIsReused(t *testing.T) {
	t.Parallel()
	var conns atomic.Int64
	var count atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if count.Add(1) <= 3 {
			w.WriteHeader(503)
			_, _ = w.Write(bytes.Repeat([]byte("x"), 32<<10))
			return
		}
		okPage(w, r)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	c, err := NewClient(testKey, testSecret, WithBaseURL(srv.URL))
	require.NoError(t, err)
	c.sleepFn = func(ctx context.Context, _ time.Duration) error { return nil }
	_, err = c.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 4, count.Load())
	assert.EqualValues(t, 1, conns.Load(), "every attempt reused one connection")
}

func TestRetry_CutShortSuccessBody(t *testing.T) {
	t.Parallel()
	cutShort := func(count *atomic.Int64, ok http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.Copy(io.Discard, r.Body)
			if count.Add(1) == 1 {
				w.Header().Set("Content-Length", "1000")
				w.WriteHeader(200)
				_, _ = w.Write([]byte(`{"next":"","exp`))
				return
			}
			ok(w, r)
		}
	}
	t.Run("list is retried", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		var count atomic.Int64
		f.dataview("GET", "/pipeline/exports", cutShort(&count, okPage))
		_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
		require.NoError(t, err)
		assert.EqualValues(t, 2, count.Load())
	})
	t.Run("add is not", func(t *testing.T) {
		t.Parallel()
		f := setup(t)
		var count atomic.Int64
		f.dataview("POST", "/pipeline/exports", cutShort(&count, okJob))
		_, err := f.client.Exports.AddExport(context.Background(), testRef, s3Spec)
		var de *DecodeError
		require.ErrorAs(t, err, &de)
		assert.Contains(t, err.Error(), "AddExport")
		assert.EqualValues(t, 1, count.Load())
	})
}

// secondHost starts a server on another loopback address (another host, as
// far as the client can tell) that records whether credentials reached it.
func secondHost(t *testing.T, h http.HandlerFunc) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var leaks atomic.Int64
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-API-KEY") != "" || r.Header.Get("X-API-SECRET") != "" || r.Header.Get("X-WORKSPACE-ID") != "" {
			leaks.Add(1)
		}
		h(w, r)
	}))
	if l, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		srv.Listener = l
	} else {
		t.Logf("127.0.0.2 unavailable (%v); the second host differs by port only", err)
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv, &leaks
}

func TestCredentials_NotForwardedOnRedirectToAnotherHost(t *testing.T) {
	t.Parallel()
	other, leaks := secondHost(t, okPage)
	f := setup(t)
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+"/elsewhere", http.StatusFound)
	})
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.Zero(t, leaks.Load(), "the other host saw no credentials")
}

func TestCredentials_KeptOnRedirectWithinTheAPI(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, testDataviewPath+"/pipeline/exports/", http.StatusTemporaryRedirect)
	})
	f.dataview("GET", "/pipeline/exports/", func(w http.ResponseWriter, r *http.Request) {
		assertCredentials(t, r)
		okPage(w, r)
	})
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
}

func TestCredentials_CallerRedirectPolicyStillApplies(t *testing.T) {
	t.Parallel()
	f := setup(t)
	stop := errors.New("no redirects please")
	c, err := NewClient(testKey, testSecret, WithBaseURL(f.server.URL+testBasePath),
		WithHTTPClient(&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return stop }}))
	require.NoError(t, err)
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/somewhere", http.StatusFound)
	})
	_, err = c.Exports.ListExports(context.Background(), testRef, nil)
	assert.ErrorIs(t, err, stop)
}

// captureLogs returns a logger that writes every record as text into the
// returned buffer.
func captureLogs() (*slog.Logger, *syncBuffer) {
	buf := &syncBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLogger_RecordsAttemptsAndRetryReasons(t *testing.T) {
	t.Parallel()
	logger, logs := captureLogs()
	f := setup(t, WithLogger(logger))
	h, _ := failing(1, 503, "1", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	h500, _ := failing(100, 500, "", okJob)
	f.dataview("POST", "/pipeline/exports", h500)
	_, err = f.client.Exports.AddExport(context.Background(), testRef, s3Spec)
	require.Error(t, err)

	out := logs.String()
	for _, want := range []string{
		"op=ListExports", "method=GET", "path=" + testDataviewPath + "/pipeline/exports", "status=503", "attempt=1",
		"attempt=2", "status=200", "duration=", `msg="mammoth: retrying"`, "wait=1s",
		`reason="status 503: the server did not act on the request"`,
		`msg="mammoth: not retrying"`, "status 500 on a request that is not idempotent",
	} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, testSecret)
	assert.NotContains(t, out, testKey)
}
