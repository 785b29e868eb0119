package epcis

import (
	"fmt"
	"strings"
)

// Documents of the shapes that cost most within the limits, by size, for
// the benchmarks (bench_test.go), the linearity test and the fuzz seeds.

const genHead = `{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld",{"ex":"https://ex.example/ns/"}],` +
	`"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2026-01-01T00:00:00Z","epcisBody":{"eventList":[`

func genDoc(events []string) []byte {
	return []byte(genHead + strings.Join(events, ",") + `]}}`)
}

// shortKeys is n members "a0":0, "a1":0, … (no braces): issue 10's
// 450 KB event of 45,000 keys.
func shortKeys(n int) string {
	var sb strings.Builder
	for i := range n {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `"a%d":0`, i)
	}
	return sb.String()
}

func sgtin(i int) string { return fmt.Sprintf("urn:epc:id:sgtin:0614141.107346.%d", i) }

func sscc(i int) string { return fmt.Sprintf("urn:epc:id:sscc:0614141.%010d", i) }

// objectEvent is an ObjectEvent at second s naming the given EPCs, with
// extra members (written with their leading comma).
func objectEvent(s int, epcs []string, extra string) string {
	return fmt.Sprintf(`{"type":"ObjectEvent","eventTime":"2026-01-01T00:00:%02d.%03dZ","eventTimeZoneOffset":"+08:00",`+
		`"action":"OBSERVE","bizStep":"shipping","disposition":"in_transit","readPoint":{"id":"urn:epc:id:sgln:0614141.07346.1234"},`+
		`"epcList":["%s"]%s}`, s/1000%60, s%1000, strings.Join(epcs, `","`), extra)
}

// keysDoc is one event with n extension keys, in objects of MaxObjectKeys
// keys (issue 10's event of 45,000 keys, as the limits allow it).
func keysDoc(n int) []byte {
	var sb strings.Builder
	for o := 0; n > 0; o++ {
		k := min(n, MaxObjectKeys)
		n -= k
		fmt.Fprintf(&sb, `,"ex:o%d":{`, o)
		for i := range k {
			if i > 0 {
				sb.WriteByte(',')
			}
			fmt.Fprintf(&sb, `"k%d":%d`, i, i)
		}
		sb.WriteByte('}')
	}
	return genDoc([]string{objectEvent(0, []string{sgtin(1)}, sb.String())})
}

// eventsDoc is n ObjectEvents of k EPCs each.
func eventsDoc(n, k int) []byte {
	events := make([]string, n)
	for i := range events {
		epcs := make([]string, k)
		for j := range epcs {
			epcs[j] = sgtin(i*k + j)
		}
		events[i] = objectEvent(i, epcs, "")
	}
	return genDoc(events)
}

// epcsDoc is one event of n EPCs.
func epcsDoc(n int) []byte {
	epcs := make([]string, n)
	for i := range epcs {
		epcs[i] = sgtin(i)
	}
	return genDoc([]string{objectEvent(0, epcs, "")})
}

// packingDoc is n AggregationEvents packing bottom-up, as goods are packed:
// each puts the container of the one before, and k items, into a new one.
func packingDoc(n, k int) []byte {
	events := make([]string, n)
	for i := range events {
		kids := []string{sscc(i)}
		for j := range k {
			kids = append(kids, sgtin(i*k+j))
		}
		events[i] = aggregationEvent(i, sscc(i+1), kids)
	}
	return genDoc(events)
}

// nestingDoc is n AggregationEvents nesting top-down: each puts a new
// container into the one put in last, so each parent is inside all the
// ones before (CheckAggregation's costliest order).
func nestingDoc(n int) []byte {
	events := make([]string, n)
	for i := range events {
		events[i] = aggregationEvent(i, sscc(i), []string{sscc(i + 1)})
	}
	return genDoc(events)
}

func aggregationEvent(s int, parent string, children []string) string {
	return fmt.Sprintf(`{"type":"AggregationEvent","eventTime":"2026-01-01T00:00:%02d.%03dZ","eventTimeZoneOffset":"+08:00",`+
		`"action":"ADD","bizStep":"packing","parentID":"%s","childEPCs":["%s"]}`, s/1000%60, s%1000, parent, strings.Join(children, `","`))
}
