package chain

import (
	"crypto/rand"
	"crypto/sha256"
	"runtime"
	"sync"

	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519"
	"github.com/oasisprotocol/curve25519-voi/primitives/ed25519/extra/cache"
)

// verifyOpts are CometBFT's rules: ZIP-215, so batch and single verification
// agree on every signature, crafted ones included.
var verifyOpts = &ed25519.Options{Verify: ed25519.VerifyOptionsZIP_215}

// keys keeps the expanded form of recently used public keys (the point
// decompressed, its table precomputed: ~1.5 KiB each), as CometBFT does for
// its own signatures: a network has few signing keys, each signing many
// transactions, and an expanded key saves about a third of a verification.
// The verdict is the same with or without it (the same checks, cached with
// the key); an unexpandable key fails, as it fails to decompress uncached.
var keys = cache.NewVerifier(cache.NewLRUCache(keyCacheSize))

// keyCacheSize bounds the expanded keys kept: ~6 MiB.
const keyCacheSize = 4096

func verifyOne(pub, msg, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize {
		return false
	}
	return keys.VerifyWithOptions(ed25519.PublicKey(pub), msg, sig, verifyOpts)
}

type sigJob struct {
	pub, msg, sig []byte
}

// verifyBatch verifies jobs, in parallel chunks over the CPUs, each chunk as
// one batch; it returns one validity flag per job.
func verifyBatch(jobs []sigJob) []bool {
	out := make([]bool, len(jobs))
	if len(jobs) == 0 {
		return out
	}
	workers := runtime.GOMAXPROCS(0)
	if len(jobs) < 64 {
		workers = 1
	}
	chunk := (len(jobs) + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < len(jobs); lo += chunk {
		hi := min(lo+chunk, len(jobs))
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			if hi-lo == 1 {
				j := jobs[lo]
				out[lo] = verifyOne(j.pub, j.msg, j.sig)
				return
			}
			bv := ed25519.NewBatchVerifierWithCapacity(hi - lo)
			for _, j := range jobs[lo:hi] {
				keys.AddWithOptions(bv, ed25519.PublicKey(j.pub), j.msg, j.sig, verifyOpts)
			}
			_, valid := bv.Verify(rand.Reader)
			copy(out[lo:hi], valid)
		}(lo, hi)
	}
	wg.Wait()
	return out
}

func txKey(raw []byte) [32]byte { return sha256.Sum256(raw) }

// hashString is a tx hash as CometBFT and gongxu.TxHash spell it: upper-case
// hex, written in one allocation.
func hashString(k [32]byte) string {
	const digits = "0123456789ABCDEF"
	var b [64]byte
	for i, c := range k {
		b[2*i], b[2*i+1] = digits[c>>4], digits[c&15]
	}
	return string(b[:])
}
