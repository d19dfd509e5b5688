package mammoth

// Workspace is a Mammoth workspace: a collection of projects, as
// [DataviewsService.AllWorkspaces] lists it. Every field but ID may be
// missing (zero) or null on the wire, depending on the fields the API sends.
type Workspace struct {
	ID   int    `json:"id"`
	Name string `json:"name,omitempty"`
	// Status is DELETED, ACTIVE, SUSPENDED or INITED.
	Status       string     `json:"status,omitempty"`
	URL          string     `json:"url,omitempty"`
	Path         string     `json:"path,omitempty"`
	AccImage     string     `json:"acc_image,omitempty"`
	DateFormat   string     `json:"date_format,omitempty"`
	TotalUsers   *int       `json:"total_users,omitempty"`
	CreatedAt    *Timestamp `json:"created_at,omitempty"`
	UpdatedAt    *Timestamp `json:"updated_at,omitempty"`
	LastAccessed *Timestamp `json:"last_accessed,omitempty"`
}

// Project is a project of a workspace, as [DataviewsService.AllProjects]
// lists it.
type Project struct {
	ID               int            `json:"id"`
	Name             string         `json:"name,omitempty"`
	OwnerWorkspaceID *int           `json:"owner_workspace_id,omitempty"`
	Status           string         `json:"status,omitempty"`
	Properties       map[string]any `json:"properties,omitempty"`
	CreatedAt        *Timestamp     `json:"created_at,omitempty"`
	UpdatedAt        *Timestamp     `json:"updated_at,omitempty"`
}

// Dataset is a dataset of a project (the API's DsInfo), as
// [DataviewsService.AllDatasets] lists it. Its dataviews are listed by
// [DataviewsService.AllDataviews].
type Dataset struct {
	ID   int    `json:"id"`
	Name string `json:"name,omitempty"`
	// ResourcePath is where the dataset lives, such as
	// "/workspace:Sales:3/project:Q3:10/label:Raw:1/datasource:orders:14".
	ResourcePath string `json:"resource_path,omitempty"`
	// Status is ready, processing, deleting, deleted, error or need_action.
	Status     string            `json:"status,omitempty"`
	StatusInfo map[string]string `json:"status_info,omitempty"`
	CreatedBy  string            `json:"created_by,omitempty"`
	CreatedAt  *Timestamp        `json:"created_at,omitempty"`
	UpdatedAt  *Timestamp        `json:"updated_at,omitempty"`
	GetURL     string            `json:"get_url,omitempty"`
	DataURL    string            `json:"data_url,omitempty"`
	// DataSchema is the dataset's own columns (not a dataview's); their
	// types are lower case here: text, numeric, date.
	DataSchema     []DatasetColumn  `json:"data_schema,omitempty"`
	Stats          *DatasetStats    `json:"stats,omitempty"`
	Sources        []map[string]any `json:"sources,omitempty"`
	DisplayInfo    map[string]any   `json:"display_info,omitempty"`
	Dependencies   map[string]any   `json:"dependencies,omitempty"`
	BatchIDs       []int            `json:"batch_ids,omitempty"`
	Configurations map[string]any   `json:"configurations,omitempty"`
	AdditionalInfo map[string]any   `json:"additional_info,omitempty"`
}

// DatasetColumn is one column of a dataset's DataSchema.
type DatasetColumn struct {
	InternalName string `json:"c_id"`
	Name         string `json:"c_name"`
	Type         string `json:"c_type"`
}

// DatasetStats counts a dataset's rows, columns and batches.
type DatasetStats struct {
	RowCount    *int   `json:"row_count,omitempty"`
	ColumnCount *int   `json:"column_count,omitempty"`
	BatchCount  int    `json:"batch_count"`
	Size        *int64 `json:"size,omitempty"`
}

// Dataview is a dataview of a dataset: the API's DataviewInfo, every field
// of it. Which fields are filled depends on the fields asked for
// ([GetDataviewOptions].Fields): the [FieldsFull] preset adds DraftMode,
// IsPipelineRunning, PipelineAutorunEnabled, PipelineStatus and
// TaskwiseInfo to the standard ones.
type Dataview struct {
	ID int `json:"id"`
	// DatasetID is the dataset the dataview belongs to (key ds_id).
	DatasetID int    `json:"ds_id"`
	Name      string `json:"name,omitempty"`
	Status    string `json:"status,omitempty"`
	RowCount  *int   `json:"row_count,omitempty"`
	// ColumnCount counts the columns at the step Metadata describes.
	ColumnCount *int `json:"column_count,omitempty"`
	// Metadata is the column list at the requested pipeline step
	// ([GetDataviewOptions].Sequence; the API's default 0 is the source
	// dataset's columns). Each entry has display_name, internal_name and
	// type; [DataviewsService.Columns] reads them at the last step.
	Metadata []map[string]any `json:"metadata,omitempty"`
	SysCols  []map[string]any `json:"sys_cols,omitempty"`
	// DisplayProperties is keyed by internal column names.
	DisplayProperties     *DisplayProperties `json:"display_properties,omitempty"`
	UserDisplayProperties map[string]any     `json:"user_display_properties,omitempty"`
	DataURL               string             `json:"data_url,omitempty"`
	// PipelineStatus is running, submitted, ready or error.
	PipelineStatus         string `json:"pipeline_status,omitempty"`
	IsPipelineRunning      *bool  `json:"is_pipeline_running,omitempty"`
	PipelineAutorunEnabled *bool  `json:"pipeline_autorun_enabled,omitempty"`
	IsDataviewDataInSync   *bool  `json:"is_dataview_data_in_sync,omitempty"`
	OriginalDataUpdated    *bool  `json:"original_data_updated,omitempty"`
	// DraftMode is off, clean or dirty.
	DraftMode string `json:"draft_mode,omitempty"`
	// TaskwiseInfo is keyed by task sequence numbers ("1", "2", …); each
	// value carries that step's "metadata" column list.
	TaskwiseInfo       map[string]map[string]any `json:"taskwise_info,omitempty"`
	DependenciesInfo   map[string]map[string]any `json:"dependencies_info,omitempty"`
	CreatedAt          *Timestamp                `json:"created_at,omitempty"`
	UpdatedAt          *Timestamp                `json:"updated_at,omitempty"`
	DataUpdatedAt      *Timestamp                `json:"data_updated_at,omitempty"`
	DataQualityEnabled bool                      `json:"data_quality_enabled"`
}

// DisplayProperties is how the app shows a dataview's columns, keyed by
// internal column names.
type DisplayProperties struct {
	// Sort is the display order, such as [["column_1", "ASC"]].
	Sort              []any                     `json:"SORT"`
	FormatInfo        map[string]map[string]any `json:"FORMAT_INFO,omitempty"`
	ColumnWidths      map[string]int            `json:"COLUMN_WIDTHS,omitempty"`
	HiddenColumns     []string                  `json:"HIDDEN_COLUMNS,omitempty"`
	ColumnNames       map[string]string         `json:"COLUMN_NAMES,omitempty"`
	ColumnOrder       map[string]string         `json:"COLUMN_ORDER,omitempty"`
	RevertColumnNames []string                  `json:"REVERT_COLUMN_NAMES,omitempty"`
	ExplorePanel      map[string]any            `json:"EXPLORE_PANEL,omitempty"`
}
