package production_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/trace"
	"github.com/gongxu-network/gongxu/internal/store"
)

var replayOrgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
	{ID: "supplier-s", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	{ID: "supplier-t", Roles: []gongxu.Role{gongxu.RoleSupplier, gongxu.RoleFactory}},
}

// TestProductionReplay: random production blocks (valid and invalid: offers,
// orders, purchase orders and their negotiation, shipments, receipts, work
// orders, with time jumping half a day now and then so that purchase order
// lines fall late at block time, work-order cancels, recalls of lots, change
// orders proposed, answered and lapsing, framework lines released)
// fed into two fresh machines give the generator's app hash at every
// height; a held lot never moves: once held, its quantity never falls and
// its reservation never grows; no line ever orders less than has shipped;
// no framework line ships before its release, and every accepted one past
// its release is recorded released in that block.
func TestProductionReplay(t *testing.T) {
	final := map[string]string{} // the app hash after the last block, per seed
	changes := map[string]int{}  // negotiation steps seen, summed over blocks and seeds
	releases, released := 0, 0   // framework lines seen released, and due but not yet, summed
	for _, seed := range []uint64{1, 2, 3, 4, 5} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			h := chaintest.New(t, replayOrgs...)
			first := h.Root()
			rng := rand.New(rand.NewPCG(seed, seed*7+1))
			factories := []string{"factory-a", "factory-b", "supplier-t"}
			suppliers := []string{"supplier-s", "supplier-t"}
			everyone := append(append([]string{}, factories...), "supplier-s", "alice")
			items := []gongxu.ItemID{"fabric", "zipper", "thread"}
			pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
			n := func(max int) uint64 { return uint64(1 + rng.IntN(max)) }
			codes := map[gongxu.Kind]int{}
			var setup [][]byte
			for _, f := range factories {
				setup = append(setup, h.Sign(f, catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"}))
			}
			// factory-a's tees leave offcuts, a by-product its bill declares.
			setup = append(setup,
				h.Sign("factory-a", production.TypeItem, production.MsgItem{Item: gongxu.Item{ID: "factory-a/tee", Unit: "piece", Make: true}}),
				h.Sign("factory-a", production.TypeItem, production.MsgItem{Item: gongxu.Item{ID: "offcuts", Unit: "kg", Make: true}}),
				h.Sign("factory-a", production.TypeBOM, production.MsgBOM{Parent: "factory-a/tee", Lines: []production.BOMIn{{Child: "offcuts", QtyPer: 100, ByProduct: true}}}),
				h.Sign("factory-a", production.TypeOrder, production.MsgOrder{Product: "factory-a/tee", Qty: 3000, Due: h.Time + 30*86400000}),
				h.Sign("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: 3000}),
				h.Sign("factory-a", production.TypeWOComplete, production.MsgWOComplete{WO: 1, Produced: 3000, Scrapped: 20, ScrapReason: "torn",
					ByProducts: []gongxu.ByProductLot{{Item: "offcuts", Code: "bp-1", Qty: 300}}}))
			// Lots on the ledger from the start, for the recalls to hold (half of
			// the order shipped: the rest falls late).
			setup = append(setup,
				h.Sign("supplier-s", production.TypeOffer, production.MsgOffer{Item: "fabric", Unit: "m", LeadTimeDays: 5, UnitPrice: 10, Currency: "CNY"}),
				h.Sign("factory-a", production.TypePO, production.MsgPO{Supplier: "supplier-s", Lines: []production.LineIn{{Item: "fabric", Qty: 20000, Date: h.Time + 86400000}}}),
				h.Sign("supplier-s", production.TypePOAccept, production.MsgPOAccept{PO: 1}),
				h.Sign("supplier-s", production.TypeShip, production.MsgShip{PO: 1, Lines: []production.LotLine{{Line: 1, Lot: "supplier-s/l-0", Qty: 5000}, {Line: 1, Lot: "supplier-s/l-1", Qty: 5000}}}),
				h.Sign("factory-a", production.TypeReceive, production.MsgReceive{PO: 1, Shipment: 1, Lines: []production.LotLine{{Line: 1, Lot: "supplier-s/l-0", Qty: 5000}, {Line: 1, Lot: "supplier-s/l-1", Qty: 5000}}}))
			var blocks []chaintest.Recorded
			var roots []string
			lotSeq, late, byProducts := 0, 0, 0
			heldAt := map[gongxu.LotID]gongxu.Lot{} // a held lot as it was when last seen
			for len(blocks) < 120 {
				txs := setup
				setup = nil
				for i := rng.IntN(12); i > 0; i-- {
					po := n(len(blocks)/2 + 2)
					var tx []byte
					switch rng.IntN(18) {
					case 0:
						tx = h.Sign(pick(suppliers), production.TypeOffer, production.MsgOffer{Item: items[rng.IntN(3)], Unit: "m",
							LeadTimeDays: 5, MinQty: gongxu.Qty(rng.IntN(2000)), UnitPrice: gongxu.Amount(rng.IntN(100)), Currency: "CNY"})
					case 1:
						f := pick(factories)
						tx = h.Sign(f, production.TypeOrder, production.MsgOrder{Product: gongxu.ProductID(pick(factories) + "/tee"),
							Qty: gongxu.Qty(rng.IntN(5000) - 100), Due: h.Time + 30*86400000})
					case 2, 3:
						lines := []production.LineIn{}
						for k := rng.IntN(3); k >= 0; k-- {
							l := production.LineIn{Item: items[rng.IntN(3)], Qty: gongxu.Qty(rng.IntN(10000) - 50), Date: h.Time + 2000 + int64(rng.IntN(86400000))}
							if rng.IntN(3) == 0 { // a framework order's line, released later (or, now and then, badly)
								l.Release = l.Date - int64(rng.IntN(86400000))
							}
							lines = append(lines, l)
						}
						tx = h.Sign(pick(factories), production.TypePO, production.MsgPO{Supplier: gongxu.OrgID(pick(everyone)), Lines: lines})
					case 4:
						p, _ := h.Mods.Production.PO(h.State, po)
						signer := string(p.Supplier)
						if signer == "" || rng.IntN(3) == 0 {
							signer = pick(everyone)
						}
						tx = h.Sign(signer, production.TypePOAccept, production.MsgPOAccept{PO: po})
					case 5:
						if rng.IntN(2) == 0 {
							tx = h.Sign(pick(everyone), production.TypePOReject, production.MsgPOReject{PO: po, Reason: "busy"})
						} else {
							p, _ := h.Mods.Production.PO(h.State, po)
							lines := append([]gongxu.POLine(nil), p.Lines...)
							for k := range lines {
								lines[k].Qty += gongxu.Qty(rng.IntN(100))
								lines[k].UnitPrice++
							}
							tx = h.Sign(pick(everyone), production.TypePOPropose, production.MsgPOPropose{PO: po, Lines: lines})
						}
					case 6:
						tx = h.Sign(pick(everyone), production.TypePODecide, production.MsgPODecide{PO: po, Accept: rng.IntN(2) == 0})
					case 7, 8:
						p, _ := h.Mods.Production.PO(h.State, po)
						signer := string(p.Supplier)
						if signer == "" || rng.IntN(5) == 0 {
							signer = pick(everyone)
						}
						lotSeq++
						tx = h.Sign(signer, production.TypeShip, production.MsgShip{PO: po, Lines: []production.LotLine{
							{Line: rng.IntN(3) + 1, Lot: gongxu.NewLotID(p.Supplier, fmt.Sprint("l-", lotSeq%5)), Qty: gongxu.Qty(rng.IntN(6000))}}})
					case 9:
						p, _ := h.Mods.Production.PO(h.State, po)
						if len(p.Shipments) == 0 {
							continue
						}
						sh := p.Shipments[rng.IntN(len(p.Shipments))]
						l := sh.Lines[0]
						tx = h.Sign(string(p.Factory), production.TypeReceive, production.MsgReceive{PO: po, Shipment: sh.ID,
							Lines: []production.LotLine{{Line: l.Line, Lot: l.Lot, Qty: l.Qty - gongxu.Qty(rng.IntN(3))}}})
					case 10:
						o, _ := h.Mods.Production.Order(h.State, n(20))
						var inputs []gongxu.LotQty
						if rng.IntN(2) == 0 {
							inputs = []gongxu.LotQty{{Lot: gongxu.LotID(string(o.Factory) + "/supplier-s/l-" + fmt.Sprint(rng.IntN(5))), Qty: gongxu.Qty(1 + rng.IntN(500))}}
						}
						signer := string(o.Factory)
						if signer == "" || rng.IntN(5) == 0 {
							signer = pick(everyone)
						}
						tx = h.Sign(signer, production.TypeWOStart, production.MsgWOStart{Order: o.ID, Qty: gongxu.Qty(rng.IntN(3000)), Inputs: inputs})
					case 11:
						w, _ := h.Mods.Production.WO(h.State, n(20))
						scrap := w.Scrapped + gongxu.Qty(rng.IntN(3))*10
						reason := []string{"", "torn", "stained"}[rng.IntN(3)]
						if rng.IntN(2) == 0 {
							tx = h.Sign(pick(factories), production.TypeWOReport, production.MsgWOReport{WO: w.ID, Produced: w.Qty / 2, Scrapped: scrap, ScrapReason: reason})
						} else {
							signer := string(w.Factory)
							if signer == "" {
								signer = pick(factories)
							}
							m := production.MsgWOComplete{WO: w.ID, Produced: w.Qty + gongxu.Qty(rng.IntN(200)) - 50, Scrapped: scrap, ScrapReason: reason}
							switch { // by-products: declared for factory-a's tees only
							case w.Item == "factory-a/tee" && rng.IntN(3) > 0:
								m.ByProducts = []gongxu.ByProductLot{{Item: "offcuts", Code: fmt.Sprint("bp-", w.ID), Qty: gongxu.Qty(1 + rng.IntN(300))}}
							case rng.IntN(6) == 0:
								m.ByProducts = []gongxu.ByProductLot{{Item: "fabric", Code: fmt.Sprint("bp-", w.ID), Qty: 5}}
							}
							tx = h.Sign(signer, production.TypeWOComplete, m)
						}
					case 12:
						w, _ := h.Mods.Production.WO(h.State, n(20))
						signer := string(w.Factory)
						if signer == "" || rng.IntN(4) == 0 {
							signer = pick(everyone)
						}
						tx = h.Sign(signer, production.TypeWOCancel, production.MsgWOCancel{WO: w.ID, Reason: "replay"})
					case 13:
						var lots []gongxu.LotID // those on the ledger
						for _, id := range replayLots(factories, suppliers) {
							if _, err := h.Mods.Production.Lot(h.State, id); err == nil {
								lots = append(lots, id)
							}
						}
						if len(lots) == 0 {
							continue
						}
						lot := lots[rng.IntN(len(lots))]
						signer := string(lot.Owner())
						if rng.IntN(3) == 0 {
							signer = pick(everyone)
						}
						tx = h.Sign(signer, trace.TypeRecall, trace.MsgRecall{Lot: string(lot), Reason: "replay"})
					case 14:
						// A change order by a party (or anyone): quantities
						// around what has shipped, dates moved, a line added.
						// Mostly an accepted order without a change pending.
						p, _ := h.Mods.Production.PO(h.State, po)
						if q, ok := pickPO(h, rng, func(q gongxu.PurchaseOrder) bool { return q.Status == gongxu.POAccepted && q.Change == nil }); ok && rng.IntN(5) != 0 {
							p, po = q, q.ID
						}
						lines := append([]gongxu.POLine(nil), p.Lines...)
						for k := range lines {
							lines[k].Qty = max(0, lines[k].Qty+gongxu.Qty(rng.IntN(4000)-2000))
							if rng.IntN(2) == 0 {
								lines[k].Date = h.Time + 2000 + int64(rng.IntN(2*86400000))
							}
						}
						if rng.IntN(3) == 0 {
							lines = append(lines, gongxu.POLine{Item: items[rng.IntN(3)], Qty: gongxu.Qty(rng.IntN(5000)), Date: h.Time + 86400000, UnitPrice: 10})
						}
						signer := pick([]string{string(p.Factory), string(p.Supplier), pick(everyone)})
						if signer == "" {
							signer = pick(everyone)
						}
						tx = h.Sign(signer, production.TypePOChange, production.MsgPOChange{PO: po, Lines: lines, Reason: "replay",
							RespondBy: h.Time + int64(rng.IntN(2*86400000))})
					case 15, 16, 17:
						// Mostly an order with a change pending.
						p, _ := h.Mods.Production.PO(h.State, po)
						if q, ok := pickPO(h, rng, func(q gongxu.PurchaseOrder) bool { return q.Change != nil }); ok && rng.IntN(5) != 0 {
							p, po = q, q.ID
						}
						ch, signer := 1, pick(everyone)
						if p.Change != nil {
							ch = p.Change.ID
							if rng.IntN(4) != 0 {
								signer = string(p.Factory)
								if p.Change.By == p.Factory {
									signer = string(p.Supplier)
								}
							}
						}
						tx = h.Sign(signer, production.TypePOChangeAnswer, production.MsgPOChangeAnswer{PO: po, Change: ch, Accept: rng.IntN(3) != 0})
					}
					if tx != nil {
						txs = append(txs, tx)
					}
				}
				if rng.IntN(4) == 0 {
					h.Advance(12 * 3600 * 1000)
				}
				res := h.Block(txs...)
				for _, r := range res.Txs {
					codes[gongxu.Kind(r.Code)]++
				}
				late += len(ofType(res.Events, gongxu.EventPOLate))
				for id := uint64(1); id <= uint64(len(blocks)/2+2); id++ {
					p, err := h.Mods.Production.PO(h.State, id)
					if err != nil {
						continue
					}
					for k, l := range p.Lines {
						if p.Shipped[k] > l.Qty {
							t.Fatalf("purchase order %d line %d: %d shipped over %d ordered", id, k+1, p.Shipped[k], l.Qty)
						}
						if l.Release > h.Time && p.Shipped[k] > 0 {
							t.Fatalf("purchase order %d line %d shipped before its release %d (now %d)", id, k+1, l.Release, h.Time)
						}
						if l.Release > 0 && l.Release <= h.Time && p.Status == gongxu.POAccepted && (k >= len(p.Released) || p.Released[k] == 0) {
							released++ // not yet, when more than the cap fell due, or read below
						}
						if k < len(p.Released) && p.Released[k] != 0 {
							releases++
						}
					}
					for _, n := range p.Negotiation {
						changes[n.Action]++
					}
				}
				for _, id := range replayLots(factories, suppliers) {
					l, err := h.Mods.Production.Lot(h.State, id)
					if err == nil && (l.Qty < 0 || l.Reserved < 0 || l.Allotted < 0 || l.Reserved+l.Allotted > l.Qty) {
						t.Fatalf("lot %s holds less than is reserved and allotted: %+v", id, l)
					}
					if err == nil && l.WO != 0 && l.Item == "offcuts" {
						byProducts++
					}
					if err != nil || l.Hold == 0 {
						continue
					}
					if was, ok := heldAt[id]; ok && (l.Qty < was.Qty || l.Reserved > was.Reserved) {
						t.Fatalf("held lot %s moved: %+v, held at %+v", id, l, was)
					}
					heldAt[id] = l
				}
				for _, who := range everyone {
					h.ResetSeq(who)
				}
				blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
				roots = append(roots, h.Root())
			}
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized, gongxu.KindNotFound} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			if late == 0 {
				accepted := 0
				for id := uint64(1); id < 100; id++ {
					if p, err := h.Mods.Production.PO(h.State, id); err == nil && p.Promised != nil && len(p.Promised) > 0 {
						accepted++
					}
				}
				t.Fatalf("no purchase order line fell late in the random blocks (%d accepted, codes %v)", accepted, codes)
			}
			if byProducts == 0 {
				t.Fatalf("no by-product lot was ever made in the random blocks (codes %v)", codes)
			}
			if len(heldAt) == 0 {
				t.Fatalf("no lot was ever held in the random blocks (codes %v)", codes)
			}
			t.Logf("codes %v, %d lines late, %d lots held", codes, late, len(heldAt))
			chaintest.Replay(t, replayOrgs, first, blocks, roots, 2, nil)
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	if releases == 0 {
		t.Fatalf("no framework order line was ever released in the random blocks")
	}
	if released != 0 {
		t.Fatalf("%d times a framework line past its release was not recorded released", released)
	}
	if changes["change_accept"] == 0 || changes["change_lapse"] == 0 || changes["change_reject"] == 0 {
		t.Fatalf("the random blocks never accepted, rejected and lapsed a change order: %v", changes)
	}
	chaintest.PinAppHashes(t, "testdata/replay.golden", final)
}

// pickPO picks one of the purchase orders that match at random.
func pickPO(h *chaintest.Harness, rng *rand.Rand, match func(gongxu.PurchaseOrder) bool) (gongxu.PurchaseOrder, bool) {
	var all []gongxu.PurchaseOrder
	for id := uint64(1); ; id++ {
		q, err := h.Mods.Production.PO(h.State, id)
		if err != nil {
			break
		}
		if match(q) {
			all = append(all, q)
		}
	}
	if len(all) == 0 {
		return gongxu.PurchaseOrder{}, false
	}
	return all[rng.IntN(len(all))], true
}

// replayLots are the lot ids the random blocks can make: the suppliers'
// shipped lots, the factories' received lots and work-order outputs.
func replayLots(factories, suppliers []string) []gongxu.LotID {
	var out []gongxu.LotID
	for _, s := range suppliers {
		for k := range 5 {
			out = append(out, gongxu.NewLotID(gongxu.OrgID(s), fmt.Sprint("l-", k)))
			for _, f := range factories {
				out = append(out, gongxu.LotID(f+"/"+s+"/l-"+fmt.Sprint(k)))
			}
		}
	}
	for _, f := range factories {
		for w := 1; w <= 40; w++ {
			out = append(out, gongxu.NewLotID(gongxu.OrgID(f), fmt.Sprint("wo-", w)), gongxu.NewLotID(gongxu.OrgID(f), fmt.Sprint("bp-", w)))
		}
	}
	return out
}

// TestOpenFromPool: a filled pool's production order, one per pool; bad
// arguments change nothing.
func TestOpenFromPool(t *testing.T) {
	h := chaintest.New(t, replayOrgs...)
	p := h.Mods.Production
	ctx := &module.Context{KV: store.NewCache(h.State), Height: h.Height + 1, Time: h.Time}
	id, err := p.OpenFromPool(ctx, 7, "factory-a", "factory-a/tee", 64000, h.Time+86400000)
	if err != nil || id != 1 {
		t.Fatalf("OpenFromPool: %d, %v", id, err)
	}
	o, err := p.Order(ctx.KV, id)
	if err != nil || o.Pool != 7 || o.Qty != 64000 || o.Status != gongxu.OrderOpen || o.Product != "factory-a/tee" {
		t.Fatalf("order %+v, %v", o, err)
	}
	if len(ctx.Events()) != 1 || ctx.Events()[0].Type != "production.order" {
		t.Fatalf("events %+v", ctx.Events())
	}
	for _, c := range []struct {
		pool uint64
		qty  gongxu.Qty
		kind gongxu.Kind
	}{{7, 1000, gongxu.KindConflict}, {0, 1000, gongxu.KindInvalid}, {8, 0, gongxu.KindInvalid}, {8, -5, gongxu.KindInvalid}} {
		if _, err := p.OpenFromPool(ctx, c.pool, "factory-a", "factory-a/tee", c.qty, h.Time); gongxu.ErrorKind(err) != c.kind {
			t.Errorf("pool %d qty %d: %v, want %s", c.pool, c.qty, err, c.kind)
		}
	}
	if got, _ := p.OrderForPool(ctx.KV, 7); got != 1 {
		t.Fatalf("order for pool 7 is %d", got)
	}
	if _, err := p.Order(ctx.KV, 2); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("a rejected OpenFromPool created an order: %v", err)
	}
}
