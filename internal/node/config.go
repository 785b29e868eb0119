package node

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/httpapi"
)

// Config is the one configuration of a gongxu node, beside CometBFT's own
// config.toml. It lives in HOME/config/gongxu.json; missing fields take the
// defaults of DefaultConfig.
type Config struct {
	// API is the address of the HTTP API and web pages. It binds to loopback
	// unless told otherwise.
	API string `json:"api"`
	// LogLevel filters CometBFT's log (HOME/data/node.log).
	LogLevel string `json:"log_level"`
	// AutoPlan makes the node plan its operator org's production whenever
	// a block touches its production orders, purchase orders or work
	// orders, and send what the plan proposes (purchase orders, planned
	// completion dates) signed with the operator key.
	AutoPlan bool `json:"auto_plan"`
	// PreferOnTime makes plans buy an item from another supplier with an
	// offer for it when that supplier keeps its dates better at a
	// comparable price (planner.PreferOnTime says the rule). Off: every
	// item from the supplier its master data names.
	PreferOnTime bool `json:"prefer_on_time,omitempty"`
	// HTTP hardens the API and pages' server.
	HTTP HTTPConfig `json:"http"`
	// Health says when /healthz answers 503.
	Health HealthConfig `json:"health"`
	// Demand are this node's privacy thresholds of GET /v1/demand (zero
	// fields: gongxu.DefaultDemandThresholds). The network's, set by
	// governance, are the floor: a node may only be stricter.
	Demand gongxu.DemandThresholds `json:"demand"`
	// MPS, when set, is the master production schedule on forecast that
	// this node's factory accepts: its planner takes the products' weekly
	// forecasts (less the orders due those weeks) as demand, so that
	// long-lead inputs are bought before pools close. Unset: plans follow
	// production orders only.
	MPS *gongxu.MPSPolicy `json:"mps,omitempty"`
	// Pages are the web pages' language and time zone.
	Pages PagesConfig `json:"pages"`
	// Peers are more persistent peers of CometBFT ("id@host:port"),
	// beside the founders' nodes the genesis names and config.toml's
	// persistent_peers; Seeds are seed nodes to ask for more. gongxu start
	// --peers and --seeds add to them.
	Peers []string `json:"peers,omitempty"`
	Seeds []string `json:"seeds,omitempty"`
	// SyncConfig: snapshots for state sync, joining by state sync, and
	// pruning (statesync.go).
	SyncConfig
	// Admission bounds what the node admits into its mempool before it
	// answers new transactions "busy, retry" (503 busy, with Retry-After),
	// and the size of the blocks it proposes; zero fields take
	// comet.DefaultAdmission's.
	Admission comet.Admission `json:"admission"`
	// Consensus overrides CometBFT's consensus timeouts of config.toml
	// (which gongxu writes for a LAN: propose 3s, commit 200ms); zero
	// fields keep config.toml's. Wide-area values: README, "Run a real
	// network".
	Consensus ConsensusConfig `json:"consensus"`
	// GC is the Go garbage collector's setting of the node's process
	// (GOGC and a soft memory limit); GOGC and GOMEMLIMIT in the
	// environment win over it.
	GC GCConfig `json:"gc"`
	// Store is the memory of the state store's caches.
	Store StoreConfig `json:"store"`
}

// ConsensusConfig are the consensus settings a node may set.
type ConsensusConfig struct {
	TimeoutPropose   Duration `json:"timeout_propose,omitempty"`
	TimeoutPrevote   Duration `json:"timeout_prevote,omitempty"`
	TimeoutPrecommit Duration `json:"timeout_precommit,omitempty"`
	TimeoutCommit    Duration `json:"timeout_commit,omitempty"`
	// GossipPeers is how many of its persistent peers the node relays
	// each mempool transaction to: 0 keeps config.toml's (2, enough for
	// 4 validators that all peer with each other), -1 every persistent
	// peer (a network whose validators do not all peer with each other,
	// where 2 relays may not reach a proposer soon), at most
	// maxGossipPeers.
	GossipPeers int `json:"gossip_peers,omitempty"`
}

// maxGossipPeers bounds consensus.gossip_peers: more relays of each
// transaction only cost the network bandwidth and the peers CPU.
const maxGossipPeers = 64

// maxConsensusTimeout bounds each consensus timeout: longer ones only
// stall a network whose validator is down.
const maxConsensusTimeout = time.Minute

// PagesConfig is how the web pages speak to people.
type PagesConfig struct {
	// Language is the pages' language for people who chose none with
	// the pages' switch and whose browser asks for neither English nor
	// Chinese: "en" (the default) or "zh-CN".
	Language string `json:"language"`
	// TimeZone is the IANA name of the zone the pages write dates and
	// times in ("Asia/Shanghai"); "": Asia/Shanghai when Language is
	// zh-CN, else UTC.
	TimeZone string `json:"time_zone"`
	// PublicURL is the address people reach the node's pages at from
	// anywhere ("https://gongxu.example.com"): every QR code (a consumer's
	// receipt, the goods' provenance) and share link names it. "": the
	// address a page was opened at. gongxu up --public-url sets it.
	PublicURL string `json:"public_url"`
}

// HTTPConfig is the policy of the node's HTTP server.
type HTTPConfig struct {
	// Timeouts of a connection: reading a whole request (headers and
	// body), writing the response (long enough for the routes that wait
	// for a commit), and keeping an idle connection open.
	ReadTimeout  Duration `json:"read_timeout"`
	WriteTimeout Duration `json:"write_timeout"`
	IdleTimeout  Duration `json:"idle_timeout"`
	// MaxHeaderBytes bounds a request's headers.
	MaxHeaderBytes int `json:"max_header_bytes"`
	// MaxConns bounds the connections served at once; more wait to be
	// accepted.
	MaxConns int `json:"max_conns"`
	// MaxBodyBytes bounds every request body (each route has a smaller
	// limit of its own).
	MaxBodyBytes int64 `json:"max_body_bytes"`
	// RateLimits are per client IP: costly reads (plans, trace walks,
	// EPCIS queries) and every POST; a zero per_second is no limit.
	RateLimits httpapi.Limits `json:"rate_limits"`
	// Hosts are more names the node is reached by (a DNS name, a proxy's
	// "gongxu.example.com"): the pages' forms and sign-in check Host and
	// Origin against them, the API's address, and 127.0.0.1, localhost
	// and [::1] with its port.
	Hosts []string `json:"hosts"`
	// RemoteForms lets people signed in on the pages use the forms that
	// act with the node's key from other machines; by default they answer
	// only on the node's own machine.
	RemoteForms bool `json:"remote_forms"`
	// BehindProxy says that people reach the node through a reverse proxy
	// on this machine (TLS in front of the API): no request then counts as
	// from this machine for what the node's own org alone may read (the
	// purchase order prices it opens), which needs an API token instead.
	// Requests that carry a proxy's Forwarded, X-Forwarded-For or
	// X-Real-IP header never count as local anyway.
	BehindProxy bool `json:"behind_proxy,omitempty"`
}

// HealthConfig says when the node is not healthy.
type HealthConfig struct {
	// StallBlocks: no block committed for this many block intervals (how
	// often an idle chain commits: CometBFT's timeout_commit, or its
	// create_empty_blocks_interval when longer), and at least StallMin,
	// while the node is not catching up. A chain that makes no empty
	// blocks is never called stalled.
	StallBlocks int      `json:"stall_blocks"`
	StallMin    Duration `json:"stall_min"`
	// LagBlocks, LagFor: the read model more than LagBlocks behind the
	// chain for longer than LagFor.
	LagBlocks int64    `json:"lag_blocks"`
	LagFor    Duration `json:"lag_for"`
}

// DefaultConfig is the configuration of a new node.
func DefaultConfig() Config {
	return Config{API: "127.0.0.1:8080", LogLevel: "main:info,state:info,consensus:error,p2p:error,*:error", AutoPlan: true,
		HTTP: HTTPConfig{
			ReadTimeout: Duration(30 * time.Second), WriteTimeout: Duration(75 * time.Second), IdleTimeout: Duration(120 * time.Second),
			MaxHeaderBytes: 64 << 10, MaxConns: 1024, MaxBodyBytes: 8 << 20,
			RateLimits: httpapi.Limits{
				Costly: httpapi.Rate{PerSecond: 5, Burst: 20},
				Writes: httpapi.Rate{PerSecond: 100, Burst: 200},
			},
		},
		Health:     HealthConfig{StallBlocks: 5, StallMin: Duration(10 * time.Second), LagBlocks: 5, LagFor: Duration(5 * time.Second)},
		Demand:     gongxu.DefaultDemandThresholds,
		SyncConfig: defaultSyncConfig(),
		GC:         DefaultGC(),
		Store:      DefaultStore(),
	}
}

// validate refuses settings the node cannot run with.
func (c Config) validate() error {
	h := c.HTTP
	bad := func(what string) error {
		return gongxu.Errorf(gongxu.KindInvalid, "node config: %s", what)
	}
	switch {
	case h.ReadTimeout <= 0 || h.WriteTimeout <= 0 || h.IdleTimeout <= 0:
		return bad("http read_timeout, write_timeout and idle_timeout must be positive durations")
	case h.MaxHeaderBytes < 1024 || h.MaxConns < 1 || h.MaxBodyBytes < 1<<20:
		return bad("http max_header_bytes must be at least 1024, max_conns at least 1 and max_body_bytes at least 1 MiB")
	case h.RateLimits.Costly.PerSecond < 0 || h.RateLimits.Writes.PerSecond < 0 || h.RateLimits.Costly.Burst < 0 || h.RateLimits.Writes.Burst < 0:
		return bad("http rate_limits may not be negative")
	case c.Health.StallBlocks < 1 || c.Health.StallMin < 0 || c.Health.LagBlocks < 0 || c.Health.LagFor < 0:
		return bad("health stall_blocks must be at least 1, and the other health settings not negative")
	case c.Admission.MaxTxs < 0 || c.Admission.MaxBytes < 0 || c.Admission.MaxBlocks < 0 || c.Admission.MaxBlockTxs < 0 || c.Admission.MaxBlockBytes < 0:
		return bad("admission max_txs, max_bytes, max_blocks, max_block_txs and max_block_bytes may not be negative (0: the default)")
	case !c.Consensus.valid():
		return bad(fmt.Sprintf("consensus timeouts must be 0 (config.toml's) or positive, at most %s", maxConsensusTimeout))
	case c.Consensus.GossipPeers < comet.AllGossipPeers || c.Consensus.GossipPeers > maxGossipPeers:
		return bad(fmt.Sprintf("consensus gossip_peers must be 0 (config.toml's), -1 (every persistent peer) or 1 to %d", maxGossipPeers))
	case checkPublicURL(c.Pages.PublicURL) != nil:
		return bad("pages public_url must be an http or https address with a host and no query, such as https://gongxu.example.com")
	}
	if err := c.GC.validate(); err != nil {
		return err
	}
	if err := c.Store.validate(); err != nil {
		return err
	}
	for _, p := range append(slices.Clone(c.Peers), c.Seeds...) {
		if err := CheckPeer(p); err != nil {
			return bad("peers and seeds: " + gongxu.ErrorMessage(err))
		}
	}
	return c.SyncConfig.Validate()
}

func (c ConsensusConfig) valid() bool {
	for _, d := range []Duration{c.TimeoutPropose, c.TimeoutPrevote, c.TimeoutPrecommit, c.TimeoutCommit} {
		if d < 0 || d.D() > maxConsensusTimeout {
			return false
		}
	}
	return true
}

// Timeouts are the timeouts as the CometBFT adapter takes them.
func (c ConsensusConfig) Timeouts() comet.Timeouts {
	return comet.Timeouts{Propose: c.TimeoutPropose.D(), Prevote: c.TimeoutPrevote.D(), Precommit: c.TimeoutPrecommit.D(), Commit: c.TimeoutCommit.D()}
}

// Duration is a time.Duration written as Go writes durations ("30s").
type Duration time.Duration

// MarshalJSON writes "30s".
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads "30s" or "1m30s".
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf(`a duration is a string such as "30s": %w`, err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// D is the duration as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// ConfigPath is the node config file of home: HOME/config/gongxu.json.
func ConfigPath(home string) string { return filepath.Join(home, "config", "gongxu.json") }

// DataPath is the file or directory name under the node's data directory,
// HOME/data (the state in "app", the read model "read.db", CometBFT's log
// "node.log").
func DataPath(home string, name string) string { return filepath.Join(home, "data", name) }

// LoadConfig reads HOME/config/gongxu.json over the defaults.
func LoadConfig(home string) (Config, error) {
	c := DefaultConfig()
	b, err := os.ReadFile(ConfigPath(home))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, gongxu.Wrap(err, "read node config")
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, gongxu.Errorf(gongxu.KindInvalid, "%s: %v", ConfigPath(home), err)
	}
	if err := c.validate(); err != nil {
		return c, gongxu.Errorf(gongxu.KindInvalid, "%s: %s", ConfigPath(home), gongxu.ErrorMessage(err))
	}
	return c, nil
}

// SaveConfig writes HOME/config/gongxu.json.
func SaveConfig(home string, c Config) error {
	b, _ := json.MarshalIndent(c, "", "  ")
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		return gongxu.Wrap(err, "create config dir")
	}
	return gongxu.Wrap(os.WriteFile(ConfigPath(home), append(b, '\n'), 0o600), "write node config")
}
