package mammoth

import (
	"cmp"
	"fmt"
	"log/slog"
	"slices"
)

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
	// [HandlerTypeMySQL], [HandlerTypeMSSQL] or [HandlerTypeRedshift]. It
	// is not sent inside target_properties. Empty takes the handler type of
	// the [AddExportSpec] the properties are sent in (the spec passed in is
	// not changed); on its own, empty fails [DatabaseTargetProperties.Validate].
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

// MarshalJSON implements [json.Marshaler], writing the JSON form the API
// receives (the default port filled in) with the password redacted;
// [WireJSON] writes it in the clear.
func (p DatabaseTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p DatabaseTargetProperties) wireValue(depth int) any {
	type plain DatabaseTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[p.Handler])
	return w
}

// Format implements [fmt.Formatter], printing p with its password
// redacted.
func (p DatabaseTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p DatabaseTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

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

// MarshalJSON implements [json.Marshaler], writing the JSON form the API
// receives (the default port and chunk size filled in) with the password
// redacted; [WireJSON] writes it in the clear.
func (p ElasticsearchTargetProperties) MarshalJSON() ([]byte, error) {
	return redactedJSON(p)
}

func (p ElasticsearchTargetProperties) wireValue(depth int) any {
	type plain ElasticsearchTargetProperties
	w := plain(p)
	w.Port = cmp.Or(w.Port, defaultPorts[HandlerTypeElasticsearch])
	w.ChunkSize = cmp.Or(w.ChunkSize, DefaultElasticsearchChunkSize)
	return w
}

// Format implements [fmt.Formatter], printing p with its password
// redacted.
func (p ElasticsearchTargetProperties) Format(f fmt.State, verb rune) { formatRedacted(f, verb, p) }

// LogValue implements [slog.LogValuer], logging the redacted JSON form.
func (p ElasticsearchTargetProperties) LogValue() slog.Value { return redactedLogValue(p) }

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

// defaultDatabaseHandler returns tp with an empty
// [DatabaseTargetProperties.Handler] taken from the spec's handler type h,
// as a copy: the caller's value is not changed.
func defaultDatabaseHandler(tp TargetProperties, h HandlerType) TargetProperties {
	switch p := tp.(type) {
	case DatabaseTargetProperties:
		if p.Handler == "" {
			p.Handler = h
		}
		return p
	case *DatabaseTargetProperties:
		if p != nil && p.Handler == "" {
			c := *p
			c.Handler = h
			return c
		}
	}
	return tp
}
