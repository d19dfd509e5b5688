package mammothtest_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"testing"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
	"github.com/stretchr/testify/require"
)

// seed100k fills the test dataview with 100,000 exports of mixed kinds.
func seed100k(tb testing.TB, s *mammothtest.Server) {
	tb.Helper()
	exps := make([]mammoth.ItemExportInfo, 100_000)
	for i := range exps {
		exps[i] = mammoth.ItemExportInfo{
			Sequence:         mammoth.Ptr(i % 10),
			HandlerType:      mammoth.HandlerTypeS3,
			TriggerType:      mammoth.TriggerTypePipeline,
			Runnable:         mammoth.Ptr(i%2 == 0),
			TargetProperties: mammoth.RawTargetProperties{"file": "f.csv"},
		}
		if i%100 == 0 {
			exps[i].HandlerType = mammoth.HandlerTypePostgres
		}
	}
	require.Len(tb, s.SeedExports(testRef, exps...), len(exps))
}

func BenchmarkSeedExports100k(b *testing.B) {
	for b.Loop() {
		s := mammothtest.NewServer()
		seed100k(b, s)
		s.Close()
	}
}

func BenchmarkListExports100k(b *testing.B) {
	s := newServer(b, mammothtest.WithRequestLogSize(0))
	seed100k(b, s)
	client := &http.Client{}
	queries := []struct{ name, query string }{
		{"first page", "limit=100"},
		{"deep page", "limit=100&offset=99900"},
		{"filtered", "limit=100&handler_type=postgres&runnable=true"},
		{"sorted", "limit=100&offset=5000&sort=" + url.QueryEscape("(sequence:desc),(id:asc)")},
	}
	for _, q := range queries {
		b.Run(q.name, func(b *testing.B) {
			req, err := http.NewRequest("GET", s.URL()+dvPath(testRef)+exportsSuffix+"?"+q.query, nil)
			require.NoError(b, err)
			req.Header.Set("X-API-KEY", s.APIKey())
			req.Header.Set("X-API-SECRET", s.APISecret())
			for b.Loop() {
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatal(err, resp.StatusCode)
				}
				_, _ = readAll(resp)
			}
		})
	}
}

func BenchmarkAllExports100kSDK(b *testing.B) {
	s := newServer(b, mammothtest.WithRequestLogSize(0))
	seed100k(b, s)
	c := newClient(b, s)
	for b.Loop() {
		n := 0
		for _, err := range c.Exports.AllExports(context.Background(), testRef, &mammoth.ListExportsOptions{Limit: mammoth.Ptr(100), Fields: mammoth.FieldsMin}) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != 100_000 {
			b.Fatal("walked", n)
		}
	}
}

func TestSeed100kAndWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 exports")
	}
	t.Parallel()
	s := newServer(t, mammothtest.WithRequestLogSize(0))
	seed100k(t, s)
	c := newClient(t, s)
	n := 0
	for e, err := range c.Exports.AllExports(context.Background(), testRef, &mammoth.ListExportsOptions{Limit: mammoth.Ptr(100), HandlerType: mammoth.HandlerTypePostgres}) {
		require.NoError(t, err)
		require.Equal(t, mammoth.HandlerTypePostgres, e.HandlerType)
		n++
	}
	require.Equal(t, 1000, n)
	require.Len(t, s.Exports(testRef), 100_000)
}

func readAll(resp *http.Response) (int64, error) {
	defer resp.Body.Close()
	return io.Copy(io.Discard, resp.Body)
}
