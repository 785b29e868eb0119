package comet

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	cfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/crypto/ed25519"
	cmtjson "github.com/cometbft/cometbft/libs/json"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/types"

	"github.com/gongxu-network/gongxu"
)

// Ports are the loopback ports of one node.
type Ports struct {
	P2P int
	RPC int
}

// HomeOptions shape a node home.
type HomeOptions struct {
	Moniker string
	Ports   Ports
	// Peers are persistent peers, "id@host:port".
	Peers []string
	// ListenHost is the interface CometBFT listens on (default 127.0.0.1).
	ListenHost string
	// P2PListenHost, when set, is the interface the p2p port listens on
	// instead of ListenHost (a real network's node: "0.0.0.0", its RPC
	// staying on loopback).
	P2PListenHost string
	// ExternalAddress is HOST:PORT where other nodes reach this one, as
	// the node tells its peers ("" : the listen address).
	ExternalAddress string
	// Seeds are seed nodes, "id@host:port", asked for more peers.
	Seeds []string
}

// NodeIdentity is what InitHome created: the node's p2p id and its validator key.
type NodeIdentity struct {
	NodeID       string
	ValidatorKey gongxu.PubKey // hex Ed25519
}

// CometConfig returns the CometBFT configuration gongxu runs with, rooted at home.
// It is tuned for this workload (see DESIGN.md): half-second commits, an empty
// block at most every 5 s so deadlines fall due without traffic, a large
// mempool, no CometBFT tx indexer (the read model is the index), and faster
// p2p rates for loopback testnets.
func CometConfig(home string, o HomeOptions) *cfg.Config {
	c := cfg.DefaultConfig()
	c.SetRoot(home)
	host := o.ListenHost
	if host == "" {
		host = "127.0.0.1"
	}
	if o.Moniker != "" {
		c.Moniker = o.Moniker
	}
	c.LogLevel = "info"
	p2pHost := host
	if o.P2PListenHost != "" {
		p2pHost = o.P2PListenHost
	}
	c.P2P.ListenAddress = fmt.Sprintf("tcp://%s:%d", p2pHost, o.Ports.P2P)
	c.P2P.ExternalAddress = o.ExternalAddress
	c.P2P.Seeds = joinComma(o.Seeds)
	c.RPC.ListenAddress = fmt.Sprintf("tcp://%s:%d", host, o.Ports.RPC)
	c.P2P.PersistentPeers = joinComma(o.Peers)
	c.P2P.AddrBookStrict = false
	c.P2P.AllowDuplicateIP = true
	c.P2P.PexReactor = len(o.Peers) > 0 || len(o.Seeds) > 0
	c.P2P.SendRate = 50 << 20
	c.P2P.RecvRate = 50 << 20
	c.P2P.FlushThrottleTimeout = 10 * time.Millisecond
	// The pause after a commit that lets the next block fill. On a LAN
	// 200 ms: at 500 ms half of each block interval of 4 validators under
	// a hub-batch load was this wait (BENCHMARKS.md, "Issue 17 after
	// session 24's merges": 32,777 → 38,667–43,164 pledges/s). Validators
	// far apart set their own (README, "Validators far apart").
	c.Consensus.TimeoutCommit = 200 * time.Millisecond
	// A proposal of a full block (512 KiB, comet.DefaultAdmission) must be
	// prepared, split and gossiped within it on a machine other work
	// starves; at 2 s, ledger benchmarks on a loaded 2-core machine lost
	// round 0 to a proposal that came a few hundred ms late, and with it
	// 3 s or more. A proposer that is really down costs 1 s more.
	c.Consensus.TimeoutPropose = 3 * time.Second
	c.Consensus.CreateEmptyBlocks = true
	c.Consensus.CreateEmptyBlocksInterval = 5 * time.Second
	c.Consensus.PeerGossipSleepDuration = 20 * time.Millisecond
	c.Mempool.Size = 20000
	c.Mempool.MaxTxsBytes = 256 << 20
	c.Mempool.CacheSize = 100000
	// Each node relays a mempool tx to 2 of its persistent peers, not all:
	// with all, each of 4 validators received most txs 2–3 times, each
	// copy decrypted, hashed and checked against the cache (a quarter of a
	// node's CPU under hub batches); with 2, a tx still reaches every
	// validator that a proposal needs or comes to it in the block, and
	// 4 validators commit ~1.2× the pledges at ~0.8× the CPU a pledge
	// (BENCHMARKS.md, same section). Other peers (state sync, light
	// clients, non-persistent) are not limited.
	c.Mempool.ExperimentalMaxGossipConnectionsToPersistentPeers = 2
	c.Mempool.MaxTxBytes = 4 << 20
	c.TxIndex.Indexer = "null"
	c.RPC.MaxBodyBytes = 8 << 20
	c.Instrumentation.Prometheus = false
	return c
}

func joinComma(xs []string) string {
	out := ""
	for i, x := range xs {
		if i > 0 {
			out += ","
		}
		out += x
	}
	return out
}

// InitHome writes a node home: CometBFT's config.toml, a node key and a
// validator key. Existing keys are kept, so InitHome on an existing home only
// rewrites the config.
func InitHome(home string, o HomeOptions) (NodeIdentity, error) {
	c := CometConfig(home, o)
	for _, d := range []string{filepath.Join(home, "config"), filepath.Join(home, "data")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return NodeIdentity{}, gongxu.Wrap(err, "create %s", d)
		}
	}
	cfg.WriteConfigFile(filepath.Join(home, "config", "config.toml"), c)
	nk, err := p2p.LoadOrGenNodeKey(c.NodeKeyFile())
	if err != nil {
		return NodeIdentity{}, gongxu.Wrap(err, "node key")
	}
	var pv *privval.FilePV
	if _, err := os.Stat(c.PrivValidatorKeyFile()); err == nil {
		pv = privval.LoadFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	} else {
		pv = privval.GenFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
		pv.Save()
	}
	return NodeIdentity{NodeID: string(nk.ID()), ValidatorKey: gongxu.PubKey(hex.EncodeToString(pv.Key.PubKey.Bytes()))}, nil
}

// GenesisOptions describe a new network.
type GenesisOptions struct {
	ChainID    string
	Time       time.Time
	Validators []gongxu.Validator
	// AppState is the genesis of each module, by module name.
	AppState map[string]any
}

// WriteGenesis writes genesis.json into each home. Block size is capped at
// 4 MB (DESIGN.md: larger blocks stalled a 4-validator chain in trials).
func WriteGenesis(o GenesisOptions, homes ...string) error {
	doc, err := genesisDoc(o)
	if err != nil {
		return err
	}
	for _, h := range homes {
		if err := doc.SaveAs(filepath.Join(h, "config", "genesis.json")); err != nil {
			return gongxu.Wrap(err, "write genesis in %s", h)
		}
	}
	return nil
}

// GenesisJSON returns the genesis document of o as WriteGenesis writes it:
// the same options give the same bytes.
func GenesisJSON(o GenesisOptions) ([]byte, error) {
	doc, err := genesisDoc(o)
	if err != nil {
		return nil, err
	}
	b, err := cmtjson.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, gongxu.Wrap(err, "encode genesis")
	}
	return b, nil
}

// ParseGenesis parses a genesis document, as CometBFT reads it at start.
func ParseGenesis(raw []byte) (*types.GenesisDoc, error) {
	doc, err := types.GenesisDocFromJSON(raw)
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "genesis: %v", err)
	}
	return doc, nil
}

func genesisDoc(o GenesisOptions) (*types.GenesisDoc, error) {
	st, err := json.Marshal(o.AppState)
	if err != nil {
		return nil, gongxu.Wrap(err, "genesis app state")
	}
	params := types.DefaultConsensusParams()
	params.Block.MaxBytes = 4 << 20
	params.Block.MaxGas = -1
	doc := &types.GenesisDoc{ChainID: o.ChainID, GenesisTime: o.Time.UTC(), ConsensusParams: params, AppState: st, InitialHeight: 1}
	for _, v := range o.Validators {
		pk, err := v.PubKey.Bytes()
		if err != nil {
			return nil, err
		}
		pub := ed25519.PubKey(pk)
		doc.Validators = append(doc.Validators, types.GenesisValidator{Address: pub.Address(), PubKey: pub, Power: v.Power, Name: string(v.Org)})
	}
	if err := doc.ValidateAndComplete(); err != nil {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "genesis: %v", err)
	}
	return doc, nil
}

// ReadGenesis reads a home's genesis: its chain id and raw app state.
func ReadGenesis(home string) (*types.GenesisDoc, error) {
	doc, err := types.GenesisDocFromFile(filepath.Join(home, "config", "genesis.json"))
	if err != nil {
		return nil, gongxu.Errorf(gongxu.KindNotFound, "no usable genesis in %s: %v", home, err)
	}
	return doc, nil
}
