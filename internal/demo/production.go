package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/node"
)

// sendFunc sends one demo transaction, signed with the key of the org named.
type sendFunc func(keyName, typ string, body any) error

// masterData publishes Acme Apparel's master data for the rain jacket
// (items, a bill of materials with a phantom collar kit, work centers on a
// day-shift calendar, routings) and Lakeside Fabrics' offers of the
// materials.
func masterData(must sendFunc) error {
	const acme, lakeside = "acme-apparel", "lakeside-fabrics"
	jacket := gongxu.ItemID("acme-apparel/rain-jacket")
	var steps []struct {
		key, typ string
		body     any
	}
	add := func(key, typ string, body any) {
		steps = append(steps, struct {
			key, typ string
			body     any
		}{key, typ, body})
	}
	for _, it := range []gongxu.Item{
		{ID: jacket, Unit: "piece", LeadTimeDays: 2, Make: true},
		{ID: "shell", Unit: "piece", LeadTimeDays: 1, Make: true},
		{ID: "collar-kit", Make: true, Phantom: true},
		{ID: "waxed-cotton", Unit: "m", LeadTimeDays: 5, LotMultiple: 10_000, Supplier: lakeside},
		{ID: "thread", Unit: "m", LeadTimeDays: 3, Supplier: lakeside},
	} {
		add(acme, production.TypeItem, production.MsgItem{Item: it})
	}
	add(acme, production.TypeBOM, production.MsgBOM{Parent: jacket, Lines: []production.BOMIn{
		{Child: "shell", QtyPer: 1000}, {Child: "collar-kit", QtyPer: 1000}, {Child: "thread", QtyPer: 20_000, ScrapBP: 500}}})
	add(acme, production.TypeBOM, production.MsgBOM{Parent: "shell", Lines: []production.BOMIn{{Child: "waxed-cotton", QtyPer: 1_800, ScrapBP: 300}}})
	add(acme, production.TypeBOM, production.MsgBOM{Parent: "collar-kit", Lines: []production.BOMIn{
		{Child: "waxed-cotton", QtyPer: 200}, {Child: "thread", QtyPer: 5_000}}})
	days := gongxu.Calendar{UTCOffsetMin: 480} // China Standard Time, Monday to Saturday 08:00–18:00
	for d := int64(1); d <= 6; d++ {
		days.Weekly = append(days.Weekly, gongxu.Shift{Weekday: d, StartMin: 8 * 60, EndMin: 18 * 60})
	}
	add(acme, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "cutting", Capacity: 2, Calendar: days}})
	add(acme, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "sewing", Capacity: 4, Calendar: days}})
	add(acme, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: "shell",
		Ops: []gongxu.Operation{{WorkCenter: "cutting", SetupMs: 20 * 60_000, RunMsPerUnit: 4 * 60_000}}}})
	add(acme, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: jacket,
		Ops: []gongxu.Operation{{WorkCenter: "sewing", SetupMs: 30 * 60_000, RunMsPerUnit: 6 * 60_000}}}}) // a line of twelve
	add(lakeside, production.TypeOffer, production.MsgOffer{Item: "waxed-cotton", Unit: "m", LeadTimeDays: 5, MinQty: 50_000, Currency: "CNY",
		Tiers: []gongxu.OfferTier{{MinQty: 50_000, UnitPrice: 4_800}, {MinQty: 300_000, UnitPrice: 4_200}}})
	add(lakeside, production.TypeOffer, production.MsgOffer{Item: "thread", Unit: "m", LeadTimeDays: 3, MinQty: 500_000, UnitPrice: 3, Currency: "CNY"})
	// Lakeside weaves its waxed cotton from Northfield's yarn, a quarter of a
	// kilogram a metre, on two looms: master data a supplier that makes what
	// it sells keeps, so its node plans its own part of the cascade.
	for _, it := range []gongxu.Item{
		{ID: "waxed-cotton", Unit: "m", LeadTimeDays: 2, Make: true},
		{ID: "cotton-yarn", Unit: "kg", LeadTimeDays: 4, Supplier: yarnMill},
	} {
		add(lakeside, production.TypeItem, production.MsgItem{Item: it})
	}
	add(lakeside, production.TypeBOM, production.MsgBOM{Parent: "waxed-cotton", Lines: []production.BOMIn{{Child: "cotton-yarn", QtyPer: 250}}})
	add(lakeside, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "loom", Capacity: 2, Calendar: days}})
	add(lakeside, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: "waxed-cotton",
		Ops: []gongxu.Operation{{WorkCenter: "loom", RunMsPerUnit: 2 * 60_000}}}})
	add(yarnMill, production.TypeOffer, production.MsgOffer{Item: "cotton-yarn", Unit: "kg", LeadTimeDays: 4, MinQty: 0, UnitPrice: 2_600, Currency: "CNY"})
	for _, st := range steps {
		if err := must(st.key, st.typ, st.body); err != nil {
			return err
		}
	}
	return nil
}

// produce takes the jacket pool's production order from plan to
// finished lot: Acme's plan is sent (purchase orders and the planned
// completion), Lakeside accepts and ships its lots, Acme receives them and a
// work order consumes them into the finished jacket lot, which makes the pool
// ready.
func produce(ctx context.Context, n *node.Node, log *slog.Logger, must sendFunc, poolID uint64) error {
	const acme, lakeside = "acme-apparel", "lakeside-fabrics"
	st := n.State()
	orderID, err := n.Modules().Production.OrderForPool(st, poolID)
	if err != nil {
		return err
	}
	if orderID == 0 {
		return gongxu.Errorf(gongxu.KindNotFound, "demo: pool %d has no production order", poolID)
	}
	// The projector must have the order before the planner reads it.
	if err := n.WaitProjected(ctx, n.Height()); err != nil {
		return err
	}
	pv, err := n.Plan(ctx, acme)
	if err != nil {
		return err
	}
	for _, tx := range pv.Txs {
		if err := must(acme, tx.Type, json.RawMessage(tx.Body)); err != nil {
			return err
		}
	}
	log.Info("demo: Acme planned its jacket order", "txs", len(pv.Txs), "problems", len(pv.Problems))
	// Lakeside accepts every purchase order sent to it, and plans its own
	// part of the cascade: the woven fabric's yarn, from Northfield.
	acmePOs, err := sentPOs(n, acme, lakeside)
	if err != nil {
		return err
	}
	for _, po := range acmePOs {
		if err := must(lakeside, production.TypePOAccept, production.MsgPOAccept{PO: po.ID}); err != nil {
			return err
		}
	}
	fabric, err := weave(ctx, n, log, must, acmePOs)
	if err != nil {
		return err
	}
	// Lakeside ships (the fabric from its woven lot) and Acme receives.
	var inputs []gongxu.LotQty
	for _, po := range acmePOs {
		var lines []production.LotLine
		for i, l := range po.Lines {
			lot := gongxu.NewLotID(lakeside, fmt.Sprintf("%s-%04d-%d", l.Item, po.ID, i+1))
			if l.Item == "waxed-cotton" && fabric != "" {
				lot = fabric
			}
			lines = append(lines, production.LotLine{Line: i + 1, Lot: lot, Qty: l.Qty})
		}
		if err := must(lakeside, production.TypeShip, production.MsgShip{PO: po.ID, Lines: lines}); err != nil {
			return err
		}
		if err := must(acme, production.TypeReceive, production.MsgReceive{PO: po.ID, Shipment: 1, Lines: lines}); err != nil {
			return err
		}
		for _, l := range lines {
			inputs = addLot(inputs, gongxu.NewLotID(acme, string(l.Lot)), l.Qty)
		}
	}
	o, err := n.Modules().Production.Order(n.State(), orderID)
	if err != nil {
		return err
	}
	if err := must(acme, production.TypeWOStart, production.MsgWOStart{Order: o.ID, Qty: o.Qty, Inputs: inputs}); err != nil {
		return err
	}
	var wo uint64
	for id := uint64(1); ; id++ {
		w, err := n.Modules().Production.WO(n.State(), id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			break
		}
		if err != nil {
			return err
		}
		if w.Order == o.ID && w.Status == gongxu.WOStarted {
			wo = w.ID
		}
	}
	scrap := o.Qty / 100
	if err := must(acme, production.TypeWOReport, production.MsgWOReport{WO: wo, Produced: o.Qty / 2, Scrapped: scrap}); err != nil {
		return err
	}
	if err := must(acme, production.TypeWOComplete, production.MsgWOComplete{WO: wo, Produced: o.Qty, Scrapped: scrap,
		Outputs: []production.OutputLot{{Code: fmt.Sprintf("rain-jacket-%04d", o.ID), Qty: o.Qty}}}); err != nil {
		return err
	}
	log.Info("demo: the jacket lot is finished", "order", o.ID, "work_order", wo, "input_lots", len(inputs))
	// A second order stays in the plan, so the console has a schedule to
	// show and Lakeside a purchase order to answer.
	if err := must(acme, production.TypeOrder, production.MsgOrder{Product: "acme-apparel/rain-jacket", Qty: 240_000,
		Due: o.Created + 30*24*3600_000}); err != nil {
		return err
	}
	if err := n.WaitProjected(ctx, n.Height()); err != nil {
		return err
	}
	if pv, err = n.Plan(ctx, acme); err != nil {
		return err
	}
	for _, tx := range pv.Txs {
		if err := must(acme, tx.Type, json.RawMessage(tx.Body)); err != nil {
			return err
		}
	}
	log.Info("demo: a second jacket order is planned; its purchase order awaits Lakeside", "txs", len(pv.Txs))
	return nil
}

// sentPOs are the purchase orders factory sent supplier that wait for its
// answer, by id.
func sentPOs(n *node.Node, factory, supplier gongxu.OrgID) ([]gongxu.PurchaseOrder, error) {
	var out []gongxu.PurchaseOrder
	for id := uint64(1); ; id++ {
		po, err := n.Modules().Production.PO(n.State(), id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return out, nil
		}
		if err != nil {
			return nil, err
		}
		if po.Supplier == supplier && po.Factory == factory && po.Status == gongxu.POSent {
			out = append(out, po)
		}
	}
}

// weave is the cascade's second tier: Lakeside's node plans the fabric it
// accepted to make (a purchase order of yarn to Northfield Yarns, sent as
// planned); Northfield accepts and ships the yarn, Swift Freight carries it
// (pickup, proof of delivery), Lakeside receives it, orders the weaving of
// the fabric and runs the work order that consumes the yarn lot into the
// woven lot, which it returns ("" when its orders ask no fabric).
func weave(ctx context.Context, n *node.Node, log *slog.Logger, must sendFunc, accepted []gongxu.PurchaseOrder) (gongxu.LotID, error) {
	const lakeside = "lakeside-fabrics"
	var metres gongxu.Qty
	var due int64
	for _, po := range accepted {
		for i, l := range po.Lines {
			if l.Item == "waxed-cotton" {
				metres += l.Qty
				due = max(due, l.Date) // the date Acme asked (its orders were read before Lakeside accepted)
				if i < len(po.Promised) {
					due = max(due, po.Promised[i])
				}
			}
		}
	}
	if metres == 0 {
		return "", nil
	}
	if err := n.WaitProjected(ctx, n.Height()); err != nil {
		return "", err
	}
	pv, err := n.Plan(ctx, lakeside)
	if err != nil {
		return "", err
	}
	sent := 0
	for _, tx := range pv.Txs {
		if tx.Type != production.TypePO {
			continue
		}
		if err := must(lakeside, tx.Type, json.RawMessage(tx.Body)); err != nil {
			return "", err
		}
		sent++
	}
	log.Info("demo: Lakeside Fabrics planned its weaving; its yarn is ordered from Northfield Yarns", "purchase_orders", sent, "problems", len(pv.Problems))
	yarnPOs, err := sentPOs(n, lakeside, yarnMill)
	if err != nil {
		return "", err
	}
	var yarn []gongxu.LotQty
	for _, po := range yarnPOs {
		if err := must(yarnMill, production.TypePOAccept, production.MsgPOAccept{PO: po.ID}); err != nil {
			return "", err
		}
		var lines []production.LotLine
		for i, l := range po.Lines {
			lines = append(lines, production.LotLine{Line: i + 1, Lot: gongxu.NewLotID(yarnMill, fmt.Sprintf("%s-%04d-%d", l.Item, po.ID, i+1)), Qty: l.Qty})
		}
		if err := must(yarnMill, production.TypeShip, production.MsgShip{PO: po.ID, Lines: lines}); err != nil {
			return "", err
		}
		if err := carry(n, must, yarnMill, gongxu.LegAssignBody{PO: po.ID, Shipment: 1, Carrier: carrier}, "Zhou Min, Lakeside goods-in"); err != nil {
			return "", err
		}
		if err := must(lakeside, production.TypeReceive, production.MsgReceive{PO: po.ID, Shipment: 1, Lines: lines}); err != nil {
			return "", err
		}
		for _, l := range lines {
			yarn = addLot(yarn, gongxu.NewLotID(lakeside, string(l.Lot)), l.Qty)
		}
	}
	if len(yarn) == 0 {
		return "", gongxu.Errorf(gongxu.KindNotFound, "demo: Lakeside Fabrics' plan ordered no yarn (%d problems)", len(pv.Problems))
	}
	if err := must(lakeside, production.TypeOrder, production.MsgOrder{Item: "waxed-cotton", Qty: metres, Due: due}); err != nil {
		return "", err
	}
	order, wo, err := newestWork(n, lakeside)
	if err != nil {
		return "", err
	}
	if err := must(lakeside, production.TypeWOStart, production.MsgWOStart{Order: order, Qty: metres, Inputs: yarn}); err != nil {
		return "", err
	}
	if _, wo, err = newestWork(n, lakeside); err != nil {
		return "", err
	}
	code := fmt.Sprintf("waxed-cotton-%04d", order)
	if err := must(lakeside, production.TypeWOComplete, production.MsgWOComplete{WO: wo, Produced: metres,
		Outputs: []production.OutputLot{{Code: code, Qty: metres}}}); err != nil {
		return "", err
	}
	log.Info("demo: Lakeside Fabrics wove its fabric from Northfield's yarn", "order", order, "work_order", wo, "yarn_lots", len(yarn))
	return gongxu.NewLotID(lakeside, code), nil
}

// newestWork returns org's newest production order and work order (0 when
// none).
func newestWork(n *node.Node, org gongxu.OrgID) (order, wo uint64, err error) {
	for id := uint64(1); ; id++ {
		o, err := n.Modules().Production.Order(n.State(), id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		if o.Factory == org {
			order = o.ID
		}
	}
	for id := uint64(1); ; id++ {
		w, err := n.Modules().Production.WO(n.State(), id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			break
		}
		if err != nil {
			return 0, 0, err
		}
		if w.Order == order {
			wo = w.ID
		}
	}
	return order, wo, nil
}

// addLot adds qty of lot to lots, once per lot (a work order lists each
// input lot once; the woven lot fills two lines of Acme's orders).
func addLot(lots []gongxu.LotQty, lot gongxu.LotID, qty gongxu.Qty) []gongxu.LotQty {
	for i := range lots {
		if lots[i].Lot == lot {
			lots[i].Qty += qty
			return lots
		}
	}
	return append(lots, gongxu.LotQty{Lot: lot, Qty: qty})
}
