package member

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// decodeOrg decodes an org record to the value encoding/json (module.Load)
// gives. Every member transaction reads its signer's org in CheckTx, recheck
// and FinalizeBlock, and encoding/json took ~5.5 µs a record; scanOrg reads
// the plain shape saveOrg writes — compact, known members, strings without
// escapes, valid UTF-8 — directly, and anything else (a description with a
// quote or '<', an unknown or repeated member, whitespace) goes to
// encoding/json. TestDecodeOrgAgrees and FuzzDecodeOrg hold the two to the
// same value; the bytes written stay encoding/json's.
func decodeOrg(key, b []byte, o *gongxu.Org) error {
	var fast gongxu.Org
	if scanOrg(b, &fast) {
		*o = fast
		return nil
	}
	if err := json.Unmarshal(b, o); err != nil {
		return fmt.Errorf("state %q: %w", key, err)
	}
	return nil
}

// scanOrg reads b into *o when b is a plain org record (see decodeOrg),
// and reports whether it was; when it was not, *o is to be ignored.
func scanOrg(b []byte, o *gongxu.Org) bool {
	if bytes.IndexByte(b, '\\') >= 0 || !utf8.Valid(b) {
		return false
	}
	s := scanner{b: b}
	if !s.eat('{') {
		return false
	}
	var seen [9]bool
	for first := true; !s.eat('}'); first = false {
		if !first && !s.eat(',') {
			return false
		}
		name, ok := s.str()
		if !ok || !s.eat(':') {
			return false
		}
		i := -1
		switch name {
		case "id":
			i = 0
			var v string
			v, ok = s.str()
			o.ID = gongxu.OrgID(v)
		case "name":
			i = 1
			o.Name, ok = s.str()
		case "roles":
			i = 2
			o.Roles, ok = strList[gongxu.Role](&s)
		case "keys":
			i = 3
			o.Keys, ok = strList[gongxu.PubKey](&s)
		case "description":
			i = 4
			o.Description, ok = s.str()
		case "contact":
			i = 5
			o.Contact, ok = s.str()
		case "since":
			i = 6
			o.Since, ok = s.int64()
		case "gs1_prefixes":
			i = 7
			o.Prefixes, ok = strList[string](&s)
		case "seal_key":
			i = 8
			var v string
			v, ok = s.str()
			o.SealKey = gongxu.SealKey(v)
		}
		if i < 0 || !ok || seen[i] {
			return false
		}
		seen[i] = true
	}
	return s.i == len(s.b)
}

type scanner struct {
	b []byte
	i int
}

func (s *scanner) eat(c byte) bool {
	if s.i < len(s.b) && s.b[s.i] == c {
		s.i++
		return true
	}
	return false
}

// str reads a string without escapes (the caller has checked there are
// none) or control characters.
func (s *scanner) str() (string, bool) {
	if !s.eat('"') {
		return "", false
	}
	n := bytes.IndexByte(s.b[s.i:], '"')
	if n < 0 {
		return "", false
	}
	v := s.b[s.i : s.i+n]
	for _, c := range v {
		if c < 0x20 {
			return "", false
		}
	}
	s.i += n + 1
	return string(v), true
}

// int64 reads an integer as encoding/json writes one: an optional minus,
// then digits without a leading zero.
func (s *scanner) int64() (int64, bool) {
	start := s.i
	s.eat('-')
	digits := s.i
	for s.i < len(s.b) && s.b[s.i] >= '0' && s.b[s.i] <= '9' {
		s.i++
	}
	if s.i == digits || (s.b[digits] == '0' && s.i-digits > 1) {
		return 0, false
	}
	v, err := strconv.ParseInt(string(s.b[start:s.i]), 10, 64)
	return v, err == nil
}

// strList reads null (nil, as encoding/json) or a list of strings ([] is
// an empty list, not nil, as encoding/json).
func strList[T ~string](s *scanner) ([]T, bool) {
	if bytes.HasPrefix(s.b[s.i:], []byte("null")) {
		s.i += 4
		return nil, true
	}
	if !s.eat('[') {
		return nil, false
	}
	out := []T{}
	for first := true; !s.eat(']'); first = false {
		if !first && !s.eat(',') {
			return nil, false
		}
		v, ok := s.str()
		if !ok {
			return nil, false
		}
		out = append(out, T(v))
	}
	return out, true
}

// encodeOrg returns the bytes encoding/json gives for o (what module.Save
// wrote before): saveOrg runs in CheckTx, every recheck and FinalizeBlock of
// every member transaction, and json.Marshal's reflection took most of it.
// When every string of o is plain — printable ASCII without '"', '\\', or
// the '<', '>', '&' encoding/json escapes — it writes them directly, in the
// struct's field order with its omitempty rules (nil lists as null);
// anything else goes to encoding/json. TestEncodeOrgAgrees and
// FuzzEncodeOrg hold the two to the same bytes.
func encodeOrg(o gongxu.Org) ([]byte, error) {
	if !plainOrg(o) {
		return json.Marshal(o)
	}
	n := 96 + len(o.ID) + len(o.Name) + len(o.Description) + len(o.Contact) + len(o.SealKey)
	for _, r := range o.Roles {
		n += len(r) + 3
	}
	for _, k := range o.Keys {
		n += len(k) + 3
	}
	for _, p := range o.Prefixes {
		n += len(p) + 3
	}
	b := make([]byte, 0, n)
	b = append(b, `{"id":"`...)
	b = append(b, o.ID...)
	b = append(b, `","name":"`...)
	b = append(b, o.Name...)
	b = append(b, `","roles":`...)
	b = appendList(b, o.Roles)
	b = append(b, `,"keys":`...)
	b = appendList(b, o.Keys)
	if o.Description != "" {
		b = append(b, `,"description":"`...)
		b = append(b, o.Description...)
		b = append(b, '"')
	}
	if o.Contact != "" {
		b = append(b, `,"contact":"`...)
		b = append(b, o.Contact...)
		b = append(b, '"')
	}
	b = append(b, `,"since":`...)
	b = strconv.AppendInt(b, o.Since, 10)
	if len(o.Prefixes) > 0 {
		b = append(b, `,"gs1_prefixes":`...)
		b = appendList(b, o.Prefixes)
	}
	if o.SealKey != "" {
		b = append(b, `,"seal_key":"`...)
		b = append(b, o.SealKey...)
		b = append(b, '"')
	}
	return append(b, '}'), nil
}

// appendList appends a list of plain strings as encoding/json does: null
// for a nil list.
func appendList[S ~string](b []byte, xs []S) []byte {
	if xs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, x := range xs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '"')
		b = append(b, x...)
		b = append(b, '"')
	}
	return append(b, ']')
}

// plainOrg reports whether every string of o is plain (see encodeOrg).
func plainOrg(o gongxu.Org) bool {
	if !plainStr(o.ID) || !plainStr(o.Name) || !plainStr(o.Description) || !plainStr(o.Contact) || !plainStr(o.SealKey) {
		return false
	}
	for _, r := range o.Roles {
		if !plainStr(r) {
			return false
		}
	}
	for _, k := range o.Keys {
		if !plainStr(k) {
			return false
		}
	}
	for _, p := range o.Prefixes {
		if !plainStr(p) {
			return false
		}
	}
	return true
}

func plainStr[S ~string](s S) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c < 0x20 || c > 0x7e, c == '"', c == '\\', c == '<', c == '>', c == '&':
			return false
		}
	}
	return true
}
