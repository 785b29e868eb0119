package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

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
	w, url := worldNode(t)
	db := w.Read()
	ctx := context.Background()
	q := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url}, args...)...)
	}
	for _, c := range []struct {
		args []string
		want func() (gongxu.TraceGraph, error)
	}{
		{[]string{"trace", "back", string(inproc.JacketLot)}, func() (gongxu.TraceGraph, error) { return db.Back(ctx, string(inproc.JacketLot), 10) }},
		{[]string{"trace", "back", gongxu.LotURN(inproc.JacketLot), "--depth", "3"}, func() (gongxu.TraceGraph, error) {
			return db.Back(ctx, gongxu.LotURN(inproc.JacketLot), 3)
		}},
		{[]string{"trace", "forward", string(inproc.FabricLot), "--depth", "50"}, func() (gongxu.TraceGraph, error) {
			return db.Forward(ctx, string(inproc.FabricLot), 50)
		}},
		{[]string{"trace", "back", inproc.JacketDL}, func() (gongxu.TraceGraph, error) { return db.Back(ctx, inproc.JacketDL, 10) }},
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
		if len(got.Nodes) < 2 {
			t.Errorf("%v: the walk found nothing: %s", c.args, stdout)
		}
	}

	// The World's events on the fabric's way: Blue ships it, Acme receives
	// it (the ledger's events) and makes jackets of it.
	event := func(q gongxu.TraceQuery) gongxu.TraceEvent {
		t.Helper()
		evs, err := db.TraceEvents(ctx, q)
		if err != nil || len(evs) != 1 {
			t.Fatalf("events %+v: %d, %v", q, len(evs), err)
		}
		return evs[0]
	}
	ship := event(gongxu.TraceQuery{Orgs: []gongxu.OrgID{inproc.Blue}, BizSteps: []string{"shipping"}, LTEventTime: inproc.Start + 7*inproc.Day, Limit: 10})
	receive := event(gongxu.TraceQuery{Orgs: []gongxu.OrgID{inproc.Acme}, BizSteps: []string{"receiving"}, LTEventTime: inproc.Start + 7*inproc.Day, Limit: 10})
	make := event(gongxu.TraceQuery{Orgs: []gongxu.OrgID{inproc.Acme}, EventTypes: []string{"TransformationEvent"}, LTEventTime: inproc.Start + 8*inproc.Day + 11*inproc.Hour, Limit: 10})

	// -o table: the walk as a tree, with who, when, the step and the tx.
	code, stdout, stderr := q("trace", "forward", string(inproc.FabricLot), "-o", "table")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	for i, want := range []string{
		"TRACE", "urn:gongxu:lot:blue-river-cotton/fab-0042",
		"  · ObjectEvent " + ship.ID,
		"  → ledger " + receive.ID,
		"    urn:gongxu:lot:acme-textiles/blue-river-cotton/fab-0042 (merino-fabric, acme-textiles)",
		"      · ObjectEvent " + receive.ID,
		"      → TransformationEvent " + make.ID,
		"        urn:gongxu:lot:acme-textiles/merino-jacket-0001 (acme-textiles/merino-jacket, acme-textiles)",
		"          · ObjectEvent " + inproc.StoreID + " @ " + inproc.FactoryGLN,
	} {
		if i >= len(lines) || !strings.HasPrefix(lines[i], want) {
			t.Fatalf("line %d is not %q:\n%s", i, want, stdout)
		}
	}
	for _, want := range []string{"blue-river-cotton", "2026-01-05T00:00:02Z", "shipping", ship.Anchor.Tx[:16] + "…", "commissioning",
		"          → TransformationEvent " + inproc.LabelEvent, "            " + inproc.JacketDL,
		"pool 1 (ready, order 1, lots acme-textiles/merino-jacket-0001)", "  hub hilltown-hub: 60 units, 2 batches",
		"    shipped acme-textiles/merino-jacket-0001 60, delivered; 2 picked up", "  hub lakeside-corner: 28 units, 1 batches"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("the table lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = q("trace", "back", string(inproc.JacketLot), "-o", "table")
	if code != 0 || !strings.Contains(stdout, "  ← TransformationEvent "+make.ID) || !strings.Contains(stdout, "      ← ledger "+receive.ID) ||
		!strings.Contains(stdout, "        urn:gongxu:lot:blue-river-cotton/thread-0007") {
		t.Errorf("back as a table:\n%s", stdout)
	}

	// Errors: the node's, and the command line's.
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"trace", "back", "acme-textiles/none"}, 1, "neither a ledger lot"},
		{[]string{"trace", "back", "Acme"}, 1, `lot id "Acme" must be <org>/<code>`},
		{[]string{"trace", "forward", string(inproc.FabricLot), "--depth", "0"}, 2, "--depth must be 1 to 50"},
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
	w, url := worldNode(t)
	db := w.Read()
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
	all, _ := db.Recalls(ctx, "", 50)
	if len(all) != 2 {
		t.Fatalf("the World has %d recalls", len(all))
	}
	check([]string{"recalls"}, &[]gongxu.Recall{}, all)
	hub, _ := db.Recalls(ctx, inproc.Hilltown, 5)
	if len(hub) != 1 || hub[0].ID != w.RecallFabric {
		t.Errorf("recalls of %s: %+v", inproc.Hilltown, hub)
	}
	check([]string{"recalls", "--hub", inproc.Hilltown, "--limit", "5"}, &[]gongxu.Recall{}, hub)
	check([]string{"recalls", "--hub", inproc.Riverside}, &[]gongxu.Recall{}, []gongxu.Recall{})
	im, _ := db.Recall(ctx, w.RecallFabric)
	check([]string{"recall", fmt.Sprint(w.RecallFabric)}, &gongxu.RecallImpact{}, im)

	code, stdout, _ := q("recall", fmt.Sprint(w.RecallFabric), "-o", "table")
	for _, want := range []string{"recall", "fails the colour-fastness test: <b>do not wash</b> above 30 °C", "hilltown-hub: 60 units, 2 batches",
		"lakeside-corner: 28 units, 1 batches", "delivered; 2 picked up", "picked up: urn:gongxu:pledge:", "urn:gongxu:lot:blue-river-cotton/fab-0042",
		"pool 1 (ready"} {
		if code != 0 || !strings.Contains(stdout, want) {
			t.Errorf("recall as a table lacks %q:\n%s", want, stdout)
		}
	}
	code, stdout, _ = q("recalls", "-o", "table")
	if code != 0 || !strings.Contains(stdout, "ID") || !strings.Contains(stdout, "Care labels misprinted") || !strings.Contains(stdout, "acme-textiles/scarf-001") {
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

// TestTraceCaptureSubmits: tx trace capture signs with the home key (here
// Acme's) and submits to the node: the document's events are on the
// ledger.
func TestTraceCaptureSubmits(t *testing.T) {
	home, _, _ := testHome(t)
	w, url := worldNode(t)
	acme := importOrgKey(t, home, inproc.Acme)
	db := w.Read()
	ctx := context.Background()
	path, _ := gs1Doc(t)
	mine := gongxu.TraceQuery{Orgs: []gongxu.OrgID{inproc.Acme}, Limit: 1000}
	before, _ := db.TraceEvents(ctx, mine)
	code, stdout, stderr := run(t, "--home", home, "--node", url, "tx", "trace", "capture", path, "--from", inproc.Acme)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var res gongxu.TxResult
	if err := json.Unmarshal([]byte(stdout), &res); err != nil || res.Code != 0 || res.Height == 0 {
		t.Fatalf("result %s", stdout)
	}
	rec, err := db.Tx(ctx, res.Hash)
	if err != nil || rec.Type != "trace/capture" || rec.Signer != acme.PubKey || rec.Org != inproc.Acme || rec.Code != 0 {
		t.Errorf("the ledger has %+v, %v", rec, err)
	}
	after, _ := db.TraceEvents(ctx, mine)
	if len(after) != len(before)+1 || after[len(after)-1].Anchor.Tx != res.Hash || after[len(after)-1].Type != "AggregationEvent" {
		t.Errorf("events of %s: %d before, %d after", inproc.Acme, len(before), len(after))
	}
	// A rejection is exit 1, with the ledger's message: Acme cannot
	// recall Blue's lot.
	code, _, stderr = run(t, "--home", home, "--node", url, "recall", string(inproc.ThreadLot), "--reason", "mould", "--from", inproc.Acme)
	if code != 1 || !strings.Contains(stderr, "rejected (unauthorized, code 3): org acme-textiles never held or made blue-river-cotton/thread-0007") {
		t.Errorf("rejected recall: exit %d, %s", code, stderr)
	}
}
