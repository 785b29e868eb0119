package production

import (
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// lateIndex holds each accepted purchase order once, at the earliest
// promised date among its lines still pending (not shipped in full, not yet
// recorded late). The grace is applied when the index is read, so a change
// of the grace by governance applies to every pending line at once.
var lateIndex = module.Deadlines{Prefix: prefix + "late/"}

// MaxLatePerBlock bounds the purchase orders one block's lateness sweep
// reads; more due at once are recorded in the next blocks.
const MaxLatePerBlock = 256

// lateAtKey remembers the date a purchase order is indexed at, to move it.
func lateAtKey(po uint64) []byte { return []byte(prefix + "lateat/" + pad(po)) }

// pending reports whether line i of an accepted order can still become late.
func pending(po *gongxu.PurchaseOrder, i int) bool {
	return po.Status == gongxu.POAccepted && i < len(po.Promised) && po.Shipped[i] < po.Lines[i].Qty &&
		(len(po.Late) <= i || po.Late[i] == 0)
}

// scheduleLate puts an order in the late index at its earliest pending
// promised date, or takes it out when no line is pending. Its cost is the
// order's lines.
func scheduleLate(ctx *module.Context, po *gongxu.PurchaseOrder) error {
	next, has := int64(0), false
	for i := range po.Lines {
		if pending(po, i) && (!has || po.Promised[i] < next) {
			next, has = po.Promised[i], true
		}
	}
	return lateIndex.Move(ctx.KV, lateAtKey(po.ID), po.ID, next, has)
}

// recordLate runs at the start of every block: each line of an accepted
// purchase order whose promised date plus the grace is before the block
// time (promised + grace < now), not shipped in full, is recorded late,
// once. The work is that of the orders due in this block (each read once
// per pending promised date), not of all orders.
func (m *Module) recordLate(ctx *module.Context) error {
	params, err := m.members.Params(ctx.KV)
	if err != nil {
		return err
	}
	cutoff := ctx.Time - params.POLateGrace() - 1 // promised ≤ cutoff ⟺ promised + grace < now
	if cutoff < 0 {
		return nil
	}
	due, err := lateIndex.First(ctx.KV, cutoff, MaxLatePerBlock)
	if err != nil {
		return err
	}
	// A block looks at most MaxLatePerBlock orders; the rest stay in the
	// index for the next blocks, so no pile of promised dates at one
	// instant stalls a block.
	for _, id := range due {
		po, err := m.PO(ctx.KV, id)
		if err != nil {
			return err
		}
		changed := false
		for i := range po.Lines {
			if !pending(&po, i) || po.Promised[i] > cutoff {
				continue
			}
			if len(po.Late) != len(po.Lines) {
				po.Late = make([]int64, len(po.Lines))
			}
			po.Late[i] = ctx.Time
			changed = true
			ctx.Emit(lateEvent(gongxu.EventPOLate, &po, i, "ordered", i64(po.Lines[i].Qty), "shipped", i64(po.Shipped[i])))
		}
		if changed {
			if err := savePO(ctx, &po); err != nil {
				return err
			}
		}
		if err := scheduleLate(ctx, &po); err != nil {
			return err
		}
	}
	return nil
}

// lateShipments records, for each line of shipment sh recorded late, how
// late it came (once per line and shipment, in line order).
func lateShipments(ctx *module.Context, po *gongxu.PurchaseOrder, sh gongxu.Shipment) {
	seen := make([]bool, len(po.Lines))
	for _, l := range sh.Lines {
		seen[l.Line-1] = true
	}
	for i, s := range seen {
		if !s || len(po.Late) <= i || po.Late[i] == 0 {
			continue
		}
		ctx.Emit(lateEvent(gongxu.EventPOLateShipment, po, i, "late_ms", i64(ctx.Time-po.Promised[i]),
			"ordered", i64(po.Lines[i].Qty), "shipped", i64(po.Shipped[i])))
	}
}

func lateEvent(typ string, po *gongxu.PurchaseOrder, i int, kv ...string) gongxu.Event {
	return gongxu.NewEvent(typ, append([]string{"po", uitoa(po.ID), "line", strconv.Itoa(i + 1),
		"factory", string(po.Factory), "supplier", string(po.Supplier), "item", string(po.Lines[i].Item),
		"promised", i64(po.Promised[i])}, kv...)...)
}

func i64[T ~int64](n T) string { return strconv.FormatInt(int64(n), 10) }
