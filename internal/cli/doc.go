// Package cli owns the gongxu command line and is the only place where the
// program is wired together: Main builds the cobra command tree (keys, tx,
// query, status, and the node commands of node_cmds.go), parses the global
// flags (--home, --node, --output, --chain-id) into an Env, and maps the
// outcome to an exit code: 0 ok, 1 error, 2 usage.
//
// Client commands talk to a node through package client; signing keys live in
// the file keyring of package keyring under HOME/keys; the node's API tokens
// (gongxu token, token.go) in HOME/config/tokens.json through package token.
//
// A running node (node_run.go) serves the API and the pages behind one
// hardened http.Server (NodeConfig.HTTP: timeouts, a connection cap, body
// limits, per-client rate limits), checks the money invariant after every
// projected batch, and reports its health (a stalled chain, a lagging read
// model, a broken invariant) on /healthz. Errors are printed as
// "error: <message>" on stderr; results go to stdout as JSON, or as aligned
// tables with -o table.
//
// Nothing here reads the process's globals (os.Args, os.Stdout, the
// environment): the whole program runs inside a test through Main.
package cli
