package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// refuseDeletes makes every deletion of an export fail with 403, so that a
// download cannot remove its temporary export.
func refuseDeletes(h *harness) {
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Status: 403, Count: -1})
}

var removeCommand = regexp.MustCompile(`remove it with: mammoth (exports delete \d+ --workspace 4 --project 4 --dataset 121 --dataview 2311 --yes)\n$`)

// removesLeftover runs the command the message gave and checks that it
// removes the export.
func removesLeftover(t *testing.T, h *harness, stderr string) {
	t.Helper()
	m := removeCommand.FindStringSubmatch(stderr)
	require.NotNil(t, m, "no command to remove the export: %q", stderr)
	h.srv.ClearFaults()
	r := h.run(m[1])
	require.Zero(t, r.code, r.stderr)
	assert.Len(t, h.srv.Exports(demoRef), 4, "the command removed the export")
}

func TestCleanupFailed_CompleteFileIsKept(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	refuseDeletes(h)
	dir := t.TempDir()
	out := filepath.Join(dir, "sales.csv")
	r := h.run("exports download-csv --poll-interval 1ms --output json --out " + out)
	assert.Equal(t, exitLeftBehind, r.code, r.stderr)
	data, err := os.ReadFile(out)
	require.NoError(t, err, "the complete CSV is renamed into place")
	assert.Equal(t, demoCSV, string(data))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no .part file")
	assert.Regexp(t, `^mammoth exports download-csv: the CSV is complete \(`+strconv.Itoa(len(demoCSV))+` bytes in `+regexp.QuoteMeta(out)+`\), `+
		`but its temporary export 105 \(file temp_export_121_2311_[0-9a-f]+\.csv\) may still be in the pipeline: deleting it failed \(.*403.*\); `+
		`remove it with: mammoth exports delete 105 --workspace 4 --project 4 --dataset 121 --dataview 2311 --yes\n$`, r.stderr)
	assert.Contains(t, r.stdout, `"kind": "cleanup_failed"`)
	assert.Contains(t, r.stdout, `"exit_code": 6`)
	removesLeftover(t, h, r.stderr)
}

func TestCleanupFailed_CompleteOnStdout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	refuseDeletes(h)
	r := h.run("exports download-csv --poll-interval 1ms --output json")
	assert.Equal(t, exitLeftBehind, r.code, r.stderr)
	assert.Equal(t, demoCSV, r.stdout, "stdout carries the CSV alone")
	assert.Contains(t, r.stderr, "the CSV is complete ("+strconv.Itoa(len(demoCSV))+" bytes on stdout), but its temporary export 105")
	removesLeftover(t, h, r.stderr)
}

func TestCleanupFailed_IncompleteFileIsRemoved(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bigCSV(h.srv, 64)
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDownload, ResetAfterBytes: 10 << 10, Count: -1})
	refuseDeletes(h)
	dir := t.TempDir()
	r := h.run("exports download-csv --poll-interval 1ms --out " + filepath.Join(dir, "sales.csv"))
	assert.Equal(t, exitUnavailable, r.code, r.stderr)
	assert.Contains(t, r.stderr, "mammoth exports download-csv: cannot reach the API (")
	assert.Contains(t, r.stderr, "; its temporary export 105 (file temp_export_121_2311_")
	assert.NotContains(t, r.stderr, "is complete")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "neither the .part file nor a half CSV")
	removesLeftover(t, h, r.stderr)
}

func TestCleanupFailed_AfterAClosedStdoutIsNotQuiet(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bigCSV(h.srv, 1024)
	refuseDeletes(h)
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"exports", "download-csv", "--poll-interval", "1ms"}, h.envFor(&closingWriter{limit: 100}, &stderr))
	assert.Equal(t, exitBrokenPipe, code)
	assert.True(t, strings.HasPrefix(stderr.String(), "mammoth exports download-csv: stdout was closed; its temporary export 105"), stderr.String())
	removesLeftover(t, h, stderr.String())
}

func TestCleanupFailed_AfterAnInterrupt(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	stallCSV(t, h.srv, []byte("a,b\n"))
	refuseDeletes(h)
	ctx, cancel := context.WithCancelCause(context.Background())
	go func() {
		for h.srv.RequestCount(mammothtest.RouteDownload) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel(interrupted{syscall.SIGINT})
	}()
	dir := t.TempDir()
	r := h.runArgs(ctx, "exports", "download-csv", "--poll-interval", "1ms", "--out", filepath.Join(dir, "x.csv"))
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "mammoth exports download-csv: interrupted; its temporary export 105"), r.stderr)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
	removesLeftover(t, h, r.stderr)
}

func TestCleanupFailed_ExportIDUnknown(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// The add happens but its answer is lost, and the listing that would
	// find the export is refused.
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteAddExport, Reset: true, AfterHandling: true})
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 403, Count: -1})
	r := h.run("exports download-csv --poll-interval 1ms")
	assert.NotZero(t, r.code)
	ids := "--workspace 4 --project 4 --dataset 121 --dataview 2311"
	assert.Regexp(t, `; its temporary export writing to temp_export_121_2311_[0-9a-f]+\.csv may still be in the pipeline: deleting it failed \(`, r.stderr)
	assert.True(t, strings.HasSuffix(r.stderr, "'mammoth exports list --handler-type s3 "+ids+"' finds it; 'mammoth exports delete EXPORT_ID "+ids+" --yes' removes it\n"), r.stderr)
	assert.Len(t, h.srv.Exports(demoRef), 5, "the export was added and is left")
}

func TestWithoutCleanup(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	refuseDeletes(h)
	r := h.run("exports download-csv --poll-interval 1ms --keep-export")
	assert.Zero(t, r.code, "with --keep-export nothing is deleted, so nothing fails: %s", r.stderr)
	assert.Zero(t, h.srv.RequestCount(mammothtest.RouteDeleteExport))
}

func TestDownload_TimeoutStillDeletesTheExport(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	stallCSV(t, h.srv, []byte("a,b\n"))
	dir := t.TempDir()
	r := h.run("exports download-csv --poll-interval 1ms --timeout 300ms --out " + filepath.Join(dir, "x.csv"))
	assert.Equal(t, exitTimeout, r.code, r.stderr)
	assert.True(t, strings.HasPrefix(r.stderr, "mammoth exports download-csv: gave up after --timeout 300ms"), r.stderr)
	assert.Len(t, h.srv.Exports(demoRef), 4, "the temporary export is deleted")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
