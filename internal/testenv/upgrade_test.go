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
// processes: the members schedule version 2 at a height; every node of the
// release binary stops there, exits non-zero and names the version it
// needs; a binary built with the gongxu_upgradetest tag (state machine
// version 2, whose migration writes an index of the orgs) starts on the same
// homes, runs the migration at that height and keeps committing, with equal
// app hashes on every node; the old binary then refuses the upgraded home.
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
	if err := net.WaitAllHeight(ctx, at-1); err != nil {
		t.Fatal(err)
	}
	before := make([]string, n)
	for i := range n {
		if before[i], err = net.AppHash(i, at-1); err != nil {
			t.Fatal(err)
		}
	}

	// Every release-binary node stops at the height: exit status non-zero,
	// the version it needs named, nothing of block `at` executed.
	for i := range n {
		exit, err := net.WaitExit(ctx, i)
		if err != nil {
			t.Fatal(err)
		}
		var ee *exec.ExitError
		if !errors.As(exit, &ee) || ee.ExitCode() == 0 {
			t.Fatalf("node %d ended with %v, want a non-zero exit status", i, exit)
		}
		log, _ := os.ReadFile(net.Nodes[i].ProcessLog())
		want := fmt.Sprintf("UPGRADE NEEDED at height %d: the network moves to state machine version 2 (upgrade %q)", at, plan.Name)
		if !strings.Contains(string(log), want) {
			t.Fatalf("node %d's output does not say %q:\n%s", i, want, log)
		}
	}

	// The new binary on the same homes: the migration runs at the height,
	// every node computes the same app hashes, and the chain goes on.
	net.UseBinary(newBin)
	net.StartAll()
	if err := net.WaitAllHeight(ctx, at+3); err != nil {
		t.Fatal(err)
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

	// The old binary refuses the upgraded home, and the new one resumes it.
	net.Stop(3)
	net.UseBinary(oldBin)
	if err := net.Spawn(3); err != nil {
		t.Fatal(err)
	}
	exit, err := net.WaitExit(ctx, 3)
	if err != nil {
		t.Fatal(err)
	}
	log, _ := os.ReadFile(net.Nodes[3].ProcessLog())
	if exit == nil || !strings.Contains(string(log), "newer than this binary's version 1") {
		t.Fatalf("the old binary on the upgraded home ended with %v:\n%s", exit, log)
	}
	net.UseBinary(newBin)
	net.Start(3)
	if err := net.WaitHeight(ctx, 3, res.Height+2); err != nil {
		t.Fatal(err)
	}
}
