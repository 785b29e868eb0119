package node

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/comet"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

// A backup is a gzip-compressed tar archive of a stopped node's home: the
// state (a Pebble checkpoint of data/app), CometBFT's block and state
// stores, the read model and the config, then, as its last entry, a
// manifest (BackupManifestName) listing every file with its size and
// SHA-256 and the height and app hash of the state. Key material (the
// keyring, CometBFT's node and validator keys and signing state, the API
// tokens) is left out unless asked for.

// BackupManifestName is the last entry of a backup archive.
const BackupManifestName = "gongxu-backup.json"

const backupFormat = 1

// Limits of Restore (RestoreOptions zero values).
const (
	DefaultRestoreMaxBytes = 1 << 40 // 1 TiB of files
	DefaultRestoreMaxFiles = 1_000_000
	maxManifestBytes       = 64 << 20
	maxBackupPath          = 512
	maxBackupDepth         = 16
)

// BackupFile is one file of a backup.
type BackupFile struct {
	Path   string `json:"path"` // relative to the home, slash-separated
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// BackupManifest describes a backup.
type BackupManifest struct {
	Format     int          `json:"format"`
	ChainID    string       `json:"chain_id"`
	Height     int64        `json:"height"`
	AppHash    string       `json:"app_hash"` // upper-case hex, as in /v1/status
	AppVersion uint64       `json:"app_version"`
	WithKeys   bool         `json:"with_keys"`
	Files      []BackupFile `json:"files"`
}

// BackupOptions shape Backup.
type BackupOptions struct {
	// WithKeys puts the home's key material in the archive: whoever holds
	// the archive can then sign for the org and as its validator.
	WithKeys bool
}

// secretPath reports whether rel (slash-separated, relative to a home) is
// key material.
func secretPath(rel string) bool {
	switch rel {
	case "keys", "config/node_key.json", "config/priv_validator_key.json", "data/priv_validator_state.json", "config/tokens.json":
		return true
	}
	return strings.HasPrefix(rel, "keys/")
}

// Backup writes an archive of the stopped node in home to w. It holds the
// state's lock for its whole run, so the node cannot start meanwhile; a
// node that runs makes it fail (KindUnavailable): a backup is taken of a
// stopped node. The node's logs are left out.
func Backup(ctx context.Context, home string, w io.Writer, o BackupOptions) (BackupManifest, error) {
	doc, err := comet.ReadGenesis(home)
	if err != nil {
		return BackupManifest{}, err
	}
	pdb, err := pebblekv.Open(DataPath(home, "app"))
	if err != nil {
		return BackupManifest{}, gongxu.Errorf(gongxu.KindUnavailable, "cannot open the state of %s; if its node runs, stop it first (a backup is taken of a stopped node): %v", home, err)
	}
	defer pdb.Close()
	st, err := store.Open(pdb)
	if err != nil {
		return BackupManifest{}, err
	}
	ver, err := module.AppVersion(st)
	if err != nil {
		return BackupManifest{}, err
	}
	m := BackupManifest{Format: backupFormat, ChainID: doc.ChainID, Height: st.Height(), AppHash: strings.ToUpper(hex.EncodeToString(st.Root())),
		AppVersion: ver.Version, WithKeys: o.WithKeys, Files: []BackupFile{}}
	tmp, err := os.MkdirTemp(filepath.Join(home, "data"), ".backup-")
	if err != nil {
		return m, gongxu.Wrap(err, "backup: temporary directory")
	}
	defer os.RemoveAll(tmp)
	cp := filepath.Join(tmp, "app")
	if err := pdb.Checkpoint(cp); err != nil {
		return m, err
	}
	gz := gzip.NewWriter(w)
	tw := tar.NewWriter(gz)
	add := func(root, prefix string, skip func(rel string) bool) error {
		return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			rel, err := filepath.Rel(root, p)
			if err != nil || rel == "." {
				return err
			}
			rel = path.Join(prefix, filepath.ToSlash(rel))
			if skip(rel) {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			switch {
			case d.IsDir():
				return tw.WriteHeader(&tar.Header{Typeflag: tar.TypeDir, Name: rel + "/", Mode: 0o700})
			case d.Type().IsRegular():
				f, err := addFile(tw, p, rel)
				if err != nil {
					return err
				}
				m.Files = append(m.Files, f)
				return nil
			}
			return gongxu.Errorf(gongxu.KindConflict, "backup: %s is neither a file nor a directory (a link?); a home holds only files and directories", p)
		})
	}
	err = add(home, "", func(rel string) bool {
		return rel == "data/app" || strings.HasPrefix(rel, "data/.backup-") || nodeLog(rel) ||
			rel == BackupManifestName || (!o.WithKeys && secretPath(rel))
	})
	if err == nil {
		err = add(cp, "data/app", func(string) bool { return false })
	}
	if err != nil {
		return m, gongxu.Wrap(err, "backup of %s", home)
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return m, gongxu.Wrap(err, "backup: manifest")
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: BackupManifestName, Mode: 0o600, Size: int64(len(mb))}); err != nil {
		return m, gongxu.Wrap(err, "backup: write")
	}
	if _, err := tw.Write(mb); err != nil {
		return m, gongxu.Wrap(err, "backup: write")
	}
	if err := errors.Join(tw.Close(), gz.Close()); err != nil {
		return m, gongxu.Wrap(err, "backup: write")
	}
	return m, nil
}

// nodeLog reports whether rel is one of the node's own logs (data/node.log,
// a process log at the top of the home), which a backup leaves out; the
// stores' *.log files are their journals and stay.
func nodeLog(rel string) bool {
	return rel == "data/node.log" || (!strings.Contains(rel, "/") && strings.HasSuffix(rel, ".log"))
}

func addFile(tw *tar.Writer, p, rel string) (BackupFile, error) {
	f, err := os.Open(p)
	if err != nil {
		return BackupFile{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return BackupFile{}, err
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: rel, Mode: 0o600, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
		return BackupFile{}, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tw, h), io.LimitReader(f, fi.Size()))
	if err != nil {
		return BackupFile{}, err
	}
	if n != fi.Size() {
		return BackupFile{}, gongxu.Errorf(gongxu.KindConflict, "backup: %s changed while it was read (is the node stopped?)", p)
	}
	return BackupFile{Path: rel, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// RestoreOptions bound Restore; zero values mean the defaults.
type RestoreOptions struct {
	MaxBytes int64 // total size of the files (DefaultRestoreMaxBytes)
	MaxFiles int   // entries (DefaultRestoreMaxFiles)
}

// Restore unpacks a backup archive read from r into home, which must not
// exist or be an empty directory, and checks it: every entry a plain file
// or directory under config/, data/ or keys/ (no link, device, absolute
// path or ".."), within the limits, every file listed in the manifest with
// its size and SHA-256 and none unlisted, key material only in a backup
// made with keys, and the state's height and app hash the manifest's. A
// home restored without keys gets a new node key and validator key (a new
// identity, no validator). On any error nothing is left in home.
// Errors: KindConflict for a home in use, KindInvalid for an archive that
// is not a sound backup, KindQuota for one over the limits.
func Restore(ctx context.Context, r io.Reader, home string, o RestoreOptions) (m BackupManifest, err error) {
	if o.MaxBytes <= 0 {
		o.MaxBytes = DefaultRestoreMaxBytes
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = DefaultRestoreMaxFiles
	}
	if ents, err := os.ReadDir(home); err == nil && len(ents) > 0 {
		return m, gongxu.Errorf(gongxu.KindConflict, "%s is not empty: restore into a new home", home)
	} else if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return m, gongxu.Wrap(err, "restore: %s", home)
	}
	if err := os.MkdirAll(home, 0o700); err != nil {
		return m, gongxu.Wrap(err, "restore: create %s", home)
	}
	root, err := os.OpenRoot(home) // every write stays inside home, whatever a name says
	if err != nil {
		return m, gongxu.Wrap(err, "restore: open %s", home)
	}
	defer root.Close()
	defer func() {
		if err != nil {
			clearDir(home)
		}
	}()
	m, err = unpack(ctx, r, root, o)
	if err != nil {
		return m, err
	}
	if err := checkRestoredState(home, m); err != nil {
		return m, err
	}
	if !m.WithKeys {
		if _, err := comet.NewKeys(home); err != nil {
			return m, err
		}
	}
	return m, nil
}

// clearDir removes what is in dir, leaving dir.
func clearDir(dir string) {
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		os.RemoveAll(filepath.Join(dir, e.Name()))
	}
}

func bad(format string, args ...any) error {
	return gongxu.Errorf(gongxu.KindInvalid, "not a sound gongxu backup: "+format, args...)
}

// backupName checks an entry's name: a clean relative slash path of at most
// maxBackupDepth elements under config/, data/ or keys/ (or the manifest).
func backupName(name string, dir bool) (string, error) {
	if dir {
		name = strings.TrimSuffix(name, "/")
	}
	if name == "" || len(name) > maxBackupPath || strings.ContainsAny(name, "\\\x00") || !gongxuUTF8(name) {
		return "", bad("entry name %q", name)
	}
	if path.IsAbs(name) || path.Clean(name) != name || strings.HasPrefix(name, "../") || name == ".." || name == "." {
		return "", bad("entry %q is not a clean relative path", name)
	}
	parts := strings.Split(name, "/")
	if len(parts) > maxBackupDepth {
		return "", bad("entry %q is nested too deep", name)
	}
	for _, p := range parts {
		if p == ".." || p == "." || p == "" {
			return "", bad("entry %q is not a clean relative path", name)
		}
	}
	switch parts[0] {
	case "config", "data", "keys":
	case BackupManifestName:
		if len(parts) != 1 || dir {
			return "", bad("entry %q", name)
		}
	default:
		return "", bad("entry %q is outside config/, data/ and keys/", name)
	}
	return name, nil
}

func gongxuUTF8(s string) bool {
	for _, r := range s {
		if r == 0xFFFD || r < 0x20 {
			return false
		}
	}
	return true
}

// countingReader fails once more than limit bytes were read through it.
type countingReader struct {
	r     io.Reader
	n     int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	if c.n > c.limit {
		return n, gongxu.Errorf(gongxu.KindQuota, "backup archive is over its limit of %d bytes", c.limit)
	}
	return n, err
}

func unpack(ctx context.Context, r io.Reader, root *os.Root, o RestoreOptions) (BackupManifest, error) {
	var m BackupManifest
	gz, err := gzip.NewReader(r)
	if err != nil {
		return m, bad("%v", err)
	}
	gz.Multistream(false)
	// The archive's own bytes (headers, padding) are bounded as well as
	// its files: a gzip bomb stops here.
	tr := tar.NewReader(&countingReader{r: gz, limit: o.MaxBytes + int64(o.MaxFiles+2)*1024 + maxManifestBytes})
	got := map[string]BackupFile{}
	var total int64
	entries := 0
	var manifest []byte
	for {
		if err := ctx.Err(); err != nil {
			return m, err
		}
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if gongxu.ErrorKind(err) == gongxu.KindQuota {
				return m, err
			}
			return m, bad("%v", err)
		}
		if manifest != nil {
			return m, bad("entry %q after the manifest", hdr.Name)
		}
		if entries++; entries > o.MaxFiles {
			return m, gongxu.Errorf(gongxu.KindQuota, "backup holds more than %d entries", o.MaxFiles)
		}
		name, err := backupName(hdr.Name, hdr.Typeflag == tar.TypeDir)
		if err != nil {
			return m, err
		}
		switch hdr.Typeflag {
		case tar.TypeDir:
			if err := root.MkdirAll(name, 0o700); err != nil {
				return m, bad("directory %q: %v", name, err)
			}
		case tar.TypeReg:
			if hdr.Size < 0 {
				return m, bad("entry %q has size %d", name, hdr.Size)
			}
			if name == BackupManifestName {
				if hdr.Size > maxManifestBytes {
					return m, gongxu.Errorf(gongxu.KindQuota, "backup manifest of %d bytes, the limit is %d", hdr.Size, maxManifestBytes)
				}
				if manifest, err = io.ReadAll(io.LimitReader(tr, hdr.Size)); err != nil {
					return m, bad("manifest: %v", err)
				}
				continue
			}
			if total += hdr.Size; total > o.MaxBytes {
				return m, gongxu.Errorf(gongxu.KindQuota, "backup files are over the limit of %d bytes", o.MaxBytes)
			}
			f, err := writeEntry(root, name, tr, hdr.Size)
			if err != nil {
				return m, err
			}
			got[name] = f
		default:
			return m, bad("entry %q is of tar type %q; a backup holds only files and directories", name, hdr.Typeflag)
		}
	}
	if manifest == nil {
		return m, bad("no manifest (%s), the archive is cut short or not a backup", BackupManifestName)
	}
	dec := json.NewDecoder(bytes.NewReader(manifest))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return m, bad("manifest: %v", err)
	}
	if m.Format != backupFormat {
		return m, bad("manifest format %d, this binary reads %d", m.Format, backupFormat)
	}
	if len(m.Files) != len(got) {
		return m, bad("the manifest lists %d files, the archive holds %d", len(m.Files), len(got))
	}
	for _, f := range m.Files {
		if g, ok := got[f.Path]; !ok || g != f {
			return m, bad("file %s does not match the manifest (size or SHA-256), or is missing", f.Path)
		}
		if secretPath(f.Path) && !m.WithKeys {
			return m, bad("file %s is key material, in a backup said to be without keys", f.Path)
		}
	}
	return m, nil
}

// writeEntry writes one file of the archive, created new (never over
// another entry) inside root.
func writeEntry(root *os.Root, name string, r io.Reader, size int64) (BackupFile, error) {
	if dir := path.Dir(name); dir != "." {
		if err := root.MkdirAll(dir, 0o700); err != nil {
			return BackupFile{}, bad("directory of %q: %v", name, err)
		}
	}
	f, err := root.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return BackupFile{}, bad("file %q: %v", name, err)
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(f, h), io.LimitReader(r, size))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		if gongxu.ErrorKind(err) == gongxu.KindQuota {
			return BackupFile{}, err
		}
		return BackupFile{}, bad("file %q: %v", name, err)
	}
	if n != size {
		return BackupFile{}, bad("file %q is cut short (%d of %d bytes)", name, n, size)
	}
	return BackupFile{Path: name, Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// checkRestoredState opens the restored state and compares its height and
// app hash with the manifest's.
func checkRestoredState(home string, m BackupManifest) error {
	if _, err := comet.ReadGenesis(home); err != nil {
		return bad("%v", err)
	}
	pdb, err := pebblekv.Open(DataPath(home, "app"))
	if err != nil {
		return bad("state: %v", err)
	}
	defer pdb.Close()
	st, err := store.Open(pdb)
	if err != nil {
		return bad("state: %v", err)
	}
	if hash := strings.ToUpper(hex.EncodeToString(st.Root())); st.Height() != m.Height || hash != m.AppHash {
		return bad("the restored state is at height %d, app hash %s; the manifest says %d, %s", st.Height(), hash, m.Height, m.AppHash)
	}
	return nil
}

// String describes the backup for people.
func (m BackupManifest) String() string {
	keys := "without keys"
	if m.WithKeys {
		keys = "WITH KEYS"
	}
	return fmt.Sprintf("chain %s at height %d, app hash %s, state machine version %d, %d files, %s", m.ChainID, m.Height, m.AppHash, m.AppVersion, len(m.Files), keys)
}
