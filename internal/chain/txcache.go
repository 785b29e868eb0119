package chain

import (
	"sync"

	"github.com/gongxu-network/gongxu"
)

// checkedTxs remembers, by hash, the transactions CheckTx accepted: decoded,
// with their sign bytes, and their signatures verified. A recheck after each
// commit (CometBFT rechecks every transaction still in the mempool, on the
// consensus goroutine, before the next height starts) then neither decodes
// the envelope again nor looks the signature up, only re-runs what depends on
// state: route and body (cheap), weight, the signer's org and sequence, and
// the handler on the check state. It serves CheckTx and Recheck only, never
// FinalizeBlock or ProcessProposal, and an entry is a pure function of the
// raw bytes (same bytes, same hash, same decoding), so it cannot change what
// a block does, only the mempool's cost. Bounded: the oldest entries go first.
type checkedTxs struct {
	mu   sync.Mutex
	m    map[[32]byte]checkedTx
	ring [][32]byte
	next int
}

type checkedTx struct {
	tx      *gongxu.Tx
	signMsg []byte
}

func newCheckedTxs(size int) *checkedTxs {
	return &checkedTxs{m: make(map[[32]byte]checkedTx, size), ring: make([][32]byte, size)}
}

func (c *checkedTxs) get(k [32]byte) (checkedTx, bool) {
	c.mu.Lock()
	e, ok := c.m[k]
	c.mu.Unlock()
	return e, ok
}

func (c *checkedTxs) add(k [32]byte, e checkedTx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[k]; ok {
		return
	}
	if old := c.ring[c.next]; old != ([32]byte{}) {
		delete(c.m, old)
	}
	c.ring[c.next] = k
	c.m[k] = e
	c.next = (c.next + 1) % len(c.ring)
}

// checkedTxsSize bounds the cache: a few full mempools of the admission
// bound (internal/comet.Admission), ~0.5 KiB each for a member tx.
const checkedTxsSize = 32_768

// decodeVerified decodes raw and verifies its signature, or takes both from
// the cache of transactions CheckTx accepted before. sigValid is set when
// the signature verified.
func (a *App) decodeVerified(raw []byte, maxBytes int) decoded {
	key := txKey(raw)
	if e, ok := a.checked.get(key); ok && (maxBytes <= 0 || len(raw) <= maxBytes) {
		return decoded{raw: raw, key: key, hash: hashString(key), tx: e.tx, signMsg: e.signMsg, sigValid: true}
	}
	d := a.decode(raw, maxBytes)
	if d.err != nil {
		return d
	}
	if a.sigs.has(d.key) || verifyOne(d.tx.Signer, d.signMsg, d.tx.Signature) {
		d.sigValid = true
		a.sigs.add(d.key)
	}
	return d
}
