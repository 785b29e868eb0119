package gongxu

import "context"

// RFQStatus is where a request for quote stands.
type RFQStatus string

// The RFQ statuses.
const (
	RFQOpen      RFQStatus = "open"      // bidding, then revealing, then awaiting the award
	RFQAwarded   RFQStatus = "awarded"   // awarded to one or more bids, each a pool
	RFQCancelled RFQStatus = "cancelled" // by the requester, with a reason
	RFQExpired   RFQStatus = "expired"   // never awarded nor cancelled
)

// RFQ is a request for quote: a hub's demand that factories bid on with
// sealed bids (commit, then reveal after the bidding deadline).
type RFQ struct {
	ID             uint64     `json:"id"`
	Requester      OrgID      `json:"requester"`
	Title          string     `json:"title"`
	Spec           string     `json:"spec"`
	Unit           string     `json:"unit"`
	Qty            Units      `json:"qty"`
	TargetDate     int64      `json:"target_date"` // block time, unix ms
	MaxPrice       Amount     `json:"max_price"`   // per unit
	Currency       string     `json:"currency"`
	Bond           Amount     `json:"bond,omitempty"` // bid bond per bidder, in Currency (0: none)
	BidDeadline    int64      `json:"bid_deadline"`
	RevealDeadline int64      `json:"reveal_deadline"`
	Status         RFQStatus  `json:"status"`
	Reason         string     `json:"reason,omitempty"`
	Awards         []RFQAward `json:"awards"`
	Bids           int        `json:"bids"`
	Created        int64      `json:"created"`
}

// RFQAward is one awarded share of an RFQ, and the pool it became.
type RFQAward struct {
	Bidder    OrgID  `json:"bidder"`
	Qty       Units  `json:"qty"`
	UnitPrice Amount `json:"unit_price"`
	Pool      uint64 `json:"pool"`
}

// Bid is a factory's sealed bid on an RFQ; its terms are known once revealed.
type Bid struct {
	RFQ        uint64 `json:"rfq"`
	Bidder     OrgID  `json:"bidder"`
	Commitment string `json:"commitment"` // hex sha256 over the terms and a salt
	Revealed   bool   `json:"revealed"`
	UnitPrice  Amount `json:"unit_price,omitempty"`
	Qty        Units  `json:"qty,omitempty"`
	LeadDays   int64  `json:"lead_days,omitempty"`
	Eligible   bool   `json:"eligible"`            // revealed with a price within the RFQ's max price
	Bond       Amount `json:"bond,omitempty"`      // the bid bond held (0 once returned or forfeited)
	Forfeited  bool   `json:"forfeited,omitempty"` // not revealed in time: the bond went to the requester
	Time       int64  `json:"time"`                // of the last change
}

// RFQService reads requests for quote and their bids.
// Errors: KindNotFound for an unknown id, KindInternal otherwise.
type RFQService interface {
	RFQs(ctx context.Context, status RFQStatus, limit int) ([]RFQ, error)
	RFQ(ctx context.Context, id uint64) (RFQ, error)
	Bids(ctx context.Context, rfq uint64) ([]Bid, error)
}
