package pool

import (
	"bytes"

	"github.com/gongxu-network/gongxu/internal/module"
)

// A failed pool refunded every pledge, at its close or at its failover
// (production did not start in time), and nothing can follow (no
// production, no delivery, no pickup): its batch records (pool/batch,
// one per hub batch) and its hubs' batch totals (pool/hb) serve nothing
// more, and they are most of what hub batching leaves in the state. The
// close queues the pool (pool/gc); each block's BeginBlock then deletes at
// most MaxCollectPerBlock of those keys, the queued pools in id order, so a
// pool of any number of batches costs no block more than that. The read
// model and the block store keep the batches (receipts are built from them),
// and Batch answers NotFound for a failed pool's batch from its close on.
const MaxCollectPerBlock = 5_000

// collectBudget is MaxCollectPerBlock (tests lower it, export_test.go).
var collectBudget = MaxCollectPerBlock

func gcPrefix() []byte         { return []byte(prefix + "gc/") }
func gcKey(pool uint64) []byte { return append(gcPrefix(), pad(pool)...) }
func gcPool(key []byte) []byte { return key[len(gcPrefix()):] }
func gcPrefixes(id []byte) [][]byte {
	return [][]byte{
		[]byte(prefix + "batch/" + string(id) + "/"),
		[]byte(prefix + "hb/" + string(id) + "/"),
	}
}

// queueCollect queues a failed pool's batch records for deletion.
func queueCollect(ctx *module.Context, id uint64) error {
	return ctx.KV.Set(gcKey(id), []byte{})
}

// collect deletes up to the block's budget of the queued pools' batch
// records, in pool id order, and unqueues each pool it empties.
func (m *Module) collect(ctx *module.Context) error {
	var queued [][]byte
	err := ctx.KV.Iterate(gcPrefix(), module.PrefixEnd(gcPrefix()), func(k, _ []byte) bool {
		queued = append(queued, bytes.Clone(k))
		return len(queued) < collectBudget // each queued pool costs one delete at least
	})
	if err != nil {
		return err
	}
	left := collectBudget
	for _, q := range queued {
		if left == 0 {
			return nil
		}
		done := true
		for _, p := range gcPrefixes(gcPool(q)) {
			var keys [][]byte
			err := ctx.KV.Iterate(p, module.PrefixEnd(p), func(k, _ []byte) bool {
				keys = append(keys, bytes.Clone(k))
				return len(keys) < left+1
			})
			if err != nil {
				return err
			}
			if len(keys) > left {
				keys, done = keys[:left], false
			}
			for _, k := range keys {
				if err := ctx.KV.Delete(k); err != nil {
					return err
				}
			}
			left -= len(keys)
			if !done {
				return nil
			}
		}
		if left == 0 {
			// The pool's records are gone; its queue entry waits for the
			// next block, whose budget it then costs one delete.
			return nil
		}
		if err := ctx.KV.Delete(q); err != nil {
			return err
		}
		left--
	}
	return nil
}
