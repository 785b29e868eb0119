package sqlite

import (
	"encoding/json"
	"reflect"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// TestTraceRecord: the record trace_records.json keeps is the stored event
// with every field but its JSON and anchor, encoded from the decoded event:
// the same content the chain's record holds without those two.
func TestTraceRecord(t *testing.T) {
	e := gongxu.TraceEvent{ID: "urn:uuid:1", Hash: "ni:///sha-256;ab?ver=CBV2.0", Type: "TransformationEvent", Org: "factory-a",
		Flow: gongxu.FlowComplete, Seq: 9, EventTime: 1700000000000, TimeZoneOffset: "+08:00", Action: "ADD",
		BizStep: "https://ref.gs1.org/cbv/BizStep-commissioning", Disposition: "https://ref.gs1.org/cbv/Disp-active",
		ReadPoint: "urn:epc:id:sgln:0614141.00001.0", BizLocation: "urn:epc:id:sgln:0614141.00001.0",
		EPCs: []string{"a"}, Quantities: []gongxu.TraceQuantity{{Class: "c", Quantity: "1.5", UOM: "KGM"}},
		Inputs: []string{"i"}, InputQuantities: []gongxu.TraceQuantity{{Class: "urn:gongxu:lot:factory-a/x"}},
		Outputs: []string{"o"}, OutputQuantities: []gongxu.TraceQuantity{{Class: "q", Quantity: "2"}},
		Parent: "p", Children: []string{"k<&>"}, ChildQuantities: []gongxu.TraceQuantity{{Class: "kc"}},
		BizTransactions: []gongxu.TraceRef{{Type: "https://ref.gs1.org/cbv/BTT-po", ID: "urn:gongxu:po:1"}},
		Sources:         []gongxu.TraceRef{{ID: "s"}}, Destinations: []gongxu.TraceRef{{Type: "t", ID: "d"}},
		ErrorDeclaration: &gongxu.TraceErrorDeclaration{Time: 1700000001000, Reason: "r", Corrective: []string{"urn:uuid:2"}},
		Raw:              json.RawMessage(`{"type":"TransformationEvent"}`),
		Anchor:           gongxu.TraceAnchor{Height: 3, Time: 4, Tx: "AB", Index: 1, Count: 2, Leaf: "ff", Root: "ee"}}
	stored, err := json.Marshal(e) // as the chain emits it
	if err != nil {
		t.Fatal(err)
	}
	rec, err := traceRecord(&e)
	if err != nil {
		t.Fatal(err)
	}
	var got, want map[string]any
	if err := json.Unmarshal(rec, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(stored, &want); err != nil {
		t.Fatal(err)
	}
	delete(want, "raw")
	delete(want, "anchor")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("record %s\nwant the stored event without raw and anchor: %s", rec, stored)
	}
	var back gongxu.TraceEvent
	if err := json.Unmarshal(rec, &back); err != nil {
		t.Fatal(err)
	}
	e.Raw, e.Anchor = nil, gongxu.TraceAnchor{}
	if !reflect.DeepEqual(back, e) {
		t.Errorf("record decodes to %+v, want %+v", back, e)
	}
}
