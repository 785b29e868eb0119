// Package cli owns the gongxu command line, and only that: Main builds the
// cobra command tree (keys, tx, query, status, plan, token, verify, bench,
// the node commands of node_cmds.go, and network_cmds.go's founding and
// joining of a real network: init with its join file, join-file, genesis,
// tx member propose-join and propose-validator), parses the global flags (--home,
// --node, --output, --chain-id) into an Env, calls package client (a node's
// API), package node (init, testnet, reindex, and up and start, which run a
// node: node.Open, Serve, Close; up --demo also runs package demo's story
// on it) or package bench, prints the outcome, and maps it to an exit code:
// 0 ok, 1 error, 2 usage.
//
// Signing keys live in the file keyring of package keyring under HOME/keys;
// the node's API tokens (gongxu token, token.go) in HOME/config/tokens.json
// through package token. Errors are printed as "error: <message>" on
// stderr; results go to stdout as JSON, or as aligned tables with -o table.
//
// Nothing here reads the process's globals (os.Args, os.Stdout, the
// environment): the whole program runs inside a test through Main.
package cli
