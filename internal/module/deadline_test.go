package module_test

import (
	"slices"
	"testing"

	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

func TestDeadlines(t *testing.T) {
	st, _ := store.Open(store.NewMemDB())
	kv := st.Begin()
	d := module.Deadlines{Prefix: "m/due/"}
	other := module.Deadlines{Prefix: "m/due2/"}
	for _, e := range []struct {
		at int64
		id uint64
	}{{300, 1}, {100, 7}, {100, 2}, {200, 3}, {5000, 4}} {
		if err := d.Add(kv, e.at, e.id); err != nil {
			t.Fatal(err)
		}
	}
	_ = other.Add(kv, 50, 99) // a neighbouring index is never read
	got, err := d.Due(kv, 200)
	if err != nil || !slices.Equal(got, []uint64{2, 7, 3}) {
		t.Fatalf("due at 200 = %v (%v), want [2 7 3]: deadline order, then id, deadline inclusive", got, err)
	}
	if err := d.Remove(kv, 100, 7); err != nil {
		t.Fatal(err)
	}
	if got, _ := d.Due(kv, 300); !slices.Equal(got, []uint64{2, 3, 1}) {
		t.Fatalf("after remove: %v", got)
	}
	// First stops reading at its limit: a corrupt key past it is never
	// reached, while Due (no limit) meets it.
	_ = kv.Set([]byte("m/due/00000000000000000250/zz"), []byte{})
	if got, err := d.First(kv, 300, 2); err != nil || !slices.Equal(got, []uint64{2, 3}) {
		t.Fatalf("first 2 at 300 = %v (%v), want [2 3] and no read past them", got, err)
	}
	if _, err := d.Due(kv, 300); err == nil {
		t.Fatal("Due read less than every due key")
	}
	_ = kv.Delete([]byte("m/due/00000000000000000250/zz"))
	if got, _ := d.Due(kv, 99); len(got) != 0 {
		t.Fatalf("nothing is due before 100: %v", got)
	}
	_ = kv.Set([]byte("m/due/00000000000000000001/zz"), []byte{})
	if _, err := d.Due(kv, 10_000); err == nil {
		t.Fatal("a corrupt index key went unnoticed")
	}
}

// TestDeadlinesMove: an entry follows its record's earliest date — indexed
// once, moved (the old date no longer due), and taken out with its date key.
func TestDeadlinesMove(t *testing.T) {
	st, _ := store.Open(store.NewMemDB())
	kv := st.Begin()
	d := module.Deadlines{Prefix: "m/due/"}
	at := []byte("m/at/5")
	due := func(now int64) []uint64 {
		t.Helper()
		got, err := d.Due(kv, now)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	for _, step := range []struct {
		next int64
		has  bool
	}{{300, true}, {300, true}, {100, true}} {
		if err := d.Move(kv, at, 5, step.next, step.has); err != nil {
			t.Fatal(err)
		}
	}
	if got := due(1000); !slices.Equal(got, []uint64{5}) {
		t.Fatalf("after moves: %v, want [5] once", got)
	}
	if got := due(99); len(got) != 0 {
		t.Fatalf("due at 99: %v, want none (moved to 100)", got)
	}
	if err := d.Move(kv, at, 5, 0, false); err != nil {
		t.Fatal(err)
	}
	if got := due(1000); len(got) != 0 {
		t.Fatalf("after removal: %v", got)
	}
	if v, _ := kv.Get(at); v != nil {
		t.Fatalf("date key left: %q", v)
	}
}
