package scenario

import (
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/gongxu-network/gongxu/internal/bench"
)

// PoolsReport is the outcome of bench pools (JSON, or WriteTable).
type PoolsReport struct {
	Command       string  `json:"command"`
	CPUs          int     `json:"cpus"`
	GoVersion     string  `json:"go"`
	Validators    int     `json:"validators"`
	Hubs          int     `json:"hubs"`
	Leaves        int     `json:"leaves_per_batch"`
	LeafIDLen     int     `json:"leaf_id_hex"`
	LeafBytes     int     `json:"leaf_bytes"`
	BatchTxBytes  int     `json:"batch_tx_bytes"`
	PledgeTxBytes int     `json:"pledge_tx_bytes"`
	LedgerTxBytes int     `json:"ledger_tx_bytes"`
	Consumers     int     `json:"consumers"`
	StepSecs      float64 `json:"step_s"`
	WindowSecs    float64 `json:"window_s"`
	Target        int     `json:"target_pledges_per_s"`
	// BlockBatches is how many batch txs fit in a block of BlockBytes.
	BlockBytes   int `json:"block_max_bytes"`
	BlockBatches int `json:"block_max_batches"`

	Batches *poolsPhase      `json:"batches,omitempty"`
	Direct  *poolsPhase      `json:"direct,omitempty"`
	Ledger  *poolsPhase      `json:"ledger,omitempty"`
	Ratios  poolsRatios      `json:"ratios"`
	Pool    poolCheck        `json:"pool1"`
	Close   *poolsClose      `json:"close,omitempty"`
	Profile string           `json:"profile,omitempty"`
	Errors  map[string]int64 `json:"errors,omitempty"`
	// WAN, with --wan, is the same run on a network whose links go through
	// delay proxies, after this one on loopback; WANRatio compares them.
	WAN      *PoolsReport `json:"wan,omitempty"`
	WANRatio *wanRatio    `json:"wan_ratio,omitempty"`
}

// wanRatio is the WAN network's saturation over loopback's, per load.
type wanRatio struct {
	Batches float64 `json:"batches_pledges,omitempty"`
	Direct  float64 `json:"direct_pledges,omitempty"`
	Ledger  float64 `json:"ledger,omitempty"`
}

func compareWAN(lo, wan *PoolsReport) *wanRatio {
	sat := func(ph *poolsPhase) float64 {
		if ph == nil {
			return 0
		}
		if ph.PledgesPerTx > 0 {
			return ph.SaturationPledges
		}
		return ph.SaturationTPS
	}
	r := func(a, b *poolsPhase) float64 {
		if sat(b) == 0 {
			return 0
		}
		return sat(a) / sat(b)
	}
	return &wanRatio{Batches: r(wan.Batches, lo.Batches), Direct: r(wan.Direct, lo.Direct), Ledger: r(wan.Ledger, lo.Ledger)}
}

// poolsPhase is the steps of one load.
type poolsPhase struct {
	Name              string       `json:"name"`
	PledgesPerTx      int          `json:"pledges_per_tx"` // 0: not pledges
	Steps             []*poolsStep `json:"steps"`
	SaturationTPS     float64      `json:"saturation_tps"`
	SaturationRate    int          `json:"saturation_rate"`
	SaturationPledges float64      `json:"saturation_pledges_per_s"`
}

// poolsStep is a rate step, and how node 0 lived its blocks.
type poolsStep struct {
	bench.StepResult
	PledgesPerS float64             `json:"committed_pledges_per_s"`
	SettleSecs  float64             `json:"settle_s"`               // wait after the drain for the mempools to empty
	Leftover    int                 `json:"mempool_left,omitempty"` // txs left in the fullest mempool after that wait
	Node0       bench.BlockLogStats `json:"node0_blocks"`
}

func (ph *poolsPhase) add(s *poolsStep) {
	s.PledgesPerS = s.CommittedTPS * float64(ph.PledgesPerTx)
	ph.Steps = append(ph.Steps, s)
	if s.CommittedTPS > ph.SaturationTPS {
		ph.SaturationTPS, ph.SaturationRate, ph.SaturationPledges = s.CommittedTPS, s.Rate, s.PledgesPerS
	}
}

func (ph *poolsPhase) app() bench.AppResult {
	a := bench.AppResult{App: ph.Name, SaturationTPS: ph.SaturationTPS, SaturationRate: ph.SaturationRate}
	for _, s := range ph.Steps {
		a.Steps = append(a.Steps, s.StepResult)
	}
	return a
}

// poolsRatios are the figures to compare across runs.
type poolsRatios struct {
	TargetMet bool `json:"target_met"`
	// BatchesOverDirect is pledges/s through hub batches over pledges/s
	// through direct pledges, at saturation.
	BatchesOverDirect float64 `json:"batches_over_direct,omitempty"`
	// DirectOverLedger is direct pledges/s over member/update_org tx/s.
	DirectOverLedger *bench.Ratio `json:"direct_over_ledger,omitempty"`
	// CeilingPledges is the pledges/s full blocks would carry at the block
	// interval node 0 saw at the batches' saturation.
	CeilingPledges float64 `json:"block_ceiling_pledges_per_s,omitempty"`
	// CPU of all nodes per committed pledge (per tx for the ledger) at each
	// phase's lowest rate, where the network keeps up: less sensitive than
	// pledges/s to whatever else runs on the machine.
	BatchCPUPerPledgeUs  float64 `json:"batch_cpu_us_per_pledge,omitempty"`
	DirectCPUPerPledgeUs float64 `json:"direct_cpu_us_per_pledge,omitempty"`
	LedgerCPUPerTxUs     float64 `json:"ledger_cpu_us_per_tx,omitempty"`
}

// poolsClose is the closing phase.
type poolsClose struct {
	FillRate       int         `json:"fill_rate"`
	Fill           *poolsStep  `json:"fill"`
	Pool           poolCheck   `json:"pool"`     // the closing pool
	Baseline       poolCheck   `json:"baseline"` // the small one
	Height         int64       `json:"height"`
	BaselineHeight int64       `json:"baseline_height"`
	Nodes          []closeNode `json:"nodes"`
	MemStart       []bench.Mem `json:"mem_start"`  // before the closing pool was opened
	MemFilled      []bench.Mem `json:"mem_filled"` // filled, before its deadline
	MemAfter       []bench.Mem `json:"mem_after"`  // after both closed
}

// closeNode is one node's time for the closing blocks and their neighbours.
type closeNode struct {
	Node       string       `json:"node"`
	Close      blockTimesMs `json:"close"`
	Baseline   blockTimesMs `json:"baseline"`
	Neighbours blockTimesMs `json:"neighbours"` // medians
}

type blockTimesMs struct {
	Height     int64   `json:"height,omitempty"`
	Txs        int     `json:"txs"`
	Blocks     int     `json:"blocks"`
	ExecMs     float64 `json:"exec_ms"`     // store + FinalizeBlock
	ProcessMs  float64 `json:"process_ms"`  // + Commit
	IntervalMs float64 `json:"interval_ms"` // commit of the block before → commit of this one
}

func newPoolsReport(o PoolsOptions, b *poolsBench) *PoolsReport {
	rep := &PoolsReport{Command: o.command(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Validators: o.Validators,
		Hubs: o.Hubs, Leaves: o.Leaves, LeafIDLen: o.LeafID, LeafBytes: leafBytes(o.LeafID, o.Packed), Consumers: o.Consumers,
		StepSecs: o.Step.Seconds(), WindowSecs: (o.Step - o.Warmup).Seconds(), Target: poolsTarget, BlockBytes: blockBytes}
	rep.BatchTxBytes = len(batchTx(b.hubKeys, 1, o.Leaves, o.LeafID, o.Packed)(0, 1))
	rep.PledgeTxBytes = len(pledgeTx(b.consumers, 1, b.hubIDs)(0, 1))
	rep.LedgerTxBytes = len(gongxuTx(b.orgKeys)(0, 1))
	rep.BlockBatches = blockBatches(rep.BlockBytes, rep.BatchTxBytes)
	return rep
}

func (rep *PoolsReport) finish(errs map[string]int64) {
	if len(errs) > 0 {
		rep.Errors = errs
	}
	if ph := rep.Batches; ph != nil {
		rep.Ratios.TargetMet = ph.SaturationPledges >= float64(rep.Target)
		for _, s := range ph.Steps {
			if s.Rate == ph.SaturationRate && s.Node0.IntervalMs > 0 {
				rep.Ratios.CeilingPledges = float64(rep.BlockBatches*rep.Leaves) / (s.Node0.IntervalMs / 1000)
			}
		}
		if rep.Direct != nil && rep.Direct.SaturationPledges > 0 {
			rep.Ratios.BatchesOverDirect = ph.SaturationPledges / rep.Direct.SaturationPledges
		}
	}
	if rep.Direct != nil && rep.Ledger != nil {
		r := bench.Compare(rep.Direct.app(), rep.Ledger.app())
		rep.Ratios.DirectOverLedger = &r
	}
	first := func(ph *poolsPhase) float64 {
		if ph == nil || len(ph.Steps) == 0 {
			return 0
		}
		return ph.Steps[0].CPUPerTxUs / float64(max(1, ph.PledgesPerTx))
	}
	rep.Ratios.BatchCPUPerPledgeUs, rep.Ratios.DirectCPUPerPledgeUs, rep.Ratios.LedgerCPUPerTxUs = first(rep.Batches), first(rep.Direct), first(rep.Ledger)
}

// WriteTable prints the report as aligned text.
func (rep *PoolsReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	writeHeading(&b, rep.Command, rep.Validators, rep.CPUs, rep.GoVersion, rep.StepSecs, rep.WindowSecs)
	fmt.Fprintf(&b, "batch tx: %d leaves × %d bytes (%d-hex ids) = %d bytes; a %d MiB block holds ≤ %d batches = %d pledges\n",
		rep.Leaves, rep.LeafBytes, rep.LeafIDLen, rep.BatchTxBytes, rep.BlockBytes>>20, rep.BlockBatches, rep.BlockBatches*rep.Leaves)
	fmt.Fprintf(&b, "direct pledge tx: %d bytes; ledger tx (member/update_org): %d bytes\n\n", rep.PledgeTxBytes, rep.LedgerTxBytes)

	if ph := rep.Batches; ph != nil {
		fmt.Fprintf(&b, "hub batches (%d hubs); node 0's blocks in each window, from its log:\n", rep.Hubs)
		tw := newTable(&b)
		fmt.Fprintln(tw, "batches/s\taccepted/s\tcommitted/s\tpledges/s\tp50 ms\tp99 ms\trejected\trefused\tdropped\tuncommitted\tblocks\tbatches/block (max)\tinterval ms\tidle ms\tgossip ms\tvote ms\texec ms (max)\tcommit ms\tnode CPU µs/pledge\tdrain+settle s\t")
		for _, s := range ph.Steps {
			n := s.Node0
			fmt.Fprintf(tw, "%d\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%d\t%.1f (%d)\t%.0f\t%.0f\t%.0f\t%.0f\t%.0f (%.0f)\t%.0f\t%.1f\t%.1f\t\n",
				s.Rate, s.AcceptedTPS, s.CommittedTPS, s.PledgesPerS, s.P50ms, s.P99ms, s.Rejected, s.Refused+s.CheckReject, s.Dropped, s.Uncommitted,
				n.Blocks, n.TxsMean, n.TxsMax, n.IntervalMs, n.IdleMs, n.GossipMs, n.VoteMs, n.ExecMs, n.ExecMaxMs, n.ProcessMs-n.ExecMs, s.CPUPerTxUs/float64(ph.PledgesPerTx), s.DrainSecs+s.SettleSecs)
		}
		tw.Flush()
		met := "NOT met"
		if rep.Ratios.TargetMet {
			met = "met"
		}
		fmt.Fprintf(&b, "saturation: %.0f pledges/s (%.1f batches/s, at offered %d/s); target ≥ %d pledges/s: %s\n",
			ph.SaturationPledges, ph.SaturationTPS, ph.SaturationRate, rep.Target, met)
		if c := rep.Ratios.CeilingPledges; c > 0 {
			fmt.Fprintf(&b, "full blocks at that step's block interval would carry %.0f pledges/s\n", c)
		}
		b.WriteString("\n")
	}
	if d := rep.Direct; d != nil {
		l := rep.Ledger
		fmt.Fprintf(&b, "direct pledges (%d consumers' keys)", rep.Consumers)
		if l != nil {
			fmt.Fprintf(&b, " and the ledger baseline (member/update_org, %d orgs), in turn at each rate", rep.Consumers)
		}
		b.WriteString(":\n")
		tw := newTable(&b)
		fmt.Fprint(tw, "rate\tpledges/s\tp50 ms\tp99 ms\trejected\trefused\tdropped\tnode CPU µs/tx\t")
		if l != nil {
			fmt.Fprint(tw, "ledger tx/s\tp50 ms\tp99 ms\tnode CPU µs/tx\tdirect/ledger\t")
		}
		fmt.Fprintln(tw)
		for i, s := range d.Steps {
			fmt.Fprintf(tw, "%d\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%.0f\t", s.Rate, s.PledgesPerS, s.P50ms, s.P99ms, s.Rejected, s.Refused+s.CheckReject, s.Dropped, s.CPUPerTxUs)
			if l != nil && i < len(l.Steps) {
				ls := l.Steps[i]
				fmt.Fprintf(tw, "%.0f\t%.0f\t%.0f\t%.0f\t%.2f×\t", ls.CommittedTPS, ls.P50ms, ls.P99ms, ls.CPUPerTxUs, div0(s.CommittedTPS, ls.CommittedTPS))
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
		fmt.Fprintf(&b, "saturation: direct %.0f pledges/s (at offered %d/s)", d.SaturationPledges, d.SaturationRate)
		if l != nil {
			fmt.Fprintf(&b, ", ledger %.0f tx/s (at %d/s): direct/ledger %.2f×", l.SaturationTPS, l.SaturationRate, rep.Ratios.DirectOverLedger.Saturation)
		}
		b.WriteString("\n")
	}
	if r := rep.Ratios.BatchesOverDirect; r > 0 {
		fmt.Fprintf(&b, "hub batches / direct pledges, pledges/s at saturation: %.1f×\n", r)
	}
	if r := rep.Ratios; r.BatchCPUPerPledgeUs > 0 || r.DirectCPUPerPledgeUs > 0 {
		var parts []string
		if r.BatchCPUPerPledgeUs > 0 {
			parts = append(parts, fmt.Sprintf("%.1f µs per batched pledge", r.BatchCPUPerPledgeUs))
		}
		if r.DirectCPUPerPledgeUs > 0 {
			parts = append(parts, fmt.Sprintf("%.0f µs per direct pledge", r.DirectCPUPerPledgeUs))
		}
		if r.LedgerCPUPerTxUs > 0 {
			parts = append(parts, fmt.Sprintf("%.0f µs per ledger tx", r.LedgerCPUPerTxUs))
		}
		fmt.Fprintf(&b, "node CPU (all nodes) at each phase's lowest rate: %s", strings.Join(parts, ", "))
		if r.BatchCPUPerPledgeUs > 0 && r.DirectCPUPerPledgeUs > 0 {
			fmt.Fprintf(&b, "; direct/batched: %.0f×", r.DirectCPUPerPledgeUs/r.BatchCPUPerPledgeUs)
		}
		b.WriteString("\n")
	}
	p := rep.Pool
	fmt.Fprintf(&b, "\npool 1 on the chain: %s, %d pledges, %d units: %s\n", p.Status, p.Pledges, p.Units, p.verdict())
	if c := rep.Close; c != nil {
		fmt.Fprintf(&b, "\nclosing: pool %d filled at %d batches/s (%.0f pledges/s committed), %s at height %d with %d pledges (%d units), %s\n",
			c.Pool.Pool, c.FillRate, c.Fill.CommittedTPS*float64(rep.Leaves), c.Pool.Status, c.Height, c.Pool.Pledges, c.Pool.Units, c.Pool.verdict())
		fmt.Fprintf(&b, "baseline: pool %d, %s at height %d with %d pledges (%d units)\n", c.Baseline.Pool, c.Baseline.Status, c.BaselineHeight, c.Baseline.Pledges, c.Baseline.Units)
		if c.Height == c.BaselineHeight {
			b.WriteString("both closed in the same block (block times jumped past both deadlines): the baseline is not separate\n")
		}
		if c.Fill.Leftover > 0 {
			fmt.Fprintf(&b, "%d fill txs were still in a mempool at the deadline: the closing block's neighbours are loaded\n", c.Fill.Leftover)
		}
		b.WriteString("each node's log: exec = store + FinalizeBlock, +commit = + the app's Commit, interval = commit to commit; neighbours: medians of the blocks within 5 heights\n")
		tw := newTable(&b)
		fmt.Fprintln(tw, "node\tclose exec ms\t+commit\tinterval\ttxs\tbaseline exec ms\t+commit\tinterval\ttxs\tneighbours exec ms\t+commit\tinterval\t")
		for _, n := range c.Nodes {
			fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%d\t%.0f\t%.0f\t%.0f\t%d\t%.0f\t%.0f\t%.0f\t\n", n.Node,
				n.Close.ExecMs, n.Close.ProcessMs-n.Close.ExecMs, n.Close.IntervalMs, n.Close.Txs,
				n.Baseline.ExecMs, n.Baseline.ProcessMs-n.Baseline.ExecMs, n.Baseline.IntervalMs, n.Baseline.Txs,
				n.Neighbours.ExecMs, n.Neighbours.ProcessMs-n.Neighbours.ExecMs, n.Neighbours.IntervalMs)
		}
		tw.Flush()
		b.WriteString("resident memory MiB (peak), before opening / filled / after closing:\n")
		for i := range c.MemStart {
			mib := func(ms []bench.Mem) string {
				if i >= len(ms) {
					return "?"
				}
				return fmt.Sprintf("%d (%d)", ms[i].RSS>>20, ms[i].Peak>>20)
			}
			fmt.Fprintf(&b, "  %s: %s / %s / %s\n", c.MemStart[i].Name, mib(c.MemStart), mib(c.MemFilled), mib(c.MemAfter))
		}
	}
	if rep.Profile != "" {
		fmt.Fprintf(&b, "\nCPU profile of node 0: %s\n", rep.Profile)
	}
	if err := writeEnd(w, &b, rep.Errors); err != nil || rep.WAN == nil {
		return err
	}
	if _, err := io.WriteString(w, "\n== the same on WAN links (delay proxies between the validators)\n"); err != nil {
		return err
	}
	if err := rep.WAN.WriteTable(w); err != nil {
		return err
	}
	if r := rep.WANRatio; r != nil {
		_, err := fmt.Fprintf(w, "\nWAN/loopback at saturation: batches %.2f×  direct %.2f×  ledger %.2f× (0: load not run)\n", r.Batches, r.Direct, r.Ledger)
		return err
	}
	return nil
}
