package epcis

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

const examplesDir = "testdata/gs1/examples"

// twoMeanings lists the GS1 examples that hold an object with a key twice,
// by the key: readers disagree on what they say (encoding/json and Python
// keep the last value, others the first or refuse), so ParseDocument and
// ValidateJSON refuse them, as the ledger's gongxu.CheckJSON does
// (TestExamplesWithTwoMeanings).
var twoMeanings = map[string]string{
	examplesDir + "/AssociationEvent/AssociationEvent-h.jsonld": "eventID",
}

// examples returns every example document GS1 ships, walking subfolders,
// except those of twoMeanings.
func examples(t *testing.T) []string {
	t.Helper()
	var files []string
	err := filepath.WalkDir(examplesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && strings.HasSuffix(p, ".jsonld") && twoMeanings[filepath.ToSlash(p)] == "" {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) < 25 {
		t.Fatalf("only %d examples under %s", len(files), examplesDir)
	}
	return files
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func parse(t *testing.T, path string) *Document {
	t.Helper()
	doc, err := ParseDocument(read(t, path), ParseOptions{})
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// wantErr checks err is a *gongxu.Error of kind k whose message holds every
// one of parts.
func wantErr(t *testing.T, err error, k gongxu.Kind, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s", k)
	}
	if got := gongxu.ErrorKind(err); got != k {
		t.Fatalf("kind %s, want %s: %v", got, k, err)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not mention %q", err, p)
		}
	}
}
