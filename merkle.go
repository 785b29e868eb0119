package gongxu

import "crypto/sha256"

// The binary Merkle tree of gongxu's batches (a hub's pledges, a capture of
// traceability events): leaves are 32-byte hashes the caller makes, each in
// its own domain and starting with a 0x00 byte; each inner node is
// sha256(0x01 || left || right); an odd node at the end of a level is
// promoted to the next level unchanged; a single leaf is its own root and the
// root of no leaves is all zeros.

// merkleNode is sha256(0x01 || l || r).
func merkleNode(l, r *[32]byte) [32]byte {
	var b [65]byte
	b[0] = 0x01
	copy(b[1:33], l[:])
	copy(b[33:], r[:])
	return sha256.Sum256(b[:])
}

// merkleNext hashes a level of the tree into the next one; an odd last node
// is promoted unchanged.
func merkleNext(level [][32]byte) [][32]byte {
	out := make([][32]byte, 0, (len(level)+1)/2)
	for j := 0; j < len(level); j += 2 {
		if j+1 < len(level) {
			out = append(out, merkleNode(&level[j], &level[j+1]))
		} else {
			out = append(out, level[j])
		}
	}
	return out
}

// merkleLevels returns every level of the tree, the leaves first.
func merkleLevels(leaves [][32]byte) [][][32]byte {
	out := [][][32]byte{leaves}
	for l := leaves; len(l) > 1; {
		l = merkleNext(l)
		out = append(out, l)
	}
	return out
}

func merkleProofFrom(lv [][][32]byte, i int) [][32]byte {
	var p [][32]byte
	for _, level := range lv[:len(lv)-1] {
		switch {
		case i%2 == 1:
			p = append(p, level[i-1])
		case i+1 < len(level):
			p = append(p, level[i+1])
		}
		i /= 2
	}
	return p
}

// MerkleRoot is the root of the tree over leaf hashes (see above).
func MerkleRoot(leaves [][32]byte) [32]byte {
	if len(leaves) == 0 {
		return [32]byte{}
	}
	level := leaves
	for len(level) > 1 {
		level = merkleNext(level)
	}
	return level[0]
}

// MerkleProof returns the sibling hashes from leaf i up to the root (none for
// a promoted node). It returns nil when i is out of range.
func MerkleProof(leaves [][32]byte, i int) [][32]byte {
	if i < 0 || i >= len(leaves) {
		return nil
	}
	return merkleProofFrom(merkleLevels(leaves), i)
}

// MerkleProofs returns the proof of every leaf, in leaf order, building the
// tree once.
func MerkleProofs(leaves [][32]byte) [][][32]byte {
	lv := merkleLevels(leaves)
	out := make([][][32]byte, len(leaves))
	for i := range leaves {
		out[i] = merkleProofFrom(lv, i)
	}
	return out
}

// VerifyMerkleProof reports whether leaf is at index of a tree of count
// leaves with the given root, by proof. The proof must be exactly as long as
// the path.
func VerifyMerkleProof(root, leaf [32]byte, index, count int, proof [][32]byte) bool {
	if count <= 0 || index < 0 || index >= count {
		return false
	}
	h, k := leaf, 0
	for n := count; n > 1; n = (n + 1) / 2 {
		switch {
		case index%2 == 1:
			if k >= len(proof) {
				return false
			}
			h = merkleNode(&proof[k], &h)
			k++
		case index+1 < n:
			if k >= len(proof) {
				return false
			}
			h = merkleNode(&h, &proof[k])
			k++
		}
		index /= 2
	}
	return k == len(proof) && h == root
}
