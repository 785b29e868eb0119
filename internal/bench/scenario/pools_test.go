package scenario

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

func TestBatchBodyIsAValidBatch(t *testing.T) {
	for _, c := range []struct{ n, idLen int }{{1, 16}, {3, 17}, {2000, 64}, {pool.MaxLeaves, 32}} {
		body := batchBody(7, 3, 42, c.n, c.idLen)
		var m pool.MsgBatch
		dec := json.NewDecoder(strings.NewReader(string(body)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&m); err != nil {
			t.Fatalf("%d leaves: %v", c.n, err)
		}
		if err := m.ValidateBasic(); err != nil {
			t.Fatalf("%d leaves of %d hex: %v", c.n, c.idLen, err)
		}
		if m.Pool != 7 || len(m.Leaves) != c.n {
			t.Fatalf("pool %d with %d leaves", m.Pool, len(m.Leaves))
		}
		var units int64
		for i, l := range m.Leaves {
			if len(l.ID) != c.idLen || int64(l.Qty) != leafQty(i) || l.Variant != leafVariants[i%3] {
				t.Fatalf("leaf %d = %+v", i, l)
			}
			units += int64(l.Qty)
		}
		if units != batchUnits(c.n) {
			t.Fatalf("%d leaves: %d units, batchUnits says %d", c.n, units, batchUnits(c.n))
		}
		// The body is what json.Marshal writes, and its size is predictable.
		want, _ := json.Marshal(m)
		if string(want) != string(body) {
			t.Fatalf("body differs from json.Marshal:\n%.200s\n%.200s", body, want)
		}
		if got, want := len(body), len(`{"pool":7,"leaves":[]}`)+c.n*leafBytes(c.idLen, false)-1; got != want {
			t.Fatalf("%d leaves of %d hex: %d bytes, leafBytes predicts %d", c.n, c.idLen, got, want)
		}
	}
	if got := batchUnits(2000); got != 3999 {
		t.Fatalf("batchUnits(2000) = %d, want 667+1334+1998", got)
	}
}

func TestLeafIDsNeverRepeat(t *testing.T) {
	seen := map[string]string{}
	for hub := range 3 {
		for batch := uint64(1); batch <= 3; batch++ {
			for i := range 2000 {
				id := string(appendLeafID(nil, hub, batch, i, 16))
				where := fmt.Sprint(hub, "/", batch, "/", i)
				if prev, dup := seen[id]; dup {
					t.Fatalf("leaf %s has the id of leaf %s: %s", where, prev, id)
				}
				seen[id] = where
			}
		}
	}
	// Longer ids extend the same first 16 characters.
	long := string(appendLeafID(nil, 1, 2, 3, 64))
	if short := string(appendLeafID(nil, 1, 2, 3, 16)); !strings.HasPrefix(long, short) {
		t.Fatalf("%s does not start with %s", long, short)
	}
	if batchBody(1, 0, 1, 10, 32) == nil || string(batchBody(1, 0, 1, 10, 32)) == string(batchBody(1, 0, 2, 10, 32)) {
		t.Fatal("two batches of a hub have the same body")
	}
}

func TestBatchAndPledgeTxsDecode(t *testing.T) {
	keys := []ed25519.PrivateKey{signerKey(0), signerKey(1)}
	raw := batchTx(keys, 5, 100, 64, false)(1, 9)
	tx, _, err := gongxu.DecodeTx(raw, 1<<20)
	if err != nil || tx.Type != pool.TypeBatch || tx.Sequence != 9 || string(tx.Signer) != string(keys[1].Public().(ed25519.PublicKey)) {
		t.Fatalf("batch tx: %+v, %v", tx, err)
	}
	raw = pledgeTx(keys, 5, []gongxu.OrgID{"bench-00000", "bench-00001"})(1, 4)
	tx, _, err = gongxu.DecodeTx(raw, 1<<20)
	if err != nil || tx.Type != pool.TypePledge || tx.Sequence != 4 {
		t.Fatalf("pledge tx: %+v, %v", tx, err)
	}
	var m pool.MsgPledge
	if err := json.Unmarshal(tx.Body, &m); err != nil || m.Pool != 5 || m.Hub != "bench-00001" || m.Qty != 1 || m.ValidateBasic() != nil {
		t.Fatalf("pledge %+v, %v", m, err)
	}
}

func TestSeqBaseMapsRunnerSequences(t *testing.T) {
	base := seqBase{0, 41}
	var got []uint64
	build := base.wrap(func(i int, seq uint64) []byte { got = append(got, seq); return nil })
	build(0, 1)
	build(1, 1)
	build(1, 2)
	if fmt.Sprint(got) != "[1 42 43]" {
		t.Fatalf("chain sequences %v, want [1 42 43]", got)
	}
}

func TestPledgeAccounting(t *testing.T) {
	c := pledgeCount{Batches: 3, Direct: 5}
	if c.pledges(2000) != 6005 || c.units(2000) != 3*3999+5 {
		t.Fatalf("pledges %d units %d", c.pledges(2000), c.units(2000))
	}
	p := gongxu.Pool{ID: 1, Status: gongxu.PoolOpen, Pledges: 6005, Total: 3*3999 + 5}
	if v := newPoolCheck(p, c, 2000).verdict(); v != "matches the harness's count" {
		t.Fatalf("verdict %q", v)
	}
	p.Pledges, p.Total = 8005, 4*3999+5
	if v := newPoolCheck(p, c, 2000).verdict(); !strings.HasPrefix(v, "2000 pledges more") {
		t.Fatalf("verdict %q", v)
	}
	p.Pledges, p.Total = 6004, 3*3999+4
	if v := newPoolCheck(p, c, 2000).verdict(); !strings.HasPrefix(v, "MISMATCH") {
		t.Fatalf("verdict %q", v)
	}
}

func TestBlockBatches(t *testing.T) {
	// 4 MiB less the overhead, over txs of 192,032 bytes (+ 1 tag + 3 length bytes).
	if got := blockBatches(4<<20, 192_032); got != (4<<20-blockOverhead)/192_036 {
		t.Fatalf("blockBatches = %d", got)
	}
	if got := blockBatches(1000, 2000); got != 0 {
		t.Fatalf("a tx larger than the block: %d", got)
	}
}

func TestClosingBlockAgainstNeighbours(t *testing.T) {
	var blocks []bench.BlockTiming
	t0 := mustTime(t, "2026-01-02T10:00:00Z")
	for h := int64(10); h <= 30; h++ {
		at := t0.Add(ms2dur(int(h-10) * 600))
		exec := 20
		switch h {
		case 20:
			exec = 90 // the closing block
		case 23:
			exec = 30 // the baseline's
		}
		blocks = append(blocks, bench.BlockTiming{Height: h, Txs: 2, Finalizing: at.Add(-ms2dur(exec + 10)), Finalized: at.Add(-ms2dur(10)), Committed: at})
	}
	n := closeTimes("node0", blocks, 20, 23, 2)
	if n.Close.Height != 20 || n.Close.ExecMs != 90 || n.Close.ProcessMs != 100 || n.Close.IntervalMs != 600 {
		t.Fatalf("close %+v", n.Close)
	}
	if n.Baseline.Height != 23 || n.Baseline.ExecMs != 30 {
		t.Fatalf("baseline %+v", n.Baseline)
	}
	// Heights 18–25 less 20 and 23: 6 blocks, all 20 ms.
	if n.Neighbours.Blocks != 6 || n.Neighbours.ExecMs != 20 || n.Neighbours.IntervalMs != 600 {
		t.Fatalf("neighbours %+v", n.Neighbours)
	}
	// Both pools closed in one block: both are that block.
	n = closeTimes("node0", blocks, 20, 20, 1)
	if n.Close.ExecMs != 90 || n.Baseline.ExecMs != 90 || n.Neighbours.Blocks != 2 {
		t.Fatalf("same block: %+v", n)
	}
}

func ms2dur(n int) time.Duration { return time.Duration(n) * time.Millisecond }

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestPackedBatchBodyHasTheSameLeaves(t *testing.T) {
	for _, idLen := range []int{16, 33, 64} {
		var js, pk pool.MsgBatch
		if err := json.Unmarshal(batchBody(7, 3, 5, 300, idLen), &js); err != nil {
			t.Fatal(err)
		}
		body := packedBatchBody(7, 3, 5, 300, idLen)
		if body[0] == '{' {
			t.Fatalf("packed body: %.100q is JSON", body)
		}
		if err := pk.DecodeBinary(body); err != nil {
			t.Fatal(err)
		}
		if err := pk.ValidateBasic(); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(pk, js) {
			t.Fatalf("%d-hex ids: the packed batch's leaves differ from the JSON batch's", idLen)
		}
		// version, pool 7, the leaves' version, 3 variants of 1 byte, count.
		if got, want := len(body), 1+1+1+1+3*2+2+300*leafBytes(idLen, true); got != want {
			t.Fatalf("%d-hex ids: %d bytes, leafBytes predicts %d", idLen, got, want)
		}
	}
}

// TestPrebuiltIsTheSameLoad: the transactions built ahead are byte for byte
// the ones the runner would have built (in the chain's sequences), for every
// signer, and sequences past them are built on demand; concurrent signers
// may read it.
func TestPrebuiltIsTheSameLoad(t *testing.T) {
	keys := signerKeys(3)
	base := seqBase{0, 7, 100}
	var calls atomic.Int64
	build := func(i int, seq uint64) []byte {
		calls.Add(1)
		return batchTx(keys, 1, 5, 16, true)(i, seq)
	}
	pre := base.prebuilt(build, len(keys), 4)
	if calls.Load() != 12 {
		t.Fatalf("built %d ahead, want 3 signers × 4", calls.Load())
	}
	live := base.wrap(batchTx(keys, 1, 5, 16, true))
	var wg sync.WaitGroup
	for i := range keys {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for seq := uint64(1); seq <= 6; seq++ {
				if got, want := pre(i, seq), live(i, seq); !bytes.Equal(got, want) {
					t.Errorf("signer %d seq %d: prebuilt tx differs from the live one", i, seq)
				}
			}
		}()
	}
	wg.Wait()
	if calls.Load() != 12+3*2 {
		t.Fatalf("built %d in all, want 12 ahead and seqs 5 and 6 of each signer on demand", calls.Load())
	}
}

func TestPrebuildCount(t *testing.T) {
	for _, c := range []struct {
		rate, signers, txBytes, want int
	}{
		{48, 16, 186_814, 40},     // 480 slots: 30 each, 37.5 → 38, + 2
		{1, 16, 200, 3},           // 10 slots over 16 signers: 1 (rounded up) + 2
		{48, 16, 4 << 20, 8},      // bounded by memory: 512 MiB / (16 × 4 MiB)
		{48, 1 << 30, 1 << 20, 0}, // more signers than memory: none ahead
	} {
		if got := prebuildCount(c.rate, 10*time.Second, c.signers, c.txBytes); got != c.want {
			t.Errorf("rate %d, %d signers, %d bytes: %d ahead, want %d", c.rate, c.signers, c.txBytes, got, c.want)
		}
	}
}

func TestPoolsSubmitOption(t *testing.T) {
	o := PoolsOptions{Common: Common{Validators: 4, Step: 10 * time.Second, Warmup: 2 * time.Second},
		Hubs: 16, Leaves: 100, LeafID: 64, Consumers: 16, BatchRates: []int{4}, Phases: []string{PhaseBatches}}
	for _, s := range []string{"", SubmitAPI, SubmitRPC} {
		o.Submit = s
		if err := o.Check(); err != nil {
			t.Fatalf("--submit %q: %v", s, err)
		}
	}
	o.Submit = "grpc"
	if err := o.Check(); err == nil || !strings.Contains(err.Error(), "--submit") {
		t.Fatalf("--submit grpc: %v", err)
	}
	o.Submit = SubmitAPI
	if c := o.command(); !strings.Contains(c, "--submit api") || !strings.Contains(c, "--prebuild=false") {
		t.Fatalf("command %q does not say how it submitted", c)
	}
}
