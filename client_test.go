package mammoth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNewClient_RejectsBadArguments(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		key, secret   string
		opts          []Option
		field         string
		notValidation bool
	}{
		{name: "empty key", key: "", secret: "s", field: "API key"},
		{name: "blank key", key: "  ", secret: "s", field: "API key"},
		{name: "empty secret", key: "k", secret: "", field: "API secret"},
		{name: "secret with line break", key: "k", secret: "a\nb", field: "API credentials"},
		{name: "empty base URL", key: "k", secret: "s", opts: []Option{WithBaseURL("")}, field: "base URL"},
		{name: "relative base URL", key: "k", secret: "s", opts: []Option{WithBaseURL("app.mammoth.io/api/v2")}, field: "base URL"},
		{name: "ftp base URL", key: "k", secret: "s", opts: []Option{WithBaseURL("ftp://app.mammoth.io/api/v2")}, field: "base URL"},
		{name: "unparseable base URL", key: "k", secret: "s", opts: []Option{WithBaseURL("https://[::1")}, field: "base URL"},
		{name: "base URL with query", key: "k", secret: "s", opts: []Option{WithBaseURL("https://h/api/v2?x=1")}, field: "base URL"},
		{name: "base URL with user info", key: "k", secret: "s", opts: []Option{WithBaseURL("https://u:p@h/api/v2")}, field: "base URL"},
		{name: "plain http to a remote host", key: "k", secret: "s", opts: []Option{WithBaseURL("http://app.mammoth.io/api/v2")}, field: "base URL"},
		{name: "nil HTTP client", key: "k", secret: "s", opts: []Option{WithHTTPClient(nil)}, field: "HTTP client"},
		{name: "negative timeout", key: "k", secret: "s", opts: []Option{WithTimeout(-time.Second)}, field: "timeout"},
		{name: "negative retries", key: "k", secret: "s", opts: []Option{WithMaxRetries(-1)}, field: "RetryPolicy.MaxRetries"},
		{name: "backoff cap below floor", key: "k", secret: "s", opts: []Option{WithRetryPolicy(RetryPolicy{MaxRetries: 1, MinBackoff: time.Second, MaxBackoff: time.Millisecond})}, field: "RetryPolicy.MaxBackoff"},
		{name: "nil logger", key: "k", secret: "s", opts: []Option{WithLogger(nil)}, field: "logger"},
		{name: "zero workspace", key: "k", secret: "s", opts: []Option{WithWorkspaceID(0)}, field: "workspace ID"},
		{name: "control character in user agent", key: "k", secret: "s", opts: []Option{WithUserAgent("a\r\nb")}, field: "User-Agent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.key, tt.secret, tt.opts...)
			require.Error(t, err)
			assert.Nil(t, c)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
		})
	}
}

func TestNewClient_BaseURLForms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		opts           []Option
	}{
		{name: "default", in: DefaultBaseURL, want: "https://app.mammoth.io/api/v2"},
		{name: "trailing slash", in: "https://app.mammoth.io/api/v2/", want: "https://app.mammoth.io/api/v2"},
		{name: "no path gets the version path", in: "https://app.mammoth.io", want: "https://app.mammoth.io/api/v2"},
		{name: "root path gets the version path", in: "https://app.mammoth.io/", want: "https://app.mammoth.io/api/v2"},
		{name: "proxy path kept", in: "https://gw.example.com/mammoth/api/v2", want: "https://gw.example.com/mammoth/api/v2"},
		{name: "loopback http", in: "http://127.0.0.1:8080/api/v2", want: "http://127.0.0.1:8080/api/v2"},
		{name: "localhost http", in: "http://localhost:8080/api/v2/", want: "http://localhost:8080/api/v2"},
		{name: "IPv6 loopback http", in: "http://[::1]:8080/api/v2", want: "http://[::1]:8080/api/v2"},
		{name: "remote http with opt-in", in: "http://mammoth.internal/api/v2", want: "http://mammoth.internal/api/v2", opts: []Option{WithInsecureHTTP()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient("k", "s", append([]Option{WithBaseURL(tt.in)}, tt.opts...)...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, c.BaseURL())
		})
	}
}

func TestNewClient_TrailingSlashBaseURLSendsSamePath(t *testing.T) {
	t.Parallel()
	for _, suffix := range []string{"", "/"} {
		f := setup(t)
		c, err := NewClient(testKey, testSecret, WithBaseURL(f.server.URL+testBasePath+suffix))
		require.NoError(t, err)
		f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 200, `{"next":"","exports":[]}`)
		})
		_, err = c.Exports.ListExports(context.Background(), testRef, nil)
		require.NoError(t, err, "base URL suffix %q", suffix)
	}
}

func TestNewClient_MakesNoRequest(t *testing.T) {
	t.Parallel()
	f := setup(t, WithUserAgent("svc/1"), WithTimeout(time.Second), WithMaxRetries(0), WithWorkspaceID(3))
	assert.Zero(t, f.requests.Load())
}

func TestNewClientFromEnv(t *testing.T) {
	t.Setenv("MAMMOTH_API_KEY", "env-key")
	t.Setenv("MAMMOTH_API_SECRET", "env-secret")
	t.Setenv("MAMMOTH_BASE_URL", "https://eu.mammoth.io/api/v2/")
	c, err := NewClientFromEnv()
	require.NoError(t, err)
	assert.Equal(t, "https://eu.mammoth.io/api/v2", c.BaseURL())
	h := http.Header{}
	c.authenticate(h)
	assert.Equal(t, "env-key", h.Get("X-API-KEY"))
	assert.Equal(t, "env-secret", h.Get("X-API-SECRET"))

	c, err = NewClientFromEnv(WithBaseURL("https://app.mammoth.io"))
	require.NoError(t, err)
	assert.Equal(t, "https://app.mammoth.io/api/v2", c.BaseURL(), "explicit options win over the environment")

	t.Setenv("MAMMOTH_API_SECRET", "")
	_, err = NewClientFromEnv()
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "MAMMOTH_API_SECRET", ve.Field)

	t.Setenv("MAMMOTH_API_KEY", "")
	_, err = NewClientFromEnv()
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "MAMMOTH_API_KEY", ve.Field)
}

func TestRequest_HeadersOnEveryKindOfCall(t *testing.T) {
	t.Parallel()
	f := setup(t, WithWorkspaceID(9))
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		assertCredentials(t, r)
		assert.Equal(t, "4", r.Header.Get("X-WORKSPACE-ID"), "dataview calls send the ref's workspace")
		assert.Empty(t, r.Header.Get("Content-Type"), "a GET has no body")
		writeJSON(w, 200, `{"next":"","exports":[]}`)
	})
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		assertCredentials(t, r)
		assert.Equal(t, "4", r.Header.Get("X-WORKSPACE-ID"))
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		writeJSON(w, 202, `{"job":{"id":1,"status":"processing"}}`)
	})
	f.handle("GET", "/jobs/1", func(w http.ResponseWriter, r *http.Request) {
		assertCredentials(t, r)
		assert.Equal(t, "9", r.Header.Get("X-WORKSPACE-ID"), "jobs calls send WithWorkspaceID's workspace")
		writeJSON(w, 200, `{"job":{"id":1,"status":"success"}}`)
	})
	ctx := context.Background()
	_, err := f.client.Exports.ListExports(ctx, testRef, nil)
	require.NoError(t, err)
	_, err = f.client.Exports.CreateS3Export(ctx, testRef, &S3ExportRequest{File: "out.csv"})
	require.NoError(t, err)
	_, err = f.client.Jobs.GetJob(ctx, 1)
	require.NoError(t, err)
	assert.EqualValues(t, 3, f.requests.Load())
}

func TestRequest_JobsWithoutWorkspaceSendNoWorkspaceHeader(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.handle("GET", "/jobs/5", func(w http.ResponseWriter, r *http.Request) {
		_, present := r.Header["X-Workspace-Id"]
		assert.False(t, present)
		writeJSON(w, 200, `{"job":{"id":5,"status":"success"}}`)
	})
	_, err := f.client.Jobs.GetJob(context.Background(), 5)
	require.NoError(t, err)
}

func TestWithUserAgent_PrefixesSDKAgent(t *testing.T) {
	t.Parallel()
	f := setup(t, WithUserAgent("billing-sync/2.1"))
	f.handle("GET", "/jobs/1", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "billing-sync/2.1 mammoth-go/"+Version, r.Header.Get("User-Agent"))
		writeJSON(w, 200, `{"job":{"id":1,"status":"success"}}`)
	})
	_, err := f.client.Jobs.GetJob(context.Background(), 1)
	require.NoError(t, err)
}

func TestWithHTTPClient_UsesButNeverMutatesCallerClient(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var used bool
	rt := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		used = true
		return http.DefaultTransport.RoundTrip(r)
	})
	hc := &http.Client{Transport: rt, Timeout: 5 * time.Second}
	before := *hc
	c, err := NewClient(testKey, testSecret, WithBaseURL(f.server.URL+testBasePath), WithHTTPClient(hc))
	require.NoError(t, err)
	f.handle("GET", "/jobs/1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"job":{"id":1,"status":"success"}}`)
	})
	_, err = c.Jobs.GetJob(context.Background(), 1)
	require.NoError(t, err)
	assert.True(t, used, "the caller's transport carries the request")
	assert.Nil(t, hc.CheckRedirect, "the caller's client keeps its redirect policy")
	assert.Equal(t, before.Timeout, hc.Timeout)
	assert.NotSame(t, hc, c.httpClient)
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestDefaultHTTPClient_KeepsEnoughIdleConnectionsFor64Callers(t *testing.T) {
	t.Parallel()
	c, err := NewClient("k", "s")
	require.NoError(t, err)
	tr, ok := c.httpClient.Transport.(*http.Transport)
	require.True(t, ok)
	assert.GreaterOrEqual(t, tr.MaxIdleConnsPerHost, 64)
	assert.GreaterOrEqual(t, tr.MaxIdleConns, tr.MaxIdleConnsPerHost)
	assert.NotSame(t, http.DefaultTransport, tr, "the default transport is cloned, not shared")
}

func TestClient_FmtNeverPrintsSecret(t *testing.T) {
	t.Parallel()
	c, err := NewClient(testKey, testSecret, WithLogger(discardLogger()))
	require.NoError(t, err)
	values := map[string]any{
		"*Client":         c,
		"Client":          *c,
		"*ExportsService": c.Exports,
		"*JobsService":    c.Jobs,
		"RetryPolicy":     c.retry,
		"[]any":           []any{c, c.Exports},
		"struct":          struct{ C *Client }{c},
	}
	for name, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d"} {
			out := fmt.Sprintf(verb, v)
			assert.NotContains(t, out, testSecret, "%s printed with %s", name, verb)
			assert.NotContains(t, out, "s3cr3t", "%s printed with %s", name, verb)
		}
	}
	assert.Contains(t, fmt.Sprint(c), "app.mammoth.io", "the client still says where it points")
}

func TestAPIError_MatchesSentinels(t *testing.T) {
	t.Parallel()
	sentinels := map[int]error{401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound, 429: ErrRateLimited}
	for status, want := range sentinels {
		err := fmt.Errorf("wrapped: %w", &APIError{StatusCode: status})
		assert.ErrorIs(t, err, want, "status %d", status)
		for other, sentinel := range sentinels {
			if other != status {
				assert.NotErrorIs(t, err, sentinel, "status %d must not match %v", status, sentinel)
			}
		}
	}
	assert.False(t, errors.Is(&APIError{StatusCode: 500}, ErrNotFound))
}
