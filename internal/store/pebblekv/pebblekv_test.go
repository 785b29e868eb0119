package pebblekv_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/gongxu-network/gongxu/internal/store"
	"github.com/gongxu-network/gongxu/internal/store/pebblekv"
)

func open(t *testing.T, dir string) *pebblekv.DB {
	t.Helper()
	db, err := pebblekv.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func dump(t *testing.T, r store.Reader, start, end []byte) []string {
	t.Helper()
	var out []string
	if err := r.Iterate(start, end, func(k, v []byte) bool {
		out = append(out, string(k)+"="+string(v))
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestReadsAndBounds(t *testing.T) {
	db := open(t, t.TempDir())
	defer db.Close()
	if err := db.Apply([]store.Change{
		{Key: []byte("a"), Value: []byte("1")},
		{Key: []byte("b"), Value: []byte{}},
		{Key: []byte("c"), Value: []byte("3")},
		{Key: []byte("d"), Value: []byte("4")},
		{Key: []byte("d")}, // the last change of a key wins
	}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		start, end string
		want       string
	}{
		{"", "", "[a=1 b= c=3]"},
		{"b", "", "[b= c=3]"},
		{"", "c", "[a=1 b=]"},
		{"aa", "c", "[b=]"},
		{"c", "c", "[]"},
		{"z", "", "[]"},
	}
	for _, tt := range tests {
		var start, end []byte
		if tt.start != "" {
			start = []byte(tt.start)
		}
		if tt.end != "" {
			end = []byte(tt.end)
		}
		if got := fmt.Sprint(dump(t, db, start, end)); got != tt.want {
			t.Errorf("Iterate(%q, %q) = %s, want %s", tt.start, tt.end, got, tt.want)
		}
	}
	for k, want := range map[string][]byte{"a": []byte("1"), "b": {}, "d": nil, "zz": nil} {
		got, err := db.Get([]byte(k))
		if err != nil {
			t.Fatal(err)
		}
		if (got == nil) != (want == nil) || !bytes.Equal(got, want) {
			t.Errorf("Get(%s) = %#v, want %#v", k, got, want)
		}
	}
	n := 0
	_ = db.Iterate(nil, nil, func(k, v []byte) bool { n++; return false })
	if n != 1 {
		t.Errorf("iteration went on after fn returned false: %d calls", n)
	}
	if err := db.Apply([]store.Change{{Key: []byte("e"), Value: []byte("5")}, {Key: nil, Value: []byte("x")}}); err == nil {
		t.Error("Apply with an empty key succeeded")
	}
	if got, _ := db.Get([]byte("e")); got != nil {
		t.Error("a refused batch was partly applied")
	}
}

// copyDir copies the files of a live database, as a crash would leave them.
func copyDir(t *testing.T, from, to string) {
	t.Helper()
	if err := os.MkdirAll(to, 0o755); err != nil {
		t.Fatal(err)
	}
	ents, err := os.ReadDir(from)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if e.IsDir() || e.Name() == "LOCK" {
			continue
		}
		src, err := os.Open(filepath.Join(from, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.Create(filepath.Join(to, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(dst, src); err != nil {
			t.Fatal(err)
		}
		src.Close()
		dst.Close()
	}
}

// TestApplyIsAtomicAndDurable: after Apply returns, a batch is on disk as a
// whole, with the database closed cleanly or not at all.
func TestApplyIsAtomicAndDurable(t *testing.T) {
	dir := t.TempDir()
	db := open(t, filepath.Join(dir, "db"))
	batch := func(round int) []store.Change {
		var cs []store.Change
		for i := 0; i < 5000; i++ {
			cs = append(cs, store.Change{Key: []byte(fmt.Sprintf("k%05d", i)), Value: bytes.Repeat([]byte{byte('a' + round)}, 100)})
		}
		return cs
	}
	for round := 0; round < 3; round++ {
		if err := db.Apply(batch(round)); err != nil {
			t.Fatal(err)
		}
	}
	check := func(name string, r store.Reader) {
		t.Helper()
		got := dump(t, r, nil, nil)
		if len(got) != 5000 {
			t.Fatalf("%s: %d keys, want 5000", name, len(got))
		}
		want := "=" + string(bytes.Repeat([]byte{'c'}, 100))
		for _, kv := range got {
			if !bytes.HasSuffix([]byte(kv), []byte(want)) {
				t.Fatalf("%s: %s is not from the last batch", name, kv[:10])
			}
		}
	}
	copyDir(t, filepath.Join(dir, "db"), filepath.Join(dir, "crash"))
	crash := open(t, filepath.Join(dir, "crash"))
	check("crash image", crash)
	_ = crash.Close()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = open(t, filepath.Join(dir, "db"))
	check("reopened", db)
	_ = db.Close()
}

func TestCheckpoint(t *testing.T) {
	dir := t.TempDir()
	db := open(t, filepath.Join(dir, "db"))
	defer db.Close()
	var cs []store.Change
	for i := 0; i < 1000; i++ {
		cs = append(cs, store.Change{Key: []byte(fmt.Sprintf("k%04d", i)), Value: []byte(fmt.Sprint(i))})
	}
	_ = db.Apply(cs)
	want := dump(t, db, nil, nil)
	cp := filepath.Join(dir, "cp")
	if err := db.Checkpoint(cp); err != nil {
		t.Fatal(err)
	}
	if err := db.Checkpoint(cp); err == nil {
		t.Fatal("Checkpoint into an existing directory succeeded")
	}
	// Later writes to the original do not reach the copy.
	_ = db.Apply([]store.Change{{Key: []byte("k0001")}, {Key: []byte("new"), Value: []byte("x")}})
	c := open(t, cp)
	defer c.Close()
	if got := dump(t, c, nil, nil); fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("checkpoint holds %d keys, want %d", len(got), len(want))
	}
}
