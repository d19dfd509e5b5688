package mammoth

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net/url"
	"strconv"
	"sync/atomic"
)

// ErrRetryWithheld is matched with [errors.Is] by the error of a call whose
// retry the client's [RetryBudget] withheld. The call's own failure is
// still in the chain: [errors.As] finds its [*APIError] or
// [*TransportError].
var ErrRetryWithheld = errors.New("mammoth: retry withheld")

// The default budget. Ten retries cover the occasional failed call, and a
// few failing at once; when dozens fail together the API is more likely
// down than flaky, and their retries would only add to its load. Earning
// back a tenth of a retry per success keeps retries coming while fewer
// than about one call in ten fails, and caps what they add in the long
// run at about one request in ten. gRPC's retry throttling uses the same
// figures.
const (
	defaultBudgetRetries    = 10
	defaultBudgetPerSuccess = 0.1
)

// RetryBudget bounds the retries of all the calls of one [Client] together,
// as a token bucket: it starts full, each retry takes one token, each
// successful call puts PerSuccess back, up to Retries. When the bucket holds
// less than one token, a call that would retry returns its failure at once
// instead, with an error that matches [ErrRetryWithheld]. First attempts
// are never withheld, and waiting out a Retry-After that paused the client
// costs nothing.
//
// So while the API is down, a client sends little more than one request
// per call, however many goroutines share it, instead of 1+MaxRetries; as
// calls succeed again, retries come back.
//
// The zero value is the default budget: 10 retries, earning 0.1 of a retry
// per success. Only the API's own host counts: retries of a download from
// another host neither spend the budget nor earn it back.
type RetryBudget struct {
	// Disabled turns the budget off: each call retries up to MaxRetries
	// times, whatever the client's other calls met.
	Disabled bool
	// Retries is the size of the budget: how many retries the client's
	// calls may make in a burst with no success in between. 0 means 10.
	Retries int
	// PerSuccess is how much of a retry each successful call earns back,
	// from 0.001 to 1; 0 means 0.1. It bounds the share of retries in the
	// long run: 0.1 lets retries add at most about 10% to the requests
	// sent.
	PerSuccess float64
}

func (b RetryBudget) validate() error {
	switch {
	case b.Disabled:
		return nil
	case b.Retries < 0 || b.Retries > 1_000_000:
		return &ValidationError{Field: "RetryPolicy.Budget.Retries", Reason: "must be from 0 (the default, 10) to 1000000"}
	case math.IsNaN(b.PerSuccess) || b.PerSuccess < 0 || b.PerSuccess > 1 || (b.PerSuccess > 0 && b.PerSuccess < 0.001):
		return &ValidationError{Field: "RetryPolicy.Budget.PerSuccess", Reason: "must be 0 (the default, 0.1) or from 0.001 to 1"}
	}
	return nil
}

// tokenScale counts the budget in thousandths of a retry, so that one
// atomic integer holds it.
const tokenScale = 1000

// retryBudget is a client's budget: the policy says how big it is, the
// client holds how much is left. A nil *retryBudget is a disabled one.
type retryBudget struct {
	tokens     atomic.Int64 // in thousandths of a retry
	capacity   int64
	perSuccess int64
	reason     string // why a retry is withheld, for the error and the log
}

func newRetryBudget(b RetryBudget) *retryBudget {
	if b.Disabled {
		return nil
	}
	retries, perSuccess := b.Retries, b.PerSuccess
	if retries == 0 {
		retries = defaultBudgetRetries
	}
	if perSuccess == 0 {
		perSuccess = defaultBudgetPerSuccess
	}
	rb := &retryBudget{
		capacity:   int64(retries) * tokenScale,
		perSuccess: int64(math.Round(perSuccess * tokenScale)),
		reason: "the client's retry budget is spent: too many of its recent calls failed (the budget holds " +
			strconv.Itoa(retries) + plural(retries, " retry", " retries") + " and earns back " + strconv.FormatFloat(perSuccess, 'g', -1, 64) +
			" of one per successful call)",
	}
	rb.tokens.Store(rb.capacity)
	return rb
}

// spend takes one retry from the budget, reporting false when less than
// one is left.
func (b *retryBudget) spend() bool {
	if b == nil {
		return true
	}
	for {
		t := b.tokens.Load()
		if t < tokenScale {
			return false
		}
		if b.tokens.CompareAndSwap(t, t-tokenScale) {
			return true
		}
	}
}

// earn credits a successful call. A full budget, the usual state, costs
// one atomic load and no write, so successes on many goroutines do not
// contend.
func (b *retryBudget) earn() {
	if b == nil {
		return
	}
	for {
		t := b.tokens.Load()
		if t >= b.capacity {
			return
		}
		if b.tokens.CompareAndSwap(t, min(t+b.perSuccess, b.capacity)) {
			return
		}
	}
}

// retryWithheldError is a call's failure whose retry the budget withheld.
type retryWithheldError struct {
	err    error
	reason string
}

func (e *retryWithheldError) Error() string {
	return e.err.Error() + " (retry withheld: " + e.reason + ")"
}

func (e *retryWithheldError) Unwrap() error { return e.err }

func (e *retryWithheldError) Is(target error) bool { return target == ErrRetryWithheld }

// toAPI reports whether the request goes to the API's origin, whose health
// the budget and the cooldown track. Requests built from a path always do.
func (c *Client) toAPI(r *request, u *url.URL) bool {
	return r.rawURL == "" || c.sameOrigin(u)
}

// earnRetry credits the budget with an attempt to the API that succeeded.
func (c *Client) earnRetry(r *request, u *url.URL, err error) {
	if err == nil && c.budget != nil && c.toAPI(r, u) {
		c.budget.earn()
	}
}

// withholdRetry takes a retry from the budget for a call about to retry
// after err, or, when the budget is spent, returns err wrapped to say the
// retry was withheld and why.
func (c *Client) withholdRetry(ctx context.Context, r *request, u *url.URL, attempt int, err error) error {
	if c.budget == nil || !c.toAPI(r, u) || c.budget.spend() {
		return nil
	}
	c.log(ctx, "mammoth: retry withheld", r, u, attempt, slog.String("reason", c.budget.reason))
	return &retryWithheldError{err: err, reason: c.budget.reason}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
