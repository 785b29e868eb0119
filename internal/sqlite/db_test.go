package sqlite

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

func TestOpenTwice(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "read.db")
	sc := newScenario()
	db, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	projectAll(t, db, sc.blocks)
	want := dump(t, db)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := dump(t, db); got != want {
		t.Errorf("reopened database differs")
	}
	ms, err := migrations()
	if err != nil || len(ms) == 0 || ms[0].version != 1 {
		t.Fatalf("migrations = %v, %v", ms, err)
	}
	var n, v int
	if err := db.r.QueryRowContext(ctx, `SELECT count(*), max(version) FROM schema_version`).Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || v != ms[len(ms)-1].version {
		t.Errorf("schema_version: %d rows, version %d; want %d rows", n, v, len(ms))
	}

	// Pragmas: WAL, synchronous NORMAL, foreign keys on; readers read-only.
	var mode string
	var sync, fk int
	if err := db.r.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal_mode = %q, %v", mode, err)
	}
	if err := db.w.QueryRowContext(ctx, `PRAGMA synchronous`).Scan(&sync); err != nil || sync != 1 {
		t.Errorf("synchronous = %d, %v", sync, err)
	}
	if err := db.w.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil || fk != 1 {
		t.Errorf("foreign_keys = %d, %v", fk, err)
	}
	if _, err := db.r.ExecContext(ctx, `DELETE FROM orgs`); err == nil {
		t.Errorf("a reader connection could write")
	}
	if _, err := db.w.ExecContext(ctx, `INSERT INTO txs (hash, height, idx, time, type, signer, org, code, kind, message)
		VALUES ('ab', 99, 0, 0, '', '', '', 0, '', '')`); err == nil {
		t.Errorf("foreign key not enforced")
	}

	// A database from a newer binary is refused.
	if _, err := db.w.ExecContext(ctx, `INSERT INTO schema_version VALUES (9999, '9999_future.sql')`); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path)
	wantKind(t, err, gongxu.KindConflict, "newer")

	_, err = Open("")
	wantKind(t, err, gongxu.KindInvalid, "empty")
	_, err = Open(filepath.Join(t.TempDir(), "a?b.db"))
	wantKind(t, err, gongxu.KindInvalid, "'?'")
	_, err = Open(filepath.Join(t.TempDir(), "missing", "dir", "read.db"))
	wantKind(t, err, gongxu.KindInternal, "read model")
}

func TestMemory(t *testing.T) {
	sc := newScenario()
	mem, err := Open(MemoryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer mem.Close()
	projectAll(t, mem, sc.blocks)
	file := openTemp(t)
	projectAll(t, file, sc.blocks)
	if a, b := queries(t, mem), queries(t, file); a != b {
		t.Errorf("in-memory answers differ from file answers:\n%s\n%s", a, b)
	}
	// Two in-memory databases are separate.
	other, err := Open(MemoryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if h, err := other.Height(context.Background()); err != nil || h != 0 {
		t.Errorf("second in-memory database at height %d, %v", h, err)
	}
}

func TestLimits(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	var evs []gongxu.Event
	for i := uint64(1); i <= 520; i++ {
		evs = append(evs, proposalEvent(gongxu.Proposal{ID: i, Kind: gongxu.ProposalSetParam, Status: gongxu.ProposalOpen}))
	}
	if err := db.Project(ctx, block(1, nil, evs...)); err != nil {
		t.Fatal(err)
	}
	for limit, want := range map[int]int{0: DefaultLimit, -3: DefaultLimit, 10: 10, 501: MaxLimit, 1 << 30: MaxLimit} {
		ps, err := db.Proposals(ctx, gongxu.ProposalFilter{Status: gongxu.ProposalOpen, Limit: limit})
		if err != nil || len(ps) != want || ps[0].ID != 520 || ps[len(ps)-1].ID != uint64(520-want+1) {
			t.Errorf("Proposals(limit %d): %d, %v", limit, len(ps), err)
		}
		es, err := db.Events(ctx, EventFilter{Limit: limit})
		if err != nil || len(es) != want || es[0].Seq != 519 {
			t.Errorf("Events(limit %d): %d, %v", limit, len(es), err)
		}
	}
	_, err := db.Proposals(ctx, gongxu.ProposalFilter{Status: "pending"})
	wantKind(t, err, gongxu.KindInvalid, `"pending"`)
}

func TestDuplicateTxHash(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	b := block(1, []gongxu.TxRecord{tx("pool.pledge", "hub1", key(4)), tx("pool.pledge", "hub1", key(4))})
	b.Txs[1].Hash = b.Txs[0].Hash
	b.Txs[1].Code, b.Txs[1].Kind = uint32(gongxu.KindSequence), "sequence"
	if err := db.Project(ctx, b); err != nil {
		t.Fatal(err)
	}
	got, err := db.Tx(ctx, b.Txs[0].Hash)
	if err != nil || got.Index != 0 || got.Code != 0 {
		t.Errorf("Tx = %+v, %v; want the first record", got, err)
	}
	if blk, _ := db.Block(ctx, 1); blk.NumTxs != 2 {
		t.Errorf("block says %d txs", blk.NumTxs)
	}
}

// TestReadersDoNotWait holds the writer connection in an open transaction and
// reads: reads run on their own connections and see the last commit.
func TestReadersDoNotWait(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	sc := newScenario()
	projectAll(t, db, sc.blocks[:2])
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `UPDATE meta SET value = 77`); err != nil {
		t.Fatal(err)
	}
	// The deadline only turns a hang into a failure; it is not a timing assertion.
	rctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if h, err := db.Height(rctx); err != nil || h != 2 {
		t.Fatalf("Height during a write = %d, %v; want 2", h, err)
	}
	if orgs, err := db.Orgs(rctx); err != nil || len(orgs) != 3 {
		t.Fatalf("Orgs during a write = %d, %v", len(orgs), err)
	}
}

// TestConcurrentReaders projects blocks while readers query; run with -race.
// Each block is all-or-nothing to a reader.
func TestConcurrentReaders(t *testing.T) {
	const (
		blocks  = 60
		perBlk  = 20
		readers = 4
	)
	ctx := context.Background()
	db := openTemp(t)
	var bs []gongxu.CommittedBlock
	for h := int64(1); h <= blocks; h++ {
		var txs []gongxu.TxRecord
		for i := 0; i < perBlk; i++ {
			id := gongxu.OrgID(fmt.Sprintf("org-%d-%d", h, i))
			txs = append(txs, tx("member.update_org", id, key(int(h)), orgEvent(gongxu.Org{ID: id, Name: "x"})))
		}
		bs = append(bs, block(h, txs))
	}

	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, readers+1)
	for r := 0; r < readers; r++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lastH int64
			lastOrgs := 0
			for reads := 0; ; reads++ {
				select {
				case <-done:
					if reads == 0 {
						errs <- fmt.Errorf("reader never read")
					}
					return
				default:
				}
				h, err := db.Height(ctx)
				if err != nil {
					errs <- err
					return
				}
				if h < lastH {
					errs <- fmt.Errorf("height went back from %d to %d", lastH, h)
					return
				}
				lastH = h
				txs, err := db.RecentTxs(ctx, perBlk)
				if err != nil {
					errs <- err
					return
				}
				if len(txs) != 0 && len(txs) != perBlk {
					errs <- fmt.Errorf("saw %d txs of a block", len(txs))
					return
				}
				for i, x := range txs {
					if x.Height != txs[0].Height || x.Index != perBlk-1-i || x.Height < h {
						errs <- fmt.Errorf("torn read at height %d: tx %d is %d/%d", h, i, x.Height, x.Index)
						return
					}
				}
				orgs, err := db.Orgs(ctx)
				if err != nil {
					errs <- err
					return
				}
				if len(orgs)%perBlk != 0 || len(orgs) < lastOrgs || int64(len(orgs)) < h*perBlk {
					errs <- fmt.Errorf("saw %d orgs at height ≥ %d", len(orgs), h)
					return
				}
				lastOrgs = len(orgs)
			}
		}()
	}
	go func() {
		defer close(done)
		for i, b := range bs {
			var err error
			if i%10 == 9 {
				err = db.ProjectBlocks(ctx, bs[i-1:i+1]) // one already projected, one new
			} else {
				err = db.Project(ctx, b)
			}
			if err != nil {
				errs <- err
				return
			}
		}
	}()
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if h, _ := db.Height(ctx); h != blocks {
		t.Errorf("height %d, want %d", h, blocks)
	}
	if orgs, _ := db.Orgs(ctx); len(orgs) != blocks*perBlk {
		t.Errorf("%d orgs, want %d", len(orgs), blocks*perBlk)
	}
}
