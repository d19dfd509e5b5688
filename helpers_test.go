package mammoth

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	testKey    = "test-api-key-0123456789"
	testSecret = "test-api-secret-s3cr3t-value"
	// testBasePath is not the default one, so that a request built from an
	// absolute path instead of the base URL fails loudly.
	testBasePath = "/mammoth/api/v2"
)

var testRef = DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}

const testDataviewPath = testBasePath + "/workspaces/4/projects/7/datasets/121/dataviews/2311"

// fixture is a client wired to a test server whose routes the test fills.
type fixture struct {
	client   *Client
	mux      *http.ServeMux
	server   *httptest.Server
	requests atomic.Int64
	sleeps   []time.Duration
	sleepMu  sync.Mutex
}

// setup starts a server that counts every request and mounts the API under
// testBasePath. Waits between retries and polls are recorded, not slept.
func setup(t *testing.T, opts ...Option) *fixture {
	t.Helper()
	f := &fixture{mux: http.NewServeMux()}
	f.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.requests.Add(1)
		f.mux.ServeHTTP(w, r)
	}))
	t.Cleanup(f.server.Close)
	opts = append([]Option{WithBaseURL(f.server.URL + testBasePath)}, opts...)
	c, err := NewClient(testKey, testSecret, opts...)
	require.NoError(t, err)
	c.sleepFn = func(ctx context.Context, d time.Duration) error {
		f.sleepMu.Lock()
		f.sleeps = append(f.sleeps, d)
		f.sleepMu.Unlock()
		return ctx.Err()
	}
	f.client = c
	return f
}

func (f *fixture) waits() []time.Duration {
	f.sleepMu.Lock()
	defer f.sleepMu.Unlock()
	return append([]time.Duration(nil), f.sleeps...)
}

// handle mounts h at method and a path below the base URL.
func (f *fixture) handle(method, path string, h http.HandlerFunc) {
	f.mux.HandleFunc(method+" "+testBasePath+path, h)
}

// dataview mounts h at method and a path below the test dataview.
func (f *fixture) dataview(method, path string, h http.HandlerFunc) {
	f.mux.HandleFunc(method+" "+testDataviewPath+path, h)
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// assertCredentials checks the headers every API request carries.
func assertCredentials(t *testing.T, r *http.Request) {
	t.Helper()
	assert.Equal(t, testKey, r.Header.Get("X-API-KEY"))
	assert.Equal(t, testSecret, r.Header.Get("X-API-SECRET"))
	assert.Equal(t, "mammoth-go/"+Version, r.Header.Get("User-Agent"))
	assert.Equal(t, "application/json", r.Header.Get("Accept"))
}

// readJSON decodes a request body into a generic value for exact checks.
func readBody(t *testing.T, r *http.Request) string {
	t.Helper()
	b, err := io.ReadAll(r.Body)
	require.NoError(t, err)
	return string(b)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return string(b)
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
