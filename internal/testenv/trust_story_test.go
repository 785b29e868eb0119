package testenv_test

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/dispute"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	settlement "github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/seal"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// The trust story's numbers. The windows are the network's parameters,
// set short in its genesis (a network's members may choose them; the
// defaults are days).
const (
	trustSettleMs   = 10_000 // dispute_settle_ms: the parties' time to settle
	trustVoteMs     = 60_000 // dispute_vote_ms: the panel's time (all three vote well before)
	trustConfirmMs  = 20_000 // pool_confirm_grace_ms: a shipped share's time to be confirmed or disputed
	trustStartMs    = 10_000 // pool_start_grace_ms
	trustPrice      = 10_000 // the pool's one tier
	trustHubBPS     = 500    // each hub's share of its own payout
	trustCarrierBPS = 200    // the carrier's share of every payout
	trustClaimed    = 30_000 // hub A claims 3 of its 6 units short
	trustPOPrice    = 7_364_519
)

// trustVotes are the panel's splits, in panel order: the ruling is the
// largest split a majority voted for at least, the median 20 000.
var trustVotes = []gongxu.Amount{15_000, 20_000, 30_000}

const trustRuling = 20_000

// TestTrustStory runs issue 14's story on 4 validators, each its own
// process, on real block time with short windows: a factory (org-0) opens a
// pool with two hubs (hub-a, hub-b), a hub share of 5 % and a carrier's
// share of 2 % (carrier-c); it succeeds, goes into production and both
// shares ship. Hub A disputes a short delivery; the factory does not
// answer; at the settle deadline a panel of three is drawn from the four
// member orgs that are neither parties nor tied (hub-b, another hub of the
// pool, and carrier-c, paid from every payout, are), the panel votes and
// the ruling moves the money. Hub B says nothing: its share is confirmed at its deadline
// with no transaction. A purchase order from the factory to its supplier
// (org-1) with sealed terms: the price is in neither the ledger nor any
// API answer of a third org's node, and the factory's node shows it; the
// supplier accepts it, ships it in two parts and the factory receives
// them; the supplier's reputation (on time, fill rate) is exactly what
// those facts make it. The factory's reputation shows the dispute with its
// outcome and the on-time and fill facts of the two shares. Every check reads node 3, which took
// no transaction (org-3 only votes, through another node).
func TestTrustStory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network of processes")
	}
	start := time.Now()
	net := testenv.NewNetwork(t, 4)

	// The people of the story sign with keys of their own; the factory's
	// and the supplier's get a second key, so that their nodes (which sign
	// with the operator keys) never compete with the test for a sequence.
	key := func() ed25519.PrivateKey {
		_, k, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	factory := newSigner(net.Nodes[0].Org, key())
	supplier := newSigner(net.Nodes[1].Org, key())
	hubA, hubB := newSigner("hub-a", key()), newSigner("hub-b", key())
	carrier := newSigner("carrier-c", key())
	supplierD := newSigner("supplier-d", key())
	if factory.org != "org-0" || supplier.org != "org-1" {
		t.Fatalf("testnet orgs are %s, %s; want org-0, org-1", factory.org, supplier.org)
	}
	params := gongxu.DefaultParams()
	params.DisputeSettleMs, params.DisputeVoteMs = trustSettleMs, trustVoteMs
	params.PoolConfirmGraceMs, params.PoolStartGraceMs = trustConfirmMs, trustStartMs
	editGenesis(t, net, func(g *member.Genesis) {
		for i := range g.Orgs {
			switch g.Orgs[i].ID {
			case factory.org:
				g.Orgs[i].Keys = append(g.Orgs[i].Keys, factory.pub)
			case supplier.org:
				g.Orgs[i].Keys = append(g.Orgs[i].Keys, supplier.pub)
			}
		}
		g.Orgs = append(g.Orgs,
			gongxu.Org{ID: hubA.org, Name: "Hub A", Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{hubA.pub}},
			gongxu.Org{ID: hubB.org, Name: "Hub B", Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{hubB.pub}},
			gongxu.Org{ID: carrier.org, Name: "Carrier C", Roles: []gongxu.Role{gongxu.RoleLogistics}, Keys: []gongxu.PubKey{carrier.pub}},
			gongxu.Org{ID: supplierD.org, Name: "Supplier D", Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{supplierD.pub}})
		g.Params = &params
	})
	net.StartAll()
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	s := &story{t: t, net: net, ctx: ctx, start: start}
	for i := range net.Nodes {
		s.must(net.WaitHeight(ctx, i, 2))
	}
	const R = 3 // the reading node: org-3's, which sends nothing through itself
	F := factory.org
	// Panelists sign with whatever key their org has here.
	signers := map[gongxu.OrgID]*signer{
		supplier.org: supplier, carrier.org: carrier, supplierD.org: supplierD,
		net.Nodes[2].Org: newSigner(net.Nodes[2].Org, net.OperatorKey(2)),
		net.Nodes[3].Org: newSigner(net.Nodes[3].Org, net.OperatorKey(3)),
	}
	s.logf("4 validators up in %s; genesis adds %s, %s, %s, %s and the windows settle %d ms, vote %d ms, confirm %d ms",
		net.Dir, hubA.org, hubB.org, carrier.org, supplierD.org, trustSettleMs, trustVoteMs, trustConfirmMs)

	// 1. The pool: two hubs, 5 % to each hub of its own share's payout and
	// 2 % of every payout to the carrier.
	s.send(0, factory, catalog.TypePublish, catalog.MsgPublish{SKU: "rain-jacket", Name: "Waxed cotton rain jacket", Unit: "piece", LeadTimeDays: 21})
	s.parallel(2, func(k int) error {
		h := []*signer{hubA, hubB}[k]
		res, err := s.trySend(1+k, h, settlement.TypeDeposit, settlement.MsgDeposit{Currency: storyCurrency, Amount: storyDeposit})
		return committed(res, err, "deposit of "+string(h.org))
	})
	res := s.send(0, factory, pool.TypeOpen, pool.MsgOpen{Product: gongxu.NewProductID(F, "rain-jacket"),
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: trustPrice}}, MOQ: 10, Cap: 100, CasePack: 1, Currency: storyCurrency,
		Deadline: s.blockTime(0) + 10_000, Hubs: []gongxu.OrgID{hubA.org, hubB.org}, HubBPS: trustHubBPS,
		Enablers: []gongxu.EnablerShare{{Org: carrier.org, Role: "carrier", BPS: trustCarrierBPS}},
		Terms:    "delivered to the hubs by carrier-c; of each delivery's payout 5 % to its hub, 2 % to the carrier"})
	poolID := s.poolIDOf(0, res.Hash)
	leavesA, qtyA := makeLeaves("trust hub-a", 4, nil) // 6 units
	leavesB, qtyB := makeLeaves("trust hub-b", 3, nil) // 4 units
	s.parallel(2, func(k int) error {
		h, leaves := []*signer{hubA, hubB}[k], [][]pool.Leaf{leavesA, leavesB}[k]
		res, err := s.trySend(1+k, h, pool.TypeBatch, pool.MsgBatch{Pool: poolID, Leaves: leaves})
		return committed(res, err, "batch of "+string(h.org))
	})
	pv := s.waitPool(R, poolID, gongxu.PoolOpen)
	stakeA, stakeB := qtyA*trustPrice, qtyB*trustPrice
	if pv.Status != gongxu.PoolSucceeded || int64(pv.Captured) != stakeA+stakeB || pv.HubBPS != trustHubBPS {
		t.Fatalf("pool %d after its deadline on node %d: %s, captured %d, hub_bps %d; want succeeded, %d, %d", poolID, R, pv.Status, pv.Captured, pv.HubBPS, stakeA+stakeB, trustHubBPS)
	}
	s.must(net.WaitReadModel(ctx, R, pv.History[len(pv.History)-1].Height))
	s.wantBalances(R, "after the close", map[gongxu.AccountID]int64{
		gongxu.OrgAccount(hubA.org): storyDeposit - stakeA, gongxu.OrgAccount(hubB.org): storyDeposit - stakeB,
		gongxu.CapturedAccount(poolID): stakeA + stakeB, gongxu.OrgAccount(F): 0,
	})
	s.logf("step 1: pool %d succeeded with %d units (%s %d, %s %d) at %d: %d captured", poolID, qtyA+qtyB, hubA.org, qtyA, hubB.org, qtyB, trustPrice, stakeA+stakeB)

	// 2. Production, and both shares ship.
	order := s.orderOf(R, poolID)
	s.send(0, factory, production.TypeWOStart, production.MsgWOStart{Order: order.ID, Qty: order.Qty})
	wos, err := net.Client(0).WorkOrders(ctx, order.ID)
	s.must(err)
	if len(wos) != 1 {
		t.Fatalf("order %d has %d work orders, want 1", order.ID, len(wos))
	}
	s.send(0, factory, production.TypeWOComplete, production.MsgWOComplete{WO: wos[0].ID, Produced: order.Qty,
		Outputs: []production.OutputLot{{Code: "trust-1", Qty: order.Qty}}})
	s.send(0, factory, pool.TypeShip, pool.MsgShip{Pool: poolID, Hub: hubA.org})
	shipB := s.send(0, factory, pool.TypeShip, pool.MsgShip{Pool: poolID, Hub: hubB.org})
	s.must(net.WaitReadModel(ctx, R, shipB.Height))
	shares := s.shares(R, poolID)
	for _, h := range []gongxu.OrgID{hubA.org, hubB.org} {
		sh := shares[h]
		if sh.ShippedAt == 0 || sh.ConfirmBy != sh.ShippedAt+trustConfirmMs || sh.Delivered {
			t.Fatalf("share of %s after shipping: %+v; want shipped, confirm_by = shipped_at + %d, not delivered", h, sh, trustConfirmMs)
		}
	}
	s.logf("step 2: order %d made %d; both shares shipped; %s's confirm_by %d (shipped %d + %d ms)",
		order.ID, order.Qty, hubB.org, shares[hubB.org].ConfirmBy, shares[hubB.org].ShippedAt, trustConfirmMs)

	// 3. Hub A disputes a short delivery before its share's deadline; the
	// factory does not answer.
	evidence := leafID("photo of the opened cartons") + leafID("delivery note")
	open := s.send(1, hubA, dispute.TypeOpen, dispute.MsgOpen{Pool: poolID, Kind: gongxu.DisputeShort, Claimed: trustClaimed,
		Evidence: []string{evidence}, Note: "3 of 6 jackets missing from the cartons"})
	s.must(net.WaitReadModel(ctx, R, open.Height))
	d := s.disputeOf(R, open.Hash)
	if d.Status != gongxu.DisputeOpen || d.Claimant != hubA.org || d.Respondent != F || int64(d.Stake) != stakeA ||
		d.Claimed != trustClaimed || d.Deadline != d.Opened+trustSettleMs {
		t.Fatalf("dispute %d on node %d: %+v; want open, %s against %s, stake %d, claimed %d, deadline opened + %d", d.ID, R, d, hubA.org, F, stakeA, trustClaimed, trustSettleMs)
	}
	if sh := s.shares(R, poolID)[hubA.org]; sh.Delivered {
		t.Fatalf("hub A's share is delivered while in dispute: %+v", sh)
	}
	if got := s.balance(R, gongxu.CapturedAccount(poolID), storyCurrency); got != stakeA+stakeB {
		t.Fatalf("captured:%d holds %d after the dispute opened, want %d", poolID, got, stakeA+stakeB)
	}
	s.logf("step 3: %s opened dispute %d (short, claimed %d of a stake of %d) at %d; the share is frozen; the factory says nothing",
		hubA.org, d.ID, d.Claimed, d.Stake, d.Opened)

	// 4. At the settle deadline a panel is drawn: three of the four member
	// orgs that are neither parties nor tied (hub-b, another hub of the
	// pool; carrier-c, paid a share of every payout).
	d = s.waitDispute(R, d.ID, func(d gongxu.Dispute) bool { return d.Status != gongxu.DisputeOpen })
	eligible := []gongxu.OrgID{supplier.org, net.Nodes[2].Org, net.Nodes[3].Org, supplierD.org}
	if d.Status != gongxu.DisputePanel || len(d.Panel) != 3 {
		t.Fatalf("dispute %d after its settle deadline: %s with panel %v (%s); want a panel of 3", d.ID, d.Status, d.Panel, d.PanelNote)
	}
	for _, p := range d.Panel {
		if !slices.Contains(eligible, p) {
			t.Fatalf("dispute %d's panel %v holds %s, which is not eligible (eligible: %v)", d.ID, d.Panel, p, eligible)
		}
	}
	s.logf("step 4: at the settle deadline (height %d) the panel %v was drawn from %v; %s, %s, %s and %s are out",
		d.EscalatedHeight, d.Panel, eligible, F, hubA.org, hubB.org, carrier.org)

	// 5. The panel votes, through nodes 0 to 2; the last vote rules.
	via := 0
	for k, p := range d.Panel {
		// The tied orgs' votes change nothing.
		if k == 0 {
			for _, tied := range []*signer{hubB, carrier} {
				bad, err := s.trySend(2, tied, dispute.TypeVote, dispute.MsgVote{Dispute: d.ID, ToClaimant: 0})
				s.must(err)
				if bad.Code == 0 {
					t.Fatalf("%s, tied to the dispute and not on its panel, voted: %+v", tied.org, bad)
				}
			}
		}
		s.send(via, signers[p], dispute.TypeVote, dispute.MsgVote{Dispute: d.ID, ToClaimant: trustVotes[k]})
		via = (via + 1) % 3
	}
	d = s.waitDispute(R, d.ID, func(d gongxu.Dispute) bool { return d.Status == gongxu.DisputeResolved })
	if d.Outcome != gongxu.OutcomePanel || d.ToClaimant != trustRuling || len(d.Votes) != 3 {
		t.Fatalf("dispute %d: %s, outcome %s, to the claimant %d, %d votes; want resolved by the panel, %d, 3", d.ID, d.Status, d.Outcome, d.ToClaimant, len(d.Votes), trustRuling)
	}
	// A vote after the ruling changes nothing.
	if late, err := s.trySend(0, signers[d.Panel[0]], dispute.TypeVote, dispute.MsgVote{Dispute: d.ID, ToClaimant: trustClaimed}); err != nil || late.Code == 0 {
		t.Fatalf("a vote on resolved dispute %d: %+v, %v; want refused", d.ID, late, err)
	}
	// The ruling: 20 000 back to hub A; of the 40 000 paid out, 5 % to hub
	// A's share, 2 % to the carrier's, the rest to the factory.
	payoutA := stakeA - trustRuling
	shareA, carrierA := payoutA*trustHubBPS/10_000, payoutA*trustCarrierBPS/10_000
	factoryA := payoutA - shareA - carrierA
	h, err := net.Height(0)
	s.must(err)
	s.must(net.WaitReadModel(ctx, R, h))
	movesA := s.movements(R, gongxu.OrgAccount(hubA.org))
	refunded := sumMoves(movesA, storyCurrency, func(m gongxu.Movement) bool {
		return m.From == gongxu.CapturedAccount(poolID) && m.Reason == gongxu.ReasonRefund
	})
	shared := sumMoves(movesA, storyCurrency, func(m gongxu.Movement) bool {
		return m.From == gongxu.CapturedAccount(poolID) && m.Reason == gongxu.ReasonShare
	})
	if refunded != trustRuling || shared != shareA {
		t.Errorf("%s got %d refunded and %d as its share from captured:%d; want %d and %d", hubA.org, refunded, shared, poolID, trustRuling, shareA)
	}
	s.logf("step 5: the panel voted %v; the ruling %d (outcome %s): %s gets %d back and %d (5 %% of %d), %s %d, %s %d",
		trustVotes, d.ToClaimant, d.Outcome, hubA.org, trustRuling, shareA, payoutA, carrier.org, carrierA, F, factoryA)

	// 6. Hub B's share: confirmed at its deadline, with no transaction.
	confirmBy := s.shares(R, poolID)[hubB.org].ConfirmBy
	for !s.shares(R, poolID)[hubB.org].Delivered {
		s.sleep(fmt.Sprintf("%s's share of pool %d confirmed at %d (block time %d)", hubB.org, poolID, confirmBy, s.blockTime(R)))
	}
	h, err = net.Height(0)
	s.must(err)
	s.must(net.WaitReadModel(ctx, R, h))
	payoutB := stakeB
	shareB, carrierB := payoutB*trustHubBPS/10_000, payoutB*trustCarrierBPS/10_000
	factoryB := payoutB - shareB - carrierB
	movesB := s.movements(R, gongxu.OrgAccount(hubB.org))
	var auto []gongxu.Movement
	for _, m := range movesB {
		if m.From == gongxu.CapturedAccount(poolID) {
			auto = append(auto, m)
		}
	}
	if len(auto) != 1 || auto[0].Tx != "" || auto[0].Reason != gongxu.ReasonShare || int64(auto[0].Amount) != shareB || auto[0].Time < confirmBy {
		t.Errorf("%s's movements from captured:%d: %s; want one share of %d at block time ≥ %d with no transaction", hubB.org, poolID, js(auto), shareB, confirmBy)
	}
	pv, err = net.Client(R).Pool(ctx, poolID)
	s.must(err)
	if pv.Status != gongxu.PoolSettled || pv.Captured != 0 || int64(pv.Refunded) != trustRuling || int64(pv.Shared) != shareA+shareB+carrierA+carrierB ||
		int64(pv.Released) != factoryA+factoryB {
		t.Errorf("pool %d at the end: %s, captured %d, refunded %d, shared %d, released %d; want settled, 0, %d, %d, %d",
			poolID, pv.Status, pv.Captured, pv.Refunded, pv.Shared, pv.Released, trustRuling, shareA+shareB+carrierA+carrierB, factoryA+factoryB)
	}
	s.wantBalances(R, "after the ruling and the automatic confirmation", map[gongxu.AccountID]int64{
		gongxu.OrgAccount(hubA.org):    storyDeposit - stakeA + trustRuling + shareA,
		gongxu.OrgAccount(hubB.org):    storyDeposit - stakeB + shareB,
		gongxu.OrgAccount(F):           factoryA + factoryB,
		gongxu.OrgAccount(carrier.org): carrierA + carrierB,
		gongxu.CapturedAccount(poolID): 0, gongxu.EscrowAccount(poolID): 0,
	})
	s.logf("step 6: at block time ≥ %d %s's share was confirmed with no transaction: %d to its share, %d to %s's, %d to %s; pool %d settled",
		confirmBy, hubB.org, shareB, carrierB, carrier.org, factoryB, F, poolID)

	// 7. A purchase order with sealed terms: the factory's price reaches
	// the two parties' nodes only.
	s.send(1, supplier, production.TypeOffer, production.MsgOffer{Item: "waxed-cotton", Unit: "m", LeadTimeDays: 5, UnitPrice: 4_500, Currency: storyCurrency})
	s.must(net.WaitReadModel(ctx, 0, supplier.last))
	fo, err := net.Client(0).Org(ctx, F)
	s.must(err)
	so, err := net.Client(0).Org(ctx, supplier.org)
	s.must(err)
	lines := []gongxu.POLine{{Item: "waxed-cotton", Qty: 50_000, Date: s.blockTime(0) + 30*24*3600*1000}}
	terms, err := seal.NewTerms(nil, []gongxu.Amount{trustPOPrice}, "net 30, delivered")
	s.must(err)
	sealed, err := seal.Seal(nil, lines, terms, seal.Reader{Org: F, Key: fo.SealKey}, seal.Reader{Org: supplier.org, Key: so.SealKey})
	s.must(err)
	poRes := s.send(0, factory, production.TypePO, production.MsgPO{Supplier: supplier.org,
		Lines: []production.LineIn{{Item: lines[0].Item, Qty: lines[0].Qty, Date: lines[0].Date}}, Terms: &sealed})
	s.caughtUp(poRes.Height)
	po := s.waitPO(0, F, func(p gongxu.PurchaseOrder) bool { return p.Supplier == supplier.org && p.Terms != nil })
	if po.Opened == nil || po.Opened.As != F || po.Opened.Refused != "" || len(po.Lines) != 1 || po.Lines[0].UnitPrice != trustPOPrice {
		t.Fatalf("purchase order %d on the factory's node: opened %+v, lines %+v; want opened as %s with unit price %d", po.ID, po.Opened, po.Lines, F, trustPOPrice)
	}
	price := priceMatcher(trustPOPrice)
	for _, third := range []int{2, 3} {
		c := net.Client(third)
		p, err := c.PO(ctx, po.ID)
		s.must(err)
		if p.Opened != nil || p.Lines[0].UnitPrice != 0 || p.Terms == nil {
			t.Errorf("purchase order %d on %s's node: opened %+v, lines %+v", po.ID, net.Nodes[third].Org, p.Opened, p.Lines)
		}
		api := net.Nodes[third].API
		paths := []string{
			fmt.Sprintf("/v1/purchase-orders/%d", po.ID),
			"/v1/purchase-orders?org=" + string(F), "/v1/purchase-orders?org=" + string(supplier.org),
			"/v1/txs/" + poRes.Hash, "/v1/txs?limit=50", "/v1/offers?supplier=" + string(supplier.org),
			"/v1/orgs/" + string(supplier.org) + "/reputation", "/v1/orgs/" + string(F) + "/reputation",
			fmt.Sprintf("/purchase-orders/%d", po.ID),
		}
		for _, path := range paths {
			body := s.get(api + path)
			if loc := price.FindStringIndex(body); loc != nil {
				t.Errorf("%s's node serves the sealed price in GET %s: …%s…", net.Nodes[third].Org, path, body[max(loc[0]-80, 0):min(loc[1]+80, len(body))])
			}
		}
		// The ledger itself: the block holding the transaction, as this
		// node's CometBFT serves it.
		raw := s.get(fmt.Sprintf("%s/block?height=%d", net.Nodes[third].RPC, poRes.Height))
		var rpc struct {
			Result struct {
				Block struct {
					Data struct {
						Txs []string `json:"txs"`
					} `json:"data"`
				} `json:"block"`
			} `json:"result"`
		}
		s.must(json.Unmarshal([]byte(raw), &rpc))
		found := false
		for _, tx := range rpc.Result.Block.Data.Txs {
			b, err := base64.StdEncoding.DecodeString(tx)
			s.must(err)
			found = found || strings.Contains(string(b), sealed.Commitment)
			if price.Match(b) {
				t.Errorf("the sealed price is readable in a transaction of block %d on the ledger (via %s's node)", poRes.Height, net.Nodes[third].Org)
			}
		}
		if !found || price.MatchString(raw) {
			t.Errorf("block %d from %s's CometBFT: the purchase order's transaction found %v, the price readable %v", poRes.Height, net.Nodes[third].Org, found, price.MatchString(raw))
		}
	}
	// The searches can find the price: the factory's node shows it.
	if body := s.get(net.Nodes[0].API + fmt.Sprintf("/v1/purchase-orders/%d", po.ID)); !price.MatchString(body) {
		t.Errorf("the factory's node does not show the price %d of its purchase order %d: %s", trustPOPrice, po.ID, body)
	}
	s.logf("step 7: purchase order %d sealed to %s and %s: their nodes open it at %d; org-2's and org-3's API answers, pages and ledger hold no trace of it",
		po.ID, F, supplier.org, trustPOPrice)

	// 7b. The supplier accepts the sealed order, promising the fabric two
	// days after the requested date, and ships it in two parts (30 m, then
	// the other 20 m), weeks before its promise; the factory receives both.
	promised := lines[0].Date + 2*24*3600*1000
	accept := s.send(1, supplier, production.TypePOAccept, production.MsgPOAccept{PO: po.ID, Promised: []int64{promised}})
	ship1 := []production.LotLine{{Line: 1, Lot: gongxu.NewLotID(supplier.org, "wax-1"), Qty: 30_000}}
	ship2 := []production.LotLine{{Line: 1, Lot: gongxu.NewLotID(supplier.org, "wax-2"), Qty: 20_000}}
	s.send(1, supplier, production.TypeShip, production.MsgShip{PO: po.ID, Lines: ship1})
	s2 := s.send(2, supplier, production.TypeShip, production.MsgShip{PO: po.ID, Lines: ship2})
	s.send(0, factory, production.TypeReceive, production.MsgReceive{PO: po.ID, Shipment: 1, Lines: ship1})
	rcv := s.send(0, factory, production.TypeReceive, production.MsgReceive{PO: po.ID, Shipment: 2, Lines: ship2})
	s.must(net.WaitReadModel(ctx, R, rcv.Height))
	for _, l := range append(ship1, ship2...) {
		lot, err := net.Client(R).Lot(ctx, gongxu.NewLotID(F, string(l.Lot)))
		s.must(err)
		if lot.Owner != F || lot.Qty != l.Qty || lot.PO != po.ID {
			t.Fatalf("received lot from %s on node %d: %+v; want %d at %s from purchase order %d", l.Lot, R, lot, l.Qty, F, po.ID)
		}
	}
	rec2, err := net.Client(R).Tx(ctx, s2.Hash)
	s.must(err)
	bt, err := time.Parse(time.RFC3339Nano, rec2.Time)
	s.must(err)
	completed := bt.UnixMilli() // the shipment that completed the line
	s.logf("step 7b: %s accepted purchase order %d promising %d, shipped 30 000 + 20 000 of 50 000 (complete at %d), %s received both",
		supplier.org, po.ID, promised, completed, F)

	// 7c. The supplier's reputation from a third org's node, worked out
	// from those facts: one obligation (the order's one line), closed by the
	// shipment that completed it, before the end of its promised day: on
	// time and in full (1 of 1, 10 000; weighted 10 000: the fact is
	// minutes old, a step of the 180-day half-life is 2.8 days); no dispute
	// against it, no recall; one counterparty, the factory, with one order:
	// it has not come back (0 of 1).
	srep, err := net.Client(R).Reputation(ctx, supplier.org, 10)
	s.must(err)
	if srep.Obligations != 1 {
		t.Errorf("%s's reputation counts %d obligations, want the 1 line of purchase order %d", supplier.org, srep.Obligations, po.ID)
	}
	for _, w := range []struct {
		f                                   gongxu.ReputationFigure
		count, scored, hits, rate, weighted int64
	}{
		{srep.OnTime, 1, 1, 1, 10_000, 10_000},
		{srep.FillRate, 1, 1, 1, 10_000, 10_000},
		{srep.Disputes, 0, 0, 0, -1, -1},
		{srep.Recalls, 0, 0, 0, -1, -1},
		{srep.Repeat, 1, 1, 0, 0, 0},
	} {
		if w.f.Count != w.count || w.f.Scored != w.scored || w.f.Hits != w.hits || w.f.Rate != w.rate || w.f.Weighted != w.weighted {
			t.Errorf("%s's %s: count %d, scored %d, hits %d, rate %d, weighted %d; want %d, %d, %d, %d, %d: %s", supplier.org, w.f.Figure,
				w.f.Count, w.f.Scored, w.f.Hits, w.f.Rate, w.f.Weighted, w.count, w.scored, w.hits, w.rate, w.weighted, js(w.f.Facts))
		}
	}
	// Each fact is the line as the story made it, linked to its transactions.
	onTime, err := net.Client(R).ReputationFacts(ctx, supplier.org, gongxu.FigureOnTime, 0, 10)
	s.must(err)
	for _, facts := range [][]gongxu.ReputationFact{srep.OnTime.Facts, srep.FillRate.Facts, onTime.Facts} {
		if len(facts) != 1 {
			t.Errorf("%s's on-time and fill facts: %s; want the one line", supplier.org, js(facts))
			continue
		}
		f := facts[0]
		if f.Kind != gongxu.FactPOLine || f.Ref != fmt.Sprintf("po:%d:1", po.ID) || f.Counterparty != F || f.Item != "waxed-cotton" ||
			f.Promised != promised || f.Delivered != completed || f.Time != completed || f.Ordered != 50_000 || f.Shipped != 50_000 ||
			f.Score != 10_000 || f.Weight != 1_000_000 || !slices.Contains(f.Txs, s2.Hash) {
			t.Errorf("%s's fact %s; want line 1 of purchase order %d for %s, waxed-cotton, promised %d, delivered %d by tx %s, 50 000 of 50 000, score 10 000, weight 1 000 000",
				supplier.org, js(f), po.ID, F, promised, completed, s2.Hash)
		}
	}
	if len(srep.Repeat.Facts) != 1 || srep.Repeat.Facts[0].Counterparty != F || srep.Repeat.Facts[0].Score != 0 {
		t.Errorf("%s's repeat facts: %s; want %s, not come back", supplier.org, js(srep.Repeat.Facts), F)
	}
	// Nor do the supplier's figures give the sealed price away.
	for _, path := range []string{"/v1/orgs/" + string(supplier.org) + "/reputation", "/v1/orgs/" + string(supplier.org) + "/reputation/on_time",
		fmt.Sprintf("/v1/purchase-orders/%d", po.ID)} {
		if body := s.get(net.Nodes[R].API + path); price.MatchString(body) {
			t.Errorf("node %d serves the sealed price in GET %s after the shipment", R, path)
		}
	}
	s.logf("step 7c: %s's reputation on node %d: on time %d/%d, fill %d/%d (weighted %d, %d), disputes %d, repeat %d/%d (accepted by %s)",
		supplier.org, R, srep.OnTime.Hits, srep.OnTime.Count, srep.FillRate.Hits, srep.FillRate.Count, srep.OnTime.Weighted,
		srep.FillRate.Weighted, srep.Disputes.Count, srep.Repeat.Hits, srep.Repeat.Count, accept.Hash)

	// 8. The factory's reputation, from a third org's node: the dispute
	// against it and its outcome, two shares shipped in full and on time,
	// two counterparties that have not come back yet.
	rep, err := net.Client(R).Reputation(ctx, F, 10)
	s.must(err)
	if rep.Obligations != 2 {
		t.Errorf("%s's reputation counts %d obligations, want its 2 hub shares", F, rep.Obligations)
	}
	want := []struct {
		f                         gongxu.ReputationFigure
		count, scored, hits, rate int64
	}{
		{rep.OnTime, 2, 2, 2, 10_000},
		{rep.FillRate, 2, 2, 2, 10_000},
		{rep.Disputes, 1, 1, 1, 10_000},
		{rep.Recalls, 0, 0, 0, -1},
		{rep.Repeat, 2, 2, 0, 0},
	}
	for _, w := range want {
		if w.f.Count != w.count || w.f.Scored != w.scored || w.f.Hits != w.hits || w.f.Rate != w.rate {
			t.Errorf("%s's %s: count %d, scored %d, hits %d, rate %d; want %d, %d, %d, %d: %s",
				F, w.f.Figure, w.f.Count, w.f.Scored, w.f.Hits, w.f.Rate, w.count, w.scored, w.hits, w.rate, js(w.f.Facts))
		}
	}
	if len(rep.Disputes.Facts) == 1 {
		f := rep.Disputes.Facts[0]
		if f.Kind != gongxu.FactDispute || f.Ref != fmt.Sprint(d.ID) || f.Counterparty != hubA.org ||
			f.Note != fmt.Sprintf("%s %d/%d", gongxu.OutcomePanel, trustRuling, trustClaimed) || !slices.Contains(f.Txs, open.Hash) {
			t.Errorf("the dispute fact of %s: %s; want dispute %d by %s, %q, from tx %s", F, js(f), d.ID, hubA.org,
				fmt.Sprintf("%s %d/%d", gongxu.OutcomePanel, trustRuling, trustClaimed), open.Hash)
		}
	}
	final := s.shares(R, poolID)
	for _, f := range rep.OnTime.Facts {
		sh, ok := final[f.Counterparty]
		if f.Kind != gongxu.FactPoolShare || !ok || f.Delivered != sh.ShippedAt || f.Score != 10_000 {
			t.Errorf("on-time fact %s; want a pool share delivered at its shipment", js(f))
		}
	}
	s.logf("step 8: %s's reputation on node %d: on time %d/%d, fill %d/%d, disputes %d (%s), repeat %d/%d, recalls %d",
		F, R, rep.OnTime.Hits, rep.OnTime.Count, rep.FillRate.Hits, rep.FillRate.Count, rep.Disputes.Count,
		noteOf(rep.Disputes.Facts), rep.Repeat.Hits, rep.Repeat.Count, rep.Recalls.Count)

	// 9. Every node holds the same blocks and app hashes.
	h, err = net.Height(0)
	s.must(err)
	s.caughtUp(h)
	s.must(net.CompareChains(1, h))
	s.logf("done: the 4 nodes agree on blocks 1..%d", h)
}

// editGenesis rewrites the member module's genesis of every node home of
// net (before any node starts): the same file for all.
func editGenesis(t *testing.T, net *testenv.Network, edit func(*member.Genesis)) {
	t.Helper()
	path := filepath.Join(net.Nodes[0].Home, "config", "genesis.json")
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var app map[string]json.RawMessage
	if err := json.Unmarshal(doc["app_state"], &app); err != nil {
		t.Fatal(err)
	}
	var g member.Genesis
	if err := json.Unmarshal(app[member.Name], &g); err != nil {
		t.Fatal(err)
	}
	edit(&g)
	if app[member.Name], err = json.Marshal(g); err != nil {
		t.Fatal(err)
	}
	if doc["app_state"], err = json.Marshal(app); err != nil {
		t.Fatal(err)
	}
	out, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for _, nd := range net.Nodes {
		if err := os.WriteFile(filepath.Join(nd.Home, "config", "genesis.json"), out, 0o600); err != nil {
			t.Fatal(err)
		}
	}
}

// priceMatcher matches an amount in minor units as a number of its own (not
// inside a hash, a base64 box or a longer number), in minor units or as a
// decimal with or without thousands separators.
func priceMatcher(minor int64) *regexp.Regexp {
	units, cents := minor/100, minor%100
	grouped := fmt.Sprint(units)
	for i := len(grouped) - 3; i > 0; i -= 3 {
		grouped = grouped[:i] + "," + grouped[i:]
	}
	forms := []string{fmt.Sprint(minor), fmt.Sprintf("%d.%02d", units, cents), regexp.QuoteMeta(grouped) + fmt.Sprintf(`\.%02d`, cents)}
	return regexp.MustCompile(`(^|[^0-9A-Za-z+/.,])(` + strings.Join(forms, "|") + `)([^0-9A-Za-z+/]|$)`)
}

// get returns the body of a GET of url, which must answer 200.
func (s *story) get(url string) string {
	s.t.Helper()
	req, err := http.NewRequestWithContext(s.ctx, http.MethodGet, url, nil)
	s.must(err)
	resp, err := http.DefaultClient.Do(req)
	s.must(err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	s.must(err)
	if resp.StatusCode != http.StatusOK {
		s.t.Fatalf("GET %s: %s: %.300s", url, resp.Status, b)
	}
	return string(b)
}

// shares returns pool id's hub shares on node i by hub.
func (s *story) shares(i int, id uint64) map[gongxu.OrgID]gongxu.HubShare {
	s.t.Helper()
	list, err := s.net.Client(i).HubShares(s.ctx, id)
	s.must(err)
	out := map[gongxu.OrgID]gongxu.HubShare{}
	for _, sh := range list {
		out[sh.Hub] = sh
	}
	return out
}

// disputeOf returns the dispute the transaction hash opened, from node i.
func (s *story) disputeOf(i int, hash string) gongxu.Dispute {
	s.t.Helper()
	ds, err := s.net.Client(i).Disputes(s.ctx, gongxu.DisputeFilter{})
	s.must(err)
	for _, d := range ds {
		if d.OpenTx == hash {
			return d
		}
	}
	s.t.Fatalf("node %d lists no dispute opened by %s: %s", i, hash, js(ds))
	return gongxu.Dispute{}
}

// waitDispute polls node i until dispute id satisfies ok.
func (s *story) waitDispute(i int, id uint64, ok func(gongxu.Dispute) bool) gongxu.Dispute {
	s.t.Helper()
	for {
		d, err := s.net.Client(i).Dispute(s.ctx, id)
		s.must(err)
		if ok(d) {
			return d
		}
		s.sleep(fmt.Sprintf("dispute %d on node %d (%s, deadline %d, block time %d)", id, i, d.Status, d.Deadline, s.blockTime(i)))
	}
}

// wantBalances checks the balances of accounts on node i.
func (s *story) wantBalances(i int, when string, want map[gongxu.AccountID]int64) {
	s.t.Helper()
	for acct, w := range want {
		if got := s.balance(i, acct, storyCurrency); got != w {
			s.t.Errorf("node %d %s: %s holds %d, want %d", i, when, acct, got, w)
		}
	}
}

func noteOf(fs []gongxu.ReputationFact) string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Note)
	}
	return strings.Join(out, ", ")
}
