package plan

import (
	"cmp"
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// State is a full plan kept for net change: the compiled master data, the
// inputs and the planner's internals, so that a change to the inputs re-nets
// only the items it can reach.
type State struct {
	md      *model
	p       *planner
	res     Result
	stock   map[ItemID]gongxu.Qty
	parents [][]int32  // every parent of each item, components and by-products
	orders  [][2]int32 // each item's planned orders in p: [first, end)
}

// NewState plans in full (as Plan) and keeps what net change needs. The
// Result must not be modified by the caller; NetChange shares its slices.
func NewState(m Master, stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (*State, Result, error) {
	md, err := compile(m)
	if err != nil {
		return nil, Result{}, err
	}
	p := &planner{md: md}
	if err := p.load(stock, open, demand); err != nil {
		return nil, Result{}, err
	}
	for _, i := range md.order {
		if err := p.net(i); err != nil {
			return nil, Result{}, err
		}
	}
	s := &State{md: md, p: p, stock: make(map[ItemID]gongxu.Qty, len(stock))}
	for id, q := range stock {
		s.stock[id] = q
	}
	s.res = p.result()
	return s, s.res, nil
}

// NetChange re-plans after a change to stock, open orders or demand (the
// master data is the State's) and returns exactly what Plan would return
// for the new inputs. It finds the items whose stock, open orders or demand
// changed, and re-nets only them and the items below them in the bills of
// materials, fed by what the unaffected items above passed down in the full
// plan; every other item's record and orders are taken from the full plan,
// and the work orders above the changed items get their inputs recomputed.
// A change to one order re-nets its item's part of the BOM (about 100 to
// 200 of the benchmark's 10,000 items). The State itself still holds the full plan: each call is a
// change against it.
func (s *State) NetChange(stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (Change, error) {
	md, p0 := s.md, s.p
	p := &planner{md: md}
	if err := p.load(stock, open, demand); err != nil {
		return Change{}, err
	}
	n := len(md.items)
	changed := make([]bool, n)
	var seeds []int32
	mark := func(i int32) {
		if !changed[i] {
			changed[i] = true
			seeds = append(seeds, i)
		}
	}
	// Stock: both maps hold only valid items (load checked the new one).
	for id, q := range stock {
		if s.stock[id] != q {
			mark(md.index[id])
		}
	}
	for id, q := range s.stock {
		if _, ok := stock[id]; !ok && q != 0 {
			mark(md.index[id])
		}
	}
	// Open orders and demands: both lists are sorted; merge them.
	for a, b := 0, 0; a < len(p0.open) || b < len(p.open); {
		switch {
		case b == len(p.open) || a < len(p0.open) && p0.open[a].Ref < p.open[b].Ref:
			mark(md.index[p0.open[a].Item])
			a++
		case a == len(p0.open) || p.open[b].Ref < p0.open[a].Ref:
			mark(md.index[p.open[b].Item])
			b++
		default:
			if p0.open[a] != p.open[b] {
				mark(md.index[p0.open[a].Item])
				mark(md.index[p.open[b].Item])
			}
			a++
			b++
		}
	}
	cmpDemand := func(a, b Demand) int {
		return cmp.Or(strings.Compare(a.Ref, b.Ref), strings.Compare(string(a.Item), string(b.Item)),
			cmp.Compare(a.Due, b.Due), cmp.Compare(a.Qty, b.Qty))
	}
	remap := make([]int32, len(p0.demands)) // old demand index → new, -1 if gone
	for a, b := 0, 0; a < len(p0.demands) || b < len(p.demands); {
		c := 0
		switch {
		case a == len(p0.demands):
			c = 1
		case b == len(p.demands):
			c = -1
		default:
			c = cmpDemand(p0.demands[a], p.demands[b])
		}
		switch {
		case c < 0:
			mark(md.index[p0.demands[a].Item])
			remap[a] = -1
			a++
		case c > 0:
			mark(md.index[p.demands[b].Item])
			b++
		default:
			remap[a] = int32(b)
			a++
			b++
		}
	}

	// The affected items: the changed ones and everything below them.
	aff := make([]bool, n)
	var list []int32
	for _, i := range seeds {
		aff[i] = true
		list = append(list, i)
	}
	for x := 0; x < len(list); x++ {
		i := list[x]
		for _, l := range md.comps[i] {
			if !aff[l.child] {
				aff[l.child] = true
				list = append(list, l.child)
			}
		}
		for _, l := range md.byps[i] {
			if !aff[l.child] {
				aff[l.child] = true
				list = append(list, l.child)
			}
		}
	}
	if len(list) == 0 {
		return Change{s: s}, nil
	}
	slices.SortFunc(list, func(a, b int32) int { return cmp.Compare(md.pos[a], md.pos[b]) })

	// What unaffected items passed down to affected ones is as in the full
	// plan (their own inputs did not change): the full plan's requirements
	// and by-products from them are taken over, with their pegs renumbered,
	// and the planned orders they come from are copied first into the new
	// planner (the boundary), keeping their inputs from unaffected items,
	// so that the re-netting adds the rest.
	nOpen0, nOpen := int32(len(p0.open)), int32(len(p.open))
	var bounds []boundary
	bmap := map[int32]int32{} // full plan's order index → the new planner's
	ok := true
	ident := len(p0.demands) == len(p.demands)
	for k, d := range remap {
		ident = ident && d == int32(k)
	}
	renumbered := map[*int32][]int32{} // pegs slices are shared: renumber each once
	renum := func(pegs []int32) []int32 {
		if ident || len(pegs) == 0 {
			return pegs
		}
		if out, ok := renumbered[&pegs[0]]; ok && len(out) == len(pegs) {
			return out
		}
		out := make([]int32, len(pegs))
		renumbered[&pegs[0]] = out
		for x, d := range pegs {
			if out[x] = remap[d]; out[x] < 0 {
				// Cannot happen: a demand reaches only the items below
				// its own, which are all affected.
				ok = false
			}
		}
		return out
	}
	copyOrder := func(k0 int32) int32 {
		if k, ok := bmap[k0]; ok {
			return k
		}
		o0 := p0.orders.at(int(k0))
		b := boundary{k: int(k0)}
		for _, sup := range o0.inputs {
			if !aff[p0.supplyItem(sup, nOpen0)] {
				b.keep = append(b.keep, sup)
			}
		}
		bounds = append(bounds, b)
		k := int32(p.orders.n)
		p.orders.add(porder{item: o0.item, day: o0.day, rel: o0.rel, qty: o0.qty, pegs: renum(o0.pegs)})
		bmap[k0] = k
		return k
	}
	for _, c := range list {
		for _, r := range p0.reqs[c] {
			if r.src < 0 || aff[r.src] {
				continue
			}
			from := int32(-1)
			if r.from >= 0 {
				from = copyOrder(r.from)
			}
			p.reqs[c] = append(p.reqs[c], req{day: r.day, qty: r.qty, pegs: renum(r.pegs), from: from, src: r.src, fkey: r.fkey})
		}
		for _, r := range p0.rcpts[c] {
			if !r.byp || aff[p0.orders.at(int(r.sup-nOpen0)).item] {
				continue
			}
			k := copyOrder(r.sup - nOpen0)
			p.rcpts[c] = append(p.rcpts[c], rcpt{day: r.day, qty: r.qty, sup: nOpen + k, byp: true, key: r.key})
		}
	}
	if !ok {
		return s.full(stock, open, demand)
	}
	nb := p.orders.n
	p.ids = make([]string, nb)
	for x, b := range bounds {
		p.ids[x] = p0.orderID(b.k)
	}
	for _, i := range list {
		if err := p.net(i); err != nil {
			return Change{}, err
		}
	}
	for k := nb; k < p.orders.n; k++ {
		p.ids = append(p.ids, p.orderID(k))
	}
	return s.patch(p, aff, list, bounds, nb), nil
}

// boundary is a planned order of an unaffected item that feeds affected ones.
type boundary struct {
	k    int     // index in the full plan
	keep []int32 // its inputs from unaffected items, the full plan's supply indices
}

// full is the fallback: a full plan of the new inputs, as a change of
// every item.
func (s *State) full(stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (Change, error) {
	p := &planner{md: s.md}
	if err := p.load(stock, open, demand); err != nil {
		return Change{}, err
	}
	for _, i := range s.md.order {
		if err := p.net(i); err != nil {
			return Change{}, err
		}
	}
	res := p.result()
	c := Change{Records: res.Items, Purchases: res.Purchases, Work: res.Work, aff: make([]bool, len(s.md.items)), s: s}
	for i := range c.aff {
		c.aff[i] = true
		c.Items = append(c.Items, s.md.items[i].ID)
	}
	return c, nil
}

func (p *planner) supplyItem(sup, nOpen int32) int32 {
	if sup < nOpen {
		return p.md.index[p.open[sup].Item]
	}
	return p.orders.at(int(sup - nOpen)).item
}

func (p *planner) orderID(k int) string {
	if k < len(p.ids) && p.ids[k] != "" {
		return p.ids[k]
	}
	o := p.orders.at(k)
	it := &p.md.items[o.item]
	prefix := "po:"
	if it.Make {
		prefix = "wo:"
	}
	return prefix + string(it.ID) + "@" + dayString(o.day)
}

func (p *planner) supplyID(sup, nOpen int32) string {
	if sup < nOpen {
		return p.open[sup].Ref
	}
	return p.orderID(int(sup - nOpen))
}

// patch merges the re-netted items into the full plan's result.
func (s *State) patch(p *planner, aff []bool, list []int32, bounds []boundary, nb int) Change {
	md, p0 := s.md, s.p
	nOpen := int32(len(p.open))

	// The re-netted items' orders, as result() builds them.
	var buys []PlannedPurchase
	var makes []PlannedWork
	for k := nb; k < p.orders.n; k++ {
		o := p.orders.at(k)
		it := &md.items[o.item]
		id := p.orderID(k)
		if !it.Make {
			buys = append(buys, PlannedPurchase{
				ID: id, Supplier: it.Supplier, Item: it.ID, Qty: gongxu.Qty(o.qty),
				Release: o.rel * dayMs, Due: o.day * dayMs, Pegging: p.refs(o.pegs),
			})
			continue
		}
		w := PlannedWork{
			ID: id, Item: it.ID, Qty: gongxu.Qty(o.qty),
			Start: o.rel * dayMs, Due: o.day * dayMs, Pegging: p.refs(o.pegs),
		}
		if len(o.delivers) > 0 {
			slices.Sort(o.delivers)
			w.Delivers = p.refs(slices.Compact(o.delivers))
		}
		w.Inputs = p.inputIDs(o.inputs, nil, nOpen)
		makes = append(makes, w)
	}
	slices.SortFunc(buys, func(a, b PlannedPurchase) int {
		return cmp.Or(strings.Compare(string(a.Supplier), string(b.Supplier)), strings.Compare(string(a.Item), string(b.Item)), cmp.Compare(a.Due, b.Due))
	})
	slices.SortFunc(makes, func(a, b PlannedWork) int { return cmp.Or(cmp.Compare(a.Due, b.Due), strings.Compare(a.ID, b.ID)) })

	// The boundary orders' new inputs, by id.
	inputs := make(map[string][]string, len(bounds))
	for x, b := range bounds {
		o := p.orders.at(x)
		keep := make([]string, len(b.keep))
		for y, sup := range b.keep {
			keep[y] = p0.supplyID(sup, int32(len(p0.open)))
		}
		inputs[p0.orderID(b.k)] = p.inputIDs(o.inputs, keep, nOpen)
	}

	slices.SortFunc(p.records, func(a, b ItemRecord) int { return strings.Compare(string(a.Item), string(b.Item)) })
	ch := Change{Records: p.records, Purchases: buys, Work: makes, Inputs: inputs, aff: aff, s: s}
	for _, i := range list {
		ch.Items = append(ch.Items, md.items[i].ID)
	}
	slices.Sort(ch.Items)
	return ch
}

// Change is what a net change re-planned: the items it re-netted, their
// new records and planned orders (replacing all of theirs in the full
// plan), and the new inputs of the full plan's work orders above them.
type Change struct {
	Items     []ItemID            // re-netted, sorted
	Records   []ItemRecord        // of the re-netted items with anything to net, by item
	Purchases []PlannedPurchase   // of the re-netted items, sorted as in Result
	Work      []PlannedWork       // of the re-netted items, sorted as in Result
	Inputs    map[string][]string // work order id → its new inputs, for work orders of other items

	aff []bool // by item index; nil: nothing changed
	s   *State
}

// Result is the full plan with the change applied: exactly what Plan gives
// for the changed inputs. It copies the full plan's result (a linear merge)
// into new slices, which the caller may modify (not what their entries'
// slices point to).
func (c Change) Result() Result {
	s := c.s
	if c.aff == nil { // nothing changed: the full plan, in new slices
		return Result{Purchases: slices.Clone(s.res.Purchases), Work: slices.Clone(s.res.Work), Items: slices.Clone(s.res.Items)}
	}
	md := s.md
	affID := func(id ItemID) bool { return c.aff[md.index[id]] }
	cmpBuy := func(a, b PlannedPurchase) int {
		return cmp.Or(strings.Compare(string(a.Supplier), string(b.Supplier)), strings.Compare(string(a.Item), string(b.Item)), cmp.Compare(a.Due, b.Due))
	}
	cmpWork := func(a, b PlannedWork) int {
		return cmp.Or(cmp.Compare(a.Due, b.Due), strings.Compare(a.ID, b.ID))
	}
	res := Result{
		Purchases: mergeSorted(s.res.Purchases, c.Purchases, func(x PlannedPurchase) bool { return affID(x.Item) }, cmpBuy),
		Items:     mergeSorted(s.res.Items, c.Records, func(x ItemRecord) bool { return affID(x.Item) }, func(a, b ItemRecord) int { return strings.Compare(string(a.Item), string(b.Item)) }),
		Work:      mergeSorted(s.res.Work, c.Work, func(x PlannedWork) bool { return affID(x.Item) }, cmpWork),
	}
	if len(c.Inputs) > 0 {
		for x := range res.Work {
			if in, ok := c.Inputs[res.Work[x].ID]; ok {
				res.Work[x].Inputs = in
			}
		}
	}
	return res
}

// inputIDs is the sorted set of supply ids of inputs, plus keep.
func (p *planner) inputIDs(inputs []int32, keep []string, nOpen int32) []string {
	if len(inputs) == 0 && len(keep) == 0 {
		return nil
	}
	in := slices.Clone(keep)
	for _, s := range inputs {
		in = append(in, p.supplyID(s, nOpen))
	}
	slices.Sort(in)
	return slices.Compact(in)
}

// mergeSorted returns old without the entries drop says, merged with add;
// both are sorted by c.
func mergeSorted[T any](old, add []T, drop func(T) bool, c func(a, b T) int) []T {
	out := make([]T, 0, len(old)+len(add))
	j := 0
	for _, x := range old {
		if drop(x) {
			continue
		}
		for j < len(add) && c(add[j], x) < 0 {
			out = append(out, add[j])
			j++
		}
		out = append(out, x)
	}
	return append(out, add[j:]...)
}
