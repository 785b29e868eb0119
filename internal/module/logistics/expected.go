package logistics

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Members is what the logistics module reads of the member module: whether
// an org holds a role (a carrier holds RoleLogistics; false for no member).
// Errors: only the store's.
type Members interface {
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
}

// Pools is what the logistics module reads of the pool module: a pool (its
// factory) and a hub's share of it (what was shipped, whether the hub
// confirmed). Errors: KindNotFound for no such pool or share.
type Pools interface {
	Pool(r store.Reader, id uint64) (gongxu.Pool, error)
	HubShare(r store.Reader, pool uint64, hub gongxu.OrgID) (gongxu.HubShare, error)
}

// Orders is what the logistics module reads of the production module: a
// purchase order with its shipments (Errors: KindNotFound for no such
// purchase order), and the recall holding a lot id, on the ledger or not (0
// when none; Errors: only the store's).
type Orders interface {
	PO(r store.Reader, id uint64) (gongxu.PurchaseOrder, error)
	HoldOf(r store.Reader, id gongxu.LotID) (uint64, error)
}

// Tracer writes a leg's EPCIS events (the trace module) and returns each
// event's id.
type Tracer interface {
	CarrierPickedUp(ctx *module.Context, leg gongxu.Leg) (string, error)
	CarrierDelivered(ctx *module.Context, leg gongxu.Leg) (string, error)
}
