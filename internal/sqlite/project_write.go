package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

// The projection's writer layer (issue 17: the read model's projection in
// bulk). These make a block of hub batches cheap to project, each without
// changing a row of the final tables:
//
//   - rowBuf: the append-only rows (txs, events, movements, hub batches)
//     are written many per INSERT statement instead of one: SQLite's cost
//     per statement (bind, step, reset, the driver's round trip) was most
//     of the cost of such a row;
//   - demand folds: the demand facts and open positions are sums, so the
//     increments of a projection are added in memory per row and each row
//     written once at the end (a block of 1,000 batches from 100 hubs
//     wrote each hub's rows once per batch);
//   - decoded: an event's json attr is decoded once, though the demand,
//     reputation and the event's own projection each read it, and kept as
//     emitted when it is compact already;
//   - projCarry: each hub's last share and the balances a committed
//     projection knew are handed to the next instead of read back.
//
// The per-event path (every row written when its event is applied, as
// before) stays callable: DB.projLegacy, for the test that projects the
// same chains both ways and compares every table, and for the benchmark.

// bufRows is the most rows one buffered INSERT carries (with 13 columns,
// well under SQLite's limit of 32,766 variables). A buffer's rows are
// written in statements of bufRows, 32, 16 … 1 rows (the binary digits of
// what is left at the end), each prepared once on the writer and kept
// (projStatements), so that a transaction of a small block prepares none.
const bufRows = 64

// bufSizes are the row counts of a buffer's statements, largest first.
var bufSizes = [...]int{64, 32, 16, 8, 4, 2, 1}

// rowBuf collects the rows of one INSERT and writes them bufRows at a time
// in the order added. The rows must not be read back before flushRows: no
// projection reads the tables written this way.
type rowBuf struct {
	head, tail string // INSERT INTO t (cols) VALUES … tail (ON CONFLICT …)
	ncol       int
	args       []any
	stmts      [len(bufSizes)]*sql.Stmt // by bufSizes
}

// sql is b's statement of n rows.
func (b *rowBuf) sql(n int) string {
	var sb strings.Builder
	sb.WriteString(b.head)
	row := "(" + strings.Repeat("?, ", b.ncol-1) + "?)"
	for i := range n {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
	}
	sb.WriteString(b.tail)
	return sb.String()
}

// bufs are the projector's row buffers, in flush order.
type bufs struct {
	txRows, eventRows, typeRows, moveRows, acctRows, batchRows rowBuf
	factRows, openRows                                         rowBuf             // the demand folds' upserts, written at flushDemand (and flushDemandOpen)
	batchTxs                                                   map[string]batchAt // batches added in this projection, by upper-case tx
	dupTxs                                                     map[string]int     // tx rows of this projection not stored (their hash recorded before), by upper-case hash: their index
}

// defs are the buffers' statements, each with where p keeps it.
func (s *bufs) defs() []stmtDef {
	s.txRows = rowBuf{head: `INSERT INTO txs (hash, height, idx, time, type, signer, org, code, kind, message, events, ev_seq, ev_n, evs) VALUES `,
		tail: ` ON CONFLICT (hash) DO NOTHING`, ncol: 14}
	s.eventRows = rowBuf{head: `INSERT INTO events (height, seq, tx_index, type, attrs) VALUES `, ncol: 5}
	s.typeRows = rowBuf{head: `INSERT INTO event_types (type, height, txs) VALUES `, ncol: 3}
	s.moveRows = rowBuf{head: `INSERT INTO movements (height, seq, time, tx, from_acct, to_acct, currency, amount, reason, ref) VALUES `, ncol: 10}
	s.acctRows = rowBuf{head: `INSERT INTO movement_accts (acct, height, seqs) VALUES `, ncol: 3}
	// No index on tx (migration 0026): addBatch and txsNotStored find a
	// batch of a tx recorded before.
	s.batchRows = rowBuf{head: `INSERT INTO batches (tx, pool, hub, height, seq, json) VALUES `, ncol: 6}
	// The demand folds' rows: upserts many per statement, as demandStmts'
	// dFact and dOpen one by one (the rows of a statement have distinct
	// keys, so each adds to its own row as the single-row statement did).
	s.factRows = rowBuf{head: `INSERT INTO demand_facts (product, variant, hub, day, pool, contributor, currency,
			pledged_units, pledged_money, captured_units, captured_money, refunded_units, refunded_money, picked_units, picked_money, consumers) VALUES `,
		tail: ` ON CONFLICT (product, variant, hub, day, pool, contributor) DO UPDATE SET
			pledged_units = pledged_units + excluded.pledged_units, pledged_money = pledged_money + excluded.pledged_money,
			captured_units = captured_units + excluded.captured_units, captured_money = captured_money + excluded.captured_money,
			refunded_units = refunded_units + excluded.refunded_units, refunded_money = refunded_money + excluded.refunded_money,
			picked_units = picked_units + excluded.picked_units, picked_money = picked_money + excluded.picked_money,
			consumers = consumers + excluded.consumers`, ncol: 16}
	s.openRows = rowBuf{head: `INSERT INTO demand_open (pool, hub, variant, contributor, units, money) VALUES `,
		tail: ` ON CONFLICT (pool, hub, variant, contributor) DO UPDATE SET units = units + excluded.units, money = money + excluded.money`, ncol: 6}
	var out []stmtDef
	for _, b := range []*rowBuf{&s.txRows, &s.eventRows, &s.typeRows, &s.moveRows, &s.acctRows, &s.batchRows, &s.factRows, &s.openRows} {
		for i, n := range bufSizes {
			out = append(out, stmtDef{&b.stmts[i], b.sql(n)})
		}
	}
	return out
}

// batchAt is where a batch added in this projection is: its tx's index
// and the batch's seq, at the projection's height.
type batchAt struct {
	idx int
	seq int
}

// addBatch records the hub batch carried by tx (the event just applied). A
// batch of a tx recorded before is an error (KindInvalid). The batches
// table has no index on tx (migration 0026): a second batch of the same tx
// in this projection is found in batchTxs; one of a tx recorded in an
// earlier projection means the tx's row was not stored (its hash is
// recorded), which the tx rows' write reports (dupTxs, txsNotStored), and
// only then are the batches searched (batchBefore).
func (p *projector) addBatch(tx string, pool int64, hub string, js []byte) error {
	if p.legacy {
		// The tx row is written already: another tx's row holding its
		// hash means the same tx recorded before.
		var h, idx int64
		if err := p.tx.QueryRowContext(p.ctx, `SELECT height, idx FROM txs WHERE hash = ?`, tx).Scan(&h, &idx); err != nil {
			return gongxu.Wrap(err, "read model: read tx %s", tx)
		}
		if h != p.height || idx != int64(p.txIdx) {
			if err := p.batchBefore(tx, p.seq-1); err != nil {
				return err
			}
		}
		_, err := p.insBatch.ExecContext(p.ctx, tx, pool, hub, p.height, p.seq-1, js)
		return gongxu.Wrap(err, "insert batch of tx %s", tx)
	}
	k := strings.ToUpper(tx) // the column's NOCASE
	if _, ok := p.batchTxs[k]; ok {
		return gongxu.Errorf(gongxu.KindInvalid, "a batch of tx %s is already recorded", tx)
	}
	if i, ok := p.dupTxs[k]; ok && i == p.txIdx {
		if err := p.batchBefore(tx, p.seq-1); err != nil {
			return err
		}
	}
	if p.batchTxs == nil {
		p.batchTxs = map[string]batchAt{}
	}
	p.batchTxs[k] = batchAt{p.txIdx, p.seq - 1}
	return p.addRow(&p.batchRows, nil, tx, pool, hub, p.height, p.seq-1, js)
}

// batchBefore fails (KindInvalid) when the read model holds a batch of tx
// other than the one at seq of this projection's height. It scans the
// batches table (no index on tx): it runs only for a tx whose hash was
// recorded before, which a valid chain never carries twice.
func (p *projector) batchBefore(tx string, seq int) error {
	var n int
	if err := p.tx.QueryRowContext(p.ctx, `SELECT count(*) FROM batches WHERE tx = ? AND NOT (height = ? AND seq = ?)`,
		tx, p.height, seq).Scan(&n); err != nil {
		return gongxu.Wrap(err, "read model: read batches of tx %s", tx)
	}
	if n > 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "a batch of tx %s is already recorded", tx)
	}
	return nil
}

// addRow adds a row to b, or in the legacy path executes one (the
// single-row statement one) at once.
func (p *projector) addRow(b *rowBuf, one *sql.Stmt, args ...any) error {
	if p.legacy {
		_, err := one.ExecContext(p.ctx, args...)
		return err
	}
	if len(args) != b.ncol {
		return gongxu.Errorf(gongxu.KindInternal, "read model: %d values for %d columns", len(args), b.ncol)
	}
	b.args = append(b.args, args...)
	if len(b.args) >= bufRows*b.ncol {
		return p.flushRows(b)
	}
	return nil
}

// flushRows writes b's rows.
func (p *projector) flushRows(b *rowBuf) error {
	for i, n := range bufSizes {
		for len(b.args) >= n*b.ncol {
			args := b.args[:n*b.ncol]
			res, err := b.stmts[i].ExecContext(p.ctx, args...)
			if err != nil {
				return gongxu.Wrap(err, "read model: %s", firstLine(b.head))
			}
			if b == &p.txRows {
				if k, err := res.RowsAffected(); err != nil || k != int64(n) {
					if err := p.txsNotStored(args); err != nil {
						return err
					}
				}
			}
			b.args = b.args[n*b.ncol:]
		}
	}
	return nil
}

// txsNotStored writes the events of the tx rows args that were not
// stored (a tx hash recorded before keeps its first record: a proposer may
// include the same bytes twice) to the events table, as every event was
// before migration 0024, so that Events still lists them.
func (p *projector) txsNotStored(args []any) error {
	const ncol = 14
	for i := 0; i+ncol <= len(args); i += ncol {
		row := args[i : i+ncol]
		evs, _ := row[13].([]byte)
		if evs == nil {
			continue
		}
		var h, idx int64
		err := p.tx.QueryRowContext(p.ctx, `SELECT height, idx FROM txs WHERE hash = ?`, row[0]).Scan(&h, &idx)
		if err != nil {
			return gongxu.Wrap(err, "read model: read tx %s", row[0])
		}
		if h == row[1].(int64) && idx == int64(row[2].(int)) {
			continue // stored
		}
		// Its hash was recorded before: a batch it carries must be its
		// tx's first (addBatch checks the batches it adds later).
		k := strings.ToUpper(row[0].(string))
		if p.dupTxs == nil {
			p.dupTxs = map[string]int{}
		}
		p.dupTxs[k] = row[2].(int)
		if b, ok := p.batchTxs[k]; ok && b.idx == row[2].(int) {
			if err := p.batchBefore(row[0].(string), b.seq); err != nil {
				return err
			}
		}
		events, err := decodeEvs(evs)
		if err != nil {
			return gongxu.Wrap(err, "read model: events of tx %s", row[0])
		}
		for j := range events {
			if _, err := p.insEvent.ExecContext(p.ctx, row[1], row[11].(int)+j, row[2], events[j].Type,
				appendAttrs(nil, events[j].Attrs)); err != nil {
				return gongxu.Wrap(err, "read model: insert event %d of tx %s", j, row[0])
			}
		}
	}
	return nil
}

// addEventTypes adds the block's event_types rows (by type: the txs with
// an event of it) and forgets them.
func (p *projector) addEventTypes() error {
	if len(p.evTypes) == 0 {
		return nil
	}
	for _, t := range slices.Sorted(maps.Keys(p.evTypes)) {
		if err := p.addRow(&p.typeRows, nil, t, p.height, intList(p.evTypes[t])); err != nil {
			return gongxu.Wrap(err, "read model: event types")
		}
	}
	clear(p.evTypes)
	return nil
}

// addMoveAccts adds the block's movement_accts rows (by account: the
// seqs of its movements, a JSON array, ascending) and forgets them: one row
// an account a block instead of an index entry a movement and account
// (migration 0026).
func (p *projector) addMoveAccts() error {
	if len(p.moveAccts) == 0 {
		return nil
	}
	for _, a := range slices.Sorted(maps.Keys(p.moveAccts)) {
		if err := p.addRow(&p.acctRows, p.insMoveAccts, string(a), p.height, string(intList(p.moveAccts[a]))); err != nil {
			return gongxu.Wrap(err, "read model: movements of %s", a)
		}
	}
	clear(p.moveAccts)
	return nil
}

// flushWrites writes everything held in memory: the demand folds, then the
// buffered rows. The projection calls it before it commits.
func (p *projector) flushWrites() error {
	if err := p.flushDemand(); err != nil {
		return err
	}
	if err := p.flushTrace(); err != nil { // project_trace_write.go
		return err
	}
	for _, b := range []*rowBuf{&p.txRows, &p.eventRows, &p.typeRows, &p.moveRows, &p.acctRows, &p.batchRows} {
		if err := p.flushRows(b); err != nil {
			return err
		}
	}
	return nil
}

// demandKey is a row of demand_facts or demand_open.
type demandKey struct {
	product, variant, hub string
	day                   int64
	pool                  uint64
	who, currency         string // currency: demand_facts only
}

// demandFolds are a projection's demand increments not yet written, by row.
type demandFolds struct {
	dFacts map[demandKey]*demandFact
	dOpens map[demandKey]*[2]int64 // units, money
}

// foldFact adds f to the fact row k, writing the row's earlier sum first
// when adding would overflow (so the row ends as the per-event path
// leaves it).
func (p *projector) foldFact(k demandKey, f demandFact) error {
	if p.dFacts == nil {
		p.dFacts = map[demandKey]*demandFact{}
	}
	cur := p.dFacts[k]
	if cur == nil {
		p.dFacts[k] = &f
		return nil
	}
	sum, ok := cur.plus(f)
	if !ok {
		if err := p.writeFact(k, *cur); err != nil {
			return err
		}
		sum = f
	}
	*cur = sum
	return nil
}

func (f demandFact) plus(g demandFact) (demandFact, bool) {
	a := [9]int64{int64(f.pledgedU), int64(f.capturedU), int64(f.refundedU), int64(f.pickedU),
		int64(f.pledgedM), int64(f.capturedM), int64(f.refundedM), int64(f.pickedM), f.consumers}
	b := [9]int64{int64(g.pledgedU), int64(g.capturedU), int64(g.refundedU), int64(g.pickedU),
		int64(g.pledgedM), int64(g.capturedM), int64(g.refundedM), int64(g.pickedM), g.consumers}
	for i := range a {
		s, ok := add64(a[i], b[i])
		if !ok {
			return f, false
		}
		a[i] = s
	}
	return demandFact{
		pledgedU: gongxu.Units(a[0]), capturedU: gongxu.Units(a[1]), refundedU: gongxu.Units(a[2]), pickedU: gongxu.Units(a[3]),
		pledgedM: gongxu.Amount(a[4]), capturedM: gongxu.Amount(a[5]), refundedM: gongxu.Amount(a[6]), pickedM: gongxu.Amount(a[7]),
		consumers: a[8]}, true
}

func add64(a, b int64) (int64, bool) {
	s := a + b
	return s, (s > a) == (b > 0) || b == 0
}

func (p *projector) writeFact(k demandKey, f demandFact) error {
	_, err := p.dFact.ExecContext(p.ctx, k.product, k.variant, k.hub, k.day, int64(k.pool), k.who, k.currency,
		f.pledgedU, f.pledgedM, f.capturedU, f.capturedM, f.refundedU, f.refundedM, f.pickedU, f.pickedM, f.consumers)
	return gongxu.Wrap(err, "demand: add fact of pool %d", k.pool)
}

// foldOpen adds units and money to the open position k.
func (p *projector) foldOpen(k demandKey, units, money int64) error {
	if p.dOpens == nil {
		p.dOpens = map[demandKey]*[2]int64{}
	}
	cur := p.dOpens[k]
	if cur == nil {
		p.dOpens[k] = &[2]int64{units, money}
		return nil
	}
	u, ok1 := add64(cur[0], units)
	m, ok2 := add64(cur[1], money)
	if !ok1 || !ok2 {
		if err := p.writeOpen(k, cur[0], cur[1]); err != nil {
			return err
		}
		u, m = units, money
	}
	cur[0], cur[1] = u, m
	return nil
}

func (p *projector) writeOpen(k demandKey, units, money int64) error {
	_, err := p.dOpen.ExecContext(p.ctx, int64(k.pool), k.hub, k.variant, k.who, units, money)
	return gongxu.Wrap(err, "demand: open position in pool %d", k.pool)
}

// flushDemandOpen writes the folded open positions (before demand_open is
// read or cleared), many per statement.
func (p *projector) flushDemandOpen() error {
	if len(p.dOpens) == 0 {
		return nil
	}
	keys := sortedDemandKeys(p.dOpens)
	for _, k := range keys {
		v := p.dOpens[k]
		if p.demandOne {
			if err := p.writeOpen(k, v[0], v[1]); err != nil {
				return err
			}
			continue
		}
		p.openRows.args = append(p.openRows.args, int64(k.pool), k.hub, k.variant, k.who, v[0], v[1])
	}
	clear(p.dOpens)
	return p.flushUpserts(&p.openRows, func(a []any) error {
		return p.writeOpen(demandKey{pool: uint64(a[0].(int64)), hub: a[1].(string), variant: a[2].(string), who: a[3].(string)},
			a[4].(int64), a[5].(int64))
	})
}

func (p *projector) flushDemand() error {
	if err := p.flushDemandOpen(); err != nil {
		return err
	}
	if len(p.dFacts) == 0 {
		return nil
	}
	for _, k := range sortedDemandKeys(p.dFacts) {
		f := p.dFacts[k]
		if p.demandOne {
			if err := p.writeFact(k, *f); err != nil {
				return err
			}
			continue
		}
		p.factRows.args = append(p.factRows.args, k.product, k.variant, k.hub, k.day, int64(k.pool), k.who, k.currency,
			f.pledgedU, f.pledgedM, f.capturedU, f.capturedM, f.refundedU, f.refundedM, f.pickedU, f.pickedM, f.consumers)
	}
	clear(p.dFacts)
	return p.flushUpserts(&p.factRows, func(a []any) error {
		_, err := p.dFact.ExecContext(p.ctx, a...)
		return gongxu.Wrap(err, "demand: add fact of pool %d", a[4].(int64))
	})
}

// flushUpserts writes b's rows many per statement; when a statement fails
// (undone whole: SQLite rolls back a failing statement), its rows and the
// rest are written one by one with one, so that the error is the one the
// single-row statement gives, naming its row.
func (p *projector) flushUpserts(b *rowBuf, one func(row []any) error) error {
	if err := p.flushRows(b); err == nil {
		return nil
	}
	for len(b.args) >= b.ncol {
		row := b.args[:b.ncol]
		b.args = b.args[b.ncol:]
		if err := one(row); err != nil {
			b.args = b.args[:0]
			return err
		}
	}
	return gongxu.Errorf(gongxu.KindInternal, "read model: %s failed, but not row by row", firstLine(b.head))
}

func sortedDemandKeys[V any](m map[demandKey]V) []demandKey {
	keys := make([]demandKey, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b demandKey) int {
		if c := strings.Compare(a.product, b.product); c != 0 {
			return c
		}
		if c := strings.Compare(a.variant, b.variant); c != 0 {
			return c
		}
		if c := strings.Compare(a.hub, b.hub); c != 0 {
			return c
		}
		if a.day != b.day {
			return cmpInt(a.day, b.day)
		}
		if a.pool != b.pool {
			if a.pool < b.pool {
				return -1
			}
			return 1
		}
		if c := strings.Compare(a.who, b.who); c != 0 {
			return c
		}
		return strings.Compare(a.currency, b.currency)
	})
	return keys
}

// decoded is the last event decoded and its value, so the demand, the
// reputation and the event's own projection decode it once.
type decoded struct {
	ev  *gongxu.Event
	typ reflect.Type
	val reflect.Value // a pointer to the decoded value
	js  []byte        // the attr compacted (decodeKeep), once asked
	// compact: the hand decoder found the attr compact (pool_decode.go),
	// so decodeKeep need not scan it again
	compact bool
}

// decode is decode(ev, v), reusing the value when ev was last decoded into
// the same type. The value is copied shallowly: the projections only read
// what they decode.
func (p *projector) decode(ev *gongxu.Event, v any) error {
	rv := reflect.ValueOf(v)
	if p.legacy || rv.Kind() != reflect.Pointer {
		return decode(ev, v)
	}
	if d := &p.dec; d.ev == ev && d.typ == rv.Type() {
		rv.Elem().Set(d.val.Elem())
		return nil
	}
	var ok, compact bool
	if !p.jsonOnly {
		ok, compact = fastDecode(ev.Get("json"), v) // pool_decode.go: a block of hub batches' pool, share and batch
	}
	if !ok {
		if err := decode(ev, v); err != nil {
			return err
		}
	}
	c := reflect.New(rv.Type().Elem())
	c.Elem().Set(rv.Elem())
	p.dec = decoded{ev: ev, typ: rv.Type(), val: c, compact: compact}
	return nil
}

// decodeKeep is decodeKeep(ev, v) through p.decode.
func (p *projector) decodeKeep(ev *gongxu.Event, v any) ([]byte, error) {
	if p.legacy {
		return decodeKeep(ev, v)
	}
	if err := p.decode(ev, v); err != nil {
		return nil, err
	}
	if p.dec.js == nil && p.dec.compact {
		p.dec.js = []byte(ev.Get("json"))
	}
	if p.dec.js == nil {
		js, err := compactAttr(ev)
		if err != nil {
			return nil, err
		}
		p.dec.js = js
	}
	return p.dec.js, nil
}

// compactAttr is the event's json attr compacted, as decodeKeep stores it.
// The attr has been decoded (it is valid JSON); as the modules emit it, it
// is compact already, which a scan for whitespace outside strings tells
// at a fraction of json.Compact's cost.
func compactAttr(ev *gongxu.Event) ([]byte, error) {
	raw := ev.Get("json")
	if isCompact(raw) {
		return []byte(raw), nil
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(raw)); err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: %v", err)
	}
	return b.Bytes(), nil
}

// appendAttrs appends json.Marshal(attrs) (a nil attrs as []) to b without
// reflection: an events row's attrs, written for every event.
func appendAttrs(b []byte, attrs []gongxu.Attr) []byte {
	b = append(b, '[')
	for i, a := range attrs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"key":`...)
		b = appendJSONString(b, a.Key)
		b = append(b, `,"value":`...)
		b = appendJSONString(b, a.Value)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendEvents appends json.Marshal(evs) (nil attrs as null) to b without
// reflection: a tx row's events.
func appendEvents(b []byte, evs []gongxu.Event) []byte {
	b = append(b, '[')
	for i := range evs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":`...)
		b = appendJSONString(b, evs[i].Type)
		b = append(b, `,"attrs":`...)
		if evs[i].Attrs == nil {
			b = append(b, "null"...)
		} else {
			b = appendAttrs(b, evs[i].Attrs)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// attrsSize and eventsSize estimate appendAttrs' and appendEvents' lengths.
func attrsSize(attrs []gongxu.Attr) int {
	n := 2
	for _, a := range attrs {
		n += len(a.Key) + len(a.Value)*9/8 + 24
	}
	return n
}

func eventsSize(evs []gongxu.Event) int {
	n := 2
	for i := range evs {
		n += len(evs[i].Type) + attrsSize(evs[i].Attrs) + 24
	}
	return n
}

// appendJSONString appends s as encoding/json writes it: printable ASCII
// but for the HTML characters here, quotes and backslashes escaped; any
// other string through encoding/json itself. One pass, appending the runs
// between the characters it escapes (the pool events' json attrs are most
// of a hub batch's bytes and full of quotes).
func appendJSONString(b []byte, s string) []byte {
	n := len(b)
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, s[start:i]...)
			b = append(b, '\\', c)
			start = i + 1
		case c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '&':
			js, _ := json.Marshal(s) // a string always encodes
			return append(b[:n], js...)
		}
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// isCompact reports whether the valid JSON text s has no whitespace outside
// its strings, so that json.Compact would return it unchanged.
func isCompact(s string) bool {
	in, esc := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case esc:
			esc = false
		case in && c == '\\':
			esc = true
		case c == '"':
			in = !in
		case !in && (c == ' ' || c == '\t' || c == '\n' || c == '\r'):
			return false
		}
	}
	return true
}

// maxCarry bounds each map a projection hands to the next (entries).
const maxCarry = 100_000

// projCarry is what a committed projection knew of rows it is the only
// writer of — each hub's last share variants (demand) and the balances —
// handed to the next projection so that a one-block transaction does not
// read them back from the file (issue 17: re-reading each hub's share was
// 7 % of projecting a block of hub batches). It is valid for the height it
// was committed at only; a failed projection hands nothing on, and Reset
// forgets it.
//
// It is also dropped when another connection wrote to the file since (a
// second DB on the same path): SQLite's data_version, read on the writer
// connection, changes exactly then.
type projCarry struct {
	mu       sync.Mutex
	height   int64
	version  int64 // the writer connection's data_version after the commit
	shares   map[string][]gongxu.VariantQty
	balances map[string]gongxu.Amount
}

// take gives p the maps committed at height last, if any (they are p's
// now: the carry is empty until p commits).
func (c *projCarry) take(p *projector, last int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.height == last && c.shares != nil && !p.legacy {
		var v int64
		if err := p.tx.QueryRowContext(p.ctx, `PRAGMA data_version`).Scan(&v); err == nil && v == c.version {
			p.dShares, p.balances = c.shares, c.balances
		}
	}
	c.shares, c.balances, c.height = nil, nil, 0
}

// put keeps p's maps as of the committed height, unless they grew too big;
// w is the writer, free again after the commit.
func (c *projCarry) put(p *projector, w *sql.DB, height int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shares, c.balances, c.height = nil, nil, 0
	if p.legacy || len(p.dShares) > maxCarry || len(p.balances) > maxCarry {
		return
	}
	if err := w.QueryRowContext(p.ctx, `PRAGMA data_version`).Scan(&c.version); err != nil {
		return
	}
	c.shares, c.balances, c.height = p.dShares, p.balances, height
	if c.shares == nil {
		c.shares = map[string][]gongxu.VariantQty{}
	}
}

func (c *projCarry) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.shares, c.balances, c.height = nil, nil, 0
}

// intList is l as a JSON array of integers ("[3,7,9]"): the txs of an
// event type or the movements of an account in a block.
func intList(l []int) []byte {
	b := make([]byte, 0, 2+len(l)*5)
	b = append(b, '[')
	for i, x := range l {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, int64(x), 10)
	}
	return append(b, ']')
}
