package production

import (
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// MaxHoldLots bounds the work of one recall's hold: the lots and work
// orders it visits, the recalled lot first, then breadth first through the
// lots received or made from it (the derived index, in key order). Lots
// past the bound are not held by this recall: Hold reports it, and their
// owners (or the recaller, naming them) recall them on their own.
const MaxHoldLots = 256

// The derived index: "from/<lot>\x00l<lot>" for a lot received from a lot,
// "from/<lot>\x00w<wo id>" for a work order that consumed it (its output
// lots are on the work order). One key per receipt line or work-order
// input: a recall walks forward from what it names.
func fromPrefix(src gongxu.LotID) []byte { return []byte(prefix + "from/" + string(src) + "\x00") }

// holdKey marks a lot id that is not on the ledger (a supplier's own lot,
// shipped untracked) as held by a recall: a shipment of it is refused and a
// receipt of it inherits the hold.
func holdKey(id gongxu.LotID) []byte { return []byte(prefix + "hold/" + string(id)) }

// holdOf returns the recall holding a lot id (0: none): the lot's own hold
// when it is on the ledger, else the mark of an untracked id.
func holdOf(r store.Reader, id gongxu.LotID, lot *gongxu.Lot) (uint64, error) {
	if lot != nil {
		return lot.Hold, nil
	}
	var n uint64
	_, err := module.Load(r, holdKey(id), &n)
	return n, err
}

// HoldOf returns the recall holding a lot id: a ledger lot's hold, or the
// mark Hold left on an id not on the ledger (a supplier's untracked lot); 0
// when none. The logistics module asks it before a carrier moves a lot.
// Errors: only the store's.
func (Lots) HoldOf(r store.Reader, id gongxu.LotID) (uint64, error) {
	lot, err := Lots{}.Lot(r, id)
	switch {
	case err == nil:
		return lot.Hold, nil
	case gongxu.ErrorKind(err) != gongxu.KindNotFound:
		return 0, err
	}
	return holdOf(r, id, nil)
}

func addDerivedLot(kv store.KV, src, dst gongxu.LotID) error {
	return kv.Set(append(fromPrefix(src), "l"+string(dst)...), []byte{})
}

func addDerivedWO(kv store.KV, src gongxu.LotID, wo uint64) error {
	return kv.Set(append(fromPrefix(src), "w"+pad(wo)...), []byte{})
}

// heldError is the conflict of moving a held lot.
func heldError(what string, lot *gongxu.Lot) error {
	return conflict("%slot %s is held by recall %d: a recalled lot, or one received or made from it, is never shipped, reserved or consumed", what, lot.ID, lot.Hold)
}

// Hold puts a lot and the lots received or made from it on the ledger on
// hold for a recall (the trace module's trace/recall, through
// internal/modules): each is then refused to shipments, work-order
// reservations and consumption, and to pool shipments, with a conflict
// naming the recall. A lot already held keeps its first recall and is not
// walked again (what was derived from it is held already: a held lot is
// never consumed or shipped, and a receipt of a lot shipped before the
// recall inherits the hold). It visits at most MaxHoldLots lots and work
// orders; truncated reports that more were left unvisited; held counts the
// ledger lots it held. An id not on the ledger (a supplier's own lot,
// shipped untracked) is marked held, so that it is not shipped again and
// its receipts inherit the hold, and the lots received from it are held.
// Errors: only the store's.
func (Lots) Hold(ctx *module.Context, id gongxu.LotID, recall uint64) (held int, truncated bool, err error) {
	queue := []gongxu.LotID{id}
	visits := 0
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		if visits >= MaxHoldLots {
			return held, true, nil
		}
		visits++
		lot, err := Lots{}.Lot(ctx.KV, cur)
		switch {
		case gongxu.ErrorKind(err) == gongxu.KindNotFound:
			// Not on the ledger (a supplier's untracked lot): marked, and
			// the lots received from it are walked.
			var prev uint64
			if _, err := module.Load(ctx.KV, holdKey(cur), &prev); err != nil {
				return held, false, err
			}
			if prev != 0 {
				continue
			}
			if _, err := module.Save(ctx.KV, holdKey(cur), recall); err != nil {
				return held, false, err
			}
		case err != nil:
			return held, false, err
		case lot.Hold != 0:
			continue
		default:
			lot.Hold = recall
			if err := saveLot(ctx, &lot, 0); err != nil {
				return held, false, err
			}
			held++
		}
		var wos []uint64
		p := fromPrefix(cur)
		err = ctx.KV.Iterate(p, module.PrefixEnd(p), func(k, _ []byte) bool {
			rest := string(k[len(p):])
			switch {
			case strings.HasPrefix(rest, "l"):
				queue = append(queue, gongxu.LotID(rest[1:]))
			case strings.HasPrefix(rest, "w"):
				var n uint64
				for _, c := range rest[1:] {
					n = n*10 + uint64(c-'0')
				}
				wos = append(wos, n)
			}
			return len(queue)+len(wos) <= MaxHoldLots
		})
		if err != nil {
			return held, false, err
		}
		for _, wid := range wos {
			if visits >= MaxHoldLots {
				return held, true, nil
			}
			visits++
			w, err := module.Find[gongxu.WorkOrder](ctx.KV, woKey(wid), "no work order %d", wid)
			if err != nil {
				return held, false, err
			}
			for _, out := range w.OutputLots {
				queue = append(queue, out.Lot)
			}
		}
	}
	return held, false, nil
}
