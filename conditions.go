package mammoth

import (
	"encoding/json"
	"errors"
	"maps"

	"github.com/mammoth-io/mammoth-go/internal/condtree"
)

// Condition selects the rows of a dataview an export sends, in the API's
// own nested format: column keys, AND / OR / NOT, STRING_PROP. It is
// assignable to [AddExportSpec].Condition. The empty (or nil) condition
// selects every row.
//
// Build one with [Col], [And], [Or] and [Not], or from text with
// [ParseCondition]; both name columns as the caller does (display names,
// usually), and [DataviewsService.ResolveCondition] puts the internal names
// the API needs in their place. The builder and the parser keep the
// structure as written: nested ANDs are not flattened and a double NOT is
// not removed.
//
// Numbers are stored as float64, as encoding/json decodes them, so a
// condition read back from the API equals the one that was built.
//
// # Errors
//
// The builder never panics. A call given a bad argument (a value that is
// not a text or a number, an operand where none fits, an empty column
// name) returns a condition that carries the error instead; [And], [Or],
// [Not] and [Condition.IgnoreCase] pass it on. [Condition.Err] reports it,
// and [ExportsService.AddExport] (with everything built on it) and
// [DataviewsService.ResolveCondition] return it as a *[ValidationError]
// before anything is sent. Such a condition cannot be encoded as JSON
// either, so it can never reach the API by another path.
type Condition map[string]any

// conditionErrorKey holds a builder error inside a condition. No column
// of a dataview is named with a NUL byte.
const conditionErrorKey = "\x00mammoth: invalid condition"

// conditionError is a builder error carried by a condition.
type conditionError struct{ reason string }

// MarshalJSON refuses to encode, so that a condition carrying an error
// never goes over the wire.
func (e *conditionError) MarshalJSON() ([]byte, error) {
	return nil, errors.New("mammoth: invalid condition: " + e.reason)
}

// badCondition returns a condition carrying an error.
func badCondition(reason string) Condition {
	return Condition{conditionErrorKey: &conditionError{reason: reason}}
}

// Err returns the error a builder call recorded in c, as a
// *[ValidationError] whose Field is "Condition", or nil when c carries
// none. It does not check that c is a condition the API understands; see
// [Condition.Validate] for that.
func (c Condition) Err() error {
	v, ok := condtree.Find(map[string]any(c), conditionErrorKey)
	if !ok {
		return nil
	}
	reason := "the condition carries an error"
	if e, ok := v.(*conditionError); ok {
		reason = e.reason
	}
	return &ValidationError{Field: "Condition", Reason: reason}
}

// Validate reports whether c is a condition in the API's format: the error
// [Condition.Err] reports, or a *[ValidationError] saying what in c has a
// shape the API does not understand. The empty condition is valid.
func (c Condition) Validate() error {
	if err := c.Err(); err != nil {
		return err
	}
	_, err := decodeCondition(c)
	return err
}

// decodeCondition reads c as a tree, or returns a *ValidationError.
func decodeCondition(c Condition) (*condtree.Tree, error) {
	t, err := condtree.Decode(c)
	if err != nil {
		return nil, &ValidationError{Field: "Condition", Reason: err.Error()}
	}
	return t, nil
}

// IgnoreCase returns a copy of c that compares text without regard to
// letter case, the API's top-level "STRING_PROP": {"CASE":
// "CASE-INSENSITIVE"}. The API reads the setting only at the top of a
// condition, so it applies to every comparison in c; [And], [Or] and [Not]
// move it to the top of what they build. IgnoreCase of the empty
// condition is the empty condition.
func (c Condition) IgnoreCase() Condition {
	if c.Err() != nil || len(c) == 0 {
		return c
	}
	if v, ok := c[condtree.KeyStringProp]; ok && !condtree.IsCaseProp(v) && len(c) == 1 {
		return badCondition("IgnoreCase: a condition on a column named STRING_PROP cannot also carry STRING_PROP; name the column by its internal name")
	}
	out := maps.Clone(c)
	out[condtree.KeyStringProp] = map[string]any{condtree.KeyCase: condtree.CaseInsensitive}
	return out
}

// And returns the condition that holds when every one of cs holds:
// {"AND": [c1, c2, …]} with the conditions in order and nested ANDs kept.
// Empty conditions (every row) add nothing: And of one condition is that
// condition, and And of none is the empty condition.
func And(cs ...Condition) Condition { return combine(condtree.KeyAnd, cs) }

// Or returns the condition that holds when any of cs holds: {"OR": [c1,
// c2, …]}. Or of one condition is that condition, and Or of none is the
// empty condition. An empty condition among cs selects every row, and so
// does the result: Or then returns the empty condition.
func Or(cs ...Condition) Condition { return combine(condtree.KeyOr, cs) }

// Not returns the condition that holds when c does not: {"NOT": c}. A
// double negation is kept as written. The API has no condition that
// selects no rows, so Not of the empty condition carries an error (see
// [Condition] for how errors surface).
func Not(c Condition) Condition {
	if c.Err() != nil {
		return c
	}
	if len(c) == 0 {
		return badCondition("Not: the negation of the empty condition selects no rows, which the API cannot express")
	}
	inner, ignore := withoutCase(c)
	return withCase(Condition{condtree.KeyNot: inner}, ignore)
}

func combine(key string, cs []Condition) Condition {
	for _, c := range cs {
		if c.Err() != nil {
			return c
		}
	}
	items := make([]any, 0, len(cs))
	ignore := false
	for _, c := range cs {
		if len(c) == 0 {
			if key == condtree.KeyOr {
				return Condition{}
			}
			continue
		}
		inner, ic := withoutCase(c)
		ignore = ignore || ic
		items = append(items, inner)
	}
	switch len(items) {
	case 0:
		return Condition{}
	case 1:
		return withCase(Condition(items[0].(map[string]any)), ignore)
	}
	return withCase(Condition{key: items}, ignore)
}

// withoutCase returns c as a plain map without its STRING_PROP, and
// whether that STRING_PROP asked to ignore case.
func withoutCase(c Condition) (map[string]any, bool) {
	v, ok := c[condtree.KeyStringProp]
	if !ok || !condtree.IsCaseProp(v) {
		return map[string]any(c), false
	}
	out := maps.Clone(map[string]any(c))
	delete(out, condtree.KeyStringProp)
	m, _ := v.(map[string]any)
	return out, m[condtree.KeyCase] == condtree.CaseInsensitive
}

func withCase(c Condition, ignore bool) Condition {
	if ignore {
		return c.IgnoreCase()
	}
	return c
}

// String writes c in the text form [ParseCondition] reads, so that
// ParseCondition(c.String()) equals c for every condition the parser or
// the builder makes. Columns are written as c names them; see
// [Condition.Display] for conditions with internal names. The empty
// condition is "".
//
// A condition the text form cannot express (an object in another shape,
// such as one the API sent back in a form this package does not know) is
// written as its JSON, which ParseCondition refuses; one that carries a
// builder error is written as "<invalid condition: reason>".
func (c Condition) String() string { return c.Display(nil) }

// Display writes c in the text form, with the display name of each column
// in cols in place of its internal name: a condition read back from the
// API ([ItemExportInfo].Condition) prints as the user wrote it. Names not
// among cols' internal names are written as they are.
func (c Condition) Display(cols []Column) string {
	if err := c.Err(); err != nil {
		var v *ValidationError
		errors.As(err, &v)
		return "<invalid condition: " + v.Reason + ">"
	}
	t, err := condtree.Decode(c)
	if err != nil {
		b, err := json.Marshal(map[string]any(c))
		if err != nil {
			return "<invalid condition>"
		}
		return string(b)
	}
	if len(cols) > 0 {
		names := make(map[string]string, len(cols))
		for _, col := range cols {
			names[col.InternalName] = col.DisplayName
		}
		rename := func(s string) string {
			if d, ok := names[s]; ok {
				return d
			}
			return s
		}
		_ = t.Root.Walk(func(n *condtree.Node) error {
			n.Column = rename(n.Column)
			if n.Operand.Shape == condtree.Column {
				n.Operand.Name = rename(n.Operand.Name)
			}
			return nil
		})
	}
	return formatTree(t)
}
