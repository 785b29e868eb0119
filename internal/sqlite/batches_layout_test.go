package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// downgrade25 turns the read model at path into the layout of schema 25
// (before migration 0026), rows as that layout's code wrote them: batches
// a rowid table with a unique index on tx, movements indexed by from_acct
// and to_acct, no movement_accts.
func downgrade25(t *testing.T, path string) {
	t.Helper()
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`CREATE TABLE batches_25 (
			tx     TEXT NOT NULL COLLATE NOCASE UNIQUE,
			pool   INTEGER NOT NULL,
			hub    TEXT NOT NULL,
			height INTEGER NOT NULL REFERENCES blocks (height),
			seq    INTEGER NOT NULL,
			json   TEXT NOT NULL
		);
		INSERT INTO batches_25 SELECT tx, pool, hub, height, seq, json FROM batches ORDER BY height, seq;
		DROP TABLE batches;
		ALTER TABLE batches_25 RENAME TO batches;
		CREATE INDEX batches_pool ON batches (pool, height, seq);
		CREATE INDEX movements_from ON movements (from_acct, height, seq) WHERE from_acct != '';
		CREATE INDEX movements_to ON movements (to_acct, height, seq) WHERE to_acct != '';
		DROP TABLE movement_accts;
		DELETE FROM schema_version WHERE version = 26;`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := raw.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name IN ('batches', 'movements')`).Scan(&n); err != nil || n != 4 {
		t.Fatalf("schema 25: %d indexes on batches and movements, %v; want 4", n, err)
	}
}

// wantBatches are the hub batches of bs by pool, in the order they were
// committed (height, then the event's position among the block's events),
// found from the blocks alone.
func wantBatches(t *testing.T, bs []gongxu.CommittedBlock) map[uint64][]gongxu.Batch {
	t.Helper()
	out := map[uint64][]gongxu.Batch{}
	for _, b := range bs {
		for _, tx := range b.Txs {
			if tx.Code != 0 {
				continue
			}
			for i := range tx.Events {
				if tx.Events[i].Type != gongxu.EventBatch {
					continue
				}
				var x gongxu.Batch
				if err := decode(&tx.Events[i], &x); err != nil {
					t.Fatal(err)
				}
				out[x.Pool] = append(out[x.Pool], x)
			}
		}
	}
	return out
}

// sameBatches requires Batches of every pool of want (and of one without
// any) to answer want's batches in want's order.
func sameBatches(t *testing.T, db *DB, want map[uint64][]gongxu.Batch) {
	t.Helper()
	ctx := context.Background()
	n := 0
	for pool, w := range want {
		got, err := db.Batches(ctx, pool)
		if err != nil || mustJSON(got) != mustJSON(w) {
			t.Fatalf("Batches(%d) = %d batches, %v; want %d:\n%s", pool, len(got), err, len(w), firstDiff(mustJSON(got), mustJSON(w)))
		}
		n += len(w)
	}
	if got, err := db.Batches(ctx, 1<<40); gongxu.ErrorKind(err) != gongxu.KindNotFound || len(got) != 0 {
		t.Fatalf("Batches of no pool = %d, %v; want not found", len(got), err)
	}
	if n == 0 {
		t.Fatalf("no batches to compare")
	}
}

// TestMigrateBatches: a read model whose first blocks were projected before
// migration 0026 (batches a rowid table with a unique tx index) and the
// rest after it answers every query, and holds every row, as one projected
// in the new layout throughout; the table is one B-tree afterwards.
func TestMigrateBatches(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 3; seed++ {
		bs := randomPoolChain(seed)
		fresh, half1 := openTemp(t), openTemp(t)
		projectAll(t, fresh, bs)
		projectAll(t, half1, bs[:len(bs)/2])
		path := filepath.Join(t.TempDir(), "read.db")
		old, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		half := len(bs) / 2
		projectAll(t, old, bs[:half])
		if err := old.Close(); err != nil {
			t.Fatal(err)
		}
		downgrade25(t, path)
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var sqlText string
		var idx int
		if err := db.w.QueryRowContext(ctx, `SELECT count(*), (SELECT sql FROM sqlite_schema WHERE name = 'batches') FROM sqlite_schema WHERE tbl_name IN ('batches', 'movements') AND type = 'index'`).Scan(&idx, &sqlText); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sqlText, "WITHOUT ROWID") || idx != 0 { // the key is the table's
			t.Fatalf("batches after 0026: %d indexes, %s", idx, sqlText)
		}
		sameBatches(t, db, wantBatches(t, bs[:half]))
		if wq, gq := queries(t, half1), queries(t, db); gq != wq {
			t.Fatalf("seed %d: answers after the migration differ:\n%s", seed, firstDiff(gq, wq))
		}
		if want, got := dump(t, half1), dump(t, db); got != want {
			t.Fatalf("seed %d: rows after the migration differ:\n%s", seed, firstDiff(got, want))
		}
		projectAll(t, db, bs[half:])
		if wq, gq := queries(t, fresh), queries(t, db); gq != wq {
			t.Fatalf("seed %d: answers differ:\n%s", seed, firstDiff(gq, wq))
		}
		if want, got := dump(t, fresh), dump(t, db); got != want {
			t.Fatalf("seed %d: rows differ:\n%s", seed, firstDiff(got, want))
		}
		sameBatches(t, db, wantBatches(t, bs))
	}
}

// TestBatchesOrderAndPlan: Batches answers every pool's batches in the
// order committed, in both paths, reading the table's key (no scan, no
// sort); bench blocks give 7 pools of many batches each, interleaved.
func TestBatchesOrderAndPlan(t *testing.T) {
	bs := []gongxu.CommittedBlock{benchBlock(1), benchBlock(2)}
	for _, legacy := range []bool{true, false} {
		db := openTemp(t)
		db.projLegacy = legacy
		projectAll(t, db, bs)
		sameBatches(t, db, wantBatches(t, bs))
		plan := queryPlan(t, db, `SELECT json FROM batches WHERE pool = ? ORDER BY height, seq`, 3)
		if len(plan) != 1 || !strings.HasPrefix(plan[0], "SEARCH batches USING PRIMARY KEY (pool=?)") {
			t.Fatalf("plan of Batches: %q", plan)
		}
	}
}

// TestProjectBatchTxFailedBefore: a hub batch whose tx's hash was recorded
// before as a failed tx (no batch) is projected, in both paths, whether
// the tx row is written before its batch is added (position 63, the 64th
// row of the buffer) or after (position 5); the same tx succeeding once
// more then fails as a batch recorded before (its first batch is not at
// its tx row's height) and leaves nothing.
func TestProjectBatchTxFailedBefore(t *testing.T) {
	ctx := context.Background()
	for _, legacy := range []bool{true, false} {
		for _, pos := range []int{5, 63} {
			t.Run(fmt.Sprintf("legacy=%v/pos=%d", legacy, pos), func(t *testing.T) {
				b1, b2 := benchBlock(1), benchBlock(2)
				b1.Txs, b2.Txs = b1.Txs[:100], b2.Txs[:100]
				failed := b2.Txs[pos]
				failed.Index, failed.Height, failed.Code, failed.Kind, failed.Message, failed.Events = 3, 0, 5, "conflict", "pool closed", nil
				b1.Txs[3] = failed
				db := openTemp(t)
				db.projLegacy = legacy
				projectAll(t, db, []gongxu.CommittedBlock{b1, b2})
				sameBatches(t, db, wantBatches(t, []gongxu.CommittedBlock{b1, b2}))
				got, err := db.Tx(ctx, failed.Hash)
				if err != nil || got.Height != 1 || got.Code != 5 {
					t.Fatalf("Tx(%s) = %+v, %v; want the failed record of block 1", failed.Hash, got, err)
				}
				before := dump(t, db)
				b3 := benchBlock(3)
				b3.Txs = slices.Clone(b3.Txs[:100])
				again := b2.Txs[pos]
				again.Index, again.Height = pos, 3
				again.Events = slices.Clone(again.Events)
				for i, ev := range again.Events {
					if ev.Type == gongxu.EventBatch {
						var x gongxu.Batch
						if err := decode(&again.Events[i], &x); err != nil {
							t.Fatal(err)
						}
						x.Height = 3
						again.Events[i] = batchEvent(x)
					}
				}
				b3.Txs[pos] = again
				err = db.Project(ctx, b3)
				wantKind(t, err, gongxu.KindInvalid, "a batch of tx "+again.Hash+" is already recorded")
				if after := dump(t, db); after != before {
					t.Fatalf("the failed block left rows")
				}
			})
		}
	}
}

// queryPlan is EXPLAIN QUERY PLAN's details of q.
func queryPlan(t *testing.T, db *DB, q string, args ...any) []string {
	t.Helper()
	rows, err := db.w.Query("EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan
}

// TestMovementsSameAsBefore: Movements (any limit) and PoolMoney's sums
// (a movement between a pool's escrow and captured accounts counted once),
// read through movement_accts (migration 0026), answer what the queries
// before it gave reading movements' account indexes (run here on the
// table: the same rows without the indexes); their plans search
// movement_accts and movements by key, never scanning either, and sort
// only within one block.
func TestMovementsSameAsBefore(t *testing.T) {
	ctx := context.Background()
	const oldMovements = `SELECT height, seq, time, tx, from_acct, to_acct, currency, amount, reason, ref FROM movements WHERE from_acct = ?1 AND from_acct != ''
		UNION ALL SELECT height, seq, time, tx, from_acct, to_acct, currency, amount, reason, ref FROM movements WHERE to_acct = ?1 AND to_acct != ''
		ORDER BY height DESC, seq DESC LIMIT ?2`
	const oldPoolMoney = `SELECT from_acct, to_acct, reason, SUM(amount) FROM (
		SELECT from_acct, to_acct, reason, amount, currency FROM movements WHERE from_acct IN (?1, ?2) AND from_acct != ''
		UNION ALL SELECT from_acct, to_acct, reason, amount, currency FROM movements WHERE to_acct IN (?1, ?2) AND to_acct != '' AND from_acct NOT IN (?1, ?2)
		) WHERE currency = ?3 GROUP BY from_acct, to_acct, reason`
	texts := func(db *DB, q string, args ...any) []string {
		_, rows := queryRows(t, db, q, args...)
		out := make([]string, len(rows))
		for i, vals := range rows {
			out[i] = fmt.Sprint(vals...)
		}
		return out
	}
	for seed := uint64(0); seed <= 3; seed++ {
		bs := newPoolScenario().blocks // seed 0: captures, payouts (escrow to captured: listed under both accounts)
		if seed > 0 {
			bs = randomPoolChain(seed)
		}
		db := openTemp(t)
		projectAll(t, db, bs)
		var accts []string
		for _, r := range texts(db, `SELECT from_acct FROM movements WHERE from_acct != '' UNION SELECT to_acct FROM movements WHERE to_acct != '' ORDER BY 1`) {
			accts = append(accts, r)
		}
		accts = append(accts, "org:nobody")
		moved := 0
		for _, a := range accts {
			for _, limit := range []int{1, 2, 3, 7, 50, MaxLimit} {
				want := texts(db, oldMovements, a, limit)
				ms, err := db.Movements(ctx, gongxu.AccountID(a), limit)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, m := range ms {
					// the seq is not in a Movement: the old query's order
					// is checked through the rows' other columns
					got = append(got, fmt.Sprint(m.Height, m.Time, m.Tx, m.From, m.To, m.Currency, int64(m.Amount), m.Reason, m.Ref))
				}
				var wantNoSeq []string
				for _, r := range texts(db, `SELECT height, time, tx, from_acct, to_acct, currency, amount, reason, ref FROM (`+oldMovements+`)`, a, limit) {
					wantNoSeq = append(wantNoSeq, r)
				}
				if !slices.Equal(got, wantNoSeq) || len(want) != len(got) {
					t.Fatalf("seed %d: Movements(%s, %d):\n%q\nwant\n%q", seed, a, limit, got, wantNoSeq)
				}
				if limit == MaxLimit {
					moved += len(got)
				}
			}
			if strings.HasPrefix(a, "escrow:") {
				pool := strings.TrimPrefix(a, "escrow:")
				for _, cur := range []string{"CNY", "EUR"} {
					args := []any{a, "captured:" + pool, cur}
					want, got := texts(db, oldPoolMoney+` ORDER BY 1, 2, 3`, args...), texts(db, poolMoneySQL+` ORDER BY 1, 2, 3`, args...)
					if !slices.Equal(got, want) {
						t.Fatalf("seed %d: pool %s money in %s:\n%q\nwant\n%q", seed, pool, cur, got, want)
					}
				}
			}
		}
		var multi int
		if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM movement_accts WHERE json_array_length(seqs) > 1`).Scan(&multi); err != nil {
			t.Fatal(err)
		}
		if moved < 10 || multi == 0 && seed > 0 {
			t.Fatalf("seed %d: only %d movements compared, %d blocks with an account's movements in one row", seed, moved, multi)
		}
		for _, c := range []struct {
			q    string
			args []any
		}{{movementsSQL, []any{"escrow:1", 50}}, {poolMoneySQL, []any{"escrow:1", "captured:1", "CNY"}}} {
			plan := queryPlan(t, db, c.q, c.args...)
			p := strings.Join(plan, "\n")
			if !strings.Contains(p, "SEARCH a USING PRIMARY KEY (acct=?)") || !strings.Contains(p, "SEARCH m USING PRIMARY KEY (height=? AND seq=?)") ||
				strings.Contains(p, "SCAN a") || strings.Contains(p, "SCAN m") {
				t.Fatalf("plan of %s:\n%s", c.q, p)
			}
			if c.q == movementsSQL && strings.Contains(p, "USE TEMP B-TREE FOR ORDER BY") {
				t.Fatalf("Movements sorts every movement of the account:\n%s", p)
			}
			t.Logf("%s", p)
		}
	}
}
