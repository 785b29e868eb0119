package cli

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gongxu-network/gongxu/client"
	"github.com/gongxu-network/gongxu/internal/testenv"
)

// TestE2EScripts runs testdata/e2e/*.txtar, each against its own real
// one-node network (gongxu testnet --validators 1, then gongxu start as a
// separate process, on free loopback ports). Scripts see
//
//	$NODE      the URL of the node's API
//	$NODEHOME  the node's home; its keyring holds "operator", the key of $ORG
//	$ORG       the id of the network's one org
//
// and the command "synced", which waits until the node's read model has
// caught up with its chain: a tx command returns at the commit, and queries
// read the read model, which is projected a moment later.
func TestE2EScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("starts real nodes")
	}
	testenv.Binary(t) // build once, before the scripts start in parallel
	p := scriptParams(filepath.Join("testdata", "e2e"), func(env *testscript.Env) error {
		tb, ok := env.T().(testing.TB)
		if !ok {
			return errors.New("e2e scripts need a *testing.T")
		}
		net := testenv.StartSingle(tb)
		n := net.Nodes[0]
		env.Setenv("NODE", n.API)
		env.Setenv("NODEHOME", n.Home)
		env.Setenv("ORG", string(n.Org))
		return nil
	})
	p.Cmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
		"synced": cmdSynced,
	}
	testscript.Run(t, p)
}

// cmdSynced waits until the read model of $NODE has projected every block its
// chain had committed when asked.
func cmdSynced(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: synced")
	}
	c := client.New(ts.Getenv("NODE"))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	for {
		st, err := c.Status(ctx)
		if err == nil && st.ReadModelHeight >= st.Height {
			return
		}
		select {
		case <-ctx.Done():
			ts.Fatalf("read model of %s did not catch up: status %+v, %v", ts.Getenv("NODE"), st, err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
