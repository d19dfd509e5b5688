package mammothtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// windowsAPI starts a server with one dataview and a client of it that
// does not retry, so that each call shows one answer.
func windowsAPI() (*mammothtest.Server, *mammoth.Client, mammoth.DataviewRef) {
	srv := mammothtest.NewServer()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()), mammoth.WithMaxRetries(0))
	if err != nil {
		log.Fatal(err)
	}
	return srv, client, ref
}

// Simulate an outage: every request fails for a while, then the API is
// back.
func ExampleServer_FailFor() {
	srv, client, ref := windowsAPI()
	defer srv.Close()

	// Two seconds: long enough for the first call to land in the window
	// even on a busy machine.
	srv.FailFor(2*time.Second, http.StatusServiceUnavailable)
	_, err := client.Exports.ListExports(context.Background(), ref, nil)
	fmt.Println(err)

	for err != nil { // until the window closes
		time.Sleep(50 * time.Millisecond)
		_, err = client.Exports.ListExports(context.Background(), ref, nil)
	}
	fmt.Println("after the outage:", err)
	// Output:
	// mammoth: GET /api/v2/workspaces/1/projects/2/datasets/3/dataviews/4/pipeline/exports: 503 Service Unavailable
	// after the outage: <nil>
}

// Rate limit every request. A Retry-After longer than the client's
// MaxBackoff (8s by default) makes the client hold its other calls: they
// return at once, without a request, saying how long the API asks for.
func ExampleServer_RateLimitFor() {
	srv, client, ref := windowsAPI()
	defer srv.Close()

	srv.RateLimitFor(time.Minute, "30")
	_, err := client.Exports.ListExports(context.Background(), ref, nil)
	fmt.Println(err)
	_, err = client.Jobs.GetJob(context.Background(), 5001)
	var apiErr *mammoth.APIError
	fmt.Println("rate limited:", errors.Is(err, mammoth.ErrRateLimited), errors.As(err, &apiErr) && apiErr.RetryAfter > 25*time.Second)
	fmt.Println("requests:", len(srv.Requests()))
	// Output:
	// mammoth: GET /api/v2/workspaces/1/projects/2/datasets/3/dataviews/4/pipeline/exports: 429 Too Many Requests (retry after 30s)
	// rate limited: true true
	// requests: 1
}

// Fail one route only, for a window of time.
func ExampleServer_InjectFaultFor() {
	srv, client, ref := windowsAPI()
	defer srv.Close()

	srv.InjectFaultFor(time.Minute, mammothtest.Fault{Route: mammothtest.RouteGetJob, Status: http.StatusBadGateway})
	_, err := client.Jobs.GetJob(context.Background(), 5001)
	fmt.Println(err)
	_, err = client.Exports.ListExports(context.Background(), ref, nil)
	fmt.Println("listing:", err)
	// Output:
	// mammoth: GET /api/v2/jobs/5001: 502 Bad Gateway
	// listing: <nil>
}
