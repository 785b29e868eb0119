package plan

import (
	"fmt"
	"math/rand/v2"

	"github.com/gongxu-network/gongxu"
)

// scenario is a planning problem: master data and the inputs of Plan.
type scenario struct {
	m      Master
	stock  map[ItemID]gongxu.Qty
	open   []OpenOrder
	demand []Demand
}

// genFactory generates a factory with n items on a 6-level BOM (levels 0
// to 5; every product reaches level 5), components shared across parents and
// across levels, a few phantoms, lot-size rules, stock, open orders, 50 work
// centers and orders production orders spread over four months.
func genFactory(n, orders int, seed uint64) scenario {
	r := rand.New(rand.NewPCG(seed, 42))
	share := []int{100, 120, 150, 180, 200, 250} // per mille of the items, level by level
	var levels [6][]ItemID
	var s scenario
	s.stock = map[ItemID]gongxu.Qty{}
	phantom := map[ItemID]bool{}
	made := map[ItemID]bool{}
	for L := range levels {
		k := max(1, n*share[L]/1000)
		for j := range k {
			id := ItemID(fmt.Sprintf("l%d-%06d", L, j))
			it := Item{ID: id, Unit: "piece"}
			if L < 5 {
				it.Make = true
				it.LeadTimeDays = r.Int64N(4)
				if L >= 2 && r.IntN(20) == 0 {
					it.Phantom, it.LeadTimeDays = true, 0
					phantom[id] = true
				} else {
					made[id] = true
				}
			} else {
				it.Supplier = gongxu.OrgID(fmt.Sprintf("sup-%03d", r.IntN(100)))
				it.LeadTimeDays = 1 + r.Int64N(10)
			}
			if !it.Phantom {
				switch r.IntN(10) {
				case 0, 1, 2:
					it.LotMultiple = u(10)
				case 3, 4:
					it.LotMin = u(50)
				}
				if r.IntN(10) < 3 {
					s.stock[id] = u(r.Int64N(200))
				}
			}
			levels[L] = append(levels[L], id)
			s.m.Items = append(s.m.Items, it)
		}
	}
	for L := 0; L < 5; L++ {
		for _, p := range levels[L] {
			k := 2 + r.IntN(4)
			for c := range k {
				cl := L + 1
				if c > 0 {
					cl = L + 1 + r.IntN(5-L)
				}
				l := BOMLine{Parent: p, Child: levels[cl][r.IntN(len(levels[cl]))], QtyPer: gongxu.Qty(500 + r.Int64N(2500))}
				if r.IntN(5) == 0 {
					l.ScrapBP = 100 + r.Int64N(400)
				}
				s.m.BOM = append(s.m.BOM, l)
			}
		}
	}
	for w := range 50 {
		s.m.WorkCenters = append(s.m.WorkCenters, WorkCenter{
			ID: fmt.Sprintf("wc-%02d", w), Capacity: 1 + r.Int64N(4),
			Calendar: Calendar{Weekly: append(weekdays(6*60, 14*60), weekdays(14*60, 22*60)...)},
		})
	}
	for _, it := range s.m.Items {
		if !made[it.ID] {
			continue
		}
		var ops []Operation
		for range 1 + r.IntN(3) {
			ops = append(ops, Operation{
				WorkCenter: fmt.Sprintf("wc-%02d", r.IntN(50)),
				SetupMs:    (10 + r.Int64N(50)) * minuteMs, RunMsPerUnit: 1000 * (1 + r.Int64N(30)),
			})
		}
		s.m.Routings = append(s.m.Routings, Routing{Item: it.ID, Ops: ops})
	}
	for k := range n / 10 {
		var id ItemID
		for id == "" || phantom[id] {
			id = s.m.Items[r.IntN(len(s.m.Items))].ID
		}
		s.open = append(s.open, OpenOrder{Ref: fmt.Sprintf("OPEN-%d", k), Item: id, Qty: u(50 + r.Int64N(450)), Due: day(r.Int64N(60))})
	}
	for k := range orders {
		s.demand = append(s.demand, Demand{
			Ref: fmt.Sprintf("pool %d", k), Item: levels[0][r.IntN(len(levels[0]))],
			Qty: u(1 + r.Int64N(100)), Due: day(30+r.Int64N(120)) + r.Int64N(dayMs),
		})
	}
	return s
}
