package demo

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/node"
)

// sunrise is the demo's factory that sells from stock.
const sunrise = "sunrise-garments"

// stockScarves makes Sunrise's stock of scarves: a production order of its
// own for 60, one work order, one lot, completed before any pool.
func stockScarves(must sendFunc, t0 int64) error {
	if err := must(sunrise, production.TypeOrder, production.MsgOrder{Product: "sunrise-garments/wool-scarf", Qty: 60_000,
		Due: t0 + 30*24*3600_000}); err != nil {
		return err
	}
	// Sunrise's first production order, and its first work order: the demo
	// made none before.
	if err := must(sunrise, production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: 60_000}); err != nil {
		return err
	}
	return must(sunrise, production.TypeWOComplete, production.MsgWOComplete{WO: 1, Produced: 60_000,
		Outputs: []production.OutputLot{{Code: "wool-scarf-stock-1", Qty: 60_000}}})
}

// shipStock waits for the pool on stock to close (filled from Sunrise's
// scarves, ready), then ships its hubs: the first hub's share in two
// parts, the others whole; the first hub confirms.
func shipStock(ctx context.Context, n *node.Node, log *slog.Logger, must sendFunc, id uint64) error {
	for {
		p, err := n.Modules().Pool.Pool(n.State(), id)
		if err != nil {
			return err
		}
		if p.Status != gongxu.PoolOpen {
			if p.Status != gongxu.PoolReady {
				log.Info(fmt.Sprintf("demo: the pool on stock is %s, not ready: nothing to ship", p.Status), "pool", id)
				return nil
			}
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(2 * time.Second):
		}
	}
	for i, h := range hubs {
		s, err := n.Modules().Pool.HubShare(n.State(), id, gongxu.OrgID(h))
		if err != nil {
			return err
		}
		if i == 0 && s.Qty > 1 {
			if err := must(sunrise, pool.TypeShip, pool.MsgShip{Pool: id, Hub: gongxu.OrgID(h), Qty: gongxu.Qty(s.Qty/2) * 1000}); err != nil {
				return err
			}
		}
		if err := must(sunrise, pool.TypeShip, pool.MsgShip{Pool: id, Hub: gongxu.OrgID(h)}); err != nil {
			return err
		}
	}
	if err := must(hubs[0], pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: id}); err != nil {
		return err
	}
	log.Info("demo: the scarf pool on stock shipped from Sunrise's stock lots, the first hub's share in two parts", "pool", id)
	return nil
}
