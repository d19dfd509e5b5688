package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

func TestProgress_OnlyOnATerminal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, cmdline, before string
		want                  []string // in stderr on a terminal
	}{
		{name: "run --wait", cmdline: "exports run 101 --wait --poll-interval 1ms",
			want: []string{"waiting for job 5001 (processing) 0s", "\r\x1b[Kjob 5001 success after 0s\n"}},
		{name: "create-s3 --wait", cmdline: "exports create-s3 --file x.csv --wait --poll-interval 1ms",
			want: []string{"waiting for job 5001 (processing) 0s", "job 5001 success after 0s\n"}},
		{name: "jobs wait", cmdline: "jobs wait 5001 --poll-interval 1ms", before: "exports run 101",
			want: []string{"waiting for job 5001 0s", "job 5001 success after 0s\n"}},
		{name: "download-csv", cmdline: "exports download-csv --poll-interval 1ms",
			want: []string{"preparing the CSV export 0s", fmt.Sprintf("downloaded %d B in 0s\n", len(demoCSV))}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, terminal := range []bool{true, false} {
				h := newHarness(t)
				if tc.before != "" {
					require.Zero(t, h.run(tc.before).code)
				}
				h.terminal = terminal
				r := h.run(tc.cmdline)
				require.Zero(t, r.code, r.stderr)
				if !terminal {
					assert.Empty(t, r.stderr, "no progress when stderr is not a terminal")
					continue
				}
				assert.Contains(t, r.stderr, "\r"+string(spinnerFrames[0])+" ", "the spinner is drawn at once")
				for _, w := range tc.want {
					assert.Contains(t, r.stderr, w)
				}
				assert.True(t, strings.HasSuffix(r.stderr, "\n"), "the last line is finished: %q", r.stderr)
			}
		})
	}
}

func TestProgress_ShowsTimeAndRate(t *testing.T) {
	t.Parallel()
	assert.Equal(t, "3.0 MiB in 2s (1.5 MiB/s)", transferred(3<<20, 2*time.Second))
	assert.Equal(t, "12 B in 0s", transferred(12, 0))
	assert.Equal(t, "1.0 KiB", formatBytes(1024))
	assert.Equal(t, "1m5s", formatElapsed(65*time.Second+400*time.Millisecond))
}

func TestProgress_OffWithVerbose(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.terminal = true
	r := h.run("--verbose exports run 101 --wait --poll-interval 1ms")
	require.Zero(t, r.code, r.stderr)
	assert.NotContains(t, r.stderr, "waiting for job", "the request log and the spinner would garble each other")
	assert.Contains(t, r.stderr, "op=EditExport")
}

func TestDelete_AsksOnATerminal(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		answer  string
		code    int
		deleted bool
	}{
		{"y\n", 0, true}, {"yes\n", 0, true}, {"n\n", exitError, false}, {"\n", exitError, false}, {"", exitError, false},
	} {
		h := newHarness(t)
		h.terminal, h.stdin = true, tc.answer
		r := h.run("exports delete 103")
		assert.Equal(t, tc.code, r.code, "answer %q: %s", tc.answer, r.stderr)
		assert.True(t, strings.HasPrefix(r.stderr, "Delete export 103 from dataview 2311? [y/N] "), r.stderr)
		_, exists := h.srv.Export(demoRef, 103)
		assert.Equal(t, tc.deleted, !exists, "answer %q", tc.answer)
		if !tc.deleted {
			assert.Contains(t, r.stderr, "mammoth exports delete: export 103 was not deleted\n")
		}
	}
}

func TestDelete_YesSkipsTheQuestion(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.terminal = true
	r := h.run("exports delete 103 --yes --skip-validation")
	require.Zero(t, r.code, r.stderr)
	assert.Empty(t, r.stderr)
	req := h.srv.Requests()
	assert.Equal(t, "true", req[len(req)-1].Query().Get("skip_validation"))
}

func TestInterrupt_Exits130(t *testing.T) {
	t.Parallel()
	t.Run("before the request", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		r := h.runArgs(ctx, "exports", "list", "--output", "json")
		assert.Equal(t, exitInterrupted, r.code)
		assert.Equal(t, "mammoth exports list: interrupted\n", r.stderr)
		assert.JSONEq(t, `{"error": {"kind": "interrupted", "exit_code": 130, "message": "interrupted"}}`, r.stdout)
	})
	t.Run("while waiting for a job", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t, mammothtest.WithJobPolls(1_000_000))
		require.Zero(t, h.run("exports run 101").code)
		h.terminal = true
		ctx, cancel := context.WithCancel(context.Background())
		defer time.AfterFunc(100*time.Millisecond, cancel).Stop() // as Ctrl-C does
		start := time.Now()
		r := h.runArgs(ctx, "jobs", "wait", "5001", "--poll-interval", "5ms")
		assert.Less(t, time.Since(start), 5*time.Second)
		assert.Equal(t, exitInterrupted, r.code, r.stderr)
		assert.True(t, strings.HasSuffix(r.stderr, "\r\x1b[Kmammoth jobs wait: interrupted; job 5001 may still be running: 'mammoth jobs wait 5001' waits for it\n"),
			"the spinner is cleared first: %q", r.stderr)
	})
	t.Run("at the delete question", func(t *testing.T) {
		t.Parallel()
		h := newHarness(t)
		h.terminal = true
		ctx, cancel := context.WithCancel(context.Background())
		defer time.AfterFunc(50*time.Millisecond, cancel).Stop()
		var stdout, stderr strings.Builder
		stdin, stdinW := io.Pipe() // never answered
		defer stdinW.Close()
		e := &env{stdin: stdin, stdout: &stdout, stderr: &stderr, getenv: func(k string) string { return h.env[k] },
			isTerminal: func(any) bool { return true }, now: fixedNow}
		assert.Equal(t, exitInterrupted, run(ctx, []string{"exports", "delete", "103"}, e))
		_, exists := h.srv.Export(demoRef, 103)
		assert.True(t, exists)
	})
}

func TestWait_Timeout(t *testing.T) {
	t.Parallel()
	h := newHarness(t, mammothtest.WithJobPolls(1_000_000))
	require.Zero(t, h.run("exports run 101").code)
	r := h.run("jobs wait 5001 --poll-interval 5ms --timeout 50ms")
	assert.Equal(t, exitTimeout, r.code)
	assert.Equal(t, "mammoth jobs wait: job 5001 has not finished after --timeout 50ms; it may still be running: 'mammoth jobs wait 5001' waits for it\n", r.stderr)
}

func TestJobFailed_Exits5(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	require.Zero(t, h.run("exports run 101").code)
	require.True(t, h.srv.FailJob(5001, mammothtest.JobFailure{Reason: "disk full", Status: "error"}))
	r := h.run("jobs wait 5001 --poll-interval 1ms --output json")
	assert.Equal(t, exitJobFailed, r.code)
	assert.Equal(t, "mammoth jobs wait: job 5001 ended in error: disk full; 'mammoth jobs get 5001' shows it\n", r.stderr)
	assert.Contains(t, r.stdout, `"kind": "job_failed"`)
}

func TestAPIFaults_ExitCodes(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		fault  mammothtest.Fault
		code   int
		stderr string
		tries  int
	}{
		{name: "429 after retries", code: exitUnavailable, tries: 4,
			fault:  mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 429, RetryAfter: "0.001", Count: -1},
			stderr: "mammoth exports list: the API is rate limiting requests (429 Too Many Requests) and retries ran out; wait 1ms and try again\n"},
		{name: "503 after retries", code: exitUnavailable, tries: 4,
			fault:  mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 503, RetryAfter: "0.001", Count: -1},
			stderr: "mammoth exports list: the API is unavailable (503 Service Unavailable) and retries ran out; try again later\n"},
		{name: "403", code: exitAuth, tries: 1,
			fault:  mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 403},
			stderr: "mammoth exports list: the credentials in $MAMMOTH_API_KEY have no access to the dataview (workspace 4, project 4, dataset 121, dataview 2311) (403 Forbidden)\n"},
		{name: "409", code: exitError, tries: 1,
			fault:  mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 409},
			stderr: "mammoth exports list: the API refused the request (409 Conflict): Conflict\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.srv.InjectFault(tc.fault)
			r := h.run("exports list")
			assert.Equal(t, tc.code, r.code)
			assert.Equal(t, tc.stderr, r.stderr)
			assert.Equal(t, tc.tries, h.srv.RequestCount(mammothtest.RouteListExports))
		})
	}
}

func TestNetworkFailure_Exits7(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteGetExport, Reset: true, Count: -1})
	r := h.run("exports get 101 --output json")
	assert.Equal(t, exitUnavailable, r.code, r.stderr)
	assert.Contains(t, r.stderr, "mammoth exports get: cannot reach the API (")
	assert.Contains(t, r.stderr, "); check the network and $MAMMOTH_BASE_URL, then try again\n")
	assert.Contains(t, r.stdout, `"kind": "network"`)
}

func TestList_SendsEveryFilter(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("exports list --fields id,status --limit 10 --offset 1 --sort (sequence:desc) --sequence 2 --status added" +
		" --reordered=false --handler-type internal_dataset --end-of-pipeline --runnable=true")
	require.Zero(t, r.code, r.stderr)
	reqs := h.srv.Requests()
	q := reqs[len(reqs)-1].Query()
	for key, want := range map[string]string{
		"fields": "id,status", "limit": "10", "offset": "1", "sort": "(sequence:desc)", "sequence": "2", "status": "added",
		"reorderd": "false", "handler_type": "internal_dataset", "end_of_pipeline": "true", "runnable": "true",
	} {
		assert.Equal(t, want, q.Get(key), key)
	}
}

func TestList_FiltersLeftOutAreNotSent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	require.Zero(t, h.run("exports list").code)
	reqs := h.srv.Requests()
	assert.Empty(t, reqs[len(reqs)-1].RawQuery)
}

// onFirstWrite calls f once, on the first write to it.
type onFirstWrite struct {
	once sync.Once
	f    func()
}

func (w *onFirstWrite) Write(b []byte) (int, error) {
	w.once.Do(w.f)
	return len(b), nil
}

func TestList_AllStreamsJSONL(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	// Break the API as soon as the first export is out: the first page
	// must have been written before the second was asked for.
	h.tee = &onFirstWrite{f: func() {
		h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 404, Count: -1})
	}}
	r := h.run("exports list --all --limit 2 --output jsonl")
	assert.Equal(t, exitNotFound, r.code)
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	require.Len(t, lines, 3, r.stdout)
	assert.True(t, strings.HasPrefix(lines[0], `{"id":101,`))
	assert.True(t, strings.HasPrefix(lines[1], `{"id":102,`))
	assert.True(t, strings.HasPrefix(lines[2], `{"error":{"kind":"not_found",`), lines[2])
}

func TestGlobalFlags_BeforeOrAfterTheCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	want := h.run("--output json exports get 101")
	require.Zero(t, want.code)
	for _, cmdline := range []string{
		"exports get 101 --output json",
		"exports get --output=json 101",
		"exports get --output table 101 --output json",
		"--output jsonl exports get -output json 101",
	} {
		assert.Equal(t, want, h.run(cmdline), cmdline)
	}
	assert.Equal(t, "mammoth 0.2.0\n", h.run("exports list --version").stdout)
}

func TestArgumentsAfterDoubleDash(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("exports get -- 101")
	require.Zero(t, r.code, r.stderr)
	r = h.run("exports get -- --output")
	assert.Equal(t, exitUsage, r.code)
	assert.Equal(t, "mammoth exports get: EXPORT_ID \"--output\" is not a whole number\n", r.stderr)
}

func TestDownload_ToFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "sales.csv")
	r := h.run("exports download-csv --poll-interval 1ms --output json --out " + out)
	require.Zero(t, r.code, r.stderr)
	assert.JSONEq(t, fmt.Sprintf(`{"file": %q, "bytes": %d}`, out, len(demoCSV)), r.stdout)
	data, err := os.ReadFile(out)
	require.NoError(t, err)
	assert.Equal(t, demoCSV, string(data))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file is left behind")
	assert.Len(t, h.srv.Exports(demoRef), 4, "the temporary export is deleted")
}

func TestDownload_FailureLeavesNoFile(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.FailJobs("export failed")
	dir := t.TempDir()
	out := filepath.Join(dir, "sales.csv")
	r := h.run("exports download-csv --poll-interval 1ms --out " + out)
	assert.Equal(t, exitJobFailed, r.code)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
}

func TestDownload_ToStdoutKeepsJSONErrorsOff(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.FailJobs("export failed")
	r := h.run("exports download-csv --poll-interval 1ms --output json")
	assert.Equal(t, exitJobFailed, r.code)
	assert.Empty(t, r.stdout, "stdout carries the CSV only")
	assert.Contains(t, r.stderr, "job 5001 ended in failure: export failed")
}

func TestAdd_SpecFromFileAndStdinAreTheSame(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("testdata/spec_s3.json")
	require.NoError(t, err)
	var bodies []string
	for _, h := range []*harness{newHarness(t), newHarness(t)} {
		cmdline := "exports add --spec testdata/spec_s3.json"
		if len(bodies) == 1 {
			h.stdin, cmdline = string(data), "exports add --spec -"
		}
		require.Zero(t, h.run(cmdline).code)
		reqs := h.srv.Requests()
		bodies = append(bodies, string(reqs[len(reqs)-1].Body))
	}
	assert.Equal(t, bodies[0], bodies[1])
	var sent map[string]any
	require.NoError(t, json.Unmarshal([]byte(bodies[0]), &sent))
	assert.EqualValues(t, 2311, sent["DATAVIEW_ID"], "the dataview comes from --dataview")
}

func TestDemo_EveryCommandWorksWithoutAnAccount(t *testing.T) {
	t.Parallel()
	withServer := newHarness(t).run("exports list")
	for _, cmdline := range []string{
		"exports list", "exports list --all --output jsonl", "exports get 102", "exports add --spec testdata/spec_s3.json --wait",
		"exports create-s3 --file demo.csv --wait", "exports create-dataset --name Copy --wait", "exports run 101 --wait",
		"exports suspend 101", "exports restore 102", "exports delete 104 --yes", "exports download-csv",
	} {
		h := &harness{t: t, srv: mammothtest.NewServer(), env: map[string]string{}}
		h.srv.Close()
		r := h.run("--demo " + cmdline)
		assert.Zero(t, r.code, "%s: %s", cmdline, r.stderr)
		assert.Empty(t, r.stderr, cmdline)
		if cmdline == "exports list" {
			assert.Equal(t, withServer, r, "the demo serves the same sample data")
		}
	}
}

func TestDemo_FlagsStillWin(t *testing.T) {
	t.Parallel()
	h := &harness{t: t, srv: mammothtest.NewServer(), env: map[string]string{}}
	h.srv.Close()
	r := h.run("--demo exports list --dataview 1")
	assert.Equal(t, exitNotFound, r.code)
	assert.Contains(t, r.stderr, "dataview 1)")
}

func TestVerbose_LogsEachRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("--verbose exports create-s3 --file x.csv --wait --poll-interval 1ms")
	require.Zero(t, r.code, r.stderr)
	for _, op := range []string{"op=AddExport", "op=GetJob", "level=DEBUG", "status=202"} {
		assert.Contains(t, r.stderr, op)
	}
}

// TestSecret_NeverPrinted runs every command, with the request log on and
// in every format, against a server that also fails, and looks for the API
// secret in all the output (runArgs checks every run the tests make, too).
func TestSecret_NeverPrinted(t *testing.T) {
	t.Parallel()
	const wait = " --wait --poll-interval 1ms"
	cmdlines := []string{
		"exports list", "exports list --all", "exports get 102", "exports add --spec testdata/spec_s3.json" + wait,
		"exports create-s3 --file a.csv" + wait, "exports create-dataset --name b" + wait, "exports run 101" + wait,
		"exports suspend 101", "exports restore 101", "exports delete 104 --yes", "exports download-csv --poll-interval 1ms",
		"jobs get 5001", "jobs wait 5001 --poll-interval 1ms", "exports get 999", "jobs get 9999", "exports list --limit 1000",
	}
	for _, cmdline := range cmdlines {
		for _, format := range []string{"table", "json", "jsonl"} {
			for _, secret := range []string{testSecret, "wrong-" + testSecret} {
				h := newHarness(t)
				h.env["MAMMOTH_API_SECRET"] = secret
				h.srv.FailNextJobs(1, mammothtest.JobFailure{Reason: "failed on purpose"})
				args := append(strings.Fields(cmdline), "--verbose", "--output", format)
				r := h.runArgs(context.Background(), args...)
				out := r.stdout + r.stderr
				assert.NotContains(t, out, testSecret, "%v", args)
				assert.NotContains(t, out, secret, "%v", args)
				if r.code != exitUsage {
					assert.Contains(t, r.stderr, "level=DEBUG", "%v: the request log ran", args)
				}
			}
		}
	}
}

func TestHelp_EveryCommand(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	for _, c := range commands {
		viaHelp := h.run("help " + c.path())
		viaFlag := h.run(c.path() + " --help")
		assert.Zero(t, viaHelp.code)
		assert.Equal(t, viaHelp, viaFlag, c.path())
		assert.Contains(t, viaHelp.stdout, "Usage: mammoth "+c.path())
		assert.Equal(t, viaHelp, h.run(c.path()+" -h"), c.path())
	}
	assert.Equal(t, h.run("help"), h.run("--help"))
	assert.Equal(t, h.run("help jobs"), h.run("jobs --help"))
	assert.Equal(t, h.run("help completion"), h.run("completion --help"))
}

// completionScript finds a shell and gets the completion script for it,
// or skips the test when the shell is not installed.
func completionScript(t *testing.T, shell string) (path, script string) {
	path, err := exec.LookPath(shell)
	if err != nil {
		t.Skip("no " + shell)
	}
	return path, newHarness(t).run("completion " + shell).stdout
}

// TestCompletion runs the completion scripts in bash and zsh on command
// lines, with zsh's completion builtins stubbed out.
func TestCompletion(t *testing.T) {
	t.Parallel()
	cases := []struct{ line, want string }{
		{"mammoth ", "exports jobs pipeline draft workspaces projects datasets dataviews fake-server help completion --demo --help --output --timeout --verbose --version"},
		{"mammoth fake-server --j", "--job-duration --job-polls"},
		{"mammoth fake-server --addr 127.0.0.1:0 --api-", "--api-key --api-secret"},
		{"mammoth help f", "fake-server"},
		{"mammoth ex", "exports"},
		{"mammoth --output ", "table json jsonl"},
		{"mammoth --output json exports ", "list get add create-s3 create-dataset run suspend restore discard delete download-csv plan apply dump"},
		{"mammoth --output=json jobs ", "get wait"},
		{"mammoth --demo exports list --run", "--runnable"},
		{"mammoth exports delete 101 --y", "--yes"},
		{"mammoth help exports r", "run restore"},
		{"mammoth completion ", "bash zsh"},
		{"mammoth jobs wait 5001 ", "--poll-interval --workspace --demo --help --output --timeout --verbose --version"},
	}
	shells := map[string]func(words []string) string{
		"bash": func(words []string) string {
			return "COMP_WORDS=(" + strings.Join(words, " ") + "); COMP_CWORD=" + strconv.Itoa(len(words)-1) +
				`; _mammoth; echo "${COMPREPLY[*]}"`
		},
		"zsh": func(words []string) string {
			return "words=(" + strings.Join(words, " ") + "); CURRENT=" + strconv.Itoa(len(words)) +
				`; PREFIX=${words[CURRENT]}; _mammoth`
		},
	}
	const zshStubs = `compdef() { :; }
compadd() { [[ $1 == -- ]] && shift; local w; local -a out; for w in "$@"; do [[ $w == ${PREFIX}* ]] && out+=($w); done; print -r -- "${out[*]}"; }
`
	for shell, call := range shells {
		t.Run(shell, func(t *testing.T) {
			t.Parallel()
			path, script := completionScript(t, shell)
			if shell == "zsh" {
				script = zshStubs + script
			}
			for _, tc := range cases {
				// The line split into words as the shell does, the last
				// one being the word completed.
				words := strings.Fields(tc.line)
				if strings.HasSuffix(tc.line, " ") {
					words = append(words, "")
				}
				for i, w := range words {
					words[i] = "'" + w + "'"
				}
				out, err := exec.Command(path, "-c", script+"\n"+call(words)).CombinedOutput()
				require.NoError(t, err, string(out))
				assert.Equal(t, tc.want, strings.TrimSpace(string(out)), "%s: %q", shell, tc.line)
			}
		})
	}
}

func TestRecord_ShowsNestedJSONAsReadableText(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	v := struct {
		Name     string          `json:"name"`
		Response json.RawMessage `json:"response"`
		Missing  *int            `json:"missing"`
	}{Name: "a<b>", Response: json.RawMessage(`{"url": "https://x/f.csv?a=1\u0026b=2", "rows": 12345678901234567890}`)}
	require.NoError(t, writeRecord(&b, "job.", v))
	assert.Equal(t, "job.name\ta<b>\njob.response\t{\"rows\":12345678901234567890,\"url\":\"https://x/f.csv?a=1&b=2\"}\n", b.String())
}

func TestIsTerminal_NotForFilesPipesOrTheNullDevice(t *testing.T) {
	t.Parallel()
	null, err := os.Open(os.DevNull)
	require.NoError(t, err)
	defer null.Close()
	assert.False(t, isTerminal(null), "stdin is often %s in cron and CI", os.DevNull)
	regular, err := os.Open("testdata/spec_s3.json")
	require.NoError(t, err)
	defer regular.Close()
	assert.False(t, isTerminal(regular))
	r, w, err := os.Pipe()
	require.NoError(t, err)
	defer r.Close()
	defer w.Close()
	assert.False(t, isTerminal(r))
	assert.False(t, isTerminal(&strings.Builder{}))
	if tty, err := os.Open("/dev/tty"); err == nil {
		defer tty.Close()
		assert.True(t, isTerminal(tty))
	}
}
