package gongxu

import (
	"context"
	"encoding/json"
)

// The planner's output, computed at a factory's node off the ledger
// (internal/plan) and shown by the API and the factory console. What it
// decides reaches the ledger only as transactions (PlanView.Txs).

// PlannedPurchase is a purchase order the plan proposes to a supplier.
type PlannedPurchase struct {
	ID       string   `json:"id"` // "po:<item>@<due date>"
	Supplier OrgID    `json:"supplier"`
	Item     ItemID   `json:"item"`
	Qty      Qty      `json:"qty"`
	Release  int64    `json:"release"` // when to place it: Due − lead time, unix ms
	Due      int64    `json:"due"`     // the start of the day it is needed, unix ms
	Pegging  []string `json:"pegging"` // the demands it serves, sorted
}

// PlannedWork is a work order the plan proposes.
type PlannedWork struct {
	ID       string   `json:"id"` // "wo:<item>@<due date>"
	Item     ItemID   `json:"item"`
	Qty      Qty      `json:"qty"`
	Start    int64    `json:"start"`              // planned release: Due − lead time, unix ms
	Due      int64    `json:"due"`                // the start of the day it is needed, unix ms
	Pegging  []string `json:"pegging"`            // the demands it serves, directly or through parents, sorted
	Delivers []string `json:"delivers,omitempty"` // the demands its output goes to directly (its production orders), sorted
	Inputs   []string `json:"inputs,omitempty"`   // planned and open orders its components come from, sorted
}

// ScheduledOp is one operation placed on one unit of a work center; it holds
// the unit from Start to End, working during the calendar's working time in
// between.
type ScheduledOp struct {
	Work       string `json:"work"`
	Op         int    `json:"op"`
	WorkCenter string `json:"work_center"`
	Unit       int64  `json:"unit"` // 0 to Capacity-1; an operation of no duration holds no unit (0)
	Start      int64  `json:"start"`
	End        int64  `json:"end"`
}

// OrderDate is when a work order can start and when it completes.
type OrderDate struct {
	Work       string `json:"work"`
	Item       ItemID `json:"item"`
	Ready      int64  `json:"ready"`      // materials ready: max(from, planned start, inputs' arrival or completion)
	Completion int64  `json:"completion"` // the end of its last operation
	Due        int64  `json:"due"`
	Late       bool   `json:"late,omitempty"`
}

// PlannedOrder is a production order as the plan sees it: its due date, the
// completion the schedule gives it and the one published on the ledger.
type PlannedOrder struct {
	Order      uint64 `json:"order"`
	Product    ItemID `json:"product"`
	Qty        Qty    `json:"qty"`
	Due        int64  `json:"due"`
	Completion int64  `json:"completion"` // from the schedule; 0 when it cannot be planned
	Published  int64  `json:"published"`  // the planned completion on the ledger (0: none yet)
	Late       bool   `json:"late,omitempty"`
	Reason     string `json:"reason,omitempty"` // why it moved, or why it cannot be planned
}

// PlanTx is a transaction the plan would send (or sent): its message type,
// a one-line summary and the message body.
type PlanTx struct {
	Type    string          `json:"type"`
	Summary string          `json:"summary"`
	Body    json.RawMessage `json:"body"`
}

// PlanView is a factory's plan at a moment: MRP's planned purchases and work
// orders, the finite-capacity schedule of their operations, each production
// order's completion, the work centers (for a Gantt chart) and what the plan
// would send to the ledger. Problems lists what kept parts of it from being
// planned (an item without master data, a supplier without an offer).
type PlanView struct {
	Factory     OrgID             `json:"factory"`
	At          int64             `json:"at"` // block time it was planned from, unix ms
	Orders      []PlannedOrder    `json:"orders"`
	Purchases   []PlannedPurchase `json:"purchases"`
	Work        []PlannedWork     `json:"work"`
	Dates       []OrderDate       `json:"dates"`
	Ops         []ScheduledOp     `json:"ops"`
	WorkCenters []WorkCenter      `json:"work_centers"`
	Txs         []PlanTx          `json:"txs"`
	Problems    []string          `json:"problems"`
	// LateSupply lists the open purchase order lines past their promised
	// date and not shipped in full: the plan does not expect them now but
	// at a realistic date (LateSupply.Expected).
	LateSupply []LateSupply `json:"late_supply,omitempty"`
}

// LateSupply is an open purchase order line past its promised date, not
// shipped in full, as the plan expects it.
type LateSupply struct {
	PO       uint64 `json:"po"`
	Line     int    `json:"line"` // 1-based
	Supplier OrgID  `json:"supplier"`
	Item     ItemID `json:"item"`
	Qty      Qty    `json:"qty"`                // still to receive
	Promised int64  `json:"promised"`           // the promised date it missed, unix ms
	Recorded int64  `json:"recorded,omitempty"` // when the ledger recorded it late (0: within the grace still)
	Expected int64  `json:"expected"`           // when the plan expects it, unix ms
	// Basis says how Expected was estimated: from the supplier's observed
	// lateness, or as late again as the line already is.
	Basis string `json:"basis"`
}

// PlanService plans a factory's production at this node.
type PlanService interface {
	// Plan computes the factory's plan from the ledger as this node sees it
	// now; it sends nothing. Errors: KindNotFound for an org that is no
	// factory, KindInvalid for master data the planner refuses (a BOM
	// cycle, a made item without a routing), KindUnavailable while the node
	// starts.
	Plan(ctx context.Context, factory OrgID) (PlanView, error)
}
