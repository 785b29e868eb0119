package webtest

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

//go:embed axe/axe.min.js
var axeJS string

// Violation is one accessibility rule a page breaks, as axe-core reports
// it: the rule, its impact (minor, moderate, serious, critical) and the
// elements that break it.
type Violation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any  `json:"target"`
		HTML   string `json:"html"`
	} `json:"nodes"`
}

func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s", v.ID, v.Impact, v.Help)
	for i, n := range v.Nodes {
		if i == 5 {
			fmt.Fprintf(&b, "\n    … %d more", len(v.Nodes)-5)
			break
		}
		fmt.Fprintf(&b, "\n    %v %s", n.Target, n.HTML)
	}
	return b.String()
}

// Axe injects axe-core (axe/, vendored) into the tab's current page, runs
// its WCAG 2.1 A and AA rules and best practices, and returns the
// violations of at least the given impact ("serious" returns serious and
// critical ones).
func Axe(ctx context.Context, minImpact string) ([]Violation, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[chromedp.Void](axeJS)); err != nil {
		return nil, fmt.Errorf("inject axe-core: %w", err)
	}
	const run = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations))`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var all []Violation
	if err := json.Unmarshal([]byte(raw), &all); err != nil {
		return nil, fmt.Errorf("axe-core's answer: %w", err)
	}
	rank := map[string]int{"minor": 1, "moderate": 2, "serious": 3, "critical": 4}
	var out []Violation
	for _, v := range all {
		if rank[v.Impact] >= rank[minImpact] {
			out = append(out, v)
		}
	}
	return out, nil
}

// Offscreen returns the visible table cells, headers and form controls of
// the tab's page that reach past the right edge of the viewport (on a
// phone: a column one must scroll sideways to find), and whether the page
// itself scrolls sideways. A cell inside an element scrolled on purpose
// (.table-scroll, .chart-wrap, .graph-wrap, .gantt-wrap, pre) counts only
// when the page lays tables out as cards.
func Offscreen(ctx context.Context) (cells []string, pageScrolls bool, err error) {
	const js = `(() => {
		const w = document.documentElement.clientWidth;
		const out = [];
		for (const el of document.querySelectorAll("td, th, input, select, textarea, button")) {
			const r = el.getBoundingClientRect();
			if (r.width === 0 || r.height === 0) continue;
			const st = getComputedStyle(el);
			if (st.visibility === "hidden" || st.display === "none") continue;
			const head = el.closest("thead"); // visually hidden headers of a table laid out as cards
			if (head && getComputedStyle(head).position === "absolute") continue;
			if (r.right > w + 1) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + ": " + (el.innerText || el.name || "").slice(0, 40).replace(/\s+/g, " ") + " (right " + Math.round(r.right) + " > " + w + ")");
		}
		return JSON.stringify({cells: out, scrolls: document.scrollingElement.scrollWidth > w + 1});
	})()`
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
	if err != nil {
		return nil, false, err
	}
	var r struct {
		Cells   []string `json:"cells"`
		Scrolls bool     `json:"scrolls"`
	}
	if err := json.Unmarshal([]byte(raw), &r); err != nil {
		return nil, false, err
	}
	return r.Cells, r.Scrolls, nil
}
