package epcis

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// baseDoc is a valid document of one event.
const baseDoc = `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument",` +
	`"schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent",` +
	`"eventTime":"2026-01-01T00:00:00Z","eventTimeZoneOffset":"+00:00","action":"OBSERVE","bizStep":"shipping",` +
	`"epcList":["urn:epc:id:sgtin:0614141.107346.1"],"readPoint":{"id":"urn:epc:id:sgln:0614141.07346.1234"}}]}}`

// halting is the document of issue 10 that halted the chain (449 bytes
// there): its epcisBody holds "eventList" with one event and "EVENTLIST"
// empty. The schema passes it (epcisBody takes any member); the
// order-keeping parser saw one event, encoding/json's case-insensitive
// struct decoding none, and the module's consistency check failed the block.
var halting = strings.Replace(baseDoc, `}]}}`, `}],"EVENTLIST":[]}}`, 1)

// baseWith returns baseDoc with old replaced by new.
func baseWith(old, new string) string {
	if !strings.Contains(baseDoc, old) {
		panic(old)
	}
	return strings.Replace(baseDoc, old, new, 1)
}

// hostileDocuments are documents that mean different things to different
// readers, each with what its refusal must name.
var hostileDocuments = []struct {
	name  string
	raw   string
	parts []string
}{
	{"eventList and EVENTLIST (issue 10)", halting,
		[]string{"/epcisBody", `"EVENTLIST"`, `"eventList"`, "case folding"}},
	{"EventList alone", baseWith(`"eventList"`, `"EventList"`),
		[]string{"/epcisBody/EventList", `"EventList" is the EPCIS field "eventList" written in other case`}},
	{"eventList twice", baseWith(`}]}}`, `}],"eventList":[]}}`),
		[]string{"/epcisBody", `key "eventList" repeats key "eventList"`}},
	{"eventList escaped", baseWith(`}]}}`, `}],"\u0065ventList":[]}}`),
		[]string{"/epcisBody", `key "eventList" repeats`}},
	{"eventList with a long s", baseWith(`}]}}`, `}],"eventLi\u017ft":[]}}`),
		[]string{"/epcisBody", `key "eventLi\u017ft" repeats key "eventList"`}},
	{"eventLiſt alone", baseWith(`"eventList"`, `"eventLiſt"`),
		[]string{"/epcisBody/eventLiſt", `is the EPCIS field "eventList"`}},
	{"eventTime and EventTime", baseWith(`"eventTime":"2026-01-01T00:00:00Z"`, `"eventTime":"2026-01-01T00:00:00Z","EventTime":"2020-01-01T00:00:00Z"`),
		[]string{"/epcisBody/eventList/0", `"EventTime" repeats key "eventTime"`}},
	{"EventTime alone", baseWith(`"eventTime"`, `"EventTime"`),
		[]string{"/epcisBody/eventList/0/EventTime", `the EPCIS field "eventTime"`}},
	{"bizStep twice", baseWith(`"bizStep":"shipping"`, `"bizStep":"shipping","bizStep":"receiving"`),
		[]string{"/epcisBody/eventList/0", `"bizStep" repeats key "bizStep"`}},
	{"Type of the document", baseWith(`"type":"EPCISDocument"`, `"Type":"EPCISDocument"`),
		[]string{"/Type", `the EPCIS field "type"`}},
	{"@Context", baseWith(`"@context"`, `"@Context"`),
		[]string{"/@Context", `the EPCIS field "@context"`}},
	{"readPoint ID", baseWith(`"readPoint":{"id"`, `"readPoint":{"ID"`),
		[]string{"/epcisBody/eventList/0/readPoint/ID", `the EPCIS field "id"`}},
	{"extension keys equal under Kelvin folding", baseWith(`"action"`, `"ex:k":"1","ex:\u212a":"2","action"`),
		[]string{"/epcisBody/eventList/0", `key "ex:\u212a" repeats key "ex:k"`}},
	{"extension keys equal in case", baseWith(`"action"`, `"ex:batch":"1","EX:BATCH":"2","action"`),
		[]string{"/epcisBody/eventList/0", `"EX:BATCH" repeats key "ex:batch"`}},
	{"keys equal deep in the ILMD", baseWith(`"action"`, `"ilmd":{"ex:a":{"ex:s":1,"ex:\u017f":2}},"action"`),
		[]string{"/epcisBody/eventList/0/ilmd/ex:a", `"ex:\u017f" repeats key "ex:s"`}},
	{"keys equal in a large object", baseWith(`"action"`, manyKeys(40)+`,"ex:K20":0,"action"`),
		[]string{"/epcisBody/eventList/0", `"ex:K20" repeats key "ex:k20"`}},
}

// manyKeys is n members "ex:k0":0, "ex:k1":0, … (no braces).
func manyKeys(n int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"ex:k%d":0`, i)
	}
	return sb.String()
}

// TestOneMeaning: every document of hostileDocuments is refused as
// KindInvalid naming the key and where, by ParseDocument also
// pretty-printed, and by ValidateJSON; the ledger's own rule
// (gongxu.CheckJSON) refuses those with two keys equal after unescaping or
// folding. On 3006fb6 the first made ParseDocument fail with KindInternal
// (and the chain halt), the lone "EventList" too ("1 raw events for 0
// parsed"), and most others were accepted with one reader's meaning.
func TestOneMeaning(t *testing.T) {
	if _, err := ParseDocument([]byte(baseDoc), ParseOptions{}); err != nil {
		t.Fatalf("without its second list, the document is fine: %v", err)
	}
	for _, c := range hostileDocuments {
		t.Run(c.name, func(t *testing.T) {
			raw := []byte(c.raw)
			if !json.Valid(raw) {
				t.Fatal("the test document is not JSON")
			}
			d, err := ParseDocument(raw, ParseOptions{})
			wantErr(t, err, gongxu.KindInvalid, c.parts...)
			if d != nil {
				t.Error("a document came back with the error")
			}
			// Pretty-printed, as a client may send it: the same verdict.
			_, err = ParseDocument(indent(raw), ParseOptions{})
			wantErr(t, err, gongxu.KindInvalid, c.parts[0])
			// The schema refuses a lone key in other case itself (it
			// lacks the field, or allows no such member).
			wantErr(t, ValidateJSON(raw), gongxu.KindInvalid)
			if strings.Contains(c.name, "alone") || strings.Contains(c.name, "Type") || strings.Contains(c.name, "Context") || strings.Contains(c.name, "ID") {
				return // one key, in other case: the ledger's rule sees no repeat; ParseDocument does
			}
			if gongxu.CheckJSON(raw, gongxu.DefaultJSONLimits) == nil {
				t.Error("gongxu.CheckJSON accepts what ParseDocument refuses")
			}
		})
	}
}

// indent writes raw with two spaces of indentation, keeping every key as
// written (json.Indent does not decode).
func indent(raw []byte) []byte {
	var buf bytes.Buffer
	if err := json.Indent(&buf, raw, "", "  "); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// TestExamplesWithTwoMeanings: GS1's own AssociationEvent-h example repeats
// "eventID" in one event with two values. encoding/json keeps the last, a
// first-wins reader the first: it is refused, naming the key.
func TestExamplesWithTwoMeanings(t *testing.T) {
	for f, key := range twoMeanings {
		raw := read(t, f)
		_, err := ParseDocument(raw, ParseOptions{})
		wantErr(t, err, gongxu.KindInvalid, "/epcisBody/eventList/0", fmt.Sprintf("key %q repeats key %q", key, key))
		wantErr(t, ValidateJSON(raw), gongxu.KindInvalid, key)
	}
}

// TestTooLarge: what exceeds the limits is refused as KindTooLarge naming
// where, before the schema and the hash spend work on it.
func TestTooLarge(t *testing.T) {
	epcs := func(n int, item func(i int) string) string {
		items := make([]string, n)
		for i := range items {
			items[i] = item(i)
		}
		return strings.Replace(okEvent, `["urn:epc:id:sgtin:0614141.107346.2017"]`, "["+strings.Join(items, ",")+"]", 1)
	}
	for _, c := range []struct {
		name  string
		raw   []byte
		parts []string
	}{
		// Issue 10: a 450 KB capture with 45,000 keys in one event stopped
		// blocks for ~10 s.
		{"45,000 keys in one event", doc(strings.Replace(okEvent, `"action"`, manyKeys(45_000)+`,"action"`, 1)),
			[]string{"/epcisBody/eventList/0", "an object of more than 1000 keys"}},
		{"a long key", doc(strings.Replace(okEvent, `"action"`, `"ex:`+strings.Repeat("k", 300)+`":1,"action"`, 1)),
			[]string{"/epcisBody/eventList/0", "a key of 303 bytes, over the limit of 256"}},
		{"a long string", doc(strings.Replace(okEvent, `"action"`, `"ex:s":"`+strings.Repeat("s", MaxStringBytes+1)+`","action"`, 1)),
			[]string{"/epcisBody/eventList/0/ex:s", "a string of 65537 bytes"}},
		{"too many members", doc(strings.Replace(okEvent, `"action"`, `"ex:a":[`+strings.Repeat("0,", MaxMembers)+`0],"action"`, 1)),
			[]string{"/epcisBody/eventList/0/ex:a/", "more than 100000 members"}},
		{"too many events", doc(strings.Split(strings.Repeat(okEvent+"\n", DefaultMaxEvents+1), "\n")[:DefaultMaxEvents+1]...),
			[]string{"/epcisBody/eventList", "the document holds 1001 events, the limit is 1000"}},
		{"too many identifiers", doc(epcs(MaxIdentifiers+1, func(i int) string { return fmt.Sprintf(`"urn:epc:id:sgtin:0614141.107346.%d"`, i) })),
			[]string{"/epcisBody/eventList/0", "names 10001 identifiers"}},
		// The schema validator's exact decimals: 200 of these cost it
		// 0.4 s, and one 1e10000000 made it panic.
		{"a huge exponent", doc(epcs(200, func(int) string { return "1e1000000" })),
			[]string{"/epcisBody/eventList/0/epcList/0", "the number 1e1000000 is out of range"}},
		{"an exponent the validator cannot read", doc(epcs(25, func(i int) string {
			if i == 0 {
				return "1e10000000"
			}
			return fmt.Sprint(i)
		})), []string{"/epcisBody/eventList/0/epcList/0", "out of range"}},
		{"a long number", doc(strings.Replace(okEvent, `"action"`, `"ex:n":`+strings.Repeat("9", 40)+`,"action"`, 1)),
			[]string{"/epcisBody/eventList/0/ex:n", "out of range"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseDocument(c.raw, ParseOptions{MaxBytes: len(c.raw)})
			wantErr(t, err, gongxu.KindTooLarge, c.parts...)
		})
	}
	// Within the limits: 1,000 keys in one object, 24 levels, ±99.
	ok := doc(strings.Replace(okEvent, `"action"`, manyKeys(1000-len(strings.Split(okEvent, `":`))+1)+
		`,"action"`, 1), strings.Replace(okEvent, `"action"`, `"ex:deep":`+strings.Repeat("[", 20)+"1e-99"+strings.Repeat("]", 20)+`,"action"`, 1))
	if _, err := ParseDocument(ok, ParseOptions{}); err != nil {
		t.Fatal(err)
	}
}

// TestHugeNumbersInText: a string value that reads as a number with a huge
// exponent is hashed as written; a quantity with one is not an int64. Both
// used to write out the zeros (a billion of them).
func TestHugeNumbersInText(t *testing.T) {
	for _, s := range []string{"1E-999999999", "1.5e-99999999"} {
		if got := canonicalNumber(s); got != s {
			t.Errorf("canonicalNumber(%q) = %q", s, got)
		}
	}
	if got := canonicalNumber("1e-5"); got != "0.00001" {
		t.Errorf("canonicalNumber(1e-5) = %q", got)
	}
	for _, s := range []string{"1e999999999", "1e17", "99999999999999999999"} {
		if v, ok := (Quantity{Quantity: s}).Milli(); ok {
			t.Errorf("%s: %d", s, v)
		}
	}
	for s, want := range map[string]int64{"0e999999999": 0, "1e15": 1e18, "9.2e15": 9.2e18, "0.000": 0} {
		if v, ok := (Quantity{Quantity: s}).Milli(); !ok || v != want {
			t.Errorf("%s: %d %v, want %d", s, v, ok, want)
		}
	}
	ev := strings.Replace(okEvent, `"action"`, `"ex:t":"1E-999999999","action"`, 1)
	if _, err := ParseDocument(doc(ev), ParseOptions{}); err != nil {
		t.Fatal(err)
	}
}
