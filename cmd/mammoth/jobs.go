package main

import (
	"context"
	"flag"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/mammoth-io/mammoth-go"
)

// jobsCommands are the commands of "mammoth jobs".
var jobsCommands = []command{
	{name: "get", argName: "JOB_ID", summary: "Show a job",
		setup: func(fs *flag.FlagSet) action {
			return show(func(ctx context.Context, c *call) (*mammoth.Job, error) { return c.client.Jobs.GetJob(ctx, c.id) })
		}},
	{name: "wait", argName: "JOB_ID", summary: "Wait for a job to finish",
		doc: "Exits 0 when the job succeeds and 5 when it fails.",
		setup: func(fs *flag.FlagSet) action {
			var w waitFlags
			w.register(fs)
			return show(func(ctx context.Context, c *call) (*mammoth.Job, error) { return c.waitJob(ctx, c.id, "", w) })
		}},
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
