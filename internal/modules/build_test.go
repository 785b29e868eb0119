package modules_test

import (
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/dispute"
	"github.com/gongxu-network/gongxu/internal/module/logistics"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/module/trace"
	"github.com/gongxu-network/gongxu/internal/modules"
)

// TestBuild: the one wiring builds every module, each with all it needs.
func TestBuild(t *testing.T) {
	s, err := modules.Build()
	if err != nil {
		t.Fatal(err)
	}
	if s.Member == nil || s.Catalog == nil || s.Settle == nil || s.Pool == nil || s.RFQ == nil || s.Production == nil || s.Dispute == nil || s.Trace == nil || s.Logistics == nil {
		t.Fatalf("a module is missing: %+v", s)
	}
	var names []string
	for _, m := range s.List() {
		names = append(names, m.Name())
	}
	if got := strings.Join(names, " "); got != "member catalog settle pool rfq production dispute logistics trace" {
		t.Fatalf("execution order %s", got)
	}
}

// TestIncompleteModules: a module built without one of its dependencies
// fails at construction, naming what is missing; none runs half wired.
func TestIncompleteModules(t *testing.T) {
	s := modules.New()
	m := member.New()
	var goods pool.Goods
	var prod pool.Production
	var tracer production.Tracer
	var open rfq.OpenPool
	for name, c := range map[string]struct {
		build func() error
		want  string
	}{
		"catalog":    {func() error { _, err := catalog.New(nil); return err }, "the catalog module needs members"},
		"settle":     {func() error { _, err := settle.New(nil); return err }, "the settle module needs members"},
		"trace":      {func() error { _, err := trace.New(nil, production.Lots{}, m); return err }, "the trace module needs an EPCIS parser"},
		"production": {func() error { _, err := production.New(m, s.Catalog, pool.Stages{}, tracer); return err }, "the production module needs a tracer"},
		"pool":       {func() error { _, err := pool.New(m, s.Catalog, s.Settle, goods, prod); return err }, "the pool module needs goods and production"},
		"rfq":        {func() error { _, err := rfq.New(m, s.Settle, open); return err }, "the rfq module needs a pool opener"},
		"rfq settle": {func() error {
			_, err := rfq.New(m, nil, func(*module.Context, rfq.PoolRequest) (uint64, error) { return 0, nil })
			return err
		}, "the rfq module needs settle"},
		"dispute":   {func() error { _, err := dispute.New(m, nil, nil); return err }, "the dispute module needs shares and orders"},
		"logistics": {func() error { _, err := logistics.New(m, s.Pool, nil, nil); return err }, "the logistics module needs orders and a tracer"},
		"typed nil": {func() error { _, err := trace.New(modules.EPCIS{}, (*production.Module)(nil), m); return err }, "the trace module needs lots"},
	} {
		err := c.build()
		if gongxu.ErrorKind(err) != gongxu.KindInvalid || !strings.HasPrefix(gongxu.ErrorMessage(err), c.want+":") {
			t.Errorf("%s: %v, want KindInvalid %q", name, err, c.want)
		}
	}
}

// TestPoolBeyondProductionOrders: a pool whose total cannot become a
// production order (more units than an order's milli-units can count)
// still closes as succeeded, with the money captured; its history says why
// no production order was opened, and it goes on to delivery and
// settlement without goods on the ledger.
func TestPoolBeyondProductionOrders(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "acme", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-a", Roles: []gongxu.Role{gongxu.RoleHub}})
	deliver := func(what, signer, typ string, body any) {
		t.Helper()
		if r := h.Deliver(h.Sign(signer, typ, body)); r.Code != 0 {
			t.Fatalf("%s: %s: %s", what, gongxu.Kind(r.Code), r.Log)
		}
	}
	const total = 9_300_000_000_000_000 // units: × 1000 overflows int64
	deliver("publish", "acme", catalog.TypePublish, catalog.MsgPublish{SKU: "bolt", Name: "Bolt", Unit: "piece", LeadTimeDays: 3})
	deliver("deposit", "hub-a", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: total})
	deliver("open", "acme", pool.TypeOpen, pool.MsgOpen{Product: "acme/bolt", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 1}},
		MOQ: 1, Cap: total, CasePack: 1, Currency: "CNY", Deadline: h.Time + 60_000})
	deliver("batch", "hub-a", pool.TypeBatch, pool.MsgBatch{Pool: 1, Leaves: []gongxu.PoolLeaf{
		{ID: "00112233445566778899aabbccddeeff", Qty: total - 1, Commit: strings.Repeat("1", 64)}}})
	h.Advance(60_000)
	h.Block()
	p, err := h.Mods.Pool.Pool(h.State, 1)
	if err != nil || p.Status != gongxu.PoolSucceeded || p.Captured != total-1 {
		t.Fatalf("pool 1: %+v, %v; want succeeded with %d captured", p, err, int64(total-1))
	}
	last := p.History[len(p.History)-1]
	if last.Status != gongxu.PoolSucceeded || !strings.HasPrefix(last.Reason, "no production order: ") || !strings.Contains(last.Reason, "more than a quantity in milli-units holds") {
		t.Fatalf("the history does not say why no production order was opened: %+v", last)
	}
	t.Logf("pool 1's history ends: %s", last.Reason)
	if oid, err := h.Mods.Production.OrderForPool(h.State, 1); err != nil || oid != 0 {
		t.Fatalf("order for pool 1: %d, %v", oid, err)
	}
	deliver("start", "acme", pool.TypeStartProduction, pool.MsgStartProduction{Pool: 1})
	deliver("confirm", "hub-a", pool.TypeConfirmDelivery, pool.MsgConfirmDelivery{Pool: 1})
	if p, _ := h.Mods.Pool.Pool(h.State, 1); p.Status != gongxu.PoolSettled {
		t.Fatalf("pool 1 is %s, want settled", p.Status)
	}
	if err := h.Mods.Settle.CheckInvariant(h.State); err != nil {
		t.Fatal(err)
	}
}

// TestHoldBound: the recall's weight counts the hold walk's bound, which
// the production module enforces.
func TestHoldBound(t *testing.T) {
	if trace.HoldVisits != production.MaxHoldLots {
		t.Fatalf("trace.HoldVisits %d, production.MaxHoldLots %d: a recall's weight must count the walk's bound", trace.HoldVisits, production.MaxHoldLots)
	}
	if w := module.WeightOf(&trace.MsgRecall{Lot: "a/b", Reason: "x"}); w <= int64(production.MaxHoldLots)/8 {
		t.Fatalf("a recall weighs %d", w)
	}
}
