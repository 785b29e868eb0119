package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

func TestTxPoolBodies(t *testing.T) {
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"pool", "open", "--product", "acme/jacket-1", "--tiers", "1:12900,100:9900, 500:8900", "--moq", "100", "--cap", "1000",
			"--deadline", "2025-03-04T18:00:00+08:00"},
			"pool/open", `{"product":"acme/jacket-1","tiers":[{"min_qty":1,"unit_price":12900},{"min_qty":100,"unit_price":9900},
			{"min_qty":500,"unit_price":8900}],"moq":100,"cap":1000,"case_pack":1,"currency":"CNY","deadline":1741082400000}`},
		{[]string{"pool", "open", "--product", "acme/jacket-1", "--tiers", "1:500", "--moq", "10", "--cap", "60", "--case-pack", "6",
			"--currency", "EUR", "--deadline", "2025-03-04T10:00:00Z", "--lock", "12h", "--hubs", "hub-a,hub-b", "--variants", "m,l",
			"--terms", "Pick-up at the hub"},
			"pool/open", `{"product":"acme/jacket-1","tiers":[{"min_qty":1,"unit_price":500}],"moq":10,"cap":60,"case_pack":6,
			"currency":"EUR","deadline":1741082400000,"lock_ms":43200000,"variants":["m","l"],"hubs":["hub-a","hub-b"],"terms":"Pick-up at the hub"}`},
		{[]string{"pool", "open", "--product", "acme/jacket-1", "--tiers", "1:500", "--moq", "10", "--cap", "60",
			"--deadline", "2025-03-04T10:00:00Z", "--from-stock"},
			"pool/open", `{"product":"acme/jacket-1","tiers":[{"min_qty":1,"unit_price":500}],"moq":10,"cap":60,"case_pack":1,
			"currency":"CNY","deadline":1741082400000,"from_stock":true}`},
		{[]string{"pool", "open", "--product", "acme/jacket-1", "--tiers", "1:500", "--moq", "10", "--cap", "60",
			"--deadline", "2025-03-04T10:00:00Z", "--lock", "12h", "--repeat-every", "7d", "--repeat-times", "4"},
			"pool/open", `{"product":"acme/jacket-1","tiers":[{"min_qty":1,"unit_price":500}],"moq":10,"cap":60,"case_pack":1,
			"currency":"CNY","deadline":1741082400000,"lock_ms":43200000,"repeat":{"every_ms":604800000,"times":4}}`},
		{[]string{"pool", "open", "--product", "acme/jacket-1", "--tiers", "1:500", "--moq", "10", "--cap", "60",
			"--deadline", "2025-03-04T10:00:00Z", "--repeat-every", "1d12h", "--repeat-times", "52"},
			"pool/open", `{"product":"acme/jacket-1","tiers":[{"min_qty":1,"unit_price":500}],"moq":10,"cap":60,"case_pack":1,
			"currency":"CNY","deadline":1741082400000,"repeat":{"every_ms":129600000,"times":52}}`},
		{[]string{"pool", "stop-repeat", "7"}, "pool/stop_repeat", `{"pool":7}`},
		{[]string{"pool", "stop-repeat", "7", "--reason", "season over"}, "pool/stop_repeat", `{"pool":7,"reason":"season over"}`},
		{[]string{"pool", "ship", "7", "--hub", "hub-a"}, "pool/ship", `{"pool":7,"hub":"hub-a"}`},
		{[]string{"pool", "ship", "7", "--hub", "hub-a", "--qty", "2.5"}, "pool/ship", `{"pool":7,"hub":"hub-a","qty":2500}`},
		{[]string{"pool", "ship", "7", "--hub", "hub-a", "--lot", "acme/wo-3:2,acme/wo-4:0.5"},
			"pool/ship", `{"pool":7,"hub":"hub-a","lots":[{"lot":"acme/wo-3","qty":2000},{"lot":"acme/wo-4","qty":500}]}`},
		{[]string{"pool", "cancel", "7"}, "pool/cancel", `{"pool":7}`},
		{[]string{"pool", "cancel", "7", "--reason", "wrong ladder"}, "pool/cancel", `{"pool":7,"reason":"wrong ladder"}`},
		{[]string{"pool", "pledge", "7", "--hub", "hub-lishui", "--variant", "m-navy", "--qty", "2"},
			"pool/pledge", `{"pool":7,"hub":"hub-lishui","variant":"m-navy","qty":2}`},
		{[]string{"pool", "pledge", "7", "--hub", "hub-lishui", "--qty", "1"}, "pool/pledge", `{"pool":7,"hub":"hub-lishui","qty":1}`},
		{[]string{"pool", "reduce", "7", "3", "--qty", "0"}, "pool/reduce", `{"pool":7,"pledge":3,"qty":0}`},
		{[]string{"pool", "hub-reduce", "7", "--variant", "l", "--qty", "5", "--pledges", "2"},
			"pool/hub_reduce", `{"pool":7,"variant":"l","qty":5,"pledges":2}`},
		{[]string{"pool", "hub-reduce", "7", "--qty", "5"}, "pool/hub_reduce", `{"pool":7,"qty":5}`},
		{[]string{"pool", "start-production", "7"}, "pool/start_production", `{"pool":7}`},
		{[]string{"pool", "confirm-delivery", "7"}, "pool/confirm_delivery", `{"pool":7}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || !sameJSON(t, tx.Body, []byte(c.body)) {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}
}

// dryRunAt signs args as alice with --dry-run, asking the node at url for
// what it needs (chain id, block time, the key's org), and decodes the result.
func dryRunAt(t *testing.T, home, url string, args ...string) *gongxu.Tx {
	t.Helper()
	full := append([]string{"--home", home, "--node", url, "tx"}, args...)
	full = append(full, "--from", "alice", "--dry-run")
	code, stdout, stderr := run(t, full...)
	if code != 0 {
		t.Fatalf("%v: exit %d: %s", args, code, stderr)
	}
	var st signedTx
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(st.Tx)
	tx, _, err := gongxu.DecodeTx(raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestTxPoolOpenRelativeToBlockTime(t *testing.T) {
	home, alice, _ := testHome(t)
	d := newDemandNode()
	d.setOrg(alice.PubKey, "acme")
	url := d.serve(t)
	now := d.blockMs(t)

	tx := dryRunAt(t, home, url, "pool", "open", "--product", "jacket-1", "--tiers", "1:100", "--moq", "1", "--cap", "5",
		"--deadline", "72h")
	var m pool.MsgOpen
	if err := json.Unmarshal(tx.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Deadline != now+72*3600*1000 {
		t.Errorf("deadline %d, want block time %d + 72h", m.Deadline, now)
	}
	if m.Product != "acme/jacket-1" {
		t.Errorf("product %q, want the key's factory acme/jacket-1", m.Product)
	}

	// No block yet: a relative deadline cannot be placed, an absolute one can.
	d.mu.Lock()
	d.blockTime = ""
	d.mu.Unlock()
	code, _, stderr := run(t, "--home", home, "--node", url, "tx", "pool", "open", "--product", "acme/j", "--tiers", "1:100",
		"--moq", "1", "--cap", "5", "--deadline", "72h", "--from", "alice", "--dry-run")
	if code != 1 || !strings.Contains(stderr, "reports no block time yet") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
	tx = dryRunAt(t, home, url, "pool", "open", "--product", "acme/j", "--tiers", "1:100", "--moq", "1", "--cap", "5",
		"--deadline", "2025-03-04T10:00:00Z")
	if !bytes.Contains(tx.Body, []byte(`"deadline":1741082400000`)) {
		t.Errorf("body %s", tx.Body)
	}

	// A key of no org cannot name a bare SKU.
	d.setOrg(alice.PubKey, "")
	code, _, stderr = run(t, "--home", home, "--node", url, "tx", "pool", "open", "--product", "jacket-1", "--tiers", "1:100",
		"--moq", "1", "--cap", "5", "--deadline", "2025-03-04T10:00:00Z", "--from", "alice", "--dry-run")
	if code != 1 || !strings.Contains(stderr, "belongs to no member org") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

func TestParseWhen(t *testing.T) {
	base := time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)
	calls := 0
	now := func() (time.Time, error) { calls++; return base, nil }
	for _, c := range []struct {
		in   string
		want time.Time
	}{
		{"72h", base.Add(72 * time.Hour)},
		{"90m", base.Add(90 * time.Minute)},
		{"30d", base.AddDate(0, 0, 30)},
		{"1d12h", base.Add(36 * time.Hour)},
		{" 2025-03-04T18:00:00+08:00 ", time.Date(2025, 3, 4, 10, 0, 0, 0, time.UTC)},
	} {
		w, err := parseWhen("deadline", c.in)
		if err != nil {
			t.Errorf("parseWhen(%q): %v", c.in, err)
			continue
		}
		if got, err := w.ms(now); err != nil || got != c.want.UnixMilli() {
			t.Errorf("parseWhen(%q) = %d, %v; want %d", c.in, got, err, c.want.UnixMilli())
		}
	}
	calls = 0
	w, _ := parseWhen("deadline", "2025-03-04T10:00:00Z")
	if _, err := w.ms(now); err != nil || calls != 0 {
		t.Errorf("an absolute time asked for the block time (%d calls), err %v", calls, err)
	}
	for _, bad := range []string{"", "tomorrow", "3 days", "0h", "-5h", "d", "1x", "2025-03-04", "1d-48h"} {
		if _, err := parseWhen("deadline", bad); !isUsage(err) {
			t.Errorf("parseWhen(%q): %v, want a usage error", bad, err)
		}
	}
	boom := errors.New("no node")
	w, _ = parseWhen("deadline", "1h")
	if _, err := w.ms(func() (time.Time, error) { return time.Time{}, boom }); !errors.Is(err, boom) {
		t.Errorf("error of the clock lost: %v", err)
	}
}

// The pledges of a test batch: references full of personal data.
const testBatchCSV = `consumer,variant,qty
"Wang Fang, 138-0000-1234",m-navy,2
Li Lei 13900001111,l-navy,1
"Wang Fang, 138-0000-1234",l-navy,3
  "Zhao ""Xiao"" Ming ", ,1
`

var testBatchRefs = []string{"Wang Fang, 138-0000-1234", "Li Lei 13900001111", "Wang Fang, 138-0000-1234", `Zhao "Xiao" Ming`}

func TestTxPoolBatchReceipts(t *testing.T) {
	home, alice, _ := testHome(t)
	d := newDemandNode()
	d.setOrg(alice.PubKey, "hub-lishui")
	url := d.serve(t)
	work := t.TempDir()
	t.Chdir(work)
	if err := os.WriteFile("pledges.csv", []byte(testBatchCSV), 0o600); err != nil {
		t.Fatal(err)
	}

	code, stdout, stderr := run(t, "--home", home, "--node", url, "tx", "pool", "batch", "7", "pledges.csv", "--from", "alice")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out batchResult
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	txs := d.txs()
	if len(txs) != 1 || txs[0].Type != pool.TypeBatch {
		t.Fatalf("node holds %v", txs)
	}
	hash := gongxu.TxHash(txs[0].Encode())
	wantDir := "receipts-7-" + hash[:8]
	if out.Hash != hash || out.Code != 0 || out.Leaves != 4 || out.Receipts != wantDir ||
		out.Index != filepath.Join(wantDir, "index.csv") {
		t.Errorf("result %+v, want hash %s dir %s", out, hash, wantDir)
	}

	// Nothing personal left the hub: not in the leaf ids, not in the tx.
	var m pool.MsgBatch
	if err := json.Unmarshal(txs[0].Body, &m); err != nil {
		t.Fatal(err)
	}
	// Fragments that cannot occur in hex ids by chance (letters, a dash, or
	// 11 digits in a row: about 1e-12 per id).
	for _, ref := range append(slices.Clone(testBatchRefs), "Wang", "138-0000", "13900001111", "Li Lei", "Zhao") {
		if bytes.Contains(txs[0].Encode(), []byte(ref)) {
			t.Errorf("the transaction carries %q", ref)
		}
	}
	wantLeaves := []struct {
		variant string
		qty     gongxu.Units
	}{{"m-navy", 2}, {"l-navy", 1}, {"l-navy", 3}, {"", 1}}
	if len(m.Leaves) != len(wantLeaves) {
		t.Fatalf("leaves %+v", m.Leaves)
	}
	secret := readSecret(t, home, "alice")
	for i, l := range m.Leaves {
		if l.Variant != wantLeaves[i].variant || l.Qty != wantLeaves[i].qty || len(l.ID) != 64 {
			t.Errorf("leaf %d: %+v", i, l)
		}
		if l.ID != leafID(secret, testBatchRefs[i], 7, uint64(i)) {
			t.Errorf("leaf %d id %s is not the keyed pseudonym of its reference", i, l.ID)
		}
	}
	if m.Leaves[0].ID == m.Leaves[2].ID {
		t.Error("one consumer's two pledges share a leaf id")
	}

	// One receipt per leaf verifies; the index maps each reference to it.
	f, err := os.Open(out.Index)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	idx, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(idx[0], []string{"consumer", "variant", "qty", "leaf", "receipt"}) || len(idx) != 5 {
		t.Fatalf("index %q", idx)
	}
	for i, row := range idx[1:] {
		if row[0] != testBatchRefs[i] || row[3] != m.Leaves[i].ID {
			t.Errorf("index row %d: %q", i, row)
		}
		r := readReceipt(t, filepath.Join(wantDir, row[4]))
		if err := pool.VerifyReceipt(r); err != nil {
			t.Errorf("receipt %s: %v", row[4], err)
		}
		if r.Tx != hash || r.Pool != 7 || r.Hub != "hub-lishui" || r.Index != i || r.Leaves != 4 || r.Leaf != m.Leaves[i] {
			t.Errorf("receipt %s: %+v", row[4], r)
		}
		if strings.Contains(r.Leaf.ID, "Wang") {
			t.Error("a leaf id holds a reference")
		}
		// The consumer's copy holds the pickup secret its leaf commits to;
		// the index the hub keeps, and the transaction, do not.
		if c, err := gongxu.PickupCommit(r.Secret); err != nil || c != r.Leaf.Commit || r.Secret != pickupSecret(secret, r.Leaf.ID) {
			t.Errorf("receipt %s: secret %q does not open commitment %s (%v)", row[4], r.Secret, r.Leaf.Commit, err)
		}
		if slices.Contains(row, r.Secret) || bytes.Contains(txs[0].Encode(), []byte(r.Secret)) {
			t.Errorf("receipt %s's secret is in the index or the transaction", row[4])
		}
		if i > 0 && r.Secret == readReceipt(t, filepath.Join(wantDir, idx[i][4])).Secret {
			t.Errorf("receipts %d and %d share a secret", i-1, i)
		}
		fi, _ := os.Stat(filepath.Join(wantDir, row[4]))
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("receipt mode %v", fi.Mode().Perm())
		}
	}

	// The secret is 0600 and stable: the same file gives the same ids.
	sp := filepath.Join(home, "keys", "alice.pseudonym")
	fi, err := os.Stat(sp)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("pseudonym secret: %v %v", fi, err)
	}
	code, stdout, stderr = run(t, "--home", home, "--node", url, "tx", "pool", "batch", "7", "pledges.csv", "--from", "alice",
		"--receipts", "again")
	if code != 0 {
		t.Fatalf("second batch: exit %d: %s", code, stderr)
	}
	var m2 pool.MsgBatch
	_ = json.Unmarshal(d.txs()[1].Body, &m2)
	if !slices.Equal(m.Leaves, m2.Leaves) || !bytes.Equal(readSecret(t, home, "alice"), secret) {
		t.Error("the leaf ids changed between runs")
	}
	if _, err := os.Stat(filepath.Join("again", "0003.json")); err != nil {
		t.Errorf("--receipts: %v\n%s", err, stdout)
	}
	// Reusing a receipts directory is refused before anything is signed.
	code, _, stderr = run(t, "--home", home, "--node", url, "tx", "pool", "batch", "7", "pledges.csv", "--from", "alice",
		"--receipts", "again")
	if code != 2 || !strings.Contains(stderr, "already holds an index.csv") || len(d.txs()) != 2 {
		t.Errorf("exit %d: %s", code, stderr)
	}
	// Another home has another secret: other ids for the same people.
	other, _, _ := testHome(t)
	tx := dryRunAt(t, other, url, "pool", "batch", "7", "pledges.csv")
	var m3 pool.MsgBatch
	_ = json.Unmarshal(tx.Body, &m3)
	if len(m3.Leaves) != 4 || m3.Leaves[0].ID == m.Leaves[0].ID {
		t.Error("two hubs' secrets give the same pseudonym")
	}
}

func TestTxPoolBatchRejected(t *testing.T) {
	home, alice, _ := testHome(t)
	d := newDemandNode()
	d.setOrg(alice.PubKey, "hub-lishui")
	d.fakeNode.reject = &gongxu.TxResult{Code: uint32(gongxu.KindConflict), Message: "pool 7 is closed"}
	url := d.serve(t)
	t.Chdir(t.TempDir())
	os.WriteFile("p.csv", []byte("a1,,1\n"), 0o600)
	code, stdout, stderr := run(t, "--home", home, "--node", url, "tx", "pool", "batch", "7", "p.csv", "--from", "alice")
	if code != 1 || !strings.Contains(stdout, `"kind": "conflict"`) || !strings.Contains(stderr, "pool 7 is closed") {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if ents, _ := os.ReadDir("."); len(ents) != 1 {
		t.Errorf("a rejected batch wrote receipts: %v", ents)
	}
}

func TestReadBatchCSV(t *testing.T) {
	rows, err := readBatchCSV(strings.NewReader("a,m,1\nb,,2\n"))
	if err != nil || len(rows) != 2 || rows[0] != (batchRow{"a", "m", 1}) || rows[1] != (batchRow{"b", "", 2}) {
		t.Errorf("no header: %v %v", rows, err)
	}
	for _, bad := range []string{"", "consumer,variant,qty\n", "a,m\n", "a,m,0\n", "a,m,x\n", ",m,1\n", "a,m,1,extra\n", "a,m,-1\n"} {
		if _, err := readBatchCSV(strings.NewReader(bad)); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestTxPoolUsage(t *testing.T) {
	home, _, _ := testHome(t)
	dead, err := deadURL()
	if err != nil {
		t.Fatal(err)
	}
	csvPath := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(csvPath, []byte("a,BAD VARIANT,1\n"), 0o600)
	open := []string{"tx", "pool", "open", "--from", "alice", "--product", "acme/j", "--moq", "10", "--cap", "100", "--deadline", "72h"}
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"tx", "pool", "open", "--from", "alice"}, "needs --product"},
		{append(open, "--tiers", "1-100"), "--tiers takes MIN_QTY:UNIT_PRICE pairs"},
		{append(open, "--tiers", "1:100,50:200"), "must be below the previous tier"},
		{append(open, "--tiers", "1:100", "--cap", "5"), "cap 5 must be at least the moq 10"},
		{append(open, "--tiers", "1:100", "--lock", "-1h"), "--lock must not be negative"},
		{append(open, "--tiers", "1:100", "--variants", "M"), `variant id "M"`},
		{[]string{"tx", "pool", "open", "--from", "alice", "--product", "acme/j", "--tiers", "1:9", "--moq", "1", "--cap", "1",
			"--deadline", "soon"}, "--deadline must be an RFC 3339 time or a duration"},
		{[]string{"tx", "pool", "open", "--from", "alice", "--product", "acme/j", "--tiers", "1:9", "--moq", "1", "--cap", "1",
			"--deadline", "72h", "--lock", "half"}, `invalid argument "half"`},
		{append(open, "--tiers", "1:100", "--repeat-every", "7d"), "--repeat-every and --repeat-times go together"},
		{append(open, "--tiers", "1:100", "--repeat-times", "4"), "--repeat-every and --repeat-times go together"},
		{append(open, "--tiers", "1:100", "--repeat-every", "weekly", "--repeat-times", "4"), `--repeat-every takes a period like 7d, 1d12h or 36h, got "weekly"`},
		{append(open, "--tiers", "1:100", "--repeat-every", "12h", "--repeat-times", "4"), "repeat every_ms must be 1 to 366 days"},
		{append(open, "--tiers", "1:100", "--repeat-every", "367d", "--repeat-times", "4"), "repeat every_ms must be 1 to 366 days"},
		{append(open, "--tiers", "1:100", "--repeat-every", "7d", "--repeat-times", "53"), "repeat times must be 1 to 52 reopenings, got 53"},
		{append(open, "--tiers", "1:100", "--repeat-every", "7d", "--repeat-times", "0"), "repeat times must be 1 to 52 reopenings, got 0"},
		{append(open, "--tiers", "1:100", "--repeat-every", "1d", "--repeat-times", "2", "--lock", "24h"), "lock_ms 86400000 must be shorter than the repeat's every_ms"},
		{[]string{"tx", "pool", "stop-repeat", "--from", "alice"}, "needs POOL_ID"},
		{[]string{"tx", "pool", "stop-repeat", "0", "--from", "alice"}, "pool id must be a positive integer"},
		{[]string{"tx", "pool", "stop-repeat", "7", "--from", "alice", "--reason", strings.Repeat("x", 201)}, "reason is 201 bytes, the limit is 200"},
		{[]string{"tx", "pool", "cancel", "x", "--from", "alice"}, `pool id must be a positive integer, got "x"`},
		{[]string{"tx", "pool", "cancel", "--from", "alice"}, "needs POOL_ID"},
		{[]string{"tx", "pool", "pledge", "7", "--from", "alice", "--qty", "1"}, "needs --hub"},
		{[]string{"tx", "pool", "pledge", "7", "--from", "alice", "--hub", "h1", "--qty", "0"}, "qty must be positive"},
		{[]string{"tx", "pool", "reduce", "7", "--from", "alice", "--qty", "1"}, "needs POOL_ID PLEDGE_ID"},
		{[]string{"tx", "pool", "reduce", "7", "0", "--from", "alice", "--qty", "1"}, "pledge id must be a positive integer"},
		{[]string{"tx", "pool", "reduce", "7", "1", "--from", "alice"}, "needs --qty"},
		{[]string{"tx", "pool", "hub-reduce", "7", "--from", "alice"}, "needs --qty"},
		{[]string{"tx", "pool", "start-production", "0", "--from", "alice"}, "pool id must be a positive integer"},
		{[]string{"tx", "pool", "ship", "7", "--from", "alice", "--hub", "h1", "--lot", "acme/a:1,acme/a:2"}, "lot acme/a is listed twice"},
		{[]string{"tx", "pool", "ship", "7", "--from", "alice", "--hub", "h1", "--qty", "3", "--lot", "acme/a:1"}, "the chosen lots hold 1000; the shipment is 3000"},
		{[]string{"tx", "pool", "ship", "7", "--from", "alice", "--hub", "h1", "--lot", "acme/a"}, "--lot"},
		{[]string{"tx", "pool", "confirm-delivery", "1", "2", "--from", "alice"}, "takes 1 argument(s)"},
		{[]string{"tx", "pool", "batch", "7", "--from", "alice"}, "needs POOL_ID FILE.csv"},
		{[]string{"tx", "pool", "batch", "7", "nope.csv", "--from", "alice"}, "batch file nope.csv does not exist"},
		{[]string{"tx", "pool", "batch", "7", csvPath, "--from", "alice"}, `variant id "BAD VARIANT"`},
		{[]string{"tx", "pool", "batch", "7", csvPath}, "needs --from"},
		{[]string{"tx", "pool", "fly"}, `unknown command "fly" for "gongxu tx pool"`},
	} {
		args := append([]string{"--home", home, "--node", dead}, c.args...)
		code, stdout, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want 2 and %q; stderr:\n%s", c.args, code, c.stderr, stderr)
		}
	}
	// A usage error creates no pseudonym secret.
	if _, err := os.Stat(filepath.Join(home, "keys", "alice.pseudonym")); err == nil {
		t.Error("a failed batch created the pseudonym secret")
	}
}

func readSecret(t *testing.T, home, name string) []byte {
	t.Helper()
	s, err := pseudonymKey(filepath.Join(home, "keys"), name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func readReceipt(t *testing.T, path string) gongxu.Receipt {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var r gongxu.Receipt
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTxPoolPickupSecret: a pickup by receipt carries the consumer's pickup
// secret, from their copy or --secret; a public receipt alone is refused
// before anything is signed.
func TestTxPoolPickupSecret(t *testing.T) {
	dir := t.TempDir()
	leaf, secret, err := gongxu.NewPoolLeaf(rand.Reader, "m", 2)
	if err != nil {
		t.Fatal(err)
	}
	rc := pool.Receipts(strings.Repeat("AB", 32), 7, "hub-lishui", []pool.Leaf{leaf})[0]
	write := func(name string, r gongxu.Receipt) string {
		b, _ := json.Marshal(r)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	public := write("public.json", rc)
	rc.Secret = secret
	mine := write("mine.json", rc)
	for _, c := range []struct {
		args   []string
		secret string
	}{
		{[]string{"pool", "pickup", "7", "--receipt", mine}, secret},
		{[]string{"pool", "pickup", "7", "--receipt", public, "--secret", strings.ToUpper(secret)}, secret},
	} {
		tx := dryRun(t, c.args...)
		var m pool.MsgPickup
		if err := json.Unmarshal(tx.Body, &m); err != nil || tx.Type != pool.TypePickup || m.Receipt == nil || m.Receipt.Secret != c.secret {
			t.Errorf("%v: %s %s (%v)", c.args, tx.Type, tx.Body, err)
		}
	}
	home, _, _ := testHome(t)
	dead, _ := deadURL()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"pool", "pickup", "7", "--receipt", public}, "holds no pickup secret"},
		{[]string{"pool", "pickup", "7", "--receipt", public, "--secret", "abc"}, "a pickup secret is 64 lower-case hex characters"},
		{[]string{"pool", "pickup", "7", "--pledge", "2", "--secret", secret}, "--secret goes with --receipt"},
	} {
		code, _, stderr := run(t, append(append([]string{"--home", home, "--node", dead, "tx"}, c.args...), "--from", "alice")...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d: %s", c.args, code, stderr)
		}
	}
}

// TestSeriesLine: "query pool show" says where a pool stands in its series.
func TestSeriesLine(t *testing.T) {
	week := int64(7 * 24 * 3600 * 1000)
	for _, c := range []struct {
		s    gongxu.PoolSeries
		want string
	}{
		{gongxu.PoolSeries{EveryMs: week, Times: 4, Series: 3, NextAt: 1741082400000},
			"series 3, every 7d0h0m, reopening 0 of 4; the next opens at " + msTime(1741082400000)},
		{gongxu.PoolSeries{EveryMs: week, Times: 4, Series: 3, N: 1, Prev: 3, Next: 9}, "series 3, every 7d0h0m, reopening 1 of 4, after pool 3, then pool 9"},
		{gongxu.PoolSeries{EveryMs: week, Times: 4, Series: 3, N: 2, Prev: 9, Stopped: "stopped by the factory"},
			"series 3, every 7d0h0m, reopening 2 of 4, after pool 9; stopped: stopped by the factory"},
		{gongxu.PoolSeries{EveryMs: week, Times: 4, Series: 3, N: 4, Prev: 12}, "series 3, every 7d0h0m, reopening 4 of 4, after pool 12; the last of its series"},
	} {
		if got := seriesLine(&c.s); got != c.want {
			t.Errorf("seriesLine(%+v) =\n %q, want\n %q", c.s, got, c.want)
		}
	}
}
