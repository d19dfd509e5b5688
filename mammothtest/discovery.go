package mammothtest

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// pageParams is the limit and offset of a list request.
type pageParams struct{ limit, offset int }

// parsePage reads limit (from minLimit to maxLimit, none when maxLimit is
// 0; def when absent) and offset.
func parsePage(q url.Values, p *problems, def, minLimit, maxLimit int) pageParams {
	pp := pageParams{limit: def}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < minLimit || (maxLimit > 0 && n > maxLimit):
			msg := "must be an integer of at least " + strconv.Itoa(minLimit)
			if maxLimit > 0 {
				msg = "must be an integer from " + strconv.Itoa(minLimit) + " to " + strconv.Itoa(maxLimit)
			}
			p.add("query", "limit", msg)
		default:
			pp.limit = n
		}
	}
	if v := q.Get("offset"); v != "" {
		n, ok := parseID(v, 0)
		if !ok {
			p.add("query", "offset", "must be a non-negative integer")
		}
		pp.offset = n
	}
	return pp
}

// pageOf cuts one page out of items and says whether more follow.
func pageOf[T any](items []T, pp pageParams) ([]T, bool) {
	start := min(pp.offset, len(items))
	end := min(start+pp.limit, len(items))
	return items[start:end], end < len(items)
}

// pageLink links to the page after this one, in the server's link form
// ("" on the last page, or with limit 0, which would never advance).
func (s *Server) pageLink(r *http.Request, q url.Values, pp pageParams, more bool) string {
	if !more || pp.limit == 0 {
		return ""
	}
	next := make(url.Values, len(q)+2)
	for k, v := range q {
		next[k] = v
	}
	next["limit"] = []string{strconv.Itoa(pp.limit)}
	next["offset"] = []string{strconv.Itoa(pp.offset + pp.limit)}
	rest := r.URL.EscapedPath() + "?" + next.Encode()
	if s.nextLink == NextLinkRelative {
		return rest[1:]
	}
	return s.api.URL + rest
}

// pathInt reads a path id of at least min.
func pathInt(r *http.Request, p *problems, key string, min int) int {
	n, ok := parseID(r.PathValue(key), min)
	if !ok {
		p.add("path", key, "must be an integer of at least "+strconv.Itoa(min))
	}
	return n
}

// parseQueryBool checks an optional boolean query parameter.
func parseQueryBool(q url.Values, p *problems, key string) {
	if v := q.Get(key); v != "" {
		if _, ok := parseBool(v); !ok {
			p.add("query", key, "must be a boolean")
		}
	}
}

// splitList reads a comma-separated parameter; nil when absent.
func splitList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, part := range strings.Split(v, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

type workspaceWire struct {
	ID           int    `json:"id"`
	Name         string `json:"name"`
	Status       string `json:"status"`
	URL          string `json:"url"`
	Path         string `json:"path"`
	UpdatedAt    string `json:"updated_at"`
	CreatedAt    string `json:"created_at"`
	LastAccessed string `json:"last_accessed"`
}

// handleWorkspaces serves GET /workspaces: sorted by name, then id.
func (s *Server) handleWorkspaces(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	q := r.URL.Query()
	pp := parsePage(q, &p, 10, 1, 100)
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	s.mu.Lock()
	var all []workspaceWire
	for _, ws := range s.tree.workspaces {
		if name := q.Get("name"); name != "" && ws.name != name {
			continue
		}
		at := formatTime(ws.created)
		all = append(all, workspaceWire{
			ID: ws.id, Name: ws.name, Status: "ACTIVE", URL: "/workspace/" + strconv.Itoa(ws.id),
			Path: "/workspace:" + ws.name + ":" + strconv.Itoa(ws.id), UpdatedAt: at, CreatedAt: at, LastAccessed: at,
		})
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b workspaceWire) int { return cmp.Or(cmp.Compare(a.Name, b.Name), a.ID-b.ID) })
	items, more := pageOf(all, pp)
	writeJSON(w, http.StatusOK, map[string]any{
		"workspaces": nonNilList(items), "limit": pp.limit, "offset": pp.offset, "next": s.pageLink(r, q, pp, more),
	})
}

// lockWorkspace locks the server and returns the path's workspace; for an
// unknown one it answers 404 and returns nil, unlocked.
func (s *Server) lockWorkspace(w http.ResponseWriter, r *http.Request, p *problems) *workspaceNode {
	id := pathInt(r, p, "workspace_id", 1)
	if len(*p) > 0 {
		writeProblems(w, r, *p)
		return nil
	}
	s.mu.Lock()
	ws := s.tree.workspaces[id]
	if ws == nil {
		s.mu.Unlock()
		writeNotFound(w)
	}
	return ws
}

// lockProject is lockWorkspace for the path's project.
func (s *Server) lockProject(w http.ResponseWriter, r *http.Request, p *problems) *projectNode {
	id := pathInt(r, p, "project_id", 1)
	ws := s.lockWorkspace(w, r, p)
	if ws == nil {
		return nil
	}
	proj := ws.projects[id]
	if proj == nil {
		s.mu.Unlock()
		writeNotFound(w)
	}
	return proj
}

type projectWire struct {
	ID               int            `json:"id"`
	Name             string         `json:"name"`
	OwnerWorkspaceID int            `json:"owner_workspace_id"`
	Status           string         `json:"status"`
	CreatedAt        string         `json:"created_at"`
	UpdatedAt        string         `json:"updated_at"`
	Properties       map[string]any `json:"properties"`
}

// handleProjects serves GET /workspaces/{w}/projects, sorted by id.
func (s *Server) handleProjects(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	q := r.URL.Query()
	pp := parsePage(q, &p, 10, 0, 100)
	ws := s.lockWorkspace(w, r, &p)
	if ws == nil {
		return
	}
	all := make([]projectWire, 0, len(ws.projects))
	for _, id := range sortedKeys(ws.projects) {
		proj := ws.projects[id]
		at := formatTime(proj.created)
		all = append(all, projectWire{
			ID: id, Name: proj.name, OwnerWorkspaceID: ws.id, Status: "active", CreatedAt: at, UpdatedAt: at,
			Properties: map[string]any{"color": "#E3E5E8"},
		})
	}
	s.mu.Unlock()
	items, more := pageOf(all, pp)
	writeJSON(w, http.StatusOK, map[string]any{
		"projects": items, "limit": pp.limit, "offset": pp.offset, "next": s.pageLink(r, q, pp, more),
	})
}

// dsInfo is a dataset as GET …/datasets lists it.
type dsInfo struct {
	ID             int               `json:"id"`
	Name           string            `json:"name"`
	ResourcePath   string            `json:"resource_path"`
	CreatedAt      string            `json:"created_at"`
	CreatedBy      string            `json:"created_by"`
	UpdatedAt      string            `json:"updated_at"`
	Status         string            `json:"status"`
	StatusInfo     map[string]string `json:"status_info"`
	GetURL         string            `json:"get_url"`
	DataSchema     []map[string]any  `json:"data_schema"`
	Stats          map[string]any    `json:"stats"`
	Sources        []any             `json:"sources"`
	DisplayInfo    any               `json:"display_info"`
	Dependencies   map[string]any    `json:"dependencies"`
	DataURL        string            `json:"data_url"`
	Configurations map[string]any    `json:"configurations"`
	AdditionalInfo map[string]any    `json:"additional_info"`
}

// handleDatasets serves GET /workspaces/{w}/projects/{p}/datasets, sorted
// by id, filtered by id, name and status (comma-separated lists).
func (s *Server) handleDatasets(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	q := r.URL.Query()
	pp := parsePage(q, &p, 50, 0, 100)
	var ids []int
	for _, v := range splitList(q.Get("id")) {
		n, ok := parseID(v, 0)
		if !ok {
			p.add("query", "id", "must be comma-separated integers")
		}
		ids = append(ids, n)
	}
	proj := s.lockProject(w, r, &p)
	if proj == nil {
		return
	}
	names, statuses := splitList(q.Get("name")), splitList(q.Get("status"))
	var all []dsInfo
	for _, id := range sortedKeys(proj.datasets) {
		d := proj.datasets[id]
		if (ids != nil && !slices.Contains(ids, id)) || (names != nil && !slices.Contains(names, d.name)) ||
			(statuses != nil && !slices.Contains(statuses, "ready")) {
			continue
		}
		all = append(all, s.dsInfoLocked(proj, d))
	}
	s.mu.Unlock()
	items, more := pageOf(all, pp)
	writeJSON(w, http.StatusOK, map[string]any{
		"datasets": nonNilList(items), "limit": pp.limit, "offset": pp.offset, "next": s.pageLink(r, q, pp, more),
	})
}

func (s *Server) dsInfoLocked(proj *projectNode, d *datasetNode) dsInfo {
	cols := defaultColumns
	if ids := sortedKeys(d.views); len(ids) > 0 {
		cols = d.views[ids[0]].steps[0]
	}
	schema := make([]map[string]any, len(cols))
	for i, c := range cols {
		schema[i] = map[string]any{"c_id": c.InternalName, "c_name": c.DisplayName, "c_type": strings.ToLower(string(c.Type))}
	}
	path := "/workspace:" + proj.ws.name + ":" + strconv.Itoa(proj.ws.id) + "/project:" + proj.name + ":" + strconv.Itoa(proj.id)
	var labels []string
	for at := d.folder; at != 0; at = proj.folders[at].parent {
		labels = append(labels, "/label:"+proj.folders[at].name+":"+strconv.Itoa(at))
	}
	slices.Reverse(labels)
	path += strings.Join(labels, "") + "/datasource:" + d.name + ":" + strconv.Itoa(d.id)
	url := "/workspaces/" + strconv.Itoa(proj.ws.id) + "/projects/" + strconv.Itoa(proj.id) + "/datasets/" + strconv.Itoa(d.id)
	at := formatTime(d.created)
	return dsInfo{
		ID: d.id, Name: d.name, ResourcePath: path, CreatedAt: at, CreatedBy: "user_1", UpdatedAt: at,
		Status: "ready", StatusInfo: map[string]string{}, GetURL: url, DataSchema: schema,
		Stats:   map[string]any{"row_count": nil, "column_count": len(cols), "batch_count": 1, "size": nil},
		Sources: []any{}, Dependencies: map[string]any{}, DataURL: url + "/data",
		Configurations: map[string]any{}, AdditionalInfo: map[string]any{},
	}
}

// nonNilList makes an empty list encode as [], not null.
func nonNilList[T any](items []T) []T {
	if items == nil {
		return []T{}
	}
	return items
}

// handleDataviews serves GET …/datasets/{d}/dataviews: {"dataviews": [...],
// "total", "limit", "offset"}, sorted by id, in the standard fields.
func (s *Server) handleDataviews(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	q := r.URL.Query()
	pp := parsePage(q, &p, 50, 1, 0)
	fields := parseInfoFields(q.Get("fields"), &p)
	datasetID := pathInt(r, &p, "dataset_id", 0)
	proj := s.lockProject(w, r, &p)
	if proj == nil {
		return
	}
	d := proj.datasets[datasetID]
	if d == nil {
		s.mu.Unlock()
		writeNotFound(w)
		return
	}
	var all []map[string]any
	for _, id := range sortedKeys(d.views) {
		all = append(all, s.dataviewInfoLocked(d.views[id], 0, fields))
	}
	s.mu.Unlock()
	items, _ := pageOf(all, pp)
	writeJSON(w, http.StatusOK, map[string]any{
		"dataviews": nonNilList(items), "total": len(all), "limit": pp.limit, "offset": pp.offset,
	})
}

// The fields of GET P, by preset.
var (
	infoMin      = []string{"created_at", "ds_id", "id", "name", "status", "updated_at"}
	infoStandard = append(slices.Clone(infoMin), "column_count", "data_updated_at", "data_url", "dependencies_info",
		"display_properties", "is_dataview_data_in_sync", "metadata", "original_data_updated", "row_count",
		"sys_cols", "user_display_properties")
	infoFull  = append(slices.Clone(infoStandard), "draft_mode", "is_pipeline_running", "pipeline_autorun_enabled", "pipeline_status", "taskwise_info")
	infoNames = append(slices.Clone(infoFull), "data_quality_enabled")
)

// parseInfoFields reads the fields of GET P: presets and names.
func parseInfoFields(v string, p *problems) map[string]bool {
	set := make(map[string]bool)
	if v == "" {
		v = "__standard"
	}
	for _, name := range splitList(v) {
		var add []string
		switch name {
		case "__min":
			add = infoMin
		case "__standard":
			add = infoStandard
		case "__full":
			add = infoFull
		default:
			if !slices.Contains(infoNames, name) {
				p.add("query", "fields", "unknown field "+strconv.Quote(name))
			}
			add = []string{name}
		}
		for _, f := range add {
			set[f] = true
		}
	}
	return set
}

// metadataWire is a column list as DataviewInfo carries it.
func metadataWire(cols []mammoth.Column) []map[string]any {
	out := make([]map[string]any, len(cols))
	for i, c := range cols {
		out[i] = map[string]any{"display_name": c.DisplayName, "internal_name": c.InternalName, "type": string(c.Type), "order": i}
	}
	return out
}

// dataviewInfoLocked is a dataview's DataviewInfo with its columns at step
// seq, cut down to fields.
func (s *Server) dataviewInfoLocked(v *viewNode, seq int, fields map[string]bool) map[string]any {
	cols := v.steps[seq]
	order := make(map[string]string, len(cols))
	for i, c := range cols {
		order[strconv.Itoa(i)] = c.InternalName
	}
	taskwise := make(map[string]any, len(v.steps)-1)
	for i := 1; i < len(v.steps); i++ {
		taskwise[strconv.Itoa(i)] = map[string]any{"sequence": i, "metadata": metadataWire(v.steps[i])}
	}
	var rows any
	if dv := s.dataviews[v.ref]; dv != nil && dv.csv.gen == nil {
		data := dv.csv.data
		if !dv.csv.set {
			data = []byte(DefaultCSV)
		}
		rows = max(strings.Count(strings.TrimRight(string(data), "\n"), "\n"), 0)
	}
	at := formatTime(v.created)
	all := map[string]any{
		"id": v.ref.DataviewID, "ds_id": v.ref.DatasetID, "name": v.name, "status": "ready",
		"created_at": at, "updated_at": at, "data_updated_at": at,
		"row_count": rows, "column_count": len(cols), "metadata": metadataWire(cols), "sys_cols": []any{},
		"display_properties":      map[string]any{"SORT": []any{}, "HIDDEN_COLUMNS": []any{}, "COLUMN_ORDER": order},
		"user_display_properties": map[string]any{}, "data_url": dvPathOf(v.ref) + "/data",
		"dependencies_info": map[string]any{}, "is_dataview_data_in_sync": true, "original_data_updated": false,
		"draft_mode": "off", "is_pipeline_running": false, "pipeline_autorun_enabled": true, "pipeline_status": "ready",
		"taskwise_info": taskwise, "data_quality_enabled": false,
	}
	for k := range all {
		if !fields[k] {
			delete(all, k)
		}
	}
	return all
}

func dvPathOf(ref mammoth.DataviewRef) string {
	return "/workspaces/" + strconv.Itoa(ref.WorkspaceID) + "/projects/" + strconv.Itoa(ref.ProjectID) +
		"/datasets/" + strconv.Itoa(ref.DatasetID) + "/dataviews/" + strconv.Itoa(ref.DataviewID)
}

// handleGetDataview serves GET P: the dataview's information with its
// columns at the sequence asked (default 0), or a 202 job while
// [Server.AnswerDataviewWithJobs] says so.
func (s *Server) handleGetDataview(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	ref := pathRef(r, &p)
	q := r.URL.Query()
	fields := parseInfoFields(q.Get("fields"), &p)
	seq := 0
	if v := q.Get("sequence"); v != "" {
		n, ok := parseID(v, 0)
		if !ok {
			p.add("query", "sequence", "must be a non-negative integer")
		}
		seq = n
	}
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	if s.lockDataview(w, ref) == nil {
		return
	}
	v := s.viewLocked(ref)
	if v.infoJobs > 0 {
		v.infoJobs--
		j := s.startJobLocked(r, "get_dataview_info", nil, nil)
		out := j.wire()
		s.mu.Unlock()
		writeJSON(w, http.StatusAccepted, map[string]any{"job": out})
		return
	}
	if seq >= len(v.steps) {
		last := len(v.steps) - 1
		s.mu.Unlock()
		p.add("query", "sequence", "the pipeline's last step is "+strconv.Itoa(last))
		writeProblems(w, r, p)
		return
	}
	info := s.dataviewInfoLocked(v, seq, fields)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, info)
}

// handleProjectExports serves GET …/projects/{p}/workflows/workspace-exports:
// a bare array of every export of the project's dataviews, all fields, by
// dataview id and then export id.
func (s *Server) handleProjectExports(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	proj := s.lockProject(w, r, &p)
	if proj == nil {
		return
	}
	var refs []mammoth.DataviewRef
	for _, d := range proj.datasets {
		for _, v := range d.views {
			refs = append(refs, v.ref)
		}
	}
	slices.SortFunc(refs, func(a, b mammoth.DataviewRef) int {
		return cmp.Or(a.DataviewID-b.DataviewID, a.DatasetID-b.DatasetID)
	})
	b := []byte{'['}
	for _, ref := range refs {
		for _, e := range s.dataviews[ref].exports {
			if len(b) > 1 {
				b = append(b, ',')
			}
			b = appendExport(b, &e.info, presetFull)
		}
	}
	s.mu.Unlock()
	writeRaw(w, http.StatusOK, append(b, ']'))
}
