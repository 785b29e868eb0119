package web

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestPoolPageSharesAndDeadlines: a pool whose terms name shares for
// enablers shows them (each hub's share, a named carrier's, the dispute
// fallback), the promised start and the refund date; a shipped share not
// yet confirmed shows its automatic confirmation date; a confirmed share's
// payout shows the shares paid in the money card, which still adds up.
func TestPoolPageSharesAndDeadlines(t *testing.T) {
	const day = 24 * 3600 * 1000
	n := inproc.New(t, inproc.Genesis{Orgs: []gongxu.Org{
		{ID: "acme", Name: "Acme Textiles", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		{ID: "hill", Name: "Hilltown Hub", Roles: []gongxu.Role{gongxu.RoleHub}},
		{ID: "lake", Name: "Lakeside Shop", Roles: []gongxu.Role{gongxu.RoleHub}},
		{ID: "swift", Name: "Swift Logistics", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	}, Validators: []gongxu.Validator{{PubKey: inproc.Key("acme/val"), Power: 10, Org: "acme"}}})
	n.Send("acme", "catalog/publish", inproc.M{"sku": "jacket", "name": "Jacket", "unit": "piece", "lead_time_days": 30})
	n.Deposit("hill", 1_000_000, "bank")
	n.Deposit("lake", 1_000_000, "bank")
	deadline := n.Now() + day
	id := n.OpenPool("acme", inproc.M{"product": "acme/jacket", "tiers": []gongxu.Tier{{MinQty: 1, UnitPrice: 10000}}, "moq": 5, "cap": 100,
		"case_pack": 1, "currency": "CNY", "deadline": deadline, "start_by": deadline + 2*day, "hub_bps": 1000,
		"enablers": []gongxu.EnablerShare{{Org: "swift", Role: "carrier", BPS: 250}}, "dispute_default_bps": 2500})
	n.SendBatch("hill", id, inproc.Consumers("hill", id, 2, []int64{3, 3}, nil))
	n.SendBatch("lake", id, inproc.Consumers("lake", id, 1, []int64{4}, nil))
	n.AdvanceTo(deadline)
	n.Block()
	order := n.NewestOrder("acme")
	wo := n.StartWO("acme", order, 10_000)
	n.Send("acme", "production/wo_complete", inproc.M{"wo": wo, "produced": 10_000, "outputs": []inproc.M{{"code": "j-1", "qty": 10_000}}})
	n.Send("acme", "pool/ship", inproc.M{"pool": id, "hub": "hill"})
	n.Send("acme", "pool/ship", inproc.M{"pool": id, "hub": "lake"})
	n.Send("hill", "pool/confirm_delivery", inproc.M{"pool": id})

	w := &inproc.World{Net: n}
	db := n.Read()
	f := &site{w: w, op: n.Operator("hill"), tokens: newFakeTokens(), node: n.Node(), members: db, txs: db, pools: db, rfqs: db, prod: db,
		plans: n.Plans(), trace: db, proofs: n.TraceProof}
	f.operator = f.op
	s, _ := newTestServer(t, f)
	body := page(t, s, poolPath(id), http.StatusOK)
	if err := checkHTML(body); err != nil {
		t.Fatal(err)
	}
	p, err := db.Pool(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	terms := span(body, `<section class="card" id="terms">`, "</section>")
	contains(t, "terms", terms, `<dt>Production starts by</dt><dd id="start-by"><time datetime="`+msRFC3339(p.StartBy)+`"`,
		`<dt>Refunded if not in production by</dt><dd id="start-due">`,
		"each hub: 10% of its own share&#39;s payout", `<a href="/orgs/swift">Swift Logistics</a> <span class="muted">(carrier)</span>: 2.5% of every payout`,
		"25% of the claimed amount is refunded to the claimant")
	hubs := span(body, `<section class="card" id="hubs">`, "</section>")
	lake, err := db.HubShares(t.Context(), id)
	if err != nil || len(lake) != 2 || lake[1].Hub != "lake" || lake[1].ConfirmBy == 0 {
		t.Fatalf("shares %+v, %v", lake, err)
	}
	contains(t, "hubs", hubs, `<span class="rel confirm-by">confirmed automatically on <time datetime="`+msRFC3339(lake[1].ConfirmBy)+`"`)
	// hill's payout of 60,000: 6,000 to hill, 1,500 to the carrier, 52,500 to the factory
	money := span(body, `<section class="card" id="money">`, "</section>")
	contains(t, "money", money, `<td class="num" id="paid-out">¥525.00</td>`, `<td class="num" id="shared">¥75.00</td>`, `<td class="num" id="pending">¥400.00</td>`)
	moneyAddsUp(t, "pool with shares", body)

	_, zh := do(t, s, "GET", poolPath(id), "Accept-Language", "zh-CN")
	contains(t, "zh terms", zh, "承诺开工时间", "货款分成", "每个服务站：其所征集份额货款的 10%", "每笔货款的 2.5%", "向申请方退还索赔金额的 25%", "其中按条款分成（服务站、指定机构）")
}

// TestPoolStageDeadlines: a succeeded pool waiting for production says when
// it will be refunded; one that failed over says why it failed, not that it
// was short of its minimum batch.
func TestPoolStageDeadlines(t *testing.T) {
	en := newLocale(langEN, time.UTC, nil)
	p := gongxu.Pool{ID: 7, Status: gongxu.PoolSucceeded, Currency: "CNY", Price: 9900, Total: 60, MOQ: 50, StartDue: 1768910400000}
	if st := stageOf(en, p, nil, nil, nil, 0); st.Key != "waiting" || !strings.HasSuffix(st.Headline, "If it has not by 20 Jan 2026 12:00 UTC, every payer is refunded.") {
		t.Errorf("waiting: %+v", st)
	}
	p.Status, p.Refunded = gongxu.PoolFailed, 594000
	if st := stageOf(en, p, nil, nil, nil, 0); st.Key != "failed" || st.Headline != "Production did not start by 20 Jan 2026 12:00 UTC: every payer got back what was captured from them, ¥5,940.00." {
		t.Errorf("failed over: %+v", st)
	}
	p.StartDue = 0
	if st := stageOf(en, p, nil, nil, nil, 0); !strings.Contains(st.Headline, "short of its minimum batch") {
		t.Errorf("failed short: %+v", st)
	}
	// Open past its deadline (the latest block's time): closing, nothing
	// more taken; before its deadline, still pledging.
	p = gongxu.Pool{ID: 8, Status: gongxu.PoolOpen, Currency: "CNY", Total: 60, MOQ: 50, Deadline: 1768910400000}
	if st := stageOf(en, p, nil, nil, nil, p.Deadline); st.Key != "closing" || st.Headline != "The deadline has passed: the pool is closing and takes no more pledges. With 60 of 50 units it closes in the next blocks." {
		t.Errorf("closing: %+v", st)
	}
	if c := newPoolCard(p, nil, p.Deadline); c.Open() {
		t.Error("a pool past its deadline shows its pledge forms")
	}
	if st := stageOf(en, p, nil, nil, nil, p.Deadline-1); st.Key != "moq" {
		t.Errorf("before the deadline: %+v", st)
	}
	if c := newPoolCard(p, nil, p.Deadline-1); !c.Open() {
		t.Error("a pool before its deadline hides its pledge forms")
	}
}
