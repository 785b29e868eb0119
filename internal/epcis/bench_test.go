package epcis

import (
	"os"
	"strings"
	"testing"
)

// benchDocuments are a typical GS1 example next to the costliest documents
// the limits allow in one capture (≤ 512 KiB, the trace module's limit),
// each at two sizes: the time per byte (MB/s) stays the same when the
// document doubles, which is what linear means.
func benchDocuments(tb testing.TB) []struct {
	name string
	raw  []byte
} {
	typical, err := os.ReadFile(examplesDir + "/Example_9.6.1-ObjectEvent.jsonld")
	if err != nil {
		tb.Fatal(err)
	}
	full, err := os.ReadFile(examplesDir + "/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld")
	if err != nil {
		tb.Fatal(err)
	}
	return []struct {
		name string
		raw  []byte
	}{
		{"typical/GS1-9.6.1", typical},
		{"typical/GS1-all-fields", full},
		{"keys/22500", keysDoc(22_500)},
		{"keys/45000", keysDoc(45_000)},     // issue 10's 45,000 keys in one event, in objects of 1,000
		{"events/100x4", eventsDoc(100, 4)}, // as bench trace captures them (issue 17)
		{"events/500x7", eventsDoc(500, 7)},
		{"events/1000x7", eventsDoc(1000, 7)}, // 1,000 events, as many EPCs as fit
		{"epcs/5000", epcsDoc(5000)},
		{"epcs/10000", epcsDoc(MaxIdentifiers)}, // one event, the most identifiers
		{"packing/500x6", packingDoc(500, 6)},
		{"packing/1000x6", packingDoc(1000, 6)},
		{"nesting/500", nestingDoc(500)},
		{"nesting/1000", nestingDoc(1000)},
		// Refused: issue 10's event, 45,000 keys in one object.
		{"refused/45000-keys", doc(strings.Replace(okEvent, `"action"`, shortKeys(45_000)+`,"action"`, 1))},
	}
}

// BenchmarkParseDocument is ParseDocument's whole work on one captured
// document: parse, one-meaning checks, GS1 schema, decoding, event hashes,
// aggregation cycles.
//
//	go test -run '^$' -bench ParseDocument -benchtime 20x ./internal/epcis/
func BenchmarkParseDocument(b *testing.B) {
	if _, err := rootSchema(); err != nil { // compiled once per process, not per document
		b.Fatal(err)
	}
	for _, c := range benchDocuments(b) {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.raw)))
			b.ReportAllocs()
			for b.Loop() {
				_, err := ParseDocument(c.raw, ParseOptions{MaxBytes: 512 << 10})
				if (err != nil) != strings.HasPrefix(c.name, "refused/") {
					b.Fatal(err)
				}
			}
		})
	}
}
