package planner_test

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/planner"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// A supplier that makes what it sells plans its own inputs from the
// purchase orders it accepted: demand cascades upstream. On a real chain
// whose read model the planner reads: mill-a weaves shell from yarn it buys
// from spinner; acme's purchase order for 150 m of shell and 10 m of
// lining due d22, accepted, of which mill-a shipped 30 m, becomes mill-a's
// demand, and its plan orders the yarn; acme's second order, not accepted
// yet, is not demand.
func TestSupplierCascade(t *testing.T) {
	const mill, spinner = "mill-a", "spinner"
	n := inproc.New(t, inproc.Genesis{Orgs: []gongxu.Org{
		{ID: factory, Name: "Acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		// A supplier that makes what it sells: only a factory org may send
		// the purchase orders its plan makes (production/po).
		{ID: mill, Name: "Mill A", Roles: []gongxu.Role{gongxu.RoleSupplier, gongxu.RoleFactory}},
		{ID: spinner, Name: "Spinner", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	}, Validators: []gongxu.Validator{{PubKey: inproc.Key(string(factory) + "/val"), Power: 10, Org: factory}}})

	// mill-a's master data: shell is woven on its loom (Monday and Tuesday,
	// all day) from 0.2 kg of yarn a metre, bought from spinner.
	for _, it := range []gongxu.Item{
		{ID: "shell", Unit: "m", LeadTimeDays: 2, Make: true},
		{ID: "yarn", Unit: "kg", LeadTimeDays: 4, Supplier: spinner},
	} {
		n.Send(mill, production.TypeItem, inproc.M{"item": it})
	}
	n.Send(mill, production.TypeBOM, inproc.M{"parent": "shell", "lines": []inproc.M{{"child": "yarn", "qty_per": 200}}})
	n.Send(mill, production.TypeWorkCenter, inproc.M{"work_center": gongxu.WorkCenter{ID: "loom", Capacity: 2,
		Calendar: gongxu.Calendar{Weekly: []gongxu.Shift{{Weekday: 1, StartMin: 0, EndMin: 1440}, {Weekday: 2, StartMin: 0, EndMin: 1440}}}}})
	n.Send(mill, production.TypeRouting, inproc.M{"routing": gongxu.Routing{Item: "shell",
		Ops: []gongxu.Operation{{WorkCenter: "loom", SetupMs: 0, RunMsPerUnit: minuteMs}}}})
	for _, o := range []inproc.M{
		{"item": "shell", "unit": "m", "lead_time_days": 5, "min_qty": 0, "unit_price": 100, "currency": "CNY"},
		{"item": "lining", "unit": "m", "lead_time_days": 5, "min_qty": 0, "unit_price": 100, "currency": "CNY"},
	} {
		n.Send(mill, production.TypeOffer, o)
	}
	n.Send(spinner, production.TypeOffer, inproc.M{"item": "yarn", "unit": "kg", "lead_time_days": 4, "min_qty": 0, "unit_price": 900, "currency": "CNY"})

	// acme's orders: one accepted and partly shipped, one only sent.
	accepted := n.SendPO(string(factory), mill, inproc.POLine{Item: "shell", Qty: int64(u(150)), Date: day(22)},
		inproc.POLine{Item: "lining", Qty: int64(u(10)), Date: day(22)})
	n.Send(mill, production.TypePOAccept, inproc.M{"po": accepted})
	n.ShipPO(mill, accepted, inproc.LotLine{Line: 1, Lot: mill + "/shell-0001", Qty: int64(u(30))})
	n.SendPO(string(factory), mill, inproc.POLine{Item: "shell", Qty: int64(u(500)), Date: day(22)})

	v, err := planner.New(n.Read(), clock(at(16, 6, 0))).RequireFactory(n.Read()).Plan(context.Background(), mill)
	if err != nil {
		t.Fatal(err)
	}
	var pos []production.MsgPO
	for _, tx := range v.Txs {
		if tx.Type != production.TypePO {
			t.Errorf("unexpected %s", tx.Summary)
			continue
		}
		var m production.MsgPO
		if err := json.Unmarshal(tx.Body, &m); err != nil {
			t.Fatal(err)
		}
		pos = append(pos, m)
	}
	// 120 m of shell left to ship × 0.2 kg = 24 kg of yarn; lining is not
	// in mill-a's master data (it holds it in stock or buys it elsewhere).
	if len(pos) != 1 || pos[0].Supplier != spinner || len(pos[0].Lines) != 1 || pos[0].Lines[0].Item != "yarn" || pos[0].Lines[0].Qty != u(24) {
		t.Fatalf("mill-a's plan sends %+v, want one order of 24 kg of yarn to spinner:\n%s", pos, render(v))
	}
	if len(v.Work) != 1 || v.Work[0].Item != "shell" || v.Work[0].Qty != u(120) {
		t.Errorf("mill-a's planned work %+v, want 120 m of shell", v.Work)
	}
	// The plan's order is one the chain takes from mill-a.
	n.Send(mill, production.TypePO, json.RawMessage(v.Txs[0].Body))
	if po, err := n.Read().PO(context.Background(), n.NewestPO(mill)); err != nil || po.Supplier != spinner || po.Factory != mill {
		t.Errorf("mill-a's purchase order on the ledger: %+v (%v)", po, err)
	}
}
