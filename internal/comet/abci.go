package comet

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"

	abci "github.com/cometbft/cometbft/abci/types"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
)

// App adapts a chain.App to CometBFT's ABCI 2.0 interface. The node drives it
// through a connection-synchronized local client, so the mempool connection
// (CheckTx) and queries do not wait behind block execution; chain.App holds
// its own locks for what they share.
type App struct {
	abci.BaseApplication
	chain *chain.App

	mu        sync.Mutex
	blockHash []byte // of the block being finalized
	onCommit  func(gongxu.CommittedBlock, chain.BlockResult)

	// State sync and pruning (snapshot.go).
	snaps                *snapshots
	minRetain            int64
	lastHeight, lastTime int64 // of the last commit
	halt                 halt  // an upgrade the binary lacks (upgrade.go)

	// admit, if set, may refuse a new transaction before any work on it
	// (Admission); limits caps the transactions and bytes of a block this node proposes.
	admit  func() error
	limits Admission
}

// NewApp wraps c.
func NewApp(c *chain.App) *App {
	a := &App{chain: c}
	c.OnCommit(a.committed)
	return a
}

func (a *App) log() *slog.Logger { return a.chain.Logger() }

// OnCommit sets a function called after every commit (on the consensus
// goroutine: it must hand work off, not do it).
func (a *App) OnCommit(fn func(gongxu.CommittedBlock, chain.BlockResult)) {
	a.mu.Lock()
	a.onCommit = fn
	a.mu.Unlock()
}

func (a *App) committed(res chain.BlockResult) {
	a.mu.Lock()
	fn, hash := a.onCommit, a.blockHash
	a.lastHeight, a.lastTime = res.Height, res.Time
	a.mu.Unlock()
	if fn != nil {
		fn(committedBlock(res, hash), res)
	}
}

// Info implements abci.Application.
func (a *App) Info(context.Context, *abci.RequestInfo) (*abci.ResponseInfo, error) {
	h, hash := a.chain.Info()
	v, err := a.chain.AppVersion()
	if err != nil {
		return nil, err
	}
	return &abci.ResponseInfo{Data: "gongxu", Version: gongxu.Version, AppVersion: v.Version, LastBlockHeight: h, LastBlockAppHash: hash}, nil
}

// InitChain implements abci.Application.
func (a *App) InitChain(_ context.Context, req *abci.RequestInitChain) (*abci.ResponseInitChain, error) {
	if req.ChainId != a.chain.ChainID() {
		return nil, fmt.Errorf("genesis chain id %q, app configured for %q", req.ChainId, a.chain.ChainID())
	}
	var st map[string]json.RawMessage
	if len(req.AppStateBytes) > 0 {
		if err := json.Unmarshal(req.AppStateBytes, &st); err != nil {
			return nil, fmt.Errorf("genesis app_state: %w", err)
		}
	}
	hash, vals, err := a.chain.InitChain(chain.Genesis{Time: req.Time.UnixMilli(), AppState: st, AppVersion: req.ConsensusParams.GetVersion().GetApp()})
	if err != nil {
		return nil, err
	}
	out := make([]abci.ValidatorUpdate, 0, len(vals))
	for _, v := range vals {
		out = append(out, abci.Ed25519ValidatorUpdate(v.PubKey, v.Power))
	}
	return &abci.ResponseInitChain{AppHash: hash, Validators: out}, nil
}

// CheckTx implements abci.Application.
func (a *App) CheckTx(_ context.Context, req *abci.RequestCheckTx) (*abci.ResponseCheckTx, error) {
	var r chain.TxResult
	if req.Type == abci.CheckTxType_New && a.admit != nil {
		if err := a.admit(); err != nil {
			k := uint32(gongxu.ErrorKind(err))
			return &abci.ResponseCheckTx{Code: k, Log: gongxu.ErrorMessage(err), Codespace: codespace(k)}, nil
		}
	}
	if req.Type == abci.CheckTxType_Recheck {
		r = a.chain.Recheck(req.Tx)
	} else {
		r = a.chain.CheckTx(req.Tx)
	}
	return &abci.ResponseCheckTx{Code: r.Code, Log: r.Log, Codespace: codespace(r.Code)}, nil
}

// PrepareProposal implements abci.Application.
func (a *App) PrepareProposal(_ context.Context, req *abci.RequestPrepareProposal) (*abci.ResponsePrepareProposal, error) {
	return &abci.ResponsePrepareProposal{Txs: a.limits.proposal(a.chain.PrepareProposal(req.Txs, a.limits.proposalBytes(req.MaxTxBytes)))}, nil
}

// ProcessProposal implements abci.Application: a proposal whose transactions
// do not decode, verify or fit the block budget is refused
// (chain.App.ProcessProposal); only a storage failure is an error.
func (a *App) ProcessProposal(_ context.Context, req *abci.RequestProcessProposal) (*abci.ResponseProcessProposal, error) {
	if err := a.chain.ProcessProposal(req.Txs); err != nil {
		if gongxu.ErrorKind(err) == gongxu.KindInternal {
			return nil, err
		}
		a.log().Warn("refused a proposal", "height", req.Height, "proposer", fmt.Sprintf("%X", req.ProposerAddress), "why", gongxu.ErrorMessage(err))
		return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_REJECT}, nil
	}
	return &abci.ResponseProcessProposal{Status: abci.ResponseProcessProposal_ACCEPT}, nil
}

// FinalizeBlock implements abci.Application.
func (a *App) FinalizeBlock(_ context.Context, req *abci.RequestFinalizeBlock) (*abci.ResponseFinalizeBlock, error) {
	a.mu.Lock()
	a.blockHash = req.Hash
	a.mu.Unlock()
	res, err := a.chain.FinalizeBlock(chain.Block{Height: req.Height, Time: req.Time.UnixMilli(), Txs: req.Txs})
	if err != nil {
		return nil, a.stopForUpgrade(err)
	}
	out := &abci.ResponseFinalizeBlock{AppHash: res.AppHash, TxResults: make([]*abci.ExecTxResult, len(res.Txs)),
		Events: append(toABCI(res.Events), endEvents(res.EndEvents)...), ConsensusParamUpdates: versionUpdate(res.AppVersion)}
	for i, t := range res.Txs {
		out.TxResults[i] = &abci.ExecTxResult{Code: t.Code, Log: t.Log, Info: string(t.Org), Codespace: codespace(t.Code), Events: toABCI(t.Events)}
	}
	for _, v := range res.ValidatorUpdates {
		out.ValidatorUpdates = append(out.ValidatorUpdates, abci.Ed25519ValidatorUpdate(v.PubKey, v.Power))
	}
	return out, nil
}

// Commit implements abci.Application.
func (a *App) Commit(context.Context, *abci.RequestCommit) (*abci.ResponseCommit, error) {
	if _, err := a.chain.Commit(); err != nil {
		return nil, err
	}
	return &abci.ResponseCommit{RetainHeight: a.afterCommit()}, nil
}

// Query implements abci.Application: path "/account" with a hex key as data
// returns the account as JSON; "/prove" with a raw state key returns its value
// and a proof against the committed root.
func (a *App) Query(_ context.Context, req *abci.RequestQuery) (*abci.ResponseQuery, error) {
	h, _ := a.chain.Info()
	switch req.Path {
	case "/account":
		acc, err := a.chain.Account(gongxu.PubKey(req.Data))
		if err != nil {
			return queryErr(err, h), nil
		}
		b, _ := json.Marshal(acc)
		return &abci.ResponseQuery{Value: b, Height: h}, nil
	case "/prove":
		// The value and the proof come from one committed state, and the
		// height is the proof's: a commit in between cannot mix two heights.
		v, p, err := a.chain.State().GetWithProof(req.Data)
		if err != nil {
			return queryErr(err, h), nil
		}
		pb, _ := json.Marshal(p)
		return &abci.ResponseQuery{Key: req.Data, Value: v, Info: string(pb), Height: p.Height}, nil
	}
	return queryErr(gongxu.Errorf(gongxu.KindNotFound, "unknown query path %q", req.Path), h), nil
}

func queryErr(err error, h int64) *abci.ResponseQuery {
	k := gongxu.ErrorKind(err)
	return &abci.ResponseQuery{Code: uint32(k), Log: gongxu.ErrorMessage(err), Codespace: codespace(uint32(k)), Height: h}
}

func codespace(code uint32) string {
	if code == 0 {
		return ""
	}
	return "gongxu"
}

func toABCI(evs []gongxu.Event) []abci.Event {
	if len(evs) == 0 {
		return nil
	}
	out := make([]abci.Event, len(evs))
	for i, e := range evs {
		attrs := make([]abci.EventAttribute, len(e.Attrs))
		for j, at := range e.Attrs {
			attrs[j] = abci.EventAttribute{Key: at.Key, Value: at.Value, Index: at.Key != "json"}
		}
		out[i] = abci.Event{Type: e.Type, Attributes: attrs}
	}
	return out
}

// stageAttr marks the block-level events that came after the transactions,
// so a block read back from CometBFT's store keeps the order.
const stageAttr = "gongxu.stage"

func endEvents(evs []gongxu.Event) []abci.Event {
	out := toABCI(evs)
	for i := range out {
		out[i].Attributes = append(out[i].Attributes, abci.EventAttribute{Key: stageAttr, Value: "end"})
	}
	return out
}

// splitStages undoes endEvents: events before the txs, and after them.
func splitStages(evs []abci.Event) (begin, end []gongxu.Event) {
	begin, end = []gongxu.Event{}, nil
	for _, e := range evs {
		n := len(e.Attributes)
		if n > 0 && e.Attributes[n-1].Key == stageAttr {
			e.Attributes = e.Attributes[:n-1]
			end = append(end, fromABCI([]abci.Event{e})...)
			continue
		}
		begin = append(begin, fromABCI([]abci.Event{e})...)
	}
	return begin, end
}

func fromABCI(evs []abci.Event) []gongxu.Event {
	out := make([]gongxu.Event, 0, len(evs))
	for _, e := range evs {
		ev := gongxu.Event{Type: e.Type, Attrs: make([]gongxu.Attr, len(e.Attributes))}
		for j, at := range e.Attributes {
			ev.Attrs[j] = gongxu.Attr{Key: at.Key, Value: at.Value}
		}
		out = append(out, ev)
	}
	return out
}
