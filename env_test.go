package mammoth

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// envJobsServer answers GET /jobs/5 and records the workspace header of
// each request.
func envJobsServer(t *testing.T) (*fixture, *[]string) {
	f := setup(t)
	var seen []string
	f.handle("GET", "/jobs/5", func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Header.Get("X-WORKSPACE-ID"))
		writeJSON(w, 200, `{"job":{"id":5,"status":"success","response":{}}}`)
	})
	t.Setenv("MAMMOTH_API_KEY", testKey)
	t.Setenv("MAMMOTH_API_SECRET", testSecret)
	t.Setenv("MAMMOTH_BASE_URL", f.server.URL+testBasePath)
	return f, &seen
}

func TestNewClientFromEnv_WorkspaceIDGoesOutOnJobsCalls(t *testing.T) {
	tests := []struct {
		name string
		env  string
		opts []Option
		want string
	}{
		{"unset: no header", "", nil, ""},
		{"from the environment", "4", nil, "4"},
		{"spaces around it", " 12\n", nil, "12"},
		{"an explicit option wins", "4", []Option{WithWorkspaceID(9)}, "9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, seen := envJobsServer(t)
			t.Setenv("MAMMOTH_WORKSPACE_ID", tt.env)
			c, err := NewClientFromEnv(tt.opts...)
			require.NoError(t, err)
			_, err = c.Jobs.GetJob(context.Background(), 5)
			require.NoError(t, err)
			assert.Equal(t, []string{tt.want}, *seen)
		})
	}
}

func TestNewClientFromEnv_RefusesABadWorkspaceID(t *testing.T) {
	for _, v := range []string{"abc", "0", "-3", "1.5", "4 5", "0x10", "99999999999999999999", " "} {
		t.Run(v, func(t *testing.T) {
			f, _ := envJobsServer(t)
			t.Setenv("MAMMOTH_WORKSPACE_ID", v)
			c, err := NewClientFromEnv(WithWorkspaceID(3))
			assert.Nil(t, c)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve, "even with an explicit workspace: the environment is wrong")
			assert.Equal(t, "MAMMOTH_WORKSPACE_ID", ve.Field)
			assert.Contains(t, err.Error(), "MAMMOTH_WORKSPACE_ID")
			assert.Zero(t, f.requests.Load())
		})
	}
}
