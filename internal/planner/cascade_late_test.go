package planner_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// cascadeNet is a three-tier cascade on a real chain and read model:
// spinner spins yarn, mill-a (a supplier-only maker) weaves shell from
// yarn on its loom, acme sews jackets from shell. acme has a production
// order of 40 jackets due on day 20.
func cascadeNet(t *testing.T) (*inproc.Net, func(int64) int64) {
	t.Helper()
	const mill, spinner = "mill-a", "spinner"
	day := func(d int64) int64 { return inproc.Start + d*inproc.Day }
	n := inproc.New(t, inproc.Genesis{Orgs: []gongxu.Org{
		{ID: factory, Name: "Acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		{ID: mill, Name: "Mill A", Roles: []gongxu.Role{gongxu.RoleSupplier}},
		{ID: spinner, Name: "Spinner", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	}, Validators: []gongxu.Validator{{PubKey: inproc.Key(string(factory) + "/val"), Power: 10, Org: factory}}})
	weekdays := gongxu.Calendar{}
	for d := int64(1); d <= 5; d++ {
		weekdays.Weekly = append(weekdays.Weekly, gongxu.Shift{Weekday: d, StartMin: 8 * 60, EndMin: 17 * 60})
	}
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
	n.Send(string(factory), production.TypeOrder, inproc.M{"product": "acme/jacket", "qty": u(40), "due": day(20)})
	return n, day
}

// planOf plans org and returns the view.
func planOf(t *testing.T, n *inproc.Net, org gongxu.OrgID) gongxu.PlanView {
	t.Helper()
	v, err := n.Plans().Plan(context.Background(), org)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// txsOf returns the bodies of the plan's transactions of one type.
func txsOf[T any](t *testing.T, v gongxu.PlanView, typ string) []T {
	t.Helper()
	var out []T
	for _, tx := range v.Txs {
		if tx.Type != typ {
			continue
		}
		var m T
		if err := json.Unmarshal(tx.Body, &m); err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// Dates propagate down the cascade with their reasons: the spinner's yarn
// is late, so the mill's plan expects it later (not now), its shell for
// acme completes after the date it promised, and its plan proposes a
// change order on acme's purchase order naming the late yarn line; acme
// accepts, and its jacket order's planned completion moves, the reason
// naming the mill and, through the mill's change, the spinner.
func TestCascadeDatesPropagate(t *testing.T) {
	const mill, spinner = "mill-a", "spinner"
	n, day := cascadeNet(t)
	n.AdvanceTo(day(1))

	// acme orders shell from mill-a; mill-a orders yarn from spinner; both
	// accepted.
	acmePOs := plannedPOs(t, n, factory)
	if len(acmePOs) != 1 || acmePOs[0].Supplier != mill {
		t.Fatalf("acme's plan sends %+v, want one order to mill-a", acmePOs)
	}
	n.Send(string(factory), production.TypePO, acmePOs[0])
	shellPO := n.NewestPO(string(factory))
	// mill-a promises five days after the date asked: room for its own
	// supply.
	n.Send(mill, production.TypePOAccept, inproc.M{"po": shellPO, "promised": []int64{acmePOs[0].Lines[0].Date + 5*inproc.Day}})
	millPOs := plannedPOs(t, n, mill)
	if len(millPOs) != 1 || millPOs[0].Supplier != spinner {
		t.Fatalf("mill-a's plan sends %+v, want one order to spinner", millPOs)
	}
	n.Send(mill, production.TypePO, millPOs[0])
	yarnPO := n.NewestPO(mill)
	n.Send(spinner, production.TypePOAccept, inproc.M{"po": yarnPO})

	before := planOf(t, n, factory)
	if len(before.Orders) != 1 || before.Orders[0].Completion == 0 {
		t.Fatalf("acme's plan before: %+v", before.Orders)
	}
	if v := planOf(t, n, mill); len(v.LateSupply) != 0 || len(txsOf[gongxu.POChangeBody](t, v, production.TypePOChange)) != 0 {
		t.Fatalf("on time, mill-a's plan has late supply %+v or changes %+v", v.LateSupply, v.Txs)
	}

	// Two days past the yarn's promised date, none of it shipped: late
	// on the ledger, and the mill's plan no longer expects it now.
	yarn, err := n.Read().PO(context.Background(), yarnPO)
	if err != nil {
		t.Fatal(err)
	}
	promised := yarn.Promised[0]
	n.AdvanceTo(promised + 2*inproc.Day)
	n.Block()
	if yarn, _ = n.Read().PO(context.Background(), yarnPO); len(yarn.Late) != 1 || yarn.Late[0] == 0 {
		t.Fatalf("the yarn line is not recorded late: %+v", yarn.Late)
	}
	now := n.Now()
	mv := planOf(t, n, mill)
	if len(mv.LateSupply) != 1 {
		t.Fatalf("mill-a's late supply %+v, want the yarn line", mv.LateSupply)
	}
	ls := mv.LateSupply[0]
	if ls.PO != yarnPO || ls.Line != 1 || ls.Supplier != spinner || ls.Promised != promised || ls.Recorded == 0 ||
		ls.Expected <= now || !strings.Contains(ls.Basis, "as late again") {
		t.Fatalf("the late yarn line %+v (now %d)", ls, now)
	}
	changes := txsOf[gongxu.POChangeBody](t, mv, production.TypePOChange)
	if len(changes) != 1 || changes[0].PO != shellPO || len(changes[0].Lines) != 1 {
		t.Fatalf("mill-a's plan proposes %+v, want one change of acme's shell order %d", changes, shellPO)
	}
	shell, _ := n.Read().PO(context.Background(), shellPO)
	ch := changes[0]
	if ch.Lines[0].Date <= shell.Promised[0] || ch.Lines[0].Qty != shell.Lines[0].Qty || ch.Lines[0].UnitPrice != shell.Lines[0].UnitPrice {
		t.Fatalf("the change %+v does not move the shell's promised date %d later, keeping the rest", ch.Lines, shell.Promised[0])
	}
	for _, want := range []string{"shell line 1 ready", "yarn from spinner", "2 days late"} {
		if !strings.Contains(ch.Reason, want) {
			t.Errorf("the change's reason %q does not say %q", ch.Reason, want)
		}
	}
	n.Send(mill, production.TypePOChange, ch)
	// Pending: not proposed again.
	if again := txsOf[gongxu.POChangeBody](t, planOf(t, n, mill), production.TypePOChange); len(again) != 0 {
		t.Fatalf("with the change pending, mill-a's plan proposes %+v again", again)
	}

	// acme accepts: its order's completion moves, and the reason names the
	// tiers.
	n.Send(string(factory), production.TypePOChangeAnswer, inproc.M{"po": shellPO, "change": 1, "accept": true})
	after := planOf(t, n, factory)
	if len(after.Orders) != 1 || after.Orders[0].Completion <= before.Orders[0].Completion {
		t.Fatalf("acme's order completes %d after the slip, %d before: want later", after.Orders[0].Completion, before.Orders[0].Completion)
	}
	reason := after.Orders[0].Reason
	t.Logf("mill-a's change: %s\nacme's order: %s", ch.Reason, reason)
	for _, want := range []string{"shell from mill-a", "mill-a moved it", "spinner"} {
		if !strings.Contains(reason, want) {
			t.Errorf("acme's reason %q does not say %q", reason, want)
		}
	}
	if len(reason) > production.MaxReason {
		t.Errorf("acme's reason is %d bytes, over the ledger's %d", len(reason), production.MaxReason)
	}
	// The plan publishes the new date with its reason.
	if dates := txsOf[production.MsgPlanDate](t, after, production.TypePlanDate); len(dates) != 1 || dates[0].Completion != after.Orders[0].Completion {
		t.Errorf("acme's plan publishes %+v, want its order's new completion %d", dates, after.Orders[0].Completion)
	}
	// Once the change is on the ledger, mill-a's plan asks nothing more.
	if again := txsOf[gongxu.POChangeBody](t, planOf(t, n, mill), production.TypePOChange); len(again) != 0 {
		t.Fatalf("after acme accepted, mill-a's plan proposes %+v", again)
	}
}

// A buyer that does not accept the change sees the supplier's line late
// once past its promised date: its plan expects it later, not now, and the
// order's reason names the line and how late it is. A supplier's observed
// lateness, once the ledger has some, sets the expected date.
func TestLateLineNotAssumedNow(t *testing.T) {
	const mill = "mill-a"
	n, day := cascadeNet(t)
	n.AdvanceTo(day(1))
	acmePOs := plannedPOs(t, n, factory)
	n.Send(string(factory), production.TypePO, acmePOs[0])
	shellPO := n.NewestPO(string(factory))
	n.Send(mill, production.TypePOAccept, inproc.M{"po": shellPO})
	shell, _ := n.Read().PO(context.Background(), shellPO)
	promised := shell.Promised[0]

	// Half a day past the promised date (inside the grace): already late
	// for the plan, not yet on the ledger.
	n.AdvanceTo(promised + 12*inproc.Hour)
	n.Block()
	v := planOf(t, n, factory)
	if len(v.LateSupply) != 1 || v.LateSupply[0].Recorded != 0 || v.LateSupply[0].Expected < n.Now()+inproc.Day {
		t.Fatalf("late supply %+v (now %d), want the shell line expected a day from now at least", v.LateSupply, n.Now())
	}
	if r := v.Orders[0].Reason; !strings.Contains(r, "shell from mill-a), 12 hours late") {
		t.Errorf("acme's reason %q does not name the late line", r)
	}
	if v.Orders[0].Completion <= v.LateSupply[0].Expected {
		t.Errorf("the order completes %d, before the shell it waits for is expected (%d)", v.Orders[0].Completion, v.LateSupply[0].Expected)
	}

	// mill-a ships part of it 2 days late: the ledger records how late, and
	// the rest is expected the median lateness after its promised date
	// (2 days), or later when that is past.
	n.AdvanceTo(promised + 2*inproc.Day)
	n.ShipPO(mill, shellPO, inproc.LotLine{Line: 1, Lot: mill + "/s-1", Qty: int64(shell.Lines[0].Qty / 2)})
	v = planOf(t, n, factory)
	if len(v.LateSupply) != 1 {
		t.Fatalf("late supply %+v, want the rest of the shell line", v.LateSupply)
	}
	ls := v.LateSupply[0]
	if ls.Recorded == 0 || ls.Qty != shell.Lines[0].Qty || ls.Expected <= n.Now() {
		t.Fatalf("the late shell line %+v (now %d)", ls, n.Now())
	}
	if !strings.Contains(ls.Basis, "as late again") {
		t.Errorf("basis %q: the median (2 days after the promise) is past, so as late again", ls.Basis)
	}
	// Shipped in full: in transit, no longer late supply.
	n.ShipPO(mill, shellPO, inproc.LotLine{Line: 1, Lot: mill + "/s-2", Qty: int64(shell.Lines[0].Qty - shell.Lines[0].Qty/2)})
	if v = planOf(t, n, factory); len(v.LateSupply) != 0 {
		t.Fatalf("shipped in full, still late supply: %+v", v.LateSupply)
	}

	// A second order to mill-a, promised in 2 days: once a day past its
	// promise, the mill's record (2 days late, median) puts it a day ahead.
	p2 := n.SendPO(string(factory), mill, inproc.POLine{Item: "shell", Qty: int64(u(10)), Date: n.Now() + 2*inproc.Day})
	n.Send(mill, production.TypePOAccept, inproc.M{"po": p2})
	second, _ := n.Read().PO(context.Background(), p2)
	n.AdvanceTo(second.Promised[0] + inproc.Day)
	n.Block()
	v = planOf(t, n, factory)
	var got *gongxu.LateSupply
	for i := range v.LateSupply {
		if v.LateSupply[i].PO == p2 {
			got = &v.LateSupply[i]
		}
	}
	if got == nil || !strings.Contains(got.Basis, "mill-a's median lateness, 2 days over 1 late shipments") ||
		got.Expected-second.Promised[0] < 2*inproc.Day || got.Expected-second.Promised[0] > 2*inproc.Day+inproc.Hour {
		t.Fatalf("the second order's late line %+v, want it expected 2 days after its promise (%d) from mill-a's record", got, second.Promised[0])
	}
}
