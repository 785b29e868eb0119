package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/keyring"
)

// Defaults of the global flags.
const (
	DefaultHome = "./gongxu-data"
	DefaultNode = "http://127.0.0.1:8080"
)

// Output formats of -o.
const (
	OutputJSON  = "json"
	OutputTable = "table"
)

// Env is what every command runs with: where to write, the context, and the
// global flags once the command line is parsed.
type Env struct {
	Stdout io.Writer
	Stderr io.Writer
	Ctx    context.Context

	Home    string // --home: the node home; the keyring is in Home/keys
	Node    string // --node: base URL of the node's HTTP API
	Output  string // -o, --output: OutputJSON or OutputTable
	ChainID string // --chain-id: "" to read it from the node's status

	peerFlags *peerFlags // gongxu start's --peers and --seeds
}

// KeysDir is the keyring directory in the home.
func (env *Env) KeysDir() string { return filepath.Join(env.Home, "keys") }

// Keyring opens the keyring of the home.
func (env *Env) Keyring() (*keyring.Keyring, error) { return keyring.Open(env.KeysDir()) }

// Client returns a client of the node at --node.
func (env *Env) Client() *client.Client { return client.New(env.Node) }

// nodeErr makes an error of the client say which node could not be reached.
func (env *Env) nodeErr(err error) error {
	var e *gongxu.Error
	if !errors.As(err, &e) || e.Kind != gongxu.KindUnavailable {
		return err
	}
	if e.Err != nil { // a transport failure
		return &gongxu.Error{Kind: gongxu.KindUnavailable,
			Msg: fmt.Sprintf("node %s is unavailable (is it running? see --node): %v", env.Node, e.Err)}
	}
	return &gongxu.Error{Kind: gongxu.KindUnavailable, Msg: fmt.Sprintf("node %s is unavailable: %s", env.Node, e.Msg)}
}

// newRoot builds the gongxu command tree. Commands are registered here,
// explicitly and in a fixed order.
func newRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "gongxu",
		Short: "gongxu runs and talks to a node of the gongxu network",
		Long: `gongxu runs a node of the gongxu network, an operator-less industrial ledger
shared by factories, suppliers, hubs and logistics firms, and talks to one:
keys, signed transactions and queries.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noSubcommand,
		RunE:          groupRun,
	}
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return asUsage(err) })

	pf := root.PersistentFlags()
	pf.StringVar(&env.Home, "home", DefaultHome, "node home `DIR`; the keyring is in DIR/keys")
	pf.StringVar(&env.Node, "node", DefaultNode, "`URL` of the node's HTTP API")
	env.Output = OutputJSON
	pf.VarP(&choiceValue{p: &env.Output, choices: []string{OutputJSON, OutputTable}}, "output", "o", "output format: json or table")
	pf.StringVar(&env.ChainID, "chain-id", "", "chain `ID` to sign for (default: the node's, from /v1/status)")

	root.AddCommand(nodeCommands(env)...)
	root.AddCommand(backupCommands(env)...) // backup_cmds.go
	root.AddCommand(
		newKeysCmd(env),
		newTokenCmd(env),
		newTxCmd(env),
		newQueryCmd(env),
		newStatusCmd(env),
		newVerifyCmd(env),
		newPlanCmd(env),
		newForecastCmd(env),
	)
	addTraceCommands(env, root)
	return root
}

// newGroup returns a command that only holds subcommands: alone it prints its
// help, with an unknown subcommand it fails with a usage error.
func newGroup(use, short string, subs ...*cobra.Command) *cobra.Command {
	c := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  noSubcommand,
		RunE:  groupRun,
	}
	c.AddCommand(subs...)
	return c
}

func groupRun(cmd *cobra.Command, args []string) error { return cmd.Help() }

// noSubcommand rejects the arguments of a group command: they name an unknown
// subcommand.
func noSubcommand(cmd *cobra.Command, args []string) error {
	if len(args) == 0 {
		return nil
	}
	msg := fmt.Sprintf("unknown command %q for %q", args[0], cmd.CommandPath())
	if cmd.SuggestionsMinimumDistance <= 0 {
		cmd.SuggestionsMinimumDistance = 2
	}
	if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
		msg += fmt.Sprintf(" (did you mean %s?)", strings.Join(s, " or "))
	}
	return usagef("%s", msg)
}

// exactArgs requires one argument per name: names show up in the error.
func exactArgs(names ...string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == len(names) {
			return nil
		}
		switch {
		case len(names) == 0:
			return usagef("%s takes no arguments, got %q", cmd.CommandPath(), args)
		case len(args) < len(names):
			return usagef("%s needs %s", cmd.CommandPath(), strings.Join(names, " "))
		default:
			return usagef("%s takes %d argument(s) (%s), got %d", cmd.CommandPath(), len(names), strings.Join(names, " "), len(args))
		}
	}
}

// rangeArgs accepts lo to hi arguments.
func rangeArgs(lo, hi int, names string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usagef("%s takes %s", cmd.CommandPath(), names)
		}
		return nil
	}
}

// requireFlags returns a usage error naming the first flag that is not set.
func requireFlags(cmd *cobra.Command, names ...string) error {
	for _, n := range names {
		if !cmd.Flags().Changed(n) {
			return usagef("%s needs --%s", cmd.CommandPath(), n)
		}
	}
	return nil
}

// choiceValue is a string flag restricted to a few values.
type choiceValue struct {
	p       *string
	choices []string
}

var _ pflag.Value = (*choiceValue)(nil)

func (v *choiceValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v *choiceValue) Set(s string) error {
	for _, c := range v.choices {
		if s == c {
			*v.p = s
			return nil
		}
	}
	return fmt.Errorf("must be one of %s", strings.Join(v.choices, ", "))
}

func (v *choiceValue) Type() string { return strings.Join(v.choices, "|") }
