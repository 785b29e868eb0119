package httpapi

import "github.com/gongxu-network/gongxu/internal/demandforecast"

// withForecast serves forecasts (GET /v1/forecast) of the env's demand
// service, as a node wires them; the golden cases forecast_* use it.
func withForecast(e *env) { e.cfg.Forecast = demandforecast.New(e.cfg.Demand) }

// withDerived serves derived demand (GET /v1/demand/derived) over the env's
// demand and production services, as a node wires them; the golden cases
// derived_* use it.
func withDerived(e *env) {
	e.cfg.Derived = demandforecast.NewDerived(demandforecast.New(e.cfg.Demand), e.cfg.Production)
}
