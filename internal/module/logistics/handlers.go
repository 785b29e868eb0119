package logistics

import (
	"slices"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Routes implements module.Module.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		{Type: TypeAssign, New: func() module.Msg { return &MsgAssign{} }, Handle: m.handleAssign},
		{Type: TypePickup, New: func() module.Msg { return &MsgPickup{} }, Handle: m.handlePickup},
		{Type: TypeDeliver, New: func() module.Msg { return &MsgDeliver{} }, Handle: m.handleDeliver},
	}
}

func unauthorized(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindUnauthorized, format, args...)
}

func conflict(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindConflict, format, args...)
}

func notFound(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindNotFound, format, args...)
}

// shipment is what a leg's shipment is now on the ledger.
type shipment struct {
	shipper, consignee gongxu.OrgID
	lots               []gongxu.LotQty
	unit               string
	confirmed          bool // the consignee confirmed it (the hub) or received it in full
}

// poolShipment reads a hub's share of a pool as a shipment: the whole
// share (n 0: every lot shipped so far) or its n-th shipment (its lots,
// its despatch advice); share is the share as it stands.
func (m *Module) poolShipment(ctx *module.Context, pool uint64, hub gongxu.OrgID, n int) (s shipment, share gongxu.HubShare, err error) {
	p, err := m.pools.Pool(ctx.KV, pool)
	if err != nil {
		return s, share, err
	}
	s = shipment{shipper: p.Factory, consignee: hub, unit: gongxu.ShipmentURN(pool, hub)}
	share, err = m.pools.HubShare(ctx.KV, pool, hub)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return s, share, notFound("hub %s has no share in pool %d", hub, pool)
	} else if err != nil {
		return s, share, err
	}
	s.confirmed = share.Delivered
	if n == 0 {
		s.lots = share.Shipped
		return s, share, nil
	}
	if n > len(share.Shipments) {
		return s, share, notFound("hub %s's share of pool %d has no shipment %d (%d shipped)", hub, pool, n, len(share.Shipments))
	}
	s.lots, s.unit = share.Shipments[n-1].Lots, gongxu.ShareShipmentURN(pool, hub, n)
	return s, share, nil
}

// poShipment reads a purchase order's shipment.
func (m *Module) poShipment(ctx *module.Context, id uint64, n int) (shipment, error) {
	po, err := m.orders.PO(ctx.KV, id)
	if err != nil {
		return shipment{}, err
	}
	s := shipment{shipper: po.Supplier, consignee: po.Factory, unit: gongxu.URNPrefix + "po:" + uitoa(id) + ":shipment:" + itoa(n)}
	if n > len(po.Shipments) {
		return s, notFound("purchase order %d has no shipment %d (%d shipped)", id, n, len(po.Shipments))
	}
	s.confirmed = true
	for _, l := range po.Shipments[n-1].Lines {
		s.lots = append(s.lots, gongxu.LotQty{Lot: l.Lot, Qty: l.Qty})
		if l.Received < l.Qty {
			s.confirmed = false
		}
	}
	return s, nil
}

func (m *Module) shipmentOf(ctx *module.Context, l *gongxu.Leg) (shipment, error) {
	if l.Pool != 0 {
		s, _, err := m.poolShipment(ctx, l.Pool, l.Hub, l.Shipment)
		return s, err
	}
	return m.poShipment(ctx, l.PO, l.Shipment)
}

func what(l *gongxu.Leg) string {
	switch {
	case l.Pool != 0 && l.Shipment > 0:
		return "shipment " + itoa(l.Shipment) + " of hub " + string(l.Hub) + "'s share of pool " + uitoa(l.Pool)
	case l.Pool != 0:
		return "hub " + string(l.Hub) + "'s share of pool " + uitoa(l.Pool)
	}
	return "shipment " + itoa(l.Shipment) + " of purchase order " + uitoa(l.PO)
}

// otherShareLeg refuses a leg of a share's shipment when the share as a
// whole has one, and a leg of the whole share when one of its shipments
// has one: the same goods are never on two legs. It reads at most
// gongxu.MaxShareShipments keys.
func otherShareLeg(ctx *module.Context, a *MsgAssign, share gongxu.HubShare) error {
	if a.Shipment > 0 {
		var id uint64
		if _, err := module.Load(ctx.KV, shipmentKey(&MsgAssign{Pool: a.Pool, Hub: a.Hub}), &id); err != nil {
			return err
		}
		if id != 0 {
			return conflict("hub %s's share of pool %d is on leg %d as a whole: its shipments get no legs of their own", a.Hub, a.Pool, id)
		}
		return nil
	}
	for n := 1; n <= len(share.Shipments) && n <= gongxu.MaxShareShipments; n++ {
		var id uint64
		if _, err := module.Load(ctx.KV, shipmentKey(&MsgAssign{Pool: a.Pool, Hub: a.Hub, Shipment: n}), &id); err != nil {
			return err
		}
		if id != 0 {
			return conflict("shipment %d of hub %s's share of pool %d is on leg %d: the share's shipments get a leg each, not the whole share", n, a.Hub, a.Pool, id)
		}
	}
	return nil
}

func (m *Module) handleAssign(ctx *module.Context, msg module.Msg) error {
	a := msg.(*MsgAssign)
	l := gongxu.Leg{Pool: a.Pool, Hub: a.Hub, PO: a.PO, Shipment: a.Shipment}
	var s shipment
	var share gongxu.HubShare
	var err error
	if a.Pool != 0 {
		s, share, err = m.poolShipment(ctx, a.Pool, a.Hub, a.Shipment)
	} else {
		s, err = m.poShipment(ctx, a.PO, a.Shipment)
	}
	if err != nil {
		return err
	}
	if ctx.Org != s.shipper {
		return unauthorized("org %s does not ship %s; only its shipper %s assigns a carrier", ctx.Org, what(&l), s.shipper)
	}
	if len(s.lots) == 0 {
		return conflict("%s is not shipped yet: a carrier is assigned a shipment on the ledger", what(&l))
	}
	if s.confirmed {
		return conflict("%s is already received by %s: too late for a carrier", what(&l), s.consignee)
	}
	if len(s.lots) > MaxLegLots {
		return tooLarge("%s holds %d lots, a leg at most %d", what(&l), len(s.lots), MaxLegLots)
	}
	if a.Pool != 0 {
		if err := otherShareLeg(ctx, a, share); err != nil {
			return err
		}
	}
	if ok, err := m.members.HasRole(ctx.KV, a.Carrier, gongxu.RoleLogistics); err != nil {
		return err
	} else if !ok {
		return invalid("org %s is no logistics member: only an org with the %s role carries a shipment", a.Carrier, gongxu.RoleLogistics)
	}
	var id uint64
	if _, err := module.Load(ctx.KV, shipmentKey(a), &id); err != nil {
		return err
	}
	if id != 0 {
		prev, err := m.Leg(ctx.KV, id)
		if err != nil {
			return err
		}
		switch {
		case prev.Status != gongxu.LegAssigned:
			return conflict("leg %d of %s is %s by %s: its carrier is not replaced", id, what(&l), prev.Status, prev.Carrier)
		case prev.Carrier == a.Carrier:
			return conflict("leg %d of %s is already assigned to %s", id, what(&l), a.Carrier)
		}
		l = prev
	} else {
		if l.ID, err = nextID(ctx); err != nil {
			return err
		}
		if _, err := module.Save(ctx.KV, shipmentKey(a), l.ID); err != nil {
			return err
		}
	}
	l.Shipper, l.Consignee, l.Carrier, l.Unit = s.shipper, s.consignee, a.Carrier, s.unit
	l.Lots = slices.Clone(s.lots)
	l.Status, l.Assigned, l.AssignTx = gongxu.LegAssigned, ctx.Time, ctx.TxHash
	return save(ctx, &l, gongxu.EventLegAssigned)
}

// carrierLeg loads a leg the signer's org carries, and checks that its
// consignee has not confirmed the shipment yet.
func (m *Module) carrierLeg(ctx *module.Context, id uint64, doing string) (gongxu.Leg, error) {
	l, err := m.Leg(ctx.KV, id)
	if err != nil {
		return l, err
	}
	if ctx.Org != l.Carrier {
		return l, unauthorized("org %s does not carry leg %d; only its carrier %s %s", ctx.Org, id, l.Carrier, doing)
	}
	if l.Status == gongxu.LegDelivered {
		return l, conflict("leg %d is delivered already", id)
	}
	s, err := m.shipmentOf(ctx, &l)
	if err != nil {
		return l, err
	}
	if s.confirmed {
		return l, conflict("%s is already received by %s: leg %d is over, too late to record it", what(&l), l.Consignee, id)
	}
	return l, nil
}

func (m *Module) handlePickup(ctx *module.Context, msg module.Msg) error {
	p := msg.(*MsgPickup)
	l, err := m.carrierLeg(ctx, p.Leg, "records its pickup")
	if err != nil {
		return err
	}
	if l.Status != gongxu.LegAssigned {
		return conflict("leg %d is %s already", l.ID, l.Status)
	}
	for _, lq := range l.Lots {
		hold, err := m.orders.HoldOf(ctx.KV, lq.Lot)
		if err != nil {
			return err
		}
		if hold != 0 {
			return conflict("lot %s is held by recall %d: it does not move, leg %d stays with %s", lq.Lot, hold, l.ID, l.Shipper)
		}
	}
	if l.PickupEvent, err = m.tracer.CarrierPickedUp(ctx, l); err != nil {
		return err
	}
	l.Status, l.PickedUp, l.PickupTx = gongxu.LegPickedUp, ctx.Time, ctx.TxHash
	return save(ctx, &l, gongxu.EventLegPickedUp)
}

func (m *Module) handleDeliver(ctx *module.Context, msg module.Msg) error {
	d := msg.(*MsgDeliver)
	l, err := m.carrierLeg(ctx, d.Leg, "records its delivery")
	if err != nil {
		return err
	}
	if l.Status != gongxu.LegPickedUp {
		return conflict("leg %d is %s: its pickup comes before its delivery", l.ID, l.Status)
	}
	if l.DeliveryEvent, err = m.tracer.CarrierDelivered(ctx, l); err != nil {
		return err
	}
	l.Status, l.Delivered, l.DeliveryTx = gongxu.LegDelivered, ctx.Time, ctx.TxHash
	l.ReceivedBy, l.Evidence, l.Note = d.ReceivedBy, slices.Clone(d.Evidence), d.Note
	return save(ctx, &l, gongxu.EventLegDelivered)
}

func uitoa(n uint64) string { return strconv.FormatUint(n, 10) }
func itoa(n int) string     { return strconv.Itoa(n) }
