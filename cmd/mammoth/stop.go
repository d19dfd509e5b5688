package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// timedOut is the cause of a command's context when --timeout ran out.
type timedOut struct{ after time.Duration }

func (t timedOut) Error() string { return fmt.Sprintf("timed out after %s", t.after) }

// interrupted is the cause of a command's context when a signal stopped
// it.
type interrupted struct{ sig os.Signal }

func (i interrupted) Error() string { return "interrupted by " + i.sig.String() }

// exitCode is the shell's status for a process killed by the signal:
// 128 plus its number, 130 for Ctrl-C and 143 for SIGTERM.
func (i interrupted) exitCode() int {
	if n, ok := i.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitInterrupted
}

// stopped explains why ctx ended early, if it did: a signal (or another
// cancellation, which counts as Ctrl-C) or --timeout. Callers add what
// was going on.
func stopped(ctx context.Context) *cliError {
	if ctx.Err() == nil {
		return nil
	}
	var to timedOut
	var in interrupted
	switch cause := context.Cause(ctx); {
	case errors.As(cause, &to):
		return &cliError{code: exitTimeout, kind: "timeout", msg: fmt.Sprintf("gave up after --timeout %s", to.after)}
	case errors.As(cause, &in):
		return &cliError{code: in.exitCode(), kind: "interrupted", msg: "interrupted"}
	case errors.Is(cause, context.DeadlineExceeded):
		return &cliError{code: exitTimeout, kind: "timeout", msg: "gave up: the deadline passed"}
	}
	return &cliError{code: exitInterrupted, kind: "interrupted", msg: "interrupted"}
}

// signalContext returns a context that a first signal from sigs cancels,
// with the signal as its cause. Signals after the first do not stop the
// process: a command that was interrupted is cleaning up (a download
// deletes its temporary export, within a bound the SDK sets), and each
// further signal only says so on stderr. A process-group signal delivered
// twice, or an impatient second Ctrl-C, would otherwise leave the export
// and a half-written file behind. stop ends the watch.
func signalContext(parent context.Context, sigs <-chan os.Signal, stderr io.Writer) (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		first := true
		for {
			select {
			case <-done:
				return
			case sig := <-sigs:
				if first {
					first = false
					cancel(interrupted{sig})
					continue
				}
				fmt.Fprintf(stderr, "\nmammoth: %s: cleaning up, please wait\n", sig)
			}
		}
	}()
	var once sync.Once
	return ctx, func() {
		once.Do(func() {
			close(done)
			wg.Wait()
			cancel(context.Canceled)
		})
	}
}
