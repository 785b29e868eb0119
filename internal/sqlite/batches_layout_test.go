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

// openAt opens a read model file with the migrations up to version v only
// (the layout an older binary left), for projecting in it.
func openAt(t *testing.T, path string, v int) *DB {
	t.Helper()
	ctx := context.Background()
	raw, err := sql.Open("sqlite", path+"?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	raw.SetMaxOpenConns(1)
	db := &DB{w: raw, r: newReadDB(raw, false), path: path}
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if m.version > v {
			break
		}
		if err := db.applyMigration(ctx, m, v); err != nil {
			t.Fatal(err)
		}
	}
	return db
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
		fresh := openTemp(t)
		projectAll(t, fresh, bs)
		path := filepath.Join(t.TempDir(), "read.db")
		old := openAt(t, path, 25)
		half := len(bs) / 2
		projectAll(t, old, bs[:half])
		var idx int
		if err := old.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'batches'`).Scan(&idx); err != nil || idx != 2 {
			t.Fatalf("schema 25: %d indexes on batches, %v; want 2", idx, err)
		}
		if err := old.Close(); err != nil {
			t.Fatal(err)
		}
		db, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		var sqlText string
		if err := db.w.QueryRowContext(ctx, `SELECT count(*), (SELECT sql FROM sqlite_schema WHERE name = 'batches') FROM sqlite_schema WHERE tbl_name = 'batches' AND type = 'index'`).Scan(&idx, &sqlText); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(sqlText, "WITHOUT ROWID") || idx != 0 { // the key is the table's
			t.Fatalf("batches after 0026: %d indexes, %s", idx, sqlText)
		}
		sameBatches(t, db, wantBatches(t, bs[:half]))
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
	ctx := context.Background()
	bs := []gongxu.CommittedBlock{benchBlock(1), benchBlock(2)}
	for _, legacy := range []bool{true, false} {
		db := openTemp(t)
		db.projLegacy = legacy
		projectAll(t, db, bs)
		sameBatches(t, db, wantBatches(t, bs))
		rows, err := db.w.QueryContext(ctx, `EXPLAIN QUERY PLAN SELECT json FROM batches WHERE pool = ? ORDER BY height, seq`, 3)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var id, parent, notused int
			var detail string
			if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		rows.Close()
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
