package mammoth

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mammoth-io/mammoth-go/internal/condtree"
)

// Col starts a condition on the column with the given name: a display
// name, or an internal name such as "column_1". Its methods, one per
// operator of the API, return the [Condition]:
//
//	mammoth.Col("Sales").Gte(1000)
//	mammoth.Col("Region").In("West", "East")
//	mammoth.Col("Order Date").Gte(mammoth.DateFunc(mammoth.DateFunctionToday))
func Col(name string) ColumnCond { return ColumnCond{name: name} }

// ColumnCond is a column a condition is about; get one from [Col].
//
// The comparison methods (Eq, Ne, Gt, Gte, Lt, Lte) take a literal (a
// string or a number of any Go numeric kind) or an [Operand]: another
// column ([ColumnValue]), a date function ([DateFunc]), a date component
// ([DatePart]) or a truncated date ([Truncated]). The other methods take
// literals only. A bad argument does not panic: the condition returned
// carries the error (see [Condition]).
type ColumnCond struct{ name string }

// Operand is the right-hand side of a comparison other than a literal:
// build one with [ColumnValue], [DateFunc], [DatePart] or [Truncated].
type Operand struct {
	op  condtree.Operand
	err string
}

// DateFunction names a date the API computes when the export runs.
type DateFunction string

// The date functions of the API.
const (
	DateFunctionToday      DateFunction = "TODAY"
	DateFunctionNow        DateFunction = "NOW"
	DateFunctionMax        DateFunction = "MAX" // the column's latest date
	DateFunctionMin        DateFunction = "MIN" // the column's earliest date
	DateFunctionSystemDate DateFunction = "SYSTEM_DATE"
	DateFunctionSystemTime DateFunction = "SYSTEM_TIME"
)

// Values returns every date function this version of the SDK knows.
func (DateFunction) Values() []DateFunction {
	out := make([]DateFunction, len(condtree.DateFunctions))
	for i, f := range condtree.DateFunctions {
		out[i] = DateFunction(f)
	}
	return out
}

// IsKnown reports whether f is one of [DateFunction.Values].
func (f DateFunction) IsKnown() bool { return slices.Contains(condtree.DateFunctions, string(f)) }

// DateComponents returns the date components [DatePart] and the text form
// accept, spelled as the API spells them.
func DateComponents() []string { return slices.Clone(condtree.DateComponents) }

// TruncationUnits returns the units [Truncated] and the text form accept,
// spelled as the API spells them.
func TruncationUnits() []string { return slices.Clone(condtree.TruncUnits) }

// ColumnValue compares with another column of the same row: {"COLUMN":
// name}. The name is resolved like the condition's own column.
func ColumnValue(name string) Operand {
	if reason := checkName(name); reason != "" {
		return Operand{err: "ColumnValue: " + reason}
	}
	return Operand{op: condtree.Operand{Shape: condtree.Column, Name: name}}
}

// DateFunc compares with a date the API computes: {"VALUE": {"FUNCTION":
// f}}. The name is accepted in any letter case. It applies to DATE
// columns.
func DateFunc(f DateFunction) Operand {
	name, ok := condtree.Canonical(condtree.DateFunctions, string(f))
	if !ok {
		return Operand{err: fmt.Sprintf("DateFunc: %q is not a date function (%s)", string(f), strings.Join(condtree.DateFunctions, ", "))}
	}
	return Operand{op: condtree.Operand{Shape: condtree.Function, Name: name}}
}

// DatePart compares one component of the column's dates with v:
// {"VALUE": {"COMPONENT": component, "VALUE": v}}, as in
// Col("Order Date").Eq(DatePart("year", 2024)). The component is one of
// [DateComponents], in any letter case. It applies to DATE columns.
func DatePart(component string, v any) Operand {
	return dateOperand("DatePart", "date component", condtree.DateComponents, condtree.Component, component, v)
}

// Truncated compares the column's dates, truncated to unit, with v:
// {"VALUE": {"TRUNCATE": unit, "VALUE": v}}, as in Col("Order
// Date").Lt(Truncated("month", "2024-07-01")). The unit is one of
// [TruncationUnits], in any letter case. It applies to DATE columns.
func Truncated(unit string, v any) Operand {
	return dateOperand("Truncated", "truncation unit", condtree.TruncUnits, condtree.Truncate, unit, v)
}

// dateOperand builds a component or truncation operand: name is one of
// words in any case, v a literal.
func dateOperand(call, what string, words []string, shape condtree.Shape, name string, v any) Operand {
	canonical, ok := condtree.Canonical(words, name)
	if !ok {
		return Operand{err: fmt.Sprintf("%s: %q is not a %s (%s)", call, name, what, strings.Join(words, ", "))}
	}
	lit, reason := literal(v)
	if reason != "" {
		return Operand{err: call + ": " + reason}
	}
	return Operand{op: condtree.Operand{Shape: shape, Name: canonical, Values: []any{lit}}}
}

// maxExactInt is the largest integer every float64 above it may not hold.
const maxExactInt = 1 << 53

// literal checks a literal value and returns it as the condition stores
// it: a string, or a number as float64. reason is "" when v is fine.
func literal(v any) (out any, reason string) {
	var f float64
	switch x := v.(type) {
	case nil:
		return nil, "a value is required (use IsEmpty for empty cells)"
	case string:
		if !utf8.ValidString(x) {
			return nil, fmt.Sprintf("text %q is not valid UTF-8", x)
		}
		return x, ""
	case Operand:
		return nil, "takes a text or a number here, not an Operand"
	case int:
		return exactInt(int64(x))
	case int8:
		return exactInt(int64(x))
	case int16:
		return exactInt(int64(x))
	case int32:
		return exactInt(int64(x))
	case int64:
		return exactInt(x)
	case uint, uint8, uint16, uint32, uint64, uintptr:
		u, _ := strconv.ParseUint(fmt.Sprint(x), 10, 64)
		if u > maxExactInt {
			return nil, fmt.Sprintf("%d is too large to send exactly (beyond 2^53)", u)
		}
		return float64(u), ""
	case float32:
		f = float64(x)
	case float64:
		f = x
	case json.Number:
		var err error
		if f, err = strconv.ParseFloat(string(x), 64); err != nil {
			return nil, fmt.Sprintf("%q is not a number", string(x))
		}
	default:
		return nil, fmt.Sprintf("%v (%T) is not a text or a number", v, v)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Sprintf("%v is not a finite number", f)
	}
	return f, ""
}

func exactInt(i int64) (any, string) {
	if i > maxExactInt || i < -maxExactInt {
		return nil, fmt.Sprintf("%d is too large to send exactly (beyond 2^53)", i)
	}
	return float64(i), ""
}

// checkName returns why name cannot name a column, or "".
func checkName(name string) string {
	switch {
	case name == "":
		return "the column name is empty"
	case !utf8.ValidString(name):
		return fmt.Sprintf("column name %q is not valid UTF-8", name)
	case strings.Contains(name, "\x00"):
		return fmt.Sprintf("column name %q holds a NUL byte", name)
	}
	return ""
}

// leaf builds {"<column>": {"<op>": operand}}, or a condition carrying
// the first error among the column name and reason.
func (c ColumnCond) leaf(method, op string, operand condtree.Operand, reason string) Condition {
	call := fmt.Sprintf("Col(%q).%s", c.name, method)
	if r := checkName(c.name); r != "" {
		return badCondition(call + ": " + r)
	}
	if reason != "" {
		return badCondition(call + ": " + reason)
	}
	n := &condtree.Node{Kind: condtree.Leaf, Column: c.name, Op: op, Operand: operand}
	return Condition(n.Encode())
}

// compare builds a comparison with a literal or an Operand.
func (c ColumnCond) compare(method, op string, v any) Condition {
	if o, ok := v.(Operand); ok {
		if o.err == "" && o.op.Shape == condtree.NoValue {
			o.err = "the zero Operand is not an operand; build one with ColumnValue, DateFunc, DatePart or Truncated"
		}
		return c.leaf(method, op, o.op, o.err)
	}
	lit, reason := literal(v)
	return c.leaf(method, op, condtree.Operand{Shape: condtree.Value, Values: []any{lit}}, reason)
}

// values builds an operand of literals: a list, or a range of two.
func (c ColumnCond) values(method, op string, shape condtree.Shape, vs []any) Condition {
	if len(vs) == 0 {
		return c.leaf(method, op, condtree.Operand{}, "needs at least one value")
	}
	lits := make([]any, len(vs))
	for i, v := range vs {
		lit, reason := literal(v)
		if reason != "" {
			return c.leaf(method, op, condtree.Operand{}, reason)
		}
		lits[i] = lit
	}
	return c.leaf(method, op, condtree.Operand{Shape: shape, Values: lits}, "")
}

// text builds an operand of one text literal.
func (c ColumnCond) text(method, op string, s string) Condition {
	lit, reason := literal(s)
	return c.leaf(method, op, condtree.Operand{Shape: condtree.Value, Values: []any{lit}}, reason)
}

func (c ColumnCond) texts(method, op string, ss []string) Condition {
	vs := make([]any, len(ss))
	for i, s := range ss {
		vs[i] = s
	}
	return c.values(method, op, condtree.List, vs)
}

func (c ColumnCond) noValue(method, op string) Condition {
	return c.leaf(method, op, condtree.Operand{Shape: condtree.NoValue}, "")
}

// Eq holds where the column equals v: EQ. On a TEXT column,
// [DataviewsService.ResolveCondition] sends a literal as IN_LIST of one,
// which the API accepts where it refuses EQ.
func (c ColumnCond) Eq(v any) Condition { return c.compare("Eq", "EQ", v) }

// Ne holds where the column does not equal v: NE (NOT_IN_LIST of one for
// a literal on a TEXT column, as for Eq).
func (c ColumnCond) Ne(v any) Condition { return c.compare("Ne", "NE", v) }

// Gt holds where the column is greater than v: GT. Text compares
// alphabetically.
func (c ColumnCond) Gt(v any) Condition { return c.compare("Gt", "GT", v) }

// Gte holds where the column is greater than or equal to v: GTE.
func (c ColumnCond) Gte(v any) Condition { return c.compare("Gte", "GTE", v) }

// Lt holds where the column is less than v: LT.
func (c ColumnCond) Lt(v any) Condition { return c.compare("Lt", "LT", v) }

// Lte holds where the column is less than or equal to v: LTE.
func (c ColumnCond) Lte(v any) Condition { return c.compare("Lte", "LTE", v) }

// In holds where the column equals one of vs: IN_LIST. It needs at least
// one value.
func (c ColumnCond) In(vs ...any) Condition { return c.values("In", "IN_LIST", condtree.List, vs) }

// NotIn holds where the column equals none of vs: NOT_IN_LIST.
func (c ColumnCond) NotIn(vs ...any) Condition {
	return c.values("NotIn", "NOT_IN_LIST", condtree.List, vs)
}

// Contains holds where the text holds one of ss: CONTAINS, always sent as
// a list, even of one. It applies to TEXT columns.
func (c ColumnCond) Contains(ss ...string) Condition { return c.texts("Contains", "CONTAINS", ss) }

// NotContains holds where the text holds none of ss: NOT_CONTAINS, sent
// as a list.
func (c ColumnCond) NotContains(ss ...string) Condition {
	return c.texts("NotContains", "NOT_CONTAINS", ss)
}

// IContains holds where the text holds s in any letter case: ICONTAINS.
func (c ColumnCond) IContains(s string) Condition { return c.text("IContains", "ICONTAINS", s) }

// StartsWith holds where the text begins with s: STARTS_WITH.
func (c ColumnCond) StartsWith(s string) Condition { return c.text("StartsWith", "STARTS_WITH", s) }

// EndsWith holds where the text ends with s: ENDS_WITH.
func (c ColumnCond) EndsWith(s string) Condition { return c.text("EndsWith", "ENDS_WITH", s) }

// NotStartsWith holds where the text does not begin with s:
// NOT_STARTS_WITH.
func (c ColumnCond) NotStartsWith(s string) Condition {
	return c.text("NotStartsWith", "NOT_STARTS_WITH", s)
}

// NotEndsWith holds where the text does not end with s: NOT_ENDS_WITH.
func (c ColumnCond) NotEndsWith(s string) Condition {
	return c.text("NotEndsWith", "NOT_ENDS_WITH", s)
}

// Between holds where the column lies from low to high, both included:
// IN_RANGE, sent as [{"VALUE": low}, {"VALUE": high}]. It applies to
// NUMERIC and DATE columns.
func (c ColumnCond) Between(low, high any) Condition {
	return c.values("Between", "IN_RANGE", condtree.Range, []any{low, high})
}

// IsEmpty holds where the cell is empty: IS_EMPTY.
func (c ColumnCond) IsEmpty() Condition { return c.noValue("IsEmpty", "IS_EMPTY") }

// IsNotEmpty holds where the cell has a value: IS_NOT_EMPTY.
func (c ColumnCond) IsNotEmpty() Condition { return c.noValue("IsNotEmpty", "IS_NOT_EMPTY") }

// IsMax holds where the cell holds the column's largest value: IS_MAXVAL.
func (c ColumnCond) IsMax() Condition { return c.noValue("IsMax", "IS_MAXVAL") }

// IsNotMax holds where the cell does not hold the column's largest value:
// IS_NOT_MAXVAL.
func (c ColumnCond) IsNotMax() Condition { return c.noValue("IsNotMax", "IS_NOT_MAXVAL") }

// IsMin holds where the cell holds the column's smallest value: IS_MINVAL.
func (c ColumnCond) IsMin() Condition { return c.noValue("IsMin", "IS_MINVAL") }

// IsNotMin holds where the cell does not hold the column's smallest
// value: IS_NOT_MINVAL.
func (c ColumnCond) IsNotMin() Condition { return c.noValue("IsNotMin", "IS_NOT_MINVAL") }
