package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/gongxu-network/gongxu"
)

// NodeConfig is the one configuration of a gongxu node, beside CometBFT's own
// config.toml. It lives in HOME/config/gongxu.json; missing fields take the
// defaults of DefaultNodeConfig.
type NodeConfig struct {
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
}

// DefaultNodeConfig is the configuration of a new node.
func DefaultNodeConfig() NodeConfig {
	return NodeConfig{API: "127.0.0.1:8080", LogLevel: "main:info,state:info,consensus:error,p2p:error,*:error", AutoPlan: true}
}

func nodeConfigPath(home string) string { return filepath.Join(home, "config", "gongxu.json") }

// LoadNodeConfig reads HOME/config/gongxu.json over the defaults.
func LoadNodeConfig(home string) (NodeConfig, error) {
	c := DefaultNodeConfig()
	b, err := os.ReadFile(nodeConfigPath(home))
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, gongxu.Wrap(err, "read node config")
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, gongxu.Errorf(gongxu.KindInvalid, "%s: %v", nodeConfigPath(home), err)
	}
	return c, nil
}

// SaveNodeConfig writes HOME/config/gongxu.json.
func SaveNodeConfig(home string, c NodeConfig) error {
	b, _ := json.MarshalIndent(c, "", "  ")
	if err := os.MkdirAll(filepath.Join(home, "config"), 0o700); err != nil {
		return gongxu.Wrap(err, "create config dir")
	}
	return gongxu.Wrap(os.WriteFile(nodeConfigPath(home), append(b, '\n'), 0o600), "write node config")
}
