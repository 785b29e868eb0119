package web

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strings"
)

// Geometry of TraceGraphSVG, in SVG user units (CSS pixels at scale 1).
const (
	tgNodeW   = 176
	tgNodeH   = 58
	tgGapX    = 88 // room for the edges and their labels
	tgGapY    = 26
	tgNoteH   = 14 // a line of notes under a node
	tgMaxNote = 2  // note lines under a node, at most
	tgPad     = 16
	tgChars   = 23 // characters of a node's line, at most
	tgLabelCh = 15 // characters of an edge's label's line, at most
)

// graphNode is a node of a trace graph: a lot, an item, a pool or a hub.
type graphNode struct {
	Key   string   // unique in the graph
	Lines []string // up to three lines: the name, then what and whose it is
	Title string   // the tooltip: the full identifier
	Href  string   // where a click leads ("": nowhere)
	Col   int      // the column, 0 on the left
	Class string   // lot, start, recalled, pool or hub
	Notes []string // what was observed of it (shipped, received, …)
}

// graphEdge is a step of a trace: from an input to an output.
type graphEdge struct {
	From, To string // node keys
	Label    string // written at the edge's middle, lines split by "\n" ("": none)
	Class    string // the step's kind, for the style sheet
}

// graphSpec is what TraceGraphSVG draws.
type graphSpec struct {
	Label string // the accessible description
	Nodes []graphNode
	Edges []graphEdge
}

// tgStyle is the fill and stroke of a node of each class.
var tgStyle = map[string][2]string{
	"lot":      {"#ffffff", "#9aa5b1"},
	"start":    {"#e6f0ff", "#1d5fbf"},
	"recalled": {"#fdecea", "#b42318"},
	"pool":     {"#fff4e0", "#8a5300"},
	"hub":      {"#f0e8ff", "#5b2a9a"},
}

// TraceGraphSVG renders a trace as inline SVG: its nodes as boxes in
// columns (the caller chooses the columns: by depth, the start on the right
// of a backward trace and on the left of a forward one), its steps as
// curves with arrows from input to output, labelled at their middle. Each
// column is ordered to keep the curves short (a few sweeps that sort each
// column by the mean height of its nodes' neighbours), and centred. Nodes
// with an Href are links. The SVG is well-formed XML.
func TraceGraphSVG(g graphSpec) template.HTML {
	cols := 0
	for _, n := range g.Nodes {
		cols = max(cols, n.Col+1)
	}
	columns := make([][]int, cols) // node indexes, top to bottom
	for i, n := range g.Nodes {
		columns[n.Col] = append(columns[n.Col], i)
	}
	rows := 1
	for _, c := range columns {
		rows = max(rows, len(c))
	}
	notes := 0
	for _, n := range g.Nodes {
		notes = max(notes, min(len(n.Notes), tgMaxNote))
	}
	rowH := tgNodeH + notes*tgNoteH + tgGapY
	w := 2*tgPad + cols*(tgNodeW+tgGapX) - tgGapX
	h := 2*tgPad + rows*rowH - tgGapY
	if cols == 0 {
		w = 2*tgPad + tgNodeW
	}
	// An edge within a column or backwards loops out to the right of its
	// nodes, with its label there: room for it past the last column.
	colOf := make(map[string]int, len(g.Nodes))
	for _, n := range g.Nodes {
		colOf[n.Key] = n.Col
	}
	for _, e := range g.Edges {
		a, okA := colOf[e.From]
		b, okB := colOf[e.To]
		if okA && okB && e.From != e.To && b <= a && max(a, b) == cols-1 {
			w += tgGapX
			break
		}
	}

	// Neighbours, and the ordering sweeps.
	index := make(map[string]int, len(g.Nodes))
	for i, n := range g.Nodes {
		index[n.Key] = i
	}
	nbrs := make([][]int, len(g.Nodes))
	for _, e := range g.Edges {
		a, okA := index[e.From]
		b, okB := index[e.To]
		if okA && okB && a != b {
			nbrs[a] = append(nbrs[a], b)
			nbrs[b] = append(nbrs[b], a)
		}
	}
	y := make([]int, len(g.Nodes)) // the top of each node
	place := func() {
		for _, c := range columns {
			off := tgPad + (rows-len(c))*rowH/2
			for r, i := range c {
				y[i] = off + r*rowH
			}
		}
	}
	place()
	for sweep := range 4 {
		for k := range cols {
			c := k
			if sweep%2 == 1 {
				c = cols - 1 - k
			}
			key := make(map[int]int, len(columns[c]))
			for _, i := range columns[c] {
				key[i] = y[i] * 2 // no neighbours: stay
				if len(nbrs[i]) > 0 {
					sum := 0
					for _, j := range nbrs[i] {
						sum += y[j]
					}
					key[i] = sum * 2 / len(nbrs[i])
				}
			}
			slices.SortStableFunc(columns[c], func(a, b int) int { return cmp.Compare(key[a], key[b]) })
			place()
		}
	}
	x := func(i int) int { return tgPad + g.Nodes[i].Col*(tgNodeW+tgGapX) }

	esc := template.HTMLEscapeString
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="trace-graph" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="group" aria-label="%s">`,
		w, h, w, h, esc(g.Label))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(g.Label))
	if len(g.Nodes) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" fill="#616e7c">Nothing to draw</text></svg>`, tgPad, h/2)
		return template.HTML(b.String())
	}

	// Edges first, under the nodes; one curve per pair of nodes, with the
	// labels of every step between them.
	type pair struct{ a, b int }
	var order []pair
	labels := map[pair][]string{}
	classes := map[pair]string{}
	for _, e := range g.Edges {
		a, okA := index[e.From]
		bb, okB := index[e.To]
		if !okA || !okB || a == bb {
			continue
		}
		p := pair{a, bb}
		if _, ok := labels[p]; !ok {
			order = append(order, p)
			labels[p] = nil
			classes[p] = e.Class
		}
		if e.Label != "" && !slices.Contains(labels[p], e.Label) {
			labels[p] = append(labels[p], e.Label)
		}
	}
	b.WriteString(`<g class="tg-edges" fill="none" stroke="#7b8794" stroke-width="1.5">`)
	var text strings.Builder // the labels, drawn over every curve
	for _, p := range order {
		y1, y2 := y[p.a]+tgNodeH/2, y[p.b]+tgNodeH/2
		var d, arrow string
		mx, my := 0, (y1+y2)/2
		if x1, x2 := x(p.a)+tgNodeW, x(p.b); x2 > x1 {
			// Left to right: out of the right side, into the left side.
			mx = (x1 + x2) / 2
			d = fmt.Sprintf("M%d %dC%d %d %d %d %d %d", x1, y1, mx, y1, mx, y2, x2-6, y2)
			arrow = fmt.Sprintf("M%d %dl-7 -4v8z", x2, y2)
		} else {
			// The same column (or backwards): a loop out to the right and
			// back into the right side.
			x2 = x(p.b) + tgNodeW
			out := max(x1, x2) + tgGapX/2
			mx = out - tgGapX/8
			d = fmt.Sprintf("M%d %dC%d %d %d %d %d %d", x1, y1, out, y1, out, y2, x2+6, y2)
			arrow = fmt.Sprintf("M%d %dl7 -4v8z", x2, y2)
		}
		class := "tg-edge"
		if c := classes[p]; c != "" {
			class += " " + c
		}
		fmt.Fprintf(&b, `<path class="%s" d="%s"/>`, esc(class), d)
		fmt.Fprintf(&b, `<path class="tg-arrow" d="%s" fill="#7b8794" stroke="none"/>`, arrow)
		// The labels' lines, centred on the curve's middle: the first
		// two steps' labels, then how many more.
		var lines []string
		for k, l := range labels[p] {
			if k == 2 {
				lines = append(lines, fmt.Sprintf("+%d more", len(labels[p])-2))
				break
			}
			lines = append(lines, strings.Split(l, "\n")...)
		}
		for k, l := range lines {
			fmt.Fprintf(&text, `<text x="%d" y="%d" text-anchor="middle">%s</text>`, mx, my+4+k*13-(len(lines))*13/2, esc(fitText(l, tgLabelCh)))
		}
	}
	b.WriteString(`</g>`)
	if text.Len() > 0 {
		fmt.Fprintf(&b, `<g class="tg-labels" font-size="11" fill="#3e4c59" stroke="#fff" stroke-width="3" paint-order="stroke">%s</g>`, text.String())
	}

	// Nodes.
	for i, n := range g.Nodes {
		st, ok := tgStyle[n.Class]
		if !ok {
			st = tgStyle["lot"]
		}
		nx, ny := x(i), y[i]
		if n.Href != "" {
			fmt.Fprintf(&b, `<a href="%s">`, esc(n.Href))
		}
		sw := "1"
		if n.Class == "start" || n.Class == "recalled" {
			sw = "2"
		}
		fmt.Fprintf(&b, `<g class="tg-node %s"><title>%s</title>`, esc(n.Class), esc(cmp.Or(n.Title, n.Key)))
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="%s" stroke="%s" stroke-width="%s"/>`,
			nx, ny, tgNodeW, tgNodeH, st[0], st[1], sw)
		for k, line := range n.Lines {
			if k == 3 {
				break
			}
			size, weight, fill := 11, "", "#616e7c"
			if k == 0 {
				size, weight, fill = 12, ` font-weight="700"`, "#1f2933"
			}
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="%d"%s fill="%s">%s</text>`,
				nx+10, ny+18+k*15, size, weight, fill, esc(fitText(line, tgChars)))
		}
		b.WriteString(`</g>`)
		if n.Href != "" {
			b.WriteString(`</a>`)
		}
		for k, note := range n.Notes {
			if k == tgMaxNote {
				break
			}
			if k == tgMaxNote-1 && len(n.Notes) > tgMaxNote {
				note = fmt.Sprintf("%s, +%d more", note, len(n.Notes)-k-1)
			}
			fmt.Fprintf(&b, `<text class="tg-note" x="%d" y="%d" font-size="10" fill="#616e7c">%s</text>`,
				nx+4, ny+tgNodeH+12+k*tgNoteH, esc(fitText(note, tgChars+6)))
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
