package mammoth

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// LogSignal is a log handler that closes a channel the first time the
// client logs a message, so that a test can wait for the client to reach
// a step ("mammoth: waiting for cooldown") instead of sleeping and hoping
// it did. Tests in package mammoth_test use it too.
type LogSignal struct {
	mu   sync.Mutex
	seen map[string]chan struct{}
}

// NewLogSignal returns a LogSignal that has seen nothing yet.
func NewLogSignal() *LogSignal { return &LogSignal{seen: map[string]chan struct{}{}} }

// channel returns msg's channel; l.mu must be held.
func (l *LogSignal) channel(msg string) chan struct{} {
	ch, ok := l.seen[msg]
	if !ok {
		ch = make(chan struct{})
		l.seen[msg] = ch
	}
	return ch
}

// Logged returns a channel closed once msg has been logged.
func (l *LogSignal) Logged(msg string) <-chan struct{} {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.channel(msg)
}

// Await waits for the client to log msg, failing the test after a minute.
func (l *LogSignal) Await(t *testing.T, msg string) {
	t.Helper()
	select {
	case <-l.Logged(msg):
	case <-time.After(time.Minute):
		t.Fatalf("the client never logged %q", msg)
	}
}

func (l *LogSignal) Enabled(context.Context, slog.Level) bool { return true }
func (l *LogSignal) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *LogSignal) WithGroup(string) slog.Handler            { return l }

func (l *LogSignal) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	ch := l.channel(r.Message)
	select {
	case <-ch:
	default:
		close(ch)
	}
	return nil
}
