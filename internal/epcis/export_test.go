package epcis

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

// TestExportRoundTrip captures every example, exports all their events in
// one document, checks it against GS1's schema and captures it again: the
// same events, the same IDs and hashes.
func TestExportRoundTrip(t *testing.T) {
	var raws [][]byte
	var want []Event
	seen := map[string]bool{}
	for _, f := range examples(t) {
		for _, e := range parse(t, f).Events {
			// Some examples repeat an event (9.6.1 is in four files); a
			// document holds it once.
			key := e.EventID
			if e.ErrorDeclaration != nil {
				key += " declared"
			}
			if seen[key] {
				continue
			}
			seen[key] = true
			raws = append(raws, e.Raw)
			want = append(want, e)
		}
	}
	created := time.Date(2024, 6, 1, 8, 0, 0, 123e6, time.FixedZone("CST", 8*3600))
	out, err := ExportDocument(raws, created)
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateJSON(out); err != nil {
		t.Fatal(err)
	}
	doc, err := ParseDocument(out, ParseOptions{MaxBytes: len(out)})
	if err != nil {
		t.Fatal(err)
	}
	if doc.CreationDate != created.UnixMilli() || len(doc.Events) != len(want) {
		t.Fatalf("creation %d, %d events; want %d, %d", doc.CreationDate, len(doc.Events), created.UnixMilli(), len(want))
	}
	for i, e := range doc.Events {
		w := want[i]
		if e.EventID != w.EventID || e.HashID != w.HashID || e.Type != w.Type || e.EventTime != w.EventTime || e.BizStep != w.BizStep {
			t.Errorf("event %d: got %s %s %s, want %s %s %s", i, e.Type, e.EventID, e.HashID, w.Type, w.EventID, w.HashID)
		}
		if e.IDAssigned {
			t.Errorf("event %d: the exported event lost its eventID", i)
		}
	}
	var head struct {
		Context       []string `json:"@context"`
		Type          string   `json:"type"`
		SchemaVersion string   `json:"schemaVersion"`
		CreationDate  string   `json:"creationDate"`
	}
	if err := json.Unmarshal(out, &head); err != nil {
		t.Fatal(err)
	}
	if head.Type != TypeDocument || head.SchemaVersion != "2.0" || head.CreationDate != "2024-06-01T00:00:00.123Z" ||
		len(head.Context) != 1 || head.Context[0] != StandardContext {
		t.Errorf("head %+v", head)
	}
}

func TestExportEmptyAndBad(t *testing.T) {
	out, err := ExportDocument(nil, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := ValidateJSON(out); err != nil {
		t.Fatal(err)
	}
	_, err = ExportDocument([][]byte{[]byte(`[1]`)}, time.Unix(0, 0))
	wantErr(t, err, gongxu.KindInvalid, "event 0")
	// An event that does not validate is never exported.
	_, err = ExportDocument([][]byte{[]byte(`{"type":"ObjectEvent"}`)}, time.Unix(0, 0))
	wantErr(t, err, gongxu.KindInternal, "does not validate", "eventTime")
}

// TestExportDeepEvent: an event captured as a document of its own, nested
// as deep as a capture may be, still exports and validates: it sits three
// levels deeper in an EPCISDocument and five in an EPCISQueryDocument.
func TestExportDeepEvent(t *testing.T) {
	nested := func(levels int) []byte {
		return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],` +
			strings.Replace(okEvent[1:], `"action"`, `"ex:deep":`+strings.Repeat("[", levels-1)+strings.Repeat("]", levels-1)+`,"action"`, 1))
	}
	d, err := ParseDocument(nested(MaxDepth), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	out, err := ExportDocument([][]byte{d.Events[0].Raw}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	query := bytes.Replace(out, []byte(`"type":"EPCISDocument"`), []byte(`"type":"EPCISQueryDocument"`), 1)
	query = bytes.Replace(query, []byte(`"epcisBody":{"eventList":`), []byte(`"epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":`), 1)
	query = append(query, "}}"...)
	if err := ValidateJSON(query); err != nil {
		t.Fatal(err)
	}
	// One level more is beyond a capture.
	_, err = ParseDocument(nested(MaxDepth+1), ParseOptions{})
	wantErr(t, err, gongxu.KindTooLarge, "nested more than 24 levels")
}
