package main

import (
	"time"

	"github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// demoRef is the dataview --demo works on when no ids are given.
var demoRef = mammoth.DataviewRef{WorkspaceID: 4, ProjectID: 4, DatasetID: 121, DataviewID: 2311}

// demoCSV is the dataview's data in the demo.
const demoCSV = "region,month,orders,revenue\n" +
	"north,2025-09,412,18230.50\n" +
	"south,2025-09,388,16904.00\n" +
	"east,2025-09,297,12877.25\n" +
	"west,2025-09,455,20112.75\n"

// startDemo starts an in-process fake of the API with sample exports.
// Each run starts afresh: changes do not carry over to the next command.
func startDemo(now func() time.Time) *mammothtest.Server {
	srv := mammothtest.NewServer(mammothtest.WithClock(now), mammothtest.WithJobPolls(1))
	seedDemo(srv)
	return srv
}

// seedDemo puts the sample exports and CSV into srv's demo dataview.
func seedDemo(srv *mammothtest.Server) {
	at := func(s string) *mammoth.Timestamp {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return &mammoth.Timestamp{Time: t}
	}
	yes, no := mammoth.Ptr(true), mammoth.Ptr(false)
	srv.SeedExports(demoRef,
		mammoth.ItemExportInfo{
			Sequence: mammoth.Ptr(0), HandlerType: mammoth.HandlerTypeS3, TriggerType: mammoth.TriggerTypePipeline,
			EndOfPipeline: yes, Status: mammoth.ExportStatusExecuted, Runnable: yes, Reordered: no,
			TargetProperties: mammoth.RawTargetProperties{"file": "daily_sales.csv", "file_type": "csv", "include_hidden": false, "use_format": true},
			LastModifiedTime: at("2025-10-19T14:17:07Z"), ExecutionStartTime: at("2025-10-20T06:00:00Z"), ExecutionEndTime: at("2025-10-20T06:00:41Z"),
			LastRunResult: map[string]any{"status": "success"},
		},
		mammoth.ItemExportInfo{
			Sequence: mammoth.Ptr(1), HandlerType: mammoth.HandlerTypePostgres, TriggerType: mammoth.TriggerTypeSchedule,
			EndOfPipeline: yes, Status: mammoth.ExportStatusSuspended, Runnable: no, Reordered: no,
			TargetProperties: mammoth.RawTargetProperties{"host": "db.example.com", "port": 5432, "username": "reporting",
				"password": "demo-password", "database": "analytics", "table": "sales_summary"},
			LastModifiedTime: at("2025-10-02T09:41:12Z"),
		},
		mammoth.ItemExportInfo{
			Sequence: mammoth.Ptr(2), HandlerType: mammoth.HandlerTypeInternalDataset, TriggerType: mammoth.TriggerTypePipeline,
			EndOfPipeline: yes, Status: mammoth.ExportStatusAdded, Runnable: yes, Reordered: no,
			TargetProperties: mammoth.RawTargetProperties{"DS_NAME": "Sales by region", "TARGET_DS_ID": nil, "COLUMN_MAPPING": map[string]any{}},
			LastModifiedTime: at("2025-10-21T16:05:00Z"),
		},
		mammoth.ItemExportInfo{
			Sequence: mammoth.Ptr(3), HandlerType: mammoth.HandlerTypeEmail, TriggerType: mammoth.TriggerTypeNone,
			EndOfPipeline: yes, Status: mammoth.ExportStatusEdited, Runnable: yes, Reordered: yes,
			TargetProperties: mammoth.RawTargetProperties{"emails": []any{"ops@example.com", "finance@example.com"}, "subject": "Weekly sales"},
			LastModifiedTime: at("2025-10-22T08:30:00Z"),
			ErrorInfo:        map[string]any{"error": "mailbox finance@example.com is full"},
		},
	)
	srv.SetCSV(demoRef, []byte(demoCSV))
	seedDemoTree(srv)
}
