package mammoth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestStress_ManyGoroutinesThroughFaultsLoseAndDuplicateNothing runs
// hundreds of goroutines on one client against the fake API while it
// answers 5xx, 429 with Retry-After, resets connections before and after
// acting, and answers slowly. Every call must succeed or fail with a typed
// error; every add reported as successful must be in the pipeline exactly
// once, and no add may create a duplicate. It is not parallel: it counts
// the process's goroutines.
func TestStress_ManyGoroutinesThroughFaultsLoseAndDuplicateNothing(t *testing.T) {
	const workers = 300
	const secret = "stress-secret-never-printed"
	before := runtime.NumGoroutine()

	srv := mammothtest.NewServer(mammothtest.WithCredentials("stress-key", secret))
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	logs := &lockedBuffer{}
	// Retries are what this test puts through the faults, so it turns off
	// what would stop most of them: the retry budget (a few hundred faults
	// would spend it within milliseconds, failing calls before they retry)
	// and the shared cooldown (the Retry-After: 30 would fail every call at
	// once for MaxBackoff). Both are tested under load in cooldown_test.go
	// and budget_test.go.
	client, err := mammoth.NewClient("stress-key", secret,
		mammoth.WithBaseURL(srv.URL()),
		mammoth.WithTimeout(5*time.Second),
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 1500 * time.Millisecond, Budget: mammoth.RetryBudget{Disabled: true}, NoCooldown: true}),
		mammoth.WithLogger(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))),
	)
	require.NoError(t, err)

	for _, f := range []mammothtest.Fault{
		{Route: mammothtest.RouteAddExport, Status: 503, Count: 40},
		{Route: mammothtest.RouteAddExport, Status: 429, RetryAfter: "1", Count: 15},
		{Route: mammothtest.RouteAddExport, Status: 429, RetryAfter: "30", Count: 5},
		{Route: mammothtest.RouteAddExport, Reset: true, Count: 15},
		{Route: mammothtest.RouteAddExport, Reset: true, AfterHandling: true, Count: 15},
		{Route: mammothtest.RouteAddExport, Status: 500, AfterHandling: true, Count: 15},
		{Route: mammothtest.RouteAddExport, Status: 502, Count: 10},
		{Route: mammothtest.RouteAddExport, Delay: 20 * time.Millisecond, Count: 30},
		{Route: mammothtest.RouteListExports, Status: 500, Count: 40},
		{Route: mammothtest.RouteListExports, Reset: true, Count: 20},
		{Route: mammothtest.RouteListExports, ResetAfterBytes: 10, Count: 20},
		{Route: mammothtest.RouteGetJob, Status: 504, Count: 30},
		{Route: mammothtest.RouteGetJob, Delay: 30 * time.Millisecond, Count: 60},
		{Route: mammothtest.RouteGetJob, Reset: true, Count: 20},
	} {
		srv.InjectFault(f)
	}

	ctx := context.Background()
	added := make([]bool, workers)
	errs := make(chan error, workers*3)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{
				File: fmt.Sprintf("stress-%03d.csv", i), RunImmediately: mammoth.Ptr(false),
			})
			if err != nil {
				errs <- err
			} else {
				added[i] = true
				if id, ok := change.JobID(); ok {
					if _, err := client.Jobs.GetJob(ctx, id); err != nil {
						errs <- err
					}
				}
			}
			if _, err := client.Exports.ListExports(ctx, ref, &mammoth.ListExportsOptions{Limit: mammoth.Ptr(5), Offset: i % 50}); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)

	var failures []string
	for err := range errs {
		var apiErr *mammoth.APIError
		var transportErr *mammoth.TransportError
		var decodeErr *mammoth.DecodeError
		typed := errors.As(err, &apiErr) || errors.As(err, &transportErr) || errors.As(err, &decodeErr)
		assert.True(t, typed, "untyped error %T: %v", err, err)
		assert.NotContains(t, err.Error(), secret)
		failures = append(failures, err.Error())
	}

	perFile := map[string]int{}
	for _, exp := range srv.Exports(ref) {
		file, _ := exp.TargetProperties["file"].(string)
		perFile[file]++
	}
	reported := 0
	for i, ok := range added {
		file := fmt.Sprintf("stress-%03d.csv", i)
		assert.LessOrEqual(t, perFile[file], 1, "%s was added twice", file)
		if ok {
			reported++
			assert.Equal(t, 1, perFile[file], "%s was reported added but is not in the pipeline", file)
		}
	}
	t.Logf("%d adds reported successful, %d exports in the pipeline, %d calls failed", reported, len(srv.Exports(ref)), len(failures))
	assert.Greater(t, reported, workers/2, "most adds get through the faults")
	assert.NotEmpty(t, failures, "the faults that cannot be retried surface")
	assert.NotContains(t, logs.String(), secret)
	assert.Contains(t, logs.String(), "mammoth: retrying")
	assert.NotContains(t, strings.Join(failures, "\n"), secret)

	client.CloseIdleConnections()
	srv.Close()
	// Polled by hand: assert.Eventually runs its condition on a goroutine
	// of its own, which the count would include.
	deadline := time.Now().Add(10 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if after := runtime.NumGoroutine(); after > before {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after:\n%s", before, after, buf[:runtime.Stack(buf, true)])
	}
}
