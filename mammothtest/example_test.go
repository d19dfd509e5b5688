package mammothtest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"strings"
	"sync/atomic"
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

// exampleRef is the dataview of the examples below.
var exampleRef = mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}

// addExport adds an S3 export that does not run and returns the add's job
// id.
func addExport(client *mammoth.Client, file string) int {
	change, err := client.Exports.CreateS3Export(context.Background(), exampleRef,
		&mammoth.S3ExportRequest{File: file, RunImmediately: mammoth.Ptr(false)})
	if err != nil {
		log.Fatal(err)
	}
	return change.Job.ID
}

func ExampleNewServer() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)

	page, err := srv.Client().Exports.ListExports(context.Background(), exampleRef, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Exports), "exports")
	// Output:
	// 0 exports
}

// Server.Client is the quick way to a client of the fake: its credentials,
// fast polls and short retry waits. Options given to it come last.
func ExampleServer_Client() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteAddExport, Status: 429})

	client := srv.Client(mammoth.WithUserAgent("billing-sync/2.1"))
	jobID := addExport(client, "orders.csv") // a 429, retried within milliseconds
	job, err := client.Jobs.WaitForJob(context.Background(), jobID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Status)
	fmt.Println("adds:", srv.RequestCount(mammothtest.RouteAddExport))
	fmt.Println(srv.Requests()[0].Header.Get("User-Agent"))
	// Output:
	// success
	// adds: 2
	// billing-sync/2.1 mammoth-go/0.2.0
}

func ExampleWithCredentials() {
	srv := mammothtest.NewServer(mammothtest.WithCredentials("mk_test_key", "ms_test_secret"))
	defer srv.Close()
	srv.AddDataview(exampleRef)

	wrong, err := mammoth.NewClient("mk_test_key", "not-the-secret", mammoth.WithBaseURL(srv.URL()))
	if err != nil {
		log.Fatal(err)
	}
	_, err = wrong.Exports.ListExports(context.Background(), exampleRef, nil)
	fmt.Println(srv.APIKey(), errors.Is(err, mammoth.ErrUnauthorized))
	// Output:
	// mk_test_key true
}

func ExampleWithJobPolls() {
	srv := mammothtest.NewServer(mammothtest.WithJobPolls(2))
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	jobID := addExport(client, "orders.csv")

	for range 3 {
		job, err := client.Jobs.GetJob(context.Background(), jobID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(job.Status)
	}
	// Output:
	// processing
	// processing
	// success
}

// Jobs that take time: here on a clock the example moves, so that nothing
// waits; by default on the wall clock.
func ExampleWithJobDuration() {
	start := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	var elapsed atomic.Int64 // the server reads the clock on its own goroutines
	srv := mammothtest.NewServer(
		mammothtest.WithJobDuration(30*time.Second),
		mammothtest.WithClock(func() time.Time { return start.Add(time.Duration(elapsed.Load())) }),
	)
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	jobID := addExport(client, "orders.csv")

	for _, step := range []time.Duration{0, 29 * time.Second, time.Second} {
		elapsed.Add(int64(step))
		job, err := client.Jobs.GetJob(context.Background(), jobID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(job.Status)
	}
	// Output:
	// processing
	// processing
	// success
}

func ExampleWithNextLink() {
	srv := mammothtest.NewServer(mammothtest.WithNextLink(mammothtest.NextLinkRelative))
	defer srv.Close()
	srv.SeedExports(exampleRef, make([]mammoth.ItemExportInfo, 3)...)

	page, err := srv.Client().Exports.ListExports(context.Background(), exampleRef, &mammoth.ListExportsOptions{Limit: mammoth.Ptr(2)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.Next)
	// Output:
	// api/v2/workspaces/1/projects/2/datasets/3/dataviews/4/pipeline/exports?limit=2&offset=2
}

func ExampleWithAddMode() {
	srv := mammothtest.NewServer(mammothtest.WithAddMode(mammothtest.AddAsDraft))
	defer srv.Close()
	srv.AddDataview(exampleRef)

	change, err := srv.Client().Exports.CreateS3Export(context.Background(), exampleRef, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	id, _ := change.ExportID()
	_, hasJob := change.JobID()
	fmt.Println(id, change.Modification.Status, hasJob)
	// Output:
	// 101 added false
}

func ExampleWithClock() {
	at := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	srv := mammothtest.NewServer(mammothtest.WithClock(func() time.Time { return at }))
	defer srv.Close()
	srv.AddDataview(exampleRef)
	addExport(srv.Client(), "orders.csv")

	fmt.Println(srv.Jobs()[0].CreatedAt.Format(time.RFC3339))
	// Output:
	// 2026-03-01T09:30:00Z
}

func ExampleWithRequestLogSize() {
	srv := mammothtest.NewServer(mammothtest.WithRequestLogSize(2))
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	for range 3 {
		if _, err := client.Exports.ListExports(context.Background(), exampleRef, nil); err != nil {
			log.Fatal(err)
		}
	}
	fmt.Println(len(srv.Requests()), "kept of", srv.RequestCount(mammothtest.RouteListExports))
	// Output:
	// 2 kept of 3
}

func ExampleServer_URL() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	// Any client of the API can use the fake: a base URL and two headers.
	fmt.Println(strings.HasPrefix(srv.URL(), "http://127.0.0.1:"), strings.HasSuffix(srv.URL(), "/api/v2"))
	// Output:
	// true true
}

func ExampleServer_FileURL() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	change, err := client.Exports.CreateS3Export(context.Background(), exampleRef, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Jobs.WaitForJob(context.Background(), change.Job.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	resp, _ := job.ResponseObject()
	// The job's link points to the file listener, another host than the API.
	fmt.Println(strings.HasPrefix(resp["url"].(string), srv.FileURL()), srv.FileURL() != srv.URL())
	// Output:
	// true true
}

func ExampleServer_APIKey() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	fmt.Println(strings.HasPrefix(srv.APIKey(), "mk_test_"))
	// Output:
	// true
}

func ExampleServer_APISecret() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	fmt.Println(strings.HasPrefix(srv.APISecret(), "ms_test_"))
	// Output:
	// true
}

func ExampleServer_Close() {
	srv := mammothtest.NewServer()
	srv.AddDataview(exampleRef)
	client := srv.Client(mammoth.WithMaxRetries(0))
	srv.Close()
	srv.Close() // closing twice is fine

	_, err := client.Exports.ListExports(context.Background(), exampleRef, nil)
	fmt.Println(err != nil)
	// Output:
	// true
}

func ExampleServer_AddDataview() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	client := srv.Client()

	_, err := client.Exports.ListExports(context.Background(), exampleRef, nil)
	fmt.Println(errors.Is(err, mammoth.ErrNotFound))
	srv.AddDataview(exampleRef)
	_, err = client.Exports.ListExports(context.Background(), exampleRef, nil)
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}

func ExampleServer_Exports() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	addExport(client, "daily.csv")
	addExport(client, "weekly.csv")

	for _, exp := range srv.Exports(exampleRef) {
		fmt.Println(*exp.ID, exp.TargetProperties["file"], exp.Status)
	}
	// Output:
	// 101 daily.csv added
	// 102 weekly.csv added
}

func ExampleServer_Export() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ids := srv.SeedExports(exampleRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, Status: mammoth.ExportStatusSuspended})

	exp, ok := srv.Export(exampleRef, ids[0])
	fmt.Println(ok, exp.HandlerType, exp.Status)
	_, ok = srv.Export(exampleRef, 999)
	fmt.Println(ok)
	// Output:
	// true s3 suspended
	// false
}

func ExampleServer_ClearFaults() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 500})
	srv.ClearFaults()

	_, err := srv.Client().Exports.ListExports(context.Background(), exampleRef, nil)
	fmt.Println(err)
	// Output:
	// <nil>
}

func ExampleServer_Requests() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	addExport(srv.Client(), "orders.csv")

	r := srv.Requests()[0]
	fmt.Println(r.Route, r.Method, r.Path)
	fmt.Println(string(r.Body))
	// Output:
	// AddExport POST /api/v2/workspaces/1/projects/2/datasets/3/dataviews/4/pipeline/exports
	// {"DATAVIEW_ID":4,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,"handler_type":"s3","trigger_type":"none","target_properties":{"file":"orders.csv","file_type":"csv","include_hidden":false,"is_format_set":true,"use_format":true},"additional_properties":{},"condition":{},"run_immediately":false,"validate_only":false}
}

func ExampleRecordedRequest_Query() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	opts := &mammoth.ListExportsOptions{Reordered: mammoth.Ptr(true), Status: mammoth.ExportStatusExecuted}
	if _, err := srv.Client().Exports.ListExports(context.Background(), exampleRef, opts); err != nil {
		log.Fatal(err)
	}
	q := srv.Requests()[0].Query()
	fmt.Println(q.Get("reorderd"), q.Get("status"))
	// Output:
	// true executed
}

func ExampleServer_RequestCount() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	change, err := client.Exports.CreateS3Export(context.Background(), exampleRef, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Jobs.WaitForJob(context.Background(), change.Job.ID, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println("polls:", srv.RequestCount(mammothtest.RouteGetJob))
	// Output:
	// polls: 2
}

func ExampleServer_ClearRequests() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	addExport(client, "setup.csv") // the test's setup
	srv.ClearRequests()

	if _, err := client.Exports.ListExports(context.Background(), exampleRef, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(srv.Requests()), srv.RequestCount(mammothtest.RouteAddExport))
	// Output:
	// 1 0
}

// A client that sends its API credentials along to the file host is caught.
func ExampleServer_DownloadCredentialLeaks() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	change, err := client.Exports.CreateS3Export(context.Background(), exampleRef, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Jobs.WaitForJob(context.Background(), change.Job.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	resp, _ := job.ResponseObject()

	// A careless download: the API's headers on the file host's link.
	req, _ := http.NewRequest(http.MethodGet, resp["url"].(string), nil)
	req.Header.Set("X-API-KEY", srv.APIKey())
	req.Header.Set("X-API-SECRET", srv.APISecret())
	if res, err := http.DefaultClient.Do(req); err == nil {
		res.Body.Close()
	}
	fmt.Println("leaks:", srv.DownloadCredentialLeaks())
	// Output:
	// leaks: 1
}

func ExampleServer_SetCSV() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.SetCSV(exampleRef, []byte("region,sales\nWest,12\n")) // also adds the dataview

	var csv bytes.Buffer
	if _, err := srv.Client().Exports.DownloadCSV(context.Background(), exampleRef, &csv, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Print(csv.String())
	// Output:
	// region,sales
	// West,12
}

// A large file, written as it is downloaded.
func ExampleServer_SetCSVGenerator() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	const rows = 100000
	line := []byte("1,alpha,10\n")
	srv.SetCSVGenerator(exampleRef, int64(rows*len(line)), func(w io.Writer) error {
		for range rows {
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		return nil
	})

	n, err := srv.Client().Exports.DownloadCSV(context.Background(), exampleRef, io.Discard, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes")
	// Output:
	// 1100000 bytes
}

func ExampleServer_FailNextJobs() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	srv.FailNextJobs(1, mammothtest.JobFailure{Reason: "warehouse offline", Status: mammoth.JobStatusError})
	client := srv.Client()

	for _, file := range []string{"first.csv", "second.csv"} {
		_, err := client.Jobs.WaitForJob(context.Background(), addExport(client, file), nil)
		fmt.Println(file, err)
	}
	// Output:
	// first.csv mammoth: job 5001 error: warehouse offline
	// second.csv <nil>
}

func ExampleServer_FailJob() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	jobID := addExport(client, "orders.csv")

	fmt.Println(srv.FailJob(jobID, mammothtest.JobFailure{Reason: "quota exceeded", Shape: mammothtest.ReasonInFailureReason}))
	_, err := client.Jobs.WaitForJob(context.Background(), jobID, nil)
	var failed *mammoth.JobFailedError
	if errors.As(err, &failed) {
		fmt.Println(failed.Status, failed.Reason)
	}
	fmt.Println(srv.FailJob(jobID, mammothtest.JobFailure{}), "(it has finished)")
	// Output:
	// true
	// failure quota exceeded
	// false (it has finished)
}

func ExampleServer_CompleteJobs() {
	srv := mammothtest.NewServer(mammothtest.WithJobPolls(1000))
	defer srv.Close()
	srv.AddDataview(exampleRef)
	addExport(srv.Client(), "orders.csv")

	srv.CompleteJobs()
	fmt.Println(srv.Jobs()[0].Status)
	// Output:
	// success
}

func ExampleServer_Jobs() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	client := srv.Client()
	addExport(client, "orders.csv")
	if _, err := client.Exports.PublishToDB(context.Background(), exampleRef, &mammoth.PublishToDBRequest{OdbcType: mammoth.OdbcTypePostgres, Table: "orders"}); err != nil {
		log.Fatal(err)
	}

	for _, job := range srv.Jobs() {
		fmt.Println(job.ID, job.Operation, job.Status)
	}
	// Output:
	// 5001 add_export processing
	// 5002 publish_to_db processing
}

func ExampleServer_Publication() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(exampleRef)
	_, ok := srv.Publication(exampleRef)
	fmt.Println(ok)

	if _, err := srv.Client().Exports.PublishToDB(context.Background(), exampleRef, &mammoth.PublishToDBRequest{OdbcType: mammoth.OdbcTypeBigQuery, Table: "sales"}); err != nil {
		log.Fatal(err)
	}
	p, ok := srv.Publication(exampleRef)
	fmt.Println(ok, p.OdbcType, p.Table)
	// Output:
	// false
	// true bigquery sales
}
