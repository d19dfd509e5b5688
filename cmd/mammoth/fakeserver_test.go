package main

import (
	"bufio"
	"context"
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeServer runs "mammoth fake-server args..." in-process until the test
// ends, and returns what it printed on stdout once it listens, and its
// stderr.
func startFakeServer(t *testing.T, args ...string) (stdout string, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	stderr = &syncBuffer{}
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: stderr, getenv: func(string) string { return "" },
		isTerminal: func(any) bool { return false }, now: time.Now}
	done := make(chan int, 1)
	go func() { done <- run(ctx, append([]string{"fake-server", "--addr", "127.0.0.1:0"}, args...), e) }()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Zero(t, code, "a stopped fake server exits 0: %s", stderr.String())
			assert.True(t, strings.HasSuffix(stderr.String(), "mammoth fake-server: stopped\n"), stderr.String())
		case <-time.After(time.Minute):
			t.Error("the fake server did not stop")
		}
	})
	require.Eventually(t, func() bool {
		select {
		case code := <-done:
			done <- code
			return true
		default:
		}
		return strings.Contains(stderr.String(), "Stop it with Ctrl-C")
	}, time.Minute, time.Millisecond)
	return out.String(), stderr
}

// envLines reads the "export KEY=VALUE" lines the fake server prints.
func envLines(t *testing.T, out string) map[string]string {
	t.Helper()
	vars := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		k, v, ok := strings.Cut(strings.TrimPrefix(sc.Text(), "export "), "=")
		require.True(t, ok, sc.Text())
		vars[k] = v
	}
	return vars
}

func TestFakeServer_ServesAcrossCommands(t *testing.T) {
	t.Parallel()
	out, stderr := startFakeServer(t)
	vars := envLines(t, out)
	assert.Len(t, vars, 7)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/api/v2$`, vars["MAMMOTH_BASE_URL"])
	assert.Equal(t, "2311", vars["MAMMOTH_DATAVIEW_ID"])
	assert.Contains(t, stderr.String(), "serving a fake Mammoth API at "+vars["MAMMOTH_BASE_URL"]+"\n")
	assert.Contains(t, stderr.String(), "dataview --workspace 4 --project 4 --dataset 121 --dataview 2311: 4 exports\n")

	// Each command is a client of its own, as separate processes would be.
	h := &harness{t: t, env: vars}
	r := h.run("exports run 101")
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stderr, "'mammoth jobs wait 5001' waits for it")
	r = h.run("jobs wait 5001 --poll-interval 1ms")
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stdout, "status           success")
	r = h.run("exports create-s3 --file kept.csv")
	require.Zero(t, r.code, r.stderr)
	r = h.run("exports list --output json")
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stdout, "kept.csv", "the state carries over")
	r = h.run("exports download-csv --poll-interval 1ms")
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, demoCSV, r.stdout)
}

func TestFakeServer_Flags(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	exportsFile := filepath.Join(dir, "exports.json")
	require.NoError(t, os.WriteFile(exportsFile, []byte(`[
		{"id": 700, "handler_type": "s3", "trigger_type": "none", "status": "executed", "target_properties": {"file": "a.csv"}},
		{"handler_type": "email", "trigger_type": "pipeline", "target_properties": {"emails": ["x@example.com"]}}
	]`), 0o644))
	csvFile := filepath.Join(dir, "data.csv")
	require.NoError(t, os.WriteFile(csvFile, []byte("a,b\n1,2\n"), 0o644))
	out, _ := startFakeServer(t, "--output", "json", "--api-key", "key one", "--api-secret", "s3cr3t",
		"--dataview", "1/2/3/4", "--dataview", "5/6/7/8", "--exports", exportsFile, "--csv", csvFile, "--job-polls", "0")
	var got fakeEnv
	require.NoError(t, json.Unmarshal([]byte(out), &got), out)
	assert.Equal(t, "key one", got.APIKey)
	assert.Equal(t, "s3cr3t", got.APISecret)
	assert.Equal(t, []fakeDataview{{1, 2, 3, 4}, {5, 6, 7, 8}}, got.Dataviews)

	h := &harness{t: t, env: map[string]string{"MAMMOTH_BASE_URL": got.BaseURL, "MAMMOTH_API_KEY": got.APIKey, "MAMMOTH_API_SECRET": got.APISecret}}
	for _, ids := range []string{"--workspace 1 --project 2 --dataset 3 --dataview 4", "--workspace 5 --project 6 --dataset 7 --dataview 8"} {
		r := h.run("exports list --output jsonl " + ids)
		require.Zero(t, r.code, r.stderr)
		assert.Equal(t, 2, strings.Count(r.stdout, "\n"), r.stdout)
		assert.Contains(t, r.stdout, `"file":"a.csv"`)
		r = h.run("exports download-csv " + ids)
		require.Zero(t, r.code, r.stderr)
		assert.Equal(t, "a,b\n1,2\n", r.stdout)
	}
	r := h.run("exports get 700 --workspace 1 --project 2 --dataset 3 --dataview 4 --output json")
	require.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stdout, `"status": "executed"`)
	assert.Equal(t, exitNotFound, h.run("exports list --workspace 4 --project 4 --dataset 121 --dataview 2311").code,
		"with --dataview, the demo's dataview is not served")
	h.env["MAMMOTH_API_SECRET"] = "wrong"
	assert.Equal(t, exitAuth, h.run("exports list --workspace 1 --project 2 --dataset 3 --dataview 4").code)
}

func TestFakeServer_JobDuration(t *testing.T) {
	t.Parallel()
	out, stderr := startFakeServer(t, "--job-duration", "1h")
	assert.Contains(t, stderr.String(), "jobs take 1h0m0s")
	h := &harness{t: t, env: envLines(t, out)}
	r := h.run("exports run 101 --wait --poll-interval 1ms --timeout 200ms")
	assert.Equal(t, exitTimeout, r.code, r.stderr)
	r = h.run("jobs get 5001")
	assert.Contains(t, r.stdout, "processing")
}

func TestFakeServer_OnEveryAddressPrintsALoopbackURL(t *testing.T) {
	t.Parallel()
	out, stderr := startFakeServer(t, "--addr", ":0")
	vars := envLines(t, out)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+/api/v2$`, vars["MAMMOTH_BASE_URL"])
	assert.Regexp(t, `at http://127\.0\.0\.1:\d+/api/v2 \(listening on (\[::\]|0\.0\.0\.0):\d+\)\n`, stderr.String())
	r := (&harness{t: t, env: vars}).run("exports list")
	assert.Zero(t, r.code, r.stderr)
	assert.Equal(t, "http://[::1]:80/api/v2", clientURL("http://[::1]:80/api/v2"), "a loopback address stays")
	assert.Equal(t, "http://127.0.0.1:80/api/v2", clientURL("http://0.0.0.0:80/api/v2"))
}

func TestFakeServer_SaysHowJobsEnd(t *testing.T) {
	t.Parallel()
	set := func(n int) optional[int] { return optional[int]{v: n, set: true} }
	assert.Equal(t, "jobs end on their second poll", jobsText(0, optional[int]{}))
	assert.Equal(t, "jobs end at once", jobsText(0, set(0)))
	assert.Equal(t, "jobs end once polled 4 times", jobsText(0, set(3)))
	assert.Equal(t, "jobs take 2s", jobsText(2*time.Second, optional[int]{}))
	assert.Equal(t, "jobs take 2s and end on their second poll", jobsText(2*time.Second, set(1)))
}

func TestFakeServer_QuotesEnvValuesForTheShell(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "http://127.0.0.1:80/api/v2", shellQuote("http://127.0.0.1:80/api/v2"))
	assert.Equal(t, `'it'\''s a key'`, shellQuote("it's a key"))
	assert.Equal(t, `'$HOME'`, shellQuote("$HOME"))
}

func TestFakeServer_UsageErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte(`[{"id": "seven"}]`), 0o644))
	notArray := filepath.Join(dir, "obj.json")
	require.NoError(t, os.WriteFile(notArray, []byte(`{"id": 7}`), 0o644))
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer busy.Close()
	cases := []struct {
		args   string
		code   int
		stderr string
	}{
		{"--dataview 1/2/3", exitUsage, `invalid value "1/2/3" for flag --dataview: must be four ids W/P/D/V, such as 4/4/121/2311`},
		{"--dataview 1/2/3/x", exitUsage, "must be four positive whole numbers"},
		{"--api-key k", exitUsage, "--api-key and --api-secret go together"},
		{"--job-duration 5", exitUsage, "--job-duration: must be a duration"},
		{"--job-polls -1", exitUsage, "--job-polls must not be negative"},
		{"--exports " + bad, exitUsage, "invalid --exports " + bad + ": line 1, column "},
		{"--exports " + notArray, exitUsage, "expected a JSON array of exports"},
		{"--exports " + filepath.Join(dir, "missing.json"), exitUsage, "cannot read --exports: no such file or directory"},
		{"--csv " + dir + "/missing.csv", exitUsage, "cannot read --csv: no such file or directory"},
		{"--addr " + busy.Addr().String(), exitError, "cannot listen on " + busy.Addr().String() + ": address already in use; choose another --addr"},
		{"extra", exitUsage, `unexpected argument "extra"`},
	}
	for _, tc := range cases {
		h := &harness{t: t, env: map[string]string{}}
		r := h.run("fake-server " + tc.args)
		assert.Equal(t, tc.code, r.code, "%s: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.stderr, tc.args)
		assert.True(t, strings.HasPrefix(r.stderr, "mammoth fake-server: "), r.stderr)
		assert.Empty(t, r.stdout, tc.args)
	}
}

// TestProcess_FakeServerStopsCleanlyOnSIGTERM runs the fake server as a
// process, as a CI script would, and stops it.
func TestProcess_FakeServerStopsCleanlyOnSIGTERM(t *testing.T) {
	t.Parallel()
	skipWithoutSignals(t)
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		h := &harness{t: t, env: map[string]string{}}
		cmd := h.command("fake-server", "--addr", "127.0.0.1:0")
		var stdout, stderr syncBuffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		require.NoError(t, cmd.Start())
		require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "MAMMOTH_DATAVIEW_ID") },
			time.Minute, 5*time.Millisecond, stderr.String())
		vars := envLines(t, stdout.String())
		r := (&harness{t: t, env: vars}).run("exports list")
		require.Zero(t, r.code, r.stderr)
		require.NoError(t, cmd.Process.Signal(sig))
		require.NoError(t, cmd.Wait(), stderr.String())
		assert.Zero(t, cmd.ProcessState.ExitCode())
		assert.True(t, strings.HasSuffix(stderr.String(), "mammoth fake-server: stopped\n"), stderr.String())
		_, err := net.Dial("tcp", strings.TrimSuffix(strings.TrimPrefix(vars["MAMMOTH_BASE_URL"], "http://"), "/api/v2"))
		assert.Error(t, err, "the port is closed")
	}
}
