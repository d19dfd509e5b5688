package mammoth_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// These tests put one client with the default policy under 64 goroutines
// while the fake API is down or rate limited. Their bounds are counts and
// the server's own arrival times, with margins of hundreds of milliseconds
// for a loaded machine; what they check would be off by seconds or by a
// factor of two without the retry budget and the cooldown.

const outageWorkers = 64

var (
	outageRef = mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	// limitedRef is the dataview whose listing is answered 429.
	limitedRef = mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 5}
)

// call is one ListExports call as the client saw it.
type call struct {
	start, end time.Time
	err        error
}

func newOutageServer(t *testing.T, opts ...mammoth.Option) (*mammothtest.Server, *mammoth.Client) {
	t.Helper()
	srv := mammothtest.NewServer(mammothtest.WithRequestLogSize(1 << 20))
	t.Cleanup(srv.Close)
	srv.AddDataview(outageRef)
	srv.AddDataview(limitedRef)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), append([]mammoth.Option{mammoth.WithBaseURL(srv.URL())}, opts...)...)
	require.NoError(t, err)
	t.Cleanup(client.CloseIdleConnections)
	return srv, client
}

// thinkTime is what each goroutine does between two calls, as a service
// does some work of its own: without it, 64 goroutines whose calls fail at
// once spin on two cores, and the delays they cause are the test's own.
const thinkTime = 5 * time.Millisecond

// listUntil calls ListExports on ref with opts in a loop until keepGoing
// says stop, recording every call.
func listUntil(ctx context.Context, client *mammoth.Client, ref mammoth.DataviewRef, opts *mammoth.ListExportsOptions, keepGoing func() bool) []call {
	var calls []call
	for keepGoing() {
		start := time.Now()
		_, err := client.Exports.ListExports(ctx, ref, opts)
		calls = append(calls, call{start: start, end: time.Now(), err: err})
		time.Sleep(thinkTime)
	}
	return calls
}

// listOnEveryWorker runs listUntil on outageWorkers goroutines until end
// and returns the calls of each.
func listOnEveryWorker(ctx context.Context, client *mammoth.Client, end time.Time) [][]call {
	calls := make([][]call, outageWorkers)
	var wg sync.WaitGroup
	for i := range outageWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			calls[i] = listUntil(ctx, client, outageRef, nil, func() bool { return time.Now().Before(end) })
		}()
	}
	wg.Wait()
	return calls
}

func TestOutage_SixtyFourGoroutinesSendLittleMoreThanOneRequestPerCall(t *testing.T) {
	t.Parallel()
	srv, client := newOutageServer(t)
	ctx := context.Background()
	const outage = 2 * time.Second
	srv.FailFor(outage, http.StatusServiceUnavailable)
	// Taken after the window opened: no request sent after it can fall in
	// the window.
	outageEnd := time.Now().Add(outage)

	// During the outage: every goroutine calls until the outage ends.
	during := listOnEveryWorker(ctx, client, outageEnd)
	requests := srv.RequestCount(mammothtest.RouteListExports)

	var calls, failed, withheld, failedAfterTheWindow int
	var lastEnd time.Time
	for _, cs := range during {
		for _, c := range cs {
			calls++
			if c.end.After(lastEnd) {
				lastEnd = c.end
			}
			if c.err == nil {
				continue
			}
			failed++
			if !c.start.Before(outageEnd) {
				failedAfterTheWindow++
			}
			var apiErr *mammoth.APIError
			require.ErrorAs(t, c.err, &apiErr, "%v", c.err)
			assert.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
			if errors.Is(c.err, mammoth.ErrRetryWithheld) {
				withheld++
				assert.Contains(t, c.err.Error(), "retry withheld: the client's retry budget is spent")
			}
		}
	}
	t.Logf("during the outage: %d calls, %d requests (%.3f per call), %d failed, %d retries withheld",
		calls, requests, float64(requests)/float64(calls), failed, withheld)
	// Ten retries, and a few earned by calls that squeezed in as the
	// window closed, are little next to this many calls.
	require.Greater(t, calls, 2*outageWorkers, "the goroutines kept calling")
	assert.Greater(t, withheld, calls/2, "most calls had their retry withheld")
	assert.LessOrEqual(t, float64(requests), 1.2*float64(calls), "requests per call")
	// A call fails only on a 503, answered before the window closed: a call
	// that started after it can never fail, whatever the machine's speed.
	// A call in a backoff sleep when the window closed retried and
	// succeeded within that backoff: at most 2s with the default policy's
	// three retries, plus a margin for a loaded machine.
	assert.Zero(t, failedAfterTheWindow, "calls that started after the outage failed")
	assert.True(t, lastEnd.Before(outageEnd.Add(5*time.Second)), "last call ended %v after the outage", lastEnd.Sub(outageEnd))

	// After the outage: every call succeeds at once.
	after := listOnEveryWorker(ctx, client, time.Now().Add(500*time.Millisecond))
	var afterCalls int
	for _, cs := range after {
		for _, c := range cs {
			afterCalls++
			assert.NoError(t, c.err)
		}
	}
	assert.GreaterOrEqual(t, afterCalls, outageWorkers)
}

// cooldownWatch is a log handler that notes when the client started its
// first cooldown.
type cooldownWatch struct{ started atomic.Pointer[time.Time] }

func (w *cooldownWatch) Enabled(context.Context, slog.Level) bool { return true }
func (w *cooldownWatch) WithAttrs([]slog.Attr) slog.Handler       { return w }
func (w *cooldownWatch) WithGroup(string) slog.Handler            { return w }
func (w *cooldownWatch) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "mammoth: cooldown started" {
		now := time.Now()
		w.started.CompareAndSwap(nil, &now)
	}
	return nil
}

func TestCooldown_OneRetryAfterPausesEveryGoroutine(t *testing.T) {
	t.Parallel()
	watch := &cooldownWatch{}
	srv, client := newOutageServer(t, mammoth.WithLogger(slog.New(watch)))
	ctx := context.Background()
	limitedPath := "/dataviews/5/pipeline/exports"
	srv.InjectFault(mammothtest.Fault{PathSuffix: limitedPath, Status: http.StatusTooManyRequests, RetryAfter: "1"})

	var stop atomic.Bool
	limitedDone := make(chan call, 1)
	results := make([][]call, outageWorkers)
	var wg sync.WaitGroup
	for i := range outageWorkers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keepGoing := func() bool { return !stop.Load() }
			// The offset tells the server which goroutine sent a request.
			mine := &mammoth.ListExportsOptions{Offset: i + 1}
			if i == 0 {
				// One goroutine, once the others are busy, lists the
				// dataview that is answered 429, then goes on like them.
				warm := time.Now().Add(300 * time.Millisecond)
				results[i] = listUntil(ctx, client, outageRef, mine, func() bool {
					return time.Now().Before(warm) || srv.RequestCount(mammothtest.RouteListExports) < 2*outageWorkers
				})
				start := time.Now()
				_, err := client.Exports.ListExports(ctx, limitedRef, nil)
				c := call{start: start, end: time.Now(), err: err}
				results[i] = append(results[i], c)
				limitedDone <- c
			}
			results[i] = append(results[i], listUntil(ctx, client, outageRef, mine, keepGoing)...)
		}()
	}
	limited := <-limitedDone
	time.Sleep(500 * time.Millisecond) // the goroutines carry on after the cooldown
	stop.Store(true)
	wg.Wait()

	require.NoError(t, limited.err, "the call answered 429 retried after the second")
	assert.GreaterOrEqual(t, limited.end.Sub(limited.start), time.Second)
	var calls int
	for _, cs := range results {
		for _, c := range cs {
			calls++
			assert.NoError(t, c.err)
		}
	}

	var limitedAt []time.Time
	reqs := srv.Requests()
	for _, r := range reqs {
		if strings.HasSuffix(r.Path, limitedPath) {
			limitedAt = append(limitedAt, r.Received)
		}
	}
	require.Len(t, limitedAt, 2, "the 429, then its retry")
	answered := limitedAt[0]
	assert.GreaterOrEqual(t, limitedAt[1].Sub(answered), time.Second, "the retry waited out Retry-After")

	// Requests already on their way when the client read the 429 still
	// arrive after it: on a loaded machine, both reading the answer and a
	// request's way to the server can take a while. What holds however
	// slow the machine: once the client started its cooldown (it logs
	// that after starting it), a goroutine's next call waits, so from then
	// to the end of the second each goroutine has at most the one request
	// that was already on its way. Without the cooldown, each would send
	// dozens in that second.
	noticed := watch.started.Load()
	require.NotNil(t, noticed, "the cooldown was logged")
	quietTo := answered.Add(time.Second)
	var before, late, afterwards int
	lateFrom := map[string]int{}
	for _, r := range reqs {
		switch {
		case r.Received.Before(answered):
			before++
		case !r.Received.Before(quietTo):
			afterwards++
		}
		if !r.Received.Before(*noticed) && r.Received.Before(quietTo) && !strings.HasSuffix(r.Path, limitedPath) {
			late++
			lateFrom[r.Query().Get("offset")]++
		}
	}
	t.Logf("%d calls; the client read the 429 %v after it was answered; requests: %d before it, %d after the client read it "+
		"to the end of the second, %d after", calls, noticed.Sub(answered), before, late, afterwards)
	for goroutine, n := range lateFrom {
		assert.LessOrEqual(t, n, 1, "goroutine %s sent %d requests during the cooldown", goroutine, n)
	}
	assert.LessOrEqual(t, late, outageWorkers-1, "at most one request per goroutine was on its way")
	assert.GreaterOrEqual(t, before, 2*outageWorkers, "the goroutines were busy before the 429")
	assert.GreaterOrEqual(t, afterwards, outageWorkers, "and after the second, when every waiting call sends")
}

func TestCooldown_RetryAfterBeyondMaxBackoffFailsCallsAtOnceThenSendsAgain(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddDataview(outageRef)
	// The hold must outlast the time from reading the 429 to the next
	// call, which a loaded machine can stretch past 300ms: 3s.
	const maxBackoff = 3 * time.Second
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()),
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: 10 * time.Millisecond, MaxBackoff: maxBackoff}))
	require.NoError(t, err)
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: http.StatusTooManyRequests, RetryAfter: "30"})
	ctx := context.Background()

	first := time.Now()
	_, err = client.Exports.ListExports(ctx, outageRef, nil)
	var apiErr *mammoth.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 30*time.Second, apiErr.RetryAfter, "the call answered 429 returns at once, as before")

	// Other calls in the hold are not sent and say how long the API still
	// asks for. They may run past the hold on a slow machine, so only the
	// first is required to be held.
	var held int
	for i := 0; i == 0 || time.Since(first) < maxBackoff/2; i++ {
		_, err := client.Exports.ListExports(ctx, outageRef, nil)
		if i > 0 && err == nil {
			break
		}
		var apiErr *mammoth.APIError
		require.ErrorAs(t, err, &apiErr, "%v", err)
		held++
		assert.ErrorIs(t, err, mammoth.ErrRateLimited)
		assert.NotErrorIs(t, err, mammoth.ErrRetryWithheld)
		assert.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
		assert.Equal(t, http.MethodGet, apiErr.Method)
		assert.Greater(t, apiErr.RetryAfter, 25*time.Second)
		assert.LessOrEqual(t, apiErr.RetryAfter, 30*time.Second)
		assert.Contains(t, err.Error(), "not sent")
		time.Sleep(10 * time.Millisecond)
	}
	require.Positive(t, held)
	assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteListExports), "held calls sent nothing")

	// After MaxBackoff the client sends again.
	require.Eventually(t, func() bool {
		_, err := client.Exports.ListExports(ctx, outageRef, nil)
		return err == nil
	}, 10*time.Second, 20*time.Millisecond)
	reqs := srv.Requests()
	require.Len(t, reqs, 2, "one request for the 429, then the next one after the hold")
	assert.GreaterOrEqual(t, reqs[1].Received.Sub(reqs[0].Received), maxBackoff)
}

func TestCooldown_CancellingAWaitingCallReturnsPromptly(t *testing.T) {
	t.Parallel()
	signal := mammoth.NewLogSignal()
	// The cooldown lasts a minute, far longer than the test on any machine,
	// so the waiting call can only end by being cancelled.
	srv, client := newOutageServer(t, mammoth.WithLogger(slog.New(signal)),
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: time.Minute}))
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: http.StatusServiceUnavailable, RetryAfter: "60"})

	firstCtx, cancelFirst := context.WithCancel(context.Background())
	defer cancelFirst()
	firstDone := make(chan error, 1)
	go func() {
		_, err := client.Exports.ListExports(firstCtx, outageRef, nil)
		firstDone <- err
	}()
	signal.Await(t, "mammoth: cooldown started") // the first call read its 503

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := client.Jobs.GetJob(ctx, 5001)
		done <- err
	}()
	signal.Await(t, "mammoth: waiting for cooldown")
	cancelled := time.Now()
	cancel()
	select {
	case err := <-done:
		// Promptly: the wait ends on the cancel, not at the cooldown's end
		// a minute later; the margin is for a loaded machine.
		assert.Less(t, time.Since(cancelled), 10*time.Second)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Contains(t, err.Error(), "waiting out the API's Retry-After")
	case <-time.After(30 * time.Second):
		t.Fatal("the waiting call did not return after cancel")
	}
	assert.Zero(t, srv.RequestCount(mammothtest.RouteGetJob), "the cancelled call never sent")
	assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteListExports), "the first call waits out its Retry-After before retrying")
	cancelFirst()
	assert.ErrorIs(t, <-firstDone, context.Canceled)
}

// TestOutage_BudgetAndCooldownThroughFaultsLoseAndDuplicateNothing is the
// stress test's check (every add reported successful is in the pipeline
// once, none twice, every error typed) with the budget and the cooldown
// on: withheld retries and held calls must fail cleanly, never send twice.
func TestOutage_BudgetAndCooldownThroughFaultsLoseAndDuplicateNothing(t *testing.T) {
	t.Parallel()
	const workers = 200
	srv, client := newOutageServer(t,
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 500 * time.Millisecond}))
	for _, f := range []mammothtest.Fault{
		{Route: mammothtest.RouteAddExport, Status: 503, Count: 30},
		{Route: mammothtest.RouteAddExport, Reset: true, AfterHandling: true, Count: 10},
		{Route: mammothtest.RouteAddExport, Status: 500, AfterHandling: true, Count: 10},
		{Route: mammothtest.RouteAddExport, Status: 429, RetryAfter: "1", Count: 3},
		{Route: mammothtest.RouteListExports, Status: 503, RetryAfter: "30", Count: 1},
		{Route: mammothtest.RouteListExports, Reset: true, Count: 20},
	} {
		srv.InjectFault(f)
	}
	ctx := context.Background()
	added := make([]bool, workers)
	errs := make(chan error, 2*workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := client.Exports.CreateS3Export(ctx, outageRef, &mammoth.S3ExportRequest{
				File: "load-" + strconv.Itoa(i) + ".csv", RunImmediately: mammoth.Ptr(false),
			})
			if err != nil {
				errs <- err
			} else {
				added[i] = true
			}
			if _, err := client.Exports.ListExports(ctx, outageRef, nil); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)

	var failures, withheld int
	for err := range errs {
		failures++
		var apiErr *mammoth.APIError
		var transportErr *mammoth.TransportError
		var decodeErr *mammoth.DecodeError
		assert.True(t, errors.As(err, &apiErr) || errors.As(err, &transportErr) || errors.As(err, &decodeErr),
			"untyped error %T: %v", err, err)
		if errors.Is(err, mammoth.ErrRetryWithheld) {
			withheld++
		}
	}
	perFile := map[string]int{}
	for _, exp := range srv.Exports(outageRef) {
		file, _ := exp.TargetProperties["file"].(string)
		perFile[file]++
	}
	reported := 0
	for i, ok := range added {
		file := "load-" + strconv.Itoa(i) + ".csv"
		assert.LessOrEqual(t, perFile[file], 1, "%s was added twice", file)
		if ok {
			reported++
			assert.Equal(t, 1, perFile[file], "%s was reported added but is not in the pipeline", file)
		}
	}
	t.Logf("%d adds reported successful, %d exports in the pipeline, %d calls failed, %d of them with the retry withheld",
		reported, len(srv.Exports(outageRef)), failures, withheld)
	assert.Positive(t, reported)
	assert.Positive(t, failures)
}
