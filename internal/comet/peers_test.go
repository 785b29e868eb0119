package comet

import "testing"

// TestMergePeers: config.toml's peers first, then the more given at start,
// one address per node id, never the node itself.
func TestMergePeers(t *testing.T) {
	self := "aa"
	got := mergePeers("bb@b:1, cc@c:1", []string{"aa@a:1", "cc@other:2", "dd@d:1", "", "dd@d:1"}, self)
	if want := "bb@b:1,cc@c:1,dd@d:1"; got != want {
		t.Fatalf("merged %q, want %q", got, want)
	}
	if got := mergePeers("", nil, self); got != "" {
		t.Fatalf("merged nothing into %q", got)
	}
}
