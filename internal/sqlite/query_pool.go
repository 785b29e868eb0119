package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

var (
	_ gongxu.PoolService = (*DB)(nil)
	_ gongxu.RFQService  = (*DB)(nil)
)

// ProgressPoint is a pool's total at a block time: the points of a pool's
// progress chart.
type ProgressPoint struct {
	Time  int64        `json:"time"`  // block time, unix ms
	Total gongxu.Units `json:"total"` // units pledged
}

// Products lists the products of a factory, or of every factory when factory
// is "", sorted by id. Errors: KindInvalid for a malformed factory id,
// KindInternal.
func (db *DB) Products(ctx context.Context, factory gongxu.OrgID) ([]gongxu.Product, error) {
	if factory == "" {
		return queryJSON[gongxu.Product](ctx, db.r, "products", `SELECT json FROM products ORDER BY id`)
	}
	if err := factory.Validate(); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.Product](ctx, db.r, "products",
		`SELECT json FROM products WHERE factory = ? ORDER BY id`, string(factory))
}

// Product returns one product. Errors: KindInvalid for a malformed id,
// KindNotFound, KindInternal.
func (db *DB) Product(ctx context.Context, id gongxu.ProductID) (gongxu.Product, error) {
	var p gongxu.Product
	if err := id.Validate(); err != nil {
		return p, err
	}
	err := getJSON(ctx, db.r, &p, `SELECT json FROM products WHERE id = ?`, string(id))
	if err == sql.ErrNoRows {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no product %s", id)
	}
	return p, gongxu.Wrap(err, "read model: read product %s", id)
}

// Pools lists pools, newest first, narrowed by f: a status, a factory, a hub
// (pools where the hub has a share or may gather pledges: it is named in
// Hubs, or Hubs is empty and any hub may), a series (its pools, the first
// one's id naming it). Errors: KindInvalid for an
// unknown status or a malformed org id, KindInternal.
func (db *DB) Pools(ctx context.Context, f gongxu.PoolFilter) ([]gongxu.Pool, error) {
	var (
		where []string
		args  []any
	)
	switch f.Status {
	case "":
	case gongxu.PoolOpen, gongxu.PoolSucceeded, gongxu.PoolFailed, gongxu.PoolInProduction, gongxu.PoolReady,
		gongxu.PoolDelivered, gongxu.PoolSettled, gongxu.PoolCancelled:
		where = append(where, `p.status = ?`)
		args = append(args, string(f.Status))
	default:
		return nil, gongxu.Errorf(gongxu.KindInvalid,
			"unknown pool status %q (want one of open, succeeded, failed, in_production, ready, delivered, settled, cancelled)", f.Status)
	}
	if f.Factory != "" {
		if err := f.Factory.Validate(); err != nil {
			return nil, err
		}
		where = append(where, `p.factory = ?`)
		args = append(args, string(f.Factory))
	}
	if f.Hub != "" {
		if err := f.Hub.Validate(); err != nil {
			return nil, err
		}
		where = append(where, `(p.any_hub = 1
			OR EXISTS (SELECT 1 FROM pool_hubs h WHERE h.pool = p.id AND h.hub = ?)
			OR EXISTS (SELECT 1 FROM hub_shares s WHERE s.pool = p.id AND s.hub = ?))`)
		args = append(args, string(f.Hub), string(f.Hub))
	}
	if f.Series != 0 {
		if f.Series > 1<<63-1 {
			return nil, nil
		}
		where = append(where, `p.series = ?`)
		args = append(args, int64(f.Series))
	}
	q := `SELECT p.json FROM pools p`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY p.id DESC LIMIT ?`
	args = append(args, clampLimit(f.Limit))
	return queryJSON[gongxu.Pool](ctx, db.r, "pools", q, args...)
}

// Pool returns one pool, its status history included.
// Errors: KindNotFound, KindInternal.
func (db *DB) Pool(ctx context.Context, id uint64) (gongxu.Pool, error) {
	var p gongxu.Pool
	if id > 1<<63-1 {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no pool %d", id)
	}
	err := getJSON(ctx, db.r, &p, `SELECT json FROM pools WHERE id = ?`, int64(id))
	if err == sql.ErrNoRows {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no pool %d", id)
	}
	return p, gongxu.Wrap(err, "read model: read pool %d", id)
}

// poolExists returns KindNotFound for a pool the read model does not hold.
func (db *DB) poolExists(ctx context.Context, id uint64) error {
	return db.exists(ctx, "pool", `SELECT 1 FROM pools WHERE id = ?`, id)
}

func (db *DB) exists(ctx context.Context, what, query string, id uint64) error {
	if id > 1<<63-1 {
		return gongxu.Errorf(gongxu.KindNotFound, "no %s %d", what, id)
	}
	var one int
	err := db.r.QueryRowContext(ctx, query, int64(id)).Scan(&one)
	if err == sql.ErrNoRows {
		return gongxu.Errorf(gongxu.KindNotFound, "no %s %d", what, id)
	}
	return gongxu.Wrap(err, "read model: read %s %d", what, id)
}

// HubShares lists what each hub gathered in a pool, sorted by hub.
// Errors: KindNotFound for an unknown pool, KindInternal.
func (db *DB) HubShares(ctx context.Context, pool uint64) ([]gongxu.HubShare, error) {
	if err := db.poolExists(ctx, pool); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.HubShare](ctx, db.r, "hub shares",
		`SELECT json FROM hub_shares WHERE pool = ? ORDER BY hub`, int64(pool))
}

// Batches lists a pool's hub batches in the order they were committed.
// Errors: KindNotFound for an unknown pool, KindInternal.
func (db *DB) Batches(ctx context.Context, pool uint64) ([]gongxu.Batch, error) {
	if err := db.poolExists(ctx, pool); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.Batch](ctx, db.r, "batches",
		`SELECT json FROM batches WHERE pool = ? ORDER BY height, seq`, int64(pool))
}

// Pledges lists a pool's direct pledges (consumer-signed), by id.
// Errors: KindNotFound for an unknown pool, KindInternal.
func (db *DB) Pledges(ctx context.Context, pool uint64) ([]gongxu.Pledge, error) {
	if err := db.poolExists(ctx, pool); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.Pledge](ctx, db.r, "pledges",
		`SELECT json FROM pledges WHERE pool = ? ORDER BY id`, int64(pool))
}

// ConsumerPledges lists the direct pledges a consumer's key signed, newest
// first (pool, then id, descending). Errors: KindInvalid for a malformed key,
// KindInternal.
func (db *DB) ConsumerPledges(ctx context.Context, consumer gongxu.PubKey, limit int) ([]gongxu.Pledge, error) {
	if err := consumer.Validate(); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.Pledge](ctx, db.r, "pledges",
		`SELECT json FROM pledges WHERE consumer = ? ORDER BY pool DESC, id DESC LIMIT ?`, string(consumer), clampLimit(limit))
}

// PoolProgressPoints returns a pool's total over time, oldest first: a point
// when the pool appeared and one for each block that changed its total.
// Errors: KindNotFound for an unknown pool, KindInternal.
func (db *DB) PoolProgressPoints(ctx context.Context, pool uint64) ([]ProgressPoint, error) {
	if err := db.poolExists(ctx, pool); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT time, total FROM pool_progress WHERE pool = ? ORDER BY height`, int64(pool))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: progress of pool %d", pool)
	}
	defer rows.Close()
	out := []ProgressPoint{}
	for rows.Next() {
		var pt ProgressPoint
		if err := rows.Scan(&pt.Time, &pt.Total); err != nil {
			return nil, gongxu.Wrap(err, "read model: progress of pool %d", pool)
		}
		out = append(out, pt)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: progress of pool %d", pool)
}

// Balances lists an account's balances, one per currency it ever held
// (zeros included), sorted by currency. An account never moved has none.
// Errors: KindInvalid for a malformed account, KindInternal.
func (db *DB) Balances(ctx context.Context, acct gongxu.AccountID) ([]gongxu.Balance, error) {
	if err := validateAccount(acct); err != nil {
		return nil, err
	}
	return db.balances(ctx, `WHERE account = ? ORDER BY currency`, string(acct))
}

// BalancesByCurrency lists every account's balance in one currency, sorted by
// account: with Movements, what an audit of the currency needs.
// Errors: KindInvalid for a malformed currency, KindInternal.
func (db *DB) BalancesByCurrency(ctx context.Context, currency string) ([]gongxu.Balance, error) {
	if err := validateCurrency(currency); err != nil {
		return nil, err
	}
	return db.balances(ctx, `WHERE currency = ? ORDER BY account`, currency)
}

func (db *DB) balances(ctx context.Context, where string, args ...any) ([]gongxu.Balance, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT account, currency, amount FROM balances `+where, args...)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: read balances")
	}
	defer rows.Close()
	out := []gongxu.Balance{}
	for rows.Next() {
		var b gongxu.Balance
		if err := rows.Scan(&b.Account, &b.Currency, &b.Amount); err != nil {
			return nil, gongxu.Wrap(err, "read model: read balance")
		}
		out = append(out, b)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: read balances")
}

// Movements lists the movements into and out of an account, newest first
// (height, then position in the block, descending).
// Errors: KindInvalid for a malformed account, KindInternal.
func (db *DB) Movements(ctx context.Context, acct gongxu.AccountID, limit int) ([]gongxu.Movement, error) {
	if err := validateAccount(acct); err != nil {
		return nil, err
	}
	rows, err := db.r.QueryContext(ctx, movementsSQL, string(acct), clampLimit(limit))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: movements of %s", acct)
	}
	defer rows.Close()
	out := []gongxu.Movement{}
	for rows.Next() {
		var (
			m   gongxu.Movement
			seq int
		)
		if err := rows.Scan(&m.Height, &seq, &m.Time, &m.Tx, &m.From, &m.To, &m.Currency, &m.Amount, &m.Reason, &m.Ref); err != nil {
			return nil, gongxu.Wrap(err, "read model: read movement")
		}
		out = append(out, m)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: movements of %s", acct)
}

// AuditMoney checks the money tables against each other: every balance is
// the sum of its account's movements in and out, and in every currency the
// balances add up to the deposits less the withdrawals. Errors: KindInternal,
// naming the first discrepancies, when they do not (the read model is
// corrupt: reindex it), or for SQL failures.
func (db *DB) AuditMoney(ctx context.Context) error {
	rows, err := db.r.QueryContext(ctx, `
		WITH flows (account, currency, delta) AS (
			SELECT to_acct, currency, amount FROM movements WHERE to_acct != ''
			UNION ALL SELECT from_acct, currency, -amount FROM movements WHERE from_acct != ''
		), net AS (
			SELECT account, currency, sum(delta) AS amount FROM flows GROUP BY account, currency
		)
		SELECT 'balance of ' || coalesce(n.account, b.account) || ' in ' || coalesce(n.currency, b.currency),
			coalesce(b.amount, 0), coalesce(n.amount, 0)
		FROM net n FULL JOIN balances b ON b.account = n.account AND b.currency = n.currency
		WHERE coalesce(b.amount, 0) != coalesce(n.amount, 0)
		UNION ALL
		SELECT what, have, net FROM (
			SELECT 'sum of balances in ' || c.currency AS what,
				(SELECT coalesce(sum(amount), 0) FROM balances WHERE currency = c.currency) AS have,
				(SELECT coalesce(sum(amount), 0) FROM movements WHERE currency = c.currency AND from_acct = '') -
				(SELECT coalesce(sum(amount), 0) FROM movements WHERE currency = c.currency AND to_acct = '') AS net
			FROM (SELECT currency FROM movements UNION SELECT currency FROM balances) c
		) WHERE have != net
		ORDER BY 1 LIMIT 10`)
	if err != nil {
		return gongxu.Wrap(err, "read model: audit money")
	}
	defer rows.Close()
	var bad []string
	for rows.Next() {
		var (
			what      string
			have, net int64
		)
		if err := rows.Scan(&what, &have, &net); err != nil {
			return gongxu.Wrap(err, "read model: audit money")
		}
		bad = append(bad, fmt.Sprintf("%s is %d, the movements say %d", what, have, net))
	}
	if err := rows.Err(); err != nil {
		return gongxu.Wrap(err, "read model: audit money")
	}
	if len(bad) > 0 {
		return gongxu.Errorf(gongxu.KindInternal, "read model: money audit failed: %s", strings.Join(bad, "; "))
	}
	return nil
}

// RFQs lists requests for quote, newest first, optionally of one status.
// Errors: KindInvalid for an unknown status, KindInternal.
func (db *DB) RFQs(ctx context.Context, status gongxu.RFQStatus, limit int) ([]gongxu.RFQ, error) {
	limit = clampLimit(limit)
	switch status {
	case "":
		return queryJSON[gongxu.RFQ](ctx, db.r, "rfqs", `SELECT json FROM rfqs ORDER BY id DESC LIMIT ?`, limit)
	case gongxu.RFQOpen, gongxu.RFQAwarded, gongxu.RFQCancelled, gongxu.RFQExpired:
		return queryJSON[gongxu.RFQ](ctx, db.r, "rfqs",
			`SELECT json FROM rfqs WHERE status = ? ORDER BY id DESC LIMIT ?`, string(status), limit)
	}
	return nil, gongxu.Errorf(gongxu.KindInvalid,
		"unknown rfq status %q (want one of open, awarded, cancelled, expired)", status)
}

// RFQ returns one request for quote. Errors: KindNotFound, KindInternal.
func (db *DB) RFQ(ctx context.Context, id uint64) (gongxu.RFQ, error) {
	var r gongxu.RFQ
	if id > 1<<63-1 {
		return r, gongxu.Errorf(gongxu.KindNotFound, "no rfq %d", id)
	}
	err := getJSON(ctx, db.r, &r, `SELECT json FROM rfqs WHERE id = ?`, int64(id))
	if err == sql.ErrNoRows {
		return r, gongxu.Errorf(gongxu.KindNotFound, "no rfq %d", id)
	}
	return r, gongxu.Wrap(err, "read model: read rfq %d", id)
}

// Bids lists the bids on a request for quote, sorted by bidder.
// Errors: KindNotFound for an unknown rfq, KindInternal.
func (db *DB) Bids(ctx context.Context, rfq uint64) ([]gongxu.Bid, error) {
	if err := db.exists(ctx, "rfq", `SELECT 1 FROM rfqs WHERE id = ?`, rfq); err != nil {
		return nil, err
	}
	return queryJSON[gongxu.Bid](ctx, db.r, "bids", `SELECT json FROM bids WHERE rfq = ? ORDER BY bidder`, int64(rfq))
}

// poolMoneySQL sums the movements of accounts ?1 and ?2 in currency ?3 by
// from, to and reason, each once (one between the two accounts is listed
// under both in movement_accts: counted under its from account).
const poolMoneySQL = `SELECT m.from_acct, m.to_acct, m.reason, SUM(m.amount)
	FROM movement_accts a CROSS JOIN json_each(a.seqs) j CROSS JOIN movements m
	WHERE a.acct IN (?1, ?2) AND m.height = a.height AND m.seq = j.value AND m.currency = ?3
		AND a.acct = CASE WHEN m.from_acct IN (?1, ?2) THEN m.from_acct ELSE m.to_acct END
	GROUP BY m.from_acct, m.to_acct, m.reason`

// movementsSQL lists the movements of account ?1, newest first, at most
// ?2: the account's blocks newest first (movement_accts' key), each
// block's seqs sorted, the movements read by their key (CROSS JOIN keeps
// that order: the planner would otherwise read every movement of the
// block), no more blocks than the limit needs.
const movementsSQL = `SELECT m.height, m.seq, m.time, m.tx, m.from_acct, m.to_acct, m.currency, m.amount, m.reason, m.ref
	FROM movement_accts a CROSS JOIN json_each(a.seqs) j CROSS JOIN movements m
	WHERE a.acct = ?1 AND m.height = a.height AND m.seq = j.value
	ORDER BY a.height DESC, j.value DESC LIMIT ?2`

// PoolMoney adds up a pool's money by reason from the movements of its
// escrow and captured accounts (gongxu.PoolMoney): one grouped scan of the
// two accounts' index ranges, however many pledges the pool had.
func (db *DB) PoolMoney(ctx context.Context, pool uint64) (gongxu.PoolMoney, error) {
	p, err := db.Pool(ctx, pool)
	if err != nil {
		return gongxu.PoolMoney{}, err
	}
	esc, capd := string(gongxu.EscrowAccount(pool)), string(gongxu.CapturedAccount(pool))
	rows, err := db.r.QueryContext(ctx, poolMoneySQL, esc, capd, p.Currency)
	if err != nil {
		return gongxu.PoolMoney{}, gongxu.Wrap(err, "read model: money of pool %d", pool)
	}
	defer rows.Close()
	m := gongxu.PoolMoney{Pool: pool, Currency: p.Currency}
	for rows.Next() {
		var (
			from, to, reason string
			sum              gongxu.Amount
		)
		if err := rows.Scan(&from, &to, &reason, &sum); err != nil {
			return m, gongxu.Wrap(err, "read model: read pool money")
		}
		switch {
		case to == esc:
			m.Escrowed += sum
		case from == esc && to == capd:
			m.Captured += sum
		case from == esc && reason == string(gongxu.ReasonRelease):
			m.Returned += sum
		case from == esc:
			m.Refunded += sum
		case from == capd && reason == string(gongxu.ReasonShare):
			m.Shared += sum
		case from == capd && reason == string(gongxu.ReasonRefund):
			m.GivenBack += sum
		case from == capd:
			m.PaidOut += sum
		}
	}
	if err := rows.Err(); err != nil {
		return m, gongxu.Wrap(err, "read model: money of pool %d", pool)
	}
	m.Held = m.Escrowed - m.Refunded - m.Returned - m.Captured
	m.Pending = m.Captured - m.PaidOut - m.Shared - m.GivenBack
	return m, nil
}
