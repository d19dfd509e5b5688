// Command mammoth lists, adds, runs, suspends, restores, deletes and
// downloads the exports of Mammoth Analytics dataview pipelines, and waits
// for the jobs that carry them out. It is a thin layer over the
// github.com/mammoth-io/mammoth-go SDK. "mammoth fake-server" runs the
// SDK's fake of the API, for scripts and for tests in any language.
//
// Install it with
//
//	go install github.com/mammoth-io/mammoth-go/cmd/mammoth@latest
//
// and try it without an account against an in-process fake of the API:
//
//	mammoth --demo exports list
//
// Run "mammoth --help" for the commands, flags, environment variables and
// exit codes.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	sigs := make(chan os.Signal, 4)
	// A closed terminal (SIGHUP) also leaves time to clean up.
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// With SIGPIPE watched, a write to a closed stdout fails with EPIPE
	// instead of killing the process, so that a download piped into
	// "head" still deletes its temporary export.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	ctx, stop := signalContext(context.Background(), sigs, os.Stderr)
	code := run(ctx, os.Args[1:], osEnv())
	stop()
	os.Exit(code)
}
