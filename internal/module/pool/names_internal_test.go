package pool

import (
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// TestSettleNames keeps the account names and currency rule this
// module spells itself (it may not import settle) equal to settle's.
func TestSettleNames(t *testing.T) {
	const key = gongxu.PubKey("ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01ab01")
	pairs := [][2]gongxu.AccountID{
		{orgAccount("hub-a"), settle.OrgAccount("hub-a")},
		{keyAccount(key), settle.KeyAccount(key)},
		{escrowAccount(12), settle.EscrowAccount(12)},
		{capturedAccount(12), settle.CapturedAccount(12)},
	}
	for _, p := range pairs {
		if p[0] != p[1] {
			t.Errorf("account %q, settle says %q", p[0], p[1])
		}
	}
	for _, c := range []string{"CNY", "EUR", "cny", "CN", "CNYY", "C1Y", "", "ÄBC", "A Z"} {
		if (validateCurrency(c) == nil) != (settle.ValidateCurrency(c) == nil) {
			t.Errorf("currency %q: pool says %v, settle says %v", c, validateCurrency(c), settle.ValidateCurrency(c))
		}
	}
}
