package chaintest

import (
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
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
