package epcis

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// TestWorstDocumentsFit: the benchmark's costliest documents are what the
// limits allow in one capture: accepted, each within 512 KiB.
func TestWorstDocumentsFit(t *testing.T) {
	for _, c := range benchDocuments(t) {
		_, err := ParseDocument(c.raw, ParseOptions{MaxBytes: 512 << 10})
		switch {
		case strings.HasPrefix(c.name, "refused/"):
			wantErr(t, err, gongxu.KindTooLarge, "more than 1000 keys")
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case len(c.raw) > 512<<10:
			t.Errorf("%s: %d bytes", c.name, len(c.raw))
		}
	}
}

// TestParserKeyWorkIsLinear counts the parser's key comparisons and
// lookups: for one object of 45,000 keys (issue 10's event, with the key
// limit lifted) they are a small constant per key; the parser of 3006fb6
// compared each key with all before it, some 10⁹ comparisons.
func TestParserKeyWorkIsLinear(t *testing.T) {
	for _, n := range []int{45_000, 90_000} {
		raw := []byte("{" + manyKeys(n) + "}")
		lim := docLimits
		lim.keys, lim.members = 0, 0
		p := &jparser{b: raw, lim: lim}
		v, err := p.value(0)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.keys) != n || v.get("ex:k77").str != "0" || v.get("ex:k"+fmt.Sprint(n)) != nil {
			t.Fatalf("%d keys parsed", len(v.keys))
		}
		if p.steps > 3*n {
			t.Errorf("%d keys: %d steps, want at most %d", n, p.steps, 3*n)
		}
		// Repeated keys are found at the same cost.
		p = &jparser{b: []byte("{" + manyKeys(n) + `,"EX:K0":1}`), lim: lim}
		if _, err := p.value(0); gongxu.ErrorKind(err) != gongxu.KindInvalid || p.steps > 3*n {
			t.Errorf("%d keys and a repeat: %v, %d steps", n, err, p.steps)
		}
	}
}

// TestLinearWork: for every costly shape, parsing a document twice as large
// allocates about twice as much (a deterministic measure of work; the old
// pre-hash copied the remaining EPCs once per EPC). Time is compared by
// BenchmarkParseDocument, never asserted. Nested containers are bounded by
// CheckAggregation's step budget instead, and not in this list.
func TestLinearWork(t *testing.T) {
	if testing.Short() {
		t.Skip("parses some 3 MB")
	}
	for _, c := range []struct {
		name string
		gen  func(n int) []byte
		n    int
	}{
		{"keys", keysDoc, 20_000},
		{"events", func(n int) []byte { return eventsDoc(n, 7) }, 400},
		{"epcs", epcsDoc, 4000},
		{"packing", func(n int) []byte { return packingDoc(n, 6) }, 400},
	} {
		small, large := c.gen(c.n), c.gen(2*c.n)
		a, b := allocated(t, small), allocated(t, large)
		ratio := float64(b) / float64(a)
		t.Logf("%s: %d → %d bytes of input, %d → %d bytes allocated, ×%.2f", c.name, len(small), len(large), a, b, ratio)
		if ratio > 2.5 {
			t.Errorf("%s: twice the input allocates ×%.2f", c.name, ratio)
		}
	}
}

func allocated(t *testing.T, raw []byte) uint64 {
	t.Helper()
	if _, err := ParseDocument(raw, ParseOptions{}); err != nil { // warm: schemas compiled, pools filled
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := ParseDocument(raw, ParseOptions{})
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	return after.TotalAlloc - before.TotalAlloc
}
