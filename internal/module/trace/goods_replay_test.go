package trace_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

var goodsOrgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}},
}

// TestGoodsReplay: random blocks of a pool's goods on their way — work
// orders, shipments to hubs, confirmations and pickups by receipt or direct
// pledge, right and wrong, from the right org and the wrong one — fed into
// two fresh machines, give the generator's app hash at every height, and
// the money invariant holds throughout.
func TestGoodsReplay(t *testing.T) {
	final := map[string]string{} // the app hash after the last block, per seed
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			h := chaintest.New(t, goodsOrgs...)
			first := h.Root()
			rng := rand.New(rand.NewPCG(seed, seed*7+1))
			orgs := []string{"factory-a", "hub-a", "hub-b"}
			pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
			var blocks []chaintest.Recorded
			var roots []string
			record := func(txs ...[]byte) *chain.BlockResult {
				res := h.Block(txs...)
				for _, who := range append(orgs, "alice") {
					h.ResetSeq(who)
				}
				blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
				roots = append(roots, h.Root())
				if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
					t.Fatalf("height %d: %v", h.Height, err)
				}
				return res
			}
			record(h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"}),
				h.Sign("hub-a", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 1_000_000}),
				h.Sign("hub-b", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 1_000_000}),
				h.Sign("hub-a", settle.TypeDeposit, settle.MsgDeposit{To: gongxu.KeyAccount(chaintest.PubKey("alice")), Currency: "CNY", Amount: 10_000}))
			record(h.Sign("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/tee", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 10}},
				MOQ: 10, Cap: 10_000, CasePack: 1, Currency: "CNY", Deadline: h.Time + 20_000}))
			// Batches of random leaves; their receipts, and forged ones.
			var receipts []gongxu.Receipt
			for b := range 6 {
				hub := orgs[1+b%2]
				leaves := make([]gongxu.PoolLeaf, 1+rng.IntN(5))
				for i := range leaves {
					leaves[i] = committed(gongxu.PoolLeaf{ID: fmt.Sprintf("%016x", rng.Uint64()), Qty: gongxu.Units(1 + rng.IntN(4))})
				}
				res := record(h.Sign(hub, pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: leaves}))
				for _, r := range pool.Receipts(res.Txs[0].Hash, 1, gongxu.OrgID(hub), leaves) {
					r.Secret = testSecret(r.Leaf.ID) // the consumer's copy
					receipts = append(receipts, r)
					switch rng.IntN(6) {
					case 0:
						r.Leaf.Qty++ // forged
						receipts = append(receipts, r)
					case 1:
						r.Secret = "" // the public receipt
						receipts = append(receipts, r)
					case 2:
						r.Secret = testSecret(r.Leaf.ID + "?") // a guessed secret
						receipts = append(receipts, r)
					}
				}
			}
			record(h.Sign("alice", pool.TypePledge, pool.MsgPledge{Pool: 1, Hub: "hub-a", Qty: 2}))
			h.Advance(20_000)
			record()
			// Made in two work orders, so a share may span two lots.
			p, err := h.Mods.Pool.Pool(h.State, 1)
			if err != nil || p.Status != gongxu.PoolSucceeded {
				t.Fatalf("pool 1: %s, %v", p.Status, err)
			}
			half := gongxu.Qty(p.Total / 2 * 1000)
			record(h.Sign("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: half}),
				h.Sign("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: gongxu.Qty(p.Total*1000) - half}))
			record(h.Sign("factory-a", production.TypeWOComplete, production.MsgWOComplete{WO: 1, Produced: half}),
				h.Sign("factory-a", production.TypeWOComplete, production.MsgWOComplete{WO: 2, Produced: gongxu.Qty(p.Total*1000) - half}))
			flows := 0
			codes := map[gongxu.Kind]int{}
			for len(blocks) < 60 {
				var txs [][]byte
				for i := 1 + rng.IntN(5); i > 0; i-- {
					switch rng.IntN(6) {
					case 0:
						txs = append(txs, h.Sign("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: gongxu.Qty(1000 * (1 + rng.IntN(8)))}))
					case 1:
						txs = append(txs, h.Sign(pick(orgs), pool.TypeShip, pool.MsgShip{Pool: uint64(1 + rng.IntN(2)), Hub: gongxu.OrgID(pick(orgs))}))
					case 2:
						txs = append(txs, h.Sign(pick(orgs), pool.TypeShip, pool.MsgShip{Pool: 1, Hub: gongxu.OrgID(pick(orgs[1:]))}))
					case 3:
						txs = append(txs, h.Sign(pick(orgs), pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: 1}))
					case 4:
						r := receipts[rng.IntN(len(receipts))]
						txs = append(txs, h.Sign(pick(orgs), pool.TypePickup, pool.MsgPickup{Pool: 1, Receipt: &r, Qty: gongxu.Units(rng.IntN(3))}))
					default:
						txs = append(txs, h.Sign(pick(append(orgs, "alice")), pool.TypePickup, pool.MsgPickup{Pool: 1, Pledge: uint64(1 + rng.IntN(2))}))
					}
				}
				res := record(txs...)
				for _, r := range res.Txs {
					codes[gongxu.Kind(r.Code)]++
					for _, ev := range r.Events {
						if ev.Type == "trace.event" && strings.Contains(ev.Get("json"), `"flow":"pool/`) {
							flows++
						}
					}
				}
			}
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			if flows == 0 {
				p, _ := h.Mods.Pool.Pool(h.State, 1)
				t.Fatalf("no pool flow emitted a trace event: codes %v, pool %s total %d", codes, p.Status, p.Total)
			}
			t.Logf("codes %v, %d events from the pool's flows", codes, flows)
			chaintest.Replay(t, goodsOrgs, first, blocks, roots, 2, nil)
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	chaintest.PinAppHashes(t, "testdata/goods_replay.golden", final)
}
