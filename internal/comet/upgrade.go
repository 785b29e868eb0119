package comet

import (
	"runtime"
	"sync"
	"sync/atomic"

	cmtproto "github.com/cometbft/cometbft/proto/tendermint/types"

	"github.com/gongxu-network/gongxu/internal/chain"
)

// halt is how a node stops at an upgrade height its binary does not have
// (chain.UpgradeNeededError): FinalizeBlock executed nothing of the block,
// CometBFT has it stored, and a binary that has the version executes it on
// the same home. Its zero value is ready.
type halt struct {
	once    sync.Once
	ch      chan struct{}
	err     error
	syncing atomic.Pointer[func() bool] // whether blocks arrive by block sync; nil before the node exists
}

func (h *halt) done() chan struct{} {
	h.once.Do(func() { h.ch = make(chan struct{}) })
	return h.ch
}

// stopForUpgrade handles an error of FinalizeBlock: an upgrade-needed stop
// is recorded once and signalled (Halted). During the start's handshake the
// error goes back (the start fails with it); in consensus, CometBFT turns
// the returned error into a recovered panic that stops consensus and no
// more (no panic loop); under block sync, whose goroutine does not recover,
// this goroutine ends instead (runtime.Goexit runs its deferred calls, so
// the reactor's stop is not kept waiting) and the node is stopped by its
// owner. Any other error goes back as it is.
func (a *App) stopForUpgrade(err error) error {
	if _, ok := chain.AsUpgradeNeeded(err); !ok {
		return err
	}
	h := &a.halt
	ch := h.done()
	select {
	case <-ch:
	default:
		h.err = err
		a.log().Error(err.Error())
		close(ch)
	}
	if s := h.syncing.Load(); s != nil && (*s)() {
		runtime.Goexit()
	}
	return err
}

// Halted is closed when the node stopped at an upgrade height its binary
// does not have; HaltErr then says which version it needs.
func (a *App) Halted() <-chan struct{} { return a.halt.done() }

// HaltErr is the reason of Halted (nil before).
func (a *App) HaltErr() error {
	select {
	case <-a.halt.done():
		return a.halt.err
	default:
		return nil
	}
}

// versionUpdate tells CometBFT the app version an upgrade moved to, so the
// headers of the blocks after it carry it (as Cosmos SDK does).
func versionUpdate(v uint64) *cmtproto.ConsensusParams {
	if v == 0 {
		return nil
	}
	return &cmtproto.ConsensusParams{Version: &cmtproto.VersionParams{App: v}}
}

// Halted is closed when the node stopped at an upgrade height its binary
// does not have (see App.Halted); HaltErr says which version it needs.
func (n *Node) Halted() <-chan struct{} { return n.app.Halted() }

// HaltErr is the reason of Halted (nil before).
func (n *Node) HaltErr() error { return n.app.HaltErr() }
