package mammoth

import "fmt"

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
