package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"strings"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

var (
	_ gongxu.MemberService = (*DB)(nil)
	_ gongxu.TxService     = (*DB)(nil)
)

// Listing limits: a limit ≤ 0 means DefaultLimit; more than MaxLimit is MaxLimit.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// TimeLayout is how the read model formats block times: RFC 3339 in UTC with
// milliseconds, so that the strings sort as the times do.
const TimeLayout = "2006-01-02T15:04:05.000Z07:00"

func formatTime(ms int64) string { return time.UnixMilli(ms).UTC().Format(TimeLayout) }

func clampLimit(n int) int {
	switch {
	case n <= 0:
		return DefaultLimit
	case n > MaxLimit:
		return MaxLimit
	}
	return n
}

// BlockSummary is a projected block.
type BlockSummary struct {
	Height  int64  `json:"height"`
	Time    string `json:"time"` // block time, TimeLayout
	Hash    string `json:"hash"`
	AppHash string `json:"app_hash"` // after this block
	NumTxs  int    `json:"num_txs"`  // all txs, failed ones included
}

// EventRecord is an event as the read model keeps it, with where it happened.
type EventRecord struct {
	Height  int64  `json:"height"`
	Time    string `json:"time"`              // block time, TimeLayout
	Seq     int    `json:"seq"`               // position among the block's events
	TxIndex int    `json:"tx_index"`          // -1 for a block-level event
	TxHash  string `json:"tx_hash,omitempty"` // "" for a block-level event
	gongxu.Event
}

// EventFilter narrows an event listing. Zero fields do not filter.
type EventFilter struct {
	// Type is an exact event type ("member.org"), or a prefix when it ends in
	// '.' ("member." for all of the member module's events).
	Type       string
	FromHeight int64       // lowest height, inclusive
	ToHeight   int64       // highest height, inclusive
	Attr       gongxu.Attr // when Key is set: only events with this attribute and value
	Limit      int         // ≤ 0: DefaultLimit; at most MaxLimit
}

// Height is the last projected height, 0 before the first block.
// Errors: KindInternal.
func (db *DB) Height(ctx context.Context) (int64, error) {
	return lastHeight(ctx, db.r)
}

// Orgs lists the member organizations, sorted by id. Errors: KindInternal.
func (db *DB) Orgs(ctx context.Context) ([]gongxu.Org, error) {
	return queryJSON[gongxu.Org](ctx, db.r, "orgs", `SELECT json FROM orgs ORDER BY id`)
}

// Org returns one organization. Errors: KindInvalid for a malformed id,
// KindNotFound when there is no such (current) member, KindInternal.
func (db *DB) Org(ctx context.Context, id gongxu.OrgID) (gongxu.Org, error) {
	var o gongxu.Org
	if err := id.Validate(); err != nil {
		return o, err
	}
	err := getJSON(ctx, db.r, &o, `SELECT json FROM orgs WHERE id = ?`, string(id))
	if err == sql.ErrNoRows {
		return o, gongxu.Errorf(gongxu.KindNotFound, "no member organization %q", id)
	}
	return o, gongxu.Wrap(err, "read model: read org %s", id)
}

// Validators lists the current validators, by power (highest first), then by
// public key. Errors: KindInternal.
func (db *DB) Validators(ctx context.Context) ([]gongxu.Validator, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT pub_key, power, org FROM validators ORDER BY power DESC, pub_key`)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list validators")
	}
	defer rows.Close()
	out := []gongxu.Validator{}
	for rows.Next() {
		var v gongxu.Validator
		if err := rows.Scan(&v.PubKey, &v.Power, &v.Org); err != nil {
			return nil, gongxu.Wrap(err, "read model: read validator")
		}
		out = append(out, v)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list validators")
}

// Proposals lists proposals, newest first, optionally of one status.
// Errors: KindInvalid for an unknown status, KindInternal.
func (db *DB) Proposals(ctx context.Context, f gongxu.ProposalFilter) ([]gongxu.Proposal, error) {
	limit := clampLimit(f.Limit)
	switch f.Status {
	case "":
		return queryJSON[gongxu.Proposal](ctx, db.r, "proposals",
			`SELECT json FROM proposals ORDER BY id DESC LIMIT ?`, limit)
	case gongxu.ProposalOpen, gongxu.ProposalPassed, gongxu.ProposalRejected, gongxu.ProposalExpired, gongxu.ProposalFailed:
		return queryJSON[gongxu.Proposal](ctx, db.r, "proposals",
			`SELECT json FROM proposals WHERE status = ? ORDER BY id DESC LIMIT ?`, string(f.Status), limit)
	}
	return nil, gongxu.Errorf(gongxu.KindInvalid,
		"unknown proposal status %q (want one of open, passed, rejected, expired, failed)", f.Status)
}

// Proposal returns one proposal. Errors: KindNotFound, KindInternal.
func (db *DB) Proposal(ctx context.Context, id uint64) (gongxu.Proposal, error) {
	var p gongxu.Proposal
	if id > 1<<63-1 {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no proposal %d", id)
	}
	err := getJSON(ctx, db.r, &p, `SELECT json FROM proposals WHERE id = ?`, int64(id))
	if err == sql.ErrNoRows {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no proposal %d", id)
	}
	return p, gongxu.Wrap(err, "read model: read proposal %d", id)
}

// Params returns the current governance parameters.
// Errors: KindNotFound before genesis has been projected, KindInternal.
func (db *DB) Params(ctx context.Context) (gongxu.Params, error) {
	var p gongxu.Params
	err := getJSON(ctx, db.r, &p, `SELECT json FROM params WHERE id = 1`)
	if err == sql.ErrNoRows {
		return p, gongxu.Errorf(gongxu.KindNotFound, "no parameters yet: the genesis block has not been projected")
	}
	return p, gongxu.Wrap(err, "read model: read params")
}

const txColumns = `hash, height, idx, time, type, signer, org, code, kind, message, events, ev_seq, ev_n`

// Tx returns a committed transaction by its hash, in either case.
// Errors: KindInvalid for a hash that is not hex, KindNotFound, KindInternal.
func (db *DB) Tx(ctx context.Context, hash string) (gongxu.TxRecord, error) {
	if _, err := hex.DecodeString(hash); err != nil || hash == "" {
		return gongxu.TxRecord{}, gongxu.Errorf(gongxu.KindInvalid, "transaction hash %q must be hex", hash)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+txColumns+` FROM txs WHERE hash = ?`, hash)
	if err != nil {
		return gongxu.TxRecord{}, gongxu.Wrap(err, "read model: read tx %s", hash)
	}
	txs, err := db.scanTxs(ctx, rows)
	if err != nil {
		return gongxu.TxRecord{}, err
	}
	if len(txs) == 0 {
		return gongxu.TxRecord{}, gongxu.Errorf(gongxu.KindNotFound, "no committed transaction with hash %s", hash)
	}
	return txs[0], nil
}

// RecentTxs lists the latest committed transactions, failed ones included,
// newest first (height, then index, descending). Errors: KindInternal.
func (db *DB) RecentTxs(ctx context.Context, limit int) ([]gongxu.TxRecord, error) {
	rows, err := db.r.QueryContext(ctx,
		`SELECT `+txColumns+` FROM txs ORDER BY height DESC, idx DESC LIMIT ?`, clampLimit(limit))
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list txs")
	}
	return db.scanTxs(ctx, rows)
}

// scanTxs reads txColumns. A tx's events are in the events table (seq
// ev_seq on, ev_n of them), or, for a row projected before migration 0023,
// in its events column.
func (db *DB) scanTxs(ctx context.Context, rows *sql.Rows) ([]gongxu.TxRecord, error) {
	defer rows.Close()
	out := []gongxu.TxRecord{}
	var ranges [][3]int64 // index in out, first seq, count
	for rows.Next() {
		var (
			t         gongxu.TxRecord
			ms        int64
			events    []byte
			seq, nevs int64
		)
		if err := rows.Scan(&t.Hash, &t.Height, &t.Index, &ms, &t.Type, &t.Signer, &t.Org,
			&t.Code, &t.Kind, &t.Message, &events, &seq, &nevs); err != nil {
			return nil, gongxu.Wrap(err, "read model: read tx")
		}
		t.Time = formatTime(ms)
		if len(events) > 0 {
			if err := json.Unmarshal(events, &t.Events); err != nil {
				return nil, gongxu.Wrap(err, "read model: decode events of tx %s", t.Hash)
			}
		} else if nevs > 0 {
			ranges = append(ranges, [3]int64{int64(len(out)), seq, nevs})
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, gongxu.Wrap(err, "read model: read txs")
	}
	rows.Close() // before the next queries: an in-memory database has one connection
	for _, r := range ranges {
		t := &out[r[0]]
		evs, err := db.txEvents(ctx, t.Height, r[1], r[2])
		if err != nil {
			return nil, prefix(err, "read model: events of tx %s", t.Hash)
		}
		t.Events = evs
	}
	return out, nil
}

// txEvents reads n events of the block at height from seq on.
func (db *DB) txEvents(ctx context.Context, height, seq, n int64) ([]gongxu.Event, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT type, attrs FROM events WHERE height = ? AND seq >= ? AND seq < ? ORDER BY seq`,
		height, seq, seq+n)
	if err != nil {
		return nil, gongxu.Wrap(err, "read")
	}
	defer rows.Close()
	out := make([]gongxu.Event, 0, n)
	for rows.Next() {
		var (
			ev    gongxu.Event
			attrs []byte
		)
		if err := rows.Scan(&ev.Type, &attrs); err != nil {
			return nil, gongxu.Wrap(err, "read")
		}
		if err := json.Unmarshal(attrs, &ev.Attrs); err != nil {
			return nil, gongxu.Wrap(err, "decode")
		}
		if len(ev.Attrs) == 0 {
			ev.Attrs = nil // as the events column held it
		}
		out = append(out, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, gongxu.Wrap(err, "read")
	}
	if int64(len(out)) != n {
		return nil, gongxu.Errorf(gongxu.KindInternal, "%d events stored of %d", len(out), n)
	}
	return out, nil
}

// Block returns a projected block. Errors: KindNotFound, KindInternal.
func (db *DB) Block(ctx context.Context, height int64) (BlockSummary, error) {
	bs, err := db.blocks(ctx, `WHERE height = ?`, height)
	if err != nil {
		return BlockSummary{}, err
	}
	if len(bs) == 0 {
		return BlockSummary{}, gongxu.Errorf(gongxu.KindNotFound, "no block %d in the read model", height)
	}
	return bs[0], nil
}

// RecentBlocks lists the latest projected blocks, newest first.
// Errors: KindInternal.
func (db *DB) RecentBlocks(ctx context.Context, limit int) ([]BlockSummary, error) {
	return db.blocks(ctx, `ORDER BY height DESC LIMIT ?`, clampLimit(limit))
}

func (db *DB) blocks(ctx context.Context, where string, args ...any) ([]BlockSummary, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT height, time, hash, app_hash, num_txs FROM blocks `+where, args...)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: read blocks")
	}
	defer rows.Close()
	out := []BlockSummary{}
	for rows.Next() {
		var (
			b  BlockSummary
			ms int64
		)
		if err := rows.Scan(&b.Height, &ms, &b.Hash, &b.AppHash, &b.NumTxs); err != nil {
			return nil, gongxu.Wrap(err, "read model: read block")
		}
		b.Time = formatTime(ms)
		out = append(out, b)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: read blocks")
}

// Events lists stored events, every type included, newest first (height, then
// position in the block, descending). Removed organizations keep their
// history here. Errors: KindInvalid for a negative height or an inverted
// height range, KindInternal.
func (db *DB) Events(ctx context.Context, f EventFilter) ([]EventRecord, error) {
	if f.FromHeight < 0 || f.ToHeight < 0 || (f.ToHeight > 0 && f.FromHeight > f.ToHeight) {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "bad height range %d..%d", f.FromHeight, f.ToHeight)
	}
	var (
		where []string
		args  []any
	)
	switch {
	case f.Type == "":
	case strings.HasSuffix(f.Type, "."):
		// Range instead of LIKE, so the type index serves it.
		where = append(where, `e.type >= ? AND e.type < ?`)
		args = append(args, f.Type, f.Type[:len(f.Type)-1]+"/") // '/' follows '.'
	default:
		where = append(where, `e.type = ?`)
		args = append(args, f.Type)
	}
	if f.FromHeight > 0 {
		where = append(where, `e.height >= ?`)
		args = append(args, f.FromHeight)
	}
	if f.ToHeight > 0 {
		where = append(where, `e.height <= ?`)
		args = append(args, f.ToHeight)
	}
	if f.Attr.Key != "" {
		where = append(where, `EXISTS (SELECT 1 FROM json_each(e.attrs) a
			WHERE a.value ->> '$.key' = ? AND a.value ->> '$.value' = ?)`)
		args = append(args, f.Attr.Key, f.Attr.Value)
	}
	q := `SELECT e.height, b.time, e.seq, e.tx_index, coalesce(t.hash, ''), e.type, e.attrs
		FROM events e JOIN blocks b ON b.height = e.height
		LEFT JOIN txs t ON t.height = e.height AND t.idx = e.tx_index`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, ` AND `)
	}
	q += ` ORDER BY e.height DESC, e.seq DESC LIMIT ?`
	args = append(args, clampLimit(f.Limit))
	rows, err := db.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list events")
	}
	defer rows.Close()
	out := []EventRecord{}
	for rows.Next() {
		var (
			e     EventRecord
			ms    int64
			attrs []byte
		)
		if err := rows.Scan(&e.Height, &ms, &e.Seq, &e.TxIndex, &e.TxHash, &e.Type, &attrs); err != nil {
			return nil, gongxu.Wrap(err, "read model: read event")
		}
		e.Time = formatTime(ms)
		if err := json.Unmarshal(attrs, &e.Attrs); err != nil {
			return nil, gongxu.Wrap(err, "read model: decode event %d/%d", e.Height, e.Seq)
		}
		out = append(out, e)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list events")
}

type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// getJSON decodes the single json column of the single row of query into v;
// it returns sql.ErrNoRows unwrapped.
func getJSON(ctx context.Context, q rowsQuerier, v any, query string, args ...any) error {
	var js []byte
	if err := q.QueryRowContext(ctx, query, args...).Scan(&js); err != nil {
		return err
	}
	return json.Unmarshal(js, v)
}

// queryJSON decodes the json column of every row of query.
func queryJSON[T any](ctx context.Context, q rowsQuerier, what, query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: list %s", what)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		var js []byte
		if err := rows.Scan(&js); err != nil {
			return nil, gongxu.Wrap(err, "read model: read %s", what)
		}
		var v T
		if err := json.Unmarshal(js, &v); err != nil {
			return nil, gongxu.Wrap(err, "read model: decode %s", what)
		}
		out = append(out, v)
	}
	return out, gongxu.Wrap(rows.Err(), "read model: list %s", what)
}
