// Package pool is the module of demand pools (C2M group-buys): a factory
// opens a pool on one of its products with price tiers, a minimum batch
// (MOQ), a capacity cap, a case pack, a currency, a deadline and the hubs that
// may gather pledges; consumers pledge directly with their own keys, and hubs
// submit batches of their consumers' pledges. The state keeps aggregates per
// pool, per hub and per variant, never one record per batch leaf, and no
// personal data: a batch leaf names a consumer by a pseudonym only.
//
// The rules:
//
//   - Escrow at the first-tier price. Every pledge moves qty × the first
//     (highest) tier's unit price from the payer into the pool's escrow
//     account: a direct pledge from the signer's key account (its org's
//     account when the key belongs to a member org), a batch from the hub's
//     org account.
//   - Close at the deadline, in block processing. BeginBlock closes the
//     open pools whose deadline is at or before the block time, in (deadline,
//     id) order, with no transaction from anyone. With the MOQ reached the pool
//     succeeds: the final unit price is the tier the final total reaches, each
//     payer is charged qty × that price (captured until delivery) and the rest
//     of their escrow is released to them. Short of the MOQ it fails and every
//     payer's escrow is refunded.
//   - A bounded close. A close costs two transfers per payer account (a
//     direct pledger's key or org, each hub's batches one), so a block
//     closes at most MaxClosesPerBlock pools and, after the first, only
//     while their payers add up to at most MaxClosePayersPerBlock (close.go);
//     more due at one instant close in the next blocks, in order. The
//     outcome does not depend on the block that closes a pool: from its
//     deadline on, a pool not closed yet takes nothing (pledge, batch,
//     reduce, hub_reduce and cancel are KindExpired, "is closing"), so its
//     total, payers and escrow are those of the deadline, and its series'
//     next pool opens in the block that closes it, on the schedule.
//     One pool holds at most MaxPayersPerPool payer accounts: a pledge or
//     batch adding one more is refused (KindQuota), while the pool's
//     payers may add to their pledges and a payer that withdrew everything
//     frees its place. Why a limit at pledge time and not a close spread
//     over blocks: nothing else bounds a pool's payers (the cap is in
//     units, a case pack can be 1, a pledge weighs 1 whatever it costs the
//     close, and the escrow of a unit can be tiny), and a pool also closes
//     inside the transaction that reaches its cap, where no later block can
//     take the rest; a close across blocks would leave a pool half charged,
//     its money split between escrow and captured, for every message and
//     page to reason about. A consumer beyond the limit pledges through a
//     hub, whose batches (any number of leaves) are one payer. The closes
//     at the cap share the block's budget with BeginBlock's (closeWork,
//     pool/closework): a transaction whose cap close would take the block
//     over it is refused (KindQuota) and fits in a later block, so preparing
//     many pools one pledge short of their cap buys no block of closes
//     either. Both limits are 5,000: the worst close block, 5,000 payers in
//     one pool or over 256 pools, costs a third to two thirds of the worst
//     block of transactions the block budget allows, measured under the same
//     load (BENCHMARKS.md, BenchmarkCloseBlock); 20,000 cost as much as that
//     worst block or more, on top of the block's own transactions.
//   - The cap. The total never exceeds the cap: a pledge or batch that would
//     take it over is rejected whole (KindConflict) with the remaining
//     capacity in the message, so the hub can resubmit what fits. A pledge or
//     batch that reaches the cap exactly closes the pool at once (succeeded),
//     in that transaction.
//   - Case packs. Every pledged quantity (a pledge, a leaf, a reduction) is a
//     multiple of the pool's case pack, and so is the cap.
//   - The lock. Pledges may be reduced or withdrawn (reduce by the consumer
//     who made a direct pledge, hub_reduce by a hub for its batched pledges)
//     only before Deadline − LockMs; never after. New pledges are taken until
//     the deadline.
//   - Cancel. The factory may cancel a pool only while it is open and before
//     it ever received a pledge.
//   - Delivery. After start_production (the factory), each hub with a share
//     confirms its delivery; its share (qty × final price) is paid from the
//     pool's captured account: first the shares for enablers of the terms,
//     then the rest to the factory. When every hub's share is settled, the
//     pool is delivered, then settled. One function ends a share
//     (settleShare, share.go): a confirmation, an automatic confirmation, a
//     dispute's ruling (FreezeShare/ResolveShare, the dispute module's
//     hooks; a frozen share is neither confirmed by its hub nor by a
//     deadline).
//   - Shares for enablers. The terms (pool/open) may name each hub's share
//     of the payout of its own share (hub_bps) and named member orgs'
//     shares of every payout (org, role, bps: a carrier, a designer), at
//     most gongxu.MaxShareBPS together, never the factory itself, each org
//     once; public, like all pool terms. Each is paid floor(payout × bps /
//     10000) (gongxu.BPSOf: exact, no overflow), the factory the rest. The
//     terms also hold dispute_default_bps, the fallback a dispute's ruling
//     takes when its panel does not decide in time.
//   - Deadlines after the close (deadline.go), at block time, no
//     transaction needed: a succeeded pool not in production by its
//     promised start (start_by; default: its deadline plus
//     gongxu.DefaultPoolStartMs) plus the start grace (governance:
//     pool_start_grace_ms) fails over: every payer gets back what was
//     captured from them, and its production order is void (the pool
//     refuses to move into production). A shipped share not confirmed nor
//     disputed within the confirmation grace (pool_confirm_grace_ms, as in
//     force at shipment: HubShare.ConfirmBy) is settled as confirmed.
//     Both are read from deadline indexes up to the block time: a block
//     costs what falls due in it (one transfer per payer account of a pool
//     failing over; one settlement per share confirmed), never a scan, and
//     at most MaxFailoversPerBlock (refunding at most
//     MaxClosePayersPerBlock payers after the first) and MaxConfirmsPerBlock
//     of them (the
//     rest in the next blocks; a pool past its StartDue no longer goes into
//     production, a share past its ConfirmBy is no longer disputed).
//   - Goods. The factory ships each hub its share (pool/ship) once the
//     pool is in production or ready, whole or in parts (at most
//     gongxu.MaxShareShipments, each with its quantity and lots; the share
//     is shipped once they add up to it, and only then does its
//     confirmation deadline start and may its hub confirm it: a hub short
//     of goods disputes). The ledger takes each shipment's quantity out
//     of the factory's stock of the product (the production module's
//     TakeForPool): the lots the factory names, else what is
//     allotted to the pool (the lots its order made or was filled from on
//     stock) first, then free lots, first to expire, first in; held,
//     expired, reserved and other pools' lots never ship. A pool opened
//     from_stock is filled from the factory's stock at its close and is
//     ready at once when the stock covers it. The trace module records
//     the packing into the unit urn:gongxu:pool:<id>:hub:<hub> and the
//     shipment (the n-th of a share, n > 1, with the despatch advice
//     <unit>:<n>). A ready pool's hub
//     confirms its delivery only once its share was shipped (a pool moved
//     into production by hand, whose goods are not on the ledger, confirms
//     without); the confirmation records the hub's receipt of what was
//     shipped. Then the hub records each consumer's pickup (pool/pickup): a
//     leaf of its own batch, shown by the consumer's copy of the receipt,
//     checked against the batch's Merkle root, with its pickup secret,
//     checked against the leaf's commitment, or a direct pledge naming the
//     hub; once per pledge, at most the pledged quantity, at most the share.
//     A receipt alone is public (the node serves it to anyone) and collects
//     nothing: without the secret the pickup is KindInvalid, with another
//     secret (a guess, another leaf's) KindUnauthorized, a second time
//     KindConflict. The
//     pickup is named by the pledge (gongxu.PledgeURN, DirectPledgeURN),
//     never by the person, and takes the shipped lots in shipping order.
//   - Receipts. A batch's leaves are hashed (LeafHash: domain-separated, and
//     bound to the pool and the hub) into a Merkle tree (MerkleRoot: an odd
//     node is promoted, never duplicated); the Batch record, keyed by the
//     transaction hash, keeps the root. Each leaf commits to a pickup secret
//     (gongxu.PickupCommit of 32 random bytes) that the hub drew for its
//     consumer; no two leaves of a batch share a commitment. The hub hands
//     each consumer a Receipt (batch tx hash, leaf index, leaf, proof) that
//     anyone can check against the ledger with VerifyReceipt and the Batch
//     record, and, in the consumer's copy only, the secret.
//   - Series. A pool opened with a repeat reopens on a schedule: at each
//     deadline, succeeded or failed, the next pool of the series opens with
//     the same terms a period later, until the reopenings run out, the
//     factory stops the series (pool/stop_repeat) or cancels its open pool,
//     or its terms no longer hold (series.go).
//
// Messages: pool/open, pool/cancel, pool/stop_repeat, pool/start_production,
// pool/ship (the factory); pool/batch, pool/hub_reduce, pool/confirm_delivery, pool/pickup,
// pool/history (a hub: its own past weekly sales of a product, each week
// once, history.go); pool/pledge and pool/reduce (any key: open routes). The rfq
// module opens awarded pools through OpenAwarded. New takes every
// dependency: members, catalog, settle, the goods side (Goods: production
// and trace) and Production, which opens a succeeded pool's production
// order; a pool whose product or total cannot become an order stays
// succeeded, its history saying why. The production module moves pools
// along through Stages, which needs no module.
//
// Events: pool.pool (pool, status, json: the whole Pool) on every change of
// a pool, pool.share (pool, hub, json: HubShare), pool.pledge (pool, id,
// json: Pledge), pool.batch (pool, hub, tx, json: Batch), pool.pickup
// (pool, hub, pledge, json: Pickup), pool.history (hub, product, json:
// SalesHistory). The read model
// projects them as snapshots. Money moves as settle.move events.
//
// State keys, under "pool/": seq, p/<id>, meta/<id> (pledge and batch
// counts, hubs still to confirm, payer accounts), closework (the payer
// accounts the closes of the latest block with closes settled: its height
// and count), due/<deadline>/<id>,
// share/<id>/<hub>, hb/<id>/<hub> (a hub's batched quantities; gone after
// a failed close),
// sdue/<start due>/<id> (succeeded pools by StartDue), charged/<id>/<account>
// (what each payer was charged at success: what a failover refunds),
// cdue/<confirm by>/<n>, cref/<n> and cof/<id>/<hub> (shipped shares by
// ConfirmBy, under a sequence number cseq), frozen/<id>/<hub> (in dispute),
// vq/<id>/<variant>, payer/<id>/<account> (escrow per payer, while open),
// pledge/<id>/<pledge id>, batch/<id>/<tx hash> (gone after a failed close),
// gc/<id> (failed pools whose batch records are being deleted, gc.go),
// pickup/<id>/<pledge URN>,
// hist/<hub>/<product>/<variant>/<ISO week> (a recorded week of sales),
// rdue/<deadline>/<id> (series pools whose successor is due), ser/<series>
// (a series' latest pool). Numbers in keys are zero-padded
// to 20 digits so keys sort numerically.
package pool
