// Package dispute is the module of disputes without a desk: a party's claim
// against a specific obligation of another, settled by the two of them or
// ruled by a panel of member orgs drawn from the ledger, each step with a
// deadline at block time, the ruling moving the money.
//
// Two subjects. A hub's share of a pool in production
// (gongxu.DisputeSubjectPoolShare): its money is captured on the ledger, the
// pool module freezes it (Shares.FreezeShare) and the ruling pays it out
// (Shares.ResolveShare: to_claimant back to the hub, the rest to the
// factory, as on a confirmed delivery). A purchase order's shipments
// (gongxu.DisputeSubjectPOShipment), a factory against its supplier or the
// reverse: purchase orders carry no ledger money, so nothing is frozen and
// the ruling records the split as owed (ToClaimant) without moving money.
// When its prices are sealed, a party discloses them to each panelist with
// production/po_disclose (under the order's commitment, so the panelist can
// check them).
//
// Rules (times are block times, unix ms):
//
//   - dispute/open: the hub of a share of the pool, against the pool's
//     factory; kind short|damaged|late|not_as_described, claimed 1..stake
//     (the share's captured money), up to MaxEvidence distinct SHA-256
//     hashes (64 lower-case hex) of evidence kept off the ledger, a note of
//     up to MaxNote bytes. The share must be disputable (the pool in
//     production or ready, the share neither confirmed nor frozen): the
//     share is frozen and the dispute is open until opened + the parameter
//     dispute_settle_ms. Its default split (DefaultBps) is fixed now: the
//     pool's terms, else the parameter dispute_default_bps.
//   - dispute/open with po instead of pool: the factory or the supplier of
//     a purchase order that was accepted (shipped or received), against the
//     other; claimed positive (no stake bounds it); once per purchase order
//     and claimant, and not while the other party's dispute over it is
//     unresolved.
//   - dispute/propose: either party, while open: a split (to_claimant,
//     0..claimed) that replaces any earlier proposal.
//   - dispute/accept: the party that did not make the standing proposal,
//     naming the same split (so a proposal replaced meanwhile is not
//     accepted by mistake): the dispute resolves, outcome settled.
//   - dispute/withdraw: the claimant, before the dispute is resolved:
//     nothing to the claimant, outcome withdrawn.
//   - At the response deadline an open dispute escalates: a panel of
//     dispute_panel_size member orgs is drawn (Draw) and the panel votes
//     until the block time + dispute_vote_ms. With no eligible org the
//     default rules at once (outcome default, the panel note says why);
//     with fewer than the size, the panel is the largest odd number of them.
//   - dispute/vote: a panelist, once, while the panel votes: a split
//     0..claimed. When the whole panel voted, the majority rules at once.
//   - At the vote deadline: with votes from a majority of the panel
//     (⌊P/2⌋+1), the ruling is the largest split that a majority voted for
//     at least (Ruling: the median of a full odd panel; no panelist can
//     move it alone); with fewer votes, the default split (outcome default).
//
// The panel: the member orgs (each has a role), without the two parties
// and the orgs tied to them. Tied, from what the ledger knows: the other
// hubs with a share in the same pool (their deliveries come from the same
// batch of the same factory: a ruling here is a ruling on their own case)
// and the enablers the pool's terms pay a share of every payout (what the
// ruling gives back to the claimant is not paid out: their own money).
// Keys cannot tie orgs: the member module never lets two orgs hold the same
// key. The draw is a seeded permutation: each eligible org's score is
// SHA-256(seed ‖ org id), the seed SHA-256 of the dispute id, the opening
// transaction's hash, the escalation height and the app hash committed by
// the block before the escalating one (module.Context.PrevAppHash); the
// panel is the orgs with the smallest scores. Same ledger, same panel, on
// every node. A party cannot aim the draw: it cannot know that app hash
// when it opens the dispute days before. The escalating block's proposer
// cannot either: the app hash was fixed before it chose anything. The
// proposer of the block before can (by choosing and ordering that block's
// transactions and executing each candidate), and so can a proposer that
// shifts an escalation by a block so that its own block is the one before:
// docs/security.md, "Dispute panels".
//
// Cost: a transaction's work is bounded by its limits; the block sweep reads
// only the disputes due (module.Deadlines), and each escalation reads the
// membership (bounded by governance) and the pool's hubs (members too).
//
// Events (gongxu.EventDispute*): opened, proposed, settled, escalated, voted,
// resolved; each with id, kind, pool, hub, claimant, respondent, claimed,
// to_claimant, outcome, po, json (the Dispute).
//
// State keys, under "dispute/": seq, d/<id>, due/<deadline>/<id>,
// po/<purchase order>/<claimant> (the dispute it opened).
package dispute
