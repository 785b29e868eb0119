package gongxu

import (
	"context"
	"encoding/hex"
	"strings"
)

// OrgID names a member organization: 2 to 64 characters of a-z, 0-9 and '-',
// starting with a letter. It never changes.
type OrgID string

// Validate reports whether id is well formed.
func (id OrgID) Validate() error {
	s := string(id)
	if len(s) < 2 || len(s) > 64 {
		return Errorf(KindInvalid, "org id %q must be 2 to 64 characters", s)
	}
	for i, r := range s {
		switch {
		case r >= 'a' && r <= 'z':
		case (r >= '0' && r <= '9') || r == '-':
			if i == 0 {
				return Errorf(KindInvalid, "org id %q must start with a letter", s)
			}
		default:
			return Errorf(KindInvalid, "org id %q may hold only a-z, 0-9 and '-'", s)
		}
	}
	return nil
}

// Role is what an organization does in the network.
type Role string

// The roles.
const (
	RoleFactory   Role = "factory"
	RoleSupplier  Role = "supplier"
	RoleHub       Role = "hub"
	RoleLogistics Role = "logistics"
	RoleValidator Role = "validator"
)

// Roles lists every role.
func Roles() []Role {
	return []Role{RoleFactory, RoleSupplier, RoleHub, RoleLogistics, RoleValidator}
}

// Validate reports whether r is a known role.
func (r Role) Validate() error {
	for _, k := range Roles() {
		if r == k {
			return nil
		}
	}
	return Errorf(KindInvalid, "unknown role %q (want one of factory, supplier, hub, logistics, validator)", string(r))
}

// PubKey is a hex-encoded Ed25519 public key (64 hex characters).
type PubKey string

// Bytes decodes the key, checking its length.
func (k PubKey) Bytes() ([]byte, error) {
	b, err := hex.DecodeString(string(k))
	if err != nil || len(b) != 32 || strings.ToLower(string(k)) != string(k) {
		return nil, Errorf(KindInvalid, "public key %q must be 64 lower-case hex characters", string(k))
	}
	return b, nil
}

// Validate reports whether k is well formed.
func (k PubKey) Validate() error {
	_, err := k.Bytes()
	return err
}

// Org is a member organization.
type Org struct {
	ID          OrgID    `json:"id"`
	Name        string   `json:"name"`
	Roles       []Role   `json:"roles"`
	Keys        []PubKey `json:"keys"`
	Description string   `json:"description,omitempty"`
	Contact     string   `json:"contact,omitempty"` // a business contact the org chose to publish
	Since       int64    `json:"since"`             // height at which it joined (0: genesis)
	// Prefixes are the GS1 company prefixes the org holds (6 to 12 digits,
	// sorted): only it commissions, decommissions and recalls identifiers
	// under them. Declared at admission or in genesis, changed by governance.
	Prefixes []string `json:"gs1_prefixes,omitempty"`
	// SealKey is the X25519 public key others seal the org's private
	// terms to (purchase order prices); registered and rotated by the org
	// itself, its private half stays in the org's node keyring.
	SealKey SealKey `json:"seal_key,omitempty"`
}

// HasRole reports whether the org has role r.
func (o Org) HasRole(r Role) bool {
	for _, x := range o.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// ValidateCompanyPrefix checks a GS1 company prefix: 6 to 12 digits.
// Errors: KindInvalid.
func ValidateCompanyPrefix(p string) error {
	if len(p) < 6 || len(p) > 12 || strings.Trim(p, "0123456789") != "" {
		return Errorf(KindInvalid, "GS1 company prefix %q must be 6 to 12 digits", p)
	}
	return nil
}

// Validator is a consensus validator and the org that runs it.
type Validator struct {
	PubKey PubKey `json:"pub_key"`
	Power  int64  `json:"power"`
	Org    OrgID  `json:"org"`
}

// ProposalKind is what a governance proposal does when it passes.
type ProposalKind string

// The proposal kinds.
const (
	ProposalAdmitOrg        ProposalKind = "admit_org"
	ProposalRemoveOrg       ProposalKind = "remove_org"
	ProposalAddValidator    ProposalKind = "add_validator"
	ProposalRemoveValidator ProposalKind = "remove_validator"
	ProposalSetParam        ProposalKind = "set_param"
	// ProposalAssignPrefixes gives GS1 company prefixes to a member org;
	// ProposalUnassignPrefixes takes them back from the org holding them.
	ProposalAssignPrefixes   ProposalKind = "assign_gs1_prefixes"
	ProposalUnassignPrefixes ProposalKind = "unassign_gs1_prefixes"
)

// ProposalStatus is where a proposal stands.
type ProposalStatus string

// The proposal statuses.
const (
	ProposalOpen     ProposalStatus = "open"
	ProposalPassed   ProposalStatus = "passed"
	ProposalRejected ProposalStatus = "rejected" // enough no votes that it can no longer pass
	ProposalExpired  ProposalStatus = "expired"  // the deadline passed without > 2/3 yes
	ProposalFailed   ProposalStatus = "failed"   // passed, but could not be carried out (reason in Result)
)

// Proposal is a governance proposal of the member organizations.
type Proposal struct {
	ID       uint64         `json:"id"`
	Kind     ProposalKind   `json:"kind"`
	Proposer OrgID          `json:"proposer"`
	Title    string         `json:"title"`
	Org      *Org           `json:"org,omitempty"`          // admit_org
	Target   OrgID          `json:"target,omitempty"`       // remove_org, add_validator, (un)assign_gs1_prefixes
	PubKey   PubKey         `json:"pub_key,omitempty"`      // add_validator, remove_validator
	Power    int64          `json:"power,omitempty"`        // add_validator
	Param    string         `json:"param,omitempty"`        // set_param
	Value    int64          `json:"value,omitempty"`        // set_param
	Prefixes []string       `json:"gs1_prefixes,omitempty"` // (un)assign_gs1_prefixes
	Upgrade  *UpgradePlan   `json:"upgrade,omitempty"`      // schedule_upgrade, cancel_upgrade (name only)
	Created  int64          `json:"created"`                // block time, unix ms
	Deadline int64          `json:"deadline"`               // block time, unix ms
	Status   ProposalStatus `json:"status"`
	Yes      []OrgID        `json:"yes"`
	No       []OrgID        `json:"no"`
	Electors int            `json:"electors"` // member orgs when last counted
	Result   string         `json:"result,omitempty"`
	Height   int64          `json:"height"` // height of the last change
}

// Params are the governance parameters of the network.
type Params struct {
	MaxTxBytes           int64 `json:"max_tx_bytes"`             // largest accepted transaction
	MaxTxsPerSignerBlock int64 `json:"max_txs_per_signer_block"` // per-signer quota per block, instead of fees
	VotingPeriodMs       int64 `json:"voting_period_ms"`         // how long a proposal stays open
	MaxOrgKeys           int64 `json:"max_org_keys"`             // keys an org may register
	MaxValidatorPower    int64 `json:"max_validator_power"`      // power a single validator may hold
	// MaxBlockWeight bounds the work of one block: the sum of its
	// transactions' weights (1 for an ordinary message, more for captures and
	// hub batches by their size). 0 means DefaultMaxBlockWeight.
	MaxBlockWeight int64 `json:"max_block_weight,omitempty"`
	// MaxOpenTxsPerBlock is the budget that keys of no member org share in
	// one block (direct pledges, reductions, withdrawals). 0 means
	// DefaultMaxOpenTxsPerBlock.
	MaxOpenTxsPerBlock int64 `json:"max_open_txs_per_block,omitempty"`
	// The privacy thresholds of shared demand (DemandThresholds): the
	// network's floor, which a node may make stricter. 0 means the default.
	DemandMinContributors int64 `json:"demand_min_contributors,omitempty"`
	DemandDominanceN      int64 `json:"demand_dominance_n,omitempty"`
	DemandDominancePct    int64 `json:"demand_dominance_pct,omitempty"`
	// Disputes (internal/module/dispute): how long the parties have to
	// settle, how long a panel has to vote, how many member orgs sit on a
	// panel (odd), and the default split when a panel does not decide in
	// time and the pool's terms name none (basis points of the claimed
	// amount to the claimant). 0 (nil for the default) means the default.
	DisputeSettleMs   int64  `json:"dispute_settle_ms,omitempty"`
	DisputeVoteMs     int64  `json:"dispute_vote_ms,omitempty"`
	DisputePanelSize  int64  `json:"dispute_panel_size,omitempty"`
	DisputeDefaultBps *int64 `json:"dispute_default_bps,omitempty"`
	// POLateGraceMs is how long after a purchase order line's promised date
	// the line is recorded late when not shipped in full. 0 means
	// DefaultPOLateGraceMs.
	POLateGraceMs int64 `json:"po_late_grace_ms,omitempty"`
	// Pool deadlines (0 means the default): a succeeded pool not in
	// production by its promised start plus PoolStartGraceMs fails over and
	// refunds every payer; a shipped share not confirmed (nor disputed)
	// within PoolConfirmGraceMs is confirmed automatically.
	PoolStartGraceMs   int64 `json:"pool_start_grace_ms,omitempty"`
	PoolConfirmGraceMs int64 `json:"pool_confirm_grace_ms,omitempty"`
}

// The defaults of the dispute parameters.
const (
	DefaultDisputeSettleMs   = 7 * 24 * 3600 * 1000
	DefaultDisputeVoteMs     = 7 * 24 * 3600 * 1000
	DefaultDisputePanelSize  = 3
	DefaultDisputeDefaultBps = 5000
)

// DisputeSettle returns DisputeSettleMs, or its default when unset.
func (p Params) DisputeSettle() int64 {
	return disputeParamOr(p.DisputeSettleMs, DefaultDisputeSettleMs)
}

// DisputeVote returns DisputeVoteMs, or its default when unset.
func (p Params) DisputeVote() int64 { return disputeParamOr(p.DisputeVoteMs, DefaultDisputeVoteMs) }

// DisputePanel returns DisputePanelSize, or its default when unset.
func (p Params) DisputePanel() int64 {
	return disputeParamOr(p.DisputePanelSize, DefaultDisputePanelSize)
}

// DisputeDefault returns DisputeDefaultBps, or its default when unset (0 is
// a value here: nothing to the claimant).
func (p Params) DisputeDefault() int64 {
	if p.DisputeDefaultBps == nil {
		return DefaultDisputeDefaultBps
	}
	return *p.DisputeDefaultBps
}

func disputeParamOr(v, def int64) int64 {
	if v > 0 {
		return v
	}
	return def
}

// The defaults of the pool deadlines.
const (
	DefaultPoolStartGraceMs   = 3 * 24 * 3600 * 1000
	DefaultPoolConfirmGraceMs = 14 * 24 * 3600 * 1000
)

// PoolStartGrace returns PoolStartGraceMs, or its default when unset.
func (p Params) PoolStartGrace() int64 {
	if p.PoolStartGraceMs > 0 {
		return p.PoolStartGraceMs
	}
	return DefaultPoolStartGraceMs
}

// PoolConfirmGrace returns PoolConfirmGraceMs, or its default when unset.
func (p Params) PoolConfirmGrace() int64 {
	if p.PoolConfirmGraceMs > 0 {
		return p.PoolConfirmGraceMs
	}
	return DefaultPoolConfirmGraceMs
}

// DefaultPOLateGraceMs is the grace of a purchase order line's promised
// date, also for networks whose stored parameters predate it: one day.
const DefaultPOLateGraceMs = 24 * 3600 * 1000

// POLateGrace returns POLateGraceMs, or its default when unset.
func (p Params) POLateGrace() int64 {
	if p.POLateGraceMs > 0 {
		return p.POLateGraceMs
	}
	return DefaultPOLateGraceMs
}

// Demand returns the network's demand thresholds, defaults for those unset.
func (p Params) Demand() DemandThresholds {
	return DemandThresholds{MinContributors: int(p.DemandMinContributors), DominanceN: int(p.DemandDominanceN),
		DominancePct: int(p.DemandDominancePct)}.OrDefault()
}

// The defaults of the block budgets, also for networks whose stored
// parameters predate them.
const (
	DefaultMaxBlockWeight     = 40_000
	DefaultMaxOpenTxsPerBlock = 200
)

// BlockWeight returns MaxBlockWeight, or its default when unset.
func (p Params) BlockWeight() int64 {
	if p.MaxBlockWeight > 0 {
		return p.MaxBlockWeight
	}
	return DefaultMaxBlockWeight
}

// OpenTxsPerBlock returns MaxOpenTxsPerBlock, or its default when unset.
func (p Params) OpenTxsPerBlock() int64 {
	if p.MaxOpenTxsPerBlock > 0 {
		return p.MaxOpenTxsPerBlock
	}
	return DefaultMaxOpenTxsPerBlock
}

// DefaultParams are the parameters of a new network.
func DefaultParams() Params {
	return Params{
		MaxTxBytes:           1 << 20,
		MaxTxsPerSignerBlock: 2000,
		VotingPeriodMs:       7 * 24 * 3600 * 1000,
		MaxOrgKeys:           16,
		MaxValidatorPower:    1000,
	}
}

// Status describes a node and its chain.
type Status struct {
	ChainID         string      `json:"chain_id"`
	NodeID          string      `json:"node_id"`
	Moniker         string      `json:"moniker"`
	Height          int64       `json:"height"`
	AppHash         string      `json:"app_hash"`
	BlockTime       string      `json:"block_time"` // RFC 3339
	CatchingUp      bool        `json:"catching_up"`
	Validators      []Validator `json:"validators"`
	MempoolTxs      int         `json:"mempool_txs"`
	Version         string      `json:"version"`
	ReadModelHeight int64       `json:"read_model_height"`
	// HistoryFrom is the first block this node holds, when it does not hold
	// every block from 1 (it joined by state sync, or prunes its blocks):
	// it cannot serve older blocks, and its read model, which projects
	// every block from 1, stays at ReadModelHeight. 0: the whole history.
	HistoryFrom int64 `json:"history_from,omitempty"`
}

// TxRecord is a committed transaction as the read model holds it.
type TxRecord struct {
	Hash    string  `json:"hash"`
	Height  int64   `json:"height"`
	Index   int     `json:"index"`
	Time    string  `json:"time"` // block time, RFC 3339
	Type    string  `json:"type"`
	Signer  PubKey  `json:"signer"`
	Org     OrgID   `json:"org,omitempty"`
	Code    uint32  `json:"code"`
	Kind    string  `json:"kind,omitempty"`
	Message string  `json:"message,omitempty"`
	Events  []Event `json:"events,omitempty"`
}

// TxResult is what submitting a transaction returns.
type TxResult struct {
	Hash    string `json:"hash"`
	Height  int64  `json:"height"`
	Code    uint32 `json:"code"`
	Kind    string `json:"kind,omitempty"`
	Message string `json:"message,omitempty"`
}

// ProposalFilter narrows a proposal listing.
type ProposalFilter struct {
	Status ProposalStatus // "" for all
	Limit  int
}

// MemberService reads organizations, validators and proposals.
// Errors: KindNotFound for an unknown id, KindInternal otherwise.
type MemberService interface {
	Orgs(ctx context.Context) ([]Org, error)
	Org(ctx context.Context, id OrgID) (Org, error)
	Validators(ctx context.Context) ([]Validator, error)
	Proposals(ctx context.Context, f ProposalFilter) ([]Proposal, error)
	Proposal(ctx context.Context, id uint64) (Proposal, error)
}

// TxService reads committed transactions.
// Errors: KindNotFound for an unknown hash, KindInternal otherwise.
type TxService interface {
	Tx(ctx context.Context, hash string) (TxRecord, error)
	RecentTxs(ctx context.Context, limit int) ([]TxRecord, error)
	// Height is the last height the read model has projected.
	Height(ctx context.Context) (int64, error)
}
