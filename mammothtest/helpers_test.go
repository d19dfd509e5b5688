package mammothtest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/require"
)

// testRef is the dataview most tests work on.
var testRef = mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}

// newServer starts a server with the test dataview, closed with the test.
func newServer(t testing.TB, opts ...mammothtest.Option) *mammothtest.Server {
	t.Helper()
	s := mammothtest.NewServer(opts...)
	t.Cleanup(s.Close)
	s.AddDataview(testRef)
	return s
}

// newClient returns an SDK client for s that polls and retries quickly.
func newClient(t testing.TB, s *mammothtest.Server, opts ...mammoth.Option) *mammoth.Client {
	t.Helper()
	opts = append([]mammoth.Option{
		mammoth.WithBaseURL(s.URL()),
		mammoth.WithRetryPolicy(mammoth.RetryPolicy{MaxRetries: 3, MinBackoff: time.Millisecond, MaxBackoff: 50 * time.Millisecond}),
	}, opts...)
	c, err := mammoth.NewClient(s.APIKey(), s.APISecret(), opts...)
	require.NoError(t, err)
	return c
}

// fastWait polls jobs without real waits.
var fastWait = &mammoth.WaitOptions{PollInterval: time.Millisecond, Timeout: 10 * time.Second}

// dvPath is the API path of a dataview, below the base URL.
func dvPath(ref mammoth.DataviewRef) string {
	return "/workspaces/" + strconv.Itoa(ref.WorkspaceID) + "/projects/" + strconv.Itoa(ref.ProjectID) +
		"/datasets/" + strconv.Itoa(ref.DatasetID) + "/dataviews/" + strconv.Itoa(ref.DataviewID)
}

const exportsSuffix = "/pipeline/exports"

// answer is a raw HTTP answer.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// object decodes the answer as a JSON object.
func (a answer) object(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), "body: %s", a.body)
	return m
}

// raw sends a request with the server's credentials. path is relative to
// the base URL unless it starts with "http".
func raw(t testing.TB, s *mammothtest.Server, method, path string, body any) answer {
	t.Helper()
	return rawWith(t, s, method, path, body, map[string]string{
		"X-API-KEY": s.APIKey(), "X-API-SECRET": s.APISecret(),
	})
}

// rawWith sends a request with exactly the given extra headers.
func rawWith(t testing.TB, s *mammothtest.Server, method, path string, body any, headers map[string]string) answer {
	t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = s.URL() + path
	}
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		enc, err := json.Marshal(b)
		require.NoError(t, err)
		rd = bytes.NewReader(enc)
	}
	req, err := http.NewRequest(method, path, rd)
	require.NoError(t, err)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{status: resp.StatusCode, header: resp.Header, body: data}
}

// addSpec is a valid AddExportSpec body as the API's own clients send it.
func addSpec(ref mammoth.DataviewRef, handler, trigger string, run bool, target map[string]any) map[string]any {
	if target == nil {
		target = map[string]any{}
	}
	return map[string]any{
		"DATAVIEW_ID": ref.DataviewID, "sequence": nil, "TRIGGER_ID": nil, "end_of_pipeline": true,
		"handler_type": handler, "trigger_type": trigger, "target_properties": target,
		"additional_properties": map[string]any{}, "condition": map[string]any{},
		"run_immediately": run, "validate_only": false,
	}
}

// s3Spec is the body of the CSV download flow's add.
func s3Spec(ref mammoth.DataviewRef) map[string]any {
	return addSpec(ref, "s3", "none", true, map[string]any{
		"file": "temp_export_121_2311.csv", "file_type": "csv", "include_hidden": false,
		"is_format_set": true, "use_format": true,
	})
}

// num reads a JSON number as an int.
func num(t testing.TB, v any) int {
	t.Helper()
	f, ok := v.(float64)
	require.True(t, ok, "not a number: %#v", v)
	return int(f)
}

// pollJob polls GET /jobs/{id} until the job leaves processing, and returns
// the job object and how many polls it took.
func pollJob(t testing.TB, s *mammothtest.Server, id int) (map[string]any, int) {
	t.Helper()
	for polls := 1; polls <= 20; polls++ {
		a := raw(t, s, "GET", "/jobs/"+strconv.Itoa(id), nil)
		require.Equal(t, http.StatusOK, a.status, "%s", a.body)
		job := a.object(t)["job"].(map[string]any)
		if job["status"] != "processing" {
			return job, polls
		}
	}
	t.Fatalf("job %d still processing after 20 polls", id)
	return nil, 0
}

// keys returns the keys of a JSON object, sorted.
func keys(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// keyOrder returns the top-level keys of a JSON object in the order sent.
func keyOrder(t testing.TB, obj []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(obj))
	tok, err := dec.Token()
	require.NoError(t, err)
	require.Equal(t, json.Delim('{'), tok)
	var out []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		out = append(out, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return out
}
