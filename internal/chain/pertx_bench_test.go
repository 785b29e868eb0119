package chain_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

// cpuNow is the process's user+system CPU time: what the node pays,
// background goroutines (GC, Pebble) included. The wall clock is no use on
// the shared machine these run on.
func cpuNow() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// perTxBlock is the ledger benchmark's block: 960 member/update_org txs of
// ~180 bytes from 16 signers (at 1,000 tx/s offered, blocks of 700–1,000).
const perTxSigners, perTxPerSigner = 16, 60

// BenchmarkMemberTx is a node's CPU per member transaction along its whole
// path, by phase, on one node with the stores a node has (state in Pebble,
// the read model in SQLite, both in a temporary directory): CheckTx of a tx
// the node has not seen (as when it comes by gossip), the recheck after a
// commit while it waits, PrepareProposal, ProcessProposal, FinalizeBlock of
// a block of them, Commit, and the read model's projection of the block.
// "total" is their sum; in a network every node pays each phase once per
// tx but PrepareProposal (the proposer only) and the recheck (once per
// commit the tx waits through: ~0.5–1 at 1,000 tx/s). BenchmarkKVStoreTx is
// the same path for CometBFT's kvstore example app, the benchmark's
// baseline.
//
//	go test ./internal/chain/ -run '^$' -bench 'BenchmarkMemberTx|BenchmarkKVStoreTx' -benchtime 5x
func BenchmarkMemberTx(b *testing.B) { benchMemberTx(b, perTxSigners, perTxPerSigner) }

// BenchmarkMemberTxManySigners is BenchmarkMemberTx with the ledger
// benchmark's spread of signers (256 at 1,000 tx/s: ~4 txs per signer per
// block): 240 signers, 4 txs each, one block of 960.
func BenchmarkMemberTxManySigners(b *testing.B) { benchMemberTx(b, 240, 4) }

func benchMemberTx(b *testing.B, signers, perSigner int) {
	defer runtime.KeepAlive(nodeHeap())
	phases := []string{"checktx", "recheck", "prepare", "process", "finalize", "commit", "project"}
	cpu := map[string]time.Duration{}
	var n int
	var allocs uint64 // bytes allocated in the phases
	for range b.N {
		b.StopTimer()
		dir := b.TempDir()
		db, err := pebblekv.Open(filepath.Join(dir, "state"))
		if err != nil {
			b.Fatal(err)
		}
		read, err := sqlite.Open(filepath.Join(dir, "read.db"))
		if err != nil {
			b.Fatal(err)
		}
		h := chaintest.Open(b, db)
		h.InitChain(chaintest.Genesis(signerOrgs(signers)...))
		project := func(res *chain.BlockResult) {
			if err := read.Project(context.Background(), committedBlock(res)); err != nil {
				b.Fatal(err)
			}
		}
		project(h.Block())
		txs := memberTxs(h, signers, perSigner)
		n = len(txs)
		phase := func(name string, fn func()) {
			var m0, m1 runtime.MemStats
			runtime.ReadMemStats(&m0)
			t0 := cpuNow()
			fn()
			cpu[name] += cpuNow() - t0
			runtime.ReadMemStats(&m1)
			allocs += m1.TotalAlloc - m0.TotalAlloc
		}
		b.StartTimer()

		phase("checktx", func() { mustCheck(b, h.App.CheckTx, txs) })
		b.StopTimer()
		project(h.Block()) // an empty block: every tx waits through a commit
		b.StartTimer()
		phase("recheck", func() { mustCheck(b, h.App.Recheck, txs) })
		var prop [][]byte
		phase("prepare", func() { prop = h.App.PrepareProposal(txs, 4<<20) })
		if len(prop) != len(txs) {
			b.Fatalf("the proposal holds %d of %d txs", len(prop), len(txs))
		}
		phase("process", func() {
			if err := h.App.ProcessProposal(prop); err != nil {
				b.Fatal(err)
			}
		})
		h.Height++
		h.Time += 1000
		var res *chain.BlockResult
		phase("finalize", func() {
			if res, err = h.App.FinalizeBlock(chain.Block{Height: h.Height, Time: h.Time, Txs: prop}); err != nil {
				b.Fatal(err)
			}
		})
		phase("commit", func() {
			if _, err := h.App.Commit(); err != nil {
				b.Fatal(err)
			}
		})
		for i, r := range res.Txs {
			if r.Code != 0 {
				b.Fatalf("tx %d: %s", i, r.Log)
			}
		}
		phase("project", func() { project(res) })

		b.StopTimer()
		_ = read.Close()
		_ = db.Close()
		b.StartTimer()
	}
	var total time.Duration
	for _, p := range phases {
		b.ReportMetric(float64(cpu[p].Nanoseconds())/1e3/float64(b.N*n), p+"-µs/tx")
		total += cpu[p]
	}
	b.ReportMetric(float64(total.Nanoseconds())/1e3/float64(b.N*n), "total-µs/tx")
	b.ReportMetric(float64(allocs)/float64(b.N*n), "alloc-B/tx")
}

// BenchmarkKVStoreTx is BenchmarkMemberTx's path for CometBFT's kvstore
// example app (abci/example/kvstore, v0.38), on the same Pebble store: its
// CheckTx and recheck parse key=value, its FinalizeBlock parses each tx and
// makes its result with 2 events (4 attributes), and its Commit writes every
// pair in one synced batch. No signature, no state read, no read model.
func BenchmarkKVStoreTx(b *testing.B) {
	defer runtime.KeepAlive(nodeHeap())
	phases := []string{"checktx", "recheck", "finalize", "commit"}
	cpu := map[string]time.Duration{}
	n := perTxSigners * perTxPerSigner
	for i := range b.N {
		b.StopTimer()
		db, err := pebblekv.Open(filepath.Join(b.TempDir(), "state"))
		if err != nil {
			b.Fatal(err)
		}
		txs := make([][]byte, n)
		for j := range txs {
			k := fmt.Sprintf("k-%d-%d", i, j)
			txs[j] = []byte(k + "=" + strings.Repeat("v", 180-len(k)-1))
		}
		phase := func(name string, fn func()) {
			t0 := cpuNow()
			fn()
			cpu[name] += cpuNow() - t0
		}
		check := func() {
			for _, tx := range txs {
				if _, _, ok := kvParse(tx); !ok {
					b.Fatal("bad tx")
				}
			}
		}
		b.StartTimer()
		phase("checktx", check)
		phase("recheck", check)
		var changes []store.Change
		var results []kvResult
		phase("finalize", func() {
			for _, tx := range txs {
				k, v, _ := kvParse(tx)
				changes = append(changes, store.Change{Key: k, Value: v})
				results = append(results, kvResult{events: []kvEvent{
					{typ: "app", attrs: [][2]string{{"creator", "Cosmoshi Netowoko"}, {"key", string(k)}, {"index_key", "index is working"}, {"noindex_key", "index is working"}}},
				}})
			}
		})
		phase("commit", func() {
			if err := db.Apply(changes); err != nil {
				b.Fatal(err)
			}
			var size [8]byte
			binary.BigEndian.PutUint64(size[:], uint64(len(changes)))
			_ = sha256.Sum256(size[:])
		})
		b.StopTimer()
		_ = db.Close()
		b.StartTimer()
	}
	var total time.Duration
	for _, p := range phases {
		b.ReportMetric(float64(cpu[p].Nanoseconds())/1e3/float64(b.N*n), p+"-µs/tx")
		total += cpu[p]
	}
	b.ReportMetric(float64(total.Nanoseconds())/1e3/float64(b.N*n), "total-µs/tx")
}

// nodeHeap is live memory of a node's size (a gongxu node in the ledger
// benchmark holds 60–120 MB of heap, GODEBUG=gctrace=1), so the collector
// runs as often per byte allocated as it does there, not at a test binary's
// few MB, where a benchmark pays for a GC cycle every few hundred txs.
func nodeHeap() []byte { return make([]byte, 64<<20) }

type kvEvent struct {
	typ   string
	attrs [][2]string
}

type kvResult struct{ events []kvEvent }

// kvParse is kvstore's tx format check: key=value, both non-empty.
func kvParse(tx []byte) (k, v []byte, ok bool) {
	k, v, ok = bytes.Cut(tx, []byte("="))
	return k, v, ok && len(k) > 0 && len(v) > 0
}

// memberTxs are the ledger benchmark's transactions: member/update_org of
// the signer's own org, ~180 bytes.
func memberTxs(h *chaintest.Harness, signers, perSigner int) [][]byte {
	var txs [][]byte
	for j := range perSigner {
		for i := range signers {
			d := fmt.Sprintf("bench load: signer %d tx %d ", i, j) + strings.Repeat(".", 40)
			txs = append(txs, h.Sign(fmt.Sprintf("org-%02d", i), member.TypeUpdateOrg, member.MsgUpdateOrg{Description: d}))
		}
	}
	return txs
}

// signerOrgs are benchOrgs with n signer orgs, org-00 …
func signerOrgs(n int) []chaintest.OrgSpec {
	out := []chaintest.OrgSpec{{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	for i := range n {
		out = append(out, chaintest.OrgSpec{ID: fmt.Sprintf("org-%02d", i), Roles: []gongxu.Role{gongxu.RoleHub}})
	}
	return out
}

func mustCheck(b *testing.B, check func([]byte) chain.TxResult, txs [][]byte) {
	for i, tx := range txs {
		if r := check(tx); r.Code != 0 {
			b.Fatalf("tx %d: %s", i, r.Log)
		}
	}
}

// committedBlock is the read side's view of a block as internal/comet
// builds it; the block hash, which a chain without consensus has not, is
// derived from the height and app hash.
func committedBlock(res *chain.BlockResult) gongxu.CommittedBlock {
	var hb [8]byte
	binary.BigEndian.PutUint64(hb[:], uint64(res.Height))
	bh := sha256.Sum256(append(hb[:], res.AppHash...))
	b := gongxu.CommittedBlock{Height: res.Height, Time: res.Time, Hash: strings.ToUpper(hex.EncodeToString(bh[:])),
		AppHash: strings.ToUpper(hex.EncodeToString(res.AppHash)), Txs: make([]gongxu.TxRecord, len(res.Txs)),
		Events: res.Events, EndEvents: res.EndEvents}
	if b.Events == nil {
		b.Events = []gongxu.Event{}
	}
	for i, t := range res.Txs {
		kind := ""
		if t.Code != 0 {
			kind = gongxu.Kind(t.Code).String()
		}
		b.Txs[i] = gongxu.TxRecord{Hash: t.Hash, Height: res.Height, Index: i, Time: time.UnixMilli(res.Time).UTC().Format(time.RFC3339Nano),
			Type: t.Type, Signer: t.Signer, Org: t.Org, Code: t.Code, Kind: kind, Message: t.Log, Events: t.Events}
	}
	return b
}
