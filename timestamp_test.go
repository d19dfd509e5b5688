package mammoth

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTimestamp_DecodesEveryFormTheAPISends(t *testing.T) {
	t.Parallel()
	utc := func(y int, mo time.Month, d, h, mi, s, ns int) time.Time {
		return time.Date(y, mo, d, h, mi, s, ns, time.UTC)
	}
	tests := []struct {
		name string
		in   string
		want time.Time
	}{
		{"no zone", `"2021-08-10T10:00:00"`, utc(2021, 8, 10, 10, 0, 0, 0)},
		{"microseconds, no zone", `"2014-11-08T10:20:10.061977"`, utc(2014, 11, 8, 10, 20, 10, 61977000)},
		{"Z", `"2025-08-06T10:56:20Z"`, utc(2025, 8, 6, 10, 56, 20, 0)},
		{"milliseconds and Z", `"2025-08-06T10:56:20.123Z"`, utc(2025, 8, 6, 10, 56, 20, 123000000)},
		{"nanoseconds and Z", `"2025-08-06T10:56:20.123456789Z"`, utc(2025, 8, 6, 10, 56, 20, 123456789)},
		{"space separator and Z", `"2025-08-06 10:56:20Z"`, utc(2025, 8, 6, 10, 56, 20, 0)},
		{"space separator, no zone", `"2025-08-06 10:56:20"`, utc(2025, 8, 6, 10, 56, 20, 0)},
		{"offset and Z", `"2025-10-19T14:17:07.810308+00:00Z"`, utc(2025, 10, 19, 14, 17, 7, 810308000)},
		{"positive offset", `"2025-10-19T16:17:07+02:00"`, utc(2025, 10, 19, 14, 17, 7, 0)},
		{"negative offset", `"2025-10-19T09:17:07.5-05:00"`, utc(2025, 10, 19, 14, 17, 7, 500000000)},
		{"lower-case separators", `"2025-10-19t14:17:07z"`, utc(2025, 10, 19, 14, 17, 7, 0)},
		{"date only", `"2025-10-19"`, utc(2025, 10, 19, 0, 0, 0, 0)},
		{"unix seconds", `1700000000`, utc(2023, 11, 14, 22, 13, 20, 0)},
		{"unix seconds with fraction", `1700000000.25`, utc(2023, 11, 14, 22, 13, 20, 250000000)},
		{"unix milliseconds", `1700000000123`, utc(2023, 11, 14, 22, 13, 20, 123000000)},
		{"unix seconds as a string", `"1700000000"`, utc(2023, 11, 14, 22, 13, 20, 0)},
		{"leap day", `"2024-02-29T00:00:00"`, utc(2024, 2, 29, 0, 0, 0, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ts Timestamp
			require.NoError(t, json.Unmarshal([]byte(tt.in), &ts))
			assert.True(t, tt.want.Equal(ts.Time), "got %s, want %s", ts.Time, tt.want)
		})
	}
}

func TestTimestamp_ZonelessTimeIsUTC(t *testing.T) {
	t.Parallel()
	var ts Timestamp
	require.NoError(t, json.Unmarshal([]byte(`"2021-08-10T10:00:00"`), &ts))
	assert.Equal(t, time.UTC, ts.Location())
}

func TestTimestamp_RejectsWhatIsNotATime(t *testing.T) {
	t.Parallel()
	for _, in := range []string{
		`""`, `"yesterday"`, `"2021-13-01T00:00:00"`, `"2021-02-30T00:00:00"`, `"2021-08-10T25:00:00"`,
		`"2021-08-10T10:00"`, `"2021-08-10T10:00:00+0200"`, `"2021-08-10T10:00:00.Z"`, `"2021-08-10T10:00:00ZZ"`,
		`true`, `{}`, `[]`, `"2021-08-10T10:00:00 UTC"`, `1e300`, `700000000000000`, `-999999999999999`,
	} {
		var ts Timestamp
		assert.Error(t, json.Unmarshal([]byte(in), &ts), in)
	}
}

func TestTimestamp_NullLeavesPointerNil(t *testing.T) {
	t.Parallel()
	var v struct {
		T *Timestamp `json:"t"`
	}
	require.NoError(t, json.Unmarshal([]byte(`{"t":null}`), &v))
	assert.Nil(t, v.T)
}

func TestTimestamp_EncodesRFC3339(t *testing.T) {
	t.Parallel()
	ts := Timestamp{time.Date(2025, 10, 19, 14, 17, 7, 810308000, time.UTC)}
	b, err := json.Marshal(ts)
	require.NoError(t, err)
	assert.Equal(t, `"2025-10-19T14:17:07.810308Z"`, string(b))

	var back Timestamp
	require.NoError(t, json.Unmarshal(b, &back))
	assert.True(t, ts.Equal(back.Time), "round trip")

	b, err = json.Marshal(Timestamp{})
	require.NoError(t, err)
	assert.Equal(t, `null`, string(b))
	assert.Equal(t, "2025-10-19T14:17:07.810308Z", ts.String())
}
