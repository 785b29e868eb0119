package trace_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// randomDoc writes a document of a few events from org: objects,
// aggregations and transformations of EPCs and lots (its own or another's),
// some with fixed ids that repeat, some declared erroneous, some in the
// future or failing the schema.
func randomDoc(rng *rand.Rand, org string, now int64) []byte {
	orgs := []string{"factory-a", "factory-b", "supplier-s"}
	lot := func() string {
		owner := org
		if rng.IntN(6) == 0 {
			owner = orgs[rng.IntN(len(orgs))]
		}
		return gongxu.LotURN(gongxu.NewLotID(gongxu.OrgID(owner), fmt.Sprint("l-", rng.IntN(4))))
	}
	epc := func() string { return fmt.Sprintf("urn:epc:id:sgtin:0614141.107346.%d", rng.IntN(8)) }
	var evs []string
	for i := rng.IntN(4); i >= 0; i-- {
		t := now - int64(rng.IntN(100000))
		if rng.IntN(25) == 0 {
			t = now + 3600000 // in the future
		}
		head := fmt.Sprintf(`"eventTime":"%s","eventTimeZoneOffset":"+00:00"`, epcis.FormatMillis(t))
		if rng.IntN(3) == 0 {
			head += fmt.Sprintf(`,"eventID":"urn:uuid:00000000-0000-4000-8000-%012d"`, rng.IntN(20))
		}
		if rng.IntN(8) == 0 {
			head += `,"errorDeclaration":{"declarationTime":"` + epcis.FormatMillis(now) + `","reason":"incorrect_data"}`
		}
		action := "OBSERVE"
		if rng.IntN(25) == 0 {
			action = "WATCH" // fails the schema
		}
		switch rng.IntN(3) {
		case 0:
			evs = append(evs, fmt.Sprintf(`{"type":"ObjectEvent",%s,"action":"%s","epcList":["%s"],"quantityList":[{"epcClass":"%s","quantity":%d}]}`,
				head, action, epc(), lot(), 1+rng.IntN(50)))
		case 1:
			evs = append(evs, fmt.Sprintf(`{"type":"AggregationEvent",%s,"action":"ADD","parentID":"urn:epc:id:sscc:0614141.%010d","childEPCs":["%s"]}`,
				head, rng.IntN(3), epc()))
		default:
			evs = append(evs, fmt.Sprintf(`{"type":"TransformationEvent",%s,"inputQuantityList":[{"epcClass":"%s","quantity":5}],"outputQuantityList":[{"epcClass":"%s","quantity":4.5}]}`,
				head, lot(), lot()))
		}
	}
	return []byte(`{` + stdContext + `,"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[` +
		strings.Join(evs, ",") + `]}}`)
}

// TestTraceReplay: random blocks of captures (valid and not), recalls and
// production flows that emit events, fed into two fresh machines, give the
// generator's app hash at every height.
func TestTraceReplay(t *testing.T) {
	final := map[string]string{} // the app hash after the last block, per seed
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			h := chaintest.New(t, traceOrgs...)
			first := h.Root()
			rng := rand.New(rand.NewPCG(seed, seed*13+5))
			orgs := []string{"factory-a", "factory-b", "supplier-s"}
			everyone := append(append([]string{}, orgs...), "alice")
			pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
			setup := [][]byte{
				h.Sign("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"}),
				h.Sign("supplier-s", production.TypeOffer, production.MsgOffer{Item: "fabric", Unit: "m", LeadTimeDays: 5, UnitPrice: 10, Currency: "CNY"}),
				h.Sign("factory-a", production.TypeOrder, production.MsgOrder{Product: "factory-a/tee", Qty: 1 << 40, Due: h.Time + 365*86400000}),
			}
			codes := map[gongxu.Kind]int{}
			var blocks []chaintest.Recorded
			var roots []string
			flows := 0
			for len(blocks) < 60 {
				txs := setup
				setup = nil
				for i := rng.IntN(8); i > 0; i-- {
					var tx []byte
					switch rng.IntN(8) {
					case 0, 1, 2:
						who := pick(everyone)
						tx = h.SignRaw(who, trace.TypeCapture, captureBody(randomDoc(rng, who, h.Time+1000)))
					case 3:
						targets := []string{"factory-a/l-1", "supplier-s/l-2", "urn:epc:id:sgtin:0614141.107346.3", "factory-a/supplier-s/s-1", "factory-b/none", "urn:epc:id:sgtin:1"}
						tx = h.Sign(pick(everyone), trace.TypeRecall, trace.MsgRecall{Lot: pick(targets), Reason: "recall"})
					case 4:
						tx = h.Sign("factory-a", production.TypePO, production.MsgPO{Supplier: "supplier-s",
							Lines: []production.LineIn{{Item: "fabric", Qty: gongxu.Qty(1000 + rng.IntN(5000)), Date: h.Time + 86400000}}})
					case 5:
						po := uint64(1 + rng.IntN(len(blocks)/3+1))
						if rng.IntN(2) == 0 {
							tx = h.Sign("supplier-s", production.TypePOAccept, production.MsgPOAccept{PO: po})
						} else {
							tx = h.Sign("supplier-s", production.TypeShip, production.MsgShip{PO: po, Lines: []production.LotLine{
								{Line: 1, Lot: gongxu.LotID(fmt.Sprint("supplier-s/s-", rng.IntN(3))), Qty: gongxu.Qty(1 + rng.IntN(3000))}}})
						}
					case 6:
						po, _ := h.Mods.Production.PO(h.State, uint64(1+rng.IntN(len(blocks)/3+1)))
						if len(po.Shipments) == 0 {
							continue
						}
						sh := po.Shipments[rng.IntN(len(po.Shipments))]
						l := sh.Lines[0]
						tx = h.Sign("factory-a", production.TypeReceive, production.MsgReceive{PO: po.ID, Shipment: sh.ID,
							Lines: []production.LotLine{{Line: l.Line, Lot: l.Lot, Qty: l.Qty - gongxu.Qty(rng.IntN(2))*(l.Qty/2)}}})
					case 7:
						if rng.IntN(2) == 0 {
							tx = h.Sign("factory-a", production.TypeWOStart, production.MsgWOStart{Order: 1, Qty: 1000,
								Inputs: []gongxu.LotQty{{Lot: gongxu.LotID(fmt.Sprint("factory-a/supplier-s/s-", rng.IntN(3))), Qty: gongxu.Qty(1 + rng.IntN(500))}}})
						} else {
							tx = h.Sign("factory-a", production.TypeWOComplete, production.MsgWOComplete{WO: uint64(1 + rng.IntN(len(blocks)/4+1)), Produced: 1000})
						}
					}
					txs = append(txs, tx)
				}
				res := h.Block(txs...)
				for _, r := range res.Txs {
					codes[gongxu.Kind(r.Code)]++
					for _, ev := range r.Events {
						if ev.Type == "trace.event" && strings.Contains(ev.Get("json"), `"flow":"production/`) {
							flows++
						}
					}
				}
				for _, who := range everyone {
					h.ResetSeq(who)
				}
				blocks = append(blocks, chaintest.Recorded{Height: h.Height, Time: h.Time, Txs: txs})
				roots = append(roots, h.Root())
			}
			for _, k := range []gongxu.Kind{gongxu.KindOK, gongxu.KindInvalid, gongxu.KindConflict, gongxu.KindUnauthorized, gongxu.KindNotFound} {
				if codes[k] == 0 {
					t.Fatalf("the random blocks never produced %s: %v", k, codes)
				}
			}
			if flows == 0 {
				t.Fatal("no production flow emitted a trace event")
			}
			t.Logf("codes %v, %d events stored, %d from flows", codes, len(allEvents(t, h.State)), flows)
			chaintest.Replay(t, traceOrgs, first, blocks, roots, 2, nil)
			final[fmt.Sprint("seed", seed)] = roots[len(roots)-1]
		})
	}
	chaintest.PinAppHashes(t, "testdata/replay.golden", final)
}
