package pool

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Members is what the pool module needs from the member module.
// Errors: only I/O failures, but Org's KindNotFound for an org that is not
// a member.
type Members interface {
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
	Org(r store.Reader, id gongxu.OrgID) (gongxu.Org, error)
	// Params are the governance parameters in force (the pool deadlines'
	// graces).
	Params(r store.Reader) (gongxu.Params, error)
}

// Catalog is what the pool module needs from the catalog module.
// Errors: KindNotFound for an unknown product.
type Catalog interface {
	Product(r store.Reader, id gongxu.ProductID) (gongxu.Product, error)
}

// Settle is what the pool module needs from the settle module.
type Settle interface {
	// Transfer moves money between accounts and records the movement.
	// Errors: KindInvalid for a non-positive amount, KindConflict when from
	// holds less than amount.
	Transfer(ctx *module.Context, from, to gongxu.AccountID, cur string, amount gongxu.Amount, reason gongxu.MoveReason, ref string) error
	// Balance returns an account's balance in a currency.
	Balance(r store.Reader, a gongxu.AccountID, cur string) (gongxu.Amount, error)
}

// Account names and movement reasons come from the root vocabulary.
var (
	orgAccount      = gongxu.OrgAccount
	keyAccount      = gongxu.KeyAccount
	escrowAccount   = gongxu.EscrowAccount
	capturedAccount = gongxu.CapturedAccount
)

// Goods is what the pool module asks of the modules that hold lots and trace
// them, as a pool's goods go to its hubs and on to consumers
// (internal/modules wires production and trace behind it). Errors:
// KindNotFound or KindConflict refuse the transaction (no lots on the
// ledger, too few, an event already recorded); anything else is a broken
// invariant.
type Goods interface {
	// ShipToHub takes qty milli-units of the pool's product out of the
	// factory's stock for hub (the chosen lots, adding up to qty, else the
	// pool's allotted lots first, then free lots first to expire, first
	// in), records the packing and the shipment, and returns the lots taken.
	// n numbers the share's shipments from 1.
	ShipToHub(ctx *module.Context, p gongxu.Pool, hub gongxu.OrgID, n int, qty gongxu.Qty, lots []gongxu.LotQty) ([]gongxu.LotQty, error)
	// ReceivedAtHub records the hub's receipt of the lots shipped to it.
	ReceivedAtHub(ctx *module.Context, p gongxu.Pool, hub gongxu.OrgID, lots []gongxu.LotQty) error
	// PickedUp records a consumer collecting a pledge (with lots).
	PickedUp(ctx *module.Context, pk gongxu.Pickup) error
	// ReleasePool frees what is still allotted to pool p once every hub's
	// share is settled.
	ReleasePool(ctx *module.Context, p gongxu.Pool) error
}

// Production is what the pool module asks of the production module as a
// pool succeeds, inside the same block (internal/modules adapts it).
type Production interface {
	// OpenForPool opens the production order of pool p, which just
	// succeeded. Errors: a refusal (any kind but KindInternal: the pool's
	// product or total cannot become an order) leaves the pool succeeded,
	// its history saying why no order was opened; anything else is a broken
	// invariant and halts the node.
	OpenForPool(ctx *module.Context, p gongxu.Pool) error
}
