package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// repFactsShown is how many of each figure's newest facts the org page
// shows; repPageSize how many a page of facts does.
const (
	repFactsShown = 3
	repPageSize   = 20
)

// repView is an org's reputation as the org page shows it.
type repView struct {
	Org          gongxu.OrgID
	AsOf         int64
	HalfLifeDays int64
	Obligations  int64
	Figures      []repFigure
}

// repFigure is one figure with its words, its rates for people, its
// newest facts and the link to all of them.
type repFigure struct {
	ID, Label, Def string
	Fig            gongxu.ReputationFigure
	Rate, Weighted string
	WeightedCount  string
	Path           string // the page of all its facts
	Facts          []repFact
}

// repFact is one fact for people: what it is, with whom, when, its score
// and the transactions it comes from.
type repFact struct {
	Ref, RefPath string
	With         gongxu.OrgID
	Time         int64
	Promised     int64
	Delivered    int64
	Score        string
	Weight       string
	Note         string
	Txs          []string
}

// repWords are each figure's name and definition, as the root's
// gongxu.Reputation defines it.
func repWords(l *locale, figure string) (label, def string) {
	switch figure {
	case gongxu.FigureOnTime:
		return l.T("On time"), l.T("Closed obligations (purchase-order lines it supplied, hub shares of its pools) delivered by the end of the promised day.")
	case gongxu.FigureFillRate:
		return l.T("Fill rate"), l.T("What was shipped of what was ordered, over closed obligations.")
	case gongxu.FigureDisputes:
		return l.T("Disputes"), l.T("Disputes opened against its deliveries; the rate is the share resolved against it.")
	case gongxu.FigureRecalls:
		return l.T("Recalls"), l.T("Recalls that named a lot it made.")
	case gongxu.FigureRepeat:
		return l.T("Repeat relationships"), l.T("The share of its counterparties that came back: two or more separate orders or pools.")
	}
	return figure, ""
}

func figureOf(r gongxu.Reputation, figure string) gongxu.ReputationFigure {
	switch figure {
	case gongxu.FigureOnTime:
		return r.OnTime
	case gongxu.FigureFillRate:
		return r.FillRate
	case gongxu.FigureDisputes:
		return r.Disputes
	case gongxu.FigureRecalls:
		return r.Recalls
	}
	return r.Repeat
}

func repPath(org gongxu.OrgID, figure string) string {
	return orgPath(org) + "/reputation/" + url.PathEscape(figure)
}

// repOf builds the org page's reputation section.
func repOf(l *locale, r gongxu.Reputation) *repView {
	v := &repView{Org: r.Org, AsOf: r.AsOf, HalfLifeDays: r.HalfLifeDays, Obligations: r.Obligations}
	for _, id := range gongxu.ReputationFigures {
		f := figureOf(r, id)
		label, def := repWords(l, id)
		v.Figures = append(v.Figures, repFigure{
			ID: id, Label: label, Def: def, Fig: f, Rate: basisPoints(f.Rate), Weighted: basisPoints(f.Weighted),
			WeightedCount: millionths(f.WeightedCount), Path: repPath(r.Org, id), Facts: factsOf(l, f.Facts),
		})
	}
	return v
}

func factsOf(l *locale, fs []gongxu.ReputationFact) []repFact {
	out := make([]repFact, 0, len(fs))
	for _, f := range fs {
		x := repFact{Ref: f.Ref, With: f.Counterparty, Time: f.Time, Promised: f.Promised, Delivered: f.Delivered,
			Score: basisPoints(f.Score), Weight: millionths(f.Weight), Note: f.Note, Txs: f.Txs}
		parts := strings.Split(f.Ref, ":")
		switch f.Kind {
		case gongxu.FactPOLine:
			if id, err := strconv.ParseUint(parts[1], 10, 64); err == nil && len(parts) == 3 {
				x.Ref, x.RefPath = l.T("Purchase order %d, line %s", id, parts[2]), poPath(id)
			}
		case gongxu.FactPoolShare:
			if id, err := strconv.ParseUint(parts[1], 10, 64); err == nil && len(parts) == 3 {
				x.Ref, x.RefPath = l.T("Pool #%d, share of %s", id, parts[2]), poolPath(id)
			}
		case gongxu.FactRecall:
			if id, err := strconv.ParseUint(strings.TrimPrefix(f.Ref, "recall:"), 10, 64); err == nil {
				x.Ref, x.RefPath = l.T("Recall %d", id), recallPath(id)
			}
		case gongxu.FactCounterparty:
			x.Ref, x.RefPath, x.With = l.T("%s orders or pools", f.Note), orgPath(f.Counterparty), f.Counterparty
			x.Note = ""
		case gongxu.FactDispute:
			x.Ref = l.T("Dispute %s", f.Ref)
			if id, err := strconv.ParseUint(f.Ref, 10, 64); err == nil {
				x.RefPath = disputePath(id)
			}
			if f.Note == "open" {
				x.Note = l.T("open")
			}
		}
		out = append(out, x)
	}
	return out
}

// basisPoints is a rate for people: "66.7%"; "–" for none (−1).
func basisPoints(bp int64) string {
	if bp < 0 {
		return "–"
	}
	return fmt.Sprintf("%d.%d%%", bp/100, bp%100/10)
}

// millionths is a weight for people: "0.94".
func millionths(m int64) string {
	return fmt.Sprintf("%d.%02d", m/1_000_000, m%1_000_000/10_000)
}

type repPageData struct {
	Org      gongxu.Org
	Fig      repFigure
	Total    int64
	Page     int
	Prev     string // "" on the first page
	Next     string // "" on the last
	From, To int
	Other    []repFigure // the other figures, for links
	AsOf     int64
	HalfLife int64
}

// reputationPage serves GET /orgs/{id}/reputation/{figure}: the facts of
// one figure, the newest first, repPageSize to a page (?page=, from 1).
func (s *server) reputationPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id := gongxu.OrgID(r.PathValue("id"))
	figure := r.PathValue("figure")
	missing := notFound("No member organization has the id %q.", id)
	if id.Validate() != nil {
		return missing
	}
	if !slices.Contains(gongxu.ReputationFigures, figure) {
		return notFound("No reputation figure is called %q.", figure)
	}
	page := 1
	if v := r.URL.Query().Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1_000_000 {
			return notFound("No page %q.", v)
		}
		page = n
	}
	org, err := s.members.Org(ctx, id)
	if gongxu.ErrorKind(err) == gongxu.KindNotFound {
		return missing
	} else if err != nil {
		return err
	}
	rep, err := s.rep.Reputation(ctx, id, 0)
	if err != nil {
		return err
	}
	p, err := s.rep.ReputationFacts(ctx, id, figure, (page-1)*repPageSize, repPageSize)
	if err != nil {
		return err
	}
	l := s.langs.pick(r)
	v := repOf(l, rep)
	d := repPageData{Org: org, Total: p.Total, Page: page, AsOf: rep.AsOf, HalfLife: rep.HalfLifeDays}
	for _, f := range v.Figures {
		if f.ID == figure {
			d.Fig = f
		} else {
			d.Other = append(d.Other, f)
		}
	}
	d.Fig.Facts = factsOf(l, p.Facts)
	d.From, d.To = (page-1)*repPageSize+1, (page-1)*repPageSize+len(p.Facts)
	if page > 1 {
		d.Prev = repPath(id, figure) + "?page=" + strconv.Itoa(page-1)
	}
	if int64(page*repPageSize) < p.Total {
		d.Next = repPath(id, figure) + "?page=" + strconv.Itoa(page+1)
	}
	return s.render(w, r, "reputation", view{
		Title:   l.T("%s: %s", org.Name, d.Fig.Label),
		Section: "network",
		Content: d,
	})
}
