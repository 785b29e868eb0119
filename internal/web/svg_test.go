package web

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// svgRects decodes an SVG as XML (so it must be well-formed) and returns the
// width of each rect by class, and the text.
func svgRects(t *testing.T, svg string) (map[string]string, string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	rects := map[string]string{}
	var text strings.Builder
	inText := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return rects, text.String()
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			inText = tok.Name.Local == "text"
			if tok.Name.Local == "rect" {
				var class, width string
				for _, a := range tok.Attr {
					switch a.Name.Local {
					case "class":
						class = a.Value
					case "width":
						width = a.Value
					}
				}
				rects[class] = width
			}
		case xml.CharData:
			if inText {
				text.Write(tok)
			}
		case xml.EndElement:
			inText = false
		}
	}
}

func TestProgressBar(t *testing.T) {
	for _, c := range []struct {
		value, max int64
		fill       string // "" when there is no fill rect
	}{
		{3, 4, "180"},
		{1, 3, "80"},
		{0, 4, ""},
		{-2, 4, ""},
		{4, 4, "240"},
		{9, 4, "240"}, // clamped
		{5, 0, ""},    // no max: empty
		{5, -1, ""},   // no max: empty
		{math.MaxInt64 - 1, math.MaxInt64, "239"}, // no overflow
		{math.MaxInt64 / 2, math.MaxInt64, "119"},
	} {
		svg := string(ProgressBar(c.value, c.max, "votes"))
		rects, text := svgRects(t, svg)
		if rects["bar-track"] != "240" {
			t.Errorf("(%d, %d): track width %q", c.value, c.max, rects["bar-track"])
		}
		if rects["bar-fill"] != c.fill {
			t.Errorf("(%d, %d): fill width %q, want %q", c.value, c.max, rects["bar-fill"], c.fill)
		}
		if text != "votes" {
			t.Errorf("(%d, %d): text %q", c.value, c.max, text)
		}
	}
}

func TestProgressBarEscapesLabel(t *testing.T) {
	label := `<b>"A & B"</b>`
	svg := string(ProgressBar(1, 2, label))
	if strings.Contains(svg, "<b>") {
		t.Fatalf("label not escaped: %s", svg)
	}
	_, text := svgRects(t, svg)
	if text != label {
		t.Errorf("text %q, want %q", text, label)
	}
	if !strings.HasPrefix(svg, `<svg class="bar" xmlns="http://www.w3.org/2000/svg"`) || !strings.Contains(svg, `role="img"`) {
		t.Errorf("svg head: %s", svg)
	}
}

// svgTree decodes an SVG as XML (so it must be well-formed) and returns its
// elements with their attributes, in order.
func svgTree(t *testing.T, svg string) []map[string]string {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(svg))
	var out []map[string]string
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if el, ok := tok.(xml.StartElement); ok {
			m := map[string]string{"": el.Name.Local}
			for _, a := range el.Attr {
				m[a.Name.Local] = a.Value
			}
			out = append(out, m)
		}
	}
}

// byClass returns the elements whose class is class.
func byClass(els []map[string]string, class string) []map[string]string {
	var out []map[string]string
	for _, e := range els {
		if e["class"] == class {
			out = append(out, e)
		}
	}
	return out
}

func TestTierLadder(t *testing.T) {
	tiers := []gongxu.Tier{{MinQty: 1, UnitPrice: 12900}, {MinQty: 50, UnitPrice: 9900}, {MinQty: 100, UnitPrice: 8900}, {MinQty: 200, UnitPrice: 7900}}
	els := svgTree(t, string(TierLadder(tiers, 88, 300, "CNY")))
	if els[0][""] != "svg" || els[0]["class"] != "ladder" || els[0]["viewBox"] != "0 0 300 92" {
		t.Fatalf("svg element %v", els[0])
	}
	// 4 steps of 75, as tall as their price between the cheapest (16) and the
	// dearest (50): 88 has passed the first and earns the second.
	if r := byClass(els, "ladder-step reached"); len(r) != 1 || r[0]["x"] != "1" || r[0]["height"] != "50" || r[0]["y"] != "20" {
		t.Errorf("reached steps %v", r)
	}
	cur := byClass(els, "ladder-step current")
	if len(cur) != 1 || cur[0]["x"] != "76" || cur[0]["width"] != "73" || cur[0]["height"] != "29" || cur[0]["y"] != "41" { // 16 + 34×2000/5000
		t.Errorf("current step %v", cur)
	}
	// The marker: 88 is 38/50 of the way from 50 to 100, in the second step: 75 + 57.
	marks := byClass(els, "ladder-mark")
	if len(marks) != 2 || marks[0]["x1"] != "132" || marks[0]["x2"] != "132" {
		t.Errorf("marker %v", marks)
	}
	if steps := byClass(els, "ladder-step"); len(steps) != 2 || steps[0]["height"] != "22" || steps[1]["height"] != "16" {
		t.Errorf("unreached steps %v", steps)
	}
	if got := len(byClass(els, "ladder-price")); got != 4 {
		t.Errorf("%d price labels", got)
	}

	// Nothing pledged: no step reached, the marker at the start. In the last
	// tier the marker runs to the cap.
	els = svgTree(t, string(TierLadder(tiers, 0, 300, "CNY")))
	if len(byClass(els, "ladder-step current")) != 0 || byClass(els, "ladder-mark")[0]["x1"] != "1" {
		t.Errorf("empty ladder: %v", els)
	}
	els = svgTree(t, string(TierLadder(tiers, 250, 300, "CNY")))
	if byClass(els, "ladder-step current")[0]["x"] != "226" || byClass(els, "ladder-mark")[0]["x1"] != "262" { // 225 + 75×50/100
		t.Errorf("last tier: %v", els)
	}
	// A crowded ladder labels only the current tier; one tier draws full height.
	var many []gongxu.Tier
	for i := range 16 {
		many = append(many, gongxu.Tier{MinQty: gongxu.Units(1 + 10*i), UnitPrice: gongxu.Amount(1000 - i)})
	}
	els = svgTree(t, string(TierLadder(many, 35, 1000, "USD")))
	if got := len(byClass(els, "ladder-price")); got != 1 {
		t.Errorf("crowded ladder: %d price labels", got)
	}
	els = svgTree(t, string(TierLadder(tiers[:1], 5, 10, "CNY")))
	if c := byClass(els, "ladder-step current"); len(c) != 1 || c[0]["height"] != "50" || c[0]["width"] != "298" {
		t.Errorf("one tier: %v", c)
	}
	if TierLadder(nil, 1, 1, "CNY") != "" {
		t.Error("no tiers: not empty")
	}
}

func TestProgressChart(t *testing.T) {
	const from, span = int64(1_767_225_600_000), int64(4 * 24 * 3600 * 1000)
	spec := ChartSpec{
		Points: []ProgressPoint{{Time: from, Total: 0}, {Time: from + span/4, Total: 20}, {Time: from + span/2, Total: 50}},
		MOQ:    50, Cap: 100, From: from, To: from + span, Now: from + span*3/4,
	}
	svg := string(ProgressChart(spec))
	els := svgTree(t, svg)
	root := els[0]
	if root[""] != "svg" || root["class"] != "chart" || root["viewBox"] != "0 0 560 240" || root["role"] != "img" {
		t.Fatalf("svg element %v", root)
	}
	// The plot is 424 × 184 from (52, 16): x = 52 + 424·t/span, y = 200 − 184·v/100 (the cap is the top).
	line := byClass(els, "chart-line")
	if len(line) != 1 || line[0]["d"] != "M52 200 H158 V164 H264 V108 H370" {
		t.Errorf("line %v", line)
	}
	if a := byClass(els, "chart-area"); len(a) != 1 || a[0]["d"] != line[0]["d"]+" V200 H52 Z" {
		t.Errorf("area %v", a)
	}
	if m := byClass(els, "chart-moq"); len(m) != 1 || m[0]["y1"] != "108" || m[0]["y2"] != "108" {
		t.Errorf("MOQ line %v", m)
	}
	if c := byClass(els, "chart-cap"); len(c) != 1 || c[0]["y1"] != "16" {
		t.Errorf("cap line %v", c)
	}
	if n := byClass(els, "chart-now"); len(n) != 1 || n[0]["x1"] != "370" {
		t.Errorf("now line %v", n)
	}
	if d := byClass(els, "chart-dot"); len(d) != 1 || d[0]["cx"] != "370" || d[0]["cy"] != "108" {
		t.Errorf("dot %v", d)
	}
	// Time labels in block time: 4 days, so dates.
	for _, want := range []string{">1 Jan<", ">3 Jan<", ">5 Jan<", ">MOQ 50<", ">cap 100<", ">block time, UTC<"} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %s", want)
		}
	}

	// A cap far above: the axis ends at a round number above the MOQ and the
	// total, and the cap is only named.
	spec.Cap = 10_000
	svg = string(ProgressChart(spec))
	els = svgTree(t, svg)
	if len(byClass(els, "chart-cap")) != 0 || !strings.Contains(svg, ">cap 10,000 ↑<") || !strings.Contains(svg, ">100<") {
		t.Errorf("far cap:\n%s", svg)
	}
	// Within a day and a half: hours.
	spec.To = from + 24*3600*1000
	if svg = string(ProgressChart(spec)); !strings.Contains(svg, ">12:00<") {
		t.Errorf("short axis:\n%s", svg)
	}
	// No points: an empty chart that says so; a degenerate axis does not divide by zero.
	svg = string(ProgressChart(ChartSpec{MOQ: 10, Cap: 20, From: from, To: from}))
	if els = svgTree(t, svg); len(byClass(els, "chart-line")) != 0 || !strings.Contains(svg, "No pledges yet") {
		t.Errorf("empty chart:\n%s", svg)
	}
}

func TestNiceCeil(t *testing.T) {
	for in, want := range map[int64]int64{-3: 1, 0: 1, 1: 1, 3: 5, 7: 10, 11: 20, 110: 200, 260: 500, 1000: 1000, 1001: 2000, math.MaxInt64: math.MaxInt64} {
		if got := niceCeil(in); got != want {
			t.Errorf("niceCeil(%d) = %d, want %d", in, got, want)
		}
	}
}
