package bench

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/cometbft/cometbft/abci/example/kvstore"
	cfg "github.com/cometbft/cometbft/config"
	cmtflags "github.com/cometbft/cometbft/libs/cli/flags"
	cmtlog "github.com/cometbft/cometbft/libs/log"
	nm "github.com/cometbft/cometbft/node"
	"github.com/cometbft/cometbft/p2p"
	"github.com/cometbft/cometbft/privval"
	"github.com/cometbft/cometbft/proxy"
	"github.com/spf13/viper"
)

// RunKVStoreNode runs the baseline node of home until ctx ends: CometBFT
// with the node's own config.toml, genesis and keys, driving CometBFT's
// kvstore example application through the same connection-synchronized local
// client as gongxu. The application is the persistent kvstore, in
// HOME/data/kv (goleveldb), since gongxu persists its state too. kvstore
// ignores the genesis app_state.
func RunKVStoreNode(ctx context.Context, home string, log io.Writer, level string) error {
	conf := cfg.DefaultConfig()
	conf.SetRoot(home)
	v := viper.New()
	v.SetConfigFile(filepath.Join(home, "config", "config.toml"))
	if err := v.ReadInConfig(); err != nil {
		return fmt.Errorf("node config of %s: %w", home, err)
	}
	if err := v.Unmarshal(conf); err != nil {
		return fmt.Errorf("node config of %s: %w", home, err)
	}
	conf.SetRoot(home)
	if err := conf.ValidateBasic(); err != nil {
		return fmt.Errorf("node config of %s: %w", home, err)
	}
	logger, err := cmtflags.ParseLogLevel(level, cmtlog.NewTMLogger(cmtlog.NewSyncWriter(log)), cfg.DefaultLogLevel)
	if err != nil {
		return fmt.Errorf("log level %q: %w", level, err)
	}
	nk, err := p2p.LoadNodeKey(conf.NodeKeyFile())
	if err != nil {
		return fmt.Errorf("node key: %w", err)
	}
	pv := privval.LoadFilePV(conf.PrivValidatorKeyFile(), conf.PrivValidatorStateFile())
	app := kvstore.NewPersistentApplication(filepath.Join(home, "data", "kv"))
	defer app.Close()
	n, err := nm.NewNode(conf, pv, nk, proxy.NewConnSyncLocalClientCreator(app),
		nm.DefaultGenesisDocProviderFunc(conf), cfg.DefaultDBProvider, nm.DefaultMetricsProvider(conf.Instrumentation), logger)
	if err != nil {
		return fmt.Errorf("create node: %w", err)
	}
	if err := n.Start(); err != nil {
		return fmt.Errorf("start node: %w", err)
	}
	<-ctx.Done()
	if err := n.Stop(); err != nil {
		return fmt.Errorf("stop node: %w", err)
	}
	n.Wait()
	return nil
}
