package testenv_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/logistics"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	settlement "github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/seal"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// floorDay is a day in unix ms.
const floorDay = 24 * 3600 * 1000

// TestFloorStory runs issue 15's floor on 4 validators, each its own
// process: a garment factory (org-0) sews jackets from shell fabric, a
// fabric mill (org-1, a supplier that makes) weaves the shell from yarn, a
// yarn spinner (an org of genesis without a node) spins it; a hub (org-2)
// fills the pools and a carrier (org-3) moves the goods.
//
// One pool for jackets succeeds; the factory's node plans its order and
// sends a purchase order for shell to the mill; the mill accepts, and the
// mill's own node plans the shell from the order it accepted and sends a
// purchase order for yarn to the spinner, who accepts. Then the mill's
// date slips: it proposes a change order moving its promised date a week
// later, the factory accepts, and the jacket order's planned completion
// moves after the new shell date, the reason naming the mill. A second pool
// is opened on vests the factory already holds and ships from that stock;
// the carrier is assigned the hub's leg, records pickup and delivery, and
// the leg shows delivered on every node.
func TestFloorStory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network of processes")
	}
	start := time.Now()
	net := testenv.NewNetwork(t, 4)
	key := func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	// The people sign with keys of their own, so that they never compete
	// with the nodes' planners (operator keys) for a sequence number.
	factory := newSigner(net.Nodes[0].Org, key())
	mill := newSigner(net.Nodes[1].Org, key())
	hub := newSigner(net.Nodes[2].Org, key())
	carrier := newSigner(net.Nodes[3].Org, key())
	spinner := newSigner("spinner", key())
	if factory.org != "org-0" || mill.org != "org-1" || hub.org != "org-2" || carrier.org != "org-3" {
		t.Fatalf("testnet orgs are %s, %s, %s, %s; want org-0 … org-3", factory.org, mill.org, hub.org, carrier.org)
	}
	editGenesis(t, net, func(g *member.Genesis) {
		for i := range g.Orgs {
			for _, sg := range []*signer{factory, mill, hub, carrier} {
				if g.Orgs[i].ID == sg.org {
					g.Orgs[i].Keys = append(g.Orgs[i].Keys, sg.pub)
				}
			}
		}
		g.Orgs = append(g.Orgs, gongxu.Org{ID: spinner.org, Name: "Spinner", Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{spinner.pub}})
	})
	net.StartAll()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s := &story{t: t, net: net, ctx: ctx, start: start}
	for i := range net.Nodes {
		s.must(net.WaitHeight(ctx, i, 2))
	}
	F, M, SP := factory.org, mill.org, spinner.org

	// 1. Master data: the garment factory sews jackets from shell it buys
	// from the mill; the mill weaves shell from yarn it buys from the
	// spinner; both publish their offers.
	everyDay := gongxu.Calendar{}
	for d := range int64(7) {
		everyDay.Weekly = append(everyDay.Weekly, gongxu.Shift{Weekday: d, StartMin: 8 * 60, EndMin: 20 * 60})
	}
	jacket := gongxu.NewProductID(F, "jacket")
	vest := gongxu.NewProductID(F, "vest")
	s.send(0, factory, catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 30})
	s.send(0, factory, catalog.TypePublish, catalog.MsgPublish{SKU: "vest", Name: "Vest", Unit: "piece", LeadTimeDays: 30})
	for _, it := range []gongxu.Item{
		{ID: gongxu.ItemID(jacket), Unit: "piece", LeadTimeDays: 2, Make: true},
		{ID: gongxu.ItemID(vest), Unit: "piece", LeadTimeDays: 1, Make: true},
		{ID: "shell", Unit: "m", LeadTimeDays: 5, Supplier: M},
	} {
		s.send(0, factory, production.TypeItem, production.MsgItem{Item: it})
	}
	s.send(0, factory, production.TypeBOM, production.MsgBOM{Parent: gongxu.ItemID(jacket), Lines: []production.BOMIn{{Child: "shell", QtyPer: 1_500}}})
	s.send(0, factory, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "sewing", Capacity: 3, Calendar: everyDay}})
	for _, it := range []gongxu.ItemID{gongxu.ItemID(jacket), gongxu.ItemID(vest)} {
		s.send(0, factory, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: it,
			Ops: []gongxu.Operation{{WorkCenter: "sewing", SetupMs: 600_000, RunMsPerUnit: 600_000}}}})
	}
	for _, it := range []gongxu.Item{
		{ID: "shell", Unit: "m", LeadTimeDays: 2, Make: true},
		{ID: "yarn", Unit: "kg", LeadTimeDays: 4, Supplier: SP},
	} {
		s.send(1, mill, production.TypeItem, production.MsgItem{Item: it})
	}
	s.send(1, mill, production.TypeBOM, production.MsgBOM{Parent: "shell", Lines: []production.BOMIn{{Child: "yarn", QtyPer: 200}}})
	s.send(1, mill, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "loom", Capacity: 2, Calendar: everyDay}})
	s.send(1, mill, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: "shell",
		Ops: []gongxu.Operation{{WorkCenter: "loom", RunMsPerUnit: 60_000}}}})
	s.send(1, mill, production.TypeOffer, production.MsgOffer{Item: "shell", Unit: "m", LeadTimeDays: 5, UnitPrice: 3_000, Currency: storyCurrency})
	res := s.send(3, spinner, production.TypeOffer, production.MsgOffer{Item: "yarn", Unit: "kg", LeadTimeDays: 4, UnitPrice: 900, Currency: storyCurrency})
	s.caughtUp(max(res.Height, factory.last, mill.last))
	s.logf("step 1: %s sews jackets from %s's shell; %s weaves shell from %s's yarn", F, M, M, SP)

	// 2. The jacket pool succeeds: a production order of 10 jackets.
	s.send(2, hub, settlement.TypeDeposit, settlement.MsgDeposit{Currency: storyCurrency, Amount: storyDeposit})
	res = s.send(0, factory, pool.TypeOpen, pool.MsgOpen{Product: jacket, Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 9_900}},
		MOQ: 10, Cap: 100, CasePack: 1, Currency: storyCurrency, Deadline: s.blockTime(0) + 8_000})
	jacketPool := s.poolIDOf(0, res.Hash)
	leaves, units := makeLeaves("floor story jackets", 10, nil)
	s.send(2, hub, pool.TypeBatch, pool.MsgBatch{Pool: jacketPool, Leaves: leaves})
	if pv := s.waitPool(0, jacketPool, gongxu.PoolOpen); pv.Status != gongxu.PoolSucceeded {
		t.Fatalf("jacket pool %d is %s after its deadline, want succeeded", jacketPool, pv.Status)
	}
	order := s.orderOf(0, jacketPool)
	if order.Qty != gongxu.Qty(units*1000) || order.Product != gongxu.ItemID(jacket) {
		t.Fatalf("production order of pool %d: %+v; want %d jackets", jacketPool, order, units)
	}
	s.logf("step 2: jacket pool %d succeeded with %d units: production order %d", jacketPool, units, order.ID)

	// 3. Tier 1: the factory's node orders the shell from the mill —
	// 1.5 m a jacket; the mill accepts, promising five days after the date
	// asked (room for its own supply).
	shellPO := s.waitPO(1, M, func(p gongxu.PurchaseOrder) bool {
		return p.Factory == F && p.Supplier == M && p.Status == gongxu.POSent
	})
	if len(shellPO.Lines) != 1 || shellPO.Lines[0].Item != "shell" || shellPO.Lines[0].Qty != gongxu.Qty(units*1_500) {
		t.Fatalf("purchase order %d to %s: %+v; want one line of %d milli-m of shell", shellPO.ID, M, shellPO.Lines, units*1_500)
	}
	promised := shellPO.Lines[0].Date + 5*floorDay
	s.send(1, mill, production.TypePOAccept, production.MsgPOAccept{PO: shellPO.ID, Promised: []int64{promised}})
	s.logf("step 3: %s's node sent purchase order %d for %d milli-m of shell to %s; %s accepted, promising %s",
		F, shellPO.ID, shellPO.Lines[0].Qty, M, M, stamp(promised))

	// 4. Tier 2: the mill's own node plans the shell from the order it
	// accepted and orders the yarn — 0.2 kg a metre — from the spinner,
	// who accepts.
	yarnPO := s.waitPO(3, SP, func(p gongxu.PurchaseOrder) bool {
		return p.Factory == M && p.Supplier == SP && p.Status == gongxu.POSent
	})
	if len(yarnPO.Lines) != 1 || yarnPO.Lines[0].Item != "yarn" || yarnPO.Lines[0].Qty != gongxu.Qty(units*1_500*200/1000) {
		t.Fatalf("purchase order %d to %s: %+v; want one line of %d milli-kg of yarn", yarnPO.ID, SP, yarnPO.Lines, units*1_500*200/1000)
	}
	if yarnPO.Lines[0].Date > promised {
		t.Errorf("the mill asks its yarn for %s, after it promised the shell for %s", stamp(yarnPO.Lines[0].Date), stamp(promised))
	}
	res = s.send(3, spinner, production.TypePOAccept, production.MsgPOAccept{PO: yarnPO.ID})
	s.caughtUp(res.Height)
	before := s.plannedOrder(0, F, order.ID)
	if before.Completion < promised {
		t.Fatalf("the jacket order is planned to complete %s, before its shell arrives %s", stamp(before.Completion), stamp(promised))
	}
	s.logf("step 4: %s's node sent purchase order %d for %d milli-kg of yarn to %s, who accepted; jackets planned for %s",
		M, yarnPO.ID, yarnPO.Lines[0].Qty, SP, stamp(before.Completion))

	// 5. The mill's date slips a week: it proposes the change order (its
	// price sealed again to both parties, as its node would), the factory
	// accepts, and the jacket order's completion moves after the new shell
	// date, with a reason naming the mill.
	po, err := net.Client(1).PO(ctx, shellPO.ID)
	s.must(err)
	if po.Status != gongxu.POAccepted || len(po.Promised) != 1 || po.Promised[0] != promised {
		t.Fatalf("purchase order %d after acceptance: %s, promised %v; want accepted for %d", po.ID, po.Status, po.Promised, promised)
	}
	slipped := promised + 7*floorDay
	lines := []gongxu.POLine{po.Lines[0]}
	lines[0].Date = slipped
	var terms *gongxu.SealedTerms
	if po.Terms != nil {
		price := lines[0].UnitPrice
		lines[0].UnitPrice = 0
		tm, err := seal.NewTerms(nil, []gongxu.Amount{price}, "")
		s.must(err)
		fo, err := net.Client(1).Org(ctx, F)
		s.must(err)
		mo, err := net.Client(1).Org(ctx, M)
		s.must(err)
		sealed, err := seal.Seal(nil, lines, tm, seal.Reader{Org: F, Key: fo.SealKey}, seal.Reader{Org: M, Key: mo.SealKey})
		s.must(err)
		terms = &sealed
	}
	s.send(1, mill, production.TypePOChange, production.MsgPOChange{PO: po.ID, Lines: lines, Reason: "loom 2 is down for repair", Terms: terms})
	res = s.send(0, factory, production.TypePOChangeAnswer, production.MsgPOChangeAnswer{PO: po.ID, Change: 1, Accept: true})
	s.caughtUp(res.Height)
	if p, err := net.Client(2).PO(ctx, po.ID); err != nil || len(p.Promised) != 1 || p.Promised[0] != slipped || p.Change != nil {
		t.Fatalf("purchase order %d after the accepted change on node 2: promised %v, pending %+v (%v); want %d", po.ID, p.Promised, p.Change, err, slipped)
	}
	after := s.plannedOrder(0, F, order.ID)
	if after.Completion <= before.Completion || after.Completion < slipped {
		t.Fatalf("after the slip the jackets are planned for %s (before %s); want later, after the shell arrives %s",
			stamp(after.Completion), stamp(before.Completion), stamp(slipped))
	}
	// Every day is a working day and the shell is what the sewing waits
	// for: a week's slip moves the completion by a week.
	if after.Completion-before.Completion != 7*floorDay {
		t.Errorf("a week's slip of the shell moved the jackets from %s to %s, want a week later", stamp(before.Completion), stamp(after.Completion))
	}
	for _, want := range []string{"shell from " + string(M), string(M) + " moved it", "loom 2 is down for repair"} {
		if !strings.Contains(after.Reason, want) {
			t.Errorf("the jacket order's reason %q does not say %q", after.Reason, want)
		}
	}
	// The factory's node publishes the new date with its reason on the
	// ledger; every node serves it.
	published := s.waitOrder(3, order.ID, func(o gongxu.ProductionOrder) bool { return o.PlannedCompletion >= slipped })
	if !strings.Contains(published.PlanReason, string(M)) {
		t.Errorf("the published completion %s gives reason %q, not naming %s", stamp(published.PlannedCompletion), published.PlanReason, M)
	}
	s.logf("step 5: %s moved shell from %s to %s; jackets now planned for %s (%s), published %s (%s)",
		M, stamp(promised), stamp(slipped), stamp(after.Completion), after.Reason, stamp(published.PlannedCompletion), published.PlanReason)

	// 6. Stock: the factory sews 10 vests before any pool, then opens a
	// pool on them; at its close the stock fills it, it is ready without a
	// work order, and the factory ships the hub's share from the stock lot.
	res = s.send(0, factory, production.TypeOrder, production.MsgOrder{Product: vest, Qty: 10_000, Due: s.blockTime(0) + 10*floorDay})
	s.caughtUp(res.Height)
	var vestOrder uint64
	orders, err := net.Client(0).Orders(ctx, F, 50)
	s.must(err)
	for _, o := range orders {
		if o.Product == gongxu.ItemID(vest) && o.Pool == 0 {
			vestOrder = o.ID
		}
	}
	if vestOrder == 0 {
		t.Fatalf("no vest order among %s", js(orders))
	}
	res = s.send(0, factory, production.TypeWOStart, production.MsgWOStart{Order: vestOrder, Qty: 10_000})
	s.caughtUp(res.Height)
	wos, err := net.Client(0).WorkOrders(ctx, vestOrder)
	s.must(err)
	if len(wos) != 1 {
		t.Fatalf("vest order %d has %d work orders, want 1", vestOrder, len(wos))
	}
	s.send(0, factory, production.TypeWOComplete, production.MsgWOComplete{WO: wos[0].ID, Produced: 10_000,
		Outputs: []production.OutputLot{{Code: "vest-001", Qty: 10_000}}})
	vestLot := gongxu.NewLotID(F, "vest-001")
	res = s.send(0, factory, pool.TypeOpen, pool.MsgOpen{Product: vest, Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5_900}},
		MOQ: 10, Cap: 10, CasePack: 1, Currency: storyCurrency, Deadline: s.blockTime(0) + 8_000, FromStock: true})
	vestPool := s.poolIDOf(0, res.Hash)
	vleaves, vunits := makeLeaves("floor story vests", 7, nil)
	if vunits != 10 {
		t.Fatalf("vest leaves hold %d units, want 10", vunits)
	}
	s.send(2, hub, pool.TypeBatch, pool.MsgBatch{Pool: vestPool, Leaves: vleaves})
	pv := s.waitPool(0, vestPool, gongxu.PoolOpen)
	if pv.Status != gongxu.PoolReady {
		t.Fatalf("vest pool %d on stock is %s after its close, want ready", vestPool, pv.Status)
	}
	vo := s.orderOf(0, vestPool)
	lot, err := net.Client(0).Lot(ctx, vestLot)
	s.must(err)
	if vo.Status != gongxu.OrderCompleted || vo.Stock != 10_000 || vo.Produced != 0 || lot.Pool != vestPool || lot.Allotted != 10_000 {
		t.Fatalf("vest pool %d's order %+v and lot %+v; want completed from 10 vests of stock allotted to the pool", vestPool, vo, lot)
	}
	res = s.send(0, factory, pool.TypeShip, pool.MsgShip{Pool: vestPool, Hub: hub.org, Lots: []gongxu.LotQty{{Lot: vestLot, Qty: 10_000}}})
	s.caughtUp(res.Height)
	if lot, err = net.Client(3).Lot(ctx, vestLot); err != nil || lot.Qty != 0 {
		t.Fatalf("vest lot after shipping the pool's 10 from it: %+v (%v); want 0 left", lot, err)
	}
	s.logf("step 6: %s made lot %s of 10 vests; pool %d on stock is ready from it (order %d, stock %d) and shipped to %s",
		F, vestLot, vestPool, vo.ID, vo.Stock, hub.org)

	// 7. A carrier moves the hub's share: the factory assigns the leg, the
	// carrier records pickup and proof of delivery through other nodes.
	s.send(0, factory, logistics.TypeAssign, logistics.MsgAssign{Pool: vestPool, Hub: hub.org, Carrier: carrier.org})
	legs, err := net.Client(0).Legs(ctx, gongxu.LegFilter{Pool: vestPool})
	s.must(err)
	if len(legs) != 1 || legs[0].Carrier != carrier.org || legs[0].Shipper != F || legs[0].Consignee != hub.org || legs[0].Status != gongxu.LegAssigned {
		t.Fatalf("legs of pool %d: %s; want one assigned to %s from %s to %s", vestPool, js(legs), carrier.org, F, hub.org)
	}
	leg := legs[0]
	if len(leg.Lots) != 1 || leg.Lots[0].Lot != vestLot || leg.Lots[0].Qty != 10_000 {
		t.Errorf("leg %d holds %+v, want the 10 vests of %s", leg.ID, leg.Lots, vestLot)
	}
	s.send(3, carrier, logistics.TypePickup, logistics.MsgPickup{Leg: leg.ID})
	res = s.send(1, carrier, logistics.TypeDeliver, logistics.MsgDeliver{Leg: leg.ID, ReceivedBy: "hub dock 2"})
	s.caughtUp(res.Height)
	for i := range net.Nodes {
		l, err := net.Client(i).Leg(ctx, leg.ID)
		s.must(err)
		if l.Status != gongxu.LegDelivered {
			t.Fatalf("leg %d on node %d is %s, want delivered", leg.ID, i, l.Status)
		}
	}
	// The hub confirms what the carrier brought: the pool is delivered.
	res = s.send(2, hub, pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: vestPool})
	s.caughtUp(res.Height)
	if v, err := net.Client(1).Pool(ctx, vestPool); err != nil || (v.Status != gongxu.PoolDelivered && v.Status != gongxu.PoolSettled) {
		t.Fatalf("vest pool %d after the hub confirmed delivery: %s (%v), want delivered or settled", vestPool, v.Status, err)
	}
	h, err := net.Height(0)
	s.must(err)
	s.must(net.CompareChains(1, h-1))
	s.logf("step 7: %s picked up and delivered leg %d to %s; delivered on every node; blocks 1..%d identical", carrier.org, leg.ID, hub.org, h-1)
}

// plannedOrder plans org on node i (the plan API) and returns its planned
// order id.
func (s *story) plannedOrder(i int, org gongxu.OrgID, id uint64) gongxu.PlannedOrder {
	s.t.Helper()
	v, err := s.net.Client(i).Plan(s.ctx, org)
	s.must(err)
	for _, o := range v.Orders {
		if o.Order == id {
			return o
		}
	}
	s.t.Fatalf("the plan of %s on node %d has no order %d: %s", org, i, id, js(v.Orders))
	return gongxu.PlannedOrder{}
}
