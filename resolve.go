package mammoth

import (
	"container/list"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
)

// ResolveOptions narrows [DataviewsService.Resolve].
type ResolveOptions struct {
	// ProjectID is the project to search; 0 searches every project of the
	// workspace.
	ProjectID int
}

// DataviewNotFoundError is returned by [DataviewsService.Resolve] when no
// dataset it searched holds the dataview. It matches [ErrNotFound] with
// [errors.Is].
type DataviewNotFoundError struct {
	WorkspaceID, DataviewID int
	// ProjectID is the project searched, or 0 when every project was.
	ProjectID int
	// Projects and Folders count what was searched.
	Projects, Folders int
}

// Error says which dataview was not found and where it was looked for.
func (e *DataviewNotFoundError) Error() string {
	where := "any of the " + count(e.Projects, "project") + " of workspace " + strconv.Itoa(e.WorkspaceID)
	if e.ProjectID != 0 {
		where = "project " + strconv.Itoa(e.ProjectID) + " of workspace " + strconv.Itoa(e.WorkspaceID)
	}
	return fmt.Sprintf("mammoth: dataview %d not found in %s (%s searched)", e.DataviewID, where, count(e.Folders, "folder"))
}

// count writes n things, in the singular for one.
func count(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return strconv.Itoa(n) + " " + thing + "s"
}

// Is makes the error match [ErrNotFound].
func (e *DataviewNotFoundError) Is(target error) bool { return target == ErrNotFound }

// Resolve returns the full [DataviewRef] of a dataview known by its
// workspace and id alone, as in the app's URL: it finds the project (unless
// opts.ProjectID names it) and the dataset. A dataview in none of the
// projects searched is a [*DataviewNotFoundError], which matches
// [ErrNotFound].
//
// It walks the API's browse endpoints, each paged with limit 100 to the
// end: GET /workspaces/{w}/browse for the projects (with level=2, each
// project's top-level datasets and folders), GET
// …/projects/{p}/browse for a project's datasets with their dataviews, and
// GET …/folders/{f}/browse for each folder, at any depth. A folder (or
// project) whose listed contents hold no dataset is not browsed itself:
// its sub-folders are. A dataset the API lists without its dataviews is
// probed with one GET of the dataview under it. The walk stops at the
// first dataset holding the dataview.
//
// Its cost, in requests, with P projects searched: one per 100 projects
// (none with opts.ProjectID), plus, for each project searched up to the
// one that holds the dataview, one per 100 top-level entries and one per
// 100 entries of each folder that holds datasets. A dataview three folders
// deep in the 150th of 150 projects costs 2 + 149 + 2 requests when each
// other project has a dataset at its top level; with its project id, 3.
//
// Results are cached per client (see [WithResolveCache]): resolving the
// same dataview again costs no request. A cached ref whose dataview has
// since been deleted keeps being returned until
// [DataviewsService.ForgetResolved] or [DataviewsService.ClearResolveCache]
// drops it; calls using it then fail with [ErrNotFound]. Failures are not
// cached.
func (s *DataviewsService) Resolve(ctx context.Context, workspaceID, dataviewID int, opts *ResolveOptions) (DataviewRef, error) {
	var o ResolveOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case workspaceID < 1:
		return DataviewRef{}, &ValidationError{Field: "workspaceID", Reason: "must be at least 1"}
	case dataviewID < 1:
		return DataviewRef{}, &ValidationError{Field: "dataviewID", Reason: "must be at least 1"}
	case o.ProjectID < 0:
		return DataviewRef{}, &ValidationError{Field: "ResolveOptions.ProjectID", Reason: "must not be negative"}
	case ctx == nil:
		return DataviewRef{}, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	}
	cache := s.client.resolved
	if ref, ok := cache.get(workspaceID, dataviewID); ok && (o.ProjectID == 0 || o.ProjectID == ref.ProjectID) {
		return ref, nil
	}
	r := &resolver{s: s, ws: workspaceID, target: dataviewID, folders: make(map[[2]int]bool)}
	var ref DataviewRef
	var found bool
	var err error
	if o.ProjectID != 0 {
		r.projects = 1
		ref, found, err = r.searchProject(ctx, o.ProjectID, nil)
	} else {
		ref, found, err = r.searchWorkspace(ctx)
	}
	if err != nil {
		return DataviewRef{}, err
	}
	if !found {
		return DataviewRef{}, &DataviewNotFoundError{
			WorkspaceID: workspaceID, DataviewID: dataviewID, ProjectID: o.ProjectID,
			Projects: r.projects, Folders: len(r.folders),
		}
	}
	cache.put(ref)
	return ref, nil
}

// ForgetResolved drops one dataview from the client's resolve cache, so
// that the next [DataviewsService.Resolve] of it searches again.
func (s *DataviewsService) ForgetResolved(workspaceID, dataviewID int) {
	s.client.resolved.forget(workspaceID, dataviewID)
}

// ClearResolveCache empties the client's resolve cache.
func (s *DataviewsService) ClearResolveCache() { s.client.resolved.clear() }

// Kinds of browse resources.
const (
	kindProject  = "project"
	kindFolder   = "label"
	kindDataset  = "datasource"
	kindDataview = "dataview"
)

// resource is one entry of a browse answer.
type resource struct {
	ID   int    `json:"id"`
	Type string `json:"type"`
	Name string `json:"name"`
	// Children is nil when the answer did not list them.
	Children *[]resource `json:"children"`
}

// resolver is one Resolve walk.
type resolver struct {
	s        *DataviewsService
	ws       int
	target   int
	projects int
	folders  map[[2]int]bool // {project, folder} browsed or skipped, against cycles
}

// browse walks every page of one browse endpoint.
func (r *resolver) browse(ctx context.Context, op, path string) ([]resource, error) {
	var all []resource
	key := func(res resource) string { return res.Type + ":" + strconv.Itoa(res.ID) }
	for res, err := range walk(ctx, key, func(ctx context.Context, offset, limit int) (listPage[resource], error) {
		var body struct {
			Resources []resource `json:"resources"`
			Next      *string    `json:"next"`
			Limit     int        `json:"limit"`
		}
		err := r.s.getPage(ctx, op, path, pageQuery(offset, limit, "fields=__min&level=2"), r.ws, &body,
			func() bool { return body.Resources != nil })
		return listPage[resource]{items: body.Resources, next: body.Next, limit: body.Limit}, err
	}) {
		if err != nil {
			return nil, err
		}
		all = append(all, res)
	}
	return all, nil
}

// searchWorkspace searches the workspace's projects in the API's order.
func (r *resolver) searchWorkspace(ctx context.Context) (DataviewRef, bool, error) {
	projects, err := r.browse(ctx, "Resolve", "/workspaces/"+strconv.Itoa(r.ws)+"/browse")
	if err != nil {
		return DataviewRef{}, false, err
	}
	for _, p := range projects {
		if p.Type != kindProject && p.Type != "" {
			continue
		}
		r.projects++
		ref, found, err := r.searchProject(ctx, p.ID, p.Children)
		if found || err != nil {
			return ref, found, err
		}
	}
	return DataviewRef{}, false, nil
}

// container is a project or folder still to search; known is its contents
// as a parent's answer listed them, or nil.
type container struct {
	folderID int // 0 for the project itself
	known    *[]resource
}

// searchProject searches a project and its folders, breadth first.
func (r *resolver) searchProject(ctx context.Context, projectID int, known *[]resource) (DataviewRef, bool, error) {
	queue := []container{{known: known}}
	var unlisted []int // datasets listed without their dataviews
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		entries, err := r.contents(ctx, projectID, c)
		if errors.Is(err, ErrNotFound) {
			continue // no such project, or it or the folder went away meanwhile
		}
		if err != nil {
			return DataviewRef{}, false, err
		}
		for _, e := range entries {
			switch e.Type {
			case kindDataset:
				if e.Children == nil {
					unlisted = append(unlisted, e.ID)
					continue
				}
				for _, v := range *e.Children {
					if v.ID == r.target && (v.Type == kindDataview || v.Type == "") {
						return r.ref(projectID, e.ID), true, nil
					}
				}
			case kindFolder:
				if key := [2]int{projectID, e.ID}; !r.folders[key] {
					r.folders[key] = true
					queue = append(queue, container{folderID: e.ID, known: e.Children})
				}
			}
		}
	}
	for _, datasetID := range unlisted {
		ok, err := r.probe(ctx, r.ref(projectID, datasetID))
		if ok || err != nil {
			return r.ref(projectID, datasetID), ok, err
		}
	}
	return DataviewRef{}, false, nil
}

// contents returns a container's entries. Known contents without a
// dataset need no request: only the datasets' dataviews are missing from
// them, and sub-folders are searched on their own.
func (r *resolver) contents(ctx context.Context, projectID int, c container) ([]resource, error) {
	if c.known != nil && !hasDataset(*c.known) {
		return *c.known, nil
	}
	if c.folderID == 0 {
		return r.browse(ctx, "Resolve", projectPath(r.ws, projectID)+"/browse")
	}
	entries, err := r.browse(ctx, "Resolve", projectPath(r.ws, projectID)+"/folders/"+strconv.Itoa(c.folderID)+"/browse")
	if err != nil {
		return nil, err
	}
	// The answer may be the folder itself, its contents as children.
	if len(entries) == 1 && entries[0].Type == kindFolder && entries[0].ID == c.folderID {
		if entries[0].Children == nil {
			return nil, nil
		}
		return *entries[0].Children, nil
	}
	return entries, nil
}

func hasDataset(entries []resource) bool {
	for _, e := range entries {
		if e.Type == kindDataset {
			return true
		}
	}
	return false
}

func (r *resolver) ref(projectID, datasetID int) DataviewRef {
	return DataviewRef{WorkspaceID: r.ws, ProjectID: projectID, DatasetID: datasetID, DataviewID: r.target}
}

// probe asks for the dataview under a dataset: found, absent (404), or an
// error.
func (r *resolver) probe(ctx context.Context, ref DataviewRef) (bool, error) {
	var raw json.RawMessage
	_, err := r.s.client.do(ctx, &request{
		op: "Resolve", method: http.MethodGet, path: ref.path(), query: "fields=__min",
		workspaceID: ref.WorkspaceID, idempotent: true,
	}, &raw)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// DefaultResolveCacheSize is how many resolved dataviews a client keeps
// unless [WithResolveCache] says otherwise.
const DefaultResolveCacheSize = 1024

// WithResolveCache bounds the cache of [DataviewsService.Resolve] to the n
// dataviews resolved most recently (default [DefaultResolveCacheSize]); 0
// disables it, so that every Resolve searches.
func WithResolveCache(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return &ValidationError{Field: "resolve cache size", Reason: "must not be negative"}
		}
		c.resolved = newResolveCache(n)
		return nil
	}
}

// resolveCache is a bounded, least-recently-used map from (workspace,
// dataview) to its ref, safe for concurrent use.
type resolveCache struct {
	mu    sync.Mutex
	size  int
	order *list.List // of DataviewRef, most recent first
	byKey map[resolveKey]*list.Element
}

type resolveKey struct{ workspaceID, dataviewID int }

func newResolveCache(size int) *resolveCache {
	return &resolveCache{size: size, order: list.New(), byKey: make(map[resolveKey]*list.Element)}
}

func (c *resolveCache) get(workspaceID, dataviewID int) (DataviewRef, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.byKey[resolveKey{workspaceID, dataviewID}]
	if el == nil {
		return DataviewRef{}, false
	}
	c.order.MoveToFront(el)
	return el.Value.(DataviewRef), true
}

func (c *resolveCache) put(ref DataviewRef) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.size == 0 {
		return
	}
	k := resolveKey{ref.WorkspaceID, ref.DataviewID}
	if el := c.byKey[k]; el != nil {
		el.Value = ref
		c.order.MoveToFront(el)
		return
	}
	c.byKey[k] = c.order.PushFront(ref)
	for c.order.Len() > c.size {
		oldest := c.order.Back()
		old := oldest.Value.(DataviewRef)
		delete(c.byKey, resolveKey{old.WorkspaceID, old.DataviewID})
		c.order.Remove(oldest)
	}
}

func (c *resolveCache) forget(workspaceID, dataviewID int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	k := resolveKey{workspaceID, dataviewID}
	if el := c.byKey[k]; el != nil {
		c.order.Remove(el)
		delete(c.byKey, k)
	}
}

func (c *resolveCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.byKey)
}

// len counts the cached refs.
func (c *resolveCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.order.Len()
}
