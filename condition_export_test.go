package mammoth

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAddExportRefusesAConditionCarryingABuilderErrorBeforeSending(t *testing.T) {
	f := setup(t)
	f.dataview(http.MethodPost, "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		t.Error("nothing should be sent")
	})
	bad := And(Col("Sales").Gte(1000), Col("Region").Eq(make(chan int)))
	ctx := context.Background()

	_, err := f.client.Exports.AddExport(ctx, testRef, &AddExportSpec{
		HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone,
		TargetProperties: S3TargetProperties{File: "x.csv"}, Condition: bad,
	})
	var v *ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "spec.Condition", v.Field)
	assert.Contains(t, v.Reason, `Col("Region").Eq: `)
	assert.Contains(t, v.Reason, "is not a text or a number")

	_, err = f.client.Exports.CreateS3Export(ctx, testRef, &S3ExportRequest{File: "x.csv", Condition: bad})
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "spec.Condition", v.Field)
	assert.Zero(t, f.requests.Load())
}

func TestAddExportSendsABuiltConditionAsTheAPIsObject(t *testing.T) {
	f := setup(t)
	var body string
	f.dataview(http.MethodPost, "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		body = readBody(t, r)
		writeJSON(w, http.StatusCreated, `{"trigger_id": 9, "status": "added", "future_id": null}`)
	})
	c, err := resolveCondition(And(Col("Sales").Gte(1000), Col("Region").In("West", "East")), sheetColumns)
	require.NoError(t, err)
	_, err = f.client.Exports.CreateS3Export(context.Background(), testRef, &S3ExportRequest{File: "x.csv", Condition: c})
	require.NoError(t, err)
	assert.Contains(t, body, `"condition":{"AND":[{"column_f6g7h8i9j0":{"GTE":{"VALUE":1000}}},{"column_a1b2c3d4e5":{"IN_LIST":{"VALUE":["West","East"]}}}]}`)
}
