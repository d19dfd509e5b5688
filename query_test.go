package mammoth

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-querystring/query"
)

// querystringEncode is how ListExportsOptions were encoded before encode:
// the reference its output must match.
func querystringEncode(t *testing.T, o *ListExportsOptions) string {
	t.Helper()
	if o == nil {
		return ""
	}
	v, err := query.Values(o)
	if err != nil {
		t.Fatal(err)
	}
	return v.Encode()
}

func TestListExportsOptionsEncode_MatchesQuerystring(t *testing.T) {
	var (
		strs    = []string{"", "__full", "id,status", "(id:asc),(last_modified_time:desc)", "a b&c=d/é+%"}
		ints    = []*int{nil, Ptr(0), Ptr(1), Ptr(100), Ptr(-3), Ptr(123456789)}
		offsets = []int{0, 1, 50, 99999}
		bools   = []*bool{nil, Ptr(false), Ptr(true)}
		stats   = []ExportStatus{"", ExportStatusExecuted, "not yet known"}
		hands   = []HandlerType{"", HandlerTypeS3, HandlerTypeGenericRESTAPIExport, "x&y"}
	)
	check := func(o *ListExportsOptions) {
		t.Helper()
		if got, want := o.encode(), querystringEncode(t, o); got != want {
			t.Fatalf("%+v:\nencode:        %q\ngo-querystring: %q", o, got, want)
		}
	}
	check(nil)
	check(&ListExportsOptions{})
	// Every field alone, with every value.
	for _, s := range strs {
		check(&ListExportsOptions{Fields: s})
		check(&ListExportsOptions{Sort: s})
	}
	for _, n := range ints {
		check(&ListExportsOptions{Limit: n})
		check(&ListExportsOptions{Sequence: n})
	}
	for _, n := range offsets {
		check(&ListExportsOptions{Offset: n})
	}
	for _, v := range bools {
		check(&ListExportsOptions{Reordered: v})
		check(&ListExportsOptions{EndOfPipeline: v})
		check(&ListExportsOptions{Runnable: v})
	}
	for _, s := range stats {
		check(&ListExportsOptions{Status: s})
	}
	for _, h := range hands {
		check(&ListExportsOptions{HandlerType: h})
	}
	// Random combinations of all of them.
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(n int) int { return r.IntN(n) }
	for range 5000 {
		check(&ListExportsOptions{
			Fields:        strs[pick(len(strs))],
			Limit:         ints[pick(len(ints))],
			Offset:        offsets[pick(len(offsets))],
			Sort:          strs[pick(len(strs))],
			Sequence:      ints[pick(len(ints))],
			Status:        stats[pick(len(stats))],
			Reordered:     bools[pick(len(bools))],
			HandlerType:   hands[pick(len(hands))],
			EndOfPipeline: bools[pick(len(bools))],
			Runnable:      bools[pick(len(bools))],
		})
	}
}

func TestListExportsOptionsEncode_AllFieldsSortedWithAPISpelling(t *testing.T) {
	o := &ListExportsOptions{
		Fields: FieldsFull, Limit: Ptr(100), Offset: 200, Sort: "(id:desc)", Sequence: Ptr(3),
		Status: ExportStatusExecuted, Reordered: Ptr(true), HandlerType: HandlerTypeS3,
		EndOfPipeline: Ptr(false), Runnable: Ptr(true),
	}
	want := "end_of_pipeline=false&fields=__full&handler_type=s3&limit=100&offset=200" +
		"&reorderd=true&runnable=true&sequence=3&sort=%28id%3Adesc%29&status=executed"
	if got := o.encode(); got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// BenchmarkListExportsQuery encodes the options of a page walk.
func BenchmarkListExportsQuery(b *testing.B) {
	o := &ListExportsOptions{Fields: FieldsFull, Limit: Ptr(100), Offset: 4200, Status: ExportStatusExecuted}
	b.Run("impl=direct", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_ = o.encode()
		}
	})
	b.Run("impl=querystring", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := encodeQuery(o); err != nil {
				b.Fatal(err)
			}
		}
	})
}
