package plan

import (
	"bytes"
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu"
	"pgregory.net/rapid"
)

// change draws one or two changes to a scenario's stock, open orders or
// demand: an order added, changed or removed, or an item's stock changed.
func change(t *rapid.T, s scenario) scenario {
	c := scenario{m: s.m, stock: maps.Clone(s.stock), open: slices.Clone(s.open), demand: slices.Clone(s.demand)}
	var bought []ItemID // items that may have open orders
	for _, it := range s.m.Items {
		if !it.Phantom {
			bought = append(bought, it.ID)
		}
	}
	for k := range rapid.IntRange(1, 2).Draw(t, "changes") {
		switch rapid.IntRange(0, 12).Draw(t, "kind") {
		case 0: // a demand's quantity or date
			if len(c.demand) == 0 {
				continue
			}
			x := rapid.IntRange(0, len(c.demand)-1).Draw(t, "dem")
			c.demand[x].Qty = gongxu.Qty(rapid.Int64Range(1, 20_000).Draw(t, "newqty"))
			c.demand[x].Due = day(rapid.Int64Range(5, 25).Draw(t, "newday"))
		case 1: // a demand removed
			if len(c.demand) == 0 {
				continue
			}
			x := rapid.IntRange(0, len(c.demand)-1).Draw(t, "dem")
			c.demand = slices.Delete(c.demand, x, x+1)
		case 2: // a demand added
			c.demand = append(c.demand, Demand{Ref: fmt.Sprintf("D%d", rapid.IntRange(0, 5).Draw(t, "ref")),
				Item: rapid.SampledFrom(s.m.Items).Draw(t, "item").ID, Qty: gongxu.Qty(rapid.Int64Range(1, 20_000).Draw(t, "qty")),
				Due: day(rapid.Int64Range(5, 25).Draw(t, "due")) + rapid.Int64Range(0, dayMs-1).Draw(t, "ms")})
		case 3: // stock
			id := rapid.SampledFrom(s.m.Items).Draw(t, "item").ID
			if rapid.Bool().Draw(t, "drop") {
				delete(c.stock, id)
			} else {
				c.stock[id] = gongxu.Qty(rapid.Int64Range(0, 20_000).Draw(t, "stock"))
			}
		case 4: // an open order changed
			if len(c.open) == 0 {
				continue
			}
			x := rapid.IntRange(0, len(c.open)-1).Draw(t, "open")
			c.open[x].Qty = gongxu.Qty(rapid.Int64Range(1, 20_000).Draw(t, "openqty"))
			c.open[x].Due = day(rapid.Int64Range(0, 20).Draw(t, "opendue"))
		case 5: // an open order removed
			if len(c.open) == 0 {
				continue
			}
			x := rapid.IntRange(0, len(c.open)-1).Draw(t, "open")
			c.open = slices.Delete(c.open, x, x+1)
		case 6: // an open order added
			if len(bought) == 0 {
				continue
			}
			c.open = append(c.open, OpenOrder{Ref: fmt.Sprintf("N%d", k), Item: rapid.SampledFrom(bought).Draw(t, "openitem"),
				Qty: gongxu.Qty(rapid.Int64Range(1, 20_000).Draw(t, "openqty")), Due: day(rapid.Int64Range(0, 20).Draw(t, "opendue"))})
		case 7: // a demand inserted anywhere, maybe a copy of one there is
			d := Demand{Ref: fmt.Sprintf("D%d", rapid.IntRange(0, 5).Draw(t, "ref")),
				Item: rapid.SampledFrom(s.m.Items).Draw(t, "item").ID, Qty: gongxu.Qty(rapid.Int64Range(1, 20_000).Draw(t, "qty")),
				Due: day(rapid.Int64Range(5, 25).Draw(t, "due"))}
			if len(c.demand) > 0 && rapid.Bool().Draw(t, "copy") {
				d = c.demand[rapid.IntRange(0, len(c.demand)-1).Draw(t, "orig")]
			}
			x := rapid.IntRange(0, len(c.demand)).Draw(t, "at")
			c.demand = slices.Insert(c.demand, x, d)
		case 8: // the lists in another order (the plan is the same)
			c.demand = rapid.Permutation(c.demand).Draw(t, "demorder")
			c.open = rapid.Permutation(c.open).Draw(t, "openorder")
		case 9: // a change that cancels out: a demand moved within its day, or split in two on the same day
			if len(c.demand) == 0 {
				continue
			}
			x := rapid.IntRange(0, len(c.demand)-1).Draw(t, "dem")
			d := c.demand[x]
			if d.Qty > 1 && rapid.Bool().Draw(t, "split") {
				q := gongxu.Qty(rapid.Int64Range(1, int64(d.Qty)-1).Draw(t, "part"))
				c.demand[x].Qty = q
				d.Qty -= q
				c.demand = append(c.demand, d)
			} else {
				c.demand[x].Due = floorDiv(d.Due, dayMs)*dayMs + rapid.Int64Range(0, dayMs-1).Draw(t, "ms")
			}
		case 10: // an open order changed late, or a demand moved late
			if len(c.open) > 0 && rapid.Bool().Draw(t, "open") {
				c.open[rapid.IntRange(0, len(c.open)-1).Draw(t, "open")].Due = day(rapid.Int64Range(20, 40).Draw(t, "late"))
			} else if len(c.demand) > 0 {
				c.demand[rapid.IntRange(0, len(c.demand)-1).Draw(t, "dem")].Due = day(rapid.Int64Range(25, 40).Draw(t, "late"))
			}
		case 11, 12: // bad input: the same error as a full plan, nothing planned
			switch rapid.IntRange(0, 7).Draw(t, "bad") {
			case 0:
				c.demand = append(c.demand, Demand{Ref: "D0", Item: s.m.Items[0].ID, Qty: 0, Due: day(5)})
			case 1:
				c.demand = append(c.demand, Demand{Ref: "D0", Item: "nope", Qty: 1, Due: day(5)})
			case 2:
				c.demand = append(c.demand, Demand{Ref: "", Item: s.m.Items[0].ID, Qty: 1, Due: -1})
			case 3:
				if len(c.open) > 0 {
					o := c.open[rapid.IntRange(0, len(c.open)-1).Draw(t, "open")]
					o.Qty++
					c.open = append(c.open, o) // listed twice
				}
			case 4:
				if len(bought) > 0 {
					c.open = append(c.open, OpenOrder{Ref: "wo:x", Item: bought[0], Qty: 1, Due: day(3)})
				}
			case 5: // one bad stock entry at most (Plan names the first it meets in the map)
				if c.stock[s.m.Items[0].ID] >= 0 {
					c.stock["nope"] = 1
				}
			case 6:
				delete(c.stock, "nope")
				c.stock[s.m.Items[0].ID] = -1
			case 7:
				for _, it := range s.m.Items {
					if it.Phantom {
						c.open = append(c.open, OpenOrder{Ref: "P", Item: it.ID, Qty: 1, Due: day(3)})
						break
					}
				}
			}
		}
	}
	return c
}

// TestNetChangeEqualsFull: after any change, net change gives exactly the
// plan a full re-plan gives (byte for byte as JSON), or the same error.
func TestNetChangeEqualsFull(t *testing.T) { rapid.Check(t, checkNetChange) }

// TestNetChangeLoadedEqualsFull: the same when every change is loaded in
// full (as a change wider than maxWindow entries is), not diffed.
func TestNetChangeLoadedEqualsFull(t *testing.T) {
	defer func(w int) { maxWindow = w }(maxWindow)
	maxWindow = -1
	rapid.Check(t, checkNetChange)
}

func checkNetChange(t *rapid.T) {
	s := genScenario(t)
	st, res0, err := NewState(s.m, s.stock, s.open, s.demand)
	if err != nil {
		t.Skip(err)
	}
	want0, err := Plan(s.m, s.stock, s.open, s.demand)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(mustJSON(t, res0), mustJSON(t, want0)) {
		t.Fatal("NewState differs from Plan")
	}
	c := change(t, s)
	want, werr := Plan(c.m, c.stock, c.open, c.demand)
	ch, gerr := st.NetChange(c.stock, c.open, c.demand)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("errors: full %v, net change %v", werr, gerr)
	}
	if werr != nil {
		return
	}
	got := ch.Result()
	for _, w := range got.Work { // Inputs names only other items' work orders
		if _, ok := ch.Inputs[w.ID]; ok && slices.Contains(ch.Items, w.Item) {
			t.Fatalf("%s is re-netted and in Inputs", w.ID)
		}
	}
	if g, w := mustJSON(t, got), mustJSON(t, want); !bytes.Equal(g, w) {
		t.Fatalf("net change differs from full re-plan:\nnet  %s\nfull %s", g, w)
	}
	// The State is unchanged: the original inputs give the original
	// plan, and another change after this one plans as in full (the
	// State's scratch comes back clean).
	again, err := st.NetChange(s.stock, s.open, s.demand)
	if err != nil || len(again.Items) != 0 || !bytes.Equal(mustJSON(t, again.Result()), mustJSON(t, want0)) {
		t.Fatalf("net change back to the original inputs: %v", err)
	}
	c2 := change(t, s)
	want2, werr := Plan(c2.m, c2.stock, c2.open, c2.demand)
	ch2, gerr := st.NetChange(c2.stock, c2.open, c2.demand)
	if (werr == nil) != (gerr == nil) || werr != nil && werr.Error() != gerr.Error() {
		t.Fatalf("second change, errors: full %v, net change %v", werr, gerr)
	}
	if werr == nil {
		if g, w := mustJSON(t, ch2.Result()), mustJSON(t, want2); !bytes.Equal(g, w) {
			t.Fatalf("second change: net change differs from full re-plan:\nnet  %s\nfull %s", g, w)
		}
	}
}

// TestNetChangeLarge: on the benchmark's 10k-item factory, each of a few
// one-order changes re-plans exactly as a full plan, touching a fraction of
// the items.
func TestNetChangeLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("large")
	}
	s := genFactory(10_000, 1000, 1)
	st, _, err := NewState(s.m, s.stock, s.open, s.demand)
	if err != nil {
		t.Fatal(err)
	}
	for k, c := range oneOrderChanges(s) {
		want, err := Plan(c.m, c.stock, c.open, c.demand)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := st.NetChange(c.stock, c.open, c.demand)
		if err != nil {
			t.Fatal(err)
		}
		got := ch.Result()
		if !bytes.Equal(mustJSON(t, got), mustJSON(t, want)) {
			t.Fatalf("change %d: net change differs from full re-plan", k)
		}
	}
}

// oneOrderChanges: the first order's quantity doubled, an order removed,
// an order added, an open order's date moved, one item's stock changed.
func oneOrderChanges(s scenario) []scenario {
	with := func(f func(c *scenario)) scenario {
		c := scenario{m: s.m, stock: maps.Clone(s.stock), open: slices.Clone(s.open), demand: slices.Clone(s.demand)}
		f(&c)
		return c
	}
	return []scenario{
		with(func(c *scenario) { c.demand[0].Qty *= 2 }),
		with(func(c *scenario) { c.demand = c.demand[1:] }),
		with(func(c *scenario) {
			c.demand = append(c.demand, Demand{Ref: "pool new", Item: c.demand[7].Item, Qty: u(40), Due: day(90)})
		}),
		with(func(c *scenario) { c.open[3].Due += 5 * dayMs }),
		with(func(c *scenario) { c.stock[c.m.Items[len(c.m.Items)-1].ID] += u(75) }),
		with(func(c *scenario) { // the demand listed backwards, one order changed: too wide to diff
			slices.Reverse(c.demand)
			c.demand[500].Qty += u(3)
		}),
		with(func(c *scenario) { c.demand[len(c.demand)-1].Due += 40 * dayMs }), // late
	}
}

// TestNetChangeConcurrent: net changes against one State may run at once
// (the planner serves many readers); run with -race.
func TestNetChangeConcurrent(t *testing.T) {
	s := genFactory(300, 40, 2)
	st, _, err := NewState(s.m, s.stock, s.open, s.demand)
	if err != nil {
		t.Fatal(err)
	}
	kinds := []string{"order-qty", "order-added", "order-removed", "stock", "wide"}
	changeOf := func(kind string) scenario {
		if kind == "wide" { // too wide to diff: loaded in full, with the State's scratch taken
			c := oneChanges(s, "order-qty", 1)[0]
			slices.Reverse(c.demand)
			return c
		}
		return oneChanges(s, kind, 1)[0]
	}
	want := make([][]byte, len(kinds))
	for k, kind := range kinds {
		c := changeOf(kind)
		res, err := Plan(c.m, c.stock, c.open, c.demand)
		if err != nil {
			t.Fatal(err)
		}
		want[k] = mustJSON(t, res)
	}
	errs := make(chan error, len(kinds))
	for k, kind := range kinds {
		go func() {
			c := changeOf(kind)
			ch, err := st.NetChange(c.stock, c.open, c.demand)
			if err == nil && !bytes.Equal(mustJSON(t, ch.Result()), want[k]) {
				err = fmt.Errorf("%s: net change differs from full", kind)
			}
			errs <- err
		}()
	}
	for range kinds {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestNetChangeIDsWithAt: work orders of one day sort by id, and with an
// "@" in an item id ("a", "a@0") the date decides between "wo:a@2026…" and
// "wo:a@0@2026…": net change sorts and merges them as Plan does.
func TestNetChangeIDsWithAt(t *testing.T) {
	for _, ids := range [][2]ItemID{{"a", "a@0"}, {"a", "a-0"}, {"a@b", "a"}} {
		m := Master{Items: []Item{made(ids[0], 1), made(ids[1], 1), bought("c", 2)},
			BOM: []BOMLine{{Parent: ids[0], Child: "c", QtyPer: 1000}, {Parent: ids[1], Child: "c", QtyPer: 1000}}}
		demand := []Demand{{Ref: "x", Item: ids[0], Qty: u(5), Due: day(10)}, {Ref: "y", Item: ids[1], Qty: u(5), Due: day(10)},
			{Ref: "z", Item: ids[1], Qty: u(5), Due: day(12)}}
		st, _, err := NewState(m, nil, nil, demand)
		if err != nil {
			t.Fatal(err)
		}
		for k := range demand {
			c := slices.Clone(demand)
			c[k].Qty += u(1)
			want, err := Plan(m, nil, nil, c)
			if err != nil {
				t.Fatal(err)
			}
			ch, err := st.NetChange(nil, nil, c)
			if err != nil {
				t.Fatal(err)
			}
			if g, w := mustJSON(t, ch.Result()), mustJSON(t, want); !bytes.Equal(g, w) {
				t.Fatalf("%v, demand %d changed: net change\n%s\nfull\n%s", ids, k, g, w)
			}
		}
	}
}

// TestNetChangeStopsWhereAbsorbed: a change that a lot size absorbs
// re-nets only the item it absorbs it; one that passes through re-nets
// what it reaches (through a phantom, and into a by-product's item); both
// plan as Plan does.
func TestNetChangeStopsWhereAbsorbed(t *testing.T) {
	a := made("a", 1)
	a.LotMultiple = u(100)
	m := Master{Items: []Item{a, phantom("p"), made("b", 1), bought("c", 2), bought("d", 1)},
		BOM: []BOMLine{{Parent: "a", Child: "p", QtyPer: 1000}, {Parent: "p", Child: "b", QtyPer: 2000},
			{Parent: "b", Child: "c", QtyPer: 1000}, {Parent: "b", Child: "d", QtyPer: 500, ByProduct: true}}}
	demand := []Demand{{Ref: "x", Item: "a", Qty: u(10), Due: day(10)}, {Ref: "y", Item: "b", Qty: u(3), Due: day(12)}}
	st, _, err := NewState(m, nil, nil, demand)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		qty  gongxu.Qty
		want []ItemID
	}{
		{u(20), []ItemID{"a"}},                      // 100 either way: nothing below changes
		{u(150), []ItemID{"a", "b", "c", "d", "p"}}, // 200: through the phantom, and the by-product
	} {
		c := slices.Clone(demand)
		c[0].Qty = tc.qty
		want, err := Plan(m, nil, nil, c)
		if err != nil {
			t.Fatal(err)
		}
		ch, err := st.NetChange(nil, nil, c)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ch.Items, tc.want) {
			t.Errorf("qty %s: re-netted %v, want %v", qs(tc.qty), ch.Items, tc.want)
		}
		if g, w := mustJSON(t, ch.Result()), mustJSON(t, want); !bytes.Equal(g, w) {
			t.Fatalf("qty %s: net change\n%s\nfull\n%s", qs(tc.qty), g, w)
		}
	}
}
