package epcis

import (
	"crypto/sha256"
	"encoding/hex"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// The CBV 2.0 EPCIS Event Hash ID (CBV 2.0, "EPCIS Event Hash ID").
//
// The hash is sha-256 over a pre-hash string that lists the event's fields
// in the canonical property order, as key=value with no separators, lists
// sorted, timestamps in UTC at millisecond precision, numbers without
// trailing zeros, CBV values as Web URIs, GS1 identifiers as constrained
// canonical Digital Link URIs, then ILMD, extensions inside standard fields
// and event-level extensions as {namespace}name=value, sorted. recordTime,
// eventID, errorDeclaration and certificationInfo are left out: an error
// declaration therefore has the hash of the event it corrects.
//
// Where the standard's prose is ambiguous this follows GS1's reference
// implementation (github.com/RalphTro/epcis-event-hash-generator, the CBV2.0
// profile of its 2025 version), whose published test vectors the tests
// check. Known differences, all on input the GS1 schema allows but no
// example uses:
//   - bare CBV values (bizStep "shipping") are expanded by field (bizStep,
//     disposition, persistentDisposition, business transaction, source and
//     destination types, sensor type, exception and component), not by the
//     reference's document-wide JSON-LD heuristic, so an event's hash never
//     depends on the other events of its document;
//   - an "@context" inside an event only adds namespace prefixes (the
//     reference hashes it as if it were an extension), and a document
//     @context that is a single object declares prefixes too (the reference
//     reads only a list);
//   - a business transaction, source or destination without a type hashes
//     as its identifier alone (the reference fails on it);
//   - a timestamp without a UTC offset is read as UTC (the reference reads
//     it in the machine's local time zone);
//   - a text value that reads as a decimal with more than 1,000 zeros after
//     the point ("1E-999999999") is hashed as written (the reference writes
//     the zeros out).

// HashVersion is the CBV version the event hash follows.
const HashVersion = "CBV2.0"

// EventHash returns the CBV 2.0 event hash ID of one event, given as its JSON
// object, read with the namespace prefixes of context (the document's
// "@context"; nil when none): "ni:///sha-256;<hex>?ver=CBV2.0".
func EventHash(event []byte, context []byte) (string, error) {
	pre, err := PreHash(event, context)
	if err != nil {
		return "", err
	}
	return hashID(pre), nil
}

func hashID(pre string) string {
	sum := sha256.Sum256([]byte(pre))
	return "ni:///sha-256;" + hex.EncodeToString(sum[:]) + "?ver=" + HashVersion
}

// PreHash returns the pre-hash string of an event (see EventHash), for
// debugging and for comparing with other implementations.
//
// The event and the context are read as ParseDocument reads a document:
// one meaning (no key twice, also after unescaping or case folding) and
// the limits of ojson.go; errors are KindInvalid or KindTooLarge.
func PreHash(event []byte, context []byte) (string, error) {
	ev, err := parseJV(event, docLimits)
	if err != nil {
		return "", err
	}
	if ev.kind != 'o' {
		return "", gongxu.Errorf(gongxu.KindInvalid, "epcis: an event must be a JSON object")
	}
	var ctx *jv
	if len(context) > 0 {
		if ctx, err = parseJV(context, docLimits); err != nil {
			return "", gongxu.Errorf(gongxu.ErrorKind(err), "epcis: @context: %s", gongxu.ErrorMessage(err))
		}
	}
	return preHash(ev, ctx), nil
}

// preHash computes the pre-hash string of a parsed event. It does not
// change ev. Its work is O(n log n) in the size of the event.
func preHash(ev *jv, docContext *jv) string {
	ns := namespacesFrom(docContext)
	if c := ev.get("@context"); c != nil {
		addNamespaces(ns, c)
	}
	t := &treeMaker{ns: ns, bare: bareVocabulary(ev)}
	root := t.toTree(ev, true)
	root = deepCorrect(root)
	return eventPreHash(root)
}

// --- namespaces -------------------------------------------------------------

var wellKnownNamespaces = map[string]string{
	"gs1":    "https://ref.gs1.org/voc/",
	"cbv":    "https://ref.gs1.org/cbv/",
	"epcis":  "https://ref.gs1.org/epcis/",
	"cbvmda": "urn:epcglobal:cbv:mda",
}

// namespacesFrom maps CURIE prefixes to namespaces: the well-known GS1 ones,
// then those the @context declares (gs1 always stays
// https://ref.gs1.org/voc/, as in the reference).
func namespacesFrom(ctx *jv) map[string]string {
	ns := map[string]string{}
	for p, u := range wellKnownNamespaces {
		ns[p] = u
	}
	if ctx != nil {
		addNamespaces(ns, ctx)
	}
	ns["gs1"] = wellKnownNamespaces["gs1"]
	return ns
}

func addNamespaces(ns map[string]string, ctx *jv) {
	for _, c := range ctx.list() {
		switch c.kind {
		case 's':
			ns[c.str] = c.str
		case 'o':
			for i, k := range c.keys {
				if v := c.vals[i]; v.kind == 's' {
					ns[k] = v.str
				}
			}
		}
	}
	ns["gs1"] = wellKnownNamespaces["gs1"]
}

// expandKey turns "prefix:name" into "{namespace}name" when the prefix is
// known.
func expandKey(ns map[string]string, k string) string {
	if p, rest, ok := strings.Cut(k, ":"); ok {
		if u, ok := ns[p]; ok {
			return "{" + u + "}" + rest
		}
	}
	return k
}

// expandValueCURIE expands a CURIE value only for GS1's own vocabularies
// (rule 15); other CURIEs stay as written.
func expandValueCURIE(ns map[string]string, v string) string {
	if p, rest, ok := strings.Cut(v, ":"); ok {
		if u, ok := ns[p]; ok && (strings.HasPrefix(u, "https://ref.gs1.org") || strings.HasPrefix(u, "https://gs1.org")) {
			return u + rest
		}
	}
	return v
}

// --- bare CBV values (rule 16) ------------------------------------------------

const (
	cbvWeb = "https://ref.gs1.org/cbv/"
	gs1Voc = "https://ref.gs1.org/voc/"
)

// bareVocabulary returns the expanded text of the event's bare CBV values,
// by the value they replace.
func bareVocabulary(ev *jv) map[*jv]string {
	out := map[*jv]string{}
	bare := func(v *jv, prefix string) {
		if v != nil && v.kind == 's' && v.str != "" && !strings.Contains(v.str, ":") {
			out[v] = prefix + v.str
		}
	}
	bare(ev.get("bizStep"), cbvWeb+"BizStep-")
	bare(ev.get("disposition"), cbvWeb+"Disp-")
	if pd := ev.get("persistentDisposition"); pd != nil {
		for _, k := range []string{"set", "unset"} {
			for _, v := range pd.get(k).list() {
				bare(v, cbvWeb+"Disp-")
			}
		}
	}
	for _, bt := range ev.get("bizTransactionList").list() {
		bare(bt.get("type"), cbvWeb+"BTT-")
	}
	for _, l := range []string{"sourceList", "destinationList"} {
		for _, sd := range ev.get(l).list() {
			bare(sd.get("type"), cbvWeb+"SDT-")
		}
	}
	if ed := ev.get("errorDeclaration"); ed != nil {
		bare(ed.get("reason"), cbvWeb+"ER-")
	}
	for _, se := range ev.get("sensorElementList").list() {
		for _, sr := range se.get("sensorReport").list() {
			bare(sr.get("type"), gs1Voc)
			bare(sr.get("exception"), gs1Voc)
			bare(sr.get("component"), cbvWeb+"Comp-")
		}
	}
	return out
}

// --- the tree ---------------------------------------------------------------

// node is one element of an event as the reference implementation sees it:
// a name, a text value and children. pair nodes hold the (first two) fields
// of one business transaction, source or destination, in written order.
type node struct {
	name     string
	value    string
	children []*node
	pair     bool
	drop     bool // used up by the property order (inOrder, eventPreHash)
}

// treeMaker converts an event's JSON into the tree, with the namespaces
// in scope and the expanded text of its bare CBV values.
type treeMaker struct {
	ns   map[string]string
	bare map[*jv]string
	slab []node // the tree's nodes, allocated 32 at a time
}

// newNode returns a zero node of the tree being made.
func (t *treeMaker) newNode() *node {
	if len(t.slab) == cap(t.slab) {
		t.slab = make([]node, 0, 32)
	}
	t.slab = t.slab[:len(t.slab)+1]
	return &t.slab[len(t.slab)-1]
}

// toTree converts JSON into the tree: object keys become children (a list
// value gives one child per item, all with the key's name), CURIE keys
// become {namespace}name, and every object's children are sorted, except an
// object holding a bizTransaction, source or destination, whose fields keep
// their order.
func (t *treeMaker) toTree(v *jv, event bool) *node {
	ns := t.ns
	n := t.newNode()
	switch v.kind {
	case 'a':
		n.children = make([]*node, 0, len(v.items))
		for _, it := range v.items {
			n.children = append(n.children, t.toTree(it, false))
		}
		keep := false
		for _, it := range v.items {
			if it.kind == 's' && (it.str == "bizTransaction" || it.str == "source" || it.str == "destination") {
				keep = true
			}
		}
		if !keep {
			sortNodes(n.children)
		}
	case 'o':
		if t := v.get("type"); t != nil && t.kind == 's' {
			n.name = t.str
		}
		if t := v.get("#text"); t != nil && t.kind == 's' {
			n.value = t.str
		}
		n.children = make([]*node, 0, len(v.keys))
		for i, k := range v.keys {
			val := v.vals[i]
			switch {
			case k == "#text" || k == "rdfs:comment" || k == "comment":
				continue
			case event && k == "@context":
				continue
			case strings.HasPrefix(k, "@xmlns"):
				if val.kind == 's' {
					ns[strings.TrimPrefix(k[len("@xmlns"):], ":")] = val.str
				}
				continue
			}
			// The child nodes toTree just made are this object's own: each
			// is renamed to the key (a list gives one per item) rather than
			// copied into a new node.
			child := t.toTree(val, false)
			key := expandKey(ns, k)
			if val.kind == 'a' {
				for _, el := range child.children {
					el.name = key
					n.children = append(n.children, el)
				}
			} else {
				child.name = key
				n.children = append(n.children, child)
			}
		}
		if !v.has("bizTransaction") && !v.has("source") && !v.has("destination") {
			sortNodes(n.children)
		}
	case 's':
		s := v.str
		if b, ok := t.bare[v]; ok {
			s = b
		}
		n.value = expandValueCURIE(ns, s)
	case 'n':
		n.value = pyNumber(v.str)
	case 'b':
		n.value = v.str
	case 'z':
		n.value = "None" // str(None), as the reference writes a JSON null
	}
	return n
}

func sortNodes(ns []*node) {
	slices.SortStableFunc(ns, compareNodes)
}

// compareNodes orders nodes as Python orders (name, value, children) tuples.
func compareNodes(a, b *node) int {
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	if c := strings.Compare(a.value, b.value); c != 0 {
		return c
	}
	for i := 0; i < len(a.children) && i < len(b.children); i++ {
		if c := compareNodes(a.children[i], b.children[i]); c != 0 {
			return c
		}
	}
	return len(a.children) - len(b.children)
}

var pairLists = map[string]bool{"bizTransactionList": true, "sourceList": true, "destinationList": true}

// deepCorrect maps the JSON shape onto the XML data model the hash is
// defined on: the items of "xxxList" become children "xxx" of one "xxxList"
// node (business transactions, sources and destinations as pairs),
// childEPCs items become "epc" children of one "childEPCs" node,
// inputEPC/outputEPC become "epc" and quantity elements "quantityElement".
func deepCorrect(n *node) *node {
	// The tree is the event's own, made fresh by toTree, each node reachable
	// once: deepCorrect renames and regroups it in place, allocating only the
	// nodes the XML model adds (a list's node, a pair, a childEPCs' epc).
	kids := n.children
	hasList, hasEPCs := false, false
	for _, c := range kids {
		if !c.pair {
			hasList = hasList || strings.HasSuffix(c.name, "List")
			hasEPCs = hasEPCs || c.name == "childEPCs"
		}
	}
	if hasList {
		var listNames []string
		lists := map[string][]*node{}
		rest := make([]*node, 0, len(kids))
		for _, c := range kids {
			if !c.pair && strings.HasSuffix(c.name, "List") {
				name := c.name
				if _, ok := lists[name]; !ok {
					listNames = append(listNames, name)
				}
				c.name = strings.TrimSuffix(name, "List")
				lists[name] = append(lists[name], c)
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
	}
	if hasEPCs {
		var epcs []*node
		rest := kids[:0:0]
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
	}
	for _, c := range kids {
		if !c.pair && !pairLists[c.name] {
			deepCorrect(c)
		}
	}
	switch name := n.name; {
	case name == "inputEPC" || name == "outputEPC":
		n.name = "epc"
	case name == "inputQuantity" || name == "outputQuantity" || name == "childQuantity" || (name == "quantity" && len(kids) > 0):
		n.name = "quantityElement"
	}
	n.children = kids
	n.drop = false
	return n
}

// --- the canonical property order --------------------------------------------

type ord struct {
	name string
	sub  []ord
}

var (
	quantityOrder = []ord{{name: "quantityElement", sub: []ord{{name: "epcClass"}, {name: "quantity"}, {name: "uom"}}}}
	epcOrder      = []ord{{name: "epc"}}
	// pairOrder marks the lists of (type, identifier) pairs: it has a
	// sub-order, but no element matches it.
	pairOrder = []ord{{name: "\x00pair"}}

	propOrder = []ord{
		{name: "eventTime"},
		{name: "eventTimeZoneOffset"},
		{name: "epcList", sub: epcOrder},
		{name: "parentID"},
		{name: "inputEPCList", sub: epcOrder},
		{name: "childEPCs", sub: epcOrder},
		{name: "quantityList", sub: quantityOrder},
		{name: "childQuantityList", sub: quantityOrder},
		{name: "inputQuantityList", sub: quantityOrder},
		{name: "outputEPCList", sub: epcOrder},
		{name: "outputQuantityList", sub: quantityOrder},
		{name: "action"},
		{name: "transformationID"},
		{name: "bizStep"},
		{name: "disposition"},
		{name: "persistentDisposition", sub: []ord{{name: "set"}, {name: "unset"}}},
		{name: "readPoint", sub: []ord{{name: "id"}}},
		{name: "bizLocation", sub: []ord{{name: "id"}}},
		{name: "bizTransactionList", sub: pairOrder},
		{name: "sourceList", sub: pairOrder},
		{name: "destinationList", sub: pairOrder},
		{name: "sensorElementList", sub: []ord{{name: "sensorElement", sub: sensorOrder}}},
	}

	// sensorOrder is the property order inside a sensorElement.
	sensorOrder = []ord{
		{name: "sensorMetadata", sub: names("time", "startTime", "endTime", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "bizRules")},
		{name: "sensorReport", sub: names("type", "exception", "deviceID", "deviceMetadata", "rawData", "dataProcessingMethod", "time",
			"microorganism", "chemicalSubstance", "value", "component", "stringValue", "booleanValue", "hexBinaryValue", "uriValue",
			"minValue", "maxValue", "meanValue", "sDev", "percRank", "percValue", "uom", "coordinateReferenceSystem")},
	}

	notHashed = map[string]bool{"recordTime": true, "eventID": true, "type": true, "errorDeclaration": true, "certificationInfo": true}
)

// ordNames returns the names in the sub-order of the entry name of order.
func ordNames(order []ord, name string) []string {
	var out []string
	for _, o := range order {
		if o.name == name {
			for _, s := range o.sub {
				out = append(out, s.name)
			}
		}
	}
	return out
}

func names(ns ...string) []ord {
	out := make([]ord, len(ns))
	for i, n := range ns {
		out[i] = ord{name: n}
	}
	return out
}

// --- the pre-hash string -------------------------------------------------------

func eventPreHash(ev *node) string {
	standard := inOrder(&ev.children, propOrder)

	var ilmd []*node
	ev.children = without(ev.children, func(c *node) bool {
		if !c.pair && c.name == "ilmd" {
			ilmd = append(ilmd, c)
			return true
		}
		return false
	})
	ilmdStr := ""
	if len(ilmd) > 0 {
		ilmdStr = generic(ilmd)
	}

	var fieldParts []string
	dropped := false
	for _, o := range propOrder {
		if o.sub == nil {
			continue
		}
		for _, c := range ev.children {
			if c.pair || c.name != o.name {
				continue
			}
			if inner := fieldExtensions(c.children, o.sub); inner != "" {
				fieldParts = append(fieldParts, displayName(o.name)+inner)
				c.drop, dropped = true, true
			}
		}
	}
	if dropped {
		ev.children = without(ev.children, func(x *node) bool { return x.drop })
	}

	rest := without(ev.children, func(c *node) bool { return !c.pair && notHashed[c.name] })
	eventExt := ""
	if len(rest) > 0 {
		eventExt = generic(rest)
	}
	return "eventType=" + ev.name + standard + ilmdStr + strings.Join(fieldParts, "") + eventExt
}

// inOrder emits the children of *list that order names, in that order, and
// removes from *list every child it has fully used; what is left are the
// extensions. The names of an order differ, so a child used up by one name
// is never looked at by the next, and the removal is one pass at the end.
func inOrder(list *[]*node, order []ord) string {
	var pre strings.Builder
	dropped := false
	var vals []string // reused from one name to the next: each is written out before
	for _, o := range order {
		vals = vals[:0]
		for _, c := range *list {
			if c.pair || c.name != o.name {
				continue
			}
			if s := childPreHash(c, o.sub); s != "" {
				vals = append(vals, s)
			}
			if len(c.children) == 0 {
				c.drop, dropped = true, true
			}
		}
		sort.Strings(vals)
		for _, v := range vals {
			pre.WriteString(v)
		}
	}
	if dropped {
		*list = without(*list, func(x *node) bool { return x.drop })
	}
	return pre.String()
}

func childPreHash(c *node, sub []ord) string {
	text, grand := "", ""
	if sub != nil {
		if len(c.children) > 0 && allPairs(c.children) {
			grand = generic(c.children)
			c.children = nil
		} else {
			grand = inOrder(&c.children, sub)
		}
	}
	if c.value != "" {
		text = pyStrip(c.value)
		if isTimeName(c.name) {
			text = hashTime(text)
		} else {
			text = canonizeValue(text)
		}
	}
	switch {
	case text != "":
		return displayName(c.name) + "=" + text + grand // one allocation
	case grand == "":
		return ""
	}
	return displayName(c.name) + grand
}

// isTimeName reports whether a field's value is hashed as a time: its name,
// lower-cased, says "time" and not "offset". An ASCII name (every name of
// the standard, and most extensions) is folded in place, without the copy
// strings.ToLower makes; any other goes through strings.ToLower, whose
// Unicode folding (U+0130 to i, U+212A to k) decides as before.
func isTimeName(name string) bool {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			lower := strings.ToLower(name)
			return strings.Contains(lower, "time") && !strings.Contains(lower, "offset")
		}
	}
	return containsFoldASCII(name, "time") && !containsFoldASCII(name, "offset")
}

// containsFoldASCII reports whether s holds sub (lower-case ASCII) in any
// case, s being ASCII.
func containsFoldASCII(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		j := 0
		for ; j < len(sub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				break
			}
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// displayName: CBV 2.0 has no "sensorElementList" wrapper in the pre-hash.
func displayName(name string) string {
	if name == "sensorElementList" {
		return ""
	}
	return name
}

// fieldExtensions renders the user extensions left inside a standard field
// with an extension point (readPoint, bizLocation, sensorElement,
// sensorMetadata, sensorReport), prefixed by the path of standard field
// names, in property order.
func fieldExtensions(children []*node, order []ord) string {
	var parts []string
	for _, o := range order {
		if o.sub == nil {
			continue
		}
		for _, c := range named(children, o.name) {
			if inner := fieldExtensions(c.children, o.sub); inner != "" {
				parts = append(parts, displayName(o.name)+inner)
			}
		}
	}
	var direct []*node
	for _, c := range children {
		if !c.pair && strings.Contains(c.name, "{") && strings.Contains(c.name, "/}") {
			direct = append(direct, c)
		}
	}
	if len(direct) > 0 {
		parts = append(parts, generic(direct))
	}
	return strings.Join(parts, "")
}

// generic renders nodes outside the property order (ILMD, extensions) and
// the (type, identifier) pairs: name=value followed by the children, sorted
// among siblings, except where a sibling is a bizTransaction, source or
// destination (their written order is kept).
func generic(children []*node) string {
	vals := make([]string, 0, len(children))
	for _, c := range children {
		if c.pair {
			vals = append(vals, generic(c.children))
			continue
		}
		entry := c.name
		if text := pyStrip(c.value); text != "" {
			entry += "=" + canonizeValue(text)
		}
		entry += generic(c.children)
		vals = append(vals, entry)
	}
	if len(children) > 1 && shouldSort(children) {
		sort.Strings(vals)
	}
	return strings.Join(vals, "")
}

func shouldSort(children []*node) bool {
	for _, c := range children {
		if !c.pair && (c.name == "bizTransaction" || c.name == "source" || c.name == "destination") {
			return false
		}
	}
	return true
}

func allPairs(ns []*node) bool {
	for _, n := range ns {
		if !n.pair {
			return false
		}
	}
	return true
}

func named(list []*node, name string) []*node {
	var out []*node
	for _, c := range list {
		if !c.pair && c.name == name {
			out = append(out, c)
		}
	}
	return out
}

func without(list []*node, drop func(*node) bool) []*node {
	out := list[:0:0]
	for _, c := range list {
		if !drop(c) {
			out = append(out, c)
		}
	}
	return out
}

// --- value canonicalisation ----------------------------------------------------

// canonizeValue applies rules 14, 6/7 and 17/18 to one value: CBV URNs
// become CBV Web URIs, numbers lose trailing zeros, GS1 identifiers become
// constrained canonical Digital Link URIs.
func canonizeValue(text string) string {
	if strings.Contains(text, cbvURNPrefix) { // what every pattern of cbvURNToWeb starts with
		text = cbvURNToWeb.Replace(text)
	}
	text = canonicalNumber(text)
	if dl, ok := refNormalise(text); ok {
		return dl
	}
	return text
}

// cbvURNPrefix starts every pattern of cbvURNToWeb: a text without it is
// left as it is, and the replacer (which allocates twice even then) is not
// run.
const cbvURNPrefix = "urn:epcglobal:cbv:"

var cbvURNToWeb = strings.NewReplacer(
	"urn:epcglobal:cbv:bizstep:", cbvWeb+"BizStep-",
	"urn:epcglobal:cbv:disp:", cbvWeb+"Disp-",
	"urn:epcglobal:cbv:btt:", cbvWeb+"BTT-",
	"urn:epcglobal:cbv:sdt:", cbvWeb+"SDT-",
	"urn:epcglobal:cbv:er:", cbvWeb+"ER-",
)

// pyStrip trims what Python's str.strip trims.
func pyStrip(s string) string {
	return strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) })
}

// canonicalNumber rewrites a decimal number as the reference does with
// Python's Decimal: a whole number as an integer ("23.0" → "23", "007" →
// "7"; one written with a positive exponent keeps Decimal's scientific form,
// "1E3" → "1E+3"), any other number in plain notation without trailing zeros
// ("0.50" → "0.5"). Anything that is not a finite decimal number is returned
// unchanged.
func canonicalNumber(s string) string {
	neg, coef, exp, ok := parseDecimal(s)
	if !ok {
		return s
	}
	sign := ""
	if neg {
		sign = "-"
	}
	trimmed := strings.TrimLeft(coef, "0")
	if trimmed == "" {
		trimmed = "0"
	}
	integral := exp >= 0 || strings.Trim(tail(coef, -exp), "0") == ""
	if integral {
		if exp > 0 {
			// str(Decimal) of a whole number with a positive exponent.
			out := sign + trimmed[:1]
			if len(trimmed) > 1 {
				out += "." + trimmed[1:]
			}
			return out + "E+" + strconv.Itoa(exp+len(trimmed)-1)
		}
		if exp == 0 {
			return sign + trimmed
		}
		whole := strings.TrimLeft(coef[:max(0, len(coef)+exp)], "0")
		if whole == "" {
			whole = "0"
		}
		return sign + whole
	}
	// normalize() and format 'f'.
	d := strings.TrimLeft(coef, "0")
	for strings.HasSuffix(d, "0") {
		d = d[:len(d)-1]
		exp++
	}
	if len(d) > -exp {
		return sign + d[:len(d)+exp] + "." + d[len(d)+exp:]
	}
	if -exp-len(d) > maxPlainZeros {
		return s // "1E-999999999": the reference would write a billion zeros
	}
	return sign + "0." + strings.Repeat("0", -exp-len(d)) + d
}

// maxPlainZeros bounds the zeros canonicalNumber writes after the point: a
// text value such as "1E-999999999" (a string, so no limit on numbers
// applies) stays as written, where the reference would expand it.
const maxPlainZeros = 1000

func tail(s string, n int) string {
	if n >= len(s) {
		return s
	}
	return s[len(s)-n:]
}

// parseDecimal reads Python's Decimal string syntax (finite numbers only):
// sign, digits with an optional point, optional exponent, and single
// underscores between digits. coef holds all digits written, exp the power
// of ten of its last digit.
func parseDecimal(s string) (neg bool, coef string, exp int, ok bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	readDigits := func() (string, bool) {
		start := i
		var sb strings.Builder
		for i < len(s) {
			switch c := s[i]; {
			case c >= '0' && c <= '9':
				sb.WriteByte(c)
				i++
			case c == '_' && i > start && i+1 < len(s) && s[i-1] >= '0' && s[i-1] <= '9' && s[i+1] >= '0' && s[i+1] <= '9':
				i++
			default:
				return sb.String(), true
			}
		}
		return sb.String(), true
	}
	intPart, _ := readDigits()
	frac := ""
	if i < len(s) && s[i] == '.' {
		i++
		frac, _ = readDigits()
	}
	if intPart == "" && frac == "" {
		return false, "", 0, false
	}
	e := 0
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		eneg := false
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			eneg = s[i] == '-'
			i++
		}
		ed, _ := readDigits()
		if ed == "" || len(ed) > 9 {
			return false, "", 0, false
		}
		e, _ = strconv.Atoi(ed)
		if eneg {
			e = -e
		}
	}
	if i != len(s) {
		return false, "", 0, false
	}
	return neg, intPart + frac, e - len(frac), true
}

// pyNumber renders a JSON number as Python's json module and str() do: an
// integer exactly, any other number as repr(float).
func pyNumber(lit string) string {
	if !strings.ContainsAny(lit, ".eE") {
		if strings.TrimLeft(lit, "-0") == "" {
			return "0"
		}
		return lit
	}
	f, err := strconv.ParseFloat(lit, 64)
	switch {
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	case err != nil:
		return lit
	}
	return pyFloatRepr(f)
}

// pyFloatRepr is Python's repr of a float: the shortest digits that round
// trip, in fixed notation with at least one decimal when the exponent is in
// [-5, 16), scientific otherwise.
func pyFloatRepr(f float64) string {
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±XX
	sign := ""
	if strings.HasPrefix(e, "-") {
		sign, e = "-", e[1:]
	}
	mant, expStr, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(expStr)
	if x < -4 || x >= 16 {
		out := digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		es := strconv.Itoa(abs(x))
		if len(es) < 2 {
			es = "0" + es
		}
		if x < 0 {
			return sign + out + "e-" + es
		}
		return sign + out + "e+" + es
	}
	if x >= 0 {
		if len(digits) <= x+1 {
			return sign + digits + strings.Repeat("0", x+1-len(digits)) + ".0"
		}
		return sign + digits[:x+1] + "." + digits[x+1:]
	}
	return sign + "0." + strings.Repeat("0", -x-1) + digits
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// hashTime writes a timestamp in UTC at millisecond precision (rules 8, 9):
// more digits are rounded half up after truncation to microseconds, as the
// reference does. A value that is not a timestamp is returned unchanged.
func hashTime(s string) string {
	t, ok := parseTimestamp(s)
	if !ok {
		return s
	}
	micro := t.Nanosecond() / 1000
	ms := (micro + 500) / 1000
	t = t.Truncate(time.Second).Add(time.Duration(ms) * time.Millisecond).UTC()
	return t.Format("2006-01-02T15:04:05.000Z")
}

// parseTimestamp reads an ISO 8601 date-time: YYYY-MM-DD, 'T' (or a space),
// hh:mm[:ss[.fraction]], then Z, ±hh:mm, ±hhmm or ±hh (none: UTC). The
// fraction is cut to microseconds.
func parseTimestamp(s string) (time.Time, bool) {
	num := func(p string) (int, bool) {
		if !digits(p) {
			return 0, false
		}
		v, err := strconv.Atoi(p)
		return v, err == nil
	}
	if len(s) < 16 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' {
		return time.Time{}, false
	}
	y, ok1 := num(s[0:4])
	mo, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	h, ok4 := num(s[11:13])
	mi, ok5 := num(s[14:16])
	if !(ok1 && ok2 && ok3 && ok4 && ok5) {
		return time.Time{}, false
	}
	rest := s[16:]
	sec, nsec := 0, 0
	if strings.HasPrefix(rest, ":") {
		if len(rest) < 3 {
			return time.Time{}, false
		}
		var ok bool
		if sec, ok = num(rest[1:3]); !ok {
			return time.Time{}, false
		}
		rest = rest[3:]
		if strings.HasPrefix(rest, ".") || strings.HasPrefix(rest, ",") {
			j := 1
			for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
				j++
			}
			f := rest[1:j]
			if f == "" {
				return time.Time{}, false
			}
			f = (f + "000000")[:6]
			us, _ := strconv.Atoi(f)
			nsec = us * 1000
			rest = rest[j:]
		}
	}
	loc := time.UTC
	switch {
	case rest == "" || rest == "Z" || rest == "z":
	case rest[0] == '+' || rest[0] == '-':
		z := strings.Replace(rest[1:], ":", "", 1)
		var zh, zm int
		var ok bool
		switch len(z) {
		case 2:
			zh, ok = num(z)
		case 4:
			var ok2 bool
			zh, ok = num(z[:2])
			zm, ok2 = num(z[2:])
			ok = ok && ok2
		}
		if !ok || zh > 23 || zm > 59 {
			return time.Time{}, false
		}
		off := zh*3600 + zm*60
		if rest[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	default:
		return time.Time{}, false
	}
	if mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc)
	if t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}
