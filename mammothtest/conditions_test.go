package mammothtest_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var salesColumns = []mammoth.Column{
	{DisplayName: "Region", InternalName: "column_r", Type: mammoth.ColumnTypeText},
	{DisplayName: "Sales", InternalName: "column_s", Type: mammoth.ColumnTypeNumeric},
	{DisplayName: "Order Date", InternalName: "column_d", Type: mammoth.ColumnTypeDate},
	{DisplayName: "Cost", InternalName: "column_c", Type: mammoth.ColumnTypeNumeric},
	{DisplayName: "Email", InternalName: "column_e", Type: mammoth.ColumnTypeText},
}

const salesHeader = "Region,Sales,Order Date,Cost,Email\n"

// salesRows are the rows of salesCSV, each with its newline.
var salesRows = []string{
	"West,1500,2024-10-05,900,a@gmail.com\n",
	"East,800,2024-03-15,1000,\"b@corp.com, b2@corp.com\"\n",
	"North,50,2023-07-01,10,test@x.io\n",
	"West,,2024-12-31,5,\n",
	"south,2000,,2500,C@GMAIL.COM\n",
}

// salesServer serves the sales dataview, on 2024-11-20 at noon UTC.
func salesServer(t *testing.T) (*mammothtest.Server, *mammoth.Client) {
	t.Helper()
	clock := func() time.Time { return time.Date(2024, 11, 20, 12, 0, 0, 0, time.UTC) }
	srv := newServer(t, mammothtest.WithClock(clock))
	srv.SetColumns(testRef, salesColumns)
	srv.SetCSV(testRef, []byte(salesHeader+strings.Join(salesRows, "")))
	return srv, srv.Client()
}

// exportRows adds an S3 export with the condition, waits for its run and
// returns the file's content.
func exportRows(t *testing.T, client *mammoth.Client, cond mammoth.Condition) string {
	t.Helper()
	ctx := context.Background()
	change, err := client.Exports.CreateS3Export(ctx, testRef, &mammoth.S3ExportRequest{File: "out.csv", Condition: cond})
	require.NoError(t, err)
	id, ok := change.JobID()
	require.True(t, ok)
	job, err := client.Jobs.WaitForJob(ctx, id, fastWait)
	require.NoError(t, err)
	resp, err := job.ResponseObject()
	require.NoError(t, err)
	got, err := http.Get(resp["url"].(string))
	require.NoError(t, err)
	defer got.Body.Close()
	body, err := io.ReadAll(got.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, got.StatusCode, "%s", body)
	return string(body)
}

func TestExportFileHoldsOnlyTheRowsTheConditionSelects(t *testing.T) {
	_, client := salesServer(t)
	for _, tc := range []struct {
		where string
		rows  []int
	}{
		{"", []int{0, 1, 2, 3, 4}},
		{"Sales >= 1000", []int{0, 4}},
		{"Sales >= 1000 and Region in ('West', 'East')", []int{0}},
		{"Region = 'West'", []int{0, 3}},
		{"Region = 'SOUTH' ignoring case", []int{4}},
		{"Region != 'West'", []int{1, 2, 4}},
		{"not Sales > 100", []int{2}},
		{"not not Sales > 100", []int{0, 1, 4}},
		{"Sales between 50 and 800", []int{1, 2}},
		{"Email is empty", []int{3}},
		{"Email is not empty or Sales is empty", []int{0, 1, 2, 3, 4}},
		{"Email contains 'gmail'", []int{0}},
		{"Email contains ('gmail', 'corp')", []int{0, 1}},
		{"Email contains 'gmail' ignoring case", []int{0, 4}},
		{"Email icontains 'GMAIL'", []int{0, 4}},
		{"Email not contains 'gmail'", []int{1, 2, 4}},
		{"Region starts with 'No'", []int{2}},
		{"Region ends with 'st'", []int{0, 1, 3}},
		{"Region not starts with 'W'", []int{1, 2, 4}},
		{"Region not ends with 'h'", []int{0, 1, 3}},
		{"Region > 'M'", []int{2, 3, 4, 0}},
		{"Sales > Cost", []int{0, 2}},
		{"Sales is max", []int{4}},
		{"Sales is min", []int{2}},
		{"Sales is not max", []int{0, 1, 2}},
		{"Sales is not min", []int{0, 1, 4}},
		{"`Order Date` >= today()", []int{3}},
		{"`Order Date` < now()", []int{0, 1, 2}},
		{"`Order Date` = max()", []int{3}},
		{"`Order Date` <= min()", []int{2}},
		{"year(`Order Date`) = 2024", []int{0, 1, 3}},
		{"month_text(`Order Date`) = 'October'", []int{0}},
		{"quarter(`Order Date`) = 1", []int{1}},
		{"day_of_week(`Order Date`) = 6", []int{0, 2}},
		{"year_month(`Order Date`) = '2024-12'", []int{3}},
		{"trunc(`Order Date`, month) = '2024-10-01'", []int{0}},
		{"trunc(`Order Date`, year) < '2024-01-01'", []int{2}},
		{"`Order Date` between '2024-01-01' and '2024-10-31'", []int{0, 1}},
		{"(Region = 'West' or Region = 'East') and not Sales < 1000", []int{0}},
	} {
		cond, err := mammoth.ParseCondition(tc.where)
		require.NoError(t, err, tc.where)
		resolved, err := client.Dataviews.ResolveCondition(context.Background(), testRef, cond)
		require.NoError(t, err, tc.where)
		want := salesHeader
		for _, i := range sortedInts(tc.rows) {
			want += salesRows[i]
		}
		assert.Equal(t, want, exportRows(t, client, resolved), tc.where)
	}
}

func sortedInts(xs []int) []int {
	out := append([]int(nil), xs...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func TestAddExportAnswers400ForAConditionTheDataviewCannotApply(t *testing.T) {
	srv, _ := salesServer(t)
	for name, cond := range map[string]any{
		"display name":            map[string]any{"Sales": map[string]any{"GTE": map[string]any{"VALUE": 1}}},
		"unknown column":          map[string]any{"column_x": map[string]any{"IS_EMPTY": true}},
		"unknown other column":    map[string]any{"column_s": map[string]any{"GT": map[string]any{"COLUMN": "column_x"}}},
		"text EQ":                 map[string]any{"column_r": map[string]any{"EQ": map[string]any{"VALUE": "West"}}},
		"range on text":           map[string]any{"column_r": map[string]any{"IN_RANGE": []any{map[string]any{"VALUE": "a"}, map[string]any{"VALUE": "b"}}}},
		"function on numeric":     map[string]any{"column_s": map[string]any{"GT": map[string]any{"VALUE": map[string]any{"FUNCTION": "TODAY"}}}},
		"contains on numeric":     map[string]any{"column_s": map[string]any{"CONTAINS": map[string]any{"VALUE": []any{"1"}}}},
		"not a number":            map[string]any{"column_s": map[string]any{"GT": map[string]any{"VALUE": "lots"}}},
		"not a date":              map[string]any{"column_d": map[string]any{"GT": map[string]any{"VALUE": "soon"}}},
		"no VALUE wrapper":        map[string]any{"column_s": map[string]any{"EQ": 5}},
		"unknown operator":        map[string]any{"column_s": map[string]any{"ABOUT": map[string]any{"VALUE": 5}}},
		"deep in the tree":        map[string]any{"OR": []any{map[string]any{"column_s": map[string]any{"IS_EMPTY": true}}, map[string]any{"NOT": map[string]any{"column_q": map[string]any{"IS_EMPTY": true}}}}},
		"two columns in one leaf": map[string]any{"column_s": map[string]any{"IS_EMPTY": true}, "column_r": map[string]any{"IS_EMPTY": true}},
	} {
		spec := map[string]any{"DATAVIEW_ID": testRef.DataviewID, "handler_type": "s3", "trigger_type": "none",
			"run_immediately": true, "target_properties": map[string]any{"file": "x.csv"}, "condition": cond}
		a := raw(t, srv, http.MethodPost, dvPath(testRef)+exportsSuffix, spec)
		require.Equal(t, http.StatusBadRequest, a.status, "%s: %s", name, a.body)
		body := a.object(t)
		assert.EqualValues(t, 400, body["status_code"], name)
		extra, _ := json.Marshal(body["extra"])
		assert.Contains(t, string(extra), `"key":"condition"`, name)
		assert.Contains(t, string(extra), `"source":"body"`, name)
	}
	assert.Empty(t, srv.Exports(testRef), "nothing was added")
}

func TestConditionFiltersAGeneratedFileToo(t *testing.T) {
	srv, client := salesServer(t)
	srv.SetCSVGenerator(testRef, -1, func(w io.Writer) error {
		_, err := io.WriteString(w, salesHeader+strings.Join(salesRows, ""))
		return err
	})
	cond, err := client.Dataviews.ResolveCondition(context.Background(), testRef, mammoth.Col("Region").Eq("West"))
	require.NoError(t, err)
	assert.Equal(t, salesHeader+salesRows[0]+salesRows[3], exportRows(t, client, cond))
}

func TestReplacingParamsAnswers400ForAConditionTheDataviewCannotApply(t *testing.T) {
	srv, client := salesServer(t)
	_, err := client.Exports.CreateS3Export(context.Background(), testRef, &mammoth.S3ExportRequest{File: "x.csv"})
	require.NoError(t, err)
	exports := srv.Exports(testRef)
	require.Len(t, exports, 1)
	spec := map[string]any{"DATAVIEW_ID": testRef.DataviewID, "handler_type": "s3", "trigger_type": "none",
		"run_immediately": false, "target_properties": map[string]any{"file": "x.csv"},
		"condition": map[string]any{"Region": map[string]any{"IS_EMPTY": true}}}
	body := map[string]any{"patches": []any{map[string]any{"op": "replace", "path": "params", "value": spec}}}
	a := raw(t, srv, http.MethodPatch, dvPath(testRef)+exportsSuffix+"/"+strconv.Itoa(*exports[0].ID), body)
	require.Equal(t, http.StatusBadRequest, a.status, "%s", a.body)
	assert.Contains(t, string(a.body), `"key":"patches[0].value.condition"`)
	assert.Contains(t, string(a.body), `unknown column \"Region\"`)
	assert.Equal(t, map[string]any{}, srv.Exports(testRef)[0].Condition, "nothing changed")
}
