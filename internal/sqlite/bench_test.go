package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

const benchTxs = 1000

// benchBlock is a block of benchTxs successful txs, each a hub batch of 250
// pledges as the pool module records it: the hub's deposit, its move into the
// pool's escrow, the batch, the hub's share and the pool (seven pools); every
// tenth tx also upserts an org.
func benchBlock(height int64) gongxu.CommittedBlock {
	txs := make([]gongxu.TxRecord, benchTxs)
	for i := range txs {
		org := gongxu.OrgID(fmt.Sprintf("hub-%d", i%100))
		txs[i] = gongxu.TxRecord{Type: "pool/batch", Signer: key(i), Org: org}
	}
	b := block(height, txs)
	for i := range b.Txs { // real tx hashes are uniformly random
		t := &b.Txs[i]
		h := sha256.Sum256([]byte(t.Hash))
		t.Hash = strings.ToUpper(hex.EncodeToString(h[:]))
		n := (height-1)*benchTxs + int64(i) // batches so far
		pool := uint64(n%7 + 1)
		total := gongxu.Units(n/7+1) * 250
		acct := gongxu.AccountID("org:" + string(t.Org))
		escrow := gongxu.AccountID(fmt.Sprintf("escrow:%d", pool))
		t.Events = []gongxu.Event{
			moveEvent("", acct, "CNY", 250*5000, "deposit", "till"),
			moveEvent(acct, escrow, "CNY", 250*5000, "escrow", fmt.Sprintf("pool:%d", pool)),
			batchEvent(gongxu.Batch{Pool: pool, Hub: t.Org, Tx: t.Hash, Root: fmt.Sprintf("%064x", n),
				Leaves: 250, Qty: 250, Escrow: 250 * 5000, Height: height}),
			shareEvent(gongxu.HubShare{Pool: pool, Hub: t.Org, Qty: total / 100, Pledges: int64(total / 100),
				Variants: []gongxu.VariantQty{{Variant: "m", Qty: total / 100}}}),
			poolEvent(gongxu.Pool{ID: pool, Factory: "acme", Product: "acme/tee", Variants: []string{"m"},
				Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5000}, {MinQty: 1000, UnitPrice: 4500}}, MOQ: 1000, Cap: 1 << 40,
				CasePack: 1, Currency: "CNY", Deadline: t0 + 1e9, Hubs: []gongxu.OrgID{}, Status: gongxu.PoolOpen,
				Total: total, Pledges: int64(total), Escrowed: gongxu.Amount(total) * 5000, Created: t0,
				History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: t0, Height: 1, Reason: "opened"}}}),
		}
		if i%10 == 0 {
			t.Events = append(t.Events, orgEvent(gongxu.Org{ID: t.Org, Name: "Hub " + string(t.Org),
				Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{key(i)}, Since: height}))
		}
	}
	return b
}

// baseline inserts the same block and tx rows as Project, in one transaction
// per block, without the events: no per-tx events JSON, no event rows, no
// projections. Project's rate over this one is the cost of the events.
func baseline(ctx context.Context, db *DB, b *gongxu.CommittedBlock) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	p, err := newProjector(ctx, tx)
	if err != nil {
		return err
	}
	defer p.close()
	p.height, p.time = b.Height, b.Time
	if _, err := p.insBlock.ExecContext(ctx, b.Height, b.Time, b.Hash, b.AppHash, len(b.Txs)); err != nil {
		return err
	}
	for i := range b.Txs {
		t := b.Txs[i]
		t.Events = nil
		if err := p.txRecord(i, &t); err != nil {
			return err
		}
	}
	if err := p.flushWrites(); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('height', ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, b.Height); err != nil {
		return err
	}
	return tx.Commit()
}

// BenchmarkProject projects blocks of 1,000 txs, interleaved in the same run
// with the baseline (the same rows without events) into a second database
// and with the per-event projection (DB.projLegacy: every row written as its
// event is applied, each reader decoding the event, as before issue 17) into
// a third. Metrics: txs/s of Project, of the baseline and of the per-event
// path, and Project's ratio to each.
func BenchmarkProject(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	open := func(name string) *DB {
		db, err := Open(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	proj, base, legacy := open("project.db"), open("baseline.db"), open("legacy.db")
	legacy.projLegacy = true
	// and with the writer's temp store and checkpoints as before (statement
	// journals in files, a checkpoint every 1,000 pages)
	if _, err := legacy.w.Exec(`PRAGMA temp_store = DEFAULT`); err != nil {
		b.Fatal(err)
	}
	if _, err := legacy.w.Exec(`PRAGMA wal_autocheckpoint = 1000`); err != nil {
		b.Fatal(err)
	}
	blocks := benchBlocks(b.N, benchBlock)
	// Wall time, and the process's CPU time (user + system: on a machine
	// shared with other work, the steadier measure of the cost).
	var tProj, tBase, tLegacy, cProj, cBase, cLegacy time.Duration
	b.ResetTimer()
	for i := range blocks {
		start, cStart := time.Now(), cpuTime()
		if err := baseline(ctx, base, &blocks[i]); err != nil {
			b.Fatal(err)
		}
		mid, cMid := time.Now(), cpuTime()
		if err := proj.Project(ctx, blocks[i]); err != nil {
			b.Fatal(err)
		}
		mid2, cMid2 := time.Now(), cpuTime()
		if err := legacy.Project(ctx, blocks[i]); err != nil {
			b.Fatal(err)
		}
		tBase += mid.Sub(start)
		tProj += mid2.Sub(mid)
		tLegacy += time.Since(mid2)
		cBase += cMid - cStart
		cProj += cMid2 - cMid
		cLegacy += cpuTime() - cMid2
	}
	b.StopTimer()
	n := float64(len(blocks) * benchTxs)
	b.ReportMetric(n/tProj.Seconds(), "txs/s")
	b.ReportMetric(n/tBase.Seconds(), "baseline-txs/s")
	b.ReportMetric(n/tLegacy.Seconds(), "per-event-txs/s")
	b.ReportMetric(tBase.Seconds()/tProj.Seconds(), "x-baseline")
	b.ReportMetric(tLegacy.Seconds()/tProj.Seconds(), "x-per-event")
	b.ReportMetric(n/cProj.Seconds(), "cpu-txs/s")
	b.ReportMetric(n/cBase.Seconds(), "cpu-baseline-txs/s")
	b.ReportMetric(n/cLegacy.Seconds(), "cpu-per-event-txs/s")
	b.ReportMetric(cLegacy.Seconds()/cProj.Seconds(), "cpu-x-per-event")
}

// BenchmarkProjectBlocks projects 100 small blocks (10 txs each) in one
// transaction, as reindex does, against Project of the same blocks one by one
// and against the per-event path (DB.projLegacy, as before issue 17) in one
// transaction, in the same run. (With 1,000-tx blocks the first two are
// about equal: the per-transaction cost only shows with small blocks.)
// Metrics: txs/s of each, wall and CPU ratios.
func BenchmarkProjectBlocks(b *testing.B) {
	const batch, perBlock = 100, 10
	ctx := context.Background()
	dir := b.TempDir()
	blocks := make([]gongxu.CommittedBlock, batch)
	for i := range blocks {
		blk := benchBlock(int64(i + 1))
		blk.Txs = blk.Txs[:perBlock]
		blocks[i] = blk
	}
	var tOne, tBatch, tLegacy, cBatch, cLegacy time.Duration
	for i := 0; b.Loop(); i++ {
		open := func(name string) *DB {
			db, err := Open(filepath.Join(dir, fmt.Sprintf("%s-%d.db", name, i)))
			if err != nil {
				b.Fatal(err)
			}
			return db
		}
		one, many, legacy := open("one"), open("many"), open("legacy")
		legacy.projLegacy = true
		if _, err := legacy.w.Exec(`PRAGMA temp_store = DEFAULT`); err != nil {
			b.Fatal(err)
		}
		if _, err := legacy.w.Exec(`PRAGMA wal_autocheckpoint = 1000`); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		for _, blk := range blocks {
			if err := one.Project(ctx, blk); err != nil {
				b.Fatal(err)
			}
		}
		mid, cMid := time.Now(), cpuTime()
		if err := many.ProjectBlocks(ctx, blocks); err != nil {
			b.Fatal(err)
		}
		mid2, cMid2 := time.Now(), cpuTime()
		if err := legacy.ProjectBlocks(ctx, blocks); err != nil {
			b.Fatal(err)
		}
		tOne += mid.Sub(start)
		tBatch += mid2.Sub(mid)
		tLegacy += time.Since(mid2)
		cBatch += cMid2 - cMid
		cLegacy += cpuTime() - cMid2
		one.Close()
		many.Close()
		legacy.Close()
	}
	n := float64(b.N * batch * perBlock)
	b.ReportMetric(n/tBatch.Seconds(), "txs/s")
	b.ReportMetric(n/tOne.Seconds(), "one-by-one-txs/s")
	b.ReportMetric(n/tLegacy.Seconds(), "per-event-txs/s")
	b.ReportMetric(tOne.Seconds()/tBatch.Seconds(), "x-one-by-one")
	b.ReportMetric(tLegacy.Seconds()/tBatch.Seconds(), "x-per-event")
	b.ReportMetric(n/cBatch.Seconds(), "cpu-txs/s")
	b.ReportMetric(cLegacy.Seconds()/cBatch.Seconds(), "cpu-x-per-event")
}

// BenchmarkProjectKept projects 100 small blocks (10 txs each) one by one,
// as the feeder projects blocks as they come, with the projection's
// statements kept prepared on the writer, against the same blocks
// projected preparing every statement in every transaction (as before) in
// the same run. Metrics: txs/s of each and their ratio.
func BenchmarkProjectKept(b *testing.B) {
	const batch, perBlock = 100, 10
	ctx := context.Background()
	dir := b.TempDir()
	blocks := make([]gongxu.CommittedBlock, batch)
	for i := range blocks {
		blk := benchBlock(int64(i + 1))
		blk.Txs = blk.Txs[:perBlock]
		blocks[i] = blk
	}
	var tKept, tFresh time.Duration
	for i := 0; b.Loop(); i++ {
		kept, err := Open(filepath.Join(dir, fmt.Sprintf("kept-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		fresh, err := Open(filepath.Join(dir, fmt.Sprintf("fresh-%d.db", i)))
		if err != nil {
			b.Fatal(err)
		}
		fresh.projS.off = true
		start := time.Now()
		for _, blk := range blocks {
			if err := fresh.Project(ctx, blk); err != nil {
				b.Fatal(err)
			}
		}
		mid := time.Now()
		for _, blk := range blocks {
			if err := kept.Project(ctx, blk); err != nil {
				b.Fatal(err)
			}
		}
		tFresh += mid.Sub(start)
		tKept += time.Since(mid)
		kept.Close()
		fresh.Close()
	}
	n := float64(b.N * batch * perBlock)
	b.ReportMetric(n/tKept.Seconds(), "txs/s")
	b.ReportMetric(n/tFresh.Seconds(), "prepared-each-time-txs/s")
	b.ReportMetric(tFresh.Seconds()/tKept.Seconds(), "x-prepared-each-time")
}

// memberBlock is a block of benchTxs member/update_org txs as bench ledger
// sends them: 256 signers, each its own org, round robin; each tx's one
// event is the org's snapshot with its new description (180-byte txs).
func memberBlock(height int64) gongxu.CommittedBlock {
	const signers = 256
	txs := make([]gongxu.TxRecord, benchTxs)
	for i := range txs {
		s := i % signers
		org := gongxu.OrgID(fmt.Sprintf("bench-org-%03d", s))
		seq := (height-1)*benchTxs/signers + int64(i/signers)
		o := gongxu.Org{ID: org, Name: "Bench org " + fmt.Sprint(s), Roles: []gongxu.Role{gongxu.RoleHub},
			Keys: []gongxu.PubKey{key(s)}, Description: fmt.Sprintf("bench load: signer %d tx %d %s", s, seq, strings.Repeat(".", 60)), Since: 1}
		txs[i] = tx("member/update_org", org, key(s), orgEvent(o))
	}
	b := block(height, txs)
	for i := range b.Txs {
		t := &b.Txs[i]
		h := sha256.Sum256([]byte(t.Hash))
		t.Hash = strings.ToUpper(hex.EncodeToString(h[:]))
	}
	return b
}

// BenchmarkProjectMembers projects blocks of 1,000 member/update_org txs
// (bench ledger's load: memberBlock), one per transaction as the feeder
// does, interleaved in the same run with the per-event path
// (DB.projLegacy, as before issue 17) into a second database. Metrics:
// txs/s of each, wall and CPU, and their ratio.
func BenchmarkProjectMembers(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	open := func(name string) *DB {
		db, err := Open(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	proj, legacy := open("project.db"), open("legacy.db")
	legacy.projLegacy = true
	if _, err := legacy.w.Exec(`PRAGMA temp_store = DEFAULT`); err != nil {
		b.Fatal(err)
	}
	if _, err := legacy.w.Exec(`PRAGMA wal_autocheckpoint = 1000`); err != nil {
		b.Fatal(err)
	}
	blocks := benchBlocks(b.N, memberBlock)
	var tProj, tLegacy, cProj, cLegacy time.Duration
	b.ResetTimer()
	for i := range blocks {
		start, cStart := time.Now(), cpuTime()
		if err := proj.Project(ctx, blocks[i]); err != nil {
			b.Fatal(err)
		}
		mid, cMid := time.Now(), cpuTime()
		if err := legacy.Project(ctx, blocks[i]); err != nil {
			b.Fatal(err)
		}
		tProj += mid.Sub(start)
		tLegacy += time.Since(mid)
		cProj += cMid - cStart
		cLegacy += cpuTime() - cMid
	}
	b.StopTimer()
	n := float64(len(blocks) * benchTxs)
	b.ReportMetric(n/tProj.Seconds(), "txs/s")
	b.ReportMetric(n/tLegacy.Seconds(), "per-event-txs/s")
	b.ReportMetric(n/cProj.Seconds(), "cpu-txs/s")
	b.ReportMetric(n/cLegacy.Seconds(), "cpu-per-event-txs/s")
	b.ReportMetric(cLegacy.Seconds()/cProj.Seconds(), "cpu-x-per-event")
}

// BenchmarkProjectHandDecoder projects BenchmarkProject's blocks twice in
// the same run, block by block alternately: with the hand decoder of the
// pool events (pool_decode.go) and with encoding/json alone (DB.projJSON,
// as before it) — an A/B of the decoder in one process, steadier than two
// binaries on a loaded machine. Metrics: CPU txs/s of each, and the ratio.
func BenchmarkProjectHandDecoder(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	open := func(name string) *DB {
		db, err := Open(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	hand, slow := open("hand.db"), open("json.db")
	slow.projJSON = true
	blocks := benchBlocks(b.N, benchBlock)
	b.ResetTimer()
	cHand, cSlow := projectAlternately(b, ctx, hand, slow, blocks)
	b.StopTimer()
	n := float64(len(blocks) * benchTxs)
	b.ReportMetric(n/cHand.Seconds(), "cpu-txs/s")
	b.ReportMetric(n/cSlow.Seconds(), "cpu-json-txs/s")
	b.ReportMetric(cSlow.Seconds()/cHand.Seconds(), "cpu-x-json")
}

// BenchmarkProjectAlone projects BenchmarkProject's blocks (1,000-tx hub
// batches, one per transaction) and nothing else: no baseline, no per-event
// path, so a CPU profile of it is the buffered projection's alone (and its
// metric comparable between two binaries run alternately). Metrics: txs/s,
// wall and CPU.
func BenchmarkProjectAlone(b *testing.B) {
	ctx := context.Background()
	db, err := Open(filepath.Join(b.TempDir(), "project.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	blocks := benchBlocks(b.N, benchBlock)
	b.ResetTimer()
	start, c0 := time.Now(), cpuTime()
	for i := range blocks {
		if err := db.Project(ctx, blocks[i]); err != nil {
			b.Fatal(err)
		}
	}
	t, c := time.Since(start), cpuTime()-c0
	b.StopTimer()
	n := float64(len(blocks) * benchTxs)
	b.ReportMetric(n/t.Seconds(), "txs/s")
	b.ReportMetric(n/c.Seconds(), "cpu-txs/s")
}

// BenchmarkProjectSession25 projects the same blocks into two databases in
// one process, block by block alternately: as this branch does (binary
// events records, the demand folds many rows per upsert) and as before it
// (DB.evsJSON: migration 0024's JSON records; DB.demandOne: one upsert a
// row) — an A/B steadier than two binaries on a shared machine. Sub-
// benchmarks: hub-batch blocks (benchBlock) and member blocks (memberBlock).
// Metrics: CPU txs/s of each and their ratio.
func BenchmarkProjectSession25(b *testing.B) {
	for _, c := range []struct {
		name string
		blk  func(int64) gongxu.CommittedBlock
	}{{"batches", benchBlock}, {"members", memberBlock}} {
		b.Run(c.name, func(b *testing.B) {
			ctx := context.Background()
			dir := b.TempDir()
			open := func(name string) *DB {
				db, err := Open(filepath.Join(dir, name))
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { db.Close() })
				return db
			}
			now, before := open("now.db"), open("before.db")
			before.evsJSON, before.demandOne = true, true
			blocks := benchBlocks(b.N, c.blk)
			b.ResetTimer()
			cNow, cBefore := projectAlternately(b, ctx, now, before, blocks)
			b.StopTimer()
			n := float64(len(blocks) * benchTxs)
			b.ReportMetric(n/cNow.Seconds(), "cpu-txs/s")
			b.ReportMetric(n/cBefore.Seconds(), "cpu-before-txs/s")
			b.ReportMetric(cBefore.Seconds()/cNow.Seconds(), "cpu-x-before")
		})
	}
}

// BenchmarkProjectBatchesLayout projects the same hub-batch blocks into two
// databases in one process, block by block alternately: one in the layout
// of migration 0026 and one with its B-trees as before it: the batches
// table a rowid table with a unique index on tx and an index on pool,
// height, seq, and movements indexed by from_acct and to_acct (it keeps
// movement_accts too: the code writes it), the same code writing both.
// Metrics: CPU txs/s of each and their ratio.
func BenchmarkProjectBatchesLayout(b *testing.B) {
	ctx := context.Background()
	dir := b.TempDir()
	open := func(name string) *DB {
		db, err := Open(filepath.Join(dir, name))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { db.Close() })
		return db
	}
	now, before := open("now.db"), open("before.db")
	if _, err := before.w.Exec(`DROP TABLE batches;
		CREATE TABLE batches (
			tx     TEXT NOT NULL COLLATE NOCASE UNIQUE,
			pool   INTEGER NOT NULL,
			hub    TEXT NOT NULL,
			height INTEGER NOT NULL REFERENCES blocks (height),
			seq    INTEGER NOT NULL,
			json   TEXT NOT NULL
		);
		CREATE INDEX batches_pool ON batches (pool, height, seq);
		CREATE INDEX movements_from ON movements (from_acct, height, seq) WHERE from_acct != '';
		CREATE INDEX movements_to ON movements (to_acct, height, seq) WHERE to_acct != '';`); err != nil {
		b.Fatal(err)
	}
	blocks := benchBlocks(b.N, benchBlock)
	b.ResetTimer()
	cNow, cBefore := projectAlternately(b, ctx, now, before, blocks)
	b.StopTimer()
	n := float64(len(blocks) * benchTxs)
	b.ReportMetric(n/cNow.Seconds(), "cpu-txs/s")
	b.ReportMetric(n/cBefore.Seconds(), "cpu-before-txs/s")
	b.ReportMetric(cBefore.Seconds()/cNow.Seconds(), "cpu-x-before")
}

// benchBlocks is n blocks of block(h), h = 1 … n.
func benchBlocks(n int, block func(int64) gongxu.CommittedBlock) []gongxu.CommittedBlock {
	blocks := make([]gongxu.CommittedBlock, 0, n)
	for h := int64(1); h <= int64(n); h++ {
		blocks = append(blocks, block(h))
	}
	return blocks
}

// projectAlternately projects each block into x and into y, alternating
// which goes first, and returns the CPU time each took: an A/B in one
// process, steadier than two binaries on a shared machine.
func projectAlternately(b *testing.B, ctx context.Context, x, y *DB, blocks []gongxu.CommittedBlock) (cx, cy time.Duration) {
	for i, blk := range blocks {
		first, second, cFirst, cSecond := x, y, &cx, &cy
		if i%2 == 1 {
			first, second, cFirst, cSecond = y, x, &cy, &cx
		}
		c0 := cpuTime()
		if err := first.Project(ctx, blk); err != nil {
			b.Fatal(err)
		}
		c1 := cpuTime()
		if err := second.Project(ctx, blk); err != nil {
			b.Fatal(err)
		}
		*cFirst += c1 - c0
		*cSecond += cpuTime() - c1
	}
	return cx, cy
}
