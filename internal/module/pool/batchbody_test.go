package pool_test

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/pool"
)

func binaryBody(t testing.TB, poolID uint64, ls []pool.Leaf) []byte {
	t.Helper()
	b, err := pool.EncodeBatchBinary(poolID, ls)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBatchBinaryRoundTrip(t *testing.T) {
	for _, id := range []uint64{1, 123, 127, 128, 1 << 40, 1<<64 - 1} { // 123 is '{' as a one-byte uvarint
		for _, n := range []int{1, 3, pool.MaxLeaves} {
			ls := codecLeaves(n, 16+n%49)
			body := binaryBody(t, id, ls)
			if body[0] != pool.BatchBinaryVersion {
				t.Fatalf("first byte %#x", body[0])
			}
			var m pool.MsgBatch
			if err := m.DecodeBinary(body); err != nil {
				t.Fatal(err)
			}
			if m.Pool != id || m.Binary == nil || m.Leaves != nil || m.Packed != "" {
				t.Fatalf("decoded %d, %d binary bytes", m.Pool, len(m.Binary))
			}
			if err := m.ValidateBasic(); err != nil {
				t.Fatal(err)
			}
			if m.Binary != nil || !reflect.DeepEqual(m.Leaves, ls) {
				t.Fatal("ValidateBasic did not unpack the binary leaves")
			}
			// The readers' decoder gives the same batch for each form.
			packed, _ := pool.PackLeaves(ls)
			for _, form := range [][]byte{body, mustJSON(t, pool.MsgBatch{Pool: id, Leaves: ls}), mustJSON(t, pool.MsgBatch{Pool: id, Packed: packed})} {
				got, err := pool.DecodeBatchBody(form)
				if err != nil {
					t.Fatal(err)
				}
				if got.Pool != id || !reflect.DeepEqual(got.Leaves, ls) || got.Packed != "" || got.Binary != nil {
					t.Fatalf("DecodeBatchBody(%.20q) differs", form)
				}
			}
		}
	}
	// 64-hex ids: 70 bytes a leaf, nothing else but 1+uvarint+table+count.
	ls := codecLeaves(2000, 64)
	leavesOnly, _ := pool.EncodeLeaves(ls)
	if b := binaryBody(t, 5, ls); len(b) != 2+len(leavesOnly) {
		t.Fatalf("binary body %d bytes, packed leaves %d", len(b), len(leavesOnly))
	}
	if _, err := pool.EncodeBatchBinary(0, ls); gongxu.ErrorKind(err) != gongxu.KindInvalid {
		t.Fatalf("pool 0: %v", err)
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestBatchBinaryRefused: malformed binary bodies are refused before any
// handler runs, with a clear KindInvalid error, and change nothing: not the
// state, not the sequence.
func TestBatchBinaryRefused(t *testing.T) {
	h := setup(t, 1, 1_000_000_000, defaultOpen())
	good := binaryBody(t, 1, leaves(3, 1))
	mut := func(f func(b []byte) []byte) []byte { return f(append([]byte(nil), good...)) }
	big := append([]byte{pool.BatchBinaryVersion, 1}, make([]byte, pool.MaxPackedBytes+1)...)
	cases := map[string]struct {
		body []byte
		want string
	}{
		"version 2":           {mut(func(b []byte) []byte { b[0] = 2; return b }), "version 1"},
		"version 0":           {mut(func(b []byte) []byte { b[0] = 0; return b }), "version 1"},
		"non-minimal pool id": {append([]byte{1, 0x81, 0x00}, good[2:]...), "non-minimal pool id"},
		"zero pool as 0x80 0": {append([]byte{1, 0x80, 0x00}, good[2:]...), "non-minimal pool id"},
		"pool id runs off":    {[]byte{1, 0x81}, "malformed pool id"},
		"pool id overflows":   {append([]byte{1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, good[2:]...), "malformed pool id"},
		"only the version":    {[]byte{1}, "malformed pool id"},
		"no leaves":           {[]byte{1, 1}, "truncated"},
		"pool 0":              {append([]byte{1, 0}, good[2:]...), "pool id from 1"},
		"truncated":           {mut(func(b []byte) []byte { return b[:len(b)-1] }), "more bytes"},
		"trailing byte":       {mut(func(b []byte) []byte { return append(b, 0) }), "after the last leaf"},
		"trailing brace":      {mut(func(b []byte) []byte { return append(b, '}') }), "after the last leaf"},
		"oversized":           {big, "at most"},
		"leaf version 2":      {mut(func(b []byte) []byte { b[2] = 2; return b }), "version 2"},
		"JSON-looking":        {[]byte(` {"pool":1,"leaves":[]}`), "version 1"},
		"a JSON array":        {[]byte(`[1]`), "version 1"},
		"packed as JSON text": {[]byte(`{"pool":1,"packed":` + string(good[2:]) + `}`), "body"},
		"duplicate leaf":      {binaryBody(t, 1, append(leaves(2, 1), leaves(1, 1)...)), "appears twice"},
	}
	root := h.Root()
	seq := h.NextSeq(hubName(0))
	for name, c := range cases {
		r := h.Deliver(h.SignRaw(hubName(0), pool.TypeBatch, c.body))
		h.ResetSeq(hubName(0))
		if gongxu.Kind(r.Code) != gongxu.KindInvalid || !strings.Contains(r.Log, c.want) {
			t.Errorf("%s: %s %q, want invalid with %q", name, gongxu.Kind(r.Code), r.Log, c.want)
		}
	}
	if h.Root() != root || h.NextSeq(hubName(0)) != seq {
		t.Fatal("a refused body changed the state or consumed a sequence")
	}
	// Only the types that declare a binary body may have one: the same
	// bytes as another type's body are refused as before.
	r := h.Deliver(h.SignRaw(hubName(0), pool.TypeHubReduce, good))
	h.ResetSeq(hubName(0))
	if gongxu.Kind(r.Code) != gongxu.KindInvalid || !strings.Contains(r.Log, "must be a JSON object") {
		t.Fatalf("binary hub_reduce: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	chaintest.MustOK(t, h.Deliver(h.SignRaw(hubName(0), pool.TypeBatch, good)))
}

// TestBatchBinaryWhoMaySend: exactly who may send a JSON batch may send a
// binary one: not an org without the hub role, not a hub the pool does not
// list, not a replay.
func TestBatchBinaryWhoMaySend(t *testing.T) {
	o := defaultOpen()
	o.Hubs = []gongxu.OrgID{gongxu.OrgID(hubName(0))}
	h := setup(t, 2, 1_000_000_000, o)
	body := binaryBody(t, 1, leaves(4, 2))
	for _, c := range []struct {
		who  string
		kind gongxu.Kind
	}{{"factory-a", gongxu.KindUnauthorized}, {hubName(1), gongxu.KindUnauthorized}} {
		for _, b := range [][]byte{body, mustJSON(t, pool.MsgBatch{Pool: 1, Leaves: leaves(4, 2)})} {
			r := h.Deliver(h.SignRaw(c.who, pool.TypeBatch, b))
			if gongxu.Kind(r.Code) != c.kind {
				t.Fatalf("%s, %.1q body: %s %q, want %s", c.who, b, gongxu.Kind(r.Code), r.Log, c.kind)
			}
		}
	}
	tx := h.SignRaw(hubName(0), pool.TypeBatch, body)
	chaintest.MustOK(t, h.Deliver(tx))
	if r := h.Deliver(tx); gongxu.Kind(r.Code) != gongxu.KindSequence {
		t.Fatalf("replay: %s %q", gongxu.Kind(r.Code), r.Log)
	}
	// The same leaves again, fresh sequence: the verdict of the JSON form.
	r := h.Deliver(h.SignRaw(hubName(0), pool.TypeBatch, body))
	j := h.Deliver(h.SignRaw(hubName(0), pool.TypeBatch, mustJSON(t, pool.MsgBatch{Pool: 1, Leaves: leaves(4, 2)})))
	if r.Code != j.Code || r.Log != j.Log {
		t.Fatalf("repeated leaves: binary %d %q, JSON %d %q", r.Code, r.Log, j.Code, j.Log)
	}
}

// TestBatchBinarySameEffects: one batch sent as a JSON list, packed in
// base64 and as a binary body leaves the same state, the same events and
// the same receipts, up to the transaction hash (the state names a batch by
// it); a block mixing the forms on nodes that did and did not see them in
// their mempool ends on one app hash.
func TestBatchBinarySameEffects(t *testing.T) {
	ls := leaves(300, 7)
	packed, _ := pool.PackLeaves(ls)
	forms := map[string][]byte{
		"json":   mustJSON(t, pool.MsgBatch{Pool: 1, Leaves: ls}),
		"base64": mustJSON(t, pool.MsgBatch{Pool: 1, Packed: packed}),
		"binary": binaryBody(t, 1, ls),
	}
	type outcome struct {
		state  map[string]string
		events string
		rcpts  string
	}
	var first *outcome
	for _, name := range []string{"json", "base64", "binary"} {
		h := setup(t, 1, 1_000_000_000, defaultOpen())
		res := mustBlock(t, h, h.SignRaw(hubName(0), pool.TypeBatch, forms[name]))
		tx := res.Txs[0].Hash
		hide := strings.NewReplacer(tx, "TX", strings.ToLower(tx), "tx")
		got := outcome{state: map[string]string{}}
		for k, v := range h.Dump() {
			got.state[hide.Replace(k)] = hide.Replace(v)
		}
		ev, _ := json.Marshal(res.Txs[0].Events)
		got.events = hide.Replace(string(ev))
		rc, _ := json.Marshal(pool.Receipts(tx, 1, gongxu.OrgID(hubName(0)), ls))
		got.rcpts = hide.Replace(string(rc))
		b, err := h.Mods.Pool.Batch(h.State, 1, tx)
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range pool.Receipts(tx, 1, gongxu.OrgID(hubName(0)), ls)[:5] {
			if r.Root != b.Root || pool.VerifyReceipt(r) != nil {
				t.Fatalf("%s: receipt %d does not verify against the ledger's root", name, i)
			}
		}
		if first == nil {
			first = &got
			continue
		}
		if !reflect.DeepEqual(got.state, first.state) {
			for k, v := range got.state {
				if first.state[k] != v {
					t.Errorf("%s: state %q = %.80q, json form %.80q", name, k, v, first.state[k])
				}
			}
			t.Fatalf("%s: the state differs from the JSON form's (%d against %d keys)", name, len(got.state), len(first.state))
		}
		if got.events != first.events || got.rcpts != first.rcpts {
			t.Fatalf("%s: events or receipts differ from the JSON form's", name)
		}
	}

	// Mixed forms in one block, a node that checked them first against one
	// that did not (the decoded-message cache): one app hash, same verdicts.
	seen := setup(t, 2, 1_000_000_000, defaultOpen())
	fresh := setup(t, 2, 1_000_000_000, defaultOpen())
	var txs [][]byte
	for i, form := range []string{"binary", "json", "binary", "base64"} {
		ls := leaves(40, 100+i)
		var body []byte
		switch form {
		case "binary":
			body = binaryBody(t, 1, ls)
		case "json":
			body = mustJSON(t, pool.MsgBatch{Pool: 1, Leaves: ls})
		default:
			p, _ := pool.PackLeaves(ls)
			body = mustJSON(t, pool.MsgBatch{Pool: 1, Packed: p})
		}
		raw := seen.SignRaw(hubName(i%2), pool.TypeBatch, body)
		fresh.SignRaw(hubName(i%2), pool.TypeBatch, body)
		seen.App.CheckTx(raw)
		txs = append(txs, raw)
	}
	a, b := seen.Block(txs...), fresh.Block(txs...)
	if !bytes.Equal(a.AppHash, b.AppHash) {
		t.Fatalf("app hash %x after CheckTx, %x without", a.AppHash, b.AppHash)
	}
	for i := range a.Txs {
		if a.Txs[i].Code != 0 || b.Txs[i].Code != 0 {
			t.Fatalf("tx %d: %q %q", i, a.Txs[i].Log, b.Txs[i].Log)
		}
	}
}

// FuzzBatchBinaryBody: any body is refused with KindInvalid or decodes to a
// batch whose binary encoding is exactly the body, whose leaves are those
// of the same blob in base64, and which the chain's decoder gives too.
func FuzzBatchBinaryBody(f *testing.F) {
	for _, n := range []int{1, 3, 9} {
		b, _ := pool.EncodeBatchBinary(uint64(n*41), codecLeaves(n, 16+n))
		f.Add(b)
	}
	f.Add([]byte{1, 0x80, 0x01, 1, 1, 0, 0, 1})
	f.Add([]byte{1})
	f.Add([]byte(`{"pool":1}`))
	app := chaintest.New(f, hubOrgs(1)...).App
	f.Fuzz(func(t *testing.T, body []byte) {
		var m pool.MsgBatch
		err := m.DecodeBinary(body)
		if err == nil {
			err = m.Unpack()
		}
		viaChain, cerr := app.DecodeMsg(pool.TypeBatch, body)
		if err != nil {
			if gongxu.ErrorKind(err) != gongxu.KindInvalid {
				t.Fatalf("error of kind %v: %v", gongxu.ErrorKind(err), err)
			}
			if len(body) > 0 && body[0] != '{' && cerr == nil {
				t.Fatalf("the chain took a body the decoder refuses: %x", body)
			}
			return
		}
		if m.Pool == 0 {
			if cerr == nil {
				t.Fatal("the chain took a batch for pool 0")
			}
			return
		}
		again, err := pool.EncodeBatchBinary(m.Pool, m.Leaves)
		if err != nil {
			t.Fatalf("decoded batch does not encode: %v", err)
		}
		if !bytes.Equal(again, body) {
			t.Fatalf("two byte strings for one batch:\n%x\n%x", body, again)
		}
		_, n := binary.Uvarint(body[1:])
		b64, err := pool.UnpackLeaves(base64.StdEncoding.EncodeToString(body[1+n:]))
		if err != nil || !reflect.DeepEqual(b64, m.Leaves) {
			t.Fatalf("the base64 form of the same blob: %v", err)
		}
		if cerr == nil {
			if c := viaChain.(*pool.MsgBatch); c.Pool != m.Pool || !reflect.DeepEqual(c.Leaves, m.Leaves) {
				t.Fatal("the chain decoded another batch")
			}
		} else if !strings.Contains(cerr.Error(), "leaf") { // the batch's rules: distinct ids and commitments, variant ids
			t.Fatalf("the chain refuses a well-formed batch for its form: %v", cerr)
		}
	})
}
