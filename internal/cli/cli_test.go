package cli

import (
	"bytes"
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var updateScripts = flag.Bool("update", false, "rewrite the expected output in the test scripts")

// TestMain makes the test binary the gongxu command of the scripts.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gongxu": func() { os.Exit(Main(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/script/*.txtar. Each script runs in its own $WORK
// (so the default --home ./gongxu-data is fresh) and sees
//
//	$NODE      the URL of a fresh fake node (fakeNode), chain gongxu-fake-1
//	$DEADNODE  the URL of a loopback port where nothing listens
//
// End-to-end scripts against real nodes go in another directory, run through
// scriptParams with a setup that starts a node and sets $NODE to its API.
func TestScripts(t *testing.T) {
	testscript.Run(t, scriptParams(filepath.Join("testdata", "script"), func(env *testscript.Env) error {
		url, stop := newFakeNode().start()
		env.Defer(stop)
		env.Setenv("NODE", url)
		return nil
	}))
}

// scriptParams returns the parameters that run the CLI's scripts in dir. The
// common setup sets $DEADNODE; setup, when not nil, runs after it. With
// -update, cmp against a file of the script rewrites that file.
func scriptParams(dir string, setup func(*testscript.Env) error) testscript.Params {
	return testscript.Params{
		Dir:                 dir,
		UpdateScripts:       *updateScripts,
		RequireExplicitExec: true,
		Setup: func(env *testscript.Env) error {
			u, err := deadURL()
			if err != nil {
				return err
			}
			env.Setenv("DEADNODE", u)
			if setup != nil {
				return setup(env)
			}
			return nil
		},
	}
}

// deadURL is the URL of a loopback port that was free a moment ago.
func deadURL() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return "http://" + l.Addr().String(), nil
}

// run runs Main in-process and returns its exit code, stdout and stderr.
func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}
