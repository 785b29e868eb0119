package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

func table(f func(t *tableWriter)) string {
	var b bytes.Buffer
	t := newTableWriter(&b)
	f(t)
	t.flush()
	return b.String()
}

func TestTables(t *testing.T) {
	p := gongxu.Proposal{
		ID: 3, Kind: gongxu.ProposalAdmitOrg, Proposer: "acme", Title: "Admit\tSilk",
		Org:     &gongxu.Org{ID: "silk", Name: "Silk Co", Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{"k1", "k2"}},
		Created: 1740816000000, Deadline: 1741420800000, Status: gongxu.ProposalPassed,
		Yes: []gongxu.OrgID{"acme", "hub"}, Electors: 2, Result: "admitted silk", Height: 9,
	}
	rec := gongxu.TxRecord{
		Hash: "AB12", Height: 5, Index: 1, Time: "2025-03-01T08:00:00Z", Type: "member/vote", Signer: "k1", Org: "acme",
		Code: 5, Kind: "conflict", Message: "proposal 3 is closed",
		Events: []gongxu.Event{gongxu.NewEvent("member.voted", "proposal", "3", "vote", "yes"), gongxu.NewEvent("x.y")},
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"validators", table(func(t *tableWriter) {
			validatorsTable(t, []gongxu.Validator{{PubKey: "d4d4", Power: 10, Org: "acme"}, {PubKey: "e5", Power: 1}})
		}), `
PUB_KEY  POWER  ORG
d4d4     10     acme
e5       1      -
`},
		{"proposals", table(func(t *tableWriter) { proposalsTable(t, []gongxu.Proposal{p}) }), `
ID  KIND       STATUS  PROPOSER  TITLE       YES  NO  DEADLINE
3   admit_org  passed  acme      Admit Silk  2    0   2025-03-08T08:00:00Z
`},
		{"proposal", table(func(t *tableWriter) { proposalTable(t, p) }), `
id         3
kind       admit_org
status     passed
proposer   acme
title      Admit Silk
org        silk
org_name   Silk Co
org_roles  supplier
org_keys   k1
           k2
yes        acme,hub
no         -
electors   2
created    2025-03-01T08:00:00Z
deadline   2025-03-08T08:00:00Z
result     admitted silk
height     9
`},
		{"tx", table(func(t *tableWriter) { txTable(t, rec) }), `
hash     AB12
height   5
index    1
time     2025-03-01T08:00:00Z
type     member/vote
signer   k1
org      acme
code     5
kind     conflict
message  proposal 3 is closed
events   member.voted proposal=3 vote=yes
         x.y
`},
		{"txs", table(func(t *tableWriter) { txsTable(t, []gongxu.TxRecord{rec, {Hash: "CD", Height: 12, Type: "t/x"}}) }), `
HASH  HEIGHT  TYPE         ORG   CODE  TIME
AB12  5       member/vote  acme  5     2025-03-01T08:00:00Z
CD    12      t/x          -     0     -
`},
		{"status", table(func(t *tableWriter) {
			statusTable(t, gongxu.Status{ChainID: "c1", NodeID: "n", Moniker: "m", Height: 7, AppHash: "AA",
				BlockTime: "2025-03-01T08:00:00Z", Validators: []gongxu.Validator{{}}, Version: "v1", ReadModelHeight: 6})
		}), `
chain_id           c1
node_id            n
moniker            m
height             7
app_hash           AA
block_time         2025-03-01T08:00:00Z
catching_up        false
validators         1
mempool_txs        0
version            v1
read_model_height  6
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if want := strings.TrimPrefix(tt.want, "\n"); tt.got != want {
				t.Errorf("got:\n%s\nwant:\n%s", tt.got, want)
			}
		})
	}
}

func TestTxResultTable(t *testing.T) {
	var out bytes.Buffer
	env := &Env{Stdout: &out, Output: OutputTable}
	env.printTxResult(gongxu.TxResult{Hash: "AB", Height: 4})
	env.printTxResult(gongxu.TxResult{Hash: "CD", Code: 6, Kind: "sequence", Message: "expected sequence 2, got 5"})
	want := `hash    AB
height  4
code    0
hash     CD
height   0
code     6
kind     sequence
message  expected sequence 2, got 5
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out.String(), want)
	}
}

func TestQueryOutput(t *testing.T) {
	url := newFakeNode().serve(t)
	home := t.TempDir()
	code, stdout, stderr := run(t, "--node", url, "--home", home, "query", "member", "validators")
	want := `[
  {
    "pub_key": "` + string(pk("d4")) + `",
    "power": 10,
    "org": "acme"
  }
]
`
	if code != 0 || stdout != want {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	// An empty listing is [] in JSON, a header alone in a table.
	code, stdout, _ = run(t, "--node", url, "--home", home, "query", "txs")
	if code != 0 || stdout != "[]\n" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	code, stdout, _ = run(t, "--node", url, "--home", home, "q", "txs", "-o", "table")
	if code != 0 || stdout != "HASH  HEIGHT  TYPE  ORG  CODE  TIME\n" {
		t.Errorf("exit %d, stdout %q", code, stdout)
	}
	// Errors of the node keep their message; a bad argument is a usage error.
	code, _, stderr = run(t, "--node", url, "--home", home, "query", "member", "org", "nobody")
	if code != 1 || stderr != "error: no org \"nobody\"\n" {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "--node", url, "--home", home, "query", "member", "org", "Nobody!")
	if code != 2 || !strings.Contains(stderr, "may hold only") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
	code, _, stderr = run(t, "--node", url, "--home", home, "query", "account", string(pk("a1")), "--key", "alice")
	if code != 2 || !strings.Contains(stderr, "not both") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

func TestKeysNeverPrintSeed(t *testing.T) {
	home, alice, _ := testHome(t)
	data, err := os.ReadFile(filepath.Join(home, "keys", "alice.json"))
	if err != nil {
		t.Fatal(err)
	}
	seed := strings.Repeat("01", 32)
	if !bytes.Contains(data, []byte(seed)) {
		t.Fatalf("key file does not hold the seed: %s", data)
	}
	for _, args := range [][]string{{"keys", "show", "alice"}, {"keys", "list"}, {"keys", "show", "alice", "-o", "table"}, {"keys", "list", "-o", "table"}} {
		code, stdout, stderr := run(t, append([]string{"--home", home}, args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", args, code, stderr)
		}
		if strings.Contains(stdout, seed) || strings.Contains(stdout, "seed") {
			t.Errorf("%v prints the seed:\n%s", args, stdout)
		}
		if !strings.Contains(stdout, string(alice.PubKey)) {
			t.Errorf("%v does not print the public key:\n%s", args, stdout)
		}
	}
}

func TestExitCodes(t *testing.T) {
	home := t.TempDir()
	for _, tt := range []struct {
		args []string
		code int
	}{
		{nil, 0},
		{[]string{"--help"}, 0},
		{[]string{"keys"}, 0},
		{[]string{"keys", "list"}, 0},
		{[]string{"help", "tx"}, 0},
		{[]string{"bogus"}, 2},
		{[]string{"keys", "bogus"}, 2},
		{[]string{"keys", "list", "extra"}, 2},
		{[]string{"--output"}, 2},
		{[]string{"keys", "show", "nobody"}, 1},
	} {
		code, _, stderr := run(t, append([]string{"--home", home}, tt.args...)...)
		if code != tt.code {
			t.Errorf("%q: exit %d, want %d; stderr %s", tt.args, code, tt.code, stderr)
		}
	}
}

// hostile are org names and descriptions that would rewrite a terminal:
// escape sequences, bidi overrides that reverse what follows, invisible
// characters, invalid UTF-8.
var hostile = []struct{ in, table string }{
	{"\x1b[2J\x1b[31mAcme", `\x1b[2J\x1b[31mAcme`},
	{"invoice\u202eexe.pdf", `invoice\u202eexe.pdf`},
	{"\u2066Acme\u2069 \u2067x\u2068", `\u2066Acme\u2069 \u2067x\u2068`},
	{"a\u200eb\u200fc\u061cd\u202ae\u202bf\u202cg\u202dh", `a\u200eb\u200fc\u061cd\u202ae\u202bf\u202cg\u202dh`},
	{"ac\u200bme\ufeff\u00ad\u2060", `ac\u200bme\ufeff\u00ad\u2060`},
	{"del\x7f c1\u0085\u009b[31m", `del\x7f c1\u0085\u009b[31m`},
	{"tag\U000e0041", `tag\U000e0041`},
	{"bad\xffutf8", `bad\xffutf8`},
	{"line\u2028para\u2029", `line\u2028para\u2029`},
	{"back\rspace\bbell\a", `back space\x08bell\x07`},
	{"tab\tand\nnewline", "tab and newline"},
	{"供需 Lishui Hub — 丽水", "供需 Lishui Hub — 丽水"},
}

// TestHostileTextIsEscaped: what others wrote (org names, descriptions,
// titles, messages) reaches the terminal with every control, bidi override
// and invisible character as a visible escape; JSON output stays JSON, with
// them escaped too, and decodes to what was written.
func TestHostileTextIsEscaped(t *testing.T) {
	for _, h := range hostile {
		if got := cell(h.in); got != h.table {
			t.Errorf("cell(%q) = %q, want %q", h.in, got, h.table)
		}
	}
	n := newFakeNode()
	for i, h := range hostile {
		n.orgs = append(n.orgs, gongxu.Org{ID: gongxu.OrgID(fmt.Sprintf("evil-%d", i)), Name: h.in, Roles: []gongxu.Role{gongxu.RoleHub},
			Keys: []gongxu.PubKey{pk("c1")}, Description: "desc " + h.in, Contact: h.in})
	}
	n.proposals[0].Title = hostile[1].in
	url := n.serve(t)
	home := t.TempDir()
	visible := func(what, s string) {
		t.Helper()
		for _, r := range s {
			if r != '\n' && r != ' ' && invisible(r) {
				t.Fatalf("%s prints %U raw:\n%q", what, r, s)
			}
		}
		if !utf8.ValidString(s) {
			t.Fatalf("%s prints invalid UTF-8: %q", what, s)
		}
	}
	code, stdout, stderr := run(t, "--node", url, "--home", home, "query", "member", "orgs", "-o", "table")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	visible("query member orgs -o table", stdout)
	// Through the node's JSON, invalid UTF-8 arrives as U+FFFD.
	viaNode := func(s string) string { return cell(strings.ToValidUTF8(s, "\ufffd")) }
	for _, h := range hostile {
		if !strings.Contains(stdout, viaNode(h.in)) {
			t.Errorf("orgs table lacks %q:\n%s", viaNode(h.in), stdout)
		}
	}
	for i, h := range hostile {
		code, stdout, stderr := run(t, "--node", url, "--home", home, "query", "member", "org", fmt.Sprintf("evil-%d", i), "-o", "table")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		visible("query member org -o table", stdout)
		if want := viaNode("desc " + h.in); !strings.Contains(stdout, want) {
			t.Errorf("org table lacks %q:\n%s", want, stdout)
		}
		// JSON: no raw invisible rune, and the same strings once decoded
		// (invalid UTF-8 was replaced by the node's encoder already).
		code, stdout, stderr = run(t, "--node", url, "--home", home, "query", "member", "org", fmt.Sprintf("evil-%d", i))
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		visible("query member org (JSON)", stdout)
		var o gongxu.Org
		if err := json.Unmarshal([]byte(stdout), &o); err != nil {
			t.Fatalf("JSON output does not decode: %v\n%s", err, stdout)
		}
		if want := strings.ToValidUTF8(h.in, "\ufffd"); o.Name != want || o.Description != "desc "+want {
			t.Errorf("JSON output decodes to %q / %q, want %q", o.Name, o.Description, want)
		}
	}
	code, stdout, _ = run(t, "--node", url, "--home", home, "query", "member", "proposals", "-o", "table")
	visible("query member proposals -o table", stdout)
	if code != 0 || !strings.Contains(stdout, hostile[1].table) {
		t.Errorf("exit %d, proposals table:\n%s", code, stdout)
	}
	// Error messages quote what others wrote: escaped too, their own line
	// breaks kept.
	err := gongxu.Errorf(gongxu.KindConflict, "org %s is\nalready\ta member", hostile[1].in)
	if got, want := errorMessage(err), "org invoice\\u202eexe.pdf is\nalready\ta member"; got != want {
		t.Errorf("errorMessage = %q, want %q", got, want)
	}
}

func TestEscapeJSONInvisible(t *testing.T) {
	v := map[string]string{"a": "x\u202ey\u0085\x7f\u200b\U000e0041z", "b": "供需"}
	var b bytes.Buffer
	if err := writeJSON(&b, v); err != nil {
		t.Fatal(err)
	}
	want := "{\n  \"a\": \"x\\u202ey\\u0085\\u007f\\u200b\\udb40\\udc41z\",\n  \"b\": \"供需\"\n}\n"
	if b.String() != want {
		t.Fatalf("writeJSON = %q, want %q", b.String(), want)
	}
	var back map[string]string
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back["a"] != v["a"] || back["b"] != v["b"] {
		t.Fatalf("decodes to %q (%v), want %q", back, err, v)
	}
}
