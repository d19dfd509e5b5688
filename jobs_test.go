package mammoth

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetJob_ReadsWrappedAndBareJobs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		body     string
		response string
	}{
		{"wrapped", `{"job":{"id":10,"status":"success","response":{"url":"https://x/y.csv"},"last_updated_at":"2021-08-10T10:00:00","created_at":"2014-11-08T10:20:10.061977","path":"/api/v2/dataviews/1","operation":"post_modification_pipeline_execution"}}`, `{"url":"https://x/y.csv"}`},
		{"bare", `{"id":10,"status":"success","response":{"dashboard_id":73}}`, `{"dashboard_id":73}`},
		{"array response", `{"job":{"id":10,"status":"success","response":["a",1,{"b":2}]}}`, `["a",1,{"b":2}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.handle("GET", "/jobs/10", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, testBasePath+"/jobs/10", r.URL.Path)
				assert.Empty(t, r.URL.RawQuery)
				assertCredentials(t, r)
				writeJSON(w, 200, tt.body)
			})
			job, err := f.client.Jobs.GetJob(context.Background(), 10)
			require.NoError(t, err)
			assert.Equal(t, 10, job.ID)
			assert.Equal(t, JobStatusSuccess, job.Status)
			assert.JSONEq(t, tt.response, string(job.Response))
		})
	}
}

func TestGetJob_DecodesEveryKey(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.handle("GET", "/jobs/10", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"job":{"id":10,"status":"processing","response":{},"last_updated_at":"2021-08-10T10:00:00","created_at":"2014-11-08T10:20:10.061977","path":"/api/v2/dataviews/1","operation":"post_modification_pipeline_execution"}}`)
	})
	job, err := f.client.Jobs.GetJob(context.Background(), 10)
	require.NoError(t, err)
	assert.Equal(t, "/api/v2/dataviews/1", job.Path)
	assert.Equal(t, "post_modification_pipeline_execution", job.Operation)
	assert.True(t, time.Date(2021, 8, 10, 10, 0, 0, 0, time.UTC).Equal(job.LastUpdatedAt.Time))
	assert.True(t, time.Date(2014, 11, 8, 10, 20, 10, 61977000, time.UTC).Equal(job.CreatedAt.Time))
	obj, err := job.ResponseObject()
	require.NoError(t, err)
	assert.Empty(t, obj)
}

func TestGetJob_RejectsWhatIsNotAJob(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"job":{"id":1}}`, `{"detail":"x"}`, `[]`, `{"job":"x"}`} {
		f := setup(t)
		f.handle("GET", "/jobs/1", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, body) })
		job, err := f.client.Jobs.GetJob(context.Background(), 1)
		assert.Nil(t, job, body)
		var de *DecodeError
		assert.ErrorAs(t, err, &de, body)
	}
}

func TestJob_ResponseObjectOfAnArrayIsAnError(t *testing.T) {
	t.Parallel()
	_, err := (&Job{ID: 3, Response: []byte(`[1,2]`)}).ResponseObject()
	assert.ErrorContains(t, err, "job 3 response is not an object")
	m, err := (&Job{Response: []byte(`null`)}).ResponseObject()
	require.NoError(t, err)
	assert.Empty(t, m)
}

func TestGetJobs_SendsCommaSeparatedIDs(t *testing.T) {
	t.Parallel()
	f := setup(t, WithWorkspaceID(4))
	f.handle("GET", "/jobs", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "job_ids=10,11,12", r.URL.RawQuery)
		assert.Equal(t, "4", r.Header.Get("X-WORKSPACE-ID"))
		assertCredentials(t, r)
		writeJSON(w, 200, `{"jobs":[{"id":10,"status":"success"},{"id":11,"status":"processing"},{"id":12,"status":"failure","response":{"error":"x"}}]}`)
	})
	jobs, err := f.client.Jobs.GetJobs(context.Background(), []int{10, 11, 12})
	require.NoError(t, err)
	require.Len(t, jobs, 3)
	assert.Equal(t, []JobStatus{JobStatusSuccess, JobStatusProcessing, JobStatusFailure},
		[]JobStatus{jobs[0].Status, jobs[1].Status, jobs[2].Status})
}

func TestGetJobs_RejectsABodyWithoutJobs(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.handle("GET", "/jobs", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{}`) })
	_, err := f.client.Jobs.GetJobs(context.Background(), []int{1})
	var de *DecodeError
	assert.ErrorAs(t, err, &de)
}

// jobSequence serves a job whose status follows statuses, one per poll,
// staying at the last one.
func jobSequence(t *testing.T, f *fixture, id int, final string, statuses ...string) *atomic.Int64 {
	t.Helper()
	var polls atomic.Int64
	f.handle("GET", fmt.Sprintf("/jobs/%d", id), func(w http.ResponseWriter, r *http.Request) {
		n := int(polls.Add(1))
		if n <= len(statuses) {
			writeJSON(w, 200, fmt.Sprintf(`{"job":{"id":%d,"status":%q,"response":{}}}`, id, statuses[n-1]))
			return
		}
		writeJSON(w, 200, final)
	})
	return &polls
}

func TestWaitForJob_PollsUntilSuccess(t *testing.T) {
	t.Parallel()
	f := setup(t)
	polls := jobSequence(t, f, 5, `{"job":{"id":5,"status":"success","response":{"url":"u"}}}`, "processing", "processing")
	var seen []JobStatus
	job, err := f.client.Jobs.WaitForJob(context.Background(), 5, &WaitOptions{OnPoll: func(j *Job) { seen = append(seen, j.Status) }})
	require.NoError(t, err)
	assert.Equal(t, []JobStatus{JobStatusProcessing, JobStatusProcessing, JobStatusSuccess}, seen)
	assert.Equal(t, JobStatusSuccess, job.Status)
	assert.EqualValues(t, 3, polls.Load())
	assert.Equal(t, []time.Duration{100 * time.Millisecond, 200 * time.Millisecond}, f.waits(), "first poll after 100ms, then doubling")
}

func TestWaitForJob_IntervalsFollowTheScheduleOnLongJobs(t *testing.T) {
	t.Parallel()
	f := setup(t)
	statuses := make([]string, 40)
	for i := range statuses {
		statuses[i] = "processing"
	}
	jobSequence(t, f, 5, `{"job":{"id":5,"status":"success"}}`, statuses...)
	_, err := f.client.Jobs.WaitForJob(context.Background(), 5, &WaitOptions{PollInterval: time.Second, MaxPollInterval: 4 * time.Second})
	require.NoError(t, err)
	waits := f.waits()
	require.Len(t, waits, 40)
	var waited time.Duration
	for i, w := range waits {
		if waited < 10*time.Second {
			assert.Equal(t, time.Second, w, "the first interval is kept while it is within a tenth of the wait (poll %d)", i)
		}
		if i > 0 {
			assert.GreaterOrEqual(t, w, waits[i-1], "never shrinks (poll %d)", i)
			assert.LessOrEqual(t, w, max(time.Second, waited/10), "within a tenth of the wait (poll %d)", i)
		}
		assert.LessOrEqual(t, w, 4*time.Second)
		waited += w
	}
	assert.Equal(t, 4*time.Second, waits[len(waits)-1], "capped at MaxPollInterval")
}

func TestWaitForJob_UnknownStatusKeepsPolling(t *testing.T) {
	t.Parallel()
	f := setup(t)
	polls := jobSequence(t, f, 5, `{"job":{"id":5,"status":"success"}}`, "queued", "retrying", "processing")
	job, err := f.client.Jobs.WaitForJob(context.Background(), 5, &WaitOptions{PollInterval: time.Millisecond})
	require.NoError(t, err)
	assert.Equal(t, JobStatusSuccess, job.Status)
	assert.EqualValues(t, 4, polls.Load())
}

func TestWaitForJob_FailureReasonFromWhereverTheAPIPutsIt(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, status, response, want string
	}{
		{"response.error", "failure", `{"error":"disk full"}`, "disk full"},
		{"response.failure_reason", "failure", `{"failure_reason":"bad table"}`, "bad table"},
		{"response.response.detail", "error", `{"response":{"detail":"upstream said no"}}`, "upstream said no"},
		{"response.response.error", "error", `{"response":{"error":"timeout talking to S3"}}`, "timeout talking to S3"},
		{"response.detail", "failure", `{"detail":"Not Found"}`, "Not Found"},
		{"error is preferred", "failure", `{"error":"first","response":{"detail":"second"}}`, "first"},
		{"non-string reason", "failure", `{"error":{"code":7}}`, `{"code":7}`},
		{"no reason", "error", `{}`, "job ended with status error and no reason"},
		{"array response", "failure", `["x"]`, "job ended with status failure and no reason"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			jobSequence(t, f, 9, fmt.Sprintf(`{"job":{"id":9,"status":%q,"response":%s}}`, tt.status, tt.response), "processing")
			job, err := f.client.Jobs.WaitForJob(context.Background(), 9, nil)
			assert.Nil(t, job)
			var failed *JobFailedError
			require.ErrorAs(t, err, &failed)
			assert.Equal(t, 9, failed.JobID)
			assert.Equal(t, JobStatus(tt.status), failed.Status)
			assert.Equal(t, tt.want, failed.Reason)
			require.NotNil(t, failed.Job)
			assert.Contains(t, err.Error(), "job 9 "+tt.status+": "+tt.want)
		})
	}
}

// expiringContext is a caller's context whose deadline passes when the
// test says so: a deadline fixed in advance can pass before the first
// poll is answered on a loaded machine, and the test would check the
// poll's failure instead of the wait's.
type expiringContext struct {
	context.Context
	done chan struct{}
	once sync.Once
}

func newExpiringContext() *expiringContext {
	return &expiringContext{Context: context.Background(), done: make(chan struct{})}
}

func (c *expiringContext) Done() <-chan struct{} { return c.done }

func (c *expiringContext) Err() error {
	select {
	case <-c.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

func (c *expiringContext) expire() { c.once.Do(func() { close(c.done) }) }

func TestWaitForJob_StopsAtTheCallersDeadline(t *testing.T) {
	t.Parallel()
	f := setup(t)
	polls := jobSequence(t, f, 5, `{"job":{"id":5,"status":"processing"}}`)
	f.client.sleepFn = nil // a real wait of an hour, cut short by the deadline
	ctx := newExpiringContext()
	done := make(chan error, 1)
	go func() {
		_, err := f.client.Jobs.WaitForJob(ctx, 5, &WaitOptions{PollInterval: time.Hour, OnPoll: func(*Job) {
			// The deadline passes shortly after the first answer, while the
			// wait is sleeping or about to.
			time.AfterFunc(10*time.Millisecond, ctx.expire)
		}})
		done <- err
	}()
	select {
	case err := <-done:
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), `waiting for job 5 (last status "processing")`)
	case <-time.After(time.Minute):
		// An hour's wait that the deadline did not end.
		t.Fatal("WaitForJob did not return at the caller's deadline")
	}
	assert.EqualValues(t, 1, polls.Load(), "one poll, then the deadline")
}

func TestWaitForJob_TimeoutOption(t *testing.T) {
	t.Parallel()
	f := setup(t)
	polls := jobSequence(t, f, 5, `{"job":{"id":5,"status":"processing"}}`)
	f.client.sleepFn = nil
	_, err := f.client.Jobs.WaitForJob(context.Background(), 5, &WaitOptions{PollInterval: time.Hour, Timeout: 30 * time.Millisecond})
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	// On a loaded machine the first poll itself may outlast 30ms; a second
	// one, an hour later, never comes.
	assert.LessOrEqual(t, polls.Load(), int64(1))
}

func TestWaitForJob_Cancelled(t *testing.T) {
	t.Parallel()
	f := setup(t)
	jobSequence(t, f, 5, `{"job":{"id":5,"status":"processing"}}`)
	ctx, cancel := context.WithCancel(context.Background())
	f.client.sleepFn = func(ctx context.Context, d time.Duration) error {
		cancel()
		return ctx.Err()
	}
	_, err := f.client.Jobs.WaitForJob(ctx, 5, nil)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestWaitForJob_RejectsBadOptions(t *testing.T) {
	t.Parallel()
	for _, o := range []WaitOptions{{PollInterval: -1}, {MaxPollInterval: -1}, {Timeout: -1}} {
		f := setup(t)
		_, err := f.client.Jobs.WaitForJob(context.Background(), 1, &o)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve)
		assert.Zero(t, f.requests.Load())
	}
}
