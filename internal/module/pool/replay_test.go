package pool_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

var replayOrgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
	{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "hub-d", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "hub-e", Roles: []gongxu.Role{gongxu.RoleHub, gongxu.RoleSupplier}},
	{ID: "carrier-f", Roles: []gongxu.Role{gongxu.RoleLogistics}},
}

// checkPoolMoney checks every pool's books against the ledger: its escrow
// and captured accounts hold what the pool says, and what it captured is
// accounted for (released to the factory, paid to the shares, refunded, or
// still captured).
func checkPoolMoney(h *chaintest.Harness) error {
	for id := uint64(1); ; id++ {
		p, err := h.Mods.Pool.Pool(h.State, id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			return nil
		}
		if err != nil {
			return err
		}
		for _, x := range []struct {
			acct gongxu.AccountID
			want gongxu.Amount
		}{{gongxu.EscrowAccount(id), p.Escrowed}, {gongxu.CapturedAccount(id), p.Captured}} {
			got, err := h.Mods.Settle.Balance(h.State, x.acct, p.Currency)
			if err != nil {
				return err
			}
			if got != x.want {
				return fmt.Errorf("pool %d (%s): %s holds %d, the pool says %d", id, p.Status, x.acct, got, x.want)
			}
		}
		if p.Status == gongxu.PoolSettled && (p.Captured != 0 || p.Released+p.Shared+p.Refunded == 0) {
			return fmt.Errorf("pool %d settled with %d captured, %d released, %d shared, %d refunded", id, p.Captured, p.Released, p.Shared, p.Refunded)
		}
	}
}

// genPoolBlocks drives h with random pool activity, valid and invalid, with
// deadlines falling due, and returns the blocks with h's app hash after each.
func genPoolBlocks(t *testing.T, h *chaintest.Harness, seed uint64, n int) ([]chaintest.Recorded, []string, map[gongxu.Kind]int, map[gongxu.PoolStatus]int) {
	rng := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1))
	factories := []string{"factory-a", "factory-b"}
	hubs := []string{"hub-c", "hub-d", "hub-e"}
	consumers := []string{"c0", "c1", "c2", "c3", "c4"}
	everyone := append(append(append([]string{}, factories...), hubs...), consumers...)
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	codes := map[gongxu.Kind]int{}
	var blocks []chaintest.Recorded
	var roots []string
	pools, wos := 0, 0

	// Products and money first.
	var setup [][]byte
	for _, f := range factories {
		setup = append(setup, h.Sign(f, catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece",
			Variants: []gongxu.Variant{{ID: "s", Name: "S"}, {ID: "m", Name: "M"}}}))
		setup = append(setup, h.Sign(f, catalog.TypePublish, catalog.MsgPublish{SKU: "mug", Name: "Mug", Unit: "piece"}))
	}
	// Stock made before any pool, for the pools on stock: an order of each
	// product of each factory, one work order, one lot (orders and work
	// orders 1 to 4).
	var stockLots []gongxu.LotID
	k := 0
	for _, f := range factories {
		for _, sku := range []string{"tee", "mug"} {
			k++
			code := "stock-" + sku
			setup = append(setup,
				h.Sign(f, production.TypeOrder, production.MsgOrder{Product: gongxu.ProductID(f + "/" + sku), Qty: 60_000, Due: h.Time + 30*day}),
				h.Sign(f, production.TypeWOStart, production.MsgWOStart{Order: uint64(k), Qty: 60_000}),
				h.Sign(f, production.TypeWOComplete, production.MsgWOComplete{WO: uint64(k), Produced: 60_000, Outputs: []gongxu.OutputLot{{Code: code, Qty: 60_000}}}))
			stockLots = append(stockLots, gongxu.NewLotID(gongxu.OrgID(f), code))
		}
	}
	for _, hb := range hubs {
		setup = append(setup, h.Sign(hb, settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 5_000_000}))
	}
	for _, c := range consumers {
		setup = append(setup, h.Sign("hub-c", settle.TypeDeposit, settle.MsgDeposit{To: settle.KeyAccount(chaintest.PubKey(c)), Currency: "CNY", Amount: 200_000}))
	}
	leafSeq := 0
	// fit returns a hub, variant and quantity for pool id: one that fits
	// its rules when good (if the pool exists), anything otherwise.
	fit := func(id uint64, good bool) (gongxu.OrgID, string, gongxu.Units) {
		p, err := h.Mods.Pool.Pool(h.State, id)
		if err != nil || !good {
			return gongxu.OrgID(pick(hubs)), []string{"", "s", "m", "x"}[rng.IntN(4)], gongxu.Units(rng.IntN(12) - 1)
		}
		hub := gongxu.OrgID(pick(hubs))
		if len(p.Hubs) > 0 {
			hub = p.Hubs[0]
		}
		variant := ""
		if len(p.Variants) > 0 {
			variant = p.Variants[rng.IntN(len(p.Variants))]
		}
		return hub, variant, gongxu.Units(1+rng.IntN(6)) * p.CasePack
	}
	for len(blocks) < n {
		txs := setup
		setup = nil
		for i := rng.IntN(10); i > 0; i-- {
			id := uint64(max(pools-rng.IntN(3), 1)) // mostly the latest pools
			if rng.IntN(5) == 0 {
				id = uint64(1 + rng.IntN(pools+2))
			}
			switch rng.IntN(20) {
			case 0: // open, sometimes malformed or on another factory's product
				f := pick(factories)
				owner := f
				if rng.IntN(6) == 0 {
					owner = pick(factories)
				}
				sku, variant := "tee", []string(nil)
				if rng.IntN(2) == 0 {
					sku = "mug"
				} else if rng.IntN(2) == 0 {
					variant = []string{"m"}
				}
				price := gongxu.Amount(100 + rng.IntN(100))
				tiers := []gongxu.Tier{{MinQty: 1, UnitPrice: price}, {MinQty: gongxu.Units(5 + rng.IntN(20)), UnitPrice: price - gongxu.Amount(1+rng.IntN(50))}}
				if rng.IntN(8) == 0 {
					tiers[1].UnitPrice = price + 1 // not decreasing
				}
				moq := gongxu.Units(1 + rng.IntN(25))
				pack := gongxu.Units(1 + rng.IntN(2))
				deadline := h.Time + int64(1+rng.IntN(5))*day + int64(rng.IntN(1000))*1000
				if rng.IntN(10) == 0 {
					deadline = h.Time - 1 // in the past
				}
				var hubList []gongxu.OrgID
				if rng.IntN(2) == 0 {
					hubList = []gongxu.OrgID{gongxu.OrgID(pick(hubs))}
				}
				cp := (moq + gongxu.Units(rng.IntN(60))) * pack
				var startBy, hubBPS int64
				if rng.IntN(2) == 0 {
					startBy = deadline + int64(rng.IntN(4))*day // 0 days: refused
				}
				var enablers []gongxu.EnablerShare
				switch rng.IntN(4) {
				case 0:
					hubBPS = int64(rng.IntN(1500))
				case 1:
					hubBPS = int64(rng.IntN(2000))
					enablers = []gongxu.EnablerShare{{Org: "carrier-f", Role: "carrier", BPS: int64(1 + rng.IntN(1200))}}
				case 2:
					if rng.IntN(3) == 0 { // bad: a non-member, or over the limit
						enablers = []gongxu.EnablerShare{{Org: []gongxu.OrgID{"ghost", "carrier-f"}[rng.IntN(2)], Role: "carrier", BPS: 3001}}
					}
				}
				var repeat *gongxu.PoolRepeat
				if rng.IntN(3) == 0 { // a series: every 1 or 2 days (sometimes under a day), 1 to 4 times (sometimes none)
					repeat = &gongxu.PoolRepeat{EveryMs: int64(1+rng.IntN(2)) * day, Times: int64(rng.IntN(5))}
					if rng.IntN(8) == 0 {
						repeat.EveryMs = day - 1
					}
				}
				txs = append(txs, h.Sign(f, pool.TypeOpen, pool.MsgOpen{Product: gongxu.ProductID(owner + "/" + sku), Tiers: tiers, MOQ: moq,
					Cap: cp, CasePack: pack, Currency: "CNY", Deadline: deadline, LockMs: int64(rng.IntN(2)) * day / 2,
					Variants: variant, Hubs: hubList, StartBy: startBy, HubBPS: hubBPS, Enablers: enablers, FromStock: rng.IntN(3) == 0,
					Repeat: repeat}))
			case 2:
				if rng.IntN(2) == 0 { // a series stops: by its factory, mostly
					f := pick(factories)
					if p, err := h.Mods.Pool.Pool(h.State, id); err == nil && rng.IntN(4) > 0 {
						f = string(p.Factory)
					}
					txs = append(txs, h.Sign(f, pool.TypeStopRepeat, pool.MsgStopRepeat{Pool: id}))
					break
				}
				txs = append(txs, h.Sign(pick(factories), pool.TypeCancel, pool.MsgCancel{Pool: id}))
			case 1, 3, 4: // direct pledge from a consumer (or a member's key), mostly well formed
				signer := pick(consumers)
				if rng.IntN(5) == 0 {
					signer = pick(everyone)
				}
				hub, variant, qty := fit(id, rng.IntN(4) > 0)
				txs = append(txs, h.Sign(signer, pool.TypePledge, pool.MsgPledge{Pool: id, Hub: hub, Variant: variant, Qty: qty}))
			case 5:
				txs = append(txs, h.Sign(pick(consumers), pool.TypeReduce, pool.MsgReduce{Pool: id, Pledge: uint64(1 + rng.IntN(4)), Qty: gongxu.Units(rng.IntN(4))}))
			case 6, 7: // a hub batch, sometimes with a duplicate leaf id
				k := 1 + rng.IntN(40)
				ls := make([]pool.Leaf, k)
				hub, _, _ := fit(id, true)
				for j := range ls {
					leafSeq++
					_, variant, qty := fit(id, rng.IntN(10) > 0)
					ls[j] = pool.Leaf{ID: fmt.Sprintf("%016x", leafSeq), Variant: variant, Qty: max(qty, 1)}
				}
				if rng.IntN(8) == 0 {
					ls[k-1].ID = ls[0].ID
				}
				for j := range ls {
					ls[j] = committed(ls[j])
				}
				if rng.IntN(12) == 0 {
					ls[k-1].Commit = ls[0].Commit // one secret for two consumers
				}
				signer := string(hub)
				if rng.IntN(8) == 0 {
					signer = pick(everyone)
				}
				txs = append(txs, h.Sign(signer, pool.TypeBatch, pool.MsgBatch{Pool: id, Leaves: ls}))
			case 8:
				hub, variant, qty := fit(id, rng.IntN(3) > 0)
				txs = append(txs, h.Sign(string(hub), pool.TypeHubReduce, pool.MsgHubReduce{Pool: id, Variant: variant, Qty: qty, Pledges: int64(rng.IntN(2))}))
			case 9, 10:
				f := pick(factories)
				if p, err := h.Mods.Pool.Pool(h.State, id); err == nil && rng.IntN(4) > 0 {
					f = string(p.Factory)
				}
				txs = append(txs, h.Sign(f, pool.TypeStartProduction, pool.MsgStartProduction{Pool: id}))
			case 11, 12:
				txs = append(txs, h.Sign(pick(everyone[:5]), pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: id}))
			case 14, 17: // the factory makes a pool's goods: a work order on its order, or completing the latest
				p, err := h.Mods.Pool.Pool(h.State, id)
				if err != nil {
					break
				}
				if wo, err := h.Mods.Production.WO(h.State, uint64(wos)); err == nil && wo.Status == gongxu.WOStarted && rng.IntN(2) == 0 {
					txs = append(txs, h.Sign(string(wo.Factory), production.TypeWOComplete, production.MsgWOComplete{WO: wo.ID, Produced: wo.Qty,
						Outputs: []gongxu.OutputLot{{Code: fmt.Sprintf("l-%d", wo.ID), Qty: wo.Qty}}}))
					break
				}
				order, err := h.Mods.Production.OrderForPool(h.State, id)
				if err != nil || order == 0 {
					break
				}
				txs = append(txs, h.Sign(string(p.Factory), production.TypeWOStart, production.MsgWOStart{Order: order, Qty: gongxu.Qty(p.Total) * 1000}))
			case 15, 16, 18, 19: // the factory ships a hub its share
				p, err := h.Mods.Pool.Pool(h.State, id)
				if err != nil {
					break
				}
				shares, _ := h.Mods.Pool.HubShares(h.State, id)
				if len(shares) == 0 {
					break
				}
				sh := shares[rng.IntN(len(shares))]
				m := pool.MsgShip{Pool: id, Hub: sh.Hub}
				left := gongxu.Qty(sh.Qty)*1000 - sh.ShippedQty
				if rng.IntN(3) == 0 && left > 1 { // a part of what is left, sometimes more
					m.Qty = 1 + gongxu.Qty(rng.Int64N(int64(left)+500))
				}
				if rng.IntN(4) == 0 { // a chosen lot: the pool's own, stock, or another's
					lots := append([]gongxu.LotID{}, stockLots...)
					if wos > 0 {
						lots = append(lots, gongxu.NewLotID(p.Factory, fmt.Sprintf("l-%d", 1+rng.IntN(wos))))
					}
					q := m.Qty
					if q == 0 {
						q = max(left, 1)
					}
					m.Lots = []gongxu.LotQty{{Lot: lots[rng.IntN(len(lots))], Qty: q}}
				}
				txs = append(txs, h.Sign(string(p.Factory), pool.TypeShip, m))
			case 13: // money moves in and out
				if rng.IntN(2) == 0 {
					txs = append(txs, h.Sign(pick(hubs), settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: gongxu.Amount(1 + rng.IntN(100_000))}))
				} else {
					txs = append(txs, h.Sign(pick(everyone), settle.TypeWithdraw, settle.MsgWithdraw{Currency: "CNY", Amount: gongxu.Amount(1 + rng.IntN(50_000))}))
				}
			}
		}
		if rng.IntN(4) == 0 {
			h.Advance(int64(rng.IntN(3*24)) * 3600 * 1000) // deadlines and locks fall due
		}
		res := h.Block(txs...)
		for _, r := range res.Txs {
			codes[gongxu.Kind(r.Code)]++
		}
		if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
			t.Fatalf("generator, height %d: %v", h.Height, err)
		}
		if err := checkPoolMoney(h); err != nil {
			t.Fatalf("generator, height %d: %v", h.Height, err)
		}
		if err := checkStock(h, factories, stockLots, wos, pools); err != nil {
			t.Fatalf("generator, height %d: %v", h.Height, err)
		}
		for { // the work orders that exist
			if _, err := h.Mods.Production.WO(h.State, uint64(wos+1)); err != nil {
				break
			}
			wos++
		}
		for _, who := range everyone {
			h.ResetSeq(who)
		}
		for { // the pools that exist
			if _, err := h.Mods.Pool.Pool(h.State, uint64(pools+1)); err != nil {
				break
			}
			pools++
		}
		blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
		roots = append(roots, h.Root())
	}
	statuses := map[gongxu.PoolStatus]int{}
	for id := 1; id <= pools; id++ {
		if p, err := h.Mods.Pool.Pool(h.State, uint64(id)); err == nil {
			statuses[p.Status]++
			for _, c := range p.History { // the deadlines after the close, counted as pseudo-statuses
				switch {
				case strings.HasPrefix(c.Reason, "production did not start"):
					statuses["(failed over)"]++
				case strings.Contains(c.Reason, "confirmed automatically"):
					statuses["(confirmed automatically)"]++
				}
			}
			if p.Shared > 0 {
				statuses["(paid shares)"]++
			}
			if p.Series != nil && p.Series.Prev != 0 {
				statuses["(reopened)"]++
			}
			if p.Series != nil && p.Series.Stopped != "" {
				statuses["(series stopped)"]++
			}
			if o, _ := h.Mods.Production.OrderForPool(h.State, p.ID); o != 0 {
				if ord, err := h.Mods.Production.Order(h.State, o); err == nil && ord.Stock > 0 {
					statuses["(filled from stock)"]++
				}
			}
			shares, _ := h.Mods.Pool.HubShares(h.State, p.ID)
			for _, sh := range shares {
				if len(sh.Shipments) > 1 {
					statuses["(shipped in parts)"]++
				}
			}
		}
	}
	return blocks, roots, codes, statuses
}

// TestPoolReplay: the same random pool blocks fed into two fresh machines give
// the generator's app hash at every height, and money is neither created nor
// destroyed at any of them.
func TestPoolReplay(t *testing.T) {
	final := map[string]string{} // the app hash after the last block, per seed
	gone, kept := 0, 0           // failed pools with pledges, others with batch records
	for _, seed := range []uint64{1, 3, 5, 7} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			gen := chaintest.New(t, replayOrgs...)
			first := gen.Root()
			blocks, roots, codes, statuses := genPoolBlocks(t, gen, seed, 320)
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized, gongxu.KindNotFound} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			if statuses[gongxu.PoolFailed] == 0 || statuses[gongxu.PoolSucceeded]+statuses[gongxu.PoolInProduction]+statuses[gongxu.PoolSettled] == 0 {
				t.Fatalf("the random blocks did not both fail and succeed pools: %v", statuses)
			}
			for _, s := range []gongxu.PoolStatus{"(failed over)", "(confirmed automatically)", "(paid shares)", "(filled from stock)", "(shipped in parts)", "(reopened)", "(series stopped)"} {
				if statuses[s] == 0 {
					t.Fatalf("the random blocks never %s: %v", s, statuses)
				}
			}
			t.Logf("codes %v, pools %v", codes, statuses)
			// Every failed pool's batch records are gone (the budget is
			// far above these blocks'), every other pool's stay.
			for id := uint64(1); ; id++ {
				p, err := gen.Mods.Pool.Pool(gen.State, id)
				if err != nil {
					break
				}
				keys, queued := batchRecords(gen, id)
				switch {
				case p.Status == gongxu.PoolFailed && (len(keys) > 0 || queued):
					t.Fatalf("failed pool %d keeps %v (queued %v)", id, keys, queued)
				case p.Status == gongxu.PoolFailed && p.Total > 0:
					gone++
				case p.Status != gongxu.PoolFailed && len(keys) > 0:
					kept++
				}
			}
			chaintest.Replay(t, replayOrgs, first, blocks, roots, 2, func(r *chaintest.Harness) error {
				if err := r.Mods.Settle.CheckInvariant(r.State); err != nil {
					return err
				}
				return checkPoolMoney(r)
			})
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	if gone == 0 || kept == 0 {
		t.Fatalf("%d failed pools with pledges, %d others with batch records: the random blocks did not test both", gone, kept)
	}
	chaintest.PinAppHashes(t, "testdata/replay.golden", final)
}

// checkStock: stock never goes negative and what is reserved and allotted
// of a lot never exceeds it (the stock lots and every work order's output
// lot); a share's shipments add up to what it says shipped, never more
// than the share.
func checkStock(h *chaintest.Harness, factories []string, stockLots []gongxu.LotID, wos, pools int) error {
	lots := append([]gongxu.LotID{}, stockLots...)
	for _, f := range factories {
		for w := 1; w <= wos; w++ {
			lots = append(lots, gongxu.NewLotID(gongxu.OrgID(f), fmt.Sprintf("l-%d", w)))
		}
	}
	for _, id := range lots {
		l, err := h.Mods.Production.Lot(h.State, id)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			continue
		}
		if err != nil {
			return err
		}
		if l.Qty < 0 || l.Reserved < 0 || l.Allotted < 0 || l.Reserved+l.Allotted > l.Qty || (l.Allotted > 0) != (l.Pool != 0) {
			return fmt.Errorf("lot %s: %+v", id, l)
		}
	}
	for _, f := range factories {
		for _, sku := range []string{"tee", "mug"} {
			st, err := h.Mods.Production.Stock(h.State, gongxu.OrgID(f), gongxu.ItemID(f+"/"+sku))
			if err != nil || st.Qty < 0 {
				return fmt.Errorf("stock of %s/%s: %+v (%v)", f, sku, st, err)
			}
		}
	}
	for id := 1; id <= pools; id++ {
		shares, err := h.Mods.Pool.HubShares(h.State, uint64(id))
		if err != nil {
			continue
		}
		for _, sh := range shares {
			var sum gongxu.Qty
			for _, x := range sh.Shipments {
				sum += x.Qty
			}
			if sum != sh.ShippedQty || sh.ShippedQty > gongxu.Qty(sh.Qty)*1000 || len(sh.Shipments) > gongxu.MaxShareShipments {
				return fmt.Errorf("pool %d share of %s: %d shipped of %d units in %d shipments adding up to %d", id, sh.Hub, sh.ShippedQty, sh.Qty, len(sh.Shipments), sum)
			}
		}
	}
	return nil
}
