package chain

import (
	"bytes"
	"container/list"
	"hash/maphash"
	"sync"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// One transaction cache per node. A transaction is decoded and its
// signature verified by CheckTx, then judged again by every Recheck after a
// commit while it waits in the mempool, by PrepareProposal, ProcessProposal
// and FinalizeBlock. What those steps share is a pure function of the
// transaction's bytes, and txCache keeps it, with the bytes themselves, so
// that each node does that work once per transaction.
//
// The key is a fast non-cryptographic hash of the bytes (hash/maphash,
// seeded per process), not their sha256: a hub batch is ~190 KB, and a
// sha256 of it at every step (CheckTx, each Recheck, the proposals,
// FinalizeBlock) cost more than the rest of the lookup. A key only finds a
// candidate: an entry answers only for a transaction whose bytes are equal
// (bytes.Equal) to the ones it was made for, so two transactions whose keys
// collide are never confused (TestTxCacheCollision forces one); the newer
// takes the slot. The tx hash (the sha256, which the state and the events
// name) is computed once, on a miss, and kept in the entry.
//
// What an entry promises — the one place that says it:
//
//   - tx is the envelope gongxu.DecodeTx gives for exactly these bytes (it
//     aliases them). The size limit is not part of it: a reader checks the
//     bytes against the limit in force (it may have changed) and decodes
//     again over it, which refuses them.
//   - The signature verified, under CometBFT's ZIP-215 rules, over the sign
//     bytes of this chain id: there is no entry for a transaction whose
//     signature did not verify, or was not checked yet. So an entry can save
//     a verification, never admit a signature that would fail.
//   - msg, when set, is the body decoded and checked (decodeBody,
//     ValidateBasic) for route, kept only for message types that opt in with
//     a DecodedOnce() method: their promise that no handler and nothing after
//     ValidateBasic changes the message, so that the cached value is the one a
//     fresh decode gives, shared read-only by every step (and goroutine) that
//     uses it. The route table is fixed for the binary; a decode that
//     depended on state (an app version) could not be cached here.
//
// Nothing in an entry depends on state, block time or the node's history, so
// a node that saw a transaction before its block reaches the verdict and the
// app hash of a node that did not (TestTxCacheSameVerdicts, the pool's
// TestBatchDecodedOnceSameVerdicts, the replay tests).
//
// Bounded by one policy: each entry is charged its bytes plus a fixed
// overhead, the total stays within txCacheBytes, and the oldest entry goes
// first. FinalizeBlock drops its transactions once executed (the mempool
// lets them go), so the cache holds the mempool and what is in flight.
type txCache struct {
	mu    sync.Mutex
	m     map[uint64]*list.Element // of *txEntry
	order list.List                // oldest first
	bytes int
	limit int
	hash  func([]byte) uint64 // the key of a transaction's bytes
}

type txEntry struct {
	key    uint64
	raw    []byte // the transaction's bytes: an entry answers only for these
	hash   string // the tx hash: sha256 of raw as gongxu.TxHash spells it
	tx     *gongxu.Tx
	route  module.Route
	msg    module.Msg // nil unless the type opts in (decodedOnce) and the body checked
	charge int
}

// decodedOnce is what a message type implements to have its decoded value
// kept in the cache (see txCache).
type decodedOnce interface{ DecodedOnce() }

// txCacheBytes bounds the cache: 32 MiB of transaction bytes and overheads,
// ~48,000 member transactions (the mempool holds at most 20,000, and
// admission sheds past 4,000), or eight 4 MB blocks of hub batches.
const txCacheBytes = 32 << 20

// txEntryOverhead is what an entry is charged beyond its bytes: the map slot,
// the list element, the decoded envelope and message headers.
const txEntryOverhead = 512

func newTxCache(limit int) *txCache {
	seed := maphash.MakeSeed()
	return &txCache{m: map[uint64]*list.Element{}, limit: limit, hash: func(b []byte) uint64 { return maphash.Bytes(seed, b) }}
}

// key is the cache key of a transaction's bytes.
func (c *txCache) key(raw []byte) uint64 { return c.hash(raw) }

// get returns the entry of raw, whose key is k: none when the entry under k
// was made for other bytes.
func (c *txCache) get(k uint64, raw []byte) (txEntry, bool) {
	c.mu.Lock()
	el, ok := c.m[k]
	var e txEntry
	if ok {
		e = *el.Value.(*txEntry)
	}
	c.mu.Unlock()
	if !ok || !bytes.Equal(e.raw, raw) {
		return txEntry{}, false
	}
	return e, true
}

// put keeps a transaction whose signature verified (raw, its key k and tx
// hash), with its message when the type opts in; a message may be added to
// an entry that has none. An entry under k made for other bytes (a key
// collision) gives way.
func (c *txCache) put(k uint64, raw []byte, hash string, tx *gongxu.Tx, route module.Route, msg module.Msg) {
	if _, ok := msg.(decodedOnce); !ok {
		msg = nil
	}
	size := len(raw)
	charge := size + txEntryOverhead
	if msg != nil {
		// A decoded message holds about its bytes again (a capture keeps a
		// copy of its document, a batch its leaves): charged as such.
		charge += size
	}
	if charge > c.limit {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[k]; ok {
		e := el.Value.(*txEntry)
		if !bytes.Equal(e.raw, raw) {
			c.remove(el) // a collision: the newer transaction takes the slot
		} else {
			if e.msg == nil && msg != nil {
				e.route, e.msg = route, msg
				e.charge += size
				c.bytes += size
				for c.bytes > c.limit && c.order.Front() != el {
					c.remove(c.order.Front())
				}
			}
			return
		}
	}
	for c.bytes+charge > c.limit {
		c.remove(c.order.Front())
	}
	c.m[k] = c.order.PushBack(&txEntry{key: k, raw: raw, hash: hash, tx: tx, route: route, msg: msg, charge: charge})
	c.bytes += charge
}

// drop forgets a transaction (raw, its key k) once its block is executed.
func (c *txCache) drop(k uint64, raw []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el, ok := c.m[k]; ok && bytes.Equal(el.Value.(*txEntry).raw, raw) {
		c.remove(el)
	}
}

func (c *txCache) remove(el *list.Element) {
	e := c.order.Remove(el).(*txEntry)
	delete(c.m, e.key)
	c.bytes -= e.charge
}

func (c *txCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}

// decodeCached decodes raw, from the cache when it holds raw within
// maxBytes: then sigValid is set and, when kept, the message. On a miss the
// signature is not verified yet (sigValid false, signMsg set).
func (a *App) decodeCached(raw []byte, maxBytes int) decoded {
	key := a.txs.key(raw)
	if e, ok := a.txs.get(key, raw); ok && (maxBytes <= 0 || len(raw) <= maxBytes) {
		return decoded{raw: raw, key: key, hash: e.hash, tx: e.tx, sigValid: true, route: e.route, msg: e.msg}
	}
	return a.decode(raw, key, maxBytes)
}

// decodeVerified is decodeCached with the signature of a miss verified on
// the spot, and a verified one remembered.
func (a *App) decodeVerified(raw []byte, maxBytes int) decoded {
	d := a.decodeCached(raw, maxBytes)
	if d.err != nil || d.sigValid {
		return d
	}
	if verifyOne(d.tx.Signer, d.signMsg, d.tx.Signature) {
		d.sigValid = true
		a.remember(&d)
	}
	return d
}

// remember keeps a decoded transaction whose signature verified, with its
// message if routeDecoded gave one.
func (a *App) remember(d *decoded) {
	if d.err != nil || !d.sigValid {
		return
	}
	a.txs.put(d.key, d.raw, d.hash, d.tx, d.route, d.msg)
}

// routeDecoded is route for a decoded transaction: the cached message when
// there is one, else a fresh decode, which d keeps (remember stores it for
// the types that opt in).
func (a *App) routeDecoded(d *decoded) (module.Route, module.Msg, error) {
	if d.msg != nil {
		return d.route, d.msg, nil
	}
	route, msg, err := a.route(d.tx)
	if err == nil {
		d.route, d.msg = route, msg
	}
	return route, msg, err
}
