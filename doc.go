// Package mammoth is a client for the Mammoth Analytics platform API: the
// exports of a dataview's pipeline (to S3, databases, BigQuery, Mammoth
// datasets and more), the background jobs that carry them out, the
// pipeline around them and the dataviews they belong to.
//
// A short program: download a dataview as CSV.
//
//	func main() {
//		client, err := mammoth.NewClientFromEnv() // MAMMOTH_API_KEY, MAMMOTH_API_SECRET
//		if err != nil {
//			log.Fatal(err)
//		}
//		ref := mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 7, DatasetID: 121, DataviewID: 2311}
//		if _, err := client.Exports.DownloadCSV(context.Background(), ref, os.Stdout, nil); err != nil {
//			log.Fatal(err)
//		}
//	}
//
// # Services
//
// A [Client] groups the operations by what they act on:
//
//   - [Client.Exports] ([ExportsService]), a dataview's exports:
//     ListExports, AllExports, GetExport; AddExport, CreateS3Export,
//     CreateInternalDatasetExport; EditExport, RunExport, SuspendExport,
//     RestoreExport, DeleteExport; DownloadCSV; PublishToDB,
//     UpdatePublishToDB; Plan and Apply (exports as code).
//   - [Client.Jobs] ([JobsService]), the background jobs: GetJob, GetJobs,
//     WaitForJob.
//   - [Client.Pipelines] ([PipelinesService]), a dataview's pipeline:
//     GetPipeline, RunPipeline, WaitForPipeline; EnterDraft, SubmitDraft,
//     DiscardDraft, InDraft; SuspendExports, RestoreExports,
//     DiscardExports.
//   - [Client.Dataviews] ([DataviewsService]), finding dataviews and their
//     columns: Resolve, GetDataview, Columns, AllWorkspaces, AllProjects,
//     AllDatasets, AllDataviews, ProjectExports, ResolveCondition.
//
// # Clients, errors, waits
//
// Create one [Client] with [NewClient] or [NewClientFromEnv] and share it: it
// is safe for concurrent use and keeps its connections alive between calls.
// Every call takes a [context.Context] and honours its cancellation, also
// while waiting to retry or polling a job.
//
// Errors from the API are [*APIError] values that also match [ErrNotFound]
// and the other sentinels with [errors.Is]; arguments the SDK refuses before
// sending are [*ValidationError] values.
//
// Waits ([JobsService.WaitForJob] and the waits built on it) poll soon and
// then less often, seeing a job's end within max(250ms, 10% of its run
// time); see [WaitOptions] and [WithPollInterval].
//
// # Ids
//
// An export is a trigger of its dataview's pipeline, so its id is also
// called a trigger id: TRIGGER_ID in an [AddExportSpec] names an export to
// replace, and "trigger_id" in the API's answers names the export a change
// or job concerns. An add usually answers 202 with a job and no export id;
// see [ExportChange.ExportID] and [Job.TriggerID] for where the id comes
// from, and what to do where the API does not send it.
//
// # Worth knowing
//
//   - Jobs calls need no [WithWorkspaceID]: the jobs paths name no
//     workspace and the API documents no workspace header. Set it (or
//     MAMMOTH_WORKSPACE_ID for [NewClientFromEnv]) to send X-WORKSPACE-ID
//     as the newer Python SDK does.
//   - [TriggerTypeSchedule] sets an export's trigger type only: the exports
//     API has no schedule field.
//   - The "discard" command removes an export as
//     [ExportsService.DeleteExport] does; it can also travel with other
//     patches, or in a bulk command for several exports.
//
// # Testing
//
// To test code that uses this package without the real API, run the fake
// server in package mammothtest; its Server.Client method returns a client
// for it that polls and retries within milliseconds.
package mammoth
