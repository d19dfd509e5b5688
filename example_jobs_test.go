package mammoth_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

func ExampleJobsService_GetJob() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}

	// One look at the job, without waiting: the fake answers "processing"
	// to the first poll and the outcome to the next.
	for range 2 {
		job, err := client.Jobs.GetJob(ctx, change.Job.ID)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(job.ID, job.Operation, job.Status)
	}
	// Output:
	// 5001 add_export processing
	// 5001 add_export success
}

func ExampleJobsService_GetJobs() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	var ids []int
	for _, file := range []string{"a.csv", "b.csv", "c.csv"} {
		change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: file})
		if err != nil {
			log.Fatal(err)
		}
		ids = append(ids, change.Job.ID)
	}
	srv.CompleteJobs()

	jobs, err := client.Jobs.GetJobs(ctx, ids)
	if err != nil {
		log.Fatal(err)
	}
	for _, job := range jobs {
		fmt.Println(job.ID, job.Status)
	}
	// Output:
	// 5001 success
	// 5002 success
	// 5003 success
}

func ExampleJobsService_Format() {
	client, err := mammoth.NewClient("my-api-key", "my-api-secret")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v %#v\n", client.Jobs, client.Jobs)
	// Output:
	// mammoth.JobsService mammoth.JobsService
}

// Every wait of a client starts from its poll interval. A millisecond suits
// a fake; against the real API the default of 100ms is the right start.
func ExampleWithPollInterval() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Jobs.WaitForJob(ctx, change.Job.ID, nil) // polls after 0 and 1ms
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(job.Status, "after", srv.RequestCount(mammothtest.RouteGetJob), "polls")
	// Output:
	// success after 2 polls
}

func ExampleNewClientFromEnv() {
	// Set in the environment of the process; here by hand.
	for k, v := range map[string]string{
		"MAMMOTH_API_KEY":      "my-api-key",
		"MAMMOTH_API_SECRET":   "my-api-secret",
		"MAMMOTH_BASE_URL":     "https://eu.mammoth.io",
		"MAMMOTH_WORKSPACE_ID": "4",
	} {
		os.Setenv(k, v)
		defer os.Unsetenv(k)
	}
	client, err := mammoth.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())

	os.Setenv("MAMMOTH_WORKSPACE_ID", "four")
	_, err = mammoth.NewClientFromEnv()
	fmt.Println(err)
	// Output:
	// https://eu.mammoth.io/api/v2
	// mammoth: invalid MAMMOTH_WORKSPACE_ID: must be a positive integer, not "four"
}

func ExampleClient_BaseURL() {
	client, err := mammoth.NewClient("my-api-key", "my-api-secret", mammoth.WithBaseURL("https://eu.mammoth.io/"))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	// Output:
	// https://eu.mammoth.io/api/v2
}

func ExampleClient_CloseIdleConnections() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	if _, err := client.Exports.ListExports(context.Background(), ref, nil); err != nil {
		log.Fatal(err)
	}
	// Before a long pause, let the connection go; the next call opens one.
	client.CloseIdleConnections()
	page, err := client.Exports.ListExports(context.Background(), ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(page.Exports), "exports")
	// Output:
	// 0 exports
}

func ExampleClient_Format() {
	client, err := mammoth.NewClient("mk_live_0123456789", "ms_live_secret")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v\n%+v\n", client, client)
	// Output:
	// mammoth.Client{BaseURL: "https://app.mammoth.io/api/v2", APIKey: "mk_l…[REDACTED]", APISecret: "[REDACTED]"}
	// mammoth.Client{BaseURL: "https://app.mammoth.io/api/v2", APIKey: "mk_l…[REDACTED]", APISecret: "[REDACTED]"}
}
