package forecast

import (
	"errors"
	"math"
)

// Accuracy is the outcome of a rolling-origin backtest.
type Accuracy struct {
	Origins    int     `json:"origins"`    // forecasts made
	MASE       float64 `json:"mase"`       // mean absolute error / in-sample MAE of (seasonal) naive, averaged over origins
	RMSSE      float64 `json:"rmsse"`      // root mean squared error / in-sample RMSE of (seasonal) naive, averaged over origins
	Coverage80 float64 `json:"coverage80"` // share of actuals inside the 80 % interval
	Coverage95 float64 `json:"coverage95"` // share of actuals inside the 95 % interval
}

// Backtest forecasts y from origins successive origins, each o.Horizon
// steps ahead, the last ending at the series' end (origin n − h − k for
// k = origins−1 … 0), and scores the forecasts against what followed. The
// scale of MASE and RMSSE is the in-sample error of seasonal naive on each
// origin's training data (naive when the training data hold no full season);
// an origin whose scale is zero (a constant history) is left out of MASE
// and RMSSE but not of the coverages.
func Backtest(y []float64, o Options, origins int) (Accuracy, error) {
	h := o.Horizon
	if origins < 1 || h < 1 {
		return Accuracy{}, errors.New("forecast: backtest needs a horizon and origins ≥ 1")
	}
	n := len(y)
	if n-h-(origins-1) < 2 {
		return Accuracy{}, errors.New("forecast: series too short for the backtest")
	}
	var acc Accuracy
	var scaled, in80, in95, points int
	for k := origins - 1; k >= 0; k-- {
		end := n - h - k
		train, test := y[:end], y[end:end+h]
		r, err := Forecast(train, o)
		if err != nil {
			return Accuracy{}, err
		}
		m := o.Season
		if m < 1 || len(train) <= m {
			m = 1
		}
		sa, ss := 0.0, 0.0
		for t := m; t < len(train); t++ {
			d := train[t] - train[t-m]
			sa += math.Abs(d)
			ss += d * d
		}
		cnt := float64(len(train) - m)
		ae, se := 0.0, 0.0
		for i, v := range test {
			e := v - r.Mean[i]
			ae += math.Abs(e)
			se += e * e
			points++
			if v >= r.Lo80[i] && v <= r.Hi80[i] {
				in80++
			}
			if v >= r.Lo95[i] && v <= r.Hi95[i] {
				in95++
			}
		}
		if sa > 0 {
			acc.MASE += (ae / float64(h)) / (sa / cnt)
			acc.RMSSE += math.Sqrt((se / float64(h)) / (ss / cnt))
			scaled++
		}
		acc.Origins++
	}
	if scaled > 0 {
		acc.MASE /= float64(scaled)
		acc.RMSSE /= float64(scaled)
	}
	acc.Coverage80 = float64(in80) / float64(points)
	acc.Coverage95 = float64(in95) / float64(points)
	return acc, nil
}
