package trace

import (
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// A carrier's leg (the logistics module reports it, through internal/modules):
// the carrier's pickup at the shipper's place and its proof of delivery at
// the consignee's, each an ObjectEvent OBSERVE of the leg's lots (and of the
// shipping unit of a pool share), disposition in_transit, with the place's
// org URN as read point (and, at delivery, as business location: the goods
// are at the consignee's), the order ("po": the pool or purchase order),
// the shipment ("desadv": a pool share's unit, or the despatch advice of
// the one shipment of the share the leg carries) and the leg ("bol",
// gongxu.LegURN) as business
// transactions, and the change of possession as possessing_party source and
// destination: shipper to carrier at pickup (bizStep departing), carrier to
// consignee at delivery (bizStep arriving). Ownership does not change with
// either: the consignee's own receipt says that. The capturer is the
// carrier's org (the signer).

// CarrierPickedUp records a carrier taking a leg's goods at the shipper's
// place and returns the event's id.
func (m *Module) CarrierPickedUp(ctx *module.Context, leg gongxu.Leg) (string, error) {
	return m.carried(ctx, leg, "departing", leg.Shipper, leg.Shipper, leg.Carrier, false, gongxu.FlowCarrierPickup)
}

// CarrierDelivered records a carrier's proof of delivery at the consignee's
// place and returns the event's id.
func (m *Module) CarrierDelivered(ctx *module.Context, leg gongxu.Leg) (string, error) {
	return m.carried(ctx, leg, "arriving", leg.Consignee, leg.Carrier, leg.Consignee, true, gongxu.FlowCarrierDelivery)
}

func (m *Module) carried(ctx *module.Context, leg gongxu.Leg, step string, place, from, to gongxu.OrgID, at bool, flow string) (string, error) {
	fe := flowEvent{Type: "ObjectEvent", Action: "OBSERVE", BizStep: step, Disposition: "in_transit"}
	rec := gongxu.TraceEvent{Action: "OBSERVE", BizStep: cbvWeb + "BizStep-" + step, Disposition: cbvWeb + "Disp-in_transit"}
	var order, unit string
	switch {
	case leg.Pool != 0:
		u, err := m.parser.Canonical(gongxu.ShipmentURN(leg.Pool, leg.Hub))
		if err != nil {
			return "", err
		}
		order, unit = gongxu.PoolURN(leg.Pool), u
		fe.EPCList, rec.EPCs = []string{unit}, []string{unit}
		if leg.Shipment > 1 { // one shipment of the share: its despatch advice, as ShippedToHub names it
			unit += ":" + strconv.Itoa(leg.Shipment)
		}
	case leg.PO != 0:
		order, unit = poURN(leg.PO), shipmentURN(leg.PO, leg.Shipment)
	default:
		return "", fmt.Errorf("trace: leg %d names no shipment", leg.ID)
	}
	var err error
	if fe.QuantityList, rec.Quantities, err = lotQuantities(leg.Lots); err != nil {
		return "", err
	}
	if len(fe.QuantityList) == 0 {
		return "", fmt.Errorf("trace: leg %d carries no lots", leg.ID)
	}
	p := gongxu.OrgURN(place)
	fe.ReadPoint, rec.ReadPoint = &flowPlace{ID: p}, p
	if at {
		fe.BizLocation, rec.BizLocation = &flowPlace{ID: p}, p
	}
	txs := []flowBizTx{bizTx("po", order), bizTx("desadv", unit), bizTx("bol", gongxu.LegURN(leg.ID))}
	fe.BizTransactionList = txs
	for _, t := range txs {
		rec.BizTransactions = append(rec.BizTransactions, ref("BTT", t.Type, t.BizTransaction))
	}
	fe.SourceList = []flowSource{{Type: "possessing_party", Source: gongxu.OrgURN(from)}}
	fe.DestinationList = []flowDestination{{Type: "possessing_party", Destination: gongxu.OrgURN(to)}}
	rec.Sources = []gongxu.TraceRef{ref("SDT", "possessing_party", gongxu.OrgURN(from))}
	rec.Destinations = []gongxu.TraceRef{ref("SDT", "possessing_party", gongxu.OrgURN(to))}
	if rec, err = m.flowRecord(ctx, &fe, rec, flow); err != nil {
		return "", err
	}
	return rec.ID, m.anchor(ctx, []gongxu.TraceEvent{rec}, flow)
}
