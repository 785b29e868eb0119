package sqlite

import (
	"database/sql"

	gongxu "github.com/gongxu-network/gongxu"
)

// The trace projection's buffered path (issue 17: EPCIS capture's
// projection was more than half of a node's CPU per event, at about seven
// SQL statements an event). An event that is not an error declaration is
// checked as it comes (its batch, anchor, leaf and sequence) and held until
// the end of its tx; there one query per 64 events reads which of their ids
// the read model holds already (a duplicate is refused, an original whose
// error declaration came first is marked erroneous), and their rows —
// trace_events, trace_records, trace_idents — join row buffers written 64
// rows per INSERT (rowBuf, project_write.go) before the projection commits.
//
// The rows are the per-event path's (projector.legacy, kept for the tests
// that compare the two and for the benchmark): the same values, written in
// sequence order. An error declaration, rare, is written as that path does
// it, after every row before it, so that it marks them and every later
// check sees it.

// traceIDsMax bounds the ids of originals a projection holds in memory
// (trIDs) before it writes its buffered trace rows and forgets them (a
// variable for the tests).
var traceIDsMax = 50_000

// traceBufs is the buffered path's state, part of a projector.
type traceBufs struct {
	trEventRows, trRecordRows, trIdentRows rowBuf
	lookTraceIDs                           [len(bufSizes)]*sql.Stmt // by bufSizes
	trPend                                 []tracePend              // the current tx's events, in order
	trIDs                                  map[string]bool          // ids of the originals buffered or pending, not yet in the file
	trLook                                 []any
}

// tracePend is an event waiting for the end of its tx.
type tracePend struct {
	id     string
	row    []any // its trace_events row; row[3] is erroneous
	raw    string
	rec    []byte
	idents []identRole
}

func (s *traceBufs) defs() []stmtDef {
	s.trEventRows = rowBuf{head: `INSERT INTO trace_events (seq, id, decl, erroneous, type, org, flow, action, event_time, record_time,
			biz_step, disposition, read_point, biz_location, batch, idx, leaf) VALUES `, ncol: 17}
	s.trRecordRows = rowBuf{head: `INSERT INTO trace_records (seq, raw, json) VALUES `, ncol: 3}
	s.trIdentRows = rowBuf{head: `INSERT INTO trace_idents (ident, role, seq) VALUES `, tail: ` ON CONFLICT DO NOTHING`, ncol: 3}
	var out []stmtDef
	for i, n := range bufSizes {
		out = append(out, stmtDef{&s.lookTraceIDs[i],
			`SELECT id, decl FROM trace_events WHERE id IN (` + placeholders(n) + `)`})
	}
	for _, b := range []*rowBuf{&s.trEventRows, &s.trRecordRows, &s.trIdentRows} {
		for i, n := range bufSizes {
			out = append(out, stmtDef{&b.stmts[i], b.sql(n)})
		}
	}
	return out
}

// tracePending holds the checked event e of batch, with its record (nil:
// encode it) and leaf hash, until the end of its tx.
func (p *projector) tracePending(e *gongxu.TraceEvent, rec []byte, batch int64, leaf []byte) error {
	if rec == nil {
		var err error
		if rec, err = traceRecord(e); err != nil {
			return err
		}
	}
	p.trPend = append(p.trPend, tracePend{
		id: e.ID,
		row: []any{int64(e.Seq), e.ID, 0, 0, e.Type, string(e.Org), e.Flow, e.Action,
			e.EventTime, p.time, e.BizStep, e.Disposition, traceLocation(e.ReadPoint), traceLocation(e.BizLocation),
			batch, e.Anchor.Index, leaf},
		raw: string(e.Raw), rec: rec, idents: traceIdents(e)})
	return nil
}

// traceResolve reads which ids of the pending events the read model holds,
// refuses a duplicate (KindInvalid), and moves their rows to the buffers.
func (p *projector) traceResolve() error {
	pend := p.trPend
	if len(pend) == 0 {
		return nil
	}
	taken := make(map[string]uint8, 4) // 1: an original is recorded, 2: an error declaration
	for i := 0; i < len(pend); {
		for j, n := range bufSizes {
			if len(pend)-i < n {
				continue
			}
			look := p.trLook[:0]
			for _, t := range pend[i : i+n] {
				look = append(look, t.id)
			}
			p.trLook = look
			rows, err := p.lookTraceIDs[j].QueryContext(p.ctx, look...)
			if err != nil {
				return gongxu.Wrap(err, "read the trace events recorded by id")
			}
			for rows.Next() {
				var id string
				var decl int
				if err := rows.Scan(&id, &decl); err != nil {
					rows.Close()
					return gongxu.Wrap(err, "read the trace events recorded by id")
				}
				taken[id] |= 1 << min(decl, 1)
			}
			if err := rows.Close(); err != nil {
				return gongxu.Wrap(err, "read the trace events recorded by id")
			}
			if err := rows.Err(); err != nil {
				return gongxu.Wrap(err, "read the trace events recorded by id")
			}
			i += n
			break
		}
	}
	clear(p.trLook)
	if p.trIDs == nil {
		p.trIDs = map[string]bool{}
	}
	for i := range pend {
		t := &pend[i]
		if taken[t.id]&1 != 0 || p.trIDs[t.id] {
			return invalidf("the event %s is already recorded", t.id)
		}
		if taken[t.id]&2 != 0 {
			t.row[3] = 1
		}
		p.trIDs[t.id] = true
		seq := t.row[0]
		if err := p.addRow(&p.trEventRows, nil, t.row...); err != nil {
			return gongxu.Wrap(err, "insert trace event %s", t.id)
		}
		if err := p.addRow(&p.trRecordRows, nil, seq, t.raw, t.rec); err != nil {
			return gongxu.Wrap(err, "insert the record of trace event %s", t.id)
		}
		for _, id := range t.idents {
			if err := p.addRow(&p.trIdentRows, nil, id.ident, id.role, seq); err != nil {
				return gongxu.Wrap(err, "index %s of trace event %s", id.ident, t.id)
			}
		}
	}
	clear(pend)
	p.trPend = pend[:0]
	if len(p.trIDs) > traceIDsMax {
		return p.flushTraceRows()
	}
	return nil
}

// flushTrace writes the trace rows held in memory (the pending ones, then
// the buffers). The projection calls it before it commits, and before an
// error declaration.
func (p *projector) flushTrace() error {
	if err := p.traceResolve(); err != nil {
		return err
	}
	return p.flushTraceRows()
}

func (p *projector) flushTraceRows() error {
	for _, b := range []*rowBuf{&p.trEventRows, &p.trRecordRows, &p.trIdentRows} {
		if err := p.flushRows(b); err != nil {
			return err
		}
	}
	clear(p.trIDs) // in the file now, where lookTraceIDs finds them
	return nil
}
