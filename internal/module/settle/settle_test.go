package settle_test

import (
	"fmt"
	"strconv"
	"testing"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain/chaintest"
	"github.com/gongxu-network/gongxu/internal/module/settle"
)

// TestScenarios runs testdata/scenarios/*.txtar; besides chaintest's
// commands: "balance ACCOUNT CUR AMOUNT" ($key(NAME) allowed in ACCOUNT),
// "supply CUR AMOUNT", and "invariant" (money neither created nor destroyed).
func TestScenarios(t *testing.T) {
	chaintest.RunScenarios(t, "testdata/scenarios/*.txtar", map[string]chaintest.Check{
		"supply": func(h *chaintest.Harness, args []string) error {
			s, err := h.Mods.Settle.Supply(h.State, args[0])
			if err != nil || strconv.FormatInt(int64(s), 10) != args[1] {
				return fmt.Errorf("supply %d (%v)", s, err)
			}
			return nil
		},
	})
}

func TestAccounts(t *testing.T) {
	for _, a := range []gongxu.AccountID{settle.OrgAccount("hub-a"), settle.KeyAccount(chaintest.PubKey("c")), settle.EscrowAccount(7), settle.CapturedAccount(12), gongxu.BondAccount(3)} {
		if err := settle.ValidateAccount(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, a := range []gongxu.AccountID{"org:", "key:abc", "escrow:0", "escrow:07", "bond:0", "bond:x", "bank:x", "orghub"} {
		if err := settle.ValidateAccount(a); err == nil {
			t.Errorf("%s accepted", a)
		}
	}
	for _, c := range []string{"cny", "CN", "C1Y", "EURO"} {
		if err := settle.ValidateCurrency(c); err == nil {
			t.Errorf("currency %s accepted", c)
		}
	}
}
