package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	testKey    = "mk-test-key-2f8a61c0"
	testSecret = "ms-test-SECRET-must-never-print-93d1"
)

func fixedNow() time.Time { return time.Date(2025, 11, 3, 9, 30, 0, 0, time.UTC) }

// harness runs the tool in-process against a fake API seeded with the
// demo's exports, with credentials and dataview ids in its environment.
type harness struct {
	t        *testing.T
	srv      *mammothtest.Server
	env      map[string]string
	stdin    string
	terminal bool      // stdin and stderr are "terminals"
	tee      io.Writer // also gets stdout, if set
}

func newHarness(t *testing.T, opts ...mammothtest.Option) *harness {
	t.Helper()
	base := []mammothtest.Option{mammothtest.WithClock(fixedNow), mammothtest.WithCredentials(testKey, testSecret)}
	srv := mammothtest.NewServer(append(base, opts...)...)
	t.Cleanup(srv.Close)
	seedDemo(srv)
	return &harness{t: t, srv: srv, env: map[string]string{
		"MAMMOTH_API_KEY":      testKey,
		"MAMMOTH_API_SECRET":   testSecret,
		"MAMMOTH_BASE_URL":     srv.URL(),
		"MAMMOTH_WORKSPACE_ID": "4",
		"MAMMOTH_PROJECT_ID":   "4",
		"MAMMOTH_DATASET_ID":   "121",
		"MAMMOTH_DATAVIEW_ID":  "2311",
	}}
}

type result struct {
	code           int
	stdout, stderr string
}

// run runs the tool with a command line split on spaces.
func (h *harness) run(cmdline string) result {
	h.t.Helper()
	return h.runArgs(context.Background(), strings.Fields(cmdline)...)
}

// runArgs runs the tool and checks that the API secret appears in none of
// its output.
func (h *harness) runArgs(ctx context.Context, args ...string) result {
	h.t.Helper()
	var stdout, stderr bytes.Buffer
	var out io.Writer = &stdout
	if h.tee != nil {
		out = io.MultiWriter(&stdout, h.tee)
	}
	stdin := strings.NewReader(h.stdin)
	e := &env{
		stdin: stdin, stdout: out, stderr: &stderr,
		getenv:     func(k string) string { return h.env[k] },
		isTerminal: func(s any) bool { return h.terminal && (s == stdin || s == &stderr) },
		now:        fixedNow,
	}
	code := run(ctx, args, e)
	assert.NotContains(h.t, stdout.String()+stderr.String(), testSecret, "the API secret was printed by %q", args)
	return result{code: code, stdout: h.sanitize(stdout.String()), stderr: h.sanitize(stderr.String())}
}

// envFor is the harness's environment with other streams, none of them a
// terminal, for tests that watch the output as it is written.
func (h *harness) envFor(stdout, stderr io.Writer) *env {
	return &env{stdin: strings.NewReader(""), stdout: stdout, stderr: stderr,
		getenv: func(k string) string { return h.env[k] }, isTerminal: func(any) bool { return false }, now: fixedNow}
}

// stallCSV makes the dataview's file start with first, flushed, and then
// stall until the test ends.
func stallCSV(t *testing.T, srv *mammothtest.Server, first []byte) {
	release := make(chan struct{})
	t.Cleanup(func() { close(release) })
	srv.SetCSVGenerator(demoRef, int64(len(first))+1<<20, func(w io.Writer) error {
		if _, err := w.Write(first); err != nil {
			return err
		}
		if f, ok := w.(interface{ Flush() }); ok {
			f.Flush()
		}
		<-release
		return nil
	})
}

var fileLink = regexp.MustCompile(`\{FILES\}/[^"\s]*`)

// sanitize replaces what changes from run to run: the servers' addresses
// and the signed file links.
func (h *harness) sanitize(s string) string {
	if h.srv == nil {
		return s
	}
	s = strings.ReplaceAll(s, h.srv.URL(), "{API}")
	s = strings.ReplaceAll(s, h.srv.FileURL(), "{FILES}")
	return fileLink.ReplaceAllString(s, "{FILES}/…")
}

func (r result) String() string {
	return fmt.Sprintf("exit %d\n-- stdout --\n%s-- stderr --\n%s", r.code, r.stdout, r.stderr)
}

// golden compares got with testdata/name.golden, or rewrites it with
// -update.
func golden(t *testing.T, name, cmdline string, got result) {
	t.Helper()
	text := "$ mammoth " + cmdline + "\n" + got.String()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./cmd/mammoth -update to create it")
	assert.Equal(t, string(want), text)
}
