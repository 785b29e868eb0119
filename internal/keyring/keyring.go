package keyring

import (
	"crypto/ecdh"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/gongxu-network/gongxu"
)

// MaxNameLen is the longest key name.
const MaxNameLen = 64

const (
	dirMode  = 0o700
	fileMode = 0o600
	fileExt  = ".json"
)

// Key is a signing key of the keyring. Private is never serialized: a Key
// marshals to its name, public key and creation time only.
type Key struct {
	Name    string             `json:"name"`
	PubKey  gongxu.PubKey      `json:"pub_key"`
	Created time.Time          `json:"created"`
	Private ed25519.PrivateKey `json:"-"`
}

// keyFile is the on-disk form of a key.
type keyFile struct {
	Name    string    `json:"name"`
	Seed    string    `json:"seed"`    // hex of the 32-byte Ed25519 seed
	PubKey  string    `json:"pub_key"` // hex of the 32-byte public key
	Created time.Time `json:"created"`
}

// Keyring is a directory of key files. It holds no state besides the
// directory's path, so several Keyrings (or processes) may share a directory.
type Keyring struct {
	dir string
}

// Open returns the keyring in dir. The directory is created (mode 0700) when
// the first key is written; a missing directory is an empty keyring.
// Errors: KindInvalid when dir exists but is not a directory, KindInternal.
func Open(dir string) (*Keyring, error) {
	if dir == "" {
		return nil, gongxu.Errorf(gongxu.KindInvalid, "keyring directory is empty")
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return nil, gongxu.Wrap(err, "open keyring %s", dir)
	case !fi.IsDir():
		return nil, gongxu.Errorf(gongxu.KindInvalid, "keyring %s is not a directory", dir)
	}
	return &Keyring{dir: dir}, nil
}

// Dir is the keyring's directory.
func (kr *Keyring) Dir() string { return kr.dir }

// ValidateName reports whether name is a valid key name: 1 to 64 characters
// of a-z, 0-9, '_' and '-'. Errors: KindInvalid.
func ValidateName(name string) error {
	if len(name) == 0 || len(name) > MaxNameLen {
		return gongxu.Errorf(gongxu.KindInvalid, "key name %q must be 1 to %d characters", name, MaxNameLen)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return gongxu.Errorf(gongxu.KindInvalid, "key name %q may hold only a-z, 0-9, '_' and '-'", name)
		}
	}
	return nil
}

// Add creates a new random key named name.
// Errors: KindInvalid for a bad name, KindConflict when the name is taken,
// KindInternal.
func (kr *Keyring) Add(name string) (Key, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := rand.Read(seed); err != nil {
		return Key{}, gongxu.Wrap(err, "generate key")
	}
	return kr.Import(name, seed)
}

// Import stores the key with the given 32-byte Ed25519 seed under name.
// Errors: KindInvalid for a bad name or seed, KindConflict when the name is
// taken, KindInternal.
func (kr *Keyring) Import(name string, seed []byte) (Key, error) {
	if err := ValidateName(name); err != nil {
		return Key{}, err
	}
	if len(seed) != ed25519.SeedSize {
		return Key{}, gongxu.Errorf(gongxu.KindInvalid, "seed must be %d bytes, got %d", ed25519.SeedSize, len(seed))
	}
	priv := ed25519.NewKeyFromSeed(seed)
	k := Key{
		Name:    name,
		PubKey:  gongxu.PubKey(hex.EncodeToString(priv.Public().(ed25519.PublicKey))),
		Created: time.Now().UTC().Truncate(time.Second),
		Private: priv,
	}
	data, err := json.MarshalIndent(keyFile{
		Name:    k.Name,
		Seed:    hex.EncodeToString(seed),
		PubKey:  string(k.PubKey),
		Created: k.Created,
	}, "", "  ")
	if err != nil {
		return Key{}, gongxu.Wrap(err, "encode key %s", name)
	}
	data = append(data, '\n')
	if err := os.MkdirAll(kr.dir, dirMode); err != nil {
		return Key{}, gongxu.Wrap(err, "create keyring %s", kr.dir)
	}
	if err := kr.create(kr.path(name), data); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return Key{}, gongxu.Errorf(gongxu.KindConflict, "key %q already exists", name)
		}
		return Key{}, gongxu.Wrap(err, "write key %s", name)
	}
	return k, nil
}

// create writes data to a new file at path: it fails with fs.ErrExist when the
// file exists, and never leaves a partial file behind.
func (kr *Keyring) create(path string, data []byte) error {
	tmp, err := os.CreateTemp(kr.dir, ".tmp-key-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := tmp.Chmod(fileMode); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	// A hard link does not replace an existing file, unlike a rename.
	return os.Link(tmpName, path)
}

func (kr *Keyring) path(name string) string { return filepath.Join(kr.dir, name+fileExt) }

// Get returns the key named name, with its private key.
// Errors: KindInvalid for a bad name, KindNotFound, KindInternal for failed
// I/O or a corrupt key file.
func (kr *Keyring) Get(name string) (Key, error) {
	if err := ValidateName(name); err != nil {
		return Key{}, err
	}
	data, err := os.ReadFile(kr.path(name))
	if errors.Is(err, fs.ErrNotExist) {
		return Key{}, gongxu.Errorf(gongxu.KindNotFound, "no key %q in keyring %s", name, kr.dir)
	}
	if err != nil {
		return Key{}, gongxu.Wrap(err, "read key %s", name)
	}
	return decode(name, data)
}

func decode(name string, data []byte) (Key, error) {
	corrupt := func(why string) (Key, error) {
		return Key{}, gongxu.Errorf(gongxu.KindInternal, "key file %s%s is corrupt: %s", name, fileExt, why)
	}
	var f keyFile
	if err := json.Unmarshal(data, &f); err != nil {
		return corrupt(err.Error())
	}
	if f.Name != name {
		return corrupt("it holds key " + f.Name)
	}
	seed, err := hex.DecodeString(f.Seed)
	if err != nil || len(seed) != ed25519.SeedSize {
		return corrupt("bad seed")
	}
	priv := ed25519.NewKeyFromSeed(seed)
	pub := gongxu.PubKey(hex.EncodeToString(priv.Public().(ed25519.PublicKey)))
	if gongxu.PubKey(strings.ToLower(f.PubKey)) != pub {
		return corrupt("public key does not match the seed")
	}
	return Key{Name: name, PubKey: pub, Created: f.Created, Private: priv}, nil
}

// List returns every key, sorted by name. A missing directory is an empty
// keyring. Files that are not key files are ignored.
// Errors: KindInternal.
func (kr *Keyring) List() ([]Key, error) {
	entries, err := os.ReadDir(kr.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return []Key{}, nil
	}
	if err != nil {
		return nil, gongxu.Wrap(err, "list keyring %s", kr.dir)
	}
	keys := []Key{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), fileExt)
		if !ok || !e.Type().IsRegular() || ValidateName(name) != nil {
			continue
		}
		k, err := kr.Get(name)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].Name < keys[j].Name })
	return keys, nil
}

// SealKey is an X25519 key pair for opening terms sealed to the org: its
// public half is registered on the ledger (member/seal_key), its private half
// never leaves the node's keyring. Private is never serialized.
type SealKey struct {
	Public  gongxu.SealKey `json:"public"`
	Created time.Time      `json:"created"`
	Private []byte         `json:"-"`
}

// sealFile is the on-disk form of a seal key.
type sealFile struct {
	Private string    `json:"private"` // hex of the 32-byte X25519 private key
	Public  string    `json:"public"`
	Created time.Time `json:"created"`
}

func (kr *Keyring) sealDir() string { return filepath.Join(kr.dir, "seal") }

// NewSealKey creates a new random seal key. Older ones stay, so terms sealed
// to them stay readable. Errors: KindInternal.
func (kr *Keyring) NewSealKey() (SealKey, error) {
	priv, err := ecdh.X25519().GenerateKey(rand.Reader)
	if err != nil {
		return SealKey{}, gongxu.Wrap(err, "generate seal key")
	}
	k := SealKey{
		Public:  gongxu.SealKey(hex.EncodeToString(priv.PublicKey().Bytes())),
		Created: time.Now().UTC(),
		Private: priv.Bytes(),
	}
	data, err := json.MarshalIndent(sealFile{Private: hex.EncodeToString(k.Private), Public: string(k.Public), Created: k.Created}, "", "  ")
	if err != nil {
		return SealKey{}, gongxu.Wrap(err, "encode seal key")
	}
	if err := os.MkdirAll(kr.sealDir(), dirMode); err != nil {
		return SealKey{}, gongxu.Wrap(err, "create keyring %s", kr.sealDir())
	}
	if err := kr.create(filepath.Join(kr.sealDir(), string(k.Public)+fileExt), append(data, '\n')); err != nil {
		return SealKey{}, gongxu.Wrap(err, "write seal key")
	}
	return k, nil
}

// SealKeys returns the keyring's seal keys, the newest first. A keyring
// without any returns none. Errors: KindInternal for failed I/O or a corrupt
// seal key file.
func (kr *Keyring) SealKeys() ([]SealKey, error) {
	entries, err := os.ReadDir(kr.sealDir())
	if errors.Is(err, fs.ErrNotExist) {
		return []SealKey{}, nil
	}
	if err != nil {
		return nil, gongxu.Wrap(err, "list seal keys in %s", kr.sealDir())
	}
	out := []SealKey{}
	for _, e := range entries {
		name, ok := strings.CutSuffix(e.Name(), fileExt)
		if !ok || !e.Type().IsRegular() || gongxu.SealKey(name).Validate() != nil {
			continue
		}
		data, err := os.ReadFile(filepath.Join(kr.sealDir(), e.Name()))
		if err != nil {
			return nil, gongxu.Wrap(err, "read seal key %s", name)
		}
		k, err := decodeSeal(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Created.Equal(out[j].Created) {
			return out[i].Created.After(out[j].Created)
		}
		return out[i].Public < out[j].Public
	})
	return out, nil
}

func decodeSeal(name string, data []byte) (SealKey, error) {
	corrupt := func(why string) (SealKey, error) {
		return SealKey{}, gongxu.Errorf(gongxu.KindInternal, "seal key file %s%s is corrupt: %s", name, fileExt, why)
	}
	var f sealFile
	if err := json.Unmarshal(data, &f); err != nil {
		return corrupt(err.Error())
	}
	raw, err := hex.DecodeString(f.Private)
	if err != nil {
		return corrupt("bad private key")
	}
	priv, err := ecdh.X25519().NewPrivateKey(raw)
	if err != nil {
		return corrupt("bad private key")
	}
	pub := gongxu.SealKey(hex.EncodeToString(priv.PublicKey().Bytes()))
	if string(pub) != name || gongxu.SealKey(strings.ToLower(f.Public)) != pub {
		return corrupt("public key does not match the private key")
	}
	return SealKey{Public: pub, Created: f.Created, Private: raw}, nil
}

// SealKeyFor returns the seal key whose public half is pub.
// Errors: KindNotFound, KindInternal.
func (kr *Keyring) SealKeyFor(pub gongxu.SealKey) (SealKey, error) {
	if err := pub.Validate(); err != nil {
		return SealKey{}, gongxu.Errorf(gongxu.KindNotFound, "no seal key %q in keyring %s", string(pub), kr.dir)
	}
	data, err := os.ReadFile(filepath.Join(kr.sealDir(), string(pub)+fileExt))
	if errors.Is(err, fs.ErrNotExist) {
		return SealKey{}, gongxu.Errorf(gongxu.KindNotFound, "no seal key %s in keyring %s", pub, kr.dir)
	}
	if err != nil {
		return SealKey{}, gongxu.Wrap(err, "read seal key %s", pub)
	}
	return decodeSeal(string(pub), data)
}

// CurrentSealKey returns the newest seal key, creating one when the keyring
// has none. Errors: KindInternal.
func (kr *Keyring) CurrentSealKey() (SealKey, error) {
	ks, err := kr.SealKeys()
	if err != nil {
		return SealKey{}, err
	}
	if len(ks) > 0 {
		return ks[0], nil
	}
	return kr.NewSealKey()
}
