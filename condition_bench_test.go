package mammoth

import "testing"

const benchConditionText = "(Region starts with 'No' and Sales <= 50) or not Email icontains 'test' or " +
	"year(`Order Date`) = 2024 and Region in ('West', 'East', 'North') ignoring case"

func BenchmarkParseCondition(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseCondition(benchConditionText); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConditionString(b *testing.B) {
	c, err := ParseCondition(benchConditionText)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = c.String()
	}
}

func BenchmarkResolveCondition(b *testing.B) {
	c, err := ParseCondition(benchConditionText)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := resolveCondition(c, sheetColumns); err != nil {
			b.Fatal(err)
		}
	}
}
