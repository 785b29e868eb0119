package pool_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

func codecLeaves(n, idLen int) []pool.Leaf {
	ls := make([]pool.Leaf, n)
	vs := []string{"", "l", "m", "s"}
	for i := range ls {
		id := fmt.Sprintf("%064x", i*7919+1)[64-idLen:]
		ls[i] = pool.Leaf{ID: id, Variant: vs[i%len(vs)], Qty: gongxu.Units(1 + i%5), Commit: fmt.Sprintf("%064x", i+1<<40)}
	}
	return ls
}

func TestLeafCodecRoundTrip(t *testing.T) {
	for _, idLen := range []int{pool.MinLeafID, 17, 33, pool.MaxLeafID} {
		for _, n := range []int{1, 2, 3, 7, pool.MaxLeaves} {
			ls := codecLeaves(n, idLen)
			b, err := pool.EncodeLeaves(ls)
			if err != nil {
				t.Fatalf("encode %d×%d: %v", n, idLen, err)
			}
			got, err := pool.DecodeLeaves(b)
			if err != nil {
				t.Fatalf("decode %d×%d: %v", n, idLen, err)
			}
			if !reflect.DeepEqual(got, ls) {
				t.Fatalf("%d×%d: round trip changed the leaves", n, idLen)
			}
			// One meaning: the packed batch's receipts are the JSON batch's.
			if n <= 7 {
				a := pool.Receipts("T", 3, "hub", ls)
				c := pool.Receipts("T", 3, "hub", got)
				if !reflect.DeepEqual(a, c) {
					t.Fatal("receipts differ between the forms")
				}
				for _, r := range c {
					if err := pool.VerifyReceipt(r); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	}
	// 64-hex ids: 70 bytes a leaf, under half the JSON object.
	ls := codecLeaves(2000, 64)
	b, _ := pool.EncodeLeaves(ls)
	js, _ := json.Marshal(ls)
	if per := float64(len(b)) / 2000; per > 70.1 || float64(len(js))/float64(len(b)) < 2 {
		t.Fatalf("packed %.1f bytes a leaf, JSON %.1f", per, float64(len(js))/2000)
	}
}

func TestLeafCodecRefuses(t *testing.T) {
	one, err := pool.EncodeLeaves([]pool.Leaf{{ID: strings.Repeat("a", 17), Variant: "m", Qty: 2, Commit: strings.Repeat("c", 64)}})
	if err != nil {
		t.Fatal(err)
	}
	// one: 01 | 01 01 'm' | 00 01 | 11 <9 id bytes> | 00 | 00000002 | <32>
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), one...)) }
	cases := map[string][]byte{
		"empty":           {},
		"version":         mut(func(b []byte) []byte { b[0] = 2; return b }),
		"no variants":     mut(func(b []byte) []byte { b[1] = 0; return b }),
		"zero leaves":     mut(func(b []byte) []byte { b[5] = 0; return b }),
		"too many leaves": mut(func(b []byte) []byte { b[4], b[5] = 0xff, 0xff; return b }),
		"count > content": mut(func(b []byte) []byte { b[5] = 2; return b }),
		"short id":        mut(func(b []byte) []byte { b[6] = 15; return b }),
		"long id":         mut(func(b []byte) []byte { b[6] = 65; return b }),
		"padding nibble":  mut(func(b []byte) []byte { b[15] |= 0x01; return b }),
		"variant index":   mut(func(b []byte) []byte { b[16] = 1; return b }),
		"zero qty":        mut(func(b []byte) []byte { b[20] = 0; return b }),
		"trailing byte":   mut(func(b []byte) []byte { return append(b, 0) }),
		"truncated":       mut(func(b []byte) []byte { return b[:len(b)-1] }),
		"unsorted table":  append([]byte{1, 2, 1, 'm', 1, 'a'}, one[4:]...),
		"duplicate entry": append([]byte{1, 2, 1, 'm', 1, 'm'}, one[4:]...),
		"unused variant":  append([]byte{1, 2, 1, 'm', 1, 'z'}, one[4:]...),
		"long variant":    append(append([]byte{1, 1, 65}, bytes.Repeat([]byte{'m'}, 65)...), one[4:]...),
	}
	for name, b := range cases {
		if _, err := pool.DecodeLeaves(b); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%s: got %v, want KindInvalid", name, err)
		}
	}
	good := base64.StdEncoding.EncodeToString(one)
	if _, err := pool.UnpackLeaves(good); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]string{
		"line break":   good[:8] + "\n" + good[8:],
		"raw (no pad)": base64.RawStdEncoding.EncodeToString(one),
		"url alphabet": strings.NewReplacer("+", "-", "/", "_").Replace(base64.StdEncoding.EncodeToString(append(one, 0xfb, 0xff))),
		"oversized":    strings.Repeat("A", base64.StdEncoding.EncodedLen(pool.MaxPackedBytes)+4),
	} {
		if _, err := pool.UnpackLeaves(s); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("%s: got %v, want KindInvalid", name, err)
		}
	}
	// Encoding refuses what the packed form cannot carry.
	for name, ls := range map[string][]pool.Leaf{
		"no leaves":  nil,
		"upper hex":  {{ID: strings.Repeat("A", 16), Qty: 1, Commit: strings.Repeat("c", 64)}},
		"big qty":    {{ID: strings.Repeat("a", 16), Qty: 1 << 32, Commit: strings.Repeat("c", 64)}},
		"bad commit": {{ID: strings.Repeat("a", 16), Qty: 1, Commit: "cc"}},
	} {
		if _, err := pool.EncodeLeaves(ls); gongxu.ErrorKind(err) != gongxu.KindInvalid {
			t.Errorf("encode %s: got %v, want KindInvalid", name, err)
		}
	}
}

func TestBatchPackedValidateBasic(t *testing.T) {
	ls := codecLeaves(5, 32)
	packed, err := pool.PackLeaves(ls)
	if err != nil {
		t.Fatal(err)
	}
	m := &pool.MsgBatch{Pool: 1, Packed: packed}
	if err := m.ValidateBasic(); err != nil {
		t.Fatal(err)
	}
	if m.Packed != "" || !reflect.DeepEqual(m.Leaves, ls) {
		t.Fatal("ValidateBasic did not unpack the leaves")
	}
	if err := (&pool.MsgBatch{Pool: 1, Packed: packed, Leaves: ls[:1]}).ValidateBasic(); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Fatalf("both forms: %v", err)
	}
	// The batch's own rules hold in the packed form: duplicate ids, shared
	// commitments.
	dup := append(codecLeaves(3, 32), codecLeaves(1, 32)...)
	p2, _ := pool.PackLeaves(dup)
	if err := (&pool.MsgBatch{Pool: 1, Packed: p2}).ValidateBasic(); err == nil || !strings.Contains(err.Error(), "appears twice") {
		t.Fatalf("duplicate leaf: %v", err)
	}
}

// FuzzDecodeLeaves: any blob either is refused or decodes to leaves that
// encode back to exactly the same bytes (one meaning).
func FuzzDecodeLeaves(f *testing.F) {
	for _, n := range []int{1, 3, 9} {
		b, _ := pool.EncodeLeaves(codecLeaves(n, 16+n))
		f.Add(b)
	}
	f.Add([]byte{1, 1, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		ls, err := pool.DecodeLeaves(b)
		if err != nil {
			if gongxu.ErrorKind(err) != gongxu.KindInvalid {
				t.Fatalf("error of kind %v: %v", gongxu.ErrorKind(err), err)
			}
			return
		}
		again, err := pool.EncodeLeaves(ls)
		if err != nil {
			t.Fatalf("decoded leaves do not encode: %v", err)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("two byte strings for one list of leaves:\n%x\n%x", b, again)
		}
	})
}

// TestBatchDecodedOnceSameVerdicts: a node that judged the batches in its
// mempool first (the decoded-message cache then serves FinalizeBlock) ends
// each block on the app hash of a node that never saw them, JSON and packed.
func TestBatchDecodedOnceSameVerdicts(t *testing.T) {
	o := defaultOpen()
	o.Cap = 1 << 40
	seen := setup(t, 2, 1_000_000_000, o)
	fresh := setup(t, 2, 1_000_000_000, o)
	for blk := range 3 {
		var txs [][]byte
		for i, form := range []string{"json", "packed", "packed"} {
			ls := codecLeaves(50, 16+blk)
			if i == 2 {
				ls = append(ls, ls[0]) // refused: a duplicate leaf, in both nodes
			}
			for j := range ls {
				ls[j].ID = fmt.Sprintf("%x%s", blk*3+i, ls[j].ID[1:])
				ls[j].Variant = []string{"s", "m", "l"}[j%3]
			}
			m := pool.MsgBatch{Pool: 1, Leaves: ls}
			if form == "packed" {
				p, err := pool.PackLeaves(ls)
				if err != nil {
					t.Fatal(err)
				}
				m = pool.MsgBatch{Pool: 1, Packed: p}
			}
			body, _ := json.Marshal(m)
			raw := seen.SignRaw(hubName(i%2), pool.TypeBatch, body)
			fresh.SignRaw(hubName(i%2), pool.TypeBatch, body)
			seen.App.CheckTx(raw)
			txs = append(txs, raw)
		}
		a, b := seen.Block(txs...), fresh.Block(txs...)
		for _, h := range []*chaintest.Harness{seen, fresh} {
			h.ResetSeq(hubName(0)) // the refused batch consumed no sequence
		}
		if !bytes.Equal(a.AppHash, b.AppHash) {
			t.Fatalf("block %d: app hash %x after CheckTx, %x without", blk, a.AppHash, b.AppHash)
		}
		for i := range a.Txs {
			if a.Txs[i].Code != b.Txs[i].Code || a.Txs[i].Log != b.Txs[i].Log {
				t.Fatalf("block %d tx %d: %d %q against %d %q", blk, i, a.Txs[i].Code, a.Txs[i].Log, b.Txs[i].Code, b.Txs[i].Log)
			}
		}
		if a.Txs[0].Code != 0 || a.Txs[1].Code != 0 || a.Txs[2].Code == 0 {
			t.Fatalf("block %d: verdicts %d %d %d: %s", blk, a.Txs[0].Code, a.Txs[1].Code, a.Txs[2].Code, a.Txs[0].Log)
		}
	}
}
