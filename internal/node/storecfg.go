package node

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

// StoreConfig is the memory the node's state store may keep: Pebble's block
// cache and the state tree's node cache. Neither changes what the store
// holds or its root, only memory and speed.
type StoreConfig struct {
	// CacheMiB is Pebble's block cache (its memtables are charged to it
	// too), outside the Go heap: 64–1048576; 0: the default, 256.
	CacheMiB int64 `json:"cache_mib"`
	// TreeCacheMiB bounds the state tree's node cache (the levels nearest
	// the root, decoded, in the Go heap; the gc memory limit follows it):
	// 1–1048576; 0: the default, 320 (the 21 levels nearest the root: ~4
	// tree reads a write at 10 million keys); -1: the root only.
	TreeCacheMiB int64 `json:"tree_cache_mib"`
}

// DefaultStore is the store memory of a new node.
func DefaultStore() StoreConfig {
	return StoreConfig{CacheMiB: pebblekv.DefaultCacheBytes >> 20, TreeCacheMiB: store.DefaultNodeCacheBytes >> 20}
}

func (c StoreConfig) validate() error {
	switch {
	case c.CacheMiB != 0 && (c.CacheMiB < 64 || c.CacheMiB > 1<<20):
		return gongxu.Errorf(gongxu.KindInvalid, "node config: store cache_mib must be 64–1048576 MiB, or 0 for the default (256), not %d", c.CacheMiB)
	case c.TreeCacheMiB < -1 || c.TreeCacheMiB > 1<<20:
		return gongxu.Errorf(gongxu.KindInvalid, "node config: store tree_cache_mib must be 1–1048576 MiB, 0 for the default (320) or -1 for the root only, not %d", c.TreeCacheMiB)
	}
	return nil
}

// cacheBytes is Pebble's block cache in bytes.
func (c StoreConfig) cacheBytes() int64 {
	if c.CacheMiB == 0 {
		return pebblekv.DefaultCacheBytes
	}
	return c.CacheMiB << 20
}

// options are the store.Options of c (0 is store's default, negative the
// root only, as in store.Options).
func (c StoreConfig) options() store.Options {
	return store.Options{NodeCacheBytes: c.TreeCacheMiB << 20}
}
