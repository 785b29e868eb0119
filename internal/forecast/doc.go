// Package forecast owns per-series demand forecasting on the read side:
// exponential smoothing in state-space form (ETS, chosen by AICc as R's
// forecast::ets chooses it), a decomposition forecast for seasonal series
// whose season ETS does not model (non-seasonal ETS on the seasonally
// adjusted series, seasonal.go), intermittent-demand methods (Croston, SBA,
// TSB) for sparse series, naive and seasonal naive as the floor, 80 % and
// 95 % prediction intervals (ETS's calibrated out of sample on a rolling
// origin, conformal.go, or on the model's in-sample multi-step record when
// the series or horizon is too short for that, empirical.go), rolling-origin
// backtests (MASE, RMSSE,
// interval coverage), and reconciliation of forecasts made level by level
// (network → factory → hub) into coherent ones: OLS, WLS (structural or
// variance) and MinT with a shrunk covariance (reconcile.go).
//
// Everything here is a deterministic function of its input: the same series
// give the same forecasts on every node (simulated intervals use a fixed
// seed). It computes in float64 — forecasts are knowledge derived from the
// ledger, never written back to it. It imports the standard library only.
package forecast
