package modules

import "github.com/gongxu-network/gongxu/internal/chain"

// Upgrades are the state machine versions this binary can migrate to, in
// order (chain.Upgrade): each release that changes the state machine appends
// its version here with the migration from the one before, and keeps the
// earlier ones, so a node replaying from genesis crosses every upgrade
// height. The state machine of this release is gongxu.AppVersion and no
// upgrade has been released yet; the build tag gongxu_upgradetest adds a
// test version (upgrades_testtag.go) that the process tests of upgrades run.
func (s *Set) Upgrades() []chain.Upgrade {
	return append([]chain.Upgrade(nil), s.testUpgrades()...)
}
