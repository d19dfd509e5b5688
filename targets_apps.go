package mammoth

import (
	"cmp"
	"fmt"
	"log/slog"
	"slices"
	"strings"
)

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

// Format implements [fmt.Formatter], printing p with the values of
// secret-looking keys of its maps redacted.
func (p InternalDatasetTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p InternalDatasetTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

// MarshalJSON implements [json.Marshaler], writing p with the values of
// secret-looking keys of its maps redacted; [WireJSON] writes them in the
// clear.
func (p InternalDatasetTargetProperties) MarshalJSON() ([]byte, error) {
	return redactedJSON(p)
}

func (p InternalDatasetTargetProperties) wireValue(depth int) any {
	type plain InternalDatasetTargetProperties
	w := plain(p)
	w.Transform = wireProps(p.Transform, depth)
	return w
}

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

// MarshalJSON implements [json.Marshaler], writing id with its
// configuration redacted; [WireJSON] writes it in the clear.
func (id BigQueryIdentity) MarshalJSON() ([]byte, error) { return redactedJSON(id) }

func (id BigQueryIdentity) wireValue(depth int) any {
	type plain BigQueryIdentity
	w := plain(id)
	w.IdentityConfig = wireProps(id.IdentityConfig, depth)
	return w
}

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

// MarshalJSON implements [json.Marshaler], writing the JSON form the API
// receives (each upsert key as {"column": {"display_name": …}}, Extra
// merged in) with the identity and the values of secret-looking keys of
// Extra redacted; [WireJSON] writes them in the clear.
func (p BigQueryTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p BigQueryTargetProperties) wireValue(depth int) any {
	type column struct {
		DisplayName string `json:"display_name"`
	}
	type upsertKey struct {
		Column column `json:"column"`
	}
	type plain BigQueryTargetProperties
	// The first two fields shadow those of plain, keeping the key order;
	// upsertKeys goes last.
	w := struct {
		SelectedProfile  BigQueryProfile `json:"selected_profile"`
		SelectedIdentity any             `json:"selected_identity"`
		plain
		UpsertKeys []upsertKey `json:"upsertKeys,omitempty"`
	}{SelectedProfile: p.SelectedProfile, SelectedIdentity: p.SelectedIdentity.wireValue(depth + 1), plain: plain(p)}
	for _, k := range p.UpsertKeys {
		w.UpsertKeys = append(w.UpsertKeys, upsertKey{column{k}})
	}
	return withExtra{w, wireProps(p.Extra, depth)}
}

// Format implements [fmt.Formatter], printing p with its identity redacted.
func (p BigQueryTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p BigQueryTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

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

// MarshalJSON implements [json.Marshaler], writing p with its secret
// redacted; [WireJSON] writes it in the clear.
func (p TableauServerTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p TableauServerTargetProperties) wireValue(depth int) any {
	type plain TableauServerTargetProperties
	return plain(p)
}

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

// MarshalJSON implements [json.Marshaler], writing p with its secret
// redacted; [WireJSON] writes it in the clear.
func (p PowerBITargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p PowerBITargetProperties) wireValue(depth int) any {
	type plain PowerBITargetProperties
	return plain(p)
}

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
// of the other types must be left empty. Credentials in the header, query
// and body maps are sent as they are and printed redacted when their key
// looks secret (Authorization, X-API-Key, api_key, sig, …: see the package
// documentation); one under a name that does not look secret prints as it
// is, so put credentials in the fields above.
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

// MarshalJSON implements [json.Marshaler], writing the JSON form the API
// receives (Extra merged in) with the credentials, and the values of
// secret-looking keys of the maps, redacted; [WireJSON] writes them in the
// clear.
func (p RESTAPITargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p RESTAPITargetProperties) wireValue(depth int) any {
	type plain RESTAPITargetProperties
	w := plain(p)
	w.ExtraBodyFields = wireProps(p.ExtraBodyFields, depth)
	return withExtra{w, wireProps(p.Extra, depth)}
}

// Format implements [fmt.Formatter], printing p with its credentials
// redacted.
func (p RESTAPITargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p RESTAPITargetProperties) LogValue() slog.Value { return redactedLogValue(p) }
