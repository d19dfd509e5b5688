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
