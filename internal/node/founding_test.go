package node

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
)

// hexOf is a distinct well-formed key or id of n bytes for a label.
func hexOf(label string, n int) string {
	h := sha256.Sum256([]byte(label))
	return hex.EncodeToString(h[:n])
}

func testJoin(org string) JoinFile {
	return JoinFile{Version: JoinFileVersion, Org: gongxu.OrgID(org), Name: "Org " + org, Roles: []gongxu.Role{gongxu.RoleFactory},
		OperatorKeys: []gongxu.PubKey{gongxu.PubKey(hexOf(org+"/op", 32))}, SealKey: gongxu.SealKey(hexOf(org+"/seal", 32)),
		NodeID: hexOf(org+"/node", 20), ValidatorKey: gongxu.PubKey(hexOf(org+"/val", 32)), P2PAddr: org + ".example.com:26656"}
}

var testFounding = FoundingOptions{ChainID: "gongxu-t-1", Time: time.Date(2027, 1, 15, 8, 0, 0, 0, time.UTC)}

func TestAssembleGenesisIsDeterministic(t *testing.T) {
	a, b, c := testJoin("acme"), testJoin("blue"), testJoin("hub-a")
	g1, err := AssembleGenesis(testFounding, []JoinFile{a, b, c})
	if err != nil {
		t.Fatal(err)
	}
	g2, err := AssembleGenesis(testFounding, []JoinFile{c, a, b})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g1, g2) {
		t.Fatal("the same join files in another order make another genesis")
	}
	if err := CheckGenesis(g1, []JoinFile{b, c, a}); err != nil {
		t.Fatalf("check: %v", err)
	}
	if err := CheckGenesis(g1, []JoinFile{a, b}); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("check against fewer founders: %v, want a conflict", err)
	}
	doc, err := comet.ParseGenesis(g1)
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Validators) != 3 || doc.ChainID != "gongxu-t-1" || !doc.GenesisTime.Equal(testFounding.Time) {
		t.Fatalf("genesis: %d validators, chain %s, time %s", len(doc.Validators), doc.ChainID, doc.GenesisTime)
	}
	peers := GenesisPeers(doc.AppState)
	want := []string{a.Peer(), b.Peer(), c.Peer()}
	if fmt.Sprint(peers) != fmt.Sprint(want) {
		t.Fatalf("peers %v, want %v", peers, want)
	}
	var st struct {
		Member struct {
			Orgs []gongxu.Org `json:"orgs"`
		} `json:"member"`
	}
	if err := json.Unmarshal(doc.AppState, &st); err != nil || len(st.Member.Orgs) != 3 {
		t.Fatalf("app state: %v %+v", err, st)
	}
	for _, o := range st.Member.Orgs {
		if !o.HasRole(gongxu.RoleValidator) || !o.HasRole(gongxu.RoleFactory) || o.SealKey == "" || len(o.Keys) != 1 {
			t.Errorf("founder org %+v: want its roles plus validator, its key and seal key", o)
		}
	}
}

func TestAssembleGenesisRefusesConflicts(t *testing.T) {
	a, b := testJoin("acme"), testJoin("blue")
	cases := map[string]struct {
		mod  func(b *JoinFile)
		kind gongxu.Kind
		msg  string
	}{
		"same org twice":                          {func(x *JoinFile) { *x = testJoin("acme"); x.NodeID = hexOf("other", 20) }, gongxu.KindConflict, "org acme has two join files"},
		"operator key in two orgs":                {func(x *JoinFile) { x.OperatorKeys = a.OperatorKeys }, gongxu.KindConflict, "is in the join files of both acme and blue"},
		"validator key in two orgs":               {func(x *JoinFile) { x.ValidatorKey = a.ValidatorKey }, gongxu.KindConflict, "is in the join files of both"},
		"validator key is another's operator key": {func(x *JoinFile) { x.ValidatorKey = a.OperatorKeys[0] }, gongxu.KindConflict, "is in the join files of both"},
		"operator key twice in one org":           {func(x *JoinFile) { x.OperatorKeys = append(x.OperatorKeys, x.OperatorKeys[0]) }, gongxu.KindInvalid, "twice"},
		"node id twice":                           {func(x *JoinFile) { x.NodeID = a.NodeID }, gongxu.KindConflict, "node id"},
		"p2p address twice":                       {func(x *JoinFile) { x.P2PAddr = a.P2PAddr }, gongxu.KindConflict, "p2p address"},
		"seal key twice":                          {func(x *JoinFile) { x.SealKey = a.SealKey }, gongxu.KindConflict, "seal key"},
		"bad operator key":                        {func(x *JoinFile) { x.OperatorKeys = []gongxu.PubKey{"ABCD"} }, gongxu.KindInvalid, "64 lower-case hex"},
		"bad validator key":                       {func(x *JoinFile) { x.ValidatorKey = gongxu.PubKey(strings.ToUpper(string(x.ValidatorKey))) }, gongxu.KindInvalid, "validator key"},
		"validator key signs txs too":             {func(x *JoinFile) { x.ValidatorKey = x.OperatorKeys[0] }, gongxu.KindInvalid, "signs nothing else"},
		"bad node id":                             {func(x *JoinFile) { x.NodeID = "xyz" }, gongxu.KindInvalid, "node id"},
		"bad address":                             {func(x *JoinFile) { x.P2PAddr = "blue.example.com:0" }, gongxu.KindInvalid, "port"},
		"no seal key":                             {func(x *JoinFile) { x.SealKey = "" }, gongxu.KindInvalid, "no seal key"},
		"other version":                           {func(x *JoinFile) { x.Version = 2 }, gongxu.KindInvalid, "version 2"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			bb := b
			bb.OperatorKeys = append([]gongxu.PubKey(nil), b.OperatorKeys...)
			c.mod(&bb)
			_, err := AssembleGenesis(testFounding, []JoinFile{a, bb})
			if gongxu.ErrorKind(err) != c.kind || !strings.Contains(gongxu.ErrorMessage(err), c.msg) {
				t.Fatalf("got %v (%s), want %s containing %q", err, gongxu.ErrorKind(err), c.kind, c.msg)
			}
		})
	}
	if _, err := AssembleGenesis(FoundingOptions{ChainID: "c"}, []JoinFile{a}); err == nil {
		t.Fatal("a genesis without a time was made")
	}
	if _, err := AssembleGenesis(testFounding, nil); err == nil {
		t.Fatal("a genesis without founders was made")
	}
}

func TestDecodeJoinFile(t *testing.T) {
	j := testJoin("acme")
	got, err := DecodeJoinFile(j.Encode())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Encode(), j.Encode()) {
		t.Fatalf("round trip: %s", got.Encode())
	}
	good := string(j.Encode())
	bad := map[string]string{
		"unknown field":     strings.Replace(good, `"version"`, `"colour": 1, "version"`, 1),
		"case variant name": strings.Replace(good, `"name"`, `"Name"`, 1),
		"case variant twin": strings.Replace(good, `"version": 1,`, `"version": 1, "VERSION": 1,`, 1),
		"duplicate key":     strings.Replace(good, `"version": 1,`, `"version": 1, "version": 1,`, 1),
		"trailing data":     good + "{}",
		"not an object":     `[1]`,
		"nested too deep":   strings.Replace(good, `"version": 1,`, `"x": [[1]], "version": 1,`, 1),
		"oversized":         good + strings.Repeat(" ", MaxJoinFileBytes),
		"string for number": strings.Replace(good, `"version": 1`, `"version": "1"`, 1),
		"invalid utf-8":     strings.Replace(good, `"Org acme"`, "\"Org \xff\"", 1),
	}
	for name, raw := range bad {
		if _, err := DecodeJoinFile([]byte(raw)); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
}

func TestCheckP2PAddr(t *testing.T) {
	for _, a := range []string{"node.example.com:26656", "10.0.0.1:1", "[::1]:26656", "[fd00::3]:65535", "localhost:26656"} {
		if err := CheckP2PAddr(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, a := range []string{"", "host", ":26656", "host:0", "host:65536", "host:026656", "ho st:1", "a..b:1", "-a.b:1", "x@y:1", "[]:1", "[zz]:1", "a,b:1", "http://a:1"} {
		if err := CheckP2PAddr(a); err == nil {
			t.Errorf("%q: accepted", a)
		}
	}
}

// FuzzDecodeJoinFile: whatever the input, the decoder returns without
// panicking, and what it accepts is a valid join file whose encoding
// decodes to the same join file.
func FuzzDecodeJoinFile(f *testing.F) {
	f.Add(testJoin("acme").Encode())
	f.Add([]byte(`{"version":1,"org":"acme","Org":"x"}`))
	f.Add([]byte(`{"version":1,"roles":[],"operator_keys":null}`))
	f.Add([]byte(`{"p2p_addr":"[::1]:1","node_id":"` + hexOf("n", 20) + `"}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		j, err := DecodeJoinFile(raw)
		if err != nil {
			if k := gongxu.ErrorKind(err); k != gongxu.KindInvalid && k != gongxu.KindTooLarge {
				t.Fatalf("error of kind %s: %v", k, err)
			}
			return
		}
		if err := j.Validate(); err != nil {
			t.Fatalf("accepted an invalid join file: %v", err)
		}
		again, err := DecodeJoinFile(j.Encode())
		if err != nil || !bytes.Equal(again.Encode(), j.Encode()) {
			t.Fatalf("re-encoding does not decode to the same join file: %v", err)
		}
	})
}

// TestPeersConfig: peers and seeds of gongxu.json are checked when the
// config is loaded.
func TestPeersConfig(t *testing.T) {
	id := hexOf("peer", 20)
	for raw, ok := range map[string]bool{
		`{"peers":["` + id + `@a.example.com:26656"],"seeds":["` + id + `@10.0.0.1:26656"]}`: true,
		`{"peers":["a.example.com:26656"]}`:                                                  false,
		`{"peers":["` + id + `@a.example.com"]}`:                                             false,
		`{"seeds":["` + strings.ToUpper(id) + `@a.example.com:1"]}`:                          false,
	} {
		home := t.TempDir()
		if err := SaveConfig(home, DefaultConfig()); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(ConfigPath(home), []byte(raw), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadConfig(home); (err == nil) != ok {
			t.Errorf("%s: %v", raw, err)
		}
	}
}
