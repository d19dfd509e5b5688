package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// clearEnv unsets every variable the command reads.
func clearEnv(t *testing.T) {
	for _, v := range []string{"MAMMOTH_API_KEY", "MAMMOTH_API_SECRET", "MAMMOTH_BASE_URL",
		"MAMMOTH_WORKSPACE_ID", "MAMMOTH_PROJECT_ID", "MAMMOTH_DATASET_ID", "MAMMOTH_DATAVIEW_ID"} {
		t.Setenv(v, "")
	}
}

type result struct {
	code           int
	stdout, stderr string
}

func quickstart(t *testing.T, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runMain(context.Background(), args, &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

func TestQuickstart_RunsTheWholeFlowOnTheFakeWithoutCredentials(t *testing.T) {
	clearEnv(t)
	r := quickstart(t, "-workspace", "3", "-dataview", "9")
	require.Equal(t, 0, r.code, r.stderr)
	for _, want := range []string{
		"running against an in-process fake API",
		"Created an S3 export; job",
		": success",
		"s3       none     executed  quickstart.csv",
		"Suspended export 101: status suspended",
		"Restored export 101: status executed",
		"Ran export 101: status executed",
		"Downloaded 47 bytes of CSV:\nid,name,amount\n",
		"Deleted export 101.",
	} {
		assert.Contains(t, r.stdout, want)
	}
	assert.Empty(t, r.stderr)
}

func TestQuickstart_HelpExitsZero(t *testing.T) {
	clearEnv(t)
	for _, arg := range []string{"-h", "-help", "--help"} {
		r := quickstart(t, arg)
		assert.Equal(t, 0, r.code, arg)
		assert.Contains(t, r.stderr, "Usage: quickstart")
		assert.Contains(t, r.stderr, "-dataview")
		assert.Empty(t, r.stdout, "nothing was run")
	}
}

func TestQuickstart_BadFlagIsAUsageError(t *testing.T) {
	clearEnv(t)
	for _, args := range [][]string{{"-nope"}, {"-dataview", "x"}, {"extra"}} {
		r := quickstart(t, args...)
		assert.Equal(t, 2, r.code, "%v", args)
		assert.Empty(t, r.stdout, "%v: nothing was run", args)
		assert.NotEmpty(t, r.stderr)
	}
}

// apiWithNoRequests is a server that fails the test if it is called.
func apiWithNoRequests(t *testing.T) *mammothtest.Server {
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	t.Setenv("MAMMOTH_API_KEY", srv.APIKey())
	t.Setenv("MAMMOTH_API_SECRET", srv.APISecret())
	t.Setenv("MAMMOTH_BASE_URL", srv.URL())
	return srv
}

func TestQuickstart_WithCredentialsButNoIDsNamesWhatIsMissing(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		env     map[string]string
		missing []string
		present []string
	}{
		{"nothing", nil, nil,
			[]string{"-workspace (or MAMMOTH_WORKSPACE_ID)", "-project (or MAMMOTH_PROJECT_ID)", "-dataset (or MAMMOTH_DATASET_ID)", "-dataview (or MAMMOTH_DATAVIEW_ID)"}, nil},
		{"flags and variables count alike", []string{"-workspace", "4", "-dataset", "121"}, map[string]string{"MAMMOTH_PROJECT_ID": "7"},
			[]string{"-dataview (or MAMMOTH_DATAVIEW_ID)"}, []string{"-workspace", "-project", "-dataset"}},
		{"a zero dataset is given, not missing", []string{"-dataset", "0"}, map[string]string{"MAMMOTH_WORKSPACE_ID": "4", "MAMMOTH_DATAVIEW_ID": "9"},
			[]string{"-project (or MAMMOTH_PROJECT_ID)"}, []string{"-dataset", "-workspace", "-dataview"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clearEnv(t)
			srv := apiWithNoRequests(t)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			r := quickstart(t, tt.args...)
			assert.Equal(t, 2, r.code)
			assert.Empty(t, r.stdout)
			assert.Contains(t, r.stderr, "missing: ")
			for _, m := range tt.missing {
				assert.Contains(t, r.stderr, m)
			}
			for _, p := range tt.present {
				assert.NotContains(t, r.stderr, p+" (or")
			}
			assert.Empty(t, srv.Requests(), "nothing sent, and no 1/1/1/1 dataview")
		})
	}
}

func TestQuickstart_BadIDVariableIsNamed(t *testing.T) {
	clearEnv(t)
	srv := apiWithNoRequests(t)
	t.Setenv("MAMMOTH_PROJECT_ID", "seven")
	r := quickstart(t, "-workspace", "4", "-dataset", "121", "-dataview", "9")
	assert.Equal(t, 2, r.code)
	assert.Contains(t, r.stderr, `MAMMOTH_PROJECT_ID must be an integer, not "seven"`)
	assert.Empty(t, srv.Requests())
}

func TestQuickstart_WithCredentialsAndIDsRunsOnThatDataview(t *testing.T) {
	clearEnv(t)
	srv := apiWithNoRequests(t)
	t.Setenv("MAMMOTH_DATAVIEW_ID", "9")
	r := quickstart(t, "-workspace", "4", "-project", "7", "-dataset", "121")
	// The fake knows no such dataview: the first request is the add, 404.
	assert.Equal(t, 1, r.code)
	assert.Contains(t, r.stderr, "creating the export")
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, http.MethodPost, reqs[0].Method)
	assert.Equal(t, "/api/v2/workspaces/4/projects/7/datasets/121/dataviews/9/pipeline/exports", reqs[0].Path)
	assert.Equal(t, "4", reqs[0].Header.Get("X-Workspace-Id"))
}

func TestQuickstart_WithCredentialsRunsTheFlowOnTheNamedDataview(t *testing.T) {
	clearEnv(t)
	srv := apiWithNoRequests(t)
	srv.AddDataview(mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 9})
	r := quickstart(t, "-workspace", "4", "-project", "7", "-dataset", "121", "-dataview", "9")
	require.Equal(t, 0, r.code, r.stderr)
	assert.NotContains(t, r.stdout, "fake API")
	assert.Contains(t, r.stdout, "Deleted export 101.")
	assert.Empty(t, srv.Exports(mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 9}))
}
