package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"math/bits"

	"github.com/gongxu-network/gongxu"
)

// Hex is a byte string that JSON encodes as lower-case hex.
type Hex []byte

// MarshalText encodes h as lower-case hex.
func (h Hex) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(len(h)))
	hex.Encode(out, h)
	return out, nil
}

// UnmarshalText decodes hex.
func (h *Hex) UnmarshalText(b []byte) error {
	out := make([]byte, hex.DecodedLen(len(b)))
	if _, err := hex.Decode(out, b); err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "%q is not hex", b)
	}
	*h = out
	return nil
}

func (h Hex) String() string { return hex.EncodeToString(h) }

// Proof proves that a key has a given value, or is absent, in the state whose
// root is Root. It walks the key's path, sha256(key), from the root down to
// the slot at Depth where the path ends: the key's own leaf (inclusion), or an
// empty slot or another key's leaf (absence).
//
// Check it with VerifyProof against a root you trust (for CometBFT, the app
// hash of the header after Height).
type Proof struct {
	Height int64 `json:"height"` // the committed height the proof was made at (informative)
	Root   Hex   `json:"root"`   // the root the proof was made against

	// Depth is the depth of the slot; Bitmap has Depth bits, bit i (most
	// significant first) set when the sibling at depth i+1 on the path is
	// not empty; Siblings are those non-empty sibling hashes, from the slot
	// up to the root.
	Depth    int   `json:"depth"`
	Bitmap   Hex   `json:"bitmap"`
	Siblings []Hex `json:"siblings"`

	// For absence when another leaf occupies the slot: its key and value
	// hashes. Both empty otherwise.
	LeafKeyHash   Hex `json:"leaf_key_hash,omitempty"`
	LeafValueHash Hex `json:"leaf_value_hash,omitempty"`
}

// Prove returns a proof of key's committed value or absence against the
// current root.
func (s *State) Prove(key []byte) (*Proof, error) {
	_, p, err := s.GetWithProof(key)
	return p, err
}

// GetWithProof returns the committed value of key (nil when absent) and its
// proof, both from the same committed state.
func (s *State) GetWithProof(key []byte) ([]byte, *Proof, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	value, err := s.db.Get(dataKey(key))
	if err != nil {
		return nil, nil, gongxu.Wrap(err, "store: get")
	}
	kh := sha256.Sum256(key)
	p := &Proof{Height: s.height, Root: bytes.Clone(s.root[:])}
	var sibs []Hex // top-down
	bitmap := make([]byte, 32)
	cur := ref{h: s.root}
	depth := 0
	for !cur.empty() {
		n, err := s.nr.load(depth, &kh, cur.h)
		if err != nil {
			return nil, nil, err
		}
		if n.leaf {
			if n.a != kh {
				p.LeafKeyHash = bytes.Clone(n.a[:])
				p.LeafValueHash = bytes.Clone(n.b[:])
			} else if value == nil || sha256.Sum256(value) != n.b {
				return nil, nil, gongxu.Errorf(gongxu.KindInternal, "store: the tree's leaf for %q does not match its data", key)
			}
			break
		}
		if depth >= maxDepth {
			return nil, nil, gongxu.Errorf(gongxu.KindInternal, "store: internal tree node at depth %d", depth)
		}
		child, sib := n.a, n.b
		if bit(&kh, depth) == 1 {
			child, sib = n.b, n.a
		}
		if sib != zeroHash {
			bitmap[depth/8] |= 0x80 >> uint(depth%8)
			sibs = append(sibs, bytes.Clone(sib[:]))
		}
		cur = ref{h: child}
		depth++
	}
	if (cur.empty() || p.LeafKeyHash != nil) && value != nil {
		return nil, nil, gongxu.Errorf(gongxu.KindInternal, "store: %q has data but no leaf in the tree", key)
	}
	p.Depth = depth
	p.Bitmap = bitmap[:(depth+7)/8]
	p.Siblings = make([]Hex, len(sibs))
	for i, sb := range sibs {
		p.Siblings[len(sibs)-1-i] = sb
	}
	return value, p, nil
}

// VerifyProof checks that p proves key = value (value nil: key is absent)
// under root. It returns nil when it does, and an error of kind
// gongxu.KindInvalid saying why when it does not.
func VerifyProof(root, key, value []byte, p *Proof) error {
	invalid := func(format string, args ...any) error {
		return gongxu.Errorf(gongxu.KindInvalid, "proof of key %q: "+format, append([]any{key}, args...)...)
	}
	if len(root) != 32 {
		return invalid("the root must be 32 bytes, not %d", len(root))
	}
	if p == nil {
		return invalid("no proof")
	}
	if len(p.Root) != 0 && !bytes.Equal(p.Root, root) {
		return invalid("it was made for root %x, not %x", []byte(p.Root), root)
	}
	if p.Depth < 0 || p.Depth > maxDepth {
		return invalid("depth %d is out of range", p.Depth)
	}
	if len(p.Bitmap) != (p.Depth+7)/8 {
		return invalid("bitmap has %d bytes, want %d for depth %d", len(p.Bitmap), (p.Depth+7)/8, p.Depth)
	}
	ones := 0
	for i, b := range p.Bitmap {
		if i == len(p.Bitmap)-1 && p.Depth%8 != 0 && b&(0xff>>uint(p.Depth%8)) != 0 {
			return invalid("bitmap has bits set beyond depth %d", p.Depth)
		}
		ones += bits.OnesCount8(b)
	}
	if ones != len(p.Siblings) {
		return invalid("bitmap marks %d siblings but %d are given", ones, len(p.Siblings))
	}
	for i, sb := range p.Siblings {
		if len(sb) != 32 || bytes.Equal(sb, zeroHash[:]) {
			return invalid("sibling %d is not a 32-byte non-empty hash", i)
		}
	}
	kh := sha256.Sum256(key)
	var cur [32]byte
	switch {
	case value != nil:
		if len(p.LeafKeyHash) != 0 || len(p.LeafValueHash) != 0 {
			return invalid("it is a proof of absence, but a value was given")
		}
		vh := sha256.Sum256(value)
		cur = leafHash(&kh, &vh)
	case len(p.LeafKeyHash) == 0 && len(p.LeafValueHash) == 0:
		// an empty slot: cur stays zero
	default:
		if len(p.LeafKeyHash) != 32 || len(p.LeafValueHash) != 32 {
			return invalid("the other leaf's hashes must be 32 bytes")
		}
		var okh, ovh [32]byte
		copy(okh[:], p.LeafKeyHash)
		copy(ovh[:], p.LeafValueHash)
		if okh == kh {
			return invalid("the slot holds the key itself, so it is present")
		}
		for i := 0; i < p.Depth; i++ {
			if bit(&okh, i) != bit(&kh, i) {
				return invalid("the other leaf is not on the key's path")
			}
		}
		cur = leafHash(&okh, &ovh)
	}
	next := 0
	for d := p.Depth - 1; d >= 0; d-- {
		var sib [32]byte
		if p.Bitmap[d/8]&(0x80>>uint(d%8)) != 0 {
			copy(sib[:], p.Siblings[next])
			next++
		}
		if bit(&kh, d) == 0 {
			cur = internalHash(&cur, &sib)
		} else {
			cur = internalHash(&sib, &cur)
		}
	}
	if !bytes.Equal(cur[:], root) {
		if value != nil {
			return invalid("it does not prove this value under root %x", root)
		}
		return invalid("it does not prove absence under root %x", root)
	}
	return nil
}
