package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/demandforecast"
	"github.com/gongxu-network/gongxu/internal/sqlite"
	"github.com/gongxu-network/gongxu/internal/testenv/inproc"
)

const (
	jacketDemand = "/demand/acme-textiles/merino-jacket"
	jacketID     = gongxu.ProductID(inproc.Acme + "/merino-jacket")
)

// demandServer serves f with the read model's demand service at the node
// thresholds th, and its forecasts.
func demandServer(t *testing.T, f *site, th gongxu.DemandThresholds) (*server, *sqlite.Demand) {
	t.Helper()
	d, err := sqlite.NewDemand(f.w.Read(), th)
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.config()
	cfg.Demand, cfg.Forecast = d, demandforecast.New(d)
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	return s, d
}

// rowOf is the table row of id in body ("" when there is none).
func rowOf(body, id string) string {
	i := strings.Index(body, `<tr id="`+id+`"`)
	if i < 0 {
		return ""
	}
	j := strings.Index(body[i:], "</tr>")
	return body[i : i+j]
}

// svgsOf are the demand charts of body.
func svgsOf(body string) []string {
	return regexp.MustCompile(`(?s)<svg class="chart demand-chart".*?</svg>`).FindAllString(body, -1)
}

// wellFormed checks that svg is well-formed XML.
func wellFormed(t *testing.T, svg string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	for {
		_, err := d.Token()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			t.Fatalf("SVG not well-formed: %v\n%s", err, svg)
		}
	}
}

// ownCells are the cells of hub as hub itself reads them: the numbers the
// other readers must not see.
func ownCells(t *testing.T, d gongxu.DemandService, hub gongxu.OrgID) []gongxu.DemandCell {
	t.Helper()
	rep, err := d.Demand(context.Background(), gongxu.DemandFilter{Product: jacketID, Hub: hub, Period: gongxu.DemandWeek,
		Measure: gongxu.MeasurePledged, Reader: hub})
	if err != nil {
		t.Fatal(err)
	}
	var out []gongxu.DemandCell
	for _, c := range rep.Cells {
		if c.Own && c.Pledged != nil && c.Pledged.Units > 0 {
			out = append(out, c)
		}
	}
	if len(out) == 0 {
		t.Fatalf("%s has no cells of its own", hub)
	}
	return out
}

// An anonymous reader, default thresholds: every cell of the World is
// suppressed (a hub's batches have one contributor, the totals two), marked
// so, and no hidden number reaches the page.
func TestDemandPageAnonymous(t *testing.T) {
	f := newSite(t)
	s, d := demandServer(t, f, gongxu.DemandThresholds{})

	idx := page(t, s, "/demand", http.StatusOK)
	contains(t, "index", idx, "<h1>Demand</h1>", `<a href="/demand/acme-textiles/merino-jacket">Merino wool jacket</a>`,
		`<a href="/orgs/acme-textiles">Acme Textiles</a>`, "You read anonymously", "Thresholds in force: a cell is shown when it has at least 3 contributors, its 2 largest contributors hold at most 85%")

	res, body := do(t, s, "GET", jacketDemand)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%s", res.StatusCode, body)
	}
	if err := checkHTML(body); err != nil {
		t.Fatal(err)
	}
	if cc := res.Header.Get("Cache-Control"); cc == "private, no-store" {
		t.Errorf("an anonymous page is private: %q", cc)
	}
	contains(t, "demand page", body, "<h1>Demand for Merino wool jacket</h1>", `href="/demand"`,
		`<a href="/demand/acme-textiles/merino-jacket?measure=captured">captured</a>`,
		`<a href="/demand/acme-textiles/merino-jacket?hub=hilltown-hub">Hilltown Community Hub</a>`,
		`<span class="badge withheld">suppressed</span> withheld: fewer than 3 contributors, or its 2 largest hold more than 85%, or it would reveal a suppressed cell by subtraction`,
		"Not forecast: no week after its last suppressed one is shown", `id="suggest-none"`, html.EscapeString(noteHidden),
		`<a href="/signin?next=%2Fdemand%2Facme-textiles%2Fmerino-jacket">Sign in to see your hub&#39;s own cells in full.</a>`)
	lacks(t, "demand page", body, `class="total"`, `class="badge own"`, `id="suggest-link"`, "demand-band80")
	for _, c := range append(ownCells(t, d, inproc.Hilltown), ownCells(t, d, inproc.Lakeside)...) {
		row := rowOf(body, cellID(c))
		if row == "" {
			t.Fatalf("no row %s", cellID(c))
		}
		if !strings.Contains(row, `class="withheld"`) || !strings.Contains(row, "suppressed") {
			t.Errorf("row %s not marked suppressed:\n%s", cellID(c), row)
		}
		units, value := ">"+num(c.Pledged.Units)+"<", money(c.Pledged.Money, c.Currency)
		if strings.Contains(row, units) || strings.Contains(row, value) {
			t.Errorf("row %s shows the hidden %s or %s:\n%s", cellID(c), units, value, row)
		}
		if strings.Contains(body, value) {
			t.Errorf("the page shows the hidden value %s of %s", value, cellID(c))
		}
	}
	svgs := svgsOf(body)
	if len(svgs) == 0 {
		t.Fatal("no chart")
	}
	for _, svg := range svgs {
		wellFormed(t, svg)
		if !strings.Contains(svg, `class="demand-suppressed"`) || strings.Contains(svg, `class="demand-week"`) {
			t.Errorf("a chart of suppressed weeks draws them other than as gaps:\n%s", svg)
		}
	}
}

// A hub signed in on its node sees its own cells in full, the others'
// still suppressed, and the forecast of its own series with its bands.
func TestDemandPageOwnHub(t *testing.T) {
	f := newSite(t)
	s, d := demandServer(t, f, gongxu.DemandThresholds{})
	sess := signIn(t, s, localAddr)
	get := func(target string) (*http.Response, string) {
		return serve(t, s, request("GET", target, nil, localAddr, []*http.Cookie{sess}))
	}
	res, body := get(jacketDemand + "?hub=hilltown-hub")
	if res.StatusCode != http.StatusOK || res.Header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("status %d, Cache-Control %q\n%s", res.StatusCode, res.Header.Get("Cache-Control"), body)
	}
	contains(t, "own hub page", body, "<h1>Demand for Merino wool jacket at Hilltown Community Hub</h1>",
		"You read as Hilltown Community Hub", `aria-current="true">Hilltown Community Hub</a>`, "Forecast by the ")
	lacks(t, "own hub page", body, "lakeside-corner-m-navy")
	for _, c := range ownCells(t, d, inproc.Hilltown) {
		row := rowOf(body, cellID(c))
		contains(t, "own row "+cellID(c), row, "your hub", ">"+num(c.Pledged.Units)+"<", money(c.Pledged.Money, c.Currency))
	}
	svgs := svgsOf(body)
	if len(svgs) == 0 {
		t.Fatal("no chart")
	}
	for _, svg := range svgs {
		wellFormed(t, svg)
		contains(t, "own chart", svg, `class="demand-week"`, `class="demand-band95"`, `class="demand-band80"`, `class="demand-mean"`,
			`class="demand-divider"`, ">history<", ">forecast<", ">2026-W01<", ">W05<")
	}
	// The product's page: Lakeside's cells stay suppressed.
	_, body = get(jacketDemand)
	for _, c := range ownCells(t, d, inproc.Lakeside) {
		row := rowOf(body, cellID(c))
		if !strings.Contains(row, "suppressed") || strings.Contains(row, ">"+num(c.Pledged.Units)+"<") {
			t.Errorf("Hilltown sees Lakeside's cell %s:\n%s", cellID(c), row)
		}
	}
	// Not signed in, the same browser reads anonymously.
	_, body = do(t, s, "GET", jacketDemand+"?hub=hilltown-hub")
	lacks(t, "anonymous hub page", body, `class="badge own"`)
}

// Once governance lowers the thresholds every cell is shown, the forecast
// is reconciled, and the product's page suggests a pool.
func TestDemandPageSuggestion(t *testing.T) {
	f := newSite(t)
	for _, p := range []inproc.M{
		{"kind": gongxu.ProposalSetParam, "title": "Share all demand", "param": "demand_min_contributors", "value": 1},
		{"kind": gongxu.ProposalSetParam, "title": "No dominance rule", "param": "demand_dominance_pct", "value": 100},
	} {
		id := f.w.Propose(inproc.Swift, p)
		for _, v := range []string{inproc.Acme, inproc.Blue, inproc.Sunrise, inproc.Hilltown} {
			f.w.Vote(v, id, true)
		}
	}
	s, _ := demandServer(t, f, gongxu.DemandThresholds{MinContributors: 1, DominanceN: 1, DominancePct: 100})
	body := page(t, s, jacketDemand, http.StatusOK)
	contains(t, "suggestion", body, `id="suggest-moq"`, `id="suggest-cap"`, `id="suggest-link"`, "Reconciled so that the hubs add up to the total.",
		`class="total"`, "Thresholds in force: a cell is shown when it has at least 1 contributor,")
	lacks(t, "suggestion", body, "withheld:", `id="suggest-none"`)
	m := regexp.MustCompile(`id="suggest-link" href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no link")
	}
	u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	if err != nil || u.Path != "/pools/new" {
		t.Fatalf("link %q: %v", m[1], err)
	}
	q := u.Query()
	moq, err1 := strconv.Atoi(q.Get("min_batch"))
	capU, err2 := strconv.Atoi(q.Get("cap"))
	days, err3 := strconv.Atoi(q.Get("deadline_days"))
	if q.Get("product") != string(jacketID) || err1 != nil || err2 != nil || err3 != nil || moq < 1 || capU < moq || days < 1 {
		t.Fatalf("link %s", u)
	}
	// The tiers: from 1 unit, quantities rising, prices falling, from the
	// jackets' last pool (¥129 first).
	tiers := strings.Split(q.Get("tiers"), ",")
	if len(tiers) == 0 || !strings.HasPrefix(tiers[0], "1:129") {
		t.Fatalf("tiers %q", q.Get("tiers"))
	}
	lastQ, lastP := 0, 1e18
	for _, tr := range tiers {
		qs, ps, _ := strings.Cut(tr, ":")
		n, err1 := strconv.Atoi(qs)
		p, err2 := strconv.ParseFloat(ps, 64)
		if err1 != nil || err2 != nil || n <= lastQ || p >= lastP || n > capU {
			t.Fatalf("tiers %q not monotone within the cap %d", q.Get("tiers"), capU)
		}
		lastQ, lastP = n, p
	}
	// The card, as the lead's pages will show it.
	req := request("GET", "/factory", nil, localAddr, nil)
	card, err := s.demandCardFor(req, jacketID)
	if err != nil || card == nil {
		t.Fatalf("card: %v, %v", card, err)
	}
	var buf bytes.Buffer
	if err := s.frags[langEN].ExecuteTemplate(&buf, "demand-card", card); err != nil {
		t.Fatal(err)
	}
	if err := checkHTML(buf.String()); err != nil {
		t.Fatalf("card: %v\n%s", err, buf.String())
	}
	contains(t, "card", buf.String(), `<a href="/demand/acme-textiles/merino-jacket">Merino wool jacket</a>`, `<a href="/pools/5">Pool #5</a>`,
		"88 pledged, MOQ 50, cap 300", "MOQ reached", "Pledges forecast")
}

// A node with demand but no forecasts: the pages say so, suggest nothing
// and the card is not there.
func TestDemandPageWithoutForecasts(t *testing.T) {
	f := newSite(t)
	d, err := sqlite.NewDemand(f.w.Read(), gongxu.DemandThresholds{})
	if err != nil {
		t.Fatal(err)
	}
	cfg := f.config()
	cfg.Demand = d
	s, err := newServer(cfg, func() time.Time { return testNow })
	if err != nil {
		t.Fatal(err)
	}
	body := page(t, s, jacketDemand, http.StatusOK)
	contains(t, "page without forecasts", body, "This node serves no forecasts.", `class="demand-suppressed"`)
	lacks(t, "page without forecasts", body, `id="suggest"`, "demand-card", "demand-mean")
	if c, err := s.demandCardFor(request("GET", "/factory", nil, localAddr, nil), jacketID); c != nil || err != nil {
		t.Errorf("a card without forecasts: %v, %v", c, err)
	}
}

// The factory console's cards: one per product with a pool.
func TestDemandCardsOfFactory(t *testing.T) {
	f := newSite(t)
	s, _ := demandServer(t, f, gongxu.DemandThresholds{})
	cards, err := s.demandCardsOf(request("GET", "/factory", nil, localAddr, nil, "Accept-Language", "zh-CN"), inproc.Acme)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range cards {
		got = append(got, string(c.Product))
		var buf bytes.Buffer
		if err := s.frags[langZH].ExecuteTemplate(&buf, "demand-card", c); err != nil {
			t.Fatal(err)
		}
		if err := checkHTML(buf.String()); err != nil {
			t.Errorf("card %s: %v", c.Product, err)
		}
		if c.Product == jacketID {
			// Anonymous: the jackets' demand is withheld, so the card
			// says why and still shows the open pool.
			contains(t, "jacket card", buf.String(), "此产品的部分需求对当前读者隐藏", `<a href="/pools/5">`, "已达 MOQ")
		}
	}
	if !slices.Contains(got, string(jacketID)) || slices.Contains(got, inproc.Acme+"/wool-scarf") {
		t.Errorf("cards %v", got)
	}
	if m := s.langs.missingKeys(); len(m) > 0 {
		t.Errorf("messages without Chinese: %q", m)
	}
}

func TestDemandPageErrors(t *testing.T) {
	f := newSite(t)
	s, _ := demandServer(t, f, gongxu.DemandThresholds{})
	for target, status := range map[string]int{
		"/demand/acme-textiles/no-such-thing":                   http.StatusNotFound,
		"/demand/nobody-at-all/merino-jacket":                   http.StatusNotFound,
		jacketDemand + "?measure=sold":                          http.StatusBadRequest,
		jacketDemand + "?hub=Not%20An%20Org":                    http.StatusBadRequest,
		jacketDemand + "?variant=NO%20SUCH":                     http.StatusBadRequest,
		jacketDemand + "?colour=red":                            http.StatusBadRequest,
		jacketDemand + "?measure=pledged&measure=captured":      http.StatusBadRequest,
		"/demand/Bad%20Product":                                 http.StatusBadRequest,
		"/demand?x=1":                                           http.StatusBadRequest,
		jacketDemand + "?measure=picked_up&hub=lakeside-corner": http.StatusOK,
	} {
		page(t, s, target, status)
	}
	// Without a demand service the pages are not there.
	plain, _ := newTestServer(t, f)
	page(t, plain, "/demand", http.StatusNotFound)
	page(t, plain, jacketDemand, http.StatusNotFound)
}

// The pages in both languages use no message without its Chinese.
func TestDemandPagesInBothLanguages(t *testing.T) {
	f := newSite(t)
	s, _ := demandServer(t, f, gongxu.DemandThresholds{})
	sess := signIn(t, s, localAddr)
	for _, lang := range []string{"en", "zh-CN"} {
		for _, target := range []string{"/demand", jacketDemand, jacketDemand + "?hub=hilltown-hub", jacketDemand + "?measure=refunded",
			"/demand/acme-textiles/wool-socks", "/demand/acme-textiles/no-such-thing", jacketDemand + "?measure=x"} {
			for _, c := range []*http.Cookie{nil, sess} {
				res, body := serve(t, s, request("GET", target, nil, localAddr, []*http.Cookie{c}, "Accept-Language", lang))
				if res.StatusCode >= 500 {
					t.Errorf("%s in %s: status %d", target, lang, res.StatusCode)
				}
				if lang == "zh-CN" && !strings.Contains(body, `<html lang="zh-CN">`) {
					t.Errorf("%s: not in Chinese", target)
				}
			}
		}
	}
	if m := s.langs.missingKeys(); len(m) > 0 {
		t.Errorf("messages without Chinese: %q", m)
	}
	body := page(t, s, jacketDemand, http.StatusOK)
	_ = body
	_, zh := do(t, s, "GET", jacketDemand, "Accept-Language", "zh-CN")
	contains(t, "Chinese page", zh, "<h1>Merino wool jacket 的需求</h1>", "已隐藏", "当前阈值")
}

// The chart stays readable at any length: at most dchartLabels week labels,
// the history capped, well-formed, the bands after the divider.
func TestDemandChart(t *testing.T) {
	for _, n := range []int{0, 1, 3, 52, 400} {
		var hist []demandWeek
		for i, wk := range weeksBetween("2019-W01", "2030-W52")[:n] {
			w := demandWeek{Period: wk, Units: gongxu.Units(i % 17)}
			if i%5 == 3 {
				w = demandWeek{Period: wk, Suppressed: true, Units: 999_999}
			}
			hist = append(hist, w)
		}
		steps := []gongxu.ForecastStep{{Period: "2031-W01", Mean: 5, Lo80: 2, Hi80: 8, Lo95: -1, Hi95: 11}, {Period: "2031-W02", Mean: 6, Lo80: 2, Hi80: 9, Lo95: 0, Hi95: 13}}
		svg := string(demandChart(demandChartSpec{History: hist, Steps: steps, Measure: "pledged"}))
		wellFormed(t, svg)
		if labels := strings.Count(svg, `class="chart-time"`); labels > dchartLabels || labels == 0 {
			t.Errorf("%d weeks: %d labels", n, labels)
		}
		if strings.Contains(svg, "999") {
			t.Errorf("%d weeks: a suppressed week's units are drawn", n)
		}
		contains(t, "chart", svg, `class="demand-band95"`, `class="demand-band80"`, `class="demand-mean"`, ">forecast<")
		if n > dchartMaxWeeks && !strings.Contains(svg, "The latest 312 weeks") {
			t.Errorf("%d weeks: no word of the cut", n)
		}
	}
	empty := string(demandChart(demandChartSpec{}))
	wellFormed(t, empty)
	contains(t, "empty chart", empty, "No demand yet")
}

func TestISOWeeks(t *testing.T) {
	for name, want := range map[string]string{"2026-W01": "2025-12-29", "2026-W02": "2026-01-05", "2020-W53": "2020-12-28"} {
		m, ok := isoMonday(name)
		if !ok || m.Format("2006-01-02") != want || isoWeekName(m) != name {
			t.Errorf("%s: %v %v, want %s", name, m, ok, want)
		}
	}
	for _, bad := range []string{"2026-W54", "2026-W00", "2025-W53", "2026-12", "x"} {
		if _, ok := isoMonday(bad); ok {
			t.Errorf("%s: a week", bad)
		}
	}
	if got := weeksBetween("2025-W52", "2026-W02"); strings.Join(got, " ") != "2025-W52 2026-W01 2026-W02" {
		t.Errorf("weeksBetween: %v", got)
	}
}
