// Package internal_test holds the tests that keep the layout of DESIGN.md
// true: the import rules between rooms (default-deny, on each package's
// transitive dependencies), the rules of the write side (no clock,
// randomness, I/O, floats or goroutines where blocks execute), and a doc
// comment on every package.
package internal_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os/exec"
	"path/filepath"
	"slices"
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
	Imports    []string // direct
	Deps       []string // transitive
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

// rel names a package of this module by its path in the repository ("." for
// the root), and reports whether imp is one.
func rel(imp string) (string, bool) {
	if imp == mod {
		return ".", true
	}
	if r, ok := strings.CutPrefix(imp, mod+"/"); ok {
		return r, true
	}
	return imp, false
}

// A rule says which of this module's packages a package may depend on,
// directly or through others, and which third-party code. Every package
// has one (default-deny): a new package fails the test until its room is
// decided here.
type rule struct {
	ours       []string // this module's packages it may depend on; "x/..." means x and everything under it
	thirdParty []string // path prefixes of third-party modules it may depend on; "*" for any
	writeSide  bool     // runs when blocks execute: the determinism rules apply
	why        string
}

var (
	// The state machine and what it is made of.
	writeSide = []string{".", "internal/store", "internal/module", "internal/module/...", "internal/chain", "internal/epcis", "internal/modules"}
	// Everything but the commands and the test helpers.
	everything = []string{".", "client", "internal/store/...", "internal/module/...", "internal/modules", "internal/chain", "internal/epcis",
		"internal/comet", "internal/sqlite", "internal/httpapi", "internal/web", "internal/keyring", "internal/seal", "internal/token", "internal/plan", "internal/planner", "internal/forecast", "internal/demandforecast"}
	// The third-party code the write side may run: signatures, strict JSON,
	// GS1's schema validator (with golang.org/x/text, which it formats
	// messages with), and what they need of golang.org/x.
	writeSideThirdParty = []string{"github.com/oasisprotocol/curve25519-voi/", "github.com/go-json-experiment/json", "github.com/santhosh-tekuri/jsonschema/v6",
		"golang.org/x/text/", "golang.org/x/sys/cpu", "golang.org/x/crypto/"}
	anything = []string{"*"}
)

var rules = map[string]rule{
	".":                       {why: "the root vocabulary uses the standard library only", writeSide: true},
	"client":                  {ours: []string{"."}, why: "the client imports the root and the standard library only"},
	"cmd/gongxu":              {ours: []string{"...", "internal/cli"}, thirdParty: anything, why: "main only calls cli.Main"},
	"internal":                {why: "tests of the layout only"},
	"internal/store":          {ours: []string{"."}, writeSide: true, why: "the store imports the root only"},
	"internal/store/pebblekv": {ours: []string{".", "internal/store"}, thirdParty: anything, why: "the Pebble adapter of the store"},
	"internal/module":         {ours: []string{".", "internal/store"}, writeSide: true, why: "the module contract imports the root and store only"},
	"internal/module/*":       {ours: []string{".", "internal/store", "internal/module"}, writeSide: true, why: "a module imports the root, store and the module contract only; it declares what it needs of another in expected.go"},
	"internal/epcis":          {ours: []string{"."}, thirdParty: writeSideThirdParty, writeSide: true, why: "GS1 EPCIS runs at block time: root and the schema validator only"},
	"internal/chain":          {ours: []string{".", "internal/store", "internal/module"}, thirdParty: writeSideThirdParty, writeSide: true, why: "the chain knows modules only through the module contract, and never CometBFT"},
	"internal/modules":        {ours: writeSide, thirdParty: writeSideThirdParty, writeSide: true, why: "the module list: the write side only"},
	"internal/chain/chaintest": {ours: writeSide, thirdParty: append([]string{"github.com/rogpeppe/go-internal/txtar", "golang.org/x/tools/txtar"}, writeSideThirdParty...),
		why: "the chain test harness: a chain of the real modules, nothing else"},
	"internal/comet":  {ours: []string{".", "internal/store", "internal/module", "internal/chain"}, thirdParty: anything, why: "the CometBFT adapter drives the chain; it knows no module"},
	"internal/sqlite": {ours: []string{".", "internal/epcis"}, thirdParty: anything, why: "the read model reads committed events, never the state machine"},
	"internal/httpapi": {ours: []string{".", "internal/epcis"}, thirdParty: anything,
		why: "an adapter: it serves the root's service interfaces; no module, chain, consensus, read model or other adapter"},
	"internal/web":            {ours: []string{"."}, thirdParty: anything, why: "an adapter: pages over the root's service interfaces"},
	"internal/web/webtest":    {ours: []string{"."}, thirdParty: anything, why: "the browser harness"},
	"internal/keyring":        {ours: []string{"."}, why: "node-local keys: the root and the standard library"},
	"internal/seal":           {ours: []string{"."}, thirdParty: []string{"golang.org/x/crypto/", "golang.org/x/sys/cpu"}, why: "sealing private terms on the nodes: the root, the standard library and golang.org/x/crypto"},
	"internal/token":          {ours: []string{"."}, why: "API tokens: the root and the standard library"},
	"internal/plan":           {ours: []string{"."}, why: "MRP and scheduling: pure computation over the root's types"},
	"internal/forecast":       {ours: []string{"."}, thirdParty: []string{"gonum.org/v1/gonum/"}, why: "forecasting: pure computation, the standard library, the root and gonum"},
	"internal/demandforecast": {ours: []string{".", "internal/forecast"}, why: "forecasts of the demand a reader may see: the root's demand service and the forecasting models"},
	"internal/planner":        {ours: []string{".", "internal/store", "internal/module", "internal/module/production", "internal/plan"}, why: "plans from the read model and builds production's messages"},
	"internal/node":           {ours: everything, thirdParty: anything, why: "a running node wires the rooms; never the commands, the demo or the benchmarks"},
	"internal/demo":           {ours: append([]string{"internal/node"}, everything...), thirdParty: anything, why: "the demo drives a node"},
	"internal/bench":          {ours: []string{"."}, thirdParty: anything, why: "the benchmark harness: processes, RPC, statistics"},
	"internal/bench/scenario": {ours: []string{".", "client", "internal/bench", "internal/store", "internal/module", "internal/module/...", "internal/chain", "internal/comet", "internal/epcis"}, thirdParty: anything,
		why: "benchmark scenarios: build signed messages (EPCIS documents and their event ids, as a capturing client does), drive node processes"},
	"internal/cli":            {ours: append([]string{"internal/node", "internal/demo", "internal/bench/..."}, everything...), thirdParty: anything, why: "the commands call the node, the client and the benchmarks; never test helpers"},
	"internal/testenv":        {ours: []string{".", "client", "internal/keyring"}, thirdParty: anything, why: "networks of gongxu processes for tests"},
	"internal/testenv/inproc": {ours: append([]string{"internal/chain/chaintest"}, everything...), thirdParty: anything, why: "an in-process chain and read model for tests"},
}

// ruleFor finds a package's rule: its own, or its parent's "/*" rule.
func ruleFor(r string) (rule, bool) {
	if ru, ok := rules[r]; ok {
		return ru, true
	}
	if i := strings.LastIndex(r, "/"); i > 0 {
		if ru, ok := rules[r[:i]+"/*"]; ok {
			return ru, true
		}
	}
	return rule{}, false
}

// allowedOurs reports whether this module's package r is in list: named
// exactly, or under an entry "x/..." ("..." alone: any).
func allowedOurs(list []string, r string) bool {
	for _, a := range list {
		base, tree := strings.CutSuffix(a, "/...")
		switch {
		case a == r, a == "...":
			return true
		case tree && (r == base || strings.HasPrefix(r, base+"/")):
			return true
		}
	}
	return false
}

// allowedThirdParty reports whether third-party package d is in list: "*",
// or a prefix of its path (a module path, or a path ending in "/").
func allowedThirdParty(list []string, d string) bool {
	for _, a := range list {
		if a == "*" || d == a || strings.HasPrefix(d, strings.TrimSuffix(a, "/")+"/") {
			return true
		}
	}
	return false
}

// Standard packages the write side may not import: the network, files and
// processes, databases, randomness, and unsafe code.
var writeSideBannedStd = []string{"net", "os", "os/exec", "os/signal", "database/sql", "math/rand", "math/rand/v2", "crypto/rand", "unsafe", "syscall", "plugin"}

// Exceptions to the write side's bans, each with why it keeps determinism.
var writeSideStdExceptions = map[string]string{
	"internal/chain crypto/rand": "batch signature verification draws its random coefficients: a signature's validity does not depend on them",
}

// violations lists what p breaks of its rule. It is a pure function of the
// package list, so the test below can plant a violation of each rule.
func violations(p pkg) []string {
	me, ours := rel(p.ImportPath)
	if !ours {
		return nil
	}
	ru, ok := ruleFor(me)
	if !ok {
		return []string{fmt.Sprintf("%s has no import rule: decide its room in internal/deps_test.go (default-deny)", me)}
	}
	var out []string
	for _, d := range p.Deps {
		r, isOurs := rel(d)
		switch {
		case isOurs && r != me && !allowedOurs(ru.ours, r):
			out = append(out, fmt.Sprintf("%s depends on %s: %s", me, r, ru.why))
		case !isOurs && !isStd(d) && !allowedThirdParty(ru.thirdParty, d):
			out = append(out, fmt.Sprintf("%s depends on third-party %s: %s", me, d, ru.why))
		}
	}
	if me == "cmd/gongxu" {
		for _, imp := range p.Imports {
			if r, isOurs := rel(imp); isOurs && r != "internal/cli" || !isOurs && !isStd(imp) {
				out = append(out, fmt.Sprintf("cmd/gongxu imports %s: %s", imp, ru.why))
			}
		}
	}
	if ru.writeSide {
		for _, imp := range p.Imports {
			if !slices.Contains(writeSideBannedStd, imp) {
				continue
			}
			if _, ok := writeSideStdExceptions[me+" "+imp]; ok {
				continue
			}
			out = append(out, fmt.Sprintf("%s imports %s: the write side is deterministic (no network, files, processes, databases or randomness)", me, imp))
		}
	}
	return out
}

func TestImportRules(t *testing.T) {
	for _, p := range listPackages(t) {
		for _, v := range violations(p) {
			t.Error(v)
		}
	}
}

// TestImportRulesCatchViolations plants a violation of each rule and checks
// the test would catch it.
func TestImportRulesCatchViolations(t *testing.T) {
	p := func(path string, deps ...string) pkg {
		var full []string
		for _, d := range deps {
			full = append(full, ourPath(d))
		}
		return pkg{ImportPath: ourPath(path), Deps: full, Imports: full}
	}
	planted := []struct {
		name string
		p    pkg
		want string
	}{
		{"a package without a rule", p("internal/newroom"), "no import rule"},
		{"root imports third-party code", p(".", "github.com/x/y"), "third-party"},
		{"client imports an internal package", p("client", "internal/chain"), "depends on internal/chain"},
		{"main imports more than cli", pkg{ImportPath: mod + "/cmd/gongxu", Imports: []string{mod + "/internal/node"}}, "main only calls cli.Main"},
		{"a module imports another module", p("internal/module/pool", "internal/module/settle"), "depends on internal/module/settle"},
		{"a module imports the module list", p("internal/module/pool", "internal/modules"), "depends on internal/modules"},
		{"a module imports third-party code", p("internal/module/pool", "github.com/x/y"), "third-party"},
		{"a module reads files", p("internal/module/pool", "os"), "imports os"},
		{"a module uses randomness", p("internal/module/trace", "math/rand/v2"), "imports math/rand/v2"},
		{"the store dials out", p("internal/store", "net"), "imports net"},
		{"the chain imports CometBFT", p("internal/chain", "github.com/cometbft/cometbft/abci/types"), "third-party github.com/cometbft"},
		{"the chain imports a module", p("internal/chain", "internal/module/pool"), "depends on internal/module/pool"},
		{"epcis reads files", p("internal/epcis", "os"), "imports os"},
		{"the module list imports an adapter", p("internal/modules", "internal/sqlite"), "depends on internal/sqlite"},
		{"an adapter reaches every module through the module list", p("internal/httpapi", "internal/modules", "internal/module/pool"), "depends on internal/modules"},
		{"an adapter imports a module", p("internal/web", "internal/module/pool"), "depends on internal/module/pool"},
		{"an adapter imports another adapter", p("internal/httpapi", "internal/sqlite"), "depends on internal/sqlite"},
		{"the read model imports the chain", p("internal/sqlite", "internal/chain"), "depends on internal/chain"},
		{"the CometBFT adapter imports a module", p("internal/comet", "internal/module/pool"), "depends on internal/module/pool"},
		{"the node imports the commands", p("internal/node", "internal/cli"), "depends on internal/cli"},
		{"the node imports the demo", p("internal/node", "internal/demo"), "depends on internal/demo"},
		{"the commands import a test helper", p("internal/cli", "internal/chain/chaintest"), "depends on internal/chain/chaintest"},
		{"the planner imports the read model", p("internal/planner", "internal/sqlite"), "depends on internal/sqlite"},
		{"tokens import the node", p("internal/token", "internal/node"), "depends on internal/node"},
	}
	for _, c := range planted {
		vs := violations(c.p)
		if !slices.ContainsFunc(vs, func(v string) bool { return strings.Contains(v, c.want) }) {
			t.Errorf("%s: not caught (violations: %q)", c.name, vs)
		}
	}
	// And a clean package passes.
	if vs := violations(p("internal/module/pool", ".", "internal/store", "internal/module", "fmt")); len(vs) != 0 {
		t.Errorf("a clean module: %q", vs)
	}
}

// ourPath is the import path of r: this module's package for "." and paths
// of the repository, r itself for standard and third-party packages.
func ourPath(r string) string {
	switch {
	case r == ".":
		return mod
	case r == "client" || strings.HasPrefix(r, "internal") || strings.HasPrefix(r, "cmd/"):
		return mod + "/" + r
	}
	return r
}

// The write side's code rules, checked on the syntax of every write-side
// package: no clock, no floats and no float parsing, no math beyond the
// integer limits, and in modules no goroutines. Each exception says why it
// keeps determinism.
var (
	clockCalls = []string{"Now", "Since", "Until", "Sleep", "After", "AfterFunc", "Tick", "NewTimer", "NewTicker"}
	floatFuncs = []string{"ParseFloat", "FormatFloat", "AppendFloat"}
	// math's integer limits are constants; anything else in math is about floats.
	mathConsts = []string{"MaxInt", "MinInt", "MaxInt8", "MinInt8", "MaxInt16", "MinInt16", "MaxInt32", "MinInt32", "MaxInt64", "MinInt64",
		"MaxUint", "MaxUint8", "MaxUint16", "MaxUint32", "MaxUint64"}
	codeExceptions = map[string]string{
		"internal/epcis/hash.go float": "GS1's CBV 2.0 event hash writes quantities as its reference implementation's floats; Go's correctly rounded conversions give the same digits on every machine",
		"internal/epcis/hash.go math":  "the same: the hash's number canonicalization",
		"forecast.go float":            "the read side's forecast results (ForecastStep): computed off the chain by internal/demandforecast, never stored in state or read by a handler",
	}
)

func codeViolations(file, me string, f *ast.File, fset *token.FileSet) []string {
	module := strings.HasPrefix(me, "internal/module/")
	base := me + "/" + filepath.Base(file)
	if me == "." {
		base = filepath.Base(file)
	}
	excepted := func(what string) bool { _, ok := codeExceptions[base+" "+what]; return ok }
	var out []string
	bad := func(n ast.Node, format string, args ...any) {
		out = append(out, fmt.Sprintf("%s: %s", fset.Position(n.Pos()), fmt.Sprintf(format, args...)))
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.GoStmt:
			if module {
				bad(x, "goroutine in a module")
			}
		case *ast.Ident:
			if (x.Name == "float32" || x.Name == "float64") && !excepted("float") {
				bad(x, "float on the write side")
			}
		case *ast.BasicLit:
			if x.Kind == token.FLOAT && !excepted("float") {
				bad(x, "float literal on the write side")
			}
		case *ast.SelectorExpr:
			pkgID, ok := x.X.(*ast.Ident)
			if !ok {
				return true
			}
			switch {
			case pkgID.Name == "time" && slices.Contains(clockCalls, x.Sel.Name):
				bad(x, "time.%s on the write side: block time only", x.Sel.Name)
			case pkgID.Name == "strconv" && slices.Contains(floatFuncs, x.Sel.Name) && !excepted("float"):
				bad(x, "strconv.%s: float parsing on the write side", x.Sel.Name)
			case pkgID.Name == "math" && !slices.Contains(mathConsts, x.Sel.Name) && !excepted("math"):
				bad(x, "math.%s: floats on the write side", x.Sel.Name)
			}
		}
		return true
	})
	return out
}

// TestWriteSideIsDeterministic applies the write side's code rules to every
// package that runs when blocks execute.
func TestWriteSideIsDeterministic(t *testing.T) {
	for _, p := range listPackages(t) {
		me, _ := rel(p.ImportPath)
		ru, ok := ruleFor(me)
		if !ok || !ru.writeSide {
			continue
		}
		for _, name := range p.GoFiles {
			path := filepath.Join(p.Dir, name)
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range codeViolations(path, me, f, fset) {
				t.Error(v)
			}
		}
	}
}

// TestWriteSideRulesCatchViolations plants each code violation.
func TestWriteSideRulesCatchViolations(t *testing.T) {
	for _, c := range []struct{ src, pkg, want string }{
		{"package p; import \"time\"; func f() { _ = time.Now() }", "internal/module/pool", "time.Now"},
		{"package p; import \"time\"; func f() { _ = time.Since(time.Time{}) }", "internal/chain", "time.Since"},
		{"package p; import \"strconv\"; func f() { strconv.ParseFloat(\"1\", 64) }", "internal/module/pool", "float"},
		{"package p; import \"math\"; func f() { _ = math.Sqrt(2) }", "internal/modules", "math.Sqrt"},
		{"package p; var x float64", ".", "float on the write side"},
		{"package p; var x = 1.5", "internal/store", "float literal"},
		{"package p; func f() { go f() }", "internal/module/trace", "goroutine"},
	} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, "x.go", c.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		vs := codeViolations("x.go", c.pkg, f, fset)
		if !slices.ContainsFunc(vs, func(v string) bool { return strings.Contains(v, c.want) }) {
			t.Errorf("%q in %s: not caught (%q)", c.src, c.pkg, vs)
		}
	}
	fset := token.NewFileSet()
	f, _ := parser.ParseFile(fset, "x.go", "package p; import \"math\"; const m = math.MaxInt64", 0)
	if vs := codeViolations("x.go", "internal/module/pool", f, fset); len(vs) != 0 {
		t.Errorf("math's integer limits: %q", vs)
	}
}

func TestEveryPackageHasADocComment(t *testing.T) {
	for _, p := range listPackages(t) {
		me, _ := rel(p.ImportPath)
		if len(p.GoFiles) == 0 {
			continue // tests only
		}
		if strings.TrimSpace(p.Doc) == "" && p.Name != "main" {
			t.Errorf("package %s has no doc comment: add a doc.go saying what it owns", me)
		}
		if p.Name == "main" && strings.TrimSpace(p.Doc) == "" {
			t.Errorf("command %s has no doc comment", me)
		}
	}
}
