package bench

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"
	"testing"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
)

// memTransport answers in memory, as the loopback server would, with no
// network, server or goroutine switch in the way: what remains is the
// client's own work, the part where the SDK and the baseline differ.
type memTransport struct{}

func (memTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		_ = req.Body.Close()
	}
	status, body := http.StatusOK, fixedPage
	if req.Method == http.MethodPost {
		status, body = http.StatusAccepted, jobAnswer
	}
	return &http.Response{
		Status:        strconv.Itoa(status) + " " + http.StatusText(status),
		StatusCode:    status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        http.Header{"Content-Type": {"application/json"}},
		Body:          io.NopCloser(bytes.NewReader(body)),
		ContentLength: int64(len(body)),
		Request:       req,
	}, nil
}

const memBase = "http://127.0.0.1:1/api/v2"

// BenchmarkClientWork runs the sequential calls over memTransport: the
// SDK's request path against the baseline's, without the network's noise.
func BenchmarkClientWork(b *testing.B) {
	ctx := context.Background()
	sdk := newSDKClient(b, memBase, mammoth.WithHTTPClient(&http.Client{Transport: memTransport{}}))
	// http.Client.Timeout takes a slower path (a goroutine per call) on a
	// transport that is not *http.Transport; a deadline on the context is
	// what it does on the real one.
	hand := &handClient{hc: &http.Client{Transport: memTransport{}}, base: memBase}
	deadline := func() (context.Context, context.CancelFunc) { return context.WithTimeout(ctx, 30*time.Second) }
	b.Run("op=list/impl=sdk", func(b *testing.B) {
		opts := listOptions()
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdk.Exports.ListExports(ctx, ref(pageDataview), opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=list/impl=baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := deadline()
			if _, err := hand.listExports(ctx, pageDataview, pageSize, 0); err != nil {
				b.Fatal(err)
			}
			cancel()
		}
	})
	b.Run("op=add/impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := sdk.Exports.CreateS3Export(ctx, ref(pageDataview), &mammoth.S3ExportRequest{File: "orders.csv"}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("op=add/impl=baseline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := deadline()
			if _, err := hand.createS3Export(ctx, pageDataview, "orders.csv"); err != nil {
				b.Fatal(err)
			}
			cancel()
		}
	})
}
