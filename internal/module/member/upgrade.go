package member

import (
	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// upgradeKey holds the scheduled upgrade (gongxu.UpgradePlan): one at a time.
var upgradeKey = []byte(prefix + "upgrade")

// ScheduledUpgrade implements chain.UpgradePlans: the plan governance
// scheduled; ok is false when none is.
func (*Module) ScheduledUpgrade(r store.Reader) (p gongxu.UpgradePlan, ok bool, err error) {
	ok, err = module.Load(r, upgradeKey, &p)
	return p, ok, err
}

// ClearUpgrade implements chain.UpgradePlans: the plan ran.
func (*Module) ClearUpgrade(ctx *module.Context, _ gongxu.UpgradePlan) error {
	return ctx.KV.Delete(upgradeKey)
}

// checkSchedule checks a plan against the state: its height is after this
// block and at most gongxu.MaxUpgradeDelay blocks ahead, its version is the
// one after the state's, and no other plan is scheduled. Errors:
// KindExpired for a height that has come, KindInvalid for one too far or a
// version out of turn, KindConflict when a plan is scheduled already.
func checkSchedule(ctx *module.Context, p gongxu.UpgradePlan) error {
	if p.Height <= ctx.Height {
		return gongxu.Errorf(gongxu.KindExpired, "upgrade %s: height %d has come (this block is %d); schedule it later", p.Name, p.Height, ctx.Height)
	}
	if p.Height-ctx.Height > gongxu.MaxUpgradeDelay {
		return gongxu.Errorf(gongxu.KindInvalid, "upgrade %s: height %d is %d blocks ahead; the limit is %d", p.Name, p.Height, p.Height-ctx.Height, gongxu.MaxUpgradeDelay)
	}
	cur, err := module.AppVersion(ctx.KV)
	if err != nil {
		return err
	}
	if p.Version != cur.Version+1 {
		return gongxu.Errorf(gongxu.KindInvalid, "upgrade %s: the network runs state machine version %d, so the next upgrade is version %d, not %d", p.Name, cur.Version, cur.Version+1, p.Version)
	}
	var s gongxu.UpgradePlan
	if ok, err := module.Load(ctx.KV, upgradeKey, &s); err != nil {
		return err
	} else if ok {
		return gongxu.Errorf(gongxu.KindConflict, "upgrade %s to version %d is already scheduled at height %d; cancel it first (cancel_upgrade)", s.Name, s.Version, s.Height)
	}
	return nil
}

// checkCancel checks that the upgrade named is the scheduled one. Errors:
// KindNotFound.
func checkCancel(r store.Reader, name string) error {
	var s gongxu.UpgradePlan
	ok, err := module.Load(r, upgradeKey, &s)
	if err != nil {
		return err
	}
	if !ok {
		return gongxu.Errorf(gongxu.KindNotFound, "no upgrade is scheduled")
	}
	if s.Name != name {
		return gongxu.Errorf(gongxu.KindNotFound, "the scheduled upgrade is %s, not %s", s.Name, name)
	}
	return nil
}

func scheduleUpgrade(ctx *module.Context, p gongxu.UpgradePlan) error {
	_, err := module.Save(ctx.KV, upgradeKey, p)
	return err
}

func cloneUpgrade(p *gongxu.UpgradePlan) *gongxu.UpgradePlan {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}
