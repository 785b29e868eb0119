package gongxu

// The messages that rooms other than their module build: the pages sign them
// through the node's Operator, and the web imports the root only. Each body
// has its module's JSON names; the module validates and executes it as its
// own message type (settle.MsgDeposit is a DepositBody, and so on), so there
// is one definition of each.
const (
	TypeDeposit   = "settle/deposit"        // DepositBody
	TypePoolBatch = "pool/batch"            // BatchBody
	TypePOAccept  = "production/po_accept"  // POAcceptBody
	TypePOReject  = "production/po_reject"  // PORejectBody
	TypePOPropose = "production/po_propose" // POProposeBody
)

// DepositBody records money a hub received off-ledger, into its own account
// or a consumer's key account. The hub is accountable for it.
type DepositBody struct {
	To       AccountID `json:"to,omitempty"` // default: the hub's own account
	Currency string    `json:"currency"`
	Amount   Amount    `json:"amount"`
	Ref      string    `json:"ref,omitempty"` // the bank or till reference
}

// BatchBody carries a hub's consumers' pledges to a pool; the escrow comes
// from the hub's account. The leaves come either as a JSON list (Leaves) or
// packed in one binary blob, standard base64 (Packed: the pool module's
// leafcodec.go), never both; the packed form is about half the bytes and is
// decoded without reflection. A pool/batch body may also be binary, not JSON
// (the pool module's batchbody.go: docs/wire.md): its decoder sets Pool and
// Binary, the packed blob's raw bytes, which are never JSON.
type BatchBody struct {
	Pool   uint64     `json:"pool"`
	Leaves []PoolLeaf `json:"leaves,omitempty"`
	Packed string     `json:"packed,omitempty"`
	Binary []byte     `json:"-"`
}

// POAcceptBody is the addressed supplier accepting a purchase order; Promised
// holds a date per line (empty: the requested dates).
type POAcceptBody struct {
	PO       uint64  `json:"po"`
	Promised []int64 `json:"promised,omitempty"`
}

// PORejectBody is the addressed supplier rejecting a purchase order, with a
// reason the factory reads.
type PORejectBody struct {
	PO     uint64 `json:"po"`
	Reason string `json:"reason"`
}

// POProposeBody is the addressed supplier proposing changed lines: the same
// items in the same order, with other quantities, dates or prices.
type POProposeBody struct {
	PO     uint64   `json:"po"`
	Lines  []POLine `json:"lines"`
	Reason string   `json:"reason,omitempty"`
	// Terms seal the proposal's prices (then 0 in Lines) to both parties;
	// a proposal on a sealed order must be sealed.
	Terms *SealedTerms `json:"terms,omitempty"`
}
