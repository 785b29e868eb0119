package store

import (
	"bytes"
	"fmt"
	"math/rand"
	"strings"
	"testing"
)

// op is one step of a cache scenario: "set k v", "del k", "branch", "write"
// (merge the branch into the block cache), "drop" (discard the branch).
type op string

func runOps(t *testing.T, parent *MemDB, ops []op) (block, cur *Cache) {
	t.Helper()
	block = NewCache(parent)
	cur = block
	for _, o := range ops {
		f := strings.Fields(string(o))
		var err error
		switch f[0] {
		case "set":
			v := ""
			if len(f) > 2 {
				v = f[2]
			}
			err = cur.Set([]byte(f[1]), []byte(v))
		case "del":
			err = cur.Delete([]byte(f[1]))
		case "branch":
			cur = cur.Branch()
		case "write":
			err = cur.Write()
			cur = block
		case "drop":
			cur = block
		default:
			t.Fatalf("unknown op %q", o)
		}
		if err != nil {
			t.Fatalf("%s: %v", o, err)
		}
	}
	return block, cur
}

func TestCache(t *testing.T) {
	// The parent holds a=1 b=2 c=3 e=5.
	tests := []struct {
		name  string
		ops   []op
		start string
		end   string // "" means nil
		want  []string
	}{
		{"reads through", nil, "", "", []string{"a=1", "b=2", "c=3", "e=5"}},
		{"overwrite", []op{"set b 20"}, "", "", []string{"a=1", "b=20", "c=3", "e=5"}},
		{"overwrite twice", []op{"set b 20", "set b 21"}, "", "", []string{"a=1", "b=21", "c=3", "e=5"}},
		{"delete", []op{"del c"}, "", "", []string{"a=1", "b=2", "e=5"}},
		{"delete absent", []op{"del zz"}, "", "", []string{"a=1", "b=2", "c=3", "e=5"}},
		{"delete then set", []op{"del a", "set a 10"}, "", "", []string{"a=10", "b=2", "c=3", "e=5"}},
		{"set then delete new key", []op{"set d 4", "del d"}, "", "", []string{"a=1", "b=2", "c=3", "e=5"}},
		{"insert between and around", []op{"set 0 0", "set d 4", "set f 6"}, "", "", []string{"0=0", "a=1", "b=2", "c=3", "d=4", "e=5", "f=6"}},
		{"empty value", []op{"set d"}, "", "", []string{"a=1", "b=2", "c=3", "d=", "e=5"}},
		{"delete everything", []op{"del a", "del b", "del c", "del e"}, "", "", nil},
		{"bounds", []op{"set d 4", "del b"}, "b", "e", []string{"c=3", "d=4"}},
		{"bounds include start", []op{"set bb 22"}, "bb", "d", []string{"bb=22", "c=3"}},
		{"bounds exclude end", []op{"set d 4"}, "a", "d", []string{"a=1", "b=2", "c=3"}},
		{"open end", []op{"set z 26"}, "d", "", []string{"e=5", "z=26"}},
		{"empty range", []op{"set c 30"}, "c", "c", nil},
		{"range past the end", []op{"set f 6"}, "g", "", nil},
		{"branch written", []op{"branch", "set b 20", "del e", "set d 4", "write"}, "", "", []string{"a=1", "b=20", "c=3", "d=4"}},
		{"branch dropped", []op{"branch", "set b 20", "del e", "set d 4", "drop"}, "", "", []string{"a=1", "b=2", "c=3", "e=5"}},
		{"branch overrides block", []op{"set b 20", "set d 4", "branch", "del d", "set b 200", "write"}, "", "", []string{"a=1", "b=200", "c=3", "e=5"}},
		{"branch restores block delete", []op{"del a", "branch", "set a 11", "write"}, "", "", []string{"a=11", "b=2", "c=3", "e=5"}},
		{"second branch after a dropped one", []op{"branch", "set x 1", "drop", "branch", "set y 2", "write"}, "", "", []string{"a=1", "b=2", "c=3", "e=5", "y=2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			parent := NewMemDB()
			_ = parent.Apply([]Change{{Key: []byte("a"), Value: []byte("1")}, {Key: []byte("b"), Value: []byte("2")},
				{Key: []byte("c"), Value: []byte("3")}, {Key: []byte("e"), Value: []byte("5")}})
			block, _ := runOps(t, parent, tt.ops)
			var end []byte
			if tt.end != "" {
				end = []byte(tt.end)
			}
			got := collect(t, block, []byte(tt.start), end)
			if !equalStrings(got, tt.want) {
				t.Fatalf("Iterate = %v, want %v", got, tt.want)
			}
			// Point reads agree with the iteration.
			if tt.start == "" && tt.end == "" {
				want := map[string]string{}
				for _, kv := range tt.want {
					k, v, _ := strings.Cut(kv, "=")
					want[k] = v
				}
				for _, k := range []string{"0", "a", "b", "bb", "c", "d", "e", "f", "x", "y", "z", "zz"} {
					v, err := block.Get([]byte(k))
					if err != nil {
						t.Fatal(err)
					}
					w, ok := want[k]
					if (v != nil) != ok || string(v) != w {
						t.Errorf("Get(%s) = %q, want %q (present %v)", k, v, w, ok)
					}
				}
			}
			// The parent never changes.
			if got := collect(t, parent, nil, nil); !equalStrings(got, []string{"a=1", "b=2", "c=3", "e=5"}) {
				t.Fatalf("parent changed: %v", got)
			}
		})
	}
}

func TestCacheErrorsAndCopies(t *testing.T) {
	c := NewCache(NewMemDB())
	if err := c.Set(nil, []byte("v")); err == nil {
		t.Error("Set with an empty key succeeded")
	}
	if err := c.Set([]byte("k"), nil); err == nil {
		t.Error("Set with a nil value succeeded")
	}
	if err := c.Delete(nil); err == nil {
		t.Error("Delete with an empty key succeeded")
	}
	if err := c.Write(); err == nil {
		t.Error("Write of a top-level cache succeeded")
	}
	k, v := []byte("k"), []byte("value")
	_ = c.Set(k, v)
	k[0], v[0] = 'X', 'X'
	got, _ := c.Get([]byte("k"))
	if string(got) != "value" {
		t.Fatalf("Get = %q after mutating the slices given to Set", got)
	}
	got[0] = 'Y'
	_ = c.Iterate(nil, nil, func(k, v []byte) bool { k[0], v[0] = 'Z', 'Z'; return true })
	if got, _ := c.Get([]byte("k")); string(got) != "value" {
		t.Fatalf("Get = %q after mutating returned slices", got)
	}
	if got, _ := c.Get([]byte("X")); got != nil {
		t.Fatalf("Get of a mutated key copy = %q", got)
	}
	empty := []byte{}
	_ = c.Set([]byte("e"), empty)
	if got, _ := c.Get([]byte("e")); got == nil || len(got) != 0 {
		t.Fatalf("Get of an empty value = %#v, want non-nil empty", got)
	}
}

// TestCacheRandom drives a parent DB, a block cache and transaction branches
// with random writes and compares every read and iteration with a model.
func TestCacheRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	key := func() []byte { return []byte(fmt.Sprintf("%03d", rng.Intn(300))) }
	parent := NewMemDB()
	pm := model{}
	var init []Change
	for i := 0; i < 150; i++ {
		init = append(init, Change{Key: key(), Value: []byte(fmt.Sprint("p", i))})
	}
	_ = parent.Apply(init)
	pm.apply(init)

	block := NewCache(parent)
	bm := model{}
	for k, v := range pm {
		bm[k] = v
	}
	for tx := 0; tx < 300; tx++ {
		br := block.Branch()
		tm := model{}
		for k, v := range bm {
			tm[k] = v
		}
		for i, n := 0, rng.Intn(20); i < n; i++ {
			k := key()
			if rng.Intn(3) == 0 {
				_ = br.Delete(k)
				delete(tm, string(k))
			} else {
				v := []byte(fmt.Sprint("t", tx, ".", i))
				_ = br.Set(k, v)
				tm[string(k)] = v
			}
		}
		for i := 0; i < 5; i++ {
			a, b := key(), key()
			if bytes.Compare(a, b) > 0 {
				a, b = b, a
			}
			if i == 0 {
				b = nil
			}
			if got, want := collect(t, br, a, b), tm.rangeOf(a, b); !equalStrings(got, want) {
				t.Fatalf("tx %d: branch [%s, %s) = %v, want %v", tx, a, b, got, want)
			}
			if got, want := collect(t, block, a, b), bm.rangeOf(a, b); !equalStrings(got, want) {
				t.Fatalf("tx %d: block [%s, %s) = %v, want %v", tx, a, b, got, want)
			}
			k := key()
			v, _ := br.Get(k)
			if w, ok := tm[string(k)]; ok != (v != nil) || !bytes.Equal(v, w) {
				t.Fatalf("tx %d: Get(%s) = %q, want %q", tx, k, v, w)
			}
		}
		// Early stop after n keys.
		n := 0
		_ = br.Iterate(nil, nil, func(k, v []byte) bool { n++; return n < 3 })
		if want := min(3, len(tm)); n != want {
			t.Fatalf("tx %d: iteration went on after fn returned false: %d calls, want %d", tx, n, want)
		}
		if rng.Intn(4) == 0 {
			continue // the transaction failed: drop the branch
		}
		if err := br.Write(); err != nil {
			t.Fatal(err)
		}
		bm = tm
		if br.Len() != 0 {
			t.Fatal("a written branch is not empty")
		}
	}
	if got, want := collect(t, parent, nil, nil), pm.rangeOf(nil, nil); !equalStrings(got, want) {
		t.Fatal("the parent DB changed")
	}
}
