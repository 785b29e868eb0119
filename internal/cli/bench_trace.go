package cli

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// bench trace: EPCIS events captured through trace/capture on a local
// network, one event per transaction (the baseline) against documents of
// many events, each load raised step by step until the network saturates.

// traceOptions are the flags of bench trace.
type traceOptions struct {
	validators, signers, epcs int
	sizes                     []int // events per document of the batch loads
	step, warmup, drain       time.Duration
	warmupSet                 bool
	startRate                 int     // events/s offered by the baseline's first step
	growth                    float64 // offered rate of a step over the one before
	maxSteps                  int
	dir                       string
	json                      bool
	profileDir                string // "": no profiles
	timeout                   time.Duration
}

// traceSatFraction is the share of its offered tx/s a step must commit to
// count as keeping up; below it, the load has reached saturation.
const traceSatFraction = 0.9

func newBenchTraceCmd(env *Env) *cobra.Command {
	o := traceOptions{}
	c := &cobra.Command{
		Use:   "trace",
		Short: "EPCIS events/s committed through trace/capture on a local 4-validator network: documents of N events against one event per transaction",
		Long: `trace writes an N-validator network (each node a separate process of this binary on
free loopback ports) whose genesis holds --signers factory orgs, and offers their
trace/capture transactions: EPCIS 2.0 documents of realistic ObjectEvents (an epcList
of --epcs SGTIN serials, bizStep, disposition, readPoint, bizLocation, eventTime;
every serial and event time new, so that no event is a duplicate).

The baseline carries one event per transaction; then each of --events-per-doc. Each
load starts at an offered rate (the baseline at --start-rate events/s, every other at
0.6× the best events/s committed so far) and grows by --growth a step, with the open-
loop harness of bench ledger, until a step commits less than 90 % of what it offered
or less than the step before, or after --max-steps. Reported per step: committed
events/s (node 0's committed blocks in the step's window, code 0 only), chain events/s
(events the chain stored from the step's start until the mempools were empty again,
over that time: robust when a block takes longer than the window), submit-to-commit
latency, the nodes' CPU per stored event and resident memory, node 0's blocks
(documents and bytes per block, where each block's time goes, from its log) and the
machine's load average; per load, its saturation and the speed-up over the baseline in
the same run. At the end the number of events stored on the chain is compared with the
harness's count.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.warmupSet = cmd.Flags().Changed("warmup")
			return runBenchTrace(env, o)
		},
	}
	f := c.Flags()
	f.IntVar(&o.validators, "validators", 4, "number of validator nodes (separate processes)")
	f.IntSliceVar(&o.sizes, "events-per-doc", []int{10, 100, 500, 1000}, "events per captured document of the batch loads, comma-separated (the baseline of 1 always runs first)")
	f.IntVar(&o.epcs, "epcs", 4, "SGTIN serials in each event's epcList")
	f.IntVar(&o.signers, "signers", 32, "capturing factory orgs (one key each), pinned round robin to the nodes")
	f.DurationVar(&o.step, "duration", 10*time.Second, "length of each rate step")
	f.DurationVar(&o.warmup, "warmup", 0, "head of each step left out of committed/s (default duration/5)")
	f.DurationVar(&o.drain, "drain", 20*time.Second, "longest wait after a step for its transactions to commit")
	f.IntVar(&o.startRate, "start-rate", 100, "events/s offered by the baseline's first step")
	f.Float64Var(&o.growth, "growth", 1.6, "offered rate of each step over the step before (at least +1 tx/s)")
	f.IntVar(&o.maxSteps, "max-steps", 6, "most steps of each load")
	f.StringVar(&o.dir, "dir", "", "`DIR` for the node homes, kept afterwards (default: a temporary directory, removed)")
	f.BoolVar(&o.json, "json", false, "print the report as JSON")
	f.StringVar(&o.profileDir, "profile-dir", "", "take a CPU profile of node 0 in every step, into `DIR`/cpu-trace-<events>ev-<rate>tps.pprof")
	f.DurationVar(&o.timeout, "timeout", 0, "stop the whole benchmark after this long (default: from the plan)")
	return c
}

func (o traceOptions) command() string {
	sizes := make([]string, len(o.sizes))
	for i, n := range o.sizes {
		sizes[i] = strconv.Itoa(n)
	}
	s := fmt.Sprintf("gongxu bench trace --validators %d --events-per-doc %s --epcs %d --signers %d --duration %s --start-rate %d --growth %g --max-steps %d",
		o.validators, strings.Join(sizes, ","), o.epcs, o.signers, o.step, o.startRate, o.growth, o.maxSteps)
	if o.profileDir != "" {
		s += " --profile-dir " + o.profileDir
	}
	return s
}

func (o *traceOptions) check() error {
	if o.validators < 1 || o.validators > 64 {
		return usagef("--validators must be 1 to 64, got %d", o.validators)
	}
	if o.signers < 1 || o.signers > 4096 {
		return usagef("--signers must be 1 to 4096, got %d", o.signers)
	}
	if o.epcs < 1 || o.epcs > traceMaxEPCs {
		return usagef("--epcs must be 1 to %d, got %d", traceMaxEPCs, o.epcs)
	}
	if len(o.sizes) == 0 {
		return usagef("--events-per-doc needs at least one size")
	}
	o.sizes = slices.Clone(o.sizes)
	slices.Sort(o.sizes)
	o.sizes = slices.Compact(o.sizes)
	for _, n := range o.sizes {
		if n < 2 || n > trace.MaxEvents {
			return usagef("--events-per-doc must be 2 to %d (the baseline of 1 always runs), got %d", trace.MaxEvents, n)
		}
		if d := len(traceDocument(0, 1<<32-1, n, o.epcs, traceEpoch)); d > trace.MaxDocumentBytes {
			return usagef("a document of %d events with %d EPCs each is %d bytes, above trace's limit of %d: lower --events-per-doc or --epcs",
				n, o.epcs, d, trace.MaxDocumentBytes)
		}
	}
	if o.step < time.Second {
		return usagef("--duration must be at least 1s")
	}
	if !o.warmupSet {
		o.warmup = o.step / 5
	}
	if o.warmup < 0 || o.warmup >= o.step {
		return usagef("--warmup must be shorter than --duration")
	}
	if o.startRate < 1 || o.growth <= 1 || o.maxSteps < 1 {
		return usagef("--start-rate and --max-steps must be positive, --growth above 1")
	}
	return nil
}

// traceBench is a run of bench trace on its network.
type traceBench struct {
	env   *Env
	o     traceOptions
	dir   string
	net   *benchNet
	procs *bench.Procs
	rpc   *bench.RPC
	keys  []ed25519.PrivateKey // the capturing orgs bench-00000 …
	epoch time.Time            // event times count from here
	rep   *traceReport
	errs  map[string]int64
	steps []*traceStep // every step, for node 0's log
}

func runBenchTrace(env *Env, o traceOptions) error {
	if err := o.check(); err != nil {
		return err
	}
	exe, err := os.Executable()
	if err != nil {
		return gongxu.Wrap(err, "find this program's binary")
	}
	if o.timeout == 0 {
		o.timeout = 3*time.Minute + time.Duration((1+len(o.sizes))*o.maxSteps)*(o.step+o.drain+traceSettleWait/2)
	}
	ctx, cancel := context.WithTimeout(env.Ctx, o.timeout)
	defer cancel()
	dir := o.dir
	if dir == "" {
		if dir, err = os.MkdirTemp("", "gongxu-bench-trace-"); err != nil {
			return gongxu.Wrap(err, "temp dir")
		}
		defer os.RemoveAll(dir)
	}
	if o.profileDir != "" {
		if o.profileDir, err = filepath.Abs(o.profileDir); err != nil {
			return gongxu.Wrap(err, "profile dir")
		}
	}
	// Event times lie in the past (the chain refuses events more than five
	// minutes after the block time), within the last two hours.
	b := &traceBench{env: env, o: o, dir: dir, procs: &bench.Procs{}, errs: map[string]int64{},
		epoch: time.Now().Add(-2 * time.Hour).Truncate(time.Second)}
	for i := range o.signers {
		b.keys = append(b.keys, benchKey(i))
	}
	b.rep = newTraceReport(o)
	start := func(ctx context.Context) error { return b.start(ctx, exe) }
	if err := runBenchNet(ctx, env, b.procs, start, b.run, func() { b.rpc.Close() }); err != nil {
		return err
	}
	if o.json {
		return writeJSON(env.Stdout, b.rep)
	}
	return b.rep.WriteTable(env.Stdout)
}

func (b *traceBench) logf(format string, args ...any) {
	fmt.Fprintf(b.env.Stderr, "== "+format+"\n", args...)
}

// start writes the network, starts its nodes and waits for its blocks.
func (b *traceBench) start(ctx context.Context, exe string) error {
	o := b.o
	b.logf("writing %d node homes in %s", o.validators, b.dir)
	net, err := writeBenchNet(b.dir, o.validators, b.keys, o.profileDir != "")
	if err != nil {
		return err
	}
	b.net = net
	if err := setTraceGenesis(net.homes); err != nil {
		return err
	}
	for i, home := range net.homes {
		args := []string{"start", "--home", home, "--api", net.apis[i]}
		p, err := bench.StartProc(fmt.Sprintf("node%d", i), exe, args, filepath.Join(home, "data", "bench-child.log"))
		if err != nil {
			return err
		}
		b.procs.Add(p)
	}
	b.rpc = bench.NewRPC(o.signers/len(net.rpcs) + 4)
	readyCtx, cancel := context.WithTimeout(ctx, 90*time.Second)
	defer cancel()
	if err := b.rpc.WaitReady(readyCtx, net.rpcs, 2); err != nil {
		return fmt.Errorf("%w (see %s/node*/data/node.log)", err, b.dir)
	}
	b.logf("%d nodes up", len(net.rpcs))
	return nil
}

// setTraceGenesis makes the bench's member orgs factories, which capture
// what they make, and sets each node's log so that it shows each block's
// life (consensus and state at info level).
func setTraceGenesis(homes []string) error {
	doc, err := comet.ReadGenesis(homes[0])
	if err != nil {
		return err
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(doc.AppState, &st); err != nil {
		return gongxu.Wrap(err, "bench genesis")
	}
	var g member.Genesis
	if err := json.Unmarshal(st[member.Name], &g); err != nil {
		return gongxu.Wrap(err, "bench member genesis")
	}
	for i := range g.Orgs {
		if o := &g.Orgs[i]; strings.HasPrefix(string(o.ID), "bench-") {
			o.Name, o.Roles = "Bench factory "+strings.TrimPrefix(string(o.ID), "bench-"), []gongxu.Role{gongxu.RoleFactory}
		}
	}
	return writeBenchGenesis(doc.ChainID, doc.GenesisTime, g, homes)
}

func (b *traceBench) run(ctx context.Context) error {
	o := b.o
	counted := int64(0)
	best := 0.0 // best events/s so far
	for _, n := range append([]int{1}, o.sizes...) {
		ph := newTracePhase(n, o.epcs, b.epoch)
		rate := traceStartRate(n, o.startRate, best)
		b.logf("%d event(s) a document: %d bytes a tx (%d bytes an event), from %d tx/s offered", n, ph.TxBytes, ph.EventBytes, rate)
		for k := 0; k < o.maxSteps; k++ {
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
			rate = traceNextRate(rate, o.growth)
		}
		if m, err := b.procs.Memory(); err == nil {
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
	f, err := os.Open(dataPath(b.net.homes[0], "node.log"))
	if err != nil {
		return err
	}
	blocks, err := bench.ParseBlockLog(f, time.Local)
	f.Close()
	if err != nil {
		return err
	}
	for _, s := range b.steps {
		s.Node0 = bench.SummarizeBlockLog(blocks, s.from, s.to)
	}
	b.rep.finish(b.errs)
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

// step runs one rate step of documents of n events with a fresh runner,
// then waits for the mempools to empty.
func (b *traceBench) step(ctx context.Context, n, rate int) (*traceStep, error) {
	app := fmt.Sprintf("trace×%d", n)
	base, err := readSeqBase(ctx, b.rpc, b.net.rpcs[0], b.keys)
	if err != nil {
		return nil, fmt.Errorf("%s: sequences: %w", app, err)
	}
	load := bench.Load{App: app, Nodes: b.net.rpcs, Signers: len(b.keys), MakeTx: base.wrap(traceTx(b.keys, n, b.o.epcs, b.epoch)),
		NextSeq: base.nextSeq(b.keys), Results: true, CPU: b.procs.CPU}
	plan := bench.Plan{Step: b.o.step, Warmup: b.o.warmup, Drain: b.o.drain, Log: b.env.Stderr}
	if b.o.profileDir != "" && b.net.pprof != "" {
		plan.ProfileRate, plan.ProfileAddr = rate, b.net.pprof
		plan.ProfileOut = filepath.Join(b.o.profileDir, fmt.Sprintf("cpu-trace-%dev-%dtps.pprof", n, rate))
	}
	load0 := loadAverage()
	stored0, err := b.storedEvents(ctx)
	if err != nil {
		return nil, err
	}
	cpu0, err := b.procs.CPU()
	if err != nil {
		return nil, err
	}
	r, err := bench.Start(ctx, load, plan)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	t0 := time.Now()
	res, err := r.Step(ctx, rate)
	if err != nil {
		return nil, err
	}
	ar := r.Result()
	for k, v := range ar.Errors {
		b.errs[app+": "+k] += v
	}
	s := &traceStep{StepResult: res, Load1: load0, Profile: ar.Profile, from: t0.Add(b.o.warmup), to: t0.Add(b.o.step)}
	if m, err := b.procs.Memory(); err == nil {
		for _, x := range m {
			s.RSSMaxMiB = max(s.RSSMaxMiB, x.RSS>>20)
		}
	}
	t1 := time.Now()
	left, err := b.settle(ctx, traceSettleWait)
	if err != nil {
		return nil, err
	}
	s.SettleSecs, s.Leftover = time.Since(t1).Seconds(), left
	if left > 0 {
		b.logf("%s: %d txs still in a mempool after %s", app, left, traceSettleWait)
	}
	// Every event the step brought to the chain, and what the nodes spent
	// on them, backlog included.
	stored1, err := b.storedEvents(ctx)
	if err != nil {
		return nil, err
	}
	cpu1, err := b.procs.CPU()
	if err != nil {
		return nil, err
	}
	s.StoredEvents, s.NodeCPUSecs, s.ChainSecs = stored1-stored0, (cpu1 - cpu0).Seconds(), time.Since(t0).Seconds()
	b.steps = append(b.steps, s)
	return s, nil
}

// traceSettleWait bounds the wait for the mempools to empty after a step:
// an overloaded step of large documents leaves a backlog of many seconds.
const traceSettleWait = 2 * time.Minute

// storedEvents is the number of events stored on the chain, as node 0's
// committed state says (the trace module's event sequence).
func (b *traceBench) storedEvents(ctx context.Context) (int64, error) {
	v, err := b.rpc.ABCIQuery(ctx, b.net.rpcs[0], "/prove", []byte("trace/seq/event"))
	if err != nil {
		return 0, fmt.Errorf("events on the chain: %w", err)
	}
	var n int64
	if len(v) > 0 {
		if err := json.Unmarshal(v, &n); err != nil {
			return 0, fmt.Errorf("events on the chain: %q: %w", v, err)
		}
	}
	return n, nil
}

// settle waits until every node's mempool is empty, at most wait, and
// returns how many txs are left in the fullest.
func (b *traceBench) settle(ctx context.Context, wait time.Duration) (int, error) {
	deadline := time.Now().Add(wait)
	for {
		left := 0
		for _, n := range b.net.rpcs {
			k, err := b.rpc.MempoolSize(ctx, n)
			if err != nil {
				return 0, err
			}
			left = max(left, k)
		}
		if left == 0 || time.Now().After(deadline) {
			return left, nil
		}
		if err := sleepCtx(ctx, 200*time.Millisecond); err != nil {
			return 0, err
		}
	}
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

// The documents of bench trace.

// traceMaxEPCs bounds the EPCs of one event (the serials leave room for it).
const traceMaxEPCs = 64

// traceEpoch is a fixed epoch for sizing documents (their size does not
// depend on it).
var traceEpoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// traceZone is the capturers' time zone: event times are written in it,
// with their offset, as a factory's reader would.
var traceZone = time.FixedZone("CST", 8*3600)

// traceSteps are the business steps the events go through in turn, each
// with its CBV disposition and action.
var traceSteps = []struct{ bizStep, disposition, action string }{
	{"commissioning", "active", "ADD"},
	{"packing", "in_progress", "OBSERVE"},
	{"shipping", "in_transit", "OBSERVE"},
	{"receiving", "in_progress", "OBSERVE"},
}

// traceSerial is the serial of EPC j of event i of signer's document
// number seq: distinct for every (seq, i, j) of a signer (i < trace.MaxEvents,
// j < traceMaxEPCs); signers differ by their item reference.
func traceSerial(seq uint64, i, j int) uint64 {
	return (seq*trace.MaxEvents+uint64(i))*traceMaxEPCs + uint64(j)
}

// traceEventTime is the time of event i of a signer's document number seq:
// a second per document (modulo an hour) and a millisecond per event after
// epoch, so events of one document never share a time.
func traceEventTime(epoch time.Time, seq uint64, i int) time.Time {
	return epoch.Add(time.Duration(seq%3600)*time.Second + time.Duration(i)*time.Millisecond)
}

// appendTraceEvent appends event i of signer's document number seq: an
// ObjectEvent of epcs SGTINs (company prefix 0614141, item reference 1 and
// the signer's number, new serials) at a station of the signer's plant.
func appendTraceEvent(b []byte, signer int, seq uint64, i, epcs int, epoch time.Time) []byte {
	st := traceSteps[i%len(traceSteps)]
	b = append(b, `{"type":"ObjectEvent","eventTime":"`...)
	b = traceEventTime(epoch, seq, i).In(traceZone).AppendFormat(b, "2006-01-02T15:04:05.000-07:00")
	b = append(b, `","eventTimeZoneOffset":"+08:00","epcList":[`...)
	for j := range epcs {
		if j > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `"urn:epc:id:sgtin:0614141.1%05d.`, signer)
		b = strconv.AppendUint(b, traceSerial(seq, i, j), 10)
		b = append(b, '"')
	}
	b = append(b, `],"action":"`...)
	b = append(b, st.action...)
	b = append(b, `","bizStep":"`...)
	b = append(b, st.bizStep...)
	b = append(b, `","disposition":"`...)
	b = append(b, st.disposition...)
	b = fmt.Appendf(b, `","readPoint":{"id":"urn:epc:id:sgln:0614141.%05d.%d"},"bizLocation":{"id":"urn:epc:id:sgln:0614141.%05d.0"}}`,
		signer, 1+i%len(traceSteps), signer)
	return b
}

// traceDocument is signer's EPCIS 2.0 document number seq, of n events.
func traceDocument(signer int, seq uint64, n, epcs int, epoch time.Time) []byte {
	b := make([]byte, 0, 256+n*(330+40*epcs))
	b = append(b, `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"`...)
	b = traceEventTime(epoch, seq, n).UTC().AppendFormat(b, "2006-01-02T15:04:05.000Z")
	b = append(b, `","epcisBody":{"eventList":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTraceEvent(b, signer, seq, i, epcs, epoch)
	}
	return append(b, "]}}"...)
}

// traceTx returns the builder of trace/capture txs of n events: signer i is
// org bench-i (keys[i]); the sequence numbers the document, so its events
// are new.
func traceTx(keys []ed25519.PrivateKey, n, epcs int, epoch time.Time) func(int, uint64) []byte {
	return func(i int, seq uint64) []byte {
		doc := traceDocument(i, seq, n, epcs, epoch)
		body := make([]byte, 0, len(doc)+16)
		body = append(append(append(body, `{"document":`...), doc...), '}')
		return gongxu.SignTx(benchChainID, keys[i], trace.TypeCapture, body, seq).Encode()
	}
}

// The report of bench trace.

// traceReport is the outcome of bench trace.
type traceReport struct {
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

	Phases []*tracePhase    `json:"loads"` // the baseline (1 event a document) first
	Check  traceCheck       `json:"chain"`
	Errors map[string]int64 `json:"errors,omitempty"`
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
	from, to        time.Time
}

// traceCheck compares the events stored on the chain with the harness's
// count.
type traceCheck struct {
	Stored  int64 `json:"stored"`  // trace/seq/event on node 0
	Counted int64 `json:"counted"` // committed with code 0 by the steps' drains × events per document
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

func newTraceReport(o traceOptions) *traceReport {
	return &traceReport{Command: o.command(), CPUs: runtime.NumCPU(), GoVersion: runtime.Version(), Validators: o.validators,
		Signers: o.signers, EPCs: o.epcs, StepSecs: o.step.Seconds(), WindowSecs: (o.step - o.warmup).Seconds(),
		BlockBytes: 4 << 20, LoadStart: loadAverage()}
}

// newTracePhase starts the load of documents of n events, sized by a
// typical one (serials grow with the sequence).
func newTracePhase(n, epcs int, epoch time.Time) *tracePhase {
	tx := len(traceTx([]ed25519.PrivateKey{benchKey(0)}, n, epcs, epoch)(0, 1000))
	return &tracePhase{EventsPerDoc: n, TxBytes: tx, EventBytes: tx / n, BlockDocs: blockBatches(4<<20, tx), Best: -1}
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
func (rep *traceReport) finish(errs map[string]int64) {
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
func (rep *traceReport) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n%d validators (separate processes, loopback), %d CPUs, %s; steps of %.0fs, committed/s over the last %.0fs of each\n",
		rep.Command, rep.Validators, rep.CPUs, rep.GoVersion, rep.StepSecs, rep.WindowSecs)
	fmt.Fprintf(&b, "%d capturing orgs; ObjectEvents of %d SGTINs each; load average %.1f at the start, %.1f at the end\n\n",
		rep.Signers, rep.EPCs, rep.LoadStart, rep.LoadEnd)
	for _, ph := range rep.Phases {
		fmt.Fprintf(&b, "%d event(s) a document: %d bytes a tx, %d an event; a %d MiB block holds ≤ %d documents = %d events\n",
			ph.EventsPerDoc, ph.TxBytes, ph.EventBytes, rep.BlockBytes>>20, ph.BlockDocs, ph.BlockDocs*ph.EventsPerDoc)
		tw := tabwriter.NewWriter(&b, 2, 0, 2, ' ', tabwriter.AlignRight)
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
	if errs := bench.TopErrors(rep.Errors, 6); len(errs) > 0 {
		fmt.Fprintf(&b, "submit errors: %s\n", strings.Join(errs, "; "))
	}
	_, err := io.WriteString(w, b.String())
	return err
}
