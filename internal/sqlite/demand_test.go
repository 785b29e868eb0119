package sqlite

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

const dayMs = int64(86_400_000)

func pickupEvent(pk gongxu.Pickup) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventPickup, "pool", strconv.FormatUint(pk.Pool, 10), "hub", string(pk.Hub), "pledge", pk.Pledge, "json", mustJSON(pk))
}

// demandStory is a history of two pools, with every flow the demand
// projection reads, as the pool module emits it (the same events in the
// same order), and the facts it must leave.
//
//	day 0 (2026-01-01)  pool 1 opens (tee, m and l, 1000 then 800 from 10 units)
//	                    hub1 batches 3 leaves: m 3, l 2
//	                    key 50 pledges 2 m at hub1; reduces it to 1
//	                    hub1 takes back 1 l (hub reduce)
//	day 1               hub2 batches 4 leaves, 6 m
//	day 2               pool 1 succeeds at its deadline with 11 units at 800
//	                    key 50 picks up its pledge; hub1's first leaf is picked up
//	                    pool 2 opens (tee, m only, MOQ 10); hub1 batches 3 m
//	day 3               pool 2 fails at its deadline: 3 units refunded
func demandStory() []gongxu.CommittedBlock {
	const cny = "CNY"
	consumer := key(50)
	tee := gongxu.Product{ID: "acme/tee", Factory: "acme", Name: "Tee", Unit: "piece",
		Variants: []gongxu.Variant{{ID: "m", Name: "M"}, {ID: "l", Name: "L"}}, Version: 1}
	p1 := gongxu.Pool{ID: 1, Factory: "acme", Product: tee.ID, Variants: []string{"m", "l"}, MOQ: 10, Cap: 100, CasePack: 1,
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 1000}, {MinQty: 10, UnitPrice: 800}}, Currency: cny, Status: gongxu.PoolOpen}
	p2 := gongxu.Pool{ID: 2, Factory: "acme", Product: tee.ID, Variants: []string{"m"}, MOQ: 10, Cap: 100, CasePack: 1,
		Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 1000}}, Currency: cny, Status: gongxu.PoolOpen}
	vq := func(kv ...any) []gongxu.VariantQty {
		var out []gongxu.VariantQty
		for i := 0; i < len(kv); i += 2 {
			out = append(out, gongxu.VariantQty{Variant: kv[i].(string), Qty: gongxu.Units(kv[i+1].(int))})
		}
		return out
	}
	share := func(pool uint64, hub gongxu.OrgID, v ...any) gongxu.Event {
		return shareEvent(gongxu.HubShare{Pool: pool, Hub: hub, Variants: vq(v...)})
	}
	pool := func(p gongxu.Pool, total int) gongxu.Event { p.Total = gongxu.Units(total); return poolEvent(p) }
	var bs []gongxu.CommittedBlock
	add := func(dayN int64, txs []gongxu.TxRecord, events ...gongxu.Event) {
		h := int64(len(bs) + 1)
		b := block(h, txs, events...)
		b.Time = t0 + dayN*dayMs + h*1000
		bs = append(bs, b)
	}
	batchTx := func(h int64, pool uint64, hub gongxu.OrgID, leaves, qty int, escrow int64, after ...gongxu.Event) gongxu.TxRecord {
		ev := batchEvent(gongxu.Batch{Pool: pool, Hub: hub, Tx: txHash(h, 0), Leaves: int64(leaves), Qty: gongxu.Units(qty), Escrow: gongxu.Amount(escrow), Height: h})
		return tx("pool/batch", hub, key(2), append([]gongxu.Event{ev}, after...)...)
	}
	pledge := gongxu.Pledge{Pool: 1, ID: 1, Consumer: consumer, Hub: "hub1", Variant: "m", Qty: 2, Escrow: 2000}
	reduced := pledge
	reduced.Qty, reduced.Escrow = 1, 1000
	ok1 := p1
	ok1.Status, ok1.Price = gongxu.PoolSucceeded, 800
	failed := p2
	failed.Status = gongxu.PoolFailed

	add(0, []gongxu.TxRecord{tx("catalog/publish", "acme", key(1), productEvent(tee)), tx("pool/open", "acme", key(1), pool(p1, 0))})
	add(0, []gongxu.TxRecord{batchTx(2, 1, "hub1", 3, 5, 5000, share(1, "hub1", "l", 2, "m", 3), pool(p1, 5))})
	add(0, []gongxu.TxRecord{tx("pool/pledge", "", consumer, pledgeEvent(pledge), share(1, "hub1", "l", 2, "m", 5), pool(p1, 7))})
	add(0, []gongxu.TxRecord{tx("pool/reduce", "", consumer, pledgeEvent(reduced), share(1, "hub1", "l", 2, "m", 4), pool(p1, 6))})
	add(0, []gongxu.TxRecord{tx("pool/hub_reduce", "hub1", key(2), share(1, "hub1", "l", 1, "m", 4), pool(p1, 5))})
	add(1, []gongxu.TxRecord{batchTx(6, 1, "hub2", 4, 6, 6000, share(1, "hub2", "m", 6), pool(p1, 11))})
	h := int64(len(bs) + 1)
	add(2, []gongxu.TxRecord{
		tx("pool/pickup", "hub1", key(2), pickupEvent(gongxu.Pickup{Pool: 1, Hub: "hub1", Pledge: gongxu.DirectPledgeURN(1, 1), Qty: 1, Tx: txHash(h, 0), Height: h})),
		tx("pool/pickup", "hub1", key(2), pickupEvent(gongxu.Pickup{Pool: 1, Hub: "hub1", Pledge: gongxu.PledgeURN(txHash(2, 0), 0), Qty: 1, Tx: txHash(h, 1), Height: h})),
		tx("pool/open", "acme", key(1), pool(p2, 0)),
	}, pool(ok1, 11))
	add(2, []gongxu.TxRecord{batchTx(8, 2, "hub1", 3, 3, 3000, share(2, "hub1", "m", 3), pool(p2, 3))})
	add(3, nil, pool(failed, 3))
	return bs
}

// demandFacts dumps the demand facts, one per line.
func demandFacts(t testing.TB, db *DB) string {
	t.Helper()
	rows, err := db.r.Query(`SELECT product, variant, hub, day, pool, contributor, currency, pledged_units, pledged_money,
		captured_units, captured_money, refunded_units, refunded_money, picked_units, picked_money, consumers
		FROM demand_facts ORDER BY day, pool, hub, variant, contributor`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var prod, variant, hub, who, cur string
		var v [11]int64
		if err := rows.Scan(&prod, &variant, &hub, &v[0], &v[1], &who, &cur, &v[2], &v[3], &v[4], &v[5], &v[6], &v[7], &v[8], &v[9], &v[10]); err != nil {
			t.Fatal(err)
		}
		who = strings.Replace(who, string(key(50)), "k50", 1)
		fmt.Fprintf(&b, "d%d p%d %s %s/%s %s %s pledged %d/%d captured %d/%d refunded %d/%d picked %d/%d consumers %d\n",
			v[0]-t0/dayMs, v[1], prod, hub, variant, who, cur, v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10])
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// wantDemandFacts are the facts of demandStory, flow by flow.
const wantDemandFacts = `d0 p1 acme/tee hub1/l org:hub1 CNY pledged 2/2000 captured 0/0 refunded 1/1000 picked 0/0 consumers 1
d0 p1 acme/tee hub1/m key:k50 CNY pledged 2/2000 captured 0/0 refunded 1/1000 picked 0/0 consumers 1
d0 p1 acme/tee hub1/m org:hub1 CNY pledged 3/3000 captured 0/0 refunded 0/0 picked 0/0 consumers 1
d1 p1 acme/tee hub2/m org:hub2 CNY pledged 6/6000 captured 0/0 refunded 0/0 picked 0/0 consumers 4
d2 p1 acme/tee hub1/? org:hub1 CNY pledged 0/0 captured 0/0 refunded 0/0 picked 1/800 consumers 0
d2 p1 acme/tee hub1/l org:hub1 CNY pledged 0/0 captured 1/800 refunded 0/0 picked 0/0 consumers 0
d2 p1 acme/tee hub1/m key:k50 CNY pledged 0/0 captured 1/800 refunded 0/0 picked 1/800 consumers 0
d2 p1 acme/tee hub1/m org:hub1 CNY pledged 0/0 captured 3/2400 refunded 0/0 picked 0/0 consumers 0
d2 p1 acme/tee hub2/m org:hub2 CNY pledged 0/0 captured 6/4800 refunded 0/0 picked 0/0 consumers 0
d2 p2 acme/tee hub1/m org:hub1 CNY pledged 3/3000 captured 0/0 refunded 0/0 picked 0/0 consumers 3
d3 p2 acme/tee hub1/m org:hub1 CNY pledged 0/0 captured 0/0 refunded 3/3000 picked 0/0 consumers 0
`

func TestDemandProjection(t *testing.T) {
	bs := demandStory()
	db := openTemp(t)
	projectAll(t, db, bs)
	if got := demandFacts(t, db); got != wantDemandFacts {
		t.Fatalf("demand facts:\n%s\nwant:\n%s", got, wantDemandFacts)
	}
	// Nothing stays open once both pools closed.
	var open int
	if err := db.r.QueryRow(`SELECT count(*) FROM demand_open`).Scan(&open); err != nil || open != 0 {
		t.Fatalf("demand_open holds %d rows (%v), want none", open, err)
	}
	// A reindex (reset, then all blocks at once, or block by block) gives
	// the same facts.
	ctx := context.Background()
	if err := db.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := db.ProjectBlocks(ctx, bs); err != nil {
		t.Fatal(err)
	}
	if got := demandFacts(t, db); got != wantDemandFacts {
		t.Fatalf("demand facts after reindex:\n%s\nwant:\n%s", got, wantDemandFacts)
	}
}
