package mammoth

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// leakForms returns the ways a secret could show up in printed output:
// as is, JSON-escaped, Go-quoted and hex-encoded.
func leakForms(secret string) []string {
	j, _ := json.Marshal(secret)
	q := fmt.Sprintf("%q", secret)
	forms := []string{secret, strings.Trim(string(j), `"`), strings.Trim(q, `"`), fmt.Sprintf("%x", secret)}
	return forms
}

// printedEverywhere prints v every way a user might: every fmt verb, slog's
// text and JSON handlers (top level, in a group, in a slice and in a map) and
// encoding/json.
func printedEverywhere(t *testing.T, v any) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T", "%10.3v", "%-8s"} {
		out["fmt "+verb] = fmt.Sprintf(verb, v)
	}
	out["fmt Sprint"] = fmt.Sprint(v)
	out["fmt Sprintln"] = fmt.Sprintln(v)
	for name, newHandler := range map[string]func(*bytes.Buffer) slog.Handler{
		"slog json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		"slog text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
	} {
		var buf bytes.Buffer
		l := slog.New(newHandler(&buf))
		l.Info("top", "v", v)
		l.Info("group", slog.Group("g", slog.Any("v", v)))
		l.With("with", v).Info("with")
		l.WithGroup("wg").Info("withgroup", "v", v)
		l.Info("slice", "v", []any{v, v})
		l.Info("map", "v", map[string]any{"x": v})
		out[name] = buf.String()
	}
	b, err := json.Marshal(v)
	require.NoError(t, err)
	out["json.Marshal"] = string(b)
	b, err = json.Marshal(map[string]any{"nested": []any{v}})
	require.NoError(t, err)
	out["json.Marshal nested"] = string(b)
	return out
}

func assertNoLeak(t *testing.T, printed map[string]string, secrets ...string) {
	t.Helper()
	for how, text := range printed {
		for _, secret := range secrets {
			for _, form := range leakForms(secret) {
				if strings.Contains(text, form) {
					t.Errorf("%s shows the secret %q (as %q):\n%s", how, secret, form, text)
				}
			}
		}
	}
}

const (
	rdPassword = "pg-Pass/wd+1"
	rdClient   = "azure-Client/Secret=="
	rdKey      = "sftp-PRIVATE-key"
)

func rdDatabase() DatabaseTargetProperties {
	return DatabaseTargetProperties{Handler: HandlerTypePostgres, Host: "db.example.com", Username: "loader", Password: rdPassword, Database: "analytics", Table: "sales"}
}

// userConfig is a struct of a user's own that holds SDK types.
type userConfig struct {
	Name   string
	Target TargetProperties
	DB     DatabaseTargetProperties
	Spec   *AddExportSpec `json:"spec"`
}

type userEmbedding struct {
	DatabaseTargetProperties
	Note string
}

func TestRedaction_EverySDKTypeHoldingASecretPrintsRedactedHoweverNested(t *testing.T) {
	t.Parallel()
	db := rdDatabase()
	blob := AzureBlobTargetProperties{AzureAppCredentials: AzureAppCredentials{TenantID: "t", ClientID: "c", ClientSecret: rdClient}, StorageAccountName: "acct", ContainerName: "c"}
	sftp := SFTPTargetProperties{Host: "h", Username: "u", SSHKeyAuthentication: true, PrivateKey: rdKey}
	spec := AddExportSpec{HandlerType: HandlerTypePostgres, TriggerType: TriggerTypePipeline, TargetProperties: db,
		AdditionalProperties: map[string]any{"api_key": rdKey}}
	info := ItemExportInfo{ID: Ptr(5), HandlerType: HandlerTypePostgres, TargetProperties: RawTargetProperties{"password": rdPassword, "host": "h"},
		AdditionalProperties: map[string]any{"connection_string": "Server=x;Password=" + rdClient},
		LastRunResult:        map[string]any{"auth": map[string]any{"token": rdKey}}, ErrorInfo: map[string]any{"credentials": []any{rdKey}}}
	cases := map[string]any{
		"AddExportSpec":                spec,
		"*AddExportSpec":               &spec,
		"ItemExportInfo":               info,
		"*ItemExportInfo":              &info,
		"[]TargetProperties":           []TargetProperties{db, blob, sftp},
		"[]DatabaseTargetProperties":   []DatabaseTargetProperties{db, db},
		"[]*DatabaseTargetProperties":  []*DatabaseTargetProperties{&db},
		"map of targets":               map[string]TargetProperties{"a": db, "b": blob},
		"map of typed":                 map[string]SFTPTargetProperties{"a": sftp},
		"[]AzureAppCredentials":        []AzureAppCredentials{blob.AzureAppCredentials},
		"[]BigQueryIdentity":           []BigQueryIdentity{{IdentityConfig: map[string]any{"private_key": rdKey}}},
		"[]ItemExportInfo":             []ItemExportInfo{info},
		"PipelineExportsPaginated":     PipelineExportsPaginated{Exports: []*ItemExportInfo{&info, nil}},
		"[]PatchOp":                    []PatchOp{{Op: PatchOperationReplace, Path: PatchPathParams, Value: &spec}},
		"user struct":                  userConfig{Name: "n", Target: blob, DB: db, Spec: &spec},
		"user struct embedding":        userEmbedding{DatabaseTargetProperties: db, Note: "n"},
		"[]user struct":                []userConfig{{Target: sftp}},
		"raw in raw":                   RawTargetProperties{"inner": RawTargetProperties{"secret_key": rdKey}},
		"typed in raw":                 RawTargetProperties{"db": db},
		"map[string][]RawTarget":       map[string][]RawTargetProperties{"a": {{"PASSWORD": rdPassword}}},
		"[]map[string]TargetProps":     []map[string]TargetProperties{{"x": RawTargetProperties{"apiKey": rdKey}}},
		"InternalDataset with secrets": InternalDatasetTargetProperties{DatasetName: "d", Transform: map[string]any{"token": rdKey}},
		"REST extra":                   RESTAPITargetProperties{BaseURL: "b", EndpointPath: "/", Extra: map[string]any{"x-api-key": rdKey}, QueryParams: map[string]string{"sig": rdClient}},
	}
	for name, v := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			assertNoLeak(t, printedEverywhere(t, v), rdPassword, rdClient, rdKey)
		})
	}
}

func TestRedaction_PrintingNeverChangesTheCallersValues(t *testing.T) {
	t.Parallel()
	inner := map[string]string{"password": rdPassword}
	list := []map[string]any{{"token": rdKey}}
	raw := RawTargetProperties{"inner": inner, "list": list, "password": rdPassword}
	_ = printedEverywhere(t, raw)
	assert.Equal(t, rdPassword, inner["password"])
	assert.Equal(t, rdKey, list[0]["token"])
	assert.Equal(t, rdPassword, raw["password"])
}

func TestRedaction_RealDestinationKeysRedactByPatternAtAnyDepth(t *testing.T) {
	t.Parallel()
	secretKeyNames := []string{
		"aws_secret_access_key", "AWS_SECRET_ACCESS_KEY", "awsSecretAccessKey", "aws-secret-access-key",
		"secret_key", "secretKey", "sas_token", "SasToken", "connection_string", "ConnectionString", "connectionString",
		"passwd", "pwd", "PWD", "db_pass", "apikey", "APIKey", "api_key", "api-key", "X-API-Key", "x-functions-key",
		"bearer_token", "client_secret", "clientSecret", "private_key", "privateKey", "refresh_token", "access_token",
		"auth", "Authorization", "proxy-authorization", "credentials", "creds", "token", "password", "Password",
		"dbPassword", "MYSQL_PASSWORD", "passphrase", "storage_account_key", "account_key", "key", "sig", "signature",
		"jwt", "cookie", "Set-Cookie", "dsn", "key_value", "service_account_json", "identity_config", "basic_auth",
		"ocp-apim-subscription-key", "x-amz-security-token", "oauth2Token", "encryption_key", "master_key",
	}
	nonSecret := []string{
		"host", "username", "user", "port", "database", "table", "token_type", "token_url", "token_name", "TokenType",
		"auth_type", "authType", "key_name", "key_location", "primary_key", "partition_key", "sort_key", "upsertKeys",
		"ssh_key_authentication", "client_id", "tenant_id", "key_id", "public_key", "author", "authority", "passenger",
		"data_pass_through", "file_name", "base_url", "endpoint_path", "DS_NAME", "TARGET_DS_ID", "auth_uri", "token_uri",
	}
	for _, k := range secretKeyNames {
		assert.True(t, isSecretKey(k), "%q should be secret", k)
	}
	for _, k := range nonSecret {
		assert.False(t, isSecretKey(k), "%q should not be secret", k)
	}

	// Every shape of container, a secret in each.
	var secrets []string
	next := func() string {
		s := fmt.Sprintf("zz-secret-%02d", len(secrets))
		secrets = append(secrets, s)
		return s
	}
	type withSecret struct {
		Host     string
		Password string `json:"password"`
	}
	raw := RawTargetProperties{
		"headers":  map[string][]string{"Authorization": {next()}, "Accept": {"text/csv"}},
		"list":     []map[string]any{{"aws_secret_access_key": next()}},
		"nested":   map[string]map[string]string{"conn": {"ConnectionString": next()}},
		"struct":   map[string]any{"db": withSecret{Host: "h", Password: next()}},
		"ptr":      map[string]*withSecret{"db": {Password: next()}},
		"number":   map[string]any{"pin_code": 1, "api_key": 123456789},
		"object":   map[string]any{"credentials": map[string]any{"user": "u", "x": next()}},
		"deep":     []any{[]any{[]any{map[string]any{"Sas-Token": next()}}}},
		"pairs":    []any{map[string]any{"name": "Authorization", "value": next()}, map[string]any{"key": "Accept", "value": "text/csv"}, map[string]any{"Header": "X-Api-Key", "Value": next()}},
		"typedMap": map[HandlerType]map[string]any{"x": {"bearerToken": next()}},
		"array":    [2]map[string]string{{"pwd": next()}, {"x": "y"}},
	}
	printed := printedEverywhere(t, raw)
	assertNoLeak(t, printed, secrets...)
	assertNoLeak(t, printed, "123456789")
	for _, keep := range []string{"text/csv", "Accept"} {
		assert.Contains(t, printed["json.Marshal"], keep, "non-secret values stay readable")
		assert.Contains(t, printed["fmt %v"], keep, "non-secret values stay readable")
	}
	assert.Contains(t, printed["json.Marshal"], `"pin_code":1`)

	wire, err := WireJSON(raw)
	require.NoError(t, err)
	for _, s := range secrets {
		assert.Contains(t, string(wire), s, "WireJSON keeps every secret")
	}
}

func TestRedaction_EmptySecretsStayVisibleSoAbsenceCanBeSeen(t *testing.T) {
	t.Parallel()
	raw := RawTargetProperties{"password": "", "token": nil, "api_key": map[string]any{}, "secret": []any{}, "pwd": 0, "auth": false}
	b, err := json.Marshal(raw)
	require.NoError(t, err)
	assert.JSONEq(t, `{"password":"","token":null,"api_key":{},"secret":[],"pwd":"[REDACTED]","auth":"[REDACTED]"}`, string(b))
}

func TestRedaction_MarshalJSONKeepsKeyOrder(t *testing.T) {
	t.Parallel()
	spec := AddExportSpec{DataviewID: 9, HandlerType: HandlerTypePostgres, TriggerType: TriggerTypeNone, TargetProperties: rdDatabase()}
	b, err := json.Marshal(spec)
	require.NoError(t, err)
	assert.Equal(t, `{"DATAVIEW_ID":9,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,"handler_type":"postgres","trigger_type":"none",`+
		`"target_properties":{"host":"db.example.com","port":5432,"username":"loader","password":"[REDACTED]","database":"analytics","table":"sales"},`+
		`"additional_properties":{},"condition":{},"run_immediately":false,"validate_only":false}`, string(b))
	wire, err := WireJSON(spec)
	require.NoError(t, err)
	assert.Equal(t, strings.Replace(string(b), `"[REDACTED]"`, `"pg-Pass/wd+1"`, 1), string(wire))
}

func TestRedaction_DecodingAnswersIsUnaffected(t *testing.T) {
	t.Parallel()
	var info ItemExportInfo
	require.NoError(t, json.Unmarshal([]byte(`{"id":3,"target_properties":{"password":"p1","host":"h"},"additional_properties":{"token":"t1"}}`), &info))
	assert.Equal(t, "p1", info.TargetProperties["password"])
	assert.Equal(t, "t1", info.AdditionalProperties["token"])
	var spec AddExportSpec
	require.NoError(t, json.Unmarshal([]byte(`{"handler_type":"postgres","trigger_type":"none","target_properties":{"password":"p2"}}`), &spec))
	assert.Equal(t, RawTargetProperties{"password": "p2"}, spec.TargetProperties)
}

func TestRedaction_WireCarriesTheRealValues(t *testing.T) {
	t.Parallel()
	nestedDB := rdDatabase()
	nestedDB.Password = "nested-db-password"
	cases := map[string]struct {
		props   TargetProperties
		secrets []string
	}{
		"database":      {rdDatabase(), []string{rdPassword}},
		"azure blob":    {AzureBlobTargetProperties{AzureAppCredentials: AzureAppCredentials{TenantID: "t", ClientID: "c", ClientSecret: rdClient}, StorageAccountName: "a", ContainerName: "c"}, []string{rdClient}},
		"sharepoint":    {SharePointTargetProperties{AzureAppCredentials: AzureAppCredentials{TenantID: "t", ClientID: "c", ClientSecret: rdClient}, SiteURL: "s"}, []string{rdClient}},
		"onedrive":      {OneDriveTargetProperties{AzureAppCredentials: AzureAppCredentials{TenantID: "t", ClientID: "c", ClientSecret: rdClient}, UserID: "u"}, []string{rdClient}},
		"bigquery":      {BigQueryTargetProperties{SelectedProfile: BigQueryProfile{Name: "n", Value: [][]string{{"p", "d"}}}, SelectedIdentity: BigQueryIdentity{IdentityConfig: map[string]any{"private_key": rdKey}}, Table: "t", Extra: map[string]any{"token": rdClient}}, []string{rdKey, rdClient}},
		"raw nesting":   {RawTargetProperties{"db": nestedDB, "raw": RawTargetProperties{"password": rdPassword}, "list": []TargetProperties{RawTargetProperties{"token": rdKey}}}, []string{"nested-db-password", rdPassword, rdKey}},
		"rest":          {RESTAPITargetProperties{BaseURL: "b", EndpointPath: "/", AuthType: RestAuthTypeBearer, Token: rdKey, ExtraBodyFields: map[string]any{"inner": RawTargetProperties{"api_key": rdClient}}}, []string{rdKey, rdClient}},
		"internal":      {InternalDatasetTargetProperties{DatasetName: "d", Transform: map[string]any{"token": rdKey}}, []string{rdKey}},
		"sftp":          {SFTPTargetProperties{Host: "h", Username: "u", SSHKeyAuthentication: true, PrivateKey: rdKey, Passphrase: rdClient}, []string{rdKey, rdClient}},
		"tableau":       {TableauServerTargetProperties{ServerURL: "s", TokenName: "n", TokenSecret: rdKey}, []string{rdKey}},
		"powerbi":       {PowerBITargetProperties{Username: "u", Password: rdPassword, ClientID: "c", Dataset: "d", Table: "t"}, []string{rdPassword}},
		"ftp":           {FTPTargetProperties{Domain: "d", Username: "u", Password: rdPassword, Directory: "/", File: "f"}, []string{rdPassword}},
		"elasticsearch": {ElasticsearchTargetProperties{Host: "h", Username: "u", Password: rdPassword, Index: "i", Connection: ElasticsearchConnectionHTTPS}, []string{rdPassword}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			srv := newBodyRecorder(t)
			handler := c.props.HandlerType()
			if handler == "" {
				handler = HandlerTypeS3
			}
			spec := &AddExportSpec{DataviewID: testRef.DataviewID, HandlerType: handler, TriggerType: TriggerTypePipeline, TargetProperties: c.props,
				AdditionalProperties: map[string]any{"extra": RawTargetProperties{"password": "additional-secret"}}}
			_, err := srv.client.Exports.AddExport(context.Background(), testRef, spec)
			require.NoError(t, err)
			_, err = srv.client.Exports.EditExport(context.Background(), testRef, 42,
				[]PatchOp{{Op: PatchOperationReplace, Path: PatchPathParams, Value: spec}}, nil)
			require.NoError(t, err)
			bodies := srv.bodies()
			require.Len(t, bodies, 2)
			want, err := WireJSON(spec)
			require.NoError(t, err)
			for _, s := range append(c.secrets, "additional-secret") {
				assert.Contains(t, bodies[0], s, "the add carries the secret")
				assert.Contains(t, bodies[1], s, "the replace carries the secret")
				assert.Contains(t, string(want), s, "WireJSON shows the body sent")
			}
			assert.NotContains(t, bodies[0]+bodies[1], secretPlaceholder)
			assert.JSONEq(t, string(want), bodies[0], "WireJSON is the body AddExport sends")
			var patch struct {
				Patches []struct {
					Value json.RawMessage `json:"value"`
				} `json:"patches"`
			}
			require.NoError(t, json.Unmarshal([]byte(bodies[1]), &patch))
			assert.JSONEq(t, string(want), string(patch.Patches[0].Value))
		})
	}
}

// bodyRecorder is an API stand-in that keeps the body of every add and edit.
type bodyRecorder struct {
	client *Client
	mu     sync.Mutex
	seen   []string
}

func newBodyRecorder(t *testing.T) *bodyRecorder {
	f := setup(t)
	rec := &bodyRecorder{client: f.client}
	keep := func(w http.ResponseWriter, r *http.Request) {
		body := readBody(t, r)
		rec.mu.Lock()
		rec.seen = append(rec.seen, body)
		rec.mu.Unlock()
		writeJSON(w, http.StatusOK, `{"trigger_id":42,"status":"added"}`)
	}
	f.dataview("POST", "/pipeline/exports", keep)
	f.dataview("PATCH", "/pipeline/exports/42", keep)
	return rec
}

func (r *bodyRecorder) bodies() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.seen...)
}

func TestRedaction_CyclicValuesFailToEncodeInsteadOfCrashing(t *testing.T) {
	t.Parallel()
	raw := RawTargetProperties{"password": rdPassword}
	raw["self"] = raw
	list := []any{nil}
	list[0] = list
	rest := RESTAPITargetProperties{BaseURL: "b", EndpointPath: "/", Extra: map[string]any{"raw": raw}}
	for name, v := range map[string]any{"raw": raw, "list in raw": RawTargetProperties{"l": list}, "rest": rest} {
		_, err := json.Marshal(v)
		assert.Error(t, err, name)
		_, err = WireJSON(v)
		assert.Error(t, err, name)
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			assert.NotContains(t, fmt.Sprintf(verb, v), rdPassword, name)
		}
	}
	srv := newBodyRecorder(t)
	_, err := srv.client.Exports.AddExport(context.Background(), testRef, &AddExportSpec{HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone, TargetProperties: raw})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), rdPassword)
	assert.Empty(t, srv.bodies(), "nothing is sent")
}

func TestRedaction_WireFormsWriteEveryField(t *testing.T) {
	t.Parallel()
	// The structs whose wire form lists their fields again: a field added
	// to one and not to its wire form would silently not be sent.
	for _, v := range []any{ItemExportInfo{}, AzureBlobTargetProperties{}, SharePointTargetProperties{}, OneDriveTargetProperties{}} {
		full := reflect.New(reflect.TypeOf(v)).Elem()
		fillEveryField(full)
		want := jsonKeysOf(full.Type())
		wire, err := WireJSON(full.Interface())
		require.NoError(t, err)
		var got map[string]json.RawMessage
		require.NoError(t, json.Unmarshal(wire, &got))
		assert.ElementsMatch(t, want, slices.Collect(maps.Keys(got)), "%T", v)
	}
}

// fillEveryField sets every exported field of the struct v to a non-zero value.
func fillEveryField(v reflect.Value) {
	for i := range v.NumField() {
		f := v.Field(i)
		if !v.Type().Field(i).IsExported() {
			continue
		}
		switch f.Kind() {
		case reflect.String:
			f.SetString("x")
		case reflect.Int:
			f.SetInt(1)
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Pointer:
			f.Set(reflect.New(f.Type().Elem()))
			if f.Elem().Kind() == reflect.Struct {
				fillEveryField(f.Elem())
			}
		case reflect.Map:
			f.Set(reflect.MakeMap(f.Type()))
			f.SetMapIndex(reflect.ValueOf("k").Convert(f.Type().Key()), reflect.Zero(f.Type().Elem()))
		case reflect.Slice:
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
		case reflect.Struct:
			fillEveryField(f)
		}
	}
}

// jsonKeysOf lists the JSON keys of t's fields, embedded structs flattened.
func jsonKeysOf(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		switch {
		case name == "-" || !sf.IsExported():
		case sf.Anonymous && name == "":
			keys = append(keys, jsonKeysOf(sf.Type)...)
		default:
			keys = append(keys, cmp.Or(name, sf.Name))
		}
	}
	return keys
}

// BenchmarkItemExportInfoJSON compares the redacted encoding (json.Marshal,
// what logs and dumps use) with the wire encoding of one listed export.
func BenchmarkItemExportInfoJSON(b *testing.B) {
	info := ItemExportInfo{
		ID: Ptr(102), DataviewID: Ptr(2311), Sequence: Ptr(1), HandlerType: HandlerTypePostgres, Status: ExportStatusExecuted,
		TargetProperties: RawTargetProperties{"host": "db.example.com", "port": 5432, "username": "reporting",
			"password": "s3cr3t", "database": "analytics", "table": "sales_summary"},
		AdditionalProperties: map[string]any{"notify": []any{"ops@example.com"}},
	}
	for name, encode := range map[string]func(any) ([]byte, error){"redacted": json.Marshal, "wire": WireJSON} {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := encode(info); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
