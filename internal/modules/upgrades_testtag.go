//go:build gongxu_upgradetest

package modules

import (
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/chain"
	"github.com/gongxu-network/gongxu/internal/module"
)

// TestUpgradeName is the upgrade a gongxu_upgradetest build can run.
const TestUpgradeName = "v2-test-layout"

// testUpgrades, in a gongxu_upgradetest build only, is state machine
// version 2: a migration that changes the state's layout by writing a new
// key family, an index of every member org under "upgradetest/org/ID"
// (its name as the value), deterministically (orgs in id order). The app
// hashes of the nodes that ran it witness the change. The process test of
// upgrades (internal/testenv) builds a binary with this tag.
func (s *Set) testUpgrades() []chain.Upgrade {
	return []chain.Upgrade{{Version: 2, Name: TestUpgradeName, Migrate: func(ctx *module.Context) error {
		orgs, err := s.Member.Orgs(ctx.KV)
		if err != nil {
			return err
		}
		for _, o := range orgs {
			if err := ctx.KV.Set([]byte("upgradetest/org/"+string(o.ID)), []byte(o.Name)); err != nil {
				return err
			}
		}
		ctx.Emit(gongxu.NewEvent("upgradetest.indexed", "orgs", strconv.Itoa(len(orgs))))
		return nil
	}}}
}
