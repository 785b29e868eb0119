package web

import (
	"net/http"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestRFQBondShown: an RFQ's bid bond is on its page, a sealed bid says it
// holds it, and a bid not revealed by the reveal deadline says its bond was
// forfeited (at block time, with no transaction), in both languages.
func TestRFQBondShown(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/rfqs/2", http.StatusOK)
	contains(t, "no bond", body, `<dt>Bid bond</dt><dd id="rfq-bond">none</dd>`)

	now := f.w.Now()
	f.w.Send(inproc.Hilltown, "settle/deposit", inproc.M{"currency": "CNY", "amount": 1_000_000})
	f.w.Send(inproc.Hilltown, "rfq/post", inproc.M{"title": "Aprons", "unit": "piece", "qty": 100, "target_date": now + 30*inproc.Day,
		"max_price": 3000, "currency": "CNY", "bond": 5000, "bid_deadline": now + inproc.Day, "reveal_deadline": now + 2*inproc.Day})
	id := f.w.NewestRFQ()
	if bal, err := f.w.Read().Balances(t.Context(), gongxu.OrgAccount(inproc.Acme)); err != nil || len(bal) != 1 || bal[0].Amount < 5000 {
		t.Fatalf("Acme cannot put up the bond: %+v, %v", bal, err)
	}
	f.w.Bid(id, inproc.SealedBid{Bidder: inproc.Acme, Price: 2900, Qty: 100, LeadDays: 10})
	body = page(t, s, rfqPath(id), http.StatusOK)
	contains(t, "bond", body, `<dd id="rfq-bond">¥50.00 <small class="muted">per bid: held from the bid`, "bond of ¥50.00 held")

	f.w.AdvanceTo(now + 2*inproc.Day)
	f.w.Block()
	body = page(t, s, rfqPath(id), http.StatusOK)
	contains(t, "forfeited", body, `<span class="badge err bond-forfeited">not revealed: bond forfeited</span>`)
	lacks(t, "forfeited", body, "bond of ¥50.00 held")
	_, zh := do(t, s, "GET", rfqPath(id), "Accept-Language", "zh-CN")
	contains(t, "forfeited zh", zh, "投标保证金", "未开标：保证金已没收")
}

// TestPOLateShown: a purchase order line the ledger recorded late (the
// World's order 2: 50 of 90 shipped, promised for the 16th, recorded in the
// first block after the 17th) is marked late on the order's page, with
// when; once the rest ships, how late it came; in both languages. A line
// never late has no mark.
func TestPOLateShown(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	body := page(t, s, "/purchase-orders/2", http.StatusOK)
	contains(t, "po 2", between(t, body, "lines"), `<p class="alert" id="po-late">1 of 1 lines recorded late on the ledger`,
		`<span class="badge err line-late">late</span> <small class="muted">recorded 17 Jan 2026 08:00 UTC</small>`)
	_, zh := do(t, s, "GET", "/purchase-orders/2", "Accept-Language", "zh-CN")
	contains(t, "po 2 zh", zh, "1/1 行已在账本上记为延迟", "记录于")
	for _, id := range []string{"4", "6"} {
		lacks(t, "po "+id, page(t, s, "/purchase-orders/"+id, http.StatusOK), "line-late", `id="po-late"`)
	}

	f.w.ShipPO(inproc.Blue, 2, inproc.LotLine{Lot: inproc.Blue + "/lf-0102", Line: 1, Qty: 40_000})
	body = page(t, s, "/purchase-orders/2", http.StatusOK)
	contains(t, "po 2 shipped", between(t, body, "lines"), "line-late", "shipped in full 6 days after the promised date")
	_, zh = do(t, s, "GET", "/purchase-orders/2", "Accept-Language", "zh-CN")
	contains(t, "po 2 shipped zh", zh, "在承诺日期后 6 天 全部发货")
}
