package testenv_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	settlement "github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// TestHistoryStory (issue 13): on a new network of 4 processes, the hub
// (org-2) records 12 weeks of its past sales of the factory's T-shirt
// (pool/history); a second record of a week is refused. Then a pool runs:
// three consumers pledge directly at the hub and the pool succeeds. A node
// that took none of these transactions forecasts the product's total
// series from the history (Method set) and its demand page suggests a pool.
//
// The default privacy thresholds (3 contributors, 2 largest ≤ 85 %) hold
// without governance: each history week has at least 3 consumers, counted
// as anonymous contributors with equal shares, and the pool's week has three
// direct pledgers of equal size (hub batches would count as one
// contributor, the hub, and withhold the week from anonymous readers).
func TestHistoryStory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network of processes")
	}
	start := time.Now()
	net := testenv.NewNetwork(t, 4)
	net.StartAll()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s := &story{t: t, net: net, ctx: ctx, start: start}
	for i := range net.Nodes {
		s.must(net.WaitHeight(ctx, i, 2))
	}
	factory := newSigner(net.Nodes[0].Org, net.OperatorKey(0))
	hub := newSigner(net.Nodes[2].Org, net.OperatorKey(2))
	if factory.org != "org-0" || hub.org != "org-2" {
		t.Fatalf("testnet orgs are %s and %s; want org-0 (factory) and org-2 (hub)", factory.org, hub.org)
	}
	product := gongxu.NewProductID(factory.org, "tee")
	s.send(0, factory, catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Cotton T-shirt", Unit: "piece", LeadTimeDays: 7})

	// 1. The hub's past 12 weeks: a four-week pattern, at least 3 consumers.
	_, monday := gongxu.ISOWeekOfDay(s.blockTime(2) / 86_400_000)
	var weeks []gongxu.SalesWeek
	for i := int64(12); i >= 1; i-- {
		name, _ := gongxu.ISOWeekOfDay(monday - i*7)
		units := 20 + []int64{6, -3, 0, 4}[i%4] + i%3
		weeks = append(weeks, gongxu.SalesWeek{Week: name, Units: gongxu.Units(units), Money: gongxu.Amount(units * 5_900), Consumers: units / 2})
	}
	s.send(2, hub, pool.TypeHistory, pool.MsgHistory{Product: product, Currency: storyCurrency, Weeks: weeks})
	res, err := s.trySend(2, hub, pool.TypeHistory, pool.MsgHistory{Product: product, Currency: storyCurrency, Weeks: weeks[11:]})
	s.must(err)
	if gongxu.Kind(res.Code) != gongxu.KindConflict || !strings.Contains(res.Message, "history is immutable") {
		t.Fatalf("a second record of %s: %+v, want a conflict", weeks[11].Week, res)
	}
	s.logf("step 1: %s recorded %s … %s of %s; a second record of a week is refused", hub.org, weeks[0].Week, weeks[11].Week, product)

	// 2. A pool runs: three consumers' direct pledges at the hub.
	s.send(2, hub, settlement.TypeDeposit, settlement.MsgDeposit{Currency: storyCurrency, Amount: storyDeposit})
	var consumers []*signer
	for range 3 {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		s.must(err)
		c := newSigner("", key)
		s.send(2, hub, settlement.TypeDeposit, settlement.MsgDeposit{To: gongxu.KeyAccount(c.pub), Currency: storyCurrency, Amount: 20_000})
		consumers = append(consumers, c)
	}
	res = s.send(0, factory, pool.TypeOpen, pool.MsgOpen{Product: product, Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5_900}, {MinQty: 6, UnitPrice: 5_500}},
		MOQ: 6, Cap: 60, CasePack: 1, Currency: storyCurrency, Deadline: s.blockTime(0) + 15_000})
	poolID := s.poolIDOf(0, res.Hash)
	for k, c := range consumers {
		c.last = hub.last
		s.send(k%4, c, pool.TypePledge, pool.MsgPledge{Pool: poolID, Hub: hub.org, Qty: 2})
	}
	if pv := s.waitPool(0, poolID, gongxu.PoolOpen); pv.Status != gongxu.PoolSucceeded {
		t.Fatalf("pool %d is %s after its deadline, want succeeded", poolID, pv.Status)
	}
	h, err := net.Height(0)
	s.must(err)
	s.caughtUp(h)
	s.logf("step 2: pool %d succeeded with 3 direct pledges at %s", poolID, hub.org)

	// 3. Node 3 (which took none of it) forecasts and suggests a pool.
	fc, err := net.Client(3).Forecast(ctx, gongxu.ForecastRequest{Product: product})
	s.must(err)
	var total *gongxu.ForecastSeries
	for i := range fc.Series {
		if fc.Series[i].Hub == "" {
			total = &fc.Series[i]
		}
	}
	if total == nil || total.Method == "" || total.From != weeks[0].Week || total.Weeks < 12 || len(total.Steps) == 0 {
		t.Fatalf("node 3's forecast of %s: total series %+v (thresholds %+v)", product, total, fc.Thresholds)
	}
	resp, err := http.Get(net.Nodes[3].API + "/demand/" + string(product))
	s.must(err)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	s.must(err)
	page := string(body)
	if resp.StatusCode != http.StatusOK || !strings.Contains(page, `id="suggest-link" href="/pools/new?`) ||
		!strings.Contains(page, "product="+url.QueryEscape(string(product))) {
		t.Fatalf("node 3's demand page of %s (%d) has no suggested pool:\n%s", product, resp.StatusCode, page)
	}
	s.logf("step 3: node 3 forecasts %s from %s (%d weeks, %s) and suggests a pool", product, total.From, total.Weeks, total.Method)
	s.must(net.CompareChains(1, h))
}
