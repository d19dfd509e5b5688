package mammoth

import (
	"log/slog"
	"net/http"
	"time"
)

// Option configures a [Client] in [NewClient] and [NewClientFromEnv]. An
// option that is given a bad value makes the constructor return an error.
type Option func(*Client) error

// RetryPolicy says how often and how patiently the client retries a request
// that failed in a way that is safe to retry. Waits between attempts grow
// from MinBackoff, doubling up to MaxBackoff, with full jitter. A Retry-After
// the API sends is obeyed instead, unless it asks for longer than MaxBackoff:
// then the call returns at once with an [*APIError] whose RetryAfter says
// how long to wait. Any durations are accepted, up to the largest: the
// doubling stops at MaxBackoff without overflowing. The budget of retries
// and a Retry-After also bind the client as a whole, not only one call: see
// Budget and NoCooldown.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt; 0 never
	// retries.
	MaxRetries int
	// MinBackoff is the cap of the first wait.
	MinBackoff time.Duration
	// MaxBackoff is the cap of any wait, Retry-After included.
	MaxBackoff time.Duration

	// Budget bounds the retries of all the client's calls together, so
	// that an outage does not multiply the load on the API by 1+MaxRetries;
	// see [RetryBudget]. The zero value is the default budget; set
	// Budget.Disabled to turn it off. The budget's state lives in the
	// client, not in the policy: two clients never share one.
	Budget RetryBudget

	// NoCooldown makes a Retry-After apply to the call that got it only.
	// By default a 429 or 503 with Retry-After from the API pauses all the
	// client's calls to the API until that time has passed: calls started
	// meanwhile wait (bounded by their context, and at no cost to the
	// budget), then send. When it asks for longer than MaxBackoff, the
	// client holds its calls for MaxBackoff instead: they return at once,
	// sending nothing, with an [*APIError] whose RetryAfter is the time the
	// API still asks for. Requests to other hosts are never paused.
	NoCooldown bool
}

// DefaultRetryPolicy is the policy a client uses unless told otherwise:
// three retries, waits from 500ms doubling to 8s, and a retry budget of 10
// retries earning back 0.1 of one per successful call.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{MaxRetries: 3, MinBackoff: 500 * time.Millisecond, MaxBackoff: 8 * time.Second,
		Budget: RetryBudget{Retries: defaultBudgetRetries, PerSuccess: defaultBudgetPerSuccess}}
}

func (p RetryPolicy) validate() error {
	switch {
	case p.MaxRetries < 0:
		return &ValidationError{Field: "RetryPolicy.MaxRetries", Reason: "must not be negative"}
	case p.MaxRetries > 100:
		return &ValidationError{Field: "RetryPolicy.MaxRetries", Reason: "must be at most 100"}
	case p.MinBackoff < 0:
		return &ValidationError{Field: "RetryPolicy.MinBackoff", Reason: "must not be negative"}
	case p.MaxBackoff < p.MinBackoff:
		return &ValidationError{Field: "RetryPolicy.MaxBackoff", Reason: "must not be less than MinBackoff"}
	}
	return p.Budget.validate()
}

// WithBaseURL sets the API root, such as "https://app.mammoth.io/api/v2" (the
// default) or a [mammothtest] server's URL. A trailing slash is ignored and a
// URL with no path gets "/api/v2"; a URL with user info, a query or a
// fragment (even an empty one: a trailing "?" or "#") is refused. Plain http
// is accepted only for a literal loopback address (127.0.0.1, ::1) or
// "localhost" itself, unless [WithInsecureHTTP] is also given: other names,
// even under .localhost, may be resolved through DNS.
func WithBaseURL(rawURL string) Option {
	return func(c *Client) error {
		if rawURL == "" {
			return &ValidationError{Field: "base URL", Reason: "must not be empty"}
		}
		c.rawBaseURL = rawURL
		return nil
	}
}

// WithInsecureHTTP allows a plain-http base URL on a host other than
// loopback. The API key and secret then cross the network in clear text:
// use it only on a network you trust.
func WithInsecureHTTP() Option {
	return func(c *Client) error {
		c.allowInsecureHTTP = true
		return nil
	}
}

// WithHTTPClient makes the client send its requests through hc, for a custom
// transport, proxy or instrumentation. hc itself is never modified: the client
// works on a copy whose redirect policy also keeps the API credentials from
// reaching other hosts. hc's own Timeout, if any, applies on top of
// [WithTimeout].
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return &ValidationError{Field: "HTTP client", Reason: "must not be nil"}
		}
		c.httpClient = hc
		return nil
	}
}

// WithUserAgent puts ua in front of the SDK's own User-Agent, so that the
// API's operators can tell your service's traffic apart:
// "billing-sync/2.1 mammoth-go/0.2.0".
func WithUserAgent(ua string) Option {
	return func(c *Client) error {
		for _, r := range ua {
			if r < 0x20 || r == 0x7f {
				return &ValidationError{Field: "User-Agent", Reason: "must not contain control characters"}
			}
		}
		if ua != "" {
			c.userAgent = ua + " " + defaultUserAgent
		}
		return nil
	}
}

// WithTimeout bounds each attempt of a request: connecting, sending and
// reading the answer (for a download, until the answer starts). The default
// is 30s; 0 means no bound beyond the context's. Retries get a fresh bound.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return &ValidationError{Field: "timeout", Reason: "must not be negative"}
		}
		c.timeout = d
		return nil
	}
}

// WithRetryPolicy replaces the retry policy; see [RetryPolicy] and
// [DefaultRetryPolicy].
func WithRetryPolicy(p RetryPolicy) Option {
	return func(c *Client) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithMaxRetries sets how many times a failed request is retried, keeping the
// rest of the retry policy; 0 disables retries.
func WithMaxRetries(n int) Option {
	return func(c *Client) error {
		p := c.retry
		p.MaxRetries = n
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithLogger makes the client log each attempt at debug level: method, path,
// status, attempt number, duration, and why a request is or is not retried.
// Credentials and request bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *Client) error {
		if l == nil {
			return &ValidationError{Field: "logger", Reason: "must not be nil"}
		}
		c.logger = l
		return nil
	}
}

// WithWorkspaceID sets the X-WORKSPACE-ID header for calls that name no
// dataview (the jobs calls). Dataview calls send their DataviewRef's
// workspace instead. [NewClientFromEnv] reads it from MAMMOTH_WORKSPACE_ID.
//
// Jobs calls work without it: the jobs paths name no workspace, the API's
// OpenAPI document declares no workspace header, the first Python SDK
// never sent one and [mammothtest] ignores it. The newer Python SDK sends it on every
// call; set it to send what that SDK sends.
func WithWorkspaceID(id int) Option {
	return func(c *Client) error {
		if id <= 0 {
			return &ValidationError{Field: "workspace ID", Reason: "must be at least 1"}
		}
		c.workspaceID = id
		return nil
	}
}
