// Package trace is the on-ledger part of traceability: GS1 EPCIS 2.0 events
// (JSON-LD: ObjectEvent, AggregationEvent, TransformationEvent,
// TransactionEvent, AssociationEvent) captured by member orgs or emitted by
// the network's own flows, each anchored in the transaction that carried it,
// and recalls of lots. The read model, the EPCIS query and REST binding, the
// pages and the trace walks are elsewhere; this module keeps the record and
// the indexes they start from.
//
// The rules:
//
//   - Capture (trace/capture). A member org's key sends an EPCIS document,
//     an EPCISQueryDocument or a single event as a JSON object of at most
//     MaxDocumentBytes (KindTooLarge). It is parsed through the Parser
//     (GS1's official schemas, CBV 2.0 normalization, canonical identifiers),
//     with the block time as "now": a schema failure names the failing JSON
//     pointer, an unknown event type, an event more than five minutes after
//     the block time, a cycle in aggregation or a malformed identifier is
//     KindInvalid. A document holds 1 to MaxEvents events (KindTooLarge).
//   - Event ids. An event keeps the eventID its capturer gave; without one,
//     its id is its CBV 2.0 event hash. An id is stored once: an id already
//     on the ledger, whoever captured it, is KindConflict. An id twice in
//     one document is refused too: the Parser finds it first and says
//     KindInvalid with the JSON pointers of both (the document contradicts
//     itself, the ledger plays no part); the module's own check, for any
//     parser, says KindConflict. An error declaration (an event repeated
//     with an "errorDeclaration") is the one exception: the ledger keeps it
//     next to the original, keyed by (id, declaration), once; a second
//     declaration of the same id is a duplicate. When the original is on
//     the ledger, only the org that captured it may declare it erroneous
//     (KindUnauthorized), and the declaration must repeat it: the same CBV
//     2.0 hash (KindInvalid). A declaration of an event captured elsewhere
//     is accepted as it comes.
//   - Lots. A ledger lot is named in EPCIS as the class identifier
//     gongxu.LotURN ("urn:gongxu:lot:<lot id>", case-insensitive prefix,
//     stored in its lower-case form). An event that names a ledger lot in any
//     role (EPCs, quantities, inputs, outputs, parent, children) must be
//     captured by the lot's owner namespace (LotID.Owner() is the signer's
//     org): an org never holds another org's lot id, so naming one is
//     KindUnauthorized. A malformed lot id in a lot URN is KindInvalid.
//   - GS1 identifiers. The org holding a GS1 company prefix (the member
//     module's: declared at admission or in genesis, changed by governance)
//     owns every GS1 key under it (SGTIN, LGTIN and other class-level
//     identifiers, SSCC, GRAI, GIAI, SGLN, … whatever internal/epcis reads,
//     in any spelling): the owner is the org holding the longest declared
//     prefix that begins the key's digits from its company prefix on
//     (Parser.CompanyDigits, Members.PrefixOwner), so an EPC URI's
//     partition cannot move a key from under its prefix. Only the owner
//     commissions (an ObjectEvent ADD of EPCs or classes, a
//     TransformationEvent's outputs), decommissions (an ObjectEvent DELETE)
//     or recalls them; another org is KindUnauthorized, naming the owner
//     and the prefix. Every other use (OBSERVE, aggregation, transactions,
//     associations, a transformation's inputs) only reads goods and stays
//     open to every member. A GS1 key under no declared prefix stays
//     anyone's to name, as before ownership: a network whose members have
//     declared no prefixes works as it did, and goods from outside the
//     network (whose brand owners are no members) can still be traced.
//   - Batches. A transaction's events form one batch: their leaf hashes
//     (gongxu.TraceLeafHash of each event's stored JSON), in document order,
//     under a Merkle root (gongxu.MerkleRoot, the tree of pool batches). The
//     batch record (capturer, height, time, count, root, leaves) is kept by
//     (height, transaction); each event's anchor holds the height, the
//     transaction, its index, the count and the root, so each event is
//     provable from the batch record alone. All or nothing: one bad event
//     rejects the transaction and stores nothing.
//   - Flows. The production module reports its movements through
//     Shipped, Received and Completed and the module writes their events
//     itself, deterministically (event time = block time, offset "+00:00",
//     ids by the Parser's hash), anchored as a batch of one in the
//     transaction that caused them, with the signer's org as capturer:
//     a shipment is an ObjectEvent OBSERVE, bizStep shipping, disposition
//     in_transit, the shipped lots in its quantityList, the purchase order
//     ("po") and the shipment ("desadv", urn:gongxu:po:<id>:shipment:<n>)
//     as business transactions, supplier and factory as owning_party source
//     and destination; a receipt is the same with bizStep receiving,
//     disposition in_progress, the factory's received lots, and the receiving
//     transaction as "recadv" (urn:gongxu:tx:<hash>); a completed work order
//     is a TransformationEvent, bizStep commissioning, disposition active,
//     the consumed lots as inputQuantityList, the created lots as
//     outputQuantityList, transformationID urn:gongxu:wo:<id> and the
//     production order ("prodorder", urn:gongxu:order:<id>). Quantities
//     are in units of the lot's item, written from the ledger's milli-units
//     with up to three decimals and no unit of measure. Their ids cover the
//     block time and the transaction or shipment, so nobody can take an id
//     before the flow's event is stored.
//     The pool module reports a pool's goods (through internal/modules):
//     ShippedToHub anchors two events in one batch, an AggregationEvent ADD,
//     bizStep packing, of the lots into the unit urn:gongxu:pool:<id>:hub:<hub>
//     (parentID, childQuantityList) and an ObjectEvent OBSERVE, bizStep
//     shipping, of the unit (epcList) and the lots (quantityList), the pool
//     ("po", urn:gongxu:pool:<id>) and the unit ("desadv"), factory to hub;
//     ReceivedAtHub the hub's receipt, bizStep receiving, with the
//     confirming transaction as "recadv"; PickedUp a consumer's pickup, an
//     ObjectEvent OBSERVE, bizStep retail_selling, disposition retail_sold,
//     of the lots, with the pledge's URN as "po" and the hub as owning_party
//     source — never the person.
//     The logistics module reports a carrier's leg (CarrierPickedUp,
//     CarrierDelivered, carrier.go): an ObjectEvent OBSERVE of the leg's lots
//     (and of a pool share's unit), bizStep departing at the shipper's place
//     and arriving at the consignee's, disposition in_transit, the place's
//     org URN as readPoint (and bizLocation on arrival), the order ("po"),
//     the shipment ("desadv") and the leg ("bol", urn:gongxu:leg:<id>), and
//     possessing_party source and destination (shipper → carrier →
//     consignee); the carrier's org is the capturer.
//   - Recall (trace/recall). A member org recalls a lot named by its ledger
//     lot id ("factory-a/fab-001"), its lot URN, or any EPC, class or Digital
//     Link identifier, with a reason (required). The lot must be known: a
//     ledger lot, or an identifier some stored event names (KindNotFound
//     otherwise). A GS1 key under a declared company prefix is recalled by
//     the prefix's owner only (any other org is KindUnauthorized, whatever
//     it held). Otherwise, who may recall: an org that holds or made it, that is the
//     ledger lot's owner namespace, the owner of a lot it was received from
//     (its chain of Lot.From on the ledger: a supplier recalls what a factory
//     received from it), or an org whose own stored events name the
//     identifier. Any other org is KindUnauthorized; a key of no member org
//     (a consumer's) is refused by the chain before the module. A recall is
//     stored with its height, block time and transaction, and indexed by
//     identifier. A recall of a ledger lot id or lot URN puts it on hold,
//     with the lots received or made from it (the production module's
//     Lots.Hold: none of them is shipped, reserved or consumed again); the
//     recall records how many lots it held (Recall.Held) and whether the
//     bounded walk stopped short (Recall.HoldTruncated). A recall of a GS1
//     or other identifier holds no ledger lot.
//   - Membership is the chain's check: every message needs a member org's
//     key.
//
// State (keys under "trace/"): event/<id> and decl/<id> (the event and its
// error declaration), ident/<identifier>\x00<org>\x00<seq> (the events
// naming an identifier, by capturing org, each pointing at its record: the
// trace's walking index, read in storage order, and whether an org's own
// events name an identifier), batch/<height>/<tx>, recall/<id>,
// recalled/<identifier>\x00<id>, seq/event, seq/recall. An event costs
// 1 + (its identifiers) keys; its document, one batch record.
//
// Events: trace.batch (tx, org, count, json), trace.event (id, type, org,
// json: the full TraceEvent record) for each stored event, in batch order,
// and trace.recall (id, org, identifier, json), which the read model
// projects.
package trace
