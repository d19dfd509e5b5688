package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// fakeServerCommands is "mammoth fake-server", a command by itself.
var fakeServerCommands = []command{
	{offline: true, summary: "Run a fake of the API, for scripts and for tests in any language, until stopped",
		doc: fakeServerDoc, setup: setupFakeServer},
}

const fakeServerDoc = `Serves mammothtest, the SDK's stateful fake of the API, at --addr until
Ctrl-C or SIGTERM (then exits 0). Unlike --demo, whose fake lives for one
command, it keeps its state across commands and processes: an export added by
one command is listed by the next, and 'mammoth jobs wait' finds the job
another command started.

Once it listens, it prints to stdout the environment a client needs, as
lines for the shell (export MAMMOTH_BASE_URL=… MAMMOTH_API_KEY=…
MAMMOTH_API_SECRET=… and the ids of the first dataview), or with
--output json as one object; what it serves goes to stderr. So:

  mammoth fake-server --addr 127.0.0.1:0 > fake.env &
  until [ -s fake.env ]; do sleep 0.1; done; . ./fake.env

Without --dataview it serves the demo's dataview 4/4/121/2311 with its sample
exports and CSV. Export ids count from 101 and job ids from 5001. Never give
it real credentials: it prints the ones it accepts.`

// demoDataview is the demo's dataview as --dataview writes it.
var demoDataview = fmt.Sprintf("%d/%d/%d/%d", demoRef.WorkspaceID, demoRef.ProjectID, demoRef.DatasetID, demoRef.DataviewID)

func setupFakeServer(fs *flag.FlagSet) action {
	var (
		addr, key, secret, exportsFile, csvFile string
		dataviews                               dataviewList
		jobDuration                             time.Duration
		jobPolls                                optional[int]
	)
	fs.StringVar(&addr, "addr", "127.0.0.1:8080", "`host:port` to listen on; port 0 picks a free one")
	fs.StringVar(&key, "api-key", "", "the API `key` it accepts (default: random)")
	fs.StringVar(&secret, "api-secret", "", "the API `secret` it accepts (default: random)")
	fs.Var(&dataviews, "dataview", "a dataview to serve, as `W/P/D/V` (workspace/project/dataset/dataview ids); repeatable (default "+demoDataview+" with the demo's exports)")
	fs.StringVar(&exportsFile, "exports", "", "`file` holding a JSON array of exports, as the API lists them, to seed into every --dataview")
	fs.StringVar(&csvFile, "csv", "", "`file` whose content every dataview's S3 exports yield (default: a small sample)")
	fs.Var((*durationFlag)(&jobDuration), "job-duration", "how long each job takes (a `duration`; default: none, jobs end by polls)")
	fs.Var(&jobPolls, "job-polls", "how many polls a job answers \"processing\" before it ends (`n`; default 1, or 0 with --job-duration)")
	return func(ctx context.Context, c *call) error {
		if jobPolls.set && jobPolls.v < 0 {
			return usagef("--job-polls must not be negative")
		}
		opts := []mammothtest.Option{mammothtest.WithJobDuration(jobDuration)}
		if jobPolls.set {
			opts = append(opts, mammothtest.WithJobPolls(jobPolls.v))
		}
		if key != "" || secret != "" {
			if key == "" || secret == "" {
				return usagef("--api-key and --api-secret go together")
			}
			opts = append(opts, mammothtest.WithCredentials(key, secret))
		}
		var seed []mammoth.ItemExportInfo
		if exportsFile != "" {
			var err error
			if seed, err = readExports(exportsFile); err != nil {
				return err
			}
		}
		var csv []byte
		if csvFile != "" {
			var err error
			if csv, err = os.ReadFile(csvFile); err != nil {
				return usagef("cannot read --csv: %v", unwrapPath(err))
			}
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			return &cliError{code: exitError, kind: "listen",
				msg: fmt.Sprintf("cannot listen on %s: %v; choose another --addr (port 0 picks a free one)", addr, unwrapNet(err))}
		}
		srv := mammothtest.NewServer(append(opts, mammothtest.WithListener(l))...)
		defer srv.Close()

		refs := dataviews.refs
		if len(refs) == 0 {
			refs = []mammoth.DataviewRef{demoRef}
			if seed == nil {
				seedDemo(srv)
			}
		}
		counts := make([]int, len(refs))
		for i, ref := range refs {
			srv.AddDataview(ref)
			if seed != nil {
				counts[i] = len(srv.SeedExports(ref, seed...))
			} else {
				counts[i] = len(srv.Exports(ref))
			}
			if csv != nil {
				srv.SetCSV(ref, csv)
			}
		}
		baseURL := clientURL(srv.URL())
		if err := printFakeEnv(c, srv, baseURL, refs); err != nil {
			return err
		}
		describeFake(c.env.stderr, baseURL, l.Addr(), refs, counts, jobsText(jobDuration, jobPolls))
		<-ctx.Done()
		fmt.Fprintln(c.env.stderr, "mammoth fake-server: stopped")
		return nil
	}
}

// fakeEnv is what --output json prints: what a client needs.
type fakeEnv struct {
	BaseURL   string         `json:"base_url"`
	APIKey    string         `json:"api_key"`
	APISecret string         `json:"api_secret"`
	Dataviews []fakeDataview `json:"dataviews"`
}

type fakeDataview struct {
	WorkspaceID int `json:"workspace_id"`
	ProjectID   int `json:"project_id"`
	DatasetID   int `json:"dataset_id"`
	DataviewID  int `json:"dataview_id"`
}

// printFakeEnv writes to stdout the environment that points a client at
// srv: shell lines, or with --output json one object.
func printFakeEnv(c *call, srv *mammothtest.Server, baseURL string, refs []mammoth.DataviewRef) error {
	if c.out.format.isJSON() {
		v := fakeEnv{BaseURL: baseURL, APIKey: srv.APIKey(), APISecret: srv.APISecret()}
		for _, r := range refs {
			v.Dataviews = append(v.Dataviews, fakeDataview(r))
		}
		return c.out.json(v)
	}
	first := refs[0]
	var b strings.Builder
	for _, kv := range [][2]string{
		{"MAMMOTH_BASE_URL", baseURL},
		{"MAMMOTH_API_KEY", srv.APIKey()},
		{"MAMMOTH_API_SECRET", srv.APISecret()},
		{"MAMMOTH_WORKSPACE_ID", strconv.Itoa(first.WorkspaceID)},
		{"MAMMOTH_PROJECT_ID", strconv.Itoa(first.ProjectID)},
		{"MAMMOTH_DATASET_ID", strconv.Itoa(first.DatasetID)},
		{"MAMMOTH_DATAVIEW_ID", strconv.Itoa(first.DataviewID)},
	} {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	_, err := io.WriteString(c.env.stdout, b.String())
	return err
}

// describeFake tells the person who started it what srv serves.
func describeFake(w io.Writer, baseURL string, addr net.Addr, refs []mammoth.DataviewRef, counts []int, jobs string) {
	fmt.Fprintf(w, "mammoth fake-server: serving a fake Mammoth API at %s", baseURL)
	if tcp, ok := addr.(*net.TCPAddr); ok && tcp.IP.IsUnspecified() {
		fmt.Fprintf(w, " (listening on %s)", addr)
	}
	fmt.Fprintln(w)
	for i, r := range refs {
		fmt.Fprintf(w, "  dataview --workspace %d --project %d --dataset %d --dataview %d: %d exports\n",
			r.WorkspaceID, r.ProjectID, r.DatasetID, r.DataviewID, counts[i])
	}
	fmt.Fprintf(w, "  %s; the environment for clients is on stdout. Stop it with Ctrl-C.\n", jobs)
}

// jobsText says how the fake's jobs end.
func jobsText(d time.Duration, polls optional[int]) string {
	n := 1
	if d > 0 {
		n = 0
	}
	if polls.set {
		n = polls.v
	}
	text := fmt.Sprintf("jobs end once polled %d times", n+1)
	switch {
	case n == 0 && d > 0:
		return "jobs take " + d.String()
	case n == 0:
		text = "jobs end at once"
	case n == 1:
		text = "jobs end on their second poll"
	}
	if d > 0 {
		text = "jobs take " + d.String() + " and " + strings.TrimPrefix(text, "jobs ")
	}
	return text
}

// clientURL is the base URL a client on this machine uses: the
// listener's, with the loopback address for one listening on every
// address (":8080"), which is no address to connect to.
func clientURL(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	if ip := net.ParseIP(u.Hostname()); ip != nil && ip.IsUnspecified() {
		u.Host = net.JoinHostPort("127.0.0.1", u.Port())
	}
	return u.String()
}

// readExports reads a JSON array of exports from a file.
func readExports(name string) ([]mammoth.ItemExportInfo, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, usagef("cannot read --exports: %v", unwrapPath(err))
	}
	var exports []mammoth.ItemExportInfo
	if err := json.Unmarshal(data, &exports); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return nil, usagef("invalid --exports %s: %s: expected a JSON array of exports; %q cannot be %s",
				name, position(data, typeErr.Offset), typeErr.Field, article(typeErr.Value))
		}
		return nil, usagef("invalid --exports %s: %v", name, jsonProblem(data, err))
	}
	if exports == nil {
		return nil, usagef("invalid --exports %s: expected a JSON array of exports", name)
	}
	return exports, nil
}

// dataviewList is the value of the repeatable --dataview flag.
type dataviewList struct{ refs []mammoth.DataviewRef }

func (d *dataviewList) String() string { return "" }

func (d *dataviewList) Set(s string) error {
	parts := strings.Split(s, "/")
	var ids [4]int
	if len(parts) != len(ids) {
		return errors.New("must be four ids W/P/D/V, such as " + demoDataview)
	}
	for i, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 {
			return errors.New("must be four positive whole numbers W/P/D/V, such as " + demoDataview)
		}
		ids[i] = n
	}
	d.refs = append(d.refs, mammoth.DataviewRef{WorkspaceID: ids[0], ProjectID: ids[1], DatasetID: ids[2], DataviewID: ids[3]})
	return nil
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+,=-]+$`)

// shellQuote quotes s for a POSIX shell, if it needs it.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// unwrapNet drops the operation and addresses from a listen error.
func unwrapNet(err error) error {
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		var se *os.SyscallError
		if errors.As(oe.Err, &se) {
			return se.Err
		}
		return oe.Err
	}
	return err
}
