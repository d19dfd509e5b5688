package mammoth

import (
	"context"
	"errors"
	"log/slog"
	"net/url"
	"time"
)

func (c *Client) logAttempt(ctx context.Context, r *request, u *url.URL, attempt int, resp *response, err error, took time.Duration) {
	if c.logger == nil {
		return
	}
	attrs := []slog.Attr{slog.Duration("duration", took)}
	var apiErr *APIError
	switch {
	case resp != nil:
		attrs = append(attrs, slog.Int("status", resp.StatusCode))
	case errors.As(err, &apiErr):
		attrs = append(attrs, slog.Int("status", apiErr.StatusCode))
	case err != nil:
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	c.logWith(ctx, "mammoth: request", r, u, attempt, attrs...)
}

func (c *Client) log(ctx context.Context, msg string, r *request, u *url.URL, attempt int, attrs ...slog.Attr) {
	if c.logger == nil {
		return
	}
	c.logWith(ctx, msg, r, u, attempt, attrs...)
}

func (c *Client) logWith(ctx context.Context, msg string, r *request, u *url.URL, attempt int, attrs ...slog.Attr) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	base := []slog.Attr{
		slog.String("op", r.op),
		slog.String("method", r.method),
		slog.String("path", c.shownPath(r, u)),
		slog.Int("attempt", attempt),
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, msg, append(base, attrs...)...)
}
