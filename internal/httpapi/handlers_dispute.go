package httpapi

import (
	"net/http"
	"strconv"

	"github.com/gongxu-network/gongxu"
)

// disputeStatuses are the values of ?status= on GET /v1/disputes.
var disputeStatuses = []gongxu.DisputeStatus{gongxu.DisputeOpen, gongxu.DisputePanel, gongxu.DisputeResolved}

// disputeList serves GET /v1/disputes?status=&org=&pool=&limit=.
func (s *server) disputeList(w http.ResponseWriter, r *http.Request) error {
	if s.disputes == nil {
		return errNoService("disputes")
	}
	status, err := queryEnum(r, "status", disputeStatuses)
	if err != nil {
		return err
	}
	org, err := queryOrg(r, "org")
	if err != nil {
		return err
	}
	var pool uint64
	if v := r.URL.Query().Get("pool"); v != "" {
		if pool, err = strconv.ParseUint(v, 10, 64); err != nil || pool == 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "pool %q must be a pool id (a positive integer)", clip(v))
		}
	}
	limit, err := queryLimit(r)
	if err != nil {
		return err
	}
	ds, err := s.disputes.Disputes(r.Context(), gongxu.DisputeFilter{Status: status, Org: org, Pool: pool, Limit: limit})
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normList(ds, normDispute))
	return nil
}

// dispute serves GET /v1/disputes/{id}.
func (s *server) dispute(w http.ResponseWriter, r *http.Request) error {
	if s.disputes == nil {
		return errNoService("disputes")
	}
	id, err := pathID(r, "dispute")
	if err != nil {
		return err
	}
	d, err := s.disputes.Dispute(r.Context(), id)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, normDispute(d))
	return nil
}

func normDispute(d gongxu.Dispute) gongxu.Dispute {
	if d.Evidence == nil {
		d.Evidence = []string{}
	}
	return d
}
