package logistics_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/logistics"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

const day = 24 * 3600 * 1000

var replayOrgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
	{ID: "supplier-s", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	{ID: "supplier-t", Roles: []gongxu.Role{gongxu.RoleSupplier, gongxu.RoleLogistics}}, // ships with its own trucks
	{ID: "carrier-c", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	{ID: "carrier-d", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	{ID: "hub-h", Roles: []gongxu.Role{gongxu.RoleHub}},
}

// genLegBlocks drives h with random purchase orders shipped in several
// shipments, received in part or in full, their lots sometimes recalled,
// and carriers' legs assigned, reassigned, picked up and delivered by the
// right orgs and by others, in and out of order; it returns the blocks with
// h's app hash after each and the result codes.
func genLegBlocks(t *testing.T, h *chaintest.Harness, seed uint64, n int) ([]chaintest.Recorded, []string, map[gongxu.Kind]int, map[gongxu.LegStatus]int) {
	rng := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1))
	var everyone []string
	for _, o := range replayOrgs {
		everyone = append(everyone, o.ID)
	}
	factories, suppliers := []string{"factory-a", "factory-b"}, []string{"supplier-s", "supplier-t"}
	carriers := []string{"carrier-c", "carrier-d", "supplier-t", "hub-h"} // the last is no carrier
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	codes := map[gongxu.Kind]int{}
	var blocks []chaintest.Recorded
	var roots []string
	var setup [][]byte
	for _, sp := range suppliers {
		setup = append(setup, h.Sign(sp, production.TypeOffer, production.MsgOffer{Item: "fabric", Unit: "m", LeadTimeDays: 5, UnitPrice: 500, Currency: "CNY"}))
	}
	pos, lotSeq := 0, 0
	legs := func() int {
		n := 0
		for {
			if _, err := h.Mods.Logistics.Leg(h.State, uint64(n+1)); err != nil {
				return n
			}
			n++
		}
	}
	for len(blocks) < n {
		txs := setup
		setup = nil
		for i := rng.IntN(6); i > 0; i-- {
			poID := uint64(max(pos-rng.IntN(3), 1))
			po, poErr := h.Mods.Production.PO(h.State, poID)
			nLegs := legs()
			legID := uint64(max(nLegs-rng.IntN(3), 1))
			leg, legErr := h.Mods.Logistics.Leg(h.State, legID)
			switch rng.IntN(13) {
			case 0: // a purchase order
				pos++
				txs = append(txs, h.Sign(pick(factories), production.TypePO, production.MsgPO{Supplier: gongxu.OrgID(pick(suppliers)),
					Lines: []production.LineIn{{Item: "fabric", Qty: gongxu.Qty(1000 * (10 + rng.IntN(100))), Date: h.Time + 10*day}}}))
			case 1, 2: // accepted by its supplier
				if poErr == nil {
					txs = append(txs, h.Sign(string(po.Supplier), production.TypePOAccept, production.MsgPOAccept{PO: poID}))
				}
			case 3, 4: // a shipment of a part
				if poErr == nil && len(po.Lines) > 0 {
					lotSeq++
					txs = append(txs, h.Sign(string(po.Supplier), production.TypeShip, production.MsgShip{PO: poID,
						Lines: []production.LotLine{{Line: 1, Lot: gongxu.NewLotID(po.Supplier, fmt.Sprintf("l-%d", lotSeq)), Qty: gongxu.Qty(1000 * (1 + rng.IntN(5)))}}}))
				}
			case 5: // a receipt of a shipment, in full or in part
				if poErr == nil && len(po.Shipments) > 0 {
					sh := po.Shipments[rng.IntN(len(po.Shipments))]
					l := sh.Lines[0]
					q := l.Qty - l.Received
					if rng.IntN(3) == 0 {
						q = max(q/2, 1)
					}
					txs = append(txs, h.Sign(string(po.Factory), production.TypeReceive, production.MsgReceive{PO: poID, Shipment: sh.ID,
						Lines: []production.LotLine{{Line: l.Line, Lot: l.Lot, Qty: q}}}))
				}
			case 6: // a recall of a shipped lot by its supplier
				if poErr == nil && len(po.Shipments) > 0 && rng.IntN(4) == 0 {
					sh := po.Shipments[rng.IntN(len(po.Shipments))]
					txs = append(txs, h.Sign(string(po.Supplier), trace.TypeRecall, trace.MsgRecall{Lot: string(sh.Lines[0].Lot), Reason: "replay"}))
				}
			case 7, 8, 9: // a leg assigned, mostly by the shipper
				signer := pick(everyone)
				shipment := 1 + rng.IntN(3)
				if poErr == nil && rng.IntN(4) > 0 {
					signer = string(po.Supplier)
					if len(po.Shipments) > 0 {
						shipment = 1 + rng.IntN(len(po.Shipments))
					}
				}
				txs = append(txs, h.Sign(signer, logistics.TypeAssign, logistics.MsgAssign{PO: poID, Shipment: shipment, Carrier: gongxu.OrgID(pick(carriers))}))
			case 10, 11: // a pickup, mostly by the leg's carrier
				signer := pick(everyone)
				if legErr == nil && rng.IntN(4) > 0 {
					signer = string(leg.Carrier)
				}
				txs = append(txs, h.Sign(signer, logistics.TypePickup, logistics.MsgPickup{Leg: legID}))
			case 12: // a delivery, mostly by the leg's carrier
				signer := pick(everyone)
				if legErr == nil && rng.IntN(4) > 0 {
					signer = string(leg.Carrier)
				}
				txs = append(txs, h.Sign(signer, logistics.TypeDeliver, logistics.MsgDeliver{Leg: legID, ReceivedBy: fmt.Sprintf("r%d", rng.IntN(9))}))
			}
		}
		h.Advance(int64(1+rng.IntN(6)) * 3600 * 1000)
		res := h.Block(txs...)
		for _, r := range res.Txs {
			codes[gongxu.Kind(r.Code)]++
		}
		blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
		roots = append(roots, h.Root())
		if err := checkLegs(h); err != nil {
			t.Fatalf("height %d: %v", h.Height, err)
		}
	}
	statuses := map[gongxu.LegStatus]int{}
	for id := 1; id <= legs(); id++ {
		l, _ := h.Mods.Logistics.Leg(h.State, uint64(id))
		statuses[l.Status]++
	}
	return blocks, roots, codes, statuses
}

// checkLegs: every leg's carrier holds the logistics role, its shipper and
// consignee are its purchase order's, its lots are the shipment's, and its
// steps are in order, each with its EPCIS event on the ledger.
func checkLegs(h *chaintest.Harness) error {
	for id := uint64(1); ; id++ {
		l, err := h.Mods.Logistics.Leg(h.State, id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return nil
		} else if err != nil {
			return err
		}
		if ok, err := h.Member.HasRole(h.State, l.Carrier, gongxu.RoleLogistics); err != nil || !ok {
			return fmt.Errorf("leg %d is carried by %s, no logistics member (%v)", id, l.Carrier, err)
		}
		po, err := h.Mods.Production.PO(h.State, l.PO)
		if err != nil || l.Shipper != po.Supplier || l.Consignee != po.Factory || l.Shipment < 1 || l.Shipment > len(po.Shipments) {
			return fmt.Errorf("leg %d %+v does not match its purchase order %+v (%v)", id, l, po, err)
		}
		sh := po.Shipments[l.Shipment-1]
		if len(l.Lots) != len(sh.Lines) || l.Lots[0].Lot != sh.Lines[0].Lot || l.Lots[0].Qty != sh.Lines[0].Qty {
			return fmt.Errorf("leg %d carries %+v, its shipment holds %+v", id, l.Lots, sh.Lines)
		}
		if back, err := h.Mods.Logistics.ShipmentLeg(h.State, 0, "", l.PO, l.Shipment); err != nil || back != id {
			return fmt.Errorf("shipment %d of purchase order %d has leg %d, not %d (%v)", l.Shipment, l.PO, back, id, err)
		}
		for _, e := range []struct {
			on  bool
			id  string
			typ string
		}{{l.Status != gongxu.LegAssigned, l.PickupEvent, "pickup"}, {l.Status == gongxu.LegDelivered, l.DeliveryEvent, "delivery"}} {
			if !e.on {
				if e.id != "" {
					return fmt.Errorf("leg %d is %s with a %s event", id, l.Status, e.typ)
				}
				continue
			}
			ev, err := h.Mods.Trace.Event(h.State, e.id)
			if err != nil || ev.Org != l.Carrier {
				return fmt.Errorf("leg %d's %s event %q: %+v (%v)", id, e.typ, e.id, ev, err)
			}
		}
		if l.Status == gongxu.LegDelivered && (l.PickedUp == 0 || l.Delivered < l.PickedUp || l.PODEvidence() == "") {
			return fmt.Errorf("leg %d delivered out of order: %+v", id, l)
		}
	}
}

// TestLegReplay: the same random blocks of purchase orders, shipments,
// receipts, recalls and carriers' legs fed into two fresh machines give the
// generator's app hash at every height, and every leg stays consistent with
// its shipment (checkLegs) at every height of the generator.
func TestLegReplay(t *testing.T) {
	final := map[string]string{}
	all := map[gongxu.LegStatus]int{}
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			gen := chaintest.New(t, replayOrgs...)
			first := gen.Root()
			blocks, roots, codes, statuses := genLegBlocks(t, gen, seed, 200)
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized, gongxu.KindNotFound} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			for s, n := range statuses {
				all[s] += n
			}
			t.Logf("codes %v, legs %v", codes, statuses)
			chaintest.Replay(t, replayOrgs, first, blocks, roots, 2, nil)
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	for _, s := range []gongxu.LegStatus{gongxu.LegAssigned, gongxu.LegPickedUp, gongxu.LegDelivered} {
		if all[s] == 0 && !t.Failed() {
			t.Fatalf("no leg ended %s: %v", s, all)
		}
	}
	chaintest.PinAppHashes(t, "testdata/replay.golden", final)
}
