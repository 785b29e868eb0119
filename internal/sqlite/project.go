package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

// The projector applies the root's event types (gongxu.EventOrg …; their
// attributes are listed there) as follows, and stores every other type in the
// events table only:
//
//	member.org, .proposal, .params, catalog.product, pool.pool (a progress point
//	  when the total changed), .share, .pledge, rfq.rfq, .bid, production.offer,
//	  .order, .po, .wo, .item, .routing, .work_center   upsert
//	member.org_removed                                  delete
//	member.validator                                    upsert, or delete at power 0
//	pool.batch, .pickup, trace.batch                    insert; only in the tx they name
//	trace.event, trace.recall                           insert, in order, without gaps
//	settle.move                                         insert, and update both balances
//	production.lot                                      upsert; delta must follow the quantity held
//	production.bom                                      replaces the parent's lines
//
// and records, beside, the facts reputations count (project_reputation.go):
// production.po and pool.share once they are obligations, trace.recall by the
// maker of its lot, and the dispute events the dispute module will emit.

// Project projects one committed block in one SQL transaction.
//
// A block at or below the last projected height is skipped and Project
// returns nil, unless its hash differs from the one projected at that height.
// Events are applied in the order they happened: the block's Events (genesis,
// deadlines: before its txs), then for each successful tx (Code 0), in index
// order, its events, then the block's EndEvents. The events of failed txs are
// ignored. On any error nothing of the block is visible.
//
// Errors: KindConflict when b is not the next block (the message names the
// height expected; catch up from the block store) or when a block already
// projected at that height has another hash; KindInvalid for a malformed
// block or event (a bad json attr, a non-decimal id or power, a tx index that
// is not its position); KindInternal for SQL failures.
func (db *DB) Project(ctx context.Context, b gongxu.CommittedBlock) error {
	return db.project(ctx, []gongxu.CommittedBlock{b})
}

// ProjectBlocks projects many blocks, in the order given, in one SQL
// transaction (for reindexing). The rules and errors are those of Project; on
// any error nothing of any of the blocks is visible.
func (db *DB) ProjectBlocks(ctx context.Context, bs []gongxu.CommittedBlock) error {
	if len(bs) == 0 {
		return nil
	}
	return db.project(ctx, bs)
}

// Reset empties every table of the read model, leaving the schema; the
// height becomes 0. Reindexing starts from here. Errors: KindInternal.
func (db *DB) Reset(ctx context.Context) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return gongxu.Wrap(err, "read model: begin reset")
	}
	defer tx.Rollback()
	// Children before parents, for the foreign keys.
	for _, t := range append(append(demandTables, // the demand projection (project_demand.go)
		"rep_po_lines", "rep_shares", "rep_disputes", "rep_recalls"), // reputation facts (project_reputation.go)
		"products", "pools", "pool_hubs", "pool_progress", "hub_shares", "pledges", "batches", "pickups", "movement_accts", "movements", "balances",
		"rfqs", "bids", "disputes", "leg_lots", "legs", "supply_offers", "production_orders", "po_late", "purchase_orders", "work_orders", "lots",
		"items", "bom_lines", "routings", "work_centers",
		"trace_batches", "trace_events", "trace_records", "trace_idents", "trace_recall_acks", "trace_recalls", "trace_links",
		"app_versions", "event_types", "events", "txs", "blocks", "orgs", "proposals", "validators", "params", "meta",
	) {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+t); err != nil {
			return gongxu.Wrap(err, "read model: reset %s", t)
		}
	}
	if err := tx.Commit(); err != nil {
		return gongxu.Wrap(err, "read model: commit reset")
	}
	db.repC.put("", -1, repCached{}) // forget the reputations computed before
	db.carry.forget()
	return nil
}

func (db *DB) project(ctx context.Context, bs []gongxu.CommittedBlock) error {
	kept, err := db.projS.get(ctx, db.w) // before the transaction takes the one connection
	if err != nil {
		return err
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return gongxu.Wrap(err, "read model: begin projection")
	}
	defer tx.Rollback()
	p, err := newProjectorWith(ctx, tx, kept)
	if err != nil {
		return err
	}
	defer p.close()
	p.legacy, p.jsonOnly, p.evsJSON, p.demandOne = db.projLegacy, db.projJSON, db.evsJSON, db.demandOne

	last, err := lastHeight(ctx, tx)
	if err != nil {
		return err
	}
	db.carry.take(p, last) // rows the last projection knew (project_write.go)
	start := last
	if !p.legacy { // (rolled back with the rest when nothing is projected)
		// The first height whose txs hold their events (migration 0024).
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('evs_from', ?) ON CONFLICT (key) DO NOTHING`,
			last+1); err != nil {
			return gongxu.Wrap(err, "read model: store evs_from")
		}
	}
	for i := range bs {
		b := &bs[i]
		if b.Height < 1 {
			return gongxu.Errorf(gongxu.KindInvalid, "read model: block height %d, want ≥ 1", b.Height)
		}
		if b.Height <= last {
			if err := p.checkProjected(b); err != nil {
				return err
			}
			continue
		}
		if b.Height != last+1 {
			return gongxu.Errorf(gongxu.KindConflict,
				"read model is at height %d and expects block %d next, got block %d", last, last+1, b.Height)
		}
		if err := p.block(b); err != nil {
			return err
		}
		last = b.Height
	}
	if last == start {
		return nil // all skipped; nothing written
	}
	if err := p.flushWrites(); err != nil {
		return prefix(err, "read model: blocks up to %d", last)
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO meta (key, value) VALUES ('height', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		last); err != nil {
		return gongxu.Wrap(err, "read model: store height %d", last)
	}
	if err := tx.Commit(); err != nil {
		return gongxu.Wrap(err, "read model: commit blocks up to %d", last)
	}
	db.carry.put(p, db.w, last)
	return nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func lastHeight(ctx context.Context, q querier) (int64, error) {
	var h int64
	err := q.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'height'`).Scan(&h)
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return h, gongxu.Wrap(err, "read model: read height")
}

// projector holds the statements of one projection transaction.
type projector struct {
	ctx                                  context.Context
	tx                                   *sql.Tx
	blockHash, insBlock, insTx, insEvent *sql.Stmt
	upOrg, delOrg, upProposal            *sql.Stmt
	upValidator, delValidator, upParams  *sql.Stmt
	poolStmts
	prodStmts
	traceStmts
	demandStmts
	repStmts
	bufs                                      // rows written many per statement (project_write.go)
	demandFolds                               // demand increments folded per row (project_write.go)
	dec          decoded                      // the event last decoded (project_write.go)
	evTypes      map[string][]int             // the block's tx event types: the txs with one, ascending (project_write.go)
	moveAccts    map[gongxu.AccountID][]int   // the block's movements by account: their seqs, ascending (project_write.go)
	orgs         map[gongxu.OrgID]*gongxu.Org // orgs updated in the block, written at its end
	legacy       bool                         // write every row as its event is applied, decode per reader (as before issue 17)
	jsonOnly     bool                         // no hand decoder of the pool events (DB.projJSON)
	evsJSON      bool                         // a tx's events record as JSON, not binary (DB.evsJSON)
	demandOne    bool                         // the demand folds one row per statement (DB.demandOne)
	stmts        []*sql.Stmt
	height, time int64  // of the block being projected
	txHash       string // of the tx whose events are being applied; "" for block-level events
	txIdx        int    // its index in the block
	seq          int    // next event seq in the block
}

func newProjector(ctx context.Context, tx *sql.Tx) (*projector, error) {
	return newProjectorWith(ctx, tx, nil)
}

// newProjectorWith is newProjector taking the statements kept prepared on
// the writer connection (projStatements) when kept has them: a statement
// prepared on the connection the transaction runs on is not prepared again.
func newProjectorWith(ctx context.Context, tx *sql.Tx, kept map[string]*sql.Stmt) (*projector, error) {
	p := &projector{ctx: ctx, tx: tx}
	for _, s := range p.defs() {
		var st *sql.Stmt
		var err error
		if k := kept[s.sql]; k != nil {
			st = tx.StmtContext(ctx, k)
		} else {
			st, err = tx.PrepareContext(ctx, s.sql)
		}
		if err != nil {
			p.close()
			return nil, gongxu.Wrap(err, "read model: prepare %q", firstLine(s.sql))
		}
		*s.dst = st
		p.stmts = append(p.stmts, st)
	}
	return p, nil
}

// projStatements are the projection's statements prepared once on the
// writer (one connection) and kept: preparing the projection's statements
// again for every transaction cost about a tenth of a bulk projection's
// time, and most of projecting a small block (bench read's profile of
// BenchmarkProject*).
type projStatements struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
	shut  bool
	off   bool // prepare in every transaction, as before (BenchmarkProjectKept's comparison)
}

// get prepares the statements on w the first time. It must not be called
// inside a transaction of w (the one connection is then taken).
func (ps *projStatements) get(ctx context.Context, w *sql.DB) (map[string]*sql.Stmt, error) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	if ps.stmts != nil || ps.shut || ps.off {
		return ps.stmts, nil
	}
	m := map[string]*sql.Stmt{}
	for _, s := range (&projector{}).defs() {
		if m[s.sql] != nil {
			continue
		}
		st, err := w.PrepareContext(ctx, s.sql)
		if err != nil {
			for _, st := range m {
				st.Close()
			}
			return nil, gongxu.Wrap(err, "read model: prepare %q", firstLine(s.sql))
		}
		m[s.sql] = st
	}
	ps.stmts = m
	return m, nil
}

func (ps *projStatements) close() {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for _, st := range ps.stmts {
		st.Close()
	}
	ps.stmts, ps.shut = nil, true
}

// defs are the projection's statements, each with where p keeps it.
func (p *projector) defs() []stmtDef {
	return append([]stmtDef{
		{&p.blockHash, `SELECT hash FROM blocks WHERE height = ?`},
		{&p.insBlock, `INSERT INTO blocks (height, time, hash, app_hash, num_txs) VALUES (?, ?, ?, ?, ?)`},
		// A tx hash seen before (a proposer may include the same bytes twice;
		// the copy fails on its sequence) keeps its first record.
		{&p.insTx, `INSERT INTO txs (hash, height, idx, time, type, signer, org, code, kind, message, events, ev_seq, ev_n, evs)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (hash) DO NOTHING`},
		{&p.insEvent, `INSERT INTO events (height, seq, tx_index, type, attrs) VALUES (?, ?, ?, ?, ?)`},
		{&p.upOrg, `INSERT INTO orgs (id, name, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET name = excluded.name, json = excluded.json, height = excluded.height`},
		{&p.delOrg, `DELETE FROM orgs WHERE id = ?`},
		{&p.upProposal, `INSERT INTO proposals (id, status, kind, json, height) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET status = excluded.status, kind = excluded.kind, json = excluded.json, height = excluded.height`},
		{&p.upValidator, `INSERT INTO validators (pub_key, power, org, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (pub_key) DO UPDATE SET power = excluded.power, org = excluded.org, height = excluded.height`},
		{&p.delValidator, `DELETE FROM validators WHERE pub_key = ?`},
		{&p.upParams, `INSERT INTO params (id, json, height) VALUES (1, ?, ?)
			ON CONFLICT (id) DO UPDATE SET json = excluded.json, height = excluded.height`},
	}, append(append(append(p.poolStmts.defs(), p.prodStmts.defs()...), p.traceStmts.defs()...), append(append(p.demandStmts.defs(), p.repStmts.defs()...), p.bufs.defs()...)...)...)
}

// stmtDef is a statement to prepare for a projection, and where to keep it.
type stmtDef struct {
	dst *(*sql.Stmt)
	sql string
}

func (p *projector) close() {
	for _, s := range p.stmts {
		s.Close()
	}
}

// checkProjected checks that a block being skipped is the one projected.
func (p *projector) checkProjected(b *gongxu.CommittedBlock) error {
	var have string
	err := p.blockHash.QueryRowContext(p.ctx, b.Height).Scan(&have)
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return gongxu.Wrap(err, "read model: read block %d", b.Height)
	}
	if have != "" && b.Hash != "" && !strings.EqualFold(have, b.Hash) {
		return gongxu.Errorf(gongxu.KindConflict,
			"read model holds block %d with hash %s, got hash %s: it belongs to another chain; reindex it",
			b.Height, have, b.Hash)
	}
	return nil
}

func (p *projector) block(b *gongxu.CommittedBlock) error {
	p.height, p.time, p.seq = b.Height, b.Time, 0
	if _, err := p.insBlock.ExecContext(p.ctx, b.Height, b.Time, b.Hash, b.AppHash, len(b.Txs)); err != nil {
		return gongxu.Wrap(err, "read model: insert block %d", b.Height)
	}
	for j := range b.Events {
		if err := p.event(-1, &b.Events[j]); err != nil {
			return prefix(err, "read model: block %d block event %d (%s)", b.Height, j, b.Events[j].Type)
		}
	}
	for i := range b.Txs {
		t := &b.Txs[i]
		if err := p.txRecord(i, t); err != nil {
			return err
		}
		if t.Code != 0 {
			continue // a failed tx changed nothing
		}
		p.txHash, p.txIdx = t.Hash, i
		for j := range t.Events {
			if err := p.event(t.Index, &t.Events[j]); err != nil {
				return prefix(err, "read model: block %d tx %d (%s) event %d (%s)",
					b.Height, t.Index, t.Hash, j, t.Events[j].Type)
			}
		}
		if err := p.traceTxDone(); err != nil {
			return prefix(err, "read model: block %d tx %d (%s)", b.Height, t.Index, t.Hash)
		}
	}
	p.txHash = ""
	for j := range b.EndEvents {
		if err := p.event(-1, &b.EndEvents[j]); err != nil {
			return prefix(err, "read model: block %d end event %d (%s)", b.Height, j, b.EndEvents[j].Type)
		}
	}
	if err := p.addEventTypes(); err != nil { // project_write.go
		return prefix(err, "read model: block %d", b.Height)
	}
	if err := p.addMoveAccts(); err != nil { // project_write.go
		return prefix(err, "read model: block %d", b.Height)
	}
	return prefix(p.flush(), "read model: block %d", b.Height)
}

func (p *projector) txRecord(i int, t *gongxu.TxRecord) error {
	if t.Index != i {
		return gongxu.Errorf(gongxu.KindInvalid, "block %d: tx at position %d has index %d", p.height, i, t.Index)
	}
	if t.Height != 0 && t.Height != p.height {
		return gongxu.Errorf(gongxu.KindInvalid, "block %d: tx %d says height %d", p.height, i, t.Height)
	}
	if _, err := hex.DecodeString(t.Hash); err != nil || t.Hash == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "block %d: tx %d has hash %q, want hex", p.height, i, t.Hash)
	}
	// The tx's events are stored once: in its row's evs (migration 0024),
	// seqs p.seq on; the legacy path stores them in the events table, as
	// before issue 17, and keeps its JSON copy in events too.
	var events, evs any // NULL
	n := 0
	if t.Code == 0 {
		n = len(t.Events)
	}
	if n > 0 && p.legacy {
		js, err := json.Marshal(t.Events)
		if err != nil {
			return gongxu.Wrap(err, "read model: encode events of tx %s", t.Hash)
		}
		events = js
	} else if n > 0 && p.evsJSON {
		evs = appendEvents(make([]byte, 0, eventsSize(t.Events)), t.Events) // json.Marshal's bytes (migration 0024's form)
	} else if n > 0 {
		evs = appendEvs(make([]byte, 0, evsSize(t.Events)), t.Events) // binary, or json.Marshal's bytes (evs.go)
	}
	err := p.addRow(&p.txRows, p.insTx, t.Hash, p.height, i, p.time, t.Type, string(t.Signer), string(t.Org),
		int64(t.Code), t.Kind, t.Message, events, p.seq, n, evs)
	return prefix(err, "read model: insert tx %d of block %d", i, p.height) // keeps a batch recorded before KindInvalid (txsNotStored)
}

// event stores ev in the events table and applies it when it is one of ours.
// txIndex is -1 for a block-level event.
func (p *projector) event(txIndex int, ev *gongxu.Event) error {
	var js []byte
	switch {
	case !p.legacy && txIndex >= 0:
		// Stored in the tx's row; event_types indexes it by type.
		if p.evTypes == nil {
			p.evTypes = map[string][]int{}
		}
		if l := p.evTypes[ev.Type]; len(l) == 0 || l[len(l)-1] != txIndex {
			p.evTypes[ev.Type] = append(l, txIndex)
		}
	case p.legacy:
		attrs := ev.Attrs
		if attrs == nil {
			attrs = []gongxu.Attr{}
		}
		var err error
		if js, err = json.Marshal(attrs); err != nil {
			return gongxu.Wrap(err, "encode attrs")
		}
	default:
		js = appendAttrs(make([]byte, 0, attrsSize(ev.Attrs)), ev.Attrs) // json.Marshal's bytes, without reflection
	}
	if js != nil {
		if err := p.addRow(&p.eventRows, p.insEvent, p.height, p.seq, txIndex, ev.Type, js); err != nil {
			return gongxu.Wrap(err, "insert event")
		}
	}
	p.seq++
	p.dec = decoded{}
	if err := p.demand(ev); err != nil { // demand facts (project_demand.go), before the event's own projection
		return err
	}
	if err := p.reputation(ev); err != nil { // reputation facts (project_reputation.go)
		return err
	}
	switch ev.Type {
	case gongxu.EventOrg:
		return p.org(ev)
	case gongxu.EventOrgRemoved:
		id := ev.Get("org")
		if id == "" {
			return gongxu.Errorf(gongxu.KindInvalid, "missing org attr")
		}
		delete(p.orgs, gongxu.OrgID(id)) // an update earlier in the block, not written yet
		_, err := p.delOrg.ExecContext(p.ctx, id)
		return gongxu.Wrap(err, "delete org %s", id)
	case gongxu.EventProposal:
		return p.proposal(ev)
	case gongxu.EventUpgrade:
		return p.upgrade(ev)
	case gongxu.EventValidator:
		return p.validator(ev)
	case gongxu.EventParams:
		var pm gongxu.Params
		if err := decode(ev, &pm); err != nil {
			return err
		}
		js, _ := json.Marshal(pm)
		_, err := p.upParams.ExecContext(p.ctx, js, p.height)
		return gongxu.Wrap(err, "store params")
	case gongxu.EventProduct:
		return p.product(ev)
	case gongxu.EventPool:
		return p.pool(ev)
	case gongxu.EventShare:
		return p.share(ev)
	case gongxu.EventPledge:
		return p.pledge(ev)
	case gongxu.EventBatch:
		return p.batch(ev)
	case gongxu.EventPickup:
		return p.pickup(ev)
	case gongxu.EventMove:
		return p.move(ev)
	case gongxu.EventRFQ:
		return p.rfq(ev)
	case gongxu.EventBid:
		return p.bid(ev)
	case gongxu.EventOffer:
		return p.offer(ev)
	case gongxu.EventOrder:
		return p.order(ev)
	case gongxu.EventPO:
		return p.po(ev)
	case gongxu.EventPOLate:
		return p.poLate(ev) // project_late.go
	case gongxu.EventPOLateShipment:
		return p.poLateShipment(ev)
	case gongxu.EventWO:
		return p.wo(ev)
	case gongxu.EventLot:
		return p.lot(ev)
	case gongxu.EventItem:
		return p.item(ev)
	case gongxu.EventBOM:
		return p.bom(ev)
	case gongxu.EventRouting:
		return p.routing(ev)
	case gongxu.EventWorkCenter:
		return p.workCenter(ev)
	case gongxu.EventTraceBatch:
		return p.traceBatch(ev)
	case gongxu.EventTraceEvent:
		return p.traceEvent(ev)
	case gongxu.EventTraceRecall:
		return p.traceRecall(ev)
	case gongxu.EventTraceRecallAck:
		return p.traceRecallAck(ev) // project_recall_ack.go
	}
	if isDisputeEvent(ev.Type) {
		return p.dispute(ev) // project_dispute.go
	}
	if isLegEvent(ev.Type) {
		return p.leg(ev) // project_legs.go
	}
	return nil
}

func (p *projector) org(ev *gongxu.Event) error {
	var o gongxu.Org
	if err := p.decode(ev, &o); err != nil {
		return err
	}
	if err := o.ID.Validate(); err != nil {
		return err
	}
	if id := ev.Get("org"); id != string(o.ID) {
		return gongxu.Errorf(gongxu.KindInvalid, "org attr %q does not match json id %q", id, o.ID)
	}
	if !p.legacy {
		// Written once per block, as it last was (flushOrgs): a hub
		// updating its org in many txs of a block wrote it as often.
		if p.orgs == nil {
			p.orgs = map[gongxu.OrgID]*gongxu.Org{}
		}
		p.orgs[o.ID] = &o
		return nil
	}
	return p.writeOrg(&o)
}

func (p *projector) writeOrg(o *gongxu.Org) error {
	js, _ := json.Marshal(o)
	_, err := p.upOrg.ExecContext(p.ctx, string(o.ID), o.Name, js, p.height)
	return gongxu.Wrap(err, "upsert org %s", o.ID)
}

// flushOrgs writes the orgs updated in the block, by id.
func (p *projector) flushOrgs() error {
	if len(p.orgs) == 0 {
		return nil
	}
	ids := make([]gongxu.OrgID, 0, len(p.orgs))
	for id := range p.orgs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		if err := p.writeOrg(p.orgs[id]); err != nil {
			return err
		}
	}
	clear(p.orgs)
	return nil
}

func (p *projector) proposal(ev *gongxu.Event) error {
	id, err := strconv.ParseUint(ev.Get("id"), 10, 63)
	if err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "id attr %q is not a decimal proposal id", ev.Get("id"))
	}
	var pr gongxu.Proposal
	if err := decode(ev, &pr); err != nil {
		return err
	}
	if pr.ID != id {
		return gongxu.Errorf(gongxu.KindInvalid, "id attr %d does not match json id %d", id, pr.ID)
	}
	if s := ev.Get("status"); s != string(pr.Status) || s == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "status attr %q does not match json status %q", s, pr.Status)
	}
	js, _ := json.Marshal(pr)
	_, err = p.upProposal.ExecContext(p.ctx, int64(id), string(pr.Status), string(pr.Kind), js, p.height)
	return gongxu.Wrap(err, "upsert proposal %d", id)
}

func (p *projector) validator(ev *gongxu.Event) error {
	key := gongxu.PubKey(ev.Get("pub_key"))
	if err := key.Validate(); err != nil {
		return err
	}
	power, err := strconv.ParseInt(ev.Get("power"), 10, 64)
	if err != nil || power < 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "power attr %q is not a non-negative decimal", ev.Get("power"))
	}
	if power == 0 {
		_, err := p.delValidator.ExecContext(p.ctx, string(key))
		return gongxu.Wrap(err, "delete validator %s", key)
	}
	org := ev.Get("org")
	if err := gongxu.OrgID(org).Validate(); err != nil {
		return err
	}
	_, err = p.upValidator.ExecContext(p.ctx, string(key), power, org, p.height)
	return gongxu.Wrap(err, "upsert validator %s", key)
}

// decode unmarshals the event's json attr into v. Unknown fields are allowed,
// so a newer writer does not stop an older read model.
func decode(ev *gongxu.Event, v any) error {
	raw := ev.Get("json")
	if raw == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "missing json attr")
	}
	if !strings.HasPrefix(strings.TrimSpace(raw), "{") {
		return gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: want an object, got %.40q", raw)
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: %v", err)
	}
	return nil
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

// prefix puts context in front of an error's message, keeping its kind and cause.
func prefix(err error, format string, args ...any) error {
	var e *gongxu.Error
	if !errors.As(err, &e) {
		return gongxu.Wrap(err, format, args...)
	}
	return &gongxu.Error{Kind: e.Kind, Msg: fmt.Sprintf(format, args...) + ": " + e.Msg, Err: e.Err}
}
