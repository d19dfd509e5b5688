package mammothtest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// Test code that downloads a dataview against the fake server: point the
// client at srv.URL() with the server's credentials, give the dataview some
// data, and check what the code did.
func Example() {
	srv := mammothtest.NewServer()
	defer srv.Close()

	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	srv.SetCSV(ref, []byte("city,sales\nOslo,12\nLima,7\n"))

	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}

	// The code under test.
	var csv bytes.Buffer
	wait := &mammoth.WaitOptions{PollInterval: time.Millisecond}
	if _, err := client.Exports.DownloadCSV(context.Background(), ref, &csv, &mammoth.DownloadCSVOptions{Wait: wait}); err != nil {
		log.Fatal(err)
	}

	fmt.Print(csv.String())
	fmt.Println("exports left behind:", len(srv.Exports(ref)))
	fmt.Println("credentials sent to the file host:", srv.DownloadCredentialLeaks())
	// Output:
	// city,sales
	// Oslo,12
	// Lima,7
	// exports left behind: 0
	// credentials sent to the file host: 0
}

// Seed many exports at once, then read them through the API.
func ExampleServer_SeedExports() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}

	exports := make([]mammoth.ItemExportInfo, 250)
	for i := range exports {
		exports[i].HandlerType = mammoth.HandlerTypeS3
		exports[i].Status = mammoth.ExportStatusExecuted
	}
	exports[42].Status = mammoth.ExportStatusSuspended
	srv.SeedExports(ref, exports...)

	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	opts := &mammoth.ListExportsOptions{Status: mammoth.ExportStatusSuspended}
	for exp, err := range client.Exports.AllExports(context.Background(), ref, opts) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("suspended:", exp.Status, exp.HandlerType)
	}
	fmt.Println("list requests:", srv.RequestCount(mammothtest.RouteListExports))
	// Output:
	// suspended: suspended s3
	// list requests: 1
}

// Make the API flaky and check that the code under test copes.
func ExampleServer_InjectFault() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)

	// The next two lists fail with 503; the third succeeds.
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 503, Count: 2})

	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(),
		mammoth.WithBaseURL(srv.URL()),
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}))
	if err != nil {
		log.Fatal(err)
	}
	page, err := client.Exports.ListExports(context.Background(), ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("exports:", len(page.Exports))
	fmt.Println("attempts:", srv.RequestCount(mammothtest.RouteListExports))
	// Output:
	// exports: 0
	// attempts: 3
}

// Make jobs fail and check the reason the code under test reports.
func ExampleServer_FailJobs() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	srv.FailJobs("target bucket is gone")

	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "sales.csv"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Jobs.WaitForJob(ctx, change.Job.ID, &mammoth.WaitOptions{PollInterval: time.Millisecond})

	var failed *mammoth.JobFailedError
	if errors.As(err, &failed) {
		fmt.Println(failed.Status, failed.Reason)
	}
	fmt.Println("export status:", srv.Exports(ref)[0].Status)
	// Output:
	// failure target bucket is gone
	// export status: added
}
