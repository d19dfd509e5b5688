package mammoth

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// FuzzParseCondition checks that ParseCondition never panics, that its
// errors point inside the text, and that every condition it accepts is
// written by String as text that reads back to the same condition, and
// survives the trip through JSON to the API and back.
func FuzzParseCondition(f *testing.F) {
	for _, tc := range operatorCases {
		f.Add(tc.text)
	}
	for _, tc := range sheetExamples {
		f.Add(tc.text)
	}
	for _, s := range []string{
		"", "a = 1 ignoring case", "not not (a = 1 or b = 2) and c is not max",
		"`x``y` >= -1.5e-7", "trunc(`d`, millennium) != \"2000\"", "day_of_week(d) = 'Monday'",
		"a = 1\nand\tb = 'two'", "x = 'caf\xe9'", "((((", "a = 1 or", "`STRING_PROP` = 1 ignoring case",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		c, err := ParseCondition(text)
		if err != nil {
			var se *ConditionSyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%q: error %v is not a *ConditionSyntaxError", text, err)
			}
			if se.Offset < 0 || se.Offset > len(text) || se.Line < 1 || se.Column < 1 || se.Expected == "" || se.Found == "" {
				t.Fatalf("%q: error points nowhere: %+v", text, se)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("%q: parsed into an invalid condition: %v", text, err)
		}
		s := c.String()
		back, err := ParseCondition(s)
		if err != nil {
			t.Fatalf("%q: String wrote %q, which does not parse: %v", text, s, err)
		}
		if !reflect.DeepEqual(c, back) {
			t.Fatalf("%q: round trip through %q changed\n%#v\ninto\n%#v", text, s, c, back)
		}
		if again := back.String(); again != s {
			t.Fatalf("%q: String is not stable: %q then %q", text, s, again)
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("%q: encoding: %v", text, err)
		}
		var decoded Condition
		if err := json.Unmarshal(b, &decoded); err != nil {
			t.Fatal(err)
		}
		if len(c) > 0 && !reflect.DeepEqual(c, decoded) {
			t.Fatalf("%q: JSON round trip changed\n%s\n%#v", text, b, decoded)
		}
	})
}
