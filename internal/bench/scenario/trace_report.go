package scenario

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"runtime"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu/internal/bench"
)

// The report of bench trace.

// TraceReport is the outcome of bench trace (JSON, or WriteTable).
type TraceReport struct {
	Command    string  `json:"command"`
	CPUs       int     `json:"cpus"`
	GoVersion  string  `json:"go"`
	Validators int     `json:"validators"`
	Signers    int     `json:"signers"`
	EPCs       int     `json:"epcs_per_event"`
	StepSecs   float64 `json:"step_s"`
	WindowSecs float64 `json:"window_s"`
	BlockBytes int     `json:"block_max_bytes"`
	LoadStart  float64 `json:"loadavg_start"` // the machine's 1-minute load average
	LoadEnd    float64 `json:"loadavg_end"`

	// Counted says what counted the txs included and the captures that
	// succeeded (--count).
	Counted string           `json:"counted"`
	Phases  []*tracePhase    `json:"loads"` // the baseline (1 event a document) first
	Check   traceCheck       `json:"chain"`
	Errors  map[string]int64 `json:"errors,omitempty"`
}

// tracePhase is one load: documents of EventsPerDoc events, step by step.
type tracePhase struct {
	EventsPerDoc int `json:"events_per_doc"`
	TxBytes      int `json:"tx_bytes"`
	EventBytes   int `json:"event_bytes"` // of the document, per event, envelope included
	BlockDocs    int `json:"block_max_docs"`

	Steps []*traceStep `json:"steps"`
	// Best is the index of the step that committed the most events/s (-1
	// before the first).
	Best             int     `json:"best_step"`
	SaturationEvents float64 `json:"saturation_events_per_s"`
	Saturated        bool    `json:"saturated"` // a step fell short of its offered rate
	// Speedup is SaturationEvents over the baseline's (the baseline: 1).
	Speedup float64 `json:"speedup"`
	// ChainEvents is the best step's ChainEventsPerS, ChainSpeedup the same
	// over the baseline's.
	ChainEvents  float64 `json:"chain_events_per_s"`
	ChainSpeedup float64 `json:"chain_speedup"`
	// CPUPerEventUs is the nodes' CPU per stored event at the best step;
	// CPUSpeedup the baseline's over it.
	CPUPerEventUs float64     `json:"node_cpu_us_per_event"`
	CPUSpeedup    float64     `json:"cpu_speedup"`
	Mem           []bench.Mem `json:"mem,omitempty"` // each node's, after the load
}

// traceStep is a rate step.
type traceStep struct {
	bench.StepResult
	EventsPerS float64 `json:"committed_events_per_s"`
	// StoredEvents is how many events the chain stored in the ChainSecs from
	// the step's start until the mempools were empty again, NodeCPUSecs what
	// the nodes spent meanwhile. ChainEventsPerS and CPUPerEventUs divide
	// them: unlike the harness's window, they count the backlog an
	// overloaded step leaves, which the network works off at full speed, so
	// they stay meaningful when a block takes longer than the window.
	StoredEvents    int64               `json:"stored_events"`
	ChainSecs       float64             `json:"chain_s"`
	NodeCPUSecs     float64             `json:"node_cpu_s"`
	ChainEventsPerS float64             `json:"chain_events_per_s"`
	CPUPerEventUs   float64             `json:"node_cpu_us_per_event"`
	Saturated       bool                `json:"saturated"` // committed < 90 % of offered
	BlockKB         float64             `json:"block_kb"`  // node 0's mean block in the window, txs' bytes
	BlockMaxKB      float64             `json:"block_max_kb"`
	RSSMaxMiB       int64               `json:"rss_max_mib"` // the largest node's, after the step
	Load1           float64             `json:"loadavg"`     // at the step's start
	SettleSecs      float64             `json:"settle_s"`
	Leftover        int                 `json:"mempool_left,omitempty"`
	Profile         string              `json:"profile,omitempty"`
	Node0           bench.BlockLogStats `json:"node0_blocks"`
}

// traceCheck compares the events stored on the chain with the harness's
// count.
type traceCheck struct {
	Stored  int64 `json:"stored"`  // trace/seq/event on node 0
	Counted int64 `json:"counted"` // captures counted as succeeded by the steps' drains (--count) × events per document
}

func (c traceCheck) verdict() string {
	switch {
	case c.Stored == c.Counted:
		return "matches the harness's count"
	case c.Stored > c.Counted:
		return fmt.Sprintf("%d events more than the harness counted (committed after their step's drain)", c.Stored-c.Counted)
	default:
		return fmt.Sprintf("MISMATCH: the harness counted %d events", c.Counted)
	}
}

func newTraceReport(o TraceOptions) *TraceReport {
	return &TraceReport{Command: o.command(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Validators: o.Validators,
		Signers: o.Signers, EPCs: o.EPCs, StepSecs: o.Step.Seconds(), WindowSecs: (o.Step - o.Warmup).Seconds(),
		BlockBytes: blockBytes, LoadStart: loadAverage(), Counted: traceCounted(o.Count)}
}

// traceCounted is the report's counted: line for a --count.
func traceCounted(count string) string {
	if count == CountResults {
		return "included and successes: node 0's /block and /block_results (code 0) at each height"
	}
	return "included: the load's txs in node 0's /block at each height abci_info reports finished; successes: " + traceCountSource
}

// newTracePhase starts the load of documents of n events, sized by a
// typical one (serials grow with the sequence).
func newTracePhase(n, epcs int, epoch time.Time) *tracePhase {
	tx := len(traceTx([]ed25519.PrivateKey{signerKey(0)}, n, epcs, epoch)(0, 1000))
	return &tracePhase{EventsPerDoc: n, TxBytes: tx, EventBytes: tx / n, BlockDocs: blockBatches(blockBytes, tx), Best: -1}
}

// add records a step: its events/s and CPU per event, whether it kept up
// with its offered rate, and the phase's best step.
func (ph *tracePhase) add(s *traceStep) {
	n := float64(ph.EventsPerDoc)
	s.EventsPerS = s.CommittedTPS * n
	s.CPUPerEventUs = s.CPUPerTxUs / n
	if s.StoredEvents > 0 && s.NodeCPUSecs > 0 {
		s.CPUPerEventUs = s.NodeCPUSecs * 1e6 / float64(s.StoredEvents)
	}
	if s.ChainSecs > 0 {
		s.ChainEventsPerS = float64(s.StoredEvents) / s.ChainSecs
	}
	ph.ChainEvents = max(ph.ChainEvents, s.ChainEventsPerS)
	s.Saturated = s.CommittedTPS < traceSatFraction*float64(s.Rate)
	ph.Steps = append(ph.Steps, s)
	ph.Saturated = ph.Saturated || s.Saturated
	if ph.Best < 0 || s.EventsPerS > ph.Steps[ph.Best].EventsPerS {
		ph.Best, ph.SaturationEvents = len(ph.Steps)-1, s.EventsPerS
		ph.CPUPerEventUs = s.CPUPerEventUs
	}
}

// finish fills in what needs every step: the block figures from node 0's
// log, and each load's speed-up over the baseline.
func (rep *TraceReport) finish(errs map[string]int64) {
	if len(errs) > 0 {
		rep.Errors = errs
	}
	for _, ph := range rep.Phases {
		for _, s := range ph.Steps {
			s.BlockKB = s.Node0.TxsMean * float64(ph.TxBytes) / 1000
			s.BlockMaxKB = float64(s.Node0.TxsMax*ph.TxBytes) / 1000
		}
	}
	if len(rep.Phases) == 0 {
		return
	}
	base := rep.Phases[0]
	for _, ph := range rep.Phases {
		ph.Speedup = div0(ph.SaturationEvents, base.SaturationEvents)
		ph.ChainSpeedup = div0(ph.ChainEvents, base.ChainEvents)
		ph.CPUSpeedup = div0(base.CPUPerEventUs, ph.CPUPerEventUs)
	}
}

// WriteTable prints the report as aligned text.
func (rep *TraceReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	writeHeading(&b, rep.Command, rep.Validators, rep.CPUs, rep.GoVersion, rep.StepSecs, rep.WindowSecs)
	fmt.Fprintf(&b, "%d capturing orgs; ObjectEvents of %d SGTINs each; load average %.1f at the start, %.1f at the end\n\n",
		rep.Signers, rep.EPCs, rep.LoadStart, rep.LoadEnd)
	for _, ph := range rep.Phases {
		fmt.Fprintf(&b, "%d event(s) a document: %d bytes a tx, %d an event; a %d MiB block holds ≤ %d documents = %d events\n",
			ph.EventsPerDoc, ph.TxBytes, ph.EventBytes, rep.BlockBytes>>20, ph.BlockDocs, ph.BlockDocs*ph.EventsPerDoc)
		tw := newTable(&b)
		fmt.Fprintln(tw, "tx/s offered\taccepted/s\tcommitted/s\tevents/s\tchain events/s\tp50 ms\tp99 ms\trejected\trefused\tdropped\tuncommitted\tblocks\tdocs/block (max)\tblock KB (max)\tinterval ms\tgossip ms\tvote ms\texec ms (max)\tcommit ms\tnode CPU µs/event\tnode cores\tRSS MiB (max node)\tdrain+settle s\tload avg\t")
		for _, s := range ph.Steps {
			n := s.Node0
			mark := ""
			if s.Saturated {
				mark = " *"
			}
			fmt.Fprintf(tw, "%d%s\t%.1f\t%.2f\t%.0f\t%.0f\t%.0f\t%.0f\t%d\t%d\t%d\t%d\t%d\t%.1f (%d)\t%.0f (%.0f)\t%.0f\t%.0f\t%.0f\t%.0f (%.0f)\t%.0f\t%.0f\t%.2f\t%d\t%.0f\t%.1f\t\n",
				s.Rate, mark, s.AcceptedTPS, s.CommittedTPS, s.EventsPerS, s.ChainEventsPerS, s.P50ms, s.P99ms, s.Rejected, s.Refused+s.CheckReject, s.Dropped, s.Uncommitted,
				n.Blocks, n.TxsMean, n.TxsMax, s.BlockKB, s.BlockMaxKB, n.IntervalMs, n.GossipMs, n.VoteMs, n.ExecMs, n.ExecMaxMs, n.ProcessMs-n.ExecMs,
				s.CPUPerEventUs, s.NodeCores, s.RSSMaxMiB, s.DrainSecs+s.SettleSecs, s.Load1)
		}
		tw.Flush()
		if ph.Best >= 0 {
			s := ph.Steps[ph.Best]
			sat := "saturated"
			if !ph.Saturated {
				sat = "NOT saturated: raise --max-steps or --start-rate"
			}
			fmt.Fprintf(&b, "best: %.0f events/s (%.2f tx/s at %d offered, p50 %.0f / p99 %.0f ms; %s), node CPU %.0f µs/event",
				ph.SaturationEvents, s.CommittedTPS, s.Rate, s.P50ms, s.P99ms, sat, ph.CPUPerEventUs)
			if ph != rep.Phases[0] {
				fmt.Fprintf(&b, ": %.2f× the baseline's events/s, %.2f× less node CPU per event", ph.Speedup, ph.CPUSpeedup)
			}
			fmt.Fprintf(&b, "\nbest chain events/s: %.0f", ph.ChainEvents)
			if ph != rep.Phases[0] {
				fmt.Fprintf(&b, ": %.2f× the baseline's", ph.ChainSpeedup)
			}
			b.WriteString("\n")
		}
		if len(ph.Mem) > 0 {
			var parts []string
			for _, m := range ph.Mem {
				parts = append(parts, fmt.Sprintf("%s %d (%d)", m.Name, m.RSS>>20, m.Peak>>20))
			}
			fmt.Fprintf(&b, "resident memory MiB (peak) after the load: %s\n", strings.Join(parts, ", "))
		}
		var profs []string
		for _, s := range ph.Steps {
			if s.Profile != "" {
				profs = append(profs, s.Profile)
			}
		}
		if len(profs) > 0 {
			fmt.Fprintf(&b, "CPU profiles of node 0: %s\n", strings.Join(profs, ", "))
		}
		b.WriteString("\n")
	}
	b.WriteString("(* a step that committed less than 90 % of its offered tx/s; events/s: committed in node 0's blocks in the window; chain events/s: stored on the chain from the step's start until the mempools were empty)\n")
	if len(rep.Phases) > 1 {
		b.WriteString("speed-up over one event a tx at saturation, events/s (chain events/s):")
		for _, ph := range rep.Phases[1:] {
			fmt.Fprintf(&b, " %d events %.1f× (%.1f×);", ph.EventsPerDoc, ph.Speedup, ph.ChainSpeedup)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "events on the chain: %d stored, %s\n", rep.Check.Stored, rep.Check.verdict())
	fmt.Fprintf(&b, "counted: %s\n", rep.Counted)
	var mismatch int64
	for _, ph := range rep.Phases {
		for _, s := range ph.Steps {
			mismatch += s.Mismatch
		}
	}
	if mismatch > 0 {
		fmt.Fprintf(&b, "COUNT MISMATCH: the chain's counts and the blocks disagreed by %d txs (see the errors)\n", mismatch)
	}
	return writeEnd(w, &b, rep.Errors)
}
