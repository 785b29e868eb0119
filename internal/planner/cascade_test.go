package planner_test

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// A supplier that makes what it sells plans its own inputs from the
// purchase orders it accepted, and the ledger takes its orders: demand
// cascades upstream. On a real chain (the real modules) whose read model
// the planners read: hub-h's consumers fill acme's jacket pool, whose
// production order makes acme's planner order the shell from mill-a, a
// supplier-only org (no factory role); mill-a accepts, and its own planner
// orders the yarn from spinner, accepted on the ledger. mill-a then
// receives the yarn, orders and runs the weaving itself and ships the
// shell to acme. acme's second order to mill-a, not accepted, is not
// mill-a's demand.
func TestSupplierCascade(t *testing.T) {
	const mill, spinner, hub = "mill-a", "spinner", "hub-h"
	ctx := context.Background()
	day := func(d int64) int64 { return inproc.Start + d*inproc.Day }
	n := inproc.New(t, inproc.Genesis{Orgs: []gongxu.Org{
		{ID: factory, Name: "Acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		{ID: hub, Name: "Hub H", Roles: []gongxu.Role{gongxu.RoleHub}},
		// Makers of what they sell, with the supplier role only.
		{ID: mill, Name: "Mill A", Roles: []gongxu.Role{gongxu.RoleSupplier}},
		{ID: spinner, Name: "Spinner", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	}, Validators: []gongxu.Validator{{PubKey: inproc.Key(string(factory) + "/val"), Power: 10, Org: factory}}})

	weekdays := gongxu.Calendar{}
	for d := int64(1); d <= 5; d++ {
		weekdays.Weekly = append(weekdays.Weekly, gongxu.Shift{Weekday: d, StartMin: 8 * 60, EndMin: 17 * 60})
	}
	// acme sews jackets from 1.5 m of shell, bought from mill-a.
	n.Send(string(factory), "catalog/publish", inproc.M{"sku": "jacket", "name": "Jacket", "unit": "piece", "lead_time_days": 30})
	for _, it := range []gongxu.Item{
		{ID: "acme/jacket", Unit: "piece", LeadTimeDays: 2, Make: true},
		{ID: "shell", Unit: "m", LeadTimeDays: 5, Supplier: mill},
	} {
		n.Send(string(factory), production.TypeItem, inproc.M{"item": it})
	}
	n.Send(string(factory), production.TypeBOM, inproc.M{"parent": "acme/jacket", "lines": []inproc.M{{"child": "shell", "qty_per": 1500}}})
	n.Send(string(factory), production.TypeWorkCenter, inproc.M{"work_center": gongxu.WorkCenter{ID: "sewing", Capacity: 3, Calendar: weekdays}})
	n.Send(string(factory), production.TypeRouting, inproc.M{"routing": gongxu.Routing{Item: "acme/jacket",
		Ops: []gongxu.Operation{{WorkCenter: "sewing", SetupMs: 30 * minuteMs, RunMsPerUnit: 10 * minuteMs}}}})
	// mill-a weaves shell on its loom from 0.2 kg of yarn a metre, bought
	// from spinner: master data a supplier keeps.
	for _, it := range []gongxu.Item{
		{ID: "shell", Unit: "m", LeadTimeDays: 2, Make: true},
		{ID: "yarn", Unit: "kg", LeadTimeDays: 4, Supplier: spinner},
	} {
		n.Send(mill, production.TypeItem, inproc.M{"item": it})
	}
	n.Send(mill, production.TypeBOM, inproc.M{"parent": "shell", "lines": []inproc.M{{"child": "yarn", "qty_per": 200}}})
	n.Send(mill, production.TypeWorkCenter, inproc.M{"work_center": gongxu.WorkCenter{ID: "loom", Capacity: 2, Calendar: weekdays}})
	n.Send(mill, production.TypeRouting, inproc.M{"routing": gongxu.Routing{Item: "shell",
		Ops: []gongxu.Operation{{WorkCenter: "loom", SetupMs: 0, RunMsPerUnit: minuteMs}}}})
	n.Send(mill, production.TypeOffer, inproc.M{"item": "shell", "unit": "m", "lead_time_days": 5, "min_qty": 0, "unit_price": 3000, "currency": "CNY"})
	n.Send(spinner, production.TypeOffer, inproc.M{"item": "yarn", "unit": "kg", "lead_time_days": 4, "min_qty": 0, "unit_price": 900, "currency": "CNY"})

	// hub-h's 40 consumers fill the pool; at its deadline it succeeds and
	// opens acme's production order of 40 jackets.
	poolID := n.OpenPool(string(factory), inproc.M{"product": "acme/jacket", "tiers": []gongxu.Tier{{MinQty: 1, UnitPrice: 20000}},
		"moq": 20, "cap": 100, "case_pack": 1, "currency": "CNY", "deadline": day(2)})
	n.Deposit(hub, 1_000_000, "consumers' deposits")
	qtys := make([]int64, 40)
	for i := range qtys {
		qtys[i] = 1
	}
	n.SendBatch(hub, poolID, inproc.Consumers(hub, poolID, 0, qtys, nil))
	n.AdvanceTo(day(2))
	n.Block()
	order, err := n.Read().OrderForPool(ctx, poolID)
	if err != nil || order.Factory != factory || order.Qty != u(40) {
		t.Fatalf("the pool's production order: %+v (%v), want 40 jackets at acme", order, err)
	}

	// acme's plan orders 60 m of shell from mill-a; mill-a accepts.
	n.AdvanceTo(day(2) + 6*inproc.Hour)
	acmePOs := plannedPOs(t, n, factory)
	if len(acmePOs) != 1 || acmePOs[0].Supplier != mill || len(acmePOs[0].Lines) != 1 || acmePOs[0].Lines[0].Item != "shell" || acmePOs[0].Lines[0].Qty != u(60) {
		t.Fatalf("acme's plan sends %+v, want one order of 60 m of shell to mill-a", acmePOs)
	}
	n.Send(string(factory), production.TypePO, acmePOs[0])
	shellPO := n.NewestPO(string(factory))
	n.Send(mill, production.TypePOAccept, inproc.M{"po": shellPO})
	// An order mill-a has not accepted is no demand of its.
	n.SendPO(string(factory), mill, inproc.POLine{Item: "shell", Qty: int64(u(500)), Date: day(30)})

	// mill-a's own plan: 60 m of shell to weave, 12 kg of yarn to buy from
	// spinner; the ledger takes the order from the supplier-only mill-a.
	v, err := n.Plans().Plan(ctx, mill)
	if err != nil {
		t.Fatal(err)
	}
	millPOs := plannedPOs(t, n, mill)
	if len(millPOs) != 1 || millPOs[0].Supplier != spinner || len(millPOs[0].Lines) != 1 || millPOs[0].Lines[0].Item != "yarn" || millPOs[0].Lines[0].Qty != u(12) {
		t.Fatalf("mill-a's plan sends %+v, want one order of 12 kg of yarn to spinner:\n%s", millPOs, render(v))
	}
	if len(v.Work) != 1 || v.Work[0].Item != "shell" || v.Work[0].Qty != u(60) {
		t.Errorf("mill-a's planned work %+v, want 60 m of shell", v.Work)
	}
	n.Send(mill, production.TypePO, millPOs[0])
	yarnPO := n.NewestPO(mill)
	n.Send(spinner, production.TypePOAccept, inproc.M{"po": yarnPO})
	if po, err := n.Read().PO(ctx, yarnPO); err != nil || po.Factory != mill || po.Supplier != spinner || po.Status != gongxu.POAccepted {
		t.Fatalf("mill-a's purchase order on the ledger: %+v (%v), want accepted by spinner", po, err)
	}

	// mill-a receives the yarn, orders the weaving of what it makes and runs
	// the work order on the ledger; the woven lot ships to acme.
	n.ShipPO(spinner, yarnPO, inproc.LotLine{Line: 1, Lot: spinner + "/y-1", Qty: int64(u(12))})
	n.ReceivePO(mill, yarnPO, 1, inproc.LotLine{Line: 1, Lot: spinner + "/y-1", Qty: int64(u(12))})
	n.Send(mill, production.TypeOrder, inproc.M{"item": "shell", "qty": u(60), "due": day(9)})
	weave := n.NewestOrder(mill)
	wo := n.StartWO(mill, weave, int64(u(60)), gongxu.LotQty{Lot: gongxu.LotID(mill + "/" + spinner + "/y-1"), Qty: u(12)})
	n.Send(mill, production.TypeWOComplete, inproc.M{"wo": wo, "produced": u(60)})
	if o, err := n.Read().Order(ctx, weave); err != nil || o.Factory != mill || o.Product != "shell" || o.Status != gongxu.OrderCompleted {
		t.Fatalf("mill-a's production order: %+v (%v), want its shell completed", o, err)
	}
	n.ShipPO(mill, shellPO, inproc.LotLine{Line: 1, Lot: mill + "/wo-" + strconv.FormatUint(wo, 10), Qty: int64(u(60))})
	n.ReceivePO(string(factory), shellPO, 1, inproc.LotLine{Line: 1, Lot: mill + "/wo-" + strconv.FormatUint(wo, 10), Qty: int64(u(60))})
	if po, err := n.Read().PO(ctx, shellPO); err != nil || po.Status != gongxu.POReceived {
		t.Errorf("acme's order of shell: %+v (%v), want received", po, err)
	}
}

// plannedPOs plans org on n's read model and returns the purchase orders
// its plan proposes, failing on any other proposal.
func plannedPOs(t *testing.T, n *inproc.Net, org gongxu.OrgID) []production.MsgPO {
	t.Helper()
	v, err := n.Plans().Plan(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	var pos []production.MsgPO
	for _, tx := range v.Txs {
		if tx.Type != production.TypePO {
			continue
		}
		var m production.MsgPO
		if err := json.Unmarshal(tx.Body, &m); err != nil {
			t.Fatal(err)
		}
		pos = append(pos, m)
	}
	return pos
}
