package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// Threshold tests write demand facts directly (the projection has its own
// tests) and read them as attackers would: through the service's answers.

// jan5 is Monday 2026-01-05, the first day of ISO week 2026-W02.
var jan5 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC).Unix() / 86400

type fact struct {
	product, variant, hub string
	day                   int64
	who                   string
	units                 int64
}

func putFacts(t testing.TB, db *DB, fs ...fact) {
	t.Helper()
	for _, f := range fs {
		if _, err := db.w.Exec(`INSERT INTO demand_facts (product, variant, hub, day, pool, contributor, currency, pledged_units, pledged_money)
			VALUES (?, ?, ?, ?, 1, ?, 'CNY', ?, ?)
			ON CONFLICT (product, variant, hub, day, pool, contributor) DO UPDATE SET
			pledged_units = pledged_units + excluded.pledged_units, pledged_money = pledged_money + excluded.pledged_money`,
			f.product, f.variant, f.hub, f.day, f.who, f.units, f.units*100); err != nil {
			t.Fatal(err)
		}
	}
}

// keys makes n direct pledgers of units each at hub on day.
func keys(hub string, day int64, from, n int, units int64) []fact {
	out := make([]fact, n)
	for i := range out {
		out[i] = fact{"acme/tee", "", hub, day, fmt.Sprintf("key:%064x", from+i), units}
	}
	return out
}

func newDemand(t testing.TB, db *DB) *Demand {
	t.Helper()
	d, err := NewDemand(db, gongxu.DemandThresholds{})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ask(t testing.TB, d *Demand, f gongxu.DemandFilter) []gongxu.DemandCell {
	t.Helper()
	r, err := d.Demand(context.Background(), f)
	if err != nil {
		t.Fatal(err)
	}
	return r.Cells
}

func cellOf(cs []gongxu.DemandCell, hub, period string) *gongxu.DemandCell {
	for i := range cs {
		if string(cs[i].Hub) == hub && cs[i].Period == period {
			return &cs[i]
		}
	}
	return nil
}

func js(c *gongxu.DemandCell) string { return mustJSON(c) }

func day(d int64) string { return time.Unix(d*86400, 0).UTC().Format(time.DateOnly) }

// Attack: a cell of one hub. A hub's batches have one contributor, the hub:
// its cell is suppressed for everyone else, and shown in full to the hub.
func TestDemandAttackOneHubCell(t *testing.T) {
	db := openTemp(t)
	putFacts(t, db, fact{"acme/tee", "", "hub1", jan5, "org:hub1", 40})
	d := newDemand(t, db)
	for _, reader := range []gongxu.OrgID{"", "hub2", "acme"} {
		cs := ask(t, d, gongxu.DemandFilter{Reader: reader})
		for _, c := range cs {
			if !c.Suppressed || c.Pledged != nil || c.Contributors != 0 {
				t.Fatalf("reader %q sees %+v, want it suppressed without values", reader, c)
			}
		}
		if len(cs) != 2 { // the hub's cell and the total
			t.Fatalf("reader %q: %d cells, want 2", reader, len(cs))
		}
	}
	cs := ask(t, d, gongxu.DemandFilter{Reader: "hub1"})
	own := cellOf(cs, "hub1", day(jan5))
	if own == nil || !own.Own || own.Suppressed || own.Pledged == nil || own.Pledged.Units != 40 || own.Pledged.Money != 4000 {
		t.Fatalf("hub1's own cell: %+v, want 40 units in full", own)
	}
	if tot := cellOf(cs, "", day(jan5)); tot == nil || !tot.Suppressed {
		t.Fatalf("the total over hubs, for hub1: %+v, want suppressed (one contributor)", tot)
	}
}

// Attack: a cell dominated by one contributor. Four contributors pass k = 3,
// but the hub's 1000 units are 99.7 % of the cell.
func TestDemandAttackDominated(t *testing.T) {
	db := openTemp(t)
	putFacts(t, db, append(keys("hub1", jan5, 1, 3, 1), fact{"acme/tee", "", "hub1", jan5, "org:hub1", 1000})...)
	d := newDemand(t, db)
	for _, c := range ask(t, d, gongxu.DemandFilter{}) {
		if !c.Suppressed {
			t.Fatalf("dominated cell shown: %+v", c)
		}
	}
	// Spread the same total evenly over more contributors and it is shown.
	db2 := openTemp(t)
	putFacts(t, db2, keys("hub1", jan5, 1, 4, 250)...)
	cs := ask(t, newDemand(t, db2), gongxu.DemandFilter{})
	if c := cellOf(cs, "hub1", day(jan5)); c == nil || c.Suppressed || c.Pledged.Units != 1000 || c.Contributors != 4 {
		t.Fatalf("even cell: %+v, want 1000 units from 4 contributors", c)
	}
}

// attackHubs: three hubs with five pledgers each, and hub4 whose only
// contributor is itself. The total over hubs is shown.
func attackHubs(t testing.TB, db *DB) {
	putFacts(t, db, keys("hub1", jan5, 1, 5, 10)...)
	putFacts(t, db, keys("hub2", jan5, 10, 5, 12)...)
	putFacts(t, db, keys("hub3", jan5, 20, 5, 14)...)
	putFacts(t, db, fact{"acme/tee", "", "hub4", jan5, "org:hub4", 9})
}

// Attack: a total minus its visible parts, and differencing all hubs
// against all hubs but one (each hub asked alone). Without complementary
// suppression, total − hub1 − hub2 − hub3 = hub4.
func TestDemandAttackTotalMinusParts(t *testing.T) {
	db := openTemp(t)
	attackHubs(t, db)
	d := newDemand(t, db)
	for _, reader := range []gongxu.OrgID{"", "hub1", "hub2", "hub3", "hub4"} {
		all := ask(t, d, gongxu.DemandFilter{Reader: reader})
		total := cellOf(all, "", day(jan5))
		if total == nil || total.Suppressed || total.Pledged.Units != 50+60+70+9 {
			t.Fatalf("total: %+v, want 189 units shown", total)
		}
		// The attacker's view: every hub asked alone, plus the total.
		rest := total.Pledged.Units
		unknown := 0
		for _, h := range []string{"hub1", "hub2", "hub3", "hub4"} {
			one := ask(t, d, gongxu.DemandFilter{Hub: gongxu.OrgID(h), Reader: reader})
			if len(one) != 1 {
				t.Fatalf("hub %s alone: %d cells", h, len(one))
			}
			if c := cellOf(all, h, day(jan5)); c == nil || js(c) != js(&one[0]) {
				t.Fatalf("hub %s: alone %+v, among all %+v: the same cell must read the same", h, one[0], c)
			}
			if one[0].Suppressed {
				unknown++
			} else {
				rest -= one[0].Pledged.Units
			}
		}
		// rest is the sum of the cells the reader cannot see: never one cell.
		if unknown < 2 {
			t.Fatalf("reader %q: total − visible hubs = %d units of %d suppressed cell(s): recoverable", reader, rest, unknown)
		}
		if reader == "" && unknown < 3 {
			t.Fatalf("anonymous reader: %d suppressed hub cells; a hub knowing its own would recover another's", unknown)
		}
		if c := cellOf(all, "hub4", day(jan5)); reader != "hub4" && !c.Suppressed {
			t.Fatalf("reader %q sees hub4's one-contributor cell: %+v", reader, c)
		}
	}
}

// Attack: a week against its days. Six days with five pledgers each are
// shown; on the seventh a single pledger bought. Without complementary
// suppression, week − six days = that pledger's units.
func TestDemandAttackWeekMinusDays(t *testing.T) {
	db := openTemp(t)
	for i := int64(0); i < 6; i++ {
		putFacts(t, db, keys("hub1", jan5+i, int(10*i), 5, 10+i)...)
	}
	putFacts(t, db, fact{"acme/tee", "", "hub1", jan5 + 6, fmt.Sprintf("key:%064x", 999), 33})
	d := newDemand(t, db)
	week := ask(t, d, gongxu.DemandFilter{Period: gongxu.DemandWeek})
	days := ask(t, d, gongxu.DemandFilter{Period: gongxu.DemandDay, From: day(jan5), To: day(jan5 + 6)})
	for _, hub := range []string{"", "hub1"} {
		w := cellOf(week, hub, "2026-W02")
		if w == nil || w.Suppressed {
			t.Fatalf("week of %q: %+v, want shown", hub, w)
		}
		rest, unknown := w.Pledged.Units, 0
		for i := int64(0); i < 7; i++ {
			c := cellOf(days, hub, day(jan5+i))
			if c.Suppressed {
				unknown++
			} else {
				rest -= c.Pledged.Units
			}
		}
		if unknown < 2 {
			t.Fatalf("hub %q: week − shown days = %d units of %d suppressed day(s): recoverable", hub, rest, unknown)
		}
	}
	// The month of January holds the same days (and no others): the same rule.
	month := ask(t, d, gongxu.DemandFilter{Period: gongxu.DemandMonth})
	if m := cellOf(month, "", "2026-01"); m == nil || m.Suppressed || m.Pledged.Units != week[0].Pledged.Units {
		t.Fatalf("month: %+v", m)
	}
	// Narrowing the days asked changes which cells come back, never what
	// they hold: the one-pledger day stays suppressed asked alone.
	alone := ask(t, d, gongxu.DemandFilter{From: day(jan5 + 6), To: day(jan5 + 6)})
	for _, c := range alone {
		if !c.Suppressed {
			t.Fatalf("the one-pledger day asked alone: %+v", c)
		}
	}
}

// TestDemandThresholdProperties checks, on random grids, what any reader
// can get from any set of queries:
//   - every shown cell that is not the reader's own passes k and (n, k %),
//     recomputed from the facts;
//   - every additive relation whose total is shown (total over hubs; a week
//     or a month over its days) has no suppressed part, or at least 2 (at
//     least 3 for hubs, which each know their own cell) unknown to the reader;
//   - a cell reads the same in every query that returns it (all hubs or one,
//     any date window);
//   - a suppressed cell carries no value; shown values are the facts' sums.
func TestDemandThresholdProperties(t *testing.T) {
	for seed := uint64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(seed, 7))
			db := openTemp(t)
			var fs []fact
			hubs := []string{"hub1", "hub2", "hub3", "hub4", "hub5"}[:2+rng.IntN(4)]
			for range 40 + rng.IntN(120) {
				h := hubs[rng.IntN(len(hubs))]
				who := "org:" + h
				if rng.IntN(3) > 0 {
					who = fmt.Sprintf("key:%064x", rng.IntN(12))
				}
				units := int64(1 + rng.IntN(20))
				if rng.IntN(10) == 0 {
					units *= 50 // a dominant contributor now and then
				}
				fs = append(fs, fact{"acme/tee", []string{"", "m"}[rng.IntN(2)], h, jan5 - 10 + int64(rng.IntN(45)), who, units})
			}
			putFacts(t, db, fs...)
			d := newDemand(t, db)
			for _, reader := range append([]string{""}, hubs...) {
				checkProperties(t, d, fs, gongxu.OrgID(reader), hubs)
			}
		})
	}
}

func checkProperties(t *testing.T, d *Demand, fs []fact, reader gongxu.OrgID, hubs []string) {
	th := d.Thresholds()
	type key struct{ variant, hub, period string }
	for _, per := range gongxu.DemandPeriods {
		cs := ask(t, d, gongxu.DemandFilter{Period: per, Reader: reader})
		seen := map[key]gongxu.DemandCell{}
		for _, c := range cs {
			seen[key{c.Variant, string(c.Hub), c.Period}] = c
			// Recompute the cell from the facts.
			by := map[string]int64{}
			var sum int64
			for _, f := range fs {
				name, _, _ := periodOf(per, f.day)
				if f.variant == c.Variant && name == c.Period && (c.Hub == "" || f.hub == string(c.Hub)) {
					by[f.who] += f.units
					sum += f.units
				}
			}
			if c.Suppressed {
				if c.Pledged != nil || c.Contributors != 0 || c.Own {
					t.Fatalf("suppressed cell with values: %+v", c)
				}
				continue
			}
			if c.Pledged.Units != gongxu.Units(sum) || c.Pledged.Money != gongxu.Amount(sum*100) || c.Contributors != int64(len(by)) {
				t.Fatalf("cell %+v, facts say %d units from %d contributors", c, sum, len(by))
			}
			if c.Own != (reader != "" && c.Hub == reader) {
				t.Fatalf("reader %q: cell %+v marked own=%v", reader, c, c.Own)
			}
			if c.Own {
				continue
			}
			vals := make([]int64, 0, len(by))
			for _, v := range by {
				vals = append(vals, v)
			}
			slices.Sort(vals)
			slices.Reverse(vals)
			var top int64
			for i := 0; i < th.DominanceN && i < len(vals); i++ {
				top += vals[i]
			}
			if len(by) < th.MinContributors || top*100 > int64(th.DominancePct)*sum {
				t.Fatalf("reader %q sees cell %+v: %d contributors, top %d of %d", reader, c, len(by), top, sum)
			}
		}
		// Hub relations: a shown total has 0 or ≥ 3 suppressed hub cells
		// (≥ 2 unknown to a hub reader, who knows its own).
		for k, tot := range seen {
			if k.hub != "" || tot.Suppressed {
				continue
			}
			unknown := 0
			for _, h := range hubs {
				if c, ok := seen[key{k.variant, h, k.period}]; ok && c.Suppressed {
					unknown++
				}
			}
			if unknown == 1 || (reader == "" && unknown > 0 && unknown < 3) {
				t.Fatalf("reader %q, %s %s variant %q: %d hub cells unknown under a shown total", reader, per, k.period, k.variant, unknown)
			}
		}
		// The same cells, one hub at a time and in a narrow window.
		for _, h := range hubs {
			for _, c := range ask(t, d, gongxu.DemandFilter{Period: per, Hub: gongxu.OrgID(h), Reader: reader,
				From: day(jan5), To: day(jan5 + 20)}) {
				if s := seen[key{c.Variant, string(c.Hub), c.Period}]; js(&s) != js(&c) {
					t.Fatalf("reader %q, hub %s: %+v differs from the same cell among all: %+v", reader, h, c, seen[key{c.Variant, string(c.Hub), c.Period}])
				}
			}
		}
	}
	// Time relations: a shown week or month has 0 or ≥ 2 suppressed days.
	days := ask(t, d, gongxu.DemandFilter{Reader: reader})
	for _, per := range []gongxu.DemandPeriod{gongxu.DemandWeek, gongxu.DemandMonth} {
		for _, p := range ask(t, d, gongxu.DemandFilter{Period: per, Reader: reader}) {
			if p.Suppressed || p.Own {
				continue
			}
			unknown := 0
			for _, c := range days {
				d0, _ := time.Parse(time.DateOnly, c.Period)
				name, _, _ := periodOf(per, d0.Unix()/86400)
				if name == p.Period && c.Hub == p.Hub && c.Variant == p.Variant && c.Suppressed {
					unknown++
				}
			}
			if unknown == 1 {
				t.Fatalf("reader %q: %s %s of hub %q variant %q is shown with exactly one suppressed day", reader, per, p.Period, p.Hub, p.Variant)
			}
		}
	}
}

// TestDemandGovernanceThresholds: the network's parameters (set by member
// vote, projected into the read model) are the floor of every node's
// thresholds; a node's own config may only make them stricter.
func TestDemandGovernanceThresholds(t *testing.T) {
	db := openTemp(t)
	putFacts(t, db, keys("hub1", jan5, 0, 5, 10)...) // five consumers: passes k = 3
	shown := func(d *Demand) bool {
		c := cellOf(ask(t, d, gongxu.DemandFilter{Reader: "acme"}), "hub1", day(jan5))
		return c != nil && !c.Suppressed
	}
	d := newDemand(t, db)
	if !shown(d) {
		t.Fatal("five contributors under the defaults: suppressed")
	}
	setParams := func(p gongxu.Params) {
		b, _ := json.Marshal(p)
		if _, err := db.w.Exec(`INSERT INTO params (id, json, height) VALUES (1, ?, 9) ON CONFLICT (id) DO UPDATE SET json = excluded.json`, string(b)); err != nil {
			t.Fatal(err)
		}
	}
	p := gongxu.DefaultParams()
	p.DemandMinContributors = 6 // the members voted for more
	setParams(p)
	if shown(d) {
		t.Fatal("the network asks 6 contributors: a cell of 5 is shown")
	}
	// A node asking fewer than the network does not lower the floor...
	lax, err := NewDemand(db, gongxu.DemandThresholds{MinContributors: 2})
	if err != nil {
		t.Fatal(err)
	}
	if shown(lax) {
		t.Fatal("a node's lower threshold overrode the network's")
	}
	// ...and one asking more raises it for itself.
	p.DemandMinContributors = 4
	setParams(p)
	strict, err := NewDemand(db, gongxu.DemandThresholds{MinContributors: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !shown(d) || shown(strict) {
		t.Fatal("network 4 with a node's 8: the node's stricter threshold is not applied")
	}
}
