package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/demo"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/node"
)

// gongxu bench read: the read side under an open-loop HTTP load.

// readBenchOptions are bench read's flags.
type readBenchOptions struct {
	Rates       []int
	ProvRates   []int
	Step        time.Duration
	Pools       int
	Dir         string
	MaxInFlight int
	Conns       int
	Profile     string
	DemoClose   time.Duration
	JSON        bool
}

func (o readBenchOptions) check() error {
	for _, r := range append(append([]int(nil), o.Rates...), o.ProvRates...) {
		if r <= 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "rates must be positive, not %d", r)
		}
	}
	switch {
	case len(o.Rates) == 0 && len(o.ProvRates) == 0:
		return gongxu.Errorf(gongxu.KindInvalid, "give --rates or --prov-rates")
	case o.Step < time.Second:
		return gongxu.Errorf(gongxu.KindInvalid, "--step must be at least 1s")
	case o.Pools < 0 || o.Pools > 5000:
		return gongxu.Errorf(gongxu.KindInvalid, "--pools must be 0 to 5000")
	case o.Conns < 1:
		return gongxu.Errorf(gongxu.KindInvalid, "--conns must be at least 1")
	case o.DemoClose < 20*time.Second:
		return gongxu.Errorf(gongxu.KindInvalid, "--demo-close must be at least 20s")
	}
	return nil
}

// readListPaths are the list routes of the mix, requested in turn: every
// list the API has that the demo's world fills, whole and with ?limit=.
var readListPaths = []string{
	"/v1/orgs", "/v1/pools", "/v1/pools?limit=20", "/v1/production-orders", "/v1/purchase-orders",
	"/v1/products", "/v1/proposals", "/v1/txs?limit=20", "/v1/lots", "/v1/trace/events?limit=20",
	"/v1/offers", "/v1/rfqs", "/v1/disputes", "/v1/recalls", "/v1/validators",
}

// provLots picks the provenance pages from the demo's lots, whose codes
// follow its production orders' ids: the jacket lot a work order made (its
// walk reaches the fabric and thread lots, their purchase order and the
// supplier's lots) and the fabric lot Acme received from Lakeside.
func provLots(ctx context.Context, c interface {
	Do(*http.Request) (*http.Response, error)
}, base string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/v1/lots?owner=acme-apparel", nil)
	if err != nil {
		return nil, gongxu.Wrap(err, "request lots")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, gongxu.Wrap(err, "GET lots")
	}
	defer resp.Body.Close()
	var lots []struct {
		ID   gongxu.LotID `json:"id"`
		Item string       `json:"item"`
		WO   uint64       `json:"wo"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&lots); err != nil {
		return nil, gongxu.Wrap(err, "bench read: decode lots")
	}
	var jacket, fabric string
	for _, l := range lots {
		switch {
		case jacket == "" && l.Item == "acme-apparel/rain-jacket" && l.WO != 0:
			jacket = "/p/" + string(l.ID)
		case fabric == "" && strings.HasPrefix(string(l.ID), "acme-apparel/lakeside-fabrics/waxed-cotton-"):
			fabric = "/p/" + string(l.ID)
		}
	}
	if jacket == "" || fabric == "" {
		return nil, gongxu.Errorf(gongxu.KindInternal, "bench read: the demo left no jacket lot made by a work order and no fabric lot from Lakeside (%d lots of acme-apparel)", len(lots))
	}
	return []string{jacket, fabric}, nil
}

// readStep is one step of the report.
type readStep struct {
	Load     string  `json:"load"` // "baseline", "lists", "provenance"
	Rate     int     `json:"rate"`
	Sent     int     `json:"sent"`
	OK       int     `json:"ok"`
	Busy     int     `json:"busy"`
	Failed   int     `json:"failed"`
	Dropped  int     `json:"dropped"`
	Answered float64 `json:"answered_per_s"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Maxms    float64 `json:"max_ms"`
	OKP99ms  float64 `json:"ok_p99_ms"`
	CPUus    float64 `json:"cpu_us_per_req"` // this process's CPU (node and generator) per answered request
	Statuses string  `json:"statuses"`
	Errors   string  `json:"errors,omitempty"`
	Load1    float64 `json:"load1"` // the machine's load average after the step
}

// readReport is bench read's report.
type readReport struct {
	Height   int64      `json:"height"`
	Rows     string     `json:"rows"`
	Steps    []readStep `json:"steps"`
	CPUs     int        `json:"cpus"`
	Profile  string     `json:"profile,omitempty"`
	Duration string     `json:"setup"`
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func (r *readReport) WriteTable(w io.Writer) error {
	fmt.Fprintf(w, "read model at height %d (%s), %d CPUs, world built in %s\n", r.Height, r.Rows, r.CPUs, r.Duration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "load\trate/s\tsent\tok\tbusy\tfailed\tdropped\tanswered/s\tp50 ms\tp99 ms\tmax ms\tp99 × baseline\tCPU µs/req\tload1\tstatuses\t")
	base := map[int]float64{}
	for _, s := range r.Steps {
		if s.Load == "baseline" {
			base[s.Rate] = s.P99ms
		}
	}
	for _, s := range r.Steps {
		ratio := "-"
		if b := base[s.Rate]; b > 0 && s.Load != "baseline" {
			ratio = fmt.Sprintf("%.1f", s.P99ms/b)
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%.2f\t%.2f\t%.1f\t%s\t%.0f\t%.1f\t%s\t\n",
			s.Load, s.Rate, s.Sent, s.OK, s.Busy, s.Failed, s.Dropped, s.Answered, s.P50ms, s.P99ms, s.Maxms, ratio, s.CPUus, s.Load1, s.Statuses)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range r.Steps {
		if s.Errors != "" {
			fmt.Fprintf(w, "%s at %d/s, transport errors: %s\n", s.Load, s.Rate, s.Errors)
		}
	}
	if r.Profile != "" {
		fmt.Fprintf(w, "CPU profile of the loaded steps (node and generator, one process): %s\n", r.Profile)
	}
	return nil
}

func newBenchReadCmd(env *Env) *cobra.Command {
	o := readBenchOptions{}
	c := &cobra.Command{
		Use:   "read",
		Short: "Latency of the read side (list routes, the provenance page) under an open-loop HTTP load on one node, against /healthz",
		Long: `read makes a one-node network in a temporary directory (or --dir), runs the demo's
story on it through real transactions (six orgs, products, three pools, a production
order with its purchase order, lots and trace events) and opens --pools more pools, so
that the list routes have pages. Rate limits are off: the benchmark measures what the
routes cost, not the per-client limits.

Then, in this process, an open-loop generator sends GET requests at each of --rates for
--step: each request at its own intended time (no request waits for another), its
latency counted from that intended time, so that queueing in the server or in the
generator shows instead of hiding (coordinated omission). At each rate it runs the
baseline (/healthz, the cheapest route) and then the mix of list routes, each in turn;
then the provenance page at each of --prov-rates (with its own baseline). Reported per
step: requests sent, 2xx, shed (503/429), failed, dropped by the generator (more than
--max-in-flight waiting), answers per second, p50/p99/max latency and p99 over the
baseline's at the same rate, this process's CPU time per answered request (node and
generator: on a shared machine a steadier figure than latency; the baseline's is the
generator's and the HTTP server's own share), and the machine's load average after
the step.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := o.check(); err != nil {
				return asUsage(err)
			}
			rep, err := runReadBench(env.Ctx, env, o)
			if err != nil {
				return err
			}
			if o.JSON {
				return writeJSON(env.Stdout, rep)
			}
			return rep.WriteTable(env.Stdout)
		},
	}
	f := c.Flags()
	f.IntSliceVar(&o.Rates, "rates", []int{500, 1000, 2000}, "offered requests/s of the list routes, one step each (each after a baseline step at the same rate)")
	f.IntSliceVar(&o.ProvRates, "prov-rates", []int{50, 200, 2000}, "offered requests/s of the provenance page, one step each")
	f.DurationVar(&o.Step, "step", 10*time.Second, "length of each step")
	f.IntVar(&o.Pools, "pools", 60, "pools opened after the demo's three, so that /v1/pools has pages")
	f.StringVar(&o.Dir, "dir", "", "`DIR` for the node home, kept afterwards (default: a temporary directory, removed)")
	f.IntVar(&o.MaxInFlight, "max-in-flight", bench.DefaultMaxInFlight, "requests waiting for an answer at once, beyond which the generator drops (and counts) a request")
	f.IntVar(&o.Conns, "conns", 256, "connections the generator keeps to the node (the node serves at most its http.max_conns at once); a request finding all busy waits, and the wait counts in its latency")
	f.StringVar(&o.Profile, "profile", "", "write a CPU profile of the loaded steps (this process: node and generator) to `FILE`")
	f.DurationVar(&o.DemoClose, "demo-close", 20*time.Second, "the demo's jacket pool closes this long after it opens")
	f.BoolVar(&o.JSON, "json", false, "print the report as JSON")
	return c
}

// runReadBench builds the world, runs the steps and reports.
func runReadBench(ctx context.Context, env *Env, o readBenchOptions) (*readReport, error) {
	dir := o.Dir
	if dir == "" {
		d, err := os.MkdirTemp("", "gongxu-bench-read-")
		if err != nil {
			return nil, gongxu.Wrap(err, "temporary directory")
		}
		defer os.RemoveAll(d)
		dir = d
	}
	home := filepath.Join(dir, "home")
	ports, err := bench.FreePorts(2)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := node.InitLocal(home, node.InitOptions{API: "127.0.0.1:0", Ports: comet.Ports{P2P: ports[0], RPC: ports[1]}}); err != nil {
		return nil, err
	}
	cfg, err := node.LoadConfig(home)
	if err != nil {
		return nil, err
	}
	cfg.HTTP.RateLimits.Costly.PerSecond, cfg.HTTP.RateLimits.Writes.PerSecond = 0, 0
	logf, err := os.Create(filepath.Join(dir, "bench.log"))
	if err != nil {
		return nil, gongxu.Wrap(err, "bench log")
	}
	defer logf.Close()
	log := slog.New(slog.NewTextHandler(logf, &slog.HandlerOptions{Level: slog.LevelInfo}))
	n, err := node.Open(home, cfg, log)
	if err != nil {
		return nil, err
	}
	defer n.Close()
	go func() {
		if err := n.Serve(); err != nil {
			log.Error("http server", "err", err)
		}
	}()
	fmt.Fprintf(env.Stderr, "bench read: node in %s at %s; the demo's story (about a minute and a half)…\n", home, n.URL())
	if err := demo.Run(ctx, n, log, demo.Options{Close: o.DemoClose}); err != nil {
		return nil, gongxu.Wrap(err, "demo")
	}
	if err := openPools(ctx, n, o.Pools); err != nil {
		return nil, err
	}
	if err := n.WaitProjected(ctx, n.Height()); err != nil {
		return nil, err
	}
	rep := &readReport{Height: n.Height(), CPUs: runtime.NumCPU(), Duration: time.Since(start).Round(time.Second).String(),
		Rows: fmt.Sprintf("demo + %d pools", o.Pools)}
	client := bench.NewHTTPClient(o.Conns)
	readProvPaths, err := provLots(ctx, client, n.URL())
	if err != nil {
		return nil, err
	}
	// Check every path answers 200 before loading it: a path the world
	// lacks would measure a 404.
	for _, p := range append(append([]string{"/healthz"}, readListPaths...), readProvPaths...) {
		if err := getOK(ctx, client, n.URL()+p); err != nil {
			return nil, err
		}
	}
	if o.Profile != "" {
		pf, err := os.Create(o.Profile)
		if err != nil {
			return nil, gongxu.Wrap(err, "profile")
		}
		defer pf.Close()
		if err := pprof.StartCPUProfile(pf); err != nil {
			return nil, gongxu.Wrap(err, "profile")
		}
		defer pprof.StopCPUProfile()
		rep.Profile = o.Profile
	}
	run := func(load string, paths []string, rate int) {
		fmt.Fprintf(env.Stderr, "bench read: %s at %d/s for %s\n", load, rate, o.Step)
		cpu0, _ := bench.SelfCPU()
		r := bench.HTTPLoad{Base: n.URL(), Paths: paths, Rate: rate, Duration: o.Step, MaxInFlight: o.MaxInFlight, Client: client}.Run(ctx)
		cpu1, _ := bench.SelfCPU()
		cpuUS := 0.0
		if n := r.OK + r.Busy + r.Failed - r.Status[0]; n > 0 {
			cpuUS = float64((cpu1 - cpu0).Microseconds()) / float64(n)
		}
		var sts []string
		for _, s := range r.Statuses() {
			sts = append(sts, fmt.Sprintf("%d:%d", s, r.Status[s]))
		}
		rep.Steps = append(rep.Steps, readStep{Load: load, Rate: rate, Sent: r.Sent, OK: r.OK, Busy: r.Busy, Failed: r.Failed, Dropped: r.Dropped,
			Answered: r.Answered(), P50ms: ms(r.Latency.P50), P99ms: ms(r.Latency.P99), Maxms: ms(r.Latency.Max), OKP99ms: ms(r.OKLat.P99),
			CPUus: cpuUS, Statuses: strings.Join(sts, " "), Errors: strings.Join(r.Errors, "; "), Load1: bench.LoadAverage()})
		// Let the node settle: connections close, the collector catches up.
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
	for _, rate := range o.Rates {
		run("baseline", []string{"/healthz"}, rate)
		run("lists", readListPaths, rate)
	}
	for _, rate := range o.ProvRates {
		if !containsInt(o.Rates, rate) {
			run("baseline", []string{"/healthz"}, rate)
		}
		run("provenance", readProvPaths, rate)
	}
	return rep, ctx.Err()
}

func containsInt(xs []int, x int) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// openPools opens n pools of the demo's products, their deadlines a month
// ahead in block time, the factories taking turns.
func openPools(ctx context.Context, n *node.Node, count int) error {
	if count == 0 {
		return nil
	}
	st, err := n.Status(ctx)
	if err != nil {
		return err
	}
	t, err := time.Parse(time.RFC3339Nano, st.BlockTime)
	if err != nil {
		return gongxu.Wrap(err, "block time %q", st.BlockTime)
	}
	deadline := t.Add(30 * 24 * time.Hour).UnixMilli()
	products := []struct{ key, product string }{
		{"acme-apparel", "acme-apparel/rain-jacket"}, {"sunrise-garments", "sunrise-garments/merino-tee"}, {"sunrise-garments", "sunrise-garments/wool-scarf"},
	}
	for i := 0; i < count; i++ {
		p := products[i%len(products)]
		m := pool.MsgOpen{Product: gongxu.ProductID(p.product), Currency: "CNY", CasePack: 1, MOQ: gongxu.Units(100 + i), Cap: gongxu.Units(1000 + i),
			Tiers: []gongxu.Tier{{MinQty: 1, UnitPrice: 9900}, {MinQty: gongxu.Units(100 + i), UnitPrice: 8900}}, Deadline: deadline + int64(i)*60_000,
			Terms: fmt.Sprintf("bench pool %d", i)}
		r, err := n.Send(ctx, p.key, pool.TypeOpen, m)
		if err != nil {
			return err
		}
		if r.Code != 0 {
			return gongxu.Errorf(gongxu.Kind(r.Code), "bench read: open pool %d: %s", i, r.Message)
		}
	}
	return nil
}

// getOK fetches url and wants 200.
func getOK(ctx context.Context, c interface {
	Do(*http.Request) (*http.Response, error)
}, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return gongxu.Wrap(err, "request %s", url)
	}
	resp, err := c.Do(req)
	if err != nil {
		return gongxu.Wrap(err, "GET %s", url)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		_ = json.Unmarshal(body, &e)
		return gongxu.Errorf(gongxu.KindInternal, "bench read: GET %s answered %d %s", url, resp.StatusCode, e.Message)
	}
	return nil
}
