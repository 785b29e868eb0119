package testenv_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// faultTest carries what the steps of TestFaults share.
type faultTest struct {
	t     *testing.T
	net   *testenv.Network
	ctx   context.Context
	start time.Time
	// top is the highest height a send or sendAll committed: the next one
	// waits for its node to reach it, because a step may act on what the
	// one before it did through another node, which CheckTx there judges
	// by that node's own state.
	top int64
}

// logf logs a step with the time since the test began, so a CI log shows
// where a slow or failed run spent its time.
func (f *faultTest) logf(format string, args ...any) {
	f.t.Helper()
	f.t.Logf("[%5.1fs] "+format, append([]any{time.Since(f.start).Seconds()}, args...)...)
}

func (f *faultTest) must(err error) {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
}

// heights returns the heights of the given nodes (-1 for a node that does not
// answer).
func (f *faultTest) heights(nodes ...int) []int64 {
	out := make([]int64, len(nodes))
	for k, i := range nodes {
		h, err := f.net.Height(i)
		if err != nil {
			h = -1
		}
		out[k] = h
	}
	return out
}

// waitAll waits until every given node has committed height h.
func (f *faultTest) waitAll(h int64, nodes ...int) {
	f.t.Helper()
	for _, i := range nodes {
		f.must(f.net.WaitHeight(f.ctx, i, h))
	}
}

// send submits a message and waits for its commit; it must succeed.
func (f *faultTest) send(via, signer int, typ string, msg any) gongxu.TxResult {
	f.t.Helper()
	f.must(f.net.WaitHeight(f.ctx, via, f.top))
	res, err := f.net.Send(f.ctx, via, signer, typ, msg)
	if err != nil {
		f.t.Fatalf("%s from org-%d via node %d: %v", typ, signer, via, err)
	}
	if res.Code != 0 {
		f.t.Fatalf("%s from org-%d via node %d: rejected: %+v", typ, signer, via, res)
	}
	f.top = max(f.top, res.Height)
	return res
}

// sendAll sends one message per signer, concurrently, signer i through node
// via(i); every one must commit with code 0. It returns the highest height.
func (f *faultTest) sendAll(signers []int, via func(int) int, typ string, msg func(int) any) int64 {
	f.t.Helper()
	res := make([]gongxu.TxResult, len(signers))
	errs := make([]error, len(signers))
	for _, i := range signers {
		f.must(f.net.WaitHeight(f.ctx, via(i), f.top))
	}
	var wg sync.WaitGroup
	for k, i := range signers {
		wg.Go(func() { res[k], errs[k] = f.net.Send(f.ctx, via(i), i, typ, msg(i)) })
	}
	wg.Wait()
	var top int64
	for k, i := range signers {
		if errs[k] != nil {
			f.t.Fatalf("%s from org-%d via node %d: %v", typ, i, via(i), errs[k])
		}
		if res[k].Code != 0 {
			f.t.Fatalf("%s from org-%d via node %d: rejected: %+v", typ, i, via(i), res[k])
		}
		top = max(top, res[k].Height)
	}
	f.top = max(f.top, top)
	return top
}

// readModel returns node i's /v1/orgs and /v1/proposals as JSON, once its
// read model has projected height h.
func (f *faultTest) readModel(i int, h int64) (orgs, props string) {
	f.t.Helper()
	f.must(f.net.WaitReadModel(f.ctx, i, h))
	c := f.net.Client(i)
	o, err := c.Orgs(f.ctx)
	f.must(err)
	p, err := c.Proposals(f.ctx, gongxu.ProposalFilter{})
	f.must(err)
	ob, _ := json.Marshal(o)
	pb, _ := json.Marshal(p)
	return string(ob), string(pb)
}

// sameReadModels checks that the given nodes' read models agree at height h
// (and are not changing: callers let the chain settle first).
func (f *faultTest) sameReadModels(h int64, nodes ...int) {
	f.t.Helper()
	orgs0, props0 := f.readModel(nodes[0], h)
	for _, i := range nodes[1:] {
		orgs, props := f.readModel(i, h)
		if orgs != orgs0 {
			f.t.Errorf("/v1/orgs of node %d differs from node %d's:\n%s\n%s", i, nodes[0], orgs, orgs0)
		}
		if props != props0 {
			f.t.Errorf("/v1/proposals of node %d differs from node %d's:\n%s\n%s", i, nodes[0], props, props0)
		}
	}
}

// compare checks the nodes hold the same blocks and app hashes at every
// height up to h.
func (f *faultTest) compare(h int64, nodes ...int) {
	f.t.Helper()
	if err := f.net.CompareChains(1, h, nodes...); err != nil {
		f.t.Fatal(err)
	}
	app, _ := f.net.AppHash(nodes[0], h)
	f.logf("nodes %v agree on every block and app hash up to height %d (app hash %.12s…)", nodes, h, app)
}

func all() []int { return []int{0, 1, 2, 3} }

// TestFaults runs 4 validators as separate processes and checks that the
// chain survives a crashed node, halts without forking when only half the
// voting power is left, resumes when a third validator returns, and that a
// node killed under load recovers to the same state as its peers.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network of processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	f := &faultTest{t: t, ctx: ctx, start: time.Now()}
	f.net = testenv.NewNetwork(t, 4)
	net := f.net
	f.logf("testnet in %s; APIs %s … %s", net.Dir, net.Nodes[0].API, net.Nodes[3].API)

	// 1. All four start and commit; member transactions and a governance
	// round go through different nodes' APIs, and every read model agrees.
	net.StartAll()
	f.waitAll(3, all()...)
	f.logf("step 1: all 4 nodes at height ≥ 3: %v", f.heights(all()...))

	top := f.sendAll(all(), func(i int) int { return (i + 1) % 4 }, member.TypeUpdateOrg,
		func(i int) any { return member.MsgUpdateOrg{Description: fmt.Sprintf("org %d, round 1", i)} })
	f.logf("step 1: update_org from each org committed, up to height %d", top)

	prop := f.send(0, 0, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalSetParam, Title: "Fewer keys per org", Param: "max_org_keys", Value: 5})
	f.must(net.WaitReadModel(ctx, 0, prop.Height))
	open, err := net.Client(0).Proposals(ctx, gongxu.ProposalFilter{Status: gongxu.ProposalOpen})
	f.must(err)
	if len(open) != 1 || open[0].Title != "Fewer keys per org" {
		t.Fatalf("open proposals after the proposal: %+v", open)
	}
	id := open[0].ID
	f.send(1, 1, member.TypeVote, member.MsgVote{Proposal: id, Yes: true})
	last := f.send(2, 2, member.TypeVote, member.MsgVote{Proposal: id, Yes: true})
	f.must(net.WaitHeight(ctx, 3, last.Height)) // node 3 knows the proposal passed
	late, err := net.Send(ctx, 3, 3, member.TypeVote, member.MsgVote{Proposal: id, Yes: true})
	f.must(err)
	if late.Code == 0 || late.Kind != gongxu.KindConflict.String() {
		t.Errorf("a vote on a decided proposal: %+v, want a conflict", late)
	}
	top = max(top, last.Height, late.Height)
	f.logf("step 1: proposal %d (set_param max_org_keys 5) proposed by org-0, voted by org-1 and org-2 (height %d); org-3's late vote rejected (%s)", id, last.Height, late.Kind)
	for _, i := range all() {
		f.must(net.WaitReadModel(ctx, i, top))
		p, err := net.Client(i).Proposal(ctx, id)
		f.must(err)
		if p.Status != gongxu.ProposalPassed || !slices.Equal(p.Yes, []gongxu.OrgID{"org-0", "org-1", "org-2"}) {
			t.Errorf("node %d: proposal %d is %s with yes votes %v, want passed with org-0, org-1, org-2", i, id, p.Status, p.Yes)
		}
		for j := range 4 {
			o, err := net.Client(i).Org(ctx, net.Nodes[j].Org)
			f.must(err)
			if want := fmt.Sprintf("org %d, round 1", j); o.Description != want {
				t.Errorf("node %d: org-%d's description is %q, want %q", i, j, o.Description, want)
			}
		}
	}
	f.sameReadModels(top, all()...)
	f.logf("step 1: the 4 read models agree on /v1/orgs and /v1/proposals at height %d", top)

	// 2. Node 3 crashes; the other three (30 of 40 power) keep committing.
	net.Kill(3)
	before := f.heights(0, 1, 2)
	f.logf("step 2: killed node 3 (SIGKILL); heights of nodes 0-2: %v", before)
	top = f.sendAll([]int{0, 1, 2}, func(i int) int { return i }, member.TypeUpdateOrg,
		func(i int) any { return member.MsgUpdateOrg{Description: fmt.Sprintf("org %d, round 2", i)} })
	f.waitAll(slices.Max(before)+2, 0, 1, 2)
	f.logf("step 2: without node 3, update_org from org-0..2 committed up to height %d; heights now %v", top, f.heights(0, 1, 2))

	// 3. Node 3 restarts, catches up, and agrees with the others.
	net.Start(3)
	h, err := net.Height(0)
	f.must(err)
	f.waitAll(h, all()...)
	f.logf("step 3: restarted node 3; it caught up to height %d: %v", h, f.heights(all()...))
	f.compare(h, all()...)
	f.sameReadModels(h, all()...)
	f.logf("step 3: the 4 read models agree at height %d", h)

	// 4. With nodes 2 and 3 stopped, 20 of 40 power is left (< 2/3): the chain
	// halts, transactions wait in the mempool, and nodes 0 and 1 do not fork.
	net.Stop(2)
	net.Stop(3)
	halted := f.heights(0, 1)
	f.logf("step 4: stopped nodes 2 and 3 (SIGTERM); heights of nodes 0, 1: %v", halted)
	pending := submitNoWait(f, 0, 0, member.MsgUpdateOrg{Description: "org 0, sent while halted"})
	f.logf("step 4: org-0's tx %.12s… accepted into node 0's mempool", pending)
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	res, err := net.Send(wctx, 1, 1, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: "org 1, sent while halted"})
	wcancel()
	if err == nil {
		t.Fatalf("a tx submitted with wait to a halted chain: %+v, want no commit", res)
	}
	f.logf("step 4: org-1's tx submitted with wait through node 1 did not commit: %v", err)
	time.Sleep(3 * time.Second) // the halt is observed over a few seconds; nothing asserts the duration
	now := f.heights(0, 1)
	for k, i := range []int{0, 1} {
		if now[k] < 0 || now[k] > slices.Max(halted)+1 {
			t.Errorf("node %d went from height %d to %d with half the voting power stopped; want at most one more block", i, halted[k], now[k])
		}
	}
	if _, err := net.Client(0).Tx(ctx, pending); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Errorf("pending tx %s while halted: %v, want not found", pending, err)
	}
	f.compare(slices.Min(now), 0, 1)
	f.logf("step 4: the chain halted: heights %v → %v, pending tx not committed", halted, now)

	// 5. Node 2 returns: 30 of 40 power, the chain resumes and the pending
	// transactions commit; then node 3 returns too.
	net.Start(2)
	f.waitAll(slices.Max(now)+2, 0, 1, 2)
	f.logf("step 5: restarted node 2; the chain resumed: %v", f.heights(0, 1, 2))
	rec := waitTx(f, 0, pending)
	f.logf("step 5: the pending tx committed at height %d", rec.Height)
	h, err = net.Height(0)
	f.must(err)
	f.waitAll(h, 0, 1, 2)
	f.compare(h, 0, 1, 2)
	net.Start(3)
	h = settle(f) // org-1's tx from step 4 may still be on its way
	f.waitAll(h, all()...)
	f.compare(h, all()...)
	f.sameReadModels(h, all()...)
	f.logf("step 5: restarted node 3; all 4 agree up to height %d", h)

	// 6. Node 3 is killed while every org submits transactions without
	// waiting, restarted under the same load, and recovers to the state of
	// its peers.
	load := startLoad(f)
	load.waitAccepted(f, 3, 50)
	base, err := net.Height(0)
	f.must(err)
	f.waitAll(base+2, all()...)
	f.logf("step 6: under load (%v txs accepted so far); heights %v", load.counts(), f.heights(all()...))
	net.Kill(3)
	killedAt := f.heights(0, 1, 2)
	f.logf("step 6: killed node 3 under load; heights of nodes 0-2: %v", killedAt)
	f.waitAll(slices.Max(killedAt)+3, 0, 1, 2)
	net.Start(3)
	f.logf("step 6: restarted node 3 under load; heights %v", f.heights(all()...))
	h, err = net.Height(0)
	f.must(err)
	f.waitAll(h+2, all()...)
	load.stop()
	f.logf("step 6: stopped the load after %v accepted txs; heights %v", load.counts(), f.heights(all()...))
	h = settle(f)
	f.waitAll(h, all()...)
	f.compare(h, all()...)
	f.sameReadModels(h, all()...)
	committed, err := net.Client(3).RecentTxs(ctx, 1)
	f.must(err)
	f.logf("step 6: after the crash under load, all 4 agree on every block, app hash and read model up to height %d (last tx at height %d)", h, firstHeight(committed))
}

func firstHeight(recs []gongxu.TxRecord) int64 {
	if len(recs) == 0 {
		return 0
	}
	return recs[0].Height
}

// submitNoWait signs msg as an update_org of signer, submits it through node
// via without waiting for the commit, and returns its hash; CheckTx must
// accept it.
func submitNoWait(f *faultTest, via, signer int, msg member.MsgUpdateOrg) string {
	f.t.Helper()
	acc, err := f.net.Client(via).Account(f.ctx, f.net.Nodes[signer].OperatorPub)
	f.must(err)
	body, _ := json.Marshal(msg)
	res, err := f.net.Client(via).Submit(f.ctx, f.net.Sign(signer, member.TypeUpdateOrg, body, acc.Sequence), false)
	f.must(err)
	if res.Code != 0 {
		f.t.Fatalf("CheckTx rejected org-%d's tx: %+v", signer, res)
	}
	return res.Hash
}

// waitTx waits until node i's read model holds the committed tx hash, and
// requires its code to be 0.
func waitTx(f *faultTest, i int, hash string) gongxu.TxRecord {
	f.t.Helper()
	for {
		rec, err := f.net.Client(i).Tx(f.ctx, hash)
		if err == nil {
			if rec.Code != 0 {
				f.t.Fatalf("tx %s committed with code %d: %s", hash, rec.Code, rec.Message)
			}
			return rec
		}
		if gongxu.ErrorKind(err) != gongxu.KindNotFound {
			f.t.Fatalf("tx %s on node %d: %v", hash, i, err)
		}
		select {
		case <-f.ctx.Done():
			f.t.Fatalf("tx %s never committed on node %d: %v", hash, i, f.ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// settle waits until no node has transactions left in its mempool and every
// node has committed the block that emptied them; it returns that height.
func settle(f *faultTest) int64 {
	f.t.Helper()
	for {
		empty := true
		var top int64
		for _, i := range all() {
			st, err := f.net.Status(i)
			f.must(err)
			empty = empty && st.MempoolTxs == 0
			top = max(top, st.Height)
		}
		if empty {
			return top
		}
		select {
		case <-f.ctx.Done():
			f.t.Fatalf("mempools never drained: %v", f.ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// load submits update_org transactions from every org through its own node
// without waiting for commits, at a bounded rate, until stopped. A loader
// whose node is down, or whose tx is refused, re-reads its sequence from the
// node and carries on.
type load struct {
	cancel   context.CancelFunc
	wg       sync.WaitGroup
	accepted [4]atomic.Int64
}

func startLoad(f *faultTest) *load {
	ctx, cancel := context.WithCancel(f.ctx)
	l := &load{cancel: cancel}
	f.t.Cleanup(l.stop)
	keys := make([]ed25519.PrivateKey, 4) // load the keys on the test goroutine
	for i := range 4 {
		keys[i] = f.net.OperatorKey(i)
	}
	for i := range 4 {
		l.wg.Go(func() {
			c := f.net.Client(i)
			var seq uint64
			synced := false
			for n := 0; ctx.Err() == nil; n++ {
				if !synced {
					acc, err := c.Account(ctx, f.net.Nodes[i].OperatorPub)
					if err != nil {
						sleep(ctx, 200*time.Millisecond)
						continue
					}
					seq, synced = acc.Sequence, true
				}
				body, _ := json.Marshal(member.MsgUpdateOrg{Description: fmt.Sprintf("org %d, load %d", i, n)})
				raw := gongxu.SignTx(f.net.ChainID, keys[i], member.TypeUpdateOrg, body, seq).Encode()
				res, err := c.Submit(ctx, raw, false)
				switch {
				case err != nil || res.Code != 0:
					synced = false
					sleep(ctx, 100*time.Millisecond)
				default:
					seq++
					l.accepted[i].Add(1)
					sleep(ctx, 10*time.Millisecond) // about 100 tx/s per org
				}
			}
		})
	}
	return l
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

func (l *load) counts() []int64 {
	out := make([]int64, len(l.accepted))
	for i := range l.accepted {
		out[i] = l.accepted[i].Load()
	}
	return out
}

func (l *load) waitAccepted(f *faultTest, i int, n int64) {
	f.t.Helper()
	for l.accepted[i].Load() < n {
		select {
		case <-f.ctx.Done():
			f.t.Fatalf("org-%d's loader got %d txs accepted, want %d: %v", i, l.accepted[i].Load(), n, f.ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (l *load) stop() {
	l.cancel()
	l.wg.Wait()
}
