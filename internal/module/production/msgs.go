package production

import (
	"github.com/gongxu-network/gongxu"
)

// Message types.
const (
	TypeOffer      = "production/offer"       // a supplier: its own offer of an item
	TypeOrder      = "production/order"       // a factory or supplier: a production order for its own product or made item
	TypePO         = "production/po"          // a factory or supplier: a purchase order to another supplier org
	TypePOAccept   = gongxu.TypePOAccept      // the addressed supplier
	TypePOReject   = gongxu.TypePOReject      // the addressed supplier, with a reason
	TypePOPropose  = gongxu.TypePOPropose     // the addressed supplier: changed lines
	TypePODecide   = "production/po_decide"   // the ordering factory: accepts or rejects the proposal
	TypePOCancel   = "production/po_cancel"   // the ordering factory, before any shipment
	TypePODisclose = "production/po_disclose" // a party of a sealed order: its terms to another org
	TypeShip       = gongxu.FlowShip          // the addressed supplier
	TypeReceive    = gongxu.FlowReceive       // the ordering factory
	TypeWOStart    = "production/wo_start"    // the production order's factory
	TypeWOReport   = "production/wo_report"   // the work order's factory
	TypeWOComplete = gongxu.FlowComplete      // the work order's factory
	TypeWOCancel   = gongxu.TypeWOCancel      // the work order's factory, while started
)

// Limits.
const (
	MaxTiers   = 16
	MaxLines   = 200
	MaxLots    = 200
	MaxReason  = 200
	MaxUnit    = 32
	MaxLeadDay = 3650
	// MaxDisclosures bounds the disclosures of one purchase order.
	MaxDisclosures = 8
	// MaxOfferReaders bounds the factories a sealed offer names.
	MaxOfferReaders = 16
	// OverrunPct is how far a work order may exceed its started quantity:
	// produced + scrapped ≤ started + started × OverrunPct / 100.
	OverrunPct = 5
)

func invalid(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindInvalid, format, args...)
}

func checkID(what string, id uint64) error {
	if id == 0 {
		return invalid("a %s id from 1 is needed", what)
	}
	return nil
}

func checkQty(what string, q gongxu.Qty) error {
	if q <= 0 {
		return invalid("%s must be positive, got %d", what, q)
	}
	return nil
}

func checkReason(r string) error {
	if len(r) > MaxReason {
		return invalid("reason is %d bytes, the limit is %d", len(r), MaxReason)
	}
	return nil
}

// MsgOffer publishes or replaces the signing supplier's offer of an item.
type MsgOffer struct {
	Item         gongxu.ItemID      `json:"item"`
	Unit         string             `json:"unit"`
	LeadTimeDays int64              `json:"lead_time_days"`
	MinQty       gongxu.Qty         `json:"min_qty"`
	UnitPrice    gongxu.Amount      `json:"unit_price,omitempty"` // a single price, or
	Tiers        []gongxu.OfferTier `json:"tiers,omitempty"`      // a price list
	Currency     string             `json:"currency"`
	// Terms seal the tiers' prices (then 0 in Tiers, and no unit_price)
	// to the supplier first and then to the factories it names: only they
	// may order against it. Terms.Prices has one price per tier.
	Terms *gongxu.SealedTerms `json:"terms,omitempty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgOffer) ValidateBasic() error {
	if err := m.Item.Validate(); err != nil {
		return err
	}
	if m.Unit == "" || len(m.Unit) > MaxUnit {
		return invalid("unit must be 1 to %d bytes", MaxUnit)
	}
	if m.LeadTimeDays < 0 || m.LeadTimeDays > MaxLeadDay {
		return invalid("lead_time_days must be 0 to %d, got %d", MaxLeadDay, m.LeadTimeDays)
	}
	if m.MinQty < 0 {
		return invalid("min_qty must not be negative, got %d", m.MinQty)
	}
	if err := gongxu.ValidateCurrency(m.Currency); err != nil {
		return err
	}
	if m.Terms != nil {
		return m.validateSealed()
	}
	if (m.UnitPrice != 0) == (len(m.Tiers) != 0) {
		return invalid("give either unit_price or tiers")
	}
	if m.UnitPrice < 0 {
		return invalid("unit_price must be positive, got %d", m.UnitPrice)
	}
	if len(m.Tiers) > MaxTiers {
		return invalid("%d tiers, the limit is %d", len(m.Tiers), MaxTiers)
	}
	for i, t := range m.Tiers {
		if t.UnitPrice <= 0 {
			return invalid("tier %d: unit price must be positive, got %d", i+1, t.UnitPrice)
		}
		if t.MinQty < 0 {
			return invalid("tier %d: min_qty must not be negative, got %d", i+1, t.MinQty)
		}
		if i > 0 && t.MinQty <= m.Tiers[i-1].MinQty {
			return invalid("tier %d: min_qty %d must be above the previous tier's %d", i+1, t.MinQty, m.Tiers[i-1].MinQty)
		}
	}
	return nil
}

// validateSealed checks a sealed offer: tiers with 0 prices (the prices are
// in the terms), the supplier's key box first, then 1 to MaxOfferReaders
// factories, none twice.
func (m *MsgOffer) validateSealed() error {
	if m.UnitPrice != 0 {
		return invalid("a sealed offer's prices are in its terms; give tiers with unit price 0, not unit_price")
	}
	if len(m.Tiers) == 0 || len(m.Tiers) > MaxTiers {
		return invalid("a sealed offer needs 1 to %d tiers, got %d", MaxTiers, len(m.Tiers))
	}
	for i, t := range m.Tiers {
		if t.UnitPrice != 0 {
			return invalid("tier %d: a sealed offer's prices are in its terms; the unit price must be 0, got %d", i+1, t.UnitPrice)
		}
		if t.MinQty < 0 {
			return invalid("tier %d: min_qty must not be negative, got %d", i+1, t.MinQty)
		}
		if i > 0 && t.MinQty <= m.Tiers[i-1].MinQty {
			return invalid("tier %d: min_qty %d must be above the previous tier's %d", i+1, t.MinQty, m.Tiers[i-1].MinQty)
		}
	}
	if n := len(m.Terms.Keys); n < 2 || n > 1+MaxOfferReaders {
		return invalid("a sealed offer is sealed to its supplier and 1 to %d factories: %d key boxes", MaxOfferReaders, n)
	}
	seen := map[gongxu.OrgID]bool{}
	for _, k := range m.Terms.Keys {
		if seen[k.Org] {
			return invalid("sealed terms: org %s has two key boxes", k.Org)
		}
		seen[k.Org] = true
	}
	return checkTermsShape(m.Terms, len(m.Terms.Keys))
}

// MsgOrder creates a production order for one of the signing factory's
// catalog products (Product), or for an item the signing factory or
// supplier makes, from its master data (Item): exactly one of the two.
type MsgOrder struct {
	Product gongxu.ProductID `json:"product,omitempty"`
	Item    gongxu.ItemID    `json:"item,omitempty"`
	Qty     gongxu.Qty       `json:"qty"`
	Due     int64            `json:"due"`
}

// ValidateBasic implements module.Msg.
func (m *MsgOrder) ValidateBasic() error {
	if m.Item != "" {
		if m.Product != "" {
			return invalid("give either product (a catalog product) or item (a made item of the master data), not both")
		}
		if err := m.Item.Validate(); err != nil {
			return err
		}
	} else if err := m.Product.Validate(); err != nil {
		return err
	}
	if err := checkQty("qty", m.Qty); err != nil {
		return err
	}
	if m.Due <= 0 {
		return invalid("due must be a block time in unix ms, got %d", m.Due)
	}
	return nil
}

// LineIn is a requested purchase order line: the price comes from the
// supplier's offer.
type LineIn struct {
	Item gongxu.ItemID `json:"item"`
	Qty  gongxu.Qty    `json:"qty"`
	Date int64         `json:"date"` // requested date, unix ms
	// Release makes the order a framework order: the line is released at
	// this block time, at most Date (release.go); 0: at once.
	Release int64 `json:"release,omitempty"`
}

// MsgPO sends a purchase order from the signing factory to a supplier org.
// Without Terms each line is priced from the supplier's offer, in clear;
// with Terms the prices are sealed to the factory and the supplier (in that
// order, with the seal keys they registered) and the ledger keeps them 0.
type MsgPO struct {
	Supplier gongxu.OrgID        `json:"supplier"`
	Lines    []LineIn            `json:"lines"`
	Terms    *gongxu.SealedTerms `json:"terms,omitempty"`
}

// checkTermsShape checks sealed terms as far as no state is needed: two key
// boxes (the parties are checked by the handler against the ledger).
func checkTermsShape(t *gongxu.SealedTerms, readers int) error {
	if t == nil {
		return nil
	}
	if len(t.Keys) != readers {
		return invalid("sealed terms: %d key boxes, want %d", len(t.Keys), readers)
	}
	orgs := make([]gongxu.OrgID, len(t.Keys))
	for i, k := range t.Keys {
		if err := k.Org.Validate(); err != nil {
			return invalid("sealed terms: key box %d: %v", i+1, gongxu.ErrorMessage(err))
		}
		orgs[i] = k.Org
	}
	return t.ValidateShape(orgs...)
}

func checkLines(n int) error {
	if n == 0 || n > MaxLines {
		return invalid("a purchase order holds 1 to %d lines, got %d", MaxLines, n)
	}
	return nil
}

// ValidateBasic implements module.Msg.
func (m *MsgPO) ValidateBasic() error {
	if err := m.Supplier.Validate(); err != nil {
		return err
	}
	if err := checkLines(len(m.Lines)); err != nil {
		return err
	}
	for i, l := range m.Lines {
		if err := l.Item.Validate(); err != nil {
			return invalid("line %d: %v", i+1, err)
		}
		if err := checkQty("qty", l.Qty); err != nil {
			return invalid("line %d: %v", i+1, err)
		}
		if l.Date <= 0 {
			return invalid("line %d: date must be a block time in unix ms, got %d", i+1, l.Date)
		}
		if l.Release < 0 || l.Release > l.Date {
			return invalid("line %d: release must be a block time in unix ms by the line's date %d, got %d", i+1, l.Date, l.Release)
		}
	}
	return checkTermsShape(m.Terms, 2)
}

// MsgPOAccept is the addressed supplier accepting a purchase order; Promised
// holds a date per line (empty: the requested dates). It is
// gongxu.POAcceptBody, which the pages build.
type MsgPOAccept gongxu.POAcceptBody

// ValidateBasic implements module.Msg.
func (m *MsgPOAccept) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	if len(m.Promised) > MaxLines {
		return invalid("%d promised dates, the limit is %d", len(m.Promised), MaxLines)
	}
	for i, d := range m.Promised {
		if d <= 0 {
			return invalid("promised date %d must be a block time in unix ms, got %d", i+1, d)
		}
	}
	return nil
}

// MsgPOReject is the addressed supplier rejecting a purchase order
// (gongxu.PORejectBody).
type MsgPOReject gongxu.PORejectBody

// ValidateBasic implements module.Msg.
func (m *MsgPOReject) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	if m.Reason == "" {
		return invalid("a rejection needs a reason")
	}
	return checkReason(m.Reason)
}

// MsgPOPropose is the addressed supplier proposing changed lines: the same
// items in the same order, with other quantities, dates or prices
// (gongxu.POProposeBody).
type MsgPOPropose gongxu.POProposeBody

// ValidateBasic implements module.Msg.
func (m *MsgPOPropose) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	if err := checkLines(len(m.Lines)); err != nil {
		return err
	}
	for i, l := range m.Lines {
		if err := l.Item.Validate(); err != nil {
			return invalid("line %d: %v", i+1, err)
		}
		if err := checkQty("qty", l.Qty); err != nil {
			return invalid("line %d: %v", i+1, err)
		}
		if l.Date <= 0 {
			return invalid("line %d: date must be a block time in unix ms, got %d", i+1, l.Date)
		}
		if m.Terms != nil && l.UnitPrice != 0 {
			return invalid("line %d: a sealed proposal's prices are in its terms; the line's unit price must be 0, got %d", i+1, l.UnitPrice)
		}
		if m.Terms == nil && l.UnitPrice <= 0 {
			return invalid("line %d: unit price must be positive, got %d", i+1, l.UnitPrice)
		}
	}
	if err := checkTermsShape(m.Terms, 2); err != nil {
		return err
	}
	return checkReason(m.Reason)
}

// MsgPODecide is the ordering factory accepting or rejecting the supplier's
// proposal (gongxu.PODecideBody, which the pages build).
type MsgPODecide gongxu.PODecideBody

// ValidateBasic implements module.Msg.
func (m *MsgPODecide) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	return checkReason(m.Reason)
}

// MsgPODisclose is a party of a sealed purchase order disclosing the order's
// agreed terms to another member org (a dispute panel): Terms are the same
// terms, under the order's commitment, sealed to that org alone.
type MsgPODisclose struct {
	PO    uint64             `json:"po"`
	To    gongxu.OrgID       `json:"to"`
	Terms gongxu.SealedTerms `json:"terms"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPODisclose) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	if err := m.To.Validate(); err != nil {
		return err
	}
	return m.Terms.ValidateShape(m.To)
}

// MsgPOCancel is the ordering factory cancelling a purchase order before
// any shipment.
type MsgPOCancel struct {
	PO     uint64 `json:"po"`
	Reason string `json:"reason,omitempty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPOCancel) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	return checkReason(m.Reason)
}

// LotLine is a quantity of a lot against a PO line (1-based).
type LotLine struct {
	Line int          `json:"line"`
	Lot  gongxu.LotID `json:"lot"`
	Qty  gongxu.Qty   `json:"qty"`
}

func checkLotLines(ls []LotLine) error {
	if len(ls) == 0 || len(ls) > MaxLots {
		return invalid("1 to %d lot lines, got %d", MaxLots, len(ls))
	}
	seen := map[LotLine]bool{}
	for i, l := range ls {
		if l.Line < 1 {
			return invalid("lot line %d: line must be a 1-based PO line number, got %d", i+1, l.Line)
		}
		if err := l.Lot.Validate(); err != nil {
			return invalid("lot line %d: %v", i+1, err)
		}
		if err := checkQty("qty", l.Qty); err != nil {
			return invalid("lot line %d: %v", i+1, err)
		}
		k := LotLine{Line: l.Line, Lot: l.Lot}
		if seen[k] {
			return invalid("lot line %d: line %d lot %s is listed twice", i+1, l.Line, l.Lot)
		}
		seen[k] = true
	}
	return nil
}

// MsgShip is the addressed supplier shipping lots against an accepted
// purchase order; each lot is the supplier's own ("<supplier>/<code>").
type MsgShip struct {
	PO    uint64    `json:"po"`
	Lines []LotLine `json:"lines"`
}

// ValidateBasic implements module.Msg.
func (m *MsgShip) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	return checkLotLines(m.Lines)
}

// MsgReceive is the ordering factory receiving (part of) a shipment; each
// line names the PO line and the supplier's lot id as shipped.
type MsgReceive struct {
	PO       uint64    `json:"po"`
	Shipment int       `json:"shipment"`
	Lines    []LotLine `json:"lines"`
}

// ValidateBasic implements module.Msg.
func (m *MsgReceive) ValidateBasic() error {
	if err := checkID("purchase order", m.PO); err != nil {
		return err
	}
	if m.Shipment < 1 {
		return invalid("a shipment id from 1 is needed")
	}
	return checkLotLines(m.Lines)
}

func checkLotQtys(what string, ls []gongxu.LotQty, required bool) error {
	if (required && len(ls) == 0) || len(ls) > MaxLots {
		return invalid("%s: up to %d lots, got %d", what, MaxLots, len(ls))
	}
	seen := map[gongxu.LotID]bool{}
	for i, l := range ls {
		if err := l.Lot.Validate(); err != nil {
			return invalid("%s %d: %v", what, i+1, err)
		}
		if err := checkQty("qty", l.Qty); err != nil {
			return invalid("%s %d: %v", what, i+1, err)
		}
		if seen[l.Lot] {
			return invalid("%s %d: lot %s is listed twice", what, i+1, l.Lot)
		}
		seen[l.Lot] = true
	}
	return nil
}

// MsgWOStart starts a work order for a production order: a quantity and the
// lots it will consume (consumed at completion) (gongxu.WOStartBody).
type MsgWOStart gongxu.WOStartBody

// ValidateBasic implements module.Msg.
func (m *MsgWOStart) ValidateBasic() error {
	if err := checkID("production order", m.Order); err != nil {
		return err
	}
	if err := checkQty("qty", m.Qty); err != nil {
		return err
	}
	if err := checkLotQtys("input", m.Inputs, false); err != nil {
		return err
	}
	return checkAllocate(m.Allocate)
}

// MsgWOReport reports a started work order's produced and scrapped
// quantities so far (cumulative, never falling) (gongxu.WOReportBody).
type MsgWOReport gongxu.WOReportBody

// ValidateBasic implements module.Msg.
func (m *MsgWOReport) ValidateBasic() error {
	if err := checkID("work order", m.WO); err != nil {
		return err
	}
	if m.Produced < 0 || m.Scrapped < 0 {
		return invalid("produced and scrapped must not be negative, got %d and %d", m.Produced, m.Scrapped)
	}
	return checkReason(m.ScrapReason)
}

// MsgWOComplete completes a work order: the final produced and scrapped
// quantities and the output lots by code (empty: one lot "wo-<id>" holding
// all that was produced). The codes are the factory's: lot id
// "<factory>/<code>" (gongxu.WOCompleteBody).
type MsgWOComplete gongxu.WOCompleteBody

// OutputLot is an output lot of a work order.
type OutputLot = gongxu.OutputLot

// ValidateBasic implements module.Msg.
func (m *MsgWOComplete) ValidateBasic() error {
	if err := checkID("work order", m.WO); err != nil {
		return err
	}
	if err := checkQty("produced", m.Produced); err != nil {
		return err
	}
	if m.Scrapped < 0 {
		return invalid("scrapped must not be negative, got %d", m.Scrapped)
	}
	if len(m.Outputs) > MaxLots {
		return invalid("%d output lots, the limit is %d", len(m.Outputs), MaxLots)
	}
	var sum gongxu.Qty
	seen := map[string]bool{}
	for i, o := range m.Outputs {
		if err := gongxu.NewLotID("ab", o.Code).Validate(); err != nil {
			return invalid("output %d: code %q: a lot code is 1 to 129 characters of a-z, 0-9, '-', '.', '_' and '/'", i+1, o.Code)
		}
		if err := checkQty("qty", o.Qty); err != nil {
			return invalid("output %d: %v", i+1, err)
		}
		if o.Expiry < 0 {
			return invalid("output %d: expiry %d must not be negative", i+1, o.Expiry)
		}
		if seen[o.Code] {
			return invalid("output %d: code %s is listed twice", i+1, o.Code)
		}
		seen[o.Code] = true
		var err error
		if sum, err = gongxu.Add(sum, o.Qty); err != nil {
			return invalid("output quantities overflow")
		}
	}
	if len(m.Outputs) > 0 && sum != m.Produced {
		return invalid("the output lots hold %d, the produced quantity is %d: they must be equal", sum, m.Produced)
	}
	if err := checkByProducts(m.ByProducts, m.Outputs); err != nil {
		return err
	}
	return checkReason(m.ScrapReason)
}

// MsgWOCancel cancels a started work order, releasing the lots reserved for
// it (gongxu.WOCancelBody).
type MsgWOCancel gongxu.WOCancelBody

// ValidateBasic implements module.Msg.
func (m *MsgWOCancel) ValidateBasic() error {
	if err := checkID("work order", m.WO); err != nil {
		return err
	}
	return checkReason(m.Reason)
}
