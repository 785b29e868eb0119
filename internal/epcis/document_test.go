package epcis

import (
	"bytes"
	"encoding/json"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

var hashIDPattern = regexp.MustCompile(`^ni:///sha-256;[0-9a-f]{64}\?ver=CBV2\.0$`)

func TestEveryExampleParses(t *testing.T) {
	types := map[string]int{}
	for _, f := range examples(t) {
		doc := parse(t, f)
		if len(doc.Events) == 0 {
			t.Errorf("%s: no events", f)
		}
		for i, e := range doc.Events {
			types[e.Type]++
			if !hashIDPattern.MatchString(e.HashID) {
				t.Errorf("%s/%d: hash %q", f, i, e.HashID)
			}
			if e.EventID == "" || e.EventTime == 0 || e.EventTimeZoneOffset == "" {
				t.Errorf("%s/%d: incomplete %+v", f, i, e)
			}
			var obj map[string]json.RawMessage
			if err := json.Unmarshal(e.Raw, &obj); err != nil {
				t.Errorf("%s/%d: Raw is not an object: %v", f, i, err)
			}
		}
	}
	for _, typ := range []string{ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent, AssociationEvent} {
		if types[typ] == 0 {
			t.Errorf("no %s among the examples", typ)
		}
	}
}

func TestParseObjectEvent(t *testing.T) {
	doc := parse(t, examplesDir+"/Example_9.6.1-ObjectEvent.jsonld")
	if doc.Type != TypeDocument || doc.SchemaVersion != "2.0" || doc.CreationDate != time.Date(2005, 7, 11, 11, 30, 47, 0, time.UTC).UnixMilli() {
		t.Errorf("document %+v", doc)
	}
	e := doc.Events[0]
	want := Event{
		Type:                ObjectEvent,
		EventID:             "ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0",
		HashID:              e.HashID,
		EventTime:           time.Date(2005, 4, 4, 2, 33, 31, 116e6, time.UTC).UnixMilli(),
		EventTimeZoneOffset: "-06:00",
		Action:              "OBSERVE",
		BizStep:             "https://ref.gs1.org/cbv/BizStep-shipping",
		Disposition:         "https://ref.gs1.org/cbv/Disp-in_transit",
		EPCList:             []string{"urn:epc:id:sgtin:0614141.107346.2017", "urn:epc:id:sgtin:0614141.107346.2018"},
		ReadPoint:           "urn:epc:id:sgln:0614141.07346.1234",
		BizTransactions:     []BizTransaction{{Type: "https://ref.gs1.org/cbv/BTT-po", ID: "http://transaction.acme.com/po/12345678"}},
		Raw:                 e.Raw,
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got  %+v\nwant %+v", e, want)
	}
	e = doc.Events[1]
	if e.BizLocation != "urn:epc:id:sgln:0012345.11111.0" || len(e.BizTransactions) != 2 ||
		string(e.Extensions["example:myField"]) != `"Example of a vendor/user extension"` || len(e.Extensions) != 1 {
		t.Errorf("event 1: %+v", e)
	}
}

func TestParseTransformationAndAggregation(t *testing.T) {
	e := parse(t, examplesDir+"/Example_9.6.4-TransformationEvent.jsonld").Events[0]
	if len(e.InputEPCList) != 2 || len(e.OutputEPCList) != 4 || len(e.InputQuantityList) != 3 {
		t.Fatalf("%+v", e)
	}
	if q := e.InputQuantityList[0]; q != (Quantity{EPCClass: "urn:epc:class:lgtin:4012345.011111.4444", Quantity: "10", UOM: "KGM"}) {
		t.Errorf("quantity %+v", q)
	}
	if string(e.ILMD) != `{"example:bestBeforeDate":"2014-12-10","example:batch":"XYZ" }` {
		t.Errorf("ilmd %s", e.ILMD)
	}
	a := parse(t, examplesDir+"/Example_9.6.3-AggregationEvent.jsonld").Events[0]
	if a.ParentID != "urn:epc:id:sscc:0614141.1234567890" || len(a.ChildEPCs) != 2 || len(a.ChildQuantityList) != 2 ||
		a.ChildQuantityList[1].Quantity != "200.5" {
		t.Errorf("%+v", a)
	}
	if m, ok := a.ChildQuantityList[1].Milli(); !ok || m != 200500 {
		t.Errorf("milli %d %v", m, ok)
	}
}

func TestParseEveryField(t *testing.T) {
	e := parse(t, examplesDir+"/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld").Events[0]
	if e.IDAssigned || e.EventID != "urn:uuid:374d95fc-9457-4a51-bd6a-0bba133845a8" {
		t.Errorf("id %q %v", e.EventID, e.IDAssigned)
	}
	ed := e.ErrorDeclaration
	if ed == nil || ed.Reason != "https://ref.gs1.org/cbv/ER-incorrect_data" || len(ed.CorrectiveEventIDs) != 1 ||
		ed.DeclarationTime != time.Date(2006, 11, 7, 13, 0, 0, 0, time.UTC).UnixMilli() {
		t.Errorf("error declaration %+v", ed)
	}
	if !reflect.DeepEqual(e.CertificationInfo, []string{"https://accreditation-council.example.org/certificate/ABC12345"}) {
		t.Errorf("certificationInfo %v", e.CertificationInfo)
	}
	if pd := e.PersistentDisposition; pd == nil || !reflect.DeepEqual(pd.Set, []string{"https://ref.gs1.org/cbv/Disp-completeness_verified"}) ||
		!reflect.DeepEqual(pd.Unset, []string{"https://ref.gs1.org/cbv/Disp-completeness_inferred"}) {
		t.Errorf("persistentDisposition %+v", pd)
	}
	if len(e.Sources) != 3 || e.Sources[1] != (SourceDest{Type: "https://ref.gs1.org/cbv/SDT-possessing_party", ID: "urn:epc:id:pgln:4012345.00225"}) ||
		len(e.Destinations) != 3 {
		t.Errorf("sources %+v destinations %+v", e.Sources, e.Destinations)
	}
	if !bytes.Contains(e.ILMD, []byte("cbvmda:lotNumber")) || !bytes.Contains(e.SensorElementList, []byte("sensorReport")) {
		t.Errorf("ilmd %s sensors %s", e.ILMD, e.SensorElementList)
	}
	for _, k := range []string{"ext1:float", "ext1:array", "ext1:object", "ext1:string"} {
		if _, ok := e.Extensions[k]; !ok {
			t.Errorf("extension %s missing from %v", k, e.Extensions)
		}
	}
}

func TestOtherDocumentShapes(t *testing.T) {
	q := parse(t, examplesDir+"/EPCISQueryDocument.jsonld")
	if q.Type != TypeQueryDocument || len(q.Events) != 2 {
		t.Errorf("query document: %s, %d events", q.Type, len(q.Events))
	}
	single := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],` + okEvent[1:]
	d, err := ParseDocument([]byte(single), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if d.Type != ObjectEvent || len(d.Events) != 1 || d.Events[0].HashID != mustHash(t, okEvent) {
		t.Errorf("single event: %+v", d)
	}
}

func mustHash(t *testing.T, event string) string {
	t.Helper()
	h, err := EventHash([]byte(event), []byte(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"]`))
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestAssignedEventID(t *testing.T) {
	raw := []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"acme":"https://acme.example/ns/"}],` +
		`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-01-01T00:00:00Z","epcisBody":{"eventList":[` +
		strings.TrimSuffix(okEvent, "}") + `,"acme:line":"7"}]}}`)
	d, err := ParseDocument(raw, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := d.Events[0]
	if !e.IDAssigned || e.EventID != e.HashID {
		t.Fatalf("id %q assigned %v hash %q", e.EventID, e.IDAssigned, e.HashID)
	}
	var obj struct {
		EventID string            `json:"eventID"`
		Context []json.RawMessage `json:"@context"`
	}
	if err := json.Unmarshal(e.Raw, &obj); err != nil {
		t.Fatalf("%s: %v", e.Raw, err)
	}
	if obj.EventID != e.EventID || len(obj.Context) != 2 || string(obj.Context[1]) != `{"acme":"https://acme.example/ns/"}` {
		t.Errorf("raw %s", e.Raw)
	}
	// Adding them did not change what the event is.
	if h, err := EventHash(e.Raw, nil); err != nil || h != e.HashID {
		t.Errorf("hash of the stored event %s, %v; captured %s", h, err, e.HashID)
	}
	// Nor with a document @context that is one object.
	d, err = ParseDocument(bytes.Replace(raw, []byte(`["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"acme":"https://acme.example/ns/"}]`),
		[]byte(`{"acme":"https://acme.example/ns/"}`), 1), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if h, err := EventHash(d.Events[0].Raw, nil); err != nil || h != d.Events[0].HashID || h != e.HashID {
		t.Errorf("object context: stored %s, %v; captured %s; with a list %s", h, err, d.Events[0].HashID, e.HashID)
	}
}

func TestBadDocuments(t *testing.T) {
	future := strings.Replace(okEvent, "2024-01-01T00:00:00Z", "2024-01-01T01:00:00Z", 1)
	for _, c := range []struct {
		name  string
		raw   []byte
		opts  ParseOptions
		kind  gongxu.Kind
		parts []string
	}{
		{"not JSON", []byte(`{"type":`), ParseOptions{}, gongxu.KindInvalid, []string{"not valid JSON"}},
		{"trailing data", append(doc(okEvent), []byte(` {}`)...), ParseOptions{}, gongxu.KindInvalid, []string{"not valid JSON"}},
		{"too deep", doc(strings.Replace(okEvent, `"action"`, `"x:deep":`+strings.Repeat("[", 300)+strings.Repeat("]", 300)+`,"action"`, 1)),
			ParseOptions{}, gongxu.KindTooLarge, []string{"/epcisBody/eventList/0/x:deep/0/0", "nested more than 24 levels"}},
		{"not an object", []byte(`[1]`), ParseOptions{}, gongxu.KindInvalid, []string{"JSON object"}},
		{"oversized", doc(okEvent), ParseOptions{MaxBytes: 100}, gongxu.KindTooLarge, []string{"over the limit of 100"}},
		{"over the default limit", doc(okEvent, strings.Repeat(" ", DefaultMaxBytes)), ParseOptions{}, gongxu.KindTooLarge, []string{"over the limit"}},
		{"unknown document type", []byte(`{"type":"Invoice"}`), ParseOptions{}, gongxu.KindInvalid, []string{`/type: "Invoice"`}},
		{"unknown event type", doc(okEvent, strings.Replace(okEvent, "ObjectEvent", "FooEvent", 1)), ParseOptions{}, gongxu.KindInvalid,
			[]string{`/epcisBody/eventList/1/type: unknown event type "FooEvent"`}},
		{"extension event type", doc(strings.Replace(okEvent, `"ObjectEvent"`, `"https://example.com/MyEvent"`, 1)), ParseOptions{}, gongxu.KindInvalid,
			[]string{"unknown event type"}},
		{"future event", doc(future), ParseOptions{Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)}, gongxu.KindInvalid,
			[]string{"/epcisBody/eventList/0/eventTime", "1h0m0s in the future"}},
		{"future record time", doc(strings.Replace(okEvent, `"action"`, `"recordTime":"2024-01-01T00:30:00Z","action"`, 1)),
			ParseOptions{Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), MaxFutureSkew: time.Minute}, gongxu.KindInvalid,
			[]string{"/epcisBody/eventList/0/recordTime"}},
		{"same event twice", doc(okEvent, okEvent), ParseOptions{}, gongxu.KindInvalid, []string{"/epcisBody/eventList/1/eventID", "also event 0"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			d, err := ParseDocument(c.raw, c.opts)
			wantErr(t, err, c.kind, c.parts...)
			if d != nil {
				t.Error("a document came back with the error")
			}
		})
	}
	// Within the allowed skew, and an error declaration of an event in the
	// same document, are fine.
	if _, err := ParseDocument(doc(future), ParseOptions{Now: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), MaxFutureSkew: 2 * time.Hour}); err != nil {
		t.Error(err)
	}
	declared := strings.Replace(okEvent, `"action"`, `"errorDeclaration":{"declarationTime":"2024-01-02T00:00:00Z","reason":"incorrect_data"},"action"`, 1)
	if _, err := ParseDocument(doc(okEvent, declared), ParseOptions{}); err != nil {
		t.Error(err)
	}
}

func TestNormalizeVocab(t *testing.T) {
	for _, c := range []struct {
		v        Vocab
		in, want string
	}{
		{VocabBizStep, "shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{VocabBizStep, "urn:epcglobal:cbv:bizstep:shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{VocabBizStep, "https://ref.gs1.org/cbv/BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{VocabBizStep, "http://ref.gs1.org/cbv/BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{VocabBizStep, "cbv:BizStep-shipping", "https://ref.gs1.org/cbv/BizStep-shipping"},
		{VocabBizStep, "urn:acme:bizstep:dyeing", "urn:acme:bizstep:dyeing"},
		{VocabBizStep, "", ""},
		{VocabDisposition, "urn:epcglobal:cbv:disp:in_transit", "https://ref.gs1.org/cbv/Disp-in_transit"},
		{VocabBizTransactionType, "po", "https://ref.gs1.org/cbv/BTT-po"},
		{VocabSourceDestType, "urn:epcglobal:cbv:sdt:owning_party", "https://ref.gs1.org/cbv/SDT-owning_party"},
		{VocabErrorReason, "incorrect_data", "https://ref.gs1.org/cbv/ER-incorrect_data"},
	} {
		if got := NormalizeVocab(c.v, c.in); got != c.want {
			t.Errorf("NormalizeVocab(%d, %q) = %q, want %q", c.v, c.in, got, c.want)
		}
	}
	if s, ok := ShortVocab(VocabBizStep, "urn:epcglobal:cbv:bizstep:receiving"); !ok || s != "receiving" {
		t.Errorf("ShortVocab = %q %v", s, ok)
	}
	if _, ok := ShortVocab(VocabBizStep, "urn:acme:bizstep:dyeing"); ok {
		t.Error("a custom step has no CBV short name")
	}
}

func TestQuantityMilli(t *testing.T) {
	for in, want := range map[string]int64{"200.5": 200500, "10": 10000, "0.001": 1, "1.2300": 1230, "-2": -2000, "1e2": 100000, "0": 0} {
		if got, ok := (Quantity{Quantity: in}).Milli(); !ok || got != want {
			t.Errorf("%s: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "0.0001", "1e30", "x"} {
		if _, ok := (Quantity{Quantity: in}).Milli(); ok {
			t.Errorf("%q converted", in)
		}
	}
}
