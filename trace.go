package gongxu

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
)

// Traceability speaks GS1 EPCIS 2.0 / CBV 2.0. Ledger things are named in
// EPCIS events by URNs of gongxu's own namespace, which pass GS1's schema
// as URIs (an epcClass, an EPC, a business transaction, a source or a
// destination) and which EPCIS's canonical identifier mapping leaves as
// they are:
//
//	urn:gongxu:lot:<lot id>          a ledger lot, as a class (quantityList, epcClass)
//	urn:gongxu:org:<org id>          a member org (owning_party source or destination)
//	urn:gongxu:po:<id>               a purchase order (business transaction "po")
//	urn:gongxu:po:<id>:shipment:<n>  a shipment of it (business transaction "desadv")
//	urn:gongxu:order:<id>            a production order ("prodorder")
//	urn:gongxu:wo:<id>               a work order (a TransformationEvent's transformationID)
//	urn:gongxu:tx:<hash>             a ledger transaction (a receipt's "recadv")
//	urn:gongxu:leg:<id>              a carrier's leg (business transaction "bol"; LegURN)

// The URN prefixes of ledger things in EPCIS events.
const (
	URNPrefix    = "urn:gongxu:"
	LotURNPrefix = URNPrefix + "lot:"
	OrgURNPrefix = URNPrefix + "org:"
)

// The network's own flows: as goods move on the ledger, the module that
// moved them has the trace module write a GS1 EPCIS event, whose Flow is the
// type of the message that moved them. The pages read a pool's goods by these.
const (
	FlowShip        = "production/ship"        // a supplier shipped a purchase order's lots
	FlowReceive     = "production/receive"     // the factory received them into its lots
	FlowComplete    = "production/wo_complete" // a work order consumed lots and made others
	FlowShipToHub   = "pool/ship"              // a factory packed and shipped a hub's share of a pool
	FlowHubDelivery = "pool/confirm_delivery"  // the hub confirmed its delivery
	FlowPickup      = "pool/pickup"            // a consumer picked up a pledge at the hub
)

// LotURN is the EPCIS class identifier of a ledger lot:
// "urn:gongxu:lot:factory-a/supplier-s/fab-001".
func LotURN(id LotID) string { return LotURNPrefix + string(id) }

// IsLotURN reports whether s is in the lot URN namespace. The scheme and
// namespace of a URN are case-insensitive, so "URN:GONGXU:LOT:…" is one too.
func IsLotURN(s string) bool {
	return len(s) >= len(LotURNPrefix) && strings.EqualFold(s[:len(LotURNPrefix)], LotURNPrefix)
}

// ParseLotURN returns the lot a lot URN names. Errors: KindInvalid when s is
// not a lot URN (IsLotURN) or the lot id in it is malformed.
func ParseLotURN(s string) (LotID, error) {
	if !IsLotURN(s) {
		return "", Errorf(KindInvalid, "%q is not a lot URN (%s<owner org>/<code>)", s, LotURNPrefix)
	}
	id := LotID(s[len(LotURNPrefix):])
	if err := id.Validate(); err != nil {
		return "", Errorf(KindInvalid, "lot URN %q: %s", s, ErrorMessage(err))
	}
	return id, nil
}

// OrgURN is the EPCIS identifier of a member org: "urn:gongxu:org:factory-a".
func OrgURN(id OrgID) string { return OrgURNPrefix + string(id) }

// TraceQuantity is a quantity element of an event: a class identifier (its
// canonical key), the quantity as decimal text exactly as written ("" when
// the event gives none) and its unit of measure (UN/ECE Rec 20, may be "").
// A ledger lot's quantity is written in units of its item, to three decimals.
type TraceQuantity struct {
	Class    string `json:"class"`
	Quantity string `json:"quantity,omitempty"`
	UOM      string `json:"uom,omitempty"`
}

// TraceRef is a typed reference of an event: a business transaction, a
// source or a destination. Type is its CBV 2.0 Web URI
// ("https://ref.gs1.org/cbv/BTT-po"), or a URI of one's own, or "".
type TraceRef struct {
	Type string `json:"type,omitempty"`
	ID   string `json:"id"`
}

// TraceErrorDeclaration is what an error declaration says of the event it
// repeats (EPCIS 2.0 §7.4.1.4): when it was declared, why (a CBV error
// reason as a Web URI, or ""), and the events that correct it.
type TraceErrorDeclaration struct {
	Time       int64    `json:"time"` // unix ms
	Reason     string   `json:"reason,omitempty"`
	Corrective []string `json:"corrective,omitempty"`
}

// TraceAnchor is where an event sits on the ledger: the transaction that
// carried it and its place in that transaction's batch, a Merkle tree over
// the events' leaf hashes (TraceLeafHash), so each event is provable from
// the batch root alone.
type TraceAnchor struct {
	Height int64  `json:"height"`
	Time   int64  `json:"time"` // block time, unix ms
	Tx     string `json:"tx"`   // hash of the transaction
	Index  int    `json:"index"`
	Count  int    `json:"count"` // events in the batch
	Leaf   string `json:"leaf"`  // hex TraceLeafHash of Raw
	Root   string `json:"root"`  // hex Merkle root of the batch
}

// TraceEvent is a GS1 EPCIS 2.0 event on the ledger, captured by a member
// org or emitted by the network's own flows (Flow names the message that
// did: "production/receive", …). Identifiers are canonical keys (a URN and
// a Digital Link URI of one thing are one key; a ledger lot is its LotURN),
// by role: EPCs and quantities (ObjectEvent, TransactionEvent), inputs and
// outputs (TransformationEvent), a parent and children (AggregationEvent,
// TransactionEvent, AssociationEvent). CBV values (BizStep, Disposition,
// reference types) are CBV 2.0 Web URIs. Raw is the event's JSON as
// captured, with its eventID, as encoding/json writes it: the bytes its
// leaf hash covers and an export writes back.
type TraceEvent struct {
	ID               string                 `json:"id"`   // the eventID, or Hash when the capturer gave none
	Hash             string                 `json:"hash"` // CBV 2.0 event hash, "ni:///sha-256;<hex>?ver=CBV2.0"
	Type             string                 `json:"type"` // ObjectEvent, AggregationEvent, TransformationEvent, TransactionEvent, AssociationEvent
	Org              OrgID                  `json:"org"`  // the capturing org
	Flow             string                 `json:"flow,omitempty"`
	Seq              uint64                 `json:"seq"`        // order of storage on the ledger, from 1
	EventTime        int64                  `json:"event_time"` // unix ms
	TimeZoneOffset   string                 `json:"time_zone_offset,omitempty"`
	Action           string                 `json:"action,omitempty"` // ADD, OBSERVE, DELETE
	BizStep          string                 `json:"biz_step,omitempty"`
	Disposition      string                 `json:"disposition,omitempty"`
	ReadPoint        string                 `json:"read_point,omitempty"`
	BizLocation      string                 `json:"biz_location,omitempty"`
	EPCs             []string               `json:"epcs,omitempty"`
	Quantities       []TraceQuantity        `json:"quantities,omitempty"`
	Inputs           []string               `json:"inputs,omitempty"`
	InputQuantities  []TraceQuantity        `json:"input_quantities,omitempty"`
	Outputs          []string               `json:"outputs,omitempty"`
	OutputQuantities []TraceQuantity        `json:"output_quantities,omitempty"`
	Parent           string                 `json:"parent,omitempty"`
	Children         []string               `json:"children,omitempty"`
	ChildQuantities  []TraceQuantity        `json:"child_quantities,omitempty"`
	BizTransactions  []TraceRef             `json:"biz_transactions,omitempty"`
	Sources          []TraceRef             `json:"sources,omitempty"`
	Destinations     []TraceRef             `json:"destinations,omitempty"`
	ErrorDeclaration *TraceErrorDeclaration `json:"error_declaration,omitempty"`
	Raw              json.RawMessage        `json:"raw"`
	Anchor           TraceAnchor            `json:"anchor"`
}

// TraceRole is the role an identifier plays in a TraceEvent. The read model
// stores its number, so a role's number never changes.
type TraceRole int

// The roles of an identifier in an event.
const (
	TraceRoleEPC         TraceRole = 1 // epcList
	TraceRoleClass       TraceRole = 2 // quantityList
	TraceRoleInput       TraceRole = 3 // inputEPCList
	TraceRoleInputClass  TraceRole = 4 // inputQuantityList
	TraceRoleOutput      TraceRole = 5 // outputEPCList
	TraceRoleOutputClass TraceRole = 6 // outputQuantityList
	TraceRoleParent      TraceRole = 7 // parentID
	TraceRoleChild       TraceRole = 8 // childEPCs
	TraceRoleChildClass  TraceRole = 9 // childQuantityList
)

// TraceWalkRoles lists, in order, the roles in which an identifier can lead
// a trace walk on, forward (to what was made from it, and where it went) or
// backward: all of them but those only a transformation has in the direction
// not walked (its outputs going forward, its inputs going backward).
func TraceWalkRoles(forward bool) []TraceRole {
	if forward {
		return []TraceRole{TraceRoleEPC, TraceRoleClass, TraceRoleInput, TraceRoleInputClass, TraceRoleParent, TraceRoleChild, TraceRoleChildClass}
	}
	return []TraceRole{TraceRoleEPC, TraceRoleClass, TraceRoleOutput, TraceRoleOutputClass, TraceRoleParent, TraceRoleChild, TraceRoleChildClass}
}

// IsErrorDeclaration reports whether the event declares an earlier event of
// the same ID erroneous. The ledger keeps an event and its declaration as
// two records.
func (e *TraceEvent) IsErrorDeclaration() bool { return e.ErrorDeclaration != nil }

// Identifiers returns every identifier the event names as what it is about
// (EPCs, quantity classes, inputs, outputs, parent, children), each once,
// sorted.
func (e *TraceEvent) Identifiers() []string {
	seen := map[string]bool{}
	var out []string
	add := func(ids ...string) {
		for _, id := range ids {
			if id != "" && !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	addQ := func(qs []TraceQuantity) {
		for _, q := range qs {
			add(q.Class)
		}
	}
	add(e.EPCs...)
	addQ(e.Quantities)
	add(e.Inputs...)
	addQ(e.InputQuantities)
	add(e.Outputs...)
	addQ(e.OutputQuantities)
	add(e.Parent)
	add(e.Children...)
	addQ(e.ChildQuantities)
	slices.Sort(out)
	return out
}

// TraceLeafDomain separates trace leaf hashes from every other hash of gongxu.
const TraceLeafDomain = "gongxu/trace/leaf/v1"

// TraceLeafHash is the leaf of an event in its batch's Merkle tree:
// sha256(0x00 || "gongxu/trace/leaf/v1" || raw), raw being the event's JSON
// as the ledger stores it (TraceEvent.Raw).
func TraceLeafHash(raw []byte) [32]byte {
	b := make([]byte, 0, 1+len(TraceLeafDomain)+len(raw))
	b = append(b, 0x00)
	b = append(b, TraceLeafDomain...)
	b = append(b, raw...)
	return sha256.Sum256(b)
}

// TraceBatch is the events one transaction anchored: a capture's document,
// or the event a production flow emitted. Leaves are the events' hex leaf
// hashes in batch order, Root their Merkle root (MerkleRoot).
type TraceBatch struct {
	Height int64    `json:"height"`
	Time   int64    `json:"time"`
	Tx     string   `json:"tx"`
	Org    OrgID    `json:"org"` // the capturer
	Count  int      `json:"count"`
	Root   string   `json:"root"`
	Leaves []string `json:"leaves"`
}

// Proof returns the hex Merkle proof of the batch's leaf index (see
// VerifyTraceEvent). Errors: KindNotFound for an index out of range,
// KindInvalid for a malformed leaf.
func (b *TraceBatch) Proof(index int) ([]string, error) {
	if index < 0 || index >= len(b.Leaves) {
		return nil, Errorf(KindNotFound, "batch of transaction %s has no leaf %d", b.Tx, index)
	}
	hs := make([][32]byte, len(b.Leaves))
	for i, s := range b.Leaves {
		h, err := decodeHash32(s)
		if err != nil {
			return nil, err
		}
		hs[i] = h
	}
	p := MerkleProof(hs, index)
	out := make([]string, len(p))
	for i := range p {
		out[i] = hex.EncodeToString(p[i][:])
	}
	return out, nil
}

// VerifyTraceEvent checks that the event's Raw JSON is the leaf its anchor
// names under its batch root, by proof (the batch's Proof of its index). It
// does not consult the ledger: compare the anchor's Root and Count with the
// batch record of its transaction as well. Errors: KindInvalid.
func VerifyTraceEvent(e *TraceEvent, proof []string) error {
	a := e.Anchor
	root, err := decodeHash32(a.Root)
	if err != nil {
		return err
	}
	leaf := TraceLeafHash(e.Raw)
	if a.Leaf != "" && a.Leaf != hex.EncodeToString(leaf[:]) {
		return Errorf(KindInvalid, "event %s: its JSON hashes to %x, its anchor names leaf %s", e.ID, leaf, a.Leaf)
	}
	ps := make([][32]byte, len(proof))
	for i, s := range proof {
		if ps[i], err = decodeHash32(s); err != nil {
			return err
		}
	}
	if !VerifyMerkleProof(root, leaf, a.Index, a.Count, ps) {
		return Errorf(KindInvalid, "event %s does not verify: leaf %d of %d is not under root %s", e.ID, a.Index, a.Count, a.Root)
	}
	return nil
}

func decodeHash32(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, Errorf(KindInvalid, "%q is not 64 hex characters", s)
	}
	copy(h[:], b)
	return h, nil
}

// Recall is a member's recall of a lot (a ledger lot or any EPCIS class or
// instance identifier) with a reason. Identifier is the canonical key of
// what was named (a ledger lot's LotURN); Lot is set when it is a ledger lot.
type Recall struct {
	ID         uint64 `json:"id"`
	Org        OrgID  `json:"org"`
	Target     string `json:"target"` // as the recall named it
	Identifier string `json:"identifier"`
	Lot        LotID  `json:"lot,omitempty"`
	Reason     string `json:"reason"`
	Height     int64  `json:"height"`
	Time       int64  `json:"time"` // block time, unix ms
	Tx         string `json:"tx"`
	// Held counts the ledger lots the recall put on hold (its lot and the
	// lots received or made from it); HoldTruncated says the walk stopped at
	// its bound with more left (production.MaxHoldLots).
	Held          int  `json:"held,omitempty"`
	HoldTruncated bool `json:"hold_truncated,omitempty"`
}
