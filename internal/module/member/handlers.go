package member

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/gongxu-network/gongxu"
	"github.com/gongxu-network/gongxu/internal/module"
)

// Routes implements module.Module. Every member message needs a member's key.
func (m *Module) Routes() []module.Route {
	return []module.Route{
		{Type: TypeUpdateOrg, New: func() module.Msg { return &MsgUpdateOrg{} }, Handle: m.handleUpdateOrg},
		{Type: TypeAddKey, New: func() module.Msg { return &MsgAddKey{} }, Handle: m.handleAddKey},
		{Type: TypeRemoveKey, New: func() module.Msg { return &MsgRemoveKey{} }, Handle: m.handleRemoveKey},
		{Type: TypeSealKey, New: func() module.Msg { return &MsgSealKey{} }, Handle: m.handleSealKey},
		{Type: TypePropose, New: func() module.Msg { return &MsgPropose{} }, Handle: m.handlePropose},
		{Type: TypeVote, New: func() module.Msg { return &MsgVote{} }, Handle: m.handleVote},
	}
}

// signerOrg returns the org of the transaction's signer, which the chain has
// already resolved; a message from a non-member never reaches these handlers.
func (m *Module) signerOrg(ctx *module.Context) (gongxu.Org, error) {
	if ctx.Org == "" {
		return gongxu.Org{}, gongxu.Errorf(gongxu.KindUnauthorized, "signer belongs to no member org")
	}
	return m.Org(ctx.KV, ctx.Org)
}

func (m *Module) handleUpdateOrg(ctx *module.Context, msg module.Msg) error {
	u := msg.(*MsgUpdateOrg)
	o, err := m.signerOrg(ctx)
	if err != nil {
		return err
	}
	if u.Name != "" {
		o.Name = u.Name
	}
	if u.Description != "" {
		o.Description = u.Description
	}
	if u.Contact != "" {
		o.Contact = u.Contact
	}
	return saveOrg(ctx, o)
}

func (m *Module) handleAddKey(ctx *module.Context, msg module.Msg) error {
	k := msg.(*MsgAddKey).Key
	o, err := m.signerOrg(ctx)
	if err != nil {
		return err
	}
	if owner, err := m.OrgOfKey(ctx.KV, k); err != nil {
		return err
	} else if owner != "" {
		return gongxu.Errorf(gongxu.KindConflict, "key %s already belongs to org %s", k, owner)
	}
	params, err := m.Params(ctx.KV)
	if err != nil {
		return err
	}
	if int64(len(o.Keys)) >= params.MaxOrgKeys {
		return gongxu.Errorf(gongxu.KindQuota, "org %s has %d keys, the limit is %d", o.ID, len(o.Keys), params.MaxOrgKeys)
	}
	o.Keys = append(o.Keys, k)
	if err := ctx.KV.Set(keyKey(k), []byte(o.ID)); err != nil {
		return err
	}
	return saveOrg(ctx, o)
}

func (m *Module) handleRemoveKey(ctx *module.Context, msg module.Msg) error {
	k := msg.(*MsgRemoveKey).Key
	o, err := m.signerOrg(ctx)
	if err != nil {
		return err
	}
	i := slices.Index(o.Keys, k)
	if i < 0 {
		return gongxu.Errorf(gongxu.KindNotFound, "key %s is not one of org %s's keys", k, o.ID)
	}
	if len(o.Keys) == 1 {
		return gongxu.Errorf(gongxu.KindConflict, "key %s is org %s's last key; add another first", k, o.ID)
	}
	o.Keys = slices.Delete(o.Keys, i, i+1)
	if err := ctx.KV.Delete(keyKey(k)); err != nil {
		return err
	}
	return saveOrg(ctx, o)
}

func (m *Module) handleSealKey(ctx *module.Context, msg module.Msg) error {
	k := msg.(*MsgSealKey).Key
	o, err := m.signerOrg(ctx)
	if err != nil {
		return err
	}
	if o.SealKey == k {
		return gongxu.Errorf(gongxu.KindConflict, "seal key %s is already org %s's seal key", k, o.ID)
	}
	o.SealKey = k
	return saveOrg(ctx, o)
}

func (m *Module) handlePropose(ctx *module.Context, msg module.Msg) error {
	pm := msg.(*MsgPropose)
	o, err := m.signerOrg(ctx)
	if err != nil {
		return err
	}
	// State checks that can be made now; they are made again when the
	// proposal passes, since the network may change while it is open.
	if err := m.checkAction(ctx, pm); err != nil {
		return err
	}
	params, err := m.Params(ctx.KV)
	if err != nil {
		return err
	}
	var seq uint64
	if _, err := module.Load(ctx.KV, propSeqKey, &seq); err != nil {
		return err
	}
	seq++
	if _, err := module.Save(ctx.KV, propSeqKey, seq); err != nil {
		return err
	}
	deadline, err := gongxu.AddInt64(ctx.Time, params.VotingPeriodMs)
	if err != nil {
		return err
	}
	p := gongxu.Proposal{
		ID: seq, Kind: pm.Kind, Proposer: o.ID, Title: pm.Title, Org: pm.Org, Target: pm.Target,
		PubKey: pm.PubKey, Power: pm.Power, Param: pm.Param, Value: pm.Value, Prefixes: pm.Prefixes, Upgrade: cloneUpgrade(pm.Upgrade),
		Created: ctx.Time, Deadline: deadline, Status: gongxu.ProposalOpen,
		Yes: []gongxu.OrgID{o.ID}, No: []gongxu.OrgID{},
	}
	if p.Org != nil {
		org := *p.Org
		org.Since = 0
		p.Org = &org
	}
	if err := openProposals.Add(ctx.KV, p.Deadline, p.ID); err != nil {
		return err
	}
	return m.tally(ctx, p)
}

// checkAction checks a proposal's action against the current state.
func (m *Module) checkAction(ctx *module.Context, pm *MsgPropose) error {
	switch pm.Kind {
	case gongxu.ProposalAdmitOrg:
		return m.checkAdmissible(ctx.KV, *pm.Org)
	case gongxu.ProposalAssignPrefixes:
		o, err := m.Org(ctx.KV, pm.Target)
		if err != nil {
			return err
		}
		if len(o.Prefixes)+len(pm.Prefixes) > MaxPrefixes {
			return gongxu.Errorf(gongxu.KindQuota, "org %s would hold %d GS1 company prefixes, the limit is %d", o.ID, len(o.Prefixes)+len(pm.Prefixes), MaxPrefixes)
		}
		return checkPrefixesFree(ctx.KV, pm.Prefixes)
	case gongxu.ProposalUnassignPrefixes:
		return checkUnassign(ctx.KV, pm.Target, pm.Prefixes)
	case gongxu.ProposalScheduleUpgrade:
		return checkSchedule(ctx, *pm.Upgrade)
	case gongxu.ProposalCancelUpgrade:
		return checkCancel(ctx.KV, pm.Upgrade.Name)
	case gongxu.ProposalRemoveOrg:
		if _, err := m.Org(ctx.KV, pm.Target); err != nil {
			return err
		}
	case gongxu.ProposalAddValidator:
		if _, err := m.Org(ctx.KV, pm.Target); err != nil {
			return err
		}
		params, err := m.Params(ctx.KV)
		if err != nil {
			return err
		}
		if pm.Power > params.MaxValidatorPower {
			return gongxu.Errorf(gongxu.KindInvalid, "validator power %d is over the limit of %d", pm.Power, params.MaxValidatorPower)
		}
		var v gongxu.Validator
		if ok, err := module.Load(ctx.KV, valKey(pm.PubKey), &v); err != nil {
			return err
		} else if ok {
			return gongxu.Errorf(gongxu.KindConflict, "key %s is already a validator of org %s", pm.PubKey, v.Org)
		}
	case gongxu.ProposalRemoveValidator:
		var v gongxu.Validator
		if ok, err := module.Load(ctx.KV, valKey(pm.PubKey), &v); err != nil {
			return err
		} else if !ok {
			return gongxu.Errorf(gongxu.KindNotFound, "key %s is not a validator", pm.PubKey)
		}
		vals, err := m.Validators(ctx.KV)
		if err != nil {
			return err
		}
		if len(vals) <= 1 {
			return gongxu.Errorf(gongxu.KindConflict, "key %s is the last validator", pm.PubKey)
		}
	}
	return nil
}

func (m *Module) handleVote(ctx *module.Context, msg module.Msg) error {
	v := msg.(*MsgVote)
	o, err := m.signerOrg(ctx)
	if err != nil {
		return err
	}
	p, err := m.Proposal(ctx.KV, v.Proposal)
	if err != nil {
		return err
	}
	if p.Status == gongxu.ProposalExpired || (p.Status == gongxu.ProposalOpen && ctx.Time >= p.Deadline) {
		return gongxu.Errorf(gongxu.KindExpired, "proposal %d's deadline has passed", p.ID)
	}
	if p.Status != gongxu.ProposalOpen {
		return gongxu.Errorf(gongxu.KindConflict, "proposal %d is %s; votes are closed", p.ID, p.Status)
	}
	if slices.Contains(p.Yes, o.ID) || slices.Contains(p.No, o.ID) {
		return gongxu.Errorf(gongxu.KindConflict, "org %s has already voted on proposal %d", o.ID, p.ID)
	}
	if v.Yes {
		p.Yes = append(p.Yes, o.ID)
	} else {
		p.No = append(p.No, o.ID)
	}
	return m.tally(ctx, p)
}

// tally counts the votes of the orgs that are members now, decides the
// proposal if it can be decided, and saves it. More than 2/3 of member orgs
// voting yes passes it; enough no votes that it can no longer reach that
// rejects it.
func (m *Module) tally(ctx *module.Context, p gongxu.Proposal) error {
	n, err := memberCount(ctx.KV)
	if err != nil {
		return err
	}
	p.Electors = n
	yes, no := 0, 0
	for _, id := range p.Yes {
		if _, err := m.Org(ctx.KV, id); err == nil {
			yes++
		}
	}
	for _, id := range p.No {
		if _, err := m.Org(ctx.KV, id); err == nil {
			no++
		}
	}
	switch {
	case 3*yes > 2*n:
		p.Status = gongxu.ProposalPassed
		if err := m.execute(ctx, &p); err != nil {
			if gongxu.ErrorKind(err) == gongxu.KindInternal {
				return err
			}
			p.Status = gongxu.ProposalFailed
			p.Result = gongxu.ErrorMessage(err)
		}
	case 3*(n-no) <= 2*n:
		p.Status = gongxu.ProposalRejected
		p.Result = strconv.Itoa(no) + " of " + strconv.Itoa(n) + " member orgs voted no"
	}
	if p.Status != gongxu.ProposalOpen {
		if err := openProposals.Remove(ctx.KV, p.Deadline, p.ID); err != nil {
			return err
		}
	}
	return saveProposal(ctx, p)
}

// execute carries out a passed proposal. A *gongxu.Error means it could not be
// carried out (the network changed); the proposal is then marked failed.
func (m *Module) execute(ctx *module.Context, p *gongxu.Proposal) error {
	pm := &MsgPropose{Kind: p.Kind, Org: p.Org, Target: p.Target, PubKey: p.PubKey, Power: p.Power, Param: p.Param, Value: p.Value, Prefixes: p.Prefixes, Upgrade: p.Upgrade}
	if err := m.checkAction(ctx, pm); err != nil {
		return err
	}
	switch p.Kind {
	case gongxu.ProposalAdmitOrg:
		if err := m.admit(ctx, *p.Org); err != nil {
			return err
		}
		p.Result = "org " + string(p.Org.ID) + " admitted"
	case gongxu.ProposalRemoveOrg:
		if err := m.remove(ctx, p.Target); err != nil {
			return err
		}
		p.Result = "org " + string(p.Target) + " removed"
	case gongxu.ProposalAddValidator:
		if err := m.setValidator(ctx, gongxu.Validator{PubKey: p.PubKey, Power: p.Power, Org: p.Target}); err != nil {
			return err
		}
		p.Result = "validator added"
	case gongxu.ProposalRemoveValidator:
		var v gongxu.Validator
		if _, err := module.Load(ctx.KV, valKey(p.PubKey), &v); err != nil {
			return err
		}
		if err := m.setValidator(ctx, gongxu.Validator{PubKey: p.PubKey, Power: 0, Org: v.Org}); err != nil {
			return err
		}
		p.Result = "validator removed"
	case gongxu.ProposalSetParam:
		params, err := m.Params(ctx.KV)
		if err != nil {
			return err
		}
		setParam(&params, p.Param, p.Value)
		if err := saveParams(ctx, params); err != nil {
			return err
		}
		p.Result = p.Param + " set to " + strconv.FormatInt(p.Value, 10)
	case gongxu.ProposalAssignPrefixes:
		if err := m.assignPrefixes(ctx, p.Target, p.Prefixes); err != nil {
			return err
		}
		p.Result = "GS1 company prefixes " + strings.Join(p.Prefixes, ", ") + " assigned to org " + string(p.Target)
	case gongxu.ProposalUnassignPrefixes:
		if err := m.unassignPrefixes(ctx, p.Target, p.Prefixes); err != nil {
			return err
		}
		p.Result = "GS1 company prefixes " + strings.Join(p.Prefixes, ", ") + " taken back from org " + string(p.Target)
	case gongxu.ProposalScheduleUpgrade:
		if err := scheduleUpgrade(ctx, *p.Upgrade); err != nil {
			return err
		}
		p.Result = "upgrade " + p.Upgrade.Name + " to state machine version " + strconv.FormatUint(p.Upgrade.Version, 10) + " scheduled at height " + strconv.FormatInt(p.Upgrade.Height, 10)
	case gongxu.ProposalCancelUpgrade:
		if err := ctx.KV.Delete(upgradeKey); err != nil {
			return err
		}
		p.Result = "upgrade " + p.Upgrade.Name + " cancelled"
	}
	return nil
}

// MaxExpiriesPerBlock bounds the proposals one block expires; more due at
// once expire in the next blocks, in (deadline, id) order. Until then a
// proposal past its deadline takes no vote (handleVote: KindExpired), so
// what the sweep decides is decided by the deadline.
const MaxExpiriesPerBlock = 256

// BeginBlock implements module.Module: proposals whose deadline has come
// expire, in (deadline, id) order, at most MaxExpiriesPerBlock a block.
func (m *Module) BeginBlock(ctx *module.Context) error {
	due, err := openProposals.First(ctx.KV, ctx.Time, MaxExpiriesPerBlock)
	if err != nil {
		return err
	}
	for _, id := range due {
		p, err := m.Proposal(ctx.KV, id)
		if err != nil {
			return err
		}
		if err := openProposals.Remove(ctx.KV, p.Deadline, p.ID); err != nil {
			return err
		}
		p.Status = gongxu.ProposalExpired
		p.Result = "deadline passed with " + strconv.Itoa(len(p.Yes)) + " yes of " + strconv.Itoa(p.Electors) + " member orgs"
		if err := saveProposal(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// EndBlock implements module.Module.
func (*Module) EndBlock(*module.Context) error { return nil }

// Genesis is the member module's part of the genesis app state.
type Genesis struct {
	Orgs       []gongxu.Org       `json:"orgs"`
	Validators []gongxu.Validator `json:"validators"`
	Params     *gongxu.Params     `json:"params,omitempty"`
	// Peers are the founders' nodes, "id@host:port", as gongxu genesis
	// took them from their join files. They are not state: InitGenesis
	// ignores them; a starting node reads them to find its peers.
	Peers []string `json:"peers,omitempty"`
}

// InitGenesis implements module.Module.
func (m *Module) InitGenesis(ctx *module.Context, raw json.RawMessage) error {
	var g Genesis
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &g); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "member genesis: %v", err)
		}
	}
	if len(g.Orgs) == 0 {
		return gongxu.Errorf(gongxu.KindInvalid, "member genesis needs at least one org")
	}
	params := gongxu.DefaultParams()
	if g.Params != nil {
		params = *g.Params
	}
	for _, name := range ParamNames() {
		if err := checkParam(name, paramValue(params, name)); err != nil {
			return err
		}
	}
	if err := saveParams(ctx, params); err != nil {
		return err
	}
	slices.SortFunc(g.Orgs, func(a, b gongxu.Org) int { return compare(string(a.ID), string(b.ID)) })
	for _, o := range g.Orgs {
		if err := validateNewOrg(o); err != nil {
			return err
		}
		if err := m.admit(ctx, o); err != nil {
			return err
		}
	}
	slices.SortFunc(g.Validators, func(a, b gongxu.Validator) int { return compare(string(a.PubKey), string(b.PubKey)) })
	for _, v := range g.Validators {
		if _, err := m.Org(ctx.KV, v.Org); err != nil {
			return gongxu.Errorf(gongxu.KindInvalid, "genesis validator %s: %v", v.PubKey, err)
		}
		if v.Power <= 0 || v.Power > params.MaxValidatorPower {
			return gongxu.Errorf(gongxu.KindInvalid, "genesis validator %s: power %d out of range", v.PubKey, v.Power)
		}
		if err := m.setValidator(ctx, v); err != nil {
			return err
		}
	}
	return nil
}

func compare(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
