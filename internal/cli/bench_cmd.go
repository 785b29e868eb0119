package cli

import "github.com/spf13/cobra"

func newBenchCmd(env *Env) *cobra.Command {
	return newGroup("bench", "Benchmarks that print ratios against a baseline measured in the same run")
}
