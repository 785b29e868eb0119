package node

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu/client"
)

// TestNodeWarmsTreeCache: a node opened on an existing state holds the tree's
// cached levels at once (store.WarmNodeCache), within the configured budget;
// a node configured for the root only holds nothing more.
func TestNodeWarmsTreeCache(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a CometBFT node three times")
	}
	home := initTestHome(t)
	cfg, err := LoadConfig(home)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	n := openTestNode(t, home, cfg, log)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := client.New(n.URL())
	for {
		st, err := c.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Height >= 2 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	n.Close()

	root := cfg
	root.Store.TreeCacheMiB = -1
	n, err = Open(home, root, log)
	if err != nil {
		t.Fatal(err)
	}
	rootOnly := n.StateCacheBytes()
	if rootOnly > 4<<10 {
		t.Fatalf("a root-only tree cache holds %d bytes", rootOnly)
	}
	n.Close()

	n, err = Open(home, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if b := n.StateCacheBytes(); b <= 2*rootOnly || b > cfg.Store.TreeCacheMiB<<20 {
		t.Fatalf("right after Open the tree cache holds %d bytes (budget %d MiB; the root alone %d)", b, cfg.Store.TreeCacheMiB, rootOnly)
	}
}
