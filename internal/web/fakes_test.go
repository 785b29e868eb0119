package web

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu"
)

// Hand-written fakes of the read-side services (allowed at this edge). Each
// has an err field: when set, every call fails with it.

type fakeNode struct {
	mu     sync.Mutex
	status gongxu.Status
	err    error
}

func (f *fakeNode) Status(context.Context) (gongxu.Status, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status, f.err
}

func (f *fakeNode) Submit(context.Context, []byte, bool) (gongxu.TxResult, error) {
	return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "the fake node takes no transactions")
}

func (f *fakeNode) Account(_ context.Context, key gongxu.PubKey) (gongxu.Account, error) {
	return gongxu.Account{PubKey: key}, nil
}

func (f *fakeNode) setHeight(h int64, blockTime string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status.Height = h
	f.status.ReadModelHeight = h
	f.status.BlockTime = blockTime
}

type fakeMembers struct {
	mu         sync.Mutex
	orgs       []gongxu.Org
	validators []gongxu.Validator
	proposals  []gongxu.Proposal
	err        error
}

func (f *fakeMembers) Orgs(context.Context) ([]gongxu.Org, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.orgs), f.err
}

func (f *fakeMembers) Org(_ context.Context, id gongxu.OrgID) (gongxu.Org, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.Org{}, f.err
	}
	for _, o := range f.orgs {
		if o.ID == id {
			return o, nil
		}
	}
	return gongxu.Org{}, gongxu.Errorf(gongxu.KindNotFound, "org %q not found", id)
}

func (f *fakeMembers) Validators(context.Context) ([]gongxu.Validator, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.validators), f.err
}

func (f *fakeMembers) Proposals(_ context.Context, flt gongxu.ProposalFilter) ([]gongxu.Proposal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	var out []gongxu.Proposal
	for _, p := range f.proposals {
		if flt.Status == "" || p.Status == flt.Status {
			out = append(out, p)
		}
	}
	if flt.Limit > 0 && len(out) > flt.Limit {
		out = out[:flt.Limit]
	}
	return out, nil
}

func (f *fakeMembers) Proposal(_ context.Context, id uint64) (gongxu.Proposal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.Proposal{}, f.err
	}
	for _, p := range f.proposals {
		if p.ID == id {
			return p, nil
		}
	}
	return gongxu.Proposal{}, gongxu.Errorf(gongxu.KindNotFound, "proposal %d not found", id)
}

type fakeTxs struct {
	mu  sync.Mutex
	txs []gongxu.TxRecord // newest first
	err error
}

func (f *fakeTxs) Tx(_ context.Context, hash string) (gongxu.TxRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return gongxu.TxRecord{}, f.err
	}
	for _, tx := range f.txs {
		if tx.Hash == hash {
			return tx, nil
		}
	}
	return gongxu.TxRecord{}, gongxu.Errorf(gongxu.KindNotFound, "tx %s not found", hash)
}

func (f *fakeTxs) RecentTxs(_ context.Context, limit int) ([]gongxu.TxRecord, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := slices.Clone(f.txs)
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, f.err
}

func (f *fakeTxs) Height(context.Context) (int64, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.txs) == 0 {
		return 0, f.err
	}
	return f.txs[0].Height, f.err
}

func (f *fakeTxs) add(tx gongxu.TxRecord) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.txs = append([]gongxu.TxRecord{tx}, f.txs...)
}

// fakes is a small network: four member orgs, three validators, three
// transactions (one rejected) and two proposals (one open).
type fakes struct {
	node    *fakeNode
	members *fakeMembers
	txs     *fakeTxs
	pools   *fakePools
	rfqs    *fakeRFQs
	op      *fakeOperator
	prod    *fakeProduction
	plans   *fakePlans
	trace   *fakeTrace
	tokens  *fakeTokens
}

func (f *fakes) config() Config {
	return Config{Node: f.node, Members: f.members, Txs: f.txs, Pools: f.pools, Progress: f.pools.Progress, RFQs: f.rfqs, Operator: f.op,
		Production: f.prod, Plans: f.plans, Trace: f.trace, TraceProof: f.trace.Proof, Tokens: f.tokens,
		Logger: slog.New(slog.DiscardHandler)}
}

// key makes a distinct, well-formed public key from a hex digit.
func key(c string) gongxu.PubKey { return gongxu.PubKey(strings.Repeat(c, 60) + "beef") }

// hash makes a distinct transaction hash.
func hash(c string) string { return strings.Repeat(c, 60) + "CAFE" }

func newFakes() *fakes {
	orgs := []gongxu.Org{
		{ID: "acme-textiles", Name: "Acme Textiles", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator},
			Keys: []gongxu.PubKey{key("a"), key("b")}, Description: "Knitwear and jackets, Ningbo.", Contact: "orders@acme.example"},
		{ID: "blue-river-cotton", Name: "Blue River Cotton", Roles: []gongxu.Role{gongxu.RoleSupplier, gongxu.RoleValidator},
			Keys: []gongxu.PubKey{key("c")}},
		{ID: "hilltown-hub", Name: "Hilltown Community Hub", Roles: []gongxu.Role{gongxu.RoleHub},
			Keys: []gongxu.PubKey{key("d")}, Since: 12},
		{ID: "swift-logistics", Name: "Swift Logistics", Roles: []gongxu.Role{gongxu.RoleLogistics, gongxu.RoleValidator},
			Keys: []gongxu.PubKey{key("e")}},
	}
	vals := []gongxu.Validator{
		{PubKey: key("1"), Power: 10, Org: "acme-textiles"},
		{PubKey: key("2"), Power: 10, Org: "blue-river-cotton"},
		{PubKey: key("3"), Power: 20, Org: "swift-logistics"},
	}
	const day = 24 * 3600 * 1000
	created := int64(1_767_225_600_000) // 2026-01-01T00:00:00Z
	props := []gongxu.Proposal{
		{ID: 7, Kind: gongxu.ProposalAdmitOrg, Proposer: "acme-textiles", Title: "Admit Lakeside Dyeworks",
			Org:     &gongxu.Org{ID: "lakeside-dyeworks", Name: "Lakeside Dyeworks", Roles: []gongxu.Role{gongxu.RoleSupplier}},
			Created: created, Deadline: created + 7*day, Status: gongxu.ProposalOpen,
			Yes: []gongxu.OrgID{"acme-textiles", "blue-river-cotton"}, No: []gongxu.OrgID{"hilltown-hub"}, Electors: 4, Height: 40},
		{ID: 3, Kind: gongxu.ProposalSetParam, Proposer: "swift-logistics", Title: "Raise the per-block quota",
			Param: "max_txs_per_signer_block", Value: 4000, Created: created - 30*day, Deadline: created - 23*day,
			Status: gongxu.ProposalPassed, Yes: []gongxu.OrgID{"acme-textiles", "blue-river-cotton", "swift-logistics"},
			Electors: 4, Height: 20},
	}
	txs := []gongxu.TxRecord{
		{Hash: hash("3"), Height: 41, Index: 0, Time: "2026-01-01T08:00:41Z", Type: "member.vote", Signer: key("d"),
			Org: "hilltown-hub", Code: uint32(gongxu.KindConflict), Kind: "conflict", Message: "hilltown-hub already voted on proposal 7"},
		{Hash: hash("2"), Height: 40, Index: 1, Time: "2026-01-01T08:00:40Z", Type: "member.vote", Signer: key("c"),
			Org: "blue-river-cotton", Events: []gongxu.Event{gongxu.NewEvent("member.voted", "proposal", "7", "org", "blue-river-cotton", "vote", "yes")}},
		{Hash: hash("1"), Height: 39, Index: 0, Time: "2026-01-01T08:00:39Z", Type: "member.propose", Signer: key("a"),
			Org: "acme-textiles", Events: []gongxu.Event{
				gongxu.NewEvent("member.proposed", "proposal", "7", "kind", "admit_org"),
				gongxu.NewEvent("member.voted", "proposal", "7", "org", "acme-textiles", "vote", "yes"),
			}},
	}
	fk := &fakes{
		tokens: newFakeTokens(),
		node: &fakeNode{status: gongxu.Status{
			ChainID: "gongxu-test-1", NodeID: "f00d", Moniker: "acme-node", Height: 41,
			AppHash: "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08", BlockTime: "2026-01-01T08:00:41Z",
			Validators: vals, Version: "0.1.0-test", ReadModelHeight: 41,
		}},
		members: &fakeMembers{orgs: orgs, validators: vals, proposals: props},
		txs:     &fakeTxs{txs: txs},
		pools:   &fakePools{},
		rfqs:    &fakeRFQs{},
		op:      &fakeOperator{org: "hilltown-hub"},
		prod:    &fakeProduction{},
		plans:   &fakePlans{},
		trace:   &fakeTrace{},
	}
	fk.pools.reset(fakeBlockMs)
	fk.rfqs.reset(fakeBlockMs)
	fk.resetProduction(fakeBlockMs)
	fk.trace.reset(fakeBlockMs)
	return fk
}

// freshen moves the fakes' times near now, for screenshots that look real:
// the last block a second ago, the open proposal due in six days.
func (f *fakes) freshen(now time.Time) {
	now = now.UTC()
	f.freshenPools(now)
	f.node.status.BlockTime = now.Add(-time.Second).Format(time.RFC3339)
	for i := range f.txs.txs {
		f.txs.txs[i].Time = now.Add(-time.Duration(i+1) * time.Second).Format(time.RFC3339)
	}
	for i := range f.members.proposals {
		p := &f.members.proposals[i]
		if p.Status == gongxu.ProposalOpen {
			p.Created = now.Add(-26 * time.Hour).UnixMilli()
			p.Deadline = now.Add(6*24*time.Hour + time.Hour).UnixMilli()
		}
	}
}
