package chain

import (
	"bytes"

	"github.com/gongxu-network/gongxu/internal/store"
)

// checkReads memoizes the mempool checks' reads of one committed state: the
// state CheckTx and Recheck judge against (latest) does not change between
// two commits, yet every check of a signer's transaction reads the same
// keys from it — the signer's org (Auth.OrgOfKey), its committed sequence,
// and, through the check state, what its handler reads first (an org
// record) — each a storage read. At 1,000 tx/s a signer sends several
// transactions per block, each checked once and rechecked after every
// commit it waits through.
//
// It is a plain read-through cache and changes no verdict: every value it
// hands out is the one the same committed state gives. That holds because
// it is used and reset only under checkMu, and the committed state changes
// only under checkMu too (Commit) or before the mempool runs at all (state
// sync's restore, InitChain); it is also tied to the height it was filled
// at, and a check at another height starts it again (checkReadsFor).
// Iterate is not memoized. It is node-local: nothing in a block depends on it.
type checkReads struct {
	r      store.Reader
	height int64
	m      map[string][]byte // a nil value: the key is absent
}

// checkReadsMax bounds the keys memoized per height (~3 per signer; a flood
// of transactions from keys of no org reads one each): past it, reads go to
// the state uncached until the next commit.
const checkReadsMax = 1 << 16

// Get implements store.Reader; like the state it hands out copies.
func (c *checkReads) Get(key []byte) ([]byte, error) {
	if v, ok := c.m[string(key)]; ok {
		if v == nil {
			return nil, nil
		}
		return bytes.Clone(v), nil
	}
	v, err := c.r.Get(key)
	if err != nil {
		return nil, err
	}
	if len(c.m) < checkReadsMax {
		c.m[string(key)] = bytes.Clone(v)
	}
	return v, nil
}

// Iterate implements store.Reader, from the state.
func (c *checkReads) Iterate(start, end []byte, fn func(key, value []byte) bool) error {
	return c.r.Iterate(start, end, fn)
}

// checkReadsFor returns the memo of the state CheckTx judges against now,
// a fresh one after a commit (or a restore). The caller holds checkMu.
func (a *App) checkReadsFor() *checkReads {
	h := a.state.Height()
	if a.reads == nil || a.reads.height != h {
		a.reads = &checkReads{r: a.latest(), height: h, m: map[string][]byte{}}
		a.checkState = nil // over the state it read
	}
	return a.reads
}
