package web

import (
	"context"
	"net/http"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// extraLegs is the World's legs and legs of its own (newest first, as
// the read model lists them).
type extraLegs struct {
	gongxu.LegService
	extra []gongxu.Leg
}

func (e extraLegs) Legs(ctx context.Context, f gongxu.LegFilter) ([]gongxu.Leg, error) {
	out, err := e.LegService.Legs(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, l := range e.extra {
		if (f.Pool == 0 || l.Pool == f.Pool) && (f.Org == "" || l.Carrier == f.Org || l.Shipper == f.Org || l.Consignee == f.Org) {
			out = append([]gongxu.Leg{l}, out...)
		}
	}
	return out, nil
}

// A share shipped in parts has a leg per shipment: the pool page, the
// hub's deliveries and the carrier's page name each leg's shipment.
func TestCarrierLegPerShipment(t *testing.T) {
	f := newSite(t)
	f.op = f.w.Operator(inproc.Swift)
	f.operator = f.op
	legs := []gongxu.Leg{
		{ID: 41, Pool: poolShipped, Hub: inproc.Lakeside, Shipment: 2, Shipper: inproc.Acme, Consignee: inproc.Lakeside, Carrier: inproc.Swift,
			Lots: []gongxu.LotQty{{Lot: inproc.Acme + "/merino-jacket-0001", Qty: 3000}}, Status: gongxu.LegAssigned, Assigned: 1},
		{ID: 40, Pool: poolShipped, Hub: inproc.Lakeside, Shipment: 1, Shipper: inproc.Acme, Consignee: inproc.Lakeside, Carrier: inproc.Swift,
			Lots: []gongxu.LotQty{{Lot: inproc.Acme + "/merino-jacket-0001", Qty: 2000}}, Status: gongxu.LegDelivered, Assigned: 1, Delivered: 2, ReceivedBy: "Zhou"},
	}
	s := newHubServer(t, f, func(c *Config) { c.Legs = extraLegs{LegService: f.w.Read(), extra: legs} })
	body := page(t, s, poolPath(poolShipped), http.StatusOK)
	contains(t, "pool page", body, `id="share-carrier-lakeside-corner-1">Shipment 1: Carried by`, `id="share-carrier-lakeside-corner-2">Shipment 2: Carried by`, "Zhou")
	lacks(t, "pool page", body, `id="share-carrier-lakeside-corner"`)

	sess, _ := openForm(t, s, "/carrier")
	_, body = serve(t, s, request("GET", "/carrier", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "carrier page", body, `id="leg-41"`, "pool 1 → lakeside-corner, shipment 2", `id="delivered-40"`, "pool 1 → lakeside-corner, shipment 1")
	_, zh := serve(t, s, request("GET", "/carrier", nil, localAddr, []*http.Cookie{sess}, "Accept-Language", "zh-CN"))
	contains(t, "zh carrier page", zh, "拼单 1 → lakeside-corner，第 2 批发货")

	f.op.SetOrg(inproc.Lakeside)
	_, body = serve(t, s, request("GET", "/hub/deliveries", nil, localAddr, []*http.Cookie{sess}))
	contains(t, "hub deliveries", body, `id="delivery-carrier-1-1">Shipment 1: Carried by`, `id="delivery-carrier-1-2">Shipment 2: Carried by`)
	if missing := s.langs.missingKeys(); len(missing) > 0 {
		t.Errorf("messages without Chinese met while rendering: %v", missing)
	}
}
