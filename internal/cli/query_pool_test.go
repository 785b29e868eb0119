package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
)

func TestQueryDemand(t *testing.T) {
	home, alice, _ := testHome(t)
	d := newDemandNode()
	url := d.serve(t)
	q := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url, "query"}, args...)...)
	}
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

	var products []gongxu.Product
	decode([]string{"catalog", "products", "--factory", "acme-textiles"}, &products)
	if len(products) != 2 {
		t.Errorf("products %+v", products)
	}
	var product gongxu.Product
	decode([]string{"catalog", "product", "acme-textiles/down-jacket"}, &product)
	if product.Name != "Down jacket" || len(product.Variants) != 2 {
		t.Errorf("product %+v", product)
	}
	var pools []gongxu.Pool
	decode([]string{"pool", "list", "--status", "open", "--hub", "hub-lishui"}, &pools)
	if len(pools) != 1 || pools[0].ID != fake.PoolOpen {
		t.Errorf("pools %+v", pools)
	}
	var view gongxu.PoolView
	decode([]string{"pool", "show", "4"}, &view)
	if view.ID != 4 || view.Progress.Total != 150 || view.Progress.ToMOQ != 50 || view.Progress.Next == nil ||
		view.Progress.MsLeft != fake.OpenDeadline-d.blockMs(t) {
		t.Errorf("pool %+v", view)
	}
	var shares []gongxu.HubShare
	decode([]string{"pool", "shares", "4"}, &shares)
	if len(shares) != 1 || shares[0].Qty != 150 {
		t.Errorf("shares %+v", shares)
	}
	var batches []gongxu.Batch
	decode([]string{"pool", "batches", "4"}, &batches)
	if len(batches) != 1 || batches[0].Tx != fake.BatchTx {
		t.Errorf("batches %+v", batches)
	}
	var bals []gongxu.Balance
	decode([]string{"settle", "balances", "hub-lishui"}, &bals)
	if len(bals) != 1 || bals[0].Account != "org:hub-lishui" || bals[0].Amount != 4813000 {
		t.Errorf("balances %+v", bals)
	}
	decode([]string{"settle", "balances", "escrow:4"}, &bals)
	if len(bals) != 1 || bals[0].Amount != 150*39900 {
		t.Errorf("escrow balances %+v", bals)
	}
	var moves []gongxu.Movement
	decode([]string{"settle", "movements", "org:hub-lishui", "--limit", "2"}, &moves)
	if len(moves) != 2 || moves[0].Height != 55 {
		t.Errorf("movements %+v", moves)
	}
	decode([]string{"settle", "movements", "alice"}, &moves) // key:<alice>: never moved
	if len(moves) != 0 {
		t.Errorf("alice's movements %+v", moves)
	}
	var rfqs []gongxu.RFQ
	decode([]string{"rfq", "list", "--status", "awarded"}, &rfqs)
	if len(rfqs) != 1 || rfqs[0].ID != fake.RFQAwarded {
		t.Errorf("rfqs %+v", rfqs)
	}
	var r gongxu.RFQ
	decode([]string{"rfq", "show", "1"}, &r)
	if r.Title != "Wool scarves" || len(r.Awards) != 1 {
		t.Errorf("rfq %+v", r)
	}
	var bids []gongxu.Bid
	decode([]string{"rfq", "bids", "1"}, &bids)
	if len(bids) != 2 {
		t.Errorf("bids %+v", bids)
	}

	// -o table: readable columns and fields.
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"catalog", "products"}, []string{"ID", "acme-textiles/down-jacket", "Down jacket"}},
		{[]string{"catalog", "product", "acme-textiles/down-jacket"}, []string{"variants", "m-navy  M / navy", "gtin"}},
		{[]string{"pool", "list"}, []string{"DEADLINE", "Down jacket", "35900 CNY", "2025-03-03T20:00:00Z"}},
		{[]string{"pool", "show", "4"}, []string{"from 100: 35900 CNY  <", "150 units, 12 pledges", "75%, 50 to go",
			"next_tier", "32900 CNY from 500 (350 to go)", "time_left", "2d11h59m"}},
		{[]string{"pool", "shares", "4"}, []string{"HUB", "hub-lishui", "l-navy:60,m-navy:90"}},
		{[]string{"pool", "batches", "4"}, []string{"ROOT", fake.BatchTx}},
		{[]string{"settle", "balances", "org:hub-lishui"}, []string{"AMOUNT", "4813000"}},
		{[]string{"settle", "movements", "hub-lishui"}, []string{"REASON", "deposit", "bank transfer 7001"}},
		{[]string{"rfq", "list"}, []string{"REVEAL_DEADLINE", "Children's rain boots", "400 pair", "6000 CNY"}},
		{[]string{"rfq", "show", "1"}, []string{"awards", "acme-textiles: 300 at 5000 CNY, pool 3"}},
		{[]string{"rfq", "bids", "1"}, []string{"north-knits", "6100"}},
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
		{[]string{"catalog", "product", "down-jacket"}, 2, "must be <factory>/<sku>"},
		{[]string{"catalog", "products", "--factory", "A!"}, 2, `org id "A!"`},
		{[]string{"pool", "list", "--status", "done"}, 2, "must be one of"},
		{[]string{"pool", "list", "--hub", "X"}, 2, `org id "X"`},
		{[]string{"pool", "show", "x"}, 2, "pool id must be a positive integer"},
		{[]string{"pool", "show", "99"}, 1, "no pool 99"},
		{[]string{"pool", "shares"}, 2, "needs POOL_ID"},
		{[]string{"settle", "balances", "bank:1"}, 2, ""},
		{[]string{"settle", "balances", "Not An Account"}, 2, "is neither an account"},
		{[]string{"settle", "movements", "org:hub-lishui", "--limit", "-1"}, 2, "--limit must not be negative"},
		{[]string{"rfq", "list", "--status", "closed"}, 2, "must be one of"},
		{[]string{"rfq", "show", "9"}, 1, "no rfq 9"},
		{[]string{"rfq", "bids", "0"}, 2, "rfq id must be a positive integer"},
	} {
		code, stdout, stderr := q(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want %d and %q; stderr:\n%s", c.args, code, c.code, c.stderr, stderr)
		}
	}
	_ = alice
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
