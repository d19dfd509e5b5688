package main

import (
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

const rootHelpHead = `mammoth runs the exports of Mammoth Analytics dataview pipelines and waits for
the jobs that carry them out.

Usage:
  mammoth [global flags] <command> <subcommand> [flags] [args]
  mammoth help [command]
  mammoth completion bash|zsh
  mammoth fake-server [flags]

Commands:
`

const rootHelpTail = `
Global flags, before the command or anywhere after the subcommand:
  --output FORMAT  table (default), json (one indented document), or jsonl (one
                   document a line: each export of "exports list", as it arrives)
  --demo           run against an in-process fake of the API seeded with sample
                   exports and data; no account needed, nothing carries over
                   from one command to the next
  --timeout D      give up after D (such as 30s or 5m), whatever the command is
                   doing: waiting for the API, for a job or for a download
                   (a download still deletes its temporary export)
  --verbose        log each API request to stderr (never the credentials)
  --version        print the version
  -h, --help       show help; "mammoth help <command>" shows a command's flags

Flags come as --name value or --name=value; boolean filters as --runnable or
--runnable=false. Arguments may stand before, between or after the flags.

Environment:
  MAMMOTH_API_KEY, MAMMOTH_API_SECRET  credentials (required without --demo)
  MAMMOTH_BASE_URL                     API root (default https://app.mammoth.io/api/v2)
  MAMMOTH_WORKSPACE_ID, MAMMOTH_PROJECT_ID, MAMMOTH_DATASET_ID, MAMMOTH_DATAVIEW_ID
                                       defaults for --workspace, --project,
                                       --dataset and --dataview

Output:
  Results go to stdout. Progress (a spinner while a job runs, bytes and rate
  while a download streams, a line when an answer is 5s late) goes to stderr,
  and only when stderr is a terminal.
  Secrets in target properties are shown as [REDACTED].

Errors:
  One line on stderr says what failed and what to do. With --output json or
  jsonl, stdout also gets the error as a JSON object:
    {"error": {"kind", "exit_code", "message", "status", "detail"}}
  except from download-csv without --out, whose stdout carries the CSV alone.

Exit codes:
  0    success
  1    the API refused the request, or another error
  2    usage: unknown command or flag, missing or invalid flag or argument
  3    authentication: no credentials, or the API refused them (401, 403)
  4    not found (404): the dataview, export or job
  5    the job failed
  6    download-csv: the CSV is complete, but its temporary export could not be
       deleted (the message says how to remove it)
  7    rate limited (429), API unavailable (502, 503, 504) or network failure,
       after retries
  124  --timeout ran out
  130  interrupted (Ctrl-C); 143 for SIGTERM, 129 for SIGHUP
  141  stdout was closed (as by "| head"); nothing is printed
`

func writeRootHelp(w io.Writer) {
	io.WriteString(w, rootHelpHead)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace(c.path()+" "+c.argName), c.summary)
	}
	tw.Flush()
	io.WriteString(w, rootHelpTail)
}

// help writes the help for "mammoth help [args]".
func help(w io.Writer, args []string) error {
	switch {
	case len(args) == 0 || args[0] == "help":
		writeRootHelp(w)
		return nil
	case args[0] == "completion":
		io.WriteString(w, completionHelp)
		return nil
	}
	grp := findGroup(args[0])
	switch {
	case grp == nil:
		return usagef("unknown command %q; run 'mammoth --help' for the list", args[0])
	case len(args) == 1 && !grp.alone():
		fmt.Fprintf(w, "Usage: mammoth %s <subcommand> [flags] [args]\n\nSubcommands:\n", grp.name)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, c := range commands {
			if c.group == grp.name {
				fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace(c.name+" "+c.argName), c.summary)
			}
		}
		tw.Flush()
		fmt.Fprintf(w, "\nRun 'mammoth help %s <subcommand>' for its flags.\n", grp.name)
		return nil
	}
	cmd, _, err := grp.lookup(args[1:])
	if err != nil {
		return err
	}
	writeCommandHelp(w, cmd)
	return nil
}

func writeCommandHelp(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: mammoth %s [flags]\n\n%s.\n", strings.TrimSpace(cmd.path()+" "+cmd.argName), cmd.summary)
	if cmd.doc != "" {
		fmt.Fprintf(w, "\n%s\n", cmd.doc)
	}
	fmt.Fprintln(w, "\nFlags:")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, f := range commandFlags(cmd) {
		name, usage := flag.UnquoteUsage(f)
		if def := f.DefValue; !slices.Contains([]string{"", "0", "0s", "false"}, def) {
			usage += " (default " + def + ")"
		}
		fmt.Fprintf(tw, "  %s\t%s\n", strings.TrimSpace("--"+f.Name+" "+name), usage)
	}
	tw.Flush()
	fmt.Fprintln(w, "\nGlobal flags (--output, --demo, --timeout, --verbose) are described in 'mammoth --help'.")
}

// commandFlags returns a command's own flags and its id flags, sorted by
// name, without the global ones.
func commandFlags(cmd *command) []*flag.Flag {
	fs := newFlagSet(cmd.path())
	cmd.registerIDs(fs)
	cmd.setup(fs)
	var flags []*flag.Flag
	fs.VisitAll(func(f *flag.Flag) { flags = append(flags, f) })
	return flags
}
