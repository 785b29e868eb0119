package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// disputeOpened is the dispute module's dispute/opened event of a
// purchase order's dispute: id "dN" is dispute N, obligation "po:<id>:…".
func disputeOpened(id, against, opener, obligation, claimed string) gongxu.Event {
	n, _ := strconv.ParseUint(strings.TrimPrefix(id, "d"), 10, 64)
	idAttr := strconv.FormatUint(n, 10)
	if id == "" {
		idAttr = ""
	}
	po, _, _ := strings.Cut(strings.TrimPrefix(obligation, "po:"), ":")
	poN, _ := strconv.ParseUint(po, 10, 64)
	c, _ := strconv.ParseInt(claimed, 10, 64)
	d := gongxu.Dispute{ID: n, Subject: gongxu.DisputeSubjectPOShipment, PO: poN, Claimant: gongxu.OrgID(opener),
		Respondent: gongxu.OrgID(against), Kind: gongxu.DisputeShort, Currency: "CNY", Claimed: gongxu.Amount(c),
		Evidence: []string{}, Status: gongxu.DisputeOpen}
	return gongxu.NewEvent(eventDisputeOpened, "id", idAttr, "kind", string(d.Kind), "pool", "0", "hub", "",
		"claimant", opener, "respondent", against, "claimed", claimed, "to_claimant", "0", "outcome", "", "po", po,
		"json", mustJSON(d))
}

// disputeResolved is the dispute module's dispute/resolved event of
// dispute "dN" between acme (claimant) and silk.
func disputeResolved(id, outcome, awarded string) gongxu.Event {
	n, _ := strconv.ParseUint(strings.TrimPrefix(id, "d"), 10, 64)
	a, _ := strconv.ParseInt(awarded, 10, 64)
	d := gongxu.Dispute{ID: n, Subject: gongxu.DisputeSubjectPOShipment, PO: 1, Claimant: "acme", Respondent: "silk",
		Kind: gongxu.DisputeShort, Currency: "CNY", Evidence: []string{}, Status: gongxu.DisputeResolved,
		Outcome: gongxu.DisputeOutcome(outcome), ToClaimant: gongxu.Amount(a)}
	return gongxu.NewEvent(eventDisputeResolved, "id", strconv.FormatUint(n, 10), "kind", string(d.Kind), "pool", "0",
		"hub", "", "claimant", "acme", "respondent", "silk", "claimed", "0", "to_claimant", awarded, "outcome", outcome,
		"po", "1", "json", mustJSON(d))
}

// repBlocks is a supplier's purchase order (two lines: one shipped in two
// shipments by its date, one never shipped and past its date) and disputes
// against it: one ruled against it, one open, with a duplicate opening and
// resolutions of what is not open, which change nothing.
func repBlocks() []gongxu.CommittedBlock {
	acme := gongxu.Org{ID: "acme", Name: "Acme", Roles: []gongxu.Role{gongxu.RoleFactory}, Keys: []gongxu.PubKey{key(1)}}
	silk := gongxu.Org{ID: "silk", Name: "Silk", Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{key(2)}}
	po := gongxu.PurchaseOrder{ID: 1, Factory: "acme", Supplier: "silk", Currency: "CNY", Status: gongxu.POSent,
		Lines:   []gongxu.POLine{{Item: "yarn", Qty: 4000, Date: t0 + 10*repDayMs, UnitPrice: 100}, {Item: "dye", Qty: 1000, Date: t0, UnitPrice: 50}},
		Shipped: []gongxu.Qty{0, 0}, Received: []gongxu.Qty{0, 0}, Created: at(2)}
	sent := po
	po.Status, po.Promised = gongxu.POAccepted, []int64{t0 + 10*repDayMs, t0 - 30*repDayMs}
	po.Negotiation = []gongxu.PONegotiation{{By: "silk", Action: "accept", Time: at(3), Height: 3}}
	accepted := po
	po.Shipped = []gongxu.Qty{1000, 0}
	po.Shipments = []gongxu.Shipment{{ID: 1, Lines: []gongxu.ShipLine{{Line: 1, Lot: "silk/y1", Qty: 1000}}, Time: at(4)}}
	half := po
	po.Shipped = []gongxu.Qty{4000, 0}
	po.Shipments = append(po.Shipments[:1:1], gongxu.Shipment{ID: 2, Lines: []gongxu.ShipLine{{Line: 1, Lot: "silk/y2", Qty: 3000}}, Time: at(5)})
	full := po
	return []gongxu.CommittedBlock{
		block(1, nil, orgEvent(acme), orgEvent(silk)),
		block(2, []gongxu.TxRecord{tx("production/po", "acme", key(1), poEvent(sent))}),
		block(3, []gongxu.TxRecord{tx(gongxu.TypePOAccept, "silk", key(2), poEvent(accepted))}),
		block(4, []gongxu.TxRecord{tx(gongxu.FlowShip, "silk", key(2), poEvent(half))}),
		block(5, []gongxu.TxRecord{tx(gongxu.FlowShip, "silk", key(2), poEvent(full),
			lotEvent(gongxu.Lot{ID: "silk/y2", Item: "yarn", Owner: "silk", Qty: 3000, Created: at(5)}, 3000),
			lotEvent(gongxu.Lot{ID: "acme/silk/y2", Item: "yarn", Owner: "acme", Qty: 3000, Created: at(5), From: "silk/y2", PO: 1}, 3000))}),
		block(6, []gongxu.TxRecord{
			tx("dispute/open", "acme", key(1), disputeOpened("d1", "silk", "acme", "po:1:1", "800")),
			tx("dispute/open", "acme", key(1), disputeOpened("d1", "acme", "silk", "po:9:9", "1")), // the same id again
			tx("dispute/open", "acme", key(1), disputeOpened("d2", "silk", "acme", "po:1:2", "50")),
			tx("dispute/vote", "acme", key(1), disputeResolved("d9", "panel", "5")), // no such dispute
		}),
		// A deadline's ruling (the second is not counted); acme recalls the
		// yarn it received: it started at silk's lot.
		block(7, []gongxu.TxRecord{tx("trace/recall", "acme", key(1), gongxu.NewEvent(gongxu.EventTraceRecall, "id", "1", "org", "acme",
			"identifier", gongxu.LotURN("acme/silk/y2"), "json", mustJSON(gongxu.Recall{ID: 1, Org: "acme", Target: "acme/silk/y2",
				Identifier: gongxu.LotURN("acme/silk/y2"), Lot: "acme/silk/y2", Reason: "breaks", Height: 7, Time: at(7), Tx: txHash(7, 0)})))},
			disputeResolved("d1", "panel", "500"), disputeResolved("d1", "settled", "0")),
	}
}

func repQuery(t testing.TB, db *DB) string {
	t.Helper()
	r, err := db.Reputation(context.Background(), "silk", gongxu.MaxReputationFacts)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%+v", r)
}

func TestReputationProjection(t *testing.T) {
	db := openTemp(t)
	ctx := context.Background()
	bs := repBlocks()
	projectAll(t, db, bs)
	r, err := db.Reputation(ctx, "silk", 10)
	if err != nil {
		t.Fatal(err)
	}
	if r.Obligations != 2 || r.AsOf != at(7) {
		t.Fatalf("%+v", r)
	}
	// Line 1 complete at the second shipment, by its date; line 2 never
	// shipped, its day over.
	on := map[string]gongxu.ReputationFact{}
	for _, f := range r.OnTime.Facts {
		on[f.Ref] = f
	}
	l1, l2 := on["po:1:1"], on["po:1:2"]
	if l1.Score != 10000 || l1.Delivered != at(5) || l1.Shipped != 4000 || fmt.Sprint(l1.Txs) != fmt.Sprint([]string{txHash(3, 0), txHash(5, 0)}) {
		t.Errorf("line 1: %+v", l1)
	}
	if l2.Score != 0 || l2.Delivered != 0 || l2.Time != t0-29*repDayMs || l2.Weight != 897355 || fmt.Sprint(l2.Txs) != fmt.Sprint([]string{txHash(3, 0)}) {
		t.Errorf("line 2: %+v", l2)
	}
	if r.OnTime.Count != 2 || r.OnTime.Hits != 1 || r.OnTime.Rate != 5000 || r.FillRate.Rate != 5000 || r.FillRate.Hits != 1 {
		t.Errorf("on time %+v, fill %+v", r.OnTime, r.FillRate)
	}
	// Weighted: line 2's fact is 29 days old (10/64 of a half-life), line
	// 1's seconds: 10000 × 1 ÷ (1 + 0.897355).
	if r.OnTime.Weighted != 10000*1_000_000/(1_000_000+897355) {
		t.Errorf("weighted on time %d", r.OnTime.Weighted)
	}
	if r.Repeat.Count != 1 || r.Repeat.Hits != 0 || r.Repeat.Facts[0].Note != "1" {
		t.Errorf("repeat %+v", r.Repeat)
	}
	// Disputes: d1 ruled against silk (500 of 800 awarded), d2 open.
	if r.Disputes.Count != 2 || r.Disputes.Scored != 1 || r.Disputes.Hits != 1 || r.Disputes.Rate != 10000 {
		t.Errorf("disputes %+v", r.Disputes)
	}
	for _, f := range r.Disputes.Facts {
		switch f.Ref {
		case "1":
			if f.Note != "panel 500/800" || f.Counterparty != "acme" || f.Item != "po:1" || fmt.Sprint(f.Txs) != fmt.Sprint([]string{txHash(6, 0)}) {
				t.Errorf("d1: %+v", f)
			}
		case "2":
			if f.Note != "open" || f.Score != -1 {
				t.Errorf("d2: %+v", f)
			}
		default:
			t.Errorf("fact %+v", f)
		}
	}
	if r.Recalls.Count != 1 || r.Recalls.Facts[0].Ref != "recall:1" || r.Recalls.Facts[0].Note != "acme/silk/y2" ||
		fmt.Sprint(r.Recalls.Facts[0].Txs) != fmt.Sprint([]string{txHash(7, 0)}) {
		t.Errorf("recalls %+v", r.Recalls)
	}
	if a, err := db.Reputation(ctx, "acme", 10); err != nil || a.Disputes.Count != 0 || a.Obligations != 0 || a.Recalls.Count != 0 {
		t.Errorf("acme: %+v, %v (the repeated d1 named acme)", a, err)
	}

	// A malformed dispute event fails its block, and changes nothing.
	want, wantQ := dump(t, db), repQuery(t, db)
	for _, ev := range []gongxu.Event{
		disputeOpened("d3", "silk", "acme", "po:1:1", "-1"),
		disputeOpened("d3", "Silk!", "acme", "po:1:1", "1"),
		disputeOpened("", "silk", "acme", "po:1:1", "1"),
		disputeResolved("d2", "", "1"),
		disputeResolved("d2", "panel", "1e3"),
	} {
		err := db.Project(ctx, block(8, []gongxu.TxRecord{
			tx("dispute/open", "acme", key(1), disputeOpened("d4", "silk", "acme", "po:1:1", "1")),
			tx("dispute/open", "acme", key(1), ev),
		}))
		if gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%v: %v", ev, err)
		}
		if got := dump(t, db); got != want {
			t.Fatalf("a failed block changed the read model")
		}
	}
	checkRebuild(t, db, bs, 2, 6, want, wantQ, repQuery)

	// A new block is seen at once (the reputations of a height are cached).
	if _, err := db.Reputation(ctx, "silk", 1); err != nil {
		t.Fatal(err)
	}
	projectAll(t, db, []gongxu.CommittedBlock{block(8, []gongxu.TxRecord{
		tx("dispute/open", "acme", key(1), disputeOpened("d5", "silk", "acme", "po:1:1", "1")),
	})})
	if r, err := db.Reputation(ctx, "silk", 1); err != nil || r.Disputes.Count != 3 || r.Height != 8 || r.Disputes.Facts[0].Ref != "5" {
		t.Errorf("after block 8: %+v, %v", r.Disputes, err)
	}
}

func TestRecencyWeight(t *testing.T) {
	h := int64(180 * repDayMs)
	for _, c := range []struct{ age, want int64 }{
		{-5, 1_000_000}, {0, 1_000_000}, {h / 2, 707107}, {h, 500_000}, {2 * h, 250_000}, {3*h + h/2, 88388}, {40 * h, 0}, {1 << 62, 0},
	} {
		if got := gongxu.RecencyWeight(c.age, h); got != c.want {
			t.Errorf("RecencyWeight(%d) = %d, want %d", c.age, got, c.want)
		}
	}
	prev := int64(1_000_001)
	for age := int64(0); age < 3*h; age += h / 100 {
		w := gongxu.RecencyWeight(age, h)
		if w > prev {
			t.Fatalf("weight grows with age at %d", age)
		}
		prev = w
	}
}
