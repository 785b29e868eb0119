package chain

import (
	"sync"

	"github.com/gongxu-network/gongxu/internal/module"
)

// One decode per node. A transaction's body is decoded and checked by
// CheckTx, again by every Recheck after a commit while it waits in the
// mempool, by ProcessProposal and by FinalizeBlock. For a message whose
// decoding grows with its content (a hub batch of thousands of leaves) that
// repeated work is most of what a node spends on it. msgCache keeps the
// decoded message of such transactions, keyed by the sha256 of the whole
// transaction (which binds type and body), so that each node decodes it once.
//
// Only messages that opt in are kept: their type has the method
// DecodedOnce() (any signature-free marker), a promise that neither their
// handler nor anything after ValidateBasic changes the message, so a cached
// message is the value a fresh decode gives and every node reaches the same
// verdict whether or not it saw the transaction before the block. The cache
// is bounded by the raw bytes of its transactions (oldest out first), so it
// holds at most a few blocks' worth whatever the mempool holds.
type decodedOnce interface{ DecodedOnce() }

// msgCacheBytes bounds the raw transaction bytes the cache stands for: two
// 4 MB blocks.
const msgCacheBytes = 8 << 20

type cachedMsg struct {
	route module.Route
	msg   module.Msg
	size  int
}

type msgCache struct {
	mu    sync.Mutex
	m     map[[32]byte]cachedMsg
	order [][32]byte // insertion order, for eviction; may hold keys already gone
	bytes int
	limit int
}

func newMsgCache(limit int) *msgCache {
	return &msgCache{m: map[[32]byte]cachedMsg{}, limit: limit}
}

func (c *msgCache) get(k [32]byte) (module.Route, module.Msg, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	return e.route, e.msg, ok
}

// put keeps a decoded, checked message of a type that opts in.
func (c *msgCache) put(k [32]byte, size int, route module.Route, msg module.Msg) {
	if _, ok := msg.(decodedOnce); !ok || size > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return
	}
	for c.bytes+size > c.limit && len(c.order) > 0 {
		old := c.order[0]
		c.order = c.order[1:]
		if e, ok := c.m[old]; ok {
			c.bytes -= e.size
			delete(c.m, old)
		}
	}
	c.m[k] = cachedMsg{route: route, msg: msg, size: size}
	c.order = append(c.order, k)
	c.bytes += size
}

// drop forgets a transaction once its block is finalized.
func (c *msgCache) drop(k [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[k]; ok {
		c.bytes -= e.size
		delete(c.m, k)
	}
	if len(c.m) == 0 {
		c.order = c.order[:0]
	}
}

// routeDecoded is route for a decoded transaction, through the cache.
func (a *App) routeDecoded(d *decoded) (module.Route, module.Msg, error) {
	if route, msg, ok := a.msgs.get(d.key); ok {
		return route, msg, nil
	}
	route, msg, err := a.route(d.tx)
	if err == nil {
		a.msgs.put(d.key, len(d.raw), route, msg)
	}
	return route, msg, err
}
