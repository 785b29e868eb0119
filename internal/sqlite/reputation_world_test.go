package sqlite_test

import (
	"context"
	"slices"
	"strconv"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

const day = 86_400_000

// TestReputationWorld checks the reputations of inproc's World (a real
// chain: purchase orders accepted, shipped in full and in half past their
// date, pools shipped and delivered or late, recalls) against the ledger's
// own records: every accepted purchase-order line of the supplier is a fact
// with its promised date and shipped quantity, scored as the shipments say,
// each fact's transactions are committed ones of the right types, and the
// counts, rates and pages follow from the facts.
func TestReputationWorld(t *testing.T) {
	w := inproc.NewWorld(t)
	ctx := context.Background()
	db := w.Read()

	rep, err := db.Reputation(ctx, inproc.Blue, gongxu.MaxReputationFacts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.AsOf != w.Now() || rep.Height != w.Height() || rep.HalfLifeDays != 180 {
		t.Errorf("as of %d at %d (half-life %d), want the latest block: %d at %d", rep.AsOf, rep.Height, rep.HalfLifeDays, w.Now(), w.Height())
	}
	// What the ledger says of Blue's purchase orders, computed here from
	// the orders themselves.
	pos, err := db.POs(ctx, inproc.Blue, 500)
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		promised, shipped, ordered int64
		onTime                     bool
	}
	wantLines := map[string]want{}
	var obligations int64
	for _, po := range pos {
		if po.Supplier != inproc.Blue || len(po.Promised) == 0 || po.Status == gongxu.POCancelled {
			continue
		}
		for i, l := range po.Lines {
			obligations++
			var sum int64
			done := int64(0)
			for _, s := range po.Shipments {
				for _, sl := range s.Lines {
					if sl.Line == i+1 {
						sum += int64(sl.Qty)
						if done == 0 && sum >= int64(l.Qty) {
							done = s.Time
						}
					}
				}
			}
			if done == 0 && w.Now() < po.Promised[i]+day {
				continue // open
			}
			wantLines["po:"+strconv.FormatUint(po.ID, 10)+":"+strconv.Itoa(i+1)] = want{
				promised: po.Promised[i], shipped: int64(po.Shipped[i]), ordered: int64(l.Qty),
				onTime: done != 0 && done < po.Promised[i]+day,
			}
		}
	}
	if rep.Obligations != obligations || len(wantLines) < 3 {
		t.Fatalf("%d obligations, want %d; closed lines %v", rep.Obligations, obligations, wantLines)
	}
	if !slices.ContainsFunc(rep.OnTime.Facts, func(f gongxu.ReputationFact) bool { return f.Score == 0 }) ||
		!slices.ContainsFunc(rep.OnTime.Facts, func(f gongxu.ReputationFact) bool { return f.Score == 10000 }) {
		t.Errorf("the World's supplier should have both on-time and late lines: %+v", rep.OnTime.Facts)
	}
	hits, fillSum := int64(0), int64(0)
	for _, f := range rep.OnTime.Facts {
		w, ok := wantLines[f.Ref]
		if !ok || f.Kind != gongxu.FactPOLine || f.Counterparty != inproc.Acme {
			t.Errorf("fact %+v is no closed line of Blue's", f)
			continue
		}
		if f.Promised != w.promised || int64(f.Shipped) != w.shipped || int64(f.Ordered) != w.ordered || (f.Score == 10000) != w.onTime {
			t.Errorf("fact %s: %+v, want %+v", f.Ref, f, w)
		}
		if w.onTime {
			hits++
		}
		fillSum += min(w.shipped, w.ordered) * 10000 / w.ordered
		checkTxs(t, db, f, gongxu.TypePOAccept, gongxu.FlowShip)
	}
	n := int64(len(wantLines))
	if rep.OnTime.Count != n || rep.OnTime.Hits != hits || rep.OnTime.Rate != hits*10000/n {
		t.Errorf("on time %+v, want %d of %d", rep.OnTime, hits, n)
	}
	if rep.FillRate.Count != n || rep.FillRate.Rate != fillSum/n || rep.FillRate.Rate >= 10000 {
		t.Errorf("fill rate %+v, want %d over %d lines", rep.FillRate, fillSum/n, n)
	}
	if rep.OnTime.Weighted < 0 || rep.OnTime.Weighted > 10000 || rep.OnTime.WeightedCount >= n*1_000_000 || rep.OnTime.WeightedCount <= 0 {
		t.Errorf("on time weighted %d (count %d): weights of facts weeks old must be below 1", rep.OnTime.Weighted, rep.OnTime.WeightedCount)
	}
	// The fabric recall started at Blue's lot; the scarf's at Acme's.
	if len(rep.Recalls.Facts) != 1 || rep.Recalls.Facts[0].Ref != "recall:"+strconv.FormatUint(w.RecallFabric, 10) || rep.Recalls.Rate != -1 {
		t.Errorf("Blue's recalls: %+v", rep.Recalls)
	}
	checkTxs(t, db, rep.Recalls.Facts[0], "trace/recall")
	// Acme came back: the fabric and the linen orders.
	if rep.Repeat.Count != 1 || rep.Repeat.Hits != 1 || rep.Repeat.Facts[0].Ref != inproc.Acme || rep.Repeat.Facts[0].Note != "2" {
		t.Errorf("Blue's repeat: %+v", rep.Repeat)
	}
	if rep.Disputes.Count != 0 || rep.Disputes.Rate != -1 || rep.Disputes.Facts == nil {
		t.Errorf("Blue's disputes: %+v", rep.Disputes)
	}

	// Acme's pools: the jackets shipped to Hilltown on time, the shirts in
	// production late and unshipped.
	acme, err := db.Reputation(ctx, inproc.Acme, 10)
	if err != nil {
		t.Fatal(err)
	}
	byRef := map[string]gongxu.ReputationFact{}
	for _, f := range acme.OnTime.Facts {
		byRef[f.Ref] = f
	}
	shipped := byRef["pool:"+strconv.FormatUint(w.JacketsShipped, 10)+":"+inproc.Hilltown]
	late := byRef["pool:"+strconv.FormatUint(w.ShirtsInProduction, 10)+":"+inproc.Hilltown]
	order, err := db.OrderForPool(ctx, w.JacketsShipped)
	if err != nil {
		t.Fatal(err)
	}
	if shipped.Score != 10000 || shipped.Promised != order.Due || shipped.Delivered == 0 || shipped.Kind != gongxu.FactPoolShare {
		t.Errorf("jackets shipped to Hilltown: %+v (order due %d)", shipped, order.Due)
	}
	checkTxs(t, db, shipped, gongxu.FlowShipToHub, gongxu.FlowHubDelivery)
	if late.Score != 0 || late.Delivered != 0 || late.Time != late.Promised+day {
		t.Errorf("shirts in production: %+v", late)
	}
	if len(acme.Recalls.Facts) != 1 || acme.Recalls.Facts[0].Ref != "recall:"+strconv.FormatUint(w.RecallScarf, 10) {
		t.Errorf("Acme's recalls: %+v", acme.Recalls)
	}

	// Pages: the facts in the same order, bounded.
	page, err := db.ReputationFacts(ctx, inproc.Blue, gongxu.FigureOnTime, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != n || len(page.Facts) != 1 || page.Facts[0].Ref != rep.OnTime.Facts[1].Ref {
		t.Errorf("page 2 of 1: %+v, want %s of %d", page, rep.OnTime.Facts[1].Ref, n)
	}
	if page, err := db.ReputationFacts(ctx, inproc.Blue, gongxu.FigureOnTime, 50, 10); err != nil || len(page.Facts) != 0 || page.Facts == nil {
		t.Errorf("past the end: %+v, %v", page, err)
	}
	short, err := db.Reputation(ctx, inproc.Blue, 1)
	if err != nil || len(short.OnTime.Facts) != 1 || short.OnTime.Count != n {
		t.Errorf("one fact each: %+v, %v", short.OnTime, err)
	}
	for _, c := range []struct {
		err  error
		kind gongxu.Kind
	}{
		{second(db.Reputation(ctx, "nobody-here", 1)), gongxu.KindNotFound},
		{second(db.Reputation(ctx, "Not An Org", 1)), gongxu.KindInvalid},
		{second(db.Reputation(ctx, inproc.Blue, gongxu.MaxReputationFacts+1)), gongxu.KindInvalid},
		{second(db.ReputationFacts(ctx, inproc.Blue, "stars", 0, 10)), gongxu.KindInvalid},
		{second(db.ReputationFacts(ctx, inproc.Blue, gongxu.FigureOnTime, 0, 0)), gongxu.KindInvalid},
		{second(db.ReputationFacts(ctx, inproc.Blue, gongxu.FigureOnTime, -1, 10)), gongxu.KindInvalid},
	} {
		if gongxu.ErrorKind(c.err) != c.kind {
			t.Errorf("got %v, want kind %v", c.err, c.kind)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// checkTxs checks that a fact's transactions are committed, succeeded, and
// of the types given (in order, as far as the fact lists them).
func checkTxs(t *testing.T, db interface {
	Tx(context.Context, string) (gongxu.TxRecord, error)
}, f gongxu.ReputationFact, types ...string) {
	t.Helper()
	if len(f.Txs) == 0 {
		t.Errorf("fact %s lists no transaction", f.Ref)
	}
	for i, h := range f.Txs {
		rec, err := db.Tx(context.Background(), h)
		if err != nil || rec.Code != 0 {
			t.Errorf("fact %s: tx %s: %+v, %v", f.Ref, h, rec, err)
			continue
		}
		if i < len(types) && rec.Type != types[i] {
			t.Errorf("fact %s: tx %d is a %s, want %s", f.Ref, i, rec.Type, types[i])
		}
	}
}
