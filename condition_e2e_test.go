package mammoth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var e2eRef = mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}

const e2eCSV = "Region,Sales,Email\n" +
	"West,1500,a@gmail.com\n" +
	"East,800,b@corp.com\n" +
	"East,1200,\n" +
	"North,5000,c@x.io\n"

// e2eServer serves a dataview whose columns have display names unlike
// their internal ones.
func e2eServer(t *testing.T) *mammothtest.Server {
	t.Helper()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddDataview(e2eRef)
	srv.SetColumns(e2eRef, []mammoth.Column{
		{DisplayName: "Region", InternalName: "column_a1b2c3d4e5", Type: mammoth.ColumnTypeText},
		{DisplayName: "Sales", InternalName: "column_f6g7h8i9j0", Type: mammoth.ColumnTypeNumeric},
		{DisplayName: "Email", InternalName: "column_u1v2w3x4y5", Type: mammoth.ColumnTypeText},
	})
	srv.SetCSV(e2eRef, []byte(e2eCSV))
	return srv
}

// addExportCondition returns the condition of the one AddExport request
// the server received.
func addExportCondition(t *testing.T, srv *mammothtest.Server) string {
	t.Helper()
	var bodies []string
	for _, r := range srv.Requests() {
		if r.Route == mammothtest.RouteAddExport {
			var spec struct{ Condition json.RawMessage }
			require.NoError(t, json.Unmarshal(r.Body, &spec))
			bodies = append(bodies, string(spec.Condition))
		}
	}
	require.Len(t, bodies, 1)
	return bodies[0]
}

const e2eWire = `{"AND":[{"column_f6g7h8i9j0":{"GTE":{"VALUE":1000}}},{"column_a1b2c3d4e5":{"IN_LIST":{"VALUE":["West","East"]}}}]}`

func TestS3ExportWithAConditionFromDisplayNamesExportsOnlyMatchingRows(t *testing.T) {
	srv := e2eServer(t)
	client := srv.Client()
	ctx := context.Background()

	cond, err := mammoth.ParseCondition("Sales >= 1000 and Region in ('West', 'East')")
	require.NoError(t, err)
	resolved, err := client.Dataviews.ResolveCondition(ctx, e2eRef, cond)
	require.NoError(t, err)
	change, err := client.Exports.CreateS3Export(ctx, e2eRef, &mammoth.S3ExportRequest{File: "big-west-east.csv", Condition: resolved})
	require.NoError(t, err)
	jobID, ok := change.JobID()
	require.True(t, ok)
	job, err := client.Jobs.WaitForJob(ctx, jobID, nil)
	require.NoError(t, err)
	result, err := job.ResponseObject()
	require.NoError(t, err)
	resp, err := http.Get(result["url"].(string))
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)

	assert.Equal(t, "Region,Sales,Email\nWest,1500,a@gmail.com\nEast,1200,\n", string(data))
	assert.JSONEq(t, e2eWire, addExportCondition(t, srv))

	exports := srv.Exports(e2eRef)
	require.Len(t, exports, 1)
	assert.Equal(t, "Sales >= 1000 and Region in ('West', 'East')",
		mammoth.Condition(exports[0].Condition).Display([]mammoth.Column{
			{DisplayName: "Region", InternalName: "column_a1b2c3d4e5"}, {DisplayName: "Sales", InternalName: "column_f6g7h8i9j0"},
		}), "the condition read back prints with display names")
}

func TestDownloadCSVWithAConditionFromDisplayNames(t *testing.T) {
	srv := e2eServer(t)
	client := srv.Client()
	var out bytes.Buffer
	cond := mammoth.And(mammoth.Col("sales").Gte(1000), mammoth.Col("Region").In("West", "East"))
	n, err := client.Exports.DownloadCSV(context.Background(), e2eRef, &out, &mammoth.DownloadCSVOptions{Condition: cond})
	require.NoError(t, err)
	assert.Equal(t, "Region,Sales,Email\nWest,1500,a@gmail.com\nEast,1200,\n", out.String())
	assert.EqualValues(t, out.Len(), n)
	assert.JSONEq(t, e2eWire, addExportCondition(t, srv))
	assert.Empty(t, srv.Exports(e2eRef), "the temporary export is removed")
}

func TestDownloadCSVRefusesABadConditionBeforeAddingAnything(t *testing.T) {
	srv := e2eServer(t)
	client := srv.Client()
	for _, cond := range []mammoth.Condition{
		mammoth.Col("Slaes").Gte(1000),
		mammoth.Col("Region").Between("A", "M"),
		mammoth.Col("Sales").Eq(make(chan int)),
	} {
		srv.ClearRequests()
		var out bytes.Buffer
		_, err := client.Exports.DownloadCSV(context.Background(), e2eRef, &out, &mammoth.DownloadCSVOptions{Condition: cond})
		var v *mammoth.ValidationError
		require.ErrorAs(t, err, &v)
		for _, r := range srv.Requests() {
			assert.NotEqual(t, mammothtest.RouteAddExport, r.Route)
		}
		assert.Zero(t, out.Len())
	}
	assert.Empty(t, srv.Exports(e2eRef))
}
