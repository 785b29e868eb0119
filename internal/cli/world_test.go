package cli

import (
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/httpapi"
	"github.com/gongxu-network/gongxu/internal/keyring"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

// worldNode serves the read side of a network made of the real parts
// (inproc's World: a chain and its SQLite read model, through a story of
// about a hundred blocks) with the real HTTP API on a loopback port, as a
// node does: the CLI's query and tx commands reach it through package
// client. It returns the World and the node's URL.
func worldNode(t *testing.T) (*inproc.World, string) {
	t.Helper()
	w := inproc.NewWorld(t)
	return w, serveNet(t, w, nil)
}

// serveNet serves w's services; change, when set, changes the
// configuration first (the HTTP edge: inproc.Broken for a service).
func serveNet(t *testing.T, w *inproc.World, change func(*httpapi.Config)) string {
	t.Helper()
	db := w.Read()
	cfg := httpapi.Config{Node: w.Node(), Members: db, Txs: db, Pools: db, RFQs: db, Receipts: w.Receipts(),
		Production: db, Plans: w.Plans(), Trace: db, Reputation: db}
	if change != nil {
		change(&cfg)
	}
	srv := httptest.NewServer(httpapi.New(cfg))
	t.Cleanup(srv.Close)
	return srv.URL
}

// importOrgKey puts the first key of a World's org (chaintest.Key(org))
// into home's keyring, named after the org, so that the CLI signs for it.
func importOrgKey(t *testing.T, home, org string) keyring.Key {
	t.Helper()
	kr, err := keyring.Open(filepath.Join(home, "keys"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := kr.Import(org, chaintest.Key(org).Seed())
	if err != nil {
		t.Fatal(err)
	}
	return k
}
