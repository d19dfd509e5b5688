package mammoth_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// fakeAPI starts the in-memory fake API with one dataview and a client of
// it, configured further by opts, so that the examples and tests run
// anywhere. Real code passes its own credentials and leaves the base URL at
// its default.
func fakeAPI(opts ...mammoth.Option) (*mammothtest.Server, *mammoth.Client, mammoth.DataviewRef) {
	srv := mammothtest.NewServer()
	ref := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
	srv.AddDataview(ref)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), append([]mammoth.Option{mammoth.WithBaseURL(srv.URL())}, opts...)...)
	if err != nil {
		log.Fatal(err)
	}
	return srv, client, ref
}

var quickWait = &mammoth.WaitOptions{PollInterval: 10 * time.Millisecond}

func ExampleNewClient() {
	client, err := mammoth.NewClient("my-api-key", "my-api-secret",
		mammoth.WithUserAgent("billing-sync/2.1"),
		mammoth.WithTimeout(10*time.Second),
		mammoth.WithMaxRetries(5),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	fmt.Println(client) // never shows the secret

	_, err = mammoth.NewClient("my-api-key", "")
	var invalid *mammoth.ValidationError
	fmt.Println(errors.As(err, &invalid), invalid.Field)
	// Output:
	// https://app.mammoth.io/api/v2
	// mammoth.Client{BaseURL: "https://app.mammoth.io/api/v2", APIKey: "my-a…[REDACTED]", APISecret: "[REDACTED]"}
	// true API secret
}

func ExampleExportsService_ListExports() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	for _, file := range []string{"daily.csv", "weekly.csv"} {
		if _, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: file, RunImmediately: mammoth.Ptr(false)}); err != nil {
			log.Fatal(err)
		}
	}

	page, err := client.Exports.ListExports(ctx, ref, &mammoth.ListExportsOptions{
		HandlerType: mammoth.HandlerTypeS3,
		Sort:        "(id:desc)",
		Limit:       mammoth.Ptr(10),
	})
	if errors.Is(err, mammoth.ErrNotFound) {
		log.Fatal("no such dataview")
	}
	if err != nil {
		log.Fatal(err)
	}
	for _, exp := range page.Exports {
		fmt.Println(*exp.ID, exp.HandlerType, exp.Status, exp.TargetProperties["file"])
	}
	// Output:
	// 102 s3 added weekly.csv
	// 101 s3 added daily.csv
}

func ExampleExportsService_AllExports() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()
	for i := range 120 {
		file := fmt.Sprintf("part-%03d.csv", i)
		if _, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: file, RunImmediately: mammoth.Ptr(false)}); err != nil {
			log.Fatal(err)
		}
	}

	// Pages of 50 are fetched as the loop goes; breaking out stops them.
	count := 0
	for exp, err := range client.Exports.AllExports(ctx, ref, nil) {
		if err != nil {
			log.Fatal(err)
		}
		if exp.Status == mammoth.ExportStatusAdded {
			count++
		}
	}
	fmt.Println(count, "exports")
	// Output:
	// 120 exports
}

func ExampleExportsService_AddExport() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()

	change, err := client.Exports.AddExport(ctx, ref, &mammoth.AddExportSpec{
		HandlerType: mammoth.HandlerTypeInternalDataset,
		TriggerType: mammoth.TriggerTypePipeline,
		TargetProperties: mammoth.InternalDatasetTargetProperties{
			DatasetName:   "Orders (cleaned)",
			ColumnMapping: map[string]string{"Order ID": "order_id"},
		},
		RunImmediately: true,
	})
	if err != nil {
		log.Fatal(err)
	}
	switch {
	case change.Job != nil: // 202: the export is being added
		job, err := client.Jobs.WaitForJob(ctx, change.Job.ID, quickWait)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("job", job.Status)
	case change.Modification != nil: // 201: not added, or added as a draft
		fmt.Println("not added:", change.Modification.Status)
	}
	exports := srv.Exports(ref)
	fmt.Println(exports[0].HandlerType, exports[0].Status, exports[0].TargetProperties["DS_NAME"])
	// Output:
	// job success
	// internal_dataset executed Orders (cleaned)
}

func ExampleExportsService_CreateS3Export() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx := context.Background()

	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{
		File:     "orders.parquet",
		FileType: mammoth.ExportFileTypeParquet,
	})
	if err != nil {
		log.Fatal(err)
	}
	jobID, _ := change.JobID()
	job, err := client.Jobs.WaitForJob(ctx, jobID, quickWait)
	if err != nil {
		log.Fatal(err)
	}
	result, _ := job.ResponseObject()
	fmt.Println(job.Status, strings.HasPrefix(result["url"].(string), "http"))
	// Output:
	// success true
}

func ExampleJobsService_WaitForJob() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	srv.FailJobs("the S3 bucket refused the upload")
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	_, err = client.Jobs.WaitForJob(ctx, change.Job.ID, quickWait)
	var failed *mammoth.JobFailedError
	if errors.As(err, &failed) {
		fmt.Println(failed.Status+":", failed.Reason)
	}
	// Output:
	// failure: the S3 bucket refused the upload
}

func ExampleExportsService_DownloadCSV() {
	srv, client, ref := fakeAPI()
	defer srv.Close()
	srv.SetCSV(ref, []byte("id,amount\n1,10\n2,20\n"))

	n, err := client.Exports.DownloadCSV(context.Background(), ref, os.Stdout, &mammoth.DownloadCSVOptions{Wait: quickWait})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(n, "bytes; exports left:", len(srv.Exports(ref)))
	// Output:
	// id,amount
	// 1,10
	// 2,20
	// 20 bytes; exports left: 0
}
