package trace

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"unicode/utf8"

	"github.com/gongxu-network/gongxu"
)

// An event's stored record is json.Marshal of its gongxu.TraceEvent, and its
// Raw is the event's JSON as encoding/json writes a json.RawMessage: compact,
// with <, > and & escaped (compactJSON). Both once cost encoding/json's
// validating scanner over the event's JSON twice: compactJSON, then Marshal
// again on the RawMessage field (issue 17). The parser's Raw is valid JSON
// (the parser read every byte of it), so appendCompact needs no scanner,
// and marshalEvent writes the record with Raw spliced in, already compact:
// the bytes are the same as before (TestRecordBytes, FuzzCompact).

// compactJSON is raw as encoding/json writes a json.RawMessage: compact,
// with <, > and & (and U+2028, U+2029) escaped. Input that is not shaped
// like JSON (an unterminated string, unbalanced brackets, a control byte in
// a string) goes through encoding/json, which refuses it.
//
// When raw is already so (the parser's Raw of a compact document, and every
// run of a capture after the first), compactJSON returns raw itself: no
// copy.
func compactJSON(raw []byte) ([]byte, error) {
	if out, ok := compact(raw); ok {
		return out, nil
	}
	b, err := json.Marshal(json.RawMessage(bytes.TrimSpace(raw)))
	if err != nil {
		return nil, fmt.Errorf("trace: an event's JSON: %w", err)
	}
	return b, nil
}

// compact is src as encoding/json's compact with HTML escaping would write
// it, for src that is valid JSON: whitespace outside strings dropped; <, >,
// &, U+2028 and U+2029 written as \u escapes. It is src itself when that
// changes nothing, else a new slice. ok is false when src is visibly not
// JSON; the result is then unspecified.
func compact(src []byte) ([]byte, bool) {
	const hex = "0123456789abcdef"
	var dst []byte // nil until src needs a change
	depth := 0
	inStr := false
	start := 0
	flush := func(i int) {
		if dst == nil {
			dst = make([]byte, 0, len(src))
		}
		if start < i {
			dst = append(dst, src[start:i]...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if inStr {
			switch {
			case c == '\\':
				i++ // the escaped byte cannot end the string
				if i >= len(src) {
					return dst, false
				}
			case c == '"':
				inStr = false
			case c < 0x20:
				return dst, false
			case c == '<' || c == '>' || c == '&':
				flush(i)
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
				start = i + 1
			case c == 0xE2 && i+2 < len(src) && src[i+1] == 0x80 && src[i+2]&^1 == 0xA8:
				flush(i)
				dst = append(dst, '\\', 'u', '2', '0', '2', hex[src[i+2]&0xF])
				start = i + 3
				i += 2
			}
			continue
		}
		switch c {
		case ' ', '\t', '\r', '\n':
			flush(i)
			start = i + 1
		case '"':
			inStr = true
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth < 0 {
				return dst, false
			}
		default:
			if c < 0x20 || c >= 0x80 || c == '<' || c == '>' || c == '&' {
				return dst, false // outside strings JSON is ASCII punctuation, digits, letters
			}
		}
	}
	if inStr || depth != 0 {
		return dst, false
	}
	if dst == nil {
		return src, len(src) > 0
	}
	flush(len(src))
	return dst, len(dst) > 0
}

// marshalEvent is json.Marshal(e) for an event whose Raw is already compact
// (compactJSON): the same bytes (TestMarshalEventSameBytes,
// FuzzMarshalEvent), written field by field without reflection and without
// encoding/json scanning Raw again. The handler writes it once per event on
// every run of a capture (CheckTx, each recheck, the block): encoding/json
// was a third of anchoring an event (issue 17).
func marshalEvent(e *gongxu.TraceEvent) ([]byte, error) {
	if len(e.Raw) == 0 {
		return json.Marshal(e) // null, or encoding/json's error on an empty RawMessage
	}
	return appendEvent(make([]byte, 0, eventSize(e)), e), nil
}

// eventSize is about the length of an event's record, to size its buffer.
func eventSize(e *gongxu.TraceEvent) int {
	n := 400 + len(e.ID) + len(e.Hash) + len(e.Type) + len(e.Org) + len(e.Flow) + len(e.TimeZoneOffset) + len(e.Action) +
		len(e.BizStep) + len(e.Disposition) + len(e.ReadPoint) + len(e.BizLocation) + len(e.Parent) + len(e.Raw) +
		len(e.Anchor.Tx) + len(e.Anchor.Leaf) + len(e.Anchor.Root)
	for _, l := range [][]string{e.EPCs, e.Inputs, e.Outputs, e.Children} {
		for _, s := range l {
			n += len(s) + 3
		}
	}
	for _, qs := range [][]gongxu.TraceQuantity{e.Quantities, e.InputQuantities, e.OutputQuantities, e.ChildQuantities} {
		for _, q := range qs {
			n += len(q.Class) + len(q.Quantity) + len(q.UOM) + 40
		}
	}
	for _, rs := range [][]gongxu.TraceRef{e.BizTransactions, e.Sources, e.Destinations} {
		for _, r := range rs {
			n += len(r.Type) + len(r.ID) + 20
		}
	}
	if d := e.ErrorDeclaration; d != nil {
		n += len(d.Reason) + 60
		for _, c := range d.Corrective {
			n += len(c) + 3
		}
	}
	return n
}

// appendEvent appends json.Marshal(e) to dst, e.Raw spliced in as it is:
// the fields in gongxu.TraceEvent's order with its tags' names and
// omitempty.
func appendEvent(dst []byte, e *gongxu.TraceEvent) []byte {
	dst = append(dst, `{"id":`...)
	dst = appendJSONString(dst, e.ID)
	dst = append(dst, `,"hash":`...)
	dst = appendJSONString(dst, e.Hash)
	dst = append(dst, `,"type":`...)
	dst = appendJSONString(dst, e.Type)
	dst = append(dst, `,"org":`...)
	dst = appendJSONString(dst, string(e.Org))
	dst = appendStringField(dst, `,"flow":`, e.Flow)
	dst = append(dst, `,"seq":`...)
	dst = strconv.AppendUint(dst, e.Seq, 10)
	dst = append(dst, `,"event_time":`...)
	dst = strconv.AppendInt(dst, e.EventTime, 10)
	dst = appendStringField(dst, `,"time_zone_offset":`, e.TimeZoneOffset)
	dst = appendStringField(dst, `,"action":`, e.Action)
	dst = appendStringField(dst, `,"biz_step":`, e.BizStep)
	dst = appendStringField(dst, `,"disposition":`, e.Disposition)
	dst = appendStringField(dst, `,"read_point":`, e.ReadPoint)
	dst = appendStringField(dst, `,"biz_location":`, e.BizLocation)
	dst = appendStrings(dst, `,"epcs":`, e.EPCs)
	dst = appendQuantities(dst, `,"quantities":`, e.Quantities)
	dst = appendStrings(dst, `,"inputs":`, e.Inputs)
	dst = appendQuantities(dst, `,"input_quantities":`, e.InputQuantities)
	dst = appendStrings(dst, `,"outputs":`, e.Outputs)
	dst = appendQuantities(dst, `,"output_quantities":`, e.OutputQuantities)
	dst = appendStringField(dst, `,"parent":`, e.Parent)
	dst = appendStrings(dst, `,"children":`, e.Children)
	dst = appendQuantities(dst, `,"child_quantities":`, e.ChildQuantities)
	dst = appendRefs(dst, `,"biz_transactions":`, e.BizTransactions)
	dst = appendRefs(dst, `,"sources":`, e.Sources)
	dst = appendRefs(dst, `,"destinations":`, e.Destinations)
	if d := e.ErrorDeclaration; d != nil {
		dst = append(dst, `,"error_declaration":{"time":`...)
		dst = strconv.AppendInt(dst, d.Time, 10)
		dst = appendStringField(dst, `,"reason":`, d.Reason)
		dst = appendStrings(dst, `,"corrective":`, d.Corrective)
		dst = append(dst, '}')
	}
	dst = append(dst, `,"raw":`...)
	dst = append(dst, e.Raw...)
	a := &e.Anchor
	dst = append(dst, `,"anchor":{"height":`...)
	dst = strconv.AppendInt(dst, a.Height, 10)
	dst = append(dst, `,"time":`...)
	dst = strconv.AppendInt(dst, a.Time, 10)
	dst = append(dst, `,"tx":`...)
	dst = appendJSONString(dst, a.Tx)
	dst = append(dst, `,"index":`...)
	dst = strconv.AppendInt(dst, int64(a.Index), 10)
	dst = append(dst, `,"count":`...)
	dst = strconv.AppendInt(dst, int64(a.Count), 10)
	dst = append(dst, `,"leaf":`...)
	dst = appendJSONString(dst, a.Leaf)
	dst = append(dst, `,"root":`...)
	dst = appendJSONString(dst, a.Root)
	return append(dst, "}}"...)
}

// appendStringField appends an omitempty string field: nothing when s is "".
func appendStringField(dst []byte, name, s string) []byte {
	if s == "" {
		return dst
	}
	return appendJSONString(append(dst, name...), s)
}

// appendStrings appends an omitempty []string field.
func appendStrings(dst []byte, name string, l []string) []byte {
	if len(l) == 0 {
		return dst
	}
	dst = append(dst, name...)
	for i, s := range l {
		if i == 0 {
			dst = append(dst, '[')
		} else {
			dst = append(dst, ',')
		}
		dst = appendJSONString(dst, s)
	}
	return append(dst, ']')
}

// appendQuantities appends an omitempty []gongxu.TraceQuantity field.
func appendQuantities(dst []byte, name string, qs []gongxu.TraceQuantity) []byte {
	if len(qs) == 0 {
		return dst
	}
	dst = append(dst, name...)
	for i := range qs {
		if i == 0 {
			dst = append(dst, '[')
		} else {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"class":`...)
		dst = appendJSONString(dst, qs[i].Class)
		dst = appendStringField(dst, `,"quantity":`, qs[i].Quantity)
		dst = appendStringField(dst, `,"uom":`, qs[i].UOM)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendRefs appends an omitempty []gongxu.TraceRef field.
func appendRefs(dst []byte, name string, rs []gongxu.TraceRef) []byte {
	if len(rs) == 0 {
		return dst
	}
	dst = append(dst, name...)
	for i := range rs {
		if i == 0 {
			dst = append(dst, '[', '{')
		} else {
			dst = append(dst, ',', '{')
		}
		if rs[i].Type != "" {
			dst = append(dst, `"type":`...)
			dst = appendJSONString(dst, rs[i].Type)
			dst = append(dst, ',')
		}
		dst = append(dst, `"id":`...)
		dst = appendJSONString(dst, rs[i].ID)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendJSONString appends s as encoding/json writes a string with HTML
// escaping: ", \ and control bytes escaped (\b \f \n \r \t short), <, >
// and & as \u00XX, an invalid UTF-8 byte as \ufffd, U+2028 and U+2029 as
// \u escapes.
func appendJSONString(dst []byte, s string) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '\\', '"':
				dst = append(dst, '\\', c)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hex[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
