package plan

import (
	"cmp"
	"slices"
	"strings"
	"sync"

	"github.com/gongxu-network/gongxu"
)

// State is a full plan kept for net change: the compiled master data, the
// inputs and the planner's internals, so that a change to the inputs re-nets
// only the items it can reach.
type State struct {
	md    *model
	p     *planner
	res   Result
	stock map[ItemID]gongxu.Qty

	// For a cheap diff of the next inputs and a cheap merge of a change.
	had        []bool      // by item: the stock map had it
	inOpen     []OpenOrder // the open orders as given
	inDemand   []Demand    // the demand as given
	openAt     []int32     // given position → index in p.open
	demandAt   []int32     // given position → index in p.demands
	itemOrders [][2]int32  // by item: its planned orders in p, [first, end), by due day
	buyRank    []int32     // by item: its rank by (supplier, id), as purchases sort
	workRank   []int32     // by item: its rank by id + "@", as work orders of one day sort; nil: by id
	buyItem    []int32     // the item of each of res.Purchases
	workItem   []int32     // the item of each of res.Work
	recItem    []int32     // the item of each of res.Items

	mu    sync.Mutex
	spare *scratch // one kept (a sync.Pool empties at every GC); net changes may run at once
}

// scratch is what a net change needs by item or by the full plan's order
// and gives back clean: allocating it anew each time (a few hundred
// kilobytes) costs more in garbage collection than the re-netting.
type scratch struct {
	reqs   [][]req    // by item; only touched items hold entries, emptied after use
	rcpts  [][]rcpt   // by item
	bmap   []int32    // by the full plan's order: its boundary copy or re-netted order of the same id in the new planner + 1, zeroed after use
	chunks [][]porder // planned order chunks to reuse
}

func (s *State) scratch() *scratch {
	s.mu.Lock()
	sc := s.spare
	s.spare = nil
	s.mu.Unlock()
	if sc != nil {
		return sc
	}
	n := len(s.md.items)
	return &scratch{reqs: make([][]req, n), rcpts: make([][]rcpt, n), bmap: make([]int32, s.p.orders.n)}
}

// release cleans sc and gives it back.
func (s *State) release(sc *scratch, items []int32, bounds []boundary, mapped []int32, p *planner) {
	sc.clean(items, bounds, mapped, p)
	s.mu.Lock()
	s.spare = sc
	s.mu.Unlock()
}

// clean empties the entries of items, bounds and mapped, and takes p's
// planned order chunks for reuse.
func (sc *scratch) clean(items []int32, bounds []boundary, mapped []int32, p *planner) {
	for _, i := range items {
		sc.reqs[i] = sc.reqs[i][:0]
		sc.rcpts[i] = sc.rcpts[i][:0]
	}
	for _, b := range bounds {
		sc.bmap[b.k] = 0
	}
	for _, k := range mapped {
		sc.bmap[k] = 0
	}
	if p != nil {
		sc.chunks = append(p.orders.spare, p.orders.chunks...)
	}
}

// NewState plans in full (as Plan) and keeps what net change needs. The
// Result must not be modified by the caller; NetChange shares its slices.
func NewState(m Master, stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (*State, Result, error) {
	md, err := compile(m)
	if err != nil {
		return nil, Result{}, err
	}
	p := &planner{md: md, keepPos: true}
	if err := p.load(stock, open, demand); err != nil {
		return nil, Result{}, err
	}
	for _, i := range md.order {
		if err := p.net(i); err != nil {
			return nil, Result{}, err
		}
	}
	n := len(md.items)
	s := &State{md: md, p: p, stock: make(map[ItemID]gongxu.Qty, len(stock)), had: make([]bool, n)}
	for id, q := range stock {
		s.stock[id] = q
		s.had[md.index[id]] = true
	}
	s.res = p.result()
	s.inOpen, s.inDemand = slices.Clone(open), slices.Clone(demand)
	s.openAt = sortedAt(len(open), func(a, b int) int { return strings.Compare(open[a].Ref, open[b].Ref) })
	s.demandAt = sortedAt(len(demand), func(a, b int) int { return cmpDemand(demand[a], demand[b]) })
	s.itemOrders = make([][2]int32, n)
	s.buyItem, s.workItem = make([]int32, len(s.res.Purchases)), make([]int32, len(s.res.Work))
	for k := range p.orders.n {
		o := p.orders.at(k)
		r := &s.itemOrders[o.item]
		if r[1] == 0 {
			r[0] = int32(k)
		}
		r[1] = int32(k + 1)
		if md.items[o.item].Make {
			s.workItem[p.resPos[k]] = o.item
		} else {
			s.buyItem[p.resPos[k]] = o.item
		}
	}
	s.recItem = make([]int32, len(s.res.Items))
	for x, r := range s.res.Items {
		s.recItem[x] = md.index[r.Item]
	}
	s.buyRank = sortedAt(n, func(a, b int) int {
		ia, ib := &md.items[a], &md.items[b]
		return cmp.Or(strings.Compare(string(ia.Supplier), string(ib.Supplier)), strings.Compare(string(ia.ID), string(ib.ID)))
	})
	// Work orders of one day sort by id, "wo:" + item + "@" + date: by
	// item + "@" unless an item id holds an "@" itself ("a" and "a@0":
	// the date's first digit decides), then by the ids.
	if !slices.ContainsFunc(md.items, func(it Item) bool { return strings.Contains(string(it.ID), "@") }) {
		s.workRank = sortedAt(n, func(a, b int) int {
			return strings.Compare(string(md.items[a].ID)+"@", string(md.items[b].ID)+"@")
		})
	}
	return s, s.res, nil
}

// sortedAt sorts 0…n-1 by c and returns each one's place.
func sortedAt(n int, c func(a, b int) int) []int32 {
	perm := make([]int32, n)
	for k := range perm {
		perm[k] = int32(k)
	}
	slices.SortFunc(perm, func(a, b int32) int { return c(int(a), int(b)) })
	at := make([]int32, n)
	for j, k := range perm {
		at[k] = int32(j)
	}
	return at
}

func cmpDemand(a, b Demand) int {
	return cmp.Or(strings.Compare(a.Ref, b.Ref), strings.Compare(string(a.Item), string(b.Item)),
		cmp.Compare(a.Due, b.Due), cmp.Compare(a.Qty, b.Qty))
}

// delta is the new inputs against the State's: a planner loaded with them
// and the items whose stock, open orders or demand changed.
type delta struct {
	p      *planner
	aff    []bool  // by item: changed (then: affected)
	seeds  []int32 // the changed items
	remap  []int32 // old demand index → new, -1 if gone; nil: the same demands
	pegmap []int32 // remap, and a demand changed in place (same ref and item) to the new one: how pegs renumber; nil with remap
	kept   bool    // pegmap keeps every index it maps: pegs need no renumbering
	oremap []int32 // old open order index → new, -1 if gone; nil: the same open orders
	pegs   []int32 // the new demands' pegs (remap != nil)
	loaded bool    // p.load filled every item's demand and open orders
}

func (d *delta) mark(i int32) {
	if !d.aff[i] {
		d.aff[i] = true
		d.seeds = append(d.seeds, i)
	}
}

// maxWindow bounds the open orders and demands a cheap diff takes as
// changed; more go through a full load (a variable for the tests).
var maxWindow = 64

// window is the lengths of the longest common prefix and suffix of a and b
// (not overlapping).
func window[T comparable](a, b []T) (pre, suf int) {
	n := min(len(a), len(b))
	for pre < n && a[pre] == b[pre] {
		pre++
	}
	for suf < n-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	return pre, suf
}

// diff compares the new inputs with the State's without loading them in
// full: stock item by item, open orders and demand as the window where the
// given lists differ from the State's (a change, an insertion or a
// deletion anywhere); only the window's new entries are validated. It
// returns nil when it cannot (a wide window, or a new entry that is not
// valid: the full load then gives the same error Plan gives).
func (s *State) diff(sc *scratch, stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (d *delta) {
	md, p0 := s.md, s.p
	n := len(md.items)
	dpre, dsuf := window(s.inDemand, demand)
	opre, osuf := window(s.inOpen, open)
	dOld, dNew := s.inDemand[dpre:len(s.inDemand)-dsuf], demand[dpre:len(demand)-dsuf]
	oOld, oNew := s.inOpen[opre:len(s.inOpen)-osuf], open[opre:len(open)-osuf]
	if len(dOld)+len(dNew)+len(oOld)+len(oNew) > maxWindow {
		return nil
	}
	p := &planner{md: md, reqs: sc.reqs, rcpts: sc.rcpts, orders: orderList{spare: sc.chunks}}
	sc.chunks = nil
	d = &delta{p: p, aff: make([]bool, n)}
	defer func() {
		if d == nil { // the scratch back clean
			sc.clean(p.touched, nil, nil, p) // the caller still holds sc
		}
	}()

	// Stock: the State's map is the smaller one to look up; the on-hand
	// array is copied on the first change.
	p.onhand = p0.onhand
	own := false
	set := func(i int32, q int64) {
		if !own {
			p.onhand, own = slices.Clone(p0.onhand), true
		}
		p.onhand[i] = q
		d.mark(i)
	}
	seen := 0
	for id, q := range stock {
		q0, had := s.stock[id]
		if had {
			seen++
			if q == q0 {
				continue
			}
		}
		i, ok := md.index[id]
		if !ok || q < 0 {
			return nil
		}
		if int64(q) != p.onhand[i] {
			set(i, int64(q))
		}
	}
	if seen < len(s.stock) {
		for id := range s.stock {
			if _, ok := stock[id]; !ok {
				if i := md.index[id]; p.onhand[i] != 0 {
					set(i, 0)
				}
			}
		}
	}

	// Open orders.
	p.open = p0.open
	if len(oOld)+len(oNew) > 0 {
		add := slices.Clone(oNew)
		slices.SortFunc(add, func(a, b OpenOrder) int { return strings.Compare(a.Ref, b.Ref) })
		gone := make([]bool, len(p0.open))
		for j := range oOld {
			gone[s.openAt[opre+j]] = true
		}
		var added []int32
		p.open, d.oremap, added = mergeSorted(p0.open, add, gone, func(a, o OpenOrder, oGone bool) bool {
			// Equal refs: a gone order goes first, the same ref comes back after it.
			return a.Ref < o.Ref || a.Ref == o.Ref && !oGone
		}, func(o OpenOrder) { d.mark(md.index[o.Item]) })
		for _, k := range added {
			o := p.open[k]
			if k > 0 && p.open[k-1].Ref == o.Ref || int(k) < len(p.open)-1 && p.open[k+1].Ref == o.Ref {
				return nil // listed twice
			}
			if validRef("open order", o.Ref) != nil || strings.HasPrefix(o.Ref, "po:") || strings.HasPrefix(o.Ref, "wo:") {
				return nil
			}
			i, ok := md.index[o.Item]
			if !ok || md.items[i].Phantom || o.Qty <= 0 || o.Due < 0 || o.Due > maxTime {
				return nil
			}
			d.mark(i)
			p.touched = append(p.touched, i)
			p.rcpts[i] = append(p.rcpts[i], rcpt{day: floorDiv(o.Due, dayMs), qty: int64(o.Qty), sup: k, key: int64(k)})
		}
	}

	// Demand.
	p.demands = p0.demands
	if len(dOld)+len(dNew) > 0 {
		add := slices.Clone(dNew)
		slices.SortFunc(add, cmpDemand)
		gone := make([]bool, len(p0.demands))
		for j := range dOld {
			gone[s.demandAt[dpre+j]] = true
		}
		var added []int32
		p.demands, d.remap, added = mergeSorted(p0.demands, add, gone, func(a, dm Demand, _ bool) bool {
			return cmpDemand(a, dm) < 0
		}, func(dm Demand) { d.mark(md.index[dm.Item]) })
		d.pegmap = pegMap(p0.demands, p.demands, d.remap)
		d.kept = keptIndices(d.pegmap)
		d.pegs = make([]int32, len(p.demands))
		for k := range d.pegs {
			d.pegs[k] = int32(k)
		}
		for _, k := range added {
			dm := p.demands[k]
			i, ok := md.index[dm.Item]
			if validRef("demand", dm.Ref) != nil || !ok || dm.Qty <= 0 || dm.Due < 0 || dm.Due > maxTime {
				return nil
			}
			d.mark(i)
			p.touched = append(p.touched, i)
			p.reqs[i] = append(p.reqs[i], req{day: floorDiv(dm.Due, dayMs), qty: int64(dm.Qty), pegs: d.pegs[k : k+1 : k+1], from: -1, src: -1, fkey: -1})
		}
	}
	p.mark = make([]uint32, len(p.demands))
	return d
}

// load is the full diff: the new inputs loaded as Plan loads them, compared
// with the State's.
func (s *State) load(stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (*delta, error) {
	md, p0 := s.md, s.p
	p := &planner{md: md}
	if err := p.load(stock, open, demand); err != nil {
		return nil, err
	}
	d := &delta{p: p, aff: make([]bool, len(md.items)), loaded: true}
	// Stock: both maps hold only valid items (load checked the new one).
	for id, q := range stock {
		if s.stock[id] != q {
			d.mark(md.index[id])
		}
	}
	for id, q := range s.stock {
		if _, ok := stock[id]; !ok && q != 0 {
			d.mark(md.index[id])
		}
	}
	// Open orders and demands: both lists are sorted; merge them.
	for a, b := 0, 0; a < len(p0.open) || b < len(p.open); {
		switch {
		case b == len(p.open) || a < len(p0.open) && p0.open[a].Ref < p.open[b].Ref:
			d.mark(md.index[p0.open[a].Item])
			a++
		case a == len(p0.open) || p.open[b].Ref < p0.open[a].Ref:
			d.mark(md.index[p.open[b].Item])
			b++
		default:
			if p0.open[a] != p.open[b] {
				d.mark(md.index[p0.open[a].Item])
				d.mark(md.index[p.open[b].Item])
			}
			a++
			b++
		}
	}
	d.remap = make([]int32, len(p0.demands)) // old demand index → new, -1 if gone
	ident := len(p0.demands) == len(p.demands)
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
			d.mark(md.index[p0.demands[a].Item])
			d.remap[a] = -1
			ident = false
			a++
		case c > 0:
			d.mark(md.index[p.demands[b].Item])
			ident = false
			b++
		default:
			d.remap[a] = int32(b)
			ident = ident && a == b
			a++
			b++
		}
	}
	if ident {
		d.remap = nil
	}
	if d.remap != nil {
		d.pegmap = pegMap(p0.demands, p.demands, d.remap)
		d.kept = keptIndices(d.pegmap)
	}
	return d, nil
}

// pegMap is remap with each run of demands gone between two kept ones
// mapped to the run of new ones there when they name the same refs and
// items in the same order (demands changed in place): an item whose
// requirements differ only so gets the same netting, and its pegs name the
// new demands. The map keeps the demands' order.
func pegMap(old, new []Demand, remap []int32) []int32 {
	pm := slices.Clone(remap)
	for k, j := 0, 0; k < len(old); {
		if remap[k] >= 0 {
			j = int(remap[k]) + 1
			k++
			continue
		}
		k2 := k
		for k2 < len(old) && remap[k2] < 0 {
			k2++
		}
		j2 := len(new)
		if k2 < len(old) {
			j2 = int(remap[k2])
		}
		if k2-k == j2-j {
			same := true
			for x := range k2 - k {
				same = same && old[k+x].Ref == new[j+x].Ref && old[k+x].Item == new[j+x].Item
			}
			for x := range k2 - k {
				if same {
					pm[k+x] = int32(j + x)
				}
			}
		}
		k, j = k2, j2
	}
	return pm
}

// keptIndices says whether every demand that remap keeps stays at its index.
func keptIndices(remap []int32) bool {
	for k, d := range remap {
		if d >= 0 && d != int32(k) {
			return false
		}
	}
	return true
}

// NetChange re-plans after a change to stock, open orders or demand (the
// master data is the State's) and returns exactly what Plan would return
// for the new inputs. It finds the items whose stock, open orders or demand
// changed and re-nets them, then, in netting order, each item below them
// that a re-netted item passed other requirements or by-products than in
// the full plan, fed by what the items not re-netted passed down in the
// full plan; every other item's record and orders are taken from the full
// plan, and the work orders above the re-netted items get their inputs
// recomputed. A change to one order reaches its item's part of the BOM
// (about 100 to 200 of the benchmark's 10,000 items) and re-nets fewer
// (where stock or lot sizes absorb it, one). The State itself still holds
// the full plan: each call is a change against it, and calls may run at
// once.
//
// The new inputs are compared with the State's where they differ (the
// lists as given: a few changed, inserted or deleted entries anywhere),
// not loaded in full; a wider change is loaded as Plan loads it.
func (s *State) NetChange(stock map[ItemID]gongxu.Qty, open []OpenOrder, demand []Demand) (Change, error) {
	md, p0 := s.md, s.p
	sc := s.scratch()
	d := s.diff(sc, stock, open, demand)
	if d == nil {
		var err error
		if d, err = s.load(stock, open, demand); err != nil {
			return Change{}, err
		}
	}
	p, aff := d.p, d.aff

	// The items a change can reach: the changed ones and everything below
	// them. Of those, an item is re-netted (aff) if it changed or if an
	// item re-netted above it passed it other requirements or by-products
	// than in the full plan; the others keep the full plan's netting.
	cand := make([]uint8, len(md.items)) // 1: reachable, 2: its input changed
	list := slices.Clone(d.seeds)
	for _, i := range list {
		cand[i] = 1
	}
	for x := 0; x < len(list); x++ {
		i := list[x]
		for _, l := range md.comps[i] {
			if cand[l.child] == 0 {
				cand[l.child] = 1
				list = append(list, l.child)
			}
		}
		for _, l := range md.byps[i] {
			if cand[l.child] == 0 {
				cand[l.child] = 1
				list = append(list, l.child)
			}
		}
	}
	var bounds []boundary
	var mapped []int32 // full plan's orders of re-netted items set in bmap
	defer func() {
		if d.loaded {
			s.release(sc, nil, bounds, mapped, nil)
		} else {
			s.release(sc, list, bounds, mapped, p)
		}
	}()
	if len(list) == 0 {
		return Change{s: s}, nil
	}
	slices.SortFunc(list, func(a, b int32) int { return cmp.Compare(md.pos[a], md.pos[b]) })

	// What items not re-netted passed down to re-netted ones is as in the
	// full plan: the full plan's requirements and by-products from them
	// are taken over, with their pegs renumbered, and the planned orders
	// they come from are copied into the new planner (the boundary),
	// keeping their inputs from items not re-netted, so that the re-netting
	// adds the rest. Without a full load, the re-netted items' unchanged
	// demand and open orders are taken over too.
	nOpen0, nOpen := int32(len(p0.open)), int32(len(p.open))
	bmap := sc.bmap                    // full plan's order index + 1 → the new planner's + 1
	renumbered := map[*int32][]int32{} // pegs slices are shared: renumber each once
	ok := true
	renum := func(pegs []int32) []int32 {
		if d.pegmap == nil || d.kept || len(pegs) == 0 {
			return pegs
		}
		if out, ok := renumbered[&pegs[0]]; ok && len(out) == len(pegs) {
			return out
		}
		out := make([]int32, len(pegs))
		renumbered[&pegs[0]] = out
		for x, dm := range pegs {
			if out[x] = d.pegmap[dm]; out[x] < 0 {
				// Cannot happen: a demand reaches only the items below
				// its own, which are all reachable, and a gone one
				// changes the requirements of every item it reaches.
				ok = false
			}
		}
		return out
	}
	var olds []int32 // by order of p: the full plan's order of the same id, or -1
	copyOrder := func(k0 int32) int32 {
		if k := bmap[k0]; k > 0 {
			return k - 1
		}
		o0 := p0.orders.at(int(k0))
		if aff[o0.item] {
			// A re-netted item's order that is gone, yet a requirement
			// passed through an item not re-netted names it: cannot
			// happen (its requirements changed, so did that item's).
			ok = false
			return -1
		}
		k := int32(p.orders.n)
		bounds = append(bounds, boundary{k: int(k0), nk: k})
		p.orders.add(porder{item: o0.item, day: o0.day, rel: o0.rel, qty: o0.qty, pegs: renum(o0.pegs)})
		p.ids = append(p.ids, p0.ids[k0])
		olds = append(olds, -1)
		bmap[k0] = k + 1
		return k
	}
	var reNetted []int32
	var ranges [][2]int32 // each re-netted item's orders in p
	var ra, rb []req
	var ca, cb []rcpt
	for _, c := range list {
		if !aff[c] && cand[c] < 2 {
			continue // nothing it gets changed: the full plan's netting stands
		}
		aff[c] = true
		reNetted = append(reNetted, c)
		for _, r := range p0.reqs[c] {
			if r.src < 0 {
				if d.loaded {
					continue
				}
				pegs := r.pegs
				if d.remap != nil {
					nd := d.remap[r.pegs[0]]
					if nd < 0 {
						continue // gone
					}
					pegs = d.pegs[nd : nd+1 : nd+1]
				}
				p.reqs[c] = append(p.reqs[c], req{day: r.day, qty: r.qty, pegs: pegs, from: -1, src: -1, fkey: -1})
				continue
			}
			if aff[r.src] {
				continue // passed down anew
			}
			from := int32(-1)
			if r.from >= 0 {
				from = copyOrder(r.from)
			}
			p.reqs[c] = append(p.reqs[c], req{day: r.day, qty: r.qty, pegs: renum(r.pegs), from: from, src: r.src, fkey: r.fkey})
		}
		for _, r := range p0.rcpts[c] {
			if !r.byp {
				if d.loaded {
					continue
				}
				k := r.sup
				if d.oremap != nil {
					if k = d.oremap[k]; k < 0 {
						continue // gone
					}
				}
				p.rcpts[c] = append(p.rcpts[c], rcpt{day: r.day, qty: r.qty, sup: k, key: int64(k)})
				continue
			}
			if aff[p0.orders.at(int(r.sup-nOpen0)).item] {
				continue
			}
			k := copyOrder(r.sup - nOpen0)
			p.rcpts[c] = append(p.rcpts[c], rcpt{day: r.day, qty: r.qty, sup: nOpen + k, byp: true, key: r.key})
		}
		if !ok {
			return s.full(stock, open, demand)
		}
		first := int32(p.orders.n)
		if err := p.net(c); err != nil {
			return Change{}, err
		}
		ranges = append(ranges, [2]int32{first, int32(p.orders.n)})
		// Its orders' ids, and the full plan's order of the same id (an
		// item's orders are by day in both), mapped for the items below.
		r0 := s.itemOrders[c]
		k0 := r0[0]
		for k := first; k < int32(p.orders.n); k++ {
			o := p.orders.at(int(k))
			for k0 < r0[1] && p0.orders.at(int(k0)).day < o.day {
				k0++
			}
			if k0 < r0[1] && p0.orders.at(int(k0)).day == o.day {
				olds = append(olds, k0)
				p.ids = append(p.ids, p0.ids[k0])
				bmap[k0] = k + 1
				mapped = append(mapped, k0)
			} else {
				olds = append(olds, -1)
				p.ids = append(p.ids, p.orderID(int(k)))
			}
		}
		// The items below whose requirements or by-products from c
		// changed are re-netted.
		mark := func(g int32) {
			if cand[g] == 2 {
				return
			}
			ra, rb = ra[:0], rb[:0]
			for _, r := range p0.reqs[g] {
				if r.src == c {
					ra = append(ra, r)
				}
			}
			for _, r := range p.reqs[g] {
				if r.src == c {
					rb = append(rb, r)
				}
			}
			ca, cb = ca[:0], cb[:0]
			for _, r := range p0.rcpts[g] {
				if r.byp && p0.orders.at(int(r.sup-nOpen0)).item == c {
					ca = append(ca, r)
				}
			}
			for _, r := range p.rcpts[g] {
				if r.byp && p.orders.at(int(r.sup-nOpen)).item == c {
					cb = append(cb, r)
				}
			}
			if !sameReqs(ra, rb, d.pegmap) || !sameRcpts(ca, cb) {
				cand[g] = 2
			}
		}
		for _, l := range md.comps[c] {
			mark(l.child)
		}
		for _, l := range md.byps[c] {
			mark(l.child)
		}
	}
	if len(reNetted) == 0 {
		return Change{s: s}, nil
	}
	return s.patch(p, d, reNetted, ranges, bounds, olds), nil
}

// sameReqs says whether the requirements a (the full plan's, sorted as
// netting sorts them) and b (new) are the same, a's pegs renumbered.
func sameReqs(a, b []req, remap []int32) bool {
	if len(a) != len(b) {
		return false
	}
	slices.SortFunc(b, cmpReq) // a's order, as remap keeps the demands' order
	for x := range a {
		ra, rb := &a[x], &b[x]
		if ra.day != rb.day || ra.qty != rb.qty || ra.fkey != rb.fkey || len(ra.pegs) != len(rb.pegs) {
			return false
		}
		for y, dm := range ra.pegs {
			if remap != nil {
				dm = remap[dm]
			}
			if dm != rb.pegs[y] {
				return false
			}
		}
	}
	return true
}

// sameRcpts says whether the by-products a (the full plan's) and b (new)
// are the same.
func sameRcpts(a, b []rcpt) bool {
	if len(a) != len(b) {
		return false
	}
	c := func(x, y rcpt) int {
		return cmp.Or(cmp.Compare(x.day, y.day), cmp.Compare(x.key, y.key), cmp.Compare(x.qty, y.qty))
	}
	slices.SortFunc(a, c)
	slices.SortFunc(b, c)
	for x := range a {
		if c(a[x], b[x]) != 0 {
			return false
		}
	}
	return true
}

// boundary is a planned order of an unaffected item that feeds affected ones.
type boundary struct {
	k  int   // index in the full plan
	nk int32 // index in the new planner
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
	c := Change{Records: res.Items, Purchases: res.Purchases, Work: res.Work, aff: make([]bool, len(s.md.items)), all: true, s: s}
	for i := range c.aff {
		c.aff[i] = true
		c.Items = append(c.Items, s.md.items[i].ID)
	}
	return c, nil
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

// supKey names a supply as its id does: an open order by its ref, a
// planned order by its item and due day (an item has one a day).
type supKey struct {
	item int32 // -1: an open order
	day  int64
	ref  string
}

func (p *planner) supKey(sup, nOpen int32) supKey {
	if sup < nOpen {
		return supKey{item: -1, ref: p.open[sup].Ref}
	}
	o := p.orders.at(int(sup - nOpen))
	return supKey{item: o.item, day: o.day}
}

func cmpSupKey(a, b supKey) int {
	return cmp.Or(cmp.Compare(a.item, b.item), cmp.Compare(a.day, b.day), strings.Compare(a.ref, b.ref))
}

// cmpBuy and cmpWork order purchases and work orders as result() does, by
// item ranks (s.buyRank, s.workRank) instead of strings.
func (s *State) cmpBuy(ia, ib int32, da, db int64) int {
	return cmp.Or(cmp.Compare(s.buyRank[ia], s.buyRank[ib]), cmp.Compare(da, db))
}

func (s *State) cmpWork(ia, ib int32, da, db int64, ida, idb string) int {
	if c := cmp.Compare(da, db); c != 0 || s.workRank == nil {
		return cmp.Or(c, strings.Compare(ida, idb))
	}
	return cmp.Compare(s.workRank[ia], s.workRank[ib])
}

// patch makes the re-netted items' part of the result.
func (s *State) patch(p *planner, d *delta, list []int32, ranges [][2]int32, bounds []boundary, olds []int32) Change {
	md, p0 := s.md, s.p
	nOpen, nOpen0 := int32(len(p.open)), int32(len(p0.open))

	// The re-netted items' orders, as result() builds them; an order with
	// the pegging of the full plan's order of the same id shares its
	// refs.
	// Purchases sort by item (rank), then day: each item's orders are by
	// day already.
	var bought []int32 // places in list
	var buys, makes []int32
	for x, i := range list {
		if md.items[i].Make {
			for k := ranges[x][0]; k < ranges[x][1]; k++ {
				makes = append(makes, k)
			}
		} else {
			bought = append(bought, int32(x))
		}
	}
	slices.SortFunc(bought, func(a, b int32) int { return cmp.Compare(s.buyRank[list[a]], s.buyRank[list[b]]) })
	boughtItems := make([]int32, len(bought))
	for y, x := range bought {
		boughtItems[y] = list[x]
		for k := ranges[x][0]; k < ranges[x][1]; k++ {
			buys = append(buys, k)
		}
	}
	slices.SortFunc(makes, func(a, b int32) int {
		oa, ob := p.orders.at(int(a)), p.orders.at(int(b))
		return s.cmpWork(oa.item, ob.item, oa.day, ob.day, p.ids[a], p.ids[b])
	})
	samePegs := func(o0, o *porder) bool {
		if len(o0.pegs) != len(o.pegs) {
			return false
		}
		for x, dm := range o0.pegs {
			if d.pegmap != nil {
				dm = d.pegmap[dm]
			}
			if dm != o.pegs[x] {
				return false
			}
		}
		return true
	}
	pegging := func(k int32, o *porder, old func(pos int32) []string) []string {
		if k0 := olds[k]; k0 >= 0 && samePegs(p0.orders.at(int(k0)), o) {
			return old(p0.resPos[k0])
		}
		return p.refs(o.pegs)
	}
	ch := Change{aff: d.aff, s: s, buyItem: make([]int32, len(buys)), workItem: make([]int32, len(makes)), bought: boughtItems}
	ch.Purchases = make([]PlannedPurchase, len(buys))
	for x, k := range buys {
		o := p.orders.at(int(k))
		it := &md.items[o.item]
		ch.buyItem[x] = o.item
		ch.Purchases[x] = PlannedPurchase{
			ID: p.ids[k], Supplier: it.Supplier, Item: it.ID, Qty: gongxu.Qty(o.qty),
			Release: o.rel * dayMs, Due: o.day * dayMs,
			Pegging: pegging(k, o, func(pos int32) []string { return s.res.Purchases[pos].Pegging }),
		}
	}
	ch.Work = make([]PlannedWork, len(makes))
	for x, k := range makes {
		o := p.orders.at(int(k))
		ch.workItem[x] = o.item
		w := &ch.Work[x]
		*w = PlannedWork{
			ID: p.ids[k], Item: md.items[o.item].ID, Qty: gongxu.Qty(o.qty),
			Start: o.rel * dayMs, Due: o.day * dayMs,
			Pegging: pegging(k, o, func(pos int32) []string { return s.res.Work[pos].Pegging }),
		}
		if len(o.delivers) > 0 {
			slices.Sort(o.delivers)
			w.Delivers = p.refs(slices.Compact(o.delivers))
		}
		// Inputs from items below not re-netted are the full plan's
		// order's (their netting, and what it was given, is the same).
		var kept []string
		if k0 := olds[k]; k0 >= 0 {
			o0 := p0.orders.at(int(k0))
			for y, sup := range o0.inputs {
				if !d.aff[o0.mats[y]] {
					kept = append(kept, p0.supplyID(sup, nOpen0))
				}
			}
		}
		w.Inputs = p.inputIDs(o.inputs, kept, nOpen)
	}

	// The boundary orders whose inputs changed (those from affected
	// items, compared by id), with their new inputs.
	var was, now []supKey
	var kept []int32
	for _, b := range bounds {
		o0, o := p0.orders.at(b.k), p.orders.at(int(b.nk))
		was, now, kept = was[:0], now[:0], kept[:0]
		for y, sup := range o0.inputs {
			if d.aff[o0.mats[y]] {
				was = append(was, p0.supKey(sup, nOpen0))
			} else {
				kept = append(kept, sup)
			}
		}
		for _, sup := range o.inputs {
			now = append(now, p.supKey(sup, nOpen))
		}
		slices.SortFunc(was, cmpSupKey)
		slices.SortFunc(now, cmpSupKey)
		if slices.Equal(was, slices.Compact(now)) {
			continue
		}
		ids := make([]string, 0, len(kept)+len(o.inputs))
		for _, sup := range kept {
			ids = append(ids, p0.supplyID(sup, nOpen0))
		}
		ch.inputs = append(ch.inputs, inputsAt{pos: p0.resPos[b.k], in: p.inputIDs(o.inputs, ids, nOpen)})
	}
	slices.SortFunc(ch.inputs, func(a, b inputsAt) int { return cmp.Compare(a.pos, b.pos) })
	ch.Inputs = make(map[string][]string, len(ch.inputs))
	for _, in := range ch.inputs {
		ch.Inputs[s.res.Work[in.pos].ID] = in.in
	}

	// Records in netting order; items sort by index as by id.
	ch.recItem = make([]int32, 0, len(p.records))
	for _, i := range list {
		if len(p.reqs[i]) > 0 || len(p.rcpts[i]) > 0 {
			ch.recItem = append(ch.recItem, i)
		}
	}
	perm := make([]int32, len(p.records))
	for x := range perm {
		perm[x] = int32(x)
	}
	slices.SortFunc(perm, func(a, b int32) int { return cmp.Compare(ch.recItem[a], ch.recItem[b]) })
	ch.Records = make([]ItemRecord, len(perm))
	items := make([]int32, len(perm))
	for x, y := range perm {
		ch.Records[x], items[x] = p.records[y], ch.recItem[y]
	}
	ch.recItem = items
	sorted := slices.Clone(list)
	slices.Sort(sorted)
	ch.items = sorted
	ch.Items = make([]ItemID, len(sorted))
	for x, i := range sorted {
		ch.Items[x] = md.items[i].ID
	}
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
	Inputs    map[string][]string // work order id → its new inputs, for the work orders of other items whose inputs changed

	aff                        []bool // by item index; nil: nothing changed
	all                        bool   // a full plan: every item re-netted
	s                          *State
	buyItem, workItem, recItem []int32    // the item of each of Purchases, Work, Records
	inputs                     []inputsAt // Inputs by place in the full plan's Work
	items                      []int32    // re-netted, by index (as Items)
	bought                     []int32    // the re-netted bought items, as purchases sort
}

type inputsAt struct {
	pos int32
	in  []string
}

// Result is the full plan with the change applied: exactly what Plan gives
// for the changed inputs. It copies the full plan's result (a linear merge)
// into new slices, which the caller may modify (not what their entries'
// slices point to).
func (c Change) Result() Result {
	s := c.s
	switch {
	case c.aff == nil: // nothing changed: the full plan, in new slices
		return Result{Purchases: slices.Clone(s.res.Purchases), Work: slices.Clone(s.res.Work), Items: slices.Clone(s.res.Items)}
	case c.all:
		return Result{Purchases: slices.Clone(c.Purchases), Work: slices.Clone(c.Work), Items: slices.Clone(c.Records)}
	}
	md := s.md
	var res Result

	// Purchases: an item's are together in both (by supplier, item, due);
	// the full plan's part of each re-netted item is replaced whole.
	rankAt := func(r int32) (lo, hi int) {
		lo, _ = slices.BinarySearchFunc(s.buyItem, r, func(i, r int32) int { return cmp.Compare(s.buyRank[i], r) })
		hi, _ = slices.BinarySearchFunc(s.buyItem[lo:], r+1, func(i, r int32) int { return cmp.Compare(s.buyRank[i], r) })
		return lo, lo + hi
	}
	res.Purchases = make([]PlannedPurchase, 0, len(s.res.Purchases)+len(c.Purchases))
	run, j := 0, 0
	for _, i := range c.bought {
		lo, hi := rankAt(s.buyRank[i])
		res.Purchases = append(res.Purchases, s.res.Purchases[run:lo]...)
		for ; j < len(c.Purchases) && c.buyItem[j] == i; j++ {
			res.Purchases = append(res.Purchases, c.Purchases[j])
		}
		run = hi
	}
	res.Purchases = append(res.Purchases, s.res.Purchases[run:]...)

	// Work, by (due, id): the re-netted items' work orders in the full plan
	// are found through their planned orders, the new ones' places by
	// binary search; runs between are copied whole, with the boundary
	// orders' new inputs.
	type edit struct {
		at  int
		add int // index in c.Work, or -1: drop s.res.Work[at]
	}
	var edits []edit
	for _, i := range c.items {
		if !md.items[i].Make {
			continue
		}
		r := s.itemOrders[i]
		for k := r[0]; k < r[1]; k++ {
			edits = append(edits, edit{at: int(s.p.resPos[k]), add: -1})
		}
	}
	for x := range c.Work {
		w, i := &c.Work[x], c.workItem[x]
		lo, hi := 0, len(s.res.Work)
		for lo < hi {
			m := (lo + hi) / 2
			if s.cmpWork(s.workItem[m], i, s.res.Work[m].Due, w.Due, s.res.Work[m].ID, w.ID) < 0 {
				lo = m + 1
			} else {
				hi = m
			}
		}
		edits = append(edits, edit{at: lo, add: x})
	}
	// At one place: the new orders (in their order) before the drop.
	slices.SortStableFunc(edits, func(a, b edit) int { return cmp.Or(cmp.Compare(a.at, b.at), cmpBool(a.add < 0, b.add < 0)) })
	res.Work = make([]PlannedWork, 0, len(s.res.Work)+len(c.Work))
	in := 0
	copyRun := func(lo, hi int) {
		base := len(res.Work) - lo
		res.Work = append(res.Work, s.res.Work[lo:hi]...)
		for ; in < len(c.inputs) && int(c.inputs[in].pos) < hi; in++ {
			res.Work[base+int(c.inputs[in].pos)].Inputs = c.inputs[in].in
		}
	}
	run = 0
	for _, e := range edits {
		copyRun(run, e.at)
		if e.add >= 0 {
			res.Work = append(res.Work, c.Work[e.add])
			run = e.at
		} else {
			run = e.at + 1
		}
	}
	copyRun(run, len(s.res.Work))

	// Records, by item.
	res.Items = make([]ItemRecord, 0, len(s.res.Items)+len(c.Records))
	run, j = 0, 0
	for _, i := range c.items {
		lo, found := slices.BinarySearch(s.recItem, i)
		res.Items = append(res.Items, s.res.Items[run:lo]...)
		run = lo
		if found {
			run++
		}
		if j < len(c.Records) && c.recItem[j] == i {
			res.Items = append(res.Items, c.Records[j])
			j++
		}
	}
	res.Items = append(res.Items, s.res.Items[run:]...)
	return res
}

// inputIDs is the sorted set of supply ids of inputs, plus keep.
func (p *planner) inputIDs(inputs []int32, keep []string, nOpen int32) []string {
	if len(inputs) == 0 && len(keep) == 0 {
		return nil
	}
	in := keep
	for _, s := range inputs {
		in = append(in, p.supplyID(s, nOpen))
	}
	slices.Sort(in)
	return slices.Compact(in)
}

// mergeSorted merges the sorted additions add into old, leaving out the
// entries gone marks: add[a] goes before old[k] while before(add[a], old[k],
// gone[k]). It returns the merged list, where each old entry went (-1 when
// gone; onGone is called for those) and the indices of the additions in it.
func mergeSorted[T any](old, add []T, gone []bool, before func(a, o T, oGone bool) bool, onGone func(T)) (out []T, remap, added []int32) {
	out = make([]T, 0, len(old)+len(add))
	remap = make([]int32, len(old))
	a := 0
	for k, o := range old {
		for ; a < len(add) && before(add[a], o, gone[k]); a++ {
			added = append(added, int32(len(out)))
			out = append(out, add[a])
		}
		if gone[k] {
			remap[k] = -1
			onGone(o)
			continue
		}
		remap[k] = int32(len(out))
		out = append(out, o)
	}
	for ; a < len(add); a++ {
		added = append(added, int32(len(out)))
		out = append(out, add[a])
	}
	return out, remap, added
}
