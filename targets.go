package mammoth

import (
	"reflect"
)

// TargetProperties configures an export's destination: the
// "target_properties" object of [AddExportSpec]. Each handler type has a typed
// struct in this package ([S3TargetProperties],
// [InternalDatasetTargetProperties], …) that knows its required keys;
// [RawTargetProperties] passes any object through for destinations the SDK
// does not model.
type TargetProperties interface {
	// HandlerType returns the handler type these properties are for, or ""
	// when they suit any handler.
	HandlerType() HandlerType
	// Validate reports a missing or invalid key as a *ValidationError.
	Validate() error
}

// RawTargetProperties is a target_properties object passed to the API as is.
// Use it for handler types the SDK has no typed struct for. It is also how
// target properties read back from the API are represented.
type RawTargetProperties map[string]any

// HandlerType returns "": raw properties suit any handler type.
func (RawTargetProperties) HandlerType() HandlerType { return "" }

// Validate accepts any object.
func (RawTargetProperties) Validate() error { return nil }

// ExportFileType is the format of a file an export writes.
type ExportFileType string

// File types known to this version of the SDK.
const (
	ExportFileTypeCSV     ExportFileType = "csv"
	ExportFileTypeJSON    ExportFileType = "json"
	ExportFileTypeParquet ExportFileType = "parquet"
)

// S3TargetProperties configures an export to a file in Mammoth-managed S3
// storage (handler type "s3"), which is also how a dataview is downloaded.
type S3TargetProperties struct {
	// File is the file name to write. Required.
	File string `json:"file"`
	// FileType is the file format; the API's default is csv.
	FileType ExportFileType `json:"file_type,omitempty"`
	// IncludeHidden also exports the dataview's hidden columns.
	IncludeHidden *bool `json:"include_hidden,omitempty"`
	// IsFormatSet says the column formats below apply.
	IsFormatSet *bool `json:"is_format_set,omitempty"`
	// UseFormat writes values as the dataview formats them, not raw.
	UseFormat *bool `json:"use_format,omitempty"`
}

// HandlerType returns [HandlerTypeS3].
func (S3TargetProperties) HandlerType() HandlerType { return HandlerTypeS3 }

// Validate reports an empty File.
func (p S3TargetProperties) Validate() error {
	if p.File == "" {
		return &ValidationError{Field: "target_properties.file", Reason: "must not be empty"}
	}
	return nil
}

// SaveAsDatasetMode says how an internal-dataset export writes into an
// existing dataset.
type SaveAsDatasetMode string

// Save modes known to this version of the SDK.
const (
	SaveAsDatasetReplace SaveAsDatasetMode = "REPLACE_IN_DS"
	SaveAsDatasetAppend  SaveAsDatasetMode = "APPEND_TO_DS"
)

// InternalDatasetTargetProperties configures an export into a Mammoth dataset
// (handler type "internal_dataset"): a new dataset named DatasetName, or the
// existing dataset TargetDatasetID.
type InternalDatasetTargetProperties struct {
	// DatasetName names the dataset to create (key DS_NAME).
	DatasetName string `json:"DS_NAME"`
	// TargetDatasetID is an existing dataset to write into; nil creates a new
	// one. The API fills it in once the export has run.
	TargetDatasetID *int `json:"TARGET_DS_ID"`
	// SaveAsDatasetMode says whether rows replace or append to an existing
	// dataset.
	SaveAsDatasetMode SaveAsDatasetMode `json:"SAVE_AS_DS_MODE,omitempty"`
	// ColumnMapping maps dataview columns to dataset columns; empty maps
	// every column to itself.
	ColumnMapping map[string]string `json:"COLUMN_MAPPING"`
	// LabelIDs are folder labels to file the new dataset under.
	LabelIDs []int `json:"TARGET_DS_LABEL_IDS,omitempty"`
	// Transform reshapes the data on the way out (a crosstab, for one); nil
	// exports rows as they are.
	Transform map[string]any `json:"TRANSFORM"`
}

// HandlerType returns [HandlerTypeInternalDataset].
func (InternalDatasetTargetProperties) HandlerType() HandlerType {
	return HandlerTypeInternalDataset
}

// Validate reports a missing dataset: neither a name nor a target id.
func (p InternalDatasetTargetProperties) Validate() error {
	if p.DatasetName == "" && p.TargetDatasetID == nil {
		return &ValidationError{Field: "target_properties.DS_NAME", Reason: "must name a new dataset when TARGET_DS_ID is not set"}
	}
	if p.TargetDatasetID != nil && *p.TargetDatasetID <= 0 {
		return &ValidationError{Field: "target_properties.TARGET_DS_ID", Reason: "must be at least 1"}
	}
	return nil
}

// isNil reports whether v is nil or an interface holding a nil pointer or map.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}
