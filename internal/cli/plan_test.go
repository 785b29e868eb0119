package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/node"
)

// fixedPlans is a gongxu.PlanService that answers one plan for one factory.
type fixedPlans struct{ v gongxu.PlanView }

func (p fixedPlans) Plan(_ context.Context, factory gongxu.OrgID) (gongxu.PlanView, error) {
	if factory != p.v.Factory {
		return gongxu.PlanView{}, gongxu.Errorf(gongxu.KindNotFound, "org %s is not a factory", factory)
	}
	return p.v, nil
}

// TestPlanCommand runs gongxu plan against a fake node: the API address
// from the home's config, the org from the operator key, the table, and
// --send signing each transaction with the operator key.
func TestPlanCommand(t *testing.T) {
	home := t.TempDir()
	kr, err := keyring.Open(home + "/keys")
	if err != nil {
		t.Fatal(err)
	}
	op, err := kr.Add(node.OperatorKey)
	if err != nil {
		t.Fatal(err)
	}
	fn := newFakeNode()
	fn.orgs[0].Keys = append(fn.orgs[0].Keys, op.PubKey) // acme, a factory
	po, _ := json.Marshal(production.MsgPO{Supplier: "mill", Lines: []production.LineIn{{Item: "shell", Qty: 150_000, Date: 1_774_000_000_000}}})
	pd, _ := json.Marshal(production.MsgPlanDate{Order: 1, Completion: 1_774_100_000_000, Reason: "waits for shell from mill, due 2026-03-20"})
	v := gongxu.PlanView{
		Factory: "acme", At: 1_773_640_800_000,
		Orders: []gongxu.PlannedOrder{{Order: 1, Product: "acme/jacket", Qty: 40_000, Due: 1_774_200_000_000, Completion: 1_774_100_000_000,
			Published: 1_774_200_000_000, Reason: "waits for shell from mill, due 2026-03-20"}},
		Purchases: []gongxu.PlannedPurchase{{ID: "po:shell@2026-03-20", Supplier: "mill", Item: "shell", Qty: 60_000,
			Release: 1_773_532_800_000, Due: 1_773_964_800_000, Pegging: []string{"order-1"}}},
		Work: []gongxu.PlannedWork{{ID: "wo:acme/jacket@2026-03-22", Item: "acme/jacket", Qty: 40_000, Start: 1_773_964_800_000,
			Due: 1_774_137_600_000, Pegging: []string{"order-1"}, Delivers: []string{"order-1"}}},
		Dates:       []gongxu.OrderDate{{Work: "wo:acme/jacket@2026-03-22", Item: "acme/jacket", Ready: 1_773_964_800_000, Completion: 1_774_100_000_000}},
		Ops:         []gongxu.ScheduledOp{{Work: "wo:acme/jacket@2026-03-22", WorkCenter: "sewing", Start: 1_773_993_600_000, End: 1_774_019_400_000}},
		WorkCenters: []gongxu.WorkCenter{{ID: "sewing", Capacity: 2}},
		LateSupply: []gongxu.LateSupply{{PO: 7, Line: 2, Supplier: "mill", Item: "lining", Qty: 30_000, Promised: 1_773_532_800_000,
			Recorded: 1_773_619_201_000, Expected: 1_773_792_000_000, Basis: "as late again as it is already (1 day)"}},
		Txs: []gongxu.PlanTx{
			{Type: production.TypePO, Summary: "purchase order to mill, 1 line: shell 150 by 2026-03-20", Body: po},
			{Type: production.TypePlanDate, Summary: "order 1 completes …", Body: pd},
		},
		Problems: []string{"supplier mill has no offer for lining"},
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Node: fn, Members: fn, Txs: fn, Plans: fixedPlans{v}}))
	defer srv.Close()
	cfg := node.DefaultConfig()
	cfg.API = strings.TrimPrefix(srv.URL, "http://")
	if err := node.SaveConfig(home, cfg); err != nil {
		t.Fatal(err)
	}

	// The node from the config, the org from the operator key.
	code, out, errOut := run(t, "plan", "--home", home)
	if code != 0 {
		t.Fatalf("plan: exit %d: %s", code, errOut)
	}
	var got gongxu.PlanView
	if err := json.Unmarshal([]byte(out), &got); err != nil || got.Factory != "acme" || len(got.Txs) != 2 {
		t.Fatalf("plan printed %s (%v)", out, err)
	}
	if len(fn.txs()) != 0 {
		t.Fatal("plan without --send sent transactions")
	}
	code, out, errOut = run(t, "plan", "--home", home, "-o", "table")
	if code != 0 {
		t.Fatalf("plan -o table: exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"PLAN  acme",
		"1      acme/jacket  40   2026-03-22 17:20  2026-03-21 13:33  2026-03-22 17:20  -     waits for shell from mill, due 2026-03-20",
		"mill      shell  60   2026-03-15  2026-03-20  order-1",
		"wo:acme/jacket@2026-03-22  acme/jacket  40   2026-03-20  2026-03-22  2026-03-20 00:00  2026-03-21 13:33  order-1",
		"sewing       2      1    7h10m0s  2026-03-20 08:00  2026-03-20 15:10",
		"production/po         purchase order to mill, 1 line: shell 150 by 2026-03-20",
		"supplier mill has no offer for lining",
		"po 7 line 2   mill      lining  30   2026-03-15 00:00  2026-03-18 00:00  as late again as it is already (1 day)",
	} {
		if !strings.Contains(squeeze(out), squeeze(want)) {
			t.Errorf("table lacks %q:\n%s", want, out)
		}
	}
	// Another org, through --node; an org that is no factory.
	if code, _, errOut = run(t, "plan", "--home", t.TempDir(), "--node", srv.URL, "--org", "hub-lishui"); code == 0 || !strings.Contains(errOut, "not a factory") {
		t.Errorf("plan of a hub: exit %d: %s", code, errOut)
	}
	// No operator key and no --org.
	if code, _, errOut = run(t, "plan", "--home", t.TempDir(), "--node", srv.URL); code == 0 || !strings.Contains(errOut, "no operator key") {
		t.Errorf("plan without a key: exit %d: %s", code, errOut)
	}

	// --send: each transaction signed with the operator key, in order.
	code, out, errOut = run(t, "plan", "--home", home, "--send")
	if code != 0 {
		t.Fatalf("plan --send: exit %d: %s", code, errOut)
	}
	var sent planSent
	if err := json.Unmarshal([]byte(out), &sent); err != nil || len(sent.Sent) != 2 || sent.Sent[1].Result.Height != 2 {
		t.Fatalf("plan --send printed %s (%v)", out, err)
	}
	txs := fn.txs()
	if len(txs) != 2 || txs[0].Type != production.TypePO || txs[1].Type != production.TypePlanDate ||
		txs[0].SignerKey() != op.PubKey || txs[1].Sequence != 2 || string(txs[0].Body) != string(po) {
		t.Fatalf("sent %+v", txs)
	}
	// A rejected transaction: the results are printed, the exit code is 1.
	fn.reject = &gongxu.TxResult{Code: uint32(gongxu.KindInvalid), Message: "no offer"}
	code, out, errOut = run(t, "plan", "--home", home, "--send", "-o", "table")
	if code != 1 || !strings.Contains(out, "invalid: no offer") || !strings.Contains(errOut, "rejected") {
		t.Errorf("rejected: exit %d:\n%s\n%s", code, out, errOut)
	}
}

// squeeze collapses runs of spaces, so table checks do not count columns.
func squeeze(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(lines, "\n")
}

func TestPlanHomeNodeURL(t *testing.T) {
	home := t.TempDir()
	if u, err := homeNodeURL(home); err != nil || u != "http://127.0.0.1:8080" {
		t.Errorf("no config: %s %v", u, err)
	}
	for api, want := range map[string]string{"0.0.0.0:9000": "http://127.0.0.1:9000", "[::]:9000": "http://127.0.0.1:9000",
		":9000": "http://127.0.0.1:9000", "10.0.0.5:9000": "http://10.0.0.5:9000"} {
		cfg := node.DefaultConfig()
		cfg.API = api
		if err := node.SaveConfig(home, cfg); err != nil {
			t.Fatal(err)
		}
		if u, err := homeNodeURL(home); err != nil || u != want {
			t.Errorf("%s: %s %v, want %s", api, u, err, want)
		}
	}
	if c, _ := node.LoadConfig(t.TempDir()); !c.AutoPlan {
		t.Error("auto_plan is off by default")
	}
}
