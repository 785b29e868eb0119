package production

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Framework orders: standing agreements with scheduled releases.
//
// A purchase order line may carry a release date (LineIn.Release, at most
// its requested date, after the block time): the supplier accepts the
// whole agreement at once, promising each line no earlier than its
// release, and ships a line only from its release on (before it is a
// conflict). In the first block at or after a release date the ledger
// records the line released (PurchaseOrder.Released, the block time), with
// no transaction, reading an index of orders keyed by their next release
// date, at most MaxReleasePerBlock orders a block. A proposal keeps the
// release dates; a change order may move a line's release while it is not
// released yet (to after the block time) and add lines with releases.
// Until its release a line is as firm as any other: the parties change it
// by a change order.

// MaxReleasePerBlock bounds the purchase orders one block's release sweep
// reads; more due at once are released in the next blocks.
const MaxReleasePerBlock = 256

// releaseIndex holds each purchase order with a line still to release at
// the earliest such release date.
var releaseIndex = module.Deadlines{Prefix: prefix + "rel/"}

// releaseAtKey remembers the date a purchase order is indexed at.
func releaseAtKey(po uint64) []byte { return []byte(prefix + "relat/" + pad(po)) }

// releasing reports whether po still releases lines: it is neither
// rejected nor cancelled.
func releasing(po *gongxu.PurchaseOrder) bool {
	return po.Status != gongxu.PORejected && po.Status != gongxu.POCancelled
}

// unreleased reports whether line i of po has a release not recorded yet.
func unreleased(po *gongxu.PurchaseOrder, i int) bool {
	return po.Lines[i].Release > 0 && (i >= len(po.Released) || po.Released[i] == 0)
}

// scheduleReleases puts po in the release index at its earliest release
// still to record, or takes it out when none (or the order is over).
func scheduleReleases(ctx *module.Context, po *gongxu.PurchaseOrder) error {
	next, has := int64(0), false
	for i := range po.Lines {
		if releasing(po) && unreleased(po, i) && (!has || po.Lines[i].Release < next) {
			next, has = po.Lines[i].Release, true
		}
	}
	return releaseIndex.Move(ctx.KV, releaseAtKey(po.ID), po.ID, next, has)
}

// releaseLines runs at the start of every block: each line whose release
// date is at or before the block time is recorded released, once.
func (m *Module) releaseLines(ctx *module.Context) error {
	due, err := releaseIndex.First(ctx.KV, ctx.Time, MaxReleasePerBlock)
	if err != nil {
		return err
	}
	for _, id := range due {
		po, err := m.PO(ctx.KV, id)
		if err != nil {
			return err
		}
		changed := false
		for i := range po.Lines {
			if !releasing(&po) || !unreleased(&po, i) || po.Lines[i].Release > ctx.Time {
				continue
			}
			if len(po.Released) != len(po.Lines) {
				po.Released = append(po.Released, make([]int64, len(po.Lines)-len(po.Released))...)
			}
			po.Released[i] = ctx.Time
			changed = true
		}
		if changed {
			if err := savePO(ctx, &po); err != nil {
				return err
			}
		}
		if err := scheduleReleases(ctx, &po); err != nil {
			return err
		}
	}
	return nil
}

// checkReleases checks the release dates of new lines: at most the line's
// date and after the block time (0: none).
func checkReleases(ctx *module.Context, lines []gongxu.POLine, from int) error {
	for i := from; i < len(lines); i++ {
		l := lines[i]
		if l.Release == 0 {
			continue
		}
		if l.Release <= ctx.Time {
			return invalid("line %d: release %d is not after the block time %d", i+1, l.Release, ctx.Time)
		}
		if l.Release > l.Date {
			return invalid("line %d: release %d is after the line's date %d; a line is released by the date it is due", i+1, l.Release, l.Date)
		}
	}
	return nil
}

// notReleased refuses a shipment on line n (1-based) of po before its
// release.
func notReleased(ctx *module.Context, po *gongxu.PurchaseOrder, n int) error {
	if r := po.Lines[n-1].Release; r > ctx.Time {
		return conflict("line %d of purchase order %d is released at %d; it ships from then on", n, po.ID, r)
	}
	return nil
}

// checkPromisedRelease refuses a promised date before the line's release.
func checkPromisedRelease(po *gongxu.PurchaseOrder, promised []int64) error {
	for i, l := range po.Lines {
		if l.Release > 0 && i < len(promised) && promised[i] < l.Release {
			return invalid("line %d: promised %d is before its release %d", i+1, promised[i], l.Release)
		}
	}
	return nil
}
