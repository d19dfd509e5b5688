package mammoth_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var (
	salesRef    = mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
	sourceCols  = []mammoth.Column{{DisplayName: "region", InternalName: "column_1", Type: mammoth.ColumnTypeText}}
	salesColumn = []mammoth.Column{
		{DisplayName: "Region", InternalName: "column_a1b2c3d4e5", Type: mammoth.ColumnTypeText},
		{DisplayName: "Sales", InternalName: "column_f6g7h8i9j0", Type: mammoth.ColumnTypeNumeric},
		{DisplayName: "Order Date", InternalName: "column_k1l2m3n4o5", Type: mammoth.ColumnTypeDate},
	}
)

// salesFake is a fake whose dataview's pipeline turns one source column
// into the three of salesColumn over two tasks.
func salesFake(t *testing.T, opts ...mammothtest.Option) (*mammothtest.Server, *mammoth.Client) {
	t.Helper()
	srv := mammothtest.NewServer(opts...)
	t.Cleanup(srv.Close)
	srv.SetPipelineColumns(salesRef, sourceCols, salesColumn[:1], salesColumn)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()),
		mammoth.WithPollInterval(time.Millisecond), quickRetries)
	require.NoError(t, err)
	return srv, client
}

func TestColumns_AreTheLastStepsNotTheSourceDatasets(t *testing.T) {
	t.Parallel()
	srv, client := salesFake(t)
	cols, err := client.Dataviews.Columns(context.Background(), salesRef)
	require.NoError(t, err)
	assert.Equal(t, salesColumn, cols)
	require.Len(t, srv.Requests(), 1)
	assert.Equal(t, "fields=__full", srv.Requests()[0].RawQuery)

	step0, err := client.Dataviews.GetDataview(context.Background(), salesRef, nil)
	require.NoError(t, err)
	assert.Equal(t, "column_1", step0.Metadata[0]["internal_name"], "the API's default sequence is the source's")
}

func TestGetDataview_WaitsForTheFakesJobsAndReadsAgain(t *testing.T) {
	t.Parallel()
	srv, client := salesFake(t)
	srv.AnswerDataviewWithJobs(salesRef, 2)
	dv, err := client.Dataviews.GetDataview(context.Background(), salesRef, &mammoth.GetDataviewOptions{Fields: mammoth.FieldsFull})
	require.NoError(t, err)
	assert.Equal(t, 2311, dv.ID)
	assert.Equal(t, 121, dv.DatasetID)
	assert.Equal(t, "ready", dv.PipelineStatus)
	assert.Len(t, dv.TaskwiseInfo, 2)
	assert.Equal(t, 3, srv.RequestCount(mammothtest.RouteGetDataview), "two job answers, then the dataview")
	assert.Positive(t, srv.RequestCount(mammothtest.RouteGetJob))
}

func TestResolveCondition_UsesTheLastStepsInternalNames(t *testing.T) {
	t.Parallel()
	srv, client := salesFake(t)
	ctx := context.Background()
	c, err := mammoth.ParseCondition("Sales >= 1000 and Region = 'West'")
	require.NoError(t, err)
	got, err := client.Dataviews.ResolveCondition(ctx, salesRef, c)
	require.NoError(t, err)
	b, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, `{"AND": [{"column_f6g7h8i9j0": {"GTE": {"VALUE": 1000}}},
		{"column_a1b2c3d4e5": {"IN_LIST": {"VALUE": ["West"]}}}]}`, string(b))
	assert.Equal(t, 1, len(srv.Requests()))

	srv.ClearRequests()
	_, err = client.Dataviews.ResolveCondition(ctx, salesRef, mammoth.Col("region").Eq("West"))
	require.NoError(t, err, "a unique case-insensitive display name")
	_, err = client.Dataviews.ResolveCondition(ctx, salesRef, mammoth.Col("Regoin").Eq("West"))
	var ve *mammoth.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Contains(t, err.Error(), "Region")

	srv.ClearRequests()
	empty, err := client.Dataviews.ResolveCondition(ctx, salesRef, nil)
	require.NoError(t, err)
	assert.Empty(t, empty)
	_, err = client.Dataviews.ResolveCondition(ctx, salesRef, mammoth.Condition{"Sales": "not an operator"})
	require.ErrorAs(t, err, &ve)
	assert.Empty(t, srv.Requests(), "nothing is sent for an empty or malformed condition")
}

func TestIterators_WalkTheFakesTree(t *testing.T) {
	t.Parallel()
	srv, client := salesFake(t)
	srv.AddWorkspace(4, "Sales")
	srv.AddProject(4, 7, "Quarterly")
	srv.AddDataset(4, 7, 121, 0, "orders")
	srv.NameDataview(salesRef, "By region")
	for v := 1; v <= 120; v++ {
		srv.AddDataview(mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 3000 + v})
	}
	ctx := context.Background()
	var names []string
	for ws, err := range client.Dataviews.AllWorkspaces(ctx) {
		require.NoError(t, err)
		names = append(names, ws.Name)
	}
	assert.Equal(t, []string{"Sales"}, names)
	for p, err := range client.Dataviews.AllProjects(ctx, 4) {
		require.NoError(t, err)
		assert.Equal(t, "Quarterly", p.Name)
	}
	for d, err := range client.Dataviews.AllDatasets(ctx, 4, 7) {
		require.NoError(t, err)
		assert.Equal(t, "orders", d.Name)
		assert.Equal(t, "/workspace:Sales:4/project:Quarterly:7/datasource:orders:121", d.ResourcePath)
		assert.Equal(t, "text", d.DataSchema[0].Type)
	}
	srv.ClearRequests()
	var views int
	for dv, err := range client.Dataviews.AllDataviews(ctx, 4, 7, 121) {
		require.NoError(t, err)
		if dv.ID == 2311 {
			assert.Equal(t, "By region", dv.Name)
		}
		views++
	}
	assert.Equal(t, 121, views)
	assert.Equal(t, 2, len(srv.Requests()), "pages of 100, whatever the default of 50")
}

func TestProjectExports_ListsTheFakesExports(t *testing.T) {
	t.Parallel()
	srv, client := salesFake(t)
	other := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 5, DataviewID: 9}
	a := srv.SeedExports(salesRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3})
	b := srv.SeedExports(other, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3})
	got, err := client.Dataviews.ProjectExports(context.Background(), 4, 7)
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, b[0], *got[0].ID)
	assert.Equal(t, a[0], *got[1].ID)
	assert.Equal(t, 2311, *got[1].DataviewID)
}
