package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

// newTxMemberCmd builds "gongxu tx member": the member module's messages.
func newTxMemberCmd(env *Env, o *txOptions) *cobra.Command {
	return newGroup("member", "Member organizations, their keys and governance",
		newTxUpdateOrgCmd(env, o),
		newTxAddKeyCmd(env, o),
		newTxRemoveKeyCmd(env, o),
		newTxSealKeyCmd(env, o),
		newTxProposeCmd(env, o),
		newTxVoteCmd(env, o),
		newProposeJoinCmd(env, o),
		newProposeValidatorCmd(env, o),
	)
}

func newTxUpdateOrgCmd(env *Env, o *txOptions) *cobra.Command {
	var m member.MsgUpdateOrg
	c := &cobra.Command{
		Use:   "update-org",
		Short: "Change your org's name, description or contact",
		Long:  "Change the profile of the org the --from key belongs to. Fields not given are kept.",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if !cmd.Flags().Changed("name") && !cmd.Flags().Changed("description") && !cmd.Flags().Changed("contact") {
				return usagef("update-org changes nothing: give --name, --description or --contact")
			}
			return env.sendMsg(cmd, o, member.TypeUpdateOrg, &m)
		},
	}
	c.Flags().StringVar(&m.Name, "name", "", "the org's display `NAME`")
	c.Flags().StringVar(&m.Description, "description", "", "what the org does")
	c.Flags().StringVar(&m.Contact, "contact", "", "a public business contact")
	return c
}

func newTxAddKeyCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "add-key PUBKEY",
		Short: "Add a signing key to your org",
		Long:  "Add a signing key to the org of the --from key. PUBKEY is 64 hex characters or the name of a key in the keyring.",
		Args:  exactArgs("PUBKEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := env.resolvePubKey(args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, member.TypeAddKey, &member.MsgAddKey{Key: k})
		},
	}
}

func newTxRemoveKeyCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "remove-key PUBKEY",
		Short: "Remove a signing key from your org",
		Long:  "Remove a signing key from the org of the --from key (never its last). PUBKEY is 64 hex characters or the name of a key in the keyring.",
		Args:  exactArgs("PUBKEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			k, err := env.resolvePubKey(args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, member.TypeRemoveKey, &member.MsgRemoveKey{Key: k})
		},
	}
}

func newTxSealKeyCmd(env *Env, o *txOptions) *cobra.Command {
	var rotate bool
	c := &cobra.Command{
		Use:   "seal-key [SEALKEY]",
		Short: "Register your org's seal key, which its private terms are sealed to",
		Long: `Register the seal key (an X25519 public key) of the org of the --from key:
purchase order prices between it and another member are sealed to it, and
only the holder of its private half reads them. Without SEALKEY, the newest
seal key of the home's keyring is registered (one is made when there is none;
--new makes a new one, a rotation: terms sealed to the older keys stay
readable, their private halves stay in the keyring). SEALKEY (64 hex
characters) registers a key made elsewhere.`,
		Args: rangeArgs(0, 1, "at most one argument, SEALKEY"),
		RunE: func(cmd *cobra.Command, args []string) error {
			var k gongxu.SealKey
			switch {
			case len(args) == 1 && rotate:
				return usagef("give SEALKEY or --new, not both")
			case len(args) == 1:
				k = gongxu.SealKey(strings.ToLower(args[0]))
			default:
				kr, err := env.Keyring()
				if err != nil {
					return err
				}
				get := kr.CurrentSealKey
				if rotate {
					get = kr.NewSealKey
				}
				sk, err := get()
				if err != nil {
					return err
				}
				k = sk.Public
			}
			return env.sendMsg(cmd, o, member.TypeSealKey, &member.MsgSealKey{Key: k})
		},
	}
	c.Flags().BoolVar(&rotate, "new", false, "make a new seal key in the keyring and register it (a rotation)")
	return c
}

// newTxProposeCmd builds "tx member propose": one subcommand per proposal
// kind, sharing --title.
func newTxProposeCmd(env *Env, o *txOptions) *cobra.Command {
	var title string
	send := func(cmd *cobra.Command, m *member.MsgPropose) error {
		if err := requireFlags(cmd, "title"); err != nil {
			return err
		}
		m.Title = title
		return env.sendMsg(cmd, o, member.TypePropose, m)
	}
	c := newGroup("propose", "Open a governance proposal; your org votes yes",
		newProposeAdmitOrgCmd(env, send),
		newProposeRemoveOrgCmd(send),
		newProposeAddValidatorCmd(send),
		newProposeRemoveValidatorCmd(send),
		newProposeSetParamCmd(send),
		newProposePrefixesCmd(send, gongxu.ProposalAssignPrefixes),
		newProposePrefixesCmd(send, gongxu.ProposalUnassignPrefixes),
		newProposeScheduleUpgradeCmd(send), newProposeCancelUpgradeCmd(send), // tx_upgrade.go
	)
	c.Long = `Open a governance proposal of the member orgs. It passes with the yes votes
of more than 2/3 of the member orgs before its deadline; the proposer's org
votes yes.`
	c.PersistentFlags().StringVar(&title, "title", "", "the proposal's `TITLE` (required)")
	return c
}

type proposeFunc func(cmd *cobra.Command, m *member.MsgPropose) error

func newProposeAdmitOrgCmd(env *Env, send proposeFunc) *cobra.Command {
	var org gongxu.Org
	var roles, keys, prefixes []string
	c := &cobra.Command{
		Use:   "admit-org --id ID --name NAME --roles ROLE,… --keys PUBKEY,… [--gs1-prefixes P,…]",
		Short: "Propose to admit a new member org",
		Long: `Propose to admit a new member org. An org id is never reused: the id of an org
that was removed is refused. --gs1-prefixes declares the GS1 company prefixes
the org holds (6 to 12 digits each, held by no other org): only it may then
commission, decommission or recall identifiers under them.`,
		Example: `  gongxu tx member propose admit-org --from alice --title "Admit Silk Supply" --id silk-supply --name "Silk Supply Co." --roles supplier --keys 3b6a… --gs1-prefixes 6901234`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "id", "name", "roles", "keys"); err != nil {
				return err
			}
			o := org
			for _, r := range roles {
				o.Roles = append(o.Roles, gongxu.Role(strings.TrimSpace(r)))
			}
			for _, k := range keys {
				pk, err := env.resolvePubKey(strings.TrimSpace(k))
				if err != nil {
					return err
				}
				o.Keys = append(o.Keys, pk)
			}
			o.Prefixes = trimAll(prefixes)
			return send(cmd, &member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Org: &o})
		},
	}
	f := c.Flags()
	f.StringVar((*string)(&org.ID), "id", "", "the new org's `ID` (required)")
	f.StringVar(&org.Name, "name", "", "the new org's `NAME` (required)")
	f.StringSliceVar(&roles, "roles", nil, "its roles: factory, supplier, hub, logistics, validator (required)")
	f.StringSliceVar(&keys, "keys", nil, "its signing keys: hex public keys or names in the keyring (required)")
	f.StringVar(&org.Description, "description", "", "what the org does")
	f.StringVar(&org.Contact, "contact", "", "a public business contact")
	f.StringSliceVar(&prefixes, "gs1-prefixes", nil, "the GS1 company prefixes it holds (6 to 12 digits each)")
	return c
}

// trimAll trims the spaces around each value of a list flag.
func trimAll(xs []string) []string {
	var out []string
	for _, x := range xs {
		out = append(out, strings.TrimSpace(x))
	}
	return out
}

// newProposePrefixesCmd builds assign-gs1-prefixes or unassign-gs1-prefixes.
func newProposePrefixesCmd(send proposeFunc, kind gongxu.ProposalKind) *cobra.Command {
	var target string
	var prefixes []string
	use, short, long := "assign-gs1-prefixes", "Propose to give GS1 company prefixes to a member org",
		`Propose to give GS1 company prefixes (6 to 12 digits each) to a member org.
A prefix is held by one org at most, and no held prefix may begin another:
only its holder commissions, decommissions or recalls the identifiers under it.`
	if kind == gongxu.ProposalUnassignPrefixes {
		use, short, long = "unassign-gs1-prefixes", "Propose to take GS1 company prefixes back from the org holding them",
			`Propose to take GS1 company prefixes back from the org holding them (a member,
or a removed org, whose prefixes stay reserved to it until then). Identifiers
under a prefix no org holds may be named by any member.`
	}
	c := &cobra.Command{
		Use:     use + " --target ORG --prefixes P,…",
		Short:   short,
		Long:    long,
		Example: "  gongxu tx member propose " + use + ` --from alice --title "Silk's prefix" --target silk-supply --prefixes 6901234`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "target", "prefixes"); err != nil {
				return err
			}
			return send(cmd, &member.MsgPropose{Kind: kind, Target: gongxu.OrgID(target), Prefixes: trimAll(prefixes)})
		},
	}
	c.Flags().StringVar(&target, "target", "", "`ORG` that holds the prefixes (required)")
	c.Flags().StringSliceVar(&prefixes, "prefixes", nil, "the GS1 company prefixes, 6 to 12 digits each (required)")
	return c
}

func newProposeRemoveOrgCmd(send proposeFunc) *cobra.Command {
	var target string
	c := &cobra.Command{
		Use:   "remove-org --target ID",
		Short: "Propose to remove a member org",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "target"); err != nil {
				return err
			}
			return send(cmd, &member.MsgPropose{Kind: gongxu.ProposalRemoveOrg, Target: gongxu.OrgID(target)})
		},
	}
	c.Flags().StringVar(&target, "target", "", "`ID` of the org to remove (required)")
	return c
}

func newProposeAddValidatorCmd(send proposeFunc) *cobra.Command {
	var target, pub string
	var power int64
	c := &cobra.Command{
		Use:   "add-validator --target ORG --pub-key HEX --power N",
		Short: "Propose a new consensus validator run by a member org",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "target", "pub-key", "power"); err != nil {
				return err
			}
			return send(cmd, &member.MsgPropose{
				Kind: gongxu.ProposalAddValidator, Target: gongxu.OrgID(target),
				PubKey: gongxu.PubKey(strings.ToLower(pub)), Power: power,
			})
		},
	}
	c.Flags().StringVar(&target, "target", "", "`ORG` that runs the validator (required)")
	c.Flags().StringVar(&pub, "pub-key", "", "the validator's consensus public key, 64 `HEX` characters (required)")
	c.Flags().Int64Var(&power, "power", 0, "its voting power `N` (required)")
	return c
}

func newProposeRemoveValidatorCmd(send proposeFunc) *cobra.Command {
	var pub string
	c := &cobra.Command{
		Use:   "remove-validator --pub-key HEX",
		Short: "Propose to remove a consensus validator",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "pub-key"); err != nil {
				return err
			}
			return send(cmd, &member.MsgPropose{Kind: gongxu.ProposalRemoveValidator, PubKey: gongxu.PubKey(strings.ToLower(pub))})
		},
	}
	c.Flags().StringVar(&pub, "pub-key", "", "the validator's consensus public key, 64 `HEX` characters (required)")
	return c
}

func newProposeSetParamCmd(send proposeFunc) *cobra.Command {
	var param string
	var value int64
	c := &cobra.Command{
		Use:   "set-param --param NAME --value N",
		Short: "Propose a new value of a governance parameter",
		Long:  "Propose a new value of a governance parameter: " + strings.Join(member.ParamNames(), ", ") + ".",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "param", "value"); err != nil {
				return err
			}
			return send(cmd, &member.MsgPropose{Kind: gongxu.ProposalSetParam, Param: param, Value: value})
		},
	}
	c.Flags().StringVar(&param, "param", "", "the parameter's `NAME` (required)")
	c.Flags().Int64Var(&value, "value", 0, "its new value `N` (required)")
	return c
}

func newTxVoteCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "vote PROPOSAL_ID yes|no",
		Short: "Cast your org's vote on an open proposal",
		Args:  exactArgs("PROPOSAL_ID", "yes|no"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			var yes bool
			switch strings.ToLower(args[1]) {
			case "yes":
				yes = true
			case "no":
			default:
				return usagef("vote must be yes or no, got %q", clip(args[1]))
			}
			return env.sendMsg(cmd, o, member.TypeVote, &member.MsgVote{Proposal: id, Yes: yes})
		},
	}
}

// parseID reads a proposal id: a positive integer.
func parseID(s string) (uint64, error) {
	id, err := strconv.ParseUint(s, 10, 64)
	if err != nil || id == 0 {
		return 0, usagef("proposal id must be a positive integer, got %q", clip(s))
	}
	return id, nil
}
