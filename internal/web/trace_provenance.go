package web

import (
	"cmp"
	"context"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The provenance page (GET /p/{id...}): where, by whom and when a lot or
// an item was made and from what, each step checked against the ledger.
// The parts it shares with the recall pages are in trace.go.

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
	MadeAt      int64        // when it was made (0: unknown)
	Factory     gongxu.OrgID // the org that made it (of a received lot: the supplier that made the original)
	FactoryName string
	Holder      gongxu.OrgID // the org that received it, when it was received from its maker (else "")
	HolderName  string
	ReceivedAt  int64
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
	return s.provenancePage(w, r, id)
}

// provenanceData is the content of the provenance page of id, with its
// status: 200, or 400 or 404 with d.Problem saying why. It reads the read
// model only, so that the page is the same at one read-model height for
// one language and public address (provCache keeps it).
func (s *server) provenanceData(r *http.Request, id string) (provData, int, error) {
	ctx := r.Context()
	d := provData{ID: id}
	g, err := s.trace.Back(ctx, id, traceDepth)
	switch gongxu.ErrorKind(err) {
	case gongxu.KindOK:
	case gongxu.KindInvalid:
		d.Problem = fmt.Sprintf("%q is not an identifier this node can read. %s", id,
			cmp.Or(publicMessage(err), "Write a lot id (org/code), a lot URN, an EPC URN or a GS1 Digital Link URI."))
		return d, http.StatusBadRequest, nil
	case gongxu.KindNotFound:
		d.Problem = s.langs.pick(r).T("Nothing on this ledger is known as %q.", id)
		return d, http.StatusNotFound, nil
	default:
		return d, 0, err
	}
	names, err := s.orgNames(ctx)
	if err != nil {
		return d, 0, err
	}
	d.Found, d.Truncated = true, g.Truncated
	recalls := s.recallsOf(ctx, g)
	recalled := map[string]bool{}
	for _, rc := range recalls {
		recalled[rc.Identifier] = true
		d.Recalls = append(d.Recalls, s.recallRow(rc, names, nil))
	}
	ix := newTraceIndex(g, names, recalled, s.langs.pick(r))
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
	gtin := ""
	d.StartIsMade = d.Made != nil && gongxu.LotURN(d.Made.ID) == g.Start
	if d.Made != nil {
		origin := originLot(d.Made, g)
		d.Factory, d.FactoryName, d.MadeAt = origin.ID.Owner(), names[origin.ID.Owner()], origin.Created
		if origin.ID != d.Made.ID {
			d.Holder, d.HolderName, d.ReceivedAt = d.Made.Owner, names[d.Made.Owner], d.Made.Created
		}
		d.Title = itemLabel(d.Made.Item, d.Made.Owner)
		if s.pools != nil {
			p, err := s.pools.Product(ctx, gongxu.ProductID(d.Made.Item))
			if err == nil {
				gtin = p.GTIN
			}
			if err == nil && p.Name != "" {
				d.Title = p.Name
			} else if err != nil && gongxu.ErrorKind(err) != gongxu.KindNotFound && gongxu.ErrorKind(err) != gongxu.KindInvalid {
				return d, 0, err
			}
		}
	}

	// The timeline: newest first.
	steps := slices.Clone(g.Steps)
	slices.SortStableFunc(steps, func(a, b gongxu.TraceStep) int {
		return cmp.Or(cmp.Compare(b.Time, a.Time), -ledgerOrder(a, b), cmp.Compare(a.Depth, b.Depth), cmp.Compare(a.Event, b.Event))
	})
	d.Steps = ix.steps(mergeSteps(steps))
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

	// The QR code: the GS1 Digital Link of the lot when its product has a
	// GTIN (scanners and retail systems read it), else this page; both on
	// the node's public address.
	d.URL = s.publicURL(r, provPath(id))
	if d.StartIsMade && gtin != "" {
		if dl, ok := s.digitalLink(r, gtin, lotCode(d.Made.ID)); ok {
			d.URL = dl
		}
	}
	if q, err := EncodeQR([]byte(d.URL)); err == nil {
		d.QR = QRSVG(q, "QR code of this page: "+d.URL)
	}
	d.Command = "gongxu verify trace " + shellQuote(id)
	return d, http.StatusOK, nil
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

// originLot follows a received lot back to the lot it came from, as far as
// the trace knows the lots (at most 64 receipts): the lot that was made, by
// the org whose id it carries. A lot whose origin the trace lacks is its
// own origin as far as the page can tell, except for the maker named by
// the id of the lot it came from.
func originLot(l *gongxu.Lot, g gongxu.TraceGraph) gongxu.Lot {
	lots := map[gongxu.LotID]*gongxu.Lot{}
	for _, n := range g.Nodes {
		if n.Lot != nil {
			lots[n.Lot.ID] = n.Lot
		}
	}
	cur := *l
	for range 64 {
		if cur.From == "" {
			break
		}
		next, ok := lots[cur.From]
		if !ok {
			return gongxu.Lot{ID: cur.From, Item: cur.Item}
		}
		cur = *next
	}
	return cur
}

// mergeSteps folds the steps of one event into one: a walk meets an event
// once per edge it follows (a receiving of three inputs, met from each),
// and the story tells it once, its inputs and outputs merged in order, at
// the smallest depth. steps keeps its order (by the first of each event).
func mergeSteps(steps []gongxu.TraceStep) []gongxu.TraceStep {
	at := map[string]int{}
	out := make([]gongxu.TraceStep, 0, len(steps))
	for _, st := range steps {
		i, seen := at[st.Event]
		if !seen || st.Event == "" {
			at[st.Event] = len(out)
			st.From, st.To = slices.Clone(st.From), slices.Clone(st.To)
			out = append(out, st)
			continue
		}
		m := &out[i]
		m.From = appendNew(m.From, st.From)
		m.To = appendNew(m.To, st.To)
		m.Depth = min(m.Depth, st.Depth)
	}
	// An event met as an observation of its outputs (in = out) and as the
	// edge from its inputs: its inputs are what is in but not out.
	for i := range out {
		m := &out[i]
		in := slices.DeleteFunc(slices.Clone(m.From), func(id string) bool { return slices.Contains(m.To, id) })
		if len(in) > 0 && len(in) < len(m.From) {
			m.From = in
		}
	}
	return out
}

// appendNew appends the ids of add that ids lacks.
func appendNew(ids, add []string) []string {
	for _, id := range add {
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}
