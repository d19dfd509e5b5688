package mammothtest

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// DefaultCSV is the file a dataview's S3 export yields until
// [Server.SetCSV] or [Server.SetCSVGenerator] says otherwise.
const DefaultCSV = "id,name,amount\n1,alpha,10\n2,beta,20\n3,gamma,30\n"

// csvSource is a dataview's file content: fixed bytes or a generator.
type csvSource struct {
	data []byte
	set  bool
	gen  func(io.Writer) error
	size int64
}

// fileLink is a download link handed out by an S3 export's job.
type fileLink struct {
	ref       mammoth.DataviewRef
	signature string
	name      string
	// condition and columns are the export's, as the link was made.
	condition map[string]any
	columns   []mammoth.Column
}

// SetCSV sets the file a dataview's S3 exports yield, creating the dataview
// if needed. The data is copied. Links already handed out serve the new
// content too.
func (s *Server) SetCSV(ref mammoth.DataviewRef, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref).csv = csvSource{data: bytes.Clone(data), set: true}
}

// SetCSVGenerator makes a dataview's S3 exports yield a file written by gen
// as it is downloaded, so that tests can stream files of any size without
// holding them in memory. size is the file's length, sent as
// Content-Length; a negative size sends the file chunked, with no length.
//
// gen is called once per download, possibly from several goroutines at
// once. It should write exactly size bytes and return the first error w
// returns (the client went away, or the server is closing). If gen returns
// an error or writes fewer bytes than size, the connection is closed and
// the client sees a truncated download. A nil gen brings back
// [DefaultCSV].
func (s *Server) SetCSVGenerator(ref mammoth.DataviewRef, size int64, gen func(w io.Writer) error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dataviewLocked(ref).csv = csvSource{gen: gen, size: size, set: gen != nil}
}

// fileLinkLocked hands out a new link to the dataview's file, shaped like a
// pre-signed object-store URL on the file listener:
// http://127.0.0.2:PORT/exports/TOKEN/NAME?X-Amz-Expires=3600&X-Amz-Signature=SIG.
// The signature must come back unchanged.
func (s *Server) fileLinkLocked(ref mammoth.DataviewRef, e *export) string {
	name, _ := e.info.TargetProperties["file"].(string)
	if name == "" {
		name = "export_" + strconv.Itoa(*e.info.ID) + ".csv"
	}
	token, sig := randomHex(16), randomHex(32)
	s.links[token] = fileLink{ref: ref, signature: sig, name: name, condition: e.info.Condition, columns: s.columnsLocked(ref)}
	return s.files.URL + "/exports/" + token + "/" + url.PathEscape(name) +
		"?X-Amz-Expires=3600&X-Amz-Signature=" + sig
}

// fileHandler serves the file listener.
func (s *Server) fileHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /exports/{token}/{name}", s.serve(endpoint{route: RouteDownload, onFiles: true}, s.handleDownload))
	mux.Handle("/", s.serve(endpoint{route: RouteUnknown, onFiles: true}, func(w http.ResponseWriter, r *http.Request, _ []byte) {
		http.Error(w, "NoSuchKey", http.StatusNotFound)
	}))
	return mux
}

// handleDownload serves an export file: 404 for an unknown link, 403 when
// its signature is missing or wrong, else the dataview's current file as
// text/csv. Fixed content supports HEAD and Range requests.
func (s *Server) handleDownload(w http.ResponseWriter, r *http.Request, _ []byte) {
	s.mu.Lock()
	link, ok := s.links[r.PathValue("token")]
	var src csvSource
	if ok {
		src = s.dataviewLocked(link.ref).csv
	}
	s.mu.Unlock()
	switch {
	case !ok:
		http.Error(w, "NoSuchKey", http.StatusNotFound)
		return
	case r.URL.Query().Get("X-Amz-Signature") != link.signature:
		http.Error(w, "AccessDenied", http.StatusForbidden)
		return
	}
	src, err := s.filteredSource(link, src)
	if err != nil {
		http.Error(w, "InternalError: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	if src.gen == nil {
		data := src.data
		if !src.set {
			data = []byte(DefaultCSV)
		}
		http.ServeContent(w, r, link.name, time.Time{}, bytes.NewReader(data))
		return
	}
	if src.size >= 0 {
		w.Header().Set("Content-Length", strconv.FormatInt(src.size, 10))
	}
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return
	}
	cw := &countingWriter{w: w}
	if err := src.gen(cw); err != nil || (src.size >= 0 && cw.n < src.size) {
		closeConn(w, false)
	}
}

// countingWriter counts what passes through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}
