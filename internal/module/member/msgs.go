package member

import (
	"strings"

	"github.com/gongxu-network/gongxu"
)

// Message types.
const (
	TypeUpdateOrg = "member/update_org"
	TypeAddKey    = "member/add_key"
	TypeRemoveKey = "member/remove_key"
	TypePropose   = "member/propose"
	TypeVote      = "member/vote"
	TypeSealKey   = "member/seal_key"
)

// Limits on text fields.
const (
	MaxName        = 128
	MaxDescription = 2000
	MaxContact     = 256
	MaxTitle       = 200
	// MaxPrefixes bounds the GS1 company prefixes of one org or proposal.
	MaxPrefixes = 64
)

// MsgUpdateOrg changes the signer's own org profile. Empty fields are kept.
type MsgUpdateOrg struct {
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Contact     string `json:"contact,omitempty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgUpdateOrg) ValidateBasic() error {
	if m.Name == "" && m.Description == "" && m.Contact == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "update_org changes nothing: give a name, description or contact")
	}
	return checkText(m.Name, m.Description, m.Contact)
}

// DecodedOnce marks MsgUpdateOrg for the chain's transaction cache
// (internal/chain/txcache.go): nothing after ValidateBasic changes it
// (handleUpdateOrg only reads it), so each node decodes it once and reuses
// it in recheck, PrepareProposal, ProcessProposal and FinalizeBlock.
func (*MsgUpdateOrg) DecodedOnce() {}

func checkText(name, desc, contact string) error {
	if len(name) > MaxName {
		return gongxu.Errorf(gongxu.KindInvalid, "name is %d bytes, the limit is %d", len(name), MaxName)
	}
	if len(desc) > MaxDescription {
		return gongxu.Errorf(gongxu.KindInvalid, "description is %d bytes, the limit is %d", len(desc), MaxDescription)
	}
	if len(contact) > MaxContact {
		return gongxu.Errorf(gongxu.KindInvalid, "contact is %d bytes, the limit is %d", len(contact), MaxContact)
	}
	return nil
}

// MsgAddKey adds a signing key to the signer's org.
type MsgAddKey struct {
	Key gongxu.PubKey `json:"key"`
}

// ValidateBasic implements module.Msg.
func (m *MsgAddKey) ValidateBasic() error { return m.Key.Validate() }

// MsgRemoveKey removes a signing key from the signer's org (never the last).
type MsgRemoveKey struct {
	Key gongxu.PubKey `json:"key"`
}

// ValidateBasic implements module.Msg.
func (m *MsgRemoveKey) ValidateBasic() error { return m.Key.Validate() }

// MsgSealKey registers (or rotates) the signer's org's seal key: the X25519
// public key others seal its private terms to. Terms sealed to an earlier key
// stay readable with that key's private half, which the org's node keeps.
type MsgSealKey struct {
	Key gongxu.SealKey `json:"key"`
}

// ValidateBasic implements module.Msg.
func (m *MsgSealKey) ValidateBasic() error { return m.Key.Validate() }

// MsgPropose opens a governance proposal; the proposer's org votes yes.
type MsgPropose struct {
	Kind   gongxu.ProposalKind `json:"kind"`
	Title  string              `json:"title"`
	Org    *gongxu.Org         `json:"org,omitempty"`     // admit_org: id, name, roles, keys
	Target gongxu.OrgID        `json:"target,omitempty"`  // remove_org, add_validator
	PubKey gongxu.PubKey       `json:"pub_key,omitempty"` // add_validator, remove_validator
	Power  int64               `json:"power,omitempty"`   // add_validator
	Param  string              `json:"param,omitempty"`   // set_param
	Value  int64               `json:"value,omitempty"`   // set_param
	// Prefixes are the GS1 company prefixes an (un)assign_gs1_prefixes
	// proposal gives to or takes from Target.
	Prefixes []string `json:"gs1_prefixes,omitempty"`
	// Upgrade is the plan of a schedule_upgrade proposal (name, version,
	// height), or the name of the plan a cancel_upgrade withdraws.
	Upgrade *gongxu.UpgradePlan `json:"upgrade,omitempty"`
}

// ValidateBasic implements module.Msg.
func (m *MsgPropose) ValidateBasic() error {
	if m.Title == "" || len(m.Title) > MaxTitle {
		return gongxu.Errorf(gongxu.KindInvalid, "a proposal needs a title of 1 to %d bytes", MaxTitle)
	}
	if m.Upgrade != nil && m.Kind != gongxu.ProposalScheduleUpgrade && m.Kind != gongxu.ProposalCancelUpgrade {
		return gongxu.Errorf(gongxu.KindInvalid, "%s proposal has fields it does not use", m.Kind)
	}
	extra := func(ok bool) error {
		if !ok {
			return gongxu.Errorf(gongxu.KindInvalid, "%s proposal has fields it does not use", m.Kind)
		}
		return nil
	}
	switch m.Kind {
	case gongxu.ProposalAdmitOrg:
		if m.Org == nil {
			return gongxu.Errorf(gongxu.KindInvalid, "admit_org needs the org to admit")
		}
		if err := validateNewOrg(*m.Org); err != nil {
			return err
		}
		return extra(m.Target == "" && m.PubKey == "" && m.Power == 0 && m.Param == "" && m.Value == 0 && m.Prefixes == nil)
	case gongxu.ProposalRemoveOrg:
		if err := m.Target.Validate(); err != nil {
			return err
		}
		return extra(m.Org == nil && m.PubKey == "" && m.Power == 0 && m.Param == "" && m.Value == 0 && m.Prefixes == nil)
	case gongxu.ProposalAddValidator:
		if err := m.Target.Validate(); err != nil {
			return err
		}
		if err := m.PubKey.Validate(); err != nil {
			return err
		}
		if m.Power <= 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "validator power must be positive, got %d", m.Power)
		}
		return extra(m.Org == nil && m.Param == "" && m.Value == 0 && m.Prefixes == nil)
	case gongxu.ProposalRemoveValidator:
		if err := m.PubKey.Validate(); err != nil {
			return err
		}
		return extra(m.Org == nil && m.Target == "" && m.Power == 0 && m.Param == "" && m.Value == 0 && m.Prefixes == nil)
	case gongxu.ProposalSetParam:
		if err := checkParam(m.Param, m.Value); err != nil {
			return err
		}
		return extra(m.Org == nil && m.Target == "" && m.PubKey == "" && m.Power == 0 && m.Prefixes == nil)
	case gongxu.ProposalAssignPrefixes, gongxu.ProposalUnassignPrefixes:
		if err := m.Target.Validate(); err != nil {
			return err
		}
		if len(m.Prefixes) == 0 {
			return gongxu.Errorf(gongxu.KindInvalid, "%s needs the GS1 company prefixes (gs1_prefixes)", m.Kind)
		}
		if err := checkPrefixes(m.Prefixes); err != nil {
			return err
		}
		return extra(m.Org == nil && m.PubKey == "" && m.Power == 0 && m.Param == "" && m.Value == 0)
	case gongxu.ProposalScheduleUpgrade:
		if m.Upgrade == nil {
			return gongxu.Errorf(gongxu.KindInvalid, "schedule_upgrade needs the upgrade: name, version and height")
		}
		if err := m.Upgrade.Validate(); err != nil {
			return err
		}
		return extra(m.Org == nil && m.Target == "" && m.PubKey == "" && m.Power == 0 && m.Param == "" && m.Value == 0 && m.Prefixes == nil)
	case gongxu.ProposalCancelUpgrade:
		if m.Upgrade == nil {
			return gongxu.Errorf(gongxu.KindInvalid, "cancel_upgrade needs the name of the scheduled upgrade")
		}
		if err := gongxu.ValidateUpgradeName(m.Upgrade.Name); err != nil {
			return err
		}
		return extra(m.Upgrade.Version == 0 && m.Upgrade.Height == 0 && m.Org == nil && m.Target == "" && m.PubKey == "" && m.Power == 0 && m.Param == "" && m.Value == 0 && m.Prefixes == nil)
	}
	return gongxu.Errorf(gongxu.KindInvalid, "unknown proposal kind %q (want admit_org, remove_org, add_validator, remove_validator, set_param, assign_gs1_prefixes, unassign_gs1_prefixes, schedule_upgrade or cancel_upgrade)", m.Kind)
}

// checkPrefixes checks a list of GS1 company prefixes: 1 to MaxPrefixes,
// each 6 to 12 digits, none twice, and none the beginning of another (the
// owner of an identifier must be one org).
func checkPrefixes(ps []string) error {
	if len(ps) > MaxPrefixes {
		return gongxu.Errorf(gongxu.KindInvalid, "%d GS1 company prefixes, the limit is %d", len(ps), MaxPrefixes)
	}
	for i, p := range ps {
		if err := gongxu.ValidateCompanyPrefix(p); err != nil {
			return err
		}
		for _, q := range ps[:i] {
			if p == q {
				return gongxu.Errorf(gongxu.KindInvalid, "GS1 company prefix %s is listed twice", p)
			}
			if strings.HasPrefix(p, q) || strings.HasPrefix(q, p) {
				return gongxu.Errorf(gongxu.KindInvalid, "GS1 company prefixes %s and %s overlap: one begins the other", q, p)
			}
		}
	}
	return nil
}

func validateNewOrg(o gongxu.Org) error {
	if err := o.ID.Validate(); err != nil {
		return err
	}
	if o.Name == "" {
		return gongxu.Errorf(gongxu.KindInvalid, "org %s needs a name", o.ID)
	}
	if err := checkText(o.Name, o.Description, o.Contact); err != nil {
		return err
	}
	if len(o.Roles) == 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "org %s needs at least one role", o.ID)
	}
	seenRole := map[gongxu.Role]bool{}
	for _, r := range o.Roles {
		if err := r.Validate(); err != nil {
			return err
		}
		if seenRole[r] {
			return gongxu.Errorf(gongxu.KindInvalid, "org %s lists role %s twice", o.ID, r)
		}
		seenRole[r] = true
	}
	if len(o.Keys) == 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "org %s needs at least one key", o.ID)
	}
	if len(o.Keys) > 64 {
		return gongxu.Errorf(gongxu.KindInvalid, "org %s lists %d keys, the limit is 64", o.ID, len(o.Keys))
	}
	seen := map[gongxu.PubKey]bool{}
	for _, k := range o.Keys {
		if err := k.Validate(); err != nil {
			return err
		}
		if seen[k] {
			return gongxu.Errorf(gongxu.KindInvalid, "org %s lists key %s twice", o.ID, k)
		}
		seen[k] = true
	}
	if o.SealKey != "" {
		if err := o.SealKey.Validate(); err != nil {
			return err
		}
	}
	return checkPrefixes(o.Prefixes)
}

// param is a governance parameter: its name in set_param, its range, and
// where it lives in gongxu.Params (get returns the value in force, defaults
// included).
type param struct {
	name   string
	lo, hi int64
	get    func(gongxu.Params) int64
	set    func(*gongxu.Params, int64)
}

// params are the parameters set_param may change, in the order they are listed.
var params = []param{
	{"max_tx_bytes", 1024, 4 << 20, func(p gongxu.Params) int64 { return p.MaxTxBytes }, func(p *gongxu.Params, v int64) { p.MaxTxBytes = v }},
	{"max_txs_per_signer_block", 1, 1_000_000, func(p gongxu.Params) int64 { return p.MaxTxsPerSignerBlock }, func(p *gongxu.Params, v int64) { p.MaxTxsPerSignerBlock = v }},
	{"voting_period_ms", 1000, 365 * 24 * 3600 * 1000, func(p gongxu.Params) int64 { return p.VotingPeriodMs }, func(p *gongxu.Params, v int64) { p.VotingPeriodMs = v }},
	{"max_org_keys", 1, 64, func(p gongxu.Params) int64 { return p.MaxOrgKeys }, func(p *gongxu.Params, v int64) { p.MaxOrgKeys = v }},
	{"max_validator_power", 1, 1_000_000, func(p gongxu.Params) int64 { return p.MaxValidatorPower }, func(p *gongxu.Params, v int64) { p.MaxValidatorPower = v }},
	{"max_block_weight", 1000, 10_000_000, func(p gongxu.Params) int64 { return p.BlockWeight() }, func(p *gongxu.Params, v int64) { p.MaxBlockWeight = v }},
	{"max_open_txs_per_block", 1, 1_000_000, func(p gongxu.Params) int64 { return p.OpenTxsPerBlock() }, func(p *gongxu.Params, v int64) { p.MaxOpenTxsPerBlock = v }},
	{"demand_min_contributors", 1, 1000, func(p gongxu.Params) int64 { return int64(p.Demand().MinContributors) }, func(p *gongxu.Params, v int64) { p.DemandMinContributors = v }},
	{"demand_dominance_n", 1, 100, func(p gongxu.Params) int64 { return int64(p.Demand().DominanceN) }, func(p *gongxu.Params, v int64) { p.DemandDominanceN = v }},
	{"demand_dominance_pct", 1, 100, func(p gongxu.Params) int64 { return int64(p.Demand().DominancePct) }, func(p *gongxu.Params, v int64) { p.DemandDominancePct = v }},
	// disputes (dispute_panel_size must be odd: checkParam). The windows'
	// defaults are days; their minimum is 10 s, so a network's members may
	// choose short windows (a pilot, a test network).
	{"dispute_settle_ms", 10_000, 365 * 24 * 3600 * 1000, func(p gongxu.Params) int64 { return p.DisputeSettle() }, func(p *gongxu.Params, v int64) { p.DisputeSettleMs = v }},
	{"dispute_vote_ms", 10_000, 365 * 24 * 3600 * 1000, func(p gongxu.Params) int64 { return p.DisputeVote() }, func(p *gongxu.Params, v int64) { p.DisputeVoteMs = v }},
	{"dispute_panel_size", 1, 15, func(p gongxu.Params) int64 { return p.DisputePanel() }, func(p *gongxu.Params, v int64) { p.DisputePanelSize = v }},
	{"dispute_default_bps", 0, 10_000, func(p gongxu.Params) int64 { return p.DisputeDefault() }, func(p *gongxu.Params, v int64) { p.DisputeDefaultBps = &v }},
	{"po_late_grace_ms", 1000, 90 * 24 * 3600 * 1000, func(p gongxu.Params) int64 { return p.POLateGrace() }, func(p *gongxu.Params, v int64) { p.POLateGraceMs = v }},
	// pool deadlines
	{"pool_start_grace_ms", 10_000, 90 * 24 * 3600 * 1000, func(p gongxu.Params) int64 { return p.PoolStartGrace() }, func(p *gongxu.Params, v int64) { p.PoolStartGraceMs = v }},
	{"pool_confirm_grace_ms", 10_000, 180 * 24 * 3600 * 1000, func(p gongxu.Params) int64 { return p.PoolConfirmGrace() }, func(p *gongxu.Params, v int64) { p.PoolConfirmGraceMs = v }},
}

// ParamNames lists the parameters set_param may change.
func ParamNames() []string {
	out := make([]string, len(params))
	for i, p := range params {
		out[i] = p.name
	}
	return out
}

func findParam(name string) (param, bool) {
	for _, p := range params {
		if p.name == name {
			return p, true
		}
	}
	return param{}, false
}

func checkParam(name string, v int64) error {
	p, ok := findParam(name)
	if !ok {
		return gongxu.Errorf(gongxu.KindInvalid, "unknown parameter %q", name)
	}
	if v < p.lo || v > p.hi {
		return gongxu.Errorf(gongxu.KindInvalid, "parameter %s must be between %d and %d, got %d", name, p.lo, p.hi, v)
	}
	if name == "dispute_panel_size" && v%2 == 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "parameter dispute_panel_size must be odd (a majority always exists), got %d", v)
	}
	return nil
}

func setParam(ps *gongxu.Params, name string, v int64) {
	if p, ok := findParam(name); ok {
		p.set(ps, v)
	}
}

// paramValue is the value in force of a parameter (0 for an unknown name).
func paramValue(ps gongxu.Params, name string) int64 {
	if p, ok := findParam(name); ok {
		return p.get(ps)
	}
	return 0
}

// MsgVote casts the signer's org's vote on an open proposal. One vote per org.
type MsgVote struct {
	Proposal uint64 `json:"proposal"`
	Yes      bool   `json:"yes"`
}

// ValidateBasic implements module.Msg.
func (m *MsgVote) ValidateBasic() error {
	if m.Proposal == 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "vote needs a proposal id")
	}
	return nil
}
