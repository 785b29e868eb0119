package modules_test

import (
	"fmt"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/dispute"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// TestDisputeDefaultFromPoolTerms: a dispute over a hub's share takes the
// fallback split its pool's terms name (dispute_default_bps of pool/open),
// and the network's parameter when the terms are silent.
func TestDisputeDefaultFromPoolTerms(t *testing.T) {
	const day = 24 * 3600 * 1000
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "hub-b", Roles: []gongxu.Role{gongxu.RoleHub}},
	)
	ok := func(signer, typ string, body any) {
		t.Helper()
		if r := h.Deliver(h.Sign(signer, typ, body)); r.Code != 0 {
			t.Fatalf("%s by %s: %s", typ, signer, r.Log)
		}
	}
	ok("factory-a", catalog.TypePublish, catalog.MsgPublish{SKU: "tee", Name: "Tee", Unit: "piece"})
	ok("hub-b", settle.TypeDeposit, settle.MsgDeposit{Currency: "CNY", Amount: 100_000})
	named := int64(2500)
	for _, bps := range []*int64{&named, nil} {
		ok("factory-a", pool.TypeOpen, pool.MsgOpen{Product: "factory-a/tee", Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 100}},
			MOQ: 5, Cap: 1000, CasePack: 1, Currency: "CNY", Deadline: h.Time + day, DisputeDefaultBPS: bps})
	}
	for id := uint64(1); id <= 2; id++ {
		ok("hub-b", pool.TypeBatch, pool.MsgBatch{Pool: id, Leaves: []gongxu.PoolLeaf{{ID: fmt.Sprintf("%016x", id), Qty: 10, Commit: fmt.Sprintf("%064x", id)}}})
	}
	h.Advance(day)
	h.Block()
	for id := uint64(1); id <= 2; id++ {
		ok("factory-a", pool.TypeStartProduction, pool.MsgStartProduction{Pool: id})
		ok("hub-b", dispute.TypeOpen, dispute.MsgOpen{Pool: id, Kind: gongxu.DisputeShort, Claimed: 500})
	}
	for id, want := range map[uint64]int64{1: 2500, 2: gongxu.DefaultDisputeDefaultBps} {
		d, err := h.Mods.Dispute.Dispute(h.State, id)
		if err != nil || d.Pool != id || d.DefaultBps != want {
			t.Errorf("dispute %d: pool %d, default %d bps, %v; want pool %d, %d bps", id, d.Pool, d.DefaultBps, err, id, want)
		}
	}
}
