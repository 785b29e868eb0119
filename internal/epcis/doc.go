// Package epcis owns the GS1 standards core of gongxu's traceability: EPCIS 2.0
// documents in JSON-LD and the CBV 2.0 vocabulary.
//
// It validates a captured document against GS1's official JSON Schemas
// (embedded from schema/, draft-07), decodes its events (ObjectEvent,
// AggregationEvent, TransformationEvent, TransactionEvent, AssociationEvent)
// into Go values while keeping each event's original JSON for export,
// normalizes CBV vocabulary (bare names, URNs and Web URIs) for querying,
// maps EPC URNs and GS1 Digital Link URIs to one canonical key (Canonical),
// computes the CBV 2.0 EPCIS Event Hash ID (EventHash) that names an event
// when its capturer gave no eventID, writes schema-valid EPCIS documents
// (ExportDocument), and checks what a schema cannot: unknown event types,
// times too far in the future (CheckTime) and cycles in aggregation
// (CheckAggregation).
//
// It is pure and deterministic: no clock (callers pass the time to check
// against, on the ledger the block time), no I/O besides the embedded
// schemas, no floats in anything it returns (the hash reads a JSON number
// through float64 only to write it as GS1's reference implementation does,
// which strconv does exactly on every platform). Every error is a
// *gongxu.Error: KindInvalid for bad input (schema failures name the failing
// JSON pointer), KindTooLarge for an oversized document, KindInternal for a
// broken invariant.
//
// testdata/gs1 holds GS1's conformance material (schemas, examples, REST
// binding) copied unchanged from github.com/gs1/EPCIS under GS1's notice in
// LICENSE-GS1.txt, so tests run on a clean clone; testdata/hashref holds
// test vectors of GS1's reference implementation of the event hash.
package epcis
