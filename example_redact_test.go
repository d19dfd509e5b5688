package mammoth_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/mammoth-io/mammoth-go"
)

// Secrets print redacted however they are nested; WireJSON writes what the
// API receives.
func ExampleWireJSON() {
	spec := mammoth.AddExportSpec{
		DataviewID:  2311,
		HandlerType: mammoth.HandlerTypePostgres, // the properties take their handler from the spec
		TriggerType: mammoth.TriggerTypeNone,
		TargetProperties: mammoth.DatabaseTargetProperties{
			Host: "db.example.com", Username: "loader", Password: "hunter2", Database: "analytics", Table: "sales",
		},
		AdditionalProperties: map[string]any{"options": map[string]string{"sslKey": "-----BEGIN KEY-----"}},
	}

	logged, _ := json.Marshal([]mammoth.AddExportSpec{spec})
	fmt.Printf("json.Marshal: %s\n", logged)
	fmt.Printf("fmt: %v\n", spec.TargetProperties)

	wire, _ := mammoth.WireJSON(spec)
	fmt.Printf("WireJSON: %s\n", wire)
	// Output:
	// json.Marshal: [{"DATAVIEW_ID":2311,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,"handler_type":"postgres","trigger_type":"none","target_properties":{"host":"db.example.com","port":5432,"username":"loader","password":"[REDACTED]","database":"analytics","table":"sales"},"additional_properties":{"options":{"sslKey":"[REDACTED]"}},"condition":{},"run_immediately":false,"validate_only":false}]
	// fmt: { db.example.com 0 loader [REDACTED] analytics sales}
	// WireJSON: {"DATAVIEW_ID":2311,"sequence":null,"TRIGGER_ID":null,"end_of_pipeline":true,"handler_type":"postgres","trigger_type":"none","target_properties":{"host":"db.example.com","port":5432,"username":"loader","password":"hunter2","database":"analytics","table":"sales"},"additional_properties":{"options":{"sslKey":"-----BEGIN KEY-----"}},"condition":{},"run_immediately":false,"validate_only":false}
}

// Keys are judged by pattern, in any spelling and at any depth.
func ExampleRedactedTargetProperties() {
	raw := mammoth.RawTargetProperties{
		"host":                  "files.example.com",
		"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI",
		"connection": map[string]any{
			"sasToken":   "sv=2024&sig=abc",
			"token_type": "Bearer",
		},
		"headers": []any{map[string]any{"name": "X-Api-Key", "value": "k-123"}},
	}
	out, _ := json.Marshal(mammoth.RedactedTargetProperties(raw))
	fmt.Println(string(out))

	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{
		ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{} // keep the output stable
			}
			return a
		},
	}))
	logger.Info("exports", "targets", []mammoth.TargetProperties{raw})
	// Output:
	// {"AWS_SECRET_ACCESS_KEY":"[REDACTED]","connection":{"sasToken":"[REDACTED]","token_type":"Bearer"},"headers":[{"name":"X-Api-Key","value":"[REDACTED]"}],"host":"files.example.com"}
	// {"level":"INFO","msg":"exports","targets":[{"AWS_SECRET_ACCESS_KEY":"[REDACTED]","connection":{"sasToken":"[REDACTED]","token_type":"Bearer"},"headers":[{"name":"X-Api-Key","value":"[REDACTED]"}],"host":"files.example.com"}]}
}
