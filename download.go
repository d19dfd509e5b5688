package mammoth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"time"
)

// DownloadCSVOptions tunes [ExportsService.DownloadCSV].
type DownloadCSVOptions struct {
	// IncludeHidden also exports the dataview's hidden columns.
	IncludeHidden bool
	// KeepExport leaves the temporary S3 export in the pipeline instead of
	// deleting it once the file has been read.
	KeepExport bool
	// Wait tunes the wait for the export's job; nil follows the client's
	// polling schedule (see [WaitOptions]) with no bound beyond the
	// context's.
	Wait *WaitOptions
}

// cleanupTimeout bounds the removal of a temporary export: finding it (when
// its id is unknown) and deleting it, retries included. The removal runs on
// its own context, so that it also happens after the caller's has ended.
const cleanupTimeout = 5 * time.Second

// DownloadCSV writes the dataview's data as CSV to w and returns the number
// of bytes written.
//
// The API has no direct download: DownloadCSV adds a temporary S3 export
// with trigger "none" and a unique file name, waits for its job, streams the
// file the job points to into w (in constant memory, whatever its size), and
// then deletes the temporary export, unless opts.KeepExport is set. The file
// may be served by another host, such as a pre-signed object-store link; the
// API credentials are sent only to the API's own host, and a plain-http link
// is refused when the API is https.
//
// The export is removed on every path where the add may have happened: also
// when the download, the job or the wait failed, when the add's own outcome
// is unknown (a 500 or a lost connection after the request may have been
// sent, a 202 whose body was cut short), and when ctx ended. When its id is
// unknown, it is found by listing the dataview's exports for its file name;
// one the listing does not show is taken as never added. The removal runs on
// a fresh context, detached from ctx's cancellation and bounded to 5
// seconds.
//
// If the download fails part-way, w has received part of the file, and the
// count returned says how much. If the removal fails, the error is a
// [*CleanupError] that names the export left behind and says whether the
// data was complete: it is the error itself when the download succeeded,
// and joined to the download's error (find both with [errors.As]) when
// that failed too.
func (s *ExportsService) DownloadCSV(ctx context.Context, ref DataviewRef, w io.Writer, opts *DownloadCSVOptions) (int64, error) {
	switch {
	case ctx == nil:
		return 0, &ValidationError{Field: "ctx", Reason: "must not be nil"}
	case nilWriter(w):
		return 0, &ValidationError{Field: "w", Reason: "must not be nil"}
	}
	if err := ref.validate(); err != nil {
		return 0, err
	}
	if err := ctx.Err(); err != nil {
		return 0, fmt.Errorf("mammoth: DownloadCSV: %w", err)
	}
	var o DownloadCSVOptions
	if opts != nil {
		o = *opts
	}
	d := &download{s: s, ref: ref, file: tempExportFile(ref)}
	written, err := d.run(ctx, w, &o)
	if o.KeepExport || !d.mayExist {
		return written, err
	}
	cerr := d.cleanup(ctx)
	if cerr == nil {
		return written, err
	}
	cerr.Complete, cerr.Written = err == nil, written
	if err == nil {
		return written, cerr
	}
	return written, errors.Join(err, cerr)
}

// download is one DownloadCSV call: what it knows of its temporary export.
type download struct {
	s    *ExportsService
	ref  DataviewRef
	file string
	// mayExist is set once the add may have happened.
	mayExist bool
	// exportID is the export's id, once an answer said it.
	exportID int
}

func (d *download) run(ctx context.Context, w io.Writer, o *DownloadCSVOptions) (int64, error) {
	s := d.s
	change, err := s.CreateS3Export(ctx, d.ref, &S3ExportRequest{
		File:          d.file,
		IncludeHidden: o.IncludeHidden,
		TriggerType:   TriggerTypeNone,
	})
	d.mayExist = err == nil || addMayHaveActed(err)
	if err != nil {
		return 0, err
	}
	if change.Modification != nil {
		d.exportID = change.Modification.TriggerID
	}
	jobID, ok := change.JobID()
	if !ok {
		return 0, errors.New("mammoth: DownloadCSV: the API started no job for the export")
	}
	job, err := s.client.Jobs.WaitForJob(ctx, jobID, o.Wait)
	if err != nil {
		var failed *JobFailedError
		if errors.As(err, &failed) {
			d.exportID = max(d.exportID, jobTriggerID(failed.Job))
		}
		return 0, err
	}
	d.exportID = max(d.exportID, jobTriggerID(job))
	result, err := job.ResponseObject()
	if err != nil {
		return 0, err
	}
	link, _ := result["url"].(string)
	if link == "" {
		return 0, fmt.Errorf("mammoth: DownloadCSV: job %d succeeded without a file url", jobID)
	}
	fileURL, err := s.client.baseURL.Parse(link)
	if err != nil || (fileURL.Scheme != "https" && fileURL.Scheme != "http") || fileURL.Host == "" {
		return 0, fmt.Errorf("mammoth: DownloadCSV: job %d returned an unusable file url", jobID)
	}
	if fileURL.Scheme == "http" && s.client.baseURL.Scheme == "https" {
		return 0, fmt.Errorf("mammoth: DownloadCSV: job %d returned a plain-http file url for an https API; refusing the downgrade", jobID)
	}
	counted := &countingWriter{w: w}
	_, err = s.client.do(ctx, &request{
		op: "DownloadCSV", method: http.MethodGet, rawURL: fileURL.String(),
		workspaceID: d.ref.WorkspaceID, idempotent: true, sink: counted,
	}, nil)
	return counted.n, err
}

// cleanup removes the temporary export, finding it by its file name when
// no answer said its id, on a context of its own.
func (d *download) cleanup(ctx context.Context) *CleanupError {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
	defer cancel()
	id := d.exportID
	if id <= 0 {
		found, err := d.s.findExportByFile(cctx, d.ref, d.file)
		if err != nil {
			return &CleanupError{Ref: d.ref, File: d.file, Err: fmt.Errorf("looking for it: %w", err)}
		}
		if found <= 0 {
			return nil // the add did not happen
		}
		id = found
	}
	if _, err := d.s.DeleteExport(cctx, d.ref, id, nil); err != nil && !errors.Is(err, ErrNotFound) {
		return &CleanupError{Ref: d.ref, ExportID: id, File: d.file, Err: err}
	}
	return nil
}

// addMayHaveActed says whether an add that failed with err may still have
// added the export: unless the failure proves otherwise (a refusal before
// sending, an answer that says nothing was done), assume it did.
func addMayHaveActed(err error) bool {
	var ve *ValidationError
	var apiErr *APIError
	var te *TransportError
	switch {
	case errors.As(err, &ve):
		return false
	case errors.As(err, &apiErr):
		return retryableStatus(false, apiErr.StatusCode).acted
	case errors.As(err, &te):
		return te.Sent
	}
	return true // a body cut short, a context that ended mid-request, …
}

// nilWriter reports whether w is nil or a typed nil, such as a nil
// *os.File or *bytes.Buffer, which would panic on the first write.
func nilWriter(w io.Writer) bool {
	if w == nil {
		return true
	}
	switch v := reflect.ValueOf(w); v.Kind() {
	case reflect.Pointer, reflect.Map, reflect.Slice, reflect.Func, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// CleanupError reports that [ExportsService.DownloadCSV] could not remove
// its temporary export, which is left in the dataview's pipeline. Complete
// tells a download that delivered every byte (keep the data; remove the
// export later, by ExportID, or by finding File when ExportID is 0) from one
// that also failed.
type CleanupError struct {
	// Ref is the dataview the export is in.
	Ref DataviewRef
	// ExportID is the export left behind, or 0 if its id is unknown.
	ExportID int
	// File is the export's unique file name, by which a listing finds it.
	File string
	// Complete is true when every byte of the CSV reached the writer.
	Complete bool
	// Written is the number of bytes written to the writer.
	Written int64
	// Err is why the removal failed.
	Err error
}

// Error names the export left behind and says whether the data was
// complete.
func (e *CleanupError) Error() string {
	what := "temporary export " + strconv.Itoa(e.ExportID)
	if e.ExportID <= 0 {
		what = "temporary export (id unknown)"
	}
	data := fmt.Sprintf("the download is complete (%d bytes)", e.Written)
	if !e.Complete {
		data = fmt.Sprintf("the download did not complete (%d bytes written)", e.Written)
	}
	return fmt.Sprintf("mammoth: DownloadCSV: %s, file %q, was left in dataview %d: %s; removing it: %v",
		what, e.File, e.Ref.DataviewID, data, e.Err)
}

// Unwrap returns why the removal failed.
func (e *CleanupError) Unwrap() error { return e.Err }

// countingWriter counts what reaches w, so that a download cut short still
// reports how much the caller received.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// jobTriggerID reads the export id a job reports in its response, or 0.
func jobTriggerID(job *Job) int {
	if job == nil {
		return 0
	}
	resp, err := job.ResponseObject()
	if err != nil {
		return 0
	}
	switch v := resp["trigger_id"].(type) {
	case float64:
		return int(v)
	case string:
		n, _ := strconv.Atoi(v)
		return n
	}
	return 0
}

// tempExportFile names the temporary export's file after the dataview, as
// Mammoth's own SDKs do, with a random suffix so that concurrent downloads
// of one dataview never share a file.
func tempExportFile(ref DataviewRef) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return "temp_export_" + strconv.Itoa(ref.DatasetID) + "_" + strconv.Itoa(ref.DataviewID) + "_" + hex.EncodeToString(b[:]) + ".csv"
}

// findExportByFile finds the temporary export by its unique file name, for
// when the API's answers did not say its id. It returns 0 when none is found.
func (s *ExportsService) findExportByFile(ctx context.Context, ref DataviewRef, file string) (int, error) {
	opts := &ListExportsOptions{HandlerType: HandlerTypeS3, Limit: Ptr(maxPageSize)}
	for exp, err := range s.AllExports(ctx, ref, opts) {
		if err != nil {
			return 0, err
		}
		if exp != nil && exp.ID != nil && exp.TargetProperties["file"] == file {
			return *exp.ID, nil
		}
	}
	return 0, nil
}
