package mammoth

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sheetColumns is the column table of the wire sheet's condition examples.
var sheetColumns = []Column{
	{DisplayName: "Region", InternalName: "column_a1b2c3d4e5", Type: ColumnTypeText},
	{DisplayName: "Sales", InternalName: "column_f6g7h8i9j0", Type: ColumnTypeNumeric},
	{DisplayName: "Order Date", InternalName: "column_k1l2m3n4o5", Type: ColumnTypeDate},
	{DisplayName: "Cost", InternalName: "column_p6q7r8s9t0", Type: ColumnTypeNumeric},
	{DisplayName: "Email", InternalName: "column_u1v2w3x4y5", Type: ColumnTypeText},
}

// sheetExamples are the ten condition objects of the wire sheet, each with
// the builder call and the text that make it.
var sheetExamples = []struct {
	name    string
	built   Condition
	text    string
	resolve string
}{
	{"text EQ becomes IN_LIST", Col("Region").Eq("West"), `Region = 'West'`,
		`{"column_a1b2c3d4e5": {"IN_LIST": {"VALUE": ["West"]}}}`},
	{"text NE ignoring case", Col("Region").Ne("west").IgnoreCase(), `Region != 'west' ignoring case`,
		`{"column_a1b2c3d4e5": {"NOT_IN_LIST": {"VALUE": ["west"]}}, "STRING_PROP": {"CASE": "CASE-INSENSITIVE"}}`},
	{"and of two", And(Col("Sales").Gte(1000), Col("Region").In("West", "East")), `Sales >= 1000 and Region in ('West', 'East')`,
		`{"AND": [{"column_f6g7h8i9j0": {"GTE": {"VALUE": 1000}}}, {"column_a1b2c3d4e5": {"IN_LIST": {"VALUE": ["West", "East"]}}}]}`},
	{"range or empty", Or(Col("Sales").Between(100, 500), Col("Email").IsEmpty()), `Sales between 100 and 500 or Email is empty`,
		`{"OR": [{"column_f6g7h8i9j0": {"IN_RANGE": [{"VALUE": 100}, {"VALUE": 500}]}}, {"column_u1v2w3x4y5": {"IS_EMPTY": true}}]}`},
	{"not contains", Not(Col("Email").Contains("gmail.com")), `not (Email contains 'gmail.com')`,
		`{"NOT": {"column_u1v2w3x4y5": {"CONTAINS": {"VALUE": ["gmail.com"]}}}}`},
	{"column operand", Col("Sales").Gt(ColumnValue("Cost")), `Sales > Cost`,
		`{"column_f6g7h8i9j0": {"GT": {"COLUMN": "column_p6q7r8s9t0"}}}`},
	{"date function", Col("Order Date").Gte(DateFunc(DateFunctionToday)), "`Order Date` >= today()",
		`{"column_k1l2m3n4o5": {"GTE": {"VALUE": {"FUNCTION": "TODAY"}}}}`},
	{"date component", Col("Order Date").Eq(DatePart("year", 2024)), "year(`Order Date`) = 2024",
		`{"column_k1l2m3n4o5": {"EQ": {"VALUE": {"COMPONENT": "year", "VALUE": 2024}}}}`},
	{"truncation", Col("Order Date").Lt(Truncated("month", "2024-07-01")), "trunc(`Order Date`, month) < '2024-07-01'",
		`{"column_k1l2m3n4o5": {"LT": {"VALUE": {"TRUNCATE": "MONTH", "VALUE": "2024-07-01"}}}}`},
	{"nested", Or(And(Col("Region").StartsWith("No"), Col("Sales").Lte(50)), Not(Col("Email").IContains("test"))),
		`(Region starts with 'No' and Sales <= 50) or not Email icontains 'test'`,
		`{"OR": [{"AND": [{"column_a1b2c3d4e5": {"STARTS_WITH": {"VALUE": "No"}}}, {"column_f6g7h8i9j0": {"LTE": {"VALUE": 50}}}]}, {"NOT": {"column_u1v2w3x4y5": {"ICONTAINS": {"VALUE": "test"}}}}]}`},
}

func TestBuilderAndParserMakeTheSheetsTenObjects(t *testing.T) {
	for _, tc := range sheetExamples {
		t.Run(tc.name, func(t *testing.T) {
			require.NoError(t, tc.built.Err())
			parsed, err := ParseCondition(tc.text)
			require.NoError(t, err)
			assert.Equal(t, tc.built, parsed, "builder and parser differ")

			for _, c := range []Condition{tc.built, parsed} {
				got, err := resolveCondition(c, sheetColumns)
				require.NoError(t, err)
				b, err := json.Marshal(got)
				require.NoError(t, err)
				assert.JSONEq(t, tc.resolve, string(b))
			}
		})
	}
}

func TestResolveConditionFindsColumnsByDisplayThenInternalThenCaseInsensitiveName(t *testing.T) {
	cols := []Column{
		{DisplayName: "column_2", InternalName: "column_1", Type: ColumnTypeNumeric},
		{DisplayName: "Sales", InternalName: "column_2", Type: ColumnTypeNumeric},
		{DisplayName: "region", InternalName: "column_3", Type: ColumnTypeText},
		{DisplayName: "Name", InternalName: "column_4", Type: ColumnTypeText},
		{DisplayName: "NAME", InternalName: "column_5", Type: ColumnTypeText},
	}
	for name, want := range map[string]string{
		"column_2": "column_1", // an exact display name wins over an internal name
		"Sales":    "column_2",
		"column_3": "column_3",
		"REGION":   "column_3",
		"Name":     "column_4",
		"NAME":     "column_5",
	} {
		got, err := resolveCondition(Col(name).IsEmpty(), cols)
		require.NoError(t, err, name)
		assert.Equal(t, Condition{want: map[string]any{"IS_EMPTY": true}}, got, name)
	}

	_, err := resolveCondition(Col("name").IsEmpty(), cols)
	var v *ValidationError
	require.ErrorAs(t, err, &v)
	assert.Contains(t, v.Reason, `"name" is ambiguous`)
	assert.Contains(t, v.Reason, `"Name" (column_4), "NAME" (column_5)`)

	twins := []Column{{DisplayName: "X", InternalName: "c1"}, {DisplayName: "X", InternalName: "c2"}}
	_, err = resolveCondition(Col("X").IsEmpty(), twins)
	require.ErrorAs(t, err, &v)
	assert.Contains(t, v.Reason, "share that display name")
}

func TestResolveConditionNamesTheClosestColumnsOfAnUnknownName(t *testing.T) {
	_, err := resolveCondition(And(Col("Sales").Gt(1), Col("Emial").IsEmpty()), sheetColumns)
	var v *ValidationError
	require.ErrorAs(t, err, &v)
	assert.Equal(t, "Condition", v.Field)
	assert.Equal(t, `no column "Emial"; the closest are "Email" (column_u1v2w3x4y5)`, v.Reason)

	_, err = resolveCondition(Col("Sale").Gt(1), append(sheetColumns, Column{DisplayName: "Scale", InternalName: "column_z"}))
	require.ErrorAs(t, err, &v)
	assert.Equal(t, `no column "Sale"; the closest are "Sales" (column_f6g7h8i9j0), "Scale" (column_z)`, v.Reason)

	_, err = resolveCondition(Col("Profit margin").Gt(1), sheetColumns)
	require.ErrorAs(t, err, &v)
	assert.Equal(t, `no column "Profit margin"; the dataview's columns are "Region" (column_a1b2c3d4e5), "Sales" (column_f6g7h8i9j0), "Order Date" (column_k1l2m3n4o5), "Cost" (column_p6q7r8s9t0), "Email" (column_u1v2w3x4y5)`, v.Reason)

	_, err = resolveCondition(Col("Sales").Gt(ColumnValue("Cots")), sheetColumns)
	require.ErrorAs(t, err, &v)
	assert.Contains(t, v.Reason, `no column "Cots"; the closest are "Cost"`)

	_, err = resolveCondition(Col("Sales").Gt(1), nil)
	require.ErrorAs(t, err, &v)
	assert.Contains(t, v.Reason, "the dataview has no columns")
}

func TestResolveConditionRefusesWhatDoesNotFitTheColumnType(t *testing.T) {
	for name, c := range map[string]Condition{
		"range on TEXT":            Col("Region").Between("A", "M"),
		"function on NUMERIC":      Col("Sales").Gt(DateFunc(DateFunctionToday)),
		"component on TEXT":        Col("Region").Eq(DatePart("year", 2024)),
		"truncation on NUMERIC":    Col("Sales").Lt(Truncated("day", "2024-01-01")),
		"contains on NUMERIC":      Col("Sales").Contains("1"),
		"starts with on DATE":      Col("Order Date").StartsWith("2024"),
		"icontains on NUMERIC":     Col("Sales").IContains("1"),
		"refusal deep in the tree": Or(Col("Sales").Gt(1), Not(Col("Region").Between("A", "B"))),
	} {
		_, err := resolveCondition(c, sheetColumns)
		var v *ValidationError
		require.ErrorAs(t, err, &v, name)
		assert.Equal(t, "Condition", v.Field, name)
	}
	for name, c := range map[string]Condition{
		"range on DATE":        Col("Order Date").Between("2024-01-01", "2024-02-01"),
		"text compares by <":   Col("Region").Lt("M"),
		"is max on NUMERIC":    Col("Sales").IsMax(),
		"is empty on anything": Col("Region").IsEmpty(),
	} {
		_, err := resolveCondition(c, sheetColumns)
		assert.NoError(t, err, name)
	}
	unknownType := []Column{{DisplayName: "Flag", InternalName: "column_9", Type: "BOOLEAN"}}
	_, err := resolveCondition(Col("Flag").Between(0, 1), unknownType)
	assert.NoError(t, err, "a type this SDK does not know refuses nothing")
}

func TestResolveConditionRewritesTextEqualityOfLiteralsOnly(t *testing.T) {
	got, err := resolveCondition(Or(Col("Region").Eq(ColumnValue("Email")), Col("Sales").Eq(5), Col("Order Date").Ne("2024-01-01")), sheetColumns)
	require.NoError(t, err)
	assert.Equal(t, Condition{"OR": []any{
		map[string]any{"column_a1b2c3d4e5": map[string]any{"EQ": map[string]any{"COLUMN": "column_u1v2w3x4y5"}}},
		map[string]any{"column_f6g7h8i9j0": map[string]any{"EQ": map[string]any{"VALUE": 5.0}}},
		map[string]any{"column_k1l2m3n4o5": map[string]any{"NE": map[string]any{"VALUE": "2024-01-01"}}},
	}}, got)
}

func TestResolveConditionNeverChangesItsArgumentAndIsIdempotent(t *testing.T) {
	for _, tc := range sheetExamples {
		c := tc.built
		before, err := json.Marshal(c)
		require.NoError(t, err)
		once, err := resolveCondition(c, sheetColumns)
		require.NoError(t, err)
		after, err := json.Marshal(c)
		require.NoError(t, err)
		assert.Equal(t, string(before), string(after), tc.name)

		twice, err := resolveCondition(once, sheetColumns)
		require.NoError(t, err)
		assert.Equal(t, once, twice, tc.name)
	}
	empty, err := resolveCondition(nil, sheetColumns)
	require.NoError(t, err)
	assert.Equal(t, Condition{}, empty)
}

func TestResolveConditionWritesColumnsNamedLikeLogicKeysByInternalName(t *testing.T) {
	cols := []Column{
		{DisplayName: "AND", InternalName: "column_1", Type: ColumnTypeNumeric},
		{DisplayName: "NOT", InternalName: "column_2", Type: ColumnTypeText},
		{DisplayName: "STRING_PROP", InternalName: "column_3", Type: ColumnTypeText},
	}
	c, err := ParseCondition("`AND` > 1 and not `NOT` is empty and `STRING_PROP` starts with 'a'")
	require.NoError(t, err)
	got, err := resolveCondition(c, cols)
	require.NoError(t, err)
	b, err := json.Marshal(got)
	require.NoError(t, err)
	assert.JSONEq(t, `{"AND":[{"column_1":{"GT":{"VALUE":1}}},{"NOT":{"column_2":{"IS_EMPTY":true}}},{"column_3":{"STARTS_WITH":{"VALUE":"a"}}}]}`, string(b))

	got, err = resolveCondition(Col("STRING_PROP").StartsWith("a").IgnoreCase(), cols)
	assert.Error(t, err, "the builder refuses the collision before resolution")
	assert.Nil(t, got)
}

func TestResolveConditionRefusesObjectsTheAPIWouldNotUnderstand(t *testing.T) {
	for _, c := range []Condition{
		{"Sales": map[string]any{"EQ": 5}},
		{"Sales": map[string]any{"GTE": map[string]any{"VALUE": 1}}, "Region": map[string]any{"IS_EMPTY": true}},
		{"OR": []any{}},
		{"Sales": map[string]any{"IN_RANGE": []any{map[string]any{"VALUE": 1}}}},
		{"Sales": map[string]any{"IS_EMPTY": false}},
		{"NOT": map[string]any{}},
		{"AND": []any{map[string]any{"Sales": map[string]any{"IS_EMPTY": true}, "STRING_PROP": map[string]any{"CASE": "CASE-INSENSITIVE"}}}},
	} {
		_, err := resolveCondition(c, sheetColumns)
		var v *ValidationError
		assert.ErrorAs(t, err, &v, "%v", c)
	}
}

func TestConditionsWrittenAsNestedGoValuesReadLikeBuiltOnes(t *testing.T) {
	raw := Condition{"AND": []Condition{Col("Sales").Gt(1), {"NOT": Col("Email").IsEmpty()}}}
	built := And(Col("Sales").Gt(1), Not(Col("Email").IsEmpty()))
	assert.Equal(t, built.String(), raw.String())
	fromRaw, err := resolveCondition(raw, sheetColumns)
	require.NoError(t, err)
	fromBuilt, err := resolveCondition(built, sheetColumns)
	require.NoError(t, err)
	assert.Equal(t, fromBuilt, fromRaw)
	assert.IsType(t, []Condition{}, raw["AND"], "the argument is left as it was")
}
