package mammoth

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptrace"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// verdict says whether a failed attempt may be retried, and why or why not.
type verdict struct {
	retry bool
	// acted says the server may have carried out the request: it failed
	// after the request may have reached the server, and the answer did
	// not prove that nothing was done.
	acted  bool
	reason string
}

// sendTrace records, through httptrace, how far the transport got with an
// attempt, to tell whether a failed request may have reached the server.
type sendTrace struct {
	gotConn atomic.Bool // GetConn fired: the hooks do reach the transport
	wrote   atomic.Bool // WroteHeaders fired: the request went out
}

func (t *sendTrace) hooks() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		GetConn:      func(string) { t.gotConn.Store(true) },
		WroteHeaders: func() { t.wrote.Store(true) },
	}
}

// mayHaveBeenSent says whether a request that failed with err may have
// reached the server. It answers no only on positive evidence: the trace
// hooks fired GetConn (so they are wired to the transport) but not
// WroteHeaders, or the failure was a DNS lookup or a dial. A caller's
// transport that builds a new request without the context's values never
// fires the hooks; whatever else it fails with may come after sending.
func mayHaveBeenSent(t *sendTrace, err error) bool {
	if t != nil && t.gotConn.Load() {
		return t.wrote.Load()
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return false
	}
	var opErr *net.OpError
	return !errors.As(err, &opErr) || opErr.Op != "dial"
}

var errAttemptTimeout = errors.New("attempt timed out")

// retryableStatus says whether an error status may be retried. Any of the
// transient statuses may be for an idempotent request; a request that is not
// idempotent only when the status proves the server did not act on it.
func retryableStatus(idempotent bool, status int) verdict {
	code := strconv.Itoa(status)
	switch status {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return verdict{retry: true, reason: "status " + code + ": the server did not act on the request"}
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway, http.StatusGatewayTimeout:
		if idempotent {
			return verdict{retry: true, acted: true, reason: "status " + code + " on an idempotent request"}
		}
		return verdict{acted: true, reason: "status " + code + " on a request that is not idempotent: the server may have acted"}
	}
	return verdict{acted: status >= 500 && status != http.StatusNotImplemented}
}

// parseRetryAfter reads a Retry-After header in seconds (digits, with a
// decimal fraction tolerated) or as an HTTP date. What it cannot read
// (garbage, signs, exponents, NaN, a past date) counts as absent: 0. A wait
// too long to represent is the longest duration, longer than any MaxBackoff
// but the longest.
func parseRetryAfter(v string) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if isDecimal(v) {
		secs, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange):
			return 0
		case secs >= float64(math.MaxInt64)/float64(time.Second):
			return math.MaxInt64
		}
		return time.Duration(secs * float64(time.Second))
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

// isDecimal reports whether v is digits with at most one decimal point
// between them: what a delay in seconds may look like.
func isDecimal(v string) bool {
	digits, point := 0, -1
	for i, c := range v {
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && point < 0 && i > 0 && i < len(v)-1:
			point = i
		default:
			return false
		}
	}
	return digits > 0
}

// backoff returns the wait before retry number attempt: full jitter over a
// window that doubles from MinBackoff up to MaxBackoff.
// Doubling stops before it could overflow, whatever the policy's durations.
func (c *Client) backoff(attempt int) time.Duration {
	window := c.retry.MinBackoff
	for i := 1; i < attempt && window < c.retry.MaxBackoff; i++ {
		if window > c.retry.MaxBackoff/2 {
			window = c.retry.MaxBackoff
			break
		}
		window *= 2
	}
	window = min(window, c.retry.MaxBackoff)
	switch {
	case window <= 0:
		return 0
	case window == math.MaxInt64:
		return rand.N(window)
	}
	return rand.N(window + 1)
}

// sleep waits for d or until ctx is done, whichever comes first. Tests
// replace it through the client's sleepFn to run without real waits.
func (c *Client) sleep(ctx context.Context, d time.Duration) error {
	if c.sleepFn != nil {
		return c.sleepFn(ctx, d)
	}
	if d <= 0 {
		return ctx.Err()
	}
	return waitFor(ctx, d)
}
