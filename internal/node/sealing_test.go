package node

import (
	"context"
	"encoding/json"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/module/production"
	"github.com/gongxu-network/gongxu/internal/seal"
	"github.com/gongxu-network/gongxu/internal/token"
)

// TestSealedPOPrices tells a sealed purchase order on a real node: the
// supplier's offer is sealed to itself and the factory, the factory's node
// opens it and seals its order at that price, the supplier proposes a price of its own
// (sealed), the factory accepts. The factory's node shows the price; a
// third org's node with the whole ledger and read model (the same home, its
// own keyring) finds the price nowhere — not in its API answers, not in its
// pages, not in any byte of its block store, state or read model — and shows
// it sealed. A party's disclosure to a panel opens at the panel's node
// checked against the commitment, and a forged one is refused there.
func TestSealedPOPrices(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node")
	}
	const price = gongxu.Amount(4371987)     // ¥43,719.87 a metre: in no offer, only in the sealed terms
	const listPrice = gongxu.Amount(4100003) // the offer's, sealed to the factory
	secrets := []string{"4371987", "43719.87", "43,719.87", "gate 2", "4100003", "41000.03", "41,000.03"}

	home := initTestHome(t)
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	cfg.AutoPlan = false
	log := slog.New(slog.DiscardHandler)
	n := openTestNode(t, home, cfg, log)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	c := client.New(n.URL())

	// The other orgs' keyrings live elsewhere: their own nodes'.
	type org struct {
		id   gongxu.OrgID
		kr   *keyring.Keyring
		key  keyring.Key
		seal keyring.SealKey
	}
	newOrg := func(id gongxu.OrgID) org {
		kr, err := keyring.Open(filepath.Join(t.TempDir(), "keys"))
		if err != nil {
			t.Fatal(err)
		}
		k, err := kr.Add(OperatorKey)
		if err != nil {
			t.Fatal(err)
		}
		s, err := kr.CurrentSealKey()
		if err != nil {
			t.Fatal(err)
		}
		return org{id, kr, k, s}
	}
	supplier, rival, panel := newOrg("supplier-s"), newOrg("rival-r"), newOrg("panel-p")
	signed := func(o org, typ string, body any) gongxu.TxResult {
		t.Helper()
		acc, err := c.Account(ctx, o.key.PubKey)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(body)
		r, err := c.Submit(ctx, gongxu.SignTx(n.chain.ChainID(), o.key.Private, typ, b, acc.Sequence).Encode(), true)
		if err != nil {
			t.Fatal(err)
		}
		if r.Code != 0 {
			t.Fatalf("%s by %s: %s", typ, o.id, r.Message)
		}
		return r
	}
	mine := func(typ string, body any) {
		t.Helper()
		r, err := n.Send(ctx, OperatorKey, typ, body)
		if err != nil || r.Code != 0 {
			t.Fatalf("%s by the factory: %v %s", typ, err, r.Message)
		}
	}
	// Admit the three orgs with their seal keys; the members vote yes.
	voters := []org{}
	for i, o := range []org{supplier, rival, panel} {
		roles := []gongxu.Role{gongxu.RoleSupplier}
		if o.id != "supplier-s" {
			roles = []gongxu.Role{gongxu.RoleHub}
		}
		mine(member.TypePropose, member.MsgPropose{Kind: gongxu.ProposalAdmitOrg, Title: "admit " + string(o.id),
			Org: &gongxu.Org{ID: o.id, Name: string(o.id), Roles: roles, Keys: []gongxu.PubKey{o.key.PubKey}, SealKey: o.seal.Public}})
		for _, v := range voters {
			if p, err := n.mods.Member.Proposal(n.State(), uint64(i+1)); err == nil && p.Status == gongxu.ProposalOpen {
				signed(v, member.TypeVote, member.MsgVote{Proposal: uint64(i + 1), Yes: true})
			}
		}
		if got, err := c.Org(ctx, o.id); err != nil || got.SealKey != o.seal.Public {
			t.Fatalf("org %s: %+v %v", o.id, got, err)
		}
		voters = append(voters, o)
	}
	// The supplier's offer is sealed to itself and the factory.
	factorySeal, err := n.mods.Member.SealKey(n.State(), "operator")
	if err != nil || factorySeal == "" {
		t.Fatalf("the factory's seal key: %q %v", factorySeal, err)
	}
	tiers := []gongxu.OfferTier{{MinQty: 0}}
	offerTerms, err := seal.NewTerms(nil, []gongxu.Amount{listPrice}, "")
	if err != nil {
		t.Fatal(err)
	}
	offerSealed, err := seal.Seal(nil, gongxu.SupplyOffer{Item: "waxed-cotton", Tiers: tiers}.TermLines(), offerTerms,
		seal.Reader{Org: "supplier-s", Key: supplier.seal.Public}, seal.Reader{Org: "operator", Key: factorySeal})
	if err != nil {
		t.Fatal(err)
	}
	signed(supplier, production.TypeOffer, production.MsgOffer{Item: "waxed-cotton", Unit: "m", LeadTimeDays: 10, Tiers: tiers, Currency: "CNY", Terms: &offerSealed})
	if offs, err := c.Offers(ctx, "supplier-s"); err != nil || len(offs) != 1 || offs[0].Tiers[0].UnitPrice != listPrice {
		t.Fatalf("the factory's node reads the sealed offer as %+v (%v)", offs, err)
	}

	// The factory's node seals the order it signs.
	st, _ := c.Status(ctx)
	bt, _ := time.Parse(time.RFC3339Nano, st.BlockTime)
	day := bt.UnixMilli() + 20*24*3600_000
	mine(production.TypePO, production.MsgPO{Supplier: "supplier-s", Lines: []production.LineIn{{Item: "waxed-cotton", Qty: 300_000, Date: day}}})
	po, err := n.mods.Production.PO(n.State(), 1)
	if err != nil || po.Terms == nil || po.Lines[0].UnitPrice != 0 {
		t.Fatalf("the factory's order is not sealed on the ledger: %+v %v", po, err)
	}
	// The supplier opens it with its own key: the offer's price.
	sent, err := seal.Open(*po.Terms, po.Lines, "supplier-s", supplier.seal.Private)
	if err != nil || sent.Prices[0] != listPrice {
		t.Fatalf("the supplier opens %+v (%v)", sent, err)
	}
	// It proposes its own price and terms, sealed to both.
	lines := []gongxu.POLine{{Item: "waxed-cotton", Qty: 300_000, Date: day + 24*3600_000}}
	terms, err := seal.NewTerms(nil, []gongxu.Amount{price}, "net 30 days, delivered to gate 2")
	if err != nil {
		t.Fatal(err)
	}
	st2, err := seal.Seal(nil, lines, terms, seal.Reader{Org: "operator", Key: factorySeal}, seal.Reader{Org: "supplier-s", Key: supplier.seal.Public})
	if err != nil {
		t.Fatal(err)
	}
	signed(supplier, production.TypePOPropose, gongxu.POProposeBody{PO: 1, Lines: lines, Reason: "a better weave", Terms: &st2})
	mine(production.TypePODecide, gongxu.PODecideBody{PO: 1, Accept: true})

	// The factory's node shows the price, in its API and on its page.
	got, err := c.PO(ctx, 1)
	if err != nil || got.Lines[0].UnitPrice != price || got.Opened == nil || got.Opened.As != "operator" || got.Opened.Note != terms.Note {
		t.Fatalf("the factory's node shows %+v (opened %+v, %v)", got.Lines, got.Opened, err)
	}
	page := get(t, n.URL()+"/purchase-orders/1")
	if !strings.Contains(page, "43,719.87") {
		t.Fatalf("the factory's page lacks the price:\n%s", page)
	}

	// A forged disclosure (another price, under the order's commitment) and
	// then an honest one, both to the panel.
	disclose := func(by org, sealer func() gongxu.SealedTerms) {
		s := sealer()
		signed(by, production.TypePODisclose, production.MsgPODisclose{PO: 1, To: "panel-p", Terms: s})
	}
	disclose(supplier, func() gongxu.SealedTerms {
		forged := terms
		forged.Prices = []gongxu.Amount{price * 2}
		s, err := seal.Seal(nil, lines, forged, seal.Reader{Org: "panel-p", Key: panel.seal.Public})
		if err != nil {
			t.Fatal(err)
		}
		s.Commitment = st2.Commitment // claims the agreed terms' commitment
		return s
	})
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}

	// The same home with another org's keyring: that org's node, with the
	// whole ledger and read model.
	keys := filepath.Join(home, "keys")
	factoryKeys := filepath.Join(t.TempDir(), "factory-keys")
	if err := os.Rename(keys, factoryKeys); err != nil {
		t.Fatal(err)
	}
	as := func(o org) (*Node, *client.Client) {
		t.Helper()
		_ = os.RemoveAll(keys)
		if err := os.CopyFS(keys, os.DirFS(o.kr.Dir())); err != nil {
			t.Fatal(err)
		}
		nn := openTestNode(t, home, cfg, log)
		return nn, client.New(nn.URL())
	}
	third, tc := as(rival)
	for _, path := range []string{"/v1/offers", "/v1/purchase-orders/1", "/v1/purchase-orders", "/v1/txs?limit=100", "/purchase-orders/1", "/supplier", "/factory", "/orgs/operator"} {
		body := get(t, third.URL()+path)
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("the third org's node shows %q at %s", s, path)
			}
		}
	}
	if p, err := tc.PO(ctx, 1); err != nil || p.Lines[0].UnitPrice != 0 || p.Opened != nil || p.Terms == nil {
		t.Fatalf("the third org's node reads %+v (opened %+v, %v)", p.Lines, p.Opened, err)
	}
	if page := get(t, third.URL()+"/purchase-orders/1"); !strings.Contains(page, `id="terms-closed"`) {
		t.Fatalf("the third org's page does not say the prices are sealed:\n%s", page)
	}
	if err := third.Close(); err != nil {
		t.Fatal(err)
	}
	// Not a byte of the home (block store, state, read model, logs) holds it.
	var scanned int
	readModel := false
	err = filepath.WalkDir(home, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned += len(b)
		if strings.Contains(string(b), `"commitment":"`+st2.Commitment) && strings.HasPrefix(string(b), "SQLite format 3") {
			readModel = true // the read model holds the sealed order itself
		}
		for _, s := range secrets {
			if strings.Contains(string(b), s) {
				t.Errorf("%s holds %q", path, s)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !readModel || scanned < 100<<10 {
		t.Fatalf("scanned %d bytes of the home; the read model with the sealed order found: %v", scanned, readModel)
	}

	// The panel's node: the forged disclosure is refused against the
	// commitment; once the factory discloses, the price opens, checked.
	pn, pc := as(panel)
	p, err := pc.PO(ctx, 1)
	if err != nil || p.Lines[0].UnitPrice != 0 || p.Opened == nil || p.Opened.Refused == "" || p.Opened.Disclose != "supplier-s" {
		t.Fatalf("the panel's node reads the forged disclosure as %+v (opened %+v, %v)", p.Lines, p.Opened, err)
	}
	honest, err := seal.Seal(nil, lines, terms, seal.Reader{Org: "panel-p", Key: panel.seal.Public})
	if err != nil {
		t.Fatal(err)
	}
	if honest.Commitment != st2.Commitment {
		t.Fatal("the same terms give another commitment")
	}
	fkr, err := keyring.Open(factoryKeys)
	if err != nil {
		t.Fatal(err)
	}
	fop, err := fkr.Get(OperatorKey)
	if err != nil {
		t.Fatal(err)
	}
	c, n = pc, pn // the factory's signed disclosure reaches the network through the panel's node
	signed(org{id: "operator", key: fop}, production.TypePODisclose, production.MsgPODisclose{PO: 1, To: "panel-p", Terms: honest})
	p, err = pc.PO(ctx, 1)
	if err != nil || p.Lines[0].UnitPrice != price || p.Opened == nil || p.Opened.Refused != "" || p.Opened.Disclose != "operator" || p.Opened.Note != terms.Note {
		t.Fatalf("the panel's node reads the honest disclosure as %+v (opened %+v, %v)", p.Lines, p.Opened, err)
	}
	if page := get(t, pn.URL()+"/purchase-orders/1"); !strings.Contains(page, "43,719.87") || !strings.Contains(page, "Disclosed by operator to panel-p") {
		t.Fatalf("the panel's page lacks the disclosed price:\n%s", page)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	return string(b)
}

// Only the node's own org sees what the node opens: requests from this
// machine or with one of its API tokens; anyone else reaching its public
// read routes sees the prices sealed.
func TestOwnReaders(t *testing.T) {
	tokens := token.Open(filepath.Join(t.TempDir(), "tokens.json"))
	secret, err := tokens.Add("ops")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		remote, auth string
		proxied      bool   // HTTPConfig.BehindProxy
		fwd          string // a proxy's header, "Name: value"
		want         bool
	}{
		{"127.0.0.1:5000", "", false, "", true},
		{"[::1]:5000", "", false, "", true},
		{"203.0.113.5:5000", "", false, "", false},
		{"203.0.113.5:5000", "Bearer " + secret, false, "", true},
		{"203.0.113.5:5000", "Bearer not-a-token", false, "", false},
		{"203.0.113.5:5000", "Basic " + secret, false, "", false},
		// Behind a reverse proxy on this machine, loopback is anyone.
		{"127.0.0.1:5000", "", true, "", false},
		{"127.0.0.1:5000", "Bearer " + secret, true, "", true},
		{"127.0.0.1:5000", "", false, "X-Forwarded-For: 203.0.113.5", false},
		{"127.0.0.1:5000", "", false, "Forwarded: for=203.0.113.5", false},
		{"127.0.0.1:5000", "", false, "X-Real-IP: 203.0.113.5", false},
		{"127.0.0.1:5000", "Bearer " + secret, false, "X-Forwarded-For: 203.0.113.5", true},
	} {
		var got bool
		h := ownReaders(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = own(r.Context()) }), tokens, c.proxied)
		r := httptest.NewRequest("GET", "/v1/purchase-orders/1", nil)
		r.RemoteAddr = c.remote
		if c.auth != "" {
			r.Header.Set("Authorization", c.auth)
		}
		if name, value, ok := strings.Cut(c.fwd, ": "); ok {
			r.Header.Set(name, value)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != c.want {
			t.Errorf("%+v: own %v", c, got)
		}
	}
}
