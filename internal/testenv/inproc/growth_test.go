package inproc

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

// Growth (issue 17): one node's application — the real chain over the real
// Pebble store, every block projected into the real SQLite read model —
// fed full blocks of a mixed workload of signed transactions, with the
// state's and the read model's sizes and the per-block times recorded at
// checkpoints. Consensus is not the subject: blocks are executed and
// committed directly, as the replay tests do.
//
//	GONGXU_GROWTH_TXS=10000000 GONGXU_GROWTH_CSV=/tmp/growth.csv \
//	  nice go test ./internal/testenv/inproc/ -run '^$' -bench Growth -benchtime 1x -timeout 24h
//
// GONGXU_GROWTH_BLOCK is the transactions a block (default 1,000),
// GONGXU_GROWTH_EVERY the transactions between checkpoints (default
// 250,000), GONGXU_GROWTH_DIR a directory to keep the store and the read
// model in (default a temporary one).
func BenchmarkGrowth(b *testing.B) {
	total := envInt(b, "GONGXU_GROWTH_TXS", 1_000_000)
	every := envInt(b, "GONGXU_GROWTH_EVERY", 250_000)
	perBlock := envInt(b, "GONGXU_GROWTH_BLOCK", 1000)
	dir := os.Getenv("GONGXU_GROWTH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	for range b.N {
		g := newGrowth(b, dir, perBlock)
		start := time.Now()
		var rows []growthRow
		for g.txs < total {
			g.block()
			if g.txs/every != (g.txs-g.lastBlockTxs)/every || g.txs >= total {
				rows = append(rows, g.checkpoint())
				r := rows[len(rows)-1]
				// Progress as it comes (a benchmark's log waits for its end),
				// and the CSV so far: a run stopped early keeps its curve.
				fmt.Fprintf(os.Stderr, "%s; %.0f s since the start, failed txs %v\n", r.line(), time.Since(start).Seconds(), g.failed)
				if p := os.Getenv("GONGXU_GROWTH_CSV"); p != "" {
					if err := os.WriteFile(p, []byte(growthCSV(rows)), 0o644); err != nil {
						b.Fatal(err)
					}
				}
			}
		}
		g.close()
		fmt.Println(growthTable(rows))
		fmt.Printf("failed txs by type: %v\n", g.failed)
		b.ReportMetric(float64(g.txs)/time.Since(start).Seconds(), "txs/s")
	}
}

// TestGrowthWorkload runs the growth workload for a few hundred blocks'
// worth of its cycles: every transaction it signs must be taken (a
// workload that fails measures nothing), pools must open and close, the
// checkpoint's figures must add up.
func TestGrowthWorkload(t *testing.T) {
	if testing.Short() {
		t.Skip("drives 60 blocks through Pebble and SQLite")
	}
	g := newGrowth(t, t.TempDir(), 200)
	for range 60 {
		g.block()
	}
	r := g.checkpoint()
	g.close()
	if len(g.failed) != 0 {
		t.Fatalf("failed txs: %v (first: %s)", g.failed, g.firstFail)
	}
	if r.Txs != 60*200 || r.Blocks != 60 {
		t.Fatalf("checkpoint at %d txs, %d blocks", r.Txs, r.Blocks)
	}
	if r.PoolsOpened < 10 || r.PoolsClosed < 6 || r.POsReceived < 100 {
		t.Fatalf("the cycles did not run: %d pools opened, %d closed, %d purchase orders received", r.PoolsOpened, r.PoolsClosed, r.POsReceived)
	}
	if r.StateKeys == 0 || r.StoreKeys <= r.StateKeys || r.ReadBytes == 0 || r.Rows["txs"] != int64(r.Txs+g.setupTxs) {
		t.Fatalf("checkpoint %+v", r)
	}
	var sum int64
	for _, n := range r.KeysBy {
		sum += n
	}
	if sum != r.StateKeys {
		t.Fatalf("keys by prefix add up to %d, the state holds %d", sum, r.StateKeys)
	}
	t.Log(r.line())
	t.Log(r.KeysBy)
}

func envInt(tb testing.TB, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(strings.ReplaceAll(s, "_", ""))
	if err != nil || n <= 0 {
		tb.Fatalf("%s=%q: a positive integer is needed", name, s)
	}
	return n
}

// The workload's orgs.
const (
	gFactory = "factory-a"
	gOrgs    = 8 // org-0..7: members updating their profiles
	gHubs    = 8 // hub-0..7: deposits and batches
	gSupps   = 2 // supplier-0..1: offers, purchase orders
)

// Block time advances a minute a block; a pool is open for gPoolBlocks
// blocks and a new pair opens every gPoolEvery blocks.
const (
	gStep       = 60_000
	gPoolBlocks = 10
	gPoolEvery  = 5
	gLeaves     = 10 // leaves a hub batch
)

type growth struct {
	tb       testing.TB
	perBlock int
	db       *pebblekv.DB
	h        *chaintest.Harness
	read     *sqlite.DB
	dir      string

	keys map[string]ed25519.PrivateKey
	seq  map[string]uint64

	txs, lastBlockTxs int
	setupTxs          int
	blocks            int
	n                 map[string]int // counters by purpose: leaf, epc, update, deposit
	openPools         []openPool     // pools taking batches, by deadline
	poolsOpened       int
	poolsClosed       int
	// Purchase orders by the step they are at: sent (to accept), accepted
	// (to ship), shipped (to receive).
	poSent, poAccepted, poShipped []gpo
	posReceived                   int
	pending                       []pendingTx // the block's txs whose ids come from their results
	failed                        map[string]int
	firstFail                     string

	// The window since the last checkpoint.
	blockMs, projMs  []float64
	cpuMs, projCPUMs float64
}

type openPool struct {
	id       uint64
	deadline int64
}

type gpo struct {
	id       uint64
	supplier string
}

type pendingTx struct {
	typ      string
	supplier string
	deadline int64
}

func newGrowth(tb testing.TB, dir string, perBlock int) *growth {
	tb.Helper()
	db, err := pebblekv.Open(filepath.Join(dir, "state"))
	if err != nil {
		tb.Fatal(err)
	}
	read, err := sqlite.Open(filepath.Join(dir, "read.db"))
	if err != nil {
		tb.Fatal(err)
	}
	g := &growth{tb: tb, perBlock: perBlock, db: db, read: read, dir: dir, keys: map[string]ed25519.PrivateKey{}, seq: map[string]uint64{},
		n: map[string]int{}, failed: map[string]int{}}
	g.h = chaintest.Open(tb, db)
	orgs := []chaintest.OrgSpec{{ID: gFactory, Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}}}
	for i := range gOrgs {
		orgs = append(orgs, chaintest.OrgSpec{ID: fmt.Sprint("org-", i), Roles: []gongxu.Role{gongxu.RoleLogistics}})
	}
	for i := range gHubs {
		orgs = append(orgs, chaintest.OrgSpec{ID: fmt.Sprint("hub-", i), Roles: []gongxu.Role{gongxu.RoleHub}})
	}
	for i := range gSupps {
		orgs = append(orgs, chaintest.OrgSpec{ID: fmt.Sprint("supplier-", i), Roles: []gongxu.Role{gongxu.RoleSupplier}})
	}
	g.h.InitChain(chaintest.Genesis(orgs...))
	// The first block: the product pools open on, the suppliers' offers,
	// the hubs' first deposits.
	txs := [][]byte{g.sign(gFactory, "catalog/publish", M{"sku": "tee", "name": "T-shirt", "unit": "piece",
		"variants": []gongxu.Variant{{ID: "s", Name: "S"}, {ID: "m", Name: "M"}, {ID: "l", Name: "L"}}})}
	for i := range gSupps {
		txs = append(txs, g.sign(fmt.Sprint("supplier-", i), "production/offer", M{"item": "cotton", "unit": "m", "lead_time_days": 3,
			"min_qty": 0, "unit_price": 450, "currency": "CNY"}))
	}
	for i := range gHubs {
		txs = append(txs, g.sign(fmt.Sprint("hub-", i), "settle/deposit", M{"currency": "CNY", "amount": 1_000_000_000_000}))
	}
	g.run(txs)
	if len(g.failed) != 0 {
		tb.Fatalf("the first block failed: %v: %s", g.failed, g.firstFail)
	}
	// The counts start after the setup block.
	g.setupTxs = len(txs)
	g.txs, g.blocks, g.blockMs, g.projMs, g.cpuMs = 0, 0, nil, nil, 0
	return g
}

func (g *growth) close() {
	if err := g.read.Close(); err != nil {
		g.tb.Error(err)
	}
	if err := g.db.Close(); err != nil {
		g.tb.Error(err)
	}
}

func (g *growth) key(name string) ed25519.PrivateKey {
	k, ok := g.keys[name]
	if !ok {
		k = chaintest.Key(name)
		g.keys[name] = k
	}
	return k
}

// nextSeq takes the next sequence of signer: from the chain when it is not
// known (at the start, or after one of its txs failed).
func (g *growth) nextSeq(name string) uint64 {
	s, ok := g.seq[name]
	if !ok {
		acc, err := g.h.App.Account(chaintest.PubKey(name))
		if err != nil {
			g.tb.Fatal(err)
		}
		s = acc.Sequence
	}
	g.seq[name] = s + 1
	return s
}

func (g *growth) sign(name, typ string, body any) []byte {
	b, err := json.Marshal(body)
	if err != nil {
		g.tb.Fatal(err)
	}
	return gongxu.SignTx(chaintest.ChainID, g.key(name), typ, b, g.nextSeq(name)).Encode()
}

// unsigned is a tx waiting for its signature: signatures are made in
// parallel, sequences in order.
type unsigned struct {
	name, typ string
	body      []byte
	seq       uint64
}

func (g *growth) add(us *[]unsigned, name, typ string, body []byte) {
	*us = append(*us, unsigned{name: name, typ: typ, body: body, seq: g.nextSeq(name)})
}

func (g *growth) signAll(us []unsigned) [][]byte {
	out := make([][]byte, len(us))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(us); i += workers {
				u := us[i]
				out[i] = gongxu.SignTx(chaintest.ChainID, g.keys[u.name], u.typ, u.body, u.seq).Encode()
			}
		}()
	}
	wg.Wait()
	return out
}

// block builds, signs, executes, commits and projects the next full block.
func (g *growth) block() {
	now := g.h.Time + gStep // this block's time
	var us []unsigned
	for _, name := range g.names() {
		g.key(name)
	}
	B := g.perBlock
	// Pools: a pair every gPoolEvery blocks, open for gPoolBlocks blocks;
	// the first reaches its MOQ and succeeds, the second cannot and fails,
	// refunding every pledge.
	if g.blocks%gPoolEvery == 0 {
		deadline := now + gPoolBlocks*gStep
		for _, moq := range []int64{10, 1_000_000_000} {
			body := fmt.Appendf(nil, `{"product":"factory-a/tee","tiers":[{"min_qty":1,"unit_price":1000},{"min_qty":100,"unit_price":900}],`+
				`"moq":%d,"cap":1000000000,"case_pack":1,"currency":"CNY","deadline":%d,"variants":["s","m","l"]}`, moq, deadline)
			g.add(&us, gFactory, "pool/open", body)
			g.pending = append(g.pending, pendingTx{typ: "pool/open", deadline: deadline})
		}
	}
	// Purchase orders move one step a block: received, shipped, accepted.
	for _, po := range g.poShipped {
		g.add(&us, gFactory, "production/receive", fmt.Appendf(nil, `{"po":%d,"shipment":1,"lines":[{"line":1,"lot":"%s/lot-%d","qty":5000}]}`, po.id, po.supplier, po.id))
	}
	g.posReceived += len(g.poShipped)
	for _, po := range g.poAccepted {
		g.add(&us, po.supplier, "production/ship", fmt.Appendf(nil, `{"po":%d,"lines":[{"line":1,"lot":"%s/lot-%d","qty":5000}]}`, po.id, po.supplier, po.id))
	}
	for _, po := range g.poSent {
		g.add(&us, po.supplier, "production/po_accept", fmt.Appendf(nil, `{"po":%d}`, po.id))
	}
	g.poShipped, g.poAccepted, g.poSent = g.poAccepted, g.poSent, nil
	for i := range B * 5 / 100 {
		sup := fmt.Sprint("supplier-", i%gSupps)
		g.add(&us, gFactory, "production/po", fmt.Appendf(nil, `{"supplier":%q,"lines":[{"item":"cotton","qty":5000,"date":%d}]}`, sup, now+2*Day))
		g.pending = append(g.pending, pendingTx{typ: "production/po", supplier: sup})
	}
	// Hub batches into the pools still open a block from now.
	g.openPools = slices.DeleteFunc(g.openPools, func(p openPool) bool { return p.deadline <= now+gStep })
	if len(g.openPools) > 0 {
		for i := range B * 25 / 100 {
			p := g.openPools[i%len(g.openPools)]
			hub := i % gHubs
			g.add(&us, fmt.Sprint("hub-", hub), "pool/batch", g.batchBody(p.id, hub))
		}
	}
	// Captures of two events each, new serials.
	for range B * 15 / 100 {
		g.add(&us, gFactory, "trace/capture", g.captureBody(now))
	}
	for i := range B * 10 / 100 {
		g.add(&us, fmt.Sprint("hub-", i%gHubs), "settle/deposit", fmt.Appendf(nil, `{"currency":"CNY","amount":%d}`, 1_000_000+i))
	}
	// Profile updates fill the block.
	for i := 0; len(us) < B; i++ {
		g.n["update"]++
		g.add(&us, fmt.Sprint("org-", i%gOrgs), "member/update_org", fmt.Appendf(nil, `{"description":"update %d"}`, g.n["update"]))
	}
	g.run(g.signAll(us))
}

func (g *growth) names() []string {
	out := []string{gFactory}
	for i := range gOrgs {
		out = append(out, fmt.Sprint("org-", i))
	}
	for i := range gHubs {
		out = append(out, fmt.Sprint("hub-", i))
	}
	for i := range gSupps {
		out = append(out, fmt.Sprint("supplier-", i))
	}
	return out
}

func (g *growth) batchBody(pool uint64, hub int) []byte {
	b := fmt.Appendf(nil, `{"pool":%d,"leaves":[`, pool)
	for i := range gLeaves {
		g.n["leaf"]++
		if i > 0 {
			b = append(b, ',')
		}
		b = fmt.Appendf(b, `{"id":"%016x%016x","variant":"%s","qty":%d,"commit":"%064x"}`, uint64(hub), uint64(g.n["leaf"]), []string{"s", "m", "l"}[i%3], 1+i%3, uint64(g.n["leaf"]))
	}
	return append(b, `]}`...)
}

func (g *growth) captureBody(now int64) []byte {
	var b []byte
	b = append(b, `{"document":{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`...)
	for i := range 2 {
		if i > 0 {
			b = append(b, ',')
		}
		g.n["epc"]++
		b = fmt.Appendf(b, `{"type":"ObjectEvent","eventTime":"%s","eventTimeZoneOffset":"+00:00","action":"OBSERVE","bizStep":"inspecting","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}`,
			epcis.FormatMillis(now-int64(i)-1), g.n["epc"])
	}
	return append(b, `]}}}`...)
}

// run executes, commits and projects a block of txs, timing each part, and
// takes the ids the ledger gave to the txs that wait for them.
func (g *growth) run(txs [][]byte) {
	g.h.Time += gStep
	g.h.Height++
	cpu0 := cpuTime()
	t0 := time.Now()
	res, err := g.h.App.FinalizeBlock(chain.Block{Height: g.h.Height, Time: g.h.Time, Txs: txs})
	if err != nil {
		g.tb.Fatalf("block %d: %v", g.h.Height, err)
	}
	if _, err := g.h.App.Commit(); err != nil {
		g.tb.Fatalf("commit %d: %v", g.h.Height, err)
	}
	t1 := time.Now()
	cpu1 := cpuTime()
	if err := g.read.Project(context.Background(), committed(res)); err != nil {
		g.tb.Fatalf("project block %d: %v", res.Height, err)
	}
	g.projCPUMs += float64((cpuTime() - cpu1).Microseconds()) / 1000
	g.blockMs = append(g.blockMs, float64(t1.Sub(t0).Microseconds())/1000)
	g.projMs = append(g.projMs, float64(time.Since(t1).Microseconds())/1000)
	g.cpuMs += float64((cpu1 - cpu0).Microseconds()) / 1000
	g.blocks++
	g.lastBlockTxs = len(txs)
	g.txs += len(txs)
	for _, e := range append(slices.Clone(res.Events), res.EndEvents...) {
		if e.Type != gongxu.EventPool {
			continue
		}
		for _, a := range e.Attrs {
			if a.Key == "status" && (a.Value == string(gongxu.PoolSucceeded) || a.Value == string(gongxu.PoolFailed)) {
				g.poolsClosed++
			}
		}
	}
	pend := g.pending
	g.pending = nil
	for _, r := range res.Txs {
		if r.Code != 0 {
			g.failed[r.Type]++
			if g.firstFail == "" {
				g.firstFail = fmt.Sprintf("%s at height %d: %s", r.Type, res.Height, r.Log)
			}
			delete(g.seq, g.signerName(r.Signer))
		}
		if len(pend) == 0 || r.Type != pend[0].typ {
			continue
		}
		p := pend[0]
		pend = pend[1:]
		if r.Code != 0 {
			continue
		}
		switch p.typ {
		case "pool/open":
			g.openPools = append(g.openPools, openPool{id: attrID(r.Events, "pool"), deadline: p.deadline})
			g.poolsOpened++
		case "production/po":
			g.poSent = append(g.poSent, gpo{id: attrID(r.Events, "po"), supplier: p.supplier})
		}
	}
}

func (g *growth) signerName(k gongxu.PubKey) string {
	for _, n := range g.names() {
		if chaintest.PubKey(n) == k {
			return n
		}
	}
	return ""
}

// attrID is the first attribute key of evs, as a number.
func attrID(evs []gongxu.Event, key string) uint64 {
	for _, e := range evs {
		for _, a := range e.Attrs {
			if a.Key == key {
				id, err := strconv.ParseUint(a.Value, 10, 64)
				if err == nil {
					return id
				}
			}
		}
	}
	return 0
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// growthRow is one checkpoint.
type growthRow struct {
	Txs, Blocks                           int
	PoolsOpened, PoolsClosed, POsReceived int
	StoreBytes                            int64 // the Pebble directory
	StoreKeys                             int64 // every key in Pebble: data, tree nodes, metadata
	StateKeys, StateBytes                 int64 // the data keys (the live state) and their keys' and values' bytes
	KeysBy                                map[string]int64
	BytesBy                               map[string]int64 // the data keys\' and values\' bytes by group
	ReadBytes                             int64            // the read model's files (database, WAL)
	Rows                                  map[string]int64
	BlockMean, BlockP99                   float64 // FinalizeBlock + Commit, ms, over the window
	CPUPerBlock                           float64 // process CPU during FinalizeBlock + Commit, ms a block
	ProjCPU                               float64 // process CPU during the projection, ms a block
	ProjMean, ProjP99                     float64 // projection, ms
	HeapMiB                               float64 // after a GC
	Wall                                  time.Duration
}

func (g *growth) checkpoint() growthRow {
	t0 := time.Now()
	r := growthRow{Txs: g.txs, Blocks: g.blocks, PoolsOpened: g.poolsOpened, PoolsClosed: g.poolsClosed, POsReceived: g.posReceived,
		KeysBy: map[string]int64{}, BytesBy: map[string]int64{}, Rows: map[string]int64{}}
	r.BlockMean, r.BlockP99 = meanP99(g.blockMs)
	r.ProjMean, r.ProjP99 = meanP99(g.projMs)
	r.CPUPerBlock = g.cpuMs / float64(max(1, len(g.blockMs)))
	r.ProjCPU = g.projCPUMs / float64(max(1, len(g.blockMs)))
	g.blockMs, g.projMs, g.cpuMs, g.projCPUMs = nil, nil, 0, 0
	r.StoreBytes = dirBytes(g.tb, filepath.Join(g.dir, "state"))
	if err := g.db.Iterate(nil, nil, func(k, v []byte) bool { r.StoreKeys++; return true }); err != nil {
		g.tb.Fatal(err)
	}
	if err := g.h.State.Iterate(nil, nil, func(k, v []byte) bool {
		r.StateKeys++
		r.StateBytes += int64(len(k) + len(v))
		r.KeysBy[keyGroup(k)]++
		r.BytesBy[keyGroup(k)] += int64(len(k) + len(v))
		return true
	}); err != nil {
		g.tb.Fatal(err)
	}
	for _, f := range []string{"read.db", "read.db-wal"} {
		if st, err := os.Stat(filepath.Join(g.dir, f)); err == nil {
			r.ReadBytes += st.Size()
		}
	}
	r.Rows = rowCounts(g.tb, filepath.Join(g.dir, "read.db"))
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	r.HeapMiB = float64(ms.HeapAlloc) / (1 << 20)
	r.Wall = time.Since(t0)
	return r
}

// keyGroup is a data key's module and kind: its text up to the second
// '/' (or ':'), digits and hex left out.
func keyGroup(k []byte) string {
	s := string(k)
	cut := 0
	for i := 0; i < len(s) && cut < 2; i++ {
		if s[i] == '/' || s[i] == ':' {
			cut++
			if cut == 2 {
				s = s[:i]
				break
			}
		}
	}
	if len(s) > 40 {
		s = s[:40]
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e {
			return '.'
		}
		return r
	}, s)
}

func dirBytes(tb testing.TB, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

// rowCounts counts the rows of every table of the read model, on a
// connection of its own.
func rowCounts(tb testing.TB, path string) map[string]int64 {
	db, err := sql.Open("sqlite", path+"?_query_only=1&_pragma=busy_timeout(10000)")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rs, err := db.Query(`SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for rs.Next() {
		var n string
		if err := rs.Scan(&n); err != nil {
			tb.Fatal(err)
		}
		names = append(names, n)
	}
	rs.Close()
	out := map[string]int64{}
	for _, n := range names {
		var c int64
		if err := db.QueryRow(`SELECT count(*) FROM "` + n + `"`).Scan(&c); err != nil {
			tb.Fatal(err)
		}
		if c > 0 {
			out[n] = c
		}
	}
	return out
}

func meanP99(xs []float64) (float64, float64) {
	if len(xs) == 0 {
		return 0, 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	var sum float64
	for _, x := range s {
		sum += x
	}
	return sum / float64(len(s)), s[min(len(s)-1, len(s)*99/100)]
}

func (r growthRow) line() string {
	return fmt.Sprintf("%d txs, %d blocks: store %.1f MiB %d keys, state %d keys %.1f MiB, read model %.1f MiB, block %.1f/%.1f ms (cpu %.1f), projection %.1f/%.1f ms (cpu %.1f), heap %.0f MiB",
		r.Txs, r.Blocks, mib(r.StoreBytes), r.StoreKeys, r.StateKeys, mib(r.StateBytes), mib(r.ReadBytes), r.BlockMean, r.BlockP99, r.CPUPerBlock, r.ProjMean, r.ProjP99, r.ProjCPU, r.HeapMiB)
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }

// growthTable is the checkpoints as a Markdown table, then the state's keys
// by group and the read model's rows by table, at each checkpoint.
func growthTable(rows []growthRow) string {
	var b strings.Builder
	b.WriteString("| txs | blocks | store MiB | store keys | state keys | state MiB | read model MiB | block ms mean | p99 | CPU ms/block | projection ms mean | p99 | CPU ms/block | heap MiB |\n")
	b.WriteString("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| %d | %d | %.1f | %d | %d | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.0f |\n", r.Txs, r.Blocks, mib(r.StoreBytes), r.StoreKeys,
			r.StateKeys, mib(r.StateBytes), mib(r.ReadBytes), r.BlockMean, r.BlockP99, r.CPUPerBlock, r.ProjMean, r.ProjP99, r.ProjCPU, r.HeapMiB)
	}
	b.WriteString("\nstate keys by group, at each checkpoint:\n")
	b.WriteString(byGroup(rows, func(r growthRow) map[string]int64 { return r.KeysBy }))
	b.WriteString("\nstate bytes (keys and values) by group, at each checkpoint:\n")
	b.WriteString(byGroup(rows, func(r growthRow) map[string]int64 { return r.BytesBy }))
	b.WriteString("\nread model rows by table, at each checkpoint:\n")
	b.WriteString(byGroup(rows, func(r growthRow) map[string]int64 { return r.Rows }))
	return b.String()
}

func byGroup(rows []growthRow, m func(growthRow) map[string]int64) string {
	var names []string
	for _, r := range rows {
		for k := range m(r) {
			if !slices.Contains(names, k) {
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, n := range names {
		fmt.Fprintf(&b, "%-40s", n)
		for _, r := range rows {
			fmt.Fprintf(&b, " %10d", m(r)[n])
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func growthCSV(rows []growthRow) string {
	var b strings.Builder
	b.WriteString("txs,blocks,pools_opened,pools_closed,pos_received,store_bytes,store_keys,state_keys,state_bytes,read_bytes,block_ms_mean,block_ms_p99,cpu_ms_per_block,proj_ms_mean,proj_ms_p99,proj_cpu_ms_per_block,heap_mib,checkpoint_s")
	var groups, tables []string
	for _, r := range rows {
		for k := range r.KeysBy {
			if !slices.Contains(groups, k) {
				groups = append(groups, k)
			}
		}
		for k := range r.Rows {
			if !slices.Contains(tables, k) {
				tables = append(tables, k)
			}
		}
	}
	slices.Sort(groups)
	slices.Sort(tables)
	for _, k := range groups {
		b.WriteString(",keys:" + strings.ReplaceAll(k, ",", "_"))
	}
	for _, k := range groups {
		b.WriteString(",bytes:" + strings.ReplaceAll(k, ",", "_"))
	}
	for _, t := range tables {
		b.WriteString(",rows:" + t)
	}
	b.WriteByte('\n')
	for _, r := range rows {
		fmt.Fprintf(&b, "%d,%d,%d,%d,%d,%d,%d,%d,%d,%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f,%.1f,%.1f", r.Txs, r.Blocks, r.PoolsOpened, r.PoolsClosed, r.POsReceived,
			r.StoreBytes, r.StoreKeys, r.StateKeys, r.StateBytes, r.ReadBytes, r.BlockMean, r.BlockP99, r.CPUPerBlock, r.ProjMean, r.ProjP99, r.ProjCPU, r.HeapMiB, r.Wall.Seconds())
		for _, k := range groups {
			fmt.Fprintf(&b, ",%d", r.KeysBy[k])
		}
		for _, k := range groups {
			fmt.Fprintf(&b, ",%d", r.BytesBy[k])
		}
		for _, t := range tables {
			fmt.Fprintf(&b, ",%d", r.Rows[t])
		}
		b.WriteByte('\n')
	}
	return b.String()
}
