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
