package client_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
)

func TestPoolReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	for _, factory := range []gongxu.OrgID{"", "acme-textiles", "silk-supply"} {
		ps, err := e.c.Products(ctx, factory)
		if err != nil {
			t.Fatal(err)
		}
		if ps == nil {
			t.Errorf("products of %q: nil, want a list", factory)
		}
		want, _ := e.pools.Products(ctx, factory)
		sameJSON(t, "products of "+string(factory), ps, want)
	}
	p, err := e.c.Product(ctx, "acme-textiles/down-jacket")
	if err != nil {
		t.Fatal(err)
	}
	wantP, _ := e.pools.Product(ctx, "acme-textiles/down-jacket")
	sameJSON(t, "product", p, wantP)

	for _, f := range []gongxu.PoolFilter{
		{}, {Status: gongxu.PoolOpen}, {Status: gongxu.PoolSettled}, {Factory: "acme-textiles", Limit: 2},
		{Hub: "hub-lishui"}, {Hub: "hub-other"},
	} {
		ps, err := e.c.Pools(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if ps == nil {
			t.Errorf("pools %+v: nil, want a list", f)
		}
		if f.Limit == 0 {
			f.Limit = 50
		}
		want, _ := e.pools.Pools(ctx, f)
		sameJSON(t, "pools", ps, want)
	}

	v, err := e.c.Pool(ctx, fake.PoolOpen)
	if err != nil {
		t.Fatal(err)
	}
	wantPool, _ := e.pools.Pool(ctx, fake.PoolOpen)
	sameJSON(t, "pool", v.Pool, wantPool)
	sameJSON(t, "progress", v.Progress, gongxu.PoolProgress(wantPool, fake.Now))
	if v.Progress.MsLeft != fake.OpenDeadline-fake.Now || v.Progress.Next == nil || v.Progress.Tier != 1 {
		t.Errorf("progress %+v", v.Progress)
	}

	for _, id := range []uint64{fake.PoolOpen, fake.PoolSucceeded, fake.PoolCancelled} {
		hs, err := e.c.HubShares(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantHS, _ := e.pools.HubShares(ctx, id)
		sameJSON(t, "hub shares", hs, wantHS)
		bs, err := e.c.Batches(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if hs == nil || bs == nil {
			t.Errorf("pool %d: nil lists", id)
		}
		wantBS, _ := e.pools.Batches(ctx, id)
		sameJSON(t, "batches", bs, wantBS)
	}

	for _, tx := range []string{fake.BatchTx, strings.ToLower(fake.BatchTx)} {
		r, err := e.c.Receipt(ctx, tx, 7)
		if err != nil {
			t.Fatal(err)
		}
		wantR, _ := e.receipts.Receipt(ctx, tx, 7)
		sameJSON(t, "receipt", r, wantR)
	}

	for _, a := range []gongxu.AccountID{"org:hub-lishui", "escrow:4", gongxu.AccountID("key:" + string(fake.KeyNoOrg)), "captured:99"} {
		bs, err := e.c.Balances(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		wantB, _ := e.pools.Balances(ctx, a)
		sameJSON(t, "balances of "+string(a), bs, wantB)
		for _, limit := range []int{0, 1} {
			ms, err := e.c.Movements(ctx, a, limit)
			if err != nil {
				t.Fatal(err)
			}
			if bs == nil || ms == nil {
				t.Errorf("%s: nil lists", a)
			}
			if limit == 0 {
				limit = 50
			}
			wantM, _ := e.pools.Movements(ctx, a, limit)
			sameJSON(t, "movements of "+string(a), ms, wantM)
		}
	}

	for _, c := range []struct {
		status gongxu.RFQStatus
		limit  int
	}{{"", 0}, {gongxu.RFQOpen, 0}, {"", 1}, {gongxu.RFQExpired, 5}} {
		rs, err := e.c.RFQs(ctx, c.status, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if rs == nil {
			t.Errorf("rfqs %+v: nil, want a list", c)
		}
		limit := c.limit
		if limit == 0 {
			limit = 50
		}
		want, _ := e.rfqs.RFQs(ctx, c.status, limit)
		sameJSON(t, "rfqs", rs, want)
	}
	for _, id := range []uint64{fake.RFQOpen, fake.RFQAwarded} {
		r, err := e.c.RFQ(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantR, _ := e.rfqs.RFQ(ctx, id)
		sameJSON(t, "rfq", r, wantR)
		bs, err := e.c.Bids(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantB, _ := e.rfqs.Bids(ctx, id)
		sameJSON(t, "bids", bs, wantB)
	}
}

func TestPoolErrors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	_, err := e.c.Products(ctx, "Acme")
	wantErr(t, err, gongxu.KindInvalid, "factory")
	_, err = e.c.Product(ctx, "acme-textiles/rain-boots")
	wantErr(t, err, gongxu.KindNotFound, "no product acme-textiles/rain-boots")
	for _, id := range []gongxu.ProductID{"down-jacket", "acme-textiles/", "/down-jacket"} {
		_, err = e.c.Product(ctx, id)
		wantErr(t, err, gongxu.KindInvalid, "must be <factory>/<sku>")
	}
	_, err = e.c.Product(ctx, "acme-textiles/a/b") // escaped: one segment, a bad sku
	wantErr(t, err, gongxu.KindInvalid, "sku")
	_, err = e.c.Product(ctx, "Acme/down-jacket")
	wantErr(t, err, gongxu.KindInvalid, "factory")

	_, err = e.c.Pools(ctx, gongxu.PoolFilter{Status: "closed"})
	wantErr(t, err, gongxu.KindInvalid, "status must be one of")
	_, err = e.c.Pools(ctx, gongxu.PoolFilter{Hub: "x"})
	wantErr(t, err, gongxu.KindInvalid, "hub")
	_, err = e.c.Pools(ctx, gongxu.PoolFilter{Limit: 1001})
	wantErr(t, err, gongxu.KindInvalid, "limit")
	_, err = e.c.Pool(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no pool 99")
	_, err = e.c.HubShares(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no pool 99")
	_, err = e.c.Batches(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no pool 99")

	_, err = e.c.Receipt(ctx, fake.BatchTx, fake.BatchLeaves)
	wantErr(t, err, gongxu.KindNotFound, "no leaf 10")
	_, err = e.c.Receipt(ctx, fake.BatchTx, -1)
	wantErr(t, err, gongxu.KindInvalid, "leaf index")
	_, err = e.c.Receipt(ctx, "abc", 0)
	wantErr(t, err, gongxu.KindInvalid, "64 hex characters")
	_, err = e.c.Receipt(ctx, fake.Hash([]byte("vote")), 0)
	wantErr(t, err, gongxu.KindNotFound, "not a committed hub batch")

	for _, a := range []gongxu.AccountID{"hub-lishui", "org:Hub", "escrow:0", "key:abc", "bank:1", "org:a/b"} {
		_, err = e.c.Balances(ctx, a)
		wantErr(t, err, gongxu.KindInvalid, "account")
		_, err = e.c.Movements(ctx, a, 0)
		wantErr(t, err, gongxu.KindInvalid, "account")
	}
	_, err = e.c.Movements(ctx, "escrow:4", -1) // negative: the node's default
	if err != nil {
		t.Errorf("negative limit: %v", err)
	}
	_, err = e.c.Movements(ctx, "escrow:4", 5000)
	wantErr(t, err, gongxu.KindInvalid, "limit")

	_, err = e.c.RFQs(ctx, "closed", 0)
	wantErr(t, err, gongxu.KindInvalid, "status must be one of open, awarded, cancelled, expired")
	_, err = e.c.RFQ(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no rfq 99")
	_, err = e.c.Bids(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no rfq 99")

	// Service failures keep their kind; internal details stay on the node.
	e.pools.SetErr(errors.New("disk on fire"))
	_, err = e.c.Products(ctx, "")
	if e := wantErr(t, err, gongxu.KindInternal, "internal error"); strings.Contains(e.Error(), "disk") {
		t.Errorf("internal detail leaked: %v", e)
	}
	e.pools.SetErr(nil)
	e.node.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "the node is starting"))
	_, err = e.c.Pool(ctx, fake.PoolOpen)
	wantErr(t, err, gongxu.KindUnavailable, "the node is starting")
	e.rfqs.SetErr(gongxu.Errorf(gongxu.KindUnavailable, "read model rebuilding"))
	_, err = e.c.Bids(ctx, fake.RFQOpen)
	wantErr(t, err, gongxu.KindUnavailable, "read model rebuilding")
	e.receipts.SetErr(gongxu.Errorf(gongxu.KindNotFound, "block pruned"))
	_, err = e.c.Receipt(ctx, fake.BatchTx, 0)
	wantErr(t, err, gongxu.KindNotFound, "block pruned")
}
