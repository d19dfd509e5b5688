package mammothtest_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

func TestWithListener_ServesTheAPIOnIt(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := mammothtest.NewServer(mammothtest.WithListener(l))
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	assert.Equal(t, "http://"+l.Addr().String()+"/api/v2", srv.URL())
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	var buf writerFunc = func(b []byte) (int, error) { return len(b), nil }
	n, err := client.Exports.DownloadCSV(context.Background(), ref, buf, &mammoth.DownloadCSVOptions{Wait: &mammoth.WaitOptions{PollInterval: 1}})
	require.NoError(t, err)
	assert.Equal(t, int64(len(mammothtest.DefaultCSV)), n)
	assert.Equal(t, 1, srv.RequestCount(mammothtest.RouteAddExport))

	srv.Close()
	_, err = net.Dial("tcp", l.Addr().String())
	assert.Error(t, err, "Close closes the listener")
}

func TestWithListener_NilChangesNothing(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer(mammothtest.WithListener(nil))
	defer srv.Close()
	assert.Contains(t, srv.URL(), "http://127.0.0.1:")
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
