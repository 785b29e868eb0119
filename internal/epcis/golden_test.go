package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/parse.golden")

// TestParseGolden pins what every GS1 example and every reference vector
// document parses to, field by field (a sha-256 of the Document as JSON,
// Raw and hashes included): a change in the parser that changes what a
// document means, or the bytes the ledger keeps, shows here.
func TestParseGolden(t *testing.T) {
	files := examples(t)
	vectors, _ := filepath.Glob("testdata/hashref/*.jsonld")
	files = append(files, vectors...)
	var out strings.Builder
	for _, f := range files {
		b, err := json.Marshal(parse(t, f))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		out.WriteString(filepath.ToSlash(f) + " " + hex.EncodeToString(sum[:]) + "\n")
	}
	const golden = "testdata/parse.golden"
	if *update {
		if err := os.WriteFile(golden, []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want := string(read(t, golden))
	if got := out.String(); got != want {
		wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
		for i := range max(len(wl), len(gl)) {
			var w, g string
			if i < len(wl) {
				w = wl[i]
			}
			if i < len(gl) {
				g = gl[i]
			}
			if w != g {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		}
	}
}
