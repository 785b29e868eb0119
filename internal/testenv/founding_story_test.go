package testenv_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// TestFoundingStory runs issue 16's founding story with a process per node
// and only the gongxu command between the orgs: four founders run init in
// four homes and exchange only their join files; each assembles the genesis
// (the same hash) and starts; the network commits. A fifth org runs init,
// hands its join file to a member, who proposes its admission straight from
// it; the members vote it in; its node joins by state sync (a snapshot the
// founders took, verified against a header its operator trusts) from the
// founders it finds in the genesis, without replaying from height 1; it is
// voted a validator and the five keep
// committing (also with one founder stopped: the fifth's votes are needed
// then). A validator is voted out; with it and one more stopped, the three
// left keep committing, which they could not if it still counted.
func TestFoundingStory(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a network of 5 processes")
	}
	start := time.Now()
	logf := func(format string, args ...any) {
		t.Helper()
		t.Logf("[%5.1fs] "+format, append([]any{time.Since(start).Seconds()}, args...)...)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	net := testenv.Found(t, []testenv.Founder{
		{Org: "acme", Name: "Acme Textiles", Roles: []gongxu.Role{gongxu.RoleFactory}},
		{Org: "blue", Name: "Blue River Cotton", Roles: []gongxu.Role{gongxu.RoleSupplier}},
		{Org: "hub-a", Name: "Hub A", Roles: []gongxu.Role{gongxu.RoleHub}},
		{Org: "swift", Name: "Swift Logistics", Roles: []gongxu.Role{gongxu.RoleLogistics}},
	})
	for i := range net.Nodes {
		if h := net.GenesisHash(i); h != net.GenesisHash(0) {
			t.Fatalf("node %d installed genesis %s, node 0 %s", i, h, net.GenesisHash(0))
		}
	}
	logf("4 founders assembled one genesis, sha256 %s", net.GenesisHash(0))

	// Nobody edited config.toml: it names no peer; the nodes find each
	// other through the genesis' peers.
	for _, nd := range net.Nodes {
		toml, err := os.ReadFile(filepath.Join(nd.Home, "config", "config.toml"))
		must(t, err)
		if !strings.Contains(string(toml), "\npersistent_peers = \"\"\n") {
			t.Fatalf("%s's config.toml names persistent peers", nd.Org)
		}
	}
	// The founders snapshot their state every 5 blocks, for newcomers.
	for _, nd := range net.Nodes {
		setNodeConfig(t, nd.Home, map[string]any{"snapshot_interval": 5, "snapshot_keep_recent": 2})
	}
	net.StartAll()
	for i := range 4 {
		must(t, net.WaitHeight(ctx, i, 3))
	}
	st := status(t, net, 0)
	if len(st.Validators) != 4 {
		t.Fatalf("founded network has %d validators, want 4: %+v", len(st.Validators), st.Validators)
	}
	logf("4 founders commit, height %d", st.Height)

	// A fifth org makes its home and hands over its join file.
	silk := net.Join(testenv.Founder{Org: "silk", Name: "Silk Supply Co.", Roles: []gongxu.Role{gongxu.RoleSupplier}})
	const newcomer = 4
	// acme proposes its admission from the join file; two more vote yes
	// (3 of 4 > 2/3).
	tx := func(node int, args ...string) gongxu.TxResult {
		t.Helper()
		nd := net.Nodes[node]
		args = append(args, "--from", testenv.OperatorKeyName, "--home", nd.Home, "--node", nd.API)
		var r gongxu.TxResult
		out := net.Gongxu(args...)
		if err := json.Unmarshal(out, &r); err != nil || r.Code != 0 {
			t.Fatalf("gongxu %v: %v %s", args, err, out)
		}
		// Every node of the network has the transaction before the next step.
		for i := range net.Nodes {
			if net.Running(i) {
				must(t, net.WaitHeight(ctx, i, r.Height))
			}
		}
		return r
	}
	tx(0, "tx", "member", "propose-join", silk.JoinFile)
	tx(1, "tx", "member", "vote", "1", "yes")
	tx(2, "tx", "member", "vote", "1", "yes")
	wantProposal(t, net, 0, 1, gongxu.ProposalPassed)
	logf("silk admitted by vote")

	// Its node state-syncs from the founders the genesis names: silk's
	// operator trusts the header of height 2, got from a member, and the
	// snapshot's state must hash to the app hash of a header verified from
	// it. Wait for a snapshot above that height first.
	for status(t, net, 0).Height < 12 {
		time.Sleep(200 * time.Millisecond)
		if ctx.Err() != nil {
			t.Fatal(ctx.Err())
		}
	}
	trusted, err := net.BlockHash(0, 2)
	must(t, err)
	net.Nodes[newcomer].StartArgs = []string{"--state-sync-rpc", net.Nodes[0].RPC + "," + net.Nodes[1].RPC, "--trust-height", "2", "--trust-hash", trusted}
	h := status(t, net, 0).Height
	net.Start(newcomer)
	must(t, net.WaitHeight(ctx, newcomer, h))
	from := status(t, net, newcomer).HistoryFrom
	if from < 6 {
		t.Fatalf("silk's node holds blocks from %d: it replayed instead of state-syncing", from)
	}
	if _, err := net.AppHash(newcomer, 1); err == nil {
		t.Fatal("silk's node has the results of block 1: it replayed")
	}
	if err := net.CompareChains(from, h, 0, newcomer); err != nil {
		t.Fatal(err)
	}
	logf("silk's node state-synced to height %d, holding blocks from %d", h, from)

	// Voted a validator: 4 of 5 members.
	tx(0, "tx", "member", "propose-validator", silk.JoinFile)
	for _, i := range []int{1, 2, newcomer} {
		tx(i, "tx", "member", "vote", "2", "yes")
	}
	wantProposal(t, net, 0, 2, gongxu.ProposalPassed)
	waitValidators(t, ctx, net, newcomer, 5)
	h = status(t, net, newcomer).Height
	for _, i := range []int{0, 1, 2, 3, newcomer} {
		must(t, net.WaitHeight(ctx, i, h+3))
	}
	logf("5 validators commit, height %d", h+3)

	// With blue stopped, 40 of 50 votes are left: enough only with silk's.
	blue := net.Nodes[1]
	net.Stop(1)
	h = status(t, net, 0).Height
	for _, i := range []int{0, 2, 3, newcomer} {
		must(t, net.WaitHeight(ctx, i, h+3))
	}
	logf("4 of 5 validators (silk's among them) commit, height %d", h+3)

	// blue's validator is voted out (acme, hub-a, swift and silk: 4 of 5).
	tx(0, "tx", "member", "propose", "remove-validator", "--title", "Blue's node is retired", "--pub-key", string(blue.ValidatorKey))
	for _, i := range []int{2, 3, newcomer} {
		tx(i, "tx", "member", "vote", "3", "yes")
	}
	wantProposal(t, net, 0, 3, gongxu.ProposalPassed)
	waitValidators(t, ctx, net, 0, 4)
	for _, v := range status(t, net, 0).Validators {
		if v.PubKey == blue.ValidatorKey {
			t.Fatalf("blue's validator is still in the set: %+v", status(t, net, 0).Validators)
		}
	}
	// With hub-a stopped too, acme, swift and silk hold 30 of the 40 votes
	// left: they keep committing, as they could not with blue's counted.
	net.Stop(2)
	h = status(t, net, 0).Height
	for _, i := range []int{0, 3, newcomer} {
		must(t, net.WaitHeight(ctx, i, h+3))
	}
	logf("blue voted out; acme, swift and silk commit on to height %d", h+3)
	if err := net.CompareChains(from, h+3, 0, 3, newcomer); err != nil {
		t.Fatal(err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func status(t *testing.T, net *testenv.Network, i int) gongxu.Status {
	t.Helper()
	st, err := net.Status(i)
	must(t, err)
	return st
}

// wantProposal checks proposal id's status as node i's CLI query shows it.
func wantProposal(t *testing.T, net *testenv.Network, i int, id uint64, want gongxu.ProposalStatus) {
	t.Helper()
	var p gongxu.Proposal
	out := net.Gongxu("query", "member", "proposal", strconv.FormatUint(id, 10), "--node", net.Nodes[i].API)
	if err := json.Unmarshal(out, &p); err != nil {
		t.Fatalf("proposal %d: %v %s", id, err, out)
	}
	if p.Status != want {
		t.Fatalf("proposal %d is %s (%s), want %s", id, p.Status, p.Result, want)
	}
}

// waitValidators waits until node i's validator set has n validators
// (CometBFT applies a change two blocks after the block that made it).
func waitValidators(t *testing.T, ctx context.Context, net *testenv.Network, i, n int) {
	t.Helper()
	var last []gongxu.Validator
	for ctx.Err() == nil {
		st, err := net.Status(i)
		if err == nil {
			last = st.Validators
			if len(last) == n {
				return
			}
		}
		time.Sleep(200 * time.Millisecond)
	}
	keys := make([]string, 0, len(last))
	for _, v := range last {
		keys = append(keys, fmt.Sprintf("%s:%d", v.Org, v.Power))
	}
	slices.Sort(keys)
	t.Fatalf("node %d has validators %v, want %d", i, keys, n)
}
