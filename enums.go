package mammoth

import "slices"

// HandlerType names the destination an export sends a dataview's data to.
//
// The set of handler types grows as the platform adds destinations, so a value
// the server sends that this package has no constant for still decodes and
// keeps its text; use [HandlerType.IsKnown] to tell.
type HandlerType string

// Handler types known to this version of the SDK.
const (
	HandlerTypePostgres             HandlerType = "postgres"
	HandlerTypeCSVFile              HandlerType = "csv_file"
	HandlerTypeS3                   HandlerType = "s3"
	HandlerTypeMySQL                HandlerType = "mysql"
	HandlerTypeMSSQL                HandlerType = "mssql"
	HandlerTypeFTP                  HandlerType = "ftp"
	HandlerTypeSFTP                 HandlerType = "sftp"
	HandlerTypeEmail                HandlerType = "email"
	HandlerTypeElasticsearch        HandlerType = "elasticsearch"
	HandlerTypePowerBI              HandlerType = "powerbi"
	HandlerTypeRedshift             HandlerType = "redshift"
	HandlerTypeBigQuery             HandlerType = "bigquery"
	HandlerTypeInternalDataset      HandlerType = "internal_dataset"
	HandlerTypePublishDB            HandlerType = "publishdb"
	HandlerTypeSharePoint           HandlerType = "sharepoint"
	HandlerTypeOneDrive             HandlerType = "onedrive"
	HandlerTypeAzureBlob            HandlerType = "azure_blob"
	HandlerTypeTableauServer        HandlerType = "tableau_server"
	HandlerTypeGenericRESTAPIExport HandlerType = "generic_rest_api_export"
)

var handlerTypes = []HandlerType{
	HandlerTypePostgres, HandlerTypeCSVFile, HandlerTypeS3, HandlerTypeMySQL,
	HandlerTypeMSSQL, HandlerTypeFTP, HandlerTypeSFTP, HandlerTypeEmail,
	HandlerTypeElasticsearch, HandlerTypePowerBI, HandlerTypeRedshift,
	HandlerTypeBigQuery, HandlerTypeInternalDataset, HandlerTypePublishDB,
	HandlerTypeSharePoint, HandlerTypeOneDrive, HandlerTypeAzureBlob,
	HandlerTypeTableauServer, HandlerTypeGenericRESTAPIExport,
}

// Values returns every handler type this version of the SDK knows, in the
// order the API documents them. The list may grow in later versions.
func (HandlerType) Values() []HandlerType { return slices.Clone(handlerTypes) }

// IsKnown reports whether h is one of [HandlerType.Values].
func (h HandlerType) IsKnown() bool { return slices.Contains(handlerTypes, h) }

// TriggerType says what makes an export run.
type TriggerType string

// Trigger types known to this version of the SDK.
const (
	// TriggerTypeNone exports only when run explicitly.
	TriggerTypeNone TriggerType = "none"
	// TriggerTypePipeline exports every time the dataview's pipeline runs.
	TriggerTypePipeline TriggerType = "pipeline"
	// TriggerTypeSchedule exports on a schedule. The exports API has no
	// schedule field: neither AddExportSpec nor ItemExportInfo names a
	// schedule, and the API documents no way of binding an export to one
	// of a project's schedules (the /schedules endpoints). Adding an export
	// with this trigger sets its trigger type and nothing more.
	TriggerTypeSchedule TriggerType = "schedule"
)

var triggerTypes = []TriggerType{TriggerTypeNone, TriggerTypePipeline, TriggerTypeSchedule}

// Values returns every trigger type this version of the SDK knows. The list
// may grow in later versions.
func (TriggerType) Values() []TriggerType { return slices.Clone(triggerTypes) }

// IsKnown reports whether t is one of [TriggerType.Values].
func (t TriggerType) IsKnown() bool { return slices.Contains(triggerTypes, t) }

// ExportStatus is the state of an export in a dataview's pipeline (the API
// calls it PipelineItemStatus).
type ExportStatus string

// Export statuses known to this version of the SDK.
const (
	ExportStatusDeleted    ExportStatus = "deleted"
	ExportStatusExecuted   ExportStatus = "executed"
	ExportStatusExecuting  ExportStatus = "executing"
	ExportStatusEdited     ExportStatus = "edited"
	ExportStatusAdded      ExportStatus = "added"
	ExportStatusSuspended  ExportStatus = "suspended"
	ExportStatusSuspending ExportStatus = "suspending"
)

var exportStatuses = []ExportStatus{
	ExportStatusDeleted, ExportStatusExecuted, ExportStatusExecuting, ExportStatusEdited,
	ExportStatusAdded, ExportStatusSuspended, ExportStatusSuspending,
}

// Values returns every export status this version of the SDK knows. The list
// may grow in later versions.
func (ExportStatus) Values() []ExportStatus { return slices.Clone(exportStatuses) }

// IsKnown reports whether s is one of [ExportStatus.Values].
func (s ExportStatus) IsKnown() bool { return slices.Contains(exportStatuses, s) }

// JobStatus is the state of a background job.
type JobStatus string

// Job statuses known to this version of the SDK.
const (
	// JobStatusProcessing means the job has not finished yet.
	JobStatusProcessing JobStatus = "processing"
	// JobStatusSuccess means the job finished and did its work.
	JobStatusSuccess JobStatus = "success"
	// JobStatusFailure means the job finished without doing its work.
	JobStatusFailure JobStatus = "failure"
	// JobStatusError means the job stopped on an error.
	JobStatusError JobStatus = "error"
)

var jobStatuses = []JobStatus{JobStatusSuccess, JobStatusFailure, JobStatusProcessing, JobStatusError}

// Values returns every job status this version of the SDK knows. The list may
// grow in later versions.
func (JobStatus) Values() []JobStatus { return slices.Clone(jobStatuses) }

// IsKnown reports whether s is one of [JobStatus.Values].
func (s JobStatus) IsKnown() bool { return slices.Contains(jobStatuses, s) }

// IsTerminal reports whether a job in status s has finished: succeeded,
// failed or errored. A status the SDK does not know is not terminal, so that
// waiting on a job keeps polling through statuses added to the API later.
func (s JobStatus) IsTerminal() bool {
	return s == JobStatusSuccess || s == JobStatusFailure || s == JobStatusError
}

// Fields presets for [ListExportsOptions.Fields] and [GetExportOptions.Fields].
const (
	// FieldsMin returns ids, types, status, target properties and runnable.
	FieldsMin = "__min"
	// FieldsStandard, the API's default, adds times, condition and flags.
	FieldsStandard = "__standard"
	// FieldsFull adds last_run_result and error_info.
	FieldsFull = "__full"
)
