package sqlite

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// poolStmts are the statements of the catalog, pool, settle and rfq
// projections.
type poolStmts struct {
	upProduct, getPool, upPool, delPoolHubs, insPoolHub, upProgress *sql.Stmt
	upShare, upPledge, insBatch, insPickup                          *sql.Stmt
	insMove, insMoveAccts, getBalance, setBalance                   *sql.Stmt
	upRFQ, upBid                                                    *sql.Stmt

	// Rows that change many times in a block (a pool with each batch, a hub
	// share, an escrow balance) are written once, at the end of the block.
	pools    map[uint64]*poolWrite    // pools changed in this block
	pending  map[string]pendingRow    // other rows changed in this block, by table and key
	balances map[string]gongxu.Amount // balances as of the last movement, by account "\x00" currency
}

// poolWrite is a pool changed in the block being projected: its last state,
// and what the read model held before the block.
type poolWrite struct {
	isNew           bool
	oldTotal        gongxu.Units
	oldHubs         []byte
	status, factory string
	deadline        int64
	total           gongxu.Units
	hubs, js        []byte
	hubList         []gongxu.OrgID
	series          sql.NullInt64 // the pool's series (Pool.Series.Series), if any
}

type pendingRow struct {
	stmt *sql.Stmt
	args []any
}

func (s *poolStmts) defs() []stmtDef {
	return []stmtDef{
		{&s.upProduct, `INSERT INTO products (id, factory, version, json, height) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET factory = excluded.factory, version = excluded.version, json = excluded.json, height = excluded.height`},
		{&s.getPool, `SELECT total, hubs FROM pools WHERE id = ?`},
		{&s.upPool, `INSERT INTO pools (id, status, factory, deadline, total, any_hub, hubs, json, height, series) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET status = excluded.status, factory = excluded.factory, deadline = excluded.deadline,
			total = excluded.total, any_hub = excluded.any_hub, hubs = excluded.hubs, json = excluded.json, height = excluded.height,
			series = excluded.series`},
		{&s.delPoolHubs, `DELETE FROM pool_hubs WHERE pool = ?`},
		{&s.insPoolHub, `INSERT INTO pool_hubs (pool, hub) VALUES (?, ?) ON CONFLICT DO NOTHING`},
		{&s.upProgress, `INSERT INTO pool_progress (pool, height, time, total) VALUES (?, ?, ?, ?)
			ON CONFLICT (pool, height) DO UPDATE SET total = excluded.total`},
		{&s.upShare, `INSERT INTO hub_shares (pool, hub, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (pool, hub) DO UPDATE SET json = excluded.json, height = excluded.height`},
		{&s.upPledge, `INSERT INTO pledges (pool, id, consumer, json, height) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (pool, id) DO UPDATE SET consumer = excluded.consumer, json = excluded.json, height = excluded.height`},
		{&s.insBatch, `INSERT INTO batches (tx, pool, hub, height, seq, json) VALUES (?, ?, ?, ?, ?, ?)`},
		{&s.insPickup, `INSERT INTO pickups (pool, pledge, hub, height, seq, json) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`},
		{&s.insMove, `INSERT INTO movements (height, seq, time, tx, from_acct, to_acct, currency, amount, reason, ref)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&s.insMoveAccts, `INSERT INTO movement_accts (acct, height, seqs) VALUES (?, ?, ?)`},
		{&s.getBalance, `SELECT amount FROM balances WHERE account = ? AND currency = ?`},
		{&s.setBalance, `INSERT INTO balances (account, currency, amount) VALUES (?, ?, ?)
			ON CONFLICT (account, currency) DO UPDATE SET amount = excluded.amount`},
		{&s.upRFQ, `INSERT INTO rfqs (id, status, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (id) DO UPDATE SET status = excluded.status, json = excluded.json, height = excluded.height`},
		{&s.upBid, `INSERT INTO bids (rfq, bidder, json, height) VALUES (?, ?, ?, ?)
			ON CONFLICT (rfq, bidder) DO UPDATE SET json = excluded.json, height = excluded.height`},
	}
}

func (p *projector) product(ev *gongxu.Event) error {
	var pr gongxu.Product
	js, err := decodeKeep(ev, &pr)
	if err != nil {
		return err
	}
	if err := pr.ID.Validate(); err != nil {
		return err
	}
	if err := match(ev, "product", string(pr.ID)); err != nil {
		return err
	}
	if f, _ := pr.ID.Split(); pr.Factory != f {
		return gongxu.Errorf(gongxu.KindInvalid, "json factory %q is not the factory of product %s", pr.Factory, pr.ID)
	}
	if err := match(ev, "factory", string(pr.Factory)); err != nil {
		return err
	}
	if err := match(ev, "version", strconv.FormatInt(pr.Version, 10)); err != nil {
		return err
	}
	_, err = p.upProduct.ExecContext(p.ctx, string(pr.ID), string(pr.Factory), pr.Version, js, p.height)
	return gongxu.Wrap(err, "upsert product %s", pr.ID)
}

// poolHead is the part of a pool event's json the projections read. The
// pool module emits the whole pool, tiers, terms and history included, with
// every batch and pledge: the buffered path decodes only this of each
// event, and the whole pool once per block, the last state it writes
// (flush), so that a malformed pool still fails its block.
type poolHead struct {
	ID       uint64             `json:"id"`
	Factory  gongxu.OrgID       `json:"factory"`
	Product  gongxu.ProductID   `json:"product"`
	Variants []string           `json:"variants"`
	Tiers    []gongxu.Tier      `json:"tiers"`
	Currency string             `json:"currency"`
	Deadline int64              `json:"deadline"`
	Hubs     []gongxu.OrgID     `json:"hubs"`
	Status   gongxu.PoolStatus  `json:"status"`
	Total    gongxu.Units       `json:"total"`
	Price    gongxu.Amount      `json:"final_price"`
	Series   *gongxu.PoolSeries `json:"series,omitempty"`
}

func headOf(pl *gongxu.Pool) poolHead {
	return poolHead{ID: pl.ID, Factory: pl.Factory, Product: pl.Product, Variants: pl.Variants, Tiers: pl.Tiers,
		Currency: pl.Currency, Deadline: pl.Deadline, Hubs: pl.Hubs, Status: pl.Status, Total: pl.Total, Price: pl.Price,
		Series: pl.Series}
}

// decodePool decodes a pool event's head (the legacy path: the whole pool,
// as before) and, with keep, returns its json attr compacted.
func (p *projector) decodePool(ev *gongxu.Event, keep bool) (poolHead, []byte, error) {
	if p.legacy {
		var pl gongxu.Pool
		var js []byte
		var err error
		if keep {
			js, err = decodeKeep(ev, &pl)
		} else {
			err = decode(ev, &pl)
		}
		return headOf(&pl), js, err
	}
	var h poolHead
	if !keep {
		return h, nil, p.decode(ev, &h)
	}
	js, err := p.decodeKeep(ev, &h)
	return h, js, err
}

func (p *projector) pool(ev *gongxu.Event) error {
	id, err := idAttr(ev, "pool")
	if err != nil {
		return err
	}
	pl, js, err := p.decodePool(ev, true)
	if err != nil {
		return err
	}
	if pl.ID != id {
		return gongxu.Errorf(gongxu.KindInvalid, "pool attr %d does not match json id %d", id, pl.ID)
	}
	if err := matchStatus(ev, string(pl.Status)); err != nil {
		return err
	}
	if err := pl.Factory.Validate(); err != nil {
		return err
	}
	hubList := pl.Hubs
	if hubList == nil {
		hubList = []gongxu.OrgID{}
	}
	for _, h := range hubList {
		if err := h.Validate(); err != nil {
			return prefix(err, "pool %d hubs", id)
		}
	}
	hubs, _ := json.Marshal(hubList)

	w := p.pools[id]
	if w == nil {
		w = &poolWrite{}
		err = p.getPool.QueryRowContext(p.ctx, int64(id)).Scan(&w.oldTotal, &w.oldHubs)
		w.isNew = err == sql.ErrNoRows
		if err != nil && !w.isNew {
			return gongxu.Wrap(err, "read pool %d", id)
		}
		if p.pools == nil {
			p.pools = map[uint64]*poolWrite{}
		}
		p.pools[id] = w
	}
	w.status, w.factory, w.deadline, w.total = string(pl.Status), string(pl.Factory), pl.Deadline, pl.Total
	w.hubs, w.hubList, w.js = hubs, hubList, js
	w.series = sql.NullInt64{}
	if pl.Series != nil {
		if pl.Series.Series == 0 || pl.Series.Series > pl.ID {
			return gongxu.Errorf(gongxu.KindInvalid, "pool %d names series %d: a series is named by its first pool", id, pl.Series.Series)
		}
		w.series = sql.NullInt64{Int64: int64(pl.Series.Series), Valid: true}
	}
	return nil
}

// later records a row to write at the end of the block; a later write of the
// same key replaces it.
func (p *projector) later(key string, stmt *sql.Stmt, args ...any) {
	if p.pending == nil {
		p.pending = map[string]pendingRow{}
	}
	p.pending[key] = pendingRow{stmt, args}
}

// flush writes the rows of the block kept for its end, in key order: pools
// with their hubs and progress point, then the other rows.
func (p *projector) flush() error {
	if err := p.flushOrgs(); err != nil { // project.go
		return err
	}
	ids := make([]uint64, 0, len(p.pools))
	for id := range p.pools {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		w := p.pools[id]
		if !p.legacy {
			var pl gongxu.Pool // the whole pool, as the legacy path decodes every event
			if err := json.Unmarshal(w.js, &pl); err != nil {
				return gongxu.Errorf(gongxu.KindInvalid, "pool %d: malformed json attr: %v", id, err)
			}
		}
		if _, err := p.upPool.ExecContext(p.ctx, int64(id), w.status, w.factory, w.deadline, w.total,
			len(w.hubList) == 0, w.hubs, w.js, p.height, w.series); err != nil {
			return gongxu.Wrap(err, "upsert pool %d", id)
		}
		if w.isNew || !bytes.Equal(w.oldHubs, w.hubs) {
			if _, err := p.delPoolHubs.ExecContext(p.ctx, int64(id)); err != nil {
				return gongxu.Wrap(err, "clear hubs of pool %d", id)
			}
			for _, h := range w.hubList {
				if _, err := p.insPoolHub.ExecContext(p.ctx, int64(id), string(h)); err != nil {
					return gongxu.Wrap(err, "store hub %s of pool %d", h, id)
				}
			}
		}
		if w.isNew || w.oldTotal != w.total {
			if _, err := p.upProgress.ExecContext(p.ctx, int64(id), p.height, p.time, w.total); err != nil {
				return gongxu.Wrap(err, "store progress of pool %d", id)
			}
		}
	}
	clear(p.pools)
	keys := make([]string, 0, len(p.pending))
	for k := range p.pending {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		r := p.pending[k]
		if _, err := r.stmt.ExecContext(p.ctx, r.args...); err != nil {
			return gongxu.Wrap(err, "write %s", strings.ReplaceAll(k, "\x00", " "))
		}
	}
	clear(p.pending)
	clear(p.lotQty)
	return p.flushBOMs()
}

func (p *projector) share(ev *gongxu.Event) error {
	id, err := idAttr(ev, "pool")
	if err != nil {
		return err
	}
	var s gongxu.HubShare
	js, err := p.decodeKeep(ev, &s)
	if err != nil {
		return err
	}
	if s.Pool != id {
		return gongxu.Errorf(gongxu.KindInvalid, "pool attr %d does not match json pool %d", id, s.Pool)
	}
	if err := s.Hub.Validate(); err != nil {
		return err
	}
	if err := match(ev, "hub", string(s.Hub)); err != nil {
		return err
	}
	p.later("share\x00"+strconv.FormatUint(id, 10)+"\x00"+string(s.Hub), p.upShare, int64(id), string(s.Hub), js, p.height)
	return nil
}

func (p *projector) pledge(ev *gongxu.Event) error {
	pool, err := idAttr(ev, "pool")
	if err != nil {
		return err
	}
	id, err := idAttr(ev, "id")
	if err != nil {
		return err
	}
	var pl gongxu.Pledge
	js, err := p.decodeKeep(ev, &pl)
	if err != nil {
		return err
	}
	if pl.Pool != pool || pl.ID != id {
		return gongxu.Errorf(gongxu.KindInvalid, "pool, id attrs %d, %d do not match json pool, id %d, %d", pool, id, pl.Pool, pl.ID)
	}
	if err := pl.Consumer.Validate(); err != nil {
		return prefix(err, "pledge consumer")
	}
	_, err = p.upPledge.ExecContext(p.ctx, int64(pool), int64(id), string(pl.Consumer), js, p.height)
	return gongxu.Wrap(err, "upsert pledge %d of pool %d", id, pool)
}

func (p *projector) batch(ev *gongxu.Event) error {
	pool, err := idAttr(ev, "pool")
	if err != nil {
		return err
	}
	var b gongxu.Batch
	js, err := p.decodeKeep(ev, &b)
	if err != nil {
		return err
	}
	if b.Pool != pool {
		return gongxu.Errorf(gongxu.KindInvalid, "pool attr %d does not match json pool %d", pool, b.Pool)
	}
	if err := b.Hub.Validate(); err != nil {
		return err
	}
	if err := match(ev, "hub", string(b.Hub)); err != nil {
		return err
	}
	if err := match(ev, "tx", b.Tx); err != nil {
		return err
	}
	// A batch is the transaction that carries it.
	if p.txHash == "" || !strings.EqualFold(b.Tx, p.txHash) {
		return gongxu.Errorf(gongxu.KindInvalid, "batch names tx %q but was emitted by tx %q", b.Tx, p.txHash)
	}
	if b.Height != p.height {
		return gongxu.Errorf(gongxu.KindInvalid, "batch says height %d, emitted at height %d", b.Height, p.height)
	}
	return p.addBatch(b.Tx, int64(pool), string(b.Hub), js) // project_write.go
}

func (p *projector) pickup(ev *gongxu.Event) error {
	pool, err := idAttr(ev, "pool")
	if err != nil {
		return err
	}
	var pk gongxu.Pickup
	js, err := p.decodeKeep(ev, &pk)
	if err != nil {
		return err
	}
	if pk.Pool != pool {
		return gongxu.Errorf(gongxu.KindInvalid, "pool attr %d does not match json pool %d", pool, pk.Pool)
	}
	if err := pk.Hub.Validate(); err != nil {
		return err
	}
	if err := match(ev, "hub", string(pk.Hub)); err != nil {
		return err
	}
	if err := match(ev, "pledge", pk.Pledge); err != nil {
		return err
	}
	if !gongxu.IsPledgeURN(pk.Pledge) {
		return gongxu.Errorf(gongxu.KindInvalid, "pickup pledge %q is not a pledge URN", pk.Pledge)
	}
	// A pickup is the transaction that recorded it.
	if p.txHash == "" || !strings.EqualFold(pk.Tx, p.txHash) || pk.Height != p.height {
		return gongxu.Errorf(gongxu.KindInvalid, "pickup names tx %q at height %d but was emitted by tx %q at height %d", pk.Tx, pk.Height, p.txHash, p.height)
	}
	res, err := p.insPickup.ExecContext(p.ctx, int64(pool), pk.Pledge, string(pk.Hub), p.height, p.seq-1, js)
	if err != nil {
		return gongxu.Wrap(err, "insert pickup of %s", pk.Pledge)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return gongxu.Errorf(gongxu.KindInvalid, "a pickup of %s is already recorded", pk.Pledge)
	}
	return nil
}

func (p *projector) move(ev *gongxu.Event) error {
	var v [6]string
	for i, k := range [...]string{"from", "to", "currency", "amount", "reason", "ref"} {
		var ok bool
		if v[i], ok = attr(ev, k); !ok {
			return gongxu.Errorf(gongxu.KindInvalid, "missing %s attr", k)
		}
	}
	from, to, cur, amt, reason, ref := gongxu.AccountID(v[0]), gongxu.AccountID(v[1]), v[2], v[3], v[4], v[5]
	for _, a := range []gongxu.AccountID{from, to} {
		if a != "" {
			if err := validateAccount(a); err != nil {
				return err
			}
		}
	}
	if from == to {
		return gongxu.Errorf(gongxu.KindInvalid, "movement from %q to %q: want two different accounts", from, to)
	}
	if err := validateCurrency(cur); err != nil {
		return err
	}
	n, err := strconv.ParseInt(amt, 10, 64)
	amount := gongxu.Amount(n)
	if err != nil || amount <= 0 || strconv.FormatInt(n, 10) != amt {
		return gongxu.Errorf(gongxu.KindInvalid, "amount attr %q is not a positive decimal", amt)
	}
	if reason == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "empty reason attr")
	}
	if err := p.addRow(&p.moveRows, p.insMove, p.height, p.seq-1, p.time, p.txHash, string(from), string(to),
		cur, amount, reason, ref); err != nil {
		return gongxu.Wrap(err, "insert movement")
	}
	// The accounts' movements of the block, written at its end
	// (movement_accts, migration 0026).
	if p.moveAccts == nil {
		p.moveAccts = map[gongxu.AccountID][]int{}
	}
	for _, a := range [2]gongxu.AccountID{from, to} {
		if a != "" {
			p.moveAccts[a] = append(p.moveAccts[a], p.seq-1)
		}
	}
	if from != "" {
		if err := p.addBalance(from, cur, -amount); err != nil {
			return err
		}
	}
	if to != "" {
		return p.addBalance(to, cur, amount)
	}
	return nil
}

// addBalance adds delta to an account's balance, which must stay within
// 0..MaxInt64: the ledger never lets it leave that range, so a projection that
// does has lost or reordered a movement.
func (p *projector) addBalance(a gongxu.AccountID, cur string, delta gongxu.Amount) error {
	k := string(a) + "\x00" + cur
	bal, ok := p.balances[k]
	if !ok {
		err := p.getBalance.QueryRowContext(p.ctx, string(a), cur).Scan(&bal)
		if err != nil && err != sql.ErrNoRows {
			return gongxu.Wrap(err, "read balance of %s", a)
		}
	}
	nb, err := gongxu.Add(bal, delta)
	if err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "balance of %s in %s would overflow", a, cur)
	}
	if nb < 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "account %s holds %d %s, the movement takes %d: the movements are not consistent",
			a, bal, cur, -delta)
	}
	if p.balances == nil {
		p.balances = map[string]gongxu.Amount{}
	}
	p.balances[k] = nb // valid for the whole projection: it is the only writer
	p.later("balance\x00"+k, p.setBalance, string(a), cur, nb)
	return nil
}

func (p *projector) rfq(ev *gongxu.Event) error {
	id, err := idAttr(ev, "rfq")
	if err != nil {
		return err
	}
	var r gongxu.RFQ
	js, err := decodeKeep(ev, &r)
	if err != nil {
		return err
	}
	if r.ID != id {
		return gongxu.Errorf(gongxu.KindInvalid, "rfq attr %d does not match json id %d", id, r.ID)
	}
	if err := matchStatus(ev, string(r.Status)); err != nil {
		return err
	}
	_, err = p.upRFQ.ExecContext(p.ctx, int64(id), string(r.Status), js, p.height)
	return gongxu.Wrap(err, "upsert rfq %d", id)
}

func (p *projector) bid(ev *gongxu.Event) error {
	id, err := idAttr(ev, "rfq")
	if err != nil {
		return err
	}
	var b gongxu.Bid
	js, err := p.decodeKeep(ev, &b)
	if err != nil {
		return err
	}
	if b.RFQ != id {
		return gongxu.Errorf(gongxu.KindInvalid, "rfq attr %d does not match json rfq %d", id, b.RFQ)
	}
	if err := b.Bidder.Validate(); err != nil {
		return err
	}
	if err := match(ev, "bidder", string(b.Bidder)); err != nil {
		return err
	}
	_, err = p.upBid.ExecContext(p.ctx, int64(id), string(b.Bidder), js, p.height)
	return gongxu.Wrap(err, "upsert bid of %s on rfq %d", b.Bidder, id)
}

// decodeKeep decodes the json attr into v like decode, and returns the attr
// compacted: stored as emitted, so fields this binary does not know yet (a
// newer writer's) are kept and served once it does.
func decodeKeep(ev *gongxu.Event, v any) ([]byte, error) {
	if err := decode(ev, v); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(ev.Get("json"))); err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "malformed json attr: %v", err)
	}
	return b.Bytes(), nil
}

// attr returns the value of the first attribute named key, and whether there is one.
func attr(ev *gongxu.Event, key string) (string, bool) {
	for _, a := range ev.Attrs {
		if a.Key == key {
			return a.Value, true
		}
	}
	return "", false
}

// match checks that attribute key holds want, the value in the json attr.
func match(ev *gongxu.Event, key, want string) error {
	if got, ok := attr(ev, key); !ok || got != want {
		return gongxu.Errorf(gongxu.KindInvalid, "%s attr %q does not match json %s %q", key, got, key, want)
	}
	return nil
}

func matchStatus(ev *gongxu.Event, want string) error {
	if want == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "json has no status")
	}
	return match(ev, "status", want)
}

// idAttr parses attribute key as a canonical decimal id (no sign, no leading zeros).
func idAttr(ev *gongxu.Event, key string) (uint64, error) {
	s := ev.Get(key)
	id, err := strconv.ParseUint(s, 10, 63)
	if err != nil || strconv.FormatUint(id, 10) != s {
		return 0, gongxu.Errorf(gongxu.KindInvalid, "%s attr %q is not a decimal id", key, s)
	}
	return id, nil
}

var (
	validateAccount  = gongxu.ValidateAccount
	validateCurrency = gongxu.ValidateCurrency
)
