package trace

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// The network's own flows: the production module tells the trace module
// what moved, and the trace module writes the EPCIS event. Every value comes
// from the ledger and the block; the JSON is written the one way encoding/json
// writes these structs (fields in declaration order).

// cbvWeb is the prefix of CBV 2.0 Web URIs, the form the records keep.
const cbvWeb = "https://ref.gs1.org/cbv/"

type flowQuantity struct {
	EPCClass string      `json:"epcClass"`
	Quantity json.Number `json:"quantity"`
}

type flowBizTx struct {
	Type           string `json:"type"`
	BizTransaction string `json:"bizTransaction"`
}

type flowSource struct {
	Type   string `json:"type"`
	Source string `json:"source"`
}

type flowDestination struct {
	Type        string `json:"type"`
	Destination string `json:"destination"`
}

// flowPlace is a read point or business location.
type flowPlace struct {
	ID string `json:"id"`
}

// flowEvent is the JSON of a flow's event.
type flowEvent struct {
	Type                string            `json:"type"`
	EventID             string            `json:"eventID,omitempty"`
	EventTime           string            `json:"eventTime"`
	EventTimeZoneOffset string            `json:"eventTimeZoneOffset"`
	ParentID            string            `json:"parentID,omitempty"`
	EPCList             []string          `json:"epcList,omitempty"`
	Action              string            `json:"action,omitempty"`
	BizStep             string            `json:"bizStep,omitempty"`
	Disposition         string            `json:"disposition,omitempty"`
	ReadPoint           *flowPlace        `json:"readPoint,omitempty"`
	BizLocation         *flowPlace        `json:"bizLocation,omitempty"`
	QuantityList        []flowQuantity    `json:"quantityList,omitempty"`
	ChildQuantityList   []flowQuantity    `json:"childQuantityList,omitempty"`
	InputQuantityList   []flowQuantity    `json:"inputQuantityList,omitempty"`
	OutputQuantityList  []flowQuantity    `json:"outputQuantityList,omitempty"`
	TransformationID    string            `json:"transformationID,omitempty"`
	BizTransactionList  []flowBizTx       `json:"bizTransactionList,omitempty"`
	SourceList          []flowSource      `json:"sourceList,omitempty"`
	DestinationList     []flowDestination `json:"destinationList,omitempty"`
}

// URNs of ledger things in the flows' events (see gongxu.LotURN).
func poURN(id uint64) string              { return gongxu.URNPrefix + "po:" + uitoa(id) }
func shipmentURN(po uint64, n int) string { return poURN(po) + ":shipment:" + strconv.Itoa(n) }
func orderURN(id uint64) string           { return gongxu.URNPrefix + "order:" + uitoa(id) }
func woURN(id uint64) string              { return gongxu.URNPrefix + "wo:" + uitoa(id) }
func txURN(hash string) string            { return gongxu.URNPrefix + "tx:" + hash }
func bizTx(typ, id string) flowBizTx      { return flowBizTx{Type: typ, BizTransaction: id} }
func ref(vocab, typ, id string) gongxu.TraceRef {
	return gongxu.TraceRef{Type: cbvWeb + vocab + "-" + typ, ID: id}
}

// Shipped records a shipment: an ObjectEvent OBSERVE, bizStep shipping,
// of the shipped lots (the supplier's), from the supplier to the factory.
func (m *Module) Shipped(ctx *module.Context, po gongxu.PurchaseOrder, sh gongxu.Shipment) error {
	lots := make([]gongxu.LotQty, 0, len(sh.Lines))
	for _, l := range sh.Lines {
		lots = append(lots, gongxu.LotQty{Lot: l.Lot, Qty: l.Qty})
	}
	fe := flowEvent{Type: "ObjectEvent", Action: "OBSERVE", BizStep: "shipping", Disposition: "in_transit"}
	rec := gongxu.TraceEvent{Action: "OBSERVE", BizStep: cbvWeb + "BizStep-shipping", Disposition: cbvWeb + "Disp-in_transit"}
	var err error
	if fe.QuantityList, rec.Quantities, err = lotQuantities(lots); err != nil {
		return err
	}
	txs := []flowBizTx{bizTx("po", poURN(po.ID)), bizTx("desadv", shipmentURN(po.ID, sh.ID))}
	parties(&fe, &rec, txs, po.Supplier, po.Factory)
	return m.emitFlow(ctx, &fe, rec, gongxu.FlowShip)
}

// Received records a receipt: an ObjectEvent OBSERVE, bizStep receiving, of
// the factory's lots that received the goods, against the shipment, with
// the receiving transaction as the receiving advice.
func (m *Module) Received(ctx *module.Context, po gongxu.PurchaseOrder, shipment int, lots []gongxu.LotQty) error {
	fe := flowEvent{Type: "ObjectEvent", Action: "OBSERVE", BizStep: "receiving", Disposition: "in_progress"}
	rec := gongxu.TraceEvent{Action: "OBSERVE", BizStep: cbvWeb + "BizStep-receiving", Disposition: cbvWeb + "Disp-in_progress"}
	var err error
	if fe.QuantityList, rec.Quantities, err = lotQuantities(lots); err != nil {
		return err
	}
	txs := []flowBizTx{bizTx("po", poURN(po.ID)), bizTx("desadv", shipmentURN(po.ID, shipment)), bizTx("recadv", txURN(ctx.TxHash))}
	parties(&fe, &rec, txs, po.Supplier, po.Factory)
	return m.emitFlow(ctx, &fe, rec, gongxu.FlowReceive)
}

// Completed records a completed work order: a TransformationEvent from
// the consumed lots to the created ones, for its production order.
func (m *Module) Completed(ctx *module.Context, wo gongxu.WorkOrder) error {
	fe := flowEvent{Type: "TransformationEvent", BizStep: "commissioning", Disposition: "active", TransformationID: woURN(wo.ID)}
	rec := gongxu.TraceEvent{BizStep: cbvWeb + "BizStep-commissioning", Disposition: cbvWeb + "Disp-active"}
	var err error
	if fe.InputQuantityList, rec.InputQuantities, err = lotQuantities(wo.Inputs); err != nil {
		return err
	}
	if fe.OutputQuantityList, rec.OutputQuantities, err = lotQuantities(wo.OutputLots); err != nil {
		return err
	}
	if len(fe.OutputQuantityList) == 0 {
		return fmt.Errorf("trace: work order %d completed without output lots", wo.ID)
	}
	fe.BizTransactionList = []flowBizTx{bizTx("prodorder", orderURN(wo.Order))}
	rec.BizTransactions = []gongxu.TraceRef{ref("BTT", "prodorder", orderURN(wo.Order))}
	return m.emitFlow(ctx, &fe, rec, gongxu.FlowComplete)
}

// ShippedToHub records a factory shipping a hub's share of a pool, in one
// transaction: an AggregationEvent ADD, bizStep packing, of the lots into
// the shipping unit gongxu.ShipmentURN(pool, hub), and an ObjectEvent
// OBSERVE, bizStep shipping, of the unit and the lots, from the factory to
// the hub, for the pool (po) and the shipment (desadv).
func (m *Module) ShippedToHub(ctx *module.Context, p gongxu.Pool, hub gongxu.OrgID, lots []gongxu.LotQty) error {
	unit, err := m.parser.Canonical(gongxu.ShipmentURN(p.ID, hub))
	if err != nil {
		return err
	}
	pack := flowEvent{Type: "AggregationEvent", ParentID: unit, Action: "ADD", BizStep: "packing", Disposition: "in_progress"}
	packRec := gongxu.TraceEvent{Parent: unit, Action: "ADD", BizStep: cbvWeb + "BizStep-packing", Disposition: cbvWeb + "Disp-in_progress"}
	if pack.ChildQuantityList, packRec.ChildQuantities, err = lotQuantities(lots); err != nil {
		return err
	}
	if len(pack.ChildQuantityList) == 0 {
		return fmt.Errorf("trace: pool %d shipped to %s without lots", p.ID, hub)
	}
	txs := []flowBizTx{bizTx("po", gongxu.PoolURN(p.ID)), bizTx("desadv", unit)}
	pack.BizTransactionList = txs
	for _, t := range txs {
		packRec.BizTransactions = append(packRec.BizTransactions, ref("BTT", t.Type, t.BizTransaction))
	}
	packed, err := m.flowRecord(ctx, &pack, packRec, gongxu.FlowShipToHub)
	if err != nil {
		return err
	}
	ship := flowEvent{Type: "ObjectEvent", EPCList: []string{unit}, Action: "OBSERVE", BizStep: "shipping", Disposition: "in_transit"}
	shipRec := gongxu.TraceEvent{EPCs: []string{unit}, Action: "OBSERVE", BizStep: cbvWeb + "BizStep-shipping", Disposition: cbvWeb + "Disp-in_transit"}
	if ship.QuantityList, shipRec.Quantities, err = lotQuantities(lots); err != nil {
		return err
	}
	parties(&ship, &shipRec, txs, p.Factory, hub)
	shipped, err := m.flowRecord(ctx, &ship, shipRec, gongxu.FlowShipToHub)
	if err != nil {
		return err
	}
	return m.anchor(ctx, []gongxu.TraceEvent{packed, shipped}, gongxu.FlowShipToHub)
}

// ReceivedAtHub records a hub confirming the delivery of what the factory
// shipped it: an ObjectEvent OBSERVE, bizStep receiving, of the shipping
// unit and its lots, from the factory to the hub, with the confirming
// transaction as the receiving advice.
func (m *Module) ReceivedAtHub(ctx *module.Context, p gongxu.Pool, hub gongxu.OrgID, lots []gongxu.LotQty) error {
	unit, err := m.parser.Canonical(gongxu.ShipmentURN(p.ID, hub))
	if err != nil {
		return err
	}
	fe := flowEvent{Type: "ObjectEvent", EPCList: []string{unit}, Action: "OBSERVE", BizStep: "receiving", Disposition: "in_progress"}
	rec := gongxu.TraceEvent{EPCs: []string{unit}, Action: "OBSERVE", BizStep: cbvWeb + "BizStep-receiving", Disposition: cbvWeb + "Disp-in_progress"}
	if fe.QuantityList, rec.Quantities, err = lotQuantities(lots); err != nil {
		return err
	}
	txs := []flowBizTx{bizTx("po", gongxu.PoolURN(p.ID)), bizTx("desadv", unit), bizTx("recadv", txURN(ctx.TxHash))}
	parties(&fe, &rec, txs, p.Factory, hub)
	return m.emitFlow(ctx, &fe, rec, gongxu.FlowHubDelivery)
}

// PickedUp records a consumer collecting a pledge at the hub: an
// ObjectEvent OBSERVE, bizStep retail_selling, disposition retail_sold, of
// the lots the goods came from, with the pledge (never the person) as the
// business transaction and the hub as the owning party it left.
func (m *Module) PickedUp(ctx *module.Context, pk gongxu.Pickup) error {
	fe := flowEvent{Type: "ObjectEvent", Action: "OBSERVE", BizStep: "retail_selling", Disposition: "retail_sold"}
	rec := gongxu.TraceEvent{Action: "OBSERVE", BizStep: cbvWeb + "BizStep-retail_selling", Disposition: cbvWeb + "Disp-retail_sold"}
	var err error
	if fe.QuantityList, rec.Quantities, err = lotQuantities(pk.Lots); err != nil {
		return err
	}
	if len(fe.QuantityList) == 0 {
		return fmt.Errorf("trace: pickup of %s without lots", pk.Pledge)
	}
	fe.BizTransactionList = []flowBizTx{bizTx("po", pk.Pledge)}
	rec.BizTransactions = []gongxu.TraceRef{ref("BTT", "po", pk.Pledge)}
	fe.SourceList = []flowSource{{Type: "owning_party", Source: gongxu.OrgURN(pk.Hub)}}
	rec.Sources = []gongxu.TraceRef{ref("SDT", "owning_party", gongxu.OrgURN(pk.Hub))}
	return m.emitFlow(ctx, &fe, rec, gongxu.FlowPickup)
}

// parties sets the business transactions and the owning parties of a
// transfer from one org to another.
func parties(fe *flowEvent, rec *gongxu.TraceEvent, txs []flowBizTx, from, to gongxu.OrgID) {
	fe.BizTransactionList = txs
	for _, t := range txs {
		rec.BizTransactions = append(rec.BizTransactions, ref("BTT", t.Type, t.BizTransaction))
	}
	fe.SourceList = []flowSource{{Type: "owning_party", Source: gongxu.OrgURN(from)}}
	fe.DestinationList = []flowDestination{{Type: "owning_party", Destination: gongxu.OrgURN(to)}}
	rec.Sources = []gongxu.TraceRef{ref("SDT", "owning_party", gongxu.OrgURN(from))}
	rec.Destinations = []gongxu.TraceRef{ref("SDT", "owning_party", gongxu.OrgURN(to))}
}

// lotQuantities writes lots as quantity elements, a lot named twice once
// with the sum, in the order lots first appear.
func lotQuantities(lots []gongxu.LotQty) ([]flowQuantity, []gongxu.TraceQuantity, error) {
	var order []gongxu.LotID
	sum := map[gongxu.LotID]gongxu.Qty{}
	for _, l := range lots {
		if _, ok := sum[l.Lot]; !ok {
			order = append(order, l.Lot)
		}
		s, err := gongxu.Add(sum[l.Lot], l.Qty)
		if err != nil {
			return nil, nil, invalid("the quantities of lot %s overflow", l.Lot)
		}
		sum[l.Lot] = s
	}
	var fq []flowQuantity
	var tq []gongxu.TraceQuantity
	for _, id := range order {
		q := sum[id].Decimal()
		fq = append(fq, flowQuantity{EPCClass: gongxu.LotURN(id), Quantity: json.Number(q)})
		tq = append(tq, gongxu.TraceQuantity{Class: gongxu.LotURN(id), Quantity: q})
	}
	return fq, tq, nil
}

// emitFlow dates a flow's event at the block time, names it by its hash and
// anchors it in the current transaction.
func (m *Module) emitFlow(ctx *module.Context, fe *flowEvent, rec gongxu.TraceEvent, flow string) error {
	rec, err := m.flowRecord(ctx, fe, rec, flow)
	if err != nil {
		return err
	}
	return m.anchor(ctx, []gongxu.TraceEvent{rec}, flow)
}

// flowRecord dates a flow's event at the block time and names it by its
// hash; the ledger must not hold that id yet.
func (m *Module) flowRecord(ctx *module.Context, fe *flowEvent, rec gongxu.TraceEvent, flow string) (gongxu.TraceEvent, error) {
	fe.EventTime, fe.EventTimeZoneOffset = formatMillis(ctx.Time), "+00:00"
	b, err := json.Marshal(fe)
	if err != nil {
		return rec, err
	}
	hash, err := m.parser.Hash(b)
	if err != nil {
		return rec, fmt.Errorf("trace: the %s event does not hash: %w", flow, err)
	}
	fe.EventID = hash
	if rec.Raw, err = json.Marshal(fe); err != nil {
		return rec, err
	}
	rec.ID, rec.Hash, rec.Type = hash, hash, fe.Type
	rec.EventTime, rec.TimeZoneOffset = ctx.Time, fe.EventTimeZoneOffset
	var prev gongxu.TraceEvent
	if found, err := module.Load(ctx.KV, eventKey(hash, false), &prev); err != nil {
		return rec, err
	} else if found {
		return rec, conflict("the %s event %s is already on the ledger (captured by %s at height %d)", flow, hash, prev.Org, prev.Anchor.Height)
	}
	return rec, nil
}

// formatMillis writes unix milliseconds as an EPCIS date-time in UTC,
// "2006-01-02T15:04:05.000Z", with integer arithmetic only (the civil
// calendar from days, after Howard Hinnant's algorithm).
func formatMillis(ms int64) string {
	days := floorDiv(ms, 86400000)
	rem := ms - days*86400000
	z := days + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	mo := mp + 3
	if mp >= 10 {
		mo = mp - 9
	}
	if mo <= 2 {
		y++
	}
	return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", y, mo, d, rem/3600000, rem/60000%60, rem/1000%60, rem%1000)
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
