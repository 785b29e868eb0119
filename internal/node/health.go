package node

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/module/settle"
	"github.com/gongxu-network/gongxu/internal/store"
)

// health is what /healthz reports: a node is not healthy when no block was
// committed for several block intervals while it is not catching up, when
// its read model lags the chain by more than a few blocks for more than a
// few seconds, or while the money invariant is broken. Its clock is now:
// the times it compares are its own, never block times.
type health struct {
	now        func() time.Time
	stallAfter time.Duration // no commit for this long: stalled (0: never, the chain may idle)
	interval   time.Duration // the expected block interval, for messages
	lagBlocks  int64
	lagFor     time.Duration
	catchingUp func() bool

	mu          sync.Mutex
	lastCommit  time.Time // when the last block was committed here (or the node started)
	chainHeight int64
	readHeight  int64
	lagSince    time.Time // zero while the read model keeps up
	broken      error     // the money invariant's failure, while it lasts
}

// newHealth applies c to a chain that commits a block every interval when
// idle (0: it may idle without blocks, and is never called stalled).
func newHealth(c HealthConfig, interval time.Duration, now func() time.Time, catchingUp func() bool) *health {
	var stall time.Duration
	if interval > 0 {
		stall = max(time.Duration(c.StallBlocks)*interval, c.StallMin.D())
	}
	return &health{now: now, stallAfter: stall, interval: interval, lagBlocks: c.LagBlocks, lagFor: c.LagFor.D(),
		catchingUp: catchingUp, lastCommit: now()}
}

// committed is told of each block the node commits.
func (h *health) committed(height int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastCommit = h.now()
	h.chainHeight = max(h.chainHeight, height)
	h.lag()
}

// projected is told the height the read model reached.
func (h *health) projected(height int64) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.readHeight = max(h.readHeight, height)
	h.lag()
}

// lag notes when the read model fell behind. Called with h.mu held.
func (h *health) lag() {
	if h.chainHeight-h.readHeight > h.lagBlocks {
		if h.lagSince.IsZero() {
			h.lagSince = h.now()
		}
	} else {
		h.lagSince = time.Time{}
	}
}

// setInvariant records the outcome of a check of the money invariant; a
// failure is logged at error level and counted.
func (h *health) setInvariant(err error, log *slog.Logger, met *metrics) {
	h.mu.Lock()
	was := h.broken
	h.broken = err
	height := h.chainHeight
	h.mu.Unlock()
	if err != nil {
		met.invariant.Inc()
		log.Error("the money invariant is broken on the committed state", "height", height, "err", err)
	} else if was != nil {
		log.Info("the money invariant holds again", "height", height)
	}
}

// check is nil when the node is healthy, else a KindUnavailable error that
// says why.
func (h *health) check(context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	now := h.now()
	if h.broken != nil {
		return gongxu.Errorf(gongxu.KindUnavailable, "the ledger's money invariant is broken: %v", h.broken)
	}
	if since := now.Sub(h.lastCommit); h.stallAfter > 0 && since > h.stallAfter && (h.catchingUp == nil || !h.catchingUp()) {
		return gongxu.Errorf(gongxu.KindUnavailable, "no block committed for %s (at height %d; one is expected every %s)",
			since.Round(time.Second), h.chainHeight, h.interval)
	}
	h.lag()
	if !h.lagSince.IsZero() && now.Sub(h.lagSince) > h.lagFor {
		return gongxu.Errorf(gongxu.KindUnavailable, "the read model is %d blocks behind the chain (at %d, the chain at %d) for %s",
			h.chainHeight-h.readHeight, h.readHeight, h.chainHeight, now.Sub(h.lagSince).Round(time.Second))
	}
	return nil
}

// checkMoneyInvariant checks the money invariant on committed state st: the
// settle module's keys are copied in one iteration (one snapshot of the
// store, so balances and supplies are of the same block) and checked there.
func checkMoneyInvariant(st store.Reader, m *settle.Module) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("the invariant check panicked: %v", v)
		}
	}()
	start := []byte(settle.Name + "/")
	var changes []store.Change
	if err := st.Iterate(start, module.PrefixEnd(start), func(k, v []byte) bool {
		changes = append(changes, store.Change{Key: append([]byte(nil), k...), Value: append([]byte(nil), v...)})
		return true
	}); err != nil {
		return gongxu.Wrap(err, "read the settle state")
	}
	snap := store.NewMemDB()
	if err := snap.Apply(changes); err != nil {
		return gongxu.Wrap(err, "copy the settle state")
	}
	return m.CheckInvariant(snap)
}
