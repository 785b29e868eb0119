package chaintest

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/store"
)

// PinAppHashes compares the final app hash of each named run (a replay
// test's seeds: "seed1", …) with the golden file, so that a refactor meant
// to keep the state machine as it is shows any app hash it changed. Runs
// not in hashes (filtered out with -run) are not checked.
// GONGXU_UPDATE_APPHASH=1 rewrites the file (for a change that means to
// change the state machine: say so in its commit).
func PinAppHashes(t *testing.T, golden string, hashes map[string]string) {
	t.Helper()
	if t.Failed() || len(hashes) == 0 {
		return
	}
	names := slices.Sorted(maps.Keys(hashes))
	if os.Getenv("GONGXU_UPDATE_APPHASH") == "1" {
		var b strings.Builder
		b.WriteString("# The final app hash of each run. GONGXU_UPDATE_APPHASH=1 go test rewrites it.\n")
		for _, n := range names {
			fmt.Fprintf(&b, "%s %s\n", n, hashes[n])
		}
		if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (GONGXU_UPDATE_APPHASH=1 writes it)", err)
	}
	pinned := map[string]string{}
	for _, line := range strings.Split(string(want), "\n") {
		if n, h, ok := strings.Cut(line, " "); ok && !strings.HasPrefix(line, "#") {
			pinned[n] = h
		}
	}
	for _, n := range names {
		if pinned[n] != hashes[n] {
			t.Errorf("%s ends on app hash %s, %s pins %s: the state machine changed", n, hashes[n], golden, pinned[n])
		}
	}
}

// Recorded is a block as a consensus engine delivers it.
type Recorded struct {
	Height, Time int64
	Txs          [][]byte
}

// Replay feeds blocks into replicas fresh machines started from the genesis
// of orgs (committed with an empty first block, as New does) and fails
// unless each starts at app hash first and reaches roots[i] after block i.
// check, when not nil, runs on each replica after each block (a money
// invariant, say).
func Replay(t testing.TB, orgs []OrgSpec, first string, blocks []Recorded, roots []string, replicas int, check func(*Harness) error) {
	t.Helper()
	var rs []*Harness
	for j := range replicas {
		r := Open(t, store.NewMemDB())
		r.InitChain(Genesis(orgs...))
		r.Block()
		if r.Root() != first {
			t.Fatalf("replica %d at height 1: app hash %s, generator %s", j, r.Root(), first)
		}
		rs = append(rs, r)
	}
	for i, b := range blocks {
		for j, r := range rs {
			if _, err := r.App.FinalizeBlock(chain.Block{Height: b.Height, Time: b.Time, Txs: b.Txs}); err != nil {
				t.Fatalf("replica %d, height %d: %v", j, b.Height, err)
			}
			if _, err := r.App.Commit(); err != nil {
				t.Fatal(err)
			}
			r.Height, r.Time = b.Height, b.Time
			if got := r.Root(); got != roots[i] {
				t.Fatalf("replica %d, height %d: app hash %s, generator %s", j, b.Height, got, roots[i])
			}
			if check != nil {
				if err := check(r); err != nil {
					t.Fatalf("replica %d, height %d: %v", j, b.Height, err)
				}
			}
		}
	}
}
