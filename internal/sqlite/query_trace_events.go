package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
)

// The read side of traceability: gongxu.TraceService on the read model.
//
// Events are kept by ledger sequence (trace_events), with an index of the
// identifiers each names by role (trace_idents); the ledger's own links
// between lots (trace_links: received from, made by a work order from) are
// kept beside them. The walks go level by level, one batch of indexed
// queries per level, never by a query per node.

var _ gongxu.TraceService = (*DB)(nil)

// Limits of the trace queries.
const (
	MaxTraceDepth     = 50    // the deepest walk
	MaxTraceNodes     = 10000 // a walk stops, Truncated, once it reached this many nodes
	MaxTraceSteps     = 20000 // … or this many steps
	DefaultTraceLimit = 100   // events per page when TraceQuery.Limit is 0
	MaxTraceLimit     = 1000  // the most events per page
	MaxTraceIdent     = 1024  // the longest identifier or event id accepted

	traceChunk = 500 // values per IN list
	// maxLevelRows bounds the (identifier, event) pairs one level of a walk
	// reads: an identifier that thousands of events name (a product class
	// observed at every sale) truncates the walk instead of stalling it.
	maxLevelRows = 50000
)

// TraceStepLedger is the Type of a walk's step that follows a link the
// ledger keeps between two lots without an EPCIS event saying so: a lot
// received from a supplier's lot (Flow "production/receive"), or lots a
// work order made from the lots it consumed (Flow "production/wo_complete").
const TraceStepLedger = "ledger"

const cbvWeb = "https://ref.gs1.org/cbv/"

// traceKey returns the canonical key of an identifier as a caller gives
// it: a ledger lot id ("factory-a/fab-001"), a lot URN, an EPC URN, a GS1
// Digital Link URI, or any other URI (its own key). Errors: KindInvalid.
func traceKey(id string) (string, error) {
	s := strings.TrimSpace(id)
	if s == "" {
		return "", invalidf("an identifier is needed: a ledger lot id, a lot URN, an EPC URN or a GS1 Digital Link URI")
	}
	if len(s) > MaxTraceIdent {
		return "", invalidf("the identifier is %d bytes, the limit is %d", len(s), MaxTraceIdent)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < ' ' || s[i] == 0x7f {
			return "", invalidf("identifier %q holds a control character", s)
		}
	}
	switch {
	case gongxu.IsLotURN(s):
		lot, err := gongxu.ParseLotURN(s)
		if err != nil {
			return "", err
		}
		return gongxu.LotURN(lot), nil
	case !strings.Contains(s, ":"):
		if err := gongxu.LotID(s).Validate(); err != nil {
			return "", invalidf("%q is neither a ledger lot id (<owner org>/<code>) nor an identifier URI (a lot URN, an EPC URN, a GS1 Digital Link URI): %s",
				s, gongxu.ErrorMessage(err))
		}
		return gongxu.LotURN(gongxu.LotID(s)), nil
	}
	c, err := epcis.Canonical(s)
	if err != nil {
		return "", err
	}
	if gongxu.IsLotURN(c) {
		lot, err := gongxu.ParseLotURN(c)
		if err != nil {
			return "", err
		}
		c = gongxu.LotURN(lot)
	}
	return c, nil
}

// lotOfKey returns the ledger lot a canonical key names, or "".
func lotOfKey(key string) gongxu.LotID {
	if strings.HasPrefix(key, gongxu.LotURNPrefix) {
		return gongxu.LotID(key[len(gongxu.LotURNPrefix):])
	}
	return ""
}

func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// chunks calls fn with the values in slices of at most traceChunk.
func chunks[T any](vals []T, fn func([]T) error) error {
	for len(vals) > 0 {
		n := min(len(vals), traceChunk)
		if err := fn(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

func anys[T any](vals []T) []any {
	out := make([]any, len(vals))
	for i, v := range vals {
		out[i] = v
	}
	return out
}

// The columns of an event as TraceEvent returns it.
const traceEventSelect = `SELECT e.seq, r.raw, r.json, e.idx, b.tx, b.height, b.time, b.count, b.root
	FROM trace_events e JOIN trace_records r ON r.seq = e.seq JOIN trace_batches b ON b.id = e.batch`

func scanTraceEvents(rows *sql.Rows) ([]gongxu.TraceEvent, error) {
	defer rows.Close()
	out := []gongxu.TraceEvent{}
	for rows.Next() {
		var (
			e       gongxu.TraceEvent
			seq     int64
			raw, js []byte
		)
		a := &e.Anchor
		if err := rows.Scan(&seq, &raw, &js, &a.Index, &a.Tx, &a.Height, &a.Time, &a.Count, &a.Root); err != nil {
			return nil, gongxu.Wrap(err, "read model: read trace event")
		}
		if err := json.Unmarshal(js, &e); err != nil {
			return nil, gongxu.Wrap(err, "read model: decode trace event %d", seq)
		}
		e.Seq, e.Raw = uint64(seq), json.RawMessage(raw)
		leaf := gongxu.TraceLeafHash(raw)
		a.Leaf = hex.EncodeToString(leaf[:])
		out = append(out, e)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: read trace events")
}

// Event returns a stored event by id (the original, not its error
// declaration), with its anchor. Errors: KindInvalid for an empty or
// oversized id, KindNotFound, KindInternal.
func (db *DB) Event(ctx context.Context, id string) (gongxu.TraceEvent, error) {
	if id == "" || len(id) > MaxTraceIdent {
		return gongxu.TraceEvent{}, invalidf("an event id is 1 to %d bytes", MaxTraceIdent)
	}
	rows, err := db.r.QueryContext(ctx, traceEventSelect+` WHERE e.id = ? AND e.decl = 0`, id)
	if err != nil {
		return gongxu.TraceEvent{}, gongxu.Wrap(err, "read model: read trace event %s", id)
	}
	evs, err := scanTraceEvents(rows)
	if err != nil {
		return gongxu.TraceEvent{}, err
	}
	if len(evs) == 0 {
		return gongxu.TraceEvent{}, gongxu.Errorf(gongxu.KindNotFound, "no trace event %s", id)
	}
	return evs[0], nil
}

// Batch returns the trace batch a transaction anchored, leaves included.
// Errors: KindInvalid for a hash that is not hex, KindNotFound, KindInternal.
func (db *DB) Batch(ctx context.Context, tx string) (gongxu.TraceBatch, error) {
	var b gongxu.TraceBatch
	if _, err := hex.DecodeString(tx); err != nil || tx == "" {
		return b, invalidf("transaction hash %q must be hex", tx)
	}
	err := getJSON(ctx, db.r, &b, `SELECT json FROM trace_batches WHERE tx = ?`, tx)
	if err == sql.ErrNoRows {
		return b, gongxu.Errorf(gongxu.KindNotFound, "transaction %s anchored no trace batch", tx)
	}
	return b, gongxu.Wrap(err, "read model: read the trace batch of %s", tx)
}

// identMatch is a MATCH_ filter: exact keys and key prefixes (an EPC
// pattern "urn:epc:idpat:sgtin:CP.IR.*" matches every serial of the class).
type identMatch struct {
	keys, prefixes []string
}

func newIdentMatch(what string, vals []string, instances bool) (identMatch, error) {
	var m identMatch
	for _, v := range vals {
		if strings.HasPrefix(strings.TrimSpace(v), "urn:epc:idpat:sgtin:") {
			c, err := epcis.Canonical(v)
			if err != nil {
				return m, prefix(err, "%s", what)
			}
			if instances {
				m.prefixes = append(m.prefixes, c+"/21/")
			} else {
				m.keys = append(m.keys, c)
				m.prefixes = append(m.prefixes, c+"/10/")
			}
			continue
		}
		k, err := traceKey(v)
		if err != nil {
			return m, prefix(err, "%s", what)
		}
		m.keys = append(m.keys, k)
	}
	return m, nil
}

// sql returns the condition "the event names a matching identifier in one
// of roles".
func (m identMatch) sql(roles string) (string, []any) {
	var parts []string
	var args []any
	if len(m.keys) > 0 {
		parts = append(parts, `SELECT seq FROM trace_idents WHERE ident IN (`+placeholders(len(m.keys))+`) AND role IN (`+roles+`)`)
		args = append(args, anys(m.keys)...)
	}
	for _, p := range m.prefixes {
		parts = append(parts, `SELECT seq FROM trace_idents WHERE ident >= ? AND ident < ? AND role IN (`+roles+`)`)
		args = append(args, p, p+"\U0010FFFF")
	}
	return `e.seq IN (` + strings.Join(parts, ` UNION ALL `) + `)`, args
}

// TraceEvents returns the events (and error declarations) matching q, in
// ledger order, after q.After, at most q.Limit. CBV values may be given as
// bare names, URNs or Web URIs; identifiers in any form traceKey accepts.
// Errors: KindInvalid for a bad limit, time, org or identifier,
// KindInternal.
func (db *DB) TraceEvents(ctx context.Context, q gongxu.TraceQuery) ([]gongxu.TraceEvent, error) {
	limit := q.Limit
	if limit == 0 {
		limit = DefaultTraceLimit
	}
	if limit < 1 || limit > MaxTraceLimit {
		return nil, invalidf("limit must be 1 to %d, got %d", MaxTraceLimit, q.Limit)
	}
	after := int64(math.MaxInt64)
	if q.After < math.MaxInt64 {
		after = int64(q.After)
	}
	where := []string{`e.seq > ?`}
	args := []any{after}
	in := func(col string, vals []string) {
		where = append(where, col+` IN (`+placeholders(len(vals))+`)`)
		args = append(args, anys(vals)...)
	}
	if len(q.EventTypes) > 0 {
		in("e.type", q.EventTypes)
	}
	for _, t := range []struct {
		cond string
		ms   int64
		name string
	}{
		{"e.event_time >= ?", q.GEEventTime, "GE_eventTime"}, {"e.event_time < ?", q.LTEventTime, "LT_eventTime"},
		{"e.record_time >= ?", q.GERecordTime, "GE_recordTime"}, {"e.record_time < ?", q.LTRecordTime, "LT_recordTime"},
	} {
		if t.ms < 0 {
			return nil, invalidf("%s is before 1970", t.name)
		}
		if t.ms != 0 {
			where = append(where, t.cond)
			args = append(args, t.ms)
		}
	}
	vocab := func(col string, v epcis.Vocab, vals []string) {
		if len(vals) == 0 {
			return
		}
		n := make([]string, len(vals))
		for i, s := range vals {
			n[i] = epcis.NormalizeVocab(v, s)
		}
		in(col, n)
	}
	vocab("e.biz_step", epcis.VocabBizStep, q.BizSteps)
	vocab("e.disposition", epcis.VocabDisposition, q.Dispositions)
	for _, l := range []struct {
		col, name string
		vals      []string
	}{{"e.read_point", "EQ_readPoint", q.ReadPoints}, {"e.biz_location", "EQ_bizLocation", q.BizLocations}} {
		if len(l.vals) == 0 {
			continue
		}
		n := make([]string, len(l.vals))
		for i, s := range l.vals {
			c, err := epcis.Canonical(s)
			if err != nil {
				return nil, prefix(err, "%s", l.name)
			}
			n[i] = c
		}
		in(l.col, n)
	}
	if len(q.EventIDs) > 0 {
		in("e.id", q.EventIDs)
	}
	if len(q.Orgs) > 0 {
		orgs := make([]string, len(q.Orgs))
		for i, o := range q.Orgs {
			if err := o.Validate(); err != nil {
				return nil, err
			}
			orgs[i] = string(o)
		}
		in("e.org", orgs)
	}
	for _, f := range []struct {
		name      string
		vals      []string
		roles     string
		instances bool
	}{
		{"MATCH_epc", q.EPCs, fmt.Sprintf("%d, %d", roleEPC, roleChild), true},
		{"MATCH_anyEPCClass", q.EPCClasses, fmt.Sprintf("%d, %d, %d, %d", roleClass, roleInputClass, roleOutputClass, roleChildClass), false},
	} {
		if len(f.vals) == 0 {
			continue
		}
		m, err := newIdentMatch(f.name, f.vals, f.instances)
		if err != nil {
			return nil, err
		}
		cond, a := m.sql(f.roles)
		where = append(where, cond)
		args = append(args, a...)
	}
	query := traceEventSelect + ` WHERE ` + strings.Join(where, ` AND `) + ` ORDER BY e.seq LIMIT ?`
	args = append(args, limit)
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: query trace events")
	}
	return scanTraceEvents(rows)
}
