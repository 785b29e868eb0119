package trace

import (
	"bytes"
	"encoding/json"
	"fmt"

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
func compactJSON(raw []byte) ([]byte, error) {
	if out, ok := appendCompact(make([]byte, 0, len(raw)), raw); ok {
		return out, nil
	}
	b, err := json.Marshal(json.RawMessage(bytes.TrimSpace(raw)))
	if err != nil {
		return nil, fmt.Errorf("trace: an event's JSON: %w", err)
	}
	return b, nil
}

// appendCompact appends src to dst as encoding/json's compact with HTML
// escaping would, for src that is valid JSON: whitespace outside strings
// dropped; <, >, &, U+2028 and U+2029 written as \u escapes. ok is false
// when src is visibly not JSON; dst is then unspecified.
func appendCompact(dst, src []byte) ([]byte, bool) {
	const hex = "0123456789abcdef"
	depth := 0
	inStr := false
	start := 0
	flush := func(i int) {
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
	flush(len(src))
	if len(dst) == 0 {
		return dst, false
	}
	return dst, true
}

// rawMark is where json.Marshal of a TraceEvent with a nil Raw writes it:
// its last field but the anchor, whose JSON (numbers, hex and a tx hash)
// cannot hold these bytes.
var rawMark = []byte(`,"raw":null,"anchor":`)

// marshalEvent is json.Marshal(e) for an event whose Raw is already compact
// (compactJSON): the same bytes, without encoding/json scanning Raw again.
func marshalEvent(e *gongxu.TraceEvent) ([]byte, error) {
	raw := e.Raw
	e.Raw = nil
	b, err := json.Marshal(e)
	e.Raw = raw
	if err != nil {
		return nil, err
	}
	i := bytes.LastIndex(b, rawMark)
	if i < 0 || len(raw) == 0 {
		return json.Marshal(e)
	}
	out := make([]byte, 0, len(b)+len(raw))
	out = append(out, b[:i]...)
	out = append(out, `,"raw":`...)
	out = append(out, raw...)
	out = append(out, b[i+len(`,"raw":null`):]...)
	return out, nil
}
