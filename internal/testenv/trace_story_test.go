package testenv_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/trace"
	"github.com/gongxu-network/gongxu/internal/web/webtest"
)

// traceStory is the traceability part of TestProductionStory, once the
// jacket lot is finished, shipped to the hub and one pledge picked up: the
// factory also captures an EPCIS document of its own (the lot inspected),
// the fabric traces forward on another node through the events
// the flows emitted (packing and shipping to the hub, its receipt, the
// pickup), the jacket traces back to the supplier's fabric lot, the
// supplier recalls that fabric lot and the hub's node lists the recall with
// the hub's pledge batch and the pledge already picked up; the trace is
// proven against block headers with the light client by the gongxu binary,
// and fails through a node that changes one byte; the provenance page shows
// it in Chromium.
type traceStory struct {
	s        *story
	factory  *signer
	supplier *signer
	hub      gongxu.OrgID
	finished gongxu.LotID
	fabric   gongxu.LotID // the supplier's lot of waxed cotton
	batchTx  string       // the hub's batch into the pool
	units    int64
	pickup   string // the pledge picked up (its URN)
}

func (ts *traceStory) run(t *testing.T) {
	s := ts.s
	ctx, net := s.ctx, s.net
	// 1. The factory's own capture: the finished lot inspected.
	bt := time.UnixMilli(s.blockTime(0)).UTC()
	doc := fmt.Sprintf(`{"@context":["https://ref.gs1.org/standards/epcis/epcis-context.jsonld"],"type":"EPCISDocument",
"schemaVersion":"2.0","creationDate":%q,"epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":%q,
"eventTimeZoneOffset":"+00:00","quantityList":[{"epcClass":%q,"quantity":%d}],"action":"OBSERVE","bizStep":"inspecting",
"disposition":"active"}]}}`,
		bt.Format(time.RFC3339), bt.Format(time.RFC3339), gongxu.LotURN(ts.finished), ts.units)
	res := s.send(3, ts.factory, trace.TypeCapture, trace.MsgCapture{Document: json.RawMessage(doc)})
	s.caughtUp(res.Height)
	s.logf("trace 1: %s captured the inspection of lot %s (ObjectEvent, tx %s via node 3)", ts.factory.org, ts.finished, res.Hash[:12])

	// The fabric traces forward, on node 1, to the hub: the flows packed
	// and shipped the jacket lot to it, the hub received it, a consumer
	// picked up.
	fwd, err := net.Client(1).Forward(ctx, string(ts.fabric), 10)
	s.must(err)
	steps := map[string]bool{}
	for _, st := range fwd.Steps {
		steps[st.Flow+" "+st.Type] = true
	}
	for _, want := range []string{"pool/ship AggregationEvent", "pool/ship ObjectEvent", "pool/confirm_delivery ObjectEvent", "pool/pickup ObjectEvent"} {
		if !steps[want] {
			t.Errorf("the forward trace of %s has no %s step: %v", ts.fabric, want, keys(steps))
		}
	}
	s.logf("trace 1: node 1 traces %s forward through %d steps to the hub's receipt and a pickup", ts.fabric, len(fwd.Steps))

	// 2. The jacket traces back, on node 1, to the supplier's fabric lot.
	g, err := net.Client(1).Back(ctx, string(ts.finished), 10)
	s.must(err)
	var ids []string
	for _, n := range g.Nodes {
		ids = append(ids, n.ID)
	}
	if !slices.Contains(ids, gongxu.LotURN(ts.fabric)) {
		t.Fatalf("the backward trace of %s does not reach the supplier's lot %s: nodes %v", ts.finished, ts.fabric, ids)
	}
	flows := map[string]bool{}
	for _, st := range g.Steps {
		flows[st.Flow] = true
		if st.Anchor.Height <= 0 || st.Anchor.Tx == "" || st.Org == "" {
			t.Errorf("step %s of the backward trace has no anchor: %+v", st.Event, st)
		}
	}
	if !flows["production/wo_complete"] || !flows["production/receive"] {
		t.Errorf("the backward trace of %s misses the work order or the receipt: flows %v", ts.finished, flows)
	}
	s.logf("trace 2: node 1 traces %s back through %d steps (%v) to %s", ts.finished, len(g.Steps), keys(flows), ts.fabric)

	// 3. The supplier recalls its fabric lot; the hub's node lists it with
	// the hub's batch of pledges.
	res = s.send(1, ts.supplier, trace.TypeRecall, trace.MsgRecall{Lot: string(ts.fabric), Reason: "dye batch failed colour fastness"})
	s.caughtUp(res.Height)
	rs, err := net.Client(2).Recalls(ctx, ts.hub, 10)
	s.must(err)
	if len(rs) != 1 || rs[0].Org != ts.supplier.org {
		t.Fatalf("node 2 lists recalls %+v for hub %s, want the supplier's one", rs, ts.hub)
	}
	imp, err := net.Client(2).Recall(ctx, rs[0].ID)
	s.must(err)
	hubs := map[gongxu.OrgID][]string{}
	var picked []string
	for _, h := range imp.Hubs {
		for _, b := range h.Batches {
			hubs[h.Hub] = append(hubs[h.Hub], b.Tx)
		}
		for _, pk := range h.Pickups {
			picked = append(picked, pk.Pledge)
		}
		if len(h.Shipped) != 1 || h.Shipped[0].Lot != ts.finished || !h.Delivered {
			t.Errorf("recall %d: hub %s shipped %+v (delivered %v), want lot %s delivered", rs[0].ID, h.Hub, h.Shipped, h.Delivered, ts.finished)
		}
	}
	if len(hubs) != 1 || !slices.ContainsFunc(hubs[ts.hub], func(tx string) bool { return strings.EqualFold(tx, ts.batchTx) }) {
		t.Fatalf("recall %d reaches %v, want hub %s with batch %s", rs[0].ID, hubs, ts.hub, ts.batchTx)
	}
	if !slices.Equal(picked, []string{ts.pickup}) {
		t.Fatalf("recall %d lists pickups %v, want %s", rs[0].ID, picked, ts.pickup)
	}
	s.logf("trace 3: %s recalled %s; node 2 shows hub %s affected through batch %s, pledge %s already picked up",
		ts.supplier.org, ts.fabric, ts.hub, ts.batchTx[:12], ts.pickup)

	// 4. The proof, with the binary, against node 3's RPC, trusting block 1
	// as node 0 hands it out; then through a node that flips a byte.
	bin := net.Binary()
	hash1, err := net.BlockHash(0, 1)
	s.must(err)
	verify := func(rpc string) (int, string) {
		cmd := exec.CommandContext(ctx, bin, "verify", "trace", string(ts.finished), "--node", net.Nodes[3].API, "--rpc", rpc,
			"--trust-height", "1", "--trust-hash", hash1)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatalf("verify trace: %v", err)
		}
		return code, out.String()
	}
	code, out := verify(net.Nodes[3].RPC)
	var v struct {
		OK    bool `json:"ok"`
		Steps []struct {
			OK bool `json:"ok"`
		} `json:"steps"`
	}
	events := map[string]bool{}
	for _, st := range g.Steps {
		events[st.Event] = true
	}
	if err := json.Unmarshal([]byte(out), &v); code != 0 || err != nil || !v.OK || len(v.Steps) != len(events) {
		t.Fatalf("verify trace %s: exit %d, %d events verified (the trace has %d):\n%s", ts.finished, code, len(v.Steps), len(events), out)
	}
	flip := &byteFlipper{upstream: net.Nodes[3].RPC}
	lying := httptest.NewServer(flip)
	defer lying.Close()
	flip.on.Store(true)
	if code, out := verify(lying.URL); code != 1 || !strings.Contains(out, `"failed": "state_proof"`) && !strings.Contains(out, `"failed":"state_proof"`) {
		t.Fatalf("verify trace through a node that changes a byte: exit %d:\n%s", code, out)
	}
	s.logf("trace 4: verify trace proves the %d events of the trace against headers verified from block 1; one changed byte fails the state proof", len(v.Steps))

	// 5. The provenance page.
	ptrace := func(t *testing.T) {
		bctx := webtest.Browser(t)
		url := net.Nodes[0].API + "/p/" + string(ts.finished)
		if err := chromedp.Do(bctx, chromedp.Navigate(url), chromedp.WaitVisible(chromedp.CSS("svg"))); err != nil {
			t.Fatalf("load %s: %v", url, err)
		}
		body, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("body")))
		if err != nil {
			t.Fatalf("text of %s: %v", url, err)
		}
		_, code, _ := strings.Cut(string(ts.fabric), "/")
		want := []string{"every step matches this node's ledger", code, "recalled"}
		for _, org := range []gongxu.OrgID{ts.factory.org, ts.supplier.org} {
			o, err := net.Client(0).Org(s.ctx, org)
			s.must(err)
			want = append(want, o.Name)
		}
		for _, w := range want {
			if !strings.Contains(strings.ToLower(body), strings.ToLower(w)) {
				t.Errorf("the provenance page of %s does not show %q:\n%s", ts.finished, w, body)
			}
		}
		webtest.Screenshot(t, bctx, "story-provenance.png")
	}
	t.Run("provenance page", ptrace)
	s.logf("trace 5: the provenance page of %s shows the chain in Chromium", ts.finished)
}

func keys(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// byteFlipper is a CometBFT RPC proxy that flips one byte of every value
// the node answers to abci_query, when on: a node lying about an event.
type byteFlipper struct {
	upstream string
	on       atomic.Bool
}

func (p *byteFlipper) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	target := p.upstream + r.URL.Path
	if r.URL.RawQuery != "" {
		target += "?" + r.URL.RawQuery
	}
	var resp *http.Response
	var err error
	if r.Method == http.MethodGet {
		resp, err = http.Get(target)
	} else {
		resp, err = http.Post(target, "application/json", bytes.NewReader(body))
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	if p.on.Load() && (bytes.Contains(body, []byte(`"abci_query"`)) || strings.Contains(r.URL.Path, "abci_query")) {
		var whole map[string]any
		if json.Unmarshal(out, &whole) == nil {
			if res, ok := whole["result"].(map[string]any); ok {
				if rsp, ok := res["response"].(map[string]any); ok {
					if v, _ := base64.StdEncoding.DecodeString(fmt.Sprint(rsp["value"])); len(v) > 0 {
						v[len(v)/2] ^= 0x01
						rsp["value"] = base64.StdEncoding.EncodeToString(v)
						out, _ = json.Marshal(whole)
					}
				}
			}
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(out)
}
