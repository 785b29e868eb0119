// Package rfq is the module of requests for quote, demand running the other
// way round: a hub posts what it needs (title, spec, unit, qty, target date,
// max unit price, currency) and member factories bid on it with sealed bids,
// so no one can copy a competitor's price.
//
// Rules (times are block times, unix ms; intervals are half-open):
//
//   - rfq/post: an org with role hub; qty and max (unit) price positive, their
//     product fits int64; now < bid deadline < reveal deadline ≤ now + 365 d;
//     reveal deadline < target date ≤ now + 730 d. The RFQ is open.
//   - rfq/bid: an org with role factory that is not the requester, while
//     now < bid deadline and the RFQ is open. One sealed bid per factory,
//     which it may replace until the deadline. The bid holds only its
//     Commitment; a copied commitment is useless, since it binds the bidder.
//   - rfq/reveal: the bidder itself, while bid deadline ≤ now < reveal
//     deadline, once. Terms that do not hash to the commitment are
//     KindInvalid; before the bid deadline KindConflict; at or after the
//     reveal deadline KindExpired. A revealed unit price over the RFQ's max is
//     recorded (the reveal proves what was bid) but marked not eligible, with
//     a note saying why; it can never be awarded.
//   - rfq/award: the requester, at or after the reveal deadline, while the
//     RFQ is open: lines of {bidder, qty} over revealed, eligible bids, each
//     qty ≤ the bid's qty, no bidder twice, the total ≤ the RFQ's qty. Each
//     line becomes a pool through OpenPool at the bid's unit price, deadline
//     the target date, escrowed from the requester's account; if any pool
//     cannot be opened (say the hub's account is short) the whole award is
//     rejected and nothing changes. The RFQ becomes awarded.
//   - rfq/cancel: the requester, while the RFQ is open, with a reason. Every
//     bid bond still held goes back to its bidder.
//   - Bid bonds. rfq/post may ask a bond (Bond, in the RFQ's currency; 0,
//     the default, for none; at most MaxBondPct % of qty × max price). A new
//     bid moves it from the bidder's org account into bond:<rfq> (a bidder
//     short of it cannot bid: KindConflict); a replaced bid puts up no
//     second one. A reveal in time returns it (reason bond_return), eligible
//     or not. At the reveal deadline, at the start of the block that reaches
//     it and with no transaction, each bid still sealed forfeits its bond to
//     the requester (reason forfeit; the bid becomes "forfeited"). RFQs with
//     a bond are indexed by reveal deadline (rev/), so the sweep reads the
//     RFQs due and their bids (one per factory at most), never all RFQs;
//     a block settles at most MaxForfeitsPerBlock of them, the rest in the
//     next blocks.
//   - An RFQ still open ExpireAfterMs (30 d) after its target date expires at
//     the start of the block that reaches that time, at most
//     MaxExpiriesPerBlock a block in (expiry, id) order, the rest in the next
//     blocks; from its expiry an RFQ not swept yet takes no bid, reveal,
//     award or cancel (KindExpired), so the block that sweeps it decides
//     nothing.
//
// State and events use the root types gongxu.RFQ and gongxu.Bid (the read
// model projects them and may not import a module). Events: "rfq.rfq" (rfq,
// status, json of the RFQ) on every change of an RFQ, including its bid
// count; "rfq.bid" (rfq, bidder, status sealed|revealed, json of the Bid:
// only the commitment while sealed, and note saying why when a revealed bid
// is not eligible) on every change of a bid.
//
// State keys, under "rfq/": rfq/<id>, bid/<rfq id>/<bidder>,
// exp/<target date + 30 d>/<id> (open RFQs, for expiry), rev/<reveal
// deadline>/<id> (open RFQs holding bonds, for forfeits), seq.
package rfq
