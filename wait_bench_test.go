package mammoth_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// simClock is the time of a simulated wait: it moves only when the client
// sleeps, so a 30s job is waited for in microseconds.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
	return ctx.Err()
}

// BenchmarkWaitForJob measures how soon WaitForJob sees a job end, and how
// many polls that costs, for jobs of about 1s, 5s and 30s: each op waits
// for 20 jobs whose run times are spread evenly over [T, 1.1T), so that no
// schedule gains from a job that happens to end at the instant of a poll.
// Each wait is a real WaitForJob against mammothtest with WithJobDuration,
// on a simulated clock that advances only when the client sleeps between
// polls: time spent in requests is not counted, and the figures are the
// same on every machine. It reports:
//
//   - delay-ms: mean time from a job's end to the poll that sees it;
//   - max-delay-ms: the longest of those;
//   - polls: mean GET /jobs/{id} requests per wait, the one that sees the
//     end included.
//
// "schedule=default" is the SDK's schedule (WaitOptions unset);
// "schedule=fixed-2s" and "schedule=fixed-5s" poll at a constant interval,
// as other clients of this API do. ns/op is only the in-memory cost of the
// 20 simulated waits, fake servers included.
func BenchmarkWaitForJob(b *testing.B) {
	schedules := []struct {
		name string
		opts *mammoth.WaitOptions
	}{
		{"default", nil},
		{"fixed-2s", &mammoth.WaitOptions{PollInterval: 2 * time.Second, MaxPollInterval: 2 * time.Second}},
		{"fixed-5s", &mammoth.WaitOptions{PollInterval: 5 * time.Second, MaxPollInterval: 5 * time.Second}},
	}
	const jobsPerOp = 20
	for _, run := range []time.Duration{time.Second, 5 * time.Second, 30 * time.Second} {
		for _, sched := range schedules {
			b.Run(fmt.Sprintf("job=%v/schedule=%s", run, sched.name), func(b *testing.B) {
				var total, worst time.Duration
				var polls int
				for range b.N {
					total, worst, polls = 0, 0, 0
					for i := range jobsPerOp {
						delay, n := simulateWait(b, run+run*time.Duration(i)/(10*jobsPerOp), sched.opts)
						total += delay
						worst = max(worst, delay)
						polls += n
					}
				}
				b.ReportMetric(float64(total.Milliseconds())/jobsPerOp, "delay-ms")
				b.ReportMetric(float64(worst.Milliseconds()), "max-delay-ms")
				b.ReportMetric(float64(polls)/jobsPerOp, "polls")
			})
		}
	}
}

// simulateWait adds an export whose job runs for run, waits for it with
// opts and returns the detection delay and the number of polls.
func simulateWait(b *testing.B, run time.Duration, opts *mammoth.WaitOptions) (time.Duration, int) {
	b.Helper()
	clock := &simClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	srv := mammothtest.NewServer(mammothtest.WithClock(clock.Now), mammothtest.WithJobDuration(run))
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	// A client with the SDK's default schedule, not Server.Client's.
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	if err != nil {
		b.Fatal(err)
	}
	mammoth.SetSleepForTest(client, clock.sleep)
	ctx := context.Background()
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "bench.csv"})
	if err != nil {
		b.Fatal(err)
	}
	ends := clock.Now().Add(run)
	if _, err := client.Jobs.WaitForJob(ctx, change.Job.ID, opts); err != nil {
		b.Fatal(err)
	}
	return clock.Now().Sub(ends), srv.RequestCount(mammothtest.RouteGetJob)
}
