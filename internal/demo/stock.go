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
func stockScarves(n *node.Node, must sendFunc, t0 int64) error {
	if err := must(sunrise, production.TypeOrder, production.MsgOrder{Product: "sunrise-garments/wool-scarf", Qty: 60_000,
		Due: t0 + 30*24*3600_000}); err != nil {
		return err
	}
	order, err := newest(func(id uint64) (bool, bool) {
		o, err := n.Modules().Production.Order(n.State(), id)
		return err == nil, err == nil && o.Factory == sunrise && o.Status == gongxu.OrderOpen
	})
	if err != nil {
		return err
	}
	if err := must(sunrise, production.TypeWOStart, production.MsgWOStart{Order: order, Qty: 60_000}); err != nil {
		return err
	}
	wo, err := newest(func(id uint64) (bool, bool) {
		w, err := n.Modules().Production.WO(n.State(), id)
		return err == nil, err == nil && w.Order == order && w.Status == gongxu.WOStarted
	})
	if err != nil {
		return err
	}
	return must(sunrise, production.TypeWOComplete, production.MsgWOComplete{WO: wo, Produced: 60_000,
		Outputs: []production.OutputLot{{Code: "wool-scarf-stock-1", Qty: 60_000}}})
}

// newest returns the highest id from 1 up that exists and matches (ids are
// dense: the first that does not exist ends the walk).
func newest(at func(id uint64) (exists, match bool)) (uint64, error) {
	var found uint64
	for id := uint64(1); ; id++ {
		exists, match := at(id)
		if !exists {
			break
		}
		if match {
			found = id
		}
	}
	if found == 0 {
		return 0, gongxu.Errorf(gongxu.KindNotFound, "demo: Sunrise's stock order or work order is not on the ledger")
	}
	return found, nil
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
