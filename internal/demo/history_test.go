package demo

import (
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// TestHistoryOf: the demo's past sales are the same on every run, the 12
// weeks before the block time's, each a valid pool/history week with at
// least 3 consumers (cells pass the default thresholds), and vary by hub.
func TestHistoryOf(t *testing.T) {
	bt := time.Date(2026, 12, 9, 10, 0, 0, 0, time.UTC).UnixMilli() // in 2026-W50
	for h, hub := range hubs {
		for _, p := range historyPlans {
			for j, v := range p.variants {
				ws := HistoryOf(hub, h, p.product, v, p.shares[j], p.base, p.price, bt)
				again := HistoryOf(hub, h, p.product, v, p.shares[j], p.base, p.price, bt)
				if len(ws) != HistoryWeeks || ws[0].Week != "2026-W38" || ws[len(ws)-1].Week != "2026-W49" {
					t.Fatalf("%s %s %s: weeks %v", hub, p.product, v, ws)
				}
				m := pool.MsgHistory{Product: p.product, Variant: v, Currency: "CNY", Weeks: ws}
				if err := m.ValidateBasic(); err != nil {
					t.Fatal(err)
				}
				for i, w := range ws {
					if w != again[i] || w.Consumers < 3 || w.Money != gongxu.Amount(w.Units)*p.price {
						t.Fatalf("%s %s %s week %d: %+v / %+v", hub, p.product, v, i, w, again[i])
					}
				}
				t.Logf("%s %s %s: %v", hub, p.product, v, ws)
			}
		}
	}
	a := HistoryOf(hubs[0], 0, "sunrise-garments/merino-tee", "", 100, 42, 7900, bt)
	b := HistoryOf(hubs[1], 0, "sunrise-garments/merino-tee", "", 100, 42, 7900, bt)
	same := 0
	for i := range a {
		if a[i].Units == b[i].Units {
			same++
		}
	}
	if same == len(a) {
		t.Fatal("two hubs' noise is the same")
	}
}
