package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTxDisputeBodies(t *testing.T) {
	photo := filepath.Join(t.TempDir(), "carton.jpg")
	if err := os.WriteFile(photo, []byte("test"), 0o600); err != nil {
		t.Fatal(err)
	}
	const testSHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" // sha256("test")
	other := strings.Repeat("ab", 32)
	for _, c := range []struct {
		args []string
		typ  string
		body string
	}{
		{[]string{"dispute", "open", "4", "--kind", "short", "--claimed", "15900", "--evidence", photo, "--evidence", strings.ToUpper(other),
			"--note", "one shirt missing"},
			"dispute/open", `{"pool":4,"kind":"short","claimed":15900,"evidence":["` + testSHA + `","` + other + `"],"note":"one shirt missing"}`},
		{[]string{"dispute", "open", "4", "--kind", "late", "--claimed", "1"}, "dispute/open", `{"pool":4,"kind":"late","claimed":1}`},
		{[]string{"dispute", "open", "--po", "12", "--kind", "late", "--claimed", "50000"}, "dispute/open", `{"po":12,"kind":"late","claimed":50000}`},
		{[]string{"dispute", "propose", "2", "--to-claimant", "5000"}, "dispute/propose", `{"dispute":2,"to_claimant":5000}`},
		{[]string{"dispute", "accept", "2", "--to-claimant", "5000"}, "dispute/accept", `{"dispute":2,"to_claimant":5000}`},
		{[]string{"dispute", "vote", "2", "--to-claimant", "0"}, "dispute/vote", `{"dispute":2,"to_claimant":0}`},
		{[]string{"dispute", "withdraw", "2"}, "dispute/withdraw", `{"dispute":2}`},
	} {
		tx := dryRun(t, c.args...)
		if tx.Type != c.typ || !sameJSON(t, tx.Body, []byte(c.body)) {
			t.Errorf("%v:\n got %s %s\nwant %s %s", c.args, tx.Type, tx.Body, c.typ, c.body)
		}
	}
}

// TestTxDisputeUsage: bad flags are refused before anything is signed.
func TestTxDisputeUsage(t *testing.T) {
	home, _, _ := testHome(t)
	dead, err := deadURL()
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"open", "4", "--kind", "broken", "--claimed", "1"}, "--kind"},
		{[]string{"open", "4", "--kind", "short"}, "claimed"},
		{[]string{"open", "4", "--kind", "short", "--claimed", "0"}, "claimed must be positive"},
		{[]string{"open", "4", "--kind", "short", "--claimed", "1", "--evidence", "no-such-file.jpg"}, "neither a SHA-256"},
		{[]string{"open", "0", "--kind", "short", "--claimed", "1"}, "pool id must be a positive integer"},
		{[]string{"open", "4", "--po", "2", "--kind", "short", "--claimed", "1"}, "not both"},
		{[]string{"open", "--kind", "short", "--claimed", "1"}, "give a POOL_ID or --po PO_ID"},
		{[]string{"propose", "2", "--to-claimant", "-1"}, "to_claimant must be 0 or more"},
		{[]string{"vote", "x", "--to-claimant", "1"}, "dispute id must be a positive integer"},
		{[]string{"accept", "2"}, "to-claimant"},
	} {
		full := append([]string{"--home", home, "--node", dead, "--chain-id", "offline-1", "tx", "dispute"}, c.args...)
		full = append(full, "--from", "alice", "--sequence", "1", "--dry-run")
		code, _, stderr := run(t, full...)
		if code == 0 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, %q; want a refusal containing %q", c.args, code, stderr, c.want)
		}
	}
}
