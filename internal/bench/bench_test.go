package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func ms2d(xs ...int) []time.Duration {
	out := make([]time.Duration, len(xs))
	for i, x := range xs {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	for _, c := range []struct {
		name string
		in   []time.Duration
		p    float64
		want time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms2d(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100", hundred, 100, 100 * time.Millisecond},
		{"p0 is the minimum", hundred, 0, 1 * time.Millisecond},
		{"p50 of 4 rounds up the rank", ms2d(10, 20, 30, 40), 50, 20 * time.Millisecond},
		{"p51 of 4", ms2d(10, 20, 30, 40), 51, 30 * time.Millisecond},
		{"p99 of 10 is the max", ms2d(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"p99 of 200", func() []time.Duration {
			xs := make([]time.Duration, 200)
			for i := range xs {
				xs[i] = time.Duration(i + 1)
			}
			return xs
		}(), 99, 198},
	} {
		if got := Percentile(c.in, c.p); got != c.want {
			t.Errorf("%s: Percentile(p%v) = %v, want %v", c.name, c.p, got, c.want)
		}
	}
}

func TestSummarizeSortsFirst(t *testing.T) {
	l := Summarize(ms2d(900, 100, 500, 300, 700))
	if l.N != 5 || l.P50 != 500*time.Millisecond || l.P99 != 900*time.Millisecond || l.Max != 900*time.Millisecond {
		t.Fatalf("Summarize = %+v", l)
	}
	if l := Summarize(nil); l.N != 0 || l.P50 != 0 || l.Max != 0 {
		t.Fatalf("Summarize(nil) = %+v", l)
	}
}

func TestPacerEmitsExactlyRateTimesElapsed(t *testing.T) {
	for _, rate := range []int{1, 333, 1000, 6000} {
		p := &Pacer{Rate: rate}
		var total int64
		// Irregular, sometimes late, sometimes repeated ticks over 10 s.
		for el := time.Duration(0); el <= 10*time.Second; el += time.Duration(1+(el/time.Millisecond)%7) * time.Millisecond {
			n := p.Next(el)
			if n < 0 {
				t.Fatalf("rate %d: negative slots at %v", rate, el)
			}
			total += n
			if again := p.Next(el); again != 0 {
				t.Fatalf("rate %d: asking twice at %v emitted %d more", rate, el, again)
			}
		}
		total += p.Next(10 * time.Second)
		if want := int64(rate) * 10; total != want || p.Emitted() != want {
			t.Errorf("rate %d: emitted %d (Emitted %d) in 10s, want %d", rate, total, p.Emitted(), want)
		}
	}
}

func TestPacerCatchesUpAndNeverGoesBack(t *testing.T) {
	p := &Pacer{Rate: 1000}
	if n := p.Next(0); n != 0 {
		t.Fatalf("slots at t=0: %d", n)
	}
	if n := p.Next(250 * time.Millisecond); n != 250 {
		t.Fatalf("late tick at 250ms: %d slots, want 250 (an open loop catches up)", n)
	}
	if n := p.Next(100 * time.Millisecond); n != 0 {
		t.Fatalf("time going back emitted %d", n)
	}
	if n := p.Next(300 * time.Millisecond); n != 50 {
		t.Fatalf("tick at 300ms: %d, want 50", n)
	}
	if n := (&Pacer{Rate: 0}).Next(time.Second); n != 0 {
		t.Fatalf("rate 0 emitted %d", n)
	}
}

func TestPoolDropsWhenAllBusy(t *testing.T) {
	p := NewPool(2)
	if !p.AllIdle() {
		t.Fatal("a new pool is idle")
	}
	a, ok1 := p.Take()
	b, ok2 := p.Take()
	if !ok1 || !ok2 || a == b {
		t.Fatalf("took %d,%v and %d,%v", a, ok1, b, ok2)
	}
	if _, ok := p.Take(); ok {
		t.Fatal("took a third worker from a pool of 2")
	}
	if p.AllIdle() {
		t.Fatal("AllIdle with two busy workers")
	}
	p.Put(b)
	if c, ok := p.Take(); !ok || c != b {
		t.Fatalf("after Put(%d), Take = %d,%v", b, c, ok)
	}
	p.Put(a)
	p.Put(b)
	if !p.AllIdle() {
		t.Fatal("not idle after every worker came back")
	}
}

func TestBlockWindowUsesWholeBlockIntervals(t *testing.T) {
	t0 := time.Unix(1000, 0)
	at := func(ms int) time.Time { return t0.Add(time.Duration(ms) * time.Millisecond) }
	blocks := []BlockSeen{
		{At: at(500), Txs: 10, Ours: 10},    // before the window: starts the first interval
		{At: at(1200), Txs: 700, Ours: 700}, // in
		{At: at(1900), Txs: 800, Ours: 700}, // in (100 are not the load's)
		{At: at(2600), Txs: 50, Ours: 50},   // in
		{At: at(3100), Txs: 999, Ours: 999}, // after
	}
	s := BlockWindow(blocks, Window{From: at(1000), To: at(3000)})
	if s.Blocks != 3 || s.MaxTxs != 800 || s.Txs != 1450 || s.Span != 2100*time.Millisecond {
		t.Fatalf("BlockWindow = %+v", s)
	}
	if got, want := s.Rate(), 1450/2.1; got < want-1e-6 || got > want+1e-6 {
		t.Fatalf("Rate = %v, want %v", got, want)
	}
	// No block before the window: the first interval starts at the window.
	s = BlockWindow(blocks[1:], Window{From: at(1000), To: at(3000)})
	if s.Span != 1600*time.Millisecond {
		t.Fatalf("span without a block before the window = %v", s.Span)
	}
	if s := BlockWindow(blocks, Window{From: at(3200), To: at(4000)}); s.Blocks != 0 || s.Rate() != 0 {
		t.Fatalf("empty window = %+v", s)
	}
}

func TestCompareMatchesRates(t *testing.T) {
	app := AppResult{App: "gongxu", SaturationTPS: 1500, Steps: []StepResult{{Rate: 500, CommittedTPS: 500, CPUPerTxUs: 300}, {Rate: 2000, CommittedTPS: 1500}, {Rate: 9000, CommittedTPS: 1}}}
	base := AppResult{App: "kvstore", SaturationTPS: 2000, Steps: []StepResult{{Rate: 500, CommittedTPS: 400, CPUPerTxUs: 200}, {Rate: 2000, CommittedTPS: 2000, CPUPerTxUs: 100}}}
	r := Compare(app, base)
	if r.Saturation != 0.75 || len(r.PerRate) != 2 || r.PerRate[0] != (RateRatio{500, 1.25}) || r.PerRate[1] != (RateRatio{2000, 0.75}) {
		t.Fatalf("Compare = %+v", r)
	}
	if len(r.CPUPerTx) != 1 || r.CPUPerTx[0] != (RateRatio{500, 1.5}) {
		t.Fatalf("CPU per tx ratios = %+v (a rate without both measures has none)", r.CPUPerTx)
	}
	if r := Compare(app, AppResult{}); r.Saturation != 0 {
		t.Fatalf("ratio over a zero baseline = %v", r.Saturation)
	}
}

// A block's last commit gives its previous height's round: the poller
// puts it on that height, and the window counts the heights decided after
// round 0 (not the ones whose round is not known yet).
func TestLaterRounds(t *testing.T) {
	r := &Runner{pending: map[[32]byte]pendingTx{}, errs: map[string]int64{}}
	t0 := time.Unix(1000, 0)
	for i, round := range []int{0, 0, 2, 0, 1} { // block i+1's last commit: height i's round
		r.observe(Block{Height: int64(i + 1), LastRound: round}, t0.Add(time.Duration(i)*time.Second))
	}
	r.observe(Block{Height: 9, LastRound: 3}, t0.Add(9*time.Second)) // not the next height: says nothing of 5
	var got []int
	for _, b := range r.blocks {
		got = append(got, b.Round)
	}
	if want := []int{0, 2, 0, 1, -1, -1}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("rounds %v, want %v", got, want)
	}
	if s := BlockWindow(r.blocks, Window{From: t0, To: t0.Add(10 * time.Second)}); s.Blocks != 6 || s.LaterRounds != 2 {
		t.Fatalf("BlockWindow = %+v, want 6 blocks, 2 after round 0", s)
	}
}

func TestBlockReadsLastCommitRound(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(`{"result":{"block":{"header":{"time":"2026-12-08T04:00:00Z"},"data":{"txs":["eA=="]},"last_commit":{"round":3}}}}`))
	}))
	defer srv.Close()
	c := NewRPC(1)
	defer c.Close()
	b, err := c.Block(context.Background(), srv.URL, 7, false)
	if err != nil || b.LastRound != 3 || len(b.Hashes) != 1 {
		t.Fatalf("Block = %+v, %v; want last round 3 and 1 tx", b, err)
	}
}
