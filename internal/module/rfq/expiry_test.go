package rfq_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// TestExpiriesBoundedPerBlock: when more RFQs expire at one instant than a
// block expires (rfq.MaxExpiriesPerBlock), the first block expires exactly
// that many, in (expiry, id) order, and the next the rest; meanwhile an RFQ
// past its expiry that the sweep has not reached takes no award nor cancel
// (KindExpired), and they change nothing.
func TestExpiriesBoundedPerBlock(t *testing.T) {
	const day = 24 * 3600 * 1000
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
	)
	t0 := h.Time
	n := rfq.MaxExpiriesPerBlock + rfq.MaxExpiriesPerBlock/2
	txs := [][]byte{h.Sign("hub-a", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 1_000_000})}
	for range n {
		txs = append(txs, h.Sign("hub-a", rfq.TypePost, rfq.MsgPost{Title: "Tote bags", Unit: "piece", Qty: 100, MaxPrice: 50, Currency: "CNY",
			BidDeadline: t0 + day, RevealDeadline: t0 + 2*day, TargetDate: t0 + 30*day}))
	}
	mustOK := func(txs ...[]byte) {
		t.Helper()
		for _, r := range h.Block(txs...).Txs {
			chaintest.MustOK(t, r)
		}
	}
	mustOK(txs...)
	last := uint64(n)
	salt := strings.Repeat("5a", 16)
	raw, _ := hex.DecodeString(salt)
	mustOK(h.Sign("factory-b", rfq.TypeBid, rfq.MsgBid{RFQ: last, Commitment: rfq.Commitment(last, "factory-b", 40, 100, 10, raw)}))
	h.Advance(day)
	mustOK(h.Sign("factory-b", rfq.TypeReveal, rfq.MsgReveal{RFQ: last, UnitPrice: 40, Qty: 100, LeadDays: 10, Salt: salt}))

	expired := func() (k uint64) {
		for id := uint64(1); id <= uint64(n); id++ {
			r, err := h.Mods.RFQ.RFQ(h.State, id)
			if err != nil {
				t.Fatal(err)
			}
			switch r.Status {
			case gongxu.RFQExpired:
				if id != k+1 {
					t.Fatalf("RFQ %d expired before RFQ %d", id, k+1)
				}
				k++
			case gongxu.RFQOpen:
			default:
				t.Fatalf("RFQ %d is %s", id, r.Status)
			}
		}
		return k
	}
	h.Time = t0 + 60*day - 1000 // the next block is at the expiry
	before := h.Dump()
	res := h.Block(h.Sign("hub-a", rfq.TypeAward, rfq.MsgAward{RFQ: last, Awards: []rfq.AwardLine{{Bidder: "factory-b", Qty: 100}}}),
		h.Sign("hub-a", rfq.TypeCancel, rfq.MsgCancel{RFQ: last - 1, Reason: "not needed"}))
	for _, r := range res.Txs {
		if gongxu.Kind(r.Code) != gongxu.KindExpired || !strings.Contains(r.Log, "neither awarded nor cancelled): it takes nothing more") {
			t.Fatalf("%s on an RFQ past its expiry, not swept yet: %s %q", r.Type, gongxu.Kind(r.Code), r.Log)
		}
	}
	if k := expired(); k != rfq.MaxExpiriesPerBlock {
		t.Fatalf("the first block at the expiry expired %d RFQs, want %d", k, rfq.MaxExpiriesPerBlock)
	}
	now := h.Dump()
	for _, id := range []uint64{last - 1, last} {
		k := fmt.Sprintf("rfq/rfq/%020d", id)
		if now[k] == "" || now[k] != before[k] {
			t.Fatalf("RFQ %d changed (or is not at %s)", id, k)
		}
	}
	for k, v := range now {
		if strings.HasPrefix(k, "pool/") || strings.HasPrefix(k, "settle/") {
			if before[k] != v {
				t.Fatalf("the refused award changed %s", k)
			}
		}
	}
	h.Block()
	if k := expired(); k != uint64(n) {
		t.Fatalf("the second block expired the rest: %d of %d", k, n)
	}
}
