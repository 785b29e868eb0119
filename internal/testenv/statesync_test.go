package testenv_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// setNodeConfig sets keys of a node home's gongxu.json.
func setNodeConfig(t *testing.T, home string, kv map[string]any) {
	t.Helper()
	path := filepath.Join(home, "config", "gongxu.json")
	m := map[string]any{}
	if b, err := os.ReadFile(path); err == nil {
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
	}
	for k, v := range kv {
		m[k] = v
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestStateSync: four validators commit transactions and take a snapshot
// every 5 blocks; a fifth node (its validator has a fifth of the power, so
// the four commit without it) starts with an empty state and joins by state
// sync with gongxu start --state-sync-rpc --trust-height --trust-hash. Its
// block store starts above the snapshot height (it did not replay from 1),
// its blocks and app hashes from there equal the others', it keeps up with
// new blocks, and its status says what history it lacks. A validator with
// min_retain_blocks 10 prunes its block store and says so too.
func TestStateSync(t *testing.T) {
	if testing.Short() {
		t.Skip("runs five node processes")
	}
	start := time.Now()
	logf := func(format string, args ...any) {
		t.Logf("[%5.1fs] "+format, append([]any{time.Since(start).Seconds()}, args...)...)
	}
	net := testenv.NewNetwork(t, 5)
	for i := range net.Nodes {
		setNodeConfig(t, net.Nodes[i].Home, map[string]any{"snapshot_interval": 5, "snapshot_keep_recent": 2})
	}
	// Node 3 prunes its block store to the latest 10 blocks.
	setNodeConfig(t, net.Nodes[3].Home, map[string]any{"min_retain_blocks": 10})
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	net.StartAll(0, 1, 2, 3)
	round := func(r int) {
		t.Helper()
		for i := 0; i < 4; i++ {
			res, err := net.Send(ctx, i, i, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: fmt.Sprintf("org %d, round %d: %s", i, r, strings.Repeat("x", 200))})
			if err != nil || res.Code != 0 {
				t.Fatalf("round %d org %d: %+v %v", r, i, res, err)
			}
		}
	}
	for r := 0; r < 3; r++ {
		round(r)
	}
	if err := net.WaitHeight(ctx, 0, 12); err != nil {
		t.Fatal(err)
	}
	snaps := filepath.Join(net.Nodes[0].Home, "data", "snapshots")
	for {
		ents, _ := os.ReadDir(snaps)
		if len(ents) > 0 && !strings.HasSuffix(ents[len(ents)-1].Name(), ".tmp") {
			break
		}
		select {
		case <-ctx.Done():
			t.Fatal("node 0 took no snapshot")
		case <-time.After(200 * time.Millisecond):
		}
	}
	top, _ := net.Height(0)
	logf("four validators at height %d, with snapshots", top)

	// The operator of the fifth node trusts the header of height 2, got
	// from a member.
	hash, err := net.BlockHash(0, 2)
	if err != nil {
		t.Fatal(err)
	}
	nd := net.Nodes[4]
	nd.StartArgs = []string{"--state-sync-rpc", net.Nodes[0].RPC + "," + net.Nodes[1].RPC, "--trust-height", "2", "--trust-hash", hash}
	net.Start(4)
	if err := net.WaitHeight(ctx, 4, top+1); err != nil {
		t.Fatal(err)
	}
	st, err := net.Status(4)
	if err != nil {
		t.Fatal(err)
	}
	logf("the fifth node is at height %d, holding blocks from %d", st.Height, st.HistoryFrom)
	if st.HistoryFrom < 6 || st.HistoryFrom > top+1 {
		t.Fatalf("the fifth node's block store starts at %d: it did not state sync (the four were at %d)", st.HistoryFrom, top)
	}
	if st.ReadModelHeight != 0 {
		t.Fatalf("the read model of a state-synced node is at %d; it needs every block from 1", st.ReadModelHeight)
	}

	// It keeps up: more transactions, sent through it too.
	for r := 3; r < 5; r++ {
		round(r)
	}
	res, err := net.Send(ctx, 4, 0, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: "sent through the state-synced node"})
	if err != nil || res.Code != 0 {
		t.Fatalf("send through node 4: %+v %v", res, err)
	}
	top, _ = net.Height(0)
	if err := net.WaitHeight(ctx, 4, top); err != nil {
		t.Fatal(err)
	}
	if err := net.CompareChains(st.HistoryFrom, top, 0, 1, 2, 4); err != nil { // node 3 prunes
		t.Fatal(err)
	}
	a0, _ := net.AppHash(0, top)
	a4, _ := net.AppHash(4, top)
	if a0 == "" || a0 != a4 {
		t.Fatalf("app hash at %d: node 0 %s, node 4 %s", top, a0, a4)
	}
	if _, err := net.AppHash(4, 1); err == nil {
		t.Fatal("the state-synced node has the results of block 1: it replayed")
	}
	logf("the fifth node follows at height %d with the same app hash %s", top, a4)

	// The pruning node holds the latest blocks only, says so, and its read
	// model (projected before the blocks went) is whole.
	st3, err := net.Status(3)
	if err != nil {
		t.Fatal(err)
	}
	if st3.HistoryFrom < top-20 || st3.HistoryFrom > top {
		t.Fatalf("node 3 (min_retain_blocks 10) at height %d holds blocks from %d", st3.Height, st3.HistoryFrom)
	}
	if err := net.WaitReadModel(ctx, 3, top); err != nil {
		t.Fatal(err)
	}
	logf("node 3 prunes: it holds blocks from %d", st3.HistoryFrom)
}
