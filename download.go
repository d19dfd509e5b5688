package mammoth

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
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

// cleanupTimeout bounds the deletion of a temporary export after the
// caller's context has ended.
const cleanupTimeout = 30 * time.Second

// DownloadCSV writes the dataview's data as CSV to w and returns the number
// of bytes written.
//
// The API has no direct download: DownloadCSV adds a temporary S3 export
// with trigger "none", waits for its job, streams the file the job points
// to into w (in constant memory, whatever its size), and then deletes the
// temporary export, also when something failed, unless opts.KeepExport is
// set. The file may be served by another host, such as a pre-signed
// object-store link; the API credentials are sent only to the API's own
// host.
//
// If the download fails part-way, w has received part of the file, and the
// count returned says how much.
func (s *ExportsService) DownloadCSV(ctx context.Context, ref DataviewRef, w io.Writer, opts *DownloadCSVOptions) (written int64, err error) {
	if err := ref.validate(); err != nil {
		return 0, err
	}
	if w == nil {
		return 0, &ValidationError{Field: "w", Reason: "must not be nil"}
	}
	var o DownloadCSVOptions
	if opts != nil {
		o = *opts
	}
	file := tempExportFile(ref)
	change, err := s.CreateS3Export(ctx, ref, &S3ExportRequest{
		File:          file,
		IncludeHidden: o.IncludeHidden,
		TriggerType:   TriggerTypeNone,
	})
	if err != nil {
		return 0, err
	}
	var exportID int
	if change.Modification != nil {
		exportID = change.Modification.TriggerID
	}
	// From here on the export may exist, whatever happens next.
	defer func() {
		if o.KeepExport {
			return
		}
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cleanupTimeout)
		defer cancel()
		if exportID <= 0 {
			if exportID = s.findExportByFile(cctx, ref, file); exportID <= 0 {
				return
			}
		}
		if _, derr := s.DeleteExport(cctx, ref, exportID, nil); derr != nil && !errors.Is(derr, ErrNotFound) {
			err = errors.Join(err, fmt.Errorf("mammoth: DownloadCSV: deleting temporary export %d: %w", exportID, derr))
		}
	}()

	jobID, ok := change.JobID()
	if !ok {
		return 0, errors.New("mammoth: DownloadCSV: the API started no job for the export")
	}
	job, err := s.client.Jobs.WaitForJob(ctx, jobID, o.Wait)
	if err != nil {
		var failed *JobFailedError
		if errors.As(err, &failed) {
			exportID = max(exportID, jobTriggerID(failed.Job))
		}
		return 0, err
	}
	exportID = max(exportID, jobTriggerID(job))
	result, err := job.ResponseObject()
	if err != nil {
		return 0, err
	}
	link, _ := result["url"].(string)
	if link == "" {
		return 0, fmt.Errorf("mammoth: DownloadCSV: job %d succeeded without a file url", jobID)
	}
	fileURL, err := s.client.baseURL.Parse(link)
	if err != nil || (fileURL.Scheme != "https" && fileURL.Scheme != "http") {
		return 0, fmt.Errorf("mammoth: DownloadCSV: job %d returned an unusable file url", jobID)
	}
	counted := &countingWriter{w: w}
	_, err = s.client.do(ctx, &request{
		op: "DownloadCSV", method: http.MethodGet, rawURL: fileURL.String(),
		workspaceID: ref.WorkspaceID, idempotent: true, sink: counted,
	}, nil)
	return counted.n, err
}

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
func (s *ExportsService) findExportByFile(ctx context.Context, ref DataviewRef, file string) int {
	opts := &ListExportsOptions{HandlerType: HandlerTypeS3, Limit: Ptr(maxPageSize)}
	for exp, err := range s.AllExports(ctx, ref, opts) {
		if err != nil {
			return 0
		}
		if exp.ID != nil && exp.TargetProperties["file"] == file {
			return *exp.ID
		}
	}
	return 0
}
