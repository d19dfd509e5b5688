package mammoth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder keeps "METHOD path?query" of each request, below the base path.
type recorder struct {
	mu    sync.Mutex
	lines []string
}

func (rec *recorder) add(r *http.Request) {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	line := r.Method + " " + strings.TrimPrefix(r.URL.Path, testBasePath)
	if r.URL.RawQuery != "" {
		line += "?" + r.URL.RawQuery
	}
	rec.lines = append(rec.lines, line)
}

func (rec *recorder) all() []string {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]string(nil), rec.lines...)
}

// items encodes n objects with ids from first.
func items(first, n int) string {
	parts := make([]string, n)
	for i := range parts {
		parts[i] = fmt.Sprintf(`{"id":%d,"name":"n%d"}`, first+i, first+i)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func collect[T any](t *testing.T, seq func(func(T, error) bool)) ([]T, error) {
	t.Helper()
	var out []T
	for v, err := range seq {
		if err != nil {
			return out, err
		}
		out = append(out, v)
	}
	return out, nil
}

func TestIterators_SendTheirPathLimitAndWorkspaceHeader(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, path, key string
		wantHeader      string
		walk            func(s *DataviewsService) (int, error)
	}{
		{"workspaces", "/workspaces", "workspaces", "", func(s *DataviewsService) (int, error) {
			l, err := collect(t, s.AllWorkspaces(context.Background()))
			return len(l), err
		}},
		{"projects", "/workspaces/4/projects", "projects", "4", func(s *DataviewsService) (int, error) {
			l, err := collect(t, s.AllProjects(context.Background(), 4))
			return len(l), err
		}},
		{"datasets", "/workspaces/4/projects/7/datasets", "datasets", "4", func(s *DataviewsService) (int, error) {
			l, err := collect(t, s.AllDatasets(context.Background(), 4, 7))
			return len(l), err
		}},
		{"dataviews", "/workspaces/4/projects/7/datasets/0/dataviews", "dataviews", "4", func(s *DataviewsService) (int, error) {
			l, err := collect(t, s.AllDataviews(context.Background(), 4, 7, 0))
			return len(l), err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var rec recorder
			f.handle("GET", tt.path, func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				assertCredentials(t, r)
				assert.Equal(t, tt.wantHeader, r.Header.Get("X-Workspace-Id"))
				offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				n := min(max(230-offset, 0), 100)
				writeJSON(w, 200, fmt.Sprintf(`{%q:%s,"next":"x"}`, tt.key, items(offset+1, n)))
			})
			n, err := tt.walk(f.client.Dataviews)
			require.NoError(t, err)
			assert.Equal(t, 230, n)
			assert.Equal(t, []string{
				"GET " + tt.path + "?limit=100",
				"GET " + tt.path + "?limit=100&offset=100",
				"GET " + tt.path + "?limit=100&offset=200",
			}, rec.all())
		})
	}
}

func TestIterators_EndWhereverTheServerSaysTheListEnds(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		page     func(offset int) string
		want     int
		requests int
	}{
		{"a server that ignores offset repeats its first page", func(int) string {
			return `{"projects":` + items(1, 100) + `,"next":"more"}`
		}, 100, 2},
		{"an empty next on a full page", func(offset int) string {
			return `{"projects":` + items(offset+1, 100) + `,"next":""}`
		}, 100, 1},
		{"an empty page", func(offset int) string {
			if offset > 0 {
				return `{"projects":[],"next":"more"}`
			}
			return `{"projects":` + items(1, 100) + `,"next":"more"}`
		}, 100, 2},
		{"a server that caps the page size is paged at its size", func(offset int) string {
			n := min(max(25-offset, 0), 10)
			return fmt.Sprintf(`{"projects":%s,"limit":10,"next":"more"}`, items(offset+1, n))
		}, 25, 3},
		{"repeated items of a shifting list are yielded once", func(offset int) string {
			if offset == 0 {
				return `{"projects":` + items(1, 100) + `}`
			}
			return `{"projects":` + items(51, 100) + `}`
		}, 150, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var rec recorder
			f.handle("GET", "/workspaces/4/projects", func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
				writeJSON(w, 200, tt.page(offset))
			})
			got, err := collect(t, f.client.Dataviews.AllProjects(context.Background(), 4))
			require.NoError(t, err)
			assert.Len(t, got, tt.want)
			seen := map[int]bool{}
			for _, p := range got {
				assert.False(t, seen[p.ID], "project %d twice", p.ID)
				seen[p.ID] = true
			}
			assert.Len(t, rec.all(), tt.requests)
		})
	}
}

func TestIterators_StopAtBreakAndYieldFailuresOnce(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var rec recorder
	f.handle("GET", "/workspaces", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.URL.Query().Get("offset") == "100" {
			writeJSON(w, 403, `{"status_code":403,"detail":"Forbidden"}`)
			return
		}
		writeJSON(w, 200, `{"workspaces":`+items(1, 100)+`,"next":"x"}`)
	})
	for range f.client.Dataviews.AllWorkspaces(context.Background()) {
		break
	}
	assert.Len(t, rec.all(), 1, "no request after break")

	got, err := collect(t, f.client.Dataviews.AllWorkspaces(context.Background()))
	assert.Len(t, got, 100)
	require.ErrorIs(t, err, ErrForbidden)

	f.handle("GET", "/workspaces/4/projects", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"next":""}`)
	})
	_, err = collect(t, f.client.Dataviews.AllProjects(context.Background(), 4))
	var de *DecodeError
	require.ErrorAs(t, err, &de, "a page without its list is an error, not an empty list")

	for _, seq := range []func(func(*Dataset, error) bool){
		f.client.Dataviews.AllDatasets(context.Background(), 0, 7),
		f.client.Dataviews.AllDatasets(context.Background(), 4, 0),
	} {
		_, err := collect(t, seq)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
	}
	_, err = collect(t, f.client.Dataviews.AllDataviews(context.Background(), 4, 7, -1))
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
}

func TestAllDataviews_ReadsEitherShapeAndWaitsForA202(t *testing.T) {
	t.Parallel()
	const path = "/workspaces/4/projects/7/datasets/121/dataviews"
	tests := []struct {
		name    string
		answers []string // status|body, in turn
		wantIDs []int
	}{
		{"a dataviews list", []string{`200|{"dataviews":[{"id":1,"ds_id":121,"name":"a"},{"id":2,"ds_id":121}],"total":2}`}, []int{1, 2}},
		{"one dataview object", []string{`200|{"id":9,"ds_id":121,"name":"only"}`}, []int{9}},
		{"a 202 job first", []string{
			`202|{"jobs":[{"id":55,"status":"processing"}]}`,
			`200|{"dataviews":[{"id":3}]}`,
		}, []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var rec recorder
			var n int
			f.handle("GET", path, func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				status, body, _ := strings.Cut(tt.answers[min(n, len(tt.answers)-1)], "|")
				n++
				code, _ := strconv.Atoi(status)
				writeJSON(w, code, body)
			})
			f.handle("GET", "/jobs/55", func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				writeJSON(w, 200, `{"job":{"id":55,"status":"success","response":{}}}`)
			})
			got, err := collect(t, f.client.Dataviews.AllDataviews(context.Background(), 4, 7, 121))
			require.NoError(t, err)
			var ids []int
			for _, dv := range got {
				ids = append(ids, dv.ID)
			}
			assert.Equal(t, tt.wantIDs, ids)
			assert.Equal(t, "GET "+path+"?limit=100", rec.all()[0])
		})
	}
}

func TestGetDataview_SendsFieldsAndSequence(t *testing.T) {
	t.Parallel()
	tests := []struct {
		opts      *GetDataviewOptions
		wantQuery string
	}{
		{nil, ""},
		{&GetDataviewOptions{Fields: FieldsFull}, "fields=__full"},
		{&GetDataviewOptions{Fields: "id,name", Sequence: Ptr(3)}, "fields=id%2Cname&sequence=3"},
		{&GetDataviewOptions{Sequence: Ptr(0)}, "sequence=0"},
	}
	for _, tt := range tests {
		f := setup(t)
		f.dataview("GET", "", func(w http.ResponseWriter, r *http.Request) {
			assertCredentials(t, r)
			assert.Equal(t, "4", r.Header.Get("X-Workspace-Id"))
			assert.Equal(t, tt.wantQuery, r.URL.RawQuery)
			writeJSON(w, 200, `{"id":2311,"ds_id":121,"name":"Sales","row_count":3,"draft_mode":"off",
				"taskwise_info":{"1":{"metadata":[]}},"display_properties":{"SORT":[["column_1","ASC"]],"COLUMN_NAMES":{"column_1":"Id"}},
				"created_at":"2025-10-19T14:17:07.810308","data_quality_enabled":true}`)
		})
		dv, err := f.client.Dataviews.GetDataview(context.Background(), testRef, tt.opts)
		require.NoError(t, err)
		assert.Equal(t, 2311, dv.ID)
		assert.Equal(t, 121, dv.DatasetID)
		assert.Equal(t, "Sales", dv.Name)
		assert.Equal(t, 3, *dv.RowCount)
		assert.Equal(t, "off", dv.DraftMode)
		assert.Equal(t, "Id", dv.DisplayProperties.ColumnNames["column_1"])
		assert.True(t, dv.DataQualityEnabled)
		assert.Equal(t, 2025, dv.CreatedAt.Year())
	}
}

func TestGetDataview_WaitsForAJobAnswerAndReadsAgain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		first     string
		status    int
		jobStatus string
		wantErr   func(t *testing.T, err error)
	}{
		{"202 job", `{"job":{"id":77,"status":"processing"}}`, 202, "success", nil},
		{"200 that is a job", `{"job":{"id":77,"status":"processing"}}`, 200, "success", nil},
		{"a failed job", `{"job":{"id":77,"status":"processing"}}`, 202, "failure", func(t *testing.T, err error) {
			var jf *JobFailedError
			require.ErrorAs(t, err, &jf)
			assert.Equal(t, 77, jf.JobID)
		}},
		{"a 202 with no job", `{"detail":"later"}`, 202, "", func(t *testing.T, err error) {
			var de *DecodeError
			require.ErrorAs(t, err, &de)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var rec recorder
			var reads int
			f.dataview("GET", "", func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				reads++
				if reads == 1 {
					writeJSON(w, tt.status, tt.first)
					return
				}
				writeJSON(w, 200, `{"id":2311,"ds_id":121}`)
			})
			f.handle("GET", "/jobs/77", func(w http.ResponseWriter, r *http.Request) {
				rec.add(r)
				writeJSON(w, 200, `{"job":{"id":77,"status":"`+tt.jobStatus+`","response":{"error":"no"}}}`)
			})
			dv, err := f.client.Dataviews.GetDataview(context.Background(), testRef, &GetDataviewOptions{Fields: FieldsMin})
			if tt.wantErr != nil {
				tt.wantErr(t, err)
				assert.Nil(t, dv)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 2311, dv.ID)
			assert.Equal(t, []string{
				"GET /workspaces/4/projects/7/datasets/121/dataviews/2311?fields=__min",
				"GET /jobs/77",
				"GET /workspaces/4/projects/7/datasets/121/dataviews/2311?fields=__min",
			}, rec.all())
		})
	}
}

func TestGetDataview_RefusesWhatIsNotADataview(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var reads int
	f.dataview("GET", "", func(w http.ResponseWriter, r *http.Request) {
		reads++
		if r.URL.Query().Get("fields") == "forever" {
			writeJSON(w, 202, `{"job":{"id":78,"status":"processing"}}`)
			return
		}
		writeJSON(w, 200, `{"name":"no id"}`)
	})
	f.handle("GET", "/jobs/78", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"job":{"id":78,"status":"success","response":{}}}`)
	})
	_, err := f.client.Dataviews.GetDataview(context.Background(), testRef, nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)

	reads = 0
	_, err = f.client.Dataviews.GetDataview(context.Background(), testRef, &GetDataviewOptions{Fields: "forever"})
	require.ErrorContains(t, err, "still answered with a job")
	assert.Equal(t, maxJobRereads+1, reads)

	_, err = f.client.Dataviews.GetDataview(context.Background(), testRef, &GetDataviewOptions{Sequence: Ptr(-1)})
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	_, err = f.client.Dataviews.GetDataview(context.Background(), DataviewRef{}, nil)
	require.ErrorAs(t, err, &ve)
}

func TestColumns_ReadsTheLastStep(t *testing.T) {
	t.Parallel()
	const src = `[{"display_name":"id","internal_name":"column_1","type":"NUMERIC"}]`
	tests := []struct {
		name      string
		answers   map[string]string // by raw query
		wantQuery []string
		want      []Column
	}{
		{"the highest taskwise_info key", map[string]string{
			"fields=__full": `{"id":2311,"metadata":` + src + `,"taskwise_info":{
				"2":{"metadata":[{"display_name":"Sales","internal_name":"column_9","type":"NUMERIC"}]},
				"10":{"metadata":[{"display_name":"Region","internal_name":"column_a1","type":"text"},{"name":"plain"}]},
				"9":{"metadata":[]}}}`,
		}, []string{"fields=__full"}, []Column{
			{DisplayName: "Region", InternalName: "column_a1", Type: ColumnTypeText},
			{DisplayName: "plain", InternalName: "plain", Type: ColumnTypeText},
		}},
		{"no tasks: the dataset's columns are the last step's", map[string]string{
			"fields=__full": `{"id":2311,"metadata":` + src + `,"taskwise_info":{}}`,
		}, []string{"fields=__full"}, []Column{{DisplayName: "id", InternalName: "column_1", Type: ColumnTypeNumeric}}},
		{"a last task without its columns is read at its sequence", map[string]string{
			"fields=__full": `{"id":2311,"metadata":` + src + `,"taskwise_info":{"1":{},"3":{"task":"x"}}}`,
			"sequence=3":    `{"id":2311,"metadata":[{"display_name":"Cost","internal_name":"column_c","type":"DATE"}]}`,
		}, []string{"fields=__full", "sequence=3"}, []Column{{DisplayName: "Cost", InternalName: "column_c", Type: ColumnTypeDate}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			var queries []string
			f.dataview("GET", "", func(w http.ResponseWriter, r *http.Request) {
				queries = append(queries, r.URL.RawQuery)
				writeJSON(w, 200, tt.answers[r.URL.RawQuery])
			})
			cols, err := f.client.Dataviews.Columns(context.Background(), testRef)
			require.NoError(t, err)
			assert.Equal(t, tt.want, cols)
			assert.Equal(t, tt.wantQuery, queries)
		})
	}
}

func TestColumns_RefusesAColumnWithoutAName(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"id":2311,"metadata":[{"type":"TEXT"}]}`)
	})
	_, err := f.client.Dataviews.Columns(context.Background(), testRef)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
}

func TestProjectExports_ReadsAnArrayOrAnObject(t *testing.T) {
	t.Parallel()
	tests := []struct {
		body    string
		wantIDs []int
	}{
		{`[{"id":101,"dataview_id":5},{"id":102,"dataview_id":6},null]`, []int{101, 102}},
		{`[]`, nil},
		{`{"exports":[{"id":103}]}`, []int{103}},
		{`{"id":104,"handler_type":"s3"}`, []int{104}},
	}
	for _, tt := range tests {
		f := setup(t)
		f.handle("GET", "/workspaces/4/projects/7/workflows/workspace-exports", func(w http.ResponseWriter, r *http.Request) {
			assertCredentials(t, r)
			assert.Equal(t, "", r.URL.RawQuery)
			assert.Equal(t, "4", r.Header.Get("X-Workspace-Id"))
			writeJSON(w, 200, tt.body)
		})
		got, err := f.client.Dataviews.ProjectExports(context.Background(), 4, 7)
		require.NoError(t, err, tt.body)
		var ids []int
		for _, e := range got {
			ids = append(ids, *e.ID)
		}
		assert.Equal(t, tt.wantIDs, ids, tt.body)
	}
	f := setup(t)
	_, err := f.client.Dataviews.ProjectExports(context.Background(), 4, 0)
	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Zero(t, f.requests.Load())
}

func TestResolve_ReadsAFolderAnsweredAsItselfAndProbesUnlistedDatasets(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var rec recorder
	browse := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			rec.add(r)
			writeJSON(w, 200, body)
		}
	}
	f.handle("GET", "/workspaces/4/projects/7/browse", browse(`{"resources":[
		{"id":1,"type":"label","name":"A"},
		{"id":2,"type":"label","name":"Gone"},
		{"id":121,"type":"datasource","name":"no dataviews listed"}]}`))
	// Folder 1 answers with itself, its contents as children, and lists
	// itself again inside: the walk must not loop.
	f.handle("GET", "/workspaces/4/projects/7/folders/1/browse", browse(`{"resources":[
		{"id":1,"type":"label","children":[{"id":1,"type":"label"},{"id":300,"type":"datasource"},{"id":301,"type":"datasource"}]}]}`))
	f.handle("GET", "/workspaces/4/projects/7/folders/2/browse", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 404, `{"status_code":404,"detail":"Not Found"}`)
	})
	f.handle("GET", "/workspaces/4/projects/7/datasets/{d}/dataviews/2311", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		if r.PathValue("d") != "301" {
			writeJSON(w, 404, `{"status_code":404,"detail":"Not Found"}`)
			return
		}
		writeJSON(w, 200, `{"id":2311,"ds_id":301}`)
	})
	ref, err := f.client.Dataviews.Resolve(context.Background(), 4, 2311, &ResolveOptions{ProjectID: 7})
	require.NoError(t, err)
	assert.Equal(t, DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 301, DataviewID: 2311}, ref)
	assert.Equal(t, []string{
		"GET /workspaces/4/projects/7/browse?fields=__min&level=2&limit=100",
		"GET /workspaces/4/projects/7/folders/1/browse?fields=__min&level=2&limit=100",
		"GET /workspaces/4/projects/7/folders/2/browse?fields=__min&level=2&limit=100",
		"GET /workspaces/4/projects/7/datasets/121/dataviews/2311?fields=__min",
		"GET /workspaces/4/projects/7/datasets/300/dataviews/2311?fields=__min",
		"GET /workspaces/4/projects/7/datasets/301/dataviews/2311?fields=__min",
	}, rec.all())
}

func TestResolve_PassesOnFailuresOtherThanNotFound(t *testing.T) {
	t.Parallel()
	f := setup(t, WithMaxRetries(0))
	f.handle("GET", "/workspaces/4/browse", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"resources":[{"id":7,"type":"project","children":[{"id":121,"type":"datasource"}]}],"next":""}`)
	})
	f.handle("GET", "/workspaces/4/projects/7/browse", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 500, `{"status_code":500,"detail":"boom"}`)
	})
	_, err := f.client.Dataviews.Resolve(context.Background(), 4, 2311, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 500, apiErr.StatusCode)
	assert.False(t, errors.Is(err, ErrNotFound))
	assert.Zero(t, f.client.resolved.len(), "failures are not cached")
}

func TestResolve_StopsAtCancellationMidWalk(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var rec recorder
	f.handle("GET", "/workspaces/4/browse", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		writeJSON(w, 200, `{"resources":[{"id":1,"type":"project","children":[{"id":5,"type":"datasource"}]},
			{"id":2,"type":"project","children":[{"id":6,"type":"datasource"}]}],"next":""}`)
	})
	f.handle("GET", "/workspaces/4/projects/{p}/browse", func(w http.ResponseWriter, r *http.Request) {
		rec.add(r)
		cancel() // the caller gives up while the first project is read
		writeJSON(w, 200, `{"resources":[{"id":5,"type":"datasource","children":[]}],"next":""}`)
	})
	_, err := f.client.Dataviews.Resolve(ctx, 4, 2311, nil)
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, errors.Is(err, ErrNotFound), "a cancelled search is not a dataview not found")
	assert.Len(t, rec.all(), 2, "nothing is sent after the cancellation")
}

func TestResolve_IsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	f := setup(t, WithResolveCache(3))
	f.handle("GET", "/workspaces/4/projects/7/browse", func(w http.ResponseWriter, r *http.Request) {
		var views []string
		for v := 1; v <= 20; v++ {
			views = append(views, fmt.Sprintf(`{"id":%d,"type":"dataview"}`, v))
		}
		writeJSON(w, 200, `{"resources":[{"id":121,"type":"datasource","children":[`+strings.Join(views, ",")+`]}],"next":""}`)
	})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 50 {
				dv := (g+i)%20 + 1
				ref, err := f.client.Dataviews.Resolve(context.Background(), 4, dv, &ResolveOptions{ProjectID: 7})
				assert.NoError(t, err)
				assert.Equal(t, DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: dv}, ref)
				if i%17 == 0 {
					f.client.Dataviews.ClearResolveCache()
				}
				if i%11 == 0 {
					f.client.Dataviews.ForgetResolved(4, dv)
				}
			}
		}()
	}
	wg.Wait()
	assert.LessOrEqual(t, f.client.resolved.len(), 3, "the cache keeps its bound")
}
