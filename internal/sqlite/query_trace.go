package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"sync"

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

// Back walks backward from an identifier: every input, recursively, at most
// depth steps (1 to MaxTraceDepth). See walk for what it follows.
// Errors: KindInvalid for a malformed identifier or depth, KindNotFound
// for an identifier neither a ledger lot nor named by any event,
// KindInternal.
func (db *DB) Back(ctx context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	return db.trace(ctx, id, depth, false)
}

// Forward walks forward from an identifier: every downstream lot, its
// shipments and containers, and the pools, hubs and pledge batches the
// lots made for a pool's production order reach. Errors as Back.
func (db *DB) Forward(ctx context.Context, id string, depth int) (gongxu.TraceGraph, error) {
	return db.trace(ctx, id, depth, true)
}

func (db *DB) trace(ctx context.Context, id string, depth int, fwd bool) (gongxu.TraceGraph, error) {
	if depth < 1 || depth > MaxTraceDepth {
		return gongxu.TraceGraph{}, invalidf("depth must be 1 to %d, got %d", MaxTraceDepth, depth)
	}
	key, err := traceKey(id)
	if err != nil {
		return gongxu.TraceGraph{}, err
	}
	q, err := db.traceStatements()
	if err != nil {
		return gongxu.TraceGraph{}, err
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return gongxu.TraceGraph{}, gongxu.Wrap(err, "read model: begin trace")
	}
	defer tx.Rollback()
	var known bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM trace_idents WHERE ident = ?1)
		OR EXISTS (SELECT 1 FROM lots WHERE id = ?2)
		OR EXISTS (SELECT 1 FROM trace_links WHERE src = ?1) OR EXISTS (SELECT 1 FROM trace_links WHERE dst = ?1)`,
		key, string(lotOfKey(key))).Scan(&known); err != nil {
		return gongxu.TraceGraph{}, gongxu.Wrap(err, "read model: look up %s", key)
	}
	if !known {
		return gongxu.TraceGraph{}, gongxu.Errorf(gongxu.KindNotFound, "%s is neither a ledger lot nor named by any trace event", key)
	}
	return walk(ctx, tx, q, key, depth, fwd)
}

// traceStatements are the statements of the walks, prepared once on the
// read pool (database/sql prepares each again on a connection that lacks
// it); lists go in as one JSON array, so one statement serves any length.
type traceStatements struct {
	once                                   sync.Once
	err                                    error
	names, events, idents, back, fwd, lots *sql.Stmt
	batches, receipt                       *sql.Stmt
}

func (db *DB) traceStatements() (*traceStatements, error) {
	s := &db.traceQ
	s.once.Do(func() {
		for _, d := range []struct {
			dst **sql.Stmt
			sql string
		}{
			{&s.names, `SELECT ident, role, seq FROM trace_idents
				WHERE ident IN (SELECT value FROM json_each(?1)) AND role IN (SELECT value FROM json_each(?2)) LIMIT ?3`},
			{&s.events, `SELECT seq, id, type, org, flow, action, biz_step, disposition,
				CASE biz_location WHEN '' THEN read_point ELSE biz_location END, event_time, batch, idx, leaf, decl + erroneous
				FROM trace_events WHERE seq IN (SELECT value FROM json_each(?1))`},
			{&s.idents, `SELECT seq, role, ident FROM trace_idents WHERE seq IN (SELECT value FROM json_each(?1)) ORDER BY seq, role, ident`},
			{&s.back, `SELECT src, dst, kind, ref FROM trace_links WHERE dst IN (SELECT value FROM json_each(?1)) ORDER BY src, dst, kind, ref`},
			{&s.fwd, `SELECT src, dst, kind, ref FROM trace_links WHERE src IN (SELECT value FROM json_each(?1)) ORDER BY src, dst, kind, ref`},
			{&s.lots, `SELECT json FROM lots WHERE id IN (SELECT value FROM json_each(?1))`},
			{&s.batches, `SELECT id, tx, height, time, count, root FROM trace_batches WHERE id IN (SELECT value FROM json_each(?1))`},
			{&s.receipt, `SELECT e.seq, e.id, e.org, e.event_time, e.batch, e.idx, e.leaf,
				CASE e.biz_location WHEN '' THEN e.read_point ELSE e.biz_location END, e.disposition
				FROM trace_idents i JOIN trace_events e ON e.seq = i.seq
				WHERE i.ident = ?1 AND i.role = ?2 AND e.flow = 'production/receive' AND e.decl = 0 AND e.erroneous = 0
				ORDER BY i.seq LIMIT 1`},
		} {
			if *d.dst, s.err = db.r.Prepare(d.sql); s.err != nil {
				s.err = gongxu.Wrap(s.err, "read model: prepare %q", firstLine(d.sql))
				return
			}
		}
	})
	return s, s.err
}

// jsonList is a list as the statements take it.
func jsonList[T any](vals []T) string {
	b, _ := json.Marshal(vals)
	return string(b)
}

// The modes of a node in a backward walk.
const (
	modeFull      = iota // every input: transformations, contents, containers, ledger links
	modeContainer        // a container of the start: its own containers and observations only
)

type walkNode struct {
	depth, mode int
}

// walkEvent is what a walk reads of an event.
type walkEvent struct {
	id, typ, org, flow, action, bizStep, disp, location string
	time, batch                                         int64
	idx                                                 int
	leaf                                                []byte
	skip                                                bool        // an error declaration, or declared erroneous
	idents                                              []identRole // every identifier, by role then key; nil until read
}

// walker is one walk in progress.
type walker struct {
	ctx       context.Context
	tx        *sql.Tx
	q         *traceStatements
	stmts     map[*sql.Stmt]*sql.Stmt // the statements on tx
	fwd       bool
	maxDepth  int
	nodes     map[string]*walkNode
	events    map[int64]*walkEvent
	steps     map[string]*walkStep // by event sequence or ledger link
	covered   map[[2]string]bool   // lot pairs an event step already links
	truncated bool
}

type walkStep struct {
	step  gongxu.TraceStep
	seq   int64  // the event; 0 for a ledger step
	batch int64  // the event's batch
	recv  string // a receipt's received lot, whose receiving event anchors it
}

// query runs a prepared statement in the walk's transaction.
func (w *walker) query(st *sql.Stmt, args ...any) (*sql.Rows, error) {
	ts := w.stmts[st]
	if ts == nil {
		ts = w.tx.StmtContext(w.ctx, st)
		w.stmts[st] = ts
	}
	return ts.QueryContext(w.ctx, args...)
}

func (w *walker) queryRow(st *sql.Stmt, args ...any) *sql.Row {
	ts := w.stmts[st]
	if ts == nil {
		ts = w.tx.StmtContext(w.ctx, st)
		w.stmts[st] = ts
	}
	return ts.QueryRowContext(w.ctx, args...)
}

func (w *walker) full() bool { return len(w.nodes) >= MaxTraceNodes || len(w.steps) >= MaxTraceSteps }

// walk runs a trace from key. What it follows, level by level:
//
//   - backward: a TransformationEvent from its outputs to its inputs; an
//     AggregationEvent (ADD or OBSERVE) from the parent to its children
//     (what a pallet holds) and from a child to its parent, the container,
//     whose receipts and shipments are the child's too: from a container
//     the walk goes on only to its own containers and observations, never
//     to the other things it held; the ledger's links, a received lot to
//     the supplier's lot and a lot made by a work order to the lots it
//     consumed, where no event already links the two.
//   - forward: a TransformationEvent from its inputs to its outputs (a lot
//     split into several outputs reaches each); an AggregationEvent from a
//     child to the container it was packed into (never from a container to
//     what else it holds); the ledger's links, a lot to the lots received
//     from it and to the lots work orders made from it.
//   - both: ObjectEvents, TransactionEvents, AssociationEvents and
//     aggregations DELETE naming a node are steps of it, not edges: where
//     it was, shipped, received, observed, with From = To = the nodes of
//     the walk the event names. Error declarations and the events they
//     declare erroneous are left out.
//
// A step's Depth is that of the nodes it reached (an observation's, that of
// its node); a walk stops at maxDepth, or when it reached MaxTraceNodes
// nodes or MaxTraceSteps steps, with Truncated set when something was left.
func walk(ctx context.Context, tx *sql.Tx, q *traceStatements, key string, maxDepth int, fwd bool) (gongxu.TraceGraph, error) {
	w := &walker{ctx: ctx, tx: tx, q: q, stmts: map[*sql.Stmt]*sql.Stmt{}, fwd: fwd, maxDepth: maxDepth, nodes: map[string]*walkNode{key: {}},
		events: map[int64]*walkEvent{}, steps: map[string]*walkStep{}, covered: map[[2]string]bool{}}
	frontier := []string{key}
	for d := 0; len(frontier) > 0; d++ {
		next, err := w.level(frontier, d)
		if err != nil {
			return gongxu.TraceGraph{}, err
		}
		frontier = next
	}
	return w.graph(key)
}

// level expands the nodes at depth d and returns the nodes found at d+1.
func (w *walker) level(frontier []string, d int) ([]string, error) {
	type naming struct {
		ident string
		role  int
		seq   int64
	}
	var names []naming
	err := func() error {
		// Roles only a transformation has, in the direction not walked,
		// need not be read.
		roles := `[1,2,3,4,7,8,9]`
		if !w.fwd {
			roles = `[1,2,5,6,7,8,9]`
		}
		rows, err := w.query(w.q.names, jsonList(frontier), roles, maxLevelRows+1)
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: events naming %d identifiers", len(frontier))
		}
		defer rows.Close()
		for rows.Next() {
			var n naming
			if err := rows.Scan(&n.ident, &n.role, &n.seq); err != nil {
				return gongxu.Wrap(err, "read model: trace: read an identifier")
			}
			if len(names) == maxLevelRows {
				w.truncated = true
				break
			}
			names = append(names, n)
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: events naming identifiers")
	}()
	if err != nil {
		return nil, err
	}
	var seqs []int64
	for _, n := range names {
		if _, ok := w.events[n.seq]; !ok {
			w.events[n.seq] = nil
			seqs = append(seqs, n.seq)
		}
	}
	if err := w.loadEvents(seqs); err != nil {
		return nil, err
	}

	// Which events are edges from this level, which are observations.
	type edge struct {
		seq      int64
		from, to []int // roles of the step's From and To
		other    []int // roles of the nodes it leads to
		mode     int
	}
	var edges []edge
	var observed []int64
	things := map[int64][]string{} // an observation's nodes
	seen := map[int64]bool{}
	for _, n := range names {
		e := w.events[n.seq]
		node := w.nodes[n.ident]
		if e == nil || e.skip || node == nil {
			continue
		}
		aggregates := e.typ == epcis.AggregationEvent && (e.action == "ADD" || e.action == "OBSERVE")
		if e.typ != epcis.TransformationEvent && !aggregates {
			// An observation: its step names the nodes it saw.
			if things[n.seq] == nil {
				observed = append(observed, n.seq)
			}
			if !slices.Contains(things[n.seq], n.ident) {
				things[n.seq] = append(things[n.seq], n.ident)
			}
			continue
		}
		if seen[n.seq] {
			continue
		}
		isOutput := n.role == roleOutput || n.role == roleOutputClass
		isInput := n.role == roleInput || n.role == roleInputClass
		isChild := n.role == roleChild || n.role == roleChildClass
		switch {
		case e.typ == epcis.TransformationEvent && !w.fwd && isOutput && node.mode == modeFull:
			edges = append(edges, edge{n.seq, inputRoles, outputRoles, inputRoles, modeFull})
		case e.typ == epcis.TransformationEvent && w.fwd && isInput:
			edges = append(edges, edge{n.seq, inputRoles, outputRoles, outputRoles, modeFull})
		case aggregates && !w.fwd && n.role == roleParent && node.mode == modeFull:
			edges = append(edges, edge{n.seq, childRoles, parentRoles, childRoles, modeFull})
		case aggregates && isChild:
			edges = append(edges, edge{n.seq, childRoles, parentRoles, parentRoles, modeContainer})
		default:
			continue // the other direction's edge
		}
		seen[n.seq] = true
	}
	var need []int64
	for _, e := range edges {
		need = append(need, e.seq)
	}
	if err := w.loadIdents(need); err != nil {
		return nil, err
	}

	var next []string
	reach := func(id string, mode int) {
		n := w.nodes[id]
		switch {
		case n == nil:
			if w.full() {
				w.truncated = true
				return
			}
			w.nodes[id] = &walkNode{depth: d + 1, mode: mode}
			next = append(next, id)
		case n.mode == modeContainer && mode == modeFull:
			n.mode = modeFull // reached as an input too: expand it fully
			next = append(next, id)
		}
	}
	for _, ed := range edges {
		e := w.events[ed.seq]
		others := pick(e.idents, ed.other)
		if d >= w.maxDepth {
			for _, o := range others {
				if w.nodes[o] == nil {
					w.truncated = true
				}
			}
			continue
		}
		from, to := pick(e.idents, ed.from), pick(e.idents, ed.to)
		w.addEventStep(ed.seq, e, d+1, from, to)
		for _, f := range from {
			for _, t := range to {
				if lotOfKey(f) != "" && lotOfKey(t) != "" {
					w.covered[[2]string{f, t}] = true
				}
			}
		}
		mode := modeFull
		if !w.fwd {
			mode = ed.mode
		}
		for _, o := range others {
			reach(o, mode)
		}
	}
	for _, seq := range observed {
		slices.Sort(things[seq])
		w.addEventStep(seq, w.events[seq], d, things[seq], things[seq])
	}

	// The ledger's links of the lots at this level.
	var lots []string
	for _, id := range frontier {
		if lotOfKey(id) != "" && (w.fwd || w.nodes[id].mode == modeFull) {
			lots = append(lots, id)
		}
	}
	if len(lots) == 0 {
		return next, nil
	}
	st := w.q.back
	if w.fwd {
		st = w.q.fwd
	}
	err = func() error {
		rows, err := w.query(st, jsonList(lots))
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: ledger links")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				src, dst  string
				kind, ref int64
			)
			if err := rows.Scan(&src, &dst, &kind, &ref); err != nil {
				return gongxu.Wrap(err, "read model: trace: read a ledger link")
			}
			other := src
			if w.fwd {
				other = dst
			}
			if d >= w.maxDepth {
				if w.nodes[other] == nil {
					w.truncated = true
				}
				continue
			}
			if !w.covered[[2]string{src, dst}] {
				w.addLedgerStep(src, dst, kind, ref, d+1)
			}
			reach(other, modeFull)
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: ledger links")
	}()
	return next, err
}

// The roles of a step's sides.
var (
	inputRoles  = []int{roleInput, roleInputClass}
	outputRoles = []int{roleOutput, roleOutputClass}
	parentRoles = []int{roleParent}
	childRoles  = []int{roleChild, roleChildClass}
)

// pick returns the identifiers of the roles, each once, in role order.
func pick(ids []identRole, roles []int) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, r := range roles {
		for _, id := range ids {
			if id.role == r && !seen[id.ident] {
				seen[id.ident] = true
				out = append(out, id.ident)
			}
		}
	}
	return out
}

func (w *walker) addEventStep(seq int64, e *walkEvent, depth int, from, to []string) {
	k := fmt.Sprintf("e%020d", seq)
	if w.steps[k] != nil {
		return
	}
	if len(w.steps) >= MaxTraceSteps {
		w.truncated = true
		return
	}
	w.steps[k] = &walkStep{seq: seq, batch: e.batch, step: gongxu.TraceStep{
		Event: e.id, Type: e.typ, Flow: e.flow, BizStep: e.bizStep, Disposition: e.disp, Org: gongxu.OrgID(e.org),
		Time: e.time, Location: e.location, From: from, To: to, Depth: depth,
		Anchor: gongxu.TraceAnchor{Index: e.idx, Leaf: hex.EncodeToString(e.leaf)}}}
}

// addLedgerStep records a ledger link: a receipt, one step per received
// lot; a work order, one step for all its links.
func (w *walker) addLedgerStep(src, dst string, kind, ref int64, depth int) {
	var k string
	var st gongxu.TraceStep
	switch kind {
	case 1:
		k = "l1:" + src + "\x00" + dst
		st = gongxu.TraceStep{Event: fmt.Sprintf("%spo:%d", gongxu.URNPrefix, ref), Type: TraceStepLedger, Flow: "production/receive",
			BizStep: cbvWeb + "BizStep-receiving"}
	default:
		k = fmt.Sprintf("l2:%d", ref)
		st = gongxu.TraceStep{Event: fmt.Sprintf("%swo:%d", gongxu.URNPrefix, ref), Type: TraceStepLedger, Flow: "production/wo_complete",
			BizStep: cbvWeb + "BizStep-commissioning"}
	}
	s := w.steps[k]
	if s == nil {
		if len(w.steps) >= MaxTraceSteps {
			w.truncated = true
			return
		}
		st.From, st.To, st.Depth = []string{}, []string{}, depth
		s = &walkStep{step: st}
		if kind == 1 {
			s.recv = dst
		}
		w.steps[k] = s
	}
	add := func(list *[]string, v string) {
		for _, x := range *list {
			if x == v {
				return
			}
		}
		*list = append(*list, v)
	}
	add(&s.step.From, src)
	add(&s.step.To, dst)
}

// loadEvents reads what the walk needs of events not read yet.
func (w *walker) loadEvents(seqs []int64) error {
	if len(seqs) == 0 {
		return nil
	}
	return func() error {
		rows, err := w.query(w.q.events, jsonList(seqs))
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: read %d events", len(seqs))
		}
		defer rows.Close()
		for rows.Next() {
			var (
				seq  int64
				e    walkEvent
				skip int
			)
			if err := rows.Scan(&seq, &e.id, &e.typ, &e.org, &e.flow, &e.action, &e.bizStep, &e.disp, &e.location,
				&e.time, &e.batch, &e.idx, &e.leaf, &skip); err != nil {
				return gongxu.Wrap(err, "read model: trace: read an event")
			}
			e.skip = skip != 0
			w.events[seq] = &e
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: read events")
	}()
}

// loadIdents reads every identifier of the events not read yet.
func (w *walker) loadIdents(seqs []int64) error {
	var todo []int64
	for _, s := range seqs {
		if e := w.events[s]; e != nil && e.idents == nil {
			e.idents = []identRole{}
			todo = append(todo, s)
		}
	}
	if len(todo) == 0 {
		return nil
	}
	return func() error {
		rows, err := w.query(w.q.idents, jsonList(todo))
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: identifiers of %d events", len(todo))
		}
		defer rows.Close()
		for rows.Next() {
			var (
				seq int64
				id  identRole
			)
			if err := rows.Scan(&seq, &id.role, &id.ident); err != nil {
				return gongxu.Wrap(err, "read model: trace: read an identifier")
			}
			if e := w.events[seq]; e != nil {
				e.idents = append(e.idents, id)
			}
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: identifiers of events")
	}()
}

// graph assembles the walk's result: nodes with their ledger lots, steps
// with their anchors, and (forward) the pools the lots reached.
func (w *walker) graph(start string) (gongxu.TraceGraph, error) {
	g := gongxu.TraceGraph{Start: start, Direction: "back", Nodes: []gongxu.TraceNode{}, Steps: []gongxu.TraceStep{},
		Pools: []gongxu.TracePool{}, Truncated: w.truncated}
	if w.fwd {
		g.Direction = "forward"
	}
	var lotIDs []string
	for id := range w.nodes {
		if l := lotOfKey(id); l != "" {
			lotIDs = append(lotIDs, string(l))
		}
	}
	lots := map[gongxu.LotID]*gongxu.Lot{}
	err := func() error {
		if len(lotIDs) == 0 {
			return nil
		}
		rows, err := w.query(w.q.lots, jsonList(lotIDs))
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: read lots")
		}
		defer rows.Close()
		for rows.Next() {
			var js []byte
			l := new(gongxu.Lot)
			if err := rows.Scan(&js); err != nil {
				return gongxu.Wrap(err, "read model: trace: read a lot")
			}
			if err := json.Unmarshal(js, l); err != nil {
				return gongxu.Wrap(err, "read model: trace: decode a lot")
			}
			lots[l.ID] = l
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: read lots")
	}()
	if err != nil {
		return g, err
	}
	for id, n := range w.nodes {
		g.Nodes = append(g.Nodes, gongxu.TraceNode{ID: id, Depth: n.depth, Lot: lots[lotOfKey(id)]})
	}
	slices.SortFunc(g.Nodes, func(a, b gongxu.TraceNode) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), strings.Compare(a.ID, b.ID))
	})

	// Receipts are anchored by the receiving event of the lot they made.
	for _, s := range w.steps {
		if s.recv == "" {
			continue
		}
		var (
			seq int64
			e   walkEvent
		)
		err := w.queryRow(w.q.receipt, s.recv, roleClass).Scan(&seq, &e.id, &e.org, &e.time, &e.batch, &e.idx, &e.leaf, &e.location, &e.disp)
		switch {
		case err == sql.ErrNoRows:
		case err != nil:
			return g, gongxu.Wrap(err, "read model: trace: the receipt of %s", s.recv)
		default:
			s.seq, s.batch = seq, e.batch
			s.step.Event, s.step.Org, s.step.Time, s.step.Location, s.step.Disposition = e.id, gongxu.OrgID(e.org), e.time, e.location, e.disp
			s.step.Anchor.Index, s.step.Anchor.Leaf = e.idx, hex.EncodeToString(e.leaf)
		}
	}
	var batchIDs []int64
	for _, s := range w.steps {
		if s.seq != 0 {
			batchIDs = append(batchIDs, s.batch)
		}
	}
	type batchRow struct {
		tx           string
		height, time int64
		count        int
		root         string
	}
	batches := map[int64]batchRow{}
	slices.Sort(batchIDs)
	err = func() error {
		if len(batchIDs) == 0 {
			return nil
		}
		rows, err := w.query(w.q.batches, jsonList(slices.Compact(batchIDs)))
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: read batches")
		}
		defer rows.Close()
		for rows.Next() {
			var (
				id int64
				b  batchRow
			)
			if err := rows.Scan(&id, &b.tx, &b.height, &b.time, &b.count, &b.root); err != nil {
				return gongxu.Wrap(err, "read model: trace: read a batch")
			}
			batches[id] = b
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: read batches")
	}()
	if err != nil {
		return g, err
	}
	for _, s := range w.steps {
		st := s.step
		if s.seq != 0 {
			b := batches[s.batch]
			st.Anchor = gongxu.TraceAnchor{Height: b.height, Time: b.time, Tx: b.tx, Index: st.Anchor.Index, Count: b.count,
				Leaf: st.Anchor.Leaf, Root: b.root}
		}
		if st.Type == TraceStepLedger && st.Org == "" && len(st.To) > 0 {
			// No event recorded it: the lot it made says who and when.
			if l := lots[lotOfKey(st.To[0])]; l != nil {
				st.Org, st.Time = l.Owner, l.Created
				st.Anchor.Time = l.Created
			} else {
				st.Org = lotOfKey(st.To[0]).Owner()
			}
		}
		g.Steps = append(g.Steps, st)
	}
	slices.SortFunc(g.Steps, func(a, b gongxu.TraceStep) int {
		return cmp.Or(cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Time, b.Time), strings.Compare(a.Event, b.Event),
			slices.Compare(a.To, b.To), slices.Compare(a.From, b.From))
	})
	if w.fwd {
		if g.Pools, err = w.pools(g.Nodes); err != nil {
			return g, err
		}
	}
	return g, nil
}

// pools returns the pools the reached lots were made for: lots made by a
// work order of a production order that came from a pool. Each pool lists
// the hubs that gathered pledges for it, with their quantity and batches:
// a hub the factory shipped its share to (pool/ship) only when the reached
// lots went to it, with those lots and the pickups of its consumers that
// took goods of them; a hub not shipped yet, always (which lots it gets is
// not known).
func (w *walker) pools(nodes []gongxu.TraceNode) ([]gongxu.TracePool, error) {
	made := map[int64][]gongxu.LotID{}
	var wos []int64
	for _, n := range nodes {
		if n.Lot != nil && n.Lot.WO != 0 && n.Lot.WO <= math.MaxInt64 {
			wo := int64(n.Lot.WO)
			if made[wo] == nil {
				wos = append(wos, wo)
			}
			made[wo] = append(made[wo], n.Lot.ID)
		}
	}
	type poolKey struct{ pool, order int64 }
	byPool := map[poolKey][]gongxu.LotID{}
	err := chunks(wos, func(ids []int64) error {
		rows, err := w.tx.QueryContext(w.ctx, `SELECT w.id, w.ord, o.pool FROM work_orders w JOIN production_orders o ON o.id = w.ord
			WHERE w.id IN (`+placeholders(len(ids))+`) AND o.pool > 0`, anys(ids)...)
		if err != nil {
			return gongxu.Wrap(err, "read model: trace: work orders")
		}
		defer rows.Close()
		for rows.Next() {
			var wo, order, pool int64
			if err := rows.Scan(&wo, &order, &pool); err != nil {
				return gongxu.Wrap(err, "read model: trace: read a work order")
			}
			k := poolKey{pool, order}
			byPool[k] = append(byPool[k], made[wo]...)
		}
		return gongxu.Wrap(rows.Err(), "read model: trace: work orders")
	})
	if err != nil {
		return nil, err
	}
	keys := make([]poolKey, 0, len(byPool))
	for k := range byPool {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b poolKey) int { return cmp.Or(cmp.Compare(a.pool, b.pool), cmp.Compare(a.order, b.order)) })
	out := []gongxu.TracePool{}
	for _, k := range keys {
		lots := byPool[k]
		slices.Sort(lots)
		tp := gongxu.TracePool{Pool: uint64(k.pool), Order: uint64(k.order), Lots: slices.Compact(lots), Hubs: []gongxu.TraceHubShare{}}
		var status string
		err := w.tx.QueryRowContext(w.ctx, `SELECT status FROM pools WHERE id = ?`, k.pool).Scan(&status)
		if err != nil && err != sql.ErrNoRows {
			return nil, gongxu.Wrap(err, "read model: trace: pool %d", k.pool)
		}
		tp.Status = gongxu.PoolStatus(status)
		shares, err := queryJSON[gongxu.HubShare](w.ctx, w.tx, "hub shares", `SELECT json FROM hub_shares WHERE pool = ? ORDER BY hub`, k.pool)
		if err != nil {
			return nil, err
		}
		bs, err := queryJSON[gongxu.Batch](w.ctx, w.tx, "batches", `SELECT json FROM batches WHERE pool = ? ORDER BY height, seq`, k.pool)
		if err != nil {
			return nil, err
		}
		reached := func(lots []gongxu.LotQty) []gongxu.LotQty {
			var out []gongxu.LotQty
			for _, l := range lots {
				if _, ok := slices.BinarySearch(tp.Lots, l.Lot); ok {
					out = append(out, l)
				}
			}
			return out
		}
		for _, s := range shares {
			h := gongxu.TraceHubShare{Hub: s.Hub, Qty: s.Qty, Batches: []gongxu.Batch{}, Delivered: s.Delivered}
			if len(s.Shipped) > 0 {
				if h.Shipped = reached(s.Shipped); len(h.Shipped) == 0 {
					continue // the hub got other lots
				}
				pks, err := queryJSON[gongxu.Pickup](w.ctx, w.tx, "pickups", `SELECT json FROM pickups WHERE pool = ? AND hub = ? ORDER BY height, seq`, k.pool, string(s.Hub))
				if err != nil {
					return nil, err
				}
				for _, pk := range pks {
					if len(reached(pk.Lots)) > 0 {
						h.Pickups = append(h.Pickups, pk)
					}
				}
			}
			for _, b := range bs {
				if b.Hub == s.Hub {
					h.Batches = append(h.Batches, b)
				}
			}
			tp.Hubs = append(tp.Hubs, h)
		}
		out = append(out, tp)
	}
	return out, nil
}

// Recalls lists recalls, newest first, at most limit (DefaultLimit when ≤ 0,
// at most MaxLimit). With hub set, only the recalls whose forward trace
// reaches a pool the hub gathered pledges for: each recall's trace is
// walked, so the newest MaxLimit recalls are the ones looked at.
// Errors: KindInvalid for a malformed hub, KindInternal.
func (db *DB) Recalls(ctx context.Context, hub gongxu.OrgID, limit int) ([]gongxu.Recall, error) {
	limit = clampLimit(limit)
	if hub == "" {
		return queryJSON[gongxu.Recall](ctx, db.r, "recalls", `SELECT json FROM trace_recalls ORDER BY id DESC LIMIT ?`, limit)
	}
	if err := hub.Validate(); err != nil {
		return nil, err
	}
	all, err := queryJSON[gongxu.Recall](ctx, db.r, "recalls", `SELECT json FROM trace_recalls ORDER BY id DESC LIMIT ?`, MaxLimit)
	if err != nil {
		return nil, err
	}
	out := []gongxu.Recall{}
	for _, r := range all {
		if len(out) == limit {
			break
		}
		im, err := db.impact(ctx, r)
		if err != nil {
			return nil, err
		}
		for _, h := range im.Hubs {
			if h.Hub == hub {
				out = append(out, r)
				break
			}
		}
	}
	return out, nil
}

// Recall returns a recall with what it reaches: the forward trace of what
// it names (MaxTraceDepth deep) and, per hub, the quantities and pledge
// batches of the pools reached. Errors: KindNotFound, KindInternal.
func (db *DB) Recall(ctx context.Context, id uint64) (gongxu.RecallImpact, error) {
	var r gongxu.Recall
	if err := db.getByID(ctx, &r, "recall", `SELECT json FROM trace_recalls WHERE id = ?`, id); err != nil {
		return gongxu.RecallImpact{}, err
	}
	return db.impact(ctx, r)
}

func (db *DB) impact(ctx context.Context, r gongxu.Recall) (gongxu.RecallImpact, error) {
	im := gongxu.RecallImpact{Recall: r, Hubs: []gongxu.TraceHubShare{}}
	q, err := db.traceStatements()
	if err != nil {
		return im, err
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return im, gongxu.Wrap(err, "read model: begin trace")
	}
	defer tx.Rollback()
	if im.Trace, err = walk(ctx, tx, q, r.Identifier, MaxTraceDepth, true); err != nil {
		return im, err
	}
	byHub := map[gongxu.OrgID]*gongxu.TraceHubShare{}
	var hubs []gongxu.OrgID
	for _, p := range im.Trace.Pools {
		for _, h := range p.Hubs {
			s := byHub[h.Hub]
			if s == nil {
				s = &gongxu.TraceHubShare{Hub: h.Hub, Batches: []gongxu.Batch{}}
				byHub[h.Hub] = s
				hubs = append(hubs, h.Hub)
			}
			s.Qty += h.Qty
			s.Batches = append(s.Batches, h.Batches...)
			s.Shipped = append(s.Shipped, h.Shipped...)
			s.Delivered = s.Delivered || h.Delivered
			s.Pickups = append(s.Pickups, h.Pickups...)
		}
	}
	slices.Sort(hubs)
	for _, h := range hubs {
		im.Hubs = append(im.Hubs, *byHub[h])
	}
	return im, nil
}
