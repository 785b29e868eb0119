package epcis

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
)

// jv is a JSON value that keeps the order of object keys, which the event
// hash needs (a business transaction's type and identifier enter it in the
// order they were written). A key given twice keeps its first place and its
// last value, as a Python dict does.
type jv struct {
	kind  byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	str   string
	keys  []string
	vals  []*jv
	items []*jv
}

func parseJV(raw []byte) (*jv, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeJV(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the top-level value")
	}
	return v, nil
}

// maxDepth bounds how deeply a document may nest; EPCIS events, their ILMD
// and extensions stay far below it.
const maxDepth = 200

func decodeJV(dec *json.Decoder, depth int) (*jv, error) {
	if depth > maxDepth {
		return nil, errors.New("nested more than 200 levels deep")
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			v := &jv{kind: 'o'}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				k, _ := kt.(string)
				val, err := decodeJV(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.set(k, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		case '[':
			v := &jv{kind: 'a'}
			for dec.More() {
				item, err := decodeJV(dec, depth+1)
				if err != nil {
					return nil, err
				}
				v.items = append(v.items, item)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return v, nil
		}
		return nil, errors.New("unexpected delimiter")
	case string:
		return &jv{kind: 's', str: t}, nil
	case json.Number:
		return &jv{kind: 'n', str: string(t)}, nil
	case bool:
		if t {
			return &jv{kind: 'b', str: "true"}, nil
		}
		return &jv{kind: 'b', str: "false"}, nil
	case nil:
		return &jv{kind: 'z'}, nil
	}
	return nil, errors.New("unexpected JSON token")
}

func (v *jv) set(k string, val *jv) {
	for i, have := range v.keys {
		if have == k {
			v.vals[i] = val
			return
		}
	}
	v.keys = append(v.keys, k)
	v.vals = append(v.vals, val)
}

// get returns the value of key k in object v, or nil.
func (v *jv) get(k string) *jv {
	if v == nil || v.kind != 'o' {
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
