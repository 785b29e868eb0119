// Package internal_test holds the tests that keep the layout of DESIGN.md
// true: the import rules between rooms, the rules of the write side
// (no clock, randomness, I/O, goroutines or floats in modules), and a doc
// comment on every package.
package internal_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

const mod = "github.com/gongxu-network/gongxu"

type pkg struct {
	ImportPath string
	Dir        string
	Doc        string
	Name       string
	GoFiles    []string
	Imports    []string
	Standard   bool
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", mod+"/...")
	cmd.Dir = ".."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("only %d packages listed", len(pkgs))
	}
	return pkgs
}

func isStd(imp string) bool { return !strings.Contains(strings.SplitN(imp, "/", 2)[0], ".") }

func rel(imp string) string {
	if imp == mod {
		return "."
	}
	return strings.TrimPrefix(imp, mod+"/")
}

func internalRel(imp string) (string, bool) {
	if imp == mod || strings.HasPrefix(imp, mod+"/") {
		return rel(imp), true
	}
	return "", false
}

// allowed says which of this module's packages a room may import, and
// whether it may import outside the standard library.
func checkImports(t *testing.T, p pkg) {
	me := rel(p.ImportPath)
	for _, imp := range p.Imports {
		r, ours := internalRel(imp)
		fail := func(why string) { t.Errorf("%s imports %s: %s", me, imp, why) }
		switch {
		case me == ".":
			if !isStd(imp) {
				fail("the root vocabulary uses the standard library only")
			}
		case me == "client":
			if !isStd(imp) && r != "." {
				fail("the client imports the root and the standard library only")
			}
		case me == "cmd/gongxu":
			if !isStd(imp) && r != "internal/cli" {
				fail("main only calls cli.Main")
			}
		case strings.HasPrefix(me, "internal/module/") && !strings.HasSuffix(me, "test"):
			if ours && r != "." && r != "internal/store" && r != "internal/module" {
				fail("a module imports the root, store and the module contract only; declare what you need from another module in expected.go")
			}
			if !ours && !isStd(imp) {
				fail("modules use no third-party code")
			}
			for _, banned := range []string{"net", "database/sql", "os", "time", "math/rand", "math/rand/v2", "sync", "unsafe", "crypto/rand"} {
				if imp == banned || strings.HasPrefix(imp, banned+"/") {
					fail("modules are deterministic: no network, database, files, clock, randomness or concurrency")
				}
			}
		case me == "internal/module":
			if ours && r != "." && r != "internal/store" {
				fail("the module contract imports the root and store only")
			}
		case me == "internal/store":
			if !isStd(imp) && r != "." {
				fail("store imports the root and the standard library only")
			}
		case me == "internal/chain":
			if strings.Contains(imp, "cometbft") {
				fail("the chain never imports CometBFT")
			}
			if ours && r != "." && r != "internal/store" && r != "internal/module" {
				fail("the chain knows modules only through the module contract")
			}
		case me == "internal/comet", me == "internal/sqlite", me == "internal/httpapi", me == "internal/web":
			for _, other := range []string{"internal/comet", "internal/sqlite", "internal/httpapi", "internal/web", "internal/node", "internal/demo", "internal/cli"} {
				if r == other && other != me {
					fail("adapters do not import each other; only node wires")
				}
			}
			if strings.HasPrefix(r, "internal/module/") {
				fail("adapters do not import domain modules; only node wires")
			}
		case me == "internal/node":
			if r == "internal/cli" || r == "internal/demo" || r == "internal/bench" || strings.HasPrefix(r, "internal/bench/") {
				fail("node runs a node; the commands, the demo and the benchmarks call it, never the other way")
			}
		case me == "internal/demo":
			if r == "internal/cli" {
				fail("the demo drives a node; the commands call it")
			}
		}
	}
}

func TestImportRules(t *testing.T) {
	for _, p := range listPackages(t) {
		checkImports(t, p)
	}
}

// TestModulesAreDeterministic: no goroutines and no floats in module code.
func TestModulesAreDeterministic(t *testing.T) {
	for _, p := range listPackages(t) {
		me := rel(p.ImportPath)
		if !strings.HasPrefix(me, "internal/module/") || strings.HasSuffix(me, "test") {
			continue
		}
		for _, f := range p.GoFiles {
			path := filepath.Join(p.Dir, f)
			fset := token.NewFileSet()
			file, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				switch x := n.(type) {
				case *ast.GoStmt:
					t.Errorf("%s: goroutine in a module", fset.Position(x.Pos()))
				case *ast.Ident:
					if x.Name == "float32" || x.Name == "float64" {
						t.Errorf("%s: float in a module", fset.Position(x.Pos()))
					}
				case *ast.BasicLit:
					if x.Kind == token.FLOAT {
						t.Errorf("%s: float literal in a module", fset.Position(x.Pos()))
					}
				}
				return true
			})
		}
	}
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for _, p := range listPackages(t) {
		if len(p.GoFiles) == 0 {
			continue // tests only
		}
		if strings.TrimSpace(p.Doc) == "" && p.Name != "main" {
			t.Errorf("package %s has no doc comment: add a doc.go saying what it owns", rel(p.ImportPath))
		}
		if p.Name == "main" && strings.TrimSpace(p.Doc) == "" {
			t.Errorf("command %s has no doc comment", rel(p.ImportPath))
		}
	}
}
