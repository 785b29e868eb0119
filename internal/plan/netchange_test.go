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
		switch rapid.IntRange(0, 6).Draw(t, "kind") {
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
		}
	}
	return c
}

// TestNetChangeEqualsFull: after any change, net change gives exactly the
// plan a full re-plan gives (byte for byte as JSON), or the same error.
func TestNetChangeEqualsFull(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
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
		// The State is unchanged: the original inputs give the original plan.
		again, err := st.NetChange(s.stock, s.open, s.demand)
		if err != nil || len(again.Items) != 0 || !bytes.Equal(mustJSON(t, again.Result()), mustJSON(t, want0)) {
			t.Fatalf("net change back to the original inputs: %v", err)
		}
	})
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
	kinds := []string{"order-qty", "order-added", "order-removed", "stock"}
	want := make([][]byte, len(kinds))
	for k, kind := range kinds {
		c := oneChanges(s, kind, 1)[0]
		res, err := Plan(c.m, c.stock, c.open, c.demand)
		if err != nil {
			t.Fatal(err)
		}
		want[k] = mustJSON(t, res)
	}
	errs := make(chan error, len(kinds))
	for k, kind := range kinds {
		go func() {
			c := oneChanges(s, kind, 1)[0]
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
