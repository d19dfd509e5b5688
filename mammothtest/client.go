package mammothtest

import (
	"fmt"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// The timing a [Server.Client] uses: the fake answers in microseconds, so
// waits and retries need not be patient.
const (
	clientPollInterval = time.Millisecond
	clientMinBackoff   = time.Millisecond
	clientMaxBackoff   = 10 * time.Millisecond
)

// Client returns a client for the fake, as [httptest.Server.Client] does for
// a test server: pointed at [Server.URL], with the server's credentials,
// polling from 1ms on ([mammoth.WithPollInterval]) and retrying as often as
// [mammoth.DefaultRetryPolicy] does but with waits of 1ms to 10ms. A test
// that adds an export, waits for its job and downloads the CSV then takes
// milliseconds.
//
// The options are applied after those, so they can change any of them. A
// Retry-After longer than the client's MaxBackoff makes a call return its
// [*mammoth.APIError] at once instead of waiting; to test that a 429 is
// retried, inject it without Retry-After, or give
// [mammoth.WithRetryPolicy] a MaxBackoff that covers it.
//
// An option that NewClient refuses is a mistake in the test, not a condition
// to handle: Client then panics with a message naming the option's error,
// as [httptest.NewServer] panics when it cannot listen. A server given
// empty credentials ([WithCredentials]) gets a client whose every call is
// answered 401. Each call returns a new client; it keeps working only
// until the server is closed.
func (s *Server) Client(opts ...mammoth.Option) *mammoth.Client {
	base := []mammoth.Option{
		mammoth.WithBaseURL(s.URL()),
		mammoth.WithPollInterval(clientPollInterval),
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{
			MaxRetries: mammoth.DefaultRetryPolicy().MaxRetries,
			MinBackoff: clientMinBackoff,
			MaxBackoff: clientMaxBackoff,
		}),
	}
	key, secret := s.key, s.secret
	if key == "" || secret == "" {
		// A server with no credentials refuses every request; so must its
		// client, rather than fail to exist.
		key, secret = "mammothtest-no-key", "mammothtest-no-secret"
	}
	c, err := mammoth.NewClient(key, secret, append(base, opts...)...)
	if err != nil {
		panic(fmt.Sprintf("mammothtest: Server.Client cannot make a client: %v", err))
	}
	return c
}
