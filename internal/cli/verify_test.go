package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func TestVerifyReceipt(t *testing.T) {
	home, alice, _ := testHome(t)
	d := newDemandNode()
	d.setOrg(alice.PubKey, "hub-lishui")
	url := d.serve(t)
	t.Chdir(t.TempDir())
	os.WriteFile("p.csv", []byte(testBatchCSV), 0o600)
	if code, _, stderr := run(t, "--home", home, "--node", url, "tx", "pool", "batch", "7", "p.csv", "--from", "alice",
		"--receipts", "r"); code != 0 {
		t.Fatalf("batch: exit %d: %s", code, stderr)
	}
	good := filepath.Join("r", "0002.json")
	verify := func(file string, extra ...string) (int, verdict, string) {
		t.Helper()
		code, stdout, stderr := run(t, append([]string{"--node", url, "verify", "receipt", file}, extra...)...)
		var v verdict
		if err := json.Unmarshal([]byte(stdout), &v); err != nil {
			t.Fatalf("stdout is no verdict: %v\n%s\n%s", err, stdout, stderr)
		}
		return code, v, stderr
	}

	// The read model's checks pass; the light client's need the node's
	// CometBFT RPC, which this fake has not: an error, not a verdict
	// (TestVerifyReceiptOnChain runs them against a real node).
	dead, _ := deadURL()
	code, stdout, stderr := run(t, "--node", url, "verify", "receipt", good, "--rpc", dead)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "CometBFT RPC "+dead+" is unavailable") || !strings.Contains(stderr, "see --rpc") {
		t.Errorf("no RPC: exit %d\n%s\n%s", code, stdout, stderr)
	}

	// Each check fails on its own, and says so.
	edit := func(name string, change func(*gongxu.Receipt)) string {
		r := readReceipt(t, good)
		change(&r)
		b, _ := json.Marshal(r)
		if err := os.WriteFile(name, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return name
	}
	for _, c := range []struct {
		file, failed, msg string
	}{
		{edit("qty.json", func(r *gongxu.Receipt) { r.Leaf.Qty = 30 }), "proof", "does not verify"},
		{edit("hub.json", func(r *gongxu.Receipt) { r.Hub = "hub-other" }), "proof", "does not verify"},
		{edit("tx.json", func(r *gongxu.Receipt) { r.Tx = strings.Repeat("AB", 32) }), "batch", "holds no batch of transaction"},
		{edit("pool.json", func(r *gongxu.Receipt) { r.Pool = 4 }), "proof", "does not verify"},
		{edit("bad.json", func(r *gongxu.Receipt) { r.Root = "" }), "format", "is not a receipt"},
	} {
		code, v, stderr := verify(c.file)
		if code != 1 || v.OK || v.Failed != c.failed || !strings.Contains(v.Message, c.msg) ||
			!strings.Contains(stderr, "does not verify ("+c.failed+")") {
			t.Errorf("%s: exit %d, verdict %+v, stderr %s", c.file, code, v, stderr)
		}
	}
	// The ledger disagrees with a receipt whose proof holds.
	for _, c := range []struct {
		failed string
		tamper func(*gongxu.Batch)
	}{
		{"root", func(b *gongxu.Batch) { b.Root = strings.Repeat("0", 64) }},
		{"leaves", func(b *gongxu.Batch) { b.Leaves++ }},
		{"hub", func(b *gongxu.Batch) { b.Hub = "hub-other" }},
	} {
		d.mu.Lock()
		d.tamper = c.tamper
		d.mu.Unlock()
		code, v, _ := verify(good)
		if code != 1 || v.OK || v.Failed != c.failed || strings.Join(v.Checks, ",") != "proof,batch" {
			t.Errorf("%s: exit %d, verdict %+v", c.failed, code, v)
		}
	}

	// No receipt, or no node: errors, not verdicts.
	if code, _, stderr := run(t, "--node", url, "verify", "receipt", "none.json"); code != 2 || !strings.Contains(stderr, "does not exist") {
		t.Errorf("missing file: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "--node", url, "verify", "receipt"); code != 2 || !strings.Contains(stderr, "needs FILE") {
		t.Errorf("no file: exit %d: %s", code, stderr)
	}
	if code, _, stderr := run(t, "--node", dead, "verify", "receipt", good); code != 1 || !strings.Contains(stderr, "is unavailable") {
		t.Errorf("dead node: exit %d: %s", code, stderr)
	}
}
