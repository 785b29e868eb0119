package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	gongxu "github.com/gongxu-network/gongxu"
)

// BenchmarkTrace measures the trace walks, depth 10, over a synthetic read
// model of supply chains (GONGXU_TRACE_BENCH_EVENTS events, 100,000 unless
// set), built once per run straight into the tables in one transaction, in
// a temporary file (or in GONGXU_TRACE_BENCH_DB, kept and reused while it
// holds that many events). Each sub-benchmark walks from lots drawn at
// random and reports the p50 and p99 latency of one walk, the nodes and
// steps it found, the process's resident memory and the database's size.
// For stable percentiles run enough walks, e.g.
//
//	GONGXU_TRACE_BENCH_EVENTS=10000000 GONGXU_TRACE_BENCH_DB=/tmp/trace10m.db \
//	  go test ./internal/sqlite/ -run '^$' -bench BenchmarkTrace -benchtime 2000x -timeout 3h
//
// The chains: each starts from one or two raw lots (a fifth of them lots
// of another chain: suppliers are shared), goes through eleven levels of
// TransformationEvents that merge lots or split one into several, with an
// ObjectEvent for half of the lots made, and ends packed: each finished lot
// into two cartons that also hold two serialized items, the cartons onto a
// pallet that is shipped and received. One chain in ten runs on ledger lots
// with work orders (a third of them without an event), the lot it starts
// from received from a supplier's lot, and its finished lots made for a
// pool with three hubs. Two thousand chains are under way at once, so a
// chain's events are spread across the ledger as they would be.
func BenchmarkTrace(b *testing.B) {
	n := 100_000
	if s := os.Getenv("GONGXU_TRACE_BENCH_EVENTS"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1000 {
			b.Fatalf("GONGXU_TRACE_BENCH_EVENTS=%q: want a number ≥ 1000", s)
		}
		n = v
	}
	path := os.Getenv("GONGXU_TRACE_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), "trace.db")
	}
	ctx := context.Background()
	start := time.Now()
	samples, built, err := buildTraceBench(path, n)
	if err != nil {
		b.Fatal(err)
	}
	if built {
		b.Logf("built %d events in %s: %s", n, time.Since(start).Round(time.Second), path)
	}
	runtime.GC()
	debug.FreeOSMemory()
	db, err := Open(path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	for _, c := range []struct {
		name   string
		starts []string
		fwd    bool
	}{
		{"back", samples.any, false},
		{"forward", samples.any, true},
		{"back_finished", samples.finished, false},
		{"forward_raw", samples.raw, true},
	} {
		b.Run(c.name, func(b *testing.B) {
			rng := rand.New(rand.NewPCG(7, uint64(len(c.name))))
			lat := make([]time.Duration, 0, b.N)
			nodes, steps := 0, 0
			for b.Loop() {
				id := c.starts[rng.IntN(len(c.starts))]
				t0 := time.Now()
				var g gongxu.TraceGraph
				var err error
				if c.fwd {
					g, err = db.Forward(ctx, id, 10)
				} else {
					g, err = db.Back(ctx, id, 10)
				}
				lat = append(lat, time.Since(t0))
				if err != nil {
					b.Fatalf("%s %s: %v", c.name, id, err)
				}
				nodes += len(g.Nodes)
				steps += len(g.Steps)
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				i := int(p*float64(len(lat))+0.999999) - 1
				return float64(lat[max(0, min(i, len(lat)-1))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(float64(nodes)/float64(len(lat)), "nodes/walk")
			b.ReportMetric(float64(steps)/float64(len(lat)), "steps/walk")
			if rss, peak, ok := procMemory(); ok {
				b.ReportMetric(rss/(1<<20), "rss-MB")
				b.ReportMetric(peak/(1<<20), "peak-rss-MB")
			}
			b.ReportMetric(fileSize(path)/(1<<20), "db-MB")
		})
	}
}

// procMemory reads this process's resident memory and its peak (Linux).
func procMemory() (rss, peak float64, ok bool) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0, 0, false
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) < 2 {
			continue
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rss = v * 1024
		case "VmHWM:":
			peak = v * 1024
		}
	}
	return rss, peak, rss > 0
}

// fileSize is the size of the database with its write-ahead log.
func fileSize(path string) float64 {
	var n int64
	for _, p := range []string{path, path + "-wal"} {
		if fi, err := os.Stat(p); err == nil {
			n += fi.Size()
		}
	}
	return float64(n)
}

// benchSamples are lots to start walks from: any lot, finished lots (the
// last level of a chain) and raw lots (the first).
type benchSamples struct{ any, finished, raw []string }

// reservoir keeps a uniform sample of what it is offered.
type reservoir struct {
	rng  *rand.Rand
	seen int
	keep []string
}

func (r *reservoir) offer(s string) {
	r.seen++
	if len(r.keep) < 10000 {
		r.keep = append(r.keep, s)
	} else if i := r.rng.IntN(r.seen); i < len(r.keep) {
		r.keep[i] = s
	}
}

// buildTraceBench makes the synthetic read model at path, unless it holds n
// events already, and returns lots to start from (read back from the
// database when it was there).
func buildTraceBench(path string, n int) (benchSamples, bool, error) {
	if _, err := os.Stat(path); err == nil {
		db, err := Open(path)
		if err != nil {
			return benchSamples{}, false, err
		}
		defer db.Close()
		var have int
		if err := db.r.QueryRow(`SELECT count(*) FROM trace_events`).Scan(&have); err != nil {
			return benchSamples{}, false, err
		}
		if have >= n && have < n+1000 { // the last batch may go past n
			s, err := readSamples(db)
			return s, false, err
		}
		db.Close()
		for _, p := range []string{path, path + "-wal", path + "-shm"} {
			os.Remove(p)
		}
	}
	// The schema first, then the rows through one connection without a
	// journal and with a cache that holds the identifier index.
	db, err := Open(path)
	if err != nil {
		return benchSamples{}, false, err
	}
	db.Close()
	raw, err := sql.Open("sqlite", path+"?_pragma=journal_mode(OFF)&_pragma=synchronous(OFF)&_pragma=cache_size(-4000000)"+
		"&_pragma=locking_mode(EXCLUSIVE)&_pragma=temp_store(FILE)")
	if err != nil {
		return benchSamples{}, false, err
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	g, err := newTraceGen(raw, n)
	if err != nil {
		return benchSamples{}, false, err
	}
	if err := g.run(); err != nil {
		return benchSamples{}, false, err
	}
	if err := raw.Close(); err != nil {
		return benchSamples{}, false, err
	}
	return g.samples(), true, nil
}

// readSamples reads the start lots a database was built with.
func readSamples(db *DB) (benchSamples, error) {
	var s benchSamples
	for kind, dst := range map[string]*[]string{"any": &s.any, "finished": &s.finished, "raw": &s.raw} {
		rows, err := db.r.Query(`SELECT ident FROM bench_samples WHERE kind = ? ORDER BY rowid`, kind)
		if err != nil {
			return s, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return s, err
			}
			*dst = append(*dst, id)
		}
		rows.Close()
		if len(*dst) == 0 {
			return s, fmt.Errorf("the database holds no %s start lots", kind)
		}
	}
	return s, nil
}

// benchLot is a lot of a synthetic chain.
type benchLot struct {
	ident string // canonical key
	id    string // the ledger lot id, "" for a GS1 lot
}

// benchChain is a synthetic supply chain under way.
type benchChain struct {
	org    string
	prod   int
	ledger bool
	level  int
	lots   []benchLot
	wos    []int64 // the work orders of its last level
}

const (
	benchLevels = 12
	benchActive = 2000
)

// traceGen writes the synthetic read model.
type traceGen struct {
	db                                         *sql.DB
	tx                                         *sql.Tx
	rng                                        *rand.Rand
	n                                          int
	seq, batch, lotNo, serial, sscc, wo, order int64
	poolID                                     int64
	time                                       int64
	gtins                                      []string
	shared                                     []benchLot // lots other chains may start from
	insEvent, insRecord, insIdent, insBatch    *sql.Stmt
	insLot, insWO                              *sql.Stmt
	insOrder, insPool, insShare, insPoolBatch  *sql.Stmt
	anyS, finishedS, rawS                      reservoir
	sb                                         strings.Builder
}

func newTraceGen(db *sql.DB, n int) (*traceGen, error) {
	g := &traceGen{db: db, rng: rand.New(rand.NewPCG(1, 2)), n: n, time: t0}
	for i, r := range []*reservoir{&g.anyS, &g.finishedS, &g.rawS} {
		r.rng = rand.New(rand.NewPCG(3, uint64(i)))
	}
	for p := range 50 {
		g.gtins = append(g.gtins, gs1Check(fmt.Sprintf("0952123%06d", p)))
	}
	return g, nil
}

// gs1Check appends the GS1 check digit to digits.
func gs1Check(digits string) string {
	sum := 0
	for i := range len(digits) {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 0 {
			d *= 3
		}
		sum += d
	}
	return digits + strconv.Itoa((10-sum%10)%10)
}

func (g *traceGen) run() error {
	var err error
	if g.tx, err = g.db.Begin(); err != nil {
		return err
	}
	defer g.tx.Rollback()
	for _, idx := range []string{"trace_idents_seq", "trace_events_id", "trace_events_time"} {
		if _, err := g.tx.Exec(`DROP INDEX ` + idx); err != nil {
			return err
		}
	}
	for _, s := range []struct {
		dst **sql.Stmt
		sql string
	}{
		{&g.insEvent, `INSERT INTO trace_events (seq, id, decl, erroneous, type, org, flow, action, event_time, record_time, biz_step,
			disposition, read_point, biz_location, batch, idx, leaf) VALUES (?, ?, 0, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`},
		{&g.insRecord, `INSERT INTO trace_records (seq, raw, json) VALUES (?, ?, ?)`},
		{&g.insIdent, `INSERT INTO trace_idents (ident, role, seq) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`},
		{&g.insBatch, `INSERT INTO trace_batches (id, tx, height, time, org, count, root, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`},
		{&g.insLot, `INSERT INTO lots (id, owner, item, qty, reserved, created, json, height) VALUES (?, ?, ?, ?, 0, ?, ?, ?)`},
		{&g.insWO, `INSERT INTO work_orders (id, ord, status, json, height) VALUES (?, ?, 'completed', ?, ?)`},
		{&g.insOrder, `INSERT INTO production_orders (id, factory, status, pool, json, height) VALUES (?, ?, 'completed', ?, ?, ?)`},
		{&g.insPool, `INSERT INTO pools (id, status, factory, deadline, total, any_hub, hubs, json, height) VALUES (?, 'in_production', ?, ?, 300, 1, '[]', ?, ?)`},
		{&g.insShare, `INSERT INTO hub_shares (pool, hub, json, height) VALUES (?, ?, ?, ?)`},
		{&g.insPoolBatch, `INSERT INTO batches (tx, pool, hub, height, seq, json) VALUES (?, ?, ?, ?, 0, ?)`},
	} {
		if *s.dst, err = g.tx.Prepare(s.sql); err != nil {
			return err
		}
	}
	active := make([]*benchChain, 0, benchActive)
	for g.seq < int64(g.n) {
		if len(active) < benchActive {
			active = append(active, g.newChain())
			continue
		}
		i := g.rng.IntN(len(active))
		if done, err := g.step(active[i]); err != nil {
			return err
		} else if done {
			active[i] = g.newChain()
		}
	}
	for _, idx := range []string{
		`CREATE INDEX trace_idents_seq ON trace_idents (seq, role)`,
		`CREATE UNIQUE INDEX trace_events_id ON trace_events (id, decl)`,
		`CREATE INDEX trace_events_time ON trace_events (event_time)`,
		`INSERT INTO meta (key, value) VALUES ('height', ` + strconv.FormatInt(g.batch, 10) + `)`,
		`CREATE TABLE bench_samples (kind TEXT NOT NULL, ident TEXT NOT NULL)`,
	} {
		if _, err := g.tx.Exec(idx); err != nil {
			return err
		}
	}
	for kind, list := range map[string][]string{"any": g.anyS.keep, "finished": g.finishedS.keep, "raw": g.rawS.keep} {
		for _, id := range list {
			if _, err := g.tx.Exec(`INSERT INTO bench_samples (kind, ident) VALUES (?, ?)`, kind, id); err != nil {
				return err
			}
		}
	}
	return g.tx.Commit()
}

func (g *traceGen) samples() benchSamples {
	return benchSamples{any: g.anyS.keep, finished: g.finishedS.keep, raw: g.rawS.keep}
}

func (g *traceGen) newChain() *benchChain {
	c := &benchChain{org: fmt.Sprintf("org-%d", g.rng.IntN(500)), prod: g.rng.IntN(len(g.gtins)), ledger: g.rng.IntN(10) == 0}
	return c
}

// newLot makes a lot of the chain's org: a ledger lot (with its row) or a
// GS1 lot class.
func (g *traceGen) newLot(c *benchChain, from string, wo int64) (benchLot, error) {
	g.lotNo++
	if !c.ledger {
		return benchLot{ident: fmt.Sprintf("https://id.gs1.org/01/%s/10/%d", g.gtins[c.prod], g.lotNo)}, nil
	}
	id := fmt.Sprintf("%s/lot-%d", c.org, g.lotNo)
	js := fmt.Sprintf(`{"id":%q,"item":"item-%d","owner":%q,"qty":100000,"created":%d`, id, c.prod, c.org, g.time)
	if from != "" {
		js += fmt.Sprintf(`,"from":%q,"po":%d`, from, g.lotNo)
	}
	if wo != 0 {
		js += fmt.Sprintf(`,"wo":%d`, wo)
	}
	js += "}"
	if _, err := g.insLot.Exec(id, c.org, fmt.Sprintf("item-%d", c.prod), 100000, g.time, js, g.batch); err != nil {
		return benchLot{}, err
	}
	return benchLot{ident: gongxu.LotURN(gongxu.LotID(id)), id: id}, nil
}

// benchEvent is an event to write.
type benchEvent struct {
	typ, action, bizStep, flow string
	roles                      map[int][]string
}

// step writes the chain's next level as one batch; done when the chain is
// packed and shipped.
func (g *traceGen) step(c *benchChain) (bool, error) {
	g.time += 50
	var evs []benchEvent
	obs := func(l benchLot, step string) {
		evs = append(evs, benchEvent{typ: "ObjectEvent", action: "OBSERVE", bizStep: step, roles: map[int][]string{roleClass: {l.ident}}})
	}
	switch {
	case c.level == 0:
		k := 1 + g.rng.IntN(2)
		for range k {
			var l benchLot
			var err error
			if len(g.shared) > 0 && g.rng.IntN(5) == 0 && !c.ledger {
				l = g.shared[g.rng.IntN(len(g.shared))]
			} else if c.ledger {
				// Received from a supplier's lot, itself a ledger lot.
				sup := &benchChain{org: fmt.Sprintf("sup-%d", g.rng.IntN(100)), prod: c.prod, ledger: true}
				s, err := g.newLot(sup, "", 0)
				if err != nil {
					return false, err
				}
				if l, err = g.newLot(c, s.id, 0); err != nil {
					return false, err
				}
			} else if l, err = g.newLot(c, "", 0); err != nil {
				return false, err
			}
			c.lots = append(c.lots, l)
			obs(l, "receiving")
			g.rawS.offer(l.ident)
		}
	case c.level < benchLevels:
		var next []benchLot
		in := c.lots
		c.wos = c.wos[:0]
		for len(in) > 0 {
			take := 1
			if len(in) >= 2 && g.rng.IntN(2) == 0 {
				take = 2 // a merge
			}
			inputs := in[:take]
			in = in[take:]
			outs := 1
			if g.rng.IntN(10) < 3 {
				outs = 2 + g.rng.IntN(2) // a split
			}
			var wo int64
			if c.ledger {
				g.wo++
				wo = g.wo
			}
			var made []benchLot
			for range outs {
				l, err := g.newLot(c, "", wo)
				if err != nil {
					return false, err
				}
				made = append(made, l)
			}
			if c.ledger {
				if err := g.workOrder(c, wo, inputs, made); err != nil {
					return false, err
				}
			}
			if !c.ledger || g.rng.IntN(3) != 0 {
				ev := benchEvent{typ: "TransformationEvent", bizStep: "commissioning", roles: map[int][]string{}}
				if c.ledger {
					ev.flow = "production/wo_complete"
				}
				for _, l := range inputs {
					ev.roles[roleInputClass] = append(ev.roles[roleInputClass], l.ident)
				}
				for _, l := range made {
					ev.roles[roleOutputClass] = append(ev.roles[roleOutputClass], l.ident)
				}
				evs = append(evs, ev)
			}
			for _, l := range made {
				if g.rng.IntN(2) == 0 {
					obs(l, []string{"shipping", "receiving", "inspecting"}[g.rng.IntN(3)])
				}
				g.anyS.offer(l.ident)
			}
			next = append(next, made...)
		}
		if len(next) > 3 { // a chain carries three lots on; the rest end here
			next = next[:3]
		}
		c.lots = next
		if c.level >= 3 && c.level <= 6 && !c.ledger && g.rng.IntN(4) == 0 {
			if len(g.shared) < 100000 {
				g.shared = append(g.shared, next[0])
			} else {
				g.shared[g.rng.IntN(len(g.shared))] = next[0]
			}
		}
	default:
		// Packed: each lot into two cartons with two items each, the
		// cartons onto a pallet, shipped and received.
		g.sscc++
		pallet := g.ssccKey(g.sscc)
		var cartons []string
		for _, l := range c.lots {
			g.finishedS.offer(l.ident)
			for range 2 {
				g.sscc++
				carton := g.ssccKey(g.sscc)
				cartons = append(cartons, carton)
				var items []string
				for range 2 {
					g.serial++
					items = append(items, fmt.Sprintf("https://id.gs1.org/01/%s/21/%d", g.gtins[c.prod], g.serial))
				}
				evs = append(evs, benchEvent{typ: "AggregationEvent", action: "ADD", bizStep: "packing",
					roles: map[int][]string{roleParent: {carton}, roleChild: items, roleChildClass: {l.ident}}})
			}
		}
		evs = append(evs, benchEvent{typ: "AggregationEvent", action: "ADD", bizStep: "packing",
			roles: map[int][]string{roleParent: {pallet}, roleChild: cartons}})
		for _, s := range []string{"shipping", "receiving"} {
			evs = append(evs, benchEvent{typ: "ObjectEvent", action: "OBSERVE", bizStep: s, roles: map[int][]string{roleEPC: {pallet}}})
		}
		if c.ledger && len(c.wos) > 0 {
			if err := g.pool(c); err != nil {
				return false, err
			}
		}
	}
	if err := g.writeBatch(c.org, evs); err != nil {
		return false, err
	}
	c.level++
	return c.level > benchLevels, nil
}

func (g *traceGen) ssccKey(n int64) string {
	return "https://id.gs1.org/00/" + gs1Check(fmt.Sprintf("30952123%09d", n))
}

// workOrder writes a completed work order of a ledger chain (its links
// follow from the trigger on work_orders); only the last level's belong to
// a production order.
func (g *traceGen) workOrder(c *benchChain, wo int64, in, out []benchLot) error {
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"id":%d,"order":0,"factory":%q,"item":"item-%d","qty":100000,"produced":100000,"scrapped":0,"status":"completed","inputs":[`,
		wo, c.org, c.prod)
	for i, l := range in {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"lot":%q,"qty":100000}`, l.id)
	}
	sb.WriteString(`],"output_lots":[`)
	for i, l := range out {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"lot":%q,"qty":100000}`, l.id)
	}
	fmt.Fprintf(&sb, `],"started":%d,"completed":%d}`, g.time, g.time)
	c.wos = append(c.wos, wo)
	_, err := g.insWO.Exec(wo, 0, sb.String(), g.batch) // the order is set on the last level's, by pool
	return err
}

// pool writes the production order of a ledger chain's finished lots and
// the pool it came from, with three hubs and their batches.
func (g *traceGen) pool(c *benchChain) error {
	g.order++
	g.poolID++
	if _, err := g.insOrder.Exec(g.order, c.org, g.poolID, fmt.Sprintf(`{"id":%d,"factory":%q,"pool":%d,"status":"completed"}`, g.order, c.org, g.poolID), g.batch); err != nil {
		return err
	}
	if _, err := g.tx.Exec(`UPDATE work_orders SET ord = ? WHERE id IN (`+placeholders(len(c.wos))+`)`, append([]any{g.order}, anys(c.wos)...)...); err != nil {
		return err
	}
	if _, err := g.insPool.Exec(g.poolID, c.org, g.time, fmt.Sprintf(`{"id":%d,"factory":%q,"status":"in_production","total":300}`, g.poolID, c.org), g.batch); err != nil {
		return err
	}
	for h := range 3 {
		hub := fmt.Sprintf("hub-%d", g.rng.IntN(200)*3+h)
		if _, err := g.insShare.Exec(g.poolID, hub, fmt.Sprintf(`{"pool":%d,"hub":%q,"qty":100,"pledges":10}`, g.poolID, hub), g.batch); err != nil {
			return err
		}
		tx := fmt.Sprintf("%064X", g.poolID*4+int64(h))
		if _, err := g.insPoolBatch.Exec(tx, g.poolID, hub, g.batch,
			fmt.Sprintf(`{"pool":%d,"hub":%q,"tx":%q,"root":"%064x","leaves":10,"qty":100,"escrow":0,"height":%d}`, g.poolID, hub, tx, g.poolID, g.batch)); err != nil {
			return err
		}
	}
	return nil
}

// writeBatch writes events as the batch of one capture.
func (g *traceGen) writeBatch(org string, evs []benchEvent) error {
	if len(evs) == 0 {
		return nil
	}
	g.batch++
	tx := fmt.Sprintf("%064X", sha256.Sum256([]byte(strconv.FormatInt(g.batch, 10))))
	leaves := make([][32]byte, len(evs))
	raws := make([]string, len(evs))
	recs := make([]string, len(evs))
	for i, e := range evs {
		raws[i], recs[i] = g.eventJSON(org, g.seq+int64(i)+1, e)
		leaves[i] = gongxu.TraceLeafHash([]byte(raws[i]))
	}
	r := gongxu.MerkleRoot(leaves)
	root := hex.EncodeToString(r[:])
	var sb strings.Builder
	fmt.Fprintf(&sb, `{"height":%d,"time":%d,"tx":%q,"org":%q,"count":%d,"root":%q,"leaves":[`, g.batch, g.time, tx, org, len(evs), root)
	for i := range leaves {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`"` + hex.EncodeToString(leaves[i][:]) + `"`)
	}
	sb.WriteString("]}")
	if _, err := g.insBatch.Exec(g.batch, tx, g.batch, g.time, org, len(evs), root, sb.String()); err != nil {
		return err
	}
	for i, e := range evs {
		g.seq++
		if _, err := g.insEvent.Exec(g.seq, benchEventID(g.seq), e.typ, org, e.flow, e.action, g.time, g.time,
			"https://ref.gs1.org/cbv/BizStep-"+e.bizStep, "", "", "https://id.gs1.org/414/"+gs1Check(fmt.Sprintf("095212%06d", len(org)*7+i)),
			g.batch, i, leaves[i][:]); err != nil {
			return err
		}
		if _, err := g.insRecord.Exec(g.seq, raws[i], recs[i]); err != nil {
			return err
		}
		for role, ids := range e.roles {
			for _, id := range ids {
				if _, err := g.insIdent.Exec(id, role, g.seq); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func benchEventID(seq int64) string {
	h := sha256.Sum256([]byte(strconv.FormatInt(seq, 10)))
	x := hex.EncodeToString(h[:16])
	return "urn:uuid:" + x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:]
}

// eventJSON writes an event's JSON as captured and the record the read
// model keeps beside it, of realistic size.
func (g *traceGen) eventJSON(org string, seq int64, e benchEvent) (raw, rec string) {
	names := map[int]string{roleEPC: "epcList", roleClass: "quantityList", roleInputClass: "inputQuantityList",
		roleOutputClass: "outputQuantityList", roleParent: "parentID", roleChild: "childEPCs", roleChildClass: "childQuantityList"}
	recNames := map[int]string{roleEPC: "epcs", roleClass: "quantities", roleInputClass: "input_quantities",
		roleOutputClass: "output_quantities", roleParent: "parent", roleChild: "children", roleChildClass: "child_quantities"}
	id := benchEventID(seq)
	when := time.UnixMilli(g.time).UTC().Format("2006-01-02T15:04:05.000Z")
	sb := &g.sb
	write := func(names map[int]string, class func(string) string) {
		for _, role := range []int{roleEPC, roleClass, roleInputClass, roleOutputClass, roleParent, roleChild, roleChildClass} {
			ids := e.roles[role]
			if len(ids) == 0 {
				continue
			}
			if role == roleParent {
				fmt.Fprintf(sb, `,%q:%q`, names[role], ids[0])
				continue
			}
			fmt.Fprintf(sb, `,%q:[`, names[role])
			for i, x := range ids {
				if i > 0 {
					sb.WriteByte(',')
				}
				if role == roleEPC || role == roleChild {
					fmt.Fprintf(sb, "%q", x)
				} else {
					sb.WriteString(class(x))
				}
			}
			sb.WriteByte(']')
		}
	}
	sb.Reset()
	fmt.Fprintf(sb, `{"type":%q,"eventTime":%q,"eventTimeZoneOffset":"+08:00","eventID":%q`, e.typ, when, id)
	if e.action != "" {
		fmt.Fprintf(sb, `,"action":%q`, e.action)
	}
	fmt.Fprintf(sb, `,"bizStep":%q,"disposition":"in_progress","bizLocation":{"id":"urn:epc:id:sgln:0952123.00001.0"}`, e.bizStep)
	write(names, func(x string) string { return fmt.Sprintf(`{"epcClass":%q,"quantity":100,"uom":"KGM"}`, x) })
	sb.WriteByte('}')
	raw = sb.String()
	sb.Reset()
	fmt.Fprintf(sb, `{"action":%q,"biz_step":"https://ref.gs1.org/cbv/BizStep-%s","event_time":%d,"hash":"ni:///sha-256;%064x?ver=CBV2.0","id":%q,"org":%q,"seq":%d,"time_zone_offset":"+08:00","type":%q`,
		e.action, e.bizStep, g.time, seq, id, org, seq, e.typ)
	write(recNames, func(x string) string { return fmt.Sprintf(`{"class":%q,"quantity":"100","uom":"KGM"}`, x) })
	sb.WriteByte('}')
	return raw, sb.String()
}
