package cli

import "github.com/gongxu-network/gongxu/internal/node"

// Forwarders to package node for the benchmark scenarios (bench_*.go) while
// they still live here; they go when the scenarios move to internal/bench,
// which calls package node itself.

// NodeConfig is node.Config.
type NodeConfig = node.Config

// TestnetOptions is node.TestnetOptions.
type TestnetOptions = node.TestnetOptions

// DefaultNodeConfig is node.DefaultConfig.
func DefaultNodeConfig() NodeConfig { return node.DefaultConfig() }

// LoadNodeConfig is node.LoadConfig.
func LoadNodeConfig(home string) (NodeConfig, error) { return node.LoadConfig(home) }

// SaveNodeConfig is node.SaveConfig.
func SaveNodeConfig(home string, c NodeConfig) error { return node.SaveConfig(home, c) }

// Testnet is node.Testnet.
func Testnet(o TestnetOptions) ([]node.TestnetNode, error) { return node.Testnet(o) }

func dataPath(home, name string) string { return node.DataPath(home, name) }
