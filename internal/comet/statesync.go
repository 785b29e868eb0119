package comet

import (
	"encoding/hex"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	cfg "github.com/cometbft/cometbft/config"

	"github.com/gongxu-network/gongxu"
)

// StateSyncOptions make a new node catch up by state sync instead of
// replaying every block: it asks its peers for snapshots, and verifies the
// app hash of the snapshot's height with a light client that trusts the
// header of TrustHeight with hash TrustHash and fetches headers from the RPC
// servers (at least two, so that one lying server is caught). A node whose
// state is not empty ignores it (CometBFT skips state sync).
type StateSyncOptions struct {
	RPCServers  []string      // CometBFT RPC addresses of nodes of the network, "http://host:26657"
	TrustHeight int64         // a height whose header hash the operator got from a member out of band
	TrustHash   string        // hex hash of that header
	TrustPeriod time.Duration // how long a trusted header stays trusted (default 168h)
}

// Validate checks the options; errors are of kind gongxu.KindInvalid.
func (o *StateSyncOptions) Validate() error {
	if len(o.RPCServers) < 2 {
		return gongxu.Errorf(gongxu.KindInvalid, "state sync needs at least two RPC servers (got %d)", len(o.RPCServers))
	}
	for _, s := range o.RPCServers {
		if u, err := url.Parse(s); err != nil || u.Host == "" {
			return gongxu.Errorf(gongxu.KindInvalid, "state sync RPC server %q is not a URL like http://host:26657", s)
		}
	}
	if o.TrustHeight <= 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "state sync needs a trust height > 0")
	}
	if b, err := hex.DecodeString(o.TrustHash); err != nil || len(b) != 32 {
		return gongxu.Errorf(gongxu.KindInvalid, "state sync trust hash %q is not 32 bytes of hex", o.TrustHash)
	}
	if o.TrustPeriod < 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "negative trust period")
	}
	return nil
}

// applyStateSync sets CometBFT's [statesync] section from o.StateSync (when
// given; else config.toml's stands).
func applyStateSync(conf *cfg.Config, o StartOptions) error {
	ss := o.StateSync
	if ss == nil {
		return nil
	}
	if err := ss.Validate(); err != nil {
		return err
	}
	conf.StateSync.Enable = true
	conf.StateSync.RPCServers = ss.RPCServers
	conf.StateSync.TrustHeight = ss.TrustHeight
	conf.StateSync.TrustHash = strings.ToLower(ss.TrustHash)
	if ss.TrustPeriod > 0 {
		conf.StateSync.TrustPeriod = ss.TrustPeriod
	}
	return nil
}

// configure sets the app's snapshots and pruning from o.
func (a *App) configure(home string, o StartOptions) {
	so := o.Snapshots
	if so.Dir == "" {
		so.Dir = filepath.Join(home, "data", "snapshots")
	}
	a.SetSnapshots(so)
	a.SetMinRetainBlocks(o.MinRetainBlocks)
}

// HistoryFrom is the first block the node holds when it does not hold every
// block from 1: after state sync (the block store starts above the snapshot
// height, or is still empty while the state is not) or pruning. 0 otherwise.
func (n *Node) HistoryFrom() int64 {
	base := n.node.BlockStore().Base()
	switch h, _ := n.chain.Info(); {
	case base > 1:
		return base
	case base == 0 && h > 0:
		return h + 1
	}
	return 0
}
