package httpapi

import (
	"encoding/json"
	"net/http"

	gongxu "github.com/gongxu-network/gongxu"
)

// The handlers of the production side: supply offers, production orders and
// their work orders, purchase orders, lots, stock, master data and plans.

func (s *server) offers(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("supply offers")
	}
	supplier, err := queryOrg(r, "supplier")
	if err != nil {
		return err
	}
	list, err := s.production.Offers(r.Context(), supplier)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(list, normOffer))
	return nil
}

func (s *server) productionOrders(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("production orders")
	}
	factory, err := queryOrg(r, "factory")
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	list, err := s.production.Orders(r.Context(), factory, limit)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(list, normOrder))
	return nil
}

func (s *server) productionOrder(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("production orders")
	}
	id, err := pathID(r, "production order")
	if err != nil {
		return err
	}
	o, err := s.production.Order(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normOrder(o))
	return nil
}

func (s *server) workOrders(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("production orders")
	}
	id, err := pathID(r, "production order")
	if err != nil {
		return err
	}
	ws, err := s.production.WorkOrders(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ws, normWO))
	return nil
}

func (s *server) purchaseOrders(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("purchase orders")
	}
	org, err := queryOrg(r, "org")
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	ps, err := s.production.POs(r.Context(), org, limit)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ps, normPO))
	return nil
}

func (s *server) purchaseOrder(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("purchase orders")
	}
	id, err := pathID(r, "purchase order")
	if err != nil {
		return err
	}
	p, err := s.production.PO(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normPO(p))
	return nil
}

func (s *server) lots(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("lots")
	}
	owner, err := queryOrg(r, "owner")
	if err != nil {
		return err
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	ls, err := s.production.Lots(r.Context(), owner, limit)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ls, same))
	return nil
}

// lot serves GET /v1/lots/{id...}: a lot id holds slashes
// ("factory/code", "factory/supplier/code").
func (s *server) lot(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("lots")
	}
	id := gongxu.LotID(r.PathValue("id"))
	if err := id.Validate(); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid,
			"lot id %q must be <org>/<code>: an org id, then 1 to 129 characters of a-z, 0-9, '-', '.', '_' and '/', not ending with '/'",
			clip(string(id)))
	}
	l, err := s.production.Lot(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, l)
	return nil
}

// poolProductionOrder serves GET /v1/pools/{id}/production-order: the
// production order a filled pool created.
func (s *server) poolProductionOrder(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("production orders")
	}
	id, err := pathID(r, "pool")
	if err != nil {
		return err
	}
	o, err := s.production.OrderForPool(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normOrder(o))
	return nil
}

// pathOrg reads the {id} path parameter holding an org id.
func pathOrg(r *http.Request) (gongxu.OrgID, error) {
	id := gongxu.OrgID(r.PathValue("id"))
	if err := id.Validate(); err != nil {
		return "", gongxu.Errorf(gongxu.KindInvalid, "org id %q must be 2 to 64 characters of a-z, 0-9 and '-', starting with a letter", clip(string(id)))
	}
	return id, nil
}

// masterBody is gongxu.Master as the API answers it: every list present,
// empty ones as [].
type masterBody struct {
	Items       []gongxu.Item       `json:"items"`
	BOM         []gongxu.BOMLine    `json:"bom"`
	Routings    []gongxu.Routing    `json:"routings"`
	WorkCenters []gongxu.WorkCenter `json:"work_centers"`
}

func (s *server) master(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("master data")
	}
	org, err := pathOrg(r)
	if err != nil {
		return err
	}
	md, err := s.production.Master(r.Context(), org)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, masterBody{
		Items:       normList(md.Items, same),
		BOM:         normList(md.BOM, same),
		Routings:    normList(md.Routings, normRouting),
		WorkCenters: normList(md.WorkCenters, same),
	})
	return nil
}

func (s *server) stock(w http.ResponseWriter, r *http.Request) error {
	if s.production == nil {
		return errNoService("stock")
	}
	org, err := pathOrg(r)
	if err != nil {
		return err
	}
	st, err := s.production.Stock(r.Context(), org)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(st, same))
	return nil
}

// plan serves GET /v1/plan/{factory}: the factory's plan, computed now.
func (s *server) plan(w http.ResponseWriter, r *http.Request) error {
	if s.plans == nil {
		return errNoService("plans")
	}
	factory := gongxu.OrgID(r.PathValue("factory"))
	if err := factory.Validate(); err != nil {
		return errOrgID("factory", string(factory))
	}
	v, err := s.plans.Plan(r.Context(), factory)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normPlan(v))
	return nil
}

func normRouting(rt gongxu.Routing) gongxu.Routing {
	if rt.Ops == nil {
		rt.Ops = []gongxu.Operation{}
	}
	return rt
}

func normPlan(v gongxu.PlanView) gongxu.PlanView {
	v.Orders = normList(v.Orders, same)
	v.Purchases = normList(v.Purchases, func(p gongxu.PlannedPurchase) gongxu.PlannedPurchase {
		p.Pegging = normList(p.Pegging, same)
		return p
	})
	v.Work = normList(v.Work, func(p gongxu.PlannedWork) gongxu.PlannedWork {
		p.Pegging = normList(p.Pegging, same)
		return p
	})
	v.Dates = normList(v.Dates, same)
	v.Ops = normList(v.Ops, same)
	v.WorkCenters = normList(v.WorkCenters, same)
	v.Txs = normList(v.Txs, func(t gongxu.PlanTx) gongxu.PlanTx {
		if t.Body == nil {
			t.Body = json.RawMessage("{}")
		}
		return t
	})
	v.Problems = normList(v.Problems, same)
	return v
}

func normOffer(o gongxu.SupplyOffer) gongxu.SupplyOffer {
	if o.Tiers == nil {
		o.Tiers = []gongxu.OfferTier{}
	}
	return o
}

func normOrder(o gongxu.ProductionOrder) gongxu.ProductionOrder {
	if o.History == nil {
		o.History = []gongxu.OrderChange{}
	}
	return o
}

func normPO(p gongxu.PurchaseOrder) gongxu.PurchaseOrder {
	if p.Lines == nil {
		p.Lines = []gongxu.POLine{}
	}
	if p.Promised == nil {
		p.Promised = []int64{}
	}
	if p.Shipped == nil {
		p.Shipped = []gongxu.Qty{}
	}
	if p.Received == nil {
		p.Received = []gongxu.Qty{}
	}
	if p.Shipments == nil {
		p.Shipments = []gongxu.Shipment{}
	}
	for i := range p.Shipments {
		if p.Shipments[i].Lines == nil {
			p.Shipments[i].Lines = []gongxu.ShipLine{}
		}
	}
	if p.Negotiation == nil {
		p.Negotiation = []gongxu.PONegotiation{}
	}
	return p
}

func normWO(w gongxu.WorkOrder) gongxu.WorkOrder {
	if w.Inputs == nil {
		w.Inputs = []gongxu.LotQty{}
	}
	if w.OutputLots == nil {
		w.OutputLots = []gongxu.LotQty{}
	}
	return w
}
