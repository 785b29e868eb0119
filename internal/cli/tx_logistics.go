package cli

import (
	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/logistics"
)

// newTxLogisticsCmd builds "gongxu tx logistics": carriers' legs.
func newTxLogisticsCmd(env *Env, o *txOptions) *cobra.Command {
	return newGroup("logistics", "Carriers: assign a shipment to a carrier (the shipper), record its pickup and proof of delivery (the carrier)",
		newTxLogisticsAssignCmd(env, o), newTxLogisticsPickupCmd(env, o), newTxLogisticsDeliverCmd(env, o))
}

func newTxLogisticsAssignCmd(env *Env, o *txOptions) *cobra.Command {
	var m logistics.MsgAssign
	var hub, carrier string
	c := &cobra.Command{
		Use:   "assign (--pool ID --hub HUB [--shipment N] | --po ID --shipment N) --carrier ORG",
		Short: "Assign a shipment you shipped to a carrier (a logistics member)",
		Long: `Assign a shipment you shipped to a carrier: a hub's share of a pool you made
(--pool, --hub), or a shipment of a purchase order you supply (--po,
--shipment). A share shipped in parts gets a leg per shipment (--shipment N,
the share's N-th pool ship, carrying that shipment's lots); without
--shipment the leg carries the whole share as shipped so far. A share has one
or the other, never both. The carrier must hold the logistics role. Before
its pickup you may assign the leg to another carrier; after it, never. The
carrier's proof of delivery is evidence: the consignee still confirms what
arrived.`,
		Example: `  gongxu tx logistics assign --pool 4 --hub hilltown-hub --carrier swift-logistics --from acme-key
  gongxu tx logistics assign --pool 4 --hub hilltown-hub --shipment 2 --carrier swift-logistics --from acme-key
  gongxu tx logistics assign --po 12 --shipment 1 --carrier swift-logistics --from supplier-key`,
		Args: exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := requireFlags(cmd, "from", "carrier"); err != nil {
				return err
			}
			msg := m
			msg.Hub, msg.Carrier = gongxu.OrgID(hub), gongxu.OrgID(carrier)
			return env.sendMsg(cmd, o, logistics.TypeAssign, &msg)
		},
	}
	f := c.Flags()
	f.Uint64Var(&m.Pool, "pool", 0, "the pool `ID` of the hub's share")
	f.StringVar(&hub, "hub", "", "the `HUB` whose share you shipped")
	f.Uint64Var(&m.PO, "po", 0, "the purchase order `ID` you shipped")
	f.IntVar(&m.Shipment, "shipment", 0, "the shipment `N`, from 1: of the purchase order, or of the hub's share (none: the whole share)")
	f.StringVar(&carrier, "carrier", "", "the carrier `ORG` (required)")
	return c
}

func newTxLogisticsPickupCmd(env *Env, o *txOptions) *cobra.Command {
	return &cobra.Command{
		Use:   "pickup LEG_ID",
		Short: "Record that you (the leg's carrier) took the goods at the shipper's place",
		Args:  exactArgs("LEG_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("leg id", args[0])
			if err != nil {
				return err
			}
			return env.sendMsg(cmd, o, logistics.TypePickup, &logistics.MsgPickup{Leg: id})
		},
	}
}

func newTxLogisticsDeliverCmd(env *Env, o *txOptions) *cobra.Command {
	var m logistics.MsgDeliver
	var evidence []string
	c := &cobra.Command{
		Use:   "deliver LEG_ID [--received-by NAME] [--evidence FILE_OR_SHA256]... [--note TEXT]",
		Short: "Record your proof of delivery at the consignee's place",
		Long: `Record your proof of delivery (you are the leg's carrier, after its pickup):
who signed for the goods, and POD documents (a signed note, photos) as
SHA-256 hashes only: give files (hashed here, kept by you) or hashes. The
consignee still confirms what arrived; a dispute may cite your POD.`,
		Example: `  gongxu tx logistics deliver 3 --received-by "Wang Fang" --evidence signed-note.jpg --from swift-key`,
		Args:    exactArgs("LEG_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("leg id", args[0])
			if err != nil {
				return err
			}
			msg := m
			msg.Leg = id
			for _, e := range evidence {
				h, err := evidenceHash(e)
				if err != nil {
					return err
				}
				msg.Evidence = append(msg.Evidence, h)
			}
			return env.sendMsg(cmd, o, logistics.TypeDeliver, &msg)
		},
	}
	f := c.Flags()
	f.StringVar(&m.ReceivedBy, "received-by", "", "who signed for the goods, `NAME`")
	f.StringArrayVar(&evidence, "evidence", nil, "a `FILE` (hashed here) or a SHA-256; repeat for more")
	f.StringVar(&m.Note, "note", "", "a short `TEXT` everyone can read")
	return c
}
