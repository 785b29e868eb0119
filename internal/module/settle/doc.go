// Package settle is the ledger of obligations: money accounts per owner and
// currency in integer minor units, overflow-checked. Money enters only by a
// deposit that a hub records (it received the money off-ledger and is
// accountable for it), into its own account or a consumer's key account, or
// that a factory records into its own account (the money its RFQ bid bonds
// need: it answers for it as a hub does), and leaves only by a withdrawal;
// everything else is a transfer between accounts, made by other modules
// (escrow, capture, release, refund) through Transfer. Every movement is an event with a reason, so
// balances can be audited from events alone, and the invariant — the sum of
// all balances of a currency equals its deposits minus its withdrawals — is
// checkable at any height (CheckInvariant).
//
// State keys, under "settle/": bal/<currency>/<account>, supply/<currency>.
package settle
