package gongxu

import (
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// JSONLimits bound the shape of a JSON value that the ledger accepts: signed
// message bodies and the documents they carry.
type JSONLimits struct {
	MaxDepth   int // nesting of objects and arrays
	MaxMembers int // object members plus array items, summed over the value
	MaxKeyLen  int // bytes of one object key as written
}

// DefaultJSONLimits are the limits of a signed message body. They sit far
// above what any message or GS1 EPCIS document needs (a 1,000-event capture
// has some 30,000 members and nests less than 10 deep).
var DefaultJSONLimits = JSONLimits{MaxDepth: 32, MaxMembers: 200_000, MaxKeyLen: 256}

// CheckJSON checks that raw is one JSON value with exactly one meaning, in
// time linear in its length:
//
//   - well-formed, valid UTF-8 in and out of escapes (no lone surrogates);
//   - compact: no whitespace between tokens, so padding buys no block space
//     and the same value has the same bytes;
//   - no object with two keys that are equal after unescaping, or equal
//     under Unicode case folding ("id" and "ID", "description" and
//     "\u0064escription", "k" and the Kelvin sign): readers that match keys
//     exactly, case-insensitively or last-wins would each see another value;
//   - within lim.
//
// Errors are of KindInvalid (KindTooLarge for the limits), with the byte
// offset of the problem.
func CheckJSON(raw []byte, lim JSONLimits) error {
	s := jsonScanner{b: raw, lim: lim}
	if err := s.value(0); err != nil {
		return err
	}
	if s.p != len(raw) {
		return s.fail("data after the JSON value")
	}
	return nil
}

type jsonScanner struct {
	b       []byte
	p       int
	lim     JSONLimits
	members int
	key     []byte // scratch: the folded key being read
}

func (s *jsonScanner) fail(what string) error {
	return Errorf(KindInvalid, "JSON at byte %d: %s", s.p, what)
}

func (s *jsonScanner) value(depth int) error {
	if s.p >= len(s.b) {
		return s.fail("unexpected end")
	}
	switch c := s.b[s.p]; {
	case c == '{':
		return s.object(depth + 1)
	case c == '[':
		return s.array(depth + 1)
	case c == '"':
		_, err := s.str(false)
		return err
	case c == 't':
		return s.lit("true")
	case c == 'f':
		return s.lit("false")
	case c == 'n':
		return s.lit("null")
	case c == '-' || c >= '0' && c <= '9':
		return s.number()
	case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		return s.fail("whitespace between tokens (the body must be compact JSON)")
	}
	return s.fail("unexpected character")
}

func (s *jsonScanner) lit(w string) error {
	if len(s.b)-s.p < len(w) || string(s.b[s.p:s.p+len(w)]) != w {
		return s.fail("invalid literal")
	}
	s.p += len(w)
	return nil
}

func (s *jsonScanner) number() error {
	b, p := s.b, s.p
	if p < len(b) && b[p] == '-' {
		p++
	}
	switch {
	case p < len(b) && b[p] == '0':
		p++
	case p < len(b) && b[p] >= '1' && b[p] <= '9':
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
	default:
		s.p = p
		return s.fail("invalid number")
	}
	if p < len(b) && b[p] == '.' {
		p++
		q := p
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		if p == q {
			s.p = p
			return s.fail("invalid number")
		}
	}
	if p < len(b) && (b[p] == 'e' || b[p] == 'E') {
		p++
		if p < len(b) && (b[p] == '+' || b[p] == '-') {
			p++
		}
		q := p
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		if p == q {
			s.p = p
			return s.fail("invalid number")
		}
	}
	s.p = p
	return nil
}

func (s *jsonScanner) count() error {
	s.members++
	if s.lim.MaxMembers > 0 && s.members > s.lim.MaxMembers {
		return Errorf(KindTooLarge, "JSON at byte %d: more than %d members and items", s.p, s.lim.MaxMembers)
	}
	return nil
}

func (s *jsonScanner) deep(depth int) error {
	if s.lim.MaxDepth > 0 && depth > s.lim.MaxDepth {
		return Errorf(KindTooLarge, "JSON at byte %d: nested more than %d levels deep", s.p, s.lim.MaxDepth)
	}
	return nil
}

func (s *jsonScanner) array(depth int) error {
	if err := s.deep(depth); err != nil {
		return err
	}
	s.p++ // '['
	if s.p < len(s.b) && s.b[s.p] == ']' {
		s.p++
		return nil
	}
	for {
		if err := s.count(); err != nil {
			return err
		}
		if err := s.value(depth); err != nil {
			return err
		}
		if s.p >= len(s.b) {
			return s.fail("unexpected end in an array")
		}
		switch s.b[s.p] {
		case ',':
			s.p++
		case ']':
			s.p++
			return nil
		default:
			return s.fail("expected ',' or ']' (the body must be compact JSON)")
		}
	}
}

// smallObject is the number of keys up to which an object's keys are
// compared in a slice; larger objects use a map.
const smallObject = 16

func (s *jsonScanner) object(depth int) error {
	if err := s.deep(depth); err != nil {
		return err
	}
	s.p++ // '{'
	if s.p < len(s.b) && s.b[s.p] == '}' {
		s.p++
		return nil
	}
	var few []string
	var many map[string]struct{}
	for {
		if err := s.count(); err != nil {
			return err
		}
		if s.p >= len(s.b) || s.b[s.p] != '"' {
			return s.fail("expected a key (the body must be compact JSON)")
		}
		start := s.p
		k, err := s.str(true)
		if err != nil {
			return err
		}
		if s.lim.MaxKeyLen > 0 && s.p-start-2 > s.lim.MaxKeyLen {
			return Errorf(KindTooLarge, "JSON at byte %d: a key of %d bytes, the limit is %d", start, s.p-start-2, s.lim.MaxKeyLen)
		}
		dup := false
		if many != nil {
			_, dup = many[k]
			many[k] = struct{}{}
		} else {
			for _, f := range few {
				if f == k {
					dup = true
				}
			}
			few = append(few, k)
			if len(few) > smallObject {
				many = make(map[string]struct{}, 2*len(few))
				for _, f := range few {
					many[f] = struct{}{}
				}
				few = nil
			}
		}
		if dup {
			key := s.b[start:s.p]
			s.p = start
			return s.fail("key " + string(key) + " repeats a key of the same object (keys must differ also after unescaping and case folding)")
		}
		if s.p >= len(s.b) || s.b[s.p] != ':' {
			return s.fail("expected ':' after a key (the body must be compact JSON)")
		}
		s.p++
		if err := s.value(depth); err != nil {
			return err
		}
		if s.p >= len(s.b) {
			return s.fail("unexpected end in an object")
		}
		switch s.b[s.p] {
		case ',':
			s.p++
		case '}':
			s.p++
			return nil
		default:
			return s.fail("expected ',' or '}' (the body must be compact JSON)")
		}
	}
}

// str reads a string at s.p. With fold, it returns its value unescaped and
// case-folded (each rune the least of its case-folding orbit, so two keys
// fold equal exactly when strings.EqualFold says they are equal).
func (s *jsonScanner) str(fold bool) (string, error) {
	s.p++ // '"'
	s.key = s.key[:0]
	for {
		if s.p >= len(s.b) {
			return "", s.fail("unterminated string")
		}
		c := s.b[s.p]
		switch {
		case c == '"':
			s.p++
			return string(s.key), nil
		case c < 0x20:
			return "", s.fail("control character in a string")
		case c == '\\':
			r, err := s.escape()
			if err != nil {
				return "", err
			}
			if fold {
				s.key = utf8.AppendRune(s.key, foldRune(r))
			}
		case c < utf8.RuneSelf:
			s.p++
			if fold {
				s.key = append(s.key, byte(foldRune(rune(c))))
			}
		default:
			r, n := utf8.DecodeRune(s.b[s.p:])
			if r == utf8.RuneError && n <= 1 {
				return "", s.fail("invalid UTF-8 in a string")
			}
			s.p += n
			if fold {
				s.key = utf8.AppendRune(s.key, foldRune(r))
			}
		}
	}
}

// escape reads one escape sequence at s.p (the backslash) and returns its rune.
func (s *jsonScanner) escape() (rune, error) {
	r, next, problem := DecodeJSONEscape(s.b, s.p)
	if problem != "" {
		return 0, s.fail(problem)
	}
	s.p = next
	return r, nil
}

// DecodeJSONEscape decodes the JSON escape sequence at b[p] (a backslash)
// and returns its rune and the index after it, or a problem ("" when there
// is none) with next left at p. A \u escape of a lone UTF-16 surrogate is
// refused (readers would turn it into U+FFFD, another meaning).
func DecodeJSONEscape(b []byte, p int) (r rune, next int, problem string) {
	if p+1 >= len(b) {
		return 0, p, "unterminated escape"
	}
	switch c := b[p+1]; c {
	case '"', '\\', '/':
		return rune(c), p + 2, ""
	case 'b':
		return '\b', p + 2, ""
	case 'f':
		return '\f', p + 2, ""
	case 'n':
		return '\n', p + 2, ""
	case 'r':
		return '\r', p + 2, ""
	case 't':
		return '\t', p + 2, ""
	case 'u':
		r, ok := hex4(b, p+2)
		if !ok {
			return 0, p, "invalid \\u escape"
		}
		if !utf16.IsSurrogate(r) {
			return r, p + 6, ""
		}
		if r >= 0xdc00 || p+7 >= len(b) || b[p+6] != '\\' || b[p+7] != 'u' {
			return 0, p, "lone UTF-16 surrogate in a \\u escape"
		}
		r2, ok := hex4(b, p+8)
		if !ok {
			return 0, p, "invalid \\u escape"
		}
		if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
			return 0, p, "lone UTF-16 surrogate in a \\u escape"
		}
		return r, p + 12, ""
	}
	return 0, p, "invalid escape"
}

// hex4 reads four hex digits at b[p].
func hex4(b []byte, p int) (rune, bool) {
	if len(b)-p < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[p : p+4] {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// FoldJSONKey returns k case-folded as CheckJSON compares keys: each rune
// the least of its Unicode simple case-folding orbit, ASCII capitals written
// small, so FoldJSONKey(a) == FoldJSONKey(b) exactly when
// strings.EqualFold(a, b) ("eventTime" and "EVENTTIME"; "k" and the Kelvin
// sign; "s" and the long s).
func FoldJSONKey(k string) string {
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= utf8.RuneSelf || 'A' <= c && c <= 'Z' {
			b := make([]byte, 0, len(k))
			for _, r := range k {
				b = utf8.AppendRune(b, foldRune(r))
			}
			return string(b)
		}
	}
	return k // small ASCII: folded already
}

// foldRune returns the least rune of r's simple case-folding orbit, with
// ASCII capitals written small.
func foldRune(r rune) rune {
	if r < utf8.RuneSelf && r != 'k' && r != 'K' && r != 's' && r != 'S' { // k and s have non-ASCII partners (K, ſ)
		if 'A' <= r && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	least := r
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		least = min(least, f)
	}
	if 'A' <= least && least <= 'Z' {
		least += 'a' - 'A'
	}
	return least
}
