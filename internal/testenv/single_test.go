package testenv_test

import (
	"context"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// TestRestartSingle runs a one-node network, restarts it, and checks that it
// resumes the same chain and accepts the next transaction of a signer.
func TestRestartSingle(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node process")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	net := testenv.StartSingle(t)
	res, err := net.Send(ctx, 0, 0, member.TypeUpdateOrg, member.MsgUpdateOrg{Contact: "before@example.org"})
	if err != nil || res.Code != 0 {
		t.Fatalf("update_org: %+v, %v", res, err)
	}
	before, err := net.AppHash(0, res.Height)
	if err != nil {
		t.Fatal(err)
	}
	net.Restart(0)
	if err := net.WaitHeight(ctx, 0, res.Height); err != nil {
		t.Fatal(err)
	}
	after, err := net.AppHash(0, res.Height)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("app hash at height %d: %s before the restart, %s after", res.Height, before, after)
	}
	res2, err := net.Send(ctx, 0, 0, member.TypeUpdateOrg, member.MsgUpdateOrg{Contact: "after@example.org"})
	if err != nil || res2.Code != 0 || res2.Height <= res.Height {
		t.Fatalf("update_org after the restart: %+v, %v", res2, err)
	}
	if err := net.WaitReadModel(ctx, 0, res2.Height); err != nil {
		t.Fatal(err)
	}
	org, err := net.Client(0).Org(ctx, net.Nodes[0].Org)
	if err != nil || org.Contact != "after@example.org" {
		t.Errorf("org after the restart: %+v, %v", org, err)
	}
}
