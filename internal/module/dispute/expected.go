package dispute

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Members is what the dispute module needs from the member module. Errors:
// only I/O failures.
type Members interface {
	// Orgs lists the member orgs, sorted by id.
	Orgs(r store.Reader) ([]gongxu.Org, error)
	// Params returns the governance parameters in force.
	Params(r store.Reader) (gongxu.Params, error)
}

// Stake is what a dispute over a hub's share of a pool puts at stake.
type Stake struct {
	Pool     uint64
	Factory  gongxu.OrgID
	Hub      gongxu.OrgID
	Currency string
	Amount   gongxu.Amount
}

// Shares is what the dispute module needs from the pool module
// (internal/modules adapts it).
type Shares interface {
	// HasShare reports whether hub has a share in pool. Errors:
	// KindNotFound for no such pool.
	HasShare(r store.Reader, pool uint64, hub gongxu.OrgID) (bool, error)
	// Hubs lists the hubs with a share in pool, sorted.
	Hubs(r store.Reader, pool uint64) ([]gongxu.OrgID, error)
	// Enablers lists the orgs the pool's terms name for a share of every
	// payout (a carrier, a designer), in the terms' order.
	Enablers(r store.Reader, pool uint64) ([]gongxu.OrgID, error)
	// FreezeShare freezes hub's share of pool and returns the stake.
	// Errors: KindNotFound, KindConflict (not disputable now).
	FreezeShare(ctx *module.Context, pool uint64, hub gongxu.OrgID) (Stake, error)
	// ResolveShare ends a frozen share: toHub back to the hub, the rest
	// paid out to the factory. Errors: KindConflict (not frozen),
	// KindInvalid (toHub outside 0..stake).
	ResolveShare(ctx *module.Context, pool uint64, hub gongxu.OrgID, toHub gongxu.Amount, why string) error
	// DefaultBps is the default split a pool's terms write for a panel
	// that does not decide (basis points of the claim to the claimant);
	// ok is false when the terms name none.
	DefaultBps(r store.Reader, pool uint64) (bps int64, ok bool, err error)
}

// Orders is what the dispute module needs from the production module: a
// purchase order's parties and status (internal/modules adapts it).
// Errors: KindNotFound for no such purchase order.
type Orders interface {
	PO(r store.Reader, id uint64) (gongxu.PurchaseOrder, error)
}
