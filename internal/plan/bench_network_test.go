package plan

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
)

// BenchmarkNetChange: the 10k-item, 6-level, 1,000-order factory of
// BenchmarkMRP, re-planned after one change (each sub-benchmark cycles
// through 8 such changes) by net change against the full plan's State.
// ns/op is NetChange (the re-netted items' new records and orders). On a
// shared machine the load changes from second to second, so the full
// re-plan is timed in the same loop: every 8th iteration also runs Plan on
// the same changed inputs (timer stopped), and every iteration merges its
// Change into a whole Result (Change.Result, timer stopped). net_ms,
// full_ms and result_ms are the medians of those samples; x_faster is
// full_ms over net_ms, x_faster_result full_ms over net_ms + result_ms;
// items_renetted is the mean number of items a change re-netted.
func BenchmarkNetChange(b *testing.B) {
	s := genFactory(10_000, 1000, 1)
	st, _, err := NewState(s.m, s.stock, s.open, s.demand)
	if err != nil {
		b.Fatal(err)
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2]) / 1e6
	}
	for _, kind := range []string{"order-qty", "order-due", "order-added", "order-removed", "open-order-due", "stock"} {
		b.Run(kind, func(b *testing.B) {
			cs := oneChanges(s, kind, 8)
			k, renet := 0, 0
			var nets, fulls, merges []time.Duration
			for b.Loop() {
				c := cs[k%len(cs)]
				t0 := time.Now()
				ch, err := st.NetChange(c.stock, c.open, c.demand)
				nets = append(nets, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				renet += len(ch.Items)
				b.StopTimer()
				t0 = time.Now()
				_ = ch.Result()
				merges = append(merges, time.Since(t0))
				if k%8 == 0 {
					t0 = time.Now()
					if _, err := Plan(c.m, c.stock, c.open, c.demand); err != nil {
						b.Fatal(err)
					}
					fulls = append(fulls, time.Since(t0))
				}
				b.StartTimer()
				k++
			}
			net, full, merge := median(nets), median(fulls), median(merges)
			b.ReportMetric(net, "net_ms")
			b.ReportMetric(full, "full_ms")
			b.ReportMetric(merge, "result_ms")
			b.ReportMetric(full/net, "x_faster")
			b.ReportMetric(full/(net+merge), "x_faster_result")
			b.ReportMetric(float64(renet)/float64(b.N), "items_renetted")
		})
	}
}

// BenchmarkFullReplan is the full re-plan of the first order-qty change of
// BenchmarkNetChange, through Plan.
func BenchmarkFullReplan(b *testing.B) {
	s := genFactory(10_000, 1000, 1)
	c := oneChanges(s, "order-qty", 1)[0]
	for b.Loop() {
		if _, err := Plan(c.m, c.stock, c.open, c.demand); err != nil {
			b.Fatal(err)
		}
	}
}

// oneChanges draws n changes of one kind to a scenario, each one order (or one
// item's stock).
func oneChanges(s scenario, kind string, n int) []scenario {
	r := rand.New(rand.NewPCG(7, 7))
	out := make([]scenario, n)
	for k := range out {
		c := scenario{m: s.m, stock: maps.Clone(s.stock), open: slices.Clone(s.open), demand: slices.Clone(s.demand)}
		x := r.IntN(len(c.demand))
		switch kind {
		case "order-qty":
			c.demand[x].Qty += u(1 + r.Int64N(50))
		case "order-due":
			c.demand[x].Due += (1 + r.Int64N(10)) * dayMs
		case "order-added":
			c.demand = append(c.demand, Demand{Ref: fmt.Sprintf("pool new %d", k), Item: c.demand[x].Item, Qty: u(1 + r.Int64N(100)), Due: day(30 + r.Int64N(120))})
		case "order-removed":
			c.demand = slices.Delete(c.demand, x, x+1)
		case "open-order-due":
			c.open[r.IntN(len(c.open))].Due += (1 + r.Int64N(10)) * dayMs
		case "stock":
			id := c.m.Items[r.IntN(len(c.m.Items))].ID
			if c.m.Items[slices.IndexFunc(c.m.Items, func(it Item) bool { return it.ID == id })].Phantom {
				id = c.demand[x].Item
			}
			c.stock[id] += u(1 + r.Int64N(100))
		}
		out[k] = c
	}
	return out
}

// orgPlan is one org of a network: its tier and its own planning problem
// (its demand is filled tier by tier).
type orgPlan struct {
	id   gongxu.OrgID
	tier int
	s    scenario
}

// genNetwork generates a 3-tier network (garment makers, fabric mills, yarn
// spinners: 20%, 30%, 50% of the orgs) of orgs organizations with items
// items in all, each org a 6-level factory of its own (genFactory) whose
// bought leaves are, in tiers 1 and 2, the products of orgs of the next
// tier; tier 3 buys from outside suppliers. orders customer orders go to the
// tier-1 orgs.
func genNetwork(orgs, items, orders int, seed uint64) []orgPlan {
	r := rand.New(rand.NewPCG(seed, 3))
	per := items / orgs
	net := make([]orgPlan, orgs)
	var tiers [3][]int
	for k := range net {
		t := 2
		switch {
		case k < orgs/5:
			t = 0
		case k < orgs/2:
			t = 1
		}
		o := &net[k]
		o.id, o.tier = gongxu.OrgID(fmt.Sprintf("org-%02d", k)), t+1
		o.s = genFactory(per, 0, seed*1000+uint64(k))
		tiers[t] = append(tiers[t], k)
		// Own the item ids.
		rn := func(id ItemID) ItemID { return ItemID(string(o.id) + "/" + string(id)) }
		for x := range o.s.m.Items {
			o.s.m.Items[x].ID = rn(o.s.m.Items[x].ID)
		}
		for x := range o.s.m.BOM {
			o.s.m.BOM[x].Parent, o.s.m.BOM[x].Child = rn(o.s.m.BOM[x].Parent), rn(o.s.m.BOM[x].Child)
		}
		for x := range o.s.m.Routings {
			o.s.m.Routings[x].Item = rn(o.s.m.Routings[x].Item)
		}
		for x := range o.s.open {
			o.s.open[x].Item = rn(o.s.open[x].Item)
		}
		stock := map[ItemID]gongxu.Qty{}
		for id, q := range o.s.stock {
			stock[rn(id)] = q
		}
		o.s.stock = stock
	}
	prods := make([][]ItemID, len(net)) // each org's level-0 items
	for k := range net {
		for _, it := range net[k].s.m.Items {
			if it.Make && string(it.ID[len(net[k].id)+1:len(net[k].id)+3]) == "l0" {
				prods[k] = append(prods[k], it.ID)
			}
		}
	}
	products := func(k int) []ItemID { return prods[k] }
	// Tiers 1 and 2 buy their leaves from the next tier: a leaf becomes a
	// product of a supplier org (unless the org already buys it).
	for t := range 2 {
		for _, k := range tiers[t] {
			o := &net[k]
			rename := map[ItemID]ItemID{}
			used := map[ItemID]bool{}
			for x := range o.s.m.Items {
				it := &o.s.m.Items[x]
				if it.Make {
					continue
				}
				sup := tiers[t+1][r.IntN(len(tiers[t+1]))]
				ps := products(sup)
				p := ps[r.IntN(len(ps))]
				if used[p] {
					continue
				}
				used[p] = true
				rename[it.ID] = p
				it.ID, it.Supplier = p, net[sup].id
			}
			slices.SortFunc(o.s.m.Items, func(a, b Item) int { return cmpID(a.ID, b.ID) })
			for x := range o.s.m.BOM {
				if p, ok := rename[o.s.m.BOM[x].Child]; ok {
					o.s.m.BOM[x].Child = p
				}
			}
			for x := range o.s.open {
				if p, ok := rename[o.s.open[x].Item]; ok {
					o.s.open[x].Item = p
				}
			}
			for id, p := range rename {
				if q, ok := o.s.stock[id]; ok {
					delete(o.s.stock, id)
					o.s.stock[p] = q
				}
			}
		}
	}
	for k := range orders {
		j := tiers[0][r.IntN(len(tiers[0]))]
		o := &net[j]
		ps := products(j)
		o.s.demand = append(o.s.demand, Demand{Ref: fmt.Sprintf("order %d", k), Item: ps[r.IntN(len(ps))],
			Qty: u(1 + r.Int64N(100)), Due: day(30+r.Int64N(120)) + r.Int64N(dayMs)})
	}
	return net
}

func cmpID(a, b ItemID) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// planNetwork plans the network tier by tier: each org plans from the
// orders it received, and its purchases from orgs of the network become
// their orders. It returns each org's planning time and the plans.
func planNetwork(net []orgPlan) ([]time.Duration, []Result, error) {
	at := map[gongxu.OrgID]int{}
	demand := make([][]Demand, len(net))
	for k, o := range net {
		at[o.id] = k
		demand[k] = slices.Clone(o.s.demand)
	}
	times := make([]time.Duration, len(net))
	res := make([]Result, len(net))
	for t := 1; t <= 3; t++ {
		for k, o := range net {
			if o.tier != t {
				continue
			}
			t0 := time.Now()
			r, err := Plan(o.s.m, o.s.stock, o.s.open, demand[k])
			times[k] = time.Since(t0)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", o.id, err)
			}
			res[k] = r
			for _, p := range r.Purchases {
				if j, ok := at[p.Supplier]; ok {
					demand[j] = append(demand[j], Demand{Ref: string(o.id) + " " + p.ID, Item: p.Item, Qty: p.Qty, Due: p.Due})
				}
			}
		}
	}
	return times, res, nil
}

// TestNetworkCascades: in the generated network, demand reaches every tier.
func TestNetworkCascades(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	net := genNetwork(50, 10_000, 1000, 1)
	_, res, err := planNetwork(net)
	if err != nil {
		t.Fatal(err)
	}
	var work [4]int
	for k, o := range net {
		work[o.tier] += len(res[k].Work)
	}
	if work[1] == 0 || work[2] == 0 || work[3] == 0 {
		t.Fatalf("work orders per tier: %v", work[1:])
	}
}

// BenchmarkNetwork plans a 3-tier network of 50 orgs, 10,000 items and
// 1,000 customer orders, tier by tier, each org its own part. ns/op is the
// whole cascade on one machine; max_org_ms and mean_org_ms are one org's
// plan (what each node does), tier3_demands the orders that reached tier 3.
func BenchmarkNetwork(b *testing.B) {
	net := genNetwork(50, 10_000, 1000, 1)
	var times []time.Duration
	var res []Result
	var sum, worst time.Duration
	for b.Loop() {
		var err error
		if times, res, err = planNetwork(net); err != nil {
			b.Fatal(err)
		}
		for _, d := range times {
			sum += d
			worst = max(worst, d)
		}
	}
	work := 0
	for _, r := range res {
		work += len(r.Work)
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "max_org_ms")
	b.ReportMetric(float64(sum.Microseconds())/1000/float64(b.N*len(net)), "mean_org_ms")
	b.ReportMetric(float64(work), "work_orders")
}
