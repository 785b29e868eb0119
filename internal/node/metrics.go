package node

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/comet"
)

// metrics are the node's Prometheus metrics that it sets itself.
type metrics struct {
	height     prometheus.Gauge
	readHeight prometheus.Gauge
	invariant  prometheus.Counter
	txs        *prometheus.CounterVec
	interval   prometheus.Histogram
	lastTime   int64
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		height:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "gongxu_block_height", Help: "Height of the last committed block."}),
		readHeight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "gongxu_read_model_height", Help: "Height the read model has projected."}),
		txs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "gongxu_txs_committed_total", Help: "Transactions in committed blocks, by result; rate() gives tx/s."},
			[]string{"result"}),
		interval: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "gongxu_block_interval_seconds", Help: "Block time between consecutive blocks.",
			Buckets: []float64{0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10}}),
		invariant: prometheus.NewCounter(prometheus.CounterOpts{Name: "gongxu_invariant_failures_total",
			Help: "Checks of the committed state that found the money invariant broken (balances not adding up to deposits minus withdrawals, or negative)."}),
	}
	reg.MustRegister(m.height, m.readHeight, m.invariant, m.txs, m.interval, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// observe is told of each committed block.
func (m *metrics) observe(b gongxu.CommittedBlock) {
	m.height.Set(float64(b.Height))
	ok, bad := 0, 0
	for _, t := range b.Txs {
		if t.Code == 0 {
			ok++
		} else {
			bad++
		}
	}
	m.txs.WithLabelValues("ok").Add(float64(ok))
	m.txs.WithLabelValues("rejected").Add(float64(bad))
	if m.lastTime != 0 {
		m.interval.Observe(float64(b.Time-m.lastTime) / 1000)
	}
	m.lastTime = b.Time
}

// registerNodeMetrics registers the metrics read from the engine when
// scraped: the mempool's size, and the failures the state machine absorbed
// (docs/security.md, failure channels), each also logged at error level.
func registerNodeMetrics(reg *prometheus.Registry, c *comet.Node, app *chain.App) {
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongxu_mempool_txs", Help: "Transactions waiting in this node's mempool."},
		func() float64 { return float64(c.MempoolSize()) }))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongxu_peers", Help: "CometBFT peers this node is connected to (a validator with fewer than 2 is one failure from isolation)."},
		func() float64 { return float64(c.Peers()) }))
	reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "gongxu_catching_up", Help: "1 while the node syncs blocks from its peers, 0 once it follows consensus."},
		func() float64 {
			if c.CatchingUp() {
				return 1
			}
			return 0
		}))
	for _, s := range []struct {
		name, help string
		get        func(chain.Stats) uint64
	}{
		{"gongxu_tx_internal_failures_total", "Transactions rejected because their handler failed or panicked (a fault of the node software; the block went on).", func(s chain.Stats) uint64 { return s.TxInternal }},
		{"gongxu_tx_panics_total", "Of those, handler panics.", func(s chain.Stats) uint64 { return s.TxPanics }},
		{"gongxu_block_hook_failures_total", "Block hooks whose writes were discarded after a failure.", func(s chain.Stats) uint64 { return s.HookFailures }},
		{"gongxu_check_internal_failures_total", "Transactions refused by the mempool check because their handler failed or panicked.", func(s chain.Stats) uint64 { return s.CheckInternal }},
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: s.name, Help: s.help},
			func() float64 { return float64(s.get(app.Stats())) }))
	}
}
