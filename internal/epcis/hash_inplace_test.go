package epcis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// deepCorrectCopying is deepCorrect as it was before it worked in place: a
// new node for every node of the tree. The in-place one must give the same
// pre-hash string for every event (TestDeepCorrectInPlaceSame,
// FuzzDeepCorrectInPlace).
func deepCorrectCopying(n *node) *node {
	kids := n.children
	var listNames []string
	lists := map[string][]*node{}
	var rest []*node
	for _, c := range kids {
		if !c.pair && strings.HasSuffix(c.name, "List") {
			if _, ok := lists[c.name]; !ok {
				listNames = append(listNames, c.name)
			}
			lists[c.name] = append(lists[c.name], &node{name: strings.TrimSuffix(c.name, "List"), value: c.value, children: c.children})
			continue
		}
		rest = append(rest, c)
	}
	kids = rest
	for _, name := range listNames {
		els := lists[name]
		if pairLists[name] {
			pairs := make([]*node, 0, len(els))
			for _, e := range els {
				p := &node{pair: true}
				for i := 0; i < len(e.children) && i < 2; i++ {
					p.children = append(p.children, e.children[i])
				}
				pairs = append(pairs, p)
			}
			kids = append(kids, &node{name: name, children: pairs})
		} else {
			kids = append(kids, &node{name: name, children: els})
		}
	}
	var epcs []*node
	rest = kids[:0:0]
	for _, c := range kids {
		if !c.pair && c.name == "childEPCs" {
			epcs = append(epcs, &node{name: "epc", value: c.value})
			continue
		}
		rest = append(rest, c)
	}
	kids = rest
	if len(epcs) > 0 {
		kids = append(kids, &node{name: "childEPCs", children: epcs})
	}
	out := make([]*node, 0, len(kids))
	for _, c := range kids {
		if c.pair || pairLists[c.name] {
			out = append(out, c)
			continue
		}
		out = append(out, deepCorrectCopying(c))
	}
	name := n.name
	switch {
	case name == "inputEPC" || name == "outputEPC":
		name = "epc"
	case name == "inputQuantity" || name == "outputQuantity" || name == "childQuantity" || (name == "quantity" && len(out) > 0):
		name = "quantityElement"
	}
	return &node{name: name, value: n.value, children: out, pair: n.pair}
}

// preHashBoth is preHash with the in-place deepCorrect and with the copying
// one, each on a tree of its own.
func preHashBoth(ev, ctx *jv) (inPlace, copying string) {
	mk := func() *node {
		ns := namespacesFrom(ctx)
		if c := ev.get("@context"); c != nil {
			addNamespaces(ns, c)
		}
		t := &treeMaker{ns: ns, bare: bareVocabulary(ev)}
		return t.toTree(ev, true)
	}
	return eventPreHash(deepCorrect(mk())), eventPreHash(deepCorrectCopying(mk()))
}

// sameDeepCorrect parses data as a document (or an event) and requires
// both deepCorrects to give each event the same pre-hash; it reports how
// many events it compared.
func sameDeepCorrect(t *testing.T, name string, data []byte) int {
	t.Helper()
	root, err := parseJV(data, docLimits)
	if err != nil || root.kind != 'o' {
		return 0
	}
	ctx := root.get("@context")
	var events []*jv
	if body := root.get("epcisBody"); body != nil && body.kind == 'o' {
		if l := body.get("eventList"); l != nil && l.kind == 'a' {
			events = l.items
		}
		if q := body.get("queryResults"); q != nil && q.kind == 'o' {
			if r := q.get("resultsBody"); r != nil && r.kind == 'o' {
				if l := r.get("eventList"); l != nil && l.kind == 'a' {
					events = append(events, l.items...)
				}
			}
		}
	} else {
		events = []*jv{root}
	}
	n := 0
	for i, ev := range events {
		if ev.kind != 'o' {
			continue
		}
		a, b := preHashBoth(ev, ctx)
		if a != b {
			t.Fatalf("%s event %d: in place\n%s\ncopying\n%s", name, i, a, b)
		}
		n++
	}
	return n
}

// TestDeepCorrectInPlaceSame: the same pre-hash strings for every event of
// the GS1 examples and the reference vectors (lists, pairs, childEPCs,
// quantities, sensors, extensions).
func TestDeepCorrectInPlaceSame(t *testing.T) {
	var files []string
	for _, pattern := range []string{examplesDir + "/*.jsonld", examplesDir + "/*/*.jsonld", "testdata/hashref/*.jsonld"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	n := 0
	for _, p := range files {
		raw, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		n += sameDeepCorrect(t, filepath.Base(p), raw)
		// and with every "List" key written without it, and every key
		// given one, to reach the regrouping's other paths
		n += sameDeepCorrect(t, p+" (no List)", []byte(strings.ReplaceAll(string(raw), `List"`, `"`)))
		n += sameDeepCorrect(t, p+" (List)", []byte(strings.ReplaceAll(string(raw), `":`, `List":`)))
	}
	if n < 60 {
		t.Fatalf("only %d events compared", n)
	}
	t.Logf("%d events", n)
}

// FuzzDeepCorrectInPlace holds the in-place deepCorrect to the copying one
// on any document.
//
//	go test -run '^$' -fuzz '^FuzzDeepCorrectInPlace$' -fuzztime 30s ./internal/epcis/
func FuzzDeepCorrectInPlace(f *testing.F) {
	fuzzSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		sameDeepCorrect(t, "fuzz", data)
	})
}
