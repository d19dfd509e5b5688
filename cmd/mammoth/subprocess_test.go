package main

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// TestMain lets a test run the tool as a process of its own: the test
// binary, started with MAMMOTH_CLI_TEST_MAIN=1, is the mammoth command.
func TestMain(m *testing.M) {
	if os.Getenv("MAMMOTH_CLI_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// command is the tool as a child process, talking to h's fake API.
func (h *harness) command(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "MAMMOTH_CLI_TEST_MAIN=1")
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	return cmd
}

func skipWithoutSignals(t *testing.T) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGPIPE or SIGINT to send")
	}
}

// bigCSV makes the fake serve a CSV of n lines of 1 KiB.
func bigCSV(srv *mammothtest.Server, lines int) {
	srv.SetCSVGenerator(demoRef, int64(lines)<<10, func(w io.Writer) error {
		line := append(bytes.Repeat([]byte("x"), 1023), '\n')
		for range lines {
			if _, err := w.Write(line); err != nil {
				return err
			}
		}
		return nil
	})
}

// TestProcess_PipeClosedByHead is "mammoth exports download-csv | head -c
// 100": the reader goes away after 100 bytes. The process must not die of
// SIGPIPE but delete its export and exit 141 without a word.
func TestProcess_PipeClosedByHead(t *testing.T) {
	t.Parallel()
	skipWithoutSignals(t)
	h := newHarness(t)
	bigCSV(h.srv, 16<<10) // 16 MiB, far more than a pipe holds
	cmd := h.command("exports", "download-csv", "--poll-interval", "1ms")
	var stderr syncBuffer // read before the process ends
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	head := make([]byte, 100)
	_, err = io.ReadFull(stdout, head)
	require.NoError(t, err, stderr.String())
	require.NoError(t, stdout.Close())
	err = cmd.Wait()
	assert.Equal(t, exitBrokenPipe, cmd.ProcessState.ExitCode(), "%v; stderr: %s", err, stderr.String())
	assert.Empty(t, stderr.String())
	assert.Equal(t, strings.Repeat("x", 100), string(head))
	assert.Len(t, h.srv.Exports(demoRef), 4, "the temporary export is deleted")
}

// TestProcess_SignalsDuringCleanupWait sends Ctrl-C during a download,
// then two more signals while the temporary export is being deleted: the
// process reports them, finishes the deletion, removes its .part file and
// exits 130.
func TestProcess_SignalsDuringCleanupWait(t *testing.T) {
	t.Parallel()
	skipWithoutSignals(t)
	h := newHarness(t)
	stallCSV(t, h.srv, bytes.Repeat([]byte("y\n"), 1<<19))
	// The deletion takes 3 s, long enough to be signalled during, within
	// the SDK's 5 s bound on cleanup.
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Delay: 3 * time.Second})
	dir := t.TempDir()
	out := filepath.Join(dir, "sales.csv")
	cmd := h.command("exports", "download-csv", "--poll-interval", "1ms", "--out", out)
	var stderr syncBuffer
	cmd.Stderr = &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	partWritten := func() bool {
		parts, _ := filepath.Glob(filepath.Join(dir, ".sales.csv.*.part"))
		if len(parts) != 1 {
			return false
		}
		fi, err := os.Stat(parts[0])
		return err == nil && fi.Size() > 0
	}
	require.Eventually(t, partWritten, time.Minute, 5*time.Millisecond, "the download never started: %s", stderr.String())
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.Eventually(t, func() bool { return h.srv.RequestCount(mammothtest.RouteDeleteExport) > 0 },
		time.Minute, time.Millisecond, "no cleanup: %s", stderr.String())
	require.NoError(t, cmd.Process.Signal(syscall.SIGINT))
	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))

	select {
	case <-exited:
	case <-time.After(time.Minute):
		_ = cmd.Process.Kill()
		t.Fatalf("still running: %s", stderr.String())
	}
	assert.Equal(t, exitInterrupted, cmd.ProcessState.ExitCode(), stderr.String())
	assert.Equal(t, 2, strings.Count(stderr.String(), "cleaning up, please wait"), stderr.String())
	assert.Contains(t, stderr.String(), "mammoth exports download-csv: interrupted\n")
	assert.Len(t, h.srv.Exports(demoRef), 4, "the temporary export is deleted")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "neither the .part file nor a half CSV is left")
}
