package rfq

import (
	"encoding/hex"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Message types.
const (
	TypePost   = "rfq/post"
	TypeBid    = "rfq/bid"
	TypeReveal = "rfq/reveal"
	TypeAward  = "rfq/award"
	TypeCancel = "rfq/cancel"
)

// Limits.
const (
	MaxTitle    = 200
	MaxSpec     = 4000
	MaxUnit     = 32
	MaxReason   = 500
	MaxLeadDays = 3650
	MaxAwards   = 64
	MinSalt     = 16 // bytes
	MaxSalt     = 64 // bytes

	day = 24 * 3600 * 1000
	// MaxDeadlineMs bounds how far ahead of the posting block the bid and
	// reveal deadlines may be.
	MaxDeadlineMs = 365 * day
	// MaxTargetMs bounds how far ahead of the posting block the target date
	// may be.
	MaxTargetMs = 2 * 365 * day
	// MaxBondPct bounds an RFQ's bid bond: at most this percent of the
	// RFQ's whole value at its max price (qty × max unit price).
	MaxBondPct = 10
	// MaxForfeitsPerBlock bounds the RFQs whose unrevealed bids' bonds one
	// block forfeits; more due at once are forfeited in the next blocks.
	MaxForfeitsPerBlock = 256
	// MaxExpiriesPerBlock bounds the RFQs one block expires; more due at
	// once expire in the next blocks, in (expiry, id) order.
	MaxExpiriesPerBlock = 256
	// ExpireAfterMs is how long after its target date an RFQ that is still
	// open expires.
	ExpireAfterMs = 30 * day
)

// MsgPost posts a request for quote. The signer's org (a hub) is the requester.
type MsgPost struct {
	Title          string        `json:"title"`
	Spec           string        `json:"spec,omitempty"`
	Unit           string        `json:"unit"`
	Qty            gongxu.Units  `json:"qty"`
	TargetDate     int64         `json:"target_date"`
	MaxPrice       gongxu.Amount `json:"max_price"` // per unit
	Currency       string        `json:"currency"`
	Bond           gongxu.Amount `json:"bond,omitempty"` // bid bond per bidder, 0 (the default) for none
	BidDeadline    int64         `json:"bid_deadline"`
	RevealDeadline int64         `json:"reveal_deadline"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPost) ValidateBasic() error {
	if m.Title == "" || len(m.Title) > MaxTitle {
		return gongxu.Errorf(gongxu.KindInvalid, "an RFQ needs a title of 1 to %d bytes", MaxTitle)
	}
	if len(m.Spec) > MaxSpec {
		return gongxu.Errorf(gongxu.KindInvalid, "spec is %d bytes, the limit is %d", len(m.Spec), MaxSpec)
	}
	if m.Unit == "" || len(m.Unit) > MaxUnit {
		return gongxu.Errorf(gongxu.KindInvalid, "unit must be 1 to %d bytes (piece, kg, m …)", MaxUnit)
	}
	if m.Qty <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "qty must be positive, got %d", m.Qty)
	}
	if m.MaxPrice <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "max unit price must be positive, got %d", m.MaxPrice)
	}
	value, err := gongxu.Cost(m.Qty, m.MaxPrice)
	if err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "qty %d × max unit price %d overflows", m.Qty, m.MaxPrice)
	}
	if m.Bond < 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "bid bond must be 0 (none) or positive, got %d", m.Bond)
	}
	if limit := MaxBond(value); m.Bond > limit {
		return gongxu.Errorf(gongxu.KindInvalid, "bid bond %d is over %d%% of the RFQ's value at its max price (%d): at most %d", m.Bond, MaxBondPct, value, limit)
	}
	if err := gongxu.ValidateCurrency(m.Currency); err != nil {
		return err
	}
	if m.BidDeadline <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "bid deadline must be a block time in unix ms, got %d", m.BidDeadline)
	}
	if m.RevealDeadline <= m.BidDeadline {
		return gongxu.Errorf(gongxu.KindInvalid, "reveal deadline %d must be after the bid deadline %d", m.RevealDeadline, m.BidDeadline)
	}
	if m.TargetDate <= m.RevealDeadline {
		return gongxu.Errorf(gongxu.KindInvalid, "target date %d must be after the reveal deadline %d", m.TargetDate, m.RevealDeadline)
	}
	return nil
}

// MaxBond is the largest bid bond an RFQ of value (qty × max unit price)
// may ask: MaxBondPct percent of it, rounded down.
func MaxBond(value gongxu.Amount) gongxu.Amount {
	return value/100*MaxBondPct + value%100*MaxBondPct/100
}

func checkRFQID(id uint64) error {
	if id == 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "an rfq id is required")
	}
	return nil
}

// MsgBid places or replaces the signer's org's sealed bid before the bid
// deadline. Commitment is Commitment(rfq, bidder, price, qty, lead days, salt).
type MsgBid struct {
	RFQ        uint64 `json:"rfq"`
	Commitment string `json:"commitment"`
}

// ValidateBasic implements module.Msg.
func (m *MsgBid) ValidateBasic() error {
	if err := checkRFQID(m.RFQ); err != nil {
		return err
	}
	if b, err := hex.DecodeString(m.Commitment); err != nil || len(b) != 32 || strings.ToLower(m.Commitment) != m.Commitment {
		return gongxu.Errorf(gongxu.KindInvalid, "commitment must be 64 lower-case hex characters (a sha256)")
	}
	return nil
}

// MsgReveal opens the signer's org's sealed bid, after the bid deadline and
// before the reveal deadline.
type MsgReveal struct {
	RFQ       uint64        `json:"rfq"`
	UnitPrice gongxu.Amount `json:"unit_price"`
	Qty       gongxu.Units  `json:"qty"`
	LeadDays  int64         `json:"lead_days"`
	Salt      string        `json:"salt"` // hex, 16 to 64 bytes
}

// ValidateBasic implements module.Msg.
func (m *MsgReveal) ValidateBasic() error {
	if err := checkRFQID(m.RFQ); err != nil {
		return err
	}
	if m.UnitPrice <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "unit price must be positive, got %d", m.UnitPrice)
	}
	if m.Qty <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "qty must be positive, got %d", m.Qty)
	}
	if m.LeadDays < 0 || m.LeadDays > MaxLeadDays {
		return gongxu.Errorf(gongxu.KindInvalid, "lead days must be 0 to %d, got %d", MaxLeadDays, m.LeadDays)
	}
	if _, err := decodeSalt(m.Salt); err != nil {
		return err
	}
	return nil
}

func decodeSalt(s string) ([]byte, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) < MinSalt || len(b) > MaxSalt {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "salt must be %d to %d bytes, given as hex", MinSalt, MaxSalt)
	}
	return b, nil
}

// AwardLine awards Qty units to one bidder's revealed bid.
type AwardLine = gongxu.AwardLine

// MsgAward awards an RFQ to one or more revealed bids, after the reveal
// deadline. Each line becomes a pool, in the order given
// (gongxu.RFQAwardBody).
type MsgAward gongxu.RFQAwardBody

// ValidateBasic implements module.Msg.
func (m *MsgAward) ValidateBasic() error {
	if err := checkRFQID(m.RFQ); err != nil {
		return err
	}
	if len(m.Awards) == 0 || len(m.Awards) > MaxAwards {
		return gongxu.Errorf(gongxu.KindInvalid, "an award needs 1 to %d lines of bidder and qty", MaxAwards)
	}
	seen := map[gongxu.OrgID]bool{}
	for _, a := range m.Awards {
		if err := a.Bidder.Validate(); err != nil {
			return err
		}
		if seen[a.Bidder] {
			return gongxu.Errorf(gongxu.KindInvalid, "bidder %s is awarded twice; give one line per bidder", a.Bidder)
		}
		seen[a.Bidder] = true
		if a.Qty <= 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "award qty for %s must be positive, got %d", a.Bidder, a.Qty)
		}
	}
	return nil
}

// MsgCancel cancels an open RFQ, with a reason everyone can read.
type MsgCancel struct {
	RFQ    uint64 `json:"rfq"`
	Reason string `json:"reason"`
}

// ValidateBasic implements module.Msg.
func (m *MsgCancel) ValidateBasic() error {
	if err := checkRFQID(m.RFQ); err != nil {
		return err
	}
	if strings.TrimSpace(m.Reason) == "" || len(m.Reason) > MaxReason {
		return gongxu.Errorf(gongxu.KindInvalid, "a cancel needs a reason of 1 to %d bytes", MaxReason)
	}
	return nil
}

var _ = []module.Msg{&MsgPost{}, &MsgBid{}, &MsgReveal{}, &MsgAward{}, &MsgCancel{}}
