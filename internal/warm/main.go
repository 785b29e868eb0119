package main

import (
	_ "github.com/chromedp/chromedp"
	_ "github.com/cockroachdb/pebble"
	_ "github.com/cometbft/cometbft/abci/example/kvstore"
	_ "github.com/cometbft/cometbft/node"
	_ "github.com/cometbft/cometbft/light"
	_ "github.com/cometbft/cometbft/rpc/client/http"
	_ "github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
	_ "github.com/prometheus/client_golang/prometheus"
	_ "github.com/spf13/cobra"
	_ "modernc.org/sqlite"
	_ "github.com/rogpeppe/go-internal/testscript"
)

func main() {}
