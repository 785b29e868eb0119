package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/sqlite"
)

// blockSource reads committed blocks back from CometBFT's stores.
type blockSource interface {
	Block(h int64) (gongxu.CommittedBlock, error)
	Height() int64
	// HistoryFrom is the first block the source holds when it does not
	// hold every block from 1 (state sync, pruning); else 0.
	HistoryFrom() int64
}

// projector is the read model's feeder: it projects committed blocks into
// the read model, off the consensus goroutine. Blocks arrive from commits;
// any gap (start-up, a restart, a failed projection) is filled from the
// block store, so the read model always converges to the chain. Each
// height it reaches is broadcast to those waiting for it (heights).
type projector struct {
	db      *sqlite.DB
	src     blockSource
	log     *slog.Logger
	met     *metrics
	heights *heights                      // the height projected, for waiters
	after   func([]gongxu.CommittedBlock) // told of each projected batch; set before run

	// projected is told the height the read model reached, and check runs
	// after each projected batch (the money invariant); both optional, set
	// before run.
	projected func(height int64)
	check     func()

	// lacking is set once the read model needs a block the source does
	// not hold (a state-synced or pruned node): it then stays where it is.
	lacking atomic.Bool

	mu     sync.Mutex
	cond   *sync.Cond
	queue  []gongxu.CommittedBlock
	closed bool
	done   chan struct{}
}

// newProjector feeds db, which has projected up to height, from src.
func newProjector(db *sqlite.DB, src blockSource, height int64, log *slog.Logger, met *metrics) *projector {
	p := &projector{db: db, src: src, log: log, met: met, heights: newHeights(height), done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	return p
}

// push queues a committed block; a zero block only wakes the projector.
func (p *projector) push(b gongxu.CommittedBlock) {
	p.mu.Lock()
	p.queue = append(p.queue, b)
	p.mu.Unlock()
	p.cond.Signal()
}

func (p *projector) close() {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.cond.Signal()
	<-p.done
}

func (p *projector) run() {
	defer close(p.done)
	ctx := context.Background()
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if p.closed {
			p.mu.Unlock()
			return
		}
		batch := p.queue
		p.queue = nil
		p.mu.Unlock()
		if err := p.project(ctx, batch); errors.Is(err, errLacksHistory) {
			if !p.lacking.Swap(true) {
				p.log.Warn("the read model stays at its height: it projects every block from 1, and this node's block store starts later (state sync or pruning); use gongxu reindex on a home that holds every block", "err", err)
			}
		} else if err != nil {
			p.log.Error("read model projection failed; will retry from the block store", "err", err)
			time.Sleep(time.Second)
			p.push(gongxu.CommittedBlock{})
		}
	}
}

// errLacksHistory: the read model needs a block the node does not hold.
var errLacksHistory = errors.New("read model: the block store lacks the blocks the read model needs")

func (p *projector) project(ctx context.Context, batch []gongxu.CommittedBlock) error {
	last, err := p.db.Height(ctx)
	if err != nil {
		return err
	}
	if from := p.src.HistoryFrom(); from > last+1 {
		return fmt.Errorf("%w: it is at height %d, the node holds blocks from %d", errLacksHistory, last, from)
	}
	var todo []gongxu.CommittedBlock
	for _, b := range batch {
		if b.Height == 0 || b.Height <= last {
			continue
		}
		// Fill any gap before b from the block store.
		for h := last + 1; h < b.Height; h++ {
			sb, err := p.src.Block(h)
			if err != nil {
				return err
			}
			todo = append(todo, sb)
		}
		todo = append(todo, b)
		last = b.Height
	}
	// Catch up to the chain's height (start-up, or missed pushes).
	for h := last + 1; h <= p.src.Height() && len(todo) < 1000; h++ {
		sb, err := p.src.Block(h)
		if err != nil {
			return err
		}
		todo = append(todo, sb)
		last = h
	}
	if len(todo) == 0 {
		return nil
	}
	if err := p.db.ProjectBlocks(ctx, todo); err != nil {
		return err
	}
	top := todo[len(todo)-1].Height
	p.met.readHeight.Set(float64(top))
	p.heights.set(top)
	if p.projected != nil {
		p.projected(top)
	}
	if p.check != nil {
		p.check()
	}
	if p.after != nil {
		p.after(todo)
	}
	if last < p.src.Height() {
		p.push(gongxu.CommittedBlock{})
	}
	return nil
}

// heights is a height that only rises and a broadcast to those waiting
// for it: each rise closes the channel the waiters hold and makes a new one.
type heights struct {
	mu   sync.Mutex
	h    int64
	rise chan struct{}
}

func newHeights(h int64) *heights { return &heights{h: h, rise: make(chan struct{})} }

// set raises the height to h and wakes the waiters; a lower h is ignored.
func (s *heights) set(h int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if h <= s.h {
		return
	}
	s.h = h
	close(s.rise)
	s.rise = make(chan struct{})
}

// get is the height.
func (s *heights) get() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.h
}

// wait returns once the height is at least h, or with the context's error.
func (s *heights) wait(ctx context.Context, h int64) error {
	for {
		s.mu.Lock()
		got, rise := s.h, s.rise
		s.mu.Unlock()
		if got >= h {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-rise:
		}
	}
}
