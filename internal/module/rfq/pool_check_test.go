package rfq_test

import (
	"fmt"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// checkPool checks the pool an award became: the bidder's, for the RFQ,
// succeeded at the bid's price with MOQ = cap = the awarded qty, deadline the
// target date, and its money captured from the requester.
func checkPool(h *chaintest.Harness, r gongxu.RFQ, a gongxu.RFQAward) error {
	p, err := h.Mods.Pool.Pool(h.State, a.Pool)
	if err != nil {
		return err
	}
	if p.Factory != a.Bidder || p.RFQ != r.ID || p.Status != gongxu.PoolSucceeded || p.MOQ != a.Qty || p.Cap != a.Qty ||
		p.Total != a.Qty || p.Price != a.UnitPrice || p.Currency != r.Currency || p.Deadline != r.TargetDate || p.Title != r.Title ||
		len(p.Hubs) != 1 || p.Hubs[0] != r.Requester {
		return fmt.Errorf("pool %+v for award %+v", p, a)
	}
	held, err := h.Mods.Settle.Balance(h.State, settle.CapturedAccount(p.ID), r.Currency)
	want, _ := gongxu.Cost(a.Qty, a.UnitPrice)
	if err != nil || held != want {
		return fmt.Errorf("pool %d holds %d captured (%v), want %d", p.ID, held, err, want)
	}
	return nil
}
