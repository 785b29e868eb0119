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
	gtin := ""
	d.StartIsMade = d.Made != nil && gongxu.LotURN(d.Made.ID) == g.Start
	if d.Made != nil {
		d.Factory, d.FactoryName, d.MadeAt = d.Made.Owner, names[d.Made.Owner], d.Made.Created
		d.Title = itemLabel(d.Made.Item, d.Made.Owner)
		if s.pools != nil {
			p, err := s.pools.Product(ctx, gongxu.ProductID(d.Made.Item))
			if err == nil {
				gtin = p.GTIN
			}
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
	return s.render(w, r, "provenance", view{Title: d.Title, Section: "trace", Content: d})
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
