package bench

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// The simulated outage: the API answers every request 503 for a second,
// then is healthy again, while calls arrive at a steady rate whatever
// happens to the ones before them, as a service's incoming traffic does.
const (
	outageLength   = time.Second
	outageAfter    = time.Second
	outageInterval = 2 * time.Millisecond // 500 calls a second
)

// outagePolicy has the shape of the default policy (three retries, a
// doubling jittered backoff) at a fifth of its waits, so that the calls
// caught in the outage finish within a second of its end.
func outagePolicy(budget mammoth.RetryBudget) mammoth.RetryPolicy {
	return mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: 100 * time.Millisecond, MaxBackoff: 1600 * time.Millisecond, Budget: budget}
}

// attemptsKey carries a call's attempt counter to the counting transport.
type attemptsKey struct{}

// countingTransport counts the attempts of each call, whose context
// carries the counter.
type countingTransport struct{ next http.RoundTripper }

func (t countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if n, ok := r.Context().Value(attemptsKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
	return t.next.RoundTrip(r)
}

// outageCall is one call of the simulation.
type outageCall struct {
	start    time.Time
	attempts atomic.Int64
	err      error
}

// BenchmarkOutage runs one simulated outage per iteration, with the retry
// budget on (the default) and off, and reports for the calls that started
// during the outage and in the second after it: requests sent per call and
// the share of calls that succeeded. api-req/s is the load the API took
// during the outage, calls/s the calls that arrived in it. ns/op is left out: an iteration lasts as long as the
// simulation, by design. Unlike the other benchmarks it compares the SDK
// with itself, so its columns are budget=on and budget=off:
//
//	go test -run '^$' -bench Outage -count 5 ./bench > outage.txt
//	benchstat -col /budget outage.txt
func BenchmarkOutage(b *testing.B) {
	for _, bc := range []struct {
		name   string
		budget mammoth.RetryBudget
	}{
		{"budget=on", mammoth.RetryBudget{}},
		{"budget=off", mammoth.RetryBudget{Disabled: true}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			var m outageMetrics
			for range b.N {
				m.add(simulateOutage(b, outagePolicy(bc.budget)))
			}
			m.report(b)
		})
	}
}

type outageMetrics struct {
	duringCalls, duringRequests, duringOK int
	afterCalls, afterRequests, afterOK    int
	apiRequests                           int
	runs                                  int
}

func (m *outageMetrics) add(o outageMetrics) {
	m.duringCalls += o.duringCalls
	m.duringRequests += o.duringRequests
	m.duringOK += o.duringOK
	m.afterCalls += o.afterCalls
	m.afterRequests += o.afterRequests
	m.afterOK += o.afterOK
	m.apiRequests += o.apiRequests
	m.runs++
}

func (m *outageMetrics) report(b *testing.B) {
	ratio := func(a, b int) float64 {
		if b == 0 {
			return 0
		}
		return float64(a) / float64(b)
	}
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(ratio(m.duringRequests, m.duringCalls), "req/call-during")
	b.ReportMetric(100*ratio(m.duringOK, m.duringCalls), "ok%-during")
	b.ReportMetric(ratio(m.afterRequests, m.afterCalls), "req/call-after")
	b.ReportMetric(100*ratio(m.afterOK, m.afterCalls), "ok%-after")
	b.ReportMetric(ratio(m.apiRequests, m.runs)/outageLength.Seconds(), "api-req/s-during")
	// The calls that did arrive: a busy machine falls behind the ticker.
	b.ReportMetric(ratio(m.duringCalls, m.runs)/outageLength.Seconds(), "calls/s-during")
}

func simulateOutage(b *testing.B, policy mammoth.RetryPolicy) outageMetrics {
	srv := mammothtest.NewServer(mammothtest.WithRequestLogSize(1 << 20))
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = 256
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()),
		mammoth.WithRetryPolicy(policy), mammoth.WithHTTPClient(&http.Client{Transport: countingTransport{transport}}))
	if err != nil {
		b.Fatal(err)
	}
	defer client.CloseIdleConnections()

	ctx := context.Background()
	start := time.Now()
	srv.FailFor(outageLength, http.StatusServiceUnavailable)
	end := time.Now().Add(outageLength) // no later than the window's end
	stop := end.Add(outageAfter)

	var calls []*outageCall
	var wg sync.WaitGroup
	tick := time.NewTicker(outageInterval)
	defer tick.Stop()
	for now := time.Now(); now.Before(stop); now = <-tick.C {
		c := &outageCall{start: now}
		calls = append(calls, c)
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, c.err = client.Exports.ListExports(context.WithValue(ctx, attemptsKey{}, &c.attempts), ref, nil)
		}()
	}
	wg.Wait()

	var m outageMetrics
	for _, c := range calls {
		ok := 0
		if c.err == nil {
			ok = 1
		}
		if c.start.Before(end) {
			m.duringCalls++
			m.duringRequests += int(c.attempts.Load())
			m.duringOK += ok
		} else {
			m.afterCalls++
			m.afterRequests += int(c.attempts.Load())
			m.afterOK += ok
		}
	}
	for _, r := range srv.Requests() {
		if !r.Received.Before(start) && r.Received.Before(end) {
			m.apiRequests++
		}
	}
	return m
}
