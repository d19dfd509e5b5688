package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

func TestDownload_OutIsCheckedBeforeAnythingIsSent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	cases := []struct{ name, out, stderr string }{
		{"a directory", dir, "--out " + dir + ": is a directory; name a file in it, such as " + filepath.Join(dir, "data.csv")},
		{"a name ending in a slash", filepath.Join(dir, "new") + "/", "names a directory; name a file"},
		{"a missing directory", filepath.Join(dir, "missing", "x.csv"), "the directory " + filepath.Join(dir, "missing") + " does not exist"},
		{"a file for a directory", filepath.Join(file, "x.csv"), "--out " + filepath.Join(file, "x.csv") + ": "},
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		require.NoError(t, os.Mkdir(ro, 0o500))
		roFile := filepath.Join(dir, "ro.csv")
		require.NoError(t, os.WriteFile(roFile, nil, 0o400))
		cases = append(cases,
			struct{ name, out, stderr string }{"a directory not writable", filepath.Join(ro, "x.csv"), "cannot write in " + ro + ": permission denied"},
			struct{ name, out, stderr string }{"a file not writable", roFile, "cannot be written: permission denied"})
	}
	if runtime.GOOS == "linux" {
		cases = append(cases, struct{ name, out, stderr string }{"a directory no one may write", "/proc/x.csv", "cannot write in /proc"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			r := h.run("exports download-csv --out " + tc.out)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Contains(t, r.stderr, tc.stderr)
			assert.True(t, strings.HasPrefix(r.stderr, "mammoth exports download-csv: --out "), r.stderr)
			assert.Empty(t, h.srv.Requests(), "nothing is sent")
		})
	}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		assert.False(t, strings.HasSuffix(e.Name(), ".part"), e.Name())
	}
}

func TestDownload_OutDashIsStdout(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("exports download-csv --poll-interval 1ms --out - --output json")
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, demoCSV, r.stdout, "the CSV alone, no JSON record")
	assert.Empty(t, r.stderr)
	_, err := os.Stat("-")
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestDownload_OutToADeviceWritesInPlace(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no /dev/null")
	}
	h := newHarness(t)
	r := h.run("exports download-csv --poll-interval 1ms --out /dev/null --output json")
	require.Zero(t, r.code, r.stderr)
	assert.JSONEq(t, fmt.Sprintf(`{"file": "/dev/null", "bytes": %d}`, len(demoCSV)), r.stdout)
	fi, err := os.Stat("/dev/null")
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeDevice, "still a device, not renamed over")
}

func TestDownload_FileModes(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("no Unix permissions")
	}
	dir := t.TempDir()
	existing := filepath.Join(dir, "shared.csv")
	require.NoError(t, os.WriteFile(existing, []byte("old"), 0o644))
	require.NoError(t, os.Chmod(existing, 0o640))
	fresh := filepath.Join(dir, "new.csv")
	h := newHarness(t)
	for _, out := range []string{existing, fresh} {
		r := h.run("exports download-csv --poll-interval 1ms --out " + out)
		require.Zero(t, r.code, r.stderr)
		data, err := os.ReadFile(out)
		require.NoError(t, err)
		assert.Equal(t, demoCSV, string(data))
	}
	for path, mode := range map[string]os.FileMode{existing: 0o640, fresh: 0o600} {
		fi, err := os.Stat(path)
		require.NoError(t, err)
		assert.Equal(t, mode, fi.Mode().Perm(), path)
	}
}

func TestDownloadLabel(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "preparing the CSV export 3s", downloadLabel(0, 100, 3*time.Second))
	assert.Equal(t, "downloading 1.0 MiB of 4.0 MiB (25%) in 2s (512.0 KiB/s)", downloadLabel(1<<20, 4<<20, 2*time.Second))
	assert.Equal(t, "downloading 1.0 MiB in 2s (512.0 KiB/s)", downloadLabel(1<<20, -1, 2*time.Second), "size not known")
	assert.Equal(t, "downloading 5 B in 0s", downloadLabel(5, 4, 0), "more than announced: no percentage above 100")
}

// gate is a CSV generator that writes half the file, then waits until
// released, then writes the rest.
type gate struct {
	size    int64
	release chan struct{}
}

func (g *gate) gen(w io.Writer) error {
	half := bytes.Repeat([]byte("a,b\n"), int(g.size/8))
	if _, err := w.Write(half); err != nil {
		return err
	}
	if f, ok := w.(interface{ Flush() }); ok {
		f.Flush()
	}
	<-g.release
	_, err := w.Write(half)
	return err
}

func TestDownload_ProgressShowsTotalAndPercentage(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	g := &gate{size: 1 << 20, release: make(chan struct{})}
	h.srv.SetCSVGenerator(demoRef, g.size, g.gen)
	var stderr syncBuffer
	var stdout bytes.Buffer
	e := h.envFor(&stdout, &stderr)
	e.isTerminal = func(s any) bool { return s == &stderr }
	done := make(chan int)
	go func() {
		done <- run(context.Background(), []string{"exports", "download-csv", "--poll-interval", "1ms"}, e)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "512.0 KiB of 1.0 MiB (50%)") },
		30*time.Second, 5*time.Millisecond, "stderr: %q", stderr.String())
	close(g.release)
	require.Zero(t, <-done, stderr.String())
	assert.Equal(t, int(g.size), stdout.Len())
	assert.True(t, strings.HasSuffix(stderr.String(), "\r\x1b[Kdownloaded 1.0 MiB in 0s\n"), "%q", stderr.String())
}

// closingWriter fails every write once limit bytes have been written, as
// a pipe whose reader went away does.
type closingWriter struct {
	limit   int64
	written atomic.Int64
}

func (c *closingWriter) Write(b []byte) (int, error) {
	if c.written.Load()+int64(len(b)) > c.limit {
		return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}
	}
	c.written.Add(int64(len(b)))
	return len(b), nil
}

func TestDownload_ClosedStdoutStopsQuietlyAndCleansUp(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	bigCSV(h.srv, 4<<10)
	out := &closingWriter{limit: 100}
	var stderr bytes.Buffer
	code := run(context.Background(), []string{"exports", "download-csv", "--poll-interval", "1ms", "--output", "json"}, h.envFor(out, &stderr))
	assert.Equal(t, exitBrokenPipe, code)
	assert.Empty(t, stderr.String(), "quiet, as a pipeline expects")
	assert.Len(t, h.srv.Exports(demoRef), 4, "the temporary export is deleted")
	assert.Equal(t, 1, h.srv.RequestCount(mammothtest.RouteDeleteExport))
}

func TestClosedStdout_AnyCommandExits141Quietly(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	var stderr bytes.Buffer
	assert.Equal(t, exitBrokenPipe, run(context.Background(), []string{"exports", "list", "--all", "--output", "jsonl"}, h.envFor(&closingWriter{limit: 10}, &stderr)))
	assert.Empty(t, stderr.String())
}

func TestDownload_OutThroughASymlink(t *testing.T) {
	t.Parallel()
	if runtime.GOOS == "windows" {
		t.Skip("symbolic links need privileges")
	}
	dir := t.TempDir()
	real := filepath.Join(dir, "data", "sales.csv")
	require.NoError(t, os.Mkdir(filepath.Dir(real), 0o755))
	require.NoError(t, os.WriteFile(real, []byte("old"), 0o644))
	link := filepath.Join(dir, "latest.csv")
	require.NoError(t, os.Symlink(real, link))
	h := newHarness(t)
	r := h.run("exports download-csv --poll-interval 1ms --out " + link)
	require.Zero(t, r.code, r.stderr)
	fi, err := os.Lstat(link)
	require.NoError(t, err)
	assert.NotZero(t, fi.Mode()&os.ModeSymlink, "the link stays a link")
	data, err := os.ReadFile(real)
	require.NoError(t, err)
	assert.Equal(t, demoCSV, string(data), "the file it leads to has the CSV")

	dangling := filepath.Join(dir, "dangling.csv")
	require.NoError(t, os.Symlink(filepath.Join(dir, "nowhere", "x.csv"), dangling))
	r = h.run("exports download-csv --out " + dangling)
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "is a symbolic link that leads to no file")
}
