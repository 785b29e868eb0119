package chain

import (
	"crypto/ed25519"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

type onceMsg struct{}

func (*onceMsg) ValidateBasic() error { return nil }
func (*onceMsg) DecodedOnce()         {}

type plainMsg struct{}

func (*plainMsg) ValidateBasic() error { return nil }

// TestTxCacheBound: one policy, oldest out first, within the byte bound; a
// dropped entry frees its charge; only types that opt in keep a message.
func TestTxCacheBound(t *testing.T) {
	c := newTxCache(3 * (100 + txEntryOverhead))
	txs := map[byte][]byte{}
	k := func(b byte, n int) []byte { // the tx numbered b, n bytes long
		if txs[b] == nil {
			txs[b] = make([]byte, n)
			txs[b][0] = b
		}
		return txs[b]
	}
	put := func(raw []byte, route module.Route, msg module.Msg) { c.put(c.key(raw), raw, "", tx0, route, msg) }
	get := func(b byte) (txEntry, bool) { return c.get(c.key(txs[b]), txs[b]) }
	put(k(1, 100), module.Route{}, nil)
	put(k(2, 100), module.Route{}, &plainMsg{})
	put(k(3, 100), module.Route{}, nil)
	put(k(3, 100), module.Route{Type: "x/y"}, &onceMsg{}) // again: the message joins, no second slot
	// A kept message is charged its bytes again: the oldest entry leaves.
	if c.len() != 2 || c.bytes != 2*(100+txEntryOverhead)+100 {
		t.Fatalf("%d entries, %d bytes", c.len(), c.bytes)
	}
	if _, ok := get(1); ok {
		t.Error("the oldest entry stayed past the bound when a message joined")
	}
	if e, _ := get(2); e.msg != nil {
		t.Error("a message of a type that did not opt in was kept")
	}
	if e, _ := get(3); e.msg == nil || e.route.Type != "x/y" {
		t.Errorf("the opted-in message was not kept: %+v", e)
	}
	put(k(4, 100), module.Route{}, nil)
	if _, ok := get(2); ok {
		t.Error("the oldest entry stayed past the bound")
	}
	put(k(5, 200+txEntryOverhead), module.Route{}, nil) // needs the room of 3 (2 went for 4)
	for b, want := range map[byte]bool{2: false, 3: false, 4: true, 5: true} {
		if _, ok := get(b); ok != want {
			t.Errorf("entry %d: present %v, want %v", b, ok, want)
		}
	}
	c.drop(c.key(txs[5]), txs[5])
	if c.len() != 1 || c.bytes != 100+txEntryOverhead {
		t.Fatalf("after drop: %d entries, %d bytes", c.len(), c.bytes)
	}
	put(k(6, 4*(100+txEntryOverhead)), module.Route{}, nil) // larger than the whole cache: not kept
	if _, ok := get(6); ok || c.len() != 1 {
		t.Error("an entry over the bound was kept")
	}
}

var tx0 = &gongxu.Tx{Type: "x/y"}

// TestTxCacheVerified: the cache holds only txs whose signature verified,
// keyed by their bytes' hash; a hit over a lowered size limit is decoded
// again and refused.
func TestTxCacheVerified(t *testing.T) {
	a := &App{cfg: Config{ChainID: "c"}, txs: newTxCache(1 << 20)}
	_, priv, _ := ed25519.GenerateKey(nil)
	good := gongxu.SignTx("c", priv, "member/update_org", []byte(`{}`), 1).Encode()
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1 // the signature's last byte
	if d := a.decodeVerified(bad, 0); d.err != nil || d.sigValid {
		t.Fatalf("a bad signature: err %v, valid %v", d.err, d.sigValid)
	}
	if _, ok := a.txs.get(a.txs.key(bad), bad); ok {
		t.Fatal("a tx whose signature failed was cached")
	}
	if d := a.decodeCached(good, 0); d.err != nil || d.sigValid || d.signMsg == nil {
		t.Fatalf("a miss: %+v", d)
	}
	if _, ok := a.txs.get(a.txs.key(good), good); ok {
		t.Fatal("decoding alone cached a tx")
	}
	if d := a.decodeVerified(good, 0); d.err != nil || !d.sigValid {
		t.Fatalf("a good signature: err %v, valid %v", d.err, d.sigValid)
	}
	if d := a.decodeCached(good, 0); !d.sigValid || d.tx == nil || d.hash != gongxu.TxHash(good) {
		t.Fatalf("from the cache: %+v", d)
	}
	if d := a.decodeCached(good, len(good)-1); gongxu.ErrorKind(d.err) != gongxu.KindTooLarge {
		t.Fatalf("over the limit: %v", d.err)
	}
	if d := a.decodeVerified(bad, 0); d.sigValid {
		t.Fatal("a bad signature after the good one was cached")
	}
}

// TestTxCacheCollision forces every transaction onto one key: an entry
// answers only for the bytes it was made for, so a transaction whose key
// collides with a verified one is never taken for it — its signature is
// verified (and a bad one refused), its hash and message are its own — and
// the newer of two colliding transactions takes the slot.
func TestTxCacheCollision(t *testing.T) {
	a := &App{cfg: Config{ChainID: "c"}, txs: newTxCache(1 << 20)}
	a.txs.hash = func([]byte) uint64 { return 7 } // every key collides
	_, priv, _ := ed25519.GenerateKey(nil)
	good := gongxu.SignTx("c", priv, "member/update_org", []byte(`{}`), 1).Encode()
	other := gongxu.SignTx("c", priv, "member/update_org", []byte(`{}`), 2).Encode()
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1 // the signature's last byte
	if d := a.decodeVerified(good, 0); !d.sigValid || d.hash != gongxu.TxHash(good) {
		t.Fatalf("good: %+v", d)
	}
	// The same key as good's, other bytes: not vouched for by good's entry.
	if d := a.decodeCached(bad, 0); d.sigValid || d.signMsg == nil || d.hash != gongxu.TxHash(bad) {
		t.Fatalf("a colliding tx was taken for the cached one: valid %v, hash %s", d.sigValid, d.hash)
	}
	if d := a.decodeVerified(bad, 0); d.sigValid {
		t.Fatal("a bad signature verified through a colliding entry")
	}
	if d := a.decodeCached(good, 0); !d.sigValid || d.hash != gongxu.TxHash(good) {
		t.Fatal("the bad tx displaced or altered the good one's entry")
	}
	// Another verified tx on the same key takes the slot.
	if d := a.decodeVerified(other, 0); !d.sigValid || d.hash != gongxu.TxHash(other) || d.tx.Sequence != 2 {
		t.Fatalf("other: %+v", d)
	}
	if a.txs.len() != 1 {
		t.Fatalf("%d entries under one key", a.txs.len())
	}
	if d := a.decodeCached(good, 0); d.sigValid || d.hash != gongxu.TxHash(good) || d.tx.Sequence != 1 {
		t.Fatalf("good after other took its slot: valid %v, hash %s", d.sigValid, d.hash)
	}
	if d := a.decodeCached(other, 0); !d.sigValid || d.hash != gongxu.TxHash(other) || d.tx.Sequence != 2 {
		t.Fatal("other's entry lost")
	}
	// Dropping good (executed) leaves other's entry alone.
	a.txs.drop(a.txs.key(good), good)
	if _, ok := a.txs.get(a.txs.key(other), other); !ok {
		t.Fatal("dropping a colliding tx removed another's entry")
	}
}
