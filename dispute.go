package gongxu

import "context"

// A dispute is a party's claim against a specific obligation of another: a
// hub against the factory of a pool, over the hub's share (short, damaged,
// late, not as described). The money at stake stays frozen until the
// dispute ends: settled by both parties signing a split, ruled by a panel
// of member orgs drawn from the ledger, by the default of the terms when the
// panel does not decide in time, or withdrawn by the claimant. Every step
// has a deadline at block time (internal/module/dispute).

// DisputeKind is what a claimant says went wrong.
type DisputeKind string

// The dispute kinds.
const (
	DisputeShort          DisputeKind = "short"            // fewer goods than shipped or promised
	DisputeDamaged        DisputeKind = "damaged"          // goods arrived damaged
	DisputeLate           DisputeKind = "late"             // goods came after the promised date, or not at all
	DisputeNotAsDescribed DisputeKind = "not_as_described" // goods differ from the product or the terms
)

// DisputeKinds lists every dispute kind.
func DisputeKinds() []DisputeKind {
	return []DisputeKind{DisputeShort, DisputeDamaged, DisputeLate, DisputeNotAsDescribed}
}

// Validate reports whether k is a known dispute kind.
func (k DisputeKind) Validate() error {
	for _, x := range DisputeKinds() {
		if k == x {
			return nil
		}
	}
	return Errorf(KindInvalid, "unknown dispute kind %q (want short, damaged, late or not_as_described)", string(k))
}

// DisputeSubject is the kind of obligation a dispute is about.
type DisputeSubject string

// The dispute subjects. A hub's share of a pool in production: its money is
// on the ledger (captured), frozen while disputed, and the ruling moves it.
// A purchase order's shipments, a factory against its supplier or the
// reverse: purchase orders carry no ledger money, so the ruling records the
// split as owed (ToClaimant) and moves nothing.
const (
	DisputeSubjectPoolShare  DisputeSubject = "pool_share"
	DisputeSubjectPOShipment DisputeSubject = "po_shipment"
)

// DisputeStatus is where a dispute stands.
type DisputeStatus string

// The dispute statuses.
const (
	DisputeOpen     DisputeStatus = "open"     // the parties may settle until the response deadline
	DisputePanel    DisputeStatus = "panel"    // escalated: the panel votes until the vote deadline
	DisputeResolved DisputeStatus = "resolved" // ended; Outcome says how, ToClaimant what the claimant got
)

// DisputeOutcome is how a dispute ended.
type DisputeOutcome string

// The dispute outcomes.
const (
	OutcomeSettled   DisputeOutcome = "settled"   // both parties signed the same split
	OutcomePanel     DisputeOutcome = "panel"     // a majority of the panel ruled
	OutcomeDefault   DisputeOutcome = "default"   // no ruling in time (or no panel): the terms' default split
	OutcomeWithdrawn DisputeOutcome = "withdrawn" // the claimant dropped the claim: nothing to it
)

// DisputeProposal is a split one party signed and waits for the other to
// accept.
type DisputeProposal struct {
	By         OrgID  `json:"by"`
	ToClaimant Amount `json:"to_claimant"`
	At         int64  `json:"at"` // block time, unix ms
}

// DisputeVote is a panelist's split.
type DisputeVote struct {
	Org        OrgID  `json:"org"`
	ToClaimant Amount `json:"to_claimant"`
	At         int64  `json:"at"` // block time, unix ms
}

// Dispute is a claim over an obligation, and its course.
type Dispute struct {
	ID         uint64         `json:"id"`
	Subject    DisputeSubject `json:"subject"`
	Pool       uint64         `json:"pool,omitempty"` // pool_share
	Hub        OrgID          `json:"hub,omitempty"`  // pool_share
	PO         uint64         `json:"po,omitempty"`   // po_shipment
	Claimant   OrgID          `json:"claimant"`
	Respondent OrgID          `json:"respondent"`
	Kind       DisputeKind    `json:"kind"`
	Currency   string         `json:"currency"`
	Stake      Amount         `json:"stake"`    // the money frozen (the share at the pool's price)
	Claimed    Amount         `json:"claimed"`  // what the claimant asks back, 1..Stake
	Evidence   []string       `json:"evidence"` // SHA-256 hashes (hex) of files kept off the ledger
	Note       string         `json:"note,omitempty"`
	OpenTx     string         `json:"open_tx"`
	Opened     int64          `json:"opened"`      // block time, unix ms
	OpenHeight int64          `json:"open_height"` // height of the opening block
	Status     DisputeStatus  `json:"status"`
	Deadline   int64          `json:"deadline"` // the current step's deadline, block time, unix ms
	// DefaultBps is the default split (basis points of Claimed to the
	// claimant) fixed when the dispute opened: from the pool's terms, or
	// the network's parameter when they name none.
	DefaultBps int64            `json:"default_bps"`
	Proposal   *DisputeProposal `json:"proposal,omitempty"`
	// The panel, drawn at escalation (EscalatedHeight), sorted by draw order.
	Panel           []OrgID       `json:"panel,omitempty"`
	PanelNote       string        `json:"panel_note,omitempty"`
	EscalatedHeight int64         `json:"escalated_height,omitempty"`
	Votes           []DisputeVote `json:"votes,omitempty"` // in panel order of voting
	// Set when resolved: what the claimant got back, how, and when.
	ToClaimant Amount         `json:"to_claimant"`
	Outcome    DisputeOutcome `json:"outcome,omitempty"`
	Resolved   int64          `json:"resolved,omitempty"` // block time, unix ms
}

// The events of a dispute's course (the read model projects the json of
// any of them; reputation counts opened and resolved). Each carries id, kind, pool, hub,
// claimant, respondent, claimed, to_claimant (the proposal, vote or ruling
// of that step; "0" before one), outcome ("" until resolved), po ("0" for a
// pool share) and json (the Dispute after the step).
const (
	EventDisputeOpened    = "dispute/opened"
	EventDisputeProposed  = "dispute/proposed" // a party signed a split (to_claimant: the proposal)
	EventDisputeSettled   = "dispute/settled"  // the other party signed the same split; resolved follows
	EventDisputeEscalated = "dispute/escalated"
	EventDisputeVoted     = "dispute/voted"
	EventDisputeResolved  = "dispute/resolved"
)

// DisputeFilter narrows a dispute listing.
type DisputeFilter struct {
	Status DisputeStatus // "" for all
	Org    OrgID         // a party or panelist; "" for all
	Pool   uint64        // 0 for all
	Limit  int
}

// DisputeService reads disputes. Errors: KindNotFound for an unknown id,
// KindInternal otherwise.
type DisputeService interface {
	Disputes(ctx context.Context, f DisputeFilter) ([]Dispute, error)
	Dispute(ctx context.Context, id uint64) (Dispute, error)
}

// The messages of a dispute, which the pages build too: each body has the
// dispute module's JSON names and is its message type (dispute.MsgOpen is
// a DisputeOpenBody, and so on).
const (
	TypeDisputeOpen     = "dispute/open"     // DisputeOpenBody: the hub of a share
	TypeDisputePropose  = "dispute/propose"  // DisputeSplitBody: either party
	TypeDisputeAccept   = "dispute/accept"   // DisputeSplitBody: the other party
	TypeDisputeVote     = "dispute/vote"     // DisputeSplitBody: a panelist
	TypeDisputeWithdraw = "dispute/withdraw" // DisputeRefBody: the claimant
)

// DisputeOpenBody opens a dispute over the signer's org's share of a pool
// (Pool), or over the shipments of a purchase order the signer's org is a
// party to (PO): exactly one of them.
type DisputeOpenBody struct {
	Pool     uint64      `json:"pool,omitempty"`
	PO       uint64      `json:"po,omitempty"`
	Kind     DisputeKind `json:"kind"`
	Claimed  Amount      `json:"claimed"`
	Evidence []string    `json:"evidence,omitempty"`
	Note     string      `json:"note,omitempty"`
}

// DisputeSplitBody is a split of a dispute: proposed, accepted or voted.
type DisputeSplitBody struct {
	Dispute    uint64 `json:"dispute"`
	ToClaimant Amount `json:"to_claimant"`
}

// DisputeRefBody names a dispute.
type DisputeRefBody struct {
	Dispute uint64 `json:"dispute"`
}
