package dispute_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/dispute"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

const day = 24 * 3600 * 1000

var replayOrgs = []chaintest.OrgSpec{
	{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
	{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
	{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "hub-d", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "hub-e", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "carrier-f", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	{ID: "supplier-g", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	{ID: "supplier-h", Roles: []gongxu.Role{gongxu.RoleSupplier}},
	{ID: "supplier-i", Roles: []gongxu.Role{gongxu.RoleSupplier}},
}

// genDisputeBlocks drives h with random pools going into production, hubs
// confirming their deliveries or disputing them, parties proposing and
// accepting splits, panelists voting (and others trying), claimants
// withdrawing, with deadlines falling due; it returns the blocks with h's
// app hash after each, the result codes and the disputes' outcomes.
func genDisputeBlocks(t *testing.T, h *chaintest.Harness, seed uint64, n int) ([]chaintest.Recorded, []string, map[gongxu.Kind]int, map[string]int) {
	rng := rand.New(rand.NewPCG(seed, seed*0x9e3779b97f4a7c15+1))
	factories := []string{"factory-a", "factory-b"}
	hubs := []string{"hub-c", "hub-d", "hub-e"}
	var everyone []string
	for _, o := range replayOrgs {
		everyone = append(everyone, o.ID)
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	codes := map[gongxu.Kind]int{}
	var blocks []chaintest.Recorded
	var roots []string
	pools, disputes, leafSeq := 0, 0, 0

	var setup [][]byte
	for _, f := range factories {
		setup = append(setup, h.Sign(f, catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"}))
	}
	for _, hb := range hubs {
		setup = append(setup, h.Sign(hb, settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 50_000_000}))
	}
	suppliers := []string{"supplier-g", "supplier-h"}
	for _, sp := range suppliers {
		setup = append(setup, h.Sign(sp, production.TypeOffer, production.MsgOffer{Item: "fabric", Unit: "m", LeadTimeDays: 5, UnitPrice: 500, Currency: "CNY"}))
	}
	pos := 0
	for len(blocks) < n {
		txs := setup
		setup = nil
		for i := rng.IntN(8); i > 0; i-- {
			pid := uint64(max(pools-rng.IntN(3), 1))
			// the pools in a status, to aim steps where they can apply
			in := func(st gongxu.PoolStatus) uint64 {
				var ids []uint64
				for id := 1; id <= pools; id++ {
					if p, err := h.Mods.Pool.Pool(h.State, uint64(id)); err == nil && p.Status == st {
						ids = append(ids, uint64(id))
					}
				}
				if len(ids) == 0 || rng.IntN(5) == 0 {
					return pid
				}
				return ids[rng.IntN(len(ids))]
			}
			did := uint64(max(disputes-rng.IntN(4), 1))
			if disputes > 0 && rng.IntN(4) == 0 {
				did = uint64(1 + rng.IntN(disputes+1))
			}
			d, derr := h.Mods.Dispute.Dispute(h.State, did)
			split := func() gongxu.Amount {
				if derr != nil || rng.IntN(10) == 0 {
					return gongxu.Amount(rng.IntN(5000) - 10)
				}
				return gongxu.Amount(rng.Int64N(int64(d.Claimed) + 1))
			}
			poID := uint64(max(pos-rng.IntN(3), 1))
			switch rng.IntN(16) {
			case 13: // a purchase order
				txs = append(txs, h.Sign(pick(factories), production.TypePO, production.MsgPO{Supplier: gongxu.OrgID(pick(suppliers)),
					Lines: []production.LineIn{{Item: "fabric", Qty: gongxu.Qty(1000 * (1 + rng.IntN(100))), Date: h.Time + 10*day}}}))
			case 14: // accepted, mostly by its supplier
				signer := pick(suppliers)
				if po, err := h.Mods.Production.PO(h.State, poID); err == nil && rng.IntN(4) > 0 {
					signer = string(po.Supplier)
				}
				txs = append(txs, h.Sign(signer, production.TypePOAccept, production.MsgPOAccept{PO: poID}))
			case 15: // a dispute over it, mostly by a party
				signer := pick(everyone)
				if po, err := h.Mods.Production.PO(h.State, poID); err == nil && rng.IntN(4) > 0 {
					signer = string([]gongxu.OrgID{po.Factory, po.Supplier}[rng.IntN(2)])
				}
				kinds := gongxu.DisputeKinds()
				txs = append(txs, h.Sign(signer, dispute.TypeOpen, dispute.MsgOpen{PO: poID, Kind: kinds[rng.IntN(len(kinds))],
					Claimed: gongxu.Amount(1 + rng.IntN(4000))}))
			case 0: // a pool
				f := pick(factories)
				txs = append(txs, h.Sign(f, pool.TypeOpen, pool.MsgOpen{Product: gongxu.ProductID(f + "/tee"),
					Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: gongxu.Amount(100 + rng.IntN(100))}}, MOQ: 5, Cap: 1000, CasePack: 1,
					Currency: "CNY", Deadline: h.Time + int64(1+rng.IntN(3))*day}))
			case 1, 2: // a hub's batch
				leafSeq++
				txs = append(txs, h.Sign(pick(hubs), pool.TypeBatch, pool.MsgBatch{Pool: pid, Leaves: []gongxu.PoolLeaf{
					{ID: fmt.Sprintf("%016x", leafSeq), Qty: gongxu.Units(1 + rng.IntN(30)), Commit: fmt.Sprintf("%064x", leafSeq)}}}))
			case 3:
				f := pick(factories)
				pid = in(gongxu.PoolSucceeded)
				if p, err := h.Mods.Pool.Pool(h.State, pid); err == nil && rng.IntN(5) > 0 {
					f = string(p.Factory)
				}
				txs = append(txs, h.Sign(f, pool.TypeStartProduction, pool.MsgStartProduction{Pool: pid}))
			case 4: // a delivery confirmed (refused while disputed)
				txs = append(txs, h.Sign(pick(hubs), pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: in(gongxu.PoolInProduction)}))
			case 5, 6, 12: // a dispute opened, mostly by a hub, sometimes over the stake
				signer := pick(hubs)
				if rng.IntN(8) == 0 {
					signer = pick(everyone)
				}
				kinds := gongxu.DisputeKinds()
				txs = append(txs, h.Sign(signer, dispute.TypeOpen, dispute.MsgOpen{Pool: in(gongxu.PoolInProduction), Kind: kinds[rng.IntN(len(kinds))],
					Claimed: gongxu.Amount(1 + rng.IntN(4000)), Note: "replay"}))
			case 7: // a proposal, mostly by a party
				signer := pick(everyone)
				if derr == nil && rng.IntN(4) > 0 {
					signer = string([]gongxu.OrgID{d.Claimant, d.Respondent}[rng.IntN(2)])
				}
				txs = append(txs, h.Sign(signer, dispute.TypePropose, dispute.MsgPropose{Dispute: did, ToClaimant: split()}))
			case 8: // an acceptance, mostly of the standing proposal by the other party
				signer, v := pick(everyone), split()
				if derr == nil && d.Proposal != nil && rng.IntN(4) > 0 {
					signer, v = string(d.Claimant), d.Proposal.ToClaimant
					if d.Proposal.By == d.Claimant {
						signer = string(d.Respondent)
					}
				}
				txs = append(txs, h.Sign(signer, dispute.TypeAccept, dispute.MsgAccept{Dispute: did, ToClaimant: v}))
			case 9, 10: // a vote, mostly by a panelist
				signer := pick(everyone)
				if derr == nil && len(d.Panel) > 0 && rng.IntN(5) > 0 {
					signer = string(d.Panel[rng.IntN(len(d.Panel))])
				}
				txs = append(txs, h.Sign(signer, dispute.TypeVote, dispute.MsgVote{Dispute: did, ToClaimant: split()}))
			case 11:
				signer := pick(everyone)
				if derr == nil && rng.IntN(2) == 0 {
					signer = string(d.Claimant)
				}
				txs = append(txs, h.Sign(signer, dispute.TypeWithdraw, dispute.MsgWithdraw{Dispute: did}))
			}
		}
		if rng.IntN(3) == 0 {
			h.Advance(int64(rng.IntN(4*24)) * 3600 * 1000) // pools close, disputes escalate and end
		}
		res := h.Block(txs...)
		for _, r := range res.Txs {
			codes[gongxu.Kind(r.Code)]++
		}
		if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
			t.Fatalf("generator, height %d: %v", h.Height, err)
		}
		for _, who := range everyone {
			h.ResetSeq(who)
		}
		for {
			if _, err := h.Mods.Pool.Pool(h.State, uint64(pools+1)); err != nil {
				break
			}
			pools++
		}
		for {
			if _, err := h.Mods.Dispute.Dispute(h.State, uint64(disputes+1)); err != nil {
				break
			}
			disputes++
		}
		for {
			if _, err := h.Mods.Production.PO(h.State, uint64(pos+1)); err != nil {
				break
			}
			pos++
		}
		blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
		roots = append(roots, h.Root())
	}
	outcomes := map[string]int{}
	for id := 1; id <= disputes; id++ {
		d, err := h.Mods.Dispute.Dispute(h.State, uint64(id))
		if err != nil {
			t.Fatal(err)
		}
		k := string(d.Status)
		if d.Outcome != "" {
			k = string(d.Outcome)
		}
		outcomes[k]++
		if d.Subject == gongxu.DisputeSubjectPOShipment {
			outcomes["po"]++
			for _, o := range d.Panel {
				if o == d.Claimant || o == d.Respondent {
					t.Fatalf("dispute %d: party %s on the panel %v", id, o, d.Panel)
				}
			}
			continue
		}
		if d.Status == gongxu.DisputeResolved {
			if f, err := h.Mods.Pool.ShareFrozen(h.State, d.Pool, d.Hub); err != nil || f {
				t.Fatalf("dispute %d is resolved but hub %s's share of pool %d is still frozen (%v)", id, d.Hub, d.Pool, err)
			}
		} else if f, err := h.Mods.Pool.ShareFrozen(h.State, d.Pool, d.Hub); err != nil || !f {
			t.Fatalf("dispute %d is %s but hub %s's share of pool %d is not frozen (%v)", id, d.Status, d.Hub, d.Pool, err)
		}
		for _, o := range d.Panel {
			if o == d.Claimant || o == d.Respondent {
				t.Fatalf("dispute %d: party %s on the panel %v", id, o, d.Panel)
			}
			if s, err := h.Mods.Pool.HubShare(h.State, d.Pool, o); err == nil && s.Qty > 0 {
				t.Fatalf("dispute %d: %s, a hub of pool %d, on the panel %v", id, o, d.Pool, d.Panel)
			}
		}
	}
	return blocks, roots, codes, outcomes
}

// TestDisputeReplay: the same random blocks of pools, deliveries and
// disputes fed into two fresh machines give the generator's app hash at
// every height; money is neither created nor destroyed at any of them; a
// dispute's share is frozen exactly while it is unresolved; no party or
// tied hub ever sits on a panel.
func TestDisputeReplay(t *testing.T) {
	final := map[string]string{}
	all := map[string]int{} // outcomes over every seed
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			gen := chaintest.New(t, replayOrgs...)
			first := gen.Root()
			blocks, roots, codes, outcomes := genDisputeBlocks(t, gen, seed, 250)
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			for o, n := range outcomes {
				all[o] += n
			}
			t.Logf("codes %v, disputes %v", codes, outcomes)
			chaintest.Replay(t, replayOrgs, first, blocks, roots, 2, func(r *chaintest.Harness) error { return r.Mods.Settle.CheckInvariant(r.State) })
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	for _, o := range []gongxu.DisputeOutcome{gongxu.OutcomeSettled, gongxu.OutcomePanel, gongxu.OutcomeDefault, gongxu.OutcomeWithdrawn, "po"} {
		if all[string(o)] == 0 && !t.Failed() {
			t.Fatalf("no dispute ended %s: %v", o, all)
		}
	}
	chaintest.PinAppHashes(t, "testdata/replay.golden", final)
}
