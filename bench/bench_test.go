package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"runtime"
	"sync"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
)

func ref(dataview int) mammoth.DataviewRef {
	return mammoth.DataviewRef{WorkspaceID: workspaceID, ProjectID: projectID, DatasetID: datasetID, DataviewID: dataview}
}

func newSDKClient(tb testing.TB, base string, opts ...mammoth.Option) *mammoth.Client {
	tb.Helper()
	c, err := mammoth.NewClient(apiKey, apiSecret, append([]mammoth.Option{mammoth.WithBaseURL(base)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// listOptions asks for full pages, as a caller walking a pipeline would.
func listOptions() *mammoth.ListExportsOptions {
	return &mammoth.ListExportsOptions{Limit: mammoth.Ptr(pageSize)}
}

// BenchmarkListExports fetches and decodes one page of 100 exports.
func BenchmarkListExports(b *testing.B) {
	srv := newServer(b)
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		c := newSDKClient(b, srv.baseURL())
		opts := listOptions()
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			page, err := c.Exports.ListExports(ctx, ref(pageDataview), opts)
			if err != nil || len(page.Exports) != pageSize {
				b.Fatal(page, err)
			}
		}
		cpu.report(b)
	})
	b.Run("impl=baseline", func(b *testing.B) {
		c := newHandClient(srv.baseURL())
		defer c.close()
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			page, err := c.listExports(ctx, pageDataview, pageSize, 0)
			if err != nil || len(page.Exports) != pageSize {
				b.Fatal(page, err)
			}
		}
		cpu.report(b)
	})
}

// BenchmarkCreateS3Export adds an S3 export and reads the 202 job.
func BenchmarkCreateS3Export(b *testing.B) {
	srv := newServer(b)
	ctx := context.Background()
	const file = "orders_by_region.csv"
	b.Run("impl=sdk", func(b *testing.B) {
		c := newSDKClient(b, srv.baseURL())
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			change, err := c.Exports.CreateS3Export(ctx, ref(pageDataview), &mammoth.S3ExportRequest{File: file})
			if err != nil || change.Job == nil {
				b.Fatal(change, err)
			}
		}
		cpu.report(b)
	})
	b.Run("impl=baseline", func(b *testing.B) {
		c := newHandClient(srv.baseURL())
		defer c.close()
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			if _, err := c.createS3Export(ctx, pageDataview, file); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
}

// concurrentCallers is how many goroutines share one client in the
// concurrent benchmarks.
const concurrentCallers = 64

// parallelism is the b.SetParallelism that makes RunParallel start at least
// concurrentCallers goroutines.
func parallelism() int {
	procs := runtime.GOMAXPROCS(0)
	return (concurrentCallers + procs - 1) / procs
}

// lister returns a function that lists one page of dataview with the given
// implementation, and a function to release it.
func lister(tb testing.TB, impl string, srv *server, dataview int) (list func(context.Context) error, release func()) {
	check := func(n int, err error) error {
		if err == nil && n == 0 {
			err = fmt.Errorf("empty page")
		}
		return err
	}
	switch impl {
	case "sdk", "sdk-defaultclient":
		var opts []mammoth.Option
		if impl == "sdk-defaultclient" {
			opts = append(opts, mammoth.WithHTTPClient(http.DefaultClient))
		}
		c := newSDKClient(tb, srv.baseURL(), opts...)
		return func(ctx context.Context) error {
			page, err := c.Exports.ListExports(ctx, ref(dataview), listOptions())
			if err != nil {
				return err
			}
			return check(len(page.Exports), nil)
		}, func() {}
	case "baseline":
		c := newHandClient(srv.baseURL())
		return func(ctx context.Context) error {
			page, err := c.listExports(ctx, dataview, pageSize, 0)
			if err != nil {
				return err
			}
			return check(len(page.Exports), nil)
		}, c.close
	}
	tb.Fatalf("unknown implementation %q", impl)
	return nil, nil
}

// BenchmarkListExportsParallel has 64 goroutines list pages through one
// client. ns/op is wall time per call across all of them (the inverse of
// throughput); conns is how many TCP connections the server accepted.
// impl=sdk-defaultclient is the SDK on http.DefaultClient, whose transport
// keeps two idle connections per host.
func BenchmarkListExportsParallel(b *testing.B) {
	for _, impl := range []string{"sdk", "baseline", "sdk-defaultclient"} {
		b.Run("impl="+impl, func(b *testing.B) {
			srv := newServer(b)
			list, release := lister(b, impl, srv, pageDataview)
			defer release()
			b.SetParallelism(parallelism())
			b.ReportAllocs()
			b.ResetTimer()
			cpu := startCPU()
			b.RunParallel(func(pb *testing.PB) {
				ctx := context.Background()
				for pb.Next() {
					if err := list(ctx); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			cpu.report(b)
			b.ReportMetric(float64(srv.conns.Load()), "conns")
		})
	}
}

// heapProbe samples the live heap: each sample forces a collection, so what
// remains is what the walk still holds.
type heapProbe struct {
	base, max int64
}

func liveHeap() int64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.HeapAlloc)
}

func (p *heapProbe) start() { p.base = liveHeap() }

func (p *heapProbe) sample(b *testing.B) {
	b.StopTimer()
	p.max = max(p.max, liveHeap()-p.base)
	b.StartTimer()
}

// decodedPageSize is the live heap one decoded page of 100 exports takes.
var decodedPageSize = sync.OnceValue(func() int64 {
	before := liveHeap()
	page := new(mammoth.PipelineExportsPaginated)
	if err := json.Unmarshal(fixedPage, page); err != nil {
		panic(err)
	}
	size := liveHeap() - before
	runtime.KeepAlive(page)
	return size
})

// BenchmarkAllExports walks a pipeline of n exports in pages of 100 with the
// AllExports iterator, against collecting the same pages into one slice.
// live-B is the most the walk held on the heap at any of ten evenly spaced
// points, page-B what one decoded page takes, and live-pages their ratio.
func BenchmarkAllExports(b *testing.B) {
	srv := newServer(b)
	ctx := context.Background()
	pageB := decodedPageSize()
	for _, n := range []int{10_000, 100_000} {
		every := n / 10
		b.Run(fmt.Sprintf("n=%d/impl=sdk", n), func(b *testing.B) {
			c := newSDKClient(b, srv.baseURL())
			var probe heapProbe
			b.ReportAllocs()
			for range b.N {
				probe.start()
				seen := 0
				for exp, err := range c.Exports.AllExports(ctx, ref(n), listOptions()) {
					if err != nil {
						b.Fatal(err)
					}
					if seen%every == 0 {
						probe.sample(b)
					}
					if *exp.ID != 7000+seen {
						b.Fatalf("export %d has id %d", seen, *exp.ID)
					}
					seen++
				}
				if seen != n {
					b.Fatalf("walked %d exports, want %d", seen, n)
				}
			}
			reportHeap(b, probe.max, pageB)
		})
		b.Run(fmt.Sprintf("n=%d/impl=collect", n), func(b *testing.B) {
			c := newSDKClient(b, srv.baseURL())
			var probe heapProbe
			b.ReportAllocs()
			for range b.N {
				probe.start()
				var all []*mammoth.ItemExportInfo
				opts := listOptions()
				for {
					page, err := c.Exports.ListExports(ctx, ref(n), opts)
					if err != nil {
						b.Fatal(err)
					}
					all = append(all, page.Exports...)
					if len(all)%every == 0 {
						probe.sample(b)
					}
					if len(page.Exports) < pageSize {
						break
					}
					opts.Offset += len(page.Exports)
				}
				if len(all) != n {
					b.Fatalf("collected %d exports, want %d", len(all), n)
				}
			}
			reportHeap(b, probe.max, pageB)
		})
	}
}

func reportHeap(b *testing.B, live, page int64) {
	b.ReportMetric(float64(live), "live-B")
	b.ReportMetric(float64(page), "page-B")
	b.ReportMetric(float64(live)/float64(page), "live-pages")
}

// BenchmarkDecodePage decodes the bytes of one page of 100 exports, without
// any HTTP: the cost of the SDK's types (Timestamp, enums, maps) against
// plain structs.
func BenchmarkDecodePage(b *testing.B) {
	b.Run("impl=sdk", func(b *testing.B) {
		b.SetBytes(int64(len(fixedPage)))
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			var page mammoth.PipelineExportsPaginated
			if err := json.Unmarshal(fixedPage, &page); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
	b.Run("impl=baseline", func(b *testing.B) {
		b.SetBytes(int64(len(fixedPage)))
		b.ReportAllocs()
		cpu := startCPU()
		for b.Loop() {
			var page handPage
			if err := json.Unmarshal(fixedPage, &page); err != nil {
				b.Fatal(err)
			}
		}
		cpu.report(b)
	})
}

// BenchmarkTimestamp decodes one time in the API's zone-less form.
func BenchmarkTimestamp(b *testing.B) {
	in := []byte(`"2025-10-19T14:17:07.810308"`)
	b.Run("impl=sdk", func(b *testing.B) {
		b.ReportAllocs()
		var t mammoth.Timestamp
		for b.Loop() {
			if err := t.UnmarshalJSON(in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("impl=baseline", func(b *testing.B) {
		b.ReportAllocs()
		var t handTime
		for b.Loop() {
			if err := t.UnmarshalJSON(in); err != nil {
				b.Fatal(err)
			}
		}
	})
}
