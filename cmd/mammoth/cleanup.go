package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/mammoth-io/mammoth-go"
)

// leftoverOf finds in err the temporary export a download could not
// delete, if any.
func leftoverOf(err error) *mammoth.CleanupError {
	var ce *mammoth.CleanupError
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}

// withoutCleanup is err without its *mammoth.CleanupError: the download's
// own failure, or nil if only the cleanup failed. The cleanup's cause (a
// refused delete, say) must not pass for the download's.
func withoutCleanup(err error) error {
	var ce *mammoth.CleanupError
	if errors.As(err, &ce) && err == error(ce) {
		return nil
	}
	joined, ok := err.(interface{ Unwrap() []error })
	if !ok {
		return err
	}
	var rest []error
	for _, e := range joined.Unwrap() {
		if !errors.As(e, &ce) {
			rest = append(rest, e)
		}
	}
	return errors.Join(rest...)
}

// leftBehind is a download that left its temporary export in the
// pipeline; err is what DownloadCSV (or writing the file) returned.
type leftBehind struct {
	err   error
	left  *mammoth.CleanupError
	file  string // --out, or "" for stdout
	bytes int64
}

func (l *leftBehind) Error() string { return l.err.Error() }

func (l *leftBehind) Unwrap() error { return l.err }

// explain says what was left and the command that removes it: after a
// complete CSV with exit status 6, else after what made the download fail.
func (l *leftBehind) explain(ctx context.Context, about subject) *cliError {
	ref, id := l.left.Ref, l.left.ExportID
	ids := fmt.Sprintf("--workspace %d --project %d --dataset %d --dataview %d",
		ref.WorkspaceID, ref.ProjectID, ref.DatasetID, ref.DataviewID)
	what := fmt.Sprintf("its temporary export %d (file %s)", id, l.left.File)
	remove := fmt.Sprintf("remove it with: mammoth exports delete %d %s --yes", id, ids)
	if id <= 0 {
		what = fmt.Sprintf("its temporary export writing to %s", l.left.File)
		remove = fmt.Sprintf("'mammoth exports list --handler-type s3 %s' finds it; 'mammoth exports delete EXPORT_ID %s --yes' removes it", ids, ids)
	}
	left := fmt.Sprintf("%s may still be in the pipeline: deleting it failed (%v); %s", what, l.left.Err, remove)
	own := withoutCleanup(l.err)
	if own == nil && l.left.Complete {
		where := "on stdout"
		if l.file != "" {
			where = "in " + l.file
		}
		return &cliError{code: exitLeftBehind, kind: "cleanup_failed", noStdout: l.file == "",
			msg: fmt.Sprintf("the CSV is complete (%d bytes %s), but %s", l.bytes, where, left)}
	}
	if own == nil {
		own = errors.New("the download did not complete")
	}
	ce := *classify(ctx, own, about)
	ce.quiet = false // a closed stdout, yet something to say
	ce.msg += "; " + left
	return &ce
}
