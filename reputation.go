package gongxu

import "context"

// Reputation is what the ledger says about how an org keeps its word, as
// its suppliers' purchase orders and its pools' hub shares recorded it:
// computed by every node from the committed ledger alone (no self-reported
// stars, nothing an org can write about itself), so every node shows the same
// figures. Each figure gives its raw counts next to a recency-weighted rate
// and the facts (transactions) it comes from.
//
// The obligations an org owes are the accepted lines of purchase orders it
// supplies (one per line, promised the date the supplier gave on acceptance;
// cancelled orders leave out) and the hub shares of its pools that succeeded
// (one per hub, promised the due date of the pool's production order).
//
// An obligation is delivered when what was shipped reached what was ordered:
// a purchase-order line at the shipment that completed it, a hub share when
// the factory shipped it (shipped_at) or, with no shipment on the ledger, when
// the hub confirmed it. An obligation is closed once delivered, or once its
// promised day has ended by the ledger's latest block time (AsOf) without
// delivery: it was late.
//
// Recency weighting: each fact weighs 2^(−age ÷ half-life), age measured from
// the ledger's latest block time AsOf (never a wall clock) back to the fact's
// time, in steps of 1/64 of the half-life (see RecencyWeight).
type Reputation struct {
	Org          OrgID `json:"org"`
	AsOf         int64 `json:"as_of"`  // latest block time, unix ms: where ages are measured from
	Height       int64 `json:"height"` // the read model's height
	HalfLifeDays int64 `json:"half_life_days"`
	Obligations  int64 `json:"obligations"` // obligations owed, open and closed

	// OnTime: facts are the closed obligations; a fact scores 10000 when
	// it was delivered by the end of its promised day (promised + 24 h),
	// 0 when later or not at all.
	OnTime ReputationFigure `json:"on_time"`
	// FillRate: facts are the closed obligations; a fact scores what was
	// shipped ÷ what was ordered (capped at 1) in basis points. Hits are
	// the obligations shipped in full.
	FillRate ReputationFigure `json:"fill_rate"`
	// Disputes: facts are the disputes opened against the org's
	// deliveries; a resolved one scores 10000 when the ruling or
	// settlement awarded the claimant something (it went against the org),
	// 0 when it awarded nothing; an open one is counted, not scored.
	Disputes ReputationFigure `json:"disputes"`
	// Recalls: facts are the recalls that named a lot the org made (the
	// first lot of the chain a lot was received through); counted and
	// weighted, never scored (Rate −1).
	Recalls ReputationFigure `json:"recalls"`
	// Repeat: facts are the org's counterparties (the buyers of its
	// obligations); a counterparty scores 10000 when it came back: two or
	// more separate obligations (purchase orders, pools). A fact's time is
	// the counterparty's latest obligation.
	Repeat ReputationFigure `json:"repeat"`
}

// ReputationHalfLifeDays is the half-life of the recency weighting.
const ReputationHalfLifeDays = 180

// The figures of a Reputation, as API paths and pages name them.
const (
	FigureOnTime   = "on_time"
	FigureFillRate = "fill_rate"
	FigureDisputes = "disputes"
	FigureRecalls  = "recalls"
	FigureRepeat   = "repeat"
)

// ReputationFigures lists the figures in the order pages show them.
var ReputationFigures = []string{FigureOnTime, FigureFillRate, FigureDisputes, FigureRecalls, FigureRepeat}

// The kinds of ReputationFact.
const (
	FactPOLine       = "po_line"      // Ref "po:<id>:<line>" (1-based line)
	FactPoolShare    = "pool_share"   // Ref "pool:<id>:<hub>"
	FactDispute      = "dispute"      // Ref the dispute's id
	FactRecall       = "recall"       // Ref "recall:<id>"
	FactCounterparty = "counterparty" // Ref the counterparty's org id
)

// ReputationFigure is one figure: its counts, its rates in basis points
// (−1 when nothing is scored) and the newest of its facts.
type ReputationFigure struct {
	Figure string `json:"figure"`
	Count  int64  `json:"count"`  // facts counted
	Scored int64  `json:"scored"` // of them, facts with a score
	Hits   int64  `json:"hits"`   // of them, facts scoring 10000 (on time, in full, went against, came back)
	Rate   int64  `json:"rate"`   // mean score of the scored facts, basis points; −1: none
	// Weighted is the mean score weighted by recency, basis points; −1:
	// none. WeightedCount is Σ weights of the counted facts in millionths
	// of a fact (a fact of today weighs 1,000,000).
	Weighted      int64            `json:"weighted"`
	WeightedCount int64            `json:"weighted_count"`
	Facts         []ReputationFact `json:"facts"` // the newest first, at most the limit asked for
}

// ReputationFact is one fact a figure counts, with the transactions it
// comes from (oldest first; a deadline's block-level event has none).
type ReputationFact struct {
	Kind         string   `json:"kind"` // FactPOLine …
	Ref          string   `json:"ref"`
	Counterparty OrgID    `json:"counterparty,omitempty"`
	Item         string   `json:"item,omitempty"`
	Time         int64    `json:"time"`               // the fact's time (delivered, or the end of the promised day, opened …), unix ms
	Promised     int64    `json:"promised,omitempty"` // promised date, unix ms
	Delivered    int64    `json:"delivered,omitempty"`
	Ordered      Qty      `json:"ordered,omitempty"` // milli-units
	Shipped      Qty      `json:"shipped,omitempty"`
	Score        int64    `json:"score"`  // basis points; −1: not scored
	Weight       int64    `json:"weight"` // millionths
	Note         string   `json:"note,omitempty"`
	Txs          []string `json:"txs"`
}

// ReputationPage is a page of one figure's facts, the newest first.
type ReputationPage struct {
	Org    OrgID            `json:"org"`
	Figure string           `json:"figure"`
	Total  int64            `json:"total"`
	Offset int              `json:"offset"`
	Facts  []ReputationFact `json:"facts"`
}

// MaxReputationFacts is the most facts a figure or a page carries.
const MaxReputationFacts = 100

// ReputationService computes reputations from the read model. Errors:
// KindInvalid for a malformed org id, an unknown figure or a limit or
// offset out of range; KindNotFound for an org never a member; KindInternal
// otherwise.
type ReputationService interface {
	// Reputation returns an org's figures, each with its newest facts, at
	// most facts (0 to MaxReputationFacts) of them.
	Reputation(ctx context.Context, org OrgID, facts int) (Reputation, error)
	// ReputationFacts returns a page of one figure's facts: limit (1 to
	// MaxReputationFacts) facts from offset (0 or more).
	ReputationFacts(ctx context.Context, org OrgID, figure string, offset, limit int) (ReputationPage, error)
}

// recencySteps[k] is 2^(−k/64) in millionths.
var recencySteps = [64]int64{
	1000000, 989228, 978572, 968031, 957603, 947288, 937084, 926990, 917004, 907126, 897355, 887688, 878126,
	868667, 859310, 850053, 840896, 831838, 822878, 814014, 805245, 796571, 787990, 779502, 771105, 762799,
	754582, 746454, 738413, 730459, 722590, 714807, 707107, 699490, 691955, 684501, 677128, 669834, 662618,
	655481, 648420, 641435, 634525, 627690, 620929, 614240, 607624, 601078, 594604, 588198, 581862, 575595,
	569394, 563261, 557193, 551191, 545254, 539380, 533570, 527823, 522137, 516512, 510949, 505445,
}

// RecencyWeight is the weight, in millionths, of a fact ageMs old with a
// half-life of halfLifeMs: 2^(−age/half-life), the age rounded down to 1/64
// of a half-life; integers only, so every node computes the same. A fact from
// the future (a negative age) weighs 1,000,000.
func RecencyWeight(ageMs, halfLifeMs int64) int64 {
	if ageMs <= 0 || halfLifeMs <= 0 {
		return 1_000_000
	}
	n := ageMs / halfLifeMs
	if n >= 40 {
		return 0
	}
	k := (ageMs % halfLifeMs) * 64 / halfLifeMs
	return recencySteps[k] >> n
}
