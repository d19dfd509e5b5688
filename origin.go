package mammoth

import (
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// parseBaseURL checks a base URL and returns it without a trailing slash,
// with /api/v2 as its path when it names none.
func parseBaseURL(raw string, allowInsecure bool) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	if strings.ContainsAny(raw, "?#") {
		// Even an empty query or fragment ("…/v2?") would put every
		// request's path after it.
		return nil, &ValidationError{Field: "base URL", Reason: "must not carry a query or a fragment (no ? or #)"}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, &ValidationError{Field: "base URL", Reason: err.Error()}
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, &ValidationError{Field: "base URL", Reason: "must be an absolute http or https URL"}
	}
	if u.Host == "" {
		return nil, &ValidationError{Field: "base URL", Reason: "has no host"}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, &ValidationError{Field: "base URL", Reason: "must not carry user info, a query or a fragment"}
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return nil, &ValidationError{Field: "base URL", Reason: "plain http is allowed only for loopback hosts; use https or WithInsecureHTTP"}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	if u.Path == "" {
		u.Path = "/api/v2"
	}
	return u, nil
}

// isLoopback reports whether host is a literal loopback address or
// "localhost" itself. Other names under .localhost are not: Go's resolver may
// ask DNS for them, and whoever answers would get the credentials in clear.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// maxConnsPerHost bounds the connections the default client holds to one
// host, all of which it keeps open between calls.
const maxConnsPerHost = 64

// defaultHTTPClient is tuned for a service that calls the API from many
// goroutines: net/http's default keeps only two idle connections per host,
// so most concurrent calls would open a new one. This one keeps every
// connection it opens, up to maxConnsPerHost; past that, calls wait for a
// free connection. The cap also stops a cold burst of calls from dialing
// more connections than there are callers, which net/http otherwise does
// when connections come free while dials are still under way.
func defaultHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 256
	t.MaxIdleConnsPerHost = maxConnsPerHost
	t.MaxConnsPerHost = maxConnsPerHost
	t.IdleConnTimeout = 90 * time.Second
	return &http.Client{Transport: t}
}

// guardedHTTPClient returns a copy of hc (or of the default client) whose
// redirect policy strips the credentials from any hop that leaves the API's
// origin: net/http forwards custom headers to whatever host a redirect names.
func (c *Client) guardedHTTPClient(hc *http.Client) *http.Client {
	if hc == nil {
		hc = defaultHTTPClient()
	}
	guarded := *hc
	callerPolicy := hc.CheckRedirect
	guarded.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		if len(via) > 0 && strings.EqualFold(via[len(via)-1].URL.Scheme, "https") && !strings.EqualFold(req.URL.Scheme, "https") {
			return errors.New("refusing a redirect from https to plain http")
		}
		if !c.sameOrigin(req.URL) {
			req.Header.Del(headerAPIKey)
			req.Header.Del(headerAPISecret)
			req.Header.Del(headerWorkspaceID)
		}
		if callerPolicy != nil {
			return callerPolicy(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
	return &guarded
}

// sameOrigin reports whether u is on the API's scheme, host and port: the
// only place the credentials may go.
func (c *Client) sameOrigin(u *url.URL) bool {
	return strings.EqualFold(u.Scheme, c.baseURL.Scheme) && strings.EqualFold(hostPort(u), hostPort(c.baseURL))
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if strings.EqualFold(u.Scheme, "https") {
		return u.Host + ":443"
	}
	return u.Host + ":80"
}
