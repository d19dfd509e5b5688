package mammothtest

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	mammoth "github.com/mammoth-io/mammoth-go"
	"github.com/mammoth-io/mammoth-go/internal/condtree"
)

// The rules the fake applies to export conditions are in the package
// documentation, under "Export conditions".

// dateLayouts are the forms of a date the fake reads, in cells and values.
var dateLayouts = []string{"2006-01-02", "2006-01-02 15:04:05", "2006-01-02T15:04:05", time.RFC3339Nano,
	"2006-01-02 15:04:05.999999", "2006-01-02T15:04:05.999999"}

func parseDate(s string) (time.Time, bool) {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, strings.TrimSpace(s)); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// patchConditionProblemsLocked checks the condition of each params
// replace among patches.
func (s *Server) patchConditionProblemsLocked(ref mammoth.DataviewRef, patches []exportPatch) problems {
	var p problems
	for i, pt := range patches {
		if pt.spec == nil {
			continue
		}
		if msg := s.conditionProblemLocked(ref, pt.spec.Condition); msg != "" {
			p.add("body", "patches["+strconv.Itoa(i)+"].value.condition", msg)
		}
	}
	return p
}

// conditionProblemLocked says why the dataview cannot apply cond, or "".
func (s *Server) conditionProblemLocked(ref mammoth.DataviewRef, cond map[string]any) string {
	t, err := condtree.Decode(cond)
	if err != nil {
		return "not a condition: " + err.Error()
	}
	cols := s.columnsLocked(ref)
	byName := make(map[string]mammoth.Column, len(cols))
	for _, c := range cols {
		byName[c.InternalName] = c
	}
	err = t.Root.Walk(func(n *condtree.Node) error {
		col, ok := byName[n.Column]
		if !ok {
			return fmt.Errorf("unknown column %q", n.Column)
		}
		if n.Operand.Shape == condtree.Column {
			if _, ok := byName[n.Operand.Name]; !ok {
				return fmt.Errorf("unknown column %q", n.Operand.Name)
			}
		}
		typ := string(col.Type)
		if why := condtree.TypeRefusal(n.Op, n.Operand.Shape, typ); why != "" {
			return fmt.Errorf("column %q: %s", n.Column, why)
		}
		if typ == "TEXT" && n.Operand.Shape == condtree.Value && (n.Op == "EQ" || n.Op == "NE") {
			return fmt.Errorf("column %q: type mismatch: %s on a TEXT column", n.Column, n.Op)
		}
		if n.Operand.Shape == condtree.Component || n.Operand.Shape == condtree.Truncate {
			return nil
		}
		for _, v := range n.Operand.Values {
			if _, ok := typedValue(v, col.Type); !ok {
				return fmt.Errorf("column %q: %v is not a %s value", n.Column, v, typ)
			}
		}
		return nil
	})
	if err != nil {
		return err.Error()
	}
	return ""
}

// typedValue reads a literal as a value of a column type: float64 for
// NUMERIC, time.Time for DATE, string otherwise.
func typedValue(v any, typ mammoth.ColumnType) (any, bool) {
	text := literalText(v)
	switch typ {
	case mammoth.ColumnTypeNumeric:
		f, err := strconv.ParseFloat(strings.TrimSpace(text), 64)
		return f, err == nil && !math.IsNaN(f)
	case mammoth.ColumnTypeDate:
		t, ok := parseDate(text)
		return t, ok
	}
	return text, true
}

func literalText(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// filterCSV writes the header of data and the rows cond selects.
func (s *Server) filterCSV(w io.Writer, data []byte, cond map[string]any, cols []mammoth.Column) error {
	t, err := condtree.Decode(cond)
	if err != nil {
		return err
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	var rows [][]string
	var offsets []int64
	header, err := r.Read()
	if err != nil {
		_, werr := w.Write(data)
		return werr
	}
	headerEnd := r.InputOffset()
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		rows = append(rows, rec)
		offsets = append(offsets, r.InputOffset())
	}
	e := &evaluator{tree: t, header: header, rows: rows, now: s.timestamp(), cols: map[string]mammoth.Column{}}
	for _, c := range cols {
		e.cols[c.InternalName] = c
	}
	if _, err := w.Write(data[:headerEnd]); err != nil {
		return err
	}
	start := headerEnd
	for i, row := range rows {
		end := offsets[i]
		if e.tree.Root == nil || e.eval(e.tree.Root, row) == yes {
			if _, err := w.Write(data[start:end]); err != nil {
				return err
			}
		}
		start = end
	}
	return nil
}

// truth is a three-valued truth, as SQL has it.
type truth int

const (
	no truth = iota
	yes
	unknown
)

func truthOf(b bool) truth {
	if b {
		return yes
	}
	return no
}

type evaluator struct {
	tree   *condtree.Tree
	header []string
	rows   [][]string
	cols   map[string]mammoth.Column
	now    time.Time
	// extremes caches each column's smallest and largest value.
	extremes map[string][2]any
}

func (e *evaluator) eval(n *condtree.Node, row []string) truth {
	switch n.Kind {
	case condtree.Not:
		switch e.eval(n.Children[0], row) {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	case condtree.And, condtree.Or:
		decisive := truthOf(n.Kind == condtree.Or)
		out := truthOf(n.Kind == condtree.And)
		for _, c := range n.Children {
			switch e.eval(c, row) {
			case decisive:
				return decisive
			case unknown:
				out = unknown
			}
		}
		return out
	}
	return e.leaf(n, row)
}

// cell returns the typed value of a column in row, or nil when it is
// empty or unreadable.
func (e *evaluator) cell(internal string, row []string) any {
	col := e.cols[internal]
	i := slices.Index(e.header, col.DisplayName)
	if i < 0 || i >= len(row) || row[i] == "" {
		return nil
	}
	v, ok := typedValue(row[i], col.Type)
	if !ok {
		return nil
	}
	return v
}

func (e *evaluator) leaf(n *condtree.Node, row []string) truth {
	col := e.cols[n.Column]
	v := e.cell(n.Column, row)
	o := n.Operand
	switch n.Op {
	case "IS_EMPTY":
		return truthOf(v == nil)
	case "IS_NOT_EMPTY":
		return truthOf(v != nil)
	}
	if v == nil {
		return unknown
	}
	switch n.Op {
	case "IS_MAXVAL", "IS_NOT_MAXVAL", "IS_MINVAL", "IS_NOT_MINVAL":
		i := 0
		if strings.Contains(n.Op, "MAX") {
			i = 1
		}
		is := e.compare(v, e.extreme(n.Column)[i]) == 0
		return truthOf(is != strings.HasPrefix(n.Op, "IS_NOT_"))
	case "IN_LIST", "NOT_IN_LIST":
		in := slices.ContainsFunc(o.Values, func(x any) bool {
			tv, _ := typedValue(x, col.Type)
			return e.compare(v, tv) == 0
		})
		return truthOf(in == (n.Op == "IN_LIST"))
	case "IN_RANGE":
		low, _ := typedValue(o.Values[0], col.Type)
		high, _ := typedValue(o.Values[1], col.Type)
		return truthOf(e.compare(v, low) >= 0 && e.compare(v, high) <= 0)
	}
	if condtree.TextOnly(n.Op) {
		return e.text(n, fmt.Sprint(v))
	}
	var left, right any = v, nil
	switch o.Shape {
	case condtree.Column:
		if right = e.cell(o.Name, row); right == nil {
			return unknown
		}
	case condtree.Function:
		right = e.function(o.Name, n.Column)
	case condtree.Component:
		left, right = component(v.(time.Time), o.Name, o.Values[0])
	case condtree.Truncate:
		left = truncate(v.(time.Time), o.Name)
		right, _ = typedValue(o.Values[0], col.Type)
	default:
		right, _ = typedValue(o.Values[0], col.Type)
	}
	c := e.compare(left, right)
	switch n.Op {
	case "EQ":
		return truthOf(c == 0)
	case "NE":
		return truthOf(c != 0)
	case "GT":
		return truthOf(c > 0)
	case "GTE":
		return truthOf(c >= 0)
	case "LT":
		return truthOf(c < 0)
	}
	return truthOf(c <= 0) // LTE
}

// text applies the text operators.
func (e *evaluator) text(n *condtree.Node, cell string) truth {
	fold := e.tree.IgnoresCase() || n.Op == "ICONTAINS"
	norm := func(s string) string {
		if fold {
			return strings.ToLower(s)
		}
		return s
	}
	cell = norm(cell)
	var hit bool
	switch n.Op {
	case "CONTAINS", "NOT_CONTAINS", "ICONTAINS":
		hit = slices.ContainsFunc(n.Operand.Values, func(x any) bool { return strings.Contains(cell, norm(literalText(x))) })
	case "STARTS_WITH", "NOT_STARTS_WITH":
		hit = strings.HasPrefix(cell, norm(literalText(n.Operand.Values[0])))
	default:
		hit = strings.HasSuffix(cell, norm(literalText(n.Operand.Values[0])))
	}
	return truthOf(hit != strings.HasPrefix(n.Op, "NOT_"))
}

// compare orders two values of one type; values of different types, and
// nil, compare unequal.
func (e *evaluator) compare(a, b any) int {
	switch x := a.(type) {
	case float64:
		if y, ok := b.(float64); ok {
			return cmpOrdered(x, y)
		}
	case time.Time:
		if y, ok := b.(time.Time); ok {
			return x.Compare(y)
		}
	case string:
		if y, ok := b.(string); ok {
			if e.tree.IgnoresCase() {
				x, y = strings.ToLower(x), strings.ToLower(y)
			}
			return strings.Compare(x, y)
		}
	}
	return 2 // neither equal nor ordered
}

func cmpOrdered[T float64 | string](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// extreme returns a column's smallest and largest values over every row.
func (e *evaluator) extreme(internal string) [2]any {
	if x, ok := e.extremes[internal]; ok {
		return x
	}
	var x [2]any
	for _, row := range e.rows {
		v := e.cell(internal, row)
		if v == nil {
			continue
		}
		if x[0] == nil || e.compare(v, x[0]) < 0 {
			x[0] = v
		}
		if x[1] == nil || e.compare(v, x[1]) > 0 {
			x[1] = v
		}
	}
	if e.extremes == nil {
		e.extremes = map[string][2]any{}
	}
	e.extremes[internal] = x
	return x
}

func (e *evaluator) function(name, column string) any {
	switch name {
	case "TODAY", "SYSTEM_DATE":
		return e.now.Truncate(24 * time.Hour)
	case "NOW", "SYSTEM_TIME":
		return e.now
	case "MAX":
		return e.extreme(column)[1]
	}
	return e.extreme(column)[0]
}

// component returns the part of t the API names and the literal to
// compare it with, both as numbers or both as text.
func component(t time.Time, name string, lit any) (any, any) {
	_, week := t.ISOWeek()
	num := map[string]int{
		"year": t.Year(), "month": int(t.Month()), "day": t.Day(), "hour": t.Hour(), "minute": t.Minute(),
		"second": t.Second(), "week": week, "quarter": (int(t.Month())-1)/3 + 1,
		"day_of_week": (int(t.Weekday())+6)%7 + 1, "day_of_year": t.YearDay(),
	}
	if n, ok := num[name]; ok {
		v, _ := typedValue(lit, mammoth.ColumnTypeNumeric)
		return float64(n), v
	}
	text := map[string]string{"weekday_text": t.Weekday().String(), "month_text": t.Month().String(), "year_month": t.Format("2006-01")}
	return text[name], literalText(lit)
}

// truncate cuts t down to the start of its unit.
func truncate(t time.Time, unit string) time.Time {
	y, m, d := t.Date()
	switch unit {
	case "SECOND":
		return t.Truncate(time.Second)
	case "MINUTE":
		return t.Truncate(time.Minute)
	case "HOUR":
		return t.Truncate(time.Hour)
	case "DAY":
		return time.Date(y, m, d, 0, 0, 0, 0, t.Location())
	case "WEEK":
		return time.Date(y, m, d-(int(t.Weekday())+6)%7, 0, 0, 0, 0, t.Location())
	case "MONTH":
		return time.Date(y, m, 1, 0, 0, 0, 0, t.Location())
	case "QUARTER":
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, t.Location())
	}
	span := map[string]int{"YEAR": 1, "DECADE": 10, "CENTURY": 100, "MILLENNIUM": 1000}[unit]
	return time.Date(y-((y%span)+span)%span, 1, 1, 0, 0, 0, 0, t.Location())
}

// filteredSource returns the file a link serves: src itself, or, when
// the export had a condition, a fixed file of the rows it selects.
func (s *Server) filteredSource(link fileLink, src csvSource) (csvSource, error) {
	if len(link.condition) == 0 {
		return src, nil
	}
	data := src.data
	switch {
	case src.gen != nil:
		var buf bytes.Buffer
		if err := src.gen(&buf); err != nil {
			return src, err
		}
		data = buf.Bytes()
	case !src.set:
		data = []byte(DefaultCSV)
	}
	var out bytes.Buffer
	if err := s.filterCSV(&out, data, link.condition, link.columns); err != nil {
		return src, err
	}
	return csvSource{data: out.Bytes(), set: true}, nil
}
