package member_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/modules"
	"github.com/gongxu-network/gongxu/internal/store"
)

func genesisWith(orgs ...gongxu.Org) map[string]json.RawMessage {
	g := member.Genesis{Orgs: orgs, Validators: []gongxu.Validator{{PubKey: chaintest.PubKey("val"), Power: 10, Org: orgs[0].ID}}}
	b, _ := json.Marshal(g)
	return map[string]json.RawMessage{member.Name: b}
}

func founder(id string, prefixes ...string) gongxu.Org {
	return gongxu.Org{ID: gongxu.OrgID(id), Name: id, Roles: []gongxu.Role{gongxu.RoleFactory},
		Keys: []gongxu.PubKey{chaintest.PubKey(id)}, Prefixes: prefixes}
}

// TestGenesisPrefixes: founders declare their GS1 company prefixes in
// genesis, held from the first block; a malformed or shared prefix stops the
// genesis with a clear error.
func TestGenesisPrefixes(t *testing.T) {
	h := chaintest.Open(t, store.NewMemDB())
	h.InitChain(genesisWith(founder("factory-a", "6901234", "0614141"), founder("factory-b"), founder("supplier-c", "4012345")))
	h.Block()
	for digits, want := range map[string]gongxu.OrgID{
		"690123400001": "factory-a", "061414100001": "factory-a", "401234500001": "supplier-c", "700000000001": "",
	} {
		got, _, err := h.Member.PrefixOwner(h.State, digits)
		if err != nil || got != want {
			t.Errorf("owner of %s = %q (%v), want %q", digits, got, err, want)
		}
	}
	if o, err := h.Member.Org(h.State, "factory-a"); err != nil || strings.Join(o.Prefixes, ",") != "0614141,6901234" {
		t.Fatalf("factory-a holds %v (%v), want them sorted", o.Prefixes, err)
	}
	for name, tc := range map[string]struct {
		orgs []gongxu.Org
		want string
	}{
		"shared":      {[]gongxu.Org{founder("factory-a", "6901234"), founder("factory-b", "6901234")}, "GS1 company prefix 6901234 is held by org factory-a"},
		"overlapping": {[]gongxu.Org{founder("factory-a", "6901234"), founder("factory-b", "69012345")}, "overlaps prefix 6901234, held by org factory-a"},
		"malformed":   {[]gongxu.Org{founder("factory-a", "69012")}, "must be 6 to 12 digits"},
		"nested":      {[]gongxu.Org{founder("factory-a", "690123", "6901234")}, "overlap"},
	} {
		t.Run(name, func(t *testing.T) {
			st, err := store.Open(store.NewMemDB())
			if err != nil {
				t.Fatal(err)
			}
			app, err := chain.New(st, modules.New().ChainConfig(chaintest.ChainID))
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = app.InitChain(chain.Genesis{Time: chaintest.GenesisTime, AppState: genesisWith(tc.orgs...)})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("genesis: %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

// TestPrefixQuota: an org holds at most MaxPrefixes GS1 company prefixes; a
// proposal that would give it more is refused when proposed, and nothing is
// stored.
func TestPrefixQuota(t *testing.T) {
	var many []string
	for i := range member.MaxPrefixes {
		many = append(many, strconv.Itoa(100000+i))
	}
	h := chaintest.Open(t, store.NewMemDB())
	h.InitChain(genesisWith(founder("factory-a", many...), founder("factory-b")))
	h.Block()
	before := h.Dump()
	r := h.Deliver(h.Sign("factory-b", member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAssignPrefixes, Title: "One more",
		Target: "factory-a", Prefixes: []string{"200000"}}))
	if gongxu.Kind(r.Code) != gongxu.KindQuota || !strings.Contains(r.Log, "would hold 65 GS1 company prefixes, the limit is 64") {
		t.Fatalf("got %s %q", gongxu.Kind(r.Code), r.Log)
	}
	if _, err := h.Member.Proposal(h.State, 1); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("a proposal was stored: %v", err)
	}
	for k := range before {
		if strings.HasPrefix(k, "member/") && before[k] != h.Dump()[k] {
			t.Fatalf("member state %s changed", k)
		}
	}
}

// TestGenesisPeersAreNotState: the founders' peers that gongxu genesis puts
// in the member genesis are for starting nodes only: the state and its app
// hash are those of the same genesis without them.
func TestGenesisPeersAreNotState(t *testing.T) {
	root := func(peers []string) string {
		g := member.Genesis{Orgs: []gongxu.Org{founder("factory-a")}, Validators: []gongxu.Validator{{PubKey: chaintest.PubKey("val"), Power: 10, Org: "factory-a"}}, Peers: peers}
		b, _ := json.Marshal(g)
		h := chaintest.Open(t, store.NewMemDB())
		h.InitChain(map[string]json.RawMessage{member.Name: b})
		h.Block()
		return h.Root()
	}
	if with, without := root([]string{strings.Repeat("ab", 20) + "@a.example.com:26656"}), root(nil); with != without {
		t.Fatalf("app hash %s with peers, %s without", with, without)
	}
}
