package token

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// Limits of the token file.
const (
	MaxName   = 64   // bytes of a token's name
	MaxTokens = 1000 // tokens in one home
	maxFile   = 1 << 20

	prefix      = "gx_"
	secretBytes = 32
	// secretLen is the length of a token as people copy it.
	secretLen = len(prefix) + (secretBytes*8+5)/6
)

// Path is the token file of a node home.
func Path(home string) string { return filepath.Join(home, "config", "tokens.json") }

// Info is a token as `gongxu token list` shows it: never the secret.
type Info struct {
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	Created time.Time `json:"created"`
}

// entry is one token in the file.
type entry struct {
	Name    string    `json:"name"`
	ID      string    `json:"id"`
	SHA256  string    `json:"sha256"`
	Created time.Time `json:"created"`
}

// file is the JSON of the token file.
type file struct {
	Tokens []entry `json:"tokens"`
}

// Store is the token file of one home. It is safe for concurrent use, and
// other processes may change the file: each call reads it again when it
// changed.
type Store struct {
	path string
	now  func() time.Time

	mu     sync.Mutex
	stamp  os.FileInfo // of the file last read; nil: none read
	tokens []entry
	hashes [][sha256.Size]byte
	err    error // why the file last read is unusable
}

// Open returns the store of the token file at path (Path(home)). The file
// need not exist: then there are no tokens.
func Open(path string) *Store { return &Store{path: path, now: time.Now} }

// ValidateName checks a token's name: 1 to MaxName bytes of letters, digits
// and ".", "_", "-", "@", starting with a letter or a digit.
func ValidateName(name string) error {
	if name == "" || len(name) > MaxName || !utf8.ValidString(name) {
		return gongxu.Errorf(gongxu.KindInvalid, "a token's name is 1 to %d bytes of UTF-8, got %d bytes", MaxName, len(name))
	}
	for i, r := range name {
		ok := unicode.IsLetter(r) || unicode.IsDigit(r)
		if i > 0 && strings.ContainsRune("._-@", r) {
			ok = true
		}
		if !ok {
			return gongxu.Errorf(gongxu.KindInvalid, "token name %q: use letters, digits and . _ - @, starting with a letter or a digit", strings.ToValidUTF8(strings.Map(printable, name), "?"))
		}
	}
	return nil
}

// printable replaces what a terminal would interpret in an error message.
func printable(r rune) rune {
	if unicode.IsPrint(r) {
		return r
	}
	return '?'
}

// Add makes a new token named name, stores its hash and returns the secret,
// which nobody can see again. Errors: KindInvalid for a bad name,
// KindConflict when the name is taken, KindQuota over MaxTokens.
func (s *Store) Add(name string) (string, error) {
	if err := ValidateName(name); err != nil {
		return "", err
	}
	b := make([]byte, secretBytes)
	rand.Read(b) // never fails (crypto/rand panics instead)
	secret := prefix + base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(secret))
	id := make([]byte, 8)
	rand.Read(id)
	err := s.update(func(f *file) error {
		for _, e := range f.Tokens {
			if e.Name == name {
				return gongxu.Errorf(gongxu.KindConflict, "a token named %q exists; remove it first (gongxu token rm %s) or pick another name", name, name)
			}
		}
		if len(f.Tokens) >= MaxTokens {
			return gongxu.Errorf(gongxu.KindQuota, "this home has %d tokens, the most it keeps; remove some first", len(f.Tokens))
		}
		f.Tokens = append(f.Tokens, entry{Name: name, ID: hex.EncodeToString(id), SHA256: hex.EncodeToString(sum[:]),
			Created: s.now().UTC().Truncate(time.Second)})
		return nil
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Remove deletes the token named name: from then on it is refused, also by a
// running node. Errors: KindNotFound when there is none.
func (s *Store) Remove(name string) error {
	return s.update(func(f *file) error {
		i := slices.IndexFunc(f.Tokens, func(e entry) bool { return e.Name == name })
		if i < 0 {
			return gongxu.Errorf(gongxu.KindNotFound, "no token is named %q", strings.Map(printable, name))
		}
		f.Tokens = slices.Delete(f.Tokens, i, i+1)
		return nil
	})
}

// List returns the tokens, oldest first, without their secrets.
func (s *Store) List() ([]Info, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.reload(); err != nil {
		return nil, err
	}
	out := make([]Info, len(s.tokens))
	for i, e := range s.tokens {
		out[i] = Info{Name: e.Name, ID: e.ID, Created: e.Created}
	}
	return out, nil
}

// Check returns the id and name of the token whose secret this is; ok is
// false when no token has it (or the token file is unusable). The secret's
// hash is compared with every stored hash, in constant time.
func (s *Store) Check(secret string) (id, name string, ok bool) {
	if len(secret) != secretLen || !strings.HasPrefix(secret, prefix) {
		return "", "", false
	}
	sum := sha256.Sum256([]byte(secret))
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reload() != nil {
		return "", "", false
	}
	found := -1
	for i := range s.hashes {
		if subtle.ConstantTimeCompare(sum[:], s.hashes[i][:]) == 1 {
			found = i
		}
	}
	if found < 0 {
		return "", "", false
	}
	return s.tokens[found].ID, s.tokens[found].Name, true
}

// Active reports whether the token with this id (from Check) is still
// there: a session signed in with a removed token ends.
func (s *Store) Active(id string) bool {
	if id == "" {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reload() != nil {
		return false
	}
	for _, e := range s.tokens {
		if e.ID == id {
			return true
		}
	}
	return false
}

// reload reads the file again when it changed since it was last read.
// Called with s.mu held.
func (s *Store) reload() error {
	fi, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.stamp, s.tokens, s.hashes, s.err = nil, nil, nil, nil
		return nil
	}
	if err != nil {
		return gongxu.Wrap(err, "token file")
	}
	if s.stamp != nil && os.SameFile(s.stamp, fi) && s.stamp.ModTime().Equal(fi.ModTime()) && s.stamp.Size() == fi.Size() {
		return s.err
	}
	f, err := read(s.path)
	s.stamp, s.tokens, s.hashes, s.err = fi, nil, nil, err
	if err != nil {
		return err
	}
	s.tokens = f.Tokens
	s.hashes = make([][sha256.Size]byte, len(f.Tokens))
	for i, e := range f.Tokens {
		hex.Decode(s.hashes[i][:], []byte(e.SHA256)) // checked by read
	}
	return nil
}

// read reads and checks the token file; a missing file has no tokens.
func read(path string) (file, error) {
	var f file
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, gongxu.Wrap(err, "read the token file")
	}
	if len(b) > maxFile {
		return f, gongxu.Errorf(gongxu.KindTooLarge, "the token file %s is larger than %d bytes", path, maxFile)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return file{}, gongxu.Errorf(gongxu.KindInvalid, "the token file %s is not valid: %v", path, err)
	}
	names, ids := map[string]bool{}, map[string]bool{}
	for _, e := range f.Tokens {
		h, err := hex.DecodeString(e.SHA256)
		bad := ""
		switch {
		case ValidateName(e.Name) != nil:
			bad = "a bad name"
		case names[e.Name]:
			bad = "a duplicate name " + e.Name
		case e.ID == "" || ids[e.ID]:
			bad = "a missing or duplicate id"
		case err != nil || len(h) != sha256.Size || e.SHA256 != strings.ToLower(e.SHA256):
			bad = "a bad hash"
		}
		if bad != "" {
			return file{}, gongxu.Errorf(gongxu.KindInvalid, "the token file %s is not valid: a token has %s", path, bad)
		}
		names[e.Name], ids[e.ID] = true, true
	}
	return f, nil
}

// update changes the file under the lock: it reads the file as it is on
// disk, applies fn and writes the result atomically.
func (s *Store) update(fn func(*file) error) error {
	unlock, err := lock(s.path)
	if err != nil {
		return err
	}
	defer unlock()
	f, err := read(s.path)
	if err != nil {
		return err
	}
	if err := fn(&f); err != nil {
		return err
	}
	if f.Tokens == nil {
		f.Tokens = []entry{}
	}
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return gongxu.Wrap(err, "encode the token file")
	}
	if err := writeAtomic(s.path, append(b, '\n')); err != nil {
		return err
	}
	s.mu.Lock()
	s.stamp = nil // read it again
	s.mu.Unlock()
	return nil
}

// writeAtomic writes b to path through a temporary file in the same
// directory, synced and renamed over path, mode 0600.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return gongxu.Wrap(err, "create %s", dir)
	}
	tmp, err := os.CreateTemp(dir, ".tokens-*.json")
	if err != nil {
		return gongxu.Wrap(err, "write the token file")
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up after a failure
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return gongxu.Wrap(err, "write the token file")
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return gongxu.Wrap(err, "write the token file")
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return gongxu.Wrap(err, "write the token file")
	}
	if err := tmp.Close(); err != nil {
		return gongxu.Wrap(err, "write the token file")
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return gongxu.Wrap(err, "write the token file")
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // the rename is durable once the directory is
		d.Close()
	}
	return nil
}

// Lock timing: a lock file older than staleLock is left from a crashed
// command and taken over.
const (
	lockWait  = 10 * time.Second
	staleLock = 30 * time.Second
)

// lock takes the lock file beside path (created exclusively), waiting for
// another command that holds it.
func lock(path string) (func(), error) {
	name := path + ".lock"
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, gongxu.Wrap(err, "create %s", filepath.Dir(path))
	}
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			fmt.Fprintf(f, "%d\n", os.Getpid())
			f.Close()
			return func() { os.Remove(name) }, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, gongxu.Wrap(err, "lock the token file")
		}
		if fi, err := os.Stat(name); err == nil && time.Since(fi.ModTime()) > staleLock {
			os.Remove(name)
			continue
		}
		if time.Now().After(deadline) {
			return nil, gongxu.Errorf(gongxu.KindUnavailable, "the token file is locked by another command (%s); try again, or remove the lock file if no gongxu token command runs", name)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
