package modules_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/module/trace"
	"github.com/gongxu-network/gongxu/internal/modules"
)

// TestSucceededPoolBecomesProductionOrder: the cross-module wiring. A pool
// that succeeds at its deadline opens one production order for its product
// and total, due its lead time after the close; a failed pool opens none.
func TestSucceededPoolBecomesProductionOrder(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub}})
	ok := func(r string, code uint32) {
		t.Helper()
		if code != 0 {
			t.Fatalf("%s: %s", r, gongxu.Kind(code))
		}
	}
	r := h.Deliver(h.Sign("acme", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 21}))
	ok("publish", r.Code)
	r = h.Deliver(h.Sign("hub-a", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 10_000_000}))
	ok("deposit", r.Code)
	deadline := h.Time + 60_000
	for _, moq := range []gongxu.Units{10, 1000} { // pool 1 succeeds, pool 2 fails
		r = h.Deliver(h.Sign("acme", pool.TypeOpen, pool.MsgOpen{Product: "acme/jacket", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
			MOQ: moq, Cap: 2000, CasePack: 1, Currency: "CNY", Deadline: deadline}))
		ok("open", r.Code)
	}
	for id := uint64(1); id <= 2; id++ {
		r = h.Deliver(h.Sign("hub-a", pool.TypeBatch, pool.MsgBatch{Pool: id, Leaves: []gongxu.PoolLeaf{
			{ID: "00112233445566778899aabbccddeeff", Qty: 12, Commit: strings.Repeat("1", 64)},
			{ID: "ffeeddccbbaa99887766554433221100", Qty: 3, Commit: strings.Repeat("2", 64)}}}))
		ok("batch", r.Code)
	}
	h.Advance(60_000)
	h.Block()
	closedAt := h.Time
	for id, want := range map[uint64]gongxu.PoolStatus{1: gongxu.PoolSucceeded, 2: gongxu.PoolFailed} {
		p, err := h.Mods.Pool.Pool(h.State, id)
		if err != nil || p.Status != want {
			t.Fatalf("pool %d is %s (%v), want %s", id, p.Status, err, want)
		}
	}
	oid, err := h.Mods.Production.OrderForPool(h.State, 1)
	if err != nil || oid == 0 {
		t.Fatalf("succeeded pool 1 has no production order (%d, %v)", oid, err)
	}
	o, err := h.Mods.Production.Order(h.State, oid)
	if err != nil {
		t.Fatal(err)
	}
	if o.Factory != "acme" || string(o.Product) != "acme/jacket" || o.Qty != 15_000 || o.Due != closedAt+21*24*3600*1000 || o.Pool != 1 {
		t.Fatalf("order %+v: want acme/jacket, 15 units (15000 milli), due 21 days after %d, pool 1", o, closedAt)
	}
	if oid, _ := h.Mods.Production.OrderForPool(h.State, 2); oid != 0 {
		t.Fatalf("failed pool 2 has production order %d", oid)
	}
	if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
		t.Fatal(err)
	}
}

// TestTraceWiring: the trace module runs last; production's receipts and
// work-order completions reach it as EPCIS events anchored in their own
// transaction, valid against GS1's schema and named by their CBV 2.0 hash;
// the EPCIS parser checks event times against the time it is given.
func TestTraceWiring(t *testing.T) {
	set := modules.New()
	list := set.List()
	if last := list[len(list)-1]; last.Name() != trace.Name || last != module.Module(set.Trace) {
		t.Fatalf("the last module is %s, want trace", last.Name())
	}
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "supplier-s", Roles: []gongxu.Role{gongxu.RoleSupplier}})
	do := func(who, typ string, body any) chain.TxResult {
		t.Helper()
		r := h.Deliver(h.Sign(who, typ, body))
		chaintest.MustOK(t, r)
		return r
	}
	do("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 21})
	do("supplier-s", production.TypeOffer, production.MsgOffer{Item: "fabric", Unit: "m", LeadTimeDays: 5, UnitPrice: 10, Currency: "CNY"})
	do("factory-a", production.TypePO, production.MsgPO{Supplier: "supplier-s", Lines: []production.LineIn{{Item: "fabric", Qty: 5000, Date: h.Time + 86400000}}})
	do("supplier-s", production.TypePOAccept, production.MsgPOAccept{PO: 1})
	do("supplier-s", production.TypeShip, production.MsgShip{PO: 1, Lines: []production.LotLine{{Line: 1, Lot: "supplier-s/f-1", Qty: 5000}}})
	do("factory-a", production.TypeOrder, production.MsgOrder{Product: "factory-a/jacket", Qty: 2000, Due: h.Time + 86400000})
	anchored := func(r chain.TxResult, flow, typ string) gongxu.TraceEvent {
		t.Helper()
		var ev gongxu.TraceEvent
		for _, e := range r.Events {
			if e.Type == "trace.event" {
				if err := json.Unmarshal([]byte(e.Get("json")), &ev); err != nil {
					t.Fatal(err)
				}
			}
		}
		if ev.Flow != flow || ev.Type != typ || ev.Anchor.Tx != r.Hash || ev.Anchor.Height != h.Height || ev.EventTime != h.Time {
			t.Fatalf("tx %s emitted %+v, want a %s of %s anchored in it", r.Hash, ev, typ, flow)
		}
		stored, err := h.Mods.Trace.Event(h.State, ev.ID)
		if err != nil || stored.Seq != ev.Seq {
			t.Fatalf("event %s: %+v, %v", ev.ID, stored, err)
		}
		if b, err := h.Mods.Trace.Batch(h.State, h.Height, r.Hash); err != nil || b.Count != 1 || b.Root != ev.Anchor.Root {
			t.Fatalf("batch of %s: %+v, %v", r.Hash, b, err)
		}
		doc, err := epcis.ExportDocument([][]byte{ev.Raw}, time.UnixMilli(h.Time))
		if err != nil {
			t.Fatal(err)
		}
		d, err := epcis.ParseDocument(doc, epcis.ParseOptions{Now: time.UnixMilli(h.Time)})
		if err != nil || d.Events[0].HashID != ev.ID || d.Events[0].EventID != ev.ID {
			t.Fatalf("%s: %v", doc, err)
		}
		return ev
	}
	r := do("factory-a", production.TypeReceive, production.MsgReceive{PO: 1, Shipment: 1, Lines: []production.LotLine{{Line: 1, Lot: "supplier-s/f-1", Qty: 5000}}})
	rec := anchored(r, "production/receive", "ObjectEvent")
	if len(rec.Quantities) != 1 || rec.Quantities[0] != (gongxu.TraceQuantity{Class: "urn:gongxu:lot:factory-a/supplier-s/f-1", Quantity: "5"}) {
		t.Fatalf("receipt quantities %+v", rec.Quantities)
	}
	do("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: 2000, Inputs: []gongxu.LotQty{{Lot: "factory-a/supplier-s/f-1", Qty: 4500}}})
	r = do("factory-a", production.TypeWOComplete, production.MsgWOComplete{WO: 1, Produced: 2000})
	wo := anchored(r, "production/wo_complete", "TransformationEvent")
	if wo.InputQuantities[0].Class != "urn:gongxu:lot:factory-a/supplier-s/f-1" || wo.OutputQuantities[0].Class != "urn:gongxu:lot:factory-a/wo-1" ||
		wo.BizTransactions[0].ID != "urn:gongxu:order:1" {
		t.Fatalf("work order event %+v", wo)
	}

	doc := []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-02-01T00:10:00Z",` +
		`"eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}`)
	feb := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	if _, err := (modules.EPCIS{}).Parse(doc, feb, trace.MaxDocumentBytes); gongxu.ErrorKind(err) != gongxu.KindInvalid || !strings.Contains(err.Error(), "in the future") {
		t.Fatalf("an event 10 minutes ahead: %v", err)
	}
	if evs, err := (modules.EPCIS{}).Parse(doc, feb+3600000, trace.MaxDocumentBytes); err != nil || len(evs) != 1 ||
		evs[0].EPCs[0] != "https://id.gs1.org/01/10614141073464/21/1" {
		t.Fatalf("parse: %+v, %v", evs, err)
	}
	if _, err := (modules.EPCIS{}).Parse(doc, feb+3600000, 100); gongxu.ErrorKind(err) != gongxu.KindTooLarge {
		t.Fatalf("over the size limit: %v", err)
	}
}
