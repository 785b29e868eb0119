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
}

// ValidateBasic implements module.Msg.
func (m *MsgPropose) ValidateBasic() error {
	if m.Title == "" || len(m.Title) > MaxTitle {
		return gongxu.Errorf(gongxu.KindInvalid, "a proposal needs a title of 1 to %d bytes", MaxTitle)
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
	}
	return gongxu.Errorf(gongxu.KindInvalid, "unknown proposal kind %q (want admit_org, remove_org, add_validator, remove_validator, set_param, assign_gs1_prefixes or unassign_gs1_prefixes)", m.Kind)
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
	return checkPrefixes(o.Prefixes)
}

// ParamNames lists the parameters set_param may change.
func ParamNames() []string {
	return []string{"max_tx_bytes", "max_txs_per_signer_block", "voting_period_ms", "max_org_keys", "max_validator_power",
		"max_block_weight", "max_open_txs_per_block", "demand_min_contributors", "demand_dominance_n", "demand_dominance_pct"}
}

func checkParam(name string, v int64) error {
	lo, hi := int64(0), int64(0)
	switch name {
	case "max_tx_bytes":
		lo, hi = 1024, 4<<20
	case "max_txs_per_signer_block":
		lo, hi = 1, 1_000_000
	case "voting_period_ms":
		lo, hi = 1000, 365*24*3600*1000
	case "max_org_keys":
		lo, hi = 1, 64
	case "max_validator_power":
		lo, hi = 1, 1_000_000
	case "max_block_weight":
		lo, hi = 1000, 10_000_000
	case "max_open_txs_per_block":
		lo, hi = 1, 1_000_000
	case "demand_min_contributors":
		lo, hi = 1, 1000
	case "demand_dominance_n":
		lo, hi = 1, 100
	case "demand_dominance_pct":
		lo, hi = 1, 100
	default:
		return gongxu.Errorf(gongxu.KindInvalid, "unknown parameter %q", name)
	}
	if v < lo || v > hi {
		return gongxu.Errorf(gongxu.KindInvalid, "parameter %s must be between %d and %d, got %d", name, lo, hi, v)
	}
	return nil
}

func setParam(p *gongxu.Params, name string, v int64) {
	switch name {
	case "max_tx_bytes":
		p.MaxTxBytes = v
	case "max_txs_per_signer_block":
		p.MaxTxsPerSignerBlock = v
	case "voting_period_ms":
		p.VotingPeriodMs = v
	case "max_org_keys":
		p.MaxOrgKeys = v
	case "max_validator_power":
		p.MaxValidatorPower = v
	case "max_block_weight":
		p.MaxBlockWeight = v
	case "max_open_txs_per_block":
		p.MaxOpenTxsPerBlock = v
	case "demand_min_contributors":
		p.DemandMinContributors = v
	case "demand_dominance_n":
		p.DemandDominanceN = v
	case "demand_dominance_pct":
		p.DemandDominancePct = v
	}
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
