package sqlite

import (
	"context"
	"database/sql"
	"slices"

	gongxu "github.com/gongxu-network/gongxu"
)

// Recalls lists recalls, newest first, at most limit (DefaultLimit when ≤ 0,
// at most MaxLimit). With hub set, only the recalls whose forward trace
// reaches a pool the hub gathered pledges for: each recall's trace is
// walked, so the newest MaxLimit recalls are the ones looked at.
// Errors: KindInvalid for a malformed hub, KindInternal.
func (db *DB) Recalls(ctx context.Context, hub gongxu.OrgID, limit int) ([]gongxu.Recall, error) {
	limit = clampLimit(limit)
	if hub == "" {
		return queryJSON[gongxu.Recall](ctx, db.r, "recalls", `SELECT json FROM trace_recalls ORDER BY id DESC LIMIT ?`, limit)
	}
	if err := hub.Validate(); err != nil {
		return nil, err
	}
	all, err := queryJSON[gongxu.Recall](ctx, db.r, "recalls", `SELECT json FROM trace_recalls ORDER BY id DESC LIMIT ?`, MaxLimit)
	if err != nil {
		return nil, err
	}
	out := []gongxu.Recall{}
	for _, r := range all {
		if len(out) == limit {
			break
		}
		im, err := db.impact(ctx, r)
		if err != nil {
			return nil, err
		}
		for _, h := range im.Hubs {
			if h.Hub == hub {
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}

// Recall returns a recall with what it reaches: the forward trace of what
// it names (MaxTraceDepth deep) and, per hub, the quantities and pledge
// batches of the pools reached. Errors: KindNotFound, KindInternal.
func (db *DB) Recall(ctx context.Context, id uint64) (gongxu.RecallImpact, error) {
	var r gongxu.Recall
	if err := db.getByID(ctx, &r, "recall", `SELECT json FROM trace_recalls WHERE id = ?`, id); err != nil {
		return gongxu.RecallImpact{}, err
	}
	return db.impact(ctx, r)
}

func (db *DB) impact(ctx context.Context, r gongxu.Recall) (gongxu.RecallImpact, error) {
	im := gongxu.RecallImpact{Recall: r, Hubs: []gongxu.TraceHubShare{}}
	q, err := db.traceStatements()
	if err != nil {
		return im, err
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return im, gongxu.Wrap(err, "read model: begin trace")
	}
	defer tx.Rollback()
	if im.Trace, err = walk(ctx, tx, q, r.Identifier, MaxTraceDepth, true); err != nil {
		return im, err
	}
	byHub := map[gongxu.OrgID]*gongxu.TraceHubShare{}
	var hubs []gongxu.OrgID
	for _, p := range im.Trace.Pools {
		for _, h := range p.Hubs {
			s := byHub[h.Hub]
			if s == nil {
				s = &gongxu.TraceHubShare{Hub: h.Hub, Batches: []gongxu.Batch{}}
				byHub[h.Hub] = s
				hubs = append(hubs, h.Hub)
			}
			s.Qty += h.Qty
			s.Batches = append(s.Batches, h.Batches...)
			s.Shipped = append(s.Shipped, h.Shipped...)
			s.Delivered = s.Delivered || h.Delivered
			s.Pickups = append(s.Pickups, h.Pickups...)
		}
	}
	slices.Sort(hubs)
	for _, h := range hubs {
		im.Hubs = append(im.Hubs, *byHub[h])
	}
	var lots []gongxu.LotID
	for _, n := range im.Trace.Nodes {
		if n.Lot != nil {
			lots = append(lots, n.Lot.ID)
		} else if id, err := gongxu.ParseLotURN(n.ID); err == nil {
			lots = append(lots, id)
		}
	}
	if im.Carriers, err = carriersOf(ctx, tx, lots); err != nil {
		return im, err
	}
	if len(im.Carriers) == 0 {
		im.Carriers = nil
	}
	return im, nil
}
