package mammoth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Timestamp is a point in time as the Mammoth API writes it.
//
// The API is not consistent about time formats, so decoding accepts every form
// it has been seen to send: RFC 3339 with or without fractional seconds, a
// zone-less time (taken as UTC), a space instead of the "T", an offset followed
// by a stray "Z" ("2025-10-19T14:17:07.810308+00:00Z"), a bare date, and Unix
// time as a JSON number or numeric string (seconds, or milliseconds when the
// value is too large to be seconds). Encoding always writes RFC 3339.
type Timestamp struct {
	time.Time
}

// Values above this are taken as Unix milliseconds rather than seconds, the
// same cut-off the Python SDK's models use (it falls in the year 2603).
const unixMillisThreshold = 2e10

// UnmarshalJSON implements [json.Unmarshaler].
func (t *Timestamp) UnmarshalJSON(data []byte) error {
	if string(data) == "null" {
		return nil
	}
	if len(data) >= 2 && data[0] == '"' && data[len(data)-1] == '"' {
		s := data[1 : len(data)-1]
		if tm, ok := parseTimestamp(s); ok {
			t.Time = tm
			return nil
		}
		if tm, err := parseUnix(s); err == nil {
			t.Time = tm
			return nil
		}
		return fmt.Errorf("mammoth: cannot parse %s as a timestamp", data)
	}
	tm, err := parseUnix(data)
	if err != nil {
		return fmt.Errorf("mammoth: cannot parse %s as a timestamp", data)
	}
	t.Time = tm
	return nil
}

// MarshalJSON implements [json.Marshaler]: RFC 3339 with the fraction the
// time carries, or null for the zero time.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, len(time.RFC3339Nano)+2)
	b = append(b, '"')
	b = t.AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// String formats the time as RFC 3339.
func (t Timestamp) String() string { return t.Format(time.RFC3339Nano) }

// parseUnix reads Unix seconds or milliseconds, within the years 1 to 9999
// that RFC 3339 can write back.
func parseUnix(b []byte) (time.Time, error) {
	tm, err := parseUnixNumber(b)
	if err == nil && (tm.Year() < 1 || tm.Year() > 9999) {
		return time.Time{}, errors.New("out of range")
	}
	return tm, err
}

func parseUnixNumber(b []byte) (time.Time, error) {
	str := string(bytes.TrimSpace(b))
	if n, err := strconv.ParseInt(str, 10, 64); err == nil {
		if n > unixMillisThreshold || n < -unixMillisThreshold {
			return time.UnixMilli(n).UTC(), nil
		}
		return time.Unix(n, 0).UTC(), nil
	}
	f, err := strconv.ParseFloat(str, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return time.Time{}, errors.New("not a number")
	}
	if math.Abs(f) > unixMillisThreshold {
		f /= 1000
	}
	if math.Abs(f) > 1e13 { // beyond year 300000, and past int64 microseconds
		return time.Time{}, errors.New("out of range")
	}
	// Microseconds are as fine as a float64 of this size stays exact.
	return time.UnixMicro(int64(math.Round(f * 1e6))).UTC(), nil
}

// parseTimestamp reads "YYYY-MM-DD[(T| )hh:mm:ss[.fffffffff]][Z|±hh:mm[Z]]"
// by hand: it is on the hot path of every page of exports, and unlike
// time.Parse it needs no layout fallbacks and makes no allocation.
func parseTimestamp(s []byte) (time.Time, bool) {
	num := func(b []byte) (int, bool) {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, len(b) > 0
	}
	if len(s) < 10 || s[4] != '-' || s[7] != '-' {
		return time.Time{}, false
	}
	year, ok1 := num(s[0:4])
	month, ok2 := num(s[5:7])
	day, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || month < 1 || month > 12 || day < 1 || day > 31 {
		return time.Time{}, false
	}
	var hour, minute, second, nsec int
	rest := s[10:]
	if len(rest) > 0 {
		if len(rest) < 9 || (rest[0] != 'T' && rest[0] != 't' && rest[0] != ' ') || rest[3] != ':' || rest[6] != ':' {
			return time.Time{}, false
		}
		var okh, okm, oks bool
		hour, okh = num(rest[1:3])
		minute, okm = num(rest[4:6])
		second, oks = num(rest[7:9])
		if !okh || !okm || !oks || hour > 23 || minute > 59 || second > 60 {
			return time.Time{}, false
		}
		rest = rest[9:]
		if len(rest) > 0 && (rest[0] == '.' || rest[0] == ',') {
			i := 1
			scale := int(1e9)
			for ; i < len(rest) && rest[i] >= '0' && rest[i] <= '9'; i++ {
				if scale > 1 {
					scale /= 10
					nsec += int(rest[i]-'0') * scale
				}
			}
			if i == 1 {
				return time.Time{}, false
			}
			rest = rest[i:]
		}
	}
	loc := time.UTC
	if len(rest) > 0 && (rest[0] == '+' || rest[0] == '-') {
		if len(rest) < 6 || rest[3] != ':' {
			return time.Time{}, false
		}
		oh, okh := num(rest[1:3])
		om, okm := num(rest[4:6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offset := (oh*60 + om) * 60
		if rest[0] == '-' {
			offset = -offset
		}
		if offset != 0 {
			loc = time.FixedZone("", offset)
		}
		rest = rest[6:]
	}
	if len(rest) == 1 && (rest[0] == 'Z' || rest[0] == 'z') {
		rest = rest[1:]
	}
	if len(rest) != 0 {
		return time.Time{}, false
	}
	tm := time.Date(year, time.Month(month), day, hour, minute, second, nsec, loc)
	if tm.Day() != day { // 31 February and friends normalise into the next month
		return time.Time{}, false
	}
	return tm, true
}

var _ json.Unmarshaler = (*Timestamp)(nil)
