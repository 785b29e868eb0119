package testenv_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// TestHostileInputs runs 4 validators as separate processes and feeds one
// node everything an outsider or a misbehaving member can send — documents
// whose keys mean two things, padded and oversized bodies, transactions
// from keys with no money, replays, garbage, unauthenticated capture
// requests, slow connections — while the members transact through the
// other nodes. Every node must keep committing about as often as it did
// before the attack (blocks counted over equal phases, a ratio, not a
// clock), every member transaction commits, and all nodes end on the same
// blocks and app hashes. (Issue 10: one 449-byte document used to halt the
// chain for good.)
func TestHostileInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a 4-node network of processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	f := &faultTest{t: t, ctx: ctx, start: time.Now()}
	f.net = testenv.NewNetwork(t, 4)
	nw := f.net
	nw.StartAll()
	f.waitAll(3, all()...)
	f.logf("4 nodes up: %v", f.heights(all()...))

	// A committed member transaction, to replay later.
	first := f.send(1, 0, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: "before"})
	replay := nw.Sign(0, member.TypeUpdateOrg, []byte(`{"description":"replayed"}`), 1)

	const phase = 10 * time.Second
	members := []int{1, 2, 3}
	var memberTxs atomic.Int64
	// Members transact through nodes 1-3, each a tx at a time, for a phase.
	transact := func(round string) {
		var wg sync.WaitGroup
		end := time.Now().Add(phase)
		for _, i := range members {
			wg.Go(func() {
				for n := 0; time.Now().Before(end); n++ {
					res, err := nw.Send(ctx, i, i, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: fmt.Sprintf("%s %d", round, n)})
					if err != nil || res.Code != 0 {
						t.Errorf("org-%d's update_org via node %d: %+v, %v", i, i, res, err)
						return
					}
					memberTxs.Add(1)
				}
			})
		}
		wg.Wait()
	}

	h0 := f.heights(all()...)
	transact("calm")
	h1 := f.heights(all()...)
	f.logf("calm phase: heights %v → %v, %d member txs", h0, h1, memberTxs.Load())

	// The attack on node 0, for the same length, while members transact.
	attackCtx, stopAttack := context.WithCancel(ctx)
	var sent, refused, judged, unauth atomic.Int64
	var wg sync.WaitGroup
	payloads := hostilePayloads(t, nw, replay)
	for w := range 4 {
		wg.Go(func() {
			for k := w; attackCtx.Err() == nil; k++ {
				p := payloads[k%len(payloads)]
				sent.Add(1)
				// Waiting for the commit: a refusal answers at once, an
				// acceptance would commit.
				rctx, cancel := context.WithTimeout(attackCtx, 20*time.Second)
				res, err := nw.Client(0).Submit(rctx, p.raw, true)
				cancel()
				if err != nil || res.Code != 0 {
					refused.Add(1)
					k := gongxu.ErrorKind(err)
					if err == nil {
						k = gongxu.Kind(res.Code)
					}
					if k != gongxu.KindQuota && k != gongxu.KindTimeout && k != gongxu.KindUnavailable {
						judged.Add(1) // refused by the chain's checks, not turned away at the door
					}
				} else {
					t.Errorf("node 0 committed the hostile %s: %+v", p.name, res)
				}
			}
		})
	}
	wg.Go(func() { unauth.Add(unauthenticatedCaptures(attackCtx, t, nw.Nodes[0].API)) })
	wg.Go(func() { slowConnections(attackCtx, nw.Nodes[0].API, 200) })
	transact("under attack")
	stopAttack()
	wg.Wait()
	h2 := f.heights(all()...)
	f.logf("attack phase: heights %v → %v; %d hostile txs sent, %d refused (%d by the chain's checks, the rest by the rate limit); %d unauthenticated captures refused",
		h1, h2, sent.Load(), refused.Load(), judged.Load(), unauth.Load())
	if judged.Load() < int64(len(payloads)) || unauth.Load() == 0 {
		t.Fatal("the attack did not reach the chain's checks")
	}
	for _, i := range all() {
		calm, attacked := h1[i]-h0[i], h2[i]-h1[i]
		if calm <= 0 || attacked*2 < calm {
			t.Errorf("node %d committed %d blocks under attack, %d in an equal calm phase", i, attacked, calm)
		}
	}

	// Every node is alive, answers healthy, and holds the same chain.
	top := max(h2[0], h2[1], h2[2], h2[3]) + 2
	f.waitAll(top, all()...)
	f.compare(top, all()...)
	for _, i := range all() {
		resp, err := http.Get(nw.Nodes[i].API + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("node %d /healthz: %d", i, resp.StatusCode)
		}
	}
	if first.Code != 0 {
		t.Fatal(first)
	}
}

type payload struct {
	name string
	raw  []byte
}

// hostilePayloads are signed transactions that must each be refused.
func hostilePayloads(t *testing.T, nw *testenv.Network, replay []byte) []payload {
	fresh := func(i int) ed25519.PrivateKey {
		seed := sha256.Sum256([]byte(fmt.Sprintf("hostile key %d", i)))
		return ed25519.NewKeyFromSeed(seed[:])
	}
	member0 := func(typ, body string) []byte { return nw.Sign(0, typ, []byte(body), 2) }
	event := `{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.1"]}`
	twoLists := `{"document":{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[` + event + `],"EVENTLIST":[]}}}`
	var manyKeys strings.Builder
	manyKeys.WriteString(`{"document":{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.1"]`)
	for i := range 45_000 {
		fmt.Fprintf(&manyKeys, `,"ex:k%d":1`, i)
	}
	manyKeys.WriteString(`}}`)
	var out []payload
	out = append(out,
		payload{"two event lists", member0("trace/capture", twoLists)},
		payload{"45,000 keys in one event", member0("trace/capture", manyKeys.String())},
		payload{"duplicate key", member0(member.TypeUpdateOrg, `{"description":"a","description":"b"}`)},
		payload{"case-variant key", member0(member.TypeUpdateOrg, `{"description":"a","Description":"b"}`)},
		payload{"padded to a megabyte", member0(member.TypeUpdateOrg, `{"description":"a"`+strings.Repeat(" ", 1<<20-200)+`}`)},
		payload{"replay", replay},
		payload{"garbage", []byte("\x01\x05hello\x00\x00")},
	)
	for i := range 20 {
		k := fresh(i)
		out = append(out,
			payload{"pledge without escrow", gongxu.SignTx(nw.ChainID, k, "pool/pledge", []byte(`{"pool":1,"hub":"org-3","qty":5}`), 1).Encode()},
			payload{"withdrawal without balance", gongxu.SignTx(nw.ChainID, k, "settle/withdraw", []byte(`{"currency":"CNY","amount":100000}`), 1).Encode()},
			payload{"reduce of nothing", gongxu.SignTx(nw.ChainID, k, "pool/reduce", []byte(`{"pool":1,"pledge":1,"qty":0}`), 1).Encode()},
		)
	}
	return out
}

// unauthenticatedCaptures posts EPCIS documents without a token until ctx
// ends and returns how many were refused with 401; any other answer fails.
func unauthenticatedCaptures(ctx context.Context, t *testing.T, api string) int64 {
	doc := `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.9"]}`
	var n int64
	for ctx.Err() == nil {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, api+"/epcis/capture", strings.NewReader(doc))
		req.Header.Set("Content-Type", "application/ld+json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		switch resp.StatusCode {
		case http.StatusUnauthorized:
			n++
		case http.StatusTooManyRequests:
		default:
			t.Errorf("an unauthenticated capture got %d", resp.StatusCode)
			return n
		}
		time.Sleep(50 * time.Millisecond)
	}
	return n
}

// slowConnections opens n connections that send a request's headers and
// then its body a byte at a time, until ctx ends.
func slowConnections(ctx context.Context, api string, n int) {
	addr := strings.TrimPrefix(api, "http://")
	var conns []net.Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range n {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			continue
		}
		conns = append(conns, c)
		fmt.Fprintf(c, "POST /v1/txs HTTP/1.1\r\nHost: %s\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000000\r\n\r\n", addr)
	}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			for _, c := range conns {
				c.Write(bytes.Repeat([]byte{'x'}, 1))
			}
		}
	}
}
