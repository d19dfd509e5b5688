package mammoth

import (
	"context"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// pollTimes returns the times, from the start of a wait, of its polls up to
// and including the first at or after end.
func pollTimes(s *pollTimer, end time.Duration) []time.Duration {
	times := []time.Duration{0}
	for at := time.Duration(0); at < end; {
		at += s.next()
		times = append(times, at)
	}
	return times
}

func newPollClient(t *testing.T, opts ...Option) *Client {
	t.Helper()
	c, err := NewClient("key", "secret", opts...)
	require.NoError(t, err)
	return c
}

func TestPollSchedule_DefaultStartsAt100msAndDoubles(t *testing.T) {
	t.Parallel()
	s := newPollClient(t).pollSchedule(nil)
	var got []time.Duration
	for range 5 {
		got = append(got, s.next())
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{100 * ms, 200 * ms, 250 * ms, 250 * ms, 250 * ms}, got)
}

func TestPollSchedule_SeesTheEndWithinMaxOf250msAndATenthOfTheRunTime(t *testing.T) {
	t.Parallel()
	c := newPollClient(t)
	for end := time.Millisecond; end < 2*time.Hour; end += end/7 + time.Millisecond {
		times := pollTimes(c.pollSchedule(nil), end)
		delay := times[len(times)-1] - end
		budget := max(pollLatencyBudget, min(end/10, defaultMaxPollInterval))
		assert.LessOrEqual(t, delay, budget, "job of %v", end)
	}
}

func TestPollSchedule_FewPollsForLongJobs(t *testing.T) {
	t.Parallel()
	c := newPollClient(t)
	tests := []struct {
		run     time.Duration
		atMost  int
		fixed2s int // what a fixed 2s poll costs, for comparison
	}{
		{time.Second, 9, 2},
		{30 * time.Second, 40, 16},
		{10 * time.Minute, 100, 301},
		{time.Hour, 300, 1801},
	}
	for _, tt := range tests {
		polls := len(pollTimes(c.pollSchedule(nil), tt.run))
		assert.LessOrEqual(t, polls, tt.atMost, "job of %v", tt.run)
		if tt.run >= 10*time.Minute {
			assert.Less(t, polls, tt.fixed2s, "job of %v polls less than every 2s", tt.run)
		}
	}
}

func TestPollSchedule_IntervalsNeverShrinkAndStopAtTheCap(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		client  []Option
		opts    *WaitOptions
		first   time.Duration
		wantCap time.Duration
	}{
		{"defaults", nil, nil, 100 * time.Millisecond, 15 * time.Second},
		{"client interval", []Option{WithPollInterval(time.Millisecond)}, nil, time.Millisecond, 15 * time.Second},
		{"zero client interval keeps the default", []Option{WithPollInterval(0)}, nil, 100 * time.Millisecond, 15 * time.Second},
		{"wait's interval wins over the client's", []Option{WithPollInterval(time.Millisecond)}, &WaitOptions{PollInterval: 3 * time.Second}, 3 * time.Second, 15 * time.Second},
		{"cap follows a large first interval", nil, &WaitOptions{PollInterval: time.Minute}, time.Minute, time.Minute},
		{"explicit cap", nil, &WaitOptions{MaxPollInterval: 2 * time.Second}, 100 * time.Millisecond, 2 * time.Second},
		{"cap below the first interval caps it", nil, &WaitOptions{PollInterval: 5 * time.Second, MaxPollInterval: time.Second}, time.Second, time.Second},
		{"huge interval does not overflow", nil, &WaitOptions{PollInterval: math.MaxInt64}, math.MaxInt64, math.MaxInt64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newPollClient(t, tt.client...).pollSchedule(tt.opts)
			prev := s.next()
			assert.Equal(t, tt.first, prev, "first interval")
			for range 200 {
				d := s.next()
				require.GreaterOrEqual(t, d, prev)
				require.LessOrEqual(t, d, tt.wantCap)
				prev = d
			}
			assert.Equal(t, tt.wantCap, prev, "reaches the cap")
		})
	}
}

func TestWithPollInterval_RejectsNegative(t *testing.T) {
	t.Parallel()
	_, err := NewClient("key", "secret", WithPollInterval(-time.Millisecond))
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "poll interval", ve.Field)
}

func TestWaitForJob_UsesTheClientsPollInterval(t *testing.T) {
	t.Parallel()
	f := setup(t, WithPollInterval(time.Millisecond))
	polls := jobSequence(t, f, 5, `{"job":{"id":5,"status":"success"}}`, "processing", "processing", "processing")
	var paths []string
	f.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { paths = append(paths, r.URL.Path) })
	_, err := f.client.Jobs.WaitForJob(context.Background(), 5, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 4, polls.Load(), "four GET /jobs/5")
	assert.Empty(t, paths, "no other request")
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{ms, 2 * ms, 4 * ms}, f.waits())
}

func TestPollSchedule_NoLaterThanAFixed2sPollForTheFirstMinute(t *testing.T) {
	t.Parallel()
	c := newPollClient(t)
	for end := time.Millisecond; end <= time.Minute; end += 37 * time.Millisecond {
		times := pollTimes(c.pollSchedule(nil), end)
		assert.LessOrEqual(t, times[len(times)-1]-end, 2*time.Second, "job of %v", end)
	}
}

func TestPollSchedule_EqualIntervalsPollAtAFixedRate(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{time.Millisecond, 2 * time.Second, 5 * time.Second, time.Minute} {
		s := newPollClient(t).pollSchedule(&WaitOptions{PollInterval: d, MaxPollInterval: d})
		for i := range 500 {
			require.Equal(t, d, s.next(), "interval %d of %v", i, d)
		}
	}
}
