package chain

import (
	"testing"

	"github.com/gongxu-network/gongxu"
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
