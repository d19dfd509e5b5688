package mammoth

import (
	"context"
	"time"
)

// SetSleepForTest replaces the client's waits (between polls and between
// retries) with sleep, for tests and benchmarks in package mammoth_test
// that run waits on a simulated clock.
func SetSleepForTest(c *Client, sleep func(context.Context, time.Duration) error) {
	c.sleepFn = sleep
}
