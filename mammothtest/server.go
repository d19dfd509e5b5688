package mammothtest

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// basePath is the API's version prefix; every API route lives under it.
const basePath = "/api/v2"

// Server is a fake Mammoth API. Create it with [NewServer] and stop it with
// [Server.Close]. It is safe for concurrent use: tests may drive it from many
// goroutines while inspecting or changing its state.
type Server struct {
	api   *httptest.Server
	files *httptest.Server
	done  chan struct{}
	once  sync.Once

	// Set by options before the listeners start; read-only afterwards.
	key, secret string
	jobPolls    int
	jobPollsSet bool
	jobDuration time.Duration
	nextLink    NextLinkForm
	addMode     AddMode
	now         func() time.Time
	logSize     int
	apiListener net.Listener // WithListener's, or nil
	// stepDuration is how long a step of a pipeline run lasts, or 0.
	stepDuration time.Duration

	mu            sync.Mutex
	dataviews     map[mammoth.DataviewRef]*dataview
	jobs          map[int]*job
	lastJobID     int
	lastExportID  int
	lastDatasetID int
	lastTaskID    int
	failAll       *JobFailure
	failNext      int
	failNextWith  JobFailure
	faults        []*faultState
	windows       []*faultWindow // see faultwindows.go
	log           []RecordedRequest
	counts        map[Route]int
	leaks         int
	links         map[string]fileLink
	tree          tree // workspaces, projects, folders, datasets, dataview names and columns
}

// Option configures a [Server] in [NewServer].
type Option func(*Server)

// WithCredentials sets the API key and secret the server accepts, in place
// of the random pair it generates by default. With an empty key or secret
// every API request is unauthorized.
func WithCredentials(apiKey, apiSecret string) Option {
	return func(s *Server) { s.key, s.secret = apiKey, apiSecret }
}

// WithJobPolls sets how many times a job answers "processing" before it
// finishes: with the default of 1, the first poll of a job sees
// "processing" and the second its final status; with 0 the first poll
// already sees it. Each GET /jobs/{id}, and each appearance of the job in a
// GET /jobs answer, counts as one poll. Negative values count as 0. With
// [WithJobDuration] the default is 0; given both, a job needs both.
func WithJobPolls(n int) Option {
	return func(s *Server) { s.jobPolls, s.jobPollsSet = max(n, 0), true }
}

// NextLinkForm is how the "next" key of a page of exports links to the
// following page. Clients of the real API should cope with each form.
type NextLinkForm int

// The forms of the "next" link. On the last page "next" is always "".
const (
	// NextLinkAbsolute is an absolute URL:
	// "http://127.0.0.1:PORT/api/v2/workspaces/…/pipeline/exports?limit=50&offset=50".
	// It is the default.
	NextLinkAbsolute NextLinkForm = iota
	// NextLinkRelative is a path with no leading slash, relative to the
	// host's root: "api/v2/workspaces/…/pipeline/exports?limit=50&offset=50".
	NextLinkRelative
	// NextLinkNone leaves "next" empty on every page, so clients must page
	// by offset.
	NextLinkNone
)

// WithNextLink sets the form of the "next" link of export pages; see
// [NextLinkForm].
func WithNextLink(f NextLinkForm) Option {
	return func(s *Server) { s.nextLink = f }
}

// AddMode is how the server answers a request that adds an export.
type AddMode int

// The ways of answering an add.
const (
	// AddWithJob answers 202 {"job": {...}}, the API's normal answer: the
	// export is added at once with status "added" and, if run_immediately
	// was set, runs when its job finishes. It is the default.
	AddWithJob AddMode = iota
	// AddAsDraft answers 201 {"trigger_id": N, "status": "added",
	// "future_id": null}: the export is added in draft mode and no job is
	// started, whatever run_immediately says.
	AddAsDraft
	// AddAsDraftWithFutureID answers 201 {"trigger_id": N, "status":
	// "added", "future_id": J}, where J is a job that does what the 202
	// answer's job would have done.
	AddAsDraftWithFutureID
)

// WithAddMode sets how adds are answered; see [AddMode].
func WithAddMode(m AddMode) Option {
	return func(s *Server) { s.addMode = m }
}

// WithClock makes the server read the time from now instead of
// [time.Now], for deterministic timestamps.
func WithClock(now func() time.Time) Option {
	return func(s *Server) {
		if now != nil {
			s.now = now
		}
	}
}

// WithRequestLogSize sets how many requests [Server.Requests] keeps: the
// most recent n (default 10000). The per-route counts of
// [Server.RequestCount] are not bounded by it. n <= 0 keeps none.
func WithRequestLogSize(n int) Option {
	return func(s *Server) { s.logSize = max(n, 0) }
}

// NewServer starts a fake API on a loopback address, and the listener that
// serves export files on another (127.0.0.2 where the system allows it,
// else another port of 127.0.0.1). Its credentials are random unless
// [WithCredentials] sets them. It has no dataviews until
// [Server.AddDataview] or [Server.SeedExports] makes some. Call
// [Server.Close] when done.
func NewServer(opts ...Option) *Server {
	s := &Server{
		key:       "mk_test_" + randomHex(12),
		secret:    "ms_test_" + randomHex(24),
		jobPolls:  1,
		now:       time.Now,
		logSize:   10000,
		done:      make(chan struct{}),
		dataviews: make(map[mammoth.DataviewRef]*dataview),
		jobs:      make(map[int]*job),
		counts:    make(map[Route]int),
		links:     make(map[string]fileLink),
		// Ids start away from 1 so that tests cannot pass by confusing
		// one kind of id for another.
		lastExportID:  100,
		lastJobID:     5000,
		lastDatasetID: 9000,
		lastTaskID:    3000,
	}
	for _, opt := range opts {
		if opt != nil {
			opt(s)
		}
	}
	if s.jobDuration > 0 && !s.jobPollsSet {
		s.jobPolls = 0
	}
	s.api = s.startAPI()
	s.files = httptest.NewUnstartedServer(s.fileHandler())
	// Another loopback address makes the file host a different origin even
	// for clients that ignore ports; Linux routes all of 127.0.0.0/8 to lo.
	if l, err := net.Listen("tcp", "127.0.0.2:0"); err == nil {
		s.files.Listener.Close()
		s.files.Listener = l
	}
	s.files.Start()
	return s
}

// URL returns the API's base URL, such as "http://127.0.0.1:41234/api/v2",
// for [mammoth.WithBaseURL] or any other client.
func (s *Server) URL() string { return s.api.URL + basePath }

// FileURL returns the root URL of the listener that serves export files,
// such as "http://127.0.0.2:41235".
func (s *Server) FileURL() string { return s.files.URL }

// APIKey returns the API key the server accepts.
func (s *Server) APIKey() string { return s.key }

// APISecret returns the API secret the server accepts.
func (s *Server) APISecret() string { return s.secret }

// Close shuts both listeners down. Requests still being served, including
// downloads and injected delays, are cut off. Close may be called more
// than once.
func (s *Server) Close() {
	s.once.Do(func() {
		close(s.done)
		s.api.CloseClientConnections()
		s.files.CloseClientConnections()
		s.api.Close()
		s.files.Close()
	})
}

// authorized reports whether the request carries the server's credentials.
func (s *Server) authorized(r *http.Request) bool {
	key := r.Header.Get("X-Api-Key")
	secret := r.Header.Get("X-Api-Secret")
	okKey := subtle.ConstantTimeCompare([]byte(key), []byte(s.key)) == 1
	okSecret := subtle.ConstantTimeCompare([]byte(secret), []byte(s.secret)) == 1
	return okKey && okSecret && key != "" && secret != ""
}

// timestamp returns the server's current time, in UTC.
func (s *Server) timestamp() time.Time { return s.now().UTC() }

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// apiHandler routes the API listener.
func (s *Server) apiHandler() http.Handler {
	const p = basePath + "/workspaces/{workspace_id}/projects/{project_id}/datasets/{dataset_id}/dataviews/{dataview_id}"
	const exports = p + "/pipeline/exports"
	const export = exports + "/{export_id}"
	const publish = p + "/publish-to-db"
	const jobs = basePath + "/jobs"
	const pipe = p + "/pipeline"
	mux := http.NewServeMux()
	for _, rt := range []struct {
		pattern string
		route   Route
		h       handlerFunc
	}{
		{"GET " + exports, RouteListExports, s.handleListExports},
		{"POST " + exports, RouteAddExport, s.handleAddExport},
		{"GET " + export, RouteGetExport, s.handleGetExport},
		{"PATCH " + export, RouteEditExport, s.handleEditExport},
		{"DELETE " + export, RouteDeleteExport, s.handleDeleteExport},
		{"POST " + publish, RoutePublishToDB, s.handlePublish},
		{"PATCH " + publish, RouteUpdatePublishToDB, s.handleUpdatePublish},
		{"GET " + jobs + "/{job_id}", RouteGetJob, s.handleGetJob},
		{"GET " + jobs, RouteGetJobs, s.handleGetJobs},
		{"GET " + pipe, RouteGetPipeline, s.handleGetPipeline},
		{"PATCH " + pipe, RouteEditPipeline, s.handleEditPipeline},
		{"POST " + pipe + "/rerun", RouteRunPipeline, s.handleRunPipeline},
		{"GET " + pipe + "/items", RouteListItems, s.handleListItems},
		{"POST " + p + "/draft-mode", RouteDraftCommand, s.handleDraftCommand},
	} {
		mux.Handle(rt.pattern, s.serve(endpoint{route: rt.route, auth: true}, rt.h))
	}
	s.routeDiscovery(mux)
	// A known path with another method is 405; anything else is 404. Both
	// have the API's error body and need no credentials.
	unknown := endpoint{route: RouteUnknown}
	for _, pattern := range []string{exports, export, publish, jobs, jobs + "/{job_id}", pipe, pipe + "/rerun", pipe + "/items", p + "/draft-mode"} {
		mux.Handle(pattern, s.serve(unknown, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			writeError(w, http.StatusMethodNotAllowed, "Method Not Allowed", nil)
		}))
	}
	mux.Handle("/", s.serve(unknown, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		writeNotFound(w)
	}))
	return mux
}
