package production

import (
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// By-products and scrap. A work order's completion may record lots of its
// by-products (wo_complete by_products): items the factory's bill of
// materials declares as by-products of the work order's item
// (gongxu.BOMLine.ByProduct), each a new lot of the factory made by the
// work order (Lot.WO), in the completion's EPCIS TransformationEvent beside
// the made lots, and held with them when a recall reaches the work order's
// inputs. Scrap is a quantity, never a lot: each rise of a work order's
// scrapped quantity (wo_report, wo_complete) is kept with its reason
// (WorkOrder.Scrap, at most MaxScrapEntries entries).

// MaxByProductLots bounds the by-product lots of one completion.
const MaxByProductLots = 16

// MaxScrapEntries bounds the scrap entries of one work order: a factory
// that reports scrap more often reports it in larger steps.
const MaxScrapEntries = 32

// checkByProducts checks a completion's by-product lots on their own:
// count, ids, quantities, codes distinct from each other and the outputs'.
func checkByProducts(bs []gongxu.ByProductLot, outs []gongxu.OutputLot) error {
	if len(bs) > MaxByProductLots {
		return invalid("%d by-product lots, the limit is %d", len(bs), MaxByProductLots)
	}
	seen := map[string]bool{}
	for _, o := range outs {
		seen[o.Code] = true
	}
	for i, b := range bs {
		if err := b.Item.Validate(); err != nil {
			return invalid("by-product %d: %s", i+1, gongxu.ErrorMessage(err))
		}
		if err := gongxu.NewLotID("ab", b.Code).Validate(); err != nil {
			return invalid("by-product %d: code %q: a lot code is 1 to 129 characters of a-z, 0-9, '-', '.', '_' and '/'", i+1, b.Code)
		}
		if err := checkQty("qty", b.Qty); err != nil {
			return invalid("by-product %d: %v", i+1, err)
		}
		if b.Expiry < 0 {
			return invalid("by-product %d: expiry %d must not be negative", i+1, b.Expiry)
		}
		if seen[b.Code] {
			return invalid("by-product %d: code %s is listed twice", i+1, b.Code)
		}
		seen[b.Code] = true
	}
	return nil
}

// recordScrap keeps the rise of w's scrapped quantity to scrapped with its
// reason. Errors: KindConflict past MaxScrapEntries.
func recordScrap(ctx *module.Context, w *gongxu.WorkOrder, scrapped gongxu.Qty, reason string) error {
	if scrapped <= w.Scrapped {
		if reason != "" && scrapped == w.Scrapped {
			return invalid("a scrap reason goes with more scrap: work order %d has %d scrapped already", w.ID, w.Scrapped)
		}
		return nil
	}
	if len(w.Scrap) >= MaxScrapEntries {
		return conflict("work order %d has %d scrap entries, the most one has: report scrap in larger steps", w.ID, len(w.Scrap))
	}
	w.Scrap = append(w.Scrap, gongxu.ScrapEntry{Qty: scrapped - w.Scrapped, Reason: reason, Time: ctx.Time})
	return nil
}

// makeByProducts creates the by-product lots of completing w. Errors:
// KindInvalid for an item the bill does not declare a by-product of w's
// item, KindConflict for a lot that exists.
func (m *Module) makeByProducts(ctx *module.Context, w *gongxu.WorkOrder, bs []gongxu.ByProductLot) error {
	if len(bs) == 0 {
		return nil
	}
	bom, err := m.BOM(ctx.KV, w.Factory, w.Item)
	if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
		return err
	}
	for i, b := range bs {
		if !slices.ContainsFunc(bom, func(l gongxu.BOMLine) bool { return l.ByProduct && l.Child == b.Item }) {
			return invalid("by-product %d: %s's bill of materials does not declare %s a by-product of %s", i+1, w.Factory, b.Item, w.Item)
		}
		id := gongxu.NewLotID(w.Factory, b.Code)
		if err := id.Validate(); err != nil {
			return invalid("by-product %d: %s", i+1, gongxu.ErrorMessage(err))
		}
		if _, err := m.Lot(ctx.KV, id); err == nil {
			return conflict("by-product %d: lot %s already exists; by-product lots are new", i+1, id)
		} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			return err
		}
		lot := gongxu.Lot{ID: id, Item: b.Item, Owner: w.Factory, Qty: b.Qty, Created: ctx.Time, WO: w.ID, Expiry: b.Expiry}
		if err := saveLot(ctx, &lot, b.Qty); err != nil {
			return err
		}
		w.ByProducts = append(w.ByProducts, gongxu.LotQty{Lot: id, Qty: b.Qty})
	}
	return nil
}
