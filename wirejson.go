package mammoth

import (
	"encoding"
	"encoding/json"
	"reflect"
	"strconv"
)

// WireJSON returns the JSON encoding of v as the SDK sends it to the API,
// secrets in the clear: the bytes [ExportsService.AddExport] sends for an
// [*AddExportSpec], the target_properties object for a [TargetProperties].
//
// It is json.Marshal, except for the SDK's types that can hold a secret
// (target properties, [AddExportSpec], [ItemExportInfo], [PatchOp],
// [PipelineExportsPaginated] and the structs inside target properties):
// their MarshalJSON methods write "[REDACTED]" in place of every secret, so
// that a log line or a JSON dump never shows one, and WireJSON writes their
// real values instead, wherever they sit in v: at the top, or inside maps,
// slices, arrays, pointers and interfaces, at any depth. A field of a
// struct of your own is encoded by encoding/json, which calls the field's
// MarshalJSON: an SDK type there is written redacted.
//
// Use WireJSON to store a spec you mean to send again, or to send it by
// other means; use json.Marshal (or [RedactedTargetProperties]) for
// anything a person may read.
func WireJSON(v any) ([]byte, error) { return json.Marshal(wireCopy(v)) }

// wireEncoder is implemented by the SDK's types whose MarshalJSON redacts:
// wireJSON writes what the API receives.
type wireEncoder interface {
	wireJSON() ([]byte, error)
}

var (
	wireEncoderType   = reflect.TypeFor[wireEncoder]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// wireForm encodes an SDK type in its wire form.
type wireForm struct{ v wireEncoder }

func (w wireForm) MarshalJSON() ([]byte, error) { return w.v.wireJSON() }

// wireCopy returns a value that encoding/json writes as v's wire form: v
// itself when nothing in it can be an SDK type that redacts, otherwise a
// copy of its maps, slices, arrays, pointers and interfaces down to those
// types, which are wrapped in wireForm. Past the depth at which
// encoding/json starts looking for cycles, v is returned as it is, so a
// cyclic value fails to encode as it would with json.Marshal.
func wireCopy(v any) any {
	if v == nil {
		return nil
	}
	return wireCopyValue(reflect.ValueOf(v), 0)
}

const wireCopyMaxDepth = 1000

func wireCopyValue(rv reflect.Value, depth int) any {
	t := rv.Type()
	if depth > wireCopyMaxDepth || !mayHoldWire(t, 0) || !rv.CanInterface() {
		return valueOrNil(rv)
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		if rv.IsNil() {
			return nil
		}
	}
	if t.Implements(wireEncoderType) {
		return wireForm{rv.Interface().(wireEncoder)}
	}
	if t.Implements(jsonMarshalerType) || t.Implements(textMarshalerType) {
		return rv.Interface() // a type of the user's: encoded its own way
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface:
		return wireCopyValue(rv.Elem(), depth+1)
	case reflect.Map:
		out := make(map[string]any, rv.Len())
		for it := rv.MapRange(); it.Next(); {
			k, ok := jsonMapKey(it.Key())
			if !ok {
				return rv.Interface() // let encoding/json report the key type
			}
			out[k] = wireCopyValue(it.Value(), depth+1)
		}
		return out
	case reflect.Slice, reflect.Array:
		out := make([]any, rv.Len())
		for i := range out {
			out[i] = wireCopyValue(rv.Index(i), depth+1)
		}
		return out
	}
	return rv.Interface()
}

func valueOrNil(rv reflect.Value) any {
	if !rv.IsValid() || !rv.CanInterface() {
		return nil
	}
	return rv.Interface()
}

// jsonMapKey returns the object key encoding/json writes for the map key k.
func jsonMapKey(k reflect.Value) (string, bool) {
	if k.Kind() == reflect.String {
		return k.String(), true
	}
	if tm, ok := k.Interface().(encoding.TextMarshaler); ok {
		if k.Kind() == reflect.Pointer && k.IsNil() {
			return "", true
		}
		b, err := tm.MarshalText()
		return string(b), err == nil
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10), true
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10), true
	}
	return "", false
}

// mayHoldWire reports whether a value of type t can be, or hold in its
// maps, slices, arrays, pointers or interfaces, an SDK type that redacts.
func mayHoldWire(t reflect.Type, depth int) bool {
	if depth > 8 {
		return true // a recursive type: look at the value
	}
	if t.Implements(wireEncoderType) {
		return true
	}
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Array:
		return mayHoldWire(t.Elem(), depth+1)
	}
	return false
}

// wireProps copies m for encoding with the SDK types inside it in wire form.
func wireProps(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	out, _ := wireCopy(m).(map[string]any)
	return out
}
