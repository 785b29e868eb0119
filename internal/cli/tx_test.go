package cli

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
)

// testHome returns a home whose keyring holds alice and bob, made from fixed
// seeds.
func testHome(t *testing.T) (home string, alice, bob keyring.Key) {
	t.Helper()
	home = filepath.Join(t.TempDir(), "home")
	kr, err := keyring.Open(filepath.Join(home, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	alice, err = kr.Import("alice", bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	bob, err = kr.Import("bob", bytes.Repeat([]byte{2}, 32))
	if err != nil {
		t.Fatal(err)
	}
	return home, alice, bob
}

// sameJSON reports whether a and b are the same JSON value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatalf("bad JSON %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return bytes.Equal(xb, yb)
}

func TestTxCommands(t *testing.T) {
	home, alice, bob := testHome(t)
	upper := strings.ToUpper(string(pk("c3")))
	tests := []struct {
		name string
		args []string
		typ  string
		body string
	}{
		{"update-org", []string{"member", "update-org", "--name", "Acme Ltd", "--contact", "hi@acme.example"},
			"member/update_org", `{"name":"Acme Ltd","contact":"hi@acme.example"}`},
		{"update-org description only", []string{"member", "update-org", "--description", "Jackets\tand coats"},
			"member/update_org", `{"description":"Jackets\tand coats"}`},
		{"add-key hex", []string{"member", "add-key", upper},
			"member/add_key", `{"key":"` + string(pk("c3")) + `"}`},
		{"add-key by name", []string{"member", "add-key", "bob"},
			"member/add_key", `{"key":"` + string(bob.PubKey) + `"}`},
		{"remove-key", []string{"member", "remove-key", string(pk("c3"))},
			"member/remove_key", `{"key":"` + string(pk("c3")) + `"}`},
		{"seal-key hex", []string{"member", "seal-key", strings.ToUpper(strings.Repeat("a1", 32))},
			"member/seal_key", `{"key":"` + strings.Repeat("a1", 32) + `"}`},
		{"admit-org", []string{"member", "propose", "admit-org", "--title", "Admit Silk", "--id", "silk-supply",
			"--name", "Silk Supply", "--roles", "supplier, hub", "--keys", string(pk("c3")) + ",bob", "--description", "Silk"},
			"member/propose", `{"kind":"admit_org","title":"Admit Silk","org":{"id":"silk-supply","name":"Silk Supply",
			"roles":["supplier","hub"],"keys":["` + string(pk("c3")) + `","` + string(bob.PubKey) + `"],"description":"Silk","since":0}}`},
		{"remove-org", []string{"member", "propose", "--title", "Bye", "remove-org", "--target", "hub-lishui"},
			"member/propose", `{"kind":"remove_org","title":"Bye","target":"hub-lishui"}`},
		{"add-validator", []string{"member", "propose", "add-validator", "--title", "Val", "--target", "acme",
			"--pub-key", upper, "--power", "5"},
			"member/propose", `{"kind":"add_validator","title":"Val","target":"acme","pub_key":"` + string(pk("c3")) + `","power":5}`},
		{"remove-validator", []string{"member", "propose", "remove-validator", "--title", "Unval", "--pub-key", string(pk("d4"))},
			"member/propose", `{"kind":"remove_validator","title":"Unval","pub_key":"` + string(pk("d4")) + `"}`},
		{"set-param", []string{"member", "propose", "set-param", "--title", "Keys", "--param", "max_org_keys", "--value", "8"},
			"member/propose", `{"kind":"set_param","title":"Keys","param":"max_org_keys","value":8}`},
		{"admit-org with prefixes", []string{"member", "propose", "admit-org", "--title", "Admit Silk", "--id", "silk-supply",
			"--name", "Silk Supply", "--roles", "supplier", "--keys", string(pk("c3")), "--gs1-prefixes", "6901234, 0614141"},
			"member/propose", `{"kind":"admit_org","title":"Admit Silk","org":{"id":"silk-supply","name":"Silk Supply",
			"roles":["supplier"],"keys":["` + string(pk("c3")) + `"],"since":0,"gs1_prefixes":["6901234","0614141"]}}`},
		{"assign-gs1-prefixes", []string{"member", "propose", "assign-gs1-prefixes", "--title", "Prefix", "--target", "acme", "--prefixes", "6901234,40123456"},
			"member/propose", `{"kind":"assign_gs1_prefixes","title":"Prefix","target":"acme","gs1_prefixes":["6901234","40123456"]}`},
		{"unassign-gs1-prefixes", []string{"member", "propose", "unassign-gs1-prefixes", "--title", "Back", "--target", "acme", "--prefixes", "6901234"},
			"member/propose", `{"kind":"unassign_gs1_prefixes","title":"Back","target":"acme","gs1_prefixes":["6901234"]}`},
		{"vote yes", []string{"member", "vote", "7", "yes"}, "member/vote", `{"proposal":7,"yes":true}`},
		{"vote no", []string{"member", "vote", "7", "NO"}, "member/vote", `{"proposal":7,"yes":false}`},
		{"raw", []string{"raw", "--type", "catalog/add_item", "--body", `{"sku": "J-1",  "qty": 3}`},
			"catalog/add_item", `{"sku": "J-1",  "qty": 3}`},
	}
	node := newFakeNode()
	url := node.serve(t)
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--home", home, "--node", url, "tx"}, tt.args...)
			args = append(args, "--from", "alice")
			code, stdout, stderr := run(t, args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr:\n%s", code, stderr)
			}
			txs := node.txs()
			if len(txs) != i+1 {
				t.Fatalf("node holds %d txs, want %d", len(txs), i+1)
			}
			tx := txs[i]
			if tx.Type != tt.typ {
				t.Errorf("type %q, want %q", tx.Type, tt.typ)
			}
			if !sameJSON(t, tx.Body, []byte(tt.body)) {
				t.Errorf("body %s\nwant %s", tx.Body, tt.body)
			}
			if tt.typ == "catalog/add_item" && string(tx.Body) != tt.body {
				t.Errorf("raw body changed: %q, want %q", tx.Body, tt.body)
			}
			if tx.SignerKey() != alice.PubKey {
				t.Errorf("signer %s, want alice %s", tx.SignerKey(), alice.PubKey)
			}
			if tx.Sequence != uint64(i+1) {
				t.Errorf("sequence %d, want %d", tx.Sequence, i+1)
			}
			var res gongxu.TxResult
			if err := json.Unmarshal([]byte(stdout), &res); err != nil {
				t.Fatalf("stdout is not a TxResult: %v\n%s", err, stdout)
			}
			if res.Code != 0 || res.Height != int64(i+1) || res.Hash != gongxu.TxHash(tx.Encode()) {
				t.Errorf("result %+v", res)
			}
		})
	}
}

func TestTxNoWaitAndSequenceFlag(t *testing.T) {
	home, _, _ := testHome(t)
	node := newFakeNode()
	url := node.serve(t)
	code, stdout, stderr := run(t, "--home", home, "--node", url, "tx", "member", "vote", "1", "yes", "--from", "bob", "--no-wait")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, `"height": 0`) {
		t.Errorf("--no-wait result has a height:\n%s", stdout)
	}
	// A wrong --sequence is signed as given, and the node rejects it: the
	// result is printed, the exit code is 1.
	code, stdout, stderr = run(t, "--home", home, "--node", url, "tx", "member", "vote", "1", "yes", "--from", "bob", "--sequence", "5")
	if code != 1 {
		t.Fatalf("exit %d, want 1", code)
	}
	if !strings.Contains(stdout, `"kind": "sequence"`) || !strings.Contains(stderr, "error: transaction ") ||
		!strings.Contains(stderr, "rejected (sequence, code 6): expected sequence 2, got 5") {
		t.Errorf("stdout:\n%s\nstderr:\n%s", stdout, stderr)
	}
	// --chain-id overrides the node's: the signature no longer verifies there.
	code, _, stderr = run(t, "--home", home, "--node", url, "--chain-id", "other-chain", "tx", "member", "vote", "1", "yes", "--from", "bob")
	if code != 1 || !strings.Contains(stderr, "bad_signature") {
		t.Errorf("exit %d, stderr %s", code, stderr)
	}
}

func TestTxDryRun(t *testing.T) {
	home, alice, _ := testHome(t)
	dead, err := deadURL()
	if err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := run(t, "--home", home, "--node", dead, "--chain-id", "offline-1",
		"tx", "member", "vote", "3", "no", "--from", "alice", "--sequence", "9", "--dry-run")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var st signedTx
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatal(err)
	}
	raw, err := base64.StdEncoding.DecodeString(st.Tx)
	if err != nil {
		t.Fatal(err)
	}
	tx, unsigned, err := gongxu.DecodeTx(raw, 0)
	if err != nil {
		t.Fatal(err)
	}
	if tx.Type != "member/vote" || string(tx.Body) != `{"proposal":3,"yes":false}` || tx.Sequence != 9 || tx.SignerKey() != alice.PubKey {
		t.Errorf("tx %+v body %s", tx, tx.Body)
	}
	if !ed25519.Verify(tx.Signer, gongxu.SignBytes("offline-1", unsigned), tx.Signature) {
		t.Error("signature does not verify for chain offline-1")
	}
	if st.Hash != gongxu.TxHash(raw) || st.ChainID != "offline-1" || st.Sequence != 9 || st.Type != "member/vote" {
		t.Errorf("dry-run output %+v", st)
	}
}

func TestTxErrors(t *testing.T) {
	home, _, _ := testHome(t)
	url := newFakeNode().serve(t)
	dead, err := deadURL()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no from", []string{"tx", "member", "vote", "1", "yes"}, 2, "needs --from"},
		{"bad key name", []string{"tx", "member", "vote", "1", "yes", "--from", "Alice"}, 2, `key name "Alice"`},
		{"unknown key", []string{"tx", "member", "vote", "1", "yes", "--from", "carol"}, 1, `no key "carol"`},
		{"vote arity", []string{"tx", "member", "vote", "1", "--from", "alice"}, 2, "needs PROPOSAL_ID yes|no"},
		{"vote value", []string{"tx", "member", "vote", "1", "maybe", "--from", "alice"}, 2, `vote must be yes or no, got "maybe"`},
		{"vote id", []string{"tx", "member", "vote", "0", "yes", "--from", "alice"}, 2, "proposal id must be a positive integer"},
		{"update-org nothing", []string{"tx", "member", "update-org", "--from", "alice"}, 2, "update-org changes nothing"},
		{"update-org too long", []string{"tx", "member", "update-org", "--from", "alice", "--name", strings.Repeat("x", 129)}, 2, "name is 129 bytes"},
		{"add-key bad", []string{"tx", "member", "add-key", "nokey", "--from", "alice"}, 2, "neither a public key"},
		{"propose no title", []string{"tx", "member", "propose", "remove-org", "--target", "acme", "--from", "alice"}, 2, "needs --title"},
		{"propose no kind", []string{"tx", "member", "propose", "grant", "--from", "alice"}, 2, `unknown command "grant"`},
		{"admit-org missing", []string{"tx", "member", "propose", "admit-org", "--title", "T", "--id", "x1", "--from", "alice"}, 2, "needs --name"},
		{"admit-org role", []string{"tx", "member", "propose", "admit-org", "--title", "T", "--id", "silk", "--name", "S",
			"--roles", "farmer", "--keys", "alice", "--from", "alice"}, 2, `unknown role "farmer"`},
		{"add-validator power", []string{"tx", "member", "propose", "add-validator", "--title", "T", "--target", "acme",
			"--pub-key", string(pk("d4")), "--power", "0", "--from", "alice"}, 2, "validator power must be positive"},
		{"add-validator power type", []string{"tx", "member", "propose", "add-validator", "--power", "lots"}, 2, `invalid argument "lots"`},
		{"admit-org prefix", []string{"tx", "member", "propose", "admit-org", "--title", "T", "--id", "silk", "--name", "S",
			"--roles", "supplier", "--keys", "alice", "--gs1-prefixes", "12345", "--from", "alice"}, 2, "must be 6 to 12 digits"},
		{"assign-gs1-prefixes overlap", []string{"tx", "member", "propose", "assign-gs1-prefixes", "--title", "T", "--target", "acme",
			"--prefixes", "6901234,69012345", "--from", "alice"}, 2, "overlap"},
		{"assign-gs1-prefixes missing", []string{"tx", "member", "propose", "assign-gs1-prefixes", "--title", "T", "--target", "acme",
			"--from", "alice"}, 2, "needs --prefixes"},
		{"set-param unknown", []string{"tx", "member", "propose", "set-param", "--title", "T", "--param", "fees",
			"--value", "1", "--from", "alice"}, 2, `unknown parameter "fees"`},
		{"raw type", []string{"tx", "raw", "--type", "Member/Vote", "--from", "alice"}, 2, "--type \"Member/Vote\" may hold only"},
		{"raw body", []string{"tx", "raw", "--type", "member/vote", "--body", "[1]", "--from", "alice"}, 2, "--body must be a JSON object"},
		{"raw no type", []string{"tx", "raw", "--from", "alice"}, 2, "needs --type"},
		{"unknown module", []string{"tx", "bank", "send"}, 2, `unknown command "bank" for "gongxu tx"`},
		{"unknown flag", []string{"tx", "member", "vote", "--force"}, 2, "unknown flag: --force"},
		{"bad output", []string{"-o", "xml", "status"}, 2, `invalid argument "xml" for "-o, --output" flag: must be one of json, table`},
		{"dead node", []string{"--node", dead, "tx", "member", "vote", "1", "yes", "--from", "alice"}, 1, "is unavailable (is it running?"},
		{"dead node with chain id", []string{"--node", dead, "--chain-id", "c", "tx", "member", "vote", "1", "yes", "--from", "alice"}, 1, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"--home", home, "--node", url}, tt.args...)
			code, stdout, stderr := run(t, args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.HasPrefix(stderr, "error: ") || !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr does not hold %q:\n%s", tt.stderr, stderr)
			}
			if stdout != "" {
				t.Errorf("stdout is not empty:\n%s", stdout)
			}
		})
	}
}

func TestTxCatalogAndSettleBodies(t *testing.T) {
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"catalog", "publish", "--sku", "jacket-1", "--name", "Rain jacket", "--variants", "m:M,l:L", "--lead-days", "21"},
			"catalog/publish", `{"sku":"jacket-1","name":"Rain jacket","unit":"piece","variants":[{"id":"m","name":"M"},{"id":"l","name":"L"}],"lead_time_days":21}`},
		{[]string{"settle", "deposit", "--amount", "5000", "--ref", "till 7"}, "settle/deposit", `{"currency":"CNY","amount":5000,"ref":"till 7"}`},
		{[]string{"settle", "deposit", "--amount", "5000", "--to", "org:hub-a"}, "settle/deposit", `{"to":"org:hub-a","currency":"CNY","amount":5000}`},
		{[]string{"settle", "withdraw", "--amount", "12", "--currency", "EUR"}, "settle/withdraw", `{"currency":"EUR","amount":12}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || string(tx.Body) != c.body {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}
}

// dryRun signs args as alice with --dry-run (no node) and decodes the result.
func dryRun(t *testing.T, args ...string) *gongxu.Tx {
	t.Helper()
	home, _, _ := testHome(t)
	dead, err := deadURL()
	if err != nil {
		t.Fatal(err)
	}
	full := append([]string{"--home", home, "--node", dead, "--chain-id", "offline-1", "tx"}, args...)
	full = append(full, "--from", "alice", "--sequence", "1", "--dry-run")
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
