package sqlite

import (
	"encoding/binary"
	"encoding/json"
	"unicode/utf8"

	gongxu "github.com/gongxu-network/gongxu"
)

// A tx row's events record (txs.evs) in one of two forms, told apart by
// its first byte:
//
//   - '[': the JSON array of gongxu.Event (migration 0024's form, and any
//     row holding a string that is not valid UTF-8, which JSON would have
//     changed: see appendEvs);
//   - evsBinary (migration 0025 on): the same events as length-prefixed
//     strings, no keys, quotes or escapes. A hub batch's events (the pool
//     JSON inside a JSON string) took 1,860 bytes a tx as JSON, most of a
//     tx row and of the read model (issue 17: the projection's CPU is
//     mostly SQLite writing those bytes into pages, the WAL and the file).
//
// The binary form is uvarint(number of events), then per event:
// uvarint(len(type)), type, uvarint(number of attrs + 1; 0: attrs null),
// then per attr uvarint(len(key)), key, uvarint(len(value)), value. Both
// forms decode to the same []gongxu.Event.
const evsBinary = 0x01

// appendEvs appends evs' record: the binary form, unless a string in it
// is not valid UTF-8 (encoding/json would have replaced its bad bytes, and
// the rows read back must be what the JSON form gave), then the JSON form.
func appendEvs(b []byte, evs []gongxu.Event) []byte {
	for i := range evs {
		if !utf8.ValidString(evs[i].Type) {
			return appendEvents(b, evs)
		}
		for _, a := range evs[i].Attrs {
			if !utf8.ValidString(a.Key) || !utf8.ValidString(a.Value) {
				return appendEvents(b, evs)
			}
		}
	}
	b = append(b, evsBinary)
	b = binary.AppendUvarint(b, uint64(len(evs)))
	for i := range evs {
		b = appendEvsString(b, evs[i].Type)
		if evs[i].Attrs == nil {
			b = append(b, 0)
			continue
		}
		b = binary.AppendUvarint(b, uint64(len(evs[i].Attrs))+1)
		for _, a := range evs[i].Attrs {
			b = appendEvsString(b, a.Key)
			b = appendEvsString(b, a.Value)
		}
	}
	return b
}

func appendEvsString(b []byte, s string) []byte {
	b = binary.AppendUvarint(b, uint64(len(s)))
	return append(b, s...)
}

// evsSize is appendEvs' length in the binary form, exactly.
func evsSize(evs []gongxu.Event) int {
	n := 1 + uvarintLen(uint64(len(evs)))
	for i := range evs {
		n += uvarintLen(uint64(len(evs[i].Type))) + len(evs[i].Type) + uvarintLen(uint64(len(evs[i].Attrs))+1)
		for _, a := range evs[i].Attrs {
			n += uvarintLen(uint64(len(a.Key))) + len(a.Key) + uvarintLen(uint64(len(a.Value))) + len(a.Value)
		}
	}
	return n
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}

// decodeEvs decodes a tx row's events record in either form. Errors:
// encoding/json's for a JSON record (as the readers had before the binary
// form); KindInternal for a binary record cut short, with bytes left over,
// a non-minimal or overlong length, or a string that is not valid UTF-8
// (appendEvs never writes one: the file was changed by something else).
func decodeEvs(b []byte) ([]gongxu.Event, error) {
	if len(b) == 0 || b[0] != evsBinary {
		var evs []gongxu.Event
		err := json.Unmarshal(b, &evs)
		return evs, err
	}
	d := evsDecoder{b: b[1:], ok: true}
	n := d.count(2) // an event takes ≥ 2 bytes
	var evs []gongxu.Event
	if d.ok {
		evs = make([]gongxu.Event, n)
	}
	for i := 0; d.ok && i < n; i++ {
		evs[i].Type = d.str()
		na := d.count(2) // an attr takes ≥ 2 bytes; 0: null
		if !d.ok || na == 0 {
			continue
		}
		na-- // the count is stored + 1
		evs[i].Attrs = make([]gongxu.Attr, na)
		for j := 0; d.ok && j < na; j++ {
			evs[i].Attrs[j] = gongxu.Attr{Key: d.str(), Value: d.str()}
		}
	}
	if !d.ok || len(d.b) != 0 {
		return nil, gongxu.Errorf(gongxu.KindInternal, "malformed binary events record")
	}
	return evs, nil
}

// evsDecoder reads the binary form; ok turns false at the first fault
// and stays false.
type evsDecoder struct {
	b  []byte
	ok bool
}

// uvarint reads a minimal uvarint no larger than the bytes left.
func (d *evsDecoder) uvarint() int {
	if len(d.b) > 0 && d.b[0] < 0x80 { // the common case: one byte
		x := int(d.b[0])
		d.b = d.b[1:]
		return x
	}
	x, n := binary.Uvarint(d.b)
	if n <= 0 || x > uint64(len(d.b)) || n != uvarintLen(x) {
		d.ok = false
		return 0
	}
	d.b = d.b[n:]
	return int(x)
}

// count reads a count of items taking at least min bytes each: one
// more than the bytes left could hold is malformed (no huge allocation).
func (d *evsDecoder) count(min int) int {
	x := d.uvarint()
	if d.ok && x > len(d.b)/min+1 {
		d.ok = false
	}
	if !d.ok {
		return 0
	}
	return x
}

func (d *evsDecoder) str() string {
	n := d.uvarint()
	if !d.ok || n > len(d.b) {
		d.ok = false
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	if !utf8.ValidString(s) {
		d.ok = false
		return ""
	}
	return s
}
