package mammoth_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/mammothtest"
)

// printJSON prints a condition as it goes over the wire.
func printJSON(c mammoth.Condition) {
	b, err := json.Marshal(c)
	if err != nil {
		fmt.Println("error:", err)
		return
	}
	fmt.Println(string(b))
}

// conditionsFake starts a fake whose dataview has the columns Region, Sales and
// Order Date, and a few rows.
func conditionsFake() (*mammothtest.Server, mammoth.DataviewRef) {
	srv := mammothtest.NewServer()
	ref := mammoth.DataviewRef{WorkspaceID: 1, ProjectID: 2, DatasetID: 3, DataviewID: 4}
	srv.AddDataview(ref)
	srv.SetColumns(ref, []mammoth.Column{
		{DisplayName: "Region", InternalName: "column_a1b2c3d4e5", Type: mammoth.ColumnTypeText},
		{DisplayName: "Sales", InternalName: "column_f6g7h8i9j0", Type: mammoth.ColumnTypeNumeric},
		{DisplayName: "Order Date", InternalName: "column_k1l2m3n4o5", Type: mammoth.ColumnTypeDate},
	})
	srv.SetCSV(ref, []byte("Region,Sales,Order Date\n"+
		"West,1500,2024-10-05\n"+
		"East,800,2024-03-15\n"+
		"East,1200,2023-12-01\n"+
		"North,5000,2024-07-01\n"))
	return srv, ref
}

func ExampleCol() {
	printJSON(mammoth.Col("Sales").Gte(1000))
	printJSON(mammoth.Col("Region").In("West", "East"))
	printJSON(mammoth.Col("Email").Contains("gmail.com"))
	printJSON(mammoth.Col("Sales").Between(100, 500))
	printJSON(mammoth.Col("Email").IsEmpty())
	// Output:
	// {"Sales":{"GTE":{"VALUE":1000}}}
	// {"Region":{"IN_LIST":{"VALUE":["West","East"]}}}
	// {"Email":{"CONTAINS":{"VALUE":["gmail.com"]}}}
	// {"Sales":{"IN_RANGE":[{"VALUE":100},{"VALUE":500}]}}
	// {"Email":{"IS_EMPTY":true}}
}

func ExampleColumnCond() {
	for _, c := range []mammoth.Condition{
		mammoth.Col("Sales").Eq(5), mammoth.Col("Sales").Ne(5),
		mammoth.Col("Sales").Gt(5), mammoth.Col("Sales").Gte(5),
		mammoth.Col("Sales").Lt(5), mammoth.Col("Sales").Lte(5),
		mammoth.Col("Region").In("West"), mammoth.Col("Region").NotIn("West", "East"),
		mammoth.Col("Email").Contains("a", "b"), mammoth.Col("Email").NotContains("spam"),
		mammoth.Col("Email").IContains("Test"),
		mammoth.Col("Region").StartsWith("No"), mammoth.Col("Region").EndsWith("th"),
		mammoth.Col("Region").NotStartsWith("W"), mammoth.Col("Region").NotEndsWith("st"),
		mammoth.Col("Sales").Between(1, 9),
		mammoth.Col("Email").IsEmpty(), mammoth.Col("Email").IsNotEmpty(),
		mammoth.Col("Sales").IsMax(), mammoth.Col("Sales").IsNotMax(),
		mammoth.Col("Sales").IsMin(), mammoth.Col("Sales").IsNotMin(),
	} {
		fmt.Println(c)
	}
	// Output:
	// Sales = 5
	// Sales != 5
	// Sales > 5
	// Sales >= 5
	// Sales < 5
	// Sales <= 5
	// Region in ('West')
	// Region not in ('West', 'East')
	// Email contains ('a', 'b')
	// Email not contains 'spam'
	// Email icontains 'Test'
	// Region starts with 'No'
	// Region ends with 'th'
	// Region not starts with 'W'
	// Region not ends with 'st'
	// Sales between 1 and 9
	// Email is empty
	// Email is not empty
	// Sales is max
	// Sales is not max
	// Sales is min
	// Sales is not min
}

func ExampleAnd() {
	c := mammoth.And(mammoth.Col("Sales").Gte(1000), mammoth.Col("Region").In("West", "East"))
	fmt.Println(c)
	printJSON(c)
	printJSON(mammoth.And()) // every row
	// Output:
	// Sales >= 1000 and Region in ('West', 'East')
	// {"AND":[{"Sales":{"GTE":{"VALUE":1000}}},{"Region":{"IN_LIST":{"VALUE":["West","East"]}}}]}
	// {}
}

func ExampleOr() {
	c := mammoth.Or(mammoth.Col("Sales").Between(100, 500), mammoth.Col("Email").IsEmpty())
	fmt.Println(c)
	printJSON(c)
	// Output:
	// Sales between 100 and 500 or Email is empty
	// {"OR":[{"Sales":{"IN_RANGE":[{"VALUE":100},{"VALUE":500}]}},{"Email":{"IS_EMPTY":true}}]}
}

func ExampleNot() {
	c := mammoth.Not(mammoth.Col("Email").Contains("gmail.com"))
	fmt.Println(c)
	printJSON(c)
	// Output:
	// not Email contains 'gmail.com'
	// {"NOT":{"Email":{"CONTAINS":{"VALUE":["gmail.com"]}}}}
}

func ExampleCondition_IgnoreCase() {
	c := mammoth.Col("Region").Eq("west").IgnoreCase()
	fmt.Println(c)
	printJSON(c)
	// Output:
	// Region = 'west' ignoring case
	// {"Region":{"EQ":{"VALUE":"west"}},"STRING_PROP":{"CASE":"CASE-INSENSITIVE"}}
}

func ExampleColumnValue() {
	printJSON(mammoth.Col("Sales").Gt(mammoth.ColumnValue("Cost")))
	// Output: {"Sales":{"GT":{"COLUMN":"Cost"}}}
}

func ExampleDateFunc() {
	c := mammoth.Col("Order Date").Gte(mammoth.DateFunc(mammoth.DateFunctionToday))
	fmt.Println(c)
	printJSON(c)
	// Output:
	// `Order Date` >= today()
	// {"Order Date":{"GTE":{"VALUE":{"FUNCTION":"TODAY"}}}}
}

func ExampleDatePart() {
	c := mammoth.Col("Order Date").Eq(mammoth.DatePart("year", 2024))
	fmt.Println(c)
	printJSON(c)
	// Output:
	// year(`Order Date`) = 2024
	// {"Order Date":{"EQ":{"VALUE":{"COMPONENT":"year","VALUE":2024}}}}
}

func ExampleTruncated() {
	c := mammoth.Col("Order Date").Lt(mammoth.Truncated("month", "2024-07-01"))
	fmt.Println(c)
	printJSON(c)
	// Output:
	// trunc(`Order Date`, month) < '2024-07-01'
	// {"Order Date":{"LT":{"VALUE":{"TRUNCATE":"MONTH","VALUE":"2024-07-01"}}}}
}

func ExampleParseCondition() {
	c, err := mammoth.ParseCondition("Sales >= 1000 and Region in ('West', 'East')")
	if err != nil {
		log.Fatal(err)
	}
	printJSON(c)

	_, err = mammoth.ParseCondition("Sales >= 1000 and Region in 'West'")
	var se *mammoth.ConditionSyntaxError
	if errors.As(err, &se) {
		fmt.Printf("offset %d: expected %s, found %s\n", se.Offset, se.Expected, se.Found)
	}
	// Output:
	// {"AND":[{"Sales":{"GTE":{"VALUE":1000}}},{"Region":{"IN_LIST":{"VALUE":["West","East"]}}}]}
	// offset 28: expected "(" after "in", found "'West'"
}

func ExampleCondition_String() {
	c := mammoth.Or(
		mammoth.And(mammoth.Col("Region").StartsWith("No"), mammoth.Col("Sales").Lte(50)),
		mammoth.Not(mammoth.Col("Email Address").IContains("test")),
	)
	fmt.Println(c.String())
	back, _ := mammoth.ParseCondition(c.String())
	fmt.Println(back.String() == c.String())
	// Output:
	// (Region starts with 'No' and Sales <= 50) or not `Email Address` icontains 'test'
	// true
}

func ExampleCondition_Display() {
	// A condition as the API sends it back, with internal names.
	var fromAPI mammoth.Condition
	_ = json.Unmarshal([]byte(`{"column_f6g7h8i9j0": {"GTE": {"VALUE": 1000}}}`), &fromAPI)
	cols := []mammoth.Column{{DisplayName: "Sales", InternalName: "column_f6g7h8i9j0", Type: mammoth.ColumnTypeNumeric}}
	fmt.Println(fromAPI.Display(cols))
	fmt.Println(fromAPI.String())
	// Output:
	// Sales >= 1000
	// column_f6g7h8i9j0 >= 1000
}

func ExampleCondition_Err() {
	c := mammoth.And(mammoth.Col("Sales").Gte(1000), mammoth.Col("Region").Eq([]string{"West"}))
	fmt.Println(c.Err())
	// Output: mammoth: invalid Condition: Col("Region").Eq: [West] ([]string) is not a text or a number
}

func ExampleCondition_Validate() {
	raw := mammoth.Condition{"status": map[string]any{"EQ": "active"}}
	fmt.Println(raw.Validate())
	// Output: mammoth: invalid Condition: column "status" EQ: want {"VALUE": …} or {"COLUMN": …}, got "active"
}

func ExampleDataviewsService_ResolveCondition_unknownColumn() {
	srv, ref := conditionsFake()
	defer srv.Close()
	client := srv.Client()
	ctx := context.Background()

	c, err := mammoth.ParseCondition("Sales >= 1000 and Region = 'West'")
	if err != nil {
		log.Fatal(err)
	}
	resolved, err := client.Dataviews.ResolveCondition(ctx, ref, c)
	if err != nil {
		log.Fatal(err)
	}
	printJSON(resolved)

	_, err = client.Dataviews.ResolveCondition(ctx, ref, mammoth.Col("Slaes").Gt(1))
	fmt.Println(err)
	// Output:
	// {"AND":[{"column_f6g7h8i9j0":{"GTE":{"VALUE":1000}}},{"column_a1b2c3d4e5":{"IN_LIST":{"VALUE":["West"]}}}]}
	// mammoth: invalid Condition: no column "Slaes"; the closest are "Sales" (column_f6g7h8i9j0)
}

func ExampleDownloadCSVOptions_condition() {
	srv, ref := conditionsFake()
	defer srv.Close()
	client := srv.Client()

	where, err := mammoth.ParseCondition("Sales >= 1000 and year(`Order Date`) = 2024")
	if err != nil {
		log.Fatal(err)
	}
	var csv bytes.Buffer
	if _, err := client.Exports.DownloadCSV(context.Background(), ref, &csv, &mammoth.DownloadCSVOptions{Condition: where}); err != nil {
		log.Fatal(err)
	}
	fmt.Print(csv.String())
	// Output:
	// Region,Sales,Order Date
	// West,1500,2024-10-05
	// North,5000,2024-07-01
}

func ExampleDateFunction_Values() {
	for _, f := range mammoth.DateFunction("").Values() {
		fmt.Print(f, ";")
	}
	fmt.Println()
	fmt.Println(mammoth.DateFunction("TODAY").IsKnown(), mammoth.DateFunction("YESTERDAY").IsKnown())
	// Output:
	// TODAY;NOW;MAX;MIN;SYSTEM_DATE;SYSTEM_TIME;
	// true false
}

func ExampleDateComponents() {
	fmt.Println(mammoth.DateComponents())
	// Output: [year month day hour minute second week quarter day_of_week day_of_year weekday_text month_text year_month]
}

func ExampleTruncationUnits() {
	fmt.Println(mammoth.TruncationUnits())
	// Output: [SECOND MINUTE HOUR DAY WEEK MONTH QUARTER YEAR DECADE CENTURY MILLENNIUM]
}

func ExampleConditionSyntaxError() {
	_, err := mammoth.ParseCondition("Sales >= 1000 and\nRegion ~ 'West'")
	fmt.Println(err)
	// Output: mammoth: condition: at line 2, column 8 (offset 25): expected an operator: =, !=, <, <=, >, >=, in, not in, between, is, contains, not contains, starts with, ends with, not starts with, not ends with or icontains, found "~"
}
