package chain

import (
	"crypto/ed25519"
	"testing"

	"github.com/gongxu-network/gongxu"
)

// TestCheckedTxs: the cache of checked txs holds only txs whose signature
// verified, keyed by their bytes' hash, and forgets the oldest first.
func TestCheckedTxs(t *testing.T) {
	c := newCheckedTxs(2)
	k := func(b byte) [32]byte { return txKey([]byte{b}) }
	c.add(k(1), checkedTx{})
	c.add(k(2), checkedTx{})
	c.add(k(2), checkedTx{}) // again: no second slot
	c.add(k(3), checkedTx{})
	if _, ok := c.get(k(1)); ok {
		t.Error("the oldest entry stayed past the bound")
	}
	for _, b := range []byte{2, 3} {
		if _, ok := c.get(k(b)); !ok {
			t.Errorf("entry %d is gone", b)
		}
	}

	a := &App{cfg: Config{ChainID: "c"}, sigs: newSigCache(8), checked: newCheckedTxs(8)}
	_, priv, _ := ed25519.GenerateKey(nil)
	good := gongxu.SignTx("c", priv, "member/update_org", []byte(`{}`), 1).Encode()
	bad := append([]byte(nil), good...)
	bad[len(bad)-1] ^= 1 // the signature's last byte
	if d := a.decodeVerified(bad, 0); d.err != nil || d.sigValid {
		t.Fatalf("a bad signature: err %v, valid %v", d.err, d.sigValid)
	}
	if d := a.decodeVerified(good, 0); d.err != nil || !d.sigValid {
		t.Fatalf("a good signature: err %v, valid %v", d.err, d.sigValid)
	}
	// Only CheckTx's acceptance fills the cache; once there, a tx over a
	// lowered size limit is decoded again and refused.
	d := a.decodeVerified(good, 0)
	a.checked.add(d.key, checkedTx{tx: d.tx, signMsg: d.signMsg})
	if d := a.decodeVerified(good, 0); !d.sigValid || d.tx == nil || d.hash != gongxu.TxHash(good) {
		t.Fatalf("from the cache: %+v", d)
	}
	if d := a.decodeVerified(good, len(good)-1); gongxu.ErrorKind(d.err) != gongxu.KindTooLarge {
		t.Fatalf("over the limit: %v", d.err)
	}
	if d := a.decodeVerified(bad, 0); d.sigValid {
		t.Fatal("a bad signature after the good one was cached")
	}
}
