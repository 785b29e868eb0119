package cli

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/seal"
)

// The CLI seals a proposal's prices to both parties when both registered
// seal keys, as a node does: the signed body holds 0 prices and terms the
// parties open to the prices given.
func TestTxProposeSealed(t *testing.T) {
	home, _, _ := testHome(t)
	p := newProdNode()
	keys := map[gongxu.OrgID][]byte{}
	for i, id := range []gongxu.OrgID{"acme", "lakeside"} {
		k, err := ecdh.X25519().GenerateKey(rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		keys[id] = k.Bytes()
		pub := gongxu.SealKey(hex.EncodeToString(k.PublicKey().Bytes()))
		if i == 0 {
			p.orgs[0].SealKey = pub
		} else {
			p.orgs = append(p.orgs, gongxu.Org{ID: "lakeside", Name: "Lakeside", Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{pk("c1")}, SealKey: pub})
		}
	}
	p.pos[3] = gongxu.PurchaseOrder{ID: 3, Factory: "acme", Supplier: "lakeside", Currency: "CNY", Status: gongxu.POSent,
		Lines: []gongxu.POLine{{Item: "waxed-cotton", Qty: 360_000, Date: 1741564800000, UnitPrice: 0}}}
	url := p.serve(t)
	tx := dryRunAt(t, home, url, "production", "po-propose", "3", "--line", "waxed-cotton:300:2025-03-14T00:00:00Z:4900", "--reason", "only 300 m")
	var m gongxu.POProposeBody
	if err := json.Unmarshal(tx.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Terms == nil || m.Lines[0].UnitPrice != 0 || strings.Contains(string(tx.Body), "4900") {
		t.Fatalf("the proposal is not sealed: %s", tx.Body)
	}
	for org, priv := range keys {
		terms, err := seal.Open(*m.Terms, m.Lines, org, priv)
		if err != nil || terms.Prices[0] != 4900 {
			t.Fatalf("%s opens %+v (%v)", org, terms, err)
		}
	}
	// Without the supplier's seal key, the proposal goes as before, in clear.
	p.orgs = p.orgs[:len(p.orgs)-1]
	tx = dryRunAt(t, home, url, "production", "po-propose", "3", "--line", "waxed-cotton:300:2025-03-14T00:00:00Z:4900")
	if !strings.Contains(string(tx.Body), `"unit_price":4900`) || strings.Contains(string(tx.Body), "terms") {
		t.Fatalf("a proposal between parties without seal keys: %s", tx.Body)
	}
}

// po-disclose opens the order's terms with the home's seal key and seals
// them again to the named org alone, under the same commitment.
func TestTxPODisclose(t *testing.T) {
	home, _, _ := testHome(t)
	kr, err := keyring.Open(filepath.Join(home, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := kr.NewSealKey()
	if err != nil {
		t.Fatal(err)
	}
	other, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	panel, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hexKey := func(k *ecdh.PrivateKey) gongxu.SealKey {
		return gongxu.SealKey(hex.EncodeToString(k.PublicKey().Bytes()))
	}
	p := newProdNode()
	p.orgs[0].SealKey = mine.Public
	p.orgs = append(p.orgs,
		gongxu.Org{ID: "lakeside", Name: "Lakeside", Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{pk("c1")}, SealKey: hexKey(other)},
		gongxu.Org{ID: "panel-p", Name: "Panel", Roles: []gongxu.Role{gongxu.RoleHub}, Keys: []gongxu.PubKey{pk("c2")}, SealKey: hexKey(panel)})
	lines := []gongxu.POLine{{Item: "waxed-cotton", Qty: 360_000, Date: 1741564800000}}
	terms, err := seal.NewTerms(nil, []gongxu.Amount{4371987}, "gate 2")
	if err != nil {
		t.Fatal(err)
	}
	st, err := seal.Seal(nil, lines, terms, seal.Reader{Org: "acme", Key: mine.Public}, seal.Reader{Org: "lakeside", Key: hexKey(other)})
	if err != nil {
		t.Fatal(err)
	}
	p.pos[4] = gongxu.PurchaseOrder{ID: 4, Factory: "acme", Supplier: "lakeside", Currency: "CNY", Status: gongxu.POAccepted, Lines: lines, Terms: &st}
	p.pos[5] = gongxu.PurchaseOrder{ID: 5, Factory: "acme", Supplier: "lakeside", Currency: "CNY", Status: gongxu.POAccepted, Lines: lines}
	url := p.serve(t)
	tx := dryRunAt(t, home, url, "production", "po-disclose", "4", "--to", "panel-p")
	var m production.MsgPODisclose
	if err := json.Unmarshal(tx.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m.PO != 4 || m.To != "panel-p" || m.Terms.Commitment != st.Commitment || len(m.Terms.Keys) != 1 || strings.Contains(string(tx.Body), "4371987") {
		t.Fatalf("disclosure %s", tx.Body)
	}
	got, err := seal.Open(m.Terms, lines, "panel-p", panel.Bytes())
	if err != nil || got.Prices[0] != 4371987 || got.Note != "gate 2" {
		t.Fatalf("the panel opens %+v (%v)", got, err)
	}
	code, _, stderr := run(t, "--home", home, "--node", url, "tx", "production", "po-disclose", "5", "--to", "panel-p", "--from", "alice", "--dry-run")
	if code == 0 || !strings.Contains(stderr, "not sealed") {
		t.Fatalf("disclosing a clear order: exit %d: %s", code, stderr)
	}
}

// offer --sealed-to seals the tiers' prices to the supplier and the named
// factories: the ledger's body holds the quantities and 0 prices.
func TestTxOfferSealed(t *testing.T) {
	home, alice, _ := testHome(t)
	kr, err := keyring.Open(filepath.Join(home, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	mine, err := kr.NewSealKey()
	if err != nil {
		t.Fatal(err)
	}
	acme, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	p := newProdNode()
	p.setOrg(alice.PubKey, "lakeside")
	p.orgs[0].SealKey = gongxu.SealKey(hex.EncodeToString(acme.PublicKey().Bytes()))
	p.orgs = append(p.orgs, gongxu.Org{ID: "lakeside", Name: "Lakeside", Roles: []gongxu.Role{gongxu.RoleSupplier}, Keys: []gongxu.PubKey{alice.PubKey}, SealKey: mine.Public})
	url := p.serve(t)
	tx := dryRunAt(t, home, url, "production", "offer", "--item", "waxed-cotton", "--unit", "m", "--tiers", "0:4800,300:4200", "--sealed-to", "acme")
	var m production.MsgOffer
	if err := json.Unmarshal(tx.Body, &m); err != nil {
		t.Fatal(err)
	}
	if m.Terms == nil || len(m.Terms.Keys) != 2 || m.Terms.Keys[0].Org != "lakeside" || m.Terms.Keys[1].Org != "acme" ||
		m.Tiers[0].UnitPrice != 0 || m.Tiers[1].UnitPrice != 0 || m.Tiers[1].MinQty != 300_000 || strings.Contains(string(tx.Body), "4800") {
		t.Fatalf("sealed offer %s", tx.Body)
	}
	if err := m.ValidateBasic(); err != nil {
		t.Fatal(err)
	}
	off := gongxu.SupplyOffer{Item: m.Item, Tiers: m.Tiers}
	got, err := seal.Open(*m.Terms, off.TermLines(), "acme", acme.Bytes())
	if err != nil || got.Prices[0] != 4800 || got.Prices[1] != 4200 {
		t.Fatalf("acme opens %+v (%v)", got, err)
	}
	code, _, stderr := run(t, "--home", home, "--node", url, "tx", "production", "offer", "--item", "x", "--unit", "m", "--price", "5",
		"--sealed-to", "hub-lishui", "--from", "alice", "--dry-run")
	if code == 0 || !strings.Contains(stderr, "hub-lishui has registered no seal key") {
		t.Fatalf("sealing to an org without a seal key: exit %d: %s", code, stderr)
	}
}
