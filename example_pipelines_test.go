package mammoth_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// pipelineAPI is fakeAPI with waits that poll every millisecond.
func pipelineAPI() (*mammothtest.Server, *mammoth.Client, mammoth.DataviewRef) {
	return fakeAPI(mammoth.WithPollInterval(time.Millisecond))
}

func ExamplePipelinesService_GetPipeline() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	p, err := client.Pipelines.GetPipeline(context.Background(), ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.State, p.ExecutionState, p.DraftMode, *p.AutoRun, p.Settled())
	// Output: ready idle off true true
}

func ExamplePipelinesService_RunPipeline() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	job, err := client.Pipelines.RunPipeline(ctx, ref, &mammoth.RunPipelineOptions{FromSequence: mammoth.Ptr(2)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rerun job:", job.Status)
	// The job starts the run; the pipeline says when it is done.
	p, err := client.Pipelines.WaitForPipeline(ctx, ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pipeline:", p.State, p.ExecutionState)
	// Output:
	// rerun job: processing
	// pipeline: ready idle
}

func ExamplePipelinesService_WaitForPipeline() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline})
	if _, err := client.Pipelines.RunPipeline(ctx, ref, nil); err != nil {
		log.Fatal(err)
	}
	_, err := client.Pipelines.WaitForPipeline(ctx, ref, &mammoth.WaitOptions{
		OnPipelinePoll: func(p *mammoth.Pipeline) { fmt.Println(p.State, p.ExecutionState) },
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.Exports(ref)[0].Status)

	// A pipeline that settles in error is a *PipelineFailedError.
	srv.FailNextRun(ref)
	if _, err := client.Pipelines.RunPipeline(ctx, ref, nil); err != nil {
		log.Fatal(err)
	}
	_, err = client.Pipelines.WaitForPipeline(ctx, ref, nil)
	var failed *mammoth.PipelineFailedError
	fmt.Println(errors.As(err, &failed), failed.ExecutionState)
	// Output:
	// staged submitted
	// ready running
	// ready exports_running
	// ready idle
	// executed
	// true runtime_error
}

func ExamplePipelinesService_EnterDraft() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	mode, err := client.Pipelines.EnterDraft(ctx, ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("draft mode:", mode)
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "held.csv"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("pending:", change.Pending, "live exports:", len(srv.Exports(ref)))
	// Draft mode is the API's state: any client reads it.
	p, err := srv.Client().Pipelines.GetPipeline(ctx, ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("another client sees:", p.DraftMode)
	// Output:
	// draft mode: clean
	// pending: true live exports: 0
	// another client sees: dirty
}

func ExamplePipelinesService_SubmitDraft() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	if _, err := client.Pipelines.EnterDraft(ctx, ref); err != nil {
		log.Fatal(err)
	}
	change, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: "monthly.csv"})
	if err != nil {
		log.Fatal(err)
	}
	p, err := client.Pipelines.SubmitDraft(ctx, ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(p.State, p.ExecutionState, p.DraftMode)
	exp, err := client.Exports.GetExport(ctx, ref, change.Modification.TriggerID, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(exp.Status)
	// Output:
	// ready idle off
	// executed
}

func ExamplePipelinesService_DiscardDraft() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	ids := srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})
	if _, err := client.Pipelines.EnterDraft(ctx, ref); err != nil {
		log.Fatal(err)
	}
	if _, err := client.Exports.DeleteExport(ctx, ref, ids[0], nil); err != nil {
		log.Fatal(err)
	}
	mode, err := client.Pipelines.DiscardDraft(ctx, ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mode, len(srv.Exports(ref)))
	// Output: off 1
}

func ExamplePipelinesService_ExitDraft() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	if _, err := client.Pipelines.EnterDraft(ctx, ref); err != nil {
		log.Fatal(err)
	}
	mode, err := client.Pipelines.ExitDraft(ctx, ref)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(mode)
	// Output: off
}

func ExamplePipelinesService_DraftCommand() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	// A command the dataview's state does not allow is refused, and the
	// error carries the state read afterwards.
	_, err := client.Pipelines.DraftCommand(context.Background(), ref, mammoth.DraftSubmit)
	var cmdErr *mammoth.PipelineCommandError
	if errors.As(err, &cmdErr) {
		fmt.Println(cmdErr.MayHaveActed, cmdErr.After.DraftMode)
	}
	var apiErr *mammoth.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Detail)
	}
	// Output:
	// false off
	// 400 dataview 2311 is not in draft mode
}

func ExamplePipelinesService_InDraft() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	err := client.Pipelines.InDraft(ctx, ref, func(ctx context.Context) error {
		for _, file := range []string{"a.csv", "b.csv"} {
			if _, err := client.Exports.CreateS3Export(ctx, ref, &mammoth.S3ExportRequest{File: file}); err != nil {
				return err // the draft is discarded
			}
		}
		return nil // the draft is submitted
	}, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(srv.Exports(ref)), srv.Pipeline(ref).DraftMode)
	// Output: 2 off
}

func ExamplePipelinesService_SuspendExports() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	spec := mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline}
	ids := srv.SeedExports(ref, spec, spec, spec)
	change, err := client.Pipelines.SuspendExports(context.Background(), ref, ids)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range change.Exports {
		fmt.Println(e.TriggerID, e.Status)
	}
	fmt.Println("requests:", srv.RequestCount(mammothtest.RouteEditPipeline))
	// Output:
	// 101 suspended
	// 102 suspended
	// 103 suspended
	// requests: 1
}

func ExamplePipelinesService_RestoreExports() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	spec := mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}
	ids := srv.SeedExports(ref, spec, spec)
	if _, err := client.Pipelines.SuspendExports(ctx, ref, ids); err != nil {
		log.Fatal(err)
	}
	change, err := client.Pipelines.RestoreExports(ctx, ref, ids)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(change.Exports[0].Status, change.Exports[1].Status)
	// Output: added added
}

func ExamplePipelinesService_DiscardExports() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	spec := mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}
	ids := srv.SeedExports(ref, spec, spec, spec)
	if _, err := client.Pipelines.DiscardExports(context.Background(), ref, ids[:2]); err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(srv.Exports(ref)))
	// Output: 1
}

func ExamplePipelinesService_SetAutoRun() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	change, err := client.Pipelines.SetAutoRun(context.Background(), ref, false)
	if err != nil {
		log.Fatal(err)
	}
	p := srv.Pipeline(ref)
	fmt.Println(*change.AutoRun, *p.AutoRun, p.DraftMode)
	// Output: false false off
}

func ExamplePipelinesService_ListItems() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	srv.AddTask(ref)
	srv.SeedExports(ref, mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone})
	page, err := client.Pipelines.ListItems(context.Background(), ref, nil)
	if err != nil {
		log.Fatal(err)
	}
	for _, it := range page.Items {
		fmt.Println(*it.ID, it.Type)
	}
	// Output:
	// 101 export
	// 3001 task
}

func ExamplePipelinesService_AllItems() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	spec := mammoth.ItemExportInfo{HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypeNone}
	srv.SeedExports(ref, spec, spec, spec, spec, spec)
	n := 0
	for it, err := range client.Pipelines.AllItems(context.Background(), ref, &mammoth.ListItemsOptions{Limit: mammoth.Ptr(2)}) {
		if err != nil {
			log.Fatal(err)
		}
		if it.IsExport() {
			n++
		}
	}
	fmt.Println(n, "exports in", srv.RequestCount(mammothtest.RouteListItems), "pages")
	// Output: 5 exports in 3 pages
}

func ExamplePipeline_Settled() {
	for _, p := range []mammoth.Pipeline{
		{State: mammoth.PipelineStateReady, ExecutionState: mammoth.PipelineExecutionIdle},
		{State: mammoth.PipelineStateReady, ExecutionState: mammoth.PipelineExecutionExportsRunning},
		{State: mammoth.PipelineStateRefError},
	} {
		fmt.Println(p.State, p.ExecutionState, p.Settled(), p.Failed())
	}
	// Output:
	// ready idle true false
	// ready exports_running false false
	// ref_error  true true
}

func ExampleDraftMode_Active() {
	for _, m := range []mammoth.DraftMode{"", mammoth.DraftModeOff, mammoth.DraftModeClean, mammoth.DraftModeDirty} {
		fmt.Printf("%q %v\n", m, m.Active())
	}
	// Output:
	// "" false
	// "off" false
	// "clean" true
	// "dirty" true
}

func ExamplePipelineChange_JobID() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	change, err := client.Pipelines.SetAutoRun(context.Background(), ref, true)
	if err != nil {
		log.Fatal(err)
	}
	_, ok := change.JobID()
	fmt.Println(*change.AutoRun, ok)
	// Output: true false
}

func ExamplePipelineItem_IsExport() {
	var items []*mammoth.PipelineItem
	// The API's presets leave item_type out: the keys tell the kinds apart.
	body := `[{"id":1,"sequence":1,"row_count":120},{"id":2,"sequence":2,"handler_type":"s3","trigger_type":"pipeline"}]`
	if err := json.Unmarshal([]byte(body), &items); err != nil {
		log.Fatal(err)
	}
	for _, it := range items {
		fmt.Println(*it.ID, it.Type, it.IsExport())
	}
	// Output:
	// 1 task false
	// 2 export true
}

func ExamplePipelineCommandError() {
	srv, client, ref := pipelineAPI()
	defer srv.Close()
	ctx := context.Background()
	if _, err := client.Pipelines.EnterDraft(ctx, ref); err != nil {
		log.Fatal(err)
	}
	// The answer to the submit is lost after the API carried it out.
	srv.InjectFault(mammothtest.Fault{Route: mammothtest.RouteDraftCommand, Reset: true, AfterHandling: true})
	_, err := client.Pipelines.SubmitDraft(ctx, ref, nil)
	var cmdErr *mammoth.PipelineCommandError
	if errors.As(err, &cmdErr) {
		fmt.Println("may have acted:", cmdErr.MayHaveActed)
		fmt.Println("draft mode now:", cmdErr.After.DraftMode)
	}
	fmt.Println("submits sent:", srv.RequestCount(mammothtest.RouteDraftCommand)-1)
	// Output:
	// may have acted: true
	// draft mode now: clean
	// submits sent: 1
}
