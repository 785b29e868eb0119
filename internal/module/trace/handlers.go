package trace

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Routes implements module.Module. Every message needs a member org's key.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		{Type: TypeCapture, New: func() module.Msg { return &MsgCapture{} }, Handle: m.handleCapture},
		{Type: TypeRecall, New: func() module.Msg { return &MsgRecall{} }, Handle: m.handleRecall},
		{Type: TypeRecallAck, New: func() module.Msg { return &MsgRecallAck{} }, Handle: m.handleRecallAck},
	}
}

func unauthorized(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindUnauthorized, format, args...)
}

func conflict(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindConflict, format, args...)
}

type eventRef struct {
	id   string
	decl bool
}

func (m *Module) handleCapture(ctx *module.Context, msg module.Msg) error {
	c := msg.(*MsgCapture)
	evs, err := m.parser.Parse(c.Document, ctx.Time, MaxDocumentBytes)
	if err != nil {
		return err // the parser's kinds: bad input rejects the tx, KindInternal stops the node
	}
	if len(evs) == 0 {
		return invalid("the document holds no events")
	}
	if len(evs) > MaxEvents {
		return gongxu.Errorf(gongxu.KindTooLarge, "the document holds %d events, the limit is %d per transaction", len(evs), MaxEvents)
	}
	seen := make(map[eventRef]int, len(evs))
	owners := ownerMemo{}
	for i := range evs {
		e := &evs[i]
		if err := m.checkCaptured(ctx, i, e, owners); err != nil {
			return err
		}
		ref := eventRef{e.ID, e.IsErrorDeclaration()}
		if j, dup := seen[ref]; dup {
			return conflict("event %d: %s is also event %d of the document", i, describe(e), j)
		}
		seen[ref] = i
	}
	// A declaration repeats its original, also within one document.
	for i := range evs {
		e := &evs[i]
		if j, ok := seen[eventRef{e.ID, false}]; ok && e.IsErrorDeclaration() && evs[j].Hash != e.Hash {
			return invalid("event %d: an error declaration repeats the event it declares erroneous, but this one hashes to %s, event %d to %s", i, e.Hash, j, evs[j].Hash)
		}
	}
	return m.anchor(ctx, evs, "")
}

func describe(e *gongxu.TraceEvent) string {
	if e.IsErrorDeclaration() {
		return "the error declaration of event " + e.ID
	}
	return "event " + e.ID
}

// checkCaptured applies the ledger's rules to a parsed event: ids, lot
// URNs in the signer's namespace, duplicates and declarations. owners
// remembers the owners of company digits already looked up for the same
// document (see ownerMemo).
func (m *Module) checkCaptured(ctx *module.Context, i int, e *gongxu.TraceEvent, owners ownerMemo) error {
	if e.ID == "" {
		return fmt.Errorf("trace: the parser gave event %d no id", i)
	}
	if len(e.ID) > MaxEventID {
		return invalid("event %d: the eventID is %d bytes, the limit is %d", i, len(e.ID), MaxEventID)
	}
	if err := checkText("event id", e.ID); err != nil {
		return invalid("event %d: %s", i, gongxu.ErrorMessage(err))
	}
	if err := m.checkIdentifiers(ctx, i, e, owners); err != nil {
		return err
	}
	decl := e.IsErrorDeclaration()
	// A record is decoded only when one is found: the decode target
	// escapes, a TraceEvent allocated per event on every run otherwise.
	key := eventKey(e.ID, decl)
	if ok, err := module.Has(ctx.KV, key); err != nil {
		return err
	} else if ok {
		var prev gongxu.TraceEvent
		if _, err := module.Load(ctx.KV, key, &prev); err != nil {
			return err
		}
		return conflict("event %d: %s is already on the ledger (captured by %s at height %d)", i, describe(e), prev.Org, prev.Anchor.Height)
	}
	if decl {
		var prev gongxu.TraceEvent
		found, err := module.Load(ctx.KV, eventKey(e.ID, false), &prev)
		if err != nil {
			return err
		}
		if found && prev.Org != ctx.Org {
			return unauthorized("event %d: event %s was captured by %s; only it may declare it erroneous", i, e.ID, prev.Org)
		}
		if found && prev.Hash != e.Hash {
			return invalid("event %d: an error declaration repeats the event it declares erroneous, but this one hashes to %s, event %s to %s", i, e.Hash, e.ID, prev.Hash)
		}
	}
	return nil
}

// Event types and actions the ownership of GS1 identifiers looks at.
const (
	objectEvent         = "ObjectEvent"
	transformationEvent = "TransformationEvent"
	actionAdd           = "ADD"
	actionDelete        = "DELETE"
)

// ownerOf returns the org owning a GS1 identifier (a canonical key) by its
// company prefix, and the prefix; "" for an identifier under no declared
// prefix, or not a GS1 key. memo, if not nil, answers digits looked up
// before and keeps what it looks up.
func (m *Module) ownerOf(ctx *module.Context, id string, memo ownerMemo) (gongxu.OrgID, string, error) {
	digits, ok := m.parser.CompanyDigits(id)
	if !ok {
		return "", "", nil
	}
	if o, ok := memo[digits]; ok {
		return o.org, o.prefix, nil
	}
	org, prefix, err := m.members.PrefixOwner(ctx.KV, digits)
	if err == nil && memo != nil {
		memo[digits] = prefixOwner{org, prefix}
	}
	return org, prefix, err
}

// ownerMemo is the owners of the company digits (Parser.CompanyDigits) a
// document's checks have looked up: its events' GS1 keys mostly share a
// few (every serial of one product shares its GTIN's), and each look-up
// reads up to seven state keys (one per prefix length, most of them absent:
// a read of the store below its cache each). It lives for one document's
// checks, which write nothing that PrefixOwner reads, so it answers as the
// state would.
type ownerMemo map[string]prefixOwner

type prefixOwner struct {
	org    gongxu.OrgID
	prefix string
}

// checkOwned requires the signer's org to own every GS1 identifier of ids
// that is under a declared company prefix; what is under none, anyone may
// name. verb says what the event does with them, for the error.
func (m *Module) checkOwned(ctx *module.Context, owners ownerMemo, i int, verb string, ids ...string) error {
	for _, id := range ids {
		owner, prefix, err := m.ownerOf(ctx, id, owners)
		if err != nil {
			return err
		}
		if owner != "" && owner != ctx.Org {
			return unauthorized("event %d %s %s, under GS1 company prefix %s of org %s: only the owner of a prefix commissions, decommissions or recalls its identifiers", i, verb, id, prefix, owner)
		}
	}
	return nil
}

// checkOwnership applies the ownership of GS1 identifiers to an event: an
// ObjectEvent ADD commissions its EPCs and classes, a DELETE decommissions
// them, a TransformationEvent commissions its outputs; only the org holding
// their company prefix may. Every other use (OBSERVE, aggregation,
// transactions, a transformation's inputs) only reads goods and stays open
// to every member.
func (m *Module) checkOwnership(ctx *module.Context, i int, e *gongxu.TraceEvent, owners ownerMemo) error {
	classes := func(qs []gongxu.TraceQuantity) []string {
		out := make([]string, len(qs))
		for k := range qs {
			out[k] = qs[k].Class
		}
		return out
	}
	switch {
	case e.Type == objectEvent && e.Action == actionAdd:
		if err := m.checkOwned(ctx, owners, i, "commissions", e.EPCs...); err != nil {
			return err
		}
		return m.checkOwned(ctx, owners, i, "commissions", classes(e.Quantities)...)
	case e.Type == objectEvent && e.Action == actionDelete:
		if err := m.checkOwned(ctx, owners, i, "decommissions", e.EPCs...); err != nil {
			return err
		}
		return m.checkOwned(ctx, owners, i, "decommissions", classes(e.Quantities)...)
	case e.Type == transformationEvent:
		if err := m.checkOwned(ctx, owners, i, "commissions the output", e.Outputs...); err != nil {
			return err
		}
		return m.checkOwned(ctx, owners, i, "commissions the output", classes(e.OutputQuantities)...)
	}
	return nil
}

// checkIdentifiers writes every lot URN of the event in its one form and
// requires the signer's org to own each lot's namespace, and the GS1
// identifiers the event commissions or decommissions.
func (m *Module) checkIdentifiers(ctx *module.Context, i int, e *gongxu.TraceEvent, owners ownerMemo) error {
	fix := func(id *string) error {
		if err := checkText("identifier", *id); err != nil {
			return invalid("event %d: %s", i, gongxu.ErrorMessage(err))
		}
		if !gongxu.IsLotURN(*id) {
			return nil
		}
		lot, err := gongxu.ParseLotURN(*id)
		if err != nil {
			return invalid("event %d: %s", i, gongxu.ErrorMessage(err))
		}
		if lot.Owner() != ctx.Org {
			return unauthorized("event %d names lot %s, which is %s's: org %s never held it, and an org captures events of its own lots only", i, lot, lot.Owner(), ctx.Org)
		}
		*id = gongxu.LotURN(lot)
		return nil
	}
	for _, list := range [][]string{e.EPCs, e.Inputs, e.Outputs, e.Children} {
		for k := range list {
			if err := fix(&list[k]); err != nil {
				return err
			}
		}
	}
	for _, qs := range [][]gongxu.TraceQuantity{e.Quantities, e.InputQuantities, e.OutputQuantities, e.ChildQuantities} {
		for k := range qs {
			if err := fix(&qs[k].Class); err != nil {
				return err
			}
		}
	}
	if e.Parent != "" {
		if err := fix(&e.Parent); err != nil {
			return err
		}
	}
	return m.checkOwnership(ctx, i, e, owners)
}

// anchor stores events as the batch of the current transaction: their leaf
// hashes under one Merkle root, each event with its anchor, the indexes,
// and the batch record. One batch per transaction.
func (m *Module) anchor(ctx *module.Context, evs []gongxu.TraceEvent, flow string) error {
	if ctx.TxHash == "" {
		return fmt.Errorf("trace: events can only be anchored in a transaction")
	}
	bk := batchKey(ctx.Height, ctx.TxHash)
	if ok, err := module.Has(ctx.KV, bk); err != nil {
		return err
	} else if ok {
		return fmt.Errorf("trace: transaction %s already anchored a batch", ctx.TxHash)
	}
	leaves := make([][32]byte, len(evs))
	hexLeaves := make([]string, len(evs))
	for i := range evs {
		raw, err := compactJSON(evs[i].Raw)
		if err != nil {
			return err
		}
		evs[i].Raw = raw
		leaves[i] = gongxu.TraceLeafHash(raw)
		hexLeaves[i] = hex.EncodeToString(leaves[i][:])
	}
	r := gongxu.MerkleRoot(leaves)
	root := hex.EncodeToString(r[:])
	batch := gongxu.TraceBatch{Height: ctx.Height, Time: ctx.Time, Tx: ctx.TxHash, Org: ctx.Org, Count: len(evs), Root: root, Leaves: hexLeaves}
	b, err := module.Save(ctx.KV, bk, batch)
	if err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventTraceBatch, "tx", ctx.TxHash, "org", string(ctx.Org), "count", fmt.Sprint(len(evs)), "json", string(b)))
	var seq uint64
	if _, err := module.Load(ctx.KV, seqKey("event"), &seq); err != nil {
		return err
	}
	for i := range evs {
		e := &evs[i]
		seq++
		e.Org, e.Flow, e.Seq = ctx.Org, flow, seq
		e.Anchor = gongxu.TraceAnchor{Height: ctx.Height, Time: ctx.Time, Tx: ctx.TxHash, Index: i, Count: len(evs), Leaf: hexLeaves[i], Root: root}
		if err := saveEvent(ctx, e); err != nil {
			return err
		}
	}
	_, err = module.Save(ctx.KV, seqKey("event"), seq)
	return err
}

func (m *Module) handleRecall(ctx *module.Context, msg module.Msg) error {
	rc := msg.(*MsgRecall)
	target := strings.TrimSpace(rc.Lot)
	var lot gongxu.LotID
	var ident string
	switch {
	case gongxu.IsLotURN(target):
		l, err := gongxu.ParseLotURN(target)
		if err != nil {
			return err
		}
		lot = l
	case !strings.Contains(target, ":"): // a ledger lot id; identifiers are URIs
		if err := gongxu.LotID(target).Validate(); err != nil {
			return invalid("lot %q is neither a ledger lot id (<owner org>/<code>) nor an identifier URI: %s", target, gongxu.ErrorMessage(err))
		}
		lot = gongxu.LotID(target)
	default:
		c, err := m.parser.Canonical(target)
		if err != nil {
			return err // the parser's kinds: bad input rejects the tx, KindInternal stops the node
		}
		if gongxu.IsLotURN(c) {
			if lot, err = gongxu.ParseLotURN(c); err != nil {
				return err
			}
		}
		ident = c
	}
	if lot != "" {
		ident = gongxu.LotURN(lot)
	}
	onLedger := false
	held := false
	if lot != "" {
		// Who held or made a ledger lot: its owner namespace, and the owners
		// of the lots it was received from.
		cur := lot
		for hop := 0; hop < 16 && cur != ""; hop++ {
			if cur.Owner() == ctx.Org {
				held = true
			}
			l, err := m.lots.Lot(ctx.KV, cur)
			if gongxu.ErrorKind(err) == gongxu.KindNotFound {
				break
			}
			if err != nil {
				return err
			}
			if hop == 0 {
				onLedger = true
			}
			cur = l.From
		}
	}
	if !onLedger {
		ok, err := named(ctx.KV, ident, "")
		if err != nil {
			return err
		}
		if !ok {
			return notFound("%s is neither a ledger lot nor named by any trace event", target)
		}
	}
	// A GS1 identifier under a declared company prefix is recalled by the
	// prefix's owner only, whoever held it.
	owner, prefix, err := m.ownerOf(ctx, ident, nil)
	if err != nil {
		return err
	}
	switch {
	case owner == ctx.Org:
		held = true
	case owner != "":
		return unauthorized("%s is under GS1 company prefix %s of org %s: only the owner of a prefix recalls its identifiers", target, prefix, owner)
	}
	if !held {
		ok, err := named(ctx.KV, ident, ctx.Org)
		if err != nil {
			return err
		}
		held = ok
	}
	if !held {
		return unauthorized("org %s never held or made %s: a lot is recalled by its owner, a supplier it was received from, or an org whose own events name it", ctx.Org, target)
	}
	id, err := nextSeq(ctx.KV, "recall")
	if err != nil {
		return err
	}
	r := gongxu.Recall{ID: id, Org: ctx.Org, Target: target, Identifier: ident, Lot: lot, Reason: rc.Reason,
		Height: ctx.Height, Time: ctx.Time, Tx: ctx.TxHash}
	if lot != "" {
		if r.Held, r.HoldTruncated, err = m.lots.Hold(ctx, lot, id); err != nil {
			return err
		}
	}
	b, err := module.Save(ctx.KV, recallKey(id), r)
	if err != nil {
		return err
	}
	if err := ctx.KV.Set(append(recalledPrefix(ident), pad(id)...), []byte{}); err != nil {
		return err
	}
	ctx.Emit(gongxu.NewEvent(gongxu.EventTraceRecall, "id", uitoa(id), "org", string(ctx.Org), "identifier", ident, "json", string(b)))
	return nil
}
