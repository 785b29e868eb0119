package rfq_test

import (
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

var replayOrgs = []chaintest.OrgSpec{
	{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub, gongxu.RoleValidator}},
	{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}},
	{ID: "factory-c", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleHub}},
	{ID: "factory-d", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleHub}},
	{ID: "factory-e", Roles: []gongxu.Role{gongxu.RoleFactory}}, // no money: its bids on bonded RFQs fail
}

// TestRFQReplay: random RFQ blocks with bid bonds (posts with and without a
// bond, good and bad; bids, replaced bids, reveals right and wrong, in time
// and late; awards; cancels), with time jumping so that reveal deadlines
// fall due and bonds are forfeited at block time, fed into two fresh
// machines give the generator's app hash at every height, and settle's
// money invariant holds after every block on every machine.
func TestRFQReplay(t *testing.T) {
	final := map[string]string{}
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			h := chaintest.New(t, replayOrgs...)
			first := h.Root()
			rng := rand.New(rand.NewPCG(seed, seed*31+7))
			hubs := []string{"hub-a", "hub-b", "factory-c"}
			factories := []string{"factory-c", "factory-d", "factory-e"}
			everyone := []string{"hub-a", "hub-b", "factory-c", "factory-d", "factory-e", "alice"}
			pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
			salt := func(org string, id uint64) string {
				return hex.EncodeToString([]byte(fmt.Sprintf("salt-%s-%016d", org, id)))
			}
			price := func(org string, id uint64) (gongxu.Amount, gongxu.Units) {
				return gongxu.Amount(2000 + (id*7+uint64(len(org)))%4000), gongxu.Units(100 + id%300)
			}
			var setup [][]byte
			for _, o := range []string{"hub-a", "hub-b", "factory-c", "factory-d"} {
				setup = append(setup, h.Sign(o, settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 5_000_000}))
			}
			codes := map[gongxu.Kind]int{}
			forfeits, returns := 0, 0
			var blocks []chaintest.Recorded
			var roots []string
			posted := uint64(0)
			for len(blocks) < 150 {
				txs := setup
				setup = nil
				for i := rng.IntN(12); i > 0; i-- {
					id := uint64(1 + rng.IntN(int(posted)+2)) // mostly one of the latest RFQs
					if back := uint64(rng.IntN(3)); rng.IntN(4) > 0 && posted > back {
						id = posted - back
					}
					org := pick(everyone)
					var tx []byte
					switch rng.IntN(10) {
					case 0, 1:
						bond := gongxu.Amount([]int{0, 1000, 50_000, 300_000, 600_000, -5}[rng.IntN(6)])
						bidAt := h.Time + 1000 + int64(rng.IntN(6*3600*1000))
						tx = h.Sign(pick(hubs), rfq.TypePost, rfq.MsgPost{Title: "Bags", Unit: "piece", Qty: 1000, MaxPrice: 5000,
							Currency: "CNY", Bond: bond, BidDeadline: bidAt, RevealDeadline: bidAt + int64(1+rng.IntN(6*3600*1000)),
							TargetDate: bidAt + 10*day})
					case 2, 3:
						org = pick(factories)
						p, q := price(org, id)
						if rng.IntN(4) == 0 {
							p++ // a replacement that will not reveal
						}
						s, _ := hex.DecodeString(salt(org, id))
						tx = h.Sign(org, rfq.TypeBid, rfq.MsgBid{RFQ: id, Commitment: rfq.Commitment(id, gongxu.OrgID(org), p, q, 10, s)})
					case 4, 5, 6:
						if rng.IntN(4) > 0 {
							org = pick(factories)
						}
						p, q := price(org, id)
						if rng.IntN(5) == 0 {
							q++
						}
						tx = h.Sign(org, rfq.TypeReveal, rfq.MsgReveal{RFQ: id, UnitPrice: p, Qty: q, LeadDays: 10, Salt: salt(org, id)})
					case 7:
						r, _ := h.Mods.RFQ.RFQ(h.State, id)
						bids, _ := h.Mods.RFQ.Bids(h.State, id)
						var lines []rfq.AwardLine
						for _, b := range bids {
							if b.Revealed && rng.IntN(2) == 0 {
								lines = append(lines, rfq.AwardLine{Bidder: b.Bidder, Qty: b.Qty})
							}
						}
						if len(lines) == 0 {
							lines = []rfq.AwardLine{{Bidder: gongxu.OrgID(pick(factories)), Qty: 10}}
						}
						signer := string(r.Requester)
						if signer == "" || rng.IntN(4) == 0 {
							signer = org
						}
						tx = h.Sign(signer, rfq.TypeAward, rfq.MsgAward{RFQ: id, Awards: lines})
					default:
						r, _ := h.Mods.RFQ.RFQ(h.State, id)
						signer := string(r.Requester)
						if signer == "" || rng.IntN(3) == 0 {
							signer = org
						}
						tx = h.Sign(signer, rfq.TypeCancel, rfq.MsgCancel{RFQ: id, Reason: "changed plans"})
					}
					txs = append(txs, tx)
				}
				if rng.IntN(3) == 0 {
					h.Advance(int64(rng.IntN(4 * 3600 * 1000)))
				}
				res := h.Block(txs...)
				for _, r := range res.Txs {
					codes[gongxu.Kind(r.Code)]++
					for _, ev := range r.Events {
						if ev.Type == gongxu.EventMove && ev.Get("reason") == string(gongxu.ReasonBondReturn) {
							returns++
						}
					}
				}
				for _, ev := range res.Events {
					if ev.Type == gongxu.EventMove && ev.Get("reason") == string(gongxu.ReasonForfeit) {
						forfeits++
					}
				}
				for { // the RFQs posted so far
					if _, err := h.Mods.RFQ.RFQ(h.State, posted+1); err != nil {
						break
					}
					posted++
				}
				if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
					t.Fatalf("height %d: %v", h.Height, err)
				}
				for _, who := range everyone {
					h.ResetSeq(who)
				}
				blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
				roots = append(roots, h.Root())
			}
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized, gongxu.KindExpired} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			if forfeits == 0 || returns == 0 {
				t.Fatalf("%d bonds forfeited, %d returned: the blocks must do both", forfeits, returns)
			}
			t.Logf("codes %v; %d bonds forfeited at block time, %d returned", codes, forfeits, returns)
			chaintest.Replay(t, replayOrgs, first, blocks, roots, 2, func(r *chaintest.Harness) error { return r.Mods.Settle.CheckInvariant(r.State) })
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	chaintest.PinAppHashes(t, "testdata/replay.golden", final)
}
