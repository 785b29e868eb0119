package sqlite

import (
	"context"
	"reflect"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

func TestScenario(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	sc := newScenario()
	projectAll(t, db, sc.blocks)

	if h, err := db.Height(ctx); err != nil || h != 6 {
		t.Fatalf("Height = %d, %v; want 6", h, err)
	}
	orgs, err := db.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(orgs, sc.orgs) {
		t.Errorf("Orgs =\n%s\nwant\n%s", mustJSON(orgs), mustJSON(sc.orgs))
	}
	o, err := db.Org(ctx, "acme")
	if err != nil || !reflect.DeepEqual(o, sc.orgs[0]) {
		t.Errorf("Org(acme) = %s, %v", mustJSON(o), err)
	}
	for _, id := range []gongxu.OrgID{"beta", "evil", "nobody"} {
		_, err := db.Org(ctx, id)
		wantKind(t, err, gongxu.KindNotFound, string(id))
	}
	_, err = db.Org(ctx, "Bad ID")
	wantKind(t, err, gongxu.KindInvalid, "Bad ID")

	vals, err := db.Validators(ctx)
	if err != nil || !reflect.DeepEqual(vals, sc.validators) {
		t.Errorf("Validators = %s, %v\nwant %s", mustJSON(vals), err, mustJSON(sc.validators))
	}

	props, err := db.Proposals(ctx, gongxu.ProposalFilter{})
	if err != nil || !reflect.DeepEqual(props, sc.proposals) {
		t.Errorf("Proposals =\n%s, %v\nwant\n%s", mustJSON(props), err, mustJSON(sc.proposals))
	}
	for status, want := range map[gongxu.ProposalStatus][]gongxu.Proposal{
		gongxu.ProposalPassed:   sc.proposals[2:],
		gongxu.ProposalExpired:  sc.proposals[1:2],
		gongxu.ProposalRejected: sc.proposals[:1],
		gongxu.ProposalOpen:     {},
		gongxu.ProposalFailed:   {},
	} {
		got, err := db.Proposals(ctx, gongxu.ProposalFilter{Status: status})
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Proposals(%s) = %s, %v; want %s", status, mustJSON(got), err, mustJSON(want))
		}
	}
	if got, err := db.Proposals(ctx, gongxu.ProposalFilter{Limit: 2}); err != nil || !reflect.DeepEqual(got, sc.proposals[:2]) {
		t.Errorf("Proposals(limit 2) = %s, %v", mustJSON(got), err)
	}
	if p, err := db.Proposal(ctx, 3); err != nil || !reflect.DeepEqual(p, sc.proposals[2]) {
		t.Errorf("Proposal(3) = %s, %v", mustJSON(p), err)
	}
	_, err = db.Proposal(ctx, 99)
	wantKind(t, err, gongxu.KindNotFound, "99")
	_, err = db.Proposal(ctx, 1<<64-1)
	wantKind(t, err, gongxu.KindNotFound, "18446744073709551615")

	if p, err := db.Params(ctx); err != nil || p != sc.params {
		t.Errorf("Params = %+v, %v", p, err)
	}

	// Transactions: 3+4+3+1+1, the failed one included but without events.
	txs, err := db.RecentTxs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(txs) != 12 {
		t.Fatalf("RecentTxs: %d txs, want 12", len(txs))
	}
	var order []string
	for _, x := range txs {
		order = append(order, x.Hash)
	}
	wantOrder := []string{txHash(6, 0), txHash(5, 0), txHash(4, 2), txHash(4, 1), txHash(4, 0),
		txHash(3, 3), txHash(3, 2), txHash(3, 1), txHash(3, 0), txHash(2, 2), txHash(2, 1), txHash(2, 0)}
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("RecentTxs order %v\nwant %v", order, wantOrder)
	}
	want := sc.blocks[3].Txs[0]
	want.Time = "2026-01-01T00:00:03.000Z"
	for _, h := range []string{want.Hash, strings.ToLower(want.Hash)} {
		got, err := db.Tx(ctx, h)
		if err != nil || !reflect.DeepEqual(got, want) {
			t.Errorf("Tx(%s) =\n%s, %v\nwant\n%s", h, mustJSON(got), err, mustJSON(want))
		}
	}
	failed, err := db.Tx(ctx, txHash(2, 1))
	if err != nil || failed.Code != uint32(gongxu.KindUnauthorized) || failed.Events != nil ||
		failed.Message != "signer belongs to no member org" || failed.Kind != "unauthorized" || failed.Signer != key(99) {
		t.Errorf("failed tx = %s, %v", mustJSON(failed), err)
	}
	_, err = db.Tx(ctx, strings.Repeat("ab", 32))
	wantKind(t, err, gongxu.KindNotFound, strings.Repeat("ab", 32))
	_, err = db.Tx(ctx, "not-hex")
	wantKind(t, err, gongxu.KindInvalid, "not-hex")
	if got, err := db.RecentTxs(ctx, 2); err != nil || len(got) != 2 || got[1].Hash != txHash(5, 0) {
		t.Errorf("RecentTxs(2) = %s, %v", mustJSON(got), err)
	}

	// Blocks.
	b, err := db.Block(ctx, 4)
	wantB := BlockSummary{Height: 4, Time: "2026-01-01T00:00:03.000Z", Hash: blockHash(4), AppHash: sc.blocks[3].AppHash, NumTxs: 3}
	if err != nil || b != wantB {
		t.Errorf("Block(4) = %+v, %v; want %+v", b, err, wantB)
	}
	_, err = db.Block(ctx, 7)
	wantKind(t, err, gongxu.KindNotFound, "7")
	if bs, err := db.RecentBlocks(ctx, 2); err != nil || len(bs) != 2 || bs[0].Height != 6 || bs[1].Height != 5 {
		t.Errorf("RecentBlocks(2) = %+v, %v", bs, err)
	}

	// Event history: everything is kept, in order, failed txs' events excepted.
	all, err := db.Events(ctx, EventFilter{Limit: MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 7+2+5+6+2+2 {
		t.Errorf("%d events, want 24", len(all))
	}
	for _, e := range all {
		if e.Get("org") == "evil" {
			t.Errorf("event of the failed tx was stored: %+v", e)
		}
	}
	// Block 5: the block event (a deadline falling due, before the txs) first
	// (seq 0), then the tx's event (seq 1); newest first.
	b5, err := db.Events(ctx, EventFilter{FromHeight: 5, ToHeight: 5})
	if err != nil || len(b5) != 2 || b5[0].Seq != 1 || b5[0].TxIndex != 0 || b5[0].TxHash != txHash(5, 0) ||
		b5[1].Seq != 0 || b5[1].TxIndex != -1 || b5[1].TxHash != "" || b5[1].Get("id") != "4" {
		t.Errorf("events of block 5 = %s, %v", mustJSON(b5), err)
	}
	beta, err := db.Events(ctx, EventFilter{Attr: gongxu.Attr{Key: "org", Value: "beta"}})
	if err != nil {
		t.Fatal(err)
	}
	var hist []string
	for _, e := range beta {
		hist = append(hist, e.Type)
	}
	if want := []string{gongxu.EventValidator, gongxu.EventOrgRemoved, gongxu.EventValidator, gongxu.EventOrg}; !reflect.DeepEqual(hist, want) {
		t.Errorf("history of beta = %v, want %v", hist, want)
	}
	if beta[1].Height != 4 || beta[1].TxHash != txHash(4, 0) || beta[3].Height != 1 || beta[3].Time != "2026-01-01T00:00:00.000Z" {
		t.Errorf("beta removal/admission = %s", mustJSON(beta))
	}
	for typ, n := range map[string]int{"pool.": 1, "pool.opened": 1, "catalog.genesis": 1, "member.": 22, "member.org": 5, "member": 0} {
		got, err := db.Events(ctx, EventFilter{Type: typ, Limit: MaxLimit})
		if err != nil || len(got) != n {
			t.Errorf("Events(type %q) = %d events, %v; want %d", typ, len(got), err, n)
		}
	}
	if got, err := db.Events(ctx, EventFilter{Type: "member.org", FromHeight: 2, ToHeight: 3}); err != nil || len(got) != 2 {
		t.Errorf("Events(member.org, 2..3) = %s, %v", mustJSON(got), err)
	}
	_, err = db.Events(ctx, EventFilter{FromHeight: 5, ToHeight: 2})
	wantKind(t, err, gongxu.KindInvalid, "5..2")
}

func TestEmpty(t *testing.T) {
	ctx := context.Background()
	db := openTemp(t)
	if h, err := db.Height(ctx); err != nil || h != 0 {
		t.Fatalf("Height = %d, %v", h, err)
	}
	_, err := db.Params(ctx)
	wantKind(t, err, gongxu.KindNotFound, "genesis")
	for name, n := range map[string]func() (int, error){
		"orgs": func() (int, error) { x, err := db.Orgs(ctx); return len(x), err },
		"txs":  func() (int, error) { x, err := db.RecentTxs(ctx, 0); return len(x), err },
		"vals": func() (int, error) { x, err := db.Validators(ctx); return len(x), err },
	} {
		if got, err := n(); err != nil || got != 0 {
			t.Errorf("%s: %d, %v", name, got, err)
		}
	}
	// Empty lists are [] in JSON, not null.
	orgs, _ := db.Orgs(ctx)
	if s := mustJSON(orgs); s != "[]" {
		t.Errorf("Orgs JSON = %s", s)
	}
}

func TestIdempotent(t *testing.T) {
	ctx := context.Background()
	sc := newScenario()
	db := openTemp(t)
	projectAll(t, db, sc.blocks)
	d1, q1 := dump(t, db), queries(t, db)

	projectAll(t, db, sc.blocks)
	if err := db.ProjectBlocks(ctx, sc.blocks); err != nil {
		t.Fatal(err)
	}
	if err := db.ProjectBlocks(ctx, sc.blocks[2:4]); err != nil {
		t.Fatal(err)
	}
	if d2 := dump(t, db); d2 != d1 {
		t.Errorf("dump changed by re-projection:\n%s\nwant\n%s", d2, d1)
	}
	if q2 := queries(t, db); q2 != q1 {
		t.Errorf("queries changed by re-projection:\n%s\nwant\n%s", q2, q1)
	}

	// Old blocks and a new one in one batch: the old are skipped.
	next := block(7, []gongxu.TxRecord{tx("pool.pledge", "hub1", key(4))})
	if err := db.ProjectBlocks(ctx, append(sc.blocks[4:6:6], next)); err != nil {
		t.Fatal(err)
	}
	if h, _ := db.Height(ctx); h != 7 {
		t.Errorf("height %d after batch with block 7", h)
	}

	// A block already projected, but with another hash: another chain.
	other := sc.blocks[2]
	other.Hash = "FFFF"
	wantKind(t, db.Project(ctx, other), gongxu.KindConflict, "another chain")
}

func TestGap(t *testing.T) {
	ctx := context.Background()
	sc := newScenario()
	db := openTemp(t)

	wantKind(t, db.Project(ctx, sc.blocks[1]), gongxu.KindConflict, "expects block 1 next, got block 2")
	wantKind(t, db.Project(ctx, gongxu.CommittedBlock{}), gongxu.KindInvalid, "height 0")
	projectAll(t, db, sc.blocks[:2])
	before := dump(t, db)

	wantKind(t, db.Project(ctx, sc.blocks[3]), gongxu.KindConflict, "expects block 3 next, got block 4")
	// A batch with a gap in the middle changes nothing, block 3 included.
	err := db.ProjectBlocks(ctx, []gongxu.CommittedBlock{sc.blocks[2], sc.blocks[4]})
	wantKind(t, err, gongxu.KindConflict, "expects block 4 next, got block 5")
	if after := dump(t, db); after != before {
		t.Errorf("gap changed the read model:\n%s\nwant\n%s", after, before)
	}
	if h, _ := db.Height(ctx); h != 2 {
		t.Errorf("height %d, want 2", h)
	}
	// Catching up works.
	if err := db.ProjectBlocks(ctx, sc.blocks[2:]); err != nil {
		t.Fatal(err)
	}
}

func TestRollback(t *testing.T) {
	ctx := context.Background()
	sc := newScenario()
	good := gongxu.Org{ID: "delta", Name: "Delta", Roles: []gongxu.Role{gongxu.RoleHub}}
	// Each case is block 3 of the scenario with its last tx's events replaced
	// by a good org event (so something is written first) and a bad event.
	for name, tc := range map[string]struct {
		bad  gongxu.Event
		kind gongxu.Kind
		msg  string
	}{
		"org json":           {gongxu.NewEvent(gongxu.EventOrg, "org", "zeta", "json", `{"id":"zeta",`), gongxu.KindInvalid, "malformed json"},
		"org json null":      {gongxu.NewEvent(gongxu.EventOrg, "org", "zeta", "json", `null`), gongxu.KindInvalid, "malformed json"},
		"org missing json":   {gongxu.NewEvent(gongxu.EventOrg, "org", "zeta"), gongxu.KindInvalid, "missing json"},
		"org id mismatch":    {gongxu.NewEvent(gongxu.EventOrg, "org", "zeta", "json", `{"id":"eta"}`), gongxu.KindInvalid, "does not match"},
		"org bad id":         {gongxu.NewEvent(gongxu.EventOrg, "org", "Z", "json", `{"id":"Z"}`), gongxu.KindInvalid, "2 to 64"},
		"org removed no org": {gongxu.NewEvent(gongxu.EventOrgRemoved), gongxu.KindInvalid, "missing org"},
		"proposal id":        {gongxu.NewEvent(gongxu.EventProposal, "id", "x1", "status", "open", "json", `{"id":1,"status":"open"}`), gongxu.KindInvalid, "x1"},
		"proposal json":      {gongxu.NewEvent(gongxu.EventProposal, "id", "7", "status", "open", "json", `{"id":"7"}`), gongxu.KindInvalid, "malformed json"},
		"proposal status":    {gongxu.NewEvent(gongxu.EventProposal, "id", "7", "status", "open", "json", `{"id":7,"status":"passed"}`), gongxu.KindInvalid, "status"},
		"validator power":    {gongxu.NewEvent(gongxu.EventValidator, "pub_key", string(key(8)), "power", "ten", "org", "acme"), gongxu.KindInvalid, "ten"},
		"validator negative": {gongxu.NewEvent(gongxu.EventValidator, "pub_key", string(key(8)), "power", "-1", "org", "acme"), gongxu.KindInvalid, "-1"},
		"validator key":      {gongxu.NewEvent(gongxu.EventValidator, "pub_key", "abc", "power", "1", "org", "acme"), gongxu.KindInvalid, "abc"},
		"params json":        {gongxu.NewEvent(gongxu.EventParams, "json", `{"max_tx_bytes":"big"}`), gongxu.KindInvalid, "malformed json"},
	} {
		t.Run(name, func(t *testing.T) {
			db, err := Open(MemoryPath)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			projectAll(t, db, sc.blocks[:2])
			before, qBefore := dump(t, db), queries(t, db)

			b := sc.blocks[2]
			b.Txs = append([]gongxu.TxRecord(nil), b.Txs...)
			last := &b.Txs[len(b.Txs)-1]
			last.Events = []gongxu.Event{orgEvent(good), tc.bad}
			err = db.Project(ctx, b)
			wantKind(t, err, tc.kind, tc.msg)
			wantKind(t, err, tc.kind, "block 3 tx 3")

			if after := dump(t, db); after != before {
				t.Errorf("failed projection left rows behind:\n%s\nwant\n%s", after, before)
			}
			if q := queries(t, db); q != qBefore {
				t.Errorf("failed projection is visible:\n%s", q)
			}
			// A batch of the good block 3 and a bad block 4: neither is kept.
			b4 := sc.blocks[3]
			b4.Txs = append([]gongxu.TxRecord(nil), b4.Txs...)
			b4.Txs[2].Events = []gongxu.Event{orgEvent(good), tc.bad}
			err = db.ProjectBlocks(ctx, []gongxu.CommittedBlock{sc.blocks[2], b4})
			wantKind(t, err, tc.kind, tc.msg)
			wantKind(t, err, tc.kind, "block 4 tx 2")
			if after := dump(t, db); after != before {
				t.Errorf("failed batch left rows behind")
			}
			// The correct block 3 still projects.
			if err := db.Project(ctx, sc.blocks[2]); err != nil {
				t.Fatal(err)
			}
		})
	}

	t.Run("block shape", func(t *testing.T) {
		db, err := Open(MemoryPath)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		projectAll(t, db, sc.blocks[:1])
		before := dump(t, db)
		b := sc.blocks[1]
		b.Txs = append([]gongxu.TxRecord(nil), b.Txs...)
		b.Txs[1].Index = 5
		wantKind(t, db.Project(ctx, b), gongxu.KindInvalid, "position 1 has index 5")
		b.Txs[1].Index, b.Txs[1].Hash = 1, "zz"
		wantKind(t, db.Project(ctx, b), gongxu.KindInvalid, `"zz"`)
		b.Txs[1].Hash, b.Txs[1].Height = txHash(2, 1), 9
		wantKind(t, db.Project(ctx, b), gongxu.KindInvalid, "height 9")
		bad := sc.blocks[1]
		bad.Events = []gongxu.Event{gongxu.NewEvent(gongxu.EventParams, "json", "[]")}
		wantKind(t, db.Project(ctx, bad), gongxu.KindInvalid, "block 2 block event 0 (member.params)")
		if after := dump(t, db); after != before {
			t.Errorf("invalid block left rows behind")
		}
	})
}

func TestRebuild(t *testing.T) {
	ctx := context.Background()
	sc := newScenario()
	inc := openTemp(t)
	projectAll(t, inc, sc.blocks)
	want, wantQ := dump(t, inc), queries(t, inc)
	if !strings.Contains(want, "== orgs (3)") {
		t.Fatalf("unexpected dump:\n%s", want)
	}
	if evs, err := inc.Events(ctx, EventFilter{Limit: MaxLimit}); err != nil || len(evs) != 24 {
		t.Fatalf("%d events, %v; want 24", len(evs), err)
	}

	// Reset, then a batch, in the same database.
	if err := inc.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if h, _ := inc.Height(ctx); h != 0 {
		t.Fatalf("height %d after Reset", h)
	}
	if d := dump(t, inc); strings.Count(d, "(0)\n") != strings.Count(d, "== ") {
		t.Fatalf("Reset left rows:\n%s", d)
	}
	if err := inc.ProjectBlocks(ctx, sc.blocks); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, inc); got != want {
		t.Errorf("rebuilt dump differs:\n%s\nwant\n%s", got, want)
	}
	if got := queries(t, inc); got != wantQ {
		t.Errorf("rebuilt queries differ:\n%s\nwant\n%s", got, wantQ)
	}

	// A fresh database filled in uneven batches.
	fresh := openTemp(t)
	for _, r := range [][2]int{{0, 1}, {1, 4}, {4, 6}} {
		if err := fresh.ProjectBlocks(ctx, sc.blocks[r[0]:r[1]]); err != nil {
			t.Fatal(err)
		}
	}
	if got := dump(t, fresh); got != want {
		t.Errorf("batched dump differs:\n%s\nwant\n%s", got, want)
	}
}
