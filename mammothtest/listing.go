package mammothtest

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// The fields of an export, in the order the API writes them.
const (
	fID = iota
	fDataviewID
	fSequence
	fSubSequence
	fHandlerType
	fTriggerType
	fEndOfPipeline
	fStatus
	fTargetProperties
	fRunnable
	fReordered
	fDataPassThrough
	fAdditionalProperties
	fCondition
	fLastModifiedTime
	fExecutionStartTime
	fExecutionEndTime
	fLastRunResult
	fErrorInfo
	numFields
)

var fieldNames = [numFields]string{
	"id", "dataview_id", "sequence", "sub_sequence", "handler_type", "trigger_type",
	"end_of_pipeline", "status", "target_properties", "runnable", "reordered",
	"data_pass_through", "additional_properties", "condition", "last_modified_time",
	"execution_start_time", "execution_end_time", "last_run_result", "error_info",
}

// fieldSet is a set of fields, one bit per field.
type fieldSet uint32

const (
	// The presets: __min is the first ten fields, __standard adds seven
	// more, __full is every field.
	presetMin      fieldSet = 1<<(fRunnable+1) - 1
	presetStandard fieldSet = 1<<(fExecutionEndTime+1) - 1
	presetFull     fieldSet = 1<<numFields - 1
)

// parseFields reads a fields parameter: presets and field names, separated
// by commas. Empty means __standard.
func parseFields(v string, p *problems) fieldSet {
	if v == "" {
		return presetStandard
	}
	var fs fieldSet
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		switch name {
		case "__min":
			fs |= presetMin
			continue
		case "__standard":
			fs |= presetStandard
			continue
		case "__full":
			fs |= presetFull
			continue
		}
		i := slices.Index(fieldNames[:], name)
		if i < 0 {
			p.add("query", "fields", "unknown field "+strconv.Quote(name))
			continue
		}
		fs |= 1 << i
	}
	return fs
}

// appendExport writes the fields fs of e as a JSON object.
func appendExport(b []byte, e *mammoth.ItemExportInfo, fs fieldSet) []byte {
	b = append(b, '{')
	first := true
	for i := range numFields {
		if fs&(1<<i) == 0 {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, fieldNames[i]...)
		b = append(b, '"', ':')
		b = appendField(b, e, i)
	}
	return append(b, '}')
}

func appendField(b []byte, e *mammoth.ItemExportInfo, field int) []byte {
	switch field {
	case fID:
		return appendInt(b, e.ID)
	case fDataviewID:
		return appendInt(b, e.DataviewID)
	case fSequence:
		return appendInt(b, e.Sequence)
	case fSubSequence:
		return appendInt(b, e.SubSequence)
	case fHandlerType:
		return appendString(b, string(e.HandlerType))
	case fTriggerType:
		return appendString(b, string(e.TriggerType))
	case fEndOfPipeline:
		return appendBool(b, e.EndOfPipeline)
	case fStatus:
		return appendString(b, string(e.Status))
	case fTargetProperties:
		return appendMap(b, e.TargetProperties)
	case fRunnable:
		return appendBool(b, e.Runnable)
	case fReordered:
		return appendBool(b, e.Reordered)
	case fDataPassThrough:
		return appendBool(b, e.DataPassThrough)
	case fAdditionalProperties:
		return appendMap(b, e.AdditionalProperties)
	case fCondition:
		return appendMap(b, e.Condition)
	case fLastModifiedTime:
		return appendTime(b, e.LastModifiedTime)
	case fExecutionStartTime:
		return appendTime(b, e.ExecutionStartTime)
	case fExecutionEndTime:
		return appendTime(b, e.ExecutionEndTime)
	case fLastRunResult:
		return appendMap(b, e.LastRunResult)
	case fErrorInfo:
		return appendMap(b, e.ErrorInfo)
	}
	return append(b, "null"...)
}

func appendInt(b []byte, p *int) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*p), 10)
}

func appendBool(b []byte, p *bool) []byte {
	if p == nil {
		return append(b, "null"...)
	}
	return strconv.AppendBool(b, *p)
}

// appendString writes s as a JSON string, or null when empty.
func appendString(b []byte, s string) []byte {
	if s == "" {
		return append(b, "null"...)
	}
	enc, _ := json.Marshal(s)
	return append(b, enc...)
}

func appendMap[M ~map[string]any](b []byte, m M) []byte {
	if m == nil {
		return append(b, "null"...)
	}
	enc, err := json.Marshal(map[string]any(m))
	if err != nil {
		return append(b, "null"...)
	}
	return append(b, enc...)
}

func appendTime(b []byte, t *mammoth.Timestamp) []byte {
	if t == nil || t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, timeLayout)
	return append(b, '"')
}

// listQuery is a parsed GET pipeline/exports query.
type listQuery struct {
	fields        fieldSet
	limit, offset int
	sort          []sortTerm
	sortKey       string
	sequence      *int
	status        mammoth.ExportStatus
	reordered     *bool
	handlerType   mammoth.HandlerType
	endOfPipeline *bool
	runnable      *bool
}

// sortTerm is one "(field:asc|desc)" of a sort parameter.
type sortTerm struct {
	field int
	desc  bool
}

// sortable are the fields a list can be sorted by: those with a scalar
// value.
var sortable = fieldSet(presetFull &^ (1<<fTargetProperties | 1<<fAdditionalProperties |
	1<<fCondition | 1<<fLastRunResult | 1<<fErrorInfo))

// parseListQuery reads the list parameters, adding what is wrong to p.
func parseListQuery(q url.Values, p *problems) listQuery {
	lq := listQuery{fields: parseFields(q.Get("fields"), p), limit: 50}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			p.add("query", "limit", "must be an integer from 0 to 100")
		} else {
			lq.limit = n
		}
	}
	if v := q.Get("offset"); v != "" {
		n, ok := parseID(v, 0)
		if !ok {
			p.add("query", "offset", "must be a non-negative integer")
		} else {
			lq.offset = n
		}
	}
	lq.sort, lq.sortKey = parseSort(q.Get("sort"), p)
	if v := q.Get("sequence"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			p.add("query", "sequence", "must be an integer")
		} else {
			lq.sequence = &n
		}
	}
	if v := q.Get("status"); v != "" {
		if st := mammoth.ExportStatus(v); st.IsKnown() {
			lq.status = st
		} else {
			p.add("query", "status", "unknown export status "+strconv.Quote(v))
		}
	}
	if v := q.Get("handler_type"); v != "" {
		if h := mammoth.HandlerType(v); h.IsKnown() {
			lq.handlerType = h
		} else {
			p.add("query", "handler_type", "unknown handler type "+strconv.Quote(v))
		}
	}
	lq.reordered = queryBool(q, "reorderd", p)
	lq.endOfPipeline = queryBool(q, "end_of_pipeline", p)
	lq.runnable = queryBool(q, "runnable", p)
	return lq
}

// queryBool reads an optional boolean parameter.
func queryBool(q url.Values, key string, p *problems) *bool {
	v := q.Get(key)
	if v == "" {
		return nil
	}
	b, ok := parseBool(v)
	if !ok {
		p.add("query", key, "must be a boolean")
		return nil
	}
	return &b
}

// parseSort reads "(field:asc|desc)" terms joined with commas, and returns
// them with a normalized key for the sort cache. Empty means "(id:asc)".
func parseSort(v string, p *problems) ([]sortTerm, string) {
	if v == "" || v == "(id:asc)" {
		return nil, ""
	}
	var terms []sortTerm
	var key strings.Builder
	for _, raw := range strings.Split(v, ",") {
		t := strings.TrimSpace(raw)
		inner, ok := strings.CutPrefix(t, "(")
		if ok {
			inner, ok = strings.CutSuffix(inner, ")")
		}
		name, dir, ok2 := strings.Cut(inner, ":")
		i := slices.Index(fieldNames[:], name)
		switch {
		case !ok || !ok2 || (dir != "asc" && dir != "desc"):
			p.add("query", "sort", "terms must look like (field:asc) or (field:desc), got "+strconv.Quote(t))
			continue
		case i < 0:
			p.add("query", "sort", "unknown field "+strconv.Quote(name))
			continue
		case sortable&(1<<i) == 0:
			p.add("query", "sort", "cannot sort by "+strconv.Quote(name))
			continue
		}
		terms = append(terms, sortTerm{field: i, desc: dir == "desc"})
		key.WriteString(name + ":" + dir + ",")
	}
	return terms, key.String()
}

// match reports whether an export passes the query's filters.
func (lq *listQuery) match(e *mammoth.ItemExportInfo) bool {
	switch {
	case lq.sequence != nil && (e.Sequence == nil || *e.Sequence != *lq.sequence):
		return false
	case lq.status != "" && e.Status != lq.status:
		return false
	case lq.handlerType != "" && e.HandlerType != lq.handlerType:
		return false
	case !boolMatch(lq.reordered, e.Reordered),
		!boolMatch(lq.endOfPipeline, e.EndOfPipeline),
		!boolMatch(lq.runnable, e.Runnable):
		return false
	}
	return true
}

func boolMatch(want, got *bool) bool {
	return want == nil || (got != nil && *got == *want)
}

// view returns the dataview's exports that pass the query's filters, in
// the query's order. Without filters or sort that is the stored list;
// otherwise the result is built once and cached until the exports change,
// so that paging through a filtered or sorted list costs one pass, not one
// per page.
func (dv *dataview) view(lq *listQuery) []*export {
	if len(lq.sort) == 0 && !lq.filtered() {
		return dv.exports
	}
	key := lq.viewKey()
	c := &dv.cache
	if c.valid && c.key == key && c.version == dv.version {
		return c.list
	}
	var list []*export
	for _, e := range dv.exports {
		if lq.match(&e.info) {
			list = append(list, e)
		}
	}
	if len(lq.sort) > 0 {
		slices.SortStableFunc(list, func(a, b *export) int {
			for _, t := range lq.sort {
				if o := compareField(&a.info, &b.info, t.field, t.desc); o != 0 {
					return o
				}
			}
			return cmp.Compare(*a.info.ID, *b.info.ID)
		})
	}
	*c = viewCache{valid: true, key: key, version: dv.version, list: list}
	return list
}

// viewKey identifies the query's filters and order.
func (lq *listQuery) viewKey() string {
	opt := func(p *int) string {
		if p == nil {
			return "-"
		}
		return strconv.Itoa(*p)
	}
	optBool := func(p *bool) string {
		if p == nil {
			return "-"
		}
		return strconv.FormatBool(*p)
	}
	return strings.Join([]string{lq.sortKey, opt(lq.sequence), string(lq.status), string(lq.handlerType),
		optBool(lq.reordered), optBool(lq.endOfPipeline), optBool(lq.runnable)}, "|")
}

// compareField orders two exports by one field. As in SQL databases, nulls
// come last in ascending order and first in descending order.
func compareField(a, b *mammoth.ItemExportInfo, field int, desc bool) int {
	an, bn, c := fieldOrder(a, b, field)
	switch {
	case an && bn:
		return 0
	case an:
		if desc {
			return -1
		}
		return 1
	case bn:
		if desc {
			return 1
		}
		return -1
	}
	if desc {
		return -c
	}
	return c
}

// fieldOrder compares a field's values, reporting first which are null.
func fieldOrder(a, b *mammoth.ItemExportInfo, field int) (aNull, bNull bool, c int) {
	ints := func(x, y *int) (bool, bool, int) {
		if x == nil || y == nil {
			return x == nil, y == nil, 0
		}
		return false, false, cmp.Compare(*x, *y)
	}
	bools := func(x, y *bool) (bool, bool, int) {
		if x == nil || y == nil {
			return x == nil, y == nil, 0
		}
		return false, false, cmp.Compare(b2i(*x), b2i(*y))
	}
	strs := func(x, y string) (bool, bool, int) {
		if x == "" || y == "" {
			return x == "", y == "", 0
		}
		return false, false, cmp.Compare(x, y)
	}
	times := func(x, y *mammoth.Timestamp) (bool, bool, int) {
		if x == nil || y == nil {
			return x == nil, y == nil, 0
		}
		return false, false, x.Compare(y.Time)
	}
	switch field {
	case fID:
		return ints(a.ID, b.ID)
	case fDataviewID:
		return ints(a.DataviewID, b.DataviewID)
	case fSequence:
		return ints(a.Sequence, b.Sequence)
	case fSubSequence:
		return ints(a.SubSequence, b.SubSequence)
	case fHandlerType:
		return strs(string(a.HandlerType), string(b.HandlerType))
	case fTriggerType:
		return strs(string(a.TriggerType), string(b.TriggerType))
	case fStatus:
		return strs(string(a.Status), string(b.Status))
	case fEndOfPipeline:
		return bools(a.EndOfPipeline, b.EndOfPipeline)
	case fRunnable:
		return bools(a.Runnable, b.Runnable)
	case fReordered:
		return bools(a.Reordered, b.Reordered)
	case fDataPassThrough:
		return bools(a.DataPassThrough, b.DataPassThrough)
	case fLastModifiedTime:
		return times(a.LastModifiedTime, b.LastModifiedTime)
	case fExecutionStartTime:
		return times(a.ExecutionStartTime, b.ExecutionStartTime)
	case fExecutionEndTime:
		return times(a.ExecutionEndTime, b.ExecutionEndTime)
	}
	return true, true, 0
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// page returns the exports of one page and whether more follow it.
func (dv *dataview) page(lq *listQuery) (items []*export, more bool) {
	list := dv.view(lq)
	start := min(lq.offset, len(list))
	end := min(start+lq.limit, len(list))
	return list[start:end], end < len(list)
}

// filtered reports whether the query has any filter.
func (lq *listQuery) filtered() bool {
	return lq.sequence != nil || lq.status != "" || lq.handlerType != "" ||
		lq.reordered != nil || lq.endOfPipeline != nil || lq.runnable != nil
}
