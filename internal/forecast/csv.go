package forecast

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Series is one named series read from a long CSV.
type Series struct {
	Name   string
	Values []float64
	// Periods label the values: integers ("3") or ISO dates ("2026-01-05"),
	// in order, one step apart.
	Periods []string
	// Step is the distance between periods: "1" for integers, "day",
	// "week" or "month" for dates.
	Step string
}

// Season is the season length the period step suggests: 7 for days, 52
// for weeks, 12 for months, none (1) for integer periods.
func (s Series) Season() int {
	switch s.Step {
	case "day":
		return 7
	case "week":
		return 52
	case "month":
		return 12
	}
	return 1
}

// Next returns the label of the period k steps after the last one.
func (s Series) Next(k int) string {
	last := s.Periods[len(s.Periods)-1]
	if s.Step == "1" {
		n, _ := strconv.ParseInt(last, 10, 64)
		return strconv.FormatInt(n+int64(k), 10)
	}
	d, _ := time.Parse(time.DateOnly, last)
	switch s.Step {
	case "day":
		d = d.AddDate(0, 0, k)
	case "week":
		d = d.AddDate(0, 0, 7*k)
	default:
		d = d.AddDate(0, k, 0)
	}
	return d.Format(time.DateOnly)
}

// LineError is a malformed input, with its line (1-based).
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

type row struct {
	line  int
	key   int64 // integer period, or days since 1970 for a date
	label string
	value float64
}

// ReadCSV reads a long CSV with the header series,period,value: one row per
// period per series, rows in any order, the period an integer index or an
// ISO date (yyyy-mm-dd) — one kind for the whole file. Each series' periods
// must be one step apart with no gap and no repeat: integers 1 apart, dates a
// day, a week or a month apart (the same day of the month). Series come
// back sorted by name. Errors are *LineError naming the line at fault.
func ReadCSV(r io.Reader) ([]Series, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err == io.EOF {
		return nil, &LineError{1, "empty input: want the header series,period,value"}
	}
	if err != nil {
		return nil, csvErr(err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	if len(head) != 3 || strings.TrimSpace(head[0]) != "series" || strings.TrimSpace(head[1]) != "period" || strings.TrimSpace(head[2]) != "value" {
		return nil, &LineError{1, fmt.Sprintf("header is %q, want series,period,value", strings.Join(head, ","))}
	}
	bySeries := map[string][]row{}
	kind := "" // "int" or "date"
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvErr(err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != 3 {
			return nil, &LineError{line, fmt.Sprintf("%d fields, want 3 (series,period,value)", len(rec))}
		}
		name, p, v := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if name == "" {
			return nil, &LineError{line, "empty series name"}
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, &LineError{line, fmt.Sprintf("value %q is not a finite number", v)}
		}
		var k int64
		var pk string
		if n, err := strconv.ParseInt(p, 10, 64); err == nil && n > math.MinInt64/2 && n < math.MaxInt64/2 {
			k, pk, p = n, "int", strconv.FormatInt(n, 10)
		} else if d, err := time.Parse(time.DateOnly, p); err == nil {
			k, pk = d.Unix()/86400, "date"
		} else {
			return nil, &LineError{line, fmt.Sprintf("period %q is neither an integer nor a date yyyy-mm-dd", p)}
		}
		if kind == "" {
			kind = pk
		} else if kind != pk {
			return nil, &LineError{line, fmt.Sprintf("period %q is %s, earlier periods are %ss: one kind per file", p, kindName(pk), kindName(kind)[strings.Index(kindName(kind), " ")+1:])}
		}
		bySeries[name] = append(bySeries[name], row{line: line, key: k, label: p, value: x})
	}
	if len(bySeries) == 0 {
		return nil, &LineError{1, "no data rows after the header"}
	}
	names := make([]string, 0, len(bySeries))
	for n := range bySeries {
		names = append(names, n)
	}
	slices.Sort(names)
	out := make([]Series, 0, len(names))
	for _, name := range names {
		rows := bySeries[name]
		slices.SortStableFunc(rows, func(a, b row) int {
			if a.key != b.key {
				if a.key < b.key {
					return -1
				}
				return 1
			}
			return a.line - b.line
		})
		s := Series{Name: name, Values: make([]float64, len(rows)), Periods: make([]string, len(rows))}
		if kind == "int" {
			s.Step = "1"
		}
		for i, r := range rows {
			if i > 0 {
				prev := rows[i-1]
				if r.key == prev.key {
					return nil, &LineError{max(r.line, prev.line), fmt.Sprintf("series %q: period %s repeats line %d", name, r.label, min(r.line, prev.line))}
				}
				step := stepOf(kind, prev.label, r.label, r.key-prev.key)
				if s.Step == "" {
					s.Step = step
				}
				if step == "" || step != s.Step {
					return nil, &LineError{r.line, fmt.Sprintf("series %q: gap or uneven step between periods %s and %s (want one %s apart)", name, prev.label, r.label, stepName(s.Step))}
				}
			}
			s.Values[i] = r.value
			s.Periods[i] = r.label
		}
		if s.Step == "" {
			s.Step = "day" // a single date: any step; days are the finest
		}
		out = append(out, s)
	}
	return out, nil
}

func stepOf(kind, a, b string, diff int64) string {
	if kind == "int" {
		if diff == 1 {
			return "1"
		}
		return ""
	}
	switch diff {
	case 1:
		return "day"
	case 7:
		return "week"
	}
	da, _ := time.Parse(time.DateOnly, a)
	db, _ := time.Parse(time.DateOnly, b)
	if da.Day() == db.Day() && da.AddDate(0, 1, 0).Equal(db) {
		return "month"
	}
	return ""
}

func kindName(k string) string {
	if k == "int" {
		return "an integer"
	}
	return "a date"
}

func stepName(s string) string {
	switch s {
	case "1":
		return "integer"
	case "":
		return "day, week or month"
	}
	return s
}

func csvErr(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &LineError{pe.Line, pe.Err.Error()}
	}
	return err
}
