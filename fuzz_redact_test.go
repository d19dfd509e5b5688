package mammoth

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// The redaction fuzz targets check the promise itself: a secret under a
// secret-looking key, however it is nested and whatever the SDK type that
// holds it, never shows in fmt, slog or encoding/json output, while
// WireJSON (the request body) keeps it.

// fuzzSecretKeys are spellings of keys real destinations keep secrets under.
var fuzzSecretKeys = []string{
	"password", "passwd", "pwd", "aws_secret_access_key", "secret_key", "sas_token", "connection_string",
	"apikey", "api_key", "bearer_token", "client_secret", "private_key", "refresh_token", "access_token",
	"auth", "credentials", "token", "authorization", "x-api-key", "passphrase", "account_key", "sig", "key",
}

// respell writes key in the style selected by style: as is, UPPER_SNAKE,
// kebab-case, camelCase, PascalCase, or with a prefix word.
func respell(key string, style byte) string {
	words := keyWords(key)
	switch style % 6 {
	case 1:
		return strings.ToUpper(strings.Join(words, "_"))
	case 2:
		return strings.Join(words, "-")
	case 3, 4:
		var b strings.Builder
		for i, w := range words {
			if i > 0 || style%6 == 4 {
				w = strings.ToUpper(w[:1]) + w[1:]
			}
			b.WriteString(w)
		}
		return b.String()
	case 5:
		return "db_" + key
	}
	return key
}

// fuzzUser is a struct of a user's own inside a map.
type fuzzUser struct {
	Label string `json:"label"`
	Inner any    `json:"inner"`
}

// nestFuzz wraps v in containers chosen by shape, one byte a level; name
// gives the keys of the levels, which may look secret or not. opaque
// reports a struct of the user's around an SDK type: encoding/json writes
// that SDK type with its own MarshalJSON, redacted, even in WireJSON.
func nestFuzz(v any, shape []byte, name string) (nested any, opaque bool) {
	sdkInside := false
	for i, op := range shape {
		k := name
		if i%2 == 1 {
			k = "level"
		}
		s, isString := v.(string)
		switch op % 12 {
		case 0:
			v = map[string]any{k: v, "other": "visible"}
		case 1:
			v = []any{"visible", v}
		case 2:
			if isString {
				v = map[string]string{k: s}
			} else {
				v = map[string]any{k: v}
			}
		case 3:
			if isString {
				v = map[string][]string{k: {s}}
			} else {
				v = []map[string]any{{k: v}}
			}
		case 4:
			v = []map[string]any{{k: v}}
		case 5:
			v, sdkInside = RawTargetProperties{k: v}, true
		case 6:
			v, opaque = map[string]fuzzUser{k: {Label: "visible", Inner: v}}, opaque || sdkInside
		case 7:
			v, opaque = &fuzzUser{Inner: v}, opaque || sdkInside
		case 8:
			v = [1]any{v}
		case 9:
			v = map[HandlerType]any{HandlerType(k): v}
		case 10:
			inner := v
			v = map[string]*any{k: &inner}
		case 11:
			v, sdkInside = []TargetProperties{RawTargetProperties{k: v}}, true
		}
	}
	return v, opaque
}

// secretValue puts secret under a secret key in the form selected by form.
func secretValue(key, secret string, form byte) any {
	switch form % 5 {
	case 1: // a whole object under the secret key
		return map[string]any{key: map[string]any{"note": secret, "n": 1}}
	case 2: // a list under the secret key
		return map[string]any{key: []any{secret}}
	case 3: // a name/value pair
		return map[string]any{"name": key, "value": secret}
	case 4: // a map[string]string
		return map[string]string{key: secret, "visible": "yes"}
	}
	return map[string]any{key: secret}
}

// fuzzSecret makes a secret that cannot occur in the output by chance.
func fuzzSecret(s string) string {
	return "Zq8" + strings.ToValidUTF8(s, "") + "8qZ"
}

func FuzzRedact_NestedSecretNeverPrinted(f *testing.F) {
	f.Add("hunter2", uint8(0), uint8(0), uint8(0), []byte{0, 1, 2}, "cfg", uint8(0))
	f.Add("p/a+s=s", uint8(3), uint8(3), uint8(1), []byte{5, 6, 7, 8, 9, 10, 11}, "headers", uint8(1))
	f.Add(`q"uo<te>&`, uint8(11), uint8(4), uint8(3), []byte{3, 4}, "token", uint8(2))
	f.Add("\x00\u2028é", uint8(7), uint8(2), uint8(4), []byte{}, "Primary_Key", uint8(6))
	f.Fuzz(func(t *testing.T, raw string, keyIndex, style, form uint8, shape []byte, name string, holder uint8) {
		if len(shape) > 12 || !utf8.ValidString(name) {
			return
		}
		secret := fuzzSecret(raw)
		key := respell(fuzzSecretKeys[int(keyIndex)%len(fuzzSecretKeys)], style)
		if !isSecretKey(key) {
			t.Fatalf("%q (a respelling) is not secret", key)
		}
		nested, opaque := nestFuzz(secretValue(key, secret, form), shape, name)
		holders := []any{
			RawTargetProperties{"x": nested},
			AddExportSpec{HandlerType: HandlerTypeS3, TargetProperties: RawTargetProperties{"x": nested}, AdditionalProperties: map[string]any{"x": nested}},
			ItemExportInfo{LastRunResult: map[string]any{"x": nested}, Condition: map[string]any{"x": nested}},
			RESTAPITargetProperties{BaseURL: "b", EndpointPath: "/", Extra: map[string]any{"x": nested}, ExtraBodyFields: map[string]any{"x": nested}},
			InternalDatasetTargetProperties{DatasetName: "d", Transform: map[string]any{"x": nested}},
			BigQueryTargetProperties{Extra: map[string]any{"x": nested}},
			[]PatchOp{{Op: PatchOperationReplace, Value: &AddExportSpec{Condition: map[string]any{"x": nested}}}},
		}
		// One holder an input, so that each input is quick to try.
		for _, h := range holders[int(holder)%len(holders) : int(holder)%len(holders)+1] {
			assertNoLeak(t, printedEverywhere(t, h), secret)
			wire, err := WireJSON(h)
			if err != nil {
				t.Fatal(err)
			}
			escaped, _ := json.Marshal(secret)
			if !opaque && !bytes.Contains(wire, escaped) {
				t.Fatalf("WireJSON lost the secret %s: %s", escaped, wire)
			}
		}
	})
}

// walkJSON calls fn for every member of every object in a decoded document.
func walkJSON(v any, fn func(key string, value any, obj map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			fn(k, e, v)
			walkJSON(e, fn)
		}
	case []any:
		for _, e := range v {
			walkJSON(e, fn)
		}
	}
}

func FuzzRedact_AnyJSONDocument(f *testing.F) {
	f.Add([]byte(`{"password":"x","host":"h","list":[{"Api-Key":1},{"name":"Authorization","value":"Bearer t"}]}`))
	f.Add([]byte(`[{"a":{"b":{"client_secret":{"deep":true}}}},"s",1e400,-0.0]`))
	f.Add([]byte(`{"token":"","secret":null,"pwd":{},"auth":[],"dup":1,"dup":{"sig":"s"}}`))
	f.Add([]byte(`"just a string"`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		if !json.Valid(doc) {
			return
		}
		out, err := redactJSON(doc, nil)
		if err != nil {
			t.Fatalf("redacting %s: %v", doc, err)
		}
		if !json.Valid(out) {
			t.Fatalf("redacted %s into invalid JSON %s", doc, out)
		}
		again, err := redactJSON(out, nil)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("redaction is not idempotent:\n%s\n%s", out, again)
		}
		var before, after any
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&after); err != nil {
			t.Fatal(err)
		}
		walkJSON(after, func(k string, v any, obj map[string]any) {
			_, pair := obj["value"]
			if isSecretKey(k) && !pair && !isEmptyValue(v) && v != secretPlaceholder {
				t.Fatalf("%q kept its value %v in %s", k, v, out)
			}
		})
		// Where nothing is secret, nothing changes.
		if !bytes.Contains(out, []byte(secretPlaceholder)) {
			dec := json.NewDecoder(bytes.NewReader(doc))
			dec.UseNumber()
			if err := dec.Decode(&before); err != nil {
				t.Fatal(err)
			}
			b1, _ := json.Marshal(before)
			b2, _ := json.Marshal(after)
			if !bytes.Equal(b1, b2) {
				t.Fatalf("changed a document with no secret:\n%s\n%s", doc, out)
			}
		}
	})
}

func FuzzRedact_TypedTargetSecrets(f *testing.F) {
	f.Add("hunter2", "db.example.com", uint8(0), uint8(0))
	f.Add(`"\u2028<>&`, "", uint8(6), uint8(1))
	f.Add("-----BEGIN PRIVATE KEY-----\nMII\n", "h", uint8(11), uint8(4))
	f.Fuzz(func(t *testing.T, raw, other string, target, holder uint8) {
		secret := fuzzSecret(raw)
		other = strings.ToValidUTF8(other, "")
		if strings.Contains(other, "Zq8") {
			return
		}
		creds := AzureAppCredentials{TenantID: other, ClientID: other, ClientSecret: secret}
		targets := []TargetProperties{
			DatabaseTargetProperties{Handler: HandlerTypeMySQL, Host: other, Username: other, Password: secret, Database: other, Table: other},
			DatabaseTargetProperties{Host: other, Password: secret},
			FTPTargetProperties{Domain: other, Username: other, Password: secret},
			SFTPTargetProperties{Host: other, Password: secret, PrivateKey: secret, Passphrase: secret},
			ElasticsearchTargetProperties{Host: other, Username: other, Password: secret},
			BigQueryTargetProperties{SelectedIdentity: BigQueryIdentity{IdentityConfig: map[string]any{other: secret}, Host: other}, Table: other},
			AzureBlobTargetProperties{AzureAppCredentials: creds, StorageAccountName: other},
			SharePointTargetProperties{AzureAppCredentials: creds, SiteURL: other},
			OneDriveTargetProperties{AzureAppCredentials: creds, UserID: other},
			TableauServerTargetProperties{ServerURL: other, TokenName: other, TokenSecret: secret},
			PowerBITargetProperties{Username: other, Password: secret, ClientID: other},
			RESTAPITargetProperties{BaseURL: other, Token: secret, KeyValue: secret, Password: secret, ClientSecret: secret, RefreshToken: secret,
				RequestHeaders: map[string]string{"Authorization": secret, other: "v"}, QueryParams: map[string]string{"api_key": secret}},
			RawTargetProperties{"password": secret, other: other},
		}
		// One target and one holder an input, so that each input is quick
		// to try.
		tp := targets[int(target)%len(targets)]
		spec := &AddExportSpec{HandlerType: HandlerTypeMySQL, TargetProperties: tp}
		holders := []any{tp, spec, *spec, []TargetProperties{tp}, map[string]any{other: tp}}
		assertNoLeak(t, printedEverywhere(t, holders[int(holder)%len(holders)]), secret)
		wire, err := WireJSON(spec)
		if err != nil {
			t.Fatal(err)
		}
		escaped, _ := json.Marshal(secret)
		if !bytes.Contains(wire, escaped[1:len(escaped)-1]) {
			t.Fatalf("%T: the wire lost the secret: %s", tp, wire)
		}
	})
}
