package plan

import (
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The master data types are the root vocabulary's (the ledger keeps them per
// factory); the planner compiles them.
type (
	ItemID     = gongxu.ItemID
	Item       = gongxu.Item
	BOMLine    = gongxu.BOMLine
	Operation  = gongxu.Operation
	Routing    = gongxu.Routing
	WorkCenter = gongxu.WorkCenter
	Calendar   = gongxu.Calendar
	Shift      = gongxu.Shift
	Interval   = gongxu.Interval
	Master     = gongxu.Master

	PlannedPurchase = gongxu.PlannedPurchase
	PlannedWork     = gongxu.PlannedWork
	ScheduledOp     = gongxu.ScheduledOp
	OrderDate       = gongxu.OrderDate
)

// Limits on the inputs; they keep every product of quantities and times
// within int64.
const (
	dayMs          = 86_400_000
	maxLeadDays    = 3650
	maxTime        = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z
	maxCapacity    = 10_000
	maxIDLen       = 129
	scrapBPMax     = 10_000
	horizonDays    = 3660 // how far past its ready time an operation may be placed
	calendarChunkW = 4    // weeks of working time materialized at a time
)

// line is a compiled BOM line.
type line struct {
	child  int32
	qtyPer int64
	scrap  int64
}

// model is validated, indexed master data: items sorted by id, dense
// indices, component and by-product lines per parent, low-level codes.
type model struct {
	items []Item
	index map[ItemID]int32
	comps [][]line // component lines per parent, sorted
	byps  [][]line // by-product lines per parent, sorted
	llc   []int32  // low-level code: the deepest level the item appears at
	order []int32  // items by (low-level code, id): the netting order
	pos   []int32  // each item's place in order
}

func validID(what, s string) error {
	if len(s) == 0 || len(s) > maxIDLen {
		return gongxu.Errorf(gongxu.KindInvalid, "%s %q must be 1 to %d bytes", what, s, maxIDLen)
	}
	for _, r := range s {
		if r <= ' ' || r == 0x7f {
			return gongxu.Errorf(gongxu.KindInvalid, "%s %q may not hold spaces or control characters", what, s)
		}
	}
	return nil
}

// compile validates the items and the BOM and computes low-level codes.
// Routings and work centers are compiled by the scheduler.
func compile(m Master) (*model, error) {
	md := &model{items: slices.Clone(m.Items), index: make(map[ItemID]int32, len(m.Items))}
	slices.SortFunc(md.items, func(a, b Item) int { return strings.Compare(string(a.ID), string(b.ID)) })
	for i, it := range md.items {
		if err := validID("item id", string(it.ID)); err != nil {
			return nil, err
		}
		if i > 0 && md.items[i-1].ID == it.ID {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "item %q is listed twice", it.ID)
		}
		if err := validateItem(it); err != nil {
			return nil, err
		}
		md.index[it.ID] = int32(i)
	}
	n := len(md.items)
	md.comps = make([][]line, n)
	md.byps = make([][]line, n)
	children := make([][]int32, n) // every edge, components and by-products, for the levels
	for _, l := range m.BOM {
		p, ok := md.index[l.Parent]
		if !ok {
			return nil, gongxu.Errorf(gongxu.KindNotFound, "bom line %s → %s: unknown item %q", l.Parent, l.Child, l.Parent)
		}
		c, ok := md.index[l.Child]
		if !ok {
			return nil, gongxu.Errorf(gongxu.KindNotFound, "bom line %s → %s: unknown item %q", l.Parent, l.Child, l.Child)
		}
		if l.QtyPer <= 0 {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "bom line %s → %s: quantity per unit must be positive, got %d", l.Parent, l.Child, l.QtyPer)
		}
		if l.ScrapBP < 0 || l.ScrapBP > scrapBPMax {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "bom line %s → %s: scrap must be 0 to %d basis points, got %d", l.Parent, l.Child, scrapBPMax, l.ScrapBP)
		}
		pi, ci := &md.items[p], &md.items[c]
		if !pi.Make {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "bom line %s → %s: %q is bought, so it has no bill of materials", l.Parent, l.Child, l.Parent)
		}
		if l.ByProduct {
			if pi.Phantom {
				return nil, gongxu.Errorf(gongxu.KindInvalid, "bom line %s → %s: phantom %q cannot have by-products; put them on its parent", l.Parent, l.Child, l.Parent)
			}
			if ci.Phantom {
				return nil, gongxu.Errorf(gongxu.KindInvalid, "bom line %s → %s: by-product %q cannot be a phantom", l.Parent, l.Child, l.Child)
			}
			md.byps[p] = append(md.byps[p], line{child: c, qtyPer: int64(l.QtyPer)})
		} else {
			md.comps[p] = append(md.comps[p], line{child: c, qtyPer: int64(l.QtyPer), scrap: l.ScrapBP})
		}
		children[p] = append(children[p], c)
	}
	cmpLine := func(a, b line) int {
		if a.child != b.child {
			return int(a.child - b.child)
		}
		if a.qtyPer != b.qtyPer {
			if a.qtyPer < b.qtyPer {
				return -1
			}
			return 1
		}
		return int(a.scrap - b.scrap)
	}
	for i := range n {
		slices.SortFunc(md.comps[i], cmpLine)
		slices.SortFunc(md.byps[i], cmpLine)
		if md.items[i].Phantom && len(md.comps[i]) == 0 {
			return nil, gongxu.Errorf(gongxu.KindInvalid, "phantom %q has no components to explode into", md.items[i].ID)
		}
	}
	if err := md.levels(children); err != nil {
		return nil, err
	}
	return md, nil
}

func validateItem(it Item) error { return it.Validate() }

// levels computes low-level codes (the longest path from any root, over
// component and by-product edges) by Kahn's algorithm, and names a cycle
// when there is one.
func (md *model) levels(children [][]int32) error {
	n := len(md.items)
	indeg := make([]int32, n)
	for _, cs := range children {
		for _, c := range cs {
			indeg[c]++
		}
	}
	md.llc = make([]int32, n)
	queue := make([]int32, 0, n)
	for i := range n {
		if indeg[i] == 0 {
			queue = append(queue, int32(i))
		}
	}
	for h := 0; h < len(queue); h++ {
		p := queue[h]
		for _, c := range children[p] {
			if md.llc[p]+1 > md.llc[c] {
				md.llc[c] = md.llc[p] + 1
			}
			indeg[c]--
			if indeg[c] == 0 {
				queue = append(queue, c)
			}
		}
	}
	if len(queue) < n {
		return md.cycle(children, indeg)
	}
	md.order = make([]int32, n)
	for i := range md.order {
		md.order[i] = int32(i)
	}
	slices.SortFunc(md.order, func(a, b int32) int {
		if md.llc[a] != md.llc[b] {
			return int(md.llc[a] - md.llc[b])
		}
		return int(a - b) // items are sorted by id
	})
	md.pos = make([]int32, n)
	for k, i := range md.order {
		md.pos[i] = int32(k)
	}
	return nil
}

// cycle names one cycle among the items Kahn's algorithm could not order
// (those with indeg > 0). Each of them has a parent among them, so walking
// up from any of them must come back to an item already seen.
func (md *model) cycle(children [][]int32, indeg []int32) error {
	n := len(md.items)
	parents := make([][]int32, n)
	for p, cs := range children {
		if indeg[p] == 0 {
			continue
		}
		for _, c := range cs {
			if indeg[c] > 0 {
				parents[c] = append(parents[c], int32(p))
			}
		}
	}
	start := int32(-1)
	for i := range n {
		if indeg[i] > 0 {
			start = int32(i)
			break
		}
	}
	seen := make(map[int32]int)
	var path []int32
	for cur := start; ; {
		if at, ok := seen[cur]; ok {
			path = path[at:]
			break
		}
		seen[cur] = len(path)
		path = append(path, cur)
		cur = slices.Min(parents[cur]) // the walk is deterministic
	}
	// path walks from child to parent; a cycle reads from parent to child.
	slices.Reverse(path)
	least := 0
	for i := range path {
		if path[i] < path[least] {
			least = i
		}
	}
	path = append(path[least:], path[:least]...)
	names := make([]string, 0, len(path)+1)
	for _, i := range path {
		names = append(names, string(md.items[i].ID))
	}
	names = append(names, names[0])
	return gongxu.Errorf(gongxu.KindInvalid, "bill of materials has a cycle: %s", strings.Join(names, " → "))
}
