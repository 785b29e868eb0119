package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu/internal/token"
)

// tokenStore is the API token file of env.Home.
func (env *Env) tokenStore() *token.Store { return token.Open(token.Path(env.Home)) }

func newTokenCmd(env *Env) *cobra.Command {
	c := newGroup("token", "Manage the API tokens of the node in --home",
		newTokenAddCmd(env),
		newTokenListCmd(env),
		newTokenRmCmd(env),
	)
	c.Long = `Manage the API tokens of the node in --home (HOME/config/tokens.json). A token
lets a program or a person make the node sign with its keys: send it as
"Authorization: Bearer TOKEN" to POST /epcis/capture, or sign in with it on the
pages (/signin) to use the hub and supplier forms. Only a hash of each token is
stored; a running node sees added and removed tokens at once.`
	return c
}

func newTokenAddCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "add NAME",
		Short: "Create an API token and print it (once: its last line)",
		Long: `Create a random API token named NAME (1 to 64 letters, digits and . _ - @) and
print it: the last line of the output is the token. It is shown only this once;
the node keeps only its hash.`,
		Args: exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := token.ValidateName(args[0]); err != nil {
				return asUsage(err)
			}
			secret, err := env.tokenStore().Add(args[0])
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "API token %q added to %s. It is shown only now; keep it secret:\n%s\n", args[0], token.Path(env.Home), secret)
			return nil
		},
	}
}

func newTokenListCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the API tokens: names and when they were made, never the tokens",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			list, err := env.tokenStore().List()
			if err != nil {
				return err
			}
			type row struct {
				Name    string `json:"name"`
				Created string `json:"created"`
			}
			out := make([]row, len(list))
			for i, t := range list {
				out[i] = row{Name: t.Name, Created: fmtTime(t.Created)}
			}
			return env.print(out, func(t *tableWriter) {
				t.row("NAME", "CREATED")
				for _, r := range out {
					t.row(r.Name, r.Created)
				}
			})
		},
	}
}

func newTokenRmCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "rm NAME",
		Short: "Remove an API token: it is refused from now on, also by a running node",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := env.tokenStore().Remove(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "API token %q removed\n", args[0])
			return nil
		},
	}
}
