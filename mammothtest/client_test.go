package mammothtest_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestClientSendsTheServersCredentialsToItsURL(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	c := s.Client()
	assert.Equal(t, s.URL(), c.BaseURL())
	_, err := c.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodGet, reqs[0].Method)
	assert.Equal(t, "/api/v2"+dvPath(testRef)+exportsSuffix, reqs[0].Path)
	assert.Equal(t, s.APIKey(), reqs[0].Header.Get("X-Api-Key"))
	assert.Equal(t, s.APISecret(), reqs[0].Header.Get("X-Api-Secret"))
}

func TestClientWaitsForAJobWithoutSleeping(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithJobPolls(3))
	c := s.Client()
	ctx := context.Background()
	change, err := c.Exports.CreateS3Export(ctx, testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	// Four polls at 1, 2 and 4ms apart: far below the 100ms a default
	// client waits before its second poll alone. Bounded generously.
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	job, err := c.Jobs.WaitForJob(ctx, change.Job.ID, nil)
	require.NoError(t, err)
	assert.Equal(t, mammoth.JobStatusSuccess, job.Status)
	assert.Equal(t, 4, s.RequestCount(mammothtest.RouteGetJob))
}

func TestClientRetriesA429WithoutRetryAfterQuickly(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: http.StatusTooManyRequests, Count: 3})
	_, err := s.Client().Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err, "three refusals, then the fourth attempt of the default retry count")
	assert.Equal(t, 4, s.RequestCount(mammothtest.RouteListExports))
}

func TestClientReturnsALongRetryAfterAtOnce(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: http.StatusTooManyRequests, RetryAfter: "1"})
	_, err := s.Client().Exports.ListExports(context.Background(), testRef, nil)
	var apiErr *mammoth.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.ErrorIs(t, err, mammoth.ErrRateLimited)
	assert.Equal(t, time.Second, apiErr.RetryAfter)
	assert.Equal(t, 1, s.RequestCount(mammothtest.RouteListExports))
}

func TestClientAppliesTheCallersOptionsLast(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: http.StatusServiceUnavailable, Count: 1})
	c := s.Client(mammoth.WithMaxRetries(0), mammoth.WithUserAgent("billing-sync/2.1"))
	_, err := c.Exports.ListExports(context.Background(), testRef, nil)
	require.Error(t, err, "no retry")
	reqs := s.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, "billing-sync/2.1 mammoth-go/"+mammoth.Version, reqs[0].Header.Get("User-Agent"))

	other := mammothtest.NewServer()
	defer other.Close()
	other.AddDataview(testRef)
	c = s.Client(mammoth.WithBaseURL(other.URL()))
	_, err = c.Exports.ListExports(context.Background(), testRef, nil)
	assert.ErrorIs(t, err, mammoth.ErrUnauthorized, "the other server has other credentials")
	assert.Equal(t, 1, other.RequestCount(mammothtest.RouteListExports))
}

func TestClientPanicsWithTheRefusedOption(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	var msg any
	func() {
		defer func() { msg = recover() }()
		s.Client(mammoth.WithTimeout(-time.Second))
	}()
	require.IsType(t, "", msg)
	assert.Contains(t, msg, "mammothtest: Server.Client cannot make a client")
	assert.Contains(t, msg, "timeout")
	assert.Empty(t, s.Requests())
}

func TestClientOfAServerWithoutCredentialsIsRefused(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithCredentials("", ""))
	_, err := s.Client().Exports.ListExports(context.Background(), testRef, nil)
	assert.ErrorIs(t, err, mammoth.ErrUnauthorized)
}

func TestClientNilOptionsAreSkipped(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	_, err := s.Client(nil, nil).Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
}

// jobStatus polls a job once through the API.
func jobStatus(t *testing.T, c *mammoth.Client, id int) mammoth.JobStatus {
	t.Helper()
	j, err := c.Jobs.GetJob(context.Background(), id)
	require.NoError(t, err)
	return j.Status
}

func TestJobDurationEndsJobsByTheServersClock(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s := newServer(t, mammothtest.WithClock(clock.Now), mammothtest.WithJobDuration(5*time.Second))
	c := s.Client()
	change, err := c.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	id := change.Job.ID
	for range 5 {
		assert.Equal(t, mammoth.JobStatusProcessing, jobStatus(t, c, id), "polls alone do not end it")
	}
	clock.Advance(5*time.Second - time.Nanosecond)
	assert.Equal(t, mammoth.JobStatusProcessing, jobStatus(t, c, id))
	clock.Advance(time.Nanosecond)
	assert.Equal(t, mammoth.JobStatusSuccess, jobStatus(t, c, id), "the first poll once the time is up")
}

func TestJobDurationAndPollsBothHaveToBeSpent(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s := newServer(t, mammothtest.WithClock(clock.Now), mammothtest.WithJobDuration(time.Second), mammothtest.WithJobPolls(2))
	c := s.Client()
	change, err := c.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	id := change.Job.ID

	clock.Advance(time.Hour)
	assert.Equal(t, mammoth.JobStatusProcessing, jobStatus(t, c, id), "poll 1 of 2")
	assert.Equal(t, mammoth.JobStatusProcessing, jobStatus(t, c, id), "poll 2 of 2")
	assert.Equal(t, mammoth.JobStatusSuccess, jobStatus(t, c, id))

	// The other way round: polls spent early, then the time.
	change, err = c.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "b.csv"})
	require.NoError(t, err)
	id = change.Job.ID
	for range 4 {
		assert.Equal(t, mammoth.JobStatusProcessing, jobStatus(t, c, id))
	}
	clock.Advance(time.Second)
	assert.Equal(t, mammoth.JobStatusSuccess, jobStatus(t, c, id))
}

func TestJobDurationFinishesUnpolledJobsAtAnyRequest(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s := newServer(t, mammothtest.WithClock(clock.Now), mammothtest.WithJobDuration(time.Minute))
	c := s.Client()
	ctx := context.Background()
	change, err := c.Exports.CreateS3Export(ctx, testRef, &mammoth.S3ExportRequest{File: "a.csv", RunImmediately: mammoth.Ptr(true)})
	require.NoError(t, err)
	require.NotNil(t, change.Job)
	exportID := *s.Exports(testRef)[0].ID

	exp, err := c.Exports.GetExport(ctx, testRef, exportID, nil)
	require.NoError(t, err)
	assert.Equal(t, mammoth.ExportStatusAdded, exp.Status)

	clock.Advance(time.Minute)
	exp, err = c.Exports.GetExport(ctx, testRef, exportID, nil)
	require.NoError(t, err)
	assert.Equal(t, mammoth.ExportStatusExecuted, exp.Status, "without a single poll of its job")
	assert.Zero(t, s.RequestCount(mammothtest.RouteGetJob))
}

func TestJobDurationIsSeenByServerJobs(t *testing.T) {
	t.Parallel()
	clock := newFakeClock()
	s := newServer(t, mammothtest.WithClock(clock.Now), mammothtest.WithJobDuration(time.Minute))
	_, err := s.Client().Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	assert.Equal(t, mammoth.JobStatusProcessing, s.Jobs()[0].Status)
	clock.Advance(time.Minute)
	assert.Equal(t, mammoth.JobStatusSuccess, s.Jobs()[0].Status, "with no request in between")
}

func TestJobDurationInWallTime(t *testing.T) {
	t.Parallel()
	s := newServer(t, mammothtest.WithJobDuration(60*time.Millisecond))
	c := s.Client()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now()
	change, err := c.Exports.CreateS3Export(ctx, testRef, &mammoth.S3ExportRequest{File: "a.csv"})
	require.NoError(t, err)
	job, err := c.Jobs.WaitForJob(ctx, change.Job.ID, nil)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, time.Since(start), 60*time.Millisecond, "not before its time")
	assert.GreaterOrEqual(t, job.LastUpdatedAt.Sub(job.CreatedAt.Time), 60*time.Millisecond, "finished once its time was up")
}

func TestJobDurationZeroOrNegativeMeansPollsAlone(t *testing.T) {
	t.Parallel()
	for _, d := range []time.Duration{0, -time.Second} {
		s := newServer(t, mammothtest.WithJobDuration(d))
		c := s.Client()
		change, err := c.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "a.csv"})
		require.NoError(t, err)
		assert.Equal(t, mammoth.JobStatusProcessing, jobStatus(t, c, change.Job.ID), "the default one poll")
		assert.Equal(t, mammoth.JobStatusSuccess, jobStatus(t, c, change.Job.ID))
	}
}

// The README's example of a fast retried-429 test with a client of one's
// own.
func TestReadmeRetried429WithTinyBackoffs(t *testing.T) {
	t.Parallel()
	srv := newServer(t)
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 429, Count: 2})
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(),
		mammoth.WithBaseURL(srv.URL()),
		mammoth.WithPollInterval(time.Millisecond),
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond}))
	require.NoError(t, err)
	_, err = client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.Equal(t, 3, srv.RequestCount(mammothtest.RouteListExports))
}

func TestJobDurationFinishesDueJobsInTheOrderTheyStarted(t *testing.T) {
	t.Parallel()
	for range 20 { // map order would differ between runs
		clock := newFakeClock()
		s := newServer(t, mammothtest.WithClock(clock.Now), mammothtest.WithJobDuration(time.Second))
		c := s.Client()
		ctx := context.Background()
		ids := s.SeedExports(testRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3})
		var jobs []int
		for range 3 {
			change, err := c.Exports.RunExport(ctx, testRef, ids[0])
			require.NoError(t, err)
			jobs = append(jobs, change.Job.ID)
		}
		clock.Advance(time.Second)
		exp, err := c.Exports.GetExport(ctx, testRef, ids[0], &mammoth.GetExportOptions{Fields: mammoth.FieldsFull})
		require.NoError(t, err)
		assert.EqualValues(t, jobs[2], exp.LastRunResult["job_id"], "the last run's result")
	}
}
