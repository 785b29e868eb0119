package sqlite

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	gongxu "github.com/gongxu-network/gongxu"
)

// TestProjectFoldedSameRows projects the same chains both ways — row by
// row as each event is applied (the legacy path, as before issue 17) and
// through the writer layer (rows many per statement, demand increments
// folded per row, events decoded once), in chunks of blocks of random
// sizes as reindex and the feeder do — and requires every row of every
// table to be the same.
func TestProjectFoldedSameRows(t *testing.T) {
	chains := map[string][]gongxu.CommittedBlock{
		"member": newScenario().blocks,
		"pool":   newPoolScenario().blocks,
	}
	for _, batched := range []bool{true, false} {
		var bs []gongxu.CommittedBlock
		if err := growthBlocks(map[bool]int64{true: 40_000, false: 2_500}[batched], batched, func(b gongxu.CommittedBlock) error {
			bs = append(bs, b)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		chains[fmt.Sprintf("growth batched=%v", batched)] = bs
	}
	var bench []gongxu.CommittedBlock
	for h := int64(1); h <= 2; h++ {
		bench = append(bench, benchBlock(h))
	}
	chains["bench"] = bench
	for seed := uint64(1); seed <= 12; seed++ {
		chains[fmt.Sprintf("random %d", seed)] = randomPoolChain(seed)
	}
	chains["same tx twice"] = sameTxTwice()
	chains["members"] = memberChain()
	for name, bs := range chains {
		t.Run(name, func(t *testing.T) {
			ctx := context.Background()
			old := openTemp(t)
			old.projLegacy = true
			projectAll(t, old, bs)
			folded := openTemp(t)
			rng := rand.New(rand.NewPCG(uint64(len(bs)), 5))
			for i := 0; i < len(bs); {
				n := 1 + rng.IntN(4)
				if rng.IntN(3) == 0 {
					n = 1 + rng.IntN(40)
				}
				n = min(n, len(bs)-i)
				if rng.IntN(4) == 0 {
					// A chunk failing at its end first: the rows held in
					// memory (and handed on between projections) must not
					// outlive it.
					bad := slices.Clone(bs[i : i+n])
					last := &bad[len(bad)-1]
					last.EndEvents = append(slices.Clone(last.EndEvents), gongxu.NewEvent(gongxu.EventPool, "pool", "1", "status", "open", "json", `{"id":1,"total":"many"}`))
					if err := folded.ProjectBlocks(ctx, bad); gongxu.ErrorKind(err) != gongxu.KindInvalid {
						t.Fatalf("a bad chunk projected: %v", err)
					}
				}
				if err := folded.ProjectBlocks(ctx, bs[i:i+n]); err != nil {
					t.Fatalf("blocks %d..%d: %v", bs[i].Height, bs[i+n-1].Height, err)
				}
				i += n
			}
			// The answers first: the per-event path stores every event in
			// the events table, the other a tx's events in its row.
			if wq, gq := queries(t, old), queries(t, folded); gq != wq {
				t.Fatalf("answers differ:\n%s", firstDiff(gq, wq))
			}
			fs := eventFilters(bs, uint64(len(bs)))
			wantEv := eventAnswers(t, old, fs)
			if got := eventAnswers(t, folded, fs); got != wantEv {
				t.Fatalf("Events answers differ:\n%s", firstDiff(got, wantEv))
			}
			defer func(n int) { txEventPage = n }(txEventPage)
			txEventPage = 2 // event_types read in pages of 2 rows
			if got := eventAnswers(t, folded, fs); got != wantEv {
				t.Fatalf("Events answers in pages of 2 differ:\n%s", firstDiff(got, wantEv))
			}
			txEventPage = 256
			for _, db := range []*DB{old, folded} {
				txs, err := db.RecentTxs(ctx, MaxLimit)
				if err != nil {
					t.Fatal(err)
				}
				for _, tx := range txs {
					got, err := db.Tx(ctx, tx.Hash)
					if err != nil || mustJSON(got) != mustJSON(tx) {
						t.Fatalf("Tx(%s) = %s, %v; listed as %s", tx.Hash, mustJSON(got), err, mustJSON(tx))
					}
				}
			}
			// Then every row, but for where each stores a tx's events.
			sameEventLayout(t, old, folded)
			want, got := dump(t, old), dump(t, folded)
			if got != want {
				t.Fatalf("folded projection differs from the per-event one:\n%s", firstDiff(got, want))
			}
			var facts int
			if err := folded.w.QueryRowContext(ctx, `SELECT count(*) FROM demand_facts`).Scan(&facts); err != nil {
				t.Fatal(err)
			}
			t.Logf("%d blocks, %d bytes of rows, %d demand facts", len(bs), len(want), facts)
		})
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	lo := max(0, i-300)
	return fmt.Sprintf("got  …%s…\nwant …%s…", got[lo:min(len(got), i+300)], want[lo:min(len(want), i+300)])
}

// randomPoolChain is a history of pools driven at random: hub batches (a
// deposit, its move into escrow, the batch, the hub's share, the pool),
// direct pledges and their reductions (the pledge, the hub's share, the
// pool), failed txs, pickups, and pools closing at their deadline (block
// events) as succeeded or failed, some shares shipped after, over blocks of
// random sizes and days.
func randomPoolChain(seed uint64) []gongxu.CommittedBlock {
	rng := rand.New(rand.NewPCG(seed, 99))
	const day = 86_400_000
	hubs := []gongxu.OrgID{"hub-a", "hub-b", "hub-c", "hub-d"}[:2+rng.IntN(3)]
	type poolState struct {
		pool    gongxu.Pool
		shares  map[gongxu.OrgID]*gongxu.HubShare
		pledges []gongxu.Pledge // direct, by id-1
		picked  map[string]bool
		batches []string // batch txs
	}
	var pools []*poolState
	var genesis []gongxu.Event
	for _, h := range hubs {
		genesis = append(genesis, orgEvent(gongxu.Org{ID: h, Name: "Hub " + string(h), Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{key(len(h))}}))
	}
	for id := uint64(1); id <= uint64(2+rng.IntN(4)); id++ {
		pl := growthPool(id)
		pl.Variants = []string{"m", "l", "s"}[:1+rng.IntN(3)]
		pl.Tiers = []gongxu.Tier{{MinQty: 1, UnitPrice: 5000}, {MinQty: 50, UnitPrice: 4000}}
		pools = append(pools, &poolState{pool: pl, shares: map[gongxu.OrgID]*gongxu.HubShare{}, picked: map[string]bool{}})
		genesis = append(genesis, poolEvent(pl))
	}
	blocks := []gongxu.CommittedBlock{block(1, nil, genesis...)}
	now := int64(t0)
	for h := int64(2); h <= int64(10+rng.IntN(30)); h++ {
		if rng.IntN(4) == 0 {
			now += day * int64(1+rng.IntN(2))
		}
		now += 1000
		n := rng.IntN(25)
		if rng.IntN(8) == 0 {
			n = 100 + rng.IntN(300)
		}
		b := block(h, make([]gongxu.TxRecord, n))
		b.Time = now
		for i := range b.Txs {
			t := &b.Txs[i]
			t.Type = "pool/batch"
			ps := pools[rng.IntN(len(pools))]
			pl := &ps.pool
			hub := hubs[rng.IntN(len(hubs))]
			t.Org, t.Signer = hub, key(len(hub))
			if pl.Status != gongxu.PoolOpen {
				// After the close: a pickup, or a share shipped.
				sh := ps.shares[hub]
				switch {
				case pl.Status == gongxu.PoolSucceeded && sh != nil && rng.IntN(2) == 0 && sh.ShippedAt == 0:
					c := *sh
					c.ShippedAt, c.ConfirmBy = now, now+7*day
					c.Shipped = []gongxu.LotQty{{Lot: "acme/lot-1", Qty: gongxu.Qty(c.Qty) * 1000}}
					c.ShippedQty = gongxu.Qty(c.Qty) * 1000
					*sh = c
					t.Type = "pool/ship"
					t.Events = []gongxu.Event{shareEvent(c)}
				case pl.Status == gongxu.PoolSucceeded && len(ps.pledges) > 0:
					pk := ps.pledges[rng.IntN(len(ps.pledges))]
					urn := gongxu.PoolURN(pl.ID) + ":pledge:" + fmt.Sprint(pk.ID)
					if ps.picked[urn] || pk.Qty == 0 {
						t.Code, t.Kind, t.Message = uint32(gongxu.KindConflict), "conflict", "picked up already"
						continue
					}
					ps.picked[urn] = true
					t.Type = "pool/pickup"
					t.Events = []gongxu.Event{pickupEvent(gongxu.Pickup{Pool: pl.ID, Hub: pk.Hub, Pledge: urn, Qty: pk.Qty,
						Time: now, Height: h, Tx: t.Hash})}
				case len(ps.batches) > 0:
					tx := ps.batches[rng.IntN(len(ps.batches))]
					urn := gongxu.PledgeURN(tx, rng.IntN(3))
					if ps.picked[urn] {
						t.Code, t.Kind, t.Message = uint32(gongxu.KindConflict), "conflict", "picked up already"
						continue
					}
					ps.picked[urn] = true
					t.Type = "pool/pickup"
					t.Events = []gongxu.Event{pickupEvent(gongxu.Pickup{Pool: pl.ID, Hub: hub, Pledge: urn, Qty: 1,
						Time: now, Height: h, Tx: t.Hash})}
				default:
					t.Code, t.Kind, t.Message = uint32(gongxu.KindInvalid), "invalid", "pool closed"
				}
				continue
			}
			sh := ps.shares[hub]
			if sh == nil {
				sh = &gongxu.HubShare{Pool: pl.ID, Hub: hub, Variants: []gongxu.VariantQty{}}
				ps.shares[hub] = sh
			}
			addVariant := func(v string, q gongxu.Units) {
				for j := range sh.Variants {
					if sh.Variants[j].Variant == v {
						sh.Variants[j].Qty += q
						return
					}
				}
				sh.Variants = append(sh.Variants, gongxu.VariantQty{Variant: v, Qty: q})
			}
			variant := pl.Variants[rng.IntN(len(pl.Variants))]
			switch r := rng.IntN(10); {
			case r == 0:
				t.Code, t.Kind, t.Message = uint32(gongxu.KindInvalid), "invalid", "bad batch"
				t.Events = []gongxu.Event{batchEvent(gongxu.Batch{Pool: pl.ID, Hub: hub, Tx: t.Hash})}
				continue
			case r <= 5: // a hub batch, of one variant or two
				leaves := int64(1 + rng.IntN(300))
				q := gongxu.Units(leaves)
				addVariant(variant, q)
				if rng.IntN(3) == 0 {
					v2 := pl.Variants[rng.IntN(len(pl.Variants))]
					addVariant(v2, 2)
					q += 2
				}
				sh.Qty += q
				sh.Pledges += leaves
				pl.Total += q
				pl.Pledges += leaves
				pl.Escrowed += gongxu.Amount(q) * 5000
				acct := gongxu.AccountID("org:" + string(hub))
				t.Events = []gongxu.Event{
					moveEvent("", acct, "CNY", int64(q)*5000, "deposit", "till"),
					moveEvent(acct, gongxu.AccountID(fmt.Sprintf("escrow:%d", pl.ID)), "CNY", int64(q)*5000, "escrow", gongxu.PoolURN(pl.ID)),
					batchEvent(gongxu.Batch{Pool: pl.ID, Hub: hub, Tx: t.Hash, Root: fmt.Sprintf("%064x", h*1000+int64(i)),
						Leaves: leaves, Qty: q, Escrow: gongxu.Amount(q) * 5000, Height: h}),
				}
				ps.batches = append(ps.batches, t.Hash)
			case r <= 8 || len(ps.pledges) == 0: // a direct pledge
				q := gongxu.Units(1 + rng.IntN(5))
				consumer := key(1000 + rng.IntN(40))
				pk := gongxu.Pledge{Pool: pl.ID, ID: uint64(len(ps.pledges) + 1), Consumer: consumer, Hub: hub, Variant: variant,
					Qty: q, Escrow: gongxu.Amount(q) * 5000, Created: now}
				ps.pledges = append(ps.pledges, pk)
				addVariant(variant, q)
				sh.Qty += q
				sh.Pledges++
				pl.Total += q
				pl.Pledges++
				pl.Escrowed += pk.Escrow
				acct := gongxu.AccountID("key:" + string(consumer))
				t.Type, t.Org, t.Signer = "pool/pledge", "", consumer
				t.Events = []gongxu.Event{
					moveEvent("", acct, "CNY", int64(pk.Escrow), "deposit", "till"),
					moveEvent(acct, gongxu.AccountID(fmt.Sprintf("escrow:%d", pl.ID)), "CNY", int64(pk.Escrow), "escrow", gongxu.PoolURN(pl.ID)),
					pledgeEvent(pk),
				}
			default: // a direct pledge reduced
				j := rng.IntN(len(ps.pledges))
				pk := ps.pledges[j]
				if pk.Qty == 0 {
					t.Code, t.Kind, t.Message = uint32(gongxu.KindInvalid), "invalid", "nothing to reduce"
					continue
				}
				d := gongxu.Units(1 + rng.IntN(int(pk.Qty)))
				pk.Qty -= d
				pk.Escrow = gongxu.Amount(pk.Qty) * 5000
				ps.pledges[j] = pk
				psh := ps.shares[pk.Hub]
				for k := range psh.Variants {
					if psh.Variants[k].Variant == pk.Variant {
						psh.Variants[k].Qty -= d
					}
				}
				psh.Qty -= d
				pl.Total -= d
				pl.Escrowed -= gongxu.Amount(d) * 5000
				sh = psh
				t.Type, t.Org, t.Signer = "pool/reduce", "", pk.Consumer
				t.Events = []gongxu.Event{
					moveEvent(gongxu.AccountID(fmt.Sprintf("escrow:%d", pl.ID)), gongxu.AccountID("key:"+string(pk.Consumer)), "CNY", int64(d)*5000, "refund", gongxu.PoolURN(pl.ID)),
					pledgeEvent(pk),
				}
			}
			c := *sh
			c.Variants = append([]gongxu.VariantQty(nil), sh.Variants...)
			t.Events = append(t.Events, shareEvent(c), poolEvent(*pl))
			if rng.IntN(6) == 0 {
				t.Events = append(t.Events, orgEvent(gongxu.Org{ID: hub, Name: fmt.Sprintf("Hub %s at %d", hub, h),
					Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{key(len(hub))}}))
			}
		}
		// Pools closing at this block's end.
		for _, ps := range pools {
			if ps.pool.Status == gongxu.PoolOpen && rng.IntN(25) == 0 {
				pl := &ps.pool
				pl.Status, pl.Price = gongxu.PoolFailed, 0
				if pl.Total >= 50 || rng.IntN(2) == 0 {
					pl.Status, pl.Price = gongxu.PoolSucceeded, 4000
				}
				pl.History = append(pl.History, gongxu.PoolChange{Status: pl.Status, Time: now, Height: h, Reason: "deadline"})
				b.EndEvents = append(b.EndEvents, poolEvent(*pl))
			}
		}
		blocks = append(blocks, b)
	}
	return blocks
}

// TestProjectBatchRecordedBefore: a hub batch whose tx the read model holds
// already (the same tx bytes again, succeeding: only a malformed chain)
// fails the projection with KindInvalid and leaves nothing of it, in both
// paths; the batches table has no index on tx (migration 0026), so the
// second path finds the duplicate through the tx row it could not store.
func TestProjectBatchRecordedBefore(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		t.Run(fmt.Sprintf("legacy=%v", legacy), func(t *testing.T) {
			ctx := context.Background()
			db := openTemp(t)
			db.projLegacy = legacy
			bs := []gongxu.CommittedBlock{benchBlock(1)}
			bs[0].Txs = bs[0].Txs[:3]
			projectAll(t, db, bs)
			before := dump(t, db)
			again := benchBlock(2)
			again.Txs = again.Txs[:3]
			again.Txs[1] = bs[0].Txs[2]
			again.Txs[1].Index, again.Txs[1].Height = 1, 2
			for i, ev := range again.Txs[1].Events {
				if ev.Type == gongxu.EventBatch {
					var b gongxu.Batch
					if err := decode(&again.Txs[1].Events[i], &b); err != nil {
						t.Fatal(err)
					}
					b.Height = 2
					again.Txs[1].Events[i] = batchEvent(b)
				}
			}
			err := db.Project(ctx, again)
			wantKind(t, err, gongxu.KindInvalid, "a batch of tx "+bs[0].Txs[2].Hash+" is already recorded")
			if after := dump(t, db); after != before {
				t.Fatalf("the failed block left rows")
			}
		})
	}
}

// TestAppendAttrs: the events rows' attrs are json.Marshal's bytes.
func TestAppendAttrs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("ab\"\\{}:,<>&\x00\x1f\x7f\n\t\u2028\u00e9\U0001F600")
	str := func() string {
		var r []rune
		for range rng.IntN(12) {
			r = append(r, alphabet[rng.IntN(len(alphabet))])
		}
		s := string(r)
		if rng.IntN(8) == 0 {
			s += "\xff" // not UTF-8
		}
		return s
	}
	for i := range 5000 {
		var attrs []gongxu.Attr
		if i%50 != 0 {
			attrs = []gongxu.Attr{}
		}
		for range rng.IntN(4) {
			attrs = append(attrs, gongxu.Attr{Key: str(), Value: str()})
		}
		want, err := json.Marshal(attrs)
		if attrs == nil {
			want = []byte("[]")
		}
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAttrs(nil, attrs); string(got) != string(want) {
			t.Fatalf("attrs %q: got %s, want %s", attrs, got, want)
		}
	}
}

// TestIsCompact: isCompact is true exactly when json.Compact leaves the
// text as it is.
func TestIsCompact(t *testing.T) {
	for _, s := range []string{`{}`, `{"a":1}`, `{"a": 1}`, "{\"a\":\n1}", `{"a":"x y"}`, `{"a":"x\" y"}`, `{"a":"x\\"}`,
		`{"a":"x\\" , "b":2}`, `{"a":"x\\\" y"}`, `[1, 2]`, `{"a":"\t"}`, " {}", "{}\n", `{"a":["\\\\", " "]}`, `{"a":["\\\\" , " "]}`} {
		var b bytes.Buffer
		if err := json.Compact(&b, []byte(s)); err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		if want := b.String() == s; isCompact(s) != want {
			t.Errorf("isCompact(%q) = %v, want %v", s, !want, want)
		}
	}
}

// TestProjectCarryAnotherWriter: what a projection hands to the next is
// dropped when another connection wrote to the file meanwhile, even at the
// same height (another DB on the path reset it and projected another
// chain): the rows then read come from the file.
func TestProjectCarryAnotherWriter(t *testing.T) {
	ctx := context.Background()
	one, two := randomPoolChain(1), randomPoolChain(2)
	path := filepath.Join(t.TempDir(), "read.db")
	a, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.ProjectBlocks(ctx, one[:6]); err != nil {
		t.Fatal(err)
	}
	b, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if err := b.ProjectBlocks(ctx, two[:6]); err != nil {
		t.Fatal(err)
	}
	b.Close()
	for _, blk := range two[6:] {
		if err := a.Project(ctx, blk); err != nil {
			t.Fatal(err)
		}
	}
	fresh := openTemp(t)
	fresh.projLegacy = true
	projectAll(t, fresh, two)
	sameEventLayout(t, fresh, a)
	if got, want := dump(t, a), dump(t, fresh); got != want {
		t.Fatalf("rows after another writer differ:\n%s", firstDiff(got, want))
	}
}

// sameEventLayout removes from the per-event path's rows (old) and the
// buffered path's (folded) where each stores a tx's events — old in the
// events table and a JSON copy in txs.events, folded in txs.evs with
// event_types and meta 'evs_from' — so that the rest can be compared row by
// row. The events of a tx row not stored (its hash recorded before) stay in
// the events table in both.
func sameEventLayout(t testing.TB, old, folded *DB) {
	t.Helper()
	for _, q := range []string{`UPDATE txs SET events = NULL`,
		`DELETE FROM events WHERE tx_index >= 0 AND EXISTS (SELECT 1 FROM txs t WHERE t.height = events.height AND t.idx = events.tx_index)`} {
		if _, err := old.w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range []string{`UPDATE txs SET evs = NULL`, `DELETE FROM event_types`, `DELETE FROM meta WHERE key = 'evs_from'`} {
		if _, err := folded.w.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
}

// eventFilters are Events filters over the chain bs: no filter; every type
// exactly and by its module's prefix, with limits 1, 7 and MaxLimit and in
// a random height range; attributes its events carry, alone and with their
// type; types that no event has.
func eventFilters(bs []gongxu.CommittedBlock, seed uint64) []EventFilter {
	rng := rand.New(rand.NewPCG(seed, 7))
	types := map[string]bool{}
	type typed struct {
		typ string
		a   gongxu.Attr
	}
	var attrs []typed
	var maxH int64
	visit := func(evs []gongxu.Event) {
		for _, ev := range evs {
			types[ev.Type] = true
			if len(ev.Attrs) > 0 && (len(attrs) < 5 || rng.IntN(40) == 0) && len(attrs) < 12 {
				attrs = append(attrs, typed{ev.Type, ev.Attrs[rng.IntN(len(ev.Attrs))]})
			}
		}
	}
	for _, b := range bs {
		visit(b.Events)
		for _, t := range b.Txs {
			visit(t.Events)
		}
		visit(b.EndEvents)
		maxH = max(maxH, b.Height)
	}
	fs := []EventFilter{{}, {Limit: 1}, {Limit: MaxLimit}, {Type: "nosuch.type"}, {Type: "zz."}, {FromHeight: maxH + 1},
		{FromHeight: maxH / 2, Limit: MaxLimit}, {ToHeight: maxH / 2, Limit: 9}, {Attr: gongxu.Attr{Key: "nosuch", Value: "x"}}}
	var sorted []string
	for ty := range types {
		sorted = append(sorted, ty)
	}
	slices.Sort(sorted)
	for _, ty := range sorted {
		mod := ty[:strings.IndexByte(ty, '.')+1]
		for _, lim := range []int{1, 7, MaxLimit} {
			fs = append(fs, EventFilter{Type: ty, Limit: lim})
		}
		fs = append(fs, EventFilter{Type: mod, Limit: 7})
		lo := 1 + rng.Int64N(maxH)
		hi := lo + rng.Int64N(maxH-lo+1)
		fs = append(fs, EventFilter{Type: ty, FromHeight: lo, ToHeight: hi, Limit: MaxLimit},
			EventFilter{Type: mod, FromHeight: lo, Limit: 20}, EventFilter{Type: mod, ToHeight: hi, Limit: MaxLimit},
			EventFilter{ToHeight: hi, Limit: 30})
	}
	for _, a := range attrs {
		fs = append(fs, EventFilter{Attr: a.a, Limit: MaxLimit}, EventFilter{Type: a.typ, Attr: a.a, Limit: 5},
			EventFilter{Type: a.typ[:strings.IndexByte(a.typ, '.')+1], Attr: a.a, ToHeight: 1 + rng.Int64N(maxH), Limit: MaxLimit})
	}
	return fs
}

// eventAnswers are the answers of Events to each of fs, as JSON lines.
func eventAnswers(t testing.TB, db *DB, fs []EventFilter) string {
	t.Helper()
	var sb strings.Builder
	for _, f := range fs {
		evs, err := db.Events(context.Background(), f)
		if err != nil {
			t.Fatalf("Events(%+v): %v", f, err)
		}
		fmt.Fprintf(&sb, "%+v: %s\n", f, mustJSON(evs))
	}
	return sb.String()
}

// sameTxTwice is a chain whose txs repeat an earlier tx's hash, in a later
// block and twice in one block, succeeding (only a malformed chain): the
// first record stays the tx's; the repeats' events are still listed.
func sameTxTwice() []gongxu.CommittedBlock {
	bs := newScenario().blocks
	var first gongxu.TxRecord
	for _, b := range bs {
		for _, t := range b.Txs {
			if t.Code == 0 && len(t.Events) > 0 && first.Hash == "" && t.Events[0].Type == gongxu.EventOrg {
				first = t
			}
		}
	}
	if first.Hash == "" {
		panic("no member.org tx in the scenario")
	}
	h := bs[len(bs)-1].Height
	again := func(i int) gongxu.TxRecord {
		c := first
		c.Index, c.Height = i, 0
		return c
	}
	fresh := tx("member.update_org", first.Org, first.Signer, first.Events...)
	b1 := block(h+1, []gongxu.TxRecord{again(0), fresh, again(2)})
	b2 := block(h+2, []gongxu.TxRecord{fresh, fresh})
	b2.Txs[1].Hash = b2.Txs[0].Hash
	return append(bs, b1, b2)
}

// TestEventsAcrossLayouts: a read model whose first blocks were projected
// before migration 0023 (a tx's events in the events table and as JSON in
// txs.events), the next ones from 0023 (in the events table only) and the
// next from 0024 (in the tx row, as JSON) and the rest from 0025 (in the
// tx row, binary) answers every query as one projected the old way
// throughout: no reindex is needed.
func TestEventsAcrossLayouts(t *testing.T) {
	ctx := context.Background()
	for seed := uint64(1); seed <= 4; seed++ {
		bs := randomPoolChain(seed)
		old := openTemp(t)
		old.projLegacy = true
		projectAll(t, old, bs)
		mixed := openTemp(t)
		mixed.projLegacy = true
		a, b, c := len(bs)/4, len(bs)/2, 3*len(bs)/4
		projectAll(t, mixed, bs[:b])
		if _, err := mixed.w.ExecContext(ctx, `UPDATE txs SET events = NULL WHERE height > ?`, bs[a-1].Height); err != nil {
			t.Fatal(err)
		}
		mixed.projLegacy, mixed.evsJSON = false, true
		projectAll(t, mixed, bs[b:c])
		mixed.evsJSON = false
		projectAll(t, mixed, bs[c:])
		var from, nJSON, nBin, nOld int64
		if err := mixed.w.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = 'evs_from'),
			(SELECT count(*) FROM txs WHERE substr(evs, 1, 1) = x'5b'), (SELECT count(*) FROM txs WHERE substr(evs, 1, 1) = x'01'),
			(SELECT count(*) FROM txs WHERE events IS NOT NULL)`).Scan(&from, &nJSON, &nBin, &nOld); err != nil {
			t.Fatal(err)
		}
		if from != bs[b].Height || nJSON == 0 || nBin == 0 || nOld == 0 {
			t.Fatalf("evs_from %d (want %d), %d txs with JSON evs, %d binary, %d with events", from, bs[b].Height, nJSON, nBin, nOld)
		}
		if wq, gq := queries(t, old), queries(t, mixed); gq != wq {
			t.Fatalf("seed %d: answers differ:\n%s", seed, firstDiff(gq, wq))
		}
		fs := eventFilters(bs, seed)
		if want, got := eventAnswers(t, old, fs), eventAnswers(t, mixed, fs); got != want {
			t.Fatalf("seed %d: Events answers differ:\n%s", seed, firstDiff(got, want))
		}
		txs, err := old.RecentTxs(ctx, MaxLimit)
		if err != nil {
			t.Fatal(err)
		}
		for _, tx := range txs {
			got, err := mixed.Tx(ctx, tx.Hash)
			if err != nil || mustJSON(got) != mustJSON(tx) {
				t.Fatalf("Tx(%s) = %s, %v; want %s", tx.Hash, mustJSON(got), err, mustJSON(tx))
			}
		}
	}
}

// TestAppendEvents: a tx row's evs are json.Marshal's bytes.
func TestAppendEvents(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	strs := []string{"", "a", "pool.batch", "x\"y", "<&>", "\u00e9\U0001F600", "\xff", "\x00\n"}
	for range 3000 {
		evs := randomEvents(rng, strs, 4, 3)
		want, err := json.Marshal(evs)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendEvents(nil, evs); string(got) != string(want) {
			t.Fatalf("events %q: got %s, want %s", evs, got, want)
		}
	}
}

// memberChain is two blocks of bench ledger's update_org txs (memberBlock),
// the second removing an org it updated before (bench-org-050, gone at the
// end) and one it updates again after (bench-org-004, present with its last
// update): the orgs written once per block end as written per event.
func memberChain() []gongxu.CommittedBlock {
	one, two := memberBlock(1), memberBlock(2)
	one.Txs, two.Txs = one.Txs[:300], two.Txs[:300]
	two.Txs[100].Events = append(two.Txs[100].Events, orgRemovedEvent("bench-org-050"))
	two.Txs[120].Events = append(two.Txs[120].Events, orgRemovedEvent("bench-org-004"))
	return []gongxu.CommittedBlock{one, two}
}

// TestProjectPoolMalformedOutsideHead: the buffered path decodes only a
// pool event's head (poolHead) but the whole pool it writes, so a pool
// whose json is malformed outside the head fails its block with
// KindInvalid and leaves nothing, as in the per-event path.
func TestProjectPoolMalformedOutsideHead(t *testing.T) {
	for _, legacy := range []bool{true, false} {
		bs := randomPoolChain(3)
		db := openTemp(t)
		db.projLegacy = legacy
		projectAll(t, db, bs[:2])
		before := dump(t, db)
		bad := bs[2]
		bad.EndEvents = append(slices.Clone(bad.EndEvents), gongxu.NewEvent(gongxu.EventPool, "pool", "1", "status", "open",
			"json", `{"id":1,"factory":"acme","status":"open","total":3,"history":[{"status":7}]}`))
		err := db.Project(context.Background(), bad)
		wantKind(t, err, gongxu.KindInvalid, "malformed json attr")
		if after := dump(t, db); after != before {
			t.Fatalf("legacy=%v: the failed block left rows", legacy)
		}
	}
}

// FuzzAppendEvents: a tx row's evs are json.Marshal's bytes for any
// strings, and read back (valid UTF-8 as written).
func FuzzAppendEvents(f *testing.F) {
	f.Add("pool.batch", "json", `{"a":"<b>"}`, true)
	f.Add("", "", "\xff\x00\u2028", false)
	f.Fuzz(func(t *testing.T, typ, k, v string, withAttrs bool) {
		evs := []gongxu.Event{{Type: typ}, {Type: k, Attrs: []gongxu.Attr{{Key: k, Value: v}, {Key: v, Value: typ}}}}
		if withAttrs {
			evs[0].Attrs = []gongxu.Attr{}
		}
		want, err := json.Marshal(evs)
		if err != nil {
			t.Fatal(err)
		}
		got := appendEvents(nil, evs)
		if string(got) != string(want) {
			t.Fatalf("got %s, want %s", got, want)
		}
		var back []gongxu.Event
		if err := json.Unmarshal(got, &back); err != nil || len(back) != 2 || back[1].Attrs[0].Key != k && utf8.ValidString(k) {
			t.Fatalf("read back as %+v, %v", back, err)
		}
	})
}

// TestProjectDemandUpsertFails: the demand folds are written many rows per
// upsert; when such a statement fails (here a trigger refusing one hub's
// row), the block fails with the error the single-row statement gives for
// that row, naming its pool, and leaves nothing — for facts and open
// positions alike.
func TestProjectDemandUpsertFails(t *testing.T) {
	for _, table := range []string{"demand_open", "demand_facts"} {
		db := openTemp(t)
		projectAll(t, db, []gongxu.CommittedBlock{benchBlock(1)})
		if _, err := db.w.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON ` + table +
			` WHEN NEW.hub = 'hub-57' BEGIN SELECT RAISE(ABORT, 'refused hub-57'); END`); err != nil {
			t.Fatal(err)
		}
		before := dump(t, db)
		err := db.Project(context.Background(), benchBlock(2))
		want := map[string]string{"demand_open": "demand: open position in pool", "demand_facts": "demand: add fact of pool"}[table]
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "refused hub-57") {
			t.Fatalf("%s: got %v, want %q … refused hub-57", table, err, want)
		}
		if after := dump(t, db); after != before {
			t.Fatalf("%s: the failed block left rows", table)
		}
	}
}

// randomEvents is 1 to maxEvents events whose types, keys and values are
// drawn from strs; one in five has no attributes (nil), the others 0 to
// maxAttrs-1 (an empty list when 0).
func randomEvents(rng *rand.Rand, strs []string, maxEvents, maxAttrs int) []gongxu.Event {
	var evs []gongxu.Event
	for range 1 + rng.IntN(maxEvents) {
		ev := gongxu.Event{Type: strs[rng.IntN(len(strs))]}
		if rng.IntN(5) != 0 {
			ev.Attrs = []gongxu.Attr{}
			for range rng.IntN(maxAttrs) {
				ev.Attrs = append(ev.Attrs, gongxu.Attr{Key: strs[rng.IntN(len(strs))], Value: strs[rng.IntN(len(strs))]})
			}
		}
		evs = append(evs, ev)
	}
	return evs
}
