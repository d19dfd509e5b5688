package mammoth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSecrets_NeverInLogsOrErrorsAcrossFaults drives the client through every
// kind of failure it handles, with debug logging on, and looks for the API
// secret (and the secret fields of target properties) in every log line and
// every error message produced.
func TestSecrets_NeverInLogsOrErrorsAcrossFaults(t *testing.T) {
	t.Parallel()
	const dbPassword = "db-password-must-not-leak"
	logger, logs := captureLogs()
	fileHost, leaks := secondHost(t, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
	})
	f := setup(t, WithLogger(logger), WithTimeout(100*time.Millisecond))
	ctx := context.Background()
	var errs []error
	record := func(_ any, err error) { errs = append(errs, err) }

	for status := 400; status <= 504; status++ {
		if http.StatusText(status) == "" {
			continue
		}
		path := fmt.Sprintf("/jobs/%d", status)
		f.handle("GET", path, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "1")
			writeJSON(w, status, `{"status_code":`+fmt.Sprint(status)+`,"detail":"bad secret `+r.Header.Get("X-API-SECRET")+`","extra":{"echo":"`+r.Header.Get("X-API-SECRET")+`"}}`)
		})
		record(f.client.Jobs.GetJob(ctx, status))
	}
	f.handle("GET", "/jobs/1", func(w http.ResponseWriter, r *http.Request) { hijackAndClose(w) })
	record(f.client.Jobs.GetJob(ctx, 1))
	f.handle("GET", "/jobs/2", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	record(f.client.Jobs.GetJob(ctx, 2))
	f.handle("GET", "/jobs/3", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, 200, `{"job":`) })
	record(f.client.Jobs.GetJob(ctx, 3))
	f.handle("GET", "/jobs/4", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, fileHost.URL+"/elsewhere", http.StatusFound)
	})
	record(f.client.Jobs.GetJob(ctx, 4))
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		writeJSON(w, 500, `{"detail":"boom"}`)
	})
	record(f.client.Exports.AddExport(ctx, testRef, &AddExportSpec{
		HandlerType: HandlerTypePostgres, TriggerType: TriggerTypePipeline,
		TargetProperties: DatabaseTargetProperties{Handler: HandlerTypePostgres, Host: "h", Username: "u",
			Password: dbPassword, Database: "d", Table: "t"},
	}))
	record(f.client.Exports.AddExport(ctx, testRef, &AddExportSpec{
		HandlerType: HandlerTypePostgres, TriggerType: TriggerTypePipeline,
		TargetProperties: DatabaseTargetProperties{Handler: HandlerTypePostgres, Password: dbPassword},
	}))
	canceled, cancel := context.WithCancel(ctx)
	cancel()
	record(f.client.Exports.ListExports(canceled, testRef, nil))
	downloadFixture := setup(t, WithLogger(logger))
	downloadFixture.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, `{"job":{"id":77,"status":"processing"}}`)
	})
	downloadFixture.handle("GET", "/jobs/77", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, fmt.Sprintf(`{"job":{"id":77,"status":"success","response":{"url":%q,"trigger_id":5}}}`, fileHost.URL+"/f.csv?sig=x"))
	})
	downloadFixture.dataview("DELETE", "/pipeline/exports/5", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	record(downloadFixture.client.Exports.DownloadCSV(ctx, testRef, io.Discard, nil))

	require.NotEmpty(t, errs)
	var messages []string
	for _, err := range errs {
		require.Error(t, err)
		messages = append(messages, err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
		var apiErr *APIError
		if errors.As(err, &apiErr) {
			messages = append(messages, string(apiErr.Body))
		}
	}
	all := strings.Join(messages, "\n") + logs.String()
	assert.Contains(t, logs.String(), "mammoth: retrying", "the scenarios did exercise retries")
	for _, secret := range []string{testSecret, dbPassword} {
		assert.NotContains(t, all, secret)
	}
	assert.Zero(t, leaks.Load())
}
