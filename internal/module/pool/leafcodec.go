package pool

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"math"
	"strings"

	"github.com/gongxu-network/gongxu"
)

// The packed form of a batch's leaves (MsgBatch.Packed): the same leaves as
// the JSON list, as one binary blob in standard padded base64, decoded once
// per message without reflection. Version 1:
//
//	0x01
//	variants  1 byte n (1 to MaxPackedVariants), then n times:
//	          1 byte length (0 to 64), the variant id's bytes
//	          (strictly ascending, so distinct; every one used by a leaf)
//	count     2 bytes big-endian (1 to MaxLeaves)
//	count times, a leaf:
//	  id      1 byte: its number of hex characters (MinLeafID to MaxLeafID),
//	          then the id's nibbles packed two a byte (an odd last nibble is
//	          followed by a zero nibble)
//	  variant 1 byte: its index in the variants
//	  qty     4 bytes big-endian, positive
//	  commit  32 bytes: the pickup commitment's bytes
//
// Nothing may follow the last leaf. Every byte string decodes to at most one
// list of leaves and every list encodes to exactly one byte string (ids and
// commits are lower-case hex, so their bytes say which characters), so a
// packed batch has one meaning, and its leaves, receipts and leaf hashes are
// exactly those of the JSON form: LeafHash is over the hex characters.
//
// With 64-hex ids a leaf takes 70 bytes (94 in base64), against ~165 bytes
// as a JSON object.

// PackedVersion is the first byte of a packed leaf blob.
const PackedVersion = 1

// MaxPackedVariants bounds the variants table of a packed blob.
const MaxPackedVariants = 64

// MaxPackedBytes bounds a packed blob (its base64 text is 4/3 of it): the
// largest batch, MaxLeaves leaves of MaxLeafID-hex ids, and a full table.
const MaxPackedBytes = 1 + 1 + MaxPackedVariants*(1+64) + 2 + MaxLeaves*(1+MaxLeafID/2+1+4+32)

// EncodeLeaves packs leaves into the binary form (version 1). Errors:
// KindInvalid for a list the packed form cannot carry (an id or commit not
// lower-case hex of the allowed sizes, a qty outside 1 to 2^32-1, more than
// MaxPackedVariants variants, no or too many leaves).
func EncodeLeaves(leaves []Leaf) ([]byte, error) {
	if len(leaves) == 0 || len(leaves) > MaxLeaves {
		return nil, invalid("a packed batch holds 1 to %d leaves, got %d", MaxLeaves, len(leaves))
	}
	var vs []string
	for _, l := range leaves {
		if !containsString(vs, l.Variant) {
			if len(vs) == MaxPackedVariants {
				return nil, invalid("a packed batch names at most %d variants", MaxPackedVariants)
			}
			if len(l.Variant) > 64 {
				return nil, invalid("variant id %q is longer than 64 bytes", l.Variant)
			}
			vs = insertSorted(vs, l.Variant)
		}
	}
	b := make([]byte, 0, 4+len(vs)*8+len(leaves)*(1+MaxLeafID/2+1+4+32))
	b = append(b, PackedVersion, byte(len(vs)))
	for _, v := range vs {
		b = append(b, byte(len(v)))
		b = append(b, v...)
	}
	b = binary.BigEndian.AppendUint16(b, uint16(len(leaves)))
	for i, l := range leaves {
		if err := checkLeafID(l.ID); err != nil {
			return nil, invalid("leaf %d: %v", i, gongxu.ErrorMessage(err))
		}
		if err := checkCommit(l.Commit); err != nil {
			return nil, invalid("leaf %d: %v", i, gongxu.ErrorMessage(err))
		}
		if l.Qty <= 0 || l.Qty > 1<<32-1 {
			return nil, invalid("leaf %d: a packed qty is 1 to %d, got %d", i, uint64(1<<32-1), l.Qty)
		}
		b = append(b, byte(len(l.ID)))
		id := l.ID
		if len(id)%2 == 1 {
			id += "0"
		}
		b, _ = hex.AppendDecode(b, []byte(id)) // checked: lower-case hex
		b = append(b, byte(indexOf(vs, l.Variant)))
		b = binary.BigEndian.AppendUint32(b, uint32(l.Qty))
		b, _ = hex.AppendDecode(b, []byte(l.Commit))
	}
	return b, nil
}

// PackLeaves is EncodeLeaves in base64, the text of MsgBatch.Packed.
func PackLeaves(leaves []Leaf) (string, error) {
	b, err := EncodeLeaves(leaves)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}

// DecodeLeaves is the strict inverse of EncodeLeaves: any other byte string
// is refused (KindInvalid) — a wrong version or length, an empty, unsorted,
// duplicated or unused variant, an index or size out of range, a non-zero
// padding nibble, a zero qty, trailing bytes. It checks the form only; the
// batch's rules (distinct ids and commitments, variant ids) are
// ValidateBasic's.
func DecodeLeaves(b []byte) ([]Leaf, error) {
	if len(b) > MaxPackedBytes {
		return nil, invalid("packed leaves: %d bytes, at most %d", len(b), MaxPackedBytes)
	}
	r := leafReader{b: b}
	if v := r.byte(); r.err == nil && v != PackedVersion {
		return nil, invalid("packed leaves: version %d, want %d", v, PackedVersion)
	}
	nv := int(r.byte())
	if r.err == nil && (nv == 0 || nv > MaxPackedVariants) {
		return nil, invalid("packed leaves: 1 to %d variants, got %d", MaxPackedVariants, nv)
	}
	vs := make([]string, 0, nv)
	for i := 0; i < nv && r.err == nil; i++ {
		n := int(r.byte())
		if r.err == nil && n > 64 {
			return nil, invalid("packed leaves: variant %d is %d bytes, at most 64", i, n)
		}
		v := string(r.bytes(n))
		if r.err == nil && i > 0 && v <= vs[i-1] {
			return nil, invalid("packed leaves: variants must be strictly ascending (variant %d)", i)
		}
		vs = append(vs, v)
	}
	count := int(r.uint16())
	if r.err == nil && (count == 0 || count > MaxLeaves) {
		return nil, invalid("packed leaves: 1 to %d leaves, got %d", MaxLeaves, count)
	}
	if r.err != nil {
		return nil, r.err
	}
	// The smallest leaf is 1+8+1+4+32 bytes: a count the blob cannot hold is
	// refused before anything is allocated for it.
	if min := count * (1 + MinLeafID/2 + 1 + 4 + 32); len(b)-r.p < min {
		return nil, invalid("packed leaves: %d leaves need at least %d more bytes, %d left", count, min, len(b)-r.p)
	}
	used := make([]bool, nv)
	leaves := make([]Leaf, count)
	// Every id and commitment in hex goes into one string (a Builder: no
	// copy), and the leaves' strings are slices of it: one allocation a
	// batch instead of two a leaf. The blob's bytes bound its size: at most
	// 2 hex characters a byte.
	var text strings.Builder
	text.Grow(2 * (len(b) - r.p))
	var hexbuf [2 * 32]byte
	type span struct{ id, commit int } // where a leaf's id and commit end in text
	ends := make([]span, count)
	for i := range leaves {
		n := int(r.byte())
		if r.err == nil && (n < MinLeafID || n > MaxLeafID) {
			return nil, invalid("packed leaves: leaf %d: id of %d hex characters, want %d to %d", i, n, MinLeafID, MaxLeafID)
		}
		raw := r.bytes((n + 1) / 2)
		vi := int(r.byte())
		qty := r.uint32()
		commit := r.bytes(32)
		if r.err != nil {
			return nil, invalid("packed leaves: leaf %d: %s", i, gongxu.ErrorMessage(r.err))
		}
		if n%2 == 1 && raw[len(raw)-1]&0x0f != 0 {
			return nil, invalid("packed leaves: leaf %d: the padding nibble of an odd-length id must be 0", i)
		}
		if vi >= nv {
			return nil, invalid("packed leaves: leaf %d: variant index %d, %d variants", i, vi, nv)
		}
		if qty == 0 {
			return nil, invalid("packed leaves: leaf %d: qty must be positive", i)
		}
		used[vi] = true
		hex.Encode(hexbuf[:], raw)
		text.Write(hexbuf[:n])
		ends[i].id = text.Len()
		hex.Encode(hexbuf[:], commit)
		text.Write(hexbuf[:])
		ends[i].commit = text.Len()
		leaves[i] = Leaf{Variant: vs[vi], Qty: gongxu.Units(qty)}
	}
	if r.p != len(b) {
		return nil, invalid("packed leaves: %d bytes after the last leaf", len(b)-r.p)
	}
	all, at := text.String(), 0
	for i := range leaves {
		leaves[i].ID, leaves[i].Commit = all[at:ends[i].id], all[ends[i].id:ends[i].commit]
		at = ends[i].commit
	}
	for i, u := range used {
		if !u {
			return nil, invalid("packed leaves: variant %d (%q) is named by no leaf", i, vs[i])
		}
	}
	return leaves, nil
}

// UnpackLeaves decodes MsgBatch.Packed: canonical standard base64 (padded,
// no line breaks, zero padding bits), then DecodeLeaves.
func UnpackLeaves(s string) ([]Leaf, error) {
	if len(s) > base64.StdEncoding.EncodedLen(MaxPackedBytes) {
		return nil, invalid("packed leaves: %d base64 characters, at most %d", len(s), base64.StdEncoding.EncodedLen(MaxPackedBytes))
	}
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\r') >= 0 { // base64 skips them: refused here
		return nil, invalid("packed leaves: line breaks in the base64 text")
	}
	b, err := base64.StdEncoding.Strict().DecodeString(s)
	if err != nil {
		return nil, invalid("packed leaves: not canonical standard base64: %v", err)
	}
	return DecodeLeaves(b)
}

type leafReader struct {
	b   []byte
	p   int
	err error
}

func (r *leafReader) bytes(n int) []byte {
	if r.err != nil {
		return nil
	}
	if len(r.b)-r.p < n {
		r.err = invalid("packed leaves: truncated at byte %d", r.p)
		return nil
	}
	s := r.b[r.p : r.p+n]
	r.p += n
	return s
}

func (r *leafReader) byte() byte {
	if s := r.bytes(1); s != nil {
		return s[0]
	}
	return 0
}

func (r *leafReader) uint16() uint16 {
	if s := r.bytes(2); s != nil {
		return binary.BigEndian.Uint16(s)
	}
	return 0
}

func (r *leafReader) uint32() uint32 {
	if s := r.bytes(4); s != nil {
		return binary.BigEndian.Uint32(s)
	}
	return 0
}

func containsString(s []string, v string) bool { return indexOf(s, v) >= 0 }

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func insertSorted(s []string, v string) []string {
	i := 0
	for i < len(s) && s[i] < v {
		i++
	}
	s = append(s, "")
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

// DecodedOnce marks MsgBatch for the chain's decoded-message cache
// (internal/chain/txcache.go): after ValidateBasic nothing changes a batch
// message (handleBatch only reads it), so each node decodes a batch once
// and reuses it in Recheck, ProcessProposal and FinalizeBlock.
func (*MsgBatch) DecodedOnce() {}

// DecodeCanonical decodes a batch body of the shape encoding/json writes for
// a packed batch, {"pool":N,"packed":"..."}, without reflection, and reports
// whether the body had that shape (the chain's decodeBody, after CheckJSON
// accepted the body, uses it for every batch it can: the general decoder
// copies the 250 KB of base64 byte by byte). A string without a backslash
// is its bytes (CheckJSON has refused control characters and bad UTF-8);
// any other shape — other member order, an escape, leaves as a list, a
// number with a sign, fraction, exponent or leading zero — answers false
// and leaves m untouched, for the general decoder. The result is the
// general decoder's (FuzzBatchDecodeCanonical).
func (m *MsgBatch) DecodeCanonical(body []byte) bool {
	const head, mid, tail = `{"pool":`, `,"packed":"`, `"}`
	if !bytes.HasPrefix(body, []byte(head)) || !bytes.HasSuffix(body, []byte(tail)) {
		return false
	}
	i := len(head)
	var pool uint64
	start := i
	for ; i < len(body) && body[i] >= '0' && body[i] <= '9'; i++ {
		d := uint64(body[i] - '0')
		if pool > (math.MaxUint64-d)/10 {
			return false // over uint64: the general decoder says why
		}
		pool = pool*10 + d
	}
	if i == start || (body[start] == '0' && i-start > 1) {
		return false
	}
	rest := body[i:]
	if !bytes.HasPrefix(rest, []byte(mid)) || len(rest) < len(mid)+len(tail) {
		return false
	}
	s := rest[len(mid) : len(rest)-len(tail)]
	if bytes.IndexByte(s, '"') >= 0 || bytes.IndexByte(s, '\\') >= 0 {
		return false
	}
	*m = MsgBatch{Pool: pool, Packed: string(s)}
	return true
}
