// Package condtree reads and writes the Mammoth API's export condition
// objects as a tree. The SDK's builder, parser, printer and resolver and
// the fake server's evaluator share it, so that they agree on what an
// object means.
//
// The wire format is a nested map: a leaf {"<column>": {"<OP>": operand}},
// {"AND": [node, …]}, {"OR": [node, …]}, {"NOT": node}, and at the root
// only "STRING_PROP": {"CASE": …}. A column may itself be named AND, OR,
// NOT or STRING_PROP; the value's shape tells the two apart, because no
// operator is named like a logic key and no operand has an operator key.
package condtree

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
)

// Logic keys and the case property.
const (
	KeyAnd        = "AND"
	KeyOr         = "OR"
	KeyNot        = "NOT"
	KeyStringProp = "STRING_PROP"
	KeyCase       = "CASE"
	KeyValue      = "VALUE"
	KeyColumn     = "COLUMN"
	KeyFunction   = "FUNCTION"
	KeyComponent  = "COMPONENT"
	KeyTruncate   = "TRUNCATE"

	CaseInsensitive = "CASE-INSENSITIVE"
	CaseSensitive   = "CASE-SENSITIVE"
)

// Kind is what a node is.
type Kind int

// Node kinds.
const (
	Leaf Kind = iota
	And
	Or
	Not
)

// Shape is the form of a leaf's operand.
type Shape int

// Operand shapes.
const (
	NoValue   Shape = iota // true
	Value                  // {"VALUE": v}
	List                   // {"VALUE": [v, …]}
	Range                  // [{"VALUE": low}, {"VALUE": high}]
	Column                 // {"COLUMN": name}
	Function               // {"VALUE": {"FUNCTION": f}}
	Component              // {"VALUE": {"COMPONENT": c, "VALUE": v}}
	Truncate               // {"VALUE": {"TRUNCATE": u, "VALUE": v}}
)

// IsDate reports whether the shape applies only to DATE columns.
func (s Shape) IsDate() bool { return s == Function || s == Component || s == Truncate }

// Operand is a leaf's operand.
type Operand struct {
	Shape Shape
	// Values holds the literal values: one for Value, Component and
	// Truncate, the items of a List, low and high of a Range.
	Values []any
	// Name is the other column (Column), the function (Function), the
	// component (Component) or the unit (Truncate).
	Name string
}

// Node is one node of a condition.
type Node struct {
	Kind Kind
	// Children are the operands of And and Or, and the one of Not.
	Children []*Node
	// Column, Op and Operand describe a Leaf.
	Column  string
	Op      string
	Operand Operand
}

// Tree is a whole condition. A nil Root is the empty condition.
type Tree struct {
	Root *Node
	// Case is the root STRING_PROP's CASE, "" when there is none. HasCase
	// tells an absent STRING_PROP from a null CASE.
	Case    any
	HasCase bool
}

// IgnoresCase reports whether the condition compares text without case.
func (t *Tree) IgnoresCase() bool { return t.HasCase && t.Case == CaseInsensitive }

// Operator groups, by the operand shapes they take.
var (
	comparisonOps = []string{"EQ", "NE", "GT", "GTE", "LT", "LTE"}
	listOps       = []string{"IN_LIST", "NOT_IN_LIST", "CONTAINS", "NOT_CONTAINS"}
	textValueOps  = []string{"ICONTAINS", "STARTS_WITH", "ENDS_WITH", "NOT_STARTS_WITH", "NOT_ENDS_WITH"}
	noValueOps    = []string{"IS_EMPTY", "IS_NOT_EMPTY", "IS_MAXVAL", "IS_NOT_MAXVAL", "IS_MINVAL", "IS_NOT_MINVAL"}
)

var operators = slices.Concat(comparisonOps, listOps, textValueOps, noValueOps, []string{"IN_RANGE"})

// Operators returns every operator the API knows.
func Operators() []string { return slices.Clone(operators) }

// Fits reports whether op takes an operand of shape s.
func Fits(op string, s Shape) bool {
	switch {
	case slices.Contains(comparisonOps, op):
		return s == Value || s == Column || s.IsDate()
	case slices.Contains(listOps, op):
		return s == List
	case slices.Contains(textValueOps, op):
		return s == Value
	case slices.Contains(noValueOps, op):
		return s == NoValue
	case op == "IN_RANGE":
		return s == Range
	}
	return false
}

// IsOperator reports whether op is an operator the API knows.
func IsOperator(op string) bool { return slices.Contains(operators, op) }

// TextOnly reports whether op applies only to TEXT columns.
func TextOnly(op string) bool {
	return op == "CONTAINS" || op == "NOT_CONTAINS" || slices.Contains(textValueOps, op)
}

// TypeRefusal says why op with an operand of shape s does not fit a column
// of type typ (TEXT, NUMERIC, DATE), or "" when it fits. A type this
// package does not know refuses nothing.
func TypeRefusal(op string, s Shape, typ string) string {
	known := typ == "TEXT" || typ == "NUMERIC" || typ == "DATE"
	switch {
	case !known:
		return ""
	case s.IsDate() && typ != "DATE":
		return fmt.Sprintf("a date %s applies only to DATE columns, not %s", shapeNoun(s), typ)
	case op == "IN_RANGE" && typ == "TEXT":
		return "a range (between) does not apply to TEXT columns"
	case TextOnly(op) && typ != "TEXT":
		return fmt.Sprintf("%s applies only to TEXT columns, not %s", op, typ)
	}
	return ""
}

func shapeNoun(s Shape) string {
	switch s {
	case Function:
		return "function"
	case Component:
		return "component"
	}
	return "truncation"
}

// DateFunctions are the functions a date operand may name.
var DateFunctions = []string{"TODAY", "NOW", "MAX", "MIN", "SYSTEM_DATE", "SYSTEM_TIME"}

// DateComponents are the parts of a date a comparison may take, spelled
// as the API spells them.
var DateComponents = []string{"year", "month", "day", "hour", "minute", "second", "week", "quarter",
	"day_of_week", "day_of_year", "weekday_text", "month_text", "year_month"}

// TruncUnits are the units a date may be truncated to, spelled as the API
// spells them.
var TruncUnits = []string{"SECOND", "MINUTE", "HOUR", "DAY", "WEEK", "MONTH", "QUARTER", "YEAR",
	"DECADE", "CENTURY", "MILLENNIUM"}

// Canonical returns the member of words that equals w without regard to
// case, and whether there is one.
func Canonical(words []string, w string) (string, bool) {
	for _, c := range words {
		if strings.EqualFold(c, w) {
			return c, true
		}
	}
	return "", false
}

// IsScalar reports whether v is a literal value: a string or a finite
// number of a Go numeric kind.
func IsScalar(v any) bool {
	switch x := v.(type) {
	case string, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return true
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case float32:
		return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0)
	case json.Number:
		_, err := x.Float64()
		return err == nil
	}
	return false
}

// Decode reads a condition object. It never changes m.
func Decode(m map[string]any) (*Tree, error) {
	t := &Tree{}
	rest := m
	if v, ok := m[KeyStringProp]; ok && IsCaseProp(v) {
		t.HasCase = true
		t.Case = v.(map[string]any)[KeyCase]
		rest = make(map[string]any, len(m)-1)
		for k, v := range m {
			if k != KeyStringProp {
				rest[k] = v
			}
		}
	}
	if len(rest) == 0 {
		return t, nil
	}
	n, err := decodeNode(rest, "")
	if err != nil {
		return nil, err
	}
	t.Root = n
	return t, nil
}

// IsCaseProp reports whether v is a STRING_PROP value {"CASE": …} rather
// than a leaf's operator map.
func IsCaseProp(v any) bool {
	m, ok := asMap(v)
	if !ok || len(m) != 1 {
		return false
	}
	_, ok = m[KeyCase]
	return ok
}

var mapType = reflect.TypeFor[map[string]any]()

// asMap reads v as an object: a map[string]any, or a named map type such
// as mammoth.Condition.
func asMap(v any) (map[string]any, bool) {
	if m, ok := v.(map[string]any); ok {
		return m, m != nil
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || rv.IsNil() || !rv.Type().ConvertibleTo(mapType) {
		return nil, false
	}
	return rv.Convert(mapType).Interface().(map[string]any), true
}

// asList reads v as a list: a []any, or a slice of objects such as
// []mammoth.Condition.
func asList(v any) ([]any, bool) {
	if l, ok := v.([]any); ok {
		return l, true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Slice {
		return nil, false
	}
	l := make([]any, rv.Len())
	for i := range l {
		l[i] = rv.Index(i).Interface()
	}
	return l, true
}

// path names a node's place for error messages.
func decodeNode(m map[string]any, path string) (*Node, error) {
	if len(m) != 1 {
		if len(m) == 0 {
			return nil, fmt.Errorf("%san empty object where a condition was expected", at(path))
		}
		return nil, fmt.Errorf("%san object with %d keys; a condition has one column or logic key", at(path), len(m))
	}
	for k, v := range m {
		switch k {
		case KeyAnd, KeyOr:
			if items, ok := asList(v); ok {
				return decodeLogic(k, items, path)
			}
		case KeyNot:
			if inner, ok := asMap(v); ok {
				if leaf, err := decodeLeaf(k, inner, path); err == nil {
					return leaf, nil
				}
				child, err := decodeNode(inner, path+"NOT.")
				if err != nil {
					return nil, err
				}
				return &Node{Kind: Not, Children: []*Node{child}}, nil
			}
		case KeyStringProp:
			if IsCaseProp(v) {
				return nil, fmt.Errorf("%sSTRING_PROP is allowed only at the top of a condition", at(path))
			}
		}
		ops, ok := asMap(v)
		if !ok {
			return nil, fmt.Errorf("%scolumn %q: want an object {\"<OPERATOR>\": operand}, got %s", at(path), k, describe(v))
		}
		return decodeLeaf(k, ops, path)
	}
	panic("unreachable")
}

func decodeLogic(k string, items []any, path string) (*Node, error) {
	kind := And
	if k == KeyOr {
		kind = Or
	}
	if len(items) == 0 {
		return nil, fmt.Errorf("%s%s with no conditions", at(path), k)
	}
	n := &Node{Kind: kind, Children: make([]*Node, len(items))}
	for i, it := range items {
		cm, ok := asMap(it)
		if !ok {
			return nil, fmt.Errorf("%s%s[%d]: want a condition object, got %s", at(path), k, i, describe(it))
		}
		c, err := decodeNode(cm, fmt.Sprintf("%s%s[%d].", path, k, i))
		if err != nil {
			return nil, err
		}
		n.Children[i] = c
	}
	return n, nil
}

func decodeLeaf(column string, ops map[string]any, path string) (*Node, error) {
	if column == "" {
		return nil, fmt.Errorf("%san empty column name", at(path))
	}
	if len(ops) != 1 {
		return nil, fmt.Errorf("%scolumn %q: want one operator, got %d keys", at(path), column, len(ops))
	}
	for op, raw := range ops {
		if !IsOperator(op) {
			return nil, fmt.Errorf("%scolumn %q: unknown operator %q", at(path), column, op)
		}
		operand, err := decodeOperand(op, raw)
		if err != nil {
			return nil, fmt.Errorf("%scolumn %q %s: %w", at(path), column, op, err)
		}
		return &Node{Kind: Leaf, Column: column, Op: op, Operand: operand}, nil
	}
	panic("unreachable")
}

func decodeOperand(op string, raw any) (Operand, error) {
	var o Operand
	switch {
	case Fits(op, NoValue):
		if raw != true {
			return o, fmt.Errorf("want true, got %s", describe(raw))
		}
		return Operand{Shape: NoValue}, nil
	case Fits(op, Range):
		items, ok := asList(raw)
		if !ok || len(items) != 2 {
			return o, fmt.Errorf("want [{\"VALUE\": low}, {\"VALUE\": high}], got %s", describe(raw))
		}
		o.Shape = Range
		for _, it := range items {
			v, err := valueOf(it)
			if err != nil {
				return o, err
			}
			o.Values = append(o.Values, v)
		}
		return o, nil
	case Fits(op, List):
		m, ok := asMap(raw)
		items, isList := asList(m[KeyValue])
		if !ok || len(m) != 1 || !isList || len(items) == 0 {
			return o, fmt.Errorf("want {\"VALUE\": [value, …]}, got %s", describe(raw))
		}
		for _, it := range items {
			if !IsScalar(it) {
				return o, fmt.Errorf("list item %s is not a text or a number", describe(it))
			}
		}
		return Operand{Shape: List, Values: slices.Clone(items)}, nil
	}
	m, ok := asMap(raw)
	if !ok || len(m) != 1 {
		return o, fmt.Errorf("want {\"VALUE\": …} or {\"COLUMN\": …}, got %s", describe(raw))
	}
	if name, isCol := m[KeyColumn]; isCol {
		s, ok := name.(string)
		if !ok || s == "" || !Fits(op, Column) {
			return o, fmt.Errorf("bad column operand %s", describe(raw))
		}
		return Operand{Shape: Column, Name: s}, nil
	}
	v, ok := m[KeyValue]
	if !ok {
		return o, fmt.Errorf("want {\"VALUE\": …} or {\"COLUMN\": …}, got %s", describe(raw))
	}
	if IsScalar(v) {
		return Operand{Shape: Value, Values: []any{v}}, nil
	}
	inner, ok := asMap(v)
	if !ok || !Fits(op, Function) {
		return o, fmt.Errorf("VALUE %s is not a text or a number", describe(v))
	}
	if f, ok := inner[KeyFunction].(string); ok && len(inner) == 1 && slices.Contains(DateFunctions, f) {
		return Operand{Shape: Function, Name: f}, nil
	}
	for key, shape := range map[string]Shape{KeyComponent: Component, KeyTruncate: Truncate} {
		name, ok := inner[key].(string)
		if !ok {
			continue
		}
		words := DateComponents
		if shape == Truncate {
			words = TruncUnits
		}
		pv, hasValue := inner[KeyValue]
		if len(inner) != 2 || !hasValue || !IsScalar(pv) || !slices.Contains(words, name) {
			break
		}
		return Operand{Shape: shape, Name: name, Values: []any{pv}}, nil
	}
	return o, fmt.Errorf("VALUE %s is not a value, a date function, a date component or a truncation", describe(v))
}

func valueOf(v any) (any, error) {
	m, ok := asMap(v)
	if !ok || len(m) != 1 || !IsScalar(m[KeyValue]) {
		return nil, fmt.Errorf("want {\"VALUE\": value}, got %s", describe(v))
	}
	return m[KeyValue], nil
}

// Collides reports whether the tree cannot be written: its root is a leaf
// on a column named STRING_PROP, and it also has a STRING_PROP of its own.
func (t *Tree) Collides() bool {
	return t.HasCase && t.Root != nil && t.Root.Kind == Leaf && t.Root.Column == KeyStringProp
}

// Encode writes the tree as a condition object of fresh maps and slices.
func (t *Tree) Encode() map[string]any {
	m := map[string]any{}
	if t.Root != nil {
		m = t.Root.Encode()
	}
	if t.HasCase {
		m[KeyStringProp] = map[string]any{KeyCase: t.Case}
	}
	return m
}

// Encode writes the node as a condition object of fresh maps and slices.
func (n *Node) Encode() map[string]any {
	switch n.Kind {
	case And, Or:
		items := make([]any, len(n.Children))
		for i, c := range n.Children {
			items[i] = c.Encode()
		}
		k := KeyAnd
		if n.Kind == Or {
			k = KeyOr
		}
		return map[string]any{k: items}
	case Not:
		return map[string]any{KeyNot: n.Children[0].Encode()}
	}
	return map[string]any{n.Column: map[string]any{n.Op: n.Operand.Encode()}}
}

// Encode writes the operand in its wire shape.
func (o Operand) Encode() any {
	switch o.Shape {
	case NoValue:
		return true
	case List:
		return map[string]any{KeyValue: slices.Clone(o.Values)}
	case Range:
		return []any{map[string]any{KeyValue: o.Values[0]}, map[string]any{KeyValue: o.Values[1]}}
	case Column:
		return map[string]any{KeyColumn: o.Name}
	case Function:
		return map[string]any{KeyValue: map[string]any{KeyFunction: o.Name}}
	case Component:
		return map[string]any{KeyValue: map[string]any{KeyComponent: o.Name, KeyValue: o.Values[0]}}
	case Truncate:
		return map[string]any{KeyValue: map[string]any{KeyTruncate: o.Name, KeyValue: o.Values[0]}}
	}
	return map[string]any{KeyValue: o.Values[0]}
}

// Walk calls fn for every leaf, depth-first, left to right, and stops at
// the first error.
func (n *Node) Walk(fn func(*Node) error) error {
	if n == nil {
		return nil
	}
	if n.Kind == Leaf {
		return fn(n)
	}
	for _, c := range n.Children {
		if err := c.Walk(fn); err != nil {
			return err
		}
	}
	return nil
}

func at(path string) string {
	if path == "" {
		return ""
	}
	return strings.TrimSuffix(path, ".") + ": "
}

func describe(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	case bool:
		return fmt.Sprint(v)
	case string:
		return fmt.Sprintf("%q", v)
	}
	return fmt.Sprintf("%v (%T)", v, v)
}

// Find returns the first value stored under key in v or in any object or
// list inside it, depth-first in key order.
func Find(v any, key string) (any, bool) {
	if m, ok := asMap(v); ok {
		if found, ok := m[key]; ok {
			return found, true
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			if found, ok := Find(m[k], key); ok {
				return found, true
			}
		}
		return nil, false
	}
	if l, ok := asList(v); ok {
		for _, it := range l {
			if found, ok := Find(it, key); ok {
				return found, true
			}
		}
	}
	return nil, false
}
