package testenv_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// TestUpgradeProcesses runs the upgrade path on a network of four validator
// processes: node 3 stops; the members schedule version 2 at a height;
// every running node of the release binary stops there, exits non-zero and
// names the version it needs; a binary built with the gongxu_upgradetest
// tag (state machine version 2, whose migration writes an index of the
// orgs) starts on the same homes, runs the migration at that height and
// keeps committing. Node 3, started again with the release binary, block-
// syncs up to the height and stops there the same way; with the new binary
// it catches up, and the four have equal app hashes. The old binary then
// refuses an upgraded home.
func TestUpgradeProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("builds two binaries and runs four node processes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	const n = 4
	net := testenv.NewNetwork(t, n)
	oldBin := net.Binary()
	newBin := testenv.BuildBinary(t, "gongxu_upgradetest")
	net.StartAll()
	if err := net.WaitAllHeight(ctx, 2); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if v, err := net.AppVersion(ctx, i); err != nil || v != 1 {
			t.Fatalf("node %d runs version %d (%v), want 1", i, v, err)
		}
	}

	// Node 3 is down through the upgrade (the three others hold 3/4 of the
	// power).
	net.Stop(3)
	up := []int{0, 1, 2}

	// The members schedule version 2, a few blocks ahead of the last vote.
	h, err := net.Height(0)
	if err != nil {
		t.Fatal(err)
	}
	at := h + 8
	plan := gongxu.UpgradePlan{Name: "v2-test-layout", Version: 2, Height: at}
	res, err := net.Send(ctx, 0, 0, member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalScheduleUpgrade, Title: "Version 2", Upgrade: &plan})
	if err != nil || res.Code != 0 {
		t.Fatalf("propose: %+v, %v", res, err)
	}
	for _, v := range []int{1, 2} {
		res, err := net.Send(ctx, v, v, member.TypeVote, member.MsgVote{Proposal: 1, Yes: true})
		if err != nil || res.Code != 0 {
			t.Fatalf("vote of node %d: %+v, %v", v, res, err)
		}
		if res.Height >= at {
			t.Fatalf("the vote committed at %d, not before the upgrade height %d: the test is too slow for its plan", res.Height, at)
		}
	}
	for _, i := range up {
		if err := net.WaitHeight(ctx, i, at-1); err != nil {
			t.Fatal(err)
		}
	}
	before := make([]string, n)
	for _, i := range up {
		if before[i], err = net.AppHash(i, at-1); err != nil {
			t.Fatal(err)
		}
	}

	// Every release-binary node stops at the height: exit status non-zero,
	// the version it needs named, nothing of block `at` executed.
	stopped := func(i int) {
		t.Helper()
		exit, err := net.WaitExit(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		var ee *exec.ExitError
		if !errors.As(exit, &ee) || ee.ExitCode() != 1 {
			t.Fatalf("node %d ended with %v, want exit status 1", i, exit)
		}
		// The command's own error line, after a clean close: no panic
		// (block sync's goroutine does not recover one).
		log, _ := os.ReadFile(net.Nodes[i].ProcessLog())
		want := fmt.Sprintf("\nerror: UPGRADE NEEDED at height %d: the network moves to state machine version 2 (upgrade %q)", at, plan.Name)
		if !strings.Contains(string(log), want) || strings.Contains(string(log), "panic:") {
			t.Fatalf("node %d's output does not say %q, or panics:\n%s", i, want, log)
		}
	}
	for _, i := range up {
		stopped(i)
	}

	// The new binary on the same homes: the migration runs at the height,
	// and the chain goes on.
	net.UseBinary(newBin)
	for _, i := range up {
		net.Start(i)
	}
	for _, i := range up {
		if err := net.WaitHeight(ctx, i, at+3); err != nil {
			t.Fatal(err)
		}
	}

	// Node 3 with the release binary block-syncs to the height and stops
	// there alike; with the new binary it catches up through the migration.
	net.UseBinary(oldBin)
	if err := net.Spawn(3); err != nil {
		t.Fatal(err)
	}
	stopped(3)
	if before[3], err = readAppHashAfterRestart(ctx, net, newBin, at); err != nil {
		t.Fatal(err)
	}
	if before[3] != before[0] {
		t.Fatalf("node 3's app hash at %d is %s, node 0's %s", at-1, before[3], before[0])
	}
	for i := range n {
		if got, _ := net.AppHash(i, at-1); got != before[i] {
			t.Fatalf("node %d's app hash at %d changed across the stop: %s, was %s", i, at-1, got, before[i])
		}
		if v, err := net.AppVersion(ctx, i); err != nil || v != 2 {
			t.Fatalf("node %d runs version %d (%v), want 2", i, v, err)
		}
		if v, err := net.StateValue(ctx, i, "upgradetest/org/org-1"); err != nil || string(v) != "Org 1" {
			t.Fatalf("node %d: the migration's key holds %q (%v)", i, v, err)
		}
	}
	if err := net.CompareChains(1, at+2); err != nil {
		t.Fatal(err)
	}
	after, err := net.AppHash(0, at)
	if err != nil || after == before[0] {
		t.Fatalf("app hash at the upgrade height %s (%v), the same as before it", after, err)
	}
	res, err = net.Send(ctx, 3, 3, member.TypeUpdateOrg, member.MsgUpdateOrg{Contact: "after-upgrade@example.org"})
	if err != nil || res.Code != 0 {
		t.Fatalf("a tx after the upgrade: %+v, %v", res, err)
	}
	if err := net.WaitReadModel(ctx, 3, res.Height); err != nil {
		t.Fatal(err)
	}

	// The old binary refuses an upgraded home, and the new one resumes it.
	net.Stop(0)
	net.UseBinary(oldBin)
	if err := net.Spawn(0); err != nil {
		t.Fatal(err)
	}
	exit, err := net.WaitExit(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	log, _ := os.ReadFile(net.Nodes[0].ProcessLog())
	if exit == nil || !strings.Contains(string(log), "newer than this binary's version 1") {
		t.Fatalf("the old binary on the upgraded home ended with %v:\n%s", exit, log)
	}
	net.UseBinary(newBin)
	net.Start(0)
	if err := net.WaitHeight(ctx, 0, res.Height+2); err != nil {
		t.Fatal(err)
	}
}

// readAppHashAfterRestart starts node 3 with bin, waits until it is past
// the upgrade height at, and returns its app hash at at-1.
func readAppHashAfterRestart(ctx context.Context, net *testenv.Network, bin string, at int64) (string, error) {
	net.UseBinary(bin)
	net.Start(3)
	if err := net.WaitHeight(ctx, 3, at+3); err != nil {
		return "", err
	}
	return net.AppHash(3, at-1)
}
