package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/dispute"
)

// newTxDisputeCmd builds "gongxu tx dispute": disputes over hubs' shares.
func newTxDisputeCmd(env *Env, o *txOptions) *cobra.Command {
	return newGroup("dispute", "Disputes over a hub's share of a pool: open, propose and accept a split, vote as a panelist, withdraw",
		newTxDisputeOpenCmd(env, o),
		newTxDisputeSplitCmd(env, o, "propose", dispute.TypePropose, "Sign a split for the other party to accept",
			func(id uint64, v gongxu.Amount) msg { return &dispute.MsgPropose{Dispute: id, ToClaimant: v} }),
		newTxDisputeSplitCmd(env, o, "accept", dispute.TypeAccept, "Accept the other party's proposal (name its split): the dispute is settled",
			func(id uint64, v gongxu.Amount) msg { return &dispute.MsgAccept{Dispute: id, ToClaimant: v} }),
		newTxDisputeSplitCmd(env, o, "vote", dispute.TypeVote, "Vote a split as a panelist of an escalated dispute",
			func(id uint64, v gongxu.Amount) msg { return &dispute.MsgVote{Dispute: id, ToClaimant: v} }),
		newTxDisputeWithdrawCmd(env, o),
	)
}

// evidenceHash reads an --evidence value: a SHA-256 (64 hex characters) as
// it is, or a file, hashed here (the file itself stays off the ledger).
func evidenceHash(v string) (string, error) {
	if b, err := hex.DecodeString(v); err == nil && len(b) == 32 {
		return strings.ToLower(v), nil
	}
	f, err := os.Open(v)
	if err != nil {
		return "", usagef("--evidence %q is neither a SHA-256 (64 hex characters) nor a readable file: %v", clip(v), err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", gongxu.Wrap(err, "hash evidence %s", v)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func newTxDisputeOpenCmd(env *Env, o *txOptions) *cobra.Command {
	var m dispute.MsgOpen
	var kind string
	var evidence []string
	var po uint64
	c := &cobra.Command{
		Use:   "open (POOL_ID | --po PO_ID) --kind K --claimed AMOUNT [--evidence FILE_OR_SHA256]... [--note TEXT]",
		Short: "Open a dispute over your hub's share of a pool, or over a purchase order's shipments",
		Long: `Open a dispute over your hub's share of a pool in production: the share's
money stays frozen until the dispute ends. --claimed is what you ask back, in
minor units (fen, cents), at most the share's money. Evidence goes on the
ledger as SHA-256 hashes only: give files (hashed here, kept by you, shown
to the panel off the ledger) or hashes. The factory and you may settle by
both signing a split (propose, accept) until the response deadline; then a
panel of member orgs drawn from the ledger votes.

With --po instead of a pool, the factory or the supplier of a purchase order
disputes its shipments against the other. Purchase orders carry no money on
the ledger: nothing is frozen, and the ruling records what is owed.`,
		Example: `  gongxu tx dispute open 4 --kind short --claimed 15900 --evidence carton.jpg --note "one shirt missing" --from hub-key
  gongxu tx dispute open --po 12 --kind late --claimed 50000 --from factory-key`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			msg := m
			switch {
			case len(args) == 1 && po == 0:
				id, err := parsePositive("pool id", args[0])
				if err != nil {
					return err
				}
				msg.Pool = id
			case len(args) == 0 && po > 0:
				msg.PO = po
			default:
				return usagef("give a POOL_ID or --po PO_ID, not both")
			}
			if err := requireFlags(cmd, "from", "kind", "claimed"); err != nil {
				return err
			}
			msg.Kind = gongxu.DisputeKind(kind)
			for _, e := range evidence {
				h, err := evidenceHash(e)
				if err != nil {
					return err
				}
				msg.Evidence = append(msg.Evidence, h)
			}
			return env.sendMsg(cmd, o, dispute.TypeOpen, &msg)
		},
	}
	kinds := make([]string, 0, 4)
	for _, k := range gongxu.DisputeKinds() {
		kinds = append(kinds, string(k))
	}
	f := c.Flags()
	f.Var(&choiceValue{p: &kind, choices: kinds}, "kind", "what went wrong, `KIND`: "+strings.Join(kinds, ", ")+" (required)")
	f.Int64Var((*int64)(&m.Claimed), "claimed", 0, "what you ask back, `AMOUNT` in minor units (required)")
	f.StringArrayVar(&evidence, "evidence", nil, "a `FILE` (hashed here) or a SHA-256; repeat for more")
	f.StringVar(&m.Note, "note", "", "a short `TEXT` everyone can read")
	f.Uint64Var(&po, "po", 0, "dispute purchase order `PO_ID` instead of a pool share")
	return c
}

func newTxDisputeSplitCmd(env *Env, o *txOptions, use, typ, short string, build func(uint64, gongxu.Amount) msg) *cobra.Command {
	var split int64
	c := &cobra.Command{
		Use:   use + " DISPUTE_ID --to-claimant AMOUNT",
		Short: short,
		Long: short + `. --to-claimant is the part of the claim that goes back to the
claimant, in minor units (0 to the claimed amount); the rest of the frozen
money goes to the respondent.`,
		Args: exactArgs("DISPUTE_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("dispute id", args[0])
			if err != nil {
				return err
			}
			if err := requireFlags(cmd, "from", "to-claimant"); err != nil {
				return err
			}
			return env.sendMsg(cmd, o, typ, build(id, gongxu.Amount(split)))
		},
	}
	c.Flags().Int64Var(&split, "to-claimant", 0, "`AMOUNT` back to the claimant, minor units (required)")
	return c
}

func newTxDisputeWithdrawCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "withdraw DISPUTE_ID",
		Short: "Withdraw your claim: the frozen money goes to the respondent",
		Args:  exactArgs("DISPUTE_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("dispute id", args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, dispute.TypeWithdraw, &dispute.MsgWithdraw{Dispute: id})
		},
	}
}
