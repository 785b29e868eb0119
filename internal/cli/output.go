package cli

import (
	"encoding/json"
	"io"
	"strings"
	"text/tabwriter"
	"time"

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

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return gongxu.Wrap(err, "write output")
	}
	return nil
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

// cell makes s fit in one table cell: no tabs or line breaks; "-" for empty.
func cell(s string) string {
	if s == "" {
		return "-"
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '\t', '\n', '\r', '\v', '\f':
			return ' '
		}
		return r
	}, s)
}

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
