package sqlite

import (
	"strconv"
	"strings"

	gongxu "github.com/gongxu-network/gongxu"
)

// A hand decoder of the pool events a block of hub batches carries (the
// pool head, the hub's share and the batch: issue 17, the read model's
// projection in bulk, where encoding/json decoding them was 15 % of the
// projection's CPU, most of it spent scanning each pool's history by
// reflection).
//
// It answers only for the text the modules emit — objects of plain ASCII
// strings without escapes, integers in canonical form, each field once —
// and otherwise declines (false), and the caller decodes with
// encoding/json as before. Whenever it accepts, the text is valid JSON and
// the value is the one json.Unmarshal gives (FuzzPoolEventDecode checks
// both): it declines on anything where the two could differ — a key that
// matches a field only case-insensitively, a repeated field, an escape or a
// non-ASCII byte in a string it keeps, a number out of range or not an
// integer, a type mismatch, nesting deeper than maxDecodeDepth, a field it
// does not decode (HubShare's shipments and pickups).

// fastDecode decodes raw into v when v is one of the types above and raw
// is in the form the hand decoder answers for; it reports whether it did,
// and then whether raw is compact (no whitespace outside its strings: as
// json.Compact would leave it). v is unchanged when it did not.
func fastDecode(raw string, v any) (ok, compact bool) {
	d := jscan{s: raw}
	switch x := v.(type) {
	case *poolHead:
		h := *x
		if ok = d.poolHead(&h) && d.end(); ok {
			*x = h
		}
	case *gongxu.HubShare:
		s := *x
		if ok = d.share(&s) && d.end(); ok {
			*x = s
		}
	case *gongxu.Batch:
		b := *x
		if ok = d.batch(&b) && d.end(); ok {
			*x = b
		}
	}
	return ok, ok && !d.spaced
}

// maxDecodeDepth bounds the nesting the hand decoder skips through
// (encoding/json's own limit is 10,000).
const maxDecodeDepth = 64

// jscan reads JSON text s from i on.
type jscan struct {
	s      string
	i      int
	depth  int
	spaced bool // whitespace was skipped (outside strings)
}

func (d *jscan) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
			d.spaced = true
		default:
			return
		}
	}
}

// peek is the next byte after whitespace, or 0 at the end.
func (d *jscan) peek() byte {
	d.ws()
	if d.i < len(d.s) {
		return d.s[d.i]
	}
	return 0
}

// lit consumes the literal l (after whitespace).
func (d *jscan) lit(l string) bool {
	d.ws()
	if strings.HasPrefix(d.s[d.i:], l) {
		d.i += len(l)
		return true
	}
	return false
}

func (d *jscan) end() bool {
	d.ws()
	return d.i == len(d.s)
}

// null consumes a null if one is next.
func (d *jscan) null() bool { return d.peek() == 'n' && d.lit("null") }

// str reads a plain string: printable ASCII (and DEL), no escapes.
func (d *jscan) str() (string, bool) {
	if d.peek() != '"' {
		return "", false
	}
	for j := d.i + 1; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == '"':
			s := d.s[d.i+1 : j]
			d.i = j + 1
			return s, true
		case c < 0x20 || c >= 0x80 || c == '\\':
			return "", false
		}
	}
	return "", false
}

// strField reads a string field's value: null leaves it as it was, as
// encoding/json does.
func (d *jscan) strField(dst *string) bool {
	if d.null() {
		return true
	}
	s, ok := d.str()
	if ok {
		*dst = s
	}
	return ok
}

// digits is the canonical integer -?(0|[1-9][0-9]*) next, without a
// fraction or an exponent (which decline: encoding/json fails them into an
// integer).
func (d *jscan) digits() (string, bool) {
	d.ws()
	j := d.i
	if j < len(d.s) && d.s[j] == '-' {
		j++
	}
	k := j
	for k < len(d.s) && d.s[k] >= '0' && d.s[k] <= '9' {
		k++
	}
	if k == j || (d.s[j] == '0' && k > j+1) {
		return "", false
	}
	if k < len(d.s) {
		if c := d.s[k]; c == '.' || c == 'e' || c == 'E' {
			return "", false
		}
	}
	s := d.s[d.i:k]
	d.i = k
	return s, true
}

// intField reads an int64 field (null leaves it as it was).
func (d *jscan) intField(dst *int64) bool {
	if d.null() {
		return true
	}
	s, ok := d.digits()
	if !ok {
		return false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}

// uintField reads a uint64 field (null leaves it as it was).
func (d *jscan) uintField(dst *uint64) bool {
	if d.null() {
		return true
	}
	s, ok := d.digits()
	if !ok || s[0] == '-' {
		return false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}

func (d *jscan) unitsField(dst *gongxu.Units) bool   { return d.intField((*int64)(dst)) }
func (d *jscan) amountField(dst *gongxu.Amount) bool { return d.intField((*int64)(dst)) }

func (d *jscan) boolField(dst *bool) bool {
	switch {
	case d.null():
		return true
	case d.lit("true"):
		*dst = true
		return true
	case d.lit("false"):
		*dst = false
		return true
	}
	return false
}

// object reads an object, calling field for each key with the value next;
// field reports false to decline. Keys are plain strings.
func (d *jscan) object(field func(key string) bool) bool {
	if !d.lit("{") {
		return false
	}
	if d.depth++; d.depth > maxDecodeDepth {
		return false
	}
	if d.lit("}") {
		d.depth--
		return true
	}
	for {
		k, ok := d.str()
		if !ok || !d.lit(":") || !field(k) {
			return false
		}
		if d.lit(",") {
			continue
		}
		if !d.lit("}") {
			return false
		}
		d.depth--
		return true
	}
}

// array reads an array, calling elem with each element next.
func (d *jscan) array(elem func() bool) bool {
	if !d.lit("[") {
		return false
	}
	if d.depth++; d.depth > maxDecodeDepth {
		return false
	}
	if d.lit("]") {
		d.depth--
		return true
	}
	for {
		if !elem() {
			return false
		}
		if d.lit(",") {
			continue
		}
		if !d.lit("]") {
			return false
		}
		d.depth--
		return true
	}
}

// skip reads any JSON value, checking it as encoding/json does (escapes,
// control characters, numbers), its strings of any bytes.
func (d *jscan) skip() bool {
	switch c := d.peek(); {
	case c == '{':
		return d.object(func(string) bool { return d.skip() })
	case c == '[':
		return d.array(d.skip)
	case c == '"':
		return d.skipString()
	case c == '-' || c >= '0' && c <= '9':
		return d.skipNumber()
	case c == 't':
		return d.lit("true")
	case c == 'f':
		return d.lit("false")
	case c == 'n':
		return d.lit("null")
	}
	return false
}

func (d *jscan) skipString() bool {
	for j := d.i + 1; j < len(d.s); j++ {
		switch c := d.s[j]; {
		case c == '"':
			d.i = j + 1
			return true
		case c < 0x20:
			return false
		case c == '\\':
			j++
			if j >= len(d.s) {
				return false
			}
			switch d.s[j] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if j+4 >= len(d.s) {
					return false
				}
				for _, h := range []byte(d.s[j+1 : j+5]) {
					if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
						return false
					}
				}
				j += 4
			default:
				return false
			}
		}
	}
	return false
}

// skipNumber reads -?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?.
func (d *jscan) skipNumber() bool {
	s, j := d.s, d.i
	if j < len(s) && s[j] == '-' {
		j++
	}
	digits := func() bool {
		k := j
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		return j > k
	}
	if j < len(s) && s[j] == '0' {
		j++
	} else if !digits() {
		return false
	}
	if j < len(s) && s[j] == '.' {
		j++
		if !digits() {
			return false
		}
	}
	if j < len(s) && (s[j] == 'e' || s[j] == 'E') {
		j++
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		if !digits() {
			return false
		}
	}
	d.i = j
	return true
}

// fields tracks which of a struct's fields were seen (one bit each, by
// index in names), and decides what an unknown key is.
type fields struct {
	names []string
	seen  uint64
}

// known returns the index of key among names, or -1 to skip it; ok is
// false to decline (a repeated field, or a key that would match a field
// case-insensitively, as encoding/json matches keys).
func (f *fields) known(key string) (i int, ok bool) {
	for i, n := range f.names {
		if n == key {
			if f.seen&(1<<i) != 0 {
				return 0, false
			}
			f.seen |= 1 << i
			return i, true
		}
	}
	// The names are lower-case ASCII, and so are keys (str): a key without
	// an upper-case letter folds to a name only when it is one.
	if strings.IndexFunc(key, func(r rune) bool { return 'A' <= r && r <= 'Z' }) >= 0 {
		for _, n := range f.names {
			if strings.EqualFold(n, key) {
				return 0, false
			}
		}
	}
	return -1, true
}

// The json names of the structs decoded here, every field of each (one the
// decoder does not read declines when present).
var (
	poolHeadNames = []string{"id", "factory", "product", "variants", "tiers", "currency", "deadline", "hubs",
		"status", "total", "final_price", "series"}
	tierNames   = []string{"min_qty", "unit_price"}
	seriesNames = []string{"every_ms", "times", "series", "n", "prev", "next", "next_at", "stopped"}
	batchNames  = []string{"pool", "hub", "tx", "root", "leaves", "qty", "escrow", "height"}
	shareNames  = []string{"pool", "hub", "qty", "pledges", "variants", "delivered", "confirm_by",
		"shipped", "shipped_at", "shipped_qty", "shipments", "picked_up", "pickups", "picked"}
	variantQtyNames = []string{"variant", "qty"}
)

// stringsField reads a []string-like field: null makes it nil, [] an empty
// slice, as encoding/json does; null elements decline.
func stringsField[T ~string](d *jscan, dst *[]T) bool {
	if d.null() {
		*dst = nil
		return true
	}
	out := []T{} // a new array: the caller's copy may share the old one
	ok := d.array(func() bool {
		s, ok := d.str()
		out = append(out, T(s))
		return ok
	})
	*dst = out
	return ok
}

// objectsField reads an array of objects whose known fields are names:
// field decodes field i of an element, unknown keys decline, ignored ones
// (known reports -1) are skipped; null makes it nil, [] an empty slice, as
// encoding/json does.
func objectsField[T any](d *jscan, dst *[]T, names []string, field func(t *T, i int) bool) bool {
	if d.null() {
		*dst = nil
		return true
	}
	out := []T{} // a new array: the caller's copy may share the old one
	ok := d.array(func() bool {
		var t T
		f := fields{names: names}
		ok := d.object(func(key string) bool {
			i, ok := f.known(key)
			switch {
			case !ok:
				return false
			case i == -1:
				return d.skip()
			default:
				return field(&t, i)
			}
		})
		out = append(out, t)
		return ok
	})
	*dst = out
	return ok
}

func (d *jscan) poolHead(h *poolHead) bool {
	f := fields{names: poolHeadNames}
	return d.object(func(key string) bool {
		i, ok := f.known(key)
		if !ok {
			return false
		}
		switch i {
		case -1:
			return d.skip()
		case 0:
			return d.uintField(&h.ID)
		case 1:
			return d.strField((*string)(&h.Factory))
		case 2:
			return d.strField((*string)(&h.Product))
		case 3:
			return stringsField(d, &h.Variants)
		case 4:
			return d.tiers(&h.Tiers)
		case 5:
			return d.strField(&h.Currency)
		case 6:
			return d.intField(&h.Deadline)
		case 7:
			return stringsField(d, &h.Hubs)
		case 8:
			return d.strField((*string)(&h.Status))
		case 9:
			return d.unitsField(&h.Total)
		case 10:
			return d.amountField(&h.Price)
		case 11:
			return d.series(&h.Series)
		}
		return false
	})
}

func (d *jscan) tiers(dst *[]gongxu.Tier) bool {
	return objectsField(d, dst, tierNames, func(t *gongxu.Tier, i int) bool {
		if i == 0 {
			return d.unitsField(&t.MinQty)
		}
		return d.amountField(&t.UnitPrice)
	})
}

func (d *jscan) series(dst **gongxu.PoolSeries) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if *dst != nil {
		return false // encoding/json would decode into the one there
	}
	var s gongxu.PoolSeries
	f := fields{names: seriesNames}
	ok := d.object(func(key string) bool {
		i, ok := f.known(key)
		if !ok {
			return false
		}
		switch i {
		case -1:
			return d.skip()
		case 0:
			return d.intField(&s.EveryMs)
		case 1:
			return d.intField(&s.Times)
		case 2:
			return d.uintField(&s.Series)
		case 3:
			return d.intField(&s.N)
		case 4:
			return d.uintField(&s.Prev)
		case 5:
			return d.uintField(&s.Next)
		case 6:
			return d.intField(&s.NextAt)
		case 7:
			return d.strField(&s.Stopped)
		}
		return false
	})
	*dst = &s
	return ok
}

func (d *jscan) batch(b *gongxu.Batch) bool {
	f := fields{names: batchNames}
	return d.object(func(key string) bool {
		i, ok := f.known(key)
		if !ok {
			return false
		}
		switch i {
		case -1:
			return d.skip()
		case 0:
			return d.uintField(&b.Pool)
		case 1:
			return d.strField((*string)(&b.Hub))
		case 2:
			return d.strField(&b.Tx)
		case 3:
			return d.strField(&b.Root)
		case 4:
			return d.intField(&b.Leaves)
		case 5:
			return d.unitsField(&b.Qty)
		case 6:
			return d.amountField(&b.Escrow)
		case 7:
			return d.intField(&b.Height)
		}
		return false
	})
}

func (d *jscan) share(s *gongxu.HubShare) bool {
	f := fields{names: shareNames}
	return d.object(func(key string) bool {
		i, ok := f.known(key)
		if !ok {
			return false
		}
		switch i {
		case -1:
			return d.skip()
		case 0:
			return d.uintField(&s.Pool)
		case 1:
			return d.strField((*string)(&s.Hub))
		case 2:
			return d.unitsField(&s.Qty)
		case 3:
			return d.intField(&s.Pledges)
		case 4:
			return d.variantQtys(&s.Variants)
		case 5:
			return d.boolField(&s.Delivered)
		case 6:
			return d.intField(&s.ConfirmBy)
		case 8:
			return d.intField(&s.ShippedAt)
		case 9:
			return d.intField((*int64)(&s.ShippedQty))
		case 11:
			return d.unitsField(&s.PickedUp)
		case 12:
			return d.intField(&s.Pickups)
		}
		return false // shipped, shipments, picked: encoding/json decodes them
	})
}

func (d *jscan) variantQtys(dst *[]gongxu.VariantQty) bool {
	return objectsField(d, dst, variantQtyNames, func(v *gongxu.VariantQty, i int) bool {
		if i == 0 {
			return d.strField(&v.Variant)
		}
		return d.unitsField(&v.Qty)
	})
}
