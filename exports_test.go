package mammoth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListExports_NilOptionsSendNoQuery(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, http.MethodGet, r.Method)
		assert.Equal(t, testDataviewPath+"/pipeline/exports", r.URL.Path)
		assert.Empty(t, r.URL.RawQuery)
		assertCredentials(t, r)
		writeJSON(w, 200, `{"limit":50,"offset":0,"next":"","exports":[]}`)
	})
	for _, opts := range []*ListExportsOptions{nil, {}} {
		page, err := f.client.Exports.ListExports(context.Background(), testRef, opts)
		require.NoError(t, err)
		assert.Empty(t, page.Exports)
		assert.NotNil(t, page.Exports)
	}
	assert.EqualValues(t, 2, f.requests.Load())
}

func TestListExports_FiltersUseTheAPIsWireNames(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts ListExportsOptions
		want string
	}{
		{"fields", ListExportsOptions{Fields: FieldsFull}, "fields=__full"},
		{"limit", ListExportsOptions{Limit: Ptr(100)}, "limit=100"},
		{"limit zero is sent", ListExportsOptions{Limit: Ptr(0)}, "limit=0"},
		{"offset", ListExportsOptions{Offset: 150}, "offset=150"},
		{"sort", ListExportsOptions{Sort: "(id:asc),(name:desc)"}, "sort=%28id%3Aasc%29%2C%28name%3Adesc%29"},
		{"sequence", ListExportsOptions{Sequence: Ptr(3)}, "sequence=3"},
		{"sequence zero is sent", ListExportsOptions{Sequence: Ptr(0)}, "sequence=0"},
		{"status", ListExportsOptions{Status: ExportStatusSuspended}, "status=suspended"},
		{"reordered goes out misspelled", ListExportsOptions{Reordered: Ptr(true)}, "reorderd=true"},
		{"reordered false is sent", ListExportsOptions{Reordered: Ptr(false)}, "reorderd=false"},
		{"handler type", ListExportsOptions{HandlerType: HandlerTypeInternalDataset}, "handler_type=internal_dataset"},
		{"end of pipeline", ListExportsOptions{EndOfPipeline: Ptr(false)}, "end_of_pipeline=false"},
		{"runnable", ListExportsOptions{Runnable: Ptr(true)}, "runnable=true"},
		{"all ten together", ListExportsOptions{
			Fields: "id,status", Limit: Ptr(10), Offset: 20, Sort: "(id:desc)", Sequence: Ptr(2),
			Status: ExportStatusExecuted, Reordered: Ptr(false), HandlerType: HandlerTypeS3,
			EndOfPipeline: Ptr(true), Runnable: Ptr(false),
		}, "end_of_pipeline=true&fields=id%2Cstatus&handler_type=s3&limit=10&offset=20&reorderd=false&runnable=false&sequence=2&sort=%28id%3Adesc%29&status=executed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
				assert.Equal(t, tt.want, r.URL.RawQuery)
				writeJSON(w, 200, `{"next":"","exports":[]}`)
			})
			opts := tt.opts
			_, err := f.client.Exports.ListExports(context.Background(), testRef, &opts)
			require.NoError(t, err)
			assert.Equal(t, tt.opts, opts, "the caller's options are not modified")
			assert.EqualValues(t, 1, f.requests.Load())
		})
	}
}

const fullExportJSON = `{
	"id": 17, "dataview_id": 2311, "sequence": 3, "sub_sequence": 0,
	"handler_type": "s3", "trigger_type": "pipeline", "end_of_pipeline": true,
	"status": "executed", "target_properties": {"file": "out.csv", "file_type": "csv"},
	"runnable": true, "reordered": false, "data_pass_through": false,
	"additional_properties": {"a": 1}, "condition": {"AND": []},
	"last_modified_time": "2025-10-19T14:17:07.810308",
	"execution_start_time": "2025-10-19T14:17:07.810308+00:00Z",
	"execution_end_time": "2025-10-19 14:18:00Z",
	"last_run_result": {"rows": 10}, "error_info": {"code": "none"}
}`

func TestListExports_DecodesEveryField(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"limit":10,"offset":5,"next":"https://server.mammoth.io/api/v2/x?limit=10&offset=15","exports":[`+fullExportJSON+`]}`)
	})
	page, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.Equal(t, 10, *page.Limit)
	assert.Equal(t, 5, *page.Offset)
	assert.Equal(t, "https://server.mammoth.io/api/v2/x?limit=10&offset=15", page.Next)
	require.Len(t, page.Exports, 1)
	e := page.Exports[0]
	assert.Equal(t, 17, *e.ID)
	assert.Equal(t, 2311, *e.DataviewID)
	assert.Equal(t, 3, *e.Sequence)
	assert.Equal(t, 0, *e.SubSequence)
	assert.Equal(t, HandlerTypeS3, e.HandlerType)
	assert.Equal(t, TriggerTypePipeline, e.TriggerType)
	assert.True(t, *e.EndOfPipeline)
	assert.Equal(t, ExportStatusExecuted, e.Status)
	assert.Equal(t, RawTargetProperties{"file": "out.csv", "file_type": "csv"}, e.TargetProperties)
	assert.True(t, *e.Runnable)
	assert.False(t, *e.Reordered)
	assert.False(t, *e.DataPassThrough)
	assert.Equal(t, map[string]any{"a": float64(1)}, e.AdditionalProperties)
	assert.Equal(t, map[string]any{"AND": []any{}}, e.Condition)
	want := time.Date(2025, 10, 19, 14, 17, 7, 810308000, time.UTC)
	assert.True(t, want.Equal(e.LastModifiedTime.Time))
	assert.True(t, want.Equal(e.ExecutionStartTime.Time))
	assert.True(t, time.Date(2025, 10, 19, 14, 18, 0, 0, time.UTC).Equal(e.ExecutionEndTime.Time))
	assert.Equal(t, map[string]any{"rows": float64(10)}, e.LastRunResult)
	assert.Equal(t, map[string]any{"code": "none"}, e.ErrorInfo)
}

func TestListExports_UnknownEnumValuesDecodeAndKeepTheirText(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"next":"","exports":[{"id":1,"handler_type":"snowflake","trigger_type":"webhook","status":"archived"},{"id":2,"handler_type":null,"status":null}]}`)
	})
	page, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
	require.NoError(t, err)
	e := page.Exports[0]
	assert.Equal(t, HandlerType("snowflake"), e.HandlerType)
	assert.False(t, e.HandlerType.IsKnown())
	assert.Equal(t, TriggerType("webhook"), e.TriggerType)
	assert.False(t, e.TriggerType.IsKnown())
	assert.Equal(t, ExportStatus("archived"), e.Status)
	assert.False(t, e.Status.IsKnown())
	assert.Empty(t, page.Exports[1].HandlerType)
	assert.Empty(t, page.Exports[1].Status)
}

// wantAddBody is what the Python SDK sends for a spec with only the
// required fields set: all eleven keys, in its order, nulls and {} where
// unset, end_of_pipeline true.
const wantAddBody = `{"DATAVIEW_ID":2311,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,` +
	`"handler_type":"postgres","trigger_type":"pipeline","target_properties":{},` +
	`"additional_properties":{},"condition":{},"run_immediately":false,"validate_only":false}`

func TestAddExport_UnsetFieldsSendNullsEmptyObjectsAndEndOfPipelineTrue(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, testDataviewPath+"/pipeline/exports", r.URL.Path)
		assert.Empty(t, r.URL.RawQuery)
		assertCredentials(t, r)
		assert.Equal(t, "application/json", r.Header.Get("Content-Type"))
		assert.Equal(t, wantAddBody, readBody(t, r))
		writeJSON(w, 202, `{"job":{"id":10,"status":"processing","response":{},"path":"/api/v2/x","operation":"add_export","created_at":"2021-08-10T10:00:00","last_updated_at":"2021-08-10T10:00:00"}}`)
	})
	spec := &AddExportSpec{HandlerType: HandlerTypePostgres, TriggerType: TriggerTypePipeline}
	change, err := f.client.Exports.AddExport(context.Background(), testRef, spec)
	require.NoError(t, err)
	assert.Zero(t, spec.DataviewID, "the caller's spec is not modified")
	require.NotNil(t, change.Job)
	assert.Nil(t, change.Modification)
	assert.Equal(t, 10, change.Job.ID)
	assert.Equal(t, JobStatusProcessing, change.Job.Status)
	id, ok := change.JobID()
	assert.True(t, ok)
	assert.Equal(t, 10, id)
}

func TestAddExport_EverySetFieldGoesOutUnderItsWireKey(t *testing.T) {
	t.Parallel()
	f := setup(t)
	want := `{"DATAVIEW_ID":2311,"sequence":3,"TRIGGER_ID":44,"end_of_pipeline":false,` +
		`"handler_type":"internal_dataset","trigger_type":"schedule",` +
		`"target_properties":{"COLUMN_MAPPING":{"Age":"Age"}},"additional_properties":{"k":"v"},` +
		`"condition":{"AND":[{"column_1":{"GTE":{"VALUE":1000}}}]},"run_immediately":true,"validate_only":true}`
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, want, readBody(t, r))
		writeJSON(w, 201, `{"trigger_id":44,"status":"added","future_id":null}`)
	})
	change, err := f.client.Exports.AddExport(context.Background(), testRef, &AddExportSpec{
		DataviewID: 2311, Sequence: Ptr(3), TriggerID: Ptr(44), EndOfPipeline: Ptr(false),
		HandlerType: HandlerTypeInternalDataset, TriggerType: TriggerTypeSchedule,
		TargetProperties:     RawTargetProperties{"COLUMN_MAPPING": map[string]string{"Age": "Age"}},
		AdditionalProperties: map[string]any{"k": "v"},
		Condition:            map[string]any{"AND": []any{map[string]any{"column_1": map[string]any{"GTE": map[string]any{"VALUE": 1000}}}}},
		RunImmediately:       true, ValidateOnly: true,
	})
	require.NoError(t, err)
	assert.Nil(t, change.Job)
	require.NotNil(t, change.Modification)
	assert.Equal(t, PipelineExportsModificationResp{TriggerID: 44, Status: ExportStatusAdded}, *change.Modification)
	_, ok := change.JobID()
	assert.False(t, ok)
}

func TestAddExport_BodyMatchesOpenAPISchema(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	specs := map[string]*AddExportSpec{
		"minimal": {DataviewID: 1, HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone},
		"s3": {DataviewID: 1, HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone, RunImmediately: true,
			TargetProperties: S3TargetProperties{File: "a.csv", FileType: ExportFileTypeCSV, IncludeHidden: Ptr(false)}},
		"sequenced": {DataviewID: 1, Sequence: Ptr(0), EndOfPipeline: Ptr(false), TriggerID: Ptr(0),
			HandlerType: HandlerTypeInternalDataset, TriggerType: TriggerTypePipeline,
			TargetProperties: InternalDatasetTargetProperties{DatasetName: "copy"}},
		"nil typed target": {DataviewID: 1, HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone,
			TargetProperties: (*S3TargetProperties)(nil)},
	}
	for name, spec := range specs {
		t.Run(name, func(t *testing.T) {
			assertMatchesSchema(t, schemas, "AddExportSpec", []byte(mustJSON(t, spec)))
		})
	}
}

func TestCreateS3Export_SendsThePythonSDKDefaults(t *testing.T) {
	t.Parallel()
	schemas := openAPISchemas(t)
	tests := []struct {
		name string
		req  S3ExportRequest
		want string
	}{
		{"defaults", S3ExportRequest{File: "report.csv"},
			`{"DATAVIEW_ID":2311,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,"handler_type":"s3","trigger_type":"none",` +
				`"target_properties":{"file":"report.csv","file_type":"csv","include_hidden":false,"is_format_set":true,"use_format":true},` +
				`"additional_properties":{},"condition":{},"run_immediately":true,"validate_only":false}`},
		{"everything set", S3ExportRequest{File: "r.parquet", FileType: ExportFileTypeParquet, IncludeHidden: true,
			UseFormat: Ptr(false), TriggerType: TriggerTypePipeline, RunImmediately: Ptr(false),
			Condition: map[string]any{"NOT": map[string]any{}}},
			`{"DATAVIEW_ID":2311,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,"handler_type":"s3","trigger_type":"pipeline",` +
				`"target_properties":{"file":"r.parquet","file_type":"parquet","include_hidden":true,"is_format_set":true,"use_format":false},` +
				`"additional_properties":{},"condition":{"NOT":{}},"run_immediately":false,"validate_only":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
				body := readBody(t, r)
				assert.Equal(t, tt.want, body)
				assertMatchesSchema(t, schemas, "AddExportSpec", []byte(body))
				writeJSON(w, 202, `{"job":{"id":3,"status":"processing"}}`)
			})
			change, err := f.client.Exports.CreateS3Export(context.Background(), testRef, &tt.req)
			require.NoError(t, err)
			assert.Equal(t, 3, change.Job.ID)
		})
	}
}

func TestAddExport_AnswerShapes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		status  int
		body    string
		want    *ExportChange
		wantErr string
	}{
		{name: "202 job", status: 202, body: `{"job":{"id":7,"status":"processing"}}`,
			want: &ExportChange{Job: &Job{ID: 7, Status: JobStatusProcessing}}},
		{name: "201 draft", status: 201, body: `{"trigger_id":12,"status":"added","future_id":99}`,
			want: &ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 12, Status: ExportStatusAdded, FutureID: Ptr(99)}, Pending: true}},
		{name: "201 not added", status: 201, body: `{"trigger_id":0,"status":null,"future_id":null}`,
			want: &ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 0}}},
		{name: "204", status: 204, body: ``, want: &ExportChange{}},
		{name: "200 null", status: 200, body: `null`, want: &ExportChange{}},
		{name: "202 without job", status: 202, body: `{"trigger_id":1}`, wantErr: `202 response has no "job"`},
		{name: "201 without trigger id", status: 201, body: `{"status":"added"}`, wantErr: `201 response has no "trigger_id"`},
		{name: "200 malformed", status: 200, body: `{"trigger_id":`, wantErr: "AddExport: decoding 200 response"},
		{name: "202 cut short", status: 202, body: `{"job":{"id":7,`, wantErr: "AddExport: decoding 202 response"},
		{name: "201 wrong type", status: 201, body: `{"trigger_id":"x"}`, wantErr: "AddExport: decoding 201 response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, tt.status, tt.body)
			})
			change, err := f.client.Exports.AddExport(context.Background(), testRef,
				&AddExportSpec{HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone})
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Nil(t, change)
				assert.Contains(t, err.Error(), tt.wantErr)
				var de *DecodeError
				assert.ErrorAs(t, err, &de)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, change)
		})
	}
}

func TestErrors_EveryNonSuccessIsAnAPIError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		status     int
		body       string
		is         error
		wantDetail string
		wantExtra  string
	}{
		{name: "404 with the API's error body", status: 404, body: `{"status_code":404,"detail":"Not Found","extra":{}}`,
			is: ErrNotFound, wantDetail: "Not Found", wantExtra: `{}`},
		{name: "401 with no body", status: 401, body: ``, is: ErrUnauthorized},
		{name: "401 with a message", status: 401, body: `{"message":"bad creds"}`, is: ErrUnauthorized, wantDetail: "bad creds"},
		{name: "403", status: 403, body: `{"status_code":403,"detail":"Forbidden","extra":null}`, is: ErrForbidden, wantDetail: "Forbidden"},
		{name: "422 with a list detail", status: 422,
			body:       `{"status_code":422,"detail":[{"loc":["body","handler_type"],"msg":"field required"}],"extra":[1]}`,
			wantDetail: `[{"loc":["body","handler_type"],"msg":"field required"}]`, wantExtra: `[1]`},
		{name: "400 with an object detail", status: 400, body: `{"detail":{"field":"limit"}}`, wantDetail: `{"field":"limit"}`},
		{name: "502 HTML page", status: 502, body: `<html><body><h1>502 Bad Gateway</h1></body></html>`},
		{name: "429", status: 429, body: `{"detail":"slow down"}`, is: ErrRateLimited, wantDetail: "slow down"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t, WithMaxRetries(0))
			f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
				if strings.HasPrefix(tt.body, "<") {
					w.Header().Set("Content-Type", "text/html")
					w.WriteHeader(tt.status)
					_, _ = w.Write([]byte(tt.body))
					return
				}
				if tt.body == "" {
					w.WriteHeader(tt.status)
					return
				}
				writeJSON(w, tt.status, tt.body)
			})
			page, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
			require.Error(t, err)
			assert.Nil(t, page)
			var apiErr *APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, tt.status, apiErr.StatusCode)
			assert.Equal(t, tt.wantDetail, apiErr.Detail)
			assert.Equal(t, tt.wantExtra, string(apiErr.Extra))
			assert.Equal(t, tt.body, string(apiErr.Body))
			assert.Equal(t, http.MethodGet, apiErr.Method)
			assert.Equal(t, testDataviewPath+"/pipeline/exports", apiErr.Path)
			if tt.is != nil {
				assert.ErrorIs(t, err, tt.is)
			}
			assert.Contains(t, err.Error(), "GET "+testDataviewPath+"/pipeline/exports")
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestErrors_ASuccessBodyThatIsNotTheExpectedJSONIsAnError(t *testing.T) {
	t.Parallel()
	bodies := map[string]string{
		"malformed":       `{"next":"","exports":[{"id":1}`,
		"empty":           ``,
		"null":            `null`,
		"no exports list": `{"next":""}`,
		"wrong type":      `{"next":"","exports":{"id":1}}`,
		"trailing data":   `{"next":"","exports":[]} {}`,
		"HTML":            `<html>maintenance</html>`,
	}
	for name, body := range bodies {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			f.dataview("GET", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
				writeJSON(w, 200, body)
			})
			page, err := f.client.Exports.ListExports(context.Background(), testRef, nil)
			require.Error(t, err)
			assert.Nil(t, page, "never a zero value")
			var de *DecodeError
			require.ErrorAs(t, err, &de)
			assert.Equal(t, "ListExports", de.Operation)
			assert.EqualValues(t, 1, f.requests.Load(), "a bad success body is not retried")
		})
	}
}

func TestValidation_BadArgumentsSendNothing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	spec := func(mod func(*AddExportSpec)) *AddExportSpec {
		s := &AddExportSpec{HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone}
		mod(s)
		return s
	}
	tests := []struct {
		name  string
		field string
		call  func(c *Client) error
	}{
		{"zero workspace", "DataviewRef.WorkspaceID", func(c *Client) error {
			_, err := c.Exports.ListExports(ctx, DataviewRef{ProjectID: 1, DataviewID: 1}, nil)
			return err
		}},
		{"zero project", "DataviewRef.ProjectID", func(c *Client) error {
			_, err := c.Exports.ListExports(ctx, DataviewRef{WorkspaceID: 1, DataviewID: 1}, nil)
			return err
		}},
		{"negative dataset", "DataviewRef.DatasetID", func(c *Client) error {
			_, err := c.Exports.ListExports(ctx, DataviewRef{WorkspaceID: 1, ProjectID: 1, DatasetID: -1, DataviewID: 1}, nil)
			return err
		}},
		{"zero dataview", "DataviewRef.DataviewID", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, DataviewRef{WorkspaceID: 1, ProjectID: 1}, spec(func(*AddExportSpec) {}))
			return err
		}},
		{"limit above 100", "ListExportsOptions.Limit", func(c *Client) error {
			_, err := c.Exports.ListExports(ctx, testRef, &ListExportsOptions{Limit: Ptr(101)})
			return err
		}},
		{"negative limit", "ListExportsOptions.Limit", func(c *Client) error {
			_, err := c.Exports.ListExports(ctx, testRef, &ListExportsOptions{Limit: Ptr(-1)})
			return err
		}},
		{"negative offset", "ListExportsOptions.Offset", func(c *Client) error {
			_, err := c.Exports.ListExports(ctx, testRef, &ListExportsOptions{Offset: -5})
			return err
		}},
		{"nil spec", "spec", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, nil)
			return err
		}},
		{"no handler", "spec.HandlerType", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, spec(func(s *AddExportSpec) { s.HandlerType = "" }))
			return err
		}},
		{"no trigger", "spec.TriggerType", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, spec(func(s *AddExportSpec) { s.TriggerType = "" }))
			return err
		}},
		{"other dataview", "spec.DataviewID", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, spec(func(s *AddExportSpec) { s.DataviewID = 1 }))
			return err
		}},
		{"sequence at end of pipeline", "spec.Sequence", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, spec(func(s *AddExportSpec) { s.Sequence = Ptr(2) }))
			return err
		}},
		{"target properties of another handler", "spec.TargetProperties", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, spec(func(s *AddExportSpec) {
				s.TargetProperties = InternalDatasetTargetProperties{DatasetName: "x"}
			}))
			return err
		}},
		{"unknown handler in a typed request", "spec.HandlerType", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, spec(func(s *AddExportSpec) {
				s.HandlerType = "snowflake"
				s.TargetProperties = S3TargetProperties{File: "a"}
			}))
			return err
		}},
		{"typed target properties missing a key", "target_properties.file", func(c *Client) error {
			_, err := c.Exports.AddExport(ctx, testRef, spec(func(s *AddExportSpec) { s.TargetProperties = S3TargetProperties{} }))
			return err
		}},
		{"nil S3 request", "req", func(c *Client) error {
			_, err := c.Exports.CreateS3Export(ctx, testRef, nil)
			return err
		}},
		{"empty S3 file name", "S3ExportRequest.File", func(c *Client) error {
			_, err := c.Exports.CreateS3Export(ctx, testRef, &S3ExportRequest{})
			return err
		}},
		{"unknown trigger in an S3 request", "S3ExportRequest.TriggerType", func(c *Client) error {
			_, err := c.Exports.CreateS3Export(ctx, testRef, &S3ExportRequest{File: "a", TriggerType: "hourly"})
			return err
		}},
		{"zero export id", "exportID", func(c *Client) error {
			_, err := c.Exports.GetExport(ctx, testRef, 0, nil)
			return err
		}},
		{"negative job id", "jobID", func(c *Client) error {
			_, err := c.Jobs.GetJob(ctx, -1)
			return err
		}},
		{"no job ids", "jobIDs", func(c *Client) error {
			_, err := c.Jobs.GetJobs(ctx, nil)
			return err
		}},
		{"negative job id in a list", "jobIDs[1]", func(c *Client) error {
			_, err := c.Jobs.GetJobs(ctx, []int{1, -2})
			return err
		}},
		{"nil context", "ctx", func(c *Client) error {
			//lint:ignore SA1012 a nil context is what this test checks
			_, err := c.Jobs.GetJob(nil, 1) //nolint:staticcheck
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := setup(t)
			err := tt.call(f.client)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Field)
			assert.Contains(t, err.Error(), tt.field)
			assert.Zero(t, f.requests.Load(), "nothing is sent")
		})
	}
}

func TestAddExport_UnknownHandlerWithRawPropertiesIsSent(t *testing.T) {
	t.Parallel()
	f := setup(t)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		assert.Contains(t, readBody(t, r), `"handler_type":"snowflake","trigger_type":"none","target_properties":{"warehouse":"w"}`)
		writeJSON(w, 202, `{"job":{"id":1,"status":"processing"}}`)
	})
	_, err := f.client.Exports.AddExport(context.Background(), testRef, &AddExportSpec{
		HandlerType: "snowflake", TriggerType: TriggerTypeNone, TargetProperties: RawTargetProperties{"warehouse": "w"},
	})
	require.NoError(t, err)
}

func TestExportChange_JobID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change *ExportChange
		id     int
		ok     bool
	}{
		{"nil", nil, 0, false},
		{"empty", &ExportChange{}, 0, false},
		{"job", &ExportChange{Job: &Job{ID: 5}}, 5, true},
		{"future id", &ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 1, FutureID: Ptr(8)}}, 8, true},
		{"no future id", &ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 1}}, 0, false},
	}
	for _, tt := range tests {
		id, ok := tt.change.JobID()
		assert.Equal(t, tt.id, id, tt.name)
		assert.Equal(t, tt.ok, ok, tt.name)
	}
}

func TestErrors_DecodeErrorUnwraps(t *testing.T) {
	t.Parallel()
	inner := errors.New("boom")
	err := &DecodeError{Operation: "X", StatusCode: 200, Err: inner}
	assert.ErrorIs(t, err, inner)
}
