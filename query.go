package mammoth

import (
	"net/url"
	"strconv"
)

// encode writes the options as a query string, byte for byte what
// go-querystring and url.Values.Encode make of them (keys sorted, values
// escaped, zero values left out, booleans as true or false), without their
// reflection: ListExports runs once per page of every walk. A nil o encodes
// as "".
func (o *ListExportsOptions) encode() string {
	if o == nil {
		return ""
	}
	var buf [128]byte
	b := buf[:0]
	key := func(k string) {
		if len(b) > 0 {
			b = append(b, '&')
		}
		b = append(b, k...)
		b = append(b, '=')
	}
	str := func(k, v string) {
		if v != "" {
			key(k)
			b = append(b, url.QueryEscape(v)...)
		}
	}
	num := func(k string, v *int) {
		if v != nil {
			key(k)
			b = strconv.AppendInt(b, int64(*v), 10)
		}
	}
	flag := func(k string, v *bool) {
		if v != nil {
			key(k)
			b = strconv.AppendBool(b, *v)
		}
	}
	var offset *int
	if o.Offset != 0 {
		offset = &o.Offset
	}
	// In the order of their keys.
	flag("end_of_pipeline", o.EndOfPipeline)
	str("fields", o.Fields)
	str("handler_type", string(o.HandlerType))
	num("limit", o.Limit)
	num("offset", offset)
	flag("reorderd", o.Reordered) // sic: the API's spelling
	flag("runnable", o.Runnable)
	num("sequence", o.Sequence)
	str("sort", o.Sort)
	str("status", string(o.Status))
	return string(b)
}
