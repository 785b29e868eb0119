package sqlite

import (
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

func historyEvent(h gongxu.SalesHistory) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventHistory, "hub", string(h.Hub), "product", string(h.Product), "json", mustJSON(h))
}

// TestDemandHistory: a hub's recorded past weeks (pool/history) become its
// demand facts on each week's Monday, pledged = captured = picked up, so
// the series start with them; each week's consumers count as that many
// anonymous contributors, so a week of 2 consumers (alone in its month, so
// that complementary suppression does not hide more) is suppressed for other
// readers (k = 3) and shown to the hub itself, a week of 3 equal shares is
// shown, and a week whose shares are too unequal cannot be (integers: the
// remainder goes to some shares).
func TestDemandHistory(t *testing.T) {
	db := openTemp(t)
	hist := func(hub gongxu.OrgID, weeks ...gongxu.SalesWeek) gongxu.TxRecord {
		return tx("pool/history", hub, key(9), historyEvent(gongxu.SalesHistory{Hub: hub, Product: "acme/tee", Currency: "CNY", Weeks: weeks}))
	}
	projectAll(t, db, []gongxu.CommittedBlock{block(1, []gongxu.TxRecord{
		hist("hub1",
			gongxu.SalesWeek{Week: "2025-W50", Units: 30, Money: 3000, Consumers: 10},
			gongxu.SalesWeek{Week: "2025-W45", Units: 4, Money: 400, Consumers: 2},
			gongxu.SalesWeek{Week: "2025-W52", Units: 3, Money: 300, Consumers: 3}),
		hist("hub2", gongxu.SalesWeek{Week: "2025-W50", Units: 12, Money: 1200, Consumers: 4}),
	})})
	// The facts: one row a week, on its Monday (the last, 2025-12-22, is day 20444).
	var n, anon, picked, day int64
	if err := db.r.QueryRow(`SELECT count(*), sum(anon), sum(picked_units), max(day) FROM demand_facts WHERE pool = 0 AND contributor = 'history:hub1'`).Scan(&n, &anon, &picked, &day); err != nil {
		t.Fatal(err)
	}
	if n != 3 || anon != 15 || picked != 37 || day != 20444 {
		t.Fatalf("hub1's facts: %d rows, %d anonymous, %d picked up, last day %d", n, anon, picked, day)
	}
	d := newDemand(t, db)
	cells := ask(t, d, gongxu.DemandFilter{Product: "acme/tee", Period: gongxu.DemandWeek})
	w50 := cellOf(cells, "", "2025-W50")
	if w50 == nil || w50.Suppressed || w50.Contributors != 14 || w50.Consumers != 14 ||
		w50.Pledged.Units != 42 || w50.Captured.Money != 4200 || w50.PickedUp.Units != 42 {
		t.Fatalf("2025-W50, total: %s", js(w50))
	}
	if c := cellOf(cells, "hub1", "2025-W52"); c == nil || c.Suppressed || c.Contributors != 3 || c.Pledged.Units != 3 {
		t.Fatalf("hub1 2025-W52 (3 equal consumers): %s", js(c))
	}
	if c := cellOf(cells, "hub1", "2025-W45"); c == nil || !c.Suppressed || c.Pledged != nil {
		t.Fatalf("hub1 2025-W45 (2 consumers) for another reader: %s", js(c))
	}
	own := ask(t, d, gongxu.DemandFilter{Product: "acme/tee", Period: gongxu.DemandWeek, Reader: "hub1"})
	if c := cellOf(own, "hub1", "2025-W45"); c == nil || !c.Own || c.Pledged == nil || c.Pledged.Units != 4 {
		t.Fatalf("hub1 2025-W45 for hub1: %s", js(c))
	}
	// Dominance over equal shares: 3 consumers of 4 units are shares 2, 1,
	// 1; the 2 largest hold 75 %, within the default 85 %; with the
	// thresholds at 70 % the cell is withheld.
	projectAll(t, db, []gongxu.CommittedBlock{block(2, []gongxu.TxRecord{
		hist("hub3", gongxu.SalesWeek{Week: "2025-W40", Units: 4, Money: 0, Consumers: 3}),
	})})
	if c := cellOf(ask(t, d, gongxu.DemandFilter{Product: "acme/tee", Period: gongxu.DemandWeek}), "hub3", "2025-W40"); c == nil || c.Suppressed {
		t.Fatalf("hub3 2025-W40 at 85 %%: %s", js(c))
	}
	strict, err := NewDemand(db, gongxu.DemandThresholds{DominancePct: 70})
	if err != nil {
		t.Fatal(err)
	}
	if c := cellOf(ask(t, strict, gongxu.DemandFilter{Product: "acme/tee", Period: gongxu.DemandWeek}), "hub3", "2025-W40"); c == nil || !c.Suppressed {
		t.Fatalf("hub3 2025-W40 at 70 %%: %s", js(c))
	}
}
