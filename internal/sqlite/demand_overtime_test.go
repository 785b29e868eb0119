package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// Thresholds over time: an attacker who saves every answer, block after
// block, and subtracts them. These tests write facts directly, as the
// projection would (on-time facts on their block's day; late ones in
// demand_late too), and move the ledger's clock with blocks.

// setClock records a block on day (at 01:00 UTC) and returns its height.
func setClock(t testing.TB, db *DB, day int64) int64 {
	t.Helper()
	var h int64
	if err := db.w.QueryRow(`SELECT coalesce(max(height), 0) + 1 FROM blocks`).Scan(&h); err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`INSERT INTO blocks (height, time, hash, app_hash, num_txs) VALUES (?, ?, ?, '', 0)`,
		h, day*86_400_000+3_600_000, blockHash(h)); err != nil {
		t.Fatal(err)
	}
	return h
}

// putLate writes facts that arrived late, in the block at height: in the
// facts (their own hub sees them) and in demand_late. anon > 0 makes each
// row stand for that many anonymous contributors (a hub's recorded week).
func putLate(t testing.TB, db *DB, height, anon int64, fs ...fact) {
	t.Helper()
	putFacts(t, db, fs...)
	for _, f := range fs {
		if anon > 0 {
			if _, err := db.w.Exec(`UPDATE demand_facts SET anon = anon + ?, consumers = consumers + ?
				WHERE product = ? AND variant = ? AND hub = ? AND day = ? AND pool = 1 AND contributor = ?`,
				anon, anon, f.product, f.variant, f.hub, f.day, f.who); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := db.w.Exec(`INSERT INTO demand_late (product, height, variant, hub, day, pool, contributor, currency, pledged_units, pledged_money, consumers, anon)
			VALUES (?, ?, ?, ?, ?, 1, ?, 'CNY', ?, ?, ?, ?)
			ON CONFLICT (product, height, variant, hub, day, pool, contributor) DO UPDATE SET
			pledged_units = pledged_units + excluded.pledged_units, pledged_money = pledged_money + excluded.pledged_money,
			consumers = consumers + excluded.consumers, anon = anon + excluded.anon`,
			f.product, height, f.variant, f.hub, f.day, f.who, f.units, f.units*100, anon, anon); err != nil {
			t.Fatal(err)
		}
	}
}

func units(c *gongxu.DemandCell) int64 {
	if c == nil || c.Suppressed || c.Pledged == nil {
		return -1
	}
	return int64(c.Pledged.Units)
}

// Attack: a closed day that the next day's complementary suppression would
// hide. Days 5, 6 and 7 January (5 pledgers each, the 5th the smallest)
// are shown, one block a day; on the 8th one pledger buys 33 units, in the
// same week and month. Recomputed live, the week needs a second suppressed
// day and takes the smallest shown one: week − shown days = that day + the
// 8th, and that day is in yesterday's answer. Frozen from the first block
// after each day (no grace: a grace would leave the 6th and 7th open to
// exactly this), the days stay as they were shown and the week and the
// month, still open, are suppressed instead.
func TestDemandAttackFrozenDay(t *testing.T) {
	facts := slices.Concat(keys("hub1", jan5, 0, 5, 1), keys("hub1", jan5+1, 10, 5, 10), keys("hub1", jan5+2, 20, 5, 10))
	late := fact{"acme/tee", "", "hub1", jan5 + 3, fmt.Sprintf("key:%064x", 999), 33}

	// The attack, without a clock (the grid recomputed from all facts):
	// yesterday's answer and today's recover the lone pledger.
	live := openTemp(t)
	putFacts(t, live, facts...)
	before := ask(t, newDemand(t, live), gongxu.DemandFilter{})
	putFacts(t, live, late)
	if got := recoverWeek(t, newDemand(t, live), before); got != 33 {
		t.Fatalf("without frozen periods the attack recovers %d units, want 33 (the test lost its point)", got)
	}

	db := openTemp(t)
	for i, d := range []int64{jan5, jan5 + 1, jan5 + 2} {
		setClock(t, db, d)
		putFacts(t, db, facts[5*i:5*i+5]...)
	}
	setClock(t, db, jan5+3) // the 5th, 6th and 7th are closed
	d := newDemand(t, db)
	before = ask(t, d, gongxu.DemandFilter{})
	if u := units(cellOf(before, "hub1", day(jan5))); u != 5 {
		t.Fatalf("the 5th before: %d units, want 5 shown", u)
	}
	putFacts(t, db, late)
	if got := recoverWeek(t, d, before); got != -1 {
		t.Fatalf("frozen: the attacker recovers %d units of the lone pledger", got)
	}
	after := ask(t, d, gongxu.DemandFilter{})
	for _, dd := range []int64{jan5, jan5 + 1, jan5 + 2} {
		if a, b := cellOf(before, "hub1", day(dd)), cellOf(after, "hub1", day(dd)); js(a) != js(b) {
			t.Fatalf("closed day %s changed: %s, then %s", day(dd), js(a), js(b))
		}
	}
	for _, per := range []gongxu.DemandPeriod{gongxu.DemandWeek, gongxu.DemandMonth} {
		for _, c := range ask(t, d, gongxu.DemandFilter{Period: per}) {
			if !c.Suppressed {
				t.Fatalf("open %s %s shown with a lone pledger's day in it: %s", per, c.Period, js(&c))
			}
		}
	}
	// The same answers from a node that asks for the first time (or after
	// a reindex): the frozen statuses come from the facts, not from the
	// queries asked before.
	if got := ask(t, newDemand(t, db), gongxu.DemandFilter{}); js2(got) != js2(after) {
		t.Fatalf("a fresh service answers\n%s\nthe one asked before\n%s", js2(got), js2(after))
	}
	// The lone pledger's hub still sees its own cells in full.
	if c := cellOf(ask(t, d, gongxu.DemandFilter{Reader: "hub1"}), "hub1", day(jan5+3)); units(c) != 33 || !c.Own {
		t.Fatalf("hub1's own day: %s", js(c))
	}
}

func js2(cs []gongxu.DemandCell) string { return mustJSON(cs) }

// recoverWeek is the attacker: with the answer before (saved) and today's,
// it takes the week 2026-W02 of hub1, subtracts the days it knows (shown
// today, or shown before and unchanged since) and returns what is left when
// exactly one day is unknown, else -1.
func recoverWeek(t *testing.T, d *Demand, before []gongxu.DemandCell) int64 {
	t.Helper()
	week := cellOf(ask(t, d, gongxu.DemandFilter{Period: gongxu.DemandWeek}), "hub1", "2026-W02")
	if week == nil || week.Suppressed {
		return -1
	}
	days := ask(t, d, gongxu.DemandFilter{})
	rest, unknown := int64(week.Pledged.Units), 0
	for i := range int64(7) {
		c := cellOf(days, "hub1", day(jan5+i))
		switch {
		case c == nil:
		case !c.Suppressed:
			rest -= units(c)
		case units(cellOf(before, "hub1", day(jan5+i))) >= 0 && i < 3: // known from before: a past day
			rest -= units(cellOf(before, "hub1", day(jan5+i)))
		default:
			unknown++
		}
	}
	if unknown != 1 {
		return -1
	}
	return rest
}

// Attack: late facts into a closed week whose total over hubs was shown.
// hub4 records its past sales of that week afterwards, 2 consumers (fewer
// than k = 3): published as such, the total would grow by hub4's units.
// The revision fails the thresholds on its own, so the total keeps its
// value, marked; a later revision of 10 consumers passes and is added; a
// revision of one pledger at a shown hub is withheld the same way.
func TestDemandAttackLateRevision(t *testing.T) {
	db := openTemp(t)
	setClock(t, db, jan5)
	attackHubs(t, db) // hub1..hub3 five pledgers each, hub4 alone: 189 units on the 5th
	setClock(t, db, jan5+30)
	d := newDemand(t, db)
	before := map[gongxu.DemandPeriod][]gongxu.DemandCell{}
	for _, per := range gongxu.DemandPeriods {
		before[per] = ask(t, d, gongxu.DemandFilter{Period: per})
	}
	names := map[gongxu.DemandPeriod]string{gongxu.DemandDay: day(jan5), gongxu.DemandWeek: "2026-W02", gongxu.DemandMonth: "2026-01"}
	for per, n := range names {
		if u := units(cellOf(before[per], "", n)); u != 189 {
			t.Fatalf("%s total before: %d, want 189", per, u)
		}
	}

	h := setClock(t, db, jan5+31)
	putLate(t, db, h, 2, fact{"acme/tee", "", "hub5", jan5, HistoryContributor("hub5"), 8})
	for per, n := range names {
		cs := ask(t, d, gongxu.DemandFilter{Period: per})
		tot := cellOf(cs, "", n)
		if units(tot) != 189 || !tot.RevisionsWithheld {
			t.Fatalf("%s total after a revision of 2 consumers: %s, want 189 and marked withheld", per, js(tot))
		}
		if c := cellOf(cs, "hub5", n); c == nil || !c.Suppressed || c.RevisionsWithheld || c.Pledged != nil {
			t.Fatalf("%s hub5's cell: %s, want suppressed without a value or mark", per, js(c))
		}
		for _, hub := range []string{"hub1", "hub2", "hub3", "hub4"} {
			if a, b := cellOf(before[per], hub, n), cellOf(cs, hub, n); js(a) != js(b) {
				t.Fatalf("%s %s changed: %s, then %s", per, hub, js(a), js(b))
			}
		}
		if c := cellOf(ask(t, d, gongxu.DemandFilter{Period: per, Reader: "hub5"}), "hub5", n); units(c) != 8 || !c.Own {
			t.Fatalf("%s hub5's own cell for hub5: %s, want its 8 units", per, js(c))
		}
	}

	h = setClock(t, db, jan5+32)
	putLate(t, db, h, 10, fact{"acme/tee", "", "hub6", jan5, HistoryContributor("hub6"), 20})
	for per, n := range names {
		cs := ask(t, d, gongxu.DemandFilter{Period: per})
		if tot := cellOf(cs, "", n); units(tot) != 209 || !tot.RevisionsWithheld || tot.Contributors != 16+10 {
			t.Fatalf("%s total after a revision of 10 consumers: %s, want 209 from 26 contributors, still marked", per, js(tot))
		}
		if c := cellOf(cs, "hub6", n); units(c) != 20 || c.RevisionsWithheld {
			t.Fatalf("%s hub6's cell: %s, want 20 units", per, js(c))
		}
	}

	h = setClock(t, db, jan5+33)
	putLate(t, db, h, 0, fact{"acme/tee", "", "hub3", jan5, fmt.Sprintf("key:%064x", 777), 3})
	cs := ask(t, d, gongxu.DemandFilter{})
	if c := cellOf(cs, "hub3", day(jan5)); units(c) != 70 || !c.RevisionsWithheld {
		t.Fatalf("hub3 after one late pledger: %s, want its 70 units, marked", js(c))
	}
	if c := cellOf(cs, "", day(jan5)); units(c) != 209 {
		t.Fatalf("the total after one late pledger at hub1: %s, want 209", js(c))
	}
	if c := cellOf(ask(t, d, gongxu.DemandFilter{Reader: "hub3"}), "hub3", day(jan5)); units(c) != 73 || c.RevisionsWithheld {
		t.Fatalf("hub3's own cell: %s, want all 73 units", js(c))
	}
	if got, want := js2(ask(t, newDemand(t, db), gongxu.DemandFilter{})), js2(cs); got != want {
		t.Fatalf("a fresh service answers\n%s\nthe one asked before\n%s", got, want)
	}
}

// TestDemandLateProjection: a hub's recorded week dated before its block's
// day is late (kept in demand_late with the block's height); a week
// recorded on its own Monday is not. Reset empties demand_late.
func TestDemandLateProjection(t *testing.T) {
	db := openTemp(t)
	hist := func(weeks ...gongxu.SalesWeek) gongxu.TxRecord {
		return tx("pool/history", "hub1", key(9), historyEvent(gongxu.SalesHistory{Hub: "hub1", Product: "acme/tee", Currency: "CNY", Weeks: weeks}))
	}
	// Block 1 is on Thursday 2026-01-01 (ISO week 2026-W01 began Monday
	// 2025-12-29); block 2 on Monday 2026-01-05.
	b2 := block(2, []gongxu.TxRecord{hist(gongxu.SalesWeek{Week: "2026-W02", Units: 6, Money: 600, Consumers: 3})})
	b2.Time = jan5*86_400_000 + 1000
	projectAll(t, db, []gongxu.CommittedBlock{
		block(1, []gongxu.TxRecord{hist(gongxu.SalesWeek{Week: "2025-W52", Units: 9, Money: 900, Consumers: 4},
			gongxu.SalesWeek{Week: "2026-W01", Units: 5, Money: 500, Consumers: 5})}),
		b2,
	})
	var got []string
	rows, err := db.r.Query(`SELECT height, day, pledged_units, anon FROM demand_late ORDER BY height, day`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var h, d, u, a int64
		if err := rows.Scan(&h, &d, &u, &a); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d %s %d %d", h, day(d), u, a))
	}
	rows.Close()
	if want := []string{"1 2025-12-22 9 4", "1 2025-12-29 5 5"}; !slices.Equal(got, want) {
		t.Fatalf("demand_late: %q, want %q", got, want)
	}
	// The late weeks are revisions, shown on their own (4 and 5 consumers);
	// the on-time week is live.
	cs := ask(t, newDemand(t, db), gongxu.DemandFilter{Period: gongxu.DemandWeek})
	for n, u := range map[string]int64{"2025-W52": 9, "2026-W01": 5, "2026-W02": 6} {
		if c := cellOf(cs, "", n); units(c) != u {
			t.Fatalf("%s: %s, want %d units", n, js(c), u)
		}
	}
	if err := db.Reset(context.Background()); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.r.QueryRow(`SELECT count(*) FROM demand_late`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after Reset: %d late rows (%v)", n, err)
	}
}

// TestDemandOverTimeProperties plays random timelines, a block a day for
// five weeks: each day on-time facts at random hubs, and now and then a
// revision (late facts dated on a random earlier day). After each day it
// asks every period as every reader, and checks against the answers of the
// day before:
//   - a cell of a closed period (closed today included) keeps the status
//     it had in the day before's answer, the last before it closed; its
//     value changes only by the day's revision, and only when that revision
//     passes the thresholds as a cell of its own (else it is marked
//     withheld); a cell that appears shown from suppressed shows only it;
//   - the attacker's subtraction over a closed relation (a total over hubs,
//     a week or month over its days): the change of the total less the
//     changes of the parts it sees at both times is never exactly one
//     hidden part's revision that fails the thresholds;
//   - a fresh service (a node that never answered before, or reindexed)
//     gives the same answers: nothing depends on when queries ran;
//   - without revisions, each answer satisfies the relations as today
//     (over hubs, and weeks and months over their days).
//
// It also counts the closed cells whose status the live recomputation
// would have changed, so that the freezing is seen to matter.
func TestDemandOverTimeProperties(t *testing.T) {
	var flips, withheld, revised int
	for seed := uint64(1); seed <= 8; seed++ {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			f, w, r := overTime(t, seed, seed%3 != 0)
			flips, withheld, revised = flips+f, withheld+w, revised+r
		})
	}
	t.Logf("closed cells the live grid would flip: %d; revisions withheld: %d, shown: %d", flips, withheld, revised)
	if flips == 0 || withheld == 0 || revised == 0 {
		t.Fatalf("the timelines never exercised a path: %d flips, %d withheld, %d shown revisions", flips, withheld, revised)
	}
}

type otKey struct {
	variant, hub, period string
}

func overTime(t *testing.T, seed uint64, withLate bool) (flips, withheld, revised int) {
	rng := rand.New(rand.NewPCG(seed, 13))
	db := openTemp(t)
	d := newDemand(t, db)
	th := d.Thresholds()
	hubs := []string{"hub1", "hub2", "hub3", "hub4"}[:2+rng.IntN(3)]
	readers := append([]string{""}, hubs[:2]...)
	var onTime []fact
	prev := map[string]map[gongxu.DemandPeriod]map[otKey]gongxu.DemandCell{}
	prevDay := int64(0)
	for today := jan5 - 3; today < jan5+30; today++ {
		h := setClock(t, db, today)
		for range rng.IntN(9) {
			hub := hubs[rng.IntN(len(hubs))]
			who := "org:" + hub
			if rng.IntN(3) > 0 {
				who = fmt.Sprintf("key:%064x", rng.IntN(15))
			}
			u := int64(1 + rng.IntN(12))
			if rng.IntN(12) == 0 {
				u *= 40
			}
			f := fact{"acme/tee", []string{"", "m"}[rng.IntN(2)], hub, today, who, u}
			putFacts(t, db, f)
			onTime = append(onTime, f)
		}
		var late []fact
		if withLate && today > jan5 && rng.IntN(3) == 0 {
			// Small revisions scattered, or one hub's day of several
			// contributors (which may pass on its own).
			hub, variant, when := hubs[rng.IntN(len(hubs))], []string{"", "m"}[rng.IntN(2)], jan5-3+int64(rng.IntN(int(today-jan5+3)))
			focused := rng.IntN(2) == 0
			for range 1 + rng.IntN(6) {
				if !focused {
					hub, variant, when = hubs[rng.IntN(len(hubs))], []string{"", "m"}[rng.IntN(2)], jan5-3+int64(rng.IntN(int(today-jan5+3)))
				}
				// Keys 0-14 also pledge on time: a late row may share its
				// fact row with an on-time one.
				late = append(late, fact{"acme/tee", variant, hub, when, fmt.Sprintf("key:%064x", rng.IntN(20)), int64(1 + rng.IntN(6))})
			}
			putLate(t, db, h, 0, late...)
		}
		fresh := newDemand(t, db)
		cur := map[string]map[gongxu.DemandPeriod]map[otKey]gongxu.DemandCell{}
		for _, reader := range readers {
			cur[reader] = map[gongxu.DemandPeriod]map[otKey]gongxu.DemandCell{}
			for _, per := range gongxu.DemandPeriods {
				f := gongxu.DemandFilter{Period: per, Reader: gongxu.OrgID(reader)}
				got := ask(t, d, f)
				if again := ask(t, fresh, f); js2(again) != js2(got) {
					t.Fatalf("day %s, %s, reader %q: a fresh service answers\n%s\nthe one asked every day\n%s", day(today), per, reader, js2(again), js2(got))
				}
				m := map[otKey]gongxu.DemandCell{}
				for _, c := range got {
					m[otKey{c.Variant, string(c.Hub), c.Period}] = c
				}
				cur[reader][per] = m
				if len(late) == 0 && !withLate {
					checkRelations(t, m, per, reader, hubs)
				}
			}
		}
		if !withLate {
			for reader, byPer := range cur {
				checkTimeRelations(t, byPer, reader)
			}
		}
		if prev != nil && prevDay != 0 {
			w, r := checkClosed(t, th, prev, cur, late, today, hubs)
			withheld, revised = withheld+w, revised+r
		}
		flips += liveFlips(t, d, today)
		prev, prevDay = cur, today
	}
	return flips, withheld, revised
}

// contribution is what facts add to a cell (units by contributor).
func contribution(fs []fact, per gongxu.DemandPeriod, k otKey) map[string]int64 {
	by := map[string]int64{}
	for _, f := range fs {
		name, _, _ := periodOf(per, f.day)
		if f.variant == k.variant && name == k.period && (k.hub == "" || f.hub == k.hub) {
			by[f.who] += f.units
		}
	}
	return by
}

func sumOf(by map[string]int64) int64 {
	var s int64
	for _, v := range by {
		s += v
	}
	return s
}

// passesAlone applies the primary rule to a contribution (pledged units).
func passesAlone(th gongxu.DemandThresholds, by map[string]int64) bool {
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
	// Money is units × 100 here, so the units decide for both.
	return len(by) >= th.MinContributors && top*100 <= int64(th.DominancePct)*sumOf(by)
}

func periodEnd(per gongxu.DemandPeriod, name string) int64 {
	var d int64
	switch per {
	case gongxu.DemandDay:
		d = mustDay(name)
	case gongxu.DemandWeek:
		w, err := gongxu.ParseISOWeek(name)
		if err != nil {
			panic(err)
		}
		d = w
	default:
		d = mustDay(name + "-01")
	}
	_, _, end := periodOf(per, d)
	return end
}

func visible(c gongxu.DemandCell, ok bool) bool { return ok && !c.Suppressed }

// seen is what the reader knows of a cell's units in an answer: shown (its
// value), absent (no facts: 0), or not at all.
func seen(c gongxu.DemandCell, ok bool) (int64, bool) {
	if !ok {
		return 0, true
	}
	return units(&c), !c.Suppressed
}

func checkClosed(t *testing.T, th gongxu.DemandThresholds, prev, cur map[string]map[gongxu.DemandPeriod]map[otKey]gongxu.DemandCell,
	late []fact, today int64, hubs []string) (withheld, revised int) {
	t.Helper()
	for reader, byPer := range cur {
		for per, cells := range byPer {
			before := prev[reader][per]
			closed := func(k otKey) bool { return closesOn(periodEnd(per, k.period)) <= today }
			for k, c := range cells {
				if !closed(k) || c.Own {
					continue
				}
				a, had := before[k]
				rev := contribution(late, per, k)
				du := units(&c) - max(units(&a), 0)
				switch {
				case had && a.Suppressed != c.Suppressed && !a.Suppressed:
					t.Fatalf("reader %q, closed %s %v: shown %s, then suppressed %s", reader, per, k, js(&a), js(&c))
				case c.Suppressed:
				case du == 0:
					if sumOf(rev) != 0 {
						withheld++
						if !c.RevisionsWithheld {
							t.Fatalf("reader %q, closed %s %v: a revision of %d units left out without a mark: %s", reader, per, k, sumOf(rev), js(&c))
						}
					}
				case du != sumOf(rev) || !passesAlone(th, rev):
					t.Fatalf("reader %q, closed %s %v changed by %d units (before %s, now %s); the revision was %v", reader, per, k, du, js(&a), js(&c), rev)
				default:
					revised++
				}
			}
			// The attacker's subtraction over each closed relation.
			for k, tot := range cells {
				if !closed(k) || tot.Suppressed || tot.Own {
					continue
				}
				a, ok := before[k]
				if !visible(a, ok) {
					continue
				}
				var parts []otKey
				if k.hub == "" {
					for _, h := range hubs {
						parts = append(parts, otKey{k.variant, h, k.period})
					}
				} else if per != gongxu.DemandDay {
					continue // days are checked from their own map below
				}
				r := units(&tot) - units(&a)
				hidden, hiddenRev := 0, map[string]int64(nil)
				for _, p := range parts {
					pc, okc := cells[p]
					pa, oka := before[p]
					uc, vc := seen(pc, okc)
					ua, va := seen(pa, oka)
					if vc && va {
						r -= uc - ua
						continue
					}
					if rv := contribution(late, per, p); sumOf(rv) != 0 {
						hidden++
						hiddenRev = rv
					}
				}
				if hidden == 1 && r != 0 && r == sumOf(hiddenRev) && !passesAlone(th, hiddenRev) {
					t.Fatalf("reader %q, closed %s %v: total − visible parts recovers one hidden part's revision %v", reader, per, k, hiddenRev)
				}
			}
		}
		// Weeks and months over their days.
		days, prevDays := byPer[gongxu.DemandDay], prev[reader][gongxu.DemandDay]
		for _, per := range []gongxu.DemandPeriod{gongxu.DemandWeek, gongxu.DemandMonth} {
			for k, tot := range byPer[per] {
				a, ok := prev[reader][per][k]
				if closesOn(periodEnd(per, k.period)) > today || tot.Suppressed || tot.Own || !visible(a, ok) {
					continue
				}
				r := units(&tot) - units(&a)
				hidden, hiddenRev := 0, map[string]int64(nil)
				for dk, dc := range days {
					n, _, _ := periodOf(per, mustDay(dk.period))
					if n != k.period || dk.hub != k.hub || dk.variant != k.variant {
						continue
					}
					pa, oka := prevDays[dk]
					ua, va := seen(pa, oka)
					if !dc.Suppressed && va {
						r -= units(&dc) - ua
						continue
					}
					if rv := contribution(late, gongxu.DemandDay, dk); sumOf(rv) != 0 {
						hidden++
						hiddenRev = rv
					}
				}
				if hidden == 1 && r != 0 && r == sumOf(hiddenRev) && !passesAlone(th, hiddenRev) {
					t.Fatalf("reader %q, closed %s %v: the period − visible days recovers one hidden day's revision %v", reader, per, k, hiddenRev)
				}
			}
		}
	}
	return withheld, revised
}

func mustDay(s string) int64 {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t.Unix() / 86400
}

// checkRelations: a shown total has no hidden part, or at least 2 (3 for
// an anonymous reader over hubs) that the reader cannot see.
func checkRelations(t *testing.T, m map[otKey]gongxu.DemandCell, per gongxu.DemandPeriod, reader string, hubs []string) {
	t.Helper()
	for k, tot := range m {
		if k.hub != "" || tot.Suppressed {
			continue
		}
		unknown := 0
		for _, h := range hubs {
			if c, ok := m[otKey{k.variant, h, k.period}]; ok && c.Suppressed {
				unknown++
			}
		}
		if unknown == 1 || (reader == "" && unknown > 0 && unknown < 3) {
			t.Fatalf("reader %q, %s %v: %d hub cells unknown under a shown total", reader, per, k, unknown)
		}
	}
}

// checkTimeRelations: a shown week or month has no suppressed day, or at
// least 2 (a closed day suppressed now was suppressed in every earlier
// answer too, so earlier answers add nothing).
func checkTimeRelations(t *testing.T, byPer map[gongxu.DemandPeriod]map[otKey]gongxu.DemandCell, reader string) {
	t.Helper()
	for _, per := range []gongxu.DemandPeriod{gongxu.DemandWeek, gongxu.DemandMonth} {
		for k, tot := range byPer[per] {
			if tot.Suppressed || tot.Own {
				continue
			}
			unknown := 0
			for dk, dc := range byPer[gongxu.DemandDay] {
				if n, _, _ := periodOf(per, mustDay(dk.period)); n == k.period && dk.hub == k.hub && dk.variant == k.variant && dc.Suppressed {
					unknown++
				}
			}
			if unknown == 1 {
				t.Fatalf("reader %q: %s %v shown with exactly one suppressed day", reader, per, k)
			}
		}
	}
}

// liveFlips counts the closed cells whose status the grid recomputed from
// all on-time facts, without frozen statuses, would give otherwise.
func liveFlips(t *testing.T, d *Demand, today int64) int {
	t.Helper()
	onTime, _, err := d.rows(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	frozen := d.frozen("", onTime, today)
	n := 0
	for _, c := range d.build(onTime, nil) {
		if s, ok := frozen[c.key]; ok && s != c.suppressed {
			n++
		}
	}
	return n
}

// TestDemandFrozenMemo: the frozen statuses a service keeps are dropped
// when the facts they stood on change (a read model rebuilt under a running
// service, as tests and a reindex can do): its answers stay those of a
// fresh service.
func TestDemandFrozenMemo(t *testing.T) {
	db := openTemp(t)
	setClock(t, db, jan5)
	putFacts(t, db, keys("hub1", jan5, 0, 5, 10)...)
	setClock(t, db, jan5+1)
	putFacts(t, db, fact{"acme/tee", "", "hub1", jan5 + 1, "org:hub1", 7})
	d := newDemand(t, db)
	if c := cellOf(ask(t, d, gongxu.DemandFilter{}), "hub1", day(jan5)); units(c) != 50 {
		t.Fatalf("the 5th: %s", js(c))
	}
	// The 5th rewritten to a single contributor.
	if _, err := db.w.Exec(`DELETE FROM demand_facts WHERE day = ?`, jan5); err != nil {
		t.Fatal(err)
	}
	putFacts(t, db, fact{"acme/tee", "", "hub1", jan5, "org:hub1", 50})
	got := ask(t, d, gongxu.DemandFilter{})
	if c := cellOf(got, "hub1", day(jan5)); c == nil || !c.Suppressed {
		t.Fatalf("the 5th after the rewrite, from the service that kept its statuses: %s", js(c))
	}
	if want := ask(t, newDemand(t, db), gongxu.DemandFilter{}); js2(got) != js2(want) {
		t.Fatalf("kept statuses answer\n%s\na fresh service\n%s", js2(got), js2(want))
	}
}
