package httpapi

import (
	"net/http"
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// GET /v1/forecast: forecasts of a product's weekly demand, from the cells
// the reader may see (issue 13). The reader is decided as for GET
// /v1/demand (demandReader): anonymous without Authorization, the node's
// operator org with this node's API token, 401 for a token not valid.

// forecastQuery are the query parameters of GET /v1/forecast.
var forecastQuery = []string{"product", "hub", "variant", "measure", "horizon"}

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
	if f.Product == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "product is required (<factory>/<sku>)")
	}
	if err := f.Product.Validate(); err != nil {
		return err
	}
	var err error
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
