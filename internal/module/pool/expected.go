package pool

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Members is what the pool module needs from the member module.
// Errors: only I/O failures.
type Members interface {
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
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
	Transfer(ctx *module.Context, from, to gongxu.AccountID, cur string, amount int64, reason, ref string) error
	// Balance returns an account's balance in a currency.
	Balance(r store.Reader, a gongxu.AccountID, cur string) (int64, error)
}

// Account names and movement reasons, as the settle module spells them (the
// root package's AccountID documents the names; a test keeps them equal to
// settle's).
func orgAccount(id gongxu.OrgID) gongxu.AccountID { return gongxu.AccountID("org:" + string(id)) }
func keyAccount(k gongxu.PubKey) gongxu.AccountID { return gongxu.AccountID("key:" + string(k)) }
func escrowAccount(pool uint64) gongxu.AccountID {
	return gongxu.AccountID("escrow:" + uitoa(pool))
}
func capturedAccount(pool uint64) gongxu.AccountID {
	return gongxu.AccountID("captured:" + uitoa(pool))
}

const (
	reasonEscrow  = "escrow"
	reasonCapture = "capture"
	reasonRelease = "release"
	reasonRefund  = "refund"
	reasonPayout  = "payout"
)
