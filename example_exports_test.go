package mammoth_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/mammoth-io/mammoth-go"
)

// addS3 adds an S3 export that does not run, for the examples that change
// one, and returns its id.
func addS3(client *mammoth.Client, ref mammoth.DataviewRef, file string) int {
	ctx := context.Background()
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: file, RunImmediately: mammoth.Ptr(false)})
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Jobs.WaitForJob(ctx, change.Job.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	if id, ok := job.TriggerID(); ok {
		return id
	}
	// The add's job does not name the export when it did not run it: find
	// it by its file name, unique in the dataview.
	id := 0
	for exp, err := range client.Exports.AllExports(ctx, ref, &mammoth.ListExportsOptions{HandlerType: mammoth.HandlerTypeS3}) {
		if err != nil {
			log.Fatal(err)
		}
		if exp.TargetProperties["file"] == file && *exp.ID > id {
			id = *exp.ID
		}
	}
	return id
}

func ExampleExportsService_GetExport() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	id := addS3(client, ref, "orders.csv")

	exp, err := client.Exports.GetExport(context.Background(), ref, id, &mammoth.GetExportOptions{Fields: mammoth.FieldsFull})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(*exp.ID, exp.HandlerType, exp.TriggerType, exp.Status, exp.TargetProperties["file"])
	// Output:
	// 101 s3 none added orders.csv
}

func ExampleExportsService_CreateInternalDatasetExport() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()

	change, err := client.Exports.CreateInternalDatasetExport(ctx, ref, &mammoth.InternalDatasetExportRequest{
		DatasetName: "Orders by region",
	})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := client.Jobs.WaitForJob(ctx, change.Job.ID, nil); err != nil {
		log.Fatal(err)
	}
	exp := srv.Exports(ref)[0]
	fmt.Println(exp.HandlerType, exp.Status, exp.TargetProperties["DS_NAME"], exp.TargetProperties["TARGET_DS_ID"])
	// Output:
	// internal_dataset executed Orders by region 9001
}

func ExampleExportsService_EditExport() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	id := addS3(client, ref, "orders.csv")

	// Replace the configuration: the same export, now written as Parquet
	// every time the pipeline runs.
	spec := &mammoth.AddExportSpec{
		HandlerType:      mammoth.HandlerTypeS3,
		TriggerType:      mammoth.TriggerTypePipeline,
		TargetProperties: mammoth.S3TargetProperties{File: "orders.parquet", FileType: mammoth.ExportFileTypeParquet},
	}
	change, err := client.Exports.EditExport(context.Background(), ref, id, []mammoth.PatchOp{
		{Op: mammoth.PatchOperationReplace, Path: mammoth.PatchPathParams, Value: spec},
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(change.Modification.TriggerID, change.Modification.Status)
	exp, _ := srv.Export(ref, id)
	fmt.Println(exp.TriggerType, exp.TargetProperties["file"])
	// Output:
	// 101 edited
	// pipeline orders.parquet
}

func ExampleExportsService_RunExport() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()
	id := addS3(client, ref, "orders.csv")

	change, err := client.Exports.RunExport(ctx, ref, id)
	if err != nil {
		log.Fatal(err)
	}
	jobID, _ := change.JobID()
	job, err := client.Jobs.WaitForJob(ctx, jobID, nil)
	if err != nil {
		log.Fatal(err)
	}
	ran, _ := job.TriggerID()
	exp, _ := srv.Export(ref, id)
	fmt.Println(job.Status, ran == id, exp.Status)
	// Output:
	// success true executed
}

func ExampleExportsService_SuspendExport() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()
	id := addS3(client, ref, "orders.csv")

	if _, err := client.Exports.SuspendExport(ctx, ref, id); err != nil {
		log.Fatal(err)
	}
	exp, _ := srv.Export(ref, id)
	fmt.Println(exp.Status)

	// A suspended export refuses to run.
	_, err := client.Exports.RunExport(ctx, ref, id)
	fmt.Println(err != nil)
	// Output:
	// suspended
	// true
}

func ExampleExportsService_RestoreExport() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()
	id := addS3(client, ref, "orders.csv")

	if _, err := client.Exports.SuspendExport(ctx, ref, id); err != nil {
		log.Fatal(err)
	}
	if _, err := client.Exports.RestoreExport(ctx, ref, id); err != nil {
		log.Fatal(err)
	}
	exp, _ := srv.Export(ref, id)
	fmt.Println(exp.Status)
	// Output:
	// added
}

func ExampleExportsService_DeleteExport() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	id := addS3(client, ref, "orders.csv")

	change, err := client.Exports.DeleteExport(context.Background(), ref, id, nil)
	if err != nil {
		log.Fatal(err)
	}
	deleted, _ := change.ExportID()
	fmt.Println(deleted, change.Modification.Status, len(srv.Exports(ref)))
	// Output:
	// 101 deleted 0
}

func ExampleExportsService_PublishToDB() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()

	pub, err := client.Exports.PublishToDB(ctx, ref, &mammoth.PublishToDBRequest{OdbcType: mammoth.OdbcTypePostgres, Table: "orders"})
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Jobs.WaitForJob(ctx, *pub.JobID, nil)
	if err != nil {
		log.Fatal(err)
	}
	where, _ := srv.Publication(ref)
	fmt.Println(job.Operation, job.Status, where.OdbcType, where.Table)
	// Output:
	// publish_to_db success postgres orders
}

func ExampleExportsService_UpdatePublishToDB() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()
	if _, err := client.Exports.PublishToDB(ctx, ref, &mammoth.PublishToDBRequest{OdbcType: mammoth.OdbcTypePostgres, Table: "orders"}); err != nil {
		log.Fatal(err)
	}

	pub, err := client.Exports.UpdatePublishToDB(ctx, ref, mammoth.OdbcTypeBigQuery)
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Jobs.WaitForJob(ctx, *pub.JobID, nil)
	if err != nil {
		log.Fatal(err)
	}
	where, _ := srv.Publication(ref)
	fmt.Println(job.Operation, job.Status, where.OdbcType, where.Table)
	// Output:
	// update_publish_to_db success bigquery orders
}

func ExampleExportsService_Format() {
	client, err := mammoth.NewClient("my-api-key", "my-api-secret")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%v %+v\n", client.Exports, client.Exports)
	// Output:
	// mammoth.ExportsService mammoth.ExportsService
}

// An add answered 202 names no export; its finished job does, for an S3
// export.
func ExampleExportChange_ExportID() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()

	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "orders.csv"})
	if err != nil {
		log.Fatal(err)
	}
	_, ok := change.ExportID()
	fmt.Println("in the add's answer:", ok)

	job, err := client.Jobs.WaitForJob(ctx, change.Job.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	id, ok := job.TriggerID()
	fmt.Println("in the finished job:", id, ok)
	// Output:
	// in the add's answer: false
	// in the finished job: 101 true
}

func ExampleJob_TriggerID() {
	srv, client, ref := fakeAPI(mammoth.WithPollInterval(time.Millisecond))
	defer srv.Close()
	ctx := context.Background()
	id := addS3(client, ref, "orders.csv")

	change, err := client.Exports.RunExport(ctx, ref, id)
	if err != nil {
		log.Fatal(err)
	}
	job, err := client.Jobs.WaitForJob(ctx, change.Job.ID, nil)
	if err != nil {
		log.Fatal(err)
	}
	ran, ok := job.TriggerID()
	fmt.Println(ran, ok)
	// Output:
	// 101 true
}
