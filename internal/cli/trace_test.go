package cli

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/httpapi/fake"
)

// traceNode is a fakeNode that also serves the trace fake.
func traceNode(t *testing.T) (*fakeNode, *fake.Trace, string) {
	t.Helper()
	n, tr := newFakeNode(), fake.NewTrace()
	srv := httptest.NewServer(httpapi.New(httpapi.Config{Node: n, Members: n, Txs: n, Trace: tr}))
	t.Cleanup(srv.Close)
	return n, tr, srv.URL
}

func gs1Doc(t *testing.T) (string, []byte) {
	t.Helper()
	p := filepath.Join("..", "epcis", "testdata", "gs1", "examples", "Example_9.6.3-AggregationEvent.jsonld")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

func TestTraceWalkCommands(t *testing.T) {
	home, _, _ := testHome(t)
	_, tr, url := traceNode(t)
	ctx := context.Background()
	q := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url}, args...)...)
	}
	for _, c := range []struct {
		args []string
		want func() (gongxu.TraceGraph, error)
	}{
		{[]string{"trace", "back", string(fake.LotMade)}, func() (gongxu.TraceGraph, error) { return tr.Back(ctx, string(fake.LotMade), 10) }},
		{[]string{"trace", "back", gongxu.LotURN(fake.LotMade), "--depth", "3"}, func() (gongxu.TraceGraph, error) { return tr.Back(ctx, string(fake.LotMade), 3) }},
		{[]string{"trace", "forward", string(fake.LotSupplier), "--depth", "50"}, func() (gongxu.TraceGraph, error) {
			return tr.Forward(ctx, string(fake.LotSupplier), 50)
		}},
		{[]string{"trace", "forward", "https://id.gs1.org/01/10614141073464/21/2017"}, func() (gongxu.TraceGraph, error) {
			return tr.Forward(ctx, fake.ItemEPC, 10)
		}},
	} {
		code, stdout, stderr := q(c.args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, stderr)
		}
		var got gongxu.TraceGraph
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%v: %v\n%s", c.args, err, stdout)
		}
		want, _ := c.want()
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if norm := func(b []byte) string { return strings.ReplaceAll(string(b), "null", "[]") }; norm(g) != norm(w) {
			t.Errorf("%v:\n got %s\nwant %s", c.args, g, w)
		}
	}

	// -o table: the walk as a tree, with who, when, the step and the tx.
	code, stdout, stderr := q("trace", "forward", string(fake.LotSupplier), "-o", "table")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for i, want := range []string{
		"TRACE", "urn:gongxu:lot:silk-supply/fab-001 (silk-yarn, silk-supply)",
		"  · ObjectEvent " + fake.EventShip,
		"  → ledger urn:gongxu:po:2",
		"    urn:gongxu:lot:acme-textiles/silk-supply/fab-001 (silk-yarn, acme-textiles)",
		"      → TransformationEvent " + fake.EventMake,
		"        urn:gongxu:lot:acme-textiles/jacket-001 (acme-textiles/wool-scarf, acme-textiles)",
		"pool 3 (succeeded, order 2, lots acme-textiles/jacket-001)",
		"  hub hub-lishui: 300 units, 0 batches",
	} {
		if i >= len(lines) || !strings.HasPrefix(lines[i], want) {
			t.Fatalf("line %d is not %q:\n%s", i, want, stdout)
		}
	}
	for _, want := range []string{"silk-supply", "2025-03-01T05:53:20Z", "shipping", fake.TxShip[:16] + "…", "commissioning"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = q("trace", "back", string(fake.LotMade), "-o", "table")
	if code != 0 || !strings.Contains(stdout, "  ← TransformationEvent "+fake.EventMake) || !strings.Contains(stdout, "      ← ledger urn:gongxu:po:2") {
		t.Errorf("back as a table:\n%s", stdout)
	}

	// Errors: the node's, and the command line's.
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"trace", "back", "acme-textiles/none"}, 1, "neither a ledger lot"},
		{[]string{"trace", "back", "Acme"}, 1, "malformed"},
		{[]string{"trace", "forward", string(fake.LotSupplier), "--depth", "0"}, 2, "--depth must be 1 to 50"},
		{[]string{"trace", "back"}, 2, "needs ID"},
		{[]string{"trace", "sideways", "x"}, 2, "unknown command"},
	} {
		code, _, stderr := q(c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.msg)
		}
	}
}

func TestRecallQueries(t *testing.T) {
	home, _, _ := testHome(t)
	_, tr, url := traceNode(t)
	ctx := context.Background()
	q := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url, "query"}, args...)...)
	}
	check := func(args []string, got, want any) {
		t.Helper()
		code, stdout, stderr := q(args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if err := json.Unmarshal([]byte(stdout), got); err != nil {
			t.Fatalf("%v: %v\n%s", args, err, stdout)
		}
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		if norm := func(b []byte) string { return strings.ReplaceAll(string(b), "null", "[]") }; norm(g) != norm(w) {
			t.Errorf("%v:\n got %s\nwant %s", args, g, w)
		}
	}
	all, _ := tr.Recalls(ctx, "", 50)
	check([]string{"recalls"}, &[]gongxu.Recall{}, all)
	hub, _ := tr.Recalls(ctx, "hub-lishui", 50)
	check([]string{"recalls", "--hub", "hub-lishui", "--limit", "5"}, &[]gongxu.Recall{}, hub)
	check([]string{"recalls", "--hub", "silk-supply"}, &[]gongxu.Recall{}, []gongxu.Recall{})
	im, _ := tr.Recall(ctx, fake.RecallFabric)
	check([]string{"recall", "1"}, &gongxu.RecallImpact{}, im)

	code, stdout, _ := q("recall", "1", "-o", "table")
	for _, want := range []string{"recall", "mould in the fabric", "hub-lishui: 300 units, 0 batches", "delivered; 1 picked up", "picked up: urn:gongxu:pledge:", "urn:gongxu:lot:silk-supply/fab-001",
		"pool 3 (succeeded"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("recall as a table lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = q("recalls", "-o", "table")
	if code != 0 || !strings.Contains(stdout, "ID") || !strings.Contains(stdout, "a loose zip") {
		t.Errorf("recalls as a table:\n%s", stdout)
	}
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"recall", "9"}, 1, "no recall 9"},
		{[]string{"recall", "first"}, 2, "non-negative integer"},
		{[]string{"recalls", "--hub", "Hub"}, 2, `"Hub"`},
	} {
		code, _, stderr := q(c.args...)
		if code != c.code || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, stderr, c.code, c.msg)
		}
	}
}

func TestTxTraceBodies(t *testing.T) {
	path, doc := gs1Doc(t)
	tx := dryRun(t, "trace", "capture", path)
	var body struct {
		Document json.RawMessage `json:"document"`
	}
	if err := json.Unmarshal(tx.Body, &body); err != nil || tx.Type != "trace/capture" || !sameJSON(t, body.Document, doc) {
		t.Errorf("capture: %s %s (%v)", tx.Type, tx.Body, err)
	}
	tx = dryRun(t, "trace", "recall", "silk-supply/fab-001", "--reason", "mould in the fabric")
	if tx.Type != "trace/recall" || !sameJSON(t, tx.Body, []byte(`{"lot":"silk-supply/fab-001","reason":"mould in the fabric"}`)) {
		t.Errorf("recall: %s %s", tx.Type, tx.Body)
	}

	// gongxu recall is the same transaction, with its own tx flags.
	home, _, _ := testHome(t)
	code, stdout, stderr := run(t, "--home", home, "--node", "http://127.0.0.1:1", "--chain-id", "offline-1",
		"recall", "urn:epc:id:sgtin:0614141.107346.2017", "--reason", "a loose zip", "--from", "alice", "--sequence", "1", "--dry-run")
	if code != 0 {
		t.Fatalf("recall: exit %d: %s", code, stderr)
	}
	var st signedTx
	if err := json.Unmarshal([]byte(stdout), &st); err != nil || st.Type != "trace/recall" || st.Sequence != 1 {
		t.Errorf("recall: %+v, %v", st, err)
	}

	// Bad input is a usage error; nothing is signed.
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "bad.jsonld")
	os.WriteFile(notJSON, []byte(`{"type": "EPCISDocument",`), 0o644)
	array := filepath.Join(dir, "array.jsonld")
	os.WriteFile(array, []byte(`[{"type":"ObjectEvent"}]`), 0o644)
	big := filepath.Join(dir, "big.jsonld")
	os.WriteFile(big, append([]byte(`{"x":"`), append([]byte(strings.Repeat("a", 600<<10)), `"}`...)...), 0o644)
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"tx", "trace", "capture", notJSON}, "is not JSON"},
		{[]string{"tx", "trace", "capture", array}, "JSON object"},
		{[]string{"tx", "trace", "capture", big}, "over the limit"},
		{[]string{"tx", "trace", "capture", filepath.Join(dir, "none.jsonld")}, "no such file"},
		{[]string{"tx", "trace", "capture"}, "needs FILE"},
		{[]string{"tx", "trace", "recall", "silk-supply/fab-001"}, "needs --reason"},
		{[]string{"tx", "trace", "recall", "silk-supply/fab-001", "--reason", " "}, "needs a reason"},
		{[]string{"recall", "silk-supply/fab-001", "--reason", "x"}, "needs --from"},
	} {
		full := append([]string{"--home", home, "--node", "http://127.0.0.1:1", "--chain-id", "offline-1"}, c.args...)
		if c.args[0] == "tx" {
			full = append(full, "--from", "alice", "--dry-run")
		}
		code, _, stderr := run(t, full...)
		if code != 2 || !strings.Contains(stderr, c.msg) {
			t.Errorf("%v: exit %d, stderr %q; want a usage error with %q", c.args, code, stderr, c.msg)
		}
	}
}

// TestTraceCaptureSubmits: tx trace capture signs with the home key and
// submits to the node, which records the document it carries.
func TestTraceCaptureSubmits(t *testing.T) {
	home, alice, _ := testHome(t)
	n, _, url := traceNode(t)
	path, doc := gs1Doc(t)
	code, stdout, stderr := run(t, "--home", home, "--node", url, "tx", "trace", "capture", path, "--from", "alice")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	txs := n.txs()
	if len(txs) != 1 || txs[0].Type != "trace/capture" || txs[0].SignerKey() != alice.PubKey {
		t.Fatalf("node got %+v", txs)
	}
	var body struct{ Document json.RawMessage }
	if err := json.Unmarshal(txs[0].Body, &body); err != nil || !sameJSON(t, body.Document, doc) {
		t.Errorf("document sent: %s", txs[0].Body)
	}
	var res gongxu.TxResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || res.Code != 0 || res.Height == 0 {
		t.Errorf("result %s", stdout)
	}
	// A rejection is exit 1, with the ledger's message.
	n.reject = &gongxu.TxResult{Code: uint32(gongxu.KindConflict), Message: "event 0: event x is already on the ledger"}
	code, _, stderr = run(t, "--home", home, "--node", url, "recall", "silk-supply/fab-001", "--reason", "mould", "--from", "alice")
	if code != 1 || !strings.Contains(stderr, "already on the ledger") {
		t.Errorf("rejected recall: exit %d, %s", code, stderr)
	}
}
