package sqlite

import (
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// The demand projection (migrations/0007_demand.sql) derives demand facts
// from the pool events alone, so `gongxu reindex` rebuilds it:
//
//	pool.pledge   a new direct pledge: pledged (contributor key:<consumer>);
//	              a smaller one: refunded, the difference
//	pool.batch    the leaves of the hub's batch, counted as consumers
//	pool.share    the change of the hub's per-variant quantities, less what
//	              the tx's direct pledges explain: the hub's batches
//	              (pledged) or hub reductions (refunded), contributor org:<hub>
//	pool.pool     open → succeeded: every open position captured at the
//	              final price; open → failed: every open position refunded
//	pool.pickup   picked up, at the final price
//	pool.history  a hub's recorded past weeks (migrations/0009): each week
//	              pledged, captured and picked up on its Monday, pool 0,
//	              contributor history:<hub>, standing for its consumers as
//	              anonymous contributors (column anon); a week dated
//	              before its block's day is late (migrations/0011): also
//	              kept in demand_late with its block's height
//
// Every other fact is dated on its block's day, so the on-time facts of a
// past day never change: what a query showed for a closed period can be
// derived again from the facts at any later time (see Demand).
//
// Amounts follow the module: escrow is units × first-tier price, a charge
// units × final price.

// demandStmts are the statements and caches of the demand projection.
type demandStmts struct {
	dFact, dHist, dLate, dOpen, dOpenOf, dOpenDel, dPoolJSON, dShareJSON, dPledgeJSON *sql.Stmt

	dPools  map[uint64]*demandPool
	dShares map[string][]gongxu.VariantQty // by pool "\x00" hub: the last share's variants
	dTx     string                         // the tx the next maps are for
	dDirect map[string]gongxu.Units        // direct pledges' change in dTx, by pool, hub, variant
	dLeaves map[string]int64               // batch leaves in dTx, by pool, hub
	dEarly  map[uint64][]demandChange      // shares of pools not known yet (awarded pools)
}

// demandPool is what the demand projection needs of a pool.
type demandPool struct {
	product, currency string
	status            gongxu.PoolStatus
	first, price      gongxu.Amount
	variants          []string
}

// demandFact is one row's increments.
type demandFact struct {
	pledgedU, capturedU, refundedU, pickedU gongxu.Units
	pledgedM, capturedM, refundedM, pickedM gongxu.Amount
	consumers                               int64
}

func (s *demandStmts) defs() []stmtDef {
	return []stmtDef{
		{&s.dFact, `INSERT INTO demand_facts (product, variant, hub, day, pool, contributor, currency,
			pledged_units, pledged_money, captured_units, captured_money, refunded_units, refunded_money, picked_units, picked_money, consumers)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (product, variant, hub, day, pool, contributor) DO UPDATE SET
			pledged_units = pledged_units + excluded.pledged_units, pledged_money = pledged_money + excluded.pledged_money,
			captured_units = captured_units + excluded.captured_units, captured_money = captured_money + excluded.captured_money,
			refunded_units = refunded_units + excluded.refunded_units, refunded_money = refunded_money + excluded.refunded_money,
			picked_units = picked_units + excluded.picked_units, picked_money = picked_money + excluded.picked_money,
			consumers = consumers + excluded.consumers`},
		{&s.dHist, `INSERT INTO demand_facts (product, variant, hub, day, pool, contributor, currency,
			pledged_units, pledged_money, captured_units, captured_money, picked_units, picked_money, consumers, anon)
			VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (product, variant, hub, day, pool, contributor) DO UPDATE SET
			pledged_units = pledged_units + excluded.pledged_units, pledged_money = pledged_money + excluded.pledged_money,
			captured_units = captured_units + excluded.captured_units, captured_money = captured_money + excluded.captured_money,
			picked_units = picked_units + excluded.picked_units, picked_money = picked_money + excluded.picked_money,
			consumers = consumers + excluded.consumers, anon = anon + excluded.anon`},
		{&s.dLate, `INSERT INTO demand_late (product, height, variant, hub, day, pool, contributor, currency,
			pledged_units, pledged_money, captured_units, captured_money, picked_units, picked_money, consumers, anon)
			VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (product, height, variant, hub, day, pool, contributor) DO UPDATE SET
			pledged_units = pledged_units + excluded.pledged_units, pledged_money = pledged_money + excluded.pledged_money,
			captured_units = captured_units + excluded.captured_units, captured_money = captured_money + excluded.captured_money,
			picked_units = picked_units + excluded.picked_units, picked_money = picked_money + excluded.picked_money,
			consumers = consumers + excluded.consumers, anon = anon + excluded.anon`},
		{&s.dOpen, `INSERT INTO demand_open (pool, hub, variant, contributor, units, money) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (pool, hub, variant, contributor) DO UPDATE SET units = units + excluded.units, money = money + excluded.money`},
		{&s.dOpenOf, `SELECT hub, variant, contributor, units, money FROM demand_open WHERE pool = ? ORDER BY hub, variant, contributor`},
		{&s.dOpenDel, `DELETE FROM demand_open WHERE pool = ?`},
		{&s.dPoolJSON, `SELECT json FROM pools WHERE id = ?`},
		{&s.dShareJSON, `SELECT json FROM hub_shares WHERE pool = ? AND hub = ?`},
		{&s.dPledgeJSON, `SELECT json FROM pledges WHERE pool = ? AND id = ?`},
	}
}

// demandTables are the demand projection's tables, for Reset.
var demandTables = []string{"demand_facts", "demand_open", "demand_late"}

// demand applies ev to the demand facts. It runs before the event's own
// projection, so the pledge a pool.pledge replaces is still in its table;
// that projection checks the event, so a malformed event is left to it (the
// block fails there), and an event of a pool the read model does not know
// has no demand fact (the pool module emits none).
func (p *projector) demand(ev *gongxu.Event) error {
	if p.dTx != p.txHash || p.dDirect == nil {
		p.dTx = p.txHash
		p.dDirect, p.dLeaves = map[string]gongxu.Units{}, map[string]int64{}
	}
	switch ev.Type {
	case gongxu.EventPool:
		return p.demandPoolEvent(ev)
	case gongxu.EventPledge:
		return p.demandPledge(ev)
	case gongxu.EventBatch:
		var b gongxu.Batch
		if p.decode(ev, &b) != nil {
			return nil
		}
		p.dLeaves[poolHub(b.Pool, b.Hub)] += b.Leaves
	case gongxu.EventShare:
		return p.demandShare(ev)
	case gongxu.EventPickup:
		return p.demandPickup(ev)
	case gongxu.EventHistory:
		return p.demandHistory(ev)
	}
	return nil
}

// HistoryContributor is the contributor of a hub's recorded past sales in
// the demand facts; each row stands for its week's consumers (column anon).
func HistoryContributor(hub gongxu.OrgID) string { return "history:" + string(hub) }

// demandHistory records a hub's past weeks: each week's units and money
// pledged, captured and picked up on its Monday, its consumers as as many
// anonymous contributors. The module checked every week; a malformed event
// fails the block here, as the other projections do.
func (p *projector) demandHistory(ev *gongxu.Event) error {
	var h gongxu.SalesHistory
	if err := p.decode(ev, &h); err != nil {
		return err
	}
	if err := h.Hub.Validate(); err != nil {
		return err
	}
	for _, w := range h.Weeks {
		day, err := gongxu.ParseISOWeek(w.Week)
		if err != nil {
			return err
		}
		if w.Units < 1 || w.Money < 0 || w.Consumers < 1 {
			return gongxu.Errorf(gongxu.KindInvalid, "history of %s, week %s: units %d, money %d, consumers %d", h.Hub, w.Week, w.Units, w.Money, w.Consumers)
		}
		if _, err := p.dHist.ExecContext(p.ctx, string(h.Product), h.Variant, string(h.Hub), day, HistoryContributor(h.Hub), h.Currency,
			int64(w.Units), int64(w.Money), int64(w.Units), int64(w.Money), int64(w.Units), int64(w.Money), w.Consumers, w.Consumers); err != nil {
			return gongxu.Wrap(err, "demand: history of %s", h.Hub)
		}
		if day >= p.day() {
			continue
		}
		if _, err := p.dLate.ExecContext(p.ctx, string(h.Product), p.height, h.Variant, string(h.Hub), day, HistoryContributor(h.Hub), h.Currency,
			int64(w.Units), int64(w.Money), int64(w.Units), int64(w.Money), int64(w.Units), int64(w.Money), w.Consumers, w.Consumers); err != nil {
			return gongxu.Wrap(err, "demand: late history of %s", h.Hub)
		}
	}
	return nil
}

func poolHub(pool uint64, hub gongxu.OrgID) string {
	return strconv.FormatUint(pool, 10) + "\x00" + string(hub)
}

func (p *projector) day() int64 { return floorDiv(p.time, 86_400_000) }

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// demandPoolOf returns the pool as the demand projection last saw it, or
// reads it from the read model; nil when it knows none.
func (p *projector) demandPoolOf(id uint64) (*demandPool, error) {
	if dp := p.dPools[id]; dp != nil {
		return dp, nil
	}
	var js []byte
	err := p.dPoolJSON.QueryRowContext(p.ctx, int64(id)).Scan(&js)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, gongxu.Wrap(err, "demand: read pool %d", id)
	}
	var pl poolHead
	if err := json.Unmarshal(js, &pl); err != nil {
		return nil, gongxu.Wrap(err, "demand: decode pool %d", id)
	}
	return p.demandKeep(&pl), nil
}

func (p *projector) demandKeep(pl *poolHead) *demandPool {
	dp := &demandPool{product: string(pl.Product), currency: pl.Currency, status: pl.Status, price: pl.Price, variants: pl.Variants}
	if len(pl.Tiers) > 0 {
		dp.first = pl.Tiers[0].UnitPrice
	}
	if p.dPools == nil {
		p.dPools = map[uint64]*demandPool{}
	}
	p.dPools[pl.ID] = dp
	return dp
}

func (p *projector) demandPoolEvent(ev *gongxu.Event) error {
	pl, _, err := p.decodePool(ev, false) // project_pool.go
	if err != nil {
		return nil
	}
	prev := gongxu.PoolStatus("")
	if old, err := p.demandPoolOf(pl.ID); err != nil {
		return err
	} else if old != nil {
		prev = old.status
	}
	dp := p.demandKeep(&pl)
	if early := p.dEarly[pl.ID]; prev == "" && early != nil {
		delete(p.dEarly, pl.ID)
		for _, ch := range early {
			if err := p.demandApply(pl.ID, dp, ch); err != nil {
				return err
			}
		}
		prev = gongxu.PoolOpen // its shares were pledged while it opened
	}
	if prev != gongxu.PoolOpen || (pl.Status != gongxu.PoolSucceeded && pl.Status != gongxu.PoolFailed) {
		return nil
	}
	if err := p.flushDemandOpen(); err != nil { // the folded positions, before reading them
		return err
	}
	rows, err := p.dOpenOf.QueryContext(p.ctx, int64(pl.ID))
	if err != nil {
		return gongxu.Wrap(err, "demand: open positions of pool %d", pl.ID)
	}
	type pos struct {
		hub, variant, who string
		units             gongxu.Units
		money             gongxu.Amount
	}
	var ps []pos
	for rows.Next() {
		var x pos
		if err := rows.Scan(&x.hub, &x.variant, &x.who, &x.units, &x.money); err != nil {
			rows.Close()
			return gongxu.Wrap(err, "demand: read open positions of pool %d", pl.ID)
		}
		ps = append(ps, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return gongxu.Wrap(err, "demand: read open positions of pool %d", pl.ID)
	}
	for _, x := range ps {
		if x.units == 0 && x.money == 0 {
			continue
		}
		var f demandFact
		if pl.Status == gongxu.PoolSucceeded {
			c, err := gongxu.Cost(x.units, dp.price)
			if err != nil {
				return err
			}
			f.capturedU, f.capturedM = x.units, c
		} else {
			f.refundedU, f.refundedM = x.units, x.money
		}
		if err := p.demandAdd(pl.ID, dp, x.variant, gongxu.OrgID(x.hub), x.who, f); err != nil {
			return err
		}
	}
	_, err = p.dOpenDel.ExecContext(p.ctx, int64(pl.ID))
	return gongxu.Wrap(err, "demand: close positions of pool %d", pl.ID)
}

// demandAdd adds f to the fact of (pool, variant, hub, today, who).
func (p *projector) demandAdd(pool uint64, dp *demandPool, variant string, hub gongxu.OrgID, who string, f demandFact) error {
	k := demandKey{product: dp.product, variant: variant, hub: string(hub), day: p.day(), pool: pool, who: who, currency: dp.currency}
	if p.legacy {
		return p.writeFact(k, f)
	}
	return p.foldFact(k, f) // written once per row (project_write.go)
}

// demandOpen moves a contributor's open position in a pool.
func (p *projector) demandOpen(pool uint64, hub gongxu.OrgID, variant, who string, units gongxu.Units, money gongxu.Amount) error {
	k := demandKey{hub: string(hub), variant: variant, pool: pool, who: who}
	if p.legacy {
		return p.writeOpen(k, int64(units), int64(money))
	}
	return p.foldOpen(k, int64(units), int64(money)) // written once per row (project_write.go)
}

func (p *projector) demandPledge(ev *gongxu.Event) error {
	var pl gongxu.Pledge
	if p.decode(ev, &pl) != nil {
		return nil
	}
	dp, err := p.demandPoolOf(pl.Pool)
	if err != nil || dp == nil {
		return err
	}
	var old gongxu.Pledge
	var js []byte
	switch err := p.dPledgeJSON.QueryRowContext(p.ctx, int64(pl.Pool), int64(pl.ID)).Scan(&js); {
	case err == sql.ErrNoRows:
	case err != nil:
		return gongxu.Wrap(err, "demand: read pledge %d of pool %d", pl.ID, pl.Pool)
	default:
		if err := json.Unmarshal(js, &old); err != nil {
			return gongxu.Wrap(err, "demand: decode pledge %d of pool %d", pl.ID, pl.Pool)
		}
	}
	who := "key:" + string(pl.Consumer)
	du, dm := pl.Qty-old.Qty, pl.Escrow-old.Escrow
	if du == 0 && dm == 0 {
		return nil
	}
	var f demandFact
	switch {
	case js == nil:
		f.pledgedU, f.pledgedM, f.consumers = du, dm, 1
	case du <= 0 && dm <= 0:
		f.refundedU, f.refundedM = -du, -dm
	default:
		return gongxu.Errorf(gongxu.KindInvalid, "demand: pledge %d of pool %d grew from %d to %d units", pl.ID, pl.Pool, old.Qty, pl.Qty)
	}
	p.dDirect[poolHub(pl.Pool, pl.Hub)+"\x00"+pl.Variant] += du
	if err := p.demandOpen(pl.Pool, pl.Hub, pl.Variant, who, du, dm); err != nil {
		return err
	}
	return p.demandAdd(pl.Pool, dp, pl.Variant, pl.Hub, who, f)
}

func (p *projector) demandShare(ev *gongxu.Event) error {
	var s gongxu.HubShare
	if p.decode(ev, &s) != nil {
		return nil
	}
	k := poolHub(s.Pool, s.Hub)
	old, ok := p.dShares[k]
	if !ok {
		var js []byte
		switch err := p.dShareJSON.QueryRowContext(p.ctx, int64(s.Pool), string(s.Hub)).Scan(&js); {
		case err == sql.ErrNoRows:
		case err != nil:
			return gongxu.Wrap(err, "demand: read share of hub %s in pool %d", s.Hub, s.Pool)
		default:
			var o gongxu.HubShare
			if err := json.Unmarshal(js, &o); err != nil {
				return gongxu.Wrap(err, "demand: decode share of hub %s in pool %d", s.Hub, s.Pool)
			}
			old = o.Variants
		}
	}
	if p.dShares == nil {
		p.dShares = map[string][]gongxu.VariantQty{}
	}
	p.dShares[k] = slices.Clone(s.Variants)

	delta := map[string]gongxu.Units{}
	for _, v := range s.Variants {
		delta[v.Variant] += v.Qty
	}
	for _, v := range old {
		delta[v.Variant] -= v.Qty
	}
	variants := make([]string, 0, len(delta))
	for v, d := range delta {
		d -= p.dDirect[k+"\x00"+v]
		delete(p.dDirect, k+"\x00"+v)
		if delta[v] = d; d != 0 {
			variants = append(variants, v)
		}
	}
	slices.Sort(variants)
	ch := demandChange{hub: s.Hub, variants: variants, delta: delta, leaves: p.dLeaves[k]}
	delete(p.dLeaves, k)
	if len(variants) == 0 {
		return nil
	}
	dp, err := p.demandPoolOf(s.Pool)
	if err != nil {
		return err
	}
	if dp == nil {
		// A pool awarded from a request for quote: its share comes before
		// the pool's first event, which applies it.
		if p.dEarly == nil {
			p.dEarly = map[uint64][]demandChange{}
		}
		p.dEarly[s.Pool] = append(p.dEarly[s.Pool], ch)
		return nil
	}
	return p.demandApply(s.Pool, dp, ch)
}

// demandChange is the change of a hub's per-variant quantities in a pool
// that the tx's direct pledges do not explain.
type demandChange struct {
	hub      gongxu.OrgID
	variants []string // sorted, each with a non-zero delta
	delta    map[string]gongxu.Units
	leaves   int64 // batch leaves in the tx
}

// demandApply records a hub's change: pledged (its batches) or refunded
// (hub reductions), contributor org:<hub>.
func (p *projector) demandApply(pool uint64, dp *demandPool, ch demandChange) error {
	who := "org:" + string(ch.hub)
	var grew int
	for _, v := range ch.variants {
		if ch.delta[v] > 0 {
			grew++
		}
	}
	for _, v := range ch.variants {
		d := ch.delta[v]
		m, err := gongxu.Cost(d, dp.first)
		if err != nil {
			return err
		}
		var f demandFact
		if d > 0 {
			f.pledgedU, f.pledgedM = d, m
			switch {
			case grew == 1:
				f.consumers = ch.leaves
			case ch.leaves > 0:
				f.consumers = 1
			}
		} else {
			f.refundedU, f.refundedM = -d, -m
		}
		if err := p.demandOpen(pool, ch.hub, v, who, d, m); err != nil {
			return err
		}
		if err := p.demandAdd(pool, dp, v, ch.hub, who, f); err != nil {
			return err
		}
	}
	return nil
}

func (p *projector) demandPickup(ev *gongxu.Event) error {
	var pk gongxu.Pickup
	if p.decode(ev, &pk) != nil {
		return nil
	}
	dp, err := p.demandPoolOf(pk.Pool)
	if err != nil || dp == nil {
		return err
	}
	who, variant := "org:"+string(pk.Hub), gongxu.DemandVariantUnknown
	if len(dp.variants) == 0 {
		variant = ""
	} else if len(dp.variants) == 1 {
		variant = dp.variants[0]
	}
	if rest, ok := strings.CutPrefix(pk.Pledge, gongxu.PoolURN(pk.Pool)+":pledge:"); ok {
		id, err := strconv.ParseUint(rest, 10, 63)
		if err != nil {
			return nil // not a pledge URN: the pickup's projection says so
		}
		var js []byte
		if err := p.dPledgeJSON.QueryRowContext(p.ctx, int64(pk.Pool), int64(id)).Scan(&js); err == sql.ErrNoRows {
			return nil // the pool module picks up only pledges it holds
		} else if err != nil {
			return gongxu.Wrap(err, "demand: pledge %d of pool %d picked up", id, pk.Pool)
		}
		var pl gongxu.Pledge
		if err := json.Unmarshal(js, &pl); err != nil {
			return gongxu.Wrap(err, "demand: decode pledge %d of pool %d", id, pk.Pool)
		}
		who, variant = "key:"+string(pl.Consumer), pl.Variant
	}
	m, err := gongxu.Cost(pk.Qty, dp.price)
	if err != nil {
		return err
	}
	return p.demandAdd(pk.Pool, dp, variant, pk.Hub, who, demandFact{pickedU: pk.Qty, pickedM: m})
}
