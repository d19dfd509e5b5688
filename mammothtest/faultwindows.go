package mammothtest

import (
	"net/http"
	"slices"
	"strconv"
	"time"
)

// faultWindow is a fault that applies to every matching request until a
// moment on the clock.
type faultWindow struct {
	Fault
	until time.Time
	// retryAfterLeft sends, as Retry-After, the whole seconds left in the
	// window, rounded up.
	retryAfterLeft bool
}

// InjectFaultFor applies f to every request that matches it and arrives
// in the next d, however many: an outage of the API or of a route, rather
// than a number of failed requests. f.Count is ignored. Matching and
// effects are those of [Fault]; while a window is open, its fault applies
// before any added by [Server.InjectFault], and windows are tried in the
// order they were opened. [Server.ClearFaults] closes every window.
//
// Windows are timed by the system clock, not by [WithClock]. A d of zero
// or less opens no window.
func (s *Server) InjectFaultFor(d time.Duration, f Fault) {
	s.openWindow(d, f, false)
}

// FailFor answers every request that arrives in the next d, on either
// listener and whatever its route, with status and the API's error body,
// without acting on it: a simulated outage. FailFor(2*time.Second, 503)
// is the API down for two seconds; no Retry-After is sent. See
// [Server.InjectFaultFor].
func (s *Server) FailFor(d time.Duration, status int) {
	s.openWindow(d, Fault{Status: status}, false)
}

// RateLimitFor answers every request that arrives in the next d, on either
// listener and whatever its route, 429 Too Many Requests with the header
// Retry-After: retryAfter, without acting on it. With retryAfter "", the
// header is the whole seconds left in the window, rounded up, as a rate
// limiter that knows when its window ends would send. To limit one route
// only, use [Server.InjectFaultFor] with a Fault whose Route is set.
func (s *Server) RateLimitFor(d time.Duration, retryAfter string) {
	s.openWindow(d, Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter}, retryAfter == "")
}

func (s *Server) openWindow(d time.Duration, f Fault, retryAfterLeft bool) {
	if d <= 0 {
		return
	}
	w := &faultWindow{Fault: f, until: time.Now().Add(d), retryAfterLeft: retryAfterLeft}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.windows = append(s.windows, w)
}

// windowFault returns the fault of the first open window that matches the
// request, or nil, dropping the windows that have closed. s.mu is held.
func (s *Server) windowFault(route Route, r *http.Request) *Fault {
	if len(s.windows) == 0 {
		return nil
	}
	now := time.Now()
	s.windows = slices.DeleteFunc(s.windows, func(w *faultWindow) bool { return !now.Before(w.until) })
	for _, w := range s.windows {
		if !w.matches(route, r) {
			continue
		}
		fault := w.Fault
		if w.retryAfterLeft {
			left := w.until.Sub(now)
			secs := int64((left + time.Second - 1) / time.Second)
			fault.RetryAfter = strconv.FormatInt(secs, 10)
		}
		return &fault
	}
	return nil
}
