package sqlite

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

func ids(ps []gongxu.Pool) []uint64 {
	out := []uint64{}
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

func TestPoolScenario(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	sc := newPoolScenario()
	projectAll(t, db, sc.blocks)
	eq := func(what string, got, want any, err error) {
		t.Helper()
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("%s =\n%s, %v\nwant\n%s", what, mustJSON(got), err, mustJSON(want))
		}
	}

	// Catalog.
	got, err := db.Products(ctx, "")
	eq("Products()", got, sc.products, err)
	got, err = db.Products(ctx, "acme")
	eq("Products(acme)", got, sc.products[:2], err)
	got, err = db.Products(ctx, "gamma")
	eq("Products(gamma)", got, []gongxu.Product{}, err)
	_, err = db.Products(ctx, "Bad")
	wantKind(t, err, gongxu.KindInvalid, "Bad")
	p, err := db.Product(ctx, "acme/tee")
	eq("Product(acme/tee)", p, sc.products[1], err)
	_, err = db.Product(ctx, "acme/nope")
	wantKind(t, err, gongxu.KindNotFound, "acme/nope")
	_, err = db.Product(ctx, "tee")
	wantKind(t, err, gongxu.KindInvalid, "tee")

	// Pools and their filters.
	pools, err := db.Pools(ctx, gongxu.PoolFilter{})
	eq("Pools()", pools, sc.pools, err)
	for _, tc := range []struct {
		f    gongxu.PoolFilter
		want []uint64
	}{
		{gongxu.PoolFilter{Status: gongxu.PoolOpen}, []uint64{3, 2}},
		{gongxu.PoolFilter{Status: gongxu.PoolSettled}, []uint64{1}},
		{gongxu.PoolFilter{Status: gongxu.PoolSucceeded}, []uint64{}},
		{gongxu.PoolFilter{Factory: "acme"}, []uint64{2, 1}},
		{gongxu.PoolFilter{Factory: "delta"}, []uint64{3}},
		{gongxu.PoolFilter{Hub: "hub1"}, []uint64{2, 1}},
		{gongxu.PoolFilter{Hub: "hub2"}, []uint64{3, 2, 1}},
		{gongxu.PoolFilter{Hub: "hub9"}, []uint64{2}}, // pool 2 takes any hub
		{gongxu.PoolFilter{Hub: "hub1", Status: gongxu.PoolOpen}, []uint64{2}},
		{gongxu.PoolFilter{Hub: "hub2", Factory: "acme", Status: gongxu.PoolSettled}, []uint64{1}},
		{gongxu.PoolFilter{Limit: 2}, []uint64{3, 2}},
	} {
		ps, err := db.Pools(ctx, tc.f)
		if err != nil || !reflect.DeepEqual(ids(ps), tc.want) {
			t.Errorf("Pools(%+v) = %v, %v; want %v", tc.f, ids(ps), err, tc.want)
		}
	}
	for _, f := range []gongxu.PoolFilter{{Status: "closed"}, {Factory: "Acme"}, {Hub: "h"}} {
		_, err := db.Pools(ctx, f)
		wantKind(t, err, gongxu.KindInvalid, "")
	}
	for i, want := range sc.pools {
		got, err := db.Pool(ctx, want.ID)
		eq(fmt.Sprintf("Pool(%d)", want.ID), got, sc.pools[i], err)
	}
	if p1, _ := db.Pool(ctx, 1); len(p1.History) != 5 || p1.History[4].Status != gongxu.PoolSettled {
		t.Errorf("pool 1 history = %+v", p1.History)
	}
	for _, id := range []uint64{4, 1 << 63, math.MaxUint64} {
		_, err := db.Pool(ctx, id)
		wantKind(t, err, gongxu.KindNotFound, fmt.Sprint(id))
	}
	// A field this binary does not know is kept in the stored record.
	var raw string
	if err := db.r.QueryRowContext(ctx, `SELECT json FROM pools WHERE id = 2`).Scan(&raw); err != nil ||
		!strings.Contains(raw, `"title":"Caps for spring"`) {
		t.Errorf("pool 2 stored as %s, %v", raw, err)
	}

	// Shares, batches, pledges, progress.
	shares, err := db.HubShares(ctx, 1)
	eq("HubShares(1)", shares, sc.shares, err)
	shares, err = db.HubShares(ctx, 2)
	eq("HubShares(2)", shares, []gongxu.HubShare{}, err)
	batches, err := db.Batches(ctx, 1)
	eq("Batches(1)", batches, sc.batches, err)
	batches, err = db.Batches(ctx, 3)
	eq("Batches(3)", batches, []gongxu.Batch{}, err)
	pledges, err := db.Pledges(ctx, 1)
	eq("Pledges(1)", pledges, []gongxu.Pledge{sc.pledge}, err)
	pledges, err = db.ConsumerPledges(ctx, sc.consumer, 0)
	eq("ConsumerPledges", pledges, []gongxu.Pledge{sc.pledge}, err)
	pledges, err = db.ConsumerPledges(ctx, key(51), 0)
	eq("ConsumerPledges(other)", pledges, []gongxu.Pledge{}, err)
	_, err = db.ConsumerPledges(ctx, "xyz", 0)
	wantKind(t, err, gongxu.KindInvalid, "xyz")
	for id, want := range sc.progress {
		pts, err := db.PoolProgressPoints(ctx, id)
		eq(fmt.Sprintf("PoolProgressPoints(%d)", id), pts, want, err)
	}
	for name, f := range map[string]func() error{
		"HubShares":  func() error { _, err := db.HubShares(ctx, 4); return err },
		"Batches":    func() error { _, err := db.Batches(ctx, 4); return err },
		"Pledges":    func() error { _, err := db.Pledges(ctx, 4); return err },
		"Progress":   func() error { _, err := db.PoolProgressPoints(ctx, 4); return err },
		"Bids":       func() error { _, err := db.Bids(ctx, 4); return err },
		"Shares max": func() error { _, err := db.HubShares(ctx, math.MaxUint64); return err },
	} {
		if err := f(); gongxu.ErrorKind(err) != gongxu.KindNotFound {
			t.Errorf("%s of an unknown id: %v", name, err)
		}
	}

	// Money.
	var all []gongxu.Balance
	for _, cur := range []string{"CNY", "EUR", "USD"} {
		bs, err := db.BalancesByCurrency(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, bs...)
	}
	var wantAll []gongxu.Balance
	for _, cur := range []string{"CNY", "EUR"} {
		for _, b := range sc.balances {
			if b.Currency == cur {
				wantAll = append(wantAll, b)
			}
		}
	}
	eq("BalancesByCurrency", all, wantAll, nil)
	bs, err := db.Balances(ctx, "org:hub1")
	eq("Balances(org:hub1)", bs, []gongxu.Balance{sc.balances[5], sc.balances[6]}, err)
	bs, err = db.Balances(ctx, "org:nobody")
	eq("Balances(org:nobody)", bs, []gongxu.Balance{}, err)
	for _, a := range []gongxu.AccountID{"", "hub1", "org:", "bank:x", "escrow:01", "key:ABC"} {
		_, err := db.Balances(ctx, a)
		wantKind(t, err, gongxu.KindInvalid, "account")
		_, err = db.Movements(ctx, a, 0)
		wantKind(t, err, gongxu.KindInvalid, "account")
	}
	_, err = db.BalancesByCurrency(ctx, "cny")
	wantKind(t, err, gongxu.KindInvalid, "cny")
	ms, err := db.Movements(ctx, "org:hub1", 0)
	eq("Movements(org:hub1)", ms, sc.hub1, err)
	ms, err = db.Movements(ctx, "org:hub1", 2)
	eq("Movements(org:hub1, 2)", ms, sc.hub1[:2], err)
	ms, err = db.Movements(ctx, "escrow:1", 0)
	if err != nil || len(ms) != 7 || ms[0].Reason != "release" || ms[0].To != "key:"+gongxu.AccountID(sc.consumer) || ms[6].Tx != txHash(9, 0) {
		t.Errorf("Movements(escrow:1) = %s, %v", mustJSON(ms), err)
	}
	// The failed tx moved nothing and recorded no batch.
	if ms, _ := db.Movements(ctx, "org:hub2", 0); len(ms) != 4 {
		t.Errorf("Movements(org:hub2) = %s", mustJSON(ms))
	}
	// A pool's escrow account holds what the pool says it holds.
	for _, p := range sc.pools {
		bs, err := db.Balances(ctx, gongxu.AccountID(fmt.Sprintf("escrow:%d", p.ID)))
		var held gongxu.Amount
		for _, b := range bs {
			held += b.Amount
		}
		if err != nil || held != p.Escrowed {
			t.Errorf("escrow of pool %d: balance %d, pool says %d (%v)", p.ID, held, p.Escrowed, err)
		}
	}

	// RFQs and bids.
	rfqs, err := db.RFQs(ctx, "", 0)
	eq("RFQs()", rfqs, sc.rfqs, err)
	rfqs, err = db.RFQs(ctx, gongxu.RFQAwarded, 0)
	eq("RFQs(awarded)", rfqs, sc.rfqs[1:], err)
	rfqs, err = db.RFQs(ctx, gongxu.RFQCancelled, 0)
	eq("RFQs(cancelled)", rfqs, sc.rfqs[:1], err)
	rfqs, err = db.RFQs(ctx, gongxu.RFQOpen, 0)
	eq("RFQs(open)", rfqs, []gongxu.RFQ{}, err)
	rfqs, err = db.RFQs(ctx, "", 1)
	eq("RFQs(limit 1)", rfqs, sc.rfqs[:1], err)
	_, err = db.RFQs(ctx, "won", 0)
	wantKind(t, err, gongxu.KindInvalid, `"won"`)
	r, err := db.RFQ(ctx, 1)
	eq("RFQ(1)", r, sc.rfqs[1], err)
	_, err = db.RFQ(ctx, 3)
	wantKind(t, err, gongxu.KindNotFound, "3")
	bids, err := db.Bids(ctx, 1)
	eq("Bids(1)", bids, sc.bids, err)
	bids, err = db.Bids(ctx, 2)
	eq("Bids(2)", bids, []gongxu.Bid{}, err)

	// The pool events are in the event history too.
	evs, err := db.Events(ctx, EventFilter{Type: "pool.", Attr: gongxu.Attr{Key: "pool", Value: "1"}, Limit: MaxLimit})
	if err != nil || len(evs) != 16 {
		t.Errorf("pool 1 has %d events, want 16 (%v)", len(evs), err)
	}
}

// TestPoolHubFilter checks each way a hub relates to a pool on its own: named
// in Hubs, any hub allowed, a share only, and Hubs changed.
func TestPoolHubFilter(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	pool := func(id uint64, hubs ...gongxu.OrgID) gongxu.Pool {
		return gongxu.Pool{ID: id, Factory: "acme", Status: gongxu.PoolOpen, Hubs: hubs}
	}
	projectAll(t, db, []gongxu.CommittedBlock{
		block(1, nil, poolEvent(pool(1, "h1")), poolEvent(pool(2)), poolEvent(pool(3, "h3", "h4")),
			poolEvent(pool(4, "h1", "h2")), shareEvent(gongxu.HubShare{Pool: 3, Hub: "h2"})),
		block(2, nil, poolEvent(pool(4, "h3"))),
	})
	for hub, want := range map[gongxu.OrgID][]uint64{
		"h1": {2, 1},
		"h2": {3, 2}, // a share in 3; no longer named by 4
		"h3": {4, 3, 2},
		"h4": {3, 2},
		"h5": {2},
	} {
		ps, err := db.Pools(ctx, gongxu.PoolFilter{Hub: hub})
		if err != nil || !reflect.DeepEqual(ids(ps), want) {
			t.Errorf("Pools(hub %s) = %v, %v; want %v", hub, ids(ps), err, want)
		}
	}
}

// moneyAudit checks the money from the query services alone: each balance is
// the sum of its account's movements, and per currency the balances add up
// to the deposits less the withdrawals. It returns the discrepancies.
func moneyAudit(t *testing.T, db *DB, currencies ...string) []string {
	ctx := context.Background()
	var bad []string
	for _, cur := range currencies {
		bs, err := db.BalancesByCurrency(ctx, cur)
		if err != nil {
			t.Fatal(err)
		}
		var sum, in, out gongxu.Amount
		seen := map[string]bool{}
		for _, b := range bs {
			ms, err := db.Movements(ctx, b.Account, MaxLimit)
			if err != nil {
				t.Fatal(err)
			}
			if len(ms) == MaxLimit {
				t.Fatalf("too many movements for this audit")
			}
			var net gongxu.Amount
			for _, m := range ms {
				if m.Currency != cur {
					continue
				}
				switch b.Account {
				case m.To:
					net += m.Amount
				case m.From:
					net -= m.Amount
				default:
					t.Fatalf("movement %+v listed for %s", m, b.Account)
				}
				id := fmt.Sprintf("%d/%s/%s/%s/%d/%s", m.Height, m.Tx, m.From, m.To, m.Amount, m.Reason)
				if !seen[id] { // listed under both accounts
					seen[id] = true
					if m.From == "" {
						in += m.Amount
					}
					if m.To == "" {
						out += m.Amount
					}
				}
			}
			if net != b.Amount {
				bad = append(bad, fmt.Sprintf("%s holds %d %s, its movements net %d", b.Account, b.Amount, cur, net))
			}
			sum += b.Amount
		}
		if sum != in-out || in == 0 {
			bad = append(bad, fmt.Sprintf("%s: balances sum to %d, deposits %d less withdrawals %d", cur, sum, in, out))
		}
	}
	return bad
}

func TestMoneyAudit(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	sc := newPoolScenario()
	projectAll(t, db, sc.blocks)
	if bad := moneyAudit(t, db, "CNY", "EUR"); len(bad) > 0 {
		t.Fatalf("audit: %v", bad)
	}
	if err := db.AuditMoney(ctx); err != nil {
		t.Fatal(err)
	}
	// The expected figures, by hand: deposits 1,000,000 + 2,000,000 + 60,000,
	// one withdrawal of 100,000.
	var sum gongxu.Amount
	bs, _ := db.BalancesByCurrency(ctx, "CNY")
	for _, b := range bs {
		sum += b.Amount
	}
	if sum != 2960000 {
		t.Errorf("CNY balances sum to %d, want 2,960,000", sum)
	}

	// The audits catch a tampered balance, and a lost movement.
	if _, err := db.w.ExecContext(ctx, `UPDATE balances SET amount = amount + 1 WHERE account = 'org:hub2' AND currency = 'CNY'`); err != nil {
		t.Fatal(err)
	}
	if bad := moneyAudit(t, db, "CNY"); len(bad) != 2 || !strings.Contains(bad[0], "org:hub2") {
		t.Errorf("audit of a tampered balance: %q", bad)
	}
	wantKind(t, db.AuditMoney(ctx), gongxu.KindInternal, "balance of org:hub2 in CNY is 330001, the movements say 330000")
	wantKind(t, db.AuditMoney(ctx), gongxu.KindInternal, "sum of balances in CNY is 2960001, the movements say 2960000")
	if _, err := db.w.ExecContext(ctx, `UPDATE balances SET amount = amount - 1 WHERE account = 'org:hub2' AND currency = 'CNY';
		DELETE FROM movements WHERE reason = 'withdrawal'`); err != nil {
		t.Fatal(err)
	}
	if bad := moneyAudit(t, db, "CNY"); len(bad) != 2 || !strings.Contains(bad[0], "org:hub1") {
		t.Errorf("audit of a lost movement: %q", bad)
	}
	wantKind(t, db.AuditMoney(ctx), gongxu.KindInternal, "balance of org:hub1 in CNY is 450000, the movements say 550000")
}

func TestPoolRebuild(t *testing.T) {
	ctx := context.Background()
	sc := newPoolScenario()
	db := openTemp(t)
	projectAll(t, db, sc.blocks)
	want, wantQ := dump(t, db), queries(t, db)
	for _, s := range []string{"== products (3)", "== pools (3)", "== pool_hubs (3)", "== pool_progress (5)",
		"== hub_shares (3)", "== pledges (1)", "== batches (2)", "== movements (14)", "== balances (8)",
		"== rfqs (2)", "== bids (2)"} {
		if !strings.Contains(want, s) {
			t.Errorf("dump lacks %q:\n%s", s, want)
		}
	}

	checkRebuild(t, db, sc.blocks, 7, 11, want, wantQ, queries)

	// A fresh in-memory database, in uneven batches.
	fresh, err := Open(MemoryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close()
	for _, r := range [][2]int{{0, 8}, {8, 9}, {9, 14}, {14, 15}} {
		if err := fresh.ProjectBlocks(ctx, sc.blocks[r[0]:r[1]]); err != nil {
			t.Fatal(err)
		}
	}
	if got := dump(t, fresh); got != want {
		t.Errorf("batched dump differs:\n%s\nwant\n%s", got, want)
	}
}

func TestPoolRollback(t *testing.T) {
	ctx := context.Background()
	sc := newPoolScenario()
	base := sc.blocks[:9] // up to height 9: pool 1 open with two batches
	// Good events written first in the same tx, so the rollback has rows of
	// every kind to undo.
	good := func(hash string, height int64) []gongxu.Event {
		return []gongxu.Event{
			moveEvent("", "org:delta", "CNY", 100, "deposit", ""),
			moveEvent("org:delta", "escrow:1", "CNY", 40, "escrow", "pool:1"),
			productEvent(gongxu.Product{ID: "delta/nut", Factory: "delta", Version: 1}),
			poolEvent(gongxu.Pool{ID: 1, Factory: "acme", Status: gongxu.PoolOpen, Total: 999, Hubs: []gongxu.OrgID{"delta"}}),
			poolEvent(gongxu.Pool{ID: 9, Factory: "delta", Status: gongxu.PoolOpen}),
			shareEvent(gongxu.HubShare{Pool: 9, Hub: "delta"}),
			pledgeEvent(gongxu.Pledge{Pool: 9, ID: 1, Consumer: key(9)}),
			batchEvent(gongxu.Batch{Pool: 9, Hub: "delta", Tx: hash, Height: height}),
			rfqEvent(gongxu.RFQ{ID: 9, Status: gongxu.RFQOpen}),
			bidEvent(gongxu.Bid{RFQ: 9, Bidder: "delta"}),
		}
	}
	ev := func(typ string, kv ...string) func(string, int64) gongxu.Event {
		return func(string, int64) gongxu.Event { return gongxu.NewEvent(typ, kv...) }
	}
	mv := func(kv ...string) func(string, int64) gongxu.Event { return ev(gongxu.EventMove, kv...) }
	batch := func(f func(b *gongxu.Batch)) func(string, int64) gongxu.Event {
		return func(hash string, height int64) gongxu.Event {
			b := gongxu.Batch{Pool: 9, Hub: "delta", Tx: hash, Height: height}
			f(&b)
			return batchEvent(b)
		}
	}
	// One database for every case: each failed projection must leave it as it was.
	db, err := Open(MemoryPath)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	projectAll(t, db, base[:8])
	before, qBefore := dump(t, db), queries(t, db)
	for name, tc := range map[string]struct {
		bad func(hash string, height int64) gongxu.Event
		msg string
	}{
		"product id":       {ev(gongxu.EventProduct, "product", "delta/x", "factory", "delta", "version", "1", "json", `{"id":"delta/y","factory":"delta","version":1}`), "does not match"},
		"product bad id":   {ev(gongxu.EventProduct, "product", "delta", "factory", "delta", "version", "1", "json", `{"id":"delta","factory":"delta","version":1}`), "<factory>/<sku>"},
		"product factory":  {ev(gongxu.EventProduct, "product", "delta/x", "factory", "acme", "version", "1", "json", `{"id":"delta/x","factory":"acme","version":1}`), "not the factory"},
		"product version":  {ev(gongxu.EventProduct, "product", "delta/x", "factory", "delta", "version", "2", "json", `{"id":"delta/x","factory":"delta","version":1}`), "version attr"},
		"product json":     {ev(gongxu.EventProduct, "product", "delta/x", "factory", "delta", "version", "1", "json", `{"id":"delta/x",`), "malformed json"},
		"pool json":        {ev(gongxu.EventPool, "pool", "5", "status", "open", "json", `{"id":5,"total":"many"}`), "malformed json"},
		"pool json array":  {ev(gongxu.EventPool, "pool", "5", "status", "open", "json", `[5]`), "malformed json"},
		"pool no json":     {ev(gongxu.EventPool, "pool", "5", "status", "open"), "missing json"},
		"pool id":          {ev(gongxu.EventPool, "pool", "05", "status", "open", "json", `{"id":5,"status":"open","factory":"acme"}`), `"05"`},
		"pool id mismatch": {ev(gongxu.EventPool, "pool", "5", "status", "open", "json", `{"id":6,"status":"open","factory":"acme"}`), "does not match"},
		"pool status":      {ev(gongxu.EventPool, "pool", "5", "status", "open", "json", `{"id":5,"status":"failed","factory":"acme"}`), "status attr"},
		"pool no status":   {ev(gongxu.EventPool, "pool", "5", "status", "", "json", `{"id":5,"factory":"acme"}`), "no status"},
		"pool factory":     {ev(gongxu.EventPool, "pool", "5", "status", "open", "json", `{"id":5,"status":"open","factory":"A"}`), `"A"`},
		"pool hub":         {ev(gongxu.EventPool, "pool", "5", "status", "open", "json", `{"id":5,"status":"open","factory":"acme","hubs":["Hub 1"]}`), "pool 5 hubs"},
		"share pool":       {ev(gongxu.EventShare, "pool", "5", "hub", "delta", "json", `{"pool":6,"hub":"delta"}`), "does not match"},
		"share hub":        {ev(gongxu.EventShare, "pool", "5", "hub", "delta", "json", `{"pool":5,"hub":"hub1"}`), "hub attr"},
		"pledge id":        {ev(gongxu.EventPledge, "pool", "5", "id", "2", "json", `{"pool":5,"id":3,"consumer":"`+string(key(1))+`"}`), "do not match"},
		"pledge consumer":  {ev(gongxu.EventPledge, "pool", "5", "id", "2", "json", `{"pool":5,"id":2,"consumer":"ABC"}`), "pledge consumer"},
		"batch tx":         {batch(func(b *gongxu.Batch) { b.Tx = txHash(2, 0) }), "emitted by tx"},
		"batch tx attr": {func(h string, height int64) gongxu.Event {
			e := batch(func(*gongxu.Batch) {})(h, height)
			e.Attrs[2].Value = "AB"
			return e
		}, "tx attr"},
		"batch height": {batch(func(b *gongxu.Batch) { b.Height = 2 }), "says height 2"},
		"batch pool": {func(h string, height int64) gongxu.Event {
			e := batch(func(*gongxu.Batch) {})(h, height)
			e.Attrs[0].Value = "8"
			return e
		}, "does not match"},
		"batch twice":       {batch(func(b *gongxu.Batch) { b.Tx = strings.ToLower(b.Tx) }), "already recorded"},
		"move amount":       {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", "1.5", "reason", "deposit", "ref", ""), `"1.5"`},
		"move zero":         {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", "0", "reason", "deposit", "ref", ""), `"0"`},
		"move negative":     {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", "-5", "reason", "deposit", "ref", ""), `"-5"`},
		"move padded":       {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", "007", "reason", "deposit", "ref", ""), `"007"`},
		"move no ref":       {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", "7", "reason", "deposit"), "missing ref"},
		"move no from":      {mv("to", "org:delta", "currency", "CNY", "amount", "7", "reason", "deposit", "ref", ""), "missing from"},
		"move no reason":    {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", "7", "reason", "", "ref", ""), "empty reason"},
		"move account":      {mv("from", "", "to", "bank:x", "currency", "CNY", "amount", "7", "reason", "deposit", "ref", ""), `"bank:x"`},
		"move escrow":       {mv("from", "escrow:0", "to", "org:delta", "currency", "CNY", "amount", "7", "reason", "refund", "ref", ""), `"escrow:0"`},
		"move currency":     {mv("from", "", "to", "org:delta", "currency", "cny", "amount", "7", "reason", "deposit", "ref", ""), `"cny"`},
		"move to itself":    {mv("from", "org:delta", "to", "org:delta", "currency", "CNY", "amount", "7", "reason", "x", "ref", ""), "two different"},
		"move nowhere":      {mv("from", "", "to", "", "currency", "CNY", "amount", "7", "reason", "x", "ref", ""), "two different"},
		"move overdraw":     {mv("from", "org:delta", "to", "", "currency", "CNY", "amount", "61", "reason", "withdrawal", "ref", ""), "holds 60 CNY, the movement takes 61"},
		"move other cur":    {mv("from", "org:delta", "to", "", "currency", "EUR", "amount", "1", "reason", "withdrawal", "ref", ""), "holds 0 EUR"},
		"move overflow":     {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", fmt.Sprint(int64(math.MaxInt64)), "reason", "deposit", "ref", ""), "overflow"},
		"move amount range": {mv("from", "", "to", "org:delta", "currency", "CNY", "amount", "9223372036854775808", "reason", "deposit", "ref", ""), "positive decimal"},
		"rfq status":        {ev(gongxu.EventRFQ, "rfq", "5", "status", "open", "json", `{"id":5,"status":"awarded"}`), "status attr"},
		"rfq id":            {ev(gongxu.EventRFQ, "rfq", "x", "status", "open", "json", `{"id":5,"status":"open"}`), `rfq attr "x"`},
		"bid rfq":           {ev(gongxu.EventBid, "rfq", "5", "bidder", "acme", "json", `{"rfq":6,"bidder":"acme"}`), "does not match"},
		"bid bidder":        {ev(gongxu.EventBid, "rfq", "5", "bidder", "acme", "json", `{"rfq":5,"bidder":"delta"}`), "bidder attr"},
		"bid bad bidder":    {ev(gongxu.EventBid, "rfq", "5", "bidder", "A", "json", `{"rfq":5,"bidder":"A"}`), `"A"`},
	} {
		t.Run(name, func(t *testing.T) {
			b := base[8] // height 9
			b.Txs = append([]gongxu.TxRecord(nil), b.Txs...)
			last := &b.Txs[2]
			last.Events = append(good(last.Hash, 9), tc.bad(last.Hash, 9))
			err := db.Project(ctx, b)
			wantKind(t, err, gongxu.KindInvalid, tc.msg)
			wantKind(t, err, gongxu.KindInvalid, "block 9 tx 2")
			if after := dump(t, db); after != before {
				t.Fatalf("failed projection left rows behind:\n%s\nwant\n%s", after, before)
			}
		})
	}
	t.Run("batch outside a tx", func(t *testing.T) {
		b := base[8]
		b.Events = []gongxu.Event{moveEvent("", "org:delta", "CNY", 100, "deposit", ""),
			batchEvent(gongxu.Batch{Pool: 1, Hub: "delta", Tx: "", Height: 9})}
		wantKind(t, db.Project(ctx, b), gongxu.KindInvalid, "block 9 block event 1 (pool.batch): batch names tx \"\" but was emitted by tx \"\"")
		if after := dump(t, db); after != before {
			t.Errorf("failed projection left rows behind")
		}
	})
	if q := queries(t, db); q != qBefore {
		t.Errorf("failed projections are visible:\n%s", q)
	}
	// The good events alone project.
	b := base[8]
	b.Txs = append([]gongxu.TxRecord(nil), b.Txs...)
	b.Txs[2].Events = good(b.Txs[2].Hash, 9)
	if err := db.Project(ctx, b); err != nil {
		t.Fatal(err)
	}
	if after := dump(t, db); after == before {
		t.Errorf("the good events changed nothing")
	}
}
