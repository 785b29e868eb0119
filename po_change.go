package gongxu

// Change orders: after a purchase order is accepted either party may
// propose a change (quantities, promised dates, prices, lines added or
// removed), which the other party accepts or rejects before its deadline;
// unanswered, it lapses at block time. The pages build these bodies; the
// production module executes them as its own message types.
const (
	TypePOChange       = "production/po_change"        // POChangeBody: a party of an accepted order
	TypePOChangeAnswer = "production/po_change_answer" // POChangeAnswerBody: the other party
)

// The change order windows: a change not answered by its deadline lapses.
const (
	DefaultChangeWindowMs int64 = 3 * 86_400_000  // a change without respond_by
	MaxChangeWindowMs     int64 = 30 * 86_400_000 // the latest respond_by a change may ask
)

// POChangeBody proposes a change to an accepted purchase order: Lines is
// the whole order as it would be, its existing lines first in their order
// (same items; a quantity of 0 removes a line, never below what has
// shipped), then any added lines. Each line's Date is its new promised
// date. On a sealed order the prices are sealed in Terms (0 in Lines).
// RespondBy is when the other party must have answered (0: the block time
// plus DefaultChangeWindowMs).
type POChangeBody struct {
	PO        uint64       `json:"po"`
	Lines     []POLine     `json:"lines"`
	Reason    string       `json:"reason,omitempty"`
	RespondBy int64        `json:"respond_by,omitempty"`
	Terms     *SealedTerms `json:"terms,omitempty"`
}

// POChangeAnswerBody is the other party accepting or rejecting change
// number Change of a purchase order.
type POChangeAnswerBody struct {
	PO     uint64 `json:"po"`
	Change int    `json:"change"`
	Accept bool   `json:"accept"`
	Reason string `json:"reason,omitempty"`
}

// POChange is a change order pending on a purchase order.
type POChange struct {
	ID       int          `json:"id"` // 1-based within the order
	By       OrgID        `json:"by"` // the party that proposed it
	Lines    []POLine     `json:"lines"`
	Terms    *SealedTerms `json:"terms,omitempty"`
	Reason   string       `json:"reason,omitempty"`
	Deadline int64        `json:"deadline"` // answered by then (block time), else it lapses
	Time     int64        `json:"time"`
	Height   int64        `json:"height"`
}

// ChangeCount is how many change orders have been proposed on the order.
func (p PurchaseOrder) ChangeCount() int {
	n := 0
	for _, s := range p.Negotiation {
		if s.Action == "change" {
			n++
		}
	}
	return n
}
