package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// parseInterspersed parses flags wherever they stand among the positional
// arguments, which it returns; everything after "--" is positional. A
// negative number is an argument, not a flag, unless it is a flag's
// value: "exports get -5" is told that -5 is no export id, not that there
// is no flag -5.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		k := negativeArg(fs, args)
		head := args[:k]
		for {
			if err := fs.Parse(head); err != nil {
				return nil, err
			}
			rest := fs.Args()
			if n := len(head) - len(rest); n > 0 && head[n-1] == "--" {
				return append(append(pos, rest...), args[k:]...), nil
			}
			if len(rest) == 0 {
				break
			}
			pos = append(pos, rest[0])
			head = rest[1:]
		}
		if k < len(args) {
			pos = append(pos, args[k])
			k++
		}
		args = args[k:]
	}
	return pos, nil
}

// negativeArg returns the index of the first negative number among args
// that is not the value of the flag before it, or len(args).
func negativeArg(fs *flag.FlagSet, args []string) int {
	for i, a := range args {
		if a == "--" {
			break
		}
		if len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9' && (i == 0 || !takesValue(fs, args[i-1])) {
			return i
		}
	}
	return len(args)
}

// flagNameOf returns the name in a flag written -name or --name, without a
// value after "=".
func flagNameOf(arg string) (string, bool) {
	if !strings.HasPrefix(arg, "-") || arg == "-" || arg == "--" || strings.Contains(arg, "=") {
		return "", false
	}
	return strings.TrimLeft(arg, "-"), true
}

// takesValue reports whether arg is a flag of fs that takes the next
// argument as its value.
func takesValue(fs *flag.FlagSet, arg string) bool {
	name, ok := flagNameOf(arg)
	if !ok {
		return false
	}
	f := fs.Lookup(name)
	return f != nil && !isBoolFlag(f)
}

func isBoolFlag(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// explainStray improves err, the complaint about the positional
// arguments, when one of them follows a true/false flag and is its value,
// not an argument: "--runnable false" sets --runnable to true and leaves
// "false" over. An argument is taken for such a value when it reads as a
// boolean or as no id, and the others are right without it.
func explainStray(fs *flag.FlagSet, args, pos []string, err error, argsOK func([]string) bool) error {
	end := slices.Index(args, "--")
	if end < 0 {
		end = len(args)
	}
	for i := 1; i < end; i++ {
		j := slices.Index(pos, args[i])
		name, ok := flagNameOf(args[i-1])
		if j < 0 || !ok {
			continue
		}
		f := fs.Lookup(name)
		_, boolErr := strconv.ParseBool(args[i])
		_, numErr := strconv.Atoi(args[i])
		if f == nil || !isBoolFlag(f) || (boolErr != nil && numErr == nil) || !argsOK(slices.Delete(slices.Clone(pos), j, j+1)) {
			continue
		}
		return usagef("unexpected argument %q after --%s: a true/false flag takes its value after \"=\", as in --%s=false; --%s alone means true",
			args[i], name, name, name)
	}
	return err
}

// durationFlag is a flag holding a duration that is not negative.
type durationFlag time.Duration

func (d *durationFlag) String() string { return time.Duration(*d).String() }

func (d *durationFlag) Set(s string) error {
	v, err := time.ParseDuration(s)
	switch {
	case err != nil:
		return errors.New("must be a duration such as 500ms, 30s, 5m or 1h30m")
	case v < 0:
		return errors.New("must not be negative")
	}
	*d = durationFlag(v)
	return nil
}

// enumFlag is a flag whose value must be one of a few words, matched in
// any letter case and kept as written in the list.
type enumFlag struct {
	v       string
	allowed []string
}

// enum registers an enumFlag and returns where its value is kept.
func enum(fs *flag.FlagSet, name, usage string, allowed ...string) *string {
	e := &enumFlag{allowed: allowed}
	fs.Var(e, name, usage)
	return &e.v
}

func (e *enumFlag) String() string {
	if e == nil {
		return ""
	}
	return e.v
}

func (e *enumFlag) Set(s string) error {
	for _, a := range e.allowed {
		if strings.EqualFold(s, a) {
			e.v = a
			return nil
		}
	}
	return fmt.Errorf("must be %s", orList(e.allowed))
}

// words are the values of a string enum, as strings.
func words[T ~string](values ...T) []string {
	s := make([]string, len(values))
	for i, v := range values {
		s[i] = string(v)
	}
	return s
}

// orList joins words as "a, b or c".
func orList(words []string) string {
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}

// optional is an integer or boolean flag that knows whether it was given.
// As a boolean, --runnable means true, --runnable=false false, and neither
// no filter.
type optional[T int | bool] struct {
	v   T
	set bool
}

func (o *optional[T]) String() string {
	if o == nil || !o.set {
		return ""
	}
	return fmt.Sprint(o.v)
}

func (o *optional[T]) Set(s string) error {
	switch p := any(&o.v).(type) {
	case *int:
		n, err := strconv.Atoi(s)
		if err != nil {
			return errors.New("must be a whole number")
		}
		*p = n
	case *bool:
		b, err := strconv.ParseBool(s)
		if err != nil {
			return errors.New("must be true or false")
		}
		*p = b
	}
	o.set = true
	return nil
}

// IsBoolFlag lets a boolean be given without a value.
func (o *optional[T]) IsBoolFlag() bool {
	_, ok := any(o.v).(bool)
	return ok
}

// ptr returns the value, or nil when the flag was not given.
func (o *optional[T]) ptr() *T {
	if !o.set {
		return nil
	}
	return &o.v
}
