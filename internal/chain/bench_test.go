package chain_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// The worst block the limits allow, against a typical block: what a
// validator spends to judge (ProcessProposal: decode, bodies, signatures
// none of which it has seen) and execute and commit it. The budget that
// bounds it is the block's work weight (gongxu.Params.MaxBlockWeight) and
// CometBFT's block bytes; it must stay well under the propose timeout.
//
//	go test ./internal/chain/ -run '^$' -bench BenchmarkBlock -benchtime 3x
func BenchmarkBlock(b *testing.B) {
	p := gongxu.DefaultParams()
	scenarios := []struct {
		name  string
		build func(h *chaintest.Harness) [][]byte
	}{
		{"typical", typicalBlock},
		{"worst-simple", func(h *chaintest.Harness) [][]byte { return fillBlock(h, nil, p.BlockWeight()) }},
		{"worst-captures", func(h *chaintest.Harness) [][]byte { return worstCaptures(h, p) }},
		{"worst-batches", func(h *chaintest.Harness) [][]byte { return worstBatches(h, p) }},
	}
	for _, sc := range scenarios {
		b.Run(sc.name, func(b *testing.B) {
			var total time.Duration
			var txs, bytes int
			for range b.N {
				b.StopTimer()
				h := chaintest.New(b, benchOrgs()...)
				block := sc.build(h)
				if prop := h.App.PrepareProposal(block, maxBlockBytes); len(prop) != len(block) {
					b.Fatalf("the limits let only %d of the %d txs into a block", len(prop), len(block))
				}
				fresh := chaintest.Open(b, h.DB) // a validator that has seen none of these txs
				b.StartTimer()
				start := time.Now()
				if err := fresh.App.ProcessProposal(block); err != nil {
					b.Fatal(err)
				}
				res, err := fresh.App.FinalizeBlock(chain.Block{Height: fresh.Height + 1, Time: h.Time + 1000, Txs: block})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := fresh.App.Commit(); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
				b.StopTimer()
				for i, r := range res.Txs {
					if r.Code != 0 {
						b.Fatalf("tx %d (%s) failed: %s", i, r.Type, r.Log)
					}
				}
				txs = len(block)
				bytes = 0
				for _, t := range block {
					bytes += len(t)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/block")
			b.ReportMetric(float64(txs), "txs/block")
			b.ReportMetric(float64(bytes)/(1<<20), "MiB/block")
		})
	}
}

// benchOrgs are enough member orgs to fill a block within the per-signer
// quota (and one to capture).
func benchOrgs() []chaintest.OrgSpec {
	out := []chaintest.OrgSpec{{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	for i := range 16 {
		out = append(out, chaintest.OrgSpec{ID: fmt.Sprintf("org-%02d", i), Roles: []gongxu.Role{gongxu.RoleHub}})
	}
	return out
}

// simpleTxs are n ordinary messages (weight 1), spread over signers within
// their quota.
func simpleTxs(h *chaintest.Harness, n int) [][]byte {
	quota := int(gongxu.DefaultParams().MaxTxsPerSignerBlock)
	out := make([][]byte, 0, n)
	for i := range n {
		who := fmt.Sprintf("org-%02d", i/quota)
		out = append(out, h.Sign(who, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: fmt.Sprintf("update %d", i)}))
	}
	return out
}

// typicalBlock: a hundred ordinary messages and a capture of ten events.
func typicalBlock(h *chaintest.Harness) [][]byte {
	return append(simpleTxs(h, 100), capture(h, captureDoc(h.Time, 10, 1, 0)))
}

// worstCaptures fills a block's work budget with captures of the largest
// document the limits allow (1,000 events, identifiers up to 512 KiB), and
// the rest with ordinary messages.
func worstCaptures(h *chaintest.Harness, p gongxu.Params) [][]byte {
	var out [][]byte
	var weight int64
	for i := 0; ; i++ {
		doc := captureDoc(h.Time, trace.MaxEvents, 8, i)
		m := &trace.MsgCapture{Document: doc}
		w := module.WeightOf(m)
		if len(doc) > trace.MaxDocumentBytes {
			panic(fmt.Sprintf("document of %d bytes", len(doc)))
		}
		if weight+w > p.BlockWeight() {
			break
		}
		weight += w
		out = append(out, capture(h, doc))
	}
	return fillBlock(h, out, p.BlockWeight()-weight)
}

// maxBlockBytes is CometBFT's block size limit in the networks gongxu
// makes (4 MB), less room for the header and commit.
const maxBlockBytes = 4<<20 - 64<<10

// fillBlock adds ordinary messages to txs up to weight w or the block's bytes.
func fillBlock(h *chaintest.Harness, txs [][]byte, w int64) [][]byte {
	size := 0
	for _, t := range txs {
		size += len(t)
	}
	quota := int(gongxu.DefaultParams().MaxTxsPerSignerBlock)
	for i := 0; int64(i) < w; i++ {
		tx := h.Sign(fmt.Sprintf("org-%02d", i/quota), member.TypeUpdateOrg, member.MsgUpdateOrg{Description: fmt.Sprintf("update %d", i)})
		if size+len(tx) > maxBlockBytes {
			break
		}
		size += len(tx)
		txs = append(txs, tx)
	}
	return txs
}

// worstBatches fills a block with hub batches of the most leaves a batch
// may hold, up to the work budget or the block's bytes, after a block that
// publishes a product, opens its pool and funds the hubs.
func worstBatches(h *chaintest.Harness, p gongxu.Params) [][]byte {
	setup := [][]byte{
		h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "T-shirt", Unit: "piece", Variants: []gongxu.Variant{{ID: "m", Name: "M"}}}),
		h.Sign("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/tee", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 1000}},
			MOQ: 10, Cap: 100_000_000, CasePack: 1, Currency: "CNY", Deadline: h.Time + 10*24*3600*1000}),
	}
	for i := range 16 {
		setup = append(setup, h.Sign(fmt.Sprintf("org-%02d", i), settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 1 << 50}))
	}
	for _, r := range h.Block(setup...).Txs {
		if r.Code != 0 {
			panic(r.Log)
		}
	}
	var out [][]byte
	var weight int64
	size := 0
	for b := 0; ; b++ {
		leaves := make([]pool.Leaf, pool.MaxLeaves)
		for i := range leaves {
			commit, _ := gongxu.PickupCommit(fmt.Sprintf("%064x", b*pool.MaxLeaves+i))
			leaves[i] = pool.Leaf{ID: fmt.Sprintf("%08x%024x", b, i), Variant: "m", Qty: 1, Commit: commit}
		}
		m := pool.MsgBatch{Pool: 1, Leaves: leaves}
		tx := h.Sign(fmt.Sprintf("org-%02d", b%16), pool.TypeBatch, m)
		if w := module.WeightOf(&m); weight+w > p.BlockWeight() || size+len(tx) > maxBlockBytes {
			return out
		}
		weight += module.WeightOf(&m)
		size += len(tx)
		out = append(out, tx)
	}
}

func capture(h *chaintest.Harness, doc []byte) []byte {
	body, _ := json.Marshal(trace.MsgCapture{Document: doc})
	return h.SignRaw("factory-a", trace.TypeCapture, body)
}

// captureDoc is an EPCIS document of n OBSERVE events with k SGTINs each,
// distinct per doc index d, before block time now.
func captureDoc(now int64, n, k, d int) []byte {
	var b bytes.Buffer
	b.WriteString(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		epcs := make([]string, k)
		for j := range epcs {
			epcs[j] = fmt.Sprintf(`"urn:epc:id:sgtin:0614141.107346.%d"`, (d*n+i)*k+j)
		}
		fmt.Fprintf(&b, `{"type":"ObjectEvent","eventTime":"%s","eventTimeZoneOffset":"+00:00","action":"OBSERVE","bizStep":"inspecting","epcList":[%s]}`,
			epcis.FormatMillis(now-int64(i)-1), strings.Join(epcs, ","))
	}
	b.WriteString(`]}}`)
	return b.Bytes()
}
