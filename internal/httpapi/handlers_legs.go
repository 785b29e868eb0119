package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// legStatuses are the values of ?status= on GET /v1/legs.
var legStatuses = []gongxu.LegStatus{gongxu.LegAssigned, gongxu.LegPickedUp, gongxu.LegDelivered}

// legList serves GET /v1/legs?org=&status=&pool=&po=&lot=&limit=.
func (s *server) legList(w http.ResponseWriter, r *http.Request) error {
	if s.legs == nil {
		return errNoService("legs")
	}
	status, err := queryEnum(r, "status", legStatuses)
	if err != nil {
		return err
	}
	org, err := queryOrg(r, "org")
	if err != nil {
		return err
	}
	f := gongxu.LegFilter{Org: org, Status: status}
	for _, q := range []struct {
		name, what string
		dst        *uint64
	}{{"pool", "a pool id", &f.Pool}, {"po", "a purchase order id", &f.PO}} {
		if v := r.URL.Query().Get(q.name); v != "" {
			if *q.dst, err = strconv.ParseUint(v, 10, 64); err != nil || *q.dst == 0 {
				return gongxu.Errorf(gongxu.KindInvalid, "%s %q must be %s (a positive integer)", q.name, clip(v), q.what)
			}
		}
	}
	if v := r.URL.Query().Get("lot"); v != "" {
		f.Lot = gongxu.LotID(v)
		if err := f.Lot.Validate(); err != nil {
			return err
		}
	}
	if f.Limit, err = queryLimit(r); err != nil {
		return err
	}
	ls, err := s.legs.Legs(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ls, normLeg))
	return nil
}

// leg serves GET /v1/legs/{id}.
func (s *server) leg(w http.ResponseWriter, r *http.Request) error {
	if s.legs == nil {
		return errNoService("legs")
	}
	id, err := pathID(r, "leg")
	if err != nil {
		return err
	}
	l, err := s.legs.Leg(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normLeg(l))
	return nil
}

func normLeg(l gongxu.Leg) gongxu.Leg {
	if l.Lots == nil {
		l.Lots = []gongxu.LotQty{}
	}
	return l
}
