package keyring_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/keyring"
)

func open(t *testing.T) (*keyring.Keyring, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "home", "keys")
	kr, err := keyring.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return kr, dir
}

func wantKind(t *testing.T, err error, kind gongxu.Kind) {
	t.Helper()
	if got := gongxu.ErrorKind(err); got != kind {
		t.Fatalf("error %v: kind %v, want %v", err, got, kind)
	}
}

func TestAddGetRoundTrip(t *testing.T) {
	kr, _ := open(t)
	k, err := kr.Add("alice")
	if err != nil {
		t.Fatal(err)
	}
	if k.Name != "alice" || k.PubKey.Validate() != nil || len(k.Private) != ed25519.PrivateKeySize || k.Created.IsZero() {
		t.Fatalf("bad key %+v", k)
	}
	got, err := kr.Get("alice")
	if err != nil {
		t.Fatal(err)
	}
	if got.PubKey != k.PubKey || !bytes.Equal(got.Private, k.Private) || !got.Created.Equal(k.Created) {
		t.Fatalf("Get = %+v, want %+v", got, k)
	}
	// The private key signs for the public key.
	pub, _ := k.PubKey.Bytes()
	msg := []byte("hello")
	if !ed25519.Verify(pub, msg, ed25519.Sign(got.Private, msg)) {
		t.Fatal("signature does not verify against the public key")
	}
	// A second keyring on the same directory sees the key.
	kr2, err := keyring.Open(kr.Dir())
	if err != nil {
		t.Fatal(err)
	}
	if g2, err := kr2.Get("alice"); err != nil || g2.PubKey != k.PubKey {
		t.Fatalf("second keyring: %+v, %v", g2, err)
	}
}

func TestImportIsDeterministic(t *testing.T) {
	kr, _ := open(t)
	seed := bytes.Repeat([]byte{7}, ed25519.SeedSize)
	k, err := kr.Import("seeded", seed)
	if err != nil {
		t.Fatal(err)
	}
	want := ed25519.NewKeyFromSeed(seed)
	if !bytes.Equal(k.Private, want) {
		t.Fatal("imported private key differs from the seed's")
	}
	_, err = kr.Import("short", seed[:31])
	wantKind(t, err, gongxu.KindInvalid)
	if _, err := kr.Get("short"); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Fatalf("a rejected import wrote a key: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	kr, dir := open(t)
	if _, err := kr.Add("bob"); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]os.FileMode{dir: 0o700, filepath.Join(dir, "bob.json"): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != want {
			t.Errorf("%s: mode %v, want %v", path, got, want)
		}
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("keyring holds %d files, want 1", len(entries))
	}
}

func TestFileFormat(t *testing.T) {
	kr, dir := open(t)
	k, err := kr.Import("carol", bytes.Repeat([]byte{1}, 32))
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "carol.json"))
	if err != nil {
		t.Fatal(err)
	}
	var f map[string]any
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatal(err)
	}
	if f["name"] != "carol" || f["pub_key"] != string(k.PubKey) || f["seed"] != strings.Repeat("01", 32) || f["created"] == nil {
		t.Fatalf("key file %s", data)
	}
}

func TestDuplicate(t *testing.T) {
	kr, _ := open(t)
	k, err := kr.Add("dup")
	if err != nil {
		t.Fatal(err)
	}
	_, err = kr.Add("dup")
	wantKind(t, err, gongxu.KindConflict)
	_, err = kr.Import("dup", make([]byte, 32))
	wantKind(t, err, gongxu.KindConflict)
	got, err := kr.Get("dup")
	if err != nil || got.PubKey != k.PubKey {
		t.Fatalf("the original key changed: %+v, %v", got, err)
	}
}

func TestBadNames(t *testing.T) {
	kr, dir := open(t)
	for _, name := range []string{"", "Alice", "a b", "a.b", "../x", "a/b", "ключ", strings.Repeat("a", 65)} {
		_, err := kr.Add(name)
		wantKind(t, err, gongxu.KindInvalid)
		_, err = kr.Get(name)
		wantKind(t, err, gongxu.KindInvalid)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("bad names created the keyring directory: %v", err)
	}
	for _, name := range []string{"a", "0", "a_b-c", strings.Repeat("z", 64)} {
		if _, err := kr.Add(name); err != nil {
			t.Errorf("Add(%q): %v", name, err)
		}
	}
}

func TestGetMissing(t *testing.T) {
	kr, _ := open(t)
	_, err := kr.Get("nobody")
	wantKind(t, err, gongxu.KindNotFound)
}

func TestList(t *testing.T) {
	kr, dir := open(t)
	keys, err := kr.List()
	if err != nil || len(keys) != 0 || keys == nil {
		t.Fatalf("List of a missing directory = %#v, %v; want an empty slice", keys, err)
	}
	for _, n := range []string{"b", "a-b", "a", "c_1"} {
		if _, err := kr.Add(n); err != nil {
			t.Fatal(err)
		}
	}
	// Files that are not keys are ignored.
	os.WriteFile(filepath.Join(dir, "README"), []byte("hi"), 0o600)
	os.WriteFile(filepath.Join(dir, "Bad Name.json"), []byte("{}"), 0o600)
	keys, err = kr.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range keys {
		names = append(names, k.Name)
		if len(k.Private) == 0 {
			t.Errorf("key %s has no private key", k.Name)
		}
	}
	if got := strings.Join(names, ","); got != "a,a-b,b,c_1" {
		t.Fatalf("List names = %s", got)
	}
	// A listing never serializes the seed or private key.
	out, _ := json.Marshal(keys)
	if bytes.Contains(out, []byte("seed")) || bytes.Contains(out, []byte("rivate")) {
		t.Fatalf("listing leaks private material: %s", out)
	}
}

func TestCorruptFile(t *testing.T) {
	kr, dir := open(t)
	if _, err := kr.Add("x"); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "x.json")
	data, _ := os.ReadFile(path)
	var f map[string]any
	json.Unmarshal(data, &f)
	f["pub_key"] = strings.Repeat("ab", 32)
	data, _ = json.Marshal(f)
	os.WriteFile(path, data, 0o600)
	_, err := kr.Get("x")
	wantKind(t, err, gongxu.KindInternal)
	if !strings.Contains(err.Error(), "corrupt") {
		t.Fatalf("error %q does not say the file is corrupt", err)
	}
}

func TestOpenNotADirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "file")
	os.WriteFile(path, nil, 0o600)
	_, err := keyring.Open(path)
	wantKind(t, err, gongxu.KindInvalid)
}
