package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// wireRequest is what a client put on the wire.
type wireRequest struct {
	Method, URI string
	Header      http.Header
	Body        string
}

// recorder answers like server and keeps the last request it saw.
func recorder(t *testing.T) (*httptest.Server, *wireRequest) {
	t.Helper()
	var last wireRequest
	inner := &server{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		last = wireRequest{Method: r.Method, URI: r.RequestURI, Header: r.Header.Clone(), Body: string(body)}
		inner.serve(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, &last
}

// TestBaselineDoesTheSameWork checks that the SDK and the baseline send the
// same requests, byte for byte, so that the benchmarks compare like with
// like.
func TestBaselineDoesTheSameWork(t *testing.T) {
	srv, last := recorder(t)
	base := srv.URL + "/api/v2"
	sdk := newSDKClient(t, base)
	hand := newHandClient(base)
	defer hand.close()
	ctx := context.Background()

	calls := []struct {
		name      string
		sdk, hand func() error
	}{
		{"list", func() error {
			_, err := sdk.Exports.ListExports(ctx, ref(pageDataview), listOptions())
			return err
		}, func() error {
			_, err := hand.listExports(ctx, pageDataview, pageSize, 0)
			return err
		}},
		{"add", func() error {
			_, err := sdk.Exports.CreateS3Export(ctx, ref(pageDataview), &mammoth.S3ExportRequest{File: "orders.csv"})
			return err
		}, func() error {
			_, err := hand.createS3Export(ctx, pageDataview, "orders.csv")
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.sdk(); err != nil {
				t.Fatal(err)
			}
			fromSDK := *last
			if err := c.hand(); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(fromSDK, *last) {
				t.Errorf("requests differ:\nsdk:      %+v\nbaseline: %+v", fromSDK, *last)
			}
		})
	}
}

// TestFixtureFillsEveryField checks that the benchmark page has all 19
// fields of every export filled, and that the SDK and the baseline read the
// same values from it.
func TestFixtureFillsEveryField(t *testing.T) {
	var sdkPage mammoth.PipelineExportsPaginated
	if err := json.Unmarshal(fixedPage, &sdkPage); err != nil {
		t.Fatal(err)
	}
	var handPage handPage
	if err := json.Unmarshal(fixedPage, &handPage); err != nil {
		t.Fatal(err)
	}
	if len(sdkPage.Exports) != pageSize || len(handPage.Exports) != pageSize {
		t.Fatalf("got %d and %d exports, want %d", len(sdkPage.Exports), len(handPage.Exports), pageSize)
	}
	for i, e := range sdkPage.Exports {
		v := reflect.ValueOf(*e)
		for f := range v.NumField() {
			if v.Field(f).IsZero() {
				t.Fatalf("export %d: %s is not filled", i, v.Type().Field(f).Name)
			}
		}
		h := handPage.Exports[i]
		same := *e.ID == *h.ID && string(e.Status) == h.Status && string(e.HandlerType) == h.HandlerType &&
			e.LastModifiedTime.Equal(h.LastModifiedTime.Time) &&
			e.ExecutionEndTime.Equal(h.ExecutionEndTime.Time) &&
			reflect.DeepEqual(map[string]any(e.TargetProperties), h.TargetProperties) &&
			reflect.DeepEqual(e.Condition, h.Condition)
		if !same {
			t.Fatalf("export %d decodes differently:\nsdk:      %+v\nbaseline: %+v", i, e, h)
		}
	}
	if got := sdkPage.Exports[0].ExecutionStartTime.Time; !got.Equal(time.Date(2025, 10, 19, 14, 17, 7, 810308000, time.UTC)) {
		t.Errorf("first start time %v", got)
	}
}
