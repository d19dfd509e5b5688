package mammoth

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"strings"
)

// TargetProperties configures an export's destination: the
// "target_properties" object of [AddExportSpec]. Each handler type has a typed
// struct in this package ([S3TargetProperties], [DatabaseTargetProperties],
// [BigQueryTargetProperties], [RESTAPITargetProperties], …) that knows its
// keys and checks them before anything is sent; [RawTargetProperties] passes
// any object through for destinations the SDK does not model.
//
// Secrets go to the API as they are, but the SDK never prints or logs one:
// every typed struct writes "[REDACTED]" in place of its secret fields, and
// the values of secret-looking keys (see [RedactedTargetProperties]) are
// replaced in every map, at any depth. That holds under every fmt verb
// except %p of a struct value (fmt handles %p itself, calling no method, and
// prints a struct value with its fields, so pass a pointer, which %p prints
// as an address), in slog output (text and JSON handlers, at the top, in
// groups, slices and maps) and in encoding/json output. [WireJSON] writes
// what the API receives.
//
// What the SDK cannot reach: a value kept in an unexported field of a
// struct of your own is printed by fmt (and so by slog's text handler)
// through reflection, which calls no method, so it prints in the clear; and a struct of your own that embeds
// a typed struct takes on its Format, LogValue and MarshalJSON methods, so
// it prints as the embedded struct alone.
type TargetProperties interface {
	// HandlerType returns the handler type these properties are for, or ""
	// when they suit any handler.
	HandlerType() HandlerType
	// Validate reports a missing or invalid key as a *ValidationError.
	Validate() error
}

// RawTargetProperties is a target_properties object passed to the API as is.
// Use it for handler types the SDK has no typed struct for. It is also how
// target properties read back from the API are represented.
type RawTargetProperties map[string]any

// HandlerType returns "": raw properties suit any handler type.
func (RawTargetProperties) HandlerType() HandlerType { return "" }

// Validate accepts any object.
func (RawTargetProperties) Validate() error { return nil }

// Format implements [fmt.Formatter], printing p as a map, in its JSON form,
// with the values of secret keys replaced by "[REDACTED]" at any depth.
func (p RawTargetProperties) Format(f fmt.State, verb rune) {
	var v any = map[string]any(p)
	if len(p) > 0 {
		v = redactValue(v)
	}
	fmt.Fprintf(f, fmt.FormatString(f, verb), v)
}

// LogValue implements [slog.LogValuer], logging p redacted.
func (p RawTargetProperties) LogValue() slog.Value { return redactedLogValue(map[string]any(p)) }

// MarshalJSON implements [json.Marshaler], writing p with the values of
// secret keys replaced by "[REDACTED]" at any depth. [WireJSON] writes the
// real values.
func (p RawTargetProperties) MarshalJSON() ([]byte, error) { return redactedJSON(p) }

func (p RawTargetProperties) wireValue(depth int) any { return wireProps(p, depth) }

// isNil reports whether v is nil or an interface holding a nil pointer or map.
func isNil(v any) bool {
	if v == nil {
		return true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Interface:
		return rv.IsNil()
	}
	return false
}

// tpError reports an invalid target_properties key.
func tpError(key, reason string) error {
	return &ValidationError{Field: "target_properties." + key, Reason: reason}
}

// firstError returns the first non-nil error in errs.
func firstError(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// requireKeys reports the first blank value; kv alternates keys and values.
func requireKeys(kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if strings.TrimSpace(kv[i+1]) == "" {
			return tpError(kv[i], "must not be empty")
		}
	}
	return nil
}

// checkRange reports v outside lo..hi; 0 means unset and passes.
func checkRange(key string, v, lo, hi int) error {
	if v != 0 && (v < lo || v > hi) {
		return tpError(key, fmt.Sprintf("must be between %d and %d", lo, hi))
	}
	return nil
}

func checkPort(port int) error { return checkRange("port", port, 1, 65535) }

// checkKnown reports a value outside its enum; empty means unset and passes.
func checkKnown[T interface {
	~string
	IsKnown() bool
}](key string, v T) error {
	if v != "" && !v.IsKnown() {
		return tpError(key, fmt.Sprintf("%q is not a known value", v))
	}
	return nil
}

// credential is a key that belongs to one way of logging in.
type credential struct {
	mode, key, value string
	required         bool
}

// checkCredentials reports a missing credential of the chosen mode (the
// value of modeKey) and any credential set for another mode.
func checkCredentials(modeKey, mode string, creds []credential) error {
	for _, c := range creds {
		switch {
		case c.mode == mode && c.required && strings.TrimSpace(c.value) == "":
			return tpError(c.key, "must not be empty when "+modeKey+" is "+mode)
		case c.mode != mode && c.value != "":
			return tpError(c.key, "is only sent when "+modeKey+" is "+c.mode)
		}
	}
	return nil
}

// marshalWithExtra encodes v, an object, with the keys of extra it does not
// set itself.
func marshalWithExtra(v any, extra map[string]any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	merged := make(map[string]any, len(extra)+len(fields))
	maps.Copy(merged, extra)
	for k, raw := range fields {
		merged[k] = raw
	}
	return json.Marshal(merged)
}
