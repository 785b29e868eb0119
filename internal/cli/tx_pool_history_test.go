package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTxPoolHistory(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "sales.csv")
	os.WriteFile(file, []byte("week,units,money,consumers\n2025-W50, 12, 142800, 8\n2025-W51,9,107100,6\n"), 0o600)
	tx := dryRun(t, "pool", "history", "--product", "acme/jacket-1", "--variant", "m-navy", file)
	want := `{"product":"acme/jacket-1","variant":"m-navy","currency":"CNY","weeks":[{"week":"2025-W50","units":12,"money":142800,"consumers":8},
		{"week":"2025-W51","units":9,"money":107100,"consumers":6}]}`
	if tx.Type != "pool/history" || !sameJSON(t, tx.Body, []byte(want)) {
		t.Errorf("got %s %s", tx.Type, tx.Body)
	}
	// Checked before anything is signed: usage errors, exit 2.
	home, _, _ := testHome(t)
	for name, c := range map[string]struct {
		csv  string
		want string
	}{
		"bad week":    {"2025-w50,12,100,3\n", "not an ISO week"},
		"not integer": {"2025-W50,x,100,3\n", "units must be an integer"},
		"columns":     {"2025-W50,12,100\n", "wrong number of fields"},
		"empty":       {"week,units,money,consumers\n", "no weeks"},
		"consumers":   {"2025-W50,2,100,3\n", "consumers must be 1 to its 2 units"},
		"twice":       {"2025-W50,2,100,1\n2025-W50,2,100,1\n", "listed twice"},
	} {
		f := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".csv")
		os.WriteFile(f, []byte(c.csv), 0o600)
		code, _, stderr := run(t, "--home", home, "--chain-id", "offline-1", "tx", "pool", "history", "--from", "alice", "--product", "acme/jacket-1", f)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%s: exit %d, %s", name, code, stderr)
		}
	}
	code, _, stderr := run(t, "--home", home, "tx", "pool", "history", "--from", "alice", filepath.Join(dir, "sales.csv"))
	if code != 2 || !strings.Contains(stderr, "product") {
		t.Errorf("without --product: exit %d, %s", code, stderr)
	}
}
