package node

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/catalog"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// freeAddr is a free loopback address for a node's API (testenv.FreePorts
// never hands out a port twice in this process).
func freeAddr(t *testing.T) string {
	return fmt.Sprintf("127.0.0.1:%d", testenv.FreePorts(t, 1)[0])
}

// freePorts picks free loopback ports for a node's CometBFT.
func freePorts(t *testing.T) comet.Ports {
	p := testenv.FreePorts(t, 2)
	return comet.Ports{P2P: p[0], RPC: p[1]}
}

// initTestHome makes a one-node network, as gongxu up does, in a temp
// home on free ports, and returns the home.
func initTestHome(t *testing.T) string {
	t.Helper()
	home := t.TempDir()
	if err := InitLocal(home, InitOptions{API: freeAddr(t), Ports: freePorts(t)}); err != nil {
		t.Fatal(err)
	}
	return home
}

// openTestNode opens the node of home and serves it until the test ends
// (or the test closes it).
func openTestNode(t *testing.T, home string, cfg Config, log *slog.Logger) *Node {
	t.Helper()
	n, err := Open(home, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	go n.Serve()
	t.Cleanup(func() { n.Close() })
	return n
}

// TestNodeInProcess runs a one-node network inside the test: a validator
// added by governance reaches CometBFT's validator set, and a read model
// rebuilt by reindex from the block store equals the live one.
func TestNodeInProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	home := initTestHome(t)
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	n := openTestNode(t, home, cfg, log)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := client.New(n.URL())
	kr, _ := keyring.Open(filepath.Join(home, "keys"))
	op, err := kr.Get(OperatorKey)
	if err != nil {
		t.Fatal(err)
	}
	send := func(typ string, body any) gongxu.TxResult {
		t.Helper()
		acc, err := c.Account(ctx, op.PubKey)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(body)
		r, err := c.Submit(ctx, gongxu.SignTx(n.chain.ChainID(), op.Private, typ, b, acc.Sequence).Encode(), true)
		if err != nil {
			t.Fatal(err)
		}
		if r.Code != 0 {
			t.Fatalf("%s: %s", typ, r.Message)
		}
		return r
	}
	send(member.TypeUpdateOrg, member.MsgUpdateOrg{Description: "in-process"})
	// Read your writes: once the tx is answered, queries show it.
	if o, err := c.Org(ctx, "operator"); err != nil || o.Description != "in-process" {
		t.Fatalf("right after the commit the read model shows %+v (%v)", o, err)
	}
	// The production module's real events reach the read model and the API.
	send(catalog.TypePublish, catalog.MsgPublish{SKU: "jacket", Name: "Jacket", Unit: "piece", LeadTimeDays: 7})
	st, _ := c.Status(ctx)
	bt, _ := time.Parse(time.RFC3339Nano, st.BlockTime)
	send(production.TypeOrder, production.MsgOrder{Product: "operator/jacket", Qty: 40_000, Due: bt.UnixMilli() + 30*24*3600*1000})
	if os, err := c.Orders(ctx, "operator", 10); err != nil || len(os) != 1 || os[0].Qty != 40_000 || string(os[0].Product) != "operator/jacket" {
		t.Fatalf("production orders over the API: %+v (%v)", os, err)
	}
	// Add a second validator with little power (the chain keeps > 2/3 with
	// this node alone): CometBFT must take the update.
	pub, _, _ := ed25519.GenerateKey(nil)
	r := send(member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAddValidator, Title: "a second validator", Target: "operator",
		PubKey: gongxu.PubKey(hex.EncodeToString(pub)), Power: 1})
	// Validator updates take effect at height H+2.
	for {
		st, err := c.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Validators) == 2 {
			break
		}
		if st.Height > r.Height+5 {
			t.Fatalf("validator set still %d at height %d (proposal at %d)", len(st.Validators), st.Height, r.Height)
		}
		time.Sleep(200 * time.Millisecond)
	}
	h := n.Height()
	if err := n.WaitProjected(ctx, h); err != nil {
		t.Fatal(err)
	}
	// Prometheus metrics: height, committed txs (rate = tx/s), mempool size,
	// block interval, read-model height.
	resp, err := http.Get(n.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, m := range []string{"gongxu_block_height ", `gongxu_txs_committed_total{result="ok"} `, "gongxu_mempool_txs ",
		"gongxu_block_interval_seconds_bucket", "gongxu_read_model_height ", "gongxu_peers 0", "gongxu_catching_up 0", "gongxu_invariant_failures_total 0"} {
		if !bytes.Contains(body, []byte(m)) {
			t.Errorf("/metrics lacks %s", m)
		}
	}
	// Every metric the shipped alert rules name is exported.
	alerts := readFile(t, filepath.Join("..", "..", "deploy", "alerts.yml"))
	for _, m := range regexp.MustCompile(`gongxu_[a-z_]+`).FindAllString(alerts, -1) {
		if !bytes.Contains(body, []byte("\n"+m+" ")) && !bytes.Contains(body, []byte("\n"+m+"{")) {
			t.Errorf("deploy/alerts.yml names %s, which /metrics does not export", m)
		}
	}
	live := snapshot(t, ctx, c)
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	var done, total int64
	blocks, err := Reindex(ctx, home, func(d, t int64) { done, total = d, t })
	if err != nil {
		t.Fatal(err)
	}
	if blocks < h || done != blocks || total != blocks {
		t.Fatalf("reindex: %d blocks, progress %d of %d; the chain was at %d", blocks, done, total, h)
	}
	n2 := openTestNode(t, home, cfg, log)
	c2 := client.New(n2.URL())
	if got := snapshot(t, ctx, c2); got != live {
		t.Fatalf("read model after reindex differs:\n%s\nwant\n%s", got, live)
	}
}

// snapshot is the read model's view of members and governance.
func snapshot(t *testing.T, ctx context.Context, c *client.Client) string {
	t.Helper()
	orgs, err := c.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	props, err := c.Proposals(ctx, gongxu.ProposalFilter{})
	if err != nil {
		t.Fatal(err)
	}
	vals, err := c.Validators(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.MarshalIndent(map[string]any{"orgs": orgs, "proposals": props, "validators": vals}, "", " ")
	return string(b)
}
