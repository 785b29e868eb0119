package cli

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
)

// fakeNode is a hand-written, in-memory node behind the real HTTP API: the
// CLI's tests reach it through package client, over HTTP. It checks what a
// node checks of a transaction's envelope (decoding, chain-bound signature,
// per-signer sequence) and records every accepted transaction; it executes
// nothing. End-to-end tests against real nodes live with the node commands.
type fakeNode struct {
	mu        sync.Mutex
	chainID   string
	next      map[gongxu.PubKey]uint64 // next sequence per signer; 1 when absent
	submitted []*gongxu.Tx
	reject    *gongxu.TxResult // when set, Submit rejects every tx with its code, kind and message
	orgs      []gongxu.Org
	vals      []gongxu.Validator
	proposals []gongxu.Proposal
	recs      []gongxu.TxRecord // most recent first
}

func newFakeNode() *fakeNode {
	acme := gongxu.Org{ID: "acme", Name: "Acme Textiles", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator},
		Keys: []gongxu.PubKey{pk("a1"), pk("a2")}, Description: "Down jackets", Contact: "sales@acme.example"}
	hub := gongxu.Org{ID: "hub-lishui", Name: "Lishui Hub", Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{pk("b1")}, Since: 12}
	return &fakeNode{
		chainID: "gongxu-fake-1",
		next:    map[gongxu.PubKey]uint64{},
		orgs:    []gongxu.Org{acme, hub},
		vals:    []gongxu.Validator{{PubKey: pk("d4"), Power: 10, Org: "acme"}},
		proposals: []gongxu.Proposal{{
			ID: 1, Kind: gongxu.ProposalSetParam, Proposer: "acme", Title: "Raise the quota", Param: "max_txs_per_signer_block",
			Value: 5000, Created: 1740816000000, Deadline: 1741420800000, Status: gongxu.ProposalOpen,
			Yes: []gongxu.OrgID{"acme"}, No: []gongxu.OrgID{}, Electors: 2, Height: 7,
		}},
	}
}

// pk is a public key made of one repeated hex byte.
func pk(b string) gongxu.PubKey {
	s := ""
	for range 32 {
		s += b
	}
	return gongxu.PubKey(s)
}

// start serves the node's HTTP API on a loopback port: its URL, and the
// function that stops it.
func (n *fakeNode) start() (url string, stop func()) {
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Node: n, Members: n, Txs: n}))
	return srv.URL, srv.Close
}

// serve starts the node's HTTP API for the test and returns its URL.
func (n *fakeNode) serve(tb testing.TB) string {
	url, stop := n.start()
	tb.Cleanup(stop)
	return url
}

func (n *fakeNode) txs() []*gongxu.Tx {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]*gongxu.Tx(nil), n.submitted...)
}

func (n *fakeNode) Status(ctx context.Context) (gongxu.Status, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return gongxu.Status{ChainID: n.chainID, NodeID: "fake", Moniker: "fake-node", Height: int64(len(n.recs)),
		Validators: n.vals, Version: "test"}, nil
}

func (n *fakeNode) Submit(ctx context.Context, raw []byte, wait bool) (gongxu.TxResult, error) {
	tx, unsigned, err := gongxu.DecodeTx(raw, 1<<20)
	if err != nil {
		return gongxu.TxResult{}, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	res := gongxu.TxResult{Hash: gongxu.TxHash(raw)}
	fail := func(k gongxu.Kind, format string, args ...any) (gongxu.TxResult, error) {
		res.Code, res.Kind, res.Message = uint32(k), k.String(), fmt.Sprintf(format, args...)
		return res, nil
	}
	if !ed25519.Verify(tx.Signer, gongxu.SignBytes(n.chainID, unsigned), tx.Signature) {
		return fail(gongxu.KindBadSignature, "signature does not verify for chain %s", n.chainID)
	}
	signer := tx.SignerKey()
	if want := max(n.next[signer], 1); tx.Sequence != want {
		return fail(gongxu.KindSequence, "expected sequence %d, got %d", want, tx.Sequence)
	}
	if n.reject != nil {
		return fail(gongxu.Kind(n.reject.Code), "%s", n.reject.Message)
	}
	n.next[signer] = tx.Sequence + 1
	n.submitted = append(n.submitted, tx)
	height := int64(len(n.recs) + 1)
	n.recs = append([]gongxu.TxRecord{{Hash: res.Hash, Height: height, Time: "2025-03-01T08:00:00Z", Type: tx.Type, Signer: signer}}, n.recs...)
	if wait {
		res.Height = height
	}
	return res, nil
}

func (n *fakeNode) Account(ctx context.Context, key gongxu.PubKey) (gongxu.Account, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	acc := gongxu.Account{PubKey: key, Sequence: max(n.next[key], 1)}
	for _, o := range n.orgs {
		if slices.Contains(o.Keys, key) {
			acc.Org = o.ID
		}
	}
	return acc, nil
}

func (n *fakeNode) Orgs(ctx context.Context) ([]gongxu.Org, error) { return n.orgs, nil }

func (n *fakeNode) Org(ctx context.Context, id gongxu.OrgID) (gongxu.Org, error) {
	for _, o := range n.orgs {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.Org{}, gongxu.Errorf(gongxu.KindNotFound, "no org %q", string(id))
}

func (n *fakeNode) Validators(ctx context.Context) ([]gongxu.Validator, error) { return n.vals, nil }

func (n *fakeNode) Proposals(ctx context.Context, f gongxu.ProposalFilter) ([]gongxu.Proposal, error) {
	out := []gongxu.Proposal{}
	for _, p := range n.proposals {
		if f.Status == "" || p.Status == f.Status {
			out = append(out, p)
		}
	}
	return out, nil
}

func (n *fakeNode) Proposal(ctx context.Context, id uint64) (gongxu.Proposal, error) {
	for _, p := range n.proposals {
		if p.ID == id {
			return p, nil
		}
	}
	return gongxu.Proposal{}, gongxu.Errorf(gongxu.KindNotFound, "no proposal %d", id)
}

func (n *fakeNode) Tx(ctx context.Context, hash string) (gongxu.TxRecord, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	for _, r := range n.recs {
		if r.Hash == hash {
			return r, nil
		}
	}
	return gongxu.TxRecord{}, gongxu.Errorf(gongxu.KindNotFound, "no transaction %s", hash)
}

func (n *fakeNode) RecentTxs(ctx context.Context, limit int) ([]gongxu.TxRecord, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]gongxu.TxRecord{}, n.recs[:min(limit, len(n.recs))]...), nil
}

func (n *fakeNode) Height(ctx context.Context) (int64, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return int64(len(n.recs)), nil
}

var (
	_ gongxu.NodeService   = (*fakeNode)(nil)
	_ gongxu.MemberService = (*fakeNode)(nil)
	_ gongxu.TxService     = (*fakeNode)(nil)
)
