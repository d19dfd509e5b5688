// Package mammothtest runs an in-memory fake of the Mammoth Analytics API for
// tests: the pipeline exports of dataviews, their pipelines and draft mode,
// publish-to-db and the jobs API.
//
// A [Server] listens on loopback like an [httptest.Server] and speaks the
// real API's wire: the same paths under /api/v2, query parameters (including
// the API's own spelling "reorderd"), JSON keys, status codes and error
// bodies. Any client of the real API, in any language, works against it
// unchanged:
//
//	srv := mammothtest.NewServer()
//	defer srv.Close()
//	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
//	srv.AddDataview(ref)
//	client := srv.Client() // or mammoth.NewClient(srv.APIKey(), srv.APISecret(), mammoth.WithBaseURL(srv.URL()))
//
// [Server.Client] is the quick way in from Go: its client polls and retries
// within milliseconds, so a test that adds an export, waits for its job and
// downloads the CSV takes a few milliseconds.
//
// The server keeps state: an added export shows up in the list, a job moves
// from "processing" to "success" as it is polled ([WithJobPolls]) or as
// time passes ([WithJobDuration]), commands
// change an export's status, and an S3 export's job points to a CSV file
// served by a second listener on another loopback address, the way the real
// API points to object storage.
//
// Tests can also seed exports directly ([Server.SeedExports]), make jobs
// fail ([Server.FailJobs]), inject transport and status faults
// ([Server.InjectFault]) and inspect every request received
// ([Server.Requests]). The server runs no goroutines of its own: jobs
// advance when they are polled (or, with a duration, at any request), and
// [Server.Close] stops everything.
//
// Faults can also last for a window of time rather than a number of
// requests: [Server.FailFor] answers every request with a status (an
// outage), [Server.RateLimitFor] answers every request 429 with a
// Retry-After, and [Server.InjectFaultFor] applies any [Fault], to one
// route or all, until the window closes. Each recorded request carries
// the time it arrived ([RecordedRequest].Received), so a test can check
// what a client sent during and after the window:
//
//	srv.FailFor(2*time.Second, http.StatusServiceUnavailable)
//	srv.InjectFaultFor(time.Second, mammothtest.Fault{
//		Route: mammothtest.RouteListExports, Status: 429, RetryAfter: "1",
//	})
//
// # Requests and errors
//
// Requests must carry the headers X-API-KEY and X-API-SECRET with the
// server's credentials; otherwise the answer is 401 with no body. Other
// errors have the API's body {"status_code": N, "detail": "...", "extra":
// ...}. A request the fake cannot accept (a malformed id, bad JSON, a
// missing required key, an out-of-range limit, an unknown enum value in a
// filter) is answered 400 with "extra" listing what is wrong, one {"message",
// "key", "source"} object per problem, "source" being "path", "query" or
// "body". A request that is well formed but cannot be carried out (running
// a suspended export) is 400 with a "detail" that says why. The fake never
// answers 422. An unknown dataview, export, job or path is 404 with
// {"status_code":404,"detail":"Not Found","extra":{}}; a known path with
// another method is 405.
//
// Query booleans (reorderd, end_of_pipeline, runnable, skip_validation)
// accept, in any letter case, true, t, yes, y, on and 1, and false, f, no,
// n, off and 0. A parameter given with an empty value is treated as absent.
//
// Times are written as the API writes them: UTC without a zone,
// "2025-10-19T14:17:07.810308".
//
// # Endpoints
//
// P stands for /api/v2/workspaces/{w}/projects/{p}/datasets/{d}/dataviews/{v};
// a dataview is known by all four ids, so a right dataview id under a wrong
// dataset is 404.
//
// GET P/pipeline/exports answers {"limit", "offset", "next", "exports"}.
// It filters by sequence, status, reorderd, handler_type, end_of_pipeline
// and runnable (an export whose field is null matches no value), sorts by
// "(field:asc|desc)" terms joined with commas (default "(id:asc)"; nulls
// last ascending, first descending; ties by id), and pages with limit (0 to
// 100, default 50) and offset. "fields" takes the presets __min, __standard
// (the default) and __full, field names, or both, comma-separated; keys
// outside the selection are left out, selected fields with no value are
// null. "next" is "" on the last page; see [NextLinkForm] for the others.
//
// POST P/pipeline/exports takes an AddExportSpec. DATAVIEW_ID,
// handler_type, trigger_type and run_immediately are required; DATAVIEW_ID
// must be the path's dataview. The export is stored with status "added"
// and the answer depends on [AddMode]: by default 202 {"job": {...}} with a
// job (operation "add_export") that, if run_immediately was set, runs the
// export when it finishes. A TRIGGER_ID naming an export of the dataview
// replaces that export's configuration (status "edited") instead; an
// unknown one is 404. With validate_only nothing changes and the answer is
// 201 {"trigger_id": <TRIGGER_ID or 0>, "status": null, "future_id": null},
// the API's answer for an export that was not added.
//
// A run (from an add, the run command or a replace with run_immediately)
// leaves the export "executed" when its job succeeds, with its execution
// times and last_run_result {"status": "success", "job_id": J}. An s3
// export's job then answers {"url": <file link>, "trigger_id": <export
// id>}; an internal_dataset export gets target_properties.TARGET_DS_ID
// filled in (if it had none) and its job answers {}, as do other handlers.
// When the job fails ([Server.FailJobs]), the export keeps the status it had
// before the run, with error_info {"error": reason} and last_run_result
// {"status": "failure", "job_id": J}.
//
// GET P/pipeline/exports/{id} answers the bare export, with "fields" as for
// the list.
//
// PATCH P/pipeline/exports/{id} takes {"patches": [{"op", "path",
// "value"}]}. Commands: suspend (status "suspended"), restore (back to the
// status before the suspend), run (status "executing", then as above; 400
// on a suspended export) and discard (the export is removed). A replace of
// params takes an AddExportSpec as value: the configuration is replaced and
// the status becomes "edited"; with run_immediately it also runs. The
// patches are checked, then applied in order, and the answer is the last
// one's: 202 {"job": ...} for a run, else 200 {"trigger_id", "status",
// "future_id": null}. An empty list changes nothing and answers 200 null.
// skip_validation is accepted and checked as a boolean.
//
// DELETE P/pipeline/exports/{id} removes the export and answers 200
// {"trigger_id": id, "status": "deleted", "future_id": null}.
//
// POST P/publish-to-db takes {"odbc_type": "postgres"|"bigquery",
// "target_properties": {"table": "..."}} and answers 202 {"status_code":
// 202, "job_id": J, "failure_reason": null}; see [Server.Publication].
// PATCH P/publish-to-db takes {"patch": [{"op": "replace", "path":
// "credentials", "value": {"odbc_type": ...}}]} for a published dataview
// (else 400) and answers the same way. Their jobs ("publish_to_db",
// "update_publish_to_db") succeed with the response {}.
//
// GET /api/v2/jobs/{id} answers {"job": {...}} with all seven keys (id,
// status, response, last_updated_at, created_at, path, operation); see
// [WithJobPolls] and [WithJobDuration] for how it advances. GET /api/v2/jobs?job_ids=1,2,3
// answers {"jobs": [...]} in the order asked, leaving out unknown ids and
// repeats; an empty or malformed job_ids is 400.
//
// Export files are served by a second listener ([Server.FileURL]) at links
// shaped like pre-signed object-store URLs; see [Server.SetCSV] and
// [Server.DownloadCredentialLeaks]. That listener asks for no credentials.
//
// Ids are server-wide: exports count from 101, jobs from 5001, the tasks
// [Server.AddTask] makes from 3001 and the datasets internal_dataset
// exports create from 9001, in the order they are made.
//
// # Pipelines and draft mode
//
// Every dataview has a pipeline ([Server.Pipeline] shows it), created
// settled: state "ready", execution_state "idle", draft_mode "off",
// auto_run true. The fake's choices where the API documents nothing are
// these, and clients should not rely on them against the real API.
//
// GET P/pipeline answers every PipelineInfo key: state, execution_state,
// executing_task_id, staged_task_ids, draft_mode and auto_run (a boolean),
// and stats only with fields=__full or a fields list naming stats. "fields"
// also takes key names; __min and __standard, which the API describes
// alike, select every key but stats. Each GET P/pipeline is a poll.
//
// A run goes through (state, execution_state) staged/submitted,
// ready/running, ready/exports_running (only when the dataview has exports
// that run with the pipeline: trigger_type "pipeline", not suspended) and
// ready/idle. The first poll after a run starts sees it submitted and each
// later poll moves it one step on; with [WithPipelineStepDuration] time
// moves it on too. When it ends, the pipeline-triggered exports are
// "executed", with their execution times, last_run_result {"status":
// "success"} and an entry in stats.export_stats; with [Server.FailNextRun]
// it ends in ready/runtime_error and runs no export. [Server.CompleteRuns]
// ends every run, and [Server.SetPipelineState] sets any pair of states,
// unset ones included.
//
// POST P/pipeline/rerun takes {"from_sequence": n}, {} or no body at all
// (one client of the API sends none when it has no sequence; the API
// requires a body and its answer to none is unknown), starts a run (the
// fake has no steps to skip, so from_sequence only has to be a
// non-negative integer) and answers 202 {"job": ...}, a job
// ("rerun_pipeline") that finishes when polled, as other jobs do, or with
// the run at the latest.
//
// POST P/draft-mode takes {"draft_operation": op}. The transitions are:
// enter from off to clean; submit from clean or dirty applies the held
// changes in order and leaves clean; discard from clean or dirty drops them
// and leaves clean; exit from clean to off. Anything else (enter while in
// draft, submit, discard or exit while off, exit while dirty, which would
// lose the held changes) is 400 with the API's error body and a detail
// that says why, and changes nothing; the API document declares its 400
// without a body and no 404, but the fake sends the error body for both,
// as for every other route. The answer is 200 {"draft_mode": mode}.
// Submit does not leave draft mode by itself.
//
// While a dataview is in draft mode (clean or dirty), changes to its
// exports are held, not applied, and the draft becomes dirty: an add
// (POST P/pipeline/exports) answers 201 {"trigger_id": N, "status":
// "added", "future_id": null}, N being the id the export will have; an add
// with a TRIGGER_ID answers 201 with status "edited"; a delete answers 201
// with status "deleted"; an edit (PATCH P/pipeline/exports/{id}) is
// checked as usual and answers 200 with status "edited"; bulk commands
// answer as below with the statuses the exports will have. Held changes
// are not visible: lists and gets show the live pipeline, and an export
// added in the draft is 404 until submitted. A submit applies them as a
// live change would, starts the jobs an add or edit with run_immediately
// starts, and a run of the pipeline: those jobs finish with the run, so a
// client that waits for the pipeline sees them done. Changes to an export
// deleted meanwhile are dropped; ids reserved by discarded adds are not
// reused. validate_only adds are answered as outside draft mode.
//
// PATCH P/pipeline takes {"patches": [one patch]} (another number is 400),
// with op "command" or "replace" (the API does not say which path wants
// which, so both are accepted for every path) and skip_validation and
// force_run booleans, which change nothing. The paths:
//
//   - auto_run, with a boolean value: sets auto_run and answers 200
//     {"auto_run": value}. Auto-run and draft mode are separate: turning
//     auto-run off does not enter draft mode.
//   - suspend, restore, discard, with {"export_ids": [...], "task_ids":
//     [...]} (either may be null or absent, not both empty): every id must
//     exist (else 404, nothing changed) and each export must allow the
//     command (else 400); the answer is 200, a list of {"trigger_id",
//     "status", "future_id": null} with each export's new status. Tasks
//     are suspended, restored or removed too, and not listed; in draft
//     mode the export commands are held and task ids are ignored.
//   - run starts a run: 200 {"type_of_modification": "manual_run",
//     "status": "processing", ...}.
//   - submit-changes and discard-changes act as the draft commands submit
//     and discard (400 when not in draft mode), answering
//     "draft_pipeline_submission" (processing) and
//     "discard_pipeline_changes" (done).
//   - reset and reorder change nothing and answer "reset_pipeline" and
//     "reorder_pipeline", done.
//
// GET P/pipeline/items lists the dataview's tasks ([Server.AddTask]) and
// exports as the API's ItemTask and ItemExport objects, each with only the
// keys its kind has among those selected. "fields" takes the presets
// (__min, __standard, __full, as the API lists them: item_type is in none,
// so clients must tell tasks from exports by their keys) or key names.
// limit (0 to 100, default 50), offset, sequence, status and sort ("(id|
// sequence:asc|desc)" terms, default by id) work as for the exports list,
// and "next" is an absolute link or "" on the last page. A limit of 0
// answers no items with "limit": 50, since the API's limit must be
// positive.
//
// # Finding dataviews
//
// [Server.AddDataview] also makes the dataview's workspace, project and
// dataset, named "Workspace N", "Project N", "Dataset N" and "Dataview N",
// with the dataset at the project's top level. [Server.AddWorkspace],
// [Server.AddProject], [Server.AddFolder], [Server.AddDataset] and
// [Server.NameDataview] name them and place datasets in folders nested to
// any depth. Every dataview has columns after each step of its pipeline:
// by default one step, the columns of [DefaultCSV]'s header;
// [Server.SetColumns] sets the last step's and [Server.SetPipelineColumns]
// every step's. [Server.Columns] returns the last step's, the names a
// dataview's CSV header holds.
//
// GET /api/v2/workspaces answers {"workspaces", "limit", "offset", "next"}
// sorted by name (limit 1 to 100, default 10); GET …/projects answers
// {"projects", …} by id (limit 0 to 100, default 10); GET …/datasets
// answers {"datasets", …} of DsInfo objects by id (limit 0 to 100, default
// 50), filtered by the comma lists id, name and status. GET
// …/datasets/{d}/dataviews answers {"dataviews": [...], "total", "limit",
// "offset"} (no "next"; limit at least 1, default 50), each dataview in the
// standard fields at sequence 0. "next" is "" on a last page, else a link
// in the form [WithNextLink] sets ([NextLinkNone] applies to export pages
// only). Other sort orders than the default are accepted and ignored.
//
// The four browse endpoints (GET /api/v2/browse, /workspaces/{w}/browse,
// …/projects/{p}/browse, …/projects/{p}/folders/{f}/browse) answer
// {"resources", "limit", "offset", "next"}, paged like the lists (limit 0
// to 100, default 10). Resources are workspaces, projects (type
// "project"), folders ("label"), datasets ("datasource") and dataviews
// ("dataview"): the root lists workspaces, a workspace its projects, a
// project or folder its folders and datasets directly inside it (not the
// folder itself), by id. At level=2 (the default) each resource carries
// its complete "children" (a dataset's are its dataviews), without theirs;
// level=1 leaves them out. name, browse_type and ids filter the resources;
// include_hidden and permissions are checked as booleans.
//
// GET P answers the DataviewInfo of the dataview, its columns in
// "metadata" as {"display_name", "internal_name", "type", "order"} at the
// step "sequence" asks (default 0, the source's; beyond the last step is
// 400). "fields" takes __min, __standard (the default), __full (adding
// draft_mode, is_pipeline_running, pipeline_autorun_enabled,
// pipeline_status and taskwise_info, keyed "1" to the last task's sequence,
// each {"sequence", "metadata"}) and field names. While
// [Server.AnswerDataviewWithJobs] says so it answers 202 {"job": {...}}
// instead, with a job ("get_dataview_info") that succeeds when polled.
//
// GET …/projects/{p}/workflows/workspace-exports answers a bare array of
// every export of the project's dataviews, all fields, by dataview id and
// then export id.
//
// An unknown workspace, project, folder, dataset or dataview is 404 on
// these routes too (where the API's schema declares 400 or 403 for some of
// them: the API's own clients have seen 404s from folder browses).
//
// # Export conditions
//
// An export's condition is checked when the export is added or its params
// replaced, against the columns its dataview's pipeline ends with
// ([Server.SetColumns]). It is a 400 with the API's error body, "extra"
// holding one problem with key "condition", when the fake cannot read it,
// when it names a column that is not an internal name of the dataview
// (display names are refused: the API's own SDKs send internal names), when
// an operator does not fit the column's type (a range on TEXT; a date
// function, component or truncation on anything but DATE; a text operator
// on anything but TEXT; EQ or NE with a value on TEXT, which the API
// refuses as a type mismatch), or when a value is not a number for a
// NUMERIC column or a date for a DATE one.
//
// An S3 export's file then holds the header and only the rows its
// condition selects, as it was when the run's link was made; cells are
// found by the header's display names and each row keeps its bytes. Empty
// cells are null, as in SQL: a comparison with one is neither true nor
// false, so that neither "x = 1" nor "not x = 1" selects it. Numbers
// compare as numbers, dates (2006-01-02, with an optional time) as times,
// text as text, without case when the condition ignores case. TODAY and
// SYSTEM_DATE are the server's date ([WithClock]), NOW and SYSTEM_TIME
// its time, MAX and MIN the column's latest and earliest dates;
// day_of_week counts from Monday = 1 and week is the ISO week. With a
// condition, a generated file ([Server.SetCSVGenerator]) is read in full
// before it is filtered.
//
// # Outside Go tests
//
// [WithListener] puts the API on an address of your choosing, so that
// other processes, in any language, can find the fake: the command
// "mammoth fake-server" (in cmd/mammoth) runs one until stopped and prints
// its URL and credentials, with flags for the address, credentials,
// dataviews, seeded exports, CSV content and job duration.
package mammothtest
