package main

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// lastAddCondition returns the condition the last AddExport request sent,
// or "" when none was sent.
func lastAddCondition(t *testing.T, srv *mammothtest.Server) string {
	t.Helper()
	cond := ""
	for _, r := range srv.Requests() {
		if r.Route == mammothtest.RouteAddExport {
			var spec struct{ Condition json.RawMessage }
			require.NoError(t, json.Unmarshal(r.Body, &spec))
			cond = string(spec.Condition)
		}
	}
	return cond
}

const demoWhere = "revenue > 17000 and region in ('north', 'west')"

const demoWhereWire = `{"AND":[{"column_4":{"GT":{"VALUE":17000}}},{"column_1":{"IN_LIST":{"VALUE":["north","west"]}}}]}`

func TestWhere_EveryCommandThatCreatesAnExportSendsTheResolvedCondition(t *testing.T) {
	t.Parallel()
	for name, args := range map[string][]string{
		"create-s3":      {"exports", "create-s3", "--file", "x.csv", "--where", demoWhere},
		"create-dataset": {"exports", "create-dataset", "--name", "Big sales", "--where", demoWhere},
		"add":            {"exports", "add", "--spec", "testdata/spec_s3.json", "--where", demoWhere},
	} {
		h := newHarness(t)
		r := h.runArgs(context.Background(), args...)
		require.Zero(t, r.code, "%s: %s", name, r.stderr)
		assert.JSONEq(t, demoWhereWire, lastAddCondition(t, h.srv), name)
	}
}

func TestWhere_DownloadCSVHoldsOnlyTheSelectedRows(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	r := h.runArgs(context.Background(), "exports", "download-csv", "--poll-interval", "1ms", "--where", demoWhere)
	require.Zero(t, r.code, r.stderr)
	assert.Equal(t, "region,month,orders,revenue\nnorth,2025-09,412,18230.50\nwest,2025-09,455,20112.75\n", r.stdout)
	assert.JSONEq(t, demoWhereWire, lastAddCondition(t, h.srv))
}

func TestWhere_BadConditionsAreUsageErrorsAndSendNoExport(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"exports", "create-s3", "--file", "x.csv", "--where", "revenue >"},
			"invalid value \"revenue >\" for flag --where: at column 10: expected a value, a column or a date function, found the end of the text"},
		{[]string{"exports", "download-csv", "--where", "revenu > 5"},
			`invalid --where: no column "revenu"; the closest are "revenue" (column_4)`},
		{[]string{"exports", "create-s3", "--file", "x.csv", "--where", "region between 'a' and 'm'"},
			`invalid --where: column "region": a range (between) does not apply to TEXT columns`},
		{[]string{"exports", "create-s3", "--file", "x.csv", "--where", "orders > 1", "--condition", `{"column_3": {"IS_EMPTY": true}}`},
			"--where cannot be combined with --condition"},
	} {
		h := newHarness(t)
		r := h.runArgs(context.Background(), tc.args...)
		assert.Equal(t, exitUsage, r.code, "%v: %s", tc.args, r.stderr)
		assert.Contains(t, r.stderr, tc.want, tc.args)
		assert.Empty(t, lastAddCondition(t, h.srv), "%v: no export was added", tc.args)
	}
}
