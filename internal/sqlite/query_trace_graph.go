package sqlite

import (
	"cmp"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

func (w *walker) graph(start string) (gongxu.TraceGraph, error) {
	g := gongxu.TraceGraph{Start: start, Direction: "back", Nodes: []gongxu.TraceNode{}, Steps: []gongxu.TraceStep{},
		Pools: []gongxu.TracePool{}, Truncated: w.truncated}
	if w.fwd {
		g.Direction = "forward"
	}
	var lotIDs []string
	for id := range w.nodes {
		if l := lotOfKey(id); l != "" {
			lotIDs = append(lotIDs, string(l))
		}
	}
	lots := map[gongxu.LotID]*gongxu.Lot{}
	err := func() error {
		if len(lotIDs) == 0 {
			return nil
		}
		rows, err := w.query(w.q.lots, jsonList(lotIDs))
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: read lots")
		}
		defer rows.Close()
		for rows.Next() {
			var js []byte
			l := new(gongxu.Lot)
			if err := rows.Scan(&js); err != nil {
				return gongxu.Wrap(err, "read model: trace: read a lot")
			}
			if err := json.Unmarshal(js, l); err != nil {
				return gongxu.Wrap(err, "read model: trace: decode a lot")
			}
			lots[l.ID] = l
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: read lots")
	}()
	if err != nil {
		return g, err
	}
	for id, n := range w.nodes {
		g.Nodes = append(g.Nodes, gongxu.TraceNode{ID: id, Depth: n.depth, Lot: lots[lotOfKey(id)]})
	}
	slices.SortFunc(g.Nodes, func(a, b gongxu.TraceNode) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), strings.Compare(a.ID, b.ID))
	})

	// Receipts are anchored by the receiving event of the lot they made.
	for _, s := range w.steps {
		if s.recv == "" {
			continue
		}
		var (
			seq int64
			e   walkEvent
		)
		err := w.queryRow(w.q.receipt, s.recv, roleClass).Scan(&seq, &e.id, &e.org, &e.time, &e.batch, &e.idx, &e.leaf, &e.location, &e.disp)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return g, gongxu.Wrap(err, "read model: trace: the receipt of %s", s.recv)
		default:
			s.seq, s.batch = seq, e.batch
			s.step.Event, s.step.Org, s.step.Time, s.step.Location, s.step.Disposition = e.id, gongxu.OrgID(e.org), e.time, e.location, e.disp
			s.step.Anchor.Index, s.step.Anchor.Leaf = e.idx, hex.EncodeToString(e.leaf)
		}
	}
	var batchIDs []int64
	for _, s := range w.steps {
		if s.seq != 0 {
			batchIDs = append(batchIDs, s.batch)
		}
	}
	type batchRow struct {
		tx           string
		height, time int64
		count        int
		root         string
	}
	batches := map[int64]batchRow{}
	slices.Sort(batchIDs)
	err = func() error {
		if len(batchIDs) == 0 {
			return nil
		}
		rows, err := w.query(w.q.batches, jsonList(slices.Compact(batchIDs)))
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: read batches")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id int64
				b  batchRow
			)
			if err := rows.Scan(&id, &b.tx, &b.height, &b.time, &b.count, &b.root); err != nil {
				return gongxu.Wrap(err, "read model: trace: read a batch")
			}
			batches[id] = b
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: read batches")
	}()
	if err != nil {
		return g, err
	}
	for _, s := range w.steps {
		st := s.step
		if s.seq != 0 {
			b := batches[s.batch]
			st.Anchor = gongxu.TraceAnchor{Height: b.height, Time: b.time, Tx: b.tx, Index: st.Anchor.Index, Count: b.count,
				Leaf: st.Anchor.Leaf, Root: b.root}
		}
		if st.Type == TraceStepLedger && st.Org == "" && len(st.To) > 0 {
			// No event recorded it: the lot it made says who and when.
			if l := lots[lotOfKey(st.To[0])]; l != nil {
				st.Org, st.Time = l.Owner, l.Created
				st.Anchor.Time = l.Created
			} else {
				st.Org = lotOfKey(st.To[0]).Owner()
			}
		}
		g.Steps = append(g.Steps, st)
	}
	slices.SortFunc(g.Steps, func(a, b gongxu.TraceStep) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Time, b.Time), strings.Compare(a.Event, b.Event),
			slices.Compare(a.To, b.To), slices.Compare(a.From, b.From))
	})
	if w.fwd {
		if g.Pools, err = w.pools(g.Nodes); err != nil {
			return g, err
		}
	}
	return g, nil
}

// pools returns the pools the reached lots were made for: lots made by a
// work order of a production order that came from a pool. Each pool lists
// the hubs that gathered pledges for it, with their quantity and batches:
// a hub the factory shipped its share to (pool/ship) only when the reached
// lots went to it, with those lots and the pickups of its consumers that
// took goods of them; a hub not shipped yet, always (which lots it gets is
// not known).
func (w *walker) pools(nodes []gongxu.TraceNode) ([]gongxu.TracePool, error) {
	made := map[int64][]gongxu.LotID{}
	var wos []int64
	for _, n := range nodes {
		if n.Lot != nil && n.Lot.WO != 0 && n.Lot.WO <= math.MaxInt64 {
			wo := int64(n.Lot.WO)
			if made[wo] == nil {
				wos = append(wos, wo)
			}
			made[wo] = append(made[wo], n.Lot.ID)
		}
	}
	type poolKey struct{ pool, order int64 }
	byPool := map[poolKey][]gongxu.LotID{}
	err := chunks(wos, func(ids []int64) error {
		rows, err := w.tx.QueryContext(w.ctx, `SELECT w.id, w.ord, o.pool FROM work_orders w JOIN production_orders o ON o.id = w.ord
			WHERE w.id IN (`+placeholders(len(ids))+`) AND o.pool > 0`, anys(ids)...)
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: work orders")
		}
		defer rows.Close()
		for rows.Next() {
			var wo, order, pool int64
			if err := rows.Scan(&wo, &order, &pool); err != nil {
				return gongxu.Wrap(err, "read model: trace: read a work order")
			}
			k := poolKey{pool, order}
			byPool[k] = append(byPool[k], made[wo]...)
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: work orders")
	})
	if err != nil {
		return nil, err
	}
	keys := make([]poolKey, 0, len(byPool))
	for k := range byPool {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b poolKey) int { return cmp.Or(cmp.Compare(a.pool, b.pool), cmp.Compare(a.order, b.order)) })
	out := []gongxu.TracePool{}
	for _, k := range keys {
		lots := byPool[k]
		slices.Sort(lots)
		tp := gongxu.TracePool{Pool: uint64(k.pool), Order: uint64(k.order), Lots: slices.Compact(lots), Hubs: []gongxu.TraceHubShare{}}
		var status string
		err := w.tx.QueryRowContext(w.ctx, `SELECT status FROM pools WHERE id = ?`, k.pool).Scan(&status)
		if err != nil && err != sql.ErrNoRows {
			return nil, gongxu.Wrap(err, "read model: trace: pool %d", k.pool)
		}
		tp.Status = gongxu.PoolStatus(status)
		shares, err := queryJSON[gongxu.HubShare](w.ctx, w.tx, "hub shares", `SELECT json FROM hub_shares WHERE pool = ? ORDER BY hub`, k.pool)
		if err != nil {
			return nil, err
		}
		bs, err := queryJSON[gongxu.Batch](w.ctx, w.tx, "batches", `SELECT json FROM batches WHERE pool = ? ORDER BY height, seq`, k.pool)
		if err != nil {
			return nil, err
		}
		reached := func(lots []gongxu.LotQty) []gongxu.LotQty {
			var out []gongxu.LotQty
			for _, l := range lots {
				if _, ok := slices.BinarySearch(tp.Lots, l.Lot); ok {
					out = append(out, l)
				}
			}
			return out
		}
		for _, s := range shares {
			h := gongxu.TraceHubShare{Hub: s.Hub, Qty: s.Qty, Batches: []gongxu.Batch{}, Delivered: s.Delivered}
			if len(s.Shipped) > 0 {
				if h.Shipped = reached(s.Shipped); len(h.Shipped) == 0 {
					continue // the hub got other lots
				}
				pks, err := queryJSON[gongxu.Pickup](w.ctx, w.tx, "pickups", `SELECT json FROM pickups WHERE pool = ? AND hub = ? ORDER BY height, seq`, k.pool, string(s.Hub))
				if err != nil {
					return nil, err
				}
				for _, pk := range pks {
					if len(reached(pk.Lots)) > 0 {
						h.Pickups = append(h.Pickups, pk)
					}
				}
			}
			for _, b := range bs {
				if b.Hub == s.Hub {
					h.Batches = append(h.Batches, b)
				}
			}
			tp.Hubs = append(tp.Hubs, h)
		}
		out = append(out, tp)
	}
	return out, nil
}
