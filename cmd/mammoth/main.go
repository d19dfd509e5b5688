// Command mammoth lists, adds, runs, suspends, restores, deletes and
// downloads the exports of Mammoth Analytics dataview pipelines, and waits
// for the jobs that carry them out. It is a thin layer over the
// github.com/mammoth-io/mammoth-go SDK.
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
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	go func() {
		// The first Ctrl-C cancels the work, which then cleans up (a
		// download deletes its temporary export); a second one kills.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], osEnv())
	stop()
	os.Exit(code)
}
