package mammothtest

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// tree is what the server knows of workspaces, projects, folders, datasets
// and the names and columns of dataviews. Its maps are made on first use.
type tree struct {
	workspaces map[int]*workspaceNode
	views      map[mammoth.DataviewRef]*viewNode
}

type workspaceNode struct {
	id       int
	name     string
	created  time.Time
	projects map[int]*projectNode
}

type projectNode struct {
	ws       *workspaceNode
	id       int
	name     string
	created  time.Time
	folders  map[int]*folderNode
	datasets map[int]*datasetNode
}

type folderNode struct {
	id, parent int // parent 0: the project's top level
	name       string
	created    time.Time
}

type datasetNode struct {
	id, folder int // folder 0: the project's top level
	name       string
	created    time.Time
	views      map[int]*viewNode
}

// viewNode is a dataview's name and the columns after each pipeline step:
// steps[0] is the source dataset's, steps[i] those after task i.
type viewNode struct {
	ref     mammoth.DataviewRef
	name    string
	created time.Time
	steps   [][]mammoth.Column
	// infoJobs is how many more GET P answers are 202 jobs.
	infoJobs int
}

// defaultColumns are the columns of [DefaultCSV]'s header.
var defaultColumns = []mammoth.Column{
	{DisplayName: "id", InternalName: "column_1", Type: mammoth.ColumnTypeNumeric},
	{DisplayName: "name", InternalName: "column_2", Type: mammoth.ColumnTypeText},
	{DisplayName: "amount", InternalName: "column_3", Type: mammoth.ColumnTypeNumeric},
}

func (s *Server) workspaceLocked(id int) *workspaceNode {
	if s.tree.workspaces == nil {
		s.tree.workspaces = make(map[int]*workspaceNode)
		s.tree.views = make(map[mammoth.DataviewRef]*viewNode)
	}
	w := s.tree.workspaces[id]
	if w == nil {
		w = &workspaceNode{id: id, name: "Workspace " + strconv.Itoa(id), created: s.timestamp(), projects: make(map[int]*projectNode)}
		s.tree.workspaces[id] = w
	}
	return w
}

func (s *Server) projectLocked(workspaceID, projectID int) *projectNode {
	w := s.workspaceLocked(workspaceID)
	p := w.projects[projectID]
	if p == nil {
		p = &projectNode{
			ws: w, id: projectID, name: "Project " + strconv.Itoa(projectID), created: s.timestamp(),
			folders: make(map[int]*folderNode), datasets: make(map[int]*datasetNode),
		}
		w.projects[projectID] = p
	}
	return p
}

func (s *Server) datasetLocked(workspaceID, projectID, datasetID int) *datasetNode {
	p := s.projectLocked(workspaceID, projectID)
	d := p.datasets[datasetID]
	if d == nil {
		d = &datasetNode{id: datasetID, name: "Dataset " + strconv.Itoa(datasetID), created: s.timestamp(), views: make(map[int]*viewNode)}
		p.datasets[datasetID] = d
	}
	return d
}

// viewLocked returns the dataview's node, creating it and its workspace,
// project and dataset as needed.
func (s *Server) viewLocked(ref mammoth.DataviewRef) *viewNode {
	d := s.datasetLocked(ref.WorkspaceID, ref.ProjectID, ref.DatasetID)
	v := d.views[ref.DataviewID]
	if v == nil {
		v = &viewNode{
			ref: ref, name: "Dataview " + strconv.Itoa(ref.DataviewID), created: s.timestamp(),
			steps: [][]mammoth.Column{slices.Clone(defaultColumns)},
		}
		d.views[ref.DataviewID] = v
		s.tree.views[ref] = v
	}
	return v
}

// AddWorkspace makes a workspace known with a name; it is also made,
// named "Workspace N", by anything placed in it. Adding it again renames it.
func (s *Server) AddWorkspace(id int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.workspaceLocked(id).name = name
}

// AddProject makes a project of a workspace known with a name, creating
// the workspace if needed; it is also made, named "Project N", by anything
// placed in it. Adding it again renames it.
func (s *Server) AddProject(workspaceID, projectID int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.projectLocked(workspaceID, projectID).name = name
}

// AddFolder makes a folder (the API's "label") in a project, inside the
// folder parentID, or at the project's top level when parentID is 0. Folder
// ids are per project. Adding a folder again renames and moves it. It
// panics when the parent folder is unknown or the move would put a folder
// inside itself, as on any other mistake in a test's setup.
func (s *Server) AddFolder(workspaceID, projectID, folderID, parentID int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projectLocked(workspaceID, projectID)
	if folderID < 1 {
		panic(fmt.Sprintf("mammothtest: AddFolder: folder id %d is not positive", folderID))
	}
	for at := parentID; at != 0; {
		f := p.folders[at]
		switch {
		case f == nil:
			panic(fmt.Sprintf("mammothtest: AddFolder: project %d has no folder %d", projectID, at))
		case at == folderID:
			panic(fmt.Sprintf("mammothtest: AddFolder: folder %d cannot be inside itself", folderID))
		}
		at = f.parent
	}
	if f := p.folders[folderID]; f != nil {
		f.parent, f.name = parentID, name
		return
	}
	p.folders[folderID] = &folderNode{id: folderID, parent: parentID, name: name, created: s.timestamp()}
}

// AddDataset makes a dataset of a project known with a name, inside the
// folder folderID, or at the project's top level when folderID is 0.
// Adding it again renames and moves it. It panics when the folder is
// unknown.
func (s *Server) AddDataset(workspaceID, projectID, datasetID, folderID int, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.projectLocked(workspaceID, projectID)
	if folderID != 0 && p.folders[folderID] == nil {
		panic(fmt.Sprintf("mammothtest: AddDataset: project %d has no folder %d", projectID, folderID))
	}
	d := s.datasetLocked(workspaceID, projectID, datasetID)
	d.folder, d.name = folderID, name
}

// NameDataview names a dataview, creating it as [Server.AddDataview] does.
// Dataviews are named "Dataview N" until then.
func (s *Server) NameDataview(ref mammoth.DataviewRef, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref)
	s.viewLocked(ref).name = name
}

// SetColumns sets the columns a dataview's pipeline ends with, creating
// the dataview if needed: those of its last step, which is step 0, the
// source dataset's, for a dataview with no tasks (see
// [Server.SetPipelineColumns]). The dataview's CSV ([Server.SetCSV]) has a
// header of their display names; until SetColumns, a dataview has the
// columns of [DefaultCSV]: id (column_1, NUMERIC), name (column_2, TEXT) and
// amount (column_3, NUMERIC).
func (s *Server) SetColumns(ref mammoth.DataviewRef, cols []mammoth.Column) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref)
	v := s.viewLocked(ref)
	v.steps[len(v.steps)-1] = slices.Clone(cols)
}

// SetPipelineColumns sets the columns after each step of a dataview's
// pipeline, creating the dataview if needed: steps[0] are the source
// dataset's columns (sequence 0), steps[i] those after task i, and the last
// are the dataview's own. It panics when steps is empty.
func (s *Server) SetPipelineColumns(ref mammoth.DataviewRef, steps ...[]mammoth.Column) {
	if len(steps) == 0 {
		panic("mammothtest: SetPipelineColumns: no steps")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref)
	v := s.viewLocked(ref)
	v.steps = make([][]mammoth.Column, len(steps))
	for i, cols := range steps {
		v.steps[i] = slices.Clone(cols)
	}
}

// Columns returns the columns a dataview's pipeline ends with, as
// [Server.SetColumns] set them, or nil for a dataview the server does not
// know.
func (s *Server) Columns(ref mammoth.DataviewRef) []mammoth.Column {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.columnsLocked(ref)
}

// columnsLocked returns the dataview's last-step columns, or nil.
func (s *Server) columnsLocked(ref mammoth.DataviewRef) []mammoth.Column {
	v := s.tree.views[ref]
	if v == nil {
		return nil
	}
	return slices.Clone(v.steps[len(v.steps)-1])
}

// AnswerDataviewWithJobs makes the next n GET P of the dataview answer 202
// with a job, as the API does while it prepares a dataview's information;
// each job succeeds when polled as [WithJobPolls] says. n <= 0 stops that.
func (s *Server) AnswerDataviewWithJobs(ref mammoth.DataviewRef, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref)
	s.viewLocked(ref).infoJobs = max(n, 0)
}

// sortedKeys returns a map's keys in order.
func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
