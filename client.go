package mammoth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Version is this SDK's version, sent in the User-Agent header.
const Version = "0.2.0"

// DefaultBaseURL is the production API root.
const DefaultBaseURL = "https://app.mammoth.io/api/v2"

const (
	defaultUserAgent = "mammoth-go/" + Version
	defaultTimeout   = 30 * time.Second
	// maxErrorBody caps how much of an error answer is read and kept.
	maxErrorBody = 1 << 20
	// maxResponseBody caps a success answer: far above any real page of
	// exports, low enough that a misbehaving server cannot exhaust memory.
	maxResponseBody = 64 << 20
	// maxDrain is how much of an unread body is drained so that its
	// connection can be reused; beyond it the connection is dropped.
	maxDrain = 64 << 10
)

const (
	headerAPIKey      = "X-Api-Key"
	headerAPISecret   = "X-Api-Secret"
	headerWorkspaceID = "X-Workspace-Id"
)

// Client talks to the Mammoth API. Its services group the operations:
// c.Exports for a dataview's exports, c.Jobs for background jobs.
//
// A Client is safe for concurrent use by many goroutines and should be
// reused: it keeps its HTTP connections alive between calls. Printing a
// Client with fmt shows its base URL, never its credentials.
type Client struct {
	// Exports lists, adds, changes, runs and deletes a dataview's exports.
	Exports *ExportsService
	// Jobs reads and waits for background jobs.
	Jobs *JobsService
	// Pipelines reads and runs a dataview's pipeline, enters and leaves its
	// draft mode, and suspends, restores or discards several exports at once.
	Pipelines *PipelinesService
	// Dataviews finds workspaces, projects, datasets and dataviews, and
	// reads a dataview's columns.
	Dataviews *DataviewsService

	common service

	// authenticate sets the credential headers. The key and secret live only
	// in its closure, out of reach of fmt's reflection, which prints
	// unexported fields raw whatever methods their types have.
	authenticate func(http.Header)
	// mask hides the secret in whatever the SDK derives from an answer, in
	// case the server echoes it.
	mask       masker
	apiKeyHint string

	rawBaseURL        string
	baseURL           *url.URL
	baseURLString     string // without trailing slash
	allowInsecureHTTP bool
	httpClient        *http.Client
	userAgent         string
	timeout           time.Duration
	retry             RetryPolicy
	logger            *slog.Logger
	workspaceID       int
	resolved          *resolveCache // DataviewsService.Resolve's answers
	pollInterval      time.Duration
	sleepFn           func(context.Context, time.Duration) error

	// budget and cooldown are shared by every call: see budget.go and
	// cooldown.go.
	budget   *retryBudget
	cooldown *cooldown
}

// service is what every typed service is a view of, so that services cost
// no allocation of their own.
type service struct {
	client *Client
}

// NewClient returns a client that authenticates with apiKey and apiSecret.
// It validates its arguments and options and makes no network call.
func NewClient(apiKey, apiSecret string, opts ...Option) (*Client, error) {
	if strings.TrimSpace(apiKey) == "" {
		return nil, &ValidationError{Field: "API key", Reason: "must not be empty"}
	}
	if strings.TrimSpace(apiSecret) == "" {
		return nil, &ValidationError{Field: "API secret", Reason: "must not be empty"}
	}
	if err := checkCredential("API key", apiKey); err != nil {
		return nil, err
	}
	if err := checkCredential("API secret", apiSecret); err != nil {
		return nil, err
	}
	c := &Client{
		authenticate: func(h http.Header) {
			h[headerAPIKey] = []string{apiKey}
			h[headerAPISecret] = []string{apiSecret}
		},
		mask:       newMasker(apiSecret),
		apiKeyHint: redact(apiKey),
		rawBaseURL: DefaultBaseURL,
		userAgent:  defaultUserAgent,
		timeout:    defaultTimeout,
		retry:      DefaultRetryPolicy(),
		resolved:   newResolveCache(DefaultResolveCacheSize),
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	base, err := parseBaseURL(c.rawBaseURL, c.allowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	c.baseURL = base
	c.baseURLString = base.String()
	c.httpClient = c.guardedHTTPClient(c.httpClient)
	c.budget, c.cooldown = newRetryBudget(c.retry.Budget), new(cooldown)
	c.common.client = c
	c.Exports = (*ExportsService)(&c.common)
	c.Jobs = (*JobsService)(&c.common)
	c.Pipelines = (*PipelinesService)(&c.common)
	c.Dataviews = (*DataviewsService)(&c.common)
	return c, nil
}

// NewClientFromEnv returns a client configured from the environment:
// MAMMOTH_API_KEY and MAMMOTH_API_SECRET (required), MAMMOTH_BASE_URL and
// MAMMOTH_WORKSPACE_ID (optional; the latter as [WithWorkspaceID] takes
// it, and a value that is not a positive integer is a [*ValidationError]
// naming the variable). Options given explicitly take precedence over the
// environment.
func NewClientFromEnv(opts ...Option) (*Client, error) {
	key := os.Getenv("MAMMOTH_API_KEY")
	if key == "" {
		return nil, &ValidationError{Field: "MAMMOTH_API_KEY", Reason: "environment variable is not set"}
	}
	secret := os.Getenv("MAMMOTH_API_SECRET")
	if secret == "" {
		return nil, &ValidationError{Field: "MAMMOTH_API_SECRET", Reason: "environment variable is not set"}
	}
	if base := os.Getenv("MAMMOTH_BASE_URL"); base != "" {
		opts = append([]Option{WithBaseURL(base)}, opts...)
	}
	if ws := os.Getenv("MAMMOTH_WORKSPACE_ID"); ws != "" {
		id, err := workspaceIDFromEnv(ws)
		if err != nil {
			return nil, err
		}
		opts = append([]Option{WithWorkspaceID(id)}, opts...)
	}
	return NewClient(key, secret, opts...)
}

// CloseIdleConnections closes the connections the client keeps open for
// reuse, as [http.Client.CloseIdleConnections] does. Connections in use are
// not interrupted. The client stays usable.
func (c *Client) CloseIdleConnections() { c.httpClient.CloseIdleConnections() }

// BaseURL returns the API root the client sends its requests to.
func (c *Client) BaseURL() string { return c.baseURLString }

// Format prints the client's base URL and a hint of its API key, never its
// secret, whatever the verb.
func (c *Client) Format(f fmt.State, verb rune) {
	if c == nil {
		fmt.Fprint(f, "mammoth.Client(nil)")
		return
	}
	fmt.Fprintf(f, "mammoth.Client{BaseURL: %q, APIKey: %q, APISecret: %q}", c.baseURLString, c.apiKeyHint, secretPlaceholder)
}

// Format prints the service without its client's credentials.
func (s *ExportsService) Format(f fmt.State, verb rune) { fmt.Fprint(f, "mammoth.ExportsService") }

// Format prints the service without its client's credentials.
func (s *JobsService) Format(f fmt.State, verb rune) { fmt.Fprint(f, "mammoth.JobsService") }

// checkCredential refuses a key or secret that could not go out as a header
// value as it is: control characters (line breaks, tabs, NUL, DEL, …) and
// invalid UTF-8, which would otherwise fail every request or be sent mangled.
func checkCredential(name, v string) error {
	if !utf8.ValidString(v) {
		return &ValidationError{Field: "API credentials", Reason: "the " + name + " must be valid UTF-8"}
	}
	for _, r := range v {
		if unicode.IsControl(r) {
			return &ValidationError{Field: "API credentials", Reason: "the " + name + " must not contain control characters (line breaks, tabs, NUL, DEL)"}
		}
	}
	return nil
}

// redact keeps enough of an API key to tell keys apart in a log.
func redact(key string) string {
	if len(key) <= 8 {
		return secretPlaceholder
	}
	return key[:4] + "…" + secretPlaceholder
}

// request describes one API call for do.
type request struct {
	op     string // SDK method, for errors and logs
	method string
	path   string // escaped, relative to the base URL, starting with "/"
	// rawURL, when set, is an absolute URL used instead of path (a download
	// link); credentials go with it only if it is on the API's origin.
	rawURL string
	query  string // encoded, without "?"
	body   any    // JSON-encoded when non-nil
	// workspaceID is sent as X-WORKSPACE-ID when positive.
	workspaceID int
	// idempotent says that repeating the request cannot duplicate work, so
	// any transient failure may be retried.
	idempotent bool
	// allowEmpty accepts a 2xx answer with no body or a JSON null.
	allowEmpty bool
	// goneMeansDone marks a request that removes what it names: a 404 on a
	// retry after an attempt that may have acted means that attempt did
	// the work, and the call succeeds with an empty answer.
	goneMeansDone bool
	// sink receives a success body as a stream instead of decoding it.
	sink io.Writer
}

// response is what do reports of a successful answer.
type response struct {
	StatusCode int
	Header     http.Header
	// Empty is true when the body was empty or the JSON literal null.
	Empty bool
	// Written counts the bytes copied to the request's sink.
	Written int64
}

// do is the one request path every operation goes through: it builds the URL
// and headers, encodes the body, sends it, retries what is safe to retry, and
// decodes a success body into out (when non-nil) or turns a failure into an
// *APIError.
func (c *Client) do(ctx context.Context, r *request, out any) (*response, error) {
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	target := r.rawURL
	if target == "" {
		target = c.baseURLString + r.path
	}
	if r.query != "" {
		target += "?" + r.query
	}
	// Every attempt sends a shallow copy of this request: the URL is parsed
	// and the headers are set once per call.
	tmpl, err := http.NewRequestWithContext(ctx, r.method, target, nil)
	if err != nil {
		return nil, fmt.Errorf("mammoth: %s: bad URL: %w", r.op, err)
	}
	u := tmpl.URL
	var payload []byte
	if r.body != nil {
		if payload, err = json.Marshal(r.body); err != nil {
			return nil, fmt.Errorf("mammoth: %s: encoding request: %w", r.op, err)
		}
	}
	c.setHeaders(tmpl.Header, r, payload != nil, c.sameOrigin(u))
	var ownCooldown *cooldownState // started by this call; its retry's sleep waits it out
	var mayHaveActed bool          // an earlier attempt may have done the work
	for attempt := 1; ; attempt++ {
		// A Retry-After seen by any call pauses every call to the API.
		if err := c.awaitCooldown(ctx, r, u, attempt, ownCooldown); err != nil {
			return nil, err
		}
		start := time.Now()
		resp, v, err := c.attempt(ctx, r, tmpl, payload, out)
		c.logAttempt(ctx, r, u, attempt, resp, err, time.Since(start))
		c.earnRetry(r, u, err)
		ownCooldown = c.noteCooldown(ctx, r, u, attempt, err, ownCooldown)
		if err == nil {
			return resp, nil
		}
		if mayHaveActed && r.goneMeansDone && errors.Is(err, ErrNotFound) {
			c.log(ctx, "mammoth: done by an earlier attempt", r, u, attempt, slog.String("reason", "404 after an attempt that may have removed it"))
			return &response{StatusCode: http.StatusNotFound, Empty: true}, nil
		}
		mayHaveActed = mayHaveActed || v.acted
		retryable, reason := v.retry, v.reason
		if ctxErr := ctx.Err(); ctxErr != nil {
			return nil, fmt.Errorf("mammoth: %s %s: %w", r.method, c.shownPath(r, u), ctxErr)
		}
		if !retryable || attempt > c.retry.MaxRetries {
			if retryable {
				c.log(ctx, "mammoth: giving up", r, u, attempt, slog.String("reason", reason))
			} else if reason != "" {
				c.log(ctx, "mammoth: not retrying", r, u, attempt, slog.String("reason", reason))
			}
			return nil, err
		}
		wait := c.backoff(attempt)
		var apiErr *APIError
		if errors.As(err, &apiErr) && apiErr.RetryAfter > 0 {
			if apiErr.RetryAfter > c.retry.MaxBackoff {
				c.log(ctx, "mammoth: not retrying", r, u, attempt,
					slog.String("reason", "Retry-After "+apiErr.RetryAfter.String()+" exceeds the policy's MaxBackoff"))
				return nil, err
			}
			wait = apiErr.RetryAfter
		}
		// The client-wide budget may withhold this retry.
		if err := c.withholdRetry(ctx, r, u, attempt, err); err != nil {
			return nil, err
		}
		c.log(ctx, "mammoth: retrying", r, u, attempt, slog.String("reason", reason), slog.Duration("wait", wait))
		if err := c.sleep(ctx, wait); err != nil {
			return nil, fmt.Errorf("mammoth: %s %s: %w", r.method, c.shownPath(r, u), err)
		}
	}
}

// setHeaders sets the headers of a request: the credentials only when
// withCreds.
func (c *Client) setHeaders(h http.Header, r *request, hasBody, withCreds bool) {
	if hasBody {
		h.Set("Content-Type", "application/json")
	}
	h.Set("User-Agent", c.userAgent)
	if r.sink == nil {
		h.Set("Accept", "application/json")
	}
	if withCreds {
		c.authenticate(h)
		if r.workspaceID > 0 {
			h.Set(headerWorkspaceID, strconv.Itoa(r.workspaceID))
		}
	}
}

// attempt sends the request once: a copy of tmpl with its own context and
// body.
func (c *Client) attempt(ctx context.Context, r *request, tmpl *http.Request, payload []byte, out any) (*response, verdict, error) {
	u := tmpl.URL
	path := c.shownPath(r, u)
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var timer *time.Timer
	if c.timeout > 0 {
		timer = time.AfterFunc(c.timeout, func() { cancel(errAttemptTimeout) })
		defer timer.Stop()
	}
	// A request that is not idempotent may be retried after a transport
	// failure only if it provably never reached the wire; for a delete,
	// whether it may have reached it decides what a 404 on a retry means.
	var trace *sendTrace
	if !r.idempotent || r.goneMeansDone {
		trace = new(sendTrace)
		actx = httptrace.WithClientTrace(actx, trace.hooks())
	}
	req := tmpl.WithContext(actx)
	if payload != nil {
		req.Body = io.NopCloser(bytes.NewReader(payload))
		req.ContentLength = int64(len(payload))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(payload)), nil }
	}

	hresp, err := c.httpClient.Do(req)
	if err != nil {
		sent := mayHaveBeenSent(trace, err)
		terr := &TransportError{Method: r.method, Path: path, Sent: sent, Err: c.mask.err(scrubURLError(err))}
		if context.Cause(actx) == errAttemptTimeout {
			terr.Err = fmt.Errorf("no answer within %s: %w", c.timeout, context.DeadlineExceeded)
		}
		err = terr
		switch {
		case r.idempotent:
			return nil, verdict{retry: true, acted: sent, reason: "transport error: " + err.Error()}, err
		case !sent:
			return nil, verdict{retry: true, reason: "connection failed before the request was sent"}, err
		default:
			return nil, verdict{acted: true, reason: "transport error after the request may have been sent; a retry could repeat it"}, err
		}
	}
	defer closeBody(hresp.Body)

	if hresp.StatusCode < 200 || hresp.StatusCode > 299 {
		body, _ := io.ReadAll(io.LimitReader(hresp.Body, maxErrorBody))
		apiErr := newAPIError(c.mask, r.method, path, hresp.StatusCode, body, parseRetryAfter(hresp.Header.Get("Retry-After")))
		return nil, retryableStatus(r.idempotent, hresp.StatusCode), apiErr
	}

	resp := &response{StatusCode: hresp.StatusCode, Header: hresp.Header}
	if r.sink != nil {
		// The answer has started: from here the transfer may take as long as
		// the file is large, bounded only by the caller's context.
		if timer != nil {
			timer.Stop()
		}
		var err error
		resp.Written, err = io.Copy(r.sink, hresp.Body)
		if err != nil {
			return nil, verdict{acted: true, reason: "a partly written download cannot be replayed"}, &TransportError{
				Method: r.method, Path: path, Sent: true,
				Err: c.mask.err(fmt.Errorf("%s: reading the body after %d bytes: %w", r.op, resp.Written, scrubURLError(err))),
			}
		}
		return resp, verdict{}, nil
	}

	data, buf, err := readSuccessBody(hresp)
	defer putBuffer(buf)
	switch {
	case errors.Is(err, errBodyTooLarge):
		return nil, verdict{acted: true}, &DecodeError{Operation: r.op, StatusCode: hresp.StatusCode, Err: err}
	case err != nil:
		// The status line arrived, so the server acted: only an idempotent
		// request may be repeated.
		err = &DecodeError{Operation: r.op, StatusCode: hresp.StatusCode, Err: c.mask.err(fmt.Errorf("body cut short: %w", scrubURLError(err)))}
		if r.idempotent {
			return nil, verdict{retry: true, acted: true, reason: "response body cut short"}, err
		}
		return nil, verdict{acted: true, reason: "response body cut short after the server acted"}, err
	}
	// A success body is data the caller asked for and is decoded as sent;
	// what the SDK derives from it for errors is masked where it is made.
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		resp.Empty = true
		if r.allowEmpty || out == nil {
			return resp, verdict{}, nil
		}
		return nil, verdict{}, &DecodeError{Operation: r.op, StatusCode: hresp.StatusCode, Err: errors.New("empty body")}
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return nil, verdict{}, &DecodeError{Operation: r.op, StatusCode: hresp.StatusCode, Err: c.mask.err(err)}
		}
	}
	return resp, verdict{}, nil
}

// shownPath is the request's path as errors and logs show it: a download
// link comes from an answer, so the secret is masked in it.
func (c *Client) shownPath(r *request, u *url.URL) string {
	if r.rawURL != "" {
		return c.mask.str(u.Path)
	}
	return u.Path
}

// closeBody drains a little of what is left so the connection can be reused,
// then closes.
func closeBody(body io.ReadCloser) {
	_, _ = io.Copy(io.Discard, io.LimitReader(body, maxDrain))
	_ = body.Close()
}

// scrubURLError drops the URL that *url.Error prints: a download link may
// carry a signature in its query that must not end up in logs.
func scrubURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
