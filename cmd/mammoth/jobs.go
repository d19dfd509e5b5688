package main

import (
	"context"
	"flag"
	"fmt"
	"strings"
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
		doc: "Exits 0 when the job succeeds and 5 when it fails. The global --timeout bounds\n" +
			"the wait (exit 124); stopping the wait, by --timeout or Ctrl-C, does not stop\n" +
			"the job.",
		setup: func(fs *flag.FlagSet) action {
			var w waitFlags
			w.register(fs)
			return show(func(ctx context.Context, c *call) (*mammoth.Job, error) { return c.waitJob(ctx, c.id, "", w) })
		}},
}

// waitFlags say how to wait for a job.
// (The global --timeout bounds the wait with the rest of the command.)
type waitFlags struct {
	wait bool
	poll time.Duration
}

// pollUsage describes --poll-interval: the first interval of the SDK's
// schedule, which then grows.
const pollUsage = "pause of this `duration` before the second poll of the job; later pauses grow from it, as the SDK's waits do (default 100ms)"

func (w *waitFlags) register(fs *flag.FlagSet) {
	fs.Var((*durationFlag)(&w.poll), "poll-interval", pollUsage)
}

// waitJob waits for a job, with a spinner on a terminal. known is the
// job's status when the wait starts, if known.
func (c *call) waitJob(ctx context.Context, id int, known mammoth.JobStatus, w waitFlags) (*mammoth.Job, error) {
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
	job, err := c.client.Jobs.WaitForJob(ctx, id, &mammoth.WaitOptions{
		PollInterval: w.poll,
		OnPoll:       func(j *mammoth.Job) { status.Store(j.Status) },
	})
	final := ""
	if err == nil {
		final = fmt.Sprintf("job %d %s after %s", id, job.Status, formatElapsed(p.elapsed()))
	}
	p.stop(final)
	if st := stopped(ctx); err != nil && st != nil {
		// The job goes on without us; the demo's ends with the process.
		subject := fmt.Sprintf("job %d", id)
		if st.kind == "timeout" {
			st.msg, subject = strings.Replace(st.msg, "gave up", subject+" has not finished", 1), "it"
		}
		if !c.demo {
			st.msg += fmt.Sprintf("; %s may still be running: 'mammoth jobs wait %d' waits for it", subject, id)
		}
		return nil, st
	}
	return job, err
}
