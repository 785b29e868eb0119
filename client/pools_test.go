package client_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

func TestPoolReads(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()

	for _, factory := range []gongxu.OrgID{"", inproc.Acme, inproc.Blue} {
		ps, err := e.c.Products(ctx, factory)
		if err != nil {
			t.Fatal(err)
		}
		if ps == nil {
			t.Errorf("products of %q: nil, want a list", factory)
		}
		want, _ := e.db.Products(ctx, factory)
		sameJSON(t, "products of "+string(factory), ps, want)
	}
	p, err := e.c.Product(ctx, inproc.Acme+"/merino-jacket")
	if err != nil {
		t.Fatal(err)
	}
	wantP, _ := e.db.Product(ctx, inproc.Acme+"/merino-jacket")
	sameJSON(t, "product", p, wantP)
	if len(p.Variants) != 2 || p.GTIN == "" {
		t.Errorf("product %+v", p)
	}

	for _, f := range []gongxu.PoolFilter{
		{}, {Status: gongxu.PoolOpen}, {Status: gongxu.PoolFailed}, {Status: gongxu.PoolDelivered}, {Factory: inproc.Acme, Limit: 2},
		{Hub: inproc.Hilltown}, {Hub: inproc.Lakeside}, {Hub: inproc.Riverside}, {Factory: inproc.Sunrise},
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
		want, _ := e.db.Pools(ctx, f)
		sameJSON(t, "pools", ps, want)
	}

	v, err := e.c.Pool(ctx, e.w.JacketsOpen)
	if err != nil {
		t.Fatal(err)
	}
	wantPool, _ := e.db.Pool(ctx, e.w.JacketsOpen)
	sameJSON(t, "pool", v.Pool, wantPool)
	sameJSON(t, "progress", v.Progress, gongxu.PoolProgress(wantPool, inproc.End))
	if v.Progress.MsLeft != 2*inproc.Day+5*inproc.Hour || v.Progress.Next == nil || v.Progress.Tier != 1 || v.Progress.Total != 88 {
		t.Errorf("progress %+v", v.Progress)
	}

	for _, id := range []uint64{e.w.JacketsOpen, e.w.JacketsShipped, e.w.SocksFailed, e.w.ShirtsAwarded} {
		hs, err := e.c.HubShares(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantHS, _ := e.db.HubShares(ctx, id)
		sameJSON(t, "hub shares", hs, wantHS)
		bs, err := e.c.Batches(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if hs == nil || bs == nil {
			t.Errorf("pool %d: nil lists", id)
		}
		wantBS, _ := e.db.Batches(ctx, id)
		sameJSON(t, "batches", bs, wantBS)
	}

	batch := e.w.Batches[e.w.JacketsOpen][inproc.Hilltown][0]
	for _, tx := range []string{batch.Tx, strings.ToLower(batch.Tx)} {
		r, err := e.c.Receipt(ctx, tx, 7)
		if err != nil {
			t.Fatal(err)
		}
		wantR, _ := e.w.Receipts().Receipt(ctx, tx, 7)
		sameJSON(t, "receipt", r, wantR)
		consumers := batch.Receipt(7) // the consumer's copy has the pickup secret
		consumers.Secret = ""
		sameJSON(t, "receipt as the consumer has it", r, consumers)
	}

	for _, a := range []gongxu.AccountID{"org:" + inproc.Hilltown, gongxu.AccountID(fmt.Sprint("escrow:", e.w.JacketsOpen)),
		gongxu.AccountID("key:" + string(inproc.Key("nobody"))), gongxu.AccountID(fmt.Sprint("captured:", e.w.JacketsShipped))} {
		bs, err := e.c.Balances(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		wantB, _ := e.db.Balances(ctx, a)
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
			wantM, _ := e.db.Movements(ctx, a, limit)
			sameJSON(t, "movements of "+string(a), ms, wantM)
		}
	}

	for _, c := range []struct {
		status gongxu.RFQStatus
		limit  int
	}{{"", 0}, {gongxu.RFQOpen, 0}, {"", 1}, {gongxu.RFQAwarded, 5}, {gongxu.RFQExpired, 5}} {
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
		want, _ := e.db.RFQs(ctx, c.status, limit)
		sameJSON(t, "rfqs", rs, want)
	}
	for _, id := range []uint64{e.w.RFQOpen, e.w.RFQAwarded} {
		r, err := e.c.RFQ(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantR, _ := e.db.RFQ(ctx, id)
		sameJSON(t, "rfq", r, wantR)
		bs, err := e.c.Bids(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		wantB, _ := e.db.Bids(ctx, id)
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

	batch := e.w.Batches[e.w.JacketsOpen][inproc.Hilltown][0]
	_, err = e.c.Receipt(ctx, batch.Tx, len(batch.Consumers))
	wantErr(t, err, gongxu.KindNotFound, "no leaf 20")
	_, err = e.c.Receipt(ctx, batch.Tx, -1)
	wantErr(t, err, gongxu.KindInvalid, "leaf index")
	_, err = e.c.Receipt(ctx, "abc", 0)
	wantErr(t, err, gongxu.KindInvalid, "64 hex characters")
	_, err = e.c.Receipt(ctx, e.w.RiversideVote, 0)
	wantErr(t, err, gongxu.KindNotFound, "not a committed hub batch")

	for _, a := range []gongxu.AccountID{"hub-lishui", "org:Hub", "escrow:0", "key:abc", "bank:1", "org:a/b"} {
		_, err = e.c.Balances(ctx, a)
		wantErr(t, err, gongxu.KindInvalid, "account")
		_, err = e.c.Movements(ctx, a, 0)
		wantErr(t, err, gongxu.KindInvalid, "account")
	}
	escrow := gongxu.AccountID(fmt.Sprint("escrow:", e.w.JacketsOpen))
	_, err = e.c.Movements(ctx, escrow, -1) // negative: the node's default
	if err != nil {
		t.Errorf("negative limit: %v", err)
	}
	_, err = e.c.Movements(ctx, escrow, 5000)
	wantErr(t, err, gongxu.KindInvalid, "limit")

	_, err = e.c.RFQs(ctx, "closed", 0)
	wantErr(t, err, gongxu.KindInvalid, "status must be one of open, awarded, cancelled, expired")
	_, err = e.c.RFQ(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no rfq 99")
	_, err = e.c.Bids(ctx, 99)
	wantErr(t, err, gongxu.KindNotFound, "no rfq 99")

	// Service failures keep their kind; internal details stay on the node.
	_, err = e.broken(t, func(c *httpapi.Config) { c.Pools = inproc.Broken{Err: errors.New("disk on fire")} }).Products(ctx, "")
	if e := wantErr(t, err, gongxu.KindInternal, "internal error"); strings.Contains(e.Error(), "disk") {
		t.Errorf("internal detail leaked: %v", e)
	}
	_, err = e.brokenNode(t, inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "the node is starting")}, time.Second).
		Pool(ctx, e.w.JacketsOpen)
	wantErr(t, err, gongxu.KindUnavailable, "the node is starting")
	_, err = e.broken(t, func(c *httpapi.Config) {
		c.RFQs = inproc.Broken{Err: gongxu.Errorf(gongxu.KindUnavailable, "read model rebuilding")}
	}).
		Bids(ctx, e.w.RFQOpen)
	wantErr(t, err, gongxu.KindUnavailable, "read model rebuilding")
	_, err = e.broken(t, func(c *httpapi.Config) {
		c.Receipts = inproc.Broken{Err: gongxu.Errorf(gongxu.KindNotFound, "block pruned")}
	}).
		Receipt(ctx, batch.Tx, 0)
	wantErr(t, err, gongxu.KindNotFound, "block pruned")
}
