package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// encodingJSONCompact is what the record held before: encoding/json's
// compact form of a json.RawMessage.
func encodingJSONCompact(raw []byte) ([]byte, error) {
	return json.Marshal(json.RawMessage(bytes.TrimSpace(raw)))
}

// compactCases are JSON texts with everything compaction touches:
// whitespace of every kind, escapes, HTML characters and the two line
// separators inside strings, non-ASCII, nesting.
var compactCases = []string{
	`{}`, `[]`, `1`, `"x"`, `null`, ` { "a" : [ 1 , 2 ] } `, "{\n\t\"a\":\r\n\"b\"}",
	`{"a":"<b>&amp;</b>"}`, `{"a":"\u2028\u2029 raw: ` + "\u2028\u2029" + `"}`, `{"a":"\"<\\\\>\"","b":"\\"}`,
	`{"ex:k":{"x":[{"y":null,"z":true}]},"n":-1.5e-3,"s":"中文 \ud83d\ude00 😀"}`,
	`{"a":"\u003c already escaped \u0026"}`, `["a\\"]`, `{"k":"` + "\xe2\x80" + `"}`,
}

// TestCompactJSON: compactJSON writes what encoding/json writes for every
// GS1 example event and for the texts above.
func TestCompactJSON(t *testing.T) {
	check := func(name string, raw []byte) {
		t.Helper()
		want, werr := encodingJSONCompact(raw)
		got, gerr := compactJSON(raw)
		if (werr == nil) != (gerr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("%s: compactJSON = %q, %v; encoding/json %q, %v", name, got, gerr, want, werr)
		}
	}
	for _, c := range compactCases {
		check(c, []byte(c))
	}
	files, _ := filepath.Glob("../../epcis/testdata/gs1/examples/*.jsonld")
	more, _ := filepath.Glob("../../epcis/testdata/gs1/examples/*/*.jsonld")
	files = append(files, more...)
	if len(files) < 25 {
		t.Fatalf("only %d GS1 examples", len(files))
	}
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		check(p, raw)
	}
	// Not JSON: refused, as before.
	for _, c := range []string{`{`, `{"a":"b}`, `{"a":"b"}}`, "{\"a\":\"\x01\"}", `"\`} {
		if _, err := compactJSON([]byte(c)); err == nil {
			t.Fatalf("compactJSON(%q) accepted", c)
		}
	}
}

// TestRecordBytes: marshalEvent writes json.Marshal's bytes for events with
// every field set, odd characters in Raw and in the other strings.
func TestRecordBytes(t *testing.T) {
	for i, c := range compactCases {
		raw, err := compactJSON([]byte(c))
		if err != nil {
			t.Fatal(err)
		}
		e := gongxu.TraceEvent{
			ID: fmt.Sprintf(`urn:uuid:<&>"%d"`, i), Hash: "ni:///sha-256;ab?ver=CBV2.0", Type: "ObjectEvent", Org: "acme",
			Flow: "f", Seq: uint64(i), EventTime: 1700000000000, TimeZoneOffset: "+08:00", Action: "ADD",
			BizStep: "https://ref.gs1.org/cbv/BizStep-shipping", EPCs: []string{"a", `"raw":null,"anchor":`},
			Quantities:       []gongxu.TraceQuantity{{Class: "c", Quantity: "1.5", UOM: "KGM"}},
			Sources:          []gongxu.TraceRef{{Type: "t", ID: "s"}},
			ErrorDeclaration: &gongxu.TraceErrorDeclaration{Reason: `,"raw":null,"anchor":`},
			Raw:              raw,
			Anchor:           gongxu.TraceAnchor{Height: 7, Time: 8, Tx: "ABCD", Index: 1, Count: 2, Leaf: "00ff", Root: "ff00"},
		}
		want, err := json.Marshal(&e)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalEvent(&e)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("case %d: marshalEvent\n%s\nwant\n%s", i, got, want)
		}
		if !bytes.Equal(e.Raw, raw) {
			t.Fatal("marshalEvent changed the event")
		}
	}
}

// FuzzCompact: on valid JSON compactJSON writes encoding/json's bytes; on
// anything it never panics.
//
//	go test -run '^$' -fuzz '^FuzzCompact$' -fuzztime 30s ./internal/module/trace/
func FuzzCompact(f *testing.F) {
	for _, c := range compactCases {
		f.Add([]byte(c))
	}
	f.Add([]byte(strings.Repeat(`[`, 50) + strings.Repeat(`]`, 50)))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, gerr := compactJSON(data)
		if !json.Valid(data) {
			return
		}
		want, werr := encodingJSONCompact(data)
		if werr != nil || gerr != nil || !bytes.Equal(got, want) {
			t.Fatalf("compactJSON(%q) = %q, %v; encoding/json %q, %v", data, got, gerr, want, werr)
		}
	})
}
