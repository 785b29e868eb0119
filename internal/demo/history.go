package demo

import (
	"hash/fnv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/node"
)

// HistoryWeeks is how many past weeks of sales each hub records.
const HistoryWeeks = 12

// historyPlan is a product's past weekly sales at the hubs: base units a
// week at the first hub (the others sell less), the variants' shares in
// percent, and the unit price.
type historyPlan struct {
	product  gongxu.ProductID
	variants []string // "" alone for a product without variants
	shares   []int64  // percent of the base, per variant
	base     int64
	price    gongxu.Amount
}

var historyPlans = []historyPlan{
	{"acme-apparel/rain-jacket", []string{"m-navy", "l-navy", "m-olive"}, []int64{100, 70, 45}, 14, 11900},
	{"sunrise-garments/merino-tee", []string{""}, []int64{100}, 42, 7900},
}

// hubScale is each hub's size in percent of the first's.
var hubScale = []int64{100, 75, 55}

// weekShape is a four-week pattern (pay days), in percent.
var weekShape = [4]int64{112, 96, 88, 104}

// HistoryOf is the demo's past weekly sales of a product (variant "" for
// all) at a hub, for the HistoryWeeks weeks before the week of block time
// t (unix ms): a weekly pattern, a slight growth and noise of ±12 % from a
// fixed hash of (hub, product, variant, week), so every run and every node
// agree. Each week has at least 3 units and 3 consumers, so the cells pass
// the default privacy thresholds.
func HistoryOf(hub string, h int, product gongxu.ProductID, variant string, share, base int64, price gongxu.Amount, t int64) []gongxu.SalesWeek {
	_, monday := gongxu.ISOWeekOfDay(t / 86_400_000)
	out := make([]gongxu.SalesWeek, 0, HistoryWeeks)
	for i := HistoryWeeks; i >= 1; i-- {
		name, _ := gongxu.ISOWeekOfDay(monday - int64(i)*7)
		f := fnv.New64a()
		f.Write([]byte(hub + "\x00" + string(product) + "\x00" + variant + "\x00" + name))
		noise := int64(f.Sum64()%25) - 12 // -12 … 12 percent
		growth := int64(100 + (HistoryWeeks-i)*2)
		units := max(base*hubScale[h]*share*weekShape[i%4]*growth*(100+noise)/100_00_00_00_00, 3)
		consumers := max(units*2/3, 3)
		out = append(out, gongxu.SalesWeek{Week: name, Units: gongxu.Units(units), Money: gongxu.Amount(units) * price, Consumers: consumers})
	}
	return out
}

// salesHistory has each hub record its past sales of the demo's products,
// each (hub, product, variant) skipped when its last week is on the ledger.
func salesHistory(n *node.Node, must func(key, typ string, body any) error, t int64) error {
	for h, hub := range hubs {
		for _, p := range historyPlans {
			for j, v := range p.variants {
				weeks := HistoryOf(hub, h, p.product, v, p.shares[j], p.base, p.price, t)
				_, done, err := n.Modules().Pool.HistoryWeek(n.State(), gongxu.OrgID(hub), p.product, v, weeks[len(weeks)-1].Week)
				if err != nil {
					return err
				}
				if done {
					continue
				}
				if err := must(hub, pool.TypeHistory, pool.MsgHistory{Product: p.product, Variant: v, Currency: "CNY", Weeks: weeks}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
