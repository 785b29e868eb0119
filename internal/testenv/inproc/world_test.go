package inproc_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// TestWorld tells the story and checks that it ended as it says: every
// pool, order, purchase order and recall in the state the World's fields
// promise, the money adding up.
func TestWorld(t *testing.T) {
	ctx := context.Background()
	w := inproc.NewWorld(t)
	db := w.Read()
	t.Logf("the story took %d blocks, to %s", w.Height(), time.UnixMilli(w.Now()).UTC())
	if err := db.AuditMoney(ctx); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[uint64]gongxu.PoolStatus{
		w.JacketsShipped: gongxu.PoolReady, w.SocksFailed: gongxu.PoolFailed, w.ShirtsAwarded: gongxu.PoolSettled,
		w.ShirtsInProduction: gongxu.PoolInProduction, w.JacketsOpen: gongxu.PoolOpen, w.SocksOpen: gongxu.PoolOpen,
	} {
		p, err := db.Pool(ctx, id)
		if err != nil || p.Status != want {
			t.Errorf("pool %d: %s (%v), want %s", id, p.Status, err, want)
		}
	}
	open, _ := db.Pool(ctx, w.JacketsOpen)
	if open.Total != 88 || open.Pledges != 31 {
		t.Errorf("the open jacket pool holds %d from %d pledges, want 88 from 31", open.Total, open.Pledges)
	}
	for id, want := range map[uint64]gongxu.ProductionOrderStatus{
		w.JacketOrder: gongxu.OrderCompleted, w.ScarfOrder: gongxu.OrderCompleted, w.ShirtOrder: gongxu.OrderInProgress, w.PlannedOrder: gongxu.OrderOpen,
		w.SocksOrder: gongxu.OrderOpen,
	} {
		o, err := db.Order(ctx, id)
		if err != nil || o.Status != want {
			t.Errorf("order %d: %s (%v), want %s", id, o.Status, err, want)
		}
	}
	for id, want := range map[uint64]gongxu.POStatus{
		w.POFabric: gongxu.POReceived, w.POLinen: gongxu.POAccepted, w.PORejected: gongxu.PORejected, w.POProposed: gongxu.POChangesProposed,
		w.POButtons: gongxu.POSent, w.POLinenThread: gongxu.POSent, w.PODye: gongxu.POSent,
	} {
		po, err := db.PO(ctx, id)
		if err != nil || po.Status != want {
			t.Errorf("purchase order %d: %s (%v), want %s", id, po.Status, err, want)
		}
	}
	im, err := db.Recall(ctx, w.RecallFabric)
	if err != nil || len(im.Hubs) != 2 {
		t.Fatalf("the fabric's recall reaches %+v (%v), want two hubs", im.Hubs, err)
	}
	if p, _ := db.Proposal(ctx, w.AdmitRiverside); p.Status != gongxu.ProposalOpen || len(p.Yes) != 2 || len(p.No) != 1 {
		t.Errorf("Riverside's admission: %+v", p)
	}
	if r, err := db.Tx(ctx, w.RepeatedVote); err != nil || r.Code == 0 {
		t.Errorf("the repeated vote: %+v (%v)", r, err)
	}
	pv, err := w.Plans().Plan(ctx, inproc.Acme)
	if err != nil || len(pv.Problems) != 1 || len(pv.Ops) == 0 {
		t.Errorf("Acme's plan: %d operations, problems %q (%v)", len(pv.Ops), pv.Problems, err)
	}
}

// TestReceiptsOfBinaryBatch: the receipt service reads a batch committed
// with the binary body back from the committed tx, as it does a JSON one:
// the same receipts the hub computed (less the secrets).
func TestReceiptsOfBinaryBatch(t *testing.T) {
	ctx := context.Background()
	w := inproc.NewWorld(t)
	cs := inproc.Consumers(inproc.Hilltown, w.JacketsOpen, 90, []int64{1, 2, 3}, []string{"m-navy", "l-navy", "m-navy"})
	b := w.SendBatchBinary(inproc.Hilltown, w.JacketsOpen, cs)
	for i := range cs {
		got, err := w.Receipts().Receipt(ctx, b.Tx, i)
		want := b.Receipt(i)
		want.Secret = ""
		if err != nil || got.Leaf != want.Leaf || got.Root != want.Root || got.Index != i || len(got.Proof) != len(want.Proof) {
			t.Fatalf("receipt %d: %+v (%v), want %+v", i, got, err, want)
		}
	}
	if _, err := w.Receipts().Receipt(ctx, b.Tx, len(cs)); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("leaf past the batch: %v", err)
	}
}
