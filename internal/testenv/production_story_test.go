package testenv_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	settlement "github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/seal"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// TestProductionStory runs production on 4 validators, each its own process:
// a factory (org-0) keeps its master data on the ledger, a supplier (org-1)
// publishes its offers, a hub (org-2) fills a pool. When the pool succeeds,
// the factory's own node plans the production order on its own (MRP and
// finite-capacity scheduling) and sends the purchase order to the supplier
// and the planned completion. The supplier counter-proposes a later date
// from its node, the factory accepts, and its node re-plans and publishes
// the later completion with the reason. Materials are shipped and received
// through other nodes, work orders consume the received lots, and the pool
// shows a finished lot ready for its hub, which confirms delivery. Then the
// traceability of it (traceStory): packing captured as EPCIS, the jacket
// traced back to the fabric lot, a recall reaching the hub, the proof
// against verified headers, the provenance page. Every node agrees on every
// block.
func TestProductionStory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network of processes")
	}
	start := time.Now()
	net := testenv.NewNetwork(t, 4)
	net.StartAll()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s := &story{t: t, net: net, ctx: ctx, start: start}
	for i := range net.Nodes {
		s.must(net.WaitHeight(ctx, i, 2))
	}
	factoryOp := newSigner(net.Nodes[0].Org, net.OperatorKey(0))
	supplierOp := newSigner(net.Nodes[1].Org, net.OperatorKey(1))
	hub := newSigner(net.Nodes[2].Org, net.OperatorKey(2))
	if factoryOp.org != "org-0" || supplierOp.org != "org-1" || hub.org != "org-2" {
		t.Fatalf("testnet orgs are %s, %s, %s; want org-0, org-1, org-2", factoryOp.org, supplierOp.org, hub.org)
	}
	// The factory's and the supplier's nodes sign with their operator keys
	// (the planner does); the test's people sign with keys of their own, so
	// the two never compete for a sequence number.
	second := func(op *signer) *signer {
		_, key, err := ed25519.GenerateKey(rand.Reader)
		s.must(err)
		sg := newSigner(op.org, key)
		s.send(0, op, member.TypeAddKey, member.MsgAddKey{Key: sg.pub})
		sg.last = op.last
		return sg
	}
	factory, supplier := second(factoryOp), second(supplierOp)
	F, S := factory.org, supplier.org

	// 1. Master data and offers.
	product := gongxu.NewProductID(F, "rain-jacket")
	s.send(0, factory, catalog.TypePublish, catalog.MsgPublish{SKU: "rain-jacket", Name: "Waxed cotton rain jacket", Unit: "piece", LeadTimeDays: 21})
	for _, it := range []gongxu.Item{
		{ID: gongxu.ItemID(product), Unit: "piece", LeadTimeDays: 2, Make: true},
		{ID: "shell", Unit: "piece", LeadTimeDays: 1, Make: true},
		{ID: "collar-kit", Make: true, Phantom: true},
		{ID: "waxed-cotton", Unit: "m", LeadTimeDays: 5, Supplier: S},
		{ID: "thread", Unit: "m", LeadTimeDays: 3, Supplier: S},
	} {
		s.send(0, factory, production.TypeItem, production.MsgItem{Item: it})
	}
	s.send(0, factory, production.TypeBOM, production.MsgBOM{Parent: gongxu.ItemID(product), Lines: []production.BOMIn{
		{Child: "shell", QtyPer: 1000}, {Child: "collar-kit", QtyPer: 1000}, {Child: "thread", QtyPer: 20_000}}})
	s.send(0, factory, production.TypeBOM, production.MsgBOM{Parent: "shell", Lines: []production.BOMIn{{Child: "waxed-cotton", QtyPer: 1_800}}})
	s.send(0, factory, production.TypeBOM, production.MsgBOM{Parent: "collar-kit", Lines: []production.BOMIn{
		{Child: "waxed-cotton", QtyPer: 200}, {Child: "thread", QtyPer: 5_000}}})
	everyDay := gongxu.Calendar{UTCOffsetMin: 480}
	for d := range int64(7) {
		everyDay.Weekly = append(everyDay.Weekly, gongxu.Shift{Weekday: d, StartMin: 8 * 60, EndMin: 20 * 60})
	}
	s.send(0, factory, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "cutting", Capacity: 1, Calendar: everyDay}})
	s.send(0, factory, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "sewing", Capacity: 2, Calendar: everyDay}})
	s.send(0, factory, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: "shell",
		Ops: []gongxu.Operation{{WorkCenter: "cutting", SetupMs: 300_000, RunMsPerUnit: 300_000}}}})
	s.send(0, factory, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: gongxu.ItemID(product),
		Ops: []gongxu.Operation{{WorkCenter: "sewing", SetupMs: 600_000, RunMsPerUnit: 1_200_000}}}})
	s.send(1, supplier, production.TypeOffer, production.MsgOffer{Item: "waxed-cotton", Unit: "m", LeadTimeDays: 5, UnitPrice: 4_500, Currency: storyCurrency})
	res := s.send(1, supplier, production.TypeOffer, production.MsgOffer{Item: "thread", Unit: "m", LeadTimeDays: 3, MinQty: 100_000, UnitPrice: 2, Currency: storyCurrency})
	s.caughtUp(max(res.Height, factory.last))
	md, err := net.Client(3).Master(ctx, F)
	s.must(err)
	if len(md.Items) != 5 || len(md.BOM) != 6 || len(md.Routings) != 2 || len(md.WorkCenters) != 2 {
		t.Fatalf("node 3 has %d items, %d bom lines, %d routings, %d work centers of %s; want 5, 6, 2, 2", len(md.Items), len(md.BOM), len(md.Routings), len(md.WorkCenters), F)
	}
	s.logf("step 1: %s keeps 5 items, a 3-level BOM with a phantom, 2 work centers and 2 routings on the ledger; %s offers 2 materials", F, S)

	// 2. A pool fills and succeeds: it becomes a production order.
	s.send(2, hub, settlement.TypeDeposit, settlement.MsgDeposit{Currency: storyCurrency, Amount: storyDeposit})
	res = s.send(0, factory, pool.TypeOpen, pool.MsgOpen{Product: product, Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 12_900}},
		MOQ: 10, Cap: 100, CasePack: 1, Currency: storyCurrency, Deadline: s.blockTime(0) + 8_000})
	poolID := s.poolIDOf(0, res.Hash)
	leaves, units := makeLeaves("production story", 10, nil)
	batch := s.send(2, hub, pool.TypeBatch, pool.MsgBatch{Pool: poolID, Leaves: leaves})
	pv := s.waitPool(0, poolID, gongxu.PoolOpen)
	if pv.Status != gongxu.PoolSucceeded {
		t.Fatalf("pool %d is %s after its deadline, want succeeded", poolID, pv.Status)
	}
	order := s.orderOf(0, poolID)
	if order.Qty != gongxu.Qty(units*1000) || order.Factory != F || order.Product != gongxu.ItemID(product) {
		t.Fatalf("production order of pool %d: %+v; want %d units of %s", poolID, order, units, product)
	}
	s.logf("step 2: pool %d succeeded with %d units: production order %d due %s", poolID, units, order.ID, stamp(order.Due))

	// 3. The factory's node plans it on its own: a purchase order to the
	// supplier for both materials, and the planned completion.
	po := s.waitPO(1, S, func(p gongxu.PurchaseOrder) bool { return p.Factory == F && p.Status == gongxu.POSent })
	items := map[gongxu.ItemID]gongxu.Qty{}
	for _, l := range po.Lines {
		items[l.Item] += l.Qty
	}
	// shell 1.8 m + collar kit 0.2 m of waxed cotton per jacket; 20 m + 5 m
	// of thread.
	if want := gongxu.Qty(units * 2_000); items["waxed-cotton"] != want {
		t.Errorf("purchase order %d asks %d milli-m of waxed cotton, want %d: %+v", po.ID, items["waxed-cotton"], want, po.Lines)
	}
	if want := gongxu.Qty(units * 25_000); items["thread"] != max(want, 100_000) {
		t.Errorf("purchase order %d asks %d milli-m of thread, want %d: %+v", po.ID, items["thread"], want, po.Lines)
	}
	planned := s.waitOrder(0, order.ID, func(o gongxu.ProductionOrder) bool { return o.PlanReason != "the due date" })
	s.logf("step 3: %s's node sent purchase order %d (%d lines) to %s and planned completion %s (%s)",
		F, po.ID, len(po.Lines), S, stamp(planned.PlannedCompletion), planned.PlanReason)

	// 4. The supplier proposes later dates; the factory accepts; its node
	// re-plans and publishes the later completion with the reason.
	const late = 4 * 24 * 3600 * 1000
	prop := slices.Clone(po.Lines)
	for i := range prop {
		prop[i].Date += late
	}
	// The testnet's orgs registered seal keys in genesis, so the factory's
	// node sealed the order's prices to both; the supplier's node opened
	// them, and the proposal is sealed to both too, as the supplier's node
	// or CLI would seal it.
	if po.Terms == nil || po.Opened == nil || po.Opened.As != S || po.Opened.Refused != "" {
		t.Fatalf("purchase order %d on the supplier's node: terms %v, opened %+v", po.ID, po.Terms != nil, po.Opened)
	}
	prices := make([]gongxu.Amount, len(prop))
	for i := range prop {
		prices[i], prop[i].UnitPrice = prop[i].UnitPrice, 0
	}
	terms, err := seal.NewTerms(nil, prices, "")
	s.must(err)
	fo, err := net.Client(1).Org(ctx, F)
	s.must(err)
	so, err := net.Client(1).Org(ctx, S)
	s.must(err)
	sealed, err := seal.Seal(nil, prop, terms, seal.Reader{Org: F, Key: fo.SealKey}, seal.Reader{Org: S, Key: so.SealKey})
	s.must(err)
	s.send(1, supplier, production.TypePOPropose, production.MsgPOPropose{PO: po.ID, Lines: prop, Reason: "the dye works are booked this week", Terms: &sealed})
	s.send(2, factory, production.TypePODecide, production.MsgPODecide{PO: po.ID, Accept: true})
	replanned := s.waitOrder(0, order.ID, func(o gongxu.ProductionOrder) bool { return o.PlannedCompletion > planned.PlannedCompletion })
	if replanned.PlanReason == "" || replanned.PlanReason == planned.PlanReason {
		t.Errorf("the re-plan after the late purchase order gives reason %q (was %q)", replanned.PlanReason, planned.PlanReason)
	}
	p, err := net.Client(3).PO(ctx, po.ID)
	s.must(err)
	// Node 3 is a third org's: the whole ledger and read model, no price.
	if p.Terms == nil || p.Opened != nil {
		t.Errorf("purchase order %d on a third org's node: terms %v, opened %+v", p.ID, p.Terms != nil, p.Opened)
	}
	for _, l := range p.Lines {
		if l.UnitPrice != 0 {
			t.Errorf("purchase order %d on a third org's node shows a price: %+v", p.ID, p.Lines)
		}
	}
	acts := []string{}
	for _, n := range p.Negotiation {
		acts = append(acts, n.Action)
	}
	if p.Status != gongxu.POAccepted || !slices.Equal(acts, []string{"sent", "propose", "decide_accept"}) {
		t.Errorf("purchase order %d on node 3: %s, negotiation %v; want accepted after sent, propose, decide_accept", p.ID, p.Status, acts)
	}
	s.logf("step 4: %s proposed dates %d days later, %s accepted; re-planned completion %s (%s)",
		S, late/86_400_000, F, stamp(replanned.PlannedCompletion), replanned.PlanReason)

	// 5. Shipment and receipt, through other nodes.
	var ship []production.LotLine
	for i, l := range p.Lines {
		ship = append(ship, production.LotLine{Line: i + 1, Lot: gongxu.NewLotID(S, fmt.Sprintf("lot-%d-%d", p.ID, i+1)), Qty: l.Qty})
	}
	s.send(1, supplier, production.TypeShip, production.MsgShip{PO: p.ID, Lines: ship})
	res = s.send(3, factory, production.TypeReceive, production.MsgReceive{PO: p.ID, Shipment: 1, Lines: ship})
	s.caughtUp(res.Height)
	var inputs []gongxu.LotQty
	for _, l := range ship {
		id := gongxu.NewLotID(F, string(l.Lot))
		lot, err := net.Client(2).Lot(ctx, id)
		s.must(err)
		if lot.Qty != l.Qty || lot.Owner != F || lot.From != l.Lot || lot.PO != p.ID {
			t.Fatalf("received lot %s on node 2: %+v; want %d from %s on po %d", id, lot, l.Qty, l.Lot, p.ID)
		}
		inputs = append(inputs, gongxu.LotQty{Lot: id, Qty: l.Qty})
	}
	s.logf("step 5: %s shipped %d lots, %s received them into %v", S, len(ship), F, inputs)

	// 6. Work orders consume the lots; the order completes; the pool is ready.
	res = s.send(0, factory, production.TypeWOStart, production.MsgWOStart{Order: order.ID, Qty: order.Qty, Inputs: inputs})
	s.caughtUp(res.Height)
	if v, err := net.Client(1).Pool(ctx, poolID); err != nil || v.Status != gongxu.PoolInProduction {
		t.Fatalf("pool %d after the work order started: %s (%v), want in_production", poolID, v.Status, err)
	}
	wos, err := net.Client(0).WorkOrders(ctx, order.ID)
	s.must(err)
	if len(wos) != 1 {
		t.Fatalf("order %d has %d work orders, want 1", order.ID, len(wos))
	}
	res = s.send(2, factory, production.TypeWOComplete, production.MsgWOComplete{WO: wos[0].ID, Produced: order.Qty,
		Outputs: []production.OutputLot{{Code: "rj-001", Qty: order.Qty}}})
	s.caughtUp(res.Height)
	finished := gongxu.NewLotID(F, "rj-001")
	for i := range net.Nodes {
		v, err := net.Client(i).Pool(ctx, poolID)
		s.must(err)
		o, err := net.Client(i).Order(ctx, order.ID)
		s.must(err)
		lot, err := net.Client(i).Lot(ctx, finished)
		s.must(err)
		if v.Status != gongxu.PoolReady || o.Status != gongxu.OrderCompleted || lot.Qty != order.Qty || lot.Item != gongxu.ItemID(product) || lot.WO != wos[0].ID {
			t.Fatalf("node %d: pool %s, order %s, finished lot %+v; want ready, completed, %d of %s from work order %d",
				i, v.Status, o.Status, lot, order.Qty, product, wos[0].ID)
		}
		for _, in := range inputs {
			l, err := net.Client(i).Lot(ctx, in.Lot)
			s.must(err)
			if l.Qty != 0 || l.Reserved != 0 {
				t.Fatalf("node %d: input lot %+v is not consumed", i, l)
			}
		}
	}
	s.logf("step 6: work order %d consumed %d lots and made lot %s; order %d completed; pool %d is ready on every node",
		wos[0].ID, len(inputs), finished, order.ID, poolID)

	// 7. The factory ships the hub its share from the finished lot (packed
	// and shipped: the flow's EPCIS events); the hub takes delivery — the
	// pool settles — and a consumer picks up with their receipt.
	s.send(3, factory, pool.TypeShip, pool.MsgShip{Pool: poolID, Hub: hub.org})
	res = s.send(2, hub, pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: poolID})
	s.caughtUp(res.Height)
	rcpt, err := net.Client(1).Receipt(ctx, batch.Hash, 0)
	s.must(err)
	if rcpt.Secret != "" {
		t.Fatalf("node 1 serves the pickup secret of leaf 0: %+v", rcpt)
	}
	// The public receipt collects nothing; the consumer shows their secret.
	if r, err := s.trySend(2, hub, pool.TypePickup, pool.MsgPickup{Pool: poolID, Receipt: &rcpt}); err == nil && r.Code == 0 {
		t.Fatalf("a public receipt without the pickup secret collected pledge 0: %+v", r)
	}
	rcpt.Secret = pickupSecret("production story", 0)
	res = s.send(2, hub, pool.TypePickup, pool.MsgPickup{Pool: poolID, Receipt: &rcpt})
	s.caughtUp(res.Height)
	pickedUp := gongxu.PledgeURN(batch.Hash, 0)
	v, err := net.Client(3).Pool(ctx, poolID)
	s.must(err)
	var statuses []gongxu.PoolStatus
	for _, c := range v.History {
		if len(statuses) == 0 || statuses[len(statuses)-1] != c.Status {
			statuses = append(statuses, c.Status)
		}
	}
	want := []gongxu.PoolStatus{gongxu.PoolOpen, gongxu.PoolSucceeded, gongxu.PoolInProduction, gongxu.PoolReady, gongxu.PoolDelivered, gongxu.PoolSettled}
	if !slices.Equal(statuses, want) {
		t.Errorf("pool %d went %v, want %v", poolID, statuses, want)
	}
	h, err := net.Height(0)
	s.must(err)
	s.must(net.CompareChains(1, h-1))
	s.logf("step 7: %s shipped %s its share; it confirmed delivery and handed pledge %s to its consumer; pool %d went %v; blocks 1..%d identical on all nodes",
		F, hub.org, pickedUp, poolID, statuses, h-1)

	// 8. Traceability of what was made.
	var fabric gongxu.LotID
	for i, l := range p.Lines {
		if l.Item == "waxed-cotton" {
			fabric = ship[i].Lot
		}
	}
	ts := &traceStory{s: s, factory: factory, supplier: supplier, hub: hub.org, finished: finished, fabric: fabric,
		batchTx: batch.Hash, units: units, pickup: pickedUp}
	ts.run(t)
	h, err = net.Height(0)
	s.must(err)
	s.must(net.CompareChains(1, h-1))
}

// stamp formats unix ms for the log.
func stamp(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC") }

// orderOf waits for the production order of a pool on node i.
func (s *story) orderOf(i int, poolID uint64) gongxu.ProductionOrder {
	s.t.Helper()
	for {
		o, err := s.net.Client(i).OrderForPool(s.ctx, poolID)
		if err == nil {
			return o
		}
		if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			s.must(err)
		}
		s.sleep(fmt.Sprintf("production order of pool %d on node %d", poolID, i))
	}
}

// waitOrder polls node i until production order id satisfies ok.
func (s *story) waitOrder(i int, id uint64, ok func(gongxu.ProductionOrder) bool) gongxu.ProductionOrder {
	s.t.Helper()
	for {
		o, err := s.net.Client(i).Order(s.ctx, id)
		s.must(err)
		if ok(o) {
			return o
		}
		s.sleep(fmt.Sprintf("production order %d on node %d (%+v)", id, i, o))
	}
}

// waitPO polls node i until a purchase order of org satisfies ok.
func (s *story) waitPO(i int, org gongxu.OrgID, ok func(gongxu.PurchaseOrder) bool) gongxu.PurchaseOrder {
	s.t.Helper()
	for {
		pos, err := s.net.Client(i).POs(s.ctx, org, 50)
		s.must(err)
		for _, p := range pos {
			if ok(p) {
				return p
			}
		}
		s.sleep(fmt.Sprintf("a purchase order of %s on node %d (have %d: %s)", org, i, len(pos), js(pos)))
	}
}

// sleep waits a little, failing the test when its time is up.
func (s *story) sleep(what string) {
	s.t.Helper()
	select {
	case <-s.ctx.Done():
		s.t.Fatalf("waiting for %s: %v", what, s.ctx.Err())
	case <-time.After(250 * time.Millisecond):
	}
}
