package sqlite

import (
	"context"
	"fmt"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// BenchmarkDemandQuery is the cost of a demand query over a year of one
// product's facts (3 hubs, 2 variants, 12 rows a day, 52 late weeks of
// recorded history), compared in one run:
//
//	live    no block projected: nothing is closed (the grid as before
//	        freezing: the baseline)
//	warm    the clock at the year's end, the frozen statuses kept from the
//	        query before (every query but a node's first)
//	first   a new service each time: every closing day replayed
//
// go test ./internal/sqlite/ -run '^$' -bench DemandQuery -benchtime 20x
func BenchmarkDemandQuery(b *testing.B) {
	db := openTemp(b)
	start := jan5
	tx, err := db.w.Begin()
	if err != nil {
		b.Fatal(err)
	}
	for d := start; d < start+365; d++ {
		for i := range 12 {
			hub := fmt.Sprintf("hub%d", i%3+1)
			who := fmt.Sprintf("key:%064x", (d*7+int64(i))%40)
			if _, err := tx.Exec(`INSERT INTO demand_facts (product, variant, hub, day, pool, contributor, currency, pledged_units, pledged_money)
				VALUES ('acme/tee', ?, ?, ?, 1, ?, 'CNY', ?, ?) ON CONFLICT DO NOTHING`,
				[]string{"m", "l"}[i%2], hub, d, who, 1+i%5, 100*(1+i%5)); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	for w := range int64(52) {
		putLate(b, db, 1, 5, fact{"acme/tee", "m", "hub4", start - 7*(w+1), HistoryContributor("hub4"), 10})
	}
	f := gongxu.DemandFilter{Product: "acme/tee", Period: gongxu.DemandWeek}
	run := func(b *testing.B, d func() *Demand) {
		for b.Loop() {
			if _, err := d().Demand(context.Background(), f); err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("live", func(b *testing.B) {
		d := newDemand(b, db)
		run(b, func() *Demand { return d })
	})
	setClock(b, db, start+366)
	b.Run("warm", func(b *testing.B) {
		d := newDemand(b, db)
		run(b, func() *Demand { return d })
	})
	b.Run("first", func(b *testing.B) {
		run(b, func() *Demand { return newDemand(b, db) })
	})
}
