package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

func TestDemo_IgnoresIDsFromTheEnvironment(t *testing.T) {
	t.Parallel()
	h := &harness{t: t, srv: mammothtest.NewServer(), env: map[string]string{
		"MAMMOTH_WORKSPACE_ID": "1", "MAMMOTH_PROJECT_ID": "2", "MAMMOTH_DATASET_ID": "3", "MAMMOTH_DATAVIEW_ID": "77",
	}}
	h.srv.Close()
	r := h.run("--demo exports list")
	assert.Zero(t, r.code, r.stderr)
	assert.Contains(t, r.stdout, "daily_sales.csv")
	r = h.run("--demo exports list --dataview 77")
	assert.Equal(t, exitNotFound, r.code, "a flag still names another dataview")
}

func TestDemo_IgnoresABadIDInTheEnvironment(t *testing.T) {
	t.Parallel()
	h := &harness{t: t, srv: mammothtest.NewServer(), env: map[string]string{"MAMMOTH_DATAVIEW_ID": "four"}}
	h.srv.Close()
	assert.Zero(t, h.run("--demo exports list").code)
}

func TestTimeout_BoundsAnyCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, cmdline string
		route         mammothtest.Route
		stderr        string
	}{
		{name: "a request to a hanging server", cmdline: "exports get 101 --timeout 1s", route: mammothtest.RouteGetExport,
			stderr: "mammoth exports get: gave up after --timeout 1s waiting for the API to answer; check the network and $MAMMOTH_BASE_URL, or allow longer\n"},
		{name: "a list with the flag first", cmdline: "--timeout 1s exports list --all", route: mammothtest.RouteListExports,
			stderr: "mammoth exports list: gave up after --timeout 1s waiting for the API to answer; check the network and $MAMMOTH_BASE_URL, or allow longer\n"},
		{name: "a change", cmdline: "exports run 101 --wait --timeout 1s", route: mammothtest.RouteEditExport,
			stderr: "mammoth exports run: gave up after --timeout 1s waiting for the API to answer; check the network and $MAMMOTH_BASE_URL, or allow longer\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			h.srv.InjectFault(mammothtest.Fault{Route: tc.route, Delay: time.Hour, Count: -1})
			start := time.Now()
			r := h.run(tc.cmdline)
			// Without the bound: four attempts of 30 s each.
			assert.Less(t, time.Since(start), 20*time.Second)
			assert.Equal(t, exitTimeout, r.code)
			assert.Equal(t, tc.stderr, r.stderr)
			assert.LessOrEqual(t, h.srv.RequestCount(tc.route), 1, "no retry after the deadline")
		})
	}
}

func TestTimeout_JSONError(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteGetExport, Delay: time.Hour, Count: -1})
	r := h.run("exports get 101 --timeout 100ms --output json")
	assert.Equal(t, exitTimeout, r.code)
	var body errorView
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &body), r.stdout)
	assert.Equal(t, "timeout", body.Error.Kind)
	assert.Equal(t, exitTimeout, body.Error.ExitCode)
}

func TestInterrupt_SIGTERMExits143(t *testing.T) {
	t.Parallel()
	h := newHarness(t, mammothtest.WithJobPolls(1_000_000))
	require.Zero(t, h.run("exports run 101").code)
	ctx, cancel := context.WithCancelCause(context.Background())
	defer time.AfterFunc(50*time.Millisecond, func() { cancel(interrupted{syscall.SIGTERM}) }).Stop()
	r := h.runArgs(ctx, "jobs", "wait", "5001", "--poll-interval", "5ms")
	assert.Equal(t, 143, r.code, r.stderr)
	assert.Equal(t, "mammoth jobs wait: interrupted; job 5001 may still be running: 'mammoth jobs wait 5001' waits for it\n", r.stderr)
}

func TestInterrupt_WaitAfterAChangeSaysHowToWaitAgain(t *testing.T) {
	t.Parallel()
	h := newHarness(t, mammothtest.WithJobPolls(1_000_000))
	ctx, cancel := context.WithCancelCause(context.Background())
	// Cancel once the change has been made and the wait has begun.
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteGetJob, Delay: time.Hour, Count: -1})
	go func() {
		for h.srv.RequestCount(mammothtest.RouteGetJob) == 0 {
			time.Sleep(time.Millisecond)
		}
		cancel(interrupted{syscall.SIGINT})
	}()
	r := h.runArgs(ctx, "exports", "run", "101", "--wait", "--poll-interval", "1ms")
	assert.Equal(t, exitInterrupted, r.code, r.stderr)
	assert.Equal(t, "mammoth exports run: interrupted; job 5001 may still be running: 'mammoth jobs wait 5001' waits for it\n", r.stderr)
}

func TestInterrupt_DemoGivesNoWaitHint(t *testing.T) {
	t.Parallel()
	h := &harness{t: t, srv: mammothtest.NewServer(), env: map[string]string{}}
	h.srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer time.AfterFunc(50*time.Millisecond, cancel).Stop()
	r := h.runArgs(ctx, "--demo", "exports", "run", "101", "--wait", "--poll-interval", "1h")
	assert.Equal(t, exitInterrupted, r.code)
	assert.Equal(t, "mammoth exports run: interrupted\n", r.stderr, "the demo's jobs end with the process")
}

func TestSignals_FirstCancelsLaterOnesAreReported(t *testing.T) {
	t.Parallel()
	sigs := make(chan os.Signal, 3)
	var stderr syncBuffer
	ctx, stop := signalContext(context.Background(), sigs, &stderr)
	defer stop()
	sigs <- syscall.SIGTERM
	<-ctx.Done()
	assert.Equal(t, interrupted{syscall.SIGTERM}, context.Cause(ctx))
	assert.Equal(t, 143, stopped(ctx).code)
	sigs <- syscall.SIGINT
	sigs <- syscall.SIGINT
	require.Eventually(t, func() bool { return strings.Count(stderr.String(), "cleaning up, please wait") == 2 },
		10*time.Second, time.Millisecond)
	stop()
	stop()
}

func TestSignals_ExitStatusIs128PlusTheSignal(t *testing.T) {
	t.Parallel()
	for sig, code := range map[os.Signal]int{syscall.SIGINT: 130, syscall.SIGTERM: 143, syscall.SIGHUP: 129} {
		sigs := make(chan os.Signal, 1)
		ctx, stop := signalContext(context.Background(), sigs, &syncBuffer{})
		sigs <- sig
		<-ctx.Done()
		assert.Equal(t, code, stopped(ctx).code, sig)
		stop()
	}
}

func TestSignals_StopBeforeAnySignal(t *testing.T) {
	t.Parallel()
	ctx, stop := signalContext(context.Background(), make(chan os.Signal), &syncBuffer{})
	stop()
	assert.Error(t, ctx.Err())
	assert.Equal(t, exitInterrupted, stopped(ctx).code)
}

func TestUsage_NothingIsSentForBadInput(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ cmdline, stdin string }{
		{"exports add --spec -", `{"handler_type": "s3", "trigger_type": "none", "run_immediatly": true, "target_properties": {"file": "x.csv"}}`},
		{"exports add --spec -", `{"handler_type": "s3", "trigger_type": "none", "run_immediately": "yes"}`},
		{"exports add --spec -", `{"handler_type": "s3", "trigger_type": "none"`},
		{"exports add --spec -", `{"handler_type": "s3"}]`},
		{"exports create-s3 --file x.csv --file-type xlsx", ""},
		{"exports create-dataset --target-dataset 9001 --mode MERGE", ""},
		{"exports get -1", ""},
		{"jobs wait -- -1", ""},
		{"exports list --runnable false", ""},
		{"exports --dataview 1 list", ""},
		{"exports get 101 --timeout forever", ""},
	} {
		h := newHarness(t)
		h.stdin = tc.stdin
		r := h.run(tc.cmdline)
		assert.Equal(t, exitUsage, r.code, "%s: %s", tc.cmdline, r.stderr)
		assert.Empty(t, h.srv.Requests(), tc.cmdline)
	}
}

func TestCreateDataset_ModeInAnyCase(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("exports create-dataset --target-dataset 9001 --mode append_to_ds --file-type csv")
	assert.Equal(t, exitUsage, r.code, "create-dataset has no --file-type")
	r = h.run("exports create-dataset --target-dataset 9001 --mode append_to_ds")
	require.Zero(t, r.code, r.stderr)
	reqs := h.srv.Requests()
	assert.Contains(t, string(reqs[len(reqs)-1].Body), `"SAVE_AS_DS_MODE":"APPEND_TO_DS"`)
}

func TestCreateS3_FileTypeIsSent(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	require.Zero(t, h.run("exports create-s3 --file x.parquet --file-type PARQUET").code)
	reqs := h.srv.Requests()
	assert.Contains(t, string(reqs[len(reqs)-1].Body), `"file_type":"parquet"`)
}

func TestList_NullItemsAreAnErrorNotACrash(t *testing.T) {
	t.Parallel()
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"limit": 50, "offset": 0, "next": "", "exports": [null, {"id": 7, "status": "added"}, null]}`))
	}))
	defer api.Close()
	for _, cmdline := range []string{"exports list", "exports list --output json", "exports list --all --output jsonl"} {
		h := newHarness(t)
		h.env["MAMMOTH_BASE_URL"] = api.URL
		r := h.run(cmdline)
		assert.Equal(t, exitError, r.code, cmdline)
		assert.Contains(t, r.stderr, `"exports"[0] is null`, cmdline)
	}
}

func TestParseInterspersed_NegativeNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		args []string
		pos  []string
	}{
		{[]string{"-5"}, []string{"-5"}},
		{[]string{"--limit", "-5", "-7"}, []string{"-7"}},
		{[]string{"-7", "--limit", "-5"}, []string{"-7"}},
		{[]string{"--all", "-7", "x", "--", "-1", "--all"}, []string{"-7", "x", "-1", "--all"}},
		{[]string{"--limit=-5", "-1"}, []string{"-1"}},
	}
	for _, tc := range cases {
		fs := newFlagSet("t")
		fs.Int("limit", 0, "")
		fs.Bool("all", false, "")
		pos, err := parseInterspersed(fs, tc.args)
		require.NoError(t, err, tc.args)
		assert.Equal(t, tc.pos, pos, tc.args)
		if strings.Contains(strings.Join(tc.args, " "), "--limit") {
			assert.Equal(t, "-5", fs.Lookup("limit").Value.String(), tc.args)
		}
	}
}

func TestSpec_NearestKey(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"run_immediatly": "run_immediately", "RUN_IMMEDIATELY": "run_immediately", "handlertype": "handler_type",
		"dataview_id": "DATAVIEW_ID", "target_propeties": "target_properties", "colour": "",
	} {
		assert.Equal(t, want, nearest(in, specKeys), in)
	}
}

// syncBuffer is a strings.Builder safe for a writer and a reader in two
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestUsage_BoolFlagHintOnlyForItsValue(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	cases := map[string]string{
		"exports get --demo 101 102":        `mammoth exports get: unexpected argument "102" after EXPORT_ID` + "\n",
		"exports delete 103 --yes false":    `mammoth exports delete: unexpected argument "false" after --yes: a true/false flag takes its value after "=", as in --yes=false; --yes alone means true` + "\n",
		"exports delete --yes no 103":       `mammoth exports delete: unexpected argument "no" after --yes: a true/false flag takes its value after "=", as in --yes=false; --yes alone means true` + "\n",
		"exports list --all --runnable yes": `mammoth exports list: unexpected argument "yes" after --runnable: a true/false flag takes its value after "=", as in --runnable=false; --runnable alone means true` + "\n",
		"exports list --all 7":              `mammoth exports list: unexpected argument "7"; run 'mammoth help exports list'` + "\n",
	}
	for cmdline, want := range cases {
		r := h.run(cmdline)
		assert.Equal(t, exitUsage, r.code, cmdline)
		assert.Equal(t, want, r.stderr, cmdline)
	}
}

func TestClassify_ANetworkEPIPEIsNotAClosedStdout(t *testing.T) {
	t.Parallel()
	err := &net.OpError{Op: "write", Net: "tcp", Err: os.NewSyscallError("write", syscall.EPIPE)}
	ce := classify(context.Background(), fmt.Errorf("mammoth: GET /x: %w", err), subject{})
	assert.Equal(t, exitUnavailable, ce.code)
	assert.False(t, ce.quiet)
	ce = classify(context.Background(), fmt.Errorf("copying: %w", &stdoutClosed{syscall.EPIPE}), subject{})
	assert.Equal(t, exitBrokenPipe, ce.code)
	assert.True(t, ce.quiet)
}

func TestSlowAnswer_SaidOnATerminal(t *testing.T) {
	t.Parallel()
	for _, terminal := range []bool{true, false} {
		h := newHarness(t)
		h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteGetExport, Delay: time.Second})
		var stdout, stderr syncBuffer
		e := h.envFor(&stdout, &stderr)
		e.isTerminal = func(s any) bool { return terminal && s == &stderr }
		e.slowAfter = 10 * time.Millisecond
		require.Zero(t, run(context.Background(), []string{"exports", "get", "101"}, e), stderr.String())
		notice := "\r\x1b[Kmammoth: still waiting for an answer to GET /api/v2/workspaces/4/projects/4/datasets/121/dataviews/2311/pipeline/exports/101 after 10ms; --timeout sets a limit\n"
		if terminal {
			assert.Equal(t, notice, stderr.String())
		} else {
			assert.Empty(t, stderr.String())
		}
		assert.Contains(t, stdout.String(), "daily_sales.csv")
	}
}
