package mammoth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// tpExample is a valid set of target properties, the exact target_properties
// object the API must receive for it, and the secret values it carries.
type tpExample struct {
	name    string
	props   TargetProperties
	handler HandlerType
	json    string
	secrets []string
}

func tpDatabase(h HandlerType) DatabaseTargetProperties {
	return DatabaseTargetProperties{Handler: h, Host: "db.example.com", Username: "loader", Password: "db-pass-secret", Database: "analytics", Table: "sales"}
}

func tpDatabaseJSON(port int) string {
	return fmt.Sprintf(`{"host":"db.example.com","port":%d,"username":"loader","password":"db-pass-secret","database":"analytics","table":"sales"}`, port)
}

var tpAzure = AzureAppCredentials{TenantID: "tenant-1", ClientID: "app-1", ClientSecret: "azure-client-secret"}

const tpAzureJSON = `"tenant_id":"tenant-1","client_id":"app-1","client_secret":"azure-client-secret"`

var tpBigQueryMinimal = BigQueryTargetProperties{
	SelectedProfile:  BigQueryProfile{Name: "sales", Value: [][]string{{"acme-prod", "sales"}}},
	SelectedIdentity: BigQueryIdentity{IdentityConfig: map[string]any{"private_key": "bq-private-key"}, Host: "loader@acme-prod.iam.gserviceaccount.com"},
	Table:            "orders",
}

const tpBigQueryMinimalJSON = `"selected_profile":{"name":"sales","value":[["acme-prod","sales"]]},` +
	`"selected_identity":{"identity_config":{"private_key":"bq-private-key"},"host":"loader@acme-prod.iam.gserviceaccount.com"},` +
	`"table":"orders"`

var tpREST = RESTAPITargetProperties{BaseURL: "https://api.example.com", EndpointPath: "/v1/records"}

const tpRESTJSON = `"base_url":"https://api.example.com","endpoint_path":"/v1/records"`

// tpExamples returns a minimal and a full example of every typed struct.
func tpExamples() []tpExample {
	sftpKey := SFTPTargetProperties{
		Host: "sftp.example.com", Port: 2222, Username: "loader",
		SSHKeyAuthentication: true, PrivateKey: "-----BEGIN OPENSSH PRIVATE KEY-----sftp-key", Passphrase: "sftp-passphrase",
		Directory: "/out", FileName: "sales.csv", RandomizeFileName: true,
	}
	bigQueryFull := tpBigQueryMinimal
	bigQueryFull.ExportType = BigQueryExportTypeUpsert
	bigQueryFull.UpsertKeys = []string{"id", "region"}
	bigQueryFull.Partition = BigQueryPartition{Field: "created", Granularity: "DAY"}
	bigQueryFull.Database = "acme-prod"
	bigQueryFull.Host = "bigquery.googleapis.com"
	bigQueryFull.Extra = map[string]any{"location": "EU", "table": "loses-to-the-field"}
	bigQueryRange := tpBigQueryMinimal
	bigQueryRange.ExportType = BigQueryExportTypeCombine
	bigQueryRange.Partition = BigQueryPartition{Field: "store", Start: Ptr(0), End: Ptr(100), Interval: Ptr(10)}
	restFull := tpREST
	restFull.AuthType = RestAuthTypeBearer
	restFull.Token = "rest-bearer-token"
	restFull.HTTPMethod = HTTPMethodPut
	restFull.WrapPath = "data"
	restFull.BatchSize = 500
	restFull.TimeoutSeconds = 60
	restFull.RateLimitRequestsPerSecond = Ptr(2.5)
	restFull.SSLVerify = Ptr(false)
	restFull.DefaultHeaders = map[string]string{"Accept": "application/json"}
	restFull.RequestHeaders = map[string]string{"X-Source": "mammoth"}
	restFull.QueryParams = map[string]string{"mode": "bulk"}
	restFull.ExtraBodyFields = map[string]any{"source": "mammoth"}
	restFull.Extra = map[string]any{"retry_count": 3}
	restAPIKey := tpREST
	restAPIKey.AuthType, restAPIKey.KeyName, restAPIKey.KeyValue, restAPIKey.KeyLocation = RestAuthTypeAPIKey, "X-Key", "rest-key-value", "header"
	restBasic := tpREST
	restBasic.AuthType, restBasic.Username, restBasic.Password = RestAuthTypeBasic, "loader", "rest-basic-password"
	restOAuth := tpREST
	restOAuth.AuthType = RestAuthTypeOAuth2AuthorizationCode
	restOAuth.TokenURL, restOAuth.ClientID = "https://auth.example.com/token", "rest-client"
	restOAuth.ClientSecret, restOAuth.RefreshToken = "rest-client-secret", "rest-refresh-token"

	return []tpExample{
		{"postgres minimal", tpDatabase(HandlerTypePostgres), HandlerTypePostgres, tpDatabaseJSON(5432), []string{"db-pass-secret"}},
		{"mysql minimal", tpDatabase(HandlerTypeMySQL), HandlerTypeMySQL, tpDatabaseJSON(3306), []string{"db-pass-secret"}},
		{"mssql minimal", tpDatabase(HandlerTypeMSSQL), HandlerTypeMSSQL, tpDatabaseJSON(1433), []string{"db-pass-secret"}},
		{"redshift minimal", tpDatabase(HandlerTypeRedshift), HandlerTypeRedshift, tpDatabaseJSON(5439), []string{"db-pass-secret"}},
		{"postgres full", func() DatabaseTargetProperties { p := tpDatabase(HandlerTypePostgres); p.Port = 6543; return p }(), HandlerTypePostgres, tpDatabaseJSON(6543), []string{"db-pass-secret"}},
		{
			"ftp minimal",
			FTPTargetProperties{Domain: "ftp.example.com", Username: "loader", Password: "ftp-pass", Directory: "/out", File: "sales.csv"},
			HandlerTypeFTP,
			`{"domain":"ftp.example.com","port":21,"username":"loader","password":"ftp-pass","directory":"/out","file":"sales.csv"}`,
			[]string{"ftp-pass"},
		},
		{
			"ftp full",
			FTPTargetProperties{Domain: "ftp.example.com", Port: 2121, Username: "loader", Password: "ftp-pass", Directory: "/out", File: "sales.csv"},
			HandlerTypeFTP,
			`{"domain":"ftp.example.com","port":2121,"username":"loader","password":"ftp-pass","directory":"/out","file":"sales.csv"}`,
			[]string{"ftp-pass"},
		},
		{
			"sftp minimal with password",
			SFTPTargetProperties{Host: "sftp.example.com", Username: "loader", Password: "sftp-pass"},
			HandlerTypeSFTP,
			`{"host":"sftp.example.com","port":22,"username":"loader","password":"sftp-pass"}`,
			[]string{"sftp-pass"},
		},
		{
			"sftp full with key",
			sftpKey,
			HandlerTypeSFTP,
			`{"host":"sftp.example.com","port":2222,"username":"loader","ssh_key_authentication":true,
			  "private_key":"-----BEGIN OPENSSH PRIVATE KEY-----sftp-key","passphrase":"sftp-passphrase",
			  "directory":"/out","file_name":"sales.csv","randomize_file_name":true}`,
			[]string{"sftp-key", "sftp-passphrase"},
		},
		{
			"email minimal",
			EmailTargetProperties{Emails: []string{"ops@example.com"}},
			HandlerTypeEmail,
			`{"emails":["ops@example.com"]}`,
			nil,
		},
		{
			"email full",
			EmailTargetProperties{Emails: []string{"ops@example.com", "cfo@example.com"}, Subject: "Sales", Message: "Attached.", Resource: "csv"},
			HandlerTypeEmail,
			`{"emails":["ops@example.com","cfo@example.com"],"subject":"Sales","message":"Attached.","resource":"csv"}`,
			nil,
		},
		{
			"elasticsearch minimal",
			ElasticsearchTargetProperties{Host: "es.example.com", Username: "elastic", Password: "es-pass", Index: "sales", Connection: ElasticsearchConnectionHTTPS},
			HandlerTypeElasticsearch,
			`{"host":"es.example.com","port":9243,"username":"elastic","password":"es-pass","index":"sales","connection":"https","chunksize":200}`,
			[]string{"es-pass"},
		},
		{
			"elasticsearch full",
			ElasticsearchTargetProperties{Host: "es.example.com", Port: 9200, Username: "elastic", Password: "es-pass", Index: "sales", Connection: ElasticsearchConnectionHTTP, ChunkSize: 500},
			HandlerTypeElasticsearch,
			`{"host":"es.example.com","port":9200,"username":"elastic","password":"es-pass","index":"sales","connection":"http","chunksize":500}`,
			[]string{"es-pass"},
		},
		{"bigquery minimal", tpBigQueryMinimal, HandlerTypeBigQuery, `{` + tpBigQueryMinimalJSON + `}`, []string{"bq-private-key", "gserviceaccount"}},
		{
			"bigquery full with upsert and date partition",
			bigQueryFull,
			HandlerTypeBigQuery,
			`{` + tpBigQueryMinimalJSON + `,"exportType":"UPSERT",
			  "upsertKeys":[{"column":{"display_name":"id"}},{"column":{"display_name":"region"}}],
			  "partition":{"FIELD":"created","GRANULARITY":"DAY"},
			  "database":"acme-prod","host":"bigquery.googleapis.com","location":"EU"}`,
			[]string{"bq-private-key", "gserviceaccount"},
		},
		{
			"bigquery with integer range partition",
			bigQueryRange,
			HandlerTypeBigQuery,
			`{` + tpBigQueryMinimalJSON + `,"exportType":"COMBINE","partition":{"FIELD":"store","START":0,"END":100,"INTERVAL":10}}`,
			[]string{"bq-private-key"},
		},
		{
			"azure blob minimal",
			AzureBlobTargetProperties{AzureAppCredentials: tpAzure, StorageAccountName: "acmestore", ContainerName: "exports"},
			HandlerTypeAzureBlob,
			`{` + tpAzureJSON + `,"storage_account_name":"acmestore","container_name":"exports"}`,
			[]string{"azure-client-secret"},
		},
		{
			"azure blob full",
			AzureBlobTargetProperties{AzureAppCredentials: tpAzure, StorageAccountName: "acmestore", ContainerName: "exports", FolderPath: "daily", FileName: "sales.csv"},
			HandlerTypeAzureBlob,
			`{` + tpAzureJSON + `,"storage_account_name":"acmestore","container_name":"exports","folder_path":"daily","file_name":"sales.csv"}`,
			[]string{"azure-client-secret"},
		},
		{
			"sharepoint minimal",
			SharePointTargetProperties{AzureAppCredentials: tpAzure, SiteURL: "https://acme.sharepoint.com/sites/finance"},
			HandlerTypeSharePoint,
			`{` + tpAzureJSON + `,"site_url":"https://acme.sharepoint.com/sites/finance"}`,
			[]string{"azure-client-secret"},
		},
		{
			"sharepoint full",
			SharePointTargetProperties{AzureAppCredentials: tpAzure, SiteURL: "https://acme.sharepoint.com/sites/finance", DocumentLibrary: "Reports", FolderPath: "daily", FileName: "sales.csv"},
			HandlerTypeSharePoint,
			`{` + tpAzureJSON + `,"site_url":"https://acme.sharepoint.com/sites/finance","document_library":"Reports","folder_path":"daily","file_name":"sales.csv"}`,
			[]string{"azure-client-secret"},
		},
		{
			"onedrive minimal",
			OneDriveTargetProperties{AzureAppCredentials: tpAzure, UserID: "ops@acme.com"},
			HandlerTypeOneDrive,
			`{` + tpAzureJSON + `,"user_id":"ops@acme.com"}`,
			[]string{"azure-client-secret"},
		},
		{
			"onedrive full",
			OneDriveTargetProperties{AzureAppCredentials: tpAzure, UserID: "ops@acme.com", FolderPath: "daily", FileName: "sales.csv"},
			HandlerTypeOneDrive,
			`{` + tpAzureJSON + `,"user_id":"ops@acme.com","folder_path":"daily","file_name":"sales.csv"}`,
			[]string{"azure-client-secret"},
		},
		{
			"tableau server minimal",
			TableauServerTargetProperties{ServerURL: "https://tableau.example.com", TokenName: "mammoth", TokenSecret: "tableau-token-secret"},
			HandlerTypeTableauServer,
			`{"server_url":"https://tableau.example.com","token_name":"mammoth","token_secret":"tableau-token-secret"}`,
			[]string{"tableau-token-secret"},
		},
		{
			"tableau server full",
			TableauServerTargetProperties{
				ServerURL: "https://tableau.example.com", TokenName: "mammoth", TokenSecret: "tableau-token-secret",
				SiteName: "finance", ProjectName: "Sales", DatasourceName: "orders", CABundlePath: "/etc/ssl/ca.pem",
			},
			HandlerTypeTableauServer,
			`{"server_url":"https://tableau.example.com","token_name":"mammoth","token_secret":"tableau-token-secret",
			  "site_name":"finance","project_name":"Sales","datasource_name":"orders","ca_bundle_path":"/etc/ssl/ca.pem"}`,
			[]string{"tableau-token-secret"},
		},
		{
			"power bi (every key required)",
			PowerBITargetProperties{Username: "ops@acme.com", Password: "powerbi-pass", ClientID: "pbi-app", Dataset: "Sales", Table: "orders"},
			HandlerTypePowerBI,
			`{"username":"ops@acme.com","password":"powerbi-pass","clientId":"pbi-app","dataset":"Sales","table":"orders"}`,
			[]string{"powerbi-pass"},
		},
		{"rest api minimal", tpREST, HandlerTypeGenericRESTAPIExport, `{` + tpRESTJSON + `}`, nil},
		{
			"rest api full with bearer token",
			restFull,
			HandlerTypeGenericRESTAPIExport,
			`{` + tpRESTJSON + `,"auth_type":"bearer","token":"rest-bearer-token","http_method":"PUT","wrap_path":"data",
			  "batch_size":500,"timeout_seconds":60,"rate_limit_requests_per_second":2.5,"ssl_verify":false,
			  "default_headers":{"Accept":"application/json"},"request_headers":{"X-Source":"mammoth"},
			  "query_params":{"mode":"bulk"},"extra_body_fields":{"source":"mammoth"},"retry_count":3}`,
			[]string{"rest-bearer-token"},
		},
		{
			"rest api with api key",
			restAPIKey,
			HandlerTypeGenericRESTAPIExport,
			`{` + tpRESTJSON + `,"auth_type":"api_key","key_name":"X-Key","key_value":"rest-key-value","key_location":"header"}`,
			[]string{"rest-key-value"},
		},
		{
			"rest api with basic auth",
			restBasic,
			HandlerTypeGenericRESTAPIExport,
			`{` + tpRESTJSON + `,"auth_type":"basic","username":"loader","password":"rest-basic-password"}`,
			[]string{"rest-basic-password"},
		},
		{
			"rest api with oauth2",
			restOAuth,
			HandlerTypeGenericRESTAPIExport,
			`{` + tpRESTJSON + `,"auth_type":"oauth2_authorization_code","token_url":"https://auth.example.com/token",
			  "client_id":"rest-client","client_secret":"rest-client-secret","refresh_token":"rest-refresh-token"}`,
			[]string{"rest-client-secret", "rest-refresh-token"},
		},
		{
			"publishdb minimal",
			PublishDBTargetProperties{OdbcType: OdbcTypePostgres, Table: "sales"},
			HandlerTypePublishDB,
			`{"odbc_type":"postgres","table":"sales"}`,
			nil,
		},
		{
			"publishdb full",
			PublishDBTargetProperties{OdbcType: OdbcTypeBigQuery, Table: "sales", Database: "analytics", ProjectID: "acme-prod", Dataset: "finance"},
			HandlerTypePublishDB,
			`{"odbc_type":"bigquery","table":"sales","database":"analytics","project_id":"acme-prod","dataset":"finance"}`,
			nil,
		},
	}
}

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

// tpVerbs are the fmt directives a secret must not print under.
var tpVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%d", "%10.3v"}

func TestTargetProperties_FmtNeverPrintsSecrets(t *testing.T) {
	t.Parallel()
	for _, ex := range tpExamples() {
		if len(ex.secrets) == 0 {
			continue
		}
		t.Run(ex.name, func(t *testing.T) {
			holders := map[string]any{
				"value":   ex.props,
				"pointer": tpPointer(ex.props),
				"in spec": AddExportSpec{HandlerType: ex.handler, TargetProperties: ex.props},
				"in list": []TargetProperties{ex.props},
			}
			for holder, v := range holders {
				for _, verb := range tpVerbs {
					out := fmt.Sprintf(verb, v)
					for _, secret := range ex.secrets {
						assert.NotContains(t, out, secret, "%s printed with %s", holder, verb)
					}
				}
			}
			assert.Contains(t, fmt.Sprintf("%+v", ex.props), "[REDACTED]")
			assert.Contains(t, fmt.Sprint(ex.props), "[REDACTED]")
		})
	}
}

// tpPointer returns a pointer to a copy of the value inside p.
func tpPointer(p TargetProperties) any {
	v := reflect.New(reflect.TypeOf(p))
	v.Elem().Set(reflect.ValueOf(p))
	return v.Interface()
}

func TestTargetProperties_FmtKeepsEverythingButSecrets(t *testing.T) {
	t.Parallel()
	p := PowerBITargetProperties{Username: "ops", Password: "powerbi-pass", ClientID: "pbi-app", Dataset: "Sales", Table: "orders"}
	assert.Equal(t, "{ops [REDACTED] pbi-app Sales orders}", fmt.Sprintf("%v", p))
	assert.Equal(t, "{Username:ops Password:[REDACTED] ClientID:pbi-app Dataset:Sales Table:orders}", fmt.Sprintf("%+v", p))
	assert.Equal(t, `mammoth.PowerBITargetProperties{Username:"ops", Password:"[REDACTED]", ClientID:"pbi-app", Dataset:"Sales", Table:"orders"}`, fmt.Sprintf("%#v", p))
	assert.Equal(t, "{ops [REDACTED] pbi-app Sales orders}", fmt.Sprintf("%s", p))

	p.Password = ""
	assert.Equal(t, "{ops  pbi-app Sales orders}", fmt.Sprint(p), "an unset secret prints empty, so it can be told from a set one")

	db := tpDatabase(HandlerTypeRedshift)
	assert.Equal(t, "{redshift db.example.com 0 loader [REDACTED] analytics sales}", fmt.Sprint(db))
	blob := AzureBlobTargetProperties{AzureAppCredentials: tpAzure, StorageAccountName: "acmestore", ContainerName: "exports"}
	assert.Equal(t, "{{tenant-1 app-1 [REDACTED]} acmestore exports  }", fmt.Sprint(blob))
}

func TestTargetProperties_FmtRedactsSecretKeysOfRawProperties(t *testing.T) {
	t.Parallel()
	raw := RawTargetProperties{
		"host": "db.example.com", "password": "raw-pass", "Client_Secret": "raw-client-secret",
		"selected_identity": map[string]any{"identity_config": map[string]any{"private_key": "raw-key"}},
		"nested":            []any{map[string]any{"token": "raw-token"}},
		"request_headers":   map[string]string{"Authorization": "Bearer raw-bearer", "Accept": "text/csv"},
	}
	info := ItemExportInfo{TargetProperties: raw}
	for _, verb := range tpVerbs {
		for _, v := range []any{raw, info, &info} {
			out := fmt.Sprintf(verb, v)
			for _, secret := range []string{"raw-pass", "raw-client-secret", "raw-key", "raw-token", "raw-bearer"} {
				assert.NotContains(t, out, secret, verb)
			}
		}
	}
	assert.Contains(t, fmt.Sprint(raw), "host:db.example.com")
	assert.Contains(t, fmt.Sprint(raw), "Accept:text/csv")
	assert.Equal(t, "raw-pass", raw["password"], "printing does not change the map")
}

func TestTargetProperties_SlogNeverLogsSecrets(t *testing.T) {
	t.Parallel()
	for _, ex := range tpExamples() {
		if len(ex.secrets) == 0 {
			continue
		}
		t.Run(ex.name, func(t *testing.T) {
			var buf bytes.Buffer
			for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
				slog.New(h).Info("adding export", "target", ex.props, "raw", RawTargetProperties(RedactedTargetProperties(ex.props)))
			}
			for _, secret := range ex.secrets {
				assert.NotContains(t, buf.String(), secret)
			}
			assert.Contains(t, buf.String(), "[REDACTED]")
		})
	}
}

func TestRedactedTargetProperties(t *testing.T) {
	t.Parallel()
	rest := tpREST
	rest.AuthType, rest.Username, rest.Password = RestAuthTypeBasic, "loader", "rest-basic-password"
	rest.RequestHeaders = map[string]string{"Authorization": "Bearer header-token", "Accept": "application/json"}
	rest.ExtraBodyFields = map[string]any{"api_key": "body-key", "source": "mammoth"}

	got := RedactedTargetProperties(rest)
	want := map[string]any{
		"base_url": "https://api.example.com", "endpoint_path": "/v1/records",
		"auth_type": "basic", "username": "loader", "password": "[REDACTED]",
		"request_headers":   map[string]any{"Authorization": "[REDACTED]", "Accept": "application/json"},
		"extra_body_fields": map[string]any{"api_key": "[REDACTED]", "source": "mammoth"},
	}
	assert.Equal(t, want, got)

	wire, err := WireJSON(rest)
	require.NoError(t, err)
	assert.Contains(t, string(wire), "rest-basic-password", "the API still receives the secret")

	assert.Equal(t, map[string]any{
		"selected_profile":  map[string]any{"name": "sales", "value": []any{[]any{"acme-prod", "sales"}}},
		"selected_identity": "[REDACTED]",
		"table":             "orders",
	}, RedactedTargetProperties(tpBigQueryMinimal), "the whole service-account identity is secret")

	raw := RawTargetProperties{
		"PASSWORD": "raw-pass", "private_key": "pem", "passphrase": "pp", "token_secret": "ts",
		"service_account_json": map[string]any{"type": "service_account"}, "refresh_token": "rt",
		"key_value": "kv", "password_hint": "looks secret", "token_type": "Bearer", "token": "", "client_secret": nil,
	}
	assert.Equal(t, map[string]any{
		"PASSWORD": "[REDACTED]", "private_key": "[REDACTED]", "passphrase": "[REDACTED]", "token_secret": "[REDACTED]",
		"service_account_json": "[REDACTED]", "refresh_token": "[REDACTED]", "key_value": "[REDACTED]",
		"password_hint": "[REDACTED]", "token_type": "Bearer", "token": "", "client_secret": nil,
	}, RedactedTargetProperties(raw), "raw properties are redacted by key name; empty secrets stay empty")
	assert.Equal(t, "raw-pass", raw["PASSWORD"], "the caller's map is not changed")

	assert.Nil(t, RedactedTargetProperties(nil))
	assert.Nil(t, RedactedTargetProperties(RawTargetProperties(nil)))
	assert.Nil(t, RedactedTargetProperties(RawTargetProperties{"bad": make(chan int)}), "properties that are not JSON")
}

// tpStructTypes are the typed structs that declare secret fields.
var tpStructTypes = []any{
	DatabaseTargetProperties{}, FTPTargetProperties{}, SFTPTargetProperties{}, EmailTargetProperties{},
	ElasticsearchTargetProperties{}, BigQueryTargetProperties{}, BigQueryIdentity{}, BigQueryProfile{},
	BigQueryPartition{}, AzureAppCredentials{}, AzureBlobTargetProperties{}, SharePointTargetProperties{},
	OneDriveTargetProperties{}, TableauServerTargetProperties{}, PowerBITargetProperties{},
	RESTAPITargetProperties{}, PublishDBTargetProperties{}, S3TargetProperties{}, InternalDatasetTargetProperties{},
}

func TestTargetProperties_SecretTagsAndRedactedKeysAgree(t *testing.T) {
	t.Parallel()
	for _, v := range tpStructTypes {
		rt := reflect.TypeOf(v)
		_, formats := v.(fmt.Formatter)
		for i := range rt.NumField() {
			sf := rt.Field(i)
			key, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
			tagged := sf.Tag.Get("mammoth") == "secret"
			if sf.Anonymous || key == "-" {
				continue
			}
			assert.Equal(t, tagged, isSecretKey(key), "%s.%s (key %q): tag and redacted key names disagree", rt.Name(), sf.Name, key)
			if tagged {
				assert.True(t, formats, "%s holds a secret but has no Format method", rt.Name())
			}
		}
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
