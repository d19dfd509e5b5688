package mammothtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// The pipeline routes. P stands for
// /api/v2/workspaces/{w}/projects/{p}/datasets/{d}/dataviews/{v}.
const (
	RouteGetPipeline  Route = "GetPipeline"  // GET P/pipeline
	RouteEditPipeline Route = "EditPipeline" // PATCH P/pipeline: bulk commands, auto-run, run
	RouteRunPipeline  Route = "RunPipeline"  // POST P/pipeline/rerun
	RouteListItems    Route = "ListItems"    // GET P/pipeline/items
	RouteDraftCommand Route = "DraftCommand" // POST P/draft-mode
)

// pipeline is a dataview's pipeline: its states, draft and runs.
type pipeline struct {
	state   mammoth.PipelineState
	exec    mammoth.PipelineExecutionState
	draft   mammoth.DraftMode
	autoRun bool
	// pending holds the changes made in draft mode, in order.
	pending []pendingChange
	run     *pipelineRun
	// failNext makes the next run end in runtime_error.
	failNext bool

	lastRunAt, lastModifiedAt, stateChangedAt, exportsRunAt time.Time
	exportRuns                                              map[int]*itemRuns
	tasks                                                   []*task
}

// itemRuns are the current and previous run times of an item.
type itemRuns struct {
	current, previous *[2]time.Time
}

// task is a step of a pipeline; the fake does not transform data, so a
// task has only what the items list shows.
type task struct {
	id, sequence int
	status       mammoth.ExportStatus
	rows, size   int64
}

// pipelineRun is a run in progress: it goes through runSteps, one per poll
// of GET P/pipeline (or per WithPipelineStepDuration of time).
type pipelineRun struct {
	step        int
	stepStarted time.Time
	started     time.Time
	seen        bool
	// jobs started by a submit finish with the run.
	jobs []*job
}

// runSteps are the (state, execution_state) pairs a run goes through; the
// last is where it ends.
var runSteps = [...]struct {
	state mammoth.PipelineState
	exec  mammoth.PipelineExecutionState
}{
	{mammoth.PipelineStateStaged, mammoth.PipelineExecutionSubmitted},
	{mammoth.PipelineStateReady, mammoth.PipelineExecutionRunning},
	{mammoth.PipelineStateReady, mammoth.PipelineExecutionExportsRunning},
	{mammoth.PipelineStateReady, mammoth.PipelineExecutionIdle},
}

// WithPipelineStepDuration makes each step of a pipeline run (submitted,
// running, exports_running) last d of the server's clock, in addition to
// advancing one step per GET P/pipeline. 0, the default, advances on polls
// only.
func WithPipelineStepDuration(d time.Duration) Option {
	return func(s *Server) { s.stepDuration = max(d, 0) }
}

// pipe returns the dataview's pipeline, creating it settled: ready, idle,
// draft mode off, auto-run on.
func (dv *dataview) pipe() *pipeline {
	if dv.pipeline == nil {
		dv.pipeline = &pipeline{
			state: mammoth.PipelineStateReady, exec: mammoth.PipelineExecutionIdle,
			draft: mammoth.DraftModeOff, autoRun: true, exportRuns: make(map[int]*itemRuns),
		}
	}
	return dv.pipeline
}

// startRunLocked starts (or restarts) a run of the dataview's pipeline.
func (s *Server) startRunLocked(dv *dataview, jobs []*job) {
	pl := dv.pipe()
	now := s.timestamp()
	if pl.run != nil {
		jobs = append(pl.run.jobs, jobs...)
	}
	pl.run = &pipelineRun{started: now, stepStarted: now, jobs: jobs}
	pl.state, pl.exec = runSteps[0].state, runSteps[0].exec
	pl.stateChangedAt = now
}

// advanceRunLocked moves a run on by one step when polled, and by the time
// passed with WithPipelineStepDuration, finishing it at the last step.
func (s *Server) advanceRunLocked(dv *dataview, polled bool) {
	pl := dv.pipe()
	run := pl.run
	if run == nil {
		return
	}
	now := s.timestamp()
	switch {
	case polled && !run.seen:
		run.seen = true // the first poll sees the run as submitted
	case polled:
		run.step++
		run.stepStarted = now
	}
	if d := s.stepDuration; d > 0 {
		if n := int(now.Sub(run.stepStarted) / d); n > 0 {
			run.step += n
			run.stepStarted = run.stepStarted.Add(time.Duration(n) * d)
		}
	}
	if run.step < len(runSteps)-1 {
		if run.step == 2 && !s.hasPipelineExportsLocked(dv) {
			run.step = 3 // nothing to export: straight to idle
		} else {
			pl.state, pl.exec = runSteps[run.step].state, runSteps[run.step].exec
			pl.stateChangedAt = now
			return
		}
	}
	s.finishRunLocked(dv, now)
}

// hasPipelineExportsLocked reports whether a run has exports to run.
func (s *Server) hasPipelineExportsLocked(dv *dataview) bool {
	for _, e := range dv.exports {
		if runsWithPipeline(e) {
			return true
		}
	}
	return false
}

// runsWithPipeline reports whether a run of the pipeline runs the export.
func runsWithPipeline(e *export) bool {
	return e.info.TriggerType == mammoth.TriggerTypePipeline &&
		e.info.Status != mammoth.ExportStatusSuspended &&
		(e.info.Runnable == nil || *e.info.Runnable)
}

// finishRunLocked ends the run: its jobs finish, and the exports triggered
// by the pipeline run, unless the run was made to fail.
func (s *Server) finishRunLocked(dv *dataview, now time.Time) {
	pl := dv.pipe()
	run := pl.run
	pl.run = nil
	for _, j := range run.jobs {
		if j.status == mammoth.JobStatusProcessing {
			s.finishLocked(j)
		}
	}
	pl.state, pl.exec = mammoth.PipelineStateReady, mammoth.PipelineExecutionIdle
	pl.lastRunAt, pl.stateChangedAt = now, now
	if pl.failNext {
		pl.failNext = false
		pl.exec = mammoth.PipelineExecutionRuntimeError
		return
	}
	ran := false
	for _, e := range dv.exports {
		if !runsWithPipeline(e) {
			continue
		}
		ran = true
		e.info.Status = mammoth.ExportStatusExecuted
		e.info.ExecutionStartTime = &mammoth.Timestamp{Time: run.started}
		e.info.ExecutionEndTime = &mammoth.Timestamp{Time: now}
		e.info.LastRunResult = map[string]any{"status": "success"}
		r := pl.exportRuns[*e.info.ID]
		if r == nil {
			r = new(itemRuns)
			pl.exportRuns[*e.info.ID] = r
		}
		r.previous, r.current = r.current, &[2]time.Time{run.started, now}
	}
	if ran {
		pl.exportsRunAt = now
		dv.touch()
	}
}

// pipelineWire is a pipeline as GET P/pipeline writes it.
type pipelineWire struct {
	State           mammoth.PipelineState          `json:"state"`
	ExecutionState  mammoth.PipelineExecutionState `json:"execution_state"`
	ExecutingTaskID *int                           `json:"executing_task_id"`
	StagedTaskIDs   []int                          `json:"staged_task_ids"`
	DraftMode       mammoth.DraftMode              `json:"draft_mode"`
	AutoRun         bool                           `json:"auto_run"`
	Stats           *statsWire                     `json:"stats,omitempty"`
}

type statsWire struct {
	LastRunBy                 *string          `json:"last_run_by"`
	LastRunAt                 *string          `json:"last_run_at"`
	LastModifiedBy            *string          `json:"last_modified_by"`
	LastModifiedAt            *string          `json:"last_modified_at"`
	StateChangedAt            *string          `json:"state_changed_at"`
	ExportsExecutionTimestamp *string          `json:"exports_execution_timestamp"`
	TaskStats                 []map[string]any `json:"task_stats"`
	ExportStats               []map[string]any `json:"export_stats"`
}

// pipelineUser is who the fake says ran and changed pipelines.
const pipelineUser = "user_1"

func optTime(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := formatTime(t)
	return &s
}

func runWire(r *[2]time.Time) map[string]any {
	if r == nil {
		return nil
	}
	return map[string]any{"start_time": formatTime(r[0]), "end_time": formatTime(r[1])}
}

// wireLocked returns the pipeline as the API writes it, with stats when
// asked.
func (dv *dataview) pipelineWireLocked(stats bool) pipelineWire {
	pl := dv.pipe()
	w := pipelineWire{
		State: pl.state, ExecutionState: pl.exec, DraftMode: pl.draft, AutoRun: pl.autoRun,
		StagedTaskIDs: []int{},
	}
	if pl.run != nil && pl.run.step == 0 {
		for _, t := range pl.tasks {
			w.StagedTaskIDs = append(w.StagedTaskIDs, t.id)
		}
	}
	if pl.exec == mammoth.PipelineExecutionRunning && len(pl.tasks) > 0 {
		w.ExecutingTaskID = &pl.tasks[len(pl.tasks)-1].id
	}
	if !stats {
		return w
	}
	st := &statsWire{
		LastRunAt: optTime(pl.lastRunAt), LastModifiedAt: optTime(pl.lastModifiedAt),
		StateChangedAt: optTime(pl.stateChangedAt), ExportsExecutionTimestamp: optTime(pl.exportsRunAt),
		TaskStats: []map[string]any{}, ExportStats: []map[string]any{},
	}
	user := pipelineUser
	if st.LastRunAt != nil {
		st.LastRunBy = &user
	}
	if st.LastModifiedAt != nil {
		st.LastModifiedBy = &user
	}
	for _, t := range pl.tasks {
		st.TaskStats = append(st.TaskStats, map[string]any{
			"task_id": t.id, "execution_stats": map[string]any{"current": nil, "previous": nil},
		})
	}
	ids := make([]int, 0, len(pl.exportRuns))
	for id := range pl.exportRuns {
		if dv.byID[id] != nil {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	for _, id := range ids {
		r := pl.exportRuns[id]
		st.ExportStats = append(st.ExportStats, map[string]any{
			"export_id": id, "execution_stats": map[string]any{"current": runWire(r.current), "previous": runWire(r.previous)},
		})
	}
	w.Stats = st
	return w
}

// pipelineFields are the keys GET P/pipeline can select.
var pipelineFields = []string{"state", "execution_state", "executing_task_id", "staged_task_ids", "draft_mode", "auto_run", "stats"}

// parsePipelineFields reads the fields parameter of GET P/pipeline: the
// presets __min and __standard (every key but stats; the API describes them
// alike), __full (every key) and key names, comma-separated.
func parsePipelineFields(v string, p *problems) map[string]bool {
	sel := make(map[string]bool)
	if v == "" {
		v = "__standard"
	}
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name == "__min" || name == "__standard":
			for _, f := range pipelineFields[:len(pipelineFields)-1] {
				sel[f] = true
			}
		case name == "__full":
			for _, f := range pipelineFields {
				sel[f] = true
			}
		case slices.Contains(pipelineFields, name):
			sel[name] = true
		default:
			p.add("query", "fields", "unknown field "+strconv.Quote(name))
		}
	}
	return sel
}

// handleGetPipeline serves GET P/pipeline. Each one is a poll that moves a
// run on by one step.
func (s *Server) handleGetPipeline(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	ref := pathRef(r, &p)
	sel := parsePipelineFields(r.URL.Query().Get("fields"), &p)
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	dv := s.lockDataview(w, ref)
	if dv == nil {
		return
	}
	s.advanceRunLocked(dv, true)
	pw := dv.pipelineWireLocked(sel["stats"])
	s.mu.Unlock()
	b, _ := json.Marshal(pw)
	var all map[string]json.RawMessage
	_ = json.Unmarshal(b, &all)
	out := make(map[string]json.RawMessage, len(sel))
	for k := range sel {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	writeJSON(w, http.StatusOK, out)
}

// handleRunPipeline serves POST P/pipeline/rerun: {"from_sequence": n},
// {} or, as some clients send it, no body at all, all of which start a run
// and answer 202 with a job ("rerun_pipeline") that finishes with the run.
func (s *Server) handleRunPipeline(w http.ResponseWriter, r *http.Request, body []byte) {
	var p problems
	ref := pathRef(r, &p)
	if len(strings.TrimSpace(string(body))) > 0 {
		var req struct {
			FromSequence *json.Number `json:"from_sequence"`
		}
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.UseNumber()
		var keys map[string]json.RawMessage
		if json.Unmarshal(body, &keys) != nil || keys == nil || dec.Decode(&req) != nil {
			p.add("body", "", "must be a JSON object")
		} else if req.FromSequence != nil {
			n, err := strconv.Atoi(req.FromSequence.String())
			if err != nil || n < 0 {
				p.add("body", "from_sequence", "must be a non-negative integer or null")
			}
		}
	}
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	dv := s.lockDataview(w, ref)
	if dv == nil {
		return
	}
	j := s.startJobLocked(r, "rerun_pipeline", nil, nil)
	s.startRunLocked(dv, []*job{j})
	out := j.wire()
	s.mu.Unlock()
	writeJSON(w, http.StatusAccepted, map[string]any{"job": out})
}

// Pipeline returns the dataview's pipeline as GET P/pipeline with
// fields=__full would show it, without counting as a poll (time still
// moves a run on with [WithPipelineStepDuration]). It returns the zero
// Pipeline for a dataview the server does not know.
func (s *Server) Pipeline(ref mammoth.DataviewRef) mammoth.Pipeline {
	s.mu.Lock()
	dv := s.dataviews[ref]
	if dv == nil {
		s.mu.Unlock()
		return mammoth.Pipeline{}
	}
	s.advanceRunLocked(dv, false)
	b, _ := json.Marshal(dv.pipelineWireLocked(true))
	s.mu.Unlock()
	var p mammoth.Pipeline
	_ = json.Unmarshal(b, &p)
	return p
}

// SetPipelineState puts the dataview's pipeline in the given states, ending
// any run in progress without its effects, for testing how clients react
// to states that runs of the fake do not reach by themselves (ref_error,
// waiting_for_lock, an unset state given as ""). The states then stay until
// a run or another call changes them. It creates the dataview if needed.
func (s *Server) SetPipelineState(ref mammoth.DataviewRef, state mammoth.PipelineState, exec mammoth.PipelineExecutionState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pl := s.dataviewLocked(ref).pipe()
	pl.run = nil
	pl.state, pl.exec = state, exec
	pl.stateChangedAt = s.timestamp()
}

// FailNextRun makes the dataview's next pipeline run (or the one in
// progress) end in execution state runtime_error, without running its
// exports.
func (s *Server) FailNextRun(ref mammoth.DataviewRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref).pipe().failNext = true
}

// CompleteRuns finishes every pipeline run in progress, as if each had been
// polled enough.
func (s *Server) CompleteRuns() {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.timestamp()
	for _, dv := range s.dataviews {
		if dv.pipeline != nil && dv.pipeline.run != nil {
			s.finishRunLocked(dv, now)
		}
	}
}

// AddTask adds a task (a transformation step, already executed) at the end
// of the dataview's pipeline, creating the dataview if needed, and returns
// its id. Tasks appear in GET P/pipeline/items and in the pipeline's stats;
// the fake does not transform data.
func (s *Server) AddTask(ref mammoth.DataviewRef) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	pl := s.dataviewLocked(ref).pipe()
	s.lastTaskID++
	pl.tasks = append(pl.tasks, &task{
		id: s.lastTaskID, sequence: len(pl.tasks) + 1, status: mammoth.ExportStatusExecuted,
		rows: 100, size: 4096,
	})
	return s.lastTaskID
}
