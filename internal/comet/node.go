package comet

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"time"

	dbm "github.com/cometbft/cometbft-db"
	abci "github.com/cometbft/cometbft/abci/types"
	cfg "github.com/cometbft/cometbft/config"
	cmtflags "github.com/cometbft/cometbft/libs/cli/flags"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/mempool"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/cometbft/cometbft/rpc/client/local"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/types"
	"github.com/spf13/viper"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
)

// Node is a running CometBFT node with gongxu's application inside.
type Node struct {
	node  *nm.Node
	app   *App
	chain *chain.App

	mu      sync.Mutex
	waiters map[string][]chan gongxu.TxResult
	subs    []func(gongxu.CommittedBlock)
	stopped bool
	rpc     *local.Local

	stateStore sm.Store
	admission  Admission
}

var _ gongxu.NodeService = (*Node)(nil)

// StartOptions configure Start.
type StartOptions struct {
	// Log receives CometBFT's log; nil discards it.
	Log io.Writer
	// LogLevel is CometBFT's log level filter, e.g. "info" or "main:info,*:error".
	LogLevel string
	// Snapshots, MinRetainBlocks and StateSync: state sync and pruning
	// (snapshot.go, statesync.go).
	Snapshots       SnapshotOptions
	MinRetainBlocks int64
	StateSync       *StateSyncOptions
	// Peers and Seeds are more persistent peers and seed nodes,
	// "id@host:port", beside those of config.toml; a peer with this node's
	// own id is left out (a founder finds itself in the genesis' list).
	Peers, Seeds []string
	// Admission bounds what the node admits into its mempool and the
	// blocks it proposes; zero fields take DefaultAdmission's.
	Admission Admission
	// Timeouts override config.toml's consensus timeouts where not 0.
	Timeouts Timeouts
	// GossipPeers overrides the number of persistent peers each mempool
	// transaction is relayed to (config.toml: 2): 0 keeps config.toml's,
	// AllGossipPeers relays to every persistent peer.
	GossipPeers int
}

// AllGossipPeers as StartOptions.GossipPeers relays each mempool
// transaction to every persistent peer (CometBFT's 0, "no limit").
const AllGossipPeers = -1

// applyGossipPeers sets n (StartOptions.GossipPeers) in c.
func applyGossipPeers(n int, c *cfg.MempoolConfig) {
	switch {
	case n == AllGossipPeers:
		c.ExperimentalMaxGossipConnectionsToPersistentPeers = 0
	case n > 0:
		c.ExperimentalMaxGossipConnectionsToPersistentPeers = n
	}
}

// Timeouts are CometBFT's consensus timeouts a node may set in its own
// config (0: config.toml's). Over wide-area links a round needs several
// one-way latencies, so Propose must cover the proposal's trip and Commit
// is the pause that lets a block fill (see README, "Run a real network").
type Timeouts struct {
	Propose, Prevote, Precommit, Commit time.Duration
}

// Apply sets t's non-zero timeouts in c.
func (t Timeouts) Apply(c *cfg.ConsensusConfig) {
	for _, x := range []struct {
		v   time.Duration
		dst *time.Duration
	}{{t.Propose, &c.TimeoutPropose}, {t.Prevote, &c.TimeoutPrevote}, {t.Precommit, &c.TimeoutPrecommit}, {t.Commit, &c.TimeoutCommit}} {
		if x.v > 0 {
			*x.dst = x.v
		}
	}
}

// Start starts the node of home with the state machine c. CometBFT replays
// any blocks the state machine has not committed yet before it returns.
func Start(home string, c *chain.App, o StartOptions) (*Node, error) {
	conf := cfg.DefaultConfig()
	conf.SetRoot(home)
	if err := readConfig(home, conf); err != nil {
		return nil, err
	}
	o.Timeouts.Apply(conf.Consensus)
	applyGossipPeers(o.GossipPeers, conf.Mempool)
	if err := conf.ValidateBasic(); err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "config of %s: %v", home, err)
	}
	w := o.Log
	if w == nil {
		w = io.Discard
	}
	logger := cmtlog.NewTMLogger(cmtlog.NewSyncWriter(w))
	level := o.LogLevel
	if level == "" {
		level = "main:info,state:info,p2p:error,*:error"
	}
	logger, err := cmtflags.ParseLogLevel(level, logger, cfg.DefaultLogLevel)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "log level %q: %v", level, err)
	}
	nk, err := p2p.LoadNodeKey(conf.NodeKeyFile())
	if err != nil {
		return nil, gongxu.Wrap(err, "node key")
	}
	if err := applyStateSync(conf, o); err != nil {
		return nil, err
	}
	conf.P2P.PersistentPeers = mergePeers(conf.P2P.PersistentPeers, o.Peers, string(nk.ID()))
	conf.P2P.Seeds = mergePeers(conf.P2P.Seeds, o.Seeds, string(nk.ID()))
	if conf.P2P.PersistentPeers != "" || conf.P2P.Seeds != "" {
		conf.P2P.PexReactor = true
	}
	pv := privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	n := &Node{app: NewApp(c), chain: c, waiters: map[string][]chan gongxu.TxResult{}, admission: o.Admission.withDefaults()}
	n.app.configure(home, o)
	n.app.OnCommit(n.committed)
	n.app.admit, n.app.limits = n.admit, n.admission
	// Keep a handle on the state DB, to read stored FinalizeBlock responses.
	dbProvider := func(ctx *cfg.DBContext) (dbm.DB, error) {
		db, err := cfg.DefaultDBProvider(ctx)
		if err == nil && ctx.ID == "state" {
			n.stateStore = sm.NewStore(db, sm.StoreOptions{})
		}
		return db, err
	}
	cn, err := nm.NewNode(conf, pv, nk, proxy.NewConnSyncLocalClientCreator(n.app),
		nm.DefaultGenesisDocProviderFunc(conf), dbProvider, nm.DefaultMetricsProvider(conf.Instrumentation), logger)
	if err != nil {
		return nil, gongxu.Wrap(err, "create node")
	}
	syncing := cn.ConsensusReactor().WaitSync
	n.app.halt.syncing.Store(&syncing)
	if err := cn.Start(); err != nil {
		return nil, gongxu.Wrap(err, "start node")
	}
	n.node = cn
	n.rpc = local.New(cn)
	if h := cn.BlockStore().Height(); h > 0 {
		if m := cn.BlockStore().LoadBlockMeta(h); m != nil {
			c.SetLastBlockTime(m.Header.Time.UnixMilli())
		}
	}
	return n, nil
}

// mergePeers adds more to the comma-separated list have, keeping the first
// address of each node id and leaving out self, in the order given.
func mergePeers(have string, more []string, self string) string {
	var out []string
	seen := map[string]bool{self: true}
	for _, p := range append(strings.Split(have, ","), more...) {
		p = strings.TrimSpace(p)
		id, _, _ := strings.Cut(p, "@")
		if p == "" || seen[id] {
			continue
		}
		seen[id] = true
		out = append(out, p)
	}
	return strings.Join(out, ",")
}

// readConfig loads config.toml over conf, as CometBFT's own command does.
func readConfig(home string, conf *cfg.Config) error {
	v := viper.New()
	v.SetConfigFile(filepath.Join(home, "config", "config.toml"))
	if err := v.ReadInConfig(); err != nil {
		return gongxu.Errorf(gongxu.KindNotFound, "no usable node config in %s (run gongxu init): %v", home, err)
	}
	if err := v.Unmarshal(conf); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "config of %s: %v", home, err)
	}
	conf.SetRoot(home)
	return nil
}

// Stop stops the node and waits for it. Pending waiters get KindUnavailable.
func (n *Node) Stop() error {
	n.mu.Lock()
	if n.stopped {
		n.mu.Unlock()
		return nil
	}
	n.stopped = true
	for h, ws := range n.waiters {
		for _, w := range ws {
			close(w)
		}
		delete(n.waiters, h)
	}
	n.mu.Unlock()
	if err := n.node.Stop(); err != nil {
		return gongxu.Wrap(err, "stop node")
	}
	n.node.Wait()
	return nil
}

// Subscribe registers fn to receive every committed block, in order, on the
// consensus goroutine. fn must not block: queue the work.
func (n *Node) Subscribe(fn func(gongxu.CommittedBlock)) {
	n.mu.Lock()
	n.subs = append(n.subs, fn)
	n.mu.Unlock()
}

func (n *Node) committed(b gongxu.CommittedBlock, _ chain.BlockResult) {
	n.mu.Lock()
	subs := n.subs
	for _, t := range b.Txs {
		ws, ok := n.waiters[t.Hash]
		if !ok {
			continue
		}
		r := gongxu.TxResult{Hash: t.Hash, Height: t.Height, Code: t.Code, Kind: t.Kind, Message: t.Message}
		for _, w := range ws {
			w <- r
		}
		delete(n.waiters, t.Hash)
	}
	n.mu.Unlock()
	for _, fn := range subs {
		fn(b)
	}
}

// Chain returns the state machine.
func (n *Node) Chain() *chain.App { return n.chain }

// Peers is the number of p2p peers the node is connected to.
func (n *Node) Peers() int { return n.node.Switch().Peers().Size() }

// MempoolSize is the number of transactions waiting in the node's mempool.
func (n *Node) MempoolSize() int { return n.node.Mempool().Size() }

// CatchingUp reports whether the node is still syncing blocks from its
// peers (block sync) instead of taking part in consensus.
func (n *Node) CatchingUp() bool { return n.node.ConsensusReactor().WaitSync() }

// BlockInterval is how often the chain commits a block when there is
// nothing to do: every timeout_commit, or every create_empty_blocks_interval
// when that is longer; 0 when it makes no empty blocks (an idle chain is
// then not a stalled one).
func (n *Node) BlockInterval() time.Duration {
	cs := n.node.Config().Consensus
	if !cs.CreateEmptyBlocks {
		return 0
	}
	return max(cs.TimeoutCommit, cs.CreateEmptyBlocksInterval)
}

// BlockTx returns transaction index of committed block height as it was
// signed, and false when the block store does not hold it (pruned, or not
// committed yet).
func (n *Node) BlockTx(height int64, index int) ([]byte, bool) {
	blk := n.node.BlockStore().LoadBlock(height)
	if blk == nil || index < 0 || index >= len(blk.Txs) {
		return nil, false
	}
	return blk.Txs[index], true
}

// StopConsensus stops the node's consensus reactor: it commits no more
// blocks, while its stores, mempool and RPC stay up, as on a chain that lost
// its quorum. Stop still stops the whole node. Tests of a stalled chain use it.
func (n *Node) StopConsensus() error {
	if err := n.node.ConsensusReactor().Stop(); err != nil {
		return gongxu.Wrap(err, "stop consensus")
	}
	return nil
}

// Submit implements gongxu.NodeService.
func (n *Node) Submit(ctx context.Context, tx []byte, wait bool) (gongxu.TxResult, error) {
	hash := gongxu.TxHash(tx)
	if err := n.admit(); err != nil {
		return gongxu.TxResult{}, err
	}
	var ch chan gongxu.TxResult
	if wait {
		ch = make(chan gongxu.TxResult, 1)
		n.mu.Lock()
		if n.stopped {
			n.mu.Unlock()
			return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "the node is stopping")
		}
		n.waiters[hash] = append(n.waiters[hash], ch)
		n.mu.Unlock()
	}
	checked := make(chan *abci.ResponseCheckTx, 1)
	err := n.node.Mempool().CheckTx(types.Tx(tx), func(r *abci.ResponseCheckTx) { checked <- r }, mempool.TxInfo{})
	if err != nil {
		n.dropWaiter(hash, ch)
		var full mempool.ErrMempoolIsFull
		var tooLarge mempool.ErrTxTooLarge
		switch {
		case errors.Is(err, mempool.ErrTxInCache):
			if !wait {
				return gongxu.TxResult{Hash: hash}, nil
			}
			return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindConflict, "transaction %s is already in the mempool or was recently committed", hash)
		case errors.As(err, &full):
			return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindBusy, "busy: the mempool is full (%v); send the same transaction again in a second", err)
		case errors.As(err, &tooLarge):
			return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindTooLarge, "%v", err)
		}
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "mempool: %v", err)
	}
	var r *abci.ResponseCheckTx
	select {
	case r = <-checked:
	case <-ctx.Done():
		n.dropWaiter(hash, ch)
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindTimeout, "no CheckTx answer for %s: %v", hash, ctx.Err())
	}
	if r.Code == uint32(gongxu.KindBusy) {
		n.dropWaiter(hash, ch)
		return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindBusy, "%s", r.Log)
	}
	if r.Code != 0 || !wait {
		n.dropWaiter(hash, ch)
		return gongxu.TxResult{Hash: hash, Code: r.Code, Kind: kindName(r.Code), Message: r.Log}, nil
	}
	select {
	case res, ok := <-ch:
		if !ok {
			return gongxu.TxResult{}, gongxu.Errorf(gongxu.KindUnavailable, "the node stopped before %s was committed", hash)
		}
		return res, nil
	case <-ctx.Done():
		n.dropWaiter(hash, ch)
		return gongxu.TxResult{Hash: hash}, gongxu.Errorf(gongxu.KindTimeout, "transaction %s was accepted but not committed in time; query it later", hash)
	}
}

func (n *Node) dropWaiter(hash string, ch chan gongxu.TxResult) {
	if ch == nil {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	ws := n.waiters[hash]
	for i, w := range ws {
		if w == ch {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(n.waiters, hash)
	} else {
		n.waiters[hash] = ws
	}
}

// Account implements gongxu.NodeService.
func (n *Node) Account(_ context.Context, key gongxu.PubKey) (gongxu.Account, error) {
	return n.chain.Account(key)
}

// Status implements gongxu.NodeService.
func (n *Node) Status(context.Context) (gongxu.Status, error) {
	cn := n.node
	h, _ := n.chain.Info()
	st := gongxu.Status{
		ChainID: cn.GenesisDoc().ChainID, NodeID: string(cn.NodeInfo().ID()), Moniker: cn.Config().Moniker,
		Height: h, MempoolTxs: n.MempoolSize(), Version: gongxu.Version,
		CatchingUp: n.CatchingUp(), HistoryFrom: n.HistoryFrom(),
	}
	if meta := cn.BlockStore().LoadBlockMeta(h); meta != nil {
		st.BlockTime = meta.Header.Time.UTC().Format(time.RFC3339Nano)
	}
	_, root := n.chain.Info()
	st.AppHash = strings.ToUpper(fmt.Sprintf("%x", root))
	vals, err := n.validators()
	if err != nil && h == 0 && cn.Config().StateSync.Enable {
		// Restoring a snapshot: no validator set yet, and nothing wrong.
		st.CatchingUp = true
		return st, nil
	}
	if err != nil {
		return st, err
	}
	st.Validators = vals
	return st, nil
}

// validators reads the current validator set from CometBFT.
func (n *Node) validators() ([]gongxu.Validator, error) {
	perPage := 100
	res, err := n.rpc.Validators(context.Background(), nil, nil, &perPage)
	if err != nil {
		return nil, gongxu.Wrap(err, "validators")
	}
	out := make([]gongxu.Validator, 0, len(res.Validators))
	for _, v := range res.Validators {
		out = append(out, gongxu.Validator{PubKey: gongxu.PubKey(hex.EncodeToString(v.PubKey.Bytes())), Power: v.VotingPower})
	}
	return out, nil
}

// Block returns committed block h as the read side sees it, from CometBFT's
// block store and its stored FinalizeBlock responses.
func (n *Node) Block(h int64) (gongxu.CommittedBlock, error) {
	return loadBlock(n.node.BlockStore(), n.stateStore, h)
}

// Height is the last committed height.
func (n *Node) Height() int64 { h, _ := n.chain.Info(); return h }
