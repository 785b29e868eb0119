package production

import (
	"github.com/gongxu-network/gongxu"
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
