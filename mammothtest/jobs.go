package mammothtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// job is a background job. Jobs advance only when polled, when their time
// is up at a request ([WithJobDuration]) or through [Server.CompleteJobs],
// so the server runs no goroutines of its own.
type job struct {
	id        int
	status    mammoth.JobStatus
	response  map[string]any
	created   time.Time
	updated   time.Time
	path      string
	operation string
	pollsLeft int
	// due is when the job may finish ([WithJobDuration]); zero for no bound.
	due     time.Time
	failure *JobFailure
	// succeed applies the job's work and returns its response.
	succeed func(now time.Time) map[string]any
	// fail applies what a failed run leaves behind.
	fail func(now time.Time, reason string)
}

// JobFailure describes how a job the server makes fail ends.
type JobFailure struct {
	// Reason is why the job failed; "" means "export failed".
	Reason string
	// Status is the job's final status; "" means "failure". Use
	// [mammoth.JobStatusError] for the other failed status.
	Status mammoth.JobStatus
	// Shape says where in the job's response the reason goes.
	Shape ReasonShape
}

// ReasonShape is where a failed job's response carries its reason. Clients
// of the API have looked in each of these places over time.
type ReasonShape int

// The places a failure reason can be put.
const (
	// ReasonInError answers {"error": reason}. It is the default.
	ReasonInError ReasonShape = iota
	// ReasonInFailureReason answers {"failure_reason": reason}.
	ReasonInFailureReason
	// ReasonInNestedDetail answers {"response": {"detail": reason}}.
	ReasonInNestedDetail
)

func (f JobFailure) reason() string {
	if f.Reason == "" {
		return "export failed"
	}
	return f.Reason
}

func (f JobFailure) status() mammoth.JobStatus {
	if f.Status == "" {
		return mammoth.JobStatusFailure
	}
	return f.Status
}

func (f JobFailure) response() map[string]any {
	switch f.Shape {
	case ReasonInFailureReason:
		return map[string]any{"failure_reason": f.reason()}
	case ReasonInNestedDetail:
		return map[string]any{"response": map[string]any{"detail": f.reason()}}
	}
	return map[string]any{"error": f.reason()}
}

// WithJobDuration makes jobs take d of the server's time ([WithClock]; the
// wall clock by default) from their start: until then a poll sees
// "processing". Once d is over, the job finishes at the next request the
// server receives, whatever its route, or when [Server.Jobs] is read. It
// combines with [WithJobPolls]: given both, a job finishes only when its
// time is up and it has been polled that many times; given only
// WithJobDuration, no poll count is needed (the default of 1 becomes 0). d
// <= 0 means no duration: jobs end by polls alone.
func WithJobDuration(d time.Duration) Option {
	return func(s *Server) { s.jobDuration = max(d, 0) }
}

// FailJobs makes every job started from now on end in status "failure"
// with the response {"error": reason}. FailJobs("") stops that. Jobs already
// started are not affected; see [Server.FailJob] for those.
func (s *Server) FailJobs(reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if reason == "" {
		s.failAll = nil
		return
	}
	s.failAll = &JobFailure{Reason: reason}
}

// FailNextJobs makes the next n jobs started end as f says. It takes
// precedence over [Server.FailJobs]; n <= 0 cancels an earlier call.
func (s *Server) FailNextJobs(n int, f JobFailure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failNext, s.failNextWith = max(n, 0), f
}

// FailJob makes a job that is still processing end as f says when it
// finishes. It reports false if there is no such job or it has finished.
func (s *Server) FailJob(id int, f JobFailure) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	j := s.jobs[id]
	if j == nil || j.status != mammoth.JobStatusProcessing {
		return false
	}
	j.failure = &f
	return true
}

// CompleteJobs finishes every job still processing, as if each had been
// polled enough, applying its effects on exports.
func (s *Server) CompleteJobs() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, j := range s.jobs {
		if j.status == mammoth.JobStatusProcessing {
			s.finishLocked(j)
		}
	}
}

// Jobs returns every job the server has started, sorted by id, as a GET
// /jobs/{id} would show them but without counting as a poll.
func (s *Server) Jobs() []mammoth.Job {
	s.finishDueJobs()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]mammoth.Job, 0, len(s.jobs))
	for _, j := range s.jobs {
		w := j.wire()
		resp, _ := json.Marshal(w.Response)
		out = append(out, mammoth.Job{
			ID:            j.id,
			Status:        j.status,
			Response:      resp,
			LastUpdatedAt: &mammoth.Timestamp{Time: j.updated},
			CreatedAt:     &mammoth.Timestamp{Time: j.created},
			Path:          j.path,
			Operation:     j.operation,
		})
	}
	slices.SortFunc(out, func(a, b mammoth.Job) int { return a.ID - b.ID })
	return out
}

// startJobLocked starts a job for the request r.
func (s *Server) startJobLocked(r *http.Request, operation string, succeed func(time.Time) map[string]any, fail func(time.Time, string)) *job {
	s.lastJobID++
	now := s.timestamp()
	j := &job{
		id:        s.lastJobID,
		status:    mammoth.JobStatusProcessing,
		created:   now,
		updated:   now,
		path:      r.URL.Path,
		operation: operation,
		pollsLeft: s.jobPolls,
		succeed:   succeed,
		fail:      fail,
	}
	if s.jobDuration > 0 {
		j.due = now.Add(s.jobDuration)
	}
	switch {
	case s.failNext > 0:
		s.failNext--
		f := s.failNextWith
		j.failure = &f
	case s.failAll != nil:
		f := *s.failAll
		j.failure = &f
	}
	s.jobs[j.id] = j
	return j
}

// pollLocked counts one poll of the job, finishing it when its polls are
// used up.
func (s *Server) pollLocked(j *job) {
	if j.status != mammoth.JobStatusProcessing {
		return
	}
	if j.pollsLeft > 0 {
		j.pollsLeft--
		return
	}
	if s.runningLocked(j) {
		return
	}
	s.finishLocked(j)
}

// runningLocked reports whether the job's duration is not over yet.
func (s *Server) runningLocked(j *job) bool {
	return !j.due.IsZero() && s.timestamp().Before(j.due)
}

// finishDueJobs finishes the jobs whose duration is over and that need no
// more polls, so that exports show a run's result once its time is up,
// whether or not anyone polls its job.
func (s *Server) finishDueJobs() {
	if s.jobDuration <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []*job
	for _, j := range s.jobs {
		if j.status == mammoth.JobStatusProcessing && j.pollsLeft == 0 && !s.runningLocked(j) {
			due = append(due, j)
		}
	}
	// In the order they started, so that two runs of one export leave the
	// later run's result, as they would when polled.
	slices.SortFunc(due, func(a, b *job) int { return a.id - b.id })
	for _, j := range due {
		s.finishLocked(j)
	}
}

func (s *Server) finishLocked(j *job) {
	now := s.timestamp()
	j.updated = now
	if f := j.failure; f != nil {
		j.status = f.status()
		j.response = f.response()
		if j.fail != nil {
			j.fail(now, f.reason())
		}
		return
	}
	j.status = mammoth.JobStatusSuccess
	if j.succeed != nil {
		j.response = j.succeed(now)
	}
}

// jobWire is a job as the API writes it: all seven keys, always.
type jobWire struct {
	ID            int               `json:"id"`
	Status        mammoth.JobStatus `json:"status"`
	Response      map[string]any    `json:"response"`
	LastUpdatedAt string            `json:"last_updated_at"`
	CreatedAt     string            `json:"created_at"`
	Path          string            `json:"path"`
	Operation     string            `json:"operation"`
}

func (j *job) wire() jobWire {
	resp := j.response
	if resp == nil {
		resp = map[string]any{}
	}
	return jobWire{
		ID: j.id, Status: j.status, Response: cloneMap(resp),
		LastUpdatedAt: formatTime(j.updated), CreatedAt: formatTime(j.created),
		Path: j.path, Operation: j.operation,
	}
}

// handleGetJob serves GET /jobs/{job_id}.
func (s *Server) handleGetJob(w http.ResponseWriter, r *http.Request, _ []byte) {
	id, ok := parseID(r.PathValue("job_id"), 0)
	if !ok {
		var p problems
		p.add("path", "job_id", "must be a non-negative integer")
		writeProblems(w, r, p)
		return
	}
	s.mu.Lock()
	j := s.jobs[id]
	var out jobWire
	if j != nil {
		s.pollLocked(j)
		out = j.wire()
	}
	s.mu.Unlock()
	if j == nil {
		writeNotFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"job": out})
}

// handleGetJobs serves GET /jobs?job_ids=1,2,3. Unknown ids are left out of
// the answer; repeated ids appear once.
func (s *Server) handleGetJobs(w http.ResponseWriter, r *http.Request, _ []byte) {
	var ids []int
	seen := make(map[int]bool)
	for _, part := range strings.Split(r.URL.Query().Get("job_ids"), ",") {
		id, ok := parseID(strings.TrimSpace(part), 0)
		if !ok {
			var p problems
			p.add("query", "job_ids", "must be one or more comma-separated non-negative integers")
			writeProblems(w, r, p)
			return
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	out := make([]jobWire, 0, len(ids))
	s.mu.Lock()
	for _, id := range ids {
		if j := s.jobs[id]; j != nil {
			s.pollLocked(j)
			out = append(out, j.wire())
		}
	}
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"jobs": out})
}
