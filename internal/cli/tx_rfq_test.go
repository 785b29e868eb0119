package cli

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
	"github.com/gongxu-network/gongxu/internal/module/rfq"
)

func TestTxRFQBodies(t *testing.T) {
	salt := strings.Repeat("ab", 32)
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"rfq", "post", "--title", "Rain boots", "--spec", "EU 24-32", "--qty", "400", "--max-price", "6000",
			"--bid-deadline", "2025-03-02T08:00:00Z", "--reveal-deadline", "2025-03-03T08:00:00Z", "--target", "2025-04-01T00:00:00Z"},
			"rfq/post", `{"title":"Rain boots","spec":"EU 24-32","unit":"piece","qty":400,"target_date":1743465600000,
			"max_price":6000,"currency":"CNY","bid_deadline":1740902400000,"reveal_deadline":1740988800000}`},
		{[]string{"rfq", "post", "--title", "Rain boots", "--qty", "400", "--max-price", "6000", "--bond", "20000",
			"--bid-deadline", "2025-03-02T08:00:00Z", "--reveal-deadline", "2025-03-03T08:00:00Z", "--target", "2025-04-01T00:00:00Z"},
			"rfq/post", `{"title":"Rain boots","unit":"piece","qty":400,"target_date":1743465600000,
			"max_price":6000,"currency":"CNY","bond":20000,"bid_deadline":1740902400000,"reveal_deadline":1740988800000}`},
		{[]string{"rfq", "reveal", "2", "--price", "5200", "--qty", "400", "--lead-days", "20", "--salt", strings.ToUpper(salt)},
			"rfq/reveal", `{"rfq":2,"unit_price":5200,"qty":400,"lead_days":20,"salt":"` + salt + `"}`},
		{[]string{"rfq", "award", "2", "--award", "org-a:300, org-b:200"},
			"rfq/award", `{"rfq":2,"awards":[{"bidder":"org-a","qty":300},{"bidder":"org-b","qty":200}]}`},
		{[]string{"rfq", "cancel", "2", "--reason", "budget cut"}, "rfq/cancel", `{"rfq":2,"reason":"budget cut"}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || !sameJSON(t, tx.Body, []byte(c.body)) {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}
}

func TestTxRFQPostRelativeToBlockTime(t *testing.T) {
	home, _, _ := testHome(t)
	d := newDemandNode()
	url := d.serve(t)
	now := d.blockMs(t)
	tx := dryRunAt(t, home, url, "rfq", "post", "--title", "Boots", "--unit", "pair", "--qty", "10", "--max-price", "100",
		"--currency", "EUR", "--bid-deadline", "24h", "--reveal-deadline", "48h", "--target", "30d")
	var m rfq.MsgPost
	if err := json.Unmarshal(tx.Body, &m); err != nil {
		t.Fatal(err)
	}
	const h = 3600 * 1000
	if m.BidDeadline != now+24*h || m.RevealDeadline != now+48*h || m.TargetDate != now+30*24*h || m.Unit != "pair" || m.Currency != "EUR" {
		t.Errorf("post %+v, block time %d", m, now)
	}
}

func TestTxRFQBidAndReveal(t *testing.T) {
	home, alice, _ := testHome(t)
	d := newDemandNode()
	d.setOrg(alice.PubKey, "acme-textiles")
	url := d.serve(t)
	tx := func(args ...string) (int, string, string) {
		return run(t, append([]string{"--home", home, "--node", url, "tx", "rfq"}, append(args, "--from", "alice")...)...)
	}
	path := filepath.Join(home, "keys", "bids", "acme-textiles", "rfq-2.json")

	code, stdout, stderr := tx("bid", "2", "--price", "5200", "--qty", "400", "--lead-days", "20")
	if code != 0 {
		t.Fatalf("bid: exit %d: %s", code, stderr)
	}
	var out bidResult
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatal(err)
	}
	var bid rfq.MsgBid
	if err := json.Unmarshal(d.txs()[0].Body, &bid); err != nil || d.txs()[0].Type != rfq.TypeBid {
		t.Fatal(err)
	}
	if bid.RFQ != 2 || bid.Commitment != out.Commitment || out.Terms != path || out.Hash != gongxu.TxHash(d.txs()[0].Encode()) {
		t.Errorf("bid %+v, result %+v", bid, out)
	}
	for p, want := range map[string]os.FileMode{path: 0o600, filepath.Dir(path): 0o700} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != want {
			t.Errorf("%s: %v, want mode %v", p, err, want)
		}
	}
	saved := readBidFile(t, path)
	if saved.Bidder != "acme-textiles" || saved.UnitPrice != 5200 || saved.Qty != 400 || saved.LeadDays != 20 ||
		len(saved.Salt) != 64 || saved.Tx != out.Hash || saved.Key != "alice" {
		t.Errorf("saved %+v", saved)
	}

	// The reveal needs no terms typed again, and opens the commitment.
	code, _, stderr = tx("reveal", "2")
	if code != 0 {
		t.Fatalf("reveal: exit %d: %s", code, stderr)
	}
	rv := d.txs()[1]
	var m rfq.MsgReveal
	if err := json.Unmarshal(rv.Body, &m); err != nil || rv.Type != rfq.TypeReveal {
		t.Fatal(err)
	}
	salt, err := hex.DecodeString(m.Salt)
	if err != nil {
		t.Fatal(err)
	}
	if m.RFQ != 2 || m.UnitPrice != 5200 || m.Qty != 400 || m.LeadDays != 20 ||
		rfq.Commitment(2, "acme-textiles", m.UnitPrice, m.Qty, m.LeadDays, salt) != bid.Commitment {
		t.Errorf("reveal %s does not open commitment %s", rv.Body, bid.Commitment)
	}

	// A bid the chain rejects leaves the saved terms of the standing bid.
	d.fakeNode.mu.Lock()
	d.fakeNode.reject = &gongxu.TxResult{Code: uint32(gongxu.KindExpired), Message: "bidding on rfq 2 closed"}
	d.fakeNode.mu.Unlock()
	code, _, stderr = tx("bid", "2", "--price", "4000", "--qty", "400", "--lead-days", "20")
	if code != 1 || !strings.Contains(stderr, "bidding on rfq 2 closed") {
		t.Errorf("rejected bid: exit %d: %s", code, stderr)
	}
	if got := readBidFile(t, path); got != saved {
		t.Errorf("a rejected bid replaced the saved one: %+v", got)
	}
	d.fakeNode.mu.Lock()
	d.fakeNode.reject = nil
	d.fakeNode.mu.Unlock()

	// A new bid replaces it; the old one is kept as .prev.
	if code, _, stderr = tx("bid", "2", "--price", "5000", "--qty", "300", "--lead-days", "14"); code != 0 {
		t.Fatalf("second bid: exit %d: %s", code, stderr)
	}
	if got := readBidFile(t, path); got.UnitPrice != 5000 || got.Salt == saved.Salt {
		t.Errorf("saved %+v", got)
	}
	if prev := readBidFile(t, path+".prev"); prev != saved {
		t.Errorf(".prev %+v", prev)
	}

	// A corrupt file is not revealed.
	b := readBidFile(t, path)
	b.UnitPrice++
	data, _ := json.Marshal(b)
	os.WriteFile(path, data, 0o600)
	if code, _, stderr = tx("reveal", "2"); code != 1 || !strings.Contains(stderr, "do not make its commitment") {
		t.Errorf("corrupt: exit %d: %s", code, stderr)
	}
}

// Two orgs bidding from one key folder keep their own saved bids, and each
// reveal opens its own; a bid saved by an earlier version (HOME/keys/bids/
// rfq-ID.json) is still revealed.
func TestTxRFQBidsPerOrg(t *testing.T) {
	home, alice, bob := testHome(t)
	d := newDemandNode()
	d.setOrg(alice.PubKey, "acme-textiles")
	d.setOrg(bob.PubKey, "sunrise-garments")
	url := d.serve(t)
	tx := func(from string, args ...string) (int, string) {
		code, _, stderr := run(t, append([]string{"--home", home, "--node", url, "tx", "rfq"}, append(args, "--from", from)...)...)
		return code, stderr
	}
	if code, stderr := tx("alice", "bid", "2", "--price", "5200", "--qty", "400", "--lead-days", "20"); code != 0 {
		t.Fatalf("alice's bid: exit %d: %s", code, stderr)
	}
	if code, stderr := tx("bob", "bid", "2", "--price", "4800", "--qty", "300", "--lead-days", "10"); code != 0 {
		t.Fatalf("bob's bid: exit %d: %s", code, stderr)
	}
	acme := readBidFile(t, filepath.Join(home, "keys", "bids", "acme-textiles", "rfq-2.json"))
	sunrise := readBidFile(t, filepath.Join(home, "keys", "bids", "sunrise-garments", "rfq-2.json"))
	if acme.UnitPrice != 5200 || acme.Bidder != "acme-textiles" || sunrise.UnitPrice != 4800 || sunrise.Bidder != "sunrise-garments" {
		t.Fatalf("saved %+v and %+v", acme, sunrise)
	}
	reveal := func(from string, args ...string) rfq.MsgReveal {
		t.Helper()
		n := len(d.txs())
		if code, stderr := tx(from, append([]string{"reveal", "2"}, args...)...); code != 0 {
			t.Fatalf("reveal by %s: exit %d: %s", from, code, stderr)
		}
		var m rfq.MsgReveal
		if err := json.Unmarshal(d.txs()[n].Body, &m); err != nil {
			t.Fatal(err)
		}
		return m
	}
	if m := reveal("bob"); m.UnitPrice != 4800 || m.Salt != sunrise.Salt {
		t.Errorf("bob revealed %+v", m)
	}
	if m := reveal("alice"); m.UnitPrice != 5200 || m.Salt != acme.Salt {
		t.Errorf("alice revealed %+v", m)
	}
	if m := reveal("bob", "--org", "acme-textiles"); m.UnitPrice != 5200 {
		t.Errorf("--org acme-textiles revealed %+v", m)
	}

	// A home of an earlier version: the bid in HOME/keys/bids/rfq-ID.json.
	legacy := acme
	legacy.RFQ = 3
	salt, _ := hex.DecodeString(legacy.Salt)
	legacy.Commitment = rfq.Commitment(3, legacy.Bidder, gongxu.Amount(legacy.UnitPrice), gongxu.Units(legacy.Qty), legacy.LeadDays, salt)
	data, _ := json.Marshal(legacy)
	if err := os.WriteFile(filepath.Join(home, "keys", "bids", "rfq-3.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	n := len(d.txs())
	if code, stderr := tx("alice", "reveal", "3"); code != 0 {
		t.Fatalf("legacy reveal: exit %d: %s", code, stderr)
	}
	var m rfq.MsgReveal
	if err := json.Unmarshal(d.txs()[n].Body, &m); err != nil || m.RFQ != 3 || m.UnitPrice != 5200 || m.Salt != legacy.Salt {
		t.Errorf("legacy reveal %+v, %v", m, err)
	}
	if code, stderr := tx("bob", "reveal", "3", "--org", "sunrise-garments"); code != 2 || !strings.Contains(stderr, "no saved bid of sunrise-garments on rfq 3") {
		t.Errorf("another org's legacy bid: exit %d: %s", code, stderr)
	}
}

func TestTxRFQBidDryRunSavesNothing(t *testing.T) {
	home, _, _ := testHome(t)
	dead, _ := deadURL()
	code, stdout, stderr := run(t, "--home", home, "--node", dead, "--chain-id", "c1", "tx", "rfq", "bid", "2", "--price", "1",
		"--qty", "1", "--lead-days", "0", "--org", "acme", "--from", "alice", "--sequence", "1", "--dry-run")
	if code != 0 || !strings.Contains(stdout, `"type": "rfq/bid"`) || !strings.Contains(stderr, `"salt":"`) {
		t.Errorf("exit %d\nstdout %s\nstderr %s", code, stdout, stderr)
	}
	if _, err := os.Stat(filepath.Join(home, "keys", "bids")); err == nil {
		t.Error("a dry run saved a bid")
	}
}

func TestTxRFQUsage(t *testing.T) {
	home, _, _ := testHome(t)
	dead, _ := deadURL()
	post := []string{"tx", "rfq", "post", "--from", "alice", "--title", "T", "--qty", "1", "--max-price", "1"}
	for _, c := range []struct {
		args   []string
		stderr string
	}{
		{post, "needs --bid-deadline"},
		{append(post, "--bid-deadline", "1h", "--reveal-deadline", "2h", "--target", "3h", "--currency", "cny"), "three upper-case letters"},
		{append(post, "--bid-deadline", "1h", "--reveal-deadline", "2h", "--target", "next week"), "--target must be an RFC 3339 time"},
		{append(post, "--bid-deadline", "1h", "--reveal-deadline", "2h", "--target", "3h", "--bond", "-1"), "bid bond must be 0 (none) or positive"},
		{append(post, "--bid-deadline", "1h", "--reveal-deadline", "2h", "--target", "3h", "--bond", "1"), "bid bond 1 is over 10%"},
		{[]string{"tx", "rfq", "bid", "2", "--from", "alice", "--price", "1", "--qty", "1"}, "needs --lead-days"},
		{[]string{"tx", "rfq", "bid", "2", "--from", "alice", "--price", "0", "--qty", "1", "--lead-days", "1"}, "unit price must be positive"},
		{[]string{"tx", "rfq", "bid", "2", "--from", "alice", "--price", "1", "--qty", "1", "--lead-days", "9999"}, "lead days must be 0 to"},
		{[]string{"tx", "rfq", "bid", "2", "--from", "alice", "--price", "1", "--qty", "1", "--lead-days", "1", "--org", "A"}, `org id "A"`},
		{[]string{"tx", "rfq", "bid", "x", "--from", "alice"}, "rfq id must be a positive integer"},
		{[]string{"tx", "rfq", "reveal", "2", "--from", "alice"}, "no saved bid on rfq 2"},
		{[]string{"tx", "rfq", "reveal", "2", "--from", "alice", "--price", "1"}, "needs --qty"},
		{[]string{"tx", "rfq", "reveal", "2", "--from", "alice", "--price", "1", "--qty", "1", "--lead-days", "1", "--salt", "abcd"},
			"salt must be 16 to 64 bytes"},
		{[]string{"tx", "rfq", "award", "2", "--from", "alice"}, "needs --award"},
		{[]string{"tx", "rfq", "award", "2", "--from", "alice", "--award", "org-a=3"}, "--award takes ORG:QTY pairs"},
		{[]string{"tx", "rfq", "award", "2", "--from", "alice", "--award", "org-a:3,org-a:4"}, "awarded twice"},
		{[]string{"tx", "rfq", "cancel", "2", "--from", "alice"}, "needs --reason"},
		{[]string{"tx", "rfq", "cancel", "2", "--from", "alice", "--reason", " "}, "a cancel needs a reason"},
	} {
		args := append([]string{"--home", home, "--node", dead}, c.args...)
		code, stdout, stderr := run(t, args...)
		if code != 2 || !strings.Contains(stderr, c.stderr) || stdout != "" {
			t.Errorf("%v: exit %d, want 2 and %q; stderr:\n%s", c.args, code, c.stderr, stderr)
		}
	}
}

func readBidFile(t *testing.T, path string) bidFile {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var b bidFile
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTxDryRunBatchAndBidBodies(t *testing.T) {
	home, _, _ := testHome(t)
	dead, _ := deadURL()
	dry := func(args ...string) (*gongxu.Tx, string) {
		t.Helper()
		full := append([]string{"--home", home, "--node", dead, "--chain-id", "offline-1", "tx"}, args...)
		code, stdout, stderr := run(t, append(full, "--from", "alice", "--sequence", "1", "--dry-run")...)
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
		return tx, stderr
	}

	csvPath := filepath.Join(t.TempDir(), "p.csv")
	os.WriteFile(csvPath, []byte("ann,m,2\nbo,,1\n"), 0o600)
	tx, _ := dry("pool", "batch", "9", csvPath)
	secret := readSecret(t, home, "alice")
	commit := func(consumer string, row uint64) string {
		c, err := gongxu.PickupCommit(pickupSecret(secret, leafID(secret, consumer, 9, row)))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	want := `{"pool":9,"leaves":[{"id":"` + leafID(secret, "ann", 9, 0) + `","variant":"m","qty":2,"commit":"` + commit("ann", 0) + `"},{"id":"` +
		leafID(secret, "bo", 9, 1) + `","qty":1,"commit":"` + commit("bo", 1) + `"}]}`
	if tx.Type != "pool/batch" || string(tx.Body) != want {
		t.Errorf("batch: %s %s\nwant %s", tx.Type, tx.Body, want)
	}
	// --packed: the same leaves, packed in the binary body.
	ptx, _ := dry("pool", "batch", "9", csvPath, "--packed")
	var pm, jm pool.MsgBatch
	if err := pm.DecodeBinary(ptx.Body); err != nil || pm.Binary == nil || pm.Leaves != nil || ptx.Type != "pool/batch" {
		t.Fatalf("packed batch %s body %x: %v", ptx.Type, ptx.Body, err)
	}
	json.Unmarshal(tx.Body, &jm)
	if err := pm.ValidateBasic(); err != nil || !reflect.DeepEqual(pm, jm) {
		t.Errorf("packed batch %+v (%v), want the leaves of %+v", pm, err, jm)
	}

	tx, stderr := dry("rfq", "bid", "2", "--price", "5200", "--qty", "400", "--lead-days", "20", "--org", "acme")
	_, j, _ := strings.Cut(strings.TrimSpace(stderr), "not saved: ")
	var b bidFile
	if err := json.Unmarshal([]byte(j), &b); err != nil {
		t.Fatalf("stderr %s: %v", stderr, err)
	}
	salt, _ := hex.DecodeString(b.Salt)
	c := rfq.Commitment(2, "acme", 5200, 400, 20, salt)
	if tx.Type != "rfq/bid" || string(tx.Body) != `{"rfq":2,"commitment":"`+c+`"}` || len(salt) != 32 {
		t.Errorf("bid: %s %s, salt %x", tx.Type, tx.Body, salt)
	}
}
