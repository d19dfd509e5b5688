package mammoth

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/mammoth-io/mammoth-go/internal/condtree"
)

// ConditionSyntaxError reports text [ParseCondition] cannot read: where,
// what was expected there, and what was found instead.
type ConditionSyntaxError struct {
	// Offset is the byte offset of the problem in the text.
	Offset int
	// Line and Column are the 1-based line and column (in characters) of
	// the same place.
	Line, Column int
	// Expected says what the grammar allows there, such as `"(" after
	// "in"` or "a column name".
	Expected string
	// Found is what is there: a quoted piece of the text, or "the end of
	// the text".
	Found string
}

// Error returns "mammoth: condition: at line L, column C (offset O):
// expected E, found F".
func (e *ConditionSyntaxError) Error() string {
	return fmt.Sprintf("mammoth: condition: at line %d, column %d (offset %d): expected %s, found %s",
		e.Line, e.Column, e.Offset, e.Expected, e.Found)
}

// ParseCondition reads a condition in its text form:
//
//	Sales >= 1000 and Region in ('West', 'East')
//	not (Email contains 'gmail.com') or `Order Date` >= today()
//	year(`Order Date`) = 2024 and trunc(`Order Date`, month) < '2024-07-01'
//	Region = 'west' ignoring case
//
// Keywords (and, or, not, in, between, is, empty, max, min, contains,
// starts, ends, with, icontains, trunc, ignoring, case) are read in any
// letter case. and binds tighter than or; parentheses group. A column is
// a bare name (a letter or "_", then letters, digits or "_", and not a
// keyword) or any name in backticks, where a doubled backtick stands for one. A value is
// a number (-12, 3.5, 1e6) or a text in single or double quotes, where a
// doubled quote is one quote. On the right of a comparison a bare name is
// another column and name() is a date function (today, now, max, min,
// system_date, system_time). On the left, part(column) compares a date
// component (see [DateComponents]) and trunc(column, unit) a truncated
// date (see [TruncationUnits]); both are read in any case and sent as the
// API spells them.
//
// The comparisons are = != < <= > >=, [not] in (v, …), between v and v,
// is [not] empty|max|min, [not] contains v or (v, …), [not] starts with
// v, [not] ends with v and icontains v; "ignoring case" at the very end
// makes the whole condition compare text without case. The structure is
// kept as written: a and (b and c) is an AND inside an AND. The empty
// text (or only spaces) is the empty condition, every row.
//
// Columns are kept as named; [DataviewsService.ResolveCondition] puts in
// the API's internal names. An error is a *[ConditionSyntaxError].
func ParseCondition(text string) (Condition, error) {
	p := &parser{text: text}
	if err := p.lex(); err != nil {
		return nil, err
	}
	t := &condtree.Tree{}
	if p.peek().kind != tokEnd {
		root, err := p.condition()
		if err != nil {
			return nil, err
		}
		t.Root = root
		if p.peekWord("ignoring") {
			ignoring := p.next()
			if _, err := p.expectWord("case", `"case" after "ignoring"`); err != nil {
				return nil, err
			}
			t.HasCase, t.Case = true, condtree.CaseInsensitive
			if t.Collides() {
				return nil, p.errorAt(ignoring, "no \"ignoring case\" on a single comparison of a column named STRING_PROP (the API keeps its case setting under that key)")
			}
		}
	}
	if tok := p.peek(); tok.kind != tokEnd {
		return nil, p.errorAt(tok, `"and", "or", "ignoring case" or the end of the text`)
	}
	return Condition(t.Encode()), nil
}

type tokenKind int

const (
	tokEnd tokenKind = iota
	tokWord
	tokQuotedName
	tokText
	tokNumber
	tokSymbol
	tokInvalid // a character the grammar has no use for
)

type token struct {
	kind  tokenKind
	text  string // the name, text, number or symbol
	num   float64
	start int // byte offset
	end   int
}

type parser struct {
	text   string
	tokens []token
	pos    int
	depth  int // of "not" and "(" around the current factor
}

// maxConditionDepth bounds the nesting of "not" and parentheses, so that
// text from anywhere cannot exhaust the stack.
const maxConditionDepth = 1000

// lex splits the text into tokens.
func (p *parser) lex() error {
	s := p.text
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			return p.errorAtOffset(i, "valid UTF-8 text", fmt.Sprintf("the byte %#x", s[i]))
		case unicode.IsSpace(r):
			i += size
		case isNameRune(r, true):
			j := i + size
			for j < len(s) {
				r2, n := utf8.DecodeRuneInString(s[j:])
				if !isNameRune(r2, false) {
					break
				}
				j += n
			}
			p.tokens = append(p.tokens, token{kind: tokWord, text: s[i:j], start: i, end: j})
			i = j
		case r == '`' || r == '\'' || r == '"':
			val, end, ok := unquote(s, i, byte(r))
			if !ok {
				return p.errorAtOffset(len(s), "a closing "+string(r)+" for the one at offset "+strconv.Itoa(i), "the end of the text")
			}
			if !utf8.ValidString(val) {
				return p.errorAtOffset(i, "valid UTF-8 text inside the quotes", "invalid bytes")
			}
			kind := tokText
			if r == '`' {
				kind = tokQuotedName
			}
			p.tokens = append(p.tokens, token{kind: kind, text: val, start: i, end: end})
			i = end
		case r == '-' || (r >= '0' && r <= '9'):
			tok, err := p.number(i)
			if err != nil {
				return err
			}
			p.tokens = append(p.tokens, tok)
			i = tok.end
		default:
			sym := ""
			for _, op := range []string{"<=", ">=", "!=", "=", "<", ">", "(", ")", ","} {
				if strings.HasPrefix(s[i:], op) {
					sym = op
					break
				}
			}
			if sym == "" {
				// The parser says what it expected here.
				p.tokens = append(p.tokens, token{kind: tokInvalid, text: string(r), start: i, end: i + size})
				i += size
				continue
			}
			p.tokens = append(p.tokens, token{kind: tokSymbol, text: sym, start: i, end: i + len(sym)})
			i += len(sym)
		}
	}
	p.tokens = append(p.tokens, token{kind: tokEnd, start: len(s), end: len(s)})
	return nil
}

// unquote reads a quoted piece starting at s[i] == q, where a doubled q is
// one q. It returns the content and the offset after the closing quote.
func unquote(s string, i int, q byte) (string, int, bool) {
	var b strings.Builder
	for j := i + 1; j < len(s); j++ {
		if s[j] != q {
			b.WriteByte(s[j])
			continue
		}
		if j+1 < len(s) && s[j+1] == q {
			b.WriteByte(q)
			j++
			continue
		}
		return b.String(), j + 1, true
	}
	return "", 0, false
}

// number reads [-]digits[.digits][(e|E)[+|-]digits] at offset i.
func (p *parser) number(i int) (token, error) {
	s := p.text
	j := i
	digits := func(what string) error {
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == k {
			return p.errorAtOffset(j, what, p.describeOffset(j))
		}
		return nil
	}
	if s[j] == '-' {
		j++
	}
	if err := digits(`a digit after "-"`); err != nil {
		return token{}, err
	}
	if j < len(s) && s[j] == '.' {
		j++
		if err := digits(`a digit after "."`); err != nil {
			return token{}, err
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if err := digits("a digit in the exponent"); err != nil {
			return token{}, err
		}
	}
	if j < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[j:]); isNameRune(r, false) {
			return token{}, p.errorAtOffset(j, "a space or an operator after the number "+strconv.Quote(s[i:j]), p.describeOffset(j))
		}
	}
	f, err := strconv.ParseFloat(s[i:j], 64)
	if err != nil || math.IsInf(f, 0) {
		return token{}, p.errorAtOffset(i, "a number within the range of a float64", strconv.Quote(s[i:j]))
	}
	return token{kind: tokNumber, text: s[i:j], num: f, start: i, end: j}, nil
}

func (p *parser) peek() token { return p.tokens[p.pos] }

func (p *parser) peekAt(k int) token { return p.tokens[min(p.pos+k, len(p.tokens)-1)] }

func (p *parser) next() token {
	t := p.tokens[p.pos]
	if t.kind != tokEnd {
		p.pos++
	}
	return t
}

func isWord(t token, w string) bool { return t.kind == tokWord && strings.EqualFold(t.text, w) }

func (p *parser) peekWord(w string) bool { return isWord(p.peek(), w) }

func (p *parser) peekSymbol(sym string) bool {
	t := p.peek()
	return t.kind == tokSymbol && t.text == sym
}

func (p *parser) expectWord(w, expected string) (token, error) {
	if !p.peekWord(w) {
		return token{}, p.errorAt(p.peek(), expected)
	}
	return p.next(), nil
}

func (p *parser) expectSymbol(sym, expected string) error {
	if !p.peekSymbol(sym) {
		return p.errorAt(p.peek(), expected)
	}
	p.next()
	return nil
}

// condition = term { "or" term }
func (p *parser) condition() (*condtree.Node, error) {
	return p.chain(condtree.Or, "or", p.term)
}

// term = factor { "and" factor }
func (p *parser) term() (*condtree.Node, error) {
	return p.chain(condtree.And, "and", p.factor)
}

func (p *parser) chain(kind condtree.Kind, word string, part func() (*condtree.Node, error)) (*condtree.Node, error) {
	first, err := part()
	if err != nil {
		return nil, err
	}
	children := []*condtree.Node{first}
	for p.peekWord(word) {
		p.next()
		c, err := part()
		if err != nil {
			return nil, err
		}
		children = append(children, c)
	}
	if len(children) == 1 {
		return first, nil
	}
	return &condtree.Node{Kind: kind, Children: children}, nil
}

// factor = "not" factor | "(" condition ")" | comparison
func (p *parser) factor() (*condtree.Node, error) {
	if p.depth++; p.depth > maxConditionDepth {
		return nil, p.errorAt(p.peek(), fmt.Sprintf("at most %d levels of \"not\" and parentheses", maxConditionDepth))
	}
	defer func() { p.depth-- }()
	switch {
	case p.peekWord("not"):
		p.next()
		c, err := p.factor()
		if err != nil {
			return nil, err
		}
		return &condtree.Node{Kind: condtree.Not, Children: []*condtree.Node{c}}, nil
	case p.peekSymbol("("):
		p.next()
		c, err := p.condition()
		if err != nil {
			return nil, err
		}
		if err := p.expectSymbol(")", `"and", "or" or ")"`); err != nil {
			return nil, err
		}
		return c, nil
	}
	return p.comparison()
}

func (p *parser) comparison() (*condtree.Node, error) {
	if t := p.peek(); t.kind == tokWord && isSymbol(p.peekAt(1), "(") {
		return p.dateComparison()
	}
	col, err := p.column("a condition: a column name, \"not\" or \"(\"")
	if err != nil {
		return nil, err
	}
	n := &condtree.Node{Kind: condtree.Leaf, Column: col}
	t := p.peek()
	if t.kind == tokSymbol {
		if op, ok := symbolOps[t.text]; ok {
			p.next()
			n.Op = op
			n.Operand, err = p.operand()
			return n, err
		}
	}
	negated := false
	if p.peekWord("not") {
		p.next()
		negated = true
	}
	word := p.peek()
	switch {
	case isWord(word, "in"):
		p.next()
		n.Op = pick(negated, "NOT_IN_LIST", "IN_LIST")
		if err := p.expectSymbol("(", `"(" after "in"`); err != nil {
			return nil, err
		}
		n.Operand, err = p.list()
	case isWord(word, "contains"):
		p.next()
		n.Op = pick(negated, "NOT_CONTAINS", "CONTAINS")
		if p.peekSymbol("(") {
			p.next()
			n.Operand, err = p.list()
		} else {
			n.Operand, err = p.single(condtree.List, `a value or "(" after "contains"`)
		}
	case isWord(word, "starts"), isWord(word, "ends"):
		p.next()
		if _, err := p.expectWord("with", fmt.Sprintf(`"with" after %q`, word.text)); err != nil {
			return nil, err
		}
		op := pick(isWord(word, "starts"), "STARTS_WITH", "ENDS_WITH")
		n.Op = pick(negated, "NOT_"+op, op)
		n.Operand, err = p.single(condtree.Value, "a value after \"with\"")
	case negated:
		return nil, p.errorAt(word, `"in", "contains", "starts with" or "ends with" after "not"`)
	case isWord(word, "between"):
		p.next()
		low, err := p.value("a value after \"between\"")
		if err != nil {
			return nil, err
		}
		if _, err := p.expectWord("and", `"and" between the two values of "between"`); err != nil {
			return nil, err
		}
		high, err := p.value(`a value after "and"`)
		if err != nil {
			return nil, err
		}
		n.Op, n.Operand = "IN_RANGE", condtree.Operand{Shape: condtree.Range, Values: []any{low, high}}
	case isWord(word, "is"):
		p.next()
		not := p.peekWord("not")
		if not {
			p.next()
		}
		what := p.peek()
		k := ""
		for _, w := range [][2]string{{"empty", "EMPTY"}, {"max", "MAXVAL"}, {"min", "MINVAL"}} {
			if isWord(what, w[0]) {
				k = w[1]
			}
		}
		if k == "" {
			return nil, p.errorAt(what, pick(not, `"empty", "max" or "min" after "is not"`, `"not", "empty", "max" or "min" after "is"`))
		}
		p.next()
		n.Op, n.Operand = pick(not, "IS_NOT_", "IS_")+k, condtree.Operand{Shape: condtree.NoValue}
	case isWord(word, "icontains"):
		p.next()
		n.Op = "ICONTAINS"
		n.Operand, err = p.single(condtree.Value, "a value after \"icontains\"")
	default:
		return nil, p.errorAt(word, "an operator: =, !=, <, <=, >, >=, in, not in, between, is, contains, not contains, starts with, ends with, not starts with, not ends with or icontains")
	}
	return n, err
}

var symbolOps = map[string]string{"=": "EQ", "!=": "NE", "<": "LT", "<=": "LTE", ">": "GT", ">=": "GTE"}

func isSymbol(t token, sym string) bool { return t.kind == tokSymbol && t.text == sym }

func pick(cond bool, yes, no string) string {
	if cond {
		return yes
	}
	return no
}

// dateComparison reads part(column) op value or trunc(column, unit) op
// value.
func (p *parser) dateComparison() (*condtree.Node, error) {
	fn := p.next()
	p.next() // "("
	var o condtree.Operand
	if !isWord(fn, "trunc") {
		name, ok := condtree.Canonical(condtree.DateComponents, fn.text)
		if !ok {
			return nil, p.errorAt(fn, "a date component ("+strings.Join(condtree.DateComponents, ", ")+") or trunc before \"(\"")
		}
		o = condtree.Operand{Shape: condtree.Component, Name: name}
	}
	col, err := p.column("a column name inside " + strconv.Quote(fn.text+"("))
	if err != nil {
		return nil, err
	}
	if o.Shape != condtree.Component {
		if err := p.expectSymbol(",", `"," and a unit after the column of trunc`); err != nil {
			return nil, err
		}
		unit := p.peek()
		name, ok := condtree.Canonical(condtree.TruncUnits, unit.text)
		if unit.kind != tokWord || !ok {
			return nil, p.errorAt(unit, "a truncation unit ("+strings.ToLower(strings.Join(condtree.TruncUnits, ", "))+")")
		}
		p.next()
		o = condtree.Operand{Shape: condtree.Truncate, Name: name}
	}
	if err := p.expectSymbol(")", `")"`); err != nil {
		return nil, err
	}
	t := p.peek()
	op, ok := symbolOps[t.text]
	if t.kind != tokSymbol || !ok {
		return nil, p.errorAt(t, "a comparison (=, !=, <, <=, >, >=) after "+strconv.Quote(fn.text+"(…)"))
	}
	p.next()
	v, err := p.value("a value (a number or a quoted text) to compare " + strconv.Quote(fn.text+"(…)") + " with")
	if err != nil {
		return nil, err
	}
	o.Values = []any{v}
	return &condtree.Node{Kind: condtree.Leaf, Column: col, Op: op, Operand: o}, nil
}

// operand = value | column | function "(" ")"
func (p *parser) operand() (condtree.Operand, error) {
	t := p.peek()
	switch {
	case t.kind == tokWord && isSymbol(p.peekAt(1), "("):
		name, ok := condtree.Canonical(condtree.DateFunctions, t.text)
		if !ok {
			return condtree.Operand{}, p.errorAt(t, "a date function (today, now, max, min, system_date, system_time) before \"(\"")
		}
		p.next()
		p.next()
		if err := p.expectSymbol(")", `")" after `+strconv.Quote(t.text+"(")); err != nil {
			return condtree.Operand{}, err
		}
		return condtree.Operand{Shape: condtree.Function, Name: name}, nil
	case t.kind == tokWord || t.kind == tokQuotedName:
		name, err := p.column("a value, a column or a date function")
		return condtree.Operand{Shape: condtree.Column, Name: name}, err
	}
	return p.single(condtree.Value, "a value, a column or a date function")
}

// list reads value { "," value } ")" after its "(".
func (p *parser) list() (condtree.Operand, error) {
	o := condtree.Operand{Shape: condtree.List}
	for {
		v, err := p.value("a value in the list")
		if err != nil {
			return o, err
		}
		o.Values = append(o.Values, v)
		if p.peekSymbol(")") {
			p.next()
			return o, nil
		}
		if err := p.expectSymbol(",", `"," or ")" in the list`); err != nil {
			return o, err
		}
	}
}

func (p *parser) single(shape condtree.Shape, expected string) (condtree.Operand, error) {
	v, err := p.value(expected)
	return condtree.Operand{Shape: shape, Values: []any{v}}, err
}

// value = number | 'text' | "text"
func (p *parser) value(expected string) (any, error) {
	t := p.peek()
	switch t.kind {
	case tokNumber:
		p.next()
		return t.num, nil
	case tokText:
		p.next()
		return t.text, nil
	}
	return nil, p.errorAt(t, expected)
}

// column = name | `any name`
func (p *parser) column(expected string) (string, error) {
	t := p.peek()
	switch {
	case t.kind == tokQuotedName && t.text == "":
		return "", p.errorAt(t, "a column name inside the backticks")
	case t.kind == tokQuotedName && strings.Contains(t.text, "\x00"):
		return "", p.errorAt(t, "a column name without NUL bytes")
	case t.kind == tokQuotedName, t.kind == tokWord && !isKeyword(t.text):
		p.next()
		return t.text, nil
	case t.kind == tokWord:
		return "", p.errorAt(t, expected+" (a column named "+strconv.Quote(t.text)+" goes in backticks)")
	}
	return "", p.errorAt(t, expected)
}

func (p *parser) errorAt(t token, expected string) error {
	found := "the end of the text"
	if t.kind != tokEnd {
		found = strconv.Quote(shorten(p.text[t.start:t.end]))
	}
	return p.errorAtOffset(t.start, expected, found)
}

func (p *parser) describeOffset(i int) string {
	if i >= len(p.text) {
		return "the end of the text"
	}
	r, _ := utf8.DecodeRuneInString(p.text[i:])
	return strconv.Quote(string(r))
}

func (p *parser) errorAtOffset(offset int, expected, found string) error {
	before := p.text[:offset]
	line := strings.Count(before, "\n") + 1
	col := utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return &ConditionSyntaxError{Offset: offset, Line: line, Column: col, Expected: expected, Found: found}
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 30 {
		return s
	}
	r := []rune(s)
	return string(r[:27]) + "…"
}
