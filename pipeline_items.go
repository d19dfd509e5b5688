package mammoth

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
)

// PipelineItemType says whether a pipeline item is a task (a step that
// transforms the data) or an export.
type PipelineItemType string

// The kinds of pipeline item.
const (
	PipelineItemTask   PipelineItemType = "task"
	PipelineItemExport PipelineItemType = "export"
)

// PipelineItem is one task or export of a dataview's pipeline, as
// [PipelinesService.ListItems] returns it. Every field may be unset: which
// ones the API fills depends on the fields requested. The task-only and
// export-only fields stay unset on the other kind.
type PipelineItem struct {
	// Type is the item's item_type when the API sends one, else what its
	// keys show: an item with handler_type, trigger_type, runnable or
	// has_refferror is an export, any other a task. The API's presets do
	// not include item_type, so the keys are often all there is.
	Type PipelineItemType `json:"item_type,omitempty"`

	ID              *int         `json:"id,omitempty"`
	DataviewID      *int         `json:"dataview_id,omitempty"`
	Sequence        *int         `json:"sequence,omitempty"`
	Status          ExportStatus `json:"status,omitempty"`
	Reordered       *bool        `json:"reordered,omitempty"`
	DataPassThrough *bool        `json:"data_pass_through,omitempty"`

	ExecutionStartTime *Timestamp `json:"execution_start_time,omitempty"`
	ExecutionEndTime   *Timestamp `json:"execution_end_time,omitempty"`

	// Tasks only.
	ReferenceErrors map[string]any `json:"reference_errors,omitempty"`
	DataSize        *int64         `json:"data_size,omitempty"`
	RowCount        *int64         `json:"row_count,omitempty"`

	// Exports only.
	HasRefError *bool          `json:"has_refferror,omitempty"` // the API's spelling
	HandlerType HandlerType    `json:"handler_type,omitempty"`
	TriggerType TriggerType    `json:"trigger_type,omitempty"`
	Runnable    *bool          `json:"runnable,omitempty"`
	ErrorInfo   map[string]any `json:"error_info,omitempty"`
}

// IsExport reports whether the item is an export.
func (it *PipelineItem) IsExport() bool { return it != nil && it.Type == PipelineItemExport }

// IsTask reports whether the item is a task.
func (it *PipelineItem) IsTask() bool { return it != nil && it.Type == PipelineItemTask }

// exportOnlyKeys are the keys of ItemExport that ItemTask does not have.
var exportOnlyKeys = []string{"handler_type", "trigger_type", "runnable", "has_refferror", "error_info"}

// UnmarshalJSON implements [json.Unmarshaler], telling tasks and exports
// apart as [PipelineItem.Type] says.
func (it *PipelineItem) UnmarshalJSON(data []byte) error {
	type plain PipelineItem
	var p plain
	if err := json.Unmarshal(data, &p); err != nil {
		return err
	}
	*it = PipelineItem(p)
	if it.Type == PipelineItemTask || it.Type == PipelineItemExport {
		return nil
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(data, &keys); err != nil {
		return err
	}
	if it.Type == "" {
		it.Type = PipelineItemTask
		for _, k := range exportOnlyKeys {
			if _, ok := keys[k]; ok {
				it.Type = PipelineItemExport
				break
			}
		}
	}
	return nil
}

// PipelineItemsPage is one page of a pipeline's items.
type PipelineItemsPage struct {
	Limit  *int            `json:"limit,omitempty"`
	Offset *int            `json:"offset,omitempty"`
	Next   string          `json:"next"`
	Items  []*PipelineItem `json:"items"`
}

// ListItemsOptions filters, sorts and pages [PipelinesService.ListItems].
// The zero value (or nil) sends no query and gets the API's defaults: the
// standard fields, 50 items from offset 0, sorted by id.
type ListItemsOptions struct {
	// Fields is a comma-separated list of fields, or a preset:
	// [FieldsMin], [FieldsStandard] (the default) or [FieldsFull].
	Fields string `url:"fields,omitempty"`
	// Limit is the page size, 0 to 100; nil means the API's default of 50.
	Limit *int `url:"limit,omitempty"`
	// Offset is the position of the first item to return.
	Offset int `url:"offset,omitempty"`
	// Sort orders the results, such as "(id:asc),(sequence:desc)".
	Sort string `url:"sort,omitempty"`
	// Sequence keeps the items at this position in the pipeline.
	Sequence *int `url:"sequence,omitempty"`
	// Status keeps the items in this status.
	Status ExportStatus `url:"status,omitempty"`
}

func (o *ListItemsOptions) validate() error {
	switch {
	case o == nil:
		return nil
	case o.Limit != nil && (*o.Limit < 0 || *o.Limit > maxPageSize):
		return &ValidationError{Field: "ListItemsOptions.Limit", Reason: "must be between 0 and 100"}
	case o.Offset < 0:
		return &ValidationError{Field: "ListItemsOptions.Offset", Reason: "must not be negative"}
	case o.Sequence != nil && *o.Sequence < 0:
		return &ValidationError{Field: "ListItemsOptions.Sequence", Reason: "must not be negative"}
	}
	return nil
}

// ListItems returns one page of the pipeline's items, tasks and exports
// together. Use [PipelinesService.AllItems] to walk every page.
func (s *PipelinesService) ListItems(ctx context.Context, ref DataviewRef, opts *ListItemsOptions) (*PipelineItemsPage, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if err := opts.validate(); err != nil {
		return nil, err
	}
	q, err := encodeQuery(opts)
	if err != nil {
		return nil, err
	}
	page := new(PipelineItemsPage)
	if _, err := s.client.do(ctx, &request{
		op: "ListItems", method: http.MethodGet, path: pipelinePath(ref) + "/items", query: q,
		workspaceID: ref.WorkspaceID, idempotent: true,
	}, page); err != nil {
		return nil, err
	}
	if page.Items == nil {
		return nil, &DecodeError{Operation: "ListItems", StatusCode: http.StatusOK, Err: errors.New(`response has no "items" list`)}
	}
	return page, nil
}

// AllItems walks every item of the pipeline, page after page, as
// [ExportsService.AllExports] walks exports: pages are fetched as the loop
// advances, opts is copied and never modified, and a failure is yielded
// once, with a nil item, and ends the walk.
func (s *PipelinesService) AllItems(ctx context.Context, ref DataviewRef, opts *ListItemsOptions) iter.Seq2[*PipelineItem, error] {
	var o ListItemsOptions
	if opts != nil {
		o = *opts
	}
	zeroLimit := &ValidationError{Field: "ListItemsOptions.Limit", Reason: "must be at least 1 to page through items"}
	return walkOffsets("AllItems", o.Offset, o.Limit, zeroLimit, func(offset, limit int) (offsetPage[*PipelineItem], error) {
		pageOpts := o
		pageOpts.Offset, pageOpts.Limit = offset, &limit
		page, err := s.ListItems(ctx, ref, &pageOpts)
		if err != nil {
			return offsetPage[*PipelineItem]{}, err
		}
		return offsetPage[*PipelineItem]{items: page.Items, offset: page.Offset, limit: page.Limit}, nil
	})
}
