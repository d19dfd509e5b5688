package mammoth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonEscapings writes s inside a JSON string in several ways a server may:
// as Go's encoder does, with "/" escaped, with every character as a \u
// escape, and with every other character so.
func jsonEscapings(s string) map[string]string {
	plain, _ := json.Marshal(s)
	var every, alternate strings.Builder
	i := 0
	for _, r := range s {
		esc := escapeRune(r)
		every.WriteString(esc)
		if i%2 == 0 {
			alternate.WriteString(esc)
		} else {
			b, _ := json.Marshal(string(r))
			alternate.Write(b[1 : len(b)-1])
		}
		i++
	}
	return map[string]string{
		"as encoded":      string(plain[1 : len(plain)-1]),
		`"/" as \/`:       strings.ReplaceAll(string(plain[1:len(plain)-1]), "/", `\/`),
		`"/" as \u002F`:   strings.ReplaceAll(string(plain[1:len(plain)-1]), "/", `\u002F`),
		`all as \uXXXX`:   every.String(),
		"every other one": alternate.String(),
	}
}

func escapeRune(r rune) string {
	if r > 0xffff {
		r1, r2 := utf16Pair(r)
		return fmt.Sprintf(`\u%04x\u%04X`, r1, r2)
	}
	return fmt.Sprintf(`\u%04x`, r)
}

func utf16Pair(r rune) (rune, rune) {
	r -= 0x10000
	return 0xd800 + (r>>10)&0x3ff, 0xdc00 + r&0x3ff
}

// extraStrings returns every string (keys included) in a JSON value.
func extraStrings(t *testing.T, raw json.RawMessage) []string {
	t.Helper()
	if len(raw) == 0 {
		return nil
	}
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, e := range v {
				walk(e)
			}
		case map[string]any:
			for k, e := range v {
				out = append(out, k)
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// assertNoSecretInAPIError checks every string an *APIError exposes.
func assertNoSecretInAPIError(t *testing.T, err error, secret string) {
	t.Helper()
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	for what, text := range map[string]string{
		"Error()": err.Error(), "Detail": apiErr.Detail, "Extra": string(apiErr.Extra), "Body": string(apiErr.Body),
		"%+v": fmt.Sprintf("%+v", err), "%#v": fmt.Sprintf("%#v", apiErr),
	} {
		assert.NotContains(t, text, secret, what)
	}
	for _, s := range extraStrings(t, apiErr.Extra) {
		assert.NotContains(t, s, secret, "a string decoded from Extra")
	}
	var body any
	if json.Unmarshal(apiErr.Body, &body) == nil {
		assert.NotContains(t, fmt.Sprint(body), secret, "Body decoded")
	}
}

var echoedSecrets = []string{
	testSecret,
	"bG9uZy9zZWNyZXQrd2l0aC9zbGFzaGVz+/==", // base64: "/" and "+"
	`quote"and\backslash/slash`,
	"ünïcødé-secret-🔑-value",
	"a<b>&c-html-escaped-by-go",
}

// TestSecrets_EchoedJSONEscapedInAnErrorBodyIsMasked: a server that puts the
// secret in its error body, escaped in any way JSON allows, in detail, in
// extra (as a value and as a key) and in message.
func TestSecrets_EchoedJSONEscapedInAnErrorBodyIsMasked(t *testing.T) {
	t.Parallel()
	for _, secret := range echoedSecrets {
		for form, esc := range jsonEscapings(secret) {
			for _, status := range []int{400, 401, 404, 422, 500} {
				t.Run(fmt.Sprintf("%s/%s/%d", secret, form, status), func(t *testing.T) {
					t.Parallel()
					f := setupWithSecret(t, secret)
					f.handle("GET", "/jobs/1", func(w http.ResponseWriter, r *http.Request) {
						writeJSON(w, status, `{"status_code":`+fmt.Sprint(status)+`,"message":"bad key `+esc+`","detail":"invalid secret `+esc+`",`+
							`"extra":[{"message":"was `+esc+`","key":"X-API-SECRET","source":"header"},{"`+esc+`":["`+esc+`"]}]}`)
					})
					_, err := f.client.Jobs.GetJob(context.Background(), 1)
					assertNoSecretInAPIError(t, err, secret)
					var apiErr *APIError
					require.ErrorAs(t, err, &apiErr)
					want := "invalid secret " + secretPlaceholder
					if status == 401 {
						want = "bad key " + secretPlaceholder
					}
					assert.Equal(t, want, apiErr.Detail, "the rest of the detail is kept")
				})
			}
		}
	}
}

func setupWithSecret(t *testing.T, secret string, opts ...Option) *fixture {
	t.Helper()
	f := setup(t, opts...)
	c, err := NewClient(testKey, secret, append([]Option{WithBaseURL(f.server.URL + testBasePath), WithMaxRetries(0)}, opts...)...)
	require.NoError(t, err)
	c.sleepFn = f.client.sleepFn
	f.client = c
	return f
}

// TestSecrets_FailedJobReasonIsMasked: the reason comes from a 2xx body, in
// any of the places failureReason looks, as a string or another value.
func TestSecrets_FailedJobReasonIsMasked(t *testing.T) {
	t.Parallel()
	for _, secret := range echoedSecrets {
		for form, esc := range jsonEscapings(secret) {
			for _, shape := range []string{
				`{"error":"denied for %s"}`,
				`{"failure_reason":{"why":"%s"}}`,
				`{"response":{"detail":"nested %s"}}`,
				`{"message":["%s"]}`,
			} {
				t.Run(secret+"/"+form+"/"+shape, func(t *testing.T) {
					t.Parallel()
					f := setupWithSecret(t, secret)
					f.handle("GET", "/jobs/9", func(w http.ResponseWriter, r *http.Request) {
						writeJSON(w, 200, `{"job":{"id":9,"status":"failure","response":`+fmt.Sprintf(shape, esc)+`}}`)
					})
					_, err := f.client.Jobs.WaitForJob(context.Background(), 9, nil)
					var failed *JobFailedError
					require.ErrorAs(t, err, &failed)
					assert.NotContains(t, failed.Reason, secret)
					assert.NotContains(t, err.Error(), secret)
					assert.Contains(t, failed.Reason, secretPlaceholder)
				})
			}
		}
	}
}

// TestSecrets_DecodeAndTransportErrorsThatQuoteTheAnswerAreMasked: texts the
// SDK builds from what a server sent, escapes and all.
func TestSecrets_DecodeAndTransportErrorsThatQuoteTheAnswerAreMasked(t *testing.T) {
	t.Parallel()
	secret := "bG9uZy9zZWNyZXQrd2l0aC9zbGFzaGVz+/=="
	esc := strings.ReplaceAll(secret, "/", `\/`)
	logger, logs := captureLogs()
	f := setupWithSecret(t, secret, WithLogger(logger))
	f.handle("GET", "/jobs/1", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"job":{"id":1,"status":"success","created_at":"`+esc+`"}}`)
	})
	f.handle("GET", "/jobs/2", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, `{"job":{"id":1,"status":"success","created_at":"`+secret+`"}}`)
	})
	// Malformed answers, which net/http's errors quote.
	f.handle("GET", "/jobs/3", rawAnswer(t, "HTTP/1.1 2"+secret+" OK\r\n\r\n"))
	f.handle("GET", "/jobs/4", rawAnswer(t, "HTTP/1.1 200 OK\r\nContent-Length: "+secret+"\r\n\r\n"))
	for id := 1; id <= 4; id++ {
		_, err := f.client.Jobs.GetJob(context.Background(), id)
		require.Error(t, err, id)
		for _, text := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err)} {
			assert.NotContains(t, text, secret, "job %d", id)
			assert.NotContains(t, text, esc, "job %d", id)
		}
		for e := errors.Unwrap(err); e != nil; e = errors.Unwrap(e) {
			assert.NotContains(t, e.Error(), secret, "job %d: a wrapped error", id)
		}
	}
	assert.NotContains(t, logs.String(), secret)
	assert.NotContains(t, logs.String(), esc)
}

// rawAnswer writes text on the connection, whatever it is, and closes it.
func rawAnswer(t *testing.T, text string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := http.NewResponseController(w).Hijack()
		require.NoError(t, err)
		_, _ = buf.WriteString(text)
		_ = buf.Flush()
		_ = conn.Close()
	}
}

// TestSecrets_DownloadLinkThatCarriesTheSecretIsMaskedInErrors: the path of
// a link from a job's answer shows in the error of a failed download.
func TestSecrets_DownloadLinkThatCarriesTheSecretIsMaskedInErrors(t *testing.T) {
	t.Parallel()
	secret := "path-secret-0123456789"
	fileHost, _ := secondHost(t, func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(404) })
	f := setupWithSecret(t, secret)
	f.dataview("POST", "/pipeline/exports", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 202, `{"job":{"id":77,"status":"processing"}}`)
	})
	f.handle("GET", "/jobs/77", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, fmt.Sprintf(`{"job":{"id":77,"status":"success","response":{"url":%q,"trigger_id":5}}}`, fileHost.URL+"/"+secret+"/f.csv"))
	})
	f.dataview("DELETE", "/pipeline/exports/5", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	_, err := f.client.Exports.DownloadCSV(context.Background(), testRef, &bytes.Buffer{}, nil)
	var apiErr *APIError
	require.ErrorAs(t, err, &apiErr)
	assert.NotContains(t, err.Error(), secret)
	assert.NotContains(t, apiErr.Path, secret)
}

// TestMasker_SecretsThatOverlapThePlaceholder: a secret that is part of
// "[REDACTED]", or that one replacement would leave in the text across the
// placeholder's edge, is masked with a placeholder sharing no character
// with it.
func TestMasker_SecretsThatOverlapThePlaceholder(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ secret, text string }{
		{"REDACTED", "the secret is REDACTED"},
		{"E", "EEE"},
		{"D]a", "D]aa D]a"},
		{"*#~_-=+!%&:;^|@$?,.", "x*#~_-=+!%&:;^|@$?,.y"},
		{`\u003c`, `{"a":"<"}`},
		{`\"`, `{"a":"q\"q"}`},
	} {
		m := newMasker(tt.secret)
		assert.NotContains(t, m.str(tt.text), tt.secret, tt.secret)
		assert.NotContains(t, string(m.bytes([]byte(tt.text))), tt.secret, tt.secret)
		assert.True(t, utf8.ValidString(m.str(tt.text)))
	}
	assert.Equal(t, "key [REDACTED] here", newMasker("s3cr3t-value").str("key s3cr3t-value here"))
}

// TestNewClient_RefusesCredentialsWithControlCharacters: they would fail
// every request later, or go out mangled.
func TestNewClient_RefusesCredentialsWithControlCharacters(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"a\tb", "a\x00b", "a\x7fb", "a\x1bb", "a\u0085b", "a\rb", "ab\n", "a\xffb"} {
		for _, c := range []struct{ key, secret string }{{bad, "secret"}, {"key", bad}} {
			_, err := NewClient(c.key, c.secret)
			var ve *ValidationError
			require.ErrorAs(t, err, &ve, "%q", bad)
			assert.Equal(t, "API credentials", ve.Field)
			assert.NotContains(t, err.Error(), bad)
		}
	}
	_, err := NewClient("key with spaces", `secret "with" punctuation/+=`)
	assert.NoError(t, err)
}
