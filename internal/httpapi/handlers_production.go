package httpapi

import (
	"net/http"

	gongxu "github.com/gongxu-network/gongxu"
)

// The handlers of the production side: supply offers, production orders and
// their work orders, purchase orders, lots.

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
