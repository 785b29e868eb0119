package sqlite

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	gongxu "github.com/gongxu-network/gongxu"
)

// decodeTraceEvent is decode(ev, e) for a trace event's json attr, with a
// fast path for the JSON the trace module emits (encoding/json's compact
// output of a gongxu.TraceEvent): an object of its known fields, each at
// most once, without whitespace, strings without escapes, integers,
// non-empty arrays, and a raw member that is an object or array. Decoding
// through encoding/json was about a fifth of projecting a capture (issue
// 17): its validation pass, its reflection and its copies. Any other text — escapes,
// null, unknown or repeated keys, fractions, whitespace, anything invalid —
// goes through decode itself, so the result, and the error, are always
// decode's (FuzzDecodeTraceEvent holds the fast path to that).
func decodeTraceEvent(ev *gongxu.Event, e *gongxu.TraceEvent) error {
	_, err := decodeTraceEventRecord(ev, e)
	return err
}

// decodeTraceEventRecord is decodeTraceEvent also returning, when the fast
// path took the attr and its raw and anchor are its last members (as the
// module emits them), the record trace_records.json keeps: the attr
// without those two, which is traceRecord(e) without encoding e again.
// Otherwise the record is nil.
func decodeTraceEventRecord(ev *gongxu.Event, e *gongxu.TraceEvent) ([]byte, error) {
	s := ev.Get("json")
	if end, ok := fastTraceEvent(s, e); ok {
		if end < 0 {
			return nil, nil
		}
		rec := make([]byte, end+1)
		copy(rec, s[:end])
		rec[end] = '}'
		return rec, nil
	}
	*e = gongxu.TraceEvent{}
	return nil, decode(ev, e)
}

// fastTraceEvent decodes s into the zero *e when s is in the fast path's
// form, and reports whether it was; e is left partly written when not.
// When raw and anchor are the last members of s, in that order, and not
// its only ones, end is where the member before them ends; else -1.
func fastTraceEvent(s string, e *gongxu.TraceEvent) (end int, ok bool) {
	d := tdec{s: s}
	var seen uint32
	n, rawN, anchorN, rawAt := 0, -1, -1, 0
	ok = d.object(func(k string) bool {
		bit, ok := traceFields[k]
		if !ok || seen&bit != 0 {
			return false
		}
		seen |= bit
		n++
		switch k {
		case "id":
			e.ID, ok = d.str()
		case "hash":
			e.Hash, ok = d.str()
		case "type":
			e.Type, ok = d.str()
		case "org":
			var o string
			o, ok = d.str()
			e.Org = gongxu.OrgID(o)
		case "flow":
			e.Flow, ok = d.str()
		case "seq":
			e.Seq, ok = d.uint()
		case "event_time":
			e.EventTime, ok = d.int()
		case "time_zone_offset":
			e.TimeZoneOffset, ok = d.str()
		case "action":
			e.Action, ok = d.str()
		case "biz_step":
			e.BizStep, ok = d.str()
		case "disposition":
			e.Disposition, ok = d.str()
		case "read_point":
			e.ReadPoint, ok = d.str()
		case "biz_location":
			e.BizLocation, ok = d.str()
		case "epcs":
			e.EPCs, ok = d.strs()
		case "quantities":
			e.Quantities, ok = d.quantities()
		case "inputs":
			e.Inputs, ok = d.strs()
		case "input_quantities":
			e.InputQuantities, ok = d.quantities()
		case "outputs":
			e.Outputs, ok = d.strs()
		case "output_quantities":
			e.OutputQuantities, ok = d.quantities()
		case "parent":
			e.Parent, ok = d.str()
		case "children":
			e.Children, ok = d.strs()
		case "child_quantities":
			e.ChildQuantities, ok = d.quantities()
		case "biz_transactions":
			e.BizTransactions, ok = d.refs()
		case "sources":
			e.Sources, ok = d.refs()
		case "destinations":
			e.Destinations, ok = d.refs()
		case "error_declaration":
			e.ErrorDeclaration = &gongxu.TraceErrorDeclaration{}
			ok = d.errorDeclaration(e.ErrorDeclaration)
		case "raw":
			rawN, rawAt = n, d.i-len(`"raw":`)-1 // the comma before it
			e.Raw, ok = d.raw()
		case "anchor":
			anchorN = n
			ok = d.anchor(&e.Anchor)
		}
		return ok
	})
	if !ok || d.i != len(s) {
		return 0, false
	}
	if rawN > 1 && rawN == n-1 && anchorN == n {
		return rawAt, true
	}
	return -1, true
}

// traceFields are the JSON names of gongxu.TraceEvent's fields, each a bit.
var traceFields = func() map[string]uint32 {
	m := map[string]uint32{}
	for i, k := range []string{"id", "hash", "type", "org", "flow", "seq", "event_time", "time_zone_offset", "action",
		"biz_step", "disposition", "read_point", "biz_location", "epcs", "quantities", "inputs", "input_quantities",
		"outputs", "output_quantities", "parent", "children", "child_quantities", "biz_transactions", "sources",
		"destinations", "error_declaration", "raw", "anchor"} {
		m[k] = 1 << i
	}
	return m
}()

// tdec reads s from i on.
type tdec struct {
	s string
	i int
}

func (d *tdec) next(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// object reads an object, calling member after each key and its colon to
// read the value.
func (d *tdec) object(member func(key string) bool) bool {
	if !d.next('{') {
		return false
	}
	if d.next('}') {
		return true
	}
	for {
		k, ok := d.str()
		if !ok || !d.next(':') || !member(k) {
			return false
		}
		if d.next('}') {
			return true
		}
		if !d.next(',') {
			return false
		}
	}
}

// array reads a non-empty array, calling elem for each element; it
// reports whether the array was well formed and how many elements it had.
func (d *tdec) array(elem func() bool) (int, bool) {
	if !d.next('[') {
		return 0, false
	}
	if d.next(']') {
		// encoding/json decodes [] to an empty slice, which a record
		// without it would not give back: left to it.
		return 0, false
	}
	for n := 1; ; n++ {
		if !elem() {
			return 0, false
		}
		if d.next(']') {
			return n, true
		}
		if !d.next(',') {
			return 0, false
		}
	}
}

// str reads a string without escapes or control characters, in valid
// UTF-8: what encoding/json would decode to the same bytes.
func (d *tdec) str() (string, bool) {
	if !d.next('"') {
		return "", false
	}
	start, ascii := d.i, true
	for ; d.i < len(d.s); d.i++ {
		switch c := d.s[d.i]; {
		case c == '"':
			v := d.s[start:d.i]
			d.i++
			return v, ascii || utf8.ValidString(v)
		case c == '\\' || c < 0x20:
			return "", false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return "", false
}

// digits reads a JSON integer: an optional minus, then 0 or a non-zero
// digit and more digits, not followed by a fraction or an exponent.
func (d *tdec) digits() (string, bool) {
	start := d.i
	d.next('-')
	switch {
	case d.next('0'):
	case d.i < len(d.s) && d.s[d.i] >= '1' && d.s[d.i] <= '9':
		for d.i < len(d.s) && d.s[d.i] >= '0' && d.s[d.i] <= '9' {
			d.i++
		}
	default:
		return "", false
	}
	if d.i < len(d.s) && (d.s[d.i] == '.' || d.s[d.i] == 'e' || d.s[d.i] == 'E') {
		return "", false
	}
	return d.s[start:d.i], true
}

func (d *tdec) int() (int64, bool) {
	s, ok := d.digits()
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

func (d *tdec) intN() (int, bool) {
	s, ok := d.digits()
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, strconv.IntSize)
	return int(v), err == nil
}

func (d *tdec) uint() (uint64, bool) {
	s, ok := d.digits()
	if !ok || s[0] == '-' {
		return 0, false
	}
	v, err := strconv.ParseUint(s, 10, 64)
	return v, err == nil
}

func (d *tdec) strs() ([]string, bool) {
	var out []string
	_, ok := d.array(func() bool {
		s, ok := d.str()
		out = append(out, s)
		return ok
	})
	return out, ok
}

func (d *tdec) quantities() ([]gongxu.TraceQuantity, bool) {
	var out []gongxu.TraceQuantity
	_, ok := d.array(func() bool {
		var q gongxu.TraceQuantity
		var seen [3]bool
		ok := d.object(func(k string) bool {
			var ok bool
			switch k {
			case "class":
				ok = d.strOnce(&seen[0], &q.Class)
			case "quantity":
				ok = d.strOnce(&seen[1], &q.Quantity)
			case "uom":
				ok = d.strOnce(&seen[2], &q.UOM)
			}
			return ok
		})
		out = append(out, q)
		return ok
	})
	return out, ok
}

// strOnce reads a string field into dst, refusing a second one of the same
// name (seen).
func (d *tdec) strOnce(seen *bool, dst *string) bool {
	ok := !*seen
	*seen = true
	*dst, ok = d.strIf(ok)
	return ok
}

func (d *tdec) refs() ([]gongxu.TraceRef, bool) {
	var out []gongxu.TraceRef
	_, ok := d.array(func() bool {
		var r gongxu.TraceRef
		var seen [2]bool
		ok := d.object(func(k string) bool {
			var ok bool
			switch k {
			case "type":
				ok = d.strOnce(&seen[0], &r.Type)
			case "id":
				ok = d.strOnce(&seen[1], &r.ID)
			}
			return ok
		})
		out = append(out, r)
		return ok
	})
	return out, ok
}

// strIf reads a string when ok.
func (d *tdec) strIf(ok bool) (string, bool) {
	if !ok {
		return "", false
	}
	return d.str()
}

func (d *tdec) errorDeclaration(x *gongxu.TraceErrorDeclaration) bool {
	var seen [3]bool
	return d.object(func(k string) bool {
		var ok bool
		switch k {
		case "time":
			if !seen[0] {
				seen[0] = true
				x.Time, ok = d.int()
			}
		case "reason":
			ok = !seen[1]
			seen[1] = true
			x.Reason, ok = d.strIf(ok)
		case "corrective":
			if !seen[2] {
				seen[2] = true
				x.Corrective, ok = d.strs()
			}
		}
		return ok
	})
}

func (d *tdec) anchor(a *gongxu.TraceAnchor) bool {
	var seen [7]bool
	once := func(i int) bool {
		ok := !seen[i]
		seen[i] = true
		return ok
	}
	return d.object(func(k string) bool {
		var ok bool
		switch k {
		case "height":
			if once(0) {
				a.Height, ok = d.int()
			}
		case "time":
			if once(1) {
				a.Time, ok = d.int()
			}
		case "tx":
			a.Tx, ok = d.strIf(once(2))
		case "index":
			if once(3) {
				a.Index, ok = d.intN()
			}
		case "count":
			if once(4) {
				a.Count, ok = d.intN()
			}
		case "leaf":
			a.Leaf, ok = d.strIf(once(5))
		case "root":
			a.Root, ok = d.strIf(once(6))
		}
		return ok
	})
}

// raw reads an object or array as it is, when it is valid JSON.
func (d *tdec) raw() (json.RawMessage, bool) {
	start, depth, in := d.i, 0, false
	if d.i >= len(d.s) || (d.s[d.i] != '{' && d.s[d.i] != '[') {
		return nil, false
	}
	for ; d.i < len(d.s); d.i++ {
		c := d.s[d.i]
		if in {
			switch c {
			case '\\':
				d.i++
			case '"':
				in = false
			}
			continue
		}
		switch c {
		case '"':
			in = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				d.i++
				v := json.RawMessage(d.s[start:d.i])
				return v, json.Valid(v)
			}
		}
	}
	return nil, false
}
