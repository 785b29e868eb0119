package cli

import (
	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
)

func newProposeScheduleUpgradeCmd(send proposeFunc) *cobra.Command {
	var p gongxu.UpgradePlan
	c := &cobra.Command{
		Use:   "schedule-upgrade --name NAME --version N --height H",
		Short: "Propose an upgrade of the state machine at a height",
		Long: `Propose that the network's state machine moves to version N (the one after the
state's) at height H, by the upgrade named NAME. At H every node stops before the
block unless its binary registers that upgrade; operators install such a binary
before H and start it on the same home, and it migrates the state at H. H must be
after the block the proposal passes in and at most 1,000,000 blocks ahead.`,
		Example: `  gongxu tx member propose schedule-upgrade --from alice --title "Release 0.2" --name v0.2 --version 2 --height 1200000`,
		Args:    exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "name", "version", "height"); err != nil {
				return err
			}
			return send(cmd, &member.MsgPropose{Kind: gongxu.ProposalScheduleUpgrade, Upgrade: &p})
		},
	}
	c.Flags().StringVar(&p.Name, "name", "", "the upgrade's `NAME`, as the new binary registers it (required)")
	c.Flags().Uint64Var(&p.Version, "version", 0, "the state machine version `N` it moves to (required)")
	c.Flags().Int64Var(&p.Height, "height", 0, "the height `H` it runs at (required)")
	return c
}

func newProposeCancelUpgradeCmd(send proposeFunc) *cobra.Command {
	var name string
	c := &cobra.Command{
		Use:   "cancel-upgrade --name NAME",
		Short: "Propose to withdraw the scheduled upgrade",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := requireFlags(cmd, "name"); err != nil {
				return err
			}
			return send(cmd, &member.MsgPropose{Kind: gongxu.ProposalCancelUpgrade, Upgrade: &gongxu.UpgradePlan{Name: name}})
		},
	}
	c.Flags().StringVar(&name, "name", "", "the scheduled upgrade's `NAME` (required)")
	return c
}
