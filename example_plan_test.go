package mammoth_test

import (
	"context"
	"fmt"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// The exports a dataview should have, compared with those it has.
func ExampleExportsService_Plan() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	srv.SeedExports(ref,
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "daily.csv"}},
		mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone, TargetProperties: mammoth.RawTargetProperties{"file": "old.csv"}},
	)
	client := srv.Client()

	desired := []*mammoth.AddExportSpec{
		{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.S3TargetProperties{File: "daily.csv"}},
		{HandlerType: mammoth.HandlerTypeEmail, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.EmailTargetProperties{Emails: []string{"ops@example.com"}}},
	}
	plan, err := client.Exports.Plan(context.Background(), ref, desired, &mammoth.PlanOptions{Prune: true, Names: []string{"daily", "ops-mail"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range plan.Changes {
		fmt.Println(c.Action, c.Label())
		for _, f := range c.Fields {
			fmt.Printf("  %s: %v -> %v\n", f.Path, f.Old, f.New)
		}
	}
	// Output:
	// change daily
	//   trigger_type: none -> pipeline
	// add ops-mail
	// delete s3 file=old.csv
}

// Carrying a plan out, then checking that nothing is left to change.
func ExampleExportsService_Apply() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	client := srv.Client()
	ctx := context.Background()

	desired := []*mammoth.AddExportSpec{
		{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline, TargetProperties: mammoth.S3TargetProperties{File: "daily.csv"}},
	}
	plan, err := client.Exports.Plan(ctx, ref, desired, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.Exports.Apply(ctx, ref, plan, &mammoth.ApplyOptions{
		Draft: true, // all changes at once, or none
		OnChange: func(c mammoth.AppliedChange) {
			fmt.Println("made:", c.Action, c.Identity, c.Err)
		},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	again, _ := client.Exports.Plan(ctx, ref, desired, nil)
	fmt.Println("changes left:", again.HasChanges())
	fmt.Println("exports:", len(srv.Exports(ref)))
	// Output:
	// made: add s3 file=daily.csv <nil>
	// changes left: false
	// exports: 1
}
