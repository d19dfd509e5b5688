package mammoth

import "time"

// The polling schedule every wait of the SDK follows ([JobsService.WaitForJob]
// and the waits built on it). A wait polls at once, then again after the
// first interval (100ms unless [WithPollInterval] or
// [WaitOptions.PollInterval] says otherwise). Intervals then double up to
// the latency budget, max(first interval, 250ms), and from there on are a
// tenth of the time waited so far, so that the time between a job's end and
// the wait noticing it stays within max(250ms, 10% of the job's run time).
// For the first minute they stop growing at max(first interval, 2s), the
// interval this SDK used to poll at, so that jobs of up to a minute are
// seen no later than a fixed 2s poll would see them; after that, long jobs
// cost few polls, one every 15s (the default cap) from 2.5 minutes on.
const (
	defaultPollInterval    = 100 * time.Millisecond
	defaultMaxPollInterval = 15 * time.Second
	pollLatencyBudget      = 250 * time.Millisecond
	// pollLatencyShare is the share of the time waited that a wait may
	// take to notice the end: 10 means a tenth.
	pollLatencyShare = 10
	// steadyPollInterval and steadyPollingPeriod hold intervals at 2s for
	// the first minute of a wait.
	steadyPollInterval  = 2 * time.Second
	steadyPollingPeriod = time.Minute
)

// WithPollInterval sets the first interval between polls of every wait the
// client makes (for a job, a pipeline, a dataview); later intervals grow
// from it as the schedule of [WaitOptions] says. The default is 100ms; 0
// keeps it. A wait's own [WaitOptions.PollInterval] takes precedence.
// Against [mammothtest], a millisecond makes waits in tests nearly free.
func WithPollInterval(d time.Duration) Option {
	return func(c *Client) error {
		if d < 0 {
			return &ValidationError{Field: "poll interval", Reason: "must not be negative"}
		}
		c.pollInterval = d
		return nil
	}
}

// validateWaitOptions refuses timing fields no schedule can follow. A nil
// opts is valid.
func validateWaitOptions(opts *WaitOptions) error {
	if opts == nil {
		return nil
	}
	switch {
	case opts.PollInterval < 0:
		return &ValidationError{Field: "WaitOptions.PollInterval", Reason: "must not be negative"}
	case opts.MaxPollInterval < 0:
		return &ValidationError{Field: "WaitOptions.MaxPollInterval", Reason: "must not be negative"}
	case opts.Timeout < 0:
		return &ValidationError{Field: "WaitOptions.Timeout", Reason: "must not be negative"}
	}
	return nil
}

// pollTimer hands out the intervals of one wait. It counts the time waited
// as the sum of the intervals it handed out: the time spent in requests
// only makes the real run longer, so the share it allows stays on the safe
// side, and the schedule is the same on every run.
type pollTimer struct {
	interval time.Duration // the last one handed out; 0 before the first
	first    time.Duration
	budget   time.Duration // intervals below it are always allowed
	steady   time.Duration // intervals stop there for steadyPollingPeriod
	cap      time.Duration
	waited   time.Duration
}

// pollSchedule returns the schedule of one wait, from the client's
// [WithPollInterval] and opts (nil for the defaults). Negative fields are
// taken as unset: callers check opts with validateWaitOptions first.
func (c *Client) pollSchedule(opts *WaitOptions) *pollTimer {
	first := c.pollInterval
	var maxInterval time.Duration
	if opts != nil {
		if opts.PollInterval > 0 {
			first = opts.PollInterval
		}
		maxInterval = max(opts.MaxPollInterval, 0)
	}
	if first <= 0 {
		first = defaultPollInterval
	}
	if maxInterval == 0 {
		maxInterval = max(defaultMaxPollInterval, first)
	}
	first = min(first, maxInterval)
	return &pollTimer{
		first:  first,
		budget: max(first, pollLatencyBudget),
		steady: max(first, steadyPollInterval),
		cap:    maxInterval,
	}
}

// next returns how long to wait before the next poll.
func (t *pollTimer) next() time.Duration {
	d := t.first
	if t.interval > 0 {
		target := max(t.budget, t.waited/pollLatencyShare)
		if t.waited < steadyPollingPeriod {
			target = min(target, t.steady)
		}
		grown := t.cap
		if t.interval <= t.cap/2 {
			grown = 2 * t.interval
		}
		d = min(t.cap, max(t.interval, min(grown, target)))
	}
	t.interval = d
	t.waited += d
	return d
}
