package member_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// TestExpiriesBoundedPerBlock: when more proposals fall due at one instant
// than a block expires (member.MaxExpiriesPerBlock), the first block expires
// exactly that many, in (deadline, id) order, and the next the rest; a vote
// on a proposal past its deadline that the sweep has not reached is refused
// (KindExpired) and changes nothing.
func TestExpiriesBoundedPerBlock(t *testing.T) {
	h := chaintest.New(t,
		chaintest.OrgSpec{ID: "factory-a", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "factory-b", Roles: []gongxu.Role{gongxu.RoleFactory}},
		chaintest.OrgSpec{ID: "hub-c", Roles: []gongxu.Role{gongxu.RoleHub}},
	)
	n := member.MaxExpiriesPerBlock + member.MaxExpiriesPerBlock/2
	var txs [][]byte
	for i := range n {
		txs = append(txs, h.Sign("factory-a", member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalSetParam,
			Title: fmt.Sprintf("Quota %d", i), Param: "max_txs_per_signer_block", Value: int64(1000 + i)}))
	}
	for _, r := range h.Block(txs...).Txs {
		chaintest.MustOK(t, r)
	}
	params, err := h.Member.Params(h.State)
	if err != nil {
		t.Fatal(err)
	}
	expired := func() (k uint64) {
		for id := uint64(1); id <= uint64(n); id++ {
			p, err := h.Member.Proposal(h.State, id)
			if err != nil {
				t.Fatal(err)
			}
			switch p.Status {
			case gongxu.ProposalExpired:
				if id != k+1 {
					t.Fatalf("proposal %d expired before proposal %d", id, k+1)
				}
				k++
			case gongxu.ProposalOpen:
			default:
				t.Fatalf("proposal %d is %s", id, p.Status)
			}
		}
		return k
	}
	last := uint64(n)
	before, err := h.Member.Proposal(h.State, last)
	if err != nil {
		t.Fatal(err)
	}
	h.Advance(params.VotingPeriodMs)
	r := h.Block(h.Sign("factory-b", member.TypeVote, member.MsgVote{Proposal: last, Yes: true}),
		h.Sign("hub-c", member.TypeVote, member.MsgVote{Proposal: last, Yes: true})).Txs
	for _, r := range r {
		if gongxu.Kind(r.Code) != gongxu.KindExpired || !strings.Contains(r.Log, "deadline has passed") {
			t.Fatalf("a vote on a proposal past its deadline, not swept yet: %s %q", gongxu.Kind(r.Code), r.Log)
		}
	}
	if k := expired(); k != member.MaxExpiriesPerBlock {
		t.Fatalf("the first block after the deadline expired %d proposals, want %d", k, member.MaxExpiriesPerBlock)
	}
	after, err := h.Member.Proposal(h.State, last)
	if err != nil {
		t.Fatal(err)
	}
	if b, a := js(t, before), js(t, after); a != b {
		t.Fatalf("the refused votes changed proposal %d: %s, was %s", last, a, b)
	}
	if p, _ := h.Member.Params(h.State); p.MaxTxsPerSignerBlock != params.MaxTxsPerSignerBlock {
		t.Fatalf("a proposal past its deadline passed: max_txs_per_signer_block %d", p.MaxTxsPerSignerBlock)
	}
	h.Block()
	if k := expired(); k != uint64(n) {
		t.Fatalf("the second block expired the rest: %d of %d", k, n)
	}
}

func js(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
