package production

import (
	"fmt"
	"slices"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Stock as a source. A factory's lots of an item are allocated to what
// leaves its stock (a pool's shipment to a hub, a pool on stock) by one
// rule:
//
//  1. what is allotted to the pool first: the lots its production order
//     made (up to the order's quantity) or was filled from, as made;
//  2. then the free lots of the item, the first to expire first (lots with
//     an expiry), then the first in (by creation, then id);
//
// or the lots the sender chooses. A held (recalled) or expired lot is never
// allocated, a work order's reservation or another pool's allotment is
// never allocated again, and stock never goes negative. The free lots are
// read from an index keyed by owner, item, expiry or creation and id (one
// key per lot holding anything), at most MaxAllocLots of them per
// allocation: a factory whose first lots are all spoken for chooses its
// lots.

// MaxAllocLots bounds the lots one allocation reads from the stock index.
const MaxAllocLots = 64

// MaxChosenLots bounds the lots a sender may choose for one allocation.
const MaxChosenLots = 32

// availPrefix is the index of an org's lots of an item holding anything.
func availPrefix(owner gongxu.OrgID, item gongxu.ItemID) []byte {
	return []byte(prefix + "avail/" + string(owner) + "\x00" + string(item) + "\x00")
}

// availKey orders a lot in its index: "e<expiry>" before "f<created>",
// then the lot id.
func availKey(l *gongxu.Lot) []byte {
	k := availPrefix(l.Owner, l.Item)
	if l.Expiry != 0 {
		k = append(k, "e"+pad(uint64(max(l.Expiry, 0)))...)
	} else {
		k = append(k, "f"+pad(uint64(max(l.Created, 0)))...)
	}
	return append(append(k, '/'), l.ID...)
}

// indexLot keeps a lot in the stock index while it holds anything (saveLot
// calls it on every write).
func indexLot(kv store.KV, l *gongxu.Lot) error {
	if l.Qty > 0 {
		return kv.Set(availKey(l), []byte{})
	}
	return kv.Delete(availKey(l))
}

// spokenFor says what else keeps a lot's goods from leaving it: its
// allotment to a pool, its expiry ("" when nothing).
func spokenFor(l *gongxu.Lot, now int64) string {
	s := ""
	if l.Allotted > 0 {
		s += fmt.Sprintf(", %d allotted to pool %d", l.Allotted, l.Pool)
	}
	if l.Expiry != 0 && l.Expiry <= now {
		s += fmt.Sprintf(", expired at %d", l.Expiry)
	}
	return s
}

// checkLot refuses a lot state the allocation rules forbid.
func checkLot(l *gongxu.Lot) error {
	if l.Qty < 0 || l.Reserved < 0 || l.Allotted < 0 {
		return fmt.Errorf("production: lot %s would hold %d with %d reserved and %d allotted", l.ID, l.Qty, l.Reserved, l.Allotted)
	}
	if total, err := gongxu.Add(l.Reserved, l.Allotted); err != nil || total > l.Qty {
		return fmt.Errorf("production: lot %s holds %d, less than %d reserved plus %d allotted", l.ID, l.Qty, l.Reserved, l.Allotted)
	}
	return nil
}

// Allocation is the plan of one allocation: the lots taken, in order, each
// with its quantity, and the lots as read.
type allocation struct {
	took []gongxu.LotQty
	lots map[gongxu.LotID]*gongxu.Lot
}

// held is what the lots read hold under a recall's hold.
func (a *allocation) held() gongxu.Qty {
	var q gongxu.Qty
	for _, l := range a.lots {
		if l.Hold != 0 {
			q += l.Qty
		}
	}
	return q
}

func (a *allocation) taken(id gongxu.LotID) gongxu.Qty {
	var q gongxu.Qty
	for _, t := range a.took {
		if t.Lot == id {
			q += t.Qty
		}
	}
	return q
}

func (a *allocation) take(l *gongxu.Lot, q gongxu.Qty) {
	a.lots[l.ID] = l
	if i := slices.IndexFunc(a.took, func(t gongxu.LotQty) bool { return t.Lot == l.ID }); i >= 0 {
		a.took[i].Qty += q
		return
	}
	a.took = append(a.took, gongxu.LotQty{Lot: l.ID, Qty: q})
}

// allot fills want from the pool's allotted lots (listed, as made), then
// from the index of free lots, first to expire, first in. onlyFree skips
// lots allotted to any pool (a lot carries one allotment).
func (m *Module) allot(ctx *module.Context, a *allocation, pool uint64, owner gongxu.OrgID, item gongxu.ItemID, allotted []gongxu.LotQty, want gongxu.Qty, onlyFree bool) (gongxu.Qty, error) {
	for _, made := range allotted {
		if want == 0 {
			return 0, nil
		}
		l, ok := a.lots[made.Lot]
		if !ok {
			x, err := m.Lot(ctx.KV, made.Lot)
			if err != nil {
				return want, err
			}
			l = &x
			a.lots[l.ID] = l
		}
		if l.Pool != pool || l.Owner != owner || l.Item != item {
			continue
		}
		free := min(gongxu.LotFree(*l, pool, ctx.Time), l.Allotted) - a.taken(l.ID)
		if q := min(free, want); q > 0 {
			a.take(l, q)
			want -= q
		}
	}
	if want == 0 {
		return 0, nil
	}
	visits := 0
	var ierr error
	pre := availPrefix(owner, item)
	err := ctx.KV.Iterate(pre, module.PrefixEnd(pre), func(k, _ []byte) bool {
		if visits++; visits > MaxAllocLots {
			return false
		}
		rest := k[len(pre):]
		i := slices.Index(rest, '/')
		if i < 0 {
			ierr = fmt.Errorf("production: malformed stock index key %q", k)
			return false
		}
		id := gongxu.LotID(rest[i+1:])
		l, ok := a.lots[id]
		if !ok {
			x, err := m.Lot(ctx.KV, id)
			if err != nil {
				ierr = err
				return false
			}
			l = &x
			a.lots[id] = l
		}
		if onlyFree && l.Pool != 0 && l.Pool != pool {
			return true
		}
		if q := min(gongxu.LotFree(*l, pool, ctx.Time)-a.taken(id), want); q > 0 {
			a.take(l, q)
			want -= q
		}
		return want > 0
	})
	if err == nil {
		err = ierr
	}
	return want, err
}

// chosen checks the lots a sender chose for pool (0: none) and takes them.
func (m *Module) chosen(ctx *module.Context, a *allocation, pool uint64, owner gongxu.OrgID, item gongxu.ItemID, lots []gongxu.LotQty) (gongxu.Qty, error) {
	if len(lots) > MaxChosenLots {
		return 0, invalid("%d lots chosen; at most %d", len(lots), MaxChosenLots)
	}
	var total gongxu.Qty
	for i, c := range lots {
		if c.Qty <= 0 {
			return 0, invalid("lot %d: quantity %d must be positive", i+1, c.Qty)
		}
		if a.taken(c.Lot) > 0 {
			return 0, invalid("lot %d: lot %s is chosen twice", i+1, c.Lot)
		}
		x, err := m.Lot(ctx.KV, c.Lot)
		if err != nil {
			return 0, err
		}
		l := &x
		switch {
		case l.Owner != owner:
			return 0, unauthorized("lot %d: lot %s belongs to %s; %s allocates its own lots only", i+1, l.ID, l.Owner, owner)
		case l.Item != item:
			return 0, invalid("lot %d: lot %s holds %s, not %s", i+1, l.ID, l.Item, item)
		case l.Hold != 0:
			return 0, heldError(fmt.Sprintf("lot %d: ", i+1), l)
		case l.Expiry != 0 && l.Expiry <= ctx.Time:
			return 0, conflict("lot %d: lot %s expired at %d; an expired lot is never allocated", i+1, l.ID, l.Expiry)
		}
		if free := gongxu.LotFree(*l, pool, ctx.Time); free < c.Qty {
			return 0, conflict("lot %d: lot %s holds %d (%d reserved for work orders, %d allotted to pool %d): %d are free, %d asked", i+1, l.ID, l.Qty, l.Reserved, l.Allotted, l.Pool, free, c.Qty)
		}
		a.take(l, c.Qty)
		if total, err = gongxu.Add(total, c.Qty); err != nil {
			return 0, invalid("the chosen quantities overflow")
		}
	}
	return total, nil
}

// apply takes the allocation out of the lots. For a pool, the pool's
// allotment falls by what shipped: first on the lots taken, then on its
// other allotted lots (listed), so that what stays allotted is what the
// pool still has to ship.
func (a *allocation) apply(ctx *module.Context, m *Module, pool uint64, allotted []gongxu.LotQty) error {
	var release gongxu.Qty
	for _, t := range a.took {
		l := a.lots[t.Lot]
		l.Qty -= t.Qty
		release += t.Qty
		if pool != 0 && l.Pool == pool {
			r := min(l.Allotted, t.Qty)
			l.Allotted -= r
			release -= r
			if l.Allotted == 0 {
				l.Pool = 0
			}
		}
		if err := checkLot(l); err != nil {
			return err
		}
		if err := saveLot(ctx, l, -t.Qty); err != nil {
			return err
		}
	}
	for _, made := range allotted {
		if release == 0 || pool == 0 {
			break
		}
		l, err := m.Lot(ctx.KV, made.Lot) // as saved above
		if err != nil {
			return err
		}
		if l.Pool != pool || l.Allotted == 0 {
			continue
		}
		r := min(l.Allotted, release)
		l.Allotted -= r
		release -= r
		if l.Allotted == 0 {
			l.Pool = 0
		}
		if err := saveLot(ctx, &l, 0); err != nil {
			return err
		}
	}
	return nil
}

// TakeForPool takes qty milli-units of the pool's product out of its
// factory's stock for a hub of pool (the pool module's pool/ship, through
// internal/modules): the lots the sender chose (they must add up to qty),
// else what is allotted to the pool first, then free lots first to expire,
// first in. Errors: KindInvalid or KindUnauthorized for a wrong choice,
// KindNotFound for an unknown chosen lot, KindConflict when the stock holds
// less than qty free for the pool (held, expired, reserved and other pools'
// lots never ship).
func (m *Module) TakeForPool(ctx *module.Context, pool uint64, factory gongxu.OrgID, item gongxu.ItemID, qty gongxu.Qty, lots []gongxu.LotQty) ([]gongxu.LotQty, error) {
	if qty <= 0 {
		return nil, invalid("a shipment takes a positive quantity, got %d", qty)
	}
	var allotted []gongxu.LotQty
	id, err := m.OrderForPool(ctx.KV, pool)
	if err != nil {
		return nil, err
	}
	if id != 0 {
		o, err := m.Order(ctx.KV, id)
		if err != nil {
			return nil, err
		}
		allotted = o.Lots
	}
	a := &allocation{took: []gongxu.LotQty{}, lots: map[gongxu.LotID]*gongxu.Lot{}}
	if len(lots) > 0 {
		total, err := m.chosen(ctx, a, pool, factory, item, lots)
		if err != nil {
			return nil, err
		}
		if total != qty {
			return nil, invalid("the chosen lots hold %d; the shipment is %d", total, qty)
		}
	} else {
		short, err := m.allot(ctx, a, pool, factory, item, allotted, qty, false)
		if err != nil {
			return nil, err
		}
		if short > 0 {
			held := ""
			if h := a.held(); h > 0 {
				held = fmt.Sprintf("; %d more are held by recalls and never ship", h)
			}
			return nil, conflict("%s's stock of %s holds %d free for pool %d (reserved, expired and other pools' lots never ship; the first %d lots read)%s; %d are to ship", factory, item, qty-short, pool, MaxAllocLots, held, qty)
		}
	}
	return a.took, a.apply(ctx, m, pool, allotted)
}

// FillFromStock fills the production order of a pool on stock from its
// factory's free stock of the product, first to expire, first in (lots
// allotted to no pool): if the stock covers the order's quantity, the lots
// are allotted to the pool, the order completes "from stock" and the pool
// is ready; if not, nothing is allotted and the order is to be made (its
// history says how much was free). It reads at most MaxAllocLots lots.
// Errors: only broken invariants.
func (m *Module) FillFromStock(ctx *module.Context, orderID uint64) error {
	o, err := m.Order(ctx.KV, orderID)
	if err != nil {
		return err
	}
	if o.Pool == 0 || o.Status != gongxu.OrderOpen || o.Stock != 0 || o.Produced != 0 {
		return fmt.Errorf("production: order %d cannot be filled from stock (%s, pool %d)", o.ID, o.Status, o.Pool)
	}
	a := &allocation{took: []gongxu.LotQty{}, lots: map[gongxu.LotID]*gongxu.Lot{}}
	short, err := m.allot(ctx, a, o.Pool, o.Factory, o.Product, nil, o.Qty, true)
	if err != nil {
		return err
	}
	if short > 0 {
		orderHistory(ctx, &o, gongxu.OrderOpen, fmt.Sprintf("stock holds %d free of %d: to be made", o.Qty-short, o.Qty))
		return saveOrder(ctx, &o)
	}
	for _, t := range a.took {
		l := a.lots[t.Lot]
		l.Pool = o.Pool
		l.Allotted += t.Qty
		if err := checkLot(l); err != nil {
			return err
		}
		if err := saveLot(ctx, l, 0); err != nil {
			return err
		}
	}
	o.Stock, o.Lots = o.Qty, append(o.Lots, a.took...)
	orderHistory(ctx, &o, gongxu.OrderCompleted, fmt.Sprintf("filled from stock: %d lots", len(a.took)))
	if err := saveOrder(ctx, &o); err != nil {
		return err
	}
	return m.pools.Ready(ctx, o.Pool, "production order "+uitoa(o.ID)+" filled from stock: its lots are ready")
}

// allotMade allots to the order's pool what a completed work order made,
// up to what the order still lacks after done (made or filled so far): the
// pool's goods are its own until they ship (overruns stay free stock). It
// returns done with the lot's allotment added.
func allotMade(o *gongxu.ProductionOrder, l *gongxu.Lot, done gongxu.Qty) gongxu.Qty {
	if o.Pool == 0 {
		return done
	}
	if q := min(l.Qty, o.Qty-done); q > 0 {
		l.Pool, l.Allotted = o.Pool, q
		return done + q
	}
	return done
}

// ReleasePool ends what is still allotted to a pool whose hubs are all
// settled (a share settled by a ruling before it shipped in full leaves
// its rest allotted): those quantities are free stock again. It reads the
// lots of the pool's production order and writes only those it releases.
// Errors: only broken invariants.
func (m *Module) ReleasePool(ctx *module.Context, pool uint64) error {
	id, err := m.OrderForPool(ctx.KV, pool)
	if err != nil || id == 0 {
		return err
	}
	o, err := m.Order(ctx.KV, id)
	if err != nil {
		return err
	}
	seen := map[gongxu.LotID]bool{}
	for _, lq := range o.Lots {
		if seen[lq.Lot] {
			continue
		}
		seen[lq.Lot] = true
		l, err := m.Lot(ctx.KV, lq.Lot)
		if err != nil {
			return err
		}
		if l.Pool != pool || l.Allotted == 0 {
			continue
		}
		l.Pool, l.Allotted = 0, 0
		if err := saveLot(ctx, &l, 0); err != nil {
			return err
		}
	}
	return nil
}

// MaxAllocItems bounds the items a work order's start allocates.
const MaxAllocItems = 8

// checkAllocate checks a work order's items to allocate on their own.
func checkAllocate(items []gongxu.ItemQty) error {
	if len(items) > MaxAllocItems {
		return invalid("allocate: %d items, at most %d", len(items), MaxAllocItems)
	}
	seen := map[gongxu.ItemID]bool{}
	for i, it := range items {
		if err := it.Item.Validate(); err != nil {
			return invalid("allocate %d: %s", i+1, gongxu.ErrorMessage(err))
		}
		if err := checkQty("qty", it.Qty); err != nil {
			return invalid("allocate %d: %v", i+1, err)
		}
		if seen[it.Item] {
			return invalid("allocate %d: item %s is listed twice", i+1, it.Item)
		}
		seen[it.Item] = true
	}
	return nil
}

// allocInputs chooses the lots of a work order's allocated inputs: each
// item's quantity from the factory's free lots (not held, expired, reserved,
// allotted to a pool, nor already chosen as an input), first to expire,
// first in, reading at most MaxAllocLots lots an item. Errors: KindConflict
// when the free lots hold less.
func (m *Module) allocInputs(ctx *module.Context, factory gongxu.OrgID, chosen []gongxu.LotQty, items []gongxu.ItemQty) ([]gongxu.LotQty, error) {
	if len(items) == 0 {
		return nil, nil
	}
	a := &allocation{took: []gongxu.LotQty{}, lots: map[gongxu.LotID]*gongxu.Lot{}}
	for _, c := range chosen { // what the chosen inputs take is not free
		l, err := m.Lot(ctx.KV, c.Lot)
		if err != nil {
			return nil, err
		}
		a.take(&l, c.Qty)
	}
	n := len(a.took)
	for i, it := range items {
		short, err := m.allot(ctx, a, 0, factory, it.Item, nil, it.Qty, true)
		if err != nil {
			return nil, err
		}
		if short > 0 {
			return nil, conflict("allocate %d: %s's free lots of %s hold %d (held, expired, reserved and pools' lots are not free; the first %d lots read); %d asked", i+1, factory, it.Item, it.Qty-short, MaxAllocLots, it.Qty)
		}
	}
	// The chosen inputs come first in took; a lot both chosen and
	// allocated is listed once more with the allocated quantity.
	out := append([]gongxu.LotQty{}, a.took[n:]...)
	for _, c := range chosen {
		if extra := a.taken(c.Lot) - c.Qty; extra > 0 {
			out = append(out, gongxu.LotQty{Lot: c.Lot, Qty: extra})
		}
	}
	return out, nil
}

// Weight implements module.Weigher: each allocated input reads up to
// MaxAllocLots lots (a read about a quarter of an ordinary message, an
// estimate as pool/ship's), besides the chosen inputs.
func (m *MsgWOStart) Weight() int64 {
	return 1 + int64(len(m.Allocate))*MaxAllocLots/4 + int64(len(m.Inputs))/4
}
