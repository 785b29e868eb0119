package sqlite

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// The demand tables' growth with pledges (issue 13): N synthetic pledges
// projected into a fresh read model, two ways a pledge reaches the ledger.
//
//   - through hub batches (the way the network scales): batches of 1,000
//     leaves from 1,000 hubs into 20 pools over 28 days;
//   - as direct pledges (a consumer's own signed pledge): each by its own
//     consumer key, into the same pools, hubs and days.
//
// It reports the bytes of the demand tables (demand_facts with its index,
// demand_open), of the tables a pledge also lands in (pledges, batches),
// and of the whole database file, each per pledge.

const (
	growthHubs  = 1000
	growthPools = 20
	growthDays  = 28
	growthLeafs = 1000 // leaves per batch
	growthPerTx = 1000 // txs per block
)

// growthPool is pool id's open pool of product acme/p<id>.
func growthPool(id uint64) gongxu.Pool {
	return gongxu.Pool{ID: id, Factory: "acme", Product: gongxu.ProductID(fmt.Sprintf("acme/p%d", id)), Variants: []string{"m", "l"},
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 5000}}, MOQ: 1000, Cap: 1 << 40, CasePack: 1, Currency: "CNY",
		Deadline: t0 + 100*86_400_000, Hubs: []gongxu.OrgID{}, Status: gongxu.PoolOpen, Created: t0,
		History: []gongxu.PoolChange{{Status: gongxu.PoolOpen, Time: t0, Height: 1, Reason: "opened"}}}
}

// growthBlocks calls emit with the blocks that carry n pledges, batched
// or direct, one block at a time (so memory stays flat).
func growthBlocks(n int64, batched bool, emit func(gongxu.CommittedBlock) error) error {
	var pools []gongxu.TxRecord
	for id := uint64(1); id <= growthPools; id++ {
		pools = append(pools, gongxu.TxRecord{Type: "pool/open", Org: "acme", Signer: key(0), Events: []gongxu.Event{poolEvent(growthPool(id))}})
	}
	if err := emit(block(1, pools)); err != nil {
		return err
	}
	per := int64(1)
	if batched {
		per = growthLeafs
	}
	txs := (n + per - 1) / per
	shares := map[string]gongxu.Units{}
	height := int64(2)
	for done := int64(0); done < txs; height++ {
		k := min(growthPerTx, txs-done)
		recs := make([]gongxu.TxRecord, k)
		day := done * growthDays / txs
		for i := range recs {
			j := done + int64(i)
			hub := gongxu.OrgID(fmt.Sprintf("hub-%d", j%growthHubs))
			pool := uint64(j%growthPools + 1)
			variant := []string{"m", "l"}[(j/growthPools)%2]
			h := sha256.Sum256([]byte(strconv.FormatInt(j, 10)))
			hash := strings.ToUpper(hex.EncodeToString(h[:]))
			if batched {
				sk := poolHub(pool, hub)
				shares[sk] += growthLeafs
				recs[i] = gongxu.TxRecord{Hash: hash, Type: "pool/batch", Org: hub, Signer: key(int(j % growthHubs)), Events: []gongxu.Event{
					batchEvent(gongxu.Batch{Pool: pool, Hub: hub, Tx: hash, Root: fmt.Sprintf("%064x", j), Leaves: growthLeafs, Qty: growthLeafs,
						Escrow: growthLeafs * 5000, Height: height}),
					shareEvent(gongxu.HubShare{Pool: pool, Hub: hub, Qty: shares[sk], Pledges: int64(shares[sk]),
						Variants: []gongxu.VariantQty{{Variant: "m", Qty: shares[sk]}}}),
				}}
			} else {
				consumer := gongxu.PubKey(fmt.Sprintf("%064x", j+1_000_000))
				recs[i] = gongxu.TxRecord{Hash: hash, Type: "pool/pledge", Signer: consumer, Events: []gongxu.Event{
					pledgeEvent(gongxu.Pledge{Pool: pool, ID: uint64(j/growthPools + 1), Consumer: consumer, Hub: hub, Variant: variant,
						Qty: 1, Escrow: 5000, Created: t0 + day*86_400_000}),
				}}
			}
		}
		b := block(height, recs)
		for i := range b.Txs {
			b.Txs[i].Hash = recs[i].Hash
		}
		b.Time = t0 + day*86_400_000 + height
		if err := emit(b); err != nil {
			return err
		}
		done += k
	}
	return nil
}

// tableBytes is the bytes each table and index takes (SQLite's dbstat).
func tableBytes(ctx context.Context, db *DB) (map[string]int64, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT name, SUM(pgsize) FROM dbstat GROUP BY name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var name string
		var n int64
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}

// BenchmarkDemandGrowth projects N pledges (GONGXU_DEMAND_PLEDGES, a
// comma-separated list; default 100000) both ways (GONGXU_DEMAND_HOW:
// batched, direct or both, the default) and prints the tables' bytes per
// pledge:
//
//	GONGXU_DEMAND_PLEDGES=1000000,3000000 go test ./internal/sqlite -run '^$' -bench DemandGrowth -benchtime 1x -timeout 2h
func BenchmarkDemandGrowth(b *testing.B) {
	ns := []int64{100_000}
	if s := os.Getenv("GONGXU_DEMAND_PLEDGES"); s != "" {
		ns = nil
		for _, f := range strings.Split(s, ",") {
			n, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
			if err != nil || n < 1 {
				b.Fatalf("GONGXU_DEMAND_PLEDGES: %q", f)
			}
			ns = append(ns, n)
		}
	}
	hows := []bool{true, false}
	switch os.Getenv("GONGXU_DEMAND_HOW") {
	case "batched":
		hows = []bool{true}
	case "direct":
		hows = []bool{false}
	case "", "both":
	default:
		b.Fatal("GONGXU_DEMAND_HOW: want batched, direct or both")
	}
	ctx := context.Background()
	fmt.Println("| pledges | how | demand_facts rows | demand_facts + index | demand_open | pledges + batches tables | database file | demand bytes / pledge | file bytes / pledge | projection time | Go heap after |")
	fmt.Println("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
	for it := 0; it < b.N; it++ {
		for _, n := range ns {
			for _, batched := range hows {
				dir := b.TempDir()
				path := filepath.Join(dir, "read.db")
				db, err := Open(path)
				if err != nil {
					b.Fatal(err)
				}
				var blocks []gongxu.CommittedBlock
				start := time.Now()
				flush := func() error {
					err := db.ProjectBlocks(ctx, blocks)
					blocks = blocks[:0]
					return err
				}
				err = growthBlocks(n, batched, func(blk gongxu.CommittedBlock) error {
					blocks = append(blocks, blk)
					if len(blocks) == 10 {
						return flush()
					}
					return nil
				})
				if err == nil {
					err = flush()
				}
				if err != nil {
					b.Fatal(err)
				}
				took := time.Since(start)
				sizes, err := tableBytes(ctx, db)
				if err != nil {
					b.Fatal(err)
				}
				var rows int64
				if err := db.r.QueryRowContext(ctx, `SELECT count(*) FROM demand_facts`).Scan(&rows); err != nil {
					b.Fatal(err)
				}
				db.Close()
				st, err := os.Stat(path)
				if err != nil {
					b.Fatal(err)
				}
				var ms runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&ms)
				how := "direct"
				if batched {
					how = "hub batches"
				}
				facts := sizes["demand_facts"] + sizes["demand_facts_day"]
				demand := facts + sizes["demand_open"]
				fmt.Printf("| %d | %s | %d | %s | %s | %s | %s | %.1f | %.1f | %s | %s |\n", n, how, rows, mib(facts), mib(sizes["demand_open"]),
					mib(sizes["pledges"]+sizes["batches"]), mib(st.Size()), float64(demand)/float64(n), float64(st.Size())/float64(n),
					took.Round(time.Second), mib(int64(ms.HeapAlloc)))
			}
		}
	}
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
