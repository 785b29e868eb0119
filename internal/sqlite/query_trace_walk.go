package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/epcis"
)

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
				WHERE i.ident = ?1 AND i.role = ?2 AND e.flow = '` + gongxu.FlowReceive + `' AND e.decl = 0 AND e.erroneous = 0
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

// level expands the nodes at depth d and returns the nodes found at d+1:
// the events naming the frontier, split into edges and observations; the
// edges followed; the observations recorded; the ledger's links of the
// frontier's lots followed.
func (w *walker) level(frontier []string, d int) ([]string, error) {
	names, err := w.namings(frontier)
	if err != nil {
		return nil, err
	}
	if err := w.loadEvents(w.unread(names)); err != nil {
		return nil, err
	}
	edges, obs := w.classify(names)
	if err := w.loadIdents(edgeSeqs(edges)); err != nil {
		return nil, err
	}
	x := &expansion{w: w, depth: d}
	for _, ed := range edges {
		x.follow(ed)
	}
	w.observe(obs, d)
	err = x.ledgerLinks(frontier)
	return x.next, err
}

// naming is one row of trace_idents: an event naming an identifier in a role.
type naming struct {
	ident string
	role  int
	seq   int64
}

// levelRoles are the roles a level reads (gongxu.TraceWalkRoles), as the
// names statement takes them: roles only a transformation has, in the
// direction not walked, need not be read.
func levelRoles(fwd bool) string { return jsonList(gongxu.TraceWalkRoles(fwd)) }

// namings reads the events naming the frontier's identifiers, at most
// maxLevelRows (more truncates the walk).
func (w *walker) namings(frontier []string) ([]naming, error) {
	rows, err := w.query(w.q.names, jsonList(frontier), levelRoles(w.fwd), maxLevelRows+1)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: trace: events naming %d identifiers", len(frontier))
	}
	defer rows.Close()
	var names []naming
	for rows.Next() {
		var n naming
		if err := rows.Scan(&n.ident, &n.role, &n.seq); err != nil {
			return nil, gongxu.Wrap(err, "read model: trace: read an identifier")
		}
		if len(names) == maxLevelRows {
			w.truncated = true
			break
		}
		names = append(names, n)
	}
	return names, gongxu.Wrap(rows.Err(), "read model: trace: events naming identifiers")
}

// unread returns the events of names the walk has not met yet, once each,
// and marks them met.
func (w *walker) unread(names []naming) []int64 {
	var seqs []int64
	for _, n := range names {
		if _, ok := w.events[n.seq]; !ok {
			w.events[n.seq] = nil
			seqs = append(seqs, n.seq)
		}
	}
	return seqs
}

// edge is an event a level follows: the roles of the step's From and To,
// the roles of the nodes it leads to, and the mode those nodes get.
type edge struct {
	seq      int64
	from, to []int
	other    []int
	mode     int
}

// observations are the events of a level that are steps, not edges, with
// the nodes each saw: seqs in the order met.
type observations struct {
	seqs   []int64
	things map[int64][]string
}

func (o *observations) add(seq int64, ident string) {
	if o.things[seq] == nil {
		o.seqs = append(o.seqs, seq)
	}
	if !slices.Contains(o.things[seq], ident) {
		o.things[seq] = append(o.things[seq], ident)
	}
}

// classify sorts the events of a level into the edges to follow, each
// once, and the observations.
func (w *walker) classify(names []naming) ([]edge, observations) {
	var edges []edge
	obs := observations{things: map[int64][]string{}}
	seen := map[int64]bool{}
	for _, n := range names {
		e := w.events[n.seq]
		node := w.nodes[n.ident]
		if e == nil || e.skip || node == nil {
			continue
		}
		if !e.links() {
			obs.add(n.seq, n.ident)
			continue
		}
		if seen[n.seq] {
			continue
		}
		if ed, ok := w.edgeOf(e, n, node); ok {
			edges = append(edges, ed)
			seen[n.seq] = true
		}
	}
	return edges, obs
}

// links says whether an event links things (a transformation, an
// aggregation ADD or OBSERVE) rather than observing them.
func (e *walkEvent) links() bool {
	return e.typ == epcis.TransformationEvent || e.aggregates()
}

func (e *walkEvent) aggregates() bool {
	return e.typ == epcis.AggregationEvent && (e.action == "ADD" || e.action == "OBSERVE")
}

// edgeOf returns the edge a linking event is from a node it names in
// n.role, in the walk's direction; false when it leads the other way.
func (w *walker) edgeOf(e *walkEvent, n naming, node *walkNode) (edge, bool) {
	isOutput := n.role == roleOutput || n.role == roleOutputClass
	isInput := n.role == roleInput || n.role == roleInputClass
	isChild := n.role == roleChild || n.role == roleChildClass
	transforms := e.typ == epcis.TransformationEvent
	switch {
	case transforms && !w.fwd && isOutput && node.mode == modeFull:
		return edge{n.seq, inputRoles, outputRoles, inputRoles, modeFull}, true
	case transforms && w.fwd && isInput:
		return edge{n.seq, inputRoles, outputRoles, outputRoles, modeFull}, true
	case e.aggregates() && !w.fwd && n.role == roleParent && node.mode == modeFull:
		return edge{n.seq, childRoles, parentRoles, childRoles, modeFull}, true
	case e.aggregates() && isChild:
		return edge{n.seq, childRoles, parentRoles, parentRoles, modeContainer}, true
	}
	return edge{}, false
}

func edgeSeqs(edges []edge) []int64 {
	var seqs []int64
	for _, e := range edges {
		seqs = append(seqs, e.seq)
	}
	return seqs
}

// expansion is one level being expanded: the nodes it reached for the
// next level.
type expansion struct {
	w     *walker
	depth int
	next  []string
}

// reach adds a node found at the next level, or expands fully a container
// reached again as an input.
func (x *expansion) reach(id string, mode int) {
	w := x.w
	n := w.nodes[id]
	switch {
	case n == nil:
		if w.full() {
			w.truncated = true
			return
		}
		w.nodes[id] = &walkNode{depth: x.depth + 1, mode: mode}
		x.next = append(x.next, id)
	case n.mode == modeContainer && mode == modeFull:
		n.mode = modeFull // reached as an input too: expand it fully
		x.next = append(x.next, id)
	}
}

// beyond marks the walk truncated when it stops at its depth with ids
// not reached; it says whether the walk stops here.
func (x *expansion) beyond(ids ...string) bool {
	if x.depth < x.w.maxDepth {
		return false
	}
	for _, o := range ids {
		if x.w.nodes[o] == nil {
			x.w.truncated = true
		}
	}
	return true
}

// follow records an edge's step, the lot pairs it links, and reaches the
// nodes it leads to.
func (x *expansion) follow(ed edge) {
	w := x.w
	e := w.events[ed.seq]
	others := pick(e.idents, ed.other)
	if x.beyond(others...) {
		return
	}
	from, to := pick(e.idents, ed.from), pick(e.idents, ed.to)
	w.addEventStep(ed.seq, e, x.depth+1, from, to)
	w.cover(from, to)
	mode := modeFull
	if !w.fwd {
		mode = ed.mode
	}
	for _, o := range others {
		x.reach(o, mode)
	}
}

// cover remembers the lot pairs an event step links, so that the ledger's
// link between them is not a step of its own.
func (w *walker) cover(from, to []string) {
	for _, f := range from {
		for _, t := range to {
			if lotOfKey(f) != "" && lotOfKey(t) != "" {
				w.covered[[2]string{f, t}] = true
			}
		}
	}
}

// observe records each observation's step at depth d, naming the nodes it saw.
func (w *walker) observe(obs observations, d int) {
	for _, seq := range obs.seqs {
		slices.Sort(obs.things[seq])
		w.addEventStep(seq, w.events[seq], d, obs.things[seq], obs.things[seq])
	}
}

// ledgerLinks follows the ledger's links of the frontier's lots (backward,
// of those walked fully).
func (x *expansion) ledgerLinks(frontier []string) error {
	w := x.w
	var lots []string
	for _, id := range frontier {
		if lotOfKey(id) != "" && (w.fwd || w.nodes[id].mode == modeFull) {
			lots = append(lots, id)
		}
	}
	if len(lots) == 0 {
		return nil
	}
	st := w.q.back
	if w.fwd {
		st = w.q.fwd
	}
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
		x.followLink(src, dst, kind, ref)
	}
	return gongxu.Wrap(rows.Err(), "read model: trace: ledger links")
}

// followLink records a ledger link's step, unless an event step already
// links the two lots, and reaches the lot at its other end.
func (x *expansion) followLink(src, dst string, kind, ref int64) {
	w := x.w
	other := src
	if w.fwd {
		other = dst
	}
	if x.beyond(other) {
		return
	}
	if !w.covered[[2]string{src, dst}] {
		w.addLedgerStep(src, dst, kind, ref, x.depth+1)
	}
	x.reach(other, modeFull)
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
		st = gongxu.TraceStep{Event: fmt.Sprintf("%spo:%d", gongxu.URNPrefix, ref), Type: TraceStepLedger, Flow: gongxu.FlowReceive,
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
