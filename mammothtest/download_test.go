package mammothtest_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fileLink runs the CSV flow's add and returns the file URL its job gives.
func fileLink(t *testing.T, s *mammothtest.Server) string {
	t.Helper()
	a := raw(t, s, "POST", dvPath(testRef)+exportsSuffix, s3Spec(testRef))
	require.Equal(t, http.StatusAccepted, a.status)
	job, _ := pollJob(t, s, num(t, a.object(t)["job"].(map[string]any)["id"]))
	require.Equal(t, "success", job["status"])
	return job["response"].(map[string]any)["url"].(string)
}

func TestFileListenerIsAnotherOrigin(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	api, err := url.Parse(s.URL())
	require.NoError(t, err)
	files, err := url.Parse(s.FileURL())
	require.NoError(t, err)
	assert.NotEqual(t, api.Host, files.Host)
	assert.True(t, strings.HasPrefix(files.Host, "127.0.0."), files.Host)
}

func TestDownloadRecordsCredentialLeaks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	link := fileLink(t, s)
	tests := []struct {
		name    string
		headers map[string]string
		leak    bool
	}{
		{"clean", nil, false},
		{"workspace only", map[string]string{"X-WORKSPACE-ID": "4"}, false},
		{"key", map[string]string{"X-API-KEY": s.APIKey()}, true},
		{"secret", map[string]string{"X-API-SECRET": s.APISecret()}, true},
		{"both, like the Python SDK", map[string]string{"X-API-KEY": s.APIKey(), "X-API-SECRET": s.APISecret(), "X-WORKSPACE-ID": "4"}, true},
		{"empty value", map[string]string{"x-api-key": ""}, true},
	}
	for _, tt := range tests {
		before := s.DownloadCredentialLeaks()
		a := rawWith(t, s, "GET", link, nil, tt.headers)
		assert.Equal(t, http.StatusOK, a.status, tt.name)
		assert.Equal(t, mammothtest.DefaultCSV, string(a.body), "a client that leaks still gets the file")
		assert.Equal(t, tt.leak, s.DownloadCredentialLeaks() > before, tt.name)
	}
	assert.Equal(t, 4, s.DownloadCredentialLeaks())
	s.ClearRequests()
	assert.Zero(t, s.DownloadCredentialLeaks())
}

func TestDownloadLinks(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	link := fileLink(t, s)
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.NotEmpty(t, u.Query().Get("X-Amz-Signature"))

	noSig := *u
	noSig.RawQuery = ""
	assert.Equal(t, http.StatusForbidden, rawWith(t, s, "GET", noSig.String(), nil, nil).status)
	badSig := *u
	badSig.RawQuery = "X-Amz-Signature=00"
	assert.Equal(t, http.StatusForbidden, rawWith(t, s, "GET", badSig.String(), nil, nil).status)
	assert.Equal(t, http.StatusNotFound, rawWith(t, s, "GET", s.FileURL()+"/exports/nope/x.csv", nil, nil).status)
	assert.Equal(t, http.StatusNotFound, rawWith(t, s, "GET", s.FileURL()+"/", nil, nil).status)
	assert.Equal(t, 3, s.RequestCount(mammothtest.RouteDownload))
	assert.Equal(t, 1, s.RequestCount(mammothtest.RouteUnknown))

	// Fixed content supports ranges, and the link follows SetCSV.
	s.SetCSV(testRef, []byte("x,y\n1,2\n"))
	req, err := http.NewRequest("GET", link, nil)
	require.NoError(t, err)
	req.Header.Set("Range", "bytes=4-")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusPartialContent, resp.StatusCode)
	assert.Equal(t, "1,2\n", string(body))
	assert.Contains(t, resp.Header.Get("Content-Type"), "text/csv")
}

// rowsCSV writes a CSV of exactly size bytes in blocks of rows, each block
// numbered so that a lost or repeated block changes the file.
func rowsCSV(size int64) func(w io.Writer) error {
	var rows []byte
	for row := 0; len(rows) < 60<<10; row++ {
		rows = fmt.Appendf(rows, "%d,row %d,%d\n", row, row, row*7)
	}
	return func(w io.Writer) error {
		buf := make([]byte, 0, len(rows)+64)
		var written int64
		for block := 0; written < size; block++ {
			buf = append(fmt.Appendf(buf[:0], "block,%d,%d\n", block, written), rows...)
			if rest := size - written; int64(len(buf)) > rest {
				buf = buf[:rest]
			}
			n, err := w.Write(buf)
			written += int64(n)
			if err != nil {
				return err
			}
		}
		return nil
	}
}

func TestDownloadStreams50MB(t *testing.T) {
	t.Parallel()
	const size = 50 << 20
	want := sha256.New()
	require.NoError(t, rowsCSV(size)(want))

	for _, declared := range []int64{size, -1} {
		t.Run("size "+strconv.FormatInt(declared, 10), func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			s.SetCSVGenerator(testRef, declared, rowsCSV(size))
			c := newClient(t, s)
			got := sha256.New()
			n, err := c.Exports.DownloadCSV(context.Background(), testRef, got, &mammoth.DownloadCSVOptions{Wait: fastWait})
			require.NoError(t, err)
			assert.EqualValues(t, size, n)
			assert.Equal(t, want.Sum(nil), got.Sum(nil))
			assert.Zero(t, s.DownloadCredentialLeaks())
		})
	}
}

func TestDownloadGeneratorFailureTruncates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		size int64
		gen  func(w io.Writer) error
	}{
		{"error with length", 1000, func(w io.Writer) error {
			_, _ = io.WriteString(w, "a,b\n")
			return errors.New("disk gone")
		}},
		{"error chunked", -1, func(w io.Writer) error {
			_, _ = io.WriteString(w, "a,b\n")
			return errors.New("disk gone")
		}},
		{"short", 1000, func(w io.Writer) error {
			_, err := io.WriteString(w, "a,b\n")
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newServer(t)
			link := fileLink(t, s)
			s.SetCSVGenerator(testRef, tt.size, tt.gen)
			resp, err := http.Get(link)
			require.NoError(t, err)
			defer resp.Body.Close()
			_, err = io.ReadAll(resp.Body)
			assert.Error(t, err, "the client must see the file is incomplete")
		})
	}
}

func TestDownloadCutByFault(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SetCSVGenerator(testRef, 1<<20, rowsCSV(1<<20))
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDownload, ResetAfterBytes: 1000})
	c := newClient(t, s)
	var buf bytes.Buffer
	_, err := c.Exports.DownloadCSV(context.Background(), testRef, &buf, &mammoth.DownloadCSVOptions{Wait: fastWait})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1000 bytes")
	assert.Equal(t, 1000, buf.Len(), "the client got the start of the file, then the cut")
}

func TestSetCSVGeneratorNilRestoresDefault(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	s.SetCSVGenerator(testRef, 1, func(w io.Writer) error { _, err := io.WriteString(w, "x"); return err })
	s.SetCSVGenerator(testRef, 0, nil)
	link := fileLink(t, s)
	assert.Equal(t, mammothtest.DefaultCSV, string(rawWith(t, s, "GET", link, nil, nil).body))
}

func TestDownloadFailingGeneratorUnderAfterHandlingFault(t *testing.T) {
	t.Parallel()
	s := newServer(t)
	link := fileLink(t, s)
	s.SetCSVGenerator(testRef, 10, func(w io.Writer) error { return errors.New("broken") })
	s.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDownload, AfterHandling: true, Status: 500})
	a := rawWith(t, s, "GET", link, nil, nil)
	assert.Equal(t, http.StatusInternalServerError, a.status)
}
