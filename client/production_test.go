package client_test

import (
	"context"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
)

func TestProductionReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	for _, supplier := range []gongxu.OrgID{"", "silk-supply", "hub-lishui"} {
		list, err := e.c.Offers(ctx, supplier)
		if err != nil {
			t.Fatal(err)
		}
		if list == nil {
			t.Errorf("offers of %q: nil, want a list", supplier)
		}
		want, _ := e.prod.Offers(ctx, supplier)
		sameJSON(t, "offers of "+string(supplier), list, want)
	}
	for _, c := range []struct {
		org   gongxu.OrgID
		limit int
	}{{"", 0}, {"acme-textiles", 1}, {"silk-supply", 0}, {"hub-lishui", 5}} {
		n := c.limit
		if n == 0 {
			n = 50
		}
		list, err := e.c.Orders(ctx, c.org, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		wantO, _ := e.prod.Orders(ctx, c.org, n)
		sameJSON(t, "orders", list, wantO)
		ps, err := e.c.POs(ctx, c.org, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		wantP, _ := e.prod.POs(ctx, c.org, n)
		sameJSON(t, "purchase orders", ps, wantP)
		ls, err := e.c.Lots(ctx, c.org, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		wantL, _ := e.prod.Lots(ctx, c.org, n)
		sameJSON(t, "lots", ls, wantL)
		if list == nil || ps == nil || ls == nil {
			t.Errorf("%+v: nil lists", c)
		}
	}
	for _, id := range []uint64{fake.OrderInProgress, fake.OrderOpen} {
		o, err := e.c.Order(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantO, _ := e.prod.Order(ctx, id)
		sameJSON(t, "order", o, wantO)
		ws, err := e.c.WorkOrders(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if ws == nil {
			t.Errorf("work orders of %d: nil", id)
		}
		wantW, _ := e.prod.WorkOrders(ctx, id)
		sameJSON(t, "work orders", ws, wantW)
	}
	for _, id := range []uint64{fake.POReceived, fake.POSent} {
		p, err := e.c.PO(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantP, _ := e.prod.PO(ctx, id)
		sameJSON(t, "purchase order", p, wantP)
	}
	for _, id := range []gongxu.LotID{fake.LotSupplier, fake.LotReceived, fake.LotMade} {
		l, err := e.c.Lot(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantL, _ := e.prod.Lot(ctx, id)
		sameJSON(t, "lot "+string(id), l, wantL)
	}
}

func TestProductionErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.c.Offers(ctx, "Silk")
	wantErr(t, err, gongxu.KindInvalid, "supplier")
	_, err = e.c.Orders(ctx, "a", 0)
	wantErr(t, err, gongxu.KindInvalid, "factory")
	_, err = e.c.Orders(ctx, "", 1001)
	wantErr(t, err, gongxu.KindInvalid, "limit")
	_, err = e.c.Order(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no production order 99")
	_, err = e.c.WorkOrders(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no production order 99")
	_, err = e.c.POs(ctx, "x", 0)
	wantErr(t, err, gongxu.KindInvalid, "org")
	_, err = e.c.PO(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no purchase order 99")
	_, err = e.c.Lots(ctx, "Acme", 0)
	wantErr(t, err, gongxu.KindInvalid, "owner")
	_, err = e.c.Lot(ctx, "acme-textiles/none")
	wantErr(t, err, gongxu.KindNotFound, "no lot acme-textiles/none")
	for _, id := range []gongxu.LotID{"acme-textiles", "acme-textiles/x/", "acme-textiles/a b", ""} {
		_, err = e.c.Lot(ctx, id)
		wantErr(t, err, gongxu.KindInvalid, "lot id")
	}
	e.prod.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the read model is catching up"))
	_, err = e.c.Lots(ctx, "", 0)
	wantErr(t, err, gongxu.KindUnavailable, "catching up")
}

func TestProductionMasterStockPlan(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	o, err := e.c.OrderForPool(ctx, fake.PoolSucceeded)
	if err != nil {
		t.Fatal(err)
	}
	wantO, _ := e.prod.OrderForPool(ctx, fake.PoolSucceeded)
	sameJSON(t, "order for pool", o, wantO)
	if o.ID != fake.OrderInProgress {
		t.Errorf("order for pool %d: %d", fake.PoolSucceeded, o.ID)
	}

	for _, org := range []gongxu.OrgID{"acme-textiles", "hub-lishui"} {
		md, err := e.c.Master(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := e.prod.Master(ctx, org)
		sameJSON(t, "master of "+string(org), md, want)
		if md.Items == nil || md.BOM == nil || md.Routings == nil || md.WorkCenters == nil {
			t.Errorf("master of %s: a nil list: %#v", org, md)
		}
	}
	md, _ := e.c.Master(ctx, "acme-textiles")
	if len(md.Items) != 3 || len(md.BOM) != 2 || len(md.Routings) != 2 || len(md.WorkCenters) != 2 ||
		len(md.WorkCenters[1].Calendar.Closed) != 1 {
		t.Errorf("master of acme-textiles: %+v", md)
	}

	for _, org := range []gongxu.OrgID{"acme-textiles", "silk-supply", "hub-lishui"} {
		st, err := e.c.Stock(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		if st == nil {
			t.Errorf("stock of %s: nil", org)
		}
		want, _ := e.prod.Stock(ctx, org)
		sameJSON(t, "stock of "+string(org), st, want)
	}

	v, err := e.c.Plan(ctx, "acme-textiles")
	if err != nil {
		t.Fatal(err)
	}
	wantV, _ := e.plans.Plan(ctx, "acme-textiles")
	sameJSON(t, "plan", v, wantV)
	if len(v.Txs) != 1 || v.Txs[0].Type != "production/plan_date" || len(v.Txs[0].Body) == 0 {
		t.Errorf("plan txs: %+v", v.Txs)
	}
}

func TestProductionMasterStockPlanErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.c.OrderForPool(ctx, fake.PoolOpen)
	wantErr(t, err, gongxu.KindNotFound, "no production order for pool 4")
	_, err = e.c.Plan(ctx, "hub-lishui")
	wantErr(t, err, gongxu.KindNotFound, "not a factory")
	for _, org := range []gongxu.OrgID{"Acme", "a", "", "x/y"} {
		_, err = e.c.Master(ctx, org)
		wantErr(t, err, gongxu.KindInvalid, "org id")
		_, err = e.c.Stock(ctx, org)
		wantErr(t, err, gongxu.KindInvalid, "org id")
		_, err = e.c.Plan(ctx, org)
		wantErr(t, err, gongxu.KindInvalid, "org id")
	}
	e.plans.SetErr(gongxu.Errorf(gongxu.KindInvalid, "bill of materials has a cycle: a → b → a"))
	_, err = e.c.Plan(ctx, "acme-textiles")
	wantErr(t, err, gongxu.KindInvalid, "cycle: a → b → a")
	e.prod.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the read model is catching up"))
	_, err = e.c.Stock(ctx, "acme-textiles")
	wantErr(t, err, gongxu.KindUnavailable, "catching up")
}
