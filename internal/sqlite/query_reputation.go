package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

var _ gongxu.ReputationService = (*DB)(nil)

const repDayMs = 86_400_000 // a day, for the end of a promised day

// maxCounterpartyTxs bounds the transactions a counterparty fact lists (its
// newest obligations').
const maxCounterpartyTxs = 10

// Reputation returns an org's figures (gongxu.Reputation says how each is
// defined), each with at most facts of its newest facts. The figures are
// computed from the facts the read model holds, as of its latest block time,
// in one read transaction. Its cost grows with the org's own history (one
// row per purchase-order line it supplied, hub share of its pools, dispute
// and recall), not with the network's. Errors: see gongxu.ReputationService.
func (db *DB) Reputation(ctx context.Context, org gongxu.OrgID, facts int) (gongxu.Reputation, error) {
	if facts < 0 || facts > gongxu.MaxReputationFacts {
		return gongxu.Reputation{}, gongxu.Errorf(gongxu.KindInvalid, "facts must be 0 to %d, got %d", gongxu.MaxReputationFacts, facts)
	}
	rep, all, err := db.reputation(ctx, org)
	if err != nil {
		return rep, err
	}
	for _, f := range []*gongxu.ReputationFigure{&rep.OnTime, &rep.FillRate, &rep.Disputes, &rep.Recalls, &rep.Repeat} {
		f.Facts = slices.Clone(all[f.Figure][:min(facts, len(all[f.Figure]))])
	}
	return rep, nil
}

// ReputationFacts returns a page of one figure's facts, the newest first.
// Errors: see gongxu.ReputationService.
func (db *DB) ReputationFacts(ctx context.Context, org gongxu.OrgID, figure string, offset, limit int) (gongxu.ReputationPage, error) {
	page := gongxu.ReputationPage{Org: org, Figure: figure, Offset: offset, Facts: []gongxu.ReputationFact{}}
	if !slices.Contains(gongxu.ReputationFigures, figure) {
		return page, gongxu.Errorf(gongxu.KindInvalid, "figure %q is none of %s", clipAttr(figure), strings.Join(gongxu.ReputationFigures, ", "))
	}
	if limit < 1 || limit > gongxu.MaxReputationFacts || offset < 0 {
		return page, gongxu.Errorf(gongxu.KindInvalid, "limit must be 1 to %d and offset 0 or more, got %d and %d",
			gongxu.MaxReputationFacts, limit, offset)
	}
	_, all, err := db.reputation(ctx, org)
	if err != nil {
		return page, err
	}
	list := all[figure]
	page.Total = int64(len(list))
	if offset < len(list) {
		page.Facts = slices.Clone(list[offset:min(len(list), offset+limit)])
	}
	return page, nil
}

// obligation is one delivery an org owes, as read from the facts.
type obligation struct {
	kind, ref    string
	group        string // the separate obligation it belongs to: "po:<id>", "pool:<id>"
	counterparty gongxu.OrgID
	item         string
	ordered      int64
	shipped      int64
	promised     int64
	opened       int64
	delivered    int64
	txs          []string
}

// repCacheSize bounds the reputations kept: an org page viewed again, or
// the planner comparing a few suppliers, within a block costs nothing more.
const repCacheSize = 64

// repCache keeps the reputations computed at one height: a new block
// empties it. Its facts are never handed out, only copies.
type repCache struct {
	mu     sync.Mutex
	height int64
	reps   map[gongxu.OrgID]repCached
}

type repCached struct {
	rep gongxu.Reputation
	all map[string][]gongxu.ReputationFact
}

func (c *repCache) get(org gongxu.OrgID, height int64) (repCached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.reps[org]
	return r, ok && c.height == height
}

func (c *repCache) put(org gongxu.OrgID, height int64, r repCached) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.height != height || len(c.reps) >= repCacheSize {
		c.height, c.reps = height, map[gongxu.OrgID]repCached{}
	}
	c.reps[org] = r
}

// reputation computes the figures of org without facts, and every figure's
// facts, newest first; the same at the same height comes from the cache.
func (db *DB) reputation(ctx context.Context, org gongxu.OrgID) (gongxu.Reputation, map[string][]gongxu.ReputationFact, error) {
	rep := gongxu.Reputation{Org: org, HalfLifeDays: gongxu.ReputationHalfLifeDays}
	if err := org.Validate(); err != nil {
		return rep, nil, err
	}
	h, err := lastHeight(ctx, db.r)
	if err != nil {
		return rep, nil, err
	}
	if c, ok := db.repC.get(org, h); ok {
		return c.rep, c.all, nil
	}
	rep, all, err := db.computeReputation(ctx, org)
	if err == nil && rep.Height == h {
		db.repC.put(org, h, repCached{rep, all})
	}
	return rep, all, err
}

// computeReputation is reputation without the cache.
func (db *DB) computeReputation(ctx context.Context, org gongxu.OrgID) (gongxu.Reputation, map[string][]gongxu.ReputationFact, error) {
	rep := gongxu.Reputation{Org: org, HalfLifeDays: gongxu.ReputationHalfLifeDays}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return rep, nil, gongxu.Wrap(err, "read model: begin reputation read")
	}
	defer tx.Rollback()
	var one int
	if err := tx.QueryRowContext(ctx, `SELECT 1 FROM orgs WHERE id = ?`, string(org)).Scan(&one); err == sql.ErrNoRows {
		return rep, nil, gongxu.Errorf(gongxu.KindNotFound, "no member organization %q", org)
	} else if err != nil {
		return rep, nil, gongxu.Wrap(err, "read model: read org %s", org)
	}
	err = tx.QueryRowContext(ctx, `SELECT height, time FROM blocks ORDER BY height DESC LIMIT 1`).Scan(&rep.Height, &rep.AsOf)
	if err != nil && err != sql.ErrNoRows {
		return rep, nil, gongxu.Wrap(err, "read model: read the latest block")
	}
	obs, err := readObligations(ctx, tx, org)
	if err != nil {
		return rep, nil, err
	}
	rep.Obligations = int64(len(obs))
	half := int64(gongxu.ReputationHalfLifeDays) * repDayMs
	weigh := func(f *gongxu.ReputationFact) { f.Weight = gongxu.RecencyWeight(rep.AsOf-f.Time, half) }
	all := map[string][]gongxu.ReputationFact{}

	// On time and fill rate: the closed obligations.
	type party struct {
		groups map[string]bool
		latest int64
		txs    []obligation // newest first, for the fact's transactions
	}
	parties := map[gongxu.OrgID]*party{}
	for _, o := range obs {
		pt := parties[o.counterparty]
		if pt == nil {
			pt = &party{groups: map[string]bool{}}
			parties[o.counterparty] = pt
		}
		pt.groups[o.group] = true
		pt.latest = max(pt.latest, o.opened)
		pt.txs = append(pt.txs, o)

		end := int64(0) // the end of the promised day
		if o.promised > 0 {
			end = o.promised + repDayMs
		}
		closed := o.delivered > 0 || end > 0 && rep.AsOf >= end
		if !closed {
			continue
		}
		f := gongxu.ReputationFact{
			Kind: o.kind, Ref: o.ref, Counterparty: o.counterparty, Item: o.item, Promised: o.promised,
			Delivered: o.delivered, Ordered: gongxu.Qty(o.ordered), Shipped: gongxu.Qty(o.shipped), Txs: o.txs,
		}
		f.Time = o.delivered
		if f.Time == 0 {
			f.Time = end
		}
		weigh(&f)
		if end > 0 {
			t := f
			t.Score = 0
			if o.delivered > 0 && o.delivered < end {
				t.Score = 10000
			}
			all[gongxu.FigureOnTime] = append(all[gongxu.FigureOnTime], t)
		}
		if o.ordered > 0 {
			f.Score = min(o.shipped, o.ordered) * 10000 / o.ordered
			all[gongxu.FigureFillRate] = append(all[gongxu.FigureFillRate], f)
		}
	}

	// Repeat relationships: one fact per counterparty.
	for cp, pt := range parties {
		slices.SortFunc(pt.txs, func(a, b obligation) int {
			return cmp.Or(cmp.Compare(b.opened, a.opened), strings.Compare(a.ref, b.ref))
		})
		f := gongxu.ReputationFact{Kind: gongxu.FactCounterparty, Ref: string(cp), Counterparty: cp, Time: pt.latest,
			Note: strconv.Itoa(len(pt.groups)), Txs: []string{}}
		if len(pt.groups) >= 2 {
			f.Score = 10000
		}
		seen := map[string]bool{}
		for _, o := range pt.txs {
			if len(o.txs) > 0 && o.txs[0] != "" && !seen[o.txs[0]] && len(f.Txs) < maxCounterpartyTxs {
				seen[o.txs[0]] = true
				f.Txs = append(f.Txs, o.txs[0])
			}
		}
		slices.Reverse(f.Txs) // oldest first
		weigh(&f)
		all[gongxu.FigureRepeat] = append(all[gongxu.FigureRepeat], f)
	}

	disputes, err := readDisputes(ctx, tx, org)
	if err != nil {
		return rep, nil, err
	}
	for i := range disputes {
		weigh(&disputes[i])
	}
	all[gongxu.FigureDisputes] = disputes
	recalls, err := readRecalls(ctx, tx, org)
	if err != nil {
		return rep, nil, err
	}
	for i := range recalls {
		weigh(&recalls[i])
	}
	all[gongxu.FigureRecalls] = recalls

	for _, name := range gongxu.ReputationFigures {
		list := all[name]
		if list == nil {
			list = []gongxu.ReputationFact{}
		}
		slices.SortFunc(list, func(a, b gongxu.ReputationFact) int {
			return cmp.Or(cmp.Compare(b.Time, a.Time), strings.Compare(a.Kind, b.Kind), strings.Compare(a.Ref, b.Ref))
		})
		all[name] = list
	}
	rep.OnTime = figure(gongxu.FigureOnTime, all[gongxu.FigureOnTime])
	rep.FillRate = figure(gongxu.FigureFillRate, all[gongxu.FigureFillRate])
	rep.Disputes = figure(gongxu.FigureDisputes, all[gongxu.FigureDisputes])
	rep.Recalls = figure(gongxu.FigureRecalls, all[gongxu.FigureRecalls])
	rep.Repeat = figure(gongxu.FigureRepeat, all[gongxu.FigureRepeat])
	return rep, all, nil
}

// figure sums a figure's facts; its Facts are left empty.
func figure(name string, facts []gongxu.ReputationFact) gongxu.ReputationFigure {
	f := gongxu.ReputationFigure{Figure: name, Rate: -1, Weighted: -1, Facts: []gongxu.ReputationFact{}}
	var sum, wsum, wscore int64
	for _, x := range facts {
		f.Count++
		f.WeightedCount += x.Weight
		if x.Score < 0 {
			continue
		}
		f.Scored++
		if x.Score == 10000 {
			f.Hits++
		}
		sum += x.Score
		wsum += x.Weight
		wscore += x.Weight * x.Score
	}
	if f.Scored > 0 {
		f.Rate = sum / f.Scored
	}
	if wsum > 0 {
		f.Weighted = wscore / wsum
	}
	return f
}

// readObligations reads what org owes: its accepted purchase-order lines
// (cancelled orders left out) and the hub shares of its pools that
// succeeded, in no particular order.
func readObligations(ctx context.Context, tx *sql.Tx, org gongxu.OrgID) ([]obligation, error) {
	var out []obligation
	rows, err := tx.QueryContext(ctx, `SELECT po, line, factory, item, ordered, shipped, promised, accepted, delivered,
		tx_accept, tx_ship, tx_delivered FROM rep_po_lines WHERE supplier = ? AND cancelled = 0 ORDER BY po, line`, string(org))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list purchase-order lines of %s", org)
	}
	defer rows.Close()
	for rows.Next() {
		var o obligation
		var po, line int64
		var txAccept, txShip, txDelivered string
		if err := rows.Scan(&po, &line, &o.counterparty, &o.item, &o.ordered, &o.shipped, &o.promised, &o.opened, &o.delivered,
			&txAccept, &txShip, &txDelivered); err != nil {
			return nil, gongxu.Wrap(err, "read model: read a purchase-order line")
		}
		o.kind, o.group = gongxu.FactPOLine, "po:"+strconv.FormatInt(po, 10)
		o.ref = o.group + ":" + strconv.FormatInt(line, 10)
		o.txs = compactTxs(txAccept, txDelivered, txShip)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, gongxu.Wrap(err, "read model: list purchase-order lines of %s", org)
	}
	rows.Close()

	// A pool's hub shares once it succeeded; promised: its production
	// order's due date (none for a pool without one). Delivered when the
	// factory shipped it, or, without a shipment on the ledger, when the
	// hub confirmed it.
	rows, err = tx.QueryContext(ctx, `SELECT h.pool, h.hub, coalesce(json_extract(h.json, '$.qty'), 0),
			coalesce(r.shipped, 0), coalesce(r.shipped_at, 0), coalesce(r.confirmed, 0), coalesce(r.tx_ship, ''), coalesce(r.tx_confirm, ''),
			coalesce((SELECT json_extract(json, '$.due') FROM production_orders WHERE pool = p.id ORDER BY id LIMIT 1), 0),
			coalesce((SELECT json_extract(json, '$.created') FROM production_orders WHERE pool = p.id ORDER BY id LIMIT 1), 0),
			coalesce(json_extract(p.json, '$.product'), '')
		FROM pools p JOIN hub_shares h ON h.pool = p.id
		LEFT JOIN rep_shares r ON r.pool = h.pool AND r.hub = h.hub
		WHERE p.factory = ? AND p.status IN ('succeeded', 'in_production', 'ready', 'delivered', 'settled')
		ORDER BY h.pool, h.hub`, string(org))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list hub shares of %s's pools", org)
	}
	defer rows.Close()
	for rows.Next() {
		var o obligation
		var pool, units, shippedAt, confirmed int64
		var txShip, txConfirm string
		if err := rows.Scan(&pool, &o.counterparty, &units, &o.shipped, &shippedAt, &confirmed, &txShip, &txConfirm,
			&o.promised, &o.opened, &o.item); err != nil {
			return nil, gongxu.Wrap(err, "read model: read a hub share")
		}
		ordered, err := gongxu.Units(units).Milli()
		if err != nil || units <= 0 {
			continue // nothing owed
		}
		o.kind, o.group, o.ordered = gongxu.FactPoolShare, "pool:"+strconv.FormatInt(pool, 10), int64(ordered)
		o.ref = o.group + ":" + string(o.counterparty)
		switch {
		case shippedAt > 0:
			o.delivered = shippedAt
		case confirmed > 0:
			o.delivered = confirmed
			if o.shipped == 0 {
				o.shipped = o.ordered // confirmed by the hub, shipped off the ledger
			}
		}
		o.txs = compactTxs(txShip, txConfirm)
		out = append(out, o)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list hub shares of %s's pools", org)
}

// compactTxs lists the non-empty, distinct hashes, in order.
func compactTxs(hashes ...string) []string {
	out := []string{}
	for _, h := range hashes {
		if h != "" && !slices.Contains(out, h) {
			out = append(out, h)
		}
	}
	return out
}

func readDisputes(ctx context.Context, tx *sql.Tx, org gongxu.OrgID) ([]gongxu.ReputationFact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, opener, obligation, claimed, opened, tx_open, outcome, awarded, resolved, tx_resolve
		FROM rep_disputes WHERE against = ? ORDER BY opened, id`, string(org))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list disputes against %s", org)
	}
	defer rows.Close()
	out := []gongxu.ReputationFact{}
	for rows.Next() {
		var id, opener, obligation, txOpen, outcome, txResolve string
		var claimed, opened, awarded, resolved int64
		if err := rows.Scan(&id, &opener, &obligation, &claimed, &opened, &txOpen, &outcome, &awarded, &resolved, &txResolve); err != nil {
			return nil, gongxu.Wrap(err, "read model: read a dispute")
		}
		f := gongxu.ReputationFact{Kind: gongxu.FactDispute, Ref: id, Counterparty: gongxu.OrgID(opener), Item: obligation,
			Time: opened, Delivered: resolved, Score: -1, Note: "open", Txs: compactTxs(txOpen, txResolve)}
		if resolved > 0 {
			f.Note = outcome + " " + strconv.FormatInt(awarded, 10) + "/" + strconv.FormatInt(claimed, 10)
			f.Score = 0
			if awarded > 0 {
				f.Score = 10000
			}
		}
		out = append(out, f)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list disputes against %s", org)
}

func readRecalls(ctx context.Context, tx *sql.Tx, org gongxu.OrgID) ([]gongxu.ReputationFact, error) {
	rows, err := tx.QueryContext(ctx, `SELECT recall, lot, time, tx FROM rep_recalls WHERE maker = ? ORDER BY recall`, string(org))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list recalls of %s's lots", org)
	}
	defer rows.Close()
	out := []gongxu.ReputationFact{}
	for rows.Next() {
		var id, t int64
		var lot, hash string
		if err := rows.Scan(&id, &lot, &t, &hash); err != nil {
			return nil, gongxu.Wrap(err, "read model: read a recall")
		}
		out = append(out, gongxu.ReputationFact{Kind: gongxu.FactRecall, Ref: "recall:" + strconv.FormatInt(id, 10),
			Item: lot, Time: t, Score: -1, Note: lot, Txs: compactTxs(hash)})
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list recalls of %s's lots", org)
}
