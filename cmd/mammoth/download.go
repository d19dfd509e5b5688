package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/mammoth-io/mammoth-go"
)

const downloadDoc = "Adds a temporary S3 export, waits for its job, streams the file and deletes the\n" +
	"export again. Without --out (or with --out -) the CSV goes to stdout and nothing\n" +
	"else does. --out is checked before anything is sent; the file is written beside\n" +
	"it as a hidden .part file and renamed into place once complete, so an\n" +
	"interrupted or failed download leaves no half file. A new file is readable by\n" +
	"you only; an existing one keeps its permissions.\n\n" +
	"If the temporary export cannot be deleted, the command says so and prints the\n" +
	"command that removes it; when the CSV itself is complete it is kept and the\n" +
	"exit status is 6. Ctrl-C stops the download and still deletes the export:\n" +
	"further Ctrl-Cs only say that cleanup is under way."

func setupDownload(fs *flag.FlagSet) action {
	out := fs.String("out", "", "`file` to write the CSV to, or - for stdout (default: stdout)")
	var opts mammoth.DownloadCSVOptions
	fs.BoolVar(&opts.IncludeHidden, "include-hidden", false, "also export hidden columns")
	fs.BoolVar(&opts.KeepExport, "keep-export", false, "keep the temporary export in the pipeline")
	var poll time.Duration
	fs.Var((*durationFlag)(&poll), "poll-interval", pollUsage)
	return func(ctx context.Context, c *call) error {
		opts.Wait = &mammoth.WaitOptions{PollInterval: poll}
		t, err := openOut(*out, c.env.stdout)
		if err != nil {
			return err
		}
		c.rawStdout = t.path == ""
		n, err := c.download(ctx, t.w, &opts)
		left := leftoverOf(err)
		// A complete CSV is kept even when its export could not be deleted.
		complete := err == nil || (left != nil && left.Complete && withoutCleanup(err) == nil)
		if ferr := t.finish(complete); ferr != nil && err == nil {
			err = fmt.Errorf("writing --out %s: %w", t.path, ferr)
		}
		switch {
		case left != nil:
			return &leftBehind{err: err, left: left, file: t.path, bytes: n}
		case err != nil:
			return err
		case t.path == "":
			return nil
		}
		return c.out.record(downloadView{File: t.path, Bytes: n})
	}
}

// outTarget is where download-csv writes: stdout, a file written in place
// (a device or a named pipe), or a regular file, written as a .part file
// beside it and renamed into place once complete.
type outTarget struct {
	path string // "" for stdout
	dest string // where a .part file is renamed to: path, or the file a link at path leads to
	w    io.Writer
	file *os.File // the .part file or the device, if any
	part bool
}

// openOut checks --out and opens what the CSV is written to, before
// anything is sent: a directory, a missing directory or a file that
// cannot be written is a usage error.
func openOut(path string, stdout io.Writer) (*outTarget, error) {
	if path == "" || path == "-" {
		return &outTarget{w: stdout}, nil
	}
	bad := func(format string, args ...any) error {
		return usagef("--out %s: "+format, append([]any{path}, args...)...)
	}
	if strings.HasSuffix(path, string(filepath.Separator)) || strings.HasSuffix(path, "/") {
		return nil, bad("names a directory; name a file, such as %s", filepath.Join(path, "data.csv"))
	}
	// A link is written through, as the shell's > would: the file it
	// leads to is replaced, not the link.
	dest := path
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		if dest, err = filepath.EvalSymlinks(path); err != nil {
			return nil, bad("is a symbolic link that leads to no file: %v", unwrapPath(err))
		}
	}
	mode := os.FileMode(0o600)
	switch fi, err := os.Stat(dest); {
	case err == nil && fi.IsDir():
		return nil, bad("is a directory; name a file in it, such as %s", filepath.Join(path, "data.csv"))
	case err == nil && !fi.Mode().IsRegular():
		// A device or a named pipe is written in place: there is no
		// renaming over it.
		f, err := os.OpenFile(dest, os.O_WRONLY, 0)
		if err != nil {
			return nil, bad("cannot be written: %v", unwrapPath(err))
		}
		return &outTarget{path: path, w: f, file: f}, nil
	case err == nil:
		// As the shell's > would, refuse a file that may not be written,
		// though renaming over it would work.
		f, err := os.OpenFile(dest, os.O_WRONLY, 0)
		if err != nil {
			return nil, bad("cannot be written: %v", unwrapPath(err))
		}
		f.Close()
		mode = fi.Mode().Perm()
	case !errors.Is(err, os.ErrNotExist):
		return nil, bad("%v", unwrapPath(err))
	}
	dir := filepath.Dir(dest)
	switch fi, err := os.Stat(dir); {
	case err != nil:
		return nil, bad("the directory %s does not exist", dir)
	case !fi.IsDir():
		return nil, bad("%s is not a directory", dir)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".*.part")
	if err != nil {
		return nil, bad("cannot write in %s: %v", dir, unwrapPath(err))
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, bad("%v", unwrapPath(err))
	}
	return &outTarget{path: path, dest: dest, w: tmp, file: tmp, part: true}, nil
}

// finish closes the file, and renames a .part file into place if keep,
// or else removes it.
func (t *outTarget) finish(keep bool) error {
	if t.file == nil {
		return nil
	}
	err := t.file.Close()
	if !t.part {
		return err
	}
	if err == nil && keep {
		if err = os.Rename(t.file.Name(), t.dest); err == nil {
			return nil
		}
	}
	os.Remove(t.file.Name())
	return err
}

// unwrapPath drops the path and operation from a file error, which the
// messages already name.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// download streams the CSV to w, with progress on a terminal: the bytes,
// their share of the file where its size is known, and the rate.
func (c *call) download(ctx context.Context, w io.Writer, opts *mammoth.DownloadCSVOptions) (int64, error) {
	cw := &countingWriter{w: w, sizes: c.sizes}
	p := c.startProgress(func(elapsed time.Duration) string {
		return downloadLabel(cw.n.Load(), cw.total.Load(), elapsed)
	})
	n, err := c.client.Exports.DownloadCSV(ctx, c.ref, cw, opts)
	if err != nil {
		p.stop("")
		return n, err
	}
	p.stop("downloaded " + transferred(n, p.elapsed()))
	return n, nil
}

// downloadLabel is the progress line of a download that has received n
// bytes of total (0 or less: not known) after elapsed.
func downloadLabel(n, total int64, elapsed time.Duration) string {
	switch {
	case n == 0:
		return "preparing the CSV export " + formatElapsed(elapsed)
	case total > 0 && n <= total:
		return fmt.Sprintf("downloading %s of %s (%d%%) in %s", formatBytes(n), formatBytes(total), n*100/total, rate(n, elapsed))
	}
	return "downloading " + transferred(n, elapsed)
}

// countingWriter counts what goes through it, for the progress line, and
// learns the file's length from sizes on the first write.
type countingWriter struct {
	w     io.Writer
	sizes *lengthRecorder
	n     atomic.Int64
	total atomic.Int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	if c.n.Load() == 0 && c.sizes != nil {
		c.total.Store(c.sizes.last.Load())
	}
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}
