package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestQueryDemand(t *testing.T) {
	home, _, _ := testHome(t)
	w, url := worldNode(t)
	db := w.Read()
	ctx := context.Background()
	id := func(n uint64) string { return fmt.Sprint(n) }
	q := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url, "query"}, args...)...)
	}
	// Every query answers what the read model does, as JSON.
	check := func(args []string, got, want any) {
		t.Helper()
		code, stdout, stderr := q(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), got); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stdout)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if norm := func(b []byte) string { return strings.ReplaceAll(string(b), "null", "[]") }; norm(g) != norm(w) {
			t.Errorf("%v:\n got %s\nwant %s", args, g, w)
		}
	}

	var products []gongxu.Product
	wantProducts, _ := db.Products(ctx, inproc.Acme)
	check([]string{"catalog", "products", "--factory", inproc.Acme}, &products, wantProducts)
	if len(products) != 5 {
		t.Errorf("products %+v", products)
	}
	var product gongxu.Product
	wantProduct, _ := db.Product(ctx, inproc.Acme+"/merino-jacket")
	check([]string{"catalog", "product", inproc.Acme + "/merino-jacket"}, &product, wantProduct)
	if product.Name != "Merino wool jacket" || len(product.Variants) != 2 {
		t.Errorf("product %+v", product)
	}
	var pools []gongxu.Pool
	wantPools, _ := db.Pools(ctx, gongxu.PoolFilter{Status: gongxu.PoolOpen, Hub: inproc.Lakeside, Limit: 50})
	check([]string{"pool", "list", "--status", "open", "--hub", inproc.Lakeside}, &pools, wantPools)
	if len(pools) != 1 || pools[0].ID != w.JacketsOpen {
		t.Errorf("pools %+v", pools)
	}
	var view gongxu.PoolView
	decode := func(args []string, v any) {
		t.Helper()
		code, stdout, stderr := q(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), v); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stdout)
		}
	}
	decode([]string{"pool", "show", id(w.JacketsOpen)}, &view)
	wantPool, _ := db.Pool(ctx, w.JacketsOpen)
	g, _ := json.Marshal(view.Pool)
	wp, _ := json.Marshal(wantPool)
	if string(g) != string(wp) || view.Progress.Total != 88 || view.Progress.ToMOQ != 0 || view.Progress.Next == nil ||
		view.Progress.MsLeft != 2*inproc.Day+5*inproc.Hour {
		t.Errorf("pool %+v", view)
	}
	var shares []gongxu.HubShare
	wantShares, _ := db.HubShares(ctx, w.JacketsOpen)
	check([]string{"pool", "shares", id(w.JacketsOpen)}, &shares, wantShares)
	if len(shares) != 2 || shares[0].Qty != 60 || shares[1].Qty != 28 {
		t.Errorf("shares %+v", shares)
	}
	var batches []gongxu.Batch
	wantBatches, _ := db.Batches(ctx, w.JacketsOpen)
	check([]string{"pool", "batches", id(w.JacketsOpen)}, &batches, wantBatches)
	if len(batches) != 3 || batches[0].Tx != w.Batches[w.JacketsOpen][inproc.Hilltown][0].Tx {
		t.Errorf("batches %+v", batches)
	}
	var bals []gongxu.Balance
	wantBals, _ := db.Balances(ctx, "org:"+inproc.Hilltown)
	check([]string{"settle", "balances", inproc.Hilltown}, &bals, wantBals)
	if len(bals) != 1 || bals[0].Account != "org:"+inproc.Hilltown || bals[0].Amount != 4672800 {
		t.Errorf("balances %+v", bals)
	}
	decode([]string{"settle", "balances", "escrow:" + id(w.JacketsOpen)}, &bals)
	if len(bals) != 1 || bals[0].Amount != 88*12900 {
		t.Errorf("escrow balances %+v", bals)
	}
	var moves []gongxu.Movement
	wantMoves, _ := db.Movements(ctx, "org:"+inproc.Hilltown, 2)
	check([]string{"settle", "movements", "org:" + inproc.Hilltown, "--limit", "2"}, &moves, wantMoves)
	if len(moves) != 2 || moves[0].Height != 101 || moves[0].Ref != "pool 6 batch" {
		t.Errorf("movements %+v", moves)
	}
	decode([]string{"settle", "movements", "alice"}, &moves) // key:<alice>: never moved
	if len(moves) != 0 {
		t.Errorf("alice's movements %+v", moves)
	}
	var rfqs []gongxu.RFQ
	wantRFQs, _ := db.RFQs(ctx, gongxu.RFQAwarded, 50)
	check([]string{"rfq", "list", "--status", "awarded"}, &rfqs, wantRFQs)
	if len(rfqs) != 1 || rfqs[0].ID != w.RFQAwarded {
		t.Errorf("rfqs %+v", rfqs)
	}
	var r gongxu.RFQ
	wantRFQ, _ := db.RFQ(ctx, w.RFQAwarded)
	check([]string{"rfq", "show", id(w.RFQAwarded)}, &r, wantRFQ)
	if r.Title != "Linen shirts" || len(r.Awards) != 1 {
		t.Errorf("rfq %+v", r)
	}
	var bids []gongxu.Bid
	wantBids, _ := db.Bids(ctx, w.RFQAwarded)
	check([]string{"rfq", "bids", id(w.RFQAwarded)}, &bids, wantBids)
	if len(bids) != 2 {
		t.Errorf("bids %+v", bids)
	}

	// -o table: readable columns and fields.
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"catalog", "products"}, []string{"ID", "acme-textiles/merino-jacket  Merino wool jacket     piece  2"}},
		{[]string{"catalog", "product", "acme-textiles/merino-jacket"}, []string{"variants", "m-navy  M / navy", "gtin       09506000134352"}},
		{[]string{"pool", "list"}, []string{"DEADLINE", "Merino wool jacket     open           88     50   300   9900 CNY   2026-01-24T13:00:41Z",
			"Wool socks             failed", "Linen shirts           settled"}},
		{[]string{"pool", "show", id(w.JacketsOpen)}, []string{"from 50: 9900 CNY  <", "88 units, 31 pledges", "176%, 0 to go",
			"next_tier", "8900 CNY from 100 (12 to go)", "time_left", "2d5h0m", "terms       Made in Ningbo within 21 days of the close. Free exchange"}},
		{[]string{"pool", "shares", id(w.JacketsOpen)}, []string{"HUB", "hilltown-hub     60   25       l-navy:20,m-navy:40"}},
		{[]string{"pool", "batches", id(w.JacketsOpen)}, []string{"ROOT", w.Batches[w.JacketsOpen][inproc.Hilltown][0].Tx + "  hilltown-hub     20"}},
		{[]string{"settle", "balances", "org:" + inproc.Hilltown}, []string{"AMOUNT", "4672800"}},
		{[]string{"settle", "movements", inproc.Hilltown}, []string{"REASON", "deposit", "consumers' deposits, week 1", "refund"}},
		{[]string{"rfq", "list"}, []string{"REVEAL_DEADLINE", "School uniforms for Hilltown primary", "400 piece", "6500 CNY"}},
		{[]string{"rfq", "show", id(w.RFQAwarded)}, []string{"awards", "acme-textiles: 64 at 13900 CNY, pool 3"}},
		{[]string{"rfq", "bids", id(w.RFQAwarded)}, []string{"sunrise-garments  true      16000", "false"}},
	} {
		code, stdout, stderr := q(append([]string{"-o", "table"}, c.args...)...)
		if code != 0 {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(stdout, w) {
				t.Errorf("%v: table lacks %q:\n%s", c.args, w, stdout)
			}
		}
	}

	// Usage errors and unknown ids.
	for _, c := range []struct {
		args   []string
		code   int
		stderr string
	}{
		{[]string{"catalog", "product", "merino-jacket"}, 2, "must be <factory>/<sku>"},
		{[]string{"catalog", "products", "--factory", "A!"}, 2, `org id "A!"`},
		{[]string{"pool", "list", "--status", "done"}, 2, "must be one of"},
		{[]string{"pool", "list", "--hub", "X"}, 2, `org id "X"`},
		{[]string{"pool", "show", "x"}, 2, "pool id must be a positive integer"},
		{[]string{"pool", "show", "99"}, 1, "no pool 99"},
		{[]string{"pool", "shares"}, 2, "needs POOL_ID"},
		{[]string{"settle", "balances", "bank:1"}, 2, ""},
		{[]string{"settle", "balances", "Not An Account"}, 2, "is neither an account"},
		{[]string{"settle", "movements", "org:" + inproc.Hilltown, "--limit", "-1"}, 2, "--limit must not be negative"},
		{[]string{"rfq", "list", "--status", "closed"}, 2, "must be one of"},
		{[]string{"rfq", "show", "9"}, 1, "no rfq 9"},
		{[]string{"rfq", "bids", "0"}, 2, "rfq id must be a positive integer"},
	} {
		code, stdout, stderr := q(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want %d and %q; stderr:\n%s", c.args, code, c.code, c.stderr, stderr)
		}
	}
}

func TestResolveAccount(t *testing.T) {
	home, alice, bob := testHome(t)
	node := newFakeNode()
	node.orgs[1].Keys = append(node.orgs[1].Keys, bob.PubKey) // bob signs for hub-lishui
	env := &Env{Home: home, Ctx: context.Background(), Node: node.serve(t)}
	for in, want := range map[string]gongxu.AccountID{
		"alice":                               "key:" + gongxu.AccountID(alice.PubKey),
		"bob":                                 "org:hub-lishui", // a member org's key: the org's money
		strings.ToUpper(string(alice.PubKey)): "key:" + gongxu.AccountID(alice.PubKey),
		"hub-lishui":                          "org:hub-lishui",
		"org:acme":                            "org:acme",
		"escrow:4":                            "escrow:4",
		"captured:12":                         "captured:12",
		"key:" + strings.Repeat("ab", 32):     gongxu.AccountID("key:" + strings.Repeat("ab", 32)),
		"KEY:" + strings.Repeat("AB", 32):     gongxu.AccountID("key:" + strings.Repeat("ab", 32)),
	} {
		got, err := env.resolveAccount(in)
		if err != nil || got != want {
			t.Errorf("resolveAccount(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "escrow:0", "bank:1", "Hub Lishui", "org:"} {
		if _, err := env.resolveAccount(bad); !isUsage(err) {
			t.Errorf("resolveAccount(%q): %v, want a usage error", bad, err)
		}
	}
}
