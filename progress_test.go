package gongxu_test

import (
	"encoding/json"
	"math"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func TestPoolProgress(t *testing.T) {
	tiers := []gongxu.Tier{{MinQty: 1, UnitPrice: 399}, {MinQty: 100, UnitPrice: 359}, {MinQty: 500, UnitPrice: 329}}
	pool := func(total, moq, cap gongxu.Units, deadline int64) gongxu.Pool {
		return gongxu.Pool{Tiers: tiers, Total: total, MOQ: moq, Cap: cap, Deadline: deadline}
	}
	open := func(p gongxu.Pool) gongxu.Pool { p.Status = gongxu.PoolOpen; return p }
	next := func(min gongxu.Units, price gongxu.Amount, units gongxu.Units) *gongxu.NextTier {
		return &gongxu.NextTier{MinQty: min, UnitPrice: price, Units: units}
	}
	for _, c := range []struct {
		name string
		p    gongxu.Pool
		now  int64
		want gongxu.Progress
	}{
		{"empty", pool(0, 200, 1000, 5000), 1000,
			gongxu.Progress{MOQ: 200, ToMOQ: 200, CapLeft: 1000, UnitPrice: 399, Next: next(100, 359, 100), MsLeft: 4000}},
		{"first tier", pool(1, 200, 1000, 5000), 1000,
			gongxu.Progress{MOQ: 200, Total: 1, ToMOQ: 199, CapLeft: 999, UnitPrice: 399, Next: next(100, 359, 99), MsLeft: 4000}},
		{"just below a tier", pool(99, 200, 1000, 5000), 1000,
			gongxu.Progress{MOQ: 200, Total: 99, ToMOQ: 101, CapLeft: 901, UnitPrice: 399, Next: next(100, 359, 1), MsLeft: 4000, PercentOfMOQ: 49}},
		{"on a tier", pool(100, 200, 1000, 5000), 1000,
			gongxu.Progress{MOQ: 200, Total: 100, ToMOQ: 100, CapLeft: 900, Tier: 1, UnitPrice: 359, Next: next(500, 329, 400), MsLeft: 4000, PercentOfMOQ: 50}},
		{"moq passed", pool(300, 200, 1000, 5000), 1000,
			gongxu.Progress{MOQ: 200, Total: 300, CapLeft: 700, Tier: 1, UnitPrice: 359, Next: next(500, 329, 200), MsLeft: 4000, PercentOfMOQ: 150}},
		{"last tier", pool(600, 200, 1000, 5000), 1000,
			gongxu.Progress{MOQ: 200, Total: 600, CapLeft: 400, Tier: 2, UnitPrice: 329, MsLeft: 4000, PercentOfMOQ: 300}},
		{"full", pool(1000, 200, 1000, 5000), 1000,
			gongxu.Progress{MOQ: 200, Total: 1000, Tier: 2, UnitPrice: 329, MsLeft: 4000, PercentOfMOQ: 500}},
		{"next tier beyond the cap", pool(150, 100, 400, 5000), 1000,
			gongxu.Progress{MOQ: 100, Total: 150, CapLeft: 250, Tier: 1, UnitPrice: 359, MsLeft: 4000, PercentOfMOQ: 150}},
		{"next tier at the cap", pool(150, 100, 500, 5000), 1000,
			gongxu.Progress{MOQ: 100, Total: 150, CapLeft: 350, Tier: 1, UnitPrice: 359, Next: next(500, 329, 350), MsLeft: 4000, PercentOfMOQ: 150}},
		{"at the deadline", pool(10, 200, 1000, 5000), 5000,
			gongxu.Progress{MOQ: 200, Total: 10, ToMOQ: 190, CapLeft: 990, UnitPrice: 399, Next: next(100, 359, 90), PercentOfMOQ: 5}},
		{"past the deadline", pool(10, 200, 1000, 5000), 9000,
			gongxu.Progress{MOQ: 200, Total: 10, ToMOQ: 190, CapLeft: 990, UnitPrice: 399, Next: next(100, 359, 90), PercentOfMOQ: 5}},
		{"open, before the deadline", open(pool(10, 200, 1000, 5000)), 4999,
			gongxu.Progress{MOQ: 200, Total: 10, ToMOQ: 190, CapLeft: 990, UnitPrice: 399, Next: next(100, 359, 90), MsLeft: 1, PercentOfMOQ: 5}},
		{"open at the deadline: closing", open(pool(10, 200, 1000, 5000)), 5000,
			gongxu.Progress{MOQ: 200, Total: 10, ToMOQ: 190, CapLeft: 990, UnitPrice: 399, Next: next(100, 359, 90), PercentOfMOQ: 5, Closing: true}},
		{"open past the deadline: closing", open(pool(10, 200, 1000, 5000)), 9000,
			gongxu.Progress{MOQ: 200, Total: 10, ToMOQ: 190, CapLeft: 990, UnitPrice: 399, Next: next(100, 359, 90), PercentOfMOQ: 5, Closing: true}},
		{"percent rounds down", pool(2, 3, 10, 0), 0,
			gongxu.Progress{MOQ: 3, Total: 2, ToMOQ: 1, CapLeft: 8, UnitPrice: 399, PercentOfMOQ: 66}},
		{"no moq", pool(0, 0, 10, 0), 0,
			gongxu.Progress{CapLeft: 10, UnitPrice: 399, PercentOfMOQ: 100}},
		{"negative numbers", pool(-5, -1, -1, 0), 0,
			gongxu.Progress{UnitPrice: 399, PercentOfMOQ: 100}},
		{"no tiers", gongxu.Pool{Total: 5, MOQ: 10, Cap: 20, Deadline: 100}, 0,
			gongxu.Progress{MOQ: 10, Total: 5, ToMOQ: 5, CapLeft: 15, MsLeft: 100, PercentOfMOQ: 50}},
		{"huge numbers", pool(math.MaxInt64, 1, math.MaxInt64, math.MaxInt64), math.MinInt64,
			gongxu.Progress{MOQ: 1, Total: math.MaxInt64, Tier: 2, UnitPrice: 329, MsLeft: math.MaxInt64, PercentOfMOQ: math.MaxInt64}},
		{"huge moq", pool(math.MaxInt64-1, math.MaxInt64, math.MaxInt64, math.MinInt64), math.MaxInt64,
			gongxu.Progress{MOQ: math.MaxInt64, Total: math.MaxInt64 - 1, ToMOQ: 1, CapLeft: 1, Tier: 2, UnitPrice: 329, PercentOfMOQ: 99}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := gongxu.PoolProgress(c.p, c.now)
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(c.want)
			if string(g) != string(w) {
				t.Errorf("\n got %s\nwant %s", g, w)
			}
		})
	}
}

func TestPoolViewJSON(t *testing.T) {
	// The view is the pool's own fields plus "progress", flat.
	v := gongxu.PoolView{Pool: gongxu.Pool{ID: 7, Total: 3}, Progress: gongxu.Progress{Total: 3}}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if string(m["id"]) != "7" || string(m["total"]) != "3" || m["progress"] == nil || m["Pool"] != nil {
		t.Errorf("%s", b)
	}
	var back gongxu.PoolView
	if err := json.Unmarshal(b, &back); err != nil || back.ID != 7 || back.Progress.Total != 3 {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}
