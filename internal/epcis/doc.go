// Package epcis owns the GS1 standards core of gongxu's traceability: EPCIS 2.0
// documents in JSON-LD and the CBV 2.0 vocabulary.
//
// It reads a captured document with one meaning: its own order-keeping
// parser (ojson.go) refuses an object with two keys equal after unescaping
// or Unicode case folding, and a member written like an EPCIS field in other
// case ("EventTime"), so that every reader, case-sensitive or not, first- or
// last-wins, sees the same members; the ledger's gongxu.CheckJSON judges the
// document the same way. It bounds what a document may hold (MaxDepth,
// MaxMembers, MaxObjectKeys, MaxIdentifiers, DefaultMaxEvents, …) and every
// step that reads, checks, decodes or hashes a document is linear in it.
//
// It validates a captured document against GS1's official JSON Schemas
// (embedded from schema/, draft-07; the validator reads the parsed tree, so
// it judges the very members the decoder reads: a fast path over that tree,
// built from the library's compiled schema, accepts what is valid, and the
// library validator judges and words every refusal, schemafast.go), decodes its events
// (ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent,
// AssociationEvent) into Go values while keeping each event's original JSON
// for export, normalizes CBV vocabulary (bare names, URNs and Web URIs) for
// querying, maps EPC URNs and GS1 Digital Link URIs to one canonical key
// (Canonical), computes the CBV 2.0 EPCIS Event Hash ID (EventHash) that
// names an event when its capturer gave no eventID, writes schema-valid
// EPCIS documents (ExportDocument), and checks what a schema cannot: unknown
// event types, times too far in the future (CheckTime) and cycles in
// aggregation (CheckAggregation).
//
// It is pure and deterministic: no clock (callers pass the time to check
// against, on the ledger the block time), no I/O besides the embedded
// schemas, no floats in anything it returns (the hash reads a JSON number
// through float64 only to write it as GS1's reference implementation does,
// which strconv does exactly on every platform). Every error is a
// *gongxu.Error: KindInvalid for bad input (naming the failing JSON pointer
// and, for keys, the key), KindTooLarge for a document beyond a limit (and
// where), KindInternal only for a broken invariant of its own (an export
// that no longer validates), never for anything a capturer can write.
//
// testdata/gs1 holds GS1's conformance material (schemas, examples, REST
// binding) copied unchanged from github.com/gs1/EPCIS under GS1's notice in
// LICENSE-GS1.txt, so tests run on a clean clone; testdata/hashref holds
// test vectors of GS1's reference implementation of the event hash.
package epcis
