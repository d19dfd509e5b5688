package mammoth_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// TestApply_ConvergesUnderRandomFaultsWithoutDuplicates applies 20 exports
// while every route fails at random: 500s after the server acted, resets
// before and after acting, answers cut short, 429s. Rerunning plan and
// apply until nothing is left to change must end with exactly the 20
// exports, none twice.
func TestApply_ConvergesUnderRandomFaultsWithoutDuplicates(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			srv, client := planServer(t)
			ctx := context.Background()
			// Some of the 20 exist already, one of them configured otherwise,
			// and one export is not wanted.
			var desired []*mammoth.AddExportSpec
			for i := range 20 {
				desired = append(desired, &mammoth.AddExportSpec{
					HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline,
					TargetProperties: mammoth.S3TargetProperties{File: fmt.Sprintf("export-%02d.csv", i)},
				})
			}
			srv.SeedExports(planRef,
				mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.RawTargetProperties{"file": "export-00.csv"}},
				mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "export-01.csv"}},
				mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "stale.csv"}},
			)
			srv.InjectRandomFaults(mammothtest.RandomFaults{Seed: seed, Rate: 0.3, Faults: []mammothtest.Fault{
				{Status: http.StatusInternalServerError, AfterHandling: true},
				{Reset: true, AfterHandling: true},
				{Reset: true},
				{ResetAfterBytes: 5},
				{Status: http.StatusTooManyRequests},
				{Status: http.StatusBadGateway},
			}})

			runs, converged := 0, false
			for runs < 30 {
				runs++
				plan, err := client.Exports.Plan(ctx, planRef, desired, &mammoth.PlanOptions{Prune: true})
				if err != nil {
					continue
				}
				if !plan.HasChanges() {
					converged = true
					break
				}
				_, _ = client.Exports.Apply(ctx, planRef, plan, nil)
			}
			require.True(t, converged, "no convergence after %d runs", runs)
			t.Logf("seed %d: converged after %d runs of plan and apply (%d add requests)", seed, runs, srv.RequestCount(mammothtest.RouteAddExport))

			files := map[string]int{}
			for _, e := range srv.Exports(planRef) {
				files[e.TargetProperties["file"].(string)]++
				assert.Equal(t, mammoth.TriggerTypePipeline, e.TriggerType)
			}
			require.Len(t, files, 20, "%v", files)
			for i := range 20 {
				assert.Equal(t, 1, files[fmt.Sprintf("export-%02d.csv", i)], "export-%02d.csv", i)
			}
		})
	}
}

// TestApply_APruneOfEverythingReplansAfterADeleteOfUnknownOutcome: a plan
// with nothing desired is replanned like any other.
func TestApply_APruneOfEverythingReplansAfterADeleteOfUnknownOutcome(t *testing.T) {
	srv, client := planServer(t)
	ctx := context.Background()
	srv.SeedExports(planRef,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "a.csv"}},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "b.csv"}},
	)
	plan, err := client.Exports.Plan(ctx, planRef, nil, &mammoth.PlanOptions{Prune: true})
	require.NoError(t, err)
	require.Equal(t, 2, plan.Count(mammoth.PlanDelete))
	// The first delete acts, then its answer is lost, every time it is sent.
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Reset: true, AfterHandling: true, Count: 1})
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDeleteExport, Status: http.StatusBadGateway, Count: 4})
	res, err := client.Exports.Apply(ctx, planRef, plan, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, res.Replans, "the lost delete was planned again, and found done")
	assert.Empty(t, srv.Exports(planRef))
}
