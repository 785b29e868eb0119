package web

import (
	"encoding/xml"
	"errors"
	"io"
	"math"
	"strings"
	"testing"
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
