package bench

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"
)

// settleConns bounds the end-of-step queries in flight to node 0.
const settleConns = 16

// settleWait bounds the wait for the poller to reach the heights the counts
// were read at, and Stored's retries (the application may answer abci_info
// with a block whose writes it has not committed yet).
const settleWait = 5 * time.Second

// count is one signer's answer to Settle.Succeeded.
type count struct {
	ok     bool
	n      uint64
	height int64
}

// settle checks the step's included transactions against the chain's count
// of successes (Load.Settle) and leaves in st.seen only those known to have
// succeeded by the heights the counts were read at.
func (r *Runner) settle(ctx context.Context, st *stepState) {
	s, node := r.load.Settle, r.load.Nodes[0]
	var counts []count
	if s.Succeeded != nil {
		counts = make([]count, r.load.Signers)
		var top int64
		parallel(r.load.Signers, func(i int) {
			n, h, err := s.Succeeded(ctx, r.rpc, node, i)
			if err != nil {
				r.noteErr("success count: " + err.Error())
				return
			}
			counts[i] = count{ok: true, n: n, height: h}
		})
		for _, c := range counts {
			top = max(top, c.height)
		}
		// The poller reads a height once the application has finished it: it
		// reaches what the counts saw within a poll or two.
		for deadline := time.Now().Add(settleWait); ; {
			r.mu.Lock()
			seen := r.top
			r.mu.Unlock()
			if seen >= top || time.Now().After(deadline) || sleep(ctx, 10*time.Millisecond) != nil {
				break
			}
		}
	}

	r.mu.Lock()
	r.forget(st)        // from here on the step's transactions are what the poller saw
	var short []int     // signers with more failures than before
	var newFailed int64 // how many more, over them
	var msgs []string
	if counts != nil {
		var late int64
		keep := st.seen[:0]
		for _, x := range st.seen {
			if c := counts[x.signer]; c.ok && x.height > c.height {
				r.blocks[x.block].Ours-- // seen after the count was read: not checked, not counted
				late++
				continue
			}
			keep = append(keep, x)
		}
		st.seen = keep
		st.res.Uncommitted += late
		for i, c := range counts {
			if !c.ok {
				st.res.Mismatch++
				continue
			}
			included := int64(sort.Search(len(r.incl[i]), func(k int) bool { return r.incl[i][k] > c.height }))
			switch f := included - int64(c.n); {
			case f < 0:
				st.res.Mismatch += -f
				msgs = append(msgs, fmt.Sprintf("signer %d: the chain counts %d successes at height %d, the blocks showed %d of its txs", i, c.n, c.height, included))
			case f > r.failed[i]:
				short = append(short, i)
				newFailed += f - r.failed[i]
				r.failed[i] = f
			}
		}
	}
	r.mu.Unlock()
	for _, m := range msgs {
		r.noteErr(m)
	}
	if len(short) > 0 {
		if found := r.findFailed(ctx, st, short); found != newFailed {
			// Another step's transactions (a straggler seen late) failed,
			// or the results could not be read.
			r.noteErr(fmt.Sprintf("the chain's counts show %d more failed txs, %d of them this step's", newFailed, found))
		}
	}
	if s.Stored != nil {
		r.checkStored(ctx, st)
	}
}

// findFailed reads the block results of the heights where the step's
// transactions of signers were seen, drops those that failed and returns
// how many it dropped.
func (r *Runner) findFailed(ctx context.Context, st *stepState, signers []int) int64 {
	want := map[int]bool{}
	for _, i := range signers {
		want[i] = true
	}
	r.mu.Lock()
	var heights []int64
	for _, x := range st.seen {
		if want[x.signer] && (len(heights) == 0 || heights[len(heights)-1] != x.height) {
			heights = append(heights, x.height)
		}
	}
	r.mu.Unlock()
	failed := map[[32]byte]string{}
	for _, h := range heights {
		b, err := r.rpc.Block(ctx, r.load.Nodes[0], h, true)
		if err != nil {
			r.noteErr(fmt.Sprintf("block results %d: %v", h, err))
			r.count(&st.res.Mismatch)
			continue
		}
		for k, code := range b.Codes {
			if code != 0 {
				failed[b.Hashes[k]] = fmt.Sprintf("block %d: code %d: %s", h, code, b.Logs[k])
			}
		}
	}
	var msgs []string
	var found int64
	r.mu.Lock()
	keep := st.seen[:0]
	for _, x := range st.seen {
		if msg, ok := failed[x.hash]; ok && want[x.signer] {
			r.blocks[x.block].Ours--
			st.res.Rejected++
			found++
			msgs = append(msgs, msg)
			continue
		}
		keep = append(keep, x)
	}
	st.seen = keep
	r.mu.Unlock()
	for _, m := range msgs {
		r.noteErr(m)
	}
	return found
}

// checkStored reads back each signer's last transaction of the step seen
// included.
func (r *Runner) checkStored(ctx context.Context, st *stepState) {
	r.mu.Lock()
	last := map[int]uint64{}
	for _, x := range st.seen {
		last[x.signer] = max(last[x.signer], x.seq)
	}
	r.mu.Unlock()
	signers := make([]int, 0, len(last))
	for i := range last {
		signers = append(signers, i)
	}
	sort.Ints(signers)
	parallel(len(signers), func(k int) {
		i := signers[k]
		var err error
		for deadline := time.Now().Add(settleWait); ; {
			if err = r.load.Settle.Stored(ctx, r.rpc, r.load.Nodes[0], i, last[i]); err == nil || time.Now().After(deadline) || sleep(ctx, 50*time.Millisecond) != nil {
				break
			}
		}
		if err != nil {
			r.noteErr(fmt.Sprintf("signer %d: tx %d seen included, not read back: %v", i, last[i], err))
			r.count(&st.res.Mismatch)
		}
	})
}

// parallel runs f(0) … f(n-1), settleConns at a time.
func parallel(n int, f func(int)) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, settleConns)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			f(i)
		}()
	}
	wg.Wait()
}
