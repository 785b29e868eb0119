package web

import (
	"context"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestReputationPages(t *testing.T) {
	f := newSite(t)
	s, _ := newTestServer(t, f)
	ctx := context.Background()
	rep, err := f.w.Read().Reputation(ctx, inproc.Blue, 3)
	if err != nil {
		t.Fatal(err)
	}
	newest := rep.OnTime.Facts[0]

	// The org page: every figure with its counts and rates, linking to its
	// facts; the newest facts link to their transactions.
	res, body := do(t, s, "GET", "/orgs/blue-river-cotton")
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	sec := between(t, body, "reputation")
	contains(t, "reputation section", sec,
		`<tr id="rep-on_time">`, `<a href="/orgs/blue-river-cotton/reputation/on_time">On time</a>`, "2 of 3", "66.6%",
		`<a href="/orgs/blue-river-cotton/reputation/fill_rate">Fill rate</a>`, "85.1%",
		`<a href="/orgs/blue-river-cotton/reputation/recalls">Recalls</a>`, `<a href="/orgs/blue-river-cotton/reputation/disputes">Disputes</a>`,
		`<a href="/orgs/blue-river-cotton/reputation/repeat">Repeat relationships</a>`,
		`<a href="/purchase-orders/2">Purchase order 2, line 1</a>`, `href="/txs/`+newest.Txs[0]+`"`,
		`<a href="/recalls/2">Recall 2</a>`, "halves every 180 days", "all 3 facts")

	// A figure's page: its facts, the newest first, each transaction linked.
	_, body = do(t, s, "GET", "/orgs/blue-river-cotton/reputation/on_time")
	contains(t, "on-time page", body, "<h1>On time</h1>", "Facts 1 to 3 of 3", `<a href="/purchase-orders/1">Purchase order 1, line 2</a>`,
		`href="/txs/`+newest.Txs[1]+`"`, `<a href="/orgs/blue-river-cotton">Blue River Cotton</a> · Reputation`, "half-life 180 days")
	if strings.Index(body, "Purchase order 2, line 1") > strings.Index(body, "Purchase order 1, line 1") {
		t.Errorf("facts not newest first")
	}
	lacks(t, "on-time page", body, `rel="next"`)
	_, body = do(t, s, "GET", "/orgs/acme-textiles/reputation/on_time")
	contains(t, "acme's pools", body, `<a href="/pools/1">Pool #1, share of hilltown-hub</a>`, `<a href="/pools/4">Pool #4, share of hilltown-hub</a>`,
		"no transaction of its own")
	_, body = do(t, s, "GET", "/orgs/blue-river-cotton/reputation/on_time?page=2")
	contains(t, "past the end", body, "No facts yet.", `rel="prev"`)

	for _, target := range []string{"/orgs/blue-river-cotton/reputation/stars", "/orgs/nobody-here/reputation/on_time",
		"/orgs/Blue/reputation/on_time", "/orgs/blue-river-cotton/reputation/on_time?page=0", "/orgs/blue-river-cotton/reputation/on_time?page=x"} {
		if res, _ := do(t, s, "GET", target); res.StatusCode != 404 {
			t.Errorf("%s: status %d, want 404", target, res.StatusCode)
		}
	}

	// In Chinese.
	_, body = do(t, s, "GET", "/orgs/blue-river-cotton", "Accept-Language", "zh-CN")
	contains(t, "zh org", body, "<h2>信誉</h2>", ">准时交付</a>", "采购订单 2，第 1 行", "每过 180 天权重减半")

	// Without the service: no section, no page.
	f2 := newSite(t)
	cfg := f2.config()
	cfg.Reputation = nil
	s2, err := newServer(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, body = do(t, s2, "GET", "/orgs/blue-river-cotton")
	lacks(t, "no reputations", body, `id="reputation"`)
	if res, _ := do(t, s2, "GET", "/orgs/blue-river-cotton/reputation/on_time"); res.StatusCode != 404 {
		t.Errorf("no reputations: page status %d", res.StatusCode)
	}
}
