package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/mammoth-io/mammoth-go"
)

const whereUsage = "export only the rows this `condition` selects, with columns as the app names them: \"Sales >= 1000 and Region in ('West', 'East')\""

// whereFlag is --where: a condition in the SDK's text form, read when the
// flag is parsed so that a typo is a usage error before anything is sent.
type whereFlag struct {
	cond mammoth.Condition
	set  bool
}

// addWhere registers --where on fs.
func addWhere(fs *flag.FlagSet) *whereFlag {
	w := &whereFlag{}
	fs.Var(w, "where", whereUsage)
	return w
}

func (w *whereFlag) String() string {
	if w == nil {
		return ""
	}
	return w.cond.String()
}

func (w *whereFlag) Set(s string) error {
	c, err := mammoth.ParseCondition(s)
	var se *mammoth.ConditionSyntaxError
	if errors.As(err, &se) {
		return fmt.Errorf("at column %d: expected %s, found %s", se.Column, se.Expected, se.Found)
	}
	if err != nil {
		return err
	}
	w.cond, w.set = c, true
	return nil
}

// condition returns what an export's condition is: --where with the
// dataview's internal names in place of display names, or else raw, the
// --condition or spec's own. Giving both is a usage error.
func (w *whereFlag) condition(ctx context.Context, c *call, raw map[string]any, rawFrom string) (map[string]any, error) {
	if !w.set {
		return raw, nil
	}
	if len(raw) > 0 {
		return nil, usagef("--where cannot be combined with %s; give one of them", rawFrom)
	}
	return c.client.Dataviews.ResolveCondition(ctx, c.ref, w.cond)
}
