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

// Account names come from the root vocabulary; the movement reasons are
// settle's (a test keeps them equal).
var (
	orgAccount      = gongxu.OrgAccount
	keyAccount      = gongxu.KeyAccount
	escrowAccount   = gongxu.EscrowAccount
	capturedAccount = gongxu.CapturedAccount
)

const (
	reasonEscrow  = "escrow"
	reasonCapture = "capture"
	reasonRelease = "release"
	reasonRefund  = "refund"
	reasonPayout  = "payout"
)
