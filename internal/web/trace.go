package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// The traceability pages: the public provenance page of a lot or an item
// (GET /p/{id...}), which a QR code on the goods leads to, and the recall
// pages of the hubs (GET /recalls, /recalls/{id}). They read
// gongxu.TraceService, and check each step of a trace against its anchor
// on the ledger with Config.TraceProof.
//
// This file holds what the pages share: identifiers and their names,
// CBV labels, the timeline's steps and their checks, and the layout of a
// walk as a graph. The pages are in trace_provenance.go and
// trace_recalls.go.

// How far the trace pages walk and how much they list.
const (
	traceDepth     = 30  // steps of a walk (the service allows 1 to 50)
	listRecalls    = 100 // on the recall list, and to find those of a trace
	bannerRecalls  = 3   // on the home page
	poolRecallScan = 20  // recalls of a hub read to find those of a pool
	maxTraceID     = 512 // bytes of an identifier in an address
	maxVerified    = 200 // steps of a page checked against the ledger
)

// TraceProofFunc returns a trace event as the ledger stores it (its JSON,
// Raw, and its anchor) with the Merkle proof of its leaf in its batch, for
// gongxu.VerifyTraceEvent. Errors: gongxu.KindNotFound for an unknown event.
type TraceProofFunc func(ctx context.Context, eventID string) (gongxu.TraceEvent, []string, error)

// identView is an identifier as pages show it: a name for people, what and
// whose it is, and its provenance page.
type identView struct {
	ID       string // the canonical identifier
	Label    string // "fab-0042", "Serial JKT-000123"
	Sub      string // "Blue River Cotton", "GTIN 09506000134352"
	Href     string
	Lot      *gongxu.Lot // when it is a ledger lot the trace knows
	Recalled bool
}

// stepView is a step of a trace as the timeline shows it.
type stepView struct {
	gongxu.TraceStep
	N           int    // 1-based, in the order shown
	Label       string // "Receiving", "Shipped to Hilltown Community Hub"
	LabelFmt    string // Label as a message and its argument: "Shipped to %s" (goodsFormat); "" when Label is one
	LabelArg    string
	Pledge      string // the pledge a pickup handed over, from its checked event or the trace's pickups ("" when unknown)
	Disposition string // "in progress"
	OrgName     string
	Location    *identView
	From, To    []identView
	Observation bool   // the step names the same things in and out
	Mark        string // verified, failed or unchecked; "" when the node checks nothing
	Why         string // why it failed, or was not checked
	Raw         string // the event's JSON as the ledger stores it, indented
}

// cleanTraceID checks an identifier from an address. It returns "" with no
// problem when none was given, and repairs the "https:/" that the path
// cleaning of a server leaves of a Digital Link URI written unescaped.
func cleanTraceID(raw string) (id, problem string) {
	id = strings.TrimSpace(raw)
	switch {
	case id == "":
		return "", ""
	case len(id) > maxTraceID:
		return id, fmt.Sprintf("An identifier is at most %d characters; this one has %d.", maxTraceID, len(id))
	case !utf8.ValidString(id) || strings.ContainsFunc(id, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return id, "An identifier holds no spaces or control characters: write it as printed under the code, or scan the code."
	}
	for _, scheme := range []string{"https:/", "http:/"} {
		if strings.HasPrefix(id, scheme) && !strings.HasPrefix(id, scheme+"/") {
			id = scheme + "/" + id[len(scheme):]
		}
	}
	return id, ""
}

// provPath is the provenance page of an identifier: a ledger lot id keeps
// its slashes ("/p/acme-textiles/jkt-0001"), anything whose segments a
// server would clean (a Digital Link URI's "//") is escaped whole.
func provPath(id string) string {
	segs := strings.Split(id, "/")
	for _, s := range segs {
		if s == "" || s == "." || s == ".." {
			return "/p/" + url.PathEscape(id)
		}
	}
	for i := range segs {
		segs[i] = url.PathEscape(segs[i])
	}
	return "/p/" + strings.Join(segs, "/")
}

// lotPath is the provenance page of a ledger lot (a LotID or a lot URN).
func lotPath(v any) string {
	s := fmt.Sprint(v)
	if id, err := gongxu.ParseLotURN(s); err == nil {
		s = string(id)
	}
	return provPath(s)
}

// absURL is the absolute address of path on this server as the request
// reached it: its scheme (https behind TLS, or when a proxy says so in
// X-Forwarded-Proto) and its Host.
func absURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
		scheme = "https"
	}
	host := r.Host
	if host == "" || strings.ContainsAny(host, "/\\?#@ ") {
		host = "localhost"
	}
	return scheme + "://" + host + path
}

// cbvWebPrefix is the prefix of CBV 2.0 Web URIs.
const cbvWebPrefix = "https://ref.gs1.org/cbv/"

// cbvName is the name of a CBV value of vocab ("BizStep", "Disp") written
// as a Web URI, a URN or a bare name, with its underscores as spaces; a URI
// of one's own is returned as it is, with false.
func cbvName(v, vocab string) (string, bool) {
	if name, ok := strings.CutPrefix(v, cbvWebPrefix+vocab+"-"); ok {
		return strings.ReplaceAll(name, "_", " "), true
	}
	urn := "urn:epcglobal:cbv:" + strings.ToLower(vocab) + ":"
	if len(v) > len(urn) && strings.EqualFold(v[:len(urn)], urn) {
		return strings.ReplaceAll(v[len(urn):], "_", " "), true
	}
	if v != "" && !strings.ContainsAny(v, ":/") {
		return strings.ReplaceAll(v, "_", " "), true
	}
	return v, false
}

// bizStepLabel is a business step for people: "Receiving" for
// https://ref.gs1.org/cbv/BizStep-receiving, "Void shipping" for
// void_shipping; a URI of one's own stays as it is.
func bizStepLabel(v string) string {
	name, ok := cbvName(v, "BizStep")
	if !ok || name == "" {
		return name
	}
	r, n := utf8.DecodeRuneInString(name)
	return string(unicode.ToUpper(r)) + name[n:]
}

// dispositionLabel is a disposition for people: "in progress".
func dispositionLabel(v string) string {
	name, _ := cbvName(v, "Disp")
	return name
}

// eventTypeLabel is an EPCIS event type for people: "Transformation".
func eventTypeLabel(t string) string {
	return cmp.Or(strings.TrimSuffix(t, "Event"), t)
}

// stepLabel is what a step did, for people: its business step, else its
// event type.
func stepLabel(st gongxu.TraceStep) string {
	if st.BizStep != "" {
		return bizStepLabel(st.BizStep)
	}
	return eventTypeLabel(st.Type)
}

// dlLabel names a GS1 Digital Link URI for people: "Serial JKT-1" of
// "GTIN 09506000134352". It is false for anything else.
func dlLabel(id string, l *locale) (label, sub string, ok bool) {
	u, err := url.Parse(id)
	if err != nil || u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return "", "", false
	}
	segs := strings.Split(strings.Trim(u.EscapedPath(), "/"), "/")
	ai := map[string]string{}
	for i := 0; i+1 < len(segs); i += 2 {
		v, err := url.PathUnescape(segs[i+1])
		if err != nil {
			v = segs[i+1]
		}
		ai[segs[i]] = v
	}
	switch {
	case ai["01"] != "" && ai["21"] != "":
		return l.T("Serial %s", ai["21"]), "GTIN " + ai["01"], true
	case ai["01"] != "" && ai["10"] != "":
		return l.T("Lot %s", ai["10"]), "GTIN " + ai["01"], true
	case ai["01"] != "":
		return "GTIN " + ai["01"], "", true
	case ai["00"] != "":
		return "SSCC " + ai["00"], l.T("logistic unit"), true
	case ai["414"] != "":
		if ext := ai["254"]; ext != "" {
			return "GLN " + ai["414"], l.T("extension %s", ext), true
		}
		return "GLN " + ai["414"], "", true
	case ai["417"] != "":
		return l.T("Party GLN %s", ai["417"]), "", true
	}
	return "", "", false
}

// identOf names an identifier: a ledger lot by its code and owner (and
// item, when the trace knows the lot), an org by its name, a Digital Link
// URI by its keys, anything else as it is.
func identOf(id string, lots map[string]*gongxu.Lot, names map[gongxu.OrgID]string, l *locale) identView {
	if l == nil {
		l = newLocale(langEN, time.UTC, nil)
	}
	v := identView{ID: id, Label: id, Href: provPath(id)}
	switch {
	case gongxu.IsLotURN(id):
		lid, err := gongxu.ParseLotURN(id)
		if err != nil {
			return v
		}
		owner := lid.Owner()
		code := strings.TrimPrefix(string(lid), string(owner)+"/")
		v.Label, v.Sub = code, cmp.Or(names[owner], string(owner))
		// A received lot keeps the supplier's lot id under its own:
		// "acme/blue-river/fab-0042" is fab-0042, from Blue River.
		if from, rest, ok := strings.Cut(code, "/"); ok && gongxu.OrgID(from).Validate() == nil {
			v.Label = rest[strings.LastIndex(rest, "/")+1:]
			v.Sub = l.T("%s, from %s", v.Sub, cmp.Or(names[gongxu.OrgID(from)], from))
		}
		v.Href = provPath(string(lid))
		v.Lot = lots[id]
	case len(id) > len(gongxu.OrgURNPrefix) && strings.EqualFold(id[:len(gongxu.OrgURNPrefix)], gongxu.OrgURNPrefix):
		org := gongxu.OrgID(id[len(gongxu.OrgURNPrefix):])
		v.Label, v.Sub, v.Href = cmp.Or(names[org], string(org)), l.T("member organization"), orgPath(org)
	case strings.HasPrefix(id, gongxu.URNPrefix+"pool:"):
		if pool, hub, ok := gongxu.ParseShipmentURN(id); ok {
			v.Label, v.Sub = l.T("Shipment of pool #%d", pool), l.T("to %s", cmp.Or(names[hub], string(hub)))
		}
	default:
		if lb, sub, ok := dlLabel(id, l); ok {
			v.Label, v.Sub = lb, sub
		}
	}
	return v
}

// traceIndex is what a trace's pages look up by identifier.
type traceIndex struct {
	l        *locale // the page's language (nil: English)
	lots     map[string]*gongxu.Lot
	names    map[gongxu.OrgID]string
	recalled map[string]bool
}

func newTraceIndex(g gongxu.TraceGraph, names map[gongxu.OrgID]string, recalled map[string]bool, l *locale) traceIndex {
	if l == nil {
		l = newLocale(langEN, time.UTC, nil)
	}
	ix := traceIndex{l: l, lots: map[string]*gongxu.Lot{}, names: names, recalled: recalled}
	for _, n := range g.Nodes {
		if n.Lot != nil {
			ix.lots[n.ID] = n.Lot
		}
	}
	return ix
}

func (ix traceIndex) ident(id string) identView {
	v := identOf(id, ix.lots, ix.names, ix.l)
	v.Recalled = ix.recalled[id]
	return v
}

// steps turns a walk's steps into the timeline's, in the order given.
func (ix traceIndex) steps(steps []gongxu.TraceStep) []stepView {
	out := make([]stepView, 0, len(steps))
	for i, st := range steps {
		v := stepView{TraceStep: st, N: i + 1, Label: ix.label(st), Disposition: dispositionLabel(st.Disposition),
			OrgName: ix.names[st.Org]}
		v.LabelFmt, v.LabelArg = ix.goodsFormat(st)
		if st.Location != "" {
			loc := ix.ident(st.Location)
			v.Location = &loc
		}
		for _, id := range st.From {
			v.From = append(v.From, ix.ident(id))
		}
		for _, id := range st.To {
			v.To = append(v.To, ix.ident(id))
		}
		v.Observation = sameSet(st.From, st.To)
		out = append(out, v)
	}
	return out
}

// ledgerOrder orders two steps as their events are anchored on the ledger:
// events of one transaction (a shipment's packing, then its shipping) share
// a time, not an order.
func ledgerOrder(a, b gongxu.TraceStep) int {
	return cmp.Or(cmp.Compare(a.Anchor.Height, b.Anchor.Height), cmp.Compare(a.Anchor.Index, b.Anchor.Index))
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// verify checks a step's event against its anchor on this node's ledger:
// the event's JSON hashes to the leaf its anchor names, the leaf is under
// the batch root by the proof, and the anchor is the one the trace names.
func (s *server) verify(ctx context.Context, v *stepView) {
	ev, proof, err := s.proofs(ctx, v.Event)
	if err != nil {
		v.Mark = "unchecked"
		if gongxu.ErrorKind(err) == gongxu.KindNotFound {
			v.Why = "This node has no proof of this event."
		} else {
			s.log.Warn("web: trace proof failed", "event", v.Event, "err", err)
			v.Why = "The check could not be made now; the node's log has the details."
		}
		return
	}
	if len(ev.Raw) > 0 {
		var buf bytes.Buffer
		if json.Indent(&buf, ev.Raw, "", "  ") == nil {
			v.Raw = buf.String()
		} else {
			v.Raw = string(ev.Raw)
		}
	}
	v.Mark = "failed"
	switch err := gongxu.VerifyTraceEvent(&ev, proof); {
	case ev.ID != v.Event:
		v.Why = fmt.Sprintf("The ledger returned event %s for %s.", ev.ID, v.Event)
	case err != nil:
		v.Why = cmp.Or(publicMessage(err), "The event's JSON does not hash to its anchor.")
	case ev.Anchor.Tx != v.Anchor.Tx || ev.Anchor.Root != v.Anchor.Root:
		v.Why = fmt.Sprintf("The event is anchored in transaction %s under root %s, not where the trace says (%s, %s).",
			ev.Anchor.Tx, ev.Anchor.Root, v.Anchor.Tx, v.Anchor.Root)
	default:
		v.Mark, v.Why = "verified", ""
		v.Pledge = pledgeOf(ev)
	}
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// traceGraph lays a walk out for TraceGraphSVG: its nodes in columns by
// depth (a backward walk's start on the right, a forward one's on the
// left), its steps as edges from what went in to what came out, the things
// a step only observed noted under their node; a forward walk's pools and
// hubs (with pools' titles) in columns after the lots that reach them.
func traceGraph(g gongxu.TraceGraph, ix traceIndex, poolTitles map[uint64]string) graphSpec {
	forward := g.Direction == "forward"
	maxDepth := 0
	for _, n := range g.Nodes {
		maxDepth = max(maxDepth, n.Depth)
	}
	spec := graphSpec{}
	col := map[string]int{}
	for _, n := range g.Nodes {
		v := ix.ident(n.ID)
		gn := graphNode{Key: n.ID, Title: n.ID, Href: v.Href, Class: "lot", Col: maxDepth - n.Depth}
		if forward {
			gn.Col = n.Depth
		}
		gn.Lines = []string{v.Label}
		if n.Lot != nil {
			gn.Lines = append(gn.Lines, shortItem(n.Lot.Item, ix.names), cmp.Or(ix.names[n.Lot.Owner], string(n.Lot.Owner)))
		} else if v.Sub != "" {
			gn.Lines = append(gn.Lines, v.Sub)
		}
		switch {
		case v.Recalled:
			gn.Class = "recalled"
			gn.Lines[0] = ix.l.T("%s · recalled", gn.Lines[0])
		case n.ID == g.Start:
			gn.Class = "start"
		}
		col[n.ID] = gn.Col
		spec.Nodes = append(spec.Nodes, gn)
	}
	if !forward {
		packedInto(g, col)
		for i := range spec.Nodes {
			spec.Nodes[i].Col = col[spec.Nodes[i].Key]
		}
	}
	// The steps oldest first, so that a node's notes are in order.
	steps := slices.Clone(g.Steps)
	slices.SortStableFunc(steps, func(a, b gongxu.TraceStep) int { return cmp.Or(cmp.Compare(a.Time, b.Time), ledgerOrder(a, b)) })
	notes := map[string][]string{}
	for _, st := range steps {
		short := ix.l.maybe(ix.shortLabel(st))
		label := short + "\n" + ix.l.shortDay(st.Time)
		if sameSet(st.From, st.To) {
			for _, id := range st.From {
				notes[id] = append(notes[id], short+" · "+ix.l.msDay(st.Time))
			}
			continue
		}
		for k, e := range edgesOf(st) {
			l := ""
			if k == 0 {
				l = label
			}
			spec.Edges = append(spec.Edges, graphEdge{From: e[0], To: e[1], Label: l, Class: "step-" + strings.ToLower(eventTypeLabel(st.Type))})
		}
	}
	for i := range spec.Nodes {
		spec.Nodes[i].Notes = notes[spec.Nodes[i].Key]
	}
	// A forward walk's pools and hubs.
	hubs := map[gongxu.OrgID]*graphNode{}
	var hubOrder []gongxu.OrgID
	for _, p := range g.Pools {
		key := "pool:" + strconv.FormatUint(p.Pool, 10)
		pc := 0
		for _, l := range p.Lots {
			pc = max(pc, col[gongxu.LotURN(l)]+1)
			spec.Edges = append(spec.Edges, graphEdge{From: gongxu.LotURN(l), To: key, Label: ix.l.T("made for"), Class: "step-pool"})
		}
		lines := []string{ix.l.T("Pool #%d", p.Pool)}
		if t := poolTitles[p.Pool]; t != "" {
			lines = append(lines, t)
		}
		lines = append(lines, ix.l.label(p.Status))
		spec.Nodes = append(spec.Nodes, graphNode{Key: key, Lines: lines, Title: "pool " + strconv.FormatUint(p.Pool, 10),
			Href: poolPath(p.Pool), Col: pc, Class: "pool"})
		for _, h := range p.Hubs {
			hk := "hub:" + string(h.Hub)
			if hubs[h.Hub] == nil {
				hubs[h.Hub] = &graphNode{Key: hk, Lines: []string{cmp.Or(ix.names[h.Hub], string(h.Hub)), ix.l.label("hub")}, Title: string(h.Hub),
					Href: orgPath(h.Hub), Class: "hub"}
				hubOrder = append(hubOrder, h.Hub)
			}
			hubs[h.Hub].Col = max(hubs[h.Hub].Col, pc+1)
			leaves := int64(0)
			for _, b := range h.Batches {
				leaves += b.Leaves
			}
			spec.Edges = append(spec.Edges, graphEdge{From: key, To: hk,
				Label: ix.l.T("%s units", num(h.Qty)) + "\n" + ix.l.count(leaves, "pledge"), Class: "step-hub"})
		}
	}
	for _, h := range hubOrder {
		spec.Nodes = append(spec.Nodes, *hubs[h])
	}
	dir := "Trace back from %s: %d lots and items, %s."
	if forward {
		dir = "Trace forward from %s: %d lots and items, %s."
	}
	spec.Label = ix.l.T(dir, ix.ident(g.Start).Label, len(g.Nodes), ix.l.count(int64(len(g.Steps)), "step"))
	if len(g.Pools) > 0 {
		spec.Label += ix.l.T(" It reaches %s and %s.", ix.l.count(int64(len(g.Pools)), "pool"), ix.l.count(int64(len(hubOrder)), "hub"))
	}
	return spec
}

// packedInto moves, in a backward walk, the units the walk's lots were
// packed into (a hub's shipment of a pool) right of what they hold: they
// came after it, not before.
func packedInto(g gongxu.TraceGraph, col map[string]int) {
	depth := map[string]int{}
	for _, n := range g.Nodes {
		depth[n.ID] = n.Depth
	}
	for _, st := range g.Steps { // by depth: a unit packed into another moves after it
		if st.Type != "AggregationEvent" {
			continue
		}
		for _, parent := range st.To {
			for _, child := range st.From {
				_, known := col[parent]
				if _, ok := col[child]; ok && known && depth[parent] > depth[child] {
					col[parent] = max(col[parent], col[child]+1)
				}
			}
		}
	}
}

// shortItem is an item id without the prefix of the member org it is
// namespaced under: "blue-river-cotton/merino-fabric" → "merino-fabric".
func shortItem(item gongxu.ItemID, names map[gongxu.OrgID]string) string {
	if org, rest, ok := strings.Cut(string(item), "/"); ok && rest != "" && names[gongxu.OrgID(org)] != "" {
		return rest
	}
	return string(item)
}

// shortEvent is an event id for people: the start of a CBV 2.0 event
// hash, or of a UUID; the page puts the whole id in a title.
func shortEvent(id string) string {
	if h, ok := strings.CutPrefix(id, "ni:///sha-256;"); ok {
		h, _, _ = strings.Cut(h, "?")
		return "hash " + shortKey(h)
	}
	if u, ok := strings.CutPrefix(strings.ToLower(id), "urn:uuid:"); ok && len(u) >= 8 {
		return "uuid " + u[:8] + "…"
	}
	return shortKey(id)
}

// edgesOf is a step's edges: every input to every output.
func edgesOf(st gongxu.TraceStep) [][2]string {
	var out [][2]string
	for _, f := range st.From {
		for _, t := range st.To {
			if f != t {
				out = append(out, [2]string{f, t})
			}
		}
	}
	return out
}
