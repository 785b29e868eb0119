package testenv

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// BuildBinary builds this module's ./cmd/gongxu with build tags (e.g.
// gongxu_upgradetest, whose binary has state machine version 2) into a
// directory of the test, and returns its path. Unlike Binary, every call
// builds.
func BuildBinary(t testing.TB, tags ...string) string {
	t.Helper()
	root, err := ModuleRoot()
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	out := filepath.Join(t.TempDir(), "gongxu")
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	args := []string{"build", "-o", out}
	if len(tags) > 0 {
		args = append(args, "-tags", strings.Join(tags, ","))
	}
	cmd := exec.Command("go", append(args, "./cmd/gongxu")...)
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("testenv: go %s in %s: %v\n%s", strings.Join(args, " "), root, err, b)
	}
	return out
}

// UseBinary makes the starts of the network's nodes from now on run bin
// (another build of gongxu: a new release on the same homes). Nodes that
// run go on with the binary they started with.
func (n *Network) UseBinary(bin string) { n.bin = bin }

// WaitExit waits until node i's process exits by itself and returns how it
// ended: nil for exit status 0, else the *exec.ExitError. err is set when
// ctx ends first or the node never started.
func (n *Network) WaitExit(ctx context.Context, i int) (exit error, err error) {
	p := n.proc(i)
	if p == nil {
		return nil, fmt.Errorf("node %d was never started", i)
	}
	select {
	case <-p.done:
		return p.err, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("node %d's process still runs: %w", i, ctx.Err())
	}
}

// Spawn starts node i's process without waiting for its API (a start
// expected to fail: see WaitExit).
func (n *Network) Spawn(i int) error { return n.spawn(i) }

// AppVersion is the state machine version node i's application reports
// (ABCI Info, through CometBFT's RPC /abci_info).
func (n *Network) AppVersion(ctx context.Context, i int) (uint64, error) {
	var res struct {
		Response struct {
			AppVersion string `json:"app_version"`
		} `json:"response"`
	}
	if err := n.rpc(ctx, i, "abci_info", &res); err != nil {
		return 0, err
	}
	if res.Response.AppVersion == "" {
		return 0, nil
	}
	return strconv.ParseUint(res.Response.AppVersion, 10, 64)
}

// StateValue is the committed value of a state key on node i (nil when
// absent), through the application's /prove query.
func (n *Network) StateValue(ctx context.Context, i int, key string) ([]byte, error) {
	var res struct {
		Response struct {
			Code  uint32 `json:"code"`
			Log   string `json:"log"`
			Value string `json:"value"` // base64
		} `json:"response"`
	}
	call := fmt.Sprintf("abci_query?path=%%22/prove%%22&data=0x%s", hex.EncodeToString([]byte(key)))
	if err := n.rpc(ctx, i, call, &res); err != nil {
		return nil, err
	}
	if res.Response.Code != 0 {
		return nil, fmt.Errorf("node %d: prove %q: %s", i, key, res.Response.Log)
	}
	if res.Response.Value == "" {
		return nil, nil
	}
	return base64.StdEncoding.DecodeString(res.Response.Value)
}

// WaitAllHeight waits until every node has committed height h.
func (n *Network) WaitAllHeight(ctx context.Context, h int64) error {
	for i := range n.Nodes {
		if err := n.WaitHeight(ctx, i, h); err != nil {
			return err
		}
	}
	return nil
}
