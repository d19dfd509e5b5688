package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"syscall"

	"github.com/mammoth-io/mammoth-go"
)

// Exit statuses; writeRootHelp documents them.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitAuth        = 3
	exitNotFound    = 4
	exitJobFailed   = 5
	exitLeftBehind  = 6 // a complete download, but its temporary export is left
	exitUnavailable = 7
	exitTimeout     = 124 // as timeout(1) exits
	exitInterrupted = 130 // 128 + SIGINT; SIGTERM gives 143
	exitBrokenPipe  = 141 // 128 + SIGPIPE: stdout was closed
)

// cliError is a failure as the user sees it: an exit status, a kind for
// scripts, and one line that says what failed and what to do.
type cliError struct {
	code   int
	kind   string
	msg    string
	status int    // the API's HTTP status, if it answered
	detail string // the API's own explanation, if any
	// noStdout keeps the JSON error off stdout, which carries a download.
	noStdout bool
	// quiet says nothing at all: the reader of stdout went away, as with
	// "| head", and only the exit status tells.
	quiet bool
}

func (e *cliError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &cliError{code: exitUsage, kind: "usage", msg: fmt.Sprintf(format, args...)}
}

// flagError turns a flag parsing error into a usage error. (Parsing never
// returns flag.ErrHelp: -h and --help are flags of their own.)
func flagError(path string, err error) error {
	msg := flagName.ReplaceAllString(err.Error(), "$1--$2")
	if path == "mammoth" {
		return usagef("%s; run 'mammoth --help'", msg)
	}
	return usagef("%s; run 'mammoth help %s'", msg, path)
}

// flagName finds the flag names in the flag package's errors, which it
// writes with one dash.
var flagName = regexp.MustCompile(`(\s)-(\w)`)

// subject is what a command is about, for the messages of its errors.
type subject struct {
	what  string // "export 7 in workspace 1, project 2, dataset 3, dataview 4"
	check string // what to check when it is not found
}

func subjectOf(cmd *command, c *call) subject {
	if cmd.argName == "JOB_ID" {
		return subject{fmt.Sprintf("job %d", c.id), "check the job id"}
	}
	if c.ref == (mammoth.DataviewRef{}) {
		// A command that names no dataview.
		return subject{"what '" + cmd.path() + "' asked for", "check the arguments"}
	}
	dv := fmt.Sprintf("workspace %d, project %d, dataset %d, dataview %d",
		c.ref.WorkspaceID, c.ref.ProjectID, c.ref.DatasetID, c.ref.DataviewID)
	check := "check --workspace, --project, --dataset and --dataview"
	if cmd.multi {
		ids := strings.Trim(strings.Join(strings.Fields(fmt.Sprint(c.ids)), ", "), "[]")
		return subject{fmt.Sprintf("exports %s in %s", ids, dv), "check the export ids and --workspace, --project, --dataset and --dataview"}
	}
	if cmd.argName == "EXPORT_ID" {
		return subject{fmt.Sprintf("export %d in %s", c.id, dv), "check the export id and --workspace, --project, --dataset and --dataview"}
	}
	return subject{"the dataview (" + dv + ")", check}
}

// classify explains err: what failed, what to do, and the exit status.
func classify(ctx context.Context, err error, about subject) *cliError {
	var (
		ce     *cliError
		verr   *mammoth.ValidationError
		failed *mammoth.JobFailedError
		apiErr *mammoth.APIError
		left   *leftBehind
	)
	switch {
	case errors.As(err, &left):
		return left.explain(ctx, about)
	case errors.As(err, &ce):
		return ce
	case errors.As(err, new(*stdoutClosed)):
		return &cliError{code: exitBrokenPipe, kind: "broken_pipe", msg: "stdout was closed", quiet: true}
	}
	if pe := classifyPipeline(ctx, err, about); pe != nil {
		return pe
	}
	if st := stopped(ctx); st != nil {
		if st.kind == "timeout" && isNetwork(err) {
			st.msg += " waiting for the API to answer; check the network and $MAMMOTH_BASE_URL, or allow longer"
		}
		return st
	}
	switch {
	case errors.As(err, &verr):
		return &cliError{code: exitUsage, kind: "usage", msg: fmt.Sprintf("invalid %s: %s", flagFor(verr.Field), verr.Reason)}
	case errors.As(err, &failed):
		return &cliError{code: exitJobFailed, kind: "job_failed",
			msg: fmt.Sprintf("job %d ended in %s: %s; 'mammoth jobs get %d' shows it", failed.JobID, failed.Status, failed.Reason, failed.JobID)}
	case errors.As(err, &apiErr):
		return classifyAPI(apiErr, about)
	case isNetwork(err):
		return &cliError{code: exitUnavailable, kind: "network",
			msg: fmt.Sprintf("cannot reach the API (%v); check the network and $MAMMOTH_BASE_URL, then try again", err)}
	}
	return &cliError{code: exitError, kind: "error", msg: err.Error()}
}

func classifyAPI(e *mammoth.APIError, about subject) *cliError {
	ce := &cliError{code: exitError, kind: "api", status: e.StatusCode, detail: e.Detail}
	status := fmt.Sprintf("%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	switch e.StatusCode {
	case http.StatusUnauthorized:
		ce.code, ce.kind = exitAuth, "auth"
		ce.msg = "the API refused the credentials (" + status + "); check $MAMMOTH_API_KEY and $MAMMOTH_API_SECRET"
	case http.StatusForbidden:
		ce.code, ce.kind = exitAuth, "auth"
		ce.msg = "the credentials in $MAMMOTH_API_KEY have no access to " + about.what + " (" + status + ")"
	case http.StatusNotFound:
		ce.code, ce.kind = exitNotFound, "not_found"
		ce.msg = "not found: " + about.what + " (" + status + "); " + about.check
	case http.StatusTooManyRequests:
		ce.code, ce.kind = exitUnavailable, "rate_limited"
		ce.msg = "the API is rate limiting requests (" + status + ") and retries ran out; wait"
		if e.RetryAfter > 0 {
			ce.msg += " " + e.RetryAfter.String()
		} else {
			ce.msg += " a minute"
		}
		ce.msg += " and try again"
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		ce.code, ce.kind = exitUnavailable, "unavailable"
		ce.msg = "the API is unavailable (" + status + ") and retries ran out; try again later"
	default:
		ce.msg = "the API refused the request (" + status + ")"
		if d := apiProblems(e); d != "" {
			ce.msg += ": " + d
		}
	}
	return ce
}

// apiProblems is the detail of a refused request, with the problems the
// API lists in "extra" ({"message", "key", "source"} objects), if any.
func apiProblems(e *mammoth.APIError) string {
	parts := []string{e.Detail}
	var problems []struct{ Message, Key, Source string }
	if json.Unmarshal(e.Extra, &problems) == nil {
		for _, p := range problems {
			where := p.Source + " " + p.Key
			if p.Source == "query" {
				// The wire name of a list filter becomes its flag's name.
				where = "--" + strings.ReplaceAll(strings.Replace(p.Key, "reorderd", "reordered", 1), "_", "-")
			}
			parts = append(parts, where+": "+p.Message)
		}
	}
	return strings.Join(slices.DeleteFunc(parts, func(s string) bool { return s == "" }), "; ")
}

// isNetwork reports a transport failure: no answer, or a cut connection.
func isNetwork(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) || errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

// flagFor names the flag, argument or environment variable behind a field
// the SDK refused.
func flagFor(field string) string {
	names := map[string]string{
		"DataviewRef.WorkspaceID":                  "--workspace",
		"DataviewRef.ProjectID":                    "--project",
		"DataviewRef.DatasetID":                    "--dataset",
		"DataviewRef.DataviewID":                   "--dataview",
		"ListExportsOptions.Limit":                 "--limit",
		"ListExportsOptions.Offset":                "--offset",
		"ListExportsOptions.Sequence":              "--sequence",
		"exportID":                                 "EXPORT_ID",
		"jobID":                                    "JOB_ID",
		"S3ExportRequest.File":                     "--file",
		"S3ExportRequest.TriggerType":              "--trigger-type",
		"InternalDatasetExportRequest.TriggerType": "--trigger-type",
		"target_properties.DS_NAME":                "--name",
		"target_properties.TARGET_DS_ID":           "--target-dataset",
		"workspace ID":                             "--workspace",
		"base URL":                                 "$MAMMOTH_BASE_URL",
		"API key":                                  "$MAMMOTH_API_KEY",
		"API secret":                               "$MAMMOTH_API_SECRET",
		"API credentials":                          "$MAMMOTH_API_KEY or $MAMMOTH_API_SECRET",
		"Condition":                                "--where",
	}
	if name, ok := names[field]; ok {
		return name
	}
	if strings.HasPrefix(field, "spec") || strings.HasPrefix(field, "target_properties") {
		return field + " in --spec"
	}
	return field
}

// finish reports err, if any, and returns the exit status: the one line
// on stderr, and with --output json or jsonl the JSON error on stdout.
func finish(ctx context.Context, e *env, g *globals, path string, err error) int {
	if err == nil {
		return exitOK
	}
	ce := classify(ctx, err, subject{what: "the resource", check: "check the ids"})
	if ce.quiet {
		return ce.code
	}
	prefix := "mammoth"
	if path != "" && path != "mammoth" {
		prefix += " " + path
	}
	fmt.Fprintf(e.stderr, "%s: %s\n", prefix, ce.msg)
	if g.output.isJSON() && !ce.noStdout {
		p := &printer{w: e.stdout, format: g.output}
		_ = p.json(errorView{Error: errorBody{Kind: ce.kind, ExitCode: ce.code, Message: ce.msg, Status: ce.status, Detail: ce.detail}})
	}
	return ce.code
}

// stdoutWriter marks the error of a write to stdout that found its
// reader gone.
type stdoutWriter struct{ w io.Writer }

func (s *stdoutWriter) Write(b []byte) (int, error) {
	n, err := s.w.Write(b)
	if errors.Is(err, syscall.EPIPE) {
		err = &stdoutClosed{err}
	}
	return n, err
}

// stdoutClosed is a write to stdout after its reader went away, as after
// "| head".
type stdoutClosed struct{ err error }

func (s *stdoutClosed) Error() string { return "stdout was closed: " + s.err.Error() }

func (s *stdoutClosed) Unwrap() error { return s.err }

// errorView is the JSON form of an error.
type errorView struct {
	Error errorBody `json:"error"`
}

type errorBody struct {
	Kind     string `json:"kind"`
	ExitCode int    `json:"exit_code"`
	Message  string `json:"message"`
	Status   int    `json:"status,omitempty"`
	Detail   string `json:"detail,omitempty"`
}
