package comet

import (
	"encoding/hex"
	"os"
	"path/filepath"

	cfg "github.com/cometbft/cometbft/config"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"

	"github.com/gongxu-network/gongxu"
)

// NewKeys gives a home that has none (a backup restored without its keys)
// a new node key and a new validator key with a fresh signing state: a new
// identity on the network, a full node that validates only if the members
// vote its key in. Errors: KindConflict when the home has either key.
func NewKeys(home string) (NodeIdentity, error) {
	c := cfg.DefaultConfig()
	c.SetRoot(home)
	if err := readConfig(home, c); err != nil {
		return NodeIdentity{}, err
	}
	for _, f := range []string{c.NodeKeyFile(), c.PrivValidatorKeyFile(), c.PrivValidatorStateFile()} {
		if _, err := os.Stat(f); err == nil {
			return NodeIdentity{}, gongxu.Errorf(gongxu.KindConflict, "%s exists: the home has keys", f)
		}
		if err := os.MkdirAll(filepath.Dir(f), 0o700); err != nil {
			return NodeIdentity{}, gongxu.Wrap(err, "create %s", filepath.Dir(f))
		}
	}
	nk, err := p2p.LoadOrGenNodeKey(c.NodeKeyFile())
	if err != nil {
		return NodeIdentity{}, gongxu.Wrap(err, "node key")
	}
	pv := privval.GenFilePV(c.PrivValidatorKeyFile(), c.PrivValidatorStateFile())
	pv.Save()
	return NodeIdentity{NodeID: string(nk.ID()), ValidatorKey: gongxu.PubKey(hex.EncodeToString(pv.Key.PubKey.Bytes()))}, nil
}
