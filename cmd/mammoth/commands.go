package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/mammoth-io/mammoth-go"
)

// command is one subcommand: its place, help, flags and action.
type command struct {
	group, name string // name is "" for a group that is a command by itself
	// ids makes the id flags the command takes, its group's; nil for none.
	ids     func() *idFlags
	argName string // "EXPORT_ID", "JOB_ID", or "" for none
	// multi makes the argument one or more ids, in call.ids.
	multi   bool
	summary string
	doc     string // more help, shown by "mammoth help <command>"
	// setup registers the command's own flags and returns its action,
	// which reads them.
	setup func(fs *flag.FlagSet) action
	// offline is set for a command that does not talk to the API: it gets
	// no client.
	offline bool
}

// action carries out a command once its flags are parsed and the client
// is connected.
type action func(ctx context.Context, c *call) error

func (cmd *command) path() string { return strings.TrimSpace(cmd.group + " " + cmd.name) }

// registerIDs registers the id flags of the command's group.
func (cmd *command) registerIDs(fs *flag.FlagSet) *idFlags {
	if cmd.ids == nil {
		return &idFlags{}
	}
	ids := cmd.ids()
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
	switch {
	case err != nil:
		return 0, usagef("%s %q is not a whole number", cmd.argName, pos[0])
	case id < 1:
		return 0, usagef("%s must be a positive whole number, not %s", cmd.argName, pos[0])
	}
	return id, nil
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
			if ch.Pending {
				fmt.Fprintln(c.env.stderr, "The change is held in the dataview's draft: 'mammoth draft submit' applies it, 'mammoth draft discard' drops it.")
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
