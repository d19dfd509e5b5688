package mammothtest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"sync/atomic"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

var pipeRef = mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}

func ExampleServer_Pipeline() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(pipeRef)
	client := srv.Client()
	if _, err := client.Pipelines.EnterDraft(context.Background(), pipeRef); err != nil {
		log.Fatal(err)
	}
	p := srv.Pipeline(pipeRef)
	fmt.Println(p.State, p.ExecutionState, p.DraftMode, *p.AutoRun)
	// Output: ready idle clean true
}

func ExampleServer_SetPipelineState() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.SetPipelineState(pipeRef, mammoth.PipelineStateRefError, mammoth.PipelineExecutionIdle)
	_, err := srv.Client().Pipelines.WaitForPipeline(context.Background(), pipeRef, nil)
	var failed *mammoth.PipelineFailedError
	fmt.Println(errors.As(err, &failed), failed.State)
	// Output: true ref_error
}

func ExampleServer_FailNextRun() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(pipeRef)
	srv.FailNextRun(pipeRef)
	client := srv.Client()
	if _, err := client.Pipelines.RunPipeline(context.Background(), pipeRef, nil); err != nil {
		log.Fatal(err)
	}
	_, err := client.Pipelines.WaitForPipeline(context.Background(), pipeRef, nil)
	fmt.Println(err)
	// Output: mammoth: pipeline failed: state "ready", execution state "runtime_error"
}

func ExampleServer_CompleteRuns() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	srv.AddDataview(pipeRef)
	if _, err := srv.Client().Pipelines.RunPipeline(context.Background(), pipeRef, nil); err != nil {
		log.Fatal(err)
	}
	fmt.Println(srv.Pipeline(pipeRef).ExecutionState)
	srv.CompleteRuns()
	fmt.Println(srv.Pipeline(pipeRef).ExecutionState)
	// Output:
	// submitted
	// idle
}

func ExampleServer_AddTask() {
	srv := mammothtest.NewServer()
	defer srv.Close()
	id := srv.AddTask(pipeRef)
	page, err := srv.Client().Pipelines.ListItems(context.Background(), pipeRef, nil)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(id, *page.Items[0].ID, page.Items[0].Type, *page.Items[0].RowCount)
	// Output: 3001 3001 task 100
}

func ExampleWithPipelineStepDuration() {
	// A clock the example moves on; the server reads it from its handlers.
	start := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var passed atomic.Int64
	clock := func() time.Time { return start.Add(time.Duration(passed.Load())) }
	srv := mammothtest.NewServer(mammothtest.WithPipelineStepDuration(time.Second), mammothtest.WithClock(clock))
	defer srv.Close()
	srv.AddDataview(pipeRef)
	if _, err := srv.Client().Pipelines.RunPipeline(context.Background(), pipeRef, nil); err != nil {
		log.Fatal(err)
	}
	passed.Add(int64(time.Second))
	fmt.Println(srv.Pipeline(pipeRef).ExecutionState)
	passed.Add(int64(time.Minute))
	fmt.Println(srv.Pipeline(pipeRef).ExecutionState)
	// Output:
	// running
	// idle
}
