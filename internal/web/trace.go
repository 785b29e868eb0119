package web

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// The traceability pages: the public provenance page of a lot or an item
// (GET /p/{id...}), which a QR code on the goods leads to, and the recall
// pages of the hubs (GET /recalls, /recalls/{id}). They read
// gongxu.TraceService, and check each step of a trace against its anchor
// on the ledger with Config.TraceProof.

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

// provData is the content of a provenance page, or of the lookup form when
// Problem is set or no identifier was given.
type provData struct {
	ID      string // as asked
	Problem string // why there is no trace: a bad or unknown identifier
	Found   bool

	Title       string    // the product's name, or the item's or identifier's
	Start       identView // what the page is about
	StartIsMade bool      // the start is the lot that was made (not an item of it)
	Made        *gongxu.Lot
	MadeAt      int64 // when it was made (0: unknown)
	Factory     gongxu.OrgID
	FactoryName string
	Steps       []stepView // newest first
	Orgs        int        // organizations in the trace
	Graph       template.HTML
	QR          template.HTML // "" when the address does not fit a QR code
	URL         string        // this page's absolute address, the QR code's content
	Command     string        // the CLI command that checks the trace
	Checked     bool          // the node checks steps against the ledger
	Verified    int
	Failed      int
	Unchecked   int
	Recalls     []recallRow // recalls of anything in the trace
	Truncated   bool
}

// recallRow is a recall as the pages list it.
type recallRow struct {
	gongxu.Recall
	OrgName string
	Target  identView
	NamedAs string // how the recall named it, when not by its ledger lot id or its canonical identifier
	Mine    bool   // it reaches a pool of this node's hub
}

// recallsData is the content of the recall list and of its live fragment.
type recallsData struct {
	Rows []recallRow
	Hub  gongxu.Org // this node's org when it is a hub (zero: not a hub)
	Mine int        // recalls that reach the hub's pools
}

// reachedPool is a pool a recall reaches, as one hub's part of it: its
// quantity and pledge batches; once the factory shipped the hub its share,
// the recalled lots in the shipment, whether the hub confirmed the
// delivery, the pledges its consumers picked up with goods of those lots,
// and what is left of those lots at the hub (or on its way there).
type reachedPool struct {
	Pool       uint64
	Title      string
	Status     gongxu.PoolStatus
	Order      uint64
	Qty        int64
	Batches    []gongxu.Batch
	Shipped    []gongxu.LotQty
	ShippedQty gongxu.Qty // milli-units
	Delivered  bool
	Pickups    []gongxu.Pickup
	Left       gongxu.Qty // milli-units of the shipped recalled lots not picked up
}

// hubReach is what a recall reaches of one hub: its pools and its pledge
// batches, whose pseudonymous leaves only the hub maps to its consumers;
// once goods were shipped to it, the pickups of them (the consumers to
// contact first) and what is left of them to hold.
type hubReach struct {
	Hub       gongxu.OrgID
	Name      string
	Mine      bool // this node's hub
	Qty       int64
	Pools     []reachedPool
	Batches   int
	Pledges   int64
	Shipped   bool // recalled lots were shipped to it
	InTransit bool // some of them it has not confirmed receiving
	Pickups   int
	Left      gongxu.Qty // milli-units
}

// impactData is the live part of a recall page.
type impactData struct {
	ID        uint64
	Lots      int
	Pools     int
	Hubs      []hubReach
	Batches   int
	Pledges   int64
	Units     int64
	Steps     []stepView // oldest first
	Graph     template.HTML
	Truncated bool
	HubName   string    // this node's hub, "" when it is not one
	MineHit   bool      // the recall reaches this node's hub
	Own       *hubReach // what it reaches of this node's hub (nil: nothing)
	Shipped   bool      // recalled lots were shipped to hubs
	Pickups   int       // pledges picked up with goods of the recalled lots
	Left      gongxu.Qty
}

// recallData is the content of a recall page.
type recallData struct {
	R      recallRow
	Impact impactData
}

// recallBanner is a recall that reaches pools, as a banner shows it.
type recallBanner struct {
	R     recallRow
	Pools []uint64
	Here  bool // on the page of the pool it reaches
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

// recallPath is the page of a recall.
func recallPath(id uint64) string { return "/recalls/" + strconv.FormatUint(id, 10) }

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
func dlLabel(id string) (label, sub string, ok bool) {
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
		return "Serial " + ai["21"], "GTIN " + ai["01"], true
	case ai["01"] != "" && ai["10"] != "":
		return "Lot " + ai["10"], "GTIN " + ai["01"], true
	case ai["01"] != "":
		return "GTIN " + ai["01"], "", true
	case ai["00"] != "":
		return "SSCC " + ai["00"], "logistic unit", true
	case ai["414"] != "":
		if ext := ai["254"]; ext != "" {
			return "GLN " + ai["414"], "extension " + ext, true
		}
		return "GLN " + ai["414"], "", true
	case ai["417"] != "":
		return "Party GLN " + ai["417"], "", true
	}
	return "", "", false
}

// identOf names an identifier: a ledger lot by its code and owner (and
// item, when the trace knows the lot), an org by its name, a Digital Link
// URI by its keys, anything else as it is.
func identOf(id string, lots map[string]*gongxu.Lot, names map[gongxu.OrgID]string) identView {
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
			v.Sub += ", from " + cmp.Or(names[gongxu.OrgID(from)], from)
		}
		v.Href = provPath(string(lid))
		v.Lot = lots[id]
	case len(id) > len(gongxu.OrgURNPrefix) && strings.EqualFold(id[:len(gongxu.OrgURNPrefix)], gongxu.OrgURNPrefix):
		org := gongxu.OrgID(id[len(gongxu.OrgURNPrefix):])
		v.Label, v.Sub, v.Href = cmp.Or(names[org], string(org)), "member organization", orgPath(org)
	case strings.HasPrefix(id, gongxu.URNPrefix+"pool:"):
		if pool, hub, ok := gongxu.ParseShipmentURN(id); ok {
			v.Label, v.Sub = "Shipment of pool #"+strconv.FormatUint(pool, 10), "to "+cmp.Or(names[hub], string(hub))
		}
	default:
		if l, sub, ok := dlLabel(id); ok {
			v.Label, v.Sub = l, sub
		}
	}
	return v
}

// traceIndex is what a trace's pages look up by identifier.
type traceIndex struct {
	lots     map[string]*gongxu.Lot
	names    map[gongxu.OrgID]string
	recalled map[string]bool
}

func newTraceIndex(g gongxu.TraceGraph, names map[gongxu.OrgID]string, recalled map[string]bool) traceIndex {
	ix := traceIndex{lots: map[string]*gongxu.Lot{}, names: names, recalled: recalled}
	for _, n := range g.Nodes {
		if n.Lot != nil {
			ix.lots[n.ID] = n.Lot
		}
	}
	return ix
}

func (ix traceIndex) ident(id string) identView {
	v := identOf(id, ix.lots, ix.names)
	v.Recalled = ix.recalled[id]
	return v
}

// steps turns a walk's steps into the timeline's, in the order given.
func (ix traceIndex) steps(steps []gongxu.TraceStep) []stepView {
	out := make([]stepView, 0, len(steps))
	for i, st := range steps {
		v := stepView{TraceStep: st, N: i + 1, Label: ix.label(st), Disposition: dispositionLabel(st.Disposition),
			OrgName: ix.names[st.Org]}
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

// recallsOf lists the recalls of the identifiers of a trace, newest first.
// A failure is logged: a trace page still shows without them.
func (s *server) recallsOf(ctx context.Context, g gongxu.TraceGraph) []gongxu.Recall {
	rs, err := s.trace.Recalls(ctx, "", listRecalls)
	if err != nil {
		s.log.Warn("web: recalls of a trace", "start", g.Start, "err", err)
		return nil
	}
	ids := map[string]bool{g.Start: true}
	for _, n := range g.Nodes {
		ids[n.ID] = true
	}
	var out []gongxu.Recall
	for _, r := range rs {
		if ids[r.Identifier] {
			out = append(out, r)
		}
	}
	return out
}

// traceProblem renders the lookup form with a problem and its status.
func (s *server) traceProblem(w http.ResponseWriter, r *http.Request, status int, d provData) error {
	title := "Bad request"
	if status == http.StatusNotFound {
		title = "Not found"
	}
	return s.renderStatus(w, r, status, "provenance", view{Title: title, Section: "trace", Content: d})
}

// provenance is the public page of a lot or an item: where, by whom and
// when it was made and from what, each step checked against the ledger.
func (s *server) provenance(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	raw := r.PathValue("id")
	if raw == "" {
		raw = r.URL.Query().Get("id")
	}
	id, problem := cleanTraceID(raw)
	d := provData{ID: id, Problem: problem}
	switch {
	case problem != "":
		return s.traceProblem(w, r, http.StatusBadRequest, d)
	case id == "":
		return s.render(w, r, "provenance", view{Title: "Trace a lot", Section: "trace", Content: d})
	}
	g, err := s.trace.Back(ctx, id, traceDepth)
	switch gongxu.ErrorKind(err) {
	case gongxu.KindOK:
	case gongxu.KindInvalid:
		d.Problem = fmt.Sprintf("%q is not an identifier this node can read. %s", id,
			cmp.Or(publicMessage(err), "Write a lot id (org/code), a lot URN, an EPC URN or a GS1 Digital Link URI."))
		return s.traceProblem(w, r, http.StatusBadRequest, d)
	case gongxu.KindNotFound:
		d.Problem = fmt.Sprintf("Nothing on this ledger is known as %q.", id)
		return s.traceProblem(w, r, http.StatusNotFound, d)
	default:
		return err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	d.Found, d.Truncated = true, g.Truncated
	recalls := s.recallsOf(ctx, g)
	recalled := map[string]bool{}
	for _, rc := range recalls {
		recalled[rc.Identifier] = true
		d.Recalls = append(d.Recalls, s.recallRow(rc, names, nil))
	}
	ix := newTraceIndex(g, names, recalled)
	d.Start = ix.ident(g.Start)

	// What was made: the start's lot, else the nearest lot behind it.
	for _, n := range g.Nodes {
		if n.Lot != nil && (n.ID == g.Start || d.Made == nil) {
			d.Made = n.Lot
			if n.ID == g.Start {
				break
			}
		}
	}
	d.Title = d.Start.Label
	d.StartIsMade = d.Made != nil && gongxu.LotURN(d.Made.ID) == g.Start
	if d.Made != nil {
		d.Factory, d.FactoryName, d.MadeAt = d.Made.Owner, names[d.Made.Owner], d.Made.Created
		d.Title = itemLabel(d.Made.Item, d.Made.Owner)
		if s.pools != nil {
			p, err := s.pools.Product(ctx, gongxu.ProductID(d.Made.Item))
			if err == nil && p.Name != "" {
				d.Title = p.Name
			} else if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound && gongxu.ErrorKind(err) != gongxu.KindInvalid {
				return err
			}
		}
	}

	// The timeline: newest first.
	steps := slices.Clone(g.Steps)
	slices.SortStableFunc(steps, func(a, b gongxu.TraceStep) int {
		return cmp.Or(cmp.Compare(b.Time, a.Time), -ledgerOrder(a, b), cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Event, b.Event))
	})
	d.Steps = ix.steps(steps)
	orgs := map[gongxu.OrgID]bool{}
	for i := range d.Steps {
		v := &d.Steps[i]
		orgs[v.Org] = true
		if s.proofs == nil {
			continue
		}
		d.Checked = true
		if i < maxVerified {
			s.verify(ctx, v)
		} else {
			v.Mark, v.Why = "unchecked", fmt.Sprintf("This page checks the newest %d steps only.", maxVerified)
		}
		switch v.Mark {
		case "verified":
			d.Verified++
		case "failed":
			d.Failed++
		default:
			d.Unchecked++
		}
	}
	d.Orgs = len(orgs)
	d.Graph = TraceGraphSVG(traceGraph(g, ix, nil))

	d.URL = absURL(r, provPath(id))
	if q, err := EncodeQR([]byte(d.URL)); err == nil {
		d.QR = QRSVG(q, "QR code of this page: "+d.URL)
	}
	d.Command = "gongxu verify trace " + shellQuote(id)
	return s.render(w, r, "provenance", view{Title: d.Title, Section: "trace", Content: d})
}

// pluralOf is plural for templates, of any integer.
func pluralOf(n any, unit string) string {
	switch v := n.(type) {
	case int:
		return plural(int64(v), unit)
	case int64:
		return plural(v, unit)
	}
	return fmt.Sprint(n) + " " + unit + "s"
}

// boolInt is 1 for true, 0 for false.
func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// shellSafe matches the words a POSIX shell takes as they are.
var shellSafe = regexp.MustCompile(`^[A-Za-z0-9._/:@%+=,-]+$`)

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
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
			gn.Lines[0] += " · recalled"
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
		label := ix.shortLabel(st) + "\n" + msTime(st.Time).Format("2 Jan")
		if sameSet(st.From, st.To) {
			for _, id := range st.From {
				notes[id] = append(notes[id], ix.shortLabel(st)+" · "+msDay(st.Time))
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
			spec.Edges = append(spec.Edges, graphEdge{From: gongxu.LotURN(l), To: key, Label: "made for", Class: "step-pool"})
		}
		lines := []string{"Pool #" + strconv.FormatUint(p.Pool, 10)}
		if t := poolTitles[p.Pool]; t != "" {
			lines = append(lines, t)
		}
		lines = append(lines, statusLabel(p.Status))
		spec.Nodes = append(spec.Nodes, graphNode{Key: key, Lines: lines, Title: "pool " + strconv.FormatUint(p.Pool, 10),
			Href: poolPath(p.Pool), Col: pc, Class: "pool"})
		for _, h := range p.Hubs {
			hk := "hub:" + string(h.Hub)
			if hubs[h.Hub] == nil {
				hubs[h.Hub] = &graphNode{Key: hk, Lines: []string{cmp.Or(ix.names[h.Hub], string(h.Hub)), "hub"}, Title: string(h.Hub),
					Href: orgPath(h.Hub), Class: "hub"}
				hubOrder = append(hubOrder, h.Hub)
			}
			hubs[h.Hub].Col = max(hubs[h.Hub].Col, pc+1)
			leaves := int64(0)
			for _, b := range h.Batches {
				leaves += b.Leaves
			}
			spec.Edges = append(spec.Edges, graphEdge{From: key, To: hk,
				Label: fmt.Sprintf("%s units\n%s", num(h.Qty), plural(leaves, "pledge")), Class: "step-hub"})
		}
	}
	for _, h := range hubOrder {
		spec.Nodes = append(spec.Nodes, *hubs[h])
	}
	dir := "back from"
	if forward {
		dir = "forward from"
	}
	spec.Label = fmt.Sprintf("Trace %s %s: %d lots and items, %s.", dir, ix.ident(g.Start).Label,
		len(g.Nodes), plural(int64(len(g.Steps)), "step"))
	if len(g.Pools) > 0 {
		spec.Label += fmt.Sprintf(" It reaches %s and %s.", plural(int64(len(g.Pools)), "pool"), plural(int64(len(hubOrder)), "hub"))
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

// hubOf is this node's operator org when it is a hub (zero otherwise). A
// failure to read it is logged and taken as no hub: the pages still show.
func (s *server) hubOf(ctx context.Context) gongxu.Org {
	if s.op == nil {
		return gongxu.Org{}
	}
	id, err := s.op.Org(ctx)
	if err != nil || id == "" {
		if err != nil {
			s.log.Warn("web: operator org", "err", err)
		}
		return gongxu.Org{}
	}
	o, err := s.members.Org(ctx, id)
	if err != nil || !o.HasRole(gongxu.RoleHub) {
		if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound {
			s.log.Warn("web: operator org", "org", id, "err", err)
		}
		return gongxu.Org{}
	}
	return o
}

// recallRow names a recall's org and target; mine marks those reaching the
// hub's pools.
func (s *server) recallRow(rc gongxu.Recall, names map[gongxu.OrgID]string, mine map[uint64]bool) recallRow {
	target := cmp.Or(rc.Identifier, rc.Target)
	if rc.Lot != "" {
		target = gongxu.LotURN(rc.Lot)
	}
	row := recallRow{Recall: rc, OrgName: names[rc.Org], Target: identOf(target, nil, names), Mine: mine[rc.ID]}
	if rc.Target != string(rc.Lot) && rc.Target != rc.Identifier && rc.Target != target {
		row.NamedAs = rc.Target
	}
	return row
}

// recallsList reads the recall list: every recall, newest first, and for a
// hub those that reach its pools.
func (s *server) recallsList(ctx context.Context) (recallsData, error) {
	var d recallsData
	names, err := s.orgNames(ctx)
	if err != nil {
		return d, err
	}
	rs, err := s.trace.Recalls(ctx, "", listRecalls)
	if err != nil {
		return d, err
	}
	mine := map[uint64]bool{}
	if d.Hub = s.hubOf(ctx); d.Hub.ID != "" {
		ours, err := s.trace.Recalls(ctx, d.Hub.ID, listRecalls)
		if err != nil {
			return d, err
		}
		for _, rc := range ours {
			mine[rc.ID] = true
		}
		d.Mine = len(ours)
	}
	for _, rc := range rs {
		d.Rows = append(d.Rows, s.recallRow(rc, names, mine))
	}
	return d, nil
}

func (s *server) recallList(w http.ResponseWriter, r *http.Request) error {
	d, err := s.recallsList(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, "recalls", view{Title: "Recalls", Section: "trace", Content: d})
}

// recallsFragment is the recall table alone, for htmx.
func (s *server) recallsFragment(w http.ResponseWriter, r *http.Request) error {
	d, err := s.recallsList(r.Context())
	if err != nil {
		return err
	}
	return s.fragment(w, r, "recalltable", d)
}

// recallByID reads a recall and what it reaches, with a page's messages.
func (s *server) recallByID(ctx context.Context, raw string) (gongxu.RecallImpact, error) {
	id, err := parseID(raw, "recall")
	if err != nil {
		return gongxu.RecallImpact{}, err
	}
	im, err := s.trace.Recall(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return im, notFound("No recall has the number %q.", raw)
	}
	return im, err
}

// impact is the live part of a recall page: what the recall reaches, per
// hub, and its graph.
func (s *server) impact(ctx context.Context, im gongxu.RecallImpact, names map[gongxu.OrgID]string, hub gongxu.Org) (impactData, error) {
	d := impactData{ID: im.Recall.ID, Pools: len(im.Trace.Pools), Truncated: im.Trace.Truncated, HubName: hub.Name}
	if hub.ID != "" {
		d.HubName = cmp.Or(hub.Name, string(hub.ID))
	}
	for _, n := range im.Trace.Nodes {
		if n.Lot != nil || gongxu.IsLotURN(n.ID) {
			d.Lots++
		}
	}
	titles := map[uint64]string{}
	if s.pools != nil {
		for _, p := range im.Trace.Pools {
			pool, err := s.pools.Pool(ctx, p.Pool)
			if err == nil {
				titles[p.Pool] = pool.Title
			} else if gongxu.ErrorKind(err) != gongxu.KindNotFound {
				return d, err
			}
		}
	}
	reach := map[gongxu.OrgID]*hubReach{}
	var order []gongxu.OrgID
	get := func(h gongxu.OrgID) *hubReach {
		if reach[h] == nil {
			reach[h] = &hubReach{Hub: h, Name: names[h], Mine: h == hub.ID && h != ""}
			order = append(order, h)
		}
		return reach[h]
	}
	for _, h := range im.Hubs { // the service's order, and its sums
		get(h.Hub).Qty = h.Qty
	}
	for _, p := range im.Trace.Pools {
		for _, h := range p.Hubs {
			hr := get(h.Hub)
			rp := reachedPool{Pool: p.Pool, Title: titles[p.Pool], Status: p.Status, Order: p.Order, Qty: h.Qty, Batches: h.Batches}
			if len(h.Shipped) > 0 {
				rp.Shipped, rp.Delivered, rp.Pickups = h.Shipped, h.Delivered, h.Pickups
				rp.ShippedQty = sumLots(h.Shipped)
				rp.Left = max(rp.ShippedQty-pickedOf(h.Shipped, h.Pickups), 0)
				hr.Shipped, hr.InTransit = true, hr.InTransit || !h.Delivered
				hr.Pickups += len(h.Pickups)
				hr.Left += rp.Left
			}
			hr.Pools = append(hr.Pools, rp)
			if !slices.ContainsFunc(im.Hubs, func(x gongxu.TraceHubShare) bool { return x.Hub == h.Hub }) {
				hr.Qty += h.Qty
			}
			for _, b := range h.Batches {
				hr.Batches++
				hr.Pledges += b.Leaves
			}
		}
	}
	for _, h := range order {
		hr := reach[h]
		d.Hubs = append(d.Hubs, *hr)
		d.Batches += hr.Batches
		d.Pledges += hr.Pledges
		d.Units += hr.Qty
		d.MineHit = d.MineHit || hr.Mine
		d.Shipped = d.Shipped || hr.Shipped
		d.Pickups += hr.Pickups
		d.Left += hr.Left
	}
	// This node's hub first.
	slices.SortStableFunc(d.Hubs, func(a, b hubReach) int { return -cmp.Compare(boolInt(a.Mine), boolInt(b.Mine)) })
	if len(d.Hubs) > 0 && d.Hubs[0].Mine {
		d.Own = &d.Hubs[0]
	}

	recalled := map[string]bool{im.Recall.Identifier: true}
	ix := newTraceIndex(im.Trace, names, recalled)
	steps := slices.Clone(im.Trace.Steps)
	slices.SortStableFunc(steps, func(a, b gongxu.TraceStep) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), ledgerOrder(a, b), cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Event, b.Event))
	})
	d.Steps = ix.steps(steps)
	namePledges(d.Steps, im.Trace.Pools)
	d.Graph = TraceGraphSVG(traceGraph(im.Trace, ix, titles))
	return d, nil
}

// namePledges names the pledge of each pickup step from the pickups a
// forward trace reached, by the transaction that anchors both.
func namePledges(steps []stepView, pools []gongxu.TracePool) {
	byTx := map[string][]string{}
	for _, p := range pools {
		for _, h := range p.Hubs {
			for _, pk := range h.Pickups {
				byTx[pk.Tx] = append(byTx[pk.Tx], pk.Pledge)
			}
		}
	}
	for i := range steps {
		if v := &steps[i]; v.Flow == flowPickup && len(byTx[v.Anchor.Tx]) == 1 {
			v.Pledge = byTx[v.Anchor.Tx][0]
		}
	}
}

func (s *server) recall(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	im, err := s.recallByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	hub := s.hubOf(ctx)
	d := recallData{R: s.recallRow(im.Recall, names, nil)}
	if d.Impact, err = s.impact(ctx, im, names, hub); err != nil {
		return err
	}
	d.R.Mine = d.Impact.MineHit
	return s.render(w, r, "recall", view{Title: fmt.Sprintf("Recall %d", im.Recall.ID), Section: "trace", Content: d})
}

// recallFragment is the live part of a recall page alone, for htmx.
func (s *server) recallFragment(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	im, err := s.recallByID(ctx, r.PathValue("id"))
	if err != nil {
		return err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return err
	}
	d, err := s.impact(ctx, im, names, s.hubOf(ctx))
	if err != nil {
		return err
	}
	return s.fragment(w, r, "impact", d)
}

// homeRecalls are the banners of the home page: the newest recalls that
// reach pools (a hub's own pools, on a hub's node). A failure is logged:
// the network page still shows.
func (s *server) homeRecalls(ctx context.Context, names map[gongxu.OrgID]string) []recallBanner {
	if s.trace == nil {
		return nil
	}
	hub := s.hubOf(ctx)
	limit := bannerRecalls
	if hub.ID == "" {
		limit = 2 * bannerRecalls // the service does not filter: read a few more
	}
	rs, err := s.trace.Recalls(ctx, hub.ID, limit)
	if err != nil {
		s.log.Warn("web: recalls for the home page", "err", err)
		return nil
	}
	var out []recallBanner
	for _, rc := range rs {
		if len(out) == bannerRecalls {
			break
		}
		im, err := s.trace.Recall(ctx, rc.ID)
		if err != nil {
			s.log.Warn("web: recall for the home page", "recall", rc.ID, "err", err)
			continue
		}
		b := recallBanner{R: s.recallRow(rc, names, nil)}
		for _, p := range im.Trace.Pools {
			if hub.ID == "" || slices.ContainsFunc(p.Hubs, func(h gongxu.TraceHubShare) bool { return h.Hub == hub.ID }) {
				b.Pools = append(b.Pools, p.Pool)
			}
		}
		b.R.Mine = hub.ID != "" && len(b.Pools) > 0
		if len(b.Pools) > 0 {
			out = append(out, b)
		}
	}
	return out
}

// poolRecalls are the recalls that reach a pool, found among the recalls
// that reach the pool's first hub (a pool without hubs has no pledges to
// warn about). A failure is logged: the pool page still shows.
func (s *server) poolRecalls(ctx context.Context, pool uint64, shares []gongxu.HubShare, names map[gongxu.OrgID]string) []recallBanner {
	if s.trace == nil || len(shares) == 0 {
		return nil
	}
	rs, err := s.trace.Recalls(ctx, shares[0].Hub, poolRecallScan)
	if err != nil {
		s.log.Warn("web: recalls for a pool", "pool", pool, "err", err)
		return nil
	}
	var out []recallBanner
	for _, rc := range rs {
		im, err := s.trace.Recall(ctx, rc.ID)
		if err != nil {
			s.log.Warn("web: recall for a pool", "pool", pool, "recall", rc.ID, "err", err)
			continue
		}
		if slices.ContainsFunc(im.Trace.Pools, func(p gongxu.TracePool) bool { return p.Pool == pool }) {
			out = append(out, recallBanner{R: s.recallRow(rc, names, nil), Pools: []uint64{pool}, Here: true})
		}
	}
	return out
}
