package node

import (
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
)

// SyncConfig is how a node takes part in state sync and how much history it
// keeps (docs/statesync.md says the trade-offs).
type SyncConfig struct {
	// SnapshotInterval is the number of blocks between two snapshots of
	// the state that the node offers to nodes joining by state sync; 0
	// takes none.
	SnapshotInterval int64 `json:"snapshot_interval"`
	// SnapshotKeepRecent is how many of the latest snapshots stay on disk.
	SnapshotKeepRecent int `json:"snapshot_keep_recent"`
	// MinRetainBlocks, when above 0, lets CometBFT prune its block store
	// to the latest MinRetainBlocks blocks. A pruned node cannot serve
	// older blocks to nodes that block sync from 1, nor light-client
	// proofs of old heights, and gongxu reindex needs every block from 1.
	// It must keep at least the blocks since the oldest snapshot it keeps
	// (SnapshotInterval × SnapshotKeepRecent): a node joining by state
	// sync verifies a snapshot against the headers at and after its height.
	MinRetainBlocks int64 `json:"min_retain_blocks"`
	// StateSync, when its rpc_servers are set, makes a node with an empty
	// state join by state sync: restore a snapshot offered by its peers,
	// verified by a light client against a header the operator trusts,
	// instead of replaying every block from 1. gongxu start
	// --state-sync-rpc, --trust-height and --trust-hash set it.
	StateSync StateSyncConfig `json:"state_sync"`
}

// StateSyncConfig is what a node joining by state sync trusts.
type StateSyncConfig struct {
	// RPCServers are the CometBFT RPC addresses of two or more members'
	// nodes ("http://host:26657"), which the light client fetches headers
	// from and cross-checks.
	RPCServers []string `json:"rpc_servers,omitempty"`
	// TrustHeight and TrustHash name a block header the operator got from
	// a member out of band (gongxu status on a member's node).
	TrustHeight int64  `json:"trust_height,omitempty"`
	TrustHash   string `json:"trust_hash,omitempty"`
	// TrustPeriod is how long that header is trusted (default 168h).
	TrustPeriod Duration `json:"trust_period,omitempty"`
}

func defaultSyncConfig() SyncConfig {
	return SyncConfig{SnapshotInterval: 1000, SnapshotKeepRecent: 2}
}

// Validate refuses settings the node cannot run with (KindInvalid).
func (c SyncConfig) Validate() error {
	bad := func(what string) error { return gongxu.Errorf(gongxu.KindInvalid, "node config: %s", what) }
	switch {
	case c.SnapshotInterval < 0 || c.SnapshotKeepRecent < 0 || c.MinRetainBlocks < 0:
		return bad("snapshot_interval, snapshot_keep_recent and min_retain_blocks may not be negative")
	case c.MinRetainBlocks > 0 && c.SnapshotInterval > 0 && c.MinRetainBlocks < c.SnapshotInterval*int64(max(c.SnapshotKeepRecent, 1)):
		return bad("min_retain_blocks must keep the blocks since the oldest snapshot kept: at least snapshot_interval × snapshot_keep_recent")
	}
	if o := c.StateSync.options(); o != nil {
		if err := o.Validate(); err != nil {
			return bad("state_sync: " + gongxu.ErrorMessage(err))
		}
	}
	return nil
}

// options are the comet options of c; nil when state sync is not asked for.
func (c StateSyncConfig) options() *comet.StateSyncOptions {
	if len(c.RPCServers) == 0 {
		return nil
	}
	return &comet.StateSyncOptions{RPCServers: c.RPCServers, TrustHeight: c.TrustHeight, TrustHash: c.TrustHash, TrustPeriod: time.Duration(c.TrustPeriod)}
}

// cometOptions adds c's snapshots, pruning and state sync to o.
func (c SyncConfig) cometOptions(o comet.StartOptions) comet.StartOptions {
	o.Snapshots = comet.SnapshotOptions{Interval: c.SnapshotInterval, Keep: c.SnapshotKeepRecent}
	o.MinRetainBlocks = c.MinRetainBlocks
	o.StateSync = c.StateSync.options()
	return o
}
