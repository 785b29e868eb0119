package rfq_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
)

const day = 24 * 3600 * 1000

// strict decodes an event's json attr into v, refusing fields v lacks: the
// read model projects these events into the root types.
func strict(t *testing.T, ev gongxu.Event, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(ev.Get("json"))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s json %s: %v", ev.Type, ev.Get("json"), err)
	}
}

func only(t *testing.T, r chain.TxResult, typ string) []gongxu.Event {
	t.Helper()
	chaintest.MustOK(t, r)
	var out []gongxu.Event
	for _, ev := range r.Events {
		if ev.Type == typ {
			out = append(out, ev)
		}
	}
	return out
}

// TestEvents checks what the read model sees: a sealed bid shows only its
// commitment, an ineligible reveal says why, an award's snapshot names its
// pools, and every json is a gongxu.RFQ or gongxu.Bid.
func TestEvents(t *testing.T) {
	h := chaintest.New(t, chaintest.OrgSpec{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub}},
		chaintest.OrgSpec{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
		chaintest.OrgSpec{ID: "factory-c", Roles: []gongxu.Role{gongxu.RoleFactory}})
	g := chaintest.GenesisTime
	only(t, h.Deliver(h.Sign("hub-a", "settle/deposit", map[string]any{"currency": "CNY", "amount": 1_000_000})), "settle.move")
	evs := only(t, h.Deliver(h.Sign("hub-a", rfq.TypePost, rfq.MsgPost{Title: "Aprons", Unit: "piece", Qty: 100, MaxPrice: 3000,
		Currency: "CNY", BidDeadline: g + day, RevealDeadline: g + 2*day, TargetDate: g + 30*day})), "rfq.rfq")
	var r gongxu.RFQ
	if len(evs) != 1 || evs[0].Get("rfq") != "1" || evs[0].Get("status") != "open" {
		t.Fatalf("post events %+v", evs)
	}
	strict(t, evs[0], &r)

	saltB, saltC := bytes.Repeat([]byte{0xb0}, 16), bytes.Repeat([]byte{0xc0}, 32)
	bid := func(org string, price gongxu.Amount, qty gongxu.Units, lead int64, salt []byte) chain.TxResult {
		return h.Deliver(h.Sign(org, rfq.TypeBid, rfq.MsgBid{RFQ: 1, Commitment: rfq.Commitment(1, gongxu.OrgID(org), price, qty, lead, salt)}))
	}
	res := bid("factory-b", 2500, 100, 7, saltB)
	if rs := only(t, res, "rfq.rfq"); len(rs) != 1 || !strings.Contains(rs[0].Get("json"), `"bids":1`) {
		t.Fatalf("a new bid updates the RFQ's count: %+v", rs)
	}
	evs = only(t, res, "rfq.bid")
	if len(evs) != 1 || evs[0].Get("bidder") != "factory-b" || evs[0].Get("status") != "sealed" {
		t.Fatalf("bid events %+v", evs)
	}
	for _, f := range []string{"unit_price", "qty", "lead_days"} {
		if strings.Contains(evs[0].Get("json"), `"`+f+`"`) {
			t.Errorf("sealed bid shows %s: %s", f, evs[0].Get("json"))
		}
	}
	var b gongxu.Bid
	strict(t, evs[0], &b)
	// Replacing a bid changes the bid, not the RFQ.
	if rs := only(t, bid("factory-b", 2400, 100, 7, saltB), "rfq.rfq"); len(rs) != 0 {
		t.Fatalf("replacing a bid emitted %+v", rs)
	}
	only(t, bid("factory-c", 3100, 100, 5, saltC), "rfq.bid")

	h.Advance(day)
	reveal := func(org string, price gongxu.Amount, qty gongxu.Units, lead int64, salt []byte) []gongxu.Event {
		return only(t, h.Deliver(h.Sign(org, rfq.TypeReveal, rfq.MsgReveal{RFQ: 1, UnitPrice: price, Qty: qty, LeadDays: lead, Salt: hex.EncodeToString(salt)})), "rfq.bid")
	}
	evs = reveal("factory-b", 2400, 100, 7, saltB)
	strict(t, evs[0], &b)
	if evs[0].Get("status") != "revealed" || !b.Revealed || !b.Eligible || b.UnitPrice != 2400 || evs[0].Get("note") != "" {
		t.Fatalf("reveal event %+v", evs)
	}
	evs = reveal("factory-c", 3100, 100, 5, saltC)
	strict(t, evs[0], &b)
	if b.Eligible || !strings.Contains(evs[0].Get("note"), "over the RFQ's max price of 3000") {
		t.Fatalf("an ineligible reveal says why: %+v", evs)
	}

	h.Advance(day)
	res = h.Deliver(h.Sign("hub-a", rfq.TypeAward, rfq.MsgAward{RFQ: 1, Awards: []rfq.AwardLine{{Bidder: "factory-b", Qty: 100}}}))
	evs = only(t, res, "rfq.rfq")
	if len(evs) != 1 || evs[0].Get("status") != "awarded" {
		t.Fatalf("award events %+v", res.Events)
	}
	strict(t, evs[0], &r)
	if len(r.Awards) != 1 || r.Awards[0].Pool == 0 || r.Awards[0].UnitPrice != 2400 || r.Awards[0].Qty != 100 {
		t.Fatalf("awarded RFQ %+v", r)
	}
	if len(only(t, res, "pool.pool")) == 0 {
		t.Errorf("the award opened no pool: %+v", res.Events)
	}
	if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
		t.Fatal(err)
	}
}

// TestBondEvents: what the read model sees of bid bonds. The bond moves
// are settle.move events with their own reasons (bond on the bid,
// bond_return on the reveal, forfeit in the block that reaches the reveal
// deadline, before any transaction); a forfeited bid's event has status
// forfeited, a note, and a json that is a gongxu.Bid.
func TestBondEvents(t *testing.T) {
	h := chaintest.New(t, chaintest.OrgSpec{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub}},
		chaintest.OrgSpec{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleHub}},
		chaintest.OrgSpec{ID: "factory-c", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleHub}})
	g := chaintest.GenesisTime
	for _, o := range []string{"factory-b", "factory-c"} {
		only(t, h.Deliver(h.Sign(o, "settle/deposit", map[string]any{"currency": "CNY", "amount": 10_000})), "settle.move")
	}
	only(t, h.Deliver(h.Sign("hub-a", rfq.TypePost, rfq.MsgPost{Title: "Aprons", Unit: "piece", Qty: 100, MaxPrice: 3000,
		Currency: "CNY", Bond: 2000, BidDeadline: g + day, RevealDeadline: g + 2*day, TargetDate: g + 30*day})), "rfq.rfq")
	salt := bytes.Repeat([]byte{0xb0}, 16)
	move := func(ev gongxu.Event, from, to, reason string) {
		t.Helper()
		if ev.Get("from") != from || ev.Get("to") != to || ev.Get("amount") != "2000" || ev.Get("reason") != reason || ev.Get("ref") != "rfq:1" {
			t.Errorf("move %+v, want %s → %s 2000 %s ref rfq:1", ev, from, to, reason)
		}
	}
	for _, o := range []string{"factory-b", "factory-c"} {
		mv := only(t, h.Deliver(h.Sign(o, rfq.TypeBid, rfq.MsgBid{RFQ: 1, Commitment: rfq.Commitment(1, gongxu.OrgID(o), 2500, 100, 7, salt)})), "settle.move")
		if len(mv) != 1 {
			t.Fatalf("bid moves %+v", mv)
		}
		move(mv[0], "org:"+o, "bond:1", "bond")
	}
	h.Advance(day)
	mv := only(t, h.Deliver(h.Sign("factory-b", rfq.TypeReveal, rfq.MsgReveal{RFQ: 1, UnitPrice: 2500, Qty: 100, LeadDays: 7, Salt: hex.EncodeToString(salt)})), "settle.move")
	if len(mv) != 1 {
		t.Fatalf("reveal moves %+v", mv)
	}
	move(mv[0], "bond:1", "org:factory-b", "bond_return")

	h.Time = g + 2*day - 1000
	res := h.Block()
	var moves, bids []gongxu.Event
	for _, ev := range res.Events {
		switch ev.Type {
		case gongxu.EventMove:
			moves = append(moves, ev)
		case gongxu.EventBid:
			bids = append(bids, ev)
		}
	}
	if len(moves) != 1 || len(bids) != 1 {
		t.Fatalf("block at the reveal deadline: moves %+v, bids %+v", moves, bids)
	}
	move(moves[0], "bond:1", "org:hub-a", "forfeit")
	var b gongxu.Bid
	strict(t, bids[0], &b)
	if bids[0].Get("status") != "forfeited" || b.Bidder != "factory-c" || !b.Forfeited || b.Bond != 0 || !strings.Contains(bids[0].Get("note"), "not revealed by the reveal deadline") {
		t.Fatalf("forfeit event %+v", bids[0])
	}
	if res = h.Block(); len(res.Events) != 0 {
		t.Fatalf("a second forfeit: %+v", res.Events)
	}
	if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
		t.Fatal(err)
	}
}
