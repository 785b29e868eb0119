package trace

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Parser is what the trace module needs from the EPCIS standards core
// (internal/epcis, wired in internal/modules). It must be deterministic: the
// same input gives the same output on every node.
type Parser interface {
	// Parse checks an EPCIS 2.0 JSON-LD document (an EPCISDocument, an
	// EPCISQueryDocument or a single event) against GS1's schemas, with
	// event times checked against now (the block time, unix ms), and
	// returns its events in document order: ID (the eventID, or the CBV
	// 2.0 hash when there is none), Hash, the standard fields with CBV
	// values as Web URIs and identifiers as canonical keys, and Raw (the
	// event as captured, with its eventID); Org, Flow, Seq and Anchor are
	// left to the module. Errors: KindTooLarge over maxBytes; KindInvalid
	// for bad input (a schema failure names the failing JSON pointer; an
	// unknown event type, a future event time, an id twice in the
	// document, an aggregation cycle, a malformed identifier);
	// KindInternal for a broken invariant.
	Parse(doc []byte, now int64, maxBytes int) ([]gongxu.TraceEvent, error)
	// Hash returns the CBV 2.0 event hash of one event, a JSON object
	// without namespace prefixes of its own. Errors: KindInvalid.
	Hash(event []byte) (string, error)
	// Canonical returns the canonical key of an identifier (an EPC URN and
	// a GS1 Digital Link URI of one thing have one key; anything else is
	// its own key). Errors: KindInvalid for a malformed GS1 identifier.
	Canonical(id string) (string, error)
	// CompanyDigits returns the digits of a GS1 identifier from its GS1
	// company prefix on (the same for every spelling of one thing); ok is
	// false for anything that is not a GS1 key (a ledger lot URN, a UUID, a
	// custom URI).
	CompanyDigits(id string) (digits string, ok bool)
}

// Members is what the trace module reads of the member module: who owns a
// GS1 identifier, and who is a hub. PrefixOwner returns the org holding the longest declared
// GS1 company prefix that begins digits, and that prefix; "" when no
// declared prefix begins them. Errors: only the store's.
type Members interface {
	PrefixOwner(r store.Reader, digits string) (gongxu.OrgID, string, error)
	// HasRole reports whether a member org holds a role (a recall is
	// acknowledged by hubs). Errors: only the store's.
	HasRole(r store.Reader, id gongxu.OrgID, role gongxu.Role) (bool, error)
}

// Lots is what the trace module reads of the production module's lots, to
// know who held or made a lot (Errors: KindNotFound for an unknown lot),
// and how a recall holds them: Hold puts a ledger lot and the lots received
// or made from it on hold for the recall, so that none of them moves again,
// visiting a bounded number of them (held counts the lots it held,
// truncated that the bound stopped it). Errors: only the store's.
type Lots interface {
	Lot(r store.Reader, id gongxu.LotID) (gongxu.Lot, error)
	Hold(ctx *module.Context, id gongxu.LotID, recall uint64) (held int, truncated bool, err error)
}
