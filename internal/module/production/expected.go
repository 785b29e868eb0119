package production

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Members is what the production module needs from the member module.
// Errors: only I/O failures.
type Members interface {
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
	// SealKey is the seal key an org registered ("" when none);
	// KindNotFound for a non-member.
	SealKey(r store.Reader, id gongxu.OrgID) (gongxu.SealKey, error)
	// Params returns the governance parameters in force (the grace of a
	// purchase order's promised dates).
	Params(r store.Reader) (gongxu.Params, error)
}

// Catalog is what the production module needs from the catalog module.
// Errors: KindNotFound for an unknown product.
type Catalog interface {
	Product(r store.Reader, id gongxu.ProductID) (gongxu.Product, error)
}

// Pools is what the production module tells the pool module as a pool's
// production order moves: its first work order started (Producing), its
// quantity completed (Ready). Each leaves a pool in another status as it is.
// pool.Stages does it, and needs no module.
type Pools interface {
	Producing(ctx *module.Context, pool uint64, reason string) error
	Ready(ctx *module.Context, pool uint64, reason string) error
}

// Tracer is what the production module tells the trace module as goods
// move, so that each movement becomes a GS1 EPCIS event anchored in the
// transaction that recorded it: a shipment, a receipt into the factory's
// lots, a work order's completion (its consumed and created lots). Errors:
// KindConflict when the event's id is already on the ledger (which rejects
// the transaction); anything else is a broken invariant.
type Tracer interface {
	Shipped(ctx *module.Context, po gongxu.PurchaseOrder, sh gongxu.Shipment) error
	Received(ctx *module.Context, po gongxu.PurchaseOrder, shipment int, lots []gongxu.LotQty) error
	Completed(ctx *module.Context, wo gongxu.WorkOrder) error
}
