package mammoth

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCooldown_StartsOnA429Or503WithRetryAfterOnly(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status     int
		retryAfter string
		starts     bool
	}{
		{429, "3", true},
		{503, "3", true},
		{429, "", false},
		{503, "", false},
		{500, "3", false}, // Retry-After is for 429 and 503
		{502, "3", false},
		{404, "3", false},
		{429, "0", false},
		{429, "soon", false},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.status)+" "+tt.retryAfter, func(t *testing.T) {
			t.Parallel()
			f := setup(t, WithMaxRetries(0))
			h, _ := failing(1, tt.status, tt.retryAfter, okPage)
			f.dataview("GET", "/pipeline/exports", h)
			_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
			require.Error(t, err)
			st := f.client.cooldown.current.Load()
			if !tt.starts {
				assert.Nil(t, st)
				return
			}
			require.NotNil(t, st)
			assert.InDelta(t, float64(3*time.Second), float64(time.Until(st.resume)), float64(time.Second))
			assert.False(t, st.held)
		})
	}
}

func TestCooldown_NoCooldownLeavesOtherCallsAlone(t *testing.T) {
	t.Parallel()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 0, MaxBackoff: 8 * time.Second, NoCooldown: true}))
	h, count := failing(1, 429, "5", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.Error(t, err)
	assert.Nil(t, f.client.cooldown.current.Load())
	_, err = f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err, "sent at once")
	assert.EqualValues(t, 2, count.Load())
}

// cooldownRequest is a request to the API for calling noteCooldown
// directly, as a call that got a Retry-After would.
func cooldownRequest(t *testing.T, c *Client) (*request, *url.URL) {
	t.Helper()
	r := &request{op: "ListExports", method: http.MethodGet, path: "/x"}
	u, err := url.Parse(c.baseURLString + r.path)
	require.NoError(t, err)
	return r, u
}

func TestCooldown_ALongerRetryAfterReplacesAShorterOneNeverTheReverse(t *testing.T) {
	t.Parallel()
	f := setup(t)
	c := f.client
	r, u := cooldownRequest(t, c)
	ctx := context.Background()
	answer := func(status int, retryAfter time.Duration) error {
		return &APIError{StatusCode: status, RetryAfter: retryAfter, Method: "GET", Path: "/x"}
	}

	short := c.noteCooldown(ctx, r, u, 1, answer(429, 2*time.Second), nil)
	require.NotNil(t, short)
	long := c.noteCooldown(ctx, r, u, 1, answer(503, 5*time.Second), nil)
	require.NotNil(t, long)
	assert.Same(t, long, c.cooldown.current.Load())
	again := c.noteCooldown(ctx, r, u, 1, answer(429, time.Second), short)
	assert.Same(t, short, again, "a shorter one starts nothing: the call keeps what it had")
	assert.Same(t, long, c.cooldown.current.Load())

	held := c.noteCooldown(ctx, r, u, 1, answer(429, time.Minute), nil)
	require.NotNil(t, held)
	assert.True(t, held.held, "longer than MaxBackoff (8s)")
	assert.InDelta(t, float64(8*time.Second), float64(time.Until(held.resume)), float64(time.Second))
	assert.InDelta(t, float64(time.Minute), float64(time.Until(held.asked)), float64(time.Second))
}

func TestCooldown_OnlyTheAPIsOwnHostCounts(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	other, _ := secondHost(t, func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "30")
			writeJSON(w, 429, `{"detail":"slow down"}`)
			return
		}
		writeJSON(w, 200, `{}`)
	})
	f := setup(t, WithMaxRetries(0))
	download := &request{op: "Download", method: http.MethodGet, rawURL: other.URL + "/file.csv", idempotent: true}
	_, err := f.client.do(context.Background(), download, nil)
	require.Error(t, err)
	assert.Nil(t, f.client.cooldown.current.Load(), "another host's Retry-After does not pause the API's calls")

	// And a cooldown of the API does not hold another host's requests.
	h, _ := failing(1, 429, "30", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	_, err = f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.Error(t, err)
	require.NotNil(t, f.client.cooldown.current.Load())
	_, err = f.client.do(context.Background(), download, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 2, hits.Load())
}

func TestCooldown_WaitIsLoggedAndCostsNoBudget(t *testing.T) {
	t.Parallel()
	logger, logs := captureLogs()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MaxBackoff: 8 * time.Second, Budget: RetryBudget{Retries: 1}}),
		WithLogger(logger))
	h, count := failing(1, 429, "2", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	ctx := context.Background()

	start := time.Now()
	_, err := f.client.Exports.ListExports(ctx, testRef, nil)
	require.NoError(t, err, "the call answered 429 retried after its Retry-After")
	assert.Equal(t, []time.Duration{2 * time.Second}, f.waits(), "it slept the Retry-After once, not again for its own cooldown")
	assert.EqualValues(t, 2, count.Load())
	assert.Equal(t, f.client.budget.perSuccess, f.client.budget.tokens.Load(), "its retry spent the one token, its success earned a tenth")

	// The test's sleeps are not real, so the cooldown is still on: it
	// began once the 429 was read, after start, and lasts 2s.
	_, err = f.client.Exports.ListExports(ctx, testRef, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 2*time.Second, "a call started in the cooldown waited for it")
	assert.Equal(t, 2*f.client.budget.perSuccess, f.client.budget.tokens.Load(), "and spent nothing: its success earned")
	assert.Nil(t, f.client.cooldown.current.Load(), "the first call after it ends it")

	out := logs.String()
	for _, want := range []string{
		`msg="mammoth: cooldown started"`, "status=429", "retry_after=2s",
		`reason="calls to the API wait until the Retry-After has passed"`,
		`msg="mammoth: waiting for cooldown"`,
		`msg="mammoth: cooldown ended"`, "lasted=",
	} {
		assert.Contains(t, out, want)
	}
	assert.Equal(t, 1, strings.Count(out, `msg="mammoth: cooldown ended"`))
}

func TestCooldown_HoldIsLogged(t *testing.T) {
	t.Parallel()
	logger, logs := captureLogs()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MaxBackoff: 2 * time.Second}), WithLogger(logger))
	h, count := failing(1, 503, "60", okPage)
	f.dataview("GET", "/pipeline/exports", h)
	_, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.Error(t, err)
	_, err = f.client.Exports.ListExports(context.Background(), testRef, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 503, apiErr.StatusCode)
	assert.Equal(t, "try later", apiErr.Detail, "the detail of the answer that started the hold")
	assert.Greater(t, apiErr.RetryAfter, 55*time.Second)
	assert.EqualValues(t, 1, count.Load())
	assert.Regexp(t, `^mammoth: GET `+testDataviewPath+`/pipeline/exports: 503 try later \(retry after 5\d\.\d+s\); not sent: `+
		`the API asked this client to wait longer than its MaxBackoff, so it holds its calls for 2s$`, err.Error())

	out := logs.String()
	for _, want := range []string{
		`msg="mammoth: cooldown started"`, "status=503", "retry_after=1m0s", "hold=2s",
		`msg="mammoth: not sending"`,
	} {
		assert.Contains(t, out, want)
	}
}

func TestCooldown_AWaitingCallWaitsForTheOneThatReplacedIt(t *testing.T) {
	t.Parallel()
	signal := NewLogSignal()
	f := setup(t, WithLogger(slog.New(signal)))
	var sentAt atomic.Pointer[time.Time]
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		now := time.Now()
		sentAt.Store(&now)
		okPage(w, r)
	})
	c := f.client
	r, u := cooldownRequest(t, c)
	ctx := context.Background()
	// The first cooldown must still be on when the longer one replaces it,
	// however slowly the machine gets from the call's wait to the
	// replacement: two seconds is far more than that takes.
	first := c.noteCooldown(ctx, r, u, 1, &APIError{StatusCode: 429, RetryAfter: 2 * time.Second}, nil)

	done := make(chan error, 1)
	go func() {
		_, err := c.Exports.ListExports(ctx, testRef, nil)
		done <- err
	}()
	signal.Await(t, "mammoth: waiting for cooldown")
	longer := c.noteCooldown(ctx, r, u, 1, &APIError{StatusCode: 503, RetryAfter: 2500 * time.Millisecond}, nil)
	require.True(t, longer.resume.After(first.resume))
	require.Nil(t, sentAt.Load(), "sent during the first cooldown")
	require.NoError(t, <-done)
	require.NotNil(t, sentAt.Load())
	assert.False(t, sentAt.Load().Before(longer.resume), "sent %v before the longer cooldown ended", longer.resume.Sub(*sentAt.Load()))
}

func TestCooldown_ADeadlineEndsTheWait(t *testing.T) {
	t.Parallel()
	f := setup(t)
	c := f.client
	r, u := cooldownRequest(t, c)
	c.noteCooldown(context.Background(), r, u, 1, &APIError{StatusCode: 429, RetryAfter: 5 * time.Second}, nil)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.Exports.ListExports(ctx, testRef, nil)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Contains(t, err.Error(), "waiting out the API's Retry-After")
	assert.Zero(t, f.requests.Load())
}

func TestCooldown_AddsAreSentOnceAfterAPauseAndNeverDuringAHold(t *testing.T) {
	t.Parallel()
	f := setup(t, WithRetryPolicy(RetryPolicy{MaxRetries: 3, MaxBackoff: 300 * time.Millisecond}))
	var adds atomic.Int64
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		adds.Add(1)
		okJob(w, r)
	})
	c := f.client
	r, u := cooldownRequest(t, c)
	ctx := context.Background()

	c.noteCooldown(ctx, r, u, 1, &APIError{StatusCode: 429, RetryAfter: 5 * time.Second}, nil)
	_, err := c.Exports.AddExport(ctx, testRef, s3Spec)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr, "held: a Retry-After beyond MaxBackoff")
	assert.Equal(t, http.MethodPost, apiErr.Method)
	assert.Zero(t, adds.Load(), "nothing sent during the hold")

	c.cooldown.current.Store(nil)
	c.noteCooldown(ctx, r, u, 1, &APIError{StatusCode: 503, RetryAfter: 100 * time.Millisecond}, nil)
	_, err = c.Exports.AddExport(ctx, testRef, s3Spec)
	require.NoError(t, err)
	assert.EqualValues(t, 1, adds.Load(), "sent once the pause was over")
}
