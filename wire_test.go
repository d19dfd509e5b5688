package mammoth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
)

// referenceSpecJSON is how AddExportSpec was encoded before wire: target
// properties encoded on their own, null replaced by {}, nil maps by {}.
func referenceSpecJSON(s AddExportSpec) ([]byte, error) {
	w := struct {
		DataviewID           int             `json:"DATAVIEW_ID"`
		Sequence             *int            `json:"sequence"`
		TriggerID            *int            `json:"TRIGGER_ID"`
		EndOfPipeline        bool            `json:"end_of_pipeline"`
		HandlerType          HandlerType     `json:"handler_type"`
		TriggerType          TriggerType     `json:"trigger_type"`
		TargetProperties     json.RawMessage `json:"target_properties"`
		AdditionalProperties map[string]any  `json:"additional_properties"`
		Condition            map[string]any  `json:"condition"`
		RunImmediately       bool            `json:"run_immediately"`
		ValidateOnly         bool            `json:"validate_only"`
	}{
		DataviewID: s.DataviewID, Sequence: s.Sequence, TriggerID: s.TriggerID,
		EndOfPipeline: s.EndOfPipeline == nil || *s.EndOfPipeline,
		HandlerType:   s.HandlerType, TriggerType: s.TriggerType,
		TargetProperties:     json.RawMessage("{}"),
		AdditionalProperties: s.AdditionalProperties, Condition: s.Condition,
		RunImmediately: s.RunImmediately, ValidateOnly: s.ValidateOnly,
	}
	if !isNil(s.TargetProperties) {
		b, err := WireJSON(s.TargetProperties)
		if err != nil {
			return nil, err
		}
		if !bytes.Equal(b, []byte("null")) {
			w.TargetProperties = b
		}
	}
	if w.AdditionalProperties == nil {
		w.AdditionalProperties = map[string]any{}
	}
	if w.Condition == nil {
		w.Condition = map[string]any{}
	}
	return json.Marshal(w)
}

// nullTarget is a caller's own target properties type that encodes as null.
type nullTarget struct{}

func (nullTarget) HandlerType() HandlerType     { return "" }
func (nullTarget) Validate() error              { return nil }
func (nullTarget) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

// failingTarget cannot be encoded.
type failingTarget struct{}

func (failingTarget) HandlerType() HandlerType     { return "" }
func (failingTarget) Validate() error              { return nil }
func (failingTarget) MarshalJSON() ([]byte, error) { return nil, errors.New("no") }

// pointerTarget is a caller's type used through a pointer.
type pointerTarget struct {
	Table string `json:"table"`
}

func (*pointerTarget) HandlerType() HandlerType { return "" }
func (*pointerTarget) Validate() error          { return nil }

func TestAddExportSpecWire_SameBytesAsBefore(t *testing.T) {
	targets := []TargetProperties{
		nil,
		RawTargetProperties(nil),
		RawTargetProperties{},
		RawTargetProperties{"file": "a<b>&c.csv", "nested": map[string]any{"z": 1, "a": []any{true, nil}}},
		S3TargetProperties{},
		S3TargetProperties{File: "orders.csv", FileType: ExportFileTypeCSV, IncludeHidden: Ptr(false), UseFormat: Ptr(true)},
		InternalDatasetTargetProperties{},
		InternalDatasetTargetProperties{DatasetName: "Orders", TargetDatasetID: Ptr(7), ColumnMapping: map[string]string{"A": "a"}},
		DatabaseTargetProperties{},
		FTPTargetProperties{},
		SFTPTargetProperties{},
		EmailTargetProperties{},
		ElasticsearchTargetProperties{},
		BigQueryTargetProperties{},
		AzureBlobTargetProperties{},
		SharePointTargetProperties{},
		OneDriveTargetProperties{},
		TableauServerTargetProperties{},
		PowerBITargetProperties{},
		RESTAPITargetProperties{},
		PublishDBTargetProperties{},
		nullTarget{},
		(*pointerTarget)(nil),
		&pointerTarget{Table: "t"},
	}
	maps := []map[string]any{nil, {}, {"AND": []any{map[string]any{"column_3": map[string]any{"GTE": map[string]any{"VALUE": 1000}}}}}}
	for i, tp := range targets {
		for j, m := range maps {
			for _, eop := range []*bool{nil, Ptr(false), Ptr(true)} {
				spec := AddExportSpec{
					DataviewID: 4, Sequence: Ptr(i), TriggerID: nil, EndOfPipeline: eop,
					HandlerType: HandlerTypeS3, TriggerType: TriggerTypePipeline, TargetProperties: tp,
					AdditionalProperties: m, Condition: maps[(j+1)%len(maps)],
					RunImmediately: i%2 == 0, ValidateOnly: j == 1,
				}
				name := fmt.Sprintf("target %d (%T), maps %d", i, tp, j)
				want, err := referenceSpecJSON(spec)
				if err != nil {
					t.Fatalf("%s: reference: %v", name, err)
				}
				viaMarshal, err := WireJSON(spec)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				viaWire, err := json.Marshal(spec.wire())
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !bytes.Equal(viaMarshal, want) || !bytes.Equal(viaWire, want) {
					t.Fatalf("%s:\nWireJSON: %s\nwire:     %s\nwant:     %s", name, viaMarshal, viaWire, want)
				}
			}
		}
	}
}

func TestAddExportSpecWire_TargetEncodingErrorIsReported(t *testing.T) {
	spec := AddExportSpec{HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone, TargetProperties: failingTarget{}}
	if _, err := json.Marshal(spec.wire()); err == nil {
		t.Fatal("no error")
	}
	if _, err := json.Marshal(spec); err == nil {
		t.Fatal("no error from MarshalJSON")
	}
}

// referenceSpec encodes through referenceSpecJSON, as a request body did
// before wire: a json.Marshaler whose output encoding/json compacts again.
type referenceSpec struct{ AddExportSpec }

func (r referenceSpec) MarshalJSON() ([]byte, error) { return referenceSpecJSON(r.AddExportSpec) }

// BenchmarkAddExportSpecEncode encodes the body of a CreateS3Export.
func BenchmarkAddExportSpecEncode(b *testing.B) {
	spec := AddExportSpec{
		DataviewID: 4, HandlerType: HandlerTypeS3, TriggerType: TriggerTypeNone, RunImmediately: true,
		TargetProperties: S3TargetProperties{
			File: "orders.csv", FileType: ExportFileTypeCSV,
			IncludeHidden: Ptr(false), IsFormatSet: Ptr(true), UseFormat: Ptr(true),
		},
	}
	for _, bc := range []struct {
		impl string
		body func() any
	}{
		{"before", func() any { return &referenceSpec{spec} }},
		{"wire", func() any { return spec.wire() }},
	} {
		b.Run("impl="+bc.impl, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(bc.body()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
