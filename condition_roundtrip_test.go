package mammoth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// randomCondition builds a condition with the builder, from every method
// and operand, with awkward names and values.
func randomCondition(r *rand.Rand, depth int) Condition {
	names := []string{"Sales", "Order Date", "AND", "NOT", "STRING_PROP", "or", "a`b", "x'y", "Région", "_1", "1st", " pad ", "max", "year", "today", "line\nbreak", "\"q\""}
	values := []any{0, -1, 2.5, 1e21, 1e-7, math.Copysign(0, -1), 12345678901234, "", "it's", `say "hi"`, "``", "é\t\n", uint16(7), float32(0.5)}
	texts := []string{"", "a", "it's", "%_", "line\nbreak", "ünï"}
	name := func() string { return names[r.IntN(len(names))] }
	value := func() any { return values[r.IntN(len(values))] }
	text := func() string { return texts[r.IntN(len(texts))] }
	if depth > 0 && r.IntN(3) == 0 {
		switch r.IntN(3) {
		case 0:
			return Not(randomCondition(r, depth-1))
		case 1:
			return And(randomCondition(r, depth-1), randomCondition(r, depth-1), randomCondition(r, depth-1))
		default:
			return Or(randomCondition(r, depth-1), randomCondition(r, depth-1))
		}
	}
	c := Col(name())
	operands := []any{value(), ColumnValue(name()), DateFunc(DateFunction([]string{"TODAY", "now", "Max", "MIN", "system_date", "SYSTEM_TIME"}[r.IntN(6)])),
		DatePart(DateComponents()[r.IntN(len(DateComponents()))], value()), Truncated(TruncationUnits()[r.IntN(len(TruncationUnits()))], value())}
	operand := operands[r.IntN(len(operands))]
	var out Condition
	switch r.IntN(22) {
	case 0:
		out = c.Eq(operand)
	case 1:
		out = c.Ne(operand)
	case 2:
		out = c.Gt(operand)
	case 3:
		out = c.Gte(operand)
	case 4:
		out = c.Lt(operand)
	case 5:
		out = c.Lte(operand)
	case 6:
		out = c.In(value(), value())
	case 7:
		out = c.NotIn(value())
	case 8:
		out = c.Contains(text())
	case 9:
		out = c.NotContains(text(), text())
	case 10:
		out = c.IContains(text())
	case 11:
		out = c.StartsWith(text())
	case 12:
		out = c.EndsWith(text())
	case 13:
		out = c.NotStartsWith(text())
	case 14:
		out = c.NotEndsWith(text())
	case 15:
		out = c.Between(value(), value())
	case 16:
		out = c.IsEmpty()
	case 17:
		out = c.IsNotEmpty()
	case 18:
		out = c.IsMax()
	case 19:
		out = c.IsNotMax()
	case 20:
		out = c.IsMin()
	default:
		out = c.IsNotMin()
	}
	if r.IntN(6) == 0 {
		out = out.IgnoreCase()
	}
	return out
}

func TestEveryBuiltConditionRoundTripsThroughItsText(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		c := randomCondition(r, 4)
		if c.Err() != nil {
			// Only the one collision the map cannot hold.
			require.Contains(t, c.Err().Error(), "STRING_PROP", "%#v", c)
			continue
		}
		text := c.String()
		back, err := ParseCondition(text)
		require.NoError(t, err, text)
		require.Equal(t, c, back, text)
	}
}
