package sqlite

import (
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
)

// The roles of an identifier in an event (trace_idents.role): the root's
// gongxu.TraceRole numbers, short.
const (
	roleEPC         = int(gongxu.TraceRoleEPC)
	roleClass       = int(gongxu.TraceRoleClass)
	roleInput       = int(gongxu.TraceRoleInput)
	roleInputClass  = int(gongxu.TraceRoleInputClass)
	roleOutput      = int(gongxu.TraceRoleOutput)
	roleOutputClass = int(gongxu.TraceRoleOutputClass)
	roleParent      = int(gongxu.TraceRoleParent)
	roleChild       = int(gongxu.TraceRoleChild)
	roleChildClass  = int(gongxu.TraceRoleChildClass)
)

// traceStmts are the statements of the trace projection. The per-event
// path (projector.legacy) writes an event's rows as it comes; the buffered
// one (project_trace_write.go) holds a tx's events until its end, checks
// their ids in one query, and writes their rows many per statement. A
// record is never rewritten but for the erroneous flag.
type traceStmts struct {
	insTraceBatch, insTraceEvent, insTraceRecord, insTraceIdent *sql.Stmt
	insTraceRecall                                              *sql.Stmt
	maxTraceSeq, maxTraceRecall, hasTraceDecl, markErroneous    *sql.Stmt
	traceBufs                                                   // project_trace_write.go

	tb        *traceBatchState // the batch of the tx being projected; nil when none
	traceSeq  int64            // the last event sequence projected; -1 before it is read
	recallSeq int64            // the last recall id projected; -1 before it is read
}

// traceBatchState is a batch whose events are being projected.
type traceBatchState struct {
	id          int64 // trace_batches.id
	tx          string
	org         gongxu.OrgID
	count, seen int
	root        string
	leaves      []string
}

func (s *traceStmts) defs() []stmtDef {
	s.traceSeq, s.recallSeq = -1, -1
	return append([]stmtDef{
		{&s.insTraceBatch, `INSERT INTO trace_batches (tx, height, time, org, count, root, json) VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tx) DO NOTHING`},
		{&s.insTraceEvent, `INSERT INTO trace_events (seq, id, decl, erroneous, type, org, flow, action, event_time, record_time,
			biz_step, disposition, read_point, biz_location, batch, idx, leaf)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&s.insTraceRecord, `INSERT INTO trace_records (seq, raw, json) VALUES (?, ?, ?)`},
		{&s.insTraceIdent, `INSERT INTO trace_idents (ident, role, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`},
		{&s.insTraceRecall, `INSERT INTO trace_recalls (id, org, identifier, height, json) VALUES (?, ?, ?, ?, ?)`},
		{&s.maxTraceSeq, `SELECT coalesce(max(seq), 0) FROM trace_events`},
		{&s.maxTraceRecall, `SELECT coalesce(max(id), 0) FROM trace_recalls`},
		{&s.hasTraceDecl, `SELECT count(*) FROM trace_events WHERE id = ? AND decl = 1`},
		{&s.markErroneous, `UPDATE trace_events SET erroneous = 1 WHERE id = ? AND decl = 0`},
	}, s.traceBufs.defs()...)
}

func invalidf(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindInvalid, format, args...)
}

// traceBatch projects a batch record. It must be emitted by the tx it
// names, at this height and block time, with a root that is the Merkle root
// of its leaves; the tx's events follow it.
func (p *projector) traceBatch(ev *gongxu.Event) error {
	var b gongxu.TraceBatch
	js, err := decodeKeep(ev, &b)
	if err != nil {
		return err
	}
	if err := match(ev, "tx", b.Tx); err != nil {
		return err
	}
	if err := match(ev, "org", string(b.Org)); err != nil {
		return err
	}
	if err := match(ev, "count", strconv.Itoa(b.Count)); err != nil {
		return err
	}
	if p.txHash == "" || !strings.EqualFold(b.Tx, p.txHash) {
		return invalidf("trace batch names tx %q but was emitted by tx %q", b.Tx, p.txHash)
	}
	if b.Height != p.height || b.Time != p.time {
		return invalidf("trace batch says height %d time %d, emitted at height %d time %d", b.Height, b.Time, p.height, p.time)
	}
	if err := b.Org.Validate(); err != nil {
		return prefix(err, "trace batch org")
	}
	if b.Count < 1 || b.Count != len(b.Leaves) {
		return invalidf("trace batch of tx %s counts %d events and holds %d leaves", b.Tx, b.Count, len(b.Leaves))
	}
	leaves := make([][32]byte, len(b.Leaves))
	for i, l := range b.Leaves {
		h, err := hex.DecodeString(l)
		if err != nil || len(h) != 32 || hex.EncodeToString(h) != l {
			return invalidf("trace batch of tx %s: leaf %d %q is not 64 lower-case hex characters", b.Tx, i, l)
		}
		copy(leaves[i][:], h)
	}
	if r := gongxu.MerkleRoot(leaves); hex.EncodeToString(r[:]) != b.Root {
		return invalidf("trace batch of tx %s: root %s is not the Merkle root of its leaves (%x)", b.Tx, b.Root, r)
	}
	if err := p.traceTxDone(); err != nil {
		return err
	}
	res, err := p.insTraceBatch.ExecContext(p.ctx, b.Tx, p.height, p.time, string(b.Org), b.Count, b.Root, js)
	if err != nil {
		return gongxu.Wrap(err, "insert trace batch of tx %s", b.Tx)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return invalidf("a trace batch of tx %s is already recorded", b.Tx)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return gongxu.Wrap(err, "read the id of the trace batch of tx %s", b.Tx)
	}
	p.tb = &traceBatchState{id: id, tx: b.Tx, org: b.Org, count: b.Count, root: b.Root, leaves: b.Leaves}
	return nil
}

// traceTxDone checks that the batch of the tx just projected got every
// event it counts, and forgets it.
func (p *projector) traceTxDone() error {
	if err := p.traceResolve(); err != nil {
		return err
	}
	tb := p.tb
	p.tb = nil
	if tb != nil && tb.seen != tb.count {
		return invalidf("trace batch of tx %s counts %d events, %d were emitted", tb.tx, tb.count, tb.seen)
	}
	return nil
}

// traceRecordJSON is the record trace_records.json holds: the stored event
// without its JSON and anchor, which the read model keeps apart (raw, and
// the batch's columns).
type traceRecordJSON struct {
	*gongxu.TraceEvent
	Raw    json.RawMessage     `json:"raw,omitempty"`
	Anchor *gongxu.TraceAnchor `json:"anchor,omitempty"`
}

// traceRecord is the record of a decoded event, encoded from it (the
// event's fields in their declaration order) rather than through a generic
// copy of the event's JSON.
func traceRecord(e *gongxu.TraceEvent) ([]byte, error) {
	b, err := json.Marshal(traceRecordJSON{TraceEvent: e})
	if err != nil {
		return nil, gongxu.Wrap(err, "encode trace record")
	}
	return b, nil
}

// traceEvent projects an event of the current batch: its anchor must be
// that batch's, its JSON the leaf at its index, its sequence the next one.
func (p *projector) traceEvent(ev *gongxu.Event) error {
	var e gongxu.TraceEvent
	var rec []byte // the record, when the fast decode has it (trace_decode.go)
	if p.legacy {
		if err := decode(ev, &e); err != nil {
			return err
		}
	} else {
		var err error
		if rec, err = decodeTraceEventRecord(ev, &e); err != nil {
			return err
		}
	}
	if e.ID == "" || e.Type == "" {
		return invalidf("trace event without id or type")
	}
	if err := match(ev, "id", e.ID); err != nil {
		return err
	}
	if err := match(ev, "type", e.Type); err != nil {
		return err
	}
	if err := match(ev, "org", string(e.Org)); err != nil {
		return err
	}
	tb := p.tb
	if tb == nil || p.txHash == "" || !strings.EqualFold(tb.tx, p.txHash) {
		return invalidf("trace event %s comes without its batch in tx %q", e.ID, p.txHash)
	}
	a := e.Anchor
	if !strings.EqualFold(a.Tx, tb.tx) || a.Height != p.height || a.Time != p.time || a.Count != tb.count || a.Root != tb.root {
		return invalidf("trace event %s is anchored in tx %s at height %d (%d events under %s), its batch is tx %s at height %d (%d under %s)",
			e.ID, a.Tx, a.Height, a.Count, a.Root, tb.tx, p.height, tb.count, tb.root)
	}
	if a.Index != tb.seen || a.Index >= tb.count {
		return invalidf("trace event %s is event %d of its batch, the next one is %d", e.ID, a.Index, tb.seen)
	}
	leaf := gongxu.TraceLeafHash(e.Raw)
	if a.Leaf != tb.leaves[a.Index] || a.Leaf != hex.EncodeToString(leaf[:]) {
		return invalidf("trace event %s: its JSON hashes to %x, its anchor names leaf %s, its batch %s", e.ID, leaf, a.Leaf, tb.leaves[a.Index])
	}
	if e.Org != tb.org {
		return invalidf("trace event %s is captured by %s, its batch by %s", e.ID, e.Org, tb.org)
	}
	if p.traceSeq < 0 {
		if err := p.maxTraceSeq.QueryRowContext(p.ctx).Scan(&p.traceSeq); err != nil {
			return gongxu.Wrap(err, "read the last trace sequence")
		}
	}
	if e.Seq != uint64(p.traceSeq)+1 {
		return invalidf("trace event %s has sequence %d, the read model holds %d: the trace events are not consistent", e.ID, e.Seq, p.traceSeq)
	}
	decl, erroneous := 0, 0
	if e.IsErrorDeclaration() {
		decl = 1
	}
	if !p.legacy {
		if decl == 0 {
			// Held until the tx's end (traceResolve), when its erroneous
			// flag is read with the others'.
			if err := p.tracePending(&e, rec, tb.id, leaf[:]); err != nil {
				return err
			}
			p.traceSeq = int64(e.Seq)
			tb.seen++
			return nil
		}
		// A declaration (rare) marks the rows before it: they are written
		// first, and it is written as the per-event path does.
		if err := p.traceResolve(); err != nil {
			return err
		}
		if err := p.flushTrace(); err != nil {
			return err
		}
	}
	if decl == 1 {
		if _, err := p.markErroneous.ExecContext(p.ctx, e.ID); err != nil {
			return gongxu.Wrap(err, "mark event %s erroneous", e.ID)
		}
	} else if err := p.hasTraceDecl.QueryRowContext(p.ctx, e.ID).Scan(&erroneous); err != nil {
		return gongxu.Wrap(err, "read the declarations of event %s", e.ID)
	}
	res, err := p.insTraceEvent.ExecContext(p.ctx, int64(e.Seq), e.ID, decl, erroneous, e.Type, string(e.Org), e.Flow, e.Action,
		e.EventTime, p.time, e.BizStep, e.Disposition, traceLocation(e.ReadPoint), traceLocation(e.BizLocation),
		tb.id, a.Index, leaf[:])
	if err != nil {
		return gongxu.Wrap(err, "insert trace event %s", e.ID)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		what := "event"
		if decl == 1 {
			what = "error declaration of event"
		}
		return invalidf("the %s %s is already recorded", what, e.ID)
	}
	if rec == nil {
		if rec, err = traceRecord(&e); err != nil {
			return err
		}
	}
	if _, err := p.insTraceRecord.ExecContext(p.ctx, int64(e.Seq), string(e.Raw), rec); err != nil {
		return gongxu.Wrap(err, "insert the record of trace event %s", e.ID)
	}
	for _, id := range traceIdents(&e) {
		if _, err := p.insTraceIdent.ExecContext(p.ctx, id.ident, id.role, int64(e.Seq)); err != nil {
			return gongxu.Wrap(err, "index %s of trace event %s", id.ident, e.ID)
		}
	}
	p.traceSeq = int64(e.Seq)
	tb.seen++
	return nil
}

// traceLocation is a read point's or business location's canonical key, or
// the id itself when it has none.
func traceLocation(id string) string {
	if c, err := epcis.Canonical(id); err == nil {
		return c
	}
	return id
}

// identRole is an identifier an event names, in a role.
type identRole struct {
	ident string
	role  int
}

// traceIdents lists the identifiers of an event by role (as
// gongxu.TraceEvent.Identifiers, with roles).
func traceIdents(e *gongxu.TraceEvent) []identRole {
	var out []identRole
	add := func(role int, ids ...string) {
		for _, id := range ids {
			if id != "" {
				out = append(out, identRole{id, role})
			}
		}
	}
	addQ := func(role int, qs []gongxu.TraceQuantity) {
		for _, q := range qs {
			add(role, q.Class)
		}
	}
	add(roleEPC, e.EPCs...)
	addQ(roleClass, e.Quantities)
	add(roleInput, e.Inputs...)
	addQ(roleInputClass, e.InputQuantities)
	add(roleOutput, e.Outputs...)
	addQ(roleOutputClass, e.OutputQuantities)
	add(roleParent, e.Parent)
	add(roleChild, e.Children...)
	addQ(roleChildClass, e.ChildQuantities)
	return out
}

// traceRecall projects a recall, made by the tx being projected.
func (p *projector) traceRecall(ev *gongxu.Event) error {
	id, err := idAttr(ev, "id")
	if err != nil {
		return err
	}
	var r gongxu.Recall
	js, err := decodeKeep(ev, &r)
	if err != nil {
		return err
	}
	if r.ID != id {
		return invalidf("id attr %d does not match json id %d", id, r.ID)
	}
	if err := r.Org.Validate(); err != nil {
		return prefix(err, "recall org")
	}
	if err := match(ev, "org", string(r.Org)); err != nil {
		return err
	}
	if r.Identifier == "" {
		return invalidf("recall %d names no identifier", id)
	}
	if err := match(ev, "identifier", r.Identifier); err != nil {
		return err
	}
	if r.Lot != "" && gongxu.LotURN(r.Lot) != r.Identifier {
		return invalidf("recall %d of lot %s names identifier %s", id, r.Lot, r.Identifier)
	}
	if p.txHash == "" || !strings.EqualFold(r.Tx, p.txHash) || r.Height != p.height || r.Time != p.time {
		return invalidf("recall %d says tx %q at height %d, emitted by tx %q at height %d", id, r.Tx, r.Height, p.txHash, p.height)
	}
	if p.recallSeq < 0 {
		if err := p.maxTraceRecall.QueryRowContext(p.ctx).Scan(&p.recallSeq); err != nil {
			return gongxu.Wrap(err, "read the last recall id")
		}
	}
	if int64(id) != p.recallSeq+1 {
		return invalidf("recall %d follows recall %d: the recalls are not consistent", id, p.recallSeq)
	}
	if _, err := p.insTraceRecall.ExecContext(p.ctx, int64(id), string(r.Org), r.Identifier, p.height, js); err != nil {
		return gongxu.Wrap(err, "insert recall %d", id)
	}
	p.recallSeq = int64(id)
	return nil
}
