package mammoth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

var fakeRef = mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}

func fakeClient(t *testing.T) (*mammoth.Client, *mammothtest.Server) {
	t.Helper()
	srv := mammothtest.NewServer()
	t.Cleanup(srv.Close)
	srv.AddDataview(fakeRef)
	client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
	require.NoError(t, err)
	return client, srv
}

// lastAdd returns the body of the last add-export request the fake received.
func lastAdd(t *testing.T, srv *mammothtest.Server) string {
	t.Helper()
	var body string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPost && strings.HasSuffix(r.Path, "/pipeline/exports") {
			body = string(r.Body)
		}
	}
	require.NotEmpty(t, body, "no add reached the fake")
	return body
}

func TestRedaction_AgainstTheFake_SecretsReachTheAPIButNoLogOrDump(t *testing.T) {
	t.Parallel()
	var logs bytes.Buffer
	client, srv := fakeClient(t)
	logger := slog.New(slog.NewJSONHandler(&logs, nil))
	const password = "fake-db-Pa55/word"
	spec := &mammoth.AddExportSpec{
		DataviewID: fakeRef.DataviewID, HandlerType: mammoth.HandlerTypePostgres, TriggerType: mammoth.TriggerTypeNone,
		TargetProperties: mammoth.DatabaseTargetProperties{Handler: mammoth.HandlerTypePostgres,
			Host: "db", Username: "u", Password: password, Database: "d", Table: "t"},
		AdditionalProperties: map[string]any{"options": map[string]string{"sslKey": "ssl-key-material"}},
	}
	ctx := context.Background()
	change, err := client.Exports.AddExport(ctx, fakeRef, spec)
	require.NoError(t, err)
	logger.Info("added", "spec", spec, "change", change, "specs", []*mammoth.AddExportSpec{spec})

	body := lastAdd(t, srv)
	assert.Contains(t, body, password, "the API receives the password")
	assert.Contains(t, body, "ssl-key-material")
	wire, err := mammoth.WireJSON(spec)
	require.NoError(t, err)
	assert.JSONEq(t, string(wire), body, "WireJSON is the body sent")

	exports := srv.Exports(fakeRef)
	require.Len(t, exports, 1)
	assert.Equal(t, password, exports[0].TargetProperties["password"], "the fake stores what it was sent")

	got, err := client.Exports.GetExport(ctx, fakeRef, *exports[0].ID, nil)
	require.NoError(t, err)
	assert.Equal(t, password, got.TargetProperties["password"], "decoding answers keeps every value")
	page, err := client.Exports.ListExports(ctx, fakeRef, nil)
	require.NoError(t, err)
	logger.Info("got", "export", got, "page", page, "exports", page.Exports)

	dump, err := json.MarshalIndent(map[string]any{"export": got, "page": page, "spec": spec}, "", "  ")
	require.NoError(t, err)
	for _, text := range []string{logs.String(), string(dump), fmt.Sprintf("%+v %v %#v", got, *got, page)} {
		assert.NotContains(t, text, password)
		assert.NotContains(t, text, "ssl-key-material")
	}
	assert.Contains(t, string(dump), `"password": "[REDACTED]"`)
}

func TestRedaction_AgainstTheFake_SeededSDKValuesKeepTheirSecrets(t *testing.T) {
	t.Parallel()
	client, srv := fakeClient(t)
	ids := srv.SeedExports(fakeRef, mammoth.ItemExportInfo{
		HandlerType: mammoth.HandlerTypeMySQL,
		TargetProperties: mammoth.RawTargetProperties{
			"password": "seed-pass",
			"nested":   mammoth.RawTargetProperties{"api_key": "seed-key"},
			"creds":    mammoth.AzureAppCredentials{TenantID: "t", ClientID: "c", ClientSecret: "seed-client-secret"},
		},
	})
	got, err := client.Exports.GetExport(context.Background(), fakeRef, ids[0], nil)
	require.NoError(t, err)
	assert.Equal(t, "seed-pass", got.TargetProperties["password"])
	assert.Equal(t, map[string]any{"api_key": "seed-key"}, got.TargetProperties["nested"])
	assert.Equal(t, "seed-client-secret", got.TargetProperties["creds"].(map[string]any)["client_secret"])
}

func TestDatabaseHandler_TakenFromTheSpecWhenEmpty(t *testing.T) {
	t.Parallel()
	for _, h := range []mammoth.HandlerType{mammoth.HandlerTypePostgres, mammoth.HandlerTypeMySQL, mammoth.HandlerTypeMSSQL, mammoth.HandlerTypeRedshift} {
		for _, pointer := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s pointer=%v", h, pointer), func(t *testing.T) {
				t.Parallel()
				client, srv := fakeClient(t)
				db := mammoth.DatabaseTargetProperties{Host: "db", Username: "u", Password: "p", Database: "d", Table: "t"}
				var tp mammoth.TargetProperties = db
				if pointer {
					tp = &db
				}
				spec := &mammoth.AddExportSpec{HandlerType: h, TriggerType: mammoth.TriggerTypeNone, TargetProperties: tp}
				_, err := client.Exports.AddExport(context.Background(), fakeRef, spec)
				require.NoError(t, err)

				var sent struct {
					HandlerType      string         `json:"handler_type"`
					TargetProperties map[string]any `json:"target_properties"`
				}
				require.NoError(t, json.Unmarshal([]byte(lastAdd(t, srv)), &sent))
				assert.Equal(t, string(h), sent.HandlerType)
				assert.Equal(t, float64(mammoth.DefaultPort(h)), sent.TargetProperties["port"], "the handler's default port is sent")
				assert.NotContains(t, sent.TargetProperties, "handler")
				assert.Empty(t, db.Handler, "the caller's value is not changed")
				assert.Equal(t, tp, spec.TargetProperties, "the caller's spec is not changed")

				wire, err := mammoth.WireJSON(spec)
				require.NoError(t, err)
				assert.Contains(t, string(wire), fmt.Sprintf(`"port":%d`, mammoth.DefaultPort(h)), "WireJSON fills the default too")
			})
		}
	}
}

func TestDatabaseHandler_EmptyWithANonDatabaseSpecIsRefusedBeforeSending(t *testing.T) {
	t.Parallel()
	client, srv := fakeClient(t)
	_, err := client.Exports.AddExport(context.Background(), fakeRef, &mammoth.AddExportSpec{
		HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone,
		TargetProperties: mammoth.DatabaseTargetProperties{Host: "db", Username: "u", Password: "p", Database: "d", Table: "t"},
	})
	var verr *mammoth.ValidationError
	require.ErrorAs(t, err, &verr)
	assert.Contains(t, verr.Error(), `"s3"`)
	assert.NotContains(t, verr.Error(), `"p"`)
	assert.Empty(t, srv.Requests())

	// A Handler that is set and disagrees with the spec is still refused.
	_, err = client.Exports.AddExport(context.Background(), fakeRef, &mammoth.AddExportSpec{
		HandlerType: mammoth.HandlerTypeMySQL, TriggerType: mammoth.TriggerTypeNone,
		TargetProperties: mammoth.DatabaseTargetProperties{Handler: mammoth.HandlerTypePostgres, Host: "db", Username: "u", Password: "p", Database: "d", Table: "t"},
	})
	require.ErrorAs(t, err, &verr)
	assert.Equal(t, "spec.TargetProperties", verr.Field)
	assert.Empty(t, srv.Requests())
}

func TestDatabaseHandler_EditExportReplaceTakesItFromTheSpecToo(t *testing.T) {
	t.Parallel()
	client, srv := fakeClient(t)
	ctx := context.Background()
	ids := srv.SeedExports(fakeRef, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeRedshift})
	spec := &mammoth.AddExportSpec{HandlerType: mammoth.HandlerTypeRedshift, TriggerType: mammoth.TriggerTypeNone,
		TargetProperties: mammoth.DatabaseTargetProperties{Host: "rs", Username: "u", Password: "rs-secret", Database: "d", Table: "t"}}
	_, err := client.Exports.EditExport(ctx, fakeRef, ids[0], []mammoth.PatchOp{{Op: mammoth.PatchOperationReplace, Path: mammoth.PatchPathParams, Value: spec}}, nil)
	require.NoError(t, err)
	var patch string
	for _, r := range srv.Requests() {
		if r.Method == http.MethodPatch {
			patch = string(r.Body)
		}
	}
	assert.Contains(t, patch, `"port":5439`)
	assert.Contains(t, patch, `"rs-secret"`, "the replace carries the password")
	deadline, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got, err := client.Exports.GetExport(deadline, fakeRef, ids[0], nil)
	require.NoError(t, err)
	assert.Equal(t, "rs-secret", got.TargetProperties["password"])
}
