package planner_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/planner"
)

// mpsLines is a fixed master production schedule (gongxu.MPSSource).
type mpsLines []gongxu.MPSLine

func (m mpsLines) MPS(_ context.Context, f gongxu.OrgID) ([]gongxu.MPSLine, error) {
	var out []gongxu.MPSLine
	for _, l := range m {
		if p, _ := l.Product.Split(); p == f {
			out = append(out, l)
		}
	}
	return out, nil
}

// TestMPSLongLead plans the jacket of acme before any pool has closed: no
// production order at all, and a long-lead input, merino wool, bought from
// mill-a with 42 days' lead time. Without a master production schedule the
// plan buys nothing; with the factory's accepted schedule (40 jackets a
// week for the 8 weeks from d23, Monday 2026-03-23), the wool the jackets
// need is planned now, each purchase pegged to the forecast weeks it
// serves and released (placed) before the weeks it is needed in; the
// weeks already covered by orders consume their forecast.
func TestMPSLongLead(t *testing.T) {
	f := jacketLedger()
	f.orders = nil // no pool has closed: no production order
	f.pos = nil
	md := f.master[factory]
	md.Items = append(md.Items, gongxu.Item{ID: "merino", Unit: "kg", LeadTimeDays: 42, Supplier: "mill-a"})
	md.BOM = append(md.BOM, gongxu.BOMLine{Parent: "acme/jacket", Child: "merino", QtyPer: 800})
	f.master[factory] = md
	f.offers = append(f.offers, gongxu.SupplyOffer{Supplier: "mill-a", Item: "merino", Unit: "kg", LeadTimeDays: 42,
		Tiers: []gongxu.OfferTier{{MinQty: 0, UnitPrice: 9000}}, Currency: "CNY", Version: 1})
	now := at(16, 6, 0)

	bare, err := planner.New(f, clock(now)).Plan(context.Background(), factory)
	if err != nil {
		t.Fatal(err)
	}
	if len(bare.Purchases) != 0 || len(bare.Txs) != 0 {
		t.Fatalf("without a schedule: %d purchases, %d txs", len(bare.Purchases), len(bare.Txs))
	}

	var mps mpsLines
	for w := int64(0); w < 8; w++ {
		mps = append(mps, gongxu.MPSLine{Product: "acme/jacket", Week: isoWeek(day(23 + 7*w)), Due: day(23 + 7*w), Qty: u(40)})
	}
	mps = append(mps, gongxu.MPSLine{Product: "other/thing", Week: "2026-W13", Due: day(23), Qty: u(5)}) // another factory's
	v, err := planner.New(f, clock(now)).WithMPS(mps).Plan(context.Background(), factory)
	if err != nil {
		t.Fatal(err)
	}
	var merino []gongxu.PlannedPurchase
	for _, p := range v.Purchases {
		if p.Item == "merino" {
			merino = append(merino, p)
		}
	}
	if len(merino) == 0 {
		t.Fatalf("no merino planned on forecast: %+v", v.Purchases)
	}
	var total gongxu.Qty
	for _, p := range merino {
		total += p.Qty
		if len(p.Pegging) == 0 || !strings.HasPrefix(p.Pegging[0], gongxu.MPSRefPrefix+"acme/jacket@2026-W") {
			t.Errorf("merino purchase %s not pegged to the forecast: %v", p.ID, p.Pegging)
		}
		if p.Due-p.Release != 42*dayMs {
			t.Errorf("merino purchase %s: released %d days before due", p.ID, (p.Due-p.Release)/dayMs)
		}
	}
	// 8 weeks × 40 jackets, less the 20 in stock, × 0.8 kg.
	if want := gongxu.Qty((8*40 - 20) * 800); total != want {
		t.Errorf("merino planned: %d milli-kg, want %d", total, want)
	}
	// The earliest is already due for release: a purchase order to send now.
	sent := false
	for _, tx := range v.Txs {
		sent = sent || tx.Type == "production/po" && strings.Contains(string(tx.Body), `"merino"`)
	}
	if !sent || merino[0].Release > now+7*dayMs {
		t.Errorf("the long-lead merino is not ordered before the pools close: release %d, txs %v", merino[0].Release, v.Txs)
	}
	for _, p := range v.Problems {
		if strings.Contains(p, "other/thing") {
			t.Errorf("another factory's schedule reached the plan: %s", p)
		}
	}

	// An order due in the second week consumes that week's forecast.
	f.orders = []gongxu.ProductionOrder{{ID: 7, Factory: factory, Product: "acme/jacket", Qty: u(30), Due: day(31), Status: gongxu.OrderOpen}}
	v2, err := planner.New(f, clock(now)).WithMPS(mps).Plan(context.Background(), factory)
	if err != nil {
		t.Fatal(err)
	}
	var total2 gongxu.Qty
	for _, p := range v2.Purchases {
		if p.Item == "merino" {
			total2 += p.Qty
		}
	}
	if total2 != total {
		t.Errorf("with a 30-jacket order in week 2: merino %d, want %d (the order consumes the forecast, not adds to it)", total2, total)
	}
}

func isoWeek(ms int64) string {
	y, w := time.UnixMilli(ms).UTC().ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}
