package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestQueryProduction(t *testing.T) {
	home, _, _ := testHome(t)
	w, url := worldNode(t)
	db := w.Read()
	id := func(n uint64) string { return fmt.Sprint(n) }
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
	wantOffers, _ := db.Offers(ctx, inproc.Blue)
	if len(wantOffers) != 5 {
		t.Errorf("offers of %s: %+v", inproc.Blue, wantOffers)
	}
	check([]string{"offers", "--supplier", inproc.Blue}, &[]gongxu.SupplyOffer{}, wantOffers)
	wantOrders, _ := db.Orders(ctx, inproc.Acme, 1)
	check([]string{"orders", "--factory", inproc.Acme, "--limit", "1"}, &[]gongxu.ProductionOrder{}, wantOrders)
	wantOrder, _ := db.Order(ctx, w.PlannedOrder)
	check([]string{"order", id(w.PlannedOrder)}, &gongxu.ProductionOrder{}, wantOrder)
	wantOrder, _ = db.OrderForPool(ctx, w.ShirtsInProduction)
	check([]string{"order", "--pool", id(w.ShirtsInProduction)}, &gongxu.ProductionOrder{}, wantOrder)
	wantPOs, _ := db.POs(ctx, inproc.Blue, 50)
	check([]string{"pos", "--org", inproc.Blue}, &[]gongxu.PurchaseOrder{}, wantPOs)
	wantPO, _ := db.PO(ctx, w.POFabric)
	check([]string{"po", id(w.POFabric)}, &gongxu.PurchaseOrder{}, wantPO)
	wantWOs, _ := db.WorkOrders(ctx, w.ShirtOrder)
	check([]string{"work-orders", id(w.ShirtOrder)}, &[]gongxu.WorkOrder{}, wantWOs)
	check([]string{"work-orders", id(w.PlannedOrder)}, &[]gongxu.WorkOrder{}, []gongxu.WorkOrder{})
	wantLots, _ := db.Lots(ctx, inproc.Acme, 50)
	check([]string{"lots", "--owner", inproc.Acme}, &[]gongxu.Lot{}, wantLots)
	wantLot, _ := db.Lot(ctx, inproc.ReceivedLot)
	check([]string{"lot", string(inproc.ReceivedLot)}, &gongxu.Lot{}, wantLot)
	wantStock, _ := db.Stock(ctx, inproc.Acme)
	check([]string{"stock", inproc.Acme}, &[]gongxu.Stock{}, wantStock)
	check([]string{"stock", inproc.Hilltown}, &[]gongxu.Stock{}, []gongxu.Stock{})
	wantMaster, _ := db.Master(ctx, inproc.Acme)
	check([]string{"master", inproc.Acme}, &gongxu.Master{}, wantMaster)
	wantPlan, _ := w.Plans().Plan(ctx, inproc.Acme)
	check([]string{"plan", inproc.Acme}, &gongxu.PlanView{}, wantPlan)

	// Empty lists are [], never null; master data lists them all.
	for _, c := range []struct{ args, want []string }{
		{[]string{"stock", inproc.Hilltown}, []string{"[]"}},
		{[]string{"offers", "--supplier", inproc.Hilltown}, []string{"[]"}},
		{[]string{"master", inproc.Hilltown}, []string{`"items": []`, `"bom": []`, `"routings": []`, `"work_centers": []`}},
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
		{[]string{"offers"}, []string{"SUPPLIER", "linen-fabric   m      5          10       from 0: 2800 CNY", "lakeside-dyeworks  indigo-dye"}},
		{[]string{"orders"}, []string{"PRODUCED", "acme-textiles/linen-shirt    64   0         in_progress  2026-01-18T10:00:00Z  2026-01-20T12:00:00Z  4",
			"acme-textiles/wool-scarf     30   30        completed"}},
		{[]string{"order", id(w.PlannedOrder)}, []string{"plan_reason  the due date", "history", "created by acme-textiles"}},
		{[]string{"order", "--pool", id(w.ShirtsInProduction)}, []string{"pool         4", "from pool 4", "work order 3 started",
			"plan_reason  linen fabric from Blue River Cotton promised for the 16th, a day late"}},
		{[]string{"pos"}, []string{"SUPPLIER", "received", "1620000 CNY", "changes_proposed", "rejected"}},
		{[]string{"po", id(w.POLinen)}, []string{"1. linen-fabric  90 at 2800 CNY", "promised 2026-01-16T00:00:00Z  shipped 50  received 50",
			"blue-river-cotton/lf-0101 50  received 50", "blue-river-cotton  accept"}},
		{[]string{"work-orders", id(w.ShirtOrder)}, []string{"OUTPUTS", "acme-textiles/blue-river-cotton/lf-0101 50", "0.5", "started"}},
		{[]string{"work-orders", id(w.JacketOrder)}, []string{"OUTPUTS", "acme-textiles/merino-jacket-0001 88", "completed"}},
		{[]string{"lots"}, []string{"RESERVED", "blue-river-cotton/lf-0101 (po 2)", "work order 2"}},
		{[]string{"lot", string(inproc.RecvLinen)}, []string{"reserved  50", "from      blue-river-cotton/lf-0101", "po        2"}},
		{[]string{"stock", inproc.Acme}, []string{"ITEM", "acme-textiles/wool-scarf  30", "cotton-thread             240"}},
		{[]string{"master", inproc.Acme}, []string{"bought from blue-river-cotton", "lead 5d",
			"acme-textiles/linen-shirt ← 1.2 × linen-fabric", "cutting 30m0s+5m0s/unit → sewing 30m0s+20m0s/unit → pressing 0s+2m0s/unit",
			"sewing  capacity 3  UTC+00:00  Mon 08:00-17:00"}},
		{[]string{"plan", inproc.Acme}, []string{"purchases", "160 × bone-buttons from blue-river-cotton", "production/plan_date",
			"problems", "production order 5 is not planned"}},
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
		{[]string{"order", "--pool", id(w.JacketsOpen)}, 1, "no production order for pool " + id(w.JacketsOpen)},
		{[]string{"pos", "--org", "x"}, 2, `--org: org id "x"`},
		{[]string{"po", "99"}, 1, "no purchase order 99"},
		{[]string{"work-orders"}, 2, "needs ORDER_ID"},
		{[]string{"work-orders", "99"}, 1, "no production order 99"},
		{[]string{"lots", "--owner", "A"}, 2, `org id "A"`},
		{[]string{"lot", "acme-textiles"}, 2, "<org>/<code>"},
		{[]string{"lot", "acme-textiles/none"}, 1, "no lot acme-textiles/none"},
		{[]string{"stock", "Acme"}, 2, `org id "Acme"`},
		{[]string{"master"}, 2, "needs ORG"},
		{[]string{"plan", inproc.Hilltown}, 1, "not a factory"},
	} {
		code, stdout, stderr := q(c.args...)
		if code != c.code || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want %d and %q; stderr:\n%s", c.args, code, c.code, c.stderr, stderr)
		}
	}

	// A node that serves no production answers unavailable.
	bare := serveNet(t, w, func(c *httpapi.Config) { c.Production = nil })
	code, _, stderr := run(t, "--home", home, "--node", bare, "query", "production", "stock", "acme-textiles")
	if code != 1 || !strings.Contains(stderr, "does not serve stock") {
		t.Errorf("no production: exit %d: %s", code, stderr)
	}
}
