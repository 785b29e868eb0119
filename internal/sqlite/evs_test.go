package sqlite

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	gongxu "github.com/gongxu-network/gongxu"
)

// jsonRoundTrip is what the JSON form of evs reads back as.
func jsonRoundTrip(t testing.TB, evs []gongxu.Event) []gongxu.Event {
	var back []gongxu.Event
	if err := json.Unmarshal(appendEvents(nil, evs), &back); err != nil {
		t.Fatal(err)
	}
	return back
}

// sameEvents compares two event lists exactly, telling a null attrs list
// from an empty one (mustJSON does: null vs []).
func sameEvents(a, b []gongxu.Event) bool {
	return mustJSON(a) == mustJSON(b) && len(a) == len(b)
}

// TestEvsSameAsJSON: a record in either form reads back as the JSON form
// did (null vs empty attrs, empty strings, long strings, non-ASCII, bytes
// that are not UTF-8: those rows are written as JSON); the binary form is
// used whenever every string is valid UTF-8, and evsSize is its length.
func TestEvsSameAsJSON(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	strs := []string{"", "a", "pool.batch", "x\"y\\", "<&>", "\u00e9\U0001F600\u2028", "\xff", "a\xc3", "\x00\n\x7f",
		strings.Repeat("q", 127), strings.Repeat("é", 64), strings.Repeat(`{"k":"v"}`, 2000)}
	for range 5000 {
		evs := randomEvents(rng, strs, 5, 4)
		rec := appendEvs(nil, evs)
		if isJSON := json.Valid(rec); (rec[0] == evsBinary) == isJSON || (rec[0] == '[') != isJSON {
			t.Fatalf("events %q: record starts with %q", evs, rec[0])
		}
		wantBinary := true
		for _, ev := range evs {
			s := ev.Type
			for _, a := range ev.Attrs {
				s += a.Key + a.Value
			}
			if strings.ToValidUTF8(s, "?") != s {
				wantBinary = false
			}
		}
		if (rec[0] == evsBinary) != wantBinary {
			t.Fatalf("events %q: binary %v, want %v", evs, rec[0] == evsBinary, wantBinary)
		}
		if wantBinary && len(rec) != evsSize(evs) {
			t.Fatalf("events %q: %d bytes, evsSize %d", evs, len(rec), evsSize(evs))
		}
		got, err := decodeEvs(rec)
		if err != nil {
			t.Fatalf("events %q: %v", evs, err)
		}
		if want := jsonRoundTrip(t, evs); !sameEvents(got, want) {
			t.Fatalf("events %q: read back %q, want %q", evs, got, want)
		}
	}
}

// TestEvsHostile: a binary record that is cut short, has bytes left over,
// a non-minimal or overlong length, a count larger than its bytes could
// hold, or a string that is not UTF-8 is an error, not a panic or a huge
// allocation; bad JSON is encoding/json's error.
func TestEvsHostile(t *testing.T) {
	good := appendEvs(nil, []gongxu.Event{{Type: "pool.batch", Attrs: []gongxu.Attr{{Key: "pool", Value: "1"}}}, {Type: "x"}})
	if _, err := decodeEvs(good); err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(good); i++ {
		if evs, err := decodeEvs(good[:i]); err == nil {
			t.Errorf("cut to %d bytes: decoded %q", i, evs)
		}
	}
	for name, rec := range map[string][]byte{
		"trailing byte":           append(append([]byte{}, good...), 0),
		"non-minimal count":       {evsBinary, 0x81, 0x00, 1, 'x', 0},
		"non-minimal length":      {evsBinary, 1, 0x81, 0x00, 'x', 0},
		"huge count":              {evsBinary, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"count past its bytes":    {evsBinary, 0x7f, 1, 'x', 0},
		"attrs past their bytes":  {evsBinary, 1, 1, 'x', 0x7f, 0, 0},
		"string past its bytes":   {evsBinary, 1, 5, 'x', 0},
		"overlong varint":         {evsBinary, 1, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01},
		"not UTF-8 type":          {evsBinary, 1, 1, 0xff, 0},
		"not UTF-8 value":         {evsBinary, 1, 1, 'x', 2, 1, 'k', 1, 0xc3},
		"empty":                   {},
		"bad JSON":                []byte(`[{"type":`),
		"JSON not an array":       []byte(`{"type":"x"}`),
		"unknown form":            {0x02, 0},
		"binary, no count":        {evsBinary},
		"event with no attr byte": {evsBinary, 1, 1, 'x'},
	} {
		if evs, err := decodeEvs(rec); err == nil {
			t.Errorf("%s: decoded %q", name, evs)
		}
	}
}

// FuzzEvs: any record decodes or fails without panicking; a binary record
// that decodes is the one appendEvs writes for its events (one encoding a
// value); and any events (from the fuzzer's strings) read back as the JSON
// form gives them.
func FuzzEvs(f *testing.F) {
	f.Add(appendEvs(nil, []gongxu.Event{{Type: "pool.batch", Attrs: []gongxu.Attr{{Key: "json", Value: `{"a":"<b>"}`}}}, {Type: "x"}}), "k", "v", true)
	f.Add([]byte(`[{"type":"a","attrs":null}]`), "\xff", "\u2028", false)
	f.Add([]byte{evsBinary, 0}, "", "", true)
	f.Fuzz(func(t *testing.T, rec []byte, k, v string, withAttrs bool) {
		if evs, err := decodeEvs(rec); err == nil && len(rec) > 0 && rec[0] == evsBinary {
			if again := appendEvs(nil, evs); string(again) != string(rec) {
				t.Fatalf("record %x decodes to %q, which encodes as %x", rec, evs, again)
			}
		}
		evs := []gongxu.Event{{Type: k}, {Type: v, Attrs: []gongxu.Attr{{Key: k, Value: v}, {Key: v, Value: string(rec)}}}}
		if withAttrs {
			evs[0].Attrs = []gongxu.Attr{}
		}
		got, err := decodeEvs(appendEvs(nil, evs))
		if err != nil {
			t.Fatal(err)
		}
		if want := jsonRoundTrip(t, evs); !sameEvents(got, want) {
			t.Fatalf("events %q: read back %q, want %q", evs, got, want)
		}
	})
}

// BenchmarkDecodeEvs reads a hub-batch tx's events record (benchBlock's)
// in the binary form and in the JSON form (what Tx, RecentTxs and Events
// decode per tx row). Metrics: ns per record of each, and bytes.
func BenchmarkDecodeEvs(b *testing.B) {
	evs := benchBlock(1).Txs[0].Events
	for _, c := range []struct {
		name string
		rec  []byte
	}{{"binary", appendEvs(nil, evs)}, {"json", appendEvents(nil, evs)}} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := decodeEvs(c.rec); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(c.rec)), "bytes")
		})
	}
}
