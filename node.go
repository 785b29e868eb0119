package gongxu

import "context"

// CommittedBlock is a block as the read side sees it: what the chain decided,
// with every transaction's result and the events it emitted. The read model is
// a projection of a sequence of these, and can be rebuilt from them.
type CommittedBlock struct {
	Height  int64      `json:"height"`
	Time    int64      `json:"time"` // block time, unix milliseconds
	Hash    string     `json:"hash"`
	AppHash string     `json:"app_hash"` // the app hash after this block
	Txs     []TxRecord `json:"txs"`
	// Events happened before the block's transactions (genesis, deadlines
	// falling due), EndEvents after them; the read model applies them in
	// that order: Events, each tx's events, EndEvents.
	Events    []Event `json:"events"`
	EndEvents []Event `json:"end_events,omitempty"`
}

// NodeService is the running node: its status, and the way in for signed
// transactions.
type NodeService interface {
	// Status reports the node and chain. Errors: KindUnavailable while starting.
	Status(ctx context.Context) (Status, error)
	// Submit hands a signed transaction to the mempool. With wait it returns once
	// the transaction is committed (or rejected by CheckTx), else after CheckTx.
	// A rejected transaction is a TxResult with a non-zero Code, not an error.
	// Errors: KindTimeout when the commit does not come in time, KindBusy when
	// the node admits no more transactions for now (its mempool holds what the
	// next blocks can commit, or is full: send the same one again shortly),
	// KindUnavailable when the node is stopping, KindTooLarge.
	Submit(ctx context.Context, tx []byte, wait bool) (TxResult, error)
	// Account reports a signing key: the org it belongs to (if any) and the next
	// sequence number it must sign with, counting transactions already accepted
	// into this node's mempool. Errors: KindInvalid for a malformed key.
	Account(ctx context.Context, key PubKey) (Account, error)
}

// Account is a signing key as the ledger knows it.
type Account struct {
	PubKey   PubKey `json:"pub_key"`
	Org      OrgID  `json:"org,omitempty"` // "" when the key belongs to no member org
	Sequence uint64 `json:"sequence"`      // the next sequence number to sign with
}

// Version is the version of gongxu's software and wire format.
const Version = "0.1.0"

// Operator is this node's own organization, signing with the node's keyring:
// pages that act for it (a hub recording a walk-in consumer's pledge) go
// through it. Only the operator's own machine should reach such pages.
type Operator interface {
	// Org is the org the node's operator key belongs to ("" when none).
	Org(ctx context.Context) (OrgID, error)
	// Send signs a message of type typ with the operator key, submits it and
	// waits for the commit. A rejection is a TxResult with a non-zero Code.
	Send(ctx context.Context, typ string, body any) (TxResult, error)
}

// Operators is an Operator whose node also holds the keys of other member
// orgs (the demo's node holds every org's): people signed in to its pages
// may choose which of them to act as.
type Operators interface {
	Operator
	// Orgs are the member orgs this node holds a key for, sorted by id; the
	// operator's own org among them.
	Orgs(ctx context.Context) ([]OrgID, error)
	// As is the operator acting for org with a key of the node's keyring
	// that belongs to it; KindNotFound when the node holds none.
	As(ctx context.Context, org OrgID) (Operator, error)
}
