package comet

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/trace"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

// BenchmarkStateSync compares, in one run, the two ways a new node catches
// up with a chain of GONGXU_STATESYNC_TXS transactions (default 100,000) on
// Pebble: block sync from height 1 (every block executed and committed
// again: what CometBFT's block sync makes the app do) against state sync
// (the snapshot's chunks checked and written, the tree rebuilt and checked
// against the app hash). It also times taking the snapshot, and the block
// times of the source while a snapshot is being written. BENCHMARKS.md has
// the numbers.
//
//	GONGXU_STATESYNC_TXS=200000 go test ./internal/comet/ -run '^$' -bench BenchmarkStateSync -benchtime 1x
//
// Each block holds 500 transactions: GONGXU_STATESYNC_CAPTURES (default
// 10) EPCIS captures of 10 events, which add state as a trace ledger does,
// and org updates spread over 16 signers, which overwrite it.
func BenchmarkStateSync(b *testing.B) {
	n := 100_000
	if s := os.Getenv("GONGXU_STATESYNC_TXS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 500 {
			b.Fatalf("GONGXU_STATESYNC_TXS=%q", s)
		}
		n = v
	}
	captures = 10
	if s := os.Getenv("GONGXU_STATESYNC_CAPTURES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 0 || v > 100 {
			b.Fatalf("GONGXU_STATESYNC_CAPTURES=%q", s)
		}
		captures = v
	}
	for range b.N {
		runStateSyncBench(b, n)
	}
}

// captures is the number of EPCIS captures per block.
var captures = 10

const benchPerBlock = 500

func benchOrgSpecs() []chaintest.OrgSpec {
	out := []chaintest.OrgSpec{{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	for i := range 16 {
		out = append(out, chaintest.OrgSpec{ID: fmt.Sprintf("org-%02d", i), Roles: []gongxu.Role{gongxu.RoleHub}})
	}
	return out
}

func benchCaptureDoc(now int64, n, d int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"ObjectEvent","eventTime":"%s","eventTimeZoneOffset":"+00:00","action":"OBSERVE","bizStep":"inspecting","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}`,
			epcis.FormatMillis(now-int64(i)-1), d*n+i)
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}

func benchBlock(h *chaintest.Harness, k int) [][]byte {
	txs := make([][]byte, 0, benchPerBlock)
	for i := range benchPerBlock - captures {
		who := fmt.Sprintf("org-%02d", i%16)
		txs = append(txs, h.Sign(who, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: fmt.Sprintf("update %d of block %d", i, k)}))
	}
	for c := range captures {
		doc := benchCaptureDoc(h.Time+1000, 10, k*100+c)
		body, _ := json.Marshal(trace.MsgCapture{Document: doc})
		txs = append(txs, h.SignRaw("factory-a", trace.TypeCapture, body))
	}
	return txs
}

func pebbleHarness(b *testing.B, dir string) (*chaintest.Harness, *pebblekv.DB) {
	db, err := pebblekv.Open(dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return chaintest.Open(b, db), db
}

func dirBytes(dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			n += fi.Size()
		}
		return nil
	})
	return n
}

func runStateSyncBench(b *testing.B, n int) {
	b.StopTimer()
	tmp := b.TempDir()
	orgs := benchOrgSpecs()
	gen := chaintest.Genesis(orgs...)

	// The source chain, its blocks recorded.
	src, _ := pebbleHarness(b, filepath.Join(tmp, "src"))
	src.InitChain(gen)
	src.Block()
	type rec struct {
		time int64
		txs  [][]byte
	}
	var blocks []rec
	var txBytes int64
	start := time.Now()
	var build time.Duration
	for k := 0; k*benchPerBlock < n; k++ {
		txs := benchBlock(src, k)
		t0 := time.Now()
		res := src.Block(txs...)
		build += time.Since(t0)
		for i, r := range res.Txs {
			if r.Code != 0 {
				b.Fatalf("block %d tx %d: %s", src.Height, i, r.Log)
			}
		}
		blocks = append(blocks, rec{src.Time, txs})
		for _, t := range txs {
			txBytes += int64(len(t))
		}
	}
	height := src.Height
	root := src.State.Root()
	b.Logf("source: %d txs in %d blocks (%.1f MB of txs) executed in %s (%s with signing)", len(blocks)*benchPerBlock, len(blocks), float64(txBytes)/1e6, build.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))

	// Block sync from height 1: a fresh node executes every block.
	b.StartTimer()
	t0 := time.Now()
	bs, _ := pebbleHarness(b, filepath.Join(tmp, "blocksync"))
	bs.InitChain(gen)
	bs.Block()
	for _, r := range blocks {
		bs.Height++
		if _, err := bs.App.FinalizeBlock(chain.Block{Height: bs.Height, Time: r.time, Txs: r.txs}); err != nil {
			b.Fatal(err)
		}
		if _, err := bs.App.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	blockSync := time.Since(t0)
	b.StopTimer()
	if !bytes.Equal(bs.State.Root(), root) {
		b.Fatal("block sync reached another app hash")
	}

	// Taking the snapshot (off the consensus goroutine on a node).
	snaps := newSnapshots(SnapshotOptions{Interval: 1, Keep: 1, Dir: filepath.Join(tmp, "snapshots")}, src.State, src.App.Logger)
	t0 = time.Now()
	v, err := src.State.View()
	if err != nil {
		b.Fatal(err)
	}
	snapBytes, err := snaps.write(v, src.Time)
	v.Close()
	if err != nil {
		b.Fatal(err)
	}
	take := time.Since(t0)
	list := snaps.list()
	s := list[0]
	m, _ := DecodeSnapshotMeta(s.Metadata)

	// State sync: offer, every chunk loaded, checked and applied, the tree
	// rebuilt and checked.
	b.StartTimer()
	t0 = time.Now()
	db, err := pebblekv.Open(filepath.Join(tmp, "statesync"))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	st, err := store.Open(db)
	if err != nil {
		b.Fatal(err)
	}
	dst := newSnapshots(SnapshotOptions{}, st, src.App.Logger)
	if res, err := dst.offer(s, root); err != nil || res.String() != "ACCEPT" {
		b.Fatalf("offer: %v %v", res, err)
	}
	for i := uint32(0); i < s.Chunks; i++ {
		r, _, err := dst.apply(&abci.RequestApplySnapshotChunk{Index: i, Chunk: snaps.chunk(s.Height, s.Format, i)})
		if err != nil || r.Result.String() != "ACCEPT" {
			b.Fatalf("chunk %d: %v %v", i, r, err)
		}
	}
	stateSync := time.Since(t0)
	b.StopTimer()
	if st.Height() != height || !bytes.Equal(st.Root(), root) {
		b.Fatal("state sync reached another state")
	}

	// Block times of the source while a snapshot is written, against
	// without one.
	blockTimes := func(k int, during func()) time.Duration {
		var total time.Duration
		done := make(chan struct{})
		if during != nil {
			go func() { during(); close(done) }()
		}
		for j := 0; j < k; j++ {
			txs := benchBlock(src, 100_000+j)
			t := time.Now()
			src.Block(txs...)
			total += time.Since(t)
		}
		if during != nil {
			<-done
		}
		return total / time.Duration(k)
	}
	quiet := blockTimes(10, nil)
	var snapDuring time.Duration
	during := blockTimes(10, func() {
		t := time.Now()
		v, err := src.State.View()
		if err != nil {
			return
		}
		snaps.write(v, src.Time)
		v.Close()
		snapDuring = time.Since(t)
	})

	b.ReportMetric(float64(len(blocks)*benchPerBlock), "txs")
	b.ReportMetric(float64(m.Pairs), "state-keys")
	b.ReportMetric(blockSync.Seconds(), "blocksync-s")
	b.ReportMetric(stateSync.Seconds(), "statesync-s")
	b.ReportMetric(blockSync.Seconds()/stateSync.Seconds(), "time-ratio")
	b.ReportMetric(float64(txBytes)/1e6, "blocksync-MB")
	b.ReportMetric(float64(snapBytes)/1e6, "statesync-MB")
	b.ReportMetric(float64(txBytes)/float64(snapBytes), "bytes-ratio")
	b.ReportMetric(take.Seconds(), "snapshot-s")
	b.ReportMetric(float64(quiet.Microseconds())/1000, "block-ms")
	b.ReportMetric(float64(during.Microseconds())/1000, "block-during-snapshot-ms")
	b.Logf("state: %d keys, app db %.1f MB; snapshot %d chunks, %.1f MB, taken in %s (%s while blocks ran)", m.Pairs, float64(dirBytes(filepath.Join(tmp, "src")))/1e6, s.Chunks, float64(snapBytes)/1e6, take.Round(time.Millisecond), snapDuring.Round(time.Millisecond))
	b.Logf("block sync %s, state sync %s (ratio %.1f); bytes %.1f MB of txs against %.1f MB of chunks (ratio %.1f)", blockSync.Round(time.Millisecond), stateSync.Round(time.Millisecond), blockSync.Seconds()/stateSync.Seconds(), float64(txBytes)/1e6, float64(snapBytes)/1e6, float64(txBytes)/float64(snapBytes))
	b.Logf("block of %d txs: %s, %s while a snapshot is written", benchPerBlock, quiet.Round(time.Microsecond), during.Round(time.Microsecond))
}
