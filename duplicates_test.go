package mammoth_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jobsOf counts the fake's jobs by operation.
func jobsOf(srv *mammothtest.Server, operation string) int {
	n := 0
	for _, j := range srv.Jobs() {
		if j.Operation == operation {
			n++
		}
	}
	return n
}

func addOne(t *testing.T, srv *mammothtest.Server, client *mammoth.Client, ref mammoth.DataviewRef) int {
	t.Helper()
	change, err := client.Exports.CreateS3Export(context.Background(), ref, &mammoth.S3ExportRequest{File: "a.csv", RunImmediately: mammoth.Ptr(false)})
	require.NoError(t, err)
	exps := srv.Exports(ref)
	require.Len(t, exps, 1, "%+v", change)
	srv.ClearRequests()
	return *exps[0].ID
}

func runningReplace(ref mammoth.DataviewRef, run bool) []mammoth.PatchOp {
	return []mammoth.PatchOp{{Op: mammoth.PatchOperationReplace, Path: mammoth.PatchPathParams, Value: &mammoth.AddExportSpec{
		HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, RunImmediately: run,
		TargetProperties: mammoth.S3TargetProperties{File: "b.csv"},
	}}}
}

// TestEditExport_ChangesThatCanRunAreNotRepeatedAfterTheServerMayHaveActed
// checks every edit that can start a run: the run command, a replace whose
// spec runs at once, and a replace next to other patches. A failure after
// the fake acted must leave one request and one run; a replace that does not
// run is idempotent and retried.
func TestEditExport_ChangesThatCanRunAreNotRepeatedAfterTheServerMayHaveActed(t *testing.T) {
	t.Parallel()
	suspend := mammoth.PatchOp{Op: mammoth.PatchOperationCommand, Path: mammoth.PatchPathSuspend}
	restore := mammoth.PatchOp{Op: mammoth.PatchOperationCommand, Path: mammoth.PatchPathRestore}
	run := mammoth.PatchOp{Op: mammoth.PatchOperationCommand, Path: mammoth.PatchPathRun}
	faults := map[string]mammothtest.Fault{
		"500 after acting":   {Status: 500, AfterHandling: true},
		"502 after acting":   {Status: 502, AfterHandling: true},
		"reset after acting": {Reset: true, AfterHandling: true},
		"answer cut short":   {ResetAfterBytes: 3},
	}
	edits := map[string]struct {
		patches   func(ref mammoth.DataviewRef) []mammoth.PatchOp
		operation string
	}{
		"replace that runs": {func(ref mammoth.DataviewRef) []mammoth.PatchOp { return runningReplace(ref, true) }, "edit_export"},
		"suspend, restore, replace that runs": {func(ref mammoth.DataviewRef) []mammoth.PatchOp {
			return append([]mammoth.PatchOp{suspend, restore}, runningReplace(ref, true)...)
		}, "edit_export"},
		"run command":  {func(mammoth.DataviewRef) []mammoth.PatchOp { return []mammoth.PatchOp{run} }, "run_export"},
		"replace, run": {func(ref mammoth.DataviewRef) []mammoth.PatchOp { return append(runningReplace(ref, false), run) }, "run_export"},
	}
	for ename, edit := range edits {
		for fname, fault := range faults {
			t.Run(ename+"/"+fname, func(t *testing.T) {
				t.Parallel()
				srv, client, ref := fakeAPI(quickRetries)
				defer srv.Close()
				id := addOne(t, srv, client, ref)
				fault.Route = mammothtest.RouteEditExport
				srv.InjectFault(fault)

				_, err := client.Exports.EditExport(context.Background(), ref, id, edit.patches(ref), nil)
				require.Error(t, err)
				assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteEditExport), "sent once")
				assert.Equal(t, 1, jobsOf(srv, edit.operation), "ran once")
			})
		}
	}
	t.Run("replace that does not run is retried", func(t *testing.T) {
		t.Parallel()
		srv, client, ref := fakeAPI(quickRetries)
		defer srv.Close()
		id := addOne(t, srv, client, ref)
		srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteEditExport, Status: 500, AfterHandling: true})

		change, err := client.Exports.EditExport(context.Background(), ref, id, runningReplace(ref, false), nil)
		require.NoError(t, err)
		require.NotNil(t, change.Modification)
		assert.Equal(t, mammoth.ExportStatusEdited, change.Modification.Status)
		assert.Equal(t, 2, srv.RequestCount(mammothtest.RouteEditExport))
		assert.Zero(t, jobsOf(srv, "edit_export"))
	})
}

// TestUpdatePublishToDB_IsNotRepeatedAfterTheServerMayHaveActed: switching
// the published table's connection starts a publishing job.
func TestUpdatePublishToDB_IsNotRepeatedAfterTheServerMayHaveActed(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI(quickRetries)
	defer srv.Close()
	_, err := client.Exports.PublishToDB(context.Background(), ref, &mammoth.PublishToDBRequest{OdbcType: mammoth.OdbcTypePostgres, Table: "t"})
	require.NoError(t, err)
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteUpdatePublishToDB, Status: 502, AfterHandling: true})

	_, err = client.Exports.UpdatePublishToDB(context.Background(), ref, mammoth.OdbcTypeBigQuery)
	require.Error(t, err)
	assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteUpdatePublishToDB))
	assert.Equal(t, 1, jobsOf(srv, "update_publish_to_db"))
}

// contextDroppingTransport sends a new request built from the caller's, as
// many wrappers do, without the original's context and so without the
// SDK's trace hooks.
type contextDroppingTransport struct {
	base  http.RoundTripper
	calls atomic.Int64
}

func (t *contextDroppingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	t.calls.Add(1)
	out, err := http.NewRequest(r.Method, r.URL.String(), r.Body)
	if err != nil {
		return nil, err
	}
	out.Header = r.Header.Clone()
	out.ContentLength = r.ContentLength
	return t.base.RoundTrip(out)
}

// TestAddExport_TransportThatDropsTheContextIsAssumedToHaveSent: the SDK
// cannot see such a transport's progress, so a failure after the request
// may have left counts as sent, and the add is not repeated.
func TestAddExport_TransportThatDropsTheContextIsAssumedToHaveSent(t *testing.T) {
	t.Parallel()
	for name, fault := range map[string]mammothtest.Fault{
		"reset after acting":  {Reset: true, AfterHandling: true},
		"reset before acting": {Reset: true},
		"cut short":           {ResetAfterBytes: 4},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			rt := &contextDroppingTransport{base: http.DefaultTransport.(*http.Transport).Clone()}
			srv, client, ref := fakeAPI(quickRetries, mammoth.WithHTTPClient(&http.Client{Transport: rt}))
			defer srv.Close()
			fault.Route = mammothtest.RouteAddExport
			srv.InjectFault(fault)

			_, err := client.Exports.CreateS3Export(context.Background(), ref, &mammoth.S3ExportRequest{File: "once.csv"})
			require.Error(t, err)
			var te *mammoth.TransportError
			if errors.As(err, &te) {
				assert.True(t, te.Sent, "cannot tell, so it may have been sent")
			}
			assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteAddExport))
			assert.EqualValues(t, 1, rt.calls.Load())
			assert.LessOrEqual(t, len(srv.Exports(ref)), 1)
		})
	}
}

// failingTransport fails every request with err, without sending it.
type failingTransport struct {
	err   error
	calls atomic.Int64
}

func (t *failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	t.calls.Add(1)
	return nil, t.err
}

// TestAddExport_RetriedOnlyOnPositiveEvidenceThatNothingWasSent: a dial or
// DNS failure proves nothing left, whatever the transport; a transport that
// keeps the context proves it through the trace; any other failure of an
// opaque transport does not.
func TestAddExport_RetriedOnlyOnPositiveEvidenceThatNothingWasSent(t *testing.T) {
	t.Parallel()
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := l.Addr().String()
		require.NoError(t, l.Close())
		return addr
	}
	dialer := &net.Dialer{Timeout: time.Second}
	tests := []struct {
		name      string
		transport func(addr string) (http.RoundTripper, *atomic.Int64)
		attempts  int64
	}{
		{"dial refused behind a context-dropping wrapper", func(addr string) (http.RoundTripper, *atomic.Int64) {
			base := &http.Transport{DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) { return dialer.DialContext(ctx, "tcp", addr) }}
			rt := &contextDroppingTransport{base: base}
			return rt, &rt.calls
		}, 4},
		{"dial error returned by an opaque transport", func(addr string) (http.RoundTripper, *atomic.Int64) {
			rt := &failingTransport{err: &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}}
			return rt, &rt.calls
		}, 4},
		{"DNS failure returned by an opaque transport", func(addr string) (http.RoundTripper, *atomic.Int64) {
			rt := &failingTransport{err: &net.DNSError{Err: "no such host", Name: "api.example", IsNotFound: true}}
			return rt, &rt.calls
		}, 4},
		{"other failure of an opaque transport", func(addr string) (http.RoundTripper, *atomic.Int64) {
			rt := &failingTransport{err: errors.New("upstream proxy hung up")}
			return rt, &rt.calls
		}, 1},
		{"connection reset seen by an opaque transport", func(addr string) (http.RoundTripper, *atomic.Int64) {
			rt := &failingTransport{err: &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset by peer")}}
			return rt, &rt.calls
		}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rt, calls := tt.transport(refused())
			client, err := mammoth.NewClient("test-key", "a-long-enough-secret-1", quickRetries,
				mammoth.WithBaseURL("http://127.0.0.1:1/api/v2"), mammoth.WithHTTPClient(&http.Client{Transport: rt}))
			require.NoError(t, err)
			_, err = client.Exports.CreateS3Export(context.Background(), mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 1, DataviewID: 1},
				&mammoth.S3ExportRequest{File: "x.csv"})
			var te *mammoth.TransportError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tt.attempts, calls.Load())
			assert.Equal(t, tt.attempts == 1, te.Sent)
		})
	}
}

// TestDeleteExport_NotFoundOnARetryAfterTheDeleteMayHaveActedIsSuccess: the
// first attempt deleted the export, its answer was lost, the retry finds
// nothing. Both DeleteExport and the discard command.
func TestDeleteExport_NotFoundOnARetryAfterTheDeleteMayHaveActedIsSuccess(t *testing.T) {
	t.Parallel()
	faults := map[string]mammothtest.Fault{
		"500 after acting":   {Status: 500, AfterHandling: true},
		"502 after acting":   {Status: 502, AfterHandling: true},
		"504 after acting":   {Status: 504, AfterHandling: true},
		"reset after acting": {Reset: true, AfterHandling: true},
		"answer cut short":   {ResetAfterBytes: 3},
	}
	calls := map[string]struct {
		route mammothtest.Route
		call  func(*mammoth.Client, mammoth.DataviewRef, int) (*mammoth.ExportChange, error)
	}{
		"DeleteExport": {mammothtest.RouteDeleteExport, func(c *mammoth.Client, ref mammoth.DataviewRef, id int) (*mammoth.ExportChange, error) {
			return c.Exports.DeleteExport(context.Background(), ref, id, nil)
		}},
		"discard": {mammothtest.RouteEditExport, func(c *mammoth.Client, ref mammoth.DataviewRef, id int) (*mammoth.ExportChange, error) {
			return c.Exports.EditExport(context.Background(), ref, id, []mammoth.PatchOp{{Op: mammoth.PatchOperationCommand, Path: mammoth.PatchPathDiscard}}, nil)
		}},
		"suspend, discard": {mammothtest.RouteEditExport, func(c *mammoth.Client, ref mammoth.DataviewRef, id int) (*mammoth.ExportChange, error) {
			return c.Exports.EditExport(context.Background(), ref, id, []mammoth.PatchOp{
				{Op: mammoth.PatchOperationCommand, Path: mammoth.PatchPathSuspend},
				{Op: mammoth.PatchOperationCommand, Path: mammoth.PatchPathDiscard}}, nil)
		}},
	}
	for cname, call := range calls {
		for fname, fault := range faults {
			t.Run(cname+"/"+fname, func(t *testing.T) {
				t.Parallel()
				srv, client, ref := fakeAPI(quickRetries)
				defer srv.Close()
				id := addOne(t, srv, client, ref)
				fault.Route = call.route
				srv.InjectFault(fault)

				change, err := call.call(client, ref, id)
				require.NoError(t, err)
				assert.Equal(t, &mammoth.ExportChange{}, change, "nothing is known of the lost answer")
				assert.Equal(t, 2, srv.RequestCount(call.route))
				assert.Empty(t, srv.Exports(ref))
			})
		}
	}
}

// TestDeleteExport_NotFoundIsStillAnErrorWhenNoAttemptCouldHaveActed: a 404
// at once, or after refusals that prove nothing was done.
func TestDeleteExport_NotFoundIsStillAnErrorWhenNoAttemptCouldHaveActed(t *testing.T) {
	t.Parallel()
	for name, faults := range map[string][]mammothtest.Fault{
		"at once":     nil,
		"after 503":   {{Status: 503}},
		"after 429":   {{Status: 429, Count: 2}},
		"after a 400": {{Status: 400}},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, client, ref := fakeAPI(quickRetries)
			defer srv.Close()
			for _, f := range faults {
				f.Route = mammothtest.RouteDeleteExport
				srv.InjectFault(f)
			}
			_, err := client.Exports.DeleteExport(context.Background(), ref, 999, nil)
			if len(faults) > 0 && faults[0].Status == 400 {
				var apiErr *mammoth.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, 400, apiErr.StatusCode)
				return
			}
			assert.ErrorIs(t, err, mammoth.ErrNotFound)
		})
	}
}
