package mammoth

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTargetProperties_MarshalExactlyTheKeysTheAPIExpects(t *testing.T) {
	t.Parallel()
	for _, ex := range tpExamples() {
		t.Run(ex.name, func(t *testing.T) {
			require.NoError(t, ex.props.Validate())
			assert.Equal(t, ex.handler, ex.props.HandlerType())
			got, err := WireJSON(ex.props)
			require.NoError(t, err)
			assert.JSONEq(t, ex.json, string(got))

			// json.Marshal writes the same keys, secrets redacted.
			redacted, err := json.Marshal(ex.props)
			require.NoError(t, err)
			var wireKeys, redactedKeys map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(got, &wireKeys))
			require.NoError(t, json.Unmarshal(redacted, &redactedKeys))
			assert.ElementsMatch(t, slices.Collect(maps.Keys(wireKeys)), slices.Collect(maps.Keys(redactedKeys)))
			for _, secret := range ex.secrets {
				assert.NotContains(t, string(redacted), secret)
			}
			if len(ex.secrets) > 0 {
				assert.Contains(t, string(redacted), `"[REDACTED]"`)
			} else {
				assert.JSONEq(t, ex.json, string(redacted), "nothing to redact")
			}
		})
	}
}

func TestTargetProperties_AddExportSpecCarriesThemWithTheirHandlerType(t *testing.T) {
	t.Parallel()
	for _, ex := range tpExamples() {
		t.Run(ex.name, func(t *testing.T) {
			spec := AddExportSpec{DataviewID: 2311, HandlerType: ex.handler, TriggerType: TriggerTypeNone, TargetProperties: ex.props}
			b, err := WireJSON(spec)
			require.NoError(t, err)
			var wire struct {
				HandlerType      HandlerType     `json:"handler_type"`
				TargetProperties json.RawMessage `json:"target_properties"`
			}
			require.NoError(t, json.Unmarshal(b, &wire))
			assert.Equal(t, ex.handler, wire.HandlerType)
			assert.JSONEq(t, ex.json, string(wire.TargetProperties))
		})
	}
}

// tpRecorded is what the test server saw of one request.
type tpRecorded struct {
	method, path string
	body         []byte
}

// tpServer starts an API stand-in that records each request and answers it
// with a 202 job, and returns a client pointed at it.
func tpServer(t *testing.T) (*Client, func() []tpRecorded) {
	t.Helper()
	var (
		mu   sync.Mutex
		seen []tpRecorded
	)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		seen = append(seen, tpRecorded{r.Method, r.URL.Path, body})
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, `{"job":{"id":77,"status":"processing","response":{}}}`)
	}))
	t.Cleanup(srv.Close)
	client, err := NewClient("key", "secret", WithBaseURL(srv.URL+"/api/v2"))
	require.NoError(t, err)
	return client, func() []tpRecorded {
		mu.Lock()
		defer mu.Unlock()
		return append([]tpRecorded(nil), seen...)
	}
}

var tpRef = DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}

func TestTargetProperties_AddExportSendsExactlyTheTypedProperties(t *testing.T) {
	t.Parallel()
	for _, ex := range tpExamples() {
		t.Run(ex.name, func(t *testing.T) {
			t.Parallel()
			client, requests := tpServer(t)
			change, err := client.Exports.AddExport(context.Background(), tpRef, &AddExportSpec{
				HandlerType: ex.handler, TriggerType: TriggerTypePipeline, TargetProperties: ex.props, RunImmediately: true,
			})
			require.NoError(t, err)
			id, ok := change.JobID()
			assert.True(t, ok)
			assert.Equal(t, 77, id)

			got := requests()
			require.Len(t, got, 1)
			assert.Equal(t, http.MethodPost, got[0].method)
			assert.Equal(t, "/api/v2/workspaces/4/projects/7/datasets/121/dataviews/2311/pipeline/exports", got[0].path)
			var body struct {
				DataviewID       int             `json:"DATAVIEW_ID"`
				HandlerType      HandlerType     `json:"handler_type"`
				TargetProperties json.RawMessage `json:"target_properties"`
			}
			require.NoError(t, json.Unmarshal(got[0].body, &body))
			assert.Equal(t, 2311, body.DataviewID)
			assert.Equal(t, ex.handler, body.HandlerType)
			assert.JSONEq(t, ex.json, string(body.TargetProperties))
		})
	}
}

func TestTargetProperties_InvalidPropertiesAreRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	client, requests := tpServer(t)
	_, err := client.Exports.AddExport(context.Background(), tpRef, &AddExportSpec{
		HandlerType: HandlerTypeFTP, TriggerType: TriggerTypeNone,
		TargetProperties: FTPTargetProperties{Domain: "ftp.example.com", Username: "loader", Directory: "/", File: "a.csv"},
	})
	var verr *ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "target_properties.password", verr.Field)

	_, err = client.Exports.AddExport(context.Background(), tpRef, &AddExportSpec{
		HandlerType: HandlerTypeMySQL, TriggerType: TriggerTypeNone, TargetProperties: tpDatabase(HandlerTypePostgres),
	})
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "spec.TargetProperties", verr.Field, "properties for postgres sent as mysql")
	assert.Empty(t, requests())
}

// tpChanged returns a copy of p changed by change.
func tpChanged[T TargetProperties](p T, change func(*T)) TargetProperties {
	change(&p)
	return p
}

func TestTargetProperties_ValidateNamesTheOffendingKey(t *testing.T) {
	t.Parallel()
	db := tpDatabase(HandlerTypePostgres)
	ftp := FTPTargetProperties{Domain: "ftp.example.com", Username: "loader", Password: "ftp-pass", Directory: "/out", File: "sales.csv"}
	sftp := SFTPTargetProperties{Host: "sftp.example.com", Username: "loader", Password: "sftp-pass"}
	es := ElasticsearchTargetProperties{Host: "es.example.com", Username: "elastic", Password: "es-pass", Index: "sales", Connection: ElasticsearchConnectionHTTPS}
	bq := tpBigQueryMinimal
	blob := AzureBlobTargetProperties{AzureAppCredentials: tpAzure, StorageAccountName: "acmestore", ContainerName: "exports"}
	sharepoint := SharePointTargetProperties{AzureAppCredentials: tpAzure, SiteURL: "https://acme.sharepoint.com"}
	onedrive := OneDriveTargetProperties{AzureAppCredentials: tpAzure, UserID: "ops@acme.com"}
	tableau := TableauServerTargetProperties{ServerURL: "https://tableau.example.com", TokenName: "mammoth", TokenSecret: "tableau-token-secret"}
	powerbi := PowerBITargetProperties{Username: "ops@acme.com", Password: "powerbi-pass", ClientID: "pbi-app", Dataset: "Sales", Table: "orders"}
	rest := tpREST
	publishdb := PublishDBTargetProperties{OdbcType: OdbcTypePostgres, Table: "sales"}

	tests := []struct {
		name  string
		props TargetProperties
		field string
	}{
		{"database needs a handler", tpChanged(db, func(p *DatabaseTargetProperties) { p.Handler = "" }), "DatabaseTargetProperties.Handler"},
		{"database handler must be a SQL database", tpChanged(db, func(p *DatabaseTargetProperties) { p.Handler = HandlerTypeFTP }), "DatabaseTargetProperties.Handler"},
		{"database needs host", tpChanged(db, func(p *DatabaseTargetProperties) { p.Host = "" }), "target_properties.host"},
		{"database needs username", tpChanged(db, func(p *DatabaseTargetProperties) { p.Username = "" }), "target_properties.username"},
		{"database needs password", tpChanged(db, func(p *DatabaseTargetProperties) { p.Password = "" }), "target_properties.password"},
		{"database needs database", tpChanged(db, func(p *DatabaseTargetProperties) { p.Database = "" }), "target_properties.database"},
		{"database needs table", tpChanged(db, func(p *DatabaseTargetProperties) { p.Table = " " }), "target_properties.table"},
		{"database port at most 65535", tpChanged(db, func(p *DatabaseTargetProperties) { p.Port = 70000 }), "target_properties.port"},
		{"database port not negative", tpChanged(db, func(p *DatabaseTargetProperties) { p.Port = -1 }), "target_properties.port"},

		{"ftp needs domain", tpChanged(ftp, func(p *FTPTargetProperties) { p.Domain = "" }), "target_properties.domain"},
		{"ftp needs username", tpChanged(ftp, func(p *FTPTargetProperties) { p.Username = "" }), "target_properties.username"},
		{"ftp needs password", tpChanged(ftp, func(p *FTPTargetProperties) { p.Password = "" }), "target_properties.password"},
		{"ftp needs directory", tpChanged(ftp, func(p *FTPTargetProperties) { p.Directory = "" }), "target_properties.directory"},
		{"ftp needs file", tpChanged(ftp, func(p *FTPTargetProperties) { p.File = "" }), "target_properties.file"},
		{"ftp port in range", tpChanged(ftp, func(p *FTPTargetProperties) { p.Port = 65536 }), "target_properties.port"},

		{"sftp needs host", tpChanged(sftp, func(p *SFTPTargetProperties) { p.Host = "" }), "target_properties.host"},
		{"sftp needs username", tpChanged(sftp, func(p *SFTPTargetProperties) { p.Username = "" }), "target_properties.username"},
		{"sftp port in range", tpChanged(sftp, func(p *SFTPTargetProperties) { p.Port = -22 }), "target_properties.port"},
		{"sftp without key auth needs password", tpChanged(sftp, func(p *SFTPTargetProperties) { p.Password = "" }), "target_properties.password"},
		{"sftp without key auth sends no private key", tpChanged(sftp, func(p *SFTPTargetProperties) { p.PrivateKey = "pem" }), "target_properties.private_key"},
		{"sftp without key auth sends no passphrase", tpChanged(sftp, func(p *SFTPTargetProperties) { p.Passphrase = "x" }), "target_properties.passphrase"},
		{"sftp key auth needs private key", tpChanged(sftp, func(p *SFTPTargetProperties) { p.SSHKeyAuthentication, p.Password = true, "" }), "target_properties.private_key"},
		{"sftp key auth sends no password", tpChanged(sftp, func(p *SFTPTargetProperties) { p.SSHKeyAuthentication, p.PrivateKey = true, "pem" }), "target_properties.password"},

		{"email needs a recipient", EmailTargetProperties{}, "target_properties.emails"},
		{"email recipients are not blank", EmailTargetProperties{Emails: []string{"a@example.com", ""}}, "target_properties.emails[1]"},

		{"elasticsearch needs host", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.Host = "" }), "target_properties.host"},
		{"elasticsearch needs username", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.Username = "" }), "target_properties.username"},
		{"elasticsearch needs password", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.Password = "" }), "target_properties.password"},
		{"elasticsearch needs index", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.Index = "" }), "target_properties.index"},
		{"elasticsearch needs connection", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.Connection = "" }), "target_properties.connection"},
		{"elasticsearch connection is http or https", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.Connection = "ftp" }), "target_properties.connection"},
		{"elasticsearch port in range", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.Port = 99999 }), "target_properties.port"},
		{"elasticsearch chunk size not negative", tpChanged(es, func(p *ElasticsearchTargetProperties) { p.ChunkSize = -5 }), "target_properties.chunksize"},

		{"bigquery needs profile name", tpChanged(bq, func(p *BigQueryTargetProperties) { p.SelectedProfile.Name = "" }), "target_properties.selected_profile.name"},
		{"bigquery needs profile value", tpChanged(bq, func(p *BigQueryTargetProperties) { p.SelectedProfile.Value = nil }), "target_properties.selected_profile.value"},
		{"bigquery needs identity config", tpChanged(bq, func(p *BigQueryTargetProperties) { p.SelectedIdentity = BigQueryIdentity{} }), "target_properties.selected_identity.identity_config"},
		{"bigquery needs table", tpChanged(bq, func(p *BigQueryTargetProperties) { p.Table = "" }), "target_properties.table"},
		{"bigquery export type is known", tpChanged(bq, func(p *BigQueryTargetProperties) { p.ExportType = "MERGE" }), "target_properties.exportType"},
		{"bigquery upsert needs upsert keys", tpChanged(bq, func(p *BigQueryTargetProperties) { p.ExportType = BigQueryExportTypeUpsert }), "target_properties.upsertKeys"},
		{"bigquery upsert keys only with upsert", tpChanged(bq, func(p *BigQueryTargetProperties) { p.UpsertKeys = []string{"id"} }), "target_properties.upsertKeys"},
		{"bigquery upsert keys not blank", tpChanged(bq, func(p *BigQueryTargetProperties) {
			p.ExportType, p.UpsertKeys = BigQueryExportTypeUpsert, []string{"id", ""}
		}), "target_properties.upsertKeys"},
		{"bigquery partition needs field", tpChanged(bq, func(p *BigQueryTargetProperties) { p.Partition.Granularity = "DAY" }), "target_properties.partition.FIELD"},

		{"azure blob needs storage account", tpChanged(blob, func(p *AzureBlobTargetProperties) { p.StorageAccountName = "" }), "target_properties.storage_account_name"},
		{"azure blob needs tenant", tpChanged(blob, func(p *AzureBlobTargetProperties) { p.TenantID = "" }), "target_properties.tenant_id"},
		{"azure blob needs client id", tpChanged(blob, func(p *AzureBlobTargetProperties) { p.ClientID = "" }), "target_properties.client_id"},
		{"azure blob needs client secret", tpChanged(blob, func(p *AzureBlobTargetProperties) { p.ClientSecret = "" }), "target_properties.client_secret"},
		{"azure blob needs container", tpChanged(blob, func(p *AzureBlobTargetProperties) { p.ContainerName = "" }), "target_properties.container_name"},

		{"sharepoint needs tenant", tpChanged(sharepoint, func(p *SharePointTargetProperties) { p.TenantID = "" }), "target_properties.tenant_id"},
		{"sharepoint needs client id", tpChanged(sharepoint, func(p *SharePointTargetProperties) { p.ClientID = "" }), "target_properties.client_id"},
		{"sharepoint needs client secret", tpChanged(sharepoint, func(p *SharePointTargetProperties) { p.ClientSecret = "" }), "target_properties.client_secret"},
		{"sharepoint needs site url", tpChanged(sharepoint, func(p *SharePointTargetProperties) { p.SiteURL = "" }), "target_properties.site_url"},

		{"onedrive needs tenant", tpChanged(onedrive, func(p *OneDriveTargetProperties) { p.TenantID = "" }), "target_properties.tenant_id"},
		{"onedrive needs client id", tpChanged(onedrive, func(p *OneDriveTargetProperties) { p.ClientID = "" }), "target_properties.client_id"},
		{"onedrive needs client secret", tpChanged(onedrive, func(p *OneDriveTargetProperties) { p.ClientSecret = "" }), "target_properties.client_secret"},
		{"onedrive needs user id", tpChanged(onedrive, func(p *OneDriveTargetProperties) { p.UserID = "" }), "target_properties.user_id"},

		{"tableau needs server url", tpChanged(tableau, func(p *TableauServerTargetProperties) { p.ServerURL = "" }), "target_properties.server_url"},
		{"tableau needs token name", tpChanged(tableau, func(p *TableauServerTargetProperties) { p.TokenName = "" }), "target_properties.token_name"},
		{"tableau needs token secret", tpChanged(tableau, func(p *TableauServerTargetProperties) { p.TokenSecret = "" }), "target_properties.token_secret"},

		{"power bi needs username", tpChanged(powerbi, func(p *PowerBITargetProperties) { p.Username = "" }), "target_properties.username"},
		{"power bi needs password", tpChanged(powerbi, func(p *PowerBITargetProperties) { p.Password = "" }), "target_properties.password"},
		{"power bi needs clientId", tpChanged(powerbi, func(p *PowerBITargetProperties) { p.ClientID = "" }), "target_properties.clientId"},
		{"power bi needs dataset", tpChanged(powerbi, func(p *PowerBITargetProperties) { p.Dataset = "" }), "target_properties.dataset"},
		{"power bi needs table", tpChanged(powerbi, func(p *PowerBITargetProperties) { p.Table = "" }), "target_properties.table"},

		{"rest needs base url", tpChanged(rest, func(p *RESTAPITargetProperties) { p.BaseURL = "" }), "target_properties.base_url"},
		{"rest needs endpoint path", tpChanged(rest, func(p *RESTAPITargetProperties) { p.EndpointPath = "" }), "target_properties.endpoint_path"},
		{"rest auth type is known", tpChanged(rest, func(p *RESTAPITargetProperties) { p.AuthType = "digest" }), "target_properties.auth_type"},
		{"rest method is known", tpChanged(rest, func(p *RESTAPITargetProperties) { p.HTTPMethod = "GET" }), "target_properties.http_method"},
		{"rest batch size at least 1", tpChanged(rest, func(p *RESTAPITargetProperties) { p.BatchSize = -1 }), "target_properties.batch_size"},
		{"rest batch size at most 10000", tpChanged(rest, func(p *RESTAPITargetProperties) { p.BatchSize = 10001 }), "target_properties.batch_size"},
		{"rest timeout at least 5", tpChanged(rest, func(p *RESTAPITargetProperties) { p.TimeoutSeconds = 4 }), "target_properties.timeout_seconds"},
		{"rest timeout at most 300", tpChanged(rest, func(p *RESTAPITargetProperties) { p.TimeoutSeconds = 301 }), "target_properties.timeout_seconds"},
		{"rest bearer needs token", tpChanged(rest, func(p *RESTAPITargetProperties) { p.AuthType = RestAuthTypeBearer }), "target_properties.token"},
		{"rest api key needs key name", tpChanged(rest, func(p *RESTAPITargetProperties) { p.AuthType, p.KeyValue = RestAuthTypeAPIKey, "v" }), "target_properties.key_name"},
		{"rest api key needs key value", tpChanged(rest, func(p *RESTAPITargetProperties) { p.AuthType, p.KeyName = RestAuthTypeAPIKey, "X-Key" }), "target_properties.key_value"},
		{"rest basic needs username", tpChanged(rest, func(p *RESTAPITargetProperties) { p.AuthType, p.Password = RestAuthTypeBasic, "pw" }), "target_properties.username"},
		{"rest basic needs password", tpChanged(rest, func(p *RESTAPITargetProperties) { p.AuthType, p.Username = RestAuthTypeBasic, "u" }), "target_properties.password"},
		{"rest oauth2 needs token url", tpChanged(rest, func(p *RESTAPITargetProperties) {
			p.AuthType, p.ClientID, p.ClientSecret, p.RefreshToken = RestAuthTypeOAuth2AuthorizationCode, "c", "s", "r"
		}), "target_properties.token_url"},
		{"rest oauth2 needs refresh token", tpChanged(rest, func(p *RESTAPITargetProperties) {
			p.AuthType, p.TokenURL, p.ClientID, p.ClientSecret = RestAuthTypeOAuth2AuthorizationCode, "https://a/t", "c", "s"
		}), "target_properties.refresh_token"},
		{"rest without auth sends no token", tpChanged(rest, func(p *RESTAPITargetProperties) { p.Token = "t" }), "target_properties.token"},
		{"rest bearer sends no basic password", tpChanged(rest, func(p *RESTAPITargetProperties) {
			p.AuthType, p.Token, p.Password = RestAuthTypeBearer, "t", "pw"
		}), "target_properties.password"},

		{"publishdb needs odbc type", tpChanged(publishdb, func(p *PublishDBTargetProperties) { p.OdbcType = "" }), "target_properties.odbc_type"},
		{"publishdb needs table", tpChanged(publishdb, func(p *PublishDBTargetProperties) { p.Table = "" }), "target_properties.table"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.props.Validate()
			var verr *ValidationError
			require.ErrorAs(t, err, &verr)
			assert.Equal(t, tt.field, verr.Field)
			assert.NotEmpty(t, verr.Reason)
		})
	}
}

func TestTargetProperties_DefaultPorts(t *testing.T) {
	t.Parallel()
	want := map[HandlerType]int{
		HandlerTypePostgres: 5432, HandlerTypeMySQL: 3306, HandlerTypeMSSQL: 1433, HandlerTypeRedshift: 5439,
		HandlerTypeFTP: 21, HandlerTypeSFTP: 22, HandlerTypeElasticsearch: 9243,
		HandlerTypeS3: 0, HandlerTypeBigQuery: 0, "unknown": 0,
	}
	for h, port := range want {
		assert.Equal(t, port, DefaultPort(h), h)
	}
}

func TestTargetProperties_ExtraKeysNeverOverrideTypedKeys(t *testing.T) {
	t.Parallel()
	rest := tpREST
	rest.Extra = map[string]any{"base_url": "https://evil.example.com", "custom": true}
	b, err := json.Marshal(rest)
	require.NoError(t, err)
	assert.JSONEq(t, `{`+tpRESTJSON+`,"custom":true}`, string(b))

	rest.Extra = map[string]any{"bad": make(chan int)}
	_, err = json.Marshal(rest)
	var unsupported *json.UnsupportedTypeError
	assert.True(t, errors.As(err, &unsupported), "an Extra value that is not JSON is an error, not dropped: %v", err)
}

func TestTargetProperties_EnumsListTheirValues(t *testing.T) {
	t.Parallel()
	assert.Equal(t, []BigQueryExportType{"REPLACE", "COMBINE", "UPSERT"}, BigQueryExportType("").Values())
	assert.Equal(t, []RestAuthType{"none", "api_key", "bearer", "basic", "oauth2_authorization_code"}, RestAuthType("").Values())
	assert.Equal(t, []HTTPMethod{"POST", "PUT", "PATCH"}, HTTPMethod("").Values())
	assert.Equal(t, []ElasticsearchConnection{"http", "https"}, ElasticsearchConnection("").Values())
	assert.True(t, BigQueryExportTypeUpsert.IsKnown())
	assert.False(t, BigQueryExportType("upsert").IsKnown(), "values are case-sensitive")
	assert.False(t, HTTPMethod("GET").IsKnown())
	assert.False(t, RestAuthType("digest").IsKnown())
	assert.False(t, ElasticsearchConnection("HTTPS").IsKnown())
}
