// Package cli owns the gongxu command line and is the only place where the
// program is wired together: Main builds the cobra command tree (keys, tx,
// query, status, and the node commands of node_cmds.go), parses the global
// flags (--home, --node, --output, --chain-id) into an Env, and maps the
// outcome to an exit code: 0 ok, 1 error, 2 usage.
//
// Client commands talk to a node through package client; signing keys live in
// the file keyring of package keyring under HOME/keys. Errors are printed as
// "error: <message>" on stderr; results go to stdout as JSON, or as aligned
// tables with -o table.
//
// Nothing here reads the process's globals (os.Args, os.Stdout, the
// environment): the whole program runs inside a test through Main.
package cli
