package chain

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
	"github.com/gongxu-network/gongxu/internal/store"
)

// Upgrade is a state machine version this binary knows how to reach: at the
// height governance scheduled for it (gongxu.UpgradePlan with the same
// Version and Name), before that block's transactions, Migrate changes the
// state from the layout of Version-1 to that of Version. Migrate must be
// deterministic like any block hook (block time, sorted iteration, no I/O);
// an error stops the node at that height, on every node alike.
//
// Code whose behaviour changes with a version reads the state's version
// (module.AppVersion), never the binary's: a new binary replays the blocks
// before the upgrade height exactly as the old one ran them.
type Upgrade struct {
	Version uint64
	Name    string
	Migrate func(ctx *module.Context) error
}

// UpgradePlans is where governance keeps the scheduled upgrade.
type UpgradePlans interface {
	// ScheduledUpgrade returns the scheduled plan; ok is false when none is.
	ScheduledUpgrade(r store.Reader) (p gongxu.UpgradePlan, ok bool, err error)
	// ClearUpgrade removes the plan once it ran.
	ClearUpgrade(ctx *module.Context, p gongxu.UpgradePlan) error
}

// UpgradeNeededError is the stop of a node whose binary does not have the
// version the network upgrades to at the block's height: nothing of that
// block was executed, and a binary that has it continues from there on the
// same home.
type UpgradeNeededError struct {
	Plan   gongxu.UpgradePlan
	Binary uint64 // the newest state machine version this binary runs
	Have   string // the name this binary registers for Plan.Version, if any
}

func (e *UpgradeNeededError) Error() string {
	why := "this binary runs state machine version " + strconv.FormatUint(e.Binary, 10) + " and has no migration to it"
	if e.Have != "" {
		why = fmt.Sprintf("this binary's version %d is the upgrade %q, not %q", e.Plan.Version, e.Have, e.Plan.Name)
	}
	return fmt.Sprintf("UPGRADE NEEDED at height %d: the network moves to state machine version %d (upgrade %q) there, and %s (gongxu %s). "+
		"The node stopped before executing block %d; install a gongxu binary with state machine version %d (%q) and start it on the same home",
		e.Plan.Height, e.Plan.Version, e.Plan.Name, why, gongxu.Version, e.Plan.Height, e.Plan.Version, e.Plan.Name)
}

// AsUpgradeNeeded reports whether err is (or wraps) an UpgradeNeededError.
func AsUpgradeNeeded(err error) (*UpgradeNeededError, bool) {
	var u *UpgradeNeededError
	ok := errors.As(err, &u)
	return u, ok
}

// BinaryVersion is the newest state machine version this binary runs:
// gongxu.AppVersion, or the last of its registered upgrades.
func (a *App) BinaryVersion() uint64 {
	v := gongxu.AppVersion
	for _, u := range a.cfg.Upgrades {
		v = max(v, u.Version)
	}
	return v
}

// AppVersion is the state machine version of the committed state (of
// genesis before the first block).
func (a *App) AppVersion() (gongxu.AppVersionInfo, error) {
	return module.AppVersion(a.latest())
}

// checkUpgrades checks the registered upgrades (versions after
// gongxu.AppVersion, one each, increasing by one, named, with a migration)
// and refuses a state whose version is newer than this binary's.
func (a *App) checkUpgrades() error {
	want := gongxu.AppVersion + 1
	for _, u := range a.cfg.Upgrades {
		if u.Version != want {
			return gongxu.Errorf(gongxu.KindInvalid, "registered upgrades must be versions %d, %d, … in order; got %d where %d was due", gongxu.AppVersion+1, gongxu.AppVersion+2, u.Version, want)
		}
		if err := gongxu.ValidateUpgradeName(u.Name); err != nil {
			return err
		}
		if u.Migrate == nil {
			return gongxu.Errorf(gongxu.KindInvalid, "upgrade %q has no migration", u.Name)
		}
		want++
	}
	v, err := module.AppVersion(a.state)
	if err != nil {
		return err
	}
	if bin := a.BinaryVersion(); v.Version > bin {
		return gongxu.Errorf(gongxu.KindConflict, "the state is at state machine version %d (upgrade %q at height %d), newer than this binary's version %d (gongxu %s): "+
			"start this home with a gongxu binary of state machine version %d or later", v.Version, v.Name, v.Height, bin, gongxu.Version, v.Version)
	}
	return nil
}

// genesisVersion is the version a chain starts at: the one its genesis
// names, or gongxu.AppVersion when it names none.
func (a *App) genesisVersion(named uint64) (gongxu.AppVersionInfo, error) {
	v := named
	if v == 0 {
		v = gongxu.AppVersion
	}
	if bin := a.BinaryVersion(); v > bin {
		return gongxu.AppVersionInfo{}, gongxu.Errorf(gongxu.KindConflict, "the genesis starts at state machine version %d; this binary (gongxu %s) runs version %d at most", v, gongxu.Version, bin)
	}
	return gongxu.AppVersionInfo{Version: v, Name: gongxu.GenesisVersionName}, nil
}

// upgradeAt runs the upgrade scheduled for block b, if any, on the block
// cache c before anything else of the block: the registered migration,
// then the new version record, and the plan is cleared. A binary without
// the plan's version returns an *UpgradeNeededError and changes nothing.
func (a *App) upgradeAt(c *store.Cache, b Block) ([]gongxu.Event, uint64, error) {
	if a.cfg.Plans == nil {
		return nil, 0, nil
	}
	plan, ok, err := a.cfg.Plans.ScheduledUpgrade(c)
	if err != nil || !ok || plan.Height > b.Height {
		return nil, 0, err
	}
	var up *Upgrade
	for i := range a.cfg.Upgrades {
		if a.cfg.Upgrades[i].Version == plan.Version {
			up = &a.cfg.Upgrades[i]
		}
	}
	if up == nil || up.Name != plan.Name {
		e := &UpgradeNeededError{Plan: plan, Binary: a.BinaryVersion()}
		if up != nil {
			e.Have = up.Name
		}
		return nil, 0, e
	}
	cur, err := module.AppVersion(c)
	if err != nil {
		return nil, 0, err
	}
	if plan.Version != cur.Version+1 {
		return nil, 0, fmt.Errorf("upgrade %q to version %d at height %d: the state is at version %d", plan.Name, plan.Version, b.Height, cur.Version)
	}
	br := c.Branch()
	ctx := &module.Context{KV: br, ChainID: a.cfg.ChainID, Height: b.Height, Time: b.Time, PrevAppHash: a.prevAppHash}
	if err := migrate(up, ctx); err != nil {
		return nil, 0, fmt.Errorf("upgrade %q to state machine version %d at height %d: the migration failed (every node stops here alike; a fixed binary must be released): %w", plan.Name, plan.Version, b.Height, err)
	}
	info := gongxu.AppVersionInfo{Version: plan.Version, Name: plan.Name, Height: b.Height}
	js, err := module.SetAppVersion(br, info)
	if err != nil {
		return nil, 0, err
	}
	if err := a.cfg.Plans.ClearUpgrade(ctx, plan); err != nil {
		return nil, 0, err
	}
	if err := br.Write(); err != nil {
		return nil, 0, err
	}
	ev := gongxu.NewEvent(gongxu.EventUpgrade, "name", plan.Name, "version", strconv.FormatUint(plan.Version, 10), "height", strconv.FormatInt(b.Height, 10), "json", string(js))
	a.log.Warn("state machine upgraded", "height", b.Height, "version", plan.Version, "name", plan.Name)
	return append(ctx.Events(), ev), plan.Version, nil
}

// migrate runs an upgrade's migration, a panic in it an error.
func migrate(up *Upgrade, ctx *module.Context) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return up.Migrate(ctx)
}
