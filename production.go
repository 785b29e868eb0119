package gongxu

import (
	"context"
	"strings"
)

// ItemID names an item on the ledger: a material, a component or a product
// (for a product usually its ProductID). 1 to 129 bytes without spaces or
// control characters, as the planner's item ids.
type ItemID string

// Validate reports whether id is well formed.
func (id ItemID) Validate() error {
	s := string(id)
	if len(s) < 1 || len(s) > 129 {
		return Errorf(KindInvalid, "item id %q must be 1 to 129 bytes", s)
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return Errorf(KindInvalid, "item id %q must hold no spaces or control characters", s)
		}
	}
	return nil
}

// LotID names a lot: "<owner org>/<code>". The code is 1 to 129 characters of
// a-z, 0-9, '-', '.', '_' and '/', neither starting nor ending with '/'. A lot
// received from a supplier keeps the supplier's lot id under the receiver:
// "factory-a/supplier-s/fab-001".
type LotID string

// NewLotID joins an owner and a code.
func NewLotID(owner OrgID, code string) LotID { return LotID(string(owner) + "/" + code) }

// Owner returns the org the lot id is namespaced under.
func (id LotID) Owner() OrgID {
	o, _, _ := strings.Cut(string(id), "/")
	return OrgID(o)
}

// Validate reports whether id is well formed.
func (id LotID) Validate() error {
	o, code, ok := strings.Cut(string(id), "/")
	if !ok {
		return Errorf(KindInvalid, "lot id %q must be <org>/<code>", string(id))
	}
	if err := OrgID(o).Validate(); err != nil {
		return err
	}
	if len(code) < 1 || len(code) > 129 || code[0] == '/' || code[len(code)-1] == '/' {
		return Errorf(KindInvalid, "lot id %q: the code must be 1 to 129 characters, neither starting nor ending with '/'", string(id))
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '.' || r == '_' || r == '/') {
			return Errorf(KindInvalid, "lot id %q: the code may hold only a-z, 0-9, '-', '.', '_' and '/'", string(id))
		}
	}
	return nil
}

// OfferTier is a step of a supply offer's price list: from MinQty (milli-units)
// on one order line, each unit (1000 milli) costs UnitPrice minor units.
type OfferTier struct {
	MinQty    Qty    `json:"min_qty"`
	UnitPrice Amount `json:"unit_price"`
}

// SupplyOffer is what a supplier publishes it can supply: its own catalog,
// one offer per (supplier, item).
type SupplyOffer struct {
	Supplier     OrgID       `json:"supplier"`
	Item         ItemID      `json:"item"`
	Unit         string      `json:"unit"`
	LeadTimeDays int64       `json:"lead_time_days"`
	MinQty       Qty         `json:"min_qty"` // smallest order line, milli-units
	Tiers        []OfferTier `json:"tiers"`   // the first from 0 or MinQty; MinQty ascending, prices positive
	Currency     string      `json:"currency"`
	Version      int64       `json:"version"`
	Updated      int64       `json:"updated"` // block time, unix ms
	// Terms, when set, seal the tiers' unit prices (0 on the ledger) to
	// the supplier and the factories it names (the key boxes after its
	// own): only they may order against the offer, with sealed orders.
	Terms *SealedTerms `json:"terms,omitempty"`
}

// TermLines are the public lines sealed offer terms commit to: one per
// tier, the item and the tier's minimum quantity.
func (o SupplyOffer) TermLines() []POLine {
	out := make([]POLine, len(o.Tiers))
	for i, t := range o.Tiers {
		out[i] = POLine{Item: o.Item, Qty: t.MinQty}
	}
	return out
}

// SealedTo reports whether the offer is open to org: a clear offer to
// every member, a sealed one to the orgs its terms are sealed to.
func (o SupplyOffer) SealedTo(org OrgID) bool {
	if o.Terms == nil {
		return true
	}
	for _, k := range o.Terms.Keys {
		if k.Org == org {
			return true
		}
	}
	return false
}

// PriceFor returns the unit price of a line of qty: the highest tier whose
// MinQty is ≤ qty (the first tier's below it).
func (o SupplyOffer) PriceFor(qty Qty) Amount {
	if len(o.Tiers) == 0 {
		return 0
	}
	p := o.Tiers[0].UnitPrice
	for _, t := range o.Tiers {
		if qty >= t.MinQty {
			p = t.UnitPrice
		}
	}
	return p
}

// ProductionOrderStatus is where a production order stands.
type ProductionOrderStatus string

// The production order statuses.
const (
	OrderOpen       ProductionOrderStatus = "open"        // created, no work started
	OrderInProgress ProductionOrderStatus = "in_progress" // a work order started
	OrderCompleted  ProductionOrderStatus = "completed"   // completed work orders produced at least the quantity
)

// OrderChange is one step of a production order's history.
type OrderChange struct {
	Status ProductionOrderStatus `json:"status"`
	Time   int64                 `json:"time"` // block time, unix ms
	Height int64                 `json:"height"`
	Reason string                `json:"reason"`
}

// ProductionOrder is a factory's order to make a quantity of a product by a
// date: from a filled pool (Pool ≠ 0) or created by the factory.
type ProductionOrder struct {
	ID       uint64                `json:"id"`
	Factory  OrgID                 `json:"factory"`
	Product  ItemID                `json:"product"`
	Qty      Qty                   `json:"qty"` // milli-units
	Due      int64                 `json:"due"` // block time, unix ms
	Pool     uint64                `json:"pool"`
	Status   ProductionOrderStatus `json:"status"`
	Produced Qty                   `json:"produced"` // by completed work orders
	// Stock is what was allotted to the order from stock the factory held
	// (a pool on stock): it counts toward Qty as Produced does.
	Stock             Qty           `json:"stock,omitempty"`
	Lots              []LotQty      `json:"lots,omitempty"` // the lots its completed work orders made, as made
	PlannedCompletion int64         `json:"planned_completion"`
	PlanReason        string        `json:"plan_reason,omitempty"`
	Created           int64         `json:"created"`
	History           []OrderChange `json:"history"`
}

// POStatus is where a purchase order stands.
type POStatus string

// The purchase order statuses.
const (
	POSent            POStatus = "sent"             // the factory sent it; the supplier answers
	POAccepted        POStatus = "accepted"         // the supplier accepted with promised dates
	PORejected        POStatus = "rejected"         // the supplier rejected it, with a reason
	POChangesProposed POStatus = "changes_proposed" // the supplier proposed changed lines; the factory decides
	POCancelled       POStatus = "cancelled"        // the factory cancelled it before any shipment
	POShipped         POStatus = "shipped"          // the supplier shipped every line in full
	POReceived        POStatus = "received"         // the factory received every line in full
)

// POLine is one line of a purchase order (or of a proposal).
type POLine struct {
	Item      ItemID `json:"item"`
	Qty       Qty    `json:"qty"`        // milli-units
	Date      int64  `json:"date"`       // requested date, block time unix ms
	UnitPrice Amount `json:"unit_price"` // per unit (1000 milli)
	// Release, on a framework order, is when the line is released: the
	// supplier ships it from then on, not before (0: released at once).
	Release int64 `json:"release,omitempty"`
}

// PONegotiation is one step of a purchase order's negotiation.
type PONegotiation struct {
	By     OrgID    `json:"by"`
	Action string   `json:"action"` // sent, accept, reject, propose, decide_accept, decide_reject, cancel, change, change_accept, change_reject, change_lapse
	Lines  []POLine `json:"lines,omitempty"`
	Reason string   `json:"reason,omitempty"`
	// Commitment is that of the step's sealed terms (sent, propose): the
	// lines' prices are then 0 on the ledger.
	Commitment string `json:"commitment,omitempty"`
	Time       int64  `json:"time"`
	Height     int64  `json:"height"`
}

// ShipLine is a quantity of one lot shipped against a PO line (Line is the
// 1-based index of the PO line); Received is what the factory received of it.
type ShipLine struct {
	Line     int   `json:"line"`
	Lot      LotID `json:"lot"` // the supplier's lot id
	Qty      Qty   `json:"qty"`
	Received Qty   `json:"received"`
}

// Shipment is one shipment of a purchase order.
type Shipment struct {
	ID    int        `json:"id"` // 1-based within the PO
	Lines []ShipLine `json:"lines"`
	Time  int64      `json:"time"`
}

// PurchaseOrder is a factory's order to a supplier org.
type PurchaseOrder struct {
	ID          uint64          `json:"id"`
	Factory     OrgID           `json:"factory"`
	Supplier    OrgID           `json:"supplier"`
	Currency    string          `json:"currency"`
	Lines       []POLine        `json:"lines"`
	Promised    []int64         `json:"promised"` // promised date per line once accepted
	Proposal    []POLine        `json:"proposal,omitempty"`
	Status      POStatus        `json:"status"`
	Reason      string          `json:"reason,omitempty"` // of a rejection or cancellation
	Shipped     []Qty           `json:"shipped"`          // per line
	Received    []Qty           `json:"received"`         // per line
	Shipments   []Shipment      `json:"shipments"`
	Negotiation []PONegotiation `json:"negotiation"`
	Created     int64           `json:"created"`
	// Terms, when set, are the lines' sealed terms: their unit prices are 0
	// on the ledger and only the two parties open them (docs/security.md,
	// "Sealed terms"). ProposalTerms are those of a sealed proposal.
	Terms         *SealedTerms   `json:"terms,omitempty"`
	ProposalTerms *SealedTerms   `json:"proposal_terms,omitempty"`
	Disclosures   []PODisclosure `json:"disclosures,omitempty"`
	// Opened is set by a node that holds a reader's seal key, never by the
	// ledger: the sealed prices are then filled in the lines (and the
	// proposal's), checked against their commitments.
	Opened *OpenedTerms `json:"opened,omitempty"`
	// Late holds, per line, the block time at which the line was recorded
	// late (not shipped in full by its promised date plus the network's
	// grace, Params.POLateGrace); 0 for a line not late. Empty while no
	// line is late.
	Late []int64 `json:"late,omitempty"`
	// Change is the change order pending on an accepted order, proposed by
	// either party (po_change), until the other answers or it lapses.
	Change *POChange `json:"change,omitempty"`
	// Released holds, per line of a framework order, the block time at
	// which the ledger released it (its Release date passed); 0 for a line
	// not released yet. Empty while no line has a release date that passed.
	Released []int64 `json:"released,omitempty"`
}

// OpenedTerms says how a node read a sealed purchase order's prices.
type OpenedTerms struct {
	As       OrgID  `json:"as"`                     // the reader whose seal key opened them
	Note     string `json:"note,omitempty"`         // the sealed free-text terms
	Proposal bool   `json:"proposal,omitempty"`     // the proposal's terms were opened too
	Disclose OrgID  `json:"disclosed_by,omitempty"` // opened from this party's disclosure
	// Refused says why terms sealed to the reader did not open or did not
	// match their commitment (a forged disclosure, altered terms).
	Refused string `json:"refused,omitempty"`
}

// Sealed reports whether the order's prices are sealed.
func (p PurchaseOrder) Sealed() bool { return p.Terms != nil }

// PODisclosure is a party of a sealed purchase order disclosing its agreed
// terms to another org (a dispute panel): the terms sealed to that org's
// seal key under the order's commitment. The reader checks them against the
// commitment when it opens them; the ledger cannot.
type PODisclosure struct {
	By     OrgID       `json:"by"`
	To     OrgID       `json:"to"`
	Terms  SealedTerms `json:"terms"`
	Time   int64       `json:"time"`
	Height int64       `json:"height"`
}

// POLateLine is a purchase order line the ledger recorded late
// (production.po_late), with its later shipments (production.
// po_late_shipment): the facts a supplier's on-time record counts.
type POLateLine struct {
	PO       uint64 `json:"po"`
	Line     int    `json:"line"` // 1-based
	Factory  OrgID  `json:"factory"`
	Supplier OrgID  `json:"supplier"`
	Item     ItemID `json:"item"`
	Promised int64  `json:"promised"` // block time, unix ms
	Ordered  Qty    `json:"ordered"`
	// ShippedWhenLate is what had shipped when the line was recorded late,
	// at Recorded (block time) in block Height.
	ShippedWhenLate Qty   `json:"shipped_when_late"`
	Recorded        int64 `json:"recorded"`
	Height          int64 `json:"height"`
	// Shipped is what has shipped since, as of the latest shipment on the
	// line (LastShipment, its tx ShipTx), which came LateMs after the
	// promised date; all 0 or empty while nothing shipped after.
	Shipped      Qty    `json:"shipped"`
	LastShipment int64  `json:"last_shipment,omitempty"`
	LateMs       int64  `json:"late_ms,omitempty"`
	ShipTx       string `json:"ship_tx,omitempty"`
}

// LatenessService reads the purchase order lines recorded late.
// Errors: KindInvalid for a malformed org id, KindInternal otherwise.
type LatenessService interface {
	// LateLines lists the late lines of org's purchase orders as supplier
	// (all orgs' for ""), most recently recorded first.
	LateLines(ctx context.Context, supplier OrgID, limit int) ([]POLateLine, error)
}

// WorkOrderStatus is where a work order stands.
type WorkOrderStatus string

// The work order statuses.
const (
	WOStarted   WorkOrderStatus = "started"
	WOCompleted WorkOrderStatus = "completed"
	WOCancelled WorkOrderStatus = "cancelled"
)

// LotQty is a quantity of a lot.
type LotQty struct {
	Lot LotID `json:"lot"`
	Qty Qty   `json:"qty"`
}

// WorkOrder is the making of a quantity of a production order's product.
type WorkOrder struct {
	ID         uint64          `json:"id"`
	Order      uint64          `json:"order"`
	Factory    OrgID           `json:"factory"`
	Item       ItemID          `json:"item"`
	Qty        Qty             `json:"qty"` // started, milli-units
	Produced   Qty             `json:"produced"`
	Scrapped   Qty             `json:"scrapped"`
	Status     WorkOrderStatus `json:"status"`
	Inputs     []LotQty        `json:"inputs"`      // lots to consume, consumed at completion
	OutputLots []LotQty        `json:"output_lots"` // created at completion
	// ByProducts are the by-product lots created at completion (items the
	// bill of materials declares as by-products of Item).
	ByProducts []LotQty `json:"by_products,omitempty"`
	// Scrap records each rise of Scrapped with its reason: scrap is
	// recorded, never a lot to ship.
	Scrap     []ScrapEntry `json:"scrap,omitempty"`
	Started   int64        `json:"started"`
	Completed int64        `json:"completed,omitempty"`
	// Cancelled is the block time of a cancel (its inputs released).
	Cancelled int64  `json:"cancelled,omitempty"`
	Reason    string `json:"reason,omitempty"` // the cancel's reason
}

// ScrapEntry is scrap recorded on a work order: the quantity scrapped
// since the entry before (milli-units), why, and when (block time).
type ScrapEntry struct {
	Qty    Qty    `json:"qty"`
	Reason string `json:"reason,omitempty"`
	Time   int64  `json:"time"`
}

// Lot is a quantity of one item that one org holds under one id.
type Lot struct {
	ID       LotID  `json:"id"`
	Item     ItemID `json:"item"`
	Owner    OrgID  `json:"owner"`
	Qty      Qty    `json:"qty"`                // remaining, milli-units
	Reserved Qty    `json:"reserved,omitempty"` // of Qty, held by started work orders
	Created  int64  `json:"created"`
	From     LotID  `json:"from,omitempty"` // the supplier's lot it was received from
	PO       uint64 `json:"po,omitempty"`
	WO       uint64 `json:"wo,omitempty"` // the work order that made it
	// Hold is the recall that holds the lot (0: none): a held lot is never
	// shipped, reserved or consumed. A recall holds its lot and the lots
	// received or made from it (see the production module's doc).
	Hold uint64 `json:"hold,omitempty"`
	// Pool and Allotted earmark Allotted of Qty for one pool's hubs: the
	// lots a pool's production order made (up to its quantity) and the
	// stock lots a pool on stock was filled from. An allotted quantity
	// ships only to that pool and is neither reserved nor shipped for
	// anything else; Reserved + Allotted never exceed Qty.
	Pool     uint64 `json:"pool,omitempty"`
	Allotted Qty    `json:"allotted,omitempty"`
	// Expiry is when the goods expire (block time, unix ms; 0: never): an
	// expired lot is never allocated, and allocation takes the first to
	// expire first.
	Expiry int64 `json:"expiry,omitempty"`
}

// LotFree is what of a lot may leave it for pool (0: for anything but a
// pool) at block time now: nothing when it is held by a recall or expired,
// else its quantity less the work orders' reservations and less what is
// allotted to another pool (a lot's allotment is its pool's).
func LotFree(l Lot, pool uint64, now int64) Qty {
	if l.Hold != 0 || (l.Expiry != 0 && l.Expiry <= now) {
		return 0
	}
	q := l.Qty - l.Reserved
	if l.Pool != pool || pool == 0 {
		q -= l.Allotted
	}
	return max(q, 0)
}

// Stock is an org's quantity of an item on the ledger: the sum of its lots.
type Stock struct {
	Org  OrgID  `json:"org"`
	Item ItemID `json:"item"`
	Qty  Qty    `json:"qty"`
}

// ProductionService reads the production side of the ledger: supply offers,
// production orders and their work orders, purchase orders and lots.
// Lists are never nil. Errors: KindNotFound for an unknown id (Order, PO,
// Lot; WorkOrders of an unknown order), KindInvalid for a malformed org or
// lot id, KindInternal otherwise.
type ProductionService interface {
	// Offers lists a supplier's offers, or every supplier's when supplier
	// is "", sorted by supplier then item.
	Offers(ctx context.Context, supplier OrgID) ([]SupplyOffer, error)
	// Orders lists production orders, newest first, of one factory or of
	// all when factory is "".
	Orders(ctx context.Context, factory OrgID, limit int) ([]ProductionOrder, error)
	// Order returns one production order, its history included.
	Order(ctx context.Context, id uint64) (ProductionOrder, error)
	// POs lists purchase orders, newest first, where org is the factory or
	// the supplier; all when org is "".
	POs(ctx context.Context, org OrgID, limit int) ([]PurchaseOrder, error)
	// PO returns one purchase order.
	PO(ctx context.Context, id uint64) (PurchaseOrder, error)
	// WorkOrders lists the work orders of a production order, by id.
	WorkOrders(ctx context.Context, order uint64) ([]WorkOrder, error)
	// Lots lists lots, newest first, of one owner or of all when owner is "".
	Lots(ctx context.Context, owner OrgID, limit int) ([]Lot, error)
	// Lot returns one lot.
	Lot(ctx context.Context, id LotID) (Lot, error)
	// OrderForPool returns the production order a filled pool created
	// (KindNotFound when none).
	OrderForPool(ctx context.Context, pool uint64) (ProductionOrder, error)
	// Master returns an org's master data on the ledger: items, bills of
	// materials (sorted by parent then child), routings and work centers,
	// each sorted by id; lists never nil, empty for an org with none.
	Master(ctx context.Context, org OrgID) (Master, error)
	// Stock lists an org's stock per item, by item; items at zero are left out.
	Stock(ctx context.Context, org OrgID) ([]Stock, error)
}

// TakeLots takes qty from lots, each what it holds free, in their order:
// the lots taken (none of 0) and what they could not cover.
func TakeLots(free []LotQty, qty Qty) (took []LotQty, short Qty) {
	took = []LotQty{}
	for _, l := range free {
		if qty == 0 {
			break
		}
		if take := min(l.Qty, qty); take > 0 {
			took = append(took, LotQty{Lot: l.Lot, Qty: take})
			qty -= take
		}
	}
	return took, qty
}
