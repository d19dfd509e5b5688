package mammoth_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// While the API is down, the client-wide retry budget stops retries once
// it is spent: calls fail at once, with their own error still inside.
func ExampleRetryBudget() {
	srv, client, ref := fakeAPI(mammoth.WithRetryPolicy(mammoth.RetryPolicy{
		MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond,
		Budget: mammoth.RetryBudget{Retries: 2}, // the default is 10
	}))
	defer srv.Close()
	srv.FailFor(time.Minute, http.StatusServiceUnavailable)

	for range 3 {
		before := srv.RequestCount(mammothtest.RouteListExports)
		_, err := client.Exports.ListExports(context.Background(), ref, nil)
		var apiErr *mammoth.APIError
		fmt.Println("requests:", srv.RequestCount(mammothtest.RouteListExports)-before,
			"withheld:", errors.Is(err, mammoth.ErrRetryWithheld),
			"status:", errors.As(err, &apiErr) && apiErr.StatusCode == 503)
	}
	// Output:
	// requests: 3 withheld: true status: true
	// requests: 1 withheld: true status: true
	// requests: 1 withheld: true status: true
}

// A policy can turn the budget off, so that every call retries up to
// MaxRetries times whatever the others met.
func ExampleRetryBudget_disabled() {
	p := mammoth.DefaultRetryPolicy()
	p.Budget.Disabled = true
	p.MinBackoff, p.MaxBackoff = time.Millisecond, 10*time.Millisecond
	srv, client, ref := fakeAPI(mammoth.WithRetryPolicy(p))
	defer srv.Close()
	srv.FailFor(time.Minute, http.StatusServiceUnavailable)

	for range 12 {
		_, _ = client.Exports.ListExports(context.Background(), ref, nil)
	}
	fmt.Println("requests for 12 calls:", srv.RequestCount(mammothtest.RouteListExports))
	// Output:
	// requests for 12 calls: 48
}
