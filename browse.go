package mammoth

import (
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net/http"
	"strconv"
)

// discoveryPageSize is the limit every discovery walk sends: the API's
// maximum, whatever its default (10 for workspaces, projects and browse, 50
// for datasets and dataviews).
const discoveryPageSize = 100

// listPage is what one page of a list endpoint yields to walk.
type listPage[T any] struct {
	items []T
	// next is the page's "next" link: nil when the key was not sent.
	next *string
	// limit is the page size the server says it applied, or 0.
	limit int
}

// walk yields every item of a list endpoint, page after page by offset,
// with an explicit limit. It stops on an empty page, a page shorter than
// the size asked for (or than the smaller size the server says it
// applied), a page whose "next" is "", or a page that brings no item not
// seen before: a server that ignores offset, or a list that shifts while it
// is read, ends the walk or is skipped over instead of looping. A failure
// is yielded once, with the zero item, and ends the walk.
func walk[T any, K comparable](ctx context.Context, key func(T) K, fetch func(ctx context.Context, offset, limit int) (listPage[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		seen := make(map[K]bool)
		offset := 0
		for {
			page, err := fetch(ctx, offset, discoveryPageSize)
			if err != nil {
				yield(zero, err)
				return
			}
			fresh := 0
			for _, it := range page.items {
				k := key(it)
				if seen[k] {
					continue
				}
				seen[k] = true
				fresh++
				if !yield(it, nil) {
					return
				}
			}
			size := discoveryPageSize
			if page.limit > 0 && page.limit < size {
				size = page.limit
			}
			if len(page.items) < size || fresh == 0 || (page.next != nil && *page.next == "") {
				return
			}
			offset += len(page.items)
		}
	}
}

// pageQuery is the query of one page of a discovery list.
func pageQuery(offset, limit int, extra string) string {
	q := "limit=" + strconv.Itoa(limit)
	if offset > 0 {
		q += "&offset=" + strconv.Itoa(offset)
	}
	if extra != "" {
		q = extra + "&" + q
	}
	return q
}

func validateWorkspaceID(id int) error {
	if id < 1 {
		return &ValidationError{Field: "workspaceID", Reason: "must be at least 1"}
	}
	return nil
}

func validateProjectID(id int) error {
	if id < 1 {
		return &ValidationError{Field: "projectID", Reason: "must be at least 1"}
	}
	return nil
}

// failWith is an iterator that yields err alone.
func failWith[T any](err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		yield(zero, err)
	}
}

func projectPath(workspaceID, projectID int) string {
	return "/workspaces/" + strconv.Itoa(workspaceID) + "/projects/" + strconv.Itoa(projectID)
}

func datasetPath(workspaceID, projectID, datasetID int) string {
	return projectPath(workspaceID, projectID) + "/datasets/" + strconv.Itoa(datasetID)
}

// getPage sends one GET of a discovery list and decodes it into out,
// failing with a DecodeError when the list key is missing.
func (s *DataviewsService) getPage(ctx context.Context, op, path, query string, workspaceID int, out any, has func() bool) error {
	_, err := s.client.do(ctx, &request{
		op: op, method: http.MethodGet, path: path, query: query,
		workspaceID: workspaceID, idempotent: true,
	}, out)
	if err != nil {
		return err
	}
	if !has() {
		return &DecodeError{Operation: op, StatusCode: http.StatusOK, Err: errors.New("response has no list of results")}
	}
	return nil
}

// AllWorkspaces walks every workspace the credentials can see (GET
// /workspaces), 100 per request, in the API's default order (by name).
// Pages are fetched as the loop advances; a failure is yielded once, with
// a nil workspace, and ends the walk.
func (s *DataviewsService) AllWorkspaces(ctx context.Context) iter.Seq2[*Workspace, error] {
	return walk(ctx, func(w *Workspace) int { return w.ID }, func(ctx context.Context, offset, limit int) (listPage[*Workspace], error) {
		var body struct {
			Workspaces []*Workspace `json:"workspaces"`
			Next       *string      `json:"next"`
			Limit      int          `json:"limit"`
		}
		err := s.getPage(ctx, "AllWorkspaces", "/workspaces", pageQuery(offset, limit, ""), 0, &body,
			func() bool { return body.Workspaces != nil })
		return listPage[*Workspace]{items: nonNil(body.Workspaces), next: body.Next, limit: body.Limit}, err
	})
}

// AllProjects walks every project of a workspace (GET
// /workspaces/{w}/projects), 100 per request, by id. Pages are fetched as
// the loop advances; a failure is yielded once, with a nil project, and
// ends the walk.
func (s *DataviewsService) AllProjects(ctx context.Context, workspaceID int) iter.Seq2[*Project, error] {
	if err := validateWorkspaceID(workspaceID); err != nil {
		return failWith[*Project](err)
	}
	path := "/workspaces/" + strconv.Itoa(workspaceID) + "/projects"
	return walk(ctx, func(p *Project) int { return p.ID }, func(ctx context.Context, offset, limit int) (listPage[*Project], error) {
		var body struct {
			Projects []*Project `json:"projects"`
			Next     *string    `json:"next"`
			Limit    int        `json:"limit"`
		}
		err := s.getPage(ctx, "AllProjects", path, pageQuery(offset, limit, ""), workspaceID, &body,
			func() bool { return body.Projects != nil })
		return listPage[*Project]{items: nonNil(body.Projects), next: body.Next, limit: body.Limit}, err
	})
}

// AllDatasets walks every dataset of a project (GET
// /workspaces/{w}/projects/{p}/datasets), 100 per request, by id, in the
// API's standard fields. Pages are fetched as the loop advances; a failure
// is yielded once, with a nil dataset, and ends the walk.
func (s *DataviewsService) AllDatasets(ctx context.Context, workspaceID, projectID int) iter.Seq2[*Dataset, error] {
	if err := errors.Join(validateWorkspaceID(workspaceID), validateProjectID(projectID)); err != nil {
		return failWith[*Dataset](err)
	}
	path := projectPath(workspaceID, projectID) + "/datasets"
	return walk(ctx, func(d *Dataset) int { return d.ID }, func(ctx context.Context, offset, limit int) (listPage[*Dataset], error) {
		var body struct {
			Datasets []*Dataset `json:"datasets"`
			Next     *string    `json:"next"`
			Limit    int        `json:"limit"`
		}
		err := s.getPage(ctx, "AllDatasets", path, pageQuery(offset, limit, ""), workspaceID, &body,
			func() bool { return body.Datasets != nil })
		return listPage[*Dataset]{items: nonNil(body.Datasets), next: body.Next, limit: body.Limit}, err
	})
}

// AllDataviews walks every dataview of a dataset (GET …/datasets/{d}/dataviews),
// 100 per request, in the API's standard fields. The answer is read as
// {"dataviews": [...]}, as the API sends it; a single dataview object, the
// shape the API's schema declares, is read as a list of one. A 202 answer
// (a job preparing the list) is waited for and the page asked again.
// Pages are fetched as the loop advances; a failure is yielded once, with a
// nil dataview, and ends the walk.
func (s *DataviewsService) AllDataviews(ctx context.Context, workspaceID, projectID, datasetID int) iter.Seq2[*Dataview, error] {
	if err := errors.Join(validateWorkspaceID(workspaceID), validateProjectID(projectID)); err != nil {
		return failWith[*Dataview](err)
	}
	if datasetID < 0 {
		return failWith[*Dataview](&ValidationError{Field: "datasetID", Reason: "must not be negative"})
	}
	path := datasetPath(workspaceID, projectID, datasetID) + "/dataviews"
	return walk(ctx, func(d *Dataview) int { return d.ID }, func(ctx context.Context, offset, limit int) (listPage[*Dataview], error) {
		raw, err := s.getWaiting(ctx, "AllDataviews", path, pageQuery(offset, limit, ""), workspaceID, nil)
		if err != nil {
			return listPage[*Dataview]{}, err
		}
		return decodeDataviewsPage(raw)
	})
}

// decodeDataviewsPage reads a page of dataviews in either shape.
func decodeDataviewsPage(raw json.RawMessage) (listPage[*Dataview], error) {
	var body struct {
		Dataviews []*Dataview `json:"dataviews"`
		Next      *string     `json:"next"`
		Limit     int         `json:"limit"`
		ID        *int        `json:"id"`
	}
	if err := json.Unmarshal(raw, &body); err != nil {
		return listPage[*Dataview]{}, &DecodeError{Operation: "AllDataviews", StatusCode: http.StatusOK, Err: err}
	}
	if body.Dataviews != nil {
		return listPage[*Dataview]{items: nonNil(body.Dataviews), next: body.Next, limit: body.Limit}, nil
	}
	if body.ID != nil {
		dv := new(Dataview)
		if err := json.Unmarshal(raw, dv); err != nil {
			return listPage[*Dataview]{}, &DecodeError{Operation: "AllDataviews", StatusCode: http.StatusOK, Err: err}
		}
		// A single object is the whole list: there is no next page.
		return listPage[*Dataview]{items: []*Dataview{dv}, next: new(string)}, nil
	}
	return listPage[*Dataview]{}, &DecodeError{Operation: "AllDataviews", StatusCode: http.StatusOK, Err: errors.New(`response has neither a "dataviews" list nor a dataview`)}
}

// nonNil drops null entries of a decoded list.
func nonNil[T any](items []*T) []*T {
	out := items[:0:0]
	for _, it := range items {
		if it != nil {
			out = append(out, it)
		}
	}
	return out
}
