package mammoth

import (
	"context"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestListItems_QueryAndKinds(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var got wire
	f.dataview("GET", "/pipeline/items", record(t, &got, 200, `{"limit":10,"offset":5,"next":"","items":[
		{"item_type":"task","id":1,"sequence":1,"status":"executed","row_count":10,"data_size":2048,"reference_errors":{}},
		{"item_type":"export","id":2,"sequence":2,"status":"added","handler_type":"s3","trigger_type":"pipeline","runnable":true,"has_refferror":false},
		{"id":3,"sequence":3,"status":"executed","row_count":4},
		{"id":4,"sequence":4,"status":"added","handler_type":"s3","trigger_type":"none","runnable":true},
		{"id":5,"runnable":null},
		{"item_type":"export","id":6,"row_count":5},
		{"item_type":null,"id":7,"execution_end_time":"2021-10-29T18:05:39.287890"}
	]}`))
	page, err := f.client.Pipelines.ListItems(context.Background(), testRef, &ListItemsOptions{
		Fields: FieldsFull, Limit: Ptr(10), Offset: 5, Sort: "(sequence:desc)", Sequence: Ptr(0), Status: ExportStatusExecuted,
	})
	require.NoError(t, err)
	assert.Equal(t, "GET", got.method)
	assert.Equal(t, testDataviewPath+"/pipeline/items", got.path)
	assert.Equal(t, "fields=__full&limit=10&offset=5&sequence=0&sort=%28sequence%3Adesc%29&status=executed", got.query)
	kinds := make([]PipelineItemType, len(page.Items))
	for i, it := range page.Items {
		kinds[i] = it.Type
	}
	assert.Equal(t, []PipelineItemType{"task", "export", "task", "export", "export", "export", "task"}, kinds,
		"item_type wins; else export-only keys make an export, even when null")
	assert.Equal(t, &PipelineItem{Type: PipelineItemExport, ID: Ptr(2), Sequence: Ptr(2), Status: ExportStatusAdded,
		HandlerType: HandlerTypeS3, TriggerType: TriggerTypePipeline, Runnable: Ptr(true), HasRefError: Ptr(false)}, page.Items[1])
	assert.Equal(t, Ptr(int64(10)), page.Items[0].RowCount)
	assert.True(t, page.Items[0].IsTask())
	assert.True(t, page.Items[1].IsExport())
	assert.Equal(t, 2021, page.Items[6].ExecutionEndTime.Year())
}

func TestListItems_NoOptionsNoQuery(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var got wire
	f.dataview("GET", "/pipeline/items", record(t, &got, 200, `{"next":"","items":[]}`))
	page, err := f.client.Pipelines.ListItems(context.Background(), testRef, nil)
	require.NoError(t, err)
	assert.Equal(t, "", got.query)
	assert.Empty(t, page.Items)

	f2 := setup(t)
	f2.dataview("GET", "/pipeline/items", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"next":""}`) })
	_, err = f2.client.Pipelines.ListItems(context.Background(), testRef, nil)
	var de *DecodeError
	require.ErrorAs(t, err, &de)
}

func TestAllItems_PagesByOffsetAndStopsWhenTheLoopBreaks(t *testing.T) {
	t.Parallel()
	f := setup(t)
	var offsets []string
	f.dataview("GET", "/pipeline/items", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		offsets = append(offsets, q.Get("offset"))
		off, _ := strconv.Atoi(q.Get("offset"))
		n := min(2, 5-off)
		body := `{"limit":2,"offset":` + strconv.Itoa(off) + `,"next":"","items":[`
		for i := range n {
			if i > 0 {
				body += ","
			}
			body += `{"id":` + strconv.Itoa(off+i+1) + `}`
		}
		writeJSON(w, 200, body+`]}`)
	})
	var ids []int
	for it, err := range f.client.Pipelines.AllItems(context.Background(), testRef, &ListItemsOptions{Limit: Ptr(2)}) {
		require.NoError(t, err)
		ids = append(ids, *it.ID)
	}
	assert.Equal(t, []int{1, 2, 3, 4, 5}, ids)
	assert.Equal(t, []string{"", "2", "4"}, offsets)

	offsets = nil
	for it, err := range f.client.Pipelines.AllItems(context.Background(), testRef, &ListItemsOptions{Limit: Ptr(2)}) {
		require.NoError(t, err)
		if *it.ID == 2 {
			break
		}
	}
	assert.Equal(t, []string{""}, offsets, "no request after the loop breaks")

	for it, err := range f.client.Pipelines.AllItems(context.Background(), testRef, &ListItemsOptions{Limit: Ptr(0)}) {
		assert.Nil(t, it)
		var ve *ValidationError
		require.ErrorAs(t, err, &ve)
	}
}

func TestAllItems_AServerThatIgnoresTheOffsetEndsTheWalk(t *testing.T) {
	t.Parallel()
	for name, body := range map[string]string{
		"same page":    `{"next":"","items":[{"id":1},{"id":2}]}`,
		"wrong offset": `{"offset":0,"next":"","items":[{"id":1},{"id":2}]}`,
	} {
		f := setup(t)
		var requests int
		f.dataview("GET", "/pipeline/items", func(w http.ResponseWriter, r *http.Request) {
			requests++
			writeJSON(w, 200, body)
		})
		var got int
		var last error
		for it, err := range f.client.Pipelines.AllItems(context.Background(), testRef, &ListItemsOptions{Limit: Ptr(2)}) {
			if err != nil {
				last = err
				break
			}
			_ = it
			got++
		}
		var de *DecodeError
		require.ErrorAs(t, last, &de, name)
		assert.Equal(t, "AllItems", de.Operation)
		assert.Equal(t, 2, got, name)
		assert.Equal(t, 2, requests, name)
	}
}
