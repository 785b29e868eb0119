package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

func offerEvent(o gongxu.SupplyOffer) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventOffer, "supplier", string(o.Supplier), "item", string(o.Item), "json", mustJSON(o))
}

func orderEvent(o gongxu.ProductionOrder) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventOrder, "order", strconv.FormatUint(o.ID, 10), "factory", string(o.Factory),
		"status", string(o.Status), "json", mustJSON(o))
}

func poEvent(p gongxu.PurchaseOrder) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventPO, "po", strconv.FormatUint(p.ID, 10), "factory", string(p.Factory),
		"supplier", string(p.Supplier), "status", string(p.Status), "json", mustJSON(p))
}

func woEvent(w gongxu.WorkOrder) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventWO, "wo", strconv.FormatUint(w.ID, 10), "order", strconv.FormatUint(w.Order, 10),
		"status", string(w.Status), "json", mustJSON(w))
}

func lotEvent(l gongxu.Lot, delta gongxu.Qty) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventLot, "lot", string(l.ID), "owner", string(l.Owner), "item", string(l.Item),
		"delta", strconv.FormatInt(int64(delta), 10), "json", mustJSON(l))
}

func itemEvent(org gongxu.OrgID, it gongxu.Item) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventItem, "org", string(org), "item", string(it.ID), "json", mustJSON(it))
}

// bomEvent is the bill of materials of parent: lines (nil: removed, "[]").
func bomEvent(org gongxu.OrgID, parent gongxu.ItemID, lines ...gongxu.BOMLine) gongxu.Event {
	if lines == nil {
		lines = []gongxu.BOMLine{}
	}
	return gongxu.NewEvent(gongxu.EventBOM, "org", string(org), "parent", string(parent), "json", mustJSON(lines))
}

func routingEvent(org gongxu.OrgID, rt gongxu.Routing) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventRouting, "org", string(org), "item", string(rt.Item), "json", mustJSON(rt))
}

func wcEvent(org gongxu.OrgID, wc gongxu.WorkCenter) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventWorkCenter, "org", string(org), "work_center", wc.ID, "json", mustJSON(wc))
}

// prodScenario is a production history of five blocks: offers, two
// factories' production orders, purchase orders negotiated, lots shipped and
// received, work orders started and completed; then master data published,
// replaced and removed, a lot reserved, a planned completion.
type prodScenario struct {
	blocks []gongxu.CommittedBlock
	offers []gongxu.SupplyOffer // by supplier, item
	orders []gongxu.ProductionOrder
	pos    []gongxu.PurchaseOrder
	wos    []gongxu.WorkOrder
	lots   []gongxu.Lot // newest first
	master map[gongxu.OrgID]gongxu.Master
	stock  map[gongxu.OrgID][]gongxu.Stock
}

func newProdScenario() prodScenario {
	var sc prodScenario
	yarn := gongxu.SupplyOffer{Supplier: "silk", Item: "yarn", Unit: "kg", LeadTimeDays: 5, MinQty: 1000,
		Tiers: []gongxu.OfferTier{{MinQty: 1000, UnitPrice: 800}}, Currency: "CNY", Version: 1, Updated: at(1)}
	dye := gongxu.SupplyOffer{Supplier: "silk", Item: "dye", Unit: "l", Currency: "CNY", Version: 1, Updated: at(1),
		Tiers: []gongxu.OfferTier{{UnitPrice: 50}}}
	wool := gongxu.SupplyOffer{Supplier: "wool", Item: "yarn", Unit: "kg", Currency: "CNY", Version: 1, Updated: at(1),
		Tiers: []gongxu.OfferTier{{UnitPrice: 600}}}
	o1 := gongxu.ProductionOrder{ID: 1, Factory: "acme", Product: "acme/shirt", Qty: 1000, Due: at(30), Status: gongxu.OrderOpen,
		Created: at(1), History: []gongxu.OrderChange{{Status: gongxu.OrderOpen, Time: at(1), Height: 1, Reason: "created"}}}
	o2 := gongxu.ProductionOrder{ID: 2, Factory: "beta", Product: "beta/cap", Qty: 500, Due: at(40), Pool: 7, Status: gongxu.OrderOpen,
		Created: at(1), History: []gongxu.OrderChange{{Status: gongxu.OrderOpen, Time: at(1), Height: 1, Reason: "pool 7 filled"}}}
	o1b := o1
	o1b.Status = gongxu.OrderInProgress
	o1b.History = append(o1.History[:1:1], gongxu.OrderChange{Status: gongxu.OrderInProgress, Time: at(1), Height: 1, Reason: "planned"})

	line := gongxu.POLine{Item: "yarn", Qty: 2000, Date: at(10), UnitPrice: 800}
	po1 := gongxu.PurchaseOrder{ID: 1, Factory: "acme", Supplier: "silk", Currency: "CNY", Lines: []gongxu.POLine{line},
		Status: gongxu.POSent, Shipped: []gongxu.Qty{0}, Received: []gongxu.Qty{0}, Created: at(2),
		Negotiation: []gongxu.PONegotiation{{By: "acme", Action: "sent", Lines: []gongxu.POLine{line}, Time: at(2), Height: 2}}}
	po1b := po1
	po1b.Status, po1b.Promised = gongxu.POAccepted, []int64{at(9)}
	po1b.Negotiation = append(po1.Negotiation[:1:1], gongxu.PONegotiation{By: "silk", Action: "accept", Time: at(2), Height: 2})
	po2 := gongxu.PurchaseOrder{ID: 2, Factory: "beta", Supplier: "silk", Currency: "CNY", Lines: []gongxu.POLine{line},
		Status: gongxu.PORejected, Reason: "no capacity", Created: at(2)}
	po3 := gongxu.PurchaseOrder{ID: 3, Factory: "acme", Supplier: "wool", Currency: "CNY", Lines: []gongxu.POLine{line},
		Status: gongxu.POSent, Created: at(2)}

	fab := gongxu.Lot{ID: "silk/fab-001", Item: "yarn", Owner: "silk", Qty: 5000, Created: at(2)}
	fabShipped := fab
	fabShipped.Qty = 3000
	recv := gongxu.Lot{ID: "acme/silk/fab-001", Item: "yarn", Owner: "acme", Qty: 2000, Created: at(2), From: "silk/fab-001", PO: 1}
	po1c := po1b
	po1c.Status, po1c.Shipped, po1c.Received = gongxu.POReceived, []gongxu.Qty{2000}, []gongxu.Qty{2000}
	po1c.Shipments = []gongxu.Shipment{{ID: 1, Lines: []gongxu.ShipLine{{Line: 1, Lot: "silk/fab-001", Qty: 2000, Received: 2000}}, Time: at(2)}}

	wo1 := gongxu.WorkOrder{ID: 1, Order: 1, Factory: "acme", Item: "acme/shirt", Qty: 1000, Status: gongxu.WOStarted,
		Inputs: []gongxu.LotQty{{Lot: "acme/silk/fab-001", Qty: 1500}}, Started: at(3)}
	wo2 := gongxu.WorkOrder{ID: 2, Order: 1, Factory: "acme", Item: "acme/shirt", Qty: 200, Status: gongxu.WOStarted, Started: at(3)}
	wo1b := wo1
	wo1b.Status, wo1b.Produced, wo1b.Completed = gongxu.WOCompleted, 1000, at(3)
	wo1b.OutputLots = []gongxu.LotQty{{Lot: "acme/shirt-001", Qty: 1000}}
	recvUsed := recv
	recvUsed.Qty = 500
	shirts := gongxu.Lot{ID: "acme/shirt-001", Item: "acme/shirt", Owner: "acme", Qty: 1000, Created: at(3), WO: 1}
	yarn2 := yarn
	yarn2.Version, yarn2.Updated, yarn2.Tiers = 2, at(3), append(yarn.Tiers, gongxu.OfferTier{MinQty: 10000, UnitPrice: 700})
	o1c := o1b
	o1c.Status, o1c.Produced = gongxu.OrderCompleted, 1000
	o1c.History = append(o1b.History[:2:2], gongxu.OrderChange{Status: gongxu.OrderCompleted, Time: at(3), Height: 3, Reason: "produced"})

	// A newer writer's field: kept in the stored json.
	dyeEv := offerEvent(dye)
	dyeEv.Attrs[2].Value = strings.Replace(dyeEv.Attrs[2].Value, "{", `{"future_field":{"x":1},`, 1)

	sc.blocks = []gongxu.CommittedBlock{
		block(1, []gongxu.TxRecord{
			tx("production.offer", "silk", key(20), offerEvent(yarn), dyeEv),
			tx("production.offer", "wool", key(21), offerEvent(wool)),
			tx("production.order", "acme", key(22), orderEvent(o1), orderEvent(o1b)),
		}, orderEvent(o2)),
		block(2, []gongxu.TxRecord{
			tx("production.po", "acme", key(22), poEvent(po1), poEvent(po1b), poEvent(po2), poEvent(po3)),
			tx("production.lot", "silk", key(20), lotEvent(fab, 5000)),
			tx("production.ship", "silk", key(20), lotEvent(fabShipped, -2000), lotEvent(recv, 2000), poEvent(po1c)),
			{Type: "production.ship", Org: "silk", Signer: key(20), Code: 7, Kind: "conflict", Message: "failed",
				Events: []gongxu.Event{lotEvent(fab, 1)}}, // a failed tx: ignored
		}),
		block(3, []gongxu.TxRecord{
			tx("production.wo", "acme", key(22), woEvent(wo1), woEvent(wo2)),
			tx("production.complete", "acme", key(22), woEvent(wo1b), lotEvent(recvUsed, -1500), lotEvent(shirts, 1000), orderEvent(o1c)),
			tx("production.offer", "silk", key(20), offerEvent(yarn2)),
		}),
	}

	// Master data: acme's shirt of yarn and a phantom kit, beta's cap; a
	// bill replaced twice in one block, another removed a block later.
	shirt := gongxu.Item{ID: "acme/shirt", Unit: "piece", LeadTimeDays: 2, LotMultiple: 100, Make: true}
	kit := gongxu.Item{ID: "acme/kit", Make: true, Phantom: true}
	yarnItem := gongxu.Item{ID: "yarn", Unit: "kg", LeadTimeDays: 5, LotMin: 1000, Supplier: "silk"}
	button := gongxu.Item{ID: "button", Unit: "piece", Supplier: "wool"}
	yarnItem2 := yarnItem
	yarnItem2.LeadTimeDays = 6
	capItem := gongxu.Item{ID: "beta/cap", Make: true}
	shirtBOM := []gongxu.BOMLine{
		{Parent: "acme/shirt", Child: "yarn", QtyPer: 1500, ScrapBP: 150},
		{Parent: "acme/shirt", Child: "acme/kit", QtyPer: 1000},
	}
	kitBOM := []gongxu.BOMLine{{Parent: "acme/kit", Child: "button", QtyPer: 6000}}
	capBOM := []gongxu.BOMLine{{Parent: "beta/cap", Child: "yarn", QtyPer: 200, ByProduct: true}}
	week := gongxu.Calendar{UTCOffsetMin: 480, Weekly: []gongxu.Shift{{Weekday: 1, StartMin: 480, EndMin: 1020}}}
	sew := gongxu.WorkCenter{ID: "sew", Capacity: 3, Calendar: week}
	cut := gongxu.WorkCenter{ID: "cut", Capacity: 1, Calendar: week}
	cut2 := cut
	cut2.Capacity, cut2.Calendar.Closed = 2, []gongxu.Interval{{Start: at(10), End: at(20)}}
	press := gongxu.WorkCenter{ID: "press", Capacity: 1, Calendar: gongxu.Calendar{Extra: []gongxu.Interval{{Start: at(1), End: at(90)}}}}
	shirtRt := gongxu.Routing{Item: "acme/shirt", Ops: []gongxu.Operation{{WorkCenter: "cut", SetupMs: 600000, RunMsPerUnit: 60000}, {WorkCenter: "sew", RunMsPerUnit: 300000}}}
	capRt := gongxu.Routing{Item: "beta/cap", Ops: []gongxu.Operation{{WorkCenter: "press", RunMsPerUnit: 1000}}}
	recvRes := recvUsed
	recvRes.Reserved = 200
	wo3 := gongxu.WorkOrder{ID: 3, Order: 2, Factory: "beta", Item: "beta/cap", Qty: 500, Status: gongxu.WOStarted,
		Inputs: []gongxu.LotQty{{Lot: "acme/silk/fab-001", Qty: 200}}, Started: at(4)}
	empty := gongxu.Lot{ID: "beta/none", Item: "beta/cap", Owner: "beta", Created: at(4)}
	o2b := o2
	o2b.PlannedCompletion, o2b.PlanReason = at(35), "waiting for yarn"
	o2b.History = append(o2.History[:1:1], gongxu.OrderChange{Status: gongxu.OrderOpen, Time: at(4), Height: 4,
		Reason: "planned completion " + strconv.FormatInt(at(35), 10) + ": waiting for yarn"})
	// A newer writer's field on an item: kept in the stored json.
	kitEv := itemEvent("acme", kit)
	kitEv.Attrs[2].Value = strings.Replace(kitEv.Attrs[2].Value, "{", `{"future_field":[1],`, 1)

	sc.blocks = append(sc.blocks,
		block(4, []gongxu.TxRecord{
			tx("production/item", "acme", key(22), itemEvent("acme", shirt), kitEv, itemEvent("acme", yarnItem), itemEvent("acme", button)),
			tx("production/item", "beta", key(23), itemEvent("beta", capItem), itemEvent("beta", yarnItem)),
			tx("production/bom", "acme", key(22), bomEvent("acme", "acme/shirt", shirtBOM[0])),
			tx("production/bom", "acme", key(22), bomEvent("acme", "acme/shirt", shirtBOM[1], shirtBOM[0]), bomEvent("acme", "acme/kit", kitBOM...)),
			tx("production/bom", "beta", key(23), bomEvent("beta", "beta/cap", capBOM...)),
			tx("production/work_center", "acme", key(22), wcEvent("acme", sew), wcEvent("acme", cut)),
			tx("production/work_center", "beta", key(23), wcEvent("beta", press)),
			tx("production/routing", "acme", key(22), routingEvent("acme", shirtRt)),
			tx("production/routing", "beta", key(23), routingEvent("beta", capRt)),
			tx("production/wo_start", "beta", key(23), woEvent(wo3), lotEvent(recvRes, 0), lotEvent(empty, 0)),
			tx("production/plan_date", "beta", key(23), orderEvent(o2b)),
		}),
		block(5, []gongxu.TxRecord{
			tx("production/bom", "beta", key(23), bomEvent("beta", "beta/cap")),
			tx("production/item", "acme", key(22), itemEvent("acme", yarnItem2)),
			tx("production/work_center", "acme", key(22), wcEvent("acme", cut2)),
			{Type: "production/bom", Org: "acme", Signer: key(22), Code: 7, Kind: "conflict", Message: "failed",
				Events: []gongxu.Event{bomEvent("acme", "acme/shirt")}}, // a failed tx: ignored
		}),
	)
	sc.offers = []gongxu.SupplyOffer{dye, yarn2, wool}
	sc.orders = []gongxu.ProductionOrder{o2b, o1c}
	sc.pos = []gongxu.PurchaseOrder{po3, po2, po1c}
	sc.wos = []gongxu.WorkOrder{wo1b, wo2}
	sc.lots = []gongxu.Lot{empty, shirts, recvRes, fabShipped}
	sc.master = map[gongxu.OrgID]gongxu.Master{
		"acme": {
			Items:       []gongxu.Item{kit, shirt, button, yarnItem2},
			BOM:         []gongxu.BOMLine{kitBOM[0], shirtBOM[1], shirtBOM[0]},
			Routings:    []gongxu.Routing{shirtRt},
			WorkCenters: []gongxu.WorkCenter{cut2, sew},
		},
		"beta": {
			Items:       []gongxu.Item{capItem, yarnItem},
			BOM:         []gongxu.BOMLine{},
			Routings:    []gongxu.Routing{capRt},
			WorkCenters: []gongxu.WorkCenter{press},
		},
		"silk": {Items: []gongxu.Item{}, BOM: []gongxu.BOMLine{}, Routings: []gongxu.Routing{}, WorkCenters: []gongxu.WorkCenter{}},
	}
	sc.stock = map[gongxu.OrgID][]gongxu.Stock{
		"acme": {{Org: "acme", Item: "acme/shirt", Qty: 1000}, {Org: "acme", Item: "yarn", Qty: 500}},
		"silk": {{Org: "silk", Item: "yarn", Qty: 3000}},
		"beta": {},
	}
	return sc
}

// prodQueries returns the answers of every production query, as JSON.
func prodQueries(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var out []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			t.Fatal(err)
		}
		out = append(out, v, gongxu.ErrorKind(err).String())
	}
	add(db.Offers(ctx, ""))
	add(db.Orders(ctx, "", MaxLimit))
	add(db.POs(ctx, "", MaxLimit))
	add(db.Lots(ctx, "", MaxLimit))
	for id := uint64(0); id < 4; id++ {
		add(db.Order(ctx, id))
		add(db.PO(ctx, id))
		add(db.WorkOrders(ctx, id))
	}
	for _, pool := range []uint64{0, 7, 8} {
		add(db.OrderForPool(ctx, pool))
	}
	for _, org := range []gongxu.OrgID{"acme", "beta", "silk", "wool"} {
		add(db.Master(ctx, org))
		add(db.Stock(ctx, org))
	}
	return mustJSON(out)
}

func TestProductionScenario(t *testing.T) {
	ctx := context.Background()
	sc := newProdScenario()
	db := openTemp(t)
	projectAll(t, db, sc.blocks)

	eq := func(what string, got, want any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if g, w := mustJSON(got), mustJSON(want); g != w {
			t.Errorf("%s:\n got %s\nwant %s", what, g, w)
		}
	}
	offers, err := db.Offers(ctx, "")
	eq("Offers", offers, sc.offers, err)
	offers, err = db.Offers(ctx, "silk")
	eq("Offers(silk)", offers, sc.offers[:2], err)
	offers, err = db.Offers(ctx, "nobody")
	eq("Offers(nobody)", offers, []gongxu.SupplyOffer{}, err)
	_, err = db.Offers(ctx, "A")
	wantKind(t, err, gongxu.KindInvalid, `"A"`)

	orders, err := db.Orders(ctx, "", 0)
	eq("Orders", orders, sc.orders, err)
	orders, err = db.Orders(ctx, "acme", 0)
	eq("Orders(acme)", orders, sc.orders[1:], err)
	orders, err = db.Orders(ctx, "", 1)
	eq("Orders limit 1", orders, sc.orders[:1], err)
	_, err = db.Orders(ctx, "Acme", 0)
	wantKind(t, err, gongxu.KindInvalid, `"Acme"`)
	o, err := db.Order(ctx, 1)
	eq("Order(1)", o, sc.orders[1], err)
	if len(o.History) != 3 || o.Status != gongxu.OrderCompleted {
		t.Errorf("order 1: %+v", o)
	}
	_, err = db.Order(ctx, 99)
	wantKind(t, err, gongxu.KindNotFound, "no production order 99")
	_, err = db.Order(ctx, 1<<63)
	wantKind(t, err, gongxu.KindNotFound, "no production order")

	pos, err := db.POs(ctx, "", 0)
	eq("POs", pos, sc.pos, err)
	pos, err = db.POs(ctx, "silk", 0)
	eq("POs(silk)", pos, sc.pos[1:], err)
	pos, err = db.POs(ctx, "acme", 0)
	eq("POs(acme)", pos, []gongxu.PurchaseOrder{sc.pos[0], sc.pos[2]}, err)
	pos, err = db.POs(ctx, "acme", 1)
	eq("POs(acme, 1)", pos, sc.pos[:1], err)
	pos, err = db.POs(ctx, "nobody", 0)
	eq("POs(nobody)", pos, []gongxu.PurchaseOrder{}, err)
	_, err = db.POs(ctx, "x y", 0)
	wantKind(t, err, gongxu.KindInvalid, `"x y"`)
	po, err := db.PO(ctx, 1)
	eq("PO(1)", po, sc.pos[2], err)
	_, err = db.PO(ctx, 4)
	wantKind(t, err, gongxu.KindNotFound, "no purchase order 4")

	wos, err := db.WorkOrders(ctx, 1)
	eq("WorkOrders(1)", wos, sc.wos, err)
	wos, err = db.WorkOrders(ctx, 2)
	if err != nil || len(wos) != 1 || wos[0].ID != 3 || wos[0].Order != 2 {
		t.Errorf("WorkOrders(2) = %+v, %v", wos, err)
	}
	_, err = db.WorkOrders(ctx, 3)
	wantKind(t, err, gongxu.KindNotFound, "no production order 3")

	lots, err := db.Lots(ctx, "", 0)
	eq("Lots", lots, sc.lots, err)
	lots, err = db.Lots(ctx, "acme", 0)
	eq("Lots(acme)", lots, sc.lots[1:3], err)
	lots, err = db.Lots(ctx, "acme", 1)
	eq("Lots(acme, 1)", lots, sc.lots[1:2], err)
	lots, err = db.Lots(ctx, "silk", 0)
	eq("Lots(silk)", lots, sc.lots[3:], err)
	_, err = db.Lots(ctx, "-", 0)
	wantKind(t, err, gongxu.KindInvalid, `"-"`)
	l, err := db.Lot(ctx, "acme/silk/fab-001")
	eq("Lot", l, sc.lots[2], err)
	if l.Reserved != 200 || l.Qty != 500 {
		t.Errorf("lot reserved: %+v", l)
	}
	_, err = db.Lot(ctx, "acme/none")
	wantKind(t, err, gongxu.KindNotFound, "no lot acme/none")
	_, err = db.Lot(ctx, "acme")
	wantKind(t, err, gongxu.KindInvalid, "<org>/<code>")

	o, err = db.OrderForPool(ctx, 7)
	eq("OrderForPool(7)", o, sc.orders[0], err)
	if o.PlannedCompletion != at(35) || o.PlanReason != "waiting for yarn" || len(o.History) != 2 {
		t.Errorf("planned completion not projected: %+v", o)
	}
	_, err = db.OrderForPool(ctx, 8)
	wantKind(t, err, gongxu.KindNotFound, "no production order for pool 8")
	_, err = db.OrderForPool(ctx, 0)
	wantKind(t, err, gongxu.KindNotFound, "pool 0")
	_, err = db.OrderForPool(ctx, 1<<63)
	wantKind(t, err, gongxu.KindNotFound, "no production order for pool")

	for _, org := range []gongxu.OrgID{"acme", "beta", "silk"} {
		md, err := db.Master(ctx, org)
		eq("Master("+string(org)+")", md, sc.master[org], err)
		if md.Items == nil || md.BOM == nil || md.Routings == nil || md.WorkCenters == nil {
			t.Errorf("Master(%s) has a nil list: %#v", org, md)
		}
		st, err := db.Stock(ctx, org)
		eq("Stock("+string(org)+")", st, sc.stock[org], err)
		if st == nil {
			t.Errorf("Stock(%s) is nil", org)
		}
	}
	_, err = db.Master(ctx, "")
	wantKind(t, err, gongxu.KindInvalid, `""`)
	_, err = db.Master(ctx, "Acme")
	wantKind(t, err, gongxu.KindInvalid, `"Acme"`)
	_, err = db.Stock(ctx, "a b")
	wantKind(t, err, gongxu.KindInvalid, `"a b"`)

	// Unknown fields are kept as emitted.
	var js string
	if err := db.r.QueryRowContext(ctx, `SELECT json FROM supply_offers WHERE supplier = 'silk' AND item = 'dye'`).Scan(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js, `"future_field":{"x":1}`) {
		t.Errorf("unknown field dropped: %s", js)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT json FROM items WHERE org = 'acme' AND id = 'acme/kit'`).Scan(&js); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(js, `"future_field":[1]`) {
		t.Errorf("unknown item field dropped: %s", js)
	}
}

func TestProductionRebuild(t *testing.T) {
	sc := newProdScenario()
	db := openTemp(t)
	projectAll(t, db, sc.blocks)
	want, wantQ := dump(t, db), prodQueries(t, db)
	for _, s := range []string{"== supply_offers (3)", "== production_orders (2)", "== purchase_orders (3)",
		"== work_orders (3)", "== lots (4)", "== items (6)", "== bom_lines (3)", "== routings (2)", "== work_centers (3)",
		"reserved=200 ", "pool=7 "} {
		if !strings.Contains(want, s) {
			t.Errorf("dump lacks %q:\n%s", s, want)
		}
	}
	checkRebuild(t, db, sc.blocks, 1, 4, want, wantQ, prodQueries)
}

func TestProductionRollback(t *testing.T) {
	ctx := context.Background()
	sc := newProdScenario()
	db, err := Open(MemoryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	projectAll(t, db, sc.blocks[:2])
	before, qBefore := dump(t, db), prodQueries(t, db)
	// Good events of every type first in the same tx, so the rollback has
	// rows of every kind to undo.
	good := []gongxu.Event{
		offerEvent(gongxu.SupplyOffer{Supplier: "delta", Item: "bolt", Version: 1}),
		orderEvent(gongxu.ProductionOrder{ID: 9, Factory: "delta", Status: gongxu.OrderOpen}),
		poEvent(gongxu.PurchaseOrder{ID: 9, Factory: "delta", Supplier: "silk", Status: gongxu.POSent}),
		woEvent(gongxu.WorkOrder{ID: 9, Order: 9, Status: gongxu.WOStarted}),
		lotEvent(gongxu.Lot{ID: "delta/l1", Item: "bolt", Owner: "delta", Qty: 5}, 5),
		lotEvent(gongxu.Lot{ID: "silk/fab-001", Item: "yarn", Owner: "silk", Qty: 2000, Reserved: 2000}, -1000),
		itemEvent("delta", gongxu.Item{ID: "bolt", Make: true}),
		itemEvent("delta", gongxu.Item{ID: "wire", Supplier: "silk"}),
		bomEvent("delta", "bolt", gongxu.BOMLine{Parent: "bolt", Child: "wire", QtyPer: 10}),
		routingEvent("delta", gongxu.Routing{Item: "bolt", Ops: []gongxu.Operation{{WorkCenter: "press"}}}),
		wcEvent("delta", gongxu.WorkCenter{ID: "press", Capacity: 1}),
	}
	ev := func(typ string, kv ...string) gongxu.Event { return gongxu.NewEvent(typ, kv...) }
	for name, tc := range map[string]struct {
		bad gongxu.Event
		msg string
	}{
		"offer json":        {ev(gongxu.EventOffer, "supplier", "delta", "item", "bolt", "json", `{"supplier":"delta",`), "malformed json"},
		"offer no json":     {ev(gongxu.EventOffer, "supplier", "delta", "item", "bolt"), "missing json"},
		"offer supplier":    {ev(gongxu.EventOffer, "supplier", "silk", "item", "bolt", "json", `{"supplier":"delta","item":"bolt"}`), "supplier attr"},
		"offer item":        {ev(gongxu.EventOffer, "supplier", "delta", "item", "nut", "json", `{"supplier":"delta","item":"bolt"}`), "item attr"},
		"offer bad item":    {ev(gongxu.EventOffer, "supplier", "delta", "item", "a b", "json", `{"supplier":"delta","item":"a b"}`), "item id"},
		"order id":          {ev(gongxu.EventOrder, "order", "5", "factory", "delta", "status", "open", "json", `{"id":6,"factory":"delta","status":"open"}`), "does not match"},
		"order padded id":   {ev(gongxu.EventOrder, "order", "05", "factory", "delta", "status", "open", "json", `{"id":5,"factory":"delta","status":"open"}`), `"05"`},
		"order status":      {ev(gongxu.EventOrder, "order", "5", "factory", "delta", "status", "open", "json", `{"id":5,"factory":"delta","status":"completed"}`), "status attr"},
		"order no status":   {ev(gongxu.EventOrder, "order", "5", "factory", "delta", "status", "", "json", `{"id":5,"factory":"delta"}`), "no status"},
		"order factory":     {ev(gongxu.EventOrder, "order", "5", "factory", "acme", "status", "open", "json", `{"id":5,"factory":"delta","status":"open"}`), "factory attr"},
		"order bad factory": {ev(gongxu.EventOrder, "order", "5", "factory", "D", "status", "open", "json", `{"id":5,"factory":"D","status":"open"}`), "order factory"},
		"po id":             {ev(gongxu.EventPO, "po", "x", "factory", "delta", "supplier", "silk", "status", "sent", "json", `{"id":5,"factory":"delta","supplier":"silk","status":"sent"}`), `po attr "x"`},
		"po supplier":       {ev(gongxu.EventPO, "po", "5", "factory", "delta", "supplier", "wool", "status", "sent", "json", `{"id":5,"factory":"delta","supplier":"silk","status":"sent"}`), "supplier attr"},
		"po factory":        {ev(gongxu.EventPO, "po", "5", "factory", "acme", "supplier", "silk", "status", "sent", "json", `{"id":5,"factory":"delta","supplier":"silk","status":"sent"}`), "factory attr"},
		"po status":         {ev(gongxu.EventPO, "po", "5", "factory", "delta", "supplier", "silk", "status", "sent", "json", `{"id":5,"factory":"delta","supplier":"silk","status":"accepted"}`), "status attr"},
		"po json type":      {ev(gongxu.EventPO, "po", "5", "factory", "delta", "supplier", "silk", "status", "sent", "json", `{"id":"5"}`), "malformed json"},
		"wo order":          {ev(gongxu.EventWO, "wo", "5", "order", "1", "status", "started", "json", `{"id":5,"order":2,"status":"started"}`), "do not match"},
		"wo no order":       {ev(gongxu.EventWO, "wo", "5", "status", "started", "json", `{"id":5,"order":2,"status":"started"}`), `order attr ""`},
		"wo status":         {ev(gongxu.EventWO, "wo", "5", "order", "2", "status", "started", "json", `{"id":5,"order":2,"status":"completed"}`), "status attr"},
		"lot delta":         {lotEvent(gongxu.Lot{ID: "silk/fab-001", Item: "yarn", Owner: "silk", Qty: 2500}, -400), "not consistent"},
		"lot new delta":     {lotEvent(gongxu.Lot{ID: "delta/l2", Item: "bolt", Owner: "delta", Qty: 5}, 4), "held 0, delta 4"},
		"lot in-block":      {lotEvent(gongxu.Lot{ID: "delta/l1", Item: "bolt", Owner: "delta", Qty: 1}, -5), "held 5, delta -5"},
		"lot delta decimal": {ev(gongxu.EventLot, "lot", "delta/l2", "owner", "delta", "item", "bolt", "delta", "+5", "json", `{"id":"delta/l2","owner":"delta","item":"bolt","qty":5}`), `delta attr "+5"`},
		"lot no delta":      {ev(gongxu.EventLot, "lot", "delta/l2", "owner", "delta", "item", "bolt", "json", `{"id":"delta/l2","owner":"delta","item":"bolt","qty":5}`), `delta attr ""`},
		"lot owner":         {lotEvent(gongxu.Lot{ID: "delta/l2", Item: "bolt", Owner: "silk", Qty: 5}, 5), "not the owner"},
		"lot owner attr":    {ev(gongxu.EventLot, "lot", "delta/l2", "owner", "silk", "item", "bolt", "delta", "5", "json", `{"id":"delta/l2","owner":"delta","item":"bolt","qty":5}`), "owner attr"},
		"lot id attr":       {ev(gongxu.EventLot, "lot", "delta/l3", "owner", "delta", "item", "bolt", "delta", "5", "json", `{"id":"delta/l2","owner":"delta","item":"bolt","qty":5}`), "lot attr"},
		"lot bad id":        {lotEvent(gongxu.Lot{ID: "delta/L2", Item: "bolt", Owner: "delta", Qty: 5}, 5), "the code may hold"},
		"lot item":          {ev(gongxu.EventLot, "lot", "delta/l2", "owner", "delta", "item", "nut", "delta", "5", "json", `{"id":"delta/l2","owner":"delta","item":"bolt","qty":5}`), "item attr"},
		"lot negative":      {lotEvent(gongxu.Lot{ID: "delta/l2", Item: "bolt", Owner: "delta", Qty: -5}, -5), "quantity -5"},
		"lot reserved":      {lotEvent(gongxu.Lot{ID: "delta/l2", Item: "bolt", Owner: "delta", Qty: 5, Reserved: 6}, 5), "6 reserved of quantity 5"},
		"lot reserved neg":  {lotEvent(gongxu.Lot{ID: "delta/l2", Item: "bolt", Owner: "delta", Qty: 5, Reserved: -1}, 5), "-1 reserved"},
		"order pool":        {ev(gongxu.EventOrder, "order", "5", "factory", "delta", "status", "open", "json", `{"id":5,"factory":"delta","status":"open","pool":9223372036854775808}`), "pool 9223372036854775808"},
		"item org":          {ev(gongxu.EventItem, "org", "Delta", "item", "bolt", "json", `{"id":"bolt"}`), "org attr"},
		"item no org":       {ev(gongxu.EventItem, "item", "bolt", "json", `{"id":"bolt"}`), "org attr"},
		"item attr":         {ev(gongxu.EventItem, "org", "delta", "item", "nut", "json", `{"id":"bolt"}`), "item attr"},
		"item bad id":       {ev(gongxu.EventItem, "org", "delta", "item", "a b", "json", `{"id":"a b"}`), "item id"},
		"item json":         {ev(gongxu.EventItem, "org", "delta", "item", "bolt", "json", `["bolt"]`), "want an object"},
		"item supplier":     {ev(gongxu.EventItem, "org", "delta", "item", "bolt", "json", `{"id":"bolt","supplier":"S"}`), "item bolt supplier"},
		"bom parent attr":   {ev(gongxu.EventBOM, "org", "delta", "parent", "", "json", `[]`), "parent attr"},
		"bom org":           {ev(gongxu.EventBOM, "org", "", "parent", "bolt", "json", `[]`), "org attr"},
		"bom object":        {ev(gongxu.EventBOM, "org", "delta", "parent", "bolt", "json", `{"parent":"bolt"}`), "want an array"},
		"bom no json":       {ev(gongxu.EventBOM, "org", "delta", "parent", "bolt"), "want an array"},
		"bom malformed":     {ev(gongxu.EventBOM, "org", "delta", "parent", "bolt", "json", `[{"parent":"bolt",`), "malformed json"},
		"bom line type":     {ev(gongxu.EventBOM, "org", "delta", "parent", "bolt", "json", `[1]`), "line 1 is not a bom line"},
		"bom line parent":   {bomEvent("delta", "bolt", gongxu.BOMLine{Parent: "nut", Child: "wire", QtyPer: 1}), "does not match parent attr"},
		"bom line child":    {bomEvent("delta", "bolt", gongxu.BOMLine{Parent: "bolt", Child: "", QtyPer: 1}), "line 1"},
		"bom self":          {bomEvent("delta", "bolt", gongxu.BOMLine{Parent: "bolt", Child: "bolt", QtyPer: 1}), "its own component"},
		"bom twice":         {bomEvent("delta", "bolt", gongxu.BOMLine{Parent: "bolt", Child: "wire", QtyPer: 1}, gongxu.BOMLine{Parent: "bolt", Child: "wire", QtyPer: 2}), "listed twice"},
		"routing attr":      {ev(gongxu.EventRouting, "org", "delta", "item", "nut", "json", `{"item":"bolt","ops":[]}`), "item attr"},
		"routing org":       {ev(gongxu.EventRouting, "org", "x y", "item", "bolt", "json", `{"item":"bolt","ops":[]}`), "org attr"},
		"routing op":        {ev(gongxu.EventRouting, "org", "delta", "item", "bolt", "json", `{"item":"bolt","ops":[{"work_center":"Press"}]}`), "operation 1"},
		"routing json":      {ev(gongxu.EventRouting, "org", "delta", "item", "bolt", "json", `{"item":5}`), "malformed json"},
		"wc attr":           {ev(gongxu.EventWorkCenter, "org", "delta", "work_center", "cut", "json", `{"id":"press"}`), "work_center attr"},
		"wc id":             {ev(gongxu.EventWorkCenter, "org", "delta", "work_center", "P", "json", `{"id":"P"}`), "work center id"},
		"wc org":            {ev(gongxu.EventWorkCenter, "work_center", "press", "json", `{"id":"press"}`), "org attr"},
	} {
		t.Run(name, func(t *testing.T) {
			b := sc.blocks[2]
			b.Txs = append([]gongxu.TxRecord(nil), b.Txs...)
			last := &b.Txs[2]
			last.Events = append(append([]gongxu.Event(nil), good...), tc.bad)
			err := db.Project(ctx, b)
			wantKind(t, err, gongxu.KindInvalid, tc.msg)
			wantKind(t, err, gongxu.KindInvalid, "block 3 tx 2")
			if after := dump(t, db); after != before {
				t.Fatalf("failed projection left rows behind:\n%s\nwant\n%s", after, before)
			}
		})
	}
	if q := prodQueries(t, db); q != qBefore {
		t.Errorf("failed projections are visible:\n%s", q)
	}
	// The good events alone project.
	b := sc.blocks[2]
	b.Txs = append([]gongxu.TxRecord(nil), b.Txs...)
	b.Txs[2].Events = good
	if err := db.Project(ctx, b); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, db); after == before {
		t.Errorf("the good events changed nothing")
	}
}

// TestMigrateMaster upgrades a read model of schema 3 holding a lot and a
// production order: the new columns are filled in from their json.
func TestMigrateMaster(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "read.db")
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{w: raw, r: newReadDB(raw, false), path: path}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version > 3 {
			break
		}
		if err := old.applyMigration(ctx, m, 3); err != nil {
			t.Fatal(err)
		}
	}
	lot := gongxu.Lot{ID: "acme/l1", Item: "yarn", Owner: "acme", Qty: 50, Reserved: 20, Created: at(1)}
	o := gongxu.ProductionOrder{ID: 4, Factory: "acme", Pool: 9, Status: gongxu.OrderOpen}
	if _, err := raw.ExecContext(ctx, `INSERT INTO lots (id, owner, item, qty, created, json, height) VALUES (?, ?, ?, ?, ?, ?, 1)`,
		string(lot.ID), string(lot.Owner), string(lot.Item), int64(lot.Qty), lot.Created, mustJSON(lot)); err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `INSERT INTO production_orders (id, factory, status, json, height) VALUES (4, 'acme', 'open', ?, 1)`,
		mustJSON(o)); err != nil {
		t.Fatal(err)
	}
	if err := raw.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var reserved, pool int64
	if err := db.r.QueryRowContext(ctx, `SELECT reserved FROM lots WHERE id = 'acme/l1'`).Scan(&reserved); err != nil || reserved != 20 {
		t.Errorf("reserved = %d, %v; want 20", reserved, err)
	}
	if err := db.r.QueryRowContext(ctx, `SELECT pool FROM production_orders WHERE id = 4`).Scan(&pool); err != nil || pool != 9 {
		t.Errorf("pool = %d, %v; want 9", pool, err)
	}
	got, err := db.OrderForPool(ctx, 9)
	if err != nil || got.ID != 4 {
		t.Errorf("OrderForPool(9) = %+v, %v", got, err)
	}
	st, err := db.Stock(ctx, "acme")
	if err != nil || mustJSON(st) != `[{"org":"acme","item":"yarn","qty":50}]` {
		t.Errorf("Stock(acme) = %s, %v", mustJSON(st), err)
	}
}

// TestMigrateMissingBelowLatest: a migration numbered below the highest one
// applied (two branches took numbers out of order) is applied when missing,
// not skipped, and applied once.
func TestMigrateMissingBelowLatest(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "read.db")
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	// As a read model made before 0018 was merged: everything but 0018.
	for _, q := range []string{`DROP TABLE leg_lots`, `DROP TABLE legs`, `DELETE FROM schema_version WHERE version = 18`} {
		if _, err := db.w.ExecContext(ctx, q); err != nil {
			t.Fatal(q, err)
		}
	}
	db.Close()
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM legs`).Scan(&n); err != nil {
		t.Fatalf("legs not migrated: %v", err)
	}
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM schema_version WHERE version = 18`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("schema_version 18: %d rows, %v", n, err)
	}
}
