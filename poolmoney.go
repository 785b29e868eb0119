package gongxu

import "context"

// PoolMoney is a pool's money as the ledger moved it, added up by reason
// from the movements of its escrow and captured accounts: the money card of
// a pool page, whose lines add up by construction:
//
//	Escrowed − Refunded − Returned − Captured = Held
//	Captured − PaidOut − Shared − GivenBack   = Pending
type PoolMoney struct {
	Pool     uint64 `json:"pool"`
	Currency string `json:"currency"`
	// Escrowed is what pledges put in escrow, at the first tier's price.
	Escrowed Amount `json:"escrowed"`
	// Refunded went back to payers in full: withdrawn or reduced pledges,
	// and every pledge of a failed pool.
	Refunded Amount `json:"refunded"`
	// Returned went back to payers at success: the escrow above the final
	// price.
	Returned Amount `json:"returned"`
	// Captured is what the succeeded pool charged at the final price.
	Captured Amount `json:"captured"`
	// PaidOut is the captured money released to the factory as hubs'
	// shares were settled (confirmed, confirmed automatically, ruled).
	PaidOut Amount `json:"paid_out"`
	// Shared is the captured money paid to the shares for enablers of the
	// pool's terms (the hubs' hub_bps, named orgs' bps).
	Shared Amount `json:"shared"`
	// GivenBack is captured money given back: to every payer when
	// production did not start in time, to a hub by a dispute's ruling.
	GivenBack Amount `json:"given_back"`
	// Held is in escrow now (an open pool's pledges).
	Held Amount `json:"held"`
	// Pending is captured and not yet paid out nor given back: it waits
	// for the hubs' confirmations (or their deadlines, or rulings).
	Pending Amount `json:"pending"`
}

// PoolMoneyFunc returns a pool's money (a read model's). Errors:
// KindNotFound for an unknown pool.
type PoolMoneyFunc func(ctx context.Context, pool uint64) (PoolMoney, error)
