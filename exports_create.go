package mammoth

import (
	"context"
	"fmt"
)

// S3ExportRequest describes an export of the dataview to a file in
// Mammoth-managed S3 storage, for [ExportsService.CreateS3Export]. Unset
// fields take the defaults of Mammoth's own SDKs: a CSV file, hidden columns
// left out, values formatted as the dataview shows them, trigger "none", run
// at once, at the end of the pipeline.
type S3ExportRequest struct {
	// File is the name of the file to write. Required.
	File string
	// FileType is the format; "" means [ExportFileTypeCSV].
	FileType ExportFileType
	// IncludeHidden also exports hidden columns.
	IncludeHidden bool
	// UseFormat writes values as the dataview formats them; nil means true.
	UseFormat *bool
	// TriggerType says when the export runs; "" means [TriggerTypeNone].
	TriggerType TriggerType
	// RunImmediately runs the export once added; nil means true.
	RunImmediately *bool
	// Condition filters the rows exported; nil exports every row.
	Condition map[string]any
}

// CreateS3Export adds an S3 file export to the dataview's pipeline; see
// [ExportsService.AddExport] for the answer and retry rules.
func (s *ExportsService) CreateS3Export(ctx context.Context, ref DataviewRef, req *S3ExportRequest) (*ExportChange, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &ValidationError{Field: "req", Reason: "must not be nil"}
	}
	if req.File == "" {
		return nil, &ValidationError{Field: "S3ExportRequest.File", Reason: "must not be empty"}
	}
	trigger, err := triggerOrDefault(req.TriggerType, TriggerTypeNone, "S3ExportRequest.TriggerType")
	if err != nil {
		return nil, err
	}
	fileType := req.FileType
	if fileType == "" {
		fileType = ExportFileTypeCSV
	}
	useFormat := req.UseFormat == nil || *req.UseFormat
	return s.AddExport(ctx, ref, &AddExportSpec{
		HandlerType: HandlerTypeS3,
		TriggerType: trigger,
		TargetProperties: S3TargetProperties{
			File:          req.File,
			FileType:      fileType,
			IncludeHidden: Ptr(req.IncludeHidden),
			IsFormatSet:   Ptr(true),
			UseFormat:     Ptr(useFormat),
		},
		Condition:      req.Condition,
		RunImmediately: req.RunImmediately == nil || *req.RunImmediately,
	})
}

// triggerOrDefault returns t, or def when t is unset, refusing a trigger
// type the typed requests do not know.
func triggerOrDefault(t, def TriggerType, field string) (TriggerType, error) {
	if t == "" {
		return def, nil
	}
	if !t.IsKnown() {
		return "", &ValidationError{Field: field, Reason: fmt.Sprintf("%q is not a known trigger type", t)}
	}
	return t, nil
}

// InternalDatasetExportRequest describes an export of the dataview into a
// Mammoth dataset, for [ExportsService.CreateInternalDatasetExport]: a new
// dataset named DatasetName, or the existing dataset TargetDatasetID.
type InternalDatasetExportRequest struct {
	// DatasetName names the new dataset. Required unless TargetDatasetID is
	// set.
	DatasetName string
	// TargetDatasetID is an existing dataset to write into.
	TargetDatasetID *int
	// Mode says whether rows replace or append to an existing dataset.
	Mode SaveAsDatasetMode
	// ColumnMapping maps dataview columns to dataset columns; nil keeps
	// every column under its own name.
	ColumnMapping map[string]string
	// TriggerType says when the export runs; "" means [TriggerTypePipeline],
	// keeping the dataset in step with the dataview.
	TriggerType TriggerType
	// RunImmediately runs the export once added; nil means true.
	RunImmediately *bool
	// Condition filters the rows exported; nil exports every row.
	Condition map[string]any
}

// CreateInternalDatasetExport adds an export into a Mammoth dataset to the
// dataview's pipeline; see [ExportsService.AddExport] for the answer. The
// job succeeds before the dataset exists: the export's target properties
// carry TARGET_DS_ID once it has run.
func (s *ExportsService) CreateInternalDatasetExport(ctx context.Context, ref DataviewRef, req *InternalDatasetExportRequest) (*ExportChange, error) {
	if err := ref.validate(); err != nil {
		return nil, err
	}
	if req == nil {
		return nil, &ValidationError{Field: "req", Reason: "must not be nil"}
	}
	trigger, err := triggerOrDefault(req.TriggerType, TriggerTypePipeline, "InternalDatasetExportRequest.TriggerType")
	if err != nil {
		return nil, err
	}
	mapping := req.ColumnMapping
	if mapping == nil {
		mapping = map[string]string{}
	}
	return s.AddExport(ctx, ref, &AddExportSpec{
		HandlerType: HandlerTypeInternalDataset,
		TriggerType: trigger,
		TargetProperties: InternalDatasetTargetProperties{
			DatasetName:       req.DatasetName,
			TargetDatasetID:   req.TargetDatasetID,
			SaveAsDatasetMode: req.Mode,
			ColumnMapping:     mapping,
		},
		Condition:      req.Condition,
		RunImmediately: req.RunImmediately == nil || *req.RunImmediately,
	})
}
