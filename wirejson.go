package mammoth

import (
	"encoding"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
)

// WireJSON returns the JSON encoding of v as the SDK sends it to the API,
// secrets in the clear: the bytes [ExportsService.AddExport] sends for an
// [*AddExportSpec] (once its DataviewID is set: AddExport fills a zero one
// from the [DataviewRef]), the target_properties object for a
// [TargetProperties].
//
// It is json.Marshal, except for the SDK's types that can hold a secret
// (target properties, [AddExportSpec], [ItemExportInfo], [PatchOp],
// [PipelineExportsPaginated] and the structs inside target properties):
// their MarshalJSON methods write "[REDACTED]" in place of every secret, so
// that a log line or a JSON dump never shows one, and WireJSON writes their
// real values instead, wherever they sit in v: at the top, or inside maps,
// slices, arrays, pointers and interfaces, at any depth. A field of a
// struct of your own is encoded by encoding/json, which calls the field's
// MarshalJSON: an SDK type there is written redacted. A value nested more
// than 10000 levels deep, such as a map that contains itself, is an error.
//
// Use WireJSON to store a spec you mean to send again, or to send it by
// other means; use json.Marshal (or [RedactedTargetProperties]) for
// anything a person may read.
func WireJSON(v any) ([]byte, error) { return json.Marshal(wireCopy(v, 0)) }

// wireEncoder is implemented by the SDK's types whose MarshalJSON redacts.
// wireValue returns what encoding/json writes as the wire form: a value
// that holds none of those types (so no redacting method is called), built
// eagerly so that depth, the nesting above it, bounds the whole walk and a
// cyclic value fails to encode instead of recursing for ever.
type wireEncoder interface {
	wireValue(depth int) any
}

var (
	wireEncoderType   = reflect.TypeFor[wireEncoder]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
)

// redactedJSON is the MarshalJSON of every wireEncoder: the wire form with
// its secrets replaced.
func redactedJSON(w wireEncoder) ([]byte, error) { return redactJSON(json.Marshal(w.wireValue(0))) }

// wireForm encodes an SDK type in its wire form.
type wireForm struct{ v wireEncoder }

func (w wireForm) MarshalJSON() ([]byte, error) { return json.Marshal(w.v.wireValue(0)) }

// maxWireDepth bounds the nesting wireCopy follows. It is the depth to
// which encoding/json decodes, so the API can have sent nothing deeper.
const maxWireDepth = 10000

// errWireTooDeep is what encoding a value nested deeper than maxWireDepth
// (a cyclic one, in practice) fails with.
var errWireTooDeep = errors.New("mammoth: value nested too deeply to encode (does it contain itself?)")

// tooDeep fails to encode, with errWireTooDeep.
type tooDeep struct{}

func (tooDeep) MarshalJSON() ([]byte, error) { return nil, errWireTooDeep }

// wireCopy returns a value that encoding/json writes as v's wire form: v
// itself when nothing in it can be an SDK type that redacts, otherwise a
// copy of its maps, slices, arrays, pointers and interfaces down to those
// types, which are replaced by their wire values. depth is the nesting
// above v.
func wireCopy(v any, depth int) any {
	if v == nil {
		return nil
	}
	return wireCopyValue(reflect.ValueOf(v), depth)
}

func wireCopyValue(rv reflect.Value, depth int) any {
	if !rv.IsValid() || !rv.CanInterface() {
		return nil
	}
	t := rv.Type()
	if !mayHoldWire(t, 0) {
		return rv.Interface()
	}
	if depth > maxWireDepth {
		return tooDeep{}
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.Slice:
		if rv.IsNil() {
			return nil
		}
	}
	if t.Implements(wireEncoderType) {
		return rv.Interface().(wireEncoder).wireValue(depth + 1)
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

// wireProps copies m, depth levels down, with the SDK types inside it
// replaced by their wire values.
func wireProps(m map[string]any, depth int) map[string]any {
	if m == nil {
		return nil
	}
	out, _ := wireCopy(m, depth).(map[string]any)
	return out
}

// withExtra encodes v, an object, with the keys of extra it does not set
// itself (see marshalWithExtra).
type withExtra struct {
	v     any
	extra map[string]any
}

func (w withExtra) MarshalJSON() ([]byte, error) { return marshalWithExtra(w.v, w.extra) }
