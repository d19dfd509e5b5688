package mammoth

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// operatorCases cover every operator with every operand shape it takes:
// the builder call, the object it makes, and its text form as String
// writes it.
var operatorCases = []struct {
	name  string
	built Condition
	wire  string
	text  string
}{
	{"EQ number", Col("Sales").Eq(5), `{"Sales":{"EQ":{"VALUE":5}}}`, `Sales = 5`},
	{"EQ text", Col("Region").Eq("West"), `{"Region":{"EQ":{"VALUE":"West"}}}`, `Region = 'West'`},
	{"NE", Col("Sales").Ne(-2.5), `{"Sales":{"NE":{"VALUE":-2.5}}}`, `Sales != -2.5`},
	{"GT", Col("Sales").Gt(1e21), `{"Sales":{"GT":{"VALUE":1e21}}}`, `Sales > 1e+21`},
	{"GTE", Col("Sales").Gte(1000), `{"Sales":{"GTE":{"VALUE":1000}}}`, `Sales >= 1000`},
	{"LT", Col("Sales").Lt(0.000001), `{"Sales":{"LT":{"VALUE":0.000001}}}`, `Sales < 0.000001`},
	{"LTE", Col("Sales").Lte(uint8(7)), `{"Sales":{"LTE":{"VALUE":7}}}`, `Sales <= 7`},
	{"EQ column", Col("Sales").Eq(ColumnValue("Cost")), `{"Sales":{"EQ":{"COLUMN":"Cost"}}}`, `Sales = Cost`},
	{"NE column with spaces", Col("Sales").Ne(ColumnValue("Unit Cost")), `{"Sales":{"NE":{"COLUMN":"Unit Cost"}}}`, "Sales != `Unit Cost`"},
	{"LT function", Col("Due").Lt(DateFunc(DateFunctionNow)), `{"Due":{"LT":{"VALUE":{"FUNCTION":"NOW"}}}}`, `Due < now()`},
	{"GT function max", Col("Due").Gt(DateFunc(DateFunctionMax)), `{"Due":{"GT":{"VALUE":{"FUNCTION":"MAX"}}}}`, `Due > max()`},
	{"GTE function min", Col("Due").Gte(DateFunc("min")), `{"Due":{"GTE":{"VALUE":{"FUNCTION":"MIN"}}}}`, `Due >= min()`},
	{"EQ system date", Col("Due").Eq(DateFunc(DateFunctionSystemDate)), `{"Due":{"EQ":{"VALUE":{"FUNCTION":"SYSTEM_DATE"}}}}`, `Due = system_date()`},
	{"NE system time", Col("Due").Ne(DateFunc(DateFunctionSystemTime)), `{"Due":{"NE":{"VALUE":{"FUNCTION":"SYSTEM_TIME"}}}}`, `Due != system_time()`},
	{"GT component", Col("Due").Gt(DatePart("QUARTER", 2)), `{"Due":{"GT":{"VALUE":{"COMPONENT":"quarter","VALUE":2}}}}`, `quarter(Due) > 2`},
	{"EQ component text", Col("Due").Eq(DatePart("month_text", "October")), `{"Due":{"EQ":{"VALUE":{"COMPONENT":"month_text","VALUE":"October"}}}}`, `month_text(Due) = 'October'`},
	{"LTE truncation", Col("Due").Lte(Truncated("Day", "2024-01-31")), `{"Due":{"LTE":{"VALUE":{"TRUNCATE":"DAY","VALUE":"2024-01-31"}}}}`, `trunc(Due, day) <= '2024-01-31'`},
	{"IN_LIST", Col("Region").In("West", 3), `{"Region":{"IN_LIST":{"VALUE":["West",3]}}}`, `Region in ('West', 3)`},
	{"IN_LIST of one", Col("Region").In("West"), `{"Region":{"IN_LIST":{"VALUE":["West"]}}}`, `Region in ('West')`},
	{"NOT_IN_LIST", Col("Region").NotIn("North", "South"), `{"Region":{"NOT_IN_LIST":{"VALUE":["North","South"]}}}`, `Region not in ('North', 'South')`},
	{"CONTAINS of one is a list", Col("Email").Contains("gmail"), `{"Email":{"CONTAINS":{"VALUE":["gmail"]}}}`, `Email contains 'gmail'`},
	{"CONTAINS of two", Col("Email").Contains("a", "b"), `{"Email":{"CONTAINS":{"VALUE":["a","b"]}}}`, `Email contains ('a', 'b')`},
	{"NOT_CONTAINS", Col("Email").NotContains("spam"), `{"Email":{"NOT_CONTAINS":{"VALUE":["spam"]}}}`, `Email not contains 'spam'`},
	{"ICONTAINS", Col("Email").IContains("Test"), `{"Email":{"ICONTAINS":{"VALUE":"Test"}}}`, `Email icontains 'Test'`},
	{"STARTS_WITH", Col("Region").StartsWith("No"), `{"Region":{"STARTS_WITH":{"VALUE":"No"}}}`, `Region starts with 'No'`},
	{"ENDS_WITH", Col("Region").EndsWith("th"), `{"Region":{"ENDS_WITH":{"VALUE":"th"}}}`, `Region ends with 'th'`},
	{"NOT_STARTS_WITH", Col("Region").NotStartsWith("x"), `{"Region":{"NOT_STARTS_WITH":{"VALUE":"x"}}}`, `Region not starts with 'x'`},
	{"NOT_ENDS_WITH", Col("Region").NotEndsWith("it's"), `{"Region":{"NOT_ENDS_WITH":{"VALUE":"it's"}}}`, `Region not ends with 'it''s'`},
	{"IN_RANGE", Col("Sales").Between(-1, 2.5), `{"Sales":{"IN_RANGE":[{"VALUE":-1},{"VALUE":2.5}]}}`, `Sales between -1 and 2.5`},
	{"IN_RANGE dates", Col("Due").Between("2024-01-01", "2024-12-31"), `{"Due":{"IN_RANGE":[{"VALUE":"2024-01-01"},{"VALUE":"2024-12-31"}]}}`, `Due between '2024-01-01' and '2024-12-31'`},
	{"IS_EMPTY", Col("Email").IsEmpty(), `{"Email":{"IS_EMPTY":true}}`, `Email is empty`},
	{"IS_NOT_EMPTY", Col("Email").IsNotEmpty(), `{"Email":{"IS_NOT_EMPTY":true}}`, `Email is not empty`},
	{"IS_MAXVAL", Col("Sales").IsMax(), `{"Sales":{"IS_MAXVAL":true}}`, `Sales is max`},
	{"IS_NOT_MAXVAL", Col("Sales").IsNotMax(), `{"Sales":{"IS_NOT_MAXVAL":true}}`, `Sales is not max`},
	{"IS_MINVAL", Col("Sales").IsMin(), `{"Sales":{"IS_MINVAL":true}}`, `Sales is min`},
	{"IS_NOT_MINVAL", Col("Sales").IsNotMin(), `{"Sales":{"IS_NOT_MINVAL":true}}`, `Sales is not min`},
	{"nested AND kept", And(And(Col("a").Eq(1), Col("b").Eq(2)), Col("c").Eq(3)),
		`{"AND":[{"AND":[{"a":{"EQ":{"VALUE":1}}},{"b":{"EQ":{"VALUE":2}}}]},{"c":{"EQ":{"VALUE":3}}}]}`, `(a = 1 and b = 2) and c = 3`},
	{"not not kept", Not(Not(Col("a").IsEmpty())), `{"NOT":{"NOT":{"a":{"IS_EMPTY":true}}}}`, `not not a is empty`},
	{"and inside or in parentheses for the reader", Or(And(Col("a").Eq(1), Col("b").Eq(2)), Col("c").Eq(3)),
		`{"OR":[{"AND":[{"a":{"EQ":{"VALUE":1}}},{"b":{"EQ":{"VALUE":2}}}]},{"c":{"EQ":{"VALUE":3}}}]}`, `(a = 1 and b = 2) or c = 3`},
	{"or inside and", And(Or(Col("a").Eq(1), Col("b").Eq(2)), Col("c").Eq(3)),
		`{"AND":[{"OR":[{"a":{"EQ":{"VALUE":1}}},{"b":{"EQ":{"VALUE":2}}}]},{"c":{"EQ":{"VALUE":3}}}]}`, `(a = 1 or b = 2) and c = 3`},
	{"ignore case lifted to the top", And(Col("a").Eq("x").IgnoreCase(), Col("b").Eq("y")),
		`{"AND":[{"a":{"EQ":{"VALUE":"x"}}},{"b":{"EQ":{"VALUE":"y"}}}],"STRING_PROP":{"CASE":"CASE-INSENSITIVE"}}`, `a = 'x' and b = 'y' ignoring case`},
	{"column named AND", Col("AND").Eq(1), `{"AND":{"EQ":{"VALUE":1}}}`, "`AND` = 1"},
	{"column named NOT", Col("NOT").IsEmpty(), `{"NOT":{"IS_EMPTY":true}}`, "`NOT` is empty"},
	{"negated column named NOT", Not(Col("NOT").IsEmpty()), `{"NOT":{"NOT":{"IS_EMPTY":true}}}`, "not `NOT` is empty"},
	{"column named STRING_PROP", Col("STRING_PROP").Eq("x"), `{"STRING_PROP":{"EQ":{"VALUE":"x"}}}`, "`STRING_PROP` = 'x'"},
	{"column named IS_EMPTY under NOT", Not(Col("IS_EMPTY").Eq(1)), `{"NOT":{"IS_EMPTY":{"EQ":{"VALUE":1}}}}`, "not IS_EMPTY = 1"},
	{"keyword column", Col("case").Eq(1), `{"case":{"EQ":{"VALUE":1}}}`, "`case` = 1"},
	{"backtick in a name", Col("a`b").Eq(1), "{\"a`b\":{\"EQ\":{\"VALUE\":1}}}", "`a``b` = 1"},
	{"part name as a column", Col("year").Eq(2024), `{"year":{"EQ":{"VALUE":2024}}}`, "year = 2024"},
	{"function name as a column", Col("Due").Gt(ColumnValue("today")), `{"Due":{"GT":{"COLUMN":"today"}}}`, "Due > today"},
	{"unicode name", Col("Région").Eq("Île"), `{"Région":{"EQ":{"VALUE":"Île"}}}`, "Région = 'Île'"},
}

func TestEveryOperatorAndOperandShape(t *testing.T) {
	for _, tc := range operatorCases {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.built.Err())
			b, err := json.Marshal(tc.built)
			require.NoError(t, err)
			assert.JSONEq(t, tc.wire, string(b))
			assert.Equal(t, tc.text, tc.built.String())

			parsed, err := ParseCondition(tc.text)
			require.NoError(t, err)
			assert.Equal(t, tc.built, parsed)

			var decoded Condition
			require.NoError(t, json.Unmarshal(b, &decoded))
			assert.Equal(t, tc.built, decoded, "a condition read back from the API equals the one built")
		})
	}
}

func TestParseConditionReadsKeywordsAndSpellingsInAnyCase(t *testing.T) {
	for text, want := range map[string]Condition{
		"Sales >= 1000 AND Region IN ('West', \"East\")": And(Col("Sales").Gte(1000), Col("Region").In("West", "East")),
		"YEAR(`Order Date`) = 2024":                      Col("Order Date").Eq(DatePart("year", 2024)),
		"TRUNC(d, Month) < '2024-07-01'":                 Col("d").Lt(Truncated("MONTH", "2024-07-01")),
		"d >= ToDay()":                                   Col("d").Gte(DateFunc(DateFunctionToday)),
		"x Is Not Empty":                                 Col("x").IsNotEmpty(),
		"x NOT STARTS WITH 'a'":                          Col("x").NotStartsWith("a"),
		"x = 'it''s' Ignoring CASE":                      Col("x").Eq("it's").IgnoreCase(),
		`x = "say ""hi"""`:                               Col("x").Eq(`say "hi"`),
		"x = 1.5E+3":                                     Col("x").Eq(1500),
		"x = -0.25e-2":                                   Col("x").Eq(-0.0025),
		"  \n\t":                                         {},
		"":                                               {},
		"((x = 1))":                                      Col("x").Eq(1),
		"a = 1 and b = 2 and c = 3":                      And(Col("a").Eq(1), Col("b").Eq(2), Col("c").Eq(3)),
		"a = 1 and (b = 2 and c = 3)":                    And(Col("a").Eq(1), And(Col("b").Eq(2), Col("c").Eq(3))),
		"x between 1 and 5 and y = 2":                    And(Col("x").Between(1, 5), Col("y").Eq(2)),
		"x contains ('a')":                               Col("x").Contains("a"),
		"``` ` = 1":                                      Col("` ").Eq(1),
	} {
		got, err := ParseCondition(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
}

func TestParseConditionErrorsSayWhereAndWhat(t *testing.T) {
	for _, tc := range []struct {
		text           string
		offset, column int
		expected       string
		found          string
	}{
		{"Sales >=", 8, 9, "a value, a column or a date function", "the end of the text"},
		{"Region in 'West'", 10, 11, `"(" after "in"`, `"'West'"`},
		{"Sales >= 1000 and", 17, 18, `a condition: a column name, "not" or "("`, "the end of the text"},
		{"(a = 1", 6, 7, `"and", "or" or ")"`, "the end of the text"},
		{"a = 1 b = 2", 6, 7, `"and", "or", "ignoring case" or the end of the text`, `"b"`},
		{"a == 1", 3, 4, "a value, a column or a date function", `"="`},
		{"a = 'open", 9, 10, "a closing ' for the one at offset 4", "the end of the text"},
		{"decade(d) = 1", 0, 1, "a date component", `"decade"`},
		{"trunc(d, fortnight) < '2024'", 9, 10, "a truncation unit", `"fortnight"`},
		{"d > yesterday()", 4, 5, "a date function", `"yesterday"`},
		{"year(d) = today()", 10, 11, "a value (a number or a quoted text)", `"today"`},
		{"x is full", 5, 6, `"not", "empty", "max" or "min" after "is"`, `"full"`},
		{"x not between 1 and 2", 6, 7, `"in", "contains", "starts with"`, `"between"`},
		{"in = 1", 0, 1, "goes in backticks", `"in"`},
		{"x = 1e", 6, 7, "a digit in the exponent", "the end of the text"},
		{"x = 1e999", 4, 5, "a number within the range", `"1e999"`},
		{"x = 5abc", 5, 6, "a space or an operator after the number", `"a"`},
		{"x = .5", 4, 5, "a value, a column or a date function", `"."`},
		{"x ~ 5", 2, 3, "an operator: =, !=", `"~"`},
		{"(x = 1]", 6, 7, `"and", "or" or ")"`, `"]"`},
		{"`` = 1", 0, 1, "a column name inside the backticks", "\"``\""},
		{"x = 1\nand y ~ 2", 12, 7, "an operator", `"~"`},
		{"x ignoring case", 2, 3, "an operator", `"ignoring"`},
		{"ignoring case", 0, 1, "backticks", `"ignoring"`},
		{"x = 'caf\xe9'", 4, 5, "valid UTF-8", "invalid bytes"},
		{"`STRING_PROP` = 1 ignoring case", 18, 19, "STRING_PROP", `"ignoring"`},
		{"Région ~", 8, 8, "an operator", `"~"`},
		{strings.Repeat("(", 1001) + "x", 1000, 1001, "at most 1000 levels", `"("`},
		{strings.Repeat("not ", 1001) + "x is empty", 4000, 4001, "at most 1000 levels", `"not"`},
	} {
		_, err := ParseCondition(tc.text)
		var se *ConditionSyntaxError
		require.True(t, errors.As(err, &se), "%q: %v", tc.text, err)
		assert.Equal(t, tc.offset, se.Offset, tc.text)
		assert.Equal(t, tc.column, se.Column, tc.text)
		assert.Contains(t, se.Expected, tc.expected, tc.text)
		assert.Equal(t, tc.found, se.Found, tc.text)
		assert.Contains(t, err.Error(), "expected "+se.Expected, tc.text)
	}
}

func TestBuilderErrorsTravelInTheConditionAndNeverPanic(t *testing.T) {
	for name, c := range map[string]Condition{
		"complex value":          Col("x").Eq(1 + 2i),
		"channel":                Col("x").Gt(make(chan int)),
		"nil value":              Col("x").Eq(nil),
		"NaN":                    Col("x").Lt(math.NaN()),
		"infinity":               Col("x").Lt(math.Inf(1)),
		"bool":                   Col("x").Eq(true),
		"int beyond 2^53":        Col("x").Eq(int64(1)<<53 + 1),
		"uint beyond 2^53":       Col("x").Eq(uint64(math.MaxUint64)),
		"bad json.Number":        Col("x").Eq(json.Number("12x")),
		"invalid UTF-8":          Col("x").Eq("\xff"),
		"empty column":           Col("").IsEmpty(),
		"NUL in column":          Col("a\x00b").IsEmpty(),
		"empty ColumnValue":      Col("x").Eq(ColumnValue("")),
		"zero Operand":           Col("x").Eq(Operand{}),
		"operand in a list":      Col("x").In(ColumnValue("y")),
		"operand in a range":     Col("x").Between(DateFunc(DateFunctionToday), 5),
		"empty list":             Col("x").In(),
		"empty contains":         Col("x").Contains(),
		"unknown function":       Col("x").Eq(DateFunc("YESTERDAY")),
		"unknown component":      Col("x").Eq(DatePart("fortnight", 1)),
		"unknown unit":           Col("x").Eq(Truncated("AUTO", "2024")),
		"bad part value":         Col("x").Eq(DatePart("year", []int{1})),
		"bad truncation value":   Col("x").Eq(Truncated("day", nil)),
		"not of every row":       Not(Condition{}),
		"and passes it on":       And(Col("a").Eq(1), Col("x").Eq(nil)),
		"or passes it on":        Or(Condition{}, Col("x").Eq(nil)),
		"not passes it on":       Not(Col("x").Eq(nil)),
		"ignore case keeps it":   Col("x").Eq(nil).IgnoreCase(),
		"STRING_PROP column":     Col("STRING_PROP").Eq(1).IgnoreCase(),
		"nested inside raw maps": {"AND": []any{map[string]any(Col("x").Eq(nil))}},
	} {
		err := c.Err()
		var v *ValidationError
		require.True(t, errors.As(err, &v), name)
		assert.Equal(t, "Condition", v.Field, name)
		assert.NotEmpty(t, v.Reason, name)
		assert.Error(t, c.Validate(), name)
		_, err = json.Marshal(c)
		assert.Error(t, err, "%s: a condition carrying an error must not encode", name)
		assert.Contains(t, c.String(), "<invalid condition: ", name)
		_, err = resolveCondition(c, sheetColumns)
		assert.ErrorAs(t, err, &v, name)
	}
}

func TestEmptyConditionsInAndOr(t *testing.T) {
	a := Col("a").Eq(1)
	assert.Equal(t, Condition{}, And())
	assert.Equal(t, Condition{}, Or())
	assert.Equal(t, a, And(a))
	assert.Equal(t, a, Or(a))
	assert.Equal(t, a, And(a, Condition{}, nil))
	assert.Equal(t, Condition{}, Or(a, Condition{}), "every row or a is every row")
	assert.Equal(t, Condition{}, Condition{}.IgnoreCase())
	assert.Equal(t, "", Condition{}.String())
	assert.Equal(t, "", Condition(nil).String())
	assert.NoError(t, Condition(nil).Validate())
}

func TestBuilderNeverChangesItsArguments(t *testing.T) {
	a := Col("a").Eq("x").IgnoreCase()
	before := a.String()
	_ = And(a, Col("b").Eq(2))
	_ = Not(a)
	_ = Col("b").Eq(2).IgnoreCase()
	assert.Equal(t, before, a.String())
	assert.Contains(t, a, "STRING_PROP")
}

func TestStringWritesConditionsOutsideTheTextFormAsJSON(t *testing.T) {
	for _, c := range []Condition{
		{"status": map[string]any{"EQ": "active"}},
		{"a": map[string]any{"EQ": map[string]any{"VALUE": 1}}, "b": map[string]any{"IS_EMPTY": true}},
		{"AND": []any{}},
		{"a": map[string]any{"SOUNDS_LIKE": map[string]any{"VALUE": "x"}}},
	} {
		s := c.String()
		var back map[string]any
		require.NoError(t, json.Unmarshal([]byte(s), &back), s)
		_, err := ParseCondition(s)
		assert.Error(t, err)
	}
}

func TestDisplayWritesDisplayNamesOfAnAPICondition(t *testing.T) {
	var fromAPI map[string]any
	require.NoError(t, json.Unmarshal([]byte(sheetExamples[9].resolve), &fromAPI))
	assert.Equal(t, "(Region starts with 'No' and Sales <= 50) or not Email icontains 'test'", Condition(fromAPI).Display(sheetColumns))
	assert.Equal(t, "(column_a1b2c3d4e5 starts with 'No' and column_f6g7h8i9j0 <= 50) or not column_u1v2w3x4y5 icontains 'test'", Condition(fromAPI).String())

	cols := []Column{{DisplayName: "AND", InternalName: "column_1"}, {DisplayName: "Unit Cost", InternalName: "column_2"}}
	c := Condition{"column_1": map[string]any{"GT": map[string]any{"COLUMN": "column_2"}}, "STRING_PROP": map[string]any{"CASE": "CASE-SENSITIVE"}}
	assert.Equal(t, "`AND` > `Unit Cost`", c.Display(cols), "case-sensitive is the default and needs no words")
}

func TestParseConditionReadsNestingUpToItsLimit(t *testing.T) {
	c, err := ParseCondition(strings.Repeat("(", 999) + "x is empty" + strings.Repeat(")", 999))
	require.NoError(t, err)
	assert.Equal(t, Col("x").IsEmpty(), c)
	c, err = ParseCondition(strings.Repeat("not ", 999) + "x is empty")
	require.NoError(t, err)
	assert.Equal(t, strings.Repeat("not ", 999)+"x is empty", c.String())
}
