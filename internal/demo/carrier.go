package demo

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/logistics"
	"github.com/gongxu-network/gongxu/internal/node"
)

// carry has the shipper assign a shipment to the demo's carrier, which
// picks it up and records its proof of delivery, signed for by receivedBy.
func carry(n *node.Node, must sendFunc, shipper string, a gongxu.LegAssignBody, receivedBy string) error {
	if err := must(shipper, logistics.TypeAssign, logistics.MsgAssign(a)); err != nil {
		return err
	}
	leg, err := n.Modules().Logistics.ShipmentLeg(n.State(), a.Pool, a.Hub, a.PO, a.Shipment)
	if err != nil {
		return err
	}
	if leg == 0 {
		return gongxu.Errorf(gongxu.KindNotFound, "demo: the shipment assigned to %s has no leg", a.Carrier)
	}
	if err := must(string(a.Carrier), logistics.TypePickup, logistics.MsgPickup{Leg: leg}); err != nil {
		return err
	}
	return must(string(a.Carrier), logistics.TypeDeliver, logistics.MsgDeliver{Leg: leg, ReceivedBy: receivedBy, Note: "proof of delivery: the receiver's signature on the waybill"})
}
