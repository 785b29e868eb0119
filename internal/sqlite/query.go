package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"math"
	"slices"
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

const txColumns = `hash, height, idx, time, type, signer, org, code, kind, message, coalesce(evs, events), ev_seq, ev_n`

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

// scanTxs reads txColumns. A tx's events are in its evs column (migration
// 0024 on), or in the events table (seq ev_seq on, ev_n of them: rows
// projected from migration 0023 to 0024), or, for a row projected before
// migration 0023, in its events column.
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
			var err error
			if t.Events, err = decodeEvs(events); err != nil {
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
//
// The events of txs projected from migration 0024 on are in their tx rows
// (txEventRecords); the block-level events, and every event projected
// before, in the events table (eventRows). Each gives its newest matches;
// the listing is the newest of both.
func (db *DB) Events(ctx context.Context, f EventFilter) ([]EventRecord, error) {
	if f.FromHeight < 0 || f.ToHeight < 0 || (f.ToHeight > 0 && f.FromHeight > f.ToHeight) {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "bad height range %d..%d", f.FromHeight, f.ToHeight)
	}
	limit := clampLimit(f.Limit)
	rows, err := db.eventRows(ctx, f, limit)
	if err != nil {
		return nil, err
	}
	inTxs, err := db.txEventRecords(ctx, f, limit)
	if err != nil {
		return nil, err
	}
	if len(inTxs) == 0 {
		return rows, nil
	}
	out := make([]EventRecord, 0, min(limit, len(rows)+len(inTxs)))
	for len(out) < limit && (len(rows) > 0 || len(inTxs) > 0) {
		if len(inTxs) == 0 || (len(rows) > 0 && (rows[0].Height > inTxs[0].Height ||
			rows[0].Height == inTxs[0].Height && rows[0].Seq > inTxs[0].Seq)) {
			out, rows = append(out, rows[0]), rows[1:]
		} else {
			out, inTxs = append(out, inTxs[0]), inTxs[1:]
		}
	}
	return out, nil
}

// eventRows lists the newest events of the events table that f selects.
func (db *DB) eventRows(ctx context.Context, f EventFilter, limit int) ([]EventRecord, error) {
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
	args = append(args, limit)
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

// eventMatch reports whether f selects ev (its type and attribute).
func eventMatch(f *EventFilter, ev *gongxu.Event) bool {
	switch {
	case f.Type == "":
	case strings.HasSuffix(f.Type, "."):
		if !strings.HasPrefix(ev.Type, f.Type) {
			return false
		}
	default:
		if ev.Type != f.Type {
			return false
		}
	}
	if f.Attr.Key == "" {
		return true
	}
	for _, a := range ev.Attrs {
		if a.Key == f.Attr.Key && a.Value == f.Attr.Value {
			return true
		}
	}
	return false
}

// txEventPage is how many event_types rows txEventRecords reads at a time
// (a variable for the test of its pages).
var txEventPage = 256

// txEventRecords lists the newest events that f selects among those stored
// in their tx rows (migration 0024 on, heights from meta 'evs_from'). With a
// type, event_types names the blocks and txs to read; without, the tx rows
// are read newest first.
func (db *DB) txEventRecords(ctx context.Context, f EventFilter, limit int) ([]EventRecord, error) {
	var from int64
	err := db.r.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'evs_from'`).Scan(&from)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, gongxu.Wrap(err, "read model: read evs_from")
	}
	lo := max(from, f.FromHeight)
	hi := int64(math.MaxInt64)
	if f.ToHeight > 0 {
		hi = f.ToHeight
	}
	if lo > hi {
		return nil, nil
	}
	var out []EventRecord
	if f.Type == "" {
		rows, err := db.r.QueryContext(ctx, `SELECT t.height, b.time, t.idx, t.hash, t.ev_seq, t.evs
			FROM txs t JOIN blocks b ON b.height = t.height
			WHERE t.evs IS NOT NULL AND t.height >= ? AND t.height <= ? ORDER BY t.height DESC, t.idx DESC`, lo, hi)
		if err != nil {
			return nil, gongxu.Wrap(err, "read model: list events")
		}
		defer rows.Close()
		for len(out) < limit && rows.Next() {
			if out, err = scanTxEvents(rows, &f, out, limit); err != nil {
				return nil, err
			}
		}
		return out, gongxu.Wrap(rows.Err(), "read model: list events")
	}
	typeWhere, typeArgs := `type = ?`, []any{f.Type}
	if strings.HasSuffix(f.Type, ".") {
		typeWhere, typeArgs = `type >= ? AND type < ?`, []any{f.Type, f.Type[:len(f.Type)-1] + "/"}
	}
	for len(out) < limit && lo <= hi {
		// A page of blocks, newest first, each with its txs (a prefix
		// matches several types: their lists are merged).
		type blockTxs struct {
			height int64
			idx    []int
		}
		var page []blockTxs
		rows, err := db.r.QueryContext(ctx, `SELECT height, txs FROM event_types WHERE `+typeWhere+
			` AND height >= ? AND height <= ? ORDER BY height DESC LIMIT ?`, append(typeArgs, lo, hi, txEventPage)...)
		if err != nil {
			return nil, gongxu.Wrap(err, "read model: list event types")
		}
		n := 0
		for rows.Next() {
			var (
				h   int64
				lst []byte
				idx []int
			)
			if err := rows.Scan(&h, &lst); err != nil {
				rows.Close()
				return nil, gongxu.Wrap(err, "read model: read event types")
			}
			if err := json.Unmarshal(lst, &idx); err != nil {
				rows.Close()
				return nil, gongxu.Wrap(err, "read model: decode event types of block %d", h)
			}
			n++
			if len(page) > 0 && page[len(page)-1].height == h {
				page[len(page)-1].idx = append(page[len(page)-1].idx, idx...)
			} else {
				page = append(page, blockTxs{h, idx})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, gongxu.Wrap(err, "read model: list event types")
		}
		if n == 0 {
			break
		}
		hi = lo - 1 // the last page
		if n == txEventPage && len(page) > 1 {
			// The last block's rows may go on in the next page.
			hi = page[len(page)-1].height
			page = page[:len(page)-1]
		} else if n == txEventPage {
			// One block's rows filled the page: read all of them.
			bt := &page[0]
			bt.idx = bt.idx[:0]
			rows, err := db.r.QueryContext(ctx, `SELECT txs FROM event_types WHERE `+typeWhere+` AND height = ?`,
				append(typeArgs, bt.height)...)
			if err != nil {
				return nil, gongxu.Wrap(err, "read model: list event types")
			}
			for rows.Next() {
				var (
					lst []byte
					idx []int
				)
				if err := rows.Scan(&lst); err != nil {
					rows.Close()
					return nil, gongxu.Wrap(err, "read model: read event types")
				}
				if err := json.Unmarshal(lst, &idx); err != nil {
					rows.Close()
					return nil, gongxu.Wrap(err, "read model: decode event types of block %d", bt.height)
				}
				bt.idx = append(bt.idx, idx...)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, gongxu.Wrap(err, "read model: list event types")
			}
			hi = bt.height - 1
		}
		for _, bt := range page {
			if len(out) >= limit {
				break
			}
			slices.Sort(bt.idx)
			bt.idx = slices.Compact(bt.idx)
			lst, _ := json.Marshal(bt.idx)
			rows, err := db.r.QueryContext(ctx, `SELECT t.height, b.time, t.idx, t.hash, t.ev_seq, t.evs
				FROM txs t JOIN blocks b ON b.height = t.height
				WHERE t.height = ? AND t.idx IN (SELECT value FROM json_each(?)) AND t.evs IS NOT NULL
				ORDER BY t.idx DESC`, bt.height, lst)
			if err != nil {
				return nil, gongxu.Wrap(err, "read model: list events of block %d", bt.height)
			}
			for len(out) < limit && rows.Next() {
				if out, err = scanTxEvents(rows, &f, out, limit); err != nil {
					rows.Close()
					return nil, err
				}
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, gongxu.Wrap(err, "read model: list events of block %d", bt.height)
			}
		}
	}
	return out, nil
}

// scanTxEvents appends the events of the tx row at rows that f selects,
// newest first, up to limit in all.
func scanTxEvents(rows *sql.Rows, f *EventFilter, out []EventRecord, limit int) ([]EventRecord, error) {
	var (
		height, ms, seq int64
		idx             int
		hash            string
		evs             []byte
		events          []gongxu.Event
	)
	if err := rows.Scan(&height, &ms, &idx, &hash, &seq, &evs); err != nil {
		return out, gongxu.Wrap(err, "read model: read tx events")
	}
	events, err := decodeEvs(evs)
	if err != nil {
		return out, gongxu.Wrap(err, "read model: decode events of tx %s", hash)
	}
	t := formatTime(ms)
	for j := len(events) - 1; j >= 0 && len(out) < limit; j-- {
		ev := &events[j]
		if !eventMatch(f, ev) {
			continue
		}
		if ev.Attrs == nil {
			ev.Attrs = []gongxu.Attr{} // as the events table holds it
		}
		out = append(out, EventRecord{Height: height, Time: t, Seq: int(seq) + j, TxIndex: idx, TxHash: hash, Event: *ev})
	}
	return out, nil
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
