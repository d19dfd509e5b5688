package main

import (
	"context"
	"fmt"

	"github.com/mammoth-io/mammoth-go"
)

// leftover is a temporary export that download-csv could not delete.
type leftover struct {
	exportID int    // 0 if not known
	file     string // the export's file name, which finds it when its id is not known
	complete bool   // the whole CSV was delivered
	err      error  // why deleting failed
}

// leftoverOf finds in err the temporary export a download left behind,
// if any.
func leftoverOf(err error) *leftover {
	return nil
}

// leftBehind is a download that left its temporary export in the
// pipeline; err is the download's own failure, if any.
type leftBehind struct {
	err   error
	left  *leftover
	ref   mammoth.DataviewRef
	file  string // --out, or "" for stdout
	bytes int64
}

func (l *leftBehind) Error() string {
	return fmt.Sprintf("temporary export left behind: %v", l.left.err)
}

// explain says what was left and the command that removes it: after a
// complete CSV with exit status 6, else after what made the download fail.
func (l *leftBehind) explain(ctx context.Context, about subject) *cliError {
	ids := fmt.Sprintf("--workspace %d --project %d --dataset %d --dataview %d",
		l.ref.WorkspaceID, l.ref.ProjectID, l.ref.DatasetID, l.ref.DataviewID)
	what := fmt.Sprintf("the temporary export %d (file %s)", l.left.exportID, l.left.file)
	remove := fmt.Sprintf("remove it with: mammoth exports delete %d %s --yes", l.left.exportID, ids)
	if l.left.exportID <= 0 {
		what = fmt.Sprintf("a temporary export writing to %s", l.left.file)
		remove = fmt.Sprintf("'mammoth exports list --handler-type s3 %s' finds it; 'mammoth exports delete EXPORT_ID %s --yes' removes it", ids, ids)
	}
	where := "to stdout"
	if l.file != "" {
		where = "in " + l.file
	}
	if l.err == nil || l.left.complete {
		return &cliError{code: exitLeftBehind, kind: "cleanup_failed", noStdout: l.file == "",
			msg: fmt.Sprintf("the CSV is complete (%d bytes %s), but %s may still be in the pipeline: deleting it failed (%v); %s",
				l.bytes, where, what, l.left.err, remove)}
	}
	ce := *classify(ctx, l.err, about)
	ce.quiet = false
	ce.msg += fmt.Sprintf("; %s may also be left in the pipeline: deleting it failed (%v); %s", what, l.left.err, remove)
	return &ce
}
