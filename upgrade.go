package gongxu

// AppVersion is the version of the state machine a network starts at when its
// genesis names none (CometBFT's consensus_params.version.app is 0). A
// network moves to a later version only at a height its members scheduled
// (ProposalScheduleUpgrade), with a binary that registers that version's
// migration; the version in force is kept in the state (AppVersionInfo: a
// state without a record is at the first version, 1, so a genesis at version 1
// has the app hash it had before versions were recorded) and reported in ABCI
// Info.
const AppVersion uint64 = 1

// AppVersionInfo is the state machine version a state is at.
type AppVersionInfo struct {
	Version uint64 `json:"version"`
	Name    string `json:"name"`   // "genesis", or the name of the upgrade that set it
	Height  int64  `json:"height"` // the height it rules from (0: genesis)
}

// GenesisVersionName names the version a chain starts at.
const GenesisVersionName = "genesis"

// The proposal kinds of upgrades: schedule_upgrade names a plan, and
// cancel_upgrade withdraws the scheduled plan of that name.
const (
	ProposalScheduleUpgrade ProposalKind = "schedule_upgrade"
	ProposalCancelUpgrade   ProposalKind = "cancel_upgrade"
)

// Bounds of an upgrade plan.
const (
	// MaxUpgradeNameLen bounds the name of an upgrade.
	MaxUpgradeNameLen = 64
	// MaxUpgradeDelay is how many blocks ahead an upgrade may be scheduled
	// (about 11 days at one block a second): far enough for operators to
	// install a binary, near enough that a forgotten plan does not lurk.
	MaxUpgradeDelay int64 = 1_000_000
)

// UpgradePlan is a scheduled upgrade: at Height, before the block executes,
// the network's state machine moves to Version by the migration registered
// under Name. A binary without it stops there and says which it needs.
type UpgradePlan struct {
	Name    string `json:"name"`
	Version uint64 `json:"version"`
	Height  int64  `json:"height"`
}

// Validate checks a plan without state: a name of 1 to MaxUpgradeNameLen
// characters of a-z, 0-9, '.', '-' and '_' starting with a letter or digit,
// a version of 2 or more, a positive height. Errors: KindInvalid.
func (p UpgradePlan) Validate() error {
	if err := ValidateUpgradeName(p.Name); err != nil {
		return err
	}
	if p.Version <= AppVersion {
		return Errorf(KindInvalid, "upgrade %s: version must be %d or more, got %d", p.Name, AppVersion+1, p.Version)
	}
	if p.Height <= 0 {
		return Errorf(KindInvalid, "upgrade %s: height must be positive, got %d", p.Name, p.Height)
	}
	return nil
}

// ValidateUpgradeName checks an upgrade's name. Errors: KindInvalid.
func ValidateUpgradeName(name string) error {
	if name == "" || len(name) > MaxUpgradeNameLen {
		return Errorf(KindInvalid, "an upgrade needs a name of 1 to %d characters", MaxUpgradeNameLen)
	}
	for i, r := range name {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
		case (r == '.' || r == '-' || r == '_') && i > 0:
		default:
			return Errorf(KindInvalid, "upgrade name %q may hold only a-z, 0-9, '.', '-' and '_', starting with a letter or digit", name)
		}
	}
	return nil
}

// EventUpgrade is emitted in the block where an upgrade ran: name, version,
// height, json (AppVersionInfo).
const EventUpgrade = "chain.upgrade"
