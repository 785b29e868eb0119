package seal_test

import (
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/seal"
)

type party struct {
	org  gongxu.OrgID
	priv []byte
	pub  gongxu.SealKey
}

func newParty(t *testing.T, org gongxu.OrgID) party {
	t.Helper()
	k, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return party{org, k.Bytes(), gongxu.SealKey(hex.EncodeToString(k.PublicKey().Bytes()))}
}

var lines = []gongxu.POLine{
	{Item: "fabric", Qty: 200000, Date: 1768089600000},
	{Item: "zipper", Qty: 50000, Date: 1768089600000},
}

func sealed(t *testing.T, prices []gongxu.Amount, readers ...party) (gongxu.Terms, gongxu.SealedTerms) {
	t.Helper()
	terms, err := seal.NewTerms(nil, prices, "net 30, delivered to gate 2")
	if err != nil {
		t.Fatal(err)
	}
	var rs []seal.Reader
	var orgs []gongxu.OrgID
	for _, p := range readers {
		rs = append(rs, seal.Reader{Org: p.org, Key: p.pub})
		orgs = append(orgs, p.org)
	}
	s, err := seal.Seal(nil, lines, terms, rs...)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.ValidateShape(orgs...); err != nil {
		t.Fatalf("sealed terms fail the ledger's shape check: %v", err)
	}
	return terms, s
}

// The two parties open the terms; a third org, with everything the ledger
// holds, can open nothing and finds no price in it.
func TestSealOpenParties(t *testing.T) {
	factory, supplier, third := newParty(t, "factory-a"), newParty(t, "supplier-s"), newParty(t, "rival-r")
	terms, s := sealed(t, []gongxu.Amount{43719, 2297}, factory, supplier)
	for _, p := range []party{factory, supplier} {
		got, err := seal.Open(s, lines, p.org, p.priv)
		if err != nil {
			t.Fatalf("%s opens: %v", p.org, err)
		}
		if got.Prices[0] != 43719 || got.Prices[1] != 2297 || got.Note != terms.Note || got.Salt != terms.Salt {
			t.Fatalf("%s opened %+v, sealed %+v", p.org, got, terms)
		}
	}
	if _, err := seal.Open(s, lines, third.org, third.priv); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("a third org opens: %v", err)
	}
	// Its own key under a party's name opens nothing either.
	if _, err := seal.Open(s, lines, supplier.org, third.priv); gongxu.ErrorKind(err) != gongxu.KindUnauthorized {
		t.Fatalf("a third org's key as the supplier's: %v", err)
	}
	for _, secret := range []string{"43719", "2297", "net 30", terms.Salt} {
		if strings.Contains(s.Commitment+s.Box+s.Keys[0].Box+s.Keys[1].Box, secret) {
			t.Fatalf("the sealed terms show %q", secret)
		}
	}
	// The same terms sealed twice give other ciphertexts, the same commitment.
	s2, err := seal.Seal(nil, lines, terms, seal.Reader{Org: factory.org, Key: factory.pub}, seal.Reader{Org: supplier.org, Key: supplier.pub})
	if err != nil {
		t.Fatal(err)
	}
	if s2.Box == s.Box || s2.Keys[0].Box == s.Keys[0].Box || s2.Commitment != s.Commitment {
		t.Fatal("sealing is not randomized, or the commitment is")
	}
}

// A party discloses the terms and salt to a panel: they verify against the
// commitment on the ledger; a forged disclosure (another price, note, salt or
// line) is refused.
func TestDisclosure(t *testing.T) {
	factory, supplier := newParty(t, "factory-a"), newParty(t, "supplier-s")
	terms, s := sealed(t, []gongxu.Amount{43719, 2297}, factory, supplier)
	if err := gongxu.VerifyTerms(s.Commitment, lines, terms); err != nil {
		t.Fatalf("an honest disclosure: %v", err)
	}
	forge := func(f func(*gongxu.Terms, []gongxu.POLine) []gongxu.POLine) error {
		tt := terms
		tt.Prices = append([]gongxu.Amount{}, terms.Prices...)
		ls := append([]gongxu.POLine{}, lines...)
		ls = f(&tt, ls)
		return gongxu.VerifyTerms(s.Commitment, ls, tt)
	}
	for name, f := range map[string]func(*gongxu.Terms, []gongxu.POLine) []gongxu.POLine{
		"a lower price": func(t *gongxu.Terms, ls []gongxu.POLine) []gongxu.POLine { t.Prices[0] = 43000; return ls },
		"another note":  func(t *gongxu.Terms, ls []gongxu.POLine) []gongxu.POLine { t.Note = "net 90"; return ls },
		"another salt": func(t *gongxu.Terms, ls []gongxu.POLine) []gongxu.POLine {
			t.Salt = strings.Repeat("00", gongxu.SaltLen)
			return ls
		},
		"another quantity": func(t *gongxu.Terms, ls []gongxu.POLine) []gongxu.POLine { ls[1].Qty++; return ls },
		"prices swapped": func(t *gongxu.Terms, ls []gongxu.POLine) []gongxu.POLine {
			t.Prices[0], t.Prices[1] = t.Prices[1], t.Prices[0]
			return ls
		},
	} {
		if err := forge(f); gongxu.ErrorKind(err) != gongxu.KindUnauthorized {
			t.Errorf("forged disclosure (%s): %v", name, err)
		}
	}
	if err := forge(func(t *gongxu.Terms, ls []gongxu.POLine) []gongxu.POLine { t.Prices = t.Prices[:1]; return ls }); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Errorf("a disclosure missing a price: %v", err)
	}
}

// Altered ciphertexts never open: not the terms' box, not a key box, not a
// box moved under another commitment.
func TestTamperedDoesNotOpen(t *testing.T) {
	factory, supplier := newParty(t, "factory-a"), newParty(t, "supplier-s")
	_, s := sealed(t, []gongxu.Amount{43719, 2297}, factory, supplier)
	flip := func(b64 string) string {
		b, _ := base64.StdEncoding.DecodeString(b64)
		b[len(b)/2] ^= 1
		return base64.StdEncoding.EncodeToString(b)
	}
	a := s
	a.Box = flip(s.Box)
	if _, err := seal.Open(a, lines, factory.org, factory.priv); gongxu.ErrorKind(err) != gongxu.KindUnauthorized {
		t.Errorf("altered box: %v", err)
	}
	b := s
	b.Keys = append([]gongxu.SealedKeyBox{}, s.Keys...)
	b.Keys[0].Box = flip(s.Keys[0].Box)
	if _, err := seal.Open(b, lines, factory.org, factory.priv); gongxu.ErrorKind(err) != gongxu.KindUnauthorized {
		t.Errorf("altered key box: %v", err)
	}
	_, other := sealed(t, []gongxu.Amount{1, 1}, factory, supplier)
	c := s
	c.Commitment = other.Commitment
	if _, err := seal.Open(c, lines, factory.org, factory.priv); gongxu.ErrorKind(err) != gongxu.KindUnauthorized {
		t.Errorf("box under another commitment: %v", err)
	}
	// Terms sealed under a commitment they do not match are refused on opening.
	d := other
	if _, err := seal.Open(d, lines[:1], factory.org, factory.priv); err == nil {
		t.Error("terms of two lines opened for one")
	}
}

// The ledger's shape check refuses what it can see is wrong.
func TestValidateShape(t *testing.T) {
	factory, supplier := newParty(t, "factory-a"), newParty(t, "supplier-s")
	_, s := sealed(t, []gongxu.Amount{43719, 2297}, factory, supplier)
	for name, f := range map[string]func(*gongxu.SealedTerms){
		"short commitment": func(s *gongxu.SealedTerms) { s.Commitment = s.Commitment[:62] },
		"upper commitment": func(s *gongxu.SealedTerms) { s.Commitment = strings.ToUpper(s.Commitment) },
		"box not base64":   func(s *gongxu.SealedTerms) { s.Box = "!!" + s.Box[2:] },
		"box too short":    func(s *gongxu.SealedTerms) { s.Box = base64.StdEncoding.EncodeToString(make([]byte, 30)) },
		"box too large": func(s *gongxu.SealedTerms) {
			s.Box = base64.StdEncoding.EncodeToString(make([]byte, gongxu.MaxSealedBox+1))
		},
		"one key box":       func(s *gongxu.SealedTerms) { s.Keys = s.Keys[:1] },
		"key boxes swapped": func(s *gongxu.SealedTerms) { s.Keys = []gongxu.SealedKeyBox{s.Keys[1], s.Keys[0]} },
		"key box too short": func(s *gongxu.SealedTerms) {
			s.Keys = []gongxu.SealedKeyBox{{Org: "factory-a", Key: s.Keys[0].Key, Box: "AAAA"}, s.Keys[1]}
		},
		"key box bad key": func(s *gongxu.SealedTerms) {
			s.Keys = []gongxu.SealedKeyBox{{Org: "factory-a", Key: "00", Box: s.Keys[0].Box}, s.Keys[1]}
		},
		"key box of 81 bytes": func(s *gongxu.SealedTerms) {
			s.Keys = []gongxu.SealedKeyBox{{Org: "factory-a", Key: s.Keys[0].Key, Box: base64.StdEncoding.EncodeToString(make([]byte, 81))}, s.Keys[1]}
		},
	} {
		c := s
		c.Keys = append([]gongxu.SealedKeyBox{}, s.Keys...)
		f(&c)
		if err := c.ValidateShape("factory-a", "supplier-s"); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// FuzzDecodeTerms: the decoder of opened terms never panics, and what it
// accepts is valid terms that encode back to the same meaning.
func FuzzDecodeTerms(f *testing.F) {
	salt := strings.Repeat("ab", gongxu.SaltLen)
	f.Add([]byte(`{"prices":[43719,2297],"note":"net 30","salt":"`+salt+`"}`), 2)
	f.Add([]byte(`{"prices":[1],"salt":"`+salt+`"}`), 1)
	f.Add([]byte(`{"prices":[1],"salt":"`+salt+`","Prices":[2]}`), 1)
	f.Add([]byte(`{"prices":[-1],"salt":"`+salt+`"}`), 1)
	f.Add([]byte(`{"prices":[1],"salt":"`+salt+`"} {}`), 1)
	f.Fuzz(func(t *testing.T, b []byte, n int) {
		terms, err := seal.DecodeTerms(b, n)
		if err != nil {
			if gongxu.ErrorKind(err) != gongxu.KindInvalid && gongxu.ErrorKind(err) != gongxu.KindTooLarge {
				t.Fatalf("error of kind %v: %v", gongxu.ErrorKind(err), err)
			}
			return
		}
		if err := terms.Validate(n); err != nil {
			t.Fatalf("accepted invalid terms: %v", err)
		}
		ls := make([]gongxu.POLine, n)
		if terms.Commit(ls) != terms.Commit(ls) {
			t.Fatal("the commitment is not a function of the terms")
		}
	})
}
