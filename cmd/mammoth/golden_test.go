package main

import "testing"

// TestGolden runs each command against a fresh fake API and compares its
// exit status, stdout and stderr with testdata/<name>.golden.
func TestGolden(t *testing.T) {
	t.Parallel()
	const wait = " --wait --poll-interval 1ms"
	cases := []struct {
		name    string
		cmdline string
		before  []string // command lines run first, their output unchecked
		stdin   string
		setup   func(h *harness)
		env     map[string]string // changes to the harness's environment
	}{
		{name: "exports_list", cmdline: "exports list"},
		{name: "exports_list_json", cmdline: "--output json exports list"},
		{name: "exports_list_jsonl", cmdline: "exports list --output jsonl"},
		{name: "exports_list_page", cmdline: "exports list --limit 2 --offset 1"},
		{name: "exports_list_page_json", cmdline: "exports list --limit 2 --output json"},
		{name: "exports_list_all", cmdline: "exports list --all --limit 3"},
		{name: "exports_list_all_jsonl", cmdline: "exports list --all --limit 3 --output jsonl"},
		{name: "exports_list_filtered", cmdline: "exports list --runnable --handler-type s3 --fields __min"},
		{name: "exports_list_sorted", cmdline: "exports list --sort (id:desc) --reordered=false --end-of-pipeline"},
		{name: "exports_list_bad_status", cmdline: "exports list --status finished"},
		{name: "exports_list_flags_override_env", cmdline: "exports list --dataview 77 --dataset 0"},
		{name: "exports_get", cmdline: "exports get 102"},
		{name: "exports_get_json", cmdline: "exports get 104 --output json --fields __full"},
		{name: "exports_get_not_found", cmdline: "exports get 999"},
		{name: "exports_get_not_found_json", cmdline: "--output json exports get 999"},
		{name: "exports_add", cmdline: "exports add --spec testdata/spec_s3.json"},
		{name: "exports_add_stdin_wait", cmdline: "exports add --spec -" + wait + " --output json",
			stdin: `{"handler_type": "email", "trigger_type": "none", "run_immediately": false, "target_properties": {"emails": ["a@example.com"]}}`},
		{name: "exports_add_bad_spec", cmdline: "exports add --spec -", stdin: `{"handler_type": `},
		{name: "exports_add_unknown_key", cmdline: "exports add --spec -",
			stdin: "{\n  \"handler_type\": \"s3\",\n  \"trigger_type\": \"none\",\n  \"run_immediatly\": true,\n  \"target_properties\": {\"file\": \"x.csv\"}\n}\n"},
		{name: "exports_add_key_case", cmdline: "exports add --spec -", stdin: `{"Handler_Type": "s3", "trigger_type": "none", "run_immediately": true}`},
		{name: "exports_add_key_twice", cmdline: "exports add --spec -", stdin: `{"handler_type": "s3", "handler_type": "email"}`},
		{name: "exports_add_wrong_type", cmdline: "exports add --spec -", stdin: "{\n  \"handler_type\": \"s3\",\n  \"run_immediately\": \"yes\"\n}"},
		{name: "exports_add_syntax_error", cmdline: "exports add --spec -", stdin: "{\n  \"handler_type\": \"s3\",\n  \"trigger_type\" \"none\"\n}"},
		{name: "exports_add_not_an_object", cmdline: "exports add --spec -", stdin: `["s3"]`},
		{name: "exports_add_trailing_text", cmdline: "exports add --spec -", stdin: `{"handler_type": "s3"} {"handler_type": "email"}`},
		{name: "exports_add_empty_spec", cmdline: "exports add --spec -", stdin: " \n"},
		{name: "exports_add_missing_spec", cmdline: "exports add"},
		{name: "exports_add_refused", cmdline: "exports add --spec -", stdin: `{"handler_type": "s3", "trigger_type": "sometimes", "target_properties": {"file": "x.csv"}}`},
		{name: "exports_create_s3", cmdline: "exports create-s3 --file monthly.csv --trigger-type pipeline"},
		{name: "exports_create_s3_wait", cmdline: "exports create-s3 --file monthly.csv" + wait},
		{name: "exports_create_s3_no_file", cmdline: "exports create-s3"},
		{name: "exports_create_dataset_wait", cmdline: "exports create-dataset --name Sales_copy --column-mapping {\"revenue\":\"amount\"}" + wait + " --output json"},
		{name: "exports_run", cmdline: "exports run 101"},
		{name: "exports_run_wait", cmdline: "exports run 101" + wait},
		{name: "exports_run_job_failed", cmdline: "exports run 101" + wait,
			setup: func(h *harness) { h.srv.FailJobs("the bucket is not writable") }},
		{name: "exports_run_suspended", cmdline: "exports run 102"},
		{name: "exports_suspend", cmdline: "exports suspend 101"},
		{name: "exports_restore", cmdline: "exports restore 102 --output json"},
		{name: "exports_delete", cmdline: "exports delete 103 --yes"},
		{name: "exports_delete_needs_yes", cmdline: "exports delete 103"},
		{name: "exports_download_csv", cmdline: "exports download-csv --poll-interval 1ms"},
		{name: "jobs_get", cmdline: "jobs get 5001", before: []string{"exports run 101"}},
		{name: "jobs_get_json", cmdline: "jobs get 5001 --output json", before: []string{"exports run 104"}},
		{name: "jobs_get_not_found", cmdline: "jobs get 5009"},
		{name: "jobs_wait", cmdline: "jobs wait 5001 --poll-interval 1ms", before: []string{"exports run 101"}},
		{name: "usage_none", cmdline: ""},
		{name: "usage_unknown_command", cmdline: "export list"},
		{name: "usage_unknown_subcommand", cmdline: "jobs list"},
		{name: "usage_missing_subcommand", cmdline: "exports"},
		{name: "usage_unknown_flag", cmdline: "exports list --colour"},
		{name: "usage_bad_output", cmdline: "--output yaml exports list"},
		{name: "usage_missing_id", cmdline: "exports get"},
		{name: "usage_bad_id", cmdline: "exports get one"},
		{name: "usage_extra_arg", cmdline: "exports get 101 102"},
		{name: "usage_limit_out_of_range", cmdline: "exports list --limit 500"},
		{name: "usage_bad_bool", cmdline: "exports list --runnable=maybe"},
		{name: "usage_bool_value_apart", cmdline: "exports list --runnable maybe"},
		{name: "usage_bool_value_apart_false", cmdline: "exports get 101 --demo false"},
		{name: "usage_negative_id", cmdline: "exports get -5"},
		{name: "usage_zero_id", cmdline: "jobs wait 0"},
		{name: "usage_negative_flag_value", cmdline: "exports list --offset -5"},
		{name: "usage_bad_timeout", cmdline: "--timeout 1x exports get 101"},
		{name: "usage_negative_timeout", cmdline: "exports get 101 --timeout -1s"},
		{name: "usage_bad_poll_interval", cmdline: "jobs wait 5001 --poll-interval soon"},
		{name: "usage_flag_before_subcommand", cmdline: "exports --demo list"},
		{name: "usage_flag_before_unknown_subcommand", cmdline: "jobs --output json"},
		{name: "usage_bad_file_type", cmdline: "exports create-s3 --file x.xml --file-type xml"},
		{name: "usage_bad_mode", cmdline: "exports create-dataset --target-dataset 9001 --mode merge"},
		{name: "usage_bad_trigger_type", cmdline: "exports create-s3 --file x.csv --trigger-type hourly"},
		{name: "usage_missing_ids", cmdline: "exports list", env: map[string]string{"MAMMOTH_PROJECT_ID": "", "MAMMOTH_DATAVIEW_ID": ""}},
		{name: "usage_bad_env_id", cmdline: "exports list", env: map[string]string{"MAMMOTH_WORKSPACE_ID": "four"}},
		{name: "auth_no_credentials", cmdline: "exports list", env: map[string]string{"MAMMOTH_API_SECRET": ""}},
		{name: "auth_refused", cmdline: "exports list", env: map[string]string{"MAMMOTH_API_SECRET": "wrong-secret"}},
		{name: "auth_refused_json", cmdline: "exports list --output json", env: map[string]string{"MAMMOTH_API_KEY": "wrong-key"}},
		{name: "auth_bad_base_url", cmdline: "exports list", env: map[string]string{"MAMMOTH_BASE_URL": "http://api.example.com"}},
		{name: "version", cmdline: "--version"},
		{name: "help", cmdline: "--help"},
		{name: "help_group", cmdline: "help exports"},
		{name: "help_command", cmdline: "help exports list"},
		{name: "help_add", cmdline: "exports add --help"},
		{name: "help_unknown", cmdline: "help nothing"},
		{name: "help_fake_server", cmdline: "fake-server --help"},
		{name: "help_download_csv", cmdline: "help exports download-csv"},
		{name: "completion_bash", cmdline: "completion bash"},
		{name: "completion_zsh", cmdline: "completion zsh"},
		{name: "completion_fish", cmdline: "completion fish"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			h := newHarness(t)
			if tc.setup != nil {
				tc.setup(h)
			}
			for k, v := range tc.env {
				h.env[k] = v
			}
			for _, b := range tc.before {
				h.run(b)
			}
			h.stdin = tc.stdin
			golden(t, tc.name, tc.cmdline, h.run(tc.cmdline))
		})
	}
}
