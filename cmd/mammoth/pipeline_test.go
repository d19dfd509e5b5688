package main

import (
	"strings"
	"testing"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGoldenPipeline(t *testing.T) {
	t.Parallel()
	const poll = " --poll-interval 1ms"
	cases := []struct {
		name    string
		cmdline string
		before  []string
		setup   func(h *harness)
	}{
		{name: "pipeline_get", cmdline: "pipeline get"},
		{name: "pipeline_get_full_json", cmdline: "pipeline get --full --output json", before: []string{"pipeline run --wait" + poll}},
		{name: "pipeline_run", cmdline: "pipeline run --from-sequence 2"},
		{name: "pipeline_run_wait", cmdline: "pipeline run --wait" + poll},
		{name: "pipeline_wait", cmdline: "pipeline wait" + poll, before: []string{"pipeline run"}},
		{name: "pipeline_wait_failed", cmdline: "pipeline wait" + poll,
			setup: func(h *harness) {
				h.srv.SetPipelineState(demoRef, mammoth.PipelineStateRefError, mammoth.PipelineExecutionIdle)
			}},
		{name: "pipeline_items", cmdline: "pipeline items --limit 2"},
		{name: "pipeline_items_all_jsonl", cmdline: "pipeline items --all --limit 2 --output jsonl"},
		{name: "draft_status", cmdline: "draft status", before: []string{"draft enter"}},
		{name: "draft_enter", cmdline: "draft enter"},
		{name: "draft_enter_twice", cmdline: "draft enter", before: []string{"draft enter"}},
		{name: "draft_submit", cmdline: "draft submit" + poll, before: []string{"draft enter", "exports create-s3 --file held.csv"}},
		{name: "draft_submit_not_in_draft", cmdline: "draft submit" + poll},
		{name: "draft_discard_json", cmdline: "draft discard --output json", before: []string{"draft enter", "exports delete 101 --yes"}},
		{name: "exports_create_s3_in_draft", cmdline: "exports create-s3 --file held.csv", before: []string{"draft enter"}},
		{name: "exports_suspend_several", cmdline: "exports suspend 101 103"},
		{name: "exports_restore_several_json", cmdline: "exports restore 101 103 --output json", before: []string{"exports suspend 101 103"}},
		{name: "exports_discard", cmdline: "exports discard 101 103 --yes"},
		{name: "exports_discard_needs_yes", cmdline: "exports discard 101 103"},
		{name: "exports_discard_unknown", cmdline: "exports discard 101 999 --yes"},
		{name: "usage_bulk_bad_id", cmdline: "exports suspend 101 x"},
		{name: "usage_bulk_repeated_id", cmdline: "exports suspend 101 103 101"},
		{name: "usage_pipeline_negative_sequence", cmdline: "pipeline run --from-sequence -1"},
		{name: "usage_items_bad_limit", cmdline: "pipeline items --limit 500"},
		{name: "help_pipeline", cmdline: "help pipeline"},
		{name: "help_draft_submit", cmdline: "help draft submit"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			for _, b := range tc.before {
				h.run(b)
			}
			golden(t, tc.name, tc.cmdline, h.run(tc.cmdline))
		})
	}
}

func TestBulkExportCommands_SendOneRequestForSeveralIDs(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.run("exports suspend 101 102 103")
	require.Equal(t, 0, r.code, r.String())
	assert.Equal(t, 1, h.srv.RequestCount(mammothtest.RouteEditPipeline))
	assert.Zero(t, h.srv.RequestCount(mammothtest.RouteEditExport))
	for _, id := range []int{101, 102, 103} {
		e, _ := h.srv.Export(demoRef, id)
		assert.Equal(t, mammoth.ExportStatusSuspended, e.Status, id)
	}
	// One id keeps the export's own command.
	r = h.run("exports restore 101")
	require.Equal(t, 0, r.code, r.String())
	assert.Equal(t, 1, h.srv.RequestCount(mammothtest.RouteEditExport))
}

func TestPipelineWait_FailedPipelineExits5(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	h.srv.FailNextRun(demoRef)
	r := h.run("pipeline run --wait --poll-interval 1ms")
	assert.Equal(t, exitJobFailed, r.code, r.String())
	assert.Contains(t, r.stderr, "runtime_error")
}

func TestDraftSubmit_LostAnswerSaysWhatTheDraftIsNow(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	require.Equal(t, 0, h.run("draft enter").code)
	h.srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDraftCommand, Status: 502, AfterHandling: true})
	r := h.run("draft submit --poll-interval 1ms")
	assert.NotEqual(t, 0, r.code)
	assert.Contains(t, r.stderr, "the submit may have been carried out and was not sent again")
	assert.Contains(t, r.stderr, "draft mode is now clean")
	assert.Equal(t, 2, h.srv.RequestCount(mammothtest.RouteDraftCommand), "enter and one submit")
	assert.True(t, strings.Count(r.stderr, "\n") == 1, "one line: %q", r.stderr)
}

func TestPipelineProgress_OnlyOnATerminal(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, cmdline string
		before        []string
		want          []string
	}{
		{name: "pipeline wait", cmdline: "pipeline wait --poll-interval 1ms", before: []string{"pipeline run"},
			want: []string{"waiting for the pipeline 0s", "pipeline settled (ready/idle) after 0s\n"}},
		{name: "pipeline run --wait", cmdline: "pipeline run --wait --poll-interval 1ms",
			want: []string{"waiting for the pipeline", "pipeline settled (ready/idle) after 0s\n"}},
		{name: "draft submit", cmdline: "draft submit --poll-interval 1ms", before: []string{"draft enter"},
			want: []string{"submitting the draft, waiting for the pipeline", "pipeline settled (ready/idle) after 0s\n"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, terminal := range []bool{true, false} {
				h := newHarness(t)
				for _, b := range tc.before {
					require.Zero(t, h.run(b).code)
				}
				h.terminal = terminal
				r := h.run(tc.cmdline)
				require.Zero(t, r.code, r.stderr)
				if !terminal {
					assert.Empty(t, r.stderr, "no progress when stderr is not a terminal")
					continue
				}
				for _, w := range tc.want {
					assert.Contains(t, r.stderr, w)
				}
				assert.True(t, strings.HasSuffix(r.stderr, "\n"), "the last line is finished: %q", r.stderr)
			}
		})
	}
}
