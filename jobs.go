package mammoth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// JobsService reads and waits for the background jobs that carry out
// pipeline changes. Get it from [Client.Jobs]. Jobs calls send the
// workspace set with [WithWorkspaceID], if any, as X-WORKSPACE-ID.
type JobsService service

// maxJobIDs bounds one GetJobs call, keeping its query string far below
// what servers and proxies accept.
const maxJobIDs = 500

func validateJobID(field string, id int) error {
	if id < 0 {
		return &ValidationError{Field: field, Reason: "must not be negative"}
	}
	return nil
}

// GetJob returns a job as it is now.
func (s *JobsService) GetJob(ctx context.Context, jobID int) (*Job, error) {
	if err := validateJobID("jobID", jobID); err != nil {
		return nil, err
	}
	var raw json.RawMessage
	resp, err := s.client.do(ctx, &request{
		op: "GetJob", method: http.MethodGet, path: "/jobs/" + strconv.Itoa(jobID),
		workspaceID: s.client.workspaceID, idempotent: true,
	}, &raw)
	if err != nil {
		return nil, err
	}
	job, err := decodeJob(raw)
	if err != nil {
		return nil, &DecodeError{Operation: "GetJob", StatusCode: resp.StatusCode, Err: s.client.mask.err(err)}
	}
	return job, nil
}

// decodeJob reads a job wrapped as {"job": {...}}, as the API documents it,
// or bare.
func decodeJob(raw json.RawMessage) (*Job, error) {
	var wrapper struct {
		Job json.RawMessage `json:"job"`
	}
	if err := json.Unmarshal(raw, &wrapper); err != nil {
		return nil, err
	}
	if len(wrapper.Job) > 0 && !bytes.Equal(wrapper.Job, []byte("null")) {
		raw = wrapper.Job
	}
	job := new(Job)
	if err := json.Unmarshal(raw, job); err != nil {
		return nil, err
	}
	if job.Status == "" {
		return nil, errors.New(`response is not a job: no "status"`)
	}
	return job, nil
}

// GetJobs returns several jobs in one call (GET /jobs?job_ids=1,2,3), in the
// order the API returns them.
func (s *JobsService) GetJobs(ctx context.Context, jobIDs []int) ([]*Job, error) {
	if len(jobIDs) == 0 {
		return nil, &ValidationError{Field: "jobIDs", Reason: "must not be empty"}
	}
	if len(jobIDs) > maxJobIDs {
		return nil, &ValidationError{Field: "jobIDs", Reason: "must hold at most " + strconv.Itoa(maxJobIDs) + " ids"}
	}
	ids := make([]string, len(jobIDs))
	for i, id := range jobIDs {
		if err := validateJobID("jobIDs["+strconv.Itoa(i)+"]", id); err != nil {
			return nil, err
		}
		ids[i] = strconv.Itoa(id)
	}
	var body struct {
		Jobs []*Job `json:"jobs"`
	}
	_, err := s.client.do(ctx, &request{
		op: "GetJobs", method: http.MethodGet, path: "/jobs",
		query:       "job_ids=" + strings.Join(ids, ","),
		workspaceID: s.client.workspaceID, idempotent: true,
	}, &body)
	if err != nil {
		return nil, err
	}
	if body.Jobs == nil {
		return nil, &DecodeError{Operation: "GetJobs", StatusCode: http.StatusOK, Err: errors.New(`response has no "jobs" list`)}
	}
	return body.Jobs, nil
}

// WaitOptions tunes [JobsService.WaitForJob] and the SDK's other waits.
//
// A wait polls at once, then after PollInterval, and then less and less
// often: intervals double up to max(PollInterval, 250ms) and from there on
// are a tenth of the time waited so far; for the first minute they stop at
// max(PollInterval, 2s), and they never pass MaxPollInterval. So the time
// between a job's end and the wait returning stays within max(250ms,
// PollInterval, 10% of the time waited), jobs of up to a minute are seen
// no later than a fixed 2s poll sees them, and long jobs cost few polls: a
// job of a minute about 54, one of ten minutes about 94 (a fixed 2s poll:
// 31 and 301). The time waited is the sum of the intervals, without the
// time the polls themselves take. To poll at a fixed interval, set
// PollInterval and MaxPollInterval to the same value.
type WaitOptions struct {
	// PollInterval is the first interval between polls; 0 means the
	// client's (see [WithPollInterval]; 100ms by default). Later intervals
	// grow from it as described above.
	PollInterval time.Duration
	// MaxPollInterval caps every interval, the first included; 0 means
	// 15s (or PollInterval, if that is larger).
	MaxPollInterval time.Duration
	// Timeout bounds the whole wait; 0 means no bound beyond the
	// context's deadline.
	Timeout time.Duration
	// OnPoll, if set, is called with the job after every poll, finished or
	// not, on the waiting goroutine: for progress reports.
	OnPoll func(*Job)
	// OnPipelinePoll is OnPoll's counterpart for the waits on a pipeline
	// ([PipelinesService.WaitForPipeline], [PipelinesService.SubmitDraft]):
	// called with the pipeline after every poll, settled or not.
	OnPipelinePoll func(*Pipeline)
}

// WaitForJob polls a job until it finishes, on the schedule [WaitOptions]
// describes. It returns the job when it succeeds, a [*JobFailedError]
// carrying the failure reason when it ends in failure or error, and the
// context's error (or, with opts.Timeout, a [context.DeadlineExceeded]
// error) when waiting runs out of time. A status the SDK does not know is
// taken as not finished yet.
func (s *JobsService) WaitForJob(ctx context.Context, jobID int, opts *WaitOptions) (*Job, error) {
	if err := validateJobID("jobID", jobID); err != nil {
		return nil, err
	}
	if err := validateWaitOptions(opts); err != nil {
		return nil, err
	}
	var o WaitOptions
	if opts != nil {
		o = *opts
	}
	if ctx == nil {
		return nil, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	if o.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.Timeout)
		defer cancel()
	}
	schedule := s.client.pollSchedule(&o)
	for {
		job, err := s.GetJob(ctx, jobID)
		if err != nil {
			return nil, err
		}
		if o.OnPoll != nil {
			o.OnPoll(job)
		}
		switch job.Status {
		case JobStatusSuccess:
			return job, nil
		case JobStatusFailure, JobStatusError:
			return nil, &JobFailedError{JobID: jobID, Status: job.Status, Reason: failureReason(job, s.client.mask), Job: job}
		}
		if err := s.client.sleep(ctx, schedule.next()); err != nil {
			return nil, fmt.Errorf("mammoth: waiting for job %d (last status %q): %w", jobID, job.Status, err)
		}
	}
}

// failureReason finds why a job failed, wherever the API put it: the
// response's "error", "failure_reason", "detail" or "message", or those of a
// response nested in it. The reason comes from an answer, so the secret is
// masked in it (the body it was decoded from was masked too, but a reason
// that is not a string is encoded again, and encoding adds escapes).
func failureReason(job *Job, m masker) string {
	var resp map[string]any
	if json.Unmarshal(job.Response, &resp) == nil && resp != nil {
		if r := reasonIn(resp); r != "" {
			return m.str(r)
		}
		if nested, ok := resp["response"].(map[string]any); ok {
			if r := reasonIn(nested); r != "" {
				return m.str(r)
			}
		}
	}
	return "job ended with status " + m.str(string(job.Status)) + " and no reason"
}

func reasonIn(m map[string]any) string {
	for _, key := range []string{"error", "failure_reason", "detail", "message", "reason"} {
		switch v := m[key].(type) {
		case nil:
		case string:
			if v != "" {
				return v
			}
		default:
			if b, err := json.Marshal(v); err == nil {
				return string(b)
			}
		}
	}
	return ""
}
