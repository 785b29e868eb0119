package scenario

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/gongxu-network/gongxu/internal/bench"
	"github.com/gongxu-network/gongxu/internal/epcis"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// How bench trace counts the captures that succeeded, without node 0
// serving every block's results (bench.Settle): the runner follows node 0
// through abci_info and /block, and after each step, once the nodes' CPU is
// read, one snapshot of node 0's committed state at one height gives the
// events stored (trace/seq/event) and each signer's sequence. A capture
// advances its signer's sequence when it passes the chain's checks (the
// signature, the budget, the sequence) and stores its document's n events
// only if its handler succeeds too, all or nothing: when the events stored
// since the step began are n times the sequences' advance, every capture
// that advanced a sequence stored its events, and each signer's count is its
// sequence's advance. Otherwise some captures failed in their handler, and
// each capture of the step is looked up by its first event's key
// (trace/event/<id>, the id the chain gives it: the event's hash), so that
// the counts are those of captures whose events are stored. A signer's
// count falling short of its txs seen included then has the runner read
// the results of those heights only, as bench ledger does.

// traceCountSource is the report's counted: line of --count chain.
const traceCountSource = "the events stored (trace/seq/event) and each signer's committed sequence, one snapshot of node 0's state after each step " +
	"(a capture failing in its handler found by its first event's key); block_results only for a step whose counts fall short"

// traceSnapshotTries bounds the attempts at reading the event count and
// every sequence at one height while blocks are still committing.
const traceSnapshotTries = 100

// traceSnapshot is what node 0's committed state said at one height.
type traceSnapshot struct {
	height int64
	stored int64    // events stored: trace/seq/event
	next   []uint64 // each signer's next sequence
}

// traceCounter is the bench.Settle of one step of documents of n events.
type traceCounter struct {
	keys    []ed25519.PrivateKey
	n, epcs int
	epoch   time.Time
	base    traceSnapshot // before the step's runner started

	once   sync.Once
	counts []uint64 // each signer's captures stored since base
	height int64
	err    error
}

// newTraceCounter reads the step's base through node and returns its
// counter.
func newTraceCounter(ctx context.Context, rpc *bench.RPC, node string, keys []ed25519.PrivateKey, n, epcs int, epoch time.Time) (*traceCounter, error) {
	base, err := readTraceSnapshot(ctx, rpc, node, keys)
	if err != nil {
		return nil, err
	}
	return &traceCounter{keys: keys, n: n, epcs: epcs, epoch: epoch, base: base}, nil
}

// settle is the counter as the runner's bench.Settle.
func (c *traceCounter) settle() *bench.Settle {
	return &bench.Settle{Source: traceCountSource, Succeeded: c.succeeded}
}

// succeeded is bench.Settle.Succeeded: the runner asks once per signer, in
// parallel; the first call counts for all of them.
func (c *traceCounter) succeeded(ctx context.Context, rpc *bench.RPC, node string, i int) (uint64, int64, error) {
	c.once.Do(func() { c.counts, c.height, c.err = c.count(ctx, rpc, node) })
	if c.err != nil {
		return 0, 0, c.err
	}
	return c.counts[i], c.height, nil
}

// count returns each signer's captures whose events were stored since the
// base, and the height that says so.
func (c *traceCounter) count(ctx context.Context, rpc *bench.RPC, node string) ([]uint64, int64, error) {
	now, err := readTraceSnapshot(ctx, rpc, node, c.keys)
	if err != nil {
		return nil, 0, err
	}
	txs := make([]uint64, len(c.keys))
	var advanced uint64
	for i := range c.keys {
		if now.next[i] < c.base.next[i] {
			return nil, 0, fmt.Errorf("signer %d: committed sequence %d at height %d is before %d at height %d", i, now.next[i], now.height, c.base.next[i], c.base.height)
		}
		txs[i] = now.next[i] - c.base.next[i]
		advanced += txs[i]
	}
	events := now.stored - c.base.stored
	switch want := int64(advanced) * int64(c.n); {
	case events == want:
		return txs, now.height, nil
	case events > want || events < 0:
		return nil, 0, fmt.Errorf("%d events stored from height %d to %d, but the load's %d captures that passed the chain's checks hold %d: events of another load",
			events, c.base.height, now.height, advanced, want)
	}
	// Some captures failed in their handler: which, by their first event.
	// A key once stored stays: a later height than now's answers the same.
	counts := make([]uint64, len(c.keys))
	var found int64
	for i := range c.keys {
		for seq := c.base.next[i]; seq < now.next[i]; seq++ {
			ok, err := c.stored(ctx, rpc, node, i, seq)
			if err != nil {
				return nil, 0, err
			}
			if ok {
				counts[i]++
				found += int64(c.n)
			}
		}
	}
	if found != events {
		return nil, 0, fmt.Errorf("%d events stored from height %d to %d, the captures found stored hold %d", events, c.base.height, now.height, found)
	}
	return counts, now.height, nil
}

// stored says whether signer i's capture of sequence seq is stored, by its
// first event's key.
func (c *traceCounter) stored(ctx context.Context, rpc *bench.RPC, node string, i int, seq uint64) (bool, error) {
	id, err := traceFirstEventID(i, seq, c.epcs, c.epoch)
	if err != nil {
		return false, err
	}
	v, _, err := rpc.ABCIQueryAt(ctx, node, "/prove", traceEventKey(id))
	if err != nil {
		return false, fmt.Errorf("signer %d capture %d: %w", i, seq, err)
	}
	return len(v) > 0, nil
}

// traceEventKey is the state key of a stored event's record (the trace
// module's "trace/event/<id>").
func traceEventKey(id string) []byte { return []byte("trace/event/" + id) }

// traceFirstEventID is the id the chain gives the first event of signer's
// document number seq: its hash (the bench's events carry no eventID),
// which depends on the event and the document's @context only, not on how
// many events follow it.
func traceFirstEventID(signer int, seq uint64, epcs int, epoch time.Time) (string, error) {
	d, err := epcis.ParseDocument(traceDocument(signer, seq, 1, epcs, epoch), epcis.ParseOptions{MaxBytes: trace.MaxDocumentBytes})
	if err != nil {
		return "", fmt.Errorf("signer %d document %d: %w", signer, seq, err)
	}
	return d.Events[0].EventID, nil
}

// readTraceSnapshot reads the events stored and every signer's next
// sequence from node's committed state, all at one height.
func readTraceSnapshot(ctx context.Context, rpc *bench.RPC, node string, keys []ed25519.PrivateKey) (traceSnapshot, error) {
	for try := 1; ; try++ {
		s, same, err := readTraceSnapshotOnce(ctx, rpc, node, keys)
		if err != nil || same {
			return s, err
		}
		if try == traceSnapshotTries {
			return traceSnapshot{}, fmt.Errorf("the committed state moved on during each of %d snapshots", try)
		}
		if err := sleep(ctx, 20*time.Millisecond); err != nil {
			return traceSnapshot{}, err
		}
	}
}

// readTraceSnapshotOnce reads the snapshot's values and says whether every
// one was answered at the same height.
func readTraceSnapshotOnce(ctx context.Context, rpc *bench.RPC, node string, keys []ed25519.PrivateKey) (traceSnapshot, bool, error) {
	s := traceSnapshot{next: make([]uint64, len(keys))}
	var err error
	if s.stored, s.height, err = storedEventsAt(ctx, rpc, node); err != nil {
		return s, false, err
	}
	same := true
	for i, k := range keys {
		next, h, err := committedSeq(ctx, rpc, node, k)
		if err != nil {
			return s, false, fmt.Errorf("signer %d: %w", i, err)
		}
		s.next[i], same = next, same && h == s.height
	}
	_, h, err := storedEventsAt(ctx, rpc, node)
	return s, same && h == s.height, err
}

// storedEventsAt is the number of events stored on the chain, as node's
// committed state says (the trace module's event sequence), and the height
// that says so.
func storedEventsAt(ctx context.Context, rpc *bench.RPC, node string) (int64, int64, error) {
	v, h, err := rpc.ABCIQueryAt(ctx, node, "/prove", []byte("trace/seq/event"))
	if err != nil {
		return 0, 0, fmt.Errorf("events on the chain: %w", err)
	}
	var n int64
	if len(v) > 0 {
		if err := json.Unmarshal(v, &n); err != nil {
			return 0, 0, fmt.Errorf("events on the chain: %q: %w", v, err)
		}
	}
	return n, h, nil
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
