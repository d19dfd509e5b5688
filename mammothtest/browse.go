package mammothtest

import (
	"cmp"
	"net/http"
	"net/url"
	"slices"
	"strconv"
)

// resourceWire is one entry of a browse answer. Children is nil (left
// out) below the top level and at level 1.
type resourceWire struct {
	ID             int             `json:"id"`
	Type           string          `json:"type"`
	Name           string          `json:"name"`
	URL            string          `json:"url"`
	AdditionalInfo map[string]any  `json:"additional_info"`
	CreatedAt      string          `json:"created_at"`
	UpdatedAt      string          `json:"updated_at"`
	Children       *[]resourceWire `json:"children,omitempty"`
}

// browseQuery is what the browse endpoints read of their query.
type browseQuery struct {
	page  pageParams
	level int
	name  string
	types []string
	ids   []int
}

func parseBrowseQuery(q url.Values, p *problems) browseQuery {
	bq := browseQuery{page: parsePage(q, p, 10, 0, 100), level: 2, name: q.Get("name"), types: splitList(q.Get("browse_type"))}
	if v := q.Get("level"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 2 {
			p.add("query", "level", "must be 1 or 2")
		}
		bq.level = n
	}
	for _, v := range splitList(q.Get("ids")) {
		n, ok := parseID(v, 0)
		if !ok {
			p.add("query", "ids", "must be comma-separated integers")
		}
		bq.ids = append(bq.ids, n)
	}
	parseQueryBool(q, p, "include_hidden")
	parseQueryBool(q, p, "permissions")
	return bq
}

// node is a resource with a way to list its children.
type node struct {
	wire     resourceWire
	children func() []resourceWire
}

// writeBrowse answers a browse request with the nodes that pass its
// filters, one page of them, each with its children at level 2.
func (s *Server) writeBrowse(w http.ResponseWriter, r *http.Request, bq browseQuery, nodes []node) {
	var kept []resourceWire
	for _, n := range nodes {
		if (bq.name != "" && n.wire.Name != bq.name) || (bq.types != nil && !slices.Contains(bq.types, n.wire.Type)) ||
			(bq.ids != nil && !slices.Contains(bq.ids, n.wire.ID)) {
			continue
		}
		if bq.level == 2 {
			children := nonNilList(n.children())
			n.wire.Children = &children
		}
		kept = append(kept, n.wire)
	}
	s.mu.Unlock()
	items, more := pageOf(kept, bq.page)
	writeJSON(w, http.StatusOK, map[string]any{
		"resources": nonNilList(items), "limit": bq.page.limit, "offset": bq.page.offset,
		"next": s.pageLink(r, r.URL.Query(), bq.page, more),
	})
}

func resourceOf(id int, kind, name, url string, created string) resourceWire {
	return resourceWire{ID: id, Type: kind, Name: name, URL: url, AdditionalInfo: map[string]any{}, CreatedAt: created, UpdatedAt: created}
}

func workspaceURL(id int) string { return "/workspaces/" + strconv.Itoa(id) }

func projectURL(p *projectNode) string {
	return workspaceURL(p.ws.id) + "/projects/" + strconv.Itoa(p.id)
}

func (s *Server) workspaceNodes() []node {
	var out []node
	for _, id := range sortedKeys(s.tree.workspaces) {
		ws := s.tree.workspaces[id]
		out = append(out, node{
			wire:     resourceOf(id, "workspace", ws.name, workspaceURL(id), formatTime(ws.created)),
			children: func() []resourceWire { return wiresOf(s.projectNodes(ws)) },
		})
	}
	return out
}

func (s *Server) projectNodes(ws *workspaceNode) []node {
	var out []node
	for _, id := range sortedKeys(ws.projects) {
		p := ws.projects[id]
		out = append(out, node{
			wire:     resourceOf(id, "project", p.name, projectURL(p), formatTime(p.created)),
			children: func() []resourceWire { return wiresOf(s.contentNodes(p, 0)) },
		})
	}
	return out
}

// contentNodes lists the folders and datasets directly in a folder (0: the
// project's top level), by id, folders first on equal ids.
func (s *Server) contentNodes(p *projectNode, folderID int) []node {
	var out []node
	for _, id := range sortedKeys(p.folders) {
		f := p.folders[id]
		if f.parent != folderID {
			continue
		}
		out = append(out, node{
			wire:     resourceOf(id, "label", f.name, projectURL(p)+"/folders/"+strconv.Itoa(id), formatTime(f.created)),
			children: func() []resourceWire { return wiresOf(s.contentNodes(p, id)) },
		})
	}
	for _, id := range sortedKeys(p.datasets) {
		d := p.datasets[id]
		if d.folder != folderID {
			continue
		}
		out = append(out, node{
			wire: resourceOf(id, "datasource", d.name, projectURL(p)+"/datasets/"+strconv.Itoa(id), formatTime(d.created)),
			children: func() []resourceWire {
				var views []resourceWire
				for _, vid := range sortedKeys(d.views) {
					v := d.views[vid]
					views = append(views, resourceOf(vid, "dataview", v.name, dvPathOf(v.ref), formatTime(v.created)))
				}
				return views
			},
		})
	}
	slices.SortStableFunc(out, func(a, b node) int { return cmp.Compare(a.wire.ID, b.wire.ID) })
	return out
}

func wiresOf(nodes []node) []resourceWire {
	out := make([]resourceWire, len(nodes))
	for i, n := range nodes {
		out[i] = n.wire
	}
	return out
}

// handleBrowseRoot serves GET /browse: the workspaces, with their projects
// as children.
func (s *Server) handleBrowseRoot(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	bq := parseBrowseQuery(r.URL.Query(), &p)
	if len(p) > 0 {
		writeProblems(w, r, p)
		return
	}
	s.mu.Lock()
	s.writeBrowse(w, r, bq, s.workspaceNodes())
}

// handleBrowseWorkspace serves GET /workspaces/{w}/browse: the projects,
// with their top-level folders and datasets as children.
func (s *Server) handleBrowseWorkspace(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	bq := parseBrowseQuery(r.URL.Query(), &p)
	ws := s.lockWorkspace(w, r, &p)
	if ws == nil {
		return
	}
	s.writeBrowse(w, r, bq, s.projectNodes(ws))
}

// handleBrowseProject serves GET …/projects/{p}/browse: the top-level
// folders and datasets, with their contents (a dataset's: its dataviews)
// as children.
func (s *Server) handleBrowseProject(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	bq := parseBrowseQuery(r.URL.Query(), &p)
	proj := s.lockProject(w, r, &p)
	if proj == nil {
		return
	}
	s.writeBrowse(w, r, bq, s.contentNodes(proj, 0))
}

// handleBrowseFolder serves GET …/folders/{f}/browse: the folder's
// contents directly (not the folder itself), with theirs as children.
func (s *Server) handleBrowseFolder(w http.ResponseWriter, r *http.Request, _ []byte) {
	var p problems
	bq := parseBrowseQuery(r.URL.Query(), &p)
	folderID := pathInt(r, &p, "folder_id", 1)
	proj := s.lockProject(w, r, &p)
	if proj == nil {
		return
	}
	if proj.folders[folderID] == nil {
		s.mu.Unlock()
		writeNotFound(w)
		return
	}
	s.writeBrowse(w, r, bq, s.contentNodes(proj, folderID))
}

// Routes of the discovery endpoints.
const (
	RouteListWorkspaces  Route = "ListWorkspaces"  // GET /api/v2/workspaces
	RouteListProjects    Route = "ListProjects"    // GET /api/v2/workspaces/{w}/projects
	RouteListDatasets    Route = "ListDatasets"    // GET …/projects/{p}/datasets
	RouteListDataviews   Route = "ListDataviews"   // GET …/datasets/{d}/dataviews
	RouteGetDataview     Route = "GetDataview"     // GET P
	RouteBrowse          Route = "Browse"          // GET /api/v2/browse
	RouteBrowseWorkspace Route = "BrowseWorkspace" // GET /api/v2/workspaces/{w}/browse
	RouteBrowseProject   Route = "BrowseProject"   // GET …/projects/{p}/browse
	RouteBrowseFolder    Route = "BrowseFolder"    // GET …/projects/{p}/folders/{f}/browse
	RouteProjectExports  Route = "ProjectExports"  // GET …/projects/{p}/workflows/workspace-exports
)

// discoveryRoute is one route of the discovery endpoints.
type discoveryRoute struct {
	pattern string
	route   Route
	h       handlerFunc
}

// discoveryRoutes are the patterns (without method) and handlers of the
// discovery endpoints, all GET.
func (s *Server) discoveryRoutes() []discoveryRoute {
	const ws = basePath + "/workspaces/{workspace_id}"
	const proj = ws + "/projects/{project_id}"
	const ds = proj + "/datasets/{dataset_id}"
	return []discoveryRoute{
		{basePath + "/workspaces", RouteListWorkspaces, s.handleWorkspaces},
		{ws + "/projects", RouteListProjects, s.handleProjects},
		{proj + "/datasets", RouteListDatasets, s.handleDatasets},
		{ds + "/dataviews", RouteListDataviews, s.handleDataviews},
		{ds + "/dataviews/{dataview_id}", RouteGetDataview, s.handleGetDataview},
		{basePath + "/browse", RouteBrowse, s.handleBrowseRoot},
		{ws + "/browse", RouteBrowseWorkspace, s.handleBrowseWorkspace},
		{proj + "/browse", RouteBrowseProject, s.handleBrowseProject},
		{proj + "/folders/{folder_id}/browse", RouteBrowseFolder, s.handleBrowseFolder},
		{proj + "/workflows/workspace-exports", RouteProjectExports, s.handleProjectExports},
	}
}

// routeDiscovery registers the discovery endpoints on mux: GET, and 405
// for any other method.
func (s *Server) routeDiscovery(mux *http.ServeMux) {
	for _, rt := range s.discoveryRoutes() {
		mux.Handle("GET "+rt.pattern, s.serve(endpoint{route: rt.route, auth: true}, rt.h))
		mux.Handle(rt.pattern, s.serve(endpoint{route: RouteUnknown}, func(w http.ResponseWriter, r *http.Request, _ []byte) {
			writeError(w, http.StatusMethodNotAllowed, "Method Not Allowed", nil)
		}))
	}
}
