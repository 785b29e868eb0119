// Package fake holds hand-written, in-memory fakes of the root service
// interfaces (gongxu.NodeService, gongxu.MemberService, gongxu.TxService from
// New; gongxu.PoolService, gongxu.RFQService, gongxu.ReceiptService from
// NewMarket; gongxu.ProductionService from NewProduction; gongxu.PlanService
// from NewPlans) over fixed, deterministic data, and Tokens, which knows one
// API token (Token). They are left to the tests of the Go client (client)
// and of the CLI's commands over it (internal/cli), which check how a caller
// of the HTTP API reads its answers; they are never wired into the node.
// internal/httpapi's and internal/web's own tests run on the real services
// instead (internal/testenv/inproc), and so should these, in time.
package fake

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"sync"

	gongxu "github.com/gongxu-network/gongxu"
)

// Keys used by the fixed data: valid, distinct, lower-case hex public keys.
var (
	KeyAcme  = gongxu.PubKey(strings.Repeat("a1", 32))
	KeyHub   = gongxu.PubKey(strings.Repeat("b2", 32))
	KeySilk  = gongxu.PubKey(strings.Repeat("c3", 32))
	KeyVal   = gongxu.PubKey(strings.Repeat("d4", 32))
	KeyNoOrg = gongxu.PubKey(strings.Repeat("e5", 32))
)

// Prefixes of a submitted transaction's bytes that steer Node.Submit.
const (
	TxReject  = "reject:"  // a TxResult with code sequence
	TxTimeout = "timeout:" // an error of KindTimeout
	TxFull    = "full:"    // an error of KindUnavailable (mempool full)
	TxBlock   = "block:"   // blocks until the context ends, then returns ctx.Err()
)

// Submitted is one call of Node.Submit.
type Submitted struct {
	Tx   []byte
	Wait bool
}

// Node is a NodeService.
type Node struct {
	mu       sync.Mutex
	status   gongxu.Status
	accounts map[gongxu.PubKey]gongxu.Account
	err      error
	panicMsg string
	calls    []Submitted
}

// Members is a MemberService.
type Members struct {
	mu        sync.Mutex
	orgs      []gongxu.Org
	vals      []gongxu.Validator
	proposals []gongxu.Proposal // most recent first
	err       error
	panicMsg  string
}

// Txs is a TxService.
type Txs struct {
	mu     sync.Mutex
	recs   []gongxu.TxRecord // most recent first
	height int64
	err    error
}

// New returns the three fakes over the fixed data.
func New() (*Node, *Members, *Txs) {
	acme := gongxu.Org{
		ID: "acme-textiles", Name: "Acme Textiles", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator},
		Keys: []gongxu.PubKey{KeyAcme, KeyVal}, Description: "Down jackets, Lishui", Contact: "sales@acme.example", Since: 0,
	}
	hub := gongxu.Org{
		ID: "hub-lishui", Name: "Lishui Community Hub", Roles: []gongxu.Role{gongxu.RoleHub},
		Keys: []gongxu.PubKey{KeyHub}, Since: 12,
	}
	silk := gongxu.Org{
		ID: "silk-supply", Name: "Silk Supply Co.", Roles: []gongxu.Role{gongxu.RoleSupplier},
		Keys: []gongxu.PubKey{KeySilk}, Since: 40,
	}
	vals := []gongxu.Validator{{PubKey: KeyVal, Power: 10, Org: "acme-textiles"}}
	node := &Node{
		status: gongxu.Status{
			ChainID: "gongxu-test-1", NodeID: "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c", Moniker: "acme-node",
			Height: 57, AppHash: strings.Repeat("AB", 32), BlockTime: "2025-03-01T08:00:57Z",
			Validators: vals, MempoolTxs: 3, Version: "v0.1.0-test",
		},
		accounts: map[gongxu.PubKey]gongxu.Account{
			KeyAcme: {PubKey: KeyAcme, Org: "acme-textiles", Sequence: 8},
			KeyHub:  {PubKey: KeyHub, Org: "hub-lishui", Sequence: 2},
		},
	}
	members := &Members{
		orgs: []gongxu.Org{acme, hub, silk},
		vals: vals,
		proposals: []gongxu.Proposal{
			{
				ID: 2, Kind: gongxu.ProposalSetParam, Proposer: "hub-lishui", Title: "Raise the per-signer quota",
				Param: "max_txs_per_signer_block", Value: 5000, Created: 1740816000000, Deadline: 1741420800000,
				Status: gongxu.ProposalOpen, Yes: []gongxu.OrgID{"hub-lishui"}, Electors: 3, Height: 50,
			},
			{
				ID: 1, Kind: gongxu.ProposalAdmitOrg, Proposer: "acme-textiles", Title: "Admit Silk Supply Co.",
				Org: &silk, Created: 1740700000000, Deadline: 1741304800000, Status: gongxu.ProposalPassed,
				Yes: []gongxu.OrgID{"acme-textiles", "hub-lishui"}, Electors: 2, Result: "admitted silk-supply", Height: 40,
			},
		},
	}
	txs := &Txs{
		height: 57,
		recs: []gongxu.TxRecord{
			{
				Hash: Hash([]byte("vote")), Height: 50, Index: 0, Time: "2025-03-01T08:00:50Z", Type: "member.vote",
				Signer: KeyHub, Org: "hub-lishui",
				Events: []gongxu.Event{gongxu.NewEvent("member.voted", "proposal", "2", "org", "hub-lishui", "vote", "yes")},
			},
			{
				Hash: Hash([]byte("stale")), Height: 45, Index: 1, Time: "2025-03-01T08:00:45Z", Type: "member.vote",
				Signer: KeyHub, Org: "hub-lishui", Code: uint32(gongxu.KindConflict), Kind: "conflict",
				Message: "proposal 1 is no longer open",
			},
			{
				Hash: Hash([]byte("admit")), Height: 40, Index: 0, Time: "2025-03-01T08:00:40Z", Type: "member.propose",
				Signer: KeyAcme, Org: "acme-textiles",
				Events: []gongxu.Event{gongxu.NewEvent("member.org_admitted", "org", "silk-supply")},
			},
		},
	}
	return node, members, txs
}

// Hash is the hash the fakes give a transaction: upper-case hex sha256.
func Hash(tx []byte) string {
	h := sha256.Sum256(tx)
	return strings.ToUpper(hex.EncodeToString(h[:]))
}

// SetErr makes every method fail with err (nil: succeed again).
func (n *Node) SetErr(err error) { n.mu.Lock(); n.err = err; n.mu.Unlock() }

// SetBlockTime sets the block time Status reports (RFC 3339; "": no block).
func (n *Node) SetBlockTime(t string) { n.mu.Lock(); n.status.BlockTime = t; n.mu.Unlock() }

// SetPanic makes every method panic with msg ("": stop).
func (n *Node) SetPanic(msg string) { n.mu.Lock(); n.panicMsg = msg; n.mu.Unlock() }

// Submitted returns every Submit call so far, in order.
func (n *Node) Submitted() []Submitted {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]Submitted(nil), n.calls...)
}

func (n *Node) check() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.panicMsg != "" {
		panic(n.panicMsg)
	}
	return n.err
}

// Status implements gongxu.NodeService.
func (n *Node) Status(ctx context.Context) (gongxu.Status, error) {
	if err := n.check(); err != nil {
		return gongxu.Status{}, err
	}
	return n.status, nil
}

// Submit implements gongxu.NodeService. The prefix of tx steers the outcome
// (TxReject, TxTimeout, TxFull, TxBlock); other transactions are accepted, at
// height 58 with wait, else height 0.
func (n *Node) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	if err := n.check(); err != nil {
		return gongxu.TxResult{}, err
	}
	n.mu.Lock()
	n.calls = append(n.calls, Submitted{Tx: append([]byte(nil), tx...), Wait: wait})
	n.mu.Unlock()
	s := string(tx)
	res := gongxu.TxResult{Hash: Hash(tx)}
	switch {
	case strings.HasPrefix(s, TxReject):
		res.Code, res.Kind, res.Message = uint32(gongxu.KindSequence), gongxu.KindSequence.String(), "expected sequence 8, got 7"
	case strings.HasPrefix(s, TxTimeout):
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindTimeout, "the transaction was not committed in time")
	case strings.HasPrefix(s, TxFull):
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "the mempool is full")
	case strings.HasPrefix(s, TxBlock):
		<-ctx.Done()
		return gongxu.TxResult{}, ctx.Err()
	case wait:
		res.Height = 58
	}
	return res, nil
}

// Account implements gongxu.NodeService. A key the fake does not know has
// sequence 0 and no org.
func (n *Node) Account(ctx context.Context, key gongxu.PubKey) (gongxu.Account, error) {
	if err := n.check(); err != nil {
		return gongxu.Account{}, err
	}
	if err := key.Validate(); err != nil {
		return gongxu.Account{}, err
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if acc, ok := n.accounts[key]; ok {
		return acc, nil
	}
	return gongxu.Account{PubKey: key}, nil
}

// SetErr makes every method fail with err (nil: succeed again).
func (m *Members) SetErr(err error) { m.mu.Lock(); m.err = err; m.mu.Unlock() }

// SetPanic makes every method panic with msg ("": stop).
func (m *Members) SetPanic(msg string) { m.mu.Lock(); m.panicMsg = msg; m.mu.Unlock() }

// SetEmpty removes every org, validator and proposal, keeping nil slices.
func (m *Members) SetEmpty() {
	m.mu.Lock()
	m.orgs, m.vals, m.proposals = nil, nil, nil
	m.mu.Unlock()
}

func (m *Members) check() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.panicMsg != "" {
		panic(m.panicMsg)
	}
	return m.err
}

// Orgs implements gongxu.MemberService.
func (m *Members) Orgs(ctx context.Context) ([]gongxu.Org, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.orgs, nil
}

// Org implements gongxu.MemberService.
func (m *Members) Org(ctx context.Context, id gongxu.OrgID) (gongxu.Org, error) {
	if err := m.check(); err != nil {
		return gongxu.Org{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, o := range m.orgs {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.Org{}, gongxu.Errorf(gongxu.KindNotFound, "no org %q", string(id))
}

// Validators implements gongxu.MemberService.
func (m *Members) Validators(ctx context.Context) ([]gongxu.Validator, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.vals, nil
}

// Proposals implements gongxu.MemberService.
func (m *Members) Proposals(ctx context.Context, f gongxu.ProposalFilter) ([]gongxu.Proposal, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []gongxu.Proposal
	for _, p := range m.proposals {
		if f.Limit > 0 && len(out) >= f.Limit {
			break
		}
		if f.Status == "" || p.Status == f.Status {
			out = append(out, p)
		}
	}
	return out, nil
}

// Proposal implements gongxu.MemberService.
func (m *Members) Proposal(ctx context.Context, id uint64) (gongxu.Proposal, error) {
	if err := m.check(); err != nil {
		return gongxu.Proposal{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, p := range m.proposals {
		if p.ID == id {
			return p, nil
		}
	}
	return gongxu.Proposal{}, gongxu.Errorf(gongxu.KindNotFound, "no proposal %d", id)
}

// SetEmpty removes every transaction.
func (t *Txs) SetEmpty() { t.mu.Lock(); t.recs = nil; t.mu.Unlock() }

// SetErr makes every method fail with err (nil: succeed again).
func (t *Txs) SetErr(err error) { t.mu.Lock(); t.err = err; t.mu.Unlock() }

func (t *Txs) check() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.err
}

// Tx implements gongxu.TxService. Hashes match case-insensitively.
func (t *Txs) Tx(ctx context.Context, hash string) (gongxu.TxRecord, error) {
	if err := t.check(); err != nil {
		return gongxu.TxRecord{}, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, r := range t.recs {
		if strings.EqualFold(r.Hash, hash) {
			return r, nil
		}
	}
	return gongxu.TxRecord{}, gongxu.Errorf(gongxu.KindNotFound, "no transaction %s", hash)
}

// RecentTxs implements gongxu.TxService.
func (t *Txs) RecentTxs(ctx context.Context, limit int) ([]gongxu.TxRecord, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.recs) == 0 {
		return nil, nil
	}
	limit = max(0, min(limit, len(t.recs)))
	return t.recs[:limit], nil
}

// Height implements gongxu.TxService.
func (t *Txs) Height(ctx context.Context) (int64, error) {
	if err := t.check(); err != nil {
		return 0, err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.height, nil
}

var (
	_ gongxu.NodeService   = (*Node)(nil)
	_ gongxu.MemberService = (*Members)(nil)
	_ gongxu.TxService     = (*Txs)(nil)
)
