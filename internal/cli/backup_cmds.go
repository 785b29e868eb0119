package cli

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/node"
)

func backupCommands(env *Env) []*cobra.Command {
	return []*cobra.Command{newBackupCmd(env), newRestoreCmd(env)}
}

const keysWarning = `WARNING: this backup holds the node's KEYS: the org's signing keys, the validator key and its signing
state, the node key and the API tokens. Whoever holds the file can sign for the org. Keep it like the keys
themselves. A home restored from it IS this validator: never run it while this one runs (double signing
gets a validator thrown out), and never start this home again once the restored one has run.`

func newBackupCmd(env *Env) *cobra.Command {
	var out string
	var withKeys bool
	c := &cobra.Command{
		Use:   "backup --home DIR --out FILE [--with-keys]",
		Short: "Write an archive of the stopped node in --home: state, block store, read model, config (keys only with --with-keys)",
		Long: `Backup writes a gzip-compressed tar archive of the node in --home, which must be stopped (the backup
holds the state's lock, so the node cannot start meanwhile): a checkpoint of the state, CometBFT's block
and state stores, the read model and the config, with a manifest of every file's SHA-256 and the state's
height and app hash. The keyring, CometBFT's node and validator keys and signing state, and the API tokens
are left out unless --with-keys. Logs are left out. Restore it with gongxu restore.`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) (err error) {
			if out == "" {
				return usagef("--out FILE is required")
			}
			f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
			if err != nil {
				return gongxu.Errorf(gongxu.KindConflict, "backup file: %v (it is never overwritten)", err)
			}
			defer func() {
				if cerr := f.Close(); err == nil && cerr != nil {
					err = gongxu.Wrap(cerr, "backup file %s", out)
				}
				if err != nil {
					os.Remove(out)
				}
			}()
			m, err := node.Backup(env.Ctx, env.Home, f, node.BackupOptions{WithKeys: withKeys})
			if err != nil {
				return err
			}
			if err := f.Sync(); err != nil {
				return gongxu.Wrap(err, "backup file %s", out)
			}
			fmt.Fprintf(env.Stdout, "backup of %s written to %s: %s\n", env.Home, out, m)
			if withKeys {
				fmt.Fprintln(env.Stderr, keysWarning)
			}
			return nil
		},
	}
	c.Flags().StringVar(&out, "out", "", "the archive `FILE` to write (never overwritten)")
	c.Flags().BoolVar(&withKeys, "with-keys", false, "also archive the node's keys (see the warning it prints)")
	return c
}

func newRestoreCmd(env *Env) *cobra.Command {
	var maxBytes int64
	c := &cobra.Command{
		Use:   "restore --home NEW FILE",
		Short: "Restore a backup archive into a new home (empty or absent), checking it before a node may start",
		Long: `Restore unpacks an archive written by gongxu backup into --home, which must be empty or absent, and
checks it: only files and directories under config/, data/ and keys/ (no links, devices, absolute paths or
".."), within --max-bytes, every file's SHA-256 as the manifest lists it, and the state's height and app
hash. On any failure nothing is left in the home. A home restored from a backup without keys gets new node
and validator keys: a new full node of the same network, with no keyring (add one with gongxu keys). A
backup with keys restores the validator itself: never run two homes of one validator.`,
		Args: cobra.ExactArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			f, err := os.Open(args[0])
			if err != nil {
				return gongxu.Errorf(gongxu.KindNotFound, "backup file: %v", err)
			}
			defer f.Close()
			m, err := node.Restore(env.Ctx, f, env.Home, node.RestoreOptions{MaxBytes: maxBytes})
			if err != nil {
				return err
			}
			fmt.Fprintf(env.Stdout, "restored into %s: %s\n", env.Home, m)
			if m.WithKeys {
				fmt.Fprintln(env.Stderr, "WARNING: this home holds the original node's KEYS and IS its validator: never run it while the original runs.")
			} else {
				fmt.Fprintln(env.Stdout, "new node and validator keys were made (the backup had none): this home is a new full node of the network")
			}
			return nil
		},
	}
	c.Flags().Int64Var(&maxBytes, "max-bytes", node.DefaultRestoreMaxBytes, "refuse an archive whose files total more than `N` bytes")
	return c
}
