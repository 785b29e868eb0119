package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// What one document may hold. Each sits far above what GS1's examples and
// real captures need, and together they bound the work a document costs:
// every step of parsing, validating, decoding and hashing is linear in the
// document within them.
const (
	// MaxDepth bounds the nesting of objects and arrays (the document is
	// depth 1; GS1's examples stay below 8). A signed message that embeds
	// the document nests one level more, within gongxu.DefaultJSONLimits.
	MaxDepth = 24
	// MaxMembers bounds the object members plus array items of a document,
	// summed (a capture of 1,000 events has some 30,000).
	MaxMembers = 100_000
	// MaxObjectKeys bounds the members of one object (an event has some 30
	// standard fields; the rest are extensions).
	MaxObjectKeys = 1_000
	// MaxKeyBytes bounds one object key, as written.
	MaxKeyBytes = 256
	// MaxStringBytes bounds one string value, as written.
	MaxStringBytes = 64 << 10
	// MaxNumberBytes bounds one number as written, and MaxExponent its
	// exponent: every number is one a float64 holds, and none costs the
	// schema's exact decimal arithmetic more than a few microseconds.
	MaxNumberBytes = 32
	MaxExponent    = 99
	// MaxIdentifiers bounds the identifiers of one event: the items of its
	// epcList, childEPCs, inputEPCList and outputEPCList and the elements of
	// its quantity lists, summed.
	MaxIdentifiers = 10_000
	// DefaultMaxEvents bounds the events of a document when
	// ParseOptions.MaxEvents is 0: as many as one ledger transaction may
	// capture.
	DefaultMaxEvents = 1_000
)

// limits bound the shape of one JSON value; 0 means no bound.
type limits struct {
	depth, members, keys, keyBytes, stringBytes, numberBytes int
}

// docLimits are the limits of a captured document or event.
var docLimits = limits{depth: MaxDepth, members: MaxMembers, keys: MaxObjectKeys, keyBytes: MaxKeyBytes,
	stringBytes: MaxStringBytes, numberBytes: MaxNumberBytes}

// exportLimits are docLimits without a total: an export or a query answer
// holds as many stored events as it holds, each of which was captured
// within docLimits. An event captured as a document of its own sits five
// levels deeper in an EPCISQueryDocument (epcisBody, queryResults,
// resultsBody, eventList, the event), three in an EPCISDocument.
var exportLimits = limits{depth: MaxDepth + 5, keys: MaxObjectKeys, keyBytes: MaxKeyBytes,
	stringBytes: MaxStringBytes, numberBytes: MaxNumberBytes}

// jv is a JSON value that keeps the order of object keys, which the event
// hash needs (a business transaction's type and identifier enter it in the
// order they were written), and where each value was written ([start, end)
// in the source), which the events and extensions kept as written need.
//
// An object never holds two keys that are equal, also after unescaping and
// Unicode case folding: the parser refuses such a document, so every reader
// of it — this package, a case-insensitive decoder, one that keeps the first
// or the last of two keys — sees the same members.
type jv struct {
	kind       byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	str        string
	keys       []string
	vals       []*jv
	items      []*jv
	index      map[string]int // key → position, for objects of more than smallObject keys
	start, end int
}

// smallObject is the number of keys up to which an object's keys are
// compared one by one; larger objects look keys up in a map, so every
// lookup is O(1) and parsing an object of n keys is O(n).
const smallObject = 16

// get returns the value of key k in object v, or nil.
func (v *jv) get(k string) *jv {
	if v == nil || v.kind != 'o' {
		return nil
	}
	if v.index != nil {
		if i, ok := v.index[k]; ok {
			return v.vals[i]
		}
		return nil
	}
	for i, have := range v.keys {
		if have == k {
			return v.vals[i]
		}
	}
	return nil
}

func (v *jv) has(k string) bool { return v.get(k) != nil }

// list returns v's items when v is an array, v alone otherwise.
func (v *jv) list() []*jv {
	switch {
	case v == nil:
		return nil
	case v.kind == 'a':
		return v.items
	}
	return []*jv{v}
}

// raw returns a copy of v as written in src.
func (v *jv) raw(src []byte) json.RawMessage {
	return append(json.RawMessage(nil), src[v.start:v.end]...)
}

// parseJV parses one JSON value within lim: valid UTF-8 (no lone
// surrogates), whitespace allowed between tokens, no two keys of an object
// equal after unescaping and case folding. Errors are *gongxu.Error:
// KindInvalid with the byte offset (and the JSON pointer of a repeated key),
// KindTooLarge with the JSON pointer of what exceeds lim. Its work is linear
// in len(src).
func parseJV(src []byte, lim limits) (*jv, error) {
	p := &jparser{b: src, lim: lim}
	p.ws()
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.p != len(src) {
		return nil, p.syntax("data after the top-level value")
	}
	return v, nil
}

type jparser struct {
	b       []byte
	p       int
	lim     limits
	members int
	steps   int      // key comparisons and lookups, for tests of linearity
	path    []pframe // where the parser is, for errors
	folds   []string // the folded keys of the objects being parsed, innermost last
	buf     []byte   // scratch for unescaping
}

// pframe is one level of the path: an object's current key or an array's
// current index.
type pframe struct {
	key string
	idx int
	arr bool
}

// pointer renders the parser's path as a JSON pointer ("/" for the root).
func (p *jparser) pointer() string {
	if len(p.path) == 0 {
		return "/"
	}
	var sb strings.Builder
	for _, f := range p.path {
		sb.WriteByte('/')
		if f.arr {
			sb.WriteString(strconv.Itoa(f.idx))
		} else {
			sb.WriteString(escapePointer(f.key))
		}
	}
	return sb.String()
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func escapePointer(s string) string { return pointerEscaper.Replace(s) }

// syntax is a KindInvalid error at the current byte, with its line.
func (p *jparser) syntax(what string) error {
	line := 1 + bytes.Count(p.b[:min(p.p, len(p.b))], []byte{'\n'})
	return gongxu.Errorf(gongxu.KindInvalid, "epcis: the document is not valid JSON: byte %d (line %d): %s", p.p, line, what)
}

// tooLarge is a KindTooLarge error at the current path.
func (p *jparser) tooLarge(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindTooLarge, "epcis: %s: %s", p.pointer(), fmt.Sprintf(format, args...))
}

func (p *jparser) ws() {
	for p.p < len(p.b) {
		switch p.b[p.p] {
		case ' ', '\t', '\n', '\r':
			p.p++
		default:
			return
		}
	}
}

func (p *jparser) value(depth int) (*jv, error) {
	if p.p >= len(p.b) {
		return nil, p.syntax("unexpected end")
	}
	start := p.p
	switch c := p.b[p.p]; {
	case c == '{':
		return p.object(depth + 1)
	case c == '[':
		return p.array(depth + 1)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		if n := p.p - start - 2; p.lim.stringBytes > 0 && n > p.lim.stringBytes {
			p.p = start
			return nil, p.tooLarge("a string of %d bytes, over the limit of %d", n, p.lim.stringBytes)
		}
		return &jv{kind: 's', str: s, start: start, end: p.p}, nil
	case c == 't':
		return p.lit("true", 'b', start)
	case c == 'f':
		return p.lit("false", 'b', start)
	case c == 'n':
		return p.lit("null", 'z', start)
	case c == '-' || c >= '0' && c <= '9':
		return p.number()
	}
	return nil, p.syntax(fmt.Sprintf("unexpected character %q", p.b[p.p]))
}

func (p *jparser) lit(w string, kind byte, start int) (*jv, error) {
	if len(p.b)-p.p < len(w) || string(p.b[p.p:p.p+len(w)]) != w {
		return nil, p.syntax("invalid literal")
	}
	p.p += len(w)
	v := &jv{kind: kind, start: start, end: p.p}
	if kind == 'b' {
		v.str = w
	}
	return v, nil
}

// number reads a JSON number: its text as written, within the limits.
func (p *jparser) number() (*jv, error) {
	b, start := p.b, p.p
	i := start
	digits := func() int {
		j := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		return i - j
	}
	if b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		digits()
	default:
		p.p = i
		return nil, p.syntax("invalid number")
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			p.p = i
			return nil, p.syntax("invalid number")
		}
	}
	exp := 0
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		es := i
		if digits() == 0 {
			p.p = i
			return nil, p.syntax("invalid number")
		}
		for _, c := range b[es:i] {
			if exp = exp*10 + int(c-'0'); exp > MaxExponent {
				break
			}
		}
	}
	n := i - start
	if p.lim.numberBytes > 0 && (n > p.lim.numberBytes || exp > MaxExponent) {
		return nil, p.tooLarge("the number %.40s is out of range (at most %d characters, exponents within ±%d)",
			b[start:i], p.lim.numberBytes, MaxExponent)
	}
	p.p = i
	return &jv{kind: 'n', str: string(b[start:i]), start: start, end: i}, nil
}

func (p *jparser) count() error {
	p.members++
	if p.lim.members > 0 && p.members > p.lim.members {
		return p.tooLarge("more than %d members and items in the document, the limit", p.lim.members)
	}
	return nil
}

func (p *jparser) deep(depth int) error {
	if p.lim.depth > 0 && depth > p.lim.depth {
		return p.tooLarge("nested more than %d levels deep, the limit", p.lim.depth)
	}
	return nil
}

func (p *jparser) array(depth int) (*jv, error) {
	if err := p.deep(depth); err != nil {
		return nil, err
	}
	v := &jv{kind: 'a', start: p.p}
	p.p++ // '['
	p.ws()
	if p.p < len(p.b) && p.b[p.p] == ']' {
		p.p++
		v.end = p.p
		return v, nil
	}
	p.path = append(p.path, pframe{arr: true})
	for {
		p.path[len(p.path)-1].idx = len(v.items)
		if err := p.count(); err != nil {
			return nil, err
		}
		item, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		v.items = append(v.items, item)
		p.ws()
		if p.p >= len(p.b) {
			return nil, p.syntax("unexpected end in an array")
		}
		switch p.b[p.p] {
		case ',':
			p.p++
			p.ws()
		case ']':
			p.p++
			v.end = p.p
			p.path = p.path[:len(p.path)-1]
			return v, nil
		default:
			return nil, p.syntax("expected ',' or ']'")
		}
	}
}

func (p *jparser) object(depth int) (*jv, error) {
	if err := p.deep(depth); err != nil {
		return nil, err
	}
	v := &jv{kind: 'o', start: p.p}
	p.p++ // '{'
	p.ws()
	if p.p < len(p.b) && p.b[p.p] == '}' {
		p.p++
		v.end = p.p
		return v, nil
	}
	base := len(p.folds)
	var folded map[string]int // folded key → position, once the object is large
	p.path = append(p.path, pframe{})
	for {
		if p.p >= len(p.b) || p.b[p.p] != '"' {
			return nil, p.syntax("expected a key")
		}
		if err := p.count(); err != nil {
			return nil, err
		}
		if p.lim.keys > 0 && len(v.keys) == p.lim.keys {
			p.path = p.path[:len(p.path)-1]
			return nil, p.tooLarge("an object of more than %d keys, the limit", p.lim.keys)
		}
		start := p.p
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		if n := p.p - start - 2; p.lim.keyBytes > 0 && n > p.lim.keyBytes {
			p.p = start
			return nil, p.tooLarge("a key of %d bytes, over the limit of %d", n, p.lim.keyBytes)
		}
		f := foldKey(k)
		dup := -1
		if folded != nil {
			p.steps++
			if j, ok := folded[f]; ok {
				dup = j
			}
			folded[f] = len(v.keys)
		} else {
			for j, g := range p.folds[base:] {
				p.steps++
				if g == f {
					dup = j
					break
				}
			}
			p.folds = append(p.folds, f)
			if len(v.keys) == smallObject {
				folded = make(map[string]int, 2*smallObject)
				for j, g := range p.folds[base:] {
					p.steps++
					folded[g] = j
				}
				p.folds = p.folds[:base]
			}
		}
		if dup >= 0 {
			p.path = p.path[:len(p.path)-1]
			p.p = start
			return nil, gongxu.Errorf(gongxu.KindInvalid,
				"epcis: %s: key %+q repeats key %+q of the same object (keys must differ, also after unescaping and case folding)",
				p.pointer(), k, v.keys[dup])
		}
		p.ws()
		if p.p >= len(p.b) || p.b[p.p] != ':' {
			return nil, p.syntax("expected ':' after a key")
		}
		p.p++
		p.ws()
		p.path[len(p.path)-1].key = k
		val, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		v.keys = append(v.keys, k)
		v.vals = append(v.vals, val)
		p.ws()
		if p.p >= len(p.b) {
			return nil, p.syntax("unexpected end in an object")
		}
		switch p.b[p.p] {
		case ',':
			p.p++
			p.ws()
		case '}':
			p.p++
			v.end = p.p
			p.path = p.path[:len(p.path)-1]
			p.folds = p.folds[:base]
			if len(v.keys) > smallObject {
				v.index = make(map[string]int, len(v.keys))
				for i, k := range v.keys {
					p.steps++
					v.index[k] = i
				}
			}
			return v, nil
		default:
			return nil, p.syntax("expected ',' or '}'")
		}
	}
}

// str reads the string at p.p (its opening quote) and returns its value.
func (p *jparser) str() (string, error) {
	p.p++ // '"'
	start := p.p
	// The common case: printable ASCII without escapes.
	for p.p < len(p.b) {
		c := p.b[p.p]
		if c == '"' {
			s := string(p.b[start:p.p])
			p.p++
			return s, nil
		}
		if c == '\\' || c < 0x20 || c >= utf8.RuneSelf {
			break
		}
		p.p++
	}
	p.buf = append(p.buf[:0], p.b[start:p.p]...)
	for {
		if p.p >= len(p.b) {
			return "", p.syntax("unterminated string")
		}
		c := p.b[p.p]
		switch {
		case c == '"':
			p.p++
			return string(p.buf), nil
		case c < 0x20:
			return "", p.syntax("control character in a string (write it as an escape)")
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			p.buf = utf8.AppendRune(p.buf, r)
		case c < utf8.RuneSelf:
			p.buf = append(p.buf, c)
			p.p++
		default:
			r, n := utf8.DecodeRune(p.b[p.p:])
			if r == utf8.RuneError && n <= 1 {
				return "", p.syntax("invalid UTF-8 in a string")
			}
			p.buf = append(p.buf, p.b[p.p:p.p+n]...)
			p.p += n
		}
	}
}

// escape reads one escape sequence at p.p (the backslash) and returns its
// rune; a \u escape of a lone UTF-16 surrogate is refused. The decoding is
// the ledger's own (gongxu.DecodeJSONEscape), so both read a key alike.
func (p *jparser) escape() (rune, error) {
	r, next, problem := gongxu.DecodeJSONEscape(p.b, p.p)
	if problem != "" {
		return 0, p.syntax(problem)
	}
	p.p = next
	return r, nil
}

// foldKey is the key folding of gongxu.CheckJSON (gongxu.FoldJSONKey).
func foldKey(k string) string { return gongxu.FoldJSONKey(k) }

// toAny converts v to the values GS1's schema validator reads (what
// jsonschema.UnmarshalJSON gives): the validator sees exactly the members
// the parser saw.
func toAny(v *jv) any {
	switch v.kind {
	case 'o':
		m := make(map[string]any, len(v.keys))
		for i, k := range v.keys {
			m[k] = toAny(v.vals[i])
		}
		return m
	case 'a':
		a := make([]any, len(v.items))
		for i, it := range v.items {
			a[i] = toAny(it)
		}
		return a
	case 's':
		return v.str
	case 'n':
		return json.Number(v.str)
	case 'b':
		return v.str == "true"
	}
	return nil
}

// --- EPCIS field names are case-sensitive ----------------------------------

// fieldSet is the member names an EPCIS object defines.
type fieldSet struct {
	exact map[string]bool
	fold  map[string]string // foldKey(name) → name
}

func fields(names ...string) fieldSet {
	fs := fieldSet{exact: map[string]bool{}, fold: map[string]string{}}
	for _, n := range names {
		fs.exact[n] = true
		fs.fold[foldKey(n)] = n
	}
	return fs
}

// checkCase refuses a key of obj that is not one of fs's names but equal to
// one under case folding ("EventTime", "eventLiſt"): readers that match
// names case-insensitively would read it as that field, and this package,
// which matches exactly, would not. KindInvalid, naming the key and where.
func checkCase(obj *jv, path string, fs fieldSet) error {
	if obj == nil || obj.kind != 'o' {
		return nil
	}
	for _, k := range obj.keys {
		if fs.exact[k] {
			continue
		}
		if name, ok := fs.fold[foldKey(k)]; ok {
			return gongxu.Errorf(gongxu.KindInvalid,
				"epcis: %s/%s: key %+q is the EPCIS field %q written in other case (names are case-sensitive)",
				path, escapePointer(k), k, name)
		}
	}
	return nil
}
