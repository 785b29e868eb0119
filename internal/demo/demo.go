package demo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/node"
)

// Orgs is the example network that gongxu up --demo admits.
var Orgs = []gongxu.Org{
	{ID: "lakeside-fabrics", Name: "Lakeside Fabrics", Roles: []gongxu.Role{gongxu.RoleSupplier}, Description: "Cotton and linen weaving, dye works"},
	{ID: "acme-apparel", Name: "Acme Apparel", Roles: []gongxu.Role{gongxu.RoleFactory}, Description: "Jackets and outerwear, 40 sewing lines"},
	{ID: "sunrise-garments", Name: "Sunrise Garments", Roles: []gongxu.Role{gongxu.RoleFactory}, Description: "Knitwear and T-shirts"},
	{ID: "hilltown-hub", Name: "Hilltown Community Hub", Roles: []gongxu.Role{gongxu.RoleHub}, Description: "Group-buy leader for Hilltown village"},
	{ID: "riverside-hub", Name: "Riverside Shop", Roles: []gongxu.Role{gongxu.RoleHub}, Description: "Corner shop and pickup point"},
	{ID: "oldtown-hub", Name: "Old Town Pickup Point", Roles: []gongxu.Role{gongxu.RoleHub}, Description: "Parcel lockers by the bus station"},
	{ID: yarnMill, Name: "Northfield Yarns", Roles: []gongxu.Role{gongxu.RoleSupplier}, Description: "Cotton spinning: Lakeside Fabrics' yarn"},
	{ID: carrier, Name: "Swift Freight", Roles: []gongxu.Role{gongxu.RoleLogistics}, Description: "Trucks between the mills, the factory and the hubs"},
}

// The demo's yarn supplier (the second tier of the cascade: Lakeside
// Fabrics weaves its yarn) and its carrier.
const (
	yarnMill = "northfield-yarns"
	carrier  = "swift-freight"
)

var hubs = []string{"hilltown-hub", "riverside-hub", "oldtown-hub"}

// Token is the name of the API token that gongxu up --demo makes.
const Token = "demo"

// DefaultClose is how long after the pools open the jacket pool closes (in
// block time); the T-shirt pool closes at two thirds of it.
const DefaultClose = 3 * time.Minute

// Options tune the story's pace.
type Options struct {
	Close time.Duration // 0: DefaultClose; a test tells the whole story in a minute
}

// Run builds the example network through real transactions, signed with
// keys of the home's keyring (one per org, named after it):
//
//  1. the eight orgs are admitted by proposals, the members voting yes;
//  2. the factories publish products and the hubs record their consumers'
//     deposits;
//  3. three pools open: a jacket pool that fills past its minimum batch in
//     hub batches, closes at its deadline a few minutes on and becomes a
//     production order, which the factory plans (purchase orders to Lakeside
//     Fabrics, which accepts them and plans its own part: a purchase order
//     of yarn to Northfield Yarns, shipped by Swift Freight's truck and
//     received, and a work order weaving the fabric from the yarn lot; then
//     Lakeside ships and is received; a work order consumes the fabric and
//     thread lots and makes the jacket lot); the factory ships each hub its
//     share, Swift Freight carrying the first hub's (pickup and proof of
//     delivery on the ledger), before two hubs confirm delivery; a T-shirt pool that falls short and refunds
//     every pledge at its deadline; and a scarf pool that stays open for a
//     week, so the pools page always shows a group filling up.
//
// Before the pools open, each hub records HistoryWeeks of its past weekly
// sales of the jacket (each variant) and the T-shirt (pool/history), so the
// demand pages show series, forecasts and a suggested pool on the first run.
//
// Each step is skipped when it was done on an earlier run. Run logs each
// step on log, and returns once the story is told (or with the context's
// error).
func Run(ctx context.Context, n *node.Node, log *slog.Logger, o Options) error {
	if o.Close <= 0 {
		o.Close = DefaultClose
	}
	kr := n.Keyring()
	if kr == nil {
		return gongxu.Errorf(gongxu.KindUnavailable, "demo: the node has no keyring to sign with")
	}
	send := func(keyName, typ string, body any) (string, error) {
		r, err := n.Send(ctx, keyName, typ, body)
		if err != nil {
			return "", err
		}
		if r.Code != 0 {
			return "", gongxu.Errorf(gongxu.Kind(r.Code), "demo %s by %s: %s", typ, keyName, r.Message)
		}
		return r.Hash, nil
	}
	must := func(keyName, typ string, body any) error {
		_, err := send(keyName, typ, body)
		return err
	}
	for n.Height() < 1 {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	// 1. Members.
	voters := []string{node.OperatorKey}
	for _, o := range Orgs {
		k, err := kr.Get(string(o.ID))
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			k, err = kr.Add(string(o.ID))
		}
		if err != nil {
			return err
		}
		if acc, err := n.Account(ctx, k.PubKey); err != nil {
			return err
		} else if acc.Org != "" {
			voters = append(voters, string(o.ID))
			continue
		}
		o.Keys = []gongxu.PubKey{k.PubKey}
		seal, err := kr.NewSealKey() // the org's own: its private terms are sealed to it
		if err != nil {
			return err
		}
		o.SealKey = seal.Public
		if err := must(node.OperatorKey, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: "Admit " + o.Name, Org: &o}); err != nil {
			return err
		}
		id, err := lastProposal(n)
		if err != nil {
			return err
		}
		for _, v := range voters[1:] {
			p, err := n.Modules().Member.Proposal(n.State(), id)
			if err != nil {
				return err
			}
			if p.Status != gongxu.ProposalOpen {
				break
			}
			if err := must(v, member.TypeVote, member.MsgVote{Proposal: id, Yes: true}); err != nil {
				return err
			}
		}
		voters = append(voters, string(o.ID))
		log.Info("demo: admitted", "org", o.ID)
	}
	// 2. Products and money. Skipped when the jacket exists already.
	if _, err := n.Modules().Catalog.Product(n.State(), "acme-apparel/rain-jacket"); err == nil {
		log.Info("demo: the example network is in place")
		return nil
	}
	if err := must("acme-apparel", catalog.TypePublish, catalog.MsgPublish{SKU: "rain-jacket", Name: "Waxed cotton rain jacket", Unit: "piece",
		Description: "Made to order from Lakeside waxed cotton", LeadTimeDays: 21, GTIN: "4006381333931",
		Variants: []gongxu.Variant{{ID: "m-navy", Name: "M / navy"}, {ID: "l-navy", Name: "L / navy"}, {ID: "m-olive", Name: "M / olive"}}}); err != nil {
		return err
	}
	if err := must("sunrise-garments", catalog.TypePublish, catalog.MsgPublish{SKU: "merino-tee", Name: "Merino T-shirt", Unit: "piece", LeadTimeDays: 14}); err != nil {
		return err
	}
	if err := must("sunrise-garments", catalog.TypePublish, catalog.MsgPublish{SKU: "wool-scarf", Name: "Lambswool scarf", Unit: "piece", LeadTimeDays: 10}); err != nil {
		return err
	}
	if err := masterData(must); err != nil {
		return err
	}
	for _, h := range hubs {
		if err := must(h, settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 5_000_000, Ref: "consumers' deposits, week 1"}); err != nil {
			return err
		}
	}
	blockTime := func() (int64, error) {
		st, err := n.Status(ctx)
		if err != nil {
			return 0, err
		}
		bt, err := time.Parse(time.RFC3339Nano, st.BlockTime)
		if err != nil {
			return 0, gongxu.Wrap(err, "block time")
		}
		return bt.UnixMilli(), nil
	}
	now, err := blockTime()
	if err != nil {
		return err
	}
	// The hubs' past sales, so the demand pages have series, forecasts and
	// a suggested pool on the first run.
	if err := salesHistory(n, must, now); err != nil {
		return err
	}
	log.Info(fmt.Sprintf("demo: the hubs recorded %d weeks of their past sales of the jacket and the T-shirt", HistoryWeeks))
	// The pools' deadlines count from now, after the history's blocks.
	t0, err := blockTime()
	if err != nil {
		return err
	}
	// 3. Pools, deadlines in block time.
	jacket := pool.MsgOpen{Product: "acme-apparel/rain-jacket", Currency: "CNY", CasePack: 1, MOQ: 60, Cap: 300,
		Tiers:    []gongxu.Tier{{MinQty: 1, UnitPrice: 12900}, {MinQty: 60, UnitPrice: 10900}, {MinQty: 120, UnitPrice: 9900}},
		Deadline: t0 + o.Close.Milliseconds(), LockMs: o.Close.Milliseconds() / 6, Terms: "Made in the 21 days after the pool closes; pickup at your hub."}
	tee := pool.MsgOpen{Product: "sunrise-garments/merino-tee", Currency: "CNY", CasePack: 1, MOQ: 500, Cap: 2000,
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 8900}, {MinQty: 500, UnitPrice: 6900}}, Deadline: t0 + o.Close.Milliseconds()*2/3}
	scarf := pool.MsgOpen{Product: "sunrise-garments/wool-scarf", Currency: "CNY", CasePack: 1, MOQ: 200, Cap: 1000,
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5900}, {MinQty: 200, UnitPrice: 4900}, {MinQty: 500, UnitPrice: 4500}}, Deadline: t0 + 7*24*3600_000, LockMs: 24 * 3600_000}
	// Sunrise holds 60 scarves it made before (a production order of its
	// own, completed): it sells them in a pool on stock, filled from those
	// lots at its close and ready at once.
	if err := stockScarves(n, must, t0); err != nil {
		return err
	}
	stockScarf := pool.MsgOpen{Product: "sunrise-garments/wool-scarf", Currency: "CNY", CasePack: 1, MOQ: 10, Cap: 60, FromStock: true,
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 4900}, {MinQty: 30, UnitPrice: 4500}}, Deadline: t0 + o.Close.Milliseconds(),
		Terms: "From stock: 60 scarves made last season, shipped to your hub when the pool closes."}
	for _, o := range []struct {
		key string
		m   pool.MsgOpen
	}{{"acme-apparel", jacket}, {"sunrise-garments", tee}, {"sunrise-garments", scarf}, {"sunrise-garments", stockScarf}} {
		if err := must(o.key, pool.TypeOpen, o.m); err != nil {
			return err
		}
	}
	jacketID, teeID, scarfID, stockID := uint64(1), uint64(2), uint64(3), uint64(4)
	variants := []string{"m-navy", "l-navy", "m-olive"}
	var firstBatch string // the first hub's first jacket batch: its consumers pick up
	// The T-shirt pool closes first: its batches go first, so that a slow
	// machine's blocks do not push them past its deadline.
	for _, h := range hubs {
		if err := must(h, pool.TypeBatch, pool.MsgBatch{Pool: teeID, Leaves: leaves(h, teeID, 0, 12, nil)}); err != nil {
			return err
		}
	}
	for i, h := range hubs {
		for b := 0; b < 2; b++ {
			tx, err := send(h, pool.TypeBatch, pool.MsgBatch{Pool: jacketID, Leaves: leaves(h, jacketID, b, 9+3*i, variants)})
			if err != nil {
				return err
			}
			if i == 0 && b == 0 {
				firstBatch = tx
			}
		}
		if err := must(h, pool.TypeBatch, pool.MsgBatch{Pool: scarfID, Leaves: leaves(h, scarfID, 0, 15+5*i, nil)}); err != nil {
			return err
		}
	}
	// The pool on stock last, so that the pools before it get their
	// batches in time on a slow machine.
	for _, h := range hubs {
		if err := must(h, pool.TypeBatch, pool.MsgBatch{Pool: stockID, Leaves: leaves(h, stockID, 0, 4, nil)}); err != nil {
			return err
		}
	}
	log.Info(fmt.Sprintf("demo: three pools open; the T-shirt pool fails and refunds at its deadline in %s, the jacket pool succeeds in %s", o.Close*2/3, o.Close))
	// Once the jacket pool has closed, the factory starts production and the
	// hubs confirm delivery, which pays the factory.
	for {
		p, err := n.Modules().Pool.Pool(n.State(), jacketID)
		if err != nil {
			return err
		}
		if p.Status != gongxu.PoolOpen {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	if err := produce(ctx, n, log, must, jacketID); err != nil {
		return err
	}
	// Acme ships each hub its share (packed and shipped: EPCIS events the
	// flow emits); two hubs confirm, which pays Acme; at the first, two
	// consumers pick up with their receipts.
	for _, h := range hubs {
		if err := must("acme-apparel", pool.TypeShip, pool.MsgShip{Pool: jacketID, Hub: gongxu.OrgID(h)}); err != nil {
			return err
		}
	}
	// Swift Freight carries the first hub's share: assigned by Acme, picked
	// up at Acme's, delivered with a proof of delivery; the hub confirms.
	if err := carry(n, must, "acme-apparel", gongxu.LegAssignBody{Pool: jacketID, Hub: gongxu.OrgID(hubs[0]), Carrier: carrier}, "Li Na, Hilltown"); err != nil {
		return err
	}
	log.Info("demo: Swift Freight delivered the first hub's jackets", "hub", hubs[0])
	for _, h := range hubs[:2] {
		if err := must(h, pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: jacketID}); err != nil {
			return err
		}
	}
	hub := hubs[0]
	receipts := pool.Receipts(firstBatch, jacketID, gongxu.OrgID(hub), leaves(hub, jacketID, 0, 9, variants))
	for i, r := range receipts[:2] {
		r.Secret = secret(hub, jacketID, 0, i) // the consumer's copy
		if err := must(hub, pool.TypePickup, pool.MsgPickup{Pool: jacketID, Receipt: &r}); err != nil {
			return err
		}
	}
	log.Info("demo: the jacket pool shipped to its hubs; two of three confirmed delivery, two consumers picked up", "hub", hub)
	return shipStock(ctx, n, log, must, stockID)
}

// leaves makes a hub's batch of k pseudonymous consumers, 1 to 3 units each.
func leaves(hub string, poolID uint64, batch, k int, variants []string) []gongxu.PoolLeaf {
	out := make([]gongxu.PoolLeaf, k)
	for i := range out {
		h := sha256.Sum256([]byte(fmt.Sprintf("demo consumer %s/%d/%d/%d", hub, poolID, batch, i)))
		commit, err := gongxu.PickupCommit(secret(hub, poolID, batch, i))
		if err != nil {
			panic(err)
		}
		out[i] = gongxu.PoolLeaf{ID: hex.EncodeToString(h[:16]), Qty: gongxu.Units(1 + (i*7+batch)%3), Commit: commit}
		if len(variants) > 0 {
			out[i].Variant = variants[(i+batch)%len(variants)]
		}
	}
	return out
}

// secret is the pickup secret of demo consumer i of a hub's batch.
func secret(hub string, poolID uint64, batch, i int) string {
	h := sha256.Sum256([]byte(fmt.Sprintf("demo pickup secret %s/%d/%d/%d", hub, poolID, batch, i)))
	return hex.EncodeToString(h[:])
}

// lastProposal returns the id of the newest proposal in the committed state.
func lastProposal(n *node.Node) (uint64, error) {
	var id uint64
	for i := uint64(1); ; i++ {
		if _, err := n.Modules().Member.Proposal(n.State(), i); err != nil {
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				return id, nil
			}
			return 0, err
		}
		id = i
	}
}
