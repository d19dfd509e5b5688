package mammoth

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetExport_SendsFieldsAndDecodes(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline/exports/17", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "fields=__full", r.URL.RawQuery)
		assertCredentials(t, r)
		assert.Equal(t, "4", r.Header.Get("X-WORKSPACE-ID"))
		writeJSON(w, 200, fullExportJSON)
	})
	exp, err := f.client.Exports.GetExport(context.Background(), testRef, 17, &GetExportOptions{Fields: FieldsFull})
	require.NoError(t, err)
	assert.Equal(t, 17, *exp.ID)
	assert.Equal(t, map[string]any{"code": "none"}, exp.ErrorInfo)
}

func TestGetExport_NotFound(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline/exports/17", func(w http.ResponseWriter, r *http.Request) {
		assert.Empty(t, r.URL.RawQuery, "nil options send no query")
		writeJSON(w, 404, `{"status_code":404,"detail":"Not Found","extra":{}}`)
	})
	_, err := f.client.Exports.GetExport(context.Background(), testRef, 17, nil)
	assert.ErrorIs(t, err, ErrNotFound)
}

func TestCommands_SendOneCommandPatch(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		call func(*ExportsService) (*ExportChange, error)
		path string
	}{
		{"run", func(s *ExportsService) (*ExportChange, error) { return s.RunExport(context.Background(), testRef, 8) }, "run"},
		{"suspend", func(s *ExportsService) (*ExportChange, error) {
			return s.SuspendExport(context.Background(), testRef, 8)
		}, "suspend"},
		{"restore", func(s *ExportsService) (*ExportChange, error) {
			return s.RestoreExport(context.Background(), testRef, 8)
		}, "restore"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("PATCH", "/pipeline/exports/8", func(w http.ResponseWriter, r *http.Request) {
				assert.Empty(t, r.URL.RawQuery)
				assertCredentials(t, r)
				assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
				assert.Equal(t, `{"patches":[{"op":"command","path":"`+tt.path+`","value":null}]}`, readBody(t, r))
				writeJSON(w, 200, `{"trigger_id":8,"status":"suspended","future_id":null}`)
			})
			change, err := tt.call(f.client.Exports)
			require.NoError(t, err)
			assert.Equal(t, &PipelineExportsModificationResp{TriggerID: 8, Status: ExportStatusSuspended}, change.Modification)
		})
	}
}

func TestEditExport_ReplaceParamsAndSkipValidation(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	f := setup(t)
	f.dataview("PATCH", "/pipeline/exports/8", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "skip_validation=true", r.URL.RawQuery)
		body := readBody(t, r)
		assert.Equal(t, `{"patches":[{"op":"replace","path":"params","value":{"DATAVIEW_ID":2311,"sequence":null,"TRIGGER_ID":null,`+
			`"end_of_pipeline":true,"handler_type":"s3","trigger_type":"pipeline","target_properties":{"file":"b.csv"},`+
			`"additional_properties":{},"condition":{},"run_immediately":false,"validate_only":false}}]}`, body)
		assertMatchesSchema(t, schemas, "ExportPatch", []byte(body))
		writeJSON(w, 202, `{"job":{"id":31,"status":"processing"}}`)
	})
	change, err := f.client.Exports.EditExport(context.Background(), testRef, 8, []PatchOp{{
		Op: PatchOperationReplace, Path: PatchPathParams,
		Value: &AddExportSpec{HandlerType: HandlerTypeS3, TriggerType: TriggerTypePipeline, TargetProperties: S3TargetProperties{File: "b.csv"}},
	}}, &EditExportOptions{SkipValidation: true})
	require.NoError(t, err)
	id, ok := change.JobID()
	assert.True(t, ok)
	assert.Equal(t, 31, id)
}

func TestEditExport_NullAnswerIsAnEmptyChange(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("PATCH", "/pipeline/exports/8", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `null`) })
	change, err := f.client.Exports.SuspendExport(context.Background(), testRef, 8)
	require.NoError(t, err)
	assert.Equal(t, &ExportChange{}, change)
}

func TestEditExport_RejectsBadPatchesAndSendsNothing(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		patches []PatchOp
		field   string
	}{
		{"none", nil, "patches"},
		{"unknown op", []PatchOp{{Op: "add", Path: PatchPathRun}}, "patches[0].Op"},
		{"resume is not a command", []PatchOp{{Op: PatchOperationCommand, Path: "resume"}}, "patches[0].Path"},
		{"command with a value", []PatchOp{{Op: PatchOperationCommand, Path: PatchPathRun, Value: &AddExportSpec{}}}, "patches[0].Value"},
		{"replace of a command path", []PatchOp{{Op: PatchOperationReplace, Path: PatchPathRun}}, "patches[0].Path"},
		{"replace without a value", []PatchOp{{Op: PatchOperationCommand, Path: PatchPathSuspend}, {Op: PatchOperationReplace, Path: PatchPathParams}}, "patches[1].Value"},
		{"replace with a bad spec", []PatchOp{{Op: PatchOperationReplace, Path: PatchPathParams, Value: &AddExportSpec{TriggerType: TriggerTypeNone}}}, "patches[0].Value.HandlerType"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			_, err := f.client.Exports.EditExport(context.Background(), testRef, 8, tt.patches, nil)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Zero(t, f.requests.Load())
		})
	}
}

func TestDeleteExport_AnswerShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		status int
		body   string
		want   *ExportChange
	}{
		{"200 modification", 200, `{"trigger_id":8,"status":"deleted","future_id":null}`,
			&ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 8, Status: ExportStatusDeleted}}},
		{"200 any object", 200, `{"status":"deleted"}`, &ExportChange{}},
		{"201 draft", 201, `{"trigger_id":8,"status":"edited","future_id":4}`,
			&ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 8, Status: ExportStatusEdited, FutureID: Ptr(4)}, Pending: true}},
		{"202 job", 202, `{"job":{"id":4,"status":"processing"}}`, &ExportChange{Job: &Job{ID: 4, Status: JobStatusProcessing}}},
		{"204", 204, ``, &ExportChange{}},
		{"200 empty", 200, ``, &ExportChange{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("DELETE", "/pipeline/exports/8", func(w http.ResponseWriter, r *http.Request) {
				assert.Empty(t, r.URL.RawQuery)
				assert.Empty(t, r.Header.Get("Content-Type"))
				assert.Empty(t, readBody(t, r))
				assertCredentials(t, r)
				if tt.status == 204 {
					w.WriteHeader(204)
					return
				}
				writeJSON(w, tt.status, tt.body)
			})
			change, err := f.client.Exports.DeleteExport(context.Background(), testRef, 8, nil)
			require.NoError(t, err)
			assert.Equal(t, tt.want, change)
		})
	}
}

func TestDeleteExport_SkipValidation(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("DELETE", "/pipeline/exports/8", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "skip_validation=true", r.URL.RawQuery)
		w.WriteHeader(204)
	})
	_, err := f.client.Exports.DeleteExport(context.Background(), testRef, 8, &DeleteExportOptions{SkipValidation: true})
	require.NoError(t, err)
}

func TestCreateInternalDatasetExport_SendsDatasetKeys(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	f := setup(t)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		body := readBody(t, r)
		assert.Equal(t, `{"DATAVIEW_ID":2311,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,`+
			`"handler_type":"internal_dataset","trigger_type":"pipeline",`+
			`"target_properties":{"DS_NAME":"Branch","TARGET_DS_ID":null,"COLUMN_MAPPING":{},"TRANSFORM":null},`+
			`"additional_properties":{},"condition":{},"run_immediately":true,"validate_only":false}`, body)
		assertMatchesSchema(t, schemas, "AddExportSpec", []byte(body))
		writeJSON(w, 202, `{"job":{"id":2,"status":"processing"}}`)
	})
	_, err := f.client.Exports.CreateInternalDatasetExport(context.Background(), testRef, &InternalDatasetExportRequest{DatasetName: "Branch"})
	require.NoError(t, err)
}

func TestCreateInternalDatasetExport_RejectsBadRequests(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, req := range []*InternalDatasetExportRequest{nil, {}, {DatasetName: "x", TriggerType: "hourly"}, {TargetDatasetID: Ptr(0)}} {
		_, err := f.client.Exports.CreateInternalDatasetExport(context.Background(), testRef, req)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve)
	}
	assert.Zero(t, f.requests.Load())
}

func TestPublishToDB_SendsPublishBodyAndReadsJobID(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	f := setup(t)
	f.dataview("POST", "/publish-to-db", func(w http.ResponseWriter, r *http.Request) {
		body := readBody(t, r)
		assert.Equal(t, `{"odbc_type":"postgres","target_properties":{"table":"Transaction_view_1"}}`, body)
		assertMatchesSchema(t, schemas, "PublishDataSchema", []byte(body))
		assertCredentials(t, r)
		writeJSON(w, 202, `{"status_code":null,"job_id":7,"failure_reason":null}`)
	})
	job, err := f.client.Exports.PublishToDB(context.Background(), testRef, &PublishToDBRequest{OdbcType: OdbcTypePostgres, Table: "Transaction_view_1"})
	require.NoError(t, err)
	assert.Equal(t, 7, *job.JobID)
	assert.Nil(t, job.FailureReason)
}

func TestUpdatePublishToDB_UsesSingularPatchKey(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	f := setup(t)
	f.dataview("PATCH", "/publish-to-db", func(w http.ResponseWriter, r *http.Request) {
		body := readBody(t, r)
		assert.Equal(t, `{"patch":[{"op":"replace","path":"credentials","value":{"odbc_type":"bigquery"}}]}`, body)
		assertMatchesSchema(t, schemas, "PublishToDBPatchRequest", []byte(body))
		writeJSON(w, 202, `{"job_id":8}`)
	})
	job, err := f.client.Exports.UpdatePublishToDB(context.Background(), testRef, OdbcTypeBigQuery)
	require.NoError(t, err)
	assert.Equal(t, 8, *job.JobID)
}

func TestPublishToDB_RejectsBadRequests(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, req := range []*PublishToDBRequest{nil, {Table: "t"}, {OdbcType: OdbcTypePostgres}} {
		_, err := f.client.Exports.PublishToDB(context.Background(), testRef, req)
		var ve *ValidationError
		assert.ErrorAs(t, err, &ve)
	}
	_, err := f.client.Exports.UpdatePublishToDB(context.Background(), testRef, "")
	var ve *ValidationError
	assert.ErrorAs(t, err, &ve)
	assert.Zero(t, f.requests.Load())
}

// pagedExports serves total exports, paging by limit and offset, with next
// in the given form. It counts the pages served.
func pagedExports(t *testing.T, f *fixture, total int, nextForm string, failOnPage int) *atomic.Int64 {
	t.Helper()
	var pages atomic.Int64
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		page := pages.Add(1)
		if int(page) == failOnPage {
			writeJSON(w, 400, `{"status_code":400,"detail":"Bad Request","extra":{}}`)
			return
		}
		q := r.URL.Query()
		limit, offset := 50, 0
		if v := q.Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		if v := q.Get("offset"); v != "" {
			offset, _ = strconv.Atoi(v)
		}
		end := min(offset+limit, total)
		var b strings.Builder
		for i := offset; i < end; i++ {
			if i > offset {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"id":%d,"status":"executed"}`, i+1)
		}
		next := ""
		if end < total {
			rel := fmt.Sprintf("api/v2/workspaces/4/projects/7/datasets/121/dataviews/2311/pipeline/exports?limit=%d&offset=%d", limit, end)
			switch nextForm {
			case "absolute":
				next = "https://server.mammoth.io/" + rel
			case "relative":
				next = rel
			}
		}
		writeJSON(w, 200, fmt.Sprintf(`{"limit":%d,"offset":%d,"next":%q,"exports":[%s]}`, limit, offset, next, b.String()))
	})
	return &pages
}

func TestAllExports_WalksEveryPageWhateverFormNextTakes(t *testing.T) {
	t.Parallel()
	for _, form := range []string{"empty", "absolute", "relative"} {
		t.Run(form, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			pages := pagedExports(t, f, 1234, form, 0)
			opts := &ListExportsOptions{Limit: Ptr(100), Status: ExportStatusExecuted}
			var ids []int
			for exp, err := range f.client.Exports.AllExports(context.Background(), testRef, opts) {
				require.NoError(t, err)
				ids = append(ids, *exp.ID)
			}
			require.Len(t, ids, 1234)
			for i, id := range ids {
				require.Equal(t, i+1, id, "in order, none lost or repeated")
			}
			assert.EqualValues(t, 13, pages.Load(), "12 full pages and a short one")
			assert.Equal(t, 0, opts.Offset, "the caller's options are not modified")
			assert.Equal(t, 100, *opts.Limit)
		})
	}
}

func TestAllExports_LimitThatDoesNotDivideTheTotal(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pages := pagedExports(t, f, 1000, "relative", 0)
	n := 0
	for _, err := range f.client.Exports.AllExports(context.Background(), testRef, &ListExportsOptions{Limit: Ptr(7)}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 1000, n)
	assert.EqualValues(t, 143, pages.Load())
}

func TestAllExports_ExactMultipleEndsOnAnEmptyPage(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pages := pagedExports(t, f, 200, "empty", 0)
	n := 0
	for _, err := range f.client.Exports.AllExports(context.Background(), testRef, nil) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 200, n)
	assert.EqualValues(t, 5, pages.Load(), "four pages of the default 50, then an empty one")
}

func TestAllExports_BreakSendsNoFurtherRequest(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pages := pagedExports(t, f, 1000, "absolute", 0)
	n := 0
	for _, err := range f.client.Exports.AllExports(context.Background(), testRef, &ListExportsOptions{Limit: Ptr(10)}) {
		require.NoError(t, err)
		n++
		if n == 15 {
			break
		}
	}
	assert.EqualValues(t, 2, pages.Load())
}

func TestAllExports_ErrorOnPageThreeIsYieldedOnceAndEndsTheWalk(t *testing.T) {
	t.Parallel()
	f := setup(t)
	pages := pagedExports(t, f, 1000, "empty", 3)
	var got, errs int
	for exp, err := range f.client.Exports.AllExports(context.Background(), testRef, &ListExportsOptions{Limit: Ptr(100)}) {
		if err != nil {
			errs++
			assert.Nil(t, exp)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, 400, apiErr.StatusCode)
			continue
		}
		got++
	}
	assert.Equal(t, 200, got)
	assert.Equal(t, 1, errs)
	assert.EqualValues(t, 3, pages.Load())
}

func TestAllExports_ServerCapBelowTheAskedLimit(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var pages atomic.Int64
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
		pages.Add(1)
		var items []string
		for i := offset; i < min(offset+20, 50); i++ {
			items = append(items, fmt.Sprintf(`{"id":%d}`, i+1))
		}
		writeJSON(w, 200, fmt.Sprintf(`{"limit":20,"offset":%d,"next":"","exports":[%s]}`, offset, strings.Join(items, ",")))
	})
	n := 0
	for _, err := range f.client.Exports.AllExports(context.Background(), testRef, &ListExportsOptions{Limit: Ptr(100)}) {
		require.NoError(t, err)
		n++
	}
	assert.Equal(t, 50, n, "pages of 20 are not mistaken for the last one")
	assert.EqualValues(t, 3, pages.Load())
}

func TestAllExports_BadOptionsYieldAValidationError(t *testing.T) {
	t.Parallel()
	f := setup(t)
	for _, opts := range []*ListExportsOptions{{Limit: Ptr(0)}, {Limit: Ptr(500)}} {
		var errs int
		for exp, err := range f.client.Exports.AllExports(context.Background(), testRef, opts) {
			var ve *ValidationError
			assert.ErrorAs(t, err, &ve)
			assert.Nil(t, exp)
			errs++
		}
		assert.Equal(t, 1, errs)
	}
	assert.Zero(t, f.requests.Load())
}

// patternReader produces n deterministic bytes without holding them.
type patternReader struct{ n, off int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := range b {
		b[i] = "0123456789,abcdef\n"[(p.off+int64(i))%18]
	}
	p.off += int64(len(b))
	return len(b), nil
}

// hashWriter hashes what it is given and keeps nothing else.
type hashWriter struct{ h hash.Hash }

func (w hashWriter) Write(b []byte) (int, error) { return w.h.Write(b) }

// downloadFlow mounts the add, job and delete routes of a CSV download whose
// file is served by fileURL. It returns counters of deletes and of the
// export id deleted.
func downloadFlow(t *testing.T, f *fixture, jobResponse string) (deletes *atomic.Int64) {
	t.Helper()
	deletes = new(atomic.Int64)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		body := readBody(t, r)
		assert.Contains(t, body, `"handler_type":"s3","trigger_type":"none"`)
		assert.Contains(t, body, `"file":"temp_export_121_2311_`)
		assert.Contains(t, body, `"run_immediately":true`)
		writeJSON(w, 202, `{"job":{"id":77,"status":"processing"}}`)
	})
	var polls atomic.Int64
	f.handle("GET", "/jobs/77", func(w http.ResponseWriter, r *http.Request) {
		if polls.Add(1) == 1 {
			writeJSON(w, 200, `{"job":{"id":77,"status":"processing","response":{}}}`)
			return
		}
		writeJSON(w, 200, `{"job":{"id":77,"status":"success","response":`+jobResponse+`}}`)
	})
	f.dataview("DELETE", "/pipeline/exports/55", func(w http.ResponseWriter, r *http.Request) {
		deletes.Add(1)
		writeJSON(w, 200, `{"trigger_id":55,"status":"deleted","future_id":null}`)
	})
	return deletes
}

// Not parallel: it measures the allocations of the whole process.
func TestDownloadCSV_Streams50MBFromAnotherHostWithoutCredentials(t *testing.T) {
	const size = 50 << 20
	fileHost, leaks := secondHost(t, func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "/signed/file.csv", r.URL.Path)
		assert.Equal(t, "sig=abc", r.URL.RawQuery)
		w.Header().Set("Content-Type", "text/csv")
		_, _ = io.Copy(w, &patternReader{n: size})
	})
	f := setup(t)
	deletes := downloadFlow(t, f, fmt.Sprintf(`{"url":%q,"trigger_id":55}`, fileHost.URL+"/signed/file.csv?sig=abc"))

	want := sha256.New()
	_, _ = io.Copy(want, &patternReader{n: size})
	got := hashWriter{sha256.New()}

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	n, err := f.client.Exports.DownloadCSV(context.Background(), testRef, got, nil)
	runtime.ReadMemStats(&after)
	require.NoError(t, err)

	assert.EqualValues(t, size, n)
	assert.Equal(t, want.Sum(nil), got.h.Sum(nil), "byte for byte")
	assert.Zero(t, leaks.Load(), "no credentials reached the file host")
	assert.EqualValues(t, 1, deletes.Load(), "the temporary export is gone")
	// The whole process (test server included) allocates far less than the
	// file: the download is streamed, never held.
	t.Logf("allocated %d bytes while streaming %d", after.TotalAlloc-before.TotalAlloc, size)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(size/25), "allocated bytes")
}

func TestDownloadCSV_KeepExportLeavesItInThePipeline(t *testing.T) {
	t.Parallel()
	fileHost, _ := secondHost(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "a,b\n1,2\n") })
	f := setup(t)
	deletes := downloadFlow(t, f, fmt.Sprintf(`{"url":%q,"trigger_id":55}`, fileHost.URL+"/f.csv"))
	var out strings.Builder
	n, err := f.client.Exports.DownloadCSV(context.Background(), testRef, &out, &DownloadCSVOptions{KeepExport: true})
	require.NoError(t, err)
	assert.EqualValues(t, 8, n)
	assert.Equal(t, "a,b\n1,2\n", out.String())
	assert.Zero(t, deletes.Load())
}

func TestDownloadCSV_FindsTheExportToDeleteWhenTheJobDoesNotSay(t *testing.T) {
	t.Parallel()
	fileHost, _ := secondHost(t, func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "x\n") })
	f := setup(t)
	var file atomic.Value
	deletes := new(atomic.Int64)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		body := readBody(t, r)
		i := strings.Index(body, `"file":"`) + len(`"file":"`)
		file.Store(body[i : i+strings.IndexByte(body[i:], '"')])
		writeJSON(w, 202, `{"job":{"id":77,"status":"processing"}}`)
	})
	f.handle("GET", "/jobs/77", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, fmt.Sprintf(`{"job":{"id":77,"status":"success","response":{"url":%q}}}`, fileHost.URL+"/f.csv"))
	})
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "handler_type=s3&limit=100", r.URL.RawQuery)
		writeJSON(w, 200, fmt.Sprintf(`{"next":"","exports":[{"id":54,"target_properties":{"file":"other.csv"}},{"id":55,"target_properties":{"file":%q}}]}`, file.Load()))
	})
	f.dataview("DELETE", "/pipeline/exports/55", func(w http.ResponseWriter, r *http.Request) {
		deletes.Add(1)
		w.WriteHeader(204)
	})
	_, err := f.client.Exports.DownloadCSV(context.Background(), testRef, io.Discard, nil)
	require.NoError(t, err)
	assert.EqualValues(t, 1, deletes.Load())
}

func TestDownloadCSV_FailedJobStillRemovesTheExport(t *testing.T) {
	t.Parallel()
	f := setup(t)
	deletes := new(atomic.Int64)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, `{"job":{"id":77,"status":"processing"}}`)
	})
	f.handle("GET", "/jobs/77", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"job":{"id":77,"status":"failure","response":{"error":"dataview is empty","trigger_id":55}}}`)
	})
	f.dataview("DELETE", "/pipeline/exports/55", func(w http.ResponseWriter, r *http.Request) {
		deletes.Add(1)
		w.WriteHeader(204)
	})
	n, err := f.client.Exports.DownloadCSV(context.Background(), testRef, io.Discard, nil)
	assert.Zero(t, n)
	var failed *JobFailedError
	require.ErrorAs(t, err, &failed)
	assert.Equal(t, "dataview is empty", failed.Reason)
	assert.EqualValues(t, 1, deletes.Load())
}

func TestDownloadCSV_FileHostErrorIsAnAPIErrorWithoutTheSignedQuery(t *testing.T) {
	t.Parallel()
	fileHost, _ := secondHost(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(403)
		_, _ = io.WriteString(w, "<Error><Code>AccessDenied</Code></Error>")
	})
	f := setup(t, WithMaxRetries(0))
	deletes := downloadFlow(t, f, fmt.Sprintf(`{"url":%q,"trigger_id":55}`, fileHost.URL+"/f.csv?X-Amz-Signature=topsecret"))
	_, err := f.client.Exports.DownloadCSV(context.Background(), testRef, io.Discard, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, 403, apiErr.StatusCode)
	assert.NotContains(t, err.Error(), "topsecret")
	assert.EqualValues(t, 1, deletes.Load())
}

func TestDownloadCSV_NoURLInTheJob(t *testing.T) {
	t.Parallel()
	f := setup(t)
	downloadFlow(t, f, `{"trigger_id":55}`)
	_, err := f.client.Exports.DownloadCSV(context.Background(), testRef, io.Discard, nil)
	assert.ErrorContains(t, err, "job 77 succeeded without a file url")
}

func TestDownloadCSV_RejectsANilWriter(t *testing.T) {
	t.Parallel()
	f := setup(t)
	_, err := f.client.Exports.DownloadCSV(context.Background(), testRef, nil, nil)
	var ve *ValidationError
	assert.True(t, errors.As(err, &ve))
	assert.Zero(t, f.requests.Load())
}

func TestDownloadCSV_CutShortReportsTheBytesReceived(t *testing.T) {
	t.Parallel()
	fileHost, _ := secondHost(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "1000")
		_, _ = io.WriteString(w, strings.Repeat("x", 300))
	})
	f := setup(t)
	deletes := downloadFlow(t, f, fmt.Sprintf(`{"url":%q,"trigger_id":55}`, fileHost.URL+"/f.csv"))
	var out strings.Builder
	n, err := f.client.Exports.DownloadCSV(context.Background(), testRef, &out, nil)
	var terr *TransportError
	require.ErrorAs(t, err, &terr)
	assert.EqualValues(t, 300, n)
	assert.Equal(t, 300, out.Len())
	assert.EqualValues(t, 1, deletes.Load())
}

func TestDownloadCSV_DraftAnswerStillRemovesTheExport(t *testing.T) {
	t.Parallel()
	f := setup(t)
	deletes := new(atomic.Int64)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 201, `{"trigger_id":55,"status":"added","future_id":null}`)
	})
	f.dataview("DELETE", "/pipeline/exports/55", func(w http.ResponseWriter, r *http.Request) {
		deletes.Add(1)
		w.WriteHeader(204)
	})
	_, err := f.client.Exports.DownloadCSV(context.Background(), testRef, io.Discard, nil)
	assert.ErrorContains(t, err, "the API started no job")
	assert.EqualValues(t, 1, deletes.Load())
}

func TestAllExports_NextLinkOnAnotherHostIsNeverFollowed(t *testing.T) {
	t.Parallel()
	var visits atomic.Int64
	other, leaks := secondHost(t, func(w http.ResponseWriter, r *http.Request) {
		visits.Add(1)
		writeJSON(w, 200, `{"next":"","exports":[{"id":999}]}`)
	})
	f := setup(t)
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("offset") == "" {
			writeJSON(w, 200, `{"limit":1,"offset":0,"next":"`+other.URL+`/api/v2/steal?offset=1","exports":[{"id":1}]}`)
			return
		}
		writeJSON(w, 200, `{"limit":1,"offset":1,"next":"","exports":[]}`)
	})
	var ids []int
	for exp, err := range f.client.Exports.AllExports(context.Background(), testRef, &ListExportsOptions{Limit: Ptr(1)}) {
		require.NoError(t, err)
		ids = append(ids, *exp.ID)
	}
	assert.Equal(t, []int{1}, ids)
	assert.Zero(t, visits.Load(), "paging is by offset on the API's own host")
	assert.Zero(t, leaks.Load())
}
