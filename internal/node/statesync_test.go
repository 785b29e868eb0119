package node

import (
	"context"
	"errors"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/sqlite"
)

// lateSource holds blocks from `from` to `top` only, as a state-synced node.
type lateSource struct{ from, top int64 }

func (s lateSource) Block(h int64) (gongxu.CommittedBlock, error) {
	if h < s.from || h > s.top {
		return gongxu.CommittedBlock{}, gongxu.Errorf(gongxu.KindNotFound, "no block %d", h)
	}
	return gongxu.CommittedBlock{Height: h, Time: h * 1000, Hash: "AB", AppHash: "CD", Events: []gongxu.Event{}}, nil
}
func (s lateSource) Height() int64      { return s.top }
func (s lateSource) HistoryFrom() int64 { return s.from }

// The read model of a node that lacks the blocks before its state-sync
// height is not projected from the middle: it stays at its height, and
// says why.
func TestProjectorStopsAtMissingHistory(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "read.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	p := newProjector(db, lateSource{from: 101, top: 120}, 0, slog.New(slog.DiscardHandler), newMetrics(prometheus.NewRegistry()))
	b, _ := lateSource{from: 101, top: 120}.Block(120)
	err = p.project(context.Background(), []gongxu.CommittedBlock{b})
	if !errors.Is(err, errLacksHistory) || !strings.Contains(err.Error(), "from 101") {
		t.Fatalf("err = %v", err)
	}
	if h, _ := db.Height(context.Background()); h != 0 {
		t.Fatalf("read model at %d", h)
	}
}

func TestSyncConfigValidation(t *testing.T) {
	hash := strings.Repeat("ab", 32)
	good := []SyncConfig{
		defaultSyncConfig(),
		{SnapshotInterval: 0, MinRetainBlocks: 10},
		{SnapshotInterval: 100, SnapshotKeepRecent: 2, MinRetainBlocks: 200},
		{StateSync: StateSyncConfig{RPCServers: []string{"http://a:26657", "http://b:26657"}, TrustHeight: 5, TrustHash: hash}},
	}
	for i, c := range good {
		if err := c.Validate(); err != nil {
			t.Errorf("good %d: %v", i, err)
		}
	}
	bad := []SyncConfig{
		{SnapshotInterval: -1},
		{MinRetainBlocks: -1},
		{SnapshotInterval: 100, SnapshotKeepRecent: 2, MinRetainBlocks: 150},
		{StateSync: StateSyncConfig{RPCServers: []string{"http://a:26657"}, TrustHeight: 5, TrustHash: hash}},
		{StateSync: StateSyncConfig{RPCServers: []string{"http://a:26657", "b"}, TrustHeight: 5, TrustHash: hash}},
		{StateSync: StateSyncConfig{RPCServers: []string{"http://a:26657", "http://b:26657"}, TrustHeight: 0, TrustHash: hash}},
		{StateSync: StateSyncConfig{RPCServers: []string{"http://a:26657", "http://b:26657"}, TrustHeight: 5, TrustHash: "abc"}},
	}
	for i, c := range bad {
		if err := c.Validate(); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("bad %d: %v", i, err)
		}
	}
}
