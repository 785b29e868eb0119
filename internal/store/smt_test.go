package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/rand"
	"sort"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// refTree is the reference: it builds the compacted tree from scratch out of
// the sorted set of leaves, straight from the definition, and returns its
// root and every node it has, by position.
func refTree(pairs map[string][]byte) ([32]byte, map[string][]byte) {
	type leaf struct{ kh, vh [32]byte }
	leaves := make([]leaf, 0, len(pairs))
	for k, v := range pairs {
		leaves = append(leaves, leaf{sha256.Sum256([]byte(k)), sha256.Sum256(v)})
	}
	sort.Slice(leaves, func(i, j int) bool { return bytes.Compare(leaves[i].kh[:], leaves[j].kh[:]) < 0 })
	nodes := map[string][]byte{}
	var rec func(depth int, path [32]byte, ls []leaf) [32]byte
	rec = func(depth int, path [32]byte, ls []leaf) [32]byte {
		var buf []byte
		switch len(ls) {
		case 0:
			return [32]byte{}
		case 1:
			buf = append(append([]byte{0}, ls[0].kh[:]...), ls[0].vh[:]...)
		default:
			var left, right []leaf
			for _, l := range ls {
				if l.kh[depth/8]>>(7-depth%8)&1 == 0 {
					left = append(left, l)
				} else {
					right = append(right, l)
				}
			}
			rp := path
			rp[depth/8] |= 0x80 >> (depth % 8)
			lh := rec(depth+1, path, left)
			rh := rec(depth+1, rp, right)
			buf = append(append([]byte{1}, lh[:]...), rh[:]...)
		}
		pos := []byte{'t', byte(depth >> 8), byte(depth)}
		pos = append(pos, path[:(depth+7)/8]...)
		nodes[string(pos)] = buf
		return sha256.Sum256(buf)
	}
	return rec(0, [32]byte{}, leaves), nodes
}

// storedNodes returns the tree nodes a DB holds.
func storedNodes(t *testing.T, db DB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	if err := db.Iterate([]byte{prefixTree}, []byte{prefixTree + 1}, func(k, v []byte) bool {
		out[string(k)] = v
		return true
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func checkAgainstRef(t *testing.T, s *State, db DB, pairs map[string][]byte, what string) {
	t.Helper()
	want, wantNodes := refTree(pairs)
	if got := s.Root(); !bytes.Equal(got, want[:]) {
		t.Fatalf("%s: root %x, reference %x", what, got, want)
	}
	got := storedNodes(t, db)
	if len(got) != len(wantNodes) {
		t.Fatalf("%s: %d tree nodes stored, reference has %d", what, len(got), len(wantNodes))
	}
	for p, rec := range wantNodes {
		if !bytes.Equal(got[p], rec) {
			t.Fatalf("%s: node at %x is %x, reference %x", what, p, got[p], rec)
		}
	}
}

func mustOpenWith(t testing.TB, db DB, budget int64) *State {
	t.Helper()
	s, err := OpenWith(db, Options{NodeCacheBytes: budget})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// positionBytes is a cached position's cost, in floats here as a check on
// levelsBytes' integers: its slot and its share of a page pointer.
const positionBytes = slotBytes + 8.0/pageSlots

// budgetFor returns the node cache budget that caches the levels to depth.
func budgetFor(depth int) int64 {
	return int64(math.Ceil(float64(int64(1)<<(depth+1)-1) * positionBytes))
}

func mustOpen(t testing.TB, db DB) *State {
	t.Helper()
	s, err := Open(db)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// commitBlock writes pairs (nil value: delete) as the next block.
func commitBlock(t testing.TB, s *State, block map[string][]byte) []byte {
	t.Helper()
	c := s.Begin()
	keys := make([]string, 0, len(block))
	for k := range block {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var err error
		if v := block[k]; v == nil {
			err = c.Delete([]byte(k))
		} else {
			err = c.Set([]byte(k), v)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	h1, err := s.Hash(c)
	if err != nil {
		t.Fatal(err)
	}
	h2, err := s.Hash(c)
	if err != nil {
		t.Fatal(err)
	}
	root, err := s.Commit(c, s.Height()+1)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(h1, h2) || !bytes.Equal(h1, root) {
		t.Fatalf("Hash %x, again %x, Commit %x", h1, h2, root)
	}
	return root
}

// prefixKeys returns n keys whose sha256 share their first bits bits, so the
// tree has long chains of one-child internal nodes.
func prefixKeys(n, bits int) []string {
	groups := map[uint32][]string{}
	for i := 0; ; i++ {
		k := fmt.Sprintf("near-%d", i)
		h := sha256.Sum256([]byte(k))
		p := binary.BigEndian.Uint32(h[:4]) >> (32 - bits)
		groups[p] = append(groups[p], k)
		if len(groups[p]) == n {
			return groups[p]
		}
	}
}

func TestEmptyRoot(t *testing.T) {
	db := NewMemDB()
	s := mustOpen(t, db)
	if got := s.Root(); !bytes.Equal(got, make([]byte, 32)) || s.Height() != 0 {
		t.Fatalf("empty state: root %x height %d", got, s.Height())
	}
	// An empty block, and a block that only deletes absent keys, keep it.
	commitBlock(t, s, nil)
	commitBlock(t, s, map[string][]byte{"absent": nil})
	if got := s.Root(); !bytes.Equal(got, make([]byte, 32)) || s.Height() != 2 {
		t.Fatalf("after empty blocks: root %x height %d", got, s.Height())
	}
	// A single leaf is the root.
	commitBlock(t, s, map[string][]byte{"k": []byte("v")})
	kh, vh := sha256.Sum256([]byte("k")), sha256.Sum256([]byte("v"))
	if want := leafHash(&kh, &vh); !bytes.Equal(s.Root(), want[:]) {
		t.Fatalf("one key: root %x, want its leaf hash %x", s.Root(), want)
	}
	commitBlock(t, s, map[string][]byte{"k": nil})
	if got := s.Root(); !bytes.Equal(got, make([]byte, 32)) {
		t.Fatalf("after deleting the only key: root %x", got)
	}
	checkAgainstRef(t, s, db, nil, "emptied")
}

func TestRootIndependentOfOrder(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	pairs := map[string][]byte{}
	var keys []string
	for i := 0; i < 300; i++ {
		k := fmt.Sprintf("key-%d", i)
		keys = append(keys, k)
		pairs[k] = []byte(fmt.Sprint("value-", i))
	}
	for _, k := range prefixKeys(6, 14) {
		keys = append(keys, k)
		pairs[k] = []byte("near " + k)
	}
	want, _ := refTree(pairs)
	for perm := 0; perm < 30; perm++ {
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		db := NewMemDB()
		s := mustOpen(t, db)
		// Insert in blocks of random size, with detours: some keys first get
		// another value or are inserted and deleted again.
		for i := 0; i < len(keys); {
			n := 1 + rng.Intn(40)
			block := map[string][]byte{}
			for ; n > 0 && i < len(keys); n, i = n-1, i+1 {
				block[keys[i]] = pairs[keys[i]]
			}
			if rng.Intn(3) == 0 {
				commitBlock(t, s, map[string][]byte{keys[rng.Intn(len(keys))]: []byte("detour"), "temp": []byte("x")})
				commitBlock(t, s, map[string][]byte{"temp": nil})
			}
			commitBlock(t, s, block)
		}
		for k, v := range pairs { // undo the detours
			if got, _ := s.Get([]byte(k)); !bytes.Equal(got, v) {
				commitBlock(t, s, map[string][]byte{k: v})
			}
		}
		if got := s.Root(); !bytes.Equal(got, want[:]) {
			t.Fatalf("permutation %d: root %x, want %x", perm, got, want)
		}
		checkAgainstRef(t, s, db, pairs, fmt.Sprint("permutation ", perm))
	}
}

func TestDeleteRestoresRoot(t *testing.T) {
	base := map[string][]byte{}
	for i := 0; i < 100; i++ {
		base[fmt.Sprint("k", i)] = []byte(fmt.Sprint("v", i))
	}
	near := prefixKeys(4, 16)
	tests := []struct {
		name  string
		base  []string // extra keys in the base state
		added []string // keys added then deleted
	}{
		{"one key", nil, []string{"new"}},
		{"many keys", nil, []string{"n1", "n2", "n3", "n4", "n5", "n6", "n7", "n8"}},
		{"key next to a near neighbour", near[:1], near[1:2]},
		{"several near neighbours", near[:2], near[2:]},
		{"into an empty state", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := NewMemDB()
			s := mustOpen(t, db)
			pairs := map[string][]byte{}
			if tt.added != nil {
				for k, v := range base {
					pairs[k] = v
				}
			} else {
				tt.added = []string{"only", near[0]}
			}
			for _, k := range tt.base {
				pairs[k] = []byte("base")
			}
			commitBlock(t, s, pairs)
			before := s.Root()
			nodesBefore := storedNodes(t, db)
			add, del := map[string][]byte{}, map[string][]byte{}
			for _, k := range tt.added {
				add[k], del[k] = []byte("added"), nil
			}
			commitBlock(t, s, add)
			if bytes.Equal(s.Root(), before) {
				t.Fatal("adding keys did not change the root")
			}
			commitBlock(t, s, del)
			if got := s.Root(); !bytes.Equal(got, before) {
				t.Fatalf("root after delete %x, before insert %x", got, before)
			}
			if got := storedNodes(t, db); len(got) != len(nodesBefore) {
				t.Fatalf("%d tree nodes stored after delete, %d before insert", len(got), len(nodesBefore))
			}
			checkAgainstRef(t, s, db, pairs, "restored")
		})
	}
}

// TestRandomBlocks is the property test: random blocks of sets and deletes
// over a small key space; after every block the root and the stored nodes
// equal the reference built from scratch, Hash agrees with Commit, and a
// State reopened from the DB agrees too.
func TestRandomBlocks(t *testing.T) {
	tests := []struct {
		seed          int64
		space, blocks int
	}{
		{1, 4, 60}, {2, 40, 60}, {3, 400, 60}, {4, 4, 60}, {5, 40, 60}, {6, 400, 60},
		{7, 3000, 12}, // blocks large enough to update the two halves in parallel
	}
	// The node cache changes which nodes are read from the DB, never the
	// tree: the default one holds all of these small trees, the root-only
	// one none, the depth-5 one the upper levels only.
	budgets := []int64{0, -1, budgetFor(5)}
	for _, tt := range tests {
		for _, budget := range budgets {
			seed, space := tt.seed, tt.space
			t.Run(fmt.Sprint("seed ", seed, " cache ", cacheDepth(budget)), func(t *testing.T) {
				rng := rand.New(rand.NewSource(seed))
				keys := make([]string, 0, space+6)
				for i := 0; i < space; i++ {
					keys = append(keys, fmt.Sprint("k", i))
				}
				keys = append(keys, prefixKeys(6, 12)...)
				db := NewMemDB()
				s := mustOpenWith(t, db, budget)
				pairs := map[string][]byte{}
				for b := 0; b < tt.blocks; b++ {
					block := map[string][]byte{}
					for i, n := 0, rng.Intn(2*space/3+2); i < n; i++ {
						k := keys[rng.Intn(len(keys))]
						switch rng.Intn(3) {
						case 0:
							block[k] = nil
						case 1:
							block[k] = []byte{} // empty values are values
						default:
							block[k] = []byte(fmt.Sprint(rng.Intn(4)))
						}
					}
					commitBlock(t, s, block)
					for k, v := range block {
						if v == nil {
							delete(pairs, k)
						} else {
							pairs[k] = v
						}
					}
					checkAgainstRef(t, s, db, pairs, fmt.Sprint("block ", b))
					if b%10 == 9 {
						s2 := mustOpenWith(t, db, budget)
						if !bytes.Equal(s2.Root(), s.Root()) || s2.Height() != s.Height() {
							t.Fatalf("reopened: root %x height %d, want %x %d", s2.Root(), s2.Height(), s.Root(), s.Height())
						}
						s = s2
					}
				}
			})
		}
	}
}

func TestCommitRules(t *testing.T) {
	s := mustOpen(t, NewMemDB())
	other := mustOpen(t, NewMemDB())
	c := s.Begin()
	_ = c.Set([]byte("a"), []byte("1"))
	if _, err := s.Commit(c, 2); err == nil {
		t.Error("Commit skipped a height")
	}
	if _, err := s.Commit(c, 0); err == nil {
		t.Error("Commit repeated a height")
	}
	if _, err := other.Hash(c); err == nil {
		t.Error("Hash accepted another state's cache")
	}
	if _, err := s.Hash(c.Branch()); err == nil {
		t.Error("Hash accepted a branch")
	}
	if _, err := s.Hash(NewCache(s)); err == nil {
		t.Error("Hash accepted a cache not from Begin")
	}
	h1, err := s.Hash(c)
	if err != nil {
		t.Fatal(err)
	}
	// A write after Hash is not lost: Hash and Commit see it.
	_ = c.Set([]byte("b"), []byte("2"))
	h2, _ := s.Hash(c)
	if bytes.Equal(h1, h2) {
		t.Fatal("Hash did not change after a write")
	}
	stale := s.Begin()
	if _, err := s.Commit(c, 1); err != nil {
		t.Fatal(err)
	}
	if want, _ := refTree(map[string][]byte{"a": []byte("1"), "b": []byte("2")}); !bytes.Equal(s.Root(), want[:]) {
		t.Fatalf("root %x, want %x", s.Root(), want)
	}
	for name, cc := range map[string]*Cache{"committed": c, "stale": stale} {
		if _, err := s.Hash(cc); err == nil {
			t.Errorf("Hash accepted a %s cache", name)
		}
		if _, err := s.Commit(cc, 2); err == nil {
			t.Errorf("Commit accepted a %s cache", name)
		}
	}
	if s.Height() != 1 {
		t.Fatalf("height %d after refused commits", s.Height())
	}
	if k := gongxu.ErrorKind(func() error { _, err := s.Commit(stale, 2); return err }()); k != gongxu.KindInternal {
		t.Fatalf("kind %v, want internal", k)
	}
}

func TestOpenChecksMetadata(t *testing.T) {
	db := NewMemDB()
	s := mustOpen(t, db)
	commitBlock(t, s, map[string][]byte{"a": []byte("1"), "b": []byte("2")})
	tests := []struct {
		name   string
		change Change
	}{
		{"short height", Change{Key: keyHeight, Value: []byte{1}}},
		{"missing root", Change{Key: keyRoot}},
		{"wrong root", Change{Key: keyRoot, Value: bytes.Repeat([]byte{7}, 32)}},
		{"missing root node", Change{Key: []byte{prefixTree, 0, 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bad := db.Clone()
			_ = bad.Apply([]Change{tt.change})
			if _, err := Open(bad); gongxu.ErrorKind(err) != gongxu.KindInternal {
				t.Fatalf("Open = %v, want an internal error", err)
			}
		})
	}
	if _, err := Open(db); err != nil {
		t.Fatalf("the original no longer opens: %v", err)
	}
}

func TestStateReads(t *testing.T) {
	s := mustOpen(t, NewMemDB())
	commitBlock(t, s, map[string][]byte{"a": []byte("1"), "b": []byte("2"), "c": []byte("3")})
	if got := collect(t, s, []byte("b"), nil); !equalStrings(got, []string{"b=2", "c=3"}) {
		t.Fatalf("Iterate = %v", got)
	}
	if got := collect(t, s, nil, []byte("c")); !equalStrings(got, []string{"a=1", "b=2"}) {
		t.Fatalf("Iterate = %v", got)
	}
	// A block cache reads through, and nothing shows before Commit.
	c := s.Begin()
	_ = c.Set([]byte("d"), []byte("4"))
	_ = c.Delete([]byte("a"))
	if got := collect(t, c, nil, nil); !equalStrings(got, []string{"b=2", "c=3", "d=4"}) {
		t.Fatalf("block cache = %v", got)
	}
	if got := collect(t, s, nil, nil); !equalStrings(got, []string{"a=1", "b=2", "c=3"}) {
		t.Fatalf("committed state before Commit = %v", got)
	}
	if _, err := s.Commit(c, 2); err != nil {
		t.Fatal(err)
	}
	if got := collect(t, s, nil, nil); !equalStrings(got, []string{"b=2", "c=3", "d=4"}) {
		t.Fatalf("committed state = %v", got)
	}
}

func TestProofs(t *testing.T) {
	s := mustOpen(t, NewMemDB())
	// An empty tree proves absence with an empty slot at the root.
	p, err := s.Prove([]byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifyProof(s.Root(), []byte("x"), nil, p); err != nil || p.Depth != 0 {
		t.Fatalf("absence in the empty tree: depth %d, %v", p.Depth, err)
	}
	pairs := map[string][]byte{"empty": {}}
	for i := 0; i < 500; i++ {
		pairs[fmt.Sprint("k", i)] = []byte(fmt.Sprint("v", i))
	}
	near := prefixKeys(3, 16)
	pairs[near[0]] = []byte("near")
	pairs[near[1]] = []byte("near")
	commitBlock(t, s, pairs)
	root := s.Root()

	var sawEmptySlot, sawOtherLeaf bool
	for i := 0; i < 1000; i++ {
		k := []byte(fmt.Sprint("k", i))
		v, p, err := s.GetWithProof(k)
		if err != nil {
			t.Fatal(err)
		}
		if want := pairs[string(k)]; !bytes.Equal(v, want) {
			t.Fatalf("GetWithProof(%s) value %q, want %q", k, v, want)
		}
		// The proof survives JSON.
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var q Proof
		if err := json.Unmarshal(b, &q); err != nil {
			t.Fatal(err)
		}
		if err := VerifyProof(root, k, v, &q); err != nil {
			t.Fatalf("%s: %v\n%s", k, err, b)
		}
		if v == nil {
			sawEmptySlot = sawEmptySlot || len(q.LeafKeyHash) == 0
			sawOtherLeaf = sawOtherLeaf || len(q.LeafKeyHash) != 0
			// An absence proof does not prove any value.
			if err := VerifyProof(root, k, []byte("v"), &q); err == nil {
				t.Fatalf("%s: an absence proof verified a value", k)
			}
		} else {
			// An inclusion proof proves neither absence nor another value.
			if err := VerifyProof(root, k, nil, &q); err == nil {
				t.Fatalf("%s: an inclusion proof verified absence", k)
			}
			if err := VerifyProof(root, k, append(v, 'x'), &q); err == nil {
				t.Fatalf("%s: an inclusion proof verified another value", k)
			}
		}
	}
	if !sawEmptySlot || !sawOtherLeaf {
		t.Fatalf("absence proofs seen: empty slot %v, other leaf %v; want both", sawEmptySlot, sawOtherLeaf)
	}
	// The near key's absence is proven by a deep slot.
	if p, _ := s.Prove([]byte(near[2])); p.Depth < 16 || VerifyProof(root, []byte(near[2]), nil, p) != nil {
		t.Fatalf("absence of a near key: depth %d", p.Depth)
	}
	if p, _ := s.Prove([]byte("empty")); VerifyProof(root, []byte("empty"), []byte{}, p) != nil {
		t.Fatal("the empty value does not verify")
	}
}

func TestProofTampering(t *testing.T) {
	s := mustOpen(t, NewMemDB())
	pairs := map[string][]byte{}
	for i := 0; i < 200; i++ {
		pairs[fmt.Sprint("k", i)] = []byte(fmt.Sprint("v", i))
	}
	commitBlock(t, s, pairs)
	root := s.Root()
	incl, _ := s.Prove([]byte("k7"))
	var absOther *Proof // an absence proof with another leaf in the slot
	var absKey []byte
	for i := 0; absOther == nil; i++ {
		k := []byte(fmt.Sprint("absent", i))
		if p, _ := s.Prove(k); len(p.LeafKeyHash) != 0 {
			absOther, absKey = p, k
		}
	}
	clone := func(p *Proof) *Proof {
		b, _ := json.Marshal(p)
		var q Proof
		_ = json.Unmarshal(b, &q)
		return &q
	}
	otherRoot := bytes.Clone(root)
	otherRoot[0] ^= 1
	tests := []struct {
		name       string
		root       []byte
		key, value []byte
		p          *Proof
		tamper     func(p *Proof)
	}{
		{"wrong value", root, []byte("k7"), []byte("v8"), incl, nil},
		{"wrong key", root, []byte("k8"), []byte("v7"), incl, nil},
		{"wrong root", otherRoot, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Root = nil }},
		{"proof for another root", otherRoot, []byte("k7"), []byte("v7"), incl, nil},
		{"short root", root[:31], []byte("k7"), []byte("v7"), incl, nil},
		{"flipped sibling", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Siblings[0][5] ^= 1 }},
		{"flipped top sibling", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Siblings[len(p.Siblings)-1][0] ^= 0x80 }},
		{"dropped sibling", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Siblings = p.Siblings[1:] }},
		{"swapped siblings", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) {
			p.Siblings[0], p.Siblings[1] = p.Siblings[1], p.Siblings[0]
		}},
		{"zero sibling", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Siblings[0] = make(Hex, 32) }},
		{"short sibling", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Siblings[0] = p.Siblings[0][:31] }},
		{"deeper", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Depth++ }},
		{"shallower", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Depth-- }},
		{"bitmap bit cleared", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) {
			for i := range p.Bitmap {
				if p.Bitmap[i] != 0 {
					p.Bitmap[i] &= p.Bitmap[i] - 1
					p.Siblings = p.Siblings[1:]
					return
				}
			}
		}},
		{"bitmap bit beyond depth", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) {
			p.Bitmap[len(p.Bitmap)-1] |= 1
			p.Siblings = append(p.Siblings, p.Siblings[0])
		}},
		{"negative depth", root, []byte("k7"), []byte("v7"), incl, func(p *Proof) { p.Depth = -1 }},
		{"inclusion claimed absent", root, []byte("k7"), nil, incl, nil},
		{"absence claimed present", root, absKey, []byte("x"), absOther, nil},
		{"absence with the other leaf's value changed", root, absKey, nil, absOther, func(p *Proof) { p.LeafValueHash[0] ^= 1 }},
		{"absence with the other leaf's key changed", root, absKey, nil, absOther, func(p *Proof) { p.LeafKeyHash[31] ^= 1 }},
		{"absence with the other leaf removed", root, absKey, nil, absOther, func(p *Proof) { p.LeafKeyHash, p.LeafValueHash = nil, nil }},
		{"absence with half the other leaf", root, absKey, nil, absOther, func(p *Proof) { p.LeafValueHash = nil }},
		{"absence of a present key", root, []byte("k7"), nil, absOther, nil},
		{"nil proof", root, []byte("k7"), []byte("v7"), nil, nil},
	}
	if err := VerifyProof(root, []byte("k7"), []byte("v7"), incl); err != nil {
		t.Fatalf("the untampered inclusion proof fails: %v", err)
	}
	if err := VerifyProof(root, absKey, nil, absOther); err != nil {
		t.Fatalf("the untampered absence proof fails: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.p
			if p != nil {
				p = clone(p)
				if tt.tamper != nil {
					tt.tamper(p)
				}
			}
			err := VerifyProof(tt.root, tt.key, tt.value, p)
			if err == nil {
				t.Fatal("a tampered proof verified")
			}
			if gongxu.ErrorKind(err) != gongxu.KindInvalid {
				t.Fatalf("kind %v, want invalid: %v", gongxu.ErrorKind(err), err)
			}
		})
	}
}
