package scenario

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// bench trace: EPCIS events captured through trace/capture on a local
// network, one event per transaction (the baseline) against documents of
// many events, each load raised step by step until the network saturates.

// TraceOptions are the settings of bench trace.
type TraceOptions struct {
	Common
	Signers, EPCs int
	Sizes         []int   // events per document of the batch loads
	StartRate     int     // events/s offered by the baseline's first step
	Growth        float64 // offered rate of a step over the one before
	MaxSteps      int
	// Count is how the harness tells the captures that succeeded:
	// CountChain (the events stored and the signers' sequences in node 0's
	// committed state after each step, the default: trace_count.go) or
	// CountResults (every block's results from node 0, the harness before
	// 8 Dec 2026 session 25).
	Count string
	// Submit is how the load reaches the nodes: SubmitAPI (the raw signed
	// bytes to the node's own POST /v1/txs, the default, as a client of
	// gongxu sends them) or SubmitRPC (CometBFT's broadcast_tx_sync: the
	// document base64 in JSON-RPC, which the receiving node decodes, ~4 %
	// of node 0 in a profile with 1,000-event documents; the harness
	// before 8 Dec 2026 session 25).
	Submit string
}

// traceSatFraction is the share of its offered tx/s a step must commit to
// count as keeping up; below it, the load has reached saturation.
const traceSatFraction = 0.9

func (o TraceOptions) command() string {
	s := fmt.Sprintf("gongxu bench trace --validators %d --events-per-doc %s --epcs %d --signers %d --duration %s --start-rate %d --growth %g --max-steps %d",
		o.Validators, joinInts(o.Sizes), o.EPCs, o.Signers, o.Step, o.StartRate, o.Growth, o.MaxSteps)
	if o.ProfileDir != "" {
		s += " --profile-dir " + o.ProfileDir
	}
	if o.Count == CountResults {
		s += " --count " + CountResults
	}
	if o.Submit == SubmitRPC {
		s += " --submit " + SubmitRPC
	}
	return s
}

// Check refuses settings the benchmark cannot run with, and sorts Sizes,
// each once.
func (o *TraceOptions) Check() error {
	if o.Signers < 1 || o.Signers > 4096 {
		return fmt.Errorf("--signers must be 1 to 4096, got %d", o.Signers)
	}
	if o.EPCs < 1 || o.EPCs > traceMaxEPCs {
		return fmt.Errorf("--epcs must be 1 to %d, got %d", traceMaxEPCs, o.EPCs)
	}
	if len(o.Sizes) == 0 {
		return fmt.Errorf("--events-per-doc needs at least one size")
	}
	o.Sizes = slices.Clone(o.Sizes)
	slices.Sort(o.Sizes)
	o.Sizes = slices.Compact(o.Sizes)
	for _, n := range o.Sizes {
		if n < 2 || n > trace.MaxEvents {
			return fmt.Errorf("--events-per-doc must be 2 to %d (the baseline of 1 always runs), got %d", trace.MaxEvents, n)
		}
		if d := len(traceDocument(0, 1<<32-1, n, o.EPCs, traceEpoch)); d > trace.MaxDocumentBytes {
			return fmt.Errorf("a document of %d events with %d EPCs each is %d bytes, above trace's limit of %d: lower --events-per-doc or --epcs",
				n, o.EPCs, d, trace.MaxDocumentBytes)
		}
	}
	if o.Count != "" && o.Count != CountChain && o.Count != CountResults {
		return fmt.Errorf("--count must be %s or %s, got %q", CountChain, CountResults, o.Count)
	}
	if o.Submit != "" && o.Submit != SubmitAPI && o.Submit != SubmitRPC {
		return fmt.Errorf("--submit must be %s or %s, got %q", SubmitAPI, SubmitRPC, o.Submit)
	}
	if o.Step < time.Second {
		return fmt.Errorf("--duration must be at least 1s")
	}
	if o.StartRate < 1 || o.Growth <= 1 || o.MaxSteps < 1 {
		return fmt.Errorf("--start-rate and --max-steps must be positive, --growth above 1")
	}
	return o.check("--duration")
}

// traceBench is a run of bench trace on its network.
type traceBench struct {
	o     TraceOptions
	net   *network
	keys  []ed25519.PrivateKey // the capturing orgs bench-00000 …
	epoch time.Time            // event times count from here
	rep   *TraceReport
}

// traceSettleWait bounds the wait for the mempools to empty after a step:
// an overloaded step of large documents leaves a backlog of many seconds.
const traceSettleWait = 2 * time.Minute

// RunTrace runs bench trace.
func RunTrace(ctx context.Context, env Env, o TraceOptions) (*TraceReport, error) {
	if err := o.Check(); err != nil {
		return nil, err
	}
	if o.Timeout == 0 {
		o.Timeout = 3*time.Minute + time.Duration((1+len(o.Sizes))*o.MaxSteps)*(o.Step+o.Drain+traceSettleWait/2)
	}
	ctx, dir, end, err := o.begin(ctx, "gongxu-bench-trace-", o.ProfileDir != "")
	if err != nil {
		return nil, err
	}
	defer end()
	// Event times lie in the past (the chain refuses events more than five
	// minutes after the block time), within the last two hours.
	b := &traceBench{o: o, net: newNetwork(env, "", dir), keys: signerKeys(o.Signers),
		epoch: time.Now().Add(-2 * time.Hour).Truncate(time.Second)}
	defer b.net.close()
	b.rep = newTraceReport(o)
	if err := supervise(ctx, env.Log, b.net.procs, b.start, b.run); err != nil {
		return nil, err
	}
	return b.rep, nil
}

// start writes the network, whose bench orgs are factories (they capture
// what they make), starts its nodes and waits for its blocks.
func (b *traceBench) start(ctx context.Context) error {
	o := b.o
	factories := func(g *member.Genesis) {
		for i := range g.Orgs {
			if o := &g.Orgs[i]; strings.HasPrefix(string(o.ID), "bench-") {
				o.Name, o.Roles = "Bench factory "+strings.TrimPrefix(string(o.ID), "bench-"), []gongxu.Role{gongxu.RoleFactory}
			}
		}
	}
	if err := b.net.write(o.Validators, b.keys, o.ProfileDir != "", factories, blockLogLevel); err != nil {
		return err
	}
	return b.net.start(ctx, false, o.Signers/o.Validators+4)
}

func (b *traceBench) run(ctx context.Context) error {
	o := b.o
	counted := int64(0)
	best := 0.0 // best events/s so far
	for _, n := range append([]int{1}, o.Sizes...) {
		ph := newTracePhase(n, o.EPCs, b.epoch)
		rate := traceStartRate(n, o.StartRate, best)
		b.net.logf("%d event(s) a document: %d bytes a tx (%d bytes an event), from %d tx/s offered", n, ph.TxBytes, ph.EventBytes, rate)
		for k := 0; k < o.MaxSteps; k++ {
			s, err := b.step(ctx, n, rate)
			if err != nil {
				return err
			}
			counted += s.Committed * int64(n)
			last := ph.Best
			ph.add(s)
			if s.Saturated || last >= 0 && s.EventsPerS < ph.Steps[last].EventsPerS {
				break
			}
			rate = traceNextRate(rate, o.Growth)
		}
		if m, err := b.net.procs.Memory(); err == nil {
			ph.Mem = m
		}
		best = max(best, ph.SaturationEvents)
		b.rep.Phases = append(b.rep.Phases, ph)
	}
	// The chain's count of stored events against the harness's.
	stored, err := b.storedEvents(ctx)
	if err != nil {
		return err
	}
	b.rep.Check = traceCheck{Stored: stored, Counted: counted}
	// Node 0's log: where each step's block time went.
	if err := b.net.summarize(); err != nil {
		return err
	}
	b.rep.finish(b.net.errs)
	b.rep.LoadEnd = loadAverage()
	return nil
}

// traceStartRate is the tx/s of the first step of documents of n events:
// the baseline's from startEvents, every other load's from 0.6× the best
// events/s committed so far.
func traceStartRate(n, startEvents int, best float64) int {
	ev := float64(startEvents)
	if n > 1 && best > 0 {
		ev = 0.6 * best
	}
	return max(1, int(ev/float64(n)))
}

// traceNextRate is the tx/s of the step after one at rate: growth times
// more, at least one more.
func traceNextRate(rate int, growth float64) int {
	return max(rate+1, int(math.Round(float64(rate)*growth)))
}

// step runs one rate step of documents of n events, and measures what the
// chain stored and the nodes spent from its start until the mempools were
// empty again.
func (b *traceBench) step(ctx context.Context, n, rate int) (*traceStep, error) {
	o, procs := b.o, b.net.procs
	l := stepLoad{app: fmt.Sprintf("trace×%d", n), keys: b.keys, build: traceTx(b.keys, n, o.EPCs, b.epoch), rate: rate,
		length: o.Step, warmup: o.Warmup, drain: o.Drain, settle: traceSettleWait, api: o.Submit != SubmitRPC}
	if o.Count != CountResults {
		l.count = func(ctx context.Context) (*bench.Settle, error) {
			c, err := newTraceCounter(ctx, b.net.rpc, b.net.rpcs[0], b.keys, n, o.EPCs, b.epoch)
			if err != nil {
				return nil, fmt.Errorf("the chain's counts: %w", err)
			}
			return c.settle(), nil
		}
	}
	if o.ProfileDir != "" {
		l.profile = filepath.Join(o.ProfileDir, fmt.Sprintf("cpu-trace-%dev-%dtps.pprof", n, rate))
	}
	s := &traceStep{Load1: loadAverage()}
	stored0, cpu0, err := b.usage(ctx)
	if err != nil {
		return nil, err
	}
	l.stepped = func() {
		if m, err := procs.Memory(); err == nil {
			for _, x := range m {
				s.RSSMaxMiB = max(s.RSSMaxMiB, x.RSS>>20)
			}
		}
	}
	r, err := b.net.step(ctx, l)
	if err != nil {
		return nil, err
	}
	s.StepResult, s.Profile, s.SettleSecs, s.Leftover = r.res, r.profile, r.settleSecs, r.leftover
	b.net.watch(&s.Node0, r)
	// Every event the step brought to the chain, and what the nodes spent
	// on them, backlog included.
	stored1, cpu1, err := b.usage(ctx)
	if err != nil {
		return nil, err
	}
	s.StoredEvents, s.NodeCPUSecs, s.ChainSecs = stored1-stored0, (cpu1 - cpu0).Seconds(), time.Since(r.start).Seconds()
	return s, nil
}

// usage is the number of events stored on the chain and the CPU time the
// nodes have used so far.
func (b *traceBench) usage(ctx context.Context) (int64, time.Duration, error) {
	stored, err := b.storedEvents(ctx)
	if err != nil {
		return 0, 0, err
	}
	cpu, err := b.net.procs.CPU()
	return stored, cpu, err
}

// storedEvents is the number of events stored on the chain, as node 0's
// committed state says (the trace module's event sequence).
func (b *traceBench) storedEvents(ctx context.Context) (int64, error) {
	n, _, err := storedEventsAt(ctx, b.net.rpc, b.net.rpcs[0])
	return n, err
}

// loadAverage is the machine's 1-minute load average (-1 when unknown).
func loadAverage() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}
