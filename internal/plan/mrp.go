package plan

import (
	"cmp"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// Demand is an independent requirement: an item wanted by a date, for a
// reason the plan pegs back to ("pool 7").
type Demand struct {
	Ref  string     `json:"ref"`
	Item ItemID     `json:"item"`
	Qty  gongxu.Qty `json:"qty"` // milli-units, > 0
	Due  int64      `json:"due"` // unix ms, 0 to year 9999
}

// OpenOrder is a scheduled receipt: a purchase or production order already
// placed, with Qty still to come on Due. Its components are taken as already
// issued or reserved: the plan does not explode open orders.
type OpenOrder struct {
	Ref  string     `json:"ref"` // unique; not starting "po:" or "wo:", which planned orders use
	Item ItemID     `json:"item"`
	Qty  gongxu.Qty `json:"qty"` // milli-units, > 0
	Due  int64      `json:"due"` // unix ms, 0 to year 9999
}

// Bucket is one day of an item's time-phased record. Net is what the day's
// gross lacks after the on-hand at the start of the day and the scheduled
// receipts; Available is the projected on-hand at the end of the day
// (by-products arrive then): on-hand + receipts + by-products + planned −
// gross, cumulated. For a phantom, Planned is what was exploded through.
type Bucket struct {
	Day       int64      `json:"day"` // the day's start, unix ms (UTC)
	Gross     gongxu.Qty `json:"gross"`
	Scheduled gongxu.Qty `json:"scheduled,omitempty"`  // open orders due that day
	ByProduct gongxu.Qty `json:"by_product,omitempty"` // by-products of planned work due that day, at its end
	Net       gongxu.Qty `json:"net,omitempty"`
	Planned   gongxu.Qty `json:"planned,omitempty"`
	Available gongxu.Qty `json:"available"`
}

// ItemRecord explains how one item was netted.
type ItemRecord struct {
	Item     ItemID     `json:"item"`
	LowLevel int32      `json:"low_level"`
	Phantom  bool       `json:"phantom,omitempty"`
	OnHand   gongxu.Qty `json:"on_hand"`
	Buckets  []Bucket   `json:"buckets"`
}

// Result is a plan: what to buy, what to make, and why. Purchases are sorted
// by (supplier, item, due), work by (due, id), records by item.
type Result struct {
	Purchases []PlannedPurchase `json:"purchases"`
	Work      []PlannedWork     `json:"work"`
	Items     []ItemRecord      `json:"items"`
}

// req is a gross requirement of an item on a day.
type req struct {
	day  int64
	qty  int64
	pegs []int32 // demand indices, sorted, shared and never modified
	from int32   // the planned order whose components this is; -1 for a demand
	src  int32   // the item whose order or phantom passed it down; -1 for a demand
	fkey int64   // orders from by (netting place of its item, due day), as full planning numbers them; -1 for a demand
}

// orderKey is the rank of a planned order of item i due on day among all
// planned orders: full planning numbers them in this order (items in netting
// order, each item's orders by day), and net change must sort requirements
// exactly as full planning does.
func (md *model) orderKey(i int32, day int64) int64 {
	return int64(md.pos[i])<<32 + (day + 1<<31)
}

// rcpt is a receipt of an item on a day: an open order or a by-product.
type rcpt struct {
	day int64
	qty int64
	sup int32 // supply index of the open order, or of the work order yielding the by-product
	byp bool
	key int64 // the open order's index, or the by-product's order's orderKey: sorts as full planning numbers supplies
}

// lot is supply available to allocate, first in first out.
type lot struct {
	qty int64
	sup int32 // supply index; supStock or supPhantom
	byp bool
}

const (
	supStock   = -1
	supPhantom = -2 // exploded through a phantom
)

// porder is a planned order under construction.
type porder struct {
	item     int32
	day      int64 // due day
	rel      int64 // release day
	qty      int64
	parts    [][]int32 // the pegs of the requirements it covered
	pegs     []int32
	inputs   []int32 // supply indices
	mats     []int32 // with keepPos: the item whose requirement each of inputs covered (a by-product lot is not its order's item)
	delivers []int32 // demand indices
}

// orderList is a growing list of planned orders in chunks that never move.
type orderList struct {
	chunks [][]porder
	n      int
	spare  [][]porder // chunks to reuse (net change)
}

const chunkBits = 12

func (l *orderList) at(k int) *porder { return &l.chunks[k>>chunkBits][k&(1<<chunkBits-1)] }

func (l *orderList) add(o porder) {
	if l.n>>chunkBits == len(l.chunks) {
		if k := len(l.spare); k > 0 {
			l.chunks = append(l.chunks, l.spare[k-1][:0])
			l.spare = l.spare[:k-1]
		} else {
			l.chunks = append(l.chunks, make([]porder, 0, 1<<chunkBits))
		}
	}
	c := &l.chunks[len(l.chunks)-1]
	*c = append(*c, o)
	l.n++
}

type planner struct {
	md      *model
	demands []Demand
	open    []OpenOrder
	onhand  []int64
	reqs    [][]req
	rcpts   [][]rcpt
	orders  orderList // supply index of order k is len(open)+k
	records []ItemRecord
	lots    []lot
	mark    []uint32
	gen     uint32
	ids     []string // planned order ids, once result made them (kept for net change)
	keepPos bool     // result records resPos (net change's State)
	touched []int32  // items whose reqs or rcpts net change's diff filled
	resPos  []int32  // each planned order's place in Result.Purchases or Result.Work
}

// Plan runs MRP: it explodes the demand through the bills of materials,
// nets each item exactly once against its on-hand stock and scheduled
// receipts, and proposes lot-sized purchase and work orders offset by their
// lead times.
//
// Time is bucketed in UTC days. Items are netted in low-level-code order (an
// item's low-level code is the deepest level it appears at in any BOM), so
// when an item is netted every gross requirement it will ever get is known:
// a component shared across levels is netted once, with all of them, and its
// stock is used once. In each day, receipts arrive first, then the day's
// requirements draw on on-hand, receipts and earlier planned orders, first in
// first out; a shortfall becomes a planned order due that day, lot-sized
// (max(net, LotMin), rounded up to LotMultiple) and released LeadTimeDays
// earlier; its components are required on its release day and its
// by-products arrive at the end of its due day (so they serve the next
// days, and never the order itself or the orders it waits for). A receipt later than a need does not
// cover it (a new order is planned; the late receipt becomes excess).
//
// A phantom is netted like any item, so its own on-hand is used first
// (standard practice); the rest is not ordered but exploded through into
// its components on the same day, so a phantom inside a phantom explodes
// through both. It is exploded per requirement it serves (each rounded up),
// so pegging and the work orders' inputs reach through it exactly.
//
// Stock is on-hand per item, milli-units (≥ 0). Errors: KindNotFound for an
// unknown item, KindInvalid for any other bad input (a BOM cycle is named:
// "a → b → a"); on error the result is empty.
func Plan(m Master, stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (Result, error) {
	md, err := compile(m)
	if err != nil {
		return Result{}, err
	}
	p := &planner{md: md}
	if err := p.load(stock, open, demand); err != nil {
		return Result{}, err
	}
	for _, i := range md.order {
		if err := p.net(i); err != nil {
			return Result{}, err
		}
	}
	return p.result(), nil
}

func validRef(what, ref string) error {
	if ref == "" || len(ref) > 256 {
		return gongxu.Errorf(gongxu.KindInvalid, "%s ref must be 1 to 256 bytes", what)
	}
	return nil
}

func (p *planner) item(what, ref string, id ItemID) (int32, error) {
	i, ok := p.md.index[id]
	if !ok {
		return 0, gongxu.Errorf(gongxu.KindNotFound, "%s %q: unknown item %q", what, ref, id)
	}
	return i, nil
}

func (p *planner) load(stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) error {
	n := len(p.md.items)
	p.onhand = make([]int64, n)
	p.reqs = make([][]req, n)
	p.rcpts = make([][]rcpt, n)
	for _, id := range slices.Sorted(maps.Keys(stock)) { // the first bad entry by id: one error for one input
		q := stock[id]
		i, ok := p.md.index[id]
		if !ok {
			return gongxu.Errorf(gongxu.KindNotFound, "stock: unknown item %q", id)
		}
		if q < 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "stock of %q must not be negative, got %d", id, q)
		}
		p.onhand[i] = int64(q)
	}

	p.open = slices.Clone(open)
	slices.SortFunc(p.open, func(a, b OpenOrder) int { return strings.Compare(a.Ref, b.Ref) })
	for k, o := range p.open {
		if err := validRef("open order", o.Ref); err != nil {
			return err
		}
		if strings.HasPrefix(o.Ref, "po:") || strings.HasPrefix(o.Ref, "wo:") {
			return gongxu.Errorf(gongxu.KindInvalid, "open order %q: refs starting po: or wo: name planned orders", o.Ref)
		}
		if k > 0 && p.open[k-1].Ref == o.Ref {
			return gongxu.Errorf(gongxu.KindInvalid, "open order %q is listed twice", o.Ref)
		}
		i, err := p.item("open order", o.Ref, o.Item)
		if err != nil {
			return err
		}
		if p.md.items[i].Phantom {
			return gongxu.Errorf(gongxu.KindInvalid, "open order %q: phantom %q is never ordered", o.Ref, o.Item)
		}
		if o.Qty <= 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "open order %q: quantity must be positive, got %d", o.Ref, o.Qty)
		}
		if o.Due < 0 || o.Due > maxTime {
			return gongxu.Errorf(gongxu.KindInvalid, "open order %q: due %d is out of range", o.Ref, o.Due)
		}
		p.rcpts[i] = append(p.rcpts[i], rcpt{day: floorDiv(o.Due, dayMs), qty: int64(o.Qty), sup: int32(k), key: int64(k)})
	}

	p.demands = slices.Clone(demand)
	slices.SortFunc(p.demands, func(a, b Demand) int {
		return cmp.Or(strings.Compare(a.Ref, b.Ref), strings.Compare(string(a.Item), string(b.Item)),
			cmp.Compare(a.Due, b.Due), cmp.Compare(a.Qty, b.Qty))
	})
	pegs := make([]int32, len(p.demands))
	for k, d := range p.demands {
		if err := validRef("demand", d.Ref); err != nil {
			return err
		}
		i, err := p.item("demand", d.Ref, d.Item)
		if err != nil {
			return err
		}
		if d.Qty <= 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "demand %q for %q: quantity must be positive, got %d", d.Ref, d.Item, d.Qty)
		}
		if d.Due < 0 || d.Due > maxTime {
			return gongxu.Errorf(gongxu.KindInvalid, "demand %q for %q: due %d is out of range", d.Ref, d.Item, d.Due)
		}
		pegs[k] = int32(k)
		p.reqs[i] = append(p.reqs[i], req{day: floorDiv(d.Due, dayMs), qty: int64(d.Qty), pegs: pegs[k : k+1 : k+1], from: -1, src: -1, fkey: -1})
	}
	p.mark = make([]uint32, len(p.demands))
	return nil
}

func cmpReq(a, b req) int {
	if c := cmp.Compare(a.day, b.day); c != 0 {
		return c
	}
	if c := slices.Compare(a.pegs, b.pegs); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(a.qty, b.qty), cmp.Compare(a.fkey, b.fkey))
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

func (p *planner) overflow(i int32, err error) error {
	if err == nil {
		return nil
	}
	return gongxu.Errorf(gongxu.KindInvalid, "planning %q: %s", p.md.items[i].ID, gongxu.ErrorMessage(err))
}

// net nets item i with all its gross requirements, plans its orders and
// passes its dependent requirements and by-products on to the items below.
func (p *planner) net(i int32) error {
	md := p.md
	it := &md.items[i]
	rs, rc := p.reqs[i], p.rcpts[i] // kept, sorted, for net change (State)
	slices.SortFunc(rs, cmpReq)
	slices.SortFunc(rc, func(a, b rcpt) int {
		// Open orders (numbered first) before by-products.
		return cmp.Or(cmp.Compare(a.day, b.day), cmpBool(a.byp, b.byp), cmp.Compare(a.key, b.key), cmp.Compare(a.qty, b.qty))
	})
	if len(rs) == 0 && len(rc) == 0 {
		return nil // nothing happens to it: no record
	}
	avail := p.onhand[i]
	rec := ItemRecord{Item: it.ID, LowLevel: md.llc[i], Phantom: it.Phantom, OnHand: gongxu.Qty(avail)}
	lots := p.lots[:0]
	head := 0
	if avail > 0 {
		lots = append(lots, lot{qty: avail, sup: supStock})
	}
	first := p.orders.n
	nOpen := int32(len(p.open))
	var err error
	for ri, ci := 0, 0; ri < len(rs) || ci < len(rc); {
		day := int64(0)
		switch {
		case ri == len(rs):
			day = rc[ci].day
		case ci == len(rc):
			day = rs[ri].day
		default:
			day = min(rs[ri].day, rc[ci].day)
		}
		b := Bucket{Day: day * dayMs}
		c0 := ci
		for ; ci < len(rc) && rc[ci].day == day; ci++ {
			if r := rc[ci]; !r.byp {
				b.Scheduled += gongxu.Qty(r.qty) // bounded by avail
				if avail, err = gongxu.AddInt64(avail, r.qty); err != nil {
					return p.overflow(i, err)
				}
				lots = append(lots, lot{qty: r.qty, sup: r.sup})
			}
		}
		j, gross := ri, int64(0)
		for ; j < len(rs) && rs[j].day == day; j++ {
			if gross, err = gongxu.AddInt64(gross, rs[j].qty); err != nil {
				return p.overflow(i, err)
			}
		}
		b.Gross = gongxu.Qty(gross)
		if gross > avail {
			net := gross - avail
			q, sup := net, int32(supPhantom)
			if !it.Phantom {
				if q, err = lotSize(net, it); err != nil {
					return p.overflow(i, err)
				}
				sup = nOpen + int32(p.orders.n)
				p.orders.add(porder{item: i, day: day, rel: day - it.LeadTimeDays, qty: q})
			}
			lots = append(lots, lot{qty: q, sup: sup})
			if avail, err = gongxu.AddInt64(avail, q); err != nil {
				return p.overflow(i, err)
			}
			b.Net, b.Planned = gongxu.Qty(net), gongxu.Qty(q)
		}
		avail -= gross
		for _, r := range rs[ri:j] {
			for rem := r.qty; rem > 0; {
				l := &lots[head]
				take := min(rem, l.qty)
				l.qty -= take
				rem -= take
				if l.qty == 0 {
					head++
				}
				if err := p.cover(i, r, *l, take, nOpen); err != nil {
					return err
				}
			}
		}
		ri = j
		// By-products come out as their order completes, at the end of
		// the day: they serve later days, never the order itself.
		for _, r := range rc[c0:ci] {
			if r.byp {
				b.ByProduct += gongxu.Qty(r.qty) // bounded by avail
				if avail, err = gongxu.AddInt64(avail, r.qty); err != nil {
					return p.overflow(i, err)
				}
				lots = append(lots, lot{qty: r.qty, sup: r.sup, byp: true})
			}
		}
		b.Available = gongxu.Qty(avail)
		rec.Buckets = append(rec.Buckets, b)
	}
	p.lots = lots[:0]
	p.records = append(p.records, rec)

	// Finish the item's planned orders and explode them.
	for k := first; k < p.orders.n; k++ {
		o := p.orders.at(k)
		o.pegs = p.union(o.parts)
		o.parts = nil
		if !it.Make {
			continue
		}
		for _, l := range md.comps[i] {
			q, err := need(o.qty, l)
			if err != nil {
				return p.overflow(i, err)
			}
			if q > 0 {
				p.reqs[l.child] = append(p.reqs[l.child], req{day: o.rel, qty: q, pegs: o.pegs, from: int32(k), src: i, fkey: md.orderKey(i, o.day)})
			}
		}
		for _, l := range md.byps[i] {
			q, err := yield(o.qty, l)
			if err != nil {
				return p.overflow(i, err)
			}
			if q > 0 {
				p.rcpts[l.child] = append(p.rcpts[l.child], rcpt{day: o.day, qty: q, sup: nOpen + int32(k), byp: true, key: md.orderKey(i, o.day)})
			}
		}
	}
	return nil
}

// cover records that take of requirement r of item i was covered by lot l.
func (p *planner) cover(i int32, r req, l lot, take int64, nOpen int32) error {
	switch {
	case l.sup == supPhantom:
		for _, cl := range p.md.comps[i] {
			q, err := need(take, cl)
			if err != nil {
				return p.overflow(i, err)
			}
			if q > 0 {
				p.reqs[cl.child] = append(p.reqs[cl.child], req{day: r.day, qty: q, pegs: r.pegs, from: r.from, src: i, fkey: r.fkey})
			}
		}
	case l.sup >= 0:
		if r.from >= 0 {
			o := p.orders.at(int(r.from))
			o.inputs = append(o.inputs, l.sup)
			if p.keepPos {
				o.mats = append(o.mats, i)
			}
		}
		if l.sup >= nOpen && !l.byp {
			o := p.orders.at(int(l.sup - nOpen))
			o.parts = append(o.parts, r.pegs)
			if r.from < 0 {
				o.delivers = append(o.delivers, r.pegs[0])
			}
		}
	}
	return nil
}

// union merges sorted sets of demand indices.
func (p *planner) union(parts [][]int32) []int32 {
	if len(parts) == 0 {
		return nil
	}
	same := true
	for _, s := range parts[1:] {
		if len(s) != len(parts[0]) || &s[0] != &parts[0][0] {
			same = false
			break
		}
	}
	if same {
		return parts[0]
	}
	p.gen++
	out := make([]int32, 0, len(parts[0]))
	for _, s := range parts {
		for _, d := range s {
			if p.mark[d] != p.gen {
				p.mark[d] = p.gen
				out = append(out, d)
			}
		}
	}
	slices.Sort(out)
	return out
}

// dayString is the day's date, YYYY-MM-DD (UTC), as time.DateOnly formats
// it; years 1 to 9999 without the time package (ids name a date per
// planned order).
func dayString(day int64) string {
	// Days to civil date (H. Hinnant's algorithm), day 0 = 1970-01-01.
	z := day + 719_468
	era := floorDiv(z, 146_097)
	doe := z - era*146_097
	yoe := (doe - doe/1460 + doe/36_524 - doe/146_096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	if y < 1 || y > 9999 {
		return time.UnixMilli(day * dayMs).UTC().Format(time.DateOnly)
	}
	b := [10]byte{byte('0' + y/1000), byte('0' + y/100%10), byte('0' + y/10%10), byte('0' + y%10), '-',
		byte('0' + m/10), byte('0' + m%10), '-', byte('0' + d/10), byte('0' + d%10)}
	return string(b[:])
}

// refs maps sorted demand indices to their refs, sorted and unique (demands
// are sorted by ref first).
func (p *planner) refs(idx []int32) []string {
	out := make([]string, 0, len(idx))
	for _, d := range idx {
		if r := p.demands[d].Ref; len(out) == 0 || out[len(out)-1] != r {
			out = append(out, r)
		}
	}
	return out
}

func (p *planner) result() Result {
	md := p.md
	n := p.orders.n
	ids := make([]string, n)
	var buys, makes []int32
	for k := range n {
		o := p.orders.at(k)
		it := &md.items[o.item]
		prefix := "po:"
		if it.Make {
			prefix = "wo:"
			makes = append(makes, int32(k))
		} else {
			buys = append(buys, int32(k))
		}
		ids[k] = prefix + string(it.ID) + "@" + dayString(o.day)
	}
	p.ids = ids
	supID := func(s int32) string {
		if int(s) < len(p.open) {
			return p.open[s].Ref
		}
		return ids[int(s)-len(p.open)]
	}
	// Sort indices, not the records.
	slices.SortFunc(buys, func(a, b int32) int {
		oa, ob := p.orders.at(int(a)), p.orders.at(int(b))
		ia, ib := &md.items[oa.item], &md.items[ob.item]
		return cmp.Or(strings.Compare(string(ia.Supplier), string(ib.Supplier)), cmp.Compare(oa.item, ob.item), cmp.Compare(oa.day, ob.day))
	})
	slices.SortFunc(makes, func(a, b int32) int {
		oa, ob := p.orders.at(int(a)), p.orders.at(int(b))
		return cmp.Or(cmp.Compare(oa.day, ob.day), strings.Compare(ids[a], ids[b]))
	})
	if p.keepPos {
		p.resPos = make([]int32, n)
		for x, k := range buys {
			p.resPos[k] = int32(x)
		}
		for x, k := range makes {
			p.resPos[k] = int32(x)
		}
	}
	res := Result{Purchases: make([]PlannedPurchase, len(buys)), Work: make([]PlannedWork, len(makes)), Items: p.records}
	for x, k := range buys {
		o := p.orders.at(int(k))
		it := &md.items[o.item]
		res.Purchases[x] = PlannedPurchase{
			ID: ids[k], Supplier: it.Supplier, Item: it.ID, Qty: gongxu.Qty(o.qty),
			Release: o.rel * dayMs, Due: o.day * dayMs, Pegging: p.refs(o.pegs),
		}
	}
	for x, k := range makes {
		o := p.orders.at(int(k))
		w := &res.Work[x]
		*w = PlannedWork{
			ID: ids[k], Item: md.items[o.item].ID, Qty: gongxu.Qty(o.qty),
			Start: o.rel * dayMs, Due: o.day * dayMs, Pegging: p.refs(o.pegs),
		}
		if len(o.delivers) > 0 {
			slices.Sort(o.delivers)
			o.delivers = slices.Compact(o.delivers) // kept for net change (State)
			w.Delivers = p.refs(o.delivers)
		}
		if len(o.inputs) > 0 {
			sups := o.inputs
			if p.keepPos {
				sups = slices.Clone(sups) // o.inputs stays beside o.mats
			}
			slices.Sort(sups)
			sups = slices.Compact(sups)
			in := make([]string, 0, len(sups))
			for _, s := range sups {
				in = append(in, supID(s))
			}
			slices.Sort(in)
			w.Inputs = in
		}
	}
	slices.SortFunc(res.Items, func(a, b ItemRecord) int { return strings.Compare(string(a.Item), string(b.Item)) })
	if res.Items == nil {
		res.Items = []ItemRecord{}
	}
	return res
}
