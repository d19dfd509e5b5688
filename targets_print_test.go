package mammoth

import (
	"bytes"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
