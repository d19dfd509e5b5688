package mammoth_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var fastWait = &mammoth.DownloadCSVOptions{Wait: &mammoth.WaitOptions{PollInterval: time.Millisecond}}

// TestDownloadCSV_AddWhoseOutcomeIsUnknownIsFoundAndRemoved: the add failed
// in a way that leaves it unknown whether the export was added. DownloadCSV
// looks for it by its file name and removes it, and the pipeline ends as it
// began.
func TestDownloadCSV_AddWhoseOutcomeIsUnknownIsFoundAndRemoved(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		fault       mammothtest.Fault
		wantListing bool // whether the outcome was unknown
	}{
		{"500 after acting", mammothtest.Fault{Status: 500, AfterHandling: true}, true},
		{"502 after acting", mammothtest.Fault{Status: 502, AfterHandling: true}, true},
		{"504 after acting", mammothtest.Fault{Status: 504, AfterHandling: true}, true},
		{"reset after acting", mammothtest.Fault{Reset: true, AfterHandling: true}, true},
		{"202 cut short", mammothtest.Fault{ResetAfterBytes: 5}, true},
		{"500 before acting", mammothtest.Fault{Status: 500}, true},
		{"400: refused", mammothtest.Fault{Status: 400}, false},
		{"403: refused", mammothtest.Fault{Status: 403}, false},
		{"503 every time: refused", mammothtest.Fault{Status: 503, Count: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv, client, ref := fakeAPI(quickRetries)
			defer srv.Close()
			srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TargetProperties: map[string]any{"file": "someone-elses.csv"}})
			fault := tt.fault
			fault.Route = mammothtest.RouteAddExport
			srv.InjectFault(fault)

			n, err := client.Exports.DownloadCSV(context.Background(), ref, io.Discard, fastWait)
			require.Error(t, err)
			assert.Zero(t, n)
			var cleanup *mammoth.CleanupError
			assert.False(t, errors.As(err, &cleanup), "nothing was left behind: %v", err)
			left := srv.Exports(ref)
			require.Len(t, left, 1, "only the export that was there before")
			assert.Equal(t, "someone-elses.csv", left[0].TargetProperties["file"])
			assert.Equal(t, tt.wantListing, srv.RequestCount(mammothtest.RouteListExports) > 0, "looked for it")
			if tt.name == "400: refused" || strings.HasPrefix(tt.name, "5") && !fault.AfterHandling {
				assert.Zero(t, srv.RequestCount(mammothtest.RouteDeleteExport), "nothing to delete")
			}
		})
	}
}

// cancelAfterTransport cancels a context once the request it matches has
// had its answer, as a caller's cancel that lands just then would.
type cancelAfterTransport struct {
	match  func(*http.Request) bool
	cancel context.CancelFunc
}

func (t *cancelAfterTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if t.match(r) {
		t.cancel()
		if resp != nil {
			resp.Body.Close()
		}
		return nil, context.Canceled
	}
	return resp, err
}

// TestDownloadCSV_ContextEndingDuringTheAddOrTheWaitStillRemovesTheExport
// ends the caller's context at each step: the export that was added is
// removed on a fresh context.
func TestDownloadCSV_ContextEndingDuringTheAddOrTheWaitStillRemovesTheExport(t *testing.T) {
	t.Parallel()
	t.Run("during the add, after the server acted", func(t *testing.T) {
		t.Parallel()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		rt := &cancelAfterTransport{match: func(r *http.Request) bool { return r.Method == http.MethodPost }, cancel: cancel}
		srv, client, ref := fakeAPI(quickRetries, mammoth.WithHTTPClient(&http.Client{Transport: rt}))
		defer srv.Close()

		_, err := client.Exports.DownloadCSV(ctx, ref, io.Discard, fastWait)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteAddExport))
		assert.Empty(t, srv.Exports(ref), "the export the add made is gone")
		assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteDeleteExport))
	})
	for name, polls := range map[string]int{"at the first poll": 1, "at the third poll": 3} {
		t.Run("during the wait, "+name, func(t *testing.T) {
			t.Parallel()
			srv := mammothtest.NewServer(mammothtest.WithJobPolls(10))
			defer srv.Close()
			ref := anyRef
			srv.AddDataview(ref)
			client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()), quickRetries)
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			seen := 0
			opts := &mammoth.DownloadCSVOptions{Wait: &mammoth.WaitOptions{PollInterval: time.Millisecond, OnPoll: func(*mammoth.Job) {
				if seen++; seen == polls {
					cancel()
				}
			}}}
			_, err = client.Exports.DownloadCSV(ctx, ref, io.Discard, opts)
			require.ErrorIs(t, err, context.Canceled)
			assert.Equal(t, polls, srv.RequestCount(mammothtest.RouteGetJob))
			assert.Empty(t, srv.Exports(ref), "removed")
			assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteDeleteExport))
		})
	}
}

// TestDownloadCSV_CleanupAfterCancellationIsBounded: the caller gave up and
// the API hangs on the delete. DownloadCSV still tries, on its own context,
// and returns within a few seconds, naming the export it left.
func TestDownloadCSV_CleanupAfterCancellationIsBounded(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI(quickRetries)
	defer srv.Close()
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Delay: time.Minute, Count: -1})
	ctx, cancel := context.WithCancel(context.Background())
	opts := &mammoth.DownloadCSVOptions{Wait: &mammoth.WaitOptions{PollInterval: time.Millisecond, OnPoll: func(*mammoth.Job) { cancel() }}}

	start := time.Now()
	_, err := client.Exports.DownloadCSV(ctx, ref, io.Discard, opts)
	took := time.Since(start)
	require.ErrorIs(t, err, context.Canceled)
	var cleanup *mammoth.CleanupError
	require.ErrorAs(t, err, &cleanup)
	assert.False(t, cleanup.Complete)
	assert.ErrorIs(t, cleanup.Err, context.DeadlineExceeded)
	left := srv.Exports(ref)
	require.Len(t, left, 1)
	assert.Equal(t, *left[0].ID, cleanup.ExportID)
	assert.Equal(t, left[0].TargetProperties["file"], cleanup.File)
	assert.GreaterOrEqual(t, srv.RequestCount(mammothtest.RouteDeleteExport), 1, "it tried")
	assert.Less(t, took, 20*time.Second, "bounded by the cleanup's few seconds, not the 30 s attempt timeout")
}

// TestDownloadCSV_CompleteDownloadWhoseCleanupFailedIsACleanupError tells
// the two outcomes apart: every byte delivered, or the download failed too.
func TestDownloadCSV_CompleteDownloadWhoseCleanupFailedIsACleanupError(t *testing.T) {
	t.Parallel()
	const csv = "region,sales\nwest,10\neast,20\n"
	t.Run("download complete", func(t *testing.T) {
		t.Parallel()
		srv, client, ref := fakeAPI(quickRetries)
		defer srv.Close()
		srv.SetCSV(ref, []byte(csv))
		srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Status: 403, Count: -1})

		var out bytes.Buffer
		n, err := client.Exports.DownloadCSV(context.Background(), ref, &out, fastWait)
		assert.Equal(t, csv, out.String())
		assert.EqualValues(t, len(csv), n)
		cleanup, ok := err.(*mammoth.CleanupError)
		require.True(t, ok, "the error is the *CleanupError itself: %v", err)
		assert.True(t, cleanup.Complete)
		assert.EqualValues(t, len(csv), cleanup.Written)
		assert.ErrorIs(t, err, mammoth.ErrForbidden)
		left := srv.Exports(ref)
		require.Len(t, left, 1)
		assert.Equal(t, *left[0].ID, cleanup.ExportID)
		assert.Equal(t, ref, cleanup.Ref)
		assert.Equal(t, left[0].TargetProperties["file"], cleanup.File)
		assert.Contains(t, err.Error(), fmt.Sprintf("temporary export %d", cleanup.ExportID))
		assert.Contains(t, err.Error(), "the download is complete")
	})
	t.Run("download failed too", func(t *testing.T) {
		t.Parallel()
		srv, client, ref := fakeAPI(quickRetries)
		defer srv.Close()
		srv.SetCSV(ref, []byte(csv))
		srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDownload, Status: 403, Count: -1})
		srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Status: 400, Count: -1})

		_, err := client.Exports.DownloadCSV(context.Background(), ref, io.Discard, fastWait)
		var cleanup *mammoth.CleanupError
		require.ErrorAs(t, err, &cleanup)
		assert.False(t, cleanup.Complete)
		var apiErr *mammoth.APIError
		require.ErrorAs(t, err, &apiErr, "the download's own failure is there too")
		assert.Equal(t, 403, apiErr.StatusCode)
		assert.Contains(t, err.Error(), "did not complete")
	})
	t.Run("id unknown and the listing failed", func(t *testing.T) {
		t.Parallel()
		srv, client, ref := fakeAPI(quickRetries)
		defer srv.Close()
		srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteAddExport, Status: 500, AfterHandling: true})
		srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteListExports, Status: 403, Count: -1})

		_, err := client.Exports.DownloadCSV(context.Background(), ref, io.Discard, fastWait)
		var cleanup *mammoth.CleanupError
		require.ErrorAs(t, err, &cleanup)
		assert.Zero(t, cleanup.ExportID)
		left := srv.Exports(ref)
		require.Len(t, left, 1)
		assert.Equal(t, left[0].TargetProperties["file"], cleanup.File)
		assert.Contains(t, err.Error(), "id unknown")
	})
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// TestDownloadCSV_TypedNilWriterIsRefusedBeforeAnythingIsSent.
func TestDownloadCSV_TypedNilWriterIsRefusedBeforeAnythingIsSent(t *testing.T) {
	t.Parallel()
	for name, w := range map[string]io.Writer{
		"(writerFunc)(nil)":       writerFunc(nil),
		"nil":                     nil,
		"(*os.File)(nil)":         (*os.File)(nil),
		"(*bytes.Buffer)(nil)":    (*bytes.Buffer)(nil),
		"(*strings.Builder)(nil)": (*strings.Builder)(nil),
		"(*io.PipeWriter)(nil)":   (*io.PipeWriter)(nil),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv, client, ref := fakeAPI()
			defer srv.Close()
			var n int64
			var err error
			assert.NotPanics(t, func() { n, err = client.Exports.DownloadCSV(context.Background(), ref, w, nil) })
			var ve *mammoth.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "w", ve.Field)
			assert.Zero(t, n)
			assert.Empty(t, srv.Requests())
		})
	}
}

// TestDownloadCSV_PlainHTTPLinkFromAnHTTPSAPIIsRefused: no downgrade, and
// the temporary export is still removed.
func TestDownloadCSV_PlainHTTPLinkFromAnHTTPSAPIIsRefused(t *testing.T) {
	t.Parallel()
	var fileHits atomic.Int64
	plain := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fileHits.Add(1)
		_, _ = io.WriteString(w, "a\n")
	}))
	t.Cleanup(plain.Close)
	secure := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, plain.URL+"/f.csv", http.StatusFound)
	}))
	t.Cleanup(secure.Close)

	for name, link := range map[string]string{
		"http link":                   plain.URL + "/f.csv",
		"https link redirect to http": secure.URL + "/f.csv",
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			var deletes atomic.Int64
			api := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				switch {
				case r.Method == "POST":
					w.WriteHeader(202)
					_, _ = io.WriteString(w, `{"job":{"id":5,"status":"processing"}}`)
				case strings.HasSuffix(r.URL.Path, "/jobs/5"):
					fmt.Fprintf(w, `{"job":{"id":5,"status":"success","response":{"url":%q,"trigger_id":9}}}`, link)
				case r.Method == "DELETE":
					deletes.Add(1)
					_, _ = io.WriteString(w, `{"trigger_id":9,"status":"deleted","future_id":null}`)
				}
			}))
			defer api.Close()
			hc := api.Client()
			hc.Transport.(*http.Transport).TLSClientConfig.RootCAs.AddCert(secure.Certificate())
			client, err := mammoth.NewClient("test-key", "a-long-enough-secret-1", mammoth.WithBaseURL(api.URL), mammoth.WithHTTPClient(hc), quickRetries)
			require.NoError(t, err)

			var out bytes.Buffer
			_, err = client.Exports.DownloadCSV(context.Background(), mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 1, DataviewID: 1}, &out, fastWait)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "http")
			assert.Zero(t, fileHits.Load(), "nothing was fetched in plain http")
			assert.Empty(t, out.String())
			assert.EqualValues(t, 1, deletes.Load())
		})
	}
}

// pageServer answers every list request with body(offset) and counts them.
func pageServer(t *testing.T, body func(offset string) string) (*mammoth.Client, *atomic.Int64) {
	t.Helper()
	var lists atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.Method {
		case "GET":
			if lists.Add(1) > 50 {
				w.WriteHeader(418) // a walk that loops is cut here, and fails the test
				return
			}
			_, _ = io.WriteString(w, body(r.URL.Query().Get("offset")))
		case "POST":
			w.WriteHeader(500) // after acting, as far as the client can tell
		}
	}))
	t.Cleanup(srv.Close)
	client, err := mammoth.NewClient("test-key", "a-long-enough-secret-1", mammoth.WithBaseURL(srv.URL), quickRetries)
	require.NoError(t, err)
	return client, &lists
}

var anyRef = mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 1, DataviewID: 1}

func fullPage(first int) string {
	var items []string
	for i := first; i < first+50; i++ {
		items = append(items, fmt.Sprintf(`{"id":%d}`, i))
	}
	return `{"next":"x","exports":[` + strings.Join(items, ",") + `]}`
}

// TestAllExports_ServerThatIgnoresTheOffsetEndsWithAnError: the same page
// again (or a page that says it is at another offset) ends the walk with a
// DecodeError instead of looping forever.
func TestAllExports_ServerThatIgnoresTheOffsetEndsWithAnError(t *testing.T) {
	t.Parallel()
	tests := map[string]func(offset string) string{
		"same page every time": func(string) string { return fullPage(1) },
		"says offset 0 every time": func(off string) string {
			first := 1
			fmt.Sscan(off, &first)
			return strings.Replace(fullPage(first+1), `{"next"`, `{"offset":0,"next"`, 1)
		},
	}
	for name, body := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			client, lists := pageServer(t, body)
			var got int
			var errs []error
			for exp, err := range client.Exports.AllExports(context.Background(), anyRef, nil) {
				if err != nil {
					errs = append(errs, err)
					continue
				}
				require.NotNil(t, exp)
				got++
			}
			require.Len(t, errs, 1)
			var de *mammoth.DecodeError
			assert.ErrorAs(t, errs[0], &de)
			assert.LessOrEqual(t, lists.Load(), int64(2))
			assert.LessOrEqual(t, got, 100)
		})
	}
	t.Run("a page that overlaps the one before is not an error", func(t *testing.T) {
		t.Parallel()
		// An export moved to the front between two requests: the second page
		// starts with the last export of the first.
		client, lists := pageServer(t, func(off string) string {
			if off == "" {
				return fullPage(1)
			}
			return `{"next":"","exports":[{"id":50},{"id":51}]}`
		})
		var got int
		for _, err := range client.Exports.AllExports(context.Background(), anyRef, nil) {
			require.NoError(t, err)
			got++
		}
		assert.Equal(t, 52, got)
		assert.EqualValues(t, 2, lists.Load())
	})
}

// TestExports_NullEntryInAPageIsADecodeErrorNeverANilExport: ListExports,
// AllExports and DownloadCSV's search for its export all meet it.
func TestExports_NullEntryInAPageIsADecodeErrorNeverANilExport(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{"next":"","exports":[null]}`, `{"next":"","exports":[{"id":1},null]}`} {
		client, _ := pageServer(t, func(string) string { return body })
		page, err := client.Exports.ListExports(context.Background(), anyRef, nil)
		var de *mammoth.DecodeError
		require.ErrorAs(t, err, &de, body)
		assert.Nil(t, page)
		for exp, err := range client.Exports.AllExports(context.Background(), anyRef, nil) {
			if err == nil {
				require.NotNil(t, exp, "never a nil export with a nil error")
			}
		}
		var n int64
		assert.NotPanics(t, func() { n, err = client.Exports.DownloadCSV(context.Background(), anyRef, io.Discard, fastWait) })
		assert.Zero(t, n)
		var cleanup *mammoth.CleanupError
		require.ErrorAs(t, err, &cleanup, "its search for the export failed, and says so")
		assert.ErrorAs(t, cleanup.Err, &de)
	}
}
