package web

import (
	"crypto/sha256"
	"fmt"
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ProductTile is a product's picture where the ledger holds none: a square
// in a colour of its own (from the hash of its id, so every page and node
// draws the same) with the first letters of its name, and its name as the
// picture's text alternative. A page never loads an image from elsewhere.
func ProductTile(id, name string, size int) template.HTML {
	sum := sha256.Sum256([]byte(id))
	hue := int(sum[0])<<8 | int(sum[1])
	hue %= 360
	initials := tileInitials(name)
	esc := template.HTMLEscapeString
	return template.HTML(fmt.Sprintf(`<svg class="product-tile" xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 64 64" role="img" aria-label="%s">`+
		`<rect width="64" height="64" rx="10" fill="hsl(%d 45%% 32%%)"/>`+
		`<text x="32" y="41" text-anchor="middle" font-size="24" font-weight="700" fill="#fff" font-family="system-ui, 'Noto Sans CJK SC', sans-serif">%s</text></svg>`,
		size, size, esc(name), hue, esc(initials)))
}

// tileInitials are the first letters of a name's first two words ("Merino
// wool jacket" → "MW"), or its first character for a name without spaces
// (Chinese: "羊毛夹克" → "羊").
func tileInitials(name string) string {
	words := strings.FieldsFunc(name, func(r rune) bool { return unicode.IsSpace(r) || r == '-' || r == '/' })
	var b strings.Builder
	for _, w := range words {
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
		if b.Len() >= 2 || r > unicode.MaxASCII {
			break
		}
	}
	if b.Len() == 0 {
		return "?"
	}
	return b.String()
}
