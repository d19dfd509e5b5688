package mammoth

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestJobTriggerID_ReadsTheResponsesTriggerID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		response string
		want     int
		ok       bool
	}{
		{"s3 success", `{"url":"https://files/x.csv","trigger_id":101}`, 101, true},
		{"decimal string", `{"trigger_id":"77"}`, 77, true},
		{"absent", `{"url":"https://files/x.csv"}`, 0, false},
		{"empty response", ``, 0, false},
		{"null response", `null`, 0, false},
		{"array response", `[{"trigger_id":5}]`, 0, false},
		{"null id", `{"trigger_id":null}`, 0, false},
		{"zero", `{"trigger_id":0}`, 0, false},
		{"negative", `{"trigger_id":-4}`, 0, false},
		{"fraction", `{"trigger_id":1.5}`, 0, false},
		{"not a number", `{"trigger_id":"abc"}`, 0, false},
		{"object", `{"trigger_id":{"id":3}}`, 0, false},
		{"beyond int", `{"trigger_id":99999999999999999999999}`, 0, false},
		{"nested only", `{"response":{"trigger_id":9}}`, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, ok := (&Job{ID: 1, Status: JobStatusSuccess, Response: json.RawMessage(tt.response)}).TriggerID()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, id)
		})
	}
	id, ok := (*Job)(nil).TriggerID()
	assert.False(t, ok)
	assert.Zero(t, id)
}

func TestExportChangeExportID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		change *ExportChange
		want   int
		ok     bool
	}{
		{"nil", nil, 0, false},
		{"neither", &ExportChange{}, 0, false},
		{"modification", &ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 12, Status: ExportStatusAdded}}, 12, true},
		{"not added: trigger_id 0", &ExportChange{Modification: &PipelineExportsModificationResp{TriggerID: 0}}, 0, false},
		{"processing job", &ExportChange{Job: &Job{ID: 5001, Status: JobStatusProcessing, Response: json.RawMessage(`{}`)}}, 0, false},
		{"job that names it", &ExportChange{Job: &Job{ID: 5001, Status: JobStatusSuccess, Response: json.RawMessage(`{"trigger_id":33}`)}}, 33, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			id, ok := tt.change.ExportID()
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, id)
		})
	}
}
