package store

import (
	"bytes"
	"fmt"
	"math/rand"
	"sort"
	"strings"
	"sync"
	"testing"
)

// model is a reference ordered map: a Go map plus sorting when asked.
type model map[string][]byte

func (m model) apply(changes []Change) {
	for _, c := range changes {
		if c.Value == nil {
			delete(m, string(c.Key))
		} else {
			m[string(c.Key)] = bytes.Clone(c.Value)
		}
	}
}

// rangeOf returns the pairs of [start, end) in order, formatted "k=v".
func (m model) rangeOf(start, end []byte) []string {
	var out []string
	for k, v := range m {
		if k >= string(start) && (end == nil || k < string(end)) {
			out = append(out, k+"="+string(v))
		}
	}
	sort.Strings(out)
	return out
}

func collect(t *testing.T, r Reader, start, end []byte) []string {
	t.Helper()
	var out []string
	var last []byte
	err := r.Iterate(start, end, func(k, v []byte) bool {
		if last != nil && bytes.Compare(last, k) >= 0 {
			t.Fatalf("iteration out of order: %q then %q", last, k)
		}
		last = bytes.Clone(k)
		out = append(out, string(k)+"="+string(v))
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestMemDBMatchesModel(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	db := NewMemDB()
	ref := model{}
	key := func() []byte { return []byte(fmt.Sprintf("k%05d", rng.Intn(3000))) }
	for round := 0; round < 200; round++ {
		n := rng.Intn(400)
		if round%50 == 0 {
			n = 3000 // large batches split chunks
		}
		changes := make([]Change, 0, n)
		for i := 0; i < n; i++ {
			c := Change{Key: key()}
			switch r := rng.Intn(10); {
			case r < 4 && round > 20: // deletes after some growth, so chunks shrink and join
			case r == 4:
				c.Value = []byte{}
			default:
				c.Value = []byte(fmt.Sprintf("v%d.%d", round, i))
			}
			changes = append(changes, c)
		}
		if err := db.Apply(changes); err != nil {
			t.Fatal(err)
		}
		ref.apply(changes)
		for _, ch := range db.chunks {
			if len(ch) == 0 || len(ch) > memChunkMax {
				t.Fatalf("round %d: chunk of %d entries", round, len(ch))
			}
		}
		all := ref.rangeOf(nil, nil)
		if got := collect(t, db, nil, nil); !equalStrings(got, all) {
			t.Fatalf("round %d: full iteration differs: %d entries, want %d", round, len(got), len(all))
		}
		for i := 0; i < 20; i++ {
			a, b := key(), key()
			if bytes.Compare(a, b) > 0 {
				a, b = b, a
			}
			var want []string
			for _, kv := range all {
				if k, _, _ := strings.Cut(kv, "="); k >= string(a) && k < string(b) {
					want = append(want, kv)
				}
			}
			if got := collect(t, db, a, b); !equalStrings(got, want) {
				t.Fatalf("round %d: [%s, %s) = %v, want %v", round, a, b, got, want)
			}
			k := key()
			v, err := db.Get(k)
			if err != nil {
				t.Fatal(err)
			}
			wantV, ok := ref[string(k)]
			if ok != (v != nil) || !bytes.Equal(v, wantV) {
				t.Fatalf("round %d: Get(%s) = %q, want %q (present %v)", round, k, v, wantV, ok)
			}
		}
	}
}

func TestMemDBCopies(t *testing.T) {
	db := NewMemDB()
	k, v := []byte("key"), []byte("value")
	if err := db.Apply([]Change{{Key: k, Value: v}}); err != nil {
		t.Fatal(err)
	}
	k[0], v[0] = 'X', 'X' // the caller's slices are not kept
	got, _ := db.Get([]byte("key"))
	if string(got) != "value" {
		t.Fatalf("Get = %q after mutating the applied slices", got)
	}
	got[0] = 'Y' // nor are returned ones shared
	_ = db.Iterate(nil, nil, func(k, v []byte) bool { k[0], v[0] = 'Z', 'Z'; return true })
	if got, _ := db.Get([]byte("key")); string(got) != "value" {
		t.Fatalf("Get = %q after mutating returned slices", got)
	}
	if err := db.Apply([]Change{{Key: nil, Value: v}}); err == nil {
		t.Fatal("Apply with an empty key succeeded")
	}
}

func TestMemDBClone(t *testing.T) {
	db := NewMemDB()
	_ = db.Apply([]Change{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: []byte("2")}})
	cp := db.Clone()
	_ = db.Apply([]Change{{Key: []byte("a"), Value: []byte("changed")}, {Key: []byte("b")}, {Key: []byte("c"), Value: []byte("3")}})
	_ = cp.Apply([]Change{{Key: []byte("d"), Value: []byte("4")}})
	if got, want := collect(t, cp, nil, nil), []string{"a=1", "b=2", "d=4"}; !equalStrings(got, want) {
		t.Fatalf("clone = %v, want %v", got, want)
	}
	if got, want := collect(t, db, nil, nil), []string{"a=changed", "c=3"}; !equalStrings(got, want) {
		t.Fatalf("original = %v, want %v", got, want)
	}
	_ = db.Close()
	if _, err := db.Get([]byte("a")); err == nil {
		t.Fatal("Get after Close succeeded")
	}
	if _, err := cp.Get([]byte("a")); err != nil {
		t.Fatalf("the clone was closed with the original: %v", err)
	}
}

// TestMemDBSnapshot checks that an iteration sees one version of the data
// while a writer commits new ones: every batch sets all keys to one value.
func TestMemDBSnapshot(t *testing.T) {
	db := NewMemDB()
	const keys = 2000
	batch := func(round int) []Change {
		cs := make([]Change, keys)
		for i := range cs {
			cs[i] = Change{Key: []byte(fmt.Sprintf("k%05d", i)), Value: []byte(fmt.Sprint(round))}
		}
		return cs
	}
	_ = db.Apply(batch(0))
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for r := 1; r <= 50; r++ {
			if err := db.Apply(batch(r)); err != nil {
				t.Error(err)
			}
		}
		close(done)
	}()
	for reader := 0; reader < 2; reader++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				var first string
				n := 0
				_ = db.Iterate(nil, nil, func(k, v []byte) bool {
					if n == 0 {
						first = string(v)
					} else if string(v) != first {
						t.Errorf("iteration mixed versions %s and %s", first, v)
						return false
					}
					n++
					return true
				})
				if n != keys {
					t.Errorf("iteration saw %d keys, want %d", n, keys)
				}
			}
		}()
	}
	wg.Wait()
}
