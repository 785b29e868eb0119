package keyring_test

import (
	"crypto/ecdh"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// Seal keys live next to the signing keys, private to the node: created on
// demand, kept after a rotation (older terms stay readable), found by their
// public half, never serialized with their private half, and invisible to
// the signing keys' listing.
func TestSealKeys(t *testing.T) {
	kr, dir := open(t)
	if ks, err := kr.SealKeys(); err != nil || len(ks) != 0 {
		t.Fatalf("empty keyring: %v %v", ks, err)
	}
	first, err := kr.CurrentSealKey()
	if err != nil {
		t.Fatal(err)
	}
	if first.Public.Validate() != nil || len(first.Private) != 32 {
		t.Fatalf("bad seal key %+v", first)
	}
	priv, err := ecdh.X25519().NewPrivateKey(first.Private)
	if err != nil || hex.EncodeToString(priv.PublicKey().Bytes()) != string(first.Public) {
		t.Fatalf("the private half does not give the public: %v", err)
	}
	again, err := kr.CurrentSealKey()
	if err != nil || again.Public != first.Public {
		t.Fatalf("CurrentSealKey made another key: %s then %s (%v)", first.Public, again.Public, err)
	}
	second, err := kr.NewSealKey()
	if err != nil {
		t.Fatal(err)
	}
	ks, err := kr.SealKeys()
	if err != nil || len(ks) != 2 {
		t.Fatalf("after a rotation: %v %v", ks, err)
	}
	if cur, _ := kr.CurrentSealKey(); cur.Public != second.Public && !second.Created.Equal(first.Created) {
		t.Fatalf("current seal key %s, want the newest %s", cur.Public, second.Public)
	}
	got, err := kr.SealKeyFor(first.Public)
	if err != nil || string(got.Private) != string(first.Private) {
		t.Fatalf("SealKeyFor the first key: %v", err)
	}
	if _, err := kr.SealKeyFor(gongxu.SealKey(strings.Repeat("ab", 32))); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("unknown seal key: %v", err)
	}
	if _, err := kr.SealKeyFor("../operator"); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("a path as a seal key: %v", err)
	}
	b, _ := json.Marshal(first)
	if strings.Contains(string(b), hex.EncodeToString(first.Private)) || strings.Contains(string(b), "private") {
		t.Fatalf("a seal key serializes its private half: %s", b)
	}
	fi, err := os.Stat(filepath.Join(dir, "seal", string(first.Public)+".json"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("seal key file: %v %v", fi, err)
	}
	if _, err := kr.Add("operator"); err != nil {
		t.Fatal(err)
	}
	if keys, err := kr.List(); err != nil || len(keys) != 1 {
		t.Fatalf("signing keys listed with seal keys: %v %v", keys, err)
	}
	// A file whose private half does not give its name is corrupt.
	other := filepath.Join(dir, "seal", strings.Repeat("cd", 32)+".json")
	data, _ := os.ReadFile(filepath.Join(dir, "seal", string(first.Public)+".json"))
	if err := os.WriteFile(other, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := kr.SealKeys(); gongxu.ErrorKind(err) != gongxu.KindInternal {
		t.Fatalf("a corrupt seal key file: %v", err)
	}
}
