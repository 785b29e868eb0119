//go:build !gongxu_upgradetest

package modules

import "github.com/gongxu-network/gongxu/internal/chain"

// testUpgrades is empty in a release build (see upgrades_testtag.go).
func (*Set) testUpgrades() []chain.Upgrade { return nil }
