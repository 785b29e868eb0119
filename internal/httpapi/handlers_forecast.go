package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// GET /v1/forecast: forecasts of a product's weekly demand, or of the sums
// over a factory's products (factory=ORG) or the whole network's
// (network=true), in units or money (money=true), from the cells the
// reader may see (issue 13). The reader is decided as for GET
// /v1/demand (demandReader): anonymous without Authorization, the node's
// operator org with this node's API token, 401 for a token not valid.

// forecastQuery are the query parameters of GET /v1/forecast.
var forecastQuery = []string{"product", "factory", "network", "hub", "variant", "measure", "horizon", "money"}

func (s *server) forecast(w http.ResponseWriter, r *http.Request) error {
	if s.forecasts == nil {
		return errNoService("demand forecasts")
	}
	q := r.URL.Query()
	for k := range q {
		if !contains(forecastQuery, k) {
			return gongxu.Errorf(gongxu.KindInvalid, "unknown query parameter %q (want %s)", clip(k), strings.Join(forecastQuery, ", "))
		}
	}
	f := gongxu.ForecastRequest{Product: gongxu.ProductID(q.Get("product")), Variant: q.Get("variant")}
	var err error
	if f.Factory, err = queryOrg(r, "factory"); err != nil {
		return err
	}
	if f.Network, err = queryBool(r, "network"); err != nil {
		return err
	}
	if f.Money, err = queryBool(r, "money"); err != nil {
		return err
	}
	if f.Product == "" && f.Factory == "" && !f.Network {
		return gongxu.Errorf(gongxu.KindInvalid, "product is required (<factory>/<sku>), or factory, or network=true")
	}
	if f.Product != "" {
		if err := f.Product.Validate(); err != nil {
			return err
		}
	}
	if f.Hub, err = queryOrg(r, "hub"); err != nil {
		return err
	}
	if f.Measure, err = queryEnum(r, "measure", gongxu.DemandMeasures); err != nil {
		return err
	}
	if h := q.Get("horizon"); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil || n < 1 || n > gongxu.MaxForecastHorizon {
			return gongxu.Errorf(gongxu.KindInvalid, "horizon must be 1 to %d weeks; got %q", gongxu.MaxForecastHorizon, clip(h))
		}
		f.Horizon = n
	}
	if f.Reader, err = s.demandReader(r); err != nil {
		return err
	}
	rep, err := s.forecasts.Forecast(r.Context(), f)
	if err != nil {
		return err
	}
	w.Header().Set("Vary", "Authorization")
	if f.Reader != "" {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	writeJSON(w, s.log, http.StatusOK, rep)
	return nil
}

// queryBool reads a boolean parameter: "true" or "false", absent is false.
func queryBool(r *http.Request, name string) (bool, error) {
	switch v := r.URL.Query().Get(name); v {
	case "", "false":
		return false, nil
	case "true":
		return true, nil
	default:
		return false, gongxu.Errorf(gongxu.KindInvalid, "%s must be true or false; got %q", name, clip(v))
	}
}

// GET /v1/demand/derived?supplier=ORG: the weekly demand for a supplier's
// items derived from the products' forecasts through the factories' bills
// of materials (issue 13). Anonymous: it is computed from the products'
// totals an anonymous reader is shown, whoever asks.

// derivedQuery are the query parameters of GET /v1/demand/derived.
var derivedQuery = []string{"supplier", "measure", "horizon"}

func (s *server) derivedDemand(w http.ResponseWriter, r *http.Request) error {
	if s.derived == nil {
		return errNoService("derived demand")
	}
	q := r.URL.Query()
	for k := range q {
		if !contains(derivedQuery, k) {
			return gongxu.Errorf(gongxu.KindInvalid, "unknown query parameter %q (want %s)", clip(k), strings.Join(derivedQuery, ", "))
		}
	}
	var f gongxu.DerivedDemandRequest
	var err error
	if f.Supplier, err = queryOrg(r, "supplier"); err != nil {
		return err
	}
	if f.Supplier == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "supplier is required")
	}
	if f.Measure, err = queryEnum(r, "measure", gongxu.DemandMeasures); err != nil {
		return err
	}
	if h := q.Get("horizon"); h != "" {
		n, err := strconv.Atoi(h)
		if err != nil || n < 1 || n > gongxu.MaxForecastHorizon {
			return gongxu.Errorf(gongxu.KindInvalid, "horizon must be 1 to %d weeks; got %q", gongxu.MaxForecastHorizon, clip(h))
		}
		f.Horizon = n
	}
	rep, err := s.derived.DerivedDemand(r.Context(), f)
	if err != nil {
		return err
	}
	writeJSON(w, s.log, http.StatusOK, rep)
	return nil
}
