package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// print writes v to stdout as indented JSON, or, with -o table, as the table
// that table writes.
func (env *Env) print(v any, table func(t *tableWriter)) error {
	if env.Output == OutputTable && table != nil {
		t := newTableWriter(env.Stdout)
		table(t)
		return t.flush()
	}
	return writeJSON(env.Stdout, v)
}

// writeJSON writes v as indented JSON. encoding/json escapes C0 controls
// already; the invisible characters a terminal would obey or hide (C1
// controls, DEL, bidi overrides, other format characters, line and paragraph
// separators) are written as \uXXXX escapes too. They can only be inside
// strings (JSON's syntax outside them is ASCII), so the output decodes to the
// same values.
func writeJSON(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return gongxu.Wrap(err, "write output")
	}
	if _, err := w.Write(escapeJSONInvisible(b.Bytes())); err != nil {
		return gongxu.Wrap(err, "write output")
	}
	return nil
}

// escapeJSONInvisible replaces every invisible rune of valid JSON text (see
// invisible) but the ASCII controls, which encoding/json escapes inside
// strings and which outside them are JSON's whitespace, with its \uXXXX
// escape (a surrogate pair above U+FFFF).
func escapeJSONInvisible(js []byte) []byte {
	escape := func(r rune) bool { return r >= 0x7f && invisible(r) }
	if !bytes.ContainsFunc(js, escape) {
		return js
	}
	out := make([]byte, 0, len(js)+32)
	for len(js) > 0 {
		r, n := utf8.DecodeRune(js)
		if r == utf8.RuneError || !escape(r) {
			out = append(out, js[:n]...)
		} else if r > 0xffff {
			hi, lo := utf16.EncodeRune(r)
			out = fmt.Appendf(out, `\u%04x\u%04x`, hi, lo)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		js = js[n:]
	}
	return out
}

// invisible reports whether a terminal would act on r or not show it:
// C0 and C1 controls, DEL, the bidirectional controls (U+061C, U+200E,
// U+200F, U+202A–U+202E, U+2066–U+2069) and every other format character
// (Unicode category Cf: zero-width spaces and joiners, the BOM, tags …),
// and the line and paragraph separators U+2028 and U+2029.
func invisible(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0:
		return true
	case r == 0x2028, r == 0x2029:
		return true
	}
	return r > 0x7f && unicode.Is(unicode.Cf, r)
}

// escapeText makes a user-supplied string safe to print on a terminal:
// every invisible rune (see invisible) is written as a visible escape — \t,
// \r and \n as such, other bytes below 0x80 as \xNN, other runes as \uNNNN
// or \UNNNNNNNN — and every byte of invalid UTF-8 as \xNN. keep lists the
// controls printed as they are (a message's own line breaks).
func escapeText(s string, keep string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || invisible(r) && !strings.ContainsRune(keep, r) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case !invisible(r) || strings.ContainsRune(keep, r):
			b.WriteString(s[i : i+n])
		case r == '\t':
			b.WriteString(`\t`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		case r > 0xffff:
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
		i += n
	}
	return b.String()
}

// tableWriter writes aligned columns: rows of a listing under a header, or the
// fields of one record as name/value lines.
type tableWriter struct {
	tw *tabwriter.Writer
}

func newTableWriter(w io.Writer) *tableWriter {
	return &tableWriter{tw: tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)}
}

// row writes one line of cells.
func (t *tableWriter) row(cells ...string) {
	for i, c := range cells {
		if i > 0 {
			io.WriteString(t.tw, "\t")
		}
		io.WriteString(t.tw, cell(c))
	}
	io.WriteString(t.tw, "\n")
}

// field writes a name/value line of a record.
func (t *tableWriter) field(name, value string) { t.row(name, value) }

// fieldOpt writes a name/value line when the value is not empty.
func (t *tableWriter) fieldOpt(name, value string) {
	if value != "" {
		t.field(name, value)
	}
}

// fieldList writes a name with the first value, then one line per further
// value; "-" when there is none.
func (t *tableWriter) fieldList(name string, values []string) {
	if len(values) == 0 {
		t.field(name, "-")
		return
	}
	for i, v := range values {
		if i == 0 {
			t.field(name, v)
		} else {
			io.WriteString(t.tw, "\t"+cell(v)+"\n") // a continuation line: no name
		}
	}
}

func (t *tableWriter) flush() error {
	if err := t.tw.Flush(); err != nil {
		return gongxu.Wrap(err, "write output")
	}
	return nil
}

// cell makes s fit in one table cell and safe on a terminal: tabs and line
// breaks become spaces, every other invisible rune (controls, bidi
// overrides, zero-width characters; see escapeText) a visible escape; "-"
// for empty.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return escapeText(cellSpaces.Replace(s), "")
}

// cellSpaces turns tabs and line breaks into spaces (byte by byte, so
// invalid UTF-8 stays for escapeText to show).
var cellSpaces = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ", "\v", " ", "\f", " ")

// msTime formats a block time in unix milliseconds as RFC 3339, UTC.
func msTime(ms int64) string {
	if ms == 0 {
		return ""
	}
	return time.UnixMilli(ms).UTC().Format(time.RFC3339)
}

// strs converts a slice of string-like values.
func strs[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
