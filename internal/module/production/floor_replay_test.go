package production_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// TestFloorReplay (issue 15): random blocks mixing the floor's flows. A
// cascade: factory-a orders supplier-t's tees; supplier-t, a supplier
// that makes, orders fabric upstream from supplier-s, receives it and runs
// work orders consuming the received lots (chosen, or allocated from stock
// by item), then ships its output lots down to factory-a. Mixed with that:
// purchase-order and work-order cancels, recalls of any lot, change orders,
// and invalid signers. After every block: no lot is negative or reserves
// more than it holds; a lot seen held never changes quantity, never gains a
// reservation or allotment, and is never in a later shipment or a later
// work order's inputs. Two fresh machines replay the blocks to the same app
// hash at every height; the final ones are pinned in floor_replay.golden.
func TestFloorReplay(t *testing.T) {
	final := map[string]string{}
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			h := chaintest.New(t, replayOrgs...)
			first := h.Root()
			rng := rand.New(rand.NewPCG(seed, seed*13+5))
			everyone := []string{"factory-a", "factory-b", "supplier-s", "supplier-t", "alice"}
			pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
			codes := map[gongxu.Kind]int{}
			counts := map[string]int{} // successful flows seen, by what
			setup := [][]byte{
				h.Sign("supplier-t", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"}),
				h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"}),
				h.Sign("supplier-t", production.TypeOffer, production.MsgOffer{Item: "supplier-t/tee", Unit: "piece", LeadTimeDays: 3, UnitPrice: 40, Currency: "CNY"}),
				h.Sign("supplier-s", production.TypeOffer, production.MsgOffer{Item: "fabric", Unit: "m", LeadTimeDays: 5, UnitPrice: 10, Currency: "CNY"}),
			}
			// orders of one side to the other, by purchase order id
			isPO := func(factory, supplier gongxu.OrgID, status ...gongxu.POStatus) func(gongxu.PurchaseOrder) bool {
				return func(q gongxu.PurchaseOrder) bool {
					if q.Factory != factory || q.Supplier != supplier {
						return false
					}
					for _, s := range status {
						if q.Status == s {
							return true
						}
					}
					return len(status) == 0
				}
			}
			var blocks []chaintest.Recorded
			var roots []string
			heldAt := map[gongxu.LotID]gongxu.Lot{}
			heldIn := map[gongxu.LotID]gongxu.Qty{} // received into a held lot, all told, when last seen
			seenShip := map[uint64]int{}            // shipments per purchase order at the last block's end
			lastWO := uint64(0)
			cancelled, upstream, woCancelled := map[uint64]bool{}, map[uint64]bool{}, map[uint64]bool{} // purchase and work orders seen so
			for len(blocks) < 100 {
				txs := setup
				setup = nil
				for i := rng.IntN(10); i > 0; i-- {
					var tx []byte
					switch rng.IntN(16) {
					case 0: // downstream: factory-a orders supplier-t's tees
						tx = h.Sign("factory-a", production.TypePO, production.MsgPO{Supplier: "supplier-t",
							Lines: []production.LineIn{{Item: "supplier-t/tee", Qty: gongxu.Qty(rng.IntN(3000) + 1), Date: h.Time + 3*86400000}}})
					case 1: // upstream: supplier-t orders fabric from supplier-s
						tx = h.Sign(pick([]string{"supplier-t", "supplier-t", "alice"}), production.TypePO, production.MsgPO{Supplier: "supplier-s",
							Lines: []production.LineIn{{Item: "fabric", Qty: gongxu.Qty(rng.IntN(8000) + 1), Date: h.Time + 2*86400000}}})
					case 2: // a supplier accepts (or someone else tries to)
						if p, ok := pickPO(h, rng, func(q gongxu.PurchaseOrder) bool { return q.Status == gongxu.POSent }); ok {
							signer := string(p.Supplier)
							if rng.IntN(5) == 0 {
								signer = pick(everyone)
							}
							tx = h.Sign(signer, production.TypePOAccept, production.MsgPOAccept{PO: p.ID})
						}
					case 3, 4: // supplier-s ships fabric lots
						if p, ok := pickPO(h, rng, isPO("supplier-t", "supplier-s", gongxu.POAccepted)); ok {
							tx = h.Sign("supplier-s", production.TypeShip, production.MsgShip{PO: p.ID, Lines: []production.LotLine{
								{Line: 1, Lot: gongxu.NewLotID("supplier-s", fmt.Sprint("l-", rng.IntN(6))), Qty: shipQty(rng, p, 4000)}}})
						}
					case 5, 6: // the ordering side receives a shipment line
						if p, ok := pickPO(h, rng, func(q gongxu.PurchaseOrder) bool { return len(q.Shipments) > 0 && q.Status != gongxu.POReceived }); ok {
							sh := p.Shipments[rng.IntN(len(p.Shipments))]
							l := sh.Lines[0]
							tx = h.Sign(string(p.Factory), production.TypeReceive, production.MsgReceive{PO: p.ID, Shipment: sh.ID,
								Lines: []production.LotLine{{Line: l.Line, Lot: l.Lot, Qty: l.Qty - l.Received - gongxu.Qty(rng.IntN(2))}}})
						}
					case 7: // supplier-t plans its tees
						tx = h.Sign("supplier-t", production.TypeOrder, production.MsgOrder{Product: "supplier-t/tee",
							Qty: gongxu.Qty(1000 + rng.IntN(4000)), Due: h.Time + 20*86400000})
					case 8, 9: // supplier-t runs a work order on the received fabric
						o, err := h.Mods.Production.Order(h.State, uint64(1+rng.IntN(8)))
						if err != nil {
							continue
						}
						m := production.MsgWOStart{Order: o.ID, Qty: gongxu.Qty(100 + rng.IntN(2000))}
						if rng.IntN(2) == 0 {
							m.Inputs = []gongxu.LotQty{{Lot: gongxu.LotID("supplier-t/supplier-s/l-" + fmt.Sprint(rng.IntN(6))), Qty: gongxu.Qty(1 + rng.IntN(2000))}}
						} else { // allocated from stock
							m.Allocate = []gongxu.ItemQty{{Item: "fabric", Qty: gongxu.Qty(1 + rng.IntN(3000))}}
						}
						tx = h.Sign(pick([]string{"supplier-t", "supplier-t", "supplier-t", "factory-b"}), production.TypeWOStart, m)
					case 10: // a work order completes (mostly a started one)
						if w, err := pickWO(h, rng, lastWO); err == nil {
							tx = h.Sign(string(w.Factory), production.TypeWOComplete, production.MsgWOComplete{WO: w.ID, Produced: w.Qty, Scrapped: 0})
						}
					case 11: // supplier-t ships its output down to factory-a
						if p, ok := pickPO(h, rng, isPO("factory-a", "supplier-t", gongxu.POAccepted)); ok {
							tx = h.Sign("supplier-t", production.TypeShip, production.MsgShip{PO: p.ID, Lines: []production.LotLine{
								{Line: 1, Lot: gongxu.NewLotID("supplier-t", fmt.Sprint("wo-", 1+rng.IntN(int(lastWO)+1))), Qty: shipQty(rng, p, 1500)}}})
						}
					case 12: // a purchase order cancelled (by its factory, or not)
						if rng.IntN(2) == 0 {
							continue
						}
						if p, ok := pickPO(h, rng, func(gongxu.PurchaseOrder) bool { return true }); ok {
							signer := string(p.Factory)
							if rng.IntN(4) == 0 {
								signer = pick(everyone)
							}
							tx = h.Sign(signer, production.TypePOCancel, production.MsgPOCancel{PO: p.ID, Reason: "replay"})
						}
					case 13: // a work order cancelled (mostly a started one)
						if w, err := pickWO(h, rng, lastWO); err == nil {
							signer := string(w.Factory)
							if rng.IntN(4) == 0 {
								signer = pick(everyone)
							}
							tx = h.Sign(signer, production.TypeWOCancel, production.MsgWOCancel{WO: w.ID, Reason: "replay"})
						}
					case 14: // a recall of a lot on the ledger, by its owner (or not)
						var lots []gongxu.LotID
						for _, id := range floorLots(lastWO) {
							if _, err := h.Mods.Production.Lot(h.State, id); err == nil {
								lots = append(lots, id)
							}
						}
						if len(lots) == 0 || rng.IntN(3) == 0 { // rarer than the rest: the floor must keep moving
							continue
						}
						lot := lots[rng.IntN(len(lots))]
						signer := string(lot.Owner())
						if rng.IntN(4) == 0 {
							signer = pick(everyone)
						}
						tx = h.Sign(signer, trace.TypeRecall, trace.MsgRecall{Lot: string(lot), Reason: "replay"})
					case 15: // a change order on an accepted order, answered or not
						if p, ok := pickPO(h, rng, func(q gongxu.PurchaseOrder) bool { return q.Status == gongxu.POAccepted }); ok {
							if p.Change != nil {
								signer := string(p.Factory)
								if p.Change.By == p.Factory {
									signer = string(p.Supplier)
								}
								tx = h.Sign(signer, production.TypePOChangeAnswer, production.MsgPOChangeAnswer{PO: p.ID, Change: p.Change.ID, Accept: rng.IntN(2) == 0})
								break
							}
							lines := append([]gongxu.POLine(nil), p.Lines...)
							lines[0].Qty = max(0, lines[0].Qty+gongxu.Qty(rng.IntN(2000)-1000))
							tx = h.Sign(pick([]string{string(p.Factory), string(p.Supplier)}), production.TypePOChange, production.MsgPOChange{PO: p.ID, Lines: lines,
								Reason: "replay", RespondBy: h.Time + 86400000})
						}
					}
					if tx != nil {
						txs = append(txs, tx)
					}
				}
				if rng.IntN(5) == 0 {
					h.Advance(12 * 3600 * 1000)
				}
				res := h.Block(txs...)
				for _, r := range res.Txs {
					codes[gongxu.Kind(r.Code)]++
				}
				// New shipments and work orders never take a lot held before this block.
				for id := uint64(1); ; id++ {
					p, err := h.Mods.Production.PO(h.State, id)
					if err != nil {
						break
					}
					for _, sh := range p.Shipments[seenShip[id]:] {
						counts[fmt.Sprint("ship ", p.Supplier)]++
						for _, l := range sh.Lines {
							if _, held := heldAt[l.Lot]; held {
								t.Fatalf("held lot %s shipped on purchase order %d", l.Lot, id)
							}
						}
					}
					seenShip[id] = len(p.Shipments)
					if p.Status == gongxu.POCancelled {
						cancelled[id] = true
					}
					if p.Factory == "supplier-t" && len(p.Received) > 0 && p.Received[0] > 0 {
						upstream[id] = true
					}
				}
				for id := lastWO + 1; ; id++ {
					w, err := h.Mods.Production.WO(h.State, id)
					if err != nil {
						break
					}
					lastWO = id
					for _, in := range w.Inputs {
						if _, held := heldAt[in.Lot]; held {
							t.Fatalf("work order %d started on held lot %s", id, in.Lot)
						}
						if in.Lot.Owner() == "supplier-t" {
							counts["wo on received lots"]++
						}
					}
				}
				for id := uint64(1); id <= lastWO; id++ {
					if w, _ := h.Mods.Production.WO(h.State, id); w.Status == gongxu.WOCancelled {
						woCancelled[id] = true
					}
				}
				counts["po cancelled"], counts["received upstream"], counts["wo cancelled"] = len(cancelled), len(upstream), len(woCancelled)
				for _, id := range floorLots(lastWO) {
					l, err := h.Mods.Production.Lot(h.State, id)
					if err != nil {
						continue
					}
					if l.Qty < 0 || l.Reserved < 0 || l.Allotted < 0 || l.Reserved+l.Allotted > l.Qty {
						t.Fatalf("lot %s holds less than is reserved and allotted: %+v", id, l)
					}
					if l.Hold == 0 {
						if _, ok := heldAt[id]; ok {
							t.Fatalf("lot %s was held and is not any more: %+v", id, l)
						}
						continue
					}
					// Goods shipped before the recall and received after it
					// land in the held lot (quarantined): its quantity grows
					// by exactly what was received, and nothing else.
					in := receivedInto(h, id)
					if was, ok := heldAt[id]; ok && (l.Qty-was.Qty != in-heldIn[id] || l.Reserved > was.Reserved || l.Allotted > was.Allotted) {
						t.Fatalf("held lot %s moved: %+v (%d received into it), held at %+v (%d received)", id, l, in, was, heldIn[id])
					} else if ok && l.Qty != was.Qty {
						counts["received into a held lot"]++
					}
					heldAt[id], heldIn[id] = l, in
				}
				for _, who := range everyone {
					h.ResetSeq(who)
				}
				blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
				roots = append(roots, h.Root())
			}
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindConflict, gongxu.KindUnauthorized} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			for _, what := range []string{"ship supplier-s", "ship supplier-t", "received upstream", "wo on received lots", "po cancelled", "wo cancelled"} {
				if counts[what] == 0 {
					t.Fatalf("the random blocks never saw %q: %v (codes %v)", what, counts, codes)
				}
			}
			if len(heldAt) == 0 {
				t.Fatalf("no lot was ever held (codes %v)", codes)
			}
			t.Logf("codes %v, flows %v, %d lots held", codes, counts, len(heldAt))
			chaintest.Replay(t, replayOrgs, first, blocks, roots, 2, nil)
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	chaintest.PinAppHashes(t, "testdata/floor_replay.golden", final)
}

// floorLots are the lot ids TestFloorReplay can make: supplier-s's fabric
// lots, supplier-t's received ones, supplier-t's work-order outputs and
// factory-a's received ones.
func floorLots(lastWO uint64) []gongxu.LotID {
	var out []gongxu.LotID
	for k := range 6 {
		out = append(out, gongxu.LotID(fmt.Sprint("supplier-s/l-", k)), gongxu.LotID(fmt.Sprint("supplier-t/supplier-s/l-", k)))
	}
	for w := uint64(1); w <= lastWO; w++ {
		out = append(out, gongxu.LotID(fmt.Sprint("supplier-t/wo-", w)), gongxu.LotID(fmt.Sprint("factory-a/supplier-t/wo-", w)))
	}
	return out
}

// receivedInto is how much was received, all told, into the received lot
// id (<factory>/<supplier's lot>): 0 for a lot not received.
func receivedInto(h *chaintest.Harness, id gongxu.LotID) gongxu.Qty {
	var sum gongxu.Qty
	for po := uint64(1); ; po++ {
		p, err := h.Mods.Production.PO(h.State, po)
		if err != nil {
			return sum
		}
		for _, sh := range p.Shipments {
			for _, l := range sh.Lines {
				if gongxu.LotID(string(p.Factory)+"/"+string(l.Lot)) == id {
					sum += l.Received
				}
			}
		}
	}
}

// shipQty is mostly what line 1 of p has left to ship, or part of it; now
// and then more than that, or anything up to max.
func shipQty(rng *rand.Rand, p gongxu.PurchaseOrder, max int) gongxu.Qty {
	left := p.Lines[0].Qty - p.Shipped[0]
	switch {
	case rng.IntN(6) == 0:
		return gongxu.Qty(1 + rng.IntN(max))
	case left <= 1 || rng.IntN(2) == 0:
		return left + gongxu.Qty(rng.IntN(2))
	}
	return 1 + gongxu.Qty(rng.IntN(int(left)))
}

// pickWO picks a started work order of the first lastWO at random, or now
// and then any id up to one past them.
func pickWO(h *chaintest.Harness, rng *rand.Rand, lastWO uint64) (gongxu.WorkOrder, error) {
	if rng.IntN(4) != 0 {
		var started []gongxu.WorkOrder
		for id := uint64(1); id <= lastWO; id++ {
			if w, err := h.Mods.Production.WO(h.State, id); err == nil && w.Status == gongxu.WOStarted {
				started = append(started, w)
			}
		}
		if len(started) > 0 {
			return started[rng.IntN(len(started))], nil
		}
	}
	return h.Mods.Production.WO(h.State, uint64(1+rng.IntN(int(lastWO)+1)))
}
