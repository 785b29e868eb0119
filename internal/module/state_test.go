package module_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

type rec struct {
	Name string       `json:"name"`
	Qty  gongxu.Units `json:"qty"`
}

// TestLoadSaveEach: records go in as JSON and come back in key order; a
// missing key leaves the value as it was; a corrupt record is an error.
func TestLoadSaveEach(t *testing.T) {
	kv := store.NewCache(store.NewMemDB())
	for _, r := range []rec{{"b", 2}, {"a", 1}, {"c", 3}} {
		b, err := module.Save(kv, []byte("x/r/"+r.Name), r)
		if err != nil || string(b) != fmt.Sprintf(`{"name":%q,"qty":%d}`, r.Name, r.Qty) {
			t.Fatalf("Save: %s, %v", b, err)
		}
	}
	if _, err := module.Save(kv, []byte("y/other"), 7); err != nil {
		t.Fatal(err)
	}
	got := rec{Name: "default"}
	if ok, err := module.Load(kv, []byte("x/r/none"), &got); ok || err != nil || got.Name != "default" {
		t.Fatalf("Load of nothing: %v, %v, %+v", ok, err, got)
	}
	if ok, err := module.Load(kv, []byte("x/r/b"), &got); !ok || err != nil || got != (rec{"b", 2}) {
		t.Fatalf("Load: %v, %v, %+v", ok, err, got)
	}
	var keys []string
	var sum gongxu.Units
	if err := module.Each(kv, []byte("x/r/"), func(rest []byte, r rec) bool {
		keys = append(keys, string(rest))
		sum += r.Qty
		return true
	}); err != nil || strings.Join(keys, ",") != "a,b,c" || sum != 6 {
		t.Fatalf("Each: %v, %v, %d", keys, err, sum)
	}
	if has, err := module.Has(kv, []byte("y/other")); !has || err != nil {
		t.Fatalf("Has: %v, %v", has, err)
	}
	if err := kv.Set([]byte("x/r/d"), []byte("{")); err != nil {
		t.Fatal(err)
	}
	if err := module.Each(kv, []byte("x/r/"), func([]byte, rec) bool { return true }); err == nil || gongxu.ErrorKind(err) != gongxu.KindInternal {
		t.Fatalf("Each over a corrupt record: %v", err)
	}
	if _, err := module.Load(kv, []byte("x/r/d"), &got); err == nil {
		t.Fatal("Load of a corrupt record succeeded")
	}
}
