// Command quickstart shows the life of a dataview export with the mammoth
// SDK: create an S3 export, wait for its job, list the pipeline's exports,
// suspend, restore and run one, download the dataview as CSV, and clean up.
//
// With MAMMOTH_API_KEY and MAMMOTH_API_SECRET set it talks to the real API
// about the dataview named by the flags (or MAMMOTH_WORKSPACE_ID,
// MAMMOTH_PROJECT_ID, MAMMOTH_DATASET_ID and MAMMOTH_DATAVIEW_ID), all four
// of which it then requires: it names the missing ones and exits 2. Without
// credentials it starts an in-process fake of the API and runs the same
// flow on it:
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -h
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes: 0 done (or -h), 1 the flow failed, 2 the command line or the
// environment is wrong.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// usageError is a mistake in the flags or variables: exit code 2. printed
// says the flag package has already written it, with the usage.
type usageError struct {
	msg     string
	printed bool
}

func (e *usageError) Error() string { return e.msg }

// runMain runs the command and returns its exit code, writing errors to
// stderr.
func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	err := run(ctx, args, stdout, stderr)
	var usage *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &usage):
		if !usage.printed {
			fmt.Fprintf(stderr, "quickstart: %v\nRun quickstart -h for the flags.\n", err)
		}
		return exitUsage
	}
	fmt.Fprintf(stderr, "quickstart: %v\n", err)
	return exitError
}

// idFlag is one of the dataview's ids: a flag, or the variable behind it.
type idFlag struct {
	flag, env string
	value     *int
	set       bool
}

func run(ctx context.Context, args []string, out, stderr io.Writer) error {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: quickstart [-workspace N -project N -dataset N -dataview N]

With MAMMOTH_API_KEY and MAMMOTH_API_SECRET set, runs the flow against the
real API on the dataview the four ids name (flags, or MAMMOTH_WORKSPACE_ID,
MAMMOTH_PROJECT_ID, MAMMOTH_DATASET_ID and MAMMOTH_DATAVIEW_ID); all four
are then required. Without them, runs it against an in-process fake API.

`)
		fs.PrintDefaults()
	}
	var ref mammoth.DataviewRef
	ids := []*idFlag{
		{flag: "workspace", env: "MAMMOTH_WORKSPACE_ID", value: &ref.WorkspaceID},
		{flag: "project", env: "MAMMOTH_PROJECT_ID", value: &ref.ProjectID},
		{flag: "dataset", env: "MAMMOTH_DATASET_ID", value: &ref.DatasetID},
		{flag: "dataview", env: "MAMMOTH_DATAVIEW_ID", value: &ref.DataviewID},
	}
	for _, id := range ids {
		fs.IntVar(id.value, id.flag, 0, id.flag+" id (default $"+id.env+")")
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: err.Error(), printed: true}
	}
	if fs.NArg() > 0 {
		return &usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	fs.Visit(func(f *flag.Flag) {
		for _, id := range ids {
			if id.flag == f.Name {
				id.set = true
			}
		}
	})
	for _, id := range ids {
		if id.set {
			continue
		}
		if v := os.Getenv(id.env); v != "" {
			n, err := strconv.Atoi(strings.TrimSpace(v))
			if err != nil {
				return &usageError{msg: fmt.Sprintf("%s must be an integer, not %q", id.env, v)}
			}
			*id.value, id.set = n, true
		}
	}

	if os.Getenv("MAMMOTH_API_KEY") == "" {
		// No credentials: the same flow against an in-process fake, on the
		// dataview named, or 1/2/3/4.
		for i, id := range ids {
			if !id.set {
				*id.value = i + 1
			}
		}
		srv := mammothtest.NewServer()
		defer srv.Close()
		srv.AddDataview(ref)
		fmt.Fprintf(out, "No MAMMOTH_API_KEY: running against an in-process fake API at %s\n\n", srv.URL())
		return lifecycle(ctx, srv.Client(), ref, out)
	}

	var missing []string
	for _, id := range ids {
		if !id.set {
			missing = append(missing, "-"+id.flag+" (or "+id.env+")")
		}
	}
	if len(missing) > 0 {
		return &usageError{msg: "MAMMOTH_API_KEY is set, so the real API is used, and it needs the dataview's ids; missing: " + strings.Join(missing, ", ")}
	}
	client, err := mammoth.NewClientFromEnv()
	if err != nil {
		var ve *mammoth.ValidationError
		if errors.As(err, &ve) {
			return &usageError{msg: err.Error()}
		}
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
	job, err := client.Jobs.WaitForJob(ctx, jobID, &mammoth.WaitOptions{Timeout: 5 * time.Minute})
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
		if _, err := client.Jobs.WaitForJob(ctx, runJob, &mammoth.WaitOptions{Timeout: 5 * time.Minute}); err != nil {
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
	n, err := client.Exports.DownloadCSV(ctx, ref, &csv, &mammoth.DownloadCSVOptions{Wait: &mammoth.WaitOptions{Timeout: 5 * time.Minute}})
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
