package mammoth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// cooldown is a client's shared answer to a Retry-After: while one is on,
// no call sends to the API. The zero value is off. Starting one is rare and
// checking for one is on every attempt, so it is a single atomic pointer:
// nil, the usual state, costs one load.
type cooldown struct {
	current atomic.Pointer[cooldownState]
}

// cooldownState is one cooldown, never changed once published: a longer
// one replaces it.
type cooldownState struct {
	started time.Time
	// resume is when calls may send again.
	resume time.Time
	// asked is when the API asked to be called again. It is later than
	// resume when the Retry-After was longer than MaxBackoff: the client
	// then holds its calls for MaxBackoff only, failing them at once.
	asked time.Time
	held  bool
	// status and detail are the answer that started it, for the errors of
	// held calls.
	status int
	detail string
}

// noteCooldown starts a cooldown when err is a 429 or 503 from the API
// with a Retry-After, unless one that lasts longer is on already. It
// returns the cooldown this call started, if any, else own: the call that
// got the Retry-After waits it out in its own retry's sleep, and must not
// wait for it a second time.
func (c *Client) noteCooldown(ctx context.Context, r *request, u *url.URL, attempt int, err error, own *cooldownState) *cooldownState {
	if err == nil || c.retry.NoCooldown {
		return own // the success path: no allocation for errors.As
	}
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.RetryAfter <= 0 ||
		(apiErr.StatusCode != http.StatusTooManyRequests && apiErr.StatusCode != http.StatusServiceUnavailable) ||
		!c.toAPI(r, u) {
		return own
	}
	now := time.Now()
	st := &cooldownState{
		started: now,
		resume:  now.Add(min(apiErr.RetryAfter, c.retry.MaxBackoff)),
		asked:   now.Add(apiErr.RetryAfter),
		held:    apiErr.RetryAfter > c.retry.MaxBackoff,
		status:  apiErr.StatusCode,
		detail:  apiErr.Detail,
	}
	if !st.resume.After(now) {
		return own // MaxBackoff is 0: nothing to hold
	}
	for {
		cur := c.cooldown.current.Load()
		if cur != nil && !st.resume.After(cur.resume) {
			return own // one that lasts at least as long is on
		}
		if c.cooldown.current.CompareAndSwap(cur, st) {
			break
		}
	}
	if st.held {
		c.log(ctx, "mammoth: cooldown started", r, u, attempt,
			slog.Int("status", st.status), slog.Duration("retry_after", apiErr.RetryAfter),
			slog.Duration("hold", st.resume.Sub(now)),
			slog.String("reason", "Retry-After exceeds the policy's MaxBackoff: calls to the API fail at once until the hold ends"))
	} else {
		c.log(ctx, "mammoth: cooldown started", r, u, attempt,
			slog.Int("status", st.status), slog.Duration("retry_after", apiErr.RetryAfter),
			slog.String("reason", "calls to the API wait until the Retry-After has passed"))
	}
	return st
}

// awaitCooldown lets an attempt to the API go ahead once no cooldown is
// on: it waits out a cooldown (bounded by ctx) or, while the client holds
// its calls after a Retry-After longer than MaxBackoff, fails at once. own
// is the cooldown this call started itself, which its retry's sleep has
// waited out already.
func (c *Client) awaitCooldown(ctx context.Context, r *request, u *url.URL, attempt int, own *cooldownState) error {
	for {
		st := c.cooldown.current.Load()
		if st == nil || !c.toAPI(r, u) {
			return nil
		}
		wait := time.Until(st.resume)
		if wait <= 0 {
			if c.cooldown.current.CompareAndSwap(st, nil) {
				c.log(ctx, "mammoth: cooldown ended", r, u, attempt, slog.Duration("lasted", time.Since(st.started)))
				return nil
			}
			continue // another cooldown replaced it
		}
		if st == own {
			return nil
		}
		if st.held {
			c.log(ctx, "mammoth: not sending", r, u, attempt, slog.Duration("hold", wait),
				slog.String("reason", "the client holds its calls to the API after a Retry-After longer than MaxBackoff"))
			return st.heldError(r, u)
		}
		c.log(ctx, "mammoth: waiting for cooldown", r, u, attempt, slog.Duration("wait", wait))
		if err := waitFor(ctx, wait); err != nil {
			return fmt.Errorf("mammoth: %s %s: waiting out the API's Retry-After: %w", r.method, u.Path, err)
		}
	}
}

// heldError is what a call not sent during a hold returns: the API's answer
// that started the hold, for this call's method and path, with the time
// the API still asks the client to wait.
func (st *cooldownState) heldError(r *request, u *url.URL) error {
	left := time.Until(st.asked)
	if left < time.Millisecond {
		left = time.Millisecond
	}
	apiErr := &APIError{
		StatusCode: st.status, Detail: st.detail, Method: r.method, Path: u.Path,
		RetryAfter: left.Truncate(time.Millisecond),
	}
	return fmt.Errorf("%w; not sent: the API asked this client to wait longer than its MaxBackoff, so it holds its calls for %s",
		apiErr, st.resume.Sub(st.started).Round(time.Millisecond))
}

// waitFor sleeps for d or until ctx is done. A cooldown waits with it
// directly, in real time even when tests replace the client's sleep: its
// end is a moment on the clock that other calls share.
func waitFor(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
