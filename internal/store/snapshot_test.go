package store_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/store"
)

// chunksOf snapshots s's committed state in chunks of about size bytes.
func chunksOf(t testing.TB, s *store.State, size int) (*store.View, [][]byte) {
	t.Helper()
	v, err := s.View()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	if _, err := v.Chunks(size, func(c []byte) error { out = append(out, bytes.Clone(c)); return nil }); err != nil {
		t.Fatal(err)
	}
	return v, out
}

func dumpState(t testing.TB, s *store.State) string {
	t.Helper()
	var b bytes.Buffer
	if err := s.Iterate(nil, nil, func(k, v []byte) bool { fmt.Fprintf(&b, "%s=%x\n", k, v); return true }); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func restore(t testing.TB, into *store.State, height int64, root []byte, chunks [][]byte) error {
	t.Helper()
	r, err := into.Restore(height, root)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range chunks {
		if err := r.Add(c); err != nil {
			_ = r.Abort()
			return err
		}
	}
	return r.Finish()
}

// A snapshot taken at height H, while the source goes on committing, restores
// to the same data, height and root; the restored tree is the one the source
// has (the next block gives both the same root), and it survives a reopen.
func TestSnapshotRestoresTheSameState(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	src := openState(t, store.NewMemDB())
	for i := 0; i < 20; i++ {
		commit(t, src, randomBlock(rng, 3000, 400))
	}
	want := dumpState(t, src)
	v, chunks := chunksOf(t, src, 2000)
	defer v.Close()
	if len(chunks) < 10 {
		t.Fatalf("%d chunks; the test wants many", len(chunks))
	}
	// Commits after the view do not change it.
	next := randomBlock(rng, 3000, 400)
	srcNext := commit(t, src, next)
	if v.Height != 20 || bytes.Equal(v.Root, srcNext) {
		t.Fatalf("view at height %d root %x moved with the commit", v.Height, v.Root)
	}

	for _, db := range []struct {
		name string
		open func() store.DB
	}{
		{"memdb", func() store.DB { return store.NewMemDB() }},
		{"pebble", func() store.DB { return openPebble(t, t.TempDir()) }},
	} {
		t.Run(db.name, func(t *testing.T) {
			kv := db.open()
			dst := openState(t, kv)
			if err := restore(t, dst, v.Height, v.Root, chunks); err != nil {
				t.Fatal(err)
			}
			if dst.Height() != 20 || !bytes.Equal(dst.Root(), v.Root) {
				t.Fatalf("restored height %d root %x, want 20 %x", dst.Height(), dst.Root(), v.Root)
			}
			if got := dumpState(t, dst); got != want {
				t.Fatal("restored data differs from the snapshot's")
			}
			// The state reopens from its DB (tree nodes and metadata written).
			re := openState(t, kv)
			if re.Height() != 20 || !bytes.Equal(re.Root(), v.Root) {
				t.Fatalf("reopened at %d %x", re.Height(), re.Root())
			}
			if got := commit(t, re, next); !bytes.Equal(got, srcNext) {
				t.Fatalf("the next block on the restored state gives root %x, the source %x", got, srcNext)
			}
			// Proofs against the restored tree verify.
			_ = re.Iterate(nil, nil, func(k, val []byte) bool {
				gv, p, err := re.GetWithProof(k)
				if err != nil || !bytes.Equal(gv, val) {
					t.Fatalf("GetWithProof(%s): %v", k, err)
				}
				if err := store.VerifyProof(re.Root(), k, gv, p); err != nil {
					t.Fatalf("proof of %s: %v", k, err)
				}
				return false
			})
		})
	}
}

func TestSnapshotOfTheEmptyState(t *testing.T) {
	src := openState(t, store.NewMemDB())
	commit(t, src, map[string][]byte{})
	v, chunks := chunksOf(t, src, 0)
	defer v.Close()
	if len(chunks) != 1 || len(chunks[0]) != 0 {
		t.Fatalf("empty state: %d chunks", len(chunks))
	}
	dst := openState(t, store.NewMemDB())
	if err := restore(t, dst, 1, v.Root, chunks); err != nil {
		t.Fatal(err)
	}
	if dst.Height() != 1 {
		t.Fatal("not restored")
	}
}

// Data that does not hash to the trusted root is refused and leaves the
// state empty at height 0; a restore onto a committed state is refused.
func TestRestoreRefusesDataThatIsNotTheTrustedState(t *testing.T) {
	rng := rand.New(rand.NewSource(8))
	src := openState(t, store.NewMemDB())
	for i := 0; i < 5; i++ {
		commit(t, src, randomBlock(rng, 500, 200))
	}
	v, chunks := chunksOf(t, src, 1000)
	defer v.Close()

	// A chunk left out, a value changed, a wrong root: the record stream is
	// well formed but the root differs.
	changed := bytes.Clone(chunks[1])
	changed[len(changed)-1] ^= 1
	badRoot := bytes.Clone(v.Root)
	badRoot[0] ^= 1
	cases := []struct {
		name   string
		root   []byte
		chunks [][]byte
	}{
		{"missing chunk", v.Root, append([][]byte{chunks[0]}, chunks[2:]...)},
		{"changed value", v.Root, append([][]byte{chunks[0], changed}, chunks[2:]...)},
		{"wrong root", badRoot, chunks},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := store.NewMemDB()
			dst := openState(t, db)
			err := restore(t, dst, v.Height, tc.root, tc.chunks)
			if gongxu.ErrorKind(err) != gongxu.KindInvalid {
				t.Fatalf("err = %v, want invalid", err)
			}
			if dst.Height() != 0 {
				t.Fatal("a refused restore moved the height")
			}
			n := 0
			_ = db.Iterate(nil, nil, func(k, v []byte) bool { n++; return true })
			if n != 0 {
				t.Fatalf("a refused restore left %d entries", n)
			}
			// and the state can still be restored properly.
			if err := restore(t, dst, v.Height, v.Root, chunks); err != nil {
				t.Fatal(err)
			}
		})
	}
	if _, err := src.Restore(9, v.Root); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Fatalf("restore onto a committed state: %v", err)
	}
	// Chunks out of order are refused at the chunk (keys must ascend).
	dst := openState(t, store.NewMemDB())
	r, _ := dst.Restore(v.Height, v.Root)
	if err := r.Add(chunks[1]); err != nil {
		t.Fatal(err)
	}
	if err := r.Add(chunks[0]); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Fatalf("an earlier chunk after a later one: %v", err)
	}
}

func rec(k, v string) []byte {
	b := binary.AppendUvarint(nil, uint64(len(k)))
	b = append(b, k...)
	b = binary.AppendUvarint(b, uint64(len(v)))
	return append(b, v...)
}

func TestDecodeChunkRefusesMalformed(t *testing.T) {
	huge := binary.AppendUvarint(nil, 1<<62)
	cases := map[string]struct {
		chunk, after []byte
	}{
		"truncated value":   {append(rec("a", "1"), rec("b", "22")[:4]...), nil},
		"truncated length":  {[]byte{0x80}, nil},
		"huge key length":   {huge, nil},
		"huge value length": {append(append(binary.AppendUvarint(nil, 1), 'a'), huge...), nil},
		"empty key":         {rec("", "1"), nil},
		"repeated key":      {append(rec("a", "1"), rec("a", "2")...), nil},
		"descending":        {append(rec("b", "1"), rec("a", "2")...), nil},
		"not after prior":   {rec("a", "1"), []byte("a")},
		"oversized chunk":   {make([]byte, store.MaxSnapshotChunk+1), nil},
		"long key":          {rec(string(make([]byte, store.MaxSnapshotKey+1)), "1"), nil},
	}
	for name, tc := range cases {
		_, err := store.DecodeChunk(tc.chunk, tc.after, func(k, v []byte) error { return nil })
		if gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%s: err = %v, want invalid", name, err)
		}
	}
	var got []string
	last, err := store.DecodeChunk(append(rec("a", ""), rec("b", "2")...), nil, func(k, v []byte) error {
		got = append(got, string(k)+"="+string(v))
		return nil
	})
	if err != nil || string(last) != "b" || fmt.Sprint(got) != "[a= b=2]" {
		t.Fatalf("good chunk: %v %q %v", err, last, got)
	}
}

func FuzzDecodeChunk(f *testing.F) {
	f.Add(append(rec("a", "1"), rec("b", "2")...), []byte(nil))
	f.Add(rec("k", "v"), []byte("a"))
	f.Add([]byte{0x80, 0x80}, []byte(nil))
	f.Fuzz(func(t *testing.T, chunk, after []byte) {
		prev := after
		var n int
		last, err := store.DecodeChunk(chunk, after, func(k, v []byte) error {
			if len(k) == 0 || (prev != nil && bytes.Compare(k, prev) <= 0) {
				t.Fatalf("decoder let through key %q after %q", k, prev)
			}
			prev = bytes.Clone(k)
			n++
			return nil
		})
		if err != nil {
			if gongxu.ErrorKind(err) != gongxu.KindInvalid {
				t.Fatalf("error of kind %v: %v", gongxu.ErrorKind(err), err)
			}
			return
		}
		if n > 0 && !bytes.Equal(last, prev) {
			t.Fatalf("last %q, decoded last %q", last, prev)
		}
		// What decodes re-encodes to the same bytes (one meaning).
		var re []byte
		_, _ = store.DecodeChunk(chunk, after, func(k, v []byte) error {
			re = binary.AppendUvarint(re, uint64(len(k)))
			re = append(re, k...)
			re = binary.AppendUvarint(re, uint64(len(v)))
			re = append(re, v...)
			return nil
		})
		if !bytes.Equal(re, chunk) && !(len(re) == 0 && len(chunk) == 0) {
			t.Fatalf("chunk %x re-encodes to %x", chunk, re)
		}
	})
}

// A value that no chunk can carry fails the snapshot (loudly, on the node
// taking it) rather than making chunks every restoring node refuses.
func TestSnapshotRefusesAValueNoChunkCarries(t *testing.T) {
	src := openState(t, store.NewMemDB())
	commit(t, src, map[string][]byte{"a": []byte("1"), "big": make([]byte, store.MaxSnapshotChunk)})
	v, err := src.View()
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if _, err := v.Chunks(0, func([]byte) error { return nil }); gongxu.ErrorKind(err) != gongxu.KindInternal {
		t.Fatalf("err = %v", err)
	}
}
