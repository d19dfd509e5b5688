package mammoth_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// quickRetries keeps the waits between retries short.
var quickRetries = mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})

// TestAddExport_FailuresThatMayHaveActedAreSentOnceAndAddOnceAtMost checks,
// against the stateful fake, that an add is never repeated after a failure
// that leaves it unknown whether the API acted: one attempt, and one export
// at most in the pipeline.
func TestAddExport_FailuresThatMayHaveActedAreSentOnceAndAddOnceAtMost(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       mammothtest.Fault
		wantExports int
	}{
		{"500 before acting", mammothtest.Fault{Status: 500}, 0},
		{"500 after acting", mammothtest.Fault{Status: 500, AfterHandling: true}, 1},
		{"502 after acting", mammothtest.Fault{Status: 502, AfterHandling: true}, 1},
		{"504 after acting", mammothtest.Fault{Status: 504, AfterHandling: true}, 1},
		{"408", mammothtest.Fault{Status: 408}, 0},
		{"reset after acting", mammothtest.Fault{Reset: true, AfterHandling: true}, 1},
		{"reset before acting", mammothtest.Fault{Reset: true}, 0},
		{"answer cut short after acting", mammothtest.Fault{ResetAfterBytes: 5}, 1},
		// The fault holds the answer until the client gives up, so the
		// client's attempt timeout, never the fault's own clock, ends it.
		{"timeout", mammothtest.Fault{Delay: time.Hour}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, client, ref := fakeAPI(quickRetries, mammoth.WithTimeout(attemptTimeout(tt.fault)))
			defer srv.Close()
			fault := tt.fault
			fault.Route = mammothtest.RouteAddExport
			srv.InjectFault(fault)

			_, err := client.Exports.CreateS3Export(context.Background(), ref, &mammoth.S3ExportRequest{File: "once.csv"})
			require.Error(t, err)
			if tt.fault.Delay > 0 {
				var terr *mammoth.TransportError
				require.ErrorAs(t, err, &terr)
				assert.True(t, terr.Timeout() && terr.Sent, "a timeout after sending: %v", err)
			}
			// A client that timed out has written its request, but on a
			// loaded machine the server may read it only later.
			require.Eventually(t, func() bool { return srv.RequestCount(mammothtest.RouteAddExport) > 0 },
				time.Minute, time.Millisecond, "the attempt reached the server")
			assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteAddExport), "one attempt")
			assert.Len(t, srv.Exports(ref), tt.wantExports, "one export at most")
		})
	}
}

// attemptTimeout is short only where the fault is an answer that never
// comes, so that on a loaded machine the other faults are reached before
// the client gives up. Even there it is two seconds: an attempt timeout
// that expires before the request is written makes the client retry (it
// provably sent nothing), and a row meant for a timeout after sending
// would test that instead; 200ms was not always enough under -race on a
// loaded machine.
func attemptTimeout(f mammothtest.Fault) time.Duration {
	if f.Delay > 0 {
		return 2 * time.Second
	}
	return 30 * time.Second
}

// TestAddExport_RefusalsAreRetriedAndAddOnce checks the other side: a 429 or
// 503 proves the API did not act, so the add is retried and lands once.
func TestAddExport_RefusalsAreRetriedAndAddOnce(t *testing.T) {
	t.Parallel()
	for _, status := range []int{429, 503} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			t.Parallel()
			srv, client, ref := fakeAPI(quickRetries)
			defer srv.Close()
			srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteAddExport, Status: status, Count: 2})

			change, err := client.Exports.CreateS3Export(context.Background(), ref, &mammoth.S3ExportRequest{File: "once.csv"})
			require.NoError(t, err)
			assert.NotNil(t, change.Job)
			assert.Equal(t, 3, srv.RequestCount(mammothtest.RouteAddExport))
			assert.Len(t, srv.Exports(ref), 1)
		})
	}
}
