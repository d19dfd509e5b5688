package main

import (
	"fmt"
	"io"
	"time"
)

// progressLine is a status line redrawn in place on stderr while work goes
// on: a spinner and a text that may change. It exists only when stderr is
// a terminal; a nil *progressLine draws nothing.
type progressLine struct {
	w       io.Writer
	now     func() time.Time
	start   time.Time
	done    chan struct{}
	stopped chan struct{}
}

const progressTick = 100 * time.Millisecond

var spinnerFrames = []rune("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")

// startProgress draws text (given the time elapsed) on stderr until stop,
// if progress is shown at all.
func (c *call) startProgress(text func(elapsed time.Duration) string) *progressLine {
	if !c.progress {
		return nil
	}
	p := &progressLine{w: c.env.stderr, now: c.env.now, start: c.env.now(),
		done: make(chan struct{}), stopped: make(chan struct{})}
	go func() {
		defer close(p.stopped)
		t := time.NewTicker(progressTick)
		defer t.Stop()
		for i := 0; ; i++ {
			fmt.Fprintf(p.w, "\r%c %s\x1b[K", spinnerFrames[i%len(spinnerFrames)], text(p.elapsed()))
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *progressLine) elapsed() time.Duration {
	if p == nil {
		return 0
	}
	return p.now().Sub(p.start)
}

// stop clears the line and writes final, if not empty, in its place.
func (p *progressLine) stop(final string) {
	if p == nil {
		return
	}
	close(p.done)
	<-p.stopped
	fmt.Fprint(p.w, "\r\x1b[K")
	if final != "" {
		fmt.Fprintln(p.w, final)
	}
}

func formatElapsed(d time.Duration) string { return d.Round(time.Second).String() }

// transferred says how many bytes went in how long, and at what rate.
func transferred(n int64, elapsed time.Duration) string {
	return formatBytes(n) + " in " + rate(n, elapsed)
}

// rate is the time elapsed and, once it is long enough to mean something,
// the rate of n bytes in it.
func rate(n int64, elapsed time.Duration) string {
	s := formatElapsed(elapsed)
	if elapsed >= time.Second/10 {
		s += fmt.Sprintf(" (%s/s)", formatBytes(int64(float64(n)/elapsed.Seconds())))
	}
	return s
}

func formatBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	v, i := float64(n)/unit, 0
	for ; v >= unit && i < 3; i++ {
		v /= unit
	}
	return fmt.Sprintf("%.1f %ciB", v, "KMGT"[i])
}
