package sqlite

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// traceDecodeSeeds are trace events as the module emits them, and texts
// near them that the fast path must leave to encoding/json.
func traceDecodeSeeds(t testing.TB) []string {
	var out []string
	add := func(bs []gongxu.CommittedBlock) {
		for _, b := range bs {
			for _, tx := range b.Txs {
				for _, ev := range tx.Events {
					if ev.Type == gongxu.EventTraceEvent && len(out) < 400 {
						out = append(out, ev.Get("json"))
					}
				}
			}
		}
	}
	scenario, _ := newTraceScenario(t)
	add(scenario)
	add(randomTraceChain(1))
	add(traceProjectBlocks(1, 3))
	full := gongxu.TraceEvent{ID: "urn:uuid:1", Hash: "ni:///sha-256;ab?ver=CBV2.0", Type: "TransformationEvent", Org: "factory-a",
		Flow: gongxu.FlowComplete, Seq: 9, EventTime: -1700000000000, TimeZoneOffset: "+08:00", Action: "ADD",
		BizStep: "https://ref.gs1.org/cbv/BizStep-commissioning", Disposition: "日本", ReadPoint: "r", BizLocation: "b",
		EPCs: []string{"a"}, Quantities: []gongxu.TraceQuantity{{Class: "c", Quantity: "1.5", UOM: "KGM"}},
		Inputs: []string{"i"}, InputQuantities: []gongxu.TraceQuantity{{Class: "urn:gongxu:lot:factory-a/x"}},
		Outputs: []string{"o"}, OutputQuantities: []gongxu.TraceQuantity{{Class: "q", Quantity: "2"}},
		Parent: "p", Children: []string{"k"}, ChildQuantities: []gongxu.TraceQuantity{{Class: "kc"}},
		BizTransactions: []gongxu.TraceRef{{Type: "https://ref.gs1.org/cbv/BTT-po", ID: "urn:gongxu:po:1"}},
		Sources:         []gongxu.TraceRef{{ID: "s"}}, Destinations: []gongxu.TraceRef{{Type: "t", ID: "d"}},
		ErrorDeclaration: &gongxu.TraceErrorDeclaration{Time: 1700000001000, Reason: "r", Corrective: []string{"urn:uuid:2"}},
		Raw:              json.RawMessage(`{"type":"TransformationEvent","x":["]}\"",{"}":1}]}`),
		Anchor:           gongxu.TraceAnchor{Height: 3, Time: 4, Tx: "AB", Index: 1, Count: 2, Leaf: "ff", Root: "ee"}}
	js := mustJSON(full)
	out = append(out, js,
		strings.Replace(js, `"children":["k"]`, `"children":["k\u003c"]`, 1), strings.Replace(js, `"parent":"p"`, `"Parent":"p"`, 1),
		strings.Replace(js, `"seq":9`, `"seq":9.0`, 1), strings.Replace(js, `"seq":9`, `"seq":-9`, 1),
		strings.Replace(js, `"seq":9`, `"seq":09`, 1), strings.Replace(js, `"seq":9`, `"seq":null`, 1),
		strings.Replace(js, `"epcs":["a"]`, `"epcs":[]`, 1), strings.Replace(js, `"epcs":["a"]`, `"epcs":["a","a"],"epcs":["b"]`, 1),
		strings.Replace(js, `"raw":{`, `"raw":  {`, 1), strings.Replace(js, `"raw":{`, `"raw":"{`, 1),
		strings.Replace(js, `"index":1`, `"index":99999999999999999999`, 1), strings.Replace(js, `"org":"factory-a"`, `"org":"fac\u0074ory-a"`, 1),
		js+" ", " "+js, js[:len(js)-1], `{}`, `{"id":"x"}`, `[]`, `{"raw":[1,2]}`, `{"raw":[1,2}`, `{"id":"\xff"}`)
	return out
}

// FuzzDecodeTraceEvent: whenever the fast path takes a text, encoding/json
// decodes it without error to the same event.
//
//	go test ./internal/sqlite -run '^$' -fuzz FuzzDecodeTraceEvent -fuzztime 30s
func FuzzDecodeTraceEvent(f *testing.F) {
	for _, s := range traceDecodeSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fast, std gongxu.TraceEvent
		end, ok := fastTraceEvent(s, &fast)
		if !ok {
			return
		}
		if err := json.Unmarshal([]byte(s), &std); err != nil {
			t.Fatalf("fast path took %q, encoding/json: %v", s, err)
		}
		if !reflect.DeepEqual(fast, std) {
			t.Fatalf("%q: fast path %+v, encoding/json %+v", s, fast, std)
		}
		if end >= 0 {
			// The record decodes to the event without its JSON and anchor.
			var back gongxu.TraceEvent
			if err := json.Unmarshal([]byte(s[:end]+"}"), &back); err != nil {
				t.Fatalf("record of %q: %v", s, err)
			}
			std.Raw, std.Anchor = nil, gongxu.TraceAnchor{}
			if !reflect.DeepEqual(back, std) {
				t.Fatalf("%q: record %+v, want %+v", s, back, std)
			}
		}
	})
}

// TestDecodeTraceEvent: the module's events take the fast path, and every
// seed decodes as decode does, error kind included.
func TestDecodeTraceEvent(t *testing.T) {
	fastN := 0
	seeds := traceDecodeSeeds(t)
	for i, s := range seeds {
		ev := gongxu.NewEvent(gongxu.EventTraceEvent, "json", s)
		var got, want gongxu.TraceEvent
		err := decodeTraceEvent(&ev, &got)
		werr := decode(&ev, &want)
		if gongxu.ErrorKind(err) != gongxu.ErrorKind(werr) || !reflect.DeepEqual(got, want) {
			t.Errorf("seed %d %q: %+v, %v; decode: %+v, %v", i, s, got, err, want, werr)
		}
		var e gongxu.TraceEvent
		if _, ok := fastTraceEvent(s, &e); ok {
			fastN++
		}
		// The module's events (all but the variants) keep the record
		// traceRecord encodes, byte for byte, without encoding it.
		rec, err := decodeTraceEventRecord(&ev, &e)
		if i < len(seeds)-21 {
			want, werr := traceRecord(&e)
			if err != nil || werr != nil || string(rec) != string(want) {
				t.Errorf("seed %d: record %s, %v; traceRecord %s, %v", i, rec, err, want, werr)
			}
		}
	}
	// Everything but the 21 hand-made variants after the full event is the
	// module's (encoding/json's) output, and the fast path's; of the
	// variants only {}, {"id":"x"} and {"raw":[1,2]}.
	if n := len(seeds); fastN != n-21+3 {
		t.Errorf("the fast path took %d of %d seeds", fastN, n)
	}
}
