package chain

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync/atomic"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// The failure channels. Whatever a handler or a block hook returns or panics
// with, the chain turns it into a deterministic outcome:
//
//   - an *gongxu.Error of any kind but KindInternal rejects the transaction
//     with that kind (bad input, not allowed, not now);
//   - any other error, KindInternal, or a panic rejects it with
//     KindInternal: its writes are discarded, it is logged at error level and
//     counted (Stats), and the block goes on. Every node runs the same code
//     on the same state, so every node reaches the same verdict;
//   - a failed read of the node's own storage is not the transaction's
//     fault and may differ between nodes: it stops this node (FinalizeBlock
//     returns the error) instead of committing a state other nodes would not.
//
// Block hooks (BeginBlock, EndBlock) fail the same way: the failing module's
// hook writes for this block are discarded, and the block goes on.

// storageFailure is a read of the node's own storage that failed.
type storageFailure struct{ err error }

func (e *storageFailure) Error() string { return "storage: " + e.err.Error() }
func (e *storageFailure) Unwrap() error { return e.err }

// IsStorageFailure reports whether err is a failure of the node's own
// storage, which stops the node rather than failing a transaction.
func IsStorageFailure(err error) bool {
	var sf *storageFailure
	return errors.As(err, &sf)
}

// watchedKV passes reads and writes through to a cache and remembers the
// first failed read: a handler may swallow the error, the chain does not.
type watchedKV struct {
	kv  store.KV
	err error
}

func (w *watchedKV) Get(k []byte) ([]byte, error) {
	v, err := w.kv.Get(k)
	if err != nil && w.err == nil {
		w.err = err
	}
	return v, err
}

func (w *watchedKV) Iterate(start, end []byte, fn func(k, v []byte) bool) error {
	err := w.kv.Iterate(start, end, fn)
	if err != nil && w.err == nil {
		w.err = err
	}
	return err
}

func (w *watchedKV) Set(k, v []byte) error { return w.kv.Set(k, v) }
func (w *watchedKV) Delete(k []byte) error { return w.kv.Delete(k) }

// Stats counts the failures the chain absorbed since it started.
type Stats struct {
	TxInternal    uint64 // transactions rejected as internal failures (errors that are not the input's fault, panics)
	TxPanics      uint64 // of those, panics
	HookFailures  uint64 // block hooks whose writes were discarded
	CheckInternal uint64 // the same failures while judging a transaction for the mempool
}

type stats struct {
	txInternal, txPanics, hookFailures, checkInternal atomic.Uint64
}

// stage is where a handler or hook runs.
type stage int

const (
	inBlock stage = iota // a transaction in a block
	inCheck              // a transaction judged for the mempool
	inHook               // a block hook
)

// Stats returns the failure counters, for metrics.
func (a *App) Stats() Stats {
	return Stats{
		TxInternal:    a.stats.txInternal.Load(),
		TxPanics:      a.stats.txPanics.Load(),
		HookFailures:  a.stats.hookFailures.Load(),
		CheckInternal: a.stats.checkInternal.Load(),
	}
}

// run calls fn with ctx.KV watched and turns its outcome into one of the
// failure channels: nil, a rejection (*gongxu.Error), or a *storageFailure.
// what names the transaction type or hook, for the log; st says where it runs.
func (a *App) run(ctx *module.Context, what string, st stage, fn func() error) (err error) {
	w := &watchedKV{kv: ctx.KV}
	ctx.KV = w
	panicked := false
	func() {
		defer func() {
			if p := recover(); p != nil {
				panicked = true
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		err = fn()
	}()
	if w.err != nil {
		return &storageFailure{fmt.Errorf("%s at height %d: %w", what, ctx.Height, w.err)}
	}
	if err == nil {
		return nil
	}
	var ge *gongxu.Error
	if st != inHook && !panicked && errors.As(err, &ge) && ge.Kind != gongxu.KindInternal {
		return err
	}
	switch st {
	case inHook:
		a.stats.hookFailures.Add(1)
		a.log.Error("block hook failed; its writes are discarded, the block goes on",
			"hook", what, "height", ctx.Height, "panic", panicked, "err", err)
	case inCheck:
		a.stats.checkInternal.Add(1)
		a.log.Error("transaction failed inside its handler in the mempool check; refused",
			"type", what, "tx", ctx.TxHash, "panic", panicked, "err", err)
	default:
		a.stats.txInternal.Add(1)
		if panicked {
			a.stats.txPanics.Add(1)
		}
		a.log.Error("transaction failed inside its handler; rejected, the block goes on",
			"type", what, "tx", ctx.TxHash, "height", ctx.Height, "panic", panicked, "err", err)
	}
	msg := "failed inside the state machine"
	if panicked {
		msg = "panicked inside the state machine"
	}
	return &gongxu.Error{Kind: gongxu.KindInternal, Msg: fmt.Sprintf("%s %s (a fault of the node software, not of the transaction's signer): %v", what, msg, firstLine(err))}
}

func firstLine(err error) string {
	s := err.Error()
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
