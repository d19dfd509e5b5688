package main

import (
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mammoth-io/mammoth-go"
)

func setupDownload(fs *flag.FlagSet) action {
	out := fs.String("out", "", "`file` to write the CSV to (default: stdout)")
	var opts mammoth.DownloadCSVOptions
	fs.BoolVar(&opts.IncludeHidden, "include-hidden", false, "also export hidden columns")
	fs.BoolVar(&opts.KeepExport, "keep-export", false, "keep the temporary export in the pipeline")
	poll := fs.Duration("poll-interval", 0, "time between polls of the export's job (default 2s; 250ms with --demo)")
	return func(ctx context.Context, c *call) error {
		opts.Wait = &mammoth.WaitOptions{PollInterval: c.pollInterval(*poll)}
		if *out == "" {
			c.rawStdout = true
			_, err := c.download(ctx, c.env.stdout, &opts)
			return err
		}
		// Write beside the target and rename once complete, so that a
		// failed download leaves no half file behind.
		tmp, err := os.CreateTemp(filepath.Dir(*out), "."+filepath.Base(*out)+".*.part")
		if err != nil {
			return usagef("cannot write --out: %v", err)
		}
		defer os.Remove(tmp.Name())
		n, err := c.download(ctx, tmp, &opts)
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), *out)
		}
		if err != nil {
			return err
		}
		return c.out.record(downloadView{File: *out, Bytes: n})
	}
}

// download streams the CSV to w, with bytes and rate on a terminal.
func (c *call) download(ctx context.Context, w io.Writer, opts *mammoth.DownloadCSVOptions) (int64, error) {
	cw := &countingWriter{w: w}
	p := c.startProgress(func(elapsed time.Duration) string {
		n := cw.n.Load()
		if n == 0 {
			return "preparing the CSV export " + formatElapsed(elapsed)
		}
		return "downloading " + transferred(n, elapsed)
	})
	n, err := c.client.Exports.DownloadCSV(ctx, c.ref, cw, opts)
	if err != nil {
		p.stop("")
		return n, err
	}
	p.stop("downloaded " + transferred(n, p.elapsed()))
	return n, nil
}
