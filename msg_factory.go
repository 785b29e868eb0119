package gongxu

// The messages of a factory (and of a requester awarding its request) that
// the pages build: as in msg.go, each body has its module's JSON names and
// is the module's message type (production.MsgPODecide is a PODecideBody,
// and so on), so there is one definition of each.
const (
	TypePODecide       = "production/po_decide" // PODecideBody
	TypeWOStart        = "production/wo_start"  // WOStartBody
	TypeWOReport       = "production/wo_report" // WOReportBody
	TypeWOComplete     = FlowComplete           // WOCompleteBody
	TypeWOCancel       = "production/wo_cancel" // WOCancelBody
	TypePoolShip       = FlowShipToHub          // PoolShipBody
	TypePoolOpen       = "pool/open"            // PoolOpenBody
	TypePoolStopRepeat = "pool/stop_repeat"     // PoolStopRepeatBody
	TypeRFQAward       = "rfq/award"            // RFQAwardBody
)

// PODecideBody is the ordering factory accepting or rejecting the
// supplier's proposal on a purchase order.
type PODecideBody struct {
	PO     uint64 `json:"po"`
	Accept bool   `json:"accept"`
	Reason string `json:"reason,omitempty"`
}

// WOStartBody starts a work order for a production order: a quantity and
// the lots it will consume (consumed at completion).
//
// Allocate asks the ledger to choose the lots of some inputs: each item's
// quantity is reserved from the factory's free lots of it, the first to
// expire first, then the first in (after the chosen Inputs).
type WOStartBody struct {
	Order    uint64    `json:"order"`
	Qty      Qty       `json:"qty"`
	Inputs   []LotQty  `json:"inputs,omitempty"`
	Allocate []ItemQty `json:"allocate,omitempty"`
}

// ItemQty is a quantity (milli-units) of an item.
type ItemQty struct {
	Item ItemID `json:"item"`
	Qty  Qty    `json:"qty"`
}

// WOReportBody reports a started work order's produced and scrapped
// quantities so far (cumulative, never falling).
//
// ScrapReason says why what was scrapped since the last report was
// scrapped (kept with the quantity in WorkOrder.Scrap).
type WOReportBody struct {
	WO          uint64 `json:"wo"`
	Produced    Qty    `json:"produced"`
	Scrapped    Qty    `json:"scrapped"`
	ScrapReason string `json:"scrap_reason,omitempty"`
}

// WOCancelBody cancels a started work order: the lots reserved for it are
// released, nothing is consumed or made.
type WOCancelBody struct {
	WO     uint64 `json:"wo"`
	Reason string `json:"reason,omitempty"`
}

// WOCompleteBody completes a work order: the final produced and scrapped
// quantities and the output lots by code (empty: one lot "wo-<id>" holding
// all that was produced). The codes are the factory's: lot id
// "<factory>/<code>".
//
// ByProducts are lots of the by-products the work made (items its bill of
// materials declares as by-products of the work order's item), each a new
// lot "<factory>/<code>"; ScrapReason is as on a report.
type WOCompleteBody struct {
	WO          uint64         `json:"wo"`
	Produced    Qty            `json:"produced"`
	Scrapped    Qty            `json:"scrapped"`
	Outputs     []OutputLot    `json:"outputs,omitempty"`
	ByProducts  []ByProductLot `json:"by_products,omitempty"`
	ScrapReason string         `json:"scrap_reason,omitempty"`
}

// ByProductLot is a by-product lot of a completed work order: its item, its
// code, its quantity (milli-units) and its expiry (as OutputLot's).
type ByProductLot struct {
	Item   ItemID `json:"item"`
	Code   string `json:"code"`
	Qty    Qty    `json:"qty"`
	Expiry int64  `json:"expiry,omitempty"`
}

// OutputLot is an output lot of a completed work order.
type OutputLot struct {
	Code string `json:"code"`
	Qty  Qty    `json:"qty"`
	// Expiry is when the lot's goods expire (block time, unix ms; absent:
	// never): allocation takes the first to expire first and never an
	// expired lot.
	Expiry int64 `json:"expiry,omitempty"`
}

// PoolShipBody is a pool's factory shipping a hub's share of the pool from
// its stock of the pool's product: the lots it chooses (Lots, adding up to
// the shipment), else what is allotted to the pool first (the lots its
// production order made or was filled from), then its free lots, first to
// expire, first in.
//
// A share may ship in parts: Qty (milli-units) is this shipment's quantity;
// absent, the chosen lots' total, or what is left of the share.
type PoolShipBody struct {
	Pool uint64   `json:"pool"`
	Hub  OrgID    `json:"hub"`
	Lots []LotQty `json:"lots,omitempty"`
	Qty  Qty      `json:"qty,omitempty"`
}

// PoolOpenBody opens a pool on one of the signer's factory's products.
type PoolOpenBody struct {
	Product  ProductID `json:"product"`
	Tiers    []Tier    `json:"tiers"`
	MOQ      Units     `json:"moq"`
	Cap      Units     `json:"cap"`
	CasePack Units     `json:"case_pack"`
	Currency string    `json:"currency"`
	Deadline int64     `json:"deadline"`          // block time, unix ms
	LockMs   int64     `json:"lock_ms,omitempty"` // no reductions in the last LockMs before the deadline
	Variants []string  `json:"variants,omitempty"`
	Hubs     []OrgID   `json:"hubs,omitempty"`
	Terms    string    `json:"terms,omitempty"`
	// StartBy is the promised production start (block time, unix ms, after
	// the deadline); 0: the deadline plus DefaultPoolStartMs.
	StartBy int64 `json:"start_by,omitempty"`
	// Shares of the proceeds for enablers (basis points; at most
	// MaxShareBPS together): each hub's of its own share's payout, and
	// named member orgs' of every payout.
	HubBPS   int64          `json:"hub_bps,omitempty"`
	Enablers []EnablerShare `json:"enablers,omitempty"`
	// DisputeDefaultBPS is the fallback of a dispute whose panel does not
	// decide in time (0 to 10000 of the claimed amount to the claimant);
	// absent: the network's parameter dispute_default_bps.
	DisputeDefaultBPS *int64 `json:"dispute_default_bps,omitempty"`
	// FromStock opens the pool on goods the factory holds (Pool.FromStock).
	FromStock bool `json:"from_stock,omitempty"`
	// Repeat reopens the pool on a schedule (PoolRepeat); nil: once.
	Repeat *PoolRepeat `json:"repeat,omitempty"`
}

// PoolStopRepeatBody is the factory stopping a series of pools that reopen
// on a schedule, named by any pool of it: no further pool opens; the open
// one, if any, runs to its deadline.
type PoolStopRepeatBody struct {
	Pool   uint64 `json:"pool"`
	Reason string `json:"reason,omitempty"`
}

// RFQAwardBody is the requester awarding its request for quote to one or
// more revealed bids, after the reveal deadline; each line becomes a pool,
// in the order given.
type RFQAwardBody struct {
	RFQ    uint64      `json:"rfq"`
	Awards []AwardLine `json:"awards"`
}

// AwardLine awards Qty units to one bidder's revealed bid.
type AwardLine struct {
	Bidder OrgID `json:"bidder"`
	Qty    Units `json:"qty"`
}
