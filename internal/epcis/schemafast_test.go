package epcis

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// fastAndLibrary judges a document both ways: the fast path's verdict and
// whether the library validator finds it valid. ok is false when the
// document does not get as far as the schema (syntax, limits, one meaning).
func fastAndLibrary(t testing.TB, raw []byte) (fast verdict, lib bool, ok bool) {
	t.Helper()
	root, err := parseJV(raw, exportLimits)
	if err != nil {
		return 0, false, false
	}
	if checkOneMeaning(raw, exportLimits) != nil {
		return 0, false, false
	}
	f, err := fastSchema()
	if err != nil {
		t.Fatal(err)
	}
	return f.check(root, 0), validateValue(toAny(root)) == nil, true
}

// agreeFast fails t when the fast path is sure and wrong: it accepts what
// the library refuses, or refuses what the library accepts. Unsure is
// allowed (the library then decides); it returns the verdict.
func agreeFast(t testing.TB, name string, raw []byte) (verdict, bool) {
	t.Helper()
	fast, lib, ok := fastAndLibrary(t, raw)
	if !ok {
		return fUnsure, false
	}
	switch {
	case fast == fOK && !lib:
		t.Fatalf("%s: the fast path accepts what the library refuses (%v):\n%s", name, validateValue(mustAny(t, raw)), clip(raw))
	case fast == fBad && lib:
		t.Fatalf("%s: the fast path refuses what the library accepts:\n%s", name, clip(raw))
	}
	return fast, lib
}

func mustAny(t testing.TB, raw []byte) any {
	root, err := parseJV(raw, exportLimits)
	if err != nil {
		t.Fatal(err)
	}
	return toAny(root)
}

func clip(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// mutations are hostile edits of one value of a document, by its place in
// the source: wrong types, extra and missing fields, bad enumerations and
// their case variants, empty and duplicated list items.
func mutations(raw []byte, v *jv) [][]byte {
	splice := func(s string) []byte {
		out := make([]byte, 0, len(raw)+len(s))
		out = append(out, raw[:v.start]...)
		out = append(out, s...)
		return append(out, raw[v.end:]...)
	}
	insertAt := func(at int, s string) []byte {
		out := make([]byte, 0, len(raw)+len(s))
		out = append(out, raw[:at]...)
		out = append(out, s...)
		return append(out, raw[at:]...)
	}
	var out [][]byte
	for _, s := range []string{`1`, `-1.5`, `1.0`, `"x"`, `""`, `true`, `null`, `[]`, `{}`, `["x"]`, `[1]`, `{"a":1}`} {
		out = append(out, splice(s))
	}
	src := string(raw[v.start:v.end])
	switch v.kind {
	case 's':
		q := func(s string) string { b, _ := json.Marshal(s); return string(b) }
		out = append(out, splice(q(strings.ToUpper(v.str))), splice(q(strings.ToLower(v.str))),
			splice(q(v.str+"x")), splice(q(" "+v.str)), splice(q(strings.Title(v.str))),
			splice(q("urn:"+v.str)), splice(q("https://ref.gs1.org/cbv/BizStep-"+v.str)))
		if i := strings.LastIndexAny(v.str, ":-/"); i >= 0 {
			out = append(out, splice(q(v.str[i+1:])), splice(q(v.str[:i])))
		}
		out = append(out, splice("["+src+"]"), splice(`{"@id":`+src+`}`))
	case 'o':
		if len(v.keys) > 0 {
			out = append(out, insertAt(v.start+1, `"extraField":1,`), insertAt(v.start+1, `"ex:extra":"x",`),
				insertAt(v.start+1, `"type":"ObjectEvent",`), insertAt(v.start+1, `"@context":"x",`))
			// Drop each member in turn: re-written from the tree.
			for i := range v.keys {
				var sb bytes.Buffer
				sb.WriteByte('{')
				first := true
				for j, k := range v.keys {
					if j == i {
						continue
					}
					if !first {
						sb.WriteByte(',')
					}
					first = false
					kb, _ := json.Marshal(k)
					sb.Write(kb)
					sb.WriteByte(':')
					sb.Write(raw[v.vals[j].start:v.vals[j].end])
				}
				sb.WriteByte('}')
				out = append(out, splice(sb.String()))
			}
		}
		out = append(out, splice("["+src+"]"))
	case 'a':
		if len(v.items) > 0 {
			first := string(raw[v.items[0].start:v.items[0].end])
			out = append(out, insertAt(v.start+1, first+","), insertAt(v.start+1, `1,`), insertAt(v.start+1, `null,`),
				splice("["+first+"]"))
		}
	case 'n':
		out = append(out, splice(src+"0"), splice("-"+src), splice(src+".5"), splice(src+"e2"), splice(`"`+src+`"`))
	}
	return out
}

// walkJV visits every value of a tree.
func walkJV(v *jv, visit func(*jv)) {
	visit(v)
	for _, c := range v.vals {
		walkJV(c, visit)
	}
	for _, c := range v.items {
		walkJV(c, visit)
	}
}

// TestSchemaFastDifferential compares the fast path with the library
// validator on every GS1 example and on hostile mutations of every value of
// every example: the fast path may be unsure (the library then decides) but
// never wrong, and it is sure of every valid example, so a capture does not
// pay for the library.
func TestSchemaFastDifferential(t *testing.T) {
	files := examples(t)
	var docs, sure, unsureValid, unsureInvalid, valid, invalid int
	for _, p := range files {
		raw := read(t, p)
		fast, lib := agreeFast(t, p, raw)
		if !lib || fast != fOK {
			t.Fatalf("%s: fast %d, library valid %v: every example is valid, and sure", p, fast, lib)
		}
		root, err := parseJV(raw, exportLimits)
		if err != nil {
			t.Fatal(err)
		}
		// Every value of every example with GONGXU_SCHEMA_FULL=1 (some
		// 42,000 documents, minutes); otherwise about 12 values of each,
		// spread over the document.
		nodes := 0
		walkJV(root, func(*jv) { nodes++ })
		step := 1
		if os.Getenv("GONGXU_SCHEMA_FULL") == "" {
			step = max(1, nodes/12)
		}
		i := 0
		walkJV(root, func(v *jv) {
			i++
			if i%step != 0 {
				return
			}
			for _, m := range mutations(raw, v) {
				fast, lib, ok := fastAndLibrary(t, m)
				if !ok {
					continue
				}
				docs++
				agreeFast(t, p, m)
				switch {
				case fast != fUnsure:
					sure++
				case lib:
					unsureValid++
				default:
					unsureInvalid++
				}
				if lib {
					valid++
				} else {
					invalid++
				}
			}
		})
	}
	t.Logf("%d mutated documents: %d valid, %d invalid; the fast path sure of %d, unsure of %d valid and %d invalid",
		docs, valid, invalid, sure, unsureValid, unsureInvalid)
	if valid == 0 || invalid == 0 || sure == 0 {
		t.Fatal("the mutations do not reach both verdicts")
	}
	// Nearly every valid mutation must take the fast path: an unsure valid
	// document is correct but pays for both validators.
	if unsureValid*100 > valid {
		t.Fatalf("the fast path is unsure of %d of %d valid documents", unsureValid, valid)
	}
}

// TestSchemaFastHostile: documents the fast path must judge as the library
// does, among them the shapes it refuses to judge itself.
func TestSchemaFastHostile(t *testing.T) {
	cases := map[string]string{
		"bizStep case":        strings.Replace(okEvent, `"action"`, `"bizStep":"Shipping","action"`, 1),
		"bizStep ok":          strings.Replace(okEvent, `"action"`, `"bizStep":"shipping","action"`, 1),
		"action case":         strings.Replace(okEvent, `"OBSERVE"`, `"observe"`, 1),
		"epcList dup":         strings.Replace(okEvent, `"action"`, `"epcList":["urn:epc:id:sgtin:0614141.107346.1","urn:epc:id:sgtin:0614141.107346.1"],"action"`, 1),
		"epcList number":      strings.Replace(okEvent, `"action"`, `"epcList":[1],"action"`, 1),
		"eventTime number":    strings.Replace(okEvent, `"action"`, `"eventTime":5,"action"`, 1),
		"extra field":         strings.Replace(okEvent, `"action"`, `"unknownField":5,"action"`, 1),
		"extension field":     strings.Replace(okEvent, `"action"`, `"ex:field":{"a":[1,2]},"action"`, 1),
		"quantity string":     strings.Replace(okEvent, `"action"`, `"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":"5"}],"action"`, 1),
		"quantity ok":         strings.Replace(okEvent, `"action"`, `"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":5.5,"uom":"KGM"}],"action"`, 1),
		"readPoint no id":     strings.Replace(okEvent, `"action"`, `"readPoint":{},"action"`, 1),
		"sensor dup objects":  strings.Replace(okEvent, `"action"`, `"certificationInfo":[{"a":1},{"a":1.0}],"action"`, 1),
		"null disposition":    strings.Replace(okEvent, `"action"`, `"disposition":null,"action"`, 1),
		"bizTransaction list": strings.Replace(okEvent, `"action"`, `"bizTransactionList":[{"type":"po","bizTransaction":"urn:epcglobal:cbv:bt:0614141073467:1152"},{"type":"PO","bizTransaction":"x"}],"action"`, 1),
	}
	for name, ev := range cases {
		for _, raw := range [][]byte{doc(ev), []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],` + ev[1:])} {
			agreeFast(t, name, raw)
			// And the combined check says what the library says.
			root, err := parseJV(raw, exportLimits)
			if err != nil {
				continue
			}
			got, want := validateJV(root), validateValue(toAny(root))
			if (got == nil) != (want == nil) || (got != nil && got.Error() != want.Error()) {
				t.Fatalf("%s: validateJV %v, library %v", name, got, want)
			}
		}
	}
	// A long list of equal non-strings under uniqueItems: unsure, so the
	// library decides, and refuses.
	var items []string
	for range maxFastUnique + 2 {
		items = append(items, `{"a":1}`)
	}
	long := doc(strings.Replace(okEvent, `"action"`, `"certificationInfo":[`+strings.Join(items, ",")+`],"action"`, 1))
	agreeFast(t, "long unique", long)
}

// FuzzSchemaFast: on any document, the fast path is never sure and wrong.
//
//	go test -run '^$' -fuzz '^FuzzSchemaFast$' -fuzztime 30s ./internal/epcis/
func FuzzSchemaFast(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, v := range variants(data) {
			if len(v) > 64<<10 {
				continue
			}
			agreeFast(t, "fuzz", v)
		}
	})
}

// compactLikeEncodingJSON fails t unless dropSpace writes json.Compact's
// bytes for valid JSON.
func compactLikeEncodingJSON(t *testing.T, raw []byte) {
	t.Helper()
	if !json.Valid(raw) {
		dropSpace(raw) // no panic
		return
	}
	var want bytes.Buffer
	if err := json.Compact(&want, raw); err != nil {
		t.Fatal(err)
	}
	got, ok := dropSpace(raw)
	if !ok || !bytes.Equal(got, want.Bytes()) {
		t.Fatalf("dropSpace(%q) = %q, %v; json.Compact %q", clip(raw), clip(got), ok, clip(want.Bytes()))
	}
}

// TestDropSpace: checkOneMeaning's compaction is json.Compact's on every
// GS1 example and on whitespace and escapes in and out of strings.
func TestDropSpace(t *testing.T) {
	for _, p := range examples(t) {
		compactLikeEncodingJSON(t, read(t, p))
	}
	for _, s := range []string{`{}`, ` { "a" : [ 1 ,	2 ] }` + "\r\n", `{"a":" \t x \\" y \\\\"}`, `" "`, `"\\\\"`, `["\u2028 <&>"]`} {
		compactLikeEncodingJSON(t, []byte(s))
	}
	if _, ok := dropSpace([]byte(`{"a":"b`)); ok {
		t.Fatal("dropSpace accepts an unterminated string")
	}
	if _, ok := dropSpace([]byte(`"\`)); ok {
		t.Fatal("dropSpace accepts an unterminated escape")
	}
}

// FuzzDropSpace: on valid JSON dropSpace is json.Compact.
//
//	go test -run '^$' -fuzz '^FuzzDropSpace$' -fuzztime 30s ./internal/epcis/
func FuzzDropSpace(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(compactLikeEncodingJSON)
}

// uriFormat is the library's "uri" format check, as the compiled GS1
// schema holds it.
func uriFormat(t testing.TB) func(any) error {
	f, err := fastSchema()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[*fastNode]bool{}
	var found func(any) error
	var walk func(n *fastNode)
	walk = func(n *fastNode) {
		if n == nil || seen[n] || found != nil {
			return
		}
		seen[n] = true
		if n.uriFormat {
			found = n.format
			return
		}
		for _, c := range []*fastNode{n.ref, n.not, n.ifS, n.thenS, n.elseS, n.addl, n.propNames, n.items, n.addlItems} {
			walk(c)
		}
		for _, l := range [][]*fastNode{n.allOf, n.anyOf, n.oneOf, n.itemsList} {
			for _, c := range l {
				walk(c)
			}
		}
		for _, c := range n.props {
			walk(c)
		}
	}
	walk(f)
	if found == nil {
		t.Fatal("no uri format in the GS1 schema")
	}
	return found
}

// uriAgrees fails t when opaqueURI accepts what the library's format
// refuses.
func uriAgrees(t testing.TB, format func(any) error, s string) {
	t.Helper()
	if opaqueURI(s) && format(s) != nil {
		t.Fatalf("opaqueURI(%q) accepts what the uri format refuses: %v", s, format(s))
	}
}

// TestOpaqueURI: the shortcut accepts only what net/url (the library's uri
// format) accepts, and it does accept the identifiers of a capture.
func TestOpaqueURI(t *testing.T) {
	format := uriFormat(t)
	for _, s := range []string{"urn:epc:id:sgtin:0614141.107346.2017", "urn:uuid:6ba7b810-9dad-11d1-80b4-00c04fd430c8",
		"urn:epcglobal:cbv:bizstep:shipping", "a:", "x:?", "urn:a?b", "urn:%zz", "urn:a b"} {
		if !opaqueURI(s) {
			t.Fatalf("opaqueURI(%q) = false", s)
		}
		uriAgrees(t, format, s)
	}
	for _, s := range []string{"", ":", "1a:b", "urn", "urn:/a", "https://ref.gs1.org/cbv/BizStep-shipping", "urn:a#b", "urn:a#%zz",
		"urn:a\x00", "urn:a\x7f", "ur n:a", "-a:b", "ab_c:d", "urn://x", "/a:b"} {
		if opaqueURI(s) {
			t.Fatalf("opaqueURI(%q) = true", s)
		}
	}
}

// FuzzOpaqueURI: opaqueURI never accepts what the uri format refuses.
//
//	go test -run '^$' -fuzz '^FuzzOpaqueURI$' -fuzztime 30s ./internal/epcis/
func FuzzOpaqueURI(f *testing.F) {
	for _, s := range []string{"urn:epc:id:sgtin:0614141.107346.2017", "urn:a#b", "a:/b", "urn:a?b#c", "x+y-z.w:q", "urn:[::1]"} {
		f.Add(s)
	}
	format := uriFormat(f)
	f.Fuzz(func(t *testing.T, s string) {
		uriAgrees(t, format, s)
		if !strings.Contains(s, ":") && format(s) == nil {
			t.Fatalf("the uri format accepts %q, which has no colon", s)
		}
	})
}

// BenchmarkSchema is the GS1 schema check alone on a parsed document: the
// library validator on its map[string]any copy (as ParseDocument did before
// issue 17) against the fast path on the parser's tree (as it does now).
//
//	go test -run '^$' -bench Schema -benchtime 100x ./internal/epcis/
func BenchmarkSchema(b *testing.B) {
	f, err := fastSchema()
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range benchDocuments(b) {
		if strings.HasPrefix(c.name, "refused/") || strings.HasPrefix(c.name, "keys/") {
			continue
		}
		root, err := parseJV(c.raw, docLimits)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.name+"/library", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if err := validateValue(toAny(root)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/fast", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if !fastValid(f, root) {
					b.Fatal("not sure")
				}
			}
		})
	}
}

// TestURIWithoutScheme: the fast path refuses a string without a colon
// under the uri format for sure; the library's format does too.
func TestURIWithoutScheme(t *testing.T) {
	format := uriFormat(t)
	for _, s := range []string{"", "shipping", "in_transit", "a/b", "//host/x", "?q", "#f", "%zz", "\x00", "urn"} {
		if format(s) == nil {
			t.Fatalf("the uri format accepts %q", s)
		}
	}
}

// TestSchemaFastConcurrent: the fast path is shared by every goroutine that
// parses (mempool checks next to block execution); run with -race.
func TestSchemaFastConcurrent(t *testing.T) {
	f, err := fastSchema()
	if err != nil {
		t.Fatal(err)
	}
	var roots []*jv
	for _, raw := range [][]byte{eventsDoc(20, 3), packingDoc(5, 2), read(t, examplesDir+"/WithFullCombinationOfFields/object_event_all_possible_fields.jsonld")} {
		root, err := parseJV(raw, docLimits)
		if err != nil {
			t.Fatal(err)
		}
		roots = append(roots, root)
	}
	done := make(chan bool)
	for g := range 4 {
		go func() {
			ok := true
			for i := range 20 {
				ok = ok && fastValid(f, roots[(g+i)%len(roots)])
			}
			done <- ok
		}()
	}
	for range 4 {
		if !<-done {
			t.Fatal("a valid document not found valid")
		}
	}
}
