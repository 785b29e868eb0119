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
}

// Catalog is what the production module needs from the catalog module.
// Errors: KindNotFound for an unknown product.
type Catalog interface {
	Product(r store.Reader, id gongxu.ProductID) (gongxu.Product, error)
}

// Pools is what the production module tells the pool module as a pool's
// production order moves: its first work order started (Producing), its
// quantity completed (Ready). Each leaves a pool in another status as it is.
type Pools interface {
	Producing(ctx *module.Context, pool uint64, reason string) error
	Ready(ctx *module.Context, pool uint64, reason string) error
}
