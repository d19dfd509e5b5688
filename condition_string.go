package mammoth

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/mammoth-io/mammoth-go/internal/condtree"
)

// conditionKeywords are the words of the text form; a column so named is
// written in backticks.
var conditionKeywords = []string{"and", "or", "not", "in", "between", "is", "empty", "max", "min",
	"contains", "starts", "ends", "with", "icontains", "ignoring", "case", "trunc"}

func isKeyword(s string) bool {
	for _, k := range conditionKeywords {
		if strings.EqualFold(k, s) {
			return true
		}
	}
	return false
}

// comparisonSymbols maps comparison operators to the text form and back.
var comparisonSymbols = map[string]string{"EQ": "=", "NE": "!=", "LT": "<", "LTE": "<=", "GT": ">", "GTE": ">="}

// formatTree writes t in the text form.
func formatTree(t *condtree.Tree) string {
	if t.Root == nil {
		return ""
	}
	var b strings.Builder
	writeNode(&b, t.Root)
	if t.IgnoresCase() {
		b.WriteString(" ignoring case")
	}
	return b.String()
}

func writeNode(b *strings.Builder, n *condtree.Node) {
	switch n.Kind {
	case condtree.And, condtree.Or:
		if len(n.Children) == 1 {
			writeNode(b, n.Children[0])
			return
		}
		sep := " and "
		if n.Kind == condtree.Or {
			sep = " or "
		}
		for i, c := range n.Children {
			if i > 0 {
				b.WriteString(sep)
			}
			// A nested AND or OR keeps its own parentheses, so that the
			// text reads back with the same structure and reads plainly.
			writeGrouped(b, c, c.Kind == condtree.And || c.Kind == condtree.Or)
		}
	case condtree.Not:
		b.WriteString("not ")
		c := n.Children[0]
		writeGrouped(b, c, c.Kind == condtree.And || c.Kind == condtree.Or)
	default:
		writeLeaf(b, n)
	}
}

func writeGrouped(b *strings.Builder, n *condtree.Node, paren bool) {
	if paren {
		b.WriteByte('(')
	}
	writeNode(b, n)
	if paren {
		b.WriteByte(')')
	}
}

func writeLeaf(b *strings.Builder, n *condtree.Node) {
	o := n.Operand
	col := quoteName(n.Column)
	switch n.Op {
	case "EQ", "NE", "LT", "LTE", "GT", "GTE":
		switch o.Shape {
		case condtree.Component:
			fmt.Fprintf(b, "%s(%s)", o.Name, col)
		case condtree.Truncate:
			fmt.Fprintf(b, "trunc(%s, %s)", col, strings.ToLower(o.Name))
		default:
			b.WriteString(col)
		}
		b.WriteString(" " + comparisonSymbols[n.Op] + " ")
		switch o.Shape {
		case condtree.Column:
			b.WriteString(quoteName(o.Name))
		case condtree.Function:
			b.WriteString(strings.ToLower(o.Name) + "()")
		default:
			writeValue(b, o.Values[0])
		}
		return
	}
	b.WriteString(col)
	switch n.Op {
	case "IN_LIST", "NOT_IN_LIST":
		b.WriteString(map[string]string{"IN_LIST": " in ", "NOT_IN_LIST": " not in "}[n.Op])
		writeList(b, o.Values)
	case "CONTAINS", "NOT_CONTAINS":
		b.WriteString(map[string]string{"CONTAINS": " contains ", "NOT_CONTAINS": " not contains "}[n.Op])
		if len(o.Values) == 1 {
			writeValue(b, o.Values[0])
		} else {
			writeList(b, o.Values)
		}
	case "IN_RANGE":
		b.WriteString(" between ")
		writeValue(b, o.Values[0])
		b.WriteString(" and ")
		writeValue(b, o.Values[1])
	default:
		b.WriteString(" " + leafWords[n.Op])
		if o.Shape == condtree.Value {
			b.WriteByte(' ')
			writeValue(b, o.Values[0])
		}
	}
}

// leafWords are the text form of the operators written after the column.
var leafWords = map[string]string{
	"ICONTAINS": "icontains", "STARTS_WITH": "starts with", "ENDS_WITH": "ends with",
	"NOT_STARTS_WITH": "not starts with", "NOT_ENDS_WITH": "not ends with",
	"IS_EMPTY": "is empty", "IS_NOT_EMPTY": "is not empty", "IS_MAXVAL": "is max",
	"IS_NOT_MAXVAL": "is not max", "IS_MINVAL": "is min", "IS_NOT_MINVAL": "is not min",
}

func writeList(b *strings.Builder, vs []any) {
	b.WriteByte('(')
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		writeValue(b, v)
	}
	b.WriteByte(')')
}

func writeValue(b *strings.Builder, v any) {
	switch x := v.(type) {
	case string:
		b.WriteByte('\'')
		b.WriteString(strings.ReplaceAll(x, "'", "''"))
		b.WriteByte('\'')
	case float64:
		b.WriteString(formatNumber(x))
	case float32:
		b.WriteString(formatNumber(float64(x)))
	case json.Number:
		f, _ := x.Float64()
		b.WriteString(formatNumber(f))
	default:
		fmt.Fprint(b, x)
	}
}

// formatNumber writes f as encoding/json does: plain digits, or an
// exponent for very large and very small magnitudes.
func formatNumber(f float64) string {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	return strconv.FormatFloat(f, format, -1, 64)
}

// quoteName writes a column name bare when it is a plain name of the text
// form, and in backticks otherwise.
func quoteName(s string) string {
	if isPlainName(s) && !isKeyword(s) && !strings.EqualFold(s, condtree.KeyStringProp) {
		return s
	}
	return "`" + strings.ReplaceAll(s, "`", "``") + "`"
}

// isPlainName reports whether s is a letter or "_" followed by letters,
// digits or "_".
func isPlainName(s string) bool {
	for i, r := range s {
		if !isNameRune(r, i == 0) {
			return false
		}
	}
	return s != ""
}

func isNameRune(r rune, first bool) bool {
	return r == '_' || unicode.IsLetter(r) || (!first && unicode.IsDigit(r))
}
