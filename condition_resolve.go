package mammoth

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mammoth-io/mammoth-go/internal/condtree"
)

// resolveCondition returns c with the internal name of each column in
// cols in place of the name c gives it, the API's TEXT EQ/NE workaround
// applied, and operators that do not fit a column's type refused. It never
// changes c, and resolving its result again changes nothing.
//
// A name is looked up as an exact display name, then as an exact internal
// name, then as the one display name equal to it without regard to case.
// Errors are *ValidationError: a carried builder error, an object the API
// would not understand, an unknown or ambiguous name (the unknown one
// naming the closest columns), or a refusal for the column's type: a range
// on TEXT, a date function, component or truncation on anything but DATE,
// a text operator on anything but TEXT.
func resolveCondition(c Condition, cols []Column) (Condition, error) {
	if err := c.Err(); err != nil {
		return nil, err
	}
	t, err := decodeCondition(c)
	if err != nil {
		return nil, err
	}
	err = t.Root.Walk(func(n *condtree.Node) error {
		col, err := findColumn(cols, n.Column)
		if err != nil {
			return err
		}
		n.Column = col.InternalName
		if n.Operand.Shape == condtree.Column {
			other, err := findColumn(cols, n.Operand.Name)
			if err != nil {
				return err
			}
			n.Operand.Name = other.InternalName
		}
		if why := condtree.TypeRefusal(n.Op, n.Operand.Shape, string(col.Type)); why != "" {
			return &ValidationError{Field: "Condition", Reason: fmt.Sprintf("column %q: %s", col.DisplayName, why)}
		}
		// The API refuses EQ and NE with a literal on TEXT columns as a
		// type mismatch, and accepts the same test as a list of one.
		if col.Type == ColumnTypeText && n.Operand.Shape == condtree.Value && (n.Op == "EQ" || n.Op == "NE") {
			n.Op = map[string]string{"EQ": "IN_LIST", "NE": "NOT_IN_LIST"}[n.Op]
			n.Operand.Shape = condtree.List
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if t.Collides() {
		return nil, &ValidationError{Field: "Condition", Reason: "a condition on a column with the internal name STRING_PROP cannot ignore case"}
	}
	return Condition(t.Encode()), nil
}

// findColumn finds the column a condition names; see resolveCondition.
func findColumn(cols []Column, name string) (Column, error) {
	if found := filterColumns(cols, func(c Column) bool { return c.DisplayName == name }); len(found) > 0 {
		if len(found) > 1 {
			return Column{}, ambiguous(name, found, "share that display name; name the column by its internal name")
		}
		return found[0], nil
	}
	if i := slices.IndexFunc(cols, func(c Column) bool { return c.InternalName == name }); i >= 0 {
		return cols[i], nil
	}
	found := filterColumns(cols, func(c Column) bool { return strings.EqualFold(c.DisplayName, name) })
	switch len(found) {
	case 1:
		return found[0], nil
	case 0:
		return Column{}, unknownColumn(name, cols)
	}
	return Column{}, ambiguous(name, found, "match it when letter case is ignored; write the name exactly")
}

func filterColumns(cols []Column, keep func(Column) bool) []Column {
	var out []Column
	for _, c := range cols {
		if keep(c) {
			out = append(out, c)
		}
	}
	return out
}

func ambiguous(name string, found []Column, why string) error {
	return &ValidationError{Field: "Condition", Reason: fmt.Sprintf("column %q is ambiguous: %s %s", name, quoteColumns(found), why)}
}

// unknownColumn names up to three columns whose display names are close
// to name (by edit distance, ignoring case), or else the first columns of
// the dataview.
func unknownColumn(name string, cols []Column) error {
	if len(cols) == 0 {
		return &ValidationError{Field: "Condition", Reason: fmt.Sprintf("no column %q: the dataview has no columns", name)}
	}
	type scored struct {
		col  Column
		dist int
	}
	key := strings.ToLower(name)
	limit := max(2, utf8.RuneCountInString(key)/3)
	var close []scored
	for _, c := range cols {
		if d := editDistance(key, strings.ToLower(c.DisplayName)); d <= limit {
			close = append(close, scored{c, d})
		}
	}
	if len(close) == 0 {
		n := min(5, len(cols))
		more := ""
		if len(cols) > n {
			more = fmt.Sprintf(" and %d more", len(cols)-n)
		}
		return &ValidationError{Field: "Condition", Reason: fmt.Sprintf("no column %q; the dataview's columns are %s%s", name, quoteColumns(cols[:n]), more)}
	}
	slices.SortStableFunc(close, func(a, b scored) int { return cmp.Compare(a.dist, b.dist) })
	closest := make([]Column, 0, 3)
	for _, s := range close[:min(3, len(close))] {
		closest = append(closest, s.col)
	}
	return &ValidationError{Field: "Condition", Reason: fmt.Sprintf("no column %q; the closest are %s", name, quoteColumns(closest))}
}

func quoteColumns(cols []Column) string {
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("%q (%s)", c.DisplayName, c.InternalName)
	}
	return strings.Join(parts, ", ")
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] || unicode.SimpleFold(ra[i-1]) == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
