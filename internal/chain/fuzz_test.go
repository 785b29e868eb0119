package chain_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
)

// FuzzMessages fuzzes the body decoder of every message type: no input
// panics or yields an internal error; the verdict is the same twice; and
// what is accepted has exactly one meaning — encoding/json (which matches
// keys case-insensitively and lets the last duplicate win) decodes it to
// the very same message, and re-encoding the message decodes to it again.
func FuzzMessages(f *testing.F) {
	h := chaintest.New(f, orgs...)
	types := h.App.Types()
	seeds := []string{
		`{}`, `{"description":"a"}`, `{"description":"a","description":"b"}`, `{"Description":"a"}`,
		`{"pool":1,"leaves":[{"consumer":"ab","variant":"m","qty":1}]}`, `{"pool":1,"qty":2}`,
		`{"document":{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}}`,
		`{"lot":"factory-a/fab-001","reason":"mould"}`, `{"kind":"set_param","title":"t","param":"max_org_keys","value":3}`,
		`{"amount":100,"currency":"CNY","ref":"x"}`, `{"sku":"a","name":"b","variants":[{"id":"m","name":"M"}]}`,
		`{"product":"factory-a/jacket","currency":"CNY","weeks":[{"week":"2025-W50","units":5,"money":100,"consumers":2}]}`,
		`{"pool":1,"kind":"short","claimed":100,"evidence":["` + strings.Repeat("ab", 32) + `"],"note":"n"}`,
		`{"dispute":1,"to_claimant":50}`, `{"key":"` + strings.Repeat("A", 43) + `="}`, `{"wo":1,"reason":"r"}`,
		`{"po":1,"to":"hub-b","terms":{"commitment":"` + strings.Repeat("00", 32) + `"}}`,
		// An empty list means the same as none (CI's fuzzing found evidence:[]).
		`{"po":1,"kind":"short","claimed":1,"evidence":[]}`, `{"item":"a","unit_price":5,"tiers":[],"lines":[]}`,
		// Change orders: a removed line (qty 0), a deadline, an answer.
		`{"po":1,"lines":[{"item":"a","qty":0,"date":1,"unit_price":0}],"respond_by":0}`, `{"po":1,"change":1,"accept":true}`,
		// A framework order's line with a release date.
		`{"supplier":"supplier-s","lines":[{"item":"a","qty":1,"date":2,"release":0}]}`, `{"supplier":"s","lines":[{"item":"a","qty":1,"date":9,"release":5}]}`,
		`{"pool":1,"hub":"hub-a","carrier":"carrier-c"}`, `{"po":1,"shipment":1,"carrier":"carrier-c"}`,
		`{"leg":1,"received_by":"Wang","evidence":[],"note":"n"}`,
		`{"kind":"schedule_upgrade","title":"t","upgrade":{"name":"v2","version":2,"height":100}}`,
		`{"kind":"cancel_upgrade","title":"t","upgrade":{"name":"v2"}}`, `{"kind":"cancel_upgrade","title":"t","upgrade":{}}`,
	}
	for i := range types {
		for _, s := range seeds {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, ti uint8, body []byte) {
		typ := types[int(ti)%len(types)]
		msg, err := h.App.DecodeMsg(typ, body)
		msg2, err2 := h.App.DecodeMsg(typ, body)
		if (err == nil) != (err2 == nil) || gongxu.ErrorKind(err) != gongxu.ErrorKind(err2) {
			t.Fatalf("%s %q: two verdicts: %v / %v", typ, body, err, err2)
		}
		if err != nil {
			if k := gongxu.ErrorKind(err); k == gongxu.KindInternal {
				t.Fatalf("%s %q: internal error %v", typ, body, err)
			}
			return
		}
		if !reflect.DeepEqual(msg, msg2) {
			t.Fatalf("%s %q: two meanings %+v / %+v", typ, body, msg, msg2)
		}
		// encoding/json, case-insensitive and last-wins, sees the same.
		v1 := reflect.New(reflect.TypeOf(msg).Elem()).Interface()
		dec := json.NewDecoder(bytes.NewReader(body))
		dec.DisallowUnknownFields()
		if err := dec.Decode(v1); err != nil {
			t.Fatalf("%s %q: accepted, but encoding/json refuses it: %v", typ, body, err)
		}
		chain.EmptyToNil(reflect.ValueOf(v1)) // "x":[] is no list, as the chain reads it
		if !reflect.DeepEqual(v1, any(msg)) {
			t.Fatalf("%s %q: encoding/json reads %+v, the chain %+v", typ, body, v1, msg)
		}
		// Re-encoded, the message means the same again. Without HTML
		// escaping: json.Marshal writes a raw member's "&" as "\u0026",
		// the same text in other bytes (a trace document is kept as sent).
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(msg); err != nil {
			t.Fatal(err)
		}
		re := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		msg3, err := h.App.DecodeMsg(typ, re)
		if err != nil {
			t.Fatalf("%s: %q accepted, its re-encoding %q refused: %v", typ, body, re, err)
		}
		if !reflect.DeepEqual(msg, msg3) {
			t.Fatalf("%s %q: re-encoded %q means %+v, not %+v", typ, body, re, msg3, msg)
		}
	})
}
