package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mammoth-io/mammoth-go"
)

// command is one subcommand: its place, help, flags and action.
type command struct {
	group, name string
	argName     string // "EXPORT_ID", "JOB_ID", or "" for none
	summary     string
	doc         string // more help, shown by "mammoth help <command>"
	// setup registers the command's own flags and returns its action,
	// which reads them.
	setup func(fs *flag.FlagSet) action
}

// action carries out a command once its flags are parsed and the client
// is connected.
type action func(ctx context.Context, c *call) error

func (cmd *command) path() string { return cmd.group + " " + cmd.name }

// registerIDs registers the id flags of the command's group.
func (cmd *command) registerIDs(fs *flag.FlagSet) *idFlags {
	ids := newIDFlags(cmd.group)
	ids.register(fs)
	return ids
}

// parseArg reads the command's one positional argument, if it takes one.
func (cmd *command) parseArg(pos []string) (int, error) {
	switch {
	case cmd.argName == "" && len(pos) > 0:
		return 0, usagef("unexpected argument %q; run 'mammoth help %s'", pos[0], cmd.path())
	case cmd.argName == "":
		return 0, nil
	case len(pos) == 0:
		return 0, usagef("missing %s; run 'mammoth help %s'", cmd.argName, cmd.path())
	case len(pos) > 1:
		return 0, usagef("unexpected argument %q after %s", pos[1], cmd.argName)
	}
	id, err := strconv.Atoi(pos[0])
	if err != nil {
		return 0, usagef("%s %q is not a whole number", cmd.argName, pos[0])
	}
	return id, nil
}

func isGroup(name string) bool { return len(subcommands(name)) > 0 }

func subcommands(group string) []string {
	var names []string
	for _, c := range commands {
		if c.group == group {
			names = append(names, c.name)
		}
	}
	return names
}

const fieldsUsage = "`fields` to return: a preset (__min, __standard, __full) or names, comma-separated"

// commands is every subcommand, in the order help lists them.
var commands = []command{
	{group: "exports", name: "list", summary: "List the exports of a dataview's pipeline",
		doc: "Shows one page (--limit, --offset), or with --all every page, fetched as the\n" +
			"output goes. Boolean filters take a value: --runnable, --runnable=false.",
		setup: setupList},
	{group: "exports", name: "get", argName: "EXPORT_ID", summary: "Show one export",
		setup: func(fs *flag.FlagSet) action {
			fields := fs.String("fields", "", fieldsUsage)
			return show(func(ctx context.Context, c *call) (*mammoth.ItemExportInfo, error) {
				exp, err := c.client.Exports.GetExport(ctx, c.ref, c.id, &mammoth.GetExportOptions{Fields: *fields})
				return redacted(exp), err
			})
		}},
	{group: "exports", name: "add", summary: "Add an export from a JSON spec",
		doc: "The spec is the API's AddExportSpec, from a file or from stdin (--spec -):\n\n" +
			`  {"handler_type": "s3", "trigger_type": "none", "run_immediately": true,` + "\n" +
			`   "target_properties": {"file": "sales.csv"}}` + "\n\n" +
			"DATAVIEW_ID may be left out: it is taken from --dataview.",
		setup: changeCommand(func(fs *flag.FlagSet) changeFunc {
			specFile := fs.String("spec", "", "`file` holding the AddExportSpec as JSON, or - for stdin (required)")
			return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
				spec, err := readSpec(c.env.stdin, *specFile)
				if err != nil {
					return nil, err
				}
				return c.client.Exports.AddExport(ctx, c.ref, spec)
			}
		})},
	{group: "exports", name: "create-s3", summary: "Add an export of the dataview to a file in Mammoth's S3 storage",
		setup: changeCommand(func(fs *flag.FlagSet) changeFunc {
			var req mammoth.S3ExportRequest
			fs.StringVar(&req.File, "file", "", "`name` of the file to write (required)")
			fileType := fs.String("file-type", "", "file `format`: csv (default), json or parquet")
			fs.BoolVar(&req.IncludeHidden, "include-hidden", false, "also export hidden columns")
			useFormat := fs.Bool("use-format", true, "write values as the dataview formats them")
			trigger := fs.String("trigger-type", "", "when it runs (`trigger`): none (default), pipeline or schedule")
			runNow := fs.Bool("run-immediately", true, "run the export once added")
			condition := jsonFlag(fs, "condition", "row filter in the API's condition format, as a `json` object")
			return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
				req.FileType, req.TriggerType = mammoth.ExportFileType(*fileType), mammoth.TriggerType(*trigger)
				req.UseFormat, req.RunImmediately, req.Condition = useFormat, runNow, *condition
				return c.client.Exports.CreateS3Export(ctx, c.ref, &req)
			}
		})},
	{group: "exports", name: "create-dataset", summary: "Add an export of the dataview into a Mammoth dataset",
		setup: changeCommand(func(fs *flag.FlagSet) changeFunc {
			var req mammoth.InternalDatasetExportRequest
			fs.StringVar(&req.DatasetName, "name", "", "`name` of the new dataset (required without --target-dataset)")
			var target optional[int]
			fs.Var(&target, "target-dataset", "existing dataset `id` to write into")
			mode := fs.String("mode", "", "with --target-dataset, the save `mode`: REPLACE_IN_DS or APPEND_TO_DS")
			trigger := fs.String("trigger-type", "", "when it runs (`trigger`): pipeline (default), none or schedule")
			runNow := fs.Bool("run-immediately", true, "run the export once added")
			condition := jsonFlag(fs, "condition", "row filter in the API's condition format, as a `json` object")
			columns := jsonFlag(fs, "column-mapping", "dataview column to dataset column, as a `json` object {\"from\": \"to\"}")
			return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
				req.TargetDatasetID, req.Mode = target.ptr(), mammoth.SaveAsDatasetMode(*mode)
				req.TriggerType, req.RunImmediately, req.Condition = mammoth.TriggerType(*trigger), runNow, *condition
				if len(*columns) > 0 {
					req.ColumnMapping = make(map[string]string, len(*columns))
					for k, v := range *columns {
						s, ok := v.(string)
						if !ok {
							return nil, usagef("invalid --column-mapping: the value for %q is not a string", k)
						}
						req.ColumnMapping[k] = s
					}
				}
				return c.client.Exports.CreateInternalDatasetExport(ctx, c.ref, &req)
			}
		})},
	{group: "exports", name: "run", argName: "EXPORT_ID", summary: "Run an export now",
		setup: exportCommand((*mammoth.ExportsService).RunExport)},
	{group: "exports", name: "suspend", argName: "EXPORT_ID", summary: "Stop an export from running until restored",
		setup: exportCommand((*mammoth.ExportsService).SuspendExport)},
	{group: "exports", name: "restore", argName: "EXPORT_ID", summary: "Undo a suspend",
		setup: exportCommand((*mammoth.ExportsService).RestoreExport)},
	{group: "exports", name: "delete", argName: "EXPORT_ID", summary: "Remove an export from the pipeline",
		doc: "Asks for confirmation when stdin is a terminal; otherwise --yes is required.",
		setup: changeCommand(func(fs *flag.FlagSet) changeFunc {
			yes := fs.Bool("yes", false, "delete without asking")
			var opts mammoth.DeleteExportOptions
			fs.BoolVar(&opts.SkipValidation, "skip-validation", false, "do not validate the pipeline after the deletion")
			return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
				if err := c.confirmDelete(ctx, *yes); err != nil {
					return nil, err
				}
				return c.client.Exports.DeleteExport(ctx, c.ref, c.id, &opts)
			}
		})},
	{group: "exports", name: "download-csv", summary: "Download the dataview's data as CSV",
		doc: "Adds a temporary S3 export, waits for its job, streams the file and deletes the\n" +
			"export again. Without --out the CSV goes to stdout and nothing else does.",
		setup: setupDownload},
	{group: "jobs", name: "get", argName: "JOB_ID", summary: "Show a job",
		setup: func(fs *flag.FlagSet) action {
			return show(func(ctx context.Context, c *call) (*mammoth.Job, error) { return c.client.Jobs.GetJob(ctx, c.id) })
		}},
	{group: "jobs", name: "wait", argName: "JOB_ID", summary: "Wait for a job to finish",
		doc: "Exits 0 when the job succeeds and 5 when it fails.",
		setup: func(fs *flag.FlagSet) action {
			var w waitFlags
			w.register(fs)
			return show(func(ctx context.Context, c *call) (*mammoth.Job, error) { return c.waitJob(ctx, c.id, "", w) })
		}},
}

// show is the action of a command that prints one object it fetches.
func show[T any](fetch func(ctx context.Context, c *call) (T, error)) action {
	return func(ctx context.Context, c *call) error {
		v, err := fetch(ctx, c)
		if err != nil {
			return err
		}
		return c.out.record(v)
	}
}

func setupList(fs *flag.FlagSet) action {
	var (
		o                                  mammoth.ListExportsOptions
		limit, sequence                    optional[int]
		reordered, endOfPipeline, runnable optional[bool]
		status, handler                    string
		all                                bool
	)
	fs.StringVar(&o.Fields, "fields", "", fieldsUsage)
	fs.Var(&limit, "limit", "`n` exports a page, 0 to 100 (the API's default is 50)")
	fs.IntVar(&o.Offset, "offset", 0, "position of the first export")
	fs.StringVar(&o.Sort, "sort", "", "`order`: (field:asc|desc) terms joined with commas, such as (id:desc)")
	fs.Var(&sequence, "sequence", "only the export at this `position` in the pipeline")
	fs.StringVar(&status, "status", "", "only exports in this `status`: added, edited, executing, executed, suspending, suspended, deleted")
	fs.Var(&reordered, "reordered", "only exports whose reordered flag is this")
	fs.StringVar(&handler, "handler-type", "", "only exports to this `handler` type, such as s3 or postgres")
	fs.Var(&endOfPipeline, "end-of-pipeline", "only exports whose end_of_pipeline flag is this")
	fs.Var(&runnable, "runnable", "only exports whose runnable flag is this")
	fs.BoolVar(&all, "all", false, "walk every page from --offset on, --limit exports a request")
	return func(ctx context.Context, c *call) error {
		o.Limit, o.Sequence = limit.ptr(), sequence.ptr()
		o.Reordered, o.EndOfPipeline, o.Runnable = reordered.ptr(), endOfPipeline.ptr(), runnable.ptr()
		o.Status, o.HandlerType = mammoth.ExportStatus(status), mammoth.HandlerType(handler)
		return c.list(ctx, &o, all)
	}
}

// changeFunc makes one change to a pipeline.
type changeFunc func(ctx context.Context, c *call) (*mammoth.ExportChange, error)

// changeCommand is the setup of a command that changes the pipeline: it
// adds --wait (and how to wait) to the command's own flags, and prints the
// API's answer, or with --wait the job it started once that finishes.
func changeCommand(setup func(fs *flag.FlagSet) changeFunc) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var w waitFlags
		fs.BoolVar(&w.wait, "wait", false, "wait for the job the change starts, if any, to finish")
		w.register(fs)
		change := setup(fs)
		return func(ctx context.Context, c *call) error {
			ch, err := change(ctx, c)
			if err != nil {
				return err
			}
			view := changeView{Modification: ch.Modification, Job: ch.Job}
			id, ok := ch.JobID()
			var known mammoth.JobStatus
			if ch.Job != nil {
				known = ch.Job.Status
			}
			if ok && w.wait {
				if view.Job, err = c.waitJob(ctx, id, known, w); err != nil {
					return err
				}
			}
			if err := c.out.change(view); err != nil {
				return err
			}
			// The demo forgets its jobs when the command ends.
			if ok && !w.wait && !known.IsTerminal() && !c.out.format.isJSON() && !c.demo {
				fmt.Fprintf(c.env.stderr, "Job %d is carrying out the change; 'mammoth jobs wait %d' waits for it.\n", id, id)
			}
			return nil
		}
	}
}

// exportCommand is the setup of a command that runs one SDK command on
// the export EXPORT_ID.
func exportCommand(do func(*mammoth.ExportsService, context.Context, mammoth.DataviewRef, int) (*mammoth.ExportChange, error)) func(fs *flag.FlagSet) action {
	return changeCommand(func(*flag.FlagSet) changeFunc {
		return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
			return do(c.client.Exports, ctx, c.ref, c.id)
		}
	})
}

// waitFlags say how to wait for a job.
type waitFlags struct {
	wait    bool
	poll    time.Duration
	timeout time.Duration
}

func (w *waitFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&w.poll, "poll-interval", 0, "time between polls of the job (default 2s; 250ms with --demo)")
	fs.DurationVar(&w.timeout, "timeout", 0, "give up waiting after this long (default: no limit)")
}

// pollInterval is the wait between polls: the flag's, else the SDK's
// default, shortened for the demo, whose jobs finish on the second poll.
func (c *call) pollInterval(d time.Duration) time.Duration {
	if d == 0 && c.demo {
		return 250 * time.Millisecond
	}
	return d
}

// waitJob waits for a job, with a spinner on a terminal. known is the
// job's status when the wait starts, if known.
func (c *call) waitJob(ctx context.Context, id int, known mammoth.JobStatus, w waitFlags) (*mammoth.Job, error) {
	wctx, cancel := ctx, context.CancelFunc(func() {})
	if w.timeout > 0 {
		wctx, cancel = context.WithTimeout(ctx, w.timeout)
	}
	defer cancel()
	// The status shown follows each poll; the spinner reads it from its own
	// goroutine.
	var status atomic.Value
	status.Store(known)
	label := func(elapsed time.Duration) string {
		text := fmt.Sprintf("waiting for job %d", id)
		if st, _ := status.Load().(mammoth.JobStatus); st != "" {
			text += " (" + string(st) + ")"
		}
		return text + " " + formatElapsed(elapsed)
	}
	p := c.startProgress(label)
	job, err := c.client.Jobs.WaitForJob(wctx, id, &mammoth.WaitOptions{
		PollInterval: c.pollInterval(w.poll),
		OnPoll:       func(j *mammoth.Job) { status.Store(j.Status) },
	})
	final := ""
	if err == nil {
		final = fmt.Sprintf("job %d %s after %s", id, job.Status, formatElapsed(p.elapsed()))
	}
	p.stop(final)
	if err != nil && ctx.Err() == nil && wctx.Err() != nil {
		return nil, &cliError{code: exitError, kind: "timeout",
			msg: fmt.Sprintf("job %d has not finished after %s; 'mammoth jobs wait %d' waits again", id, w.timeout, id)}
	}
	return job, err
}

// confirmDelete asks before deleting, when stdin is a terminal.
func (c *call) confirmDelete(ctx context.Context, yes bool) error {
	if yes {
		return nil
	}
	if !c.env.isTerminal(c.env.stdin) {
		return usagef("deleting export %d needs --yes when stdin is not a terminal", c.id)
	}
	fmt.Fprintf(c.env.stderr, "Delete export %d from dataview %d? [y/N] ", c.id, c.ref.DataviewID)
	answer := make(chan string, 1)
	go func() {
		line, _ := bufio.NewReader(c.env.stdin).ReadString('\n')
		answer <- strings.ToLower(strings.TrimSpace(line))
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(c.env.stderr)
		return ctx.Err()
	case a := <-answer:
		if a == "y" || a == "yes" {
			return nil
		}
	}
	return &cliError{code: exitError, kind: "declined", msg: fmt.Sprintf("export %d was not deleted", c.id)}
}

// readSpec reads an AddExportSpec from a file, or stdin for "-".
func readSpec(stdin io.Reader, name string) (*mammoth.AddExportSpec, error) {
	var r io.Reader = stdin
	switch name {
	case "":
		return nil, usagef("missing --spec: a JSON file, or - for stdin")
	case "-":
	default:
		f, err := os.Open(name)
		if err != nil {
			return nil, usagef("cannot read --spec: %v", err)
		}
		defer f.Close()
		r = f
	}
	spec := new(mammoth.AddExportSpec)
	if err := json.NewDecoder(r).Decode(spec); err != nil {
		return nil, usagef("invalid --spec %s: %v", name, err)
	}
	return spec, nil
}

// jsonFlag registers a flag that takes a JSON object.
func jsonFlag(fs *flag.FlagSet, name, usage string) *map[string]any {
	m := new(map[string]any)
	fs.Func(name, usage, func(s string) error {
		if err := json.Unmarshal([]byte(s), m); err != nil || *m == nil {
			return fmt.Errorf("must be a JSON object")
		}
		return nil
	})
	return m
}

func setupDownload(fs *flag.FlagSet) action {
	out := fs.String("out", "", "`file` to write the CSV to (default: stdout)")
	var opts mammoth.DownloadCSVOptions
	fs.BoolVar(&opts.IncludeHidden, "include-hidden", false, "also export hidden columns")
	fs.BoolVar(&opts.KeepExport, "keep-export", false, "keep the temporary export in the pipeline")
	poll := fs.Duration("poll-interval", 0, "time between polls of the export's job (default 2s; 250ms with --demo)")
	return func(ctx context.Context, c *call) error {
		opts.Wait = &mammoth.WaitOptions{PollInterval: c.pollInterval(*poll)}
		if *out == "" {
			c.rawStdout = true
			_, err := c.download(ctx, c.env.stdout, &opts)
			return err
		}
		// Write beside the target and rename once complete, so that a
		// failed download leaves no half file behind.
		tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.part")
		if err != nil {
			return usagef("cannot write --out: %v", err)
		}
		defer os.Remove(tmp.Name())
		n, err := c.download(ctx, tmp, &opts)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), *out)
		}
		if err != nil {
			return err
		}
		return c.out.record(downloadView{File: *out, Bytes: n})
	}
}

// download streams the CSV to w, with bytes and rate on a terminal.
func (c *call) download(ctx context.Context, w io.Writer, opts *mammoth.DownloadCSVOptions) (int64, error) {
	cw := &countingWriter{w: w}
	p := c.startProgress(func(elapsed time.Duration) string {
		n := cw.n.Load()
		if n == 0 {
			return "preparing the CSV export " + formatElapsed(elapsed)
		}
		return "downloading " + transferred(n, elapsed)
	})
	n, err := c.client.Exports.DownloadCSV(ctx, c.ref, cw, opts)
	if err != nil {
		p.stop("")
		return n, err
	}
	p.stop("downloaded " + transferred(n, p.elapsed()))
	return n, nil
}
