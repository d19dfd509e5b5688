package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/mammoth-io/mammoth-go"
)

// pipelineCommands are the commands of "mammoth pipeline".
var pipelineCommands = []command{
	{name: "get", summary: "Show the dataview's pipeline: its states, draft mode and auto-run",
		doc: "--full adds the stats: who ran and changed the pipeline last, and when, and the run times of its tasks and exports.",
		setup: func(fs *flag.FlagSet) action {
			full := fs.Bool("full", false, "include the stats (fields=__full)")
			return show(func(ctx context.Context, c *call) (*mammoth.Pipeline, error) {
				var opts *mammoth.GetPipelineOptions
				if *full {
					opts = &mammoth.GetPipelineOptions{Fields: mammoth.FieldsFull}
				}
				return c.client.Pipelines.GetPipeline(ctx, c.ref, opts)
			})
		}},
	{name: "run", summary: "Rerun the pipeline, from the start or from a task sequence",
		doc: "Prints the job the API answers with; with --wait, waits until the pipeline has settled, exports included, " +
			"and prints it. Exits 5 when it settles in error. A rerun that may have reached the API is never sent twice.",
		setup: func(fs *flag.FlagSet) action {
			from := &optional[int]{}
			fs.Var(from, "from-sequence", "rerun from this task `sequence` (default: from step 0)")
			wait := fs.Bool("wait", false, "wait until the pipeline has settled")
			var w waitFlags
			w.register(fs)
			return func(ctx context.Context, c *call) error {
				job, err := c.client.Pipelines.RunPipeline(ctx, c.ref, &mammoth.RunPipelineOptions{FromSequence: from.ptr()})
				if err != nil {
					return err
				}
				if !*wait {
					return c.out.record(job)
				}
				p, err := c.waitPipeline(ctx, w, "waiting for the pipeline", c.client.Pipelines.WaitForPipeline)
				if err != nil {
					return err
				}
				return c.out.record(p)
			}
		}},
	{name: "wait", summary: "Wait until the pipeline has settled, exports included",
		doc: "Settled means state ready or ref_error, and execution state idle, runtime_error or unset. Exits 0 when it settles " +
			"in ready and 5 when it settles in ref_error or runtime_error.",
		setup: func(fs *flag.FlagSet) action {
			var w waitFlags
			w.register(fs)
			return show(func(ctx context.Context, c *call) (*mammoth.Pipeline, error) {
				return c.waitPipeline(ctx, w, "waiting for the pipeline", c.client.Pipelines.WaitForPipeline)
			})
		}},
	{name: "items", summary: "List the pipeline's tasks and exports",
		setup: func(fs *flag.FlagSet) action {
			var opts mammoth.ListItemsOptions
			limit := &optional[int]{}
			fs.Var(limit, "limit", "at most `n` items a page, 0 to 100 (default 50)")
			fs.IntVar(&opts.Offset, "offset", 0, "skip the first `n` items")
			seq := &optional[int]{}
			fs.Var(seq, "sequence", "only items at this `sequence`")
			var status string
			fs.StringVar(&status, "status", "", "only items in this `status`: added, edited, executing, executed, suspending, suspended, deleted")
			fs.StringVar(&opts.Sort, "sort", "", "order, such as `(sequence:asc)`")
			fs.StringVar(&opts.Fields, "fields", "", "fields or a preset: __min, __standard, __full")
			all := fs.Bool("all", false, "every page")
			return func(ctx context.Context, c *call) error {
				opts.Limit, opts.Sequence, opts.Status = limit.ptr(), seq.ptr(), mammoth.ExportStatus(status)
				return c.items(ctx, &opts, *all)
			}
		}},
}

// draftCommands are the commands of "mammoth draft".
var draftCommands = []command{
	{name: "status", summary: "Show whether the dataview is in draft mode, as the API says",
		setup: func(fs *flag.FlagSet) action {
			return show(func(ctx context.Context, c *call) (draftView, error) {
				p, err := c.client.Pipelines.GetPipeline(ctx, c.ref, nil)
				if err != nil {
					return draftView{}, err
				}
				return newDraftView(p.DraftMode), nil
			})
		}},
	{name: "enter", summary: "Enter draft mode: export changes are held until submitted or discarded",
		setup: func(fs *flag.FlagSet) action {
			return show(func(ctx context.Context, c *call) (draftView, error) {
				mode, err := c.client.Pipelines.EnterDraft(ctx, c.ref)
				return newDraftView(mode), err
			})
		}},
	{name: "submit", summary: "Apply the changes held in draft, wait until the pipeline has settled, leave draft mode",
		doc: "Exits 5 when the pipeline settles in error (draft mode is still left). When the wait is interrupted or times out, " +
			"the changes are submitted and the dataview stays in draft mode: run 'mammoth pipeline wait', then 'mammoth draft exit'.",
		setup: func(fs *flag.FlagSet) action {
			var w waitFlags
			w.register(fs)
			return show(func(ctx context.Context, c *call) (*mammoth.Pipeline, error) {
				return c.waitPipeline(ctx, w, "submitting the draft, waiting for the pipeline", c.client.Pipelines.SubmitDraft)
			})
		}},
	{name: "exit", summary: "Leave draft mode, which must hold no changes",
		doc: "Refused while changes are held: submit or discard them first. 'draft submit' and 'draft discard' end with it.",
		setup: func(fs *flag.FlagSet) action {
			return show(func(ctx context.Context, c *call) (draftView, error) {
				mode, err := c.client.Pipelines.ExitDraft(ctx, c.ref)
				return newDraftView(mode), err
			})
		}},
	{name: "discard", summary: "Drop the changes held in draft and leave draft mode",
		setup: func(fs *flag.FlagSet) action {
			return show(func(ctx context.Context, c *call) (draftView, error) {
				mode, err := c.client.Pipelines.DiscardDraft(ctx, c.ref)
				return newDraftView(mode), err
			})
		}},
}

// draftView is the output of the draft commands.
type draftView struct {
	DraftMode mammoth.DraftMode `json:"draft_mode"`
	InDraft   bool              `json:"in_draft"`
}

func newDraftView(m mammoth.DraftMode) draftView {
	if m == "" {
		m = mammoth.DraftModeOff
	}
	return draftView{DraftMode: m, InDraft: m.Active()}
}

func pipelineStatus(p *mammoth.Pipeline) string {
	return orDash(string(p.State)) + "/" + orDash(string(p.ExecutionState))
}

// waitPipeline runs wait (WaitForPipeline, or SubmitDraft, which waits the
// same way), with a spinner on a terminal that shows the pipeline's states
// as of the last poll.
func (c *call) waitPipeline(ctx context.Context, w waitFlags, text string,
	wait func(context.Context, mammoth.DataviewRef, *mammoth.WaitOptions) (*mammoth.Pipeline, error)) (*mammoth.Pipeline, error) {
	var status atomic.Value
	label := func(elapsed time.Duration) string {
		t := text
		if st, _ := status.Load().(string); st != "" {
			t += " (" + st + ")"
		}
		return t + " " + formatElapsed(elapsed)
	}
	p := c.startProgress(label)
	pl, err := wait(ctx, c.ref, &mammoth.WaitOptions{
		PollInterval:   w.poll,
		OnPipelinePoll: func(p *mammoth.Pipeline) { status.Store(pipelineStatus(p)) },
	})
	final := ""
	if err == nil {
		final = "pipeline settled (" + pipelineStatus(pl) + ") after " + formatElapsed(p.elapsed())
	}
	p.stop(final)
	return pl, err
}

// items prints one page of the pipeline's items, or every page.
func (c *call) items(ctx context.Context, opts *mammoth.ListItemsOptions, all bool) error {
	var items []*mammoth.PipelineItem
	var page *mammoth.PipelineItemsPage
	if all {
		for it, err := range c.client.Pipelines.AllItems(ctx, c.ref, opts) {
			if err != nil {
				return err
			}
			if c.out.format == "jsonl" {
				if err := c.out.json(it); err != nil {
					return err
				}
				continue
			}
			items = append(items, it)
		}
		if c.out.format == "jsonl" {
			return nil
		}
		page = &mammoth.PipelineItemsPage{Items: items}
	} else {
		var err error
		if page, err = c.client.Pipelines.ListItems(ctx, c.ref, opts); err != nil {
			return err
		}
		if c.out.format == "jsonl" {
			for _, it := range page.Items {
				if err := c.out.json(it); err != nil {
					return err
				}
			}
			return nil
		}
	}
	if page.Items == nil {
		page.Items = []*mammoth.PipelineItem{}
	}
	if err := c.out.print(page, func(tw *tabwriter.Writer) error { return itemsTable(tw, page.Items) }); err != nil {
		return err
	}
	if !all && !c.out.format.isJSON() && page.Next != "" {
		fmt.Fprintf(c.env.stderr, "More items follow: add --all, or --offset %d.\n", opts.Offset+len(page.Items))
	}
	return nil
}

func itemsTable(w io.Writer, items []*mammoth.PipelineItem) error {
	fmt.Fprintln(w, "ID\tTYPE\tSEQ\tSTATUS\tHANDLER\tTRIGGER\tROWS")
	for _, it := range items {
		if it == nil {
			continue
		}
		_, err := fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(it.ID), orDash(string(it.Type)), cell(it.Sequence),
			orDash(string(it.Status)), orDash(string(it.HandlerType)), orDash(string(it.TriggerType)), cell(it.RowCount))
		if err != nil {
			return err
		}
	}
	return nil
}

// bulkExportCommand is the setup of "exports suspend|restore|discard
// EXPORT_ID...": one PATCH of the pipeline for all the ids. With one id,
// single is used instead when set (the export's own command, as before).
func bulkExportCommand(path string, single func(fs *flag.FlagSet) action,
	bulk func(*mammoth.PipelinesService, context.Context, mammoth.DataviewRef, []int) (*mammoth.PipelineChange, error)) func(fs *flag.FlagSet) action {
	return func(fs *flag.FlagSet) action {
		var one action
		if single != nil {
			one = single(fs)
		}
		return func(ctx context.Context, c *call) error {
			if len(c.ids) == 1 && one != nil {
				return one(ctx, c)
			}
			change, err := bulk(c.client.Pipelines, ctx, c.ref, c.ids)
			if err != nil {
				return err
			}
			return c.out.print(bulkView{Exports: orEmpty(change.Exports), Job: change.Job}, func(tw *tabwriter.Writer) error {
				if len(change.Exports) == 0 && change.Job == nil {
					_, err := fmt.Fprintf(tw, "done: %s of %d exports; the API answered with no details\n", path, len(c.ids))
					return err
				}
				fmt.Fprintln(tw, "EXPORT\tSTATUS")
				for _, e := range change.Exports {
					fmt.Fprintf(tw, "%d\t%s\n", e.TriggerID, orDash(string(e.Status)))
				}
				return writeRecord(tw, "job.", change.Job)
			})
		}
	}
}

// bulkView is the output of a bulk export command.
type bulkView struct {
	Exports []mammoth.PipelineExportsModificationResp `json:"exports"`
	Job     *mammoth.Job                              `json:"job"`
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// parseIDs reads one or more positive ids.
func parseIDs(name, path string, pos []string) ([]int, error) {
	name = strings.TrimSuffix(name, "...")
	if len(pos) == 0 {
		return nil, usagef("missing %s; run 'mammoth help %s'", name, path)
	}
	ids := make([]int, len(pos))
	for i, p := range pos {
		id, err := strconv.Atoi(p)
		switch {
		case err != nil:
			return nil, usagef("%s %q is not a whole number", name, p)
		case id < 1:
			return nil, usagef("%s must be a positive whole number, not %s", name, p)
		}
		ids[i] = id
	}
	return ids, nil
}

// pipelineFlags name the flag or argument behind a field the SDK refused.
var pipelineFlags = map[string]string{
	"RunPipelineOptions.FromSequence": "--from-sequence",
	"ListItemsOptions.Limit":          "--limit",
	"ListItemsOptions.Offset":         "--offset",
	"ListItemsOptions.Sequence":       "--sequence",
	"exportIDs":                       "EXPORT_ID",
}

// classifyPipeline explains the pipeline's own failures, or returns nil: a
// pipeline that settled in error exits 5, like a failed job; a command that
// may have been carried out says so, with the draft mode read afterwards.
func classifyPipeline(ctx context.Context, err error, about subject) *cliError {
	var failed *mammoth.PipelineFailedError
	var cmdErr *mammoth.PipelineCommandError
	var verr *mammoth.ValidationError
	switch {
	case errors.As(err, &verr) && pipelineFlags[strings.SplitN(verr.Field, "[", 2)[0]] != "":
		return &cliError{code: exitUsage, kind: "usage",
			msg: fmt.Sprintf("invalid %s: %s", pipelineFlags[strings.SplitN(verr.Field, "[", 2)[0]], verr.Reason)}
	case errors.As(err, &failed):
		return &cliError{code: exitJobFailed, kind: "pipeline_failed",
			msg: fmt.Sprintf("the pipeline settled in error (state %s, execution state %s); 'mammoth pipeline get --full' shows it",
				orDash(string(failed.State)), orDash(string(failed.ExecutionState)))}
	case errors.As(err, &cmdErr):
		inner := classify(ctx, cmdErr.Err, about)
		ce := *inner
		var notes []string
		if cmdErr.MayHaveActed {
			notes = append(notes, fmt.Sprintf("the %s may have been carried out and was not sent again", cmdErr.Command))
		}
		draftCmd := strings.Contains(cmdErr.Op, "Draft")
		if cmdErr.After != nil && (cmdErr.MayHaveActed || draftCmd || cmdErr.After.DraftMode.Active()) {
			notes = append(notes, "the dataview's draft mode is now "+string(newDraftView(cmdErr.After.DraftMode).DraftMode)+
				", its pipeline "+pipelineStatus(cmdErr.After)+"; 'mammoth draft status' reads it again")
		}
		if len(notes) > 0 {
			ce.msg += "; " + strings.Join(notes, "; ")
		}
		return &ce
	}
	return nil
}

const bulkDoc = "With one EXPORT_ID, patches that export. With several, sends one PATCH of the pipeline for all of them, " +
	"and prints each export's new status."
