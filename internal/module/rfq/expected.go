package rfq

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Members is what rfq needs from the member module.
type Members interface {
	// HasRole reports whether org id is a member with role.
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
}

// Settle is what rfq needs from the settle module: bid bonds move between a
// bidder's account, the RFQ's bond account and the requester's.
type Settle interface {
	// Transfer moves money between accounts and records the movement.
	// Errors: KindInvalid for a non-positive amount, KindConflict when from
	// holds less than amount.
	Transfer(ctx *module.Context, from, to gongxu.AccountID, cur string, amount gongxu.Amount, reason gongxu.MoveReason, ref string) error
}

// PoolRequest is a pool to open for one awarded bid: one tier at UnitPrice,
// MOQ = cap = Qty, paid from the Hub's account, deliverable by Deadline.
type PoolRequest struct {
	Factory   gongxu.OrgID
	Hub       gongxu.OrgID
	Title     string
	Qty       gongxu.Units
	UnitPrice gongxu.Amount
	Currency  string
	Deadline  int64 // block time, unix ms: the RFQ's target date
	RFQ       uint64
}

// OpenPool opens an awarded pool, already past its MOQ, and returns its id.
// The pool module provides it (wired in internal/modules). Errors: a
// *gongxu.Error rejects the award (KindConflict when the hub's account holds
// less than Qty×UnitPrice); any other error is a broken invariant.
type OpenPool func(ctx *module.Context, p PoolRequest) (uint64, error)
