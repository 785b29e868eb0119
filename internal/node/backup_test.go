package node

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/member"
	"github.com/gongxu-network/gongxu/internal/sqlite"
)

// TestBackupRestore backs up a stopped one-node network (refused while it
// runs), restores it into fresh homes without and with its keys, compares
// the states, read models and identities, and starts nodes from them: the
// keyless one as a new full node at the same height and app hash, the one
// with keys as the validator, which goes on committing.
func TestBackupRestore(t *testing.T) {
	if testing.Short() {
		t.Skip("starts CometBFT nodes")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	home := initTestHome(t)
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	n := openTestNode(t, home, cfg, log)
	if r, err := n.Send(ctx, OperatorKey, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: "before the backup"}); err != nil || r.Code != 0 {
		t.Fatalf("update_org: %+v, %v", r, err)
	}
	if _, err := Backup(ctx, home, &bytes.Buffer{}, BackupOptions{}); gongxu.ErrorKind(err) != gongxu.KindUnavailable {
		t.Fatalf("backup of a running node: %v, want unavailable", err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	readHeight := func(h string) int64 {
		db, err := sqlite.Open(DataPath(h, "read.db"))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		rh, err := db.Height(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return rh
	}
	origRead := readHeight(home)

	var plain, keyed bytes.Buffer
	m, err := Backup(ctx, home, &plain, BackupOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Height < 1 || m.ChainID != "gongxu-local" || m.AppVersion != gongxu.AppVersion || m.WithKeys {
		t.Fatalf("manifest %s", m)
	}
	for _, f := range m.Files {
		if secretPath(f.Path) || f.Path == "data/node.log" {
			t.Fatalf("a backup without keys holds %s", f.Path)
		}
	}
	if _, err := Backup(ctx, home, &keyed, BackupOptions{WithKeys: true}); err != nil {
		t.Fatal(err)
	}

	// Without keys: same state and read model, a new identity.
	dir := t.TempDir()
	h1 := filepath.Join(dir, "restored")
	m1, err := Restore(ctx, bytes.NewReader(plain.Bytes()), h1, RestoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m1.AppHash != m.AppHash || m1.Height != m.Height {
		t.Fatalf("restored %s, backed up %s", m1, m)
	}
	if got := readHeight(h1); got != origRead {
		t.Fatalf("restored read model at %d, the original at %d", got, origRead)
	}
	if same(t, home, h1, "config/priv_validator_key.json") || same(t, home, h1, "config/node_key.json") {
		t.Fatal("a home restored without keys has the original's keys")
	}
	if _, err := os.Stat(filepath.Join(h1, "keys")); err == nil {
		t.Fatal("a home restored without keys has a keyring")
	}
	if _, err := Restore(ctx, bytes.NewReader(plain.Bytes()), h1, RestoreOptions{}); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("restore over a home: %v", err)
	}
	n1, err := Open(h1, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	st, err := n1.Status(ctx)
	n1.Close()
	if err != nil || st.Height != m.Height || st.AppHash != m.AppHash {
		t.Fatalf("the node restored without keys: %+v (%v), want height %d app hash %s", st, err, m.Height, m.AppHash)
	}

	// With keys: the validator itself, which commits on.
	h2 := filepath.Join(dir, "with-keys")
	m2, err := Restore(ctx, bytes.NewReader(keyed.Bytes()), h2, RestoreOptions{})
	if err != nil || !m2.WithKeys || m2.AppHash != m.AppHash {
		t.Fatalf("restore with keys: %s, %v", m2, err)
	}
	for _, f := range []string{"config/priv_validator_key.json", "config/node_key.json", "keys/operator.json", "data/priv_validator_state.json"} {
		if !same(t, home, h2, f) {
			t.Fatalf("%s differs in the home restored with keys", f)
		}
	}
	n2 := openTestNode(t, h2, cfg, log)
	if r, err := n2.Send(ctx, OperatorKey, member.TypeUpdateOrg, member.MsgUpdateOrg{Description: "after the restore"}); err != nil || r.Code != 0 || r.Height <= m.Height {
		t.Fatalf("update_org on the restored validator: %+v, %v", r, err)
	}
}

// same reports whether file rel is byte-equal in two homes (false when
// either lacks it).
func same(t *testing.T, a, b, rel string) bool {
	t.Helper()
	x, err1 := os.ReadFile(filepath.Join(a, rel))
	y, err2 := os.ReadFile(filepath.Join(b, rel))
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// entry is one tar entry of a hostile archive.
type entry struct {
	name string
	typ  byte
	body string
	size int64 // declared size when not len(body); -1: len(body)
	link string
}

func file(name, body string) entry { return entry{name: name, typ: tar.TypeReg, body: body, size: -1} }

// manifestOf lists the regular files of es as a manifest entry.
func manifestOf(withKeys bool, es ...entry) entry {
	m := BackupManifest{Format: backupFormat, ChainID: "c", Height: 1, AppHash: "00", WithKeys: withKeys, Files: []BackupFile{}}
	for _, e := range es {
		if e.typ == tar.TypeReg {
			sum := sha256.Sum256([]byte(e.body))
			m.Files = append(m.Files, BackupFile{Path: e.name, Size: int64(len(e.body)), SHA256: hex.EncodeToString(sum[:])})
		}
	}
	b, _ := json.Marshal(m)
	return file(BackupManifestName, string(b))
}

func archive(t testing.TB, es ...entry) []byte {
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, e := range es {
		size := e.size
		if size < 0 {
			size = int64(len(e.body))
		}
		if e.typ != tar.TypeReg {
			size = 0
		}
		hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Size: size, Mode: 0o600, Linkname: e.link, Format: tar.FormatPAX}
		if err := tw.WriteHeader(hdr); err != nil {
			t.Fatal(err)
		}
		if e.typ == tar.TypeReg {
			body := e.body
			if int64(len(body)) > size {
				body = body[:size]
			}
			if _, err := tw.Write([]byte(body)); err != nil && size == int64(len(e.body)) {
				t.Fatal(err)
			}
		}
	}
	tw.Flush()
	gz.Close() // tw is not closed: a short entry would make Close fail; the end blocks are not needed
	return buf.Bytes()
}

// TestRestoreHostile: archives that escape the home, hold links or
// devices, lie about sizes or contents, exceed the limits or are cut
// short are refused, and leave nothing in the home or beside it.
func TestRestoreHostile(t *testing.T) {
	ok := file("config/x.toml", "x")
	big := strings.Repeat("0", 4096)
	cases := map[string]struct {
		data []byte
		kind gongxu.Kind
		msg  string
	}{
		"parent":           {archive(t, file("../evil", "x")), gongxu.KindInvalid, "clean relative path"},
		"parent inside":    {archive(t, file("data/../../evil", "x")), gongxu.KindInvalid, "clean relative path"},
		"absolute":         {archive(t, file("/tmp/evil", "x")), gongxu.KindInvalid, "clean relative path"},
		"dot":              {archive(t, file("config/./x", "x")), gongxu.KindInvalid, "clean relative path"},
		"backslash":        {archive(t, file(`data\..\..\evil`, "x")), gongxu.KindInvalid, "entry name"},
		"outside the tree": {archive(t, file("evil.sh", "x")), gongxu.KindInvalid, "outside config/"},
		"deep":             {archive(t, file("data/"+strings.Repeat("a/", 20)+"x", "x")), gongxu.KindInvalid, "too deep"},
		"symlink":          {archive(t, entry{name: "data/link", typ: tar.TypeSymlink, link: "/etc"}, file("data/link/passwd", "x")), gongxu.KindInvalid, "only files and directories"},
		"hard link":        {archive(t, entry{name: "data/link", typ: tar.TypeLink, link: "/etc/passwd"}), gongxu.KindInvalid, "only files and directories"},
		"device":           {archive(t, entry{name: "data/dev", typ: tar.TypeChar}), gongxu.KindInvalid, "only files and directories"},
		"fifo":             {archive(t, entry{name: "data/fifo", typ: tar.TypeFifo}), gongxu.KindInvalid, "only files and directories"},
		"duplicate":        {archive(t, ok, ok), gongxu.KindInvalid, "file exists"},
		"file as dir":      {archive(t, file("data/x", "x"), file("data/x/y", "y")), gongxu.KindInvalid, "directory of"},
		"over the bytes":   {archive(t, file("data/big", big)), gongxu.KindQuota, "over the limit"},
		"too many":         {archive(t, ok, file("config/a", ""), file("config/b", ""), file("config/c", "")), gongxu.KindQuota, "more than 3 entries"},
		"no manifest":      {archive(t, ok), gongxu.KindInvalid, "no manifest"},
		"after manifest":   {archive(t, manifestOf(false, ok), ok), gongxu.KindInvalid, "after the manifest"},
		"wrong hash":       {archive(t, ok, manifestOf(false, file("config/x.toml", "y"))), gongxu.KindInvalid, "does not match"},
		"unlisted file":    {archive(t, ok, file("config/y", "y"), manifestOf(false, ok)), gongxu.KindInvalid, "lists 1 files, the archive holds 2"},
		"keys said none":   {archive(t, file("keys/operator.json", "k"), manifestOf(false, file("keys/operator.json", "k"))), gongxu.KindInvalid, "key material"},
		"short file":       {archive(t, entry{name: "data/x", typ: tar.TypeReg, body: "abc", size: 100}), gongxu.KindInvalid, ""},
		"not gzip":         {[]byte("PK\x03\x04 a zip file"), gongxu.KindInvalid, "not a sound"},
		"empty":            {nil, gongxu.KindInvalid, "not a sound"},
		"manifest garbage": {archive(t, file(BackupManifestName, `{"format":1,"extra":true}`)), gongxu.KindInvalid, "manifest"},
		"no state":         {archive(t, ok, manifestOf(false, ok)), gongxu.KindInvalid, "genesis"},
	}
	valid := archive(t, ok, manifestOf(false, ok))
	cases["cut short"] = struct {
		data []byte
		kind gongxu.Kind
		msg  string
	}{valid[:len(valid)/2], gongxu.KindInvalid, ""}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			home := filepath.Join(dir, "home")
			_, err := Restore(context.Background(), bytes.NewReader(c.data), home, RestoreOptions{MaxBytes: 1000, MaxFiles: 3})
			if gongxu.ErrorKind(err) != c.kind || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v (%s), want %s containing %q", err, gongxu.ErrorKind(err), c.kind, c.msg)
			}
			checkNothingLeft(t, dir, home)
		})
	}
}

// checkNothingLeft fails unless dir holds only home, and home is empty.
func checkNothingLeft(t testing.TB, dir, home string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 || ents[0].Name() != filepath.Base(home) {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Fatalf("beside the home: %v", names)
	}
	if ents, _ := os.ReadDir(home); len(ents) != 0 {
		t.Fatalf("the refused restore left %d entries in the home", len(ents))
	}
}

// FuzzRestore: whatever the archive, Restore returns (no panic), writes
// nothing outside the home, and leaves nothing behind when it refuses.
func FuzzRestore(f *testing.F) {
	ok := file("config/x.toml", "x")
	f.Add(archive(f, ok, manifestOf(false, ok)))
	f.Add(archive(f, file("../evil", "x")))
	f.Add(archive(f, entry{name: "data/link", typ: tar.TypeSymlink, link: "/"}, file("data/link/x", "x")))
	f.Add(archive(f, file("data/big", strings.Repeat("z", 5000))))
	f.Add([]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		home := filepath.Join(dir, "home")
		if _, err := Restore(context.Background(), bytes.NewReader(data), home, RestoreOptions{MaxBytes: 4096, MaxFiles: 16}); err == nil {
			t.Fatal("a fuzzed archive restored a node home")
		}
		checkNothingLeft(t, dir, home)
	})
}
