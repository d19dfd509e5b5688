package mammoth

import (
	"testing"
	"time"
)

// Decoding the forms the API sends on every export of every page must not
// allocate: a page of 100 exports carries 300 of them.
func TestTimestampUnmarshal_CommonFormsDoNotAllocate(t *testing.T) {
	for _, in := range []string{
		`"2025-10-19T14:17:07.810308"`,
		`"2021-08-10T10:00:00"`,
		`"2025-10-19T14:17:07.123Z"`,
		`"2025-08-06 10:56:20Z"`,
		`"2025-10-19T14:17:07.810308+00:00Z"`,
		`null`,
	} {
		data := []byte(in)
		var ts Timestamp
		if err := ts.UnmarshalJSON(data); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if in != "null" && ts.Location() != time.UTC {
			t.Errorf("%s: location %v, want UTC", in, ts.Location())
		}
		if n := testing.AllocsPerRun(100, func() { _ = ts.UnmarshalJSON(data) }); n != 0 {
			t.Errorf("%s: %v allocations per decode, want 0", in, n)
		}
	}
}
