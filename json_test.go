package gongxu

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestCheckJSON(t *testing.T) {
	ok := []string{
		`{}`, `[]`, `{"a":1}`, `{"a":[1,2,{"b":null}],"c":"x\"y\\u0041"}`, `"s"`, `-0.5e+10`, `true`,
		`{"a":1,"b":2,"A1":3}`, `{"é":1,"e":2}`, `{"\ud83d\ude00":1}`, `{"<":"\u003c"}`,
		`{"k":1,"s":2}`,
	}
	for _, in := range ok {
		if err := CheckJSON([]byte(in), DefaultJSONLimits); err != nil {
			t.Errorf("%s: %v", in, err)
		}
	}
	bad := map[string]string{
		`{"description":"a","description":"b"}`:         "repeats",
		`{"description":"a","Description":"b"}`:         "repeats",
		`{"description":"a","\u0064escription":"b"}`:    "repeats",
		`{"epcisBody":{"eventList":[],"EVENTLIST":[]}}`: "repeats",
		"{\"k\":1,\"\u212a\":2}":                        "repeats", // Kelvin sign folds to k
		"{\"s\":1,\"\u017f\":2}":                        "repeats", // long s folds to s
		"{\"K\":1,\"\u212a\":2}":                        "repeats",
		`{"a": 1}`:                                      "compact",
		"{\"a\":1}\n":                                   "after",
		` {"a":1}`:                                      "whitespace",
		`{"a":1,}`:                                      "key",
		`{"a":"\ud800"}`:                                "surrogate",
		`{"a":"\udc00\ud800"}`:                          "surrogate",
		"{\"a\":\"\xff\"}":                              "UTF-8",
		"{\"a\":\"\x01\"}":                              "control",
		`{"a":01}`:                                      "",
		`{"a":1.}`:                                      "number",
		`{"a":tru}`:                                     "literal",
		`{"a":"x`:                                       "unterminated",
		`[1,2`:                                          "end",
		``:                                              "end",
	}
	for in, want := range bad {
		err := CheckJSON([]byte(in), DefaultJSONLimits)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: got %v, want an error with %q", in, err, want)
		}
		if ErrorKind(err) != KindInvalid {
			t.Errorf("%q: kind %v", in, ErrorKind(err))
		}
	}
	// Many keys: linear, and duplicates found past the slice threshold.
	var b strings.Builder
	b.WriteString("{")
	for i := 0; i < 1000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + "_" + itoa(i) + `":1`)
	}
	if err := CheckJSON([]byte(b.String()+"}"), DefaultJSONLimits); err != nil {
		t.Fatal(err)
	}
	if err := CheckJSON([]byte(b.String()+`,"K_0":1,"ka_0":2}`), DefaultJSONLimits); err == nil || !strings.Contains(err.Error(), "repeats") {
		t.Fatalf("late duplicate: %v", err)
	}
}

func itoa(i int) string { b, _ := json.Marshal(i); return string(b) }

func TestCheckJSONLimits(t *testing.T) {
	lim := JSONLimits{MaxDepth: 3, MaxMembers: 4, MaxKeyLen: 3}
	for in, want := range map[string]string{
		`[[[[1]]]]`:         "levels",
		`[1,2,3,4,5]`:       "members",
		`{"abcd":1}`:        "key of 4",
		`{"a":{"b":[1,2]}}`: "",
	} {
		err := CheckJSON([]byte(in), lim)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", in, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) || ErrorKind(err) != KindTooLarge {
			t.Errorf("%s: got %v, want too_large with %q", in, err, want)
		}
	}
}

// FuzzCheckJSON: what CheckJSON accepts, encoding/json accepts, it is
// compact, and re-encoding a generic decode finds no key that another
// reader could take for another.
func FuzzCheckJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":"b","A":"c"}`, `[{"x":[1,{"y":null}]}]`, `{"\u0061":1,"a":2}`, `"\ud83d\ude00"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		err := CheckJSON(b, DefaultJSONLimits)
		if err != nil {
			return
		}
		if !json.Valid(b) {
			t.Fatalf("accepted invalid JSON %q", b)
		}
		var c bytes.Buffer
		if err := json.Compact(&c, b); err != nil || !bytes.Equal(c.Bytes(), b) {
			t.Fatalf("accepted non-compact JSON %q", b)
		}
		var v any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber() // numbers as written: 1E700 is valid JSON, not a float64
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		var walk func(v any)
		walk = func(v any) {
			switch x := v.(type) {
			case map[string]any:
				for k1 := range x {
					for k2 := range x {
						if k1 != k2 && strings.EqualFold(k1, k2) {
							t.Fatalf("accepted case-variant keys %q and %q in %q", k1, k2, b)
						}
					}
					walk(x[k1])
				}
			case []any:
				for _, e := range x {
					walk(e)
				}
			}
		}
		walk(v)
		// Round trip: the generic value re-encodes to the same members
		// (no key lost to a duplicate).
		if n1, n2 := countMembers(b), countGeneric(v); n1 != n2 {
			t.Fatalf("%q: %d members written, %d decoded", b, n1, n2)
		}
	})
}

func countGeneric(v any) int {
	switch x := v.(type) {
	case map[string]any:
		n := len(x)
		for _, e := range x {
			n += countGeneric(e)
		}
		return n
	case []any:
		n := len(x)
		for _, e := range x {
			n += countGeneric(e)
		}
		return n
	}
	return 0
}

func countMembers(b []byte) int {
	s := jsonScanner{b: b}
	if s.value(0) != nil {
		return -1
	}
	return s.members
}
