package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/mammoth-io/mammoth-go"
)

const fieldsUsage = "`fields` to return: a preset (__min, __standard, __full) or names, comma-separated"

// triggerTypes are the values --trigger-type takes.
var triggerTypes = words(mammoth.TriggerType("").Values()...)

// exportsCommands are the commands of "mammoth exports", in the order help
// lists them.
var exportsCommands = []command{
	{name: "list", summary: "List the exports of a dataview's pipeline",
		doc: "Shows one page (--limit, --offset), or with --all every page, fetched as the\n" +
			"output goes. Boolean filters take a value: --runnable, --runnable=false.",
		setup: setupList},
	{name: "get", argName: "EXPORT_ID", summary: "Show one export",
		setup: func(fs *flag.FlagSet) action {
			fields := fs.String("fields", "", fieldsUsage)
			return func(ctx context.Context, c *call) error {
				exp, err := c.client.Exports.GetExport(ctx, c.ref, c.id, &mammoth.GetExportOptions{Fields: *fields})
				if err != nil {
					return err
				}
				if err := c.out.record(redacted(exp)); err != nil {
					return err
				}
				return c.printWhere(ctx, exp.Condition)
			}
		}},
	{name: "add", summary: "Add an export from a JSON spec",
		doc: "The spec is the API's AddExportSpec, from a file or from stdin (--spec -):\n\n" +
			`  {"handler_type": "s3", "trigger_type": "none", "run_immediately": true,` + "\n" +
			`   "target_properties": {"file": "sales.csv"}}` + "\n\n" +
			"DATAVIEW_ID may be left out: it is taken from --dataview.",
		setup: changeCommand(func(fs *flag.FlagSet) changeFunc {
			specFile := fs.String("spec", "", "`file` holding the AddExportSpec as JSON, or - for stdin (required)")
			where := addWhere(fs)
			return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
				spec, err := readSpec(c.env.stdin, *specFile)
				if err != nil {
					return nil, err
				}
				if spec.Condition, err = where.condition(ctx, c, spec.Condition, "a condition in the spec"); err != nil {
					return nil, err
				}
				return c.client.Exports.AddExport(ctx, c.ref, spec)
			}
		})},
	{name: "create-s3", summary: "Add an export of the dataview to a file in Mammoth's S3 storage",
		setup: changeCommand(func(fs *flag.FlagSet) changeFunc {
			var req mammoth.S3ExportRequest
			fs.StringVar(&req.File, "file", "", "`name` of the file to write (required)")
			fileType := enum(fs, "file-type", "file `format`: csv (default), json or parquet",
				words(mammoth.ExportFileTypeCSV, mammoth.ExportFileTypeJSON, mammoth.ExportFileTypeParquet)...)
			fs.BoolVar(&req.IncludeHidden, "include-hidden", false, "also export hidden columns")
			useFormat := fs.Bool("use-format", true, "write values as the dataview formats them")
			trigger := enum(fs, "trigger-type", "when it runs (`trigger`): none (default), pipeline or schedule", triggerTypes...)
			runNow := fs.Bool("run-immediately", true, "run the export once added")
			condition := jsonFlag(fs, "condition", "row filter in the API's condition format, as a `json` object")
			where := addWhere(fs)
			return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
				req.FileType, req.TriggerType = mammoth.ExportFileType(*fileType), mammoth.TriggerType(*trigger)
				req.UseFormat, req.RunImmediately = useFormat, runNow
				var err error
				if req.Condition, err = where.condition(ctx, c, *condition, "--condition"); err != nil {
					return nil, err
				}
				return c.client.Exports.CreateS3Export(ctx, c.ref, &req)
			}
		})},
	{name: "create-dataset", summary: "Add an export of the dataview into a Mammoth dataset",
		setup: changeCommand(func(fs *flag.FlagSet) changeFunc {
			var req mammoth.InternalDatasetExportRequest
			fs.StringVar(&req.DatasetName, "name", "", "`name` of the new dataset (required without --target-dataset)")
			var target optional[int]
			fs.Var(&target, "target-dataset", "existing dataset `id` to write into")
			mode := enum(fs, "mode", "with --target-dataset, the save `mode`: REPLACE_IN_DS or APPEND_TO_DS",
				words(mammoth.SaveAsDatasetReplace, mammoth.SaveAsDatasetAppend)...)
			trigger := enum(fs, "trigger-type", "when it runs (`trigger`): pipeline (default), none or schedule", triggerTypes...)
			runNow := fs.Bool("run-immediately", true, "run the export once added")
			condition := jsonFlag(fs, "condition", "row filter in the API's condition format, as a `json` object")
			columns := jsonFlag(fs, "column-mapping", "dataview column to dataset column, as a `json` object {\"from\": \"to\"}")
			where := addWhere(fs)
			return func(ctx context.Context, c *call) (*mammoth.ExportChange, error) {
				req.TargetDatasetID, req.Mode = target.ptr(), mammoth.SaveAsDatasetMode(*mode)
				req.TriggerType, req.RunImmediately = mammoth.TriggerType(*trigger), runNow
				var err error
				if req.Condition, err = where.condition(ctx, c, *condition, "--condition"); err != nil {
					return nil, err
				}
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
	{name: "run", argName: "EXPORT_ID", summary: "Run an export now",
		setup: exportCommand((*mammoth.ExportsService).RunExport)},
	{name: "suspend", argName: "EXPORT_ID...", multi: true, summary: "Stop exports from running until restored",
		doc:   bulkDoc,
		setup: bulkExportCommand("suspend", exportCommand((*mammoth.ExportsService).SuspendExport), (*mammoth.PipelinesService).SuspendExports)},
	{name: "restore", argName: "EXPORT_ID...", multi: true, summary: "Undo a suspend",
		doc:   bulkDoc,
		setup: bulkExportCommand("restore", exportCommand((*mammoth.ExportsService).RestoreExport), (*mammoth.PipelinesService).RestoreExports)},
	{name: "discard", argName: "EXPORT_ID...", multi: true, summary: "Remove exports from the pipeline in one request",
		doc: "Sends one PATCH of the pipeline for all the ids, as suspend and restore do with several. Asks for confirmation " +
			"when stdin is a terminal; otherwise --yes is required.",
		setup: func(fs *flag.FlagSet) action {
			yes := fs.Bool("yes", false, "discard without asking")
			discard := bulkExportCommand("discard", nil, (*mammoth.PipelinesService).DiscardExports)(fs)
			return func(ctx context.Context, c *call) error {
				if err := c.confirmDelete(ctx, *yes); err != nil {
					return err
				}
				return discard(ctx, c)
			}
		}},
	{name: "delete", argName: "EXPORT_ID", summary: "Remove an export from the pipeline",
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
	{name: "download-csv", summary: "Download the dataview's data as CSV", doc: downloadDoc, setup: setupDownload},
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

// printWhere adds to a table the export's condition in the text form,
// with the dataview's display names where its columns can be read.
func (c *call) printWhere(ctx context.Context, cond map[string]any) error {
	if c.out.format.isJSON() || len(cond) == 0 {
		return nil
	}
	cols, _ := c.client.Dataviews.Columns(ctx, c.ref) // without them, internal names
	_, err := fmt.Fprintf(c.env.stdout, "%-20s%s\n", "where", mammoth.Condition(cond).Display(cols))
	return err
}

// confirmDelete asks before deleting, when stdin is a terminal.
func (c *call) confirmDelete(ctx context.Context, yes bool) error {
	what := fmt.Sprintf("export %d", c.id)
	verb := "was"
	if len(c.ids) > 1 {
		what = "exports " + strings.Trim(strings.Join(strings.Fields(fmt.Sprint(c.ids)), ", "), "[]")
		verb = "were"
	}
	return c.confirm(ctx, yes, "deleting "+what,
		fmt.Sprintf("Delete %s from dataview %d?", what, c.ref.DataviewID),
		fmt.Sprintf("%s %s not deleted", what, verb))
}
