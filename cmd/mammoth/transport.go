package main

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// lengthRecorder is a transport that notes the length of the last
// successful GET answer. The file's answer is the last one before the
// first byte of the CSV reaches the writer, which reads the length then:
// the SDK streams the file without saying how long it is.
type lengthRecorder struct {
	base http.RoundTripper
	last atomic.Int64
}

func (l *lengthRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(req)
	if err == nil && req.Method == http.MethodGet && resp.StatusCode == http.StatusOK {
		l.last.Store(resp.ContentLength)
	}
	return resp, err
}

// slowAfter is how long a request may go unanswered before a terminal
// is told that the command is still waiting.
const slowAfter = 5 * time.Second

// slowNotice is a transport that says on stderr, on a terminal, when an
// answer is slow to come: a hanging server would otherwise keep a command
// waiting in silence for every attempt and retry.
type slowNotice struct {
	base  http.RoundTripper
	after time.Duration
	w     io.Writer
}

func (s *slowNotice) RoundTrip(req *http.Request) (*http.Response, error) {
	t := time.AfterFunc(s.after, func() {
		fmt.Fprintf(s.w, "\r\x1b[Kmammoth: still waiting for an answer to %s %s after %s; --timeout sets a limit\n",
			req.Method, req.URL.Path, s.after)
	})
	defer t.Stop()
	return s.base.RoundTrip(req)
}

// lockedWriter serializes writes to a stream that several goroutines
// write: the progress line, the slow notice, the command.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}
