package cli

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu/internal/keyring"
)

func newKeysCmd(env *Env) *cobra.Command {
	c := newGroup("keys", "Manage the signing keys in HOME/keys",
		newKeysAddCmd(env),
		newKeysListCmd(env),
		newKeysShowCmd(env),
	)
	c.Long = `Manage the signing keys of the keyring in HOME/keys: one file per key,
readable by its owner only. The seeds are never printed.`
	return c
}

func newKeysAddCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "add NAME",
		Short: "Create a new random key",
		Long:  "Create a new random Ed25519 key named NAME (1 to 64 characters of a-z, 0-9, '_' and '-').",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := keyring.ValidateName(args[0]); err != nil {
				return asUsage(err)
			}
			kr, err := env.Keyring()
			if err != nil {
				return err
			}
			k, err := kr.Add(args[0])
			if err != nil {
				return err
			}
			return env.printKey(k)
		},
	}
}

func newKeysListCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the keys",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			kr, err := env.Keyring()
			if err != nil {
				return err
			}
			keys, err := kr.List()
			if err != nil {
				return err
			}
			return env.print(keys, func(t *tableWriter) {
				t.row("NAME", "PUB_KEY", "CREATED")
				for _, k := range keys {
					t.row(k.Name, string(k.PubKey), fmtTime(k.Created))
				}
			})
		},
	}
}

func newKeysShowCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "show NAME",
		Short: "Show a key's name and public key",
		Args:  exactArgs("NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := keyring.ValidateName(args[0]); err != nil {
				return asUsage(err)
			}
			kr, err := env.Keyring()
			if err != nil {
				return err
			}
			k, err := kr.Get(args[0])
			if err != nil {
				return err
			}
			return env.printKey(k)
		},
	}
}

// printKey prints a key's name, public key and creation time: never its seed
// (keyring.Key does not serialize it).
func (env *Env) printKey(k keyring.Key) error {
	return env.print(k, func(t *tableWriter) {
		t.field("name", k.Name)
		t.field("pub_key", string(k.PubKey))
		t.field("created", fmtTime(k.Created))
	})
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
