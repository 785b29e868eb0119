package gongxu_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"os"
	"testing"

	"github.com/gongxu-network/gongxu"
)

var update = flag.Bool("update", false, "rewrite golden files")

// vector is one wire-format test vector (testdata/wire/vectors.json), for
// implementations in other languages to check against.
type vector struct {
	Name      string `json:"name"`
	Seed      string `json:"seed"` // Ed25519 seed, hex
	ChainID   string `json:"chain_id"`
	Type      string `json:"type"`
	Body      string `json:"body"`
	Sequence  uint64 `json:"sequence"`
	PubKey    string `json:"pub_key"`
	SignBytes string `json:"sign_bytes"` // hex
	Signature string `json:"signature"`  // hex
	Tx        string `json:"tx"`         // hex wire bytes
	Hash      string `json:"hash"`       // upper-case hex sha256 of tx
}

func makeVectors() []vector {
	specs := []struct {
		name, chain, typ, body string
		seq                    uint64
	}{
		{"update org", "gongxu-1", "member/update_org", `{"description":"looms and dye works"}`, 1},
		{"vote, large sequence", "gongxu-1", "member/vote", `{"proposal":7,"yes":true}`, 300},
		{"empty body object, other chain", "testnet-2", "member/update_org", `{}`, 128},
		{"unicode body", "gongxu-1", "member/update_org", `{"name":"供需纺织"}`, 16384},
	}
	var out []vector
	for i, s := range specs {
		seed := sha256.Sum256([]byte{byte(i)})
		key := ed25519.NewKeyFromSeed(seed[:])
		tx := gongxu.SignTx(s.chain, key, s.typ, []byte(s.body), s.seq)
		raw := tx.Encode()
		out = append(out, vector{
			Name: s.name, Seed: hex.EncodeToString(seed[:]), ChainID: s.chain, Type: s.typ, Body: s.body, Sequence: s.seq,
			PubKey: hex.EncodeToString(tx.Signer), SignBytes: hex.EncodeToString(gongxu.SignBytes(s.chain, tx.Unsigned())),
			Signature: hex.EncodeToString(tx.Signature), Tx: hex.EncodeToString(raw), Hash: gongxu.TxHash(raw),
		})
	}
	return out
}

// TestWireVectors keeps testdata/wire/vectors.json true, and checks that each
// vector decodes back to its fields and verifies.
func TestWireVectors(t *testing.T) {
	got, _ := json.MarshalIndent(makeVectors(), "", "  ")
	got = append(got, '\n')
	const path = "testdata/wire/vectors.json"
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is out of date or the wire format changed; run go test -run TestWireVectors -update . if the change is intended", path)
	}
	var vs []vector
	if err := json.Unmarshal(want, &vs); err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		raw, _ := hex.DecodeString(v.Tx)
		tx, unsigned, err := gongxu.DecodeTx(raw, 0)
		if err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if tx.Type != v.Type || string(tx.Body) != v.Body || tx.Sequence != v.Sequence || hex.EncodeToString(tx.Signer) != v.PubKey {
			t.Fatalf("%s: decoded fields differ", v.Name)
		}
		sb := gongxu.SignBytes(v.ChainID, unsigned)
		if hex.EncodeToString(sb) != v.SignBytes || !ed25519.Verify(tx.Signer, sb, tx.Signature) {
			t.Fatalf("%s: signature does not verify over the sign bytes", v.Name)
		}
	}
}

func TestDecodeRejectsNonCanonical(t *testing.T) {
	key := ed25519.NewKeyFromSeed(make([]byte, 32))
	raw := gongxu.SignTx("c", key, "member/vote", []byte(`{}`), 1).Encode()
	// Re-encode the type length 11 as a two-byte uvarint (0x8b 0x00).
	bad := append([]byte{raw[0], 0x8b, 0x00}, raw[2:]...)
	if _, _, err := gongxu.DecodeTx(bad, 0); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Fatalf("non-canonical length accepted: %v", err)
	}
	for _, typ := range []string{"ab", "Member/Vote", "member vote", string(make([]byte, 65))} {
		raw := gongxu.SignTx("c", key, typ, []byte(`{}`), 1).Encode()
		if _, _, err := gongxu.DecodeTx(raw, 0); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Fatalf("type %q accepted: %v", typ, err)
		}
	}
}

// FuzzDecodeTx: decoding never panics, and whatever decodes re-encodes to
// exactly the same bytes (one encoding per transaction).
func FuzzDecodeTx(f *testing.F) {
	for _, v := range makeVectors() {
		raw, _ := hex.DecodeString(v.Tx)
		f.Add(raw)
	}
	f.Add([]byte{})
	f.Add([]byte{1, 0x80})
	f.Fuzz(func(t *testing.T, raw []byte) {
		tx, unsigned, err := gongxu.DecodeTx(raw, 1<<20)
		if err != nil {
			if gongxu.ErrorKind(err) == gongxu.KindInternal {
				t.Fatalf("decode error without a kind: %v", err)
			}
			return
		}
		if !bytes.Equal(tx.Encode(), raw) || !bytes.Equal(unsigned, raw[:len(raw)-gongxu.SignatureSize]) {
			t.Fatalf("re-encoding differs")
		}
	})
}
