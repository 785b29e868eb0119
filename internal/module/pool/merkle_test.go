package pool_test

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

// testSecret is the pickup secret the tests give the consumer of leaf id.
func testSecret(id string) string {
	h := sha256.Sum256([]byte("pickup secret " + id))
	return hex.EncodeToString(h[:])
}

// committed returns l committing to testSecret(l.ID).
func committed(l pool.Leaf) pool.Leaf {
	c, err := gongxu.PickupCommit(testSecret(l.ID))
	if err != nil {
		panic(err)
	}
	l.Commit = c
	return l
}

func leaf(i int) pool.Leaf {
	return committed(pool.Leaf{ID: fmt.Sprintf("%016x", 0xc0ffee00+i), Variant: []string{"s", "m", "l"}[i%3], Qty: gongxu.Units(1 + i%4)})
}

func leafHashes(n int) [][32]byte {
	out := make([][32]byte, n)
	for i := range out {
		out[i] = pool.LeafHash(7, "hub-a", leaf(i))
	}
	return out
}

func node(l, r [32]byte) [32]byte {
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

// TestLeafHashEncoding pins the leaf encoding that receipts and the CLI
// depend on, with an independent construction and a golden value.
func TestLeafHashEncoding(t *testing.T) {
	commit := strings.Repeat("0f", 32)
	l := pool.Leaf{ID: "00112233445566778899aabbccddeeff", Variant: "m-navy", Qty: 3, Commit: commit}
	var b bytes.Buffer
	b.WriteByte(0)
	b.WriteString("gongxu/pool/leaf/v2")
	_ = binary.Write(&b, binary.BigEndian, uint64(42))
	b.WriteString("hub-a\x00" + l.ID + "\x00m-navy\x00")
	_ = binary.Write(&b, binary.BigEndian, uint64(3))
	b.WriteString(commit)
	want := sha256.Sum256(b.Bytes())
	got := pool.LeafHash(42, "hub-a", l)
	if got != want {
		t.Fatalf("LeafHash = %x, want %x", got, want)
	}
	if g := hex.EncodeToString(got[:]); g != goldenLeaf {
		t.Fatalf("LeafHash golden changed: %s (receipts already handed out would stop verifying)", g)
	}
	// Every field is bound.
	for _, other := range [][32]byte{
		pool.LeafHash(43, "hub-a", l),
		pool.LeafHash(42, "hub-b", l),
		pool.LeafHash(42, "hub-a", pool.Leaf{ID: l.ID[:30], Variant: l.Variant, Qty: 3, Commit: commit}),
		pool.LeafHash(42, "hub-a", pool.Leaf{ID: l.ID, Variant: "m", Qty: 3, Commit: commit}),
		pool.LeafHash(42, "hub-a", pool.Leaf{ID: l.ID, Variant: l.Variant, Qty: 4, Commit: commit}),
		pool.LeafHash(42, "hub-a", pool.Leaf{ID: l.ID, Variant: l.Variant, Qty: 3, Commit: strings.Repeat("0e", 32)}),
		pool.LeafHash(42, "hub-a", pool.Leaf{ID: l.ID, Variant: l.Variant, Qty: 3}),
	} {
		if other == got {
			t.Fatal("a changed field left the leaf hash unchanged")
		}
	}
}

const goldenLeaf = "8b13a64d6ebeea422e4f8c8c3babeb9288a3b4b4b85a5c7e3a2c70dab4ebd929"

// TestPickupCommit pins the commitment to a pickup secret, and refuses
// malformed secrets.
func TestPickupCommit(t *testing.T) {
	secret := strings.Repeat("a5", 32)
	raw, _ := hex.DecodeString(secret)
	want := sha256.Sum256(append([]byte("gongxu/pool/pickup/v1\x00"), raw...))
	if got, err := gongxu.PickupCommit(secret); err != nil || got != hex.EncodeToString(want[:]) {
		t.Fatalf("PickupCommit = %s, %v; want %x", got, err, want)
	}
	for _, bad := range []string{"", "a5", strings.Repeat("A5", 32), strings.Repeat("a5", 33), strings.Repeat("zz", 32), strings.Repeat("a5", 31) + "a"} {
		if _, err := gongxu.PickupCommit(bad); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("PickupCommit(%q): %v, want invalid", bad, err)
		}
	}
	// NewPoolLeaf draws the id and the secret, and commits to the secret.
	l, s, err := gongxu.NewPoolLeaf(rand.Reader, "m", 2)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := gongxu.PickupCommit(s); err != nil || c != l.Commit || len(l.ID) != 32 || l.Variant != "m" || l.Qty != 2 {
		t.Fatalf("NewPoolLeaf = %+v, %s (commit %s, %v)", l, s, c, err)
	}
	if err := (&pool.MsgBatch{Pool: 1, Leaves: []pool.Leaf{l}}).ValidateBasic(); err != nil {
		t.Fatalf("a drawn leaf is refused: %v", err)
	}
	l2, s2, _ := gongxu.NewPoolLeaf(rand.Reader, "m", 2)
	if l2.ID == l.ID || s2 == s {
		t.Fatal("two drawn leaves are the same")
	}
	if _, _, err := gongxu.NewPoolLeaf(bytes.NewReader(make([]byte, 47)), "", 1); err == nil {
		t.Fatal("a short read of randomness made a leaf")
	}
	// The secret opens its own leaf's receipt, and no other.
	rs := pool.Receipts(strings.Repeat("AB", 32), 1, "hub-a", []pool.Leaf{l, l2})
	if err := pool.CheckPickupSecret(rs[0], s); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		r      pool.Receipt
		secret string
		kind   gongxu.Kind
	}{
		"none":         {rs[0], "", gongxu.KindInvalid},
		"malformed":    {rs[0], "xyz", gongxu.KindInvalid},
		"wrong":        {rs[0], strings.Repeat("00", 32), gongxu.KindUnauthorized},
		"other leaf's": {rs[0], s2, gongxu.KindUnauthorized},
		"commitment":   {rs[0], l.Commit, gongxu.KindUnauthorized},
	} {
		if err := pool.CheckPickupSecret(tc.r, tc.secret); gongxu.ErrorKind(err) != tc.kind {
			t.Errorf("%s: %v, want %s", name, err, tc.kind)
		}
	}
}

func TestMerkleRootShape(t *testing.T) {
	h := leafHashes(5)
	if pool.MerkleRoot(nil) != ([32]byte{}) {
		t.Fatal("root of no leaves is not zero")
	}
	cases := map[int][32]byte{
		1: h[0],
		2: node(h[0], h[1]),
		3: node(node(h[0], h[1]), h[2]),                         // h[2] promoted
		5: node(node(node(h[0], h[1]), node(h[2], h[3])), h[4]), // h[4] promoted twice
	}
	for n, want := range cases {
		if got := pool.MerkleRoot(h[:n]); got != want {
			t.Errorf("root of %d leaves = %x, want %x", n, got, want)
		}
	}
}

func TestProofs(t *testing.T) {
	for n := 1; n <= 33; n++ {
		hs := leafHashes(n)
		root := pool.MerkleRoot(hs)
		for i := 0; i < n; i++ {
			p := pool.Proof(hs, i)
			if !pool.VerifyProof(root, hs[i], i, n, p) {
				t.Fatalf("n=%d i=%d: proof does not verify", n, i)
			}
			// A tampered leaf fails.
			bad := hs[i]
			bad[0] ^= 1
			if pool.VerifyProof(root, bad, i, n, p) {
				t.Fatalf("n=%d i=%d: tampered leaf verifies", n, i)
			}
			// Another leaf of the tree with this proof fails.
			for j := 0; j < n; j++ {
				if j != i && pool.VerifyProof(root, hs[j], i, n, p) {
					t.Fatalf("n=%d i=%d: leaf %d verifies with i's proof", n, i, j)
				}
			}
			// Every wrong index fails, including out of range.
			for j := -1; j <= n; j++ {
				if j != i && pool.VerifyProof(root, hs[i], j, n, p) {
					t.Fatalf("n=%d i=%d: verifies at index %d", n, i, j)
				}
			}
			// Every tampered step fails; so do a longer or shorter proof.
			for k := range p {
				q := append([][32]byte(nil), p...)
				q[k][31] ^= 0x80
				if pool.VerifyProof(root, hs[i], i, n, q) {
					t.Fatalf("n=%d i=%d: tampered proof step %d verifies", n, i, k)
				}
			}
			if pool.VerifyProof(root, hs[i], i, n, append(append([][32]byte(nil), p...), root)) {
				t.Fatalf("n=%d i=%d: longer proof verifies", n, i)
			}
			if len(p) > 0 && pool.VerifyProof(root, hs[i], i, n, p[:len(p)-1]) {
				t.Fatalf("n=%d i=%d: shorter proof verifies", n, i)
			}
			// A wrong root fails.
			wrong := root
			wrong[5] ^= 4
			if pool.VerifyProof(wrong, hs[i], i, n, p) {
				t.Fatalf("n=%d i=%d: verifies under a wrong root", n, i)
			}
		}
		if pool.Proof(hs, n) != nil || pool.Proof(hs, -1) != nil {
			t.Fatalf("n=%d: proof out of range is not nil", n)
		}
	}
}

func TestReceipts(t *testing.T) {
	for _, n := range []int{1, 2, 3, 7, 33, 100} {
		leaves := make([]pool.Leaf, n)
		for i := range leaves {
			leaves[i] = leaf(i)
		}
		rs := pool.Receipts("ABCD", 7, "hub-a", leaves)
		root := pool.MerkleRoot(leafHashes(n))
		for i, r := range rs {
			if r.Root != hex.EncodeToString(root[:]) || r.Index != i || r.Leaves != n || r.Leaf != leaves[i] || r.Tx != "ABCD" {
				t.Fatalf("n=%d receipt %d: %+v", n, i, r)
			}
			if err := pool.VerifyReceipt(r); err != nil {
				t.Fatalf("n=%d receipt %d: %v", n, i, err)
			}
			for name, bad := range map[string]func(pool.Receipt) pool.Receipt{
				"qty":     func(r pool.Receipt) pool.Receipt { r.Leaf.Qty++; return r },
				"id":      func(r pool.Receipt) pool.Receipt { r.Leaf.ID = "ffffffffffffffff"; return r },
				"variant": func(r pool.Receipt) pool.Receipt { r.Leaf.Variant = "xl"; return r },
				"commit":  func(r pool.Receipt) pool.Receipt { r.Leaf.Commit = testSecret("x"); return r },
				"hub":     func(r pool.Receipt) pool.Receipt { r.Hub = "hub-b"; return r },
				"pool":    func(r pool.Receipt) pool.Receipt { r.Pool = 8; return r },
				"index":   func(r pool.Receipt) pool.Receipt { r.Index = (r.Index + 1) % (n + 1); return r },
				"root":    func(r pool.Receipt) pool.Receipt { r.Root = r.Root[:62] + "00"; return r },
				"badhex":  func(r pool.Receipt) pool.Receipt { r.Root = "zz"; return r },
			} {
				b := bad(r)
				if b.Root == r.Root && name == "root" {
					continue // the root happened to end in 00
				}
				if err := pool.VerifyReceipt(b); gongxu.ErrorKind(err) != gongxu.KindInvalid {
					t.Fatalf("n=%d receipt %d with a tampered %s: %v", n, i, name, err)
				}
			}
		}
	}
}
