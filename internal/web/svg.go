package web

import (
	"fmt"
	"html/template"
	"math/bits"
	"strings"
)

// Geometry of ProgressBar, in SVG user units (CSS pixels at scale 1).
const (
	barWidth  = 240
	barHeight = 20
)

// ProgressBar renders a horizontal progress bar as inline SVG: a track filled
// in proportion value/max (clamped to 0..max; empty when max <= 0) with label
// written on it. The label is escaped. Colours are presentation attributes, so
// the SVG draws on its own and a style sheet may still restyle the classes
// bar, bar-track, bar-fill and bar-label.
func ProgressBar(value, max int64, label string) template.HTML {
	fill := barFill(value, max, barWidth)
	esc := template.HTMLEscapeString(label)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="bar" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		barWidth, barHeight, barWidth, barHeight, esc)
	fmt.Fprintf(&b, `<title>%s</title>`, esc)
	fmt.Fprintf(&b, `<rect class="bar-track" x="0" y="0" width="%d" height="%d" rx="4" fill="#e1e5ea"/>`, barWidth, barHeight)
	if fill > 0 {
		fmt.Fprintf(&b, `<rect class="bar-fill" x="0" y="0" width="%d" height="%d" rx="4" fill="#8fb8f0"/>`, fill, barHeight)
	}
	fmt.Fprintf(&b, `<text class="bar-label" x="8" y="14" fill="#1f2933">%s</text>`, esc)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// barFill is width*value/max, with value clamped to 0..max, computed in
// integers without overflow.
func barFill(value, max, width int64) int64 {
	if max <= 0 || value <= 0 {
		return 0
	}
	if value >= max {
		return width
	}
	hi, lo := bits.Mul64(uint64(value), uint64(width))
	q, _ := bits.Div64(hi, lo, uint64(max)) // hi < max because value < max
	return int64(q)
}
