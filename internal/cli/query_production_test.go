package cli

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
)

func TestQueryProduction(t *testing.T) {
	home, _, _ := testHome(t)
	p := newProdNode()
	url := p.serve(t)
	ctx := context.Background()
	q := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url, "query", "production"}, args...)...)
	}
	// Every query answers what the node's service does, as JSON.
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
	wantOffers, _ := p.prod.Offers(ctx, "silk-supply")
	check([]string{"offers", "--supplier", "silk-supply"}, &[]gongxu.SupplyOffer{}, wantOffers)
	wantOrders, _ := p.prod.Orders(ctx, "acme-textiles", 1)
	check([]string{"orders", "--factory", "acme-textiles", "--limit", "1"}, &[]gongxu.ProductionOrder{}, wantOrders)
	wantOrder, _ := p.prod.Order(ctx, fake.OrderOpen)
	check([]string{"order", "1"}, &gongxu.ProductionOrder{}, wantOrder)
	wantOrder, _ = p.prod.OrderForPool(ctx, fake.PoolSucceeded)
	check([]string{"order", "--pool", "3"}, &gongxu.ProductionOrder{}, wantOrder)
	wantPOs, _ := p.prod.POs(ctx, "silk-supply", 50)
	check([]string{"pos", "--org", "silk-supply"}, &[]gongxu.PurchaseOrder{}, wantPOs)
	wantPO, _ := p.prod.PO(ctx, fake.POReceived)
	check([]string{"po", "2"}, &gongxu.PurchaseOrder{}, wantPO)
	wantWOs, _ := p.prod.WorkOrders(ctx, fake.OrderInProgress)
	check([]string{"work-orders", "2"}, &[]gongxu.WorkOrder{}, wantWOs)
	check([]string{"work-orders", "1"}, &[]gongxu.WorkOrder{}, []gongxu.WorkOrder{})
	wantLots, _ := p.prod.Lots(ctx, "acme-textiles", 50)
	check([]string{"lots", "--owner", "acme-textiles"}, &[]gongxu.Lot{}, wantLots)
	wantLot, _ := p.prod.Lot(ctx, fake.LotReceived)
	check([]string{"lot", string(fake.LotReceived)}, &gongxu.Lot{}, wantLot)
	wantStock, _ := p.prod.Stock(ctx, "acme-textiles")
	check([]string{"stock", "acme-textiles"}, &[]gongxu.Stock{}, wantStock)
	check([]string{"stock", "hub-lishui"}, &[]gongxu.Stock{}, []gongxu.Stock{})
	wantMaster, _ := p.prod.Master(ctx, "acme-textiles")
	check([]string{"master", "acme-textiles"}, &gongxu.Master{}, wantMaster)
	wantPlan, _ := fake.NewPlans().Plan(ctx, "acme-textiles")
	check([]string{"plan", "acme-textiles"}, &gongxu.PlanView{}, wantPlan)

	// Empty lists are [], never null; master data lists them all.
	for _, c := range []struct{ args, want []string }{
		{[]string{"stock", "hub-lishui"}, []string{"[]"}},
		{[]string{"offers", "--supplier", "hub-lishui"}, []string{"[]"}},
		{[]string{"master", "hub-lishui"}, []string{`"items": []`, `"bom": []`, `"routings": []`, `"work_centers": []`}},
	} {
		code, stdout, _ := q(c.args...)
		for _, w := range c.want {
			if code != 0 || !strings.Contains(stdout, w) {
				t.Errorf("%v: exit %d, lacks %s:\n%s", c.args, code, w, stdout)
			}
		}
	}

	// -o table: quantities in units, readable fields.
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"offers"}, []string{"SUPPLIER", "silk-yarn", "from 10: 12000 CNY; from 500: 11000 CNY"}},
		{[]string{"orders"}, []string{"PRODUCED", "acme-textiles/wool-scarf", "300", "in_progress", "2025-03-15T00:53:20Z"}},
		{[]string{"order", "1"}, []string{"plan_reason", "waiting for silk yarn", "history", "created"}},
		{[]string{"order", "--pool", "3"}, []string{"pool", "3", "work order 1 started"}},
		{[]string{"pos"}, []string{"SUPPLIER", "received", "2400000 CNY"}},
		{[]string{"po", "2"}, []string{"1. silk-yarn  200 at 12000 CNY", "promised", "silk-supply/fab-001 200  received 200",
			"silk-supply  accept"}},
		{[]string{"work-orders", "2"}, []string{"OUTPUTS", "acme-textiles/jacket-001 100", "acme-textiles/silk-supply/fab-001 20"}},
		{[]string{"lots"}, []string{"RESERVED", "silk-supply/fab-001 (po 2)", "work order 1"}},
		{[]string{"lot", "acme-textiles/silk-supply/fab-001"}, []string{"reserved", "20", "from", "po"}},
		{[]string{"stock", "acme-textiles"}, []string{"ITEM", "acme-textiles/wool-scarf", "100", "silk-yarn", "50"}},
		{[]string{"master", "acme-textiles"}, []string{"bought from silk-supply", "lot min 10",
			"acme-textiles/wool-scarf ← 1.5 × silk-yarn  scrap 150 bp", "knitting 1h0m0s+10m0s/unit → finishing 0s+2m0s/unit",
			"knitting  capacity 4  UTC+08:00  Mon 08:00-17:00", "1 closed"}},
		{[]string{"plan", "acme-textiles"}, []string{"purchases", "260 × silk-yarn from silk-supply", "production/plan_date",
			"problems", "no offer of silk-yarn"}},
	} {
		code, stdout, stderr := q(append(c.args, "-o", "table")...)
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
		{[]string{"offers", "--supplier", "Silk"}, 2, `--supplier: org id "Silk"`},
		{[]string{"orders", "--limit", "-1"}, 2, "--limit must not be negative"},
		{[]string{"order"}, 2, "takes ORDER_ID or --pool POOL_ID"},
		{[]string{"order", "1", "--pool", "3"}, 2, "takes ORDER_ID or --pool POOL_ID"},
		{[]string{"order", "x"}, 2, "production order id must be a positive integer"},
		{[]string{"order", "99"}, 1, "no production order 99"},
		{[]string{"order", "--pool", "4"}, 1, "no production order for pool 4"},
		{[]string{"pos", "--org", "x"}, 2, `--org: org id "x"`},
		{[]string{"po", "99"}, 1, "no purchase order 99"},
		{[]string{"work-orders"}, 2, "needs ORDER_ID"},
		{[]string{"work-orders", "99"}, 1, "no production order 99"},
		{[]string{"lots", "--owner", "A"}, 2, `org id "A"`},
		{[]string{"lot", "acme-textiles"}, 2, "<org>/<code>"},
		{[]string{"lot", "acme-textiles/none"}, 1, "no lot acme-textiles/none"},
		{[]string{"stock", "Acme"}, 2, `org id "Acme"`},
		{[]string{"master"}, 2, "needs ORG"},
		{[]string{"plan", "hub-lishui"}, 1, "not a factory"},
	} {
		code, stdout, stderr := q(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want %d and %q; stderr:\n%s", c.args, code, c.code, c.stderr, stderr)
		}
	}

	// A node that serves no production answers unavailable.
	code, _, stderr := run(t, "--home", home, "--node", newFakeNode().serve(t), "query", "production", "stock", "acme-textiles")
	if code != 1 || !strings.Contains(stderr, "does not serve stock") {
		t.Errorf("no production: exit %d: %s", code, stderr)
	}
}
