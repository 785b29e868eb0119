package sqlite

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// t0 is the block time of height 1: 2026-01-01T00:00:00Z.
const t0 = int64(1767225600000)

func openTemp(t testing.TB) *DB {
	t.Helper()
	db, err := Open(filepath.Join(t.TempDir(), "read.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Error(err)
		}
	})
	return db
}

func key(n int) gongxu.PubKey { return gongxu.PubKey(fmt.Sprintf("%064x", n)) }

func txHash(height int64, idx int) string { return fmt.Sprintf("%056X%08X", height, idx) }

func blockHash(height int64) string { return fmt.Sprintf("B%063X", height) }

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}

func orgEvent(o gongxu.Org) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventOrg, "org", string(o.ID), "json", mustJSON(o))
}

func orgRemovedEvent(id gongxu.OrgID) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventOrgRemoved, "org", string(id))
}

func proposalEvent(p gongxu.Proposal) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventProposal, "id", strconv.FormatUint(p.ID, 10), "status", string(p.Status), "json", mustJSON(p))
}

func validatorEvent(k gongxu.PubKey, power int64, org gongxu.OrgID) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventValidator, "pub_key", string(k), "power", strconv.FormatInt(power, 10), "org", string(org))
}

func paramsEvent(p gongxu.Params) gongxu.Event {
	return gongxu.NewEvent(gongxu.EventParams, "json", mustJSON(p))
}

// tx is a successful tx of org's first key with the given events.
func tx(typ string, org gongxu.OrgID, signer gongxu.PubKey, events ...gongxu.Event) gongxu.TxRecord {
	return gongxu.TxRecord{Type: typ, Org: org, Signer: signer, Events: events}
}

// block fills in heights, indexes, hashes and times.
func block(height int64, txs []gongxu.TxRecord, events ...gongxu.Event) gongxu.CommittedBlock {
	b := gongxu.CommittedBlock{
		Height:  height,
		Time:    t0 + (height-1)*1000,
		Hash:    blockHash(height),
		AppHash: fmt.Sprintf("%064x", height*7),
		Events:  events,
	}
	for i, t := range txs {
		t.Height, t.Index, t.Hash = height, i, txHash(height, i)
		b.Txs = append(b.Txs, t)
	}
	return b
}

// scenario is a member module history of six blocks and the records the
// read model must hold after it.
type scenario struct {
	blocks     []gongxu.CommittedBlock
	orgs       []gongxu.Org
	validators []gongxu.Validator
	proposals  []gongxu.Proposal // newest first
	params     gongxu.Params
}

func newScenario() scenario {
	var (
		acme  = gongxu.Org{ID: "acme", Name: "Acme Textiles", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}, Keys: []gongxu.PubKey{key(1)}}
		beta  = gongxu.Org{ID: "beta", Name: "Beta Yarns", Roles: []gongxu.Role{gongxu.RoleSupplier, gongxu.RoleValidator}, Keys: []gongxu.PubKey{key(2)}}
		hub1  = gongxu.Org{ID: "hub1", Name: "Riverside Hub", Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{key(4)}, Contact: "hub1@example.com"}
		gamma = gongxu.Org{ID: "gamma", Name: "Gamma Logistics", Roles: []gongxu.Role{gongxu.RoleLogistics, gongxu.RoleValidator}, Keys: []gongxu.PubKey{key(3)}, Since: 3}
		evil  = gongxu.Org{ID: "evil", Name: "Not A Member"}
		acme2 = acme
	)
	acme2.Name, acme2.Description, acme2.Keys = "Acme Textiles Ltd", "denim and canvas", []gongxu.PubKey{key(1), key(11)}

	params := gongxu.DefaultParams()
	day := int64(24 * 3600 * 1000)
	prop := func(id uint64, kind gongxu.ProposalKind, proposer gongxu.OrgID, created int64) gongxu.Proposal {
		return gongxu.Proposal{ID: id, Kind: kind, Proposer: proposer, Title: fmt.Sprintf("proposal %d", id),
			Created: t0 + (created-1)*1000, Deadline: t0 + (created-1)*1000 + 7*day,
			Status: gongxu.ProposalOpen, Yes: []gongxu.OrgID{proposer}, No: []gongxu.OrgID{}, Electors: 3, Height: created}
	}
	with := func(p gongxu.Proposal, status gongxu.ProposalStatus, height int64, yes, no []gongxu.OrgID) gongxu.Proposal {
		p.Status, p.Height, p.Yes, p.No = status, height, yes, no
		return p
	}
	p1 := prop(1, gongxu.ProposalAdmitOrg, "acme", 2)
	p1.Org = &gamma
	p1b := with(p1, gongxu.ProposalPassed, 3, []gongxu.OrgID{"acme", "beta", "hub1"}, []gongxu.OrgID{})
	p2 := prop(2, gongxu.ProposalRemoveOrg, "acme", 3)
	p2.Target, p2.Electors = "beta", 4
	p2b := with(p2, gongxu.ProposalPassed, 4, []gongxu.OrgID{"acme", "gamma", "hub1"}, []gongxu.OrgID{"beta"})
	p3 := prop(3, gongxu.ProposalAddValidator, "gamma", 3)
	p3.Target, p3.PubKey, p3.Power, p3.Electors = "gamma", key(3), 5, 4
	p3b := with(p3, gongxu.ProposalPassed, 4, []gongxu.OrgID{"gamma", "acme", "hub1"}, []gongxu.OrgID{})
	p4 := prop(4, gongxu.ProposalSetParam, "hub1", 4)
	p4.Param, p4.Value = "voting_period_ms", day
	p4b := with(p4, gongxu.ProposalExpired, 5, p4.Yes, p4.No)
	p5 := prop(5, gongxu.ProposalRemoveOrg, "gamma", 5)
	p5.Target = "hub1"
	p5b := with(p5, gongxu.ProposalRejected, 6, []gongxu.OrgID{"gamma"}, []gongxu.OrgID{"acme", "hub1"})
	p5b.Result = "no longer reachable"

	failed := tx("member.admit", "", key(99), orgEvent(evil))
	failed.Code, failed.Kind, failed.Message = uint32(gongxu.KindUnauthorized), "unauthorized", "signer belongs to no member org"

	blocks := []gongxu.CommittedBlock{
		block(1, nil,
			paramsEvent(params), orgEvent(acme), orgEvent(beta), orgEvent(hub1),
			validatorEvent(key(1), 10, "acme"), validatorEvent(key(2), 10, "beta"),
			gongxu.NewEvent("catalog.genesis", "items", "0")),
		block(2, []gongxu.TxRecord{
			tx("member.propose", "acme", key(1), proposalEvent(p1)),
			failed,
			tx("pool.open", "acme", key(1), gongxu.NewEvent("pool.opened", "pool", "p-1", "org", "acme")),
		}),
		block(3, []gongxu.TxRecord{
			tx("member.vote", "hub1", key(4), proposalEvent(p1b), orgEvent(gamma)),
			tx("member.propose", "acme", key(1), proposalEvent(p2)),
			tx("member.propose", "gamma", key(3), proposalEvent(p3)),
			tx("member.update_org", "acme", key(1), orgEvent(acme2)),
		}),
		block(4, []gongxu.TxRecord{
			tx("member.vote", "hub1", key(4), proposalEvent(p2b), orgRemovedEvent("beta"), validatorEvent(key(2), 0, "beta")),
			tx("member.vote", "hub1", key(4), proposalEvent(p3b), validatorEvent(key(3), 5, "gamma")),
			tx("member.propose", "hub1", key(4), proposalEvent(p4)),
		}),
		block(5, []gongxu.TxRecord{
			tx("member.propose", "gamma", key(3), proposalEvent(p5)),
		}, proposalEvent(p4b)),
		block(6, []gongxu.TxRecord{
			tx("member.vote", "hub1", key(4), proposalEvent(p5b), validatorEvent(key(1), 20, "acme")),
		}),
	}
	return scenario{
		blocks:     blocks,
		orgs:       []gongxu.Org{acme2, gamma, hub1},
		validators: []gongxu.Validator{{PubKey: key(1), Power: 20, Org: "acme"}, {PubKey: key(3), Power: 5, Org: "gamma"}},
		proposals:  []gongxu.Proposal{p5b, p4b, p3b, p2b, p1b},
		params:     params,
	}
}

// dump returns every row of every projection table, sorted, as text.
func dump(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.w.QueryContext(ctx,
		`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'schema_version' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, n)
	}
	rows.Close()
	if len(tables) < 8 {
		t.Fatalf("only tables %v", tables)
	}
	var sb strings.Builder
	for _, tb := range tables {
		cols, rows := queryRows(t, db, "SELECT * FROM "+tb)
		var lines []string
		for _, vals := range rows {
			var l strings.Builder
			for i, v := range vals {
				if b, ok := v.([]byte); ok {
					v = string(b)
				}
				fmt.Fprintf(&l, "%s=%v ", cols[i], v)
			}
			lines = append(lines, l.String())
		}
		sort.Strings(lines)
		fmt.Fprintf(&sb, "== %s (%d)\n%s\n", tb, len(lines), strings.Join(lines, "\n"))
	}
	return sb.String()
}

// queries returns the answers of every query, as JSON.
func queries(t testing.TB, db *DB) string {
	t.Helper()
	ctx := context.Background()
	var out []any
	add := func(v any, err error) {
		t.Helper()
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			t.Fatal(err)
		}
		out = append(out, v, gongxu.ErrorKind(err).String())
	}
	add(db.Height(ctx))
	add(db.Orgs(ctx))
	add(db.Validators(ctx))
	add(db.Proposals(ctx, gongxu.ProposalFilter{Limit: MaxLimit}))
	add(db.Params(ctx))
	add(db.RecentTxs(ctx, MaxLimit))
	add(db.RecentBlocks(ctx, MaxLimit))
	add(db.Events(ctx, EventFilter{Limit: MaxLimit}))
	return mustJSON(out) + "\n" + poolQueries(t, db)
}

func projectAll(t testing.TB, db *DB, bs []gongxu.CommittedBlock) {
	t.Helper()
	for _, b := range bs {
		if err := db.Project(context.Background(), b); err != nil {
			t.Fatalf("project block %d: %v", b.Height, err)
		}
	}
}

func wantKind(t testing.TB, err error, k gongxu.Kind, substr string) {
	t.Helper()
	if gongxu.ErrorKind(err) != k {
		t.Fatalf("error %v: kind %v, want %v", err, gongxu.ErrorKind(err), k)
	}
	if !strings.Contains(gongxu.ErrorMessage(err), substr) {
		t.Fatalf("error %q does not say %q", gongxu.ErrorMessage(err), substr)
	}
}

// checkRebuild projects blocks into db again (one by one, as one batch, and
// the slice [lo:hi]) and then rebuilds db from Reset in one batch, and
// requires the dump of every table and the answers of query to stay want and
// wantQ each time: projection is idempotent and the read model rebuildable.
func checkRebuild(t *testing.T, db *DB, blocks []gongxu.CommittedBlock, lo, hi int, want, wantQ string, query func(testing.TB, *DB) string) {
	t.Helper()
	ctx := context.Background()
	projectAll(t, db, blocks)
	if err := db.ProjectBlocks(ctx, blocks); err != nil {
		t.Fatal(err)
	}
	if err := db.ProjectBlocks(ctx, blocks[lo:hi]); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, db); got != want {
		t.Errorf("re-projection changed the dump:\n%s\nwant\n%s", got, want)
	}
	if got := query(t, db); got != wantQ {
		t.Errorf("re-projection changed the answers:\n%s\nwant\n%s", got, wantQ)
	}
	if err := db.Reset(ctx); err != nil {
		t.Fatal(err)
	}
	if d := dump(t, db); strings.Count(d, "(0)\n") != strings.Count(d, "== ") {
		t.Fatalf("Reset left rows:\n%s", d)
	}
	if err := db.ProjectBlocks(ctx, blocks); err != nil {
		t.Fatal(err)
	}
	if got := dump(t, db); got != want {
		t.Errorf("rebuilt dump differs:\n%s\nwant\n%s", got, want)
	}
	if got := query(t, db); got != wantQ {
		t.Errorf("rebuilt answers differ:\n%s\nwant\n%s", got, wantQ)
	}
}

// queryRows runs q on db's writer and returns its columns and every row's
// values as the driver gives them.
func queryRows(t testing.TB, db *DB, q string, args ...any) ([]string, [][]any) {
	t.Helper()
	rows, err := db.w.QueryContext(context.Background(), q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		out = append(out, vals)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return cols, out
}
