package mammothtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// dataview is the server's state for one dataview.
type dataview struct {
	ref mammoth.DataviewRef
	// exports is kept sorted by id, so the default order needs no sort.
	exports []*export
	byID    map[int]*export
	// version changes whenever exports change; it keys the view cache.
	version uint64
	cache   viewCache
	// subSeq counts the exports ever placed at each sequence.
	subSeq      map[int]int
	csv         csvSource
	publication *Publication
	// pipeline is made on first use; see dataview.pipe.
	pipeline *pipeline
}

// viewCache holds the last filtered or sorted list of a dataview's exports.
type viewCache struct {
	valid   bool
	key     string
	version uint64
	list    []*export
}

// export is one export of a dataview.
type export struct {
	info mammoth.ItemExportInfo
	// beforeSuspend is the status a restore returns to.
	beforeSuspend mammoth.ExportStatus
}

// Publication is where a dataview was last asked to be published by
// POST or PATCH publish-to-db.
type Publication struct {
	// OdbcType is the database kind: "postgres" or "bigquery".
	OdbcType mammoth.OdbcType
	// Table is the table name.
	Table string
}

// AddDataview makes a dataview known to the server, with no exports, and
// with it its workspace, project and dataset (at the project's top level)
// if they are new; see [Server.AddProject], [Server.AddFolder],
// [Server.AddDataset] and [Server.NameDataview] to name and place them.
// Requests naming a dataview the server does not know are answered 404.
// Adding a dataview twice changes nothing.
func (s *Server) AddDataview(ref mammoth.DataviewRef) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref)
}

// dataviewLocked returns the dataview, creating it if needed.
func (s *Server) dataviewLocked(ref mammoth.DataviewRef) *dataview {
	dv := s.dataviews[ref]
	if dv == nil {
		dv = &dataview{ref: ref, byID: make(map[int]*export), subSeq: make(map[int]int)}
		s.dataviews[ref] = dv
		s.viewLocked(ref)
	}
	return dv
}

// Exports returns the dataview's current exports, every field filled as
// the "__full" preset shows them, sorted by id. It returns nil for a
// dataview the server does not know. The result is a copy: changing it does
// not change the server.
func (s *Server) Exports(ref mammoth.DataviewRef) []mammoth.ItemExportInfo {
	s.mu.Lock()
	defer s.mu.Unlock()
	dv := s.dataviews[ref]
	if dv == nil {
		return nil
	}
	out := make([]mammoth.ItemExportInfo, len(dv.exports))
	for i, e := range dv.exports {
		out[i] = cloneInfo(&e.info)
	}
	return out
}

// Export returns one export of the dataview as [Server.Exports] would, and
// whether it exists.
func (s *Server) Export(ref mammoth.DataviewRef, id int) (mammoth.ItemExportInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if dv := s.dataviews[ref]; dv != nil {
		if e := dv.byID[id]; e != nil {
			return cloneInfo(&e.info), true
		}
	}
	return mammoth.ItemExportInfo{}, false
}

// SeedExports puts exports straight into the dataview's pipeline, without
// requests or jobs, creating the dataview if needed, and returns their ids.
// It is meant for setting up tests quickly, also with many thousands of
// exports.
//
// Each export is stored as given, except that an unset ID gets a fresh id,
// DataviewID is set to the dataview's, an empty Status becomes "added" and
// an unset LastModifiedTime becomes the current time. An export with the
// id of an existing one replaces it. Fields left nil stay null on the wire.
//
// The maps (TargetProperties, AdditionalProperties, Condition,
// LastRunResult, ErrorInfo) must hold values encoding/json can encode;
// SeedExports panics otherwise, as it would on any other programming error
// in a test's setup.
func (s *Server) SeedExports(ref mammoth.DataviewRef, exports ...mammoth.ItemExportInfo) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	dv := s.dataviewLocked(ref)
	ids := make([]int, len(exports))
	for i := range exports {
		info, err := normalizeInfo(&exports[i])
		if err != nil {
			panic(fmt.Sprintf("mammothtest: SeedExports: export %d: %v", i, err))
		}
		if info.ID == nil {
			s.lastExportID++
			info.ID = mammoth.Ptr(s.lastExportID)
		} else {
			s.lastExportID = max(s.lastExportID, *info.ID)
		}
		info.DataviewID = mammoth.Ptr(ref.DataviewID)
		if info.Status == "" {
			info.Status = mammoth.ExportStatusAdded
		}
		if info.LastModifiedTime == nil {
			info.LastModifiedTime = &mammoth.Timestamp{Time: s.timestamp()}
		}
		dv.put(&export{info: info})
		ids[i] = *info.ID
	}
	return ids
}

// put stores e, replacing any export with its id, keeping the list sorted.
func (dv *dataview) put(e *export) {
	id := *e.info.ID
	dv.version++
	if old := dv.byID[id]; old != nil {
		*old = *e
		return
	}
	dv.byID[id] = e
	n := len(dv.exports)
	if n == 0 || *dv.exports[n-1].info.ID < id {
		dv.exports = append(dv.exports, e)
		return
	}
	i := sort.Search(n, func(i int) bool { return *dv.exports[i].info.ID >= id })
	dv.exports = slices.Insert(dv.exports, i, e)
}

// remove deletes the export with the given id, if present.
func (dv *dataview) remove(id int) {
	if dv.byID[id] == nil {
		return
	}
	delete(dv.byID, id)
	dv.version++
	i := sort.Search(len(dv.exports), func(i int) bool { return *dv.exports[i].info.ID >= id })
	dv.exports = slices.Delete(dv.exports, i, i+1)
}

// touch records a change to an export held in place.
func (dv *dataview) touch() { dv.version++ }

// nextSubSequence numbers the exports that share a sequence, from 0.
func (dv *dataview) nextSubSequence(seq int) int {
	n := dv.subSeq[seq]
	dv.subSeq[seq] = n + 1
	return n
}

// normalizeInfo copies info, passing its maps through JSON so that the
// server holds only plain JSON values that no caller shares.
func normalizeInfo(info *mammoth.ItemExportInfo) (mammoth.ItemExportInfo, error) {
	out := cloneScalars(info)
	var err error
	norm := func(name string, m map[string]any) map[string]any {
		if m == nil || err != nil {
			return nil
		}
		var res map[string]any
		res, err = normalizeMap(m)
		if err != nil {
			err = fmt.Errorf("%s: %w", name, err)
		}
		return res
	}
	out.TargetProperties = norm("target_properties", info.TargetProperties)
	out.AdditionalProperties = norm("additional_properties", info.AdditionalProperties)
	out.Condition = norm("condition", info.Condition)
	out.LastRunResult = norm("last_run_result", info.LastRunResult)
	out.ErrorInfo = norm("error_info", info.ErrorInfo)
	return out, err
}

// normalizeMap returns a JSON round trip of m, as the API would receive it:
// the SDK's own types inside it keep their secrets (json.Marshal would
// redact them).
func normalizeMap(m map[string]any) (map[string]any, error) {
	b, err := mammoth.WireJSON(m)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// cloneInfo returns a deep copy of an export the server holds.
func cloneInfo(info *mammoth.ItemExportInfo) mammoth.ItemExportInfo {
	out := cloneScalars(info)
	out.TargetProperties = cloneMap(info.TargetProperties)
	out.AdditionalProperties = cloneMap(info.AdditionalProperties)
	out.Condition = cloneMap(info.Condition)
	out.LastRunResult = cloneMap(info.LastRunResult)
	out.ErrorInfo = cloneMap(info.ErrorInfo)
	return out
}

// cloneScalars copies info with fresh pointers; its maps are still shared.
func cloneScalars(info *mammoth.ItemExportInfo) mammoth.ItemExportInfo {
	out := *info
	out.ID = clonePtr(info.ID)
	out.DataviewID = clonePtr(info.DataviewID)
	out.Sequence = clonePtr(info.Sequence)
	out.SubSequence = clonePtr(info.SubSequence)
	out.EndOfPipeline = clonePtr(info.EndOfPipeline)
	out.Runnable = clonePtr(info.Runnable)
	out.Reordered = clonePtr(info.Reordered)
	out.DataPassThrough = clonePtr(info.DataPassThrough)
	out.LastModifiedTime = clonePtr(info.LastModifiedTime)
	out.ExecutionStartTime = clonePtr(info.ExecutionStartTime)
	out.ExecutionEndTime = clonePtr(info.ExecutionEndTime)
	return out
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// cloneMap deep-copies a map of plain JSON values.
func cloneMap[M ~map[string]any](m M) M {
	if m == nil {
		return nil
	}
	out := make(M, len(m))
	for k, v := range m {
		out[k] = cloneValue(v)
	}
	return out
}

func cloneValue(v any) any {
	switch v := v.(type) {
	case map[string]any:
		return cloneMap(v)
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = cloneValue(x)
		}
		return out
	}
	return v
}

// lockDataview locks the server and returns the dataview ref names, with
// the lock held; for an unknown dataview it answers 404 and returns nil,
// unlocked.
func (s *Server) lockDataview(w http.ResponseWriter, ref mammoth.DataviewRef) *dataview {
	s.mu.Lock()
	dv := s.dataviews[ref]
	if dv == nil {
		s.mu.Unlock()
		writeNotFound(w)
	}
	return dv
}

// lockExport is lockDataview for one export of the dataview: with the lock
// held, or a 404 answered and nil returned, unlocked.
func (s *Server) lockExport(w http.ResponseWriter, ref mammoth.DataviewRef, id int) (*dataview, *export) {
	dv := s.lockDataview(w, ref)
	if dv == nil {
		return nil, nil
	}
	e := dv.byID[id]
	if e == nil {
		s.mu.Unlock()
		writeNotFound(w)
		return nil, nil
	}
	return dv, e
}
