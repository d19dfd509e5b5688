package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"

	"github.com/mammoth-io/mammoth-go"
)

// exitChangesPending is the status of "exports plan" when applying the file
// would change something, so that CI can tell "in sync" (0) from "drift".
const exitChangesPending = 8

// parallelDataviews bounds how many dataviews of one file are planned or
// applied at once.
const parallelDataviews = 4

// exportsAsCodeCommands are the commands of "mammoth exports" that keep a
// pipeline's exports in a file.
var exportsAsCodeCommands = []command{
	{name: "plan", ids: optionalDataviewIDs, summary: "Show what applying a desired-state file would change",
		doc: "Compares the exports the file lists for each dataview with the pipeline's and\n" +
			"prints the difference: + to add, ~ to change (with the fields), - to delete\n" +
			"(with --prune). Exits 0 when nothing would change and 8 when changes are\n" +
			"pending. Ids the file leaves out come from the id flags.",
		setup: setupPlan},
	{name: "apply", ids: optionalDataviewIDs, summary: "Make the pipelines match a desired-state file",
		doc: "Shows the plan, asks when stdin is a terminal (otherwise --yes is required),\n" +
			"then makes the changes, reporting each one. After a failure, run it again:\n" +
			"it reads the pipeline anew and never adds an export twice. With --draft each\n" +
			"dataview's changes are made in one draft and submitted together, or not at\n" +
			"all. Dataviews are applied in parallel, each on its own.",
		setup: setupApply},
	{name: "dump", summary: "Write a desired-state file from the dataview's current exports",
		doc: "Secrets are written as references to environment variables, which are named\n" +
			"on stderr; set them to apply the file. Dump, then apply, changes nothing.",
		setup: setupDump},
}

// optionalDataviewIDs are the four ids of a dataview, as defaults for a
// file that leaves them out.
func optionalDataviewIDs() *idFlags { return &idFlags{ids: dataviewIDs().ids} }

// planFlags are the flags plan and apply share.
type planFlags struct {
	file  string
	prune bool
}

func (f *planFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.file, "file", "", "desired-state `file` (JSON), or - for stdin")
	fs.StringVar(&f.file, "f", "", "the same as --file")
	fs.BoolVar(&f.prune, "prune", false, "delete the exports the file does not list")
}

// dataviewPlan is one dataview's plan, or why it could not be made.
type dataviewPlan struct {
	set  desiredSet
	plan *mammoth.ExportsPlan
	err  error
}

// plans loads the file and plans every dataview in it, in parallel.
func (c *call) plans(ctx context.Context, f planFlags) ([]*dataviewPlan, error) {
	r, err := openExportsFile(f.file, c.env.stdin)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	sets, err := loadExportsFile(r, f.file, c.ref, c.env.getenv)
	if err != nil {
		return nil, err
	}
	out := make([]*dataviewPlan, len(sets))
	eachBounded(len(sets), func(i int) {
		p := &dataviewPlan{set: sets[i]}
		p.plan, p.err = c.client.Exports.Plan(ctx, sets[i].ref, sets[i].specs, &mammoth.PlanOptions{Prune: f.prune, Names: sets[i].names})
		out[i] = p
	})
	return out, nil
}

// eachBounded runs fn for 0..n-1, parallelDataviews at a time, and waits.
func eachBounded(n int, fn func(i int)) {
	sem := make(chan struct{}, parallelDataviews)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			fn(i)
		}()
	}
	wg.Wait()
}

func setupPlan(fs *flag.FlagSet) action {
	var f planFlags
	f.register(fs)
	return func(ctx context.Context, c *call) error {
		plans, err := c.plans(ctx, f)
		if err != nil {
			return err
		}
		if err := c.printPlans(plans); err != nil {
			return err
		}
		if err := firstPlanError(plans); err != nil {
			return err
		}
		if n := pendingChanges(plans); n > 0 {
			return &cliError{code: exitChangesPending, kind: "changes_pending", noStdout: true,
				msg: fmt.Sprintf("%d %s pending; run 'mammoth exports apply -f %s%s' to make %s", n, plural(n, "change", "changes"), f.file, pruneFlag(f.prune), plural(n, "it", "them"))}
		}
		return nil
	}
}

func setupApply(fs *flag.FlagSet) action {
	var f planFlags
	f.register(fs)
	yes := fs.Bool("yes", false, "apply without asking")
	draft := fs.Bool("draft", false, "make each dataview's changes in one draft, submitted together or not at all")
	wait := fs.Bool("wait", false, "wait for each change's job, and for the pipeline to settle")
	return func(ctx context.Context, c *call) error {
		plans, err := c.plans(ctx, f)
		if err != nil {
			return err
		}
		// Each dataview is applied on its own: one that cannot be planned is
		// reported, and the others go ahead.
		planErr := firstPlanError(plans)
		var ready []*dataviewPlan
		for _, p := range plans {
			if p.err == nil {
				ready = append(ready, p)
			}
		}
		n := pendingChanges(ready)
		if n == 0 {
			if planErr != nil {
				_ = c.printPlans(plans)
				return planErr
			}
			if c.out.format.isJSON() {
				return c.out.json(applyView{Dataviews: []applyDataview{}})
			}
			_, err := fmt.Fprintln(c.env.stdout, "No changes: the pipelines match the file.")
			return err
		}
		if !c.out.format.isJSON() {
			if err := c.printPlans(plans); err != nil {
				return err
			}
		}
		if err := c.confirm(ctx, *yes, "applying", fmt.Sprintf("Apply %d %s?", n, plural(n, "change", "changes")), "nothing was changed"); err != nil {
			return err
		}
		opts := mammoth.ApplyOptions{Draft: *draft}
		if *wait {
			opts.Wait = &mammoth.WaitOptions{}
		}
		if err := c.applyPlans(ctx, ready, opts); err != nil {
			return err
		}
		return planErr
	}
}

// applyPlans applies every dataview's plan, in parallel, reporting each
// change as it is made.
func (c *call) applyPlans(ctx context.Context, plans []*dataviewPlan, opts mammoth.ApplyOptions) error {
	var mu sync.Mutex
	views := make([]applyDataview, len(plans))
	errs := make([]error, len(plans))
	eachBounded(len(plans), func(i int) {
		p := plans[i]
		view := applyDataview{Dataview: refView(p.set.ref), Changes: []appliedView{}}
		o := opts
		o.OnChange = func(ch mammoth.AppliedChange) {
			v := appliedViewOf(ch)
			mu.Lock()
			defer mu.Unlock()
			view.Changes = append(view.Changes, v)
			if !c.out.format.isJSON() {
				fmt.Fprintln(c.env.stdout, appliedLine(p.set.ref, ch))
			}
		}
		res, err := c.client.Exports.Apply(ctx, p.set.ref, p.plan, &o)
		if res != nil {
			view.Replans = res.Replans
		}
		if err != nil {
			view.Error = err.Error()
		}
		views[i], errs[i] = view, err
	})
	if c.out.format.isJSON() {
		if err := c.out.json(applyView{Dataviews: views}); err != nil {
			return err
		}
	}
	for _, err := range errs {
		if err != nil {
			fmt.Fprintln(c.env.stderr, "Not every change was made. Once the cause is fixed, run the same apply again: it carries on from what the pipelines hold then.")
			return err
		}
	}
	if !c.out.format.isJSON() {
		fmt.Fprintln(c.env.stdout, "Apply complete.")
	}
	return nil
}

func setupDump(fs *flag.FlagSet) action {
	out := fs.String("file", "-", "`file` to write, or - for stdout")
	fs.StringVar(out, "f", "-", "the same as --file")
	return func(ctx context.Context, c *call) error {
		dv, secrets, err := c.dumpDataview(ctx)
		if err != nil {
			return err
		}
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(exportsFile{Dataviews: []*fileDataview{dv}}); err != nil {
			return err
		}
		if err := writeOutput(*out, c.env.stdout, b.Bytes()); err != nil {
			return err
		}
		if len(secrets) > 0 {
			fmt.Fprintf(c.env.stderr, "The file refers to %d %s; set %s to apply it: %s\n",
				len(secrets), plural(len(secrets), "secret", "secrets"), plural(len(secrets), "it", "them"), strings.Join(secrets, ", "))
		}
		return nil
	}
}

// confirm asks a yes/no question when stdin is a terminal; elsewhere only
// yes goes ahead. doing names the action for the error that asks for
// --yes, declined says what did not happen on any answer but yes.
func (c *call) confirm(ctx context.Context, yes bool, doing, question, declined string) error {
	if yes {
		return nil
	}
	if !c.env.isTerminal(c.env.stdin) {
		return usagef("%s needs --yes when stdin is not a terminal", doing)
	}
	fmt.Fprintf(c.env.stderr, "%s [y/N] ", question)
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
	return &cliError{code: exitError, kind: "declined", msg: declined}
}

func firstPlanError(plans []*dataviewPlan) error {
	for _, p := range plans {
		if p.err != nil {
			return p.err
		}
	}
	return nil
}

func pendingChanges(plans []*dataviewPlan) int {
	n := 0
	for _, p := range plans {
		if p.plan != nil {
			n += p.plan.Count(mammoth.PlanAdd) + p.plan.Count(mammoth.PlanChange) + p.plan.Count(mammoth.PlanDelete)
		}
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func pruneFlag(prune bool) string {
	if prune {
		return " --prune"
	}
	return ""
}

// writeOutput writes b to the file name, or to stdout for "-".
func writeOutput(name string, stdout io.Writer, b []byte) error {
	if name == "-" || name == "" {
		_, err := stdout.Write(b)
		return err
	}
	return writeFileAtomic(name, b)
}
