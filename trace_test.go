package gongxu

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

func TestLotURN(t *testing.T) {
	for _, id := range []LotID{"factory-a/fab-001", "factory-a/supplier-s/fab-001", "ab/x.y_z-1"} {
		u := LotURN(id)
		if u != "urn:gongxu:lot:"+string(id) || !IsLotURN(u) {
			t.Fatalf("LotURN(%s) = %s", id, u)
		}
		back, err := ParseLotURN(u)
		if err != nil || back != id {
			t.Fatalf("ParseLotURN(%s) = %s, %v", u, back, err)
		}
	}
	if id, err := ParseLotURN("URN:Gongxu:LOT:factory-a/fab-1"); err != nil || id != "factory-a/fab-1" {
		t.Fatalf("the scheme and namespace are case-insensitive: %s, %v", id, err)
	}
	for _, bad := range []string{"urn:gongxu:lot:", "urn:gongxu:lot:factory-a", "urn:gongxu:lot:factory-a/Fab", "urn:gongxu:org:factory-a", "factory-a/fab-1", "urn:epc:class:lgtin:4012345.012345.998877"} {
		if _, err := ParseLotURN(bad); ErrorKind(err) != KindInvalid {
			t.Errorf("ParseLotURN(%q): %v, want invalid", bad, err)
		}
	}
	if IsLotURN("urn:gongxu:lo") || IsLotURN("urn:gongxu:org:a/b") {
		t.Fatal("IsLotURN of a non-lot URN")
	}
	if OrgURN("factory-a") != "urn:gongxu:org:factory-a" {
		t.Fatal(OrgURN("factory-a"))
	}
}

func TestTraceEventIdentifiers(t *testing.T) {
	e := TraceEvent{EPCs: []string{"b", "a"}, Quantities: []TraceQuantity{{Class: "c"}, {Class: "a"}}, Inputs: []string{"d"},
		OutputQuantities: []TraceQuantity{{Class: "e"}}, Parent: "f", Children: []string{"b", "g"}, ChildQuantities: []TraceQuantity{{Class: "h"}}}
	if got := e.Identifiers(); !reflect.DeepEqual(got, []string{"a", "b", "c", "d", "e", "f", "g", "h"}) {
		t.Fatalf("identifiers %v", got)
	}
	if (&TraceEvent{}).Identifiers() != nil {
		t.Fatal("an event naming nothing has identifiers")
	}
}

func TestMerkleProofs(t *testing.T) {
	for n := 0; n <= 17; n++ {
		leaves := make([][32]byte, n)
		for i := range leaves {
			leaves[i] = TraceLeafHash([]byte(fmt.Sprint(i)))
		}
		root := MerkleRoot(leaves)
		all := MerkleProofs(leaves)
		for i := range leaves {
			p := MerkleProof(leaves, i)
			if !reflect.DeepEqual(p, all[i]) {
				t.Fatalf("n=%d, leaf %d: MerkleProof %x, MerkleProofs %x", n, i, p, all[i])
			}
			if !VerifyMerkleProof(root, leaves[i], i, n, p) {
				t.Fatalf("n=%d, leaf %d does not verify", n, i)
			}
			if n > 1 && VerifyMerkleProof(root, leaves[(i+1)%n], i, n, p) {
				t.Fatalf("n=%d, leaf %d: another leaf verifies in its place", n, i)
			}
		}
		if MerkleProof(leaves, n) != nil || MerkleProof(leaves, -1) != nil {
			t.Fatal("a proof out of range")
		}
	}
}

// TestVerifyTraceEvent: each event of a batch is provable from the batch
// record alone; a changed byte of its JSON, another index or another root
// is not.
func TestVerifyTraceEvent(t *testing.T) {
	raws := []string{`{"type":"ObjectEvent","eventID":"a"}`, `{"type":"ObjectEvent","eventID":"b"}`, `{"type":"ObjectEvent","eventID":"c"}`}
	leaves := make([][32]byte, len(raws))
	b := TraceBatch{Tx: "AB", Count: len(raws)}
	for i, r := range raws {
		leaves[i] = TraceLeafHash([]byte(r))
		b.Leaves = append(b.Leaves, hex.EncodeToString(leaves[i][:]))
	}
	root := MerkleRoot(leaves)
	b.Root = hex.EncodeToString(root[:])
	for i, r := range raws {
		e := TraceEvent{ID: fmt.Sprint(i), Raw: []byte(r), Anchor: TraceAnchor{Tx: "AB", Index: i, Count: len(raws), Leaf: b.Leaves[i], Root: b.Root}}
		proof, err := b.Proof(i)
		if err != nil {
			t.Fatal(err)
		}
		if err := VerifyTraceEvent(&e, proof); err != nil {
			t.Fatalf("event %d: %v", i, err)
		}
		bad := e
		bad.Raw = []byte(r[:len(r)-2] + `x"}`)
		if VerifyTraceEvent(&bad, proof) == nil {
			t.Fatalf("event %d: changed JSON verifies", i)
		}
		bad.Anchor.Leaf = ""
		if VerifyTraceEvent(&bad, proof) == nil {
			t.Fatalf("event %d: changed JSON verifies without the anchor's leaf", i)
		}
		bad = e
		bad.Anchor.Index = (i + 1) % len(raws)
		if VerifyTraceEvent(&bad, proof) == nil {
			t.Fatalf("event %d verifies at another index", i)
		}
		bad = e
		bad.Anchor.Root = b.Leaves[0]
		if VerifyTraceEvent(&bad, proof) == nil {
			t.Fatalf("event %d verifies under another root", i)
		}
	}
	if _, err := b.Proof(3); ErrorKind(err) != KindNotFound {
		t.Fatalf("proof of leaf 3 of 3: %v", err)
	}
}

// TestTraceWalkRoles: the lists the read model's walk reads, as it passes
// them to SQL.
func TestTraceWalkRoles(t *testing.T) {
	for fwd, want := range map[bool]string{true: "[1,2,3,4,7,8,9]", false: "[1,2,5,6,7,8,9]"} {
		b, _ := json.Marshal(TraceWalkRoles(fwd))
		if string(b) != want {
			t.Errorf("forward %v: %s, want %s", fwd, b, want)
		}
	}
}
