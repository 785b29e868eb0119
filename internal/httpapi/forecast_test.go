package httpapi

import "github.com/gongxu-network/gongxu/internal/demandforecast"

// withForecast serves forecasts (GET /v1/forecast) of the env's demand
// service, as a node wires them; the golden cases forecast_* use it.
func withForecast(e *env) { e.cfg.Forecast = demandforecast.New(e.cfg.Demand) }
