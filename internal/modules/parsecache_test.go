package modules

import (
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/trace"
)

// gs1Examples reads GS1's example documents (the conformance material of
// internal/epcis) and two of the ledger's own, one with a record time.
func gs1Examples(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	files, err := filepath.Glob("../epcis/testdata/gs1/examples/*.jsonld")
	if err != nil || len(files) < 5 {
		t.Fatalf("GS1 examples: %v, %d files", err, len(files))
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs[filepath.Base(f)] = b
	}
	docs["record time"] = []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-02-01T00:00:00Z","epcisBody":{"eventList":[` +
		`{"type":"ObjectEvent","eventTime":"2026-02-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.1"]},` +
		`{"type":"ObjectEvent","eventTime":"2026-01-31T00:00:00Z","recordTime":"2026-02-02T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.2"]}]}}`)
	return docs
}

type parsed struct {
	evs []gongxu.TraceEvent
	err string
}

func parseWith(p EPCIS, doc []byte, now int64, maxBytes int) parsed {
	evs, err := p.Parse(doc, now, maxBytes)
	r := parsed{evs: evs}
	if err != nil {
		r.err = fmt.Sprintf("%v %v", gongxu.ErrorKind(err), err)
	}
	return r
}

// TestParseCacheSameResults: whatever the cache holds, Parse gives what the
// parser gives without it, at every time (the future-time check is the one
// check that depends on it), for documents that pass and that fail.
func TestParseCacheSameResults(t *testing.T) {
	docs := gs1Examples(t)
	docs["not json"] = []byte(`{"type":`)
	docs["no events"] = []byte(`{"type":"EPCISDocument"}`)
	var nows []int64
	for _, d := range []time.Time{
		time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2005, 7, 11, 0, 0, 0, 0, time.UTC),
		time.Date(2013, 6, 30, 0, 0, 0, 0, time.UTC), time.Date(2019, 10, 21, 0, 0, 0, 0, time.UTC),
		time.Date(2026, 1, 31, 23, 56, 0, 0, time.UTC), time.Date(2026, 2, 1, 23, 56, 0, 0, time.UTC),
		time.Date(2026, 2, 2, 0, 0, 0, 0, time.UTC), time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		nows = append(nows, d.UnixMilli())
	}
	plain := EPCIS{}
	for _, order := range []string{"ascending", "descending"} {
		cached := NewEPCIS()
		ns := nows
		if order == "descending" {
			ns = nil
			for i := len(nows) - 1; i >= 0; i-- {
				ns = append(ns, nows[i])
			}
		}
		failures, hits, failedHits := 0, 0, 0
		for name, doc := range docs {
			for _, now := range ns {
				for _, max := range []int{trace.MaxDocumentBytes, 600} {
					want := parseWith(plain, doc, now, max)
					_, _, hit := cached.cache.get(parseKey{sum: sha256.Sum256(doc), maxBytes: max})
					got := parseWith(cached, doc, now, max)
					if !reflect.DeepEqual(got, want) {
						t.Fatalf("%s, %s, hit %v, now %d, max %d:\ncached %+v\nparser %+v", order, name, hit, now, max, got, want)
					}
					if hit && want.err != "" {
						failedHits++
					}
					if want.err != "" {
						failures++
					}
					if got.err == "" {
						// What the caller does to the events does not reach the cache.
						for i := range got.evs {
							e := &got.evs[i]
							e.ID, e.Org, e.Seq = "changed", "changed", 99
							for k := range e.EPCs {
								e.EPCs[k] = "changed"
							}
							for k := range e.Quantities {
								e.Quantities[k].Class = "changed"
							}
							if len(e.Raw) > 0 {
								e.Raw[0] = 'X'
							}
						}
						again := parseWith(cached, doc, now, max)
						if !reflect.DeepEqual(again, want) {
							t.Fatalf("%s after the caller changed its copy: %+v, want %+v", name, again, want)
						}
						hits++
					}
				}
			}
		}
		if failures == 0 || hits == 0 || (order == "descending" && failedHits == 0) {
			t.Fatalf("%s: %d failures, %d hits, %d failed hits: the test covers nothing", order, failures, hits, failedHits)
		}
	}
}

// TestParseCacheBound: the cache holds at most its bound of documents,
// least recently used out first, and keeps none over a quarter of it.
func TestParseCacheBound(t *testing.T) {
	c := newParseCache(4000)
	p := EPCIS{cache: c}
	doc := func(i int) []byte {
		return []byte(fmt.Sprintf(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-02-01T00:00:00Z",`+
			`"eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":["urn:epc:id:sgtin:0614141.107346.%d"]}`, i))
	}
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	size := len(doc(100))
	for i := 100; i < 200; i++ {
		if _, err := p.Parse(doc(i), now, trace.MaxDocumentBytes); err != nil {
			t.Fatal(err)
		}
		if c.bytes > c.max {
			t.Fatalf("the cache holds %d bytes, over its bound of %d", c.bytes, c.max)
		}
	}
	if want := c.max / size; c.len() != want {
		t.Fatalf("the cache holds %d documents of %d bytes, want %d", c.len(), size, want)
	}
	// The newest are kept, the oldest gone.
	if _, _, ok := c.get(parseKeyOf(doc(199))); !ok {
		t.Fatal("the newest document is not kept")
	}
	if _, _, ok := c.get(parseKeyOf(doc(100))); ok {
		t.Fatal("the oldest document is still kept")
	}
	var epcs []string
	for i := 0; i < 40; i++ {
		epcs = append(epcs, fmt.Sprintf(`"urn:epc:id:sgtin:0614141.107346.%d"`, 1000+i))
	}
	big := []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"ObjectEvent","eventTime":"2026-02-01T00:00:00Z",` +
		`"eventTimeZoneOffset":"+00:00","action":"OBSERVE","epcList":[` + strings.Join(epcs, ",") + `]}`)
	n := c.len()
	if len(big) <= c.max/4 {
		t.Fatalf("the big document is %d bytes", len(big))
	}
	if _, err := p.Parse(big, now, trace.MaxDocumentBytes); err != nil {
		t.Fatal(err)
	}
	if c.len() != n {
		t.Fatal("a document over a quarter of the bound was kept")
	}
}

func parseKeyOf(doc []byte) parseKey {
	return parseKey{sum: sha256.Sum256(doc), maxBytes: trace.MaxDocumentBytes}
}
