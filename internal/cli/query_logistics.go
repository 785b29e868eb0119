package cli

import (
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
)

// legStatuses are the values of --status of query logistics list.
var legStatuses = []string{"", string(gongxu.LegAssigned), string(gongxu.LegPickedUp), string(gongxu.LegDelivered)}

// newQueryLogisticsCmd builds "gongxu query logistics": carriers' legs.
func newQueryLogisticsCmd(env *Env) *cobra.Command {
	var status, org, lot string
	var pool, po uint64
	var limit int
	list := &cobra.Command{
		Use:   "list [--org ORG] [--status S] [--pool ID] [--po ID] [--lot LOT]",
		Short: "List carriers' legs, most recent first",
		Args:  exactArgs(),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if limit < 0 {
				return usagef("--limit must not be negative, got %d", limit)
			}
			if org != "" {
				if err := gongxu.OrgID(org).Validate(); err != nil {
					return asUsage(err)
				}
			}
			if lot != "" {
				if err := gongxu.LotID(lot).Validate(); err != nil {
					return asUsage(err)
				}
			}
			ls, err := env.Client().Legs(env.Ctx, gongxu.LegFilter{Org: gongxu.OrgID(org), Status: gongxu.LegStatus(status), Pool: pool, PO: po, Lot: gongxu.LotID(lot), Limit: limit})
			if err != nil {
				return env.nodeErr(err)
			}
			if ls == nil {
				ls = []gongxu.Leg{}
			}
			return env.print(ls, func(t *tableWriter) {
				t.row("ID", "SHIPMENT", "SHIPPER", "CONSIGNEE", "CARRIER", "STATUS", "PICKED_UP", "DELIVERED")
				for _, l := range ls {
					t.row(strconv.FormatUint(l.ID, 10), legShipment(l), string(l.Shipper), string(l.Consignee), string(l.Carrier),
						string(l.Status), optTime(l.PickedUp), optTime(l.Delivered))
				}
			})
		},
	}
	fl := list.Flags()
	fl.StringVar(&org, "org", "", "only legs `ORG` carries, ships or receives")
	fl.Var(&choiceValue{p: &status, choices: legStatuses}, "status", "only legs with this `STATUS`: "+strings.Join(legStatuses[1:], ", "))
	fl.Uint64Var(&pool, "pool", 0, "only legs of shares of pool `ID`")
	fl.Uint64Var(&po, "po", 0, "only legs of purchase order `ID`'s shipments")
	fl.StringVar(&lot, "lot", "", "only legs that moved ledger lot `LOT`")
	fl.IntVar(&limit, "limit", 0, "at most `N` legs (0: the node's default)")

	show := &cobra.Command{
		Use:   "show LEG_ID",
		Short: "Show a carrier's leg: its shipment, lots, pickup and proof of delivery",
		Args:  exactArgs("LEG_ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parsePositive("leg id", args[0])
			if err != nil {
				return err
			}
			l, err := env.Client().Leg(env.Ctx, id)
			if err != nil {
				return env.nodeErr(err)
			}
			return env.print(l, func(t *tableWriter) {
				t.field("id", strconv.FormatUint(l.ID, 10))
				t.field("shipment", legShipment(l))
				t.field("shipper", string(l.Shipper))
				t.field("consignee", string(l.Consignee))
				t.field("carrier", string(l.Carrier))
				lots := make([]string, len(l.Lots))
				for i, lq := range l.Lots {
					lots[i] = string(lq.Lot) + ": " + qtyText(lq.Qty)
				}
				t.fieldList("lots", lots)
				t.field("status", string(l.Status))
				t.field("assigned", msTime(l.Assigned))
				if l.PickedUp != 0 {
					t.field("picked_up", msTime(l.PickedUp))
					t.field("pickup_event", l.PickupEvent)
				}
				if l.Delivered != 0 {
					t.field("delivered", msTime(l.Delivered))
					t.field("delivery_event", l.DeliveryEvent)
					t.field("pod_evidence", l.PODEvidence())
					t.fieldOpt("received_by", l.ReceivedBy)
					t.fieldList("evidence", l.Evidence)
					t.fieldOpt("note", l.Note)
				}
			})
		},
	}
	return newGroup("logistics", "Carriers' legs: shipments, pickups and proofs of delivery", list, show)
}

// legShipment names a leg's shipment: "pool 4 → hilltown-hub" (the whole
// share), "pool 4 → hilltown-hub shipment 2" or "po 12 shipment 1".
func legShipment(l gongxu.Leg) string {
	if l.PO != 0 {
		return "po " + strconv.FormatUint(l.PO, 10) + " shipment " + strconv.Itoa(l.Shipment)
	}
	s := "pool " + strconv.FormatUint(l.Pool, 10) + " → " + string(l.Hub)
	if l.Shipment > 0 {
		s += " shipment " + strconv.Itoa(l.Shipment)
	}
	return s
}

func optTime(ms int64) string {
	if ms == 0 {
		return "-"
	}
	return msTime(ms)
}
