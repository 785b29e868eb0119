package token

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gongxu-network/gongxu"
)

func newStore(t *testing.T) (*Store, string) {
	t.Helper()
	path := Path(t.TempDir())
	return Open(path), path
}

func TestAddCheckRemove(t *testing.T) {
	s, path := newStore(t)
	if _, _, ok := s.Check("gx_" + strings.Repeat("A", 43)); ok {
		t.Fatal("a token accepted with no token file")
	}
	secret, err := s.Add("alice")
	if err != nil {
		t.Fatal(err)
	}
	if len(secret) != secretLen || !strings.HasPrefix(secret, "gx_") {
		t.Fatalf("secret %q", secret)
	}
	id, name, ok := s.Check(secret)
	if !ok || name != "alice" || id == "" || !s.Active(id) {
		t.Fatalf("Check: %q %q %v", id, name, ok)
	}

	// Hashed at rest: the file holds no secret, only its hash, mode 0600.
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), secret) || strings.Contains(string(b), secret[3:]) {
		t.Fatalf("the token file holds the secret:\n%s", b)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("token file mode %v", fi.Mode().Perm())
	}
	var f file
	if err := json.Unmarshal(b, &f); err != nil || len(f.Tokens) != 1 || len(f.Tokens[0].SHA256) != 64 {
		t.Fatalf("file %s: %v", b, err)
	}

	// Wrong tokens: another secret, one character changed, a prefix, empty.
	other := []byte(secret)
	other[10] ^= 1
	for _, bad := range []string{"", "gx_", secret[:len(secret)-1], secret + "A", string(other), strings.ToUpper(secret), " " + secret} {
		if _, _, ok := s.Check(bad); ok {
			t.Errorf("Check(%q) accepted", bad)
		}
	}

	// A second token; names are unique.
	bob, err := s.Add("bob")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Add("bob"); gongxu.ErrorKind(err) != gongxu.KindConflict {
		t.Errorf("duplicate name: %v", err)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 || list[0].Name != "alice" || list[1].Name != "bob" || list[0].Created.IsZero() {
		t.Fatalf("List: %+v %v", list, err)
	}

	// Removed: refused at once, by this store and by another one on the file.
	if err := s.Remove("alice"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := s.Check(secret); ok || s.Active(id) {
		t.Error("a removed token is accepted")
	}
	if _, name, ok := Open(path).Check(bob); !ok || name != "bob" {
		t.Error("the remaining token is refused")
	}
	if err := s.Remove("alice"); gongxu.ErrorKind(err) != gongxu.KindNotFound {
		t.Errorf("remove twice: %v", err)
	}
}

// TestSeenByARunningStore: a store that a node holds sees tokens that
// another process adds or removes, without being opened again.
func TestSeenByARunningStore(t *testing.T) {
	running, path := newStore(t)
	if _, _, ok := running.Check("gx_" + strings.Repeat("x", 43)); ok {
		t.Fatal("accepted")
	}
	secret, err := Open(path).Add("ci") // another process: another Store
	if err != nil {
		t.Fatal(err)
	}
	if _, name, ok := running.Check(secret); !ok || name != "ci" {
		t.Fatal("a token added by another store is refused")
	}
	for i := range 3 { // several changes in a row, each seen
		s2, err := Open(path).Add("n" + string(rune('a'+i)))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, ok := running.Check(s2); !ok {
			t.Fatalf("change %d not seen", i)
		}
	}
	if err := Open(path).Remove("ci"); err != nil {
		t.Fatal(err)
	}
	if _, _, ok := running.Check(secret); ok {
		t.Fatal("a token removed by another store is accepted")
	}
}

func TestNames(t *testing.T) {
	s, path := newStore(t)
	for _, bad := range []string{"", "a b", "tab\there", "new\nline", "nul\x00", "esc\x1b[31m", "rlo\u202e", "-lead", ".lead", strings.Repeat("a", MaxName+1), "bad\xffutf8", "a/b", "a;b"} {
		if _, err := s.Add(bad); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("Add(%q): %v", bad, err)
		} else if strings.ContainsAny(err.Error(), "\x00\x1b\n\t\u202e") {
			t.Errorf("Add(%q): the error repeats control characters: %q", bad, err)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Error("refused names wrote the file")
	}
	for _, good := range []string{"demo", "ci-bot", "alice@hub.example", "张三", "v1.2_x", strings.Repeat("a", MaxName)} {
		if _, err := s.Add(good); err != nil {
			t.Errorf("Add(%q): %v", good, err)
		}
	}
}

// TestBadFileRefusesAll: a token file that is not valid refuses every token
// and is not overwritten by a change.
func TestBadFileRefusesAll(t *testing.T) {
	s, path := newStore(t)
	secret, err := s.Add("alice")
	if err != nil {
		t.Fatal(err)
	}
	good, _ := os.ReadFile(path)
	for name, body := range map[string]string{
		"not json":      `{"tokens": [`,
		"unknown field": strings.Replace(string(good), `"name"`, `"nom": 1, "name"`, 1),
		"bad hash":      strings.Replace(string(good), `"sha256": "`, `"sha256": "zz`, 1),
		"duplicate":     `{"tokens":[{"name":"a","id":"1","sha256":"` + strings.Repeat("0", 64) + `"},{"name":"a","id":"2","sha256":"` + strings.Repeat("1", 64) + `"}]}`,
	} {
		if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, ok := s.Check(secret); ok {
			t.Errorf("%s: a token accepted", name)
		}
		if _, err := s.List(); err == nil {
			t.Errorf("%s: List has no error", name)
		}
		if _, err := s.Add("bob"); err == nil {
			t.Errorf("%s: Add over a bad file", name)
		}
		if b, _ := os.ReadFile(path); string(b) != body {
			t.Errorf("%s: the bad file was overwritten", name)
		}
	}
}

// TestConcurrentAdds: commands adding tokens at once lose none of them.
func TestConcurrentAdds(t *testing.T) {
	_, path := newStore(t)
	var wg sync.WaitGroup
	secrets := make([]string, 8)
	for i := range secrets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if secrets[i], err = Open(path).Add("t" + string(rune('a'+i))); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s := Open(path)
	for i, sec := range secrets {
		if _, _, ok := s.Check(sec); !ok {
			t.Errorf("token %d lost", i)
		}
	}
	if _, err := os.Stat(path + ".lock"); !os.IsNotExist(err) {
		t.Error("the lock file is left behind")
	}
	if m, _ := filepath.Glob(filepath.Join(filepath.Dir(path), ".tokens-*")); len(m) != 0 {
		t.Errorf("temporary files left: %v", m)
	}
}

// TestCheckIsConstantTime keeps Check's comparison constant-time: it uses
// crypto/subtle and looks at every stored hash, whichever matches (no
// return or break inside the loop).
func TestCheckIsConstantTime(t *testing.T) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "token.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var check *ast.FuncDecl
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Name.Name == "Check" {
			check = fd
		}
	}
	if check == nil {
		t.Fatal("no Check")
	}
	subtle, loops := false, 0
	ast.Inspect(check.Body, func(n ast.Node) bool {
		switch x := n.(type) {
		case *ast.SelectorExpr:
			if id, ok := x.X.(*ast.Ident); ok && id.Name == "subtle" && x.Sel.Name == "ConstantTimeCompare" {
				subtle = true
			}
		case *ast.RangeStmt:
			loops++
			ast.Inspect(x.Body, func(n ast.Node) bool {
				switch y := n.(type) {
				case *ast.ReturnStmt:
					t.Errorf("%s: return inside Check's comparison loop", fset.Position(y.Pos()))
				case *ast.BranchStmt:
					t.Errorf("%s: %s inside Check's comparison loop", fset.Position(y.Pos()), y.Tok)
				}
				return true
			})
		}
		return true
	})
	if !subtle || loops != 1 {
		t.Errorf("Check: subtle.ConstantTimeCompare used %v, %d loops", subtle, loops)
	}
	// Whichever position the matching token has, it is found.
	s, _ := newStore(t)
	var secrets []string
	for i := range 5 {
		sec, err := s.Add("p" + string(rune('0'+i)))
		if err != nil {
			t.Fatal(err)
		}
		secrets = append(secrets, sec)
	}
	for i, sec := range secrets {
		if _, name, ok := s.Check(sec); !ok || name != "p"+string(rune('0'+i)) {
			t.Errorf("token %d: %q %v", i, name, ok)
		}
	}
}
