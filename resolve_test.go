package mammoth_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	bigWorkspace = 5
	lastProject  = 350 // the 150th of projects 201..350
	deepDataview = 7777
	deepDataset  = 640 // the last of the 40 entries of folder 13
)

// bigTree builds workspace 5 with 150 projects (201 to 350), in the API's
// order by id. Each of the first 149 has one dataset at its top level with
// one dataview. The last holds folders 11 > 12 > 13; folder 13 holds 40
// entries: folders 14 and 15, then datasets 603 to 640, the last of which
// holds the dataview looked for among others.
func bigTree(t testing.TB) (*mammothtest.Server, *mammoth.Client) {
	t.Helper()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddWorkspace(bigWorkspace, "Analytics")
	for p := 201; p < lastProject; p++ {
		srv.AddDataview(mammoth.DataviewRef{WorkspaceID: bigWorkspace, ProjectID: p, DatasetID: p + 1000, DataviewID: p + 2000})
	}
	srv.AddProject(bigWorkspace, lastProject, "Deep")
	srv.AddFolder(bigWorkspace, lastProject, 11, 0, "Level 1")
	srv.AddFolder(bigWorkspace, lastProject, 12, 11, "Level 2")
	srv.AddFolder(bigWorkspace, lastProject, 13, 12, "Level 3")
	srv.AddFolder(bigWorkspace, lastProject, 14, 13, "Empty")
	srv.AddFolder(bigWorkspace, lastProject, 15, 13, "Also empty")
	for d := 603; d <= deepDataset; d++ {
		srv.AddDataset(bigWorkspace, lastProject, d, 13, "Dataset "+strconv.Itoa(d))
		srv.AddDataview(mammoth.DataviewRef{WorkspaceID: bigWorkspace, ProjectID: lastProject, DatasetID: d, DataviewID: d + 3000})
	}
	srv.AddDataview(mammoth.DataviewRef{WorkspaceID: bigWorkspace, ProjectID: lastProject, DatasetID: deepDataset, DataviewID: deepDataview})
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()), quickRetries)
	require.NoError(t, err)
	srv.ClearRequests()
	return srv, client
}

// requestLines lists the requests the server received as "METHOD path?query".
func requestLines(srv *mammothtest.Server) []string {
	var out []string
	for _, r := range srv.Requests() {
		line := r.Method + " " + strings.TrimPrefix(r.Path, "/api/v2")
		if r.RawQuery != "" {
			line += "?" + r.RawQuery
		}
		out = append(out, line)
	}
	return out
}

var wantDeepRef = mammoth.DataviewRef{WorkspaceID: bigWorkspace, ProjectID: lastProject, DatasetID: deepDataset, DataviewID: deepDataview}

func TestResolve_FindsADataviewThreeFoldersDeepInTheLastOf150Projects(t *testing.T) {
	t.Parallel()
	srv, client := bigTree(t)
	ref, err := client.Dataviews.Resolve(context.Background(), bigWorkspace, deepDataview, nil)
	require.NoError(t, err)
	assert.Equal(t, wantDeepRef, ref)

	lines := requestLines(srv)
	// Two pages of projects, one browse of each of the 149 projects with a
	// dataset at its top level, and two folder browses in the last: folder
	// 12 holds only a folder, which the browse of folder 11 listed.
	require.Equal(t, 2+149+2, len(lines))
	assert.Equal(t, "GET /workspaces/5/browse?fields=__min&level=2&limit=100", lines[0])
	assert.Equal(t, "GET /workspaces/5/browse?fields=__min&level=2&limit=100&offset=100", lines[1])
	assert.Equal(t, "GET /workspaces/5/projects/201/browse?fields=__min&level=2&limit=100", lines[2])
	assert.Equal(t, "GET /workspaces/5/projects/349/browse?fields=__min&level=2&limit=100", lines[150])
	assert.Equal(t, "GET /workspaces/5/projects/350/folders/11/browse?fields=__min&level=2&limit=100", lines[151])
	assert.Equal(t, "GET /workspaces/5/projects/350/folders/13/browse?fields=__min&level=2&limit=100", lines[152])
	for _, r := range srv.Requests() {
		assert.Equal(t, "5", r.Header.Get("X-Workspace-Id"), r.Path)
	}
}

func TestResolve_WithItsProjectIDCostsThreeRequests(t *testing.T) {
	t.Parallel()
	srv, client := bigTree(t)
	ref, err := client.Dataviews.Resolve(context.Background(), bigWorkspace, deepDataview, &mammoth.ResolveOptions{ProjectID: lastProject})
	require.NoError(t, err)
	assert.Equal(t, wantDeepRef, ref)
	assert.Equal(t, []string{
		"GET /workspaces/5/projects/350/browse?fields=__min&level=2&limit=100",
		"GET /workspaces/5/projects/350/folders/12/browse?fields=__min&level=2&limit=100",
		"GET /workspaces/5/projects/350/folders/13/browse?fields=__min&level=2&limit=100",
	}, requestLines(srv))
}

func TestResolve_AnswersFromItsCacheWithoutARequest(t *testing.T) {
	t.Parallel()
	srv, client := bigTree(t)
	ctx := context.Background()
	_, err := client.Dataviews.Resolve(ctx, bigWorkspace, deepDataview, &mammoth.ResolveOptions{ProjectID: lastProject})
	require.NoError(t, err)
	srv.ClearRequests()

	for _, opts := range []*mammoth.ResolveOptions{nil, {ProjectID: lastProject}} {
		ref, err := client.Dataviews.Resolve(ctx, bigWorkspace, deepDataview, opts)
		require.NoError(t, err)
		assert.Equal(t, wantDeepRef, ref)
	}
	assert.Empty(t, srv.Requests())

	// Another project id than the cached one is searched as asked.
	_, err = client.Dataviews.Resolve(ctx, bigWorkspace, deepDataview, &mammoth.ResolveOptions{ProjectID: 201})
	require.ErrorIs(t, err, mammoth.ErrNotFound)
	assert.Equal(t, 1, len(srv.Requests()))

	srv.ClearRequests()
	client.Dataviews.ForgetResolved(bigWorkspace, deepDataview)
	_, err = client.Dataviews.Resolve(ctx, bigWorkspace, deepDataview, &mammoth.ResolveOptions{ProjectID: lastProject})
	require.NoError(t, err)
	assert.Equal(t, 3, len(srv.Requests()), "a forgotten dataview is searched again")

	srv.ClearRequests()
	client.Dataviews.ClearResolveCache()
	_, err = client.Dataviews.Resolve(ctx, bigWorkspace, deepDataview, &mammoth.ResolveOptions{ProjectID: lastProject})
	require.NoError(t, err)
	assert.Equal(t, 3, len(srv.Requests()), "a cleared cache is searched again")
}

func TestResolve_CacheKeepsOnlyTheMostRecentlyUsed(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	refs := []mammoth.DataviewRef{
		{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 10},
		{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 11},
		{WorkspaceID: 1, ProjectID: 2, DatasetID: 4, DataviewID: 12},
	}
	for _, ref := range refs {
		srv.AddDataview(ref)
	}
	ctx := context.Background()
	cost := func(c *mammoth.Client, ref mammoth.DataviewRef) int {
		t.Helper()
		srv.ClearRequests()
		got, err := c.Dataviews.Resolve(ctx, ref.WorkspaceID, ref.DataviewID, nil)
		require.NoError(t, err)
		require.Equal(t, ref, got)
		return len(srv.Requests())
	}

	two, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()), mammoth.WithResolveCache(2))
	require.NoError(t, err)
	assert.Equal(t, 2, cost(two, refs[0]))
	assert.Equal(t, 2, cost(two, refs[1]))
	assert.Equal(t, 0, cost(two, refs[0]), "refs[0] is now the most recent")
	assert.Equal(t, 2, cost(two, refs[2]), "evicts refs[1]")
	assert.Equal(t, 0, cost(two, refs[0]))
	assert.Equal(t, 2, cost(two, refs[1]), "was evicted")

	off, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()), mammoth.WithResolveCache(0))
	require.NoError(t, err)
	assert.Equal(t, 2, cost(off, refs[0]))
	assert.Equal(t, 2, cost(off, refs[0]), "no cache: searched again")

	_, err = mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithResolveCache(-1))
	var ve *mammoth.ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestResolve_DataviewInNoProjectIsNotFound(t *testing.T) {
	t.Parallel()
	srv, client := bigTree(t)
	ctx := context.Background()
	tests := []struct {
		name      string
		opts      *mammoth.ResolveOptions
		requests  int
		wantInMsg string
	}{
		{"every project", nil, 2 + 149 + 2, "not found in any of the 150 projects of workspace 5 (5 folders searched)"},
		{"one project", &mammoth.ResolveOptions{ProjectID: lastProject}, 3, "not found in project 350 of workspace 5"},
		{"an unknown project", &mammoth.ResolveOptions{ProjectID: 999}, 1, "not found in project 999 of workspace 5"},
	}
	for _, tt := range tests {
		srv.ClearRequests()
		_, err := client.Dataviews.Resolve(ctx, bigWorkspace, 424242, tt.opts)
		require.ErrorIs(t, err, mammoth.ErrNotFound, tt.name)
		var nf *mammoth.DataviewNotFoundError
		require.ErrorAs(t, err, &nf, tt.name)
		assert.Contains(t, err.Error(), "dataview 424242 "+tt.wantInMsg, tt.name)
		assert.Equal(t, tt.requests, len(srv.Requests()), tt.name)
	}
}

func TestResolve_ReadsEveryPageOfAFolderWith250Entries(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddFolder(1, 2, 3, 0, "Big")
	for d := 1; d <= 250; d++ {
		srv.AddDataset(1, 2, d, 3, "")
	}
	want := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 250, DataviewID: 99}
	srv.AddDataview(want)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	srv.ClearRequests()

	got, err := client.Dataviews.Resolve(context.Background(), 1, 99, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
	assert.Equal(t, []string{
		"GET /workspaces/1/browse?fields=__min&level=2&limit=100",
		"GET /workspaces/1/projects/2/folders/3/browse?fields=__min&level=2&limit=100",
		"GET /workspaces/1/projects/2/folders/3/browse?fields=__min&level=2&limit=100&offset=100",
		"GET /workspaces/1/projects/2/folders/3/browse?fields=__min&level=2&limit=100&offset=200",
	}, requestLines(srv))
}

func TestResolve_RefusesBadArgumentsWithoutARequest(t *testing.T) {
	t.Parallel()
	srv, client := bigTree(t)
	tests := []struct {
		ws, dv int
		opts   *mammoth.ResolveOptions
		field  string
	}{
		{0, 1, nil, "workspaceID"},
		{1, 0, nil, "dataviewID"},
		{1, 1, &mammoth.ResolveOptions{ProjectID: -1}, "ResolveOptions.ProjectID"},
	}
	for _, tt := range tests {
		_, err := client.Dataviews.Resolve(context.Background(), tt.ws, tt.dv, tt.opts)
		var ve *mammoth.ValidationError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, tt.field, ve.Field)
	}
	//lint:ignore SA1012 a nil context is what is being refused
	_, err := client.Dataviews.Resolve(nil, 1, 1, nil) //nolint:staticcheck
	require.Error(t, err)
	assert.Empty(t, srv.Requests())
}

func TestResolve_StopsWhenTheContextIsCancelled(t *testing.T) {
	t.Parallel()
	_, client := bigTree(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := client.Dataviews.Resolve(ctx, bigWorkspace, deepDataview, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.Is(err, mammoth.ErrNotFound))
}

func TestResolve_TellsApartFoldersOfTheSameIDInTwoProjects(t *testing.T) {
	t.Parallel()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	for _, p := range []int{1, 2} {
		srv.AddFolder(3, p, 1, 0, "Same id")
		srv.AddDataset(3, p, 10*p, 1, "")
	}
	srv.AddDataview(mammoth.DataviewRef{WorkspaceID: 3, ProjectID: 1, DatasetID: 10, DataviewID: 5})
	want := mammoth.DataviewRef{WorkspaceID: 3, ProjectID: 2, DatasetID: 20, DataviewID: 6}
	srv.AddDataview(want)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	got, err := client.Dataviews.Resolve(context.Background(), 3, 6, nil)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

// BenchmarkResolve_150Projects measures a search of the whole big tree,
// cache off: 153 requests against the in-memory fake.
func BenchmarkResolve_150Projects(b *testing.B) {
	srv, _ := bigTree(b)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()), mammoth.WithResolveCache(0))
	require.NoError(b, err)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := client.Dataviews.Resolve(context.Background(), bigWorkspace, deepDataview, nil); err != nil {
			b.Fatal(err)
		}
	}
}
