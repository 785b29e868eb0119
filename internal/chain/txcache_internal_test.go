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
	k := func(b byte) [32]byte { return txKey([]byte{b}) }
	tx := &gongxu.Tx{Type: "x/y"}
	c.put(k(1), "", 100, tx, module.Route{}, nil)
	c.put(k(2), "", 100, tx, module.Route{}, &plainMsg{})
	c.put(k(3), "", 100, tx, module.Route{}, nil)
	c.put(k(3), "", 100, tx, module.Route{Type: "x/y"}, &onceMsg{}) // again: the message joins, no second slot
	// A kept message is charged its bytes again: the oldest entry leaves.
	if c.len() != 2 || c.bytes != 2*(100+txEntryOverhead)+100 {
		t.Fatalf("%d entries, %d bytes", c.len(), c.bytes)
	}
	if _, ok := c.get(k(1)); ok {
		t.Error("the oldest entry stayed past the bound when a message joined")
	}
	if e, _ := c.get(k(2)); e.msg != nil {
		t.Error("a message of a type that did not opt in was kept")
	}
	if e, _ := c.get(k(3)); e.msg == nil || e.route.Type != "x/y" {
		t.Errorf("the opted-in message was not kept: %+v", e)
	}
	c.put(k(4), "", 100, tx, module.Route{}, nil)
	if _, ok := c.get(k(2)); ok {
		t.Error("the oldest entry stayed past the bound")
	}
	c.put(k(5), "", 200+txEntryOverhead, tx, module.Route{}, nil) // needs the room of 3 (2 went for 4)
	for b, want := range map[byte]bool{2: false, 3: false, 4: true, 5: true} {
		if _, ok := c.get(k(b)); ok != want {
			t.Errorf("entry %d: present %v, want %v", b, ok, want)
		}
	}
	c.drop(k(5))
	if c.len() != 1 || c.bytes != 100+txEntryOverhead {
		t.Fatalf("after drop: %d entries, %d bytes", c.len(), c.bytes)
	}
	c.put(k(6), "", 4*(100+txEntryOverhead), tx, module.Route{}, nil) // larger than the whole cache: not kept
	if _, ok := c.get(k(6)); ok || c.len() != 1 {
		t.Error("an entry over the bound was kept")
	}
}

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
	if _, ok := a.txs.get(txKey(bad)); ok {
		t.Fatal("a tx whose signature failed was cached")
	}
	if d := a.decodeCached(good, 0); d.err != nil || d.sigValid || d.signMsg == nil {
		t.Fatalf("a miss: %+v", d)
	}
	if _, ok := a.txs.get(txKey(good)); ok {
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
