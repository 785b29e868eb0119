package chain

import (
	stded25519 "crypto/ed25519"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
)

// TestHashString: the chain hashes each tx once and spells the hash itself;
// it must be exactly gongxu.TxHash (CometBFT's), which the read model, the
// API and receipts use.
func TestHashString(t *testing.T) {
	for _, raw := range [][]byte{nil, []byte("x"), make([]byte, 1000)} {
		if got, want := hashString(txKey(raw)), gongxu.TxHash(raw); got != want {
			t.Fatalf("hashString = %s, gongxu.TxHash = %s", got, want)
		}
	}
}

// TestVerifyCachedKeys: verification through the cache of expanded keys,
// one by one and in batches, agrees with plain ZIP-215 verification on
// good and altered signatures and on the crafted cases where ZIP-215 differs
// from RFC 8032 (a small-order key, a non-canonical encoding), first and
// second time a key is seen.
func TestVerifyCachedKeys(t *testing.T) {
	var jobs []sigJob
	for i := range 4 {
		pub, priv, _ := stded25519.GenerateKey(nil)
		msg := []byte{byte(i), 'm'}
		sig := stded25519.Sign(priv, msg)
		bad := append([]byte(nil), sig...)
		bad[i] ^= 1
		jobs = append(jobs, sigJob{pub, msg, sig}, sigJob{pub, msg, bad}, sigJob{pub, []byte("other"), sig})
	}
	identity := make([]byte, 32)
	identity[0] = 1
	nonCanonical := []byte{0xee} // 2^255-19+1: y = 1 again, not reduced
	for range 30 {
		nonCanonical = append(nonCanonical, 0xff)
	}
	nonCanonical = append(nonCanonical, 0x7f)
	for _, a := range [][]byte{identity, nonCanonical} {
		for _, r := range [][]byte{identity, nonCanonical} {
			sig := append(append([]byte(nil), r...), make([]byte, 32)...) // R, s = 0
			jobs = append(jobs, sigJob{a, []byte("any"), sig})
		}
	}
	jobs = append(jobs, sigJob{make([]byte, 32), []byte("x"), make([]byte, 64)}, sigJob{[]byte{1, 2}, []byte("x"), make([]byte, 64)})
	want := make([]bool, len(jobs))
	valid := 0
	for i, j := range jobs {
		want[i] = len(j.pub) == ed25519.PublicKeySize && ed25519.VerifyWithOptions(j.pub, j.msg, j.sig, verifyOpts)
		if want[i] {
			valid++
		}
	}
	if valid < 4+4 {
		t.Fatalf("only %d valid cases: the crafted ones are not what ZIP-215 accepts", valid)
	}
	for round := range 2 { // the second round finds every key cached
		for i, j := range jobs {
			if got := verifyOne(j.pub, j.msg, j.sig); got != want[i] {
				t.Errorf("round %d, case %d: cached %v, plain %v", round, i, got, want[i])
			}
		}
		big := append(append(append([]sigJob(nil), jobs...), jobs...), jobs...)
		for len(big) < 64 {
			big = append(big, jobs...)
		}
		for i, got := range verifyBatch(big) {
			if got != want[i%len(jobs)] {
				t.Errorf("round %d, batch case %d: %v, plain %v", round, i, got, want[i%len(jobs)])
			}
		}
	}
}
