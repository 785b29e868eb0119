package trace

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// oddStrings are strings with everything encoding/json escapes or must
// decide on: quotes, backslashes, every control byte class, HTML
// characters, the two line separators, invalid and truncated UTF-8,
// non-ASCII, and the record's own punctuation.
var oddStrings = []string{
	"", "a", `"`, `\`, "\b\f\n\r\t", "\x00\x01\x1f\x7f", "<script>&amp;</script>", "\u2028\u2029",
	"\xff", "\xe2\x80", "\xe2\x80\xa8x", "中文 😀", "\xed\xa0\x80", `,"raw":null,"anchor":`, "urn:epc:id:sgtin:0614141.107346.2017",
	"ni:///sha-256;ab?ver=CBV2.0", "\u00e9\u0301", "\x80abc", "tab\there",
}

// randomEvent is an event with each field set or not, from pick.
func randomEvent(pick func(int) int, str func() string, raw []byte) gongxu.TraceEvent {
	strs := func() []string {
		n := pick(4) - 1
		if n < 0 {
			return nil
		}
		out := make([]string, n) // n == 0: empty, not nil (omitted too)
		for i := range out {
			out[i] = str()
		}
		return out
	}
	qs := func() []gongxu.TraceQuantity {
		n := pick(4) - 1
		if n < 0 {
			return nil
		}
		out := make([]gongxu.TraceQuantity, n)
		for i := range out {
			out[i] = gongxu.TraceQuantity{Class: str(), Quantity: str(), UOM: str()}
		}
		return out
	}
	refs := func() []gongxu.TraceRef {
		n := pick(4) - 1
		if n < 0 {
			return nil
		}
		out := make([]gongxu.TraceRef, n)
		for i := range out {
			out[i] = gongxu.TraceRef{Type: str(), ID: str()}
		}
		return out
	}
	num := func() int64 {
		switch pick(4) {
		case 0:
			return 0
		case 1:
			return -int64(pick(1 << 30))
		case 2:
			return 1<<63 - 1
		}
		return int64(pick(1 << 30))
	}
	e := gongxu.TraceEvent{
		ID: str(), Hash: str(), Type: str(), Org: gongxu.OrgID(str()), Flow: str(), Seq: uint64(num()) * uint64(pick(3)),
		EventTime: num(), TimeZoneOffset: str(), Action: str(), BizStep: str(), Disposition: str(), ReadPoint: str(),
		BizLocation: str(), EPCs: strs(), Quantities: qs(), Inputs: strs(), InputQuantities: qs(), Outputs: strs(),
		OutputQuantities: qs(), Parent: str(), Children: strs(), ChildQuantities: qs(), BizTransactions: refs(),
		Sources: refs(), Destinations: refs(), Raw: raw,
		Anchor: gongxu.TraceAnchor{Height: num(), Time: num(), Tx: str(), Index: int(num()), Count: int(num()), Leaf: str(), Root: str()},
	}
	if pick(2) == 0 {
		e.ErrorDeclaration = &gongxu.TraceErrorDeclaration{Time: num(), Reason: str(), Corrective: strs()}
	}
	return e
}

// TestMarshalEventSameBytes: the hand-written record encoder writes
// json.Marshal's bytes for 20,000 random events whose every field is set
// or not (nil and empty slices, a nil and a set error declaration) with
// strings from oddStrings, and Raw from compactCases compacted.
func TestMarshalEventSameBytes(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 8))
	pick := func(n int) int { return r.IntN(n) }
	str := func() string {
		if r.IntN(3) == 0 {
			return ""
		}
		return oddStrings[r.IntN(len(oddStrings))] + oddStrings[r.IntN(len(oddStrings))]
	}
	for i := range 20000 {
		raw, err := compactJSON([]byte(compactCases[i%len(compactCases)]))
		if err != nil {
			t.Fatal(err)
		}
		e := randomEvent(pick, str, raw)
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalEvent(&e)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("event %d: marshalEvent\n%q\nwant\n%q", i, got, want)
		}
	}
	// No Raw: encoding/json's null, and its refusal of an empty one.
	e := gongxu.TraceEvent{ID: "x"}
	want, _ := json.Marshal(&e)
	if got, err := marshalEvent(&e); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("nil Raw: %q, %v; want %q", got, err, want)
	}
	e.Raw = json.RawMessage{}
	if _, err := marshalEvent(&e); err == nil {
		t.Fatal("an empty Raw was accepted")
	}
}

// TestCompactJSONNoCopy: a compact Raw is returned as it is, not copied
// (what every run of a capture after the first relies on), and one that
// needs a change never is.
func TestCompactJSONNoCopy(t *testing.T) {
	raw := []byte(`{"a":[1,"b"],"c":"中文"}`)
	got, err := compactJSON(raw)
	if err != nil || &got[0] != &raw[0] || len(got) != len(raw) {
		t.Fatalf("compactJSON copied a compact text: %q, %v", got, err)
	}
	for _, c := range []string{` {"a":1}`, `{"a":"<"}`, "{\"a\":\"\u2028\"}", `{"a": 1}`} {
		raw := []byte(c)
		got, err := compactJSON(raw)
		if err != nil || &got[0] == &raw[0] {
			t.Fatalf("compactJSON(%q) = %q, %v: not a new text", c, got, err)
		}
	}
}

// FuzzMarshalEvent: for any strings and choices, the record encoder
// writes json.Marshal's bytes; it never panics.
//
//	go test -run '^$' -fuzz '^FuzzMarshalEvent$' -fuzztime 30s ./internal/module/trace/
func FuzzMarshalEvent(f *testing.F) {
	for i, s := range oddStrings {
		f.Add([]byte{byte(i), 1, 2, 3}, s, oddStrings[(i+1)%len(oddStrings)], compactCases[i%len(compactCases)])
	}
	f.Fuzz(func(t *testing.T, choices []byte, s1, s2, rawText string) {
		raw, err := compactJSON([]byte(rawText))
		if err != nil || !json.Valid(raw) {
			return
		}
		k := 0
		pick := func(n int) int {
			if len(choices) == 0 {
				return 0
			}
			c := int(choices[k%len(choices)]) + k/len(choices)
			k++
			return c % n
		}
		str := func() string {
			switch pick(4) {
			case 0:
				return ""
			case 1:
				return s1
			case 2:
				return s2
			}
			return s1 + s2
		}
		e := randomEvent(pick, str, raw)
		want, werr := json.Marshal(&e)
		got, gerr := marshalEvent(&e)
		if werr != nil || gerr != nil || !bytes.Equal(got, want) {
			t.Fatalf("marshalEvent\n%q, %v\nwant\n%q, %v", got, gerr, want, werr)
		}
	})
}

// TestIdentifiersSame: the index's identifiers are e.Identifiers(), for
// random events with repeats across roles, empty identifiers and none.
func TestIdentifiersSame(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 17))
	pick := func(n int) int { return r.IntN(n) }
	str := func() string { return []string{"", "a", "b", "urn:x", "a"}[r.IntN(5)] }
	for i := range 5000 {
		e := randomEvent(pick, str, []byte(`{}`))
		got, want := identifiers(&e), e.Identifiers()
		if !slices.Equal(got, want) {
			t.Fatalf("event %d: identifiers %q, Identifiers %q", i, got, want)
		}
	}
}
