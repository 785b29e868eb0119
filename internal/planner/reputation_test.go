package planner_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/planner"
)

// fakeRecords is a gongxu.ReputationService of on-time records: org →
// {weighted rate in bps, closed obligations}; an org not listed is unknown.
type fakeRecords map[gongxu.OrgID][2]int64

func (f fakeRecords) Reputation(_ context.Context, org gongxu.OrgID, _ int) (gongxu.Reputation, error) {
	r, ok := f[org]
	if !ok {
		return gongxu.Reputation{}, gongxu.Errorf(gongxu.KindNotFound, "no member organization %q", org)
	}
	return gongxu.Reputation{Org: org, OnTime: gongxu.ReputationFigure{Figure: gongxu.FigureOnTime, Count: r[1], Scored: r[1], Weighted: r[0]}}, nil
}

func (f fakeRecords) ReputationFacts(context.Context, gongxu.OrgID, string, int, int) (gongxu.ReputationPage, error) {
	return gongxu.ReputationPage{}, gongxu.Errorf(gongxu.KindInternal, "not used")
}

// With PreferOnTime, the plan buys lining from mill-b, 4 % dearer than
// mill-a but on time 95 % against 70 %; not from mill-c (cheaper, 50 %),
// nor mill-d (100 % but 20 % dearer: not comparable), nor in another
// currency. Shell stays with mill-a: mill-e has no record (2 facts). Zip-co
// has no record at all and keeps zippers and snaps, whatever the others'.
func TestPreferOnTime(t *testing.T) {
	offer := func(supplier gongxu.OrgID, item gongxu.ItemID, price gongxu.Amount, currency string) gongxu.SupplyOffer {
		return gongxu.SupplyOffer{Supplier: supplier, Item: item, Unit: "m", LeadTimeDays: 5,
			Tiers: []gongxu.OfferTier{{MinQty: 0, UnitPrice: price}}, Currency: currency, Version: 1}
	}
	f := jacketLedger()
	f.offers = append(f.offers,
		offer("mill-b", "lining", 104, "CNY"), offer("mill-c", "lining", 90, "CNY"), offer("mill-d", "lining", 120, "CNY"),
		offer("mill-f", "lining", 100, "USD"), offer("mill-e", "shell", 100, "CNY"), offer("mill-b", "zipper", 100, "CNY"))
	records := fakeRecords{
		"mill-a": {7000, 5}, "mill-b": {9500, 4}, "mill-c": {5000, 9}, "mill-d": {10000, 3}, "mill-e": {10000, 2}, "mill-f": {10000, 9},
	}
	ctx := context.Background()

	plain, err := planner.New(f, clock(at(16, 6, 0))).Plan(ctx, factory)
	if err != nil {
		t.Fatal(err)
	}
	v, err := planner.New(f, clock(at(16, 6, 0))).PreferOnTime(records).Plan(ctx, factory)
	if err != nil {
		t.Fatal(err)
	}
	got := render(v)
	for _, want := range []string{
		"tx po mill-a: shell 150 d17; shell 150 d18; shell 150 d23;",
		"tx po mill-b: lining 42 d17; lining 100.8 d18; lining 30 d22; lining 63 d23;",
		"tx po zip-co: snap 150 d18; snap 100 d23; zipper 100 d18;",
		"waits for lining from mill-b, on time 95% against 70% for mill-a at a comparable price",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("plan lacks %q:\n%s", want, got)
		}
	}
	for i, p := range v.Purchases {
		want := plain.Purchases[i].Supplier
		if p.Item == "lining" {
			want = "mill-b"
		}
		if p.Supplier != want || p.ID != plain.Purchases[i].ID || p.Qty != plain.Purchases[i].Qty {
			t.Errorf("purchase %s: %+v, without the preference %+v", p.ID, p, plain.Purchases[i])
		}
	}

	// mill-a's record as good as mill-b's: the item's own supplier stays.
	records["mill-a"] = [2]int64{9500, 5}
	v, err = planner.New(f, clock(at(16, 6, 0))).PreferOnTime(records).Plan(ctx, factory)
	if err != nil {
		t.Fatal(err)
	}
	if got := render(v); strings.Contains(got, "mill-b") || got != render(plain) {
		t.Errorf("a tie changed the plan:\n%s", got)
	}
	// mill-a without a record (2 facts): never replaced.
	records["mill-a"] = [2]int64{1000, 2}
	v, err = planner.New(f, clock(at(16, 6, 0))).PreferOnTime(records).Plan(ctx, factory)
	if err != nil || render(v) != render(plain) {
		t.Errorf("no record changed the plan: %v\n%s", err, render(v))
	}
	// A failing service fails the plan.
	if _, err := planner.New(f, clock(at(16, 6, 0))).PreferOnTime(brokenRecords{}).Plan(ctx, factory); gongxu.ErrorKind(err) != gongxu.KindInternal {
		t.Errorf("broken reputations: %v", err)
	}
}

type brokenRecords struct{ fakeRecords }

func (brokenRecords) Reputation(context.Context, gongxu.OrgID, int) (gongxu.Reputation, error) {
	return gongxu.Reputation{}, gongxu.Errorf(gongxu.KindInternal, "disk on fire")
}
