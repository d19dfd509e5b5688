package mammothtest

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Route names an endpoint of the API, for [Fault] and
// [Server.RequestCount]. The names are those of the SDK's methods.
type Route string

// The routes the server serves. P stands for
// /api/v2/workspaces/{w}/projects/{p}/datasets/{d}/dataviews/{v}.
const (
	RouteListExports       Route = "ListExports"       // GET P/pipeline/exports
	RouteAddExport         Route = "AddExport"         // POST P/pipeline/exports
	RouteGetExport         Route = "GetExport"         // GET P/pipeline/exports/{id}
	RouteEditExport        Route = "EditExport"        // PATCH P/pipeline/exports/{id}
	RouteDeleteExport      Route = "DeleteExport"      // DELETE P/pipeline/exports/{id}
	RoutePublishToDB       Route = "PublishToDB"       // POST P/publish-to-db
	RouteUpdatePublishToDB Route = "UpdatePublishToDB" // PATCH P/publish-to-db
	RouteGetJob            Route = "GetJob"            // GET /api/v2/jobs/{id}
	RouteGetJobs           Route = "GetJobs"           // GET /api/v2/jobs
	// RouteDownload is a GET of an export file on the file listener.
	RouteDownload Route = "Download"
	// RouteUnknown is any request that matches no route: a wrong path or
	// method, on either listener.
	RouteUnknown Route = ""
)

// Fault makes requests fail on purpose, to test how a client copes with a
// flaky API. Install it with [Server.InjectFault].
//
// A request matches a fault when it matches every condition set: Method,
// Route and PathSuffix. Faults are tried in the order they were injected,
// and the first match with uses left applies; each match uses it up once,
// whatever the request's credentials.
//
// What a fault does, in order:
//
//  1. Delay: the server waits this long once it has read the request (or
//     until the client gives up, or the server is closed).
//  2. Unless AfterHandling is set: Reset closes the connection abruptly
//     (TCP reset) without reading the request body or acting on it; else a
//     non-zero Status is answered without acting on the request.
//  3. With AfterHandling, the request is handled normally (it changes the
//     server's state: an export is added, a job started), then its answer
//     is thrown away and the connection reset (Reset, or neither Status
//     nor Reset set) or Status answered instead. This is how to test a
//     client that cannot tell whether its request took effect.
//  4. ResetAfterBytes, when no Status or Reset applies, lets the request be
//     handled and its answer start, then closes the connection once that
//     many bytes of the body have been sent. An answer no longer than that
//     is sent whole.
//
// A fault with only Delay set slows requests down and changes nothing else.
type Fault struct {
	// Method matches the request method ("POST"); "" matches any.
	Method string
	// Route matches one endpoint; "" matches any (unlike
	// [Server.RequestCount], where "" is [RouteUnknown]).
	Route Route
	// PathSuffix matches requests whose URL path ends with it, such as
	// "/pipeline/exports"; "" matches any.
	PathSuffix string

	// Status is the HTTP status to answer, such as 503. The body is the
	// API's error body for that status ({"status_code", "detail",
	// "extra"}), except for 401, which has none.
	Status int
	// RetryAfter, if set, is sent as the Retry-After header with Status.
	RetryAfter string
	// Delay is how long to wait before acting; see above.
	Delay time.Duration
	// Reset closes the connection without an answer.
	Reset bool
	// AfterHandling applies Status or Reset after the request has been
	// handled instead of before.
	AfterHandling bool
	// ResetAfterBytes cuts the answer short after this many body bytes.
	ResetAfterBytes int64

	// Count is how many matching requests the fault applies to: 0 means
	// one, a negative value means every one until [Server.ClearFaults].
	Count int
}

// faultState is an injected fault and how many uses it has left (-1 for
// unlimited).
type faultState struct {
	Fault
	left int
}

func (f *Fault) matches(route Route, r *http.Request) bool {
	return (f.Method == "" || strings.EqualFold(f.Method, r.Method)) &&
		(f.Route == "" || f.Route == route) &&
		(f.PathSuffix == "" || strings.HasSuffix(r.URL.Path, f.PathSuffix))
}

// InjectFault adds a fault; see [Fault].
func (s *Server) InjectFault(f Fault) {
	left := f.Count
	switch {
	case left == 0:
		left = 1
	case left < 0:
		left = -1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f, left: left})
}

// ClearFaults removes every fault, used up or not, and the random ones.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.random = nil
	s.windows = nil
}

// takeFault returns the fault that applies to the request, using it up
// once, or nil.
func (s *Server) takeFault(route Route, r *http.Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f := s.windowFault(route, r); f != nil {
		return f
	}
	for i, f := range s.faults {
		if !f.matches(route, r) {
			continue
		}
		if f.left > 0 {
			f.left--
			if f.left == 0 {
				s.faults = slices.Delete(s.faults, i, i+1)
			}
		}
		fault := f.Fault
		return &fault
	}
	return s.takeRandomFaultLocked(route, r)
}

// RecordedRequest is a request the server received, as it came over the
// wire.
type RecordedRequest struct {
	// Route is the endpoint it matched, or [RouteUnknown].
	Route Route
	// Method is the HTTP method.
	Method string
	// Host is the Host header: it tells the API listener from the file
	// listener.
	Host string
	// Path is the URL path, as escaped on the wire.
	Path string
	// RawQuery is the query string without "?", as sent.
	RawQuery string
	// Header holds the request headers.
	Header http.Header
	// Body is the request body; nil when a fault reset the connection
	// before it was read.
	Body []byte
	// Received is when the server recorded the request, by the system
	// clock (not [WithClock]'s), with a monotonic reading: compare it with
	// times a test takes itself to see what arrived when.
	Received time.Time
}

// Query parses the request's query string.
func (r RecordedRequest) Query() url.Values {
	q, _ := url.ParseQuery(r.RawQuery)
	return q
}

// Requests returns the requests the server has received, oldest first, on
// both listeners, including those answered 401, 404 or by a fault. Only the
// most recent ones are kept; see [WithRequestLogSize].
func (s *Server) Requests() []RecordedRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]RecordedRequest, len(s.log))
	for i, r := range s.log {
		r.Header = r.Header.Clone()
		r.Body = slices.Clone(r.Body)
		out[i] = r
	}
	return out
}

// RequestCount returns how many requests for the route the server has
// received, however they were answered. [RouteUnknown] counts requests that
// matched no route.
func (s *Server) RequestCount(route Route) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.counts[route]
}

// ClearRequests forgets the requests received so far: [Server.Requests],
// [Server.RequestCount] and [Server.DownloadCredentialLeaks] start again
// from zero.
func (s *Server) ClearRequests() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
	s.counts = make(map[Route]int)
	s.leaks = 0
}

// DownloadCredentialLeaks returns how many requests to the file listener
// carried an X-API-KEY or X-API-SECRET header, whatever its value. The
// real API's files live on another host, which must never see the API
// credentials; a careful client makes this 0.
func (s *Server) DownloadCredentialLeaks() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.leaks
}

func (s *Server) record(route Route, onFiles bool, r *http.Request, body []byte) {
	leak := onFiles && (len(r.Header.Values("X-Api-Key")) > 0 || len(r.Header.Values("X-Api-Secret")) > 0)
	var rec RecordedRequest
	if s.logSize > 0 {
		rec = RecordedRequest{
			Route: route, Method: r.Method, Host: r.Host, Path: r.URL.EscapedPath(),
			RawQuery: r.URL.RawQuery, Header: r.Header.Clone(), Body: body,
			Received: time.Now(),
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.counts[route]++
	if leak {
		s.leaks++
	}
	if s.logSize == 0 {
		return
	}
	if len(s.log) >= s.logSize {
		s.log = s.log[len(s.log)-s.logSize+1:]
	}
	s.log = append(s.log, rec)
}

// maxBody caps a request body; nothing the API accepts comes near it.
const maxBody = 8 << 20

// handlerFunc serves a request whose body has been read.
type handlerFunc func(w http.ResponseWriter, r *http.Request, body []byte)

// endpoint says how a handler is reached.
type endpoint struct {
	route   Route
	auth    bool // requires the API credentials
	onFiles bool // served by the file listener
}

// serve wraps a handler with what every request goes through: faults,
// recording, authentication.
func (s *Server) serve(ep endpoint, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.finishDueJobs()
		f := s.takeFault(ep.route, r)
		if f != nil && f.Reset && !f.AfterHandling {
			s.record(ep.route, ep.onFiles, r, nil)
			if f.Delay == 0 || s.wait(r.Context(), f.Delay) {
				closeConn(w, true)
			}
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
		s.record(ep.route, ep.onFiles, r, body)
		if f != nil && f.Delay > 0 && !s.wait(r.Context(), f.Delay) {
			return
		}
		switch {
		case err != nil:
			writeError(w, http.StatusBadRequest, "could not read the request body", nil)
			return
		case len(body) > maxBody:
			writeError(w, http.StatusRequestEntityTooLarge, "", nil)
			return
		case f != nil && f.Status != 0 && !f.AfterHandling:
			writeFault(w, f)
			return
		case ep.auth && !s.authorized(r):
			w.Header().Set("Content-Length", "0")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		switch {
		case f == nil:
			h(w, r, body)
		case f.AfterHandling:
			h(&discardWriter{header: make(http.Header)}, r, body)
			if f.Status != 0 && !f.Reset {
				writeFault(w, f)
			} else {
				closeConn(w, true)
			}
		case f.ResetAfterBytes > 0:
			cw := &cutWriter{ResponseWriter: w, left: f.ResetAfterBytes}
			h(cw, r, body)
		default:
			h(w, r, body)
		}
	})
}

// wait sleeps for d, reporting false if the request or the server ended
// first.
func (s *Server) wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
	case <-s.done:
	}
	return false
}

func writeFault(w http.ResponseWriter, f *Fault) {
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	if f.Status == http.StatusUnauthorized {
		w.Header().Set("Content-Length", "0")
		w.WriteHeader(f.Status)
		return
	}
	writeError(w, f.Status, "", nil)
}

// closeConn ends the request's connection without (more of) an answer:
// with a TCP reset when rst is set, else with an orderly close that leaves
// what was sent readable.
func closeConn(w http.ResponseWriter, rst bool) {
	if _, ok := w.(*discardWriter); ok {
		return // the answer is being thrown away anyway
	}
	conn, _, err := http.NewResponseController(w).Hijack()
	switch {
	case errors.Is(err, http.ErrHijacked):
		return // closed already
	case err != nil:
		// Every HTTP/1 connection can be hijacked; should this one not be,
		// net/http's own way to abort a response still drops it.
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok && rst {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// discardWriter swallows the answer of a request handled under an
// AfterHandling fault.
type discardWriter struct {
	header http.Header
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// errCut is what a handler's writes return once its answer has been cut.
var errCut = errors.New("mammothtest: connection cut by a fault")

// cutWriter passes an answer through until its limit, then closes the
// connection.
type cutWriter struct {
	http.ResponseWriter
	left int64
	cut  bool
}

func (c *cutWriter) Write(b []byte) (int, error) {
	if c.cut {
		return 0, errCut
	}
	if int64(len(b)) <= c.left {
		n, err := c.ResponseWriter.Write(b)
		c.left -= int64(n)
		return n, err
	}
	n, _ := c.ResponseWriter.Write(b[:c.left])
	c.cut = true
	_ = http.NewResponseController(c.ResponseWriter).Flush()
	closeConn(c.ResponseWriter, false)
	return n, errCut
}

// Flush sends what has been written so far.
func (c *cutWriter) Flush() {
	if !c.cut {
		_ = http.NewResponseController(c.ResponseWriter).Flush()
	}
}

// Unwrap lets [http.ResponseController] reach the underlying writer.
func (c *cutWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }
