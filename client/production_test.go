package client_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestProductionReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	for _, supplier := range []gongxu.OrgID{"", inproc.Blue, inproc.Dyeworks, inproc.Hilltown} {
		list, err := e.c.Offers(ctx, supplier)
		if err != nil {
			t.Fatal(err)
		}
		if list == nil {
			t.Errorf("offers of %q: nil, want a list", supplier)
		}
		want, _ := e.db.Offers(ctx, supplier)
		sameJSON(t, "offers of "+string(supplier), list, want)
	}
	for _, c := range []struct {
		org   gongxu.OrgID
		limit int
	}{{"", 0}, {inproc.Acme, 1}, {inproc.Acme, 0}, {inproc.Blue, 0}, {inproc.Hilltown, 5}} {
		n := c.limit
		if n == 0 {
			n = 50
		}
		list, err := e.c.Orders(ctx, c.org, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		wantO, _ := e.db.Orders(ctx, c.org, n)
		sameJSON(t, "orders", list, wantO)
		ps, err := e.c.POs(ctx, c.org, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		wantP, _ := e.db.POs(ctx, c.org, n)
		sameJSON(t, "purchase orders", ps, wantP)
		ls, err := e.c.Lots(ctx, c.org, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		wantL, _ := e.db.Lots(ctx, c.org, n)
		sameJSON(t, "lots", ls, wantL)
		if list == nil || ps == nil || ls == nil {
			t.Errorf("%+v: nil lists", c)
		}
	}
	for _, id := range []uint64{e.w.ShirtOrder, e.w.PlannedOrder, e.w.JacketOrder} {
		o, err := e.c.Order(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantO, _ := e.db.Order(ctx, id)
		sameJSON(t, "order", o, wantO)
		ws, err := e.c.WorkOrders(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if ws == nil {
			t.Errorf("work orders of %d: nil", id)
		}
		wantW, _ := e.db.WorkOrders(ctx, id)
		sameJSON(t, "work orders", ws, wantW)
	}
	for _, id := range []uint64{e.w.POFabric, e.w.POLinen, e.w.PORejected, e.w.POProposed, e.w.POButtons} {
		p, err := e.c.PO(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantP, _ := e.db.PO(ctx, id)
		sameJSON(t, "purchase order", p, wantP)
	}
	for _, id := range []gongxu.LotID{inproc.ReceivedLot, inproc.RecvLinen, inproc.JacketLot, inproc.ScarfLot} {
		l, err := e.c.Lot(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantL, _ := e.db.Lot(ctx, id)
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
	_, err = e.broken(t, catchingUp).Lots(ctx, "", 0)
	wantErr(t, err, gongxu.KindUnavailable, "catching up")
}

func TestProductionMasterStockPlan(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	o, err := e.c.OrderForPool(ctx, e.w.ShirtsInProduction)
	if err != nil {
		t.Fatal(err)
	}
	wantO, _ := e.db.OrderForPool(ctx, e.w.ShirtsInProduction)
	sameJSON(t, "order for pool", o, wantO)
	if o.ID != e.w.ShirtOrder {
		t.Errorf("order for pool %d: %d", e.w.ShirtsInProduction, o.ID)
	}

	for _, org := range []gongxu.OrgID{inproc.Acme, inproc.Hilltown} {
		md, err := e.c.Master(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := e.db.Master(ctx, org)
		sameJSON(t, "master of "+string(org), md, want)
		if md.Items == nil || md.BOM == nil || md.Routings == nil || md.WorkCenters == nil {
			t.Errorf("master of %s: a nil list: %#v", org, md)
		}
	}
	md, _ := e.c.Master(ctx, inproc.Acme)
	if len(md.Items) != 9 || len(md.BOM) != 5 || len(md.Routings) != 3 || len(md.WorkCenters) != 3 ||
		len(md.WorkCenters[2].Calendar.Weekly) != 6 || md.WorkCenters[2].Capacity != 3 {
		t.Errorf("master of acme-textiles: %+v", md)
	}

	for _, org := range []gongxu.OrgID{inproc.Acme, inproc.Blue, inproc.Hilltown} {
		st, err := e.c.Stock(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		if st == nil {
			t.Errorf("stock of %s: nil", org)
		}
		want, _ := e.db.Stock(ctx, org)
		sameJSON(t, "stock of "+string(org), st, want)
	}

	v, err := e.c.Plan(ctx, inproc.Acme)
	if err != nil {
		t.Fatal(err)
	}
	wantV, _ := e.w.Plans().Plan(ctx, inproc.Acme)
	sameJSON(t, "plan", v, wantV)
	if len(v.Txs) == 0 {
		t.Errorf("plan txs: %+v", v.Txs)
	}
	for _, tx := range v.Txs {
		if !strings.HasPrefix(tx.Type, "production/") || len(tx.Body) == 0 {
			t.Errorf("plan tx %+v", tx)
		}
	}
}

func TestProductionMasterStockPlanErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	_, err := e.c.OrderForPool(ctx, e.w.JacketsOpen)
	wantErr(t, err, gongxu.KindNotFound, fmt.Sprint("no production order for pool ", e.w.JacketsOpen))
	_, err = e.c.Plan(ctx, inproc.Hilltown)
	wantErr(t, err, gongxu.KindNotFound, "not a factory")
	for _, org := range []gongxu.OrgID{"Acme", "a", "", "x/y"} {
		_, err = e.c.Master(ctx, org)
		wantErr(t, err, gongxu.KindInvalid, "org id")
		_, err = e.c.Stock(ctx, org)
		wantErr(t, err, gongxu.KindInvalid, "org id")
		_, err = e.c.Plan(ctx, org)
		wantErr(t, err, gongxu.KindInvalid, "org id")
	}
	cycle := inproc.Broken{Err: gongxu.Errorf(gongxu.KindInvalid, "bill of materials has a cycle: a → b → a")}
	_, err = e.broken(t, func(c *httpapi.Config) { c.Plans = cycle }).Plan(ctx, inproc.Acme)
	wantErr(t, err, gongxu.KindInvalid, "cycle: a → b → a")
	_, err = e.broken(t, catchingUp).Stock(ctx, inproc.Acme)
	wantErr(t, err, gongxu.KindUnavailable, "catching up")
}

// catchingUp makes the production side fail as a read model catching up.
func catchingUp(c *httpapi.Config) {
	c.Production = inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "the read model is catching up")}
}
