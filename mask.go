package mammoth

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"unicode/utf8"
)

// masker hides the API secret in whatever the SDK derives from an answer: a
// server that echoes the secret back, raw or JSON-escaped, must not get it
// into an error or a log record. (Success bodies are data the caller asked
// for and are decoded as sent.) The secret lives only in the closures, out
// of reach of fmt's reflection.
type masker struct {
	// bytes masks a body before it is decoded: the raw secret, its URL
	// escapes, and every JSON string that decodes to something containing
	// it, whatever escapes it is written with.
	bytes func([]byte) []byte
	// str masks text the SDK builds from an answer the same way: a decoded
	// string, or text that quotes JSON (a decoding error, a reason that is
	// a JSON value).
	str func(string) string
}

func newMasker(secret string) masker {
	p1, p2 := maskPlaceholders(secret)
	// Forms the secret takes in raw bytes: itself and its URL escapes.
	forms := [][]byte{[]byte(secret)}
	for _, f := range []string{url.QueryEscape(secret), url.PathEscape(secret)} {
		if f != secret {
			forms = append(forms, []byte(f))
		}
	}
	literal := func(s string) string { return maskString(s, secret, p1, p2) }
	// Decoding turns invalid UTF-8 into U+FFFD, so only for a secret that
	// holds one can a string without escapes decode to it.
	decodesToFFFD := strings.ContainsRune(secret, utf8.RuneError)
	var m masker
	m.str = func(s string) string {
		if !decodesToFFFD && !strings.Contains(s, `\`) {
			clean := true
			for _, f := range forms {
				clean = clean && !strings.Contains(s, string(f))
			}
			if clean {
				return s // the common case, without allocating
			}
		}
		return string(m.bytes([]byte(s)))
	}
	m.bytes = func(b []byte) []byte {
		raw := func(b []byte) []byte {
			for _, f := range forms {
				b = maskBytes(b, f, p1, p2)
			}
			return b
		}
		b = raw(b)
		// Re-encoding a masked string escapes quotes and backslashes,
		// which a secret may hold raw: mask the raw forms once more.
		if m := maskJSONStrings(b, secret, decodesToFFFD, literal); len(m) != len(b) || !bytes.Equal(m, b) {
			b = raw(m)
		}
		return b
	}
	return m
}

// maskPlaceholders returns the placeholder that stands in for the secret
// and a fallback that shares no character with it. The usual one is
// [secretPlaceholder]; but a secret such as "ED" or "D]x" could appear in
// or across it, so when one replacement leaves the secret in the text, the
// text is masked again from scratch with the fallback, which cannot combine
// with its surroundings into the secret.
func maskPlaceholders(secret string) (usual, disjoint string) {
	// Neither quotes, backslashes nor hex digits, so that putting it in a
	// JSON text cannot complete an escape; past ASCII when the secret holds
	// every one of these.
	candidates := []rune("*#~_-=+!%&:;^|@$?,.")
	for r := rune(0x100); len(candidates) < len(secret)+32; r++ {
		candidates = append(candidates, r)
	}
	for _, r := range candidates {
		if !strings.ContainsRune(secret, r) {
			disjoint = strings.Repeat(string(r), 3)
			break
		}
	}
	usual = secretPlaceholder
	if strings.Contains(usual, secret) {
		usual = disjoint
	}
	return usual, disjoint
}

func maskString(s, secret, usual, disjoint string) string {
	if !strings.Contains(s, secret) {
		return s
	}
	if m := strings.ReplaceAll(s, secret, usual); !strings.Contains(m, secret) {
		return m
	}
	return strings.ReplaceAll(s, secret, disjoint)
}

func maskBytes(b, secret []byte, usual, disjoint string) []byte {
	if !bytes.Contains(b, secret) {
		return b
	}
	if m := bytes.ReplaceAll(b, secret, []byte(usual)); !bytes.Contains(m, secret) {
		return m
	}
	return bytes.ReplaceAll(b, secret, []byte(disjoint))
}

// maskJSONStrings rewrites every JSON string in b that contains an escape
// (or, when rawUTF8 is set, a byte outside ASCII) and decodes to text
// holding the secret, with the secret masked in its decoded text. Other
// strings were already masked as raw bytes, and the rest of b is left byte
// for byte. b need not be valid JSON: a
// string token that does not decode is kept as it is, since no decoder
// can read the secret out of it either.
func maskJSONStrings(b []byte, secret string, rawUTF8 bool, mask func(string) string) []byte {
	if bytes.IndexByte(b, '\\') < 0 && !rawUTF8 {
		return b
	}
	var out []byte // nil until something changes
	last := 0
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		end, escaped := stringEnd(b, i, rawUTF8)
		if end < 0 {
			break
		}
		if escaped {
			var s string
			if json.Unmarshal(b[i:end+1], &s) == nil && strings.Contains(s, secret) {
				enc, _ := json.Marshal(mask(s))
				out = append(append(out, b[last:i]...), enc...)
				last = end + 1
			}
		}
		i = end
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// stringEnd returns the index of the quote that closes the JSON string
// opening at b[start], or -1, and whether the string holds an escape (or,
// with nonASCII, a byte outside ASCII).
func stringEnd(b []byte, start int, nonASCII bool) (end int, escaped bool) {
	for j := start + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '\\':
			escaped = true
			j++
		case c == '"':
			return j, escaped
		case c >= utf8.RuneSelf && nonASCII:
			escaped = true
		}
	}
	return -1, escaped
}

// err returns err, or when its text holds the secret (raw, URL-escaped, or
// in a JSON string it quotes), an error with the
// masked text that still matches what err matches with [errors.Is] (a
// timeout, a cancellation) but no longer unwraps to the unmasked error.
func (m masker) err(err error) error {
	if err == nil {
		return nil
	}
	text := err.Error()
	if masked := m.str(text); masked != text {
		return &maskedError{text: masked, err: err}
	}
	return err
}

type maskedError struct {
	text string
	err  error
}

func (e *maskedError) Error() string { return e.text }

func (e *maskedError) Is(target error) bool { return errors.Is(e.err, target) }

func (e *maskedError) Timeout() bool {
	var te interface{ Timeout() bool }
	return errors.As(e.err, &te) && te.Timeout()
}
