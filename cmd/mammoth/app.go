package main

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/mammoth-io/mammoth-go"
)

// env is everything the tool takes from the process it runs in, so that
// tests can run it in-process with their own streams, environment, clock
// and idea of what is a terminal.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	// isTerminal reports whether a stream (stdin, stdout or stderr above)
	// is an interactive terminal.
	isTerminal func(stream any) bool
	now        func() time.Time
	// slowAfter is how long a request may go unanswered before a
	// terminal is told (0: the default); tests shorten it.
	slowAfter time.Duration
}

// osEnv is the environment of the running process.
func osEnv() *env {
	return &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, isTerminal: isTerminal, now: time.Now,
	}
}

// isTerminal reports whether stream is a file open on a terminal: a
// character device other than the null device, which is one too and is
// what stdin is in cron jobs and many CI runners.
func isTerminal(stream any) bool {
	f, ok := stream.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	if err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		return false
	}
	null, err := os.Stat(os.DevNull)
	return err != nil || !os.SameFile(fi, null)
}

// globals are the flags every command accepts, before the command or among
// its own flags.
type globals struct {
	output  outputFormat
	demo    bool
	verbose bool
	version bool
	help    bool
	timeout time.Duration
}

// register adds the flags to fs, keeping the values already parsed.
func (g *globals) register(fs *flag.FlagSet) {
	fs.Var(&g.output, "output", "output `format`: table, json or jsonl")
	fs.BoolVar(&g.demo, "demo", g.demo, "run against an in-process fake API seeded with sample data")
	fs.BoolVar(&g.verbose, "verbose", g.verbose, "log each API request to stderr")
	fs.Var((*durationFlag)(&g.timeout), "timeout", "give up after this `duration`, whatever the command is doing (default: no limit)")
	fs.BoolVar(&g.version, "version", g.version, "print the version and exit")
	fs.BoolVar(&g.help, "help", g.help, "show help")
	fs.BoolVar(&g.help, "h", g.help, "show help")
}

// outputFormat is the value of --output.
type outputFormat string

func (o *outputFormat) String() string { return string(*o) }

func (o *outputFormat) Set(s string) error {
	switch s {
	case "table", "json", "jsonl":
		*o = outputFormat(s)
		return nil
	}
	return errors.New("must be table, json or jsonl")
}

func (o outputFormat) isJSON() bool { return o == "json" || o == "jsonl" }

// run runs the tool with args (without the program name) and returns its
// exit status.
func run(ctx context.Context, args []string, e *env) int {
	g := &globals{output: "table"}
	root := newFlagSet("mammoth")
	g.register(root)
	if err := root.Parse(args); err != nil {
		return finish(ctx, e, g, "", flagError("mammoth", err))
	}
	rest := root.Args()
	switch {
	case g.version:
		fmt.Fprintf(e.stdout, "mammoth %s\n", mammoth.Version)
		return exitOK
	case g.help:
		writeRootHelp(e.stdout)
		return exitOK
	case len(rest) == 0:
		writeRootHelp(e.stderr)
		return exitUsage
	}
	switch rest[0] {
	case "help":
		return finish(ctx, e, g, "help", help(e.stdout, rest[1:]))
	case "completion":
		return finish(ctx, e, g, "completion", completion(e.stdout, rest[1:]))
	}
	grp := findGroup(rest[0])
	if grp == nil {
		return finish(ctx, e, g, "", usagef("unknown command %q; run 'mammoth --help' for the list", rest[0]))
	}
	cmd, args, err := grp.lookup(rest[1:])
	if errors.Is(err, flag.ErrHelp) {
		return finish(ctx, e, g, grp.name, help(e.stdout, rest[:1]))
	}
	if err != nil {
		return finish(ctx, e, g, grp.name, err)
	}
	return finish(ctx, e, g, cmd.path(), invoke(ctx, e, g, cmd, args))
}

// call is one command being carried out: what its action needs.
type call struct {
	env      *env
	out      *printer
	client   *mammoth.Client
	ref      mammoth.DataviewRef
	id       int   // the EXPORT_ID or JOB_ID argument
	ids      []int // the ids of a command that takes several (multi)
	demo     bool  // talking to the in-process fake
	progress bool  // draw progress on stderr
	// rawStdout is set by a command that writes data, not a document, to
	// stdout; errors then stay off it.
	rawStdout bool
	// sizes knows the length of the API's last answer, for a download's
	// progress.
	sizes *lengthRecorder
}

// invoke parses a command's flags and arguments, connects and runs it.
func invoke(ctx context.Context, e *env, g *globals, cmd *command, args []string) error {
	fs := newFlagSet(cmd.path())
	g.register(fs)
	ids := cmd.registerIDs(fs)
	act := cmd.setup(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(cmd.path(), err)
	}
	switch {
	case g.version:
		fmt.Fprintf(e.stdout, "mammoth %s\n", mammoth.Version)
		return nil
	case g.help:
		writeCommandHelp(e.stdout, cmd)
		return nil
	}
	// Writes to stdout are told apart from the network's, whose EPIPE is
	// a failure to report, not a reader that went away.
	withStdout := *e
	withStdout.stdout = &stdoutWriter{w: e.stdout}
	withStdout.stderr = &lockedWriter{w: e.stderr}
	c := &call{env: &withStdout, out: &printer{w: withStdout.stdout, format: g.output}, demo: g.demo}
	if cmd.multi {
		if c.ids, err = parseIDs(cmd.argName, cmd.path(), pos); err != nil {
			return explainStray(fs, args, pos, err, func(pos []string) bool { _, err := parseIDs(cmd.argName, cmd.path(), pos); return err == nil })
		}
		c.id = c.ids[0]
	} else if c.id, err = cmd.parseArg(pos); err != nil {
		return explainStray(fs, args, pos, err, func(pos []string) bool { _, err := cmd.parseArg(pos); return err == nil })
	}
	if c.ref, err = ids.resolve(e.getenv, g.demo); err != nil {
		return err
	}
	// Progress would garble the request log, which goes to stderr too.
	c.progress = !g.verbose && e.isTerminal(e.stderr)
	if !cmd.offline {
		var closeDemo func()
		var transport http.RoundTripper = http.DefaultTransport
		if c.progress {
			after := cmp.Or(e.slowAfter, slowAfter)
			transport = &slowNotice{base: transport, after: after, w: c.env.stderr}
		}
		c.sizes = &lengthRecorder{base: transport}
		if c.client, closeDemo, err = connect(e, g, c.ref.WorkspaceID, c.sizes); err != nil {
			return err
		}
		defer closeDemo()
	}
	if g.timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeoutCause(ctx, g.timeout, timedOut{g.timeout})
		defer cancel()
	}
	if err := c.findRef(ctx, ids, g.verbose); err != nil {
		return classify(ctx, err, subjectOf(cmd, c))
	}
	if err := act(ctx, c); err != nil {
		ce := classify(ctx, err, subjectOf(cmd, c))
		ce.noStdout = ce.noStdout || c.rawStdout
		return ce
	}
	return nil
}

// connect makes the client: to the in-process fake with --demo, else to
// the API the environment names, with the credentials it holds.
func connect(e *env, g *globals, workspaceID int, transport http.RoundTripper) (*mammoth.Client, func(), error) {
	opts := []mammoth.Option{
		mammoth.WithUserAgent("mammoth-cli/" + mammoth.Version),
		mammoth.WithHTTPClient(&http.Client{Transport: transport}),
	}
	if g.verbose {
		logger := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
		opts = append(opts, mammoth.WithLogger(logger))
	}
	if workspaceID > 0 {
		opts = append(opts, mammoth.WithWorkspaceID(workspaceID))
	}
	if g.demo {
		srv := startDemo(e.now)
		client, err := mammoth.NewClient(srv.APIKey(), srv.APISecret(), append(opts, mammoth.WithBaseURL(srv.URL()))...)
		return client, srv.Close, err
	}
	key, secret := e.getenv("MAMMOTH_API_KEY"), e.getenv("MAMMOTH_API_SECRET")
	if key == "" || secret == "" {
		return nil, nil, &cliError{code: exitAuth, kind: "auth",
			msg: "no credentials: set MAMMOTH_API_KEY and MAMMOTH_API_SECRET, or try --demo"}
	}
	if base := e.getenv("MAMMOTH_BASE_URL"); base != "" {
		opts = append(opts, mammoth.WithBaseURL(base))
	}
	client, err := mammoth.NewClient(key, secret, opts...)
	return client, func() {}, err
}

func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// idFlag is one id of the dataview ref: a flag with an environment
// variable as its default.
type idFlag struct {
	name, env string
	optional[int]
}

// idFlags are the ids a command takes: the four of a dataview for the
// exports commands, the workspace alone (optional) for the jobs commands.
type idFlags struct {
	ids      []idFlag
	required bool
	// lookup lets --project and --dataset be left out: findRef asks the
	// API for them.
	lookup bool
}

var allIDs = []idFlag{
	{name: "workspace", env: "MAMMOTH_WORKSPACE_ID"},
	{name: "project", env: "MAMMOTH_PROJECT_ID"},
	{name: "dataset", env: "MAMMOTH_DATASET_ID"},
	{name: "dataview", env: "MAMMOTH_DATAVIEW_ID"},
}

// dataviewIDs are the four ids of a dataview: --workspace and --dataview
// required, --project and --dataset found when left out.
func dataviewIDs() *idFlags { return &idFlags{ids: slices.Clone(allIDs), required: true, lookup: true} }

// workspaceID is the workspace id alone, optional.
func workspaceID() *idFlags { return &idFlags{ids: slices.Clone(allIDs[:1])} }

func (f *idFlags) register(fs *flag.FlagSet) {
	for i := range f.ids {
		id := &f.ids[i]
		fs.Var(&id.optional, id.name, fmt.Sprintf("%s `id` (default $%s)", id.name, id.env))
	}
}

// resolve fills the ids from the flags, else the environment, else (with
// --demo) the sample dataview, and reports the required ones missing.
func (f *idFlags) resolve(getenv func(string) string, demo bool) (mammoth.DataviewRef, error) {
	demoIDs := []int{demoRef.WorkspaceID, demoRef.ProjectID, demoRef.DatasetID, demoRef.DataviewID}
	var vals [4]int
	var missing []string
	for i := range f.ids {
		id := &f.ids[i]
		// The demo's sample dataview has ids of its own: real ones from the
		// environment would only find nothing.
		if v := getenv(id.env); !id.set && v != "" && !demo {
			if err := id.Set(v); err != nil {
				return mammoth.DataviewRef{}, usagef("$%s=%q: %v", id.env, v, err)
			}
		}
		switch {
		case id.set:
			vals[i] = id.v
		case demo:
			vals[i] = demoIDs[i]
		case f.required && !(f.lookup && (id.name == "project" || id.name == "dataset")):
			missing = append(missing, "--"+id.name)
		}
	}
	if len(missing) > 0 {
		return mammoth.DataviewRef{}, usagef("missing %s (or set %s)", strings.Join(missing, ", "), envNames(f.ids, missing))
	}
	return mammoth.DataviewRef{WorkspaceID: vals[0], ProjectID: vals[1], DatasetID: vals[2], DataviewID: vals[3]}, nil
}

// envNames lists the environment variables behind the missing flags.
func envNames(ids []idFlag, missing []string) string {
	var names []string
	for _, id := range ids {
		for _, m := range missing {
			if m == "--"+id.name {
				names = append(names, "$"+id.env)
			}
		}
	}
	return strings.Join(names, ", ")
}
