package gongxu

// Master data: what a factory plans with. The ledger keeps each factory's
// items, bills of materials, routings and work centers (module production);
// the planner (internal/plan) compiles them. The types and their single-record
// checks live here so the two agree.

// Limits of master data; they keep every product of quantities and times
// within int64.
const (
	MaxLeadTimeDays   = 3650
	MaxWorkCenterCap  = 10_000
	MaxScrapBP        = 10_000
	MaxTimeMs         = 253_402_300_799_999 // 9999-12-31T23:59:59.999Z
	MaxWorkCenterID   = 64
	MaxShifts         = 64
	MaxCalendarRanges = 256
	MaxOperations     = 32
	MaxBOMLines       = 200
)

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
	ID           ItemID `json:"id"`
	Unit         string `json:"unit,omitempty"`           // "piece", "m", "kg": informative
	LeadTimeDays int64  `json:"lead_time_days,omitempty"` // calendar days from release to due, 0 to 3650
	LotMin       Qty    `json:"lot_min,omitempty"`        // smallest order, milli-units; 0: none
	LotMultiple  Qty    `json:"lot_multiple,omitempty"`   // orders are whole multiples of it, milli-units; 0: none
	Supplier     OrgID  `json:"supplier,omitempty"`       // preferred supplier of a bought item
	Make         bool   `json:"make,omitempty"`
	Phantom      bool   `json:"phantom,omitempty"`
}

// Validate checks one item on its own (its id and its rules).
func (it Item) Validate() error {
	if err := it.ID.Validate(); err != nil {
		return err
	}
	switch {
	case len(it.Unit) > 32:
		return Errorf(KindInvalid, "item %q: unit must be at most 32 bytes", it.ID)
	case it.LeadTimeDays < 0 || it.LeadTimeDays > MaxLeadTimeDays:
		return Errorf(KindInvalid, "item %q: lead time must be 0 to %d days, got %d", it.ID, MaxLeadTimeDays, it.LeadTimeDays)
	case it.LotMin < 0:
		return Errorf(KindInvalid, "item %q: lot minimum must not be negative, got %d", it.ID, it.LotMin)
	case it.LotMultiple < 0:
		return Errorf(KindInvalid, "item %q: lot multiple must not be negative, got %d", it.ID, it.LotMultiple)
	case it.Make && it.Supplier != "":
		return Errorf(KindInvalid, "item %q is made, so it has no supplier (got %q)", it.ID, it.Supplier)
	case !it.Make && it.Phantom:
		return Errorf(KindInvalid, "phantom %q must be a made item (make: true)", it.ID)
	case !it.Make && it.Supplier == "":
		return Errorf(KindInvalid, "item %q is bought but names no supplier", it.ID)
	case it.Phantom && (it.LeadTimeDays != 0 || it.LotMin != 0 || it.LotMultiple != 0):
		return Errorf(KindInvalid, "phantom %q has no lead time and no lot size; it is exploded into its parent's order", it.ID)
	}
	if it.Supplier != "" {
		if err := it.Supplier.Validate(); err != nil {
			return Errorf(KindInvalid, "item %q: supplier: %s", it.ID, ErrorMessage(err))
		}
	}
	return nil
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
	Parent    ItemID `json:"parent"`
	Child     ItemID `json:"child"`
	QtyPer    Qty    `json:"qty_per"`
	ScrapBP   int64  `json:"scrap_bp,omitempty"` // 0 to 10000
	ByProduct bool   `json:"by_product,omitempty"`
}

// Validate checks one line on its own: ids, quantity, scrap, no self-loop.
func (l BOMLine) Validate() error {
	if err := l.Parent.Validate(); err != nil {
		return err
	}
	if err := l.Child.Validate(); err != nil {
		return err
	}
	if l.QtyPer <= 0 {
		return Errorf(KindInvalid, "bom line %s → %s: quantity per unit must be positive, got %d", l.Parent, l.Child, l.QtyPer)
	}
	if l.ScrapBP < 0 || l.ScrapBP > MaxScrapBP {
		return Errorf(KindInvalid, "bom line %s → %s: scrap must be 0 to %d basis points, got %d", l.Parent, l.Child, MaxScrapBP, l.ScrapBP)
	}
	if l.Parent == l.Child {
		return Errorf(KindInvalid, "bill of materials has a cycle: %s → %s", l.Parent, l.Child)
	}
	return nil
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

// Validate checks a routing on its own: the item id, 1 to MaxOperations
// operations with work center ids and non-negative times under a year.
func (r Routing) Validate() error {
	if err := r.Item.Validate(); err != nil {
		return err
	}
	if len(r.Ops) == 0 || len(r.Ops) > MaxOperations {
		return Errorf(KindInvalid, "routing for %q: 1 to %d operations, got %d", r.Item, MaxOperations, len(r.Ops))
	}
	const yearMs = 366 * 86_400_000
	for i, op := range r.Ops {
		if err := ValidateWorkCenterID(op.WorkCenter); err != nil {
			return Errorf(KindInvalid, "routing for %q, operation %d: %s", r.Item, i+1, ErrorMessage(err))
		}
		if op.SetupMs < 0 || op.SetupMs > yearMs || op.RunMsPerUnit < 0 || op.RunMsPerUnit > yearMs {
			return Errorf(KindInvalid, "routing for %q, operation %d: setup and run time must be 0 to a year in ms", r.Item, i+1)
		}
	}
	return nil
}

// ValidateWorkCenterID checks a work center id: 1 to MaxWorkCenterID bytes
// of a-z, 0-9, '-', '_' and '.'.
func ValidateWorkCenterID(id string) error {
	if len(id) == 0 || len(id) > MaxWorkCenterID {
		return Errorf(KindInvalid, "work center id %q must be 1 to %d bytes", id, MaxWorkCenterID)
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return Errorf(KindInvalid, "work center id %q may hold only a-z, 0-9, '-', '_' and '.'", id)
		}
	}
	return nil
}

// WorkCenter is a machine group or line: Capacity identical units (machines,
// stations, crews) that work in parallel, each on one operation at a time,
// during the calendar's working time.
type WorkCenter struct {
	ID       string   `json:"id"`
	Capacity int64    `json:"capacity"` // 1 to 10000
	Calendar Calendar `json:"calendar"`
}

// Validate checks a work center: its id, its capacity and its calendar.
func (w WorkCenter) Validate() error {
	if err := ValidateWorkCenterID(w.ID); err != nil {
		return err
	}
	if w.Capacity <= 0 {
		return Errorf(KindInvalid, "work center %q has zero capacity: it needs at least one unit", w.ID)
	}
	if w.Capacity > MaxWorkCenterCap {
		return Errorf(KindInvalid, "work center %q: capacity must be at most %d units, got %d", w.ID, MaxWorkCenterCap, w.Capacity)
	}
	return w.Calendar.Validate(w.ID)
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

// Validate checks the calendar of work center wc: some working time, shifts
// within the week, intervals with start < end within year ±9999.
func (c Calendar) Validate(wc string) error {
	if len(c.Weekly) == 0 && len(c.Extra) == 0 {
		return Errorf(KindInvalid, "work center %q has an empty calendar: no shifts and no working intervals", wc)
	}
	if len(c.Weekly) > MaxShifts || len(c.Extra)+len(c.Closed) > MaxCalendarRanges {
		return Errorf(KindInvalid, "work center %q: at most %d shifts and %d extra or closed intervals", wc, MaxShifts, MaxCalendarRanges)
	}
	if c.UTCOffsetMin < -1440 || c.UTCOffsetMin > 1440 {
		return Errorf(KindInvalid, "work center %q: utc offset must be -1440 to 1440 minutes, got %d", wc, c.UTCOffsetMin)
	}
	for _, s := range c.Weekly {
		if s.Weekday < 0 || s.Weekday > 6 || s.StartMin < 0 || s.StartMin >= 1440 || s.EndMin <= s.StartMin || s.EndMin > 2880 {
			return Errorf(KindInvalid, "work center %q: shift %+v must have weekday 0 to 6 and 0 ≤ start < 1440, start < end ≤ 2880 minutes", wc, s)
		}
	}
	for _, list := range [][]Interval{c.Extra, c.Closed} {
		for _, iv := range list {
			if iv.Start >= iv.End || iv.Start < -MaxTimeMs || iv.End > MaxTimeMs {
				return Errorf(KindInvalid, "work center %q: interval [%d, %d) must have start < end, within year ±9999", wc, iv.Start, iv.End)
			}
		}
	}
	return nil
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
