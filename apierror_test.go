package mammoth_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mammoth-io/mammoth-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAPIError_ErrorSaysWhatTheAPISaidInExtra: a 400 from the fake lists
// its problems in "extra"; Error() names them, not only "Validation failed".
func TestAPIError_ErrorSaysWhatTheAPISaidInExtra(t *testing.T) {
	t.Parallel()
	srv, client, ref := fakeAPI()
	defer srv.Close()

	_, err := client.Exports.ListExports(context.Background(), ref, &mammoth.ListExportsOptions{Fields: "bogus", Sort: "(nope:up)"})
	var apiErr *mammoth.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 400, apiErr.StatusCode)
	assert.Contains(t, err.Error(), `: 400 Validation failed for GET `)
	assert.Contains(t, err.Error(), `: query.fields: unknown field "bogus"; query.sort: `)

	_, err = client.Exports.AddExport(context.Background(), ref, &mammoth.AddExportSpec{
		HandlerType: "weird", TriggerType: "sometimes", TargetProperties: mammoth.RawTargetProperties{"x": 1}})
	require.ErrorAs(t, err, &apiErr)
	assert.Contains(t, err.Error(), `body.handler_type: unknown handler type "weird"; body.trigger_type: unknown trigger type "sometimes"`)
	assert.NotContains(t, err.Error(), "\n")
}

func TestAPIError_ErrorSummarisesEveryShapeOfExtraWithinABound(t *testing.T) {
	t.Parallel()
	var many []map[string]string
	for i := range 1000 {
		many = append(many, map[string]string{"message": "bad value ✓", "key": fmt.Sprintf("field_%d", i), "source": "body"})
	}
	manyJSON, _ := json.Marshal(many)
	tests := []struct {
		name, extra, want string
	}{
		{"absent", ``, ``},
		{"null", `,"extra":null`, ``},
		{"empty object", `,"extra":{}`, ``},
		{"empty list", `,"extra":[]`, ``},
		{"the API's problems", `,"extra":[{"message":"field required","key":"trigger_type","source":"body"}]`, `: body.trigger_type: field required`},
		{"a problem without source", `,"extra":[{"message":"too big","key":"limit"}]`, `: limit: too big`},
		{"pydantic's shape", `,"extra":[{"loc":["body","patches",0,"op"],"msg":"field required","type":"missing"}]`, `: body.patches.0.op: field required`},
		{"a message alone", `,"extra":{"message":"dataview is locked"}`, `: dataview is locked`},
		{"an object", `,"extra":{"locked_by":"job 5001"}`, `: {"locked_by":"job 5001"}`},
		{"a string", `,"extra":"try again tomorrow"`, `: try again tomorrow`},
		{"a number", `,"extra":42`, `: 42`},
		{"mixed list", `,"extra":["plain",{"message":"m","key":"k"},7]`, `: "plain"; k: m; 7`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(400)
				_, _ = w.Write([]byte(`{"status_code":400,"detail":"Validation failed"` + tt.extra + `}`))
			}))
			defer srv.Close()
			client, err := mammoth.NewClient("test-key", "a-long-enough-secret-1", mammoth.WithBaseURL(srv.URL))
			require.NoError(t, err)
			_, err = client.Jobs.GetJob(context.Background(), 1)
			require.Error(t, err)
			assert.Equal(t, "mammoth: GET /api/v2/jobs/1: 400 Validation failed"+tt.want, err.Error())
		})
	}
	t.Run("a thousand problems", func(t *testing.T) {
		t.Parallel()
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(400)
			_, _ = w.Write([]byte(`{"status_code":400,"detail":"Validation failed","extra":` + string(manyJSON) + `}`))
		}))
		defer srv.Close()
		client, err := mammoth.NewClient("test-key", "a-long-enough-secret-1", mammoth.WithBaseURL(srv.URL))
		require.NoError(t, err)
		_, err = client.Jobs.GetJob(context.Background(), 1)
		require.Error(t, err)
		msg := err.Error()
		assert.True(t, strings.HasPrefix(msg, "mammoth: GET /api/v2/jobs/1: 400 Validation failed: body.field_0: bad value ✓; body.field_1: "), msg)
		assert.LessOrEqual(t, len(msg), len("mammoth: GET /api/v2/jobs/1: 400 Validation failed: ")+512)
		assert.True(t, strings.HasSuffix(msg, "…"))
		assert.True(t, utf8.ValidString(msg))
		var apiErr *mammoth.APIError
		require.ErrorAs(t, err, &apiErr)
		assert.JSONEq(t, string(manyJSON), string(apiErr.Extra), "Extra itself is kept whole")
	})
	t.Run("an APIError built by hand", func(t *testing.T) {
		t.Parallel()
		e := &mammoth.APIError{StatusCode: 422, Method: "POST", Path: "/x", Extra: json.RawMessage(`[{"message":"m","key":"k"}]`)}
		assert.Equal(t, "mammoth: POST /x: 422 Unprocessable Entity: k: m", e.Error())
	})
}
