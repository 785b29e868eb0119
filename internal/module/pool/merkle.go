package pool

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"

	"github.com/gongxu-network/gongxu"
)

// Leaf is one consumer's pledge in a hub's batch. ID is the consumer's
// pseudonym at the hub (16 to 64 lower-case hex characters, unique within the
// batch); Commit the commitment to their pickup secret
// (gongxu.PickupCommit); nothing else about the consumer goes on the ledger.
type Leaf = gongxu.PoolLeaf

// LeafDomain separates leaf hashes from every other hash of gongxu.
const LeafDomain = "gongxu/pool/leaf/v2"

// LeafHash is the hash of a batch leaf, bound to its pool and hub:
//
//	sha256(0x00 || "gongxu/pool/leaf/v2" || pool (8 bytes BE) || hub || 0x00 ||
//	       id || 0x00 || variant || 0x00 || qty (8 bytes BE) || commit)
//
// with commit as its hex characters. Hub, id and variant never hold a 0x00
// byte, qty has a fixed size and commit runs to the end, so the encoding is
// unambiguous.
func LeafHash(pool uint64, hub gongxu.OrgID, l Leaf) [32]byte {
	var buf [256]byte // the usual leaf fits: no allocation
	b := buf[:0]
	b = append(b, 0x00)
	b = append(b, LeafDomain...)
	b = binary.BigEndian.AppendUint64(b, pool)
	b = append(b, hub...)
	b = append(b, 0)
	b = append(b, l.ID...)
	b = append(b, 0)
	b = append(b, l.Variant...)
	b = append(b, 0)
	b = binary.BigEndian.AppendUint64(b, uint64(l.Qty))
	b = append(b, l.Commit...)
	return sha256.Sum256(b)
}

// MerkleRoot is the root of the tree over leaf hashes: each node is
// sha256(0x01 || left || right), an odd node at the end of a level is promoted
// to the next level unchanged, and a single leaf is its own root. The root of
// no leaves is all zeros. The tree is the root vocabulary's (gongxu.MerkleRoot),
// shared with the trace module's batches.
func MerkleRoot(leaves [][32]byte) [32]byte { return gongxu.MerkleRoot(leaves) }

// Proof returns the sibling hashes from leaf i up to the root (none for a
// promoted node). It returns nil when i is out of range.
func Proof(leaves [][32]byte, i int) [][32]byte { return gongxu.MerkleProof(leaves, i) }

// VerifyProof reports whether leaf is at index of a tree of count leaves with
// the given root, by proof. The proof must be exactly as long as the path.
func VerifyProof(root, leaf [32]byte, index, count int, proof [][32]byte) bool {
	return gongxu.VerifyMerkleProof(root, leaf, index, count, proof)
}

// Receipt is a consumer's receipt for one leaf of a batch (the root type).
type Receipt = gongxu.Receipt

// Receipts returns the receipt of every leaf of a batch, in leaf order:
// public receipts, without the consumers' pickup secrets (the hub adds each
// consumer's to their copy).
func Receipts(tx string, pool uint64, hub gongxu.OrgID, leaves []Leaf) []Receipt {
	hs := make([][32]byte, len(leaves))
	for i, l := range leaves {
		hs[i] = LeafHash(pool, hub, l)
	}
	proofs := gongxu.MerkleProofs(hs)
	root := MerkleRoot(hs)
	rootHex := hex.EncodeToString(root[:])
	out := make([]Receipt, len(leaves))
	for i, l := range leaves {
		p := proofs[i]
		ps := make([]string, len(p))
		for j := range p {
			ps[j] = hex.EncodeToString(p[j][:])
		}
		out[i] = Receipt{Tx: tx, Pool: pool, Hub: hub, Index: i, Leaves: len(leaves), Leaf: l, Proof: ps, Root: rootHex}
	}
	return out
}

// VerifyReceipt checks the receipt's proof against its root. It does not
// consult the ledger: compare Root and Leaves with the Batch record of Tx as
// well. Errors: KindInvalid.
func VerifyReceipt(r Receipt) error {
	root, err := decodeHash(r.Root)
	if err != nil {
		return gongxu.Errorf(gongxu.KindInvalid, "receipt root: %v", err)
	}
	proof := make([][32]byte, len(r.Proof))
	for i, s := range r.Proof {
		if proof[i], err = decodeHash(s); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "receipt proof step %d: %v", i, err)
		}
	}
	if !VerifyProof(root, LeafHash(r.Pool, r.Hub, r.Leaf), r.Index, r.Leaves, proof) {
		return gongxu.Errorf(gongxu.KindInvalid, "receipt does not verify: leaf %d of %d is not under root %s", r.Index, r.Leaves, r.Root)
	}
	return nil
}

// CheckPickupSecret checks that secret opens the commitment of the
// receipt's leaf: that whoever shows it holds the consumer's copy. Errors:
// KindInvalid for a malformed secret, KindUnauthorized for another one.
func CheckPickupSecret(r Receipt, secret string) error {
	if secret == "" {
		return invalid("a pickup by receipt needs the consumer's pickup secret (the secret of their copy of the receipt); a receipt alone is public")
	}
	c, err := gongxu.PickupCommit(secret)
	if err != nil {
		return err
	}
	if c != r.Leaf.Commit {
		return gongxu.Errorf(gongxu.KindUnauthorized, "the pickup secret does not open leaf %d of batch %s: only the consumer's copy of the receipt holds its secret", r.Index, r.Tx)
	}
	return nil
}

func decodeHash(s string) ([32]byte, error) {
	var h [32]byte
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != 32 {
		return h, gongxu.Errorf(gongxu.KindInvalid, "%q is not 64 hex characters", s)
	}
	copy(h[:], b)
	return h, nil
}
