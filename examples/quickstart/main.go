// Command quickstart shows the life of a dataview export with the mammoth
// SDK: create an S3 export, wait for its job, list the pipeline's exports,
// suspend, restore and run one, download the dataview as CSV, and clean up.
//
// With MAMMOTH_API_KEY and MAMMOTH_API_SECRET set it talks to the real API
// about the dataview named by the flags (or MAMMOTH_WORKSPACE_ID,
// MAMMOTH_PROJECT_ID, MAMMOTH_DATASET_ID and MAMMOTH_DATAVIEW_ID). Without
// them it starts an in-process fake of the API and runs the same flow on it:
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

func main() {
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		log.Fatalf("quickstart: %v", err)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	ref := mammoth.DataviewRef{
		WorkspaceID: envInt("MAMMOTH_WORKSPACE_ID", 1),
		ProjectID:   envInt("MAMMOTH_PROJECT_ID", 1),
		DatasetID:   envInt("MAMMOTH_DATASET_ID", 1),
		DataviewID:  envInt("MAMMOTH_DATAVIEW_ID", 1),
	}
	fs.IntVar(&ref.WorkspaceID, "workspace", ref.WorkspaceID, "workspace id")
	fs.IntVar(&ref.ProjectID, "project", ref.ProjectID, "project id")
	fs.IntVar(&ref.DatasetID, "dataset", ref.DatasetID, "dataset id")
	fs.IntVar(&ref.DataviewID, "dataview", ref.DataviewID, "dataview id")
	if err := fs.Parse(args); err != nil {
		return err
	}

	client, err := mammoth.NewClientFromEnv()
	if errors.As(err, new(*mammoth.ValidationError)) && os.Getenv("MAMMOTH_API_KEY") == "" {
		srv := mammothtest.NewServer()
		defer srv.Close()
		srv.AddDataview(ref)
		fmt.Fprintf(out, "No MAMMOTH_API_KEY: running against an in-process fake API at %s\n\n", srv.URL())
		client, err = mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	}
	if err != nil {
		return err
	}
	return lifecycle(ctx, client, ref, out)
}

func lifecycle(ctx context.Context, client *mammoth.Client, ref mammoth.DataviewRef, out io.Writer) error {
	// 1. Create an S3 export. The API answers 202 with the job that adds it.
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "quickstart.csv"})
	if err != nil {
		return fmt.Errorf("creating the export: %w", err)
	}
	jobID, ok := change.JobID()
	if !ok {
		return errors.New("the export was not added (the API answered without a job)")
	}
	fmt.Fprintf(out, "Created an S3 export; job %d is adding it.\n", jobID)

	// 2. Wait for the job.
	job, err := client.Jobs.WaitForJob(ctx, jobID, &mammoth.WaitOptions{PollInterval: 500 * time.Millisecond, Timeout: 5 * time.Minute})
	var failed *mammoth.JobFailedError
	if errors.As(err, &failed) {
		return fmt.Errorf("the export's job failed: %s", failed.Reason)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Job %d: %s\n\n", job.ID, job.Status)

	// 3. Every export of the dataview, page by page.
	var exportID int
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tHANDLER\tTRIGGER\tSTATUS\tFILE")
	for exp, err := range client.Exports.AllExports(ctx, ref, nil) {
		if err != nil {
			return fmt.Errorf("listing exports: %w", err)
		}
		file, _ := exp.TargetProperties["file"].(string)
		if file == "quickstart.csv" && exp.ID != nil {
			exportID = *exp.ID
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", deref(exp.ID), exp.HandlerType, exp.TriggerType, exp.Status, file)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if exportID == 0 {
		return errors.New("the new export is not in the list")
	}

	// 4. Suspend it, then restore it.
	for _, step := range []struct {
		name string
		do   func(context.Context, mammoth.DataviewRef, int) (*mammoth.ExportChange, error)
	}{{"Suspended", client.Exports.SuspendExport}, {"Restored", client.Exports.RestoreExport}} {
		if _, err := step.do(ctx, ref, exportID); err != nil {
			return fmt.Errorf("%s: %w", strings.ToLower(step.name), err)
		}
		exp, err := client.Exports.GetExport(ctx, ref, exportID, nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\n%s export %d: status %s", step.name, exportID, exp.Status)
	}

	// 5. Run it again now: a job carries the run out.
	run, err := client.Exports.RunExport(ctx, ref, exportID)
	if err != nil {
		return fmt.Errorf("running: %w", err)
	}
	if runJob, ok := run.JobID(); ok {
		if _, err := client.Jobs.WaitForJob(ctx, runJob, &mammoth.WaitOptions{PollInterval: 500 * time.Millisecond}); err != nil {
			return fmt.Errorf("running: %w", err)
		}
	}
	exp, err := client.Exports.GetExport(ctx, ref, exportID, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "\nRan export %d: status %s\n", exportID, exp.Status)

	// 6. Download the dataview as CSV (a temporary export, removed after).
	var csv strings.Builder
	n, err := client.Exports.DownloadCSV(ctx, ref, &csv, &mammoth.DownloadCSVOptions{Wait: &mammoth.WaitOptions{PollInterval: 500 * time.Millisecond}})
	if err != nil {
		return fmt.Errorf("downloading: %w", err)
	}
	fmt.Fprintf(out, "\nDownloaded %d bytes of CSV:\n%s", n, firstLines(csv.String(), 4))

	// 7. Delete the export created in step 1.
	if _, err := client.Exports.DeleteExport(ctx, ref, exportID, nil); err != nil {
		return fmt.Errorf("deleting: %w", err)
	}
	fmt.Fprintf(out, "\nDeleted export %d.\n", exportID)
	return nil
}

func firstLines(s string, n int) string {
	lines := strings.SplitAfter(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…\n")
	}
	return strings.TrimSuffix(strings.Join(lines, ""), "\n") + "\n"
}

func deref(p *int) int {
	if p == nil {
		return 0
	}
	return *p
}

func envInt(name string, fallback int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return fallback
}
