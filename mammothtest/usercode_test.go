package mammothtest_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// publishReport is code a user of the SDK writes: it adds an S3 export of
// the day's report, waits until it has run, and downloads the dataview as
// CSV.
func publishReport(ctx context.Context, c *mammoth.Client, ref mammoth.DataviewRef) ([]byte, error) {
	change, err := c.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "daily-report.csv"})
	if err != nil {
		return nil, fmt.Errorf("adding the report export: %w", err)
	}
	jobID, ok := change.JobID()
	if !ok {
		return nil, fmt.Errorf("the add started no job")
	}
	if _, err := c.Jobs.WaitForJob(ctx, jobID, nil); err != nil {
		return nil, fmt.Errorf("running the report export: %w", err)
	}
	var csv bytes.Buffer
	if _, err := c.Exports.DownloadCSV(ctx, ref, &csv, nil); err != nil {
		return nil, fmt.Errorf("downloading: %w", err)
	}
	return csv.Bytes(), nil
}

// userTest is the whole of a user's test: a fake, a client for it, the
// code under test. client is Server.Client unless given. The caller
// closes the server.
func userTest(t testing.TB, client func(*mammothtest.Server) *mammoth.Client) *mammothtest.Server {
	srv := mammothtest.NewServer()
	srv.AddDataview(testRef)
	srv.SetCSV(testRef, []byte("region,sales\nWest,12\n"))
	c := srv.Client()
	if client != nil {
		c = client(srv)
	}
	csv, err := publishReport(context.Background(), c, testRef)
	require.NoError(t, err)
	require.Equal(t, "region,sales\nWest,12\n", string(csv))
	return srv
}

func TestUserCodeAddWaitDownloadWithServerClient(t *testing.T) {
	t.Parallel()
	srv := userTest(t, nil)
	t.Cleanup(srv.Close)
	type call struct {
		route  mammothtest.Route
		method string
	}
	var got []call
	for _, r := range srv.Requests() {
		got = append(got, call{r.Route, r.Method})
	}
	assert.Equal(t, []call{
		{mammothtest.RouteAddExport, http.MethodPost},
		{mammothtest.RouteGetJob, http.MethodGet},     // processing
		{mammothtest.RouteGetJob, http.MethodGet},     // success, 1ms later
		{mammothtest.RouteAddExport, http.MethodPost}, // DownloadCSV's temporary export
		{mammothtest.RouteGetJob, http.MethodGet},
		{mammothtest.RouteGetJob, http.MethodGet},
		{mammothtest.RouteDownload, http.MethodGet},
		{mammothtest.RouteDeleteExport, http.MethodDelete},
	}, got)
	assert.Len(t, srv.Exports(testRef), 1, "the report export stays; the temporary one is gone")
}

// BenchmarkUserCodeAgainstTheFake is the cost of a user's test that adds an
// export, waits for its job and downloads the CSV against mammothtest:
// starting the fake, the eight requests and the real waits between polls
// included. ns/op is the wall time of one such test. "client=server" uses
// Server.Client with nothing tuned; "client=default" a client made with
// mammoth.NewClient and no options but the URL, which waits the SDK's
// default 100ms before each job's second poll.
func BenchmarkUserCodeAgainstTheFake(b *testing.B) {
	clients := []struct {
		name string
		make func(*mammothtest.Server) *mammoth.Client
	}{
		{"server", nil},
		{"default", func(srv *mammothtest.Server) *mammoth.Client {
			c, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
			require.NoError(b, err)
			return c
		}},
	}
	for _, c := range clients {
		b.Run("client="+c.name, func(b *testing.B) {
			for range b.N {
				userTest(b, c.make).Close()
			}
		})
	}
}
