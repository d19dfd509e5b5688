package mammothtest

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// itemPresets are the fields of GET P/pipeline/items' presets, as the API
// lists them: item_type is in none of them.
var itemPresets = map[string][]string{
	"__min": {"id", "dataview_id", "sequence", "status", "reordered", "data_pass_through",
		"handler_type", "trigger_type", "runnable"},
	"__standard": {"id", "dataview_id", "sequence", "status", "reordered", "data_pass_through",
		"handler_type", "trigger_type", "runnable", "data_size", "row_count",
		"execution_start_time", "execution_end_time"},
	"__full": {"id", "dataview_id", "sequence", "status", "reordered", "data_pass_through",
		"handler_type", "trigger_type", "runnable", "data_size", "row_count",
		"execution_start_time", "execution_end_time", "error_info", "reference_errors"},
}

// taskKeys and exportKeys are the keys of the API's ItemTask and
// ItemExport: an item shows only the selected keys its kind has.
var (
	taskKeys = []string{"item_type", "id", "dataview_id", "sequence", "status", "reordered",
		"reference_errors", "data_pass_through", "data_size", "row_count",
		"execution_start_time", "execution_end_time"}
	exportKeys = []string{"item_type", "id", "dataview_id", "sequence", "status", "reordered",
		"has_refferror", "handler_type", "trigger_type", "runnable", "data_pass_through",
		"error_info", "execution_start_time", "execution_end_time"}
)

// item is a task or an export as the items list shows it.
type item struct {
	id, sequence int
	status       mammoth.ExportStatus
	values       map[string]any
	keys         []string
}

func (s *Server) itemsLocked(dv *dataview) []item {
	pl := dv.pipe()
	var out []item
	for _, t := range pl.tasks {
		out = append(out, item{id: t.id, sequence: t.sequence, status: t.status, keys: taskKeys, values: map[string]any{
			"item_type": "task", "id": t.id, "dataview_id": dv.ref.DataviewID, "sequence": t.sequence,
			"status": t.status, "reordered": false, "reference_errors": map[string]any{},
			"data_pass_through": false, "data_size": t.size, "row_count": t.rows,
			"execution_start_time": nil, "execution_end_time": nil,
		}})
	}
	for _, e := range dv.exports {
		in := &e.info
		seq := 0
		if in.Sequence != nil {
			seq = *in.Sequence
		}
		out = append(out, item{id: *in.ID, sequence: seq, status: in.Status, keys: exportKeys, values: map[string]any{
			"item_type": "export", "id": *in.ID, "dataview_id": dv.ref.DataviewID, "sequence": seq,
			"status": orNull(in.Status), "reordered": in.Reordered, "has_refferror": false,
			"handler_type": orNull(in.HandlerType), "trigger_type": orNull(in.TriggerType), "runnable": in.Runnable,
			"data_pass_through": in.DataPassThrough, "error_info": itemMap(in.ErrorInfo),
			"execution_start_time": itemTime(in.ExecutionStartTime), "execution_end_time": itemTime(in.ExecutionEndTime),
		}})
	}
	return out
}

// orNull writes an unset enum as null, not as "".
func orNull[S ~string](v S) any {
	if v == "" {
		return nil
	}
	return v
}

func itemMap(m map[string]any) any {
	if m == nil {
		return nil
	}
	return cloneMap(m)
}

func itemTime(t *mammoth.Timestamp) any {
	if t == nil {
		return nil
	}
	return formatTime(t.Time)
}

// handleListItems serves GET P/pipeline/items: the dataview's tasks and
// exports, filtered, sorted and paged as the package documentation says.
func (s *Server) handleListItems(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	ref := pathRef(r, &p)
	q := r.URL.Query()
	sel := map[string]bool{}
	fields := q.Get("fields")
	if fields == "" {
		fields = "__standard"
	}
	for _, name := range strings.Split(fields, ",") {
		name = strings.TrimSpace(name)
		if preset, ok := itemPresets[name]; ok {
			for _, f := range preset {
				sel[f] = true
			}
		} else if slices.Contains(taskKeys, name) || slices.Contains(exportKeys, name) {
			sel[name] = true
		} else {
			p.add("query", "fields", "unknown field "+strconv.Quote(name))
		}
	}
	limit, offset := 50, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			p.add("query", "limit", "must be an integer from 0 to 100")
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, ok := parseID(v, 0)
		if !ok {
			p.add("query", "offset", "must be a non-negative integer")
		}
		offset = n
	}
	var seq *int
	if v := q.Get("sequence"); v != "" {
		n, ok := parseID(v, 0)
		if !ok {
			p.add("query", "sequence", "must be a non-negative integer")
		}
		seq = &n
	}
	var status mammoth.ExportStatus
	if v := q.Get("status"); v != "" {
		if status = mammoth.ExportStatus(v); !status.IsKnown() {
			p.add("query", "status", "unknown item status "+strconv.Quote(v))
		}
	}
	type term struct {
		field string
		desc  bool
	}
	var terms []term
	if v := q.Get("sort"); v != "" {
		for _, raw := range strings.Split(v, ",") {
			t := strings.TrimSpace(raw)
			inner := strings.TrimSuffix(strings.TrimPrefix(t, "("), ")")
			name, dir, ok := strings.Cut(inner, ":")
			if !ok || inner == t || (dir != "asc" && dir != "desc") || (name != "id" && name != "sequence") {
				p.add("query", "sort", "terms must look like (id:asc) or (sequence:desc), got "+strconv.Quote(t))
				continue
			}
			terms = append(terms, term{name, dir == "desc"})
		}
	}
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	dv := s.lockDataview(w, ref)
	if dv == nil {
		return
	}
	all := s.itemsLocked(dv)
	s.mu.Unlock()
	all = slices.DeleteFunc(all, func(it item) bool {
		return (seq != nil && it.sequence != *seq) || (status != "" && it.status != status)
	})
	slices.SortStableFunc(all, func(a, b item) int {
		for _, t := range terms {
			c := cmp.Compare(a.id, b.id)
			if t.field == "sequence" {
				c = cmp.Compare(a.sequence, b.sequence)
			}
			if t.desc {
				c = -c
			}
			if c != 0 {
				return c
			}
		}
		return cmp.Compare(a.id, b.id)
	})
	page := all[min(offset, len(all)):]
	page = page[:min(limit, len(page))]
	items := make([]map[string]any, len(page))
	for i, it := range page {
		m := make(map[string]any)
		for _, k := range it.keys {
			if sel[k] {
				m[k] = it.values[k]
			}
		}
		items[i] = m
	}
	next := ""
	if limit > 0 && offset+limit < len(all) {
		nq := r.URL.Query()
		nq.Set("limit", strconv.Itoa(limit))
		nq.Set("offset", strconv.Itoa(offset+limit))
		next = s.api.URL + r.URL.EscapedPath() + "?" + nq.Encode()
	}
	pageLimit := limit
	if pageLimit == 0 {
		pageLimit = 50 // the answer's limit must be positive
	}
	writeJSON(w, http.StatusOK, map[string]any{"limit": pageLimit, "offset": offset, "next": next, "items": items})
}
