package plan

import (
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// ItemID names an item: a material, a component or a product. For a product
// it is usually its gongxu.ProductID ("<factory>/<sku>"); any 1 to 129 bytes
// without spaces or control characters will do.
type ItemID string

// Item is the planning master data of one item.
//
// An item is exactly one of: bought (Make false; Supplier names the preferred
// supplier, whose planned purchase orders the plan proposes), made (Make true,
// Supplier empty; planned work orders) or phantom (Make and Phantom true).
//
// Phantom is a property of the item, not of the BOM line: a phantom (a kit
// such as a collar kit) is a made item that is never stocked on purpose nor
// ordered on its own, so it is the same in every BOM it appears in, its
// on-hand is netted once at its low-level code like any other item, and the
// rest of its requirement is exploded through into its components at the
// time its parent needs it. A phantom therefore has no lead time, no lot size,
// no open orders and no by-products (put those on the parent).
type Item struct {
	ID           ItemID       `json:"id"`
	Unit         string       `json:"unit,omitempty"`           // "piece", "m", "kg": informative
	LeadTimeDays int64        `json:"lead_time_days,omitempty"` // calendar days from release to due, 0 to 3650
	LotMin       gongxu.Qty   `json:"lot_min,omitempty"`        // smallest order, milli-units; 0: none
	LotMultiple  gongxu.Qty   `json:"lot_multiple,omitempty"`   // orders are whole multiples of it, milli-units; 0: none
	Supplier     gongxu.OrgID `json:"supplier,omitempty"`       // preferred supplier of a bought item
	Make         bool         `json:"make,omitempty"`
	Phantom      bool         `json:"phantom,omitempty"`
}

// BOMLine is one line of a bill of materials: making one unit (1000 milli)
// of Parent consumes QtyPer milli-units of Child, raised by ScrapBP basis
// points of scrap (150 = 1.5 %). With ByProduct the line is a by-product
// instead: making one unit of Parent yields QtyPer of Child (scrap ignored),
// which the plan counts as an expected receipt of Child, never as demand.
//
// The requirement for a parent quantity P (milli) is
// ceil(ceil(P × QtyPer / 1000) × (10000 + ScrapBP) / 10000): never under
// the need. A by-product receipt is floor(P × QtyPer / 1000): never over
// what comes out.
type BOMLine struct {
	Parent    ItemID     `json:"parent"`
	Child     ItemID     `json:"child"`
	QtyPer    gongxu.Qty `json:"qty_per"`
	ScrapBP   int64      `json:"scrap_bp,omitempty"` // 0 to 10000
	ByProduct bool       `json:"by_product,omitempty"`
}

// Operation is one step of a routing on a work center. It occupies one of
// the work center's parallel units for SetupMs plus RunMsPerUnit for each unit
// (1000 milli) of the order, counted in the work center's working time.
type Operation struct {
	WorkCenter   string `json:"work_center"`
	SetupMs      int64  `json:"setup_ms"`
	RunMsPerUnit int64  `json:"run_ms_per_unit"`
}

// Routing is how a made item is made: its operations, in order.
type Routing struct {
	Item ItemID      `json:"item"`
	Ops  []Operation `json:"ops"`
}

// WorkCenter is a machine group or line: Capacity identical units (machines,
// stations, crews) that work in parallel, each on one operation at a time,
// during the calendar's working time.
type WorkCenter struct {
	ID       string   `json:"id"`
	Capacity int64    `json:"capacity"` // 1 to 10000
	Calendar Calendar `json:"calendar"`
}

// Calendar is a work center's working time: a weekly pattern of shifts in
// the factory's local time (a fixed offset from UTC, so no daylight saving),
// plus Extra working intervals (overtime, a Saturday), minus Closed intervals
// (holidays, maintenance), which win over both.
type Calendar struct {
	UTCOffsetMin int64      `json:"utc_offset_min,omitempty"` // local = UTC + offset, -1440 to 1440
	Weekly       []Shift    `json:"weekly,omitempty"`
	Extra        []Interval `json:"extra,omitempty"`
	Closed       []Interval `json:"closed,omitempty"`
}

// Shift is a weekly working interval: on Weekday (0 = Sunday … 6 =
// Saturday) from StartMin to EndMin minutes after local midnight. A night
// shift may end the next morning (EndMin up to 2880).
type Shift struct {
	Weekday  int64 `json:"weekday"`
	StartMin int64 `json:"start_min"` // 0 to 1439
	EndMin   int64 `json:"end_min"`   // StartMin < EndMin ≤ 2880
}

// Interval is the half-open time interval [Start, End), unix ms.
type Interval struct {
	Start int64 `json:"start"`
	End   int64 `json:"end"`
}

// Master is the master data a plan runs on.
type Master struct {
	Items       []Item       `json:"items"`
	BOM         []BOMLine    `json:"bom"`
	Routings    []Routing    `json:"routings,omitempty"`
	WorkCenters []WorkCenter `json:"work_centers,omitempty"`
}

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

func validateItem(it Item) error {
	switch {
	case it.LeadTimeDays < 0 || it.LeadTimeDays > maxLeadDays:
		return gongxu.Errorf(gongxu.KindInvalid, "item %q: lead time must be 0 to %d days, got %d", it.ID, maxLeadDays, it.LeadTimeDays)
	case it.LotMin < 0:
		return gongxu.Errorf(gongxu.KindInvalid, "item %q: lot minimum must not be negative, got %d", it.ID, it.LotMin)
	case it.LotMultiple < 0:
		return gongxu.Errorf(gongxu.KindInvalid, "item %q: lot multiple must not be negative, got %d", it.ID, it.LotMultiple)
	case it.Make && it.Supplier != "":
		return gongxu.Errorf(gongxu.KindInvalid, "item %q is made, so it has no supplier (got %q)", it.ID, it.Supplier)
	case !it.Make && it.Phantom:
		return gongxu.Errorf(gongxu.KindInvalid, "phantom %q must be a made item (make: true)", it.ID)
	case !it.Make && it.Supplier == "":
		return gongxu.Errorf(gongxu.KindInvalid, "item %q is bought but names no supplier", it.ID)
	case it.Phantom && (it.LeadTimeDays != 0 || it.LotMin != 0 || it.LotMultiple != 0):
		return gongxu.Errorf(gongxu.KindInvalid, "phantom %q has no lead time and no lot size; it is exploded into its parent's order", it.ID)
	}
	if it.Supplier != "" {
		if err := it.Supplier.Validate(); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "item %q: supplier: %s", it.ID, gongxu.ErrorMessage(err))
		}
	}
	return nil
}

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
