package mammoth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"
)

// secretPlaceholder stands in for a secret wherever the SDK prints one.
const secretPlaceholder = "[REDACTED]"

// The lists of the rule documented on RedactedTargetProperties; keep the
// two in step.
var (
	secretStems = []string{
		"password", "passwd", "passphrase", "secret", "token", "apikey", "privatekey",
		"credential", "accesskey", "connectionstring", "connstr", "authorization",
		"authentication", "bearer", "cookie", "signature", "signingkey", "sessionkey",
	}
	secretWords   = []string{"pwd", "pass", "auth", "creds", "cred", "sas", "sig", "jwt", "dsn"}
	keyQualifiers = []string{
		"primary", "partition", "sort", "foreign", "unique", "upsert", "shard", "sharding",
		"distribution", "dist", "cluster", "clustering", "row", "hash", "range", "idempotency",
		"cache", "dedup", "dedupe", "join", "lookup", "group", "order", "object", "composite",
		"natural", "surrogate", "business", "index", "merge", "match", "public", "host",
	}
	secretNames = []string{
		"key_value", "identity_config", "selected_identity", "service_account",
		"service_account_json", "service_account_info",
	}
	notSecretNames = []string{
		"token_type", "token_url", "token_uri", "token_endpoint", "token_name",
		"auth_type", "auth_method", "auth_mode", "auth_url", "auth_uri", "auth_endpoint",
		"auth_provider_x509_cert_url", "authentication_type", "authentication_method",
		"authentication_mode", "authorization_url", "authorization_endpoint",
		"ssh_key_authentication", "pass_through", "data_pass_through",
	}
)

// isSecretKey reports whether the value under the key k is a secret, by
// the rule documented on RedactedTargetProperties.
func isSecretKey(k string) bool {
	words := keyWords(k)
	if len(words) == 0 {
		return false
	}
	name := strings.Join(words, "_")
	if slices.Contains(notSecretNames, name) {
		return false
	}
	if slices.Contains(secretNames, name) {
		return true
	}
	compact := strings.Join(words, "")
	for _, stem := range secretStems {
		if strings.Contains(compact, stem) {
			return true
		}
	}
	for _, w := range words {
		if slices.Contains(secretWords, w) {
			return true
		}
	}
	last := len(words) - 1
	if words[last] == "key" || words[last] == "keys" {
		return last == 0 || !slices.Contains(keyQualifiers, words[last-1])
	}
	return false
}

// keyWords splits k into lower-case words at non-alphanumerics and at
// camelCase boundaries: "XAPIKey" is x, api, key (the last capital of a run
// starts the next word when a lower-case letter follows it).
func keyWords(k string) []string {
	var words []string
	var word []rune
	flush := func() {
		if len(word) > 0 {
			words = append(words, string(word))
			word = word[:0]
		}
	}
	runes := []rune(k)
	for i, r := range runes {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r):
			if i > 0 {
				prev := runes[i-1]
				nextLower := i+1 < len(runes) && unicode.IsLower(runes[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					flush()
				}
			}
			word = append(word, unicode.ToLower(r))
		default:
			word = append(word, unicode.ToLower(r))
		}
	}
	flush()
	return words
}

// pairLabels are the keys that, beside a "value" key, name what the value
// is: {"name": "Authorization", "value": "Bearer …"}, the shape of header
// and parameter lists. In such an object the label is shown and the value
// is secret when the label is.
var pairLabels = []string{"name", "key", "header", "field", "param", "parameter"}

// jsonObject is a decoded JSON object that keeps its keys in order.
type jsonObject []jsonMember

type jsonMember struct {
	key   string
	value any // jsonObject, []any, string, json.Number, bool or nil
}

// maxRedactDepth bounds the nesting redaction follows, as encoding/json
// bounds decoding; anything deeper is replaced whole.
const maxRedactDepth = 10000

var errTooDeep = errors.New("mammoth: JSON nested too deeply to redact")

// parseJSON decodes one JSON value, keeping object keys in order and
// numbers as written.
func parseJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	v, err := parseJSONValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("mammoth: trailing data after JSON value")
	}
	return v, nil
}

func parseJSONValue(dec *json.Decoder, depth int) (any, error) {
	if depth > maxRedactDepth {
		return nil, errTooDeep
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch tok {
	case json.Delim('{'):
		obj := jsonObject{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			v, err := parseJSONValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			obj = append(obj, jsonMember{k.(string), v})
		}
		_, err = dec.Token() // '}'
		return obj, err
	case json.Delim('['):
		list := []any{}
		for dec.More() {
			v, err := parseJSONValue(dec, depth+1)
			if err != nil {
				return nil, err
			}
			list = append(list, v)
		}
		_, err = dec.Token() // ']'
		return list, err
	}
	return tok, nil
}

// redactTree replaces, in place, the non-empty values of secret keys in a
// tree from parseJSON.
func redactTree(v any) {
	switch v := v.(type) {
	case jsonObject:
		label, isPair := v.pairLabel()
		for i := range v {
			m := &v[i]
			switch {
			case isPair && strings.EqualFold(m.key, "value"):
				if isSecretKey(label) && !isEmptyJSON(m.value) {
					m.value = secretPlaceholder
				} else {
					redactTree(m.value)
				}
			case isPair && slices.Contains(pairLabels, strings.ToLower(m.key)):
			case isSecretKey(m.key) && !isEmptyJSON(m.value):
				m.value = secretPlaceholder
			default:
				redactTree(m.value)
			}
		}
	case []any:
		for _, e := range v {
			redactTree(e)
		}
	}
}

// pairLabel returns the label of a {"name": …, "value": …} object.
func (o jsonObject) pairLabel() (string, bool) {
	hasValue := false
	label, hasLabel := "", false
	for _, m := range o {
		if strings.EqualFold(m.key, "value") {
			hasValue = true
		} else if s, ok := m.value.(string); ok && slices.Contains(pairLabels, strings.ToLower(m.key)) {
			label, hasLabel = s, true
		}
	}
	return label, hasValue && hasLabel
}

// isEmptyJSON reports whether a decoded value says "no secret here": null,
// "", {} or [].
func isEmptyJSON(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case string:
		return v == ""
	case jsonObject:
		return len(v) == 0
	case []any:
		return len(v) == 0
	}
	return false
}

// appendJSON encodes a tree from parseJSON.
func appendJSON(b []byte, v any) []byte {
	switch v := v.(type) {
	case jsonObject:
		b = append(b, '{')
		for i, m := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONText(b, m.key)
			b = append(b, ':')
			b = appendJSON(b, m.value)
		}
		return append(b, '}')
	case []any:
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSON(b, e)
		}
		return append(b, ']')
	case string:
		return appendJSONText(b, v)
	case json.Number:
		return append(b, v...)
	case bool:
		return strconv.AppendBool(b, v)
	}
	return append(b, "null"...)
}

func appendJSONText(b []byte, s string) []byte {
	enc, _ := json.Marshal(s) // a string always encodes
	return append(b, enc...)
}

// plainTree turns a tree from parseJSON into the values encoding/json
// decodes into an any: map[string]any, []any, string, json.Number, bool.
func plainTree(v any) any {
	switch v := v.(type) {
	case jsonObject:
		m := make(map[string]any, len(v))
		for _, e := range v {
			m[e.key] = plainTree(e.value)
		}
		return m
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = plainTree(e)
		}
		return out
	}
	return v
}

// redactedTree returns v's JSON form as the API receives it ([WireJSON]),
// decoded, with secrets replaced.
func redactedTree(v any) (any, error) {
	wire, err := WireJSON(v)
	if err != nil {
		return nil, err
	}
	tree, err := parseJSON(wire)
	if err != nil {
		return nil, err
	}
	redactTree(tree)
	return tree, nil
}

// redactJSON returns the JSON document wire with its secrets replaced, its
// keys in their order. The MarshalJSON methods of the SDK's types write
// their wire form through it.
func redactJSON(wire []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	tree, err := parseJSON(wire)
	if err != nil {
		return nil, err
	}
	redactTree(tree)
	return appendJSON(make([]byte, 0, len(wire)), tree), nil
}

// redactValue returns what the SDK prints for v: its JSON form as the API
// receives it, decoded into maps, slices and scalars, with the values of
// secret keys replaced, at any depth. v itself is never changed. A value
// that cannot be encoded as JSON prints as the placeholder, whole.
func redactValue(v any) any {
	if v == nil {
		return nil
	}
	tree, err := redactedTree(v)
	if err != nil {
		return secretPlaceholder
	}
	return plainTree(tree)
}

// RedactedTargetProperties returns the JSON form of tp, as the API receives
// it ([WireJSON]), decoded into a map, with the value of every secret key
// replaced by "[REDACTED]" at any depth. It returns nil when tp is nil or
// does not encode to a JSON object.
//
// The same redaction is what every SDK type that can hold a secret (target
// properties, [AddExportSpec], [ItemExportInfo], [PatchOp],
// [PipelineExportsPaginated]) writes under encoding/json and slog, and how
// their maps print under fmt.
//
// # Which keys are secret
//
// A key is split into lower-case words at anything that is not a letter or
// digit and at camelCase boundaries, so "awsSecretAccessKey",
// "AWS-SECRET-ACCESS-KEY" and "aws_secret_access_key" are the same key. It
// is secret when
//   - its words run together contain password, passwd, passphrase, secret,
//     token, apikey, privatekey, credential, accesskey, connectionstring,
//     connstr, authorization, authentication, bearer, cookie, signature,
//     signingkey or sessionkey ("dbPassword", "x-amz-security-token",
//     "sas_token", "APIKEY");
//   - one of its words is pwd, pass, auth, creds, cred, sas, sig, jwt or dsn;
//   - its last word is key or keys ("key", "account_key",
//     "x-functions-key"), unless the word before it names a key of data
//     rather than a lock: primary, partition, sort, foreign, unique,
//     upsert, shard, sharding, distribution, dist, cluster, clustering, row,
//     hash, range, idempotency, cache, dedup, dedupe, join, lookup, group,
//     order, object, composite, natural, surrogate, business, index, merge,
//     match, public or host ("primary_key", "upsertKeys", "public_key");
//   - it is key_value, identity_config, selected_identity, service_account,
//     service_account_json or service_account_info;
//
// and it is not one of the keys that name or describe a credential without
// holding one: token_type, token_url, token_uri, token_endpoint,
// token_name, auth_type, auth_method, auth_mode, auth_url, auth_uri,
// auth_endpoint, auth_provider_x509_cert_url, authentication_type,
// authentication_method, authentication_mode, authorization_url,
// authorization_endpoint, ssh_key_authentication, pass_through and
// data_pass_through (compared after the split, so "tokenType" and
// "TOKEN-TYPE" are token_type too). Identifiers such as client_id,
// tenant_id and key_id are not secret.
//
// In an object that has a "value" key beside a string under "name", "key",
// "header", "field", "param" or "parameter" (in any case; the shape of
// header and parameter lists), that label is shown and the value is secret
// when the label is: {"name": "Authorization", "value": "[REDACTED]"}.
//
// The value of a secret key is replaced whatever it is (string, number,
// boolean, object, list), unless it is null, "", {} or [], which are shown
// so that a missing secret can be told from a set one. The rule errs on the
// side of hiding: a key that only looks secret ("password_hint",
// "token_count", "author_key") is redacted too. A secret under a key that
// does not look secret ("x": "hunter2") is not found: the SDK judges keys,
// not values.
func RedactedTargetProperties(tp TargetProperties) map[string]any {
	if isNil(tp) {
		return nil
	}
	tree, err := redactedTree(tp)
	if err != nil {
		return nil
	}
	m, _ := plainTree(tree).(map[string]any)
	return m
}

// isEmptyValue reports whether a secret's value is absent: nil, "" or empty.
func isEmptyValue(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String, reflect.Map, reflect.Slice:
		return rv.Len() == 0
	}
	return false
}

// redactedLogValue logs v's redacted JSON form.
func redactedLogValue(v any) slog.Value { return slog.AnyValue(redactValue(v)) }

// formatRedacted prints the struct v as fmt prints a struct with the verbs
// %v, %+v and %#v (any other verb prints as %v), except that the non-zero
// fields tagged mammoth:"secret" print as "[REDACTED]", and maps, slices and
// interfaces print in their redacted JSON form (see redactValue), except
// the SDK's own types, which print themselves redacted. Other fields print
// through their own Format methods.
func formatRedacted(f fmt.State, verb rune, v any) {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	sharp := verb == 'v' && f.Flag('#')
	plus := f.Flag('+') && !sharp
	inner, sep, secret := "%v", " ", secretPlaceholder
	switch {
	case sharp:
		inner, sep, secret = "%#v", ", ", strconv.Quote(secretPlaceholder)
		io.WriteString(f, rt.String())
	case plus:
		inner = "%+v"
	}
	io.WriteString(f, "{")
	for i := range rt.NumField() {
		sf, fv := rt.Field(i), rv.Field(i)
		if !sf.IsExported() {
			continue
		}
		if i > 0 {
			io.WriteString(f, sep)
		}
		if sharp || plus {
			io.WriteString(f, sf.Name+":")
		}
		switch {
		case sf.Tag.Get("mammoth") == "secret" && !fv.IsZero():
			io.WriteString(f, secret)
		case fv.Kind() == reflect.Map || fv.Kind() == reflect.Slice || fv.Kind() == reflect.Interface:
			_, redacts := fv.Interface().(wireEncoder) // prints itself redacted
			if fv.IsNil() || redacts {
				fmt.Fprintf(f, inner, fv.Interface())
			} else {
				fmt.Fprintf(f, inner, redactValue(fv.Interface()))
			}
		default:
			fmt.Fprintf(f, inner, fv.Interface())
		}
	}
	io.WriteString(f, "}")
}
