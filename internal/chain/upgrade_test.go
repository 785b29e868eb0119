package chain_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/store"
)

// recorder drives a harness and keeps the blocks it executed, to replay them.
type recorder struct {
	h      *chaintest.Harness
	blocks []block
}

func (r *recorder) block(txs ...[]byte) *chain.BlockResult {
	r.h.T.Helper()
	res := r.h.Block(txs...)
	r.blocks = append(r.blocks, block{height: r.h.Height, time: r.h.Time, txs: txs})
	return res
}

// v2 is a test upgrade: it moves every org record's name into a key of its
// own (a layout change) and counts its runs.
func v2(runs *int) chain.Upgrade {
	return chain.Upgrade{Version: 2, Name: "v2", Migrate: func(ctx *module.Context) error {
		*runs++
		return module.Each(ctx.KV, []byte("member/org/"), func(rest []byte, o gongxu.Org) bool {
			return ctx.KV.Set([]byte("v2/name/"+string(rest)), []byte(o.Name)) == nil
		})
	}}
}

func withUpgrades(us ...chain.Upgrade) func(*chain.Config) {
	return func(c *chain.Config) { c.Upgrades = us }
}

func propose(t *testing.T, r *recorder, kind gongxu.ProposalKind, plan gongxu.UpgradePlan) {
	t.Helper()
	h := r.h
	res := r.block(h.Sign("factory-a", member.TypePropose, member.MsgPropose{Kind: kind, Title: string(kind), Upgrade: &plan}))
	chaintest.MustOK(t, res.Txs[0])
	var p gongxu.Proposal
	for _, id := range []uint64{1, 2, 3, 4} {
		if q, err := h.Member.Proposal(h.State, id); err == nil && q.Status == gongxu.ProposalOpen {
			p = q
		}
	}
	for _, who := range []string{"supplier-b", "hub-c"} {
		chaintest.MustOK(t, r.block(h.Sign(who, member.TypeVote, member.MsgVote{Proposal: p.ID, Yes: true})).Txs[0])
	}
	if q, _ := h.Member.Proposal(h.State, p.ID); q.Status != gongxu.ProposalPassed {
		t.Fatalf("proposal %d is %s: %s", p.ID, q.Status, q.Result)
	}
}

// TestUpgrade schedules an upgrade, stops an old binary at its height with
// nothing executed, runs it with a binary that has it, refuses the old
// binary on the upgraded state, and replays the whole chain from genesis
// with the new binary to the same app hashes.
func TestUpgrade(t *testing.T) {
	db := store.NewMemDB()
	h, err := chaintest.OpenWith(db, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.T = t
	h.InitChain(chaintest.Genesis(chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory}},
		chaintest.OrgSpec{ID: "supplier-b", Roles: []gongxu.Role{gongxu.RoleSupplier}}, chaintest.OrgSpec{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}}))
	r := &recorder{h: h}
	r.block()
	if v, err := h.App.AppVersion(); err != nil || v.Version != gongxu.AppVersion || v.Name != gongxu.GenesisVersionName {
		t.Fatalf("genesis version %+v (%v)", v, err)
	}
	// A genesis at the first version has no record: its app hash is what
	// it was before versions were recorded.
	if raw, _ := h.State.Get([]byte("chain/version")); raw != nil {
		t.Fatalf("the genesis state holds a version record %s", raw)
	}

	// Scheduled, cancelled, scheduled again.
	at := h.Height + 10
	propose(t, r, gongxu.ProposalScheduleUpgrade, gongxu.UpgradePlan{Name: "v2", Version: 2, Height: at - 2})
	propose(t, r, gongxu.ProposalCancelUpgrade, gongxu.UpgradePlan{Name: "v2"})
	if _, ok, _ := h.Member.ScheduledUpgrade(h.State); ok {
		t.Fatal("the cancelled plan is still scheduled")
	}
	at = h.Height + 5
	propose(t, r, gongxu.ProposalScheduleUpgrade, gongxu.UpgradePlan{Name: "v2", Version: 2, Height: at})
	for h.Height < at-1 {
		r.block(h.Sign("hub-c", member.TypeUpdateOrg, member.MsgUpdateOrg{Contact: "c" + string(rune('a'+h.Height%26))}))
	}
	before, beforeDump := h.Root(), h.Dump()

	// The old binary stops at the height, twice alike, changing nothing.
	tx := h.Sign("hub-c", member.TypeUpdateOrg, member.MsgUpdateOrg{Name: "at the upgrade"})
	for range 2 {
		_, err := h.App.FinalizeBlock(chain.Block{Height: at, Time: h.Time + 1000, Txs: [][]byte{tx}})
		u, ok := chain.AsUpgradeNeeded(err)
		if !ok {
			t.Fatalf("block %d on the old binary: %v, want an upgrade-needed stop", at, err)
		}
		if u.Plan.Version != 2 || u.Plan.Name != "v2" || u.Plan.Height != at || !strings.Contains(err.Error(), "state machine version 2") {
			t.Fatalf("stop names %+v: %v", u.Plan, err)
		}
	}
	if h.State.Height() != at-1 || h.Root() != before {
		t.Fatalf("the stop changed the state: height %d", h.State.Height())
	}
	if _, err := h.App.Commit(); err == nil {
		t.Fatal("a commit after the stop succeeded")
	}
	if d := diffDump(beforeDump, h.Dump()); d != "" {
		t.Fatalf("state changed at %s", d)
	}

	// A binary whose version 2 is another upgrade stops too, and says so.
	other, err := chaintest.OpenWith(db, withUpgrades(chain.Upgrade{Version: 2, Name: "v2-other", Migrate: func(*module.Context) error { return nil }}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.App.FinalizeBlock(chain.Block{Height: at, Time: h.Time + 1000})
	if u, ok := chain.AsUpgradeNeeded(err); !ok || u.Have != "v2-other" || !strings.Contains(err.Error(), `"v2-other", not "v2"`) {
		t.Fatalf("wrong-name binary: %v", err)
	}

	// The new binary migrates at the height and goes on.
	runs := 0
	nh, err := chaintest.OpenWith(db, withUpgrades(v2(&runs)))
	if err != nil {
		t.Fatal(err)
	}
	nh.T, nh.Time = t, h.Time
	r.h = nh
	res := r.block(tx)
	chaintest.MustOK(t, res.Txs[0])
	if runs != 1 {
		t.Fatalf("migration ran %d times", runs)
	}
	if !hasEvent(res.Events, gongxu.EventUpgrade) {
		t.Fatalf("no %s event in %v", gongxu.EventUpgrade, res.Events)
	}
	if v, err := nh.App.AppVersion(); err != nil || v != (gongxu.AppVersionInfo{Version: 2, Name: "v2", Height: at}) {
		t.Fatalf("version after the upgrade %+v (%v)", v, err)
	}
	if _, ok, _ := nh.Member.ScheduledUpgrade(nh.State); ok {
		t.Fatal("the plan is still scheduled after it ran")
	}
	if v, _ := nh.State.Get([]byte("v2/name/hub-c")); string(v) != "hub-c" {
		t.Fatalf("migrated key holds %q", v)
	}
	for range 3 {
		r.block()
	}
	if runs != 1 {
		t.Fatalf("migration ran %d times", runs)
	}

	// The old binary refuses the upgraded state.
	if _, err := chaintest.OpenWith(db, nil); gongxu.ErrorKind(err) != gongxu.KindConflict || !strings.Contains(err.Error(), "newer than this binary's version 1") {
		t.Fatalf("old binary on the upgraded state: %v", err)
	}

	// The new binary replays from genesis to the same hashes: it runs
	// version 1 until the height, then the migration.
	runs2 := 0
	fresh, err := chaintest.OpenWith(store.NewMemDB(), withUpgrades(v2(&runs2)))
	if err != nil {
		t.Fatal(err)
	}
	fresh.T = t
	fresh.InitChain(chaintest.Genesis(chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory}},
		chaintest.OrgSpec{ID: "supplier-b", Roles: []gongxu.Role{gongxu.RoleSupplier}}, chaintest.OrgSpec{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}}))
	for _, b := range r.blocks {
		if _, err := fresh.App.FinalizeBlock(chain.Block{Height: b.height, Time: b.time, Txs: b.txs}); err != nil {
			t.Fatalf("replay %d: %v", b.height, err)
		}
		if _, err := fresh.App.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if runs2 != 1 || !bytes.Equal(fresh.State.Root(), nh.State.Root()) {
		t.Fatalf("replay: %d migrations, root %x, want %x", runs2, fresh.State.Root(), nh.State.Root())
	}
}

// TestUpgradeMigrationFails: a failing or panicking migration stops the
// node at the height with nothing committed (every node alike).
func TestUpgradeMigrationFails(t *testing.T) {
	for name, fn := range map[string]func(*module.Context) error{
		"error": func(ctx *module.Context) error { _ = ctx.KV.Set([]byte("x"), []byte("y")); return errors.New("boom") },
		"panic": func(*module.Context) error { panic("boom") },
	} {
		t.Run(name, func(t *testing.T) {
			db := store.NewMemDB()
			h, _ := chaintest.OpenWith(db, nil)
			h.T = t
			h.InitChain(chaintest.Genesis(chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory}}))
			h.Block()
			at := h.Height + 3
			chaintest.MustOK(t, h.Deliver(h.Sign("factory-a", member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalScheduleUpgrade, Title: "up",
				Upgrade: &gongxu.UpgradePlan{Name: "v2", Version: 2, Height: at}})))
			bad, err := chaintest.OpenWith(db, withUpgrades(chain.Upgrade{Version: 2, Name: "v2", Migrate: fn}))
			if err != nil {
				t.Fatal(err)
			}
			bad.T, bad.Time = t, h.Time
			bad.Block()
			root := bad.Root()
			_, err = bad.App.FinalizeBlock(chain.Block{Height: at, Time: bad.Time + 1000})
			if err == nil || !strings.Contains(err.Error(), "the migration failed") || !strings.Contains(err.Error(), "boom") {
				t.Fatalf("failing migration: %v", err)
			}
			if bad.Root() != root || bad.State.Height() != at-1 {
				t.Fatal("the failed migration changed the state")
			}
		})
	}
}

// TestUpgradeRegistry: a binary's upgrades are versions 2, 3, … in order,
// named, with a migration; a genesis may start at a version the binary has.
func TestUpgradeRegistry(t *testing.T) {
	nop := func(*module.Context) error { return nil }
	for name, us := range map[string][]chain.Upgrade{
		"skips a version": {{Version: 3, Name: "v3", Migrate: nop}},
		"out of order":    {{Version: 2, Name: "v2", Migrate: nop}, {Version: 2, Name: "again", Migrate: nop}},
		"no migration":    {{Version: 2, Name: "v2"}},
		"bad name":        {{Version: 2, Name: "V2!", Migrate: nop}},
	} {
		if _, err := chaintest.OpenWith(store.NewMemDB(), withUpgrades(us...)); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	old, _ := chaintest.OpenWith(store.NewMemDB(), nil)
	if _, _, err := old.App.InitChain(chain.Genesis{AppState: chaintest.Genesis(chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory}}), AppVersion: 2}); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("a genesis at version 2 on a version-1 binary: %v", err)
	}
	runs := 0
	nw, _ := chaintest.OpenWith(store.NewMemDB(), withUpgrades(v2(&runs)))
	nw.T = t
	if _, _, err := nw.App.InitChain(chain.Genesis{AppState: chaintest.Genesis(chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory}}), AppVersion: 2}); err != nil {
		t.Fatal(err)
	}
	if v, _ := nw.App.AppVersion(); v.Version != 2 || runs != 0 {
		t.Fatalf("genesis at version 2: %+v, %d migrations", v, runs)
	}
	nw.Block() // the genesis state is committed with the first block
	if raw, _ := nw.State.Get([]byte("chain/version")); !strings.Contains(string(raw), `"version":2`) {
		t.Fatalf("a genesis at version 2 records %q", raw)
	}
	if nw.App.BinaryVersion() != 2 || old.App.BinaryVersion() != 1 {
		t.Fatalf("binary versions %d, %d", nw.App.BinaryVersion(), old.App.BinaryVersion())
	}
}

func hasEvent(evs []gongxu.Event, typ string) bool {
	for _, e := range evs {
		if e.Type == typ {
			return true
		}
	}
	return false
}

func diffDump(a, b map[string]string) string {
	for k, v := range a {
		if b[k] != v {
			return k
		}
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			return k
		}
	}
	return ""
}
