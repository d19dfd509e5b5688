package mammoth

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// TargetProperties configures an export's destination: the
// "target_properties" object of [AddExportSpec]. Each handler type has a typed
// struct in this package ([S3TargetProperties], [DatabaseTargetProperties],
// [BigQueryTargetProperties], [RESTAPITargetProperties], …) that knows its
// keys and checks them before anything is sent; [RawTargetProperties] passes
// any object through for destinations the SDK does not model.
//
// Secrets (passwords, keys, tokens, client secrets) go to the API as they
// are, but print as "[REDACTED]" under every fmt verb and in slog output. Use
// [RedactedTargetProperties] to log the JSON form of any target properties.
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

// Format implements [fmt.Formatter], printing p as a map with the values of
// secret keys (see [RedactedTargetProperties]) replaced by "[REDACTED]".
func (p RawTargetProperties) Format(f fmt.State, verb rune) {
	fmt.Fprintf(f, fmt.FormatString(f, verb), redactValue(map[string]any(p)))
}

// LogValue implements [slog.LogValuer], logging p redacted.
func (p RawTargetProperties) LogValue() slog.Value {
	return slog.AnyValue(redactValue(map[string]any(p)))
}

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

// DefaultPort returns the port the SDK sends for handler type h when a typed
// struct's Port is 0: 5432 for postgres, 3306 for mysql, 1433 for mssql, 5439
// for redshift, 21 for ftp, 22 for sftp and 9243 for elasticsearch. It
// returns 0 for handler types without a port.
//
// The SDK fills the default itself, as the API's own clients do, so the
// request always names the port it connects to.
func DefaultPort(h HandlerType) int { return defaultPorts[h] }

var defaultPorts = map[HandlerType]int{
	HandlerTypePostgres:      5432,
	HandlerTypeMySQL:         3306,
	HandlerTypeMSSQL:         1433,
	HandlerTypeRedshift:      5439,
	HandlerTypeFTP:           21,
	HandlerTypeSFTP:          22,
	HandlerTypeElasticsearch: 9243,
}

// DefaultElasticsearchChunkSize is the number of rows per bulk request the
// SDK sends when [ElasticsearchTargetProperties.ChunkSize] is 0.
const DefaultElasticsearchChunkSize = 200

// DatabaseTargetProperties configures an export into a table of a SQL
// database: PostgreSQL, MySQL, Microsoft SQL Server or Amazon Redshift,
// chosen by Handler.
type DatabaseTargetProperties struct {
	// Handler is the database kind: [HandlerTypePostgres],
	// [HandlerTypeMySQL], [HandlerTypeMSSQL] or [HandlerTypeRedshift].
	// Required; it is not sent inside target_properties.
	Handler HandlerType `json:"-"`
	// Host is the database server's host name or address. Required.
	Host string `json:"host"`
	// Port is the server's port; 0 sends the handler's [DefaultPort].
	Port int `json:"port,omitempty"`
	// Username and Password log in to the database. Required.
	Username string `json:"username"`
	Password string `json:"password" mammoth:"secret"`
	// Database is the database to write into. Required.
	Database string `json:"database"`
	// Table is the table to write. Required.
	Table string `json:"table"`
}

// HandlerType returns p.Handler.
func (p DatabaseTargetProperties) HandlerType() HandlerType { return p.Handler }

// Validate reports an unsupported Handler, a missing key or a port out of
// range.
func (p DatabaseTargetProperties) Validate() error {
	switch p.Handler {
	case HandlerTypePostgres, HandlerTypeMySQL, HandlerTypeMSSQL, HandlerTypeRedshift:
	default:
		return &ValidationError{Field: "DatabaseTargetProperties.Handler", Reason: fmt.Sprintf("%q is not postgres, mysql, mssql or redshift", p.Handler)}
	}
	return firstError(
		requireKeys("host", p.Host, "username", p.Username, "password", p.Password, "database", p.Database, "table", p.Table),
		checkPort(p.Port),
	)
}

// MarshalJSON implements [json.Marshaler], filling in the default port.
func (p DatabaseTargetProperties) MarshalJSON() ([]byte, error) {
	type plain DatabaseTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[p.Handler])
	return json.Marshal(w)
}

// Format implements [fmt.Formatter], printing p with its password
// redacted.
func (p DatabaseTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p DatabaseTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// FTPTargetProperties configures an export to a file on an FTP server
// (handler type "ftp"). Note the API's keys: domain, not host; directory,
// not path.
type FTPTargetProperties struct {
	// Domain is the server's host name or address. Required.
	Domain string `json:"domain"`
	// Port is the server's port; 0 sends 21.
	Port int `json:"port,omitempty"`
	// Username and Password log in to the server. Required.
	Username string `json:"username"`
	Password string `json:"password" mammoth:"secret"`
	// Directory is the folder the file is written to. Required.
	Directory string `json:"directory"`
	// File is the name of the file to write. Required.
	File string `json:"file"`
}

// HandlerType returns [HandlerTypeFTP].
func (FTPTargetProperties) HandlerType() HandlerType { return HandlerTypeFTP }

// Validate reports a missing key or a port out of range.
func (p FTPTargetProperties) Validate() error {
	return firstError(
		requireKeys("domain", p.Domain, "username", p.Username, "password", p.Password, "directory", p.Directory, "file", p.File),
		checkPort(p.Port),
	)
}

// MarshalJSON implements [json.Marshaler], filling in the default port.
func (p FTPTargetProperties) MarshalJSON() ([]byte, error) {
	type plain FTPTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[HandlerTypeFTP])
	return json.Marshal(w)
}

// Format implements [fmt.Formatter], printing p with its password
// redacted.
func (p FTPTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p FTPTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// SFTPTargetProperties configures an export to a file on an SFTP server
// (handler type "sftp"). The server is logged in to with Password, or, when
// SSHKeyAuthentication is set, with PrivateKey and its Passphrase; the
// credentials of the other method must be left empty.
type SFTPTargetProperties struct {
	// Host is the server's host name or address. Required.
	Host string `json:"host"`
	// Port is the server's port; 0 sends 22.
	Port int `json:"port,omitempty"`
	// Username is the account to log in as. Required.
	Username string `json:"username"`
	// Password logs in when SSHKeyAuthentication is false; required then.
	Password string `json:"password,omitempty" mammoth:"secret"`
	// SSHKeyAuthentication logs in with PrivateKey instead of Password.
	SSHKeyAuthentication bool `json:"ssh_key_authentication,omitempty"`
	// PrivateKey is the PEM text of the key to log in with; required when
	// SSHKeyAuthentication is set.
	PrivateKey string `json:"private_key,omitempty" mammoth:"secret"`
	// Passphrase unlocks PrivateKey, if it is encrypted.
	Passphrase string `json:"passphrase,omitempty" mammoth:"secret"`
	// Directory is the folder the file is written to.
	Directory string `json:"directory,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
	// RandomizeFileName adds a random part to the file name, so that each
	// run writes a new file.
	RandomizeFileName bool `json:"randomize_file_name,omitempty"`
}

// HandlerType returns [HandlerTypeSFTP].
func (SFTPTargetProperties) HandlerType() HandlerType { return HandlerTypeSFTP }

// Validate reports a missing key, a port out of range, or credentials that do
// not match SSHKeyAuthentication.
func (p SFTPTargetProperties) Validate() error {
	return firstError(
		requireKeys("host", p.Host, "username", p.Username),
		checkPort(p.Port),
		checkCredentials("ssh_key_authentication", strconv.FormatBool(p.SSHKeyAuthentication), []credential{
			{"false", "password", p.Password, true},
			{"true", "private_key", p.PrivateKey, true},
			{"true", "passphrase", p.Passphrase, false},
		}),
	)
}

// MarshalJSON implements [json.Marshaler], filling in the default port.
func (p SFTPTargetProperties) MarshalJSON() ([]byte, error) {
	type plain SFTPTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[HandlerTypeSFTP])
	return json.Marshal(w)
}

// Format implements [fmt.Formatter], printing p with its password, private
// key and passphrase redacted.
func (p SFTPTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p SFTPTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// EmailTargetProperties configures an export sent by email (handler type
// "email").
type EmailTargetProperties struct {
	// Emails are the recipients' addresses. Required: at least one.
	Emails []string `json:"emails"`
	// Subject is the message's subject line; empty leaves the API's.
	Subject string `json:"subject,omitempty"`
	// Message is the message's body text; empty leaves the API's.
	Message string `json:"message,omitempty"`
	// Resource is passed to the API as is when not empty.
	Resource string `json:"resource,omitempty"`
}

// HandlerType returns [HandlerTypeEmail].
func (EmailTargetProperties) HandlerType() HandlerType { return HandlerTypeEmail }

// Validate reports an empty recipient list or an empty address in it.
func (p EmailTargetProperties) Validate() error {
	if len(p.Emails) == 0 {
		return tpError("emails", "must list at least one address")
	}
	for i, e := range p.Emails {
		if strings.TrimSpace(e) == "" {
			return tpError(fmt.Sprintf("emails[%d]", i), "must not be empty")
		}
	}
	return nil
}

// ElasticsearchConnection is the scheme an Elasticsearch export connects
// with.
type ElasticsearchConnection string

// Elasticsearch connection schemes.
const (
	ElasticsearchConnectionHTTP  ElasticsearchConnection = "http"
	ElasticsearchConnectionHTTPS ElasticsearchConnection = "https"
)

var elasticsearchConnections = []ElasticsearchConnection{ElasticsearchConnectionHTTP, ElasticsearchConnectionHTTPS}

// Values returns every connection scheme this version of the SDK knows.
func (ElasticsearchConnection) Values() []ElasticsearchConnection {
	return slices.Clone(elasticsearchConnections)
}

// IsKnown reports whether c is one of [ElasticsearchConnection.Values].
func (c ElasticsearchConnection) IsKnown() bool { return slices.Contains(elasticsearchConnections, c) }

// ElasticsearchTargetProperties configures an export into an Elasticsearch
// index (handler type "elasticsearch").
type ElasticsearchTargetProperties struct {
	// Host is the cluster's host name. Required.
	Host string `json:"host"`
	// Port is the cluster's port; 0 sends 9243.
	Port int `json:"port,omitempty"`
	// Username and Password log in to the cluster. Required.
	Username string `json:"username"`
	Password string `json:"password" mammoth:"secret"`
	// Index is the index to write into. Required.
	Index string `json:"index"`
	// Connection is http or https. Required.
	Connection ElasticsearchConnection `json:"connection"`
	// ChunkSize is the number of rows per bulk request; 0 sends
	// [DefaultElasticsearchChunkSize].
	ChunkSize int `json:"chunksize,omitempty"`
}

// HandlerType returns [HandlerTypeElasticsearch].
func (ElasticsearchTargetProperties) HandlerType() HandlerType { return HandlerTypeElasticsearch }

// Validate reports a missing key, an unknown connection scheme, or a port or
// chunk size out of range.
func (p ElasticsearchTargetProperties) Validate() error {
	if p.ChunkSize < 0 {
		return tpError("chunksize", "must not be negative")
	}
	return firstError(
		requireKeys("host", p.Host, "username", p.Username, "password", p.Password, "index", p.Index, "connection", string(p.Connection)),
		checkKnown("connection", p.Connection),
		checkPort(p.Port),
	)
}

// MarshalJSON implements [json.Marshaler], filling in the default port and
// chunk size.
func (p ElasticsearchTargetProperties) MarshalJSON() ([]byte, error) {
	type plain ElasticsearchTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[HandlerTypeElasticsearch])
	w.ChunkSize = cmp.Or(w.ChunkSize, DefaultElasticsearchChunkSize)
	return json.Marshal(w)
}

// Format implements [fmt.Formatter], printing p with its password
// redacted.
func (p ElasticsearchTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p ElasticsearchTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// BigQueryExportType says how a BigQuery export writes into its table.
type BigQueryExportType string

// BigQuery export types.
const (
	// BigQueryExportTypeReplace replaces the table's rows; the API's default.
	BigQueryExportTypeReplace BigQueryExportType = "REPLACE"
	// BigQueryExportTypeCombine appends to the table's rows.
	BigQueryExportTypeCombine BigQueryExportType = "COMBINE"
	// BigQueryExportTypeUpsert updates rows whose upsert keys match and
	// inserts the rest.
	BigQueryExportTypeUpsert BigQueryExportType = "UPSERT"
)

var bigQueryExportTypes = []BigQueryExportType{BigQueryExportTypeReplace, BigQueryExportTypeCombine, BigQueryExportTypeUpsert}

// Values returns every export type this version of the SDK knows.
func (BigQueryExportType) Values() []BigQueryExportType { return slices.Clone(bigQueryExportTypes) }

// IsKnown reports whether t is one of [BigQueryExportType.Values].
func (t BigQueryExportType) IsKnown() bool { return slices.Contains(bigQueryExportTypes, t) }

// BigQueryProfile selects the BigQuery dataset an export writes into (key
// selected_profile).
type BigQueryProfile struct {
	// Name is the dataset's name.
	Name string `json:"name"`
	// Value lists [project, dataset] pairs, such as
	// [][]string{{"my-project", "sales"}}.
	Value [][]string `json:"value"`
}

// BigQueryIdentity is the service account a BigQuery export writes as (key
// selected_identity). It is secret as a whole: fmt and
// [RedactedTargetProperties] print none of it.
type BigQueryIdentity struct {
	// IdentityConfig is the service account's configuration, credentials
	// included.
	IdentityConfig map[string]any `json:"identity_config" mammoth:"secret"`
	// Host is the service account's email address.
	Host string `json:"host,omitempty"`
}

// Format implements [fmt.Formatter], printing id with its configuration
// redacted.
func (id BigQueryIdentity) Format(f fmt.State, verb rune) { formatRedacted(f, verb, id) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (id BigQueryIdentity) LogValue() slog.Value { return redactedLogValue(id) }

// BigQueryPartition partitions a BigQuery export's table by a date-time
// column (Field and Granularity) or by ranges of an integer column (Field,
// Start, End and Interval).
type BigQueryPartition struct {
	// Field is the column to partition by. Required.
	Field string `json:"FIELD"`
	// Granularity is DAY, MONTH or YEAR, for a date-time column.
	Granularity string `json:"GRANULARITY,omitempty"`
	// Start, End and Interval bound and size the ranges of an integer
	// column.
	Start    *int `json:"START,omitempty"`
	End      *int `json:"END,omitempty"`
	Interval *int `json:"INTERVAL,omitempty"`
}

// BigQueryTargetProperties configures an export into a Google BigQuery table
// (handler type "bigquery").
type BigQueryTargetProperties struct {
	// SelectedProfile is the dataset to write into. Required.
	SelectedProfile BigQueryProfile `json:"selected_profile"`
	// SelectedIdentity is the service account to write as. Required.
	SelectedIdentity BigQueryIdentity `json:"selected_identity" mammoth:"secret"`
	// Table is the table to write. Required.
	Table string `json:"table"`
	// ExportType says how rows are written (key exportType); empty leaves
	// the API's default, REPLACE.
	ExportType BigQueryExportType `json:"exportType,omitempty"`
	// UpsertKeys are the display names of the columns that identify a row
	// (key upsertKeys). Required with UPSERT, and only then.
	UpsertKeys []string `json:"upsertKeys,omitempty"`
	// Partition partitions the table; the zero value leaves it
	// unpartitioned.
	Partition BigQueryPartition `json:"partition,omitzero"`
	// Database and Host are passed to the API as is when not empty.
	Database string `json:"database,omitempty"`
	Host     string `json:"host,omitempty"`
	// Extra holds further keys, sent beside the others. A key a field above
	// sets wins over the same key here.
	Extra map[string]any `json:"-"`
}

// HandlerType returns [HandlerTypeBigQuery].
func (BigQueryTargetProperties) HandlerType() HandlerType { return HandlerTypeBigQuery }

// Validate reports a missing key, an unknown export type, upsert keys that do
// not match the export type, or a partition without a column.
func (p BigQueryTargetProperties) Validate() error {
	if err := firstError(
		requireKeys("selected_profile.name", p.SelectedProfile.Name, "table", p.Table),
		checkKnown("exportType", p.ExportType),
	); err != nil {
		return err
	}
	upsert := p.ExportType == BigQueryExportTypeUpsert
	switch {
	case len(p.SelectedProfile.Value) == 0:
		return tpError("selected_profile.value", "must list the project and dataset")
	case len(p.SelectedIdentity.IdentityConfig) == 0:
		return tpError("selected_identity.identity_config", "must not be empty")
	case upsert && len(p.UpsertKeys) == 0:
		return tpError("upsertKeys", "must name at least one column when exportType is UPSERT")
	case !upsert && len(p.UpsertKeys) > 0:
		return tpError("upsertKeys", "only apply when exportType is UPSERT")
	case slices.Contains(p.UpsertKeys, ""):
		return tpError("upsertKeys", "must not contain an empty column name")
	case p.Partition != (BigQueryPartition{}) && p.Partition.Field == "":
		return tpError("partition.FIELD", "must not be empty")
	}
	return nil
}

// MarshalJSON implements [json.Marshaler]: it writes each upsert key as
// {"column": {"display_name": …}} and merges Extra in.
func (p BigQueryTargetProperties) MarshalJSON() ([]byte, error) {
	type column struct {
		DisplayName string `json:"display_name"`
	}
	type upsertKey struct {
		Column column `json:"column"`
	}
	type plain BigQueryTargetProperties
	w := struct {
		plain
		UpsertKeys []upsertKey `json:"upsertKeys,omitempty"`
	}{plain: plain(p)}
	for _, k := range p.UpsertKeys {
		w.UpsertKeys = append(w.UpsertKeys, upsertKey{column{k}})
	}
	return marshalWithExtra(w, p.Extra)
}

// Format implements [fmt.Formatter], printing p with its identity redacted.
func (p BigQueryTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p BigQueryTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// AzureAppCredentials are the Microsoft Entra ID (Azure AD) app registration
// an Azure Blob, SharePoint or OneDrive export signs in with. All three are
// required.
type AzureAppCredentials struct {
	// TenantID is the directory (tenant) id.
	TenantID string `json:"tenant_id"`
	// ClientID is the application (client) id.
	ClientID string `json:"client_id"`
	// ClientSecret is the application's client secret.
	ClientSecret string `json:"client_secret" mammoth:"secret"`
}

// validate reports a missing credential.
func (c AzureAppCredentials) validate() error {
	return requireKeys("tenant_id", c.TenantID, "client_id", c.ClientID, "client_secret", c.ClientSecret)
}

// Format implements [fmt.Formatter], printing c with its secret redacted.
func (c AzureAppCredentials) Format(f fmt.State, verb rune) { formatRedacted(f, verb, c) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (c AzureAppCredentials) LogValue() slog.Value { return redactedLogValue(c) }

// AzureBlobTargetProperties configures an export to a file in Azure Blob
// Storage (handler type "azure_blob").
type AzureBlobTargetProperties struct {
	// AzureAppCredentials sign in to the storage account.
	AzureAppCredentials
	// StorageAccountName is the storage account. Required.
	StorageAccountName string `json:"storage_account_name"`
	// ContainerName is the container to write into. Required.
	ContainerName string `json:"container_name"`
	// FolderPath is the folder inside the container.
	FolderPath string `json:"folder_path,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
}

// HandlerType returns [HandlerTypeAzureBlob].
func (AzureBlobTargetProperties) HandlerType() HandlerType { return HandlerTypeAzureBlob }

// Validate reports a missing key.
func (p AzureBlobTargetProperties) Validate() error {
	return firstError(
		requireKeys("storage_account_name", p.StorageAccountName),
		p.AzureAppCredentials.validate(),
		requireKeys("container_name", p.ContainerName),
	)
}

// Format implements [fmt.Formatter], printing p with its client secret
// redacted.
func (p AzureBlobTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p AzureBlobTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// SharePointTargetProperties configures an export to a file in a SharePoint
// document library (handler type "sharepoint").
type SharePointTargetProperties struct {
	// AzureAppCredentials sign in to SharePoint.
	AzureAppCredentials
	// SiteURL is the SharePoint site's URL. Required.
	SiteURL string `json:"site_url"`
	// DocumentLibrary is the library to write into; empty leaves the API's
	// default, "Documents".
	DocumentLibrary string `json:"document_library,omitempty"`
	// FolderPath is the folder inside the library.
	FolderPath string `json:"folder_path,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
}

// HandlerType returns [HandlerTypeSharePoint].
func (SharePointTargetProperties) HandlerType() HandlerType { return HandlerTypeSharePoint }

// Validate reports a missing key.
func (p SharePointTargetProperties) Validate() error {
	return firstError(p.AzureAppCredentials.validate(), requireKeys("site_url", p.SiteURL))
}

// Format implements [fmt.Formatter], printing p with its client secret
// redacted.
func (p SharePointTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p SharePointTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// OneDriveTargetProperties configures an export to a file in a user's
// OneDrive (handler type "onedrive").
type OneDriveTargetProperties struct {
	// AzureAppCredentials sign in to OneDrive.
	AzureAppCredentials
	// UserID is the user whose OneDrive is written to. Required.
	UserID string `json:"user_id"`
	// FolderPath is the folder inside the drive.
	FolderPath string `json:"folder_path,omitempty"`
	// FileName is the name of the file to write.
	FileName string `json:"file_name,omitempty"`
}

// HandlerType returns [HandlerTypeOneDrive].
func (OneDriveTargetProperties) HandlerType() HandlerType { return HandlerTypeOneDrive }

// Validate reports a missing key.
func (p OneDriveTargetProperties) Validate() error {
	return firstError(p.AzureAppCredentials.validate(), requireKeys("user_id", p.UserID))
}

// Format implements [fmt.Formatter], printing p with its client secret
// redacted.
func (p OneDriveTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p OneDriveTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// TableauServerTargetProperties configures an export that publishes a data
// source to Tableau Server or Tableau Cloud (handler type "tableau_server"),
// signing in with a personal access token.
type TableauServerTargetProperties struct {
	// ServerURL is the server's URL. Required.
	ServerURL string `json:"server_url"`
	// TokenName and TokenSecret are the personal access token. Required.
	TokenName   string `json:"token_name"`
	TokenSecret string `json:"token_secret" mammoth:"secret"`
	// SiteName is the site's content URL; empty means the default site.
	SiteName string `json:"site_name,omitempty"`
	// ProjectName is the project to publish into; empty leaves the API's
	// default, "Default".
	ProjectName string `json:"project_name,omitempty"`
	// DatasourceName names the data source; empty leaves the API's default,
	// "mammoth_export".
	DatasourceName string `json:"datasource_name,omitempty"`
	// CABundlePath is a CA bundle to verify the server's certificate with.
	CABundlePath string `json:"ca_bundle_path,omitempty"`
}

// HandlerType returns [HandlerTypeTableauServer].
func (TableauServerTargetProperties) HandlerType() HandlerType { return HandlerTypeTableauServer }

// Validate reports a missing key.
func (p TableauServerTargetProperties) Validate() error {
	return requireKeys("server_url", p.ServerURL, "token_name", p.TokenName, "token_secret", p.TokenSecret)
}

// Format implements [fmt.Formatter], printing p with its token secret
// redacted.
func (p TableauServerTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p TableauServerTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// PowerBITargetProperties configures an export into a Power BI dataset
// (handler type "powerbi").
type PowerBITargetProperties struct {
	// Username and Password sign in to Power BI. Required.
	Username string `json:"username"`
	Password string `json:"password" mammoth:"secret"`
	// ClientID is the Azure application id (key clientId). Required.
	ClientID string `json:"clientId"`
	// Dataset is the dataset to write into. Required.
	Dataset string `json:"dataset"`
	// Table is the table to write. Required.
	Table string `json:"table"`
}

// HandlerType returns [HandlerTypePowerBI].
func (PowerBITargetProperties) HandlerType() HandlerType { return HandlerTypePowerBI }

// Validate reports a missing key.
func (p PowerBITargetProperties) Validate() error {
	return requireKeys("username", p.Username, "password", p.Password, "clientId", p.ClientID, "dataset", p.Dataset, "table", p.Table)
}

// Format implements [fmt.Formatter], printing p with its password
// redacted.
func (p PowerBITargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p PowerBITargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// RestAuthType says how a REST API export authenticates to its endpoint.
type RestAuthType string

// REST API authentication types.
const (
	// RestAuthTypeNone sends no credentials; the API's default.
	RestAuthTypeNone RestAuthType = "none"
	// RestAuthTypeAPIKey sends KeyValue under KeyName.
	RestAuthTypeAPIKey RestAuthType = "api_key"
	// RestAuthTypeBearer sends Token as a bearer token.
	RestAuthTypeBearer RestAuthType = "bearer"
	// RestAuthTypeBasic sends Username and Password with HTTP basic auth.
	RestAuthTypeBasic RestAuthType = "basic"
	// RestAuthTypeOAuth2AuthorizationCode gets access tokens from TokenURL
	// with ClientID, ClientSecret and RefreshToken.
	RestAuthTypeOAuth2AuthorizationCode RestAuthType = "oauth2_authorization_code"
)

var restAuthTypes = []RestAuthType{
	RestAuthTypeNone, RestAuthTypeAPIKey, RestAuthTypeBearer, RestAuthTypeBasic, RestAuthTypeOAuth2AuthorizationCode,
}

// Values returns every authentication type this version of the SDK knows.
func (RestAuthType) Values() []RestAuthType { return slices.Clone(restAuthTypes) }

// IsKnown reports whether t is one of [RestAuthType.Values].
func (t RestAuthType) IsKnown() bool { return slices.Contains(restAuthTypes, t) }

// HTTPMethod is the request method a REST API export sends its batches with.
type HTTPMethod string

// HTTP methods a REST API export can send with.
const (
	HTTPMethodPost  HTTPMethod = "POST"
	HTTPMethodPut   HTTPMethod = "PUT"
	HTTPMethodPatch HTTPMethod = "PATCH"
)

var httpMethods = []HTTPMethod{HTTPMethodPost, HTTPMethodPut, HTTPMethodPatch}

// Values returns every method this version of the SDK knows.
func (HTTPMethod) Values() []HTTPMethod { return slices.Clone(httpMethods) }

// IsKnown reports whether m is one of [HTTPMethod.Values].
func (m HTTPMethod) IsKnown() bool { return slices.Contains(httpMethods, m) }

// RESTAPITargetProperties configures an export that sends the rows, in
// batches of JSON, to an HTTP endpoint (handler type
// "generic_rest_api_export").
//
// The credentials of the chosen AuthType go flat beside the other keys; those
// of the other types must be left empty. Put credentials in those fields, not
// in the header maps, which are sent and printed as they are (a header named
// Authorization or X-API-Key excepted).
type RESTAPITargetProperties struct {
	// BaseURL is the endpoint's scheme and host, such as
	// "https://api.example.com". Required.
	BaseURL string `json:"base_url"`
	// EndpointPath is the path requests go to, such as "/v1/records".
	// Required.
	EndpointPath string `json:"endpoint_path"`
	// AuthType selects the credentials below; empty leaves the API's
	// default, none.
	AuthType RestAuthType `json:"auth_type,omitempty"`
	// HTTPMethod is the request method; empty leaves the API's default,
	// POST.
	HTTPMethod HTTPMethod `json:"http_method,omitempty"`
	// WrapPath is the key the rows are sent under in each request body;
	// empty leaves the API's default, "records".
	WrapPath string `json:"wrap_path,omitempty"`
	// BatchSize is the number of rows per request, 1 to 10000; 0 leaves the
	// API's default, 1000.
	BatchSize int `json:"batch_size,omitempty"`
	// TimeoutSeconds is each request's timeout, 5 to 300; 0 leaves the
	// API's default, 30.
	TimeoutSeconds int `json:"timeout_seconds,omitempty"`
	// RateLimitRequestsPerSecond caps the request rate; nil sends no cap.
	RateLimitRequestsPerSecond *float64 `json:"rate_limit_requests_per_second,omitempty"`
	// SSLVerify checks the endpoint's TLS certificate; nil leaves the API's
	// default, true.
	SSLVerify *bool `json:"ssl_verify,omitempty"`
	// DefaultHeaders and RequestHeaders are added to every request.
	DefaultHeaders map[string]string `json:"default_headers,omitempty"`
	RequestHeaders map[string]string `json:"request_headers,omitempty"`
	// QueryParams are added to every request's URL.
	QueryParams map[string]string `json:"query_params,omitempty"`
	// ExtraBodyFields are added to every request body beside the rows.
	ExtraBodyFields map[string]any `json:"extra_body_fields,omitempty"`

	// Token is the bearer token, for [RestAuthTypeBearer].
	Token string `json:"token,omitempty" mammoth:"secret"`
	// KeyName, KeyValue and KeyLocation are the API key, for
	// [RestAuthTypeAPIKey]: KeyValue is sent under the name KeyName, in the
	// place KeyLocation names (the API's own values, passed as is).
	KeyName     string `json:"key_name,omitempty"`
	KeyValue    string `json:"key_value,omitempty" mammoth:"secret"`
	KeyLocation string `json:"key_location,omitempty"`
	// Username and Password are for [RestAuthTypeBasic].
	Username string `json:"username,omitempty"`
	Password string `json:"password,omitempty" mammoth:"secret"`
	// TokenURL, ClientID, ClientSecret and RefreshToken are for
	// [RestAuthTypeOAuth2AuthorizationCode].
	TokenURL     string `json:"token_url,omitempty"`
	ClientID     string `json:"client_id,omitempty"`
	ClientSecret string `json:"client_secret,omitempty" mammoth:"secret"`
	RefreshToken string `json:"refresh_token,omitempty" mammoth:"secret"`

	// Extra holds further keys, sent beside the others. A key a field above
	// sets wins over the same key here.
	Extra map[string]any `json:"-"`
}

// HandlerType returns [HandlerTypeGenericRESTAPIExport].
func (RESTAPITargetProperties) HandlerType() HandlerType { return HandlerTypeGenericRESTAPIExport }

// Validate reports a missing key, an unknown auth type or method, a batch
// size or timeout out of range, or credentials that do not match AuthType.
func (p RESTAPITargetProperties) Validate() error {
	auth := cmp.Or(p.AuthType, RestAuthTypeNone)
	return firstError(
		requireKeys("base_url", p.BaseURL, "endpoint_path", p.EndpointPath),
		checkKnown("auth_type", p.AuthType),
		checkKnown("http_method", p.HTTPMethod),
		checkRange("batch_size", p.BatchSize, 1, 10000),
		checkRange("timeout_seconds", p.TimeoutSeconds, 5, 300),
		checkCredentials("auth_type", string(auth), []credential{
			{string(RestAuthTypeBearer), "token", p.Token, true},
			{string(RestAuthTypeAPIKey), "key_name", p.KeyName, true},
			{string(RestAuthTypeAPIKey), "key_value", p.KeyValue, true},
			{string(RestAuthTypeAPIKey), "key_location", p.KeyLocation, false},
			{string(RestAuthTypeBasic), "username", p.Username, true},
			{string(RestAuthTypeBasic), "password", p.Password, true},
			{string(RestAuthTypeOAuth2AuthorizationCode), "token_url", p.TokenURL, true},
			{string(RestAuthTypeOAuth2AuthorizationCode), "client_id", p.ClientID, true},
			{string(RestAuthTypeOAuth2AuthorizationCode), "client_secret", p.ClientSecret, true},
			{string(RestAuthTypeOAuth2AuthorizationCode), "refresh_token", p.RefreshToken, true},
		}),
	)
}

// MarshalJSON implements [json.Marshaler], merging Extra in.
func (p RESTAPITargetProperties) MarshalJSON() ([]byte, error) {
	type plain RESTAPITargetProperties
	return marshalWithExtra(plain(p), p.Extra)
}

// Format implements [fmt.Formatter], printing p with its credentials
// redacted.
func (p RESTAPITargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p RESTAPITargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// PublishDBTargetProperties configures a pipeline export that publishes the
// dataview into a Mammoth-managed database (handler type "publishdb"). It is
// not the body of [ExportsService.PublishToDB], which takes a
// [PublishToDBRequest].
type PublishDBTargetProperties struct {
	// OdbcType is the database kind. Required.
	OdbcType OdbcType `json:"odbc_type"`
	// Table is the table to write. Required.
	Table string `json:"table"`
	// Database, ProjectID and Dataset locate the table when the managed
	// connection does not: a database for postgres, a project and dataset
	// for bigquery.
	Database  string `json:"database,omitempty"`
	ProjectID string `json:"project_id,omitempty"`
	Dataset   string `json:"dataset,omitempty"`
}

// HandlerType returns [HandlerTypePublishDB].
func (PublishDBTargetProperties) HandlerType() HandlerType { return HandlerTypePublishDB }

// Validate reports a missing key.
func (p PublishDBTargetProperties) Validate() error {
	return requireKeys("odbc_type", string(p.OdbcType), "table", p.Table)
}

// tpError reports an invalid target_properties key.
func tpError(key, reason string) error {
	return &ValidationError{Field: "target_properties." + key, Reason: reason}
}

// firstError returns the first non-nil error in errs.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// requireKeys reports the first blank value; kv alternates keys and values.
func requireKeys(kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if strings.TrimSpace(kv[i+1]) == "" {
			return tpError(kv[i], "must not be empty")
		}
	}
	return nil
}

// checkRange reports v outside lo..hi; 0 means unset and passes.
func checkRange(key string, v, lo, hi int) error {
	if v != 0 && (v < lo || v > hi) {
		return tpError(key, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
	return nil
}

func checkPort(port int) error { return checkRange("port", port, 1, 65535) }

// checkKnown reports a value outside its enum; empty means unset and passes.
func checkKnown[T interface {
	~string
	IsKnown() bool
}](key string, v T) error {
	if v != "" && !v.IsKnown() {
		return tpError(key, fmt.Sprintf("%q is not a known value", v))
	}
	return nil
}

// credential is a key that belongs to one way of logging in.
type credential struct {
	mode, key, value string
	required         bool
}

// checkCredentials reports a missing credential of the chosen mode (the
// value of modeKey) and any credential set for another mode.
func checkCredentials(modeKey, mode string, creds []credential) error {
	for _, c := range creds {
		switch {
		case c.mode == mode && c.required && strings.TrimSpace(c.value) == "":
			return tpError(c.key, "must not be empty when "+modeKey+" is "+mode)
		case c.mode != mode && c.value != "":
			return tpError(c.key, "is only sent when "+modeKey+" is "+c.mode)
		}
	}
	return nil
}

// marshalWithExtra encodes v, an object, with the keys of extra it does not
// set itself.
func marshalWithExtra(v any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	merged := make(map[string]any, len(extra)+len(fields))
	maps.Copy(merged, extra)
	for k, raw := range fields {
		merged[k] = raw
	}
	return json.Marshal(merged)
}

// secretPlaceholder stands in for a secret wherever the SDK prints one.
const secretPlaceholder = "[REDACTED]"

// secretKeys are the target_properties keys (in lower case) whose values are
// secrets. Every field tagged mammoth:"secret" has its key here.
var secretKeys = map[string]bool{
	"password": true, "private_key": true, "passphrase": true,
	"client_secret": true, "token": true, "key_value": true,
	"refresh_token": true, "token_secret": true, "access_token": true,
	"api_key": true, "api_secret": true, "secret": true,
	"service_account_json": true, "identity_config": true, "selected_identity": true,
	// header names, for the header maps of a REST API export
	"authorization": true, "proxy-authorization": true, "x-api-key": true, "x-api-secret": true,
}

// RedactedTargetProperties returns the JSON form of tp, as the API receives
// it, with the value of every secret key replaced by "[REDACTED]", at any depth:
// passwords, private keys, passphrases, client secrets, tokens, API keys,
// service-account identities and authorization headers. Use it to log target
// properties; it works for [RawTargetProperties] too, by key name. It returns
// nil when tp is nil or does not encode to a JSON object.
func RedactedTargetProperties(tp TargetProperties) map[string]any {
	if isNil(tp) {
		return nil
	}
	return redactedJSON(tp)
}

// redactedJSON returns v's JSON object form with secrets redacted.
func redactedJSON(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return nil
	}
	return redactValue(m).(map[string]any)
}

// redactValue returns a copy of v with the values of secret keys replaced,
// looking inside maps and slices; other values are returned as they are.
func redactValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			if secretKeys[strings.ToLower(k)] && !isEmptyValue(e) {
				out[k] = secretPlaceholder
			} else {
				out[k] = redactValue(e)
			}
		}
		return out
	case map[string]string:
		out := make(map[string]string, len(v))
		for k, e := range v {
			if secretKeys[strings.ToLower(k)] && e != "" {
				e = secretPlaceholder
			}
			out[k] = e
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = redactValue(e)
		}
		return out
	}
	return v
}

// isEmptyValue reports whether a secret's value is absent: nil, "" or empty.
func isEmptyValue(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Map, reflect.Slice:
		return rv.Len() == 0
	}
	return false
}

// redactedLogValue logs v's redacted JSON form.
func redactedLogValue(v any) slog.Value { return slog.AnyValue(redactedJSON(v)) }

// formatRedacted prints the struct v as fmt prints a struct with the verbs
// %v, %+v and %#v (any other verb prints as %v), except that the non-zero
// fields tagged mammoth:"secret" print as "[REDACTED]" and maps have their
// secret keys redacted. Fields print through their own Format methods.
func formatRedacted(f fmt.State, verb rune, v any) {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	sharp := verb == 'v' && f.Flag('#')
	plus := f.Flag('+') && !sharp
	inner, sep, secret := "%v", " ", secretPlaceholder
	switch {
	case sharp:
		inner, sep, secret = "%#v", ", ", strconv.Quote(secretPlaceholder)
		io.WriteString(f, rt.String())
	case plus:
		inner = "%+v"
	}
	io.WriteString(f, "{")
	for i := range rt.NumField() {
		sf, fv := rt.Field(i), rv.Field(i)
		if !sf.IsExported() {
			continue
		}
		if i > 0 {
			io.WriteString(f, sep)
		}
		if sharp || plus {
			io.WriteString(f, sf.Name+":")
		}
		if sf.Tag.Get("mammoth") == "secret" && !fv.IsZero() {
			io.WriteString(f, secret)
			continue
		}
		fmt.Fprintf(f, inner, redactValue(fv.Interface()))
	}
	io.WriteString(f, "}")
}
