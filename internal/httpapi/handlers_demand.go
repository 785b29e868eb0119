package httpapi

import (
	"bytes"
	"mime"
	"net/http"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// GET /v1/demand: demand series under privacy thresholds (issue 13).
//
// Who reads decides what is shown: a request without Authorization is
// anonymous and gets the thresholded cells; one with this node's API token
// reads as the node's operator org, whose own hub cells are shown in full.
// A token that is not valid answers 401 rather than falling back to
// anonymous, so a caller never mistakes one view for the other.

// demandQuery are the query parameters of GET /v1/demand.
var demandQuery = []string{"product", "hub", "variant", "period", "from", "to", "measure", "format"}

func (s *server) demand(w http.ResponseWriter, r *http.Request) error {
	if s.demandSvc == nil {
		return errNoService("demand series")
	}
	q := r.URL.Query()
	for k := range q {
		if !contains(demandQuery, k) {
			return gongxu.Errorf(gongxu.KindInvalid, "unknown query parameter %q (want %s)", clip(k), strings.Join(demandQuery, ", "))
		}
	}
	f := gongxu.DemandFilter{Variant: q.Get("variant"), From: q.Get("from"), To: q.Get("to")}
	if p := q.Get("product"); p != "" {
		f.Product = gongxu.ProductID(p)
		if err := f.Product.Validate(); err != nil {
			return err
		}
	}
	var err error
	if f.Hub, err = queryOrg(r, "hub"); err != nil {
		return err
	}
	if f.Period, err = queryEnum(r, "period", gongxu.DemandPeriods); err != nil {
		return err
	}
	if f.Measure, err = queryEnum(r, "measure", gongxu.DemandMeasures); err != nil {
		return err
	}
	csv, err := wantsCSV(r)
	if err != nil {
		return err
	}
	if f.Reader, err = s.demandReader(r); err != nil {
		return err
	}
	rep, err := s.demandSvc.Demand(r.Context(), f)
	if err != nil {
		return err
	}
	h := w.Header()
	h.Set("Vary", "Accept, Authorization")
	if f.Reader != "" {
		h.Set("Cache-Control", "private, no-store")
	}
	if !csv {
		writeJSON(w, s.log, http.StatusOK, rep)
		return nil
	}
	var buf bytes.Buffer
	if err := gongxu.WriteDemandCSV(&buf, rep, f.Measure); err != nil {
		return gongxu.Wrap(err, "writing the demand CSV")
	}
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Disposition", `attachment; filename="demand.csv"`)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf.Bytes())
	return nil
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// wantsCSV reads ?format=json|csv, else the Accept header: CSV when it
// names text/csv and not application/json.
func wantsCSV(r *http.Request) (bool, error) {
	switch r.URL.Query().Get("format") {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
	default:
		return false, gongxu.Errorf(gongxu.KindInvalid, "format must be json or csv; got %q", clip(r.URL.Query().Get("format")))
	}
	csv, js := false, false
	for _, a := range r.Header.Values("Accept") {
		for _, part := range strings.Split(a, ",") {
			mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
			if err != nil {
				continue
			}
			csv = csv || mt == "text/csv"
			js = js || mt == "application/json"
		}
	}
	return csv && !js, nil
}

// demandReader is the org whose own cells the request may see in full: the
// node's operator org when the request carries a valid API token of this
// node, "" when it carries none. Errors: KindUnauthenticated for a token
// that is not valid; the operator's errors.
func (s *server) demandReader(r *http.Request) (gongxu.OrgID, error) {
	if len(r.Header.Values("Authorization")) == 0 {
		return "", nil
	}
	secret, problem := bearer(r)
	if problem == "" && s.tokens != nil {
		if _, _, ok := s.tokens.Check(secret); !ok {
			problem = "the API token is not valid (unknown, removed or mistyped)"
		}
	} else if problem == "" {
		problem = "this node has no API tokens to check"
	}
	if problem != "" {
		return "", gongxu.Errorf(gongxu.KindUnauthenticated,
			"GET /v1/demand reads as this node's operator org with Authorization: Bearer TOKEN, or anonymously without it: %s", problem)
	}
	if s.op == nil {
		return "", nil // a node without an operator key reads as nobody's
	}
	return s.op.Org(r.Context())
}
