package scenario

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// traceQueryServer answers abci_query from app as a node's RPC does; while
// skewed is positive, each answer counts it down and reports, every other
// time, a height one more than the state's (a block committing between two
// queries), and
// queries counts the event-record look-ups (trace/event/…).
type traceQueryServer struct {
	url     string
	skewed  atomic.Int64
	queries atomic.Int64
}

func newTraceQueryServer(t *testing.T, app *comet.App) *traceQueryServer {
	s := &traceQueryServer{}
	s.url = abciQueryServer(t, app, func(data []byte, h int64) int64 {
		if strings.HasPrefix(string(data), "trace/event/") {
			s.queries.Add(1)
		}
		if k := s.skewed.Add(-1); k >= 0 {
			h += k % 2
		}
		return h
	}).URL
	return s
}

// traceCountChain is a chain of two bench factories f0 and f1 (signers 0
// and 1 of the bench's documents) and a third, other, outside the load.
func traceCountChain(t *testing.T) (*chaintest.Harness, *traceQueryServer, []ed25519.PrivateKey, time.Time) {
	factory := []gongxu.Role{gongxu.RoleFactory}
	h := chaintest.New(t, chaintest.OrgSpec{ID: "f0", Roles: []gongxu.Role{gongxu.RoleFactory, gongxu.RoleValidator}},
		chaintest.OrgSpec{ID: "f1", Roles: factory}, chaintest.OrgSpec{ID: "other", Roles: factory})
	return h, newTraceQueryServer(t, comet.NewApp(h.App)), []ed25519.PrivateKey{chaintest.Key("f0"), chaintest.Key("f1")},
		time.UnixMilli(h.Time).Add(-2 * time.Hour)
}

// traceCapture is the bench's capture of signer's document number doc, of n
// events, signed by org with sequence seq.
func traceCapture(h *chaintest.Harness, org string, signer int, doc uint64, n int, epoch time.Time, seq uint64) []byte {
	body := append(append([]byte(`{"document":`), traceDocument(signer, doc, n, 2, epoch)...), '}')
	return h.SignSeq(org, trace.TypeCapture, json.RawMessage(body), seq)
}

// TestTraceCounterCountsStoredEvents: bench trace's success count (--count
// chain) is each signer's captures whose events the chain stored since the
// step's base: every capture when the events stored are n times the
// sequences' advance (no event looked up), and without a capture that
// passed the chain's checks (its sequence advanced) but failed in its
// handler, found by its first event's key.
func TestTraceCounterCountsStoredEvents(t *testing.T) {
	const n = 3
	h, srv, keys, epoch := traceCountChain(t)
	rpc := bench.NewRPC(1)
	defer rpc.Close()
	ctx := context.Background()
	counts := func(c *traceCounter) ([]uint64, error) {
		t.Helper()
		var out []uint64
		for i := range keys {
			k, height, err := c.succeeded(ctx, rpc, srv.url, i)
			if err != nil {
				return nil, err
			}
			if height != h.Height {
				t.Fatalf("counted at height %d, the chain is at %d", height, h.Height)
			}
			out = append(out, k)
		}
		return out, nil
	}
	newCounter := func() *traceCounter {
		t.Helper()
		c, err := newTraceCounter(ctx, rpc, srv.url, keys, n, 2, epoch)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	// Every capture stored: the sequences say it, no event is looked up.
	c := newCounter()
	for _, r := range h.Block(traceCapture(h, "f0", 0, 1, n, epoch, 1), traceCapture(h, "f1", 1, 1, n, epoch, 1),
		traceCapture(h, "f0", 0, 2, n, epoch, 2)).Txs {
		chaintest.MustOK(t, r)
	}
	if got, err := counts(c); err != nil || got[0] != 2 || got[1] != 1 {
		t.Fatalf("counts %v, %v: want [2 1]", got, err)
	}
	if q := srv.queries.Load(); q != 0 {
		t.Fatalf("%d event look-ups with every capture stored, want none", q)
	}

	// f1's capture of sequence 2 repeats its document 1: it passes the
	// chain's checks (its sequence advances) and fails in its handler
	// (the events are on the ledger), storing nothing.
	c = newCounter()
	res := h.Block(traceCapture(h, "f0", 0, 3, n, epoch, 3), traceCapture(h, "f1", 1, 1, n, epoch, 2),
		traceCapture(h, "f1", 1, 3, n, epoch, 3))
	if res.Txs[0].Code != 0 || res.Txs[1].Code == 0 || res.Txs[2].Code != 0 {
		t.Fatalf("codes %d %d %d, want 0, a failure, 0", res.Txs[0].Code, res.Txs[1].Code, res.Txs[2].Code)
	}
	if next, _, err := committedSeq(ctx, rpc, srv.url, keys[1]); err != nil || next != 4 {
		t.Fatalf("f1's next sequence %d, %v: want 4 (the failed capture advanced it, which the count must not take as a success)", next, err)
	}
	if got, err := counts(c); err != nil || got[0] != 1 || got[1] != 1 {
		t.Fatalf("counts %v, %v: want [1 1] (f1's failed capture left out)", got, err)
	}
	if q := srv.queries.Load(); q != 3 {
		t.Fatalf("%d event look-ups, want one per capture of the step (3)", q)
	}
	// The runner asks once per signer: the first call counts for all.
	if _, _, err := c.succeeded(ctx, rpc, srv.url, 0); err != nil || srv.queries.Load() != 3 {
		t.Fatalf("a second call looked events up again (%d) or failed: %v", srv.queries.Load(), err)
	}

	// Events of another org than the load's: not this load's count.
	c = newCounter()
	chaintest.MustOK(t, h.Deliver(traceCapture(h, "other", 7, 1, n, epoch, 1)))
	if _, err := counts(c); err == nil || !strings.Contains(err.Error(), "another load") {
		t.Fatalf("events of another org: %v, want an error", err)
	}
}

// TestTraceSnapshotOneHeight: the event count and the sequences are read
// again until every answer comes from one height, and a state that keeps
// moving is an error, not a count.
func TestTraceSnapshotOneHeight(t *testing.T) {
	h, srv, keys, epoch := traceCountChain(t)
	rpc := bench.NewRPC(1)
	defer rpc.Close()
	ctx := context.Background()
	chaintest.MustOK(t, h.Deliver(traceCapture(h, "f0", 0, 1, 2, epoch, 1)))
	srv.skewed.Store(2) // the first snapshot's first two answers
	s, err := readTraceSnapshot(ctx, rpc, srv.url, keys)
	if err != nil || s.height != h.Height || s.stored != 2 || s.next[0] != 2 || s.next[1] != 1 {
		t.Fatalf("snapshot %+v, %v: want height %d, 2 events, next sequences 2 and 1", s, err, h.Height)
	}
	if srv.skewed.Load() >= 0 {
		t.Fatal("the skewed answers were not read")
	}
	srv.skewed.Store(1 << 40)
	if s, err := readTraceSnapshot(ctx, rpc, srv.url, keys); err == nil {
		t.Fatalf("a state moving under every snapshot: %+v, want an error", s)
	}
}

// TestTraceFirstEventID: the id the counter looks a capture up by is the
// one the chain gives the first event of the document as sent, however
// many events it holds.
func TestTraceFirstEventID(t *testing.T) {
	epoch := time.Date(2026, 11, 22, 15, 0, 0, 0, time.UTC)
	for _, n := range []int{1, 2, 100} {
		d, err := epcis.ParseDocument(traceDocument(3, 17, n, 4, epoch), epcis.ParseOptions{MaxBytes: trace.MaxDocumentBytes})
		if err != nil {
			t.Fatal(err)
		}
		id, err := traceFirstEventID(3, 17, 4, epoch)
		if err != nil || id != d.Events[0].EventID || !d.Events[0].IDAssigned {
			t.Fatalf("%d events: %q, %v; the document's first event: %q", n, id, err, d.Events[0].EventID)
		}
	}
	if a, _ := traceFirstEventID(3, 18, 4, epoch); a == "" || a == mustFirstID(t, 3, 17, epoch) || a == mustFirstID(t, 4, 18, epoch) {
		t.Fatalf("documents of other sequences or signers share the id %q", a)
	}
}

func mustFirstID(t *testing.T, signer int, seq uint64, epoch time.Time) string {
	t.Helper()
	id, err := traceFirstEventID(signer, seq, 4, epoch)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestTraceCountOption: --count chooses the counter, the report says which,
// --submit how the load is sent, and anything else is refused.
func TestTraceCountOption(t *testing.T) {
	o := TraceOptions{Common: Common{Validators: 4, Step: 10 * time.Second}, Signers: 4, EPCs: 4, Sizes: []int{10}, StartRate: 10, Growth: 1.5, MaxSteps: 1}
	for _, c := range []struct{ count, cmd, counted string }{
		{"", "", "trace/seq/event"},
		{CountChain, "", "trace/seq/event"},
		{CountResults, " --count results", "/block_results"},
	} {
		o.Count = c.count
		if err := o.Check(); err != nil {
			t.Fatalf("%q: %v", c.count, err)
		}
		if cmd := o.command(); c.cmd != "" && !strings.HasSuffix(cmd, c.cmd) || c.cmd == "" && strings.Contains(cmd, "--count") {
			t.Fatalf("%q: command %s", c.count, cmd)
		}
		if got := newTraceReport(o).Counted; !strings.Contains(got, c.counted) {
			t.Fatalf("%q: counted %q", c.count, got)
		}
	}
	o.Count = "Results"
	if err := o.Check(); err == nil {
		t.Fatal("--count Results accepted")
	}
	o.Count = ""
	for _, c := range []struct{ submit, cmd string }{{"", ""}, {SubmitAPI, ""}, {SubmitRPC, " --submit rpc"}} {
		o.Submit = c.submit
		if err := o.Check(); err != nil {
			t.Fatalf("--submit %q: %v", c.submit, err)
		}
		if cmd := o.command(); c.cmd != "" && !strings.HasSuffix(cmd, c.cmd) || c.cmd == "" && strings.Contains(cmd, "--submit") {
			t.Fatalf("--submit %q: command %s", c.submit, cmd)
		}
	}
	o.Submit = "API"
	if err := o.Check(); err == nil {
		t.Fatal("--submit API accepted")
	}
}
