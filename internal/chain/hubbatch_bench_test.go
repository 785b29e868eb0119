package chain_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// What one validator's state machine pays per pledge for packed hub batches
// (issue 17), step by step, in CPU time (the machine these run on is
// shared): CheckTx of each batch as it arrives, Recheck of each after a
// block that did not carry it (every block a batch waits costs that),
// PrepareProposal (the proposer only), ProcessProposal, FinalizeBlock and
// Commit of the block that carries them. A block holds 16 batches of 2,000
// leaves with 64-hex ids, as `gongxu tx pool batch --packed` writes them
// (binary: the binary pool/batch body; base64: the same leaves in
// {"pool":1,"packed":"..."}). node-cpu-ns/pledge is what every validator
// pays (all but prepare).
//
//	go test ./internal/chain/ -run '^$' -bench BenchmarkHubBatchNode -benchtime 20x
func BenchmarkHubBatchNode(b *testing.B) {
	b.Run("binary", func(b *testing.B) { benchHubBatchNode(b, true) })
	b.Run("base64", func(b *testing.B) { benchHubBatchNode(b, false) })
}

func benchHubBatchNode(b *testing.B, binary bool) {
	const hubs, leaves = 16, 2000
	h := chaintest.New(b, benchOrgs()...)
	setup := [][]byte{
		h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "T-shirt", Unit: "piece",
			Variants: []gongxu.Variant{{ID: "s", Name: "S"}, {ID: "m", Name: "M"}, {ID: "l", Name: "L"}}}),
		h.Sign("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/tee", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 1000}},
			MOQ: 10, Cap: 1 << 40, CasePack: 1, Currency: "CNY", Deadline: h.Time + 10*24*3600*1000}),
	}
	for i := range hubs {
		setup = append(setup, h.Sign(fmt.Sprintf("org-%02d", i), settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 1 << 50}))
	}
	for _, r := range h.Block(setup...).Txs {
		chaintest.MustOK(b, r)
	}
	var check, recheck, prepare, block time.Duration
	batch := 0
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		txs := make([][]byte, hubs)
		for i := range txs {
			batch++
			txs[i] = h.SignRaw(fmt.Sprintf("org-%02d", i), pool.TypeBatch, packedBatch(b, batch, leaves, binary))
		}
		b.StartTimer()
		t0 := cpuTime()
		for i, tx := range txs {
			if r := h.App.CheckTx(tx); r.Code != 0 {
				b.Fatalf("CheckTx of batch %d: %s", i, r.Log)
			}
		}
		check += cpuTime() - t0
		b.StopTimer()
		h.Block() // a block without them: they wait in the mempool
		b.StartTimer()
		t0 = cpuTime()
		for i, tx := range txs {
			if r := h.App.Recheck(tx); r.Code != 0 {
				b.Fatalf("Recheck of batch %d: %s", i, r.Log)
			}
		}
		recheck += cpuTime() - t0
		t0 = cpuTime()
		if prop := h.App.PrepareProposal(txs, 64<<20); len(prop) != len(txs) {
			b.Fatalf("the proposal holds %d of %d batches", len(prop), len(txs))
		}
		prepare += cpuTime() - t0
		t0 = cpuTime()
		if err := h.App.ProcessProposal(txs); err != nil {
			b.Fatal(err)
		}
		h.Height++
		h.Time += 1000
		res, err := h.App.FinalizeBlock(chain.Block{Height: h.Height, Time: h.Time, Txs: txs})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := h.App.Commit(); err != nil {
			b.Fatal(err)
		}
		block += cpuTime() - t0
		b.StopTimer()
		for _, r := range res.Txs {
			chaintest.MustOK(b, r)
		}
		b.StartTimer()
	}
	n := float64(b.N * hubs * leaves)
	ns := func(d time.Duration) float64 { return float64(d.Nanoseconds()) / n }
	b.ReportMetric(ns(check), "check-cpu-ns/pledge")
	b.ReportMetric(ns(recheck), "recheck-cpu-ns/pledge")
	b.ReportMetric(ns(prepare), "prepare-cpu-ns/pledge")
	b.ReportMetric(ns(block), "block-cpu-ns/pledge")
	b.ReportMetric(ns(check+recheck+block), "node-cpu-ns/pledge")
}

// packedBatch is the body of a packed batch of n leaves numbered by batch:
// 64-hex ids, variants s/m/l, 1 to 3 units, a pickup commitment each; the
// binary body, or base64 in JSON.
func packedBatch(b *testing.B, batch, n int, binary bool) []byte {
	ls := make([]pool.Leaf, n)
	for i := range ls {
		ls[i] = pool.Leaf{ID: fmt.Sprintf("%016x%016x%032x", batch, i, uint64(i)*0x9e3779b97f4a7c15),
			Variant: []string{"s", "m", "l"}[i%3], Qty: gongxu.Units(1 + i%3), Commit: fmt.Sprintf("%032x%032x", uint64(batch)*0x9e3779b97f4a7c15, i)}
	}
	if binary {
		body, err := pool.EncodeBatchBinary(1, ls)
		if err != nil {
			b.Fatal(err)
		}
		return body
	}
	p, err := pool.PackLeaves(ls)
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(pool.MsgBatch{Pool: 1, Packed: p})
	if err != nil {
		b.Fatal(err)
	}
	return body
}
