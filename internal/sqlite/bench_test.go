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
	// and with the writer's temp store as before (statement journals in files)
	if _, err := legacy.w.Exec(`PRAGMA temp_store = DEFAULT`); err != nil {
		b.Fatal(err)
	}
	blocks := make([]gongxu.CommittedBlock, 0, b.N)
	for h := int64(1); h <= int64(b.N); h++ {
		blocks = append(blocks, benchBlock(h))
	}
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
	b.ReportMetric(n/cLegacy.Seconds(), "cpu-per-event-txs/s")
	b.ReportMetric(cLegacy.Seconds()/cProj.Seconds(), "cpu-x-per-event")
}
