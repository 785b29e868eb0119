package node

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/production"
)

// lockedBuffer is a log's destination that tests may read while it is written.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestPlanTrigger: which projected events make the auto-planner run.
func TestPlanTrigger(t *testing.T) {
	order := func(factory string, statuses ...gongxu.ProductionOrderStatus) gongxu.Event {
		o := gongxu.ProductionOrder{ID: 1, Factory: gongxu.OrgID(factory)}
		for _, s := range statuses {
			o.History = append(o.History, gongxu.OrderChange{Status: s})
		}
		b, _ := json.Marshal(o)
		return gongxu.NewEvent("production.order", "order", "1", "factory", factory, "status", string(statuses[len(statuses)-1]), "json", string(b))
	}
	wo := func(factory string) gongxu.Event {
		b, _ := json.Marshal(gongxu.WorkOrder{ID: 3, Order: 1, Factory: gongxu.OrgID(factory), Status: gongxu.WOStarted})
		return gongxu.NewEvent("production.wo", "wo", "3", "order", "1", "status", "started", "json", string(b))
	}
	po := func(factory string) gongxu.Event {
		return gongxu.NewEvent("production.po", "po", "2", "factory", factory, "supplier", "mill", "status", "sent", "json", "{}")
	}
	open, prog := gongxu.OrderOpen, gongxu.OrderInProgress
	for _, c := range []struct {
		name string
		ev   gongxu.Event
		org  gongxu.OrgID
		want bool
	}{
		{"new order", order("acme", open), "acme", true},
		{"status change", order("acme", open, prog), "acme", true},
		{"planned date", order("acme", open, open), "acme", false},
		{"another factory's order", order("other", open), "acme", false},
		{"org not known yet", order("other", open), "", true},
		{"its po", po("acme"), "acme", true},
		{"another's po", po("other"), "acme", false},
		{"its wo", wo("acme"), "acme", true},
		{"another's wo", wo("other"), "acme", false},
		{"an offer", gongxu.NewEvent("production.offer", "supplier", "mill"), "acme", false},
	} {
		if got := planTrigger(c.ev, c.org); got != c.want {
			t.Errorf("%s: trigger %v, want %v", c.name, got, c.want)
		}
	}
}

// TestPlanNode runs a one-node network: once a factory with master data and
// supplier offers creates a production order, its node plans on its own,
// sends the purchase orders and the planned completion, and then rests
// (planning again proposes nothing); the API's plan (what gongxu plan
// prints) shows that plan.
func TestPlanNode(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	home := initTestHome(t)
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	var logs lockedBuffer
	n := openTestNode(t, home, cfg, slog.New(slog.NewTextHandler(&logs, nil)))
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := client.New(n.URL())
	kr, _ := keyring.Open(filepath.Join(home, "keys"))
	key := func(name string) keyring.Key {
		k, err := kr.Get(name)
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			k, err = kr.Add(name)
		}
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	send := func(signer, typ string, body any) gongxu.TxResult {
		t.Helper()
		k := key(signer)
		acc, err := c.Account(ctx, k.PubKey)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(body)
		r, err := c.Submit(ctx, gongxu.SignTx(n.chain.ChainID(), k.Private, typ, b, acc.Sequence).Encode(), true)
		if err != nil {
			t.Fatal(err)
		}
		if r.Code != 0 {
			t.Fatalf("%s by %s: %s", typ, signer, r.Message)
		}
		return r
	}
	// Two suppliers join and publish their offers.
	voters := []string{}
	for _, s := range []string{"mill", "zips"} {
		org := gongxu.Org{ID: gongxu.OrgID(s), Name: s, Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{key(s).PubKey}}
		send(OperatorKey, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: "Admit " + s, Org: &org})
		props, err := c.Proposals(ctx, gongxu.ProposalFilter{Status: gongxu.ProposalOpen})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range props {
			for _, v := range voters {
				send(v, member.TypeVote, member.MsgVote{Proposal: p.ID, Yes: true})
			}
		}
		voters = append(voters, s)
	}
	send("mill", production.TypeOffer, production.MsgOffer{Item: "shell", Unit: "m", LeadTimeDays: 5, MinQty: 150_000, UnitPrice: 2000, Currency: "CNY"})
	send("zips", production.TypeOffer, production.MsgOffer{Item: "zipper", Unit: "piece", LeadTimeDays: 3, UnitPrice: 300, Currency: "CNY"})
	// The factory (this node's operator org): a product and its master data.
	//
	//	operator/jacket (made, 2 d)
	//	├─ shell 1.5 m     bought from mill, lots in 10 m steps
	//	└─ kit 1           phantom
	//	   └─ zipper 1     bought from zips
	send(OperatorKey, catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 7})
	for _, it := range []gongxu.Item{
		{ID: "operator/jacket", Unit: "piece", LeadTimeDays: 2, Make: true},
		{ID: "kit", Unit: "piece", Make: true, Phantom: true},
		{ID: "shell", Unit: "m", LeadTimeDays: 5, LotMultiple: 10_000, Supplier: "mill"},
		{ID: "zipper", Unit: "piece", LeadTimeDays: 3, Supplier: "zips"},
	} {
		send(OperatorKey, production.TypeItem, production.MsgItem{Item: it})
	}
	send(OperatorKey, production.TypeBOM, production.MsgBOM{Parent: "operator/jacket", Lines: []production.BOMIn{{Child: "shell", QtyPer: 1500}, {Child: "kit", QtyPer: 1000}}})
	send(OperatorKey, production.TypeBOM, production.MsgBOM{Parent: "kit", Lines: []production.BOMIn{{Child: "zipper", QtyPer: 1000}}})
	var always []gongxu.Shift
	for d := range int64(7) {
		always = append(always, gongxu.Shift{Weekday: d, StartMin: 0, EndMin: 1440})
	}
	send(OperatorKey, production.TypeWorkCenter, production.MsgWorkCenter{WorkCenter: gongxu.WorkCenter{ID: "sewing", Capacity: 2, Calendar: gongxu.Calendar{Weekly: always}}})
	send(OperatorKey, production.TypeRouting, production.MsgRouting{Routing: gongxu.Routing{Item: "operator/jacket",
		Ops: []gongxu.Operation{{WorkCenter: "sewing", SetupMs: 30 * 60_000, RunMsPerUnit: 10 * 60_000}}}})
	if pos, err := c.POs(ctx, "operator", 10); err != nil || len(pos) != 0 {
		t.Fatalf("master data alone made purchase orders: %+v (%v)", pos, err)
	}

	// The order: 40 jackets in 30 days.
	st, _ := c.Status(ctx)
	bt, _ := time.Parse(time.RFC3339Nano, st.BlockTime)
	due := bt.UnixMilli() + 30*86_400_000
	send(OperatorKey, production.TypeOrder, production.MsgOrder{Product: "operator/jacket", Qty: 40_000, Due: due})

	// The node plans on its own: 60 m of shell (raised to mill's 150 m
	// minimum) and 40 zippers, both due on the jacket work's start, two
	// days before the due day; the work sews 30 + 400 min from then.
	start := due - due%86_400_000 - 2*86_400_000
	var order gongxu.ProductionOrder
	var pos []gongxu.PurchaseOrder
	for {
		os, err := c.Orders(ctx, "operator", 10)
		if err != nil {
			t.Fatal(err)
		}
		pos, err = c.POs(ctx, "operator", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(os) == 1 && os[0].PlannedCompletion != due && len(pos) == 2 {
			order = os[0]
			break
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the node did not plan: orders %+v, purchase orders %+v", os, pos)
		case <-time.After(200 * time.Millisecond):
		}
	}
	if want := start + 430*60_000; order.PlannedCompletion != want || order.PlanReason != "waits for shell from mill, due "+time.UnixMilli(start).UTC().Format(time.DateOnly) {
		t.Errorf("planned completion %s (%q), want %s", msTime(order.PlannedCompletion), order.PlanReason, msTime(want))
	}
	slices.SortFunc(pos, func(a, b gongxu.PurchaseOrder) int { return strings.Compare(string(a.Supplier), string(b.Supplier)) })
	for i, want := range []gongxu.POLine{{Item: "shell", Qty: 150_000, Date: start, UnitPrice: 2000}, {Item: "zipper", Qty: 40_000, Date: start, UnitPrice: 300}} {
		if p := pos[i]; p.Status != gongxu.POSent || len(p.Lines) != 1 || p.Lines[0] != want {
			t.Errorf("purchase order to %s: %s %+v, want %+v", p.Supplier, p.Status, p.Lines, want)
		}
	}

	// The purchase orders' commits made it plan again: nothing new. Give
	// it a moment, then the ledger still holds two purchase orders.
	time.Sleep(2 * time.Second)
	if err := n.WaitProjected(ctx, n.Height()); err != nil {
		t.Fatal(err)
	}
	if pos, _ := c.POs(ctx, "operator", 10); len(pos) != 2 {
		t.Errorf("the node sent more purchase orders: %+v", pos)
	}

	// It said what it sent, and nothing else.
	var sentLog []string
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "auto-plan") {
			sentLog = append(sentLog, l)
		}
	}
	if len(sentLog) != 3 || !strings.Contains(sentLog[0], `summary="purchase order to mill, 1 line: shell 150 by `) ||
		!strings.Contains(sentLog[1], `summary="purchase order to zips, 1 line: zipper 40 by `) ||
		!strings.Contains(sentLog[2], `type=production/plan_date summary="order 1 completes `) {
		t.Errorf("auto-plan log:\n%s", strings.Join(sentLog, "\n"))
	}

	// The plan (as gongxu plan prints it) is the one the node acted on: the
	// order's date, the work fed by the purchase orders, nothing more to
	// send.
	v, err := c.Plan(ctx, "operator")
	if err != nil {
		t.Fatalf("plan: %v", err)
	}
	if v.Factory != "operator" || len(v.Orders) != 1 || v.Orders[0].Completion != order.PlannedCompletion ||
		v.Orders[0].Published != order.PlannedCompletion || v.Orders[0].Reason == "" {
		t.Errorf("plan orders: %+v, want completion %s", v.Orders, msTime(order.PlannedCompletion))
	}
	if len(v.Txs) != 0 || len(v.Purchases) != 0 || len(v.Problems) != 0 {
		t.Errorf("the plan still proposes: %+v %+v %q", v.Txs, v.Purchases, v.Problems)
	}
	if len(v.Work) != 1 || !slices.Equal(v.Work[0].Inputs, []string{"po-1-1", "po-2-1"}) || len(v.Ops) != 1 || v.Ops[0].WorkCenter != "sewing" {
		t.Errorf("plan work: %+v, ops %+v", v.Work, v.Ops)
	}
	if !strings.Contains(v.Orders[0].Reason, "waits for purchase order 1 line 1 (shell from mill)") {
		t.Errorf("plan order's reason: %q", v.Orders[0].Reason)
	}
}

// msTime formats a time of the ledger for a test's message.
func msTime(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339) }
